# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the mock switch
# (development without mrfpd): same stdin interface; forwards each leg's SRTP/SRTCP unchanged to
# the other legs of its conference (it holds no keys and cannot re-encrypt).

lab_provision_mock_wait() { sleep 0.3; }

# shellcheck disable=SC2016
LAB_MOCK_PY='
import selectors, socket, sys
sel = selectors.DefaultSelector()
legs = {}          # leg id -> dict(conf, port, remote)
socks = {}         # socket -> (leg id, rtcp?)
rx = {}; tx = {}
sel.register(sys.stdin, selectors.EVENT_READ, None)
def reply(s):
    sys.stdout.write(s + "\n"); sys.stdout.flush()
def stats():
    for l in sorted(legs):
        print("leg %s rx_pkts=%d tx_pkts=%d" % (l, rx.get(l, 0), tx.get(l, 0)))
    sys.stdout.flush()
running = True
while running:
    for key, _ in sel.select():
        if key.data is None:
            line = sys.stdin.readline()
            if not line:
                running = False; break
            w = line.split()
            if not w:
                continue
            try:
                if w[:2] == ["conf", "add"]:
                    reply("ok")
                elif w[:2] == ["leg", "add"]:
                    kv = dict(x.split("=", 1) for x in w[4:])
                    port = int(kv["local_port"]); ip, rp = kv["remote"].rsplit(":", 1)
                    legs[w[3]] = dict(conf=w[2], port=port, remote=(ip, int(rp)))
                    for off in (0, 1):
                        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        s.bind(("10.77.0.1", port + off)); s.setblocking(False)
                        socks[s] = (w[3], off); sel.register(s, selectors.EVENT_READ, s)
                    reply("ok")
                elif w[0] == "stats":
                    stats(); reply("ok")
                elif w[0] == "quit":
                    reply("ok"); running = False; break
                else:
                    reply("error: unknown command")
            except Exception as e:
                reply("error: %s" % e)
        else:
            s = key.data
            data = s.recv(2048)
            src, off = socks[s]
            rx[src] = rx.get(src, 0) + 1
            for l, d in legs.items():
                if l != src and d["conf"] == legs[src]["conf"]:
                    out = [k for k, v in socks.items() if v == (l, off)][0]
                    out.sendto(data, (d["remote"][0], d["remote"][1] + off))
                    tx[l] = tx.get(l, 0) + 1
print("mock exit"); stats()
'
