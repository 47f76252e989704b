/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hand-written mrfpd replies -> struct mrfpctl_result -> text and JSON. The key policy of
 * mrfpctl_out.c is checked on the output itself: which keys appear, which only as
 * fingerprints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "mrfpctl_test.h"

#define T_(x) MRFP_H248_TOK_##x

#define HDR "MEGACO/1 [127.0.0.1]:2944\n"
#define LOCAL_SDP(key)                                                                             \
	"v=0\r\no=- 1 0 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"              \
	"m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"                                     \
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" key "\r\n"

static const char add_reply[] = HDR "Reply = 5 {\n"
				    "\tContext = 7 {\n"
				    "\t\tAdd = rtp/1 {\n"
				    "\t\t\tMedia {\n"
				    "\t\t\t\tStream = 1 {\n"
				    "\t\t\t\t\tLocal {\n" LOCAL_SDP(KEY_A) "}\n"
									   "\t\t\t\t}\n"
									   "\t\t\t}\n"
									   "\t\t}\n"
									   "\t}\n"
									   "}\n";

static const char add_reply_compact[] =
	"!/1 [127.0.0.1]:2944 P=5{C=7{A=rtp/1{M{ST=1{L{\n" LOCAL_SDP(KEY_A) "}}}}}}";

static struct tbox box;
static struct mrfpctl_result res;
static char errbuf[MRFPCTL_ERR_MAX];

/* Decode text and read its first element (a Reply or a message-level Error). */
static void
read_reply(const char *text)
{
	assert_int_equal(tbox_decode(&box, text), 0);
	assert_int_equal(mrfpctl_reply_parse(&box.t, h248_first(&box.t, h248_root(&box.t)), &res),
			 0);
}

static void
opts(struct mrfpctl_opts *o, ...)
{
	char *argv[ARGS_MAX];
	va_list ap;
	int argc;

	va_start(ap, o);
	argc = make_argv(argv, ap);
	va_end(ap);
	assert_int_equal(mrfpctl_parse_args(argc, argv, o, errbuf, sizeof(errbuf)), 0);
}

/* The output of print_result as a string (free it). */
static char *
output(const struct mrfpctl_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	mrfpctl_print_result(f, o, &res);
	fclose(f);
	return buf;
}

static void
fp_of(const char *b64, char fp[9])
{
	struct mrfp_srtp_key k;

	assert_int_equal(keys_from_base64(b64, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &k), 0);
	keys_fingerprint(&k, fp);
	mrfp_srtp_key_wipe(&k);
}

#define ADD_ARGS "leg", "add", "--conf", "new", "--remote", "198.51.100.2:4000", "--remote-key"

static void
check_add(void)
{
	const struct mrfpctl_term *tm = &res.terms[0];
	struct mrfp_srtp_key k;

	assert_int_equal(res.trans_id, 5);
	assert_true(res.has_ctx);
	assert_int_equal(res.ctx.kind, MRFP_H248_CTX_ID);
	assert_int_equal(res.ctx.id, 7);
	assert_false(res.has_error);
	assert_int_equal(res.n_terms, 1);
	assert_int_equal(tm->cmd, T_(ADD));
	assert_string_equal(tm->id, "rtp/1");
	assert_true(tm->has_local);
	assert_int_equal(tm->local.v4, inet_addr("192.0.2.10"));
	assert_int_equal(ntohs(tm->local.port), 40000);
	assert_int_equal(tm->n_keys, 1);
	assert_int_equal(tm->keys[0].tag, 1);
	assert_int_equal(keys_from_base64(KEY_A, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &k), 0);
	assert_memory_equal(tm->keys[0].key.material, k.material, k.len);
	mrfp_srtp_key_wipe(&k);
}

static void
test_add_reply(void **state)
{
	(void)state;
	read_reply(add_reply);
	check_add();
	read_reply(add_reply_compact);
	check_add();
}

/* mrfpd generated the Local key ($): the operator needs it, so it is printed. */
static void
test_add_output(void **state)
{
	struct mrfpctl_opts o;
	char fp[9], want[512], *out;

	(void)state;
	opts(&o, ADD_ARGS, KEY_B, NULL);
	read_reply(add_reply);
	out = output(&o);
	assert_string_equal(out, "ctx 7\nterm rtp/1\nlocal 192.0.2.10 40000\n"
				 "local-key 1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\n");
	free(out);
	o.json = true;
	out = output(&o);
	fp_of(KEY_A, fp);
	snprintf(want, sizeof(want),
		 "{\"ctx\":7,\"term\":\"rtp/1\",\"local\":{\"addr\":\"192.0.2.10\",\"port\":40000,"
		 "\"tag\":1,\"suite\":\"AES_CM_128_HMAC_SHA1_80\",\"key\":\"" KEY_A "\","
		 "\"key_fp\":\"%s\"}}\n",
		 fp);
	assert_string_equal(out, want);
	assert_null(strstr(out, KEY_B)); /* the participant's key, given by the operator */
	free(out);
	mrfpctl_result_wipe(&res);
}

