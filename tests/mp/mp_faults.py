#!/usr/bin/python3
"""Mp faults against a running mrfpd (H.248.1 over UDP on loopback): duplicated and reordered
transactions executed at most once, truncated and oversized messages, unknown packages,
properties and commands, commands on unknown contexts and terminations, each answered with its
H.248.8 error code and leaving nothing half-done (checked by AuditValue and by what the next
commands see); an MGC that goes silent and returns finds its legs (audit resync); mrfpd
restarted under a running MGC registers again (ServiceChange Restart) and knows no old context.
Usage: mp_faults.py MRFPD  (runs mrfpd on a net_null port; bounded; loopback only)"""
import base64, os, re, socket, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, code, key  # noqa: E402

check = Checks()


def duplicates_and_reorder(d):
    ctx, t1 = d.new_leg(200)
    check(ctx is not None, "Add creates a context and a leg")
    if ctx is None:
        return
    a201, a202 = d.add_msg(201, ctx, key(), port=5002), d.add_msg(202, ctx, key(), port=5004)
    r202 = d.ask(a202)
    r201 = d.ask(a201)  # an older transaction arriving after a newer one: executed
    r202b = d.ask(a202)  # the newer one again: from the cache
    r201b = d.ask(a201)
    r200b = d.ask(d.add_msg(200, "$", key()))  # the very first one again, with a different body
    check(code(r202) is None and code(r201) is None, "reordered transactions both executed")
    check(r202b == r202 and r201b == r201, "their duplicates answered from the reply cache, identical")
    check(r200b is not None and ("Context = %s" % ctx) in r200b and ("Add = %s" % t1) in r200b,
          "a TransactionId seen before is never executed again, whatever it now says")
    check(d.legs_in(203, ctx) == 3, "three legs in the context, not five: each Add ran once")


def truncated(d):
    ctx, _ = d.new_leg(300)
    full = d.add_msg(301, "$", key(), port=5006)
    answered, silent, bad = 0, 0, []
    for cut in (10, 30, 60, 100, 140, 200, 260, 330, len(full) - 2):
        r = d.ask(full[:cut], timeout=1)
        if r is None:
            silent += 1
        elif code(r) is None or "Add = rtp" in r:
            bad.append(cut)
        else:
            answered += 1
    check(not bad, "every truncated Add is refused with an H.248 error (cuts %s created a leg)" % bad)
    check(answered >= 6, "truncations after the header are answered with an error (%d of 9)" % answered)
    nxt = str(int(ctx) + 1)
    r = d.ask(d.hdr() + "T=302{C=%s{AV=rtp/1}}" % nxt)
    check(code(r) == 411, "no context was created by a truncated Add (AuditValue: 411)")
    ctx2, _ = d.new_leg(303, port=5008)
    check(ctx2 == nxt, "the next Add gets the next context id: no id was consumed")
    d.legs_in(304, ctx)
    d.legs_in(305, ctx2)


def oversized(d):
    # An SDP beyond what a descriptor may carry (8 KB) and a message of ~60 KB.
    big_sdp = d.add_msg(400, "$", key()).replace("m=audio 5000", "a=x:" + "y" * 9000 + "\nm=audio 5000")
    r = d.ask(big_sdp)
    check(code(r) == 510 and "Add = rtp" not in r, "an oversized session description: 510")
    many = d.hdr() + "T=401{" + ",".join("C=-{AV=ROOT}" for _ in range(5000)) + "}"
    r = d.ask(many)
    check(r is not None and code(r) in (400, 403, 510), "a 60 KB message beyond the decoder's limits: "
          "error %s (400/403/510)" % code(r))
    r = d.ask(d.hdr() + "T=402{C=-{AV=ROOT}}")
    check(r is not None and "Packages" in r, "mrfpd still serves after them")


def unknown_things(d):
    base = d.add_msg(500, "$", key())
    cases = [
        ("unknown package", base.replace("mrfp/keys = group", "xyz/gain = 2"), (440,)),
        ("unknown property of mrfp", base.replace("mrfp/keys = group", "mrfp/colour = blue"), (445, 450)),
        ("bad property value", base.replace("mrfp/keys = group", "mrfp/keys = quantum"), (449,)),
        ("bad mode", base.replace("Mode = SendReceive", "Mode = Loopback"), (517,)),
        ("no a=crypto in Remote", d.add_msg(504, "$", key()).replace("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:", "a=x:"),
         (441, 449)),
        ("unknown command", d.hdr() + "T=505{C=-{Frobnicate=ROOT}}", (443, 442)),
        ("unknown descriptor", d.hdr() + "T=506{C=$ {A=${Bogus{}}}}", (444, 442)),
    ]
    for i, (what, msg, want) in enumerate(cases):
        msg = re.sub(r"Transaction = \d+", "Transaction = %d" % (510 + i), msg, count=1)
        r = d.ask(msg)
        check(code(r) in want and "Add = rtp" not in (r or ""),
              "%s: H.248 error %s (want %s)" % (what, code(r), "/".join(map(str, want))))
    ctx, _ = d.new_leg(520)
    check(ctx is not None, "after the refusals an Add still works")
    # Nothing half-created: the refused Adds took no context id (the next one is ctx)
    r = d.ask(d.hdr() + "T=521{C=%d{AV=rtp/1}}" % (int(ctx) + 1)) if ctx else None
    check(code(r) == 411, "the refused Adds left no context behind (AuditValue: 411)")
    if ctx:
        d.legs_in(522, ctx)


