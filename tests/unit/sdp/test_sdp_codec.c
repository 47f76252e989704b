/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The codec an answer takes (control/sdp/sdp_codec.c) and a=fmtp as parsed and written: the
 * offerer's order, the RFC 4867 8.1 parameters of AMR and AMR-WB (mode-set, octet-align and
 * what mrfpd refuses), Opus's maxaveragebitrate, EVS and unknown codecs refused with a reason,
 * a Modify's preference for the leg's codec.
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

#define HEAD "v=0\r\nc=IN IP4 192.0.2.1\r\n"
#define CRYPTO1                                                                                    \
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"

static void
parse(const char *text, struct mrfp_sdp *sdp)
{
	struct mrfp_sdp_error err;
	if (sdp_parse(text, strlen(text), sdp, &err) != 0)
		fail_msg("refused: %s at line %u", sdp_strerror(err.code), err.line);
}

/* The choice for a media section (m= line and attributes) at ptime 20. */
static int
choose(const char *media, int prefer, struct sdp_codec_choice *ch, const char **why)
{
	char text[2048];
	struct mrfp_sdp sdp;
	snprintf(text, sizeof(text), HEAD "%s" CRYPTO1, media);
	parse(text, &sdp);
	*why = NULL;
	int rc = sdp_codec_choose(&sdp, 20, prefer, ch, why);
	sdp_wipe(&sdp);
	return rc;
}

static void
expect_choice(const char *media, uint8_t pt, enum mrfp_codec_id codec, const char *answer_fmtp)
{
	struct sdp_codec_choice ch;
	const char *why;
	if (choose(media, -1, &ch, &why) != 0)
		fail_msg("refused: %s", why);
	assert_int_equal(ch.pt, pt);
	assert_int_equal(ch.answer.pt, pt);
	assert_int_equal(ch.fmt.codec, codec);
	assert_string_equal(ch.answer.fmtp, answer_fmtp);
}

static void
expect_refusal(const char *media, const char *reason_part)
{
	struct sdp_codec_choice ch;
	const char *why;
	assert_int_equal(choose(media, -1, &ch, &why), -ENOTSUP);
	assert_non_null(why);
	if (strstr(why, reason_part) == NULL)
		fail_msg("reason '%s' does not say '%s'", why, reason_part);
}

static void
test_fmtp_parsed_and_written(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	parse(HEAD "m=audio 6000 RTP/SAVP 97 101\r\n"
		   "a=rtpmap:97 AMR-WB/16000\r\na=fmtp:97 mode-set=0,1,2; octet-align=1\r\n"
		   "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
		   "a=fmtp:99 ignored=1\r\n" CRYPTO1,
	      &sdp);
	assert_string_equal(sdp.fmt[0].fmtp, "mode-set=0,1,2; octet-align=1");
	assert_string_equal(sdp.fmt[1].fmtp, "0-15");
	char out[1024];
	assert_true(sdp_write(&sdp, 1, 1, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "a=fmtp:97 mode-set=0,1,2; octet-align=1\r\n"));
	assert_non_null(strstr(out, "a=fmtp:101 0-15\r\n"));
	sdp_wipe(&sdp);

	static const char *const bad[] = {
		"a=fmtp:97",				      /* no parameters */
		"a=fmtp:x octet-align=1",		      /* not a payload type */
		"a=fmtp:97 octet-align=1\r\na=fmtp:97 crc=0", /* twice */
		"a=fmtp:97 mode-set=\xc3\xa9",		      /* not ASCII */
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct mrfp_sdp_error err;
		snprintf(text, sizeof(text),
			 HEAD "m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n%s\r\n" CRYPTO1,
			 bad[i]);
		assert_int_equal(sdp_parse(text, strlen(text), &sdp, &err), -EINVAL);
		assert_int_equal(err.code, MRFP_SDP_ERR_FMTP);
	}
}

