/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP (RFC 3550): builders against byte vectors written from the field layouts of 6.4.1,
 * 6.4.2 and 6.5 (not from the builder), parser validation per A.2 with one test per reject
 * reason, A.1 sequence accounting, A.3 loss, A.8 jitter (hand-computed steps and a floating
 * point reference), 6.4.1 round-trip time with the RFC's own example, and the 6.3 interval.
 * No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rtcp.h"

/* ---- 1. builders against hand-written vectors ---- */

static const struct mrfp_rtcp_report_block block_a = {
	.ssrc = 0xaabbccdd,
	.fraction_lost = 0x40,
	.cumulative_lost = 5,
	.ext_highest_seq = 0x0001ffff,
	.jitter = 0x20,
	.lsr = 0x45678000,
	.dlsr = 0x00018000,
};

static const struct mrfp_rtcp_report_block block_b = {
	.ssrc = 0x0badcafe,
	.fraction_lost = 0,
	.cumulative_lost = -3, /* 24-bit two's complement: ff ff fd */
	.ext_highest_seq = 0x00020003,
	.jitter = 0x12345678,
	.lsr = 0,
	.dlsr = 0,
};

/* SR, RC=1: 7 header/sender words + 6 block words = 13 words, length field 12. */
static const uint8_t vec_sr[] = {
	0x81, 0xc8, 0x00, 0x0c,				/* V=2 P=0 RC=1, PT=200, length 12 */
	0x11, 0x22, 0x33, 0x44,				/* SSRC of sender */
	0xe1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, /* NTP timestamp */
	0x00, 0x01, 0x02, 0x03,				/* RTP timestamp */
	0x00, 0x00, 0x00, 0x0a,				/* packet count 10 */
	0x00, 0x00, 0x06, 0x40,				/* octet count 1600 */
	0xaa, 0xbb, 0xcc, 0xdd,				/* SSRC_1 */
	0x40, 0x00, 0x00, 0x05,				/* fraction 64/256, cumulative 5 */
	0x00, 0x01, 0xff, 0xff,				/* extended highest seq */
	0x00, 0x00, 0x00, 0x20,				/* jitter */
	0x45, 0x67, 0x80, 0x00,				/* LSR */
	0x00, 0x01, 0x80, 0x00,				/* DLSR 1.5 s */
};

/* RR, RC=1: 2 + 6 words, length field 7. */
static const uint8_t vec_rr[] = {
	0x81, 0xc9, 0x00, 0x07, /* V=2 P=0 RC=1, PT=201, length 7 */
	0x01, 0x02, 0x03, 0x04, /* SSRC of packet sender */
	0x0b, 0xad, 0xca, 0xfe, /* SSRC_1 */
	0x00, 0xff, 0xff, 0xfd, /* fraction 0, cumulative -3 */
	0x00, 0x02, 0x00, 0x03, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_rr_empty[] = {0x80, 0xc9, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04};

/* SDES, SC=1, CNAME "ab@x": SSRC + 01 04 'ab@x' + one null + pad = 3 words. */
static const uint8_t vec_sdes4[] = {
	0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44, 0x01, 0x04, 'a', 'b', '@', 'x', 0x00, 0x00,
};

/* CNAME of 6 octets fills the word: the terminating null needs a word of its own (5 words). */
static const uint8_t vec_sdes6[] = {
	0x81, 0xca, 0x00, 0x04, 0x11, 0x22, 0x33, 0x44, 0x01, 0x06,
	'h',  'o',  's',  't',	'.',  'x',  0x00, 0x00, 0x00, 0x00,
};

/* CNAME of 5 octets: 2 + 5 + 1 null = 8, no further padding (4 words). */
static const uint8_t vec_sdes5[] = {
	0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44, 0x01, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00,
};

static void
test_build_sr_vector(void **state)
{
	uint8_t buf[128];
	int n;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	n = rtcp_build_sr(buf, sizeof(buf), 0x11223344, 0xe1234567, 0x89abcdef, 0x00010203, 10,
			  1600, &block_a, 1);
	assert_int_equal(n, sizeof(vec_sr));
	assert_memory_equal(buf, vec_sr, sizeof(vec_sr));
	assert_int_equal(buf[n], 0xee); /* nothing written past the packet */
}

static void
test_build_rr_vector(void **state)
{
	uint8_t buf[64];

	(void)state;
	assert_int_equal(rtcp_build_rr(buf, sizeof(buf), 0x01020304, &block_b, 1), sizeof(vec_rr));
	assert_memory_equal(buf, vec_rr, sizeof(vec_rr));
	assert_int_equal(rtcp_build_rr(buf, sizeof(buf), 0x01020304, NULL, 0),
			 sizeof(vec_rr_empty));
	assert_memory_equal(buf, vec_rr_empty, sizeof(vec_rr_empty));
}

static void
check_sdes(const char *cname, const uint8_t *vec, size_t vec_len)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(MRFP_RTCP_SDES_LEN(strlen(cname)), vec_len);
	assert_int_equal(rtcp_build_sdes(buf, sizeof(buf), 0x11223344, cname, strlen(cname)),
			 vec_len);
	assert_memory_equal(buf, vec, vec_len);
}

