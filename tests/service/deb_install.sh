#!/bin/bash
# The Debian packages as an operator gets them: built (deb.sh, or taken from DEB_DIR), installed
# with apt-get from the .deb files so that every dependency comes from Debian's archive, then
# the installed mrfpd started the way mrfpd.service starts it (its ExecStart, its
# EnvironmentFiles in order) from the shipped /etc/mrfp, with only a vdev host's overrides in
# /etc/default/mrfpd; /health and /ready must answer 200 on the shipped metrics listener.
#   deb_install.sh SOURCE_DIR [DEB_DIR]       root; installs into this system
# Recommends are left out (--no-install-recommends): Depends alone must be enough to start.
# What this run installed (mrfp, mrfp-tools, the vdev's PMD) is purged at the end unless
# MRFP_DEB_KEEP_INSTALLED=1; their dependencies stay. tests/service/deb_fresh.sh runs it on the
# fresh Debian root of ../shared/tools/fresh-machine.sh.
set -euo pipefail
src=$(realpath "$1")
debs=${2:-}
# shellcheck source=tests/common/missing.sh
. "$src/tests/common/missing.sh"
missing() {
	echo "deb_install: $1"
	exit "$(missing_status)"
}
[ "$(id -u)" = 0 ] || missing "needs root: it installs packages"
for tool in apt-get dpkg curl; do
	command -v "$tool" >/dev/null || missing "missing $tool (scripts/setup.sh)"
