#!/usr/bin/env bash
# Builds mrfp and runs every default test suite: unit, known answers, dataplane (EAL on
# net_ring), end to end (ffmpeg participants in network namespaces), then the unit and
# dataplane suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Installs what is missing first (scripts/setup.sh). Idempotent.
#   MRFP_SKIP_SANITIZE=1  skip the ASan/UBSan pass (quicker local runs)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/lint-dataplane.sh

werror=false
[ "${CI:-}" = true ] && werror=true

configure() { # dir, extra meson options...
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" -Dwerror=$werror "$@" >/dev/null
  else
    meson setup "$dir" -Dwerror=$werror "$@"
  fi
}

configure build
ninja -C build
meson test -C build --print-errorlogs

rm -f build-asan/meson-logs/testlog.json
if [ "${MRFP_SKIP_SANITIZE:-0}" != 1 ]; then
  configure build-asan -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C build-asan
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$PWD/scripts/ubsan.supp \
  ASAN_OPTIONS=detect_leaks=1 \
    meson test -C build-asan --print-errorlogs --suite unit --suite kat --suite dp
fi
# One closing line over both passes, counted from meson's own logs.
summary() {
  cat build/meson-logs/testlog.json build-asan/meson-logs/testlog.json 2>/dev/null |
    /usr/bin/python3 -c '
import json, sys
r = [json.loads(l)["result"] for l in sys.stdin if l.strip()]
ok = sum(x in ("OK", "EXPECTEDFAIL") for x in r)
skip = sum(x == "SKIP" for x in r)
print(f"tests: {ok} passed, {len(r) - ok - skip} failed, {skip} skipped")'
}
summary
