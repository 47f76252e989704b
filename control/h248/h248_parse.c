/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * H.248.1 text decoder: header, then a recursive descent over the generic element shape
 * (see h248.h), building nodes in the caller's arena. The grammar-specific rules (which
 * element may hold which, what its value must be) are a table in h248_check.c, applied to
 * each transaction once it is complete, so syntax and structure errors carry the right
 * H.248.8 code and level.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "h248_priv.h"

#define UNLINKED UINT32_MAX

struct parser {
	struct mrfp_h248_cursor c;
	struct mrfp_h248_tree *t;
	struct mrfp_h248_error *err;
	uint16_t kind; /* TRANSACTION, REPLY or PENDING whose id is known; NONE before */
	uint32_t tid;
};

static int
fail(struct parser *p, uint16_t code, uint32_t at, const char *why, int rc)
{
	struct mrfp_h248_error *e = p->err;

	e->code = code;
	e->offset = at;
	e->level =
		p->kind != MRFP_H248_TOK_NONE ? MRFP_H248_ERR_TRANSACTION : MRFP_H248_ERR_MESSAGE;
	e->kind = p->kind;
	e->trans_id = p->tid;
	snprintf(e->text, sizeof(e->text), "%s at byte %u", why, at);
	return rc;
}

/* Inside a TransactionRequest a syntax error is 403; elsewhere 400 (H.248.8). */
static int
syntax(struct parser *p, const char *why)
{
	uint16_t code = p->kind == MRFP_H248_TOK_TRANSACTION ? 403 : 400;

	return fail(p, code, p->c.pos, why, -EBADMSG);
}

static int
too_big(struct parser *p, const char *why)
{
	return fail(p, 510, p->c.pos, why, -E2BIG);
}

static struct mrfp_h248_node *
node_at(struct parser *p, uint32_t idx)
{
	return &p->t->nodes[idx];
}

/* "O-" and "W-" before a command (B.2 commandRequest). Applied only if what follows them
 * is a command: "O-x" may be a NAME. */
static void
strip_prefixes(struct mrfp_h248_node *n)
{
	struct mrfp_h248_str rest = n->name;
	uint8_t flags = 0;
	enum mrfp_h248_tok tok;

	while (rest.len > 2 && rest.p[1] == '-') {
		char c = rest.p[0] | 0x20;

		if (c == 'o')
			flags |= MRFP_H248_F_OPTIONAL;
		else if (c == 'w')
			flags |= MRFP_H248_F_WILDCARD;
		else
			break;
		rest.p += 2;
		rest.len -= 2;
	}
	if (flags == 0)
		return;
	tok = h248_tok_lookup(rest.p, rest.len);
	if (!(h248_tok_flags(tok) & MRFP_H248_TF_CMD))
		return;
	n->name = rest;
	n->flags |= flags;
}

/* Keywords are context dependent (B.2 NOTE 2): in a Topology only the direction words are
 * keywords, the termination ids around them are names. */
static enum mrfp_h248_tok
classify(const struct mrfp_h248_node *n, uint16_t parent_tok)
{
	enum mrfp_h248_tok tok;

	if (n->tok != MRFP_H248_TOK_NONE)
		return (enum mrfp_h248_tok)n->tok;
	tok = h248_tok_lookup(n->name.p, n->name.len);
	if (parent_tok == MRFP_H248_TOK_TOPOLOGY && !(h248_tok_flags(tok) & MRFP_H248_TF_TOPO))
		return MRFP_H248_TOK_NONE;
	return tok;
}

/* [TimeStamp LWSP ":"] LWSP name */
static int
parse_name(struct parser *p, struct mrfp_h248_node *n, uint16_t parent_tok)
{
	if (h248_lex_safe(&p->c, &n->name) < 0)
		return syntax(p, "expected a name");
	h248_lex_lwsp(&p->c);
	if (mrfp_h248_peek(&p->c) == ':') {
		n->stamp = n->name;
		p->c.pos++;
		h248_lex_lwsp(&p->c);
		if (h248_lex_safe(&p->c, &n->name) < 0)
			return syntax(p, "expected an event name after the time stamp");
	}
	strip_prefixes(n);
	n->tok = (uint16_t)classify(n, parent_tok);
	return 0;
}

