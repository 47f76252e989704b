#!/usr/bin/env bash
# Dataplane discipline (STYLE.md rule 1): the packet-path files never allocate from the heap,
# log, print, block or make system calls. Start-up/control-side files (port.c, dp.c,
# dp_legs.c, srtp.c's dispatch, srtp_lib.c's and srtp_cdev.c's session create/free,
# srtp_kdf.c, log.c) are exempt. Exits 1 with the offending lines.
set -euo pipefail
cd "$(dirname "$0")/.."
packet_path=(dataplane/worker.c dataplane/switch.c dataplane/neigh.c dataplane/legtab.c
             dataplane/parse.c dataplane/txhdr.c dataplane/mix.c dataplane/ssrc.c
             dataplane/rtcp_io.c dataplane/rtcp.c dataplane/codec.c dataplane/mixer.c
             dataplane/speakers.c dataplane/jbuf.c dataplane/stage.c
             dataplane/srtp_cdev_pkt.c dataplane/srtp_window.h dataplane/handoff.c)
pattern='\b(malloc|calloc|realloc|free|rte_malloc|rte_zmalloc|rte_free|printf|fprintf|puts|syslog|rte_log|RTE_LOG|DP_LOG|pthread_mutex_lock|usleep|sleep|nanosleep|rte_delay_us_sleep|srtp_create|srtp_dealloc|fopen|open|read|write|poll)\s*\('
if grep -n -E "$pattern" "${packet_path[@]}"; then
  echo "lint-dataplane: calls above do not belong on the packet path" >&2
  exit 1
fi
echo "lint-dataplane: packet path clean (${#packet_path[@]} files)"
