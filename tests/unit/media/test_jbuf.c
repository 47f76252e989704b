/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Jitter buffer, driven by a simulated sender, network and mixing tick. Time is counted in
 * samples of the 8 kHz codec clock. A sender emits packets of `pkt` samples at its own clock
 * (optionally off by some ppm), the network adds a per-packet delay (or loses the packet), and
 * the tick reads one frame every `frame` samples of local time, after handing over every
 * packet that has arrived by then. The audio is a known function of the sample index, so
 * what comes out can be checked sample by sample against what went in.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "jbuf.h"

#define RATE 8000
#define MAX_PKTS 12000
#define MAX_TICKS 6200
#define LOST UINT64_MAX
#define BASE_DELAY 100 /* network propagation, samples */

/* White-ish noise, never 0: any misplaced, repeated or missing sample shows. */
static int16_t
noise(uint32_t k)
{
	uint32_t h = k * 2654435761u;
	h ^= h >> 15;
	h *= 2246822519u;
	h ^= h >> 13;
	return (int16_t)((h >> 16) | 1);
}

/* Voiced, speech-like: a 125 Hz fundamental and two harmonics, what the PLC is made for. */
static int16_t
voiced(uint32_t k)
{
	double w = 2 * M_PI * (double)(k % 64) / 64;
	return (int16_t)(6000 * sin(w) + 3000 * sin(2 * w + 1) + 1500 * sin(3 * w + 2));
}

struct sim {
	/* set by the test */
	uint32_t frame, pkt, ts0, npkts, nticks;
	uint64_t tick0;
	int16_t (*sig)(uint32_t k);
	uint64_t arrival[MAX_PKTS]; /* local time, or LOST */
	/* results */
	int16_t out[MAX_TICKS * 240];
	enum mrfp_jb_get res[MAX_TICKS];
	struct jbuf_stats st[MAX_TICKS]; /* after each get */
	enum mrfp_jb_put put[MAX_PKTS];
	unsigned order[MAX_PKTS];
};

static struct sim sim;
static struct mrfp_jbuf *jb;
static uint64_t rng;

static uint32_t
rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

static int
setup(void **state)
{
	(void)state;
	jb = aligned_alloc(64, (jbuf_size(RATE) + 63) & ~(size_t)63);
	return jb == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	free(jb);
	return 0;
}

/* Packets sent every pkt / (1 + ppm 1e-6) samples from t = 1000, each with a fixed delay. */
static void
sim_init(uint32_t frame, uint32_t pkt, double seconds, double ppm)
{
	memset(&sim, 0, sizeof(sim));
	sim.frame = frame;
	sim.pkt = pkt;
	sim.ts0 = 0x12345678;
	sim.npkts = (uint32_t)(seconds * RATE / pkt);
	sim.nticks = (uint32_t)((seconds + 0.5) * RATE / frame);
	sim.tick0 = 1000 + 37; /* ticks out of phase with the packets */
	sim.sig = noise;
	assert_true(sim.npkts <= MAX_PKTS && sim.nticks <= MAX_TICKS);
	for (uint32_t i = 0; i < sim.npkts; i++)
		sim.arrival[i] = 1000 + (uint64_t)((double)i * pkt / (1 + ppm * 1e-6)) + BASE_DELAY;
	assert_int_equal(jbuf_init(jb, RATE, frame), 0);
}

static int
by_arrival(const void *a, const void *b)
{
	uint64_t x = sim.arrival[*(const unsigned *)a], y = sim.arrival[*(const unsigned *)b];
	if (x != y)
		return x < y ? -1 : 1;
	return *(const unsigned *)a < *(const unsigned *)b ? -1 : 1;
}

static void
send_packet(unsigned i)
{
	int16_t pcm[MRFP_AUDIO_MAX_SAMPLES];
	for (uint32_t k = 0; k < sim.pkt; k++)
		pcm[k] = sim.sig(i * sim.pkt + k);
	sim.put[i] = jbuf_put(jb, sim.ts0 + i * sim.pkt, pcm, sim.pkt, sim.arrival[i]);
}