static int
parse_op(struct parser *p, struct mrfp_h248_node *n)
{
	switch (mrfp_h248_peek(&p->c)) {
	case '=':
		n->op = MRFP_H248_OP_EQ;
		break;
	case '#':
		n->op = MRFP_H248_OP_NE;
		break;
	case '>':
		n->op = MRFP_H248_OP_GT;
		break;
	case '<':
		n->op = MRFP_H248_OP_LT;
		break;
	default:
		return 0;
	}
	p->c.pos++;
	h248_lex_lwsp(&p->c);
	return 1;
}

/* VALUE, list, quoted string or mId after the operator. "{" after "=" opens the body of a
 * keyword (Transaction = {, DigitMap = {) but a value list after a NAME. */
static int
parse_value(struct parser *p, struct mrfp_h248_node *n)
{
	unsigned f = h248_tok_flags((enum mrfp_h248_tok)n->tok);
	int ch = mrfp_h248_peek(&p->c);
	int rc;

	if (ch == '{' && n->tok != MRFP_H248_TOK_NONE)
		return 0;
	if (ch == '"') {
		n->vkind = MRFP_H248_VAL_QUOTED;
		rc = h248_lex_quoted(&p->c, &n->value);
	} else if (f & MRFP_H248_TF_MID) {
		n->vkind = MRFP_H248_VAL_MID;
		rc = h248_lex_mid(&p->c, &n->value);
	} else if (ch == '[' || ch == '{') {
		n->vkind = ch == '[' ? MRFP_H248_VAL_LIST : MRFP_H248_VAL_ALT;
		rc = h248_lex_list(&p->c, &n->value);
	} else {
		rc = h248_lex_safe(&p->c, &n->value);
	}
	if (rc < 0)
		return syntax(p, ch < 0 ? "unexpected end of message" : "bad value");
	if (f & MRFP_H248_TF_VKW)
		n->vtok = (uint16_t)h248_tok_lookup(n->value.p, n->value.len);
	return 0;
}

static int parse_element(struct parser *p, uint32_t parent, unsigned depth, uint32_t *out);

static int
parse_raw_body(struct parser *p, struct mrfp_h248_node *n)
{
	if (h248_lex_octets(&p->c, &n->raw) < 0)
		return syntax(p, "unterminated octet string");
	n->flags |= MRFP_H248_F_RAW;
	p->c.pos++;
	return 0;
}

/* "{" [element *("," element)] "}" */
static int
parse_body(struct parser *p, uint32_t idx, unsigned depth)
{
	struct mrfp_h248_node *n = node_at(p, idx);
	uint32_t kid;
	int ch, rc;

	n->flags |= MRFP_H248_F_BODY;
	p->c.pos++;
	if (h248_tok_flags((enum mrfp_h248_tok)n->tok) & MRFP_H248_TF_RAW)
		return parse_raw_body(p, n);
	h248_lex_lwsp(&p->c);
	if (mrfp_h248_peek(&p->c) == '}') {
		p->c.pos++;
		return 0;
	}
	for (;;) {
		rc = parse_element(p, idx, depth + 1, &kid);
		if (rc < 0)
			return rc;
		h248_lex_lwsp(&p->c);
		ch = mrfp_h248_peek(&p->c);
		p->c.pos++;
		if (ch == '}')
			return 0;
		if (ch != ',') {
			p->c.pos--;
			return syntax(p,
				      ch < 0 ? "unexpected end of message" : "expected ',' or '}'");
		}
	}
}

/* At message level: note which transaction is being read, so that later errors in it are
 * transaction-level (H.248.8: answer the transaction when its id can be read). */
