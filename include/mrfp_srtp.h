/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_H
#define MRFP_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrfp_drop.h"

/*
 * SRTP sessions: the one place where libsrtp2 is called and its status codes become drop
 * reasons. A session protects or unprotects one leg's traffic in one direction (RTP and its
 * SRTCP). Sessions are created and freed by control; between those, exactly one worker uses it.
 */

#define MRFP_SRTP_SUITES(X)                                                                        \
	X(AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14)                              \
	X(AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14)                              \
	X(AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14)                              \
	X(AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 16, 12)                                            \
	X(AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 32, 12)

enum mrfp_srtp_suite {
#define MRFP_SUITE_ENUM(name, str, key, salt) MRFP_SUITE_##name,
	MRFP_SRTP_SUITES(MRFP_SUITE_ENUM)
#undef MRFP_SUITE_ENUM
		MRFP_SUITE_COUNT
};

#define MRFP_SRTP_MAX_KEY_LEN 46 /* 32-byte key + 14-byte salt */
#define MRFP_SRTP_MAX_MKI_LEN 4
#define MRFP_SRTP_MAX_KEYS 4	   /* master keys one session holds at once (make-before-break) */
#define MRFP_SRTP_MAX_TRAILER 144  /* libsrtp's SRTP_MAX_TRAILER_LEN: tag + MKI */
#define MRFP_SRTCP_MAX_TRAILER 148 /* plus the 4-byte SRTCP index */

/* Master key and salt (RFC 4568 key||salt). Wipe with mrfp_srtp_key_wipe before it goes. */
struct mrfp_srtp_key {
	enum mrfp_srtp_suite suite;
	uint8_t len; /* key + salt bytes: must equal mrfp_srtp_suite_key_len(suite) */
	uint8_t material[MRFP_SRTP_MAX_KEY_LEN];
	uint64_t lifetime; /* RFC 4568 |lifetime: packets under this key; 0 = 2^48 (RFC 3711) */
	uint8_t mki_len;   /* RFC 3711 MKI carried in each packet: 0 (none) to 4 bytes */
	uint8_t mki[MRFP_SRTP_MAX_MKI_LEN]; /* its value, big-endian */
};

/*
 * Key lifetime (RFC 3711 9.2, RFC 4568 6.1): a session counts the packets it protects and
 * the packets it authenticates. Near the end (the last 2^16 packets, or the last eighth of a
 * short lifetime) it reaches the soft limit: the owner asks for a new key (H.248 Notify);
 * at the lifetime it is expired and every packet is refused (MRFP_DROP_SRTP_KEY_EXPIRED).
 * A session holding several keys (make-before-break) counts for its active key: each key
 * keeps its own count, and switching back to a key resumes it. Receivers count per session.
 */
enum mrfp_srtp_limit {
	MRFP_SRTP_LIMIT_OK,
	MRFP_SRTP_LIMIT_SOFT,
	MRFP_SRTP_LIMIT_HARD,
};
#define MRFP_SRTP_MAX_LIFETIME (UINT64_C(1) << 48)

enum mrfp_srtp_dir {
	MRFP_SRTP_INBOUND,  /* unprotect what a participant sent */
	MRFP_SRTP_OUTBOUND, /* protect what mrfpd sends */
};

struct mrfp_srtp_session;

