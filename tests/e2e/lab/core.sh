# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the lab's own bookkeeping:
# logging, whether it can run here, lab_init and lab_cleanup, its background processes (lab_bg,
# lab_wait_pid, lab_kill_pid) and the directory of each call.

lab_log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; return 1; }

# Exit status 77 (meson: skipped) when the lab cannot run here at all.
lab_can_run() {
  if [ "$(id -u)" -ne 0 ]; then echo "lab: needs root (network namespaces)"; return 77; fi
  local t
  for t in ip ffmpeg tcpdump openssl ethtool timeout "$LAB_PY"; do
    command -v "$t" >/dev/null 2>&1 || { echo "lab: missing $t"; return "$(missing_status)"; }
  done
  "$LAB_PY" -c 'import numpy' 2>/dev/null || { echo "lab: missing python3-numpy"; return "$(missing_status)"; }
  local probe="mrfp-probe-$$"
  ip netns add "$probe" 2>/dev/null || { echo "lab: ip netns unavailable"; return 77; }
  ip netns del "$probe"
  return 0
}

lab_init() {
  case $LAB_PROVISION in
    mp | stdin) ;;
    mp-ipsec) LAB_MP_IPSEC=1; LAB_PROVISION=mp ;;
    *) lab_die "LAB_PROVISION=mp|mp-ipsec|stdin, not '$LAB_PROVISION'"; return 1 ;;
  esac
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
  LAB_PROV=$LAB_PROVISION   # what the switch of the moment uses (the mock: stdin)
  LAB_CTX=()
  LAB_LEG_PORT=(); LAB_LEG_TERM=()
  LAB_RELAY_PID=""
  LAB_SEEN_KEYS=()          # every key of this lab, for lab_keys_check
  LAB_MP_ADDR=127.0.0.1; LAB_MGC_ADDR=127.0.0.1; LAB_NS_MGC=$LAB_NS_DP
  LAB_IPSEC_ID=""; LAB_MPCAP_PID=""
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
  if [ -n "${LAB_IPSEC_ID:-}" ]; then   # mp-ipsec: charons by PID, the MRFC namespace
    IPSEC_LAB_NS_MRFP=$LAB_NS_DP IPSEC_LAB_KEEP=0 "$LAB_IPSEC_SH" down "$LAB_IPSEC_ID"
    LAB_IPSEC_ID=""
  fi
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

# lab_call_dir NAME: later artifacts (logs, pcap, WAVs, counters) go to $LAB_ROOT/NAME, so that
# several calls can run one after the other in one lab.
lab_call_dir() {
  LAB_DIR="$LAB_ROOT/$1"
  mkdir -p "$LAB_DIR"
}
