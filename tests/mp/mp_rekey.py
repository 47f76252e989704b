#!/usr/bin/python3
"""Make-before-break key changes over Mp against a running mrfpd (burst engine).

A leg whose keys carry MKIs (RFC 4568 "|MKI:LEN") holds several keys at once: the a=crypto
lines of a Modify's Remote are the keys mrfpd accepts from the participant, those of its Local
the keys mrfpd may send with (the first one is used). This checks the set after each Modify
(telemetry /mrfp/leg,ID rx_keys/tx_keys; never the keys), the refusals (a key without MKI among
MKI keys, two MKI lengths, one MKI twice, more than four keys) and that a refused Modify leaves
the keys as they were. Keys without MKI: two at most, the first the one in use (run_nomki).
The media side of a change is tested in tests/dp (test_switch.c).
Usage: mp_rekey.py MRFPD  (root: DPDK; loopback only)"""
import base64, os, re, socket, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import telemetry  # noqa: E402
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import SUITE, Mrfpd, code  # noqa: E402

check = Checks()


def line(tag, key, mki=None):
    m = "" if mki is None else "|%d:%d" % mki
    return "a=crypto:%d %s inline:%s%s\n" % (tag, SUITE, base64.b64encode(key).decode(), m)


ANY = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"


def sdp(lines, where="c=IN IP4 10.0.0.2\nm=audio 5000 RTP/SAVP 0\n"):
    return "v=0\n" + where + "".join(lines)


def leg_keys(prefix, leg):
    d = telemetry.leg(prefix, leg)
    return d["rx_keys"], d["tx_keys"]


def modify(d, tid, ctx, term, remote=None, local=None):
    body = ""
    if local is not None:
        body += "L{\n%s}" % local
    if remote is not None:
        body += ("," if body else "") + "R{\n%s}" % remote
    return d.ask(d.hdr() + "T=%d{C=%s{MF=%s{M{ST=1{%s}}}}}" % (tid, ctx, term, body))


