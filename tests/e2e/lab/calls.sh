# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): a call from start to end:
# participants talking through the switch (lab_run_call), a mixed conference of talkers and
# listeners (lab_mix_call).

# lab_run_call N SECONDS BIN|mock: capture, switch, provisioning, N receivers and senders,
# counters mid-call and at exit. Leaves heard-i.wav, wire.pcap, stats-*.txt in LAB_DIR.
lab_run_call() {
  local n=$1 secs=$2 bin=$3 mode="" i rc=0
  LAB_PROV=$LAB_PROVISION
  [ "$bin" = mock ] && { mode=mock; LAB_PROV=stdin; }
  lab_keys "$n" "$mode" || return 1
  lab_capture_start wire || return 1
  lab_switch_start "$bin" || { lab_capture_stop; return 1; }
  if [ "$mode" = mock ]; then lab_provision_mock_wait; fi
  lab_provision "$n" || { lab_switch_stop; lab_capture_stop; return 1; }
  lab_relay_start "$n" $((secs + 60)) || { lab_switch_stop; lab_capture_stop; return 1; }
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
  lab_relay_stop
  lab_switch_stop || { lab_log "switch did not stop cleanly"; rc=1; }
  lab_capture_stop
  lab_keys_check || rc=1
  return $rc
}

# ------------------------------------------------------------------------------------------
# mixed conference: talkers (sendrecv: a sender and a receiver each) and listeners (sendonly:
# a receiver only) in conference 1 (media=mix)

LAB_MIX_CONF_OPTS=${LAB_MIX_CONF_OPTS:-}   # extra "conf add" options, e.g. "speakers=2"

lab_is_talker() { [ "$1" -lt "$LAB_TALKERS" ]; }

# lab_mix_keys KEYS T L: participants' keys, the group key, and which key each receiver
# decrypts with: bilateral: its own down key; group: the group key; hybrid: listeners the group
# key, talkers their own down key. With Mp only the participants' send keys: mrfpd generates
# the others and lab_mix_provision sets the receivers' keys from its replies.
lab_mix_keys() {
  local keys=$1 i
  LAB_TALKERS=$2; LAB_LISTENERS=$3; LAB_KEYS_MODE=$keys
  case $keys in bilateral | group | hybrid) ;; *) lab_die "unknown key mode $keys"; return 1 ;; esac
  lab_keys $((LAB_TALKERS + LAB_LISTENERS)) || return 1
  [ "$LAB_PROV" = mp ] && return 0
  LAB_GROUP_KEY=$(openssl rand -base64 30) || return 1
  for ((i = 0; i < LAB_TALKERS + LAB_LISTENERS; i++)); do
    case $keys in
      bilateral) LAB_RX_KEY[i]=${LAB_KEY_DOWN[i]} ;;
      group) LAB_RX_KEY[i]=$LAB_GROUP_KEY ;;
      hybrid) if lab_is_talker "$i"; then LAB_RX_KEY[i]=${LAB_KEY_DOWN[i]};
              else LAB_RX_KEY[i]=$LAB_GROUP_KEY; fi ;;
    esac
  done
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
  lab_switch_alive || { own=1; LAB_PROV=$LAB_PROVISION; }
  lab_mix_keys "$keys" "$t" "$l" || return 1
  lab_capture_start wire || return 1
  lab_switch_ensure "$bin" || { lab_capture_stop; return 1; }
  before=$(wc -l <"$LAB_SW_OUT")
  if ! lab_mix_provision "$conf" || ! lab_relay_start "$n" $((secs + 60)); then
    lab_relay_stop
    if [ $own = 1 ]; then lab_switch_stop
    elif [ "$LAB_PROV" != mp ] || [ -n "${LAB_CTX[conf]:-}" ]; then lab_conf_remove "$conf"; fi
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
  lab_relay_stop
  if [ $own = 1 ]; then
    lab_switch_stop || { lab_log "switch did not stop cleanly"; rc=1; }
  else
    lab_conf_remove "$conf" || rc=1
  fi
  tail -n +"$((before + 1))" "$LAB_SW_OUT" | grep '^event ' >"$LAB_DIR/events.txt"
  lab_capture_stop
  lab_keys_check || rc=1
  return $rc
}
