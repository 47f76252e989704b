/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control side of workers as a resource: placing conferences (place.c's policy over a
 * snapshot of the workers), admission, load samples, moving a conference between workers
 * and draining one. Every change of owner goes through the old owner's command ring
 * (worker.c CMD_CONF_MOVE, handoff.c handoff_conf).
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_lcore.h>

#include "mrfp_workers.h"

#include "dp_log.h"
#include "dp_priv.h"
#include "place.h"
#include "steer.h"

#define MOVE_WAIT_MS 2000

static struct mrfp_place_worker
snapshot(const struct dp_worker *w)
{
	return (struct mrfp_place_worker){.node = w->node,
					  .legs = w->ctl_legs,
					  .pps = w->ctl_pps,
					  .draining = w->ctl_draining};
}

static struct mrfp_place_limits
limits(const struct mrfp_dp *dp)
{
	return (struct mrfp_place_limits){.max_legs = dp->cfg.max_legs_per_worker,
					  .max_pps = dp->cfg.max_pps_per_worker};
}

int
mrfp_dp_port_node(const struct mrfp_dp *dp)
{
	return dp->port_node;
}

/* The worker for a new conference, never `skip`; NULL when none admits one more leg. */
struct dp_worker *
dp_place(struct mrfp_dp *dp, int skip)
{
	struct mrfp_place_worker snap[MRFP_MAX_WORKERS];
	for (unsigned int i = 0; i < dp->n_workers; i++)
		snap[i] = snapshot(dp->w[i]);
	struct mrfp_place_limits lim = limits(dp);
	int i = place_choose(snap, dp->n_workers, mrfp_dp_port_node(dp), &lim, skip);
	return i < 0 ? NULL : dp->w[i];
}

bool
mrfp_dp_full(struct mrfp_dp *dp)
{
	return dp_place(dp, -1) == NULL;
}

bool
dp_admits(struct mrfp_dp *dp, const struct dp_worker *w, unsigned int legs)
{
	struct mrfp_place_worker snap = snapshot(w);
	struct mrfp_place_limits lim = limits(dp);
	return place_admits(&snap, &lim, legs);
}

void
mrfp_dp_load_sample(struct mrfp_dp *dp)
{
	uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();
	if (now - dp->load_tsc < hz / 10)
		return;
	dp->load_tsc = now;
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = dp->w[i];
		uint64_t pkts = __atomic_load_n(&w->ctr.rx_pkts, __ATOMIC_RELAXED) +
				__atomic_load_n(&w->ctr.tx_pkts, __ATOMIC_RELAXED);
		if (w->ctl_tsc != 0 && now > w->ctl_tsc)
			w->ctl_pps = (pkts - w->ctl_pkts) * hz / (now - w->ctl_tsc);
		w->ctl_pkts = pkts;
		w->ctl_tsc = now;
	}
}

int
mrfp_dp_worker_info(struct mrfp_dp *dp, unsigned int worker, struct mrfp_worker_info *out)
{
	if (worker >= dp->n_workers)
		return -EINVAL;
	const struct dp_worker *w = dp->w[worker];
	*out = (struct mrfp_worker_info){.lcore = w->lcore,
					 .node = w->node,
					 .conferences = w->ctl_confs,
					 .legs = w->ctl_legs,
					 .pps = w->ctl_pps,
					 .draining = w->ctl_draining};
	return 0;
}

int
mrfp_dp_conf_worker(struct mrfp_dp *dp, uint32_t conf_id)
{
	const struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	return c == NULL ? -ENOENT : (int)c->worker;
}

/* Control's view follows once the old owner let go (commands to it are applied in order,
 * so after a timeout the move still happens before anything posted later). */
static void
conf_moved(struct mrfp_dp *dp, struct dp_conf *c, unsigned int to)
{
	struct dp_worker *from = dp->w[c->worker];
	unsigned int legs = c->ctl_legs;
	from->ctl_legs -= legs;
	from->ctl_confs--;
	dp->w[to]->ctl_legs += legs;
	dp->w[to]->ctl_confs++;
	pthread_mutex_lock(&dp->lock);
	c->worker = to;
	for (unsigned int i = 0; i < legs; i++)
		mrfp_dp_conf_member(c, i)->worker = to;
	pthread_mutex_unlock(&dp->lock);
	/* With flow rules, the legs' frames now go straight to the new owner (not fatal if the
	 * NIC refuses: they are handed over) */
	for (unsigned int i = 0; i < legs; i++)
		(void)steer_leg_rules(dp, mrfp_dp_conf_member(c, i), to);
}

int
mrfp_dp_conf_move(struct mrfp_dp *dp, uint32_t conf_id, unsigned int worker)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	if (c == NULL)
		return -ENOENT;
	if (worker >= dp->n_workers)
		return -EINVAL;
	if (worker == c->worker)
		return 0;
	if (!dp_admits(dp, dp->w[worker], c->ctl_legs))
		return -ENOSPC;
	struct dp_cmd cmd = {.type = CMD_CONF_MOVE, .conf_move = {.conf = c, .to = worker}};
	int rc = dp_post(dp, dp->w[c->worker], &cmd);
	if (rc < 0)
		return rc;
	rc = dp_wait_applied(dp, MOVE_WAIT_MS);
	conf_moved(dp, c, worker);
	return rc;
}

/* Conference ids on one worker (a batch: moving changes the registry's iteration). */
static unsigned int
confs_on(struct mrfp_dp *dp, unsigned int worker, uint32_t *ids, unsigned int max)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	unsigned int n = 0;
	while (n < max && rte_hash_iterate(dp->confs, &key, &data, &next) >= 0) {
		const struct dp_conf *c = data;
		if (c->worker == worker)
			ids[n++] = c->id;
	}
	return n;
}

int
mrfp_dp_worker_drain(struct mrfp_dp *dp, unsigned int worker, bool drain)
{
	uint32_t ids[64];
	unsigned int n;
	int moved = 0;
	if (worker >= dp->n_workers)
		return -EINVAL;
	dp->w[worker]->ctl_draining = drain;
	if (!drain)
		return 0;
	while ((n = confs_on(dp, worker, ids, RTE_DIM(ids))) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct dp_worker *to = dp_place(dp, (int)worker);
			int rc = to == NULL ? -ENOSPC : mrfp_dp_conf_move(dp, ids[i], to->idx);
			if (rc < 0)
				return rc;
			moved++;
		}
	}
	DP_LOG(INFO, "worker %u drained: %d conferences moved", worker, moved);
	return moved;
}
