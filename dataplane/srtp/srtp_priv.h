/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_PRIV_H
#define MRFP_SRTP_PRIV_H

/*
 * The SRTP engine interface behind mrfp_srtp.h. A session knows its engine; the public calls
 * dispatch through its ops table, so sessions of both engines can live in one process (the
 * tests use libsrtp2 as the oracle for the burst engine).
 */
#include <rte_mbuf.h>

#include "mrfp_srtp.h"

struct srtp_engine_ops {
	const char *name;
	/* Control thread: allocate a session (engine-sized) or NULL with rte_errno. */
	struct mrfp_srtp_session *(*create)(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir,
					    unsigned int max_streams);
	void (*free)(struct mrfp_srtp_session *s);
	enum mrfp_drop (*protect)(struct mrfp_srtp_session *s, void *rtp, int *len);
	enum mrfp_drop (*unprotect)(struct mrfp_srtp_session *s, void *srtp, int *len);
	enum mrfp_drop (*protect_rtcp)(struct mrfp_srtp_session *s, void *rtcp, int *len);
	enum mrfp_drop (*unprotect_rtcp)(struct mrfp_srtp_session *s, void *srtcp, int *len);
	/* Owning worker: n packets (mbuf data = the packet), possibly of different sessions. */
	void (*protect_burst)(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
			      enum mrfp_drop d[], unsigned int n);
	void (*unprotect_burst)(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
				enum mrfp_drop d[], unsigned int n);
};

/* Common head of every engine's session. */
struct mrfp_srtp_session {
	const struct srtp_engine_ops *ops;
	enum mrfp_srtp_suite suite;
	enum mrfp_srtp_dir dir;
	/* key lifetime, counted here for both engines; owning worker: rw */
	uint64_t uses, soft, limit;
};

extern const struct srtp_engine_ops mrfp_srtp_lib_ops;
extern const struct srtp_engine_ops burst_ops;
/* True once mrfp_srtp_burst_init succeeded. Control thread. */
bool burst_ready(void);

/* Start counting packets against a key's lifetime (0 = the RFC 3711 maximum). */
void mrfp_srtp_limit_init(struct mrfp_srtp_session *s, uint64_t lifetime);

/* Suite parameters shared by the engines. */
unsigned int mrfp_srtp_suite_cipher_key_len(enum mrfp_srtp_suite suite);
unsigned int mrfp_srtp_suite_salt_len(enum mrfp_srtp_suite suite);
bool mrfp_srtp_suite_is_aead(enum mrfp_srtp_suite suite);
/* SRTCP tag bytes: the _32 suite keeps the 80-bit SRTCP tag (RFC 4568 6.2.1). */
unsigned int mrfp_srtp_suite_rtcp_tag_len(enum mrfp_srtp_suite suite);

/*
 * RFC 3711 4.3 key derivation (AES-CM PRF, key derivation rate 0) as libsrtp2 does it: the
 * master salt zero-padded to 112 bits (RFC 7714's 96-bit salts too). 0 or -EIO.
 */
int mrfp_srtp_kdf(const struct mrfp_srtp_key *key, uint8_t label, uint8_t *out,
		  unsigned int out_len);

#endif
