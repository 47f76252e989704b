/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active speakers: claimants (level above the floor) take seats loudest first; legs in their
 * hangover fill the seats left over. The active byte doubles as scratch during an update
 * (WAS_ACTIVE from the last tick, SEATED for this one), so no memory beyond the array is
 * needed. Each seat costs one pass over the legs, and only when there are more candidates
 * than seats; otherwise one pass seats them all.
 */
#include <stdbool.h>

#include "speakers.h"

#define WAS_ACTIVE 1
#define SEATED 2

static bool
claims(const struct mrfp_speaker *s, uint32_t floor)
{
	return !(s->active & SEATED) && s->level > floor;
}

static bool
holds(const struct mrfp_speaker *s)
{
	return !(s->active & SEATED) && (s->active & WAS_ACTIVE) && s->hang > 0;
}

/* A claimant keeps a full hangover; a holder spends one tick of it. */
static void
seat(struct mrfp_speaker *s, bool claimant, uint16_t hangover)
{
	s->active |= SEATED;
	s->hang = claimant ? hangover : (uint16_t)(s->hang - 1);
}

/* The loudest claimant (strict > : the lower index wins ties), or n. */
static unsigned
loudest_claimant(const struct mrfp_speaker *s, unsigned n, uint32_t floor)
{
	unsigned best = n;
	for (unsigned i = 0; i < n; i++)
		if (claims(&s[i], floor) && (best == n || s[i].level > s[best].level))
			best = i;
	return best;
}

/* The holder with the most hangover left, i.e. the most recent talker, or n. */
static unsigned
freshest_holder(const struct mrfp_speaker *s, unsigned n)
{
	unsigned best = n;
	for (unsigned i = 0; i < n; i++)
		if (holds(&s[i]) && (best == n || s[i].hang > s[best].hang))
			best = i;
	return best;
}

/* Seat up to seats claimants (claimant) or holders (!claimant); returns the seats left. */
static unsigned
fill(struct mrfp_speaker *s, unsigned n, unsigned seats, bool claimant, uint32_t floor,
     uint16_t hangover)
{
	unsigned candidates = 0;
	for (unsigned i = 0; i < n; i++)
		candidates += claimant ? claims(&s[i], floor) : holds(&s[i]);
	if (candidates <= seats) { /* no contest: one pass */
		for (unsigned i = 0; i < n; i++)
			if (claimant ? claims(&s[i], floor) : holds(&s[i]))
				seat(&s[i], claimant, hangover);
		return seats - candidates;
	}
	for (; seats > 0; seats--) {
		unsigned i = claimant ? loudest_claimant(s, n, floor) : freshest_holder(s, n);
		seat(&s[i], claimant, hangover);
	}
	return 0;
}

unsigned
speakers_update(struct mrfp_speaker *s, unsigned n, unsigned k, unsigned hangover_ticks,
		uint32_t floor)
{
	uint16_t hangover = hangover_ticks > UINT16_MAX ? UINT16_MAX : (uint16_t)hangover_ticks;
	for (unsigned i = 0; i < n; i++)
		s[i].active = s[i].active ? WAS_ACTIVE : 0;
	unsigned seats = fill(s, n, k, true, floor, hangover);
	fill(s, n, seats, false, floor, hangover);
	unsigned active = 0;
	for (unsigned i = 0; i < n; i++) {
		bool on = (s[i].active & SEATED) != 0;
		s[i].active = on;
		s[i].hang =
			on ? s[i].hang : 0; /* a lost seat is lost: no hangover to come back on */
		active += on;
	}
	return active;
}
