/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AMR / AMR-WB payloads (RFC 4867) against an oracle that shares no code with payload_amr.c:
 * payloads and storage frames are written here as strings of '0'/'1', one field after the
 * other exactly as the RFC's figures draw them, then packed into octets. The frame sizes are
 * the test's own table (3GPP TS 26.101 / 26.201), cross-checked with the storage frame
 * lengths that opencore-amr's decoders expect. Plus hand-made octets for the RFC's
 * single-frame examples (4.3.5.1 and its octet-aligned twin, 4.4.5.1) and every malformed
 * shape a receiver must refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "payload_amr.h"

/* Bits per FT, -1 reserved: TS 26.101 table 1a / TS 26.201 table 1a, and RFC 4867 4.3.2. */
// clang-format off
static const int nb_bits[16] = {95, 103, 118, 134, 148, 159, 204, 244, 39,
				-1, -1, -1, -1, -1, -1, 0};
static const int wb_bits[16] = {132, 177, 253, 285, 317, 365, 397, 461, 477, 40,
				-1, -1, -1, -1, 0, 0};
// clang-format on
/* Octets per storage frame, header included, as opencore-amr sizes them (block_size + 1). */
static const int nb_storage[16] = {13, 14, 16, 18, 20, 21, 27, 32, 6, -1, -1, -1, -1, -1, -1, 1};
static const int wb_storage[16] = {18, 24, 33, 37, 41, 47, 51, 59, 61, 6, -1, -1, -1, -1, 1, 1};

/* ---- the oracle: bit strings ---- */

struct bitstr {
	char b[8 * (MRFP_AMR_PAYLOAD_MAX + 8)];
	unsigned n;
};

static void
bs_put(struct bitstr *s, unsigned v, unsigned nbits)
{
	for (unsigned i = nbits; i-- > 0;)
		s->b[s->n++] = (v >> i) & 1 ? '1' : '0';
}

static void
bs_pad(struct bitstr *s)
{
	while (s->n % 8)
		s->b[s->n++] = '0';
}

static unsigned
bs_octets(const struct bitstr *s, uint8_t *out)
{
	assert_int_equal(s->n % 8, 0);
	for (unsigned i = 0; i < s->n / 8; i++) {
		out[i] = 0;
		for (unsigned j = 0; j < 8; j++)
			out[i] = (uint8_t)(out[i] * 2 + (s->b[8 * i + j] == '1'));
	}
	return s->n / 8;
}

/* Speech bit k of a frame: a fixed pseudo-random pattern per seed, never all zero. */
static unsigned
speech_bit(unsigned seed, unsigned k)
{
	uint32_t x = (seed + 1) * 2654435761u ^ (k + 7) * 40503u;
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x & 1;
}

struct spec {
	unsigned ft, q, seed;
};

/* Storage frame (RFC 4867 5.3): P FT Q P P, the speech bits, zero padding. */
static void
oracle_storage(bool wb, const struct spec *sp, struct mrfp_amr_frame *f)
{
	struct bitstr s = {.n = 0};
	int bits = (wb ? wb_bits : nb_bits)[sp->ft];
	bs_put(&s, 0, 1);
	bs_put(&s, sp->ft, 4);
	bs_put(&s, sp->q, 1);
	bs_put(&s, 0, 2);
	for (int k = 0; k < bits; k++)
		bs_put(&s, speech_bit(sp->seed, (unsigned)k), 1);
	bs_pad(&s);
	f->len = (uint8_t)bs_octets(&s, f->storage);
}

/* The payload of n frames, as drawn in RFC 4867 4.3 (bandwidth-efficient) or 4.4 (octets). */
static unsigned
oracle_payload(bool wb, bool oa, unsigned cmr, const struct spec *sp, unsigned n, uint8_t *out)
{
	static struct bitstr s;
	s.n = 0;
	bs_put(&s, cmr, 4);
	if (oa)
		bs_put(&s, 0, 4); /* R */
	for (unsigned i = 0; i < n; i++) {
		bs_put(&s, i + 1 < n, 1);
		bs_put(&s, sp[i].ft, 4);
		bs_put(&s, sp[i].q, 1);
		if (oa)
			bs_put(&s, 0, 2); /* P */
	}
	for (unsigned i = 0; i < n; i++) {
		int bits = (wb ? wb_bits : nb_bits)[sp[i].ft];
		for (int k = 0; k < bits; k++)
			bs_put(&s, speech_bit(sp[i].seed, (unsigned)k), 1);
		if (oa)
			bs_pad(&s);
	}
	bs_pad(&s);
	return bs_octets(&s, out);
}

