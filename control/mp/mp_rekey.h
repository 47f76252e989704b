/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_MP_REKEY_H
#define MRFP_MP_REKEY_H

/*
 * Group-key rekeying policy of a conference. The MRFC hands out keys (SDES), so
 * mrfpd's part is to ask for a new group key when the policy says so: after legs join
 * (backward secrecy: a newcomer must not read what was sent before) or leave (forward
 * secrecy: a leaver must not read what follows), coalescing a burst of joins and leaves
 * into one request, and when the key reaches its maximum age. The request is a Notify
 * ObservedEvents mrfp/grekey {reason=join|leave|both|age}; the MRFC answers with the
 * make-before-break Modifies (README). Control thread only.
 */
#include <stdbool.h>
#include <stdint.h>

#include "h248.h"

#define MRFP_REKEY_JOIN 0x1
#define MRFP_REKEY_LEAVE 0x2
#define MRFP_REKEY_AGE 0x4

struct mrfp_rekey_policy {
	uint8_t on;	       /* MRFP_REKEY_JOIN | MRFP_REKEY_LEAVE */
	uint32_t window_ms;    /* coalescing window after the first join/leave */
	uint32_t max_age_s;    /* 0 = no limit */
	uint64_t pending_ms;   /* first unreported join/leave (0 = none) */
	uint8_t why;	       /* what is pending */
	uint64_t key_since_ms; /* when the group key was last changed */
	bool age_told;
};

/* mrfp/rekey = none|join|leave|both, mrfp/rekeywin = MS, mrfp/keyage = S. 1 = one of
 * these (stored), 0 = another property, -1 = a bad value. */
int rekey_property(const struct mrfp_h248_node *n, struct mrfp_rekey_policy *p);
void rekey_start(struct mrfp_rekey_policy *p, uint64_t now_ms);
void rekey_member(struct mrfp_rekey_policy *p, bool joined, uint64_t now_ms);
void rekey_key_changed(struct mrfp_rekey_policy *p, uint64_t now_ms);
/* The reasons to report now (and forget), or 0. */
uint8_t rekey_due(struct mrfp_rekey_policy *p, uint64_t now_ms);
const char *rekey_reason(uint8_t why);

#endif
