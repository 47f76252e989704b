/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: apply control's commands between bursts, receive a burst, classify each
 * frame, transmit what was produced. Never a syscall, an allocation or a log line here.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_priv.h"
#include "rx.h"
#include "tx.h"

#define CMDS_PER_LOOP 16

static void
retire(struct dp_worker *w, enum dp_retire_type type, void *obj)
{
	struct dp_retire r = {.type = type, .obj = obj};
	if (obj == NULL)
		return;
	/* The retire ring is sized for every object a worker can hold, so this cannot fail. */
	while (rte_ring_enqueue_elem(w->retire, &r, sizeof(r)) != 0)
		rte_pause();
}

/* A mixing leg changes codec: its cohort (opened here when new), decoder, encoder and jitter
 * buffer; the old ones go back to control. Its own stream keeps its SSRC and sequence. */
static void
leg_recodec(struct dp_worker *w, struct dp_leg *leg, struct dp_cmd *c)
{
	struct mix_kit *kit = c->modify.kit;
	struct mix_kit old = {leg->mix.jb, leg->mix.dec, leg->mix.enc};
	if (c->modify.cohort_new != NULL)
		leg->conf->mix.cohort[c->modify.cohort] = c->modify.cohort_new;
	leg->mix.codec = c->modify.cohort;
	leg->mix.jb = kit->jb;
	leg->mix.dec = kit->dec;
	leg->mix.enc = kit->enc;
	leg->mix.has_frame = false;
	dtmf_rx_init(&leg->mix.dtmf);
	leg->p.pt = c->modify.p.pt;
	leg->p.fmt = c->modify.p.fmt;
	leg->p.dtmf_pt = c->modify.p.dtmf_pt;
	leg->clock_rate = c->modify.clock_rate;
	*kit = old;
	retire(w, RETIRE_MIX_KIT, kit);
}

/* The mix's rate rises: every resampler of it at once, between two ticks. */
static void
apply_rate(struct dp_worker *w, struct conf_mix *mx, struct mix_rate_swap *sw)
{
	for (unsigned int i = 0; i < sw->n; i++) {
		struct mrfp_resampler old = *sw->rs[i].target;
		*sw->rs[i].target = sw->rs[i].fresh;
		sw->rs[i].fresh = old;
	}
	mx->rate = sw->rate;
	mx->samples = sw->samples;
	retire(w, RETIRE_RATE_SWAP, sw);
}

static void
apply_modify(struct dp_worker *w, struct dp_cmd *c)
{
	struct dp_leg *leg = c->modify.leg;
	bool remote_changed = !mrfp_addr_equal(&leg->p.remote, &c->modify.p.remote);
	if (c->modify.rx != NULL) {
		retire(w, RETIRE_SESSION, leg->rx);
		leg->rx = c->modify.rx;
		leg->rx_key_id = c->modify.rx_key_id;
		leg->key_told &= (uint8_t) ~(KEY_TOLD_RX_SOFT | KEY_TOLD_RX_HARD);
	}
	if (c->modify.tx != NULL) {
		retire(w, RETIRE_SESSION, leg->tx);
		leg->tx = c->modify.tx;
		leg->tx_key_id = c->modify.tx_key_id;
		leg->key_told &= (uint8_t) ~(KEY_TOLD_TX_SOFT | KEY_TOLD_TX_HARD);
	}
	if (c->modify.kit != NULL)
		leg_recodec(w, leg, c);
	leg->p.mode = c->modify.p.mode;
	leg->p.latch = c->modify.p.latch;
	leg->p.remote = c->modify.p.remote;
	if (remote_changed)
		leg_set_remote(w, leg, &leg->p.remote);
}

/* H.248 Move: the leg changes conference; its port, keys and inbound state stay, its
 * output streams start afresh under a SSRC unique in the new conference. */
static void
apply_move(struct dp_worker *w, const struct dp_leg_move *mv)
{
	if (mv->worker != w->idx) {
		handoff_leg(w, mv);
		return;
	}
	leg_leave_conf(mv->leg);
	leg_enter_conf(mv);
}

/*
 * Make-before-break steps. Control validated each against its own view of the leg's keys,
 * so none can fail here; a slot the session does not take is handed back all the same.
 */
