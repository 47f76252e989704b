#!/usr/bin/python3
"""Admission control over Mp (issue 10): mrfpd with two workers and max-legs-per-worker 2.
Conferences go to the less loaded worker; once both are full, a new leg or a new conference
is refused with H.248.8 error 510 (insufficient resources) and nothing is half-done; the legs
already served are untouched; room made by a Subtract is usable again.
Usage: mp_admission.py MRFPD  (mrfpd on a net_null port with two queues; loopback only)"""
import os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mp_faults as mf  # noqa: E402  (Mrfpd, new_leg, add, code: the Mp helpers)
from mp_basic import add, key  # noqa: E402


class TwoWorkers(mf.Mrfpd):
    """mrfpd with lcores 1 and 2 as workers (sharing this machine's two CPUs)."""

    def start(self):
        self.prefix = "mrfp-admission-%d" % os.getpid()
        self.proc = subprocess.Popen(
            [self.binary, "--no-huge", "-m", "512", "--no-pci", "--file-prefix", self.prefix,
             "--vdev", "net_null0", "--lcores", "0@0,1@1,2@0", "--", "--media-ip", "10.0.0.1/24",
             "--mp-port", str(self.mg_port), "--mgc", "127.0.0.1:%d" % self.mgc_port,
             "--insecure-lab", "yes", "--workers", "2", "--max-legs-per-worker", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    d = TwoWorkers(sys.argv[1], 39470, 39471)
    d.start()
    try:
        d.register()
        ctx_a, _ = mf.new_leg(d, 10, port=5000)
        mf.check(ctx_a is not None, "first leg of conference A admitted")
        r = d.ask(add(11, ctx_a, key(), props="mrfp/keys = bilateral", port=5002))
        mf.check(mf.code(r) is None, "second leg of A admitted (its worker is now full)")
        ctx_b, _ = mf.new_leg(d, 12, port=5004)
        mf.check(ctx_b is not None, "conference B placed on the other worker")
        r = d.ask(add(13, ctx_b, key(), props="mrfp/keys = bilateral", port=5006))
        mf.check(mf.code(r) is None, "second leg of B admitted (both workers full)")
        r = d.ask(add(14, ctx_a, key(), props="mrfp/keys = bilateral", port=5008))
        mf.check(mf.code(r) == 510, "a third leg of A refused with 510 (got %s)" % mf.code(r))
        r = d.ask(add(15, "$", key(), props="mrfp/keys = bilateral", port=5010))
        mf.check(mf.code(r) == 510, "a new conference refused with 510 (got %s)" % mf.code(r))
        nxt = int(ctx_b) + 1  # the id the refused conference would have had
        r = d.ask(mf.hdr(d) + "T=16{C=%d{AV=rtp/1}}" % nxt)
        mf.check(mf.code(r) == 411, "no half-made context left by the refusal (AuditValue: %s)"
                 % mf.code(r))
        mf.check(mf.legs_in(d, 17, ctx_a) == 2, "A still has exactly its two legs")
        ctx_c, _ = mf.new_leg(d, 18, port=5012)
        mf.check(ctx_c is not None, "room made by the Subtract is usable again")
    finally:
        out = d.stop()
    mf.check("placement: worker 1" in out, "startup log states where each worker sits")
    print("%d checks, %d failed" % (mf.checks[0], len(mf.failures)))
    return 1 if mf.failures else 0


if __name__ == "__main__":
    sys.exit(main())
