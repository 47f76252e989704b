/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media input and the `switch` media mode: each authenticated packet from a leg is
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
#include "jbuf.h"

#define RTP_HDR_LEN 12
#define RTCP_HDR_LEN 8
/* IPv6 + UDP headers, plus room for a longer tag on output than on input (_32 -> _80/GCM). */
#define MAX_L3L4_OVERHEAD (40 + 8 + 16)

struct rtp_hdr {
	uint8_t vpxcc;
	uint8_t mpt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
} __rte_packed;

static bool
leg_receives(const struct dp_leg *leg) /* does mrfpd send to this leg? */
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_SENDONLY;
}

static bool
leg_sends(const struct dp_leg *leg) /* does mrfpd take media from this leg? */
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_RECVONLY;
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
mrfp_switch_send(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m)
{
	mrfp_stage_protect(w, dst, m, dst->tx);
}

/* m was protected for dst (data length includes the tag) or failed with d. */
void
mrfp_switch_sent(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m, enum mrfp_drop d)
{
	if (unlikely(d != MRFP_DROP_NONE)) {
		leg_drop(w, dst, m, d);
		return;
	}
	uint16_t len = rte_pktmbuf_data_len(m);
	mrfp_txhdr_push(m, &dst->hdr);
	ctr_add(&dst->ctr.tx_pkts, 1);
	ctr_add(&dst->ctr.tx_bytes, len);
	mrfp_worker_tx(w, m);
}

struct rte_mbuf *
mrfp_copy_mbuf(struct dp_worker *w, const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(w->pool);
	if (unlikely(c == NULL))
		return NULL;
	uint16_t len = rte_pktmbuf_data_len(m);
	rte_memcpy(rte_pktmbuf_append(c, len), rte_pktmbuf_mtod(m, void *), len);
	return c;
}

