/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building trees to encode: replies, pendings, acks, ServiceChange and Notify requests.
 * Every string is copied into the tree's pool, so callers may pass stack buffers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "h248_priv.h"

#define T_(x) MRFP_H248_TOK_##x

static char *
pool_reserve(struct mrfp_h248_tree *t, size_t len)
{
	char *p;

	if (t->pool == NULL || len > t->pool_cap - t->pool_len)
		return NULL;
	p = t->pool + t->pool_len;
	t->pool_len += (uint32_t)len;
	return p;
}

static int
pool_copy(struct mrfp_h248_tree *t, const char *s, size_t len, struct mrfp_h248_str *out)
{
	char *p = pool_reserve(t, len);

	if (p == NULL)
		return -ENOSPC;
	memcpy(p, s, len);
	*out = (struct mrfp_h248_str){p, (uint32_t)len};
	return 0;
}

static int
pool_vprintf(struct mrfp_h248_tree *t, struct mrfp_h248_str *out, const char *fmt, va_list ap)
{
	uint32_t avail = t->pool != NULL ? t->pool_cap - t->pool_len : 0;
	int n;

	if (avail == 0)
		return -ENOSPC;
	n = vsnprintf(t->pool + t->pool_len, avail, fmt, ap);
	if (n < 0 || (uint32_t)n >= avail)
		return -ENOSPC;
	*out = (struct mrfp_h248_str){t->pool + t->pool_len, (uint32_t)n};
	t->pool_len += (uint32_t)n;
	return 0;
}

/* A fresh child of parent (NULL: the message node). */
static struct mrfp_h248_node *
node_add(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok)
{
	uint32_t pidx = parent != NULL ? (uint32_t)(parent - t->nodes) : 0;
	uint32_t idx = h248_node_new(t, pidx);
	struct mrfp_h248_node *n;

	if (idx == 0)
		return NULL;
	n = &t->nodes[idx];
	n->tok = (uint16_t)tok;
	n->name.p = h248_tok_name(tok, 0);
	n->name.len = (uint32_t)strlen(n->name.p);
	return n;
}

/* quotedString has no escapes: a double quote or a control character cannot be sent. */
static char
quote_safe(char c)
{
	if (c == '"')
		return '\'';
	return (unsigned char)c < 0x20 || c == 0x7f ? ' ' : c;
}

static bool
all_safe(const struct mrfp_h248_str *v)
{
	for (uint32_t i = 0; i < v->len; i++)
		if (!mrfp_h248_is_safe((unsigned char)v->p[i]))
			return false;
	return v->len > 0;
}

/* v is in the pool. A plain value that is not all SafeChars is sent quoted, made fit for a
 * quoted string in place. */
static void
set_value(struct mrfp_h248_node *n, struct mrfp_h248_str v, enum mrfp_h248_vkind kind)
{
	if (kind == MRFP_H248_VAL_PLAIN && !all_safe(&v)) {
		char *p = (char *)(uintptr_t)v.p;

		for (uint32_t i = 0; i < v.len; i++)
			p[i] = quote_safe(p[i]);
		kind = MRFP_H248_VAL_QUOTED;
	}
	n->op = MRFP_H248_OP_EQ;
	n->value = v;
	n->vkind = (uint8_t)kind;
	if (h248_tok_flags((enum mrfp_h248_tok)n->tok) & MRFP_H248_TF_VKW)
		n->vtok = (uint16_t)h248_tok_lookup(v.p, v.len);
}

/* Node with a copied value of the given kind (value NULL: none). */
static struct mrfp_h248_node *
add_str(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok,
	const char *value, size_t len, enum mrfp_h248_vkind kind)
{
	struct mrfp_h248_str v;
	struct mrfp_h248_node *n;

	if (value != NULL && pool_copy(t, value, len, &v) < 0)
		return NULL;
	n = node_add(t, parent, tok);
	if (n != NULL && value != NULL)
		set_value(n, v, kind);
	return n;
}

