#!/usr/bin/python3
"""The MGC side of tests/e2e/ipsec_mp.sh. Runs inside the MRFC namespace of the IPsec lab
(scripts/ipsec-lab.sh), plays the MGC on the MRFC's Mp address, starts mrfpd in the MRFP
namespace (Mp bound to ipsec0, guard on that namespace's charon) and checks, each point
asserted:
  a) H.248 over ESP: mrfpd registers (ServiceChange Restart), a conference with SDES keys is
     set up (Add $ in $, then a second leg); a capture on the veth meanwhile holds only IKE and
     ESP-in-UDP/4500, no MEGACO in clear (tshark);
  b) cleartext H.248 from the MRFC's address, straight onto the veth (not through ipsec0): no
     answer, not executed, counted (telemetry /mrfp/ipsec drop_not_ipsec);
  c) the SA torn down mid-session (swanctl --terminate): /ready turns 503 (200 again once
     protected and registered), mrfpd is suspended, sends nothing (in
     clear or otherwise) and executes no Add with keys; when the SA is re-established it
     registers again (ServiceChange) and serves: the next Add works, and proves the refused ones
     were never executed (the context number did not move);
  r) the CHILD_SA and the IKE_SA rekeyed (as they are every hour in production): Mp stays
     protected throughout, no suspension, no new registration;
  f) after a second outage, the MGC's ServiceChange reply redirects mrfpd (MgcIdToTry) to an
     MGC the SA does not cover: mrfpd suspends at once and sends nothing to it;
  e) an SA with another IKE peer identity than --mgc-identity: mrfpd stays suspended, sends
     nothing, not even its ServiceChange, and drops an Add that comes over that SA;
  and that mrfpd logs each change of state once and no key.
Settings come from the environment (IPSEC_* of `scripts/ipsec-lab.sh env`, plus MRFPD, LAB_SH,
WORKDIR). Exit 0 pass, 1 fail."""
import base64, os, re, signal, socket, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest import telemetry as tele  # noqa: E402
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mgc  # noqa: E402

E = os.environ
MRFPD, LAB_SH, WORK = E["MRFPD"], E["LAB_SH"], E["WORKDIR"]
LAB_ID = E["IPSEC_LAB_ID"]
NS_MRFP = E["IPSEC_NS_MRFP"]
MGC_IP, MP_IP, MP_PORT = E["IPSEC_MP_MRFC"], E["IPSEC_MP_MRFP"], int(E["IPSEC_MP_PORT"])
MGC_PORT = 2944
PREFIX = "mrfp-ipsec-e2e-%d" % os.getpid()
prefix = [PREFIX]  # the mrfpd of the moment
MG = (MP_IP, MP_PORT)
keys = []
check = Checks()

def log(msg):
    print("[ipsec_mgc %s] %s" % (time.strftime("%T"), msg), file=sys.stderr, flush=True)

def key():
    k = base64.b64encode(os.urandom(30)).decode()
    keys.append(k)
    return k

def add(mgc, tid, ctx, port):
    return mgc.add_msg(tid, ctx, key(), props="mrfp/keys = bilateral", port=port)

def telemetry():
    """/mrfp/ipsec from mrfpd's telemetry socket (the DPDK runtime dir is not per namespace)."""
    try:
        return tele.query(prefix[0], "/mrfp/ipsec", timeout=2) or {}  # null: not yet registered
    except (OSError, ValueError, KeyError) as e:
        log("telemetry: %s" % e)
        return {}

def wait_state(state, secs):
    end = time.time() + secs
    while time.time() < end:
        t = telemetry()
        if t.get("state") == state:
            return t
        time.sleep(0.1)
    return telemetry()

def recv_until(sock, pred, secs):
    """Datagrams until pred(text) holds or secs pass; returns (text or None, all seen)."""
    seen, end = [], time.time() + secs
    while time.time() < end:
        sock.settimeout(max(0.05, end - time.time()))
        try:
            data = sock.recv(65535).decode(errors="replace")
        except socket.timeout:
            break
        seen.append(data)
        if pred(data):
            return data, seen
    return None, seen

def ask(mgc, msg, tid):
    mgc.send(msg)
    r, _ = recv_until(mgc.sock, lambda d: re.search(r"Reply = %d\b" % tid, d) is not None, 5)
    return r or ""

def lab(*args):
    return subprocess.run([LAB_SH, *args], capture_output=True, text=True, timeout=30)

