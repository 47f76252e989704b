#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz; clang, ASan + UBSan) in build-fuzz and runs each
# one after the other on one core (nice 19), from the committed seeds. Fails if any target
# crashes, leaks, hangs or trips a sanitizer; the input that did it is kept as
# build-fuzz/artifacts/<target>-crash-* (add it to tests/fuzz/corpus/<target>/ once fixed).
#
#   scripts/fuzz.sh                         every target for FUZZ_SECONDS (default 45) each
#   scripts/fuzz.sh h248 sdp                some targets
#   FUZZ_SECONDS=3600 scripts/fuzz.sh       long run: an hour per target
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=0 scripts/fuzz.sh ingress
#                                           long run: ten million executions (no time limit)
#   FUZZ_BUILD=dir                          build dir (default build-fuzz)
#
# The corpus that grows during a run stays in $FUZZ_BUILD/corpus/<target>; the committed
# seeds are never modified. Results, one JSON line per target ({"name", "result", "runs",
# "seconds"}), go to $FUZZ_BUILD/fuzz-results.json, which scripts/test.sh counts.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${FUZZ_BUILD:-build-fuzz}
seconds=${FUZZ_SECONDS:-45}
runs=${FUZZ_RUNS:--1}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(h248 sdp rtcp ingress payload)

declare -A max_len=([h248]=8192 [sdp]=8192 [rtcp]=1500 [ingress]=1601 [payload]=1500)
declare -A dict=([h248]=tests/fuzz/h248.dict [sdp]=tests/fuzz/sdp.dict)
# LeakSanitizer cannot see pointers kept in DPDK memory (rte_malloc, mempools): every object
# the dataplane holds would look leaked. The ingress target checks its mbufs itself.
declare -A leaks=([h248]=1 [sdp]=1 [rtcp]=1 [ingress]=0 [payload]=1)

for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "fuzz: no target '$t' (h248 sdp rtcp ingress payload)" >&2; exit 2; }
done
if ! command -v clang >/dev/null; then
  echo "fuzz: clang is missing (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=true >/dev/null
fi
results=$build/fuzz-results.json
mkdir -p "$build"
: >"$results"
if ! ninja -C "$build" "${targets[@]/#/tests/fuzz/fuzz_}" >"$build/fuzz-build.log" 2>&1; then
  grep -E "error|FAILED" "$build/fuzz-build.log" | head -20 >&2
  echo "fuzz: build failed (log $build/fuzz-build.log)" >&2
  for t in "${targets[@]}"; do
    printf '{"name": "fuzz_%s", "result": "FAIL", "runs": 0, "seconds": 0}\n' "$t" >>"$results"
  done
  exit 1
fi
mkdir -p "$build/artifacts"
failed=0
for t in "${targets[@]}"; do
  work=$build/corpus/$t
  mkdir -p "$work"
  log=$build/fuzz-$t.log
  args=(-max_len="${max_len[$t]}" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$build/artifacts/$t-" -runs="$runs")
  [ "$seconds" != 0 ] && args+=(-max_total_time="$seconds")
  [ -n "${dict[$t]:-}" ] && args+=(-dict="${dict[$t]}")
  args+=(-detect_leaks="${leaks[$t]}")
  start=$(date +%s)
  rc=0
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$PWD/scripts/ubsan.supp \
  ASAN_OPTIONS=detect_leaks=${leaks[$t]}:allocator_may_return_null=1 \
    nice -n 19 "$build/tests/fuzz/fuzz_$t" "${args[@]}" "$work" "tests/fuzz/corpus/$t" \
    >"$log" 2>&1 || rc=$?
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(($(date +%s) - start))
  if [ $rc -eq 0 ] && [ -n "$n" ]; then
    result=OK
    echo "fuzz: $t: ${n} executions in ${secs} s, no crash"
  else
    result=FAIL
    failed=1
    echo "fuzz: $t: FAILED after ${n:-?} executions (exit $rc); log $log, input in $build/artifacts/"
    grep -E "ERROR|SUMMARY|runtime error|deadly signal|Test unit written" "$log" | head -8 || true
  fi
  printf '{"name": "fuzz_%s", "result": "%s", "runs": %s, "seconds": %s}\n' \
    "$t" "$result" "${n:-0}" "$secs" >>"$results"
done
exit $failed
