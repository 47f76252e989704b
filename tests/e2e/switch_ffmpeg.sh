#!/usr/bin/env bash
# End-to-end: two real ffmpeg SRTP participants (PCMU/8000, AES_CM_128_HMAC_SHA1_80) talk through
# mrfpd on a veth between two network namespaces.
#   A sends 700 Hz, B sends 1300 Hz; passes only if A hears ~1300 Hz, B hears ~700 Hz and no
#   plaintext audio crosses the wire (tcpdump on the participants' side).
# Usage: switch_ffmpeg.sh [PATH/TO/mrfpd | mock] [PATH/TO/mrfpctl]
#   mock: pass-through relay, harness only (stdin provisioning). LAB_PROVISION=mp (default):
#   the legs are added over Mp by mrfpctl (default: next to mrfpd); =stdin: lab lines on stdin.
# Exit: 0 pass, 1 fail, 77 skipped (not root, no ip netns, missing tools).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
secs=${E2E_SECONDS:-6}

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
if [ "$bin" != mock ]; then
  [ -x "$bin" ] || { echo "switch_ffmpeg: no mrfpd binary at $bin"; exit 1; }
  bin=$(readlink -f "$bin")
fi

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "switch_ffmpeg: FAIL: $*"; LAB_FAILED=1; }
mode=""; [ "$bin" = mock ] && mode=mock

lab_up 2 "$mode" || { fail "cannot build the lab"; exit 1; }
lab_detector_preflight || { fail "plaintext detector self-check on vpeer"; exit 1; }

lab_run_call 2 "$secs" "$bin" || fail "the call did not run cleanly (see $LAB_DIR)"

echo "=== what each participant heard ==="
lab_heard 0 "$(lab_freq 1)" $((secs / 2)) || fail "A did not hear B"
lab_heard 1 "$(lab_freq 0)" $((secs / 2)) || fail "B did not hear A"
echo "=== wire ==="
lab_no_plaintext 2 "$secs" || fail "plaintext check"
lab_print_counters

if [ "$LAB_FAILED" = 1 ]; then
  for f in "$LAB_DIR"/rx-*.err "$LAB_DIR"/tx-*.err; do
    [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -5 "$f"; }
  done
  echo "switch_ffmpeg: FAIL (artifacts in $LAB_DIR)"
  exit 1
fi
echo "switch_ffmpeg: PASS"
exit 0
