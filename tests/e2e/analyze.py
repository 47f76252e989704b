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

  analyze.py tones WAV --tones HZ,HZ,.. [--present HZ,..] [--absent HZ,..] [--margin 30]
                       [--min-seconds 1.0] [--label NAME] [--brief]
      Multi-tone check for mixed audio: band power (+-10 Hz, averaged 1 s spectra, dB
      relative to a full-scale sine) at every --tones frequency. Fails when a --present
      tone is below -50 dB, more than 12 dB under the strongest present tone, or audible
      in fewer than --min-seconds one-second segments; or when an --absent tone is not at
      least --margin dB under the weakest present tone.

  analyze.py ciphertext PCAP --tones HZ,HZ,.. [--from 10.77.0.1] [--min-packets 50]
      Plaintext check suited to mixed audio: every RTP flow sent by --from is decoded
      as if its payload (between the RTP header and the 10-byte SRTP tag) were G.711
      u-law. Fails when any packet's spectrum has a peak at a --tones frequency more
      than 20 dB above that packet's median bin, when a flow's averaged spectrum has one
      more than 6 dB above its median, or when a flow's payload bytes are not uniform
      (chi-square over the 256 byte values above 500, 255 degrees of freedom): SRTP
      ciphertext is none of these, plaintext audio (mixed or silent) is.

  analyze.py streams PCAP --flow NAME=IP:PORT ... [--from 10.77.0.1] [--min-packets 50]
                          [--identical A,B]... [--differ A,B]... [--same-key A,B,..]...
                          [--min-match 0.9]
      The RTP streams sent by --from to each named destination: packets, SSRC, loss.
      Fails when a flow has fewer than --min-packets packets or more than one SSRC;
      --identical: fewer than --min-match of the sequence numbers both flows carry are
      byte-identical UDP payloads (group key: one SRTP packet replicated); --differ: any
      UDP payload of one flow appears in the other (or one is empty); --same-key: two of those flows (under one key) share an SSRC but carry a
      different encrypted payload under one sequence number (two-time pad).

  analyze.py batch [FILE]
      Runs one of the commands above per line of FILE (default: stdin; shell-like
      quoting; text before a tab is a label, printed as 'FAIL: LABEL' when that command
      fails) in one process. Exits with the worst status.

  analyze.py selftest
      Checks every detector on generated data (needs ffmpeg): a tone must be found and
      a wrong expectation rejected, a capture of plain RTP carrying the tone must be
      flagged, and a capture of random (encrypted-looking) payloads must pass; a mix of
      tones must show its tones present and a missing one absent (and fail when the
      missing one is there); plain RTP carrying a u-law mix, or u-law silence, must fail
      the ciphertext check; identical, different and two-time-pad streams must be told
      apart.

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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.pcap import LINKTYPE_ETHERNET, header as pcap_header, record as pcap_record  # noqa: E402
from mrfptest.pcap import records as pcap_records  # noqa: E402

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


def labelled_wav(a):
    """(label, samples, rate) of the WAV a command was given; samples None (and why printed)
    when it cannot be read."""
    label = a.label or os.path.basename(a.wav)
    try:
        x, rate = read_wav(a.wav)
    except (OSError, EOFError, wave.Error, ValueError) as e:
        print("%s: FAIL cannot read %s: %s" % (label, a.wav, e))
        return label, None, None
    return label, x, rate


def cmd_freq(a):
    label, x, rate = labelled_wav(a)
    if x is None:
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


def parse_hz_list(text):
    """'880,1870' -> [880.0, 1870.0]; '' or None -> []."""
    if not text:
        return []
    return [float(x) for x in str(text).split(",") if x.strip()]


