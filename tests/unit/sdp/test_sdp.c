/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP of one stream in an H.248 Local/Remote descriptor (control/sdp.c, sdp_write.c): the
 * RFC 4568 section 4 offer and answer, H.248 CHOOSE forms, IPv6, several crypto lines, the
 * secure-conference policy, malformed input (each refused with its reason and an all-zero
 * result), the writer, and wiping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "keys.h"
#include "sdp.h"

#define PS1U "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
#define WVNF "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
#define SEQ44 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="
#define CRYPTO1 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "\r\n"

/* RFC 4568 section 4: the offer... */
static const char RFC4568_OFFER[] =
	"v=0\r\n"
	"o=sam 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
	"s=SRTP Discussion\r\n"
	"i=A discussion of Secure RTP\r\n"
	"u=http://www.example.com/seminars/srtp.pdf\r\n"
	"e=marge@example.com (Marge Simpson)\r\n"
	"c=IN IP4 168.2.17.12\r\n"
	"t=2873397496 2873404696\r\n"
	"m=audio 49170 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" WVNF "|2^20|1:4 FEC_ORDER=FEC_SRTP\r\n";
/* ... and the answer. */
static const char RFC4568_ANSWER[] =
	"v=0\r\n"
	"o=jill 25690844 8070842634 IN IP4 10.47.16.5\r\n"
	"s=SRTP Discussion\r\n"
	"i=A discussion of Secure RTP\r\n"
	"u=http://www.example.com/seminars/srtp.pdf\r\n"
	"e=homer@example.com (Homer Simpson)\r\n"
	"c=IN IP4 168.2.17.11\r\n"
	"t=2873397526 2873405696\r\n"
	"m=audio 32640 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4\r\n";

static int
parse(const char *text, struct mrfp_sdp *sdp, struct mrfp_sdp_error *err)
{
	return sdp_parse(text, strlen(text), sdp, err);
}

static void
assert_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			fail_msg("byte %zu of %zu is %#x", i, n, b[i]);
}

/* Refused for `code` at `line` (0: the whole description), and nothing is left in *sdp. */
static void
expect_refused_n(const char *text, size_t len, enum mrfp_sdp_err code, unsigned int line)
{
	struct mrfp_sdp *sdp = malloc(sizeof(*sdp));
	struct mrfp_sdp_error err = {MRFP_SDP_ERR_NONE, 99};
	assert_non_null(sdp);
	memset(sdp, 0xa5, sizeof(*sdp));
	int rc = sdp_parse(text, len, sdp, &err);
	if (err.code != code)
		fail_msg("reason '%s', expected '%s'", sdp_strerror(err.code), sdp_strerror(code));
	assert_int_equal(rc, -sdp_err_errno(code));
	assert_true(rc < 0);
	assert_int_equal(err.line, line);
	assert_all_zero(sdp, sizeof(*sdp));
	free(sdp);
}

static void
expect_refused(const char *text, enum mrfp_sdp_err code, unsigned int line)
{
	expect_refused_n(text, strlen(text), code, line);
}

static void
test_rfc4568_offer_answer(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	struct mrfp_sdp_error err;
	assert_int_equal(parse(RFC4568_OFFER, &sdp, &err), 0);
	assert_int_equal(err.code, MRFP_SDP_ERR_NONE);
	assert_int_equal(sdp.addr.family, AF_INET);
	assert_int_equal(sdp.addr.v4, inet_addr("168.2.17.12"));
	assert_int_equal(ntohs(sdp.addr.port), 49170);
	assert_false(sdp.addr_choose || sdp.port_choose || sdp.rtcp_mux);
	assert_int_equal(sdp.proto, MRFP_SDP_PROTO_RTP_SAVP);
	assert_int_equal(sdp.dir, MRFP_SDP_DIR_SENDRECV);
	assert_int_equal(sdp.n_fmt, 1);
	assert_int_equal(sdp.fmt[0].pt, 0);
	assert_string_equal(sdp.fmt[0].name, "PCMU"); /* static PT 0, no a=rtpmap */
	assert_int_equal(sdp.fmt[0].rate, 8000);
	assert_int_equal(sdp.n_crypto, 1);
	assert_int_equal(sdp.crypto[0].tag, 1);
	assert_true(sdp.crypto[0].lifetime == (UINT64_C(1) << 20));
	assert_true(sdp.crypto[0].mki == 1 && sdp.crypto[0].mki_len == 4);
	assert_int_equal(sdp.crypto[0].flags, 0); /* FEC_ORDER=FEC_SRTP is the default */
	assert_int_equal(sdp_secure_select(&sdp, &err), 0);
	assert_true(sdp.next == 0);
	sdp_wipe(&sdp);

	struct mrfp_srtp_key want;
	assert_int_equal(keys_from_base64(PS1U, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &want), 0);
	want.lifetime = UINT64_C(1) << 20; /* the answer's "|2^20|1:4" travels with the key */
	want.mki_len = 4;
	want.mki[3] = 1;
	assert_int_equal(parse(RFC4568_ANSWER, &sdp, NULL), 0);
	assert_int_equal(sdp.addr.v4, inet_addr("168.2.17.11"));
	assert_int_equal(ntohs(sdp.addr.port), 32640);
	assert_memory_equal(&sdp.crypto[0].key, &want, sizeof(want));
	mrfp_srtp_key_wipe(&want);
	sdp_wipe(&sdp);
}