static void
test_build_sdes_vectors(void **state)
{
	(void)state;
	check_sdes("ab@x", vec_sdes4, sizeof(vec_sdes4));
	check_sdes("abcde", vec_sdes5, sizeof(vec_sdes5));
	check_sdes("host.x", vec_sdes6, sizeof(vec_sdes6));
}

static void
test_build_compound_vector(void **state)
{
	static const struct mrfp_rtcp_sender_info si = {
		.ntp_sec = 0xe1234567,
		.ntp_frac = 0x89abcdef,
		.rtp_ts = 0x00010203,
		.packets = 10,
		.octets = 1600,
	};
	uint8_t buf[128];
	int n;

	(void)state;
	n = rtcp_build_compound(buf, sizeof(buf), 0x11223344, &si, &block_a, 1, "ab@x", 4);
	assert_int_equal(n, sizeof(vec_sr) + sizeof(vec_sdes4));
	assert_memory_equal(buf, vec_sr, sizeof(vec_sr));
	assert_memory_equal(buf + sizeof(vec_sr), vec_sdes4, sizeof(vec_sdes4));
}

static void
test_build_limits(void **state)
{
	struct mrfp_rtcp_report_block blocks[32] = {0};
	uint8_t buf[1024];
	char cname[256];

	(void)state;
	memset(cname, 'c', sizeof(cname));
	assert_int_equal(rtcp_build_sr(buf, sizeof(buf), 1, 0, 0, 0, 0, 0, blocks, 32), -EINVAL);
	assert_int_equal(rtcp_build_rr(buf, sizeof(buf), 1, blocks, 32), -EINVAL);
	assert_int_equal(rtcp_build_sr(buf, sizeof(buf), 1, 0, 0, 0, 0, 0, blocks, 31),
			 28 + 31 * 24);
	assert_int_equal(buf[0], 0x80 | 31);
	assert_int_equal(
		rtcp_build_sr(buf, sizeof(vec_sr) - 1, 0x11223344, 0, 0, 0, 0, 0, &block_a, 1),
		-ENOSPC);
	assert_int_equal(rtcp_build_rr(buf, 7, 1, NULL, 0), -ENOSPC);
	assert_int_equal(rtcp_build_sdes(buf, sizeof(vec_sdes4) - 1, 1, "ab@x", 4), -ENOSPC);
	assert_int_equal(rtcp_build_sdes(buf, sizeof(buf), 1, cname, 256), -EINVAL);
	assert_int_equal(rtcp_build_sdes(buf, sizeof(buf), 1, cname, 255), 8 + 260);
	/* the RR fits, the SDES behind it does not */
	assert_int_equal(rtcp_build_compound(buf, 8 + 15, 1, NULL, NULL, 0, "ab@x", 4), -ENOSPC);
	assert_int_equal(rtcp_build_compound(buf, 8 + 16, 1, NULL, NULL, 0, "ab@x", 4), 24);
}

/* ---- 2. parser ---- */

static void
assert_block_equal(const struct mrfp_rtcp_report_block *a, const struct mrfp_rtcp_report_block *b)
{
	assert_int_equal(a->ssrc, b->ssrc);
	assert_int_equal(a->fraction_lost, b->fraction_lost);
	assert_int_equal(a->cumulative_lost, b->cumulative_lost);
	assert_int_equal(a->ext_highest_seq, b->ext_highest_seq);
	assert_int_equal(a->jitter, b->jitter);
	assert_int_equal(a->lsr, b->lsr);
	assert_int_equal(a->dlsr, b->dlsr);
}

/* Parse from an exact-size heap copy, so an over-read shows under ASan/valgrind. */
static enum mrfp_rtcp_err
parse_exact(const uint8_t *pkt, size_t len, struct mrfp_rtcp_parsed *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum mrfp_rtcp_err err;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	err = rtcp_parse(copy, len, out);
	free(copy);
	return err;
}

static void
test_parse_sr_vector(void **state)
{
	struct mrfp_rtcp_parsed out;
	uint8_t pkt[sizeof(vec_sr) + sizeof(vec_sdes4)];

	(void)state;
	memcpy(pkt, vec_sr, sizeof(vec_sr));
	memcpy(pkt + sizeof(vec_sr), vec_sdes4, sizeof(vec_sdes4));
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.ssrc, 0x11223344);
	assert_true(out.has_sr);
	assert_int_equal(out.si.ntp_sec, 0xe1234567);
	assert_int_equal(out.si.ntp_frac, 0x89abcdef);
	assert_int_equal(out.si.rtp_ts, 0x00010203);
	assert_int_equal(out.si.packets, 10);
	assert_int_equal(out.si.octets, 1600);
	assert_int_equal(out.lsr, 0x456789ab); /* middle 32 bits of e1234567:89abcdef */
	assert_int_equal(out.n_blocks, 1);
	assert_block_equal(&out.blocks[0], &block_a);
	assert_int_equal(out.n_bye, 0);
}

