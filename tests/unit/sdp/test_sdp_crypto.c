/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 4568 a=crypto values (control/sdp_crypto.c, control/sdp_write.c). Examples are those of
 * RFC 4568 sections 4 and 6.1; keys of the GCM and 256-bit suites are bytes 00 01 02 ...
 * (base64 from Python, as in test_keys.c). Every refusal is checked to leave no key bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sdp.h"

/* RFC 4568 section 4 answer key (AES_CM_128_HMAC_SHA1_80, 30 bytes). */
#define PS1U "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
static const uint8_t PS1U_KEY[30] = {0x3d, 0x2d, 0x6e, 0x40, 0x25, 0x5e, 0x78, 0x21, 0x42, 0x6a,
				     0x75, 0x66, 0x72, 0x39, 0x29, 0x3f, 0x2c, 0x23, 0x35, 0x68,
				     0x5c, 0x60, 0x3d, 0x26, 0x5d, 0x7b, 0x71, 0x69, 0x50, 0x51};
#define SEQ28 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw=="
#define SEQ44 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="
#define SEQ46 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ=="

static int
parse(const char *v, struct mrfp_sdp_crypto *c, enum mrfp_sdp_err *why)
{
	return sdp_crypto_parse(v, strlen(v), c, why);
}

/* Refused for `code`, and nothing but the tag survives. */
static void
expect_refused(const char *v, enum mrfp_sdp_err code)
{
	struct mrfp_sdp_crypto c, zero;
	enum mrfp_sdp_err why = MRFP_SDP_ERR_NONE;
	memset(&c, 0xa5, sizeof(c));
	int rc = parse(v, &c, &why);
	if (why != code)
		fail_msg("'%s': reason %s, expected %s", v, sdp_strerror(why), sdp_strerror(code));
	assert_int_equal(rc, -sdp_err_errno(code));
	memset(&zero, 0, sizeof(zero));
	zero.tag = c.tag;
	assert_memory_equal(&c, &zero, sizeof(c));
}

static void
test_rfc4568_example(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	enum mrfp_sdp_err why;
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4", &c, &why), 0);
	assert_int_equal(why, MRFP_SDP_ERR_NONE);
	assert_int_equal(c.tag, 1);
	assert_int_equal(c.suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_false(c.key_choose);
	assert_int_equal(c.key.suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(c.key.len, 30);
	assert_memory_equal(c.key.material, PS1U_KEY, 30);
	assert_true(c.lifetime == (UINT64_C(1) << 20));
	assert_true(c.key.lifetime == c.lifetime); /* the dataplane enforces it with the key */
	assert_true(c.mki == 1);
	assert_int_equal(c.mki_len, 4);
	assert_int_equal(c.flags, 0);
	mrfp_srtp_key_wipe(&c.key);
}

/* RFC 4568 6.1: MKI without a lifetime; the widely copied "|2^20|1:32" (32-byte MKI field). */
static void
test_mki_forms(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1066:4", &c, NULL), 0);
	assert_true(c.lifetime == 0 && c.mki == 1066 && c.mki_len == 4);
	assert_true(c.key.lifetime == 0);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:32", &c, NULL), 0);
	assert_true(c.lifetime == (UINT64_C(1) << 20) && c.mki == 1 && c.mki_len == 32);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|255:1", &c, NULL), 0);
	assert_true(c.mki == 255 && c.mki_len == 1);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|0:1", &c, NULL), 0);
	assert_true(c.mki == 0 && c.mki_len == 1);
	assert_int_equal(
		parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|18446744073709551615:8", &c, NULL),
		0);
	assert_true(c.mki == UINT64_MAX && c.mki_len == 8);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|7:128", &c, NULL), 0);
	assert_true(c.mki == 7 && c.mki_len == 128);
	mrfp_srtp_key_wipe(&c.key);

	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|256:1", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:0", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:129", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|:4", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|01:4", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:04", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|x:4", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|18446744073709551616:16",
		       MRFP_SDP_ERR_MKI_VALUE);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:4|2:4", MRFP_SDP_ERR_CRYPTO);
}

static void
test_lifetime_forms(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t packets;
	} ok[] = {
		{"2^31", UINT64_C(1) << 31},
		{"2^48", UINT64_C(1) << 48},
		{"2^0", 1},
		{"1048576", 1048576},
		{"1", 1},
		{"281474976710656", UINT64_C(1) << 48},
	};
	static const char *const bad[] = {"0",
					  "01",
					  "2^",
					  "2^49",
					  "2^x",
					  "2^031",
					  "x",
					  "281474976710657",
					  "99999999999999999999999",
					  "-1",
					  ""};
	char v[160];
	struct mrfp_sdp_crypto c;
	for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(v, sizeof(v), "1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|%s", ok[i].text);
		assert_int_equal(parse(v, &c, NULL), 0);
		assert_true(c.lifetime == ok[i].packets);
		assert_int_equal(c.mki_len, 0);
		mrfp_srtp_key_wipe(&c.key);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(v, sizeof(v), "1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|%s|1:4", bad[i]);
		expect_refused(v, MRFP_SDP_ERR_LIFETIME);
	}
	/* the lifetime comes before the MKI, once */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:4|2^20", MRFP_SDP_ERR_CRYPTO);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|2^20", MRFP_SDP_ERR_CRYPTO);
}

