/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248 decoder on known messages: the RFC 3525 / H.248.1 call flow in long form, the same
 * messages as Erlang/OTP's compact encoder writes them, case and spelling variations, and
 * the semantic views mrfpd relies on.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "h248_test.h"

#define T_(x) MRFP_H248_TOK_##x

static struct h248_box box, box2;

/* The path C(0)/cmd(i) of the first transaction. */
static const struct mrfp_h248_node *
command(const struct h248_box *b, unsigned ctx, unsigned i)
{
	const struct mrfp_h248_node *tr = nth(&b->t, h248_root(&b->t), 0);

	return nth(&b->t, nth(&b->t, tr, ctx), i);
}

static void
test_every_vector_decodes(void **state)
{
	(void)state;
	for (size_t i = 0; i < H248_NVECTORS; i++) {
		int rc = box_decode(&box, h248_vectors[i].text);

		if (rc != 0)
			print_error("%s: %d %u %s\n", h248_vectors[i].name, rc, box.err.code,
				    box.err.text);
		assert_int_equal(rc, 0);
		assert_int_equal(box.msg.version, 1);
	}
}

/* OTP's compact encoding of each RFC message decodes to the same tree (names compared
 * without case: OTP lower-cases them). */
static void
test_compact_equals_long(void **state)
{
	(void)state;
	for (size_t i = 0; i < H248_NVECTORS; i++) {
		const struct h248_vector *v = &h248_vectors[i];

		if (v->pair == NULL || strncmp(v->name, "rfc", 3) != 0)
			continue;
		assert_int_equal(box_decode(&box, v->text), 0);
		assert_int_equal(box_decode(&box2, vector_text(v->pair)), 0);
		if (!tree_same(&box.t, h248_root(&box.t), &box2.t, h248_root(&box2.t), true))
			fail_msg("%s and %s differ", v->name, v->pair);
		assert_true(str_same(&box.msg.mid.text, &box2.msg.mid.text, true));
	}
}

static void
test_service_change_restart(void **state)
{
	const struct mrfp_h248_node *tr, *c, *sc;
	struct mrfp_h248_ctxid ctx;
	struct mrfp_h248_termid tid;
	struct mrfp_h248_sc p;
	uint32_t id, seg;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg1), 0);
	assert_int_equal(box.msg.mid.kind, MRFP_H248_MID_IP4);
	assert_true(str_is(&box.msg.mid.addr, "124.124.124.222"));
	assert_int_equal(box.msg.mid.port, 0);
	tr = nth(&box.t, h248_root(&box.t), 0);
	assert_int_equal(tr->tok, T_(TRANSACTION));
	assert_int_equal(h248_trans_id(tr, &id, &seg), 0);
	assert_int_equal(id, 9998);
	c = nth(&box.t, tr, 0);
	assert_int_equal(h248_ctxid_parse(&c->value, &ctx), 0);
	assert_int_equal(ctx.kind, MRFP_H248_CTX_NULL);
	sc = nth(&box.t, c, 0);
	assert_int_equal(sc->tok, T_(SERVICECHANGE));
	assert_int_equal(h248_termid_parse(&sc->value, &tid), 0);
	assert_int_equal(tid.kind, MRFP_H248_TERM_ROOT);
	assert_int_equal(h248_sc_get(&box.t, h248_find(&box.t, sc, T_(SERVICES)), &p), 0);
	assert_int_equal(p.method, T_(RESTART));
	assert_true(str_is(&p.address, "55555"));
	assert_true(str_is(&p.profile, "ResGW/1"));
	assert_int_equal(p.version, 0);
	assert_int_equal(p.delay, -1);
}

