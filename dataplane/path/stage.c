/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SRTP in bursts. During one RX burst the packet path only stages its SRTP work: received
 * RTP waiting for unprotect, and output waiting for protect. Each stage then goes to the
 * engine in one call, which lets the cryptodev engine run a whole burst through
 * intel-ipsec-mb's multi-buffer lanes (libsrtp2 simply takes them one by one, in order).
 *
 * Ordering: a stage is flushed in arrival order, and the RX stage before anything that reads
 * what it produces (ticks, commands); legs cannot go away while a stage holds them because
 * commands are applied only between bursts, after both stages are empty.
 */
#include "dp_priv.h"

void
mrfp_stage_unprotect(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m,
		     const struct mrfp_addr *src)
{
	struct dp_rx_stage *st = &w->rxs;
	if (unlikely(st->n == DP_BURST))
		mrfp_stage_rx_flush(w);
	st->m[st->n] = m;
	st->leg[st->n] = leg;
	st->s[st->n] = leg->rx;
	st->src[st->n] = *src;
	st->wire_len[st->n] = rte_pktmbuf_data_len(m);
	st->n++;
}

void
mrfp_stage_rx_flush(struct dp_worker *w)
{
	struct dp_rx_stage *st = &w->rxs;
	enum mrfp_drop d[DP_BURST];
	uint16_t n = st->n;
	if (n == 0)
		return;
	mrfp_srtp_unprotect_burst(st->s, st->m, d, n);
	st->n = 0; /* forwarding below fills the TX stage, never this one */
	for (uint16_t i = 0; i < n; i++)
		mrfp_rtp_unprotected(w, st->leg[i], st->m[i], &st->src[i], st->wire_len[i], d[i]);
}

void
mrfp_stage_protect(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m,
		   struct mrfp_srtp_session *key)
{
	struct dp_tx_stage *st = &w->txs;
	if (unlikely(st->n == DP_BURST))
		mrfp_stage_tx_flush(w);
	st->m[st->n] = m;
	st->leg[st->n] = dst;
	st->s[st->n] = key;
	st->n++;
}

void
mrfp_stage_tx_flush(struct dp_worker *w)
{
	struct dp_tx_stage *st = &w->txs;
	struct rte_mbuf *m[DP_BURST];
	struct dp_leg *leg[DP_BURST];
	enum mrfp_drop d[DP_BURST];
	uint16_t n = st->n;
	if (n == 0)
		return;
	/* copy out first: sending may flush the NIC queue, which flushes this stage again */
	memcpy(m, st->m, n * sizeof(m[0]));
	memcpy(leg, st->leg, n * sizeof(leg[0]));
	mrfp_srtp_protect_burst(st->s, m, d, n);
	st->n = 0;
	for (uint16_t i = 0; i < n; i++)
		mrfp_switch_sent(w, leg[i], m[i], d[i]);
}
