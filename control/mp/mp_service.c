/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ServiceChange from the MGC (H.248.1 7.2.8, 11.5).
 *
 *  termination   Method     what mrfpd does
 *  -----------   --------   -------------------------------------------------------------
 *  ROOT          HandOff    replies, then registers with MgcIdToTry (ServiceChange HandOff
 *                           "903 MGC Directed Change"): how an MRFC fails over; back to the
 *                           MGC it came from if the new one never answers
 *  ROOT          Restart    the MGC restarted: mrfpd is in service and keeps its calls;
 *                           the replies cached for the MGC's earlier transactions go (a
 *                           restarted MGC numbers its transactions anew)
 *  ROOT          Graceful   a drain: new legs are refused (503), the calls go on until they
 *                           are subtracted or Delay (s; none: until they are) is over, then
 *                           mrfpd sends ServiceChange Forced and exits
 *  rtp/n         Forced     the leg is out of service at once: removed, as by Subtract
 *  others                   501, with the reason
 */
#include <stdio.h>
#include <string.h>

#include "mp_state.h"

static const char *
method_name(enum mrfp_h248_tok m)
{
	return m == MRFP_H248_TOK_NONE ? "(none)" : h248_tok_name(m, 0);
}

static int
handoff(struct mrfp_mp_state *st, const struct mrfp_h248_sc *sc, struct mrfp_mp_result *res)
{
	struct mrfp_h248_mid mid;
	if (sc->mgcid.len == 0)
		return mp_fail(res, 449, "HandOff needs MgcIdToTry");
	if (sc->mgcid.len >= sizeof(st->handoff_to) || h248_mid_parse(&sc->mgcid, 0, &mid) < 0 ||
	    (mid.kind != MRFP_H248_MID_IP4 && mid.kind != MRFP_H248_MID_IP6))
		return mp_fail(res, 449, "MgcIdToTry: an IP address mId");
	snprintf(st->handoff_to, sizeof(st->handoff_to), "%.*s", (int)sc->mgcid.len, sc->mgcid.p);
	return 0;
}

int
mp_cmd_service_change(struct mrfp_mp_state *st, struct mp_ctx **ctxp,
		      const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd,
		      struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms,
		      struct mrfp_mp_result *res)
{
	struct mrfp_h248_termid tid;
	struct mrfp_h248_sc sc;
	const struct mrfp_h248_node *sv = h248_find(t, cmd, MRFP_H248_TOK_SERVICES);
	char text[96];
	if (h248_termid_parse(&cmd->value, &tid) < 0)
		return mp_fail(res, 410, "bad termination id");
	if (sv == NULL || h248_sc_get(t, sv, &sc) < 0)
		return mp_fail(res, 442, "ServiceChange needs its Services");
	bool root = tid.kind == MRFP_H248_TERM_ROOT;
	int rc;
	if (root && sc.method == MRFP_H248_TOK_HANDOFF)
		rc = handoff(st, &sc, res);
	else if (root && sc.method == MRFP_H248_TOK_RESTART) {
		st->mgc_restarted = true;
		rc = 0;
	} else if (root && sc.method == MRFP_H248_TOK_GRACEFUL) {
		mp_state_drain(st, sc.delay >= 0 ? (uint64_t)sc.delay * 1000 : UINT64_MAX / 2,
			       now_ms);
		rc = 0;
	} else if (!root && sc.method == MRFP_H248_TOK_FORCED)
		rc = mp_force_out(st, ctxp, &cmd->value, now_ms, res);
	else {
		snprintf(text, sizeof(text), "ServiceChange %s on %s not implemented",
			 method_name(sc.method), root ? "ROOT" : "a leg");
		return mp_fail(res, 501, text);
	}
	if (rc < 0)
		return -1;
	char name[MRFP_H248_TERMID_MAX + 1];
	snprintf(name, sizeof(name), "%.*s", (int)cmd->value.len, cmd->value.p);
	if (h248_add(rt, rctx, MRFP_H248_TOK_SERVICECHANGE, name) == NULL)
		return mp_fail(res, 500, "reply too large");
	return 0;
}

bool
mp_state_drain(struct mrfp_mp_state *st, uint64_t delay_ms, uint64_t now_ms)
{
	if (st->draining)
		return false; /* the first drain's deadline holds */
	st->draining = true;
	st->drain_deadline_ms = now_ms + delay_ms;
	return true;
}

bool
mp_state_drain_due(const struct mrfp_mp_state *st, uint64_t now_ms)
{
	return st->draining && (st->ctxs == NULL || now_ms >= st->drain_deadline_ms);
}

bool
mp_mgc_restart_take(struct mrfp_mp_state *st)
{
	bool r = st->mgc_restarted;
	st->mgc_restarted = false;
	return r;
}

int
mp_handoff_take(struct mrfp_mp_state *st, char *mid, size_t size)
{
	if (st->handoff_to[0] == '\0')
		return -1;
	snprintf(mid, size, "%s", st->handoff_to);
	st->handoff_to[0] = '\0';
	return 0;
}
