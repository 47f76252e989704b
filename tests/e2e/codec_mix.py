#!/usr/bin/python3
"""One mixed conference of real participants that each speak another codec, over Mp, checked
by what every participant hears. tests/e2e/codec_mix.sh runs it in the lab of
tests/e2e/lab.sh (mrfpd on net_af_packet in one namespace, the participants in another).

  codec_mix.py director --peers-ns NS --prefix P --dir D --lab-root R --media-ip IP
                        --peer IP ... [--codecs pcmu,amr,amr-wb,opus,g722] [--seconds S]
                        [--listeners CODEC,...] [--keys bilateral|hybrid]
                        [--mixrate auto|first|RATE] [--fault mute:CODEC|echo:CODEC]
                        [--mp-addr IP --mgc-addr IP]
      (mrfpd's namespace, or the MRFC's when Mp runs over IPsec) The MRFC (raw H.248 from
      127.0.0.1:2945, or --mgc-addr) and the clock. One
      participant per codec (tests/e2e/codec_participant.py: GStreamer encoders, decoders,
      srtpenc/srtpdec, one symmetric UDP socket each), every one a talker (SendReceive) in one
      conference with mrfp/media=mix, mrfp/speakers=all (no selection hides a talker),
      bilateral keys made here; mrfp/mixrate the highest rate its codecs need (--mixrate
      auto; mrfpd keeps the rate a conference was created with, its first leg's by default). Each Remote offers the participant's codec first and, for all
      but PCMU, PCMU after it; each Local repeats that offer with `$` for the address, port
      and nothing else chosen. Each participant sends its own tone; the wideband ones
      (AMR-WB, Opus, G.722) a second tone above 4 kHz, AMR-WB's at 5 kHz. Checks (one
      "ok"/"FAIL" line each):
        - every Add accepted (a refusal names the codec and mrfpd's error text, and ends
          the run: nothing else can be checked);
        - the reply's Local answers the first payload type of the offer only, with its
          rtpmap (and fmtp octet-align=1 for octet-aligned AMR, none for amr-be/amr-wb-be,
          the bandwidth-efficient format handsets send), ptime 20 when stated;
        - every participant's srtpdec authenticated every packet mrfpd sent it, all of the
          answered payload type, one SSRC, at ~50 packets/s; AMR payloads are octet-aligned
          or bandwidth-efficient as negotiated (RFC 4867 4.4/4.3: CMR, one ToC with F=0, the
          size its frame type says), Opus packets
          one 20 ms frame (RFC 6716 TOC), G.711/G.722 160 bytes;
        - mrfpd's per-leg counters: rx and tx at ~50 packets/s, no unsupported_payload and
          no SRTP drop;
        - what each participant heard (band power of every tone, analyze.py): every other
          talker's low tone; not its own tones (>= 15 dB under the other talkers'); a
          wideband listener also every other wideband talker's high tone, so the 5 kHz tone
          reaches AMR-WB's, Opus's and G.722's listeners; a narrowband listener (PCMU, AMR)
          none of the high tones nor their images folded under 4 kHz (8000 - f), >= 30 dB
          under the other talkers.
      --listeners adds SendOnly participants L1-CODEC, L2-CODEC... (their Local, under
      --keys hybrid, the group key made here; the creating Add states it on its second
      line): each hears every talker; listeners of one format (a cohort) receive byte-
      identical SRTP packets (a CRC per sequence number, same SSRC), and each cohort has an
      SSRC of its own under the group key (no two-time pad).
      --fault shows the checks can fail: mute:C never starts C's sender (everyone must miss
      C's tones), echo:C makes C also send the tone of the participant after it (who then
      hears itself).
Exit: 0 pass, 1 fail."""
import argparse, base64, os, re, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import telemetry  # noqa: E402
from mrfptest.checks import Checks, files_holding  # noqa: E402
from mrfptest.lab import director_args  # noqa: E402
from mrfptest.mp import Mgc, code as err_code  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import analyze  # noqa: E402
from codec_participant import (AMR_BITS, CODECS, WIDEBAND, Participant,  # noqa: E402
                               missing_elements)

