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
 * work per packet and no SRTP logic at all: the floor. 1 leg and 10 000 legs (keys and
 * windows out of cache). The headline is ratios inside the run; never a timed test.
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
	/* raw loop: expanded keys per leg */
	uint8_t (*enc)[16 * 15], (*ipad)[20], (*opad)[20];
	struct gcm_key_data *gcm;
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

static void
raw_keys(struct legs *l, unsigned int i, enum mrfp_srtp_suite suite)
{
	uint8_t key[32], hk[64] = {0}, pad[64], dec[16 * 15];
	for (int k = 0; k < 32; k++)
		key[k] = rnd8();
	if (suite == MRFP_SUITE_AEAD_AES_128_GCM) {
		IMB_AES128_GCM_PRE(imb, key, &l->gcm[i]);
		return;
	}
	IMB_AES_KEYEXP_128(imb, key, l->enc[i], dec);
	for (int k = 0; k < 20; k++)
		hk[k] = rnd8();
	for (int k = 0; k < 64; k++)
		pad[k] = hk[k] ^ 0x36;
	IMB_SHA1_ONE_BLOCK(imb, pad, l->ipad[i]);
	for (int k = 0; k < 64; k++)
		pad[k] = hk[k] ^ 0x5c;
	IMB_SHA1_ONE_BLOCK(imb, pad, l->opad[i]);
}