/* Parse the oracle's payload, compare with its storage frames; build them back, compare. */
static void
check_round_trip(bool wb, bool oa, unsigned cmr, const struct spec *sp, unsigned n)
{
	uint8_t payload[MRFP_AMR_PAYLOAD_MAX], built[MRFP_AMR_PAYLOAD_MAX];
	struct mrfp_amr_frames want = {.cmr = (uint8_t)cmr, .n = (uint8_t)n}, got;
	unsigned len = oracle_payload(wb, oa, cmr, sp, n, payload);
	for (unsigned i = 0; i < n; i++)
		oracle_storage(wb, &sp[i], &want.f[i]);

	memset(&got, 0xa5, sizeof(got));
	assert_int_equal(amr_payload_parse(wb, oa, payload, len, &got), 0);
	assert_int_equal(got.cmr, cmr);
	assert_int_equal(got.n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(got.f[i].len, want.f[i].len);
		assert_memory_equal(got.f[i].storage, want.f[i].storage, want.f[i].len);
		assert_int_equal(amr_storage_ft(got.f[i].storage), sp[i].ft);
		assert_int_equal(amr_storage_q(got.f[i].storage), sp[i].q);
	}
	memset(built, 0xa5, sizeof(built));
	assert_int_equal(amr_payload_build(wb, oa, &want, built, sizeof(built)), (int)len);
	assert_memory_equal(built, payload, len);
}

static void
test_frame_sizes(void **state)
{
	(void)state;
	for (unsigned ft = 0; ft < 16; ft++) {
		assert_int_equal(amr_frame_bits(false, ft), nb_bits[ft]);
		assert_int_equal(amr_frame_bits(true, ft), wb_bits[ft]);
		assert_int_equal(amr_storage_len(false, ft), nb_storage[ft]);
		assert_int_equal(amr_storage_len(true, ft), wb_storage[ft]);
	}
	assert_int_equal(amr_frame_bits(false, 16), -1);
	assert_int_equal(MRFP_AMR_STORAGE_MAX, wb_storage[8]);
}

/*
 * RFC 4867 4.3.5.1: bandwidth-efficient, CMR=15, F=0, FT=4 (7.4 kbit/s), Q=1, d(0)..d(147),
 * two padding bits: 20 octets. With every speech bit 1 the octets are easy to write by hand:
 * 1111 0 010 | 0 1 111111 | 0xff x 17 | 111111 00.
 */
static void
test_rfc_example_bandwidth_efficient(void **state)
{
	(void)state;
	uint8_t pl[20], built[32];
	memset(pl, 0xff, sizeof(pl));
	pl[0] = 0xf2;
	pl[1] = 0x7f;
	pl[19] = 0xfc;
	struct mrfp_amr_frames f;
	assert_int_equal(amr_payload_parse(false, false, pl, sizeof(pl), &f), 0);
	assert_int_equal(f.cmr, 15);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.f[0].len, 20); /* header + 148 bits in 19 octets (4 padding bits) */
	assert_int_equal(f.f[0].storage[0], 0x24); /* 0 0100 1 00 */
	for (int i = 1; i < 19; i++)
		assert_int_equal(f.f[0].storage[i], 0xff);
	assert_int_equal(f.f[0].storage[19], 0xf0);
	assert_int_equal(amr_payload_build(false, false, &f, built, sizeof(built)), 20);
	assert_memory_equal(built, pl, 20);
}

/* The same frame octet-aligned (4.4.5.1 layout): 1111 0000 | 0 0100 1 00 | frame, 4 pad. */
static void
test_rfc_example_octet_aligned(void **state)
{
	(void)state;
	uint8_t pl[21], built[32];
	memset(pl, 0xff, sizeof(pl));
	pl[0] = 0xf0;
	pl[1] = 0x24;
	pl[20] = 0xf0;
	struct mrfp_amr_frames f;
	assert_int_equal(amr_payload_parse(false, true, pl, sizeof(pl), &f), 0);
	assert_int_equal(f.n, 1);
	assert_memory_equal(f.f[0].storage, pl + 1, 20); /* storage = ToC octet + frame */
	assert_int_equal(amr_payload_build(false, true, &f, built, sizeof(built)), 21);
	assert_memory_equal(built, pl, 21);
}

