/* SPDX-License-Identifier: BSD-3-Clause */
/* Group-key rekeying policy: when to ask the MRFC for a new group key (mp_rekey.h). */
#include "mp_rekey.h"

#define DEFAULT_WINDOW_MS 500

int
rekey_property(const struct mrfp_h248_node *n, struct mrfp_rekey_policy *p)
{
	static const char *const on[] = {"none", "join", "leave", "both"};
	uint32_t u;
	if (h248_str_eq(&n->name, "mrfp/rekey")) {
		for (uint8_t i = 0; i < 4; i++)
			if (h248_str_eq(&n->value, on[i])) {
				p->on = i; /* join = 1, leave = 2, both = 3 */
				return 1;
			}
		return -1;
	}
	if (h248_str_eq(&n->name, "mrfp/rekeywin"))
		return h248_u32(&n->value, &u) == 0 && u <= 60000 ? (p->window_ms = u, 1) : -1;
	if (h248_str_eq(&n->name, "mrfp/keyage"))
		return h248_u32(&n->value, &u) == 0 && u <= 86400 ? (p->max_age_s = u, 1) : -1;
	return 0;
}

void
rekey_start(struct mrfp_rekey_policy *p, uint64_t now_ms)
{
	if (p->window_ms == 0)
		p->window_ms = DEFAULT_WINDOW_MS;
	p->key_since_ms = now_ms;
}

void
rekey_member(struct mrfp_rekey_policy *p, bool joined, uint64_t now_ms)
{
	uint8_t what = joined ? MRFP_REKEY_JOIN : MRFP_REKEY_LEAVE;
	if (!(p->on & what))
		return;
	if (p->why == 0)
		p->pending_ms = now_ms; /* the window runs from the first of a burst */
	p->why |= what;
}

void
rekey_key_changed(struct mrfp_rekey_policy *p, uint64_t now_ms)
{
	p->key_since_ms = now_ms;
	p->age_told = false;
}

/* Time since a stamp; a stamp from a later clock read than now counts as no time at all. */
static uint64_t
since(uint64_t now_ms, uint64_t stamp_ms)
{
	return now_ms > stamp_ms ? now_ms - stamp_ms : 0;
}

uint8_t
rekey_due(struct mrfp_rekey_policy *p, uint64_t now_ms)
{
	uint8_t why = 0;
	if (p->why != 0 && since(now_ms, p->pending_ms) >= p->window_ms) {
		why = p->why;
		p->why = 0;
	}
	if (p->max_age_s != 0 && !p->age_told &&
	    since(now_ms, p->key_since_ms) >= (uint64_t)p->max_age_s * 1000) {
		p->age_told = true;
		why |= MRFP_REKEY_AGE;
	}
	return why;
}

const char *
rekey_reason(uint8_t why)
{
	/* a rekey for joins or leaves renews the key's age as well */
	if ((why & (MRFP_REKEY_JOIN | MRFP_REKEY_LEAVE)) == 0)
		return "age";
	if ((why & MRFP_REKEY_JOIN) && (why & MRFP_REKEY_LEAVE))
		return "both";
	return why & MRFP_REKEY_JOIN ? "join" : "leave";
}
