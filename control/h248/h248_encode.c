/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248.1 text encoder: a tree (decoded or built) back to text, pretty or compact. The
 * layout follows Erlang/OTP megaco's encoders (tabs, "Name = value" for keywords, "name=value"
 * for package items), which both OTP and tshark's MEGACO dissector read back.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "h248_priv.h"

struct writer {
	char *out;
	size_t size; /* room for text, the NUL excluded */
	size_t len;
	bool full;
	bool compact;
};

static void
put(struct writer *w, const char *s, size_t len)
{
	if (len == 0)
		return;
	if (w->full || len > w->size - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->out + w->len, s, len);
	w->len += len;
}

static void
puts_(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
put_str(struct writer *w, const struct mrfp_h248_str *s)
{
	put(w, s->p, s->len);
}

static void
indent(struct writer *w, unsigned depth)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	if (!w->compact)
		put(w, tabs, depth < sizeof(tabs) - 1 ? depth : sizeof(tabs) - 1);
}

static void
newline(struct writer *w, unsigned depth)
{
	if (w->compact)
		return;
	put(w, "\n", 1);
	indent(w, depth);
}

static const char *
tok_text(const struct writer *w, uint16_t tok)
{
	return h248_tok_name((enum mrfp_h248_tok)tok, w->compact);
}

/* [stamp ":"] ["O-"] ["W-"] name */
static void
enc_name(struct writer *w, const struct mrfp_h248_node *n)
{
	if (n->stamp.len > 0) {
		put_str(w, &n->stamp);
		put(w, ":", 1);
	}
	if (n->flags & MRFP_H248_F_OPTIONAL)
		puts_(w, "O-");
	if (n->flags & MRFP_H248_F_WILDCARD)
		puts_(w, "W-");
	if (n->tok == MRFP_H248_TOK_NONE)
		put_str(w, &n->name);
	else
		puts_(w, tok_text(w, n->tok));
}

static bool
all_safe(const struct mrfp_h248_str *s)
{
	for (uint32_t i = 0; i < s->len; i++)
		if (!mrfp_h248_is_safe((unsigned char)s->p[i]))
			return false;
	return s->len > 0;
}

static void
enc_quoted(struct writer *w, const struct mrfp_h248_str *s)
{
	put(w, "\"", 1);
	put_str(w, s);
	put(w, "\"", 1);
}

static void
enc_value(struct writer *w, const struct mrfp_h248_node *n)
{
	static const char *const ops[] = {"", "=", "#", ">", "<"};
	bool spaced = !w->compact && n->tok != MRFP_H248_TOK_NONE;

	if (n->op == MRFP_H248_OP_NONE || n->op >= sizeof(ops) / sizeof(ops[0]))
		return;
	if (spaced)
		put(w, " ", 1);
	puts_(w, ops[n->op]);
	if (spaced)
		put(w, " ", 1);
	if (n->vtok != MRFP_H248_TOK_NONE)
		puts_(w, tok_text(w, n->vtok));
	else if (n->vkind == MRFP_H248_VAL_QUOTED ||
		 (n->vkind == MRFP_H248_VAL_PLAIN && !all_safe(&n->value)))
		enc_quoted(w, &n->value);
	else
		put_str(w, &n->value);
}

static bool
is_eol(char c)
{
	return c == '\n' || c == '\r';
}

/* The octet string goes out as it is, on lines of its own as SDP is. White space after its
 * last line (the indentation of the closing brace in a decoded message) is left out, and the
 * brace is not indented: tshark's SDP dissector reads such blanks as a malformed line. */
static void
enc_raw(struct writer *w, const struct mrfp_h248_node *n)
{
	struct mrfp_h248_str r = n->raw;
	uint32_t end = r.len;

	while (end > 0 && (r.p[end - 1] == ' ' || r.p[end - 1] == '\t'))
		end--;
	if (end > 0 && is_eol(r.p[end - 1]))
		r.len = end;
	if (r.len == 0 || !is_eol(r.p[0]))
		put(w, "\n", 1);
	put_str(w, &r);
	if (r.len == 0 || !is_eol(r.p[r.len - 1]))
		put(w, "\n", 1);
	put(w, "}", 1);
}

static void enc_node(struct writer *w, const struct mrfp_h248_tree *t,
		     const struct mrfp_h248_node *n, unsigned depth);

static void
enc_body(struct writer *w, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
	 unsigned depth)
{
	const struct mrfp_h248_node *k;

	put(w, w->compact ? "{" : " {", w->compact ? 1 : 2);
	if (n->flags & MRFP_H248_F_RAW) {
		enc_raw(w, n);
		return;
	}
	if (n->first == 0) {
		put(w, "}", 1);
		return;
	}
	MRFP_H248_FOREACH(t, n, k)
	{
		if (k != h248_first(t, n))
			put(w, ",", 1);
		newline(w, depth + 1);
		enc_node(w, t, k, depth + 1);
	}
	newline(w, depth);
	put(w, "}", 1);
}

static void
enc_node(struct writer *w, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
	 unsigned depth)
{
	if (n->tok == MRFP_H248_TOK_QUOTED) {
		enc_quoted(w, &n->value);
		return;
	}
	enc_name(w, n);
	enc_value(w, n);
	if (n->first != 0 || (n->flags & (MRFP_H248_F_BODY | MRFP_H248_F_RAW)))
		enc_body(w, t, n, depth);
}

/* MegacopToken SLASH Version SEP mId SEP */
static void
enc_header(struct writer *w, const struct mrfp_h248_msg *msg)
{
	char v[4] = {'/', (char)('0' + msg->version), ' ', '\0'};

	if (msg->auth.len > 0) {
		put_str(w, &msg->auth);
		put(w, "\n", 1);
	}
	puts_(w, tok_text(w, MRFP_H248_TOK_MEGACO));
	puts_(w, v);
	put_str(w, &msg->mid.text);
	put(w, "\n", 1);
}

int
h248_encode(const struct mrfp_h248_tree *t, const struct mrfp_h248_msg *msg,
	    enum mrfp_h248_style style, char *out, size_t size, size_t *len)
{
	struct writer w = {
		.out = out, .size = size > 0 ? size - 1 : 0, .compact = style == MRFP_H248_COMPACT};
	const struct mrfp_h248_node *k;

	if (t == NULL || msg == NULL || out == NULL || size == 0 || t->n == 0 || msg->version < 1 ||
	    msg->version > 3 || msg->mid.text.len == 0)
		return -EINVAL;
	enc_header(&w, msg);
	MRFP_H248_FOREACH(t, h248_root(t), k)
	{
		enc_node(&w, t, k, 0);
		put(&w, "\n", 1);
	}
	out[w.full ? 0 : w.len] = '\0';
	if (w.full)
		return -ENOSPC;
	*len = w.len;
	return 0;
}
