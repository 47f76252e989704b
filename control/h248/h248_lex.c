/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lexical elements of the H.248.1 text encoding (Annex B.2): LWSP with comments, SafeChar
 * runs, quoted strings, octet strings, bracketed value lists and mIds. One function each.
 */
#include <errno.h>

#include "h248_priv.h"

#define S MRFP_H248_C_SAFE
#define H (MRFP_H248_C_SAFE | MRFP_H248_C_HEX)

/* SafeChar = DIGIT / ALPHA / "+" / "-" / "&" / "!" / "_" / "/" / "'" / "?" / "@" / "^" /
 * "`" / "~" / "*" / "$" / "\" / "(" / ")" / "%" / "|" / "." */
const uint8_t mrfp_h248_cclass[256] = {
	['0' ... '9'] = H,
	['a' ... 'f'] = H,
	['A' ... 'F'] = H,
	['g' ... 'z'] = S,
	['G' ... 'Z'] = S,
	['+'] = S,
	['-'] = S,
	['&'] = S,
	['!'] = S,
	['_'] = S,
	['/'] = S,
	['\''] = S,
	['?'] = S,
	['@'] = S,
	['^'] = S,
	['`'] = S,
	['~'] = S,
	['*'] = S,
	['$'] = S,
	['\\'] = S,
	['('] = S,
	[')'] = S,
	['%'] = S,
	['|'] = S,
	['.'] = S,
	[' '] = MRFP_H248_C_WSP,
	['\t'] = MRFP_H248_C_WSP,
	['\r'] = MRFP_H248_C_EOL,
	['\n'] = MRFP_H248_C_EOL,
};

#undef S
#undef H

/* COMMENT = ";" *(SafeChar / RestChar / WSP / %x22) EOL: runs to the end of the line. */
static void
skip_comment(struct mrfp_h248_cursor *c)
{
	while (c->pos < c->len &&
	       !(mrfp_h248_cclass[(unsigned char)c->buf[c->pos]] & MRFP_H248_C_EOL))
		c->pos++;
}

/* LWSP = *(WSP / COMMENT / EOL) */
bool
h248_lex_sep(struct mrfp_h248_cursor *c)
{
	uint32_t start = c->pos;

	while (c->pos < c->len) {
		unsigned char ch = (unsigned char)c->buf[c->pos];

		if (ch == ';')
			skip_comment(c);
		else if (mrfp_h248_cclass[ch] & (MRFP_H248_C_WSP | MRFP_H248_C_EOL))
			c->pos++;
		else
			break;
	}
	return c->pos != start;
}

void
h248_lex_lwsp(struct mrfp_h248_cursor *c)
{
	(void)h248_lex_sep(c);
}

/* 1*SafeChar */
int
h248_lex_safe(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s)
{
	uint32_t start = c->pos;

	while (c->pos < c->len && mrfp_h248_is_safe((unsigned char)c->buf[c->pos]))
		c->pos++;
	if (c->pos == start)
		return -EBADMSG;
	*s = (struct mrfp_h248_str){c->buf + start, c->pos - start};
	return 0;
}

/* Characters allowed between double quotes: printable, WSP, EOL, and 8-bit octets. */
static bool
quotable(unsigned char ch)
{
	return ch >= 0x20 || ch == '\t' || ch == '\r' || ch == '\n';
}

/* quotedString = DQUOTE *(SafeChar / EOL / RestChar / WSP) DQUOTE; no escapes exist. */
int
h248_lex_quoted(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s)
{
	uint32_t start = ++c->pos;

	while (c->pos < c->len && c->buf[c->pos] != '"') {
		if (!quotable((unsigned char)c->buf[c->pos]))
			return -EBADMSG;
		c->pos++;
	}
	if (c->pos >= c->len)
		return -EBADMSG;
	*s = (struct mrfp_h248_str){c->buf + start, c->pos - start};
	c->pos++;
	return 0;
}

/* octetString = *(nonEscapeChar); nonEscapeChar = ("\}" / %x01-7C / %x7E-FF). Stops before
 * the closing brace, which the caller consumes. */
int
h248_lex_octets(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s)
{
	uint32_t start = c->pos;

	while (c->pos < c->len && c->buf[c->pos] != '}') {
		if (c->buf[c->pos] == '\0')
			return -EBADMSG;
		if (c->buf[c->pos] == '\\' && c->pos + 1 < c->len && c->buf[c->pos + 1] == '}')
			c->pos++;
		c->pos++;
	}
	if (c->pos >= c->len)
		return -EBADMSG;
	*s = (struct mrfp_h248_str){c->buf + start, c->pos - start};
	return 0;
}

/* "[" ... "]" or "{" ... "}" holding values (safe chars, quoted strings, "," ":" and LWSP);
 * kept whole, brackets included, and split by h248_list_next(). */
int
h248_lex_list(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s)
{
	uint32_t start = c->pos;
	char close = c->buf[c->pos] == '[' ? ']' : '}';
	struct mrfp_h248_str q;

	c->pos++;
	while (c->pos < c->len && c->buf[c->pos] != close) {
		unsigned char ch = (unsigned char)c->buf[c->pos];

		if (ch == '"') {
			if (h248_lex_quoted(c, &q) < 0)
				return -EBADMSG;
			continue;
		}
		if (!mrfp_h248_is_safe(ch) && ch != ',' && ch != ':' && ch != ' ' && ch != '\t' &&
		    ch != '\r' && ch != '\n')
			return -EBADMSG;
		c->pos++;
	}
	if (c->pos >= c->len)
		return -EBADMSG;
	c->pos++;
	*s = (struct mrfp_h248_str){c->buf + start, c->pos - start};
	return 0;
}

/* Scan up to and including close; only chars that may appear in an address. */
static int
scan_bracketed(struct mrfp_h248_cursor *c, char close)
{
	c->pos++;
	while (c->pos < c->len && c->buf[c->pos] != close) {
		unsigned char ch = (unsigned char)c->buf[c->pos];

		if (!mrfp_h248_is_safe(ch) && ch != ':')
			return -EBADMSG;
		c->pos++;
	}
	if (c->pos >= c->len)
		return -EBADMSG;
	c->pos++;
	return 0;
}

/* [":" portNumber] */
static void
scan_port(struct mrfp_h248_cursor *c)
{
	if (mrfp_h248_peek(c) != ':')
		return;
	c->pos++;
	while (c->pos < c->len && c->buf[c->pos] >= '0' && c->buf[c->pos] <= '9')
		c->pos++;
}

/* mId = ((domainAddress / domainName) [":" portNumber]) / mtpAddress / deviceName; the
 * pieces are checked by h248_mid_parse(). */
int
h248_lex_mid(struct mrfp_h248_cursor *c, struct mrfp_h248_str *s)
{
	uint32_t start = c->pos;
	struct mrfp_h248_str name;
	int ch = mrfp_h248_peek(c);

	if (ch == '[' || ch == '<') {
		if (scan_bracketed(c, ch == '[' ? ']' : '>') < 0)
			return -EBADMSG;
		scan_port(c);
	} else {
		if (h248_lex_safe(c, &name) < 0)
			return -EBADMSG;
		if (h248_str_eq(&name, "MTP") && mrfp_h248_peek(c) == '{' &&
		    scan_bracketed(c, '}') < 0)
			return -EBADMSG;
	}
	*s = (struct mrfp_h248_str){c->buf + start, c->pos - start};
	return 0;
}
