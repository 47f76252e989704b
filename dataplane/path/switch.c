/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `switch` media mode: each authenticated packet from a leg is
 * re-encrypted for every other receiving leg of its conference with that leg's own key.
 *
 * Output streams are deliberate, not inherited: what a source sends leaves mrfpd under the
 * source's conference-unique output SSRC, with sequence numbers and timestamps that stay
 * continuous when the participant restarts its stream. Two participants that picked the same
 * SSRC therefore never make one receiver key protect two streams under one SSRC (RFC 3711
 * 9.1, the two-time pad).
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_memcpy.h>
#include <rte_random.h>

#include "dp_priv.h"
#include "switch.h"
#include "select.h"
#include "tx.h"
#include "wire.h"

static bool
leg_receives(const struct dp_leg *leg) /* does mrfpd send to this leg? */
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_SENDONLY;
}

/* A new input SSRC starts a talkspurt on the same output stream: keep seq/ts continuous. */
static void
src_restart(struct dp_leg *leg, const struct rtp_hdr *rtp, uint64_t now)
{
	struct src_state *s = &leg->src;
	uint16_t in_seq = rte_be_to_cpu_16(rtp->seq);
	uint32_t in_ts = rte_be_to_cpu_32(rtp->ts);
	if (!s->active) {
		/* RFC 3550 5.1: random initial sequence number and timestamp; the sequence number
		 * below 2^15 so that late receivers guess the ROC right (see out_stream_init). */
		uint64_t r = rte_rand();
		s->seq_delta = (uint16_t)((r & 0x7fff) - in_seq);
		s->ts_delta = (uint32_t)(r >> 32);
	} else {
		uint64_t ticks = (now - s->last_tsc) * leg->clock_rate / rte_get_tsc_hz();
		s->seq_delta = (uint16_t)(s->last_out_seq + 1 - in_seq);
		s->ts_delta = s->last_out_ts + (uint32_t)(ticks ? ticks : 1) - in_ts;
	}
	s->active = true;
	s->in_ssrc = rtp->ssrc;
}

static void
src_rewrite(struct dp_leg *leg, struct rtp_hdr *rtp)
{
	struct src_state *s = &leg->src;
	uint64_t now = rte_get_tsc_cycles();
	if (!s->active || rtp->ssrc != s->in_ssrc) {
		src_restart(leg, rtp, now);
		rtp->mpt |= 0x80; /* marker: start of a talkspurt */
	}
	s->packets++;
	s->last_out_seq = (uint16_t)(rte_be_to_cpu_16(rtp->seq) + s->seq_delta);
	s->last_out_ts = rte_be_to_cpu_32(rtp->ts) + s->ts_delta;
	s->last_tsc = now;
	rtp->seq = rte_cpu_to_be_16(s->last_out_seq);
	rtp->ts = rte_cpu_to_be_32(s->last_out_ts);
	rtp->ssrc = leg->out_ssrc;
}

/* Protect m (data = plaintext RTP) for dst, add dst's headers, queue it. Consumes m. The
 * protect itself waits in the TX stage for the rest of the burst. */
void
switch_send(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m)
{
	tx_protect(w, dst, m, dst->tx);
}

void
switch_forward(struct dp_worker *w, struct dp_leg *src, struct rte_mbuf *m)
{
	struct dp_conf *conf = src->conf;
	struct dp_leg *last = NULL;
	if (conf->sel.mode != MRFP_SELECT_ALL) {
		select_forward(w, src, m);
		return;
	}
	src_rewrite(src, rte_pktmbuf_mtod(m, struct rtp_hdr *));
	src->src.octets += rte_pktmbuf_data_len(m);
	for (unsigned int i = 0; i < conf->n_legs; i++) {
		struct dp_leg *r = conf->legs[i];
		if (r == src || !leg_receives(r))
			continue;
		if (unlikely(!r->hdr_ready)) {
			/* Ask again for the next hop (rate-limited) and count the loss on r. */
			leg_set_remote(w, r, &r->remote_rtp);
			ctr_add(&r->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
			ctr_add(&w->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
			continue;
		}
		if (last != NULL) {
			struct rte_mbuf *c = tx_copy(w, m);
			if (unlikely(c == NULL)) {
				ctr_add(&last->ctr.drops[MRFP_DROP_NO_MBUF], 1);
				ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
			} else {
				switch_send(w, last, c);
			}
		}
		last = r;
	}
	if (last == NULL) {
		leg_drop(w, src, m, MRFP_DROP_NO_LISTENER);
		return;
	}
	switch_send(w, last, m); /* the original buffer goes to the last receiver */
}
