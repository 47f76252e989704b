#!/bin/bash
# mrfp-prepare-host: prepares a host for mrfpd. Reserves hugepages (sysfs), mounts hugetlbfs
# if nothing has, and binds the media NIC(s) to vfio-pci with dpdk-devbind.py. Run as root
# before mrfpd starts (mrfp-prepare-host.service does, with the settings of mrfpd.env).
# Idempotent: what is already as asked is left alone.
#
#   mrfp-prepare-host [--dry-run] [--env-file FILE] [--hugepages N] [--hugepage-size KB]
#                     [--nodes "0 1"] [--nic BDF]... [--driver DRIVER]
#
#   --dry-run          print what would be done (and what is already so), change nothing
#   --env-file FILE    read the MRFP_* settings below from FILE (mrfpd.env); options win
#   --hugepages N      hugepages to reserve: system-wide, or on each node of --nodes
#                      (MRFP_HUGEPAGES; 0 or unset: leave hugepages alone)
#   --hugepage-size KB 2048 or 1048576 (MRFP_HUGEPAGE_SIZE, default 2048)
#   --nodes "N ..."    NUMA nodes to reserve on, N pages each (MRFP_HUGEPAGE_NODES)
#   --nic BDF          PCI address of a media NIC, repeatable (MRFP_NICS, space-separated)
#   --driver DRIVER    kernel driver for the NICs (MRFP_NIC_DRIVER, default vfio-pci)
#
# Exit status: 0 done (or dry run), 1 a step failed, 2 bad usage.
# For tests: MRFP_SYSFS (default /sys), MRFP_MOUNTS (default /proc/mounts), DPDK_DEVBIND
# (default dpdk-devbind.py).
set -euo pipefail

prog=mrfp-prepare-host
sysfs=${MRFP_SYSFS:-/sys}
mounts=${MRFP_MOUNTS:-/proc/mounts}
devbind=${DPDK_DEVBIND:-dpdk-devbind.py}
dry_run=0
env_file=
opt_pages='' opt_size='' opt_nodes='' opt_driver=''
opt_nics=()

usage() { # exit status: 0 for --help (on stdout), 2 for a bad usage (on stderr)
	if [ "$1" = 0 ]; then
		sed -n '7,19s/^# \{0,1\}//p' "$0"
	else
		sed -n '7,19s/^# \{0,1\}//p' "$0" >&2
	fi
	exit "$1"
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--dry-run) dry_run=1 ;;
	--env-file) env_file=${2:?--env-file needs a file}; shift ;;
	--hugepages) opt_pages=${2:?--hugepages needs a count}; shift ;;
	--hugepage-size) opt_size=${2:?--hugepage-size needs a size in kB}; shift ;;
	--nodes) opt_nodes=${2:?--nodes needs node numbers}; shift ;;
	--nic) opt_nics+=("${2:?--nic needs a PCI address}"); shift ;;
	--driver) opt_driver=${2:?--driver needs a driver}; shift ;;
	-h | --help) usage 0 ;;
	*) echo "$prog: unknown argument '$1'" >&2; usage 2 ;;
	esac
	shift
done

if [ -n "$env_file" ]; then
	[ -r "$env_file" ] || die "cannot read $env_file"
	# shellcheck disable=SC1090 # the operator's mrfpd.env: KEY=value lines
	. "$env_file"