static void
test_add_with_local_sdp(void **state)
{
	struct mrfp_h248_stream st[4];
	enum mrfp_h248_mode mode;
	struct mrfp_h248_ctxid ctx;
	struct mrfp_h248_termid tid;
	const struct mrfp_h248_node *add, *jit;
	char sdp[256];
	size_t len;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg13), 0);
	assert_int_equal(
		h248_ctxid_parse(&nth(&box.t, nth(&box.t, h248_root(&box.t), 0), 0)->value, &ctx),
		0);
	assert_int_equal(ctx.kind, MRFP_H248_CTX_CHOOSE);
	assert_int_equal(command(&box, 0, 0)->tok, T_(ADD));
	assert_int_equal(command(&box, 0, 0)->first, 0);
	add = command(&box, 0, 1);
	assert_int_equal(h248_termid_parse(&add->value, &tid), 0);
	assert_int_equal(tid.kind, MRFP_H248_TERM_CHOOSE);
	assert_int_equal(h248_streams(&box.t, h248_find(&box.t, add, T_(MEDIA)), st, 4), 1);
	assert_int_equal(st[0].id, 1);
	assert_non_null(st[0].lc);
	assert_null(st[0].remote);
	assert_int_equal(h248_mode_get(&box.t, st[0].lc, &mode), 0);
	assert_int_equal(mode, MRFP_H248_MODE_RECVONLY);
	jit = nth(&box.t, st[0].lc, 1);
	assert_int_equal(jit->tok, T_(NONE));
	assert_true(str_is(&jit->name, "nt/jit"));
	assert_true(str_is(&jit->value, "40"));
	assert_int_equal(h248_octets(&st[0].local->raw, sdp, sizeof(sdp), &len), 0);
	assert_non_null(strstr(sdp, "\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 4\na=ptime:30\nv=0\n"));
}

static void
test_add_with_remote_and_signals(void **state)
{
	struct mrfp_h248_stream st[2];
	enum mrfp_h248_mode mode;
	const struct mrfp_h248_node *a0;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg15), 0);
	a0 = command(&box, 0, 0);
	assert_true(str_is(&a0->value, "A5555"));
	assert_true(str_is(&nth(&box.t, h248_find(&box.t, a0, T_(SIGNALS)), 0)->name, "al/ri"));
	assert_int_equal(
		h248_streams(&box.t, h248_find(&box.t, command(&box, 0, 1), T_(MEDIA)), st, 2), 1);
	assert_non_null(st[0].local);
	assert_non_null(st[0].remote);
	assert_non_null(strstr(st[0].remote->raw.p, "c=IN IP4 124.124.124.222\n"));
	assert_int_equal(h248_mode_get(&box.t, st[0].lc, &mode), 0);
	assert_int_equal(mode, MRFP_H248_MODE_SENDRECV);
}

/* The SDP of step 3 holds ";" comments: an octet string is taken verbatim to the brace. */
static void
test_octet_string_verbatim(void **state)
{
	struct mrfp_h248_stream st[1];
	const struct mrfp_h248_node *lc;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg3), 0);
	assert_int_equal(
		h248_streams(&box.t, h248_find(&box.t, command(&box, 0, 0), T_(MEDIA)), st, 1), 1);
	assert_non_null(memmem(st[0].local->raw.p, st[0].local->raw.len,
			       "VAD=X-NNVAD ; special voice activity\n", 37));
	lc = st[0].lc;
	assert_int_equal(nkids(&box.t, lc), 3);
	assert_true(str_is(&nth(&box.t, lc, 2)->value, "G165"));
	assert_true(str_is(&h248_find(&box.t, command(&box, 0, 0), T_(EVENTS))->value, "2222"));
}

static void
test_notify_observed_events(void **state)
{
	const struct mrfp_h248_node *oe, *ev, *ds;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg11), 0);
	oe = h248_find(&box.t, command(&box, 0, 0), T_(OBSERVEDEVENTS));
	assert_non_null(oe);
	assert_true(str_is(&oe->value, "2223"));
	ev = nth(&box.t, oe, 0);
	assert_true(str_is(&ev->stamp, "19990729T22010001"));
	assert_true(str_is(&ev->name, "dd/ce"));
	ds = nth(&box.t, ev, 0);
	assert_int_equal(ds->vkind, MRFP_H248_VAL_QUOTED);
	assert_true(str_is(&ds->value, "916135551212"));
}

static void
test_digit_map_and_empty_signals(void **state)
{
	const struct mrfp_h248_node *mf, *dm, *sg;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg9), 0);
	mf = command(&box, 0, 0);
	dm = h248_find(&box.t, mf, T_(DIGITMAP));
	assert_true(str_is(&dm->value, "Dialplan0"));
	assert_true(dm->flags & MRFP_H248_F_RAW);
	assert_true(str_is(&dm->raw, "\n(0S| 00S|[1-7]xLxx|8Lxxxxxxx|#xxxxxxx|*xx|9L1xxxxxxxxxx|"
				     "9L011x.S)"));
	assert_int_equal(box_decode(&box, rfc3525_msg18c), 0);
	sg = h248_find(&box.t, command(&box, 0, 0), T_(SIGNALS));
	assert_non_null(sg);
	assert_true(sg->flags & MRFP_H248_F_BODY);
	assert_int_equal(sg->first, 0);
}

