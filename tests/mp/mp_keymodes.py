#!/usr/bin/python3
"""Which key each Local states and each reply names, in every key mode (docs/mp.md, "Which
Local states which key"), against a running mrfpd; the keys are the MRFC's (this script's).

For bilateral, group and hybrid conferences (hybrid under static and dynamic roles), created
talker first and listener first: every Add and Modify reply is checked against the model this
script keeps of the keys it handed out (never against what mrfpd said before); roles change
(a talker becomes a listener and back), the group key changes by make-before-break through a
listener's Local, and every refusal is checked to change nothing (the legs of the conference
and the keys the next newcomer is told). Then the local port the MRFC asks for: used, or
refused with an H.248 error (odd, outside the range, in use, on another worker's block),
never answered with another one.
Usage: mp_keymodes.py MRFPD  (root: DPDK; loopback only)"""
import base64, os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import telemetry  # noqa: E402
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import SUITE, Mrfpd, code  # noqa: E402

check = Checks()
CHOOSE = "$"
ANY = "c=IN IP4 $\nm=audio $ RTP/SAVP 0\n"


def fresh():
    return base64.b64encode(os.urandom(30)).decode()


def crypto(tag, k, mki=None):
    m = "" if mki is None else "|2^31|%d:1" % mki
    return "a=crypto:%d %s inline:%s%s\n" % (tag, SUITE, k, m)


def local(keys, where=ANY):
    """keys: [key | (key, mki) | "$"]"""
    lines = []
    for i, k in enumerate(keys):
        k, mki = k if isinstance(k, tuple) else (k, None)
        lines.append(crypto(i + 1, k, mki))
    return "v=0\n" + where + "".join(lines)


def remote(port):
    return "v=0\nc=IN IP4 10.0.0.2\nm=audio %d RTP/SAVP 0\n%s" % (port, crypto(1, fresh()))


def named(reply):
    """The keys a reply's Local names, in order."""
    return re.findall(r"a=crypto:\d+ \S+ inline:([A-Za-z0-9+/=]{40})", reply or "")


def reply_port(reply):
    m = re.search(r"m=audio (\d+) ", reply or "")
    return int(m.group(1)) if m else None


class Conf:
    """One conference driven by this script, with the model of its keys."""

    def __init__(self, d, keys, roles="static"):
        self.d, self.keys, self.roles = d, keys, roles
        self.ctx, self.port = None, 5000
        self.group = []     # the group key set as the MRFC stated it, the key in use first
        self.legs = {}      # term -> (mode, own key or None)

    def props(self):
        return "MO=%s,mrfp/keys=%s,mrfp/media=mix,mrfp/roles=%s" % (
            "%s", self.keys, self.roles)

    def add(self, mode, keys, where=ANY):
        """Add a leg with Local keys (the first Add creates the context); the reply."""
        self.port += 2
        mo = "SR" if mode == "talker" else "SO"
        lc = (self.props() % mo) if self.ctx is None else "MO=%s" % mo
        r = self.d.ask(self.d.hdr() + "T=%d{C=%s{A=${M{ST=1{O{%s},L{\n%s},R{\n%s}}}}}}" % (
            self.d.tid, self.ctx or "$", lc, local(keys, where), remote(self.port)))
        self.d.tid += 1
        m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r or "")
        if m is not None and code(r) is None:
            self.ctx = m.group(1)
            self.legs[m.group(2)] = [mode, None]
        return r, (m.group(2) if m else None)

    def modify(self, term, mode=None, keys=None, where=ANY):
        parts = []
        if mode is not None:
            parts.append("O{MO=%s}" % ("SR" if mode == "talker" else "SO"))
        if keys is not None:
            parts.append("L{\n%s}" % local(keys, where))
        r = self.d.ask(self.d.hdr() + "T=%d{C=%s{MF=%s{M{ST=1{%s}}}}}" % (
            self.d.tid, self.ctx, term, ",".join(parts)))
        self.d.tid += 1
        if code(r) is None and mode is not None:
            self.legs[term][0] = mode
        return r

    def expect(self, mode, own):
        """What a reply must name for a leg of this mode with this own key (model)."""
        if self.keys == "bilateral":
            return [own]
        if self.keys == "group" or mode == "listener":
            return list(self.group)
        return [own] + (list(self.group) if self.roles == "dynamic" else [])

    def n_legs(self):
        return len(telemetry.query(self.d.prefix, "/mrfp/legs") or [])

    def newcomer_hears(self):
        """A listener's Add with `$`, then its Subtract: the keys the reply named."""
        r, term = self.add("listener" if self.keys != "bilateral" else "talker", [CHOOSE])
        if term is not None:
            self.d.ask(self.d.hdr() + "T=%d{C=%s{S=%s}}" % (self.d.tid, self.ctx, term))
            self.d.tid += 1
            del self.legs[term]
        return named(r)


