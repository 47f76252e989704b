/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_CDEV_H
#define MRFP_SRTP_CDEV_H

/*
 * Internals of the burst engine shared by its two files: burst.c (device, queue pairs,
 * sessions; control thread) and burst_pkt.c (per-packet SRTP logic; owning worker).
 */
#include <intel-ipsec-mb.h>
#include <openssl/evp.h>
#include <rte_crypto.h>

#include "srtp_priv.h"
#include "srtp_window.h"

#define CDEV_BURST 64
/* The longest ciphertext kept aside for a retry under the other key (no-MKI key change). */
#define CDEV_SAVE_MAX 2048
/* A stream's switch point before any packet authenticated under the newer key. */
#define CDEV_NO_SWITCH UINT64_MAX
#define CDEV_IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

/* One SSRC under a session: its own index/replay state (RFC 3711 3.2.3). */
struct cdev_stream {
	uint32_t ssrc;    /* network order */
	uint32_t used;
	struct srtp_win rtp;
	struct srtcp_win rtcp; /* inbound: replay window; outbound: start = last index sent */
	/* Key change without MKI, inbound (RFC 3711 8.1: keys by index): the lowest SRTP
	 * [0] and SRTCP [1] index known to be under the newer key; below it the older key
	 * applies. CDEV_NO_SWITCH while nothing says so. Read only when a pair is installed. */
	uint64_t switch_at[2];
};

/*
 * Session keys as intel-ipsec-mb's job API takes them. The engine drives the library directly
 * (burst_pkt.c: crypto_run) instead of through the crypto_aesni_mb PMD that wraps it: the
 * PMD's own per-op work cost as much as all of our SRTP logic, and its session object spreads
 * these keys over a kilobyte and more, cold with thousands of legs. AES-CM/HMAC-SHA1: pads
 * first, then the key schedule, four cache lines for AES-128.
 */
struct cdev_cm {
	uint8_t ipad[20]; /* SHA-1 state after one block of key ^ 0x36 (RFC 2104) */
	uint8_t opad[20]; /* the same for key ^ 0x5c */
	uint32_t key_len; /* AES key bytes: 16 or 32 */
	uint8_t enc[16 * 15] __rte_aligned(16); /* AES encryption key schedule (CTR needs no other) */
} __rte_cache_aligned;

/* One master key's session keys (mrfp_srtp_keyslot). */
struct cdev_key {
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
	union { /* [0] SRTP, [1] SRTCP */
		struct cdev_cm cm[2];       /* AES-CM suites */
		struct gcm_key_data gcm[2]; /* AEAD suites: AES schedule and GHASH keys */
	};
};

struct cdev_session {
	struct mrfp_srtp_session base;
	struct cdev_key *keys[MRFP_SRTP_MAX_KEYS]; /* owning worker: rw */
	uint8_t active;  /* index in keys of the key protect uses (inbound: the sender's) */
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
	uint64_t retries, retried_ok; /* AES-CM second tries under the other key; owner: rw */
	uint32_t mask;       /* stream slots - 1 */
	uint32_t n_streams, max_streams;
	struct cdev_stream *last; /* the stream of the previous packet: one SSRC is the norm */
	struct cdev_stream streams[];
};

enum cdev_kind { RTP_PROTECT, RTP_UNPROTECT, RTCP_PROTECT, RTCP_UNPROTECT };

/* What a packet's op needs once its job is done. */
struct cdev_pkt {
	struct cdev_session *s;
	struct cdev_key *key;   /* the master key this packet is under */
	struct cdev_stream *st; /* NULL: a new inbound stream, added only if it authenticates */
	uint64_t index;         /* RTP: 48-bit packet index; RTCP: SRTCP index */
	int32_t delta;
	uint32_t ssrc;
	uint16_t new_len;
	uint16_t mki_at;        /* AES-CM protect: where the MKI goes after the job (0: none) */
	uint8_t kind;
	const void *kd;         /* its keys for intel-ipsec-mb: a cdev_cm or a gcm_key_data */
	struct cdev_key *alt;   /* unprotect, a pair installed, AES-CM: the key of a retry */
	uint8_t *save;          /* where its ciphertext was kept for that retry */
	uint32_t save_off, save_len;
	uint8_t tag[16];        /* received tag, moved out of the way of the ROC */
	uint8_t aad[12];        /* SRTCP AEAD: header || E-bit and index */
	uint8_t digest[20];     /* the tag intel-ipsec-mb computed (HMAC: 12 bytes, GCM: 16) */
};

/*
 * Per lcore: its own intel-ipsec-mb manager and the ops it reuses (no per-packet allocation):
 * cryptodev ops, kept as the packet path's description of each packet's crypto.
 */
struct cdev_qp {
	uint16_t id;
	IMB_MGR *mb;
	struct rte_crypto_op *ops[CDEV_BURST];
	struct cdev_pkt pkt[CDEV_BURST];
	uint8_t save[CDEV_BURST][CDEV_SAVE_MAX]; /* ciphertexts kept for a retry (pair only) */
	struct rte_mbuf wrap; /* the buffer of a one-packet call, seen as an mbuf */
};

struct cdev_qp *mrfp_cdev_qp(void);

struct cdev_stream *mrfp_cdev_stream_find(struct cdev_session *s, uint32_t ssrc);
struct cdev_stream *mrfp_cdev_stream_add(struct cdev_session *s, uint32_t ssrc);

/* Run n prepared packets (d[i] already set for those that need no op). */
void mrfp_cdev_run(struct cdev_qp *q, enum cdev_kind kind, struct cdev_session *const s[],
		   struct rte_mbuf *const m[], enum mrfp_drop d[], unsigned int n);

#endif
