/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_SPEAKERS_H
#define MRFP_DP_SPEAKERS_H

/*
 * Active-speaker selection with hangover. Each tick the caller sets every leg's level (e.g.
 * mixer_pcm_level of its frame, 0 when it sent nothing) and calls speakers_update:
 *
 *  - a leg "claims" a seat when its level is above floor; the k loudest claimants are seated
 *    (equal levels: the lower index wins);
 *  - a leg that was active and stops claiming (below floor) keeps its seat for hangover_ticks
 *    more ticks, so a talker's pauses between words do not cut it out, unless a claimant needs
 *    the seat: claimants are seated first, hangover legs fill the seats left (the most recent
 *    talker first, then the lower index);
 *  - at most k legs are active.
 *
 * Cost O(n * min(k, claimants)); n up to thousands, k small.
 * Thread safety: not thread-safe; the array belongs to the conference's worker.
 */
#include <stdint.h>

struct mrfp_speaker {
	uint32_t level; /* caller: set before each update */
	uint16_t hang;	/* update: hangover ticks left (internal) */
	uint8_t active; /* update: 1 when the leg is mixed this tick; caller: 0 initially */
};

/*
 * Choose this tick's active legs among s[0..n): sets s[i].active (0/1) and s[i].hang.
 * Returns the number of active legs (<= k).
 */
unsigned speakers_update(struct mrfp_speaker *s, unsigned n, unsigned k, unsigned hangover_ticks,
			 uint32_t floor);

#endif
