/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP on the worker (RFC 3550 6): statistics of every inbound stream, a report to every leg
 * at a randomised interval (SR for each stream mrfpd sends it, with a report block about the
 * leg's own stream, and an SDES CNAME), and the participant's reports turned into per-leg
 * loss, jitter and round-trip time. Reports go out as SRTCP under the key of the stream they
 * describe.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_random.h>

#include "dp_priv.h"
#include "tx.h"
#include "wire.h"

#define CNAME "mrfpd"
#define SCAN_PER_SEC 20 /* legs due for a report are looked for every 50 ms */
#define RTCP_BUF 512

uint64_t
rtcp_io_ntp(const struct dp_worker *w, uint64_t tsc)
{
	uint64_t hz = rte_get_tsc_hz(), d = tsc - w->tsc_base;
	return w->ntp_base + ((d / hz) << 32) + (((d % hz) << 32) / hz);
}

static uint32_t
ts_units(const struct dp_leg *leg, uint64_t tsc)
{
	return (uint32_t)(tsc / (rte_get_tsc_hz() / leg->clock_rate));
}

/* An authenticated RTP packet of the leg (plaintext header). */
void
rtcp_io_rtp_seen(struct dp_worker *w, struct dp_leg *leg, const uint8_t *rtp)
{
	struct leg_rtcp *r = &leg->rtcp;
	uint16_t seq = wire_be16(rtp + 2);
	uint32_t ts = wire_be32(rtp + 4);
	(void)w;
	if (!r->rx_started || wire_raw32(rtp + 8) != leg->src.in_ssrc) {
		rtcp_rx_init(&r->rx, seq);
		r->rx_started = true;
	}
	uint64_t now = rte_get_tsc_cycles();
	rtcp_rx_update(&r->rx, seq, ts, ts_units(leg, now));
	r->last_rx_tsc = now;
	r->inactive_told = false;
}

/* A talking leg that stopped sending RTP: one event per silence (control sends Notify). */
static void
watch_inactivity(struct dp_worker *w, struct dp_leg *leg, uint64_t now)
{
	struct leg_rtcp *r = &leg->rtcp;
	uint64_t limit = rte_get_tsc_hz() / 1000 * w->cfg->leg_inactivity_ms;
	if (limit == 0 || r->inactive_told || leg->p.mode == MRFP_MODE_SENDONLY ||
	    leg->p.mode == MRFP_MODE_INACTIVE)
		return;
	if (r->last_rx_tsc == 0)
		r->last_rx_tsc = now; /* a new leg: its silence counts from now */
	if (now - r->last_rx_tsc < limit)
		return;
	r->inactive_told = true;
	struct mrfp_event ev = {.type = MRFP_EVENT_INACTIVITY,
				.conf_id = leg->conf->id,
				.leg_id = leg->id,
				.ssrc = rte_be_to_cpu_32(leg->src.in_ssrc)};
	ssrc_event(w, &ev);
}

/* One event per key and level (soft: ask for a new key; hard: it is no longer used). */
static void
watch_key(struct dp_worker *w, struct dp_leg *leg, const struct mrfp_srtp_session *s,
	  enum mrfp_event_key which, uint8_t soft_bit, uint8_t hard_bit)
{
	enum mrfp_srtp_limit lim = s != NULL ? mrfp_srtp_session_limit(s) : MRFP_SRTP_LIMIT_OK;
	uint8_t bit = lim == MRFP_SRTP_LIMIT_HARD ? hard_bit : soft_bit;
	if (lim == MRFP_SRTP_LIMIT_OK || (leg->key_told & bit))
		return;
	leg->key_told |= bit | soft_bit; /* a hard limit implies the soft one */
	struct mrfp_event ev = {.type = lim == MRFP_SRTP_LIMIT_HARD ? MRFP_EVENT_KEY_HARD_LIMIT
								    : MRFP_EVENT_KEY_SOFT_LIMIT,
				.conf_id = leg->conf->id,
				.leg_id = leg->id,
				.key = which};
	ssrc_event(w, &ev);
}

/* Is ssrc (host order) one that mrfpd sends to this leg? */
static bool
sent_to_leg(const struct dp_leg *leg, uint32_t ssrc)
{
	const struct dp_conf *c = leg->conf;
	uint32_t be = rte_cpu_to_be_32(ssrc);
	if (c->media == MRFP_MEDIA_MIX) {
		for (unsigned int k = 0; k < MIX_CODECS; k++)
			if (c->mix.common[k].ssrc == be)
				return true;
		return leg->out.ssrc == be;
	}
	for (unsigned int i = 0; i < c->n_legs; i++)
		if (c->legs[i] != leg && c->legs[i]->out_ssrc == be)
			return true;
	return false;
}

static void
peer_report(struct dp_worker *w, struct dp_leg *leg, const struct mrfp_rtcp_report_block *b)
{
	uint64_t now = rtcp_io_ntp(w, rte_get_tsc_cycles());
	uint32_t rtt = rtcp_rtt(mrfp_rtcp_ntp_mid32(now), b->lsr, b->dlsr);
	__atomic_store_n(&leg->ctr.peer_fraction_lost, b->fraction_lost, __ATOMIC_RELAXED);
	__atomic_store_n(&leg->ctr.peer_lost,
			 (uint64_t)(b->cumulative_lost < 0 ? 0 : b->cumulative_lost),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&leg->ctr.peer_jitter_us, (uint64_t)b->jitter * 1000000 / leg->clock_rate,
			 __ATOMIC_RELAXED);
	if (rtt != 0)
		__atomic_store_n(&leg->ctr.rtt_us, (uint64_t)rtt * 1000000 / 65536,
				 __ATOMIC_RELAXED);
}

/* A decrypted compound RTCP packet from the leg. */
void
rtcp_io_input(struct dp_worker *w, struct dp_leg *leg, const uint8_t *rtcp, int len)
{
	struct mrfp_rtcp_parsed p;
	if (rtcp_parse(rtcp, (size_t)len, &p) != MRFP_RTCP_ERR_OK) {
		ctr_add(&leg->ctr.drops[MRFP_DROP_MALFORMED_RTCP], 1);
		ctr_add(&w->ctr.drops[MRFP_DROP_MALFORMED_RTCP], 1);
		return;
	}
	if (p.has_sr) {
		leg->rtcp.peer_lsr = p.lsr;
		leg->rtcp.peer_sr_ntp = rtcp_io_ntp(w, rte_get_tsc_cycles());
	}
	for (unsigned int i = 0; i < p.n_blocks; i++)
		if (sent_to_leg(leg, p.blocks[i].ssrc))
			peer_report(w, leg, &p.blocks[i]);
}

struct report {
	uint32_t ssrc; /* network order */
	struct mrfp_srtp_session *key;
	uint32_t rtp_ts;
	uint64_t packets, octets;
};

/* What the leg's own stream looks like from here: one report block, or none yet. */
static unsigned int
rx_block(struct dp_worker *w, struct dp_leg *leg, uint64_t now_ntp,
	 struct mrfp_rtcp_report_block *b)
{
	struct leg_rtcp *r = &leg->rtcp;
	(void)w;
	if (!r->rx_started)
		return 0;
	uint32_t dlsr = r->peer_lsr ? rtcp_dlsr(r->peer_sr_ntp, now_ntp) : 0;
	rtcp_rx_report_block(&r->rx, rte_be_to_cpu_32(leg->src.in_ssrc), r->peer_lsr, dlsr, b);
	__atomic_store_n(&leg->ctr.rx_lost,
			 (uint64_t)(b->cumulative_lost < 0 ? 0 : b->cumulative_lost),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&leg->ctr.rx_jitter_us, (uint64_t)b->jitter * 1000000 / leg->clock_rate,
			 __ATOMIC_RELAXED);
	return 1;
}

static void
send_report(struct dp_worker *w, struct dp_leg *leg, const struct report *rp,
	    const struct mrfp_rtcp_report_block *blocks, unsigned int n, uint64_t now_ntp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	if (unlikely(m == NULL)) {
		ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
		return;
	}
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, RTCP_BUF);
	struct mrfp_rtcp_sender_info si = {.ntp_sec = (uint32_t)(now_ntp >> 32),
					   .ntp_frac = (uint32_t)now_ntp,
					   .rtp_ts = rp->rtp_ts,
					   .packets = (uint32_t)rp->packets,
					   .octets = (uint32_t)rp->octets};
	int len = rtcp_build_compound(b, RTCP_BUF - MRFP_SRTCP_MAX_TRAILER,
				      rte_be_to_cpu_32(rp->ssrc), rp->packets ? &si : NULL, blocks,
				      n, CNAME, sizeof(CNAME) - 1);
	if (len < 0 || mrfp_srtp_protect_rtcp(rp->key, b, &len) != MRFP_DROP_NONE) {
		rte_pktmbuf_free(m);
		ctr_add(&leg->ctr.drops[MRFP_DROP_SRTP_OTHER], 1);
		return;
	}
	rte_pktmbuf_trim(m, (uint16_t)(RTCP_BUF - len));
	txhdr_push_ports(m, &leg->hdr, rte_cpu_to_be_16(leg->local_port + (leg->rtcp_mux ? 0 : 1)),
			 leg->remote_rtcp.port);
	ctr_add(&leg->ctr.rtcp_tx, 1);
	tx_frame(w, m);
}

