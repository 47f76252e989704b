#!/usr/bin/python3
"""MGC states over Mp against a running mrfpd: a ServiceChange reply with MgcIdToTry moves
mrfpd to another MGC (H.248.1 11.5), the old one is no longer served; when the MGC falls silent
mrfpd sends an inactivity Notify (H.248.14 it/ito), declares it lost when that goes unanswered,
and comes back with ServiceChange Disconnected once the MGC answers again.
Usage: mp_mgc_states.py MRFPD"""
import os, socket, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
from mrfptest.checks import Checks  # noqa: E402
from mrfptest.mp import Mgc, Mrfpd  # noqa: E402

check = Checks()

def main():
    if os.geteuid() != 0:
        print("mp_mgc_states: needs root for DPDK"); return 77
    base = 35000 + os.getpid() % 2000
    a_port, b_port, mg_port = base, base + 2, base + 4
    a = Mrfpd(sys.argv[1], a_port, mg_port, extra=["--mgc-timeout", "1000"], name="mgcst")
    b = Mgc(b_port, mg_port, host="127.0.0.2")  # MGCs are told apart by address
    a.start()
    try:
        sc, addr = a.recv(30)
        check("Restart" in sc and "901" in sc, "ServiceChange Restart to the first MGC")
        a.answer_sc(sc, addr, ", MgcIdToTry = [127.0.0.2]:%d" % b_port)
        sc2, addr2 = b.recv(5)
        check("Restart" in sc2, "redirected: ServiceChange Restart to the MGC named in MgcIdToTry")
        b.answer_sc(sc2, addr2)
        audit = "T=7{C=-{AV=ROOT}}"
        b.send(b.hdr() + audit)
        r, _ = b.recv(5)
        check("Reply = 7" in r, "the new MGC is served")
        a.send(a.hdr() + audit)
        try:
            a.recv(1.5); old_served = True
        except socket.timeout:
            old_served = False
        check(not old_served, "the old MGC is not served any more")
        # b falls silent: inactivity Notify after 1 s, unanswered
        nt, _ = b.recv(10)
        check("Notify" in nt and "it/ito" in nt, "inactivity Notify (it/ito) after the MGC's silence")
        # keep silent: retransmissions of that Notify, then ServiceChange Disconnected
        deadline = time.time() + 25
        disc = None
        while time.time() < deadline:
            m, addr3 = b.recv(25)
            if "ServiceChange" in m:
                disc = m
                break
        check(disc is not None and "Disconnected" in disc and "900" in disc,
              "lost MGC: ServiceChange Disconnected (900 Service Restored) is retried")
        if disc is not None:
            b.answer_sc(disc, addr3)
        time.sleep(0.5)
        b.send(b.hdr() + audit.replace("T=7", "T=8"))
        r, _ = b.recv(5)
        check("Reply = 8" in r, "served again after the MGC answered")
    except socket.timeout as e:
        check(False, "timed out: %s" % e)
    finally:
        out = a.stop(10)
        a.close()
        b.close()
    check("redirected" in out and "does not answer" in out and "restored" in out,
          "the log tells the states (redirected, lost, restored)")
    return check.summary()

if __name__ == "__main__":
    sys.exit(main())