/* RFC 7714 AEAD names and RFC 6188's 256-bit CM, with their key||salt lengths. */
static void
test_suites(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum mrfp_srtp_suite suite;
		unsigned int len;
	} ok[] = {
		{"7 AEAD_AES_128_GCM inline:" SEQ28, MRFP_SUITE_AEAD_AES_128_GCM, 28},
		{"8 AEAD_AES_256_GCM inline:" SEQ44 "|2^31", MRFP_SUITE_AEAD_AES_256_GCM, 44},
		{"9 AES_256_CM_HMAC_SHA1_80 inline:" SEQ46, MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, 46},
		{"10 AES_CM_128_HMAC_SHA1_32 inline:" PS1U, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, 30},
	};
	struct mrfp_sdp_crypto c;
	for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i].line, &c, NULL), 0);
		assert_int_equal(c.suite, ok[i].suite);
		assert_int_equal(c.key.len, ok[i].len);
		if (ok[i].len != 30)
			for (unsigned int b = 0; b < ok[i].len; b++)
				assert_int_equal(c.key.material[b], b);
		mrfp_srtp_key_wipe(&c.key);
	}
	expect_refused("3 F8_128_HMAC_SHA1_80 inline:" PS1U, MRFP_SDP_ERR_SUITE);
	expect_refused("3 AES_192_CM_HMAC_SHA1_80 inline:" PS1U, MRFP_SDP_ERR_SUITE);
	expect_refused("3 AES-CM inline:" PS1U, MRFP_SDP_ERR_CRYPTO);
	expect_refused("3 $ inline:" PS1U, MRFP_SDP_ERR_CHOOSE);
	struct mrfp_sdp_crypto t;
	parse("42 F8_128_HMAC_SHA1_80 inline:" PS1U, &t, NULL);
	assert_int_equal(t.tag, 42); /* known even when skipped, for the duplicate check */
}

static void
test_bad_keys(void **state)
{
	(void)state;
	/* right length, '*' not base64 */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhc*D0mXXtxaVBR",
		       MRFP_SDP_ERR_KEY_BASE64);
	/* 40 characters, but the padding makes it 28 bytes */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV==",
		       MRFP_SDP_ERR_KEY_LENGTH);
	/* right size, but not canonical: the bits under the padding must be zero (RFC 4648 3.5) */
	expect_refused("1 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx==",
		       MRFP_SDP_ERR_KEY_BASE64);
	/* a GCM-256 key for a 30-byte suite, and the reverse */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" SEQ44, MRFP_SDP_ERR_KEY_LENGTH);
	expect_refused("1 AEAD_AES_256_GCM inline:" PS1U, MRFP_SDP_ERR_KEY_LENGTH);
	expect_refused("1 AEAD_AES_128_GCM inline:" PS1U, MRFP_SDP_ERR_KEY_LENGTH);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "AAAA", MRFP_SDP_ERR_KEY_LENGTH);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:", MRFP_SDP_ERR_KEY_LENGTH);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:|2^20", MRFP_SDP_ERR_KEY_LENGTH);
	/* not a whole number of base64 quanta */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB",
		       MRFP_SDP_ERR_KEY_BASE64);
	/* "=" in the middle */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVm=jkpPywjNWhcYD0mXXtxaVBR",
		       MRFP_SDP_ERR_KEY_BASE64);
	/* very long key-info: refused on length, never copied */
	char v[600] = "1 AES_CM_128_HMAC_SHA1_80 inline:";
	memset(v + strlen(v), 'A', 500);
	expect_refused(v, MRFP_SDP_ERR_KEY_LENGTH);
}