/* Mix: the stream the leg currently receives, under the key it is protected with. */
static void
mix_stream(const struct dp_leg *leg, struct report *rp)
{
	const struct dp_conf *c = leg->conf;
	const struct out_stream *os = &leg->out;
	rp->key = c->keys == MRFP_KEYS_BILATERAL ||
				  (c->keys == MRFP_KEYS_HYBRID && leg->p.mode == MRFP_MODE_SENDRECV)
			  ? leg->tx
			  : c->mix.group;
	if (c->keys != MRFP_KEYS_BILATERAL && !leg->mix.personal)
		os = &c->mix.common[leg->mix.codec]; /* a listener of the common stream */
	rp->ssrc = os->ssrc;
	rp->rtp_ts = os->ts;
	rp->packets = os->packets;
	rp->octets = os->octets;
}

static void
report_to_leg(struct dp_worker *w, struct dp_leg *leg, uint64_t now_ntp)
{
	struct mrfp_rtcp_report_block blk;
	unsigned int n = rx_block(w, leg, now_ntp, &blk);
	struct report rp;
	const struct dp_conf *c = leg->conf;
	if (!leg->hdr_ready || leg->remote_rtcp.port == 0)
		return;
	if (c->media == MRFP_MEDIA_MIX) {
		mix_stream(leg, &rp);
		send_report(w, leg, &rp, &blk, n, now_ntp);
		return;
	}
	if (c->sel.mode != MRFP_SELECT_ALL) { /* the one switched stream */
		const struct out_stream *os = &c->sel.stream;
		rp = (struct report){.ssrc = os->ssrc,
				     .rtp_ts = os->ts,
				     .packets = os->packets,
				     .octets = os->octets,
				     .key = c->keys == MRFP_KEYS_GROUP ? c->mix.group : leg->tx};
		if (rp.key != NULL)
			send_report(w, leg, &rp, &blk, n, now_ntp);
		return;
	}
	/* Switch: one SR per source stream forwarded to the leg, all under the leg's key. */
	for (unsigned int i = 0; i < c->n_legs; i++) {
		const struct dp_leg *s = c->legs[i];
		if (s == leg || !s->src.active)
			continue;
		rp = (struct report){.ssrc = s->out_ssrc,
				     .key = leg->tx,
				     .rtp_ts = s->src.last_out_ts,
				     .packets = s->src.packets,
				     .octets = s->src.octets};
		send_report(w, leg, &rp, &blk, n, now_ntp);
		n = 0; /* the block about the leg's stream travels once */
	}
	if (n != 0 && leg->tx != NULL) { /* nothing sent to it yet: a receiver report alone */
		rp = (struct report){.ssrc = leg->out_ssrc, .key = leg->tx};
		send_report(w, leg, &rp, &blk, n, now_ntp);
	}
}

