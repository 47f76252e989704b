/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes what mrfp's H.248 encoder produces into DIR, one message per file
 * (NAME.pretty.txt, NAME.compact.txt), for interop.sh to feed to Erlang/OTP megaco's
 * decoders and to tshark: the RFC 3525 call flow re-encoded (the messages OTP itself
 * accepts) and the messages mrfpd builds (registration, replies with SDES SDP and
 * statistics, errors, Notify, Pending, ack).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h248_test.h"

#define T_(x) MRFP_H248_TOK_##x

static struct h248_box box;
static char text[32768];

static int
write_one(const char *dir, const char *name, enum mrfp_h248_style style)
{
	char path[512];
	size_t len;
	FILE *f;

	if (h248_encode(&box.t, &box.msg, style, text, sizeof(text), &len) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.%s.txt", dir, name,
		 style == MRFP_H248_PRETTY ? "pretty" : "compact");
	f = fopen(path, "wb");
	if (f == NULL || fwrite(text, 1, len, f) != len) {
		perror(path);
		return -1;
	}
	return fclose(f);
}

static int
write_both(const char *dir, const char *name)
{
	return write_one(dir, name, MRFP_H248_PRETTY) | write_one(dir, name, MRFP_H248_COMPACT);
}

static struct mrfp_h248_node *
context(enum mrfp_h248_tok kind, uint32_t tid, enum mrfp_h248_ctx_kind ck, uint32_t cid)
{
	return h248_add_context(&box.t, h248_add_trans(&box.t, kind, tid),
				&(struct mrfp_h248_ctxid){ck, cid});
}

static void
build_restart(void)
{
	const struct mrfp_h248_sc sc = {.method = T_(RESTART),
					.reason_text = MRFP_H248_STR("901 Cold Boot"),
					.address = MRFP_H248_STR("2944"),
					.profile = MRFP_H248_STR("ResGW/1"),
					.version = 3,
					.delay = -1};

	box_init(&box);
	h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944");
	h248_add_sc(&box.t, context(T_(TRANSACTION), 1, MRFP_H248_CTX_NULL, 0), "ROOT", &sc);
}

static void
build_add_reply(void)
{
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
				  "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 0\r\n"
				  "a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
				  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
				  "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:4\r\n";
	struct mrfp_h248_node *c, *a, *st, *sa;

	box_init(&box);
	h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944");
	c = context(T_(REPLY), 10003, MRFP_H248_CTX_ID, 2000);
	a = h248_add(&box.t, c, T_(ADD), "rtp/1");
	st = h248_add(&box.t, h248_add(&box.t, a, T_(MEDIA), NULL), T_(STREAM), "1");
	h248_add_raw(&box.t, st, T_(LOCAL), sdp, strlen(sdp));
	sa = h248_add(&box.t, h248_add(&box.t, c, T_(SUBTRACT), "rtp/2"), T_(STATISTICS), NULL);
	h248_add_name(&box.t, sa, "nt/os", "%u", 62345u);
	h248_add_name(&box.t, sa, "nt/or", "%u", 45123u);
	h248_add_name(&box.t, sa, "nt/dur", "%u", 40u);
	h248_add_name(&box.t, sa, "rtp/ps", "%u", 1245u);
	h248_add_name(&box.t, sa, "rtp/pr", "%u", 780u);
	h248_add_name(&box.t, sa, "rtp/pl", "%.1f", 0.2);
	h248_add_name(&box.t, sa, "rtp/jit", "%u", 27u);
}

static void
build_errors(void)
{
	box_init(&box);
	h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944");
	h248_add_error(&box.t, h248_add_trans(&box.t, T_(REPLY), 5), 403,
		       "Syntax error in TransactionRequest at byte 12");
	h248_add_error(&box.t,
		       h248_add(&box.t, context(T_(REPLY), 6, MRFP_H248_CTX_ID, 7), T_(ADD), "$"),
		       510, "Insufficient resources");
	h248_add_error(&box.t, context(T_(REPLY), 8, MRFP_H248_CTX_ID, 9), 411,
		       "The transaction refers to an unknown ContextId");
}

static void
build_notify(void)
{
	struct mrfp_h248_node *oe, *ev;

	box_init(&box);
	h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944");
	oe = h248_add(&box.t,
		      h248_add(&box.t, context(T_(TRANSACTION), 2, MRFP_H248_CTX_ID, 12),
			       T_(NOTIFY), "rtp/1"),
		      T_(OBSERVEDEVENTS), "7");
	ev = h248_add_name(&box.t, oe, "nt/netfail", NULL);
	h248_set_stamp(&box.t, ev, "20240101T12000000");
	h248_add_name(&box.t, ev, "cs", "%s", "media \"inactivity\"");
}

static void
build_pending_ack(void)
{
	box_init(&box);
	h248_msg_init(&box.msg, 3, "[192.0.2.10]:2944");
	h248_add_trans(&box.t, T_(PENDING), 10003);
	h248_add_ack(&box.t, 9998, 9998);
	h248_add_ack(&box.t, 10000, 10003);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*build)(void);
	} built[] = {
		{"mrfp_restart", build_restart},	 {"mrfp_add_reply", build_add_reply},
		{"mrfp_errors", build_errors},		 {"mrfp_notify", build_notify},
		{"mrfp_pending_ack", build_pending_ack},
	};
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < H248_NVECTORS; i++) {
		const struct h248_vector *v = &h248_vectors[i];

		/* OTP refuses some published examples itself (no Reason in step 1, empty
		 * Signals, comments in SDP): only those it reads are re-encoded for it */
		if (v->pair == NULL || strncmp(v->name, "rfc", 3) != 0)
			continue;
		/* step 21's SDP says "RTP/AVP  4" (two spaces), which tshark's SDP dissector
		 * marks malformed: carried verbatim, it is not the encoder's to fix */
		if (strcmp(v->name, "rfc3525_msg21") == 0)
			continue;
		if (box_decode(&box, v->text) != 0)
			return 1;
		rc |= write_both(argv[1], v->name);
	}
	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		built[i].build();
		rc |= write_both(argv[1], built[i].name);
	}
	return rc != 0;
}
