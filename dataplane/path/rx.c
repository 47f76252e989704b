/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive stage of a worker: a media frame finds its leg (or is handed to the worker that
 * owns its port), passes the source check, and its RTP waits in the stage for the burst's
 * one SRTP unprotect call; what follows an unprotect (SSRC rules, counters, RTCP statistics,
 * latching, then switch or mix) happens here too, in arrival order. RTCP is authenticated and
 * consumed at once: mrfpd reports itself (RFC 3550 7.3 translators may forward reports).
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_priv.h"
#include "jbuf.h"
#include "rx.h"
#include "switch.h"
#include "wire.h"

#define RTCP_HDR_LEN 8
/* IPv6 + UDP headers, plus room for a longer tag on output than on input (_32 -> _80/GCM). */
#define MAX_L3L4_OVERHEAD (40 + 8 + 16)

static bool
leg_sends(const struct dp_leg *leg) /* does mrfpd take media from this leg? */
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_RECVONLY;
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
	leg_set_remote(w, leg, src);
}

static void
stage_unprotect(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m,
		const struct mrfp_addr *src)
{
	struct dp_rx_stage *st = &w->rxs;
	if (unlikely(st->n == DP_BURST))
		rx_flush(w);
	st->m[st->n] = m;
	st->leg[st->n] = leg;
	st->s[st->n] = leg->rx;
	st->src[st->n] = *src;
	st->wire_len[st->n] = rte_pktmbuf_data_len(m);
	st->n++;
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
	rtcp_io_input(w, leg, rte_pktmbuf_mtod(m, const uint8_t *), len);
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
	if ((unsigned int)len < RTP_HDR_LEN + 4u * (p[0] & 0xf) +
					mrfp_srtp_suite_tag_len(mrfp_srtp_session_suite(leg->rx))) {
		leg_drop(w, leg, m, MRFP_DROP_TRUNCATED);
		return;
	}
	if ((p[0] >> 6) != 2) {
		leg_drop(w, leg, m, MRFP_DROP_NOT_RTP);
		return;
	}
	stage_unprotect(w, leg, m, src);
}

/* The rest of rtp_input, once the staged burst is unprotected (data length without tag). */
static void
unprotected(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m,
	    const struct mrfp_addr *src, uint16_t wire_len, enum mrfp_drop d)
{
	if (d != MRFP_DROP_NONE) {
		leg_drop(w, leg, m, d);
		return;
	}
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t ssrc = ((const struct rtp_hdr *)p)->ssrc;
	if (unlikely(!leg->src.active || ssrc != leg->src.in_ssrc) && ssrc_collides(leg, ssrc)) {
		ssrc_collision(w, leg, ssrc);
		leg_drop(w, leg, m, MRFP_DROP_SSRC_COLLISION);
		return;
	}
	ctr_add(&leg->ctr.rx_pkts, 1);
	ctr_add(&leg->ctr.rx_bytes, wire_len);
	rtcp_io_rtp_seen(w, leg, p);
	latch_source(w, leg, src, false);
	if (leg->conf->media == MRFP_MEDIA_MIX) {
		if (leg->src.active && ssrc != leg->src.in_ssrc)
			jbuf_reset(leg->mix.jb); /* a new stream: its own timeline */
		leg->src.active = true;
		leg->src.in_ssrc = ssrc;
		mix_input(w, leg, m);
	} else {
		switch_forward(w, leg, m);
	}
}

void
rx_flush(struct dp_worker *w)
{
	struct dp_rx_stage *st = &w->rxs;
	enum mrfp_drop d[DP_BURST];
	uint16_t n = st->n;
	if (n == 0)
		return;
	uint16_t ok = 0;
	mrfp_srtp_unprotect_burst(st->s, st->m, d, n);
	st->n = 0; /* forwarding below fills the TX stage, never this one */
	for (uint16_t i = 0; i < n; i++) {
		ok += d[i] == MRFP_DROP_NONE;
		unprotected(w, st->leg[i], st->m[i], &st->src[i], st->wire_len[i], d[i]);
	}
	ctr_add(&w->ctr.unprotects, ok); /* one store per burst, not one per packet */
}