def refused(conf, what, r, want, legs_before, hears_before):
    check(code(r) == want, "%s: refused with %s (got %s)" % (what, want, code(r)))
    check(conf.n_legs() == legs_before, "%s: no leg created or lost" % what)
    if hears_before is not None:
        check(conf.newcomer_hears() == hears_before, "%s: the group key set unchanged" % what)


def run_bilateral(d):
    c = Conf(d, "bilateral")
    k1 = fresh()
    r, t1 = c.add("talker", [k1])
    check(named(r) == [k1], "bilateral: the reply names the leg's own key, as stated")
    r, t2 = c.add("talker", [CHOOSE])
    got = named(r)
    check(len(got) == 1 and got[0] != k1, "bilateral: `$` gives a fresh key of mrfpd's")
    n = c.n_legs()
    r, _ = c.add("talker", [fresh(), fresh()])
    refused(c, "bilateral: two keys on an Add", r, 501, n, None)
    k2 = fresh()
    r = c.modify(t1, keys=[k2])
    check(code(r) is None, "bilateral: Modify Local with a new key accepted")


def run_group(d, first):
    c = Conf(d, "group")
    g1 = fresh()
    r, t1 = c.add(first, [(g1, 1)])
    c.group = [g1]
    check(named(r) == c.expect(first, None), "group (%s first): the reply names the group key" % first)
    r, t2 = c.add("talker", [CHOOSE])
    check(named(r) == [g1], "group: a later talker's `$` is told the group key")
    r, t3 = c.add("listener", [(g1, 1)])
    check(code(r) is None and named(r) == [g1], "group: a listener stating the group key")
    n = c.n_legs()
    r, _ = c.add("listener", [fresh()])
    refused(c, "group: an Add naming another key as the group key", r, 449, n, [g1])
    g2 = fresh()
    for step, keys in (("install", [(g1, 1), (g2, 2)]), ("switch", [(g2, 2), (g1, 1)])):
        r = c.modify(t2, keys=keys)
        check(code(r) is None, "group: rekey %s through a talker's Local" % step)
    c.group = [g2, g1]
    check(c.newcomer_hears() == [g2, g1], "group: a newcomer is told the set, the new key first")
    r = c.modify(t3, keys=[(g2, 2)])
    c.group = [g2]
    check(code(r) is None and c.newcomer_hears() == [g2], "group: the old key retired")


def run_hybrid(d, first, roles):
    c = Conf(d, "hybrid", roles)
    g1, own = fresh(), {}
    what = "hybrid/%s (%s first)" % (roles, first)
    if first == "talker":
        own["a"] = fresh()
        r, ta = c.add("talker", [own["a"], (g1, 1)])
        c.group = [g1]
        check(named(r) == c.expect("talker", own["a"]),
              "%s: the creating talker is told %s" % (what, "its key and the group key"
                                                       if roles == "dynamic" else "its key only"))
        r, tl = c.add("listener", [CHOOSE])
        check(named(r) == [g1], "%s: a listener is told the MRFC's group key, not a talker's" % what)
    else:
        r, tl = c.add("listener", [(g1, 1)])
        c.group = [g1]
        check(named(r) == [g1], "%s: the creating listener is told the group key" % what)
        own["a"] = fresh()
        r, ta = c.add("talker", [own["a"]])
        check(named(r) == c.expect("talker", own["a"]), "%s: a talker is told its own key" % what)
    own["b"] = fresh()
    r, tb = c.add("talker", [own["b"], (g1, 1)])
    check(named(r) == c.expect("talker", own["b"]), "%s: a talker restating the group key" % what)
    n = c.n_legs()
    r, _ = c.add("talker", [fresh(), fresh()])
    refused(c, what + ": a talker's Add naming another group key", r, 449, n, [g1])
    r, _ = c.add("talker", [g1])
    refused(c, what + ": a talker's own key equal to the group key", r, 449, n, [g1])
    r, _ = c.add("listener", [fresh()])
    refused(c, what + ": a listener's Add naming another group key", r, 449, n, [g1])
    # roles change: the leg moves between its own key and the group key
    r = c.modify(tb, mode="listener")
    check(code(r) is None and named(r) == [g1], "%s: a talker become listener is told the group key" % what)
    r = c.modify(tb, mode="talker")
    got = named(r)
    check(code(r) is None and len(got) == c.expect("talker", "x").__len__() and got[0] not in
          (own["b"], g1), "%s: a listener become talker without a key gets a fresh one" % what)
    own["c"] = fresh()
    r = c.modify(tb, mode="listener")
    r = c.modify(tb, mode="talker", keys=[own["c"]])
    check(code(r) is None and named(r) == c.expect("talker", own["c"]),
          "%s: a listener become talker with its new key is told it" % what)
    # the group key changes by make-before-break through a listener's Local
    g2 = fresh()
    r = c.modify(tl, keys=[(g1, 1), (g2, 2)])
    check(code(r) is None, "%s: next group key installed through a listener's Local" % what)
    r = c.modify(tl, keys=[(g2, 2), (g1, 1)])
    c.group = [g2, g1]
    check(code(r) is None and c.newcomer_hears() == [g2, g1], "%s: switched: newcomers told the new set" % what)
    r = c.modify(tl, keys=[(g2, 2)])
    c.group = [g2]
    check(code(r) is None and c.newcomer_hears() == [g2], "%s: the old group key retired" % what)
    own["d"] = fresh()
    r, _ = c.add("talker", [own["d"]])
    check(named(r) == c.expect("talker", own["d"]), "%s: a later talker after the rekey" % what)
    if roles == "static":
        r = c.modify(ta, keys=[(g2, 2)])
        check(code(r) == 449 and c.newcomer_hears() == [g2],
              "%s: a talker's Local naming only the group key is refused, nothing changed" % what)
    r = c.modify(tl, keys=[fresh()])
    check(code(r) == 501 and c.newcomer_hears() == [g2],
          "%s: a group key without MKI cannot change, nothing changed" % what)