/* H.248.1 7.1.8: o=, s=, t= left out, '$' for address and port; H.248.77: '$' for the key.
 * Indented and LF-only, as MGCs write it inside Local{ }. */
static void
test_h248_choose(void **state)
{
	(void)state;
	static const char local[] = "\n    v=0\n    c=IN IP4 $\n    m=audio $ RTP/SAVP 8\n"
				    "    a=ptime:20\n"
				    "    a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$|2^31\n";
	struct mrfp_sdp sdp;
	assert_int_equal(parse(local, &sdp, NULL), 0);
	assert_true(sdp.addr_choose && sdp.port_choose);
	assert_int_equal(sdp.addr.family, AF_INET);
	assert_int_equal(sdp.addr.port, 0);
	assert_int_equal(sdp.fmt[0].pt, 8);
	assert_string_equal(sdp.fmt[0].name, "PCMA");
	assert_int_equal(sdp.ptime, 20);
	assert_int_equal(sdp.n_crypto, 1);
	assert_true(sdp.crypto[0].key_choose);
	assert_true(sdp.crypto[0].lifetime == (UINT64_C(1) << 31));
	assert_int_equal(sdp_secure_select(&sdp, NULL), 0);

	assert_int_equal(
		parse("v=0\r\nc=IN IP6 $\r\nm=audio 4000 RTP/SAVP 0\r\n" CRYPTO1, &sdp, NULL), 0);
	assert_true(sdp.addr_choose && !sdp.port_choose);
	assert_int_equal(sdp.addr.family, AF_INET6);
	assert_int_equal(ntohs(sdp.addr.port), 4000);
	sdp_wipe(&sdp);

	expect_refused("v=0\r\nc=IN $ $\r\nm=audio $ RTP/SAVP 0\r\n", MRFP_SDP_ERR_CHOOSE, 2);
	expect_refused("v=0\r\nc=IN IP4 $\r\nm=audio $ $ 0\r\n", MRFP_SDP_ERR_CHOOSE, 3);
	expect_refused("v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/SAVP $\r\n", MRFP_SDP_ERR_CHOOSE, 3);
	expect_refused("v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/SAVP 0\r\na=crypto:1 $ inline:$\r\n",
		       MRFP_SDP_ERR_CHOOSE, 4);
}

static void
test_ipv6(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	uint8_t want[16];
	inet_pton(AF_INET6, "2001:db8::7", want);
	assert_int_equal(
		parse("v=0\r\no=- 1 1 IN IP6 2001:db8::7\r\ns=-\r\nc=IN IP6 2001:db8::7\r\n"
		      "t=0 0\r\nm=audio 30000 RTP/SAVPF 0\r\n" CRYPTO1,
		      &sdp, NULL),
		0);
	assert_int_equal(sdp.addr.family, AF_INET6);
	assert_memory_equal(sdp.addr.v6, want, 16);
	assert_int_equal(sdp.proto, MRFP_SDP_PROTO_RTP_SAVPF);
	assert_int_equal(sdp_secure_select(&sdp, NULL), 0);
	sdp_wipe(&sdp);

	static const struct {
		const char *c;
		enum mrfp_sdp_err code;
	} bad[] = {
		{"c=IN IP6 10.0.0.1", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4 2001:db8::1", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4 10.0.0.1:5000", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP6 [2001:db8::1]", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4 host.example.com", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4 10.0.0.1 extra", MRFP_SDP_ERR_CONNECTION},
		{"c=IN IP4 224.2.1.1/127", MRFP_SDP_ERR_ADDR_TYPE},
		{"c=IN IP4 239.1.1.1", MRFP_SDP_ERR_ADDR_TYPE},
		{"c=IN IP6 ff0e::101", MRFP_SDP_ERR_ADDR_TYPE},
		{"c=IN ATM 10.0.0.1", MRFP_SDP_ERR_ADDR_TYPE},
		{"c=TN RFC2543 10.0.0.1", MRFP_SDP_ERR_ADDR_TYPE},
	};
	char text[256];
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "v=0\r\n%s\r\nm=audio 5000 RTP/SAVP 0\r\n" CRYPTO1,
			 bad[i].c);
		expect_refused(text, bad[i].code, 2);
	}
	/* two c= at one level */
	expect_refused(
		"v=0\r\nc=IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.2\r\nm=audio 5000 RTP/SAVP 0\r\n",
		MRFP_SDP_ERR_CONNECTION, 3);
}