/* Every speech mode and SID, alone, in both modes, AMR and AMR-WB, Q = 0 and 1. */
static void
test_every_mode_round_trip(void **state)
{
	(void)state;
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++)
			for (unsigned ft = 0; ft <= (wb ? 9u : 8u); ft++)
				for (unsigned q = 0; q <= 1; q++) {
					struct spec sp = {ft, q, ft * 31 + q};
					check_round_trip(wb, oa, MRFP_AMR_CMR_NONE, &sp, 1);
				}
}

/* 1 to 12 frames per packet, modes mixed so that frames start at every bit offset. */
static void
test_several_frames(void **state)
{
	(void)state;
	struct spec sp[MRFP_AMR_MAX_FRAMES];
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++)
			for (unsigned n = 1; n <= MRFP_AMR_MAX_FRAMES; n++) {
				for (unsigned i = 0; i < n; i++)
					sp[i] = (struct spec){(i * 5 + n) % (wb ? 9u : 8u), i & 1,
							      n * 100 + i};
				check_round_trip(wb, oa, n % 8, sp, n);
			}
}

/* Speech, SID, NO_DATA (and AMR-WB SPEECH_LOST) in one packet: 0-bit frames take no room. */
static void
test_sid_and_no_data(void **state)
{
	(void)state;
	const struct spec nb[] = {{7, 1, 1}, {8, 1, 2}, {15, 0, 3}, {15, 0, 4}, {0, 1, 5}};
	const struct spec wb[] = {{8, 1, 1}, {9, 1, 2}, {14, 0, 3}, {15, 0, 4}, {2, 1, 5}};
	for (int oa = 0; oa <= 1; oa++) {
		check_round_trip(false, oa, 3, nb, 5);
		check_round_trip(true, oa, 8, wb, 5);
	}
	/* A lone NO_DATA: CMR + ToC only (BE: 10 bits -> 2 octets; OA: 2 octets). */
	uint8_t pl[2];
	struct mrfp_amr_frames f;
	const struct spec nd = {15, 0, 0};
	assert_int_equal(oracle_payload(false, false, 5, &nd, 1, pl), 2);
	assert_int_equal(amr_payload_parse(false, false, pl, 2, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.f[0].len, 1);
	assert_int_equal(f.f[0].storage[0], 15 << 3);
	assert_int_equal(f.cmr, 5);
}

/* CMR: valid requests pass through; AMR 8-14 / AMR-WB 9-14 mean no request; build refuses. */
static void
test_cmr(void **state)
{
	(void)state;
	uint8_t pl[MRFP_AMR_PAYLOAD_MAX];
	struct mrfp_amr_frames f;
	const struct spec sp = {2, 1, 9};
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++)
			for (unsigned cmr = 0; cmr < 16; cmr++) {
				bool valid = cmr == 15 || cmr <= (wb ? 8u : 7u);
				unsigned len = oracle_payload(wb, oa, cmr, &sp, 1, pl);
				assert_int_equal(amr_payload_parse(wb, oa, pl, len, &f), 0);
				assert_int_equal(f.cmr, valid ? cmr : MRFP_AMR_CMR_NONE);
				f.cmr = (uint8_t)cmr;
				int rc = amr_payload_build(wb, oa, &f, pl, sizeof(pl));
				assert_int_equal(rc, valid ? (int)len : -EINVAL);
			}
}

/* Every truncation of a valid packet, and one octet too many, are refused. */
static void
test_wrong_length(void **state)
{
	(void)state;
	uint8_t pl[MRFP_AMR_PAYLOAD_MAX + 1];
	struct mrfp_amr_frames f;
	const struct spec sp[] = {{7, 1, 1}, {4, 1, 2}, {8, 0, 3}};
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++) {
			unsigned len = oracle_payload(wb, oa, 15, sp, 3, pl);
			for (unsigned l = 0; l < len; l++)
				assert_int_equal(amr_payload_parse(wb, oa, pl, l, &f), -EMSGSIZE);
			pl[len] = 0;
			assert_int_equal(amr_payload_parse(wb, oa, pl, len + 1, &f), -EMSGSIZE);
		}
	/* Octet-aligned is exact; a bandwidth-efficient packet read as octet-aligned is not. */
	unsigned len = oracle_payload(false, false, 15, sp, 1, pl);
	assert_true(amr_payload_parse(false, true, pl, len, &f) < 0);
}