static void
test_parse_rr_vector(void **state)
{
	struct mrfp_rtcp_parsed out;

	(void)state;
	assert_int_equal(parse_exact(vec_rr, sizeof(vec_rr), &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.ssrc, 0x01020304);
	assert_false(out.has_sr);
	assert_int_equal(out.lsr, 0);
	assert_int_equal(out.n_blocks, 1);
	assert_block_equal(&out.blocks[0], &block_b);
}

/* RFC 3550 6.4.1's figure: an SR at ntp b44db705:20000000 gives LSR 0xb7052000. */
static void
test_parse_lsr_rfc_example(void **state)
{
	struct mrfp_rtcp_parsed out;
	uint8_t buf[64];
	int n;

	(void)state;
	n = rtcp_build_sr(buf, sizeof(buf), 7, 0xb44db705, 0x20000000, 0, 0, 0, NULL, 0);
	assert_int_equal(n, 28);
	assert_int_equal(rtcp_parse(buf, (size_t)n, &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.lsr, 0xb7052000);
	assert_int_equal(mrfp_rtcp_ntp_mid32(0xb44db70520000000ull), 0xb7052000);
}

static void
test_round_trip(void **state)
{
	struct mrfp_rtcp_report_block blocks[MRFP_RTCP_MAX_BLOCKS];
	struct mrfp_rtcp_sender_info si = {0x83aa7e80, 0x12345678, 0xdeadbeef, 1234, 567890};
	struct mrfp_rtcp_parsed out;
	uint8_t buf[1500];
	int n;

	(void)state;
	for (unsigned int i = 0; i < MRFP_RTCP_MAX_BLOCKS; i++) {
		blocks[i] = block_a;
		blocks[i].ssrc = 0x1000 + i;
		blocks[i].fraction_lost = (uint8_t)(i * 8);
		blocks[i].cumulative_lost = (int32_t)i * 1000 - 20000; /* negatives too */
		blocks[i].jitter = i * 17;
	}
	blocks[0].cumulative_lost = 0x7fffff;
	blocks[1].cumulative_lost = -0x800000;

	/* SR with 31 blocks */
	n = rtcp_build_compound(buf, sizeof(buf), 0x5151, &si, blocks, 31, "mrfp@10.0.0.1", 13);
	assert_int_equal(n, 28 + 31 * 24 + MRFP_RTCP_SDES_LEN(13));
	assert_int_equal(n % 4, 0);
	assert_int_equal(parse_exact(buf, (size_t)n, &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.ssrc, 0x5151);
	assert_true(out.has_sr);
	assert_memory_equal(&out.si, &si, sizeof(si));
	assert_int_equal(out.lsr, 0x7e801234);
	assert_int_equal(out.n_blocks, 31);
	for (unsigned int i = 0; i < 31; i++)
		assert_block_equal(&out.blocks[i], &blocks[i]);

	/* RR with 3 blocks */
	n = rtcp_build_compound(buf, sizeof(buf), 0x6262, NULL, blocks + 5, 3, "x", 1);
	assert_int_equal(n, 8 + 3 * 24 + 12);
	assert_int_equal(parse_exact(buf, (size_t)n, &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.ssrc, 0x6262);
	assert_false(out.has_sr);
	assert_int_equal(out.n_blocks, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_block_equal(&out.blocks[i], &blocks[5 + i]);
}

/* RR + SDES + APP + an unknown type + BYE (2 SSRCs, a reason, padded with the P bit). */
static const uint8_t vec_mixed[] = {
	0x80, 0xc9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09,		    /* RR, no blocks */
	0x81, 0xca, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09, 0x01, 0x04, /* SDES CNAME */
	'a',  'b',  '@',  'x',	0x00, 0x00, 0x80, 0xcc, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x09, 'n',  'a',  'm',  'e',	/* APP */
	0x80, 0xd2, 0x00, 0x00,				/* PT 210 */
	0xa2, 0xcb, 0x00, 0x04,				/* BYE, P=1, SC=2, length 4 */
	0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x0a, /* SSRCs 9 and 10 */
	0x03, 'b',  'y',  'e',				/* reason */
	0x00, 0x00, 0x00, 0x04,				/* padding: 4 octets */
};

static void
test_parse_mixed(void **state)
{
	struct mrfp_rtcp_parsed out;

	(void)state;
	assert_int_equal(parse_exact(vec_mixed, sizeof(vec_mixed), &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.ssrc, 9);
	assert_false(out.has_sr);
	assert_int_equal(out.n_blocks, 0);
	assert_int_equal(out.n_bye, 2);
	assert_int_equal(out.bye_ssrc[0], 9);
	assert_int_equal(out.bye_ssrc[1], 10);
}

/* SR(31 blocks) + RR(31 blocks): the 31 that do not fit are counted, not written. */
static void
test_parse_overflow_counted(void **state)
{
	struct mrfp_rtcp_report_block blocks[31] = {0};
	struct mrfp_rtcp_parsed out;
	uint8_t buf[2048];
	int a, b;

	(void)state;
	for (unsigned int i = 0; i < 31; i++)
		blocks[i].ssrc = i + 1;
	a = rtcp_build_sr(buf, sizeof(buf), 1, 2, 3, 4, 5, 6, blocks, 31);
	b = rtcp_build_rr(buf + a, sizeof(buf) - (size_t)a, 1, blocks, 31);
	assert_true(a > 0 && b > 0);
	assert_int_equal(parse_exact(buf, (size_t)(a + b), &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.n_blocks, 31);
	assert_int_equal(out.n_skipped, 31);
	assert_int_equal(out.blocks[30].ssrc, 31);
}

struct bad_case {
	const char *what;
	uint8_t bytes[40];
	size_t len;
	enum mrfp_rtcp_err want;
};

static const struct bad_case bad_cases[] = {
	{"empty", {0}, 0, MRFP_RTCP_ERR_TRUNCATED},
	{"3 bytes", {0x80, 0xc9, 0x00}, 3, MRFP_RTCP_ERR_TRUNCATED},
	{"RR + 2 trailing bytes",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xca},
	 10,
	 MRFP_RTCP_ERR_TRUNCATED},
	{"version 1", {0x40, 0xc9, 0x00, 0x01, 0, 0, 0, 1}, 8, MRFP_RTCP_ERR_BAD_VERSION},
	{"version 3", {0xc0, 0xc8, 0x00, 0x01, 0, 0, 0, 1}, 8, MRFP_RTCP_ERR_BAD_VERSION},
	{"second packet version 0",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x01, 0xca, 0x00, 0x00},
	 12,
	 MRFP_RTCP_ERR_BAD_VERSION},
	{"SDES first",
	 {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 1, 1, 'a', 0},
	 12,
	 MRFP_RTCP_ERR_FIRST_NOT_SR_RR},
	{"BYE first", {0x81, 0xcb, 0x00, 0x01, 0, 0, 0, 1}, 8, MRFP_RTCP_ERR_FIRST_NOT_SR_RR},
	{"APP first",
	 {0x80, 0xcc, 0x00, 0x02, 0, 0, 0, 1, 'a', 'b', 'c', 'd'},
	 12,
	 MRFP_RTCP_ERR_FIRST_NOT_SR_RR},
	{"RR length 7 in 8 bytes",
	 {0x81, 0xc9, 0x00, 0x07, 0, 0, 0, 1},
	 8,
	 MRFP_RTCP_ERR_LENGTH_OVERRUN},
	{"RR length 65535", {0x80, 0xc9, 0xff, 0xff, 0, 0, 0, 1}, 8, MRFP_RTCP_ERR_LENGTH_OVERRUN},
	{"SDES overruns",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1},
	 16,
	 MRFP_RTCP_ERR_LENGTH_OVERRUN},
	{"padding on first of two",
	 {0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 4, 0x80, 0xcc, 0x00, 0x00},
	 16,
	 MRFP_RTCP_ERR_PADDING_NOT_LAST},
	{"padding in the middle",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0xa1, 0xca, 0x00, 0x02,
	  0,	0,    0,    1,	  1, 0, 0, 1, 0x80, 0xcc, 0x00, 0x00},
	 24,
	 MRFP_RTCP_ERR_PADDING_NOT_LAST},
	{"pad count 0",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0xa0, 0xcc, 0x00, 0x01, 0, 0, 0, 0},
	 16,
	 MRFP_RTCP_ERR_BAD_PADDING},
	{"pad count beyond packet",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0xa0, 0xcc, 0x00, 0x01, 0, 0, 0, 5},
	 16,
	 MRFP_RTCP_ERR_BAD_PADDING},
	{"RR RC=1 in 2 words", {0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 1}, 8, MRFP_RTCP_ERR_SHORT_PACKET},
	{"RR without SSRC", {0x80, 0xc9, 0x00, 0x00}, 4, MRFP_RTCP_ERR_SHORT_PACKET},
	{"SR without sender info",
	 {0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1},
	 8,
	 MRFP_RTCP_ERR_SHORT_PACKET},
	/* the padding eats the SSRC the length field seemed to cover */
	{"RR SSRC inside padding",
	 {0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 4},
	 8,
	 MRFP_RTCP_ERR_SHORT_PACKET},
	{"BYE SC=2 with one SSRC",
	 {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1},
	 16,
	 MRFP_RTCP_ERR_SHORT_PACKET},
};

static void
test_parse_rejects(void **state)
{
	struct mrfp_rtcp_parsed out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		enum mrfp_rtcp_err got = parse_exact(c->bytes, c->len, &out);

		if (got != c->want)
			fail_msg("%s: got %s, want %s", c->what, rtcp_err_name(got),
				 rtcp_err_name(c->want));
	}
}

