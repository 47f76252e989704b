#!/usr/bin/env bash
# The project's C style (.clang-format, clang-format 14 from Debian). Formats every C file of
# the project in place; with --check, changes nothing and exits 1 naming the files that
# differ (scripts/test.sh runs the check).
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=${CLANG_FORMAT:-clang-format}
command -v "$fmt" >/dev/null || { echo "format: missing clang-format (Debian package clang-format)"; exit 1; }
mapfile -t files < <(git ls-files -- '*.c' '*.h' | grep -v -e '^subprojects/' -e '^tests/fuzz/corpus/')
if [ "${1:-}" = --check ]; then
  bad=()
  for f in "${files[@]}"; do
    "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'format: %s differs from .clang-format\n' "${bad[@]}" >&2
    echo "format: run scripts/format.sh" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files follow .clang-format"
  exit 0
fi
"$fmt" -i "${files[@]}"
echo "format: ${#files[@]} files formatted"
