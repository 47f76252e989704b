/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering: which worker's RX queue the NIC delivers a local UDP port to.
 *
 * The local port range is cut into one contiguous block per worker (RTP and RTCP ports of
 * a leg always fall in the same block). Control allocates a leg's port from the block of
 * its conference's worker, so a NIC that takes rte_flow rules (one QUEUE rule per aligned
 * power-of-two piece of each block, matched on the UDP destination port under a mask)
 * delivers every packet to its owner. Without such rules RSS spreads packets and the
 * worker that receives one for another worker's port hands it over (worker handoff ring).
 */
#ifndef MRFP_STEER_H
#define MRFP_STEER_H

#include <stdint.h>

#include "mrfp_config.h"

struct mrfp_dp;

/* One rte_flow match: UDP destination port & mask == value & mask. Host order. */
struct mrfp_port_mask {
	uint16_t value;
	uint16_t mask;
};

/* Ports [*lo, *hi] (inclusive, *lo even) steered to worker i of n. An empty block (more
 * workers than port pairs) has *lo > *hi. Pure. */
void steer_block(const struct mrfp_config *cfg, unsigned int n_workers, unsigned int i,
		 uint16_t *lo, uint16_t *hi);
/* The worker whose block holds port (n_workers - 1 for ports past the last block). Pure. */
unsigned int steer_worker_of(const struct mrfp_config *cfg, unsigned int n_workers, uint16_t port);
/* Cover [lo, hi] exactly with aligned value/mask pieces; how many were needed (may exceed
 * max: then only max were written). Pure. */
unsigned int steer_masks(uint16_t lo, uint16_t hi, struct mrfp_port_mask *out, unsigned int max);

/* Install the steering rules on the media port (after it started). 0: every block is
 * steered; -ENOTSUP (or another -errno): no rule left installed, RSS and handoff rings
 * carry the load. Logs which. Control thread. */
int steer_install(struct mrfp_dp *dp);
/* Remove what steer_install installed. Safe when nothing was. */
void steer_remove(struct mrfp_dp *dp);

struct dp_leg;
/* A leg now served by `worker` (its conference moved): when the port is steered and that is
 * not its block's worker, exact rules for its ports send them there, ranked above the block
 * rules; otherwise none. 0, or -errno (no rule then: its frames are handed over). */
int steer_leg_rules(struct mrfp_dp *dp, struct dp_leg *leg, unsigned int worker);
/* Remove a leg's exact rules, if any (leg removal, teardown). */
void steer_leg_forget(struct mrfp_dp *dp, struct dp_leg *leg);

#endif