/* Every prefix of a valid compound is rejected unless it ends on a packet boundary. */
static void
test_parse_every_prefix(void **state)
{
	static const size_t boundaries[] = {8, 24, 36, 40, 60};
	struct mrfp_rtcp_parsed out;

	(void)state;
	assert_int_equal(sizeof(vec_mixed), 60);
	for (size_t len = 0; len < sizeof(vec_mixed); len++) {
		int at_boundary = 0;

		for (size_t b = 0; b < sizeof(boundaries) / sizeof(boundaries[0]); b++)
			at_boundary |= len == boundaries[b];
		if (at_boundary)
			assert_int_equal(parse_exact(vec_mixed, len, &out), MRFP_RTCP_ERR_OK);
		else
			assert_int_not_equal(parse_exact(vec_mixed, len, &out), MRFP_RTCP_ERR_OK);
	}
}

static void
test_err_names(void **state)
{
	(void)state;
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_OK), "ok");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_TRUNCATED), "truncated");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_BAD_VERSION), "bad_version");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_FIRST_NOT_SR_RR), "first_not_sr_rr");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_LENGTH_OVERRUN), "length_overrun");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_PADDING_NOT_LAST), "padding_not_last");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_BAD_PADDING), "bad_padding");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_SHORT_PACKET), "short_packet");
	assert_string_equal(rtcp_err_name(MRFP_RTCP_ERR_COUNT), "invalid");
}

