/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Between workers. Every leg has one owner (DESIGN.md); a frame that reaches another
 * worker's queue - RSS without flow rules, or a conference moved after its ports were
 * steered - is handed to the owner through its handoff ring (counted on both sides, a full
 * ring counted as a drop). Conferences change owner through the mail ring, ahead of any
 * frame handed over for them, and neighbours learned by one worker reach the others by
 * mail, since an ARP/ND reply arrives on one queue only.
 */
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_priv.h"

#define MAIL_PER_POLL 32

static uint8_t
owner_of(const struct dp_worker *w, uint16_t port)
{
	/* Pairs with the release stores of control's port allocation and of a hand-over. */
	return __atomic_load_n(&w->owner[port - w->cfg->port_min], __ATOMIC_ACQUIRE);
}

void
handoff_flush(struct dp_worker *w)
{
	struct rte_mbuf *batch[DP_BURST];
	uint16_t left = w->n_ho;
	/* One enqueue per destination: gather its frames, keep the others for the next round. */
	while (left > 0) {
		uint8_t to = w->ho_to[0];
		uint16_t n = 0, keep = 0;
		for (uint16_t i = 0; i < left; i++) {
			if (w->ho_to[i] == to) {
				batch[n++] = w->ho[i];
			} else {
				w->ho[keep] = w->ho[i];
				w->ho_to[keep++] = w->ho_to[i];
			}
		}
		unsigned int sent =
			rte_ring_mp_enqueue_burst(w->peers[to]->handoff, (void **)batch, n, NULL);
		ctr_add(&w->ctr.handoff_tx, sent);
		for (unsigned int i = sent; i < n; i++)
			worker_drop(w, batch[i], MRFP_DROP_HANDOFF_FULL);
		left = keep;
	}
	w->n_ho = 0;
}

static void
handoff(struct dp_worker *w, struct rte_mbuf *m, uint8_t to)
{
	if (unlikely(w->n_ho == DP_BURST))
		handoff_flush(w);
	w->ho[w->n_ho] = m;
	w->ho_to[w->n_ho++] = to;
}

struct dp_leg *
handoff_miss(struct dp_worker *w, struct rte_mbuf *m, uint16_t port, enum mrfp_drop why)
{
	if (why == MRFP_DROP_UNKNOWN_PORT && port >= w->cfg->port_min && port <= w->cfg->port_max &&
	    owner_of(w, port) == w->idx) {
		/* Ours, not in our table yet: the conference was handed to us and its mail was
		 * sent before the owner entry changed, so taking the mail finds it. */
		handoff_mail_poll(w);
		struct dp_leg *leg = w->by_port[port - w->cfg->port_min];
		if (leg != NULL)
			return leg;
	}
	if (why == MRFP_DROP_NOT_OWNER) {
		uint8_t to = owner_of(w, port);
		if (to < w->n_peers && to != w->idx) {
			handoff(w, m, to);
			return NULL;
		}
	}
	worker_drop(w, m, why);
	return NULL;
}

uint16_t
handoff_take(struct dp_worker *w, struct rte_mbuf **in, uint16_t max)
{
	unsigned int n = rte_ring_sc_dequeue_burst(w->handoff, (void **)in, max, NULL);
	ctr_add(&w->ctr.handoff_rx, n);
	return (uint16_t)n;
}

static void
adopt(struct dp_worker *w, struct dp_conf *c)
{
	for (unsigned int i = 0; i < c->n_legs; i++)
		leg_adopt(w, c->legs[i]);
	if (c->media == MRFP_MEDIA_MIX)
		mix_conf_attach(w, c);
}

unsigned int
handoff_mail_poll(struct dp_worker *w)
{
	struct dp_mail mail[MAIL_PER_POLL];
	unsigned int n =
		rte_ring_sc_dequeue_burst_elem(w->mail, mail, sizeof(mail[0]), MAIL_PER_POLL, NULL);
	for (unsigned int i = 0; i < n; i++) {
		if (mail[i].kind == MAIL_ADOPT) {
			adopt(w, mail[i].conf);
		} else if (mail[i].kind == MAIL_LEG) {
			leg_enter_conf(&mail[i].move);
			leg_adopt(w, mail[i].move.leg);
		} else {
			neigh_learned(w, &mail[i].neigh.ip, &mail[i].neigh.mac);
		}
	}
	return n;
}

static void
mail_to(struct dp_worker *w, unsigned int to, struct dp_mail *m)
{
	/* The mail ring has room for every conference: this cannot spin for long. */
	while (rte_ring_mp_enqueue_elem(w->peers[to]->mail, m, sizeof(*m)) != 0)
		rte_pause();
}

/*
 * The order loses nothing: our tables let go first (between bursts: nothing of c is staged),
 * the mail goes out, then the owner entries change. A frame for c that reaches us from
 * now on is handed over behind the mail; one that reaches the new owner finds the mail
 * already in its ring (handoff_miss).
 */
void
handoff_conf(struct dp_worker *w, struct dp_conf *c, unsigned int to)
{
	struct dp_mail m = {.kind = MAIL_ADOPT, .conf = c};
	if (c->media == MRFP_MEDIA_MIX)
		mix_conf_detach(w, c);
	for (unsigned int i = 0; i < c->n_legs; i++)
		leg_release(w, c->legs[i]);
	mail_to(w, to, &m);
	for (unsigned int i = 0; i < c->n_legs; i++)
		mrfp_owner_set(w->owner, w->cfg, c->legs[i], (uint8_t)to);
}

/* The same order for one leg: its new conference lives on the other worker. */
void
handoff_leg(struct dp_worker *w, const struct dp_leg_move *mv)
{
	struct dp_mail m = {.kind = MAIL_LEG, .move = *mv};
	leg_leave_conf(mv->leg);
	leg_release(w, mv->leg);
	mail_to(w, mv->worker, &m);
	mrfp_owner_set(w->owner, w->cfg, mv->leg, (uint8_t)mv->worker);
}
