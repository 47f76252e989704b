#!/usr/bin/python3
"""Key hygiene of a running mrfpd: legs set up over Mp with known keys (Remote and Local, two
suites, an MKI), a rekey and a refused key; then no key, salt or MKI may appear — in base64 or
hex, whole or in parts — in mrfpd's log (debug level) and exit report, in any telemetry answer,
or in what mrfpctl prints (-v, --json) for keys it was given; mrfpd's own generated keys may go
only to the MGC. The process locks its memory (VmLck) and cannot dump core (SIGQUIT with an
unlimited core size leaves no core, where a plain process does).
Usage: mp_key_hygiene.py MRFPD MRFPCTL  (root: DPDK; loopback only)"""
import base64, binascii, json, os, re, resource, signal, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mrfpd, code  # noqa: E402
from mrfptest.telemetry import Telemetry  # noqa: E402

check = Checks()

MKI = 0x5A17C0DE  # distinctive: its decimal and hex forms are searched for too


def new_key(n):
    return os.urandom(n)


def forms(secret):
    """Every spelling of a secret that a careless log line could use."""
    out = {base64.b64encode(secret).decode().rstrip("="), binascii.hexlify(secret).decode()}
    out.add(binascii.hexlify(secret).decode().upper())
    out.add(" ".join("%02x" % b for b in secret))
    return out


def key_forms(material, salt_len):
    """key||salt, the master key alone and the salt alone."""
    k, s = material[:-salt_len], material[-salt_len:]
    return forms(material) | forms(k) | forms(s)


def sdp(addr_port, suite, material, mki=""):
    return ("v=0\nc=IN IP4 10.0.0.%d\nm=audio %d RTP/SAVP 0\na=crypto:1 %s inline:%s%s\n"
            % (addr_port[0], addr_port[1], suite, base64.b64encode(material).decode(), mki))


def add_msg(d, tid, ctx, remote, local="v=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\n"
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$\n", props="mrfp/keys = bilateral"):
    return (d.hdr() + "Transaction = %d { Context = %s { Add = $ { Media { Stream = 1 { "
            "LocalControl { Mode = SendReceive, %s }, Local {\n%s}, Remote {\n%s} } } } } }\n"
            % (tid, ctx, props if ctx == "$" else "mrfp/latch = on", local, remote))


def telemetry(prefix, ids):
    """Every registered telemetry command's answer (with each leg id where it takes one)."""
    with Telemetry(prefix) as t:
        answers = [t.hello]
        listing = t.text("/")
        answers.append(listing)
        cmds = json.loads(listing).get("/", [])
        for c in cmds:
            params = [""] + (["0"] + [str(i) for i in ids] if c.startswith("/mrfp/") else [])
            for p in params:
                answers.append(t.text(c + ("," + p if p else "")))
    return answers, cmds


def locked_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"VmLck:\s+(\d+) kB", f.read())
    return int(m.group(1)) if m else 0


