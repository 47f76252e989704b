#!/usr/bin/env bash
# Installs everything mrfp needs on Debian 12 and fetches libsrtp2's Debian source package into
# subprojects/ so that meson builds it on OpenSSL. Idempotent: safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential meson ninja-build pkg-config dpkg-dev clang libclang-rt-14-dev
  dpdk dpdk-dev libdpdk-dev libssl-dev libnuma-dev libipsec-mb-dev libpcap-dev libcmocka-dev
  libspandsp-dev
  # tests, demo, lab
  ffmpeg iproute2 tcpdump python3 python3-numpy valgrind
  # our own SRTP for the participants of tests/e2e/grekey_churn.sh and bench/bench_grekey.py
  python3-cryptography
  # GStreamer participants of tests/e2e/rekey_gst.sh (srtpenc/srtpdec with MKI, from Python)
  python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
  # H.248 peers for interop tests
  erlang-base erlang-megaco erlang-dev tshark
  # IPsec on Mp: strongSwan (kernel-libipsec in labs, kernel ESP in production)
  strongswan-charon strongswan-swanctl libcharon-extra-plugins
  # benchmarks (libsrtp2-dev: Debian's NSS-backed libsrtp2, only for bench_engine_nss, the
  # reference that shows the difference; mrfp itself always links the OpenSSL subproject)
  gnuplot-nox libsrtp2-dev
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# deb-src for the archive already configured (deb822 and one-line formats).
enable_deb_src() {
  local f changed=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    if grep -q '^Types: deb$' "$f"; then
      as_root sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"; changed=1
    fi
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list &&
     ! grep -q '^deb-src ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
      as_root tee -a /etc/apt/sources.list >/dev/null; changed=1
  fi
  return $changed
}

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
  done
}

need_update=0
enable_deb_src || need_update=1
missing=$(missing_packages)
[ -n "$missing" ] && need_update=1
[ -d subprojects/libsrtp2 ] || need_update=1
if [ "$need_update" = 1 ]; then
  as_root apt-get update -q
fi
if [ -n "$missing" ]; then
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends $missing
fi

# libsrtp2 from Debian's source package, built by meson as a subproject on OpenSSL.
if [ ! -f subprojects/libsrtp2/meson.build ]; then
  mkdir -p subprojects
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -q --download-only libsrtp2 >/dev/null &&
     dpkg-source --no-check -x ./*.dsc src >/dev/null)
  rm -rf subprojects/libsrtp2
  mv "$tmp/src" subprojects/libsrtp2
  rm -rf "$tmp"
fi
echo "setup: dependencies ready (libsrtp2 $(sed -n "s/.*version *: *'\([0-9.]*\)'.*/\1/p" subprojects/libsrtp2/meson.build | head -1) source in subprojects/libsrtp2)"