static int
note_transaction(struct parser *p, const struct mrfp_h248_node *n)
{
	uint32_t id, seg;

	switch (n->tok) {
	case MRFP_H248_TOK_TRANSACTION:
	case MRFP_H248_TOK_REPLY:
	case MRFP_H248_TOK_PENDING:
		if (h248_trans_id(n, &id, &seg) < 0)
			return fail(p, 410, n->offset, "bad transaction id", -EBADMSG);
		p->kind = n->tok;
		p->tid = id;
		return 0;
	case MRFP_H248_TOK_RESPONSEACK:
	case MRFP_H248_TOK_ERROR:
	case MRFP_H248_TOK_SEGMENT:
		return 0;
	default:
		return fail(p, 400, n->offset, "expected a transaction", -EBADMSG);
	}
}

/* A bare quoted string: the text of an Error descriptor. */
static int
parse_quoted_element(struct parser *p, struct mrfp_h248_node *n)
{
	n->tok = MRFP_H248_TOK_QUOTED;
	n->vkind = MRFP_H248_VAL_QUOTED;
	if (h248_lex_quoted(&p->c, &n->value) < 0)
		return syntax(p, "unterminated quoted string");
	return 0;
}

/* element = [stamp ":"] name [op value] [body]; *out is its node. */
static int
parse_element(struct parser *p, uint32_t parent, unsigned depth, uint32_t *out)
{
	uint16_t ptok = parent == UNLINKED ? MRFP_H248_TOK_NONE : node_at(p, parent)->tok;
	struct mrfp_h248_node *n;
	uint32_t idx;
	int rc;

	if (depth > MRFP_H248_MAX_DEPTH)
		return too_big(p, "nesting too deep");
	h248_lex_lwsp(&p->c);
	idx = h248_node_new(p->t, parent);
	if (idx == 0)
		return too_big(p, "too many elements");
	*out = idx;
	n = node_at(p, idx);
	n->offset = p->c.pos;
	if (mrfp_h248_peek(&p->c) == '"')
		return parse_quoted_element(p, n);
	rc = parse_name(p, n, ptok);
	if (rc < 0)
		return rc;
	h248_lex_lwsp(&p->c);
	if (parse_op(p, n) && (rc = parse_value(p, n)) < 0)
		return rc;
	if (depth == 1 && (rc = note_transaction(p, n)) < 0)
		return rc;
	h248_lex_lwsp(&p->c);
	if (mrfp_h248_peek(&p->c) == '{')
		return parse_body(p, idx, depth);
	return 0;
}

/* AuthenticationHeader = AuthToken EQUAL SecurityParmIndex COLON SequenceNum COLON AuthData */
static int
parse_auth(struct parser *p, struct mrfp_h248_msg *msg, uint32_t start)
{
	struct mrfp_h248_str s;

	p->c.pos++;
	for (int i = 0; i < 3; i++) {
		if (i > 0 && mrfp_h248_peek(&p->c) != ':')
			return syntax(p, "bad authentication header");
		if (i > 0)
			p->c.pos++;
		if (h248_lex_safe(&p->c, &s) < 0)
			return syntax(p, "bad authentication header");
	}
	msg->auth = (struct mrfp_h248_str){p->c.buf + start, p->c.pos - start};
	h248_lex_lwsp(&p->c);
	return 0;
}

/* MegacopToken SLASH Version, Version = 1*2(DIGIT) */
static int
parse_version(struct parser *p, const struct mrfp_h248_str *s, struct mrfp_h248_msg *msg)
{
	const char *slash = memchr(s->p, '/', s->len);
	struct mrfp_h248_str v;
	uint32_t n;

	if (slash == NULL || h248_tok_lookup(s->p, (size_t)(slash - s->p)) != MRFP_H248_TOK_MEGACO)
		return fail(p, 400, 0, "missing MEGACO header", -EBADMSG);
	v = (struct mrfp_h248_str){slash + 1, (uint32_t)(s->len - (uint32_t)(slash + 1 - s->p))};
	if (v.len == 0 || v.len > 2 || h248_u32(&v, &n) < 0)
		return fail(p, 400, 0, "bad version in header", -EBADMSG);
	msg->version = n;
	if (n < 1 || n > 3)
		return fail(p, 406, 0, "version not supported", -EPROTONOSUPPORT);
	return 0;
}