/* ---- 3. A.1 sequence accounting ---- */

/* Feed seq with a fixed transit, so jitter stays 0 and only the sequence logic shows. */
static int
rx(struct mrfp_rtcp_rx_stats *s, uint16_t seq)
{
	return rtcp_rx_update(s, seq, (uint32_t)seq * 160, (uint32_t)seq * 160 + 5000);
}

static struct mrfp_rtcp_report_block
report(struct mrfp_rtcp_rx_stats *s)
{
	struct mrfp_rtcp_report_block b;

	rtcp_rx_report_block(s, 0x77, 0x1234, 0x5678, &b);
	assert_int_equal(b.ssrc, 0x77);
	assert_int_equal(b.lsr, 0x1234);
	assert_int_equal(b.dlsr, 0x5678);
	return b;
}

static void
test_seq_probation(void **state)
{
	struct mrfp_rtcp_rx_stats s;

	(void)state;
	rtcp_rx_init(&s, 100);
	assert_int_equal(rx(&s, 100), -EAGAIN);
	assert_int_equal(rx(&s, 101), 0);
	assert_int_equal(s.received, 1);
	assert_int_equal(s.base_seq, 101);
	assert_int_equal(rx(&s, 102), 0);
	assert_int_equal(s.received, 2);

	/* out of sequence during probation: start counting again */
	rtcp_rx_init(&s, 100);
	assert_int_equal(rx(&s, 100), -EAGAIN);
	assert_int_equal(rx(&s, 105), -EAGAIN);
	assert_int_equal(rx(&s, 107), -EAGAIN);
	assert_int_equal(rx(&s, 108), 0);
	assert_int_equal(s.base_seq, 108);
	assert_int_equal(s.received, 1);
	assert_int_equal(report(&s).ext_highest_seq, 108);

	/* probation across the wrap (the RFC's int arithmetic would miss 65535 -> 0) */
	rtcp_rx_init(&s, 65535);
	assert_int_equal(rx(&s, 65535), -EAGAIN);
	assert_int_equal(rx(&s, 0), 0);
	assert_int_equal(s.cycles, 0);
	assert_int_equal(report(&s).cumulative_lost, 0);
}

static void
test_seq_wrap(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	struct mrfp_rtcp_report_block b;

	(void)state;
	rtcp_rx_init(&s, 65533);
	assert_int_equal(rx(&s, 65533), -EAGAIN);
	assert_int_equal(rx(&s, 65534), 0);
	assert_int_equal(rx(&s, 65535), 0);
	assert_int_equal(rx(&s, 0), 0);
	assert_int_equal(s.cycles, 65536);
	assert_int_equal(rx(&s, 2), 0); /* 1 lost */
	b = report(&s);
	assert_int_equal(b.ext_highest_seq, 0x00010002);
	assert_int_equal(b.cumulative_lost, 1);
	/* reordered 1 after the wrap: no second cycle, loss repaired */
	assert_int_equal(rx(&s, 1), 0);
	assert_int_equal(s.cycles, 65536);
	b = report(&s);
	assert_int_equal(b.ext_highest_seq, 0x00010002);
	assert_int_equal(b.cumulative_lost, 0);
}

static void
start_at(struct mrfp_rtcp_rx_stats *s, uint16_t first)
{
	rtcp_rx_init(s, first);
	assert_int_equal(rx(s, first), -EAGAIN);
	assert_int_equal(rx(s, (uint16_t)(first + 1)), 0);
}

static void
test_seq_duplicates(void **state)
{
	struct mrfp_rtcp_rx_stats s;

	(void)state;
	start_at(&s, 1000); /* base 1001 */
	for (uint16_t q = 1002; q <= 1010; q++)
		assert_int_equal(rx(&s, q), 0);
	assert_int_equal(rx(&s, 1005), 0); /* duplicate: counted, as A.1 does */
	assert_int_equal(rx(&s, 1010), 0);
	assert_int_equal(s.received, 12);
	assert_int_equal(s.max_seq, 1010);
	/* expected 10, received 12: negative loss */
	assert_int_equal(report(&s).cumulative_lost, -2);
}

