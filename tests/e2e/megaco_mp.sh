#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2317  # "cond && ok ... || fail ...": ok is an echo; cleanup runs from a trap
# Interop: Erlang/OTP megaco, an independent MGC (tests/e2e/megaco_mrfc.erl), drives
# mrfpd over Mp (H.248.1 text over UDP) in the e2e lab, and real ffmpeg SRTP participants talk
# through the legs it set up:
#   - mrfpd (net_af_packet on the veth vdp) registers with ServiceChange Restart 901 in
#     MEGACO/1 offering ServiceChangeVersion 3; megaco answers with ServiceChangeVersion 3 and
#     everything after is version 3 (megaco's strict_version refuses anything else with 406);
#     mrfpd is started first so that it has to retransmit until the MGC is up;
#   - Add Context=$ Add=$ for A (700 Hz) and Add=$ into that context for B (1300 Hz), Local all
#     CHOOSE ($ address, port, a=crypto key), Remote = the participant with its send key;
#     a 5 s call in the default media mode (mix): A must hear B and B must hear A, each
#     decrypting with the key mrfpd returned in its Local SDP;
#   - AuditValue on ROOT and on A (statistics); Modify A with a new Local key ($): the reply
#     must carry a new key, and A hears B again (3 s) under that key only;
#   - one Add sent twice with the same TransactionId: one reply, executed once;
#   - Subtract A and B: Statistics (nt/os, nt/or, rtp/ps, rtp/pr > 0);
#   - a group-keyed conference (mrfp/keys=group, mrfp/rekey=join): the join brings Notify
#     mrfp/grekey with the MGC's RequestID, answered with ImmAckRequired (mrfpd's
#     TransactionResponseAck must reach megaco); a make-before-break group rekey by MKI (three
#     Modifies, each reply checked); a switched conference; it/ito armed on ROOT (mit 1 s): its
#     Notify comes after 1 s of MGC silence with the MGC's RequestID, then it is disarmed
#     (megaco_mrfc_conf.erl);
#   - restart mid-call: from the group rekey on, participant A (ffmpeg) talks into the group
#     conference; the MGC stops with both conferences up, after writing the view it built
#     (contexts, legs, ports, addresses, codecs, modes, properties; no key) to view.expect; a
#     second megaco MGC on the same address and port, knowing only mrfpd's address, audits
#     Context = * { AuditValue = * { Audit { Media } } }, rebuilds the same view from the
#     reply alone, sees A's leg still receiving, and subtracts every leg (Statistics for each);
#   - no 406 either way, nothing but MEGACO/3 after the registration (megaco's callbacks and
#     tshark);
#   - every Mp datagram (captured on lo in mrfpd's namespace) decodes as MEGACO in tshark;
#     mrfpd's are never malformed (the MGC's Local `inline:$` CHOOSE key is the only thing
#     tshark's SDP dissector marks malformed: a dissector limit, reported, tolerated);
#   - drain and restart: a third megaco MGC (role drain); SIGTERM to mrfpd (run with
#     --drain-timeout 4000): megaco receives ServiceChange Graceful on ROOT (905, Delay 4) and,
#     no call being left, Forced, accepts both (no syntax or message error) and answers them;
#     mrfpd exits 0; started again (--max-legs-per-worker 2) it registers with Restart 901 in
#     MEGACO/1; two legs fill its one worker, a third is refused with 510 and megaco receives
#     Notify ROOT mrfp/overload {state=on}, a Subtract brings {state=off};
#   - no key in any log.
# Participants send and receive on different ffmpeg processes (one UDP socket cannot be shared)
# while mrfpd latches Mp legs on the source address: a relay per participant makes each one
# symmetric (sender -> relay -> mrfpd from the Remote port; mrfpd -> that port -> receiver).
# Keys: the MGC generates the participants' send keys and gets mrfpd's; it hands them to this
# script in a 0600 file inside the 0700 test directory, deleted as soon as it is read; the Mp
# capture (keys in clear) is deleted at the end. Keys reach ffmpeg as lab.sh passes them.
# Usage: megaco_mp.sh [PATH/TO/mrfpd]   Exit: 0 pass, 1 fail, 77 skipped (not root, no erl...)
# MEGACO_MP_KEEP=1 keeps the directory (logs, WAVs; the Mp capture only with
# MEGACO_MP_KEEP_PCAP=1, it holds keys).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/common/missing.sh
source "$here/../common/missing.sh"
bin=${1:-$here/../../build/control/mrfpd}
PY=/usr/bin/python3
ANALYZE=$here/analyze.py
SUITE=AES_CM_128_HMAC_SHA1_80
MEDIA_IP=10.77.0.1
MP_PORT=2944
MGC_PORT=2945
SECS=${MEGACO_MP_SECONDS:-5}   # call 1
SECS2=3                        # call 2, after the rekey
FREQS=(700 1300)

