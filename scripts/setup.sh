#!/usr/bin/env bash
# Installs everything mrfp needs on Debian 12 (the build, every test suite, the demo, the fuzzers
# and the benchmarks) and fetches libsrtp2's Debian source package into subprojects/ so that
# meson builds it on OpenSSL, then checks that each tool is really there. Idempotent.
#   scripts/setup.sh          install what is missing, then check
#   scripts/setup.sh --check  only check: names the Debian package of anything missing (exit 1)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential meson ninja-build pkg-config dpkg-dev clang libclang-rt-14-dev clang-format
  dpdk dpdk-dev libdpdk-dev libssl-dev libnuma-dev libipsec-mb-dev libpcap-dev libcmocka-dev
  libspandsp-dev
  # codec instances (dataplane/media/codec_*.c): AMR-NB, AMR-WB decode and encode, Opus, and
  # speexdsp's resampler
  libopencore-amrnb-dev libopencore-amrwb-dev libvo-amrwbenc-dev libopus-dev libspeexdsp-dev
  # tests, demo, lab (netbase: /etc/protocols, without which strongSwan refuses `udp` selectors)
  ffmpeg iproute2 ethtool tcpdump openssl netbase python3 python3-numpy valgrind
  # the service (tests/service): systemd-analyze, shellcheck and libsystemd's sd_notify; the
  # Debian packages (meson test -C build --setup deb --suite deb): debhelper, lintian, fakeroot
  systemd libsystemd-dev shellcheck debhelper lintian fakeroot
  # our own SRTP for the participants of tests/e2e/grekey_churn.sh and bench/bench_grekey.py
  python3-cryptography
  # GStreamer participants of tests/e2e/rekey_gst.sh (srtpenc/srtpdec with MKI, from Python)
  python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-tools gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  # the codec participants of tests/e2e/codec_mix.sh: AMR-NB encode, AMR-NB/WB decode (ugly),
  # G.722 encode and decode (libav)
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # H.248 peers for interop tests (erlang-crypto: the megaco user starts `crypto`)
  erlang-base erlang-crypto erlang-megaco erlang-dev tshark
  # IPsec on Mp: strongSwan (kernel-libipsec in labs, kernel ESP in production)
  strongswan-charon strongswan-swanctl libcharon-extra-plugins
  # metrics over HTTP (control/metrics), and promtool with a Prometheus for tests/ops/metrics.py
  libmicrohttpd-dev prometheus
  # benchmarks (libsrtp2-dev: Debian's NSS-backed libsrtp2, only for bench_engine_nss, the
  # reference that shows the difference; mrfp itself always links the OpenSSL subproject)
  gnuplot-nox libsrtp2-dev
)

# What --check verifies, as "what|Debian package". Programs by `command -v` (or a path),
# Python modules by import, Erlang applications by starting them, GStreamer elements by
# gst-inspect-1.0, files by their presence.
CHECK_PROGRAMS=(
  meson\|meson ninja\|ninja-build pkg-config\|pkg-config cc\|build-essential clang\|clang
  clang-format\|clang-format
  systemd-analyze\|systemd shellcheck\|shellcheck dh\|debhelper lintian\|lintian fakeroot\|fakeroot
  ffmpeg\|ffmpeg ip\|iproute2 ethtool\|ethtool tcpdump\|tcpdump openssl\|openssl
  timeout\|coreutils python3\|python3 valgrind\|valgrind erl\|erlang-base erlc\|erlang-dev
  tshark\|tshark swanctl\|strongswan-swanctl /usr/lib/ipsec/charon\|strongswan-charon
  gst-inspect-1.0\|gstreamer1.0-tools gnuplot\|gnuplot-nox dpkg-source\|dpkg-dev
  promtool\|prometheus prometheus\|prometheus
)
CHECK_PYTHON=(numpy\|python3-numpy cryptography\|python3-cryptography gi\|python3-gi)
CHECK_ERLANG=(crypto\|erlang-crypto megaco\|erlang-megaco)
CHECK_GST=(
  audiotestsrc\|gstreamer1.0-plugins-base audioconvert\|gstreamer1.0-plugins-base
  udpsrc\|gstreamer1.0-plugins-good udpsink\|gstreamer1.0-plugins-good
  mulawenc\|gstreamer1.0-plugins-good mulawdec\|gstreamer1.0-plugins-good
  rtppcmupay\|gstreamer1.0-plugins-good rtppcmudepay\|gstreamer1.0-plugins-good
  wavenc\|gstreamer1.0-plugins-good filesink\|libgstreamer1.0-0
  srtpenc\|gstreamer1.0-plugins-bad srtpdec\|gstreamer1.0-plugins-bad
  audiomixer\|gstreamer1.0-plugins-base audioresample\|gstreamer1.0-plugins-base
  opusenc\|gstreamer1.0-plugins-base opusdec\|gstreamer1.0-plugins-base
  rtpopuspay\|gstreamer1.0-plugins-good rtpopusdepay\|gstreamer1.0-plugins-good
  rtpamrpay\|gstreamer1.0-plugins-good rtpamrdepay\|gstreamer1.0-plugins-good
  rtpg722pay\|gstreamer1.0-plugins-good rtpg722depay\|gstreamer1.0-plugins-good
  voamrwbenc\|gstreamer1.0-plugins-bad amrnbenc\|gstreamer1.0-plugins-ugly
  amrnbdec\|gstreamer1.0-plugins-ugly amrwbdec\|gstreamer1.0-plugins-ugly
  avenc_g722\|gstreamer1.0-libav avdec_g722\|gstreamer1.0-libav
)
CHECK_FILES=(
  /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so\|libcharon-extra-plugins
  /etc/protocols\|netbase
  /usr/include/systemd/sd-daemon.h\|libsystemd-dev
  /usr/include/microhttpd.h\|libmicrohttpd-dev
  /usr/include/opencore-amrnb/interf_dec.h\|libopencore-amrnb-dev
  /usr/include/opencore-amrwb/dec_if.h\|libopencore-amrwb-dev
  /usr/include/vo-amrwbenc/enc_if.h\|libvo-amrwbenc-dev
  /usr/include/opus/opus.h\|libopus-dev
  /usr/include/speex/speex_resampler.h\|libspeexdsp-dev
  /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a\|libclang-rt-14-dev
)

