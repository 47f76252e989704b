#!/usr/bin/python3
"""The metrics endpoint of a running mrfpd (a TAP port, Mp in insecure-lab with this process
as the MGC), scraped by a real Prometheus: /ready 503 before the MGC answered the registration
and 200 after, /health 200; a switched call whose SRTP this process writes and reads on the TAP
interface (AF_PACKET): the SRTP success counters grow by exactly what the call's packets and
its Statistics say; /metrics valid for `promtool check metrics` (text format) and for
Prometheus (OpenMetrics, negotiated), a mixed conference created over Mp found by a PromQL
query whose mix ticks move, and the call's SRTP successes found by another. Prometheus has
its own temp config and TSDB, listens on loopback and is killed by its PID. Last, a drain (the
MGC's ServiceChange Graceful on ROOT): /ready 200 before it, 503 "draining" while the call is
up (/health still 200), and once the call is subtracted mrfpd's ServiceChange Forced, then its
exit 0.
Usage: metrics.py MRFPD  (root for DPDK and the TAP interface; loopback only; ~25 s)"""
import base64, json, os, re, shutil, signal, socket, struct, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, added, code, key  # noqa: E402
from mrfptest import srtp  # noqa: E402

MGC_PORT = 31450 + os.getpid() % 500
MG_PORT = MGC_PORT + 500
HTTP_PORT = MGC_PORT + 1000
PROM_PORT = MGC_PORT + 1500
# The media port: a TAP interface (the kernel side is this process's participant), mrfpd's MAC
# fixed, and the participant's MAC given to mrfpd as a static neighbour (no ARP to answer).
TAP = "mrfpm%d" % (os.getpid() % 100000)
MRFPD_MAC = bytes.fromhex("02006d727001")
PEER_MAC = bytes.fromhex("02006d727002")
VDEV = "net_tap0,iface=%s,mac=%s" % (TAP, ":".join("%02x" % b for b in MRFPD_MAC))
PEER, MEDIA = "10.0.0.2", "10.0.0.1"
CALL_PACKETS = 200
check = Checks()


def missing(what):
    """missing.sh's rule: skipped (77) on a developer's machine, a failure under CI=true."""
    print("metrics: %s missing (scripts/setup.sh installs it)" % what)
    return 1 if os.environ.get("CI") == "true" else 77


def get(port, path, accept=None, timeout=3):
    """(status, body, content type) of GET http://127.0.0.1:port/path."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type", "")


def wait_http(port, path, seconds):
    """The first answer to GET path within seconds, or None."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            return get(port, path)
        except OSError:
            time.sleep(0.1)
    return None


def promql(query):
    """The result vector of an instant query over Prometheus' HTTP API."""
    _, body, _ = get(PROM_PORT, "/api/v1/query?query=" + urllib.parse.quote(query))
    try:
        data = json.loads(body)
    except ValueError:  # a starting Prometheus answers 503 in plain text
        return []
    return data["data"]["result"] if data.get("status") == "success" else []


def poll_promql(query, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            r = promql(query)
        except OSError:  # Prometheus still starting
            r = []
        if r:
            return r
        time.sleep(0.5)
    return []


def start_prometheus(tmp):
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: mrfpd\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % HTTP_PORT)
    log = open(os.path.join(tmp, "prometheus.log"), "w")
    return subprocess.Popen(["prometheus", "--config.file", cfg,
                             "--storage.tsdb.path", os.path.join(tmp, "tsdb"),
                             "--web.listen-address", "127.0.0.1:%d" % PROM_PORT],
                            stdout=log, stderr=subprocess.STDOUT)


def before_registration(d):
    r = wait_http(HTTP_PORT, "/ready", 30)
    check(r is not None and r[0] == 503 and "not registered" in r[1],
          "/ready 503 before the MGC answered the registration: %r" % (r,))
    r = get(HTTP_PORT, "/health")
    check(r[0] == 200, "/health 200 while running: %r" % (r[1].strip(),))


