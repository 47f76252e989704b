#!/usr/bin/python3
"""Make-before-break key changes by MKI, end to end, with GStreamer participants.

Two subcommands; tests/e2e/rekey_gst.sh runs them inside the lab of tests/e2e/lab.sh.

  rekey_gst.py participant --name A --ip IP --port P --dst IP:PORT --freq HZ --ssrc N --wav F
      (peers namespace) One SRTP participant in one process, symmetric on IP:P (one UDP socket
      shared by udpsrc and udpsink): audiotestsrc ! mulawenc ! rtppcmupay ! srtpenc ! udpsink
      to mrfpd, and udpsrc ! srtpdec ! rtppcmudepay ! mulawdec ! wavenc ! filesink F.
      Keys arrive as one JSON line on stdin ({"tx": [[b64, mki], ...], "rx": [...], "tx_mki_len",
      "rx_mki_len"}), never on the command line. srtpenc starts with tx[0]; SIGUSR1 switches it
      to tx[1] (mki and key set together in the streaming thread, between two packets);
      SIGUSR2 switches it back to tx[0] (the retired key: the negative control). srtpdec is
      given every rx key at once on request-key (srtp-key/mki, srtp-key2/mki2: libsrtp2 picks the
      key by the MKI in each packet). The receiver starts at once ("ready PID" on stdout), the
      sender on SIGHUP (when every participant listens: no packet lost to a port not yet bound).
      SIGTERM: stop sending, drain 0.8 s, stop receiving, print
      one JSON summary line: packets sent per phase, packets that reached srtpdec per MKI, those
      it let through, sequence gaps and the longest silence between two packets.

  rekey_gst.py director --peers-ns NS --prefix P --dir D --freqs F0,F1
      (mrfpd's namespace) The MRFC (raw H.248 text from 127.0.0.1:2945, the lab's MGC address)
      and the clock of the call: adds A and B to a switch conference (bilateral keys, every key
      with an MKI), starts both participants, and drives make-before-break in both directions:
        1 Modify Remote {P1, P2} on both legs       mrfpd accepts each participant's next key
        2 SIGUSR1 to A and B                        the participants send with P2
        3 Modify Local {M2, M1} on both legs        mrfpd sends to each with M2
        4 Modify Remote {P2} Local {M2}             the old keys are retired
        5 SIGUSR2 to A and B                        negative control: P1 again, must be dropped
      It reads /mrfp/leg,ID over DPDK telemetry after each step (rx_keys/tx_keys, drops) and
      checks everything at the end. Keys: generated here (os.urandom), handed to mrfpd in the
      H.248 text and to the participants on a pipe; nothing printed holds one.
Exit: 0 pass, 1 fail."""
import argparse, base64, json, os, re, signal, socket, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import telemetry as tele  # noqa: E402
from mrfptest.checks import Checks, files_holding  # noqa: E402
from mrfptest.lab import director_args  # noqa: E402
from mrfptest.mp import SUITE, Mgc, code as err_code  # noqa: E402

TAG = 10                      # HMAC-SHA1-80
MEDIA_IP = "10.77.0.1"


# ------------------------------------------------------------------------------------------
# participant (GStreamer)

