#!/usr/bin/python3
"""AuditValue (H.248.1 7.2.5) against a running mrfpd: an MRFC restarted mid-call rebuilds
every context and termination from audits alone.

Two conferences (mix with a group key, switch with bilateral keys and speaker selection),
legs with different modes, latching, participants' addresses and ports and codecs (PCMU and
PCMA in the mix, PCMA in the switch), some of them changed by Modify. Then a second MGC (a new socket and transaction
numbering, nothing kept from the first) builds its view from Context = * { AuditValue = * {
Audit { Media } } } alone, and that view must equal the one this script kept from its own
Adds and Modifies: context ids, termination ids, mrfpd's port, the participant's address and
port, codec, mode, latching, the conference's mrfp properties. The rebuilt view is usable: the
new MGC rekeys a leg by Modify and removes the legs it found.
Each Audit descriptor returns what it asked for and nothing more (Media, Statistics,
Packages, an empty one, a part of Media, several at once), ROOT's Packages name nt, rtp, it
and mrfp; no audit reply ever holds key material; errors: unknown termination 430, unknown
context 411, unknown audit descriptor 444, a wildcard that matches nothing 431, another
command than AuditValue in Context = * 501. An audit larger than a datagram is answered (an
Error 500 after the whole blocks), never left unanswered.
Usage: mp_audit.py MRFPD  (root: DPDK; loopback only)"""
import base64, os, re, socket, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import SUITE, Mgc, Mrfpd, code  # noqa: E402

check = Checks()
MGC_PORT = 33450 + os.getpid() % 500
MG_PORT = MGC_PORT + 1000
CODECS = {0: "PCMU", 8: "PCMA"}
MODES = {"SR": "SendReceive", "SO": "SendOnly", "RC": "ReceiveOnly", "IN": "Inactive"}
KEYISH = re.compile(r"inline:|a=crypto|[A-Za-z0-9+/]{38,}={0,2}")


def fresh():
    return base64.b64encode(os.urandom(30)).decode()


class View:
    """What an MGC knows: {ctx: {"props": {name: value}, "terms": {tid: {...}}}}."""

    def __init__(self):
        self.ctx = {}

    def leg(self, ctx, tid):
        return self.ctx[ctx]["terms"][tid]


def remote_sdp(addr, port, pt, k):
    return ("v=0\nc=IN IP4 %s\nm=audio %d RTP/SAVP %d\na=crypto:1 %s inline:%s\n"
            % (addr, port, pt, SUITE, k))


def add(d, secrets, ctx, mode, addr, port, pt, props="", latch=None):
    """Add = $ (Local all CHOOSE); the reply, and (context, termination, local port)."""
    k = fresh()
    secrets.add(k)
    lc = ["Mode = %s" % MODES[mode]] + ([props] if props else []) + (
        ["mrfp/latch = %s" % latch] if latch else [])
    body = ("Context = %s { Add = $ { Media { Stream = 1 { LocalControl { %s }, Local {\n"
            "v=0\nc=IN IP4 $\nm=audio $ RTP/SAVP %d\na=crypto:1 %s inline:$\n}, Remote {\n%s} } } } }"
            % (ctx, ", ".join(lc), pt, SUITE, remote_sdp(addr, port, pt, k)))
    r = d.transact(body) or ""
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r)
    lp = re.search(r"m=audio (\d+) ", r)
    for lk in re.findall(r"inline:([A-Za-z0-9+/=]{40})", r):
        secrets.add(lk)
    if m is None or lp is None:
        return r, None, None, None
    return r, m.group(1), m.group(2), int(lp.group(1))


def sdp_of(text):
    """(address, port, payload type, codec name) of an SDP."""
    c = re.search(r"c=IN IP[46] (\S+)", text)
    m = re.search(r"m=audio (\d+) RTP/SAVP (\d+)", text)
    if c is None or m is None:
        return None
    pt = int(m.group(2))
    rm = re.search(r"a=rtpmap:%d ([A-Za-z0-9-]+)/" % pt, text)
    return c.group(1), int(m.group(1)), pt, rm.group(1) if rm else None


