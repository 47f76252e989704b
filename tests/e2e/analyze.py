#!/usr/bin/python3
"""Analysis helpers for the mrfp end-to-end lab (tests/e2e/lab.sh).

  analyze.py freq WAV --expect HZ [--tol 20] [--min-seconds 1.0] [--label NAME]
      Prints the dominant frequency and the audible duration of WAV. Exits 1 when the
      dominant frequency is not within --tol Hz of --expect, or when fewer than
      --min-seconds of audible (non-silent) audio were received. Without --expect it
      only prints.

  analyze.py plaintext PCAP --plain FILE.ul [--plain ...] [--from 10.77.0.1]
                            [--min-from 1] [--window 8]
      Fails (exit 1) when any --window-byte window of any plaintext file (raw G.711
      bytes, e.g. `ffmpeg ... -f mulaw x.ul`) appears in the payload of any UDP
      datagram of PCAP, or when PCAP holds fewer than --min-from UDP datagrams sent by
      --from (so that a lab where nothing flowed cannot pass).

  analyze.py selftest
      Checks both detectors on generated data (needs ffmpeg): a tone must be found and
      a wrong expectation rejected, a capture of plain RTP carrying the tone must be
      flagged, and a capture of random (encrypted-looking) payloads must pass.

Exit codes: 0 pass, 1 check failed, 2 usage or unreadable input.
Only the standard library and numpy are used; no key material is ever read here.
"""

import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile
import wave

try:
    import numpy as np
except ImportError:  # pragma: no cover - reported clearly instead of a traceback
    sys.stderr.write("analyze.py: numpy is missing (Debian package python3-numpy; "
                     "run with /usr/bin/python3)\n")
    sys.exit(77)


# ---------------------------------------------------------------------------------------------
# audio

def read_wav(path):
    """Returns (mono float samples in [-1, 1], sample rate)."""
    with wave.open(path, "rb") as w:
        rate = w.getframerate()
        ch = w.getnchannels()
        width = w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    elif width == 1:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif width == 4:
        x = np.frombuffer(raw, dtype="<i4").astype(np.float64) / 2147483648.0
    else:
        raise ValueError("unsupported sample width %d" % width)
    if ch > 1:
        x = x[: len(x) - len(x) % ch].reshape(-1, ch).mean(axis=1)
    return x, rate


def audible_seconds(x, rate, block_s=0.02, floor_dbfs=-40.0):
    """Seconds of audio in blocks whose RMS is above floor_dbfs."""
    n = int(rate * block_s)
    if n <= 0 or len(x) < n:
        return 0.0
    blocks = x[: len(x) - len(x) % n].reshape(-1, n)
    rms = np.sqrt(np.mean(blocks * blocks, axis=1))
    thr = 10.0 ** (floor_dbfs / 20.0)
    return float(np.count_nonzero(rms > thr)) * block_s


def dominant_frequency(x, rate):
    """Frequency (Hz) of the strongest FFT bin, refined by parabolic interpolation,
    and the share of the signal energy within +-25 Hz of it."""
    if len(x) < 256:
        return 0.0, 0.0
    x = x - np.mean(x)
    win = np.hanning(len(x))
    spec = np.abs(np.fft.rfft(x * win))
    spec[0] = 0.0
    k = int(np.argmax(spec))
    f = float(k)
    if 0 < k < len(spec) - 1:
        a, b, c = np.log(spec[k - 1] + 1e-12), np.log(spec[k] + 1e-12), np.log(spec[k + 1] + 1e-12)
        den = a - 2 * b + c
        if den != 0:
            f = k + 0.5 * (a - c) / den
    hz_per_bin = rate / float(len(x))
    power = spec * spec
    total = float(np.sum(power)) or 1.0
    lo = max(0, int(k - 25.0 / hz_per_bin))
    hi = int(k + 25.0 / hz_per_bin) + 1
    share = float(np.sum(power[lo:hi])) / total
    return f * hz_per_bin, share


