/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpctl arguments -> H.248 request: every request built here is encoded, decoded again
 * with the codec and checked element by element; its SDP is read back with the SDP parser
 * mrfpd uses. Then the usage errors, each with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "mrfpctl_test.h"
#include "sdp.h"

#define T_(x) MRFP_H248_TOK_##x

static char errbuf[MRFPCTL_ERR_MAX];

static int
parse(struct mrfpctl_opts *o, ...)
{
	char *argv[ARGS_MAX];
	va_list ap;
	int argc;

	va_start(ap, o);
	argc = make_argv(argv, ap);
	va_end(ap);
	return mrfpctl_parse_args(argc, argv, o, errbuf, sizeof(errbuf));
}

/* Build o's request, encode it in style, decode it into d: the Transaction node. */
static struct tbox built, decoded;
static char text[MRFP_H248_MAX_MSG + 1];

static const struct mrfp_h248_node *
build(const struct mrfpctl_opts *o, uint32_t tid, enum mrfp_h248_style style)
{
	struct mrfp_h248_msg msg;
	const struct mrfp_h248_node *tr;
	size_t len;
	uint32_t id, seg;

	tbox_init(&built);
	assert_int_equal(h248_msg_init(&msg, o->version, "[127.0.0.1]:40000"), 0);
	assert_int_equal(mrfpctl_build_request(o, tid, &built.t), 0);
	assert_int_equal(h248_encode(&built.t, &msg, style, text, sizeof(text), &len), 0);
	assert_int_equal(tbox_decode(&decoded, text), 0);
	assert_int_equal(decoded.msg.version, o->version);
	tr = h248_first(&decoded.t, h248_root(&decoded.t));
	assert_non_null(tr);
	assert_int_equal(tr->tok, T_(TRANSACTION));
	assert_int_equal(h248_trans_id(tr, &id, &seg), 0);
	assert_int_equal(id, tid);
	assert_null(h248_next(&decoded.t, tr));
	return tr;
}

/* The one command of the one action, with the context id checked. */
static const struct mrfp_h248_node *
command(const struct mrfp_h248_node *tr, const char *ctx, enum mrfp_h248_tok tok, const char *term)
{
	const struct mrfp_h248_node *c = h248_first(&decoded.t, tr), *cmd;

	assert_non_null(c);
	assert_int_equal(c->tok, T_(CONTEXT));
	assert_true(str_eq(&c->value, ctx));
	cmd = h248_first(&decoded.t, c);
	assert_non_null(cmd);
	assert_int_equal(cmd->tok, tok);
	assert_true(str_eq(&cmd->value, term));
	assert_null(h248_next(&decoded.t, cmd));
	return cmd;
}

static int
stream_of(const struct mrfp_h248_node *cmd, struct mrfp_h248_stream *s)
{
	const struct mrfp_h248_node *m = h248_find(&decoded.t, cmd, T_(MEDIA));

	assert_non_null(m);
	assert_int_equal(h248_streams(&decoded.t, m, s, 1), 1);
	return s->id;
}

static void
sdp_of(const struct mrfp_h248_node *d, struct mrfp_sdp *sdp)
{
	char buf[2048];
	size_t len;

	assert_non_null(d);
	assert_int_equal(h248_octets(&d->raw, buf, sizeof(buf), &len), 0);
	assert_int_equal(sdp_parse(buf, len, sdp, NULL), 0);
}

/* Value of the NAME property pname in LocalControl lc, or NULL. */
static const struct mrfp_h248_node *
prop(const struct mrfp_h248_node *lc, const char *pname)
{
	const struct mrfp_h248_node *k;

	MRFP_H248_FOREACH(&decoded.t, lc, k)
	{
		if (k->tok == T_(NONE) && str_eq(&k->name, pname))
			return k;
	}
	return NULL;
}

/* ---- requests ---- */

