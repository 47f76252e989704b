#!/bin/bash
# IPsec lab for the Mp link: two network namespaces joined by a veth, one strongSwan charon per
# namespace with kernel-libipsec (userspace ESP over the TUN device ipsec0: the kernels of these
# machines have XFRM but no ESP), IKEv2 with a pre-shared key, ESP AES-CBC-256/HMAC-SHA2-256
# (the ciphers charon has here without its openssl/gcm plugins), always UDP-encapsulated.
#
#   NS_MRFC  vmrfc 10.78.0.2/24 (IKE)   lo 10.78.2.1/32 (the MRFC's Mp address)
#       |  veth: only IKE (UDP 500/4500) and ESP-in-UDP 4500 should cross it (cleartext
#       |  routes exist too, so that a leak would show)
#   NS_MRFP  vmrfp 10.78.0.1/24 (IKE)   lo 10.78.1.1/32 (mrfpd's Mp address, ipsec0 route)
#
# The CHILD_SA covers 10.78.1.1[udp/2944] <-> 10.78.2.1: only Mp, nothing else. The Mp
# addresses are not the IKE endpoints, so the route kernel-libipsec installs (table 220 via
# ipsec0) never captures IKE itself.
#
# Usage: scripts/ipsec-lab.sh up|down|status|env [ID]
#   up      namespaces, veth, charons, loads the config (swanctl --load-all), initiates the SA
#   down    terminates charons by PID and deletes the namespaces and the lab directory
#   status  swanctl --list-sas in both namespaces
#   env     prints shell assignments (namespaces, addresses, VICI sockets, directory)
# ID (default "lab", or IPSEC_LAB_ID) keeps several labs apart. Everything lives in
# /tmp/mrfp-ipsec-ID: per namespace strongswan.conf, swanctl.conf, charon.log, the VICI socket
# and run/ (bound over /run in charon's mount namespace, so charon.pid never collides).
# IPSEC_LAB_AUTH=psk (default): a random pre-shared key; =cert: certificates from a throw-away
# CA made with openssl (strongSwan's pki tool is not installed here), identities in the
# subjectAltName so that remote-id is the same FQDN in both modes.
# IPSEC_LAB_NS_MRFP=NS (up): the MRFP side lives in NS, an existing namespace (e.g. the e2e
# lab's dataplane namespace, where mrfpd also has its media port) instead of mrfp-ID: up adds
# vmrfp, 10.78.1.1 on lo and a charon there and never creates or deletes NS; down removes
# only what up added. The name is remembered in the lab directory, so later calls (down,
# env, status, swan) find it without the variable.
set -u

ID=${2:-${IPSEC_LAB_ID:-lab}}
DIR=/tmp/mrfp-ipsec-$ID
NS_MRFC=mrfc-$ID
NS_MRFP=mrfp-$ID
NS_MRFP_EXT=""   # set when the MRFP side is an existing namespace (IPSEC_LAB_NS_MRFP)
if [ -n "${IPSEC_LAB_NS_MRFP:-}" ]; then
  NS_MRFP=$IPSEC_LAB_NS_MRFP; NS_MRFP_EXT=$NS_MRFP
elif [ -s "$DIR/mrfp-netns" ]; then
  NS_MRFP=$(cat "$DIR/mrfp-netns"); NS_MRFP_EXT=$NS_MRFP
fi
IKE_MRFC=10.78.0.2
IKE_MRFP=10.78.0.1
MP_MRFC=10.78.2.1
MP_MRFP=10.78.1.1
MP_PORT=${IPSEC_LAB_MP_PORT:-2944}
CHARON=/usr/lib/ipsec/charon
CHILD=mp
AUTH=${IPSEC_LAB_AUTH:-psk}
case $AUTH in psk | cert) ;; *) echo "IPSEC_LAB_AUTH=psk|cert" >&2; exit 1 ;; esac