done
tmp=$(mktemp -d)
mrfpd_pid=
purge=()
default=/etc/default/mrfpd
saved_default=
# shellcheck disable=SC2317 # the EXIT trap runs it
cleanup() {
	if [ -n "$mrfpd_pid" ]; then
		kill -KILL "$mrfpd_pid" 2>/dev/null || true
		wait "$mrfpd_pid" 2>/dev/null || true
	fi
	[ -n "${prefix:-}" ] && rm -rf "/var/run/dpdk/$prefix"
	if [ -n "$saved_default" ]; then
		cp -p "$saved_default" "$default"
	else
		rm -f "$default"
	fi
	if [ ${#purge[@]} -gt 0 ] && [ "${MRFP_DEB_KEEP_INSTALLED:-0}" != 1 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=300 \
			"${purge[@]}" >"$tmp/purge.log" 2>&1 || cat "$tmp/purge.log"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
	echo "deb_install: $pass passed, $fail failed"
	[ "$fail" = 0 ] && exit 0
	exit 1
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
apt_install() { # log, then apt-get install arguments
	local log=$1
	shift
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=300 "$@" >"$log" 2>&1
}

# --- the packages ---------------------------------------------------------------------------
if [ -z "$debs" ]; then
	debs=$tmp/debs
	if MRFP_DEB_KEEP=$debs "$src/tests/service/deb.sh" "$src" >"$tmp/deb.log" 2>&1; then
		ok "packages built (deb.sh: $(tail -1 "$tmp/deb.log"))"
	else
		cat "$tmp/deb.log"
		bad "deb.sh"
		finish
	fi
fi
debs=$(realpath "$debs")
mrfp_deb=$(find "$debs" -maxdepth 1 -name 'mrfp_*.deb' | sort | tail -1)
tools_deb=$(find "$debs" -maxdepth 1 -name 'mrfp-tools_*.deb' | sort | tail -1)
if [ -z "$mrfp_deb" ] || [ -z "$tools_deb" ]; then
	bad "no mrfp and mrfp-tools .deb in $debs"
	finish
fi
installed mrfp || purge+=(mrfp)
installed mrfp-tools || purge+=(mrfp-tools)

# apt-get resolves the .debs' Depends from the archive (file names need a path: ./)
if (cd "$debs" && apt_install "$tmp/install.log" "./${mrfp_deb##*/}" "./${tools_deb##*/}"); then
	ok "apt-get install ./${mrfp_deb##*/} ./${tools_deb##*/}: $(grep -c '^Setting up' "$tmp/install.log") packages set up"
else
	sed 's/^/  apt: /' "$tmp/install.log"
	bad "apt-get install of the .debs"
	finish
fi
sed -n 's/^Setting up \([^ ]*\) .*/\1/p' "$tmp/install.log" | tr '\n' ' ' | fold -s -w 96 |
	sed 's/^/  set up: /'
echo
check "mrfp installed" installed mrfp
check "mrfp-tools installed" installed mrfp-tools
unit=/lib/systemd/system/mrfpd.service
for f in /usr/bin/mrfpd /usr/bin/mrfpctl /usr/sbin/mrfp-prepare-host; do
	check "installed executable $f" test -x "$f"
done
for f in /etc/mrfp/mrfpd.ini /etc/mrfp/mrfpd.env "$unit" /lib/systemd/system/mrfp-prepare-host.service; do
	check "installed $f" test -f "$f"
done
check "every library of mrfpd and mrfpctl found" test -z "$(ldd /usr/bin/mrfpd /usr/bin/mrfpctl | grep 'not found')"
check "mrfpctl runs" sh -c '/usr/bin/mrfpctl --help >/dev/null 2>&1'
pmds=$(find /usr/lib -path '*dpdk/pmds-*' -name 'librte_mempool_ring.so*' -print -quit)
check "the mbuf pool's ring driver (a Depends) is installed: ${pmds:-none}" test -n "$pmds"

# A vdev host's PMD, as a NIC host installs its NIC's (the dpdk package recommends the common
# ones; net_null is no NIC's).
if ! installed librte-net-null23; then
	if apt_install "$tmp/pmd.log" librte-net-null23; then
		purge+=(librte-net-null23)
		ok "the vdev's PMD: librte-net-null23 installed"
	else
		sed 's/^/  apt: /' "$tmp/pmd.log"
		bad "apt-get install librte-net-null23"
		finish
	fi
fi

# --- the vdev host's overrides, in the file both units read after mrfpd.env -----------------
mapfile -t envfiles < <(sed -n 's/^EnvironmentFile=//p' "$unit")
check "mrfpd.service reads /etc/mrfp/mrfpd.env, then the optional $default" test \
	"${envfiles[*]}" = "/etc/mrfp/mrfpd.env -$default"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
# shellcheck disable=SC2016 # systemd expands the $VARIABLES, not this shell
check "ExecStart: /usr/bin/mrfpd with the shipped INI" test \
	"$exec_start" = '/usr/bin/mrfpd $MRFPD_EAL_OPTS -- --config /etc/mrfp/mrfpd.ini $MRFPD_OPTS'
listen=$(sed -n 's/^metrics-listen *= *//p' /etc/mrfp/mrfpd.ini)
check "the shipped INI serves metrics on loopback ($listen)" grep -q '^127\.0\.0\.1:[0-9]*$' <<<"$listen"
port=${listen##*:}
prefix=mrfp-deb-install-$$
if [ -e "$default" ]; then
	saved_default=$tmp/default.saved
	cp -p "$default" "$saved_default"
fi
opts="--mgc="
if curl -s -o /dev/null --max-time 2 "http://$listen/"; then
	# someone else holds the shipped port on this host: the one setting changed, and said so
	port=$((20000 + $$ % 20000))
	opts="$opts --metrics-listen 127.0.0.1:$port"
	echo "  note: $listen is in use here: metrics on 127.0.0.1:$port"
fi
cat >"$default" <<EOF
# deb_install.sh: a host without a DPDK NIC (see /etc/mrfp/mrfpd.env)
MRFPD_EAL_OPTS="--no-huge -m 1024 --no-pci --vdev net_null0 --file-prefix $prefix -l 0-1"
MRFPD_OPTS="$opts"
MRFP_HUGEPAGES=0
MRFP_NICS=""
EOF

# The EnvironmentFiles in the unit's order (KEY="value" lines read the same by a shell), then
# ExecStart with each unbraced $VAR split into words, as systemd does.
service_env() {
	local f
	set -a
	for f in "${envfiles[@]}"; do
		f=${f#-}
		if [ -f "$f" ]; then
			# shellcheck disable=SC1090 # the unit's own EnvironmentFiles
			. "$f"
		fi
	done
	set +a
}
if (service_env && exec /usr/sbin/mrfp-prepare-host --dry-run) >"$tmp/prepare.out" 2>&1; then
	ok "mrfp-prepare-host --dry-run with the units' settings: $(tail -1 "$tmp/prepare.out")"
else
	bad "mrfp-prepare-host --dry-run: $(cat "$tmp/prepare.out")"
fi
(service_env && eval "exec $exec_start") >"$tmp/mrfpd.out" 2>&1 &
mrfpd_pid=$!
echo "  started (pid $mrfpd_pid): $exec_start, with $default:"
sed 's/^/    /' "$default"
sleep 0.5
argv=$(tr '\0' ' ' <"/proc/$mrfpd_pid/cmdline" 2>/dev/null) || true
echo "  mrfpd's command line: $argv"
check "mrfpd runs the shipped INI with the overrides" grep -q \
	"^/usr/bin/mrfpd --no-huge .* --vdev net_null0 .* -- --config /etc/mrfp/mrfpd.ini --mgc=" <<<"$argv"

# wait_http PATH STATUS SECONDS: the status GET PATH last answered, once it is STATUS
wait_http() {
	local i st=000
	for ((i = 0; i < $3 * 10; i++)); do
		st=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$1") || true
		[ "$st" = "$2" ] && break
		kill -0 "$mrfpd_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "$st"
}
st=$(wait_http /health 200 60)
check "GET /health: 200 ($(cat "$tmp/body" 2>/dev/null))" test "$st" = 200
st=$(wait_http /ready 200 10)
check "GET /ready: 200 ($(cat "$tmp/body" 2>/dev/null))" test "$st" = 200
st=$(curl -s -o "$tmp/metrics" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/metrics") || true
check "GET /metrics: 200, the SRTP counters of worker 0 there" test "$st" = 200 -a -n \
	"$(grep '^mrfp_srtp_protects_total{worker="0"} 0$' "$tmp/metrics")"
check "mrfpd says where its metrics are" grep -q "metrics on http://127.0.0.1:$port/metrics" "$tmp/mrfpd.out"

rc=0
kill -TERM "$mrfpd_pid"
wait "$mrfpd_pid" || rc=$?
mrfpd_pid=
check "SIGTERM: mrfpd exits 0" test "$rc" = 0
if [ "$fail" != 0 ]; then sed 's/^/  mrfpd: /' "$tmp/mrfpd.out"; fi
finish
