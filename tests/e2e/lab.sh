# shellcheck shell=bash
# mrfp end-to-end lab: two network namespaces joined by a veth, real ffmpeg SRTP participants in
# one, mrfpd (DPDK net_af_packet on the veth) in the other. Sourced by tests/e2e/switch_ffmpeg.sh,
# tests/e2e/mix_ffmpeg.sh and scripts/demo.sh; every function is prefixed lab_ and every
# variable LAB_.
#
#   mrfp-dp-ID     vdp  (no IP; mrfpd answers ARP for 10.77.0.1 itself)
#        |  veth
#   mrfp-peers-ID  vpeer 10.77.0.2, .3, ... /24 (participant i uses 10.77.0.(2+i))
#
# Participant i (0-based) on 10.77.0.(2+i):
#   sender ffmpeg   udp 5000+10i (RTCP +1)  ->  mrfpd leg local_port 40000+2i (RTCP +1)
#   receiver ffmpeg udp 5002+10i (RTCP +1)  <-  mrfpd (leg remote=), SDP with a=crypto on a pipe
# Keys: 2 per participant (what it sends with, what mrfpd sends to it with), generated with
# openssl, kept in shell arrays only; they reach mrfpd through a fifo (its stdin) and the
# receivers through a pipe (their SDP). The senders' key is on ffmpeg's command line: ffmpeg has
# no other way to take it (visible in ps inside this lab only). A mixed conference adds a group
# key (mrfpd's send key for the common stream, and in keys=group for everything it sends).
#
# Usage (see switch_ffmpeg.sh):
#   source lab.sh; lab_init; trap lab_cleanup EXIT; lab_up 2
#   lab_run_call 2 6 /path/to/mrfpd      # or "mock" (no mrfpd: a pass-through relay)
#   lab_heard 0 1300; lab_no_plaintext 2 6
# Mixed conferences (see mix_ffmpeg.sh): participants 0..T-1 talk (sendrecv), T..T+L-1 listen
# (sendonly); several calls may follow each other in one lab and one mrfpd:
#   lab_up 5; lab_switch_start /path/to/mrfpd
#   lab_call_dir group-3t2l; lab_mix_call group 3 2 6 /path/to/mrfpd 1   # conference 1
#   lab_call_dir ...;        lab_mix_call hybrid 3 2 6 /path/to/mrfpd 2  # conference 2 ...

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PY=/usr/bin/python3          # Debian's python3 (has python3-numpy), not a pyenv shim
LAB_ANALYZE="$LAB_HERE/analyze.py"
LAB_SUITE=AES_CM_128_HMAC_SHA1_80
LAB_MEDIA_IP=10.77.0.1
LAB_FREQS=(700 1300 2100 3100 500 1700)   # sums/differences of the first few avoid each other
LAB_PIDS=()
LAB_VERBOSE=${LAB_VERBOSE:-0}

lab_log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; return 1; }

# Exit status 77 (meson: skipped) when the lab cannot run here at all.
lab_can_run() {
  if [ "$(id -u)" -ne 0 ]; then echo "lab: needs root (network namespaces)"; return 77; fi
  local t
  for t in ip ffmpeg tcpdump openssl ethtool timeout "$LAB_PY"; do
    command -v "$t" >/dev/null 2>&1 || { echo "lab: missing $t"; return 77; }
  done
  "$LAB_PY" -c 'import numpy' 2>/dev/null || { echo "lab: missing python3-numpy"; return 77; }
  local probe="mrfp-probe-$$"
  ip netns add "$probe" 2>/dev/null || { echo "lab: ip netns unavailable"; return 77; }
  ip netns del "$probe"
  return 0
}

lab_init() {
  LAB_ID=${1:-$$}
  LAB_NS_DP="mrfp-dp-$LAB_ID"
  LAB_NS_PEERS="mrfp-peers-$LAB_ID"
  LAB_PREFIX="mrfp-e2e-$LAB_ID"
  LAB_DIR=$(mktemp -d "/tmp/mrfp-e2e-$LAB_ID.XXXXXX")
  LAB_ROOT=$LAB_DIR
  LAB_PIDS=()
  LAB_SWITCH_PID=""
  LAB_SW_OUT=""
  LAB_SW_ERR=""
  LAB_CAP_PID=""
  LAB_CTL_FD=""
  LAB_KEEP=${LAB_KEEP:-0}
  LAB_FAILED=0
}