def run_ports(d):
    c = Conf(d, "bilateral")
    want = 40110
    r, t = c.add("talker", [CHOOSE], "c=IN IP4 $\nm=audio %d RTP/SAVP 0\n" % want)
    check(code(r) is None and reply_port(r) == want, "the port Local asks for is used (%s)" % reply_port(r))
    n = c.n_legs()
    for port, err, what in ((want, 510, "in use"), (want + 3, 449, "odd"),
                            (30000, 449, "outside the port range")):
        r, _ = c.add("talker", [CHOOSE], "c=IN IP4 $\nm=audio %d RTP/SAVP 0\n" % port)
        refused(c, "a Local port %s" % what, r, err, n, None)
    r, _ = c.add("talker", [CHOOSE], "c=IN IP4 10.9.9.9\nm=audio $ RTP/SAVP 0\n")
    refused(c, "a Local address that is not mrfpd's", r, 449, n, None)
    r, t2 = c.add("talker", [CHOOSE], "c=IN IP4 10.0.0.1\nm=audio $ RTP/SAVP 0\n")
    check(code(r) is None and reply_port(r) not in (None, want), "mrfpd's own address and `$` port: accepted")
    r = c.modify(t, keys=[CHOOSE], where="c=IN IP4 $\nm=audio %d RTP/SAVP 0\n" % (want + 2))
    check(code(r) == 501, "a Modify cannot move a leg to another port (got %s)" % code(r))
    r = c.modify(t, keys=[CHOOSE], where="c=IN IP4 $\nm=audio %d RTP/SAVP 0\n" % want)
    check(code(r) is None, "a Modify restating the leg's port is accepted")


def run_ports_workers(d):
    """Two workers: the steering blocks split 40000-49999 at 45000."""
    a = Conf(d, "bilateral")
    r, _ = a.add("talker", [CHOOSE], "c=IN IP4 $\nm=audio 46000 RTP/SAVP 0\n")
    check(code(r) is None and reply_port(r) == 46000, "a new conference goes where its port is steered")
    r, _ = a.add("talker", [CHOOSE], "c=IN IP4 $\nm=audio 46002 RTP/SAVP 0\n")
    check(code(r) is None and reply_port(r) == 46002, "a port in the conference's block: used")
    n = a.n_legs()
    r, _ = a.add("talker", [CHOOSE], "c=IN IP4 $\nm=audio 40200 RTP/SAVP 0\n")
    refused(a, "a port steered to the other worker", r, 449, n, None)
    r, _ = a.add("talker", [CHOOSE])
    p = reply_port(r)
    check(code(r) is None and p is not None and p >= 45000, "`$`: a port of the conference's block (%s)" % p)


def main():
    d = Mrfpd(sys.argv[1], 39480, 39481, name="keymodes")
    d.tid = 10
    d.run(check, [run_bilateral, lambda d: run_group(d, "talker"), lambda d: run_group(d, "listener"),
                  lambda d: run_hybrid(d, "talker", "static"), lambda d: run_hybrid(d, "listener", "static"),
                  lambda d: run_hybrid(d, "talker", "dynamic"), lambda d: run_hybrid(d, "listener", "dynamic"),
                  run_ports])
    w = Mrfpd(sys.argv[1], 39482, 39483, cores=["--lcores", "0@0,1@1,2@0"], name="keymodes2",
              extra=["--workers", "2"])
    w.tid = 10
    w.run(check, [run_ports_workers])
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
