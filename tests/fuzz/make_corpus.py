#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the unit
tests' vectors and from packets built here. Deterministic: rerun after changing a seed.
Usage: make_corpus.py [OUTDIR]   (default: tests/fuzz/corpus next to this file)"""
import ast, hashlib, os, re, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def c_strings(path):
    """Every `static const char NAME[] = "..." "...";` of a C file, decoded."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r'static const char (\w+)\[\]\s*=\s*((?:\s*"(?:[^"\\]|\\.)*")+)\s*;', text):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        out[m.group(1)] = "".join(ast.literal_eval('"' + p + '"') for p in parts).encode()
    return out


# ---- H.248 ----
MGC = "MEGACO/1 [127.0.0.1]:2944\n"
KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"


def mp_add(tid, ctx, props="mrfp/keys = group", remote_crypto=True):
    c = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\n" % KEY if remote_crypto else ""
    return (MGC + "Transaction = %d { Context = %s { Add = $ { Media { Stream = 1 { "
            "LocalControl { Mode = SendReceive, %s }, Local {\nv=0\nc=IN IP4 $\nm=audio $ "
            "RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n}, Remote {\nv=0\n"
            "c=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\n%s} } } } } }\n" % (tid, ctx, props, c)).encode()


def h248_seeds():
    seeds = c_strings(os.path.join(ROOT, "tests/unit/h248/h248_vectors.h"))
    seeds.update({
        "mp_add_group": mp_add(100, "$"),
        "mp_add_mix_switch": mp_add(101, "$", "mrfp/media = switch, mrfp/select = speaker, "
                                    "mrfp/keys = hybrid, mrfp/latch = strict"),
        "mp_add_in_ctx": mp_add(102, "7", "mrfp/ptime = 30, mrfp/speakers = 2"),
        "mp_modify_compact": (MGC + "T=105{C=1{MF=rtp/1{M{O{MO=SO}}}}}").encode(),
        "mp_rekey": (MGC + "T=114{C=1{MF=rtp/1{M{ST=1{L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
                     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n}}}}}}").encode(),
        "mp_audit": (MGC + "T=106{C=1{AV=rtp/1{AT{M,S}}}}").encode(),
        "mp_audit_root": (MGC + "T=107{C=-{AV=ROOT}}").encode(),
        "mp_subtract_all": (MGC + "T=110{C=1{S=*}}").encode(),
        "mp_move": (MGC + "T=122{C=1{MV=rtp/2}}").encode(),
        "mp_sc_reply": (MGC + "Reply = 1 { Context = - { ServiceChange = ROOT { Services { "
                        "ServiceChangeAddress = 2944, MgcIdToTry = [127.0.0.1]:2950 } } } }\n").encode(),
        "mp_ack": (MGC + "K { 5-9, 12 }\n").encode(),
        "mp_pending": (MGC + "PN = 12\n").encode(),
        "mp_notify_reply": (MGC + "P = 3 { C = 1 { N = rtp/1 } }").encode(),
        "mp_error_reply": (MGC + "P = 4 { ER = 430 \"unknown termination\" }").encode(),
        "mp_v3_segment": b"!/3 [127.0.0.1]:2944 P=5/2/END{C=1{AV=rtp/1}}",
    })
    return seeds


