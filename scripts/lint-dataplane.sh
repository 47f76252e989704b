#!/usr/bin/env bash
# Dataplane discipline: what a worker runs never allocates from the heap, logs, prints, blocks
# or makes system calls. Checked by folder: all of dataplane/path/ (the packet path) and
# dataplane/media/ (the DSP it calls), and the burst engine's per-packet half with the replay
# windows. The control-side folders (ctl/, common/) and session set-up in srtp/ are exempt.
# Exits 1 with the offending lines.
set -euo pipefail
cd "$(dirname "$0")/.."
packet_path=(dataplane/path/*.[ch] dataplane/media/*.[ch] dataplane/srtp/burst_pkt.c
             dataplane/srtp/srtp_window.h)
pattern='\b(malloc|calloc|realloc|free|rte_malloc|rte_zmalloc|rte_free|printf|fprintf|puts|syslog|rte_log|RTE_LOG|DP_LOG|pthread_mutex_lock|usleep|sleep|nanosleep|rte_delay_us_sleep|srtp_create|srtp_dealloc|fopen|open|read|write|poll)\s*\('
if grep -n -E "$pattern" "${packet_path[@]}"; then
  echo "lint-dataplane: calls above do not belong on the packet path" >&2
  exit 1
fi
echo "lint-dataplane: packet path clean (${#packet_path[@]} files)"
