#!/bin/bash
# The service as `meson install` lays it out, checked in a DESTDIR: the files, the systemd
# units (systemd-analyze verify, and the settings the service depends on), the example
# configuration (mrfpd parses and validates it), sd_notify (READY=1 once mrfpd serves,
# STOPPING=1 on SIGTERM; libsystemd's and the fallback by hand) and mrfp-prepare-host
# (shellcheck, --dry-run on a fake sysfs, a real run on it, idempotence, bad input).
#   service.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
for tool in systemd-analyze shellcheck python3 cc; do
	command -v "$tool" >/dev/null || { echo "service: missing $tool (scripts/setup.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
mrfpd_pid=
listeners=()
cleanup() {
	[ -n "$mrfpd_pid" ] && kill "$mrfpd_pid" 2>/dev/null
	[ ${#listeners[@]} -gt 0 ] && kill "${listeners[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { # description command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# --- the layout -------------------------------------------------------------------------
root=$tmp/root
meson install -C "$build" --destdir "$root" --no-rebuild --skip-subprojects --quiet
prefix=$(meson introspect --buildoptions "$build" |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
p=$root$prefix
etc=$p/etc
[ "$prefix" = /usr ] && etc=$root/etc
unitdir=$p/lib/systemd/system
[ "$prefix" = /usr ] && unitdir=$root/lib/systemd/system
for f in "$p/bin/mrfpd" "$p/bin/mrfpctl" "$p/sbin/mrfp-prepare-host"; do
	check "installed executable ${f#"$root"}" test -x "$f"
done
for f in "$etc/mrfp/mrfpd.ini" "$etc/mrfp/mrfpd.env" "$unitdir/mrfpd.service" \
	"$unitdir/mrfp-prepare-host.service" "$p/share/doc/mrfp/running.md"; do
	check "installed ${f#"$root"}" test -f "$f"
done
# libsrtp2 is built into mrfpd: nothing of the subproject is installed
check "no libsrtp2 files installed" test -z "$(find "$root" -iname '*srtp*' -print -quit)"

# --- the units ----------------------------------------------------------------------------
# systemd-analyze verify checks that ExecStart's program exists: verify copies whose paths
# point into the DESTDIR.
mkdir "$tmp/units"
for u in mrfpd.service mrfp-prepare-host.service; do
	sed "s|$prefix/|$p/|g; s|/etc/mrfp/|$etc/mrfp/|g" "$unitdir/$u" >"$tmp/units/$u"
done
if out=$(cd "$tmp/units" && systemd-analyze verify mrfpd.service mrfp-prepare-host.service 2>&1) &&
	[ -z "$out" ]; then
	ok "systemd-analyze verify: both units clean"
else
	bad "systemd-analyze verify: $out"
fi
unit=$unitdir/mrfpd.service
key() { sed -n "s/^$1=//p" "$unit"; }
check "Type=notify" test "$(key Type)" = notify
check "LimitMEMLOCK=infinity" test "$(key LimitMEMLOCK)" = infinity
check "Restart=on-failure" test "$(key Restart)" = on-failure
check "capabilities: exactly IPC_LOCK NET_ADMIN NET_RAW SYS_RAWIO" test \
	"$(key CapabilityBoundingSet | tr ' ' '\n' | sort | xargs)" = \
	"CAP_IPC_LOCK CAP_NET_ADMIN CAP_NET_RAW CAP_SYS_RAWIO"
check "ExecStart runs the installed mrfpd with the installed INI" test \
	"$(key ExecStart)" = "$prefix/bin/mrfpd \$MRFPD_EAL_OPTS -- --config ${etc#"$root"}/mrfp/mrfpd.ini \$MRFPD_OPTS"
check "EnvironmentFile: the installed mrfpd.env, then the optional site overrides" test \
	"$(key EnvironmentFile | xargs)" = "${etc#"$root"}/mrfp/mrfpd.env -${etc#"$root"}/default/mrfpd"
check "mrfp-prepare-host.service reads the same files" test \
	"$(sed -n 's/^EnvironmentFile=//p' "$unitdir/mrfp-prepare-host.service" | xargs)" = \
	"$(key EnvironmentFile | xargs)"

# --- sd_notify and the example configuration ---------------------------------------------
# listen.py SOCKET: prints every datagram on the socket ('@name': abstract), one per line.
cat >"$tmp/listen.py" <<'EOF'
import socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + path[1:] if path.startswith("@") else path)
print("listening", flush=True)
while True:
    print(s.recv(4096).decode().replace("\n", " "), flush=True)
EOF
# wait_for FILE PATTERN SECONDS
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
listen() { # socket log
	python3 "$tmp/listen.py" "$1" >"$2" &
	listeners+=($!)
	wait_for "$2" listening 10
}

# The example INI with Mp commented out (its IPsec interface is not here), on net_null; its
# metrics listener off (--metrics-listen=): its fixed port may be taken on a shared host.
sed '/^\[mp\]/,/^\[/ s/^[a-z]/; &/' "$etc/mrfp/mrfpd.ini" >"$tmp/nomp.ini"
listen "$tmp/notify.sock" "$tmp/notify.log"
eal=(--no-huge -m 512 --no-pci --file-prefix "ops-service-$$" --vdev net_null0 -l 0-1)
NOTIFY_SOCKET=$tmp/notify.sock "$p/bin/mrfpd" "${eal[@]}" -- --config "$tmp/nomp.ini" --metrics-listen= \
	>"$tmp/mrfpd.out" 2>&1 &
mrfpd_pid=$!
check "sd_notify: READY=1 once mrfpd serves" wait_for "$tmp/notify.log" "READY=1" 60
check "sd_notify: READY=1 came after 'running'" grep -q running "$tmp/mrfpd.out"
kill -TERM "$mrfpd_pid"
rc=0
wait "$mrfpd_pid" || rc=$?
mrfpd_pid=
check "SIGTERM: mrfpd exits 0" test "$rc" = 0
check "sd_notify: STOPPING=1 on SIGTERM" wait_for "$tmp/notify.log" "STOPPING=1" 10
if [ "$fail" != 0 ]; then sed 's/^/  mrfpd: /' "$tmp/mrfpd.out"; fi

# The full example (Mp over IPsec): it parses and validates; only Mp's interface is missing.
rc=0
"$p/bin/mrfpd" "${eal[@]}" -- --config "$etc/mrfp/mrfpd.ini" --metrics-listen= >"$tmp/full.out" 2>&1 ||
	rc=$?
if [ "$rc" != 0 ] && ! grep -q 'see --help' "$tmp/full.out" && grep -q 'Mp interface' "$tmp/full.out"; then
	ok "example mrfpd.ini: valid; stops at the missing IPsec interface (rc $rc)"
else
	bad "example mrfpd.ini (rc $rc): $(cat "$tmp/full.out")"
fi

# The fallback without libsystemd (the datagram by hand), to an abstract socket.
cat >"$tmp/notify_main.c" <<'EOF'
#include "notify.h"
int main(void) { mrfp_notify_ready(); mrfp_notify_stopping(); return 0; }
EOF
cc -std=gnu11 -Wall -Werror -I"$src/control" -o "$tmp/notify_fallback" "$tmp/notify_main.c" \
	"$src/control/notify.c"
listen "@mrfp-ops-$$" "$tmp/abstract.log"
NOTIFY_SOCKET=@mrfp-ops-$$ "$tmp/notify_fallback"
check "fallback sd_notify (no libsystemd): READY=1 then STOPPING=1, abstract socket" \
	wait_for "$tmp/abstract.log" "STOPPING=1" 10
check "fallback sd_notify: READY=1 first" test "$(sed -n 2p "$tmp/abstract.log")" = "READY=1 STATUS=serving"
NOTIFY_SOCKET='' "$tmp/notify_fallback" && ok "fallback sd_notify: no NOTIFY_SOCKET, nothing sent"

# --- mrfp-prepare-host ----------------------------------------------------------------------
prep=$p/sbin/mrfp-prepare-host
check "shellcheck mrfp-prepare-host" shellcheck "$prep"
# A fake host: 2 MB and 1 GB hugepages (system-wide and node 0), one NIC on ice.
fs=$tmp/sys
mkdir -p "$fs/kernel/mm/hugepages/hugepages-2048kB" "$fs/kernel/iommu_groups/7" \
	"$fs/devices/system/node/node0/hugepages/hugepages-1048576kB" \
	"$fs/bus/pci/drivers/ice" "$fs/bus/pci/drivers/vfio-pci" "$fs/bus/pci/devices/0000:3b:00.0"
echo 0 >"$fs/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 0 >"$fs/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages"
ln -s ../../drivers/ice "$fs/bus/pci/devices/0000:3b:00.0/driver"
echo "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0" >"$tmp/mounts"
echo "proc /proc proc rw 0 0" >"$tmp/mounts-none"
# dpdk-devbind.py stand-in: records its arguments and moves the fake NIC to the driver.
cat >"$tmp/devbind" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/devbind.log"
ln -sfn ../../drivers/\${1#--bind=} "$fs/bus/pci/devices/\$2/driver"
EOF
chmod +x "$tmp/devbind"
mounts=$tmp/mounts
run_prep() { MRFP_SYSFS=$fs MRFP_MOUNTS=$mounts DPDK_DEVBIND=$tmp/devbind "$prep" "$@"; }

mounts=$tmp/mounts-none
out=$(run_prep --dry-run --env-file "$etc/mrfp/mrfpd.env" 2>&1)
mounts=$tmp/mounts
while IFS= read -r line; do echo "  $line"; done <<<"$out"
check "dry run: would reserve 1024 x 2 MB hugepages (the example env)" grep -qx \
	"dry-run: would reserve 1024 hugepages of 2048 kB (now 0): echo 1024 > $fs/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" <<<"$out"
check "dry run: would mount hugetlbfs" grep -q \
	"^dry-run: would mount hugetlbfs on /dev/hugepages: mount -t hugetlbfs -o pagesize=2048K hugetlbfs /dev/hugepages$" <<<"$out"
check "dry run: would bind the NIC with dpdk-devbind.py" grep -qx \
	"dry-run: would bind 0000:3b:00.0 to vfio-pci (now ice): $tmp/devbind --bind=vfio-pci 0000:3b:00.0" <<<"$out"
check "dry run: says nothing changed" grep -qx "mrfp-prepare-host: dry run: nothing changed" <<<"$out"
check "dry run: changed nothing" test "$(cat "$fs/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 0 \
	-a ! -e "$tmp/devbind.log"

out=$(run_prep --dry-run --hugepages 4 --hugepage-size 1048576 --nodes 0 --nic 3b:00.0 --driver vfio-pci 2>&1)
check "dry run with options: 1 GB pages on node 0, short PCI address" grep -q \
	"would reserve 4 hugepages of 1048576 kB (now 0): echo 4 > $fs/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages" <<<"$out"
check "dry run with options: hugetlbfs already mounted" grep -q "hugetlbfs: mounted (/dev/hugepages)" <<<"$out"

out=$(run_prep --env-file "$etc/mrfp/mrfpd.env" 2>&1) || bad "real run failed: $out"
check "real run: 1024 hugepages written" test "$(cat "$fs/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 1024
check "real run: dpdk-devbind.py --bind=vfio-pci 0000:3b:00.0" test "$(cat "$tmp/devbind.log")" = "--bind=vfio-pci 0000:3b:00.0"
check "real run: host ready" grep -qx "mrfp-prepare-host: host ready" <<<"$out"
out=$(run_prep --env-file "$etc/mrfp/mrfpd.env" 2>&1)
check "again: hugepages left as they are" grep -q "already 1024" <<<"$out"
check "again: NIC already on vfio-pci, dpdk-devbind.py not run" grep -q "already on vfio-pci" <<<"$out"
check "again: dpdk-devbind.py ran once" test "$(wc -l <"$tmp/devbind.log")" = 1

rc=0
out=$(run_prep --dry-run --nic 3b:00 2>&1) || rc=$?
check "bad PCI address: exit 1 with a reason" test "$rc" = 1 -a -n "$(grep "not a PCI address" <<<"$out")"
rc=0
out=$(run_prep --dry-run --nic 0000:af:00.0 2>&1) || rc=$?
check "unknown NIC: exit 1" test "$rc" = 1 -a -n "$(grep "no PCI device" <<<"$out")"
rc=0
out=$(run_prep --dry-run --hugepages 8 --hugepage-size 4096 2>&1) || rc=$?
check "unsupported page size: exit 1" test "$rc" = 1 -a -n "$(grep "not supported" <<<"$out")"
rc=0
run_prep --frobnicate >/dev/null 2>&1 || rc=$?
check "unknown option: exit 2" test "$rc" = 2

echo "service: $pass passed, $fail failed"
[ "$fail" = 0 ]