# Kills one process that this lab started (a `timeout` wrapper) and its direct children.
lab_kill_pid() {
  local pid=$1 sig=${2:-TERM} c
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  for c in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$c" 2>/dev/null; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

lab_cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  if [ -n "$LAB_CTL_FD" ]; then exec {LAB_CTL_FD}>&-; LAB_CTL_FD=""; fi
  for pid in "${LAB_PIDS[@]}"; do lab_kill_pid "$pid" TERM; done
  LAB_PIDS=()
  [ -n "${LAB_NS_DP:-}" ] && ip netns del "$LAB_NS_DP" 2>/dev/null
  [ -n "${LAB_NS_PEERS:-}" ] && ip netns del "$LAB_NS_PEERS" 2>/dev/null
  [ -n "${LAB_PREFIX:-}" ] && rm -rf "/var/run/dpdk/$LAB_PREFIX" 2>/dev/null
  if [ -n "${LAB_ROOT:-}" ] && [ -d "$LAB_ROOT" ]; then
    find "$LAB_ROOT" -name ctl -type p -delete 2>/dev/null
    if [ "$LAB_KEEP" = 1 ] || [ "$rc" -ne 0 ] || [ "$LAB_FAILED" = 1 ]; then
      lab_log "kept $LAB_ROOT (logs, captures, WAVs; no keys)"
    else
      rm -rf "$LAB_ROOT"
    fi
  fi
  return $rc
}

# lab_bg NAME BOUND_S CMD...: runs CMD in the background under timeout, stdout/stderr to
# $LAB_DIR/NAME.{out,err}; sets LAB_LAST_PID and records it for cleanup.
lab_bg() {
  local name=$1 bound=$2; shift 2
  timeout -k 3 "$bound" "$@" >"$LAB_DIR/$name.out" 2>"$LAB_DIR/$name.err" &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
}

