/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AuditValue (H.248.1 7.2.5): what mrfpd holds, so that an MRFC that lost its state (a
 * restart mid-call) rebuilds every context and termination from audits alone.
 *
 * The Audit descriptor decides what comes back: Media (LocalControl with the mode, the leg's
 * and the conference's mrfp properties; Local and Remote SDP with addresses, ports, codec and
 * ptime), Statistics, Packages; an empty one names the terminations only. Keys never appear:
 * an audit reply is cached for LONG-TIMER like every reply and may be captured on the MRFC's
 * side, and a key mrfpd would state is of no use to an MRFC that lost it (it rekeys by
 * Modify); so no a=crypto line, not even a fingerprint.
 *
 * Wildcards: Context = * audits every context (one Context = N block each, ids ascending),
 * AuditValue = * (or the partial wildcard rtp/ then *) every leg of the context. A reply is
 * one UDP datagram: an audit that does not fit ends with Error 500 in the block where it
 * stopped (the blocks before it are whole), and the MRFC audits the rest context by context.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>

#include "mp_state.h"

/* What an Audit descriptor asks for. */
#define AUD_LC 0x01u
#define AUD_LOCAL 0x02u
#define AUD_REMOTE 0x04u
#define AUD_MEDIA (AUD_LC | AUD_LOCAL | AUD_REMOTE)
#define AUD_STATS 0x08u
#define AUD_PACKAGES 0x10u
/* No Audit descriptor at all (H.248.1 requires one): the answer mrfpd has always given, the
 * mode and the statistics of a leg, the packages of ROOT. */
#define AUD_BARE 0x20u
#define AUD_EVENTS 0x40u

/* A reply must fit one datagram (mp.c's 65 507 bytes, the header included): what is built so
 * far, as encoded (text_size), plus what one more termination's audit may add at most. */
#define REPLY_MAX 65000u
#define TERM_NODES 40u
#define TERM_POOL 3072u
#define TERM_TEXT 4096u

#define SDP_OUT 1024

enum target { TGT_ROOT, TGT_ALL, TGT_ONE, TGT_NONE };

/* The termination(s) an AuditValue names: ROOT, every leg (`*`, or `rtp/` then `*`), one leg
 * (`rtp/N`: *leg), or a wildcard no leg can match. 0, or -1 with res set. */
static int
audit_target(const struct mrfp_h248_node *cmd, enum target *tg, uint32_t *leg,
	     struct mrfp_mp_result *res)
{
	struct mrfp_h248_termid tid;
	if (h248_termid_parse(&cmd->value, &tid) < 0)
		return mp_fail(res, 410, "bad termination id");
	const struct mrfp_h248_str *v = &cmd->value;
	bool rtp = v->len > 4 && (memcmp(v->p, "rtp/", 4) == 0 || memcmp(v->p, "RTP/", 4) == 0);
	struct mrfp_h248_str tail = {v->p + 4, v->len > 4 ? v->len - 4 : 0};
	switch (tid.kind) {
	case MRFP_H248_TERM_ROOT:
		*tg = TGT_ROOT;
		return 0;
	case MRFP_H248_TERM_ALL:
		*tg = TGT_ALL;
		return 0;
	case MRFP_H248_TERM_WILDCARD:
		if (memchr(v->p, '$', v->len) != NULL)
			return mp_fail(res, 410, "CHOOSE ($) names no termination to audit");
		*tg = rtp && tail.len == 1 && tail.p[0] == '*' ? TGT_ALL : TGT_NONE;
		return 0;
	case MRFP_H248_TERM_CHOOSE:
		return mp_fail(res, 410, "CHOOSE ($) names no termination to audit");
	default:
		if (!rtp || h248_u32(&tail, leg) < 0)
			return mp_fail(res, 430, "unknown termination id");
		*tg = TGT_ONE;
		return 0;
	}
}

/* Media { Stream = 1 { LocalControl, Local, Remote, Statistics } } of an Audit descriptor (v2
 * individual audits): the parts it names, all of Media when it names none. */
