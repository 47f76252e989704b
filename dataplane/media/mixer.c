/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mixing arithmetic. Each loop runs over blocks of BLOCK samples with a constant trip count:
 * GCC's -O2 "very cheap" vectoriser only takes loops that need no scalar epilogue, and the
 * frames we see (80..1440 samples) are multiples of 16 anyway; the remainder loop is for
 * other lengths. Indices are size_t so that GCC can prove the accesses affine.
 */
#include <stddef.h>

#include "mixer.h"

#define BLOCK 16

static inline int16_t
sat16(int32_t v)
{
	v = v < INT16_MIN ? INT16_MIN : v;
	return (int16_t)(v > INT16_MAX ? INT16_MAX : v);
}

static inline uint32_t
magnitude(int16_t s)
{
	int32_t v = s;
	return (uint32_t)(v < 0 ? -v : v);
}

void
mixer_clear(int32_t *acc, unsigned n)
{
	for (size_t i = 0; i < n; i++)
		acc[i] = 0;
}

void
mixer_add(int32_t *restrict acc, const int16_t *restrict pcm, unsigned n)
{
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			acc[i + j] += pcm[i + j];
	for (; i < n; i++)
		acc[i] += pcm[i];
}

static void
render_full(int16_t *restrict out, const int32_t *restrict acc, unsigned n)
{
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			out[i + j] = sat16(acc[i + j]);
	for (; i < n; i++)
		out[i] = sat16(acc[i]);
}

static void
render_minus(int16_t *restrict out, const int32_t *restrict acc, const int16_t *restrict minus,
	     unsigned n)
{
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			out[i + j] = sat16(acc[i + j] - minus[i + j]);
	for (; i < n; i++)
		out[i] = sat16(acc[i] - minus[i]);
}

/* Two loops rather than a NULL test per sample: each stays a straight vector loop. */
void
mixer_render(int16_t *restrict out, const int32_t *restrict acc, const int16_t *restrict minus,
	     unsigned n)
{
	if (minus == NULL)
		render_full(out, acc, n);
	else
		render_minus(out, acc, minus, n);
}

uint32_t
mixer_pcm_level(const int16_t *pcm, unsigned n)
{
	/* 1440 samples of 32768 fit in 32 bits many times over. */
	uint32_t sum = 0;
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			sum += magnitude(pcm[i + j]);
	for (; i < n; i++)
		sum += magnitude(pcm[i]);
	return n ? sum / n : 0;
}
