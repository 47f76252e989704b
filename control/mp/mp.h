/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mp: the H.248 interface to the MRFC (ITU-T H.248.1 text encoding over UDP, 3GPP TS 29.333).
 * Runs on the control thread. Control thread only, every function.
 */
#ifndef MRFP_CTL_MP_H
#define MRFP_CTL_MP_H

#include <stdbool.h>
#include <stdint.h>

#include "h248.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"

struct mrfp_mp;

/* Bind the Mp socket and send ServiceChange Restart to the MGC. NULL with errno set. */
struct mrfp_mp *mp_create(struct mrfp_dp *dp, const struct mrfp_config *cfg);
void mp_free(struct mrfp_mp *mp);
int mp_fd(const struct mrfp_mp *mp);
/* The clock of mp_poll: monotonic milliseconds. */
uint64_t mp_now_ms(void);
/* Serve every datagram waiting on the socket, retransmit what is due. */
void mp_poll(struct mrfp_mp *mp, uint64_t now_ms);
/* Drain (SIGTERM with --drain-timeout): ServiceChange Graceful with the delay, new legs
 * refused (503) while the calls go on. An MGC's Graceful on ROOT starts the same. */
void mp_drain_start(struct mrfp_mp *mp, uint32_t delay_ms, uint64_t now_ms);
/* The drain is over (no conference left, or out of time): ServiceChange Forced went and was
 * answered (or 2 s passed). The caller exits. */
bool mp_drain_done(struct mrfp_mp *mp, uint64_t now_ms);
/* A worker event becomes a Notify to the MGC. */
void mp_event(struct mrfp_mp *mp, const struct mrfp_event *ev, uint64_t now_ms);
/* Mp's own figures, for metrics and readiness (control/metrics). */
struct mp_stats {
	uint64_t rx, tx, malformed, duplicates, executed, errors, retransmits;
	bool registered; /* the MGC answered our ServiceChange and has not gone silent since */
	bool draining;	 /* out of service gracefully: no new legs */
};
void mp_stats(const struct mrfp_mp *mp, struct mp_stats *out);

/* Commands the MGC sent, by kind and result: the success, or the H.248.8 code answered. */
enum mp_cmd_kind {
	MP_CMD_ADD,
	MP_CMD_MODIFY,
	MP_CMD_SUBTRACT,
	MP_CMD_MOVE,
	MP_CMD_AUDITVALUE,
	MP_CMD_AUDITCAP,
	MP_CMD_SERVICECHANGE,
	MP_CMD_OTHER,
	MP_CMD_KINDS
};
#define MP_CODE_MIN 400	  /* H.248.8's codes: 400 .. 599 */
#define MP_CODE_SLOTS 201 /* [0] success, [1 + code - MP_CODE_MIN] an error */
const char *mp_cmd_kind_name(enum mp_cmd_kind kind);
/* How many commands of this kind were answered with code (0: success). */
uint64_t mp_command_count(const struct mrfp_mp *mp, enum mp_cmd_kind kind, unsigned int code);

/* ---- the IPsec side of Mp: state and counters for telemetry ---- */

enum mrfp_mp_security {
	MRFP_MP_OFF = 0,      /* no Mp (no --mgc) */
	MRFP_MP_INSECURE_LAB, /* insecure-lab: served without IPsec (loopback / lab prefix) */
	MRFP_MP_PROTECTED,    /* the guard says protected: served */
	MRFP_MP_SUSPENDED,    /* not protected: nothing served, nothing sent */
};

/* What datagrams were dropped, and why, while protecting Mp. */
#define MRFP_MP_SEC_COUNTERS(X)                                                                    \
	X(drop_unprotected) /* read while not protected: dropped unanswered */                     \
	X(drop_not_ipsec)   /* arrived outside mp-interface (cleartext): dropped */                \
	X(drop_not_mgc)	    /* not from the provisioned MGC: dropped */                            \
	X(tx_suppressed)    /* messages not sent because not protected */                          \
	X(notify_dropped)   /* worker events not notified because not protected */                 \
	X(changes)	    /* protected <-> not protected */                                      \
	X(guard_refreshes)  /* list-sas answered by charon */                                      \
	X(guard_events)	    /* ike-updown / child-updown seen */                                   \
	X(guard_vici_errors)