def unknown_ids(d):
    ctx, term = d.new_leg(600)
    if ctx is None:
        check(False, "Add for the unknown-id checks")
        return
    n = int(term.split("/")[1])
    cases = [
        ("Modify in an unknown context", "T=601{C=999999{MF=%s{M{O{MO=SO}}}}}" % term, 411),
        ("Modify of an unknown termination", "T=602{C=%s{MF=rtp/%d{M{O{MO=SO}}}}}" % (ctx, n + 500), 430),
        ("Subtract of an unknown termination", "T=603{C=%s{S=rtp/%d}}" % (ctx, n + 500), 430),
        ("AuditValue of an unknown termination", "T=604{C=%s{AV=rtp/%d}}" % (ctx, n + 500), 430),
        ("Move of an unknown termination", "T=605{C=%s{MV=rtp/%d}}" % (ctx, n + 500), 430),
        ("a termination in another context", "T=606{C=-{AV=%s}}" % term, 430),
        ("a bad context id", "T=607{C=0{AV=%s}}" % term, 410),
    ]
    for what, msg, want in cases:
        r = d.ask(d.hdr() + msg)
        check(code(r) == want, "%s: %s (want %d)" % (what, code(r), want))
    # A transaction whose second command fails: the first one has run (H.248.1 7.1), the
    # rest not; the context is consistent either way.
    r = d.ask(d.hdr() + "T=610{C=%s{MF=%s{M{O{MO=SO}}},MF=rtp/%d{M{O{MO=RC}}},MF=%s{M{O{MO=IN}}}}}"
              % (ctx, term, n + 500, term))
    check(code(r) == 430, "a failed command stops its transaction (430)")
    r = d.ask(d.hdr() + "T=611{C=%s{AV=%s}}" % (ctx, term))
    check(r is not None and "SendOnly" in r, "AuditValue: the command before it ran, the one after not")
    # A failed Modify changes nothing: new Remote (AES-256) with a Local key of another suite
    k256 = base64.b64encode(os.urandom(46)).decode()  # AES-256 key || salt
    bad = (d.hdr() + "T=612{C=%s{MF=%s{M{ST=1{O{MO=RC},L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
           "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\n},R{\nv=0\nc=IN IP4 10.0.0.9\n"
           "m=audio 6000 RTP/SAVP 8\na=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:%s\n}}}}}}"
           % (ctx, term, key(), k256))
    r = d.ask(bad)
    check(code(r) == 449, "Modify with a Local key of another suite than its Remote: 449")
    r = d.ask(d.hdr() + "T=613{C=%s{AV=%s}}" % (ctx, term))
    check(r is not None and "SendOnly" in r, "the failed Modify left the mode as it was")
    rk = d.ask(d.hdr() + "T=614{C=%s{MF=%s{M{ST=1{L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
               "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n}}}}}}" % (ctx, term))
    check(rk is not None and code(rk) is None and "AES_CM_128_HMAC_SHA1_80 inline:" in rk
          and re.search(r"m=audio \d+ RTP/SAVP 0\s", rk) is not None,
          "a rekey afterwards still uses the leg's suite and codec (nothing of the failed Remote)")
    d.legs_in(615, ctx)


def mgc_returns(d):
    """The MGC falls silent (mgc-timeout 1 s): inactivity Notify, lost, Disconnected; it
    answers again and audits its legs, which are all still there."""
    ctx, term = d.new_leg(700)
    got_disc = None
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            text, addr = d.recv(max(0.1, deadline - time.time()))
        except socket.timeout:
            break
        if "ServiceChange" in text and "Disconnected" in text:
            got_disc = (text, addr)
            break
    check(got_disc is not None, "a silent MGC is lost: ServiceChange Disconnected")
    if got_disc is None:
        return
    d.answer_sc(*got_disc)
    time.sleep(0.3)
    r = d.ask(d.hdr() + "T=701{C=%s{AV=%s}}" % (ctx, term))
    check(r is not None and code(r) is None and "SendReceive" in r,
          "the returning MGC's audit finds the leg made before the loss")
    check(d.legs_in(702, ctx) == 1, "and it can remove it")


def lost_and_restart(binary, mgc_port, mg_port):
    """An MGC that goes silent and returns, then mrfpd stopped and started again under it."""
    d = Mrfpd(binary, mgc_port, mg_port, extra=["--mgc-timeout", "1000"], name="faults")
    try:
        d.start()
        sc = d.register()
        check("Restart" in sc and "901" in sc, "first start: ServiceChange Restart 901")
        mgc_returns(d)
        ctx, term = d.new_leg(800)
        check(ctx is not None, "a leg before the restart")
        d.stop()
        d.start()
        sc2 = d.register()
        check("ServiceChange" in sc2 and "Restart" in sc2 and "901" in sc2,
              "restarted: ServiceChange Restart 901 again to the same MGC")
        r = d.ask(d.hdr() + "T=801{C=%s{AV=%s}}" % (ctx, term))
        check(code(r) == 411, "the old context is unknown after the restart (411)")
        r = d.ask(d.add_msg(800, "$", key()))
        check(r is not None and code(r) is None and "Add = rtp" in r,
              "a TransactionId of the old process is a new transaction for the new one")
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        d.stop()
        d.sock.close()
    return d.out


def main():
    if os.geteuid() != 0:
        print("mp_faults: needs root for DPDK")
        return 77
    binary = sys.argv[1]
    base = 37000 + os.getpid() % 2000
    d = Mrfpd(binary, base, base + 2000, name="faults")
    out = d.run(check, (duplicates_and_reorder, truncated, oversized, unknown_things, unknown_ids))
    check(d.proc is None and "AddressSanitizer" not in out, "mrfpd ran to a clean stop")
    out += lost_and_restart(binary, base + 1, base + 2001)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