static uint64_t
next_report(const struct dp_worker *w, uint64_t now)
{
	/* RFC 3550 6.3.1: randomised over 0.5-1.5 of the interval, so reports do not align. */
	uint64_t mean = rte_get_tsc_hz() / 1000 * w->cfg->rtcp_interval_ms;
	return now + mean / 2 + rte_rand_max(mean + 1);
}

void
rtcp_io_run(struct dp_worker *w, uint64_t now)
{
	struct dp_leg *leg;
	if (now < w->rtcp_scan_tsc)
		return;
	w->rtcp_scan_tsc = now + rte_get_tsc_hz() / SCAN_PER_SEC;
	uint64_t now_ntp = rtcp_io_ntp(w, now);
	TAILQ_FOREACH(leg, &w->legs, wlink)
	{
		watch_inactivity(w, leg, now);
		watch_key(w, leg, leg->rx, MRFP_EVENT_KEY_RX, KEY_TOLD_RX_SOFT, KEY_TOLD_RX_HARD);
		watch_key(w, leg, leg->tx, MRFP_EVENT_KEY_TX, KEY_TOLD_TX_SOFT, KEY_TOLD_TX_HARD);
		if (leg->rtcp.next_tsc == 0) /* a new leg: first report after 0.25-0.75 interval */
			leg->rtcp.next_tsc = now + (next_report(w, now) - now) / 2;
		if (now < leg->rtcp.next_tsc)
			continue;
		leg->rtcp.next_tsc = next_report(w, now);
		if (leg->p.mode != MRFP_MODE_INACTIVE)
			report_to_leg(w, leg, now_ntp);
	}
}