static void
check_add_new(enum mrfp_h248_style style)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;
	struct mrfp_srtp_key k;
	enum mrfp_h248_mode mode;

	assert_int_equal(parse(&o, "leg", "add", "--conf", "new", "--remote", "192.0.2.7:4000",
			       "--remote-key", KEY_A, "--codec", "PCMA", "--media", "switch",
			       "--keys", "group", "--select", "speaker", "--roles", "dynamic",
			       "--ptime", "20", "--speakers", "3", NULL),
			 0);
	const struct mrfp_h248_node *cmd = command(build(&o, 17, style), "$", T_(ADD), "$");

	assert_int_equal(stream_of(cmd, &s), 1);
	assert_non_null(s.lc);
	assert_int_equal(h248_mode_get(&decoded.t, s.lc, &mode), 0);
	assert_int_equal(mode, MRFP_H248_MODE_SENDRECV); /* not the H.248 default Inactive */
	assert_true(str_eq(&prop(s.lc, "mrfp/media")->value, "switch"));
	assert_true(str_eq(&prop(s.lc, "mrfp/keys")->value, "group"));
	assert_true(str_eq(&prop(s.lc, "mrfp/select")->value, "speaker"));
	assert_true(str_eq(&prop(s.lc, "mrfp/roles")->value, "dynamic"));
	assert_true(str_eq(&prop(s.lc, "mrfp/ptime")->value, "20"));
	assert_true(str_eq(&prop(s.lc, "mrfp/speakers")->value, "3"));

	/* Local: mrfpd's side, everything CHOOSE (H.248.77) */
	sdp_of(s.local, &sdp);
	assert_true(sdp.addr_choose);
	assert_true(sdp.port_choose);
	assert_int_equal(sdp.proto, MRFP_SDP_PROTO_RTP_SAVP);
	assert_int_equal(sdp.fmt[0].pt, 8);
	assert_int_equal(sdp.n_crypto, 1);
	assert_true(sdp.crypto[0].key_choose);
	sdp_wipe(&sdp);

	/* Remote: the participant, with its send key; mrfpd's secure policy accepts it */
	sdp_of(s.remote, &sdp);
	assert_false(sdp.addr_choose);
	assert_int_equal(sdp.addr.family, AF_INET);
	assert_int_equal(sdp.addr.v4, inet_addr("192.0.2.7"));
	assert_int_equal(ntohs(sdp.addr.port), 4000);
	assert_string_equal(sdp.fmt[0].name, "PCMA");
	assert_int_equal(sdp.ptime, 20);
	assert_int_equal(sdp_secure_select(&sdp, NULL), 0);
	assert_int_equal(sdp.crypto[0].suite, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(keys_from_base64(KEY_A, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &k), 0);
	assert_memory_equal(sdp.crypto[0].key.material, k.material, k.len);
	mrfp_srtp_key_wipe(&k);
	sdp_wipe(&sdp);
	mrfpctl_opts_wipe(&o);
}

static void
test_add_new_pretty(void **state)
{
	(void)state;
	check_add_new(MRFP_H248_PRETTY);
	assert_non_null(strstr(text, "MEGACO/1 [127.0.0.1]:40000"));
	assert_non_null(strstr(text, "Transaction = 17"));
}

static void
test_add_new_compact(void **state)
{
	(void)state;
	check_add_new(MRFP_H248_COMPACT);
	assert_non_null(strstr(text, "!/1 [127.0.0.1]:40000"));
	assert_non_null(strstr(text, "T=17{C=${A=${M{ST=1{O{MO=SR"));
}

/* Into an existing context, IPv6 participant, operator's Local key, GCM, v3. */
static void
test_add_existing(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;
	char b64[MRFP_KEY_B64_MAX];
	struct mrfp_srtp_key k;

	(void)state;
	assert_int_equal(keys_generate(MRFP_SUITE_AEAD_AES_128_GCM, &k), 0);
	assert_int_equal(keys_to_base64(&k, b64, sizeof(b64)), 0);
	assert_int_equal(parse(&o, "--version", "3", "l", "a", "--conf", "42", "--remote",
			       "[2001:db8::5]:5004", "--remote-key", "generate", "--suite",
			       "AEAD_AES_128_GCM", "--local-key", b64, "--mode", "recvonly", NULL),
			 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_LEG_ADD);
	assert_int_equal(mrfpctl_generate_keys(&o), 0);
	assert_int_equal(strlen(o.rkeys.k[0].b64), 40); /* 28 bytes of GCM key||salt */
	const struct mrfp_h248_node *cmd =
		command(build(&o, 1, MRFP_H248_PRETTY), "42", T_(ADD), "$");

	stream_of(cmd, &s);
	assert_null(prop(s.lc, "mrfp/media")); /* properties only create contexts */
	sdp_of(s.local, &sdp);
	assert_int_equal(sdp.addr.family, AF_INET6); /* mrfpd's side in the participant's family */
	assert_false(sdp.crypto[0].key_choose);
	assert_memory_equal(sdp.crypto[0].key.material, k.material, k.len);
	sdp_wipe(&sdp);
	sdp_of(s.remote, &sdp);
	assert_int_equal(sdp.addr.family, AF_INET6);
	assert_int_equal(sdp.crypto[0].suite, MRFP_SUITE_AEAD_AES_128_GCM);
	sdp_wipe(&sdp);
	mrfp_srtp_key_wipe(&k);
	mrfpctl_opts_wipe(&o);
}

