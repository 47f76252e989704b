#!/usr/bin/env bash
# End-to-end mixing across codecs: mix conferences over Mp whose participants each speak
# another codec (PCMU, AMR, AMR-WB, Opus, G.722; real GStreamer encoders and decoders with
# srtpenc/srtpdec, tests/e2e/codec_participant.py), every one a talker with its own tone, the
# wideband ones a second tone above 4 kHz (AMR-WB's at 5 kHz). Passes only if mrfpd answers
# each offer's first payload type with its rtpmap (and AMR's octet-aligned fmtp), sends every
# participant well-formed frames of its codec that srtpdec authenticates, drops nothing as
# unsupported_payload or in SRTP, and every participant hears every other talker and not
# itself; the high tones reach the wideband listeners and neither they nor their images
# under 4 kHz reach PCMU and AMR. The MRFC and the checks are tests/e2e/codec_mix.py.
# Two conferences, one after the other on one mrfpd:
#   all5   PCMU, AMR, AMR-WB, Opus, G.722: a narrowband first leg, mrfp/mixrate=48000 stated
#   wb16   G.722, PCMU, AMR and AMR-WB in the bandwidth-efficient format (what handsets send;
#          packed by codec_participant.py around GStreamer's encoders and decoders): no
#          mrfp/mixrate, the first leg's 16 kHz
#   cohorts hybrid keys: PCMU and AMR-WB talkers, listeners (SendOnly, the group key) two
#          Opus, two G.722, one AMR: each listener hears both talkers, the two of one format
#          receive byte-identical packets, each format its own SSRC under the group key
# Usage: codec_mix.sh [PATH/TO/mrfpd [PATH/TO/mrfpctl]]  (root, ip netns; exit 0/1/77)
#   E2E_CODECS=c1,c2,...: one conference of those instead (E2E_CODEC_MIXRATE: auto (default,
#   the highest its codecs need), first (none stated) or 8000/16000/48000);
#   E2E_SECONDS (default 8) of talk; E2E_CODEC_FAULT=mute:CODEC|echo:CODEC: a participant
#   that is mute, or one whose tone another also sends (so it hears itself): the test must
#   then FAIL.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
# NAME:TALKERS:MIXRATE:LISTENERS:KEYS per conference
if [ -n "${E2E_CODECS:-}" ]; then calls=("codecs:$E2E_CODECS:${E2E_CODEC_MIXRATE:-auto}::bilateral")
else
  calls=('all5:pcmu,amr,amr-wb,opus,g722:auto::bilateral'
         'wb16:g722,pcmu,amr-be,amr-wb-be:first::bilateral'
         'cohorts:pcmu,amr-wb:auto:opus,opus,g722,g722,amr:hybrid')
fi
secs=${E2E_SECONDS:-8}
fault=${E2E_CODEC_FAULT:-}

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ "$LAB_PROVISION" = mp ] ||
  { echo "codec_mix: needs LAB_PROVISION=mp (codecs come from SDP over Mp)"; exit 77; }
if ! miss=$("$LAB_PY" -c "
import sys; sys.path.insert(0, '$here')
from codec_participant import missing_elements
m = missing_elements()
print(', '.join(m)); sys.exit(1 if m else 0)"); then
  echo "codec_mix: missing GStreamer elements: $miss"; exit "$(missing_status)"
fi
[ -x "$bin" ] || { echo "codec_mix: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
n=0
for c in "${calls[@]}"; do
  k=$(tr ',' ' ' <<<"$(cut -d: -f2 <<<"$c") $(cut -d: -f4 <<<"$c")" | wc -w)
  [ "$k" -gt "$n" ] && n=$k
done

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "codec_mix: FAIL: $*"; LAB_FAILED=1; }
start=$SECONDS
RESULTS=()

lab_up "$n" || { fail "cannot build the lab"; exit 1; }
LAB_SWITCH_BOUND=$((${#calls[@]} * (secs + 60) + 60)) lab_switch_start "$bin" ||
  { fail "mrfpd did not start"; exit 1; }
peers=()
for ((i = 0; i < n; i++)); do peers+=(--peer "$(lab_ip "$i")"); done
for c in "${calls[@]}"; do
  IFS=: read -r name codecs rate listeners keys <<<"$c"
  f=""   # the fault, in the conferences that have its participant
  [ -n "$fault" ] && [[ ",$codecs," == *",${fault#*:},"* ]] && f=$fault
  lab_call_dir "$name"
  c0=$SECONDS
  echo
  echo "=== $name: one mixed conference of $codecs${listeners:+ + listeners $listeners}, $keys keys, mix rate $rate${f:+ (fault: $f)} ==="
  timeout -k 3 $((secs + 90)) ip netns exec "$LAB_NS_DP" "$LAB_PY" -u "$here/codec_mix.py" director \
    --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" --dir "$LAB_DIR" --lab-root "$LAB_ROOT" \
    --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" --media-ip "$LAB_MEDIA_IP" \
    --codecs "$codecs" --listeners "$listeners" --keys "$keys" --mixrate "$rate" --seconds "$secs" ${f:+--fault "$f"} "${peers[@]}" \
    2>"$LAB_DIR/director.err" | tee "$LAB_DIR/director.out"
  rc=${PIPESTATUS[0]}
  tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LAB_DIR/director.out" | tail -1)
  RESULTS+=("$(printf '%-6s %s (%s; %ds)' "$name" "$([ "$rc" = 0 ] && echo pass || echo FAIL)" \
    "${tally:-no tally}" $((SECONDS - c0)))")
  if [ "$rc" -ne 0 ]; then
    fail "$name: the mixed-codec conference (see $LAB_DIR/director.out)"
    for f in "$LAB_DIR/director.err" "$LAB_DIR"/gst-*.err; do
      [ -s "$f" ] && { echo "--- $name: $(basename "$f") ---"; tail -5 "$f"; }
    done
  fi
done

LAB_DIR=$LAB_ROOT
lab_stats end || fail "no counters from mrfpd"
lab_switch_stop || fail "mrfpd did not stop cleanly"
grep -E '^worker' "$LAB_DIR/stats-exit.txt" 2>/dev/null | head -3
if [ "$LAB_FAILED" = 1 ] && [ -s "$LAB_SW_ERR" ]; then
  echo "--- mrfpd stderr (last 10 lines) ---"; tail -10 "$LAB_SW_ERR"
fi
echo
echo "=== summary ($((SECONDS - start)) s) ==="
printf '  %s\n' "${RESULTS[@]}"
if [ "$LAB_FAILED" = 1 ]; then
  echo "codec_mix: FAIL (artifacts in $LAB_ROOT)"
  exit 1
fi
echo "codec_mix: PASS"
exit 0
