/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * G.711 against spandsp's reference (spandsp/g711.h), which shares no code with ours: every
 * one of the 65536 linear inputs must encode to the same octet, every octet must decode to
 * the same linear value. Also the codec table lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

#include "codec.h"

#define ALL 65536

static int16_t all_pcm[ALL]; /* -32768 .. 32767 */

static void
fill_all(void)
{
	for (int i = 0; i < ALL; i++)
		all_pcm[i] = (int16_t)(i - 32768);
}

/* One call over all inputs: exercises the vector blocks and, at the end, nothing else. */
static void
check_encoder(unsigned (*enc)(const int16_t *, unsigned, uint8_t *), uint8_t (*ref)(int),
	      const char *law)
{
	static uint8_t out[ALL];
	fill_all();
	assert_int_equal(enc(all_pcm, ALL, out), ALL);
	for (int i = 0; i < ALL; i++) {
		if (out[i] != ref(all_pcm[i]))
			fail_msg("%s: linear %d -> 0x%02x, spandsp 0x%02x", law, all_pcm[i], out[i],
				 ref(all_pcm[i]));
	}
}

/* Odd lengths and offsets: the scalar tail must agree with the vector body. */
static void
check_tails(unsigned (*enc)(const int16_t *, unsigned, uint8_t *), uint8_t (*ref)(int))
{
	uint8_t out[64];
	fill_all();
	for (unsigned n = 0; n <= 40; n++) {
		unsigned start = 32768 - 20 + 3 * n; /* straddles zero, the sign change */
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(enc(all_pcm + start, n, out), n);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(out[i], ref(all_pcm[start + i]));
		assert_int_equal(out[n], 0xa5); /* nothing written past n */
	}
}

static uint8_t
ref_ulaw(int x)
{
	return linear_to_ulaw(x);
}

static uint8_t
ref_alaw(int x)
{
	return linear_to_alaw(x);
}

static void
test_ulaw_encode_all(void **state)
{
	(void)state;
	check_encoder(codec_ulaw_encode, ref_ulaw, "ulaw");
	check_tails(codec_ulaw_encode, ref_ulaw);
}

static void
test_alaw_encode_all(void **state)
{
	(void)state;
	check_encoder(codec_alaw_encode, ref_alaw, "alaw");
	check_tails(codec_alaw_encode, ref_alaw);
}

static void
test_decode_all(void **state)
{
	(void)state;
	uint8_t in[256];
	int16_t u[256], a[256];
	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	assert_int_equal(codec_ulaw_decode(in, 256, u), 256);
	assert_int_equal(codec_alaw_decode(in, 256, a), 256);
	for (int i = 0; i < 256; i++) {
		assert_int_equal(u[i], ulaw_to_linear((uint8_t)i));
		assert_int_equal(a[i], alaw_to_linear((uint8_t)i));
	}
	/* G.711's own landmarks: 0xff/0x7f are mu-law +0/-0, 0xd5/0x55 A-law's smallest steps. */
	assert_int_equal(u[0xff], 0);
	assert_int_equal(u[0x7f], 0);
	assert_int_equal(u[0x80], 32124);
	assert_int_equal(u[0x00], -32124);
	assert_int_equal(a[0xd5], 8);
	assert_int_equal(a[0x55], -8);
	assert_int_equal(a[0xaa], 32256);
}

/* Decoding then encoding any code gives the code back (except mu-law's two zeros). */
static void
test_round_trip(void **state)
{
	(void)state;
	uint8_t in[256], out[256];
	int16_t pcm[256];
	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	codec_ulaw_decode(in, 256, pcm);
	codec_ulaw_encode(pcm, 256, out);
	for (int i = 0; i < 256; i++)
		assert_int_equal(out[i], i == 0x7f ? 0xff : i);
	codec_alaw_decode(in, 256, pcm);
	codec_alaw_encode(pcm, 256, out);
	assert_memory_equal(out, in, 256);
}

static void
test_decode_truncates(void **state)
{
	(void)state;
	static uint8_t in[MRFP_AUDIO_MAX_SAMPLES + 100];
	static int16_t pcm[MRFP_AUDIO_MAX_SAMPLES + 100];
	pcm[MRFP_AUDIO_MAX_SAMPLES] = 1234;
	assert_int_equal(codec_ulaw_decode(in, sizeof(in), pcm), MRFP_AUDIO_MAX_SAMPLES);
	assert_int_equal(pcm[MRFP_AUDIO_MAX_SAMPLES], 1234);
	assert_int_equal(MRFP_AUDIO_MAX_SAMPLES, 1440);
}

static void
test_lookup(void **state)
{
	(void)state;
	const struct mrfp_codec *u = codec_by_pt(0), *a = codec_by_pt(8);
	assert_non_null(u);
	assert_non_null(a);
	assert_string_equal(u->name, "PCMU");
	assert_string_equal(a->name, "PCMA");
	assert_int_equal(u->clock_rate, 8000);
	assert_int_equal(u->pcm_rate, 8000);
	assert_int_equal(a->clock_rate, 8000);
	assert_ptr_equal(codec_by_name("pcmu"), u);
	assert_ptr_equal(codec_by_name("PCMA"), a);
	assert_null(codec_by_name("G729"));
	assert_null(codec_by_pt(18));
	assert_null(codec_by_pt(96));
	assert_ptr_equal(u->encode, codec_ulaw_encode);
	assert_ptr_equal(a->decode, codec_alaw_decode);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ulaw_encode_all),	 cmocka_unit_test(test_alaw_encode_all),
		cmocka_unit_test(test_decode_all),	 cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_truncates), cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
