/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the scale benchmarks share: legs taken in a random order per packet (a fixed seed, so
 * every mode and repetition of a run sees the same sequence, and a hardware prefetcher cannot
 * guess the next leg as it guesses a round robin), a walk over a buffer larger than the last
 * level cache between repetitions (each one starts cold, as a worker does after thousands of
 * other legs), and the floor: intel-ipsec-mb's job API driven directly with the same cipher
 * and MAC work per packet over per-leg keys touched in the same order, no SRTP logic at all.
 */
#ifndef MRFP_BENCH_SCALE_H
#define MRFP_BENCH_SCALE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <intel-ipsec-mb.h>

#define BENCH_RAW_BURST 32
#define BENCH_RAW_HDR 12

/* xorshift64*: cheap, and the same sequence on every machine for one seed. */
static inline uint64_t
bench_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* order[i]: the leg of packet i, uniform over [0, legs). */
static inline uint32_t *
bench_order(unsigned int packets, unsigned int legs, uint64_t seed)
{
	uint32_t *order = malloc(packets * sizeof(*order));
	uint64_t s = seed | 1;
	for (unsigned int i = 0; order != NULL && i < packets; i++)
		order[i] = (uint32_t)(bench_rand(&s) % legs);
	return order;
}

/*
 * Evict everything: write one byte per line of twice the last level cache (at least 64 MiB,
 * at most 1 GiB: some VMs report the whole socket's L3). Between repetitions, never timed.
 */
static inline void
bench_flush_caches(void)
{
	static uint8_t *buf;
	static size_t size;
	if (buf == NULL) {
		long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
		size = llc > 0 ? 2 * (size_t)llc : 0;
		size = size < (64u << 20) ? 64u << 20 : size > (1u << 30) ? 1u << 30 : size;
		if ((buf = malloc(size)) == NULL)
			return;
		memset(buf, 0, size);
	}
	for (size_t i = 0; i < size; i += 64)
		buf[i]++;
	__asm__ volatile("" ::: "memory");
}

/* One leg direction's keys as the burst engine keeps them: HMAC pads, then the AES schedule. */
struct bench_raw_cm {
	uint8_t ipad[20];
	uint8_t opad[20];
	uint8_t enc[16 * 15] __attribute__((aligned(16)));
} __attribute__((aligned(64)));

struct bench_raw {
	IMB_MGR *mb;
	bool gcm;
	unsigned int n_keys;
	struct bench_raw_cm *cm;
	struct gcm_key_data *gk;
};

/* n_keys random keys (no SRTP key derivation: the floor needs the schedules, not the keys). */
static inline int
bench_raw_create(struct bench_raw *r, IMB_MGR *mb, unsigned int n_keys, bool gcm, uint64_t seed)
{
	uint64_t s = seed | 1;
	r->mb = mb;
	r->gcm = gcm;
	r->n_keys = n_keys;
	r->cm = gcm ? NULL : aligned_alloc(64, n_keys * sizeof(*r->cm));
	r->gk = gcm ? aligned_alloc(64, n_keys * sizeof(*r->gk)) : NULL;
	if (r->cm == NULL && r->gk == NULL)
		return -1;
	for (unsigned int i = 0; i < n_keys; i++) {
		uint8_t key[16], pad[64], dec[16 * 15];
		uint64_t a = bench_rand(&s), b = bench_rand(&s);
		memcpy(key, &a, 8);
		memcpy(key + 8, &b, 8);
		if (gcm) {
			IMB_AES128_GCM_PRE(mb, key, &r->gk[i]);
			continue;
		}
		IMB_AES_KEYEXP_128(mb, key, r->cm[i].enc, dec);
		for (int k = 0; k < 64; k++)
			pad[k] = (uint8_t)(bench_rand(&s) ^ 0x36);
		IMB_SHA1_ONE_BLOCK(mb, pad, r->cm[i].ipad);
		for (int k = 0; k < 64; k++)
			pad[k] ^= 0x36 ^ 0x5c;
		IMB_SHA1_ONE_BLOCK(mb, pad, r->cm[i].opad);
	}
	return 0;
}

