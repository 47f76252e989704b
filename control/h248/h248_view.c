/* SPDX-License-Identifier: BSD-3-Clause */
/* Semantic views over a decoded tree: stream mode, streams of a Media descriptor,
 * ServiceChange parameters, Error descriptors. */
#include <errno.h>
#include <string.h>

#include "h248_priv.h"

#define T_(x) MRFP_H248_TOK_##x

static const struct {
	uint16_t tok;
	enum mrfp_h248_mode mode;
} modes[] = {
	{T_(INACTIVE), MRFP_H248_MODE_INACTIVE}, {T_(SENDONLY), MRFP_H248_MODE_SENDONLY},
	{T_(RECVONLY), MRFP_H248_MODE_RECVONLY}, {T_(SENDRECV), MRFP_H248_MODE_SENDRECV},
	{T_(LOOPBACK), MRFP_H248_MODE_LOOPBACK},
};

int
h248_mode_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *lc,
	      enum mrfp_h248_mode *mode)
{
	const struct mrfp_h248_node *mo = h248_find(t, lc, T_(MODE));

	if (mo == NULL)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (mo->vtok == modes[i].tok) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

enum mrfp_h248_tok
h248_mode_tok(enum mrfp_h248_mode mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return (enum mrfp_h248_tok)modes[i].tok;
	return T_(INACTIVE);
}

/* Fill s from the LocalControl/Local/Remote/Statistics children of n. */
static void
stream_parts(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
	     struct mrfp_h248_stream *s)
{
	s->lc = h248_find(t, n, T_(LOCALCONTROL));
	s->local = h248_find(t, n, T_(LOCAL));
	s->remote = h248_find(t, n, T_(REMOTE));
	s->stats = h248_find(t, n, T_(STATISTICS));
}

int
h248_streams(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *media,
	     struct mrfp_h248_stream *out, unsigned max)
{
	const struct mrfp_h248_node *k;
	struct mrfp_h248_stream single = {.id = 1};
	uint32_t id;
	unsigned n = 0;

	/* mediaDescriptor without Stream: one stream, id 1 (H.248.1 7.1.4) */
	stream_parts(t, media, &single);
	if (single.lc != NULL || single.local != NULL || single.remote != NULL) {
		if (max < 1)
			return -E2BIG;
		out[n++] = single;
	}
	MRFP_H248_FOREACH(t, media, k)
	{
		if (k->tok != T_(STREAM))
			continue;
		if (h248_u32(&k->value, &id) < 0 || id > UINT16_MAX)
			return -EINVAL;
		if (n >= max)
			return -E2BIG;
		out[n] = (struct mrfp_h248_stream){.id = (uint16_t)id};
		stream_parts(t, k, &out[n++]);
	}
	return (int)n;
}

static enum mrfp_h248_tok
sc_method(uint16_t vtok)
{
	switch (vtok) {
	case T_(RESTART):
	case T_(FORCED):
	case T_(GRACEFUL):
	case T_(DISCONNECTED):
	case T_(HANDOFF):
	case T_(FAILOVER):
		return (enum mrfp_h248_tok)vtok;
	default:
		return T_(NONE);
	}
}

/* Reason = "901 Cold Boot": the code is the leading number. */
static uint16_t
sc_reason(const struct mrfp_h248_str *text)
{
	uint32_t n = 0, i;

	for (i = 0; i < text->len && i < 4 && text->p[i] >= '0' && text->p[i] <= '9'; i++)
		n = n * 10 + (uint32_t)(text->p[i] - '0');
	return i > 0 ? (uint16_t)n : 0;
}

static void
sc_param(const struct mrfp_h248_node *k, struct mrfp_h248_sc *sc)
{
	uint32_t v;

	switch (k->tok) {
	case T_(METHOD):
		sc->method = sc_method(k->vtok);
		break;
	case T_(REASON):
		sc->reason_text = k->value;
		sc->reason = sc_reason(&k->value);
		break;
	case T_(SERVICECHANGEADDRESS):
		sc->address = k->value;
		break;
	case T_(MGCIDTOTRY):
		sc->mgcid = k->value;
		break;
	case T_(PROFILE):
		sc->profile = k->value;
		break;
	case T_(VERSION):
		if (h248_u32(&k->value, &v) == 0)
			sc->version = v;
		break;
	case T_(DELAY):
		if (h248_u32(&k->value, &v) == 0 && v <= INT32_MAX)
			sc->delay = (int32_t)v;
		break;
	default:
		break;
	}
}

int
h248_sc_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *sv,
	    struct mrfp_h248_sc *sc)
{
	const struct mrfp_h248_node *k;

	memset(sc, 0, sizeof(*sc));
	sc->delay = -1;
	if (sv == NULL || sv->tok != T_(SERVICES))
		return -EINVAL;
	MRFP_H248_FOREACH(t, sv, k)
	sc_param(k, sc);
	return 0;
}

int
h248_error_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *er, uint16_t *code,
	       struct mrfp_h248_str *text)
{
	const struct mrfp_h248_node *q;
	uint32_t v;

	if (er == NULL || er->tok != T_(ERROR) || h248_u32(&er->value, &v) < 0 || v > 9999)
		return -EINVAL;
	*code = (uint16_t)v;
	q = h248_find(t, er, T_(QUOTED));
	*text = q != NULL ? q->value : (struct mrfp_h248_str){"", 0};
	return 0;
}
