/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248 encoder: decode -> encode -> decode gives the same tree in both styles and the
 * encoding is a fixed point; the builder writes the replies and requests mrfpd sends
 * (exact compact and pretty text checked); limits give -ENOSPC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "h248_test.h"

#define T_(x) MRFP_H248_TOK_##x

static struct h248_box box, box2, box3;
static char out[16384], out2[16384];

static size_t
encode(const struct h248_box *b, enum mrfp_h248_style style, char *buf)
{
	size_t len = 0;

	assert_int_equal(h248_encode(&b->t, &b->msg, style, buf, sizeof(out), &len), 0);
	assert_int_equal(strlen(buf), len);
	return len;
}

static void
round_trip(const char *name, const char *text, enum mrfp_h248_style style)
{
	assert_int_equal(box_decode(&box, text), 0);
	encode(&box, style, out);
	if (box_decode(&box2, out) != 0)
		fail_msg("%s: re-decode: %s\n%s", name, box2.err.text, out);
	if (!tree_same(&box.t, h248_root(&box.t), &box2.t, h248_root(&box2.t), false))
		fail_msg("%s: trees differ\n%s", name, out);
	assert_true(str_same(&box.msg.mid.text, &box2.msg.mid.text, false));
	assert_int_equal(box.msg.version, box2.msg.version);
	/* a fixed point: encoding the re-decoded tree gives the same text */
	encode(&box2, style, out2);
	assert_string_equal(out, out2);
}

static void
test_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; i < H248_NVECTORS; i++) {
		round_trip(h248_vectors[i].name, h248_vectors[i].text, MRFP_H248_PRETTY);
		round_trip(h248_vectors[i].name, h248_vectors[i].text, MRFP_H248_COMPACT);
	}
}

/* Long to compact and back: the same tree. */
static void
test_style_conversion(void **state)
{
	(void)state;
	for (size_t i = 0; i < H248_NVECTORS; i++) {
		assert_int_equal(box_decode(&box, h248_vectors[i].text), 0);
		encode(&box, MRFP_H248_COMPACT, out);
		assert_int_equal(box_decode(&box2, out), 0);
		encode(&box2, MRFP_H248_PRETTY, out2);
		assert_int_equal(box_decode(&box3, out2), 0);
		assert_true(
			tree_same(&box.t, h248_root(&box.t), &box3.t, h248_root(&box3.t), false));
	}
}

static const char sdp[] = "v=0\r\n"
			  "o=- 1 1 IN IP4 192.0.2.10\r\n"
			  "s=-\r\n"
			  "c=IN IP4 192.0.2.10\r\n"
			  "m=audio 40000 RTP/SAVP 0\r\n"
			  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
			  "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:4\r\n";

/* Reply to an Add ($ chosen: rtp/1 with mrfpd's Local SDP) and a Subtract with statistics. */
static void
build_add_reply(struct h248_box *b)
{
	struct mrfp_h248_node *p, *c, *a, *s, *m, *st, *sa;

	box_init(b);
	assert_int_equal(h248_msg_init(&b->msg, 3, "[192.0.2.10]:2944"), 0);
	p = h248_add_trans(&b->t, T_(REPLY), 10003);
	c = h248_add_context(&b->t, p, &(struct mrfp_h248_ctxid){MRFP_H248_CTX_ID, 2000});
	a = h248_add(&b->t, c, T_(ADD), "rtp/1");
	m = h248_add(&b->t, a, T_(MEDIA), NULL);
	st = h248_add(&b->t, m, T_(STREAM), "1");
	assert_non_null(h248_add_raw(&b->t, st, T_(LOCAL), sdp, strlen(sdp)));
	s = h248_add(&b->t, c, T_(SUBTRACT), "rtp/2");
	sa = h248_add(&b->t, s, T_(STATISTICS), NULL);
	assert_non_null(h248_add_name(&b->t, sa, "nt/os", "%u", 45123u));
	assert_non_null(h248_add_name(&b->t, sa, "rtp/pl", "%.1f", 0.2));
	assert_non_null(h248_add_name(&b->t, sa, "nt/dur", "%u", 40u));
}

