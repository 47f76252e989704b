# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the two network namespaces
# and their veth (lab_up); where each participant is: its address, its ports, its tone and its
# name.

# lab_up N [mock]: namespaces, veth, addresses for N participants. With "mock" 10.77.0.1 is
# given to the kernel on vdp (no mrfpd: the mock relay uses kernel sockets).
lab_up() {
  local n=$1 mode=${2:-} i
  ip netns add "$LAB_NS_DP" || return 1
  ip netns add "$LAB_NS_PEERS" || return 1
  for ns in "$LAB_NS_DP" "$LAB_NS_PEERS"; do
    # No IPv6 on the lab link: no router solicitations, MLD or DAD noise for mrfpd to count.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 || true
    ip -n "$ns" link set lo up
  done
  ip link add vdp netns "$LAB_NS_DP" type veth peer name vpeer netns "$LAB_NS_PEERS" || return 1
  ip netns exec "$LAB_NS_DP" ethtool -K vdp tx off >/dev/null || return 1
  ip netns exec "$LAB_NS_PEERS" ethtool -K vpeer tx off >/dev/null || return 1
  for ((i = 0; i < n; i++)); do
    ip -n "$LAB_NS_PEERS" addr add "$(lab_ip "$i")/24" dev vpeer || return 1
  done
  if [ "$mode" = mock ]; then
    ip -n "$LAB_NS_DP" addr add "$LAB_MEDIA_IP/24" dev vdp || return 1
  fi
  ip -n "$LAB_NS_DP" link set vdp up || return 1
  ip -n "$LAB_NS_PEERS" link set vpeer up || return 1
  lab_log "namespaces $LAB_NS_DP (vdp) <-> $LAB_NS_PEERS (vpeer, $n addresses), dir $LAB_DIR"
  if [ "$LAB_MP_IPSEC" = 1 ] && [ "$mode" != mock ]; then lab_ipsec_up || return 1; fi
  return 0
}

lab_ip() { echo "10.77.0.$((2 + $1))"; }
lab_tx_port() { echo $((5000 + 10 * $1)); }      # the sender's source port
lab_rx_port() { echo $((5002 + 10 * $1)); }      # the participant's address (mrfpd's remote)
lab_relay_in_port() { echo $((5004 + 10 * $1)); }  # mp: the relay's port for the sender
# Where receiver i listens: its address, or behind the relay (mp).
lab_rcv_port() { if [ "$LAB_PROV" = mp ]; then echo $((5006 + 10 * $1)); else lab_rx_port "$1"; fi; }
# mrfpd's port for participant i: stdin: 40000+2i; mp: what mrfpd chose (its Add reply).
lab_leg_port() { echo "${LAB_LEG_PORT[$1]:-$((40000 + 2 * $1))}"; }
lab_freq() { echo "${LAB_FREQS[$1]}"; }
lab_name() { local n=ABCDEFGHIJ; printf '%s' "${n:$1:1}"; }   # 0 -> A, 1 -> B ...