def capture(name):
    pcap = os.path.join(WORK, name + ".pcap")
    p = subprocess.Popen(["timeout", "-k", "3", "90", "tcpdump", "-i", "vmrfc", "-n", "-U", "--immediate-mode", "-Z", "root", "-s", "0",
                          "-w", pcap, "udp"], stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(WORK, name + ".tcpdump.err"), "w"))
    for _ in range(50):
        if "listening" in open(os.path.join(WORK, name + ".tcpdump.err")).read():
            break
        time.sleep(0.1)
    return p, pcap

def stop(p):
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()

def tshark_count(pcap, flt):
    r = subprocess.run(["tshark", "-r", pcap, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, timeout=60)
    return len([l for l in r.stdout.splitlines() if l.strip()])

METRICS_PORT = 9479


def ready():
    """mrfpd's /ready status code (its loopback is the MRFP namespace's), 0 without answer."""
    probe = ("import urllib.request, urllib.error\n"
             "try:\n print(urllib.request.urlopen('http://127.0.0.1:%d/ready', timeout=2).status)\n"
             "except urllib.error.HTTPError as e:\n print(e.code)\n"
             "except OSError:\n print(0)\n" % METRICS_PORT)
    r = subprocess.run(["ip", "netns", "exec", NS_MRFP, sys.executable, "-c", probe],
                       capture_output=True, text=True)
    r.stdout = r.stdout.strip()
    return int(r.stdout) if r.stdout.isdigit() else 0


def start_mrfpd(name, identity):
    prefix[0] = "%s-%s" % (PREFIX, name)
    out = open(os.path.join(WORK, name + ".log"), "w")
    return subprocess.Popen(
        ["timeout", "-k", "3", "100", "ip", "netns", "exec", NS_MRFP, MRFPD, "--no-huge", "-m", "512",
         "--no-pci", "--file-prefix", prefix[0], "--vdev", "net_null0", "-l", "0-1", "--",
         "--media-ip", "10.0.0.1/24", "--mgc", "%s:%d" % (MGC_IP, MGC_PORT), "--mp-address", MP_IP,
         "--mp-port", str(MP_PORT), "--mp-interface", "ipsec0", "--vici-socket",
         E["IPSEC_VICI_MRFP"], "--mgc-identity", identity, "--mgc-timeout", "0",
         "--metrics-listen", "127.0.0.1:%d" % METRICS_PORT],
        stdout=out, stderr=subprocess.STDOUT)

def register(mgc, want, secs):
    sc, _ = recv_until(mgc.sock, lambda d: "ServiceChange" in d and want in d, secs)
    if sc is None:
        return None
    tid = re.search(r"Transaction = (\d+)", sc).group(1)
    mgc.reply_sc(tid, MG)
    return sc

def phase_a(mgc):
    cap, pcap = capture("esp")
    sc = register(mgc, "Restart", 40)
    check(sc is not None and "901" in sc, "a) mrfpd registers over ESP: ServiceChange Restart 901")
    r1 = ask(mgc, add(mgc, 10, "$", 5000), 10)
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r1)
    lk = re.search(r"inline:([A-Za-z0-9+/=]{40})", r1)
    check(m is not None and lk is not None, "a) Add with SDES keys over ESP: context, leg, mrfpd's key")
    r2 = ask(mgc, add(mgc, 11, m.group(1) if m else "1", 5002), 11)
    check("Add = rtp/" in r2 and "Error" not in r2, "a) a second leg joins the conference")
    t = telemetry()
    check(t.get("state") == "protected", "a) telemetry /mrfp/ipsec: protected (%s)" % t.get("reason"))
    stop(cap)
    esp = tshark_count(pcap, "esp")
    clear = tshark_count(pcap, "megaco || udp.payload contains \"MEGACO\" || "
                         "!(udp.port == 4500 || udp.port == 500)")
    check(esp >= 4 and clear == 0,
          "a) on the veth: %d ESP-in-UDP/4500 packets, %d other (MEGACO in clear)" % (esp, clear))
    return int(m.group(1)) if m else 0

