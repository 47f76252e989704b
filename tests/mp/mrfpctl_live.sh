#!/usr/bin/env bash
# mrfpctl against a running mrfpd (net_null port, Mp on loopback): registration answered by
# `mrfpctl listen`, leg add (JSON), rekey, audit, remove with statistics, and the exit code
# of an H.248 error. Usage: mrfpctl_live.sh MRFPD MRFPCTL. Needs root (DPDK).
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
check "mrfpd logged no key" '! grep -q -e "$k1" -e "$k2" -e "$key" "/tmp/$prefix.log"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
