/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Identifiers of H.248.1 B.2: UINT32, TransactionID (with v3 segment info), ack ranges,
 * ContextID, TerminationID, value lists, octet strings and mIds. Each returns 0 or -EINVAL.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "h248_priv.h"

int
h248_u32(const struct mrfp_h248_str *s, uint32_t *out)
{
	uint64_t v = 0;

	if (s->len == 0 || s->len > 10)
		return -EINVAL;
	for (uint32_t i = 0; i < s->len; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s->p[i] - '0');
	}
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* Split s at the first c: head before, tail after (tail empty, has = 0 if no c). */
static int
split(const struct mrfp_h248_str *s, char c, struct mrfp_h248_str *head, struct mrfp_h248_str *tail)
{
	const char *at = s->len > 0 ? memchr(s->p, c, s->len) : NULL;

	if (at == NULL) {
		*head = *s;
		*tail = (struct mrfp_h248_str){s->len > 0 ? s->p + s->len : s->p, 0};
		return 0;
	}
	*head = (struct mrfp_h248_str){s->p, (uint32_t)(at - s->p)};
	*tail = (struct mrfp_h248_str){at + 1, s->len - head->len - 1};
	return 1;
}

/* transactionID_and_segment_info = TransactionID [SLASH SegmentNumber
 * [SLASH SegmentationCompleteToken]] (v3, Reply and Segment only) */
int
h248_trans_id(const struct mrfp_h248_node *n, uint32_t *id, uint32_t *segment)
{
	struct mrfp_h248_str head, rest, seg, end;
	bool segmented = n->tok == MRFP_H248_TOK_REPLY || n->tok == MRFP_H248_TOK_SEGMENT;

	*segment = 0;
	if (n->op != MRFP_H248_OP_EQ || n->vkind != MRFP_H248_VAL_PLAIN)
		return -EINVAL;
	if (split(&n->value, '/', &head, &rest) && !segmented)
		return -EINVAL;
	if (h248_u32(&head, id) < 0)
		return -EINVAL;
	if (rest.len == 0)
		return 0;
	if (split(&rest, '/', &seg, &end) &&
	    h248_tok_lookup(end.p, end.len) != MRFP_H248_TOK_SEGCOMPLETE)
		return -EINVAL;
	return h248_u32(&seg, segment) < 0 || *segment == 0 ? -EINVAL : 0;
}

int
h248_ack_range(const struct mrfp_h248_str *s, uint32_t *first, uint32_t *last)
{
	struct mrfp_h248_str a, b;

	if (!split(s, '-', &a, &b))
		b = a;
	if (h248_u32(&a, first) < 0 || h248_u32(&b, last) < 0 || *first > *last)
		return -EINVAL;
	return 0;
}

/* ContextID = (UINT32 / "*" / "-" / "$"); numeric 0 and 0xFFFFFFFF are the binary NULL and
 * ALL, not ids, and 0xFFFFFFFE is CHOOSE. */
int
h248_ctxid_parse(const struct mrfp_h248_str *s, struct mrfp_h248_ctxid *out)
{
	static const struct {
		char c;
		enum mrfp_h248_ctx_kind kind;
	} special[] = {
		{'-', MRFP_H248_CTX_NULL}, {'$', MRFP_H248_CTX_CHOOSE}, {'*', MRFP_H248_CTX_ALL}};

	out->id = 0;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		if (s->len == 1 && s->p[0] == special[i].c) {
			out->kind = special[i].kind;
			return 0;
		}
	}
	out->kind = MRFP_H248_CTX_ID;
	if (h248_u32(s, &out->id) < 0 || out->id == 0 || out->id >= 0xFFFFFFFEu)
		return -EINVAL;
	return 0;
}

static bool
termid_char(char c)
{
	return isalnum((unsigned char)c) || strchr("_/*$@.-", c) != NULL;
}

/* pathNAME = ["*"] NAME *("/" / "*"/ ALPHA / DIGIT /"_" / "$" ) ["@" pathDomainName]; we
 * also take "." and "-" which real MGCs put in ids. */
int
h248_termid_parse(const struct mrfp_h248_str *s, struct mrfp_h248_termid *out)
{
	bool wild = false;

	out->name = *s;
	if (s->len == 0 || s->len > MRFP_H248_TERMID_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < s->len; i++) {
		if (!termid_char(s->p[i]))
			return -EINVAL;
		wild |= s->p[i] == '*' || s->p[i] == '$';
	}
	if (h248_str_eq(s, "ROOT"))
		out->kind = MRFP_H248_TERM_ROOT;
	else if (s->len == 1 && s->p[0] == '$')
		out->kind = MRFP_H248_TERM_CHOOSE;
	else if (s->len == 1 && s->p[0] == '*')
		out->kind = MRFP_H248_TERM_ALL;
	else
		out->kind = wild ? MRFP_H248_TERM_WILDCARD : MRFP_H248_TERM_NAME;
	return 0;
}

/* One item of a bracketed list: the cursor is on it. */
static int
list_item(struct mrfp_h248_cursor *c, struct mrfp_h248_str *item)
{
	if (mrfp_h248_peek(c) == '"')
		return h248_lex_quoted(c, item) < 0 ? -EINVAL : 0;
	return h248_lex_safe(c, item) < 0 ? -EINVAL : 0;
}

int
h248_list_next(const struct mrfp_h248_str *v, uint32_t *pos, struct mrfp_h248_str *item)
{
	struct mrfp_h248_cursor c;
	int ch;

	if (v->len < 2 || (v->p[0] != '[' && v->p[0] != '{')) {
		if (*pos != 0)
			return -ENOENT;
		if (v->len == 0)
			return -EINVAL;
		*item = *v;
		*pos = v->len;
		return 0;
	}
	/* inside the brackets; *pos == 0 means before the first item */
	c = (struct mrfp_h248_cursor){v->p, v->len - 1, *pos != 0 ? *pos : 1};
	h248_lex_lwsp(&c);
	ch = mrfp_h248_peek(&c);
	if (*pos != 0) {
		if (ch < 0)
			return -ENOENT;
		if (ch != ',' && ch != ':')
			return -EINVAL;
		c.pos++;
		h248_lex_lwsp(&c);
	} else if (ch < 0) {
		return -ENOENT;
	}
	if (list_item(&c, item) < 0)
		return -EINVAL;
	*pos = c.pos;
	return 0;
}

int
h248_octets(const struct mrfp_h248_str *raw, char *out, size_t size, size_t *len)
{
	size_t n = 0;

	for (uint32_t i = 0; i < raw->len; i++) {
		if (raw->p[i] == '\\' && i + 1 < raw->len && raw->p[i + 1] == '}')
			i++;
		if (n + 1 >= size)
			return -ENOSPC;
		out[n++] = raw->p[i];
	}
	if (size == 0)
		return -ENOSPC;
	out[n] = '\0';
	if (len != NULL)
		*len = n;
	return 0;
}