struct mp_sec_status {
	uint32_t state;	 /* enum mrfp_mp_security */
	uint32_t reason; /* enum mrfp_ipsec_reason (ipsec_guard.h) */
#define MRFP_MP_SEC_FIELD(n) uint64_t n;
	MRFP_MP_SEC_COUNTERS(MRFP_MP_SEC_FIELD)
#undef MRFP_MP_SEC_FIELD
};

/* A snapshot of the one Mp of this process. Any thread (relaxed atomics: control writes,
 * telemetry reads; each field is exact, the set is not a transaction). */
void mp_sec_status(struct mp_sec_status *out);
const char *mp_security_name(enum mrfp_mp_security s);
/* /mrfp/ipsec over rte_telemetry (telemetry.c). */
int telemetry_mp_init(void);

/* ---- command execution (mp_exec.c), exposed for tests ---- */

struct mrfp_mp_state;

struct mrfp_mp_state *mp_state_create(struct mrfp_dp *dp, const struct mrfp_config *cfg);
void mp_state_free(struct mrfp_mp_state *st);

struct mrfp_mp_result {
	uint16_t code; /* 0 = done, else the H.248.8 error code */
	char text[96];
};

/*
 * Execute the actions of one TransactionRequest node of t, appending the reply's actions to
 * reply_trans (a Reply node of rt). Stops at the first failed command (which leaves nothing
 * behind); its error is in the reply and in *res.
 */
void mp_execute(struct mrfp_mp_state *st, const struct mrfp_h248_tree *t,
		const struct mrfp_h248_node *trans, struct mrfp_h248_tree *rt,
		struct mrfp_h248_node *reply_trans, uint64_t now_ms, struct mrfp_mp_result *res);

/* Conferences whose group-key policy asks for a rekey now: fn(arg, a leg of it, reason). */
typedef void (*mrfp_mp_rekey_fn)(void *arg, uint32_t leg_id, const char *reason);
void mp_rekey_poll(struct mrfp_mp_state *st, uint64_t now_ms, mrfp_mp_rekey_fn fn, void *arg);

/* Events of mrfpd's profile (mp_events.c); the MGC arms them with Events descriptors. */
enum mp_event_bit {
	MP_EV_ITO = 1u << 0, /* ROOT: it/ito, H.248.14 */
	MP_EV_SSRCCOL = 1u << 1,
	MP_EV_INACT = 1u << 2,
	MP_EV_KEYSOFT = 1u << 3,
	MP_EV_KEYEXP = 1u << 4,
	MP_EV_GREKEY = 1u << 5,
	MP_EV_OVERLOAD = 1u << 6, /* ROOT: mrfp/overload, admission limits reached or cleared */
	MP_EV_DD0 = 1u << 8,	  /* dd/d0; the 16 DTMF digits of the dd package follow */
};
#define MP_EV_DD_ALL (0xffffu * MP_EV_DD0)

/* The dd package's event of a DTMF digit ('0'-'9', '*', '#', 'A'-'D'): its bit and name
 * ("dd/d5", "dd/ds" for '*', "dd/do" for '#'), or 0 and NULL for anything else. */
uint32_t mp_dd_event(char digit, const char **name);
/* Whether a leg's event is to be reported, and the RequestID of its Notify. */
bool mp_leg_event(const struct mrfp_mp_state *st, uint32_t leg_id, uint32_t bit,
		  uint32_t *request_id);
/* Whether ROOT's event bit is armed, and its RequestID. */
bool mp_root_event(const struct mrfp_mp_state *st, uint32_t bit, uint32_t *request_id);
/* Whether it/ito is armed on ROOT, its RequestID and mit in ms (0: --mgc-timeout). */
bool mp_root_ito(const struct mrfp_mp_state *st, uint32_t *request_id, uint64_t *mit_ms);

/* The MGC said it restarted (ServiceChange Restart on ROOT), once: its cached replies go. */
bool mp_mgc_restart_take(struct mrfp_mp_state *st);
/* The MgcIdToTry of a HandOff the MGC asked for (once), for the transport. 0 or -1: none. */
int mp_handoff_take(struct mrfp_mp_state *st, char *mid, size_t size);

/* Context and termination ids of a leg, for Notify. 0 or -ENOENT. */
int mp_leg_names(const struct mrfp_mp_state *st, uint32_t leg_id, uint32_t *ctx_id, char *term,
		 size_t size);

#endif
