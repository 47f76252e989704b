"""The MGC's side of Mp (H.248.1 text over UDP) for the tests and benchmarks, and an mrfpd on a
DPDK null (or pcap) port whose MGC is the calling process.

  Mgc      a UDP socket that plays the MGC: raw messages (ask: send, then the next reply,
           MG-originated requests skipped), numbered transactions (transact: T=N{body},
           retransmitted until Reply = N comes, acknowledged), ServiceChange and Notify
           requests answered, an Add with SDES keys and CHOOSE ($) written
  Mrfpd    an Mgc that also runs mrfpd (start, register, stop; its output collected)
  key, code, added: a fresh SDES key, the H.248.8 error code of a reply, the context and
           termination an Add reply names

The replies may carry keys (mrfpd's Local keys): nothing here prints or logs a message."""
import base64, os, re, signal, socket, subprocess, time

SUITE = "AES_CM_128_HMAC_SHA1_80"
_NOTIFY = re.compile(r"Transaction = (\d+) \{\s*Context = (\d+) \{\s*Notify = (\S+)")
_GREKEY = re.compile(r"mrfp/grekey\s*\{\s*reason\s*=\s*(\w+)")
_ADDED = re.compile(r"Context = (\d+) \{\s*Add = (rtp/\d+)")


def key():
    """A fresh AES_CM_128 master key and salt (30 bytes), base64 as in a=crypto inline:."""
    return base64.b64encode(os.urandom(30)).decode()


def code(reply):
    """The H.248.8 error code of a reply (Error = N, compact ER = N), or None."""
    m = re.search(r"\b(?:Error|ER)\s*=\s*(\d+)", reply or "")
    return int(m.group(1)) if m else None


def added(reply):
    """(context id, termination id) named by an Add reply, or (None, None)."""
    m = _ADDED.search(reply or "")
    return (m.group(1), m.group(2)) if m else (None, None)


class Mgc:
    """The MGC at host:mgc_port (a bound UDP socket, self.sock) talking to mrfpd at
    mg_host:mg_port (self.mg). tid: the last TransactionId transact() used."""

    def __init__(self, mgc_port, mg_port, host="127.0.0.1", mg_host="127.0.0.1", tid=100):
        self.mgc_port, self.mg_port, self.host = mgc_port, mg_port, host
        self.mg = (mg_host, mg_port)
        self.tid = tid
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, mgc_port))

    def hdr(self):
        """The message header: MEGACO/1 and this MGC's mId."""
        return "MEGACO/1 [%s]:%d\n" % (self.host, self.mgc_port)

    def close(self):
        self.sock.close()

    # ---- raw messages --------------------------------------------------------------------

    def send(self, msg):
        self.sock.sendto(msg if isinstance(msg, bytes) else msg.encode(), self.mg)

    def recv(self, timeout):
        """The next datagram (text, sender); socket.timeout after timeout s."""
        self.sock.settimeout(timeout)
        data, addr = self.sock.recvfrom(65535)
        return data.decode(errors="replace"), addr

    def datagrams(self, seconds):
        """Every datagram from mrfpd for seconds: [(text, sender)]."""
        got, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                break
            got.append((data.decode(errors="replace"), addr))
        return got

    def service_change(self, seconds, method):
        """The first ServiceChange request of mrfpd with method (Graceful, Forced...) within
        seconds, every ServiceChange answered: its text, or None."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for text, addr in self.datagrams(min(0.5, end - time.monotonic())):
                if "ServiceChange" in text and "Transaction" in text:
                    self.answer_sc(text, addr)
                    if re.search(r"Method = %s" % method, text):
                        return text
        return None

    def reply(self, timeout=5):
        """The next reply (MG-originated requests are skipped), or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                data, _ = self.recv(max(0.05, deadline - time.time()))
            except socket.timeout:
                return None
            if "Transaction" not in data.split("\n", 1)[-1][:40]:
                return data
        return None

    def ask(self, msg, timeout=5):
        """Send a whole message (header included); its reply or None."""
        self.send(msg)
        return self.reply(timeout)

    def add_msg(self, tid, ctx, remote_key, props="mrfp/keys = group", proto="RTP/SAVP",
                crypto=True, port=5000):
        """Transaction tid: Add = $ to context ctx, SendReceive with props; Local all CHOOSE
        (address, port, key: $); Remote 10.0.0.2:port with remote_key (no a=crypto line when
        not crypto)."""
        c = "a=crypto:1 %s inline:%s\n" % (SUITE, remote_key) if crypto else ""
        return (self.hdr() + "Transaction = %d { Context = %s { Add = $ { Media { "
                "Stream = 1 { LocalControl { Mode = SendReceive, %s }, Local {\nv=0\nc=IN IP4 $\n"
                "m=audio $ RTP/SAVP 0\na=crypto:1 %s inline:$\n}, Remote {\n"
                "v=0\nc=IN IP4 10.0.0.2\nm=audio %d %s 0\n%s} } } } } }\n"
                % (tid, ctx, props, SUITE, port, proto, c))

    def new_leg(self, tid, ctx="$", props="mrfp/keys = bilateral", port=5000):
        """Add a leg (add_msg, a fresh Remote key); (context id, termination id) or (None, None)."""
        return added(self.ask(self.add_msg(tid, ctx, key(), props=props, port=port)))

    def legs_in(self, tid, ctx):
        """Subtract = * on a context: how many legs it had (each returns its Statistics), -1
        on an error."""
        r = self.ask(self.hdr() + "T=%d{C=%s{S=*}}" % (tid, ctx)) or ""
        return r.count("Statistics") if code(r) is None else -1

    # ---- numbered transactions -----------------------------------------------------------

    def transact(self, body, timeout=5.0, resend=0.3, ack=True, on_other=None):
        """One transaction T=N{body} (N: the next tid), sent until its reply (Reply = N, or
        P = N in compact form) comes: again after resend s, then twice that..., once only
        with resend=None. The reply is acknowledged (K{N}) when ack and returned; None after
        timeout s. Any other datagram goes to on_other(text, sender)."""
        self.tid += 1
        tid = self.tid
        msg = (self.hdr() + "T=%d{%s}" % (tid, body)).encode()
        want = re.compile(r"\b(Reply|P)\s*=\s*%d\b" % tid)
        deadline, nxt, wait = time.monotonic() + timeout, 0.0, resend
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None
            if nxt is not None and now >= nxt:
                self.sock.sendto(msg, self.mg)
                nxt = now + wait if wait else None
                wait = wait * 2 if wait else None
            self.sock.settimeout(max(0.005, min(nxt or deadline, deadline) - now))
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            text = data.decode(errors="replace")
            if want.search(text):
                if ack:
                    self.sock.sendto((self.hdr() + "K{%d}" % tid).encode(), self.mg)
                return text
            if on_other is not None:
                on_other(text, addr)

    # ---- requests from mrfpd -------------------------------------------------------------

    def reply_sc(self, tid, addr, extra=""):
        """Answer ServiceChange tid (Services: this MGC's port, then extra, e.g.
        ", MgcIdToTry = [127.0.0.2]:2946")."""
        self.sock.sendto((self.hdr() + "Reply = %s { Context = - { ServiceChange = ROOT { "
                          "Services { ServiceChangeAddress = %d%s } } } }\n"
                          % (tid, self.mgc_port, extra)).encode(), addr)

    def answer_sc(self, text, addr, extra=""):
        """Answer the ServiceChange request text came in; its TransactionId (None: none)."""
        m = re.search(r"Transaction = (\d+)", text)
        if m:
            self.reply_sc(m.group(1), addr, extra)
        return m.group(1) if m else None

    def register(self, timeout=30):
        """Wait for mrfpd's ServiceChange (EAL start and mlockall take seconds) and answer it;
        its text (socket.timeout when none comes)."""
        text, addr = self.recv(timeout)
        self.answer_sc(text, addr)
        return text

    def answer_notify(self, text, addr):
        """Answer a Notify request (every retransmission too): (its TransactionId, the
        mrfp/grekey reason or None); None when text is no Notify request."""
        m = _NOTIFY.search(text)
        if m is None:
            return None
        self.sock.sendto((self.hdr() + "Reply = %s { Context = %s { Notify = %s } }"
                          % m.groups()).encode(), addr)
        r = _GREKEY.search(text)
        return m.group(1), (r.group(1) if r else None)


