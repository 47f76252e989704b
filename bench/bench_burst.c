/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst SRTP engine against libsrtp2 and against a raw intel-ipsec-mb loop, in one run.
 *
 * Each measurement relays 172-byte G.711 packets (12-byte header + 160) through a set of
 * legs in turn: protect under the leg's outbound key, unprotect under its inbound key (the
 * work of one received and one sent packet), reported as ns per packet, median of
 * interleaved repetitions. Modes: libsrtp2 one packet at a time; the burst engine one packet
 * at a time (a burst of one); the burst engine in bursts of 32 (what the worker does); and
 * intel-ipsec-mb's job API driven directly with the same AES-CTR + HMAC-SHA1 (or AES-GCM)
 * work per packet over per-leg keys and no SRTP logic at all: the floor. 1, 2, 1 000, 10 000
 * and 50 000 legs, each packet's leg drawn at random (bench_scale.h) and the caches flushed
 * before each measurement, so that with many legs keys and windows are out of cache as in a
 * worker. libsrtp2 and the one-by-one mode run up to 10 000 legs (their contexts are large).
 * The headline is ratios inside the run; never a timed test.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "mrfp_srtp.h"

#include "bench_scale.h"
#include "bench_stats.h"

#define HDR 12
#define PAYLOAD 160
#define PKT (HDR + PAYLOAD)
#define BURST 32

enum mode { M_LIBSRTP, M_BURST_ONE, M_BURST_32, M_IMB, M_COUNT };
/* The burst engine's modes keep the engine's former name: mrfp-bench reads these rows. */
static const char *const mode_names[M_COUNT] = {"libsrtp2", "cryptodev-1", "cryptodev-32",
						"ipsec-mb-raw-32"};

struct legs {
	unsigned int n;
	struct mrfp_srtp_session **tx[2], **rx[2]; /* [0] libsrtp2, [1] burst engine */
	uint16_t *seq[2]; /* per engine: each engine's sessions see one continuous stream */
	bool lib;	  /* libsrtp2 and one-by-one sessions exist (not at the largest counts) */
	uint32_t *order;  /* the leg of each packet */
	uint32_t *raw_tx, *raw_rx; /* the raw loop's key of each packet: 2 leg, 2 leg + 1 */
	struct bench_raw raw;
};

static struct rte_mempool *pool;
static IMB_MGR *imb;
static uint64_t rng = 88172645463325252ULL;

static uint8_t
rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

static double
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void
fill_packet(uint8_t *p, uint16_t seq, unsigned int leg)
{
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	memset(p + 4, 0, 4);
	p[8] = (uint8_t)(leg >> 24);
	p[9] = (uint8_t)(leg >> 16);
	p[10] = (uint8_t)(leg >> 8);
	p[11] = (uint8_t)leg | 1;
}

#define LIB_MAX_LEGS 10000

static int
legs_create(struct legs *l, unsigned int n, enum mrfp_srtp_suite suite, unsigned int packets)
{
	l->n = n;
	l->lib = n <= LIB_MAX_LEGS;
	l->seq[0] = calloc(n, sizeof(uint16_t));
	l->seq[1] = calloc(n, sizeof(uint16_t));
	l->order = bench_order(packets, n, 0x5eed0000u + n);
	l->raw_tx = malloc(packets * sizeof(uint32_t));
	l->raw_rx = malloc(packets * sizeof(uint32_t));
	if (l->order == NULL || l->raw_tx == NULL || l->raw_rx == NULL ||
	    bench_raw_create(&l->raw, imb, 2 * n, suite == MRFP_SUITE_AEAD_AES_128_GCM, n) < 0)
		return -1;
	for (unsigned int i = 0; i < packets; i++) {
		l->raw_tx[i] = 2 * l->order[i];
		l->raw_rx[i] = 2 * l->order[i] + 1;
	}
	for (int e = 0; e < 2; e++) {
		l->tx[e] = calloc(n, sizeof(void *));
		l->rx[e] = calloc(n, sizeof(void *));
	}
	for (unsigned int i = 0; i < n; i++) {
		struct mrfp_srtp_key k = {.suite = suite,
					  .len = (uint8_t)mrfp_srtp_suite_key_len(suite)};
		for (unsigned int b = 0; b < k.len; b++)
			k.material[b] = rnd8();
		for (int e = l->lib ? 0 : 1; e < 2; e++) {
			enum mrfp_srtp_engine eng =
				e ? MRFP_SRTP_ENGINE_BURST : MRFP_SRTP_ENGINE_LIBSRTP;
			l->tx[e][i] = mrfp_srtp_session_create_on(&k, MRFP_SRTP_OUTBOUND, eng, 1);
			l->rx[e][i] = mrfp_srtp_session_create_on(&k, MRFP_SRTP_INBOUND, eng, 1);
			if (l->tx[e][i] == NULL || l->rx[e][i] == NULL)
				return -1;
		}
		mrfp_srtp_key_wipe(&k);
	}
	return 0;
}