static int
audit_media(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *media, unsigned int *what,
	    struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *n;
	unsigned int got = 0;
	MRFP_H248_FOREACH(t, media, n)
	{
		switch (n->tok) {
		case MRFP_H248_TOK_STREAM:
			if (audit_media(t, n, &got, res) < 0)
				return -1;
			break;
		case MRFP_H248_TOK_LOCALCONTROL:
			got |= AUD_LC;
			break;
		case MRFP_H248_TOK_LOCAL:
			got |= AUD_LOCAL;
			break;
		case MRFP_H248_TOK_REMOTE:
			got |= AUD_REMOTE;
			break;
		case MRFP_H248_TOK_STATISTICS:
			got |= AUD_STATS;
			break;
		case MRFP_H248_TOK_TERMINATIONSTATE:
			break; /* mrfpd's legs have no service state or event buffer to report */
		default:
			return mp_fail(res, 444,
				       "unsupported or unknown descriptor in Audit Media");
		}
	}
	*what |= (got & (AUD_MEDIA | AUD_STATS)) != 0 ? got : AUD_MEDIA;
	return 0;
}

/* What the command's Audit descriptor asks for. 0, or -1 with res set (444). */
static int
audit_what(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd, unsigned int *what,
	   struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *au = h248_find(t, cmd, MRFP_H248_TOK_AUDIT);
	const struct mrfp_h248_node *n;
	*what = 0;
	if (au == NULL) {
		*what = AUD_BARE;
		return 0;
	}
	MRFP_H248_FOREACH(t, au, n)
	{
		switch (n->tok) {
		case MRFP_H248_TOK_MEDIA:
			if (audit_media(t, n, what, res) < 0)
				return -1;
			break;
		case MRFP_H248_TOK_STATISTICS:
			*what |= AUD_STATS;
			break;
		case MRFP_H248_TOK_PACKAGES:
			*what |= AUD_PACKAGES;
			break;
		case MRFP_H248_TOK_EVENTS:
			*what |= AUD_EVENTS;
			break;
		/* auditItems of descriptors mrfpd holds nothing in (no signals, digit maps,
		 * modems or multiplexes): nothing to return */
		case MRFP_H248_TOK_SIGNALS:
		case MRFP_H248_TOK_EVENTBUFFER:
		case MRFP_H248_TOK_OBSERVEDEVENTS:
		case MRFP_H248_TOK_DIGITMAP:
		case MRFP_H248_TOK_MODEM:
		case MRFP_H248_TOK_MUX:
			break;
		default:
			return mp_fail(res, 444, "unsupported or unknown descriptor in Audit");
		}
	}
	return 0;
}

/* An upper bound of the pretty text of n and its children (h248_encode's layout: a line of
 * its own with its indentation, "name = value", a body in braces closed on its own line). */
static size_t
text_size(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n, unsigned int depth)
{
	const struct mrfp_h248_node *k;
	const char *name =
		n->tok != MRFP_H248_TOK_NONE ? h248_tok_name((enum mrfp_h248_tok)n->tok, 0) : NULL;
	size_t sz = 2 + depth + (name != NULL ? strlen(name) : n->name.len) + n->stamp.len + 4;
	if (n->op != MRFP_H248_OP_NONE)
		sz += 5 + n->value.len; /* " = " and quotes */
	if (n->first != 0 || (n->flags & (MRFP_H248_F_BODY | MRFP_H248_F_RAW)))
		sz += 5 + depth + n->raw.len;
	MRFP_H248_FOREACH(t, n, k)
	sz += text_size(t, k, depth + 1);
	return sz;
}

/* Room for one more termination's audit in the reply (tree and datagram). */
static bool
room_for_one(const struct mrfp_h248_tree *rt)
{
	return rt->cap - rt->n > TERM_NODES && rt->pool_cap - rt->pool_len > TERM_POOL &&
	       text_size(rt, h248_root(rt), 0) + TERM_TEXT <= REPLY_MAX;
}

static const char *
mode_name(enum mrfp_leg_mode m)
{
	return h248_tok_name(m == MRFP_MODE_SENDRECV   ? MRFP_H248_TOK_SENDRECV
			     : m == MRFP_MODE_SENDONLY ? MRFP_H248_TOK_SENDONLY
			     : m == MRFP_MODE_RECVONLY ? MRFP_H248_TOK_RECVONLY
						       : MRFP_H248_TOK_INACTIVE,
			     0);
}

/* The conference's mrfp properties as the Add that created it states them (with their
 * defaults made explicit), so that an MRFC can rebuild the conference from any of its legs. */
