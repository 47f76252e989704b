#!/usr/bin/env bash
# Hybrid keys chosen by the MRFC, end to end, over IPv4 and then IPv6: in a mix conference with
# mrfp/keys=hybrid two ffmpeg talkers get personal streams under their own keys and three
# listeners the common stream under the group key; the MRFC (raw H.248, tests/e2e/hybrid_keys.py)
# makes every key and changes the group key make-before-break (MKI) after a join and after a
# leave. A capture of the participants' side, decrypted by our own SRTP
# (tests/pylib/mrfptest/srtp.py) under every key, shows which key opens which packet: a talker's
# only its own, a listener's only the group key in use; the joiner's keys nothing from before
# its key, the leaver's nothing after the switch. The IPv6 run: participants on fd77::/64,
# mrfpd --media-ip6 fd77::1/64 answering neighbour discovery itself, c=IN IP6 over Mp.
# One mrfpd (both media addresses) serves both runs, one conference each (~60 s in all).
# Usage: hybrid_keys.sh [PATH/TO/mrfpd [PATH/TO/mrfpctl]]  (root, ip netns; exit 0/1/77)
#   E2E_HYBRID_FAMILIES (default "4 6"); E2E_SECONDS (default 14) of talk per run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
source "$here/lab.sh"

bin=${1:-$here/../../build/control/mrfpd}
[ -n "${2:-}" ] && LAB_MRFPCTL=$2
families=${E2E_HYBRID_FAMILIES:-4 6}
secs=${E2E_SECONDS:-14}

lab_can_run; rc=$?
[ $rc -eq 0 ] || exit $rc
[ "$LAB_PROVISION" = mp ] || { echo "hybrid_keys: needs LAB_PROVISION=mp (keys over Mp)"; exit 77; }
"$LAB_PY" -c 'import cryptography' 2>/dev/null ||
  { echo "hybrid_keys: missing python3-cryptography"; exit "$(missing_status)"; }
[ -x "$bin" ] || { echo "hybrid_keys: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
"$LAB_PY" "$LAB_PYLIB/mrfptest/srtp.py" selftest || { echo "hybrid_keys: FAIL: our SRTP"; exit 1; }

lab_init "$$" || exit 2
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "hybrid_keys: FAIL: $*"; LAB_FAILED=1; }
start=$SECONDS
RESULTS=()

LAB_IPV6=1
lab_up 5 || { fail "cannot build the lab"; exit 1; }
LAB_SWITCH_BOUND=$((secs * 2 + 150)) lab_switch_start "$bin" || { fail "mrfpd did not start"; exit 1; }

for fam in $families; do
  lab_call_dir "ipv$fam"
  echo
  echo "=== IPv$fam: a hybrid conference, every key chosen by the MRFC ==="
  peers=() i=0
  for ((i = 0; i < 5; i++)); do
    if [ "$fam" = 6 ]; then peers+=(--peer "$(lab_ip6 "$i")"); else peers+=(--peer "$(lab_ip "$i")"); fi
  done
  media=$LAB_MEDIA_IP; [ "$fam" = 6 ] && media=$LAB_MEDIA_IP6
  c0=$SECONDS
  timeout -k 3 $((secs + 90)) ip netns exec "$LAB_NS_DP" "$LAB_PY" -u "$here/hybrid_keys.py" director \
    --peers-ns "$LAB_NS_PEERS" --prefix "$LAB_PREFIX" --dir "$LAB_DIR" --lab-root "$LAB_ROOT" \
    --mp-port "$LAB_MP_PORT" --mgc-port "$LAB_MGC_PORT" --family "$fam" --media-ip "$media" \
    --seconds "$secs" "${peers[@]}" 2>"$LAB_DIR/director.err" | tee "$LAB_DIR/director.out"
  rc=${PIPESTATUS[0]}
  tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LAB_DIR/director.out" | tail -1)
  RESULTS+=("$(printf 'IPv%s  %s (%s; %ds)' "$fam" "$([ "$rc" = 0 ] && echo pass || echo FAIL)" \
    "${tally:-no tally}" $((SECONDS - c0)))")
  if [ "$rc" -ne 0 ]; then
    fail "IPv$fam (see $LAB_DIR/director.out)"
    for f in "$LAB_DIR/director.err" "$LAB_DIR"/rx-*.err "$LAB_DIR"/tx-*.err "$LAB_DIR"/relay-*.err; do
      [ -s "$f" ] && { echo "--- $(basename "$f") ---"; tail -5 "$f"; }
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
  echo "hybrid_keys: FAIL (artifacts in $LAB_ROOT)"
  exit 1
fi
echo "hybrid_keys: PASS"
exit 0