static void
apply_key(struct dp_worker *w, struct dp_cmd *c)
{
	struct dp_leg *leg = c->key.leg;
	struct mrfp_srtp_session *s = leg == NULL ? c->key.conf->mix.group
				      : c->key.tx ? leg->tx
						  : leg->rx;
	struct mrfp_srtp_keyslot *gone = NULL;
	switch (c->type) {
	case CMD_KEY_ADD:
		if (s == NULL || mrfp_srtp_session_add_key(s, c->key.slot) < 0)
			gone = c->key.slot;
		break;
	case CMD_KEY_USE:
		if (s != NULL && mrfp_srtp_session_use_key(s, c->key.mki) == 0 && leg != NULL)
			leg->key_told &= (uint8_t) ~(KEY_TOLD_TX_SOFT | KEY_TOLD_TX_HARD);
		break;
	default:
		gone = s != NULL ? mrfp_srtp_session_remove_key(s, c->key.mki) : NULL;
		break;
	}
	if (gone != NULL)
		retire(w, RETIRE_KEYSLOT, gone);
}

static void
apply(struct dp_worker *w, struct dp_cmd *c)
{
	switch (c->type) {
	case CMD_CONF_ADD:
		if (c->conf->media == MRFP_MEDIA_MIX)
			mix_conf_attach(w, c->conf);
		break;
	case CMD_CONF_REMOVE:
		if (c->conf->media == MRFP_MEDIA_MIX)
			mix_conf_detach(w, c->conf);
		retire(w, RETIRE_CONF, c->conf);
		break;
	case CMD_LEG_ADD:
		leg_attach(w, c->leg);
		break;
	case CMD_LEG_MODIFY:
		apply_modify(w, c);
		break;
	case CMD_LEG_REMOVE:
		leg_detach(w, c->leg);
		retire(w, RETIRE_LEG, c->leg);
		break;
	case CMD_NEIGH_STATIC:
		neigh_set_static(w, &c->neigh);
		break;
	case CMD_LEG_MOVE:
		apply_move(w, &c->move);
		break;
	case CMD_KEY_ADD:
	case CMD_KEY_USE:
	case CMD_KEY_REMOVE:
		apply_key(w, c);
		break;
	case CMD_CONF_RATE:
		apply_rate(w, &c->rate.conf->mix, c->rate.swap);
		break;
	case CMD_CONF_MOVE:
		handoff_conf(w, c->conf_move.conf, c->conf_move.to);
		break;
	case CMD_CONF_SELECT:
		c->select.conf->sel.current = c->select.leg;
		c->select.conf->sel.since_tsc = rte_get_tsc_cycles();
		c->select.conf->sel.mapped = false;
		break;
	default:
		break;
	}
	ctr_add(&w->ctr.commands, 1);
}

void
worker_apply_commands(struct dp_worker *w)
{
	struct dp_cmd cmds[CMDS_PER_LOOP];
	unsigned int n =
		rte_ring_dequeue_burst_elem(w->cmd, cmds, sizeof(cmds[0]), CMDS_PER_LOOP, NULL);
	/* After the commands are taken: a conference handed to us before control posted a
	 * command about it is in the mail by now, and is ours before the command applies. */
	if (w->n_peers > 1)
		handoff_mail_poll(w);
	if (n == 0)
		return;
	for (unsigned int i = 0; i < n; i++)
		apply(w, &cmds[i]);
	/* Frames queued by the commands (neighbour requests) leave before the ack. */
	tx_flush(w);
	/* Pairs with the acquire load in mrfp_dp_sync: everything applied is visible. */
	__atomic_store_n(&w->cmd_done, w->cmd_done + n, __ATOMIC_RELEASE);
}

uint16_t
worker_poll(struct dp_worker *w)
{
	struct rte_mbuf *rx[DP_BURST];
	worker_apply_commands(w);
	uint16_t n = rte_eth_rx_burst(w->port, w->queue, rx, DP_BURST);
	if (n > 0)
		ctr_add(&w->ctr.rx_pkts, n);
	rx_burst(w, rx, n);
	rx_flush(w);
	if (w->n_peers > 1) {
		/* frames other workers handed over are processed as if received here */
		uint16_t k = handoff_take(w, rx, DP_BURST);
		rx_burst(w, rx, k);
		rx_flush(w);
		handoff_flush(w);
	}
	/* Ticks after RX: what arrived in this burst is in the jitter buffers. */
	uint64_t now = rte_get_tsc_cycles();
	if (!TAILQ_EMPTY(&w->mix_confs))
		mix_run_ticks(w, now);
	rtcp_io_run(w, now);
	tx_flush(w);
	return n;
}

int
worker_main(void *arg)
{
	struct dp_worker *w = arg;
	uint64_t t0 = rte_get_tsc_cycles();
	while (!__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
		uint16_t n = worker_poll(w);
		uint64_t t1 = rte_get_tsc_cycles();
		ctr_add(n > 0 ? &w->ctr.busy_cycles : &w->ctr.idle_cycles, t1 - t0);
		t0 = t1;
	}
	worker_apply_commands(w);
	return 0;
}