static inline void
bench_raw_free(struct bench_raw *r)
{
	free(r->cm);
	free(r->gk);
}

/* One job: payload bytes ciphered after a 12-byte header, the tag over header and payload. */
static inline void
bench_raw_job(const struct bench_raw *r, unsigned int key, uint8_t *p, unsigned int payload,
	      uint8_t *tag, bool encrypt)
{
	static uint8_t iv[16];
	IMB_JOB *job = IMB_GET_NEXT_JOB(r->mb);
	job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->src = p;
	job->dst = p + BENCH_RAW_HDR;
	job->cipher_start_src_offset_in_bytes = BENCH_RAW_HDR;
	job->msg_len_to_cipher_in_bytes = payload;
	job->iv = iv;
	job->auth_tag_output = tag;
	job->key_len_in_bytes = 16;
	if (r->gcm) {
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = job->dec_keys = &r->gk[key];
		job->iv_len_in_bytes = 12;
		job->u.GCM.aad = p;
		job->u.GCM.aad_len_in_bytes = BENCH_RAW_HDR;
		job->hash_start_src_offset_in_bytes = BENCH_RAW_HDR;
		job->msg_len_to_hash_in_bytes = payload;
		job->auth_tag_output_len_in_bytes = 16;
	} else {
		job->cipher_mode = IMB_CIPHER_CNTR;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->enc_keys = job->dec_keys = r->cm[key].enc;
		job->iv_len_in_bytes = 16;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = BENCH_RAW_HDR + payload + 4; /* and the ROC */
		job->auth_tag_output_len_in_bytes = 12;
		job->u.HMAC._hashed_auth_key_xor_ipad = r->cm[key].ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = r->cm[key].opad;
	}
	IMB_SUBMIT_JOB(r->mb);
}

/* The key lines a job reads (the whole bench_raw_cm; GCM: the schedule and first GHASH keys),
 * for a burst at once: the floor pays for cold keys no more than it must. */
static inline void
bench_raw_prefetch(const struct bench_raw *r, const uint32_t *key, unsigned int n)
{
	for (unsigned int j = 0; j < n; j++) {
		const uint8_t *p =
			r->gcm ? (const uint8_t *)&r->gk[key[j]] : (const uint8_t *)&r->cm[key[j]];
		unsigned int lines = r->gcm ? 8 : sizeof(struct bench_raw_cm) / 64;
		for (unsigned int l = 0; l < lines; l++)
			__builtin_prefetch(p + 64 * l, 0, 3);
	}
}

/*
 * The floor for `packets` packets in bursts of 32: packet i goes through one job under key
 * first[i] (encrypt when first_enc), then through one more under second[i]; each burst's keys
 * are prefetched before its jobs. Returns the number of tags that matched, which nothing
 * expects: it keeps the comparison in the loop.
 * Not inlined: callgrind's --toggle-collect=bench_raw_run names it.
 */
static __attribute__((noinline)) unsigned long
bench_raw_run(const struct bench_raw *r, const uint32_t *first, const uint32_t *second,
	      unsigned int packets, unsigned int payload, bool first_enc)
{
	static uint8_t buf[BENCH_RAW_BURST][BENCH_RAW_HDR + 1500 + 32], tag[BENCH_RAW_BURST][16];
	unsigned long same = 0;
	for (unsigned int i = 0; i < packets; i += BENCH_RAW_BURST) {
		unsigned int n = packets - i < BENCH_RAW_BURST ? packets - i : BENCH_RAW_BURST;
		for (int pass = 0; pass < 2; pass++) {
			const uint32_t *key = pass == 0 ? first : second;
			bool enc = pass == 0 ? first_enc : !first_enc;
			bench_raw_prefetch(r, key + i, n);
			for (unsigned int j = 0; j < n; j++)
				bench_raw_job(r, key[i + j], buf[j], payload, tag[j], enc);
			while (IMB_FLUSH_JOB(r->mb) != NULL)
				;
			for (unsigned int j = 0; j < n;
			     j++) /* where a tag is written or compared */
				same += memcmp(buf[j] + BENCH_RAW_HDR + payload, tag[j], 10) == 0;
		}
	}
	return same;
}

#endif
