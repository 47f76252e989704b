#!/usr/bin/env bash
# Demo: installs what is missing, builds, then runs a secure conference of real ffmpeg SRTP
# participants (PCMU/8000, AES_CM_128_HMAC_SHA1_80) through mrfpd in two network namespaces and
# prints what each participant heard, what crossed the wire and mrfpd's counters. Idempotent;
# needs root for the lab.
#
# Default (DEMO_MODE=mix): a mixed conference, 3 talkers (880, 1870, 2420 Hz) and 2 listeners
# (H.248 SendOnly legs) under a group key: each talker hears its personal mix of the others,
# the listeners the common mix, which mrfpd encrypts once and sends to every listener as the
# very same SRTP packet.
#   DEMO_KEYS       group (default) | hybrid | bilateral
#   DEMO_TALKERS    2..3 (default 3)     DEMO_LISTENERS  0.. (default 2)
# DEMO_CODECS=pcmu,amr,amr-wb,opus,g722 (any two or more of pcmu, pcma, amr, amr-wb, opus,
# g722, amr-be, amr-wb-be (AMR bandwidth-efficient), in the order of the Adds; the conference
# mixes at the highest rate they need): instead, one mixed conference whose participants each speak
# another codec (GStreamer encoders and decoders with srtpenc/srtpdec,
# tests/e2e/codec_participant.py; bilateral keys, every leg a talker): each sends its own
# tone, the wideband ones (AMR-WB, Opus, G.722) one above 4 kHz too; the demo shows the codec
# mrfpd answered for each offer, the frames it sent, and that each hears every other talker
# and not itself, the high tones only where the codec carries them (tests/e2e/codec_mix.py).
# DEMO_MODE=switch: the 2-party forwarding demo (media=switch).
#   DEMO_PARTICIPANTS (default 2)
# Both: DEMO_SECONDS (default 8), DEMO_MRFPD (default build/control/mrfpd), DEMO_MRFPCTL
# (default: mrfpctl next to mrfpd), LAB_KEEP=1 keeps the artifacts (logs, captures, WAVs;
# never keys).
# The legs are set up over Mp (H.248): mrfpctl, run as mrfpd's MGC, adds them; mrfpd chooses
# its ports and generates its send keys (and the group key) and returns them in its replies.
# Mp runs over IPsec, as in production (DEMO_MP=ipsec, the default; lab mode mp-ipsec of
# tests/e2e/lab.sh): mrfpctl in its own namespace (the MRFC's, 10.78.2.1) reaches mrfpd
# (10.78.1.1:2944, --mp-interface ipsec0, no insecure-lab) through an IKEv2/ESP CHILD_SA
# between two strongSwan charons (scripts/ipsec-lab.sh, kernel-libipsec); the demo prints
# what crossed the IPsec veth (only ESP) and mrfpd's Mp security state. DEMO_MP=clear: Mp in
# clear on the loopback of mrfpd's namespace (--insecure-lab yes), for a lab without
# strongSwan (also the fallback, announced, when strongSwan is missing).
# LAB_PROVISION=stdin provisions through mrfpd's stdin lab lines instead (keys chosen here).
# DEMO_BUILD: the build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build=${DEMO_BUILD:-build}
scripts/setup.sh
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"

set +e
demo_mp=${DEMO_MP:-ipsec}
case $demo_mp in ipsec | clear) ;; *) echo "demo: DEMO_MP=ipsec|clear"; exit 2 ;; esac
case ${LAB_PROVISION:-mp} in
  mp | mp-ipsec) if [ "$demo_mp" = ipsec ]; then LAB_PROVISION=mp-ipsec; else LAB_PROVISION=mp; fi ;;
esac
# shellcheck source=tests/e2e/lab.sh
source tests/e2e/lab.sh
mode=${DEMO_MODE:-mix}
secs=${DEMO_SECONDS:-8}
bin=${DEMO_MRFPD:-$root/$build/control/mrfpd}
[ -n "${DEMO_MRFPCTL:-}" ] && LAB_MRFPCTL=$DEMO_MRFPCTL

