#!/usr/bin/python3
"""Symmetric-RTP relay for the lab: ffmpeg cannot send and receive on one socket, so each
participant's sender and receiver get one public address (its RTP and RTCP ports) towards
mrfpd, which latches on it. Only forwards datagrams; holds no keys. IPv4 or IPv6 (an address
with a colon), the participant's family and mrfpd's the same.
Usage: relay.py MRFPD_IP IP,PUBLIC_PORT,SENDER_IN_PORT,RECEIVER_PORT,MRFPD_PORT ..."""
import selectors, socket, sys

mrfp = sys.argv[1]
sel = selectors.DefaultSelector()
for spec in sys.argv[2:]:
    ip, pub, inp, rcv, mport = spec.split(",")
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    for k in (0, 1):                     # RTP, RTCP
        ps = socket.socket(fam, socket.SOCK_DGRAM); ps.bind((ip, int(pub) + k))
        ins = socket.socket(fam, socket.SOCK_DGRAM); ins.bind((ip, int(inp) + k))
        sel.register(ins, selectors.EVENT_READ, (ps, (mrfp, int(mport) + k)))  # to mrfpd
        sel.register(ps, selectors.EVENT_READ, (ins, (ip, int(rcv) + k)))      # to the receiver
print("relay ready", flush=True)
while True:
    for key, _ in sel.select():
        out, dst = key.data
        try:
            out.sendto(key.fileobj.recv(4096), dst)
        except OSError:
            pass