def band_powers(x, rate, freqs, half_band=10.0, seg_s=1.0):
    """Band power (dB relative to a full-scale sine) within +-half_band Hz of each of freqs:
    (averaged over all segments, [per 1 s segment]). Hann-windowed segments with 50%
    overlap; a sine of amplitude A in the band reads 20*log10(A)."""
    n = int(rate * seg_s)
    if len(x) < n:
        return [-999.0] * len(freqs), []
    w = np.hanning(n)
    norm = n * float(np.sum(w * w)) / 4.0
    hz = rate / float(n)
    segs = []
    for start in range(0, len(x) - n + 1, n // 2):
        seg = x[start:start + n]
        segs.append(np.abs(np.fft.rfft((seg - np.mean(seg)) * w)) ** 2 / norm)
    segs = np.array(segs)

    def bands(spec):
        out = []
        for f in freqs:
            lo = max(1, int(np.floor((f - half_band) / hz)))
            hi = int(np.ceil((f + half_band) / hz)) + 1
            p = float(np.sum(spec[lo:hi]))
            out.append(10 * np.log10(p) if p > 0 else -999.0)
        return out
    avg = bands(np.mean(segs, axis=0))
    # per-second values from the non-overlapping segments only
    per = [bands(segs[i]) for i in range(0, len(segs), 2)]
    return avg, per


def cmd_tones(a):
    label, x, rate = labelled_wav(a)
    if x is None:
        return 1
    tones = parse_hz_list(a.tones)
    present = parse_hz_list(a.present)
    absent = parse_hz_list(a.absent)
    for f in present + absent:
        if f not in tones:
            tones.append(f)
    avg, per = band_powers(x, rate, tones)
    db = dict(zip(tones, avg))
    secs = {f: sum(1 for seg in per if seg[i] >= a.floor) for i, f in enumerate(tones)}
    dur = len(x) / float(rate) if rate else 0.0
    parts = []
    for f in tones:
        tag = "present" if f in present else ("ABSENT" if f in absent else "-")
        parts.append("%.0f Hz %.1f dB (%s, %d s)" % (f, db[f], tag, secs[f]))
    msg = "%s: %.2f s received; %s" % (label, dur, ", ".join(parts))
    problems = []
    if present:
        top = max(db[f] for f in present)
        weakest = min(db[f] for f in present)
        for f in present:
            if db[f] < a.floor:
                problems.append("%.0f Hz not heard (%.1f dB < %.0f dB)" % (f, db[f], a.floor))
            elif db[f] < top - 12.0:
                problems.append("%.0f Hz weak (%.1f dB, strongest %.1f dB)" % (f, db[f], top))
            if secs[f] < a.min_seconds:
                problems.append("%.0f Hz heard in %d s < %.1f s" % (f, secs[f], a.min_seconds))
        for f in absent:
            if db[f] > weakest - a.margin:
                problems.append("%.0f Hz should be absent: %.1f dB, only %.1f dB under the "
                                "weakest present tone (need %.0f)"
                                % (f, db[f], weakest - db[f], a.margin))
        if absent:
            msg += "; absent tones %.1f dB under the weakest present one" % (
                weakest - max(db[f] for f in absent))
    else:
        for f in absent:
            if db[f] > a.floor:
                problems.append("%.0f Hz should be absent: %.1f dB" % (f, db[f]))
    if getattr(a, "brief", False):
        heard = [f for f in tones if db[f] >= a.floor]
        msg = "%s: hears %s" % (label, ", ".join("%.0f Hz" % f for f in heard) or "nothing")
        quiet = [f for f in tones if f not in heard]
        if quiet:
            msg += "; not %s" % ", ".join("%.0f Hz" % f for f in quiet)
        if present and absent:
            msg += " (own tone %.0f dB under the others)" % (
                min(db[f] for f in present) - max(db[f] for f in absent))
    if problems:
        print(msg + " -> FAIL: " + "; ".join(problems))
        return 1
    print(msg + " -> ok")
    return 0


# ---------------------------------------------------------------------------------------------
# pcap

LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


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
    for _, lt, frame in pcap_records(pcap):
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
# RTP flows: ciphertext check for mixed audio, identical / distinct streams

SRTP_TAG = 10  # AES_CM_128_HMAC_SHA1_80


def ulaw_table():
    """G.711 u-law byte -> linear sample (int16 scale) for all 256 codes."""
    out = np.zeros(256)
    for b in range(256):
        u = ~b & 0xFF
        mag = (((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 7)
        out[b] = -(mag - 0x84) if u & 0x80 else (mag - 0x84)
    return out


def rtp_parse(payload):
    """(seq, timestamp, ssrc, pt, header length) of an RTP packet, None for RTCP or non-RTP."""
    if len(payload) < 12 or payload[0] >> 6 != 2:
        return None
    pt = payload[1] & 0x7F
    if 72 <= pt <= 76:  # RTCP 200..204 with the marker bit read as part of PT
        return None
    off = 12 + 4 * (payload[0] & 0x0F)
    if payload[0] & 0x10:
        if len(payload) < off + 4:
            return None
        off += 4 + 4 * struct.unpack("!H", payload[off + 2:off + 4])[0]
    if off > len(payload):
        return None
    seq, ts, ssrc = struct.unpack("!HII", payload[2:12])
    return seq, ts, ssrc, pt, off


def rtp_flows(pcap, from_ip):
    """{(src, sport, dst, dport): [(seq, ts, ssrc, pt, hdr_len, udp payload)]} of the RTP
    packets sent by from_ip, in capture order."""
    flows = {}
    for _, lt, frame in pcap_records(pcap):
        u = udp_of_ip(ip_of_frame(lt, frame))
        if u is None or u[0] != from_ip:
            continue
        r = rtp_parse(u[4])
        if r is None:
            continue
        flows.setdefault(u[:4], []).append(r + (u[4],))
    return flows


def flow_name(k):
    return "%s:%d -> %s:%d" % k


def tonal_db(spec, hz, freqs):
    """Highest (peak bin near f) / median bin, in dB, over freqs."""
    med = float(np.median(spec[1:])) or 1e-30
    best = -999.0
    for f in freqs:
        k = int(round(f / hz))
        if k < 1 or k + 1 >= len(spec):
            continue
        best = max(best, 10 * np.log10(max(float(np.max(spec[k - 1:k + 2])), 1e-30) / med))
    return best


def ciphertext_report(pkts, freqs, ulaw, pkt_db=20.0, avg_db=6.0, chi_max=500.0):
    """Judges one flow's encrypted region (header and tag removed, decoded as u-law).
    Returns (problems, summary dict)."""
    bodies = [p[5][p[4]:len(p[5]) - SRTP_TAG] for p in pkts]
    bodies = [b for b in bodies if len(b) >= 64]
    if not bodies:
        return ["no payload to judge"], {}
    n = max(set(len(b) for b in bodies), key=[len(b) for b in bodies].count)
    same = [b for b in bodies if len(b) == n]
    w = np.hanning(n)
    hz = 8000.0 / n
    samples = ulaw[np.frombuffer(b"".join(same), dtype=np.uint8).reshape(-1, n)]
    specs = np.abs(np.fft.rfft(samples * w, axis=1)) ** 2
    per_pkt = np.array([tonal_db(sp, hz, freqs) for sp in specs])
    tonal_pkts = int(np.count_nonzero(per_pkt > pkt_db))
    avg = tonal_db(np.mean(specs, axis=0), hz, freqs) if len(same) >= 20 else -999.0
    allbytes = np.frombuffer(b"".join(bodies), dtype=np.uint8)
    counts = np.bincount(allbytes, minlength=256).astype(np.float64)
    exp = len(allbytes) / 256.0
    chi = float(np.sum((counts - exp) ** 2 / exp)) if exp > 0 else 0.0
    problems = []
    if tonal_pkts:
        problems.append("%d of %d packets have a tonal peak (max %.1f dB > %.0f dB)"
                        % (tonal_pkts, len(same), float(np.max(per_pkt)), pkt_db))
    if avg > avg_db:
        problems.append("averaged spectrum peaks %.1f dB at a tone (> %.0f dB)" % (avg, avg_db))
    if exp >= 10 and chi > chi_max:
        problems.append("payload bytes not uniform (chi-square %.0f > %.0f)" % (chi, chi_max))
    return problems, dict(packets=len(bodies), pkt_max=float(np.max(per_pkt)), avg=avg,
                          chi=chi, bytes=len(allbytes))


def cmd_ciphertext(a):
    freqs = parse_hz_list(a.tones)
    try:
        flows = rtp_flows(a.pcap, a.from_ip)
    except (OSError, ValueError) as e:
        print("ciphertext: FAIL cannot analyse: %s" % e)
        return 2
    ulaw = ulaw_table()
    total = sum(len(v) for v in flows.values())
    print("ciphertext: %d RTP packets from %s in %d flows; u-law spectra checked at %s Hz"
          % (total, a.from_ip, len(flows), ",".join("%.0f" % f for f in freqs)))
    rc = 0
    for k in sorted(flows):
        problems, r = ciphertext_report(flows[k], freqs, ulaw)
        line = "  %s: " % flow_name(k)
        if r:
            line += ("%d packets, tone peak per packet max %+.1f dB, averaged %+.1f dB, "
                     "byte chi-square %.0f" % (r["packets"], r["pkt_max"], r["avg"], r["chi"]))
        if problems:
            print(line + " -> PLAINTEXT? " + "; ".join(problems))
            rc = 1
        else:
            print(line + " -> looks encrypted")
    if total < a.min_packets:
        print("ciphertext: FAIL only %d RTP packets from %s (need %d): nothing to judge"
              % (total, a.from_ip, a.min_packets))
        rc = 1
    print("ciphertext: %s" % ("FAIL: mixed-audio plaintext check" if rc else
                              "ok, no tonal or non-uniform payload from %s" % a.from_ip))
    return rc


def by_seq(pkts):
    """seq -> (ssrc, hdr_len, udp payload); the first packet of each sequence number."""
    out = {}
    for seq, _ts, ssrc, _pt, off, payload in pkts:
        out.setdefault(seq, (ssrc, off, payload))
    return out


def cmd_streams(a):
    named = {}
    for spec in a.flow:
        try:
            name, dst = spec.split("=", 1)
            ip, port = dst.rsplit(":", 1)
            named[name] = (ip, int(port))
        except ValueError:
            print("streams: bad --flow %r (NAME=IP:PORT)" % spec)
            return 2
    try:
        flows = rtp_flows(a.pcap, a.from_ip)
    except (OSError, ValueError) as e:
        print("streams: FAIL cannot analyse: %s" % e)
        return 2
    pk = {}
    for name, (ip, port) in named.items():
        pk[name] = [p for k, v in flows.items() if k[2] == ip and k[3] == port for p in v]
    rc = 0
    seqs = {}
    for name in named:
        p = pk[name]
        ssrcs = sorted(set(x[2] for x in p))
        seqs[name] = by_seq(p)
        line = "  %s (%s:%d): %d packets, SSRC %s" % (
            name, named[name][0], named[name][1], len(p),
            ",".join("0x%08x" % x for x in ssrcs) or "-")
        if p:
            s = sorted(seqs[name])
            span = (s[-1] - s[0] + 1) if s else 0
            line += ", seq %d..%d (%d missing, %d repeated)" % (
                s[0], s[-1], span - len(s), len(p) - len(s))
        problems = []
        if len(p) < a.min_packets:
            problems.append("fewer than %d packets" % a.min_packets)
        if len(ssrcs) > 1:
            problems.append("more than one SSRC")
        if problems:
            rc = 1
            line += " -> FAIL: " + "; ".join(problems)
        print(line)

    def compare(x, y):
        common = sorted(set(seqs[x]) & set(seqs[y]))
        same = sum(1 for q in common if seqs[x][q][2] == seqs[y][q][2])
        return common, same

    for pair in a.identical:
        x, y = pair.split(",")
        common, same = compare(x, y)
        ratio = same / float(len(common)) if common else 0.0
        ok = len(common) >= a.min_packets and ratio >= a.min_match
        print("  identical %s = %s: %d sequence numbers in both, %d byte-identical (%.0f%%) -> %s"
              % (x, y, len(common), same, ratio * 100, "ok" if ok else
                 "FAIL (need %d and %.0f%%)" % (a.min_packets, a.min_match * 100)))
        rc |= 0 if ok else 1
    for pair in a.differ:
        x, y = pair.split(",")
        common, _ = compare(x, y)
        # by content, whatever the sequence numbers: per-leg keys never give one packet twice
        same = len(set(p[5] for p in pk[x]) & set(p[5] for p in pk[y]))
        ok = same == 0 and pk[x] and pk[y]
        print("  differ %s != %s: %d sequence numbers in both; %d UDP payloads found in both "
              "flows -> %s" % (x, y, len(common), same, "ok" if ok else "FAIL"))
        rc |= 0 if ok else 1
    for group in a.same_key:
        names = group.split(",")
        bad = []
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                for q in set(seqs[x]) & set(seqs[y]):
                    sx, ox, px = seqs[x][q]
                    sy, oy, py = seqs[y][q]
                    if sx == sy and px[ox:] != py[oy:]:
                        bad.append("%s/%s SSRC 0x%08x seq %d" % (x, y, sx, q))
        distinct = len(set(p[2] for n in names for p in pk[n]))
        print("  one key for %s: %d distinct SSRCs; %s" % (
            ",".join(names), distinct,
            "no SSRC carries two payloads under one sequence number -> ok" if not bad else
            "TWO-TIME PAD: %d packets, e.g. %s -> FAIL" % (len(bad), bad[0])))
        rc |= 1 if bad else 0
    print("streams: %s" % ("FAIL" if rc else "ok"))
    return rc


# ---------------------------------------------------------------------------------------------
# selftest

def write_pcap(path, datagrams):
    """datagrams: list of (src, sport, dst, dport, payload). Ethernet/IPv4/UDP, no checksums."""
    def ip4(s):
        return bytes(int(x) for x in s.split("."))
    with open(path, "wb") as f:
        f.write(pcap_header(LINKTYPE_ETHERNET))
        for i, (src, sport, dst, dport, payload) in enumerate(datagrams):
            udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             ip4(src), ip4(dst)) + udp
            eth = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00" + ip
            f.write(pcap_record(i // 50, (i % 50) * 20000, eth))


def ffmpeg_tone(path, freq, seconds, fmt):
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", "sine=frequency=%d:sample_rate=8000" % freq, "-t", str(seconds)]
    if fmt == "ul":
        args += ["-c:a", "pcm_mulaw", "-f", "mulaw", path]
    else:
        args += ["-c:a", "pcm_s16le", path]
    subprocess.run(args, check=True, timeout=30)


def ulaw_encode(x):
    """float samples in [-1, 1] -> u-law bytes (nearest code of the G.711 table)."""
    table = ulaw_table() / 32768.0
    order = np.argsort(table)
    srt = table[order]
    idx = np.clip(np.searchsorted(srt, x), 1, 255)
    left = srt[idx - 1]
    right = srt[idx]
    idx = idx - ((x - left) < (right - x))
    return bytes(order[idx].astype(np.uint8))


def write_wav(path, x, rate=8000):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def mix_selftest(d, check):
    """Checks of the multi-tone, ciphertext and stream detectors (no ffmpeg needed)."""
    ns = argparse.Namespace
    rate = 8000
    t = np.arange(rate * 4) / float(rate)

    def sine(f, amp=0.125):
        return amp * np.sin(2 * np.pi * f * t)

    # A talker's N-1 mix, G.711-companded twice (its senders', then the mixer's encoder).
    lin = ulaw_table() / 32768.0
    heard = lin[np.frombuffer(ulaw_encode(
        lin[np.frombuffer(ulaw_encode(sine(1870)), np.uint8)] +
        lin[np.frombuffer(ulaw_encode(sine(2420)), np.uint8)]), np.uint8)]
    wav_mix = os.path.join(d, "mix.wav")
    write_wav(wav_mix, heard)
    wav_echo = os.path.join(d, "echo.wav")       # own tone leaking back 20 dB down
    write_wav(wav_echo, heard + sine(880, 0.0125))
    tn = dict(tones="880,1870,2420", margin=30.0, floor=-50.0, min_seconds=2.0, label="t")
    check("mix of 1870+2420 Hz: both present, 880 Hz absent",
          cmd_tones(ns(wav=wav_mix, present="1870,2420", absent="880", **tn)) == 0)
    check("mix of 1870+2420 Hz rejected as 880+1870 Hz without 2420",
          cmd_tones(ns(wav=wav_mix, present="880,1870", absent="2420", **tn)) == 1)
    check("own tone 20 dB under the mix is not 'absent' (30 dB margin)",
          cmd_tones(ns(wav=wav_echo, present="1870,2420", absent="880", **tn)) == 1)
    check("4 s of mix rejected when 5 s are required",
          cmd_tones(ns(wav=wav_mix, present="1870,2420", absent="880",
                       **dict(tn, min_seconds=5.0))) == 1)

    # Plain RTP carrying a u-law mix of three tones, or u-law silence, vs random payloads.
    full = ulaw_encode(sine(880) + sine(1870) + sine(2420))
    rng = random.Random(2)

    def rtp(i, body, ssrc=0x1234, dst="10.77.0.3", dport=5012):
        return ("10.77.0.1", 40000, dst, dport,
                struct.pack("!BBHII", 0x80, 0, i, i * 160, ssrc) + body)

    def tag():
        return bytes(rng.getrandbits(8) for _ in range(SRTP_TAG))

    enc = [rtp(i, bytes(rng.getrandbits(8) for _ in range(160)) + tag()) for i in range(300)]
    plain_mix = [rtp(i, full[i * 160:(i + 1) * 160] + tag()) for i in range(100)]
    silence = [rtp(i, b"\xff" * 160 + tag()) for i in range(100)]
    caps = {}
    for name, dgrams in (("enc", enc), ("mix", plain_mix), ("silence", silence),
                         ("one", enc[:150] + plain_mix[7:8] + enc[150:])):
        caps[name] = os.path.join(d, "ct-%s.pcap" % name)
        write_pcap(caps[name], dgrams)
    ct = dict(tones="880,1870,2420", from_ip="10.77.0.1", min_packets=50)
    check("random payloads pass the mixed-audio ciphertext check",
          cmd_ciphertext(ns(pcap=caps["enc"], **ct)) == 0)
    check("plain RTP carrying a u-law 3-tone mix fails it",
          cmd_ciphertext(ns(pcap=caps["mix"], **ct)) == 1)
    check("plain RTP carrying u-law silence fails it (byte distribution)",
          cmd_ciphertext(ns(pcap=caps["silence"], **ct)) == 1)
    check("one plain mixed packet among 300 random ones fails it",
          cmd_ciphertext(ns(pcap=caps["one"], **ct)) == 1)

    # Streams: L1 and L2 one replicated stream; A its own SSRC; X reuses L1's SSRC with other
    # payloads (two-time pad); H half of L1's packets.
    l1 = [rtp(i, bytes(rng.getrandbits(8) for _ in range(170)), 0xAAAA, "10.77.0.5", 5032)
          for i in range(100)]
    l2 = [(s_, sp, "10.77.0.6", 5042, pl) for (s_, sp, _d, _p, pl) in l1]
    a_ = [rtp(i, bytes(rng.getrandbits(8) for _ in range(170)), 0xBBBB, "10.77.0.2", 5002)
          for i in range(100)]
    x_ = [rtp(i, bytes(rng.getrandbits(8) for _ in range(170)), 0xAAAA, "10.77.0.4", 5022)
          for i in range(100)]
    h_ = [(s_, sp, "10.77.0.3", 5012, pl if i % 2 else pl[:20] + bytes(150))
          for i, (s_, sp, _d, _p, pl) in enumerate(l1)]
    p_st = os.path.join(d, "streams.pcap")
    write_pcap(p_st, l1 + l2 + a_ + x_ + h_)
    fl = ["L1=10.77.0.5:5032", "L2=10.77.0.6:5042", "A=10.77.0.2:5002", "X=10.77.0.4:5022",
          "H=10.77.0.3:5012"]
    st = dict(pcap=p_st, flow=fl, from_ip="10.77.0.1", min_packets=50, min_match=0.9,
              identical=[], differ=[], same_key=[])
    check("replicated stream: identical payloads recognised",
          cmd_streams(ns(**dict(st, identical=["L1,L2"], differ=["L1,A"],
                                same_key=["L1,L2,A"]))) == 0)
    check("half-identical streams fail --identical",
          cmd_streams(ns(**dict(st, identical=["L1,H"]))) == 1)
    check("identical streams fail --differ",
          cmd_streams(ns(**dict(st, differ=["L1,L2"]))) == 1)
    check("one SSRC, two payloads under one key: two-time pad flagged",
          cmd_streams(ns(**dict(st, same_key=["L1,X"]))) == 1)
    check("a flow without packets fails",
          cmd_streams(ns(**dict(st, flow=fl + ["Z=10.77.0.9:5092"]))) == 1)


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
        mix_selftest(d, check)

        bfile = os.path.join(d, "batch.txt")
        with open(bfile, "w") as f:
            f.write("# comment\n\nright\ttones %s --tones 1870 --present 1870 --min-seconds 1\n"
                    "wrong\ttones %s --tones 880 --present 880 --min-seconds 1\n"
                    % (os.path.join(d, "mix.wav"), os.path.join(d, "mix.wav")))
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "batch", bfile],
                             capture_output=True, text=True, timeout=60)
        check("batch: one failing line of two -> status 1, 'FAIL: wrong' only",
              out.returncode == 1 and "FAIL: wrong" in out.stdout and
              "FAIL: right" not in out.stdout)
    print("selftest: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


def cmd_batch(a):
    """One analyze.py command per line of a.file ('-': stdin), in this one process (numpy is
    imported once). Text before a tab is a label: 'FAIL: LABEL' is printed after a failed
    command. Blank lines and lines starting with # are skipped."""
    import shlex
    f = sys.stdin if a.file == "-" else open(a.file)
    worst = 0
    with f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            label, _, cmdline = line.rpartition("\t")
            argv = shlex.split(cmdline)
            if argv and argv[0] == "batch":
                print("batch: nested batch refused")
                rc = 2
            else:
                try:
                    rc = run(argv)
                except SystemExit as e:  # argparse usage errors
                    rc = e.code if isinstance(e.code, int) else 2
                sys.stdout.flush()
            if rc != 0:
                print("FAIL: %s" % (label or cmdline))
            worst = max(worst, rc)
    return worst


def run(argv):
    p = argparse.ArgumentParser(prog="analyze.py", description=__doc__.split("\n")[0])
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
    m = sub.add_parser("tones")
    m.add_argument("wav")
    m.add_argument("--tones", default="")
    m.add_argument("--present", default="")
    m.add_argument("--absent", default="")
    m.add_argument("--margin", type=float, default=30.0)
    m.add_argument("--floor", type=float, default=-50.0, help=argparse.SUPPRESS)
    m.add_argument("--min-seconds", type=float, default=1.0)
    m.add_argument("--label")
    m.add_argument("--brief", action="store_true", help="one short line: what is heard")
    c = sub.add_parser("ciphertext")
    c.add_argument("pcap")
    c.add_argument("--tones", required=True)
    c.add_argument("--from", dest="from_ip", default="10.77.0.1")
    c.add_argument("--min-packets", type=int, default=50)
    r = sub.add_parser("streams")
    r.add_argument("pcap")
    r.add_argument("--flow", action="append", default=[], required=True)
    r.add_argument("--from", dest="from_ip", default="10.77.0.1")
    r.add_argument("--min-packets", type=int, default=50)
    r.add_argument("--identical", action="append", default=[])
    r.add_argument("--differ", action="append", default=[])
    r.add_argument("--same-key", action="append", default=[])
    r.add_argument("--min-match", type=float, default=0.9)
    sub.add_parser("selftest")
    b = sub.add_parser("batch")
    b.add_argument("file", nargs="?", default="-")
    # `analyze.py --selftest` is accepted as well.
    argv = ["selftest" if x == "--selftest" else x for x in argv]
    a = p.parse_args(argv)
    cmd = {"freq": cmd_freq, "plaintext": cmd_plaintext, "tones": cmd_tones,
           "ciphertext": cmd_ciphertext, "streams": cmd_streams, "selftest": cmd_selftest,
           "batch": cmd_batch}.get(a.cmd)
    if cmd is not None:
        return cmd(a)
    p.print_help()
    return 2


def main():
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
