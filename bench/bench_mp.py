#!/usr/bin/python3
"""Mp transactions per second on mrfpd's control thread: Add (Context=$, Add=$ with SDES keys,
CHOOSE for address, port and Local key) then Subtract, one transaction at a time, against a
running mrfpd on a net_null port. Prints Add+Subtract pairs per second (goal: at least 5 000
transactions/s) and the median round trip of each. Usage: bench_mp.py MRFPD [pairs]"""
import base64, os, re, statistics, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "pylib"))
from mrfptest.mp import Mrfpd  # noqa: E402

def add_msg(mgc_port, tid, key, mki=""):
    return ("MEGACO/1 [127.0.0.1]:%d\nT=%d{C=${A=${M{ST=1{O{MO=SR},L{\nv=0\nc=IN IP4 $\n"
            "m=audio $ RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n},R{\nv=0\n"
            "c=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
            "inline:%s%s\n}}}}}}" % (mgc_port, tid, key, mki))

def main():
    mrfpd = sys.argv[1]
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    mgc_port, mg_port = 39450, 39451
    d = Mrfpd(mrfpd, mgc_port, mg_port, mem=1024, name="bench-mp", output=None)
    mgc, mg = d.sock, d.mg

    def rtt(msg):
        """Send msg, wait for the next datagram: (that reply, seconds in between)."""
        s0 = time.perf_counter()
        mgc.sendto(msg.encode(), mg)
        r = mgc.recv(65535)
        return r, time.perf_counter() - s0
    d.start()
    try:
        d.register(30)  # EAL start and mlockall of the memory take a few seconds
        mgc.settimeout(5)
        key = base64.b64encode(os.urandom(30)).decode()
        add_t, sub_t = [], []
        t0 = time.perf_counter()
        for i in range(pairs):
            a = add_msg(mgc_port, 1000 + 2 * i, key)
            s0 = time.perf_counter()
            mgc.sendto(a.encode(), mg)
            r = mgc.recv(65535)
            s1 = time.perf_counter()
            m = re.search(rb"Context = (\d+) \{\s*Add = (rtp/\d+)", r)
            if m is None:
                print("bench_mp: Add failed:\n" + r.decode()); return 1
            mgc.sendto(("MEGACO/1 [127.0.0.1]:%d\nT=%d{C=%s{S=%s}}" % (
                mgc_port, 1001 + 2 * i, m.group(1).decode(), m.group(2).decode())).encode(), mg)
            r = mgc.recv(65535)
            s2 = time.perf_counter()
            add_t.append(s1 - s0)
            sub_t.append(s2 - s1)
        elapsed = time.perf_counter() - t0
        # Rekey: Modify with a new Local key ($); mrfpd replies once the worker uses it.
        mgc.sendto(add_msg(mgc_port, 99990, key).encode(), mg)
        r = mgc.recv(65535)
        m = re.search(rb"Context = (\d+) \{\s*Add = (rtp/\d+)", r)
        mod_t = []
        for i in range(200):
            mod = ("MEGACO/1 [127.0.0.1]:%d\nT=%d{C=%s{MF=%s{M{ST=1{L{\nv=0\nc=IN IP4 $\n"
                   "m=audio $ RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n},R{\nv=0\n"
                   "c=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                   "inline:%s\n}}}}}}" % (mgc_port, 100000 + i, m.group(1).decode(), m.group(2).decode(), key))
            r, dt = rtt(mod)
            mod_t.append(dt)
            if b"Error" in r:
                print("bench_mp: Modify failed:\n" + r.decode()); return 1
        # Make-before-break by MKI: a leg with MKI keys; each round installs the participant's
        # next key beside the current one (Remote {cur, next}) and retires the old one
        # (Remote {next}); replies come once the worker holds the change.
        mki_add, mki_ret = [], []
        cur, curk, tid = 1, key, 200000
        mgc.sendto(add_msg(mgc_port, 99991, key, "|1:1").encode(), mg)
        r = mgc.recv(65535)
        m = re.search(rb"Context = (\d+) \{\s*Add = (rtp/\d+)", r)
        if m is None:
            print("bench_mp: Add with an MKI failed:\n" + r.decode()); return 1
        for i in range(200):
            nxt, nxtk = 3 - cur, base64.b64encode(os.urandom(30)).decode()
            for lines, out in ((((cur, curk), (nxt, nxtk)), mki_add), (((nxt, nxtk),), mki_ret)):
                crypto = "".join("a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:%s|%d:1\n" % (j + 1, k, mk)
                                 for j, (mk, k) in enumerate(lines))
                mod = ("MEGACO/1 [127.0.0.1]:%d\nT=%d{C=%s{MF=%s{M{ST=1{R{\nv=0\nc=IN IP4 10.0.0.2\n"
                       "m=audio 5000 RTP/SAVP 0\n%s}}}}}}" % (mgc_port, tid, m.group(1).decode(),
                                                           m.group(2).decode(), crypto))
                tid += 1
                r, dt = rtt(mod)
                out.append(dt)
                if b"Error" in r:
                    print("bench_mp: MKI Modify failed:\n" + r.decode()); return 1
            cur, curk = nxt, nxtk
    finally:
        d.stop(10)
        d.close()
    print("Mp on the control thread, one transaction at a time (%d Add+Subtract pairs)" % pairs)
    print("  %-28s %8.0f /s (goal >= 5000)" % ("transactions", 2 * pairs / elapsed))
    print("  %-28s %8.0f us" % ("Add round trip (median)", statistics.median(add_t) * 1e6))
    print("  %-28s %8.0f us" % ("Subtract round trip (median)", statistics.median(sub_t) * 1e6))
    print("  %-28s %8.0f us (reply sent once the worker uses the new key)" % (
        "Modify rekey round trip", statistics.median(mod_t) * 1e6))
    p99 = lambda xs: sorted(xs)[int(len(xs) * 0.99) - 1] * 1e6
    print("  %-28s %8.0f us (p99, goal <= 1000)" % ("Modify rekey round trip", p99(mod_t)))
    print("  %-28s %8.0f / %.0f us (p50 / p99)" % ("MKI key install (make)", statistics.median(mki_add) * 1e6,
                                                   p99(mki_add)))
    print("  %-28s %8.0f / %.0f us (p50 / p99)" % ("MKI key retire (break)", statistics.median(mki_ret) * 1e6,
                                                   p99(mki_ret)))
    print("csv,bench_mp,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f" % (
        pairs, 2 * pairs / elapsed, statistics.median(add_t) * 1e6, statistics.median(sub_t) * 1e6,
        statistics.median(mod_t) * 1e6, p99(mod_t), statistics.median(mki_add) * 1e6, p99(mki_add)))
    return 0

if __name__ == "__main__":
    sys.exit(main())
