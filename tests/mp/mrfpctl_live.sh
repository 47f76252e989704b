#!/usr/bin/env bash
# mrfpctl against a running mrfpd (net_null port, Mp on loopback): registration answered by
# `mrfpctl listen`, leg add (JSON), rekey, audit, remove with statistics, and the exit code
# of an H.248 error; then key sets with MKI, a chosen port, and `mrfpctl rekey` of a group
# conference's key (a newcomer then gets the new key only) and of a leg's Local key (its send
# key count from telemetry, /mrfp/leg,ID tx_keys, one once retired; the group key set is the
# conference's and has no per-leg count). Last, since mrfpd exits: `mrfpctl drain --delay 1`
# with calls up: a new leg is refused with 503, mrfpd sends ServiceChange Forced once the delay
# is over (answered by `mrfpctl listen`) and exits 0 within a few seconds.
# Usage: mrfpctl_live.sh MRFPD MRFPCTL. Needs root (DPDK).
set -uo pipefail
mrfpd=$1 ctl=$2
[ "$(id -u)" -eq 0 ] || { echo "mrfpctl_live: needs root"; exit 77; }
port=$((31000 + $$ % 2000)) mg=$((33000 + $$ % 2000)) prefix="mrfp-ctl-$$"
pass=0 fail=0
check() { if eval "$2"; then echo "ok   $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi; }
"$mrfpd" --no-huge -m 512 --no-pci --file-prefix "$prefix" --vdev net_null0 -l 0-1 -- \
  --media-ip 10.0.0.1/24 --mp-port "$mg" --mgc "127.0.0.1:$port" --insecure-lab yes >"/tmp/$prefix.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "/var/run/dpdk/$prefix" "/tmp/$prefix.log"' EXIT
c=("$ctl" --mp "127.0.0.1:$mg" --local "127.0.0.1:$port")
sc=$(timeout 40 "${c[@]}" listen --count 1 --for 30)
check "mrfpd registers: ServiceChange Restart 901" '[[ "$sc" == *Restart*901* ]]'
key=$(openssl rand -base64 30)
add=$("${c[@]}" --json leg add --conf new --remote 10.0.0.2:5000 --remote-key "$key" --keys bilateral)
check "leg add exit 0 with ctx, term and mrfpd's key" '[[ $? -eq 0 && "$add" == *'"'"'"ctx":'"'"'* && "$add" == *'"'"'"term":"rtp/'"'"'* && "$add" == *'"'"'"key":'"'"'* ]]'
ctx=$(sed -n 's/.*"ctx":\([0-9]*\).*/\1/p' <<<"$add")
term=$(sed -n 's/.*"term":"\(rtp\/[0-9]*\)".*/\1/p' <<<"$add")
k1=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<<"$add")
check "the participant's key is not echoed" '[[ "$add" != *"$key"* ]]'
mod=$("${c[@]}" --json leg modify --conf "$ctx" --term "$term" --local-key '$')
k2=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<<"$mod")
check "rekey returns a new Local key" '[[ -n "$k2" && "$k2" != "$k1" ]]'
aud=$("${c[@]}" audit --conf "$ctx" --term "$term")
check "audit shows mode and statistics" '[[ "$aud" == *"mode sendrecv"* && "$aud" == *"nt/dur"* ]]'
rem=$("${c[@]}" --json leg remove --conf "$ctx" --term "$term")
check "remove returns statistics" '[[ "$rem" == *'"'"'"rtp/ps":'"'"'* && "$rem" == *'"'"'"nt/os":'"'"'* ]]'
"${c[@]}" leg remove --conf "$ctx" --term "$term" 2>/dev/null
rc=$?
check "an H.248 error exits 2" '[[ $rc -eq 2 ]]'