static void
test_fingerprints_only(void **state)
{
	struct mrfpctl_opts o;
	char fp[9], want[128], *out;

	(void)state;
	opts(&o, "--key-fingerprints", ADD_ARGS, KEY_B, NULL);
	read_reply(add_reply);
	out = output(&o);
	fp_of(KEY_A, fp);
	snprintf(want, sizeof(want), "local-key 1 AES_CM_128_HMAC_SHA1_80 fp:%s\n", fp);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, KEY_A));
	free(out);
	o.json = true;
	out = output(&o);
	assert_null(strstr(out, KEY_A));
	assert_null(strstr(out, "\"key\":"));
	assert_non_null(strstr(out, fp));
	free(out);
}

/* A group key set with lifetime and MKI (mrfpd chose the first, the second is the operator's):
 * every line read, parameters shown, only the chosen key printed. */
static void
test_key_set_reply(void **state)
{
	static const char reply[] =
		HDR "Reply = 6 { Context = 7 { Add = rtp/2 { Media { Stream = 1 { Local {\n"
		    "v=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 40002 RTP/SAVP 0\r\n"
		    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|2:1\r\n"
		    "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "|2^20|1:1\r\n} } } } } }";
	struct mrfpctl_opts o;
	char *out;

	(void)state;
	stdin_text(KEY_B "|2^20|1:1\n");
	opts(&o, ADD_ARGS, KEY_A, "--local-keys", "1", NULL);
	read_reply(reply);
	assert_int_equal(res.terms[0].n_keys, 2);
	assert_int_equal(res.terms[0].keys[0].mki, 2);
	assert_int_equal(res.terms[0].keys[1].lifetime, 1u << 20);
	out = output(&o);
	assert_non_null(strstr(out, "local 192.0.2.10 40002\n"));
	assert_non_null(
		strstr(out, "local-key 1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|2:1\n"));
	assert_non_null(strstr(out, "local-key 2 AES_CM_128_HMAC_SHA1_80 fp:"));
	assert_non_null(strstr(out, "|2^20|1:1\n"));
	assert_null(strstr(out, KEY_B));
	free(out);
	o.json = true;
	out = output(&o);
	assert_non_null(strstr(out,
			       "\"keys\":[{\"tag\":1,\"suite\":\"AES_CM_128_HMAC_SHA1_80\","
			       "\"lifetime\":\"2^20\",\"mki\":2,\"mki_len\":1,\"key\":\"" KEY_A));
	assert_null(strstr(out, KEY_B));
	free(out);
	mrfpctl_result_wipe(&res);
	mrfpctl_opts_wipe(&o);
}

/* The operator's own Local key comes back: fingerprint only. A different one (the group key
 * that mrfpd already holds for the conference) is news: printed. */
static void
test_given_local_key(void **state)
{
	struct mrfpctl_opts o;
	char *out;

	(void)state;
	opts(&o, ADD_ARGS, KEY_B, "--local-key", KEY_A, NULL);
	read_reply(add_reply);
	out = output(&o);
	assert_null(strstr(out, KEY_A));
	assert_non_null(strstr(out, "fp:"));
	free(out);
	opts(&o, ADD_ARGS, KEY_A, "--local-key", KEY_B, NULL);
	out = output(&o);
	assert_non_null(strstr(out, "inline:" KEY_A));
	free(out);
}

/* A key generated for the participant is printed once, with the result. */
static void
test_generated_remote_key(void **state)
{
	struct mrfpctl_opts o;
	char *out, line[160];

	(void)state;
	opts(&o, ADD_ARGS, "generate", NULL);
	assert_int_equal(mrfpctl_generate_keys(&o), 0);
	read_reply(add_reply);
	out = output(&o);
	snprintf(line, sizeof(line), "remote-key AES_CM_128_HMAC_SHA1_80 inline:%s\n",
		 o.rkeys.k[0].b64);
	assert_non_null(strstr(out, line));
	free(out);
	o.json = true;
	out = output(&o);
	snprintf(line, sizeof(line),
		 "\"remote\":{\"suite\":\"AES_CM_128_HMAC_SHA1_80\",\"key\":\"%s\"",
		 o.rkeys.k[0].b64);
	assert_non_null(strstr(out, line));
	free(out);
	mrfpctl_opts_wipe(&o);
}

static void
check_error(const char *text, uint16_t code, const char *msg)
{
	read_reply(text);
	assert_true(res.has_error);
	assert_int_equal(res.err_code, code);
	assert_string_equal(res.err_text, msg);
}

