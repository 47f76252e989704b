/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: SDP (RFC 4566) with SDES a=crypto (RFC 4568) as an H.248 Local/Remote
 * descriptor carries it (control/sdp*.c). Built by tests/fuzz/meson.build, run by
 * scripts/fuzz.sh.
 * Properties: any input parses or is refused cleanly, both as a whole description (with its
 * alternatives) and as one a=crypto value; a refusal leaves no key behind; a description
 * without CHOOSE that mrfpd would write back as Local SDP parses again to the same stream.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out[MRFP_SDP_MAX_LEN * 2];

static int
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
crypto_value(const char *text, size_t len)
{
	struct mrfp_sdp_crypto c;
	enum mrfp_sdp_err why;
	memset(&c, 0xa5, sizeof(c));
	if (sdp_crypto_parse(text, len, &c, &why) != 0 && !all_zero(&c.key, sizeof(c.key)))
		__builtin_trap(); /* "on failure *out holds no key" */
	mrfp_srtp_key_wipe(&c.key);
}

/* Write the parsed stream back as mrfpd would (Local SDP) and read it again. */
static void
round_trip(const struct mrfp_sdp *s)
{
	struct mrfp_sdp again;
	struct mrfp_sdp_error err;
	int n = sdp_write(s, 1, 1, out, sizeof(out));
	if (n < 0)
		return; /* CHOOSE left, or a stream the writer does not express */
	if (sdp_parse(out, (size_t)n, &again, &err) != 0 || again.n_fmt != s->n_fmt ||
	    again.proto != s->proto || again.dir != s->dir || again.rtcp_mux != s->rtcp_mux)
		__builtin_trap();
	sdp_wipe(&again);
}

/* The codec an answer takes: the fmtp parameters are read there; the answer's own fmtp must
 * be something a parser reads back. */
static void
choose_codec(const struct mrfp_sdp *s)
{
	struct sdp_codec_choice ch;
	const char *why = NULL;
	if (sdp_codec_choose(s, 20, -1, &ch, &why) != 0) {
		if (why == NULL)
			__builtin_trap(); /* a refusal always says why */
		return;
	}
	if (strlen(ch.answer.fmtp) >= sizeof(ch.answer.fmtp) || ch.pt > 127)
		__builtin_trap();
}

static void
description(const char *text, size_t len)
{
	struct mrfp_sdp s;
	struct mrfp_sdp_error err;
	size_t off = 0;
	/* Alternatives (H.248.1 7.1.8): each v= starts one; at most a few per descriptor. */
	for (int i = 0; i < 8 && off < len; i++) {
		int rc = sdp_parse(text + off, len - off, &s, &err);
		if (rc != 0) {
			if (!all_zero(s.crypto, sizeof(s.crypto)))
				__builtin_trap(); /* "*out holds no key and is zeroed" */
			return;
		}
		sdp_secure_select(&s, &err);
		choose_codec(&s);
		round_trip(&s);
		size_t next = s.next;
		sdp_wipe(&s);
		if (next == 0 || next > len - off)
			return;
		off += next;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	crypto_value((const char *)data, size);
	description((const char *)data, size);
	return 0;
}