static void
legs_free(struct legs *l)
{
	for (int e = 0; e < 2; e++) {
		for (unsigned int i = 0; i < l->n; i++) {
			mrfp_srtp_session_free(l->tx[e][i]);
			mrfp_srtp_session_free(l->rx[e][i]);
		}
		free(l->tx[e]);
		free(l->rx[e]);
	}
	free(l->seq[0]);
	free(l->seq[1]);
	free(l->order);
	free(l->raw_tx);
	free(l->raw_rx);
	bench_raw_free(&l->raw);
}

/* One packet at a time through the public API (libsrtp2 or the burst engine). */
static unsigned long
run_one(struct legs *l, int e, unsigned int packets)
{
	uint8_t buf[PKT + 160];
	unsigned long bad = 0;
	for (unsigned int i = 0; i < packets; i++) {
		unsigned int leg = l->order[i];
		int len = PKT;
		fill_packet(buf, l->seq[e][leg]++, leg);
		bad += mrfp_srtp_protect(l->tx[e][leg], buf, &len) != MRFP_DROP_NONE;
		bad += mrfp_srtp_unprotect(l->rx[e][leg], buf, &len) != MRFP_DROP_NONE;
	}
	return bad;
}

/* Bursts of 32 through the burst API, as the worker's stages hand them over. Not inlined,
 * like run_raw: callgrind's --toggle-collect=run_burst names it. */
static __attribute__((noinline)) unsigned long
run_burst(struct legs *l, unsigned int packets)
{
	struct rte_mbuf *m[BURST];
	struct mrfp_srtp_session *tx[BURST], *rx[BURST];
	enum mrfp_drop d[BURST];
	unsigned long bad = 0;
	if (rte_pktmbuf_alloc_bulk(pool, m, BURST) != 0)
		return packets;
	for (unsigned int i = 0; i < packets; i += BURST) {
		for (unsigned int j = 0; j < BURST; j++) {
			unsigned int leg = l->order[i + j];
			rte_pktmbuf_reset(m[j]);
			fill_packet((uint8_t *)rte_pktmbuf_append(m[j], PKT), l->seq[1][leg]++,
				    leg);
			tx[j] = l->tx[1][leg];
			rx[j] = l->rx[1][leg];
		}
		mrfp_srtp_protect_burst(tx, m, d, BURST);
		for (unsigned int j = 0; j < BURST; j++)
			bad += d[j] != MRFP_DROP_NONE;
		mrfp_srtp_unprotect_burst(rx, m, d, BURST);
		for (unsigned int j = 0; j < BURST; j++)
			bad += d[j] != MRFP_DROP_NONE;
	}
	rte_pktmbuf_free_bulk(m, BURST);
	return bad;
}

