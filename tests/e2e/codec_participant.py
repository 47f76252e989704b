#!/usr/bin/python3
"""Real SRTP participants that speak AMR, AMR-WB, Opus, G.722 or G.711, for the mixed-codec
end-to-end test (tests/e2e/codec_mix.py) and the demo.

One participant is one process holding one UDP socket (symmetric RTP: mrfpd latches on the
address it sends from), shared by two GStreamer pipelines (python3-gi):

  send     audiotestsrc (one sine per tone, summed by audiomixer) ! ENCODER ! PAYLOADER !
           srtpenc ! udpsink            (one 20 ms frame per packet)
  receive  udpsrc ! srtpdec ! DEPAYLOADER ! DECODER ! audioconvert ! audioresample !
           wavenc ! filesink WAV        (at the codec's own rate: what this participant hears)

  codec    encoder                  payloader    decoder       SDP
  pcmu     mulawenc                 rtppcmupay   mulawdec      PCMU/8000 (pt 0)
  pcma     alawenc                  rtppcmapay   alawdec       PCMA/8000 (pt 8)
  amr      amrnbenc (12.2)          rtpamrpay    amrnbdec      AMR/8000, octet-align=1
  amr-wb   voamrwbenc (12.65)       rtpamrpay    amrwbdec      AMR-WB/16000, octet-align=1
  opus     opusenc (20 ms, 32k)     rtpopuspay   opusdec       opus/48000/2
  g722     avenc_g722               rtpg722pay   avdec_g722    G722/8000 (pt 9, 16 kHz audio)
  amr-be   amrnbenc (12.2)          (here)       amrnbdec      AMR/8000, bandwidth-efficient
  amr-wb-be voamrwbenc (12.65)      (here)       amrwbdec      AMR-WB/16000, bandwidth-eff.

GStreamer's AMR payloader and depayloader know the octet-aligned format only (RFC 4867 4.4);
the bandwidth-efficient one (4.3) is packed and unpacked here, one frame per packet out, any
number in (be_pack, be_unpack; `codec_participant.py selftest` checks them).
amrnbenc/amrnbdec/amrwbdec are in gstreamer1.0-plugins-ugly, voamrwbenc and srtpenc/srtpdec in
-bad, avenc_g722/avdec_g722 in gstreamer1.0-libav.

  codec_participant.py run --codec C --pt N --ip IP --port P --tones HZ[,HZ] --ssrc N --wav F
                           [--dst IP:PORT] [--bound S]
      Reads one JSON line on stdin, {"tx": B64, "rx": B64} (AES_CM_128_HMAC_SHA1_80 master key
      and salt, no MKI: what it sends with, what it receives with), binds IP:P (P=0: any
      port; RTCP on P+1 is bound too and never read), starts receiving and prints
      "ready PID PORT". Then stdin lines: "start [IP:PORT]" starts sending (to --dst by
      default), "stop" (or SIGTERM, or --bound seconds) stops sending, drains 0.6 s, ends the
      WAV and prints one JSON line: packets sent, received (before srtpdec), let through by
      srtpdec, a CRC-32 of each SRTP packet by sequence number (byte-identical streams), the
      payload types and SSRCs heard, the first two payload bytes of the
      packets heard with the payload's size ("f03c/33": AMR's CMR and ToC), errors.

  codec_participant.py selftest
      The bandwidth-efficient packing against RFC 4867's layout (no GStreamer needed).

  codec_participant.py selfcheck [--codecs pcmu,amr,...] [--seconds S]
      The quick check of the pipelines without mrfpd: for each codec two participants on
      127.0.0.1 (ports chosen by the kernel) talk to each other over SRTP with fresh keys,
      each with its own tones (a 5 kHz one from the wideband codecs); each must hear the
      other's tones at the codec's rate (tests/e2e/analyze.py tones) and not its own.
      Exit 0 when every codec passes, 1 otherwise, 77 when GStreamer elements are missing.
Nothing here prints a key."""
import argparse, base64, json, os, select, signal, socket, subprocess, sys, tempfile, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# codec -> (input/output rate, sdp name, rtp clock, default pt, fmtp, encode, depay+decode,
#           receive caps beyond media/clock-rate/encoding-name/payload)
CODECS = {
    "pcmu": dict(rate=8000, name="PCMU/8000", clock=8000, pt=0, fmtp="", enc="mulawenc",
                 pay="rtppcmupay min-ptime=20000000 max-ptime=20000000", enc_name="PCMU",
                 dec="rtppcmudepay ! mulawdec", caps=""),
    "pcma": dict(rate=8000, name="PCMA/8000", clock=8000, pt=8, fmtp="", enc="alawenc",
                 pay="rtppcmapay min-ptime=20000000 max-ptime=20000000", enc_name="PCMA",
                 dec="rtppcmadepay ! alawdec", caps=""),
    "amr": dict(rate=8000, name="AMR/8000", clock=8000, pt=96, fmtp="octet-align=1",
                enc="amrnbenc band-mode=MR122", pay="rtpamrpay max-ptime=20000000",
                enc_name="AMR", dec="rtpamrdepay ! amrnbdec",
                caps=",octet-align=(string)1,encoding-params=(string)1"),
    # band-mode 2 is 12.65 kbit/s (the rate many networks cap AMR-WB at)
    "amr-wb": dict(rate=16000, name="AMR-WB/16000", clock=16000, pt=97, fmtp="octet-align=1",
                   enc="voamrwbenc band-mode=8", pay="rtpamrpay max-ptime=20000000",
                   enc_name="AMR-WB", dec="rtpamrdepay ! amrwbdec",
                   caps=",octet-align=(string)1,encoding-params=(string)1"),
    # bandwidth-efficient (RFC 4867 4.3, what handsets send: no octet-align in the fmtp):
    # GStreamer has no payloader for it, so these pack and unpack the frames of amrnbenc /
    # voamrwbenc / amrnbdec / amrwbdec here (appsink, appsrc) around srtpenc and srtpdec
    "amr-be": dict(rate=8000, name="AMR/8000", clock=8000, pt=98, fmtp="",
                   enc="amrnbenc band-mode=MR122", pay=None, enc_name="AMR", dec="amrnbdec",
                   caps=",encoding-params=(string)1", be="audio/AMR"),
    "amr-wb-be": dict(rate=16000, name="AMR-WB/16000", clock=16000, pt=99, fmtp="",
                      enc="voamrwbenc band-mode=2", pay=None, enc_name="AMR-WB", dec="amrwbdec",
                      caps=",encoding-params=(string)1", be="audio/AMR-WB"),
    "opus": dict(rate=48000, name="opus/48000/2", clock=48000, pt=111, fmtp="",
                 enc="opusenc frame-size=20 bitrate=32000", pay="rtpopuspay",
                 enc_name="OPUS", dec="rtpopusdepay ! opusdec", caps=""),
    "g722": dict(rate=16000, name="G722/8000", clock=8000, pt=9, fmtp="", enc="avenc_g722",
                 pay="rtpg722pay min-ptime=20000000 max-ptime=20000000", enc_name="G722",
                 dec="rtpg722depay ! avdec_g722", caps=""),
}
WIDEBAND = ("amr-wb", "amr-wb-be", "opus", "g722")
# RFC 4867 speech bits per frame type (the last one: SID), AMR-NB and AMR-WB
AMR_BITS = {8000: [95, 103, 118, 134, 148, 159, 204, 244, 39],
            16000: [132, 177, 253, 285, 317, 365, 397, 461, 477, 40]}
