# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): results: the switch's
# counters (lab_stats, lab_print_counters), what each participant heard (lab_heard), no
# plaintext on the wire (lab_no_plaintext).

# lab_stats LABEL: asks for counters; whatever the switch printed meanwhile lands in
# $LAB_DIR/stats-LABEL.txt.
lab_stats() {
  local label=$1 before
  before=$(wc -l <"$LAB_SW_OUT")
  lab_ctl stats 10 || return 1
  sleep 0.5
  tail -n +"$((before + 1))" "$LAB_SW_OUT" >"$LAB_DIR/stats-$label.txt"
}

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