if ! why=$(lab_can_run); then echo "demo: the lab cannot run here: ${why#lab: }"; exit 1; fi
if [ "$LAB_MP_IPSEC" = 1 ] && ! why=$(lab_ipsec_can_run); then
  echo "demo: WARNING: $why: Mp falls back to cleartext on loopback (--insecure-lab yes)."
  echo "      Install strongswan-charon strongswan-swanctl libcharon-extra-plugins, or say DEMO_MP=clear."
  LAB_MP_IPSEC=0
fi

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# where participant I sends to, as known before the legs exist
dst_of() {
  if [ "$LAB_PROV" = mp ]; then echo "mrfpd (the port its Mp reply names)"
  else echo "$LAB_MEDIA_IP:$(lab_leg_port "$1")"; fi
}
provisioning() {
  if [ "$LAB_PROV" = mp ]; then
    echo "  legs: over Mp (H.248), mrfpctl as mrfpd's MGC; mrfpd chooses its ports and generates its keys"
    echo "  Mp:   $(mp_transport)"
  else
    echo "  legs: lab lines on mrfpd's stdin (LAB_PROVISION=stdin); ports and keys chosen here"
  fi
}

mp_transport() {
  if [ "$LAB_MP_IPSEC" = 1 ]; then
    echo "IPsec: mrfpctl in the MRFC's namespace (10.78.2.1) -> IKEv2/ESP (strongSwan, kernel-libipsec) -> mrfpd 10.78.1.1:2944 on ipsec0"
  else
    echo "in clear on the loopback of mrfpd's namespace (--insecure-lab yes; DEMO_MP=clear)"
  fi
}

# mp_link: what crossed the IPsec veth and mrfpd's Mp security line at exit; rc 1 if Mp was
# not protected by ESP throughout. MP_OVER: the summary's words.
MP_OVER=""
mp_link() {
  local sec rc=0
  [ "$LAB_PROV" = mp ] || { MP_OVER="n/a (stdin lab lines)"; return 0; }
  [ "$LAB_MP_IPSEC" = 1 ] || { MP_OVER="cleartext on loopback (insecure-lab)"; return 0; }
  echo
  echo "=== the Mp link (H.248 between mrfpctl and mrfpd) ==="
  lab_mp_link_report || rc=1
  sec=$(grep -m1 '^mp security=' "$LAB_DIR/stats-exit.txt" 2>/dev/null)
  echo "  mrfpd /mrfp/ipsec at exit: ${sec:-?}"
  [[ $sec == "mp security=protected "* ]] || rc=1
  if [ $rc = 0 ]; then MP_OVER="ESP only (IPsec, mrfpd's guard: protected)"
  else MP_OVER="NOT ESP-only (see above)"; fi
  return $rc
}

# ------------------------------------------------------------------------------------------
demo_switch() {
  local n=${DEMO_PARTICIPANTS:-2} lmode="" i
  if [ "$n" -lt 2 ] || [ "$n" -gt "${#LAB_FREQS[@]}" ]; then
    echo "demo: 2..${#LAB_FREQS[@]} participants"; exit 2
  fi
  [ "$bin" = mock ] && { lmode=mock; LAB_PROV=stdin; }
  echo "demo: switch conference, $n participants, ${secs}s, switch $bin"
  provisioning
  for ((i = 0; i < n; i++)); do
    echo "  participant $(lab_name "$i"): $(lab_ip "$i"):$(lab_rx_port "$i"), sends $(lab_freq "$i") Hz to $(dst_of "$i")"
  done
  lab_up "$n" "$lmode" || exit 1
  lab_run_call "$n" "$secs" "$bin" || LAB_FAILED=1

  echo "=== what each participant heard ==="
  for ((i = 0; i < n; i++)); do
    if [ "$n" -eq 2 ]; then
      lab_heard "$i" "$(lab_freq $((1 - i)))" 1.0 || LAB_FAILED=1
    else
      # More than 2: a switch that forwards every other source sends each receiver several
      # SSRCs on one port; an ffmpeg receiver decodes only one of them (it drops the others as
      # late or out of sequence), so what it hears is informative, not checked.
      LAB_PEAKS=$((n - 1)) lab_heard "$i" "" 0.1 || true
    fi
  done
  echo "=== wire (tcpdump on vpeer) ==="
  lab_no_plaintext "$n" "$secs" || LAB_FAILED=1
  mp_link || LAB_FAILED=1
  lab_print_counters
  [ "$LAB_PROV" = mp ] && echo "Mp (H.248) ran over: $MP_OVER"
}