ELEMENTS = ("audiotestsrc", "audiomixer", "audioconvert", "audioresample", "wavenc", "filesink",
            "udpsrc", "udpsink", "srtpenc", "srtpdec", "mulawenc", "mulawdec", "rtppcmupay",
            "rtppcmudepay", "amrnbenc", "amrnbdec", "voamrwbenc", "amrwbdec", "rtpamrpay",
            "rtpamrdepay", "opusenc", "opusdec", "rtpopuspay", "rtpopusdepay", "avenc_g722",
            "avdec_g722", "rtpg722pay", "rtpg722depay")
PACKAGE = {"amrnbenc": "gstreamer1.0-plugins-ugly", "amrnbdec": "gstreamer1.0-plugins-ugly",
           "amrwbdec": "gstreamer1.0-plugins-ugly", "avenc_g722": "gstreamer1.0-libav",
           "avdec_g722": "gstreamer1.0-libav", "voamrwbenc": "gstreamer1.0-plugins-bad",
           "srtpenc": "gstreamer1.0-plugins-bad", "srtpdec": "gstreamer1.0-plugins-bad"}


def missing_elements(names=ELEMENTS):
    """The GStreamer elements of names that are not installed, each with its Debian package;
    ["python3-gi ..."] when GStreamer cannot be loaded at all."""
    try:
        import gi
        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError):
        return ["python3-gi and gir1.2-gstreamer-1.0"]
    Gst.init(None)
    return ["%s (%s)" % (e, PACKAGE.get(e, "gstreamer1.0-plugins-base/-good"))
            for e in names if Gst.ElementFactory.find(e) is None]


