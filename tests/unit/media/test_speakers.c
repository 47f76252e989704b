/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active-speaker selection: the rules one by one (free seats loudest first, ties, floor,
 * hangover, the +3 dB margin, the claim time, k >= n), five jittery talkers of one loudness
 * against a stateless loudest-k reference, then a long random run checked against the rules'
 * invariants.
 */
#include <math.h>
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

/* Ticks of 20 ms: the policy speakers_update uses. */
#define CLAIM (SPEAKERS_CLAIM_MS / 20)

/* Run ticks with the same levels; returns the active mask after the last one. */
static unsigned
run(struct mrfp_speaker *s, unsigned n, const uint32_t *levels, unsigned k, unsigned hang,
    unsigned ticks)
{
	set_levels(s, levels, n);
	for (unsigned t = 0; t < ticks; t++)
		speakers_update(s, n, k, hang, FLOOR);
	return active_mask(s, n);
}

/* Ticks until leg i is seated (levels held), or limit + 1. */
static unsigned
ticks_until_seated(struct mrfp_speaker *s, unsigned n, const uint32_t *levels, unsigned k,
		   unsigned hang, unsigned i, unsigned limit)
{
	set_levels(s, levels, n);
	for (unsigned t = 1; t <= limit; t++) {
		speakers_update(s, n, k, hang, FLOOR);
		if (s[i].active)
			return t;
	}
	return limit + 1;
}

/* A newcomer less than 3 dB louder than the seated speakers never takes a seat; one just
 * over 3 dB louder takes the weakest seat (equal: the higher index). */
static void
test_margin(void **state)
{
	(void)state;
	struct mrfp_speaker s[3] = {0};
	const uint32_t seated[3] = {500, 500, 0};
	const uint32_t under[3] = {500, 500, 690}, over[3] = {500, 500, 720};
	assert_int_equal(run(s, 3, seated, 2, 10, 50), 3);
	set_levels(s, under, 3);
	for (int t = 0; t < 1000; t++) {
		assert_int_equal(speakers_update(s, 3, 2, 10, FLOOR), 2);
		assert_int_equal(active_mask(s, 3), 3);
	}
	assert_true(ticks_until_seated(s, 3, over, 2, 10, 2, 100) <= 100);
	assert_int_equal(active_mask(s, 3), 1u << 0 | 1u << 2);
}

/* A louder newcomer waits the claim time, then displaces the weakest seated speaker. */
static void
test_claim_time(void **state)
{
	(void)state;
	struct mrfp_speaker s[3] = {0};
	const uint32_t seated[3] = {400, 450, 0}, loud[3] = {400, 450, 1200};
	assert_int_equal(run(s, 3, seated, 2, 10, 50), 3);
	/* its smoothed level passes 1.41 x 400 after 5 ticks, then CLAIM ticks of claim */
	unsigned t = ticks_until_seated(s, 3, loud, 2, 10, 2, 100);
	assert_true(t > CLAIM);
	assert_true(t <= CLAIM + 6);
	assert_int_equal(active_mask(s, 3), 1u << 1 | 1u << 2);
}

/* A claim that lapses (the claimant falls silent) starts over from nothing. */
static void
test_interrupted_claim_starts_over(void **state)
{
	(void)state;
	struct mrfp_speaker s[3] = {0};
	const uint32_t seated[3] = {400, 450, 0}, loud[3] = {400, 450, 1200};
	const uint32_t stop[3] = {400, 450, 0};
	assert_int_equal(run(s, 3, seated, 2, 10, 50), 3);
	set_levels(s, loud, 3);
	for (int t = 0; s[2].claim < CLAIM - 1; t++) {
		assert_true(t < 100);
		speakers_update(s, 3, 2, 10, FLOOR);
	}
	set_levels(s, stop, 3);
	for (int t = 0; s[2].claim > 0; t++) {
		assert_true(t < 20);
		speakers_update(s, 3, 2, 10, FLOOR);
		assert_int_equal(active_mask(s, 3), 3);
	}
	unsigned t = ticks_until_seated(s, 3, loud, 2, 10, 2, 100);
	assert_true(t >= CLAIM);
	assert_true(t <= CLAIM + 6);
}

/* A speaker who pauses gives way to a talker of the same level before its hangover ends, and
 * does not get the seat back by talking again at that level. */