log() { printf '[ipsec-lab %s] %s\n' "$(date +%T)" "$*" >&2; }

# strongswan.conf for one side: only the plugins this lab needs, kernel-libipsec on.
write_strongswan_conf() {
  local side=$1 d=$DIR/$1
  cat >"$d/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce aes sha1 sha2 hmac kdf gmp pem pkcs1 pkcs8 x509 pubkey constraints revocation kernel-libipsec kernel-netlink socket-default vici
  install_routes = yes
  retransmit_tries = 3
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  plugins {
    vici { socket = unix://$d/charon.vici }
    kernel-libipsec { load = yes }
  }
  filelog {
    $side { path = $d/charon.log
      default = 1
      ike = 1
      time_format = %T
    }
  }
  syslog { daemon { default = -1 } }
}
swanctl { load = pem pkcs1 pkcs8 x509 pubkey }
EOF
}

# The local/remote auth blocks and the secrets of one side, for IPSEC_LAB_AUTH.
auth_conf() {
  local side=$1 peer=$2
  if [ "$AUTH" = cert ]; then
    cat <<EOF
    local { auth = pubkey
            certs = cert.pem
            id = $side.mrfp.lab }
    remote { auth = pubkey
             id = $peer.mrfp.lab
             cacerts = ca.pem }
EOF
  else
    cat <<EOF
    local { auth = psk
            id = $side.mrfp.lab }
    remote { auth = psk
             id = $peer.mrfp.lab }
EOF
  fi
}

secrets_conf() {
  local side=$1 psk=$2
  if [ "$AUTH" = psk ]; then  # cert: swanctl loads private/ by itself
    printf '  ike-lab { id-a = mrfc.mrfp.lab\n            id-b = mrfp.mrfp.lab\n            secret = 0s%s }\n' "$psk"
  fi
}

# A throw-away CA and one certificate per side (subjectAltName DNS = the IKE identity), in
# the swanctl directory layout next to each side's swanctl.conf (x509ca, x509, private).
make_certs() {
  local side d
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/O=mrfp lab/CN=mrfp lab CA $ID" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null || return 1
  for side in mrfc mrfp; do
    d=$DIR/$side
    mkdir -p "$d/x509ca" "$d/x509" "$d/private" && chmod 700 "$d/private"
    cp "$DIR/ca.pem" "$d/x509ca/ca.pem"
    openssl req -newkey rsa:2048 -nodes -subj "/O=mrfp lab/CN=$side.mrfp.lab" \
      -keyout "$d/private/key.pem" -out "$d/req.pem" 2>/dev/null || return 1
    openssl x509 -req -in "$d/req.pem" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" \
      -CAcreateserial -days 2 -out "$d/x509/cert.pem" \
      -extfile <(printf 'subjectAltName=DNS:%s.mrfp.lab\n' "$side") 2>/dev/null || return 1
  done
  rm -f "$DIR/ca.key"   # nothing more to sign
}

# swanctl.conf: one IKE_SA, one CHILD_SA for Mp only.
write_swanctl_conf() {
  local side=$1 me=$2 peer=$3 lts=$4 rts=$5 start=$6 psk=$7 d=$DIR/$1 other
  other=$([ "$side" = mrfc ] && echo mrfp || echo mrfc)
  cat >"$d/swanctl.conf" <<EOF
connections {
  mp-link {
    version = 2
    local_addrs = $me
    remote_addrs = $peer
    proposals = aes256-sha256-modp3072
    encap = yes
    dpd_delay = 5s
$(auth_conf "$side" "$other")
    children {
      $CHILD {
        local_ts = $lts
        remote_ts = $rts
        mode = tunnel
        esp_proposals = aes256-sha256
        start_action = $start
        dpd_action = restart
        close_action = none
      }
    }
  }
}
secrets {
$(secrets_conf "$side" "$psk")
}
EOF
  chmod 600 "$d/swanctl.conf"
}