/* Media-level c= overrides the session's; media-level direction likewise. */
static void
test_levels(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	assert_int_equal(
		parse("v=0\r\nc=IN IP4 10.0.0.1\r\na=sendonly\r\nm=audio 5000 RTP/SAVP 0\r\n"
		      "c=IN IP4 10.0.0.2\r\n" CRYPTO1,
		      &sdp, NULL),
		0);
	assert_int_equal(sdp.addr.v4, inet_addr("10.0.0.2"));
	assert_int_equal(sdp.dir, MRFP_SDP_DIR_SENDONLY);
	sdp_wipe(&sdp);
	assert_int_equal(
		parse("v=0\r\nc=IN IP4 10.0.0.1\r\na=sendrecv\r\nm=audio 5000 RTP/SAVP 0\r\n"
		      "a=inactive\r\na=rtcp-mux\r\n" CRYPTO1,
		      &sdp, NULL),
		0);
	assert_int_equal(sdp.addr.v4, inet_addr("10.0.0.1"));
	assert_int_equal(sdp.dir, MRFP_SDP_DIR_INACTIVE);
	assert_true(sdp.rtcp_mux);
	sdp_wipe(&sdp);
	assert_int_equal(parse("v=0\r\nm=audio 5000 RTP/SAVP 0\r\nc=IN IP4 10.0.0.3\r\n"
			       "a=recvonly\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.dir, MRFP_SDP_DIR_RECVONLY);

	expect_refused("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/SAVP 0\r\n"
		       "a=sendonly\r\na=sendonly\r\n",
		       MRFP_SDP_ERR_DIRECTION, 5);
	expect_refused("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/SAVP 0\r\na=sendrecv:1\r\n",
		       MRFP_SDP_ERR_FLAG_ATTR, 4);
	expect_refused("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/SAVP 0\r\na=rtcp-mux:1\r\n",
		       MRFP_SDP_ERR_FLAG_ATTR, 4);
	expect_refused("v=0\r\nc=IN IP4 10.0.0.1\r\na=rtcp-mux\r\nm=audio 5000 RTP/SAVP 0\r\n",
		       MRFP_SDP_ERR_MISPLACED, 3);
	expect_refused("v=0\r\nc=IN IP4 10.0.0.1\r\n" CRYPTO1 "m=audio 5000 RTP/SAVP 0\r\n",
		       MRFP_SDP_ERR_MISPLACED, 3);
	expect_refused("v=0\r\na=ptime:20\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/SAVP 0\r\n",
		       MRFP_SDP_ERR_MISPLACED, 2);
}

static void
test_several_crypto_lines(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
			       "a=crypto:3 AEAD_AES_256_GCM inline:" SEQ44 "\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^31|1:1\r\n"
			       "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" WVNF "\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.n_crypto, 3);
	assert_int_equal(sdp.n_crypto_skipped, 0);
	assert_int_equal(sdp.crypto[0].tag, 3);
	assert_int_equal(sdp.crypto[0].suite, MRFP_SUITE_AEAD_AES_256_GCM);
	assert_int_equal(sdp.crypto[0].key.len, 44);
	assert_int_equal(sdp.crypto[1].tag, 1);
	assert_int_equal(sdp.crypto[1].mki_len, 1);
	assert_int_equal(sdp.crypto[2].tag, 2);
	assert_int_equal(sdp.crypto[2].suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(sdp_secure_select(&sdp, NULL), 0);
	sdp_wipe(&sdp);
}

/* RFC 4568: an answerer ignores offered lines it cannot use, as long as one is left. */
static void
test_unsupported_lines_skipped(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
			       "a=crypto:1 F8_128_HMAC_SHA1_80 inline:" PS1U "\r\n"
			       "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " FEC_KEY=x\r\n"
			       "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|1:1;inline:" WVNF
			       "|2:1\r\n"
			       "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:" WVNF "\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.n_crypto, 1);
	assert_int_equal(sdp.n_crypto_skipped, 3);
	assert_int_equal(sdp.crypto[0].tag, 4);
	static const struct mrfp_sdp_crypto zero;
	for (unsigned int i = 1; i < MRFP_SDP_MAX_CRYPTO; i++)
		assert_memory_equal(&sdp.crypto[i], &zero, sizeof(zero));
	sdp_wipe(&sdp);

	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
		       "a=crypto:1 F8_128_HMAC_SHA1_80 inline:" PS1U "\r\n",
		       MRFP_SDP_ERR_SUITE, 0);
	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
		       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " FUTURE_PARAM\r\n",
		       MRFP_SDP_ERR_SESSION_PARAM_UNSUPP, 0);
	/* a duplicate tag counts skipped lines too */
	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
		       "a=crypto:1 F8_128_HMAC_SHA1_80 inline:" PS1U "\r\n"
		       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "\r\n",
		       MRFP_SDP_ERR_CRYPTO_TAG, 5);
}