static double
measure(struct legs *l, enum mode m, enum mrfp_srtp_suite suite, unsigned int packets)
{
	unsigned long bad = 0;
	bench_flush_caches(); /* every measurement starts cold: no leg state left in any cache */
	double t0 = now_ns();
	switch (m) {
	case M_LIBSRTP:
		bad = run_one(l, 0, packets);
		break;
	case M_BURST_ONE:
		bad = run_one(l, 1, packets);
		break;
	case M_BURST_32:
		bad = run_burst(l, packets);
		break;
	default: /* protect under the leg's outbound key, unprotect under its inbound one */
		(void)suite;
		bench_raw_run(&l->raw, l->raw_tx, l->raw_rx, packets, PAYLOAD, true);
		break;
	}
	double ns = (now_ns() - t0) / packets;
	if (bad != 0) {
		fprintf(stderr, "bench_burst: %s: %lu failures\n", mode_names[m], bad);
		exit(1);
	}
	return ns;
}

#define NSUITE 2
#define NLEGS_MAX 8
static const enum mrfp_srtp_suite bench_suites[NSUITE] = {MRFP_SUITE_AES_CM_128_HMAC_SHA1_80,
							  MRFP_SUITE_AEAD_AES_128_GCM};
static const char *const suite_short[NSUITE] = {"cm80", "gcm128"};

/* "-L 1000,10000": the leg counts after the one-leg baseline. The count of counts, or 0. */
static unsigned int
parse_counts(char *arg, unsigned int counts[NLEGS_MAX])
{
	unsigned int n = 1;
	for (char *t = strtok(arg, ","); t != NULL; t = strtok(NULL, ",")) {
		if (n == NLEGS_MAX || atoi(t) < 1)
			return 0;
		counts[n++] = (unsigned int)atoi(t);
	}
	return n;
}

static bool
runs(const struct legs *l, enum mode m)
{
	return l->lib || m == M_BURST_32 || m == M_IMB;
}

static void
print_ratios(double med[NSUITE][NLEGS_MAX][M_COUNT], const unsigned int *counts, unsigned int nlegs)
{
	double(*cm)[M_COUNT] = med[0], (*gcm)[M_COUNT] = med[1];
	unsigned int many = nlegs - 1; /* 10 000 legs when measured, else the most */
	for (unsigned int n = 1; n < nlegs; n++)
		if (counts[n] == 10000)
			many = n;
	printf("ratio,burst_over_libsrtp2,%.2f,goal>=3\n", cm[0][M_LIBSRTP] / cm[0][M_BURST_32]);
	printf("ratio,burst_over_raw_ipsec_mb,%.2f,goal<=1.3\n", cm[0][M_BURST_32] / cm[0][M_IMB]);
	printf("ratio,many_legs_over_one_leg,%.2f,goal<=1.2 (%u legs)\n",
	       cm[many][M_BURST_32] / cm[0][M_BURST_32], counts[many]);
	printf("ratio,many_legs_over_one_leg_gcm,%.2f,goal<=1.2 (%u legs)\n",
	       gcm[many][M_BURST_32] / gcm[0][M_BURST_32], counts[many]);
	printf("ratio,gcm_rate_over_cm80_rate,%.2f,goal>=1.5\n",
	       cm[0][M_BURST_32] / gcm[0][M_BURST_32]);
	/* the engine against the floor at the same number of legs, both touched in one order */
	for (int s = 0; s < NSUITE; s++)
		for (unsigned int n = 1; n < nlegs; n++)
			printf("ratio,burst_over_raw_%s_%u_legs,%.2f,goal<=1.3\n", suite_short[s],
			       counts[n], med[s][n][M_BURST_32] / med[s][n][M_IMB]);
}