def blocks(reply, head):
    """[(value, text)] of the elements `head = value {...}` (or without a body) at one level:
    each text runs to the next such element."""
    found = list(re.finditer(r"\b%s = (\S+?)(?=[\s,{}])" % head, reply))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(reply)
        out.append((m.group(1), reply[m.end():end]))
    return out


def view_from_audit(reply):
    """The view an MGC builds from a Context = * AuditValue = * { Audit { Media } } reply."""
    v = View()
    for ctx, ctext in blocks(reply, "Context"):
        entry = v.ctx.setdefault(ctx, {"props": {}, "terms": {}})
        for tid, ttext in blocks(ctext, "AuditValue"):
            mode = re.search(r"Mode = (\w+)", ttext)
            props = dict(re.findall(r"(mrfp/\w+)=(\w+)", ttext))
            latch = props.pop("mrfp/latch", None)
            if entry["props"] and entry["props"] != props:
                entry["props"]["inconsistent"] = True
            entry["props"] = entry["props"] or props
            loc = re.search(r"Local \{\n(.*?)\}", ttext, re.S)
            rem = re.search(r"Remote \{\n(.*?)\}", ttext, re.S)
            l, r = sdp_of(loc.group(1)) if loc else None, sdp_of(rem.group(1)) if rem else None
            entry["terms"][tid] = {
                "mode": mode.group(1) if mode else None, "latch": latch,
                "local_addr": l[0] if l else None, "port": l[1] if l else None,
                "remote": (r[0], r[1]) if r else None,
                "codec": (r[2], r[3]) if r else None, "local_codec": (l[2], l[3]) if l else None}
    return v


def audit(m, ctx, term, what):
    return m.transact("C=%s{AV=%s%s}" % (ctx, term, "" if what is None else "{AT{%s}}" % what)) or ""


def has(reply, *words):
    return all(re.search(r"\b%s\b" % w, reply) for w in words)


def none_of(reply, *words):
    return not any(re.search(r"\b%s\b" % w, reply) for w in words)


def build(d, secrets):
    """Two conferences with legs of every kind; the view this MGC keeps of them."""
    v = View()
    mix_props = {"mrfp/media": "mix", "mrfp/keys": "group", "mrfp/roles": "static",
                 "mrfp/ptime": "20", "mrfp/speakers": "2", "mrfp/rekey": "join",
                 "mrfp/rekeywin": "800", "mrfp/keyage": "0"}
    sw_props = {"mrfp/media": "switch", "mrfp/keys": "bilateral", "mrfp/select": "speaker"}
    legs = [  # (conference, mode, participant, port, payload type, latch)
        ("mix", "SR", "10.0.0.2", 5000, 0, None),
        ("mix", "SO", "10.0.0.3", 5002, 8, "strict"),
        ("mix", "RC", "10.0.0.4", 5004, 0, "off"),
        ("sw", "SR", "10.0.0.5", 6000, 8, None),
        ("sw", "IN", "10.0.0.6", 6002, 8, "strict"),  # a switch's legs share one codec
        ("sw", "SO", "10.0.0.7", 6004, 8, None),
    ]
    ids = {}
    for conf, mode, addr, port, pt, latch in legs:
        first = conf not in ids
        props = ""
        if first:
            props = ("mrfp/media = mix, mrfp/keys = group, mrfp/speakers = 2, mrfp/rekey = join, "
                     "mrfp/rekeywin = 800" if conf == "mix" else
                     "mrfp/media = switch, mrfp/keys = bilateral, mrfp/select = speaker")
        r, ctx, tid, lport = add(d, secrets, "$" if first else ids[conf], mode, addr, port, pt,
                                 props, latch)
        if not check(ctx is not None, "Add %s leg %s %s:%d %s (%s)"
                     % (conf, MODES[mode], addr, port, CODECS[pt], code(r))):
            return None
        ids[conf] = ctx
        e = v.ctx.setdefault(ctx, {"props": mix_props if conf == "mix" else sw_props,
                                   "terms": {}})
        e["terms"][tid] = {"mode": MODES[mode], "latch": latch or "on", "local_addr": "10.0.0.1",
                           "port": lport, "remote": (addr, port), "codec": (pt, CODECS[pt]),
                           "local_codec": (pt, CODECS[pt])}
    # Changes after the Adds: the view must follow them
    mctx, sctx = ids["mix"], ids["sw"]
    t1 = sorted(v.ctx[mctx]["terms"])[0]
    r = d.transact("C=%s{MF=%s{M{ST=1{O{MO=RC}}}}}" % (mctx, t1))
    check(code(r) is None, "Modify a mix leg to ReceiveOnly")
    v.leg(mctx, t1)["mode"] = "ReceiveOnly"
    t4 = sorted(v.ctx[sctx]["terms"])[0]
    k = fresh()
    secrets.add(k)
    r = d.transact("C=%s{MF=%s{M{ST=1{O{MO=SO,mrfp/latch=strict},R{\n%s}}}}}"
                   % (sctx, t4, remote_sdp("10.0.0.15", 7000, 8, k)))
    check(code(r) is None, "Modify a switch leg: SendOnly, strict latching, new participant address")
    v.leg(sctx, t4).update(mode="SendOnly", latch="strict", remote=("10.0.0.15", 7000))
    return v