SUITE = "AES_CM_128_HMAC_SHA1_80"
# (low tone, high tone or None) per codec. Low tones >= 270 Hz apart (a speech codec's noise
# gathers around strong tones); every sum and difference of order <= 3 of the tones a
# participant hears lies >= 30 Hz from its own tones and from the images; the images
# 8000 - high (where a missing anti-alias filter would fold the high tones) lie >= 400 Hz from
# every low tone.
PLAN = {"pcmu": (940, None), "amr": (1700, None), "amr-wb": (2230, 5000),
        "opus": (1240, 4670), "g722": (670, 5370), "pcma": (1450, None),
        "amr-be": (1700, None), "amr-wb-be": (2230, 5000)}   # as AMR, AMR-WB: one or the other
RATE = {"pcmu": 8000, "pcma": 8000, "amr": 8000, "amr-wb": 16000, "g722": 16000, "opus": 48000,
        "amr-be": 8000, "amr-wb-be": 16000}
FLOOR = -50.0          # dB re a full-scale sine: heard
LOW_SPREAD = 20.0      # a heard low tone within this of the strongest low tone heard
HIGH_SPREAD = 30.0     # a heard high tone within this of the strongest low tone heard
SELF_MARGIN = 15.0     # own tones under the other talkers' low tones (their median)
NB_MARGIN = 30.0       # high tones and their images under them (narrowband listeners)
# RFC 4867 frame sizes (bytes, speech bits rounded up) by frame type; 8/9 are SID
AMR_NB_BYTES = {0: 12, 1: 13, 2: 15, 3: 17, 4: 19, 5: 20, 6: 26, 7: 31, 8: 5}
AMR_WB_BYTES = {0: 17, 1: 23, 2: 32, 3: 36, 4: 40, 5: 46, 6: 50, 7: 58, 8: 60, 9: 5}
SRTP_DROPS = ("srtp_auth_fail", "srtp_replay", "srtp_unknown_mki")


def b64(k):
    return base64.b64encode(k).decode()


def offer(codec):
    """The payload types a participant offers, its own first: [(pt, rtpmap, fmtp)]."""
    d = CODECS[codec]
    out = [(d["pt"], d["name"], d["fmtp"])]
    if codec != "pcmu":
        out.append((0, "PCMU/8000", ""))
    return out


def media_lines(port, fmts):
    s = "m=audio %s RTP/SAVP %s\n" % (port, " ".join(str(pt) for pt, _, _ in fmts))
    for pt, name, fmtp in fmts:
        s += "a=rtpmap:%d %s\n" % (pt, name)
        if fmtp:
            s += "a=fmtp:%d %s\n" % (pt, fmtp)
    return s + "a=ptime:20\n"


def local_answer(reply):
    """What the reply's Local says: {"port", "pts", "rtpmap": {pt: name}, "fmtp": {pt: text},
    "ptime"}; None when the reply has no Local."""
    m = re.search(r"\bL(?:ocal)?\s*\{([^}]*)\}", reply or "")
    if m is None:
        return None
    s = m.group(1)
    mm = re.search(r"m=audio (\d+) RTP/SAVPF? ([0-9 ]+)", s)
    pt = re.search(r"a=ptime:(\d+)", s)
    return {"port": int(mm.group(1)) if mm else None,
            "pts": [int(x) for x in mm.group(2).split()] if mm else [],
            "rtpmap": {int(p): n.strip() for p, n in re.findall(r"a=rtpmap:(\d+) (\S+)", s)},
            "fmtp": {int(p): f.strip() for p, f in re.findall(r"a=fmtp:(\d+) ([^\r\n]+)", s)},
            "ptime": int(pt.group(1)) if pt else None}


def error_text(reply):
    m = re.search(r"\b(?:Error|ER)\s*=\s*(\d+)\s*\{\s*\"([^\"]*)\"", reply or "")
    return m.group(2) if m else ""


def fmtp_has(fmtp, param):
    """param ("octet-align=1") among the ;-separated parameters of an fmtp value."""
    want = param.replace(" ", "").lower()
    return any(p.replace(" ", "").lower() == want for p in (fmtp or "").split(";"))


