/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the Mp executor's files share (control thread only): mrfpd's view of its contexts and
 * terminations, a parsed Add/Modify, and the three steps of a command: parse the request
 * (mp_props.c), reconcile key sets (mp_keyset.c), execute (mp_exec.c).
 */
#ifndef MRFP_MP_STATE_H
#define MRFP_MP_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mp.h"
#include "mp_rekey.h"
#include "sdp.h"

/* What the MGC asked to be reported on a termination (mp_events.c). */
struct mp_events {
	bool set; /* an Events descriptor came; else the profile's provisioned events */
	uint32_t request_id;
	uint32_t mask;	 /* enum mp_event_bit */
	uint32_t mit_ms; /* it/ito's mit; 0: --mgc-timeout */
};

struct mp_term {
	uint32_t leg_id;
	uint32_t ctx_id;
	uint16_t port;
	uint8_t pt;
	uint16_t ptime;
	/* what the Local SDP answers with (the participant's codec, crypto tag and suite) */
	uint8_t family;
	struct mrfp_sdp_fmt fmt;
	struct mrfp_sdp_fmt dtmf; /* telephone-event beside it (pt 0: none) */
	uint32_t tag;
	enum mrfp_srtp_suite suite;
	enum mrfp_leg_mode mode;
	uint64_t added_ms;
	struct mp_events ev;
	struct mp_term *next;
};

struct mp_ctx {
	uint32_t id;
	struct mrfp_conf_params params;
	struct mrfp_rekey_policy rekey; /* group/hybrid: when to ask for a new group key */
	struct mrfp_srtp_key group; /* group/hybrid: mrfpd's common-stream key (wiped on free) */
	/* group: the rest of the group key set as the MRFC last stated it (the next key, or
	 * the one draining), so that a newcomer's Add reply names the keys in use, never a
	 * retired one. Wiped when replaced and on free. */
	struct mrfp_srtp_key group_more[MRFP_SRTP_MAX_KEYS - 1];
	uint8_t n_group_more;
	struct mp_term *terms;
	unsigned int n_terms;
	struct mp_ctx *next;
};

struct mrfp_mp_state {
	struct mrfp_dp *dp;
	const struct mrfp_config *cfg;
	struct mp_ctx *ctxs;
	uint32_t next_ctx, next_leg;
	struct mp_events root_ev; /* ROOT's Events: it/ito */
	char handoff_to[64];	  /* MgcIdToTry of an MGC's HandOff, for the transport to act on */
	bool draining;		  /* out of service gracefully: no new legs */
	bool mgc_restarted;	  /* the MGC's ServiceChange Restart: its cached replies go */
	uint64_t drain_deadline_ms;
	uint64_t commands[MP_CMD_KINDS][MP_CODE_SLOTS]; /* by kind and result (mp.h) */
};

/* What one Add/Modify asks for, all parsed before anything is applied. */
struct leg_request {
	struct mrfp_leg_params p;
	bool have_mode, have_remote, have_local;
	struct mrfp_sdp remote, local;
	int rx_idx;			 /* chosen a=crypto line of the Remote SDP */
	struct mrfp_sdp_fmt answer;	 /* the codec chosen from the Remote, as Local states it */
	struct mrfp_sdp_fmt answer_dtmf; /* telephone-event beside it (pt 0: none) */
	struct mrfp_conf_params conf;
	struct mrfp_rekey_policy rekey;
};

/* The session a key set goes to: a leg's (rx or tx), or (group) its conference's group key. */
struct key_target {
	struct mrfp_dp *dp;
	uint32_t leg_id, conf_id;
	enum mrfp_srtp_dir dir;
	bool group;
	/* hybrid talker's Local: lines stating a key of this conference's group key set are not
	 * the leg's own (they are skipped) */
	const struct mp_ctx *skip_group;
};

/* A refused command: its H.248 error code and text in res. Returns -1. */
static inline int
mp_fail(struct mrfp_mp_result *res, uint16_t code, const char *text)
{
	res->code = code;
	snprintf(res->text, sizeof(res->text), "%s", text);
	return -1;
}

/* mp_props.c: the request's descriptors and mrfp properties, parsed before anything is
 * applied. 0, or -1 with res set. */
int mp_parse_media(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd,
		   struct leg_request *rq, struct mrfp_mp_result *res);
int mp_check_remote(struct leg_request *rq, const struct mrfp_conf_params *conf, int prefer_pt,
		    const struct mrfp_sdp_fmt *shared, struct mrfp_mp_result *res);

/* mp_events.c: the Events and Signals descriptors of a command on ROOT or on rtp/n
 * (refused: res set, -1); out->set when an Events descriptor came. */
int mp_parse_events(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd, bool root,
		    struct mp_events *out, struct mrfp_mp_result *res);
bool mp_events_armed(const struct mp_events *e, uint32_t bit, uint32_t *request_id);
/* The Events descriptor of an audit reply under r: what is armed, with its RequestID (the
 * provisioned profile: RequestID 0 and every event of the termination). 0 or -1 (no room). */
int mp_events_reply(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r, const struct mp_events *e,
		    bool root);

/* mp_service.c: ServiceChange from the MGC (the table there). */
int mp_cmd_service_change(struct mrfp_mp_state *st, struct mp_ctx **ctxp,
			  const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd,
			  struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx, uint64_t now_ms,
			  struct mrfp_mp_result *res);