/* FT 9-14 (AMR) and 10-13 (AMR-WB) anywhere in the ToC discard the whole packet (4.3.2). */
static void
test_reserved_ft(void **state)
{
	(void)state;
	uint8_t pl[64];
	struct mrfp_amr_frames f;
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++)
			for (unsigned ft = wb ? 10 : 9; ft <= (wb ? 13u : 14u); ft++) {
				/* A reserved FT has no size: write its ToC entry by hand. */
				struct bitstr s = {.n = 0};
				bs_put(&s, 15, oa ? 8 : 4);
				bs_put(&s, 1, 1); /* F: a NO_DATA follows */
				bs_put(&s, ft, 4);
				bs_put(&s, 1, 1); /* Q */
				bs_put(&s, 0, oa ? 2 : 0);
				bs_put(&s, 0, 1); /* F: last */
				bs_put(&s, 15, 4);
				bs_put(&s, 0, oa ? 3 : 1);
				bs_pad(&s);
				unsigned len = bs_octets(&s, pl);
				assert_int_equal(amr_payload_parse(wb, oa, pl, len, &f), -EINVAL);
			}
}

/* F set on the last ToC entry the octets hold; F never cleared over 13 entries. */
static void
test_toc_overrun(void **state)
{
	(void)state;
	struct mrfp_amr_frames f;
	/* OA: CMR, one ToC of FT 15 with F = 1 and nothing after it. */
	const uint8_t oa1[] = {0xf0, 0x80 | 15 << 3};
	assert_int_equal(amr_payload_parse(false, true, oa1, sizeof(oa1), &f), -EMSGSIZE);
	/* BE: CMR 15, then entries of F 1, FT 15, Q 1 at bits 4 and 10; the third needs 22. */
	const uint8_t be1[] = {0xff, 0xff};
	assert_int_equal(amr_payload_parse(false, false, be1, sizeof(be1), &f), -EMSGSIZE);
	/* 13 NO_DATA entries, all with F = 1: too many frame-blocks before running out. */
	uint8_t many[1 + 14];
	many[0] = 0xf0;
	memset(many + 1, 0x80 | 15 << 3, 14);
	assert_int_equal(amr_payload_parse(true, true, many, sizeof(many), &f), -E2BIG);
	/* 12 entries with F = 1 and the 13th with F = 0: still one too many. */
	many[13] = 15 << 3;
	assert_int_equal(amr_payload_parse(true, true, many, 14, &f), -E2BIG);
	/* 12 is the limit and fine. */
	many[12] = 15 << 3;
	assert_int_equal(amr_payload_parse(true, true, many, 13, &f), 0);
	assert_int_equal(f.n, 12);
}

/* Build refuses what it cannot send; padding bits of the storage frames do not leak. */
static void
test_build_errors(void **state)
{
	(void)state;
	uint8_t out[MRFP_AMR_PAYLOAD_MAX], ref[MRFP_AMR_PAYLOAD_MAX];
	struct mrfp_amr_frames f = {.cmr = 15, .n = 1};
	const struct spec sp = {0, 1, 4}; /* 95 bits: the last storage octet has 1 padding bit */
	oracle_storage(false, &sp, &f.f[0]);
	unsigned len = oracle_payload(false, false, 15, &sp, 1, ref);
	f.f[0].storage[f.f[0].len - 1] |= 1;
	f.f[0].storage[0] |= 0x83; /* header P bits */
	assert_int_equal(amr_payload_build(false, false, &f, out, sizeof(out)), (int)len);
	assert_memory_equal(out, ref, len);
	assert_int_equal(amr_payload_build(false, false, &f, out, len - 1), -ENOSPC);
	f.f[0].len--;
	assert_int_equal(amr_payload_build(false, false, &f, out, sizeof(out)), -EINVAL);
	f.f[0].len++;
	f.n = 0;
	assert_int_equal(amr_payload_build(false, false, &f, out, sizeof(out)), -EINVAL);
	f.n = MRFP_AMR_MAX_FRAMES + 1;
	assert_int_equal(amr_payload_build(false, false, &f, out, sizeof(out)), -EINVAL);
	f.n = 1;
	f.f[0].storage[0] = 12 << 3; /* reserved */
	assert_int_equal(amr_payload_build(false, false, &f, out, sizeof(out)), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_sizes),
		cmocka_unit_test(test_rfc_example_bandwidth_efficient),
		cmocka_unit_test(test_rfc_example_octet_aligned),
		cmocka_unit_test(test_every_mode_round_trip),
		cmocka_unit_test(test_several_frames),
		cmocka_unit_test(test_sid_and_no_data),
		cmocka_unit_test(test_cmr),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_reserved_ft),
		cmocka_unit_test(test_toc_overrun),
		cmocka_unit_test(test_build_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
