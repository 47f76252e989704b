#!/usr/bin/python3
"""A hybrid-keyed mix conference whose every key the MRFC chooses, checked on the wire by an
independent SRTP (tests/pylib/mrfptest/srtp.py). tests/e2e/hybrid_keys.sh runs this in the lab
of tests/e2e/lab.sh (mrfpd on net_af_packet in one namespace, the participants in another),
once over IPv4 and once over IPv6.

  hybrid_keys.py director --peers-ns NS --prefix P --dir D --lab-root R --media-ip IP
                          --peer IP ... [--family 4|6] [--seconds S]
      (mrfpd's namespace) The MRFC (raw H.248 from 127.0.0.1:2945) and the clock. Talkers A
      and B are real ffmpeg participants (SRTP send and receive, symmetric through the lab's
      relay), listeners L1, L2 and the joiner L3 only receive. The MRFC makes every key: A's
      and B's Local keys (no MKI: ffmpeg has none), the group keys G1, G2, G3 (MKI 1, 2, 3,
      lifetime 2^31) and the participants' send keys; mrfp/keys=hybrid, mrfp/rekey=both.
        A   Add (creates the conference): Local A's key, then G1 (the group key)
        B   Add: Local B's key            L1, L2  Add (SendOnly): Local G1
        join   L3 Add (SendOnly, Local key $: the reply names G1, which the MRFC keeps from
               it), Notify mrfp/grekey (join) awaited, then G2: install on L3 {G1,G2},
               switch on L1 {G2,G1}, retire on L3 {G2}; the joiner is given G2 only
        leave  L2 Subtract, Notify mrfp/grekey (leave) awaited, then G3: install on L1
               {G2,G3}, switch on L3 {G3,G2}, retire on L1 {G3}
      tcpdump records the participants' side of the veth; every RTP packet mrfpd sent is then
      tried under every key. Checks (one "ok"/"FAIL" line each): the replies name exactly
      the keys the model says (a talker its own key only, a listener the group key); a
      talker's packets open under its own key only (not the group keys, not the other
      talker's); a listener's under exactly one group key, in the order G1, G2, G3 and under
      the one switched in; the joiner's keys (G2, G3) open no packet sent before G2 was
      switched in; the leaver's (G1, G2 and its own send key) none captured after G3 was,
      and no packet goes to the leaver after its Subtract; the talkers hear each other, the
      listeners (decrypted here with the keys each was given) both talkers; mrfpd's worker
      counts no SRTP failure; IPv6: the replies' c=IN IP6 is mrfpd's address, mrfpd
      answered neighbour discovery (nd_replies) and the participants' kernel holds its
      link-layer address; no key in any file of the lab.
Exit: 0 pass, 1 fail."""
import argparse, base64, math, os, re, signal, socket, struct, subprocess, sys, time, wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import pcap, srtp, telemetry  # noqa: E402
from mrfptest.checks import Checks, files_holding  # noqa: E402
from mrfptest.lab import director_args  # noqa: E402
from mrfptest.mp import Mgc, code as err_code  # noqa: E402

SUITE = "AES_CM_128_HMAC_SHA1_80"
MKI_LEN = 2
LIFETIME = "2^31"
HERE = os.path.dirname(os.path.abspath(__file__))
TONES = {"A": 880, "B": 1870}
NAMES = ["A", "B", "L1", "L2", "L3"]     # participant i of the lab: its address is --peer i
MARGIN = 0.1   # s: packets in flight when a Modify or Subtract is answered
_CRYPTO = re.compile(r"a=crypto:(\d+)\s+(\S+)\s+inline:([^\s|]+)((?:\|[^\s|]+)*)")


def b64(k):
    return base64.b64encode(k).decode()


