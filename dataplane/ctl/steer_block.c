/* SPDX-License-Identifier: BSD-3-Clause */
/* The pure arithmetic of flow steering: port blocks per worker and their mask pieces. */
#include "steer.h"

/* First even port of the range and how many RTP/RTCP pairs it holds. */
static void
pairs_of(const struct mrfp_config *cfg, unsigned int *first, unsigned int *pairs)
{
	*first = (cfg->port_min + 1u) & ~1u;
	*pairs = cfg->port_max + 1u > *first ? (cfg->port_max + 1u - *first) / 2 : 0;
}

void
steer_block(const struct mrfp_config *cfg, unsigned int n_workers, unsigned int i, uint16_t *lo,
	    uint16_t *hi)
{
	unsigned int first, pairs;
	pairs_of(cfg, &first, &pairs);
	if (n_workers == 0)
		n_workers = 1;
	unsigned int from = (unsigned int)((uint64_t)pairs * i / n_workers);
	unsigned int to = (unsigned int)((uint64_t)pairs * (i + 1) / n_workers);
	if (to == from) {
		/* empty (more workers than pairs, or no pair at all): [lo, lo - 1] would wrap
		 * to a full range when lo is 0, as for port_min 0 or a range at 65535 */
		*lo = 2;
		*hi = 0;
		return;
	}
	*lo = (uint16_t)(first + 2 * from);
	*hi = (uint16_t)(first + 2 * to - 1);
}

unsigned int
steer_worker_of(const struct mrfp_config *cfg, unsigned int n_workers, uint16_t port)
{
	for (unsigned int i = 0; i < n_workers; i++) {
		uint16_t lo, hi;
		steer_block(cfg, n_workers, i, &lo, &hi);
		if (port >= lo && port <= hi)
			return i;
	}
	return n_workers == 0 ? 0 : n_workers - 1;
}

unsigned int
steer_masks(uint16_t lo, uint16_t hi, struct mrfp_port_mask *out, unsigned int max)
{
	unsigned int n = 0;
	uint32_t at = lo;
	while (lo <= hi && at <= hi) {
		/* the largest aligned piece starting at `at` that stays inside [at, hi] */
		uint32_t size = at == 0 ? 0x10000 : at & -at;
		while (at + size - 1 > hi)
			size >>= 1;
		if (n < max)
			out[n] = (struct mrfp_port_mask){.value = (uint16_t)at,
							 .mask = (uint16_t) ~(size - 1)};
		n++;
		at += size;
	}
	return n;
}
