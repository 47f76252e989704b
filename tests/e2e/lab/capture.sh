# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): packet capture on the
# participants' side of the veth, and what the analysis (analyze.py) compares it with: the tones
# as sent; the detectors' preflights; packet counts.

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

lab_pcap_count() { timeout 30 tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l; }

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