static void
conf_properties(struct mrfp_h248_tree *rt, struct mrfp_h248_node *lc, const struct mp_ctx *c)
{
	static const char *const keys[] = {"bilateral", "group", "hybrid"};
	static const char *const select[] = {"all", "speaker", "chosen"};
	static const char *const rekey[] = {"none", "join", "leave", "both"};
	const struct mrfp_conf_params *p = &c->params;
	h248_add_name(rt, lc, "mrfp/media", "%s", p->media == MRFP_MEDIA_SWITCH ? "switch" : "mix");
	h248_add_name(rt, lc, "mrfp/keys", "%s", keys[p->keys % MRFP_KEYS_COUNT]);
	if (p->media == MRFP_MEDIA_SWITCH) {
		h248_add_name(rt, lc, "mrfp/select", "%s", select[p->select % MRFP_SELECT_COUNT]);
	} else {
		h248_add_name(rt, lc, "mrfp/roles", "%s", p->dynamic_roles ? "dynamic" : "static");
		h248_add_name(rt, lc, "mrfp/ptime", "%u", p->ptime_ms != 0 ? p->ptime_ms : 20u);
		if (p->speakers == MRFP_SPEAKERS_ALL)
			h248_add_name(rt, lc, "mrfp/speakers", "all");
		else
			h248_add_name(rt, lc, "mrfp/speakers", "%u",
				      p->speakers != 0 ? p->speakers : MRFP_DEFAULT_SPEAKERS);
	}
	if (p->keys != MRFP_KEYS_BILATERAL) {
		h248_add_name(rt, lc, "mrfp/rekey", "%s",
			      rekey[c->rekey.on & (MRFP_REKEY_JOIN | MRFP_REKEY_LEAVE)]);
		h248_add_name(rt, lc, "mrfp/rekeywin", "%" PRIu32, c->rekey.window_ms);
		h248_add_name(rt, lc, "mrfp/keyage", "%" PRIu32, c->rekey.max_age_s);
	}
}

/* One side of the leg as SDP without a=crypto: the address and port, the codec, ptime. */
static int
sdp_side(const struct mp_term *term, const struct mrfp_leg_params *p, const struct mrfp_addr *addr,
	 char *out, size_t size)
{
	struct mrfp_sdp s;
	memset(&s, 0, sizeof(s));
	s.addr = *addr;
	s.proto = MRFP_SDP_PROTO_RTP_SAVP;
	s.dir = MRFP_SDP_DIR_SENDRECV;
	s.rtcp_mux = p->rtcp_mux;
	s.ptime = term->ptime;
	s.n_fmt = 1;
	s.fmt[0] = term->fmt;
	if (term->dtmf.pt != 0)
		s.fmt[s.n_fmt++] = term->dtmf;
	s.n_crypto = 0; /* keys are never audited (see the top of this file) */
	return sdp_write(&s, term->leg_id, term->added_ms, out, size);
}

static int
audit_media_reply(const struct mrfp_mp_state *st, const struct mp_ctx *c,
		  const struct mp_term *term, const struct mrfp_leg_params *p, unsigned int what,
		  struct mrfp_h248_tree *rt, struct mrfp_h248_node *r)
{
	static const char *const latch[] = {"on", "strict", "off"};
	char sdp[SDP_OUT];
	struct mrfp_h248_node *m = h248_add(rt, r, MRFP_H248_TOK_MEDIA, NULL);
	struct mrfp_h248_node *s = m != NULL ? h248_add(rt, m, MRFP_H248_TOK_STREAM, "1") : NULL;
	if (s == NULL)
		return -1;
	if (what & (AUD_LC | AUD_BARE)) {
		struct mrfp_h248_node *lc = h248_add(rt, s, MRFP_H248_TOK_LOCALCONTROL, NULL);
		if (lc == NULL ||
		    h248_add(rt, lc, MRFP_H248_TOK_MODE, mode_name(term->mode)) == NULL)
			return -1;
		if (what & AUD_LC) {
			h248_add_name(rt, lc, "mrfp/latch", "%s",
				      latch[p->latch % MRFP_LATCH_COUNT]);
			conf_properties(rt, lc, c);
		}
	}
	if (what & AUD_LOCAL) {
		struct mrfp_addr a = term->family == AF_INET6 ? st->cfg->media6 : st->cfg->media4;
		a.port = rte_cpu_to_be_16(term->port);
		int n = sdp_side(term, p, &a, sdp, sizeof(sdp));
		if (n < 0 || h248_add_raw(rt, s, MRFP_H248_TOK_LOCAL, sdp, (size_t)n) == NULL)
			return -1;
	}
	if (what & AUD_REMOTE) {
		int n = sdp_side(term, p, &p->remote, sdp, sizeof(sdp));
		if (n < 0 || h248_add_raw(rt, s, MRFP_H248_TOK_REMOTE, sdp, (size_t)n) == NULL)
			return -1;
	}
	return 0;
}