def after_registration(d):
    r = None
    for _ in range(20):  # the reply is read on the next control loop iteration
        r = get(HTTP_PORT, "/ready")
        if r[0] == 200:
            break
        time.sleep(0.05)
    check(r[0] == 200 and r[1].count("\n") == 1, "/ready 200 once registered: %r" % (r[1],))
    ctx, term = added(d.ask(d.add_msg(200, "$", key(),
                                      props="mrfp/media = mix, mrfp/keys = bilateral")))
    check(ctx is not None, "a mixed conference over Mp (context %s, %s)" % (ctx, term))
    return ctx


def scrape():
    """{(family, labels): value} of one /metrics (text format)."""
    _, body, _ = get(HTTP_PORT, "/metrics")
    out = {}
    for m in re.finditer(r"^(\w+)(?:\{([^}]*)\})? (\d+)$", body, re.M):
        out[(m.group(1), m.group(2) or "")] = int(m.group(3))
    return out


def srtp_figures(metrics):
    """worker 0's SRTP successes and failures (all reasons) in a scrape."""
    w = 'worker="0"'
    fails = sum(v for (n, lab), v in metrics.items()
                if n == "mrfp_srtp_unprotect_failures_total" and lab.startswith(w + ","))
    return (metrics.get(("mrfp_srtp_unprotects_total", w)),
            metrics.get(("mrfp_srtp_protects_total", w)), fails)


def frame(sport, dport, payload):
    """An Ethernet/IPv4/UDP frame from the participant to mrfpd's media address (UDP checksum
    0: none, as IPv4 allows)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton(PEER), socket.inet_aton(MEDIA))
    words = struct.unpack("!10H", ip)
    s = sum(words)
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
    return MRFPD_MAC + PEER_MAC + b"\x08\x00" + ip + udp


def received(sock, dport, seconds, want):
    """UDP payloads mrfpd sent to the participant's dport within seconds (want of them: done)."""
    got, end = [], time.monotonic() + seconds
    while len(got) < want and time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            f = sock.recv(2048)
        except socket.timeout:
            break
        if (len(f) > 44 and f[12:14] == b"\x08\x00" and f[23] == 17 and
                f[26:30] == socket.inet_aton(MEDIA) and struct.unpack("!H", f[36:38])[0] == dport
                and not 192 <= f[43] <= 223):  # RTP, not (muxed) RTCP
            got.append(f[42:])
    return got


def statistic(reply, name):
    m = re.search(r"%s\s*=\s*(\d+)" % re.escape(name), reply or "")
    return int(m.group(1)) if m else None


def srtp_counted(d):
    """A switched call, SRTP written and read here: participant A (10.0.0.2:5000) sends
    CALL_PACKETS packets under its key; mrfpd unprotects each and protects it for B
    (10.0.0.2:5002) under the key it gave B. Worker 0's unprotects grow by what mrfpd accepted
    from A (its Statistics), which is all A sent, and its protects by what it sent B, which is
    all B received and authenticated; no SRTP failure."""
    props = "mrfp/media = switch, mrfp/keys = bilateral"
    ka, kb = key(), key()
    ra = d.ask(d.add_msg(300, "$", ka, props=props, port=5000))
    ctx, ta = added(ra)
    rb = d.ask(d.add_msg(301, ctx, kb, props=props, port=5002)) if ctx else None
    _, tb = added(rb)
    pa = re.search(r"m=audio (\d+) RTP/SAVP", ra or "")
    lkb = re.search(r"inline:([A-Za-z0-9+/=]{40})", rb or "")
    if not check(None not in (ctx, ta, tb, pa, lkb),
                 "a switched call over Mp: %s %s, %s" % (ctx, ta, tb)):
        return
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    # room for the whole call, and none taken by the frames this socket sends itself
    sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE (root)
    sock.setsockopt(263, 23, 1)  # SOL_PACKET, PACKET_IGNORE_OUTGOING
    sock.bind((TAP, 0))
    before = srtp_figures(scrape())
    sender = srtp.Key(base64.b64decode(ka))
    for i in range(CALL_PACKETS):
        rtp = struct.pack("!BBHII", 0x80, 0, 1000 + i, 160 * i, 0x5a5a0001) + b"\xff" * 160
        sock.send(frame(5000, int(pa.group(1)), sender.protect(rtp)))
        time.sleep(0.002)
    got = received(sock, 5002, 5, CALL_PACKETS)
    sock.close()
    time.sleep(0.2)  # what B did not get, mrfpd has counted by now
    after = srtp_figures(scrape())
    receiver = srtp.Key(base64.b64decode(lkb.group(1)))
    opened = sum(1 for p in got if receiver.unprotect(p, 0) is not None)
    sa = d.transact("C=%s{S=%s}" % (ctx, ta))
    sb = d.transact("C=%s{S=%s}" % (ctx, tb))
    accepted, sent = statistic(sa, "rtp/pr"), statistic(sb, "rtp/ps")
    check(None not in before + after,
          "mrfp_srtp_unprotects_total and mrfp_srtp_protects_total for worker 0")
    if None in before + after:
        return
    unprot, prot, fails = (a - b for a, b in zip(after, before))
    check(accepted == CALL_PACKETS, "mrfpd accepted every packet A sent (rtp/pr %s of %d)"
          % (accepted, CALL_PACKETS))
    check(unprot == accepted and unprot > 0,
          "mrfp_srtp_unprotects_total grew by what mrfpd accepted: %d (rtp/pr %s)"
          % (unprot, accepted))
    check(opened == len(got) == CALL_PACKETS,
          "B received every packet, each authenticated under B's key (%d of %d, %d received)"
          % (opened, CALL_PACKETS, len(got)))
    check(prot == sent == opened,
          "mrfp_srtp_protects_total grew by what mrfpd sent B: %d (rtp/ps %s, %d opened)"
          % (prot, sent, opened))
    check(fails == 0, "no SRTP failure counted (%d)" % fails)


