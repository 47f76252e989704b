/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switch mode with a selected source: only the active speaker (or the leg the controller
 * chose) is forwarded, to every other leg, rewritten into the conference's one switched
 * stream (its own SSRC, sequence numbers without gaps, timestamps continuous across a change
 * of source), so that each receiver sees a single continuous stream. Under a group key the
 * stream is protected once and the same SRTP bytes go to every receiver.
 */
#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "codec.h"
#include "dp_priv.h"
#include "select.h"
#include "tx.h"
#include "mixer.h"

#define LEVEL_FLOOR 64 /* mean |sample| below which a source is silence */
#define HOLD_MS 300    /* a new speaker must stay louder this long after the last change */
#define LOUDER_NUM 3   /* ... and be at least 1.5x as loud */
#define LOUDER_DEN 2

struct rtp_fixed {
	uint8_t vpxcc, mpt;
	uint16_t seq;
	uint32_t ts, ssrc;
} __rte_packed;

/* Smoothed loudness of the source, from its G.711 payload (other codecs: not measured). */
static void
measure(struct dp_leg *src, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t off = 12 + 4 * (p[0] & 0x0f), len = rte_pktmbuf_data_len(m);
	int16_t pcm[MIX_MAX_SAMPLES];
	if (src->codec == NULL || (p[0] & 0x10) || len <= off || len - off > MIX_MAX_SAMPLES ||
	    (p[1] & 0x7f) != src->codec->pt)
		return;
	unsigned int n = src->codec->decode(p + off, len - off, pcm);
	src->level = (src->level * 7 + mixer_pcm_level(pcm, n)) / 8;
}

static bool
should_switch(const struct conf_select *sel, const struct dp_leg *src, uint64_t now)
{
	if (sel->mode != MRFP_SELECT_SPEAKER)
		return false; /* chosen by the controller: nobody until then */
	if (sel->current == NULL || now - sel->last_tsc > rte_get_tsc_hz() / 1000 * HOLD_MS)
		return true; /* nobody forwarded, or the current source fell silent */
	if (src->level < LEVEL_FLOOR)
		return false;
	return src->level * LOUDER_DEN > sel->current->level * LOUDER_NUM &&
	       now - sel->since_tsc > rte_get_tsc_hz() / 1000 * HOLD_MS;
}

/* The forwarded packet joins the switched stream: SSRC, sequence and timestamp rewritten. */
static void
rewrite(struct conf_select *sel, struct dp_leg *src, struct rtp_fixed *rtp, uint64_t now)
{
	struct out_stream *os = &sel->stream;
	uint32_t in_ts = rte_be_to_cpu_32(rtp->ts);
	if (!sel->mapped || sel->mapped_ssrc != rtp->ssrc) {
		/* a new source or a restarted one: time continues from the stream's last packet */
		uint64_t ticks =
			os->started ? (now - sel->last_tsc) * src->clock_rate / rte_get_tsc_hz()
				    : 0;
		sel->ts_delta = os->ts + (uint32_t)(ticks ? ticks : 1) - in_ts;
		sel->mapped = true;
		sel->mapped_ssrc = rtp->ssrc;
		rtp->mpt |= 0x80; /* marker: a new talkspurt */
	}
	os->ts = in_ts + sel->ts_delta;
	rtp->seq = rte_cpu_to_be_16(os->seq++);
	if (os->seq == 0)
		os->rolled = true;
	rtp->ts = rte_cpu_to_be_32(os->ts);
	rtp->ssrc = os->ssrc;
	os->started = true;
	os->packets++;
	sel->last_tsc = now;
}

static bool
receives(const struct dp_leg *r, const struct dp_leg *src)
{
	return r != src && (r->p.mode == MRFP_MODE_SENDRECV || r->p.mode == MRFP_MODE_SENDONLY);
}

static void
no_mbuf(struct dp_worker *w, struct dp_leg *leg)
{
	ctr_add(&leg->ctr.drops[MRFP_DROP_NO_MBUF], 1);
	ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
}

/* Group key: one protect, then a copy of the same SRTP bytes per receiver. */
static void
replicate(struct dp_worker *w, struct dp_conf *c, struct dp_leg *src, struct rte_mbuf *m)
{
	int len = rte_pktmbuf_data_len(m);
	enum mrfp_drop d = mrfp_srtp_protect(c->mix.group, rte_pktmbuf_mtod(m, void *), &len);
	if (unlikely(d != MRFP_DROP_NONE)) {
		leg_drop(w, src, m, d);
		return;
	}
	rte_pktmbuf_append(m, (uint16_t)(len - rte_pktmbuf_data_len(m)));
	ctr_add(&w->ctr.group_protects, 1);
	for (unsigned int i = 0; i < c->n_legs; i++) {
		struct dp_leg *r = c->legs[i];
		if (!receives(r, src) || !r->hdr_ready)
			continue;
		struct rte_mbuf *copy = tx_copy(w, m);
		if (unlikely(copy == NULL)) {
			no_mbuf(w, r);
			continue;
		}
		txhdr_push(copy, &r->hdr);
		ctr_add(&r->ctr.tx_pkts, 1);
		ctr_add(&r->ctr.tx_bytes, (uint64_t)len);
		tx_frame(w, copy);
	}
	rte_pktmbuf_free(m);
}

/* Bilateral keys: each receiver's copy is protected with its own key. */
static void
fan_out(struct dp_worker *w, struct dp_conf *c, struct dp_leg *src, struct rte_mbuf *m)
{
	struct dp_leg *last = NULL;
	for (unsigned int i = 0; i < c->n_legs; i++) {
		struct dp_leg *r = c->legs[i];
		if (!receives(r, src) || !r->hdr_ready)
			continue;
		if (last != NULL) {
			struct rte_mbuf *copy = tx_copy(w, m);
			if (unlikely(copy == NULL))
				no_mbuf(w, last);
			else
				tx_protect(w, last, copy, last->tx);
		}
		last = r;
	}
	if (last == NULL)
		leg_drop(w, src, m, MRFP_DROP_NO_LISTENER);
	else
		tx_protect(w, last, m, last->tx);
}

void
select_forward(struct dp_worker *w, struct dp_leg *src, struct rte_mbuf *m)
{
	struct dp_conf *c = src->conf;
	struct conf_select *sel = &c->sel;
	uint64_t now = rte_get_tsc_cycles();
	if (sel->mode == MRFP_SELECT_SPEAKER)
		measure(src, m);
	if (src != sel->current && should_switch(sel, src, now)) {
		sel->current = src;
		sel->since_tsc = now;
		sel->mapped = false;
	}
	if (src != sel->current) {
		leg_drop(w, src, m, MRFP_DROP_NOT_SELECTED);
		return;
	}
	rewrite(sel, src, rte_pktmbuf_mtod(m, struct rtp_fixed *), now);
	sel->stream.octets += rte_pktmbuf_data_len(m);
	if (c->keys == MRFP_KEYS_GROUP)
		replicate(w, c, src, m);
	else
		fan_out(w, c, src, m);
}

/* A leg leaves: it can no longer be the forwarded source. */
void
select_leg_gone(struct dp_conf *c, const struct dp_leg *leg)
{
	if (c->sel.current == leg) {
		c->sel.current = NULL;
		c->sel.mapped = false;
	}
}