static void
test_offer_order(void **state)
{
	(void)state;
	/* the first supported in the offerer's order; what mrfpd cannot do is passed over */
	expect_choice("m=audio 6000 RTP/SAVP 18 0 8\r\n", 0, MRFP_CODEC_PCMU, "");
	expect_choice("m=audio 6000 RTP/SAVP 101 9 0\r\na=rtpmap:101 telephone-event/8000\r\n", 9,
		      MRFP_CODEC_G722, "");
	expect_choice("m=audio 6000 RTP/SAVP 96 97 0\r\na=rtpmap:96 EVS/16000\r\n"
		      "a=rtpmap:97 AMR-WB/16000\r\n",
		      97, MRFP_CODEC_AMR_WB, "");
	expect_choice("m=audio 6000 RTP/SAVP 111 0\r\na=rtpmap:111 opus/48000/2\r\n", 111,
		      MRFP_CODEC_OPUS, "");
	/* a name on a static number that is not its RFC 3551 codec: not trusted */
	expect_choice("m=audio 6000 RTP/SAVP 9 8\r\na=rtpmap:9 AMR/8000\r\n", 8, MRFP_CODEC_PCMA,
		      "");
	/* opus is opus/48000/2 (RFC 7587): other clocks or channels are not it */
	expect_choice("m=audio 6000 RTP/SAVP 96 8\r\na=rtpmap:96 opus/48000\r\n", 8,
		      MRFP_CODEC_PCMA, "");
}

static void
test_amr_parameters(void **state)
{
	(void)state;
	struct sdp_codec_choice ch;
	const char *why;
	/* no mode-set: the best mode; bandwidth-efficient by default */
	assert_int_equal(
		choose("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n", -1, &ch, &why), 0);
	assert_int_equal(ch.fmt.mode, 7);
	assert_false(ch.fmt.octet_aligned);
	assert_string_equal(ch.answer.name, "AMR");
	assert_int_equal(ch.answer.rate, 8000);
	assert_int_equal(ch.pcm_rate, 8000);
	/* AMR-WB capped at 12.65 kbit/s, octet-aligned: mode 2, and the answer says so */
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 98\r\na=rtpmap:98 AMR-WB/16000\r\n"
				"a=fmtp:98 mode-set=0,1,2;octet-align=1;mode-change-period=2;"
				"max-red=0\r\n",
				-1, &ch, &why),
			 0);
	assert_int_equal(ch.fmt.codec, MRFP_CODEC_AMR_WB);
	assert_int_equal(ch.fmt.mode, 2);
	assert_true(ch.fmt.octet_aligned);
	assert_int_equal(ch.pcm_rate, 16000);
	assert_string_equal(ch.answer.fmtp, "octet-align=1;mode-set=0,1,2");
	expect_choice("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n"
		      "a=fmtp:97 crc=0; robust-sorting=0; mode-set=4,7\r\n",
		      97, MRFP_CODEC_AMR, "mode-set=4,7");

	expect_refusal("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n"
		       "a=fmtp:97 octet-align=1;interleaving=4\r\n",
		       "interleaving");
	expect_refusal("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n"
		       "a=fmtp:97 octet-align=1;crc=1\r\n",
		       "crc");
	expect_refusal("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n"
		       "a=fmtp:97 mode-set=8\r\n",
		       "mode-set");
	expect_refusal("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n"
		       "a=fmtp:97 octet-align=2\r\n",
		       "octet-align");
	expect_refusal("m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000/2\r\n", "no supported");
	/* a refused AMR does not stop a later codec being taken */
	expect_choice("m=audio 6000 RTP/SAVP 97 0\r\na=rtpmap:97 AMR/8000\r\n"
		      "a=fmtp:97 interleaving=1\r\n",
		      0, MRFP_CODEC_PCMU, "");

	/* AMR frames are 20 ms */
	struct mrfp_sdp sdp;
	parse(HEAD "m=audio 6000 RTP/SAVP 97\r\na=rtpmap:97 AMR/8000\r\n" CRYPTO1, &sdp);
	assert_int_equal(sdp_codec_choose(&sdp, 30, -1, &ch, &why), -ENOTSUP);
	assert_non_null(strstr(why, "20 ms"));
	sdp_wipe(&sdp);
	/* Opus has no 30 ms frame */
	parse(HEAD "m=audio 6000 RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\n" CRYPTO1, &sdp);
	assert_int_equal(sdp_codec_choose(&sdp, 30, -1, &ch, &why), -ENOTSUP);
	assert_non_null(strstr(why, "opus"));
	assert_int_equal(sdp_codec_choose(&sdp, 10, -1, &ch, &why), 0);
	sdp_wipe(&sdp);
}