struct mrfp_h248_node *
h248_add(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok,
	 const char *value)
{
	return add_str(t, parent, tok, value, value != NULL ? strlen(value) : 0,
		       MRFP_H248_VAL_PLAIN);
}

struct mrfp_h248_node *
h248_addf(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok,
	  const char *fmt, ...)
{
	struct mrfp_h248_str v;
	struct mrfp_h248_node *n;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pool_vprintf(t, &v, fmt, ap);
	va_end(ap);
	if (rc < 0 || (n = node_add(t, parent, tok)) == NULL)
		return NULL;
	set_value(n, v, MRFP_H248_VAL_PLAIN);
	return n;
}

/* NAME node without a value. */
static struct mrfp_h248_node *
name_node(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, const char *name, size_t len)
{
	struct mrfp_h248_str nm;
	struct mrfp_h248_node *n;

	if (pool_copy(t, name, len, &nm) < 0 || (n = node_add(t, parent, T_(NONE))) == NULL)
		return NULL;
	n->name = nm;
	return n;
}

struct mrfp_h248_node *
h248_add_name(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, const char *name,
	      const char *fmt, ...)
{
	struct mrfp_h248_node *n = name_node(t, parent, name, strlen(name));
	struct mrfp_h248_str v;
	va_list ap;
	int rc;

	if (n == NULL || fmt == NULL)
		return n;
	va_start(ap, fmt);
	rc = pool_vprintf(t, &v, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return NULL;
	set_value(n, v, MRFP_H248_VAL_PLAIN);
	return n;
}

struct mrfp_h248_node *
h248_add_quoted(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok,
		const char *text)
{
	size_t len = strlen(text);
	char *p = pool_reserve(t, len);
	struct mrfp_h248_node *n;

	if (p == NULL || (n = node_add(t, parent, tok)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		p[i] = quote_safe(text[i]);
	set_value(n, (struct mrfp_h248_str){p, (uint32_t)len}, MRFP_H248_VAL_QUOTED);
	return n;
}

struct mrfp_h248_node *
h248_add_raw(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, enum mrfp_h248_tok tok,
	     const char *octets, size_t len)
{
	size_t braces = 0, j = 0;
	struct mrfp_h248_node *n;
	char *p;

	for (size_t i = 0; i < len; i++) {
		if (octets[i] == '\0')
			return NULL;
		braces += octets[i] == '}';
	}
	p = pool_reserve(t, len + braces);
	if (p == NULL || (n = node_add(t, parent, tok)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (octets[i] == '}')
			p[j++] = '\\';
		p[j++] = octets[i];
	}
	n->raw = (struct mrfp_h248_str){p, (uint32_t)j};
	n->flags |= MRFP_H248_F_RAW | MRFP_H248_F_BODY;
	return n;
}

struct mrfp_h248_node *
h248_add_error(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent, uint16_t code,
	       const char *text)
{
	struct mrfp_h248_node *er = h248_addf(t, parent, T_(ERROR), "%u", code);

	if (er == NULL)
		return NULL;
	er->flags |= MRFP_H248_F_BODY;
	if (text != NULL && text[0] != '\0' && h248_add_quoted(t, er, T_(QUOTED), text) == NULL)
		return NULL;
	return er;
}

struct mrfp_h248_node *
h248_add_context(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
		 const struct mrfp_h248_ctxid *id)
{
	static const char *const special[] = {
		[MRFP_H248_CTX_NULL] = "-",
		[MRFP_H248_CTX_CHOOSE] = "$",
		[MRFP_H248_CTX_ALL] = "*",
	};

	if (id->kind == MRFP_H248_CTX_ID)
		return h248_addf(t, parent, T_(CONTEXT), "%u", id->id);
	return h248_add(t, parent, T_(CONTEXT), special[id->kind]);
}

struct mrfp_h248_node *
h248_add_trans(struct mrfp_h248_tree *t, enum mrfp_h248_tok kind, uint32_t id)
{
	struct mrfp_h248_node *n = h248_addf(t, NULL, kind, "%u", id);

	/* transactionPending = PendingToken EQUAL TransactionID LBRKT RBRKT */
	if (n != NULL && kind == T_(PENDING))
		n->flags |= MRFP_H248_F_BODY;
	return n;
}

struct mrfp_h248_node *
h248_add_ack(struct mrfp_h248_tree *t, uint32_t first, uint32_t last)
{
	struct mrfp_h248_node *k = NULL;
	char item[24];

	for (uint32_t i = t->nodes[0].first; i != 0; i = t->nodes[i].next)
		if (t->nodes[i].tok == T_(RESPONSEACK))
			k = &t->nodes[i];
	if (k == NULL && (k = node_add(t, NULL, T_(RESPONSEACK))) == NULL)
		return NULL;
	if (first == last)
		snprintf(item, sizeof(item), "%u", first);
	else
		snprintf(item, sizeof(item), "%u-%u", first, last);
	return name_node(t, k, item, strlen(item)) != NULL ? k : NULL;
}

/* Services { Method, Reason, ServiceChangeAddress, MgcIdToTry, Profile, Version, Delay } */
static int
sc_params(struct mrfp_h248_tree *t, struct mrfp_h248_node *sv, const struct mrfp_h248_sc *sc)
{
	const struct mrfp_h248_str *s;

	if (sc->method != T_(NONE) &&
	    h248_add(t, sv, T_(METHOD), h248_tok_name(sc->method, 0)) == NULL)
		return -ENOSPC;
	s = &sc->reason_text;
	if (s->len > 0 && add_str(t, sv, T_(REASON), s->p, s->len, MRFP_H248_VAL_QUOTED) == NULL)
		return -ENOSPC;
	s = &sc->address;
	if (s->len > 0 &&
	    add_str(t, sv, T_(SERVICECHANGEADDRESS), s->p, s->len, MRFP_H248_VAL_MID) == NULL)
		return -ENOSPC;
	s = &sc->mgcid;
	if (s->len > 0 && add_str(t, sv, T_(MGCIDTOTRY), s->p, s->len, MRFP_H248_VAL_MID) == NULL)
		return -ENOSPC;
	s = &sc->profile;
	if (s->len > 0 && add_str(t, sv, T_(PROFILE), s->p, s->len, MRFP_H248_VAL_PLAIN) == NULL)
		return -ENOSPC;
	if (sc->version != 0 && h248_addf(t, sv, T_(VERSION), "%u", sc->version) == NULL)
		return -ENOSPC;
	if (sc->delay >= 0 && h248_addf(t, sv, T_(DELAY), "%d", sc->delay) == NULL)
		return -ENOSPC;
	return 0;
}

struct mrfp_h248_node *
h248_add_sc(struct mrfp_h248_tree *t, struct mrfp_h248_node *ctx, const char *termid,
	    const struct mrfp_h248_sc *sc)
{
	struct mrfp_h248_node *cmd = h248_add(t, ctx, T_(SERVICECHANGE), termid);
	struct mrfp_h248_node *sv;

	if (cmd == NULL || (sv = h248_add(t, cmd, T_(SERVICES), NULL)) == NULL)
		return NULL;
	sv->flags |= MRFP_H248_F_BODY;
	return sc_params(t, sv, sc) == 0 ? cmd : NULL;
}

int
h248_set_stamp(struct mrfp_h248_tree *t, struct mrfp_h248_node *n, const char *stamp)
{
	return pool_copy(t, stamp, strlen(stamp), &n->stamp);
}

struct mrfp_h248_node *
h248_add_decode_error(struct mrfp_h248_tree *t, const struct mrfp_h248_error *err)
{
	struct mrfp_h248_node *p;

	if (err->level == MRFP_H248_ERR_TRANSACTION && err->kind == T_(TRANSACTION)) {
		p = h248_add_trans(t, T_(REPLY), err->trans_id);
		return p != NULL ? h248_add_error(t, p, err->code, err->text) : NULL;
	}
	return h248_add_error(t, NULL, err->code, err->text);
}
