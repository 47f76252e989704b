/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers as a resource: where conferences live, moving one between workers, draining a
 * worker, and each worker's load. Control thread unless a function says otherwise.
 *
 * A conference is placed on the worker with the lowest load (measured packets per second,
 * or MRFP_PLACE_LEG_PPS per leg if more) among those admitting one more leg, counting
 * workers off the NIC's NUMA node half again; all its legs live there. Admission limits
 * (config max-legs-per-worker, max-pps-per-worker) refuse new conferences and legs with
 * -ENOSPC (Mp: 510) instead of degrading the ones a worker serves.
 */
#ifndef MRFP_WORKERS_H
#define MRFP_WORKERS_H

#include <stdbool.h>
#include <stdint.h>

struct mrfp_dp;

struct mrfp_worker_info {
	unsigned int lcore;
	int node; /* NUMA node of its lcore (libnuma), -1 unknown */
	unsigned int conferences;
	unsigned int legs;
	uint64_t pps; /* rx + tx packets per second, last sample */
	bool draining;
};

/* 0 or -EINVAL (no such worker). Any thread. */
int mrfp_dp_worker_info(struct mrfp_dp *dp, unsigned int worker, struct mrfp_worker_info *out);
/* The worker a conference lives on, or -ENOENT. */
int mrfp_dp_conf_worker(struct mrfp_dp *dp, uint32_t conf_id);
/* NUMA node of the media port, -1 unknown. */
int mrfp_dp_port_node(const struct mrfp_dp *dp);

/*
 * Move a conference with its legs to another worker, in the middle of its media: nothing is
 * lost, no key or stream state restarts (the objects move, not copies). Returns when the
 * old worker has let go; the new one takes over before it handles anything of it.
 * 0, -ENOENT, -EINVAL (no such worker), -ENOSPC (the worker does not admit its legs),
 * -ETIMEDOUT (the old worker did not answer; the move is queued and happens when it does).
 */
int mrfp_dp_conf_move(struct mrfp_dp *dp, uint32_t conf_id, unsigned int worker);
/*
 * Stop placing conferences on a worker (draining) or start again; when draining, also move
 * every conference it has to the others. Count moved, or -errno of the first failure
 * (-ENOSPC: no room elsewhere; what moved stays moved).
 */
int mrfp_dp_worker_drain(struct mrfp_dp *dp, unsigned int worker, bool drain);
/* Refresh the load figures (called from mrfp_dp_reap, at most once per 100 ms). */
void mrfp_dp_load_sample(struct mrfp_dp *dp);

#endif