static int
legs_create(struct legs *l, unsigned int n, enum mrfp_srtp_suite suite)
{
	l->n = n;
	l->seq[0] = calloc(n, sizeof(uint16_t));
	l->seq[1] = calloc(n, sizeof(uint16_t));
	l->enc = calloc(n, sizeof(*l->enc));
	l->ipad = calloc(n, sizeof(*l->ipad));
	l->opad = calloc(n, sizeof(*l->opad));
	l->gcm = aligned_alloc(64, n * sizeof(*l->gcm));
	for (int e = 0; e < 2; e++) {
		l->tx[e] = calloc(n, sizeof(void *));
		l->rx[e] = calloc(n, sizeof(void *));
	}
	for (unsigned int i = 0; i < n; i++) {
		struct mrfp_srtp_key k = {.suite = suite,
					  .len = (uint8_t)mrfp_srtp_suite_key_len(suite)};
		for (unsigned int b = 0; b < k.len; b++)
			k.material[b] = rnd8();
		for (int e = 0; e < 2; e++) {
			enum mrfp_srtp_engine eng =
				e ? MRFP_SRTP_ENGINE_BURST : MRFP_SRTP_ENGINE_LIBSRTP;
			l->tx[e][i] = mrfp_srtp_session_create_on(&k, MRFP_SRTP_OUTBOUND, eng, 1);
			l->rx[e][i] = mrfp_srtp_session_create_on(&k, MRFP_SRTP_INBOUND, eng, 1);
			if (l->tx[e][i] == NULL || l->rx[e][i] == NULL)
				return -1;
		}
		raw_keys(l, i, suite);
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
	free(l->enc);
	free(l->ipad);
	free(l->opad);
	free(l->gcm);
}

/* One packet at a time through the public API (libsrtp2 or the burst engine). */
static unsigned long
run_one(struct legs *l, int e, unsigned int packets)
{
	uint8_t buf[PKT + 160];
	unsigned long bad = 0;
	for (unsigned int i = 0; i < packets; i++) {
		unsigned int leg = i % l->n;
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
			unsigned int leg = (i + j) % l->n;
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

/* The floor: the same cipher and MAC work per packet straight through intel-ipsec-mb. */
static void
raw_job(struct legs *l, unsigned int leg, uint8_t *p, uint8_t *tag, bool gcm, bool encrypt)
{
	static uint8_t iv[16];
	IMB_JOB *job = IMB_GET_NEXT_JOB(imb);
	job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->src = p;
	job->dst = p + HDR;
	job->cipher_start_src_offset_in_bytes = HDR;
	job->msg_len_to_cipher_in_bytes = PAYLOAD;
	job->iv = iv;
	job->auth_tag_output = tag;
	if (gcm) {
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = job->dec_keys = &l->gcm[leg];
		job->key_len_in_bytes = 16;
		job->iv_len_in_bytes = 12;
		job->u.GCM.aad = p;
		job->u.GCM.aad_len_in_bytes = HDR;
		job->hash_start_src_offset_in_bytes = HDR;
		job->msg_len_to_hash_in_bytes = PAYLOAD;
		job->auth_tag_output_len_in_bytes = 16;
	} else {
		job->cipher_mode = IMB_CIPHER_CNTR;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->enc_keys = job->dec_keys = l->enc[leg];
		job->key_len_in_bytes = 16;
		job->iv_len_in_bytes = 16;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = PKT + 4; /* header, payload, ROC */
		job->auth_tag_output_len_in_bytes = 12;	 /* truncated to 10 by the caller */
		job->u.HMAC._hashed_auth_key_xor_ipad = l->ipad[leg];
		job->u.HMAC._hashed_auth_key_xor_opad = l->opad[leg];
	}
	IMB_SUBMIT_JOB(imb);
}

static __attribute__((noinline)) unsigned long
run_raw(struct legs *l, unsigned int packets, bool gcm)
{
	static uint8_t buf[BURST][PKT + 32], tag[BURST][16];
	unsigned long bad = 0;
	for (unsigned int i = 0; i < packets; i += BURST) {
		for (int enc = 1; enc >= 0; enc--) {
			for (unsigned int j = 0; j < BURST; j++)
				raw_job(l, (i + j) % l->n, buf[j], tag[j], gcm, enc);
			while (IMB_FLUSH_JOB(imb) != NULL)
				;
			for (unsigned int j = 0; j < BURST;
			     j++) /* where the tag goes or is compared */
				bad += memcmp(buf[j] + PKT, tag[j], gcm ? 16 : 10) == 0 && enc == 2;
		}
	}
	return bad;
}

static double
measure(struct legs *l, enum mode m, enum mrfp_srtp_suite suite, unsigned int packets)
{
	unsigned long bad;
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
	default:
		bad = run_raw(l, packets, suite == MRFP_SUITE_AEAD_AES_128_GCM);
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
#define NLEGS 2
static const enum mrfp_srtp_suite bench_suites[NSUITE] = {MRFP_SUITE_AES_CM_128_HMAC_SHA1_80,
							  MRFP_SUITE_AEAD_AES_128_GCM};

int
main(int argc, char **argv)
{
	unsigned int reps = 5, packets = 64000, leg_counts[NLEGS] = {1, 10000};
	int c, only = -1, only_suite = -1;
	while ((c = getopt(argc, argv, "r:n:L:m:s:")) != -1) {
		if (c == 'r')
			reps = (unsigned int)atoi(optarg);
		else if (c == 'n')
			packets = (unsigned int)atoi(optarg) / BURST * BURST;
		else if (c == 'L')
			leg_counts[1] = (unsigned int)atoi(optarg);
		else if (c == 'm') /* one mode only: for profiling (callgrind) */
			only = atoi(optarg);
		else if (c == 's') /* one suite only: 0 CM-80, 1 GCM-128 */
			only_suite = atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_burst [-r reps] [-n packets] [-L many-legs] "
					"[-m mode: 0 libsrtp2, 1 burst engine 1 by 1, 2 in bursts "
					"of 32, 3 raw] "
					"[-s suite: 0 CM-80, 1 GCM-128]\n");
			return 2;
		}
	}
	char *eal[] = {argv[0],
		       "--no-huge",
		       "-m",
		       "1024",
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
	static double ns[NSUITE][NLEGS][M_COUNT][64];
	struct legs legs[NSUITE][NLEGS];
	for (int s = 0; s < NSUITE; s++)
		for (int n = 0; n < NLEGS; n++)
			if (legs_create(&legs[s][n], leg_counts[n], bench_suites[s]) < 0) {
				fprintf(stderr, "bench_burst: cannot create %u legs\n",
					leg_counts[n]);
				return 1;
			}
	if (reps > 64)
		reps = 64;
	for (unsigned int r = 0; r < reps; r++) /* interleaved: drift hits every mode alike */
		for (int s = 0; s < NSUITE; s++)
			for (int n = 0; n < NLEGS; n++)
				for (int m = 0; m < M_COUNT; m++)
					ns[s][n][m][r] =
						(only < 0 || only == m) &&
								(only_suite < 0 || only_suite == s)
							? measure(&legs[s][n], (enum mode)m,
								  bench_suites[s], packets)
							: 1.0;
	double med[NSUITE][NLEGS][M_COUNT];
	printf("bench_burst: %u-byte packets, protect + unprotect per packet, ns/packet, median of "
	       "%u\n",
	       PKT, reps);
	printf("%-24s %-16s %10s %10s\n", "suite", "mode", "1 leg", "many legs");
	for (int s = 0; s < NSUITE; s++)
		for (int m = 0; m < M_COUNT; m++) {
			for (int n = 0; n < NLEGS; n++) {
				med[s][n][m] = bench_median(ns[s][n][m], reps);
				printf("csv,bench_burst,%s,%s,%u,%.1f\n",
				       mrfp_srtp_suite_name(bench_suites[s]), mode_names[m],
				       leg_counts[n], med[s][n][m]);
			}
			printf("%-24s %-16s %10.1f %10.1f\n", mrfp_srtp_suite_name(bench_suites[s]),
			       mode_names[m], med[s][0][m], med[s][1][m]);
		}
	double(*cm)[M_COUNT] = med[0], (*gcm)[M_COUNT] = med[1];
	printf("ratio,burst_over_libsrtp2,%.2f,goal>=3\n", cm[0][M_LIBSRTP] / cm[0][M_BURST_32]);
	printf("ratio,burst_over_raw_ipsec_mb,%.2f,goal<=1.3\n", cm[0][M_BURST_32] / cm[0][M_IMB]);
	printf("ratio,many_legs_over_one_leg,%.2f,goal<=1.4 (%u legs)\n",
	       cm[1][M_BURST_32] / cm[0][M_BURST_32], leg_counts[1]);
	printf("ratio,gcm_rate_over_cm80_rate,%.2f,goal>=1.5\n",
	       cm[0][M_BURST_32] / gcm[0][M_BURST_32]);
	for (int s = 0; s < NSUITE; s++)
		for (int n = 0; n < NLEGS; n++)
			legs_free(&legs[s][n]);
	free_mb_mgr(imb);
	return 0;
}