static void
test_crypto_refusals(void **state)
{
	(void)state;
	static const char head[] = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n";
	static const struct {
		const char *line;
		enum mrfp_sdp_err code;
	} bad[] = {
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		 "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV!R",
		 MRFP_SDP_ERR_KEY_BASE64},
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" SEQ44, MRFP_SDP_ERR_KEY_LENGTH},
		{"a=crypto:1 AEAD_AES_256_GCM inline:" PS1U, MRFP_SDP_ERR_KEY_LENGTH},
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^64", MRFP_SDP_ERR_LIFETIME},
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|300:1", MRFP_SDP_ERR_MKI},
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " KDR=0",
		 MRFP_SDP_ERR_SESSION_PARAM},
		{"a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:" PS1U, MRFP_SDP_ERR_CRYPTO_TAG},
		{"a=crypto:1 AES_CM_128_HMAC_SHA1_80", MRFP_SDP_ERR_CRYPTO},
		{"a=crypto:", MRFP_SDP_ERR_CRYPTO_TAG},
		{"a=crypto", MRFP_SDP_ERR_CRYPTO_TAG},
	};
	char text[512];
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* a good key first: its bytes must not survive the refusal either */
		snprintf(text, sizeof(text), "%s" CRYPTO1 "%s\r\n", head, bad[i].line);
		expect_refused(text, bad[i].code, 5);
	}
	/* nine a=crypto lines */
	char many[2048];
	size_t n = (size_t)snprintf(many, sizeof(many), "%s", head);
	for (unsigned int t = 1; t <= MRFP_SDP_MAX_CRYPTO + 1; t++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "a=crypto:%u AES_CM_128_HMAC_SHA1_80 inline:" PS1U "\r\n", t);
	expect_refused(many, MRFP_SDP_ERR_TOO_MANY_CRYPTO, 4 + MRFP_SDP_MAX_CRYPTO);
}

