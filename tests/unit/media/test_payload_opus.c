/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opus packets (RFC 6716 3.1-3.4, carried as RFC 7587 payloads): the TOC against RFC 6716
 * table 2 typed out row by row here, packets of each frame-count code built by hand octet by
 * octet, one test per requirement R1-R7 with the packet just inside and just outside it, the
 * DTX helper, and the RTP clocks that differ from the sampling rate (Opus, G.722).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "payload_g722.h"
#include "payload_opus.h"

#define BIG 4000

/* RFC 6716 table 2: configs first..last, mode, bandwidth, frame sizes in tenths of a ms. */
static const struct {
	unsigned first, last, mode, bw, tenths[4];
} table2[] = {
	{0, 3, MRFP_OPUS_SILK, MRFP_OPUS_NB, {100, 200, 400, 600}},
	{4, 7, MRFP_OPUS_SILK, MRFP_OPUS_MB, {100, 200, 400, 600}},
	{8, 11, MRFP_OPUS_SILK, MRFP_OPUS_WB, {100, 200, 400, 600}},
	{12, 13, MRFP_OPUS_HYBRID, MRFP_OPUS_SWB, {100, 200}},
	{14, 15, MRFP_OPUS_HYBRID, MRFP_OPUS_FB, {100, 200}},
	{16, 19, MRFP_OPUS_CELT, MRFP_OPUS_NB, {25, 50, 100, 200}},
	{20, 23, MRFP_OPUS_CELT, MRFP_OPUS_WB, {25, 50, 100, 200}},
	{24, 27, MRFP_OPUS_CELT, MRFP_OPUS_SWB, {25, 50, 100, 200}},
	{28, 31, MRFP_OPUS_CELT, MRFP_OPUS_FB, {25, 50, 100, 200}},
};

static uint8_t pkt[BIG];

static uint8_t
toc(unsigned config, unsigned stereo, unsigned code)
{
	return (uint8_t)(config << 3 | stereo << 2 | code);
}

static int
parse(unsigned len, struct mrfp_opus_info *info)
{
	return opus_payload_parse(pkt, len, info);
}

static void
test_toc_table(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	for (unsigned r = 0; r < sizeof(table2) / sizeof(table2[0]); r++)
		for (unsigned c = table2[r].first; c <= table2[r].last; c++) {
			unsigned samples = table2[r].tenths[c - table2[r].first] * 48 / 10;
			for (unsigned s = 0; s <= 1; s++) {
				pkt[0] = toc(c, s, 0);
				assert_int_equal(parse(1, &info), 0);
				assert_int_equal(info.config, c);
				assert_int_equal(info.mode, table2[r].mode);
				assert_int_equal(info.bandwidth, table2[r].bw);
				assert_int_equal(info.frame_samples, samples);
				assert_int_equal(info.samples, samples);
				assert_int_equal(info.stereo, s);
				assert_int_equal(info.frames, 1);
			}
		}
	/* Two TOCs as WebRTC sends them: 0x78 hybrid FB 20 ms mono, 0xfc CELT FB 20 ms stereo. */
	pkt[0] = 0x78;
	assert_int_equal(parse(1, &info), 0);
	assert_int_equal(info.mode, MRFP_OPUS_HYBRID);
	assert_int_equal(info.samples, 960);
	pkt[0] = 0xfc;
	assert_int_equal(parse(1, &info), 0);
	assert_int_equal(info.mode, MRFP_OPUS_CELT);
	assert_int_equal(info.stereo, 1);
}

/* R1: at least one octet. R2 (code 0): the frame is the rest of the packet, <= 1275. */
static void
test_code0(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	assert_int_equal(parse(0, &info), -EINVAL);
	pkt[0] = toc(1, 0, 0); /* SILK NB 20 ms */
	assert_int_equal(parse(61, &info), 0);
	assert_int_equal(info.code, 0);
	assert_int_equal(info.audio_bytes, 60);
	assert_int_equal(parse(1 + 1275, &info), 0);
	assert_int_equal(parse(1 + 1276, &info), -EINVAL);
}

