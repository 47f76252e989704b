/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_COUNTERS_H
#define MRFP_COUNTERS_H

#include <stdint.h>

#include "mrfp_drop.h"

/*
 * Counters are single-writer (the owning worker, relaxed stores) and read without locks by
 * control and telemetry (relaxed loads): a reader may see a packet counted in rx before it
 * shows up in tx, never a torn value on 64-bit hosts. One ordering is kept: rtcp_rx counts a
 * report after its peer_* statistics are stored (release), so a snapshot that sees the count
 * sees them.
 */
struct mrfp_leg_counters {
	uint64_t rx_pkts;  /* RTP accepted (authenticated) from the leg */
	uint64_t rx_bytes; /* their SRTP bytes */
	uint64_t rtcp_rx;  /* SRTCP accepted from the leg */
	uint64_t tx_pkts;  /* RTP sent to the leg */
	uint64_t tx_bytes;
	uint64_t relatched; /* remote address changed by latching */
	uint64_t concealed; /* mix: ticks where the leg's audio was concealed (PLC) */
	uint64_t rtcp_tx;   /* SRTCP compound packets sent to the leg */
	/* RTCP statistics (gauges, last value): what mrfpd measures of the leg's stream ... */
	uint64_t rx_lost;      /* cumulative packets lost (RFC 3550 A.3) */
	uint64_t rx_jitter_us; /* interarrival jitter (A.8) */
	/* ... and what the participant reports of mrfpd's stream to it */
	uint64_t peer_fraction_lost; /* 1/256 units, from its last report block */
	uint64_t peer_lost;
	uint64_t peer_jitter_us;
	uint64_t rtt_us;   /* round-trip time from LSR/DLSR (RFC 3550 6.4.1), 0 = unknown */
	uint64_t personal; /* mix: ticks where the leg got its personal N-1 stream */
	uint64_t drops[MRFP_DROP_COUNT];
};

struct mrfp_worker_counters {
	uint64_t rx_pkts; /* frames received on the worker's queue */
	uint64_t tx_pkts; /* frames sent */
	uint64_t arp_replies;
	uint64_t icmp_replies;
	uint64_t nd_replies;
	uint64_t neigh_requests; /* ARP requests / neighbour solicitations sent */
	uint64_t commands;	 /* control commands applied */
	uint64_t mix_ticks;	 /* conference mixing ticks run */
	uint64_t tick_overruns;	 /* ticks started more than one period late */
	uint64_t group_protects; /* common-stream packets protected once for many listeners */
	uint64_t events_lost;	 /* events dropped: control's event ring was full */
	uint64_t handoff_tx;	 /* frames for another worker's port handed to it */
	uint64_t handoff_rx;	 /* frames other workers handed to this one */
	uint64_t mail_lost;	 /* neighbour news not passed on: a peer's mail ring was full */
	/* the poll-mode load: TSC cycles of loop iterations that received frames, and of those
	 * that found nothing; their sum only grows while the loop runs (liveness) */
	uint64_t busy_cycles;
	uint64_t idle_cycles;
	uint64_t drops[MRFP_DROP_COUNT]; /* includes drops also counted on a leg */
	/* RTP packets that SRTP accepted or protected, added once per burst: unprotects every
	 * authenticated packet (before the SSRC rules, which may still drop it), protects every
	 * packet the TX stage protected with a leg's own key; a group-keyed packet protected once
	 * for many listeners is in group_protects instead. SRTCP is not counted here. */
	uint64_t unprotects;
	uint64_t protects;
};

#endif