def be_pack(frame, rate):
    """One AMR or AMR-WB frame in storage format (RFC 4867 5.3: a header byte 0|FT|Q|00, then
    the speech bits) as a bandwidth-efficient payload: CMR 15 (no request), one ToC entry
    (F=0), the speech bits, zero padding to a byte."""
    ft, q = (frame[0] >> 3) & 0x0F, (frame[0] >> 2) & 1
    bits = AMR_BITS[rate]
    n = bits[ft] if ft < len(bits) else 0
    speech = int.from_bytes(frame[1:], "big") >> (8 * len(frame[1:]) - n) if n else 0
    total = 10 + n
    v = (((((15 << 1) | 0) << 4 | ft) << 1 | q) << n) | speech
    size = (total + 7) // 8
    return (v << (8 * size - total)).to_bytes(size, "big")


def be_unpack(payload, rate):
    """The frames of a bandwidth-efficient payload in storage format; [] when it is malformed
    (too short for what its ToC says, or a frame type with no size)."""
    v, nbits = int.from_bytes(payload, "big"), 8 * len(payload)
    pos = [4]                                   # after the CMR

    def take(n):
        if pos[0] + n > nbits:
            raise ValueError
        x = (v >> (nbits - pos[0] - n)) & ((1 << n) - 1)
        pos[0] += n
        return x
    bits = AMR_BITS[rate]
    try:
        toc = []
        while True:
            f, ft, q = take(1), take(4), take(1)
            toc.append((ft, q))
            if not f:
                break
        out = []
        for ft, q in toc:
            if ft == 15:
                n = 0
            elif ft < len(bits):
                n = bits[ft]
            else:
                return []
            speech = take(n) if n else 0
            size = (n + 7) // 8
            out.append(bytes([(ft << 3) | (q << 2)]) +
                       ((speech << (8 * size - n)).to_bytes(size, "big") if n else b""))
        return out
    except ValueError:
        return []