static void
test_seq_restart(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	struct mrfp_rtcp_report_block b;

	(void)state;
	start_at(&s, 1000);
	for (uint16_t q = 1002; q <= 1020; q++)
		assert_int_equal(rx(&s, q), 0);
	/* a gap below MAX_DROPOUT (3000) is loss, not a jump */
	assert_int_equal(rx(&s, 1020 + 3000), -ERANGE);
	assert_int_equal(rx(&s, 1020 + 2999), 0);
	assert_int_equal(report(&s).cumulative_lost, 2998);

	/* a lone big jump is dropped and changes nothing */
	start_at(&s, 1000);
	assert_int_equal(rx(&s, 9000), -ERANGE);
	assert_int_equal(rx(&s, 1002), 0);
	assert_int_equal(s.max_seq, 1002);
	assert_int_equal(s.received, 2);

	/* a big jump confirmed by the next packet in sequence restarts the statistics */
	assert_int_equal(rx(&s, 40000), -ERANGE);
	assert_int_equal(rx(&s, 40001), 0);
	assert_int_equal(s.base_seq, 40001);
	assert_int_equal(s.received, 1);
	assert_int_equal(rx(&s, 40002), 0);
	b = report(&s);
	assert_int_equal(b.ext_highest_seq, 40002);
	assert_int_equal(b.cumulative_lost, 0);

	/* backwards by more than MAX_MISORDER is a jump too; within it, a late packet */
	start_at(&s, 5000);
	assert_int_equal(rx(&s, 5001 - 99), 0);
	assert_int_equal(rx(&s, 5001 - 100), -ERANGE);
	assert_int_equal(s.max_seq, 5001);
}

/* ---- 4. A.3 loss ---- */

static void
test_loss_fraction(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	struct mrfp_rtcp_report_block b;

	(void)state;
	start_at(&s, 1); /* base 2 */
	/* interval 1: 3..101, every multiple of 10 lost: expected 100, received 90 */
	for (uint16_t q = 3; q <= 101; q++)
		if (q % 10)
			assert_int_equal(rx(&s, q), 0);
	b = report(&s);
	assert_int_equal(b.ext_highest_seq, 101);
	assert_int_equal(b.cumulative_lost, 10);
	assert_int_equal(b.fraction_lost, 25); /* 10 * 256 / 100 = 25.6 */

	/* interval 2: 102..201, every even one lost: half */
	for (uint16_t q = 102; q <= 201; q++)
		if (q % 2)
			assert_int_equal(rx(&s, q), 0);
	b = report(&s);
	assert_int_equal(b.cumulative_lost, 60);
	assert_int_equal(b.fraction_lost, 128);

	/* interval 3: 202..211 plus 5 duplicates: negative interval loss reads as 0 */
	for (uint16_t q = 202; q <= 211; q++)
		assert_int_equal(rx(&s, q), 0);
	for (uint16_t q = 202; q <= 206; q++)
		assert_int_equal(rx(&s, q), 0);
	b = report(&s);
	assert_int_equal(b.cumulative_lost, 55);
	assert_int_equal(b.fraction_lost, 0);

	/* interval 4: nothing received, nothing expected */
	b = report(&s);
	assert_int_equal(b.fraction_lost, 0);
	assert_int_equal(b.cumulative_lost, 55);

	/* interval 5: one received after 63 lost: 63 * 256 / 64 = 252 */
	assert_int_equal(rx(&s, 211 + 64), 0);
	assert_int_equal(report(&s).fraction_lost, 252);

	/* all lost (A.3 would give 256): forced, as A.1 never advances max_seq uncounted */
	s.cycles += 65536;
	assert_int_equal(report(&s).fraction_lost, 255);
}

static void
test_loss_clamp(void **state)
{
	struct mrfp_rtcp_report_block big = block_a;
	struct mrfp_rtcp_rx_stats s;
	struct mrfp_rtcp_parsed out;
	uint8_t buf[32];

	(void)state;
	start_at(&s, 0);
	s.cycles = 0x1000u << 16; /* 2^28 expected, 1 received */
	assert_int_equal(report(&s).cumulative_lost, 0x7fffff);
	start_at(&s, 0);
	s.received = 0x01000000; /* far more received than expected */
	assert_int_equal(report(&s).cumulative_lost, -0x800000);

	/* the builder clamps an out-of-range value rather than corrupting the fraction octet */
	big.cumulative_lost = 0x1000000;
	assert_int_equal(rtcp_build_rr(buf, sizeof(buf), 1, &big, 1), 32);
	assert_int_equal(buf[12], 0x40);
	assert_int_equal(rtcp_parse(buf, 32, &out), MRFP_RTCP_ERR_OK);
	assert_int_equal(out.blocks[0].cumulative_lost, 0x7fffff);
}

/* ---- 5. A.8 jitter ---- */

