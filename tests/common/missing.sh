# shellcheck shell=sh
# Sourced by the shell tests. A test that finds a prerequisite absent prints what and exits
# with $(missing_status): 77 (meson: skipped) on a developer's machine, 1 with CI=true, where
# scripts/setup.sh has installed everything, so an absent tool is a set-up bug that must show.
missing_status() { if [ "${CI:-}" = true ]; then echo 1; else echo 77; fi; }
