/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two-time-pad rule (RFC 3711 9.1; TR 33.829 5): no (key, SSRC) pair may protect two
 * different streams. mrfpd allocates its own output SSRCs unique per conference; this file
 * refuses inbound streams that would share a key and SSRC with another stream of the
 * conference. Checked once per new inbound SSRC, after authentication (so that nobody
 * without the key can make a leg raise events).
 */
#include <rte_byteorder.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_priv.h"

/* Does any stream that mrfpd sends in this conference use key `key_id`? */
static bool
outputs_use_key(const struct dp_conf *c, uint64_t key_id)
{
	if (c->keys != MRFP_KEYS_BILATERAL && c->mix.group_key_id == key_id)
		return true;
	for (unsigned int i = 0; i < c->n_legs; i++)
		if (c->legs[i]->tx_key_id == key_id)
			return true;
	return false;
}

/* Every SSRC that mrfpd may send in the conference (over-approximates per key: safe). */
static bool
is_output_ssrc(const struct dp_conf *c, uint32_t ssrc)
{
	for (unsigned int i = 0; i < c->n_legs; i++)
		if (c->legs[i]->out_ssrc == ssrc)
			return true;
	if (c->sel.mode != MRFP_SELECT_ALL && c->sel.stream.ssrc == ssrc)
		return true;
	if (c->media == MRFP_MEDIA_MIX)
		for (unsigned int k = 0; k < MIX_CODECS; k++)
			if (c->mix.common[k].ssrc == ssrc)
				return true;
	return false;
}

bool
ssrc_collides(const struct dp_leg *leg, uint32_t ssrc)
{
	const struct dp_conf *c = leg->conf;
	for (unsigned int i = 0; i < c->n_legs; i++) {
		const struct dp_leg *o = c->legs[i];
		if (o != leg && o->rx_key_id == leg->rx_key_id && o->src.active &&
		    o->src.in_ssrc == ssrc)
			return true;
	}
	return outputs_use_key(c, leg->rx_key_id) && is_output_ssrc(c, ssrc);
}

void
ssrc_event(struct dp_worker *w, const struct mrfp_event *ev)
{
	if (rte_ring_enqueue_elem(w->events, (void *)(uintptr_t)ev, sizeof(*ev)) != 0)
		ctr_add(&w->ctr.events_lost, 1);
}

void
ssrc_collision(struct dp_worker *w, struct dp_leg *leg, uint32_t ssrc)
{
	if (leg->collided && leg->collided_ssrc == ssrc)
		return;	      /* reported already: the counter says how often since */
	leg->collided = true; /* SSRC 0 is a valid SSRC too: a flag, not a sentinel */
	leg->collided_ssrc = ssrc;
	struct mrfp_event ev = {.type = MRFP_EVENT_SSRC_COLLISION,
				.conf_id = leg->conf->id,
				.leg_id = leg->id,
				.ssrc = rte_be_to_cpu_32(ssrc)};
	ssrc_event(w, &ev);
}
