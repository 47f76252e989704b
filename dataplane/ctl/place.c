/* SPDX-License-Identifier: BSD-3-Clause */
/* Conference placement and admission (see place.h), and the NUMA topology from libnuma. */
#include <errno.h>

#include <numa.h>

#include "place.h"

uint64_t
place_load(const struct mrfp_place_worker *w)
{
	uint64_t expected = (uint64_t)w->legs * MRFP_PLACE_LEG_PPS;
	return w->pps > expected ? w->pps : expected;
}

bool
place_admits(const struct mrfp_place_worker *w, const struct mrfp_place_limits *lim,
	     unsigned int legs)
{
	if (lim->max_legs != 0 && w->legs + legs > lim->max_legs)
		return false;
	return lim->max_pps == 0 ||
	       place_load(w) + (uint64_t)legs * MRFP_PLACE_LEG_PPS <= lim->max_pps;
}

/* What taking one more leg would cost on this worker, in comparable units. */
static uint64_t
cost(const struct mrfp_place_worker *w, int nic_node)
{
	uint64_t c = (place_load(w) + MRFP_PLACE_LEG_PPS) * MRFP_PLACE_REMOTE_DEN;
	if (nic_node >= 0 && w->node >= 0 && w->node != nic_node)
		c = c / MRFP_PLACE_REMOTE_DEN * MRFP_PLACE_REMOTE_NUM;
	return c;
}

int
place_choose(const struct mrfp_place_worker *w, unsigned int n, int nic_node,
	     const struct mrfp_place_limits *lim, int skip)
{
	int best = -ENOSPC;
	uint64_t best_cost = UINT64_MAX;
	for (unsigned int i = 0; i < n; i++) {
		if ((int)i == skip || w[i].draining || !place_admits(&w[i], lim, 1))
			continue;
		uint64_t c = cost(&w[i], nic_node);
		if (c < best_cost) {
			best_cost = c;
			best = (int)i;
		}
	}
	return best;
}

int
place_node_of_cpu(unsigned int cpu)
{
	if (numa_available() < 0)
		return -1;
	return numa_node_of_cpu((int)cpu);
}

int
place_numa_nodes(void)
{
	if (numa_available() < 0)
		return 1;
	int n = numa_num_configured_nodes();
	return n < 1 ? 1 : n;
}
