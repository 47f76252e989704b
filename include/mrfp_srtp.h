/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_H
#define MRFP_SRTP_H

#include <stddef.h>
#include <stdint.h>

#include "mrfp_drop.h"

/*
 * SRTP sessions: the one place where libsrtp2 is called and its status codes become drop
 * reasons. A session protects or unprotects one leg's traffic in one direction (RTP and its
 * SRTCP). Sessions are created and freed by control; between those, exactly one worker uses it.
 */

#define MRFP_SRTP_SUITES(X)                                                                    \
	X(AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14)                          \
	X(AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14)                          \
	X(AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14)                          \
	X(AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 16, 12)                                        \
	X(AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 32, 12)

enum mrfp_srtp_suite {
#define MRFP_SUITE_ENUM(name, str, key, salt) MRFP_SUITE_##name,
	MRFP_SRTP_SUITES(MRFP_SUITE_ENUM)
#undef MRFP_SUITE_ENUM
	MRFP_SUITE_COUNT
};

#define MRFP_SRTP_MAX_KEY_LEN 46     /* 32-byte key + 14-byte salt */
#define MRFP_SRTP_MAX_TRAILER 144    /* libsrtp's SRTP_MAX_TRAILER_LEN: tag + MKI */
#define MRFP_SRTCP_MAX_TRAILER 148   /* plus the 4-byte SRTCP index */

/* Master key and salt (RFC 4568 key||salt). Wipe with mrfp_srtp_key_wipe before it goes. */
struct mrfp_srtp_key {
	enum mrfp_srtp_suite suite;
	uint8_t len; /* key + salt bytes: must equal mrfp_srtp_suite_key_len(suite) */
	uint8_t material[MRFP_SRTP_MAX_KEY_LEN];
};

enum mrfp_srtp_dir {
	MRFP_SRTP_INBOUND,  /* unprotect what a participant sent */
	MRFP_SRTP_OUTBOUND, /* protect what mrfpd sends */
};

struct mrfp_srtp_session;

/* Name and parameters of a suite; NULL/0 when out of range. Any thread. */
const char *mrfp_srtp_suite_name(enum mrfp_srtp_suite suite);
unsigned int mrfp_srtp_suite_key_len(enum mrfp_srtp_suite suite);
/* RFC 4568 name -> suite. 0 or -ENOENT. Any thread. */
int mrfp_srtp_suite_parse(const char *name, enum mrfp_srtp_suite *out);

/*
 * Initialise libsrtp2 once per process and check that it runs on OpenSSL: an NSS-backed
 * libsrtp2 is refused (-ENOTSUP) with a log line saying why. Control thread, before workers.
 */
int mrfp_srtp_init(void);
/* Crypto backend that the self-test found ("openssl"); NULL before mrfp_srtp_init. */
const char *mrfp_srtp_backend(void);

/*
 * Create a session for any SSRC in one direction with replay protection (window 1024).
 * Control thread only. Returns NULL with rte_errno set (EINVAL bad key, ENOMEM).
 * The key is copied into libsrtp; the caller still wipes its own copy.
 */
struct mrfp_srtp_session *mrfp_srtp_session_create(const struct mrfp_srtp_key *key,
						   enum mrfp_srtp_dir dir);
/* Free a session; libsrtp wipes the key schedule. NULL is ignored. Control thread only. */
void mrfp_srtp_session_free(struct mrfp_srtp_session *s);
enum mrfp_srtp_suite mrfp_srtp_session_suite(const struct mrfp_srtp_session *s);

/*
 * Packet operations, in place on a contiguous buffer. protect needs MRFP_SRTP_MAX_TRAILER
 * (RTCP: MRFP_SRTCP_MAX_TRAILER) writable bytes after *len. *len is updated. Return
 * MRFP_DROP_NONE or the drop reason. Owning worker only; no allocation except libsrtp's
 * one-time clone of a stream for a new SSRC.
 */
enum mrfp_drop mrfp_srtp_protect(struct mrfp_srtp_session *s, void *rtp, int *len);
enum mrfp_drop mrfp_srtp_unprotect(struct mrfp_srtp_session *s, void *srtp, int *len);
enum mrfp_drop mrfp_srtp_protect_rtcp(struct mrfp_srtp_session *s, void *rtcp, int *len);
enum mrfp_drop mrfp_srtp_unprotect_rtcp(struct mrfp_srtp_session *s, void *srtcp, int *len);

/* Overwrite key material so the compiler cannot elide it. Any thread. */
void mrfp_srtp_key_wipe(struct mrfp_srtp_key *key);

/* Bytes of authentication tag the suite appends to each RTP packet. Any thread. */
unsigned int mrfp_srtp_suite_tag_len(enum mrfp_srtp_suite suite);

#endif
