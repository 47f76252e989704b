/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the H.248 codec tests: a tree with its arrays, decoding, comparing. */
#ifndef H248_TEST_H
#define H248_TEST_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "h248.h"
#include "h248_vectors.h"

struct h248_box {
	struct mrfp_h248_tree t;
	struct mrfp_h248_msg msg;
	struct mrfp_h248_error err;
	struct mrfp_h248_node nodes[MRFP_H248_NODES_DEFAULT];
	char pool[16384];
};

static inline void
box_init(struct h248_box *b)
{
	h248_tree_init(&b->t, b->nodes, MRFP_H248_NODES_DEFAULT, b->pool, sizeof(b->pool));
}

static inline int
box_decode(struct h248_box *b, const char *text)
{
	box_init(b);
	return h248_decode(text, strlen(text), &b->t, &b->msg, &b->err);
}

/* Child of n by position (0-based), or NULL. */
static inline const struct mrfp_h248_node *
nth(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n, unsigned i)
{
	const struct mrfp_h248_node *k = h248_first(t, n);

	while (k != NULL && i-- > 0)
		k = h248_next(t, k);
	return k;
}

static inline unsigned
nkids(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	const struct mrfp_h248_node *k;
	unsigned c = 0;

	MRFP_H248_FOREACH(t, n, k)
	c++;
	return c;
}

static inline bool
str_is(const struct mrfp_h248_str *s, const char *c)
{
	return s->len == strlen(c) && (s->len == 0 || memcmp(s->p, c, s->len) == 0);
}

static inline bool
str_same(const struct mrfp_h248_str *a, const struct mrfp_h248_str *b, bool ci)
{
	if (a->len != b->len)
		return false;
	if (a->len == 0)
		return true;
	return ci ? strncasecmp(a->p, b->p, a->len) == 0 : memcmp(a->p, b->p, a->len) == 0;
}

/* Octet strings compared without the white space around them: an encoder may put the SDP on
 * lines of its own. */
static inline bool
raw_same(const struct mrfp_h248_str *a, const struct mrfp_h248_str *b)
{
	struct mrfp_h248_str x = *a, y = *b;

	while (x.len > 0 && isspace((unsigned char)x.p[0]))
		x.p++, x.len--;
	while (x.len > 0 && isspace((unsigned char)x.p[x.len - 1]))
		x.len--;
	while (y.len > 0 && isspace((unsigned char)y.p[0]))
		y.p++, y.len--;
	while (y.len > 0 && isspace((unsigned char)y.p[y.len - 1]))
		y.len--;
	return str_same(&x, &y, false);
}

/*
 * Same tree: tokens, names (NAMEs only: keywords may be spelt long or short), operators,
 * values, time stamps, prefixes and octet strings. ci: names and values compared without
 * case (Erlang/OTP lower-cases them). On a difference, prints where and returns false.
 */
static inline bool
tree_same(const struct mrfp_h248_tree *ta, const struct mrfp_h248_node *a,
	  const struct mrfp_h248_tree *tb, const struct mrfp_h248_node *b, bool ci)
{
	const struct mrfp_h248_node *ka, *kb;
	uint8_t fmask = MRFP_H248_F_OPTIONAL | MRFP_H248_F_WILDCARD | MRFP_H248_F_RAW;
	bool same = a->tok == b->tok && a->op == b->op && a->vkind == b->vkind &&
		    a->vtok == b->vtok && (a->flags & fmask) == (b->flags & fmask) &&
		    str_same(&a->stamp, &b->stamp, ci) && raw_same(&a->raw, &b->raw) &&
		    (a->tok != MRFP_H248_TOK_NONE || str_same(&a->name, &b->name, ci)) &&
		    (a->vtok != MRFP_H248_TOK_NONE || str_same(&a->value, &b->value, ci));

	if (!same) {
		printf("# differ: %.*s=%.*s (offset %u) vs %.*s=%.*s (offset %u)\n",
		       (int)a->name.len, a->name.p, (int)a->value.len, a->value.p, a->offset,
		       (int)b->name.len, b->name.p, (int)b->value.len, b->value.p, b->offset);
		return false;
	}
	for (ka = h248_first(ta, a), kb = h248_first(tb, b); ka != NULL && kb != NULL;
	     ka = h248_next(ta, ka), kb = h248_next(tb, kb))
		if (!tree_same(ta, ka, tb, kb, ci))
			return false;
	if (ka != NULL || kb != NULL) {
		printf("# differ: child count under %.*s\n", (int)a->name.len, a->name.p);
		return false;
	}
	return true;
}

static inline const char *
vector_text(const char *name)
{
	for (size_t i = 0; i < H248_NVECTORS; i++)
		if (strcmp(h248_vectors[i].name, name) == 0)
			return h248_vectors[i].text;
	return NULL;
}

#endif
