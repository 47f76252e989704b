/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDES key material (control/keys.c): RFC 4568 base64 of key||salt, generation, fingerprints.
 * Expected values come from RFC 4568's example and from Python's base64/hashlib, computed
 * once and written here as constants (K1-K6).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"

/* K1: RFC 4568 section 9.1 inline key (AES_CM_128_HMAC_SHA1_80, 30 bytes). */
static const char K1_B64[] = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
static const uint8_t K1[30] = {0x59, 0x53, 0x5f, 0x5f, 0x5f, 0x73, 0x65, 0x6d, 0x63, 0x74,
			       0x6c, 0x20, 0x28, 0x29, 0x20, 0x7b, 0x09, 0x32, 0x32, 0x30,
			       0x3b, 0x7d, 0x0a, 0x7d, 0x0a, 0x75, 0x6e, 0x6c, 0x65, 0x73};
/* first 4 bytes of SHA-256(K1) */
static const char K1_FP[] = "5dba4230";

/* K2-K5: bytes 00 01 02 ... of each suite's key||salt length, with their base64 and
 * fingerprint: covers no padding (30), "=" (44) and "==" (28, 46). */
static const struct {
	enum mrfp_srtp_suite suite;
	unsigned int len;
	const char *b64;
	const char *fp;
} seq[] = {
	{MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 30, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd",
	 "f2192584"},
	{MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, 30, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd",
	 "f2192584"},
	{MRFP_SUITE_AEAD_AES_128_GCM, 28, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==", "dc27f8e8"},
	{MRFP_SUITE_AEAD_AES_256_GCM, 44,
	 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=", "17619ec4"},
	{MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, 46,
	 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ==", "8ebfeb2e"},
};
#define N_SEQ (sizeof(seq) / sizeof(seq[0]))

static void
assert_zeroed(const struct mrfp_srtp_key *k)
{
	static const struct mrfp_srtp_key zero;
	assert_memory_equal(k, &zero, sizeof(zero));
}

static void
test_decode_rfc4568(void **state)
{
	(void)state;
	struct mrfp_srtp_key k;
	assert_int_equal(keys_from_base64(K1_B64, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &k), 0);
	assert_int_equal(k.suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(k.len, 30);
	assert_memory_equal(k.material, K1, 30);
	for (size_t i = 30; i < sizeof(k.material); i++)
		assert_int_equal(k.material[i], 0);
}

static void
test_decode_each_suite(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SEQ; i++) {
		struct mrfp_srtp_key k;
		assert_int_equal(keys_from_base64(seq[i].b64, seq[i].suite, &k), 0);
		assert_int_equal(k.suite, seq[i].suite);
		assert_int_equal(k.len, seq[i].len);
		for (unsigned int b = 0; b < seq[i].len; b++)
			assert_int_equal(k.material[b], b);
	}
}

/* Each refusal leaves nothing of a previous or partial key behind. A macro so that a failure
 * names the line of the refused input. */
#define refused(b64, suite)                                                                        \
	do {                                                                                       \
		struct mrfp_srtp_key k_;                                                           \
		memset(&k_, 0xa5, sizeof(k_));                                                     \
		assert_int_equal(keys_from_base64((b64), (suite), &k_), -EINVAL);                  \
		assert_zeroed(&k_);                                                                \
	} while (0)

static void
test_decode_wrong_length(void **state)
{
	(void)state;
	const enum mrfp_srtp_suite s80 = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	refused("", s80);
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGV", s80);      /* 39 chars */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzA", s80);    /* 41 */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzAAAA", s80); /* 33 bytes */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubA==", s80);     /* 28 bytes */
	/* a right-sized string for another suite */
	for (size_t i = 0; i < N_SEQ; i++)
		for (size_t j = 0; j < N_SEQ; j++)
			if (seq[i].len != seq[j].len)
				refused(seq[i].b64, seq[j].suite);
	/* unknown suite */
	refused(K1_B64, MRFP_SUITE_COUNT);
	refused(K1_B64, (enum mrfp_srtp_suite) - 1);
}

static void
test_decode_bad_chars(void **state)
{
	(void)state;
	const enum mrfp_srtp_suite s80 = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	const enum mrfp_srtp_suite g128 = MRFP_SUITE_AEAD_AES_128_GCM;
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVub!Vz", s80);
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVub Vz", s80);
	refused(" WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGV", s80);  /* leading blank */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGV\n", s80); /* trailing newline */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVub-Vz", s80);  /* base64url alphabet */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVub_Vz", s80);
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubG==", s80); /* padding on a 30-byte key */
	refused("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGV=", s80);
	refused("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG==w", g128); /* padding not at the end */
	refused("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGwAA", g128); /* 30 bytes, not 28 */
}

/* RFC 4648 3.3/4: "=" only as the final padding, as many as the length needs. EVP_DecodeBlock
 * alone decodes "=" anywhere as a zero digit; these decode to 28 wrong bytes if let through. */
