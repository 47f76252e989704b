#!/usr/bin/env bash
# End-to-end under attack: while two real ffmpeg SRTP participants talk through mrfpd (the lab
# of lab.sh, legs over Mp), an attacker on the participants' link (10.77.0.9, hostile.py, raw
# frames on vpeer) sends a bounded burst: malformed frames, unknown ethertypes, fragments,
# packets for other hosts and unknown ports, truncated RTP, plaintext RTP and forged SRTP to
# the legs, replays of the call's own SRTP packets, ARP and ICMP floods.
# Passes if both participants still hear each other, each leg accepted every packet its
# participant sent (counted on the wire) and saw no authentication failure from it, every bad
# frame is counted under its reason (exactly where only the attacker produces that reason),
# and mrfpd's memory stayed flat (resident size, and DPDK heap in use from telemetry).
# Usage: hostile.sh MRFPD MRFPCTL. Exit: 0 pass, 1 fail, 77 skipped (not root, no netns...).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
# shellcheck disable=SC2034 # LAB_* are read by lab.sh
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
secs=${E2E_SECONDS:-8}
rounds=${HOSTILE_ROUNDS:-10}
attacker=10.77.0.9

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ -x "$bin" ] || { echo "hostile: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
# shellcheck disable=SC2034 # read by lab.sh
LAB_PROVISION=mp
lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "hostile: FAIL: $*"; LAB_FAILED=1; }
mrfpd_pid() { pgrep -f -n -- "--file-prefix $LAB_PREFIX" || pgrep -n -x mrfpd; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# DPDK heap in use ("Alloc_size Alloc_count"), from mrfpd's telemetry socket: the dataplane's
# memory is reserved and locked up front, so growth there never shows in VmRSS.
heap_used() {
  "$LAB_PY" -c 'import sys; sys.path.insert(0, sys.argv[2])
from mrfptest import telemetry
h = telemetry.query(sys.argv[1], "/eal/heap_info,0")
print(h["Alloc_size"], h["Alloc_count"])' "$LAB_PREFIX" "$LAB_PYLIB"
}

lab_up 2 || { fail "cannot build the lab"; exit 1; }
ip -n "$LAB_NS_PEERS" addr add "$attacker/24" dev vpeer || { fail "attacker address"; exit 1; }

# The call, as lab_run_call runs it, with the burst in its middle.
lab_keys 2 || exit 1
lab_capture_start wire || exit 1
lab_switch_start "$bin" || { fail "mrfpd did not start"; exit 1; }
lab_provision 2 || { fail "legs not set up"; exit 1; }
lab_relay_start 2 $((secs + 60)) || exit 1
for i in 0 1; do lab_receiver_start "$i" "$secs"; done
sleep 0.5
lab_log "call: 2 participants, ${secs}s; attack after 2 s"
for i in 0 1; do lab_sender_start "$i" "$secs"; done
sleep 2
pid=$(mrfpd_pid)
lab_stats before || fail "no counters before the attack"
# telemetry first: its client thread's stack (locked by mlockall) is then in both figures
heap0=$(heap_used) || fail "no heap figures from telemetry"
rss0=$(rss_kb "$pid")
ip netns exec "$LAB_NS_PEERS" "$LAB_PY" "$here/hostile.py" vpeer "$attacker" "$LAB_MEDIA_IP" \
  "$(lab_leg_port 0),$(lab_leg_port 1)" "$LAB_CAP_FILE" "$rounds" >"$LAB_DIR/sent.json" \
  2>"$LAB_DIR/hostile.err" || fail "the generator failed: $(tail -3 "$LAB_DIR/hostile.err")"
lab_log "attack sent: $(cat "$LAB_DIR/sent.json")"
for i in 0 1; do lab_wait_pid "${LAB_TX_PID[i]}" $((secs + 15)) || fail "sender $i"; done
sleep 1
heap1=$(heap_used) || fail "no heap figures from telemetry"
rss1=$(rss_kb "$pid")
echo "DPDK heap in use (bytes, blocks): before the attack $heap0, after $heap1"
[ "$heap0" = "$heap1" ] || fail "mrfpd's DPDK heap changed under attack ($heap0 -> $heap1)"
lab_stats call || fail "no counters after the call"
for i in 0 1; do lab_wait_pid "${LAB_RX_PID[i]}" 15; done
lab_relay_stop
lab_switch_stop || fail "mrfpd did not stop cleanly"
lab_capture_stop
lab_keys_check || fail "a key reached a file of the lab"

echo "=== what each participant heard ==="
lab_heard 0 "$(lab_freq 1)" $((secs / 2)) || fail "A did not hear B"
lab_heard 1 "$(lab_freq 0)" $((secs / 2)) || fail "B did not hear A"
echo "=== counters ==="
"$LAB_PY" - "$LAB_DIR" "$LAB_CAP_FILE" "$LAB_MEDIA_IP" "$(lab_leg_port 0),$(lab_leg_port 1)" \
  "$(lab_ip 0),$(lab_ip 1)" "$rss0" "$rss1" "$LAB_PYLIB" <<'EOF' || fail "counters (above)"
import json, re, socket, struct, sys
d, pcap, media, ports, peers, rss0, rss1, pylib = sys.argv[1:9]
sys.path.insert(0, pylib)
from mrfptest import pcap as pcapfile
ports = [int(p) for p in ports.split(",")]
peers = peers.split(",")
sent = json.load(open(d + "/sent.json"))
bad = []

def counters(name):
    w, legs = {}, {}
    for line in open("%s/stats-%s.txt" % (d, name)):
        kv = dict(re.findall(r"(\S+)=(\d+)", line))
        if line.startswith("worker"):
            for k, v in kv.items():
                w[k] = w.get(k, 0) + int(v)
        m = re.match(r"leg \d+ conf \d+ port (\d+)", line)
        if m:
            legs[int(m.group(1))] = {k: int(v) for k, v in kv.items()}
    return w, legs

w0, l0 = counters("before")
w1, l1 = counters("call")
exact = ("unsupported_ethertype", "malformed_l3", "unsupported_l4", "malformed_l4",
         "unknown_port", "truncated", "not_for_us", "srtp_auth_fail")
for reason, n in sorted(sent.items()):
    key = reason if reason.endswith("_replies") else "drop." + reason
    got = w1.get(key, 0) - w0.get(key, 0)
    ok = got == n if reason in exact else got >= n
    if reason == "ip_fragment":  # net_af_packet's socket asks the kernel to reassemble
        ok = got in (0, n)       # (PACKET_FANOUT_FLAG_DEFRAG): a lone first fragment never
                                 # reaches mrfpd in this lab; on a NIC it is counted
    print("%-22s sent %5d  counted %5d  %s" % (reason, n, got, "ok" if ok else "FAIL"))
    if not ok:
        bad.append(reason)

# Valid legs: every RTP packet a participant sent (on the wire) was accepted, none failed.
on_wire, seen = {}, set()
for _, _, fr in pcapfile.records(pcap):
    if len(fr) > 42 and fr[12:14] == b"\x08\x00" and fr[23] == 17:
        src, dst = socket.inet_ntoa(fr[26:30]), socket.inet_ntoa(fr[30:34])
        dport = struct.unpack("!H", fr[36:38])[0]
        if dst == media and src in peers and dport == ports[peers.index(src)] and fr not in seen:
            seen.add(fr)  # the attacker's replays are exact copies: count each packet once
            on_wire[dport] = on_wire.get(dport, 0) + 1
for p in ports:
    rx = l1.get(p, {}).get("rx", -1)
    print("leg port %d: participant sent %d RTP packets, mrfpd accepted %d" % (p, on_wire.get(p, 0), rx))
    if rx != on_wire.get(p, 0) or rx <= 0:
        bad.append("leg %d lost packets" % p)
auth = sum(l1[p].get("drop.srtp_auth_fail", 0) - l0.get(p, {}).get("drop.srtp_auth_fail", 0) for p in ports)
if auth != sent.get("srtp_auth_fail", 0):
    bad.append("auth failures on the legs (%d) are not exactly the forged packets (%d)"
               % (auth, sent.get("srtp_auth_fail", 0)))
grow = int(rss1) - int(rss0)
print("mrfpd VmRSS %s kB before the attack, %s kB after (%+d kB)" % (rss0, rss1, grow))
if grow > 1024:
    bad.append("memory grew by %d kB" % grow)
print("FAIL: " + ", ".join(bad) if bad else "every bad frame counted under its reason")
sys.exit(1 if bad else 0)
EOF
lab_print_counters

if [ "$LAB_FAILED" = 1 ]; then
  echo "hostile: FAIL (artifacts in $LAB_DIR)"
  exit 1
fi
echo "hostile: PASS"
exit 0