def dumps_core(argv, ready):
    """Start argv with an unlimited core size in an empty directory, SIGQUIT it once
    ready(pid) holds: (core dumped per wait status, any file named core*)."""
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.Popen(argv, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=lambda: resource.setrlimit(
                                 resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
        deadline = time.time() + 30
        while time.time() < deadline and not ready(p.pid):
            time.sleep(0.2)
        os.kill(p.pid, signal.SIGQUIT)
        _, status = os.waitpid(p.pid, 0)
        p.returncode = 0
        return os.WCOREDUMP(status), [f for f in os.listdir(tmp) if f.startswith("core")]


def session(d, ctl):
    """Legs with known keys over Mp; returns (texts to search, secrets, generated keys)."""
    secrets, generated, texts = set(), set(), []
    k1, k2, k3, k4 = new_key(30), new_key(46), new_key(30), new_key(30)
    for m, salt in ((k1, 14), (k2, 14), (k3, 14), (k4, 14)):
        secrets |= key_forms(m, salt)
    secrets |= {str(MKI), "%x" % MKI, "%X" % MKI}
    r1 = d.ask(add_msg(d, 100, "$", sdp((2, 5000), "AES_CM_128_HMAC_SHA1_80", k1, "|2^20|%d:4" % MKI)))
    m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r1 or "")
    if m is None:  # an MKI the engine does not take: refused, and the refusal must not leak
        check(code(r1) is not None, "an Add with an MKI is set up or refused with an error")
        r1 = d.ask(add_msg(d, 101, "$", sdp((2, 5000), "AES_CM_128_HMAC_SHA1_80", k1)))
        m = re.search(r"Context = (\d+) \{\s*Add = (rtp/\d+)", r1 or "")
    check(m is not None, "a leg with a known Remote key")
    if m is None:
        return texts, secrets, generated, []
    ctx, t1 = m.group(1), m.group(2)
    generated |= set(re.findall(r"inline:([A-Za-z0-9+/=]{40,})", r1))
    local = ("v=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0\na=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:%s\n"
             % base64.b64encode(k3 + k3[:16]).decode())
    secrets |= key_forms(k3 + k3[:16], 14)
    r2 = d.ask(add_msg(d, 102, ctx, sdp((3, 5002), "AES_256_CM_HMAC_SHA1_80", k2), local=local))
    m2 = re.search(r"Add = (rtp/\d+)", r2 or "")
    check(m2 is not None and code(r2) is None, "a leg with a known Local key (AES-256)")
    # A rekey with a new Remote key, then one with a key of the wrong length (refused)
    rk = d.ask(d.hdr() + "T=103{C=%s{MF=%s{M{ST=1{R{\n%s}}}}}}" % (ctx, t1, sdp((2, 5000), "AES_CM_128_HMAC_SHA1_80", k4)))
    check(code(rk) is None, "Modify with a new Remote key")
    bad = new_key(29)
    secrets |= forms(bad)
    rb = d.ask(d.hdr() + "T=104{C=%s{MF=%s{M{ST=1{R{\n%s}}}}}}" % (ctx, t1, sdp((2, 5000), "AES_CM_128_HMAC_SHA1_80", bad)))
    check(code(rb) is not None, "a key of the wrong length is refused")
    # (the replies go to the MGC, which gave those keys: they may carry them back)
    ids = [int(t.split("/")[1]) for t in (t1, m2.group(1) if m2 else t1)]
    return texts, secrets, generated, ids


def memory_holds(pid, needle):
    """Is needle anywhere in the process's writable memory (heap, stacks, DPDK memory)?"""
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            if not perms.startswith("rw"):
                continue
            at, hi = (int(x, 16) for x in addr.split("-"))
            tail = b""
            while at < hi:
                n = min(1 << 24, hi - at)
                try:
                    mem.seek(at)
                    chunk = mem.read(n)
                except (OSError, ValueError):
                    break
                if needle in tail + chunk:
                    return True
                tail, at = chunk[-len(needle):], at + n
    return False


def unserved_phase(d):
    """Datagrams mrfpd reads but does not serve must not leave their keys in its buffers: one
    from an address that is not the MGC's, one the MGC sends that does not decode. Each key
    sits past 2 kB of padding, so that the short request that follows cannot overwrite it."""
    pid, pad = d.proc.pid, "; " + "x" * 2048 + "\n"
    k_foreign, k_malformed = new_key(30), new_key(30)
    foreign = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    foreign.bind(("127.0.0.2", 0))  # the MGC is known by its address
    foreign.sendto((d.hdr() + pad + "Transaction = 900 { Context = $ { Add = $ { Media { Remote {\n"
                    + sdp((9, 5000), "AES_CM_128_HMAC_SHA1_80", k_foreign) + "} } } } }\n").encode(),
                   d.mg)
    foreign.close()
    probe = d.hdr() + "Transaction = 901 { Context = - { AuditValue = ROOT { Audit { } } } }\n"
    check(d.ask(probe) is not None, "mrfpd answers the MGC after a datagram from elsewhere")
    needle = base64.b64encode(k_foreign).rstrip(b"=")
    check(not memory_holds(pid, needle),
          "a key in a datagram not from the MGC is not left in mrfpd's memory")
    r = d.ask(d.hdr() + pad + "%%%% not H.248 { a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s }\n"
              % base64.b64encode(k_malformed).decode())
    check(code(r) is not None, "a message that does not decode is answered with an error")
    check(d.ask(probe.replace("901", "902")) is not None, "mrfpd serves the next message")
    needle = base64.b64encode(k_malformed).rstrip(b"=")
    check(not memory_holds(pid, needle),
          "a key in a message that does not decode is not left in mrfpd's memory")


def mrfpctl_phase(ctl, mg_port, mgc_port):
    """mrfpctl given keys by file and on the command line: it prints fingerprints only."""
    secrets, texts = set(), []
    k5, k6 = new_key(30), new_key(30)
    secrets |= key_forms(k5, 14) | key_forms(k6, 14)
    c = [ctl, "--mp", "127.0.0.1:%d" % mg_port, "--local", "127.0.0.1:%d" % mgc_port, "-v"]
    with tempfile.NamedTemporaryFile("w", suffix=".key") as f:
        f.write(base64.b64encode(k5).decode() + "\n")
        f.flush()
        for extra in ([], ["--json"]):
            p = subprocess.run(c + extra + ["leg", "add", "--conf", "new", "--remote", "10.0.0.4:5004",
                                            "--remote-key", "@" + f.name, "--local-key",
                                            base64.b64encode(k6).decode()],
                               capture_output=True, text=True, timeout=20)
            texts.append(p.stdout + p.stderr)
            check(p.returncode == 0, "mrfpctl %sleg add with keys from a file and the command line"
                  % ("--json " if extra else ""))
    m = re.search(r'"ctx":\s*(\d+)', texts[-1]) or re.search(r"ctx\D*(\d+)", texts[-1])
    if m:
        p = subprocess.run(c + ["audit", "--conf", m.group(1), "--term", "rtp/1"], capture_output=True,
                           text=True, timeout=20)
        texts.append(p.stdout + p.stderr)
    return texts, secrets


def main():
    if os.geteuid() != 0:
        print("mp_key_hygiene: needs root for DPDK")
        return 77
    mrfpd, ctl = sys.argv[1], sys.argv[2]
    base = 41000 + os.getpid() % 2000
    d = Mrfpd(mrfpd, base, base + 2000, eal=["--log-level=mrfp.*:debug", "--log-level=lib.*:info"],
              name="kh")
    texts, secrets, generated, tele_cmds, tele = [], set(), set(), [], ""
    try:
        d.start()
        d.register()
        pid = d.proc.pid
        kb = locked_kb(pid)
        check(kb > 1024, "mrfpd's memory is locked (VmLck %d kB): keys stay out of swap" % kb)
        t, s, generated, ids = session(d, ctl)
        unserved_phase(d)
        texts += t
        secrets |= s
        answers, tele_cmds = telemetry(d.prefix, ids)
        texts += answers
        tele = "\n".join(answers)
        check(any("/mrfp/leg" in c for c in tele_cmds) and len(answers) > 5,
              "telemetry answered %d queries over %d commands" % (len(answers), len(tele_cmds)))
        d.sock.close()  # mrfpctl takes the MGC's address now
        t, s = mrfpctl_phase(ctl, base + 2000, base)
        texts += t
        secrets |= s
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        log = d.stop()
    check("mrfp" in log, "mrfpd's log and exit report collected (%d bytes)" % len(log))
    texts.append(log)
    allowed = {g.rstrip("=") for g in generated}
    found = sorted({"%s (in %s)" % (sec, t[:60].replace("\n", " ")) for sec in secrets
                    for t in texts if sec in t and sec not in allowed})
    check(len(secrets) > 40, "%d spellings of %d secrets searched for" % (len(secrets), len(secrets) // 4))
    check(not found, "no key, salt or MKI in logs, telemetry or mrfpctl output%s"
          % ("" if not found else ": found %s" % found[:3]))
    leaked = [g for g in generated if g.rstrip("=") in log or g.rstrip("=") in tele]
    check(generated and not leaked,
          "mrfpd's %d generated key(s) went to the MGC only (not in its log or telemetry)" % len(generated))
    # Core dumps: a plain process dumps here, mrfpd must not.
    plain = dumps_core(["sleep", "30"], lambda pid: True)
    prefix = "mrfp-kh-core-%d" % os.getpid()
    dumped, files = dumps_core([os.path.abspath(mrfpd), "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
                                "--vdev", "net_null0", "-l", "0-1", "--", "--media-ip", "10.0.0.1/24"],
                               lambda pid: locked_kb(pid) > 0)
    subprocess.run(["rm", "-rf", "/var/run/dpdk/" + prefix])
    if plain[0] or plain[1]:
        check(not dumped and not files, "mrfpd leaves no core dump on SIGQUIT (a plain process does)")
    else:
        print("skip core dumps: this kernel writes no core for a plain process either")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
