/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mixer arithmetic against a scalar oracle written here (64-bit sums, explicit clipping):
 * random frames of many lengths, saturation at both rails, and the N-1 property: rendering
 * the full sum minus leg i's frame equals the clipped sum of every other leg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "mixer.h"

#define LEGS 12
#define N MRFP_AUDIO_MAX_SAMPLES

static int16_t frames[LEGS][N + 1];
static int32_t acc[N + 1];
static int16_t out[N + 1];

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int16_t
clip(int64_t v)
{
	if (v > 32767)
		return 32767;
	if (v < -32768)
		return -32768;
	return (int16_t)v;
}

/* Oracle: the clipped sum of legs [0, legs) except `except` (-1: none), at sample k. */
static int16_t
oracle(unsigned legs, int except, unsigned k)
{
	int64_t sum = 0;
	for (unsigned j = 0; j < legs; j++)
		if ((int)j != except)
			sum += frames[j][k];
	return clip(sum);
}

/* Loud frames so that sums of a few legs often clip; sometimes the rails themselves. */
static void
random_frames(unsigned legs, unsigned n)
{
	for (unsigned j = 0; j < legs; j++)
		for (unsigned k = 0; k < n; k++) {
			uint32_t r = rnd();
			frames[j][k] = (r & 31) == 0   ? ((r & 32) ? 32767 : -32768)
				       : (r & 31) == 1 ? 0
						       : (int16_t)(r >> 8);
		}
}

static void
mix(unsigned legs, unsigned n)
{
	for (unsigned k = 0; k <= n; k++)
		acc[k] = (int32_t)0xdeadbeef; /* clear must not rely on zeroed memory */
	mixer_clear(acc, n);
	for (unsigned j = 0; j < legs; j++)
		mixer_add(acc, frames[j], n);
	assert_int_equal(acc[n], (int32_t)0xdeadbeef); /* nothing past n */
}

static void
check_render(unsigned legs, int except, unsigned n)
{
	out[n] = 0x5a5a;
	mixer_render(out, acc, except < 0 ? NULL : frames[except], n);
	for (unsigned k = 0; k < n; k++)
		if (out[k] != oracle(legs, except, k))
			fail_msg("legs %u except %d n %u k %u: %d, oracle %d", legs, except, n, k,
				 out[k], oracle(legs, except, k));
	assert_int_equal(out[n], 0x5a5a);
}

/* Lengths around the vector block (16) and the real frame sizes, up to 48 kHz x 30 ms. */
static const unsigned lengths[] = {0,	1,   7,	  15,  16,  17,	 31,  33,   80,
				   159, 160, 161, 240, 320, 480, 960, 1439, N};

static void
test_full_mix(void **state)
{
	(void)state;
	for (unsigned li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
		for (unsigned legs = 1; legs <= LEGS; legs++) {
			unsigned n = lengths[li];
			random_frames(legs, n);
			mix(legs, n);
			check_render(legs, -1, n);
		}
}

static void
test_n_minus_one(void **state)
{
	(void)state;
	for (unsigned li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
		for (unsigned legs = 1; legs <= LEGS; legs += 3) {
			unsigned n = lengths[li];
			random_frames(legs, n);
			mix(legs, n);
			for (unsigned i = 0; i < legs; i++)
				check_render(legs, (int)i, n);
		}
}

/* The rails: clipping happens once, on the total, not on partial sums. */
static void
test_saturation_edges(void **state)
{
	(void)state;
	unsigned n = 160;
	for (unsigned k = 0; k < n; k++) {
		frames[0][k] = 32767;
		frames[1][k] = 32767;
		frames[2][k] = -32768;
		frames[3][k] = -32768;
	}
	mix(2, n); /* 65534 */
	check_render(2, -1, n);
	assert_int_equal(out[0], 32767);
	mix(4, n); /* -2: the intermediate 65534 must not have been clipped */
	check_render(4, -1, n);
	assert_int_equal(out[0], -2);
	mixer_render(out, acc, frames[0], n); /* 32767 - 65536 = -32769 */
	assert_int_equal(out[0], -32768);
	mix(1, n);
	mixer_render(out, acc, frames[0], n); /* alone: its N-1 is silence */
	assert_int_equal(out[0], 0);
	for (unsigned k = 0; k < n; k++) {
		frames[0][k] = 32767;
		frames[1][k] = 1;
	}
	mix(2, n); /* one over the rail */
	check_render(2, -1, n);
	assert_int_equal(out[n - 1], 32767);
	check_render(2, 1, n);
	assert_int_equal(out[n - 1], 32767);
}

/* A leg's N-1 never contains its own signal: leg i alone, rendered minus itself, is silent. */
static void
test_own_audio_removed(void **state)
{
	(void)state;
	unsigned n = 160;
	random_frames(3, n);
	memset(frames[1], 0, sizeof(frames[1]));
	memset(frames[2], 0, sizeof(frames[2]));
	mix(3, n);
	mixer_render(out, acc, frames[0], n);
	for (unsigned k = 0; k < n; k++)
		assert_int_equal(out[k], 0);
}

static void
test_level(void **state)
{
	(void)state;
	for (unsigned li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
		unsigned n = lengths[li];
		random_frames(1, n);
		uint64_t sum = 0;
		for (unsigned k = 0; k < n; k++)
			sum += (uint64_t)(frames[0][k] < 0 ? -(int64_t)frames[0][k] : frames[0][k]);
		assert_int_equal(mixer_pcm_level(frames[0], n), n ? sum / n : 0);
	}
	for (unsigned k = 0; k < N; k++)
		frames[0][k] = -32768;
	assert_int_equal(mixer_pcm_level(frames[0], N), 32768);
	memset(frames[0], 0, sizeof(frames[0]));
	assert_int_equal(mixer_pcm_level(frames[0], 160), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_mix),
		cmocka_unit_test(test_n_minus_one),
		cmocka_unit_test(test_saturation_edges),
		cmocka_unit_test(test_own_audio_removed),
		cmocka_unit_test(test_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
