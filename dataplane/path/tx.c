/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transmit stage of a worker. Output waiting for SRTP protect is staged during a burst
 * and protected in one engine call (the burst engine fills intel-ipsec-mb's lanes; libsrtp2
 * takes them one by one, in order); protected packets get their leg's headers and join the
 * frames bound for the NIC queue, which leave in bursts. It depends on nothing else of the
 * worker loop: every producer (switch, select, mix, RTCP, neighbours) calls into it.
 *
 * Ordering: staged packets are protected and queued in arrival order; legs cannot go away
 * while the stage holds them, because commands are applied only between bursts, after a
 * flush.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_memcpy.h>

#include "dp_priv.h"
#include "tx.h"

static void
nic_flush(struct dp_worker *w)
{
	uint16_t sent = 0;
	if (w->n_tx == 0)
		return;
	sent = rte_eth_tx_burst(w->port, w->queue, w->tx, w->n_tx);
	ctr_add(&w->ctr.tx_pkts, sent);
	for (uint16_t i = sent; i < w->n_tx; i++)
		worker_drop(w, w->tx[i], MRFP_DROP_TX_FULL);
	w->n_tx = 0;
}

void
tx_frame(struct dp_worker *w, struct rte_mbuf *m)
{
	if (unlikely(w->n_tx == DP_TXBUF))
		nic_flush(w);
	w->tx[w->n_tx++] = m;
}

/* m was protected for dst (data length includes the tag) or failed with d. */
static void
sent(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m, enum mrfp_drop d)
{
	if (unlikely(d != MRFP_DROP_NONE)) {
		leg_drop(w, dst, m, d);
		return;
	}
	uint16_t len = rte_pktmbuf_data_len(m);
	txhdr_push(m, &dst->hdr);
	ctr_add(&dst->ctr.tx_pkts, 1);
	ctr_add(&dst->ctr.tx_bytes, len);
	tx_frame(w, m);
}

static void
protect_flush(struct dp_worker *w)
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
	uint16_t ok = 0;
	mrfp_srtp_protect_burst(st->s, m, d, n);
	st->n = 0;
	for (uint16_t i = 0; i < n; i++) {
		ok += d[i] == MRFP_DROP_NONE;
		sent(w, leg[i], m[i], d[i]);
	}
	ctr_add(&w->ctr.protects, ok); /* one store per burst, not one per packet */
}
void
tx_protect(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m,
	   struct mrfp_srtp_session *key)
{
	struct dp_tx_stage *st = &w->txs;
	if (unlikely(st->n == DP_BURST))
		protect_flush(w);
	st->m[st->n] = m;
	st->leg[st->n] = dst;
	st->s[st->n] = key;
	st->n++;
}

/* Everything produced so far leaves: staged protects first, then the NIC queue. */
void
tx_flush(struct dp_worker *w)
{
	protect_flush(w);
	nic_flush(w);
}

struct rte_mbuf *
tx_copy(struct dp_worker *w, const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(w->pool);
	if (unlikely(c == NULL))
		return NULL;
	uint16_t len = rte_pktmbuf_data_len(m);
	rte_memcpy(rte_pktmbuf_append(c, len), rte_pktmbuf_mtod(m, void *), len);
	return c;
}
