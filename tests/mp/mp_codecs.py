#!/usr/bin/python3
"""The codec of a mixed leg over Mp, against a running mrfpd.

- mrfpd answers an offer with the first format it can decode and encode, in the offerer's
  order: its Local names that one payload type, with its rtpmap and (AMR) the fmtp it sends
  with: octet-align and the offer's mode-set.
- What it cannot do is refused whole with 449 and a reason, and nothing is created: EVS
  (no open codec), AMR interleaving, nothing supported.
- A Modify re-codes a mixed leg when its Remote no longer offers the leg's codec, and says so
  in Local; a switch leg's codec cannot change (501), and a switch conference's newcomer gets
  its codec or a 449 (payloads are forwarded untouched).
- mrfp/mixrate takes 8000, 16000 or 48000 only; an audit names each leg's codec.
Usage: mp_codecs.py MRFPD  (root: DPDK; loopback only)"""
import os, re, socket, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import SUITE, Mrfpd, added, code, key  # noqa: E402

check = Checks()


def add_codec(d, tid, ctx, pts, attrs, rkey, props="mrfp/media = mix, mrfp/keys = bilateral",
              port=5000):
    """Add = $ whose Remote offers pts (m= line) with attrs (a= lines, "\\n"-joined)."""
    return d.ask(d.hdr() + "Transaction = %d { Context = %s { Add = $ { Media { Stream = 1 { "
                 "LocalControl { Mode = SendReceive, %s }, Local {\nv=0\nc=IN IP4 $\n"
                 "m=audio $ RTP/SAVP %s\na=crypto:1 %s inline:$\n}, Remote {\nv=0\n"
                 "c=IN IP4 10.0.0.2\nm=audio %d RTP/SAVP %s\n%sa=crypto:1 %s inline:%s\n} } } } } }\n"
                 % (tid, ctx, props, pts, SUITE, port, pts, attrs, SUITE, rkey))


def modify_codec(d, tid, ctx, term, pts, attrs, rkey, port=5000):
    return d.ask(d.hdr() + "Transaction = %d { Context = %s { Modify = %s { Media { Stream = 1 { "
                 "Remote {\nv=0\nc=IN IP4 10.0.0.2\nm=audio %d RTP/SAVP %s\n%sa=crypto:1 %s "
                 "inline:%s\n} } } } } }\n" % (tid, ctx, term, port, pts, attrs, SUITE, rkey))


def local_of(reply):
    m = re.search(r"Local\s*\{(.*?)\}", reply or "", re.S)
    return m.group(1) if m else ""


AMRWB = "a=rtpmap:98 AMR-WB/16000\na=fmtp:98 mode-set=0,1,2; octet-align=1\n"


def run_choices(d):
    k = key()
    r = add_codec(d, 10, "$", "98 0", AMRWB, k)
    ctx, term = added(r)
    loc = local_of(r)
    check(code(r) is None and term is not None, "an AMR-WB offer is taken (%s)" % code(r))
    check(re.search(r"m=audio \d+ RTP/SAVP 98\s", loc) is not None,
          "Local names the one payload type chosen, 98")
    check("a=rtpmap:98 AMR-WB/16000" in loc, "with its rtpmap")
    check("a=fmtp:98 octet-align=1;mode-set=0,1,2" in loc,
          "and the fmtp mrfpd sends with: octet-aligned, the offer's mode-set")
    check("PCMU" not in loc and "RTP/SAVP 98 0" not in loc, "and nothing else")

    # a Modify that keeps the codec is answered; one that changes it is refused
    r2 = modify_codec(d, 11, ctx, term, "98", AMRWB, k)
    check(code(r2) is None, "a Modify offering the leg's codec again is answered (%s)" % code(r2))
    r4 = d.ask(d.hdr() + "T=13{C=%s{AV=%s{AT{M}}}}" % (ctx, term))
    check("AMR-WB/16000" in (r4 or ""), "an audit of the leg names its codec")
    r3 = modify_codec(d, 12, ctx, term, "8", "", k)
    check(code(r3) is None and re.search(r"m=audio \d+ RTP/SAVP 8\s", local_of(r3)) is not None,
          "a Modify offering PCMA only re-codes the leg, and its Local says PCMA (%s)" % code(r3))
    r5 = d.ask(d.hdr() + "T=16{C=%s{AV=%s{AT{M}}}}" % (ctx, term))
    check("PCMA/8000" in (r5 or "") and "AMR-WB" not in (r5 or ""),
          "an audit names the new codec")

    r = add_codec(d, 14, ctx, "111", "a=rtpmap:111 opus/48000/2\n", key(), port=5002)
    loc = local_of(r)
    check(code(r) is None and "a=rtpmap:111 opus/48000/2" in loc,
          "an Opus leg joins the same conference (another cohort) (%s)" % code(r))

    r = add_codec(d, 15, "$", "96 8", "a=rtpmap:96 EVS/16000\n", key(), port=5004)
    check(code(r) is None and re.search(r"m=audio \d+ RTP/SAVP 8\s", local_of(r)) is not None,
          "EVS first, PCMA second: PCMA is taken (%s)" % code(r))