/* Secure conference policy: flags the parser raises, refused by sdp_secure_select. */
static void
test_secure_policy(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	struct mrfp_sdp_error err;
	/* no a=crypto */
	assert_int_equal(
		parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n", &sdp, NULL), 0);
	assert_int_equal(sdp.n_crypto, 0);
	assert_int_equal(sdp_secure_select(&sdp, &err), -ENOKEY);
	assert_int_equal(err.code, MRFP_SDP_ERR_NO_CRYPTO);
	/* plain RTP, even with a key */
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/AVP 0\r\n" CRYPTO1,
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.proto, MRFP_SDP_PROTO_RTP_AVP);
	assert_int_equal(sdp_secure_select(&sdp, &err), -EPROTO);
	assert_int_equal(err.code, MRFP_SDP_ERR_NOT_SECURE);
	sdp_wipe(&sdp);
	assert_int_equal(
		parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/AVPF 0\r\n", &sdp, NULL), 0);
	assert_int_equal(sdp_secure_select(&sdp, &err), -EPROTO);
	/* encryption or authentication switched off */
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U
			       " UNENCRYPTED_SRTP\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp_secure_select(&sdp, &err), -ENOTSUP);
	assert_int_equal(err.code, MRFP_SDP_ERR_WEAKENED);
	sdp_wipe(&sdp);
	/* KDR is not something libsrtp does */
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " KDR=10\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp_secure_select(&sdp, &err), -ENOTSUP);
	assert_int_equal(err.code, MRFP_SDP_ERR_SESSION_PARAM_UNSUPP);
	sdp_wipe(&sdp);
	/* the first usable line wins */
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 0\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U
			       " UNAUTHENTICATED_SRTP\r\n"
			       "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" PS1U " KDR=1\r\n"
			       "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" WVNF " WSH=1024\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp_secure_select(&sdp, &err), 2);
	assert_int_equal(err.code, MRFP_SDP_ERR_NONE);
	sdp_wipe(&sdp);
}

static void
test_rtpmap_ptime(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 96 0 8 101\r\n"
			       "a=rtpmap:96 opus/48000/2\r\n"
			       "a=rtpmap:101 telephone-event/8000\r\n"
			       "a=rtpmap:102 AMR-WB/16000\r\n" /* not on the m= line: ignored */
			       "a=fmtp:101 0-15\r\n"
			       "a=ptime:30\r\n" CRYPTO1,
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.n_fmt, 4);
	assert_int_equal(sdp.fmt[0].pt, 96);
	assert_string_equal(sdp.fmt[0].name, "opus");
	assert_int_equal(sdp.fmt[0].rate, 48000);
	assert_int_equal(sdp.fmt[0].channels, 2);
	assert_string_equal(sdp.fmt[1].name, "PCMU");
	assert_string_equal(sdp.fmt[2].name, "PCMA");
	assert_int_equal(sdp.fmt[2].channels, 1);
	assert_string_equal(sdp.fmt[3].name, "telephone-event");
	assert_int_equal(sdp.ptime, 30);
	sdp_wipe(&sdp);
	/* a dynamic PT without rtpmap is reported nameless */
	assert_int_equal(
		parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 97\r\n", &sdp, NULL), 0);
	assert_string_equal(sdp.fmt[0].name, "");
	assert_int_equal(sdp.fmt[0].rate, 0);

	static const struct {
		const char *line;
		enum mrfp_sdp_err code;
	} bad[] = {
		{"a=rtpmap:96 opus", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/0", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/48000/", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/48000/0", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/48000/2/1", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 /8000", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 op\"us/8000", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:128 x/8000", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/48000 extra", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 averyveryveryverylongcodecname123/8000", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96", MRFP_SDP_ERR_RTPMAP},
		{"a=rtpmap:96 opus/48000/2\r\na=rtpmap:96 opus/48000/2", MRFP_SDP_ERR_RTPMAP},
		{"a=ptime:0", MRFP_SDP_ERR_PTIME},
		{"a=ptime:20.5", MRFP_SDP_ERR_PTIME},
		{"a=ptime:1001", MRFP_SDP_ERR_PTIME},
		{"a=ptime:", MRFP_SDP_ERR_PTIME},
		{"a=ptime", MRFP_SDP_ERR_PTIME},
		{"a=ptime:20\r\na=ptime:20", MRFP_SDP_ERR_PTIME},
	};
	char text[512];
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 6000 RTP/SAVP 96\r\n" CRYPTO1
			 "%s\r\n",
			 bad[i].line);
		expect_refused(text, bad[i].code, strstr(bad[i].line, "\r\n") ? 6 : 5);
	}
}

static void
test_media_line(void **state)
{
	(void)state;
	static const struct {
		const char *m;
		enum mrfp_sdp_err code;
	} bad[] = {
		{"m=audio 70000 RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio 0 RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio 49170/2 RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio -1 RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio 5x RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio 099 RTP/SAVP 0", MRFP_SDP_ERR_PORT},
		{"m=audio 5000 UDP/TLS/RTP/SAVP 0", MRFP_SDP_ERR_PROTO},
		{"m=audio 5000 rtp/savp 0", MRFP_SDP_ERR_PROTO},
		{"m=audio 5000 udp 0", MRFP_SDP_ERR_PROTO},
		{"m=video 5000 RTP/SAVP 96", MRFP_SDP_ERR_MEDIA_TYPE},
		{"m=image 5000 udptl t38", MRFP_SDP_ERR_MEDIA_TYPE},
		{"m=audio 5000 RTP/SAVP", MRFP_SDP_ERR_PAYLOAD},
		{"m=audio 5000 RTP/SAVP 128", MRFP_SDP_ERR_PAYLOAD},
		{"m=audio 5000 RTP/SAVP 0 8 0", MRFP_SDP_ERR_PAYLOAD},
		{"m=audio 5000 RTP/SAVP PCMU", MRFP_SDP_ERR_PAYLOAD},
		{"m=audio 5000 RTP/SAVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
		 MRFP_SDP_ERR_PAYLOAD},
		{"m=audio 5000", MRFP_SDP_ERR_MEDIA},
		{"m=", MRFP_SDP_ERR_MEDIA},
	};
	char text[256];
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "v=0\r\nc=IN IP4 192.0.2.1\r\n%s\r\n" CRYPTO1,
			 bad[i].m);
		expect_refused(text, bad[i].code, 3);
	}
	struct mrfp_sdp sdp;
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
			       "m=audio 65535 RTP/SAVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 127\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.n_fmt, MRFP_SDP_MAX_FMT);
	assert_int_equal(ntohs(sdp.addr.port), 65535);
}

