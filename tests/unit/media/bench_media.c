/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the media primitives on one 20 ms G.711 tick of a 10-party conference:
 *   full    10 decodes, sum of 10, the common mix + 10 N-1 mixes rendered, 11 encodes
 *           (NOTES.md's "10-party G.711 full mix");
 *   k3      what a tick does with 3 active speakers: 10 levels, speaker update, 3 adds,
 *           common + 3 N-1 renders, 4 encodes;
 *   jbuf    one leg's put (decoded 20 ms packet) + get per tick.
 * Prints ns per tick, best of several runs. `valgrind --tool=callgrind` on this binary gives
 * instruction counts where the VM has no performance counters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "codec.h"
#include "jbuf.h"
#include "mixer.h"
#include "speakers.h"

#define LEGS 10
#define N 160

static uint8_t in[LEGS][N], out[LEGS + 1][N];
static int16_t pcm[LEGS][N], mixed[N];
static int32_t acc[N];
static struct mrfp_speaker spk[LEGS];
static volatile uint32_t sink;

static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
tick_full(void)
{
	for (int l = 0; l < LEGS; l++)
		codec_ulaw_decode(in[l], N, pcm[l]);
	mixer_clear(acc, N);
	for (int l = 0; l < LEGS; l++)
		mixer_add(acc, pcm[l], N);
	mixer_render(mixed, acc, NULL, N);
	codec_ulaw_encode(mixed, N, out[LEGS]);
	for (int l = 0; l < LEGS; l++) {
		mixer_render(mixed, acc, pcm[l], N);
		codec_ulaw_encode(mixed, N, out[l]);
	}
	sink += out[3][7];
}

static void
tick_k3(void)
{
	for (int l = 0; l < LEGS; l++) {
		codec_ulaw_decode(in[l], N, pcm[l]); /* on the packet path in mrfpd */
		spk[l].level = mixer_pcm_level(pcm[l], N);
	}
	speakers_update(spk, LEGS, 3, 25, 64);
	mixer_clear(acc, N);
	for (int l = 0; l < LEGS; l++)
		if (spk[l].active)
			mixer_add(acc, pcm[l], N);
	mixer_render(mixed, acc, NULL, N);
	codec_ulaw_encode(mixed, N, out[LEGS]);
	for (int l = 0; l < LEGS; l++)
		if (spk[l].active) {
			mixer_render(mixed, acc, pcm[l], N);
			codec_ulaw_encode(mixed, N, out[l]);
		}
	sink += out[LEGS][5];
}

static struct mrfp_jbuf *jb;
static uint32_t jb_tick;

static void
tick_jbuf(void)
{
	uint64_t t = 1000 + (uint64_t)jb_tick * N;
	jbuf_put(jb, 77 + jb_tick * N, pcm[jb_tick % LEGS], N, t);
	jbuf_get(jb, mixed, t + 37);
	jb_tick++;
	sink += (uint32_t)mixed[9];
}

static void
op_encode(void)
{
	codec_ulaw_encode(pcm[1], N, out[1]);
	sink += out[1][3];
}

static void
op_decode(void)
{
	codec_ulaw_decode(in[2], N, pcm[2]);
	sink += (uint32_t)pcm[2][3];
}

static void
op_add(void)
{
	mixer_add(acc, pcm[3], N);
	sink += (uint32_t)acc[3];
}

static void
op_render(void)
{
	mixer_render(mixed, acc, pcm[4], N);
	sink += (uint32_t)mixed[3];
}

static double
measure(void (*fn)(void), int iters)
{
	double best = 1e30;
	for (int run = 0; run < 7; run++) {
		double t0 = now_ns();
		for (int i = 0; i < iters; i++)
			fn();
		double ns = (now_ns() - t0) / iters;
		best = ns < best ? ns : best;
	}
	return best;
}

int
main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 20000;
	srand(1);
	for (int l = 0; l < LEGS; l++)
		for (int k = 0; k < N; k++)
			in[l][k] = (uint8_t)rand(); /* speech-level and louder codes alike */
	jb = aligned_alloc(64, (jbuf_size(8000) + 63) & ~(size_t)63);
	if (jb == NULL || jbuf_init(jb, 8000, N) != 0)
		return 1;
	for (int l = 0; l < LEGS; l++)
		codec_ulaw_decode(in[l], N, pcm[l]);
	printf("full mix, 10 legs (10 dec, sum, 11 renders, 11 enc): %7.0f ns/tick\n",
	       measure(tick_full, iters));
	printf("3 speakers of 10 (levels, select, 3 N-1, 4 enc):    %7.0f ns/tick\n",
	       measure(tick_k3, iters));
	printf("jitter buffer put + get, one leg:                     %7.0f ns/tick\n",
	       measure(tick_jbuf, iters));
	printf("one 160-sample frame: encode %.0f ns, decode %.0f ns, add %.0f ns, render %.0f "
	       "ns\n",
	       measure(op_encode, iters * 10), measure(op_decode, iters * 10),
	       measure(op_add, iters * 10), measure(op_render, iters * 10));
	free(jb);
	return 0;
}
