"""Classic pcap files, as tcpdump -w and DPDK's net_pcap write them: every record read back,
Ethernet frames written."""
import struct

LINKTYPE_ETHERNET = 1
_LE = (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")  # microsecond, nanosecond stamps
_BE = (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d")


def records(path):
    """Yields (timestamp in s, linktype, frame) for each record of a classic pcap file, either
    byte order, microsecond or nanosecond stamps; a record cut short (a capture still being
    written) ends it. ValueError when the file is no classic pcap file."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise ValueError("not a pcap file (too short)")
        magic = hdr[:4]
        if magic in _LE:
            e = "<"
        elif magic in _BE:
            e = ">"
        else:
            raise ValueError("not a classic pcap file (pcapng? use tcpdump -w)")
        scale = 1e9 if magic in (_LE[1], _BE[1]) else 1e6
        linktype = struct.unpack(e + "I", hdr[20:24])[0] & 0x0FFFFFFF
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            sec, frac, incl, _ = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec + frac / scale, linktype, data


def header(linktype=LINKTYPE_ETHERNET, snaplen=65535):
    """The file header (little-endian, microsecond stamps)."""
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def record(sec, usec, frame):
    """One record after header(): the whole frame, stamped sec.usec."""
    return struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
