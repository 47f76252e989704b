#!/bin/bash
# deb_install.sh on a fresh Debian 12 root, as a new machine meets the packages:
#   ../shared/tools/fresh-machine.sh . tests/service/deb_fresh.sh
# (fresh-machine.sh clones the committed tree into a minbase root and runs this there as root.)
# Only what building the packages takes is installed (dpkg-dev, debhelper, lintian and the
# Build-Depends of debian/control, libsrtp2's source from deb-src), deb.sh builds and checks
# them, and every package that installed is purged again: the .debs then go in with apt-get
# on a root that holds none of their dependencies, which must all come from Debian's archive.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || { echo "deb_fresh: run it as root on a disposable root" >&2; exit 1; }
apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
step() { echo "deb_fresh: $*"; }

# deb-src for the archive already configured (deb822 or one-line), for libsrtp2's source
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
done
if [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src ' /etc/apt/sources.list; then
	src_lines=$(sed -n 's/^deb /deb-src /p' /etc/apt/sources.list)
	echo "$src_lines" >>/etc/apt/sources.list
fi
"${apt[@]}" update >/dev/null
"${apt[@]}" install --no-install-recommends curl >/dev/null # deb_install.sh's HTTP client

before=$(dpkg-query -W -f='${Package}\n' | sort)
step "installing what the build takes"
"${apt[@]}" install --no-install-recommends dpkg-dev debhelper fakeroot lintian >/dev/null
"${apt[@]}" build-dep --no-install-recommends "$src" >/dev/null
if [ ! -f "$src/subprojects/libsrtp2/meson.build" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get source -q --download-only libsrtp2 >/dev/null &&
		dpkg-source --no-check -x ./*.dsc src >/dev/null)
	mkdir -p "$src/subprojects"
	mv "$tmp/src" "$src/subprojects/libsrtp2"
	rm -rf "$tmp"
fi
built=$(dpkg-query -W -f='${Package}\n' | sort)
step "$(comm -13 <(echo "$before") <(echo "$built") | wc -l) packages installed for the build"

debs=/var/tmp/mrfp-debs
MRFP_DEB_KEEP=$debs "$src/tests/service/deb.sh" "$src"

step "purging everything the build installed"
mapfile -t extra < <(comm -13 <(echo "$before") <(dpkg-query -W -f='${Package}\n' | sort))
"${apt[@]}" purge "${extra[@]}" >/dev/null
left=$(comm -13 <(echo "$before") <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' |
	awk '$1 == "ii" {print $2}' | sort))
if [ -n "$left" ]; then
	echo "deb_fresh: still installed after the purge: $left" >&2
	exit 1
fi
step "back to the minbase root (+ curl): $(dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii') packages"

exec "$src/tests/service/deb_install.sh" "$src" "$debs"