fi
pages=${opt_pages:-${MRFP_HUGEPAGES:-0}}
size=${opt_size:-${MRFP_HUGEPAGE_SIZE:-2048}}
nodes=${opt_nodes:-${MRFP_HUGEPAGE_NODES:-}}
driver=${opt_driver:-${MRFP_NIC_DRIVER:-vfio-pci}}
if [ ${#opt_nics[@]} -gt 0 ]; then
	nics=("${opt_nics[@]}")
else
	read -r -a nics <<<"${MRFP_NICS:-}"
fi

[[ $pages =~ ^[0-9]+$ ]] || die "hugepages: '$pages' is not a count"
[[ $size =~ ^[0-9]+$ ]] || die "hugepage size: '$size' is not a size in kB (2048, 1048576)"
for n in $nodes; do
	[[ $n =~ ^[0-9]+$ ]] || die "nodes: '$n' is not a NUMA node number"
done

if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ] && [ -z "${MRFP_SYSFS:-}" ]; then
	die "needs root (or --dry-run to see what it would do)"
fi

# act DESCRIPTION COMMAND...: run it, or only say it in a dry run.
act() {
	local what=$1
	shift
	if [ "$dry_run" = 1 ]; then
		if [ "$1" = write_value ]; then
			echo "dry-run: would $what: echo $3 > $2"
		else
			echo "dry-run: would $what: $*"
		fi
	else
		echo "$prog: $what"
		"$@"
	fi
}

# write_value FILE VALUE: what `echo VALUE > FILE` does, as one command for act.
write_value() {
	printf '%s\n' "$2" >"$1"
}

# reserve FILE: N hugepages in one nr_hugepages file, checked afterwards (fragmented memory
# can give fewer than asked).
reserve() {
	local file=$1 now
	[ -f "$file" ] || die "no $file: hugepages of ${size} kB are not supported here"
	now=$(cat "$file")
	if [ "$now" = "$pages" ]; then
		echo "$prog: hugepages: $file already $pages"
		return
	fi
	act "reserve $pages hugepages of ${size} kB (now $now)" write_value "$file" "$pages"
	if [ "$dry_run" = 0 ]; then
		now=$(cat "$file")
		[ "$now" = "$pages" ] ||
			die "hugepages: asked $pages in $file, the kernel gave $now (reserve at boot: hugepages= on the kernel command line)"
	fi
}

if [ "$pages" != 0 ]; then
	if [ -z "$nodes" ]; then
		reserve "$sysfs/kernel/mm/hugepages/hugepages-${size}kB/nr_hugepages"
	else
		for n in $nodes; do
			reserve "$sysfs/devices/system/node/node$n/hugepages/hugepages-${size}kB/nr_hugepages"
		done
	fi
	if grep -qs ' hugetlbfs ' "$mounts"; then
		echo "$prog: hugetlbfs: mounted ($(awk '$3 == "hugetlbfs" {print $2; exit}' "$mounts"))"
	else
		act "mount hugetlbfs on /dev/hugepages" mount -t hugetlbfs -o "pagesize=${size}K" \
			hugetlbfs /dev/hugepages
	fi
fi

# The IOMMU: vfio-pci needs one (intel_iommu=on / amd_iommu=on), or VFIO's unsafe no-IOMMU
# mode (where mrfpd needs physical addresses: CAP_SYS_ADMIN in a drop-in of mrfpd.service).
if [ ${#nics[@]} -gt 0 ] && [ "$driver" = vfio-pci ] &&
	! compgen -G "$sysfs/kernel/iommu_groups/*" >/dev/null; then
	echo "$prog: warning: no IOMMU groups: enable the IOMMU (intel_iommu=on or amd_iommu=on) or VFIO's no-IOMMU mode (vfio enable_unsafe_noiommu_mode=1)" >&2
fi

for nic in "${nics[@]}"; do
	[[ $nic =~ ^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] && nic=0000:$nic
	[[ $nic =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] ||
		die "nic: '$nic' is not a PCI address (0000:3b:00.0)"
	dev=$sysfs/bus/pci/devices/$nic
	[ -e "$dev" ] || die "nic: no PCI device $nic"
	current=none
	[ -e "$dev/driver" ] && current=$(basename "$(readlink -f "$dev/driver")")
	if [ "$current" = "$driver" ]; then
		echo "$prog: nic $nic: already on $driver"
		continue
	fi
	if [ ! -d "$sysfs/bus/pci/drivers/$driver" ]; then
		act "load $driver" modprobe "$driver"
	fi
	act "bind $nic to $driver (now $current)" "$devbind" --bind="$driver" "$nic"
done

if [ "$dry_run" = 1 ]; then
	echo "$prog: dry run: nothing changed"
else
	echo "$prog: host ready"
fi
