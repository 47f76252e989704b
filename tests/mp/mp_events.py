#!/usr/bin/python3
"""Events and Signals over Mp against a running mrfpd: what the MGC arms is reported with its
RequestID, what mrfpd does not implement is refused with the H.248.8 code, never accepted
and ignored.

- Refusals (and nothing of the refused Modify applied): an unknown package in Events or
  Signals (440), an event or signal a known package does not have (451, 452), it/ito on a
  leg (451), a parameter an event does not take (446), an EventBuffer (444).
- Arming: a leg without an Events descriptor reports its inactivity with RequestID 0 (the
  provisioned profile); a leg armed with `Events = 77 { mrfp/inact }` reports it with 77; a
  leg whose Events descriptor names other events does not report it.
- ROOT: `Modify = ROOT { Events = 5 { it/ito { mit = 100 } } }` arms the H.248.14 inactivity
  timer at 1 s (mrfpd's own default is 60 s): the Notify it/ito comes with RequestID 5; an
  Events descriptor on ROOT without it/ito disarms it.
- An audit of Events returns what is armed, with its RequestID.
Usage: mp_events.py MRFPD  (root: DPDK; loopback only)"""
import os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, added, code, key  # noqa: E402

check = Checks()


def notifies(d, seconds):
    """Notify requests from mrfpd for seconds (each answered): [(term, request id, event)]."""
    got = []
    for text, addr in d.datagrams(seconds):
        root = re.search(r"Transaction = (\d+) \{\s*Context = - \{\s*Notify = ROOT", text)
        if root is not None:
            d.sock.sendto((d.hdr() + "Reply = %s { Context = - { Notify = ROOT } }"
                           % root.group(1)).encode(), addr)
        elif d.answer_notify(text, addr) is None:
            continue
        m = re.search(r"Notify = (\S+) \{\s*ObservedEvents = (\d+) \{\s*[^:]*?([a-z]+/[a-z]+)", text)
        if m and (m.group(1), int(m.group(2)), m.group(3)) not in got:
            got.append((m.group(1), int(m.group(2)), m.group(3)))
    return got


def modify(d, tid, ctx, term, body):
    return d.ask(d.hdr() + "T=%d{C=%s{MF=%s{%s}}}" % (tid, ctx, term, body))


def mode_of(d, tid, ctx, term):
    r = d.ask(d.hdr() + "T=%d{C=%s{AV=%s}}" % (tid, ctx, term)) or ""
    m = re.search(r"Mode = (\w+)", r)
    return m.group(1) if m else None


def run(d):
    ctx, t1 = added(d.ask(d.add_msg(10, "$", key(), props="mrfp/keys = bilateral", port=5000)))
    check(ctx is not None, "a conference with a leg")
    if ctx is None:
        return
    _, t2 = added(d.ask(d.add_msg(11, ctx, key(), props="mrfp/keys = bilateral", port=5002)))
    _, t3 = added(d.ask(d.add_msg(12, ctx, key(), props="mrfp/keys = bilateral", port=5004)))
    before = mode_of(d, 13, ctx, t1)
    for tid, body, want, what in (
            (20, "O{MO=SO},E=7{al/of}", 440, "an event of a package mrfpd does not implement"),
            (21, "O{MO=SO},SG{zzpkg/tone}", 440, "a signal of an unknown package"),
            (22, "O{MO=SO},SG{mrfp/tone}", 452, "a signal mrfpd's package does not have"),
            (23, "O{MO=SO},E=8{mrfp/nosuch}", 451, "an event mrfpd's package does not have"),
            (24, "O{MO=SO},E=9{it/ito}", 451, "it/ito on a leg (an event of ROOT)"),
            (25, "O{MO=SO},E=10{mrfp/inact{x=1}}", 446, "a parameter the event does not take"),
            (26, "O{MO=SO},EB{mrfp/inact}", 444, "an EventBuffer")):
        body = body.replace("O{", "M{O{").replace("},", "}},", 1)
        r = modify(d, tid, ctx, t1, body)
        check(code(r) == want, "%s: refused with %d (got %s)" % (what, want, code(r)))
    check(mode_of(d, 27, ctx, t1) == before, "the refused Modifies changed nothing (mode %s)" % before)
    r = modify(d, 28, ctx, t1, "SG{}")
    check(code(r) is None, "an empty Signals descriptor is accepted (nothing plays)")
    r = modify(d, 29, ctx, t2, "E=77{mrfp/inact}")
    check(code(r) is None, "leg 2 arms mrfp/inact with RequestID 77")
    r = modify(d, 30, ctx, t3, "E=78{mrfp/keysoft,mrfp/keyexp}")
    check(code(r) is None, "leg 3 arms other events only")
    r = d.ask(d.hdr() + "T=31{C=%s{AV=%s{AT{E}}}}" % (ctx, t2)) or ""
    check(re.search(r"Events = 77 \{\s*mrfp/inact\s*\}", r) is not None,
          "an audit of leg 2's Events: RequestID 77, mrfp/inact only")
    r = d.ask(d.hdr() + "T=32{C=%s{AV=%s{AT{E}}}}" % (ctx, t1)) or ""
    check(re.search(r"Events = 0 \{", r) is not None and
          all(e in r for e in ("mrfp/ssrccol", "mrfp/inact", "mrfp/keysoft", "mrfp/keyexp", "mrfp/grekey")),
          "an audit of a leg never armed: the provisioned events, RequestID 0")
    got = notifies(d, 3.0)
    inact = {t: rid for t, rid, ev in got if ev == "mrfp/inact"}
    check(inact.get(t1) == 0, "a leg without Events reports its inactivity with RequestID 0 (%s)" % inact.get(t1))
    check(inact.get(t2) == 77, "the armed leg reports it with its RequestID 77 (%s)" % inact.get(t2))
    check(t3 not in inact, "a leg whose Events does not name mrfp/inact does not report it")
    # ROOT: the MGC arms the inactivity timer
    r = d.ask(d.hdr() + "T=40{C=-{MF=ROOT{E=5{it/ito{mit=100}}}}}")
    check(code(r) is None and "Modify = ROOT" in (r or ""), "Modify ROOT arms it/ito (mit 1 s)")
    got = notifies(d, 3.0)
    ito = [rid for t, rid, ev in got if t == "ROOT" and ev == "it/ito"]
    check(ito[:1] == [5], "the inactivity Notify on ROOT comes after 1 s with RequestID 5 (%s)" % ito)
    r = d.ask(d.hdr() + "T=43{C=-{AV=ROOT{AT{E}}}}") or ""
    check(re.search(r"Events = 5 \{\s*it/ito \{\s*mit\s*=\s*100\s*\}\s*\}", r) is not None,
          "an audit of ROOT's Events: it/ito with its mit, RequestID 5")
    r = d.ask(d.hdr() + "T=41{C=-{MF=ROOT{E=6{}}}}")
    check(code(r) is None, "an Events descriptor on ROOT without it/ito")
    got = notifies(d, 2.5)
    check(not [1 for t, _, ev in got if ev == "it/ito"], "disarms the inactivity timer")
    r = d.ask(d.hdr() + "T=42{C=-{MF=ROOT{E=7{mrfp/inact}}}}")
    check(code(r) == 451, "a leg's event on ROOT: 451 (got %s)" % code(r))


def main():
    d = Mrfpd(sys.argv[1], 39494, 39495, name="events", extra=["--leg-inactivity", "1000"])
    d.run(check, [run])
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
