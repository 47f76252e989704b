#!/usr/bin/env bash
# Group rekeying under churn: in a group-keyed mix conference with the policy
# mrfp/rekey=both and a coalescing window, participants join and leave every 100 ms for
# E2E_CHURN_SECONDS (default 60, as the issue says) while one talker and three long-lived
# listeners stay; the MRFC (raw H.248) answers every Notify mrfp/grekey with a new group key,
# make-before-break on every leg's Local (install, hand the key out, use, retire after a
# drain window). Passes only if the long-lived participants decrypt every packet they get
# under a key they were given (0 authentication failures, 0 unknown MKIs: with install before
# use the policy allows none), hear one continuous stream (no missing packet; the longest
# silence is printed against the issue's 200 ms and fails above E2E_CHURN_MAX_GAP_MS, default
# 1000: on a shared host a starved DPDK worker stalls a few hundred ms, losing nothing),
# mrfpd's counters agree (Statistics rtp/ps = packets received, srtp_auth_fail and
# srtp_unknown_mki 0), rekeys are far fewer than joins+leaves, and every leaver is followed by
# a switch to a key it never had. The participants (SRTP of tests/pylib/mrfptest/srtp.py) and
# the MRFC are tests/e2e/grekey_churn.py.
# E2E_CHURN_FAULT=switch-early (the MRFC uses a new key without installing it first, before
# the participants have it) or ignore-notify (the MRFC never rekeys) must make it FAIL.
# Usage: grekey_churn.sh [PATH/TO/mrfpd [PATH/TO/mrfpctl]]  (root, ip netns; exit 0/1/77)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
secs=${E2E_CHURN_SECONDS:-60}
fault=${E2E_CHURN_FAULT:-none}
max_gap=${E2E_CHURN_MAX_GAP_MS:-1000}

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ "$LAB_PROVISION" = mp ] || { echo "grekey_churn: needs LAB_PROVISION=mp (keys change over Mp)"; exit 77; }
"$LAB_PY" -c 'import cryptography' 2>/dev/null ||
  { echo "grekey_churn: missing python3-cryptography"; exit "$(missing_status)"; }
[ -x "$bin" ] || { echo "grekey_churn: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
"$LAB_PY" "$LAB_PYLIB/mrfptest/srtp.py" selftest || { echo "grekey_churn: FAIL: our SRTP"; exit 1; }

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "grekey_churn: FAIL: $*"; LAB_FAILED=1; }

lab_up 5 || { fail "cannot build the lab"; exit 1; }
secs_i=${secs%.*}
LAB_SWITCH_BOUND=$((secs_i + 120)) lab_switch_start "$bin" || { fail "mrfpd did not start"; exit 1; }

timeout -k 3 $((secs_i + 90)) ip netns exec "$LAB_NS_DP" "$LAB_PY" -u "$here/grekey_churn.py" director \
  --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" --dir "$LAB_DIR" --lab-root "$LAB_ROOT" \
  --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" --duration "$secs" --fault "$fault" \
  --max-gap-ms "$max_gap" \
  2>"$LAB_DIR/director.err" | tee "$LAB_DIR/director.out"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the churn (see $LAB_DIR/director.out)"

lab_stats churn || fail "no counters from mrfpd"
lab_switch_stop || fail "mrfpd did not stop cleanly"
grep -E '^(worker|drop)' "$LAB_DIR/stats-churn.txt" 2>/dev/null | head -5

if [ "$LAB_FAILED" = 1 ]; then
  for f in "$LAB_DIR/director.err" "$LAB_DIR/peers.err" "$LAB_SW_ERR"; do
    [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -8 "$f"; }
  done
  echo "grekey_churn: FAIL (artifacts in $LAB_DIR)"
  exit 1
fi
echo "grekey_churn: PASS"
exit 0
