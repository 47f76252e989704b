# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the switch under test:
# mrfpd (or the mock, lab/mock.sh) in the dp namespace with its stdin on a fifo; a provisioning
# line and its reply (lab_ctl); "quit".

# lab_switch_start BIN|mock: starts it in the dp namespace (killed after LAB_SWITCH_BOUND s,
# default 90) with its stdin on a fifo held open by fd LAB_CTL_FD. Its stdout is $LAB_SW_OUT
# (switch.out in the LAB_DIR of the moment: it may outlive that call directory and serve
# several calls), its stderr $LAB_SW_ERR. With LAB_PROVISION=mp (not for the mock) mrfpd also
# serves Mp, and mrfpctl (LAB_MRFPCTL, default: next to BIN) answers its registration
# (ServiceChange Restart) before this returns. LAB_MRFPD_ARGS: extra mrfpd options, e.g.
# "--srtp-engine libsrtp". LAB_IPV6=1: mrfpd's IPv6 media address is LAB_MEDIA_IP6/64 as well.
lab_switch_start() {
  local bin=$1 mp_args=() v6=()
  [ "${LAB_IPV6:-0}" = 1 ] && v6=(--media-ip6 "$LAB_MEDIA_IP6/64")
  LAB_SW_OUT="$LAB_DIR/switch.out"
  LAB_SW_ERR="$LAB_DIR/switch.err"
  LAB_PROV=$LAB_PROVISION
  [ "$bin" = mock ] && LAB_PROV=stdin
  LAB_CTX=()
  if [ "$LAB_PROV" = mp ]; then
    LAB_MRFPCTL=${LAB_MRFPCTL:-$(dirname "$bin")/mrfpctl}
    [ -x "$LAB_MRFPCTL" ] || { lab_die "no mrfpctl at $LAB_MRFPCTL (LAB_MRFPCTL)"; return 1; }
    LAB_MRFPCTL=$(readlink -f "$LAB_MRFPCTL")
    # The MGC's inactivity probe (Notify it/ito after --mgc-timeout) is off: between calls
    # nobody listens on the MGC port, and the lab does not test MGC liveness.
    if [ "$LAB_MP_IPSEC" = 1 ]; then
      [ -n "$LAB_IPSEC_ID" ] || { lab_die "mp-ipsec: the IPsec lab is not up (lab_up)"; return 1; }
      # Production settings: Mp bound to ipsec0, served only while the guard (VICI) sees an
      # ESP CHILD_SA for it with the MRFC's identity.
      mp_args=(--mgc "$LAB_MGC_ADDR:$LAB_MGC_PORT" --mp-address "$LAB_MP_ADDR" --mp-port "$LAB_MP_PORT"
        --mgc-timeout 0 --mp-interface ipsec0 --vici-socket "$LAB_IPSEC_VICI"
        --mgc-identity "$LAB_IPSEC_MGC_ID")
    else
      mp_args=(--mgc "127.0.0.1:$LAB_MGC_PORT" --mp-address 127.0.0.1 --mp-port "$LAB_MP_PORT"
        --mgc-timeout 0 --insecure-lab yes)
    fi
    # the MGC is up first: mrfpd's ServiceChange is answered at once
    lab_bg mp-register 40 ip netns exec "${LAB_NS_MGC:-$LAB_NS_DP}" "$LAB_MRFPCTL" \
      --mp "$LAB_MP_ADDR:$LAB_MP_PORT" --local "$LAB_MGC_ADDR:$LAB_MGC_PORT" listen --count 1 --for 30
    LAB_REG_PID=$LAB_LAST_PID
  fi
  mkfifo -m 600 "$LAB_DIR/ctl" || return 1
  if [ "$bin" = mock ]; then
    timeout -k 3 "${LAB_SWITCH_BOUND:-90}" ip netns exec "$LAB_NS_DP" "$LAB_PY" -u -c "$LAB_MOCK_PY" \
      <"$LAB_DIR/ctl" >"$LAB_SW_OUT" 2>"$LAB_SW_ERR" &
  else
    [ -x "$bin" ] || { lab_die "no mrfpd at $bin"; return 1; }
    timeout -k 3 "${LAB_SWITCH_BOUND:-90}" ip netns exec "$LAB_NS_DP" stdbuf -oL -eL "$bin" \
      --no-huge -m 512 --no-pci --file-prefix "$LAB_PREFIX" \
      --vdev=net_af_packet0,iface=vdp -l 0-1 -- \
      --media-ip "$LAB_MEDIA_IP/24" --ports 40000-40999 --legs-from-stdin "${mp_args[@]}" \
      ${v6[@]+"${v6[@]}"} ${LAB_MRFPD_ARGS:-} <"$LAB_DIR/ctl" >"$LAB_SW_OUT" 2>"$LAB_SW_ERR" &
  fi
  LAB_SWITCH_PID=$!
  LAB_PIDS+=("$LAB_SWITCH_PID")
  exec {LAB_CTL_FD}>"$LAB_DIR/ctl"
  LAB_REPLIES=0
  lab_log "switch started ($bin, provisioning: $LAB_PROV), pid $LAB_SWITCH_PID"
  if [ "$LAB_PROV" = mp ]; then
    lab_wait_pid "$LAB_REG_PID" 35
    if ! grep -q 'ServiceChange.*Restart' "$LAB_DIR/mp-register.out" 2>/dev/null; then
      lab_die "mrfpd did not register over Mp: mrfpctl listen: $(cat "$LAB_DIR/mp-register.out" "$LAB_DIR/mp-register.err" 2>/dev/null | tr '\n' ' ') mrfpd: $(tail -3 "$LAB_SW_ERR" | tr '\n' ' ')"
      return 1
    fi
    lab_log "Mp: mrfpd registered with the MGC (mrfpctl): $(head -1 "$LAB_DIR/mp-register.out")"
  fi
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