static void
test_conf_create_alias(void **state)
{
	struct mrfpctl_opts o;

	(void)state;
	assert_int_equal(parse(&o, "conf", "create", "--remote", "10.0.0.1:4000", "--remote-key",
			       KEY_A, "--media", "mix", NULL),
			 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_LEG_ADD);
	assert_true(o.conf_new);
	command(build(&o, 2, MRFP_H248_COMPACT), "$", T_(ADD), "$");
}

static void
test_modify_mode_only(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	enum mrfp_h248_mode mode;

	(void)state;
	assert_int_equal(parse(&o, "leg", "modify", "--conf", "7", "--term", "rtp/3", "--mode",
			       "inactive", NULL),
			 0);
	const struct mrfp_h248_node *cmd =
		command(build(&o, 9, MRFP_H248_PRETTY), "7", T_(MODIFY), "rtp/3");

	stream_of(cmd, &s);
	assert_int_equal(h248_mode_get(&decoded.t, s.lc, &mode), 0);
	assert_int_equal(mode, MRFP_H248_MODE_INACTIVE);
	assert_null(s.local);
	assert_null(s.remote);
}

/* Rekey: a new Local key chosen by mrfpd, and a new participant key. */
static void
test_modify_rekey(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;

	(void)state;
	assert_int_equal(parse(&o, "leg", "mod", "--conf", "7", "--term", "rtp/3", "--local-key",
			       "$", "--remote", "192.0.2.9:4002", "--remote-key", KEY_B, NULL),
			 0);
	const struct mrfp_h248_node *cmd =
		command(build(&o, 10, MRFP_H248_COMPACT), "7", T_(MODIFY), "rtp/3");

	stream_of(cmd, &s);
	assert_null(s.lc); /* mode unchanged: no LocalControl */
	sdp_of(s.local, &sdp);
	assert_true(sdp.crypto[0].key_choose);
	sdp_wipe(&sdp);
	sdp_of(s.remote, &sdp);
	assert_int_equal(ntohs(sdp.addr.port), 4002);
	sdp_wipe(&sdp);
	mrfpctl_opts_wipe(&o);
}

static void
test_remove_move_delete(void **state)
{
	struct mrfpctl_opts o;
	const struct mrfp_h248_node *cmd;

	(void)state;
	assert_int_equal(parse(&o, "leg", "remove", "--conf", "7", "--term", "rtp/3", NULL), 0);
	cmd = command(build(&o, 11, MRFP_H248_PRETTY), "7", T_(SUBTRACT), "rtp/3");
	assert_null(h248_first(&decoded.t, cmd)); /* Statistics come by default */
	assert_int_equal(parse(&o, "leg", "delete", "--conf", "7", "--term", "rtp/3", NULL), 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_LEG_REMOVE);
	assert_int_equal(parse(&o, "leg", "move", "--conf", "8", "--term", "rtp/3", NULL), 0);
	command(build(&o, 12, MRFP_H248_COMPACT), "8", T_(MOVE), "rtp/3");
	assert_int_equal(parse(&o, "conf", "delete", "--conf", "8", NULL), 0);
	command(build(&o, 13, MRFP_H248_PRETTY), "8", T_(SUBTRACT), "*");
}

static void
test_audit(void **state)
{
	struct mrfpctl_opts o;
	const struct mrfp_h248_node *cmd, *au;

	(void)state;
	assert_int_equal(parse(&o, "audit", NULL), 0);
	assert_true(o.root);
	cmd = command(build(&o, 14, MRFP_H248_PRETTY), "-", T_(AUDITVALUE), "ROOT");
	au = h248_find(&decoded.t, cmd, T_(AUDIT));
	assert_non_null(au);
	assert_non_null(h248_find(&decoded.t, au, T_(PACKAGES)));
	assert_int_equal(parse(&o, "audit", "root", NULL), 0);
	assert_true(o.root);
	assert_int_equal(parse(&o, "audit", "--conf", "5", "--term", "rtp/2", NULL), 0);
	cmd = command(build(&o, 15, MRFP_H248_COMPACT), "5", T_(AUDITVALUE), "rtp/2");
	au = h248_find(&decoded.t, cmd, T_(AUDIT));
	assert_non_null(h248_find(&decoded.t, au, T_(MEDIA)));
	assert_non_null(h248_find(&decoded.t, au, T_(STATISTICS)));
}

/* drain and handoff: ServiceChange = ROOT in Context = -, with the Services read back by the
 * codec's own reader (what mrfpd's mp_service.c sees). */