/* RTP/RTCP statistics of H.248.1 Annex E (nt, rtp packages) from the leg's last counters. */
int
mp_reply_statistics(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r,
		    const struct mrfp_leg_counters *c, uint64_t dur_ms)
{
	struct mrfp_h248_node *sa = h248_add(rt, r, MRFP_H248_TOK_STATISTICS, NULL);
	if (sa == NULL)
		return -1;
	h248_add_name(rt, sa, "nt/os", "%" PRIu64, c->tx_bytes);
	h248_add_name(rt, sa, "nt/or", "%" PRIu64, c->rx_bytes);
	h248_add_name(rt, sa, "nt/dur", "%" PRIu64, dur_ms);
	h248_add_name(rt, sa, "rtp/ps", "%" PRIu64, c->tx_pkts);
	h248_add_name(rt, sa, "rtp/pr", "%" PRIu64, c->rx_pkts);
	h248_add_name(rt, sa, "rtp/pl", "%" PRIu64, c->rx_lost);
	return h248_add_name(rt, sa, "rtp/jit", "%" PRIu64, c->rx_jitter_us / 1000) != NULL ? 0
											    : -1;
}

static int audit_packages(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r, bool root);

/* AuditCapability (H.248.1 7.2.6): what an MRFC can discover of this MRFP is its packages;
 * the values each property may take are in docs/mp.md, not on the wire. */
int
mp_audit_cap(struct mrfp_mp_state *st, struct mp_ctx *c, const struct mrfp_h248_node *cmd,
	     struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, struct mrfp_mp_result *res)
{
	struct mrfp_h248_termid tid;
	(void)st;
	(void)c;
	if (h248_termid_parse(&cmd->value, &tid) < 0)
		return mp_fail(res, 410, "bad termination id");
	if (tid.kind != MRFP_H248_TERM_ROOT)
		return mp_fail(res, 501, "AuditCapability of ROOT only: its packages");
	struct mrfp_h248_node *r = h248_add(rt, rctx, MRFP_H248_TOK_AUDITCAP, "ROOT");
	if (r == NULL || audit_packages(rt, r, true) < 0)
		return mp_fail(res, 500, "reply too large");
	return 0;
}

static int
audit_packages(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r, bool root)
{
	/* ROOT: the inactivity timer (H.248.14) is the MG's; legs realise nt, rtp, dd and mrfp */
	static const char *const root_pkgs[] = {"nt-1", "rtp-1", "dd-1", "it-1", "mrfp-1"};
	static const char *const leg_pkgs[] = {"nt-1", "rtp-1", "dd-1", "mrfp-1"};
	const char *const *pk = root ? root_pkgs : leg_pkgs;
	unsigned int n = root ? RTE_DIM(root_pkgs) : RTE_DIM(leg_pkgs);
	struct mrfp_h248_node *pg = h248_add(rt, r, MRFP_H248_TOK_PACKAGES, NULL);
	if (pg == NULL)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		if (h248_add_name(rt, pg, pk[i], NULL) == NULL)
			return -1;
	return 0;
}

static int
audit_root(const struct mrfp_mp_state *st, unsigned int what, struct mrfp_h248_tree *rt,
	   struct mrfp_h248_node *rctx, struct mrfp_mp_result *res)
{
	if (!room_for_one(rt))
		return mp_fail(res, 500, "reply too large: audit fewer terminations at once");
	struct mrfp_h248_node *r = h248_add(rt, rctx, MRFP_H248_TOK_AUDITVALUE, "ROOT");
	/* ROOT is no leg: Media and Statistics asked of it return nothing */
	if (r == NULL || ((what & (AUD_PACKAGES | AUD_BARE)) && audit_packages(rt, r, true) < 0) ||
	    ((what & AUD_EVENTS) && mp_events_reply(rt, r, &st->root_ev, true) < 0))
		return mp_fail(res, 500, "reply too large");
	return 0;
}

