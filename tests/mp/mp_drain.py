#!/usr/bin/python3
"""A graceful drain and a restart, seen by the MGC (H.248.1 11.5).

- SIGTERM with --drain-timeout: ServiceChange Graceful on ROOT with the Delay; a new Add is
  refused (503) while the call goes on (Modify, AuditValue answered); once the last leg is
  subtracted mrfpd sends ServiceChange Forced and exits 0.
- The delay ends before the calls: Forced when it is over, then exit.
- The MGC's own ServiceChange Graceful on ROOT (Delay 1 s) drains the same way.
- A second SIGTERM during a drain stops at once.
- Without a call the drain is over at once, and the Forced waits for the Graceful's answer.
- Started again, mrfpd registers with Restart 901 and an audit of every context finds none.
Usage: mp_drain.py MRFPD  (root: DPDK; loopback only)"""
import os, re, signal, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, added, code, key  # noqa: E402

check = Checks()


def exited(d, seconds):
    try:
        return d.proc.wait(timeout=seconds)
    except Exception:
        return None


def start(binary, drain_ms, name):
    d = Mrfpd(binary, 39500, 39501, name=name, extra=["--drain-timeout", str(drain_ms)])
    d.start()
    text = d.register()
    return d, text


def run_signal_drain(binary):
    d, _ = start(binary, 5000, "drain1")
    try:
        ctx, t1 = added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral")))
        check(ctx is not None, "a call before the drain")
        d.proc.send_signal(signal.SIGTERM)
        g = d.service_change(5, "Graceful")
        check(g is not None and re.search(r"Delay = 5\b", g) is not None and "905" in g,
              "SIGTERM: ServiceChange Graceful, Delay 5 s, 905")
        r = d.ask(d.add_msg(11, ctx, key(), props="mrfp/keys = bilateral", port=5002))
        check(code(r) == 503, "a new leg during the drain: 503 (got %s)" % code(r))
        r = d.ask(d.hdr() + "T=12{C=%s{MF=%s{M{O{MO=SO}}}}}" % (ctx, t1))
        check(r is not None and code(r) is None, "the call goes on: its Modify is served")
        check(d.proc.poll() is None, "still running while a call is up")
        r = d.ask(d.hdr() + "T=13{C=%s{S=*}}" % ctx)
        check(code(r) is None, "the last call subtracted")
        f = d.service_change(5, "Forced")
        check(f is not None, "then ServiceChange Forced")
        rc = exited(d, 5)
        check(rc == 0, "and mrfpd exits 0 (%s)" % rc)
    finally:
        d.stop()
        d.close()


def run_timeout_drain(binary):
    d, _ = start(binary, 1500, "drain2")
    try:
        ctx, _ = added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral")))
        t0 = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        check(d.service_change(5, "Graceful") is not None, "drain with a call that does not end")
        f = d.service_change(6, "Forced")
        waited = time.monotonic() - t0
        check(f is not None and waited >= 1.4, "Forced once the delay is over (%.1f s)" % waited)
        check(exited(d, 5) == 0, "then exit")
    finally:
        d.stop()
        d.close()


def run_mgc_drain_and_restart(binary):
    d, _ = start(binary, 0, "drain3")
    try:
        ctx, _ = added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral")))
        r = d.ask(d.hdr() + "T=11{C=-{SC=ROOT{SV{MT=GR,DL=1}}}}")
        check(r is not None and code(r) is None, "the MGC's Graceful on ROOT is answered")
        r = d.ask(d.add_msg(12, "$", key(), props="mrfp/keys = bilateral", port=5004))
        check(code(r) == 503, "a new conference during the drain: 503 (got %s)" % code(r))
        check(d.service_change(4, "Forced") is not None, "Forced after the MGC's delay")
        check(exited(d, 5) == 0, "then exit")
    finally:
        d.stop()
    d.start()
    try:
        text = d.register()
        check(re.search(r"Method = Restart", text) is not None and "901" in text,
              "started again: ServiceChange Restart 901")
        r = d.ask(d.hdr() + "T=20{C=*{AV=*{AT{M}}}}")
        check(code(r) == 431, "an audit of every context finds none (got %s)" % code(r))
    finally:
        d.stop()
        d.close()


def run_second_signal(binary):
    d, _ = start(binary, 30000, "drain4")
    try:
        added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral")))
        d.proc.send_signal(signal.SIGTERM)
        check(d.service_change(5, "Graceful") is not None, "a 30 s drain begins")
        d.proc.send_signal(signal.SIGTERM)
        check(exited(d, 5) == 0, "a second SIGTERM stops at once")
    finally:
        d.stop()
        d.close()


def run_no_call(binary):
    """No call up: the drain is over at once, but the Forced waits for the Graceful's answer."""
    d, _ = start(binary, 5000, "drain5")
    try:
        d.proc.send_signal(signal.SIGTERM)
        got = d.datagrams(1.5)  # the Graceful (and its retransmissions), left unanswered
        grace = [(t, a) for t, a in got if re.search(r"Method = Graceful", t)]
        check(bool(grace), "SIGTERM without a call: ServiceChange Graceful")
        check(not [t for t, _ in got if re.search(r"Method = Forced", t)],
              "no Forced while the Graceful is unanswered")
        if grace:
            d.answer_sc(*grace[0])
        check(d.service_change(5, "Forced") is not None, "the Forced once the Graceful is answered")
        check(exited(d, 5) == 0, "then exit")
    finally:
        d.stop()
        d.close()


def main():
    for step in (run_signal_drain, run_timeout_drain, run_mgc_drain_and_restart, run_second_signal,
                 run_no_call):
        step(sys.argv[1])
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
