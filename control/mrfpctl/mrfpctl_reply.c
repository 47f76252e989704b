/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading mrfpd's replies: Reply = id { Context = c { Add = rtp/1 { Media { Stream = 1 {
 * Local { SDP } } } } } }, the Statistics of a Subtract, the descriptors of an AuditValue,
 * and an Error at whatever level mrfpd put it (transaction, action or command: H.248.8 says
 * the deepest that applies).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"
#include "sdp.h"

#define T_(x) MRFP_H248_TOK_##x

/* NUL-terminated copy of a counted string, cut to size. */
static void
copy_str(char *out, size_t size, const struct mrfp_h248_str *s)
{
	size_t n = s->len < size - 1 ? s->len : size - 1;

	memcpy(out, s->p, n);
	out[n] = '\0';
}

const struct mrfp_h248_node *
mrfpctl_find_error(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	const struct mrfp_h248_node *k, *e;

	if (n->tok == T_(ERROR))
		return n;
	MRFP_H248_FOREACH(t, n, k)
	{
		if ((e = mrfpctl_find_error(t, k)) != NULL)
			return e;
	}
	return NULL;
}

static void
take_error(struct mrfpctl_result *r, const struct mrfp_h248_tree *t,
	   const struct mrfp_h248_node *er)
{
	struct mrfp_h248_str text = {"", 0};

	if (r->has_error)
		return;
	r->has_error = true;
	if (h248_error_get(t, er, &r->err_code, &text) < 0)
		r->err_code = 0;
	copy_str(r->err_text, sizeof(r->err_text), &text);
}

static void
kv_add(struct mrfpctl_kv *kv, uint8_t *n, unsigned max, const struct mrfp_h248_node *k)
{
	if (*n >= max)
		return;
	copy_str(kv[*n].name, sizeof(kv[*n].name), &k->name);
	copy_str(kv[*n].value, sizeof(kv[*n].value), &k->value);
	(*n)++;
}

/* Statistics { nt/os=1, ... } */
static void
read_stats(struct mrfpctl_term *tm, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *sa)
{
	const struct mrfp_h248_node *k;

	MRFP_H248_FOREACH(t, sa, k)
	{
		kv_add(tm->stats, &tm->n_stats, MRFPCTL_MAX_STATS, k);
	}
}

/* Properties: NAME=value children (LocalControl, TerminationState). */
static void
read_props(struct mrfpctl_term *tm, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *d)
{
	const struct mrfp_h248_node *k;

	MRFP_H248_FOREACH(t, d, k)
	{
		if (k->tok == T_(NONE) || k->tok == T_(SERVICESTATES) || k->tok == T_(BUFFER))
			kv_add(tm->props, &tm->n_props, MRFPCTL_MAX_PROPS, k);
	}
}

static void
read_packages(struct mrfpctl_term *tm, const struct mrfp_h248_tree *t,
	      const struct mrfp_h248_node *pg)
{
	const struct mrfp_h248_node *k;

	MRFP_H248_FOREACH(t, pg, k)
	{
		if (tm->n_pkgs < MRFPCTL_MAX_PKGS)
			copy_str(tm->pkgs[tm->n_pkgs++], MRFPCTL_NAME_MAX, &k->name);
	}
}

/* The keys of mrfpd's Local SDP: a key set, or (hybrid) the own key and the group key set. */
static void
take_keys(struct mrfpctl_term *tm, const struct mrfp_sdp *sdp)
{
	for (unsigned i = 0; i < sdp->n_crypto && tm->n_keys < MRFPCTL_MAX_KEYS; i++) {
		struct mrfpctl_key *k = &tm->keys[tm->n_keys];

		if (sdp->crypto[i].key_choose)
			continue;
		k->tag = sdp->crypto[i].tag;
		k->suite = sdp->crypto[i].suite;
		k->key = sdp->crypto[i].key;
		k->lifetime = sdp->crypto[i].lifetime;
		k->mki = sdp->crypto[i].mki;
		k->mki_len = sdp->crypto[i].mki_len;
		keys_fingerprint(&k->key, k->fp);
		tm->n_keys++;
	}
}

/* Local or Remote: address and port, and for Local mrfpd's keys. */
static void
read_sdp(struct mrfpctl_term *tm, const struct mrfp_h248_node *d, bool local)
{
	char text[MRFP_SDP_MAX_LEN];
	struct mrfp_sdp sdp;
	struct mrfp_sdp_error err = {0};
	size_t len = 0;
	int rc = h248_octets(&d->raw, text, sizeof(text), &len);

	if (rc == 0)
		rc = sdp_parse(text, len, &sdp, &err);
	OPENSSL_cleanse(text, sizeof(text));
	if (rc < 0) {
		if (local)
			snprintf(tm->local_sdp_error, sizeof(tm->local_sdp_error), "%s",
				 err.code != MRFP_SDP_ERR_NONE ? sdp_strerror(err.code)
							       : "SDP too long");
		return;
	}
	if (local) {
		tm->has_local = true;
		tm->local = sdp.addr;
		take_keys(tm, &sdp);
	} else {
		tm->has_remote = true;
		tm->remote = sdp.addr;
	}
	sdp_wipe(&sdp);
}