static void
test_pausing_speaker_gives_way(void **state)
{
	(void)state;
	struct mrfp_speaker s[3] = {0};
	const uint32_t two[3] = {600, 600, 0}, pause[3] = {0, 600, 600}, all[3] = {600, 600, 600};
	assert_int_equal(run(s, 3, two, 2, 50, 50), 3);
	unsigned t = ticks_until_seated(s, 3, pause, 2, 50, 2, 100);
	assert_true(t > CLAIM);
	assert_true(t < 50);
	assert_int_equal(active_mask(s, 3), 1u << 1 | 1u << 2);
	assert_int_equal(run(s, 3, all, 2, 50, 500), 1u << 1 | 1u << 2);
}

/* Two claimants ready in the same tick take seats on consecutive ticks, each against the
 * weakest seated speaker of its tick. */
static void
test_one_displacement_per_tick(void **state)
{
	(void)state;
	struct mrfp_speaker s[4] = {0};
	const uint32_t seated[4] = {300, 300, 0, 0}, loud[4] = {300, 300, 1200, 1200};
	assert_int_equal(run(s, 4, seated, 2, 10, 50), 3);
	unsigned t = ticks_until_seated(s, 4, loud, 2, 10, 2, 100);
	assert_true(t <= 100);
	assert_int_equal(active_mask(s, 4), 1u << 0 | 1u << 2); /* equal: the higher index went */
	assert_int_equal(speakers_update(s, 4, 2, 10, FLOOR), 2);
	assert_int_equal(active_mask(s, 4), 1u << 2 | 1u << 3);
}

/* Legs in hangover keep their seats; when k shrinks, the weakest smoothed levels go first:
 * the earliest to fall silent. */
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

/* ---- jittery talkers of one loudness: the issue the hysteresis exists for ---- */

#define FLAP_LEGS 5
#define FLAP_TICKS 5000
#define FLAP_SETTLE 50

static uint64_t
next_rand(uint64_t *r)
{
	*r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
	return *r >> 33;
}

/* The old rule as a reference: this tick's k loudest levels, nothing remembered. */
static unsigned
stateless_top_k(const uint32_t *lv, unsigned n, unsigned k)
{
	unsigned mask = 0;
	for (unsigned seat = 0; seat < k; seat++) {
		unsigned best = n;
		for (unsigned i = 0; i < n; i++)
			if (!(mask & 1u << i) && lv[i] > FLOOR && (best == n || lv[i] > lv[best]))
				best = i;
		if (best < n)
			mask |= 1u << best;
	}
	return mask;
}

/* The lowest, over the talkers, per mille of ticks in which a talker's personal mix (the
 * active set without itself) is the set it hears most often. */
static unsigned
worst_stable_permille(const unsigned *masks, unsigned ticks)
{
	unsigned worst = 1000;
	for (unsigned i = 0; i < FLAP_LEGS; i++) {
		unsigned count[1u << FLAP_LEGS] = {0}, best = 0;
		for (unsigned t = 0; t < ticks; t++)
			count[masks[t] & ~(1u << i)]++;
		for (unsigned m = 0; m < 1u << FLAP_LEGS; m++)
			best = count[m] > best ? count[m] : best;
		worst = best * 1000 / ticks < worst ? best * 1000 / ticks : worst;
	}
	return worst;
}

/* Five talkers at 1000 +-10 % each packet, K=3: the selection keeps each talker's mix the
 * same for >= 95 % of ticks; recomputing the loudest three every tick does not. */
static void
test_jittery_equal_talkers_keep_seats(void **state)
{
	(void)state;
	static unsigned got[FLAP_TICKS], stateless[FLAP_TICKS];
	struct mrfp_speaker s[FLAP_LEGS] = {0};
	uint32_t lv[FLAP_LEGS];
	uint64_t r = 777;
	for (unsigned t = 0; t < FLAP_SETTLE + FLAP_TICKS; t++) {
		for (unsigned i = 0; i < FLAP_LEGS; i++)
			lv[i] = 900 + (uint32_t)(next_rand(&r) % 201);
		set_levels(s, lv, FLAP_LEGS);
		assert_int_equal(speakers_update(s, FLAP_LEGS, 3, 20, FLOOR), 3);
		if (t >= FLAP_SETTLE) {
			got[t - FLAP_SETTLE] = active_mask(s, FLAP_LEGS);
			stateless[t - FLAP_SETTLE] = stateless_top_k(lv, FLAP_LEGS, 3);
		}
	}
	unsigned ours = worst_stable_permille(got, FLAP_TICKS);
	unsigned old = worst_stable_permille(stateless, FLAP_TICKS);
	print_message("same mix: %u per mille; stateless loudest-3: %u per mille\n", ours, old);
	assert_true(ours >= 950);
	assert_true(old < 950); /* the check catches flapping */
}