/* Run ticks [from, to): before each, hand over every packet that has arrived. */
static void
sim_run(unsigned from, unsigned to)
{
	static unsigned next;
	if (from == 0) {
		for (unsigned i = 0; i < sim.npkts; i++)
			sim.order[i] = i;
		qsort(sim.order, sim.npkts, sizeof(sim.order[0]), by_arrival);
		next = 0;
	}
	for (unsigned j = from; j < to; j++) {
		uint64_t now = sim.tick0 + (uint64_t)j * sim.frame;
		while (next < sim.npkts && sim.arrival[sim.order[next]] <= now)
			send_packet(sim.order[next++]);
		sim.res[j] = jbuf_get(jb, sim.out + (size_t)j * sim.frame, now);
		sim.st[j] = *jbuf_stats(jb);
	}
}

/*
 * Stats at the last tick that played received audio: after it the buffer conceals the
 * 100 ms it waits before calling the spurt over, which is not loss.
 */
static const struct jbuf_stats *
stats_at_end(void)
{
	unsigned j = sim.nticks;
	while (j > 0 && sim.res[j - 1] != MRFP_JB_AUDIO)
		j--;
	assert_true(j > 0);
	return &sim.st[j - 1];
}

/* Where sample k0 of the signal (and the 32 after it) appears in the output, or -1. */
static long
find_sample(uint32_t k0, size_t from)
{
	size_t total = (size_t)sim.nticks * sim.frame;
	for (size_t o = from; o + 32 <= total; o++) {
		uint32_t m = 0;
		while (m < 32 && sim.out[o + m] == sim.sig(k0 + m))
			m++;
		if (m == 32)
			return (long)o;
	}
	return -1;
}

/* Output samples [o, o + n) are signal samples [k0, k0 + n). */
static void
assert_plays(long o, uint32_t k0, uint32_t n)
{
	assert_true(o >= 0);
	for (uint32_t m = 0; m < n; m++)
		if (sim.out[o + m] != sim.sig(k0 + m))
			fail_msg("output %ld: %d, sent sample %u was %d", o + m, sim.out[o + m],
				 k0 + m, sim.sig(k0 + m));
}

/* In order, no jitter: every sample plays unchanged and on time, whatever ptime/tick. */
static void
check_in_order(uint32_t frame, uint32_t pkt)
{
	sim_init(frame, pkt, 3, 0);
	sim_run(0, sim.nticks);
	uint32_t sent = sim.npkts * pkt;
	long o = find_sample(0, 0);
	assert_plays(o, 0, sent);
	for (size_t k = 0; k < (size_t)o; k++)
		assert_int_equal(sim.out[k], 0); /* nothing but silence before */
	const struct jbuf_stats *st = stats_at_end();
	assert_int_equal(st->stored, sim.npkts);
	assert_int_equal(st->late + st->duplicate + st->too_early, 0);
	assert_int_equal(st->concealed + st->skipped + st->stretched, 0);
	assert_int_equal(st->jitter, 0);
	/* The first packet left the sender one packet after its first sample: that sample plays
	 * one target (a frame plus a packet) after it was sent, one frame after it arrived. */
	uint32_t tick = (uint32_t)o / frame;
	uint64_t played = sim.tick0 + (uint64_t)tick * frame + (uint64_t)o % frame;
	uint64_t arrived = sim.arrival[0];
	assert_int_equal(sim.st[tick + 1].target, frame + pkt);
	assert_int_equal(played - arrived, frame);
	for (unsigned j = tick + 1; j < sim.npkts * pkt / frame; j++)
		assert_int_equal(sim.res[j], MRFP_JB_AUDIO);
	/* After the source stops: silence, and the buffer says so. */
	assert_int_equal(sim.res[sim.nticks - 1], MRFP_JB_SILENCE);
}

static void
test_in_order_bit_exact(void **state)
{
	(void)state;
	static const uint32_t cases[][2] = {{160, 160}, {160, 80}, {160, 240}, {80, 160},
					    {240, 240}, {80, 80},  {240, 80}};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		setup(NULL);
		check_in_order(cases[c][0], cases[c][1]);
		teardown(NULL);
	}
}

/* RTP timestamps wrap around 2^32 in the middle of the stream. */
static void
test_timestamp_wrap(void **state)
{
	(void)state;
	sim_init(160, 160, 2, 0);
	sim.ts0 = 0xffffffffu - 160 * 20 + 57;
	sim_run(0, sim.nticks);
	assert_plays(find_sample(0, 0), 0, sim.npkts * 160);
	assert_int_equal(stats_at_end()->concealed, 0);
}

