/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's view of its legs: the local-port table that finds a leg for a packet, each
 * conference's member list, and each leg's resolved output header. Worker-owned state only.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_random.h>

#include "dp_priv.h"
#include "select.h"
#include "speakers.h"

struct dp_leg *
leg_lookup(const struct dp_worker *w, uint16_t port, enum mrfp_drop *why)
{
	const struct mrfp_config *cfg = w->cfg;
	if (port < cfg->port_min || port > cfg->port_max) {
		*why = MRFP_DROP_UNKNOWN_PORT;
		return NULL;
	}
	unsigned int idx = port - cfg->port_min;
	struct dp_leg *leg = w->by_port[idx];
	if (leg != NULL)
		return leg;
	/* Pairs with the release store in control's port allocation. */
	uint8_t owner = __atomic_load_n(&w->owner[idx], __ATOMIC_ACQUIRE);
	*why = owner != OWNER_NONE && owner != w->idx ? MRFP_DROP_NOT_OWNER
						      : MRFP_DROP_UNKNOWN_PORT;
	return NULL;
}

static bool
on_link(const struct mrfp_addr *ip, const struct mrfp_config *cfg)
{
	if (ip->family == AF_INET) {
		if (cfg->media4_prefix == 0)
			return true;
		uint32_t mask = rte_cpu_to_be_32(~0u << (32 - cfg->media4_prefix));
		return (ip->v4 & mask) == (cfg->media4.v4 & mask);
	}
	unsigned int bits = cfg->media6_prefix, bytes = bits / 8;
	if (memcmp(ip->v6, cfg->media6.v6, bytes) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (ip->v6[bytes] & mask) == (cfg->media6.v6[bytes] & mask);
}

static void
choose_nexthop(const struct dp_worker *w, struct dp_leg *leg)
{
	const struct mrfp_config *cfg = w->cfg;
	const struct mrfp_addr *gw =
		leg->remote_rtp.family == AF_INET ? &cfg->gateway4 : &cfg->gateway6;
	leg->nexthop = on_link(&leg->remote_rtp, cfg) || gw->family == 0 ? leg->remote_rtp : *gw;
	leg->nexthop.port = 0;
}

/* Build the output header if the next hop is known; otherwise ask for it (rate-limited). */
static void
resolve_header(struct dp_worker *w, struct dp_leg *leg)
{
	struct rte_ether_addr mac;
	const struct mrfp_config *cfg = w->cfg;
	if (leg->remote_rtp.family == 0 || neigh_lookup(w, &leg->nexthop, &mac) != 0) {
		leg->hdr_ready = false;
		return;
	}
	struct mrfp_addr local = leg->remote_rtp.family == AF_INET ? cfg->media4 : cfg->media6;
	local.port = rte_cpu_to_be_16(leg->local_port);
	txhdr_build(&leg->hdr, &w->mac, &mac, cfg->vlan, &local, &leg->remote_rtp);
	leg->hdr_ready = true;
}

void
leg_set_remote(struct dp_worker *w, struct dp_leg *leg, const struct mrfp_addr *rtp)
{
	leg->remote_rtp = *rtp;
	leg->remote_rtcp = *rtp;
	/* RFC 3605 aside, RTCP goes to port + 1; a latched 65535 has no such port. */
	if (!leg->rtcp_mux && rtp->port != 0)
		leg->remote_rtcp.port = rtp->port == RTE_BE16(65535)
						? 0
						: rte_cpu_to_be_16(rte_be_to_cpu_16(rtp->port) + 1);
	if (rtp->family == 0) {
		leg->hdr_ready = false;
		return;
	}
	choose_nexthop(w, leg);
	resolve_header(w, leg);
}

void
leg_refresh_neigh(struct dp_worker *w, const struct mrfp_addr *ip)
{
	struct dp_leg *leg;
	TAILQ_FOREACH(leg, &w->legs, wlink)
	{
		if (leg->nexthop.family == ip->family &&
		    memcmp(&leg->nexthop.v6, &ip->v6, ip->family == AF_INET ? 4 : 16) == 0)
			resolve_header(w, leg);
	}
}

/*
 * A late joiner of a group-keyed stream decrypts from its first packet only if the stream's
 * ROC is 0: SDES carries no ROC and a receiver starts with ROC 0 at whatever sequence number
 * it first sees, then follows rollovers itself (RFC 3711 3.3.1). Output streams start below
 * 2^15, so that holds until their first rollover, 2^15 packets away at least; a stream that
 * rolled over continues under a fresh SSRC when a leg joins — control reserved one with the
 * leg, unique in the conference — from a sequence number below 2^15 again. The old SSRC is
 * never used again under the key (no two-time pad); the timestamp runs on; the new stream
 * begins with a marker. Listeners already there see a new stream (RFC 3550 8.2).
 */
static void
restart_if_rolled(struct out_stream *os, uint32_t spare)
{
	if (spare == 0 || !os->rolled)
		return;
	os->ssrc = spare;
	os->seq = (uint16_t)(rte_rand() & 0x7fff);
	os->rolled = false;
	os->started = false;
	os->packets = 0;
	os->octets = 0;
}

static void
group_streams_for_joiner(struct dp_conf *conf, const struct dp_leg *leg)
{
	if (conf->keys == MRFP_KEYS_BILATERAL)
		return; /* each leg's own session starts its ROC at 0 wherever the stream is */
	if (conf->media == MRFP_MEDIA_MIX)
		for (unsigned int k = 0; k < MIX_CODECS; k++)
			restart_if_rolled(&conf->mix.common[k], leg->spare_ssrc[k]);
	else if (conf->sel.mode != MRFP_SELECT_ALL)
		restart_if_rolled(&conf->sel.stream, leg->spare_ssrc[MIX_CODECS]);
}

/* Join the member list of leg->conf. */
void
leg_join_conf(struct dp_leg *leg)
{
	struct dp_conf *conf = leg->conf;
	group_streams_for_joiner(conf, leg);
	leg->conf_slot = conf->n_legs;
	if (conf->media == MRFP_MEDIA_MIX)
		memset(&conf->mix.spk[leg->conf_slot], 0, sizeof(conf->mix.spk[0]));
	conf->legs[conf->n_legs++] = leg;
}

/* Leave the member list of leg->conf. */
void
leg_leave_conf(struct dp_leg *leg)
{
	struct dp_conf *conf = leg->conf;
	/* Swap-remove keeps the member list dense for the forwarding loop. */
	struct dp_leg *last = conf->legs[--conf->n_legs];
	conf->legs[leg->conf_slot] = last;
	if (conf->media == MRFP_MEDIA_MIX) /* speaker state follows its leg */
		conf->mix.spk[leg->conf_slot] = conf->mix.spk[conf->n_legs];
	last->conf_slot = leg->conf_slot;
	conf->legs[conf->n_legs] = NULL;
	select_leg_gone(conf, leg);
}

void
leg_enter_conf(const struct dp_leg_move *mv)
{
	struct dp_leg *leg = mv->leg;
	leg->conf = mv->to;
	leg->out_ssrc = mv->out_ssrc;
	leg->out.ssrc = mv->out_ssrc;
	leg->out.started = false;
	leg->src.active = false; /* switch: a new output stream for what it sends */
	if (mv->jb != NULL) {
		leg->mix.jb = mv->jb;
		leg->mix.dec = mv->dec;
		leg->mix.enc = mv->enc;
	}
	if (mv->cohort_new != NULL)
		mv->to->mix.cohort[mv->cohort] = mv->cohort_new;
	leg->mix.codec = mv->cohort;
	leg_join_conf(leg);
}

static void
set_ports(struct dp_worker *w, struct dp_leg *leg, struct dp_leg *to)
{
	unsigned int idx = leg->local_port - w->cfg->port_min;
	w->by_port[idx] = to;
	if (!leg->rtcp_mux)
		w->by_port[idx + 1] = to;
}

void
leg_adopt(struct dp_worker *w, struct dp_leg *leg)
{
	set_ports(w, leg, leg);
	TAILQ_INSERT_TAIL(&w->legs, leg, wlink);
}

void
leg_release(struct dp_worker *w, struct dp_leg *leg)
{
	set_ports(w, leg, NULL);
	TAILQ_REMOVE(&w->legs, leg, wlink);
}

void
leg_attach(struct dp_worker *w, struct dp_leg *leg)
{
	if (leg->mix.cohort_new != NULL) { /* the first of its format: the cohort opens */
		leg->conf->mix.cohort[leg->mix.codec] = leg->mix.cohort_new;
		leg->mix.cohort_new = NULL;
	}
	leg_join_conf(leg);
	leg_adopt(w, leg);
	leg_set_remote(w, leg, &leg->p.remote);
}

void
leg_detach(struct dp_worker *w, struct dp_leg *leg)
{
	leg_release(w, leg);
	leg_leave_conf(leg);
}