static void
test_drain_handoff(void **state)
{
	struct mrfpctl_opts o;
	const struct mrfp_h248_node *cmd, *sv;
	struct mrfp_h248_sc sc;

	(void)state;
	assert_int_equal(parse(&o, "drain", "--delay", "30", NULL), 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_DRAIN);
	cmd = command(build(&o, 40, MRFP_H248_PRETTY), "-", T_(SERVICECHANGE), "ROOT");
	sv = h248_find(&decoded.t, cmd, T_(SERVICES));
	assert_non_null(sv);
	assert_int_equal(h248_sc_get(&decoded.t, sv, &sc), 0);
	assert_int_equal(sc.method, T_(GRACEFUL));
	assert_int_equal(sc.delay, 30);
	assert_int_equal(sc.reason, 905);
	assert_int_equal(sc.mgcid.len, 0);
	/* no --delay: no Delay (until the calls end); compact tokens */
	assert_int_equal(parse(&o, "--compact", "dr", NULL), 0);
	cmd = command(build(&o, 41, MRFP_H248_COMPACT), "-", T_(SERVICECHANGE), "ROOT");
	assert_int_equal(h248_sc_get(&decoded.t, h248_find(&decoded.t, cmd, T_(SERVICES)), &sc), 0);
	assert_int_equal(sc.method, T_(GRACEFUL));
	assert_int_equal(sc.delay, -1);
	assert_non_null(strstr(text, "MT=GR"));
	assert_int_equal(parse(&o, "drain", "--delay=0", NULL), 0);
	assert_int_equal(o.delay, 0);

	assert_int_equal(parse(&o, "handoff", "--to", "192.0.2.9:2945", NULL), 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_HANDOFF);
	cmd = command(build(&o, 42, MRFP_H248_PRETTY), "-", T_(SERVICECHANGE), "ROOT");
	assert_int_equal(h248_sc_get(&decoded.t, h248_find(&decoded.t, cmd, T_(SERVICES)), &sc), 0);
	assert_int_equal(sc.method, T_(HANDOFF));
	assert_true(str_eq(&sc.mgcid, "[192.0.2.9]:2945"));
	assert_int_equal(sc.reason, 903);
	assert_int_equal(sc.delay, -1);
	assert_int_equal(parse(&o, "handoff", "--to", "[192.0.2.9]:2945", NULL), 0);
	assert_string_equal(o.mgc_id, "[192.0.2.9]:2945");
	assert_int_equal(parse(&o, "handoff", "--to", "[2001:db8::9]:2945", NULL), 0);
	cmd = command(build(&o, 43, MRFP_H248_COMPACT), "-", T_(SERVICECHANGE), "ROOT");
	assert_int_equal(h248_sc_get(&decoded.t, h248_find(&decoded.t, cmd, T_(SERVICES)), &sc), 0);
	assert_true(str_eq(&sc.mgcid, "[2001:db8::9]:2945"));
}

/* Global options anywhere, --opt=value, defaults. */
static void
test_globals(void **state)
{
	struct mrfpctl_opts o;

	(void)state;
	assert_int_equal(parse(&o, "raw", "msg.txt", NULL), 0);
	assert_int_equal(o.mp.v4, inet_addr("127.0.0.1"));
	assert_int_equal(ntohs(o.mp.port), 2944);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.timing.first_ms, 100);
	assert_int_equal(o.timing.total_ms, 3000);
	assert_string_equal(o.file, "msg.txt");
	assert_int_equal(parse(&o, "audit", "--json", "--mp=10.1.1.1", "--compact", "--timeout",
			       "500", "--retx=20", "--mid", "<mrfc.example.net>:2944", NULL),
			 0);
	assert_true(o.json && o.compact);
	assert_int_equal(ntohs(o.mp.port), 2944);
	assert_int_equal(o.timing.total_ms, 500);
	assert_int_equal(o.timing.first_ms, 20);
	assert_string_equal(o.mid, "<mrfc.example.net>:2944");
	assert_int_equal(parse(&o, "listen", "--local", "127.0.0.1:2945", "--count", "3", "--for",
			       "2", NULL),
			 0);
	assert_int_equal(ntohs(o.local.port), 2945);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.for_ms, 2000);
}

/* A key from a file keeps it off the command line. */
static void
test_key_file(void **state)
{
	struct mrfpctl_opts o;
	char path[] = "/tmp/mrfpctl-key-XXXXXX";
	int fd = mkstemp(path);
	char arg[64];
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "inline:%s\n", KEY_B);
	fclose(f);
	snprintf(arg, sizeof(arg), "@%s", path);
	assert_int_equal(parse(&o, "leg", "add", "--conf", "new", "--remote", "10.0.0.1:4000",
			       "--remote-key", arg, NULL),
			 0);
	assert_string_equal(o.rkeys.k[0].b64, KEY_B);
	assert_int_equal(o.local_key, MRFPCTL_KEY_CHOOSE); /* the default for a new leg */
	unlink(path);
	snprintf(arg, sizeof(arg), "@%s.none", path);
	assert_int_equal(parse(&o, "leg", "add", "--conf", "new", "--remote", "10.0.0.1:4000",
			       "--remote-key", arg, NULL),
			 -EINVAL);
	assert_non_null(strstr(errbuf, "cannot read a key"));
}