ns_of() { [ "$1" = mrfc ] && echo "$NS_MRFC" || echo "$NS_MRFP"; }

start_charon() {
  local side=$1 d=$DIR/$1 ns i
  ns=$(ns_of "$side")
  mkdir -p "$d/run"
  # ip netns exec gives charon its own mount namespace: /run there is $d/run (its pid file)
  ip netns exec "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" \
    sh -c "mount --bind '$d/run' /run && exec $CHARON" >"$d/charon.out" 2>&1 &
  for ((i = 0; i < 100; i++)); do
    [ -S "$d/charon.vici" ] && [ -s "$d/run/charon.pid" ] && return 0
    sleep 0.1
  done
  log "charon ($side) did not start: $(tail -5 "$d/charon.out" "$d/charon.log" 2>/dev/null)"
  return 1
}

swan() { # swan SIDE COMMAND ARGS...: swanctl against that side's charon
  local side=$1 cmd=$2 ns; shift 2
  ns=$(ns_of "$side")
  ip netns exec "$ns" env STRONGSWAN_CONF="$DIR/$side/strongswan.conf" \
    swanctl "$cmd" --uri "unix://$DIR/$side/charon.vici" "$@" 2> >(grep -v "failed to load" >&2)
}

do_up() {
  local psk side
  [ "$(id -u)" -eq 0 ] || { log "needs root"; return 77; }
  [ -x "$CHARON" ] || { log "no $CHARON (strongswan-charon)"; return 77; }
  if [ -n "$NS_MRFP_EXT" ]; then
    ip netns list | grep -qw "$NS_MRFC" && { log "lab $ID is already up"; return 1; }
    ip netns list | grep -qw "$NS_MRFP" || { log "no namespace $NS_MRFP (IPSEC_LAB_NS_MRFP)"; return 1; }
    mkdir -p "$DIR/mrfc" "$DIR/mrfp" && chmod 700 "$DIR"
    echo "$NS_MRFP" >"$DIR/mrfp-netns"
    ip netns add "$NS_MRFC" || return 1
  else
    ip netns list | grep -qw "$NS_MRFP" && { log "lab $ID is already up"; return 1; }
    mkdir -p "$DIR/mrfc" "$DIR/mrfp" && chmod 700 "$DIR"
    ip netns add "$NS_MRFC" && ip netns add "$NS_MRFP" || return 1
  fi
  ip link add vmrfc netns "$NS_MRFC" type veth peer name vmrfp netns "$NS_MRFP" || return 1
  for side in mrfc mrfp; do
    local ns; ns=$(ns_of $side)
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || true
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "v$side" up
  done
  ip -n "$NS_MRFC" addr add $IKE_MRFC/24 dev vmrfc
  ip -n "$NS_MRFP" addr add $IKE_MRFP/24 dev vmrfp
  ip -n "$NS_MRFC" addr add $MP_MRFC/32 dev lo
  ip -n "$NS_MRFP" addr add $MP_MRFP/32 dev lo
  # Cleartext routes between the Mp addresses, as a real network has them: the SA's route
  # (table 220 via ipsec0) wins while the SA is up; when it goes, an unbound socket would fall
  # back to these and send in clear, a socket bound to ipsec0 cannot.
  ip -n "$NS_MRFC" route add $MP_MRFP/32 via $IKE_MRFP dev vmrfc
  ip -n "$NS_MRFP" route add $MP_MRFC/32 via $IKE_MRFC dev vmrfp
  psk=$(head -c 32 /dev/urandom | base64)
  if [ "$AUTH" = cert ]; then make_certs || { log "cannot make the lab certificates"; return 1; }; fi
  write_strongswan_conf mrfc
  write_strongswan_conf mrfp
  # The MRFC side starts the SA (and re-starts it: dpd_action restart); mrfpd's side waits.
  write_swanctl_conf mrfc $IKE_MRFC $IKE_MRFP $MP_MRFC/32 "$MP_MRFP/32[udp/$MP_PORT]" start "$psk"
  write_swanctl_conf mrfp $IKE_MRFP $IKE_MRFC "$MP_MRFP/32[udp/$MP_PORT]" $MP_MRFC/32 none "$psk"
  start_charon mrfp && start_charon mrfc || return 1
  swan mrfp --load-all --file "$DIR/mrfp/swanctl.conf" >"$DIR/mrfp/load.out" 2>&1 || {
    log "swanctl --load-all (mrfp) failed: $(tail -3 "$DIR/mrfp/load.out")"; return 1; }
  swan mrfc --load-all --file "$DIR/mrfc/swanctl.conf" >"$DIR/mrfc/load.out" 2>&1 || {
    log "swanctl --load-all (mrfc) failed: $(tail -3 "$DIR/mrfc/load.out")"; return 1; }
  sa_up || return 1
  log "lab $ID up ($AUTH): $NS_MRFC ($MP_MRFC) <-ESP-> $NS_MRFP ($MP_MRFP udp/$MP_PORT), dir $DIR"
}