/* rx_media with the leg found already (NULL: not in this worker's table when looked up). */
static void
rx_media_leg(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi, struct dp_leg *leg)
{
	enum mrfp_drop why;
	if (unlikely(leg == NULL) && (leg = leg_lookup(w, pi->dport, &why)) == NULL &&
	    (leg = handoff_miss(w, m, pi->dport, why)) == NULL)
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

void
rx_media(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi)
{
	rx_media_leg(w, m, pi, NULL);
}

/* A parsed frame to its protocol's input. */
static void
rx_dispatch(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi, struct dp_leg *leg)
{
	switch (pi->kind) {
	case PKT_UDP:
		rx_media_leg(w, m, pi, leg);
		break;
	case PKT_ARP:
		neigh_arp_input(w, m, pi);
		break;
	case PKT_ICMP4:
		neigh_icmp4_input(w, m, pi);
		break;
	default:
		neigh_icmp6_input(w, m, pi);
		break;
	}
}

/*
 * With thousands of legs a frame finds its leg cold, and its session, its conference, the
 * legs it is switched to and their sessions hang off the leg one after another. rx_burst
 * fetches one level for the whole burst before the next, so that the misses of one level
 * overlap instead of each frame's chain stalling in turn: frames, port table, legs (dp_leg's
 * hot lines and counters), the leg's session and conference, the receivers, their sessions.
 * The SRTP engine fetches keys and streams the same way when the burst reaches it
 * (burst_pkt.c); fetching those here too was measured slower (more misses in flight than the
 * core tracks, for lines not needed yet). Only then are the frames processed, in order.
 */
#define PF_RECEIVERS 4 /* receivers fetched per frame: a large fan-out is not this path's */

enum pf_level { PF_RECEIVER, PF_RECEIVER_SESSION };

static __rte_always_inline void
prefetch_lines(const void *p, unsigned int lines)
{
	for (unsigned int l = 0; l < lines; l++)
		rte_prefetch0((const uint8_t *)p + l * RTE_CACHE_LINE_SIZE);
}

/* The port table slot of a UDP frame, or NULL. */
static __rte_always_inline struct dp_leg **
port_slot(const struct dp_worker *w, const struct pkt_info *pi, enum mrfp_drop d)
{
	const struct mrfp_config *cfg = w->cfg;
	if (d != MRFP_DROP_NONE || pi->kind != PKT_UDP || pi->dport < cfg->port_min ||
	    pi->dport > cfg->port_max)
		return NULL;
	return &w->by_port[pi->dport - cfg->port_min];
}

/* One level of what a switched frame's receivers (its conference's other members) read. */
static __rte_always_inline void
prefetch_receivers(const struct dp_leg *leg, enum pf_level level)
{
	const struct dp_conf *c = leg->conf;
	unsigned int k = 0;
	if (c->media != MRFP_MEDIA_SWITCH)
		return;
	for (unsigned int j = 0; j < c->n_legs && k < PF_RECEIVERS; j++) {
		const struct dp_leg *r = c->legs[j];
		if (r == leg)
			continue;
		k++;
		if (level == PF_RECEIVER) {
			rte_prefetch0(r);	/* line 0: mode, hdr_ready, tx */
			rte_prefetch0(&r->hdr); /* its output header */
			rte_prefetch0(&r->ctr); /* tx_pkts, tx_bytes */
		} else {
			rte_prefetch0(r->tx); /* a session's per-packet head */
		}
	}
}

/* Level by level for every frame with a leg: the levels after the legs themselves. */
static void
prefetch_levels(struct dp_leg *const leg[], uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (leg[i] == NULL)
			continue;
		rte_prefetch0(leg[i]->rx);
		rte_prefetch0(leg[i]->conf);
		rte_prefetch0(&leg[i]->conf->n_legs); /* and the first members */
	}
	for (uint16_t i = 0; i < n; i++)
		if (leg[i] != NULL)
			prefetch_receivers(leg[i], PF_RECEIVER);
	for (uint16_t i = 0; i < n; i++)
		if (leg[i] != NULL)
			prefetch_receivers(leg[i], PF_RECEIVER_SESSION);
}

void
rx_burst(struct dp_worker *w, struct rte_mbuf *const m[], uint16_t n)
{
	struct pkt_info pi[DP_BURST];
	enum mrfp_drop d[DP_BURST];
	struct dp_leg *leg[DP_BURST];
	struct dp_leg **slot[DP_BURST];
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(m[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		d[i] = parse_frame(rte_pktmbuf_mtod(m[i], const uint8_t *),
				   rte_pktmbuf_data_len(m[i]), &w->pctx, &pi[i]);
		slot[i] = port_slot(w, &pi[i], d[i]);
		if (slot[i] != NULL)
			rte_prefetch0(slot[i]);
	}
	for (uint16_t i = 0; i < n; i++) {
		leg[i] = slot[i] != NULL ? *slot[i] : NULL;
		if (leg[i] == NULL)
			continue;
		prefetch_lines(leg[i], 4); /* as a source: lines 0-3 */
		rte_prefetch0(&leg[i]->ctr);
	}
	prefetch_levels(leg, n);
	for (uint16_t i = 0; i < n; i++) {
		if (d[i] != MRFP_DROP_NONE)
			worker_drop(w, m[i], d[i]);
		else
			rx_dispatch(w, m[i], &pi[i], leg[i]);
	}
}
