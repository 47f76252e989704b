/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_BURST_H
#define MRFP_SRTP_BURST_H

/*
 * Internals of the burst engine shared by its two files: burst.c (intel-ipsec-mb managers,
 * sessions and their keys; control thread) and burst_pkt.c (per-packet SRTP logic; owning
 * worker).
 */
#include <stddef.h>

#include <intel-ipsec-mb.h>
#include <openssl/evp.h>
#include <rte_mbuf.h>

#include "srtp_priv.h"
#include "srtp_window.h"

/* Packets per pass through the engine: one intel-ipsec-mb burst of jobs (at most 128). */
#define BURST_CHUNK 64
/* The longest ciphertext kept aside for a retry under the other key (no-MKI key change). */
#define BURST_SAVE_MAX 2048
/* A stream's switch point before any packet authenticated under the newer key. */
#define BURST_NO_SWITCH UINT64_MAX

/* One SSRC under a session: its own index/replay state (RFC 3711 3.2.3). */
struct burst_stream {
	uint32_t ssrc; /* network order */
	uint32_t used;
	struct srtp_win rtp;
	struct srtcp_win rtcp; /* inbound: replay window; outbound: start = last index sent */
	/* Key change without MKI, inbound (RFC 3711 8.1: keys by index): the lowest SRTP
	 * [0] and SRTCP [1] index known to be under the newer key; below it the older key
	 * applies. BURST_NO_SWITCH while nothing says so. Read only when a pair is installed. */
	uint64_t switch_at[2];
};

/*
 * Session keys as intel-ipsec-mb's job API takes them: the engine drives the library directly
 * (no DPDK cryptodev: its per-op work cost as much as all of our SRTP logic, and its session
 * object spread these keys over a kilobyte and more, cold with thousands of legs).
 * AES-CM/HMAC-SHA1: pads first, then the key schedule, four cache lines for AES-128.
 */
struct burst_cm {
	uint8_t ipad[20]; /* SHA-1 state after one block of key ^ 0x36 (RFC 2104) */
	uint8_t opad[20]; /* the same for key ^ 0x5c */
	uint32_t key_len; /* AES key bytes: 16 or 32 */
	uint8_t enc[16 * 15] __rte_aligned(
		16); /* AES encryption key schedule (CTR needs no other) */
} __rte_cache_aligned;

/* One master key's session keys (mrfp_srtp_keyslot). */
struct burst_key {
	EVP_CIPHER_CTX *gcm_rtp; /* AEAD with an RTP header other than 12 bytes (AAD length) */
	uint8_t rtp_salt[16];
	uint8_t rtcp_salt[16];
	uint8_t mki[MRFP_SRTP_MAX_MKI_LEN];
	uint8_t handle[MRFP_SRTP_MAX_MKI_LEN]; /* mrfp_srtp_key_handle: how commands name it */
	uint8_t mki_len;
	uint8_t aes_len; /* AES key bytes: 16 or 32 */
	enum mrfp_srtp_suite suite;
	enum mrfp_srtp_dir dir;
	uint64_t lifetime;
	uint64_t uses; /* packets under it while it was not the active key; owner: rw */
	union {	       /* [0] SRTP, [1] SRTCP */
		struct burst_cm cm[2];	    /* AES-CM suites */
		struct gcm_key_data gcm[2]; /* AEAD suites: AES schedule and GHASH keys */
	};
};

/*
 * Laid out for a packet that finds the session cold: what every packet reads (the common
 * head, the last stream, the flags, the first key) is in the first cache line; the other key
 * slots, the stream table's size and the statistics follow.
 */