# ------------------------------------------------------------------------------------------
demo_mix() {
  local keys=${DEMO_KEYS:-group} t=${DEMO_TALKERS:-3} l=${DEMO_LISTENERS:-2}
  local n i tones what flows=() st=() names=() ok_heard=yes ok_wire=yes
  local identical="n/a" out
  LAB_FREQS=(880 1870 2420)
  tones=$(IFS=,; echo "${LAB_FREQS[*]}")
  case $keys in bilateral | group | hybrid) ;; *) echo "demo: DEMO_KEYS=bilateral|group|hybrid"; exit 2 ;; esac
  if [ "$t" -lt 2 ] || [ "$t" -gt 3 ] || [ "$l" -lt 0 ] || [ $((t + l)) -gt 10 ]; then
    echo "demo: 2..3 talkers, 0..$((10 - t)) listeners"; exit 2
  fi
  n=$((t + l))
  talker_tones() {   # the tones of the talkers other than $1
    local j o=()
    for ((j = 0; j < t; j++)); do [ "$j" -ne "$1" ] && o+=("$(lab_freq "$j")"); done
    (IFS=,; echo "${o[*]}")
  }
  key_of() {
    case $keys in
      bilateral) echo "its own key" ;;
      group) echo "the group key" ;;
      hybrid) if [ "$1" -lt "$t" ]; then echo "its own key"; else echo "the group key"; fi ;;
    esac
  }
  echo "demo: mixed conference, $keys keys, $t talkers + $l listeners, ${secs}s, mrfpd $bin"
  provisioning
  for ((i = 0; i < n; i++)); do
    if [ "$i" -lt "$t" ]; then
      echo "  $(lab_name "$i") talker    $(lab_ip "$i"):$(lab_rx_port "$i")  sends $(lab_freq "$i") Hz to $(dst_of "$i"); hears the others (mix without itself, under $(key_of "$i"))"
    else
      echo "  $(lab_name "$i") listener  $(lab_ip "$i"):$(lab_rx_port "$i")  sendonly leg; hears every talker (common mix, under $(key_of "$i"))"
    fi
  done
  lab_up "$n" || exit 1
  lab_call_dir call
  lab_mix_call "$keys" "$t" "$l" "$secs" "$bin" || LAB_FAILED=1

  echo
  echo "=== what each participant heard ==="
  for ((i = 0; i < n; i++)); do
    if [ "$i" -lt "$t" ]; then
      "$LAB_PY" "$LAB_ANALYZE" tones "$LAB_DIR/heard-$i.wav" --brief --tones "$tones" \
        --present "$(talker_tones "$i")" --absent "$(lab_freq "$i")" --min-seconds $((secs / 2)) \
        --label "  $(lab_name "$i") talker   (sends $(lab_freq "$i") Hz)" || ok_heard=no
    else
      "$LAB_PY" "$LAB_ANALYZE" tones "$LAB_DIR/heard-$i.wav" --brief --tones "$tones" \
        --present "$(talker_tones -1)" --min-seconds $((secs / 2)) \
        --label "  $(lab_name "$i") listener" || ok_heard=no
    fi
  done

  echo
  echo "=== the wire (tcpdump on the participants' side of the veth) ==="
  lab_no_plaintext "$t" "$secs" || ok_wire=no
  "$LAB_PY" "$LAB_ANALYZE" ciphertext "$LAB_DIR/wire.pcap" --tones "$tones" \
    --from "$LAB_MEDIA_IP" --min-packets $((n * 25)) || ok_wire=no
  for ((i = 0; i < n; i++)); do
    names+=("$(lab_name "$i")")
    flows+=(--flow "$(lab_name "$i")=$(lab_ip "$i"):$(lab_rx_port "$i")")
  done
  local listeners=("${names[@]:t}")
  if [ "$l" -ge 2 ]; then
    for ((i = 1; i < l; i++)); do
      if [ "$keys" = bilateral ]; then st+=(--differ "${listeners[0]},${listeners[i]}")
      else st+=(--identical "${listeners[0]},${listeners[i]}"); fi
    done
  fi
  [ "$keys" = group ] && st+=(--same-key "$(IFS=,; echo "${names[*]}")")
  [ "$keys" = hybrid ] && [ "$l" -ge 2 ] && st+=(--same-key "$(IFS=,; echo "${listeners[*]}")")
  out=$("$LAB_PY" "$LAB_ANALYZE" streams "$LAB_DIR/wire.pcap" --from "$LAB_MEDIA_IP" \
    --min-packets $((secs * 25)) "${flows[@]}" "${st[@]}")
  rc=$?
  echo "$out"
  [ $rc -eq 0 ] || ok_wire=no
  if [ "$l" -ge 2 ]; then
    if [ "$keys" = bilateral ]; then
      identical="no, as expected with per-leg keys ($(echo "$out" | grep -c '^  differ.*-> ok') of $((l - 1)) pairs share no packet)"
    elif echo "$out" | grep '^  identical' | grep -qv -- '-> ok'; then
      identical="NO"
    else
      identical="yes ($(echo "$out" | grep -m1 '^  identical' | sed -E 's/.*: ([0-9]+) sequence numbers in both, ([0-9]+) byte-identical.*/\2 of \1 packets/'))"
    fi
  elif [ "$l" -eq 1 ]; then
    identical="n/a (one listener; DEMO_LISTENERS=2 shows the replication)"
  fi
  [ -s "$LAB_DIR/events.txt" ] && { echo "--- mrfpd events ---"; cat "$LAB_DIR/events.txt"; }
  local ok_mp=yes
  mp_link || ok_mp=no

  echo
  lab_print_counters

  what=$(grep -m1 '^worker' "$LAB_DIR/stats-call.txt" 2>/dev/null |
         grep -oE '(mix_ticks|tick_overruns|group_protects)=[0-9]+' | paste -sd' ')
  echo
  echo "=== summary ==="
  echo "  conference:                        $keys keys, $t talkers + $l listeners, ${secs}s"
  echo "  legs set up through:               $([ "$LAB_PROV" = mp ] && echo "Mp (H.248, mrfpctl); keys from mrfpd" || echo "stdin lab lines")"
  echo "  Mp (H.248, carries the keys) over: $MP_OVER"
  echo "  each hears the others, not itself: $ok_heard"
  echo "  listeners' packets identical:      $identical"
  echo "  no plaintext on the wire:          $ok_wire"
  echo "  mrfpd (end of call):               ${what:-?}"
  [ "$ok_heard" = yes ] && [ "$ok_wire" = yes ] && [ "$ok_mp" = yes ] && [ "$identical" != NO ] || LAB_FAILED=1
}