static void
test_opus_bitrate(void **state)
{
	(void)state;
	struct sdp_codec_choice ch;
	const char *why;
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\n"
				"a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=20000\r\n",
				-1, &ch, &why),
			 0);
	assert_int_equal(ch.fmt.bitrate, 20000);
	assert_int_equal(ch.answer.channels, 2);
	assert_int_equal(ch.pcm_rate, 48000);
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\n"
				"a=fmtp:111 maxaveragebitrate=1000\r\n",
				-1, &ch, &why),
			 0);
	assert_int_equal(ch.fmt.bitrate, 6000); /* the least libopus sends */
	assert_int_equal(
		choose("m=audio 6000 RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\n", -1, &ch, &why),
		0);
	assert_int_equal(ch.fmt.bitrate, 0); /* the dataplane's default */
}

static void
test_refusals(void **state)
{
	(void)state;
	expect_refusal("m=audio 6000 RTP/SAVP 96\r\na=rtpmap:96 EVS/16000\r\n", "EVS");
	expect_refusal("m=audio 6000 RTP/SAVP 18 4\r\n", "no supported codec");
	expect_refusal("m=audio 6000 RTP/SAVP 101\r\na=rtpmap:101 telephone-event/8000\r\n",
		       "no supported codec");
}

/* telephone-event comes along at the chosen codec's clock (RFC 4733 7.1.1), digits only */
static void
test_telephone_event(void **state)
{
	(void)state;
	struct sdp_codec_choice ch;
	const char *why;
	assert_int_equal(
		choose("m=audio 6000 RTP/SAVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
		       "a=fmtp:101 0-16\r\n",
		       -1, &ch, &why),
		0);
	assert_int_equal(ch.pt, 0);
	assert_int_equal(ch.dtmf_pt, 101);
	assert_string_equal(ch.dtmf_answer.name, "telephone-event");
	assert_int_equal(ch.dtmf_answer.rate, 8000);
	assert_string_equal(ch.dtmf_answer.fmtp, "0-15");
	/* AMR-WB's clock is 16000: the 8000 one is not its telephone-event, the 16000 one is */
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 98 100 101\r\na=rtpmap:98 AMR-WB/16000\r\n"
				"a=rtpmap:100 telephone-event/8000\r\n"
				"a=rtpmap:101 telephone-event/16000\r\n",
				-1, &ch, &why),
			 0);
	assert_int_equal(ch.dtmf_pt, 101);
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 98 100\r\na=rtpmap:98 AMR-WB/16000\r\n"
				"a=rtpmap:100 telephone-event/8000\r\n",
				-1, &ch, &why),
			 0);
	assert_int_equal(ch.dtmf_pt, 0);
	assert_int_equal(choose("m=audio 6000 RTP/SAVP 0\r\n", -1, &ch, &why), 0);
	assert_int_equal(ch.dtmf_pt, 0);
}

static void
test_modify_keeps_codec(void **state)
{
	(void)state;
	struct sdp_codec_choice ch;
	const char *why;
	const char *m = "m=audio 6000 RTP/SAVP 0 8\r\n";
	assert_int_equal(choose(m, 8, &ch, &why), 0);
	assert_int_equal(ch.pt, 8);
	assert_int_equal(choose(m, 9, &ch, &why), 0); /* not offered: the offer's first */
	assert_int_equal(ch.pt, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmtp_parsed_and_written),
		cmocka_unit_test(test_offer_order),
		cmocka_unit_test(test_amr_parameters),
		cmocka_unit_test(test_opus_bitrate),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_telephone_event),
		cmocka_unit_test(test_modify_keeps_codec),
	};
	return cmocka_run_group_tests_name("sdp_codec", tests, NULL, NULL);
}