static void
test_decode_noncanonical_padding(void **state)
{
	(void)state;
	const enum mrfp_srtp_suite g128 = MRFP_SUITE_AEAD_AES_128_GCM;
	refused("AA==AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==", g128); /* padding inside */
	refused("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG===", g128); /* three pad characters */
	refused("AAECAwQF=gcICQoLDA0ODxAREhMUFRYXGBkaGw==", g128);
}

static void
test_encode_known(void **state)
{
	(void)state;
	char out[80];
	struct mrfp_srtp_key k = {.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, .len = 30};
	memcpy(k.material, K1, 30);
	assert_int_equal(keys_to_base64(&k, out, sizeof(out)), 0);
	assert_string_equal(out, K1_B64);
	for (size_t i = 0; i < N_SEQ; i++) {
		memset(&k, 0, sizeof(k));
		k.suite = seq[i].suite;
		k.len = (uint8_t)seq[i].len;
		for (unsigned int b = 0; b < k.len; b++)
			k.material[b] = (uint8_t)b;
		memset(out, 'x', sizeof(out));
		assert_int_equal(keys_to_base64(&k, out, sizeof(out)), 0);
		assert_string_equal(out, seq[i].b64);
	}
}

/* The output is 4 * ceil(len / 3) characters and a NUL: a buffer of exactly that fits, one
 * byte less does not. */
static void
test_encode_buffer_size(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SEQ; i++) {
		struct mrfp_srtp_key k = {.suite = seq[i].suite, .len = (uint8_t)seq[i].len};
		size_t need = strlen(seq[i].b64) + 1;
		char out[80];
		memset(out, 'x', sizeof(out));
		assert_int_equal(keys_to_base64(&k, out, need - 1), -ENOSPC);
		assert_int_equal(out[0], 'x'); /* nothing written when refused */
		assert_int_equal(keys_to_base64(&k, out, need), 0);
		assert_int_equal(strlen(out), need - 1);
		assert_int_equal(out[need], 'x'); /* nothing beyond */
	}
}

static void
test_roundtrip_generated(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SEQ; i++) {
		struct mrfp_srtp_key k, back;
		char b64[80];
		assert_int_equal(keys_generate(seq[i].suite, &k), 0);
		assert_int_equal(keys_to_base64(&k, b64, sizeof(b64)), 0);
		assert_int_equal(strlen(b64), strlen(seq[i].b64));
		assert_int_equal(keys_from_base64(b64, seq[i].suite, &back), 0);
		assert_int_equal(back.len, k.len);
		assert_int_equal(back.suite, k.suite);
		assert_memory_equal(back.material, k.material, sizeof(k.material));
	}
}

static void
test_generate(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SEQ; i++) {
		struct mrfp_srtp_key a, b;
		static const uint8_t zero[MRFP_SRTP_MAX_KEY_LEN];
		assert_int_equal(keys_generate(seq[i].suite, &a), 0);
		assert_int_equal(keys_generate(seq[i].suite, &b), 0);
		assert_int_equal(a.suite, seq[i].suite);
		assert_int_equal(a.len, seq[i].len);
		assert_int_equal(b.len, seq[i].len);
		assert_memory_not_equal(a.material, b.material, a.len);
		assert_memory_not_equal(a.material, zero, a.len);
		/* nothing beyond the key's length */
		assert_memory_equal(a.material + a.len, zero, sizeof(a.material) - a.len);
	}
	struct mrfp_srtp_key k;
	memset(&k, 0xa5, sizeof(k));
	assert_int_equal(keys_generate(MRFP_SUITE_COUNT, &k), -EINVAL);
	assert_zeroed(&k);
}

static void
test_fingerprint(void **state)
{
	(void)state;
	char fp[9], fp2[9];
	struct mrfp_srtp_key k = {.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, .len = 30};
	memcpy(k.material, K1, 30);
	memset(fp, 'x', sizeof(fp));
	keys_fingerprint(&k, fp);
	assert_string_equal(fp, K1_FP);
	for (size_t i = 0; i < N_SEQ; i++) {
		memset(&k, 0, sizeof(k));
		k.suite = seq[i].suite;
		k.len = (uint8_t)seq[i].len;
		for (unsigned int b = 0; b < k.len; b++)
			k.material[b] = (uint8_t)b;
		keys_fingerprint(&k, fp);
		assert_string_equal(fp, seq[i].fp);
		assert_int_equal(strlen(fp), 8);
		for (int c = 0; c < 8; c++)
			assert_true((fp[c] >= '0' && fp[c] <= '9') ||
				    (fp[c] >= 'a' && fp[c] <= 'f'));
	}
	/* one bit apart: different fingerprints */
	k.material[0] ^= 1;
	keys_fingerprint(&k, fp2);
	assert_string_not_equal(fp, fp2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_rfc4568),
		cmocka_unit_test(test_decode_each_suite),
		cmocka_unit_test(test_decode_wrong_length),
		cmocka_unit_test(test_decode_bad_chars),
		cmocka_unit_test(test_decode_noncanonical_padding),
		cmocka_unit_test(test_encode_known),
		cmocka_unit_test(test_encode_buffer_size),
		cmocka_unit_test(test_roundtrip_generated),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_fingerprint),
	};
	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