/*
 * 8 kHz, 20 ms packets; transits 1000, 1032, 1000, 1160, 1160 (ts units). By hand, with the
 * integer estimator j += |D| - ((j + 8) >> 4):
 *   D=32: j = 32; D=32: j = 32 + 32 - 2 = 62; D=160: j = 62 + 160 - 4 = 218; D=0: 218 - 14 = 204
 * and the float form J += (|D| - J) / 16 gives 2, 3.875, 13.63, 12.78 (= j / 16 within 0.04).
 */
static void
test_jitter_steps(void **state)
{
	static const uint32_t transit[] = {1000, 1032, 1000, 1160, 1160};
	static const uint32_t want_j[] = {0, 32, 62, 218, 204};
	struct mrfp_rtcp_rx_stats s;

	(void)state;
	rtcp_rx_init(&s, 0);
	assert_int_equal(rtcp_rx_update(&s, 0, 0, 999999), -EAGAIN); /* not sampled */
	for (unsigned int i = 0; i < 5; i++) {
		uint32_t ts = 160 * (i + 1);

		assert_int_equal(rtcp_rx_update(&s, (uint16_t)(i + 1), ts, ts + transit[i]), 0);
		assert_int_equal(s.jitter, want_j[i]);
	}
	assert_int_equal(report(&s).jitter, 12);
	assert_int_equal(rtcp_ts_to_ms(report(&s).jitter, 8000), 1);
}

/* Timestamps and arrival clock both wrapping through 2^32 do not disturb the estimate. */
static void
test_jitter_wrap(void **state)
{
	struct mrfp_rtcp_rx_stats s;

	(void)state;
	rtcp_rx_init(&s, 10);
	for (uint32_t i = 0; i < 200; i++) {
		uint32_t ts = 0xffffff00u + 160 * i;
		uint32_t arrival = 0xfffffff0u + 160 * i + (i % 2) * 48;

		rtcp_rx_update(&s, (uint16_t)(10 + i), ts, arrival);
	}
	/* |D| = 48 every packet: converges to 48 */
	assert_in_range(report(&s).jitter, 47, 48);
}

/* Transit swinging by 2^31 - 1 each packet: the estimate saturates instead of wrapping. */
static void
test_jitter_saturates(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	uint32_t prev = 0;

	(void)state;
	rtcp_rx_init(&s, 0);
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t ts = 160 * i;

		rtcp_rx_update(&s, (uint16_t)i, ts, ts + (i % 2) * 0x7fffffffu);
		assert_true(s.jitter >= prev);
		prev = s.jitter;
	}
	assert_in_range(report(&s).jitter, (1u << 27) - 16, 1u << 27);
}

/* A restart (new sender timeline) keeps the estimate instead of sampling across the jump. */
static void
test_jitter_restart(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	uint32_t j;

	(void)state;
	rtcp_rx_init(&s, 10);
	for (uint32_t i = 0; i < 50; i++)
		rtcp_rx_update(&s, (uint16_t)(10 + i), 160 * i, 160 * i + 700 + (i % 2) * 16);
	j = s.jitter;
	assert_in_range(j, 16 * 15, 16 * 16);
	assert_int_equal(rtcp_rx_update(&s, 30000, 0x50000000, 90000), -ERANGE);
	assert_int_equal(rtcp_rx_update(&s, 30001, 0x500000a0, 90160), 0);
	assert_int_equal(s.base_seq, 30001);
	assert_int_equal(s.jitter, j);
	assert_int_equal(rtcp_rx_update(&s, 30002, 0x50000140, 90320 + 16), 0);
	assert_int_equal(s.jitter, j + 16 - ((j + 8) >> 4));
}

/* Against the floating point definition over a pseudo-random transit sequence. */
static void
test_jitter_float_reference(void **state)
{
	struct mrfp_rtcp_rx_stats s;
	uint32_t lcg = 12345, prev = 0;
	double J = 0;

	(void)state;
	rtcp_rx_init(&s, 0);
	rtcp_rx_update(&s, 0, 0, 0);
	for (uint32_t i = 1; i <= 2000; i++) {
		uint32_t transit, ts = 160 * i;

		lcg = lcg * 1103515245u + 12345u;
		transit = 8000 + ((lcg >> 16) % 400); /* 0..50 ms of network jitter at 8 kHz */
		assert_int_equal(rtcp_rx_update(&s, (uint16_t)i, ts, ts + transit), 0);
		if (i > 1) {
			double d = (double)transit - prev;

			J += ((d < 0 ? -d : d) - J) / 16;
		}
		prev = transit;
		/* rounding errors decay by 15/16 each step: bounded by half a unit */
		assert_true((double)s.jitter / 16 - J < 0.6 && J - (double)s.jitter / 16 < 0.6);
	}
	assert_true(J > 50); /* the sequence did exercise the estimator */
}

/* ---- 6. sender state ---- */