# check_all: one line per missing piece with its package; rc 1 if anything is missing.
check_all() {
  local e what pkg missing=()
  for e in "${CHECK_PROGRAMS[@]}"; do
    what=${e%|*}; pkg=${e#*|}
    if [[ $what == /* ]]; then [ -x "$what" ] || missing+=("program $what ($pkg)")
    else command -v "$what" >/dev/null 2>&1 || missing+=("program $what ($pkg)"); fi
  done
  for e in "${CHECK_PYTHON[@]}"; do
    what=${e%|*}; pkg=${e#*|}
    /usr/bin/python3 -c "import $what" 2>/dev/null || missing+=("python module $what ($pkg)")
  done
  /usr/bin/python3 -c 'import gi; gi.require_version("Gst", "1.0"); from gi.repository import Gst' \
    2>/dev/null || missing+=("GObject introspection for GStreamer (gir1.2-gstreamer-1.0)")
  for e in "${CHECK_ERLANG[@]}"; do
    what=${e%|*}; pkg=${e#*|}
    ERL_CRASH_DUMP=/dev/null timeout 60 erl -noshell -eval "{ok, _} = application:ensure_all_started($what), halt(0)." \
      >/dev/null 2>&1 || missing+=("erlang application $what ($pkg)")
  done
  ERL_CRASH_DUMP=/dev/null timeout 60 erl -noshell -eval 'true = filelib:is_file(filename:join(code:lib_dir(megaco, include), "megaco.hrl")), halt(0).' \
    >/dev/null 2>&1 || missing+=("megaco.hrl, the megaco user's header (erlang-dev)")
  if command -v gst-inspect-1.0 >/dev/null 2>&1; then
    for e in "${CHECK_GST[@]}"; do
      what=${e%|*}; pkg=${e#*|}
      gst-inspect-1.0 --exists "$what" 2>/dev/null || missing+=("GStreamer element $what ($pkg)")
    done
  fi
  for e in "${CHECK_FILES[@]}"; do
    what=${e%|*}; pkg=${e#*|}
    # shellcheck disable=SC2086 # a pattern: the file of any clang 14 minor version
    compgen -G "$what" >/dev/null || missing+=("file $what ($pkg)")
  done
  [ -f subprojects/libsrtp2/meson.build ] ||
    missing+=("libsrtp2 source in subprojects/ (scripts/setup.sh fetches it: apt-get source libsrtp2)")
  [ ${#missing[@]} -eq 0 ] && return 0
  printf 'setup: missing %s\n' "${missing[@]}" >&2
  return 1
}

if [ "${1:-}" = --check ]; then
  check_all && echo "setup: check ok (every program, module, application and element present)"
  exit
fi

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
check_all || { echo "setup: some tools are missing after the install (see above)" >&2; exit 1; }
echo "setup: check ok"