class Mrfpd(Mgc):
    """mrfpd on a DPDK vdev (net_null0 by default; no NIC, no hugepages, media 10.0.0.1/24)
    with Mp on 127.0.0.1:mg_port and this object as its MGC (insecure-lab: no IPsec).
    cores and eal: EAL options (the lcores; log levels...); extra: mrfpd's own options.
    output: "all" (stdout and stderr kept), "stderr" (stderr only) or None; stop() returns
    what was kept, self.out all of it over restarts. prefix: the DPDK runtime directory of the
    process of the moment (also the telemetry socket's)."""

    def __init__(self, binary, mgc_port, mg_port, extra=(), eal=(), cores=("-l", "0-1"),
                 vdev="net_null0", mem=512, name="mp", output="all", tid=100):
        super().__init__(mgc_port, mg_port, tid=tid)
        self.binary, self.extra, self.eal, self.cores = binary, list(extra), list(eal), list(cores)
        self.vdev, self.mem, self.name, self.output = vdev, mem, name, output
        self.proc, self.prefix, self.out = None, None, ""

    def argv(self):
        return ([self.binary, "--no-huge", "-m", str(self.mem), "--no-pci", "--file-prefix",
                 self.prefix, "--vdev", self.vdev] + self.cores + self.eal +
                ["--", "--media-ip", "10.0.0.1/24", "--mp-port", str(self.mg_port),
                 "--mgc", "127.0.0.1:%d" % self.mgc_port, "--insecure-lab", "yes"] + self.extra)

    def start(self):
        self.prefix = "mrfp-%s-%d-%d" % (self.name, os.getpid(), int(time.time() * 1000) % 100000)
        streams = {"all": (subprocess.PIPE, subprocess.STDOUT),
                   "stderr": (subprocess.DEVNULL, subprocess.PIPE),
                   None: (subprocess.DEVNULL, subprocess.DEVNULL)}[self.output]
        self.proc = subprocess.Popen(self.argv(), stdout=streams[0], stderr=streams[1], text=True)

    def run(self, check, steps):
        """start; register; step(self) for each of steps (a socket.timeout fails check); mrfpd
        stopped and the socket closed whatever happens. What mrfpd wrote."""
        out = ""
        try:
            self.start()
            self.register()
            for step in steps:
                step(self)
        except socket.timeout as e:
            check(False, "timed out: %s" % e)
        finally:
            out = self.stop()
            self.close()
        return out

    def stop(self, timeout=15):
        """SIGTERM (SIGKILL after timeout s), its runtime directory removed; what it wrote."""
        if self.proc is None:
            return ""
        self.proc.send_signal(signal.SIGTERM)
        try:
            outs = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            outs = self.proc.communicate()
        subprocess.run(["rm", "-rf", "/var/run/dpdk/" + self.prefix])
        self.proc = None
        out = "".join(x for x in outs if x)
        self.out += out
        return out
