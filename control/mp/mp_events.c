/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Events and Signals descriptors of an Add or Modify (H.248.1 7.1.9, 7.1.11), checked whole
 * before anything is applied. mrfpd detects the events of its profile and plays no signal:
 *
 *  termination   event             parameters           reported as
 *  -----------   ---------------   ------------------   -----------------------------------
 *  ROOT          it/ito            mit (10 ms units)    Notify ROOT (H.248.14)
 *  ROOT          mrfp/overload     -                    Notify ROOT { state=on|off }
 *  rtp/n         mrfp/ssrccol      -                    Notify rtp/n { ssrc= }
 *  rtp/n         mrfp/inact        -                    Notify rtp/n
 *  rtp/n         mrfp/keysoft      -                    Notify rtp/n { key=local|remote }
 *  rtp/n         mrfp/keyexp       -                    Notify rtp/n { key=local|remote }
 *  rtp/n         mrfp/grekey       -                    Notify rtp/n { reason= }
 *  rtp/n         dd/d0 .. dd/dd    -                    Notify rtp/n (one per key press)
 *
 * The dd events are H.248.1 Annex E.6's DTMF detection package: d0-d9, ds (*), do (#),
 * da-dd, from the leg's telephone-event stream (RFC 4733; in a mix, where it is never mixed);
 * the wildcard item (dd, then the "*" item) arms all sixteen.
 *
 * Until the MGC sends an Events descriptor for a termination, the profile's provisioned
 * events are reported with RequestID 0 (all of the table; H.248.14 lets it/ito be
 * provisioned, with --mgc-timeout as its mit). An Events descriptor replaces that set: only
 * the events it names are reported, with its RequestID; `Events` without a body disarms all.
 * Anything else is refused: a package mrfpd does not implement (440), an event or signal a
 * package does not have (451, 452), a parameter (446), embedded signals or events (501).
 */
#include <inttypes.h>
#include <string.h>

#include "mp_state.h"

struct event_def {
	const char *name;
	uint32_t bit;
	bool root;
};

static const struct event_def events[] = {
	{"it/ito", MP_EV_ITO, true},
	{"mrfp/overload", MP_EV_OVERLOAD, true},
	{"mrfp/ssrccol", MP_EV_SSRCCOL, false},
	{"mrfp/inact", MP_EV_INACT, false},
	{"mrfp/keysoft", MP_EV_KEYSOFT, false},
	{"mrfp/keyexp", MP_EV_KEYEXP, false},
	{"mrfp/grekey", MP_EV_GREKEY, false},
	{"dd/d0", MP_EV_DD0 << 0, false},
	{"dd/d1", MP_EV_DD0 << 1, false},
	{"dd/d2", MP_EV_DD0 << 2, false},
	{"dd/d3", MP_EV_DD0 << 3, false},
	{"dd/d4", MP_EV_DD0 << 4, false},
	{"dd/d5", MP_EV_DD0 << 5, false},
	{"dd/d6", MP_EV_DD0 << 6, false},
	{"dd/d7", MP_EV_DD0 << 7, false},
	{"dd/d8", MP_EV_DD0 << 8, false},
	{"dd/d9", MP_EV_DD0 << 9, false},
	{"dd/ds", MP_EV_DD0 << 10, false},
	{"dd/do", MP_EV_DD0 << 11, false},
	{"dd/da", MP_EV_DD0 << 12, false},
	{"dd/db", MP_EV_DD0 << 13, false},
	{"dd/dc", MP_EV_DD0 << 14, false},
	{"dd/dd", MP_EV_DD0 << 15, false},
};

uint32_t
mp_dd_event(char digit, const char **name)
{
	static const char order[] = "0123456789*#ABCD";
	const char *at = digit != '\0' ? strchr(order, digit) : NULL;
	if (at == NULL) {
		*name = NULL;
		return 0;
	}
	uint32_t bit = MP_EV_DD0 << (at - order);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].bit == bit)
			*name = events[i].name;
	return bit;
}

/* The packages of mrfpd's profile (nt and rtp: their properties and statistics). */
static bool
package_known(const struct mrfp_h248_str *name)
{
	static const char *const pkgs[] = {"dd", "it", "mrfp", "nt", "rtp"};
	const char *slash = memchr(name->p, '/', name->len);
	struct mrfp_h248_str pkg = {name->p, slash ? (uint32_t)(slash - name->p) : name->len};
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		if (h248_str_eq(&pkg, pkgs[i]))
			return true;
	return false;
}