static void
test_build_add_reply(void **state)
{
	static const char want[] =
		"!/3 [192.0.2.10]:2944\n"
		"P=10003{C=2000{A=rtp/1{M{ST=1{L{\n"
		"v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\n"
		"m=audio 40000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:4\r\n"
		"}}}},S=rtp/2{SA{nt/os=45123,rtp/pl=0.2,nt/dur=40}}}}\n";
	struct mrfp_h248_stream streams[1];
	char got[512], expect[512];
	size_t len;

	(void)state;
	build_add_reply(&box);
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out, want);
	assert_int_equal(box_decode(&box2, out), 0);
	assert_int_equal(
		h248_streams(&box2.t,
			     h248_find(&box2.t,
				       nth(&box2.t,
					   nth(&box2.t, nth(&box2.t, h248_root(&box2.t), 0), 0), 0),
				       T_(MEDIA)),
			     streams, 1),
		1);
	assert_int_equal(h248_octets(&streams[0].local->raw, got, sizeof(got), &len), 0);
	/* the encoder put the SDP on a line of its own */
	snprintf(expect, sizeof(expect), "\n%s", sdp);
	assert_string_equal(got, expect);
	assert_int_equal(len, strlen(expect));
}

static void
test_build_sdp_with_brace(void **state)
{
	static const char odd[] = "v=0\na=x:{}\n";
	struct mrfp_h248_node *m, *l;
	char got[64];

	(void)state;
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 1, "mg1"), 0);
	m = h248_add(&box.t,
		     h248_add(&box.t,
			      h248_add_context(&box.t, h248_add_trans(&box.t, T_(REPLY), 1),
					       &(struct mrfp_h248_ctxid){MRFP_H248_CTX_NULL, 0}),
			      T_(MODIFY), "rtp/1"),
		     T_(MEDIA), NULL);
	l = h248_add_raw(&box.t, m, T_(REMOTE), odd, strlen(odd));
	assert_non_null(l);
	assert_true(str_is(&l->raw, "v=0\na=x:{\\}\n"));
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out, "!/1 mg1\nP=1{C=-{MF=rtp/1{M{R{\nv=0\na=x:{\\}\n}}}}}\n");
	assert_int_equal(box_decode(&box2, out), 0);
	l = (struct mrfp_h248_node *)nth(
		&box2.t,
		nth(&box2.t, nth(&box2.t, nth(&box2.t, nth(&box2.t, h248_root(&box2.t), 0), 0), 0),
		    0),
		0);
	assert_int_equal(h248_octets(&l->raw, got, sizeof(got), NULL), 0);
	assert_string_equal(got, "\nv=0\na=x:{}\n");
	assert_null(h248_add_raw(&box.t, l, T_(LOCAL), "a\0b", 3));
}

static void
test_build_errors(void **state)
{
	struct mrfp_h248_node *c;
	uint16_t code;
	struct mrfp_h248_str text;

	(void)state;
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 1, "[192.0.2.10]:2944"), 0);
	assert_non_null(h248_add_error(&box.t, h248_add_trans(&box.t, T_(REPLY), 5), 403,
				       "Syntax error at byte 12"));
	c = h248_add_context(&box.t, h248_add_trans(&box.t, T_(REPLY), 6),
			     &(struct mrfp_h248_ctxid){MRFP_H248_CTX_ID, 7});
	assert_non_null(h248_add_error(&box.t, h248_add(&box.t, c, T_(ADD), "rtp/3"), 510,
				       "no \"room\" left\n"));
	c = h248_add_context(&box.t, h248_add_trans(&box.t, T_(REPLY), 8),
			     &(struct mrfp_h248_ctxid){MRFP_H248_CTX_NULL, 0});
	assert_non_null(h248_add_error(&box.t, c, 411, NULL));
	encode(&box, MRFP_H248_COMPACT, out);
	/* the newline in the text became a space, the double quotes single ones */
	assert_string_equal(out, "!/1 [192.0.2.10]:2944\n"
				 "P=5{ER=403{\"Syntax error at byte 12\"}}\n"
				 "P=6{C=7{A=rtp/3{ER=510{\"no 'room' left \"}}}}\n"
				 "P=8{C=-{ER=411{}}}\n");
	assert_int_equal(box_decode(&box2, out), 0);
	assert_int_equal(h248_error_get(&box2.t,
					nth(&box2.t, nth(&box2.t, h248_root(&box2.t), 0), 0), &code,
					&text),
			 0);
	assert_int_equal(code, 403);
	assert_true(str_is(&text, "Syntax error at byte 12"));
}