def participant(a):
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("Gio", "2.0")
    from gi.repository import GLib, Gio, Gst
    Gst.init(None)
    keys = json.loads(sys.stdin.readline())
    tx = [(base64.b64decode(k), m) for k, m in keys["tx"]]
    rx = [(base64.b64decode(k), m) for k, m in keys["rx"]]
    txl, rxl = keys["tx_mki_len"], keys["rx_mki_len"]
    keys = None

    def mki_buf(v, n):
        return Gst.Buffer.new_wrapped(v.to_bytes(n, "big"))

    sock = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.DATAGRAM, Gio.SocketProtocol.UDP)
    sock.bind(Gio.InetSocketAddress.new_from_string(a.ip, a.port), True)
    rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # mrfpd's RTCP lands here, unread
    rtcp.bind((a.ip, a.port + 1))
    dst_ip, dst_port = a.dst.rsplit(":", 1)

    send = Gst.parse_launch(
        "audiotestsrc is-live=true wave=sine freq=%d volume=0.5 samplesperbuffer=160 ! "
        "audio/x-raw,format=S16LE,rate=8000,channels=1 ! mulawenc ! "
        "rtppcmupay name=pay pt=0 ssrc=%d seqnum-offset=1000 timestamp-offset=0 "
        "min-ptime=20000000 max-ptime=20000000 ! enc.rtp_sink_0 "
        "srtpenc name=enc rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-80 "
        "rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80 enc.rtp_src_0 ! "
        "udpsink name=out sync=false async=false" % (a.freq, a.ssrc))
    enc = send.get_by_name("enc")
    enc.set_property("mki", mki_buf(tx[0][1], txl))
    enc.set_property("key", Gst.Buffer.new_wrapped(tx[0][0]))
    out = send.get_by_name("out")
    out.set_property("socket", sock)
    out.set_property("close-socket", False)
    out.set_property("host", dst_ip)
    out.set_property("port", int(dst_port))

    recv = Gst.parse_launch(
        "udpsrc name=in caps=\"application/x-srtp,media=(string)audio,clock-rate=(int)8000,"
        "encoding-name=(string)PCMU,payload=(int)0\" ! srtpdec name=dec ! "
        "rtppcmudepay ! mulawdec ! audioconvert ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! "
        "wavenc ! filesink location=%s" % a.wav)
    src = recv.get_by_name("in")
    src.set_property("socket", sock)
    src.set_property("close-socket", False)
    dec = recv.get_by_name("dec")

    def request_key(_dec, ssrc):
        s = Gst.Structure.new_empty("application/x-srtp")
        s.set_value("srtp-cipher", "aes-128-icm")
        s.set_value("srtp-auth", "hmac-sha1-80")
        s.set_value("srtcp-cipher", "aes-128-icm")
        s.set_value("srtcp-auth", "hmac-sha1-80")
        for i, (k, m) in enumerate(rx):
            sfx = "" if i == 0 else str(i + 1)
            s.set_value("srtp-key" + sfx, Gst.Buffer.new_wrapped(k))
            s.set_value("mki" + sfx, mki_buf(m, rxl))
        c = Gst.Caps.new_empty()
        c.append_structure(s)
        return c
    dec.connect("request-key", request_key)

    st = {"phase": 0, "want": 0, "sent": [0, 0, 0], "sent_mki": {}, "in_mki": {}, "out": 0,
          "seqs": [], "max_gap_ms": 0.0, "last_t": None, "bad": 0}

    def on_enc_sink(_pad, _info):          # streaming thread, before srtpenc protects
        if st["want"] != st["phase"]:
            k, m = tx[1] if st["want"] == 1 else tx[0]
            enc.set_property("mki", mki_buf(m, txl))
            enc.set_property("key", Gst.Buffer.new_wrapped(k))
            st["phase"] = st["want"]
        st["sent"][st["phase"]] += 1
        return Gst.PadProbeReturn.OK

    def on_enc_src(_pad, info):            # what went on the wire: the MKI of each packet
        b = info.get_buffer()
        n = b.get_size()
        m = int.from_bytes(b.extract_dup(n - TAG - txl, txl), "big")
        st["sent_mki"][m] = st["sent_mki"].get(m, 0) + 1
        return Gst.PadProbeReturn.OK

    def on_dec_sink(_pad, info):
        b = info.get_buffer()
        n = b.get_size()
        if n < 12 + TAG + rxl:
            st["bad"] += 1
            return Gst.PadProbeReturn.OK
        m = int.from_bytes(b.extract_dup(n - TAG - rxl, rxl), "big")
        st["in_mki"][m] = st["in_mki"].get(m, 0) + 1
        now = time.monotonic()
        if st["last_t"] is not None:
            st["max_gap_ms"] = max(st["max_gap_ms"], (now - st["last_t"]) * 1000)
        st["last_t"] = now
        return Gst.PadProbeReturn.OK

    def on_dec_src(_pad, info):
        b = info.get_buffer()
        st["out"] += 1
        st["seqs"].append(int.from_bytes(b.extract_dup(2, 2), "big"))
        return Gst.PadProbeReturn.OK

    enc_sink, enc_src = enc.get_static_pad("rtp_sink_0"), enc.get_static_pad("rtp_src_0")
    enc_sink.add_probe(Gst.PadProbeType.BUFFER, on_enc_sink)
    enc_src.add_probe(Gst.PadProbeType.BUFFER, on_enc_src)
    dec.get_static_pad("rtp_sink").add_probe(Gst.PadProbeType.BUFFER, on_dec_sink)
    dec.get_static_pad("rtp_src").add_probe(Gst.PadProbeType.BUFFER, on_dec_src)

    loop = GLib.MainLoop()
    errors = []

    def on_msg(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            e, dbg = msg.parse_error()
            errors.append("%s: %s" % (msg.src.get_name(), e.message))
            loop.quit()
        return True
    for p in (send, recv):
        bus = p.get_bus()
        bus.add_signal_watch()
        bus.connect("message", on_msg)

    def want(ph):
        st["want"] = ph
        return True

    def finish():
        send.set_state(Gst.State.NULL)
        GLib.timeout_add(800, stop_recv)
        return False

    def stop_recv():
        recv.send_event(Gst.Event.new_eos())
        recv.get_bus().timed_pop_filtered(2 * Gst.SECOND,
                                          Gst.MessageType.EOS | Gst.MessageType.ERROR)
        recv.set_state(Gst.State.NULL)
        loop.quit()
        return False

    def start_sending():
        if send.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            errors.append("cannot start the sending pipeline")
            loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGHUP, start_sending)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, want, 1)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, want, 2)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, finish)
    GLib.timeout_add_seconds(a.bound, finish)
    if recv.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print(json.dumps({"error": "cannot start the receiving pipeline"}))
        return 1
    # receiving (socket bound); the sender starts on SIGHUP, once every participant listens
    print("ready %d" % os.getpid(), flush=True)   # the director signals this process itself
    loop.run()
    seqs = st["seqs"]
    gaps = dups = 0
    for x, y in zip(seqs, seqs[1:]):
        d = (y - x) & 0xFFFF
        if d == 0 or d > 0x8000:
            dups += 1
        elif d > 1:
            gaps += d - 1
    print(json.dumps({"name": a.name, "sent": st["sent"], "sent_mki": st["sent_mki"],
                      "in_mki": st["in_mki"], "in": sum(st["in_mki"].values()), "out": st["out"],
                      "seq_gaps": gaps, "seq_dups": dups, "max_gap_ms": round(st["max_gap_ms"], 1),
                      "short": st["bad"], "errors": errors}), flush=True)
    return 1 if errors else 0


