/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248 decoder on malformed input: each fault gives its H.248.8 code at the right level
 * (message, or the transaction whose id could be read), and no input crashes it (truncation
 * at every byte, random byte changes; run under ASan/UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "h248_test.h"

#define MSG MRFP_H248_ERR_MESSAGE
#define TRN MRFP_H248_ERR_TRANSACTION
#define H "!/1 [192.0.2.1]:2944\n"

static struct h248_box box;

struct bad_case {
	const char *what;
	const char *text;
	int rc;
	uint16_t code;
	uint8_t level;
	uint32_t tid;
};

static const struct bad_case cases[] = {
	{"empty", "", -EBADMSG, 400, MSG, 0},
	{"blank", " \r\n\t; only a comment\n", -EBADMSG, 400, MSG, 0},
	{"no header", "T=1{C=-{AV=root}}", -EBADMSG, 400, MSG, 0},
	{"not megaco", "SIP/2.0 200 OK\r\n", -EBADMSG, 400, MSG, 0},
	{"version 4", "MEGACO/4 [192.0.2.1]:2944 T=1{C=-{AV=root}}", -EPROTONOSUPPORT, 406, MSG, 0},
	{"version 0", "!/0 [192.0.2.1]:2944 T=1{C=-{AV=root}}", -EPROTONOSUPPORT, 406, MSG, 0},
	{"version letters", "MEGACO/x [192.0.2.1]:2944 T=1{C=-{AV=root}}", -EBADMSG, 400, MSG, 0},
	{"no sep after version", "MEGACO/1[192.0.2.1]:2944 T=1{C=-{AV=root}}", -EBADMSG, 400, MSG,
	 0},
	{"bad IPv4 mId", "!/1 [192.0.2.300]:2944 T=1{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"bad port", "!/1 [192.0.2.1]:99999 T=1{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"unclosed mId", "!/1 [192.0.2.1 T=1{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"header only", H, -EBADMSG, 400, MSG, 0},
	{"not a transaction", H "Context=1{AV=root}", -EBADMSG, 400, MSG, 0},
	{"unknown top token", H "Hello=1{}", -EBADMSG, 400, MSG, 0},
	{"bad transaction id", H "T=abc{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"transaction id too big", H "T=4294967296{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"missing transaction id", H "Transaction{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"unbalanced: missing brace", H "T=7{C=-{A=rtp/1{M{}}", -EBADMSG, 403, TRN, 7},
	{"unbalanced: extra brace", H "T=7{C=-{AV=root}}}", -EBADMSG, 400, MSG, 0},
	{"missing comma", H "T=7{C=-{AV=root AV=root}}", -EBADMSG, 403, TRN, 7},
	{"trailing comma (RFC 3525 step 13 as published)",
	 H "T=7{C=${A=${M{ST=1{O{MO=RC,nt/jit=40, ; in ms\n}}}}}}", -EBADMSG, 403, TRN, 7},
	{"unterminated quote", H "T=7{C=-{SC=root{SV{MT=RS,RE=\"901 Cold}}}}", -EBADMSG, 403, TRN,
	 7},
	{"unterminated Local", H "T=7{C=-{MF=rtp/1{M{L{v=0\n", -EBADMSG, 403, TRN, 7},
	{"value missing", H "T=7{C=-{A=,AV=root}}", -EBADMSG, 403, TRN, 7},
	{"empty transaction", H "T=7{}", -EBADMSG, 403, TRN, 7},
	{"command outside context", H "T=7{AV=root}", -EBADMSG, 403, TRN, 7},
	{"bad context id", H "T=7{C=xyz{AV=root}}", -EBADMSG, 410, TRN, 7},
	{"context id 0", H "T=7{C=0{AV=root}}", -EBADMSG, 410, TRN, 7},
	{"missing context id", H "T=7{C{AV=root}}", -EBADMSG, 422, TRN, 7},
	{"empty context", H "T=7{C=-{}}", -EBADMSG, 422, TRN, 7},
	{"descriptor in a context", H "T=7{C=-{M{}}}", -EBADMSG, 422, TRN, 7},
	{"unknown command", H "T=7{C=-{Frobnicate=rtp/1}}", -EBADMSG, 443, TRN, 7},
	{"bad termination id", H "T=7{C=-{A=rtp%1}}", -EBADMSG, 410, TRN, 7},
	{"quoted termination id", H "T=7{C=-{A=\"rtp/1\"}}", -EBADMSG, 410, TRN, 7},
	{"missing termination id", H "T=7{C=-{A{M{}}}}", -EBADMSG, 442, TRN, 7},
	{"unknown descriptor", H "T=7{C=-{A=rtp/1{Bar{}}}}", -EBADMSG, 444, TRN, 7},
	{"keyword that is no descriptor", H "T=7{C=-{A=rtp/1{MO=SR}}}", -EBADMSG, 444, TRN, 7},
	{"descriptor not legal in Subtract", H "T=7{C=-{S=rtp/1{M{}}}}", -EBADMSG, 447, TRN, 7},
	{"descriptor twice", H "T=7{C=-{A=rtp/1{M{},M{}}}}", -EBADMSG, 448, TRN, 7},
	{"ServiceChange without Services", H "T=7{C=-{SC=root}}", -EBADMSG, 442, TRN, 7},
	{"bad stream id", H "T=7{C=-{A=rtp/1{M{ST=70000{}}}}}", -EBADMSG, 410, TRN, 7},
	{"bad mode", H "T=7{C=-{A=rtp/1{M{O{MO=Sideways}}}}}", -EBADMSG, 517, TRN, 7},
	{"mode twice", H "T=7{C=-{A=rtp/1{M{O{MO=SR,MO=SO}}}}}", -EBADMSG, 448, TRN, 7},
	{"bad reserve value", H "T=7{C=-{A=rtp/1{M{O{RV=maybe}}}}}", -EBADMSG, 449, TRN, 7},
	{"unknown media element", H "T=7{C=-{A=rtp/1{M{xyz=1}}}}", -EBADMSG, 444, TRN, 7},
	{"NUL in a name", H "T=7{C=-{A=rtp\0/1}}", -EBADMSG, 403, TRN, 7},
	{"control char in quote", H "T=7{C=-{SC=root{SV{RE=\"9\x01\"}}}}", -EBADMSG, 403, TRN, 7},
	{"error text in a request", H "T=7{C=-{A=rtp/1{\"hello\"}}}", -EBADMSG, 444, TRN, 7},
	{"bad ack range", H "K{5-3}", -EBADMSG, 400, MSG, 0},
	{"ack with value", H "K=1{5}", -EBADMSG, 400, MSG, 0},
	{"empty ack", H "K{}", -EBADMSG, 400, MSG, 0},
	{"pending with content", H "PN=3{C=-{AV=root}}", -EBADMSG, 400, TRN, 3},
	{"bad segment", H "P=5/0{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"segment on a request", H "T=5/1{C=-{AV=root}}", -EBADMSG, 410, MSG, 0},
	{"message error not alone", H "ER=400{\"x\"} T=1{C=-{AV=root}}", -EBADMSG, 400, MSG, 0},
	{"message error after transactions", H "T=1{C=-{AV=root}} ER=400{\"x\"}", -EBADMSG, 400,
	 MSG, 0},
	{"bad error code", H "P=4{ER=40000{\"x\"}}", -EBADMSG, 400, TRN, 4},
};

static void
test_error_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		size_t len = strlen(c->text);
		int rc;

		if (strstr(c->what, "NUL") != NULL)
			len += strlen(c->text + len + 1) + 1;
		box_init(&box);
		rc = h248_decode(c->text, len, &box.t, &box.msg, &box.err);
		if (rc != c->rc || box.err.code != c->code || box.err.level != c->level ||
		    (c->level == TRN && box.err.trans_id != c->tid))
			fail_msg("%s: rc %d code %u level %u tid %u (%s)", c->what, rc,
				 box.err.code, box.err.level, box.err.trans_id, box.err.text);
		assert_true(box.err.offset <= len);
		assert_non_null(memchr(box.err.text, '\0', sizeof(box.err.text)));
		assert_null(strchr(box.err.text, '"'));
	}
}

static void
test_limits(void **state)
{
	static struct mrfp_h248_node few[16];
	static char big[MRFP_H248_MAX_MSG + 2];
	char deep[1024];
	size_t n = 0;

	(void)state;
	/* message over the UDP payload limit */
	memset(big, ' ', sizeof(big));
	memcpy(big, H, strlen(H));
	box_init(&box);
	assert_int_equal(h248_decode(big, sizeof(big), &box.t, &box.msg, &box.err), -E2BIG);
	assert_int_equal(box.err.code, 510);
	/* more elements than the node array */
	h248_tree_init(&box.t, few, 16, NULL, 0);
	assert_int_equal(
		h248_decode(rfc3525_msg21, strlen(rfc3525_msg21), &box.t, &box.msg, &box.err),
		-E2BIG);
	assert_int_equal(box.err.code, 510);
	assert_int_equal(box.err.level, TRN);
	assert_int_equal(box.err.trans_id, 50007);
	/* nesting deeper than MRFP_H248_MAX_DEPTH: embedded events in events */
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, H "T=9{C=-{MF=a{");
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "E=%d{al/of{EM{", i + 1);
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "}}}");
	snprintf(deep + n, sizeof(deep) - n, "}}}");
	assert_int_equal(box_decode(&box, deep), -E2BIG);
	assert_int_equal(box.err.code, 510);
	assert_int_equal(box.err.trans_id, 9);
	/* arguments */
	assert_int_equal(h248_decode(NULL, 0, &box.t, &box.msg, &box.err), -EINVAL);
}

/* Every prefix of every vector: a clean error or (for prefixes that end a message) success;
 * errors after the transaction id are transaction-level. */
static void
test_truncation(void **state)
{
	static char buf[8192];

	(void)state;
	for (size_t v = 0; v < H248_NVECTORS; v++) {
		const char *text = h248_vectors[v].text;
		size_t len = strlen(text);

		assert_true(len < sizeof(buf));
		for (size_t cut = 0; cut < len; cut++) {
			int rc;

			memcpy(buf, text, cut); /* a copy, so ASan sees reads past the cut */
			box_init(&box);
			rc = h248_decode(buf, cut, &box.t, &box.msg, &box.err);
			assert_true(rc == 0 || rc == -EBADMSG);
			if (rc == 0)
				continue;
			assert_true(box.err.offset <= cut);
			assert_true(box.err.code >= 400 && box.err.code < 600);
		}
	}
}

/* Random byte changes (a fixed seed: reproducible) never crash or read out of bounds. */
static void
test_mutations(void **state)
{
	static char buf[8192];
	static const char alphabet[] = "{}[]<>=#,:;\"\\ \n\t$*-/!0AzO\0\x80\xff";
	unsigned seed = 12345;

	(void)state;
	for (size_t v = 0; v < H248_NVECTORS; v++) {
		const char *text = h248_vectors[v].text;
		size_t len = strlen(text);

		for (int round = 0; round < 400; round++) {
			int rc;

			memcpy(buf, text, len);
			for (int k = 0; k < 1 + round % 4; k++)
				buf[rand_r(&seed) % len] =
					alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			box_init(&box);
			rc = h248_decode(buf, len, &box.t, &box.msg, &box.err);
			assert_true(rc == 0 || rc == -EBADMSG || rc == -EPROTONOSUPPORT ||
				    rc == -E2BIG);
			if (rc != 0)
				assert_true(box.err.code >= 400 && box.err.code < 600);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests_name("h248_errors", tests, NULL, NULL);
}