def spectral_peaks(x, rate, count):
    """The `count` strongest spectral peaks at least 40 Hz apart: [(Hz, dB below the top)]."""
    if len(x) < 256:
        return []
    x = x - np.mean(x)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    spec[0] = 0.0
    hz_per_bin = rate / float(len(x))
    guard = max(1, int(40.0 / hz_per_bin))
    out = []
    s = spec.copy()
    top = float(np.max(s)) or 1.0
    for _ in range(count):
        k = int(np.argmax(s))
        if s[k] <= top * 1e-3:  # -60 dB: nothing more worth naming
            break
        out.append((k * hz_per_bin, 20 * np.log10(s[k] / top)))
        s[max(0, k - guard):k + guard + 1] = 0.0
    return out


def cmd_freq(a):
    label = a.label or os.path.basename(a.wav)
    try:
        x, rate = read_wav(a.wav)
    except (OSError, EOFError, wave.Error, ValueError) as e:
        print("%s: FAIL cannot read %s: %s" % (label, a.wav, e))
        return 1
    dur = len(x) / float(rate) if rate else 0.0
    aud = audible_seconds(x, rate)
    f, share = dominant_frequency(x, rate)
    rms = float(np.sqrt(np.mean(x * x))) if len(x) else 0.0
    rms_db = 20 * np.log10(rms) if rms > 0 else -999.0
    msg = ("%s: heard %.1f Hz (%.0f%% of energy), %.2f s received, %.2f s audible, %.1f dBFS"
           % (label, f, share * 100, dur, aud, rms_db))
    if getattr(a, "peaks", 0) and a.peaks > 1:
        msg += "; peaks " + ", ".join("%.0f Hz (%.0f dB)" % (hz, db)
                                      for hz, db in spectral_peaks(x, rate, a.peaks))
    problems = []
    if aud < a.min_seconds:
        problems.append("too little audio (%.2f s audible < %.2f s)" % (aud, a.min_seconds))
    if a.expect is not None and abs(f - a.expect) > a.tol:
        problems.append("expected %.0f +- %.0f Hz" % (a.expect, a.tol))
    if problems:
        print(msg + " -> FAIL: " + "; ".join(problems))
        return 1
    print(msg + (" -> ok (expected %.0f Hz)" % a.expect if a.expect is not None else ""))
    return 0


# ---------------------------------------------------------------------------------------------
# pcap

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


