/* SPDX-License-Identifier: BSD-3-Clause */
/* Text helpers shared by the SDP parser's files (control-private). */
#ifndef MRFP_CTL_SDP_PRIV_H
#define MRFP_CTL_SDP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slice {
	const char *p;
	size_t n;
};

static inline bool
sdp_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Next run of non-blanks in *s; false at the end. */
static inline bool
sdp_next_token(struct slice *s, struct slice *tok)
{
	while (s->n > 0 && sdp_is_wsp(*s->p)) {
		s->p++;
		s->n--;
	}
	tok->p = s->p;
	while (s->n > 0 && !sdp_is_wsp(*s->p)) {
		s->p++;
		s->n--;
	}
	tok->n = (size_t)(s->p - tok->p);
	return tok->n > 0;
}

/* Decimal without sign or leading zeros ("leading zeroes MUST NOT be used", RFC 4568 6.1),
 * at most max. */
static inline bool
sdp_tok_dec(struct slice t, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (t.n == 0 || t.n > 20 || (t.n > 1 && t.p[0] == '0'))
		return false;
	for (size_t i = 0; i < t.n; i++) {
		unsigned int d = (unsigned char)t.p[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

#endif