/* A key decoded before a later field fails must not stay behind. */
static void
test_no_key_left_on_late_failure(void **state)
{
	(void)state;
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^99", MRFP_SDP_ERR_LIFETIME);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:999", MRFP_SDP_ERR_MKI);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " KDR=99",
		       MRFP_SDP_ERR_SESSION_PARAM);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " NEW_PARAM",
		       MRFP_SDP_ERR_SESSION_PARAM_UNSUPP);
}

static void
test_choose_key(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	static const struct mrfp_srtp_key zero_key;
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:$", &c, NULL), 0);
	assert_true(c.key_choose);
	assert_memory_equal(&c.key, &zero_key, sizeof(zero_key));
	assert_int_equal(parse("2 AEAD_AES_256_GCM inline:$|2^31|3:2", &c, NULL), 0);
	assert_true(c.key_choose && c.lifetime == (UINT64_C(1) << 31) && c.mki == 3 &&
		    c.mki_len == 2);
}

static void
test_key_methods(void **state)
{
	(void)state;
	/* RFC 4568 6.1: several master keys on one line, told apart by MKI */
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4;inline:" PS1U
		       "|2^20|2:4",
		       MRFP_SDP_ERR_KEY_METHOD);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key",
		       MRFP_SDP_ERR_KEY_METHOD);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline" PS1U, MRFP_SDP_ERR_CRYPTO);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 :" PS1U, MRFP_SDP_ERR_CRYPTO);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80", MRFP_SDP_ERR_CRYPTO);
	expect_refused("1", MRFP_SDP_ERR_CRYPTO);
	expect_refused("", MRFP_SDP_ERR_CRYPTO_TAG);
}

static void
test_tags(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	assert_int_equal(parse("0 AES_CM_128_HMAC_SHA1_80 inline:$", &c, NULL), 0);
	assert_int_equal(c.tag, 0);
	assert_int_equal(parse("999999999 AES_CM_128_HMAC_SHA1_80 inline:$", &c, NULL), 0);
	assert_int_equal(c.tag, 999999999);
	assert_int_equal(parse("  5\tAES_CM_128_HMAC_SHA1_80   inline:$  ", &c, NULL), 0);
	assert_int_equal(c.tag, 5);
	expect_refused("1000000000 AES_CM_128_HMAC_SHA1_80 inline:$", MRFP_SDP_ERR_CRYPTO_TAG);
	expect_refused("01 AES_CM_128_HMAC_SHA1_80 inline:$", MRFP_SDP_ERR_CRYPTO_TAG);
	expect_refused("x AES_CM_128_HMAC_SHA1_80 inline:$", MRFP_SDP_ERR_CRYPTO_TAG);
	expect_refused("-1 AES_CM_128_HMAC_SHA1_80 inline:$", MRFP_SDP_ERR_CRYPTO_TAG);
}

