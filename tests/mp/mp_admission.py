#!/usr/bin/python3
"""Admission control over Mp: mrfpd with two workers and max-legs-per-worker 2.
Conferences go to the less loaded worker; once both are full, a new leg or a new conference
is refused with H.248.8 error 510 (insufficient resources) and nothing is half-done; the legs
already served are untouched; the MGC is told of the congestion (Notify ROOT mrfp/overload
{state=on}) and of its end (state=off); room made by a Subtract is usable again.
Usage: mp_admission.py MRFPD  (mrfpd on a net_null port with two queues; loopback only)"""
import os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, code, key  # noqa: E402

check = Checks()


def overload(d, seconds):
    """The state of the first mrfp/overload Notify on ROOT within seconds (answered), or None."""
    for text, addr in d.datagrams(seconds):
        m = re.search(r"Transaction = (\d+) \{\s*Context = - \{\s*Notify = ROOT", text)
        s = re.search(r"mrfp/overload\s*\{\s*state\s*=\s*(\w+)", text)
        if m and s:
            d.sock.sendto((d.hdr() + "Reply = %s { Context = - { Notify = ROOT } }"
                           % m.group(1)).encode(), addr)
            return s.group(1)
    return None


def main():
    # lcores 1 and 2 as workers (sharing this machine's two CPUs), two legs each at most
    d = Mrfpd(sys.argv[1], 39470, 39471, cores=["--lcores", "0@0,1@1,2@0"], name="admission",
              extra=["--workers", "2", "--max-legs-per-worker", "2"])
    d.start()
    try:
        d.register()
        ctx_a, _ = d.new_leg(10, port=5000)
        check(ctx_a is not None, "first leg of conference A admitted")
        r = d.ask(d.add_msg(11, ctx_a, key(), props="mrfp/keys = bilateral", port=5002))
        check(code(r) is None, "second leg of A admitted (its worker is now full)")
        ctx_b, _ = d.new_leg(12, port=5004)
        check(ctx_b is not None, "conference B placed on the other worker")
        r = d.ask(d.add_msg(13, ctx_b, key(), props="mrfp/keys = bilateral", port=5006))
        check(code(r) is None, "second leg of B admitted (both workers full)")
        r = d.ask(d.add_msg(14, ctx_a, key(), props="mrfp/keys = bilateral", port=5008))
        check(code(r) == 510, "a third leg of A refused with 510 (got %s)" % code(r))
        r = d.ask(d.add_msg(15, "$", key(), props="mrfp/keys = bilateral", port=5010))
        check(code(r) == 510, "a new conference refused with 510 (got %s)" % code(r))
        nxt = int(ctx_b) + 1  # the id the refused conference would have had
        r = d.ask(d.hdr() + "T=16{C=%d{AV=rtp/1}}" % nxt)
        check(code(r) == 411, "no half-made context left by the refusal (AuditValue: %s)" % code(r))
        check(overload(d, 3) == "on", "the MGC is told: Notify ROOT mrfp/overload {state=on}")
        check(d.legs_in(17, ctx_a) == 2, "A still has exactly its two legs")
        check(overload(d, 3) == "off", "room again after the Subtract: mrfp/overload {state=off}")
        ctx_c, _ = d.new_leg(18, port=5012)
        check(ctx_c is not None, "room made by the Subtract is usable again")
    finally:
        out = d.stop()
    check("placement: worker 1" in out, "startup log states where each worker sits")
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
