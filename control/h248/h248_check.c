/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Structure of a decoded transaction, table-driven: for each element, what its value must be
 * and which elements it may hold (H.248.1 B.2 productions), with the H.248.8 code to return
 * when it does not. Elements without a rule (Events, Signals, Audit, Statistics...) may hold
 * anything: their packages are for the caller to judge.
 */
#include <errno.h>
#include <stddef.h>

#include "h248_priv.h"

#define T_(x) MRFP_H248_TOK_##x

_Static_assert(MRFP_H248_TOK_COUNT_ <= 256, "the once-only set has 256 bits");

enum value_rule { V_ANY = 0, V_NONE, V_REQ };
enum where { IN_ANY = 0, IN_REQ, IN_REP };

struct rule {
	uint16_t tok;
	uint8_t where;	      /* enum where: inside a Transaction or a Reply */
	uint8_t value;	      /* enum value_rule */
	uint16_t missing_err; /* V_REQ and no value */
	uint16_t value_err;   /* value_ok said no, or V_NONE and a value */
	int (*value_ok)(const struct mrfp_h248_node *n);
	const uint16_t *kids; /* keyword children allowed, 0-terminated; NULL: any */
	uint16_t kid_err;     /* a keyword child not in kids */
	uint16_t name_err;    /* a NAME child; 0: NAMEs allowed */
	int (*name_ok)(const struct mrfp_h248_node *n);
	uint16_t body_err; /* no child at all; 0: may be empty */
	uint8_t once;	   /* keyword children at most once (448), Stream excepted */
};

struct walk {
	bool in_reply;
	const struct mrfp_h248_node *at;
	const char *why;
};

/* ---- value checks ---- */

static int
v_u32(const struct mrfp_h248_node *n)
{
	uint32_t v;

	return h248_u32(&n->value, &v) == 0;
}

static int
v_transid(const struct mrfp_h248_node *n)
{
	uint32_t id, seg;

	return h248_trans_id(n, &id, &seg) == 0;
}

static int
v_ctxid(const struct mrfp_h248_node *n)
{
	struct mrfp_h248_ctxid id;

	return h248_ctxid_parse(&n->value, &id) == 0;
}

/* terminationID or termIDList: each item a valid termination id, at least one. */
static int
v_termids(const struct mrfp_h248_node *n)
{
	struct mrfp_h248_termid tid;
	struct mrfp_h248_str item;
	uint32_t pos = 0;
	int count = 0, rc;

	if (n->vkind != MRFP_H248_VAL_PLAIN && n->vkind != MRFP_H248_VAL_LIST)
		return 0;
	while ((rc = h248_list_next(&n->value, &pos, &item)) == 0) {
		if (h248_termid_parse(&item, &tid) < 0)
			return 0;
		count++;
	}
	return rc == -ENOENT && count > 0;
}

static int
v_stream(const struct mrfp_h248_node *n)
{
	uint32_t v;

	return h248_u32(&n->value, &v) == 0 && v <= UINT16_MAX;
}

static int
v_mode(const struct mrfp_h248_node *n)
{
	switch (n->vtok) {
	case T_(SENDONLY):
	case T_(RECVONLY):
	case T_(SENDRECV):
	case T_(INACTIVE):
	case T_(LOOPBACK):
		return 1;
	default:
		return 0;
	}
}

static int
v_onoff(const struct mrfp_h248_node *n)
{
	return n->vtok == T_(ON) || n->vtok == T_(OFF);
}

/* ErrorCode = 1*4(DIGIT) */
static int
v_errcode(const struct mrfp_h248_node *n)
{
	uint32_t v;

	return h248_u32(&n->value, &v) == 0 && n->value.len <= 4;
}

/* ServiceChangeVersion = 1*2(DIGIT) */
static int
v_version(const struct mrfp_h248_node *n)
{
	uint32_t v;

	return h248_u32(&n->value, &v) == 0 && n->value.len <= 2;
}

static int
n_ack(const struct mrfp_h248_node *n)
{
	uint32_t a, b;

	return n->op == MRFP_H248_OP_NONE && h248_ack_range(&n->name, &a, &b) == 0;
}

/* ---- children allowed ---- */