/*
 * Every fourth pair of packets swapped on the wire. The first talk spurt learns the jitter;
 * the second starts at the learnt target and must play every sample, in order, unchanged.
 */
static void
test_reordering_repaired(void **state)
{
	(void)state;
	sim_init(160, 160, 8, 0);
	for (uint32_t i = 0; i + 1 < sim.npkts; i += 8) {
		uint64_t t = sim.arrival[i];
		sim.arrival[i] = sim.arrival[i + 1] + 3; /* i arrives just after i + 1 */
		(void)t;
	}
	uint32_t gap_from = 4 * RATE / 160, gap_to = gap_from + 25; /* 500 ms of DTX silence */
	for (uint32_t i = gap_from; i < gap_to; i++)
		sim.arrival[i] = LOST;
	sim_run(0, sim.nticks);
	const struct jbuf_stats *st = stats_at_end();
	assert_int_equal(st->spurts, 2);
	assert_int_equal(st->late, 0);
	assert_true(st->target > 320); /* the reordering counts as jitter */
	/* Spurt two: bit-exact, no concealment, no skip or stretch. */
	unsigned t2 = (unsigned)((sim.arrival[gap_to] - sim.tick0) / 160);
	assert_int_equal(sim.res[t2 - 1], MRFP_JB_SILENCE);
	struct jbuf_stats before = sim.st[t2 - 1];
	uint32_t k0 = gap_to * 160;
	long o = find_sample(k0, (size_t)t2 * 160);
	assert_plays(o, k0, (sim.npkts - gap_to) * 160);
	assert_int_equal(st->concealed, before.concealed);
	assert_int_equal(st->skipped + st->stretched, before.skipped + before.stretched);
}

static double
energy(const int16_t *x, unsigned n)
{
	double e = 0;
	for (unsigned k = 0; k < n; k++)
		e += (double)x[k] * x[k];
	return e / n;
}

/* One lost packet: concealed with speech-like audio, not silence and not a verbatim copy. */
static void
test_loss_concealed(void **state)
{
	(void)state;
	sim_init(160, 160, 3, 0);
	sim.sig = voiced;
	const uint32_t lost = 100;
	sim.arrival[lost] = LOST;
	sim_run(0, sim.nticks);
	const struct jbuf_stats *st = stats_at_end();
	assert_int_equal(st->concealed, 160); /* exactly the missing packet */
	assert_int_equal(st->late, 0);
	unsigned concealed_ticks = 0;
	for (unsigned j = 0; j < sim.npkts; j++)
		concealed_ticks += sim.res[j] == MRFP_JB_CONCEALED;
	assert_true(concealed_ticks >= 1 && concealed_ticks <= 2);
	/* Locate the gap: the audio before it plays unchanged up to the missing packet. */
	long o = find_sample(0, 0);
	assert_plays(o, 0, lost * 160);
	const int16_t *gap = sim.out + o + lost * 160;
	const int16_t *orig = gap - 160; /* what a naive repeat would play */
	int16_t sent[160];
	for (unsigned k = 0; k < 160; k++)
		sent[k] = voiced(lost * 160 + k);
	double e = energy(gap, 160), e_sent = energy(sent, 160);
	assert_true(e > 0.25 * e_sent); /* not silence */
	assert_true(e < 1.5 * e_sent);	/* not a burst */
	assert_memory_not_equal(gap, orig, 160 * sizeof(int16_t));
	/* After the blend (a quarter pitch period), the audio is the sender's again. */
	assert_plays(o + (lost + 1) * 160 + 40, (lost + 1) * 160 + 40,
		     (sim.npkts - lost - 1) * 160 - 40);
}