static void
test_audit_and_statistics(void **state)
{
	const struct mrfp_h248_node *at, *sa, *pg;

	(void)state;
	assert_int_equal(box_decode(&box, rfc3525_msg20), 0);
	at = h248_find(&box.t, command(&box, 0, 0), T_(AUDIT));
	assert_int_equal(nkids(&box.t, at), 6);
	assert_int_equal(nth(&box.t, at, 5)->tok, T_(STATISTICS));
	assert_int_equal(box_decode(&box, rfc3525_msg21), 0);
	pg = h248_find(&box.t, command(&box, 0, 0), T_(PACKAGES));
	assert_true(str_is(&nth(&box.t, pg, 1)->name, "rtp-1"));
	sa = h248_find(&box.t, command(&box, 0, 0), T_(STATISTICS));
	assert_int_equal(nkids(&box.t, sa), 7);
	assert_true(str_is(&nth(&box.t, sa, 4)->name, "rtp/pl"));
	assert_true(str_is(&nth(&box.t, sa, 4)->value, "0.2"));
	assert_int_equal(box_decode(&box, rfc3525_msg23b), 0);
	sa = h248_find(&box.t, command(&box, 0, 1), T_(STATISTICS));
	assert_true(str_is(&nth(&box.t, sa, 6)->value, "48"));
}

static void
test_ack_and_pending(void **state)
{
	static const char text[] = "MEGACO/1 [123.123.123.4]:55555\n"
				   "TransactionResponseAck { 9998, 10000-10003 }\n"
				   "Pending = 10004 { }\n";
	const struct mrfp_h248_node *k, *pn;
	uint32_t a, b, id, seg;

	(void)state;
	assert_int_equal(box_decode(&box, text), 0);
	k = nth(&box.t, h248_root(&box.t), 0);
	assert_int_equal(k->tok, T_(RESPONSEACK));
	assert_int_equal(h248_ack_range(&nth(&box.t, k, 0)->name, &a, &b), 0);
	assert_int_equal(a, 9998);
	assert_int_equal(b, 9998);
	assert_int_equal(h248_ack_range(&nth(&box.t, k, 1)->name, &a, &b), 0);
	assert_int_equal(a, 10000);
	assert_int_equal(b, 10003);
	pn = nth(&box.t, h248_root(&box.t), 1);
	assert_int_equal(pn->tok, T_(PENDING));
	assert_int_equal(h248_trans_id(pn, &id, &seg), 0);
	assert_int_equal(id, 10004);
	/* compact */
	assert_int_equal(box_decode(&box, "!/2 [::1]:2944 K{1-3,9}PN=4{}"), 0);
	assert_int_equal(nkids(&box.t, h248_root(&box.t)), 2);
}

/* As Erlang/OTP's MGC writes it: lower-case root, compact tokens. */
static void
test_audit_value_root(void **state)
{
	struct mrfp_h248_termid tid;

	(void)state;
	assert_int_equal(box_decode(&box, "!/3 [127.0.0.1]:2944\nT=7{C=-{AV=root{AT{M,PG}}}}"), 0);
	assert_int_equal(box.msg.version, 3);
	assert_int_equal(h248_termid_parse(&command(&box, 0, 0)->value, &tid), 0);
	assert_int_equal(tid.kind, MRFP_H248_TERM_ROOT);
	assert_int_equal(box_decode(&box, "MEGACO/1 mg1 T=8{C=*{AV=Root}}"), 0);
	assert_int_equal(h248_termid_parse(&command(&box, 0, 0)->value, &tid), 0);
	assert_int_equal(tid.kind, MRFP_H248_TERM_ROOT);
	assert_int_equal(box.msg.mid.kind, MRFP_H248_MID_DEVICE);
}