static void
test_session_params(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U
			       " KDR=24 UNENCRYPTED_SRTCP WSH=128 FEC_ORDER=FEC_SRTP -X_OPT=1",
			       &c, NULL),
			 0);
	assert_int_equal(c.kdr, 24);
	assert_int_equal(c.wsh, 128);
	assert_int_equal(c.flags, MRFP_SDP_UNENCRYPTED_SRTCP);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U
			       " UNENCRYPTED_SRTP UNAUTHENTICATED_SRTP FEC_ORDER=SRTP_FEC KDR=1",
			       &c, NULL),
			 0);
	assert_int_equal(c.flags, MRFP_SDP_UNENCRYPTED_SRTP | MRFP_SDP_UNAUTHENTICATED_SRTP |
					  MRFP_SDP_FEC_SRTP_FEC);
	assert_int_equal(c.kdr, 1);
	mrfp_srtp_key_wipe(&c.key);

	static const char *const bad[] = {"KDR=0",	 "KDR=25",
					  "KDR=01",	 "KDR=",
					  "KDR=1 KDR=2", "WSH=63",
					  "WSH=",	 "WSH=4294967296",
					  "FEC_ORDER=X", "UNENCRYPTED_SRTP UNENCRYPTED_SRTP"};
	char v[160];
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(v, sizeof(v), "1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " %s", bad[i]);
		expect_refused(v, MRFP_SDP_ERR_SESSION_PARAM);
	}
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " FEC_KEY=inline:" PS1U,
		       MRFP_SDP_ERR_SESSION_PARAM_UNSUPP);
	expect_refused("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " UNENCRYPTED_RTP",
		       MRFP_SDP_ERR_SESSION_PARAM_UNSUPP);
}

/* RFC 4568 9.2 writes suite names and keywords as ABNF quoted strings: any case. */
static void
test_keyword_case(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	assert_int_equal(
		parse("1 aes_cm_128_hmac_sha1_80 INLINE:" PS1U " kdr=2 unencrypted_srtp", &c, NULL),
		0);
	assert_int_equal(c.suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(c.kdr, 2);
	assert_int_equal(c.flags, MRFP_SDP_UNENCRYPTED_SRTP);
	assert_memory_equal(c.key.material, PS1U_KEY, 30); /* base64 itself is case-sensitive */
	mrfp_srtp_key_wipe(&c.key);
}

static void
test_write_round_trip(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4",
		"2 AES_CM_128_HMAC_SHA1_32 inline:" PS1U "|1000",
		"3 AEAD_AES_128_GCM inline:" SEQ28 "|2^31|65535:2",
		"4 AEAD_AES_256_GCM inline:" SEQ44,
		"5 AES_256_CM_HMAC_SHA1_80 inline:" SEQ46 " KDR=3 UNENCRYPTED_SRTCP WSH=256",
	};
	char buf[256], want[256];
	struct mrfp_sdp_crypto c, back;
	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(lines[i], &c, NULL), 0);
		int n = sdp_crypto_write(&c, buf, sizeof(buf));
		snprintf(want, sizeof(want), "a=crypto:%s\r\n", lines[i]);
		assert_string_equal(buf, want);
		assert_int_equal(n, (int)strlen(want));
		assert_int_equal(sdp_crypto_parse(buf + 9, (size_t)n - 11, &back, NULL), 0);
		assert_memory_equal(&back, &c, sizeof(c));
		mrfp_srtp_key_wipe(&c.key);
		mrfp_srtp_key_wipe(&back.key);
	}
}

static void
test_write_refusals(void **state)
{
	(void)state;
	struct mrfp_sdp_crypto c;
	char buf[64];
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:$", &c, NULL), 0);
	assert_int_equal(sdp_crypto_write(&c, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(parse("1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4", &c, NULL), 0);
	/* room for the start of the key but not all of it: the partial key is wiped */
	for (size_t size = 0; size < 60; size++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(sdp_crypto_write(&c, buf, size), -ENOSPC);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(buf[i], 0);
	}
	c.key.len = 16; /* not the suite's length */
	assert_int_equal(sdp_crypto_write(&c, buf, sizeof(buf)), -EINVAL);
	mrfp_srtp_key_wipe(&c.key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4568_example),
		cmocka_unit_test(test_mki_forms),
		cmocka_unit_test(test_lifetime_forms),
		cmocka_unit_test(test_suites),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_no_key_left_on_late_failure),
		cmocka_unit_test(test_choose_key),
		cmocka_unit_test(test_key_methods),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_session_params),
		cmocka_unit_test(test_keyword_case),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_write_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
