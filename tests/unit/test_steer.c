/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering arithmetic (dataplane/ctl/steer_block.c): the port blocks per worker and the
 * value/mask pieces that become rte_flow rules. A wrong block sends a leg's packets to a
 * worker that does not own it; a wrong piece steers ports nobody asked for (or misses some),
 * so every port is checked by brute force rather than sampled. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "steer.h"

#define PIECES 64

struct range {
	uint16_t min, max;
};

/* The default range, the widest the configuration accepts, small and odd-edged ones. */
static const struct range ranges[] = {
	{40000, 49999}, {1024, 65535},	{1024, 1025},
	{1024, 1027},	{1025, 2000},	{2000, 2001},
	{65534, 65535}, {30000, 30130}, {1024, 1024 + 2 * 64 - 1},
};
static const unsigned int worker_counts[] = {1, 2, 3, 64};

static struct mrfp_config
cfg_of(struct range r)
{
	struct mrfp_config c;
	memset(&c, 0, sizeof(c));
	c.port_min = r.min;
	c.port_max = r.max;
	return c;
}

/* Pairs (even RTP port + odd RTCP port) entirely inside the range: what blocks share out. */
static unsigned int
pairs_in(struct range r, unsigned int *first)
{
	*first = (r.min + 1u) & ~1u;
	return r.max + 1u > *first ? (r.max + 1u - *first) / 2 : 0;
}

static unsigned int
block_pairs(uint16_t lo, uint16_t hi)
{
	return lo <= hi ? (hi - lo + 1u) / 2 : 0;
}

/* Blocks of one range and worker count: in order, contiguous, even-started, odd-ended,
 * covering exactly the pairs of the range, sizes within one pair of each other. */
static void
check_blocks(struct range r, unsigned int n)
{
	struct mrfp_config c = cfg_of(r);
	unsigned int first, pairs = pairs_in(r, &first);
	unsigned int next = first, total = 0, non_empty = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint16_t lo, hi;
		steer_block(&c, n, i, &lo, &hi);
		unsigned int k = block_pairs(lo, hi);
		assert_true(k == pairs / n || k == pairs / n + 1);
		if (k == 0)
			continue; /* empty: lo > hi, checked by block_pairs */
		assert_int_equal(lo % 2, 0);
		assert_int_equal(hi % 2, 1);
		assert_int_equal(lo, next); /* in order, no gap, no overlap */
		next = hi + 1u;
		total += k;
		non_empty++;
	}
	assert_int_equal(total, pairs);
	assert_int_equal(next, first + 2 * pairs);
	assert_int_equal(non_empty, pairs < n ? pairs : n);
}

static void
test_blocks_cover_range(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (size_t w = 0; w < sizeof(worker_counts) / sizeof(worker_counts[0]); w++)
			check_blocks(ranges[r], worker_counts[w]);
}

/* RTP and RTCP of every pair go to the same worker, and that worker's block holds them. */
static void
check_worker_of(struct range r, unsigned int n)
{
	struct mrfp_config c = cfg_of(r);
	unsigned int first, pairs = pairs_in(r, &first);
	for (unsigned int p = first; p < first + 2 * pairs; p += 2) {
		unsigned int w = steer_worker_of(&c, n, (uint16_t)p);
		assert_int_equal(steer_worker_of(&c, n, (uint16_t)(p + 1)), w);
		assert_true(w < n);
		uint16_t lo, hi;
		steer_block(&c, n, w, &lo, &hi);
		assert_true(p >= lo && p + 1 <= hi);
	}
	/* a port outside every block (odd port_min, an odd last port) goes to the last worker */
	if (r.max >= first + 2 * pairs)
		assert_int_equal(steer_worker_of(&c, n, r.max), n - 1);
}

static void
test_pairs_stay_together(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (size_t w = 0; w < sizeof(worker_counts) / sizeof(worker_counts[0]); w++)
			check_worker_of(ranges[r], worker_counts[w]);
}

/* Two workers split 40000-49999 in halves; 64 workers on 3 pairs: three one-pair blocks. */
static void
test_blocks_known_values(void **state)
{
	(void)state;
	struct mrfp_config c = cfg_of((struct range){40000, 49999});
	uint16_t lo, hi;
	steer_block(&c, 2, 0, &lo, &hi);
	assert_int_equal(lo, 40000);
	assert_int_equal(hi, 44999);
	steer_block(&c, 2, 1, &lo, &hi);
	assert_int_equal(lo, 45000);
	assert_int_equal(hi, 49999);
	steer_block(&c, 1, 0, &lo, &hi);
	assert_int_equal(lo, 40000);
	assert_int_equal(hi, 49999);

	c = cfg_of((struct range){1024, 1029});
	unsigned int one_pair = 0;
	for (unsigned int i = 0; i < 64; i++) {
		steer_block(&c, 64, i, &lo, &hi);
		if (lo <= hi) {
			assert_int_equal(hi - lo, 1);
			one_pair++;
		}
	}
	assert_int_equal(one_pair, 3);
}