/* ---- a long random run checked against the rules' invariants ---- */

struct talker {
	uint32_t base; /* its loudness */
	int talking;
	double ema; /* the smoothed level, in floating point */
};

static uint32_t
random_level(struct talker *tk, uint64_t *r)
{
	if (next_rand(r) % 100 < 3) /* talk spurts and pauses of a few hundred ms */
		tk->talking = !tk->talking;
	uint32_t x = (uint32_t)next_rand(r);
	return tk->talking ? tk->base * (85 + x % 31) / 100 : x % 90;
}

/* What may happen to one leg in one tick; returns 1 for a displacement. */
static int
check_leg(const struct mrfp_speaker *s, const struct mrfp_speaker *before, unsigned n, unsigned i,
	  unsigned k, unsigned kept, unsigned entered)
{
	if (s[i].active && !before[i].active) {
		assert_true(s[i].level > FLOOR);
		if (kept >= k) /* no free seat: a sustained claim */
			assert_true(before[i].claim + 1 >= CLAIM);
		return 0;
	}
	if (!before[i].active || s[i].active)
		return 0;
	if (s[i].level <= FLOOR && before[i].hang == 0)
		return 0; /* hangover over */
	if (kept > k)
		return 0; /* k shrank */
	/* displaced: the weakest seated, by a claimant clearly louder */
	assert_true(entered < n);
	assert_true((uint64_t)s[entered].smooth * SPEAKERS_MARGIN_DEN >
		    (uint64_t)s[i].smooth * SPEAKERS_MARGIN_NUM);
	for (unsigned j = 0; j < n; j++)
		assert_true(!s[j].active || j == entered || s[j].smooth >= s[i].smooth);
	return 1;
}

static void
test_random_invariants(void **state)
{
	(void)state;
	enum { LEGS = 40 };
	struct mrfp_speaker s[LEGS] = {0}, before[LEGS];
	struct talker tk[LEGS] = {0};
	uint64_t r = 12345;
	unsigned displacements = 0;
	for (unsigned i = 0; i < LEGS; i++)
		tk[i].base = 150 + (uint32_t)(next_rand(&r) % 1500);
	for (int tick = 0; tick < 20000; tick++) {
		unsigned k = 1 + (unsigned)(tick / 2000) % 6, hang = (unsigned)(tick / 5000) * 3;
		unsigned kept = 0, entered = LEGS, active = 0, free_talkers = 0;
		for (unsigned i = 0; i < LEGS; i++) {
			s[i].level = random_level(&tk[i], &r);
			tk[i].ema += ((double)s[i].level - tk[i].ema) / 8;
			kept += s[i].active && !(s[i].level <= FLOOR && s[i].hang == 0);
		}
		memcpy(before, s, sizeof(s));
		unsigned got = speakers_update(s, LEGS, k, hang, FLOOR);
		for (unsigned i = 0; i < LEGS; i++) {
			assert_true(s[i].active == 0 || s[i].active == 1);
			active += s[i].active;
			free_talkers += !s[i].active && s[i].level > FLOOR;
			if (s[i].active && !before[i].active &&
			    (entered == LEGS || s[i].smooth > s[entered].smooth))
				entered = i;
			/* fixed point within a level unit of the exact average */
			assert_true(fabs(s[i].smooth / 16.0 - tk[i].ema) <= 1.0);
		}
		assert_int_equal(got, active);
		assert_true(got <= k);
		if (got < k) /* a free seat is never left to a talker */
			assert_int_equal(free_talkers, 0);
		int displaced = 0;
		for (unsigned i = 0; i < LEGS; i++)
			displaced += check_leg(s, before, LEGS, i, k, kept, entered);
		assert_true(displaced <= 1);
		displacements += (unsigned)displaced;
	}
	print_message("%u displacements\n", displacements);
	assert_true(displacements > 20); /* the run does exercise the contest */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_k),
		cmocka_unit_test(test_ties_by_index),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_hangover_keeps_pausing_talker),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_claim_time),
		cmocka_unit_test(test_interrupted_claim_starts_over),
		cmocka_unit_test(test_pausing_speaker_gives_way),
		cmocka_unit_test(test_one_displacement_per_tick),
		cmocka_unit_test(test_holders_fill_free_seats),
		cmocka_unit_test(test_k_at_least_n),
		cmocka_unit_test(test_jittery_equal_talkers_keep_seats),
		cmocka_unit_test(test_random_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