def rebuild(m, kept, secrets):
    """A restarted MGC: its view from audits alone equals the one kept from the Adds."""
    r = m.transact("Context = * { AuditValue = * { Audit { Media } } }")
    check(r is not None and code(r) is None, "Context = * { AuditValue = * { Audit { Media } } } "
          "answered (%s)" % code(r))
    got = view_from_audit(r or "")
    check(sorted(got.ctx) == sorted(kept.ctx), "every context, none more: %s (want %s)"
          % (sorted(got.ctx), sorted(kept.ctx)))
    ctx_ids = [int(c) for c, _ in blocks(r or "", "Context")]
    check(ctx_ids == sorted(ctx_ids), "one Context = N block per context, ids ascending")
    for ctx, e in kept.ctx.items():
        g = got.ctx.get(ctx, {"props": {}, "terms": {}})
        check(sorted(g["terms"]) == sorted(e["terms"]), "context %s: every termination, none "
              "more: %s" % (ctx, sorted(g["terms"])))
        check(g["props"] == e["props"], "context %s: the conference's mrfp properties %s"
              % (ctx, g["props"]))
        for tid, want in e["terms"].items():
            have = g["terms"].get(tid)
            check(have == want, "context %s %s rebuilt: %s (want %s)" % (ctx, tid, have, want))
    check_no_keys(r, secrets, "the full audit")
    return got


def check_no_keys(reply, secrets, what):
    leaked = [s for s in secrets if s[:24] in (reply or "")]
    check(not KEYISH.search(reply or "") and not leaked,
          "%s carries no key material (no a=crypto, inline:, base64 key)" % what)