# Initiate the CHILD_SA from the MRFC side (if start_action has not yet) and wait until INSTALLED.
sa_up() {
  local i
  for ((i = 0; i < 50; i++)); do
    swan mrfp --list-sas 2>/dev/null | grep -q "$CHILD: #.*INSTALLED" && return 0
    [ $((i % 10)) = 5 ] && swan mrfc --initiate --child $CHILD --timeout 5 >>"$DIR/mrfc/initiate.out" 2>&1
    sleep 0.2
  done
  log "the CHILD_SA did not come up: $(tail -5 "$DIR/mrfc/charon.log" 2>/dev/null)"
  return 1
}

do_down() {
  local side pid
  for side in mrfc mrfp; do
    pid=$(cat "$DIR/$side/run/charon.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for side in mrfc mrfp; do
    pid=$(cat "$DIR/$side/run/charon.pid" 2>/dev/null)
    [ -n "$pid" ] || continue
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
  done
  ip netns del "$NS_MRFC" 2>/dev/null   # takes vmrfp (its peer) and the routes through it along
  if [ -n "$NS_MRFP_EXT" ]; then        # not ours: only what up added
    ip -n "$NS_MRFP" link del vmrfp 2>/dev/null
    ip -n "$NS_MRFP" addr del $MP_MRFP/32 dev lo 2>/dev/null
  else
    ip netns del "$NS_MRFP" 2>/dev/null
  fi
  [ "${IPSEC_LAB_KEEP:-0}" = 1 ] || rm -rf "$DIR"
  return 0
}

do_status() {
  local side
  for side in mrfc mrfp; do
    echo "--- $side ($(ns_of $side)) ---"
    swan $side --list-sas
  done
}

do_env() {
  cat <<EOF
IPSEC_LAB_DIR=$DIR
IPSEC_NS_MRFC=$NS_MRFC
IPSEC_NS_MRFP=$NS_MRFP
IPSEC_IKE_MRFC=$IKE_MRFC
IPSEC_IKE_MRFP=$IKE_MRFP
IPSEC_MP_MRFC=$MP_MRFC
IPSEC_MP_MRFP=$MP_MRFP
IPSEC_MP_PORT=$MP_PORT
IPSEC_VICI_MRFC=$DIR/mrfc/charon.vici
IPSEC_VICI_MRFP=$DIR/mrfp/charon.vici
IPSEC_CHILD=$CHILD
IPSEC_ID_MRFC=mrfc.mrfp.lab
EOF
}

case ${1:-} in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  env) do_env ;;
  sa-up) sa_up ;;
  swan) shift 2; swan "$@" ;;
  *) echo "usage: $0 up|down|status|env|sa-up [ID]   |   $0 swan ID mrfc|mrfp SWANCTL-ARGS..." >&2; exit 1 ;;
esac