/* it/ito's one parameter: mit, in 10 ms units (H.248.14). */
static int
ito_params(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *ev, struct mp_events *out,
	   struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *p;
	MRFP_H248_FOREACH(t, ev, p)
	{
		uint32_t mit;
		if (p->tok != MRFP_H248_TOK_NONE || !h248_str_eq(&p->name, "mit"))
			return mp_fail(res, 446, "it/ito takes one parameter, mit");
		if (h248_u32(&p->value, &mit) < 0 || mit == 0 || mit > 360000)
			return mp_fail(res, 449, "it/ito mit: 1 to 360000 (10 ms units)");
		out->mit_ms = mit * 10;
	}
	return 0;
}

static int
requested_event(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *ev, bool root,
		struct mp_events *out, struct mrfp_mp_result *res)
{
	if (ev->tok != MRFP_H248_TOK_NONE)
		return mp_fail(res, 501,
			       "embedded events, signals or event options not implemented");
	if (!root && h248_str_eq(&ev->name, "dd/*")) {
		out->mask |= MP_EV_DD_ALL;
		return ev->first != 0 ? mp_fail(res, 446, "this event takes no parameter") : 0;
	}
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (!h248_str_eq(&ev->name, events[i].name))
			continue;
		if (events[i].root != root)
			return mp_fail(res, 451,
				       root ? "not an event of ROOT"
					    : "an event of ROOT, not of a leg");
		out->mask |= events[i].bit;
		if (events[i].bit == MP_EV_ITO)
			return ito_params(t, ev, out, res);
		return ev->first != 0 ? mp_fail(res, 446, "this event takes no parameter") : 0;
	}
	if (!package_known(&ev->name))
		return mp_fail(res, 440, "unsupported or unknown package");
	return mp_fail(res, 451, "no such event in this package");
}

static int
check_signals(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *sg,
	      struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *s;
	MRFP_H248_FOREACH(t, sg, s)
	{
		if (s->tok != MRFP_H248_TOK_NONE)
			return mp_fail(res, 501, "signal lists not implemented");
		if (!package_known(&s->name))
			return mp_fail(res, 440, "unsupported or unknown package");
		return mp_fail(res, 452, "no such signal in this package: mrfpd plays none");
	}
	return 0; /* an empty Signals descriptor: nothing plays, nothing to stop */
}

int
mp_parse_events(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd, bool root,
		struct mp_events *out, struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *d;
	memset(out, 0, sizeof(*out));
	MRFP_H248_FOREACH(t, cmd, d)
	{
		if (d->tok == MRFP_H248_TOK_SIGNALS && check_signals(t, d, res) < 0)
			return -1;
		if (d->tok == MRFP_H248_TOK_EVENTBUFFER || d->tok == MRFP_H248_TOK_DIGITMAP ||
		    d->tok == MRFP_H248_TOK_MODEM || d->tok == MRFP_H248_TOK_MUX)
			return mp_fail(res, 444, "unsupported descriptor");
		if (d->tok != MRFP_H248_TOK_EVENTS)
			continue;
		out->set = true;
		if (d->op != MRFP_H248_OP_NONE && h248_u32(&d->value, &out->request_id) < 0)
			return mp_fail(res, 410, "bad RequestID");
		const struct mrfp_h248_node *ev;
		MRFP_H248_FOREACH(t, d, ev)
		if (requested_event(t, ev, root, out, res) < 0)
			return -1;
	}
	return 0;
}

int
mp_events_reply(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r, const struct mp_events *e,
		bool root)
{
	struct mrfp_h248_node *d =
		h248_addf(rt, r, MRFP_H248_TOK_EVENTS, "%" PRIu32, e->set ? e->request_id : 0);
	if (d == NULL)
		return -1;
	d->flags |= MRFP_H248_F_BODY; /* "Events = N {}": armed, nothing named */
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].root != root || (e->set && !(e->mask & events[i].bit)))
			continue;
		struct mrfp_h248_node *n = h248_add_name(rt, d, events[i].name, NULL);
		if (n == NULL)
			return -1;
		if (events[i].bit == MP_EV_ITO && e->mit_ms != 0 &&
		    h248_add_name(rt, n, "mit", "%" PRIu32, e->mit_ms / 10) == NULL)
			return -1;
	}
	return 0;
}

bool
mp_events_armed(const struct mp_events *e, uint32_t bit, uint32_t *request_id)
{
	*request_id = e->set ? e->request_id : 0;
	return !e->set || (e->mask & bit) != 0;
}