# lab_wait_pid PID SECONDS: waits for a process of ours to end, at most SECONDS; returns its rc
# (or 124 after killing it).
lab_wait_pid() {
  local pid=$1 s=$2 i
  for ((i = 0; i < s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
    sleep 0.1
  done
  lab_kill_pid "$pid" TERM
  return 124
}

# lab_up N [mock]: namespaces, veth, addresses for N participants. With "mock" 10.77.0.1 is
# given to the kernel on vdp (no mrfpd: the mock relay uses kernel sockets).
lab_up() {
  local n=$1 mode=${2:-} i
  ip netns add "$LAB_NS_DP" || return 1
  ip netns add "$LAB_NS_PEERS" || return 1
  for ns in "$LAB_NS_DP" "$LAB_NS_PEERS"; do
    # No IPv6 on the lab link: no router solicitations, MLD or DAD noise for mrfpd to count.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 || true
    ip -n "$ns" link set lo up
  done
  ip link add vdp netns "$LAB_NS_DP" type veth peer name vpeer netns "$LAB_NS_PEERS" || return 1
  ip netns exec "$LAB_NS_DP" ethtool -K vdp tx off >/dev/null || return 1
  ip netns exec "$LAB_NS_PEERS" ethtool -K vpeer tx off >/dev/null || return 1
  for ((i = 0; i < n; i++)); do
    ip -n "$LAB_NS_PEERS" addr add "$(lab_ip "$i")/24" dev vpeer || return 1
  done
  if [ "$mode" = mock ]; then
    ip -n "$LAB_NS_DP" addr add "$LAB_MEDIA_IP/24" dev vdp || return 1
  fi
  ip -n "$LAB_NS_DP" link set vdp up || return 1
  ip -n "$LAB_NS_PEERS" link set vpeer up || return 1
  lab_log "namespaces $LAB_NS_DP (vdp) <-> $LAB_NS_PEERS (vpeer, $n addresses), dir $LAB_DIR"
}

# lab_call_dir NAME: later artifacts (logs, pcap, WAVs, counters) go to $LAB_ROOT/NAME, so that
# several calls can run one after the other in one lab.
lab_call_dir() {
  LAB_DIR="$LAB_ROOT/$1"
  mkdir -p "$LAB_DIR"
}

lab_ip() { echo "10.77.0.$((2 + $1))"; }
lab_tx_port() { echo $((5000 + 10 * $1)); }
lab_rx_port() { echo $((5002 + 10 * $1)); }
lab_leg_port() { echo $((40000 + 2 * $1)); }
lab_freq() { echo "${LAB_FREQS[$1]}"; }
lab_name() { local n=ABCDEFGHIJ; printf '%s' "${n:$1:1}"; }   # 0 -> A, 1 -> B ...

# lab_keys N [mock]: LAB_KEY_UP[i] (participant i sends with it, mrfpd rx_key) and
# LAB_KEY_DOWN[i] (mrfpd sends to participant i with it, tx_key). The mock relay cannot
# re-encrypt, so in mock mode (2 participants) each one's down key is the other's up key.
lab_keys() {
  local n=$1 mode=${2:-} i
  LAB_KEY_UP=(); LAB_KEY_DOWN=(); LAB_RX_KEY=()
  for ((i = 0; i < n; i++)); do
    LAB_KEY_UP[i]=$(openssl rand -base64 30) || return 1
    LAB_KEY_DOWN[i]=$(openssl rand -base64 30) || return 1
  done
  if [ "$mode" = mock ]; then
    [ "$n" -eq 2 ] || { lab_die "mock mode supports 2 participants"; return 1; }
    LAB_KEY_DOWN[0]=${LAB_KEY_UP[1]}
    LAB_KEY_DOWN[1]=${LAB_KEY_UP[0]}
  fi
}

# ------------------------------------------------------------------------------------------
# packet capture (peers side of the veth, UDP only)

lab_capture_start() {
  local name=${1:-wire}
  LAB_CAP_FILE="$LAB_DIR/$name.pcap"
  lab_bg "tcpdump-$name" 120 ip netns exec "$LAB_NS_PEERS" \
    tcpdump -i vpeer -n -U -Z root -s 0 -w "$LAB_CAP_FILE" udp
  LAB_CAP_PID=$LAB_LAST_PID
  local i
  for ((i = 0; i < 50; i++)); do
    grep -q 'listening on' "$LAB_DIR/tcpdump-$name.err" 2>/dev/null && return 0
    kill -0 "$LAB_CAP_PID" 2>/dev/null || break
    sleep 0.1
  done
  lab_die "tcpdump did not start: $(cat "$LAB_DIR/tcpdump-$name.err")"
}

lab_capture_stop() {
  [ -n "$LAB_CAP_PID" ] || return 0
  sleep 0.3
  kill -INT "$LAB_CAP_PID" 2>/dev/null   # timeout forwards it to tcpdump, which flushes
  lab_wait_pid "$LAB_CAP_PID" 5
  LAB_CAP_PID=""
  return 0
}

# Raw µ-law bytes of participant i's tone: exactly what its sender puts in RTP payloads.
# Kept in LAB_ROOT, made once per frequency and length.
lab_tone_ul() {
  local i=$1 secs=$2 out
  out="$LAB_ROOT/tone-$(lab_freq "$1")hz-$2s.ul"
  [ -s "$out" ] && { echo "$out"; return 0; }
  timeout 30 ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi \
    -i "sine=frequency=$(lab_freq "$i"):sample_rate=8000" -t "$secs" \
    -c:a pcm_mulaw -f mulaw "$out" || return 1
  echo "$out"
}

# ------------------------------------------------------------------------------------------
# the switch under test: mrfpd, or a pass-through mock with the same stdin interface

# lab_switch_start BIN|mock: starts it in the dp namespace (killed after LAB_SWITCH_BOUND s,
# default 90) with its stdin on a fifo held open by fd LAB_CTL_FD. Its stdout is $LAB_SW_OUT
# (switch.out in the LAB_DIR of the moment: it may outlive that call directory and serve
# several calls), its stderr $LAB_SW_ERR.
lab_switch_start() {
  local bin=$1
  LAB_SW_OUT="$LAB_DIR/switch.out"
  LAB_SW_ERR="$LAB_DIR/switch.err"
  mkfifo -m 600 "$LAB_DIR/ctl" || return 1
  if [ "$bin" = mock ]; then
    timeout -k 3 "${LAB_SWITCH_BOUND:-90}" ip netns exec "$LAB_NS_DP" "$LAB_PY" -u -c "$LAB_MOCK_PY" \
      <"$LAB_DIR/ctl" >"$LAB_SW_OUT" 2>"$LAB_SW_ERR" &
  else
    [ -x "$bin" ] || { lab_die "no mrfpd at $bin"; return 1; }
    timeout -k 3 "${LAB_SWITCH_BOUND:-90}" ip netns exec "$LAB_NS_DP" stdbuf -oL -eL "$bin" \
      --no-huge -m 512 --no-pci --file-prefix "$LAB_PREFIX" \
      --vdev=net_af_packet0,iface=vdp -l 0-1 -- \
      --media-ip "$LAB_MEDIA_IP/24" --ports 40000-40999 --legs-from-stdin \
      <"$LAB_DIR/ctl" >"$LAB_SW_OUT" 2>"$LAB_SW_ERR" &
  fi
  LAB_SWITCH_PID=$!
  LAB_PIDS+=("$LAB_SWITCH_PID")
  exec {LAB_CTL_FD}>"$LAB_DIR/ctl"
  LAB_REPLIES=0
  lab_log "switch started ($bin), pid $LAB_SWITCH_PID"
}

lab_switch_alive() { [ -n "$LAB_SWITCH_PID" ] && kill -0 "$LAB_SWITCH_PID" 2>/dev/null; }

# Count of reply lines so far ("ok" or "error: ...").
lab_reply_count() { grep -cE '^(ok|error)' "$LAB_SW_OUT" 2>/dev/null || true; }

# lab_ctl LINE [TIMEOUT_S]: sends one provisioning line and waits for its reply. Keys are
# redacted from anything logged.
lab_ctl() {
  local line=$1 t=${2:-15} i n shown
  shown=$(printf '%s' "$line" | sed -E 's/(rx_key|tx_key|group_key)=[^ ]*/\1=<redacted>/g')
  lab_switch_alive || { lab_die "switch is not running (sending: $shown)"; return 1; }
  printf '%s\n' "$line" >&"$LAB_CTL_FD" || { lab_die "cannot write to switch stdin"; return 1; }
  for ((i = 0; i < t * 10; i++)); do
    n=$(lab_reply_count)
    if [ "$n" -gt "$LAB_REPLIES" ]; then
      LAB_REPLIES=$n
      local reply
      reply=$(grep -E '^(ok|error)' "$LAB_SW_OUT" | sed -n "${n}p")
      [ "$LAB_VERBOSE" = 1 ] && lab_log "> $shown  < $reply"
      case $reply in ok*) return 0 ;; *) lab_die "'$shown' -> $reply"; return 1 ;; esac
    fi
    lab_switch_alive || { lab_die "switch exited while handling '$shown'"; return 1; }
    sleep 0.1
  done
  lab_die "no reply to '$shown' within ${t}s"
}

