#!/usr/bin/env bash
# End-to-end make-before-break: two GStreamer SRTP participants (srtpenc/srtpdec,
# AES_CM_128_HMAC_SHA1_80, PCMU) in a switch conference of mrfpd, every key with an MKI
# (participants' keys 1 byte, mrfpd's 2 bytes), change keys by MKI mid-call in both directions:
# Modify Remote {1,2} -> srtpenc switches to MKI 2 -> Modify Local {2,1} (mrfpd switches) ->
# Modify with only MKI 2 (retired). Passes only if mrfpd dropped nothing (srtp_auth_fail,
# srtp_unknown_mki, srtp_replay all 0 on both legs), each srtpdec let through every packet the
# other participant sent under a valid key (no sequence gap; under both of mrfpd's MKIs),
# telemetry showed rx_keys/tx_keys 2 during the change and 1 after, each heard the other's tone,
# and the negative control holds: packets under a retired MKI afterwards are each counted as
# srtp_unknown_mki. The participants and the MRFC (raw H.248) are tests/e2e/rekey_gst.py.
# Usage: rekey_gst.sh [PATH/TO/mrfpd]   (LAB_PROVISION=mp; needs root, ip netns, GStreamer)
# Exit: 0 pass, 1 fail, 77 skipped.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
step=${E2E_REKEY_STEP:-2}
# E2E_REKEY_ORDER=sender-first: the participants switch before mrfpd accepts their new key;
# the test must then FAIL (srtp_unknown_mki drops, packets missing): proof that it can.
rk_order=${E2E_REKEY_ORDER:-make-before-break}

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ "$LAB_PROVISION" = mp ] || { echo "rekey_gst: needs LAB_PROVISION=mp (keys change over Mp)"; exit 77; }
if ! "$LAB_PY" - <<'EOF' 2>/dev/null; then
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
for e in ("srtpenc", "srtpdec", "udpsrc", "audiotestsrc", "mulawenc", "rtppcmupay", "wavenc"):
    assert Gst.ElementFactory.find(e), e
EOF
  echo "rekey_gst: missing python3-gi / GStreamer 1.0 plugins (base, good, bad: srtpenc)"; exit "$(missing_status)"
fi
[ -x "$bin" ] || { echo "rekey_gst: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "rekey_gst: FAIL: $*"; LAB_FAILED=1; }

lab_up 2 || { fail "cannot build the lab"; exit 1; }
lab_capture_start wire || { fail "capture"; exit 1; }
# mrfpd on the burst engine (the default; libsrtp2 sessions replace keys instead of holding several)
lab_switch_start "$bin" || { fail "mrfpd did not start"; exit 1; }

timeout -k 3 120 ip netns exec "$LAB_NS_DP" "$LAB_PY" -u "$here/rekey_gst.py" director \
  --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" --dir "$LAB_DIR" --lab-root "$LAB_ROOT" \
  --freqs "$(lab_freq 0),$(lab_freq 1)" --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" \
  --step "$step" --order "$rk_order" 2>"$LAB_DIR/director.err" | tee "$LAB_DIR/director.out"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the rekeying call (see $LAB_DIR/director.out)"

lab_stats call || fail "no counters from mrfpd"
lab_switch_stop || fail "mrfpd did not stop cleanly"
lab_capture_stop

echo "=== what each participant heard ==="
lab_heard 0 "$(lab_freq 1)" $((4 * step)) || fail "A did not hear B"
lab_heard 1 "$(lab_freq 0)" $((4 * step)) || fail "B did not hear A"
lab_print_counters
lab_keys_check || fail "a key in the lab directory"

if [ "$LAB_FAILED" = 1 ]; then
  for f in "$LAB_DIR"/gst-*.err "$LAB_DIR/director.err"; do
    [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -5 "$f"; }
  done
  echo "rekey_gst: FAIL (artifacts in $LAB_DIR)"
  exit 1
fi
echo "rekey_gst: PASS"
exit 0