/* R3: code 1 carries two frames of equal size: (N - 1) even, each <= 1275. */
static void
test_code1(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	pkt[0] = toc(11, 0, 1); /* SILK WB 60 ms: two of them are exactly 120 ms */
	assert_int_equal(parse(1, &info), 0);
	assert_int_equal(info.frames, 2);
	assert_int_equal(info.samples, 5760);
	assert_int_equal(info.audio_bytes, 0);
	assert_int_equal(parse(2, &info), -EINVAL);
	assert_int_equal(parse(1 + 2 * 1275, &info), 0);
	assert_int_equal(parse(1 + 2 * 1276, &info), -EINVAL);
}

/* R4: code 2's first length (1 or 2 octets) fits the packet; R2: the second frame <= 1275. */
static void
test_code2(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	pkt[0] = toc(9, 1, 2); /* SILK WB 20 ms stereo */
	assert_int_equal(parse(1, &info), -EINVAL);
	pkt[1] = 0;
	assert_int_equal(parse(2, &info), 0); /* two empty frames */
	assert_int_equal(info.frames, 2);
	assert_int_equal(info.samples, 1920);
	pkt[1] = 10;
	assert_int_equal(parse(2 + 10, &info), 0); /* 10 + 0 */
	assert_int_equal(parse(2 + 9, &info), -EINVAL);
	assert_int_equal(parse(2 + 10 + 1275, &info), 0);
	assert_int_equal(parse(2 + 10 + 1276, &info), -EINVAL);
	/* 251 is the largest one-octet length. */
	pkt[1] = 251;
	assert_int_equal(parse(2 + 251, &info), 0);
	assert_int_equal(info.audio_bytes, 251);
	/* Two-octet length: 252 + 4 * 3 = 264. */
	pkt[1] = 252;
	assert_int_equal(parse(2, &info), -EINVAL); /* second octet missing */
	pkt[2] = 3;
	assert_int_equal(parse(3 + 264, &info), 0);
	assert_int_equal(info.audio_bytes, 264);
	assert_int_equal(parse(3 + 263, &info), -EINVAL);
}

/* R5: code 3 counts 1..48 frames and at most 120 ms. */
static void
test_code3_count(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	static const struct {
		unsigned config, max; /* frames of that config in 120 ms */
	} c[] = {{3, 2}, {2, 3}, {1, 6}, {13, 6}, {12, 12}, {16, 48}, {17, 24}, {31, 6}};
	assert_int_equal(parse(1, &info), -EINVAL);
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pkt[0] = toc(c[i].config, 0, 3);
		pkt[1] = 0; /* CBR, no padding, M = 0 */
		assert_int_equal(parse(2, &info), -EINVAL);
		pkt[1] = (uint8_t)c[i].max;
		assert_int_equal(parse(2, &info), 0);
		assert_int_equal(info.frames, c[i].max);
		assert_int_equal(info.samples, 5760);
		pkt[1] = (uint8_t)(c[i].max + 1);
		assert_int_equal(parse(2, &info), -EINVAL);
	}
	pkt[1] = 63; /* the largest M field, 2.5 ms frames: 157.5 ms */
	pkt[0] = toc(16, 0, 3);
	assert_int_equal(parse(2, &info), -EINVAL);
}

/* R6: CBR code 3 splits what is left after the padding into M frames of <= 1275 octets. */
static void
test_code3_cbr_padding(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	pkt[0] = toc(31, 0, 3);
	pkt[1] = 3;
	assert_int_equal(parse(2 + 30, &info), 0);
	assert_int_equal(info.audio_bytes, 30);
	assert_int_equal(parse(2 + 31, &info), -EINVAL); /* not a multiple of 3 */
	assert_int_equal(parse(2 + 3 * 1275, &info), 0);
	assert_int_equal(parse(2 + 3 * 1276, &info), -EINVAL);
	/* Padding: 255 (254 and another length octet), 10: 264 octets at the end. */
	pkt[1] = 0x40 | 3;
	pkt[2] = 255;
	pkt[3] = 10;
	assert_int_equal(parse(4 + 30 + 264, &info), 0);
	assert_int_equal(info.audio_bytes, 30);
	assert_int_equal(parse(4 + 264, &info), 0); /* three empty frames */
	assert_int_equal(info.audio_bytes, 0);
	assert_int_equal(parse(4 + 263, &info), -EINVAL);
	assert_int_equal(parse(3, &info), -EINVAL); /* 254 octets of padding in none */
	pkt[2] = 0;				    /* padding flag with a length of 0 */
	assert_int_equal(parse(3 + 30, &info), 0);
	assert_int_equal(parse(2, &info), -EINVAL);
}

