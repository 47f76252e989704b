/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_SPEAKERS_H
#define MRFP_DP_SPEAKERS_H

/*
 * Active-speaker selection with hysteresis in level and time. Each tick the caller sets every
 * leg's level (mixer_pcm_level of its frame, 0 when it sent nothing) and calls speakers_select:
 *
 *  - every leg's level is smoothed (exponential average over about SPEAKERS_SMOOTH_MS), so
 *    the packet-to-packet jitter of a voice does not reorder talkers of similar loudness;
 *  - a seated speaker keeps its seat while it talks (level above floor) and for hangover_ticks
 *    ticks after it stops, so the pauses between words do not cut it out;
 *  - a free seat goes at once to the talker with the highest smoothed level (equal levels:
 *    the lower index);
 *  - when every seat is taken, a talker displaces the weakest seated speaker only after its
 *    smoothed level has exceeded that speaker's by SPEAKERS_MARGIN (+3 dB) for claim_ticks
 *    ticks in which it talked (silent ticks in between pause the count, a tick under the
 *    margin resets it); one displacement per tick, the loudest such claimant first;
 *  - at most k legs are active.
 *
 * Talkers of similar loudness therefore keep their seats; a pausing speaker gives way to a
 * newcomer after about the claim time plus the smoothing's decay, before its hangover ends.
 * Cost O(n * k); n up to thousands, k small. No allocation.
 * Thread safety: not thread-safe; the array belongs to the conference's worker.
 */
#include <stdint.h>

#define SPEAKERS_SMOOTH_MS 160
#define SPEAKERS_CLAIM_MS 240
/* +3 dB on mean |sample|: a claimant's smoothed level must exceed 141/100 of the seated one */
#define SPEAKERS_MARGIN_NUM 141
#define SPEAKERS_MARGIN_DEN 100

struct mrfp_speaker {
	uint32_t level;	 /* caller: set before each update */
	uint32_t smooth; /* update: smoothed level, in 1/16 (internal) */
	uint16_t hang;	 /* update: hangover ticks left (internal) */
	uint16_t claim;	 /* update: ticks it has been clearly louder than the weakest seated */
	uint8_t active;	 /* update: 1 when the leg is mixed this tick; caller: 0 initially */
};

/* The selection's parameters in ticks; speakers_policy_init derives them from milliseconds. */
struct speakers_policy {
	unsigned int k;		 /* seats */
	uint32_t floor;		 /* level at or under which a leg is not talking */
	uint16_t hangover_ticks; /* a silent speaker's seat is kept this many ticks */
	uint16_t claim_ticks;	 /* a claimant must be clearly louder this many ticks in a row */
	uint8_t smooth_shift;	 /* smoothing weight of a new level: 1 / 2^shift */
};

/* The policy for ticks of tick_ms (10, 20 or 30 in the mixer). */
void speakers_policy_init(struct speakers_policy *p, unsigned int k, unsigned int hangover_ticks,
			  unsigned int tick_ms, uint32_t floor);

/*
 * Choose this tick's active legs among s[0..n): sets s[i].active (0/1) and the internal fields.
 * Returns the number of active legs (<= k).
 */
unsigned int speakers_select(struct mrfp_speaker *s, unsigned int n,
			     const struct speakers_policy *p);

/* The same with 20 ms ticks. */
static inline unsigned int
speakers_update(struct mrfp_speaker *s, unsigned int n, unsigned int k, unsigned int hangover_ticks,
		uint32_t floor)
{
	struct speakers_policy p;
	speakers_policy_init(&p, k, hangover_ticks, 20, floor);
	return speakers_select(s, n, &p);
}

#endif
