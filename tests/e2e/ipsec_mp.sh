#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from a trap
# IPsec-protected Mp, end to end in two network namespaces (scripts/ipsec-lab.sh:
# one charon with kernel-libipsec on each side, IKEv2 with certificates from a throw-away CA
# (IPSEC_MP_AUTH=psk: a pre-shared key), ESP-in-UDP over a veth):
#   d) insecure-lab is refused for a non-lab address, and Mp without mp-interface is refused;
#   a) H.248 over ESP: mrfpd (in the MRFP namespace, Mp bound to ipsec0, the guard asking that
#      namespace's charon over VICI) registers and a conference with SDES keys is set up; the
#      veth carries only IKE and ESP-in-UDP/4500, no MEGACO in clear;
#   b) cleartext H.248 from the MRFC's address, around ipsec0: not served, counted;
#   c) the SA torn down mid-session: mrfpd sends nothing, executes nothing, and recovers when
#      the SA is re-established;
#   r) CHILD_SA and IKE_SA rekeys: protected throughout, no suspension;
#   f) a redirect (MgcIdToTry) to an MGC the SA does not cover: suspended, nothing sent;
#   e) an SA whose IKE peer is not --mgc-identity: suspended, nothing sent.
# a-c, r, f and e are played by tests/e2e/ipsec_mgc.py, the MGC, inside the MRFC namespace.
# Usage: ipsec_mp.sh [PATH/TO/mrfpd]   Exit: 0 pass, 1 fail, 77 skipped (not root, no charon)
# IPSEC_MP_KEEP=1 keeps the work directory (logs, captures: they hold no key in clear except
# the ones b and c inject on purpose, which are random and never used).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/common/missing.sh
source "$here/../common/missing.sh"
bin=${1:-$here/../../build/control/mrfpd}
lab_sh=$(readlink -f "$here/../../scripts/ipsec-lab.sh")
PY=/usr/bin/python3

log() { printf '[ipsec_mp %s] %s\n' "$(date +%T)" "$*" >&2; }
FAILED=0
fail() { echo "FAIL $*"; FAILED=1; }
ok() { echo "ok   $*"; }

# ---- can it run here at all? ------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then echo "ipsec_mp: needs root (namespaces, DPDK)"; exit 77; fi
for t in ip tcpdump tshark swanctl openssl timeout "$PY"; do
  command -v "$t" >/dev/null 2>&1 || { echo "ipsec_mp: missing $t"; exit "$(missing_status)"; }
done
[ -x /usr/lib/ipsec/charon ] || { echo "ipsec_mp: missing strongswan-charon"; exit "$(missing_status)"; }
[ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] ||
  { echo "ipsec_mp: missing libcharon-extra-plugins (kernel-libipsec)"; exit "$(missing_status)"; }
[ -c /dev/net/tun ] || { echo "ipsec_mp: no /dev/net/tun"; exit 77; }
[ -x "$bin" ] || { echo "ipsec_mp: no mrfpd binary at $bin"; exit 1; }
bin=$(readlink -f "$bin")
probe="mrfp-probe-$$"
ip netns add "$probe" 2>/dev/null || { echo "ipsec_mp: ip netns unavailable"; exit 77; }
ip netns del "$probe"

ID=e$$
WORK=$(mktemp -d /tmp/mrfp-ipsec-mp.XXXXXX)
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  IPSEC_LAB_KEEP=${IPSEC_MP_KEEP:-0} "$lab_sh" down "$ID"
  rm -rf /var/run/dpdk/mrfp-ipsec-d-$$
  if [ "${IPSEC_MP_KEEP:-0}" = 1 ] || [ "$FAILED" = 1 ] || [ "$rc" -ne 0 ]; then
    log "kept $WORK and /tmp/mrfp-ipsec-$ID"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# ---- d) refusals: plain mrfpd starts that must fail with a message ------------------------
# refused NAME EXPECTED-TEXT MRFPD-OPTIONS...
refused() {
  local name=$1 want=$2 out rc; shift 2
  out=$(timeout -k 3 60 "$bin" --no-huge -m 256 --no-pci --file-prefix "mrfp-ipsec-d-$$" \
    --vdev net_null0 -l 0-1 -- --media-ip 10.0.0.1/24 "$@" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "$want" <<<"$out"; then
    ok "d) $name: refused (exit $rc): $(grep -m1 "$want" <<<"$out")"
  else
    fail "d) $name: exit $rc, output: $(tail -3 <<<"$out" | tr '\n' ' ')"
  fi
}
refused "insecure-lab with a non-lab Mp address" "insecure-lab refused" \
  --mgc 127.0.0.1:2945 --mp-address 10.78.1.1 --insecure-lab yes
refused "insecure-lab with a non-lab MGC address" "insecure-lab refused" \
  --mgc 192.0.2.7:2944 --mp-address 127.0.0.1 --insecure-lab yes --lab-prefix 10.99.0.0/16
refused "Mp without mp-interface or insecure-lab" "must be IPsec-protected" \
  --mgc 10.78.2.1:2944 --mp-address 10.78.1.1

# ---- a, b, c: in the IPsec lab ------------------------------------------------------------
if ! IPSEC_LAB_AUTH=${IPSEC_MP_AUTH:-cert} "$lab_sh" up "$ID" 2>"$WORK/lab-up.err"; then
  cat "$WORK/lab-up.err" >&2
  fail "IPsec lab did not come up"
  exit 1
fi
log "$(tail -1 "$WORK/lab-up.err")"
ok "lab: IKEv2 + ESP CHILD_SA installed between the namespaces"
set -a
# shellcheck disable=SC1090
source <("$lab_sh" env "$ID")
set +a
export IPSEC_LAB_ID=$ID MRFPD=$bin LAB_SH=$lab_sh WORKDIR=$WORK
if ! timeout -k 5 110 ip netns exec "$IPSEC_NS_MRFC" "$PY" -u "$here/ipsec_mgc.py"; then
  FAILED=1
  log "mrfpd log (last 20 lines):"
  tail -20 "$WORK/mrfpd.log" >&2
fi
if [ "$FAILED" = 0 ]; then log "PASS"; else log "FAILED"; fi
exit $FAILED