static void
read_media(struct mrfpctl_term *tm, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *m)
{
	struct mrfp_h248_stream s[4];
	enum mrfp_h248_mode mode;
	int n = h248_streams(t, m, s, 4);

	for (int i = 0; i < n; i++) {
		if (s[i].lc != NULL && h248_mode_get(t, s[i].lc, &mode) == 0)
			snprintf(tm->mode, sizeof(tm->mode), "%s", mrfpctl_mode_name(mode));
		if (s[i].lc != NULL)
			read_props(tm, t, s[i].lc);
		if (s[i].local != NULL)
			read_sdp(tm, s[i].local, true);
		if (s[i].remote != NULL)
			read_sdp(tm, s[i].remote, false);
		if (s[i].stats != NULL)
			read_stats(tm, t, s[i].stats);
	}
}

static void
svc_add(struct mrfpctl_term *tm, const char *name, const struct mrfp_h248_str *v)
{
	struct mrfpctl_kv *kv;

	if (v->len == 0 || tm->n_svcs >= MRFPCTL_MAX_SVCS)
		return;
	kv = &tm->svcs[tm->n_svcs++];
	snprintf(kv->name, sizeof(kv->name), "%s", name);
	copy_str(kv->value, sizeof(kv->value), v);
}

/* A ServiceChange reply's Services (H.248.1 7.2.8: ServiceChangeAddress, MgcIdToTry,
 * Profile, Version; mrfpd's replies have none, an MGC's may). */
static void
read_services(struct mrfpctl_term *tm, const struct mrfp_h248_tree *t,
	      const struct mrfp_h248_node *sv)
{
	struct mrfp_h248_sc sc;
	char num[16];

	if (h248_sc_get(t, sv, &sc) < 0)
		return;
	if (sc.method != T_(NONE)) {
		const char *m = h248_tok_name(sc.method, 0);
		svc_add(tm, "method", &(struct mrfp_h248_str){m, (uint32_t)strlen(m)});
	}
	svc_add(tm, "reason", &sc.reason_text);
	svc_add(tm, "address", &sc.address);
	svc_add(tm, "mgc_id_to_try", &sc.mgcid);
	svc_add(tm, "profile", &sc.profile);
	if (sc.version != 0) {
		snprintf(num, sizeof(num), "%u", sc.version);
		svc_add(tm, "version", &(struct mrfp_h248_str){num, (uint32_t)strlen(num)});
	}
}

/* One command reply: Add = rtp/1 { descriptors }. */
static void
read_command(struct mrfpctl_result *r, const struct mrfp_h248_tree *t,
	     const struct mrfp_h248_node *cmd)
{
	struct mrfpctl_term *tm;
	const struct mrfp_h248_node *d;

	if (r->n_terms >= MRFPCTL_MAX_TERMS)
		return;
	tm = &r->terms[r->n_terms++];
	tm->cmd = (enum mrfp_h248_tok)cmd->tok;
	copy_str(tm->id, sizeof(tm->id), &cmd->value);
	MRFP_H248_FOREACH(t, cmd, d)
	{
		switch (d->tok) {
		case T_(ERROR):
			take_error(r, t, d);
			break;
		case T_(MEDIA):
			read_media(tm, t, d);
			break;
		case T_(STATISTICS):
			read_stats(tm, t, d);
			break;
		case T_(PACKAGES):
			read_packages(tm, t, d);
			break;
		case T_(TERMINATIONSTATE):
			read_props(tm, t, d);
			break;
		case T_(SERVICES):
			read_services(tm, t, d);
			break;
		default:
			break;
		}
	}
}

static void
read_action(struct mrfpctl_result *r, const struct mrfp_h248_tree *t,
	    const struct mrfp_h248_node *ctx)
{
	const struct mrfp_h248_node *k;

	if (!r->has_ctx && h248_ctxid_parse(&ctx->value, &r->ctx) == 0)
		r->has_ctx = true;
	MRFP_H248_FOREACH(t, ctx, k)
	{
		if (k->tok == T_(ERROR))
			take_error(r, t, k);
		else if (h248_tok_flags((enum mrfp_h248_tok)k->tok) & MRFP_H248_TF_CMD)
			read_command(r, t, k);
	}
}

int
mrfpctl_reply_parse(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
		    struct mrfpctl_result *r)
{
	const struct mrfp_h248_node *k;
	uint32_t seg;

	memset(r, 0, sizeof(*r));
	if (n->tok == T_(ERROR)) { /* message-level: the whole message was refused */
		take_error(r, t, n);
		return 0;
	}
	if (n->tok != T_(REPLY) || h248_trans_id(n, &r->trans_id, &seg) < 0)
		return -EINVAL;
	MRFP_H248_FOREACH(t, n, k)
	{
		if (k->tok == T_(IMMACKREQUIRED))
			r->imm_ack = true;
		else if (k->tok == T_(ERROR))
			take_error(r, t, k);
		else if (k->tok == T_(CONTEXT))
			read_action(r, t, k);
	}
	return 0;
}

void
mrfpctl_result_wipe(struct mrfpctl_result *r)
{
	for (unsigned i = 0; i < r->n_terms; i++)
		for (unsigned j = 0; j < r->terms[i].n_keys; j++)
			mrfp_srtp_key_wipe(&r->terms[i].keys[j].key);
	OPENSSL_cleanse(r, sizeof(*r));
}