/* R7: VBR code 3 gives M - 1 lengths; they fit, and the last frame is <= 1275. */
static void
test_code3_vbr(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	pkt[0] = toc(31, 1, 3);
	pkt[1] = 0x80 | 3;
	pkt[2] = 5;
	pkt[3] = 252; /* 252 + 4 * 1 = 256 */
	pkt[4] = 1;
	assert_int_equal(parse(5 + 5 + 256 + 7, &info), 0);
	assert_int_equal(info.frames, 3);
	assert_int_equal(info.audio_bytes, 5 + 256 + 7);
	assert_int_equal(parse(5 + 5 + 256, &info), 0); /* last frame empty */
	assert_int_equal(parse(5 + 5 + 255, &info), -EINVAL);
	assert_int_equal(parse(5 + 5 + 256 + 1276, &info), -EINVAL);
	assert_int_equal(parse(4, &info), -EINVAL); /* a length cut in two */
	/* Padding and VBR together: lengths come after the padding length. */
	pkt[1] = 0xc0 | 2;
	pkt[2] = 4;  /* 4 octets of padding */
	pkt[3] = 20; /* first frame */
	assert_int_equal(parse(4 + 20 + 6 + 4, &info), 0);
	assert_int_equal(info.audio_bytes, 26);
	assert_int_equal(parse(4 + 19 + 4, &info), -EINVAL);
	/* The largest length two octets can state, 255 + 4 * 255 = 1275, is allowed. */
	pkt[1] = 0x80 | 2;
	pkt[2] = 255;
	pkt[3] = 255;
	assert_int_equal(parse(4 + 1275, &info), 0);
}

/* DTX and empty payloads: a gap for the decoder, not a packet to parse. */
static void
test_dtx(void **state)
{
	(void)state;
	struct mrfp_opus_info info;
	assert_true(opus_payload_is_dtx(pkt, 0));
	pkt[0] = toc(15, 0, 0);
	assert_true(opus_payload_is_dtx(pkt, 1));
	assert_int_equal(parse(1, &info), 0);
	assert_int_equal(info.audio_bytes, 0);
	pkt[0] = toc(15, 0, 1);
	assert_true(opus_payload_is_dtx(pkt, 1));
	pkt[0] = toc(15, 0, 2);
	assert_false(opus_payload_is_dtx(pkt, 1));
	pkt[0] = toc(15, 0, 0);
	assert_false(opus_payload_is_dtx(pkt, 2));
}

/* Clocks: Opus is 48000 whatever it codes; G.722 is 8000 for 16000 Hz audio (RFC 3551). */
static void
test_rtp_clocks(void **state)
{
	(void)state;
	assert_int_equal(MRFP_OPUS_RTP_CLOCK, 48000);
	assert_int_equal(MRFP_G722_RTP_CLOCK, 8000);
	assert_int_equal(MRFP_G722_SAMPLE_RATE, 16000);
	assert_int_equal(g722_samples_to_rtp(320), 160); /* one 20 ms packet */
	assert_int_equal(g722_rtp_to_samples(160), 320);
	assert_int_equal(g722_samples_to_rtp(16000), 8000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toc_table),   cmocka_unit_test(test_code0),
		cmocka_unit_test(test_code1),	    cmocka_unit_test(test_code2),
		cmocka_unit_test(test_code3_count), cmocka_unit_test(test_code3_cbr_padding),
		cmocka_unit_test(test_code3_vbr),   cmocka_unit_test(test_dtx),
		cmocka_unit_test(test_rtp_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