def payload_shape(codec, kind):
    """Whether one payload (its first two bytes in hex and its size, "f03c/33") is what the
    codec's payload format says for one 20 ms frame; the reason when not."""
    head, size = kind.split("/")
    size = int(size)
    b = bytes.fromhex(head)
    if codec in ("pcmu", "pcma", "g722"):
        return (size == 160, "%d bytes, 160 for 20 ms" % size)
    if codec in ("amr-be", "amr-wb-be"):     # RFC 4867 4.3: CMR(4) F(1) FT(4) Q(1) speech pad
        if len(b) < 2:
            return False, "%d bytes" % size
        bits = AMR_BITS[RATE[codec]]
        cmr, f, ft, q = b[0] >> 4, (b[0] >> 3) & 1, ((b[0] & 7) << 1) | (b[1] >> 7), (b[1] >> 6) & 1
        if f:
            return False, "F=1: more than one frame"
        n = 0 if ft == 15 else bits[ft] if ft < len(bits) else None
        if n is None:
            return False, "frame type %d" % ft
        want = (10 + n + 7) // 8
        return (size == want, "CMR %d, FT %d, Q %d, %d bytes (want %d)" % (cmr, ft, q, size, want))
    if codec in ("amr", "amr-wb"):
        if len(b) < 2:
            return False, "%d bytes" % size
        sizes = AMR_NB_BYTES if codec == "amr" else AMR_WB_BYTES
        cmr, f, ft, q = b[0] >> 4, b[1] >> 7, (b[1] >> 3) & 0x0F, (b[1] >> 2) & 1
        if b[0] & 0x0F or b[1] & 0x03:
            return False, "reserved/padding bits set (not octet-aligned?)"
        if f:
            return False, "F=1: more than one frame"
        if ft == 15:
            return size == 2, "NO_DATA frame, %d bytes" % size
        if ft not in sizes:
            return False, "frame type %d" % ft
        return (size == 2 + sizes[ft],
                "CMR %d, FT %d, Q %d, %d bytes (want %d)" % (cmr, ft, q, size, 2 + sizes[ft]))
    if codec == "opus":
        if not b:
            return False, "empty"
        config, code = b[0] >> 3, b[0] & 3
        # 20 ms: SILK configs 1,5,9; hybrid 13,15; CELT 19,23,27,31
        twenty = (config < 12 and config % 4 == 1) or (12 <= config < 16 and config % 2 == 1) \
            or (config >= 16 and config % 4 == 3)
        return (twenty and code == 0, "TOC config %d, code %d" % (config, code))
    return True, ""