static const uint16_t k_none[] = {0};
static const uint16_t k_trans[] = {T_(CONTEXT), 0};
static const uint16_t k_reply[] = {T_(IMMACKREQUIRED), T_(CONTEXT), T_(ERROR), 0};
static const uint16_t k_error[] = {T_(QUOTED), 0};
static const uint16_t k_ctx_req[] = {
	T_(ADD),	T_(MODIFY),	 T_(SUBTRACT),	   T_(MOVE),
	T_(AUDITVALUE), T_(AUDITCAP),	 T_(NOTIFY),	   T_(SERVICECHANGE),
	T_(PRIORITY),	T_(EMERGENCY),	 T_(EMERGENCYOFF), T_(TOPOLOGY),
	T_(IEPS),	T_(CONTEXTATTR), T_(CONTEXTAUDIT), 0};
static const uint16_t k_ctx_rep[] = {
	T_(ADD),	T_(MODIFY),	 T_(SUBTRACT),	   T_(MOVE),
	T_(AUDITVALUE), T_(AUDITCAP),	 T_(NOTIFY),	   T_(SERVICECHANGE),
	T_(PRIORITY),	T_(EMERGENCY),	 T_(EMERGENCYOFF), T_(TOPOLOGY),
	T_(IEPS),	T_(CONTEXTATTR), T_(ERROR),	   0};
/* ammParameter (v3 adds Statistics) */
static const uint16_t k_amm[] = {
	T_(MEDIA),   T_(MODEM),	   T_(MUX),   T_(EVENTS),     T_(EVENTBUFFER),
	T_(SIGNALS), T_(DIGITMAP), T_(AUDIT), T_(STATISTICS), 0};
static const uint16_t k_audit_only[] = {T_(AUDIT), 0};
static const uint16_t k_notify[] = {T_(OBSERVEDEVENTS), T_(ERROR), 0};
static const uint16_t k_sc_req[] = {T_(SERVICES), 0};
static const uint16_t k_sc_rep[] = {T_(SERVICES), T_(ERROR), 0};
/* auditReturnParameter: what a command reply may carry */
static const uint16_t k_cmd_rep[] = {T_(MEDIA),
				     T_(MODEM),
				     T_(MUX),
				     T_(EVENTS),
				     T_(SIGNALS),
				     T_(DIGITMAP),
				     T_(OBSERVEDEVENTS),
				     T_(EVENTBUFFER),
				     T_(STATISTICS),
				     T_(PACKAGES),
				     T_(ERROR),
				     T_(AUDIT),
				     0};
static const uint16_t k_media[] = {T_(TERMINATIONSTATE), T_(LOCALCONTROL), T_(LOCAL), T_(REMOTE),
				   T_(STREAM),		 T_(STATISTICS),   0};
static const uint16_t k_stream[] = {T_(LOCALCONTROL), T_(LOCAL), T_(REMOTE), T_(STATISTICS), 0};
static const uint16_t k_lc[] = {T_(MODE), T_(RESERVEDVALUE), T_(RESERVEDGROUP), 0};
static const uint16_t k_ts[] = {T_(SERVICESTATES), T_(BUFFER), 0};
static const uint16_t k_sv[] = {
	T_(METHOD),	T_(REASON), T_(SERVICECHANGEADDRESS), T_(PROFILE), T_(VERSION),
	T_(MGCIDTOTRY), T_(DELAY),  T_(SERVICECHANGEINC),     T_(AUTH),	   0};

/* Codes (H.248.8) */
#define E_MSG 400u
#define E_TRANS 403u
#define E_ID 410u
#define E_ACTION 422u
#define E_CMD 442u
#define E_UNKNOWN_CMD 443u
#define E_UNKNOWN_DESC 444u
#define E_UNKNOWN_PROP 445u
#define E_NOT_LEGAL 447u
#define E_TWICE 448u
#define E_PROP_VALUE 449u
#define E_MODE 517u

#define RULE(tok_, where_, ...)                                                                    \
	{                                                                                          \
		.tok = T_(tok_), .where = (where_), __VA_ARGS__                                    \
	}
#define TERMS .value = V_REQ, .missing_err = E_CMD, .value_err = E_ID, .value_ok = v_termids
#define DESCS .kid_err = E_NOT_LEGAL, .name_err = E_UNKNOWN_DESC, .once = 1
#define BARE(err) .value = V_NONE, .value_err = (err)

