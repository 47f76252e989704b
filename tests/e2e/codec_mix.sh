#!/usr/bin/env bash
# End-to-end mixing across codecs: one mix conference over Mp whose participants each speak
# another codec (PCMU, AMR, AMR-WB, Opus, G.722; real GStreamer encoders and decoders with
# srtpenc/srtpdec, tests/e2e/codec_participant.py), every one a talker with its own tone, the
# wideband ones a second tone above 4 kHz (AMR-WB's at 5 kHz). Passes only if mrfpd answers
# each offer's first payload type with its rtpmap (and AMR's octet-aligned fmtp), sends every
# participant well-formed frames of its codec that srtpdec authenticates, drops nothing as
# unsupported_payload or in SRTP, and every participant hears every other talker and not
# itself; the high tones reach the wideband listeners and neither they nor their images
# under 4 kHz reach PCMU and AMR. The MRFC and the checks are tests/e2e/codec_mix.py.
# Usage: codec_mix.sh [PATH/TO/mrfpd [PATH/TO/mrfpctl]]  (root, ip netns; exit 0/1/77)
#   E2E_CODECS (default pcmu,amr,amr-wb,opus,g722); E2E_SECONDS (default 8) of talk;
#   E2E_CODEC_FAULT=mute:CODEC|echo:CODEC: a participant that is mute, or one whose tone
#   another also sends (so it hears itself): the test must then FAIL.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
codecs=${E2E_CODECS:-pcmu,amr,amr-wb,opus,g722}
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
n=$(awk -F, '{print NF}' <<<"$codecs")

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "codec_mix: FAIL: $*"; LAB_FAILED=1; }
start=$SECONDS

lab_up "$n" || { fail "cannot build the lab"; exit 1; }
LAB_SWITCH_BOUND=$((secs + 120)) lab_switch_start "$bin" || { fail "mrfpd did not start"; exit 1; }
lab_call_dir codecs
peers=()
for ((i = 0; i < n; i++)); do peers+=(--peer "$(lab_ip "$i")"); done
echo "=== one mixed conference: $codecs${fault:+ (fault: $fault)} ==="
timeout -k 3 $((secs + 90)) ip netns exec "$LAB_NS_DP" "$LAB_PY" -u "$here/codec_mix.py" director \
  --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" --dir "$LAB_DIR" --lab-root "$LAB_ROOT" \
  --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" --media-ip "$LAB_MEDIA_IP" \
  --codecs "$codecs" --seconds "$secs" ${fault:+--fault "$fault"} "${peers[@]}" \
  2>"$LAB_DIR/director.err" | tee "$LAB_DIR/director.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "the mixed-codec conference (see $LAB_DIR/director.out)"

LAB_DIR=$LAB_ROOT
lab_stats end || fail "no counters from mrfpd"
lab_switch_stop || fail "mrfpd did not stop cleanly"
grep -E '^worker' "$LAB_DIR/stats-exit.txt" 2>/dev/null | head -3
if [ "$LAB_FAILED" = 1 ]; then
  for f in "$LAB_DIR"/codecs/director.err "$LAB_DIR"/codecs/gst-*.err; do
    [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -5 "$f"; }
  done
  [ -s "$LAB_SW_ERR" ] && { echo "--- mrfpd stderr (last 10 lines) ---"; tail -10 "$LAB_SW_ERR"; }
  echo "codec_mix: FAIL ($((SECONDS - start)) s; artifacts in $LAB_ROOT)"
  exit 1
fi
echo "codec_mix: PASS ($((SECONDS - start)) s)"
exit 0
