#!/usr/bin/python3
"""MGC states over Mp against a running mrfpd: a ServiceChange reply with MgcIdToTry moves
mrfpd to another MGC (H.248.1 11.5), the old one is no longer served; when the MGC falls silent
mrfpd sends an inactivity Notify (H.248.14 it/ito), declares it lost when that goes unanswered,
and comes back with ServiceChange Disconnected once the MGC answers again.
Usage: mp_mgc_states.py MRFPD"""
import os, re, signal, socket, subprocess, sys, time

failures, checks = [], [0]

def check(cond, what):
    checks[0] += 1
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)

def sock(port, host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, port))
    return s

def recv_tr(s, timeout):
    s.settimeout(timeout)
    d, a = s.recvfrom(65535)
    return d.decode(), a

def reply_to(s, text, addr, port, extra=""):
    tid = re.search(r"Transaction = (\d+)", text).group(1)
    s.sendto(("MEGACO/1 [127.0.0.1]:%d\nReply = %s { Context = - { ServiceChange = ROOT { "
              "Services { ServiceChangeAddress = %d%s } } } }" % (port, tid, port, extra)).encode(), addr)

def main():
    if os.geteuid() != 0:
        print("mp_mgc_states: needs root for DPDK"); return 77
    base = 35000 + os.getpid() % 2000
    a_port, b_port, mg_port = base, base + 2, base + 4
    a, b = sock(a_port), sock(b_port, "127.0.0.2")  # MGCs are told apart by address
    prefix = "mrfp-mgcst-%d" % os.getpid()
    proc = subprocess.Popen([sys.argv[1], "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix,
                             "--vdev", "net_null0", "-l", "0-1", "--", "--media-ip", "10.0.0.1/24",
                             "--mp-port", str(mg_port), "--mgc", "127.0.0.1:%d" % a_port,
                             "--mgc-timeout", "1000", "--insecure-lab", "yes"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mg = ("127.0.0.1", mg_port)
    try:
        sc, addr = recv_tr(a, 30)
        check("Restart" in sc and "901" in sc, "ServiceChange Restart to the first MGC")
        reply_to(a, sc, addr, a_port, ", MgcIdToTry = [127.0.0.2]:%d" % b_port)
        sc2, addr2 = recv_tr(b, 5)
        check("Restart" in sc2, "redirected: ServiceChange Restart to the MGC named in MgcIdToTry")
        reply_to(b, sc2, addr2, b_port)
        audit = "MEGACO/1 [127.0.0.1]:%d\nT=7{C=-{AV=ROOT}}"
        b.sendto((audit % b_port).encode(), mg)
        r, _ = recv_tr(b, 5)
        check("Reply = 7" in r, "the new MGC is served")
        a.sendto((audit % a_port).encode(), mg)
        try:
            recv_tr(a, 1.5); old_served = True
        except socket.timeout:
            old_served = False
        check(not old_served, "the old MGC is not served any more")
        # b falls silent: inactivity Notify after 1 s, unanswered
        nt, _ = recv_tr(b, 10)
        check("Notify" in nt and "it/ito" in nt, "inactivity Notify (it/ito) after the MGC's silence")
        # keep silent: retransmissions of that Notify, then ServiceChange Disconnected
        deadline = time.time() + 25
        disc = None
        while time.time() < deadline:
            m, addr3 = recv_tr(b, 25)
            if "ServiceChange" in m:
                disc = m
                break
        check(disc is not None and "Disconnected" in disc and "900" in disc,
              "lost MGC: ServiceChange Disconnected (900 Service Restored) is retried")
        if disc is not None:
            reply_to(b, disc, addr3, b_port)
        time.sleep(0.5)
        b.sendto((audit % b_port).encode().replace(b"T=7", b"T=8"), mg)
        r, _ = recv_tr(b, 5)
        check("Reply = 8" in r, "served again after the MGC answered")
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out = proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            proc.kill(); out = proc.communicate()[0]
        subprocess.run(["rm", "-rf", "/var/run/dpdk/" + prefix])
    check("redirected" in out and "does not answer" in out and "restored" in out,
          "the log tells the states (redirected, lost, restored)")
    print("%d passed, %d failed" % (checks[0] - len(failures), len(failures)))
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