log() { printf '[megaco_mp %s] %s\n' "$(date +%T)" "$*" >&2; }
FAILED=0
fail() { echo "FAIL $*"; FAILED=1; }
ok() { echo "ok   $*"; }

# ---- can it run here at all? ------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then echo "megaco_mp: needs root (namespaces, DPDK)"; exit 77; fi
for t in erl erlc tshark tcpdump ffmpeg ip ethtool openssl timeout stdbuf "$PY"; do
  command -v "$t" >/dev/null 2>&1 || { echo "megaco_mp: missing $t"; exit "$(missing_status)"; }
done
"$PY" -c 'import numpy' 2>/dev/null || { echo "megaco_mp: missing python3-numpy"; exit "$(missing_status)"; }
erl -noshell -eval 'case code:lib_dir(megaco, include) of {error, _} -> halt(1); D -> case filelib:is_regular(filename:join(D, "megaco.hrl")) of true -> halt(0); false -> halt(1) end end.' \
  >/dev/null 2>&1 || { echo "megaco_mp: missing erlang-megaco/erlang-dev (megaco.hrl)"; exit "$(missing_status)"; }
[ -x "$bin" ] || { echo "megaco_mp: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
probe="mrfp-probe-$$"
ip netns add "$probe" 2>/dev/null || { echo "megaco_mp: ip netns unavailable"; exit 77; }
ip netns del "$probe"

# ---- lab state and cleanup --------------------------------------------------------------
ID=$$
NS_DP="mrfp-mdp-$ID"
NS_PEERS="mrfp-mpeer-$ID"
PREFIX="mrfp-megaco-$ID"
umask 077
DIR=$(mktemp -d "/tmp/mrfp-megaco-$ID.XXXXXX") || exit 1
PIDS=()
KEYS=()   # every key this run learnt, to prove none reached a log

bg() {   # bg NAME BOUND CMD...: background under timeout, output in DIR/NAME.{out,err}
  local name=$1 bound=$2; shift 2
  timeout -k 3 "$bound" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

kill_pid() {   # one of our processes (a timeout wrapper) and, if needed, its children
  local pid=$1 sig=${2:-TERM} c
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill "-$sig" "$pid" 2>/dev/null
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }; sleep 0.2; done
  for c in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$c" 2>/dev/null; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

wait_pid() {   # wait_pid PID SECONDS -> its status, or 124 after killing it
  local pid=$1 s=$2 i
  for ((i = 0; i < s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
    sleep 0.1
  done
  kill_pid "$pid" TERM
  return 124
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill_pid "$pid" TERM; done
  ip netns del "$NS_DP" 2>/dev/null
  ip netns del "$NS_PEERS" 2>/dev/null
  rm -rf "/var/run/dpdk/$PREFIX" 2>/dev/null
  rm -f "$DIR"/*.info "$DIR"/*.tmp 2>/dev/null
  [ "${MEGACO_MP_KEEP_PCAP:-0}" = 1 ] || rm -f "$DIR/mp.pcap" "$DIR/mp-drain.pcap"
  if [ "${MEGACO_MP_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ] || [ "$FAILED" = 1 ]; then
    log "kept $DIR (logs, WAVs; no keys)"
  else
    rm -rf "$DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- namespaces: mrfp-mdp (vdp, no IP: mrfpd answers ARP) <-> mrfp-mpeer (vpeer .2 .3) ----
lab_up() {
  local ns i
  ip netns add "$NS_DP" && ip netns add "$NS_PEERS" || return 1
  for ns in "$NS_DP" "$NS_PEERS"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 || true
    ip -n "$ns" link set lo up || return 1
  done
  ip link add vdp netns "$NS_DP" type veth peer name vpeer netns "$NS_PEERS" || return 1
  ip netns exec "$NS_DP" ethtool -K vdp tx off >/dev/null || return 1
  ip netns exec "$NS_PEERS" ethtool -K vpeer tx off >/dev/null || return 1
  for i in 0 1; do ip -n "$NS_PEERS" addr add "$(p_ip $i)/24" dev vpeer || return 1; done
  ip -n "$NS_DP" link set vdp up && ip -n "$NS_PEERS" link set vpeer up
}

# Participant i on 10.77.0.(2+i): its symmetric media port (the Remote SDP, the relay's side
# facing mrfpd) 5002+10i; the sender ffmpeg binds 5000+10i and sends to the relay's 5004+10i;
# the receiver ffmpeg listens on 5006+10i. RTCP on each +1.
p_ip() { echo "10.77.0.$((2 + $1))"; }
p_pub() { echo $((5002 + 10 * $1)); }
p_tx() { echo $((5000 + 10 * $1)); }
p_in() { echo $((5004 + 10 * $1)); }
p_rx() { echo $((5006 + 10 * $1)); }


# ---- Mp capture (lo of mrfpd's namespace) ---------------------------------------------------
cap_start() {   # cap_start [NAME]: DIR/NAME.pcap (default mp)
  CAP=${1:-mp}
  bg "tcpdump-$CAP" 120 ip netns exec "$NS_DP" tcpdump -i lo -n -U --immediate-mode -Z root -s 0 -w "$DIR/$CAP.pcap" \
    "udp and (port $MP_PORT or port $MGC_PORT)"
  CAP_PID=$LAST_PID
  for _ in $(seq 50); do
    grep -q 'listening on' "$DIR/tcpdump-$CAP.err" 2>/dev/null && return 0
    sleep 0.1
  done
  log "tcpdump did not start: $(cat "$DIR/tcpdump-$CAP.err")"; return 1
}
cap_stop() {   # and a check that tcpdump wrote every datagram it was given
  sleep 0.5
  kill -INT "$CAP_PID" 2>/dev/null
  wait_pid "$CAP_PID" 5
  local got seen
  got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$DIR/tcpdump-$CAP.err")
  seen=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$DIR/tcpdump-$CAP.err")
  # on lo the kernel counts each datagram twice (out and in); libpcap keeps one
  [ -n "$got" ] && [ -n "$seen" ] && [ $((got * 2)) -ge "$seen" ] ||
    fail "Mp capture incomplete: tcpdump $(tr '\n' ' ' <"$DIR/tcpdump-$CAP.err")"
}

# ---- participants (as lab.sh runs them) -----------------------------------------------------
rx_sdp() {   # rx_sdp I KEY
  printf '%s\n' "v=0" "o=- 0 0 IN IP4 127.0.0.1" "s=megaco-mp-$1" "c=IN IP4 127.0.0.1" "t=0 0" \
    "m=audio $(p_rx "$1") RTP/SAVP 0" "a=rtpmap:0 PCMU/8000" "a=crypto:1 $SUITE inline:$2"
}
receiver_start() {   # receiver_start I KEY SECONDS TAG: decrypts with KEY, writes heard-TAG.wav
  local i=$1 key=$2 dur=$3 tag=$4
  rx_sdp "$i" "$key" | timeout -k 3 $((dur + 20)) ip netns exec "$NS_PEERS" \
    ffmpeg -hide_banner -nostdin -loglevel warning -y \
    -protocol_whitelist pipe,udp,rtp,srtp,crypto -listen_timeout 4 \
    -localaddr "$(p_ip "$i")" -f sdp -i pipe:0 -t "$dur" -c:a pcm_s16le \
    "$DIR/heard-$tag.wav" >"$DIR/rx-$tag.out" 2>"$DIR/rx-$tag.err" &
  RX_PID=$!
  PIDS+=("$RX_PID")
}
sender_start() {   # sender_start I KEY SECONDS SSRC TAG: tone of participant I to its relay
  local i=$1 key=$2 secs=$3 ssrc=$4 tag=$5
  # stdout to /dev/null: ffmpeg's rtp muxer prints its SDP there, a=crypto key included.
  timeout -k 3 $((secs + 20)) ip netns exec "$NS_PEERS" \
    ffmpeg -hide_banner -nostdin -loglevel warning -re -f lavfi \
    -i "sine=frequency=${FREQS[i]}:sample_rate=8000:samples_per_frame=160" -t "$secs" \
    -c:a pcm_mulaw -ssrc "$ssrc" -f rtp -srtp_out_suite "$SUITE" -srtp_out_params "$key" \
    "srtp://$(p_ip "$i"):$(p_in "$i")?localrtpport=$(p_tx "$i")&localaddr=$(p_ip "$i")" \
    >/dev/null 2>"$DIR/tx-$tag.err" &
  TX_PID=$!
  PIDS+=("$TX_PID")
}
talker_start() {   # talker_start KEY IP PORT SECONDS TAG: participant 0's tone straight to mrfpd
  local key=$1 ip=$2 port=$3 secs=$4 tag=$5
  timeout -k 3 $((secs + 20)) ip netns exec "$NS_PEERS" \
    ffmpeg -hide_banner -nostdin -loglevel warning -re -f lavfi \
    -i "sine=frequency=${FREQS[0]}:sample_rate=8000:samples_per_frame=160" -t "$secs" \
    -c:a pcm_mulaw -ssrc $((0x30000)) -f rtp -srtp_out_suite "$SUITE" -srtp_out_params "$key" \
    "srtp://$ip:$port?localrtpport=$(p_tx 0)&localaddr=$(p_ip 0)" \
    >/dev/null 2>"$DIR/tx-$tag.err" &
  TX_PID=$!
  PIDS+=("$TX_PID")
}
heard() {   # heard TAG EXPECT_HZ MIN_S LABEL
  "$PY" "$ANALYZE" freq "$DIR/heard-$1.wav" --expect "$2" --min-seconds "$3" --label "$4"
}

# ---- the MGC's hand-over files ----------------------------------------------------------------
declare -A INFO
take_info() {   # take_info NAME SECONDS: reads DIR/NAME.info into INFO[] and deletes it
  local f="$DIR/$1.info" k v
  for _ in $(seq $(($2 * 10))); do
    [ -e "$f" ] && break
    kill -0 "$MGC_PID" 2>/dev/null || { log "the MGC ended before handing over $1"; return 1; }
    sleep 0.1
  done
  [ -e "$f" ] || { log "no $1 from the MGC within $2 s"; return 1; }
  while read -r k v; do INFO[$k]=$v; done <"$f"
  rm -f "$f"
}
give_done() { echo "$2" >"$DIR/$1.done"; }

# =============================================================================================
lab_up || { fail "cannot build the lab"; exit 1; }
log "namespaces $NS_DP <-> $NS_PEERS, directory $DIR"
cap_start || { fail "no Mp capture"; exit 1; }

mkdir "$DIR/ebin"
erlc -o "$DIR/ebin" "$here/megaco_mrfc.erl" "$here/megaco_mrfc_conf.erl" >"$DIR/erlc.out" 2>&1 || {
  cat "$DIR/erlc.out"; fail "megaco_mrfc.erl / megaco_mrfc_conf.erl do not compile"; exit 1; }

# mrfpd first: it must retransmit its ServiceChange until the MGC answers.
bg mrfpd 150 ip netns exec "$NS_DP" stdbuf -oL -eL "$bin" --no-huge -m 512 --no-pci \
  --file-prefix "$PREFIX" --vdev=net_af_packet0,iface=vdp -l 0-1 -- \
  --media-ip "$MEDIA_IP/24" --ports 40000-40999 \
  --mp-address 127.0.0.1 --mp-port "$MP_PORT" --mgc "127.0.0.1:$MGC_PORT" --insecure-lab yes \
  --drain-timeout 4000
MRFPD_PID=$LAST_PID
for _ in $(seq 100); do
  grep -q 'Mp on' "$DIR/mrfpd.err" "$DIR/mrfpd.out" 2>/dev/null && break
  kill -0 "$MRFPD_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q 'Mp on' "$DIR/mrfpd.err" "$DIR/mrfpd.out" 2>/dev/null ||
  { tail -5 "$DIR/mrfpd.err"; fail "mrfpd did not open Mp"; exit 1; }
log "mrfpd up (pid $MRFPD_PID); the MGC starts 1.5 s later"
sleep 1.5

bg mgc 85 ip netns exec "$NS_DP" erl -noshell -pa "$DIR/ebin" -s megaco_mrfc main -extra \
  --dir "$DIR" --mg "127.0.0.1:$MP_PORT" --mgc-port "$MGC_PORT" \
  --participants "$(p_ip 0):$(p_pub 0),$(p_ip 1):$(p_pub 1)" --talker "$(p_ip 0):$(p_tx 0)" \
  --deadline 75
MGC_PID=$LAST_PID

# ---- call 1: A and B through the legs the MGC added ------------------------------------------
if take_info call1 30; then
  KEYS+=("${INFO[A_UP]}" "${INFO[A_DOWN]}" "${INFO[B_UP]}" "${INFO[B_DOWN]}")
  log "legs: A -> ${INFO[MRFP_IP]}:${INFO[A_PORT]}, B -> ${INFO[MRFP_IP]}:${INFO[B_PORT]}"
  bg relay $((SECS + SECS2 + 60)) ip netns exec "$NS_PEERS" "$PY" -u "$here/relay.py" "${INFO[MRFP_IP]}" \
    "$(p_ip 0),$(p_pub 0),$(p_in 0),$(p_rx 0),${INFO[A_PORT]}" \
    "$(p_ip 1),$(p_pub 1),$(p_in 1),$(p_rx 1),${INFO[B_PORT]}"
  for _ in $(seq 50); do grep -q ready "$DIR/relay.out" 2>/dev/null && break; sleep 0.1; done
  receiver_start 0 "${INFO[A_DOWN]}" $((SECS + 1)) A1; RXA=$RX_PID
  receiver_start 1 "${INFO[B_DOWN]}" $((SECS + 1)) B1; RXB=$RX_PID
  sleep 0.5
  log "call 1: A sends ${FREQS[0]} Hz, B ${FREQS[1]} Hz, ${SECS} s (mix, bilateral keys)"
  sender_start 0 "${INFO[A_UP]}" "$SECS" $((0x10000)) A1; TXA=$TX_PID
  sender_start 1 "${INFO[B_UP]}" "$SECS" $((0x10001)) B1; TXB=$TX_PID
  wait_pid "$TXA" $((SECS + 15)) || fail "sender A: $(tail -2 "$DIR/tx-A1.err")"
  wait_pid "$TXB" $((SECS + 15)) || fail "sender B: $(tail -2 "$DIR/tx-B1.err")"
  wait_pid "$RXA" 12; wait_pid "$RXB" 12
  give_done call1 ok
  echo "=== call 1: what each participant heard ==="
  heard A1 "${FREQS[1]}" $((SECS / 2)) "A (sends ${FREQS[0]} Hz)" && ok "A heard B" || fail "A did not hear B"
  heard B1 "${FREQS[0]}" $((SECS / 2)) "B (sends ${FREQS[1]} Hz)" && ok "B heard A" || fail "B did not hear A"

  # ---- call 2: after Modify with a new Local key, A hears B under the new key -----------------
  if take_info call2 40 && [ -n "${INFO[SKIP]:-}" ]; then
    give_done call2 skipped
    fail "no call after the rekey: the MGC got no new key (${INFO[SKIP]})"
  elif [ -n "${INFO[A_DOWN2]:-}" ]; then
    KEYS+=("${INFO[A_DOWN2]}")
    receiver_start 0 "${INFO[A_DOWN2]}" $((SECS2 + 1)) A2; RXA=$RX_PID
    sleep 0.5
    log "call 2: B sends ${FREQS[1]} Hz for ${SECS2} s; A decrypts with its new key"
    sender_start 1 "${INFO[B_UP]}" "$SECS2" $((0x20001)) B2; TXB=$TX_PID
    wait_pid "$TXB" $((SECS2 + 15)) || fail "sender B (call 2): $(tail -2 "$DIR/tx-B2.err")"
    wait_pid "$RXA" 12
    give_done call2 ok
    echo "=== call 2 (after the rekey) ==="
    heard A2 "${FREQS[1]}" 1 "A after Modify (new Local key)" && ok "A heard B under the new key" ||
      fail "A did not hear B under the new key"
  else
    fail "the MGC did not get to the rekey"
  fi
else
  fail "the MGC did not set up the call"
fi

# ---- call 3: A talks into the group conference from its rekey on, through the MGC's restart ----
TALK_PID=""
if take_info call3 40 && [ -n "${INFO[G_UP]:-}" ]; then
  KEYS+=("${INFO[G_UP]}")
  log "call 3: A talks into the group conference (${INFO[MRFP_IP]}:${INFO[G_PORT]}) until the restarted MGC is done"
  talker_start "${INFO[G_UP]}" "${INFO[MRFP_IP]}" "${INFO[G_PORT]}" 60 G3; TALK_PID=$TX_PID
  give_done call3 started
else
  fail "the MGC did not get to the group conference's talker"
fi
unset INFO

echo "=== the MGC (Erlang/OTP megaco) ==="
wait_pid "$MGC_PID" 60; mgc_rc=$?
cat "$DIR/mgc.out"
[ -s "$DIR/mgc.err" ] && { echo "--- MGC stderr ---"; tail -20 "$DIR/mgc.err"; }
[ "$mgc_rc" -eq 0 ] && ok "every MGC check passed" || fail "MGC checks (exit $mgc_rc)"

# ---- restart: a second megaco MGC on the same address and port rebuilds from audits --------------
echo "=== the restarted MGC (a second megaco process: audits, rebuilds, subtracts) ==="
if [ -s "$DIR/view.expect" ]; then
  [ "$(stat -c %a "$DIR/view.expect")" = 600 ] && ok "the first MGC's view is a 0600 file in the 0700 test directory" ||
    fail "view.expect mode $(stat -c %a "$DIR/view.expect")"
  bg mgc2 40 ip netns exec "$NS_DP" erl -noshell -pa "$DIR/ebin" -s megaco_mrfc main -extra \
    --dir "$DIR" --mg "127.0.0.1:$MP_PORT" --mgc-port "$MGC_PORT" --role rebuild --deadline 30
  MGC_PID=$LAST_PID
  wait_pid "$MGC_PID" 40; mgc_rc=$?
  cat "$DIR/mgc2.out"
  [ -s "$DIR/mgc2.err" ] && { echo "--- restarted MGC stderr ---"; tail -20 "$DIR/mgc2.err"; }
  [ "$mgc_rc" -eq 0 ] && ok "every check of the restarted MGC passed" ||
    fail "restarted MGC checks (exit $mgc_rc)"
else
  fail "no view from the first MGC: the restart was not run"
fi
[ -n "$TALK_PID" ] && kill_pid "$TALK_PID" TERM

# ---- the capture covers mrfpd's life up to here (its checks below); then drain and restart ----
cap_stop
mrfpd_alive=0
kill -0 "$MRFPD_PID" 2>/dev/null && mrfpd_alive=1 || { wait "$MRFPD_PID"; fail "mrfpd died during the test (status $?)"; }

echo "=== drain and restart (a third megaco MGC: Graceful, Forced, Restart 901, overload) ==="
if [ "$mrfpd_alive" = 1 ]; then
  declare -A INFO   # (unset after call 3)
  cap_start mp-drain || fail "no Mp capture of the drain"
  bg mgc3 60 ip netns exec "$NS_DP" erl -noshell -pa "$DIR/ebin" -s megaco_mrfc main -extra \
    --dir "$DIR" --mg "127.0.0.1:$MP_PORT" --mgc-port "$MGC_PORT" \
    --participants "$(p_ip 0):$(p_pub 0),$(p_ip 1):$(p_pub 1)" --role drain --deadline 50
  MGC_PID=$LAST_PID
  if take_info drain 20; then
    t0=$(date +%s%N)
    # to mrfpd itself: timeout(1) would pass a SIGTERM on twice (to its child and its process
    # group), and a second SIGTERM ends a drain at once
    mpid=$(pgrep -P "$MRFPD_PID" | head -1)
    kill -TERM "${mpid:-$MRFPD_PID}"
    give_done drain sigterm
    if take_info drained 15; then
      wait_pid "$MRFPD_PID" 5; rc=$?
      secs=$((($(date +%s%N) - t0) / 1000000))
      [ "$rc" -eq 0 ] && ok "SIGTERM with --drain-timeout: mrfpd drained and exited 0 (${secs} ms)" ||
        fail "mrfpd exit status $rc after its drain"
      give_done drained "exited $rc"
    else
      kill_pid "$MRFPD_PID" TERM
      fail "the drain MGC got no Graceful and Forced"
    fi
    if take_info restart 15; then
      bg mrfpd2 60 ip netns exec "$NS_DP" stdbuf -oL -eL "$bin" --no-huge -m 512 --no-pci \
        --file-prefix "$PREFIX" --vdev=net_af_packet0,iface=vdp -l 0-1 -- \
        --media-ip "$MEDIA_IP/24" --ports 40000-40999 \
        --mp-address 127.0.0.1 --mp-port "$MP_PORT" --mgc "127.0.0.1:$MGC_PORT" --insecure-lab yes \
        --max-legs-per-worker 2
      MRFPD2_PID=$LAST_PID
      give_done restart started
    fi
  else
    fail "the drain MGC did not start"
  fi
  wait_pid "$MGC_PID" 50; mgc_rc=$?
  cat "$DIR/mgc3.out"
  [ -s "$DIR/mgc3.err" ] && { echo "--- drain MGC stderr ---"; tail -20 "$DIR/mgc3.err"; }
  [ "$mgc_rc" -eq 0 ] && ok "every check of the drain MGC passed" || fail "drain MGC checks (exit $mgc_rc)"
  cap_stop
  dm=$(tshark -n -r "$DIR/mp-drain.pcap" -d "udp.port==$MGC_PORT,megaco" -d "udp.port==$MP_PORT,megaco" \
    -T fields -e udp.srcport -e frame.protocols -e _ws.malformed -e _ws.col.Info 2>/dev/null |
    awk -F'\t' -v p="$MP_PORT" '$1 == p { n++; if ($2 !~ /:megaco/ || $3 != "") bad++; if ($4 ~ /ServiceChange/) sc++ }
      END { printf "%d %d %d", n, bad, sc }')
  read -r dm_n dm_bad dm_sc <<<"$dm"
  [ "${dm_n:-0}" -gt 0 ] && [ "${dm_bad:-1}" -eq 0 ] && [ "${dm_sc:-0}" -ge 3 ] &&
    ok "tshark: mrfpd's $dm_n messages of the drain and restart ($dm_sc ServiceChange) are MEGACO, none malformed" ||
    fail "tshark on the drain capture: $dm_n messages from mrfpd, $dm_bad not MEGACO or malformed, $dm_sc ServiceChange"
  if [ -n "${MRFPD2_PID:-}" ]; then
    grep -q 'registered with the MGC' "$DIR/mrfpd2.err" "$DIR/mrfpd2.out" 2>/dev/null &&
      ok "the restarted mrfpd logged its registration" || fail "the restarted mrfpd did not register"
    if kill -0 "$MRFPD2_PID" 2>/dev/null; then
      kill -TERM "$MRFPD2_PID"   # no --drain-timeout: at once
      wait_pid "$MRFPD2_PID" 10; rc=$?
      [ "$rc" -eq 0 ] && ok "the restarted mrfpd (no --drain-timeout) stopped at once on SIGTERM" ||
        fail "restarted mrfpd exit status $rc after SIGTERM"
    else
      wait "$MRFPD2_PID"; fail "the restarted mrfpd died (status $?)"
    fi
  fi
fi

# ---- tshark: every Mp datagram is MEGACO ---------------------------------------------------------
echo "=== Mp capture (tshark) ==="
TS=(tshark -n -r "$DIR/mp.pcap" -d "udp.port==$MGC_PORT,megaco" -d "udp.port==$MP_PORT,megaco")
"${TS[@]}" -T fields -E separator=/t -e frame.number -e udp.srcport -e udp.dstport \
  -e frame.protocols -e _ws.malformed -e megaco.transid -e _ws.col.Info \
  -e megaco.version -e megaco.error_code >"$DIR/mp-frames.txt" 2>"$DIR/tshark.err"
"${TS[@]}" -Y 'frame contains "inline:$"' -T fields -e frame.number >"$DIR/mp-choose.txt" 2>/dev/null
total=$(wc -l <"$DIR/mp-frames.txt")
# field 4 protocols, 5 malformed; mrfpd's datagrams come from MP_PORT
not_megaco=$(awk -F'\t' '$4 !~ /:megaco/' "$DIR/mp-frames.txt")
from_mg=$(awk -F'\t' -v p="$MP_PORT" '$2 == p' "$DIR/mp-frames.txt" | wc -l)
bad_mg=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $5 != ""' "$DIR/mp-frames.txt")
mgc_bad=$(awk -F'\t' -v p="$MP_PORT" '$2 != p && $5 != "" { print $1 }' "$DIR/mp-frames.txt")
mgc_bad_other=$(comm -23 <(echo "$mgc_bad" | sed '/^$/d' | sort) <(sort "$DIR/mp-choose.txt"))
sc=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $7 ~ /ServiceChange/' "$DIR/mp-frames.txt" | wc -l)
echo "$total Mp datagrams, $from_mg from mrfpd; ServiceChange sent $sc time(s) before megaco was up"
# (keys never show in the Info column; redacted all the same)
cut -f1,2,3,7 "$DIR/mp-frames.txt" | cut -c1-110 | sed -E 's/^/  /; s/inline:[^ |\\]+/inline:<redacted>/g' | head -80
[ "$total" -ge 10 ] && ok "Mp traffic captured" || fail "only $total Mp datagrams captured"
[ -z "$not_megaco" ] && ok "tshark decodes every Mp datagram as MEGACO" ||
  fail "datagrams tshark does not decode as MEGACO: frames $(echo "$not_megaco" | cut -f1 | tr '\n' ' ')"
[ -z "$bad_mg" ] && ok "none of mrfpd's $from_mg messages is malformed for tshark" ||
  { fail "mrfpd messages tshark marks malformed: frames $(echo "$bad_mg" | cut -f1 | tr '\n' ' ')"; }
[ -z "$mgc_bad_other" ] && ok "MGC messages: malformed only where tshark's SDP dissector meets the CHOOSE key inline:\$ ($(echo "$mgc_bad" | sed '/^$/d' | wc -l) frames)" ||
  fail "MGC messages tshark marks malformed for another reason: frames $(echo "$mgc_bad_other" | tr '\n' ' ')"
sc_tids=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $7 ~ /ServiceChange/ { print $6 }' "$DIR/mp-frames.txt" | sort -u | wc -l)
[ "$sc" -ge 2 ] && [ "$sc_tids" -eq 1 ] &&
  ok "mrfpd retransmitted its ServiceChange (one transaction, $sc datagrams) until megaco answered" ||
  fail "ServiceChange seen $sc time(s) in $sc_tids transaction(s); expected retransmissions of one"
grep -q 'registered with the MGC' "$DIR/mrfpd.err" "$DIR/mrfpd.out" 2>/dev/null &&
  ! grep -qi 'redirected' "$DIR/mrfpd.err" "$DIR/mrfpd.out" 2>/dev/null &&
  ok "mrfpd logged its registration (no redirection)" || fail "mrfpd did not log a plain registration"
# field 8 the MEGACO version, 9 the error codes. Version 1 only for the registration: mrfpd's
# ServiceChange and megaco's reply to it (the same TransactionId); all else MEGACO/3.
sc_tid=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $7 ~ /ServiceChange/ { print $6; exit }' "$DIR/mp-frames.txt")
not_v3=$(awk -F'\t' -v p="$MP_PORT" -v t="$sc_tid" '$8 != "3" && !($6 == t && ($2 == p ? $7 ~ /ServiceChange/ : $8 == "1")) { print $1 }' "$DIR/mp-frames.txt")
v1=$(awk -F'\t' '$8 == "1"' "$DIR/mp-frames.txt" | wc -l)
[ -n "$sc_tid" ] && [ -z "$not_v3" ] &&
  ok "tshark: MEGACO/1 only for the registration ($v1 datagrams, transaction $sc_tid), every other datagram MEGACO/3" ||
  fail "datagrams in another version than 3 outside the registration: frames $(echo "$not_v3" | tr '\n' ' ')"
errs=$(awk -F'\t' '$9 != "" { print $9 }' "$DIR/mp-frames.txt" | tr ',' '\n' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep=", " }')
if awk -F'\t' '$9 != ""' "$DIR/mp-frames.txt" | cut -f9 | tr ',' '\n' | grep -qx 406; then
  fail "tshark: a 406 on Mp (error codes: $errs)"
else
  ok "tshark: no 406 either way (error codes on Mp: ${errs:-none})"
fi
acks=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $7 ~ /TransactionResponseAck/' "$DIR/mp-frames.txt" | wc -l)
[ "$acks" -ge 1 ] && ok "tshark: mrfpd sent TransactionResponseAck ($acks) for megaco's ImmAckRequired reply" ||
  fail "tshark: no TransactionResponseAck from mrfpd"
grep -q 'registered with the MGC.*H.248 version 3' "$DIR/mrfpd.err" "$DIR/mrfpd.out" 2>/dev/null &&
  ok "mrfpd logged version 3 as negotiated" || fail "mrfpd did not log H.248 version 3 at registration"
dup=$(awk -F'\t' -v p="$MP_PORT" '$2 == p && $6 == "900001"' "$DIR/mp-frames.txt" | wc -l)
[ "$dup" -eq 2 ] && ok "the duplicated transaction was answered twice (one execution, checked by the MGC)" ||
  fail "replies to the duplicated transaction: $dup (expected 2)"

# ---- no key in any log ------------------------------------------------------------------------------
leak=""
for f in "$DIR"/*.out "$DIR"/*.err "$DIR"/*.txt "$DIR"/view.expect; do
  [ -f "$f" ] || continue
  for k in "${KEYS[@]}"; do
    [ -n "$k" ] && grep -qF -- "$k" "$f" && leak+=" $(basename "$f")"
  done
  grep -qE 'inline:[A-Za-z0-9+/]{20,}' "$f" && leak+=" $(basename "$f")(inline)"
done
KEYS=()
[ -z "$leak" ] && ok "no key in any log" || fail "keys found in:$leak"

echo "--- mrfpd counters at exit ---"
grep -E '^(worker|leg) ' "$DIR/mrfpd.out" "$DIR/mrfpd.err" 2>/dev/null | sed 's/^[^:]*://' | head -10
if [ "$FAILED" = 1 ]; then
  echo "--- mrfpd stderr (last 10 lines) ---"; tail -10 "$DIR/mrfpd.err"
  for f in "$DIR"/rx-*.err "$DIR"/tx-*.err "$DIR"/relay.err; do
    [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -3 "$f"; }
  done
  echo "megaco_mp: FAIL (artifacts in $DIR)"
  exit 1
fi
echo "megaco_mp: PASS"
exit 0
