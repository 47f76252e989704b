#!/usr/bin/env bash
# Demo: installs what is missing, builds, then runs a conference of real ffmpeg SRTP
# participants (PCMU/8000, AES_CM_128_HMAC_SHA1_80) through mrfpd in two network namespaces and
# prints what each participant heard and mrfpd's counters. Idempotent; needs root for the lab.
#   DEMO_PARTICIPANTS (default 2)  DEMO_SECONDS (default 8)  LAB_KEEP=1 keeps the artifacts
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build

set +e
# shellcheck source=tests/e2e/lab.sh
source tests/e2e/lab.sh
n=${DEMO_PARTICIPANTS:-2}
secs=${DEMO_SECONDS:-8}
bin=${DEMO_MRFPD:-$root/build/control/mrfpd}

lab_can_run; rc=$?
if [ $rc -ne 0 ]; then echo "demo: the lab cannot run here (needs root and ip netns)"; exit $rc; fi
if [ "$n" -lt 2 ] || [ "$n" -gt "${#LAB_FREQS[@]}" ]; then
  echo "demo: 2..${#LAB_FREQS[@]} participants"; exit 2
fi

lab_init "$$"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
mode=""; [ "$bin" = mock ] && mode=mock

echo "demo: $n participants, ${secs}s, switch $bin"
for ((i = 0; i < n; i++)); do
  echo "  participant $(lab_name "$i"): $(lab_ip "$i"), sends $(lab_freq "$i") Hz to $LAB_MEDIA_IP:$(lab_leg_port "$i"), listens on :$(lab_rx_port "$i")"
done
lab_up "$n" "$mode" || exit 1
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
lab_print_counters
if [ "$LAB_FAILED" = 1 ]; then echo "demo: something went wrong (artifacts in $LAB_DIR)"; exit 1; fi
echo "demo: ok"
