#!/usr/bin/env bash
# End-to-end: mixed conferences (media=mix) of real ffmpeg SRTP participants (PCMU/8000,
# AES_CM_128_HMAC_SHA1_80) through mrfpd on a veth between two network namespaces.
#
# For each key mode (bilateral, group, hybrid), two calls:
#   3 talkers                     A, B, C send 880, 1870 and 2420 Hz
#   3 talkers + 2 listeners       D, E: legs in mode=sendonly (they only hear)
# and for each call:
#   - every talker hears the two other talkers' tones and not its own (its band power at least
#     30 dB under the weakest of the others'); every listener hears all three;
#   - no plaintext on the wire (tcpdump on the participants' side): no 8-byte window of any
#     talker's own u-law tone in any datagram, and every RTP flow from mrfpd, decoded as u-law,
#     has no tonal peak at the talkers' frequencies and uniformly distributed bytes (both
#     detectors are proven on plain streams on this very link first);
#   - group and hybrid: the two listeners' packets are byte-identical on the wire (same RTP
#     sequence number -> same UDP payload); bilateral: none is (per-leg keys);
#   - under one key no SSRC carries two different payloads (two-time pad), mrfpd reports no
#     ssrc_collision event, and each flow from mrfpd is one continuous stream.
# Tones: every sum/difference product of order <= 7 of 880, 1870 and 2420 Hz (G.711 companding
# and the mixer's sum) lies >= 110 Hz from each of them; 440/1040/1620 Hz (evenly spaced) put
# 2*1040-1620 = 460 Hz 20 Hz from 440 and 2*1040-440 = 1640 Hz 20 Hz from 1620.
#
# Usage: mix_ffmpeg.sh [PATH/TO/mrfpd] [PATH/TO/mrfpctl]
#   LAB_PROVISION=mp (default): the legs are added over Mp (H.248) by mrfpctl (default: next to
#   mrfpd), mrfpd chooses the ports and generates its keys and the group key; =stdin: lab lines.
#   E2E_SECONDS (default 6) seconds of tone per call; E2E_MIX_KEYS (default "bilateral group
#   hybrid"); E2E_MIX_SIZES (default "3+0 3+2", TALKERS+LISTENERS); LAB_KEEP=1 keeps artifacts.
# Exit: 0 pass, 1 fail, 77 skipped (not root, no ip netns, missing tools).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
secs=${E2E_SECONDS:-6}
key_modes=${E2E_MIX_KEYS:-bilateral group hybrid}
sizes=${E2E_MIX_SIZES:-3+0 3+2}
LAB_FREQS=(880 1870 2420)
tones=$(IFS=,; echo "${LAB_FREQS[*]}")

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ -x "$bin" ] || { echo "mix_ffmpeg: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")