static const struct rule rules[] = {
	RULE(TRANSACTION, IN_ANY, .value = V_REQ, .missing_err = E_ID, .value_err = E_ID,
	     .value_ok = v_u32, .kids = k_trans, .kid_err = E_TRANS, .name_err = E_TRANS,
	     .body_err = E_TRANS),
	RULE(REPLY, IN_ANY, .value = V_REQ, .missing_err = E_ID, .value_err = E_ID,
	     .value_ok = v_transid, .kids = k_reply, .kid_err = E_MSG, .name_err = E_MSG,
	     .body_err = E_MSG),
	RULE(PENDING, IN_ANY, .value = V_REQ, .missing_err = E_ID, .value_err = E_ID,
	     .value_ok = v_u32, .kids = k_none, .kid_err = E_MSG, .name_err = E_MSG),
	RULE(RESPONSEACK, IN_ANY, BARE(E_MSG), .kids = k_none, .kid_err = E_MSG, .name_ok = n_ack,
	     .body_err = E_MSG),
	RULE(SEGMENT, IN_ANY, .value = V_REQ, .missing_err = E_MSG, .value_err = E_MSG,
	     .value_ok = v_transid, .kids = k_none, .kid_err = E_MSG, .name_err = E_MSG),
	RULE(ERROR, IN_ANY, .value = V_REQ, .missing_err = E_MSG, .value_err = E_MSG,
	     .value_ok = v_errcode, .kids = k_error, .kid_err = E_MSG, .name_err = E_MSG),
	RULE(CONTEXT, IN_REQ, .value = V_REQ, .missing_err = E_ACTION, .value_err = E_ID,
	     .value_ok = v_ctxid, .kids = k_ctx_req, .kid_err = E_ACTION, .name_err = E_UNKNOWN_CMD,
	     .body_err = E_ACTION),
	RULE(CONTEXT, IN_REP, .value = V_REQ, .missing_err = E_MSG, .value_err = E_ID,
	     .value_ok = v_ctxid, .kids = k_ctx_rep, .kid_err = E_MSG, .name_err = E_MSG),
	RULE(ADD, IN_REQ, TERMS, .kids = k_amm, DESCS),
	RULE(MODIFY, IN_REQ, TERMS, .kids = k_amm, DESCS),
	RULE(MOVE, IN_REQ, TERMS, .kids = k_amm, DESCS),
	RULE(SUBTRACT, IN_REQ, TERMS, .kids = k_audit_only, DESCS),
	RULE(AUDITVALUE, IN_REQ, TERMS, .kids = k_audit_only, DESCS),
	RULE(AUDITCAP, IN_REQ, TERMS, .kids = k_audit_only, DESCS),
	RULE(NOTIFY, IN_REQ, TERMS, .kids = k_notify, DESCS, .body_err = E_CMD),
	RULE(SERVICECHANGE, IN_REQ, TERMS, .kids = k_sc_req, DESCS, .body_err = E_CMD),
	RULE(ADD, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(MODIFY, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(MOVE, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(SUBTRACT, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(AUDITVALUE, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(AUDITCAP, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(NOTIFY, IN_REP, TERMS, .kids = k_cmd_rep, DESCS),
	RULE(SERVICECHANGE, IN_REP, TERMS, .kids = k_sc_rep, DESCS),
	RULE(MEDIA, IN_ANY, BARE(E_CMD), .kids = k_media, .kid_err = E_UNKNOWN_DESC,
	     .name_err = E_UNKNOWN_DESC, .once = 1),
	RULE(STREAM, IN_ANY, .value = V_REQ, .missing_err = E_CMD, .value_err = E_ID,
	     .value_ok = v_stream, .kids = k_stream, .kid_err = E_UNKNOWN_DESC,
	     .name_err = E_UNKNOWN_DESC, .once = 1),
	RULE(LOCALCONTROL, IN_ANY, BARE(E_CMD), .kids = k_lc, .kid_err = E_UNKNOWN_PROP, .once = 1),
	RULE(TERMINATIONSTATE, IN_ANY, BARE(E_CMD), .kids = k_ts, .kid_err = E_UNKNOWN_PROP,
	     .once = 1),
	RULE(MODE, IN_ANY, .value = V_REQ, .missing_err = E_CMD, .value_err = E_MODE,
	     .value_ok = v_mode, .kids = k_none, .kid_err = E_CMD, .name_err = E_CMD),
	RULE(RESERVEDVALUE, IN_ANY, .value = V_REQ, .missing_err = E_CMD, .value_err = E_PROP_VALUE,
	     .value_ok = v_onoff, .kids = k_none, .kid_err = E_CMD, .name_err = E_CMD),
	RULE(RESERVEDGROUP, IN_ANY, .value = V_REQ, .missing_err = E_CMD, .value_err = E_PROP_VALUE,
	     .value_ok = v_onoff, .kids = k_none, .kid_err = E_CMD, .name_err = E_CMD),
	RULE(SERVICES, IN_ANY, BARE(E_CMD), .kids = k_sv, .kid_err = E_CMD, .once = 1),
	RULE(VERSION, IN_ANY, .value = V_REQ, .missing_err = E_CMD, .value_err = E_CMD,
	     .value_ok = v_version, .kids = k_none, .kid_err = E_CMD, .name_err = E_CMD),
};

static const struct rule *
rule_for(uint16_t tok, bool in_reply)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		if (r->tok == tok && (r->where == IN_ANY || (r->where == IN_REP) == in_reply))
			return r;
	}
	return NULL;
}

static uint16_t
bad(struct walk *w, const struct mrfp_h248_node *n, uint16_t code, const char *why)
{
	w->at = n;
	w->why = why;
	return code;
}

static uint16_t
check_value(struct walk *w, const struct rule *r, const struct mrfp_h248_node *n)
{
	bool has = n->op != MRFP_H248_OP_NONE;

	if (r->value == V_REQ && !has)
		return bad(w, n, r->missing_err, "missing value");
	if (r->value == V_NONE && has)
		return bad(w, n, r->value_err, "unexpected value");
	if (has && r->value_ok != NULL && !r->value_ok(n))
		return bad(w, n, r->value_err, "bad value");
	return 0;
}

static bool
listed(const uint16_t *kids, uint16_t tok)
{
	for (; *kids != 0; kids++)
		if (*kids == tok)
			return true;
	return false;
}

/* Command-level children: a descriptor in the wrong command is 447, anything else 444. */
static uint16_t
kid_code(const struct rule *r, uint16_t tok)
{
	if (r->kid_err == E_NOT_LEGAL && !listed(k_cmd_rep, tok) && !listed(k_amm, tok) &&
	    tok != T_(SERVICES))
		return E_UNKNOWN_DESC;
	return r->kid_err;
}

static uint16_t
check_kid(struct walk *w, const struct rule *r, const struct mrfp_h248_node *k, uint64_t seen[4])
{
	if (k->tok == T_(NONE)) {
		if (r->name_err != 0)
			return bad(w, k, r->name_err, "unknown element");
		if (r->name_ok != NULL && !r->name_ok(k))
			return bad(w, k, r->kid_err, "bad item");
		return 0;
	}
	if (r->kids != NULL && !listed(r->kids, k->tok))
		return bad(w, k, kid_code(r, k->tok), "element not allowed here");
	if (r->once && k->tok != T_(STREAM)) {
		uint64_t bit = 1ull << (k->tok % 64);

		if (seen[k->tok / 64] & bit)
			return bad(w, k, E_TWICE, "element appears twice");
		seen[k->tok / 64] |= bit;
	}
	return 0;
}

static uint16_t check_node(struct walk *w, const struct mrfp_h248_tree *t,
			   const struct mrfp_h248_node *n);

static uint16_t
check_kids(struct walk *w, const struct mrfp_h248_tree *t, const struct rule *r,
	   const struct mrfp_h248_node *n)
{
	const struct mrfp_h248_node *k;
	uint64_t seen[4] = {0};
	uint16_t code;

	if (r != NULL && r->body_err != 0 && n->first == 0)
		return bad(w, n, r->body_err, "empty body");
	MRFP_H248_FOREACH(t, n, k)
	{
		if (r != NULL && (code = check_kid(w, r, k, seen)) != 0)
			return code;
		if ((code = check_node(w, t, k)) != 0)
			return code;
	}
	return 0;
}

static uint16_t
check_node(struct walk *w, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	const struct rule *r = rule_for(n->tok, w->in_reply);
	uint16_t code;

	if (r != NULL && (code = check_value(w, r, n)) != 0)
		return code;
	return check_kids(w, t, r, n);
}

uint16_t
h248_check(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *trans,
	   const struct mrfp_h248_node **at, const char **why)
{
	struct walk w = {.in_reply = trans->tok == T_(REPLY), .at = trans, .why = ""};
	uint16_t code = check_node(&w, t, trans);

	*at = w.at;
	*why = w.why;
	return code;
}
