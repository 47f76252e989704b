# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): LAB_PROVISION=mp-ipsec: Mp
# over IPsec as in production (scripts/ipsec-lab.sh with its MRFP side in the dp namespace) and
# the report of what crossed the IPsec veth.

# lab_ipsec_can_run: rc 0 when mp-ipsec can run here (strongSwan charon with kernel-libipsec,
# swanctl, a TUN device), else prints why and returns 77.
lab_ipsec_can_run() {
  [ -x /usr/lib/ipsec/charon ] || { echo "lab: missing strongswan-charon"; return "$(missing_status)"; }
  [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] ||
    { echo "lab: missing libcharon-extra-plugins (kernel-libipsec)"; return "$(missing_status)"; }
  command -v swanctl >/dev/null 2>&1 || { echo "lab: missing strongswan-swanctl"; return "$(missing_status)"; }
  [ -c /dev/net/tun ] || { echo "lab: no /dev/net/tun"; return 77; }
  [ -x "$LAB_IPSEC_SH" ] || { echo "lab: no $LAB_IPSEC_SH"; return 77; }
  return 0
}

# lab_ipsec_up: (mp-ipsec) the IPsec lab with its MRFP side in the dp namespace, the CHILD_SA
# installed; Mp endpoints to the tunnel's addresses; tcpdump on the IPsec veth (vmrfp) until
# lab_mp_link_report or cleanup.
lab_ipsec_up() {
  local v
  LAB_IPSEC_ID="ip$LAB_ID"   # namespaces mrfc-ipID, directory /tmp/mrfp-ipsec-ipID
  IPSEC_LAB_NS_MRFP=$LAB_NS_DP IPSEC_LAB_MP_PORT=$LAB_MP_PORT "$LAB_IPSEC_SH" up "$LAB_IPSEC_ID" \
    2>"$LAB_ROOT/ipsec-lab-up.err" ||
    { lab_die "IPsec lab did not come up: $(tail -3 "$LAB_ROOT/ipsec-lab-up.err" | tr '\n' ' ')"; return 1; }
  while IFS='=' read -r k v; do
    case $k in
      IPSEC_NS_MRFC) LAB_NS_MGC=$v ;;
      IPSEC_MP_MRFP) LAB_MP_ADDR=$v ;;
      IPSEC_MP_MRFC) LAB_MGC_ADDR=$v ;;
      IPSEC_VICI_MRFP) LAB_IPSEC_VICI=$v ;;
      IPSEC_ID_MRFC) LAB_IPSEC_MGC_ID=$v ;;
    esac
  done < <(IPSEC_LAB_NS_MRFP=$LAB_NS_DP "$LAB_IPSEC_SH" env "$LAB_IPSEC_ID")
  lab_log "IPsec: $(tail -1 "$LAB_ROOT/ipsec-lab-up.err" | sed 's/^\[[^]]*\] //')"
  LAB_MPCAP_FILE="$LAB_ROOT/mp-link.pcap"
  lab_bg tcpdump-mp-link 900 ip netns exec "$LAB_NS_DP" \
    tcpdump -i vmrfp -n -U -Z root -s 0 -w "$LAB_MPCAP_FILE"
  LAB_MPCAP_PID=$LAB_LAST_PID
  for ((v = 0; v < 50; v++)); do
    grep -q 'listening on' "$LAB_DIR/tcpdump-mp-link.err" 2>/dev/null && return 0
    kill -0 "$LAB_MPCAP_PID" 2>/dev/null || break
    sleep 0.1
  done
  lab_die "tcpdump on vmrfp did not start: $(cat "$LAB_DIR/tcpdump-mp-link.err")"
}

# lab_mp_link_report: (mp-ipsec) stops the capture of the IPsec veth and prints what crossed
# it: ESP-in-UDP, IKE, MEGACO in clear (tshark's dissector when present, else UDP 2944/2945)
# and anything else. rc 0 only when Mp used ESP and nothing crossed in clear.
lab_mp_link_report() {
  local esp ike clear other f=$LAB_MPCAP_FILE
  [ "$LAB_MP_IPSEC" = 1 ] && [ -n "$LAB_IPSEC_ID" ] || return 0
  if [ -n "$LAB_MPCAP_PID" ]; then
    sleep 0.3
    kill -INT "$LAB_MPCAP_PID" 2>/dev/null
    lab_wait_pid "$LAB_MPCAP_PID" 5
    LAB_MPCAP_PID=""
  fi
  [ -s "$f" ] || { lab_die "no capture of the IPsec veth"; return 1; }
  esp=$(lab_pcap_count "$f" 'udp port 4500 and udp[8:4] != 0')
  ike=$(lab_pcap_count "$f" 'udp port 500 or (udp port 4500 and udp[8:4] = 0)')
  other=$(lab_pcap_count "$f" 'not arp and not (udp port 500 or udp port 4500)')
  if command -v tshark >/dev/null 2>&1; then
    clear=$(timeout 60 tshark -r "$f" -n -Y megaco 2>/dev/null | wc -l)
  else
    clear=$(lab_pcap_count "$f" 'udp port 2944 or udp port 2945')
  fi
  echo "  Mp link (tcpdump on vmrfp, the IPsec veth, whole run): $esp ESP-in-UDP, $ike IKE, $clear MEGACO in clear, $other other IP"
  [ "$esp" -gt 0 ] && [ "$clear" -eq 0 ] && [ "$other" -eq 0 ]
}