static void
test_structure(void **state)
{
	(void)state;
	expect_refused("", MRFP_SDP_ERR_VERSION, 0);
	expect_refused("\r\n\r\n", MRFP_SDP_ERR_VERSION, 0);
	expect_refused("c=IN IP4 192.0.2.1\r\nv=0\r\n", MRFP_SDP_ERR_VERSION, 1);
	expect_refused("v=1\r\nc=IN IP4 192.0.2.1\r\n", MRFP_SDP_ERR_VERSION, 1);
	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\n", MRFP_SDP_ERR_NO_MEDIA, 0);
	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\na=crypto:x\r\n", MRFP_SDP_ERR_MISPLACED, 3);
	expect_refused("v=0\r\nm=audio 5000 RTP/SAVP 0\r\n", MRFP_SDP_ERR_NO_ADDRESS, 0);
	expect_refused("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\n"
		       "m=audio 5002 RTP/SAVP 0\r\n",
		       MRFP_SDP_ERR_MULTI_MEDIA, 4);
	expect_refused("v=0\r\no=- 1 IN IP4 x\r\n", MRFP_SDP_ERR_ORIGIN, 2);
	expect_refused("v=0\r\nt=0\r\n", MRFP_SDP_ERR_TIME, 2);
	expect_refused("v=0\r\nt=0 x\r\n", MRFP_SDP_ERR_TIME, 2);
	expect_refused("v=0\r\nhello\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused("v=0\r\nA=b\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused("v=0\r\n=x\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused("v=0\r\na=\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused("v=0\r\ns=a\x01z\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused("v=0\r\ns=a\rz\r\n", MRFP_SDP_ERR_SYNTAX, 2);
	expect_refused_n("v=0\r\ns=a\0z\r\n", 11, MRFP_SDP_ERR_SYNTAX, 2);
	/* the length given, not a NUL, ends the text */
	struct mrfp_sdp sdp;
	static const char two[] = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\nGARBAGE";
	assert_int_equal(sdp_parse(two, sizeof(two) - 1 - 7, &sdp, NULL), 0);
	/* unknown lines and attributes, LF only, no final line end */
	assert_int_equal(parse("v=0\nb=AS:64\nk=clear:secret\nz=0 0\nx=anything\n"
			       "c=IN IP4 192.0.2.1\nm=audio 5000 RTP/SAVP 0\nb=AS:64\n"
			       "a=fmtp:0 x\na=rtcp:5001\na=unknown-flag\na=silenceSupp:off",
			       &sdp, NULL),
			 0);
	assert_int_equal(ntohs(sdp.addr.port), 5000);
}

static void
test_limits(void **state)
{
	(void)state;
	char line[MRFP_SDP_MAX_LINE + 64];
	char text[2 * MRFP_SDP_MAX_LINE];
	/* a line of exactly the limit is fine, one byte more is not */
	memset(line, 'x', sizeof(line));
	memcpy(line, "a=x:", 4);
	line[MRFP_SDP_MAX_LINE] = '\0';
	snprintf(text, sizeof(text),
		 "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\n%s\r\n", line);
	struct mrfp_sdp sdp;
	assert_int_equal(parse(text, &sdp, NULL), 0);
	line[MRFP_SDP_MAX_LINE] = 'x';
	line[MRFP_SDP_MAX_LINE + 1] = '\0';
	snprintf(text, sizeof(text),
		 "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\n%s\r\n", line);
	expect_refused(text, MRFP_SDP_ERR_LINE_TOO_LONG, 4);
	/* an overlong line after a key: still nothing left */
	snprintf(text, sizeof(text),
		 "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\n" CRYPTO1 "%s", line);
	expect_refused(text, MRFP_SDP_ERR_LINE_TOO_LONG, 5);

	/* huge input: refused before reading a line */
	size_t huge = 1u << 20;
	char *big = malloc(huge);
	assert_non_null(big);
	for (size_t i = 0; i < huge; i++)
		big[i] = "v=0\r\n"[i % 5];
	expect_refused_n(big, huge, MRFP_SDP_ERR_TOO_LONG, 0);
	expect_refused_n(big, MRFP_SDP_MAX_LEN + 1, MRFP_SDP_ERR_TOO_LONG, 0);
	free(big);
}

/* H.248.1: a descriptor may hold alternatives, each from its own v=. */
static void
test_alternatives(void **state)
{
	(void)state;
	static const char text[] = "v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/SAVP 0\r\n" CRYPTO1
				   "v=0\r\nc=IN IP6 $\r\nm=audio $ RTP/SAVP 8\r\n";
	struct mrfp_sdp sdp;
	assert_int_equal(parse(text, &sdp, NULL), 0);
	assert_int_equal(sdp.addr.family, AF_INET);
	assert_int_equal(sdp.n_crypto, 1);
	assert_true(sdp.next > 0 && sdp.next < sizeof(text));
	assert_memory_equal(text + sdp.next, "v=0\r\nc=IN IP6", 13);
	size_t next = sdp.next;
	sdp_wipe(&sdp);
	assert_int_equal(sdp_parse(text + next, sizeof(text) - 1 - next, &sdp, NULL), 0);
	assert_int_equal(sdp.addr.family, AF_INET6);
	assert_int_equal(sdp.fmt[0].pt, 8);
	assert_true(sdp.next == 0);
}

static void
test_wipe(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	assert_int_equal(parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/SAVP 0\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "\r\n"
			       "a=crypto:2 AEAD_AES_256_GCM inline:" SEQ44 "\r\n",
			       &sdp, NULL),
			 0);
	assert_int_equal(sdp.crypto[0].key.material[0], 0x3d);
	assert_int_equal(sdp.crypto[1].key.material[43], 43);
	sdp_wipe(&sdp);
	assert_int_equal(sdp.n_crypto, 0);
	assert_all_zero(sdp.crypto, sizeof(sdp.crypto));
	for (unsigned int i = 0; i < MRFP_SDP_MAX_CRYPTO; i++)
		assert_int_equal(sdp.crypto[i].key.len, 0);
	assert_int_equal(ntohs(sdp.addr.port), 5000); /* only the keys go */
}

/* The Local SDP mrfpd returns, byte for byte. */
static void
test_write_local(void **state)
{
	(void)state;
	struct mrfp_sdp sdp;
	char buf[1024];
	assert_int_equal(
		parse("v=0\nc=IN IP4 $\nm=audio $ RTP/SAVP 0 96\na=rtpmap:96 opus/48000/2\n"
		      "a=ptime:20\na=rtcp-mux\n"
		      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$|2^31|1:4\n",
		      &sdp, NULL),
		0);
	assert_int_equal(sdp_write(&sdp, 1, 1, buf, sizeof(buf)), -EINVAL); /* CHOOSE */
	/* what mrfpd fills in: its address, port and key */
	sdp.addr_choose = sdp.port_choose = false;
	sdp.addr.v4 = inet_addr("192.0.2.10");
	sdp.addr.port = htons(40000);
	assert_int_equal(sdp_write(&sdp, 1, 1, buf, sizeof(buf)), -EINVAL); /* key still $ */
	assert_int_equal(keys_from_base64(PS1U, sdp.crypto[0].suite, &sdp.crypto[0].key), 0);
	sdp.crypto[0].key_choose = false;
	static const char want[] =
		"v=0\r\n"
		"o=- 7 2 IN IP4 192.0.2.10\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.10\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/SAVP 0 96\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:96 opus/48000/2\r\n"
		"a=ptime:20\r\n"
		"a=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^31|1:4\r\n";
	int n = sdp_write(&sdp, 7, 2, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
	/* too small at every size: -ENOSPC and nothing left, key bytes included */
	for (size_t size = 0; size <= (size_t)n; size++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(sdp_write(&sdp, 7, 2, buf, size), -ENOSPC);
		assert_all_zero(buf, size);
	}
	sdp_wipe(&sdp);
}

/* write -> parse gives back the same stream, for IPv4 and IPv6 and a generated key. */
static void
test_round_trip(void **state)
{
	(void)state;
	static const char *const sources[] = {
		RFC4568_ANSWER,
		"v=0\r\nc=IN IP6 2001:db8::1\r\nm=audio 5004 RTP/SAVPF 96 8\r\n"
		"a=rtpmap:96 opus/48000/2\r\na=sendonly\r\n"
		"a=crypto:9 AEAD_AES_256_GCM inline:" SEQ44 "|1000|5:2 WSH=512\r\n"
		"a=crypto:10 AES_CM_128_HMAC_SHA1_32 inline:" WVNF "\r\n",
	};
	char buf[1024];
	for (unsigned int i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct mrfp_sdp a, b;
		assert_int_equal(parse(sources[i], &a, NULL), 0);
		int n = sdp_write(&a, 42, 1, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(sdp_parse(buf, (size_t)n, &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		sdp_wipe(&a);
		sdp_wipe(&b);
	}
	/* a key mrfpd generated for a CHOOSE: written, read back identical */
	struct mrfp_sdp a, b;
	assert_int_equal(parse("v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/SAVP 8\r\n"
			       "a=crypto:1 AEAD_AES_128_GCM inline:$\r\n",
			       &a, NULL),
			 0);
	a.addr_choose = a.port_choose = false;
	a.addr.v4 = inet_addr("198.51.100.1");
	a.addr.port = htons(20000);
	assert_int_equal(keys_generate(a.crypto[0].suite, &a.crypto[0].key), 0);
	a.crypto[0].key_choose = false;
	int n = sdp_write(&a, 1, 1, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(sdp_parse(buf, (size_t)n, &b, NULL), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	sdp_wipe(&a);
	sdp_wipe(&b);
}

/* Every prefix and every single-byte change of a good description: accepted, or refused
 * with a reason and nothing left behind. Run under ASan/UBSan this is the fuzz smoke test. */
static void
test_mutations(void **state)
{
	(void)state;
	static const char base[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
		"t=0 0\r\nm=audio 5000 RTP/SAVP 0 96\r\na=rtpmap:96 opus/48000/2\r\n"
		"a=ptime:20\r\na=sendrecv\r\na=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" PS1U "|2^20|1:4\r\n"
		"a=crypto:2 AEAD_AES_256_GCM inline:" SEQ44 " KDR=2\r\n";
	static const char subst[] = {'\0', '\n', ' ', '$', '|', ':',
				     '0',  '9',	 '=', 'A', '/', '\x80'};
	struct mrfp_sdp *sdp = malloc(sizeof(*sdp));
	char *text = malloc(sizeof(base));
	assert_non_null(sdp);
	assert_non_null(text);
	size_t len = sizeof(base) - 1;
	for (size_t cut = 0; cut <= len; cut++) {
		memcpy(text, base, len);
		struct mrfp_sdp_error err;
		if (sdp_parse(text, cut, sdp, &err) < 0) {
			assert_int_not_equal(err.code, MRFP_SDP_ERR_NONE);
			assert_all_zero(sdp, sizeof(*sdp));
		}
		sdp_wipe(sdp);
	}
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t s = 0; s < sizeof(subst); s++) {
			memcpy(text, base, len);
			text[pos] = subst[s];
			struct mrfp_sdp_error err;
			if (sdp_parse(text, len, sdp, &err) < 0) {
				assert_non_null(sdp_strerror(err.code));
				assert_all_zero(sdp, sizeof(*sdp));
			}
			sdp_wipe(sdp);
		}
	}
	free(text);
	free(sdp);
}

static void
test_names(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MRFP_SDP_ERR_COUNT; i++) {
		assert_non_null(sdp_strerror((enum mrfp_sdp_err)i));
		assert_true((i == MRFP_SDP_ERR_NONE) == (sdp_err_errno((enum mrfp_sdp_err)i) == 0));
	}
	assert_null(sdp_strerror(MRFP_SDP_ERR_COUNT));
	assert_string_equal(sdp_strerror(MRFP_SDP_ERR_SUITE), "unsupported crypto suite");
	assert_string_equal(sdp_proto_name(MRFP_SDP_PROTO_RTP_SAVPF), "RTP/SAVPF");
	assert_null(sdp_proto_name(MRFP_SDP_PROTO_COUNT));
	assert_string_equal(sdp_dir_name(MRFP_SDP_DIR_RECVONLY), "recvonly");
	assert_null(sdp_dir_name(MRFP_SDP_DIR_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4568_offer_answer),
		cmocka_unit_test(test_h248_choose),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_several_crypto_lines),
		cmocka_unit_test(test_unsupported_lines_skipped),
		cmocka_unit_test(test_crypto_refusals),
		cmocka_unit_test(test_secure_policy),
		cmocka_unit_test(test_rtpmap_ptime),
		cmocka_unit_test(test_media_line),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_alternatives),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_write_local),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