/* ---- key sets, parameters, port ---- */

/* Local: a key set from stdin (the first in use), lifetime and MKI; mrfpd's chosen port. */
static void
test_local_key_set(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;
	struct mrfp_srtp_key k;

	(void)state;
	stdin_text(KEY_B "|2^20|2:1\n"
			 "inline:" KEY_A "|2^20|1:1\n");
	assert_int_equal(parse(&o, "leg", "add", "--conf", "3", "--remote", "192.0.2.7:4000",
			       "--remote-key", KEY_A, "--local-keys", "2", "--port", "40002", NULL),
			 0);
	stream_of(command(build(&o, 20, MRFP_H248_PRETTY), "3", T_(ADD), "$"), &s);
	sdp_of(s.local, &sdp);
	assert_false(sdp.port_choose);
	assert_int_equal(ntohs(sdp.addr.port), 40002);
	assert_int_equal(sdp.n_crypto, 2);
	assert_int_equal(sdp.crypto[0].tag, 1);
	assert_int_equal(sdp.crypto[1].tag, 2);
	assert_int_equal(sdp.crypto[0].lifetime, 1u << 20);
	assert_int_equal(sdp.crypto[0].mki, 2);
	assert_int_equal(sdp.crypto[0].mki_len, 1);
	assert_int_equal(sdp.crypto[1].mki, 1);
	assert_int_equal(keys_from_base64(KEY_B, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &k), 0);
	assert_memory_equal(sdp.crypto[0].key.material, k.material, k.len);
	mrfp_srtp_key_wipe(&k);
	sdp_wipe(&sdp);
	assert_non_null(strstr(text, "inline:" KEY_B "|2^20|2:1\r\n"));
	mrfpctl_opts_wipe(&o);
}

/* Remote: the participant's next key beside the current one (make). */
static void
test_remote_key_set(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;

	(void)state;
	stdin_text(KEY_A "|1:1\n" KEY_B "|2:1\n");
	assert_int_equal(parse(&o, "leg", "modify", "--conf", "7", "--term", "rtp/3", "--remote",
			       "192.0.2.9:4002", "--remote-keys", "2", NULL),
			 0);
	stream_of(command(build(&o, 21, MRFP_H248_COMPACT), "7", T_(MODIFY), "rtp/3"), &s);
	assert_null(s.local);
	sdp_of(s.remote, &sdp);
	assert_int_equal(sdp.n_crypto, 2);
	assert_int_equal(sdp.crypto[0].mki, 1);
	assert_int_equal(sdp.crypto[1].mki, 2);
	assert_int_equal(sdp.crypto[1].lifetime, 0);
	sdp_wipe(&sdp);
	mrfpctl_opts_wipe(&o);
}

