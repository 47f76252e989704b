/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_H248_PRIV_H
#define MRFP_CTL_H248_PRIV_H

/* Shared between the h248_*.c files only: lexer, node arena, structure check. */

#include <stdbool.h>

#include "h248.h"

/* Character classes of H.248.1 B.2 (SafeChar, RestChar, white space, EOL). */
#define MRFP_H248_C_SAFE 0x01u
#define MRFP_H248_C_WSP 0x02u /* SP, HTAB */
#define MRFP_H248_C_EOL 0x04u /* CR, LF */
#define MRFP_H248_C_HEX 0x08u
extern const uint8_t mrfp_h248_cclass[256];

static inline bool
mrfp_h248_is_safe(unsigned char c)
{
	return mrfp_h248_cclass[c] & MRFP_H248_C_SAFE;
}

/* A read position in the message. */
struct mrfp_h248_cursor {
	const char *buf;
	uint32_t len;
	uint32_t pos;
};

static inline int
mrfp_h248_peek(const struct mrfp_h248_cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->buf[c->pos] : -1;
}

/* Lexer: each returns 0, or -EBADMSG with c->pos at the fault. */
void h248_lex_lwsp(struct mrfp_h248_cursor *c);
bool h248_lex_sep(struct mrfp_h248_cursor *c); /* LWSP; true if it skipped anything */
int h248_lex_safe(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s);
int h248_lex_quoted(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s);
int h248_lex_octets(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s);
int h248_lex_list(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s);
int h248_lex_mid(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s);

/* Arena: index of a fresh zeroed node linked as parent's last child; 0 if full. */
uint32_t h248_node_new(struct mrfp_h248_tree *t, uint32_t parent);
void h248_node_link(struct mrfp_h248_tree *t, uint32_t parent, uint32_t child);

/* Structure check of one complete top-level element (a transaction); 0 or the H.248.8 code
 * with *at set to the faulty node. */
uint16_t h248_check(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *trans,
		    const struct mrfp_h248_node **at, const char **why);

#endif
