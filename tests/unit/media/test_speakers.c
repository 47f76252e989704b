/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active-speaker selection: the rules one by one (top k, ties, floor, hangover, displacement,
 * k >= n), then a long random run against a sort-based model of the same rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "speakers.h"

#define FLOOR 100

static void
set_levels(struct mrfp_speaker *s, const uint32_t *levels, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		s[i].level = levels[i];
}

static unsigned
active_mask(const struct mrfp_speaker *s, unsigned n)
{
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++) {
		assert_true(s[i].active == 0 || s[i].active == 1);
		m |= (unsigned)s[i].active << i;
	}
	return m;
}

static void
test_top_k(void **state)
{
	(void)state;
	struct mrfp_speaker s[6] = {0};
	const uint32_t lv[6] = {10, 500, 300, 800, 150, 700};
	set_levels(s, lv, 6);
	assert_int_equal(speakers_update(s, 6, 3, 5, FLOOR), 3);
	assert_int_equal(active_mask(s, 6), 1u << 1 | 1u << 3 | 1u << 5);
	assert_int_equal(speakers_update(s, 6, 1, 5, FLOOR), 1);
	assert_int_equal(active_mask(s, 6), 1u << 3);
	assert_int_equal(speakers_update(s, 6, 0, 5, FLOOR), 0);
	assert_int_equal(active_mask(s, 6), 0);
}

static void
test_ties_by_index(void **state)
{
	(void)state;
	struct mrfp_speaker s[5] = {0};
	const uint32_t lv[5] = {400, 400, 900, 400, 400};
	set_levels(s, lv, 5);
	assert_int_equal(speakers_update(s, 5, 3, 0, FLOOR), 3);
	assert_int_equal(active_mask(s, 5), 1u << 0 | 1u << 1 | 1u << 2);
}

static void
test_floor(void **state)
{
	(void)state;
	struct mrfp_speaker s[4] = {0};
	const uint32_t lv[4] = {FLOOR, FLOOR + 1, 0, 99};
	set_levels(s, lv, 4);
	assert_int_equal(speakers_update(s, 4, 3, 5, FLOOR), 1); /* at the floor: no */
	assert_int_equal(active_mask(s, 4), 1u << 1);
}

/* A talker's pause shorter than the hangover does not cost its seat; a longer one does. */
static void
test_hangover_keeps_pausing_talker(void **state)
{
	(void)state;
	struct mrfp_speaker s[3] = {0};
	const uint32_t talk[3] = {1000, 0, 0}, quiet[3] = {0, 0, 0};
	set_levels(s, talk, 3);
	assert_int_equal(speakers_update(s, 3, 2, 4, FLOOR), 1);
	set_levels(s, quiet, 3);
	for (int t = 0; t < 4; t++) { /* exactly hangover_ticks more ticks */
		assert_int_equal(speakers_update(s, 3, 2, 4, FLOOR), 1);
		assert_int_equal(active_mask(s, 3), 1);
	}
	assert_int_equal(speakers_update(s, 3, 2, 4, FLOOR), 0);
	/* Talking again resets the hangover. */
	set_levels(s, talk, 3);
	speakers_update(s, 3, 2, 4, FLOOR);
	set_levels(s, quiet, 3);
	for (int t = 0; t < 3; t++)
		speakers_update(s, 3, 2, 4, FLOOR);
	set_levels(s, talk, 3);
	speakers_update(s, 3, 2, 4, FLOOR);
	set_levels(s, quiet, 3);
	for (int t = 0; t < 4; t++)
		assert_int_equal(speakers_update(s, 3, 2, 4, FLOOR), 1);
	/* No hangover: out at once. */
	set_levels(s, talk, 3);
	speakers_update(s, 3, 2, 0, FLOOR);
	set_levels(s, quiet, 3);
	assert_int_equal(speakers_update(s, 3, 2, 0, FLOOR), 0);
}

/* A new talker takes the seat of one in hangover, even a quieter new talker. */
static void
test_displacement(void **state)
{
	(void)state;
	struct mrfp_speaker s[4] = {0};
	const uint32_t a[4] = {900, 800, 0, 0}, b[4] = {900, 0, 200, 0}, c[4] = {900, 0, 0, 0};
	set_levels(s, a, 4);
	assert_int_equal(speakers_update(s, 4, 2, 50, FLOOR), 2);
	set_levels(s, b, 4); /* leg 1 pauses, leg 2 starts */
	assert_int_equal(speakers_update(s, 4, 2, 50, FLOOR), 2);
	assert_int_equal(active_mask(s, 4), 1u << 0 | 1u << 2);
	set_levels(s, c, 4); /* leg 1 lost its seat for good: no return on hangover */
	assert_int_equal(speakers_update(s, 4, 2, 50, FLOOR), 2);
	assert_int_equal(active_mask(s, 4), 1u << 0 | 1u << 2);
	/* A loud newcomer displaces the quietest claimant when all seats are claimed. */
	const uint32_t d[4] = {900, 0, 200, 300};
	set_levels(s, d, 4);
	assert_int_equal(speakers_update(s, 4, 2, 50, FLOOR), 2);
	assert_int_equal(active_mask(s, 4), 1u << 0 | 1u << 3);
}

