/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec guard: Mp is served only while strongSwan (asked over VICI) holds an INSTALLED ESP
 * CHILD_SA with an allowed, non-null cipher whose traffic selectors cover our Mp address and
 * port <-> the MGC, under an ESTABLISHED IKE_SA with the expected peer identity (TS 33.210
 * NDS/IP; H.248.1 10.1 asks for ESP encryption when descriptors carry keys).
 * Control thread only, every function, unless it says otherwise.
 */
#ifndef MRFP_CTL_IPSEC_GUARD_H
#define MRFP_CTL_IPSEC_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "mrfp_config.h"
#include "mrfp_types.h"
#include "vici.h"

/*
 * Why Mp is (not) protected, from the least to the most promising: when several SAs are
 * listed, the verdict is the best one found. The X-macro feeds the enum and the strings.
 */
#define MRFP_IPSEC_REASONS(X)                                                                      \
	X(NO_VICI, "no answer from charon over VICI")                                              \
	X(NO_IKE_SA, "no IKE_SA")                                                                  \
	X(IKE_NOT_ESTABLISHED, "IKE_SA not established")                                           \
	X(WRONG_IDENTITY, "IKE peer identity is not mgc-identity")                                 \
	X(NO_CHILD_SA, "no CHILD_SA")                                                              \
	X(CHILD_NOT_INSTALLED, "CHILD_SA not installed")                                           \
	X(TS_MISMATCH, "no CHILD_SA covers the Mp address and port <-> the MGC")                   \
	X(NOT_ESP, "the CHILD_SA for Mp is not ESP")                                               \
	X(WEAK_CIPHER, "the CHILD_SA for Mp has null or disallowed encryption")                    \
	X(NO_INTEGRITY, "the CHILD_SA for Mp has no integrity protection")                         \
	X(SA_DOWN, "a CHILD_SA went down (checking)")                                              \
	X(PROTECTED, "protected")

enum mrfp_ipsec_reason {
#define MRFP_IPSEC_ENUM(n, s) MRFP_IPSEC_##n,
	MRFP_IPSEC_REASONS(MRFP_IPSEC_ENUM)
#undef MRFP_IPSEC_ENUM
		MRFP_IPSEC_REASON_COUNT
};

/* Any thread. */
const char *ipsec_reason_text(enum mrfp_ipsec_reason r);

/* What must be protected. Ports in network order, like struct mrfp_addr. */
struct mrfp_ipsec_want {
	struct mrfp_addr mp;  /* our Mp address and port (local traffic selector) */
	struct mrfp_addr mgc; /* the MGC's address and port (remote traffic selector) */
	const char *identity; /* IKE remote-id the MGC must have; NULL or "" = any */
};

/* ---- the decision, pure (ipsec_judge.c): any thread ---- */

/* One list-sa (or ike/child-updown) message: the best verdict over its IKE_SA sections. */
enum mrfp_ipsec_reason ipsec_judge(const struct mrfp_vici_msg *m, const struct mrfp_ipsec_want *w);
/* One IKE_SA section of m. */
enum mrfp_ipsec_reason ipsec_judge_ike(const struct mrfp_vici_msg *m, int ike,
				       const struct mrfp_ipsec_want *w);
/* ESP encryption names strongSwan prints that we accept; AEAD ones need no integrity alg. */
bool ipsec_cipher_allowed(const struct mrfp_vici_str *encr, bool *aead);

/*
 * A strongSwan traffic selector as VICI prints it ("10.0.0.1/32[udp/2944]", "10.1.0.0/16",
 * "0.0.0.0/0", "10.0.0.1..10.0.0.9[17/1000-2000]", "fd00::/64[udp/megaco]") covers address
 * a (with a->port when port_matters) for UDP. false for anything it cannot read.
 */
bool ipsec_ts_covers(const struct mrfp_vici_str *ts, const struct mrfp_addr *a, bool port_matters);
/* a inside prefix/len (same family). Any thread. */
bool ipsec_prefix_contains(const struct mrfp_addr *prefix, unsigned len, const struct mrfp_addr *a);
bool ipsec_is_loopback(const struct mrfp_addr *a);

/* ---- the guard: a VICI client on the control thread (ipsec_guard.c) ---- */

struct mrfp_ipsec_guard;

struct ipsec_guard_stats {
	uint64_t refreshes;   /* list-sas completed */
	uint64_t events;      /* ike-updown / child-updown received */
	uint64_t vici_errors; /* connection failures, timeouts, malformed packets */
	uint64_t changes;     /* protected <-> not protected */
};

/* Connects lazily: a missing charon is "not protected", never an error. NULL with errno. */
struct mrfp_ipsec_guard *ipsec_guard_create(const char *vici_socket,
					    const struct mrfp_ipsec_want *w);
void ipsec_guard_free(struct mrfp_ipsec_guard *g);
/* The MGC moved (MgcIdToTry): judge against this one from now on; not protected until then. */
void ipsec_guard_set_mgc(struct mrfp_ipsec_guard *g, const struct mrfp_addr *mgc, uint64_t now_ms);
/* Never blocks: (re)connects, reads what charon sent, asks list-sas when due (every
 * refresh period, and at once after an up/down event). */
void ipsec_guard_poll(struct mrfp_ipsec_guard *g, uint64_t now_ms);
bool ipsec_guard_protected(const struct mrfp_ipsec_guard *g);
enum mrfp_ipsec_reason ipsec_guard_reason(const struct mrfp_ipsec_guard *g);
/* The VICI socket to poll for input, or -1 while not connected. */
int ipsec_guard_fd(const struct mrfp_ipsec_guard *g);
void ipsec_guard_stats(const struct mrfp_ipsec_guard *g, struct ipsec_guard_stats *s);

#endif