/* [AuthenticationHeader SEP] MegacopToken SLASH Version SEP mId SEP */
static int
parse_header(struct parser *p, struct mrfp_h248_msg *msg)
{
	struct mrfp_h248_str s, mid;
	uint32_t start;
	int rc;

	h248_lex_lwsp(&p->c);
	start = p->c.pos;
	if (h248_lex_safe(&p->c, &s) < 0)
		return fail(p, 400, p->c.pos, "missing MEGACO header", -EBADMSG);
	if (h248_tok_lookup(s.p, s.len) == MRFP_H248_TOK_AUTH && mrfp_h248_peek(&p->c) == '=') {
		if ((rc = parse_auth(p, msg, start)) < 0)
			return rc;
		if (h248_lex_safe(&p->c, &s) < 0)
			return fail(p, 400, p->c.pos, "missing MEGACO header", -EBADMSG);
	}
	if ((rc = parse_version(p, &s, msg)) < 0)
		return rc;
	if (!h248_lex_sep(&p->c))
		return syntax(p, "expected white space after the version");
	start = p->c.pos;
	if (h248_lex_mid(&p->c, &mid) < 0 || h248_mid_parse(&mid, 0, &msg->mid) < 0)
		return fail(p, 410, start, "bad mId in header", -EBADMSG);
	return 0;
}

/* messageBody = errorDescriptor / transactionList */
static int
parse_transactions(struct parser *p)
{
	const struct mrfp_h248_node *at;
	const char *why;
	unsigned count = 0;
	bool msg_error = false;
	uint32_t idx;
	uint16_t code;
	int rc;

	for (h248_lex_lwsp(&p->c); p->c.pos < p->c.len; h248_lex_lwsp(&p->c)) {
		p->kind = MRFP_H248_TOK_NONE;
		if (msg_error)
			return syntax(p, "message-level Error must stand alone");
		rc = parse_element(p, UNLINKED, 1, &idx);
		if (rc < 0)
			return rc;
		code = h248_check(p->t, node_at(p, idx), &at, &why);
		if (code != 0)
			return fail(p, code, at->offset, why, -EBADMSG);
		msg_error = node_at(p, idx)->tok == MRFP_H248_TOK_ERROR;
		if (msg_error && count > 0)
			return fail(p, 400, node_at(p, idx)->offset,
				    "message-level Error must stand alone", -EBADMSG);
		h248_node_link(p->t, 0, idx);
		count++;
	}
	p->kind = MRFP_H248_TOK_NONE;
	if (count == 0)
		return syntax(p, "no transaction in message");
	return 0;
}

int
h248_decode(const char *buf, size_t len, struct mrfp_h248_tree *t, struct mrfp_h248_msg *msg,
	    struct mrfp_h248_error *err)
{
	struct parser p = {.c = {buf, (uint32_t)len, 0}, .t = t, .err = err};
	int rc;

	if (buf == NULL || t == NULL || msg == NULL || err == NULL)
		return -EINVAL;
	memset(err, 0, sizeof(*err));
	memset(msg, 0, sizeof(*msg));
	h248_tree_init(t, t->nodes, t->cap, t->pool, t->pool_cap);
	if (t->cap < 2)
		return -EINVAL;
	if (len > MRFP_H248_MAX_MSG) {
		p.c.len = 0;
		return too_big(&p, "message too long");
	}
	t->nodes[0].tok = MRFP_H248_TOK_MEGACO;
	rc = parse_header(&p, msg);
	if (rc < 0)
		return rc;
	return parse_transactions(&p);
}