# ---- SDP ----
def sdp_seeds():
    c = c_strings(os.path.join(ROOT, "tests/unit/sdp/test_sdp.c"))
    seeds = {k.lower(): v for k, v in c.items() if v.startswith(b"v=0")}
    crypto = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n" % KEY
    seeds.update({
        "choose_v4": ("v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/SAVP 0 8\r\n"
                      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\r\n").encode(),
        "ipv6_mux": ("v=0\r\nc=IN IP6 fd00::2\r\nm=audio 4000 RTP/SAVPF 0 8 101\r\n"
                     "a=rtpmap:101 telephone-event/8000\r\na=rtcp-mux\r\na=sendonly\r\n"
                     "a=ptime:20\r\n" + crypto).encode(),
        "mki_lifetime": ("v=0\nc=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\n"
                         "a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:" + "A" * 62 + "==|2^31|1:4\n"
                         "a=crypto:1 AEAD_AES_128_GCM inline:" + "B" * 36 + "\n").encode(),
        "session_params": ("v=0\nc=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\n"
                           "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:%s KDR=0 WSH=128 "
                           "UNENCRYPTED_SRTCP FEC_ORDER=SRTP_FEC\n" % KEY).encode(),
        "alternatives": ("v=0\nc=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\n" + crypto +
                         "v=0\nc=IN IP4 10.0.0.3\nm=audio 5002 RTP/SAVP 8\n" + crypto).encode(),
        "crypto_value": ("1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^20|1:4" % KEY).encode(),
        "crypto_value_gcm": ("7 AEAD_AES_256_GCM inline:" + "C" * 58 + "==|1024:2").encode(),
    })
    return seeds


# ---- RTCP ----
def rtcp_hdr(count, pt, words, padding=False):
    return struct.pack("!BBH", 0x80 | (0x20 if padding else 0) | count, pt, words)


def report_block(ssrc):
    return struct.pack("!IIIIII", ssrc, (5 << 24) | 7, 0x00020003, 120, 0xb7052000, 0x8000)


def rtcp_sr(ssrc, blocks):
    body = struct.pack("!IIIIII", ssrc, 0xb44db705, 0x20000000, 160000, 1000, 160000)
    body += b"".join(report_block(b) for b in blocks)
    return rtcp_hdr(len(blocks), 200, len(body) // 4) + body


def rtcp_rr(ssrc, blocks):
    body = struct.pack("!I", ssrc) + b"".join(report_block(b) for b in blocks)
    return rtcp_hdr(len(blocks), 201, len(body) // 4) + body


def rtcp_sdes(ssrc, cname):
    item = bytes([1, len(cname)]) + cname + b"\0"
    item += b"\0" * (-len(item) % 4)
    body = struct.pack("!I", ssrc) + item
    return rtcp_hdr(1, 202, len(body) // 4) + body


def rtcp_bye(ssrcs):
    body = b"".join(struct.pack("!I", s) for s in ssrcs)
    return rtcp_hdr(len(ssrcs), 203, len(body) // 4) + body


def rtcp_app():
    body = struct.pack("!I", 9) + b"MRFP" + b"\1\2\3\4"
    return rtcp_hdr(0, 204, len(body) // 4) + body


def rtcp_seeds():
    padded = rtcp_bye([5])[:-0] + b"\0\0\0\4"
    padded = bytes([padded[0] | 0x20]) + padded[1:2] + struct.pack("!H", 2) + padded[4:]
    return {
        "sr_sdes": rtcp_sr(0x11223300, [0x01020304]) + rtcp_sdes(0x11223300, b"alice@host"),
        "rr_two_blocks": rtcp_rr(7, [1, 2]) + rtcp_sdes(7, b"x"),
        "sr_bye": rtcp_sr(3, []) + rtcp_bye([3, 4]),
        "rr_app": rtcp_rr(8, []) + rtcp_app(),
        "rr_padded_bye": rtcp_rr(8, []) + padded,
    }


# ---- ingress (see fuzz_ingress.c for byte 0) ----
RAW, UDP, SRTP, SRTCP = range(4)


def ctl(mode, leg, rtcp=0):
    return bytes([mode | leg << 2 | rtcp << 5])


def eth(ethertype, payload, vlan=None):
    hdr = b"\xff" * 6 + b"\x02\0\0\0\0\x10"
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + struct.pack("!H", ethertype) + payload


def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(proto, payload, src=(10, 0, 0, 2), dst=(10, 0, 0, 1), frag=0):
    h = struct.pack("!BBHHHBBH4B4B", 0x45, 0, 20 + len(payload), 1, frag, 64, proto, 0, *src, *dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def rtp(pt, seq, ts, ssrc, payload, marker=0, ext=b""):
    x = 0x10 if ext else 0
    return struct.pack("!BBHII", 0x80 | x, pt | marker << 7, seq, ts, ssrc) + ext + payload


def ingress_seeds():
    arp = struct.pack("!HHBBH6s4B6s4B", 1, 0x0800, 6, 4, 1, b"\2\0\0\0\0\x10", 10, 0, 0, 2,
                      b"\0" * 6, 10, 0, 0, 1)
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping" * 8
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + bytes.fromhex("fd000000000000000000000000000001")
    ip6 = struct.pack("!IHBB", 0x60000000, len(ns), 58, 255) + bytes.fromhex(
        "fd000000000000000000000000000002") + bytes.fromhex("ff0200000000000000000001ff000001")
    pcmu = bytes([0xff]) * 160
    seeds = {
        "raw_arp_request": ctl(RAW, 0) + eth(0x0806, arp),
        "raw_icmp_echo": ctl(RAW, 0) + eth(0x0800, ipv4(1, icmp)),
        "raw_nd_solicit": ctl(RAW, 0) + eth(0x86dd, ip6 + ns),
        "raw_vlan": ctl(RAW, 0) + eth(0x0800, ipv4(17, udp(5000, 20000, b"x" * 20)), vlan=5),
        "raw_unknown_port": ctl(RAW, 0) + eth(0x0800, ipv4(17, udp(5000, 20090, rtp(0, 1, 160, 5, pcmu)))),
        "raw_fragment": ctl(RAW, 0) + eth(0x0800, ipv4(17, udp(5000, 20000, pcmu), frag=0x2000)),
        "raw_plain_rtp": ctl(RAW, 0) + eth(0x0800, ipv4(17, udp(5000, 20000, rtp(0, 1, 160, 5, pcmu)))),
        "udp_short": ctl(UDP, 1) + b"\x80\x00\x00",
        "udp_rtcp_mux_pt": ctl(UDP, 1) + rtcp_rr(1, []) + b"\0" * 14,
    }
    for leg in range(7):
        pt = 8 if leg in (3, 6) else 0
        seeds["srtp_leg%d" % leg] = ctl(SRTP, leg) + rtp(pt, 100 + leg, 16000, 0x11223301, pcmu, 1)
        seeds["srtcp_leg%d" % leg] = ctl(SRTCP, leg) + rtcp_sr(0x11223301, [0x11223302]) + \
            rtcp_sdes(0x11223301, b"p%d" % leg)
    seeds["srtp_ext_csrc"] = ctl(SRTP, 0) + bytes([0x91, 0]) + struct.pack("!HII", 7, 8, 0x11223302) + \
        struct.pack("!I", 42) + struct.pack("!HH", 0xbede, 1) + b"\x10\xaa\0\0" + pcmu
    seeds["srtp_padding"] = ctl(SRTP, 2) + bytes([0xa0, 0]) + struct.pack("!HII", 9, 8, 0x11223303) + \
        pcmu + b"\0\0\0\4"
    return seeds


def write(outdir, target, seeds):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    return len(seeds)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    for target, fn in (("h248", h248_seeds), ("sdp", sdp_seeds), ("rtcp", rtcp_seeds),
                       ("ingress", ingress_seeds)):
        print("%s: %d seeds" % (target, write(outdir, target, fn())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
