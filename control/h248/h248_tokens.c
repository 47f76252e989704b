/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248.1 B.2 keywords: the table, and a case-insensitive lookup over an index sorted once.
 * Every long and every compact spelling names exactly one token (a unit test checks it).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "h248.h"

struct tok_def {
	const char *lng;
	const char *cmp;
	unsigned flags;
};

#define TOK_DEF_(id, l, s, f) [MRFP_H248_TOK_##id] = {l, s, f},
static const struct tok_def tok_defs[MRFP_H248_TOK_COUNT_] = {[MRFP_H248_TOK_NONE] = {"", "", 0},
							      [MRFP_H248_TOK_QUOTED] = {"", "", 0},
							      MRFP_H248_TOKENS(TOK_DEF_)};
#undef TOK_DEF_

/* Both spellings of every keyword, sorted case-insensitively for bsearch. */
struct tok_key {
	const char *s;
	uint16_t tok;
};
#define TOK_KEYS (2 * MRFP_H248_TOK_COUNT_)
static struct tok_key tok_index[TOK_KEYS];
static unsigned tok_nkeys;
static pthread_once_t tok_once = PTHREAD_ONCE_INIT;

static int
key_cmp(const void *a, const void *b)
{
	const struct tok_key *x = a, *y = b;

	return strcasecmp(x->s, y->s);
}

static void
index_build(void)
{
	unsigned n = 0;

	for (unsigned t = MRFP_H248_TOK_QUOTED + 1; t < MRFP_H248_TOK_COUNT_; t++) {
		tok_index[n++] = (struct tok_key){tok_defs[t].lng, (uint16_t)t};
		/* Some keywords are spelt the same both ways (ON, MTP, V18). */
		if (strcasecmp(tok_defs[t].lng, tok_defs[t].cmp) != 0)
			tok_index[n++] = (struct tok_key){tok_defs[t].cmp, (uint16_t)t};
	}
	qsort(tok_index, n, sizeof(tok_index[0]), key_cmp);
	tok_nkeys = n;
}

/* strcasecmp of a counted string against a C string. */
static int
counted_cmp(const char *s, size_t len, const char *c)
{
	size_t clen = strlen(c);
	int r = len == 0 || clen == 0 ? 0 : strncasecmp(s, c, len < clen ? len : clen);

	if (r != 0)
		return r;
	return len < clen ? -1 : len > clen;
}

enum mrfp_h248_tok
h248_tok_lookup(const char *s, size_t len)
{
	size_t lo = 0, hi;

	pthread_once(&tok_once, index_build);
	hi = tok_nkeys;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = counted_cmp(s, len, tok_index[mid].s);

		if (r == 0)
			return (enum mrfp_h248_tok)tok_index[mid].tok;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return MRFP_H248_TOK_NONE;
}

const char *
h248_tok_name(enum mrfp_h248_tok tok, int compact)
{
	if ((unsigned)tok >= MRFP_H248_TOK_COUNT_)
		return "";
	return compact ? tok_defs[tok].cmp : tok_defs[tok].lng;
}

unsigned
h248_tok_flags(enum mrfp_h248_tok tok)
{
	if ((unsigned)tok >= MRFP_H248_TOK_COUNT_)
		return 0;
	return tok_defs[tok].flags;
}

int
h248_str_eq(const struct mrfp_h248_str *s, const char *c)
{
	return counted_cmp(s->p, s->len, c) == 0;
}
