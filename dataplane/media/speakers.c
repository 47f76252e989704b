/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active speakers with hysteresis. A tick is a few passes over the legs: smooth the levels and
 * age the seats (one pass), fill free seats loudest first (one pass per free seat), then a
 * contest for a full table (one pass to find the weakest seated speaker, one to count the
 * claims against it). Seats change hands only through a free seat, an expired hangover or a
 * claim sustained for claim_ticks: never because two similar talkers swapped places for a
 * packet, which is what made a stateless loudest-k choice flap.
 */
#include <stdbool.h>

#include "speakers.h"

#define FRAC 4 /* fractional bits of the smoothed level */

static uint16_t
clamp16(unsigned int v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

void
speakers_policy_init(struct speakers_policy *p, unsigned int k, unsigned int hangover_ticks,
		     unsigned int tick_ms, uint32_t floor)
{
	unsigned int smooth_ticks = SPEAKERS_SMOOTH_MS / (tick_ms ? tick_ms : 1);
	p->k = k;
	p->floor = floor;
	p->hangover_ticks = clamp16(hangover_ticks);
	p->claim_ticks = clamp16(SPEAKERS_CLAIM_MS / (tick_ms ? tick_ms : 1));
	if (p->claim_ticks == 0)
		p->claim_ticks = 1;
	/* the largest power of two not above the smoothing time in ticks: 8 at 20 ms */
	p->smooth_shift = 0;
	while ((2u << p->smooth_shift) <= smooth_ticks && p->smooth_shift < 8)
		p->smooth_shift++;
}

/* smooth += (level - smooth) / 2^shift, in 1/16: without signed shifts. */
static void
smooth_level(struct mrfp_speaker *s, uint8_t shift)
{
	uint32_t target = s->level << FRAC;
	if (target >= s->smooth)
		s->smooth += (target - s->smooth) >> shift;
	else
		s->smooth -= (s->smooth - target) >> shift;
}

/* a is clearly louder than b: by the margin, on smoothed levels. */
static bool
clearly_louder(const struct mrfp_speaker *a, const struct mrfp_speaker *b)
{
	return (uint64_t)a->smooth * SPEAKERS_MARGIN_DEN >
	       (uint64_t)b->smooth * SPEAKERS_MARGIN_NUM;
}

/* Smooth every level; a seat is kept while its speaker talks or its hangover lasts.
 * Returns the number of seats still taken. */
static unsigned int
age(struct mrfp_speaker *s, unsigned int n, const struct speakers_policy *p)
{
	unsigned int seated = 0;
	for (unsigned int i = 0; i < n; i++) {
		smooth_level(&s[i], p->smooth_shift);
		if (!s[i].active)
			continue;
		if (s[i].level > p->floor)
			s[i].hang = p->hangover_ticks;
		else if (s[i].hang > 0)
			s[i].hang--;
		else
			s[i].active = 0;
		seated += s[i].active;
	}
	return seated;
}

static void
take_seat(struct mrfp_speaker *s, const struct speakers_policy *p)
{
	s->active = 1;
	s->hang = p->hangover_ticks;
	s->claim = 0;
}

static void
leave_seat(struct mrfp_speaker *s)
{
	s->active = 0;
	s->hang = 0; /* a lost seat is lost: no hangover to come back on */
	s->claim = 0;
}

/* The loudest talker without a seat (equal: the lower index), or n. */
static unsigned int
loudest_free_talker(const struct mrfp_speaker *s, unsigned int n, uint32_t floor)
{
	unsigned int best = n;
	for (unsigned int i = 0; i < n; i++)
		if (!s[i].active && s[i].level > floor &&
		    (best == n || s[i].smooth > s[best].smooth))
			best = i;
	return best;
}

/* The seated speaker with the lowest smoothed level (equal: the higher index), or n. */
static unsigned int
weakest_seated(const struct mrfp_speaker *s, unsigned int n)
{
	unsigned int worst = n;
	for (unsigned int i = 0; i < n; i++)
		if (s[i].active && (worst == n || s[i].smooth <= s[worst].smooth))
			worst = i;
	return worst;
}

/*
 * Count each unseated leg's claim against the weakest seated speaker w: a tick it talks and
 * its smoothed level is clearly louder than w's adds one; a silent tick (a pause between
 * words) adds nothing; a tick it is not clearly louder starts over. Returns the loudest leg
 * talking now whose claim has lasted claim_ticks, or n.
 */
static unsigned int
claims(struct mrfp_speaker *s, unsigned int n, unsigned int w, const struct speakers_policy *p)
{
	unsigned int best = n;
	for (unsigned int i = 0; i < n; i++) {
		if (s[i].active)
			continue;
		if (w == n || (s[i].smooth >> FRAC) <= p->floor || !clearly_louder(&s[i], &s[w])) {
			s[i].claim = 0;
			continue;
		}
		if (s[i].level <= p->floor)
			continue;
		if (s[i].claim < UINT16_MAX)
			s[i].claim++;
		if (s[i].claim >= p->claim_ticks && (best == n || s[i].smooth > s[best].smooth))
			best = i;
	}
	return best;
}

unsigned int
speakers_select(struct mrfp_speaker *s, unsigned int n, const struct speakers_policy *p)
{
	unsigned int seated = age(s, n, p);
	for (; seated > p->k; seated--) /* k shrank: the weakest go first */
		leave_seat(&s[weakest_seated(s, n)]);
	for (; seated < p->k; seated++) {
		unsigned int i = loudest_free_talker(s, n, p->floor);
		if (i == n)
			break;
		take_seat(&s[i], p);
	}
	unsigned int w = seated == p->k ? weakest_seated(s, n) : n;
	unsigned int c = claims(s, n, w, p);
	if (c != n) {
		leave_seat(&s[w]);
		take_seat(&s[c], p);
	}
	return seated;
}