/* What mrfpd sends back for a message it cannot decode. */
static void
test_build_decode_error(void **state)
{
	(void)state;
	assert_int_equal(box_decode(&box2, "!/1 [192.0.2.1]:2944\nT=77{C=-{A=rtp/1{M{O{MO=Up}}}}}"),
			 -EBADMSG);
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 1, "[192.0.2.10]:2944"), 0);
	assert_non_null(h248_add_decode_error(&box.t, &box2.err));
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out, "!/1 [192.0.2.10]:2944\nP=77{ER=517{\"bad value at byte 42\"}}\n");
	assert_int_equal(box_decode(&box2, "MEGACO/9 [192.0.2.1]:2944 T=1{C=-{AV=root}}"),
			 -EPROTONOSUPPORT);
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 1, "[192.0.2.10]:2944"), 0);
	assert_non_null(h248_add_decode_error(&box.t, &box2.err));
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out,
			    "!/1 [192.0.2.10]:2944\nER=406{\"version not supported at byte 0\"}\n");
}

static void
test_build_service_change(void **state)
{
	static const char want[] = "MEGACO/3 [192.0.2.10]:2944\n"
				   "Transaction = 1 {\n"
				   "\tContext = - {\n"
				   "\t\tServiceChange = ROOT {\n"
				   "\t\t\tServices {\n"
				   "\t\t\t\tMethod = Restart,\n"
				   "\t\t\t\tReason = \"901 Cold Boot\",\n"
				   "\t\t\t\tServiceChangeAddress = 2944,\n"
				   "\t\t\t\tProfile = ResGW/1,\n"
				   "\t\t\t\tVersion = 3\n"
				   "\t\t\t}\n"
				   "\t\t}\n"
				   "\t}\n"
				   "}\n";
	const struct mrfp_h248_sc sc = {
		.method = T_(RESTART),
		.reason_text = MRFP_H248_STR("901 Cold Boot"),
		.address = MRFP_H248_STR("2944"),
		.profile = MRFP_H248_STR("ResGW/1"),
		.version = 3,
		.delay = -1,
	};
	struct mrfp_h248_sc got;
	const struct mrfp_h248_node *n;

	(void)state;
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944"), 0);
	assert_non_null(
		h248_add_sc(&box.t,
			    h248_add_context(&box.t, h248_add_trans(&box.t, T_(TRANSACTION), 1),
					     &(struct mrfp_h248_ctxid){MRFP_H248_CTX_NULL, 0}),
			    "ROOT", &sc));
	encode(&box, MRFP_H248_PRETTY, out);
	assert_string_equal(out, want);
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out, "!/3 [192.0.2.10]:2944\nT=1{C=-{SC=ROOT{SV{MT=RS,RE=\"901 Cold "
				 "Boot\",AD=2944,PF=ResGW/1,V=3}}}}\n");
	assert_int_equal(box_decode(&box2, out), 0);
	n = nth(&box2.t, nth(&box2.t, nth(&box2.t, h248_root(&box2.t), 0), 0), 0);
	assert_int_equal(h248_sc_get(&box2.t, h248_find(&box2.t, n, T_(SERVICES)), &got), 0);
	assert_int_equal(got.method, T_(RESTART));
	assert_int_equal(got.reason, 901);
	assert_true(str_is(&got.reason_text, "901 Cold Boot"));
	assert_int_equal(got.version, 3);
}