def ulaw_decode(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


ULAW = [ulaw_decode(i) for i in range(256)]


class Mp(Mgc):
    """Raw H.248 to mrfpd; Notify requests meanwhile are answered and kept (time, reason)."""

    def __init__(self, mp_port, mgc_port):
        super().__init__(mgc_port, mp_port)
        self.notifies, self.seen = [], set()

    def _take(self, data, addr):
        n = self.answer_notify(data, addr)
        if n is None or n[0] in self.seen:
            return
        self.seen.add(n[0])
        self.notifies.append((time.time(), n[1] or "other"))

    def poll(self, secs):
        deadline = time.monotonic() + secs
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                data, addr = self.recv(max(0.005, left))
            except socket.timeout:
                return
            self._take(data, addr)

    def transact(self, body, timeout=5.0):
        return super().transact(body, timeout, on_other=self._take)


def local_of(reply):
    """The Local descriptor of a reply: {"c": (family, address), "port", "crypto": [(tag,
    key bytes, mki or None)]}; None when the reply has none."""
    m = re.search(r"\bL(?:ocal)?\s*\{([^}]*)\}", reply or "")
    if m is None:
        return None
    s = m.group(1)
    c = re.search(r"c=IN IP([46]) (\S+)", s)
    p = re.search(r"m=audio (\d+)", s)
    crypto = []
    for tag, _suite, key, params in _CRYPTO.findall(s):
        mki = None
        for x in params.split("|")[1:]:
            if ":" in x:
                mki = int(x.split(":")[0])
        try:
            crypto.append((int(tag), base64.b64decode(key), mki))
        except ValueError:
            crypto.append((int(tag), b"", mki))
    return {"c": (c.group(1), c.group(2)) if c else None, "port": int(p.group(1)) if p else None,
            "crypto": crypto}


def frames(path, media_ip):
    """(time, dst address, dst port, UDP payload) of every UDP datagram from media_ip."""
    want4 = socket.inet_pton(socket.AF_INET, media_ip) if ":" not in media_ip else None
    want6 = socket.inet_pton(socket.AF_INET6, media_ip) if ":" in media_ip else None
    for t, lt, f in pcap.records(path):
        if lt != pcap.LINKTYPE_ETHERNET or len(f) < 14:
            continue
        et, p = struct.unpack("!H", f[12:14])[0], f[14:]
        if et == 0x0800 and want4 and len(p) >= 20 and p[9] == 17 and p[12:16] == want4:
            ihl = (p[0] & 0x0F) * 4
            dst, udp = socket.inet_ntop(socket.AF_INET, p[16:20]), p[ihl:]
        elif et == 0x86DD and want6 and len(p) >= 40 and p[6] == 17 and p[8:24] == want6:
            dst, udp = socket.inet_ntop(socket.AF_INET6, p[24:40]), p[40:]
        else:
            continue
        if len(udp) >= 8:
            yield t, dst, struct.unpack("!H", udp[2:4])[0], udp[8:struct.unpack("!H", udp[4:6])[0]]


def director(a):
    check = Checks()
    fam = a.family
    ipv = "IP6" if fam == 6 else "IP4"
    peer = dict(zip(NAMES, a.peer))
    idx = {n: i for i, n in enumerate(NAMES)}
    rx_port = {n: 5002 + 10 * idx[n] for n in NAMES}          # the participant on the wire

    def log(s):
        print("[hybrid%d %s] %s" % (fam, time.strftime("%T"), s), flush=True)

    def host(ip):
        return "[%s]" % ip if ":" in ip else ip

    # every key, made here: Local keys (mrfpd -> talker), group keys, send keys (-> mrfpd)
    own = {n: os.urandom(30) for n in ("A", "B")}
    up = {n: os.urandom(30) for n in NAMES}
    G = {1: os.urandom(30), 2: os.urandom(30), 3: os.urandom(30)}
    all_keys = list(own.values()) + list(up.values()) + list(G.values())
    given = {"L1": {1}, "L2": {1}, "L3": set()}                # group keys each listener has
    procs, ev, rx = [], {}, {}
    mp = Mp(a.mp_port, a.mgc_port)
    legs = {}                                                 # name -> (term, port)
    ctx = "$"
    cap_file = os.path.join(a.dir, "wire.pcap")

    def spawn(name, argv, stdin=None, stdout=subprocess.DEVNULL):
        p = subprocess.Popen(["timeout", "-k", "3", str(a.seconds + 60), "ip", "netns", "exec",
                              a.peers_ns] + argv, stdin=stdin, stdout=stdout,
                             stderr=open(os.path.join(a.dir, name + ".err"), "w"))
        procs.append(p)
        return p

    def crypto_line(tag, k, mki=None):
        return "a=crypto:%d %s inline:%s%s\n" % (tag, SUITE, "$" if k is None else b64(k),
                                                 "" if mki is None else "|%s|%d:%d" % (LIFETIME, mki, MKI_LEN))

    def gset(mkis, port=None):
        where = "c=IN %s $\nm=audio $ RTP/SAVP 0\n" % ipv if port is None else \
            "c=IN %s %s\nm=audio %d RTP/SAVP 0\n" % (ipv, a.media_ip, port)
        return "v=0\n" + where + "".join(crypto_line(i + 1, G[m], m) for i, m in enumerate(mkis))

    def add(name, mode, local_crypto, props=""):
        nonlocal ctx
        local = "v=0\nc=IN %s $\nm=audio $ RTP/SAVP 0\n%s" % (ipv, local_crypto)
        remote = "v=0\nc=IN %s %s\nm=audio %d RTP/SAVP 0\n%s" % (ipv, peer[name], rx_port[name],
                                                                  crypto_line(1, up[name]))
        r = mp.transact("C=%s{A=${M{ST=1{O{MO=%s%s},L{\n%s},R{\n%s}}}}}" % (ctx, mode, props,
                                                                           local, remote))
        m = re.search(r"(?:Context|C)\s*=\s*(\d+)\s*\{\s*(?:Add|A)\s*=\s*(rtp/\d+)", r or "")
        lo = local_of(r)
        ok = m is not None and err_code(r) is None and lo is not None and lo["port"]
        check(ok, "%s: Add (%s) accepted%s" % (name, mode, "" if ok else " -> %s" % (
            "no reply" if r is None else "error %s" % err_code(r) if err_code(r) else
            "no context, termination or Local port")))
        if not ok:
            raise RuntimeError("Add of %s" % name)
        ctx = m.group(1)
        legs[name] = (m.group(2), lo["port"])
        check(lo["c"] == (str(fam), a.media_ip), "%s: the reply's Local c=IN %s is mrfpd's media "
              "address %s (%s)" % (name, ipv, a.media_ip, lo["c"]))
        return lo

    def names_keys(name, lo, want, what):
        """The reply's Local names exactly want (list of (key, mki)), first tag 1."""
        got = [(k, mki) for _, k, mki in lo["crypto"]]
        tags = [t for t, _, _ in lo["crypto"]]
        check(got == want and tags[:1] == [1],
              "%s: the reply's Local names %s only (%d line(s), tags %s%s)" % (
                  name, what, len(got), tags,
                  "" if got == want else "; differs: " + ", ".join(
                      "%s%s" % (label_of(k), "" if mki is None else "/MKI %d" % mki)
                      for k, mki in got)))

    def label_of(k):
        for n, v in own.items():
            if v == k:
                return "%s's key" % n
        for m, v in G.items():
            if v == k:
                return "G%d" % m
        return "a key the MRFC did not make"

    def modify(name, mkis, what):
        term, port = legs[name]
        t0 = time.time()
        r = mp.transact("C=%s{MF=%s{M{ST=1{L{\n%s}}}}}" % (ctx, term, gset(mkis, port)))
        ok = r is not None and err_code(r) is None
        check(ok, "%s: Modify of %s's Local {%s} accepted%s" % (
            what, name, ",".join("G%d" % m for m in mkis),
            "" if ok else " -> %s" % ("no reply" if r is None else "error %s" % err_code(r))))
        return t0, time.time()

    def await_grekey(since, reason):
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            got = [r for t, r in mp.notifies if t >= since]
            if got:
                break
            mp.poll(0.05)
        got = [r for t, r in mp.notifies if t >= since]
        check(reason in got or "both" in got,
              "Notify mrfp/grekey asks for a new group key after the %s (%s)" % (
                  reason, got or "none within 3 s"))

    def relay(name):
        i = idx[name]
        return spawn("relay-" + name, [sys.executable, "-u", os.path.join(HERE, "relay.py"),
                                       a.media_ip, "%s,%d,%d,%d,%d" % (
                                           peer[name], rx_port[name], 5004 + 10 * i,
                                           5006 + 10 * i, legs[name][1])],
                     stdout=subprocess.PIPE)

    def wait_ready(p, name):
        line = p.stdout.readline().decode(errors="replace")
        check(line.startswith("relay ready"), "%s: the relay runs (%s)" % (name, line.strip() or "no"))

    def talker_rx(name, secs):
        i, loop = idx[name], "::1" if fam == 6 else "127.0.0.1"
        sdp = ("v=0\no=- 0 0 IN %s %s\ns=hybrid-%s\nc=IN %s %s\nt=0 0\nm=audio %d RTP/SAVP 0\n"
               "a=rtpmap:0 PCMU/8000\n%s" % (ipv, loop, name, ipv, loop, 5006 + 10 * i,
                                              crypto_line(1, own[name])))
        p = spawn("rx-" + name, ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-y",
                                 "-protocol_whitelist", "pipe,udp,rtp,srtp,crypto",
                                 "-listen_timeout", "4", "-localaddr", peer[name], "-f", "sdp",
                                 "-i", "pipe:0", "-t", str(secs), "-c:a", "pcm_s16le",
                                 os.path.join(a.dir, "heard-%s.wav" % name)], stdin=subprocess.PIPE)
        p.stdin.write(sdp.encode())
        p.stdin.close()
        return p

    def talker_tx(name, secs):
        i = idx[name]
        spawn("tx-" + name, ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re",
                             "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=8000:"
                             "samples_per_frame=160" % TONES[name], "-t", str(secs),
                             "-c:a", "pcm_mulaw", "-ssrc", str(0x10000 + i), "-f", "rtp",
                             "-srtp_out_suite", SUITE, "-srtp_out_params", b64(up[name]),
                             "srtp://%s:%d?localrtpport=%d&localaddr=%s" % (
                                 host(peer[name]), 5004 + 10 * i, 5000 + 10 * i, peer[name])])

    cap = None
    secs = a.seconds
    try:
        cap = subprocess.Popen(["timeout", "-k", "3", str(secs + 90), "ip", "netns", "exec",
                                a.peers_ns, "tcpdump", "-i", "vpeer", "-n", "-U", "-Z", "root",
                                "-s", "0", "-w", cap_file, "udp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = cap.stderr.readline().decode(errors="replace")
        if not check("listening on" in line, "tcpdump records vpeer (%s)" % line.strip()):
            return check.summary()
        # -- the conference: every key chosen here ------------------------------------------
        props = (",mrfp/media=mix,mrfp/keys=hybrid,mrfp/ptime=20,mrfp/rekey=both,"
                 "mrfp/rekeywin=100")
        lo = add("A", "SR", crypto_line(1, own["A"]) + crypto_line(2, G[1], 1), props)
        names_keys("A", lo, [(own["A"], None)], "A's own key (not G1)")
        lo = add("B", "SR", crypto_line(1, own["B"]))
        names_keys("B", lo, [(own["B"], None)], "B's own key")
        lo = add("L1", "SO", crypto_line(1, G[1], 1))
        names_keys("L1", lo, [(G[1], 1)], "the group key G1")
        lo = add("L2", "SO", crypto_line(1, G[1], 1))
        names_keys("L2", lo, [(G[1], 1)], "the group key G1")
        mp.poll(0.3)
        mp.notifies.clear()   # the first members' joins (the conference had no key to renew)
        log("context %s: talkers A %s, B %s; listeners L1, L2 (G1)" % (
            ctx, legs["A"][0], legs["B"][0]))
        relays = {n: relay(n) for n in ("A", "B", "L1", "L2")}
        for n, p in relays.items():
            wait_ready(p, n)
        for n in ("A", "B"):   # they end on their own (-t) just after the talk
            rx[n] = talker_rx(n, secs + 1)
        time.sleep(0.5)
        ev["talk"] = time.time()
        for n in ("A", "B"):
            talker_tx(n, secs)
        mp.poll(secs * 0.25)
        # -- join: L3, then G2 ---------------------------------------------------------------
        ev["join"] = time.time()
        lo = add("L3", "SO", crypto_line(1, None))
        names_keys("L3", lo, [(G[1], 1)], "the group key in use, G1 (Local key $)")
        relays["L3"] = relay("L3")
        wait_ready(relays["L3"], "L3")
        await_grekey(ev["join"], "join")
        ev["install2"], _ = modify("L3", [1, 2], "join rekey: install G2")
        given["L3"].add(2)
        for n in ("L1", "L2"):
            given[n].add(2)
        mp.poll(0.3)
        ev["switch2"], ev["switch2_done"] = modify("L1", [2, 1], "join rekey: switch to G2")
        mp.poll(0.5)
        modify("L3", [2], "join rekey: retire G1")
        log("join: L3 %s; G2 in use" % legs["L3"][0])
        mp.poll(secs * 0.2)
        # -- leave: L2, then G3 --------------------------------------------------------------
        ev["leave"] = time.time()
        r = mp.transact("C=%s{S=%s}" % (ctx, legs["L2"][0]))
        ev["leave_done"] = time.time()
        check(r is not None and err_code(r) is None, "L2: Subtract accepted (%s)" % (
            "no reply" if r is None else err_code(r) or "Statistics %s" % ("Statistics" in r)))
        relays["L2"].send_signal(signal.SIGTERM)
        await_grekey(ev["leave"], "leave")
        modify("L1", [2, 3], "leave rekey: install G3")
        for n in ("L1", "L3"):
            given[n].add(3)
        mp.poll(0.3)
        ev["switch3"], ev["switch3_done"] = modify("L3", [3, 2], "leave rekey: switch to G3")
        mp.poll(0.5)
        modify("L1", [3], "leave rekey: retire G2")
        log("leave: L2 gone; G3 in use")
        left = ev["talk"] + secs + 1.5 - time.time()
        if left > 0:
            mp.poll(left)
        wk = telemetry.query(a.prefix, "/mrfp/worker,0")
        r = mp.transact("C=%s{S=*}" % ctx)
        check(r is not None and err_code(r) is None, "Subtract = * of the conference accepted")
        ev["end"] = time.time()
        for n, p in rx.items():   # a receiver stopped by a signal may leave no WAV at all
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log("talker %s's receiver did not end by itself" % n)
    except RuntimeError as e:
        log("stopped early: %s" % e)
        wk = {}
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=8)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if cap is not None:
            time.sleep(0.3)
            cap.send_signal(signal.SIGINT)
            try:
                cap.wait(timeout=5)
            except subprocess.TimeoutExpired:
                cap.kill()
                cap.wait()
        mp.close()
    if "end" not in ev:
        return check.summary()

    # ---- the capture, under every key ---------------------------------------------------
    keys = {"A": srtp.Key(own["A"]), "B": srtp.Key(own["B"])}
    keys.update({"G%d" % m: srtp.Key(G[m], m.to_bytes(MKI_LEN, "big")) for m in G})
    keys.update({"up-" + n: srtp.Key(up[n]) for n in NAMES})
    addr_of = {v: n for n, v in peer.items()}
    flows = {n: [] for n in NAMES}         # (time, opened-by list, plain) per RTP packet
    rocs = {}
    for t, dst, dport, pl in frames(cap_file, a.media_ip):
        n = addr_of.get(dst)
        if n is None or dport != rx_port[n] or len(pl) < 12 or pl[0] >> 6 != 2:
            continue   # RTCP (odd port) and anything else
        seq, ssrc = struct.unpack("!H", pl[2:4])[0], struct.unpack("!I", pl[8:12])[0]
        tr = rocs.setdefault((n, ssrc), srtp.RocTracker())
        v = tr.guess(seq)
        opened, plain = [], None
        for kn, k in keys.items():
            x = k.unprotect(pl, v)
            if x is not None:
                opened.append(kn)
                plain = x
        tr.update(seq, v)
        flows[n].append((t, opened, plain))
    t_end = ev["end"]
    print("--- packets from mrfpd per participant: opened under ... ---")
    for n in NAMES:
        by = {}
        for _, o, _ in flows[n]:
            by["+".join(o) or "nothing"] = by.get("+".join(o) or "nothing", 0) + 1
        print("  %-2s %5d  %s" % (n, len(flows[n]), by))

    # talkers: their own key, only
    talk_s = ev["switch3_done"] - ev["talk"]
    for n in ("A", "B"):
        pk = [f for f in flows[n] if f[0] < t_end]
        bad = [o for _, o, _ in pk if o != [n]]
        check(len(pk) >= 25 * talk_s and not bad,
              "%s's personal stream: %d packets, every one opens under %s's own key and under "
              "no other (the group keys, the other talker's): %d do not (%s)" % (
                  n, len(pk), n, len(bad), sorted(set("+".join(o) or "nothing" for o in bad))))
    # listeners: exactly one group key each, in order, the one switched in
    order = {"G1": 1, "G2": 2, "G3": 3}
    for n in ("L1", "L2", "L3"):
        pk = [f for f in flows[n] if f[0] < t_end]
        one = [o[0] for _, o, _ in pk if len(o) == 1 and o[0] in order]
        seq = [order[x] for x in one]
        check(len(pk) >= 100 and len(one) == len(pk) and seq == sorted(seq),
              "%s: %d packets, each opens under exactly one group key and no talker's key (%d "
              "do not), G1 -> G2 -> G3 in order" % (n, len(pk), len(pk) - len(one)))
    # the switches took effect
    for m, t0, t1 in ((2, ev["switch2"], ev["switch2_done"]), (3, ev["switch3"], ev["switch3_done"])):
        for n in ("L1", "L3"):
            old_t = [tt for tt, o, _ in flows[n] if o == ["G%d" % (m - 1)]]
            new_t = [tt for tt, o, _ in flows[n] if o == ["G%d" % m]]
            print("  switch to G%d (Modify sent, answered %+.0f ms): %s's last packet under G%d "
                  "%s, first under G%d %s" % (
                      m, 1000 * (t1 - t0), n, m - 1,
                      "%+.0f ms" % (1000 * (max(old_t) - t0)) if old_t else "-", m,
                      "%+.0f ms" % (1000 * (min(new_t) - t0)) if new_t else "-"))
    for m, t in ((2, ev["switch2_done"]), (3, ev["switch3_done"])):
        after = [o for n in ("L1", "L3") for tt, o, _ in flows[n] if t + MARGIN < tt < t_end]
        later = [o for o in after if o != ["G%d" % m] and (m == 3 or o != ["G3"])]
        check(after and not later,
              "after G%d was switched in, the listeners' packets open under G%d (or a later "
              "key) only: %d packets, %d do not" % (m, m, len(after), len(later)))
    # backward secrecy: the joiner's keys (G2, G3) open nothing sent before G2 was switched in
    early = [(n, tt) for n in NAMES for tt, o, _ in flows[n] if tt < ev["switch2"] and
             ({"G2", "G3"} & set(o))]
    before = sum(1 for n in NAMES for tt, _, _ in flows[n] if tt < ev["switch2"])
    check(before > 0 and not early,
          "join: the joiner's keys (G2, G3) open none of the %d packets sent before G2 was "
          "switched in (%d do)" % (before, len(early)))
    l3_before = [o for tt, o, _ in flows["L3"] if tt < ev["switch2"]]
    print("  (the joiner's %d packets before the switch are under %s: it cannot hear them)" % (
        len(l3_before), sorted(set("+".join(o) for o in l3_before))))
    # forward secrecy: the leaver's keys open nothing after G3 was switched in
    leaver = {"G%d" % m for m in given["L2"]} | {"up-L2"}
    late = [(n, tt) for n in NAMES for tt, o, _ in flows[n]
            if tt > ev["switch3_done"] + MARGIN and leaver & set(o)]
    after = sum(1 for n in NAMES for tt, _, _ in flows[n] if tt > ev["switch3_done"] + MARGIN)
    last = max([tt for n in NAMES for tt, o, _ in flows[n] if leaver & set(o)], default=None)
    check(after > 0 and not late,
          "leave: the leaver's keys (%s) open none of the %d packets after G3 was switched in "
          "(%d do; the last they open was %s)" % (
              ",".join(sorted(leaver)), after, len(late), "none" if last is None else
              "%+.0f ms from the switch's reply" % (1000 * (last - ev["switch3_done"]))))
    to_l2 = [tt for tt, _, _ in flows["L2"] if tt > ev["leave_done"] + MARGIN]
    check(not to_l2, "leave: no packet to L2 after its Subtract (%d)" % len(to_l2))
    # what each one heard
    for n, other in (("A", "B"), ("B", "A")):
        wav = os.path.join(a.dir, "heard-%s.wav" % n)
        r = subprocess.run([sys.executable, os.path.join(HERE, "analyze.py"), "tones", wav,
                            "--tones", "%d,%d" % (TONES["A"], TONES["B"]),
                            "--present", str(TONES[other]), "--absent", str(TONES[n]),
                            "--margin", "25", "--min-seconds", str(max(1, int(talk_s / 2))),
                            "--label", "talker %s (ffmpeg, its own key)" % n, "--brief"],
                           capture_output=True, text=True)
        print(r.stdout.strip())
        check(r.returncode == 0, "talker %s (ffmpeg) hears %s and not itself" % (n, other))
    for n in ("L1", "L2", "L3"):
        have = {"G%d" % m for m in given[n]}
        pcm = []
        for _, o, plain in sorted(flows[n], key=lambda f: f[0]):
            if o and o[0] in have and plain is not None:
                pcm.extend(ULAW[b] for b in plain[12 + 4 * (plain[0] & 0x0F):])
        wav = os.path.join(a.dir, "heard-%s.wav" % n)
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack("<%dh" % len(pcm), *pcm))
        r = subprocess.run([sys.executable, os.path.join(HERE, "analyze.py"), "tones", wav,
                            "--tones", "%d,%d" % (TONES["A"], TONES["B"]),
                            "--present", "%d,%d" % (TONES["A"], TONES["B"]), "--min-seconds", "1",
                            "--label", "listener %s (our SRTP, keys %s)" % (n, sorted(have)),
                            "--brief"], capture_output=True, text=True)
        print(r.stdout.strip())
        check(r.returncode == 0, "listener %s, decrypting with the group keys it was given "
              "(%s), hears both talkers" % (n, ",".join(sorted(have))))
    check(wk.get("srtp_auth_fail", 0) == 0 and wk.get("srtp_unknown_mki", 0) == 0,
          "mrfpd's worker: srtp_auth_fail %s, srtp_unknown_mki %s, rx_pkts %s" % (
              wk.get("srtp_auth_fail"), wk.get("srtp_unknown_mki"), wk.get("rx_pkts")))
    if fam == 6:
        check(wk.get("nd_replies", 0) > 0,
              "IPv6: mrfpd answered neighbour discovery (worker nd_replies %s)" % wk.get("nd_replies"))
        nb = subprocess.run(["ip", "-n", a.peers_ns, "-6", "neigh", "show", a.media_ip],
                            capture_output=True, text=True).stdout.strip()
        check("lladdr" in nb, "IPv6: the participants' kernel knows mrfpd's link-layer address "
              "(%s)" % (nb or "no neighbour entry"))
    leaked = files_holding(a.lab_root, [b64(k).encode() for k in all_keys] + all_keys)
    check(not leaked, "no key in any file of the lab %s" % " ".join(leaked))
    return check.summary()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("director")
    director_args(d)
    d.add_argument("--media-ip", required=True, help="mrfpd's media address of this family")
    d.add_argument("--peer", action="append", required=True,
                   help="participant i's address (A, B, L1, L2, L3 in that order)")
    d.add_argument("--family", type=int, choices=(4, 6), default=4)
    d.add_argument("--seconds", type=int, default=14, help="how long the talkers talk")
    a = ap.parse_args()
    if len(a.peer) != len(NAMES):
        ap.error("--peer: %d addresses" % len(NAMES))
    return director(a)


if __name__ == "__main__":
    sys.exit(main())
