#!/usr/bin/python3
"""H.248 version negotiation, TransactionResponseAck and ServiceChange ordering against a
running mrfpd.

- mrfpd registers in MEGACO/1 offering ServiceChangeVersion 3 (the highest it implements);
  the MGC answers 2: every transaction mrfpd originates from then on is MEGACO/2, its replies
  follow the request's version, and a message in a version mrfpd does not implement (9) is
  answered with 406 instead of silence.
- A reply of the MGC that carries ImmAckRequired is acknowledged (TransactionResponseAck).
- A failed `Context = $` action answers `Context = -`, never a context id that was not made.
- While its ServiceChange is unanswered mrfpd sends nothing else: a leg's inactivity Notify
  raised meanwhile waits, and goes (in the negotiated version) once the MGC answered.
Usage: mp_versions.py MRFPD  (root: DPDK; loopback only)"""
import os, re, socket, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, code, key  # noqa: E402

check = Checks()


def header_version(text):
    m = re.match(r"\s*(?:MEGACO|!)/(\d+)", text or "")
    return int(m.group(1)) if m else None


def run_ordering(d):
    """ServiceChange unanswered: a Notify raised meanwhile waits for the answer."""
    text, addr = d.recv(30)
    check("ServiceChange" in text and header_version(text) == 1 and
          re.search(r"\bVersion\s*=\s*3\b", text) is not None,
          "registration in MEGACO/1 offering ServiceChangeVersion 3")
    r = d.ask(d.add_msg(20, "$", key(), props="mrfp/keys = bilateral"))
    check(code(r) is None, "a leg added before the registration is answered")
    early = d.datagrams(2.5)
    notifies = [t for t, _ in early if "Notify" in t]
    check(not notifies, "no Notify while the ServiceChange is unanswered (%d seen)" % len(notifies))
    check(any("ServiceChange" in t for t, _ in early), "the ServiceChange is retransmitted meanwhile")
    m = re.search(r"Transaction = (\d+)", text)
    d.sock.sendto(("MEGACO/2 [127.0.0.1]:%d\nReply = %s { Context = - { ServiceChange = ROOT { "
                   "Services { Version = 2 } } } }\n" % (d.mgc_port, m.group(1))).encode(), addr)
    later = d.datagrams(3.0)
    notes = [t for t, _ in later if "Notify" in t and "mrfp/inact" in t]
    check(bool(notes), "the held inactivity Notify goes once the ServiceChange is answered")
    check(bool(notes) and header_version(notes[0]) == 2,
          "it goes in the negotiated version 2 (got %s)" % (header_version(notes[0]) if notes else None))
    # ImmAckRequired on our reply: mrfpd acknowledges
    if notes:
        tid = re.search(r"Transaction = (\d+)", notes[0]).group(1)
        ctx = re.search(r"Context = (\d+)", notes[0]).group(1)
        term = re.search(r"Notify = (\S+)", notes[0]).group(1)
        d.sock.sendto(("MEGACO/2 [127.0.0.1]:%d\nReply = %s { ImmAckRequired, Context = %s { "
                       "Notify = %s } }\n" % (d.mgc_port, tid, ctx, term)).encode(), addr)
        acks = [t for t, _ in d.datagrams(1.5) if re.search(r"TransactionResponseAck\s*\{\s*%s\s*\}" % tid, t)]
        check(bool(acks), "a reply with ImmAckRequired is acknowledged (TransactionResponseAck %s)" % tid)
        check(bool(acks) and header_version(acks[0]) == 2, "the acknowledgement is MEGACO/2")
    # replies follow the request's version; an unknown version gets 406
    for v in (1, 2, 3):
        r = d.ask("MEGACO/%d [127.0.0.1]:%d\nT=%d{C=-{AV=ROOT}}" % (v, d.mgc_port, 30 + v))
        check(r is not None and header_version(r) == v and code(r) is None,
              "a MEGACO/%d request is answered in MEGACO/%d" % (v, v))
    d.sock.sendto(("MEGACO/9 [127.0.0.1]:%d\nT=39{C=-{AV=ROOT}}" % d.mgc_port).encode(), d.mg)
    ans = [t for t, _ in d.datagrams(1.5) if "Error" in t]
    check(bool(ans) and "406" in ans[0], "a MEGACO/9 message is answered with error 406")
    check(bool(ans) and header_version(ans[0]) == 2, "in the negotiated version")


def run_failed_choose(d):
    """A failed Context = $ names no context: Context = -, never an id that was not made."""
    for tid, msg, what in ((40, d.add_msg(40, "$", key(), crypto=False), "no a=crypto"),
                           (41, d.add_msg(41, "$", key(), props="mrfp/keys = zz"), "a bad property")):
        r = d.ask(msg)
        check(code(r) is not None and re.search(r"Context = -", r or "") is not None and
              re.search(r"Context = \d", r or "") is None,
              "a failed Context = $ Add (%s) answers Context = -" % what)


def main():
    d = Mrfpd(sys.argv[1], 39490, 39491, name="versions", extra=["--leg-inactivity", "1000"])
    try:
        d.start()
        run_ordering(d)
        run_failed_choose(d)
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        d.stop()
        d.close()
    print("%d checks, %d failed" % (check.count, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