static void
test_build_notify_pending_ack(void **state)
{
	struct mrfp_h248_node *n, *oe, *ev;

	(void)state;
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 2, "<mrfp.example.net>:2944"), 0);
	n = h248_add(&box.t,
		     h248_add_context(&box.t, h248_add_trans(&box.t, T_(TRANSACTION), 2),
				      &(struct mrfp_h248_ctxid){MRFP_H248_CTX_ID, 12}),
		     T_(NOTIFY), "rtp/1");
	oe = h248_add(&box.t, n, T_(OBSERVEDEVENTS), "7");
	ev = h248_add_name(&box.t, oe, "mrfp/ssrc", NULL);
	assert_int_equal(h248_set_stamp(&box.t, ev, "20240101T12000000"), 0);
	assert_non_null(h248_add_name(&box.t, ev, "ssrc", "%u", 1234u));
	assert_non_null(h248_add_trans(&box.t, T_(PENDING), 10003));
	assert_non_null(h248_add_ack(&box.t, 9998, 9998));
	assert_non_null(h248_add_ack(&box.t, 10000, 10003));
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out,
			    "!/2 <mrfp.example.net>:2944\n"
			    "T=2{C=12{N=rtp/1{OE=7{20240101T12000000:mrfp/ssrc{ssrc=1234}}}}}\n"
			    "PN=10003{}\n"
			    "K{9998,10000-10003}\n");
	encode(&box, MRFP_H248_PRETTY, out);
	assert_non_null(strstr(out, "Pending = 10003 {}\nTransactionResponseAck {\n\t9998,\n"
				    "\t10000-10003\n}\n"));
	assert_int_equal(box_decode(&box2, out), 0);
	assert_true(tree_same(&box.t, h248_root(&box.t), &box2.t, h248_root(&box2.t), false));
}

/* A plain value that is not all SafeChars goes out quoted; a mode keyword in the style. */
static void
test_build_values(void **state)
{
	struct mrfp_h248_node *lc;

	(void)state;
	box_init(&box);
	assert_int_equal(h248_msg_init(&box.msg, 1, "mg1"), 0);
	lc = h248_add(&box.t,
		      h248_add(&box.t,
			       h248_add(&box.t,
					h248_add_context(
						&box.t, h248_add_trans(&box.t, T_(TRANSACTION), 3),
						&(struct mrfp_h248_ctxid){MRFP_H248_CTX_CHOOSE, 0}),
					T_(ADD), "$"),
			       T_(MEDIA), NULL),
		      T_(LOCALCONTROL), NULL);
	assert_non_null(h248_add(&box.t, lc, T_(MODE), "sendreceive"));
	assert_non_null(h248_add_name(&box.t, lc, "mrfp/keymode", "group key"));
	assert_non_null(h248_add_name(&box.t, lc, "mrfp/x", "%s", "a\"b"));
	encode(&box, MRFP_H248_COMPACT, out);
	assert_string_equal(out, "!/1 mg1\nT=3{C=${A=${M{O{MO=SR,mrfp/keymode=\"group key\","
				 "mrfp/x=\"a'b\"}}}}}\n");
	encode(&box, MRFP_H248_PRETTY, out);
	assert_non_null(strstr(out, "Mode = SendReceive,\n"));
}

static void
test_limits(void **state)
{
	static struct mrfp_h248_node few[3];
	char pool[8];
	size_t len;

	(void)state;
	build_add_reply(&box);
	assert_int_equal(h248_encode(&box.t, &box.msg, MRFP_H248_COMPACT, out, 40, &len), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(h248_encode(&box.t, &box.msg, MRFP_H248_COMPACT, out, 0, &len), -EINVAL);
	/* node array and pool full: NULL, nothing half-written into the pool */
	h248_tree_init(&box.t, few, 3, pool, sizeof(pool));
	assert_non_null(h248_add_trans(&box.t, T_(REPLY), 1));
	assert_null(h248_add(&box.t, NULL, T_(REPLY), "123456789"));
	assert_non_null(h248_add(&box.t, NULL, T_(REPLY), "2"));
	assert_null(h248_add(&box.t, NULL, T_(REPLY), "3"));
	assert_int_equal(h248_msg_init(&box.msg, 4, "mg1"), -EINVAL);
	assert_int_equal(h248_msg_init(&box.msg, 1, "[300.1.1.1]"), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_style_conversion),
		cmocka_unit_test(test_build_add_reply),
		cmocka_unit_test(test_build_sdp_with_brace),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_decode_error),
		cmocka_unit_test(test_build_service_change),
		cmocka_unit_test(test_build_notify_pending_ack),
		cmocka_unit_test(test_build_values),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests_name("h248_encode", tests, NULL, NULL);
}