# lab_provision N: one conference, one leg per participant.
lab_provision() {
  local n=$1 i
  # LAB_CONF_OPTS: extra "conf add" options, e.g. "media=switch keys=bilateral".
  lab_ctl "conf add 1${LAB_CONF_OPTS:+ $LAB_CONF_OPTS}" 30 || return 1
  for ((i = 0; i < n; i++)); do
    lab_ctl "leg add 1 $((i + 1)) local_port=$(lab_leg_port "$i") remote=$(lab_ip "$i"):$(lab_rx_port "$i") suite=$LAB_SUITE rx_key=${LAB_KEY_UP[i]} tx_key=${LAB_KEY_DOWN[i]} latch=off" || return 1
  done
}

# lab_stats LABEL: asks for counters; whatever the switch printed meanwhile lands in
# $LAB_DIR/stats-LABEL.txt.
lab_stats() {
  local label=$1 before
  before=$(wc -l <"$LAB_SW_OUT")
  lab_ctl stats 10 || return 1
  sleep 0.5
  tail -n +"$((before + 1))" "$LAB_SW_OUT" >"$LAB_DIR/stats-$label.txt"
}

# lab_switch_stop: "quit", then waits (SIGTERM after 10 s). Exit counters stay in switch.out.
lab_switch_stop() {
  [ -n "$LAB_SWITCH_PID" ] || return 0
  local before rc
  before=$(wc -l <"$LAB_SW_OUT")
  if lab_switch_alive; then { printf 'quit\n' >&"$LAB_CTL_FD"; } 2>/dev/null; fi
  exec {LAB_CTL_FD}>&-; LAB_CTL_FD=""
  lab_wait_pid "$LAB_SWITCH_PID" 10; rc=$?
  tail -n +"$((before + 1))" "$LAB_SW_OUT" >"$LAB_DIR/stats-exit.txt"
  LAB_SWITCH_PID=""
  return $rc
}

