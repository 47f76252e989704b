#!/usr/bin/env bash
# The standard benchmark set: builds if needed, then runs every scenario of bench/mrfp-bench
# (engine, burst, switch, fanout, workers, mix, capacity, control, grekey) into report-<date>/
# (git-ignored) and prints where the report is. Needs root (DPDK's EAL). Extra arguments go
# to mrfp-bench, e.g.
#   scripts/bench.sh --quick          # check the tooling in a few seconds
#   BENCH_OUT=/tmp/r scripts/bench.sh # another folder
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f build/build.ninja ] || meson setup build
ninja -C build

out=${BENCH_OUT:-report-$(date +%Y%m%d-%H%M%S)}
rc=0
bench/mrfp-bench all --out "$out" "$@" || rc=$?
echo
echo "bench: report in $(cd "$out" && pwd) (report.md, env.json, *.csv, *.json, *.png)"
[ "$rc" -eq 0 ] || echo "bench: mrfp-bench exited $rc: see the WARNING lines in $out/report.md" >&2
exit "$rc"
