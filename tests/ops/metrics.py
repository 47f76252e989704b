#!/usr/bin/python3
"""The metrics endpoint of a running mrfpd (net_null port, Mp in insecure-lab with this process
as the MGC), scraped by a real Prometheus: /ready 503 before the MGC answered the registration
and 200 after, /health 200, /metrics valid for `promtool check metrics` (text format) and for
Prometheus (OpenMetrics, negotiated), a mixed conference created over Mp found by a PromQL
query whose mix ticks move. Prometheus has its own temp config and TSDB, listens on loopback
and is killed by its PID. Last, a drain (the MGC's ServiceChange Graceful on ROOT): /ready 200
before it, 503 "draining" while the call is up (/health still 200), and once the call is
subtracted mrfpd's ServiceChange Forced, then its exit 0.
Usage: metrics.py MRFPD  (root for DPDK; loopback only; ~20 s)"""
import json, os, re, shutil, signal, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, added, code, key  # noqa: E402

MGC_PORT = 31450 + os.getpid() % 500
MG_PORT = MGC_PORT + 500
HTTP_PORT = MGC_PORT + 1000
PROM_PORT = MGC_PORT + 1500
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
    data = json.loads(body)
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
                 "mrfp_conferences{media=\"mix\",keys=\"bilateral\"} 1",
                 "mrfp_legs{media=\"mix\",keys=\"bilateral\"} 1",
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


def main():
    if os.geteuid() != 0:
        print("metrics: needs root for DPDK")
        return 77
    for tool in ("promtool", "prometheus"):
        if shutil.which(tool) is None:
            return missing("%s (Debian package prometheus)" % tool)
    tmp = tempfile.mkdtemp(prefix="mrfp-metrics-")
    d = Mrfpd(sys.argv[1], MGC_PORT, MG_PORT, name="metrics",
              extra=["--metrics-listen", "127.0.0.1:%d" % HTTP_PORT])
    try:
        d.start()
        before_registration(d)
        d.register(30)
        ctx = after_registration(d)
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