/*
 * Make-before-break (burst engine only; libsrtp2 sessions hold one key): a session holds up
 * to MRFP_SRTP_MAX_KEYS master keys told apart by their MKI (all of one MKI length), sharing
 * each stream's ROC and replay window. Inbound accepts any installed key (the MKI in the
 * packet picks it); outbound protects with the active one. Control prepares a key slot off
 * the packet path; the owning worker installs, activates and removes it, and hands a removed
 * slot back to control to free (its keys wiped).
 *
 * Without MKI (RFC 3711 8.1) a session holds at most two keys, the older and the newer, and
 * a received packet's key follows from its index: each stream records the lowest index known
 * to be under the newer key; below it the older key applies, at or above it the newer one.
 * AES-CM/HMAC suites learn that point from traffic: a packet whose tag fails under the key
 * its index names is tried once under the other (counted in mrfp_srtp_rekey_stats), so a
 * sender may switch whenever it likes. AEAD suites are never tried twice (a GCM decryption
 * runs in place before its tag is known): the receiver keeps the older key until control
 * says the sender switched (mrfp_srtp_session_use_key on the inbound session), then each
 * stream changes after the newest index it accepted and new streams start under the newer
 * key. A packet under the other key is dropped (MRFP_DROP_SRTP_AUTH), never delivered.
 * Commands name keys by mrfp_srtp_key_handle: the MKI, or without MKI a short fingerprint.
 */
struct mrfp_srtp_session;
struct mrfp_srtp_keyslot;
/* Control thread: key material for a burst-engine session of this direction (with or without
 * an MKI, see above). NULL + rte_errno (EINVAL, ENOMEM, ENODEV: no burst engine). */
struct mrfp_srtp_keyslot *mrfp_srtp_keyslot_create(const struct mrfp_srtp_key *key,
						   enum mrfp_srtp_dir dir);
void mrfp_srtp_keyslot_free(struct mrfp_srtp_keyslot *ks);
/* Owning worker. 0, -ENOSPC (full; without MKI: two keys), -EEXIST (MKI or key in use),
 * -EINVAL (another suite, MKI length or direction), -ENOTSUP (libsrtp2 session). */
int mrfp_srtp_session_add_key(struct mrfp_srtp_session *s, struct mrfp_srtp_keyslot *ks);
/* Owning worker: protect with the key of this handle from the next packet on; inbound
 * without MKI: the sender now uses the newer key (see above). 0 or -ENOENT. */
int mrfp_srtp_session_use_key(struct mrfp_srtp_session *s, const uint8_t *mki);
/* Owning worker: take the key of this handle out; NULL if absent, the sender's active key,
 * or the receiver's last key. */
struct mrfp_srtp_keyslot *mrfp_srtp_session_remove_key(struct mrfp_srtp_session *s,
						       const uint8_t *mki);

/* How make-before-break commands name a key: its MKI zero-padded to MRFP_SRTP_MAX_MKI_LEN,
 * or without MKI the first bytes of a domain-separated SHA-256 of the key (a fingerprint
 * that names it, never reveals it). Any thread. */
void mrfp_srtp_key_handle(const struct mrfp_srtp_key *key, uint8_t handle[MRFP_SRTP_MAX_MKI_LEN]);

/* A key change without MKI, as the owning worker sees it (burst engine; zeros otherwise). */
struct mrfp_srtp_rekey_stats {
	uint8_t keys;	     /* without MKI: keys installed (1 or 2); 0 for an MKI session */
	bool switched;	     /* inbound: told that the sender uses the newer key */
	uint64_t retries;    /* AES-CM packets tried again under the other key */
	uint64_t retried_ok; /* ... and accepted under it */
};
/* Any thread (relaxed reads of counters the owning worker writes). */
void mrfp_srtp_session_rekey_stats(const struct mrfp_srtp_session *s,
				   struct mrfp_srtp_rekey_stats *st);

/* Is k a key a session can be made with: a known suite, the suite's length, an MKI of at most
 * MRFP_SRTP_MAX_MKI_LEN bytes? Every API that takes a key checks it first. Any thread. */
bool mrfp_srtp_key_valid(const struct mrfp_srtp_key *k);

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
 * Engines. libsrtp2 (on OpenSSL) is the reference: always present, one packet at a time.
 * The burst engine runs the SRTP logic itself (key derivation, IVs, ROC, replay windows) and
 * hands the AES-CTR+HMAC-SHA1 / AES-GCM work to intel-ipsec-mb's job API a burst at a time,
 * one multi-buffer manager per lcore; no DPDK cryptodev is involved. Its output is
 * bit-identical to libsrtp2's.
 */