# ------------------------------------------------------------------------------------------
# director: the MRFC, the telemetry reader and the clock

def crypto(tag, key, mki, mlen):
    return "a=crypto:%d %s inline:%s|%d:%d\n" % (tag, SUITE, base64.b64encode(key).decode(), mki, mlen)


def sdp(where, lines):
    return "v=0\n" + where + "".join(lines)


DROPS = ("srtp_auth_fail", "srtp_unknown_mki", "srtp_replay")


def director(a):
    check = Checks()

    def log(s):
        print("[rekey %s] %s" % (time.strftime("%T"), s), flush=True)

    freqs = [int(f) for f in a.freqs.split(",")]
    names = ["A", "B"]
    ip = ["10.77.0.2", "10.77.0.3"]
    port = [5002, 5012]
    PL, ML = a.p_mki_len, a.m_mki_len          # MKI lengths: participants' keys, mrfpd's keys
    # participant i's keys P[i][0..1] (MKI 1, 2), mrfpd's send keys to i M[i][0..1] (MKI 1, 2)
    P = [[os.urandom(30), os.urandom(30)] for _ in range(2)]
    M = [[os.urandom(30), os.urandom(30)] for _ in range(2)]
    mp = Mgc(a.mgc_port, a.mp_port)
    ctx, term, leg, lport = None, [None, None], [0, 0], [0, 0]
    procs = []

    def remote(i, which):
        return sdp("c=IN IP4 %s\nm=audio %d RTP/SAVP 0\n" % (ip[i], port[i]),
                   [crypto(t + 1, P[i][k], k + 1, PL) for t, k in enumerate(which)])

    def local(i, which):
        where = ("c=IN IP4 $\nm=audio $ RTP/SAVP 0\n" if not lport[i] else
                 "c=IN IP4 %s\nm=audio %d RTP/SAVP 0\n" % (MEDIA_IP, lport[i]))
        return sdp(where, [crypto(t + 1, M[i][k], k + 1, ML) for t, k in enumerate(which)])

    def modify(i, rem=None, loc=None, what=""):
        body = []
        if loc is not None:
            body.append("L{\n%s}" % local(i, loc))
        if rem is not None:
            body.append("R{\n%s}" % remote(i, rem))
        r = mp.transact("C=%s{MF=%s{M{ST=1{%s}}}}" % (ctx, term[i], ",".join(body)))
        return check(r is not None and err_code(r) is None,
                     "Modify %s on %s's leg: %s" % (what, names[i],
                                                     "no reply" if r is None else
                                                     "error %s" % err_code(r) if err_code(r) else "ok"))

    def keys_are(rx, tx, when):
        for i in range(2):
            t = tele.leg(a.prefix, leg[i])
            check((t["rx_keys"], t["tx_keys"]) == (rx, tx),
                  "%s: %s's leg holds rx_keys=%d tx_keys=%d (want %d/%d)"
                  % (when, names[i], t["rx_keys"], t["tx_keys"], rx, tx))

    def drops():
        return [{k: tele.leg(a.prefix, leg[i])[k] for k in DROPS + ("rx_pkts", "tx_pkts")}
                for i in range(2)]

    try:
        # the conference: A creates it (switch, bilateral), B joins
        for i in range(2):
            props = "MO=SR,mrfp/media=switch,mrfp/keys=bilateral" if i == 0 else "MO=SR"
            r = mp.transact("C=%s{A=${M{ST=1{O{%s},L{\n%s},R{\n%s}}}}}"
                       % ("$" if ctx is None else ctx, props, local(i, [0]), remote(i, [0])))
            m = re.search(r"(?:Context|C)\s*=\s*(\d+)\s*\{\s*(?:Add|A)\s*=\s*(rtp/(\d+))", r or "")
            p = re.search(r"m=audio (\d+)", (r or "").split("Local", 1)[-1])
            if not check(m is not None and p is not None and err_code(r) is None,
                         "Add %s (MKI keys both ways): %s" % (names[i], "ok" if m else
                                                             "error %s" % err_code(r))):
                return 1
            ctx, term[i], leg[i], lport[i] = m.group(1), m.group(2), int(m.group(3)), int(p.group(1))
            log("%s = %s in context %s, mrfpd %s:%d" % (names[i], term[i], ctx, MEDIA_IP, lport[i]))
        keys_are(1, 1, "start")

        # the participants (peers namespace), keys on their stdin
        for i in range(2):
            cmd = ["timeout", "-k", "3", "60", "ip", "netns", "exec", a.peers_ns, sys.executable, "-u",
                   os.path.abspath(__file__), "participant", "--name", names[i], "--ip", ip[i],
                   "--port", str(port[i]), "--dst", "%s:%d" % (MEDIA_IP, lport[i]),
                   "--freq", str(freqs[i]), "--ssrc", str(0x20000 + i),
                   "--wav", os.path.join(a.dir, "heard-%d.wav" % i)]
            pr = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(a.dir, "gst-%d.err" % i), "w"), text=True)
            pr.stdin.write(json.dumps({
                "tx": [[base64.b64encode(k).decode(), n + 1] for n, k in enumerate(P[i])],
                "rx": [[base64.b64encode(k).decode(), n + 1] for n, k in enumerate(M[i])],
                "tx_mki_len": PL, "rx_mki_len": ML}) + "\n")
            pr.stdin.close()
            pr.stdin = None
            procs.append(pr)
        pid = []   # the participants' own pids (procs[] are `timeout` wrappers, which forward TERM only)
        for i, pr in enumerate(procs):
            line = pr.stdout.readline().split()
            if not check(len(line) == 2 and line[0] == "ready",
                         "participant %s (GStreamer) started" % names[i]):
                return 1
            pid.append(int(line[1]))

        def signal_all(sig):
            for p_ in pid:
                os.kill(p_, sig)

        def modify_both(rem=None, loc=None, what="", keys=(), when=""):
            """The same Modify on both legs; then the key counts each leg must hold."""
            for i in range(2):
                modify(i, rem=rem, loc=loc, what=what)
            keys_are(keys[0], keys[1], when)
            time.sleep(a.step)

        signal_all(signal.SIGHUP)  # everyone listens: start the senders
        log("call: A sends %d Hz, B %d Hz; srtpenc MKI 1, mrfpd MKI 1" % (freqs[0], freqs[1]))
        time.sleep(a.step)
        if a.order == "sender-first":   # demonstration of a failing order: no make before break
            log("sender-first: participants switch srtpenc to MKI 2 before mrfpd has the key")
            signal_all(signal.SIGUSR1)
            time.sleep(a.step)
        # 1 make: mrfpd accepts each participant's next key beside the current one
        modify_both(rem=[0, 1], what="Remote {MKI 1, MKI 2}", keys=(2, 1), when="after Remote {1,2}")
        # 2 the participants switch their srtpenc to the new key (MKI 2)
        log("participants switch srtpenc to MKI 2")
        signal_all(signal.SIGUSR1)
        time.sleep(a.step)
        # 3 mrfpd switches its sending: Local {new first, old}
        modify_both(loc=[1, 0], what="Local {MKI 2, MKI 1}", keys=(2, 2), when="after Local {2,1}")
        # 4 break: only the new keys
        modify_both(rem=[1], loc=[1], what="Remote {MKI 2} Local {MKI 2} (retire MKI 1)", keys=(1, 1),
                    when="after retiring MKI 1")
        call = drops()
        for i in range(2):
            check(all(call[i][k] == 0 for k in DROPS),
                  "whole call, %s's leg: %s" % (names[i], " ".join("%s=%d" % (k, call[i][k])
                                                                 for k in DROPS + ("rx_pkts", "tx_pkts"))))
        # 5 negative control: the participants send under the retired MKI 1 again
        log("negative control: participants back to their retired key (MKI 1)")
        signal_all(signal.SIGUSR2)
        time.sleep(1.0)
        signal_all(signal.SIGTERM)
        res = []
        for i, pr in enumerate(procs):
            try:
                outp = pr.communicate(timeout=15)[0]
            except subprocess.TimeoutExpired:
                pr.kill()
                outp = pr.communicate()[0]
            lines = [x for x in outp.splitlines() if x.startswith("{")]
            res.append(json.loads(lines[-1]) if lines else {})
            check(bool(lines) and not res[i].get("errors"),
                  "participant %s ended cleanly %s" % (names[i], res[i].get("errors", "(no summary)")))
        procs = []
        after = drops()
        time.sleep(0.2)
        print("--- participants (GStreamer) ---")
        for r in res:
            print(json.dumps(r))
        if len(res) != 2 or not all(res):
            return 1
        for i in range(2):
            o = 1 - i
            neg = after[i]["srtp_unknown_mki"] - call[i]["srtp_unknown_mki"]
            sent_neg = res[i]["sent"][2]
            check(sent_neg >= 20 and neg == sent_neg and
                  after[i]["srtp_auth_fail"] == call[i]["srtp_auth_fail"],
                  "negative control, %s's leg: %d packets under the retired MKI 1 -> "
                  "srtp_unknown_mki +%d (auth_fail +%d)"
                  % (names[i], sent_neg, neg, after[i]["srtp_auth_fail"] - call[i]["srtp_auth_fail"]))
            s = res[i]
            check(s["sent"][0] > 50 and s["sent"][1] > 50 and
                  s["sent_mki"].get("1", 0) == s["sent"][0] + s["sent"][2] and
                  s["sent_mki"].get("2", 0) == s["sent"][1],
                  "%s's srtpenc sent %d packets under MKI 1, then %d under MKI 2 (+%d retired MKI 1)"
                  % (names[i], s["sent"][0], s["sent"][1], s["sent"][2]))
            good = res[o]["sent"][0] + res[o]["sent"][1]
            inm = s["in_mki"]
            check(inm.get("1", 0) > 50 and inm.get("2", 0) > 50 and s["in"] == s["out"],
                  "%s's srtpdec got %d packets under mrfpd's MKI 1 then %d under MKI 2, "
                  "let %d of %d through" % (names[i], inm.get("1", 0), inm.get("2", 0), s["out"], s["in"]))
            check(s["out"] == good and s["seq_gaps"] == 0 and s["seq_dups"] == 0,
                  "%s received all %d packets %s sent under valid keys (got %d, %d missing in "
                  "sequence, %d duplicates)" % (names[i], good, names[o], s["out"], s["seq_gaps"],
                                                  s["seq_dups"]))
            check(s["max_gap_ms"] < 120,
                  "%s: longest silence between two packets %.1f ms" % (names[i], s["max_gap_ms"]))
        # no key in anything this lab wrote so far
        leaked = files_holding(a.lab_root, [base64.b64encode(k) for k in sum(P + M, [])] + sum(P + M, []))
        check(not leaked, "no key in any file of the lab directory %s" % " ".join(leaked))
    finally:
        for pr in procs:
            if pr.poll() is None:
                pr.kill()
                pr.wait()
        mp.sock.close()
    return check.summary()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("participant")
    p.add_argument("--name", required=True)
    p.add_argument("--ip", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--freq", type=int, required=True)
    p.add_argument("--ssrc", type=int, required=True)
    p.add_argument("--wav", required=True)
    p.add_argument("--bound", type=int, default=50)
    d = sub.add_parser("director")
    director_args(d)
    d.add_argument("--freqs", default="700,1300")
    d.add_argument("--step", type=float, default=2.0, help="seconds between the steps")
    d.add_argument("--order", choices=("make-before-break", "sender-first"),
                   default="make-before-break",
                   help="sender-first: the participants switch before mrfpd accepts the new key "
                        "(must fail: shows the checks can)")
    d.add_argument("--p-mki-len", type=int, default=1)
    d.add_argument("--m-mki-len", type=int, default=2)
    a = ap.parse_args()
    return participant(a) if a.cmd == "participant" else director(a)


if __name__ == "__main__":
    sys.exit(main())