# ------------------------------------------------------------------------------------------
demo_codecs() {
  local codecs=$DEMO_CODECS n i c peers=() rc ok_mp=yes tally what
  n=$(awk -F, '{print NF}' <<<"$codecs")
  if ! [[ $codecs =~ ^[a-z0-9-]+(,[a-z0-9-]+)+$ ]]; then
    echo "demo: DEMO_CODECS: two or more of pcmu,pcma,amr,amr-wb,opus,g722,amr-be,amr-wb-be, comma-separated"; exit 2
  fi
  if ! why=$("$LAB_PY" -c "
import sys; sys.path.insert(0, 'tests/e2e')
from codec_participant import missing_elements
m = missing_elements(); print(', '.join(m)); sys.exit(1 if m else 0)"); then
    echo "demo: missing GStreamer elements: $why"; exit 1
  fi
  [ "$LAB_PROV" = mp ] || { echo "demo: DEMO_CODECS needs the legs over Mp (codecs come from SDP)"; exit 2; }
  echo "demo: mixed-codec conference ($codecs), bilateral keys, every leg a talker, ${secs}s, mrfpd $bin"
  echo "  legs: over Mp (H.248), tests/e2e/codec_mix.py as the MRFC; mrfpd chooses its ports and each codec, the MRFC makes the keys"
  echo "  Mp:   $(mp_transport)"
  for ((i = 0; i < n; i++)); do
    c=$(cut -d, -f$((i + 1)) <<<"$codecs")
    echo "  $(lab_name "$i") $c participant  $(lab_ip "$i"):$(lab_rx_port "$i")  (GStreamer, its own tone; the MRFC offers $c first)"
    peers+=(--peer "$(lab_ip "$i")")
  done
  lab_up "$n" || exit 1
  LAB_SWITCH_BOUND=$((secs + 120)) lab_switch_start "$bin" || exit 1
  lab_call_dir codecs
  echo
  timeout -k 3 $((secs + 90)) ip netns exec "${LAB_NS_MGC:-$LAB_NS_DP}" "$LAB_PY" -u \
    tests/e2e/codec_mix.py director --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" \
    --dir "$LAB_DIR" --lab-root "$LAB_ROOT" --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" \
    --mp-addr "$LAB_MP_ADDR" --mgc-addr "$LAB_MGC_ADDR" --media-ip "$LAB_MEDIA_IP" \
    --codecs "$codecs" --seconds "$secs" "${peers[@]}" 2>"$LAB_DIR/director.err" |
    tee "$LAB_DIR/director.out"
  rc=${PIPESTATUS[0]}
  lab_stats call || LAB_FAILED=1
  what=$(grep -m1 '^worker' "$LAB_DIR/stats-call.txt" 2>/dev/null |
         grep -oE '(mix_ticks|tick_overruns)=[0-9]+' | paste -sd' ')
  lab_switch_stop || LAB_FAILED=1
  mp_link || ok_mp=no
  tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LAB_DIR/director.out" | tail -1)
  echo
  echo "=== summary ==="
  echo "  conference:                        $codecs, bilateral keys, ${secs}s"
  echo "  legs set up through:               Mp (H.248); each codec from the participant's SDP"
  echo "  Mp (H.248, carries the keys) over: $MP_OVER"
  echo "  codecs answered, frames, hearing:  $([ "$rc" = 0 ] && echo "as expected" || echo "NOT as expected (see FAIL lines)") (${tally:-no tally})"
  echo "  mrfpd (end of call):               ${what:-?}"
  [ "$rc" = 0 ] && [ "$ok_mp" = yes ] || LAB_FAILED=1
}

[ -n "${DEMO_CODECS:-}" ] && mode=codecs
case $mode in
  codecs) demo_codecs ;;
  mix) demo_mix ;;
  switch) demo_switch ;;
  *) echo "demo: DEMO_MODE=mix|switch"; exit 2 ;;
esac
if [ "$LAB_FAILED" = 1 ]; then echo "demo: something went wrong (artifacts in $LAB_ROOT)"; exit 1; fi
echo "demo: ok"
