#!/usr/bin/python3
"""ServiceChange from the MGC against a running mrfpd (H.248.1 7.2.8, 11.5).

- HandOff on ROOT with MgcIdToTry: mrfpd replies, then registers with the new MGC with
  ServiceChange HandOff (903), serves it and no longer the old one; the legs stay.
- A HandOff to an MGC that never answers: after 15 s mrfpd goes back to the one that handed it
  over, with ServiceChange Disconnected (900), and is served by it again.
- Forced on a leg: the leg is out of service at once (gone, as by Subtract).
- Restart on ROOT is acknowledged and drops the replies cached for the MGC's earlier
  transactions (a restarted MGC numbers them anew); Forced on ROOT and other methods: 501 with the reason,
  never 443 (ServiceChange is a core command). Graceful on ROOT (a drain): tests/mp/mp_drain.py.
Usage: mp_service.py MRFPD  (root: DPDK; loopback only)"""
import os, re, socket, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mgc, Mrfpd, added, code, key  # noqa: E402

check = Checks()
B_PORT, DEAD_PORT = 39498, 39499


def sc(d, tid, term, services):
    return d.ask(d.hdr() + "T=%d{C=-{SC=%s{SV{%s}}}}" % (tid, term, services))


def wait_sc(m, seconds):
    """The next ServiceChange request m receives within seconds: (text, addr) or (None, None)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            text, addr = m.recv(max(0.05, end - time.monotonic()))
        except socket.timeout:
            break
        if "ServiceChange" in text and "Transaction" in text:
            return text, addr
    return None, None


def run(d):
    ctx, term = added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral")))
    check(ctx is not None, "a leg before the HandOff")
    _, t2 = added(d.ask(d.add_msg(11, ctx, key(), props="mrfp/keys = bilateral", port=5002)))
    r = sc(d, 12, t2, "MT=FO,RE=\"905 Termination taken out of service\"")
    check(code(r) is None and "ServiceChange = %s" % t2 in (r or ""), "Forced on a leg: answered")
    r = d.ask(d.hdr() + "T=13{C=%s{AV=%s}}" % (ctx, t2))
    check(code(r) == 430, "the forced leg is gone (AuditValue: %s)" % code(r))
    first = d.ask(d.add_msg(50, "$", key(), props="mrfp/keys = bilateral", port=5010))
    again = d.ask(d.add_msg(50, "$", key(), props="mrfp/keys = bilateral", port=5012))
    check(first is not None and again == first, "before: transaction 50 again is answered from the cache")
    r = sc(d, 14, "ROOT", "MT=RS,RE=\"901 Cold Boot\"")
    check(code(r) is None, "Restart on ROOT (the MGC restarted) acknowledged")
    renewed = d.ask(d.add_msg(50, "$", key(), props="mrfp/keys = bilateral", port=5014))
    check(renewed is not None and code(renewed) is None and added(renewed)[0] != added(first)[0],
          "after the MGC's Restart, its transaction 50 is a new one (executed, a new context)")
    r = sc(d, 15, "ROOT", "MT=FO")
    check(code(r) == 501, "Forced on ROOT: 501 with its reason (got %s)" % code(r))
    r = sc(d, 16, "ROOT", "MT=HO")
    check(code(r) == 449, "HandOff without MgcIdToTry: 449 (got %s)" % code(r))
    b = Mgc(B_PORT, d.mg_port, host="127.0.0.2")
    try:
        r = sc(d, 17, "ROOT", "MT=HO,MG=[127.0.0.2]:%d,RE=\"903 MGC Directed Change\"" % B_PORT)
        check(code(r) is None, "HandOff to MGC B: answered")
        text, addr = wait_sc(b, 10)
        check(text is not None and re.search(r"Method = HandOff", text or "") is not None and
              "903" in (text or ""), "mrfpd registers with B: ServiceChange HandOff 903")
        if text is not None:
            b.answer_sc(text, addr)
        r = b.ask(b.hdr() + "T=20{C=%s{AV=%s}}" % (ctx, term))
        check(r is not None and code(r) is None, "B is served; the leg is still there")
        d.send(d.hdr() + "T=18{C=-{AV=ROOT}}")
        check(d.reply(1.5) is None, "the old MGC is no longer served")
        r = sc(b, 21, "ROOT", "MT=HO,MG=[127.0.0.3]:%d" % DEAD_PORT)
        check(code(r) is None, "B hands mrfpd over to an MGC that never answers")
        text, addr = wait_sc(b, 25)
        check(text is not None and re.search(r"Method = Disconnected", text or "") is not None,
              "after 15 s without an answer mrfpd comes back to B (Disconnected)")
        if text is not None:
            b.answer_sc(text, addr)
        r = b.ask(b.hdr() + "T=22{C=-{AV=ROOT}}")
        check(r is not None and code(r) is None, "B serves mrfpd again")
    finally:
        b.close()


def main():
    d = Mrfpd(sys.argv[1], 39496, 39497, name="service")
    d.run(check, [run])
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