/* A long loss fades out (no endless repetition), ends in SILENCE, then audio resumes. */
static void
test_long_loss_fades_to_silence(void **state)
{
	(void)state;
	sim_init(160, 160, 3, 0);
	sim.sig = voiced;
	for (uint32_t i = 100; i < 110; i++) /* 200 ms */
		sim.arrival[i] = LOST;
	sim_run(0, sim.nticks);
	long o = find_sample(0, 0);
	assert_plays(o, 0, 100 * 160);
	const int16_t *gap = sim.out + o + 100 * 160;
	assert_true(energy(gap, 80) > 1e5);
	for (unsigned k = 400; k < 1600; k++) /* PLC decays to zero within 50 ms */
		assert_int_equal(gap[k], 0);
	unsigned silent = 0, after = 0;
	for (unsigned j = (unsigned)(o / 160) + 100; j < (unsigned)(o / 160) + 112; j++)
		silent += sim.res[j] == MRFP_JB_SILENCE;
	assert_true(silent >= 3);
	assert_int_equal(jbuf_stats(jb)->spurts, 2);
	for (unsigned j = (unsigned)(o / 160) + 115; j < sim.npkts - 2; j++)
		after += sim.res[j] == MRFP_JB_AUDIO;
	assert_true(after > 0);
	/* The new spurt plays the sender's audio unchanged. */
	long o2 = find_sample(120 * 160, 0);
	assert_plays(o2, 120 * 160, (sim.npkts - 120) * 160);
}

/* The source stops: SILENCE within the delay + 100 ms, zeros, and it stays that way. */
static void
test_silence_after_source_stops(void **state)
{
	(void)state;
	sim_init(160, 160, 1, 0);
	sim.nticks = 200;
	sim_run(0, sim.nticks);
	uint64_t last = sim.arrival[sim.npkts - 1];
	unsigned first_silent = 0;
	for (unsigned j = 10; j < sim.nticks; j++)
		if (sim.res[j] == MRFP_JB_SILENCE && first_silent == 0)
			first_silent = j;
	assert_true(first_silent > 0);
	uint64_t t = sim.tick0 + (uint64_t)first_silent * 160;
	assert_true(t - last <= 320 + 800 + 160);
	for (unsigned j = first_silent; j < sim.nticks; j++) {
		assert_int_equal(sim.res[j], MRFP_JB_SILENCE);
		for (unsigned k = 0; k < 160; k++)
			assert_int_equal(sim.out[j * 160 + k], 0);
	}
	assert_int_equal(jbuf_stats(jb)->depth, 0);
}

/* 60 s of a sender clock off by +-0.5%: the depth stays bounded, and nothing is lost. */
static void
check_drift(double ppm)
{
	sim_init(160, 160, 60, ppm);
	for (uint32_t i = 0; i < sim.npkts; i++) /* a little jitter: a real network */
		sim.arrival[i] += rnd() % 8;
	sim_run(0, sim.nticks);
	const struct jbuf_stats *st = stats_at_end();
	uint32_t max_depth = 0, min_delay = UINT32_MAX, max_delay = 0;
	unsigned end = (unsigned)((sim.arrival[sim.npkts - 1] - sim.tick0) / 160) - 2;
	for (unsigned j = 50; j < end; j++) {
		const struct jbuf_stats *s = &sim.st[j];
		max_depth = s->depth > max_depth ? s->depth : max_depth;
		min_delay = s->delay < min_delay ? s->delay : min_delay;
		max_delay = s->delay > max_delay ? s->delay : max_delay;
		if (sim.res[j] != MRFP_JB_AUDIO)
			fail_msg("tick %u: %d, depth %u delay %u target %u", j, sim.res[j],
				 s->depth, s->delay, s->target);
	}
	print_message("drift %+.0f ppm: delay %u..%u target %u depth <= %u, skipped %lu "
		      "stretched %lu\n",
		      ppm, min_delay, max_delay, st->target, max_depth, (unsigned long)st->skipped,
		      (unsigned long)st->stretched);
	/* 0.5% of 60 s is 300 ms (2400 samples): it must have been corrected, not buffered. */
	assert_true(max_delay <= st->target + 2 * 40 + 40);
	assert_true(min_delay + 2 * 40 >= st->target);
	assert_true(max_depth <= st->target + 3 * 40 + 160);
	assert_int_equal(st->concealed, 0);
	assert_int_equal(st->late, 0);
	if (ppm > 0)
		assert_true(st->skipped >= 2000 && st->skipped <= 2800 && st->stretched <= 80);
	else
		assert_true(st->stretched >= 2000 && st->stretched <= 2800 && st->skipped <= 80);
}

static void
test_drift_fast_sender(void **state)
{
	(void)state;
	check_drift(5000);
}