static int
audit_term(struct mrfp_mp_state *st, const struct mp_ctx *c, const struct mp_term *term,
	   unsigned int what, struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx,
	   uint64_t now_ms, struct mrfp_mp_result *res)
{
	struct mrfp_leg_params p;
	struct mrfp_leg_counters cnt;
	if (mrfp_dp_leg_params(st->dp, term->leg_id, &p) < 0 ||
	    mrfp_dp_leg_counters(st->dp, term->leg_id, &cnt) < 0)
		return mp_fail(res, 430, "unknown termination id");
	if (!room_for_one(rt))
		return mp_fail(res, 500,
			       "reply too large: audit one context (Context = N) at a time");
	struct mrfp_h248_node *r =
		h248_addf(rt, rctx, MRFP_H248_TOK_AUDITVALUE, "rtp/%" PRIu32, term->leg_id);
	if (r == NULL ||
	    ((what & (AUD_MEDIA | AUD_BARE)) &&
	     audit_media_reply(st, c, term, &p, what, rt, r) < 0) ||
	    ((what & (AUD_STATS | AUD_BARE)) &&
	     mp_reply_statistics(rt, r, &cnt, now_ms - term->added_ms) < 0) ||
	    ((what & AUD_PACKAGES) && audit_packages(rt, r, false) < 0) ||
	    ((what & AUD_EVENTS) && mp_events_reply(rt, r, &term->ev, false) < 0))
		return mp_fail(res, 500, "reply too large");
	return 0;
}

static const struct mp_term *
term_by_id(const struct mp_ctx *c, uint32_t leg)
{
	for (const struct mp_term *t = c->terms; t != NULL; t = t->next)
		if (t->leg_id == leg)
			return t;
	return NULL;
}

/* The leg after leg id `after` (ids ascending: the list is in no order after Moves). */
static const struct mp_term *
term_next(const struct mp_ctx *c, const struct mp_term *after)
{
	const struct mp_term *best = NULL;
	for (const struct mp_term *t = c->terms; t != NULL; t = t->next)
		if ((after == NULL || t->leg_id > after->leg_id) &&
		    (best == NULL || t->leg_id < best->leg_id))
			best = t;
	return best;
}

/* The legs of c the command names (none of c's: *n stays 0). */
static int
audit_in(struct mrfp_mp_state *st, const struct mp_ctx *c, enum target tg, uint32_t leg,
	 unsigned int what, struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms,
	 unsigned int *n, struct mrfp_mp_result *res)
{
	if (tg == TGT_ONE) {
		const struct mp_term *term = term_by_id(c, leg);
		if (term == NULL)
			return 0;
		(*n)++;
		return audit_term(st, c, term, what, rt, rctx, now_ms, res);
	}
	if (tg != TGT_ALL)
		return 0;
	for (const struct mp_term *t = term_next(c, NULL); t != NULL; t = term_next(c, t)) {
		(*n)++;
		if (audit_term(st, c, t, what, rt, rctx, now_ms, res) < 0)
			return -1;
	}
	return 0;
}

int
mp_audit(struct mrfp_mp_state *st, struct mp_ctx *c, const struct mrfp_h248_tree *t,
	 const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx,
	 uint64_t now_ms, struct mrfp_mp_result *res)
{
	enum target tg;
	uint32_t leg = 0;
	unsigned int what, n = 0;
	if (audit_target(cmd, &tg, &leg, res) < 0 || audit_what(t, cmd, &what, res) < 0)
		return -1;
	if (tg == TGT_ROOT)
		return audit_root(st, what, rt, rctx, res);
	if (c != NULL && audit_in(st, c, tg, leg, what, rt, rctx, now_ms, &n, res) < 0)
		return -1;
	if (n == 0 && tg == TGT_ONE)
		return mp_fail(res, 430, "unknown termination id");
	if (n == 0) /* the null context holds no leg */
		return mp_fail(res, 431, "no termination matched the wildcard");
	return 0;
}

/* The context after id `after`, ids ascending. */
static const struct mp_ctx *
ctx_next(const struct mrfp_mp_state *st, const struct mp_ctx *after)
{
	const struct mp_ctx *best = NULL;
	for (const struct mp_ctx *c = st->ctxs; c != NULL; c = c->next)
		if ((after == NULL || c->id > after->id) && (best == NULL || c->id < best->id))
			best = c;
	return best;
}

