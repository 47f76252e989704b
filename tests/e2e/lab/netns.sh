# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the two network namespaces
# and their veth (lab_up); where each participant is: its address, its ports, its tone and its
# name.

# lab_up N [mock]: namespaces, veth, addresses for N participants. With "mock" 10.77.0.1 is
# given to the kernel on vdp (no mrfpd: the mock relay uses kernel sockets). LAB_IPV6=1: the
# participants also have fd77::(2+i)/64 (lab_ip6) on vpeer, their kernel speaking IPv6 (neighbour
# discovery towards mrfpd's LAB_MEDIA_IP6); the dp namespace's kernel never does (vdp is
# mrfpd's).
lab_up() {
  local n=$1 mode=${2:-} i off
  ip netns add "$LAB_NS_DP" || return 1
  ip netns add "$LAB_NS_PEERS" || return 1
  for ns in "$LAB_NS_DP" "$LAB_NS_PEERS"; do
    # No IPv6 on the lab link (unless LAB_IPV6=1, on the participants' side): no router
    # solicitations, MLD or DAD noise for mrfpd to count.
    off=1; [ "${LAB_IPV6:-0}" = 1 ] && [ "$ns" = "$LAB_NS_PEERS" ] && off=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=$off \
      net.ipv6.conf.default.disable_ipv6=$off || true
    if [ $off = 0 ]; then   # IPv6, quietly: no DAD wait, no router solicitations
      ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.accept_ra=0 || true
    fi
    ip -n "$ns" link set lo up
  done
  ip link add vdp netns "$LAB_NS_DP" type veth peer name vpeer netns "$LAB_NS_PEERS" || return 1
  ip netns exec "$LAB_NS_DP" ethtool -K vdp tx off >/dev/null || return 1
  ip netns exec "$LAB_NS_PEERS" ethtool -K vpeer tx off >/dev/null || return 1
  for ((i = 0; i < n; i++)); do
    ip -n "$LAB_NS_PEERS" addr add "$(lab_ip "$i")/24" dev vpeer || return 1
    if [ "${LAB_IPV6:-0}" = 1 ]; then
      ip -n "$LAB_NS_PEERS" addr add "$(lab_ip6 "$i")/64" dev vpeer nodad || return 1
    fi
  done
  if [ "$mode" = mock ]; then
    ip -n "$LAB_NS_DP" addr add "$LAB_MEDIA_IP/24" dev vdp || return 1
  fi
  ip -n "$LAB_NS_DP" link set vdp up || return 1
  ip -n "$LAB_NS_PEERS" link set vpeer up || return 1
  local what="$n addresses"; [ "${LAB_IPV6:-0}" = 1 ] && what="$n addresses of each family"
  lab_log "namespaces $LAB_NS_DP (vdp) <-> $LAB_NS_PEERS (vpeer, $what), dir $LAB_DIR"
  if [ "$LAB_MP_IPSEC" = 1 ] && [ "$mode" != mock ]; then lab_ipsec_up || return 1; fi
  return 0
}

lab_ip() { echo "10.77.0.$((2 + $1))"; }
lab_ip6() { echo "fd77::$((2 + $1))"; }         # LAB_IPV6=1
lab_tx_port() { echo $((5000 + 10 * $1)); }      # the sender's source port
lab_rx_port() { echo $((5002 + 10 * $1)); }      # the participant's address (mrfpd's remote)
lab_relay_in_port() { echo $((5004 + 10 * $1)); }  # mp: the relay's port for the sender
# Where receiver i listens: its address, or behind the relay (mp).
lab_rcv_port() { if [ "$LAB_PROV" = mp ]; then echo $((5006 + 10 * $1)); else lab_rx_port "$1"; fi; }
# mrfpd's port for participant i: stdin: 40000+2i; mp: what mrfpd chose (its Add reply).
lab_leg_port() { echo "${LAB_LEG_PORT[$1]:-$((40000 + 2 * $1))}"; }
lab_freq() { echo "${LAB_FREQS[$1]}"; }
lab_name() { local n=ABCDEFGHIJ; printf '%s' "${n:$1:1}"; }   # 0 -> A, 1 -> B ...