enum mrfp_srtp_engine {
	MRFP_SRTP_ENGINE_LIBSRTP,
	MRFP_SRTP_ENGINE_BURST,
};
/* The burst engine's former name, from when it ran on the crypto_aesni_mb cryptodev. */
#define MRFP_SRTP_ENGINE_CRYPTODEV MRFP_SRTP_ENGINE_BURST

/*
 * Start the burst engine: an intel-ipsec-mb manager on this CPU's best code path for each EAL
 * lcore (and one for key set-up). 0, or -ENODEV when intel-ipsec-mb cannot initialise here
 * (the caller falls back to libsrtp2 and says so), -ENOMEM. Idempotent. Control thread, after
 * rte_eal_init, before workers start.
 */
int mrfp_srtp_burst_init(void);
/* Stop the burst engine (its managers wiped and freed) after every one of its sessions and
 * key slots is freed, before rte_eal_cleanup. Control thread. */
void mrfp_srtp_burst_fini(void);
/* The former names of the two calls above. */
#define mrfp_srtp_cdev_init mrfp_srtp_burst_init
#define mrfp_srtp_cdev_fini mrfp_srtp_burst_fini
/* Engine of mrfp_srtp_session_create. Default libsrtp2. -ENODEV if not initialised. */
int mrfp_srtp_set_engine(enum mrfp_srtp_engine e);
enum mrfp_srtp_engine mrfp_srtp_get_engine(void);
const char *mrfp_srtp_engine_name(enum mrfp_srtp_engine e);

/*
 * Create a session for any SSRC in one direction with replay protection (window 1024), on
 * the current engine. Control thread only. Returns NULL with rte_errno set (EINVAL bad key,
 * ENOMEM). The key is copied; the caller still wipes its own copy.
 */
struct mrfp_srtp_session *mrfp_srtp_session_create(const struct mrfp_srtp_key *key,
						   enum mrfp_srtp_dir dir);
/*
 * Same on a given engine, for up to max_streams SSRCs (a group key protects one stream per
 * talker; the burst engine sizes its stream table with it, 0 = a small default). A stream
 * beyond the limit is dropped (MRFP_DROP_SRTP_STREAMS), never evicted: evicting an output
 * stream would restart its ROC and reuse keystream.
 */
struct mrfp_srtp_session *mrfp_srtp_session_create_on(const struct mrfp_srtp_key *key,
						      enum mrfp_srtp_dir dir,
						      enum mrfp_srtp_engine engine,
						      unsigned int max_streams);
/* Free a session, its key schedules wiped (both engines). NULL is ignored. Control thread only. */
void mrfp_srtp_session_free(struct mrfp_srtp_session *s);
enum mrfp_srtp_suite mrfp_srtp_session_suite(const struct mrfp_srtp_session *s);
/* Where the session stands against its key's lifetime. Owning worker. */
enum mrfp_srtp_limit mrfp_srtp_session_limit(const struct mrfp_srtp_session *s);

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

/*
 * Burst forms: n packets, each in a single-segment mbuf whose data is the packet; the
 * sessions may differ. protect needs MRFP_SRTP_MAX_TRAILER bytes of tailroom. On success the
 * mbuf's data length is updated (tag appended or removed); d[i] gets MRFP_DROP_NONE or the
 * reason. Owning worker only.
 */
struct rte_mbuf;
void mrfp_srtp_protect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
			     enum mrfp_drop d[], unsigned int n);
void mrfp_srtp_unprotect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
			       enum mrfp_drop d[], unsigned int n);

/* Overwrite key material so the compiler cannot elide it. Any thread. */
void mrfp_srtp_key_wipe(struct mrfp_srtp_key *key);

/* Bytes of authentication tag the suite appends to each RTP packet. Any thread. */
unsigned int mrfp_srtp_suite_tag_len(enum mrfp_srtp_suite suite);

#endif