def text_format(tmp):
    st, body, ct = get(HTTP_PORT, "/metrics")
    check(st == 200 and ct.startswith("text/plain; version=0.0.4"), "/metrics text: %s" % ct)
    path = os.path.join(tmp, "metrics.txt")
    with open(path, "w") as f:
        f.write(body)
    with open(path) as f:
        p = subprocess.run(["promtool", "check", "metrics"], stdin=f, capture_output=True,
                           text=True, timeout=30)
    check(p.returncode == 0 and not (p.stdout + p.stderr).strip(),
          "promtool check metrics: no error, no lint (%s)" % (p.stdout + p.stderr).strip())
    for name in ("mrfp_worker_rx_packets_total{worker=\"0\"}",
                 "mrfp_worker_busy_cycles_total{worker=\"0\"}",
                 "mrfp_worker_dropped_packets_total{worker=\"0\",reason=\"srtp_replay\"}",
                 "mrfp_srtp_unprotect_failures_total{worker=\"0\",reason=\"unknown_mki\"}",
                 "# TYPE mrfp_srtp_protects_total counter",
                 "# TYPE mrfp_srtp_unprotects_total counter",
                 "mrfp_conferences{media=\"mix\",keys=\"bilateral\"} 1",
                 "mrfp_legs{media=\"mix\",keys=\"bilateral\"} 1",
                 "mrfp_mix_legs{codec=\"PCMU\"} 1", "mrfp_mix_legs{codec=\"AMR-WB\"} 0",
                 "mrfp_mp_registered 1", "mrfp_mp_transactions_total",
                 "mrfp_mp_security{state=\"insecure_lab\"} 1"):
        check(name in body, "exposed: %s" % name)
    check("leg=" not in body, "no per-leg series (they stay in telemetry)")
    st, body, ct = get(HTTP_PORT, "/metrics", "application/openmetrics-text;version=1.0.0")
    check(ct.startswith("application/openmetrics-text") and body.endswith("# EOF\n"),
          "OpenMetrics when asked: %s" % ct)


def scraped(tmp):
    prom = start_prometheus(tmp)
    try:
        up = poll_promql('up{job="mrfpd"} == 1', 30)
        check(len(up) == 1, "Prometheus scrapes mrfpd (up == 1)")
        moving = poll_promql('increase(mrfp_worker_mix_ticks_total[5s]) > 0', 20)
        check(len(moving) == 1 and moving[0]["metric"].get("worker") == "0",
              "PromQL finds the mix ticks moving: %s" % (moving,))
        confs = promql('mrfp_conferences{media="mix",keys="bilateral"} == 1')
        check(len(confs) == 1, "PromQL: one mix/bilateral conference")
        busy = promql('rate(mrfp_worker_busy_cycles_total[5s]) + '
                      'rate(mrfp_worker_idle_cycles_total[5s]) > 0')
        check(len(busy) == 1, "PromQL: the worker's busy + idle cycles advance")
        call = promql('mrfp_srtp_unprotects_total >= %d and mrfp_srtp_protects_total >= %d'
                      % (CALL_PACKETS, CALL_PACKETS))
        check(len(call) == 1 and call[0]["metric"].get("worker") == "0",
              "PromQL finds the switched call's SRTP successes on worker 0: %s" % (call,))
    finally:
        prom.send_signal(signal.SIGTERM)
        try:
            prom.wait(10)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()