max_n=0
for size in $sizes; do
  t=${size%+*}; l=${size#*+}
  if ! [[ $t =~ ^[0-9]+$ && $l =~ ^[0-9]+$ ]] || [ "$t" -lt 2 ] || [ "$t" -gt ${#LAB_FREQS[@]} ]; then
    echo "mix_ffmpeg: bad size '$size' (TALKERS+LISTENERS, 2..${#LAB_FREQS[@]} talkers)"; exit 2
  fi
  [ $((t + l)) -gt "$max_n" ] && max_n=$((t + l))
done

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
start=$SECONDS
RESULTS=()

fail() { echo "mix_ffmpeg: FAIL: $*"; LAB_FAILED=1; CASE_FAILED=1; }

lab_up "$max_n" || { fail "cannot build the lab"; exit 1; }
lab_detector_preflight || { fail "plaintext detector self-check on vpeer"; exit 1; }
lab_mix_detector_preflight "$tones" || { fail "mixed-audio detector self-check on vpeer"; exit 1; }
# One mrfpd serves every call, one conference (1, 2, ...) after the other, each removed at the
# end of its call (Mp: Subtract = *; stdin: "conf remove", and the next one takes the same
# ports: the calls also check that a removed conference gives its ports back). (Its worker
# counters add up over the calls; the legs' are per call.)
LAB_SWITCH_BOUND=600
echo "provisioning: $LAB_PROVISION$([ "$LAB_PROVISION" = mp ] && echo " (H.248 over Mp, mrfpctl as the MGC)")"
lab_switch_start "$bin" || { fail "cannot start mrfpd"; exit 1; }
case_no=0

# others_of I T: the tones of the talkers other than I, comma-separated.
others_of() {
  local i=$1 t=$2 j out=()
  for ((j = 0; j < t; j++)); do [ "$j" -ne "$i" ] && out+=("$(lab_freq "$j")"); done
  (IFS=,; echo "${out[*]}")
}

# q ARGS...: the arguments shell-quoted, for a line of analyze.py's batch file.
q() { printf '%q ' "$@"; }

run_case() {
  local keys=$1 t=$2 l=$3 n=$(($2 + $3)) i name c0=$SECONDS t_call flows=() st=() names=()
  local talkers_tones plain=() b f
  name="$keys-${t}t${l}l"
  CASE_FAILED=0
  lab_call_dir "$name"
  echo
  echo "=== $keys keys: $t talkers + $l listeners ($name) ==="
  case_no=$((case_no + 1))
  lab_mix_call "$keys" "$t" "$l" "$secs" "$bin" "$case_no" ||
    fail "$name: the call did not run cleanly (see $LAB_DIR)"
  t_call=$((SECONDS - c0))
  talkers_tones=$(others_of -1 "$t")

  # Every check of this call in one analyze.py process (numpy is imported once): a label, a
  # tab, the command.
  b="$LAB_DIR/checks.txt"
  : >"$b"
  for ((i = 0; i < n; i++)); do
    if lab_is_talker "$i"; then
      printf '%s\t%s\n' "$name: talker $(lab_name "$i") does not hear the others, or hears itself" \
        "$(q tones "$LAB_DIR/heard-$i.wav" --tones "$tones" --present "$(others_of "$i" "$t")" \
             --absent "$(lab_freq "$i")" --margin 30 --min-seconds $((secs / 2)) \
             --label "talker $(lab_name "$i") (sends $(lab_freq "$i") Hz)")" >>"$b"
    else
      printf '%s\t%s\n' "$name: listener $(lab_name "$i") does not hear every talker" \
        "$(q tones "$LAB_DIR/heard-$i.wav" --tones "$tones" --present "$talkers_tones" \
             --min-seconds $((secs / 2)) --label "listener $(lab_name "$i")")" >>"$b"
    fi
  done
  for ((i = 0; i < t; i++)); do
    f=$(lab_tone_ul "$i" "$secs") || { fail "$name: cannot make tone $i"; return; }
    plain+=(--plain "$f")
  done
  printf '%s\t%s\n' "$name: a talker's own tone in clear on the wire" \
    "$(q plaintext "$LAB_DIR/wire.pcap" --from "$LAB_MEDIA_IP" --min-from $((n * secs * 25)) "${plain[@]}")" >>"$b"
  printf '%s\t%s\n' "$name: mixed audio in clear on the wire" \
    "$(q ciphertext "$LAB_DIR/wire.pcap" --tones "$tones" --from "$LAB_MEDIA_IP" \
         --min-packets $((n * secs * 25)))" >>"$b"
  for ((i = 0; i < n; i++)); do
    names+=("$(lab_name "$i")")
    flows+=(--flow "$(lab_name "$i")=$(lab_ip "$i"):$(lab_rx_port "$i")")
  done
  local listeners=("${names[@]:t}")
  case $keys in
    group)
      st+=(--same-key "$(IFS=,; echo "${names[*]}")")
      [ "$l" -ge 2 ] && st+=(--identical "${listeners[0]},${listeners[1]}") ;;
    hybrid)
      [ "$l" -ge 2 ] && st+=(--same-key "$(IFS=,; echo "${listeners[*]}")" \
                             --identical "${listeners[0]},${listeners[1]}") ;;
    bilateral)
      [ "$l" -ge 2 ] && st+=(--differ "${listeners[0]},${listeners[1]}") ;;
  esac
  printf '%s\t%s\n' "$name: streams from mrfpd (identical listeners / SSRCs / continuity)" \
    "$(q streams "$LAB_DIR/wire.pcap" --from "$LAB_MEDIA_IP" --min-packets $((secs * 25)) \
         "${flows[@]}" "${st[@]}")" >>"$b"

  echo "--- what each participant heard (band power at $tones Hz, dB re full-scale sine); wire ---"
  "$LAB_PY" "$LAB_ANALYZE" batch "$b" >"$LAB_DIR/checks.out" 2>&1
  grep -v '^FAIL: ' "$LAB_DIR/checks.out"
  while IFS= read -r f; do fail "${f#FAIL: }"; done < <(grep '^FAIL: ' "$LAB_DIR/checks.out")
  [ -s "$LAB_DIR/checks.out" ] || fail "$name: the analysis printed nothing"

  if [ -s "$LAB_DIR/events.txt" ]; then
    echo "--- mrfpd events ---"; cat "$LAB_DIR/events.txt"
    grep -q '^event ssrc_collision' "$LAB_DIR/events.txt" &&
      fail "$name: mrfpd dropped an inbound stream (ssrc_collision)"
  fi
  lab_print_counters
  if [ "$CASE_FAILED" = 1 ]; then
    [ -s "$LAB_SW_ERR" ] && { echo "--- mrfpd stderr (last 10 lines) ---"; tail -10 "$LAB_SW_ERR"; }
    for f in "$LAB_DIR"/rx-*.err "$LAB_DIR"/tx-*.err; do
      [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -5 "$f"; }
    done
  fi
  RESULTS+=("$(printf '%-22s %s (%ds: call %ds, checks %ds)' "$name" \
    "$([ "$CASE_FAILED" = 1 ] && echo FAIL || echo pass)" $((SECONDS - c0)) "$t_call" \
    $((SECONDS - c0 - t_call)))")
}

for keys in $key_modes; do
  for size in $sizes; do
    run_case "$keys" "${size%+*}" "${size#*+}"
  done
done

LAB_DIR=$LAB_ROOT
echo
echo "=== mrfpd at exit ==="
lab_switch_stop || fail "mrfpd did not stop cleanly (status $?)"
grep -vE '^ok$' "$LAB_DIR/stats-exit.txt"
echo
echo "=== summary ($((SECONDS - start)) s) ==="
printf '  %s\n' "${RESULTS[@]}"
if [ "$LAB_FAILED" = 1 ]; then
  echo "mix_ffmpeg: FAIL (artifacts in $LAB_ROOT)"
  exit 1
fi
echo "mix_ffmpeg: PASS"
exit 0