/* Keywords in any case, long or compact, mixed: one tree. */
static void
test_case_and_spelling(void **state)
{
	static const char *const forms[] = {
		"MEGACO/1 [192.0.2.1]:2944 Transaction = 1 { Context = - { Add = $ { Media { "
		"Stream = 1 { LocalControl { Mode = SendReceive } } } } } }",
		"megaco/1 [192.0.2.1]:2944 transaction=1{context=-{add=${media{stream=1{"
		"localcontrol{mode=sendreceive}}}}}}",
		"!/1 [192.0.2.1]:2944\nT=1{C=-{A=${M{ST=1{O{MO=SR}}}}}}",
		"!/1 [192.0.2.1]:2944\nt=1{c=-{a=${m{st=1{o{mo=sr}}}}}}",
		"MeGaCo/1\t[192.0.2.1]:2944\r\nTRANSACTION = 1 {C = - {ADD = $ {M {"
		"STREAM=1 {O{Mode=sR}}}}}}",
		"; a comment before the header\n!/1 [192.0.2.1]:2944 ; and after it\nT ; here\n= 1 "
		"; there\n{ C=- {\nA=$ { M { ST = 1 ; stream\n { O { MO = SR ; mode\n} } } } } } ; "
		"end",
	};
	enum mrfp_h248_mode mode;
	struct mrfp_h248_stream st[1];

	(void)state;
	assert_int_equal(box_decode(&box, forms[0]), 0);
	for (size_t i = 1; i < sizeof(forms) / sizeof(forms[0]); i++) {
		int rc = box_decode(&box2, forms[i]);

		if (rc != 0)
			fail_msg("form %zu: %s", i, box2.err.text);
		assert_true(
			tree_same(&box.t, h248_root(&box.t), &box2.t, h248_root(&box2.t), false));
		assert_int_equal(h248_streams(&box2.t,
					      h248_find(&box2.t, command(&box2, 0, 0), T_(MEDIA)),
					      st, 1),
				 1);
		assert_int_equal(h248_mode_get(&box2.t, st[0].lc, &mode), 0);
		assert_int_equal(mode, MRFP_H248_MODE_SENDRECV);
	}
}