/* Errors where H.248 puts them: transaction, action (mrfpd's rollback), command, message. */
static void
test_errors(void **state)
{
	(void)state;
	check_error(HDR "Reply = 5 { Error = 422 { \"Syntax error in action\" } }", 422,
		    "Syntax error in action");
	check_error(HDR
		    "Reply = 6 { Context = 7 { Error = 449 { \"secure conference: stream has no "
		    "a=crypto line\" } } }",
		    449, "secure conference: stream has no a=crypto line");
	assert_int_equal(res.n_terms, 0);
	check_error("!/2 [127.0.0.1]:2944 P=7{C=7{A=rtp/1{ER=430{\"unknown termination id\"}}}}",
		    430, "unknown termination id");
	assert_int_equal(res.n_terms, 1);
	check_error(HDR "Error = 400 { \"Syntax error in message\" }", 400,
		    "Syntax error in message");
	check_error(HDR "Reply = 8 { Error = 406 }", 406, "");
	/* a Pending is not a reply */
	assert_int_equal(tbox_decode(&box, HDR "Pending = 5 { }"), 0);
	assert_int_equal(mrfpctl_reply_parse(&box.t, h248_first(&box.t, h248_root(&box.t)), &res),
			 -EINVAL);
}

static void
test_error_output(void **state)
{
	struct mrfpctl_opts o;
	char *out = NULL, *err = NULL;
	size_t ol = 0, el = 0;
	FILE *fo = open_memstream(&out, &ol), *fe = open_memstream(&err, &el);

	(void)state;
	opts(&o, "--json", "leg", "remove", "--conf", "7", "--term", "rtp/1", NULL);
	mrfpctl_print_error(fo, fe, &o, 430, "unknown \"termination\" id");
	fclose(fo);
	fclose(fe);
	assert_string_equal(out, "{\"ctx\":7,\"term\":\"rtp/1\",\"error\":{\"code\":430,"
				 "\"text\":\"unknown \\\"termination\\\" id\"}}\n");
	assert_string_equal(err, "mrfpctl: error 430: unknown \"termination\" id\n");
	free(out);
	free(err);
}

static const char subtract_reply[] =
	HDR "Reply = 8 { Context = 7 { Subtract = rtp/1 { Statistics { nt/os=172000, "
	    "nt/or=170280, nt/dur=20000, rtp/ps=1000, rtp/pr=990, rtp/pl=10, rtp/jit=3 } } } }";

static void
test_subtract_stats(void **state)
{
	struct mrfpctl_opts o;
	const struct mrfpctl_term *tm = &res.terms[0];
	char *out;

	(void)state;
	read_reply(subtract_reply);
	assert_int_equal(res.n_terms, 1);
	assert_int_equal(tm->cmd, T_(SUBTRACT));
	assert_int_equal(tm->n_stats, 7);
	assert_string_equal(tm->stats[0].name, "nt/os");
	assert_string_equal(tm->stats[0].value, "172000");
	assert_string_equal(tm->stats[6].name, "rtp/jit");
	opts(&o, "leg", "remove", "--conf", "7", "--term", "rtp/1", NULL);
	out = output(&o);
	assert_string_equal(out, "ctx 7\nterm rtp/1\nstat nt/os 172000\nstat nt/or 170280\n"
				 "stat nt/dur 20000\nstat rtp/ps 1000\nstat rtp/pr 990\n"
				 "stat rtp/pl 10\nstat rtp/jit 3\n");
	free(out);
	o.json = true;
	out = output(&o);
	assert_string_equal(out, "{\"ctx\":7,\"term\":\"rtp/1\",\"stats\":{\"nt/os\":172000,"
				 "\"nt/or\":170280,\"nt/dur\":20000,\"rtp/ps\":1000,\"rtp/pr\":990,"
				 "\"rtp/pl\":10,\"rtp/jit\":3}}\n");
	free(out);
}

/* conf delete: one Subtract per leg. */
static void
test_several_terms(void **state)
{
	struct mrfpctl_opts o;
	char *out;

	(void)state;
	read_reply(HDR "Reply = 9 { Context = 7 { Subtract = rtp/1 { Statistics { rtp/ps=1 } }, "
		       "Subtract = rtp/2 { Statistics { rtp/ps=2 } } } }");
	assert_int_equal(res.n_terms, 2);
	opts(&o, "--json", "conf", "delete", "--conf", "7", NULL);
	out = output(&o);
	assert_string_equal(out,
			    "{\"ctx\":7,\"terms\":[{\"term\":\"rtp/1\",\"stats\":{\"rtp/ps\":1}},"
			    "{\"term\":\"rtp/2\",\"stats\":{\"rtp/ps\":2}}]}\n");
	free(out);
}