/* m's data is the plaintext RTP packet of src. */
static void
switch_forward(struct dp_worker *w, struct dp_leg *src, struct rte_mbuf *m)
{
	struct dp_conf *conf = src->conf;
	struct dp_leg *last = NULL;
	if (conf->sel.mode != MRFP_SELECT_ALL) {
		mrfp_select_forward(w, src, m);
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
			mrfp_leg_set_remote(w, r, &r->remote_rtp);
			ctr_add(&r->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
			ctr_add(&w->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
			continue;
		}
		if (last != NULL) {
			struct rte_mbuf *c = mrfp_copy_mbuf(w, m);
			if (unlikely(c == NULL)) {
				ctr_add(&last->ctr.drops[MRFP_DROP_NO_MBUF], 1);
				ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
			} else {
				mrfp_switch_send(w, last, c);
			}
		}
		last = r;
	}
	if (last == NULL) {
		leg_drop(w, src, m, MRFP_DROP_NO_LISTENER);
		return;
	}
	mrfp_switch_send(w, last, m); /* the original buffer goes to the last receiver */
}

static void
latch_source(struct dp_worker *w, struct dp_leg *leg, const struct mrfp_addr *src, bool rtcp)
{
	if (leg->p.latch != MRFP_LATCH_ON)
		return;
	if (rtcp) {
		leg->remote_rtcp = *src;
		return;
	}
	if (mrfp_addr_equal(&leg->remote_rtp, src))
		return;
	ctr_add(&leg->ctr.relatched, 1);
	mrfp_leg_set_remote(w, leg, src);
}

/* Strict latching: only the configured remote address may send. */
static bool
source_allowed(const struct dp_leg *leg, const struct mrfp_addr *src, bool rtcp)
{
	if (leg->p.latch != MRFP_LATCH_STRICT)
		return true;
	struct mrfp_addr expect = leg->p.remote;
	if (rtcp && !leg->rtcp_mux)
		expect.port = rte_cpu_to_be_16(rte_be_to_cpu_16(expect.port) + 1);
	return mrfp_addr_equal(&expect, src);
}

static void
rtcp_input(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m, const struct mrfp_addr *src)
{
	int len = rte_pktmbuf_data_len(m);
	if (len < RTCP_HDR_LEN + 4 + 10) { /* header + SRTCP index + shortest tag */
		leg_drop(w, leg, m, MRFP_DROP_TRUNCATED);
		return;
	}
	enum mrfp_drop d = mrfp_srtp_unprotect_rtcp(leg->rx, rte_pktmbuf_mtod(m, void *), &len);
	if (d != MRFP_DROP_NONE) {
		leg_drop(w, leg, m, d);
		return;
	}
	latch_source(w, leg, src, true);
	/* Reports end here (RFC 3550 7.3 translators may forward them; mrfpd reports itself). */
	mrfp_rtcp_input(w, leg, rte_pktmbuf_mtod(m, const uint8_t *), len);
	/* counted once its statistics are on the leg: pairs with counters_snapshot's acquire */
	__atomic_store_n(&leg->ctr.rtcp_rx, leg->ctr.rtcp_rx + 1, __ATOMIC_RELEASE);
	rte_pktmbuf_free(m);
}

static void
rtp_input(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m, const struct mrfp_addr *src)
{
	int len = rte_pktmbuf_data_len(m);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	if (!leg_sends(leg)) {
		leg_drop(w, leg, m, MRFP_DROP_LEG_NOT_RECEIVING);
		return;
	}
	if ((unsigned int)len < RTP_HDR_LEN + 4u * (p[0] & 0xf) + mrfp_srtp_suite_tag_len(
			mrfp_srtp_session_suite(leg->rx))) {
		leg_drop(w, leg, m, MRFP_DROP_TRUNCATED);
		return;
	}
	if ((p[0] >> 6) != 2) {
		leg_drop(w, leg, m, MRFP_DROP_NOT_RTP);
		return;
	}
	mrfp_stage_unprotect(w, leg, m, src);
}

/* The rest of rtp_input, once the staged burst is unprotected (data length without tag). */
void
mrfp_rtp_unprotected(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m,
		     const struct mrfp_addr *src, uint16_t wire_len, enum mrfp_drop d)
{
	if (d != MRFP_DROP_NONE) {
		leg_drop(w, leg, m, d);
		return;
	}
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t ssrc = ((const struct rtp_hdr *)p)->ssrc;
	if (unlikely(!leg->src.active || ssrc != leg->src.in_ssrc) && mrfp_ssrc_collides(leg, ssrc)) {
		mrfp_ssrc_collision(w, leg, ssrc);
		leg_drop(w, leg, m, MRFP_DROP_SSRC_COLLISION);
		return;
	}
	ctr_add(&leg->ctr.rx_pkts, 1);
	ctr_add(&leg->ctr.rx_bytes, wire_len);
	mrfp_rtcp_rtp_seen(w, leg, p);
	latch_source(w, leg, src, false);
	if (leg->conf->media == MRFP_MEDIA_MIX) {
		if (leg->src.active && ssrc != leg->src.in_ssrc)
			mrfp_jbuf_reset(leg->mix.jb); /* a new stream: its own timeline */
		leg->src.active = true;
		leg->src.in_ssrc = ssrc;
		mrfp_mix_input(w, leg, m);
	} else {
		switch_forward(w, leg, m);
	}
}

void
mrfp_media_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi)
{
	enum mrfp_drop why;
	struct dp_leg *leg = mrfp_leg_lookup(w, pi->dport, &why);
	if (unlikely(leg == NULL) && (leg = mrfp_leg_miss(w, m, pi->dport, why)) == NULL)
		return;
	const uint8_t *payload = rte_pktmbuf_mtod_offset(m, const uint8_t *, pi->data_off);
	bool rtcp = pi->dport != leg->local_port ||
		    (leg->rtcp_mux && mrfp_is_rtcp(payload, pi->data_len));
	if (!source_allowed(leg, &pi->src, rtcp)) {
		leg_drop(w, leg, m, MRFP_DROP_SOURCE_MISMATCH);
		return;
	}
	if (unlikely(m->nb_segs > 1)) {
		leg_drop(w, leg, m, MRFP_DROP_NONLINEAR);
		return;
	}
	/* Keep only the UDP payload: drops Ethernet padding and leaves headroom for output. */
	rte_pktmbuf_adj(m, pi->data_off);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - pi->data_len);
	if (pi->data_len > w->cfg->mtu - MAX_L3L4_OVERHEAD ||
	    rte_pktmbuf_tailroom(m) < MRFP_SRTCP_MAX_TRAILER) {
		leg_drop(w, leg, m, MRFP_DROP_OVERSIZED);
		return;
	}
	if (rtcp)
		rtcp_input(w, leg, m, &pi->src);
	else
		rtp_input(w, leg, m, &pi->src);
}
