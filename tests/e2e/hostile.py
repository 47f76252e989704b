#!/usr/bin/python3
"""Hostile traffic for tests/e2e/hostile.sh: a bounded burst of bad frames written raw on a
veth (AF_PACKET) while a real call runs through mrfpd. Each category has a known count and
the drop reason (or answer counter) mrfpd must count it under; the counts go to stdout as JSON.
Usage: hostile.py IFACE SRC_IP MEDIA_IP LEG_PORT[,LEG_PORT...] PCAP ROUNDS
  SRC_IP: an address of IFACE (not a participant's); PCAP: the call's capture, whose SRTP
  packets toward mrfpd are replayed (they were accepted once: now srtp_replay)."""
import json, os, socket, struct, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import pcap as pcapfile  # noqa: E402

BCAST = b"\xff" * 6


def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, ihl=5, frag=0, total=None):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total or 20 + len(payload), 7, frag, 64, proto,
                    0, socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def rtp(seq, ssrc, payload, pt=0):
    return struct.pack("!BBHII", 0x80, pt, seq & 0xffff, seq * 160, ssrc) + payload


def replayable(pcap, media_ip, ports):
    """Frames of the capture sent to one of mrfpd's leg ports (RTP): SRTP it accepted."""
    out, target = [], socket.inet_aton(media_ip)
    try:
        for _, _, frame in pcapfile.records(pcap):
            if len(frame) > 42 and frame[12:14] == b"\x08\x00" and frame[23] == 17 and frame[30:34] == target:
                dport = struct.unpack("!H", frame[36:38])[0]
                if dport in ports and frame[42] & 0xc0 == 0x80:
                    out.append(frame)
    except ValueError:  # no capture header (yet): nothing to replay
        pass
    return out


def main():
    iface, src, media, ports_arg, pcap, rounds = sys.argv[1:7]
    ports, rounds = [int(p) for p in ports_arg.split(",")], int(rounds)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    mac = s.getsockname()[4]
    eth = lambda et, dst=BCAST: dst + mac + struct.pack("!H", et)  # noqa: E731
    sent = {}

    def send(reason, frame, n=1):
        for _ in range(n):
            s.send(frame)
        sent[reason] = sent.get(reason, 0) + n

    replays = replayable(pcap, media, set(ports))[:50 * rounds]
    pay = os.urandom(160)
    for r in range(rounds):
        leg = ports[r % len(ports)]
        # Ethernet/IP nonsense
        send("unsupported_ethertype", eth(0x88b5) + os.urandom(46), 20)
        send("malformed_l3", eth(0x0800) + ip4(src, media, 17, udp(9, leg, pay))[:19] + b"\0" * 27, 10)
        send("malformed_l3", eth(0x0800) + ip4(src, media, 17, udp(9, leg, pay), ihl=3), 10)
        send("malformed_l3", eth(0x0800) + ip4(src, media, 17, udp(9, leg, pay), total=1400), 10)
        send("ip_fragment", eth(0x0800) + ip4(src, media, 17, udp(9, leg, pay), frag=0x2000), 10)
        send("not_for_us", eth(0x0800) + ip4(src, "10.77.0.250", 17, udp(9, leg, pay)), 10)
        send("unsupported_l4", eth(0x0800) + ip4(src, media, 47, os.urandom(40)), 10)
        send("malformed_l4", eth(0x0800) + ip4(src, media, 17, struct.pack("!HHHH", 9, leg, 400, 0) + pay), 10)
        # media ports: nothing there, too short, plaintext, forged, replayed
        send("unknown_port", eth(0x0800) + ip4(src, media, 17, udp(9, 49998, rtp(r, 1, pay))), 20)
        send("truncated", eth(0x0800) + ip4(src, media, 17, udp(9, leg, b"\x80\x00\x00\x01\x00")), 20)
        send("srtp_auth_fail", eth(0x0800) + ip4(src, media, 17, udp(9, leg, rtp(r, 0x1234, pay))), 20)
        for i in range(20):  # a participant's SSRC and a plausible index, a random tag
            send("srtp_auth_fail", eth(0x0800) + ip4(src, media, 17, udp(
                9, leg, rtp(1000 + 20 * r + i, 0x1234, pay) + os.urandom(10))))
        for f in replays[50 * r:50 * (r + 1)]:
            send("srtp_replay", f)
        # ARP and ICMP floods: answered (counted), never forwarded
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, socket.inet_aton(src), b"\0" * 6,
                          socket.inet_aton(media))
        send("arp_replies", eth(0x0806) + arp, 50)
        icmp = struct.pack("!BBHHH", 8, 0, 0, 9, r) + os.urandom(32)
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        send("icmp_replies", eth(0x0800) + ip4(src, media, 1, icmp), 50)
        time.sleep(0.1)
    print(json.dumps(sent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