/* With a free seat, a leg in hangover keeps it; the most recent talker first. */
static void
test_holders_fill_free_seats(void **state)
{
	(void)state;
	struct mrfp_speaker s[4] = {0};
	const uint32_t all[4] = {500, 500, 500, 0}, two[4] = {0, 500, 500, 0};
	const uint32_t one[4] = {0, 0, 500, 0}, none[4] = {0};
	set_levels(s, all, 4);
	speakers_update(s, 4, 3, 10, FLOOR);
	set_levels(s, two, 4); /* leg 0 pauses first */
	speakers_update(s, 4, 3, 10, FLOOR);
	set_levels(s, one, 4);
	speakers_update(s, 4, 3, 10, FLOOR);
	assert_int_equal(active_mask(s, 4), 7);
	set_levels(s, none, 4);
	/* Three seats, three legs in hangover: all keep their seats. */
	assert_int_equal(speakers_update(s, 4, 3, 10, FLOOR), 3);
	/* k shrinks to 2: the two most recent talkers (2, then 1) keep the seats. */
	assert_int_equal(speakers_update(s, 4, 2, 10, FLOOR), 2);
	assert_int_equal(active_mask(s, 4), 1u << 1 | 1u << 2);
}

static void
test_k_at_least_n(void **state)
{
	(void)state;
	struct mrfp_speaker s[5] = {0};
	const uint32_t lv[5] = {500, 0, 700, 300, 101};
	set_levels(s, lv, 5);
	assert_int_equal(speakers_update(s, 5, 5, 3, FLOOR), 4);
	assert_int_equal(active_mask(s, 5), 0x1d);
	assert_int_equal(speakers_update(s, 5, 100, 3, FLOOR), 4);
	assert_int_equal(speakers_update(s, 0, 3, 3, FLOOR), 0);
}

/* ---- model: the same rules written with sorting ---- */

struct model {
	uint32_t level;
	unsigned hang;
	int active;
};

static const struct model *cmp_base;

static int
by_level(const void *a, const void *b)
{
	unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
	if (cmp_base[i].level != cmp_base[j].level)
		return cmp_base[i].level > cmp_base[j].level ? -1 : 1;
	return i < j ? -1 : 1;
}

static int
by_hang(const void *a, const void *b)
{
	unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
	if (cmp_base[i].hang != cmp_base[j].hang)
		return cmp_base[i].hang > cmp_base[j].hang ? -1 : 1;
	return i < j ? -1 : 1;
}

static void
model_update(struct model *m, unsigned n, unsigned k, unsigned hangover)
{
	unsigned claim[64], hold[64], nc = 0, nh = 0;
	int seated[64] = {0};
	for (unsigned i = 0; i < n; i++) {
		if (m[i].level > FLOOR)
			claim[nc++] = i;
		else if (m[i].active && m[i].hang > 0)
			hold[nh++] = i;
	}
	cmp_base = m;
	qsort(claim, nc, sizeof(claim[0]), by_level);
	qsort(hold, nh, sizeof(hold[0]), by_hang);
	unsigned seats = k;
	for (unsigned c = 0; c < nc && seats > 0; c++, seats--) {
		seated[claim[c]] = 1;
		m[claim[c]].hang = hangover;
	}
	for (unsigned h = 0; h < nh && seats > 0; h++, seats--) {
		seated[hold[h]] = 1;
		m[hold[h]].hang--;
	}
	for (unsigned i = 0; i < n; i++) {
		m[i].active = seated[i];
		if (!seated[i])
			m[i].hang = 0;
	}
}

static void
test_random_against_model(void **state)
{
	(void)state;
	enum { LEGS = 40 };
	struct mrfp_speaker s[LEGS] = {0};
	struct model m[LEGS] = {0};
	uint64_t r = 12345;
	for (int tick = 0; tick < 20000; tick++) {
		unsigned k = 1 + (unsigned)(tick / 2000) % 6, hang = (unsigned)(tick / 5000) * 3;
		for (unsigned i = 0; i < LEGS; i++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			/* Most legs quiet, a few talking in bursts, coarse levels to make ties. */
			uint32_t x = (uint32_t)(r >> 33);
			uint32_t lv = (x % 100) < 85 ? x % 90 : 100 + (x % 8) * 100;
			s[i].level = m[i].level = lv;
		}
		unsigned got = speakers_update(s, LEGS, k, hang, FLOOR);
		model_update(m, LEGS, k, hang);
		unsigned want = 0;
		for (unsigned i = 0; i < LEGS; i++) {
			want += (unsigned)m[i].active;
			if (s[i].active != m[i].active || s[i].hang != m[i].hang)
				fail_msg("tick %d leg %u: active %u hang %u, model %d %u", tick, i,
					 s[i].active, s[i].hang, m[i].active, m[i].hang);
		}
		assert_int_equal(got, want);
		assert_true(got <= k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_k),
		cmocka_unit_test(test_ties_by_index),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_hangover_keeps_pausing_talker),
		cmocka_unit_test(test_displacement),
		cmocka_unit_test(test_holders_fill_free_seats),
		cmocka_unit_test(test_k_at_least_n),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
