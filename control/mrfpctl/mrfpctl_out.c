/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpctl output: "name value" lines for people, one JSON object per command for scripts.
 *
 * The one place that decides whether a key is printed (DESIGN.md: keys never logged). A key
 * is printed only when the operator could not have it otherwise and needs it: mrfpd's Local
 * key after leg add/modify (mrfpd generated it; the participant decrypts with it) and a key
 * generated here for the participant (--remote-key generate). Everything else -- keys the
 * operator gave, keys in audits, keys in verbose traces -- appears as a fingerprint, and
 * --key-fingerprints turns every key into one.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mrfpctl.h"

#define T_(x) MRFP_H248_TOK_##x

void
mrfpctl_json_str(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
json_cstr(FILE *out, const char *s)
{
	mrfpctl_json_str(out, s, strlen(s));
}

/* A statistic or property value: a JSON number when it is one, else a string. */
static void
json_value(FILE *out, const char *v)
{
	size_t n = strlen(v);

	if (n > 0 && n < 20 && strspn(v, "0123456789") == n && (v[0] != '0' || n == 1))
		fputs(v, out);
	else
		json_cstr(out, v);
}

static void
host_of(const struct mrfp_addr *a, char *buf, size_t size)
{
	const void *p = a->family == AF_INET6 ? (const void *)a->v6 : (const void *)&a->v4;

	if (inet_ntop(a->family, p, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "-");
}

/* ---- the key policy ---- */

static bool
in_set(const struct mrfpctl_keyset *set, const char *b64)
{
	for (unsigned i = 0; i < set->n; i++)
		if (!set->k[i].choose && strcmp(set->k[i].b64, b64) == 0)
			return true;
	return false;
}

static bool
key_printable(const struct mrfpctl_opts *o, const struct mrfpctl_key *k)
{
	char b64[MRFP_KEY_B64_MAX];
	bool given;

	if (o->fingerprints || (o->cmd != MRFPCTL_CMD_LEG_ADD && o->cmd != MRFPCTL_CMD_LEG_MODIFY))
		return false;
	/* the operator's own keys come back: it has them already */
	given = keys_to_base64(&k->key, b64, sizeof(b64)) == 0 &&
		(in_set(&o->lkeys, b64) || in_set(&o->gkey, b64));
	OPENSSL_cleanse(b64, sizeof(b64));
	return !given;
}

static bool
remote_key_printable(const struct mrfpctl_opts *o)
{
	return o->remote_key == MRFPCTL_KEY_GENERATE && !o->fingerprints;
}

/* The key's base64 (printable keys) into b64; "" otherwise. */
static void
key_text(const struct mrfpctl_opts *o, const struct mrfpctl_key *k, char *b64, size_t size)
{
	b64[0] = '\0';
	if (key_printable(o, k) && keys_to_base64(&k->key, b64, size) < 0)
		b64[0] = '\0';
}

static void
remote_fp(const struct mrfpctl_opts *o, char fp[9])
{
	struct mrfp_srtp_key k;

	fp[0] = '\0';
	if (o->remote_key != MRFPCTL_KEY_NONE &&
	    keys_from_base64(o->rkeys.k[0].b64, o->suite, &k) == 0)
		keys_fingerprint(&k, fp);
	mrfp_srtp_key_wipe(&k);
}

/* A reply key's |LIFETIME|MKI:LEN, as a key line (no key in it). */
static void
params_of(const struct mrfpctl_key *k, struct mrfpctl_keyline *line)
{
	memset(line, 0, sizeof(*line));
	mrfpctl_keyline_set_params(line, k->lifetime, k->mki, k->mki_len);
}

void
mrfpctl_json_params(FILE *out, const struct mrfpctl_keyline *k)
{
	char life[24] = "";

	if (k->lifetime != 0) { /* the params text starts with it: "|2^31..." */
		size_t n = strcspn(k->params + 1, "|");

		snprintf(life, sizeof(life), "%.*s", (int)n, k->params + 1);
		fputs("\"lifetime\":", out);
		json_cstr(out, life);
		fputc(',', out);
	}
	if (k->mki_len != 0)
		fprintf(out, "\"mki\":%" PRIu64 ",\"mki_len\":%u,", k->mki, k->mki_len);
}

/* ---- text ---- */

static void
text_keys(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_term *tm)
{
	char b64[MRFP_KEY_B64_MAX];
	struct mrfpctl_keyline params;

	for (unsigned i = 0; i < tm->n_keys; i++) {
		const struct mrfpctl_key *k = &tm->keys[i];

		key_text(o, k, b64, sizeof(b64));
		params_of(k, &params);
		if (b64[0] != '\0')
			fprintf(out, "local-key %u %s inline:%s%s\n", k->tag,
				mrfp_srtp_suite_name(k->suite), b64, params.params);
		else
			fprintf(out, "local-key %u %s fp:%s%s\n", k->tag,
				mrfp_srtp_suite_name(k->suite), k->fp, params.params);
		OPENSSL_cleanse(b64, sizeof(b64));
	}
}

static void
text_term(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_term *tm)
{
	char host[INET6_ADDRSTRLEN];

	if (tm->id[0] != '\0')
		fprintf(out, "term %s\n", tm->id);
	if (tm->has_local) {
		host_of(&tm->local, host, sizeof(host));
		fprintf(out, "local %s %u\n", host, ntohs(tm->local.port));
	}
	if (tm->local_sdp_error[0] != '\0')
		fprintf(out, "local-sdp-error %s\n", tm->local_sdp_error);
	text_keys(out, o, tm);
	if (tm->has_remote) {
		host_of(&tm->remote, host, sizeof(host));
		fprintf(out, "remote %s %u\n", host, ntohs(tm->remote.port));
	}
	if (tm->mode[0] != '\0')
		fprintf(out, "mode %s\n", tm->mode);
	for (unsigned i = 0; i < tm->n_props; i++)
		fprintf(out, "prop %s %s\n", tm->props[i].name, tm->props[i].value);
	for (unsigned i = 0; i < tm->n_pkgs; i++)
		fprintf(out, "package %s\n", tm->pkgs[i]);
	for (unsigned i = 0; i < tm->n_stats; i++)
		fprintf(out, "stat %s %s\n", tm->stats[i].name, tm->stats[i].value);
	for (unsigned i = 0; i < tm->n_svcs; i++)
		fprintf(out, "service %s %s\n", tm->svcs[i].name, tm->svcs[i].value);
}

static void
ctx_text(const struct mrfpctl_result *r, char *buf, size_t size)
{
	static const char *const special[] = {[MRFP_H248_CTX_NULL] = "-",
					      [MRFP_H248_CTX_CHOOSE] = "$",
					      [MRFP_H248_CTX_ALL] = "*"};

	if (r->ctx.kind == MRFP_H248_CTX_ID)
		snprintf(buf, size, "%u", r->ctx.id);
	else
		snprintf(buf, size, "%s", special[r->ctx.kind]);
}

static void
text_result(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_result *r)
{
	char ctx[16], fp[9];

	if (r->has_ctx) {
		ctx_text(r, ctx, sizeof(ctx));
		fprintf(out, "ctx %s\n", ctx);
	}
	for (unsigned i = 0; i < r->n_terms; i++)
		text_term(out, o, &r->terms[i]);
	if (o->cmd == MRFPCTL_CMD_DRAIN) {
		if (o->delay >= 0)
			fprintf(out, "drain Graceful delay %d\n", o->delay);
		else
			fprintf(out, "drain Graceful\n");
		fprintf(out,
			"# mrfpd refuses new legs (503) and keeps its calls; it sends "
			"ServiceChange Forced and exits when they end%s\n",
			o->delay >= 0 ? " or the delay is over" : "");
	} else if (o->cmd == MRFPCTL_CMD_HANDOFF) {
		fprintf(out, "handoff HandOff mgc-id-to-try %s\n", o->mgc_id);
		fprintf(out,
			"# mrfpd registers with %s (ServiceChange HandOff 903); back to this MGC "
			"if it does not answer within 15 s\n",
			o->mgc_id);
	}
	if (remote_key_printable(o)) {
		fprintf(out, "remote-key %s inline:%s%s\n", mrfp_srtp_suite_name(o->suite),
			o->rkeys.k[0].b64, o->rkeys.k[0].params);
		fprintf(out, "# remote-key was generated: give it to the participant as its "
			     "send key; it is not shown again\n");
	} else if (o->remote_key == MRFPCTL_KEY_GENERATE) {
		remote_fp(o, fp);
		fprintf(out, "remote-key %s fp:%s\n", mrfp_srtp_suite_name(o->suite), fp);
	}
}

/* ---- JSON ---- */

static void
json_kvs(FILE *out, const char *name, const struct mrfpctl_kv *kv, unsigned n)
{
	fprintf(out, ",\"%s\":{", name);
	for (unsigned i = 0; i < n; i++) {
		fputs(i > 0 ? "," : "", out);
		json_cstr(out, kv[i].name);
		fputc(':', out);
		json_value(out, kv[i].value);
	}
	fputc('}', out);
}

static void
json_key(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_key *k)
{
	char b64[MRFP_KEY_B64_MAX];

	struct mrfpctl_keyline params;

	key_text(o, k, b64, sizeof(b64));
	params_of(k, &params);
	fprintf(out, "\"tag\":%u,\"suite\":\"%s\",", k->tag, mrfp_srtp_suite_name(k->suite));
	mrfpctl_json_params(out, &params);
	if (b64[0] != '\0')
		fprintf(out, "\"key\":\"%s\",", b64);
	fprintf(out, "\"key_fp\":\"%s\"", k->fp);
	OPENSSL_cleanse(b64, sizeof(b64));
}

static void
json_addr(FILE *out, const struct mrfp_addr *a)
{
	char host[INET6_ADDRSTRLEN];

	host_of(a, host, sizeof(host));
	fprintf(out, "\"addr\":\"%s\",\"port\":%u", host, ntohs(a->port));
}

static void
json_local(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_term *tm)
{
	fputs(",\"local\":{", out);
	json_addr(out, &tm->local);
	if (tm->n_keys > 0) {
		fputc(',', out);
		json_key(out, o, &tm->keys[0]);
	}
	if (tm->n_keys > 1) { /* a key set; hybrid: the personal key, then the group key set */
		fputs(",\"keys\":[", out);
		for (unsigned i = 0; i < tm->n_keys; i++) {
			fputs(i > 0 ? ",{" : "{", out);
			json_key(out, o, &tm->keys[i]);
			fputc('}', out);
		}
		fputc(']', out);
	}
	fputc('}', out);
}

/* The remote object: the participant's address (audit) and a generated key. */
static void
json_remote(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_term *tm, bool first)
{
	bool gen = first && o->remote_key == MRFPCTL_KEY_GENERATE;
	char fp[9];

	if (!tm->has_remote && !gen)
		return;
	fputs(",\"remote\":{", out);
	if (tm->has_remote)
		json_addr(out, &tm->remote);
	if (gen) {
		remote_fp(o, fp);
		fprintf(out, "%s\"suite\":\"%s\",", tm->has_remote ? "," : "",
			mrfp_srtp_suite_name(o->suite));
		if (remote_key_printable(o))
			fprintf(out, "\"key\":\"%s\",", o->rkeys.k[0].b64);
		mrfpctl_json_params(out, &o->rkeys.k[0]);
		fprintf(out, "\"key_fp\":\"%s\"", fp);
	}
	fputc('}', out);
}

/* Members of one term (after a '{' or a member). */
static void
json_term(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_term *tm, bool first)
{
	fputs("\"term\":", out);
	json_cstr(out, tm->id);
	if (tm->has_local)
		json_local(out, o, tm);
	if (tm->local_sdp_error[0] != '\0') {
		fputs(",\"local_sdp_error\":", out);
		json_cstr(out, tm->local_sdp_error);
	}
	json_remote(out, o, tm, first);
	if (tm->mode[0] != '\0')
		fprintf(out, ",\"mode\":\"%s\"", tm->mode);
	if (tm->n_stats > 0)
		json_kvs(out, "stats", tm->stats, tm->n_stats);
	if (tm->n_props > 0)
		json_kvs(out, "props", tm->props, tm->n_props);
	if (tm->n_svcs > 0)
		json_kvs(out, "services", tm->svcs, tm->n_svcs);
	if (tm->n_pkgs > 0) {
		fputs(",\"packages\":[", out);
		for (unsigned i = 0; i < tm->n_pkgs; i++) {
			fputs(i > 0 ? "," : "", out);
			json_cstr(out, tm->pkgs[i]);
		}
		fputc(']', out);
	}
}

static void
json_ctx(FILE *out, const struct mrfpctl_result *r)
{
	char ctx[16];

	if (r->ctx.kind == MRFP_H248_CTX_ID) {
		fprintf(out, "\"ctx\":%u", r->ctx.id);
		return;
	}
	ctx_text(r, ctx, sizeof(ctx));
	fprintf(out, "\"ctx\":\"%s\"", ctx);
}

static void
json_result(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_result *r)
{
	fputc('{', out);
	if (r->has_ctx)
		json_ctx(out, r);
	if (r->n_terms == 1) {
		fputs(r->has_ctx ? "," : "", out);
		json_term(out, o, &r->terms[0], true);
	} else if (r->n_terms > 1) {
		fputs(r->has_ctx ? ",\"terms\":[" : "\"terms\":[", out);
		for (unsigned i = 0; i < r->n_terms; i++) {
			fputs(i > 0 ? ",{" : "{", out);
			json_term(out, o, &r->terms[i], i == 0);
			fputc('}', out);
		}
		fputc(']', out);
	}
	if (o->cmd == MRFPCTL_CMD_DRAIN) {
		fputs(r->has_ctx || r->n_terms > 0 ? "," : "", out);
		fputs("\"method\":\"Graceful\"", out);
		if (o->delay >= 0)
			fprintf(out, ",\"delay\":%d", o->delay);
	} else if (o->cmd == MRFPCTL_CMD_HANDOFF) {
		fputs(r->has_ctx || r->n_terms > 0 ? "," : "", out);
		fputs("\"method\":\"HandOff\",\"mgc_id_to_try\":", out);
		json_cstr(out, o->mgc_id);
	}
	fputs("}\n", out);
}

void
mrfpctl_print_result(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_result *r)
{
	if (o->json)
		json_result(out, o, r);
	else
		text_result(out, o, r);
	fflush(out);
}

void
mrfpctl_print_error(FILE *out, FILE *err, const struct mrfpctl_opts *o, unsigned code,
		    const char *text)
{
	if (code != 0)
		fprintf(err, "mrfpctl: error %u: %s\n", code, text);
	else
		fprintf(err, "mrfpctl: %s\n", text);
	if (o == NULL || !o->json)
		return;
	fputc('{', out);
	if (o->has_conf && !o->conf_new)
		fprintf(out, "\"ctx\":%u,", o->conf);
	if (o->term[0] != '\0') {
		fputs("\"term\":", out);
		json_cstr(out, o->term);
		fputc(',', out);
	}
	fputs("\"error\":{", out);
	if (code != 0)
		fprintf(out, "\"code\":%u,", code);
	fputs("\"text\":", out);
	json_cstr(out, text);
	fputs("}}\n", out);
	fflush(out);
}

/* ---- requests from mrfpd (listen) ---- */

static void
str_out(FILE *out, const struct mrfp_h248_str *s, bool json)
{
	if (json)
		mrfpctl_json_str(out, s->p, s->len);
	else
		fprintf(out, "%.*s", (int)s->len, s->p);
}

/* ObservedEvents = rid { [stamp:] pkg/ev { name=value, ... } } */
static void
print_events(FILE *out, bool json, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *oe)
{
	const struct mrfp_h248_node *ev, *p;
	bool first = true;

	if (json)
		fputs(",\"events\":[", out);
	MRFP_H248_FOREACH(t, oe, ev)
	{
		fputs(json ? (first ? "{\"name\":" : ",{\"name\":") : " event ", out);
		str_out(out, &ev->name, json);
		fputs(json ? ",\"params\":{" : "", out);
		bool pfirst = true;

		MRFP_H248_FOREACH(t, ev, p)
		{
			fputs(json ? (pfirst ? "" : ",") : " ", out);
			str_out(out, &p->name, json);
			fputs(json ? ":" : "=", out);
			str_out(out, &p->value, json);
			pfirst = false;
		}
		fputs(json ? "}}" : "", out);
		first = false;
	}
	if (json)
		fputc(']', out);
}

static void
print_services(FILE *out, bool json, const struct mrfp_h248_tree *t,
	       const struct mrfp_h248_node *sv)
{
	struct mrfp_h248_sc sc;

	if (h248_sc_get(t, sv, &sc) < 0)
		return;
	if (sc.method != T_(NONE))
		fprintf(out, json ? ",\"method\":\"%s\"" : " method %s",
			h248_tok_name(sc.method, 0));
	if (sc.reason_text.len > 0) {
		fputs(json ? ",\"reason\":" : " reason ", out);
		str_out(out, &sc.reason_text, json);
	}
}

static void
print_command(FILE *out, bool json, uint32_t id, const struct mrfp_h248_tree *t,
	      const struct mrfp_h248_node *act, const struct mrfp_h248_node *cmd)
{
	const struct mrfp_h248_node *d;
	const char *name = h248_tok_name((enum mrfp_h248_tok)cmd->tok, 0);

	if (json)
		fprintf(out, "{\"request\":\"%s\",\"trans\":%u,\"ctx\":", name, id);
	else
		fprintf(out, "%s trans %u ctx ", name, id);
	str_out(out, &act->value, json);
	fputs(json ? ",\"term\":" : " term ", out);
	str_out(out, &cmd->value, json);
	MRFP_H248_FOREACH(t, cmd, d)
	{
		if (d->tok == T_(OBSERVEDEVENTS))
			print_events(out, json, t, d);
		else if (d->tok == T_(SERVICES))
			print_services(out, json, t, d);
	}
	fputs(json ? "}\n" : "\n", out);
}

void
mrfpctl_print_request(FILE *out, const struct mrfpctl_opts *o, const struct mrfp_h248_tree *t,
		      const struct mrfp_h248_node *trans)
{
	const struct mrfp_h248_node *act, *cmd;
	uint32_t id = 0, seg;

	h248_trans_id(trans, &id, &seg);
	MRFP_H248_FOREACH(t, trans, act)
	{
		MRFP_H248_FOREACH(t, act, cmd)
		{
			if (h248_tok_flags((enum mrfp_h248_tok)cmd->tok) & MRFP_H248_TF_CMD)
				print_command(out, o->json, id, t, act, cmd);
		}
	}
	fflush(out);
}

/* ---- redaction ---- */

static bool
is_b64(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/' || c == '=';
}

/* Fingerprint of the base64 text of a key (any length up to the largest suite's). */
static int
b64_fingerprint(const char *b64, size_t len, char fp[9])
{
	unsigned char buf[4 * MRFP_KEY_B64_MAX];
	struct mrfp_srtp_key k;
	int n;

	if (len == 0 || len % 4 != 0 || len > 4 * ((MRFP_SRTP_MAX_KEY_LEN + 2) / 3))
		return -1;
	n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len);
	n -= (b64[len - 1] == '=') + (b64[len - 2] == '=');
	if (n <= 0 || n > MRFP_SRTP_MAX_KEY_LEN) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	memset(&k, 0, sizeof(k));
	k.len = (uint8_t)n;
	memcpy(k.material, buf, (size_t)n);
	keys_fingerprint(&k, fp);
	mrfp_srtp_key_wipe(&k);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

void
mrfpctl_print_redacted(FILE *out, const char *text, size_t len)
{
	static const char tag[] = "inline:";
	size_t i = 0;

	while (i < len) {
		size_t k = i + sizeof(tag) - 1, e = k;
		char fp[9];

		if (len - i < sizeof(tag) - 1 || strncasecmp(text + i, tag, sizeof(tag) - 1) != 0) {
			fputc(text[i++], out);
			continue;
		}
		while (e < len && is_b64(text[e]))
			e++;
		fwrite(text + i, 1, k - i, out);
		if (e > k && b64_fingerprint(text + k, e - k, fp) == 0)
			fprintf(out, "[key fp %s]", fp);
		else if (e > k)
			fputs("[key]", out);
		i = e;
	}
}