static void
test_mid_forms(void **state)
{
	static const struct {
		const char *text;
		uint8_t kind;
		const char *addr;
		uint16_t port;
	} mids[] = {
		{"MEGACO/1 [192.0.2.1]:2944 PN=1{}", MRFP_H248_MID_IP4, "192.0.2.1", 2944},
		{"MEGACO/2 [2001:db8::1]:2944 PN=1{}", MRFP_H248_MID_IP6, "2001:db8::1", 2944},
		{"MEGACO/3 [::ffff:192.0.2.1] PN=1{}", MRFP_H248_MID_IP6, "::ffff:192.0.2.1", 0},
		{"!/1 <mg1.example.net>:2945 PN=1{}", MRFP_H248_MID_DOMAIN, "mg1.example.net",
		 2945},
		{"!/1 <mrfp> PN=1{}", MRFP_H248_MID_DOMAIN, "mrfp", 0},
		{"!/1 mrfp1/rack2 PN=1{}", MRFP_H248_MID_DEVICE, "mrfp1/rack2", 0},
		{"!/1 MTP{0A1B2C} PN=1{}", MRFP_H248_MID_MTP, "0A1B2C", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(mids) / sizeof(mids[0]); i++) {
		assert_int_equal(box_decode(&box, mids[i].text), 0);
		assert_int_equal(box.msg.mid.kind, mids[i].kind);
		assert_true(str_is(&box.msg.mid.addr, mids[i].addr));
		assert_int_equal(box.msg.mid.port, mids[i].port);
	}
}

static void
test_prefixes_lists_segments(void **state)
{
	static const char text[] =
		"!/3 [192.0.2.1]:2944\n"
		"T=3{C=12{O-A=rtp/1,W-MF=rtp/*{M{O{MO=IN}}},O-W-S=[rtp/2, rtp/3],"
		"TP{rtp/1,rtp/2,isolate},MV=rtp/4}}\n"
		"P=5/2/END{C=-{AV=root}}\n";
	const struct mrfp_h248_node *c, *reply;
	struct mrfp_h248_termid tid;
	struct mrfp_h248_str item;
	struct mrfp_h248_ctxid ctx;
	uint32_t pos = 0, id, seg;

	(void)state;
	assert_int_equal(box_decode(&box, text), 0);
	c = nth(&box.t, nth(&box.t, h248_root(&box.t), 0), 0);
	assert_int_equal(h248_ctxid_parse(&c->value, &ctx), 0);
	assert_int_equal(ctx.kind, MRFP_H248_CTX_ID);
	assert_int_equal(ctx.id, 12);
	assert_int_equal(nth(&box.t, c, 0)->flags & 3, MRFP_H248_F_OPTIONAL);
	assert_int_equal(nth(&box.t, c, 1)->flags & 3, MRFP_H248_F_WILDCARD);
	assert_int_equal(h248_termid_parse(&nth(&box.t, c, 1)->value, &tid), 0);
	assert_int_equal(tid.kind, MRFP_H248_TERM_WILDCARD);
	assert_int_equal(nth(&box.t, c, 2)->flags & 3, MRFP_H248_F_OPTIONAL | MRFP_H248_F_WILDCARD);
	assert_int_equal(nth(&box.t, c, 2)->tok, T_(SUBTRACT));
	assert_int_equal(h248_list_next(&nth(&box.t, c, 2)->value, &pos, &item), 0);
	assert_true(str_is(&item, "rtp/2"));
	assert_int_equal(h248_list_next(&nth(&box.t, c, 2)->value, &pos, &item), 0);
	assert_true(str_is(&item, "rtp/3"));
	assert_int_equal(h248_list_next(&nth(&box.t, c, 2)->value, &pos, &item), -ENOENT);
	/* in a Topology the termination ids stay names, only the direction is a keyword */
	assert_int_equal(nth(&box.t, nth(&box.t, c, 3), 0)->tok, T_(NONE));
	assert_int_equal(nth(&box.t, nth(&box.t, c, 3), 2)->tok, T_(ISOLATE));
	reply = nth(&box.t, h248_root(&box.t), 1);
	assert_int_equal(h248_trans_id(reply, &id, &seg), 0);
	assert_int_equal(id, 5);
	assert_int_equal(seg, 2);
}

static void
test_escaped_brace_in_sdp(void **state)
{
	static const char text[] = "!/1 [192.0.2.1]:2944\nT=1{C=-{MF=rtp/1{M{L{\nv=0\n"
				   "a=x-odd:{a\\}b\\}\n}}}}}";
	struct mrfp_h248_stream st[1];
	char sdp[64];
	size_t len;

	(void)state;
	assert_int_equal(box_decode(&box, text), 0);
	assert_int_equal(
		h248_streams(&box.t, h248_find(&box.t, command(&box, 0, 0), T_(MEDIA)), st, 1), 1);
	assert_int_equal(h248_octets(&st[0].local->raw, sdp, sizeof(sdp), &len), 0);
	assert_string_equal(sdp, "\nv=0\na=x-odd:{a}b}\n");
	assert_int_equal(h248_octets(&st[0].local->raw, sdp, 5, &len), -ENOSPC);
}

/* Messages with one bad transaction keep the ones before it. */
static void
test_partial_tree_on_error(void **state)
{
	static const char text[] = "!/1 [192.0.2.1]:2944\nT=1{C=-{AV=root}}T=2{C=-{AV=root{}}";

	(void)state;
	assert_int_equal(box_decode(&box, text), -EBADMSG);
	assert_int_equal(box.err.level, MRFP_H248_ERR_TRANSACTION);
	assert_int_equal(box.err.trans_id, 2);
	assert_int_equal(nkids(&box.t, h248_root(&box.t)), 1);
	assert_true(str_is(&nth(&box.t, h248_root(&box.t), 0)->value, "1"));
}

static void
test_tokens_unique(void **state)
{
	(void)state;
	for (unsigned t = T_(QUOTED) + 1; t < MRFP_H248_TOK_COUNT_; t++) {
		const char *l = h248_tok_name(t, 0), *s = h248_tok_name(t, 1);
		char up[32];
		size_t i;

		assert_int_equal(h248_tok_lookup(l, strlen(l)), t);
		assert_int_equal(h248_tok_lookup(s, strlen(s)), t);
		for (i = 0; l[i] != '\0' && i < sizeof(up) - 1; i++)
			up[i] = (char)toupper((unsigned char)l[i]);
		assert_int_equal(h248_tok_lookup(up, i), t);
	}
	assert_int_equal(h248_tok_lookup("rtp/1", 5), T_(NONE));
	assert_int_equal(h248_tok_lookup("Ad", 1), T_(ADD));
	assert_int_equal(h248_tok_lookup("", 0), T_(NONE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_vector_decodes),
		cmocka_unit_test(test_compact_equals_long),
		cmocka_unit_test(test_service_change_restart),
		cmocka_unit_test(test_add_with_local_sdp),
		cmocka_unit_test(test_add_with_remote_and_signals),
		cmocka_unit_test(test_octet_string_verbatim),
		cmocka_unit_test(test_notify_observed_events),
		cmocka_unit_test(test_digit_map_and_empty_signals),
		cmocka_unit_test(test_audit_and_statistics),
		cmocka_unit_test(test_ack_and_pending),
		cmocka_unit_test(test_audit_value_root),
		cmocka_unit_test(test_case_and_spelling),
		cmocka_unit_test(test_mid_forms),
		cmocka_unit_test(test_prefixes_lists_segments),
		cmocka_unit_test(test_escaped_brace_in_sdp),
		cmocka_unit_test(test_partial_tree_on_error),
		cmocka_unit_test(test_tokens_unique),
	};

	return cmocka_run_group_tests_name("h248_decode", tests, NULL, NULL);
}