def descriptors(m, kept, secrets):
    """Each Audit descriptor returns what it asked for and nothing more."""
    ctx = sorted(kept.ctx)[0]
    tid = sorted(kept.ctx[ctx]["terms"])[1]
    cases = [
        ("Media", ("Media", "LocalControl", "Local", "Remote", "Mode"), ("Statistics", "Packages")),
        ("Statistics", ("Statistics", "nt/os", "nt/dur", "rtp/pr", "rtp/jit"),
         ("Media", "Packages")),
        ("Packages", ("Packages", "nt-1", "rtp-1", "mrfp-1"), ("Media", "Statistics", "it-1")),
        ("", (), ("Media", "Statistics", "Packages")),
        ("Media{Stream=1{Remote}}", ("Media", "Remote"), ("LocalControl", "Local", "Statistics")),
        ("Media{Stream=1{LocalControl}}", ("LocalControl", "Mode", "mrfp/latch", "mrfp/media"),
         ("Local", "Remote", "Statistics")),
        ("Media,Statistics", ("Media", "Local", "Remote", "Statistics"), ("Packages",)),
        ("Events,Signals", (), ("Media", "Statistics", "Packages")),
    ]
    for what, want, not_want in cases:
        r = audit(m, ctx, tid, what)
        check(code(r) is None and has(r, "AuditValue", *want) and none_of(r, *not_want),
              "Audit { %s }: %s and nothing more" % (what, ", ".join(want) or "the id only"))
        check_no_keys(r, secrets, "Audit { %s }" % what)
    r = audit(m, ctx, tid, "")
    check(re.search(r"AuditValue = %s\s*\}" % tid, r) is not None,
          "Audit { } names the termination only")
    r = audit(m, ctx, tid, None)
    check(code(r) is None and has(r, "Mode", "Statistics") and none_of(r, "Local", "Remote"),
          "no Audit descriptor (lenient): the leg's Mode and Statistics, as before")
    r = audit(m, "-", "ROOT", "Packages")
    check(code(r) is None and has(r, "nt-1", "rtp-1", "it-1", "mrfp-1"),
          "ROOT's Packages: nt-1, rtp-1, it-1, mrfp-1")
    r = audit(m, "-", "ROOT", "Media,Statistics")
    check(code(r) is None and none_of(r, "Media", "Statistics", "Local", "Remote"),
          "ROOT: nothing termination-like")
    r = audit(m, "-", "ROOT", None)
    check(has(r, "mrfp-1", "it-1"), "ROOT without an Audit descriptor: its Packages")
    r = m.transact("C=-{AC=ROOT{AT{PG}}}") or ""
    check(code(r) is None and "AuditCapability = ROOT" in (r or "") and
          has(r, "nt-1", "rtp-1", "it-1", "mrfp-1"), "AuditCapability of ROOT: its Packages")
    r = audit(m, ctx, "*", "")
    ids = re.findall(r"AuditValue = (rtp/\d+)", r)
    check(sorted(ids) == sorted(kept.ctx[ctx]["terms"]) and none_of(r, "Media"),
          "Context = N { AuditValue = * { Audit { } } }: that context's termination ids")
    r = audit(m, ctx, "rtp/*", "Media")
    check(sorted(re.findall(r"AuditValue = (rtp/\d+)", r)) == sorted(kept.ctx[ctx]["terms"]),
          "AuditValue = rtp/* : every leg of the context")
    other = sorted(kept.ctx)[1]
    otid = sorted(kept.ctx[other]["terms"])[0]
    r = audit(m, "*", otid, "Media")
    check([c for c, _ in blocks(r, "Context")] == [other]
          and re.findall(r"AuditValue = (rtp/\d+)", r) == [otid],
          "Context = * { AuditValue = rtp/n }: the one context that holds it")
    r = m.transact("C=*{AV=*{AT{Statistics}},AV=ROOT{AT{Packages}}}") or ""
    ctxs = [c for c, _ in blocks(r, "Context")]
    check(code(r) is None and ctxs == ["-"] + sorted(kept.ctx, key=int)
          and r.count("Statistics") == sum(len(e["terms"]) for e in kept.ctx.values()),
          "several commands in Context = *: ROOT in Context = -, every leg's Statistics")


