/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec cost: µs per 20 ms frame to encode and to decode, for each codec instance mrfp offers
 * (codec_inst.h: Debian's libraries), next to one SRTP protect of a 172-byte G.711 packet
 * (libsrtp2 on OpenSSL, AES_CM_128_HMAC_SHA1_80) measured in the same run: the ratio is what a
 * transcoding leg costs against a forwarded one. One thread, no EAL.
 *
 * Input: one second of a voice-like signal at each codec's rate (a 140 Hz harmonic series
 * under a 4 Hz syllable envelope, with a little noise) so that the speech coders work as they
 * do on speech, not on a tone. Each measurement encodes (or decodes) the whole second, timed
 * as a block in the thread's CPU time (time preempted on a shared machine does not count;
 * cache and frequency effects do); repetitions are interleaved over every codec and op,
 * medians reported.
 * Output: a table, then `csv,bench_codec,...` lines for bench/mrfp-bench.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "bench_stats.h"
#include "codec_inst.h"
#include "mrfp_srtp.h"

#define FRAMES 50 /* one second */
#define MAX_REPS 101
#define SRTP_PACKETS 2000
#define RTP_LEN 172

struct config {
	const char *label;
	struct mrfp_codec_params p;
};

/* The NOTES.md rows, and the ones a conference would choose between. */
static const struct config configs[] = {
	{"PCMU", {.id = MRFP_CODEC_PCMU}},
	{"G.722 64k", {.id = MRFP_CODEC_G722}},
	{"AMR 12.2", {.id = MRFP_CODEC_AMR, .mode = 7}},
	{"AMR 4.75", {.id = MRFP_CODEC_AMR, .mode = 0}},
	{"AMR-WB 23.85", {.id = MRFP_CODEC_AMR_WB, .mode = 8}},
	{"AMR-WB 12.65", {.id = MRFP_CODEC_AMR_WB, .mode = 2}},
	{"opus 24k c10", {.id = MRFP_CODEC_OPUS, .bitrate = 24000, .complexity = 10}},
	{"opus 24k c5", {.id = MRFP_CODEC_OPUS, .bitrate = 24000, .complexity = 5}},
	{"opus 24k c0", {.id = MRFP_CODEC_OPUS, .bitrate = 24000, .complexity = 0}},
	{"opus 24k c5 fec",
	 {.id = MRFP_CODEC_OPUS,
	  .bitrate = 24000,
	  .complexity = 5,
	  .fec = true,
	  .loss_percent = 10}},
	{"opus 64k c5 stereo",
	 {.id = MRFP_CODEC_OPUS, .channels = 2, .bitrate = 64000, .complexity = 5}},
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

struct frames {
	int16_t *pcm; /* FRAMES frames of input */
	uint8_t *pkt; /* their encodings, MRFP_CODEC_OUT_MAX apart */
	int len[FRAMES];
	int16_t out[MRFP_CODEC_PCM_MAX];
	double enc[MAX_REPS], dec[MAX_REPS];
};

static struct frames F[NCONFIGS];
static double srtp_ns[MAX_REPS];
static uint8_t pkts[SRTP_PACKETS][RTP_LEN + SRTP_MAX_TRAILER_LEN];

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
die(const char *what, int rc)
{
	fprintf(stderr, "bench_codec: %s: %d\n", what, rc);
	exit(1);
}

/* One second of voice-like signal at rate, channels interleaved (the right one a fifth up). */
static void
voice(int16_t *x, unsigned rate, unsigned channels)
{
	uint32_t noise = 12345;
	for (unsigned i = 0; i < rate; i++) {
		double t = (double)i / rate, env = 0.55 + 0.45 * sin(2 * M_PI * 4 * t);
		for (unsigned c = 0; c < channels; c++) {
			double f0 = 140 * (c ? 1.5 : 1), s = 0;
			for (unsigned h = 1; h * f0 < rate / 2 && h <= 20; h++)
				s += sin(2 * M_PI * h * f0 * t) / h;
			noise = noise * 1103515245u + 12345u;
			s = 5000 * env * s + (double)((noise >> 16) & 0x3ff) - 512;
			x[(size_t)i * channels + c] = (int16_t)lrint(s);
		}
	}
}

static void
prepare(unsigned k)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(configs[k].p.id);
	unsigned ch = configs[k].p.channels ? configs[k].p.channels : 1;
	F[k].pcm = malloc(sizeof(int16_t) * info->pcm_rate * ch);
	F[k].pkt = malloc((size_t)MRFP_CODEC_OUT_MAX * FRAMES);
	if (!F[k].pcm || !F[k].pkt)
		die("out of memory", 0);
	voice(F[k].pcm, info->pcm_rate, ch);
}

/* Encode the second with a fresh encoder; returns ns per frame. Keeps the packets. */
static double
run_encode(unsigned k)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(configs[k].p.id);
	struct mrfp_codec_params p = configs[k].p;
	struct mrfp_codec_inst enc;
	unsigned fs = info->frame_samples, ch = p.channels ? p.channels : 1;
	p.dir = MRFP_CODEC_ENCODER;
	int rc = mrfp_codec_inst_init(&enc, &p);
	if (rc)
		die(configs[k].label, rc);
	uint64_t t0 = now_ns();
	for (unsigned f = 0; f < FRAMES; f++)
		F[k].len[f] = mrfp_codec_encode(&enc, F[k].pcm + (size_t)f * fs * ch, fs,
						F[k].pkt + (size_t)f * MRFP_CODEC_OUT_MAX,
						MRFP_CODEC_OUT_MAX);
	uint64_t t = now_ns() - t0;
	mrfp_codec_inst_fini(&enc);
	for (unsigned f = 0; f < FRAMES; f++)
		if (F[k].len[f] <= 0)
			die(configs[k].label, F[k].len[f]);
	return (double)t / FRAMES;
}