def run_dtmf(d):
    """telephone-event answered beside the codec; the dd package's events armed and audited."""
    r = add_codec(d, 30, "$", "0 101", "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n",
                  key(), port=5040)
    ctx, term = added(r)
    loc = local_of(r)
    check(code(r) is None and re.search(r"m=audio \d+ RTP/SAVP 0 101\s", loc) is not None,
          "PCMU with telephone-event: Local names both (%s)" % code(r))
    check("a=rtpmap:101 telephone-event/8000" in loc and "a=fmtp:101 0-15" in loc,
          "telephone-event's rtpmap, and the events mrfpd reports: the digits 0-15")
    r = d.ask(d.hdr() + "T=31{C=%s{MF=%s{E=7{dd/*}}}}" % (ctx, term))
    check(code(r) is None, "Events dd/* is armed on the leg (%s)" % code(r))
    r = d.ask(d.hdr() + "T=32{C=%s{AV=%s{AT{E}}}}" % (ctx, term))
    check(r is not None and "dd/d5" in r and "dd/ds" in r and "dd/do" in r,
          "an audit of its Events names the dd digits")
    r = d.ask(d.hdr() + "T=33{C=%s{MF=%s{E=8{dd/dx}}}}" % (ctx, term))
    check(code(r) == 451, "dd/dx, no such event, is refused with 451 (%s)" % code(r))
    r = d.ask(d.hdr() + "T=34{C=%s{AV=%s{AT{Packages}}}}" % (ctx, term))
    check(r is not None and "dd-1" in r, "the leg's Packages list dd")


def run_switch_codec(d):
    """A switch forwards payloads as they are: its legs' codec cannot change by Modify."""
    k = key()
    r = add_codec(d, 40, "$", "0", "", k, props="mrfp/media = switch, mrfp/keys = bilateral",
                  port=5050)
    ctx, term = added(r)
    r = modify_codec(d, 41, ctx, term, "8", "", k, port=5050)
    check(code(r) == 501, "a switch leg's codec change is refused with 501 (%s)" % code(r))
    r = add_codec(d, 42, ctx, "8", "", key(), port=5052)
    check(code(r) == 449 and "switch" in (r or ""),
          "a newcomer offering another codec than the switch's is refused with 449 (%s)" % code(r))
    r = add_codec(d, 43, ctx, "8 0", "", key(), port=5054)
    check(code(r) is None and re.search(r"m=audio \d+ RTP/SAVP 0\s", local_of(r)) is not None,
          "one that also offers it gets the conference's codec, PCMU (%s)" % code(r))


def run_refusals(d):
    cases = (
        (20, "96", "a=rtpmap:96 EVS/16000\n", "EVS"),
        (21, "97", "a=rtpmap:97 AMR/8000\na=fmtp:97 octet-align=1; interleaving=4\n",
         "interleaving"),
        (22, "18 4", "", "no supported codec"),
    )
    for tid, pts, attrs, why in cases:
        r = add_codec(d, tid, "$", pts, attrs, key(), port=5010 + tid)
        check(code(r) == 449 and why in (r or ""),
              "an offer of %s is refused with 449 saying '%s' (%s)" % (pts, why, code(r)))
        check(re.search(r"Context = \d", r or "") is None, "and no context is made")
    r = add_codec(d, 25, "$", "0", "", key(), props="mrfp/media = mix, mrfp/mixrate = 22050")
    check(code(r) == 449, "mrfp/mixrate = 22050 is refused (%s)" % code(r))
    r = add_codec(d, 26, "$", "0", "", key(), props="mrfp/media = mix, mrfp/mixrate = 48000,"
                  " mrfp/keys = bilateral", port=5030)
    check(code(r) is None, "mrfp/mixrate = 48000 is taken (%s)" % code(r))
    r = add_codec(d, 28, "$", "111", "a=rtpmap:111 opus/48000/2\n", key(),
                  props="mrfp/media = mix, mrfp/opuscomplexity = 11")
    check(code(r) == 449, "mrfp/opuscomplexity = 11 is refused (%s)" % code(r))
    r = add_codec(d, 29, "$", "111", "a=rtpmap:111 opus/48000/2\n", key(),
                  props="mrfp/media = mix, mrfp/opuscomplexity = 0, mrfp/keys = bilateral",
                  port=5034)
    check(code(r) is None, "mrfp/opuscomplexity = 0 is taken (%s)" % code(r))
    # AMR at a 30 ms conference ptime: AMR frames are 20 ms
    r = add_codec(d, 27, "$", "97", "a=rtpmap:97 AMR/8000\n", key(),
                  props="mrfp/media = mix, mrfp/ptime = 30, mrfp/keys = bilateral", port=5032)
    check(code(r) == 449 and "20 ms" in (r or ""), "AMR in a 30 ms conference is refused (%s)"
          % code(r))


def main():
    d = Mrfpd(sys.argv[1], 39510, 39511, name="codecs")
    try:
        d.start()
        d.register()
        run_choices(d)
        run_dtmf(d)
        run_switch_codec(d)
        run_refusals(d)
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        d.stop()
        d.close()
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