/* Empty blocks never wrap around into a full range (a range ending at 65535, port_min 0). */
static void
test_empty_blocks_do_not_wrap(void **state)
{
	(void)state;
	static const struct range edge[] = {{0, 1}, {65534, 65535}, {0, 0}, {2000, 2000}};
	for (size_t r = 0; r < sizeof(edge) / sizeof(edge[0]); r++) {
		struct mrfp_config c = cfg_of(edge[r]);
		unsigned int first, pairs = pairs_in(edge[r], &first);
		for (unsigned int i = 0; i < 3; i++) {
			uint16_t lo, hi;
			steer_block(&c, 3, i, &lo, &hi);
			assert_true(block_pairs(lo, hi) <= pairs);
			if (lo <= hi)
				assert_true(lo >= first && hi < first + 2 * pairs);
		}
	}
}

/* The minimal count of aligned power-of-two pieces covering [lo, hi]: walk the binary trie
 * of the port space; a node inside the range is one piece, a node outside none. */
static unsigned int
min_pieces(uint32_t base, uint32_t size, uint32_t lo, uint32_t hi)
{
	if (base > hi || base + size - 1 < lo)
		return 0;
	if (base >= lo && base + size - 1 <= hi)
		return 1;
	return min_pieces(base, size / 2, lo, hi) + min_pieces(base + size / 2, size / 2, lo, hi);
}

/* Every port 0..65535 matches exactly one piece when inside [lo, hi], none outside; every
 * mask is a prefix (high ones) and every value aligned to it; no more pieces than needed. */
static void
check_masks(uint16_t lo, uint16_t hi)
{
	struct mrfp_port_mask pm[PIECES];
	unsigned int n = steer_masks(lo, hi, pm, PIECES);
	assert_true(n <= 30); /* two pieces per bit at most, less the ends */
	assert_int_equal(n, min_pieces(0, 0x10000, lo, hi));
	for (unsigned int k = 0; k < n; k++) {
		uint16_t inv = (uint16_t)~pm[k].mask;
		assert_int_equal(inv & (inv + 1u) & 0xffff, 0); /* ~mask is 2^b - 1 */
		assert_int_equal(pm[k].value & inv, 0);
	}
	for (uint32_t port = 0; port <= 0xffff; port++) {
		unsigned int hits = 0;
		for (unsigned int k = 0; k < n; k++)
			hits += (port & pm[k].mask) == (pm[k].value & pm[k].mask);
		assert_int_equal(hits, port >= lo && port <= hi ? 1 : 0);
	}
}

static void
test_masks_exact_cover(void **state)
{
	(void)state;
	static const struct range r[] = {
		{40000, 44999}, {45000, 49999}, {0, 65535},   {1024, 2047},   {1026, 2047},
		{2, 3},		{65534, 65535}, {1, 65534},   {12345, 12345}, {0, 0},
		{65535, 65535}, {32767, 32768}, {1024, 1027}, {30000, 30129},
	};
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		check_masks(r[i].min, r[i].max);
}

/* The pieces of the blocks that install uses, for every range and worker count. */
static void
test_masks_of_blocks(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		struct mrfp_config c = cfg_of(ranges[r]);
		for (unsigned int i = 0; i < 3; i++) {
			uint16_t lo, hi;
			steer_block(&c, 3, i, &lo, &hi);
			if (lo <= hi)
				check_masks(lo, hi);
		}
	}
}

static void
test_masks_known_counts(void **state)
{
	(void)state;
	struct mrfp_port_mask pm[PIECES];
	assert_int_equal(steer_masks(0, 65535, pm, PIECES), 1);
	assert_int_equal(pm[0].mask, 0);
	assert_int_equal(steer_masks(1024, 2047, pm, PIECES), 1);
	assert_int_equal(pm[0].value, 1024);
	assert_int_equal(pm[0].mask, 0xfc00);
	assert_int_equal(steer_masks(1, 65534, pm, PIECES), 30);
	/* an empty range needs nothing */
	assert_int_equal(steer_masks(2, 0, pm, PIECES), 0);
}

/* Asked for fewer than needed: the count is still the full one, nothing past max written. */
static void
test_masks_truncated(void **state)
{
	(void)state;
	struct mrfp_port_mask pm[4];
	memset(pm, 0xab, sizeof(pm));
	unsigned int n = steer_masks(40000, 44999, pm, 2);
	assert_true(n > 2);
	assert_int_equal(pm[2].value, 0xabab);
	assert_int_equal(pm[3].mask, 0xabab);
	assert_int_equal(steer_masks(40000, 44999, NULL, 0), n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_cover_range),
		cmocka_unit_test(test_pairs_stay_together),
		cmocka_unit_test(test_blocks_known_values),
		cmocka_unit_test(test_empty_blocks_do_not_wrap),
		cmocka_unit_test(test_masks_exact_cover),
		cmocka_unit_test(test_masks_of_blocks),
		cmocka_unit_test(test_masks_known_counts),
		cmocka_unit_test(test_masks_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