static double
run_decode(unsigned k)
{
	struct mrfp_codec_params p = configs[k].p;
	struct mrfp_codec_inst dec;
	p.dir = MRFP_CODEC_DECODER;
	int rc = mrfp_codec_inst_init(&dec, &p), bad = 0;
	if (rc)
		die(configs[k].label, rc);
	uint64_t t0 = now_ns();
	for (unsigned f = 0; f < FRAMES; f++)
		bad |= mrfp_codec_decode(&dec, F[k].pkt + (size_t)f * MRFP_CODEC_OUT_MAX,
					 (unsigned)F[k].len[f], F[k].out) <= 0;
	uint64_t t = now_ns() - t0;
	mrfp_codec_inst_fini(&dec);
	if (bad)
		die(configs[k].label, -1);
	return (double)t / FRAMES;
}

/* SRTP_PACKETS protects of fresh 172-byte RTP packets (copied in untimed); ns per packet. */
static double
run_srtp(srtp_t tx, unsigned rep)
{
	int lens[SRTP_PACKETS];
	for (unsigned i = 0; i < SRTP_PACKETS; i++) {
		uint32_t seq = rep * SRTP_PACKETS + i, ts = seq * 160;
		uint8_t *h = pkts[i];
		memset(h, 0xd5, RTP_LEN);
		h[0] = 0x80;
		h[1] = 0;
		h[2] = (uint8_t)(seq >> 8);
		h[3] = (uint8_t)seq;
		h[4] = (uint8_t)(ts >> 24);
		h[5] = (uint8_t)(ts >> 16);
		h[6] = (uint8_t)(ts >> 8);
		h[7] = (uint8_t)ts;
		memcpy(h + 8, "\x12\x34\x56\x78", 4);
		lens[i] = RTP_LEN;
	}
	unsigned bad = 0;
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < SRTP_PACKETS; i++)
		bad += srtp_protect(tx, pkts[i], &lens[i]) != srtp_err_status_ok;
	uint64_t t = now_ns() - t0;
	if (bad)
		die("srtp_protect failures", (int)bad);
	return (double)t / SRTP_PACKETS;
}

static srtp_t
srtp_session(void)
{
	static uint8_t key[30];
	srtp_policy_t pol;
	srtp_t tx = NULL;
	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 37 + 11);
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.ssrc.type = ssrc_specific;
	pol.ssrc.value = 0x12345678;
	pol.key = key;
	pol.window_size = 1024;
	if (mrfp_srtp_init() != 0 || srtp_create(&tx, &pol) != srtp_err_status_ok)
		die("srtp set-up", -1);
	return tx;
}

static void
report(unsigned reps)
{
	double protect = bench_median(srtp_ns, reps);
	printf("bench_codec: µs per 20 ms frame, medians of %u interleaved repetitions of %u "
	       "frames;\n  against one SRTP protect (AES_CM_128_HMAC_SHA1_80, 172-byte packet, "
	       "libsrtp2 on %s): %.3f µs\n\n",
	       reps, FRAMES, mrfp_srtp_backend(), protect / 1000);
	printf("%-20s %10s %10s %12s %12s %10s\n", "codec", "enc µs", "dec µs", "enc/protect",
	       "dec/protect", "octets");
	printf("csv,bench_codec_srtp,protect_ns,%.1f\n", protect);
	for (unsigned k = 0; k < NCONFIGS; k++) {
		double e = bench_median(F[k].enc, reps), d = bench_median(F[k].dec, reps);
		unsigned octets = 0;
		for (unsigned f = 0; f < FRAMES; f++)
			octets += (unsigned)F[k].len[f];
		printf("%-20s %10.2f %10.2f %11.1fx %11.1fx %10.1f\n", configs[k].label, e / 1000,
		       d / 1000, e / protect, d / protect, (double)octets / FRAMES);
		printf("csv,bench_codec,%s,%.1f,%.1f,%.2f,%.2f,%.1f\n", configs[k].label, e, d,
		       e / protect, d / protect, (double)octets / FRAMES);
	}
}

static void
pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		perror("bench_codec: sched_setaffinity");
}

int
main(int argc, char **argv)
{
	unsigned reps = 11;
	int c, cpu = -1;
	while ((c = getopt(argc, argv, "r:c:q")) != -1) {
		switch (c) {
		case 'r':
			reps = (unsigned)atoi(optarg);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'q':
			reps = 3;
			break;
		default:
			fprintf(stderr,
				"usage: bench_codec [-r reps (11)] [-q: 3 reps] [-c cpu]\n");
			return 2;
		}
	}
	if (reps == 0 || reps > MAX_REPS) {
		fprintf(stderr, "bench_codec: reps 1..%d\n", MAX_REPS);
		return 2;
	}
	if (cpu >= 0)
		pin(cpu);
	srtp_t tx = srtp_session();
	for (unsigned k = 0; k < NCONFIGS; k++)
		prepare(k);
	run_srtp(tx, 0); /* warm-up */
	for (unsigned r = 0; r < reps; r++) {
		srtp_ns[r] = run_srtp(tx, r + 1);
		for (unsigned k = 0; k < NCONFIGS; k++) {
			F[k].enc[r] = run_encode(k);
			F[k].dec[r] = run_decode(k);
		}
	}
	report(reps);
	srtp_dealloc(tx);
	return 0;
}