def be_selftest():
    """be_pack/be_unpack against RFC 4867's layout, both rates, every mode, SID, NO_DATA."""
    import random
    rnd = random.Random(4867)
    for rate, bits in AMR_BITS.items():
        for ft, n in list(enumerate(bits)) + [(15, 0)]:
            size = (n + 7) // 8
            sp = rnd.getrandbits(n) if n else 0
            frame = bytes([(ft << 3) | 4]) + ((sp << (8 * size - n)).to_bytes(size, "big") if n else b"")
            p = be_pack(frame, rate)
            assert len(p) == (10 + n + 7) // 8, (rate, ft, len(p))
            assert p[0] >> 4 == 15 and (p[0] >> 3) & 1 == 0, p[:2].hex()
            assert ((p[0] & 7) << 1 | p[1] >> 7) == ft and (p[1] >> 6) & 1 == 1, p[:2].hex()
            assert be_unpack(p, rate) == [frame], (rate, ft)
            assert ft == 15 or be_unpack(p[:-1], rate) == [], (rate, ft)
        # two frames in one packet (F=1 then F=0), as a sender with ptime 40 would
        f7 = bytes([(7 << 3) | 4]) + bytes((bits[7] + 7) // 8)
        one = be_pack(f7, rate)
        v = int.from_bytes(one, "big") >> (8 * len(one) - 10 - bits[7])
        speech = v & ((1 << bits[7]) - 1)
        t = (15 << 12) | (1 << 11) | (7 << 7) | (1 << 6) | (0 << 5) | (7 << 1) | 1
        total = 16 + 2 * bits[7]
        w = (((t << bits[7]) | speech) << bits[7]) | speech
        pkt = (w << (8 * ((total + 7) // 8) - total)).to_bytes((total + 7) // 8, "big")
        assert be_unpack(pkt, rate) == [f7, f7]
    print("codec_participant: bandwidth-efficient AMR packing ok")
    return 0


def send_desc(c, tones, pt, ssrc):
    """The sending pipeline's description up to srtpenc (one or two tones, summed)."""
    d = CODECS[c]
    raw = "audio/x-raw,format=S16LE,rate=%d,channels=1,layout=interleaved" % d["rate"]
    spb = d["rate"] // 50
    # -20 dBFS a tone: the mix of four talkers' tones (up to seven) stays clear of clipping
    vol = 0.1
    srcs = ["audiotestsrc is-live=true wave=sine freq=%d volume=%.2f samplesperbuffer=%d ! %s"
            % (f, vol, spb, raw) for f in tones]
    if len(srcs) == 1:
        head = srcs[0] + " ! "
    else:
        head = "audiomixer name=mx latency=20000000 ! %s ! " % raw
    if d.get("be"):     # frames to Python (be_pack), RTP packets back from it
        pay = ("appsink name=frames emit-signals=true sync=false async=false "
               "appsrc name=rtp is-live=true do-timestamp=true format=time "
               "caps=\"application/x-rtp,media=(string)audio,clock-rate=(int)%d,"
               "encoding-name=(string)%s,payload=(int)%d\" ! " % (d["clock"], d["enc_name"], pt))
    else:
        pay = ("%s name=pay pt=%d ssrc=%d seqnum-offset=100 timestamp-offset=0 ! "
               % (d["pay"], pt, ssrc))
    desc = (head + "%s ! %senc.rtp_sink_0 srtpenc name=enc rtp-cipher=aes-128-icm "
            "rtp-auth=hmac-sha1-80 rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80 "
            "enc.rtp_src_0 ! udpsink name=out sync=false async=false" % (d["enc"], pay))
    if len(srcs) > 1:
        desc += " " + " ".join(s + " ! mx." for s in srcs)
    return desc


def recv_desc(c, pt, wav):
    d = CODECS[c]
    dec = d["dec"]
    if d.get("be"):     # RTP to Python (be_unpack), frames back from it
        dec = ("appsink name=rtpin emit-signals=true sync=false async=false appsrc name=frames is-live=true "
               "do-timestamp=true format=time caps=\"%s,rate=(int)%d,channels=(int)1\" ! %s"
               % (d["be"], d["rate"], d["dec"]))
    return ("udpsrc name=in caps=\"application/x-srtp,media=(string)audio,clock-rate=(int)%d,"
            "encoding-name=(string)%s,payload=(int)%d%s\" ! srtpdec name=dec ! %s ! "
            "audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=%d,channels=1 ! "
            "wavenc ! filesink name=wav location=%s" % (d["clock"], d["enc_name"], pt, d["caps"],
                                              dec, d["rate"], wav))


# ------------------------------------------------------------------------------------------
# one participant

def run(a):
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("Gio", "2.0")
    from gi.repository import GLib, Gio, Gst
    Gst.init(None)
    keys = json.loads(sys.stdin.readline())
    tx, rx = base64.b64decode(keys["tx"]), base64.b64decode(keys["rx"])
    keys = None
    tones = [int(x) for x in a.tones.split(",") if x]

    fam = Gio.SocketFamily.IPV6 if ":" in a.ip else Gio.SocketFamily.IPV4
    sock = Gio.Socket.new(fam, Gio.SocketType.DATAGRAM, Gio.SocketProtocol.UDP)
    sock.bind(Gio.InetSocketAddress.new_from_string(a.ip, a.port), True)
    port = sock.get_local_address().get_port()
    # mrfpd's RTCP lands on port+1: bound (no ICMP back), never read
    rtcp = socket.socket(socket.AF_INET6 if ":" in a.ip else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        rtcp.bind((a.ip, port + 1))
    except OSError:
        pass

    send = Gst.parse_launch(send_desc(a.codec, tones, a.pt, a.ssrc))
    enc = send.get_by_name("enc")
    enc.set_property("key", Gst.Buffer.new_wrapped(tx))
    out = send.get_by_name("out")
    out.set_property("socket", sock)
    out.set_property("close-socket", False)

    recv = Gst.parse_launch(recv_desc(a.codec, a.pt, a.wav))
    src = recv.get_by_name("in")
    src.set_property("socket", sock)
    src.set_property("close-socket", False)
    dec = recv.get_by_name("dec")

    def request_key(_dec, _ssrc):
        s = Gst.Structure.new_empty("application/x-srtp")
        s.set_value("srtp-cipher", "aes-128-icm")
        s.set_value("srtp-auth", "hmac-sha1-80")
        s.set_value("srtcp-cipher", "aes-128-icm")
        s.set_value("srtcp-auth", "hmac-sha1-80")
        s.set_value("srtp-key", Gst.Buffer.new_wrapped(rx))
        caps = Gst.Caps.new_empty()
        caps.append_structure(s)
        return caps
    dec.connect("request-key", request_key)

    st = {"sent": 0, "in": 0, "out": 0, "pts": {}, "ssrcs": {}, "heads": {}, "wire": {},
          "first_in": None, "last_in": None}

    def on_sent(_pad, _info):
        st["sent"] += 1
        return Gst.PadProbeReturn.OK

    def on_in(_pad, info):            # SRTP as it came: a digest per sequence number
        b = info.get_buffer()
        if b.get_size() >= 4 and len(st["wire"]) < 4096:
            pkt = b.extract_dup(0, b.get_size())
            st["wire"][int.from_bytes(pkt[2:4], "big")] = zlib.crc32(pkt)
        st["in"] += 1
        now = time.time()
        st["first_in"] = st["first_in"] or now
        st["last_in"] = now
        return Gst.PadProbeReturn.OK

    def on_out(_pad, info):           # plain RTP after srtpdec
        b = info.get_buffer()
        n = b.get_size()
        st["out"] += 1
        if n >= 12:
            h = b.extract_dup(0, min(n, 16))
            cc = h[0] & 0x0F
            pt, ssrc = h[1] & 0x7F, int.from_bytes(h[8:12], "big")
            st["pts"][pt] = st["pts"].get(pt, 0) + 1
            st["ssrcs"][ssrc] = st["ssrcs"].get(ssrc, 0) + 1
            off = 12 + 4 * cc
            # the first two payload bytes and the payload's size: "f03c/33" (kinds capped)
            kind = "%s/%d" % (b.extract_dup(off, min(2, n - off)).hex(), n - off)
            if len(st["heads"]) < 24 or kind in st["heads"]:
                st["heads"][kind] = st["heads"].get(kind, 0) + 1
        return Gst.PadProbeReturn.OK

    d = CODECS[a.codec]
    if d.get("be"):
        rtp_out, frames_in = send.get_by_name("rtp"), recv.get_by_name("frames")
        step = d["clock"] // 50
        seq = {"n": 100, "ts": 0}

        def on_frame(sink):            # an encoded frame: one bandwidth-efficient RTP packet
            b = sink.emit("pull-sample").get_buffer()
            payload = be_pack(b.extract_dup(0, b.get_size()), d["rate"])
            hdr = bytes([0x80, (0x80 if seq["n"] == 100 else 0) | a.pt]) + \
                (seq["n"] & 0xFFFF).to_bytes(2, "big") + (seq["ts"] & 0xFFFFFFFF).to_bytes(4, "big") + \
                a.ssrc.to_bytes(4, "big")
            seq["n"] += 1
            seq["ts"] += step
            rtp_out.emit("push-buffer", Gst.Buffer.new_wrapped(hdr + payload))
            return Gst.FlowReturn.OK

        def on_rtp(sink):              # a packet heard: its frames to the decoder
            b = sink.emit("pull-sample").get_buffer()
            if st.get("closing"):
                return Gst.FlowReturn.OK
            pkt = b.extract_dup(0, b.get_size())
            off = 12 + 4 * (pkt[0] & 0x0F) if len(pkt) >= 12 else len(pkt)
            frames = be_unpack(pkt[off:], d["rate"])
            if not frames:
                st["bad_payload"] = st.get("bad_payload", 0) + 1
            for f in frames:
                frames_in.emit("push-buffer", Gst.Buffer.new_wrapped(f))
            return Gst.FlowReturn.OK
        send.get_by_name("frames").connect("new-sample", on_frame)
        recv.get_by_name("rtpin").connect("new-sample", on_rtp)

        def on_wav_event(_pad, info):
            if info.get_event().type == Gst.EventType.EOS:
                st["wav_done"] = True
            return Gst.PadProbeReturn.OK
        recv.get_by_name("wav").get_static_pad("sink").add_probe(
            Gst.PadProbeType.EVENT_DOWNSTREAM, on_wav_event)

    enc.get_static_pad("rtp_src_0").add_probe(Gst.PadProbeType.BUFFER, on_sent)
    dec.get_static_pad("rtp_sink").add_probe(Gst.PadProbeType.BUFFER, on_in)
    dec.get_static_pad("rtp_src").add_probe(Gst.PadProbeType.BUFFER, on_out)

    loop = GLib.MainLoop()
    errors = []
    state = {"sending": False, "done": False}

    def on_msg(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            e, _dbg = msg.parse_error()
            errors.append("%s: %s" % (msg.src.get_name(), e.message))
            finish()
        return True
    for p in (send, recv):
        bus = p.get_bus()
        bus.add_signal_watch()
        bus.connect("message", on_msg)

    def start_sending(dst):
        host, p = dst.rsplit(":", 1)
        out.set_property("host", host.strip("[]"))
        out.set_property("port", int(p))
        if send.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            errors.append("cannot start the sending pipeline")
            finish()
        state["sending"] = True

    def finish():
        if state["done"]:
            return False
        state["done"] = True
        send.set_state(Gst.State.NULL)
        GLib.timeout_add(600, stop_recv)
        return False

    def stop_recv():
        if d.get("be"):
            # EOS through the decoding half only (the udpsrc half, whose streaming thread
            # calls back into Python, is stopped with the pipeline): the WAV is finished
            # once the EOS reaches its filesink
            st["closing"] = True
            recv.get_by_name("frames").emit("end-of-stream")
            deadline = time.monotonic() + 2
            while not st.get("wav_done") and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            recv.send_event(Gst.Event.new_eos())
            recv.get_bus().timed_pop_filtered(2 * Gst.SECOND,
                                              Gst.MessageType.EOS | Gst.MessageType.ERROR)
        recv.set_state(Gst.State.NULL)
        loop.quit()
        return False

    def on_stdin(_ch, _cond):
        line = sys.stdin.readline()
        if not line:                  # the director went away
            finish()
            return False
        w = line.split()
        if w[:1] == ["start"] and not state["sending"]:
            start_sending(w[1] if len(w) > 1 else a.dst)
        elif w[:1] == ["stop"]:
            finish()
            return False
        return True

    GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.PRIORITY_DEFAULT,
                      GLib.IOCondition.IN | GLib.IOCondition.HUP, on_stdin)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, finish)
    GLib.timeout_add_seconds(a.bound, finish)
    if recv.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print(json.dumps({"errors": ["cannot start the receiving pipeline"]}), flush=True)
        return 1
    print("ready %d %d" % (os.getpid(), port), flush=True)
    loop.run()
    rtcp.close()
    print(json.dumps({"codec": a.codec, "sent": st["sent"], "in": st["in"], "out": st["out"],
                      "pts": st["pts"], "ssrcs": st["ssrcs"], "heads": st["heads"],
                      "heard_s": round((st["last_in"] or 0) - (st["first_in"] or 0), 2),
                      "bad_payload": st.get("bad_payload", 0), "wire": st["wire"],
                      "errors": errors}), flush=True)
    return 1 if errors else 0


# ------------------------------------------------------------------------------------------
# the director's side: a participant process, started, told to start and to stop

class Participant:
    """A `run` process (in namespace ns when given; argv_prefix wraps it, e.g. timeout)."""

    def __init__(self, name, codec, ip, port, tones, ssrc, wav, tx, rx, pt=None, ns=None,
                 err=None, bound=60):
        self.name, self.codec, self.ip, self.wav = name, codec, ip, wav
        self.pt = CODECS[codec]["pt"] if pt is None else pt
        argv = [sys.executable, "-u", os.path.abspath(__file__), "run", "--codec", codec,
                "--pt", str(self.pt), "--ip", ip, "--port", str(port), "--tones",
                ",".join(str(t) for t in tones), "--ssrc", str(ssrc), "--wav", wav,
                "--bound", str(bound)]
        if ns:
            argv = ["ip", "netns", "exec", ns] + argv
        argv = ["timeout", "-k", "3", str(bound + 15)] + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=err or subprocess.DEVNULL, text=True)
        self.proc.stdin.write(json.dumps({"tx": base64.b64encode(tx).decode(),
                                          "rx": base64.b64encode(rx).decode()}) + "\n")
        self.proc.stdin.flush()
        self.port, self.summary = None, None

    def ready(self, timeout=15):
        """Waits for "ready PID PORT"; the port (None when it did not come)."""
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline().split() if r else []
        if len(line) == 3 and line[0] == "ready":
            self.port = int(line[2])
        return self.port

    def start(self, dst):
        self._say("start %s" % dst)

    def _say(self, line):
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def ask_stop(self):
        """Tells it to stop sending, without waiting (stop() then collects its summary)."""
        self._say("stop")

    def stop(self, timeout=15):
        """Stops it; its summary (dict, {} when it printed none)."""
        self._say("stop")
        try:
            out = self.proc.communicate(timeout=timeout)[0]
        except subprocess.TimeoutExpired:
            self.kill()
            out = ""
        lines = [x for x in (out or "").splitlines() if x.startswith("{")]
        self.summary = json.loads(lines[-1]) if lines else {}
        return self.summary

    def kill(self):
        """Ends it: SIGTERM to the `timeout` wrapper, which passes it on and SIGKILLs the
        participant 3 s later (a SIGKILL to the wrapper alone would orphan a participant that
        hangs); SIGKILL to the wrapper only after that."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=6)
            except (subprocess.TimeoutExpired, ValueError):
                self.proc.kill()
                try:
                    self.proc.communicate(timeout=2)
                except (subprocess.TimeoutExpired, ValueError):
                    pass


def tones_check(wav, tones, present, absent, label, min_seconds=1, margin=20):
    """analyze.py tones on one WAV: (passed, its line)."""
    args = [sys.executable, os.path.join(HERE, "analyze.py"), "tones", wav,
            "--tones", ",".join(str(t) for t in tones), "--min-seconds", str(min_seconds),
            "--margin", str(margin), "--label", label]
    if present:
        args += ["--present", ",".join(str(t) for t in present)]
    if absent:
        args += ["--absent", ",".join(str(t) for t in absent)]
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode == 0, (r.stdout.strip() or r.stderr.strip())


# ------------------------------------------------------------------------------------------
# selfcheck: every pipeline pair, without mrfpd

SELF_TONES = {  # (first participant, second participant): low tone, and a high one if wideband
    "narrow": ((940,), (1700,)),
    "wide": ((2230, 5000), (670, 5370)),
}


def missing_status():
    """77 (skipped) for a missing tool, 1 under CI=true where setup.sh installed everything."""
    return 1 if os.environ.get("CI") == "true" else 77


def selfcheck(a):
    miss = missing_elements()
    if miss:
        print("codec selfcheck: missing GStreamer elements: %s" % ", ".join(miss))
        return missing_status()
    codecs = [c for c in a.codecs.split(",") if c]
    bad = [c for c in codecs if c not in CODECS]
    if bad:
        print("codec selfcheck: unknown codec(s) %s (known: %s)" % (bad, ", ".join(CODECS)))
        return 2
    failed = []
    with tempfile.TemporaryDirectory(prefix="codec-self-") as d:
        for c in codecs:
            wide = c in WIDEBAND
            tones = SELF_TONES["wide" if wide else "narrow"]
            k = [os.urandom(30), os.urandom(30)]
            ps = []
            try:
                for i in range(2):
                    ps.append(Participant("%s-%d" % (c, i), c, "127.0.0.1", 0, tones[i],
                                          0x5000 + i, os.path.join(d, "%s-%d.wav" % (c, i)),
                                          tx=k[i], rx=k[1 - i],
                                          err=open(os.path.join(d, "%s-%d.err" % (c, i)), "w"),
                                          bound=a.seconds + 20))
                ports = [p.ready() for p in ps]
                if None in ports:
                    print("%-7s FAIL: a participant did not start: %s" % (c, " | ".join(
                        open(os.path.join(d, "%s-%d.err" % (c, i))).read().strip()[-300:]
                        for i in range(2))))
                    failed.append(c)
                    continue
                for i, p in enumerate(ps):
                    p.start("127.0.0.1:%d" % ports[1 - i])
                time.sleep(a.seconds)
                for p in ps:
                    p.ask_stop()
                sums = [p.stop() for p in ps]
            finally:
                for p in ps:
                    p.kill()
            ok = True
            lines = []
            for i in range(2):
                s = sums[i]
                other = tones[1 - i]
                # the other's low tone, not its own tones (20 dB under); then the other's high
                # tone on its own (a speech codec may weaken it against the low one)
                good, line = tones_check(ps[i].wav, tones[0] + tones[1], other[:1], tones[i],
                                         "%s participant %d" % (c, i),
                                         min_seconds=max(1, a.seconds // 2))
                if len(other) > 1:
                    g2, l2 = tones_check(ps[i].wav, other[1:], other[1:], (),
                                         "%s participant %d, high tone" % (c, i),
                                         min_seconds=max(1, a.seconds // 2))
                    good &= g2
                    line += "\n    " + l2
                pts = sorted(int(x) for x in s.get("pts", {}))
                if s.get("errors") or not s.get("out") or pts != [CODECS[c]["pt"]]:
                    good = False
                    line += " [summary: sent %s in %s out %s pts %s errors %s]" % (
                        s.get("sent"), s.get("in"), s.get("out"), pts, s.get("errors"))
                ok &= good
                lines.append(line)
            print("%-7s %s\n    %s" % (c, "ok" if ok else "FAIL", "\n    ".join(lines)),
                  flush=True)
            if not ok:
                failed.append(c)
    print("codec selfcheck: %s" % ("FAIL: %s" % ", ".join(failed) if failed else "every codec ok"))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--codec", required=True, choices=sorted(CODECS))
    r.add_argument("--pt", type=int, required=True)
    r.add_argument("--ip", required=True)
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--dst", default=None)
    r.add_argument("--tones", required=True)
    r.add_argument("--ssrc", type=int, required=True)
    r.add_argument("--wav", required=True)
    r.add_argument("--bound", type=int, default=60)
    sub.add_parser("selftest")
    s = sub.add_parser("selfcheck")
    s.add_argument("--codecs", default="pcmu,amr,amr-wb,opus,g722,amr-be,amr-wb-be")
    s.add_argument("--seconds", type=int, default=3)
    a = ap.parse_args()
    if a.cmd == "selftest":
        return be_selftest()
    return run(a) if a.cmd == "run" else selfcheck(a)


if __name__ == "__main__":
    sys.exit(main())