# ------------------------------------------------------------------------------------------
# participants

# The key receiver i decrypts with: LAB_RX_KEY[i] when set (a mixed conference's group key),
# else LAB_KEY_DOWN[i].
lab_rx_key() { local i=$1; printf '%s' "${LAB_RX_KEY[i]:-${LAB_KEY_DOWN[i]}}"; }

lab_rx_sdp() {
  local i=$1
  printf '%s\n' "v=0" "o=- 0 0 IN IP4 127.0.0.1" "s=mrfp-lab-$i" \
    "c=IN IP4 127.0.0.1" "t=0 0" "m=audio $(lab_rx_port "$i") RTP/SAVP 0" \
    "a=rtpmap:0 PCMU/8000" "a=crypto:1 $LAB_SUITE inline:$(lab_rx_key "$i")"
}

# Receiver i: listens on its port, decrypts with lab_rx_key i (SDP on a pipe), writes
# heard-i.wav: at most DURATION seconds (default SECONDS + 5), giving up LISTEN seconds after
# the last packet (or if none ever comes). c=127.0.0.1 sends its (cleartext) RTCP receiver
# reports to the loopback, not to the wire.
lab_receiver_start() {
  local i=$1 secs=$2 listen=${3:-4} dur=${4:-$(($2 + 5))}
  lab_rx_sdp "$i" | timeout -k 3 $((dur + listen + 15)) ip netns exec "$LAB_NS_PEERS" \
    ffmpeg -hide_banner -nostdin -loglevel warning -y \
    -protocol_whitelist pipe,udp,rtp,srtp,crypto -listen_timeout "$listen" \
    -localaddr "$(lab_ip "$i")" -f sdp -i pipe:0 -t "$dur" -c:a pcm_s16le \
    "$LAB_DIR/heard-$i.wav" >"$LAB_DIR/rx-$i.out" 2>"$LAB_DIR/rx-$i.err" &
  LAB_RX_PID[i]=$!
  LAB_PIDS+=("$!")
}

# Sender i: its tone, 20 ms packets, SRTP with LAB_KEY_UP[i], to mrfpd's leg port (or DST).
lab_sender_start() {
  local i=$1 secs=$2 dst=${3:-$LAB_MEDIA_IP:$(lab_leg_port "$1")}
  # stdout to /dev/null: ffmpeg's rtp muxer prints its SDP there, a=crypto key included.
  timeout -k 3 $((secs + 20)) ip netns exec "$LAB_NS_PEERS" \
    ffmpeg -hide_banner -nostdin -loglevel warning -re -f lavfi \
    -i "sine=frequency=$(lab_freq "$i"):sample_rate=8000:samples_per_frame=160" -t "$secs" \
    -c:a pcm_mulaw -ssrc $((0x10000 + i)) -f rtp -srtp_out_suite "$LAB_SUITE" \
    -srtp_out_params "${LAB_KEY_UP[i]}" \
    "srtp://$dst?localrtpport=$(lab_tx_port "$i")&localaddr=$(lab_ip "$i")" \
    >/dev/null 2>"$LAB_DIR/tx-$i.err" &
  LAB_TX_PID[i]=$!
  LAB_PIDS+=("$!")
}

# ------------------------------------------------------------------------------------------
# one call, start to end

# lab_run_call N SECONDS BIN|mock: capture, switch, provisioning, N receivers and senders,
# counters mid-call and at exit. Leaves heard-i.wav, wire.pcap, stats-*.txt in LAB_DIR.
lab_run_call() {
  local n=$1 secs=$2 bin=$3 mode="" i rc=0
  [ "$bin" = mock ] && mode=mock
  lab_keys "$n" "$mode" || return 1
  lab_capture_start wire || return 1
  lab_switch_start "$bin" || return 1
  if [ "$mode" = mock ]; then lab_provision_mock_wait; fi
  lab_provision "$n" || { lab_switch_stop; lab_capture_stop; return 1; }
  for ((i = 0; i < n; i++)); do lab_receiver_start "$i" "$secs"; done
  sleep 0.5
  lab_log "call: $n participants, ${secs}s of tone each"
  for ((i = 0; i < n; i++)); do lab_sender_start "$i" "$secs"; done
  for ((i = 0; i < n; i++)); do
    lab_wait_pid "${LAB_TX_PID[i]}" $((secs + 15)) || {
      lab_log "sender $(lab_name "$i") failed: $(tail -3 "$LAB_DIR/tx-$i.err")"; rc=1; }
  done
  sleep 0.5
  lab_stats call || rc=1
  for ((i = 0; i < n; i++)); do
    lab_wait_pid "${LAB_RX_PID[i]}" 15
  done
  lab_switch_stop || { lab_log "switch did not stop cleanly"; rc=1; }
  lab_capture_stop
  return $rc
}