/* mp_service.c: a graceful drain; due when no conference is left or the delay is over. */
bool mp_state_drain(struct mrfp_mp_state *st, uint64_t delay_ms, uint64_t now_ms);
bool mp_state_drain_due(const struct mrfp_mp_state *st, uint64_t now_ms);
/* mp_exec.c: a leg taken out of service (Forced): removed as by Subtract. */
int mp_force_out(struct mrfp_mp_state *st, struct mp_ctx **ctxp, const struct mrfp_h248_str *term,
		 uint64_t now_ms, struct mrfp_mp_result *res);

/* mp_local.c: which keys a leg's Local states and its reply names (the table there). */
bool mp_local_is_group(const struct mrfp_conf_params *p, enum mrfp_leg_mode mode);
bool mp_leg_has_own(const struct mrfp_conf_params *p, enum mrfp_leg_mode mode);
bool mp_group_has(const struct mp_ctx *c, const struct mrfp_srtp_key *k);
/* An Add's keys of mrfpd from its Local: own (bilateral, hybrid) and, when c is NULL (the Add
 * creates the conference), the group key (group, hybrid). 0, or -1 with res set. */
int mp_add_keys(const struct mp_ctx *c, const struct leg_request *rq, enum mrfp_srtp_suite suite,
		struct mrfp_srtp_key *own, struct mrfp_srtp_key *group, struct mrfp_mp_result *res);
/* A Modify's Local as the group key set: 1 a change (MKI keys, through mp_keyset_sync),
 * 0 none (not a group Local, or the set restated, or `$`), -1 refused with res set. */
int mp_group_local_change(const struct mp_ctx *c, const struct leg_request *rq,
			  enum mrfp_srtp_suite suite, struct mrfp_mp_result *res);
/* A Modify's own key of the leg (bilateral, hybrid talker): the first Local line that is not a
 * group key (`$`: a fresh key; *stated when the MRFC gave it); a leg becoming a hybrid talker
 * without one gets a fresh key. 1 with *own set, 0 no own key in this Modify, -1 res set. */
int mp_own_key(const struct mp_ctx *c, const struct leg_request *rq, enum mrfp_srtp_suite suite,
	       bool becomes_talker, struct mrfp_srtp_key *own, bool *stated,
	       struct mrfp_mp_result *res);
/* Local's address must be mrfpd's; a leg's port (term non-NULL) cannot change. */
int mp_check_local(const struct mrfp_mp_state *st, const struct leg_request *rq,
		   const struct mp_term *term, struct mrfp_mp_result *res);
/* The reply's Local SDP: mrfpd's address and port, the codec, the keys the leg uses (own
 * may be NULL when unchanged and unknown). Length or -1. */
int mp_write_local(const struct mrfp_mp_state *st, const struct mp_term *term,
		   const struct mrfp_srtp_key *own, const struct mp_ctx *c, char *out, size_t size);

/* mp_keyset.c: a Modify's a=crypto lines of the leg's suite, reconciled with the keys the
 * dataplane holds (see the table there). */
enum mp_keyset_outcome {
	MP_KEYSET_FAILED = -1, /* refused: res holds the error, nothing changed */
	MP_KEYSET_REPLACE = 0, /* not a key-set change: the caller replaces the session's key */
	MP_KEYSET_DONE = 1,    /* checked (apply false) or done (apply true) as a key set */
};
enum mp_keyset_outcome mp_keyset_sync(const struct key_target *kt, const struct mp_term *term,
				      const struct mrfp_sdp *sdp, bool apply,
				      struct mrfp_mp_result *res);
/* A group key set the dataplane took: remembered for the Local of later Add replies. */
void mp_group_set_note(struct mp_ctx *c, const struct mrfp_sdp *local, enum mrfp_srtp_suite suite);

/* mp_audit.c: AuditCapability of ROOT: its Packages (a leg: 501). */
int mp_audit_cap(struct mrfp_mp_state *st, struct mp_ctx *c, const struct mrfp_h248_node *cmd,
		 struct mrfp_h248_tree *rt, struct mrfp_h248_node *rctx,
		 struct mrfp_mp_result *res);
/* mp_audit.c: RTP/RTCP statistics of H.248.1 Annex E (nt, rtp) under r, from the leg's
 * counters (AuditValue, Subtract). 0 or -1 (no room). */
int mp_reply_statistics(struct mrfp_h248_tree *rt, struct mrfp_h248_node *r,
			const struct mrfp_leg_counters *c, uint64_t dur_ms);
/* mp_audit.c: AuditValue (H.248.1 7.2.5) of ROOT and of a context's legs (`*` or the partial
 * wildcard `rtp/` `*`, or `rtp/N`): what its Audit descriptor asks for, never a key. c NULL:
 * the null context. 0, or -1 with res set. */
int mp_audit(struct mrfp_mp_state *st, struct mp_ctx *c, const struct mrfp_h248_tree *t,
	     const struct mrfp_h248_node *cmd, struct mrfp_h248_tree *rt,
	     struct mrfp_h248_node *rctx, uint64_t now_ms, struct mrfp_mp_result *res);
/* Context = * { AuditValue ... }: one Context = N reply block per context a command names
 * (ids ascending), ROOT's in Context = -. Errors go into the reply (the transaction's, or the
 * block under way); -1 then. */
int mp_audit_all(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
		 const struct mrfp_h248_node *action, struct mrfp_h248_tree *rt,
		 struct mrfp_h248_node *reply_trans, uint64_t now_ms, struct mrfp_mp_result *res);

#endif