/* A key left to mrfpd keeps the lifetime and MKI asked for (inline:$|2^20|1:1). */
static void
test_chosen_with_params(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;

	(void)state;
	assert_int_equal(parse(&o, "leg", "add", "--conf", "new", "--keys", "group", "--remote",
			       "192.0.2.7:4000", "--remote-key", KEY_A, "--local-key", "$|2^20|1:1",
			       NULL),
			 0);
	stream_of(command(build(&o, 22, MRFP_H248_PRETTY), "$", T_(ADD), "$"), &s);
	assert_non_null(strstr(text, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$|2^20|1:1\r\n"));
	assert_non_null(strstr(text, "m=audio $ RTP/SAVP 0"));
	mrfpctl_opts_wipe(&o);
}

/* A hybrid talker's creating Add: its own key, then the group key line (tag 2). */
static void
test_hybrid_group_key(void **state)
{
	struct mrfpctl_opts o;
	struct mrfp_h248_stream s;
	struct mrfp_sdp sdp;

	(void)state;
	assert_int_equal(parse(&o, "leg", "add", "--conf", "new", "--keys", "hybrid", "--remote",
			       "192.0.2.7:4000", "--remote-key", KEY_A, "--group-key", "$|1:1",
			       NULL),
			 0);
	stream_of(command(build(&o, 23, MRFP_H248_PRETTY), "$", T_(ADD), "$"), &s);
	sdp_of(s.local, &sdp);
	assert_int_equal(sdp.n_crypto, 2);
	assert_true(sdp.crypto[0].key_choose);
	assert_int_equal(sdp.crypto[0].mki_len, 0);
	assert_true(sdp.crypto[1].key_choose);
	assert_int_equal(sdp.crypto[1].tag, 2);
	assert_int_equal(sdp.crypto[1].mki_len, 1);
	sdp_wipe(&sdp);
	/* a later talker names the group key in use, from stdin */
	stdin_text(KEY_B "|7:1\n");
	assert_int_equal(parse(&o, "leg", "add", "--conf", "4", "--remote", "192.0.2.8:4000",
			       "--remote-key", KEY_A, "--group-key", "-", NULL),
			 0);
	stream_of(command(build(&o, 24, MRFP_H248_PRETTY), "4", T_(ADD), "$"), &s);
	assert_non_null(
		strstr(text, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "|7:1\r\n"));
	mrfpctl_opts_wipe(&o);
}

/* rekey: the key in use from stdin; the new one generated with its lifetime and the next MKI,
 * or read after it. The three sets: {old, new}, {new, old}, {new}. */
static void
test_rekey_args(void **state)
{
	struct mrfpctl_opts o;
	struct mrfpctl_keyset set;

	(void)state;
	stdin_text(KEY_A "|2^31|255:1\n");
	assert_int_equal(parse(&o, "rekey", "group", "--conf", "7", "--term", "rtp/2", NULL), 0);
	assert_int_equal(o.cmd, MRFPCTL_CMD_REKEY_GROUP);
	assert_int_equal(o.drain_ms, 2000);
	assert_int_equal(o.new_key, MRFPCTL_KEY_GENERATE);
	assert_string_equal(o.old_line.b64, KEY_A);
	assert_int_equal(strlen(o.new_line.b64), 40);
	assert_string_equal(o.new_line.params, "|2^31|0:1"); /* 255 + 1 wraps in one byte */
	mrfpctl_rekey_step_set(&o, 0, &set);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.k[0].b64, KEY_A);
	mrfpctl_rekey_step_set(&o, 1, &set);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.k[1].b64, KEY_A);
	mrfpctl_rekey_step_set(&o, 2, &set);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.k[0].b64, o.new_line.b64);
	mrfpctl_keyset_wipe(&set);
	mrfpctl_opts_wipe(&o);

	stdin_text(KEY_A "\n" KEY_B "\n");
	assert_int_equal(parse(&o, "rekey", "remote", "--conf", "7", "--term", "rtp/2", "--remote",
			       "192.0.2.9:4000", "--new-key", "-", "--drain-ms", "0", NULL),
			 0);
	assert_string_equal(o.new_line.b64, KEY_B);
	assert_int_equal(o.new_line.mki_len, 0);
	assert_int_equal(o.drain_ms, 0);
	mrfpctl_opts_wipe(&o);
	/* a key line's parameters in canonical form: 2147483648 is 2^31 */
	stdin_text(KEY_A "|2147483648|1:2\n");
	assert_int_equal(parse(&o, "rekey", "local", "--conf", "7", "--term", "rtp/2", "--new-key",
			       "generate|5:2", NULL),
			 0);
	assert_string_equal(o.old_line.params, "|2^31|1:2");
	assert_string_equal(o.new_line.params, "|5:2");
	mrfpctl_opts_wipe(&o);
}

/* ---- usage errors ---- */

static void
expect_error(const char *needle, ...)
{
	struct mrfpctl_opts o;
	char *argv[ARGS_MAX];
	va_list ap;
	int argc;

	va_start(ap, needle);
	argc = make_argv(argv, ap);
	va_end(ap);
	assert_int_equal(mrfpctl_parse_args(argc, argv, &o, errbuf, sizeof(errbuf)), -EINVAL);
	if (strstr(errbuf, needle) == NULL)
		fail_msg("expected '%s' in '%s'", needle, errbuf);
	/* a usage message never quotes a key */
	assert_null(strstr(errbuf, KEY_A));
}