def poll_ready(status, seconds):
    """GET /ready until it answers status (the control loop serves HTTP): the last answer."""
    end, r = time.monotonic() + seconds, None
    while time.monotonic() < end:
        r = get(HTTP_PORT, "/ready")
        if r[0] == status:
            break
        time.sleep(0.05)
    return r


def drained(d, ctx):
    """/ready across a drain ordered by the MGC; mrfpd exits at its end."""
    r = get(HTTP_PORT, "/ready")
    check(r[0] == 200, "/ready 200 before the drain: %r" % (r[1].strip(),))
    r = d.transact('C=-{SC=ROOT{SV{MT=GR,RE="905 Termination taken out of service",DL=10}}}')
    check(r is not None and code(r) is None, "the MGC's ServiceChange Graceful on ROOT answered")
    r = poll_ready(503, 2)
    check(r[0] == 503 and "draining" in r[1],
          "/ready 503 \"draining\" while the call is up: %r" % (r,))
    r = get(HTTP_PORT, "/health")
    check(r[0] == 200, "/health still 200 while draining: %r" % (r[1].strip(),))
    check(d.proc.poll() is None, "mrfpd still serves the call")
    r = d.transact("C=%s{S=*}" % ctx)
    check(r is not None and code(r) is None, "the call subtracted")
    f = d.service_change(5, "Forced")
    check(f is not None, "then mrfpd's ServiceChange Forced on ROOT")
    try:
        rc = d.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, "and mrfpd exits 0 (%s)" % rc)


def commands_counted(d):
    """Commands by kind and result: a refused Add counts under its code, an audit under ok."""
    key_ok = ("mrfp_mp_commands_total", 'command="audit_value",result="ok"')
    key_449 = ("mrfp_mp_commands_total", 'command="add",result="449"')
    before = scrape()
    r1 = d.ask(d.add_msg(210, "$", key(), props="mrfp/keys = zz"))
    r2 = d.ask(d.hdr() + "T=211{C=-{AV=ROOT}}")
    after = scrape()
    check(code(r1) == 449 and after.get(key_449, 0) == before.get(key_449, 0) + 1,
          "a refused Add counted as command=add, result=449 (%s -> %s)"
          % (before.get(key_449), after.get(key_449)))
    check(code(r2) is None and after.get(key_ok, 0) == before.get(key_ok, 0) + 1,
          "an AuditValue counted as command=audit_value, result=ok (%s -> %s)"
          % (before.get(key_ok), after.get(key_ok)))


def main():
    if os.geteuid() != 0:
        print("metrics: needs root for DPDK")
        return 77
    for tool in ("promtool", "prometheus"):
        if shutil.which(tool) is None:
            return missing("%s (Debian package prometheus)" % tool)
    tmp = tempfile.mkdtemp(prefix="mrfp-metrics-")
    d = Mrfpd(sys.argv[1], MGC_PORT, MG_PORT, name="metrics", vdev=VDEV,
              extra=["--metrics-listen", "127.0.0.1:%d" % HTTP_PORT,
                     "--neighbor", "%s=%s" % (PEER, ":".join("%02x" % b for b in PEER_MAC))])
    try:
        d.start()
        before_registration(d)
        d.register(30)
        srtp_counted(d)
        ctx = after_registration(d)
        commands_counted(d)
        if ctx is not None:
            text_format(tmp)
            scraped(tmp)
            drained(d, ctx)
    finally:
        out = d.stop()
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)
    check("metrics on http://127.0.0.1:%d/metrics" % HTTP_PORT in out,
          "mrfpd logs where the metrics are")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