# ------------------------------------------------------------------------------------------
# mixed conference: talkers (sendrecv: a sender and a receiver each) and listeners (sendonly:
# a receiver only) in conference 1 (media=mix)

LAB_MIX_CONF_OPTS=${LAB_MIX_CONF_OPTS:-}   # extra "conf add" options, e.g. "speakers=2"

lab_is_talker() { [ "$1" -lt "$LAB_TALKERS" ]; }

# lab_mix_keys KEYS T L: participants' keys, the group key, and which key each receiver
# decrypts with: bilateral: its own down key; group: the group key; hybrid: listeners the group
# key, talkers their own down key.
lab_mix_keys() {
  local keys=$1 i
  LAB_TALKERS=$2; LAB_LISTENERS=$3; LAB_KEYS_MODE=$keys
  lab_keys $((LAB_TALKERS + LAB_LISTENERS)) || return 1
  LAB_GROUP_KEY=$(openssl rand -base64 30) || return 1
  for ((i = 0; i < LAB_TALKERS + LAB_LISTENERS; i++)); do
    case $keys in
      bilateral) LAB_RX_KEY[i]=${LAB_KEY_DOWN[i]} ;;
      group) LAB_RX_KEY[i]=$LAB_GROUP_KEY ;;
      hybrid) if lab_is_talker "$i"; then LAB_RX_KEY[i]=${LAB_KEY_DOWN[i]};
              else LAB_RX_KEY[i]=$LAB_GROUP_KEY; fi ;;
      *) lab_die "unknown key mode $keys"; return 1 ;;
    esac
  done
}

# lab_mix_provision CONF: the conference and its legs (leg ids CONF*10+1...). In group mode no
# tx_key is given (mrfpd must use the group key for everything).
lab_mix_provision() {
  local conf=$1 n=$((LAB_TALKERS + LAB_LISTENERS)) i opts="" tx mode
  [ "$LAB_KEYS_MODE" = bilateral ] || opts=" suite=$LAB_SUITE group_key=$LAB_GROUP_KEY"
  lab_ctl "conf add $conf media=mix keys=$LAB_KEYS_MODE ptime=20$opts${LAB_MIX_CONF_OPTS:+ $LAB_MIX_CONF_OPTS}" 30 || return 1
  for ((i = 0; i < n; i++)); do
    tx=" tx_key=${LAB_KEY_DOWN[i]}"; [ "$LAB_KEYS_MODE" = group ] && tx=""
    mode=sendrecv; lab_is_talker "$i" || mode=sendonly
    lab_ctl "leg add $conf $((conf * 10 + i + 1)) local_port=$(lab_leg_port "$i") remote=$(lab_ip "$i"):$(lab_rx_port "$i") suite=$LAB_SUITE rx_key=${LAB_KEY_UP[i]}$tx mode=$mode latch=off codec=PCMU" || return 1
  done
}

# lab_switch_ensure BIN: starts the switch unless it is running; reports one that died.
lab_switch_ensure() {
  lab_switch_alive && return 0
  if [ -n "$LAB_SWITCH_PID" ]; then
    wait "$LAB_SWITCH_PID" 2>/dev/null
    lab_log "the switch (pid $LAB_SWITCH_PID) died with status $?; last stderr lines:"
    tail -5 "$LAB_SW_ERR" >&2
    if [ -n "$LAB_CTL_FD" ]; then exec {LAB_CTL_FD}>&-; LAB_CTL_FD=""; fi
    LAB_SWITCH_PID=""
  fi
  lab_switch_start "$1"
}