static void
test_audit_replies(void **state)
{
	struct mrfpctl_opts o;
	char *out;

	(void)state;
	/* what mrfpd answers on ROOT (mp_exec.c) */
	read_reply(HDR
		   "Reply = 10 { Context = - { AuditValue = ROOT { Packages { nt-1, rtp-1 } } } }");
	assert_int_equal(res.ctx.kind, MRFP_H248_CTX_NULL);
	assert_int_equal(res.terms[0].n_pkgs, 2);
	opts(&o, "--json", "audit", NULL);
	out = output(&o);
	assert_string_equal(out, "{\"ctx\":\"-\",\"term\":\"ROOT\",\"packages\":[\"nt-1\","
				 "\"rtp-1\"]}\n");
	free(out);
	/* a leg: mode, properties, statistics; keys in an audit only as fingerprints */
	read_reply("!/1 [127.0.0.1]:2944 "
		   "P=11{C=7{AV=rtp/2{M{ST=1{O{MO=SO,mrfp/latch=on},L{\n" LOCAL_SDP(
			   KEY_A) "}}},SA{rtp/ps=5}}}}");
	assert_string_equal(res.terms[0].mode, "sendonly");
	assert_int_equal(res.terms[0].n_props, 1);
	assert_string_equal(res.terms[0].props[0].name, "mrfp/latch");
	opts(&o, "audit", "--conf", "7", "--term", "rtp/2", NULL);
	out = output(&o);
	assert_non_null(strstr(out, "mode sendonly\nprop mrfp/latch on\nstat rtp/ps 5\n"));
	assert_null(strstr(out, KEY_A));
	free(out);
	mrfpctl_result_wipe(&res);
}

/* Hybrid keys: mrfpd's personal key, then the common stream's group key. */
static void
test_hybrid_keys(void **state)
{
	struct mrfpctl_opts o;
	char *out;

	(void)state;
	read_reply(HDR "Reply = 12 { Context = 7 { Add = rtp/4 { Media { Stream = 1 { Local {\n"
		       "v=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 40002 RTP/SAVP 0\r\n"
		       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		       "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n} } } } } }");
	assert_int_equal(res.terms[0].n_keys, 2);
	opts(&o, "--json", ADD_ARGS, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk", NULL);
	out = output(&o);
	assert_non_null(strstr(out, "\"keys\":[{\"tag\":1,"));
	assert_non_null(
		strstr(out, "{\"tag\":2,\"suite\":\"AES_CM_128_HMAC_SHA1_80\",\"key\":\"" KEY_B));
	free(out);
	mrfpctl_result_wipe(&res);
}

static void
test_redaction(void **state)
{
	char *out = NULL, fp[9], want[64];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char text[] = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20\r\n"
			    "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:$\r\n";

	(void)state;
	mrfpctl_print_redacted(f, text, strlen(text));
	fclose(f);
	fp_of(KEY_A, fp);
	snprintf(want, sizeof(want), "inline:[key fp %s]|2^20\r\n", fp);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "inline:$\r\n"));
	assert_null(strstr(out, KEY_A));
	free(out);
}

static void
test_print_request(void **state)
{
	struct mrfpctl_opts o;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const struct mrfp_h248_node *tr;

	(void)state;
	assert_int_equal(tbox_decode(&box,
				     HDR "Transaction = 3 { Context = 7 { Notify = rtp/1 { "
					 "ObservedEvents = 1 { mrfp/ssrc { ssrc=1234 } } } } }"),
			 0);
	tr = h248_first(&box.t, h248_root(&box.t));
	opts(&o, "listen", NULL);
	mrfpctl_print_request(f, &o, &box.t, tr);
	o.json = true;
	mrfpctl_print_request(f, &o, &box.t, tr);
	fclose(f);
	assert_string_equal(
		out, "Notify trans 3 ctx 7 term rtp/1 event mrfp/ssrc ssrc=1234\n"
		     "{\"request\":\"Notify\",\"trans\":3,\"ctx\":\"7\",\"term\":\"rtp/1\","
		     "\"events\":[{\"name\":\"mrfp/ssrc\",\"params\":{\"ssrc\":\"1234\"}}]}\n");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_reply),
		cmocka_unit_test(test_add_output),
		cmocka_unit_test(test_fingerprints_only),
		cmocka_unit_test(test_given_local_key),
		cmocka_unit_test(test_key_set_reply),
		cmocka_unit_test(test_generated_remote_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_output),
		cmocka_unit_test(test_subtract_stats),
		cmocka_unit_test(test_several_terms),
		cmocka_unit_test(test_audit_replies),
		cmocka_unit_test(test_hybrid_keys),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_print_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