static void
test_drift_slow_sender(void **state)
{
	(void)state;
	check_drift(-5000);
}

/* Jitter raises the target (and the delay follows); calm brings both back down. */
static void
test_jitter_adapts(void **state)
{
	(void)state;
	sim_init(160, 160, 40, 0);
	uint32_t calm_from = 10 * RATE / 160, calm_to = 30 * RATE / 160;
	for (uint32_t i = 0; i < sim.npkts; i++)
		if (i < calm_from || i >= calm_to) /* uniform 0..60 ms: reorders too */
			sim.arrival[i] += rnd() % 480;
	sim_run(0, sim.nticks);
	unsigned t_jit = 9 * RATE / 160, t_calm = 29 * RATE / 160, t_back = 39 * RATE / 160;
	struct jbuf_stats a = sim.st[t_jit], b = sim.st[t_calm], c = sim.st[t_back];
	print_message("jitter: target %u delay %u late %lu | calm: target %u delay %u | "
		      "again: target %u delay %u late %lu\n",
		      a.target, a.delay, (unsigned long)a.late, b.target, b.delay, c.target,
		      c.delay, (unsigned long)(c.late - b.late));
	assert_true(a.jitter > 100 && a.jitter < 220); /* RFC 3550: a third of the spread */
	assert_true(a.target >= 320 + 480);	       /* covers the 60 ms spread */
	assert_true(a.delay + 80 >= a.target);
	assert_true(a.late < sim.npkts / 100); /* under 1% while it learnt */
	assert_true(b.jitter < 5);
	assert_true(b.target <= 320 + 20); /* back to frame + packet */
	assert_true(b.delay <= b.target + 80);
	assert_true(b.skipped > 0);
	assert_true(c.target >= 320 + 480);
	assert_true(c.late - b.late < 30);
}

static void
put_one(uint32_t ts, uint32_t n, uint64_t now, enum mrfp_jb_put want)
{
	int16_t pcm[MRFP_AUDIO_MAX_SAMPLES];
	for (uint32_t k = 0; k < n; k++)
		pcm[k] = noise(ts + k);
	assert_int_equal(jbuf_put(jb, ts, pcm, n, now), want);
}

/* What put refuses, and what it keeps of a packet straddling the play point. */
static void
test_put_outcomes(void **state)
{
	(void)state;
	int16_t out[160];
	assert_int_equal(jbuf_init(jb, RATE, 160), 0);
	assert_int_equal(jbuf_get(jb, out, 0), MRFP_JB_SILENCE);
	put_one(1000, 160, 5000, MRFP_JB_STORED);
	put_one(1000, 160, 5001, MRFP_JB_DUPLICATE);
	put_one(1000 + 5000, 160, 5002, MRFP_JB_TOO_EARLY); /* beyond the 512 ms ring */
	put_one(1160, 160, 5160, MRFP_JB_STORED);
	/* Target 320 would start at 1160 + 10 - 320 = 850: clamped to the first audio, 1000. */
	assert_int_equal(jbuf_get(jb, out, 5170), MRFP_JB_AUDIO);
	for (unsigned k = 0; k < 160; k++)
		assert_int_equal(out[k], noise(1000 + k));
	put_one(600, 160, 5331, MRFP_JB_LATE);
	put_one(1000, 160, 5332, MRFP_JB_LATE);	     /* ends exactly at the play point */
	put_one(1100, 160, 5333, MRFP_JB_DUPLICATE); /* the part ahead is already there */
	put_one(1250, 160, 5334, MRFP_JB_STORED);    /* 1250..1319 known, 1320..1409 new */
	const struct jbuf_stats *st = jbuf_stats(jb);
	assert_int_equal(st->stored, 3);
	assert_int_equal(st->late, 2);
	assert_int_equal(st->duplicate, 2);
	assert_int_equal(st->too_early, 1);
	assert_int_equal(jbuf_get(jb, out, 5340), MRFP_JB_AUDIO);
	for (unsigned k = 0; k < 160; k++)
		assert_int_equal(out[k], noise(1160 + k));
	assert_int_equal(jbuf_get(jb, out, 5500), MRFP_JB_CONCEALED); /* 1410.. missing */
	for (unsigned k = 0; k < 90; k++)
		assert_int_equal(out[k], noise(1320 + k));
	assert_int_equal(st->concealed, 70);
	put_one(0, 0, 5335, MRFP_JB_DUPLICATE); /* empty: nothing new */
	jbuf_reset(jb);
	assert_int_equal(jbuf_get(jb, out, 5400), MRFP_JB_SILENCE);
	put_one(777777, 160, 6000, MRFP_JB_STORED); /* a new timeline after the reset */
	assert_int_equal(st->spurts, 2);
}

