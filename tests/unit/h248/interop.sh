#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Interop of the H.248 encoder: every message h248_samples writes must be decoded by
# Erlang/OTP megaco (the independent MGC) and by tshark's MEGACO dissector
# without a malformed-packet mark. A missing erl or tshark/text2pcap: skip (77), or a failure
# with CI=true.
#   interop.sh H248_SAMPLES OTP_DECODE_ERL
set -eu
samples=$1
erl_src=$2
. "$(dirname "$0")/../../common/missing.sh"
for tool in erl erlc tshark text2pcap od; do
  command -v "$tool" >/dev/null 2>&1 || { echo "interop: missing $tool"; exit "$(missing_status)"; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/msg"
"$samples" "$dir/msg"

# Erlang/OTP megaco: pretty and compact decoders
erlc -o "$dir" "$erl_src"
erl -noshell -pa "$dir" -run otp_decode main "$dir/msg"

# tshark: one UDP datagram to port 2944 per message; each frame must be MEGACO, unmarked
n=0
for f in "$dir"/msg/*.txt; do
  od -Ax -tx1 -v "$f" >>"$dir/all.hex"
  n=$((n + 1))
done
text2pcap -q -u 2944,2944 "$dir/all.hex" "$dir/all.pcap"
tshark -r "$dir/all.pcap" -T fields -e frame.number -e frame.protocols -e _ws.malformed \
  -e _ws.expert.severity 2>/dev/null >"$dir/frames"
bad=$(awk -F'\t' '$2 !~ /:megaco/ || $3 != "" || $4 != "" { print }' "$dir/frames")
frames=$(wc -l <"$dir/frames")
echo "tshark: $frames of $n frames read"
if [ "$frames" -ne "$n" ] || [ -n "$bad" ]; then
  echo "tshark could not decode:"
  echo "$bad"
  exit 1
fi
echo "tshark: all $n decoded as MEGACO, none malformed"