static void
test_tx_sender_info(void **state)
{
	const uint64_t t0 = 0xe1234567ull << 32;
	struct mrfp_rtcp_tx_stats t;
	struct mrfp_rtcp_sender_info si;

	(void)state;
	rtcp_tx_init(&t);
	rtcp_tx_update(&t, 1000, 160, t0);
	rtcp_tx_update(&t, 1160, 160, t0 + (1ull << 32) / 50);
	rtcp_tx_update(&t, 1320, 80, t0 + (1ull << 32) / 25);
	assert_int_equal(t.packets, 3);
	assert_int_equal(t.octets, 400);

	/* 2.25 s after the last packet at 8 kHz: 18000 units later */
	rtcp_tx_sender_info(&t, t.last_ntp + (9ull << 30), 8000, &si);
	assert_int_equal(si.rtp_ts, 1320 + 18000);
	assert_int_equal(si.ntp_sec, 0xe1234567 + 2);
	assert_int_equal(si.ntp_frac, (uint32_t)((1ull << 32) / 25 + (1ull << 30)));
	assert_int_equal(si.packets, 3);
	assert_int_equal(si.octets, 400);

	/* 100000 s at 48 kHz wraps the RTP clock: 4.8e9 mod 2^32 */
	rtcp_tx_sender_info(&t, t.last_ntp + (100000ull << 32), 48000, &si);
	assert_int_equal(si.rtp_ts, (uint32_t)(1320 + 4800000000ull % (1ull << 32)));

	/* a clock that went backwards does not move the timestamp back */
	rtcp_tx_sender_info(&t, t.last_ntp - 1000, 8000, &si);
	assert_int_equal(si.rtp_ts, 1320);
}

/* ---- 7. round-trip time, DLSR, units ---- */

/* RFC 3550 6.4.1's figure: A b710:8000, LSR b705:2000, DLSR 0005:4000 -> 0006:2000 (6.125 s). */
static void
test_rtt_rfc_example(void **state)
{
	uint32_t rtt;

	(void)state;
	rtt = rtcp_rtt(0xb7108000, 0xb7052000, 0x00054000);
	assert_int_equal(rtt, 0x00062000);
	assert_int_equal(rtcp_mid32_to_ms(rtt), 6125);
	assert_int_equal(rtcp_rtt(0xb7108000, 0, 0x00054000), 0);	    /* no SR yet */
	assert_int_equal(rtcp_rtt(0xb7108000, 0xb7052000, 0x00100000), 0);  /* bad DLSR */
	assert_int_equal(rtcp_rtt(0x00001000, 0xfffff000, 0x1000), 0x1000); /* wrap */
}

static void
test_dlsr(void **state)
{
	const uint64_t arrival = 0xb44db70520000000ull;

	(void)state;
	/* 5.25 s later: 0005:4000 */
	assert_int_equal(rtcp_dlsr(arrival, arrival + (21ull << 30)), 0x00054000);
	assert_int_equal(rtcp_dlsr(arrival, arrival), 0);
	assert_int_equal(rtcp_dlsr(arrival, arrival - 1), 0);
	assert_int_equal(rtcp_dlsr(0, 1ull << 60), UINT32_MAX);
	assert_int_equal(rtcp_mid32_to_ms(0x00008000), 500);
	assert_int_equal(rtcp_ts_to_ms(160, 8000), 20);
	assert_int_equal(rtcp_ts_to_ms(480, 48000), 10);
	assert_int_equal(rtcp_ts_to_ms(160, 0), 0);
}

/* ---- 8. report interval ---- */

static void
test_interval(void **state)
{
	(void)state;
	assert_int_equal(rtcp_next_interval_ms(0, 0, 0), 2500);
	assert_int_equal(rtcp_next_interval_ms(0, 0, 0x80000000u), 5000);
	assert_int_equal(rtcp_next_interval_ms(0, 0, UINT32_MAX), 7499);
	assert_int_equal(rtcp_next_interval_ms(4999, 0, 0x80000000u), 5000); /* minimum */
	assert_int_equal(rtcp_next_interval_ms(0, 1, 0x80000000u), 2500);    /* first report */
	assert_int_equal(rtcp_next_interval_ms(10000, 0, 0x40000000u), 7500);
	assert_int_equal(rtcp_next_interval_ms(UINT32_MAX, 0, UINT32_MAX), UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_sr_vector),
		cmocka_unit_test(test_build_rr_vector),
		cmocka_unit_test(test_build_sdes_vectors),
		cmocka_unit_test(test_build_compound_vector),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_parse_sr_vector),
		cmocka_unit_test(test_parse_rr_vector),
		cmocka_unit_test(test_parse_lsr_rfc_example),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_mixed),
		cmocka_unit_test(test_parse_overflow_counted),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_every_prefix),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_seq_probation),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_seq_duplicates),
		cmocka_unit_test(test_seq_restart),
		cmocka_unit_test(test_loss_fraction),
		cmocka_unit_test(test_loss_clamp),
		cmocka_unit_test(test_jitter_steps),
		cmocka_unit_test(test_jitter_wrap),
		cmocka_unit_test(test_jitter_saturates),
		cmocka_unit_test(test_jitter_restart),
		cmocka_unit_test(test_jitter_float_reference),
		cmocka_unit_test(test_tx_sender_info),
		cmocka_unit_test(test_rtt_rfc_example),
		cmocka_unit_test(test_dlsr),
		cmocka_unit_test(test_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