# lab_mix_call KEYS TALKERS LISTENERS SECONDS BIN [CONF]: one mixed call (conference CONF,
# default 1) in the current call directory (lab_call_dir). Uses the switch if one is running
# (the conference is removed at the end, the switch keeps running), else starts one and stops
# it at the end. Every receiver records SECONDS + 1 s (mrfpd sends continuously, so they end on
# their own); the talkers' senders play SECONDS of tone. Leaves heard-i.wav, wire.pcap,
# stats-call.txt, events.txt (mrfpd's "event" lines during the call) and, when it stopped the
# switch, stats-exit.txt in LAB_DIR.
lab_mix_call() {
  local keys=$1 t=$2 l=$3 secs=$4 bin=$5 conf=${6:-1} n=$(($2 + $3)) i rc=0 own=0 before
  lab_mix_keys "$keys" "$t" "$l" || return 1
  lab_switch_alive || own=1
  lab_capture_start wire || return 1
  lab_switch_ensure "$bin" || { lab_capture_stop; return 1; }
  before=$(wc -l <"$LAB_SW_OUT")
  if ! lab_mix_provision "$conf"; then
    if [ $own = 1 ]; then lab_switch_stop; else lab_ctl "conf remove $conf"; fi
    lab_capture_stop
    return 1
  fi
  for ((i = 0; i < n; i++)); do lab_receiver_start "$i" "$secs" 4 $((secs + 1)); done
  sleep 0.5
  lab_log "mixed call ($keys keys, conference $conf): $t talkers, $l listeners, ${secs}s of tone"
  for ((i = 0; i < t; i++)); do lab_sender_start "$i" "$secs"; done
  for ((i = 0; i < t; i++)); do
    lab_wait_pid "${LAB_TX_PID[i]}" $((secs + 15)) || {
      lab_log "sender $(lab_name "$i") failed: $(tail -3 "$LAB_DIR/tx-$i.err")"; rc=1; }
  done
  sleep 0.3
  lab_stats call || rc=1
  for ((i = 0; i < n; i++)); do
    lab_wait_pid "${LAB_RX_PID[i]}" 10
    [ $? -ne 124 ] || { lab_log "receiver $(lab_name "$i") did not end by itself"; rc=1; }
  done
  if [ $own = 1 ]; then
    lab_switch_stop || { lab_log "switch did not stop cleanly"; rc=1; }
  else
    lab_ctl "conf remove $conf" || rc=1
  fi
  tail -n +"$((before + 1))" "$LAB_SW_OUT" | grep '^event ' >"$LAB_DIR/events.txt"
  lab_capture_stop
  return $rc
}

# lab_detector_preflight: proves on this very link that the plaintext check flags a plain
# (non-SRTP) RTP stream: 1 s of participant 0's tone as plain RTP to an absent host.
lab_detector_preflight() {
  local ul
  ul=$(lab_tone_ul 0 2) || return 1
  ip -n "$LAB_NS_PEERS" neigh replace 10.77.0.250 lladdr 02:00:00:00:00:fa dev vpeer nud permanent
  lab_capture_start preflight || return 1
  timeout 20 ip netns exec "$LAB_NS_PEERS" ffmpeg -hide_banner -nostdin -loglevel error -re \
    -f lavfi -i "sine=frequency=$(lab_freq 0):sample_rate=8000:samples_per_frame=160" -t 1 \
    -c:a pcm_mulaw -f rtp "rtp://10.77.0.250:40000?localrtpport=4990" \
    >"$LAB_DIR/preflight-tx.out" 2>"$LAB_DIR/preflight-tx.err"
  lab_capture_stop
  ip -n "$LAB_NS_PEERS" neigh del 10.77.0.250 dev vpeer 2>/dev/null
  if "$LAB_PY" "$LAB_ANALYZE" plaintext "$LAB_DIR/preflight.pcap" --plain "$ul" \
       --from "$(lab_ip 0)" >"$LAB_DIR/preflight.txt" 2>&1; then
    lab_log "preflight: the plaintext detector MISSED a plain RTP stream:"
    cat "$LAB_DIR/preflight.txt" >&2
    return 1
  fi
  if ! grep -q 'carry plaintext' "$LAB_DIR/preflight.txt"; then
    lab_log "preflight: detector failed for another reason:"; cat "$LAB_DIR/preflight.txt" >&2
    return 1
  fi
  lab_log "preflight: plaintext detector flags plain RTP on vpeer ($(grep -o '[0-9]* datagrams carry' "$LAB_DIR/preflight.txt"))"
}

