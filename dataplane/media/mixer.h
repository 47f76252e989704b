/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_MIXER_H
#define MRFP_DP_MIXER_H

/*
 * Mixing arithmetic on int16 PCM frames of n samples. Sums are kept in int32, where they
 * cannot overflow (65536 frames of full scale would be needed), and are saturated to int16
 * only when a mix is rendered. So a talker's N-1 mix is exact: the full sum minus its own
 * frame, rendered; it equals the saturated sum of all the other frames.
 *
 * Every loop works in fixed blocks that GCC vectorises at -O2 as well as -O3; frames of any
 * length work. Buffers must not overlap (restrict). No allocation, no side effects.
 * Thread safety: reentrant; the caller owns the buffers (the conference's worker).
 */
#include <stdint.h>

/* acc[0..n) = 0. */
void mixer_clear(int32_t *acc, unsigned n);

/* acc[i] += pcm[i]. */
void mixer_add(int32_t *restrict acc, const int16_t *restrict pcm, unsigned n);

/*
 * out[i] = saturate16(acc[i] - minus[i]); minus NULL: saturate16(acc[i]).
 * minus is the frame of a leg that acc contains, which yields that leg's N-1 mix.
 */
void mixer_render(int16_t *restrict out, const int32_t *restrict acc, const int16_t *restrict minus,
		  unsigned n);

/*
 * Loudness of a frame for speaker selection: mean absolute sample value (0..32768).
 * n = 0 gives 0.
 */
uint32_t mixer_pcm_level(const int16_t *pcm, unsigned n);

#endif