/* A command already checked in the first pass of mp_audit_all: its target and what it asks. */
static void
audit_request(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd, enum target *tg,
	      uint32_t *leg, unsigned int *what, struct mrfp_mp_result *res)
{
	*leg = 0;
	audit_target(cmd, tg, leg, res);
	audit_what(t, cmd, what, res);
}

/* Does one of the action's commands name a leg of c? */
static bool
ctx_named(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *action,
	  const struct mp_ctx *c)
{
	const struct mrfp_h248_node *cmd;
	struct mrfp_mp_result ignored;
	MRFP_H248_FOREACH(t, action, cmd)
	{
		enum target tg;
		uint32_t leg = 0;
		if (audit_target(cmd, &tg, &leg, &ignored) < 0)
			continue;
		if ((tg == TGT_ALL && c->terms != NULL) ||
		    (tg == TGT_ONE && term_by_id(c, leg) != NULL))
			return true;
	}
	return false;
}

int
mp_audit_all(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
	     const struct mrfp_h248_node *action, struct mrfp_h248_tree *rt,
	     struct mrfp_h248_node *reply_trans, uint64_t now_ms, struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *cmd;
	struct mrfp_h248_node *rctx = NULL;
	bool root = false;
	/* every command checked before anything is answered: an error is the transaction's */
	MRFP_H248_FOREACH(t, action, cmd)
	{
		enum target tg;
		uint32_t leg = 0;
		unsigned int what;
		int bad = 0;
		if (cmd->tok != MRFP_H248_TOK_AUDITVALUE)
			bad = mp_fail(res, 501, "Context = * (ALL) takes AuditValue only");
		else if (audit_target(cmd, &tg, &leg, res) < 0 ||
			 audit_what(t, cmd, &what, res) < 0)
			bad = -1;
		else if (tg == TGT_ONE) {
			bad = mp_fail(res, 430, "unknown termination id");
			for (const struct mp_ctx *c = st->ctxs; c != NULL && bad < 0; c = c->next)
				if (term_by_id(c, leg) != NULL)
					bad = 0;
		}
		if (bad < 0)
			goto fail;
		root |= tg == TGT_ROOT;
	}
	if (root) { /* ROOT is in the null context */
		struct mrfp_h248_ctxid null = {.kind = MRFP_H248_CTX_NULL};
		if ((rctx = h248_add_context(rt, reply_trans, &null)) == NULL) {
			mp_fail(res, 500, "reply too large");
			goto fail;
		}
		MRFP_H248_FOREACH(t, action, cmd)
		{
			enum target tg;
			uint32_t leg;
			unsigned int what;
			audit_request(t, cmd, &tg, &leg, &what, res);
			if (tg == TGT_ROOT && audit_root(st, what, rt, rctx, res) < 0)
				goto fail;
		}
	}
	unsigned int n = 0;
	for (const struct mp_ctx *c = ctx_next(st, NULL); c != NULL; c = ctx_next(st, c)) {
		if (!ctx_named(t, action, c))
			continue;
		struct mrfp_h248_ctxid id = {.kind = MRFP_H248_CTX_ID, .id = c->id};
		if ((rctx = h248_add_context(rt, reply_trans, &id)) == NULL) {
			mp_fail(res, 500, "reply too large");
			goto fail;
		}
		MRFP_H248_FOREACH(t, action, cmd)
		{
			enum target tg;
			uint32_t leg;
			unsigned int what;
			audit_request(t, cmd, &tg, &leg, &what, res);
			if (audit_in(st, c, tg, leg, what, rt, rctx, now_ms, &n, res) < 0)
				goto fail;
		}
	}
	/* H.248.8 431: a wildcard that matched nothing. The reply cannot be empty (a
	 * transactionReply holds an actionReply or an error), so no context is this error. */
	if (!root && n == 0) {
		mp_fail(res, 431, "no termination matched the wildcard (no context)");
		goto fail;
	}
	return 0;
fail:
	/* an error after a context block belongs to that block (the commands before it ran);
	 * before any, to the transaction */
	h248_add_error(rt, rctx != NULL ? rctx : reply_trans, res->code, res->text);
	return -1;
}