# lab_mix_detector_preflight F1,F2,..: proves on this link that the mixed-audio ciphertext
# check (analyze.py ciphertext) flags a plain RTP stream carrying a u-law mix of those tones.
lab_mix_detector_preflight() {
  local tones=$1 f graph="" ins="" k=0 out="$LAB_DIR/preflight-mix.txt"
  for f in ${tones//,/ }; do
    graph+="sine=frequency=$f:sample_rate=8000[t$k];"; ins+="[t$k]"; k=$((k + 1))
  done
  graph+="${ins}amix=inputs=$k,volume=$k/4,asetnsamples=n=160:p=0[out0]"
  ip -n "$LAB_NS_PEERS" neigh replace 10.77.0.250 lladdr 02:00:00:00:00:fa dev vpeer nud permanent
  lab_capture_start preflight-mix || return 1
  timeout 20 ip netns exec "$LAB_NS_PEERS" ffmpeg -hide_banner -nostdin -loglevel error -re \
    -f lavfi -i "$graph" -t 1 -c:a pcm_mulaw -f rtp \
    "rtp://10.77.0.250:40000?localrtpport=4992" \
    >"$LAB_DIR/preflight-mix-tx.out" 2>"$LAB_DIR/preflight-mix-tx.err"
  lab_capture_stop
  ip -n "$LAB_NS_PEERS" neigh del 10.77.0.250 dev vpeer 2>/dev/null
  if "$LAB_PY" "$LAB_ANALYZE" ciphertext "$LAB_DIR/preflight-mix.pcap" --tones "$tones" \
       --from "$(lab_ip 0)" --min-packets 20 >"$out" 2>&1; then
    lab_log "preflight: the mixed-audio detector MISSED a plain mixed RTP stream:"
    cat "$out" >&2
    return 1
  fi
  if ! grep -q 'have a tonal peak' "$out"; then
    lab_log "preflight: mixed-audio detector failed for another reason:"; cat "$out" >&2
    return 1
  fi
  lab_log "preflight: mixed-audio detector flags a plain $tones Hz mix on vpeer ($(grep -o '[0-9]* of [0-9]* packets have a tonal peak' "$out"))"
}

# ------------------------------------------------------------------------------------------
# results

# lab_heard I [EXPECT_HZ] [MIN_S]: prints what participant I heard; rc 1 if not as expected.
lab_heard() {
  local i=$1 expect=${2:-} min=${3:-1.0} args=()
  [ -n "$expect" ] && args+=(--expect "$expect")
  "$LAB_PY" "$LAB_ANALYZE" freq "$LAB_DIR/heard-$i.wav" --min-seconds "$min" \
    --peaks "${LAB_PEAKS:-0}" \
    --label "participant $(lab_name "$i") ($(lab_ip "$i"), sends $(lab_freq "$i") Hz)" "${args[@]}"
}

# lab_no_plaintext N SECONDS: plaintext check of wire.pcap against every participant's tone.
lab_no_plaintext() {
  local n=$1 secs=$2 i ul args=()
  for ((i = 0; i < n; i++)); do
    ul=$(lab_tone_ul "$i" "$secs") || return 1
    args+=(--plain "$ul")
  done
  "$LAB_PY" "$LAB_ANALYZE" plaintext "$LAB_DIR/wire.pcap" --from "$LAB_MEDIA_IP" \
    --min-from 50 "${args[@]}"
}

lab_print_counters() {
  local f
  for f in call exit; do
    [ -s "$LAB_DIR/stats-$f.txt" ] || continue
    echo "--- switch counters ($([ $f = call ] && echo 'stats, end of call' || echo 'at exit')) ---"
    grep -vE '^ok$' "$LAB_DIR/stats-$f.txt"
  done
  if [ -s "${LAB_SW_ERR:-}" ] && { [ "$LAB_FAILED" = 1 ] || [ "$LAB_VERBOSE" = 1 ]; }; then
    echo "--- switch stderr (last 15 lines) ---"
    tail -15 "$LAB_SW_ERR"
  fi
}

# ------------------------------------------------------------------------------------------
# mock switch (development without mrfpd): same stdin interface; forwards each leg's SRTP/SRTCP
# unchanged to the other legs of its conference (it holds no keys and cannot re-encrypt).

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