def inject_clear(mgc, tid, port):
    """H.248 with keys from the MRFC's address straight onto the veth, around ipsec0."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"vmrfc")
    s.bind((MGC_IP, port))
    s.sendto(add(mgc, tid, "$", 5100).encode(), MG)
    return s

def phase_b(mgc):
    before = telemetry().get("drop_not_ipsec", 0)
    cap, pcap = capture("clear")
    s = inject_clear(mgc, 20, 2950)
    r, _ = recv_until(s, lambda d: True, 2)
    r2, _ = recv_until(mgc.sock, lambda d: "Reply = 20" in d, 0.5)
    stop(cap)
    check(r is None and r2 is None, "b) cleartext H.248 from the MRFC's address: no answer")
    after = telemetry().get("drop_not_ipsec", 0)
    check(after >= before + 1, "b) counted as drop_not_ipsec (%d -> %d)" % (before, after))
    sent = tshark_count(pcap, "megaco && ip.src == %s" % MGC_IP)
    back = tshark_count(pcap, "ip.src == %s" % MP_IP)
    check(sent >= 1 and back == 0,
          "b) capture: %d cleartext MEGACO in, %d datagrams from mrfpd's Mp address" % (sent, back))
    s.close()

def phase_c(mgc, ctx0):
    _, stale = recv_until(mgc.sock, lambda d: False, 0.3)
    check(not stale, "c) nothing unexpected from mrfpd before the SA goes (%d datagrams)" % len(stale))
    check(ready() == 200, "c) /ready 200 while Mp is protected and registered")
    cap, pcap = capture("down")
    r = lab("swan", LAB_ID, "mrfp", "--terminate", "--ike", "mp-link", "--timeout", "5")
    check(r.returncode == 0, "c) swanctl --terminate the IKE_SA (rc %d)" % r.returncode)
    t = wait_state("suspended", 5)
    check(t.get("state") == "suspended", "c) mrfpd suspends Mp (reason: %s)" % t.get("reason"))
    check(ready() == 503, "c) /ready 503 while the SA is down: an MRFC pool takes it out")
    # The MGC still talks: with the SA gone its datagrams leave in clear (its problem; the
    # lab has a cleartext route), mrfpd must neither answer nor execute them.
    mgc.send(add(mgc, 30, "$", 5200))
    s = inject_clear(mgc, 31, 2951)
    r30, seen = recv_until(mgc.sock, lambda d: True, 3)
    r31, _ = recv_until(s, lambda d: True, 0.2)
    s.close()
    check(r30 is None and r31 is None, "c) no answer while the SA is down (keys refused)%s"
          % ("" if r30 is None else ": got " + r30.split("\n")[1][:60]))
    t = telemetry()
    check(t.get("drop_not_ipsec", 0) >= 3 and t.get("state") == "suspended",
          "c) refused datagrams counted (drop_not_ipsec %s, drop_unprotected %s)"
          % (t.get("drop_not_ipsec"), t.get("drop_unprotected")))
    stop(cap)
    leak = tshark_count(pcap, "ip.src == %s || (ip.src == %s && !(udp.port == 4500 || udp.port == 500))"
                        % (MP_IP, E["IPSEC_IKE_MRFP"]))
    check(leak == 0, "c) mrfpd sent nothing while the SA was down (%d datagrams)" % leak)
    r = lab("swan", LAB_ID, "mrfc", "--initiate", "--child", "mp", "--timeout", "10")
    check(r.returncode == 0, "c) swanctl --initiate brings the SA back (rc %d)" % r.returncode)
    sc = register(mgc, "ServiceChange", 10)
    check(sc is not None and ("Disconnected" in sc or "Restart" in sc),
          "c) mrfpd registers again when protected: %s" %
          (re.search(r"Method = \w+", sc).group(0) if sc and re.search(r"Method = \w+", sc) else sc))
    t = wait_state("protected", 5)
    check(t.get("state") == "protected" and t.get("changes", 0) >= 3,
          "c) telemetry: protected again (changes %s)" % t.get("changes"))
    st = 0
    for _ in range(20):  # answered by the control loop once it saw the registration's reply
        st = ready()
        if st == 200:
            break
        time.sleep(0.1)
    check(st == 200, "c) /ready 200 again once protected and registered (%d)" % st)
    r3 = ask(mgc, add(mgc, 32, "$", 5300), 32)
    m = re.search(r"Context = (\d+) \{\s*Add = rtp/", r3)
    check(m is not None and re.search(r"inline:[A-Za-z0-9+/=]{40}", r3) is not None,
          "c) recovered: Add with keys served over ESP")
    check(m is not None and int(m.group(1)) == ctx0 + 1,
          "c) the refused Adds were never executed (context %s after %d)" % (m.group(1) if m else "?", ctx0))

def phase_r(mgc):
    before = telemetry()
    for what in (["--child", "mp"], ["--ike", "mp-link"]):
        r = lab("swan", LAB_ID, "mrfc", "--rekey", *what)
        check(r.returncode == 0, "r) swanctl --rekey %s (rc %d)" % (" ".join(what), r.returncode))
    time.sleep(1.5)  # more than one refresh of the guard
    t = telemetry()
    check(t.get("state") == "protected" and t.get("changes") == before.get("changes")
          and t.get("guard_refreshes", 0) > before.get("guard_refreshes", 0),
          "r) rekeyed: still protected, no change of state (changes %s -> %s)"
          % (before.get("changes"), t.get("changes")))
    r = ask(mgc, add(mgc, 36, "$", 5360), 36)
    check(re.search(r"inline:[A-Za-z0-9+/=]{40}", r) is not None and "Error" not in r,
          "r) an Add with keys over the new SAs")
    _, stale = recv_until(mgc.sock, lambda d: False, 0.3)
    check(not stale, "r) no ServiceChange or anything else unasked (%d datagrams)" % len(stale))

def phase_f(mgc):
    other = "10.78.2.9"  # not in the SA's remote traffic selector (10.78.2.1/32)
    lab("swan", LAB_ID, "mrfp", "--terminate", "--ike", "mp-link", "--timeout", "5")
    wait_state("suspended", 5)
    lab("swan", LAB_ID, "mrfc", "--initiate", "--child", "mp", "--timeout", "10")
    sc, _ = recv_until(mgc.sock, lambda d: "ServiceChange" in d, 10)
    check(sc is not None, "f) a second outage: mrfpd registers again")
    if sc is None:
        return
    cap, pcap = capture("redirect")
    tid = re.search(r"Transaction = (\d+)", sc).group(1)
    mgc.reply_sc(tid, MG, ", MgcIdToTry = [%s]:%d" % (other, MGC_PORT))
    t = wait_state("suspended", 3)
    check(t.get("state") == "suspended" and "covers" in t.get("reason", ""),
          "f) redirected to %s, which the SA does not cover: suspended (%s)" % (other, t.get("reason")))
    _, seen = recv_until(mgc.sock, lambda d: False, 1.5)
    stop(cap)
    leak = tshark_count(pcap, "ip.dst == %s || ip.src == %s" % (other, MP_IP))
    check(not seen and leak == 0,
          "f) nothing sent to either MGC (%d datagrams here, %d in clear on the veth)" % (len(seen), leak))

def phase_e(mgc):
    t = wait_state("suspended", 15)
    end = time.time() + 3
    while time.time() < end and t.get("guard_refreshes", 0) < 2:
        time.sleep(0.2)
        t = telemetry()
    check(t.get("state") == "suspended" and "identity" in t.get("reason", ""),
          "e) another IKE peer identity: suspended (%s)" % t.get("reason"))
    mgc.send(add(mgc, 40, "$", 5400))  # over the SA, which the guard rejects
    _, seen = recv_until(mgc.sock, lambda d: False, 1.5)
    check(not seen, "e) nothing sent to the MGC, no ServiceChange, no reply (%d datagrams)" % len(seen))
    t = telemetry()
    check(t.get("drop_unprotected", 0) >= 1,
          "e) the Add that came over the rejected SA: dropped unread (drop_unprotected %s)"
          % t.get("drop_unprotected"))

def stop_mrfpd(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill(); proc.wait()
    subprocess.run(["rm", "-rf", "/var/run/dpdk/" + prefix[0]])

def main():
    mgc = Mgc(MGC_PORT, MP_PORT, host=MGC_IP, mg_host=MP_IP)
    proc = start_mrfpd("mrfpd", E["IPSEC_ID_MRFC"])
    try:
        ctx0 = phase_a(mgc)
        phase_b(mgc)
        phase_c(mgc, ctx0)
        phase_r(mgc)
        phase_f(mgc)
    finally:
        stop_mrfpd(proc)
    proc = start_mrfpd("mrfpd-impostor", "impostor.mrfp.lab")
    try:
        phase_e(mgc)
    finally:
        stop_mrfpd(proc)
    out = open(os.path.join(WORK, "mrfpd.log")).read()
    check(out.count("Mp SUSPENDED") == 3 and out.count("Mp protected by IPsec") == 3,
          "mrfpd logs each change once (SUSPENDED %d, protected %d)"
          % (out.count("Mp SUSPENDED"), out.count("Mp protected by IPsec")))
    check(not any(k in out for k in keys), "no key in mrfpd's output")
    return check.summary()

if __name__ == "__main__":
    sys.exit(main())