int
main(int argc, char **argv)
{
	unsigned int reps = 5, packets = 64000, nlegs = 5;
	unsigned int leg_counts[NLEGS_MAX] = {1, 2, 1000, 10000, 50000};
	int c, only = -1, only_suite = -1;
	while ((c = getopt(argc, argv, "r:n:L:m:s:")) != -1) {
		if (c == 'r')
			reps = (unsigned int)atoi(optarg);
		else if (c == 'n')
			packets = (unsigned int)atoi(optarg) / BURST * BURST;
		else if (c == 'L')
			nlegs = parse_counts(optarg, leg_counts);
		else if (c == 'm') /* one mode only: for profiling (callgrind) */
			only = atoi(optarg);
		else if (c == 's') /* one suite only: 0 CM-80, 1 GCM-128 */
			only_suite = atoi(optarg);
		else
			nlegs = 0;
		if (nlegs < 2) {
			fprintf(stderr,
				"usage: bench_burst [-r reps] [-n packets] [-L legs,legs,...] "
				"[-m mode: 0 libsrtp2, 1 burst engine 1 by 1, 2 in bursts "
				"of 32, 3 raw] "
				"[-s suite: 0 CM-80, 1 GCM-128]\n");
			return 2;
		}
	}
	char *eal[] = {argv[0],
		       "--no-huge",
		       "-m",
		       "2048",
		       "--no-pci",
		       "--log-level=*:warning",
		       "--file-prefix=mrfp_bench_burst",
		       NULL};
	if (reps == 0 || packets < BURST || rte_eal_init(7, eal) < 0 || mrfp_srtp_init() < 0 ||
	    mrfp_srtp_burst_init() < 0) {
		fprintf(stderr, "bench_burst: EAL, libsrtp2 or the burst engine did not start\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("bench_burst", 1023, 0, 0, 2048, 0);
	imb = alloc_mb_mgr(0);
	if (pool == NULL || imb == NULL)
		return 1;
	init_mb_mgr_auto(imb, NULL);
	static double ns[NSUITE][NLEGS_MAX][M_COUNT][64];
	static struct legs legs[NSUITE][NLEGS_MAX];
	for (int s = 0; s < NSUITE; s++)
		for (unsigned int n = 0; n < nlegs; n++)
			if (legs_create(&legs[s][n], leg_counts[n], bench_suites[s], packets) < 0) {
				fprintf(stderr, "bench_burst: cannot create %u legs\n",
					leg_counts[n]);
				return 1;
			}
	if (reps > 64)
		reps = 64;
	for (unsigned int r = 0; r < reps; r++) /* interleaved: drift hits every mode alike */
		for (int s = 0; s < NSUITE; s++)
			for (unsigned int n = 0; n < nlegs; n++)
				for (int m = 0; m < M_COUNT; m++)
					ns[s][n][m][r] =
						(only < 0 || only == m) &&
								(only_suite < 0 ||
								 only_suite == s) &&
								runs(&legs[s][n], (enum mode)m)
							? measure(&legs[s][n], (enum mode)m,
								  bench_suites[s], packets)
							: 1.0;
	static double med[NSUITE][NLEGS_MAX][M_COUNT];
	printf("bench_burst: %u-byte packets, protect + unprotect per packet, ns/packet, median of "
	       "%u; legs in random order, caches flushed before each measurement\n",
	       PKT, reps);
	printf("%-24s %-16s", "suite", "mode");
	for (unsigned int n = 0; n < nlegs; n++)
		printf(" %7u leg%s", leg_counts[n], leg_counts[n] == 1 ? " " : "s");
	printf("\n");
	for (int s = 0; s < NSUITE; s++)
		for (int m = 0; m < M_COUNT; m++) {
			for (unsigned int n = 0; n < nlegs; n++) {
				med[s][n][m] = bench_median(ns[s][n][m], reps);
				if (runs(&legs[s][n], (enum mode)m))
					printf("csv,bench_burst,%s,%s,%u,%.1f\n",
					       mrfp_srtp_suite_name(bench_suites[s]), mode_names[m],
					       leg_counts[n], med[s][n][m]);
			}
			printf("%-24s %-16s", mrfp_srtp_suite_name(bench_suites[s]), mode_names[m]);
			for (unsigned int n = 0; n < nlegs; n++)
				if (runs(&legs[s][n], (enum mode)m))
					printf(" %12.1f", med[s][n][m]);
				else
					printf(" %12s", "-");
			printf("\n");
		}
	print_ratios(med, leg_counts, nlegs);
	for (int s = 0; s < NSUITE; s++)
		for (unsigned int n = 0; n < nlegs; n++)
			legs_free(&legs[s][n]);
	free_mb_mgr(imb);
	return 0;
}
