# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the participants: ffmpeg
# SRTP receivers and senders in the peers namespace, and the relay that makes each one symmetric
# towards mrfpd for Mp legs.

# The key receiver i decrypts with: LAB_RX_KEY[i] when set (a mixed conference's group key),
# else LAB_KEY_DOWN[i].
lab_rx_key() { local i=$1; printf '%s' "${LAB_RX_KEY[i]:-${LAB_KEY_DOWN[i]}}"; }

lab_rx_sdp() {
  local i=$1
  printf '%s\n' "v=0" "o=- 0 0 IN IP4 127.0.0.1" "s=mrfp-lab-$i" \
    "c=IN IP4 127.0.0.1" "t=0 0" "m=audio $(lab_rcv_port "$i") RTP/SAVP 0" \
    "a=rtpmap:0 PCMU/8000" "a=crypto:1 $LAB_SUITE inline:$(lab_rx_key "$i")"
}

# Receiver i: listens on its port (lab_rcv_port), decrypts with lab_rx_key i (SDP on a pipe), writes
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

# Sender i: its tone, 20 ms packets, SRTP with LAB_KEY_UP[i], to mrfpd's leg port (mp: through
# the relay) or DST.
lab_sender_start() {
  local i=$1 secs=$2 dst=${3:-}
  if [ -z "$dst" ]; then
    if [ "$LAB_PROV" = mp ]; then dst=$(lab_ip "$i"):$(lab_relay_in_port "$i")
    else dst=$LAB_MEDIA_IP:$(lab_leg_port "$i"); fi
  fi
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

# lab_relay_start N: (mp) the relay that makes participants 0..N-1 symmetric (see the top);
# after provisioning, as it needs mrfpd's ports. lab_relay_stop ends it.
lab_relay_start() {
  local n=$1 bound=${2:-120} i specs=()
  [ "$LAB_PROV" = mp ] || return 0
  for ((i = 0; i < n; i++)); do
    specs+=("$(lab_ip "$i"),$(lab_rx_port "$i"),$(lab_relay_in_port "$i"),$(lab_rcv_port "$i"),$(lab_leg_port "$i")")
  done
  lab_bg relay "$bound" ip netns exec "$LAB_NS_PEERS" "$LAB_PY" -u "$LAB_HERE/relay.py" \
    "$LAB_MEDIA_IP" "${specs[@]}"
  LAB_RELAY_PID=$LAB_LAST_PID
  for ((i = 0; i < 50; i++)); do
    grep -q '^relay ready' "$LAB_DIR/relay.out" 2>/dev/null && return 0
    kill -0 "$LAB_RELAY_PID" 2>/dev/null || break
    sleep 0.1
  done
  lab_die "the participants' relay did not start: $(tail -3 "$LAB_DIR/relay.err")"
}

lab_relay_stop() {
  [ -n "$LAB_RELAY_PID" ] || return 0
  lab_kill_pid "$LAB_RELAY_PID" TERM
  LAB_RELAY_PID=""
}