def pcap_packets(path):
    """Yields (linktype, frame bytes) of a classic pcap file (either byte order, us/ns)."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise ValueError("not a pcap file (too short)")
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            raise ValueError("not a classic pcap file (pcapng? use tcpdump -w)")
        linktype = struct.unpack(e + "I", hdr[20:24])[0] & 0x0FFFFFFF
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            _, _, incl, _ = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield linktype, data


def ip_of_frame(linktype, frame):
    """Returns the IP packet inside a frame, or None."""
    if linktype == LINKTYPE_ETHERNET:
        off, etype = 12, None
        etype = struct.unpack("!H", frame[off:off + 2])[0] if len(frame) >= 14 else None
        off = 14
        while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
            etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
            off += 4
        return frame[off:] if etype in (0x0800, 0x86DD) else None
    if linktype == LINKTYPE_LINUX_SLL:
        return frame[16:] if len(frame) >= 16 and frame[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINKTYPE_LINUX_SLL2:
        return frame[20:] if len(frame) >= 20 and frame[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINKTYPE_RAW:
        return frame
    return None


def udp_of_ip(pkt):
    """Returns (src ip str, src port, dst ip str, dst port, payload) or None."""
    if not pkt:
        return None
    ver = pkt[0] >> 4
    if ver == 4 and len(pkt) >= 20:
        ihl = (pkt[0] & 0x0F) * 4
        proto = pkt[9]
        frag = struct.unpack("!H", pkt[6:8])[0] & 0x1FFF
        if proto != 17 or frag != 0 or len(pkt) < ihl + 8:
            return None
        total = struct.unpack("!H", pkt[2:4])[0]
        pkt = pkt[:total] if 0 < total <= len(pkt) else pkt
        src = ".".join(str(b) for b in pkt[12:16])
        dst = ".".join(str(b) for b in pkt[16:20])
        u = pkt[ihl:]
    elif ver == 6 and len(pkt) >= 40:
        if pkt[6] != 17:  # no extension-header walk: the lab never uses them
            return None
        import ipaddress
        src = str(ipaddress.IPv6Address(pkt[8:24]))
        dst = str(ipaddress.IPv6Address(pkt[24:40]))
        u = pkt[40:]
    else:
        return None
    if len(u) < 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", u[:6])
    payload = u[8:ulen] if 8 <= ulen <= len(u) else u[8:]
    return src, sport, dst, dport, payload


def plaintext_windows(paths, window):
    wins = set()
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        if len(data) < window:
            raise ValueError("plaintext file %s is shorter than the window" % p)
        for i in range(len(data) - window + 1):
            wins.add(data[i:i + window])
    return wins


def scan_pcap(pcap, wins, window, from_ip):
    """Returns (datagrams, datagrams from from_ip, list of (leak description))."""
    n_udp = n_from = 0
    leaks = []
    flows = {}
    for lt, frame in pcap_packets(pcap):
        u = udp_of_ip(ip_of_frame(lt, frame))
        if u is None:
            continue
        src, sport, dst, dport, payload = u
        n_udp += 1
        if src == from_ip:
            n_from += 1
        key = "%s:%d -> %s:%d" % (src, sport, dst, dport)
        flows[key] = flows.get(key, 0) + 1
        for i in range(len(payload) - window + 1):
            if payload[i:i + window] in wins:
                leaks.append("%s (datagram of %d bytes, plaintext at offset %d)"
                             % (key, len(payload), i))
                break
    return n_udp, n_from, leaks, flows


def cmd_plaintext(a):
    try:
        wins = plaintext_windows(a.plain, a.window)
        n_udp, n_from, leaks, flows = scan_pcap(a.pcap, wins, a.window, a.from_ip)
    except (OSError, ValueError) as e:
        print("plaintext: FAIL cannot analyse: %s" % e)
        return 2
    print("plaintext: %d UDP datagrams, %d from %s, %d distinct %d-byte plaintext windows"
          % (n_udp, n_from, a.from_ip, len(wins), a.window))
    if a.verbose:
        for k in sorted(flows):
            print("  flow %s: %d" % (k, flows[k]))
    rc = 0
    if leaks:
        print("plaintext: FAIL %d datagrams carry plaintext audio, e.g.:" % len(leaks))
        for line in leaks[:5]:
            print("  " + line)
        rc = 1
    if n_from < a.min_from:
        print("plaintext: FAIL only %d datagrams from %s (need %d): nothing to judge"
              % (n_from, a.from_ip, a.min_from))
        rc = 1
    if rc == 0:
        print("plaintext: ok, no plaintext audio on the wire")
    return rc


# ---------------------------------------------------------------------------------------------
# selftest

def write_pcap(path, datagrams):
    """datagrams: list of (src, sport, dst, dport, payload). Ethernet/IPv4/UDP, no checksums."""
    def ip4(s):
        return bytes(int(x) for x in s.split("."))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for i, (src, sport, dst, dport, payload) in enumerate(datagrams):
            udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             ip4(src), ip4(dst)) + udp
            eth = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00" + ip
            f.write(struct.pack("<IIII", i // 50, (i % 50) * 20000, len(eth), len(eth)) + eth)


def ffmpeg_tone(path, freq, seconds, fmt):
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", "sine=frequency=%d:sample_rate=8000" % freq, "-t", str(seconds)]
    if fmt == "ul":
        args += ["-c:a", "pcm_mulaw", "-f", "mulaw", path]
    else:
        args += ["-c:a", "pcm_s16le", path]
    subprocess.run(args, check=True, timeout=30)


def cmd_selftest(_a):
    ok = True

    def check(name, cond):
        nonlocal ok
        print("selftest: %-60s %s" % (name, "ok" if cond else "FAILED"))
        ok = ok and cond

    with tempfile.TemporaryDirectory(prefix="mrfp-analyze-") as d:
        wav = os.path.join(d, "t.wav")
        ul700 = os.path.join(d, "700.ul")
        ul1300 = os.path.join(d, "1300.ul")
        ffmpeg_tone(wav, 1300, 2, "wav")
        ffmpeg_tone(ul700, 700, 2, "ul")
        ffmpeg_tone(ul1300, 1300, 2, "ul")

        ns = argparse.Namespace
        check("1300 Hz tone accepted as 1300 Hz",
              cmd_freq(ns(wav=wav, expect=1300.0, tol=20.0, min_seconds=1.0, label="t")) == 0)
        check("1300 Hz tone rejected as 700 Hz",
              cmd_freq(ns(wav=wav, expect=700.0, tol=20.0, min_seconds=1.0, label="t")) == 1)
        check("2 s tone rejected when 3 s of audio are required",
              cmd_freq(ns(wav=wav, expect=1300.0, tol=20.0, min_seconds=3.0, label="t")) == 1)

        # Plain RTP: 12-byte header + 160 bytes of the 700 Hz tone, as mrfpd would send it
        # if it forgot to encrypt.
        with open(ul700, "rb") as f:
            plain = f.read()
        rtp_plain = []
        for i in range(0, 40):
            hdr = struct.pack("!BBHII", 0x80, 0, i, i * 160, 0x1234)
            rtp_plain.append(("10.77.0.1", 40000, "10.77.0.3", 5012, hdr + plain[i * 160:(i + 1) * 160]))
        rng = random.Random(1)
        rtp_enc = []
        for i in range(0, 400):
            hdr = struct.pack("!BBHII", 0x80, 0, i, i * 160, 0x1234)
            body = bytes(rng.getrandbits(8) for _ in range(170))
            rtp_enc.append(("10.77.0.1", 40000, "10.77.0.3", 5012, hdr + body))
        p_plain = os.path.join(d, "plain.pcap")
        p_enc = os.path.join(d, "enc.pcap")
        p_none = os.path.join(d, "none.pcap")
        write_pcap(p_plain, rtp_enc[:100] + rtp_plain[5:6] + rtp_enc[100:])
        write_pcap(p_enc, rtp_enc)
        write_pcap(p_none, [(s.replace("10.77.0.1", "10.77.0.2"), a, b, c, e)
                            for (s, a, b, c, e) in rtp_enc])
        common = dict(plain=[ul700, ul1300], window=8, from_ip="10.77.0.1", min_from=1,
                      verbose=False)
        check("one plain RTP datagram among 400 encrypted ones is flagged",
              cmd_plaintext(ns(pcap=p_plain, **common)) == 1)
        check("random (encrypted-looking) payloads pass",
              cmd_plaintext(ns(pcap=p_enc, **common)) == 0)
        check("a capture without datagrams from 10.77.0.1 fails",
              cmd_plaintext(ns(pcap=p_none, **common)) == 1)
    print("selftest: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd")
    f = sub.add_parser("freq")
    f.add_argument("wav")
    f.add_argument("--expect", type=float)
    f.add_argument("--tol", type=float, default=20.0)
    f.add_argument("--min-seconds", type=float, default=1.0)
    f.add_argument("--label")
    f.add_argument("--peaks", type=int, default=0, help="also list the N strongest peaks")
    t = sub.add_parser("plaintext")
    t.add_argument("pcap")
    t.add_argument("--plain", action="append", required=True)
    t.add_argument("--window", type=int, default=8)
    t.add_argument("--from", dest="from_ip", default="10.77.0.1")
    t.add_argument("--min-from", type=int, default=1)
    t.add_argument("-v", "--verbose", action="store_true")
    sub.add_parser("selftest")
    # `analyze.py --selftest` is accepted as well.
    argv = ["selftest" if x == "--selftest" else x for x in sys.argv[1:]]
    a = p.parse_args(argv)
    if a.cmd == "freq":
        return cmd_freq(a)
    if a.cmd == "plaintext":
        return cmd_plaintext(a)
    if a.cmd == "selftest":
        return cmd_selftest(a)
    p.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