/*
 * A spurt whose first packet arrives after the second: playout starts at the earlier one,
 * and a packet lost between them is a loss (concealed), not pre-roll silence.
 */
static void
test_reordered_spurt_start(void **state)
{
	(void)state;
	int16_t out[160];
	assert_int_equal(jbuf_init(jb, RATE, 160), 0);
	put_one(1320, 160, 5000, MRFP_JB_STORED); /* third packet first; second lost */
	put_one(1000, 160, 5001, MRFP_JB_STORED);
	assert_int_equal(jbuf_get(jb, out, 5010), MRFP_JB_AUDIO);
	for (unsigned k = 0; k < 160; k++)
		assert_int_equal(out[k], noise(1000 + k));
	assert_int_equal(jbuf_get(jb, out, 5170), MRFP_JB_CONCEALED);
	assert_int_equal(jbuf_stats(jb)->concealed, 160);
	assert_int_equal(jbuf_get(jb, out, 5330), MRFP_JB_AUDIO);
}

static void
test_init_and_size(void **state)
{
	(void)state;
	assert_int_equal(jbuf_size(7999), 0);
	assert_int_equal(jbuf_size(8100), 0);
	assert_int_equal(jbuf_size(96000), 0);
	size_t s8 = jbuf_size(8000), s16 = jbuf_size(16000), s48 = jbuf_size(48000);
	assert_true(s8 > 4096 * 2 && s8 < 4096 * 2 + 4096); /* 512 ms ring + bits + state */
	assert_true(s16 - s8 == 4096 * 2 + 4096 / 8);
	assert_true(s48 > 32768 * 2);
	assert_int_equal(jbuf_init(jb, 8000, 79), -EINVAL);
	assert_int_equal(jbuf_init(jb, 8000, 241), -EINVAL);
	assert_int_equal(jbuf_init(jb, 8000, 80), 0);
	assert_int_equal(jbuf_init(jb, 8000, 240), 0);
	assert_int_equal(jbuf_init(jb, 8001, 160), -EINVAL);
}

/* Wideband: the same machinery at 16 kHz (G.722's sample rate) and 48 kHz (Opus). */
static void
test_wideband_rates(void **state)
{
	(void)state;
	static const uint32_t rates[] = {16000, 48000};
	for (unsigned r = 0; r < 2; r++) {
		uint32_t rate = rates[r], frame = rate / 50;
		struct mrfp_jbuf *w = aligned_alloc(64, (jbuf_size(rate) + 63) & ~(size_t)63);
		assert_non_null(w);
		assert_int_equal(jbuf_init(w, rate, frame), 0);
		static int16_t pcm[960], out[960];
		uint32_t played = 0, first = UINT32_MAX;
		for (uint32_t t = 0; t < 100; t++) {
			for (uint32_t k = 0; k < frame; k++)
				pcm[k] = noise(t * frame + k);
			assert_int_equal(
				jbuf_put(w, 5 + t * frame, pcm, frame, 1000 + (uint64_t)t * frame),
				MRFP_JB_STORED);
			enum mrfp_jb_get g = jbuf_get(w, out, 1000 + (uint64_t)t * frame + 7);
			for (uint32_t k = 0; k < frame; k++) {
				if (first == UINT32_MAX && out[k] == noise(0))
					first = 0;
				if (first != UINT32_MAX)
					assert_int_equal(out[k], noise(played++));
			}
			assert_true(g != MRFP_JB_CONCEALED);
		}
		assert_true(played > 90 * frame);
		free(w);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_and_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered_spurt_start, setup, teardown),
		cmocka_unit_test(test_in_order_bit_exact),
		cmocka_unit_test_setup_teardown(test_timestamp_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordering_repaired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loss_concealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_loss_fades_to_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_after_source_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift_fast_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift_slow_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jitter_adapts, setup, teardown),
		cmocka_unit_test(test_wideband_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