static void
test_usage_errors(void **state)
{
	(void)state;
	expect_error("no command", NULL);
	expect_error("unknown object 'frob'", "frob", NULL);
	expect_error("ambiguous command 'leg m'", "leg", "m", NULL);
	expect_error("'leg' needs a command", "leg", NULL);
	expect_error("unknown option '--frob'", "audit", "--frob", NULL);
	expect_error("--conf needs a value", "leg", "remove", "--conf", NULL);
	expect_error("--json takes no value", "audit", "--json=1", NULL);
	expect_error("--remote IP:PORT (the participant) is required", "leg", "add", "--conf",
		     "new", "--remote-key", KEY_A, NULL);
	expect_error("--remote-key is required", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", NULL);
	expect_error("--conf new|CTX is required", "leg", "add", "--remote", "10.0.0.1:4000",
		     "--remote-key", KEY_A, NULL);
	expect_error("only apply with --conf new", "leg", "add", "--conf", "3", "--remote",
		     "10.0.0.1:4000", "--remote-key", KEY_A, "--media", "mix", NULL);
	expect_error("--remote: expected IP:PORT", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1", NULL);
	expect_error("--remote-key: not the canonical base64 of a 30-byte", "leg", "add", "--conf",
		     "new", "--remote", "10.0.0.1:4000", "--remote-key", "QUJD", NULL);
	expect_error("--remote-key: not the canonical base64 of a 46-byte", "leg", "add", "--conf",
		     "new", "--remote", "10.0.0.1:4000", "--remote-key", KEY_A, "--suite",
		     "AES_256_CM_HMAC_SHA1_80", NULL);
	expect_error("cannot be chosen by mrfpd", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", "--remote-key", "$", NULL);
	expect_error("would lose the key", "--key-fingerprints", "leg", "add", "--conf", "new",
		     "--remote", "10.0.0.1:4000", "--remote-key", "generate", NULL);
	expect_error("--suite: unknown SRTP crypto suite", "leg", "add", "--suite", "NULL", NULL);
	expect_error("--codec: PCMU or PCMA", "leg", "add", "--codec", "opus", NULL);
	expect_error("--mode: sendrecv", "leg", "add", "--mode", "loud", NULL);
	expect_error("--conf: 'new' or a context id", "leg", "remove", "--conf", "0", NULL);
	expect_error("--conf: 'new' or a context id", "leg", "remove", "--conf", "4294967295",
		     NULL);
	expect_error("--version: H.248 version 1, 2 or 3", "--version", "4", "audit", NULL);
	expect_error("--term rtp/N is required", "leg", "remove", "--conf", "7", NULL);
	expect_error("an existing context", "leg", "remove", "--conf", "new", "--term", "rtp/1",
		     NULL);
	expect_error("--term names one leg", "leg", "remove", "--conf", "7", "--term", "*", NULL);
	expect_error("--media does not apply to 'leg remove'", "leg", "remove", "--conf", "7",
		     "--term", "rtp/1", "--media", "mix", NULL);
	expect_error("--conf does not apply to 'leg add'", "conf", "create", "--conf", "7",
		     "--remote", "10.0.0.1:4000", "--remote-key", KEY_A, NULL);
	expect_error("--remote and --remote-key go together", "leg", "modify", "--conf", "7",
		     "--term", "rtp/1", "--remote", "10.0.0.1:4000", NULL);
	expect_error("nothing to change", "leg", "modify", "--conf", "7", "--term", "rtp/1", NULL);
	expect_error("either 'root' or --conf", "audit", "root", "--conf", "7", NULL);
	expect_error("unexpected argument 'extra'", "audit", "root", "extra", NULL);
	expect_error("raw: FILE", "raw", NULL);
	expect_error("--ptime: 10, 20 or 30", "leg", "add", "--ptime", "25", NULL);
	expect_error("--delay: seconds (0..86400), got '-1'", "drain", "--delay", "-1", NULL);
	expect_error("--delay: seconds (0..86400), got '86401'", "drain", "--delay", "86401", NULL);
	expect_error("--delay: seconds", "drain", "--delay", "5s", NULL);
	expect_error("--delay needs a value", "drain", "--delay", NULL);
	expect_error("--delay does not apply to 'handoff'", "handoff", "--to", "192.0.2.9:2945",
		     "--delay", "3", NULL);
	expect_error("--to does not apply to 'drain'", "drain", "--to", "192.0.2.9:2945", NULL);
	expect_error("--conf does not apply to 'drain'", "drain", "--conf", "3", NULL);
	expect_error("handoff: --to IP:PORT (the MGC to register with) is required", "handoff",
		     NULL);
	expect_error("--to: expected the new MGC's IP:PORT, got '192.0.2.9'", "handoff", "--to",
		     "192.0.2.9", NULL);
	expect_error("--to: expected the new MGC's IP:PORT, got 'mgc.example:2944'", "handoff",
		     "--to", "mgc.example:2944", NULL);
	expect_error("unexpected argument 'now'", "drain", "now", NULL);
}

/* Bad key lines, ports and rekeys: a message, nothing sent. */
static void
test_key_errors(void **state)
{
	(void)state;
	stdin_text(KEY_A "|1:x\n");
	expect_error("--local-keys: bad MKI", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", "--remote-key", KEY_A, "--local-keys", "1", NULL);
	stdin_text(KEY_A "|256:1\n");
	expect_error("--local-key: bad MKI", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", "--remote-key", KEY_A, "--local-key", "-", NULL);
	stdin_text(KEY_A "|1:5\n");
	expect_error("MKI of 5 bytes: mrfpd takes 1..4", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", "--remote-key", "-", NULL);
	stdin_text(KEY_A "|2^49\n");
	expect_error("bad SRTP key lifetime", "leg", "add", "--conf", "new", "--remote",
		     "10.0.0.1:4000", "--remote-key", "-", NULL);
	stdin_text(KEY_A "|1:1\n" KEY_B "\n");
	expect_error("every key of a set has an MKI, or none has", "leg", "modify", "--conf", "7",
		     "--term", "rtp/1", "--local-keys", "2", NULL);
	stdin_text(KEY_A "|1:1\n" KEY_B "|1:1\n");
	expect_error("MKI 1 given twice", "leg", "modify", "--conf", "7", "--term", "rtp/1",
		     "--local-keys", "2", NULL);
	stdin_text(KEY_A "|1:1\n");
	expect_error("no key line", "leg", "modify", "--conf", "7", "--term", "rtp/1",
		     "--local-keys", "2", NULL);
	expect_error("--local-keys: a number of key lines on stdin, 1..4", "leg", "modify",
		     "--conf", "7", "--term", "rtp/1", "--local-keys", "5", NULL);
	stdin_text(KEY_A "\n");
	expect_error("--local-key and --local-keys: give one", "leg", "modify", "--conf", "7",
		     "--term", "rtp/1", "--local-key", "$", "--local-keys", "1", NULL);
	expect_error("--port: an even RTP port, 2..65534", "leg", "add", "--port", "65536", NULL);
	expect_error("--port: an even RTP port, 2..65534", "leg", "add", "--port", "0", NULL);
	expect_error("--port: an even RTP port, 2..65534", "leg", "add", "--port", "5001", NULL);
	expect_error("--port does not apply to 'leg modify'", "leg", "modify", "--conf", "7",
		     "--term", "rtp/1", "--port", "5000", NULL);
	expect_error("--group-key: '$[|LIFETIME][|MKI:LEN]' or '-'", "leg", "add", "--group-key",
		     KEY_A, NULL);
	expect_error("only in a hybrid conference", "leg", "add", "--conf", "new", "--keys",
		     "group", "--remote", "10.0.0.1:4000", "--remote-key", KEY_A, "--group-key",
		     "$", NULL);
	expect_error("only on a talker's Add", "leg", "add", "--conf", "4", "--mode", "sendonly",
		     "--remote", "10.0.0.1:4000", "--remote-key", KEY_A, "--group-key", "$", NULL);
	stdin_text("");
	expect_error("the key in use is required on stdin", "rekey", "local", "--conf", "7",
		     "--term", "rtp/1", NULL);
	stdin_text(KEY_A "\n");
	expect_error("group keys change by MKI", "rekey", "group", "--conf", "7", "--term", "rtp/1",
		     NULL);
	stdin_text(KEY_A "|1:1\n");
	expect_error("--new-key -: the new key is the second line", "rekey", "local", "--conf", "7",
		     "--term", "rtp/1", "--new-key", "-", NULL);
	stdin_text(KEY_A "|1:1\n" KEY_B "\n");
	expect_error("every key of a set has an MKI, or none has", "rekey", "local", "--conf", "7",
		     "--term", "rtp/1", "--new-key", "-", NULL);
	stdin_text(KEY_A "|1:1\n");
	expect_error("rekey remote: --remote IP:PORT is required", "rekey", "remote", "--conf", "7",
		     "--term", "rtp/1", NULL);
	stdin_text(KEY_A "|1:1\n");
	expect_error("would be lost", "--key-fingerprints", "rekey", "local", "--conf", "7",
		     "--term", "rtp/1", NULL);
	stdin_text(KEY_A "|1:1\n");
	expect_error("MKI 1 given twice", "rekey", "local", "--conf", "7", "--term", "rtp/1",
		     "--new-key", "generate|1:1", NULL);
	expect_error("--drain-ms: milliseconds", "rekey", "local", "--drain-ms", "-1", NULL);
	expect_error("--mode does not apply to 'rekey local'", "rekey", "local", "--conf", "7",
		     "--term", "rtp/1", "--mode", "sendonly", NULL);
}

static void
test_usage_text(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	mrfpctl_usage(f);
	fclose(f);
	assert_non_null(strstr(buf, "Exit codes: 0 ok, 1 usage or local error, 2 H.248 Error"));
	assert_non_null(strstr(buf, "leg add --conf new|CTX"));
	assert_non_null(strstr(buf, "mrfpctl drain [--delay S]"));
	assert_non_null(strstr(buf, "mrfpctl handoff --to IP:PORT"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_new_pretty),
		cmocka_unit_test(test_add_new_compact),
		cmocka_unit_test(test_add_existing),
		cmocka_unit_test(test_conf_create_alias),
		cmocka_unit_test(test_modify_mode_only),
		cmocka_unit_test(test_modify_rekey),
		cmocka_unit_test(test_remove_move_delete),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_drain_handoff),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_local_key_set),
		cmocka_unit_test(test_remote_key_set),
		cmocka_unit_test(test_chosen_with_params),
		cmocka_unit_test(test_hybrid_group_key),
		cmocka_unit_test(test_rekey_args),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_usage_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