def errors(m, kept):
    ctx = sorted(kept.ctx)[0]
    cases = [
        ("unknown termination", "C=%s{AV=rtp/9999{AT{Media}}}" % ctx, 430),
        ("a termination of another context", "C=%s{AV=%s{AT{Media}}}"
         % (ctx, sorted(kept.ctx[sorted(kept.ctx)[1]]["terms"])[0]), 430),
        ("unknown termination in Context = *", "C=*{AV=rtp/9999{AT{Media}}}", 430),
        ("unknown context", "C=99999{AV=*{AT{Media}}}", 411),
        ("unknown audit descriptor", "C=%s{AV=*{AT{Topology}}}" % ctx, 444),
        ("unknown audit item", "C=%s{AV=*{AT{mrfp/latch}}}" % ctx, 444),
        ("unknown audit descriptor in Context = *", "C=*{AV=*{AT{Topology}}}", 444),
        ("the null context holds no leg", "C=-{AV=*{AT{Media}}}", 431),
        ("a wildcard of another kind of termination", "C=%s{AV=tdm/*{AT{}}}" % ctx, 431),
        ("CHOOSE", "C=%s{AV=${AT{}}}" % ctx, 410),
        ("Modify in Context = *", "C=*{MF=*{M{O{MO=SO}}}}", 501),
    ]
    for what, body, want in cases:
        r = m.transact(body)
        check(code(r) == want, "%s: %s (want %d)" % (what, code(r), want))


def big_audit(d, secrets):
    """A Context = * audit larger than one datagram is answered: whole blocks, then 500."""
    ctx = None
    for i in range(90):
        _, c, _, _ = add(d, secrets, ctx or "$", "SR", "10.0.1.%d" % (i + 1), 8000 + 2 * i, 0,
                         "mrfp/keys = bilateral" if ctx is None else "")
        ctx = ctx or c
        if c is None:
            check(False, "Add leg %d of the large conference" % i)
            return
    r = d.transact("C=*{AV=*{AT{Media,Statistics}}}")
    check(r is not None, "a Context = * audit over the datagram size is answered")
    if r is not None:
        check(len(r) <= 65507 and (code(r) in (None, 500)),
              "within one datagram (%d bytes), complete or ending in Error 500 (%s)"
              % (len(r), code(r)))
        check_no_keys(r, secrets, "the large audit")
    r = d.transact("C=%s{AV=*{AT{}}}" % ctx) or ""
    check(len(re.findall(r"AuditValue = rtp/", r)) == 90, "Audit { } of its 90 legs fits")
    check(d.legs_in(d.tid + 1, ctx) == 90, "and they go")
    d.tid += 1


def main():
    if os.geteuid() != 0:
        print("mp_audit: needs root for DPDK")
        return 77
    d = Mrfpd(sys.argv[1], MGC_PORT, MG_PORT, name="audit", output="all")
    secrets = set()
    m = None
    try:
        d.start()
        d.register(30)
        kept = build(d, secrets)
        if kept is None:
            return check.summary()
        # The MRFC restarts: a new socket, new transaction ids, no memory of the Adds
        d.sock.close()
        m = Mgc(MGC_PORT, MG_PORT, tid=7000)
        got = rebuild(m, kept, secrets)
        descriptors(m, kept, secrets)
        errors(m, kept)
        if not check(len(got.ctx) == 2, "the rebuilt view has both conferences"):
            return check.summary()
        # The rebuilt view is usable: rekey a leg it found (the keys are lost) and remove all
        ctx = sorted(got.ctx)[1]
        tid = sorted(got.ctx[ctx]["terms"])[0]
        r = m.transact("C=%s{MF=%s{M{ST=1{L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
                       "a=crypto:1 %s inline:$\n}}}}}" % (ctx, tid, SUITE)) or ""
        check(code(r) is None and re.search(r"inline:[A-Za-z0-9+/]{40}", r) is not None,
              "the new MGC rekeys a leg it learnt from the audit (Modify, Local inline:$)")
        for c in got.ctx:
            n = m.legs_in(m.tid + 1, c)
            m.tid += 1
            check(n == len(got.ctx[c]["terms"]), "the new MGC removes context %s (%d legs)" % (c, n))
        r = m.transact("C=*{AV=*{AT{Media}}}")
        check(code(r) == 431, "no context left: Context = * { AuditValue = * } is 431 (%s)" % code(r))
        d.sock, m.sock = m.sock, None  # the Mrfpd helper goes on with the new MGC's socket
        d.tid = m.tid
        big_audit(d, secrets)
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        out = d.stop(15)
        d.close()
    check(not any(s[:24] in out for s in secrets), "no key in mrfpd's output")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