def director(a):
    check = Checks()
    codecs = [c for c in a.codecs.split(",") if c]          # the talkers, named by codec
    listeners = [c for c in a.listeners.split(",") if c]
    if len(codecs) < 2 or len(set(codecs)) != len(codecs) or \
            any(c not in PLAN for c in codecs + listeners):
        print("codec_mix: --codecs: two or more of %s, each once; --listeners: any of them"
              % ",".join(PLAN))
        return 2
    # every participant: the talkers, then the listeners L1-CODEC, L2-CODEC...
    names = codecs + ["L%d-%s" % (i + 1, c) for i, c in enumerate(listeners)]
    codec_of = dict(zip(names, codecs + listeners))
    if len(a.peer) < len(names):
        print("codec_mix: %d --peer addresses for %d participants" % (len(a.peer), len(names)))
        return 2
    miss = missing_elements()
    if miss:
        print("codec_mix: missing GStreamer elements: %s" % ", ".join(miss))
        return 77
    fault_kind, _, fault_codec = (a.fault or "").partition(":")
    if a.fault and (fault_kind not in ("mute", "echo") or fault_codec not in codecs):
        print("codec_mix: --fault mute:CODEC or echo:CODEC, CODEC one of %s" % ",".join(codecs))
        return 2

    def log(s):
        print("[codec %s] %s" % (time.strftime("%T"), s), flush=True)

    idx = {c: i for i, c in enumerate(names)}
    peer = {c: a.peer[i] for c, i in idx.items()}
    port = {c: 5002 + 10 * i for c, i in idx.items()}
    low = {c: PLAN[c][0] for c in codecs}
    high = {c: PLAN[c][1] for c in codecs if PLAN[c][1] is not None and c in WIDEBAND}
    sends = {c: [low[c]] + ([high[c]] if c in high else []) for c in codecs}
    if fault_kind == "echo":
        victim = codecs[(idx[fault_codec] + 1) % len(codecs)]
        sends[fault_codec] = sends[fault_codec] + [low[victim]]
        log("fault echo:%s: %s also sends %s's tone %d Hz" % (fault_codec, fault_codec, victim,
                                                           low[victim]))
    up = {c: os.urandom(30) for c in names}         # participant -> mrfpd
    down = {c: os.urandom(30) for c in names}       # mrfpd -> participant (its Local key)
    G = os.urandom(30)                              # hybrid: the listeners' group key
    all_keys = list(up.values()) + list(down.values()) + [G]
    mp = Mgc(a.mgc_port, a.mp_port, host=a.mgc_addr, mg_host=a.mp_addr)
    ctx, legs, answer, parts, sums, tel = "$", {}, {}, {}, {}, {}
    props = "mrfp/media=mix,mrfp/keys=%s,mrfp/ptime=20,mrfp/speakers=all" % a.keys
    # mrfpd mixes at the first leg's rate unless mrfp/mixrate says: "auto" states the highest
    # rate of the codecs about to join (what an MRFC that knows them does), "first" nothing
    rate = (max(RATE[c] for c in codecs + listeners) if a.mixrate == "auto" else
            None if a.mixrate == "first" else int(a.mixrate))
    if rate:
        props += ",mrfp/mixrate=%d" % rate
    log("mix rate: %s" % ("%d Hz (mrfp/mixrate)" % rate if rate else
                          "the first leg's, %d Hz (%s; no mrfp/mixrate)" % (RATE[codecs[0]],
                                                                          codecs[0])))
    secs = a.seconds
    try:
        # -- the conference: one Add per participant -----------------------------------------
        for c in names:
            cod, talks = codec_of[c], c in codecs
            fm = offer(cod)
            remote = "v=0\nc=IN IP4 %s\n%sa=crypto:1 %s inline:%s\n" % (
                peer[c], media_lines(port[c], fm), SUITE, b64(up[c]))
            # a talker states its own key (hybrid: the group key on a second line of the Add
            # that creates the conference), a hybrid listener the group key
            keys = [down[c]] if talks or a.keys != "hybrid" else [G]
            if talks and a.keys == "hybrid" and ctx == "$":
                keys.append(G)
            local = "v=0\nc=IN IP4 $\n%s%s" % (media_lines("$", fm), "".join(
                "a=crypto:%d %s inline:%s\n" % (i + 1, SUITE, b64(k)) for i, k in enumerate(keys)))
            lc = ("MO=SR" if talks else "MO=SO") + ("," + props if ctx == "$" else "")
            r = mp.transact("C=%s{A=${M{ST=1{O{%s},L{\n%s},R{\n%s}}}}}" % (ctx, lc, local, remote))
            m = re.search(r"(?:Context|C)\s*=\s*(\d+)\s*\{\s*(?:Add|A)\s*=\s*(rtp/(\d+))", r or "")
            lo = local_answer(r)
            ok = r is not None and err_code(r) is None and m is not None and lo and lo["port"]
            offered = ", ".join("%d %s" % (pt, n) for pt, n, _ in fm)
            if not check(ok, "%s: Add of the %s %s (offer: %s) accepted%s" % (
                    c, fm[0][1], "talker" if talks else "listener", offered, "" if ok else " -> %s" % (
                        "no reply within 5 s" if r is None else
                        "mrfpd refused it: Error %s \"%s\"" % (err_code(r), error_text(r))
                        if err_code(r) else "no context, termination or Local port in the reply"))):
                if r is not None and err_code(r):
                    print("codec_mix: mrfpd does not take %s (%s) in a mixed conference: "
                          "H.248 Error %s \"%s\"" % (c, fm[0][1], err_code(r), error_text(r)),
                          flush=True)
                raise RuntimeError("the conference could not be set up")
            ctx = m.group(1)
            legs[c] = (m.group(2), int(m.group(3)), lo["port"])
            answer[c] = lo
            want_pt, want_name, want_fmtp = fm[0]
            got_name = lo["rtpmap"].get(want_pt, "")
            ok = (lo["pts"] == [want_pt] and got_name.lower() == want_name.lower() and
                  (lo["ptime"] in (None, 20)))
            check(ok, "%s: the reply's Local answers pt %d %s only (m= %s, rtpmap %s, ptime %s)"
                  % (c, want_pt, want_name, " ".join(map(str, lo["pts"])) or "-",
                     ", ".join("%d %s" % kv for kv in sorted(lo["rtpmap"].items())) or "none",
                     lo["ptime"]))
            if cod in ("amr", "amr-wb"):
                f = lo["fmtp"].get(want_pt)
                check(fmtp_has(f, "octet-align=1"),
                      "%s: the reply's Local keeps the octet-aligned format (a=fmtp:%d %s)"
                      % (c, want_pt, f or "missing"))
            if cod in ("amr-be", "amr-wb-be"):
                f = lo["fmtp"].get(want_pt)
                check(not fmtp_has(f, "octet-align=1"),
                      "%s: the reply's Local keeps the bandwidth-efficient format (a=fmtp:%d %s)"
                      % (c, want_pt, f or "absent"))
            log("%s: %s in context %s, leg %d, mrfpd port %d, answered %s" % (
                c, legs[c][0], ctx, legs[c][1], lo["port"],
                " ".join("%d %s" % kv for kv in sorted(lo["rtpmap"].items()))))
        # -- the participants ----------------------------------------------------------------
        for c in names:    # a listener's sender is never started (its tone is none)
            rx = G if c not in codecs and a.keys == "hybrid" else down[c]
            parts[c] = Participant(c, codec_of[c], peer[c], port[c], sends.get(c, [440]),
                                   0x30000 + idx[c], os.path.join(a.dir, "heard-%s.wav" % c),
                                   tx=up[c], rx=rx, pt=answer[c]["pts"][0], ns=a.peers_ns,
                                   err=open(os.path.join(a.dir, "gst-%s.err" % c), "w"),
                                   bound=secs + 30)
        for c, p in parts.items():
            if not check(p.ready() == port[c], "%s: participant (GStreamer %s) listens on %s:%d"
                         % (c, CODECS[codec_of[c]]["enc"].split()[0], peer[c], port[c])):
                raise RuntimeError("participant %s did not start" % c)
        for c, p in parts.items():
            if c not in codecs:
                continue
            if fault_kind == "mute" and c == fault_codec:
                log("fault mute:%s: its sender never starts" % c)
                continue
            p.start("%s:%d" % (a.media_ip, legs[c][2]))
        log("talking for %d s: %s" % (secs, ", ".join(
            "%s %s Hz" % (c, "+".join(map(str, sends[c]))) for c in codecs)))
        time.sleep(secs)
        for c in names:
            tel[c] = telemetry.leg(a.prefix, legs[c][1])
        for p in parts.values():
            p.ask_stop()
        for c, p in parts.items():
            sums[c] = p.stop()
        r = mp.transact("C=%s{S=*}" % ctx)
        check(r is not None and err_code(r) is None, "Subtract = * of the conference accepted")
        ctx = "$"
    except RuntimeError as e:
        log("stopped early: %s" % e)
    finally:
        for p in parts.values():
            p.kill()
        if ctx != "$":
            mp.transact("C=%s{S=*}" % ctx)
        mp.close()
    if len(sums) != len(names):
        return check.summary()

    # ---- what went over the wire, per participant --------------------------------------------
    print("--- per participant: sent, received by srtpdec, authenticated, payload types, "
          "SSRCs; mrfpd's leg counters ---")
    for c in names:
        s, t = sums[c], tel[c]
        drops = {k: v for k, v in t.items() if k not in ("rx_pkts", "rx_bytes", "rtcp_rx",
                                                         "tx_pkts", "tx_bytes", "relatched",
                                                         "concealed", "personal", "rx_keys",
                                                         "tx_keys") and v}
        print("  %-7s sent %5s in %5s out %5s pts %s ssrcs %d | leg rx %d tx %d concealed %d "
              "drops %s" % (c, s.get("sent"), s.get("in"), s.get("out"), s.get("pts"),
                            len(s.get("ssrcs", {})), t.get("rx_pkts", 0), t.get("tx_pkts", 0),
                            t.get("concealed", 0), drops or "none"))
    want_pkts = 50 * secs * 0.8
    for c in names:
        s, t, pt, cod = sums[c], tel[c], answer[c]["pts"][0], codec_of[c]
        check(not s.get("errors"), "%s: participant ran without a GStreamer error %s" % (
            c, s.get("errors") or ""))
        pts = sorted(int(x) for x in s.get("pts", {}))
        check(s.get("out", 0) >= want_pkts and s.get("in") == s.get("out") and pts == [pt] and
              len(s.get("ssrcs", {})) == 1,
              "%s: srtpdec authenticated %s of the %s packets mrfpd sent it (want >= %d, all), "
              "payload types %s (want [%d]), %d SSRC(s)" % (
                  c, s.get("out"), s.get("in"), want_pkts, pts, pt, len(s.get("ssrcs", {}))))
        bad = {}
        for kind, n in s.get("heads", {}).items():
            ok, why = payload_shape(cod, kind)
            if not ok:
                bad[kind] = why
        kinds = sorted(s.get("heads", {}).items(), key=lambda kv: -kv[1])[:3]
        check(s.get("heads") and not bad and not s.get("bad_payload"),
              "%s: every payload is one 20 ms frame in %s's format "
              "(%s)%s" % (c, CODECS[cod]["name"], ", ".join(
                  "%s x%d: %s" % (k, n, payload_shape(cod, k)[1]) for k, n in kinds),
                  "; not: %s" % bad if bad else "") +
              ("; %d payloads the participant could not unpack" % s["bad_payload"]
               if s.get("bad_payload") else ""))
        sent_ok = c in codecs and not (fault_kind == "mute" and c == fault_codec)
        check(t.get("rx_pkts", 0) >= (want_pkts if sent_ok else 0) and
              t.get("tx_pkts", 0) >= want_pkts,
              "%s: mrfpd's leg received %d and sent %d packets (want >= %d each)" % (
                  c, t.get("rx_pkts", 0), t.get("tx_pkts", 0), want_pkts))
        check(t.get("unsupported_payload", -1) == 0 and all(t.get(k, 0) == 0 for k in SRTP_DROPS),
              "%s: mrfpd's leg dropped nothing as unsupported_payload (%s) or in SRTP (%s)" % (
                  c, t.get("unsupported_payload", "no such counter"),
                  ", ".join("%s %d" % (k, t.get(k, 0)) for k in SRTP_DROPS)))

    # ---- what each participant heard ----------------------------------------------------------
    tones = sorted(set(low.values()) | set(high.values()))
    images = sorted(8000 - h for h in high.values())
    cols = tones + images
    print("--- what each participant heard: band power (dB re a full-scale sine) at each "
          "tone; images 8000-f of the high tones last ---")
    print("  %-9s %s" % ("", " ".join("%6d" % f for f in cols)))
    for c in names:
        wav = parts[c].wav
        try:
            x, rate = analyze.read_wav(wav)
        except (OSError, EOFError, ValueError) as e:
            check(False, "%s: cannot read what it heard (%s): %s" % (c, wav, e))
            continue
        avg, per = analyze.band_powers(x, rate, cols)
        db = dict(zip(cols, avg))
        secs_heard = {f: sum(1 for seg in per if seg[i] >= FLOOR) for i, f in enumerate(cols)}
        print("  %-9s %s   (%.1f s at %d Hz)" % (c, " ".join("%6.1f" % db[f] for f in cols),
                                                len(x) / float(rate), rate))
        others = [o for o in codecs if o != c]   # a muted talker's tones too: must fail
        want_low = [low[o] for o in others]
        wide = codec_of[c] in WIDEBAND
        want_high = [high[o] for o in others if o in high] if wide else []
        # the reference for what must be absent: the median of the other talkers' low tones
        # (a speech codec may weaken one, or a high tone), the floor when they are not heard;
        # a participant mixed into its own stream would be about as loud as they are
        ref = max(sorted(db[f] for f in want_low)[len(want_low) // 2], FLOOR)
        top_low = max(db[f] for f in want_low)
        problems = []
        for f in want_low:
            if db[f] < FLOOR or db[f] < top_low - LOW_SPREAD:
                problems.append("%d Hz %.1f dB" % (f, db[f]))
            elif secs_heard[f] < max(1, secs // 2):
                problems.append("%d Hz in %d s only" % (f, secs_heard[f]))
        heard_from = ", ".join("%s %d" % (o, low[o]) for o in others)
        check(not problems, "%s hears every other talker's tone (%s)%s" % (
            c, heard_from, "; not: " + ", ".join(problems) if problems else ""))
        if wide and want_high:
            problems = [("%d Hz %.1f dB" % (f, db[f])) for f in want_high
                        if db[f] < FLOOR or db[f] < top_low - HIGH_SPREAD]
            check(not problems,
                  "%s (wideband) hears the high tones of the other wideband talkers (%s)%s" % (
                      c, ", ".join("%s %d" % (o, high[o]) for o in others if o in high),
                      "; not: " + ", ".join(problems) if problems else ""))
        own = [] if c not in codecs else sends[c] if fault_kind != "echo" else \
            [low[c]] + ([high[c]] if c in high else [])
        loud = [f for f in own if db[f] > ref - SELF_MARGIN]
        if own:
            check(not loud, "%s does not hear itself: its tones %s are %s dB under the other "
                  "talkers (median; want >= %.0f)" % (c, "+".join(map(str, own)), ", ".join(
                      "%.1f" % (ref - db[f]) for f in own), SELF_MARGIN))
        if not wide and high:
            nb = [h for h in sorted(high.values())] + images
            loud = [f for f in nb if db[f] > ref - NB_MARGIN]
            check(not loud, "%s (narrowband) hears none of the high tones %s nor their images "
                  "%s (>= %.0f dB under the other talkers%s)" % (
                      c, ",".join(map(str, sorted(high.values()))), ",".join(map(str, images)),
                      NB_MARGIN, "; too loud: " + ", ".join(
                          "%d Hz %.1f dB" % (f, db[f]) for f in loud) if loud else ""))
    # ---- cohorts: listeners of one format get the same bytes; formats their own SSRCs --------
    cohorts = {}
    for c in names[len(codecs):]:
        cohorts.setdefault(codec_of[c], []).append(c)
    ssrc_of = {c: sorted(sums[c].get("ssrcs", {})) for c in names}
    for cod, members in cohorts.items():
        for o in members[1:]:
            w0, w1 = sums[members[0]].get("wire", {}), sums[o].get("wire", {})
            both = set(w0) & set(w1)
            same = sum(1 for q in both if w0[q] == w1[q])
            if a.keys == "bilateral":
                check(both and same == 0, "%s and %s (both %s, keys of their own) share no "
                      "packet: %d of %d sequence numbers byte-identical" % (
                          members[0], o, cod, same, len(both)))
            else:
                check(len(both) >= want_pkts and same >= 0.95 * len(both) and
                      ssrc_of[o] == ssrc_of[members[0]],
                      "%s and %s (one %s cohort) receive the same bytes: %d of %d sequence "
                      "numbers byte-identical, SSRCs %s and %s" % (
                          members[0], o, cod, same, len(both), ssrc_of[members[0]], ssrc_of[o]))
    if len(cohorts) > 1 and a.keys != "bilateral":
        firsts = {cod: ssrc_of[m[0]] for cod, m in cohorts.items()}
        flat = [x for v in firsts.values() for x in v]
        check(len(flat) == len(set(flat)) == len(firsts),
              "each cohort has an SSRC of its own under the group key (two-time pad): %s" % (
                  ", ".join("%s %s" % kv for kv in sorted(firsts.items()))))
    leaked = files_holding(a.lab_root, [b64(k).encode() for k in all_keys] + all_keys)
    check(not leaked, "no key in any file of the lab %s" % " ".join(leaked))
    return check.summary()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("director")
    director_args(d)
    d.add_argument("--media-ip", required=True, help="mrfpd's media address")
    d.add_argument("--peer", action="append", required=True,
                   help="participant i's address, in the order of --codecs")
    d.add_argument("--mp-addr", default="127.0.0.1", help="mrfpd's Mp address (LAB_MP_ADDR)")
    d.add_argument("--mgc-addr", default="127.0.0.1",
                   help="the MGC's address, this process's (LAB_MGC_ADDR; Mp over IPsec: "
                        "run in the MRFC's namespace)")
    d.add_argument("--codecs", default="pcmu,amr,amr-wb,opus,g722", help="the talkers")
    d.add_argument("--listeners", default="", help="codecs of SendOnly listeners (repeats: a "
                   "cohort), after the talkers' --peer addresses")
    d.add_argument("--keys", default="bilateral", choices=("bilateral", "hybrid"),
                   help="hybrid: the listeners share a group key made here")
    d.add_argument("--seconds", type=int, default=8, help="how long everyone talks")
    d.add_argument("--mixrate", default="auto", choices=("auto", "first", "8000", "16000", "48000"),
                   help="mrfp/mixrate of the conference: auto (the highest its codecs need), "
                        "first (none stated: mrfpd takes the first leg's), or a rate")
    d.add_argument("--fault", default="", help="mute:CODEC or echo:CODEC (the test must fail)")
    a = ap.parse_args()
    return director(a)


if __name__ == "__main__":
    sys.exit(main())
