/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the packet ingress path, raw frame to drop reason, in one process.
 *
 * LLVMFuzzerInitialize brings up EAL (--no-huge --in-memory), a net_ring port and the
 * dataplane without launching workers: the fuzzing thread is the worker (worker_poll),
 * as in bench/bench_switch.c. Conferences in every media and key mode hold legs with SRTP
 * keys known to this file (ingress_legs.c), so that a valid-looking packet reaches unprotect
 * and, protected here with the participant's key, gets past it into switch, mix and RTCP.
 *
 * Input: byte 0 = mode (bits 0-1) | leg (bits 2-4) | RTCP port (bit 5); the rest is
 *   mode 0: a whole Ethernet frame, as is;
 *   mode 1: a UDP payload, sent from the leg's participant to the leg's port;
 *   mode 2: an RTP packet, SRTP-protected with the leg's participant key, then as mode 1;
 *   mode 3: an RTCP compound, SRTCP-protected likewise, to the leg's RTCP port.
 * FUZZ_INGRESS_ENGINE=libsrtp|burst picks the SRTP engine (default: burst where
 * intel-ipsec-mb runs); FUZZ_INGRESS_STATS=1 prints where the frames went at exit.
 * Properties: no crash or sanitizer report; the parser never reads past the frame (checked
 * on an exact-size heap copy, which ASan guards, unlike mbufs); every frame is accounted for
 * (a named drop, an accepted RTP/RTCP packet or an ARP/ICMP/ND answer); no mbuf is leaked.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "ingress.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ingress in;

/* FUZZ_INGRESS_STATS=1: where the frames went, to check that seeds reach SRTP and beyond. */
static void
print_stats(void)
{
	struct dp_worker *w = in.dp->w[0];
	struct mrfp_leg_counters c;
	fprintf(stderr,
		"fuzz_ingress: engine %s rx %" PRIu64 " tx %" PRIu64 " arp %" PRIu64
		" icmp %" PRIu64 " nd %" PRIu64 "\n",
		mrfp_srtp_engine_name(mrfp_srtp_get_engine()), w->ctr.rx_pkts, w->ctr.tx_pkts,
		w->ctr.arp_replies, w->ctr.icmp_replies, w->ctr.nd_replies);
	for (unsigned int r = 1; r < MRFP_DROP_COUNT; r++)
		if (w->ctr.drops[r] != 0)
			fprintf(stderr, "  drop.%s=%" PRIu64 "\n", mrfp_drop_name(r),
				w->ctr.drops[r]);
	for (unsigned int i = 0; i < INGRESS_LEGS; i++)
		if (mrfp_dp_leg_counters(in.dp, 100 + i, &c) == 0)
			fprintf(stderr,
				"  leg %u: rx %" PRIu64 " rtcp_rx %" PRIu64 " tx %" PRIu64 "\n", i,
				c.rx_pkts, c.rtcp_rx, c.tx_pkts);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ingress_init(&in) != 0)
		abort();
	if (getenv("FUZZ_INGRESS_STATS") != NULL)
		atexit(print_stats);
	return 0;
}

/* Frames answered, accepted or dropped so far, on every counter a frame can land on. */
static uint64_t
accounted(void)
{
	struct dp_worker *w = in.dp->w[0];
	uint64_t n = w->ctr.arp_replies + w->ctr.icmp_replies + w->ctr.nd_replies;
	for (unsigned int r = 0; r < MRFP_DROP_COUNT; r++)
		n += w->ctr.drops[r];
	return n + ingress_legs_accepted(&in);
}

/* Pure parser on an exact-size copy: an overread is an ASan report, not a silent peek. */
static void
parse_copy(const uint8_t *frame, size_t len)
{
	struct pkt_info pi;
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, frame, len);
	parse_frame(copy, (uint32_t)len, &in.dp->w[0]->pctx, &pi);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[INGRESS_MAX_FRAME];
	if (size < 1 || size > INGRESS_MAX_INPUT)
		return 0;
	int len = ingress_build(&in, data[0], data + 1, size - 1, frame);
	if (len < 0)
		return 0;
	parse_copy(frame, (size_t)len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(in.pool);
	char *p = m ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;
	if (p == NULL)
		abort();
	memcpy(p, frame, (size_t)len);
	uint64_t before = accounted();
	if (rte_ring_enqueue(in.rx, m) != 0)
		abort();
	while (rte_ring_count(in.rx) > 0)
		worker_poll(in.dp->w[0]);
	ingress_drain(&in);
	if (accounted() == before)
		__builtin_trap(); /* a frame vanished without a reason */
	if (rte_mempool_avail_count(in.pool) != in.pool_free)
		__builtin_trap(); /* an mbuf was neither sent nor freed */
	return 0;
}