struct burst_session {
	struct mrfp_srtp_session base;
	struct burst_stream *last; /* the stream of the previous packet: one SSRC is the norm */
	uint8_t active;	 /* index in keys of the key protect uses (inbound: the sender's) */
	uint8_t mki_len; /* of every key: 0 = no MKI, at most two keys (keys[0] older) */
	/*
	 * Key change without MKI (owning worker: rw). pair: keys[0] (older) and keys[1]
	 * (newer) are both installed and an inbound packet's key is chosen by its index against
	 * its stream's switch_at. switched: control said the sender uses the newer key now
	 * (inbound key_use): streams met afterwards start under it. Checked once per packet,
	 * only on the branch where the session has no MKI; nothing else changes for one key.
	 */
	bool pair;
	bool switched;
	uint8_t tag_len, rtcp_tag_len;
	bool aead;
	struct burst_key *keys[MRFP_SRTP_MAX_KEYS]; /* owning worker: rw */
	uint32_t mask;				    /* stream slots - 1 */
	uint32_t n_streams, max_streams;
	uint64_t retries, retried_ok; /* AES-CM second tries under the other key; owner: rw */
	struct burst_stream streams[];
};
_Static_assert(offsetof(struct burst_session, keys) + sizeof(void *) <= RTE_CACHE_LINE_SIZE,
	       "a packet under a one-key session reads one line of it");

/* The order matters: protect kinds are even, RTCP kinds come last. */
enum burst_kind { RTP_PROTECT, RTP_UNPROTECT, RTCP_PROTECT, RTCP_UNPROTECT };

/*
 * One packet from its preparation to its commit: what its intel-ipsec-mb job points at (IV,
 * AAD, the tag the library computes) and what the commit needs once the job is done. The job
 * itself is filled in place in the manager's queue (burst_pkt.c: prepare).
 */
struct burst_pkt {
	struct burst_session *s;
	struct burst_key *key;	 /* the master key this packet is under */
	struct burst_stream *st; /* NULL: a new inbound stream, added only if it authenticates */
	uint64_t index;		 /* RTP: 48-bit packet index; RTCP: SRTCP index */
	int32_t delta;
	uint32_t ssrc;
	uint16_t new_len;
	uint16_t mki_at;       /* AES-CM protect: where the MKI goes after the job (0: none) */
	uint8_t kind;	       /* enum burst_kind */
	enum mrfp_drop d;      /* the job's outcome: its status and the tag (job_done) */
	uint8_t *tag_at;       /* where the tag goes (protect) or is (unprotect) */
	struct burst_key *alt; /* unprotect, a pair installed, AES-CM: the key of a retry */
	uint8_t *save;	       /* where its ciphertext was kept for that retry */
	uint32_t save_off, save_len;
	uint8_t iv[16];
	uint8_t tag[16];    /* received SRTP tag, moved out of the way of the ROC */
	uint8_t aad[12];    /* SRTCP AEAD: header || E-bit and index */
	uint8_t digest[20]; /* the tag intel-ipsec-mb computed (HMAC: 12 bytes, GCM: 16) */
};

/* Per lcore: its own intel-ipsec-mb manager and packet records (no per-packet allocation). */
struct burst_lcore {
	IMB_MGR *mb;
	struct burst_pkt pkt[BURST_CHUNK];
	uint8_t save[BURST_CHUNK][BURST_SAVE_MAX]; /* ciphertexts kept for a retry (pair only) */
	struct rte_mbuf wrap; /* the buffer of a one-packet call, seen as an mbuf */
} __rte_cache_aligned;

/* This lcore's state (threads outside EAL share lcore 0's). Owning worker. */
struct burst_lcore *burst_lcore(void);

struct burst_stream *burst_stream_find(struct burst_session *s, uint32_t ssrc);
struct burst_stream *burst_stream_add(struct burst_session *s, uint32_t ssrc);

/* SRTP or SRTCP on n packets (any number, any sessions); d[i] gets each one's outcome. */
void burst_run(struct burst_lcore *l, enum burst_kind kind, struct burst_session *const s[],
	       struct rte_mbuf *const m[], enum mrfp_drop d[], unsigned int n);

#endif
