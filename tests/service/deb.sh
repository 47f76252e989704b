#!/bin/bash
# The Debian packages: `dpkg-buildpackage -us -uc -b` in a copy of the committed tree (with
# libsrtp2's source from subprojects/, as scripts/setup.sh laid it), then lintian with no
# error, then what each .deb holds. Minutes of build: its own suite, out of the default run.
#   deb.sh SOURCE_DIR        MRFP_DEB_WORKTREE=1: package the work tree instead of HEAD
#   MRFP_DEB_KEEP=DIR        leave the .debs in DIR
set -euo pipefail
src=$(realpath "$1")
for tool in dpkg-buildpackage dh lintian fakeroot dpkg-deb; do
	command -v "$tool" >/dev/null || { echo "deb: missing $tool (scripts/setup.sh)" >&2; exit 1; }
done
[ -f "$src/subprojects/libsrtp2/meson.build" ] ||
	{ echo "deb: no libsrtp2 source in subprojects/ (scripts/setup.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

tree=$tmp/mrfp
mkdir -p "$tree/subprojects"
if [ "${MRFP_DEB_WORKTREE:-0}" != 1 ] && git -C "$src" rev-parse --verify -q HEAD >/dev/null; then
	git -C "$src" archive HEAD | tar -C "$tree" -xf -
	echo "deb: packaging HEAD $(git -C "$src" rev-parse --short HEAD)"
else
	tar -C "$src" --exclude='./build*' --exclude=./.git --exclude=./subprojects -cf - . |
		tar -C "$tree" -xf -
	echo "deb: packaging the work tree"
fi
cp -a "$src/subprojects/libsrtp2" "$tree/subprojects/"

start=$SECONDS
if (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b ($((SECONDS - start)) s)"
else
	bad "dpkg-buildpackage -us -uc -b"
	tail -40 "$tmp/build.log"
	echo "deb: $pass passed, $fail failed"
	exit 1
fi
version=$(cd "$tree" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
mrfp=$tmp/mrfp_${version}_$arch.deb
tools=$tmp/mrfp-tools_${version}_$arch.deb
check "mrfp .deb built" test -f "$mrfp"
check "mrfp-tools .deb built" test -f "$tools"

# lintian: no error (tags are printed for the record; warnings do not fail)
rc=0
lintian --fail-on error --display-info "$tmp/mrfp_${version}_$arch.changes" >"$tmp/lintian.log" 2>&1 || rc=$?
sed 's/^/  lintian: /' "$tmp/lintian.log"
check "lintian: no error" test "$rc" = 0

contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
contents "$mrfp" >"$tmp/mrfp.list"
contents "$tools" >"$tmp/tools.list"
for f in /usr/bin/mrfpd /usr/sbin/mrfp-prepare-host /etc/mrfp/mrfpd.ini /etc/mrfp/mrfpd.env \
	/lib/systemd/system/mrfpd.service /lib/systemd/system/mrfp-prepare-host.service \
	/usr/share/doc/mrfp/copyright /usr/share/doc/mrfp/running.md; do
	check "mrfp holds $f" grep -qx "$f" "$tmp/mrfp.list"
done
check "mrfp-tools holds /usr/bin/mrfpctl" grep -qx /usr/bin/mrfpctl "$tmp/tools.list"
check "mrfpctl only in mrfp-tools" test -z "$(grep mrfpctl "$tmp/mrfp.list" | grep bin/)"
dpkg-deb -e "$mrfp" "$tmp/ctrl"
check "conffiles: /etc/mrfp/mrfpd.ini and mrfpd.env" test \
	"$(grep /etc/mrfp/ "$tmp/ctrl/conffiles" | sort | xargs)" = "/etc/mrfp/mrfpd.env /etc/mrfp/mrfpd.ini"
depends=$(dpkg-deb -f "$mrfp" Depends)
echo "  mrfp Depends: $depends"
check "libsrtp2 built in: no libsrtp2 package in Depends" test -z "$(grep -o 'libsrtp2[^,]*' <<<"$depends")"
check "DPDK and OpenSSL from Debian in Depends" grep -q 'librte-eal.*libssl3\|libssl3.*librte-eal' <<<"$depends"
dpkg-deb -x "$mrfp" "$tmp/x"
check "mrfpd links no libsrtp2.so" test -z "$(readelf -d "$tmp/x/usr/bin/mrfpd" | grep srtp)"
check "the packaged unit is Type=notify" grep -qx "Type=notify" "$tmp/x/lib/systemd/system/mrfpd.service"
# shellcheck disable=SC2016 # systemd expands the $VARIABLES, not this shell
check "the packaged unit runs /usr/bin/mrfpd with /etc/mrfp" grep -qx \
	'ExecStart=/usr/bin/mrfpd $MRFPD_EAL_OPTS -- --config /etc/mrfp/mrfpd.ini $MRFPD_OPTS' \
	"$tmp/x/lib/systemd/system/mrfpd.service"
if [ -n "${MRFP_DEB_KEEP:-}" ]; then
	mkdir -p "$MRFP_DEB_KEEP"
	cp "$tmp"/*.deb "$tmp"/*.changes "$MRFP_DEB_KEEP"/
	echo "deb: packages in $MRFP_DEB_KEEP"
fi
echo "deb: $pass passed, $fail failed"
[ "$fail" = 0 ]