# telemetry: "rx tx" key counts of leg rtp/N
pylib="$(cd "$(dirname "$0")/../pylib" && pwd)"
keys_of() {
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from mrfptest import telemetry
d = telemetry.leg(sys.argv[2], int(sys.argv[3])); print(d["rx_keys"], d["tx_keys"])' \
    "$pylib" "$prefix" "${1#rtp/}" 2>/dev/null
}
# the most send keys leg rtp/N held while process PID runs (polled every 20 ms, 10 s at most):
# the whole of a rekey, however late a loaded host starts it
tx_max() {
  python3 -c 'import os, sys, time; sys.path.insert(0, sys.argv[1]); from mrfptest import telemetry
end, m = time.time() + 10, 0
while time.time() < end and os.path.exists("/proc/%s" % sys.argv[4]):
    m = max(m, telemetry.leg(sys.argv[2], int(sys.argv[3]))["tx_keys"]); time.sleep(0.02)
print(m)' "$pylib" "$prefix" "${1#rtp/}" "$2" 2>/dev/null
}
field() { sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' <<<"$2"; }
# a group conference whose group key mrfpd chooses, with the MKI asked for
g=$(openssl rand -base64 30 | "${c[@]}" --json leg add --conf new --keys group --remote 10.0.0.3:5000 \
  --remote-key - --local-key '$|2^20|1:1')
check "group conference: mrfpd's key keeps the MKI asked for" '[[ $? -eq 0 && "$g" == *'"'"'"mki":1,"mki_len":1,"key":'"'"'* ]]'
gctx=$(sed -n 's/.*"ctx":\([0-9]*\).*/\1/p' <<<"$g") gterm=$(field term "$g") g1=$(field key "$g")
gport=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' <<<"$g")
want=$((gport + 10))
l=$(openssl rand -base64 30 | "${c[@]}" --json leg add --conf "$gctx" --remote 10.0.0.4:5000 \
  --remote-key - --mode sendonly --port "$want")
check "a listener on the port asked for (--port $want)" '[[ $? -eq 0 && "$l" == *'"'"'"port":'"$want"','"'"'* ]]'
lterm=$(field term "$l")
printf '%s|2^20|1:1\n' "$g1" | "${c[@]}" --json rekey group --conf "$gctx" --term "$gterm" \
  --drain-ms 300 >"/tmp/$prefix.rekey" 2>&1 &
wait $!
rc=$? rek=$(cat "/tmp/$prefix.rekey")
check "rekey group: install, switch, retire (exit $rc)" '[[ $rc -eq 0 && "$rek" == *'"'"'"steps":["install","switch","retire"]'"'"'* ]]'
check "rekey group: the new key printed with the next MKI" '[[ "$rek" == *'"'"'"mki":2,"mki_len":1,"key":'"'"'* && "$rek" != *"$g1"* ]]'
g2=$(field key "${rek#*new_key}")
n=$(openssl rand -base64 30 | "${c[@]}" --json leg add --conf "$gctx" --remote 10.0.0.5:5000 --remote-key - --mode sendonly)
check "a newcomer gets the new group key only" '[[ -n "$g2" && "$n" == *"$g2"* && "$n" != *"$g1"* ]]'
# a bilateral leg's Local key: mrfpd's first (MKI 1), the next generated here
b=$(openssl rand -base64 30 | "${c[@]}" --json leg add --conf new --keys bilateral --remote 10.0.0.6:5000 \
  --remote-key - --local-key '$|1:1')
bctx=$(sed -n 's/.*"ctx":\([0-9]*\).*/\1/p' <<<"$b") bterm=$(field term "$b") b1=$(field key "$b")
printf '%s|1:1\n' "$b1" | "${c[@]}" --json rekey local --conf "$bctx" --term "$bterm" \
  --handout-ms 1500 --drain-ms 300 >"/tmp/$prefix.rekey" 2>&1 &
rk=$!
during=$(tx_max "$bterm" "$rk")
wait "$rk"
rc=$? rek=$(cat "/tmp/$prefix.rekey")
after=$(keys_of "$bterm")
check "rekey local: exit 0, one send key after the retirement ($after)" '[[ $rc -eq 0 && "${after#* }" == 1 ]]'
check "rekey local: mrfpd holds the old and the new key between install and switch ($during)" \
  '[[ "$during" == 2 ]]'
printf '%s|1:1\n' "$b1" | "${c[@]}" rekey local --conf "$bctx" --term rtp/99999 --drain-ms 0 \
  >/dev/null 2>"/tmp/$prefix.rekey"
rc=$? rek=$(cat "/tmp/$prefix.rekey")
check "rekey refused: exit 2, the step named, nothing applied" \
  '[[ $rc -eq 2 && "$rek" == *"step 1 (install)"*"nothing was applied"* ]]'
rm -f "/tmp/$prefix.rekey"

# drain, last (mrfpd exits): the MGC's ServiceChange Graceful on ROOT, Delay 1 s
t0=$(date +%s%N)
dr=$("${c[@]}" drain --delay 1)
rc=$?
check "drain --delay 1: exit 0, mrfpd's reply printed" \
  '[[ $rc -eq 0 && "$dr" == *"term ROOT"* && "$dr" == *"drain Graceful delay 1"* ]]'
openssl rand -base64 30 | "${c[@]}" leg add --conf new --remote 10.0.0.9:5000 --remote-key - \
  >/dev/null 2>"/tmp/$prefix.drain"
rc=$? dra=$(cat "/tmp/$prefix.drain")
check "a new leg while draining: exit 2, error 503" '[[ $rc -eq 2 && "$dra" == *"error 503"* ]]'
rm -f "/tmp/$prefix.drain"
forced=$(timeout 10 "${c[@]}" listen --count 1 --for 6)
check "then ServiceChange Forced on ROOT (calls still up, the delay over)" \
  '[[ "$forced" == *ServiceChange*ROOT*Forced* ]]'
for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid" 2>/dev/null
rc=$? secs=$((($(date +%s%N) - t0) / 1000000))
check "and mrfpd exits 0 (status $rc, ${secs} ms after the drain)" '[[ $rc -eq 0 && $secs -lt 6000 ]]'
check "mrfpd logged no key" '! grep -q -e "$k1" -e "$k2" -e "$key" -e "$g1" -e "$b1" "/tmp/$prefix.log"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
