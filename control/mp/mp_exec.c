/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mp commands on mrfpd's contexts (conferences) and ephemeral RTP terminations (legs).
 *
 * Add with Context=$ creates a conference; Add=$ creates a leg from its Remote SDP (the
 * participant's address and send key, RFC 4568 direction) and a Local SDP template whose `$`
 * (address, port, a=crypto key; H.248.77) mrfpd fills and returns. The same Local key for
 * every leg of a context is the group key (mrfp/keys=group). Subtract removes a leg and
 * returns its statistics; the last one takes the context with it. Each command is validated
 * fully before anything is applied, so a refused command leaves nothing behind.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <rte_byteorder.h>

#include "keys.h"
#include "mp_state.h"

#define SDP_OUT 2048
#define SYNC_MS 1000

struct mrfp_mp_state *
mp_state_create(struct mrfp_dp *dp, const struct mrfp_config *cfg)
{
	struct mrfp_mp_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->dp = dp;
	st->cfg = cfg;
	st->next_ctx = 1;
	st->next_leg = 1;
	return st;
}

static void
ctx_free(struct mp_ctx *c)
{
	while (c->terms != NULL) {
		struct mp_term *t = c->terms;
		c->terms = t->next;
		free(t);
	}
	mrfp_srtp_key_wipe(&c->group);
	for (unsigned int i = 0; i < RTE_DIM(c->group_more); i++)
		mrfp_srtp_key_wipe(&c->group_more[i]);
	free(c);
}

void
mp_state_free(struct mrfp_mp_state *st)
{
	if (st == NULL)
		return;
	while (st->ctxs != NULL) {
		struct mp_ctx *c = st->ctxs;
		st->ctxs = c->next;
		ctx_free(c);
	}
	free(st);
}

static struct mp_ctx *
ctx_find(struct mrfp_mp_state *st, uint32_t id)
{
	for (struct mp_ctx *c = st->ctxs; c != NULL; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static struct mp_term *
term_find(struct mp_ctx *c, const struct mrfp_h248_str *name)
{
	char buf[MRFP_H248_TERMID_MAX + 1];
	if (name->len >= sizeof(buf))
		return NULL;
	memcpy(buf, name->p, name->len);
	buf[name->len] = '\0';
	uint32_t id;
	if (sscanf(buf, "rtp/%" SCNu32, &id) != 1 && sscanf(buf, "RTP/%" SCNu32, &id) != 1)
		return NULL;
	for (struct mp_term *t = c->terms; t != NULL; t = t->next)
		if (t->leg_id == id)
			return t;
	return NULL;
}

int
mp_leg_names(const struct mrfp_mp_state *st, uint32_t leg_id, uint32_t *ctx_id, char *term,
	     size_t size)
{
	for (const struct mp_ctx *c = st->ctxs; c != NULL; c = c->next)
		for (const struct mp_term *t = c->terms; t != NULL; t = t->next)
			if (t->leg_id == leg_id) {
				*ctx_id = c->id;
				snprintf(term, size, "rtp/%" PRIu32, leg_id);
				return 0;
			}
	return -ENOENT;
}

/* ---- applying ---- */

static uint16_t
code_of(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return 510; /* insufficient resources */
	case -ENOENT:
		return 430;
	case -ENOTSUP:
		return 501;
	case -ETIMEDOUT:
		/* a worker did not confirm in time: what was posted may still happen, so not a
		 * parameter error; the MGC audits the termination to learn its state */
		return 500;
	default:
		return 449;
	}
}

/* The port Local asks for, or 0 (`$`, or no Local): the dataplane picks one. */
static uint16_t
asked_port(const struct leg_request *rq)
{
	const struct mrfp_sdp *l = &rq->local;
	return rq->have_local && !l->port_choose ? rte_be_to_cpu_16(l->addr.port) : 0;
}

/* Why the dataplane refused a leg. */
static int
leg_add_fail(int rc, struct mrfp_mp_result *res)
{
	switch (rc) {
	case -ERANGE:
		return mp_fail(res, 449, "Local port outside mrfpd's port range");
	case -EINVAL:
		return mp_fail(res, 449,
			       "cannot add the leg (an odd Local port, or its parameters)");
	case -EEXIST:
		return mp_fail(res, 510, "Local port in use");
	case -EXDEV:
		return mp_fail(res, 449,
			       "Local port is steered to another worker than the conference's");
	default:
		return mp_fail(res, code_of(rc), "cannot add the leg");
	}
}

/* The leg on the port Local asks for, or (`$`) on one the dataplane picks in the block its NIC
 * steers to the conference's worker; the reply's Local SDP states it. */
static int
add_leg_port(struct mrfp_mp_state *st, uint32_t ctx_id, uint32_t leg_id, struct leg_request *rq,
	     const struct mrfp_srtp_key *tx)
{
	rq->p.local_port = asked_port(rq);
	int rc = mrfp_dp_leg_add(st->dp, ctx_id, leg_id, &rq->p, &rq->remote.crypto[rq->rx_idx].key,
				 tx);
	if (rc == 0) {
		struct mrfp_leg_params chosen;
		rc = mrfp_dp_leg_params(st->dp, leg_id, &chosen);
		rq->p.local_port = chosen.local_port;
	}
	return rc;
}

/* The participant's side of the answer, kept for later Local SDPs (rekey without Remote). */
static void
term_describe(struct mp_term *term, const struct leg_request *rq)
{
	const struct mrfp_sdp_crypto *rc = &rq->remote.crypto[rq->rx_idx];
	term->family = rq->remote.addr.family;
	term->fmt = rq->answer;
	term->dtmf = rq->answer_dtmf;
	term->ptime = rq->remote.ptime;
	term->tag = rc->tag;
	term->suite = rc->suite;
}

static struct mrfp_h248_node *
reply_media_local(struct mrfp_h248_tree *rt, struct mrfp_h248_node *cmd_reply, const char *sdp,
		  size_t len)
{
	struct mrfp_h248_node *m = h248_add(rt, cmd_reply, MRFP_H248_TOK_MEDIA, NULL);
	struct mrfp_h248_node *s = m ? h248_add(rt, m, MRFP_H248_TOK_STREAM, "1") : NULL;
	return s ? h248_add_raw(rt, s, MRFP_H248_TOK_LOCAL, sdp, len) : NULL;
}

/* A new context for the first Add: its parameters from the mrfp properties. */
static struct mp_ctx *
ctx_create(struct mrfp_mp_state *st, const struct leg_request *rq,
	   const struct mrfp_srtp_key *group, uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mp_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		mp_fail(res, 510, "out of memory");
		return NULL;
	}
	c->id = st->next_ctx++;
	c->params = rq->conf;
	c->params.port = asked_port(rq);
	c->rekey = rq->rekey;
	rekey_start(&c->rekey, now_ms);
	if (c->params.keys != MRFP_KEYS_BILATERAL) {
		c->group = *group;
		c->params.group_key = &c->group;
	}
	int rc = mrfp_dp_conf_add(st->dp, c->id, &c->params);
	c->params.group_key = NULL;
	if (rc < 0) {
		mp_fail(res, code_of(rc),
			c->params.port != 0 && rc == -ENOSPC
				? "the worker the Local port is steered to is full"
				: "cannot create the conference");
		ctx_free(c);
		return NULL;
	}
	c->next = st->ctxs;
	st->ctxs = c;
	return c;
}

static void
ctx_destroy(struct mrfp_mp_state *st, struct mp_ctx *c)
{
	struct mp_ctx **pp = &st->ctxs;
	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
	mrfp_dp_conf_remove(st->dp, c->id);
	ctx_free(c);
}

/* The codec every leg of a switch conference shares (its first leg's), or NULL. */
static const struct mrfp_sdp_fmt *
switch_codec(const struct mp_ctx *c)
{
	if (c == NULL || c->params.media != MRFP_MEDIA_SWITCH || c->terms == NULL)
		return NULL;
	return &c->terms->fmt;
}

static int
cmd_add(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_tree *t,
	const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx,
	uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mrfp_h248_termid tid;
	struct leg_request rq = {.p = {.mode = MRFP_MODE_INACTIVE, .latch = MRFP_LATCH_ON},
				 .conf = {.media = MRFP_MEDIA_MIX}};
	struct mrfp_srtp_key own, group;
	char sdp[SDP_OUT];
	int rc = -1;
	memset(&own, 0, sizeof(own));
	memset(&group, 0, sizeof(group));
	if (h248_termid_parse(&cmd->value, &tid) < 0)
		return mp_fail(res, 410, "bad termination id");
	if (tid.kind != MRFP_H248_TERM_CHOOSE && tid.kind != MRFP_H248_TERM_WILDCARD)
		return mp_fail(res, 501, "only ephemeral terminations ($) can be added");
	if (st->draining)
		return mp_fail(res, 503, "draining: mrfpd takes no new legs");
	struct mp_events ev;
	if (mp_parse_media(t, cmd, &rq, res) < 0 ||
	    mp_check_remote(&rq, *ctxp != NULL ? &(*ctxp)->params : &rq.conf, -1,
			    switch_codec(*ctxp), res) < 0 ||
	    mp_check_local(st, &rq, NULL, res) < 0 || mp_parse_events(t, cmd, false, &ev, res) < 0)
		goto out;
	enum mrfp_srtp_suite suite = rq.remote.crypto[rq.rx_idx].suite;
	bool created = *ctxp == NULL;
	if (mp_add_keys(*ctxp, &rq, suite, &own, &group, res) < 0)
		goto out;
	if (created && (*ctxp = ctx_create(st, &rq, &group, now_ms, res)) == NULL)
		goto out;
	struct mp_ctx *c = *ctxp;
	bool has_group = c->params.keys != MRFP_KEYS_BILATERAL;
	struct mp_term *term = calloc(1, sizeof(*term));
	if (term == NULL) {
		mp_fail(res, 510, "out of memory");
		goto undo;
	}
	term->leg_id = st->next_leg++;
	term->ctx_id = c->id;
	term->pt = rq.p.pt;
	term->mode = rq.p.mode;
	term->added_ms = now_ms;
	term->ev = ev;
	rc = add_leg_port(st, c->id, term->leg_id, &rq,
			  c->params.keys == MRFP_KEYS_GROUP ? NULL : &own);
	if (rc < 0) {
		leg_add_fail(rc, res);
		free(term);
		goto undo;
	}
	term->port = rq.p.local_port;
	term_describe(term, &rq);
	mrfp_dp_sync(st->dp, SYNC_MS); /* the leg is live when the MGC reads the reply */
	term->next = c->terms;
	c->terms = term;
	c->n_terms++;
	int n = mp_write_local(st, term, &own, c, sdp, sizeof(sdp));
	struct mrfp_h248_node *r =
		h248_addf(rt, rctx, MRFP_H248_TOK_ADD, "rtp/%" PRIu32, term->leg_id);
	if (n < 0 || r == NULL || reply_media_local(rt, r, sdp, (size_t)n) == NULL)
		mp_fail(res, 500, "reply too large");
	OPENSSL_cleanse(sdp, sizeof(sdp));
	if (!created && has_group) /* a newcomer: backward secrecy may want a new group key */
		rekey_member(&c->rekey, true, now_ms);
	rc = 0;
	goto out;
undo:
	if (created) {
		ctx_destroy(st, *ctxp);
		*ctxp = NULL;
	}
out:
	mrfp_srtp_key_wipe(&own);
	mrfp_srtp_key_wipe(&group);
	sdp_wipe(&rq.remote);
	sdp_wipe(&rq.local);
	return rc;
}

static void
term_unlink(struct mp_ctx *c, struct mp_term *term)
{
	struct mp_term **pp = &c->terms;
	while (*pp != term)
		pp = &(*pp)->next;
	*pp = term->next;
	c->n_terms--;
	free(term);
}

static void subtract_one(struct mrfp_mp_state *st, struct mp_ctx **ctxp, struct mp_term *term,
			 struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms);

static int
cmd_subtract(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_node *cmd,
	     struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms,
	     struct mrfp_mp_result *res)
{
	struct mp_ctx *c = *ctxp;
	struct mrfp_h248_termid tid;
	if (h248_termid_parse(&cmd->value, &tid) < 0)
		return mp_fail(res, 410, "bad termination id");
	if (c != NULL && tid.kind == MRFP_H248_TERM_ALL) { /* Subtract = *: the whole context */
		while (*ctxp != NULL)
			subtract_one(st, ctxp, (*ctxp)->terms, rt, rctx, now_ms);
		return 0;
	}
	struct mp_term *term = c != NULL ? term_find(c, &cmd->value) : NULL;
	if (term == NULL)
		return mp_fail(res, 430, "unknown termination id");
	subtract_one(st, ctxp, term, rt, rctx, now_ms);
	return 0;
}

static void
subtract_one(struct mrfp_mp_state *st, struct mp_ctx **ctxp, struct mp_term *term,
	     struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms)
{
	struct mp_ctx *c = *ctxp;
	struct mrfp_leg_counters fin;
	memset(&fin, 0, sizeof(fin));
	mrfp_dp_leg_remove(st->dp, term->leg_id, &fin);
	struct mrfp_h248_node *r = rt != NULL ? h248_addf(rt, rctx, MRFP_H248_TOK_SUBTRACT,
							  "rtp/%" PRIu32, term->leg_id)
					      : NULL;
	if (r != NULL)
		mp_reply_statistics(rt, r, &fin, now_ms - term->added_ms);
	term_unlink(c, term);
	if (c->n_terms > 0 && c->params.keys != MRFP_KEYS_BILATERAL) /* forward secrecy */
		rekey_member(&c->rekey, false, now_ms);
	if (c->n_terms == 0) { /* H.248.1 6.1: the last termination out deletes the context */
		ctx_destroy(st, c);
		*ctxp = NULL;
	}
}

int
mp_force_out(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_str *name,
	     uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mp_ctx *c = *ctxp;
	struct mp_term *term = c != NULL ? term_find(c, name) : NULL;
	for (c = st->ctxs; *ctxp == NULL && c != NULL && term == NULL; c = c->next)
		term = term_find(c, name); /* in Context = -: the leg's own context */
	if (term == NULL)
		return mp_fail(res, 430, "unknown termination id");
	struct mp_ctx *owner = *ctxp != NULL ? *ctxp : ctx_find(st, term->ctx_id);
	struct mp_ctx *left = owner;
	subtract_one(st, &left, term, NULL, NULL, now_ms);
	if (*ctxp == owner)
		*ctxp = left;
	return 0;
}

static int
cmd_modify(struct mrfp_mp_state *st, struct mp_ctx *c, const struct mrfp_h248_tree *t,
	   const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx,
	   uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mp_term *term = c != NULL ? term_find(c, &cmd->value) : NULL;
	struct leg_request rq;
	struct mrfp_srtp_key own;
	char sdp[SDP_OUT];
	int rc = -1;
	if (term == NULL)
		return mp_fail(res, 430, "unknown termination id");
	memset(&rq, 0, sizeof(rq));
	memset(&own, 0, sizeof(own));
	if (mrfp_dp_leg_params(st->dp, term->leg_id, &rq.p) < 0)
		return mp_fail(res, 430, "unknown termination id");
	struct mp_events ev;
	const struct mrfp_leg_params was = rq.p;
	if (mp_parse_media(t, cmd, &rq, res) < 0 ||
	    (rq.have_remote && mp_check_remote(&rq, &c->params, term->pt, NULL, res) < 0) ||
	    mp_check_local(st, &rq, term, res) < 0 || mp_parse_events(t, cmd, false, &ev, res) < 0)
		goto out;
	/* The leg keeps its description until the dataplane took the change: a failed Modify
	 * leaves nothing of itself behind (the next rekey would use its suite and codec). */
	enum mrfp_srtp_suite suite =
		rq.have_remote ? rq.remote.crypto[rq.rx_idx].suite : term->suite;
	/* Local states the group key set or the leg's own keys, by key mode and the mode the
	 * leg has after this Modify (mp_local.c) */
	bool role_change =
		c->params.keys == MRFP_KEYS_HYBRID &&
		mp_leg_has_own(&c->params, term->mode) != mp_leg_has_own(&c->params, rq.p.mode);
	int group_change = mp_group_local_change(c, &rq, suite, res);
	bool own_stated = false;
	int own_rc = group_change == 0
			     ? mp_own_key(c, &rq, suite, role_change, &own, &own_stated, res)
			     : 0;
	if (group_change < 0 || own_rc < 0)
		goto out;
	/* a mix re-codes the leg (it moves to its new format's cohort); a switch forwards
	 * payloads as they are and has nothing to change */
	bool codec_change = rq.have_remote && !mrfp_leg_same_codec(&was, &rq.p);
	if (codec_change && c->params.media != MRFP_MEDIA_MIX) {
		mp_fail(res, 501, "a switch leg's codec cannot change by Modify");
		goto out;
	}
	/* both directions checked before either changes: a refused Modify changes nothing. A
	 * group key set is the conference's: every listener's Modify states the same set. */
	struct key_target rxt = {st->dp, term->leg_id, c->id, MRFP_SRTP_INBOUND, false, NULL};
	struct key_target txt = {st->dp,
				 term->leg_id,
				 c->id,
				 MRFP_SRTP_OUTBOUND,
				 group_change > 0,
				 c->params.keys == MRFP_KEYS_HYBRID && group_change == 0 ? c
											 : NULL};
	int rx_set = 0, tx_set = 0;
	for (int apply = 0; apply < 2; apply++) {
		rx_set = rq.have_remote ? mp_keyset_sync(&rxt, term, &rq.remote, apply, res) : 0;
		tx_set = rx_set >= 0 && (own_stated || group_change > 0)
				 ? mp_keyset_sync(&txt, term, &rq.local, apply, res)
				 : 0;
		if (rx_set < 0 || tx_set < 0)
			goto out;
	}
	if (group_change > 0 && tx_set == 0) {
		mp_fail(res, 501, "the group key changes only by MKI (make-before-break)");
		goto out;
	}
	if (group_change > 0) { /* the key's age starts over (when it was switched or not: the
				 * MRFC answered the request) */
		rekey_key_changed(&c->rekey, now_ms);
		mp_group_set_note(c, &rq.local, term->suite);
	}
	rc = mrfp_dp_leg_modify(st->dp, term->leg_id, &rq.p,
				rq.have_remote && !rx_set ? &rq.remote.crypto[rq.rx_idx].key : NULL,
				own_rc > 0 && !tx_set ? &own : NULL);
	if (rc == 0) /* the reply means the worker uses the new keys already */
		rc = mrfp_dp_sync(st->dp, SYNC_MS);
	if (rc < 0) {
		mp_fail(res, code_of(rc), "cannot modify the leg");
		goto out;
	}
	if (rq.have_remote)
		term_describe(term, &rq);
	term->pt = rq.p.pt;
	term->mode = rq.p.mode;
	if (ev.set)
		term->ev = ev;
	struct mrfp_h248_node *r =
		h248_addf(rt, rctx, MRFP_H248_TOK_MODIFY, "rtp/%" PRIu32, term->leg_id);
	/* a new key of mrfpd's, the keys of the leg's new role (hybrid), or the group key set a
	 * Local asked for with `$` (or restated) go back in Local */
	bool group_asked = group_change == 0 && rq.have_local && rq.local.n_crypto > 0 &&
			   mp_local_is_group(&c->params, rq.p.mode);
	if (r != NULL && ((own_rc > 0 && !tx_set) || role_change || group_asked || codec_change)) {
		int n = mp_write_local(st, term, own_rc > 0 ? &own : NULL, c, sdp, sizeof(sdp));
		if (n > 0)
			reply_media_local(rt, r, sdp, (size_t)n);
		OPENSSL_cleanse(sdp, sizeof(sdp));
	}
	rc = 0;
out:
	mrfp_srtp_key_wipe(&own);
	sdp_wipe(&rq.remote);
	sdp_wipe(&rq.local);
	return rc;
}

/* Move = rtp/n into this context: the leg keeps its port and keys (H.248.1 7.2.4). */
static int
cmd_move(struct mrfp_mp_state *st, struct mp_ctx *to, const struct mrfp_h248_node *cmd,
	 struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, struct mrfp_mp_result *res)
{
	struct mp_ctx *from = NULL;
	struct mp_term *term = NULL;
	if (to == NULL)
		return mp_fail(res, 501, "Move into a new context ($) not implemented");
	for (struct mp_ctx *c = st->ctxs; c != NULL && term == NULL; c = c->next)
		if ((term = term_find(c, &cmd->value)) != NULL)
			from = c;
	if (term == NULL)
		return mp_fail(res, 430, "unknown termination id");
	if (from != to) {
		int rc = mrfp_dp_leg_move(st->dp, term->leg_id, to->id);
		if (rc < 0)
			return mp_fail(res, rc == -EXDEV ? 501 : code_of(rc),
				       "cannot move the leg");
		struct mp_term **pp = &from->terms;
		while (*pp != term)
			pp = &(*pp)->next;
		*pp = term->next;
		from->n_terms--;
		term->next = to->terms;
		to->terms = term;
		to->n_terms++;
		term->ctx_id = to->id;
		if (from->n_terms == 0)
			ctx_destroy(st, from);
	}
	if (h248_addf(rt, rctx, MRFP_H248_TOK_MOVE, "rtp/%" PRIu32, term->leg_id) == NULL)
		return mp_fail(res, 500, "reply too large");
	return 0;
}

static bool
is_root(const struct mrfp_h248_node *cmd)
{
	struct mrfp_h248_termid tid;
	return h248_termid_parse(&cmd->value, &tid) == 0 && tid.kind == MRFP_H248_TERM_ROOT;
}

/* Modify = ROOT: its Events (it/ito, H.248.14) and an empty Signals; nothing else of ROOT
 * changes. */
static int
cmd_modify_root(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
		const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt,
		struct mrfp_h248_node *rctx, struct mrfp_mp_result *res)
{
	struct mp_events ev;
	if (h248_find(t, cmd, MRFP_H248_TOK_MEDIA) != NULL)
		return mp_fail(res, 501, "ROOT has no media to modify");
	if (mp_parse_events(t, cmd, true, &ev, res) < 0)
		return -1;
	if (h248_add(rt, rctx, MRFP_H248_TOK_MODIFY, "ROOT") == NULL)
		return mp_fail(res, 500, "reply too large");
	if (ev.set)
		st->root_ev = ev;
	return 0;
}

bool
mp_root_event(const struct mrfp_mp_state *st, uint32_t bit, uint32_t *request_id)
{
	return mp_events_armed(&st->root_ev, bit, request_id);
}

bool
mp_root_ito(const struct mrfp_mp_state *st, uint32_t *request_id, uint64_t *mit_ms)
{
	*mit_ms = st->root_ev.mit_ms;
	return mp_events_armed(&st->root_ev, MP_EV_ITO, request_id);
}

bool
mp_leg_event(const struct mrfp_mp_state *st, uint32_t leg_id, uint32_t bit, uint32_t *request_id)
{
	for (const struct mp_ctx *c = st->ctxs; c != NULL; c = c->next)
		for (const struct mp_term *t = c->terms; t != NULL; t = t->next)
			if (t->leg_id == leg_id)
				return mp_events_armed(&t->ev, bit, request_id);
	return false;
}

static int
run_command(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_tree *t,
	    const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt,
	    struct mrfp_h248_node *rctx, uint64_t now_ms, struct mrfp_mp_result *res)
{
	switch (cmd->tok) {
	case MRFP_H248_TOK_ADD:
		return cmd_add(st, ctxp, t, cmd, rt, rctx, now_ms, res);
	case MRFP_H248_TOK_SUBTRACT:
		return cmd_subtract(st, ctxp, cmd, rt, rctx, now_ms, res);
	case MRFP_H248_TOK_MODIFY:
		if (is_root(cmd))
			return cmd_modify_root(st, t, cmd, rt, rctx, res);
		return cmd_modify(st, *ctxp, t, cmd, rt, rctx, now_ms, res);
	case MRFP_H248_TOK_AUDITVALUE:
		return mp_audit(st, *ctxp, t, cmd, rt, rctx, now_ms, res);
	case MRFP_H248_TOK_AUDITCAP:
		return mp_audit_cap(st, *ctxp, cmd, rt, rctx, res);
	case MRFP_H248_TOK_SERVICECHANGE:
		return mp_cmd_service_change(st, ctxp, t, cmd, rt, rctx, now_ms, res);
	case MRFP_H248_TOK_MOVE:
		return cmd_move(st, *ctxp, cmd, rt, rctx, res);
	default:
		return mp_fail(res, 443, "unsupported or unknown command");
	}
}

static enum mp_cmd_kind
cmd_kind(const struct mrfp_h248_node *cmd)
{
	switch (cmd->tok) {
	case MRFP_H248_TOK_ADD:
		return MP_CMD_ADD;
	case MRFP_H248_TOK_SUBTRACT:
		return MP_CMD_SUBTRACT;
	case MRFP_H248_TOK_MODIFY:
		return MP_CMD_MODIFY;
	case MRFP_H248_TOK_AUDITVALUE:
		return MP_CMD_AUDITVALUE;
	case MRFP_H248_TOK_AUDITCAP:
		return MP_CMD_AUDITCAP;
	case MRFP_H248_TOK_SERVICECHANGE:
		return MP_CMD_SERVICECHANGE;
	case MRFP_H248_TOK_MOVE:
		return MP_CMD_MOVE;
	default:
		return MP_CMD_OTHER;
	}
}

/* A command, counted by kind and what it was answered with. */
static int
count_command(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_tree *t,
	      const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt,
	      struct mrfp_h248_node *rctx, uint64_t now_ms, struct mrfp_mp_result *res)
{
	int rc = run_command(st, ctxp, t, cmd, rt, rctx, now_ms, res);
	unsigned int slot = 0;
	if (rc < 0)
		slot = res->code >= MP_CODE_MIN && res->code < MP_CODE_MIN + MP_CODE_SLOTS - 1
			       ? 1u + res->code - MP_CODE_MIN
			       : 1u + 500 - MP_CODE_MIN;
	st->commands[cmd_kind(cmd)][slot]++;
	return rc;
}

/* One action: Context = id { commands }. */
static int
run_action(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
	   const struct mrfp_h248_node *action, struct mrfp_h248_tree *rt,
	   struct mrfp_h248_node *reply_trans, uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mrfp_h248_ctxid cid;
	struct mp_ctx *c = NULL;
	const struct mrfp_h248_node *cmd;
	int bad = 0;
	if (h248_ctxid_parse(&action->value, &cid) < 0)
		bad = mp_fail(res, 410, "bad context id");
	else if (cid.kind == MRFP_H248_CTX_ID && (c = ctx_find(st, cid.id)) == NULL)
		bad = mp_fail(res, 411, "unknown context id");
	else if (cid.kind == MRFP_H248_CTX_ALL) /* audits only: one reply block per context */
		return mp_audit_all(st, t, action, rt, reply_trans, now_ms, res);
	if (bad < 0) { /* no context to answer in: the error is the transaction's */
		h248_add_error(rt, reply_trans, res->code, res->text);
		return -1;
	}
	/* $ becomes the next context id: the reply names it (ctx_create takes that id) */
	struct mrfp_h248_ctxid reply_id = cid;
	if (cid.kind == MRFP_H248_CTX_CHOOSE)
		reply_id = (struct mrfp_h248_ctxid){.kind = MRFP_H248_CTX_ID, .id = st->next_ctx};
	struct mrfp_h248_node *rctx = h248_add_context(rt, reply_trans, &reply_id);
	if (rctx == NULL)
		return mp_fail(res, 500, "reply too large");
	MRFP_H248_FOREACH(t, action, cmd)
	{
		if (count_command(st, &c, t, cmd, rt, rctx, now_ms, res) < 0) {
			/* a context $ that was never made (or went with the failure) is no id the
			 * MGC may keep: the reply says Context = - */
			if (cid.kind == MRFP_H248_CTX_CHOOSE && c == NULL)
				rctx->value = (struct mrfp_h248_str){"-", 1};
			h248_add_error(rt, rctx, res->code, res->text);
			return -1;
		}
	}
	return 0;
}

void
mp_execute(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
	   const struct mrfp_h248_node *trans, struct mrfp_h248_tree *rt,
	   struct mrfp_h248_node *reply_trans, uint64_t now_ms, struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *action;
	res->code = 0;
	res->text[0] = '\0';
	MRFP_H248_FOREACH(t, trans, action)
	{
		if (action->tok != MRFP_H248_TOK_CONTEXT) {
			mp_fail(res, 422, "syntax error in action");
			h248_add_error(rt, reply_trans, res->code, res->text);
			return;
		}
		/* H.248.1 7.1: after a failed command the rest of the transaction is not run */
		if (run_action(st, t, action, rt, reply_trans, now_ms, res) < 0)
			return;
	}
}

/* The leg a group rekey request names: one whose Local states the group key set (hybrid: a
 * listener; a conference of talkers only names a talker, whose Local cannot change it). */
static const struct mp_term *
rekey_leg(const struct mp_ctx *c)
{
	for (const struct mp_term *t = c->terms; t != NULL; t = t->next)
		if (mp_local_is_group(&c->params, t->mode))
			return t;
	return c->terms;
}

void
mp_rekey_poll(struct mrfp_mp_state *st, uint64_t now_ms, mrfp_mp_rekey_fn fn, void *arg)
{
	for (struct mp_ctx *c = st->ctxs; c != NULL; c = c->next) {
		if (c->params.keys == MRFP_KEYS_BILATERAL || c->terms == NULL)
			continue;
		uint8_t why = rekey_due(&c->rekey, now_ms);
		if (why != 0)
			fn(arg, rekey_leg(c)->leg_id, rekey_reason(why));
	}
}