def run(d):
    a, b, c, e, f = (os.urandom(30) for _ in range(5))
    l1, l2 = os.urandom(30), os.urandom(30)
    local = sdp([line(1, l1, (1, 1))], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n")
    r = d.ask(d.hdr() + "T=10{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=bilateral},L{\n%s},R{\n%s}}}}}}"
              % (local, sdp([line(1, a, (1, 1))])))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/(\d+))", r or "")
    check(m is not None, "a leg whose Remote and Local keys carry an MKI")
    if m is None:
        return
    ctx, term, leg = m.group(1), m.group(2), int(m.group(3))
    check(leg_keys(d.prefix, leg) == (1, 1), "one key each way to start with")
    # make: the participant's next key is accepted beside the current one
    r = modify(d, 11, ctx, term, remote=sdp([line(1, a, (1, 1)), line(2, b, (2, 1))]))
    check(code(r) is None and leg_keys(d.prefix, leg) == (2, 1), "Remote with two MKIs: both accepted")
    # mrfpd's next key: listed first it is the one used; the old one stays installed
    loc2 = sdp([line(1, l2, (2, 1)), line(2, l1, (1, 1))], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n")
    r = modify(d, 12, ctx, term, local=loc2)
    check(code(r) is None and leg_keys(d.prefix, leg) == (2, 2), "Local with two MKIs: mrfpd holds both")
    # the same two MKIs in the other order: a switch, both keys stay (the session is kept)
    r = modify(d, 121, ctx, term, local=sdp([line(1, l1, (1, 1)), line(2, l2, (2, 1))], ANY))
    check(code(r) is None and leg_keys(d.prefix, leg) == (2, 2) and "inline:" not in (r or ""),
          "Local [old, new] after [new, old]: switched back, both keys held, no new key named")
    r = modify(d, 122, ctx, term, local=loc2)
    check(code(r) is None and leg_keys(d.prefix, leg) == (2, 2), "and switched again")
    # refusals leave everything as it was
    for tid, lines, what in (
            (13, [line(1, b, (2, 1)), line(2, c)], "a key without MKI among MKI keys"),
            (14, [line(1, b, (2, 1)), line(2, c, (3, 2))], "two MKI lengths"),
            (15, [line(1, b, (2, 1)), line(2, c, (2, 1))], "one MKI twice"),
            (16, [line(i + 1, k, (i + 3, 1)) for i, k in enumerate((b, c, e, f, a))], "five keys")):
        r = modify(d, tid, ctx, term, remote=sdp(lines))
        check(code(r) is not None and leg_keys(d.prefix, leg) == (2, 2), "refused, nothing changed: " + what)
    # break: the old keys leave
    r = modify(d, 17, ctx, term, remote=sdp([line(1, b, (2, 1))]),
               local=sdp([line(1, l2, (2, 1))], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"))
    check(code(r) is None and leg_keys(d.prefix, leg) == (1, 1), "old keys retired: one key each way")
    # the same keys again (a Modify that repeats its descriptors) change nothing
    r = modify(d, 18, ctx, term, remote=sdp([line(1, b, (2, 1))]))
    check(code(r) is None and leg_keys(d.prefix, leg) == (1, 1), "the same key again: kept")


def run_nomki(d):
    """Keys without MKI (RFC 3711: the receiver picks the key by packet index): the same sets,
    at most two keys per direction, the first the one in use (Remote: the participant's,
    Local: mrfpd's); the session is kept (telemetry shows both keys), never replaced."""
    a, b, c, e = (os.urandom(30) for _ in range(4))
    l1, l2 = os.urandom(30), os.urandom(30)
    local = sdp([line(1, l1)], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n")
    r = d.ask(d.hdr() + "T=80{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=bilateral},L{\n%s},R{\n%s}}}}}}"
              % (local, sdp([line(1, a)], "c=IN IP4 10.0.0.4\nm=audio 5004 RTP/SAVP 0\n")))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/(\d+))", r or "")
    check(m is not None, "a leg whose keys have no MKI")
    if m is None:
        return
    ctx, term, leg = m.group(1), m.group(2), int(m.group(3))
    here = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    steps = (
        (81, [line(1, a), line(2, b)], None, None, (2, 1), "Remote [current, next]: both accepted"),
        (82, None, [line(1, l2), line(2, l1)], None, (2, 2), "Local [next, current]: mrfpd sends with the next"),
        (83, [line(1, a), line(2, b), line(3, c)], None, 501, (2, 2), "three keys without MKI: refused"),
        (84, [line(1, b), line(2, b)], None, 449, (2, 2), "one key twice: refused"),
        (85, [line(1, c), line(2, e)], None, 501, (2, 2), "two new keys while two are held: refused"),
        (86, [line(1, b), line(2, a)], None, None, (2, 2), "Remote [next, current]: the participant switched"),
        (87, [line(1, b)], [line(1, l2)], None, (1, 1), "the old keys retired"),
        (88, [line(1, b)], [line(1, l2)], None, (1, 1), "the same keys again: kept"),
        (89, [line(1, c)], None, None, (1, 1), "Remote [new]: a change at once, the session kept"),
        (90, [line(1, c), line(2, b, (2, 1))], None, None, (1, 1), "keys with MKI now: the session is replaced"))
    for tid, rem, loc, want, keys, what in steps:
        r = modify(d, tid, ctx, term, remote=sdp(rem) if rem else None, local=sdp(loc, here) if loc else None)
        got = leg_keys(d.prefix, leg)
        check(code(r) == want and got == keys, what + (" (%s, %s)" % (code(r), got) if (code(r), got) != (want, keys) else ""))


def run_group(d):
    """A group conference's key changes the same way: any leg's Local states the set."""
    g1, g2, a, b = (os.urandom(30) for _ in range(4))
    where = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    r = d.ask(d.hdr() + "T=30{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=group},L{\n%s},R{\n%s}}}}}}"
              % (sdp([line(1, g1, (1, 1))], where), sdp([line(1, a)])))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r or "")
    check(m is not None, "a group conference whose group key carries an MKI")
    if m is None:
        return
    ctx, t1 = m.group(1), m.group(2)
    r = d.ask(d.hdr() + "T=31{C=%s{A=${M{ST=1{O{MO=SR},L{\n%s},R{\n%s}}}}}}"
              % (ctx, sdp([line(1, g1, (1, 1))], where), sdp([line(1, b)], "c=IN IP4 10.0.0.3\nm=audio 5002 RTP/SAVP 0\n")))
    m2 = re.search(r"Add = (rtp/\d+)", r or "")
    check(m2 is not None and code(r) is None, "a second listener under the same group key")
    here = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    steps = ((32, t1, [line(1, g1, (1, 1)), line(2, g2, (2, 1))], None, "the next group key installed"),
             (33, t1, [line(1, g2, (2, 1)), line(2, g1, (1, 1))], None, "mrfpd sends under the new key"),
             (34, m2.group(1) if m2 else t1, [line(1, g2, (2, 1)), line(2, g1, (1, 1))], None,
              "the same set from another listener: no change"),
             (35, t1, [line(1, g2, (2, 1))], None, "the old group key retired"),
             (36, t1, [line(1, os.urandom(30))], 501, "a group key without MKI cannot change"))
    for tid, term, lines, want, what in steps:
        r = modify(d, tid, ctx, term, local=sdp(lines, here))
        check(code(r) == want, what + (" (%s)" % code(r) if code(r) != want else ""))
        if tid == 33:
            newcomer_keys(d, 330, ctx, [g2, g1], "a newcomer's Add reply names the key set in use, "
                          "the new key first")
    newcomer_keys(d, 37, ctx, [g2], "after the retirement a newcomer gets the new key only, never "
                  "the retired one")


def newcomer_keys(d, tid, ctx, want, what):
    """Add a listener to a group conference: its reply's Local keys, in order, are `want`."""
    r = d.ask(d.hdr() + "T=%d{C=%s{A=${M{ST=1{O{MO=SR},L{\n%s},R{\n%s}}}}}}"
              % (tid, ctx, sdp([], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"),
                 sdp([line(1, os.urandom(30))], "c=IN IP4 10.0.0.4\nm=audio 5004 RTP/SAVP 0\n")))
    got = [base64.b64decode(k) for k in re.findall(r"inline:([A-Za-z0-9+/=]+)", r or "")]
    check(code(r) is None and got == want, what + ("" if got == want else " (%d keys, %s)" % (
        len(got), ["g2" if k == want[0] else "other" for k in got])))


def run_chosen_group(d):
    """A group key left to mrfpd with an MKI asked for (inline:$|1:1) comes back with that MKI
    (and lifetime) and changes by MKI later; a plain $ gets none (ffmpeg has no MKI)."""
    g2 = os.urandom(30)
    chosen = "a=crypto:1 %s inline:$|2^20|1:1\n" % SUITE
    r = d.ask(d.hdr() + "T=40{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=group},L{\n%s},R{\n%s}}}}}}"
              % (sdp([chosen], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"),
                 sdp([line(1, os.urandom(30))], "c=IN IP4 10.0.0.6\nm=audio 5006 RTP/SAVP 0\n")))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r or "")
    k = re.search(r"inline:([A-Za-z0-9+/=]+)\|2\^20\|1:1", r or "")
    check(m is not None and k is not None, "a chosen group key keeps the MKI and lifetime asked for")
    if m is None or k is None:
        return
    g1 = base64.b64decode(k.group(1))
    here = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    r = modify(d, 41, m.group(1), m.group(2), local=sdp([line(1, g2, (2, 1)), line(2, g1, (1, 1))], here))
    check(code(r) is None, "the chosen group key changes by MKI: the next one used")
    r = modify(d, 42, m.group(1), m.group(2), local=sdp([line(1, g2, (2, 1))], here))
    check(code(r) is None, "the chosen group key retired")
    r = d.ask(d.hdr() + "T=43{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=group},L{\n%s},R{\n%s}}}}}}"
              % (sdp(["a=crypto:1 %s inline:$\n" % SUITE], "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"),
                 sdp([line(1, os.urandom(30))], "c=IN IP4 10.0.0.7\nm=audio 5006 RTP/SAVP 0\n")))
    check(re.search(r"inline:[A-Za-z0-9+/=]+\s", r or "") is not None, "a plain $: no MKI added")


def grekey_notifies(d, secs, until=None):
    """Notify mrfp/grekey requests in the next secs (each answered, counted once), by reason;
    with until=N, return as soon as N were seen."""
    seen, reasons = set(), []
    deadline = time.time() + secs
    while time.time() < deadline and (until is None or len(reasons) < until):
        try:
            text, addr = d.recv(max(0.05, deadline - time.time()))
        except socket.timeout:
            break
        n = d.answer_notify(text, addr)
        if n is not None and n[1] and n[0] not in seen:
            seen.add(n[0])
            reasons.append(n[1])
    return reasons


def run_policy(d):
    """mrfp/rekey=both: a burst of joins costs one request, a burst of leaves one more.
    mrfp/keyage (another conference): a key that reached its age is asked for once, and again
    only when the next key reaches its age. Timing checks are lower bounds only (loaded CI)."""
    g1, g2 = os.urandom(30), os.urandom(30)
    where = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    local = sdp([line(1, g1, (1, 1))], where)
    r = d.ask(d.hdr() + "T=50{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=group,mrfp/rekey=both,"
              "mrfp/rekeywin=2000},L{\n%s},R{\n%s}}}}}}" % (local, sdp([line(1, os.urandom(30))])))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r or "")
    check(m is not None, "a group conference with a rekey policy")
    if m is None:
        return
    ctx, terms = m.group(1), [m.group(2)]
    for i in range(3):  # three joins within the window
        r = d.ask(d.hdr() + "T=%d{C=%s{A=${M{ST=1{O{MO=SR},L{\n%s},R{\n%s}}}}}}" % (
            51 + i, ctx, local, sdp([line(1, os.urandom(30))], "c=IN IP4 10.0.0.%d\nm=audio 5002 RTP/SAVP 0\n" % (3 + i))))
        t = re.search(r"Add = (rtp/\d+)", r or "")
        terms.append(t.group(1) if t else None)
    got = grekey_notifies(d, 3.5)  # the window (2 s) runs from the first join
    check(got == ["join"], "three joins in a burst: one request, reason=join (%s)" % got)
    for i, tid in ((1, 60), (2, 61)):  # two leaves within the window
        d.ask(d.hdr() + "T=%d{C=%s{S=%s}}" % (tid, ctx, terms[i]))
    got = grekey_notifies(d, 3.5)
    check(got == ["leave"], "two leaves in a burst: one request, reason=leave (%s)" % got)
    # key age, alone in its conference
    t0 = time.time()
    r = d.ask(d.hdr() + "T=70{C=${A=${M{ST=1{O{MO=SR,mrfp/keys=group,mrfp/keyage=2},L{\n%s},R{\n%s}}}}}}"
              % (local, sdp([line(1, os.urandom(30))], "c=IN IP4 10.0.0.9\nm=audio 5008 RTP/SAVP 0\n")))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r or "")
    check(m is not None, "a group conference with a maximum key age")
    if m is None:
        return
    got = grekey_notifies(d, 6.0, until=1)
    check(got == ["age"] and time.time() - t0 >= 1.9,
          "the group key reached its age: one request, reason=age (%s after %.1f s)" % (got, time.time() - t0))
    here = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
    t1 = time.time()
    r = modify(d, 71, m.group(1), m.group(2), local=sdp([line(1, g2, (2, 1)), line(2, g1, (1, 1))], here))
    check(code(r) is None, "the MRFC answers with the next group key")
    got = grekey_notifies(d, 6.0, until=1)
    check(got == ["age"] and time.time() - t1 >= 1.9,
          "one more request only when the new key is 2 s old (%s after %.1f s)" % (got, time.time() - t1))


def main():
    if os.geteuid() != 0:
        print("mp_rekey: needs root for DPDK")
        return 77
    base = 41000 + os.getpid() % 2000
    d = Mrfpd(sys.argv[1], base, base + 2000, name="rekey")
    out = d.run(check, (run, run_nomki, run_group, run_chosen_group, run_policy))
    if "burst" not in out:
        print(out[-2000:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
