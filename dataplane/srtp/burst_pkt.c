/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst engine's packet path (RFC 3711, RFC 7714): per packet, find the stream, estimate
 * the index and check the replay window, and fill in its intel-ipsec-mb job (offsets, IV,
 * AAD, where the tag goes) in place in the manager's queue; then submit the burst's jobs at
 * once (crypto_run); then commit the windows of the packets that authenticated. Owning worker
 * only: no allocation, no log, no syscall.
 *
 * Bit-exact with libsrtp2 (tests/kat/test_engine_diff.c checks it), including which packets
 * are refused and why. One difference by construction: inside one burst every packet's ROC
 * is estimated from the window as it was before the burst, which differs from packet-by-packet
 * only if one burst holds packets of one SSRC more than 2^15 sequence numbers apart.
 */
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_prefetch.h>

#include "burst.h"

#define RTP_HDR 12
#define RTCP_HDR 8
#define SRTCP_E_BIT 0x80000000u

/*
 * RFC 3711 4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), as two 64-bit
 * words: this runs for every packet. The salt's slot holds 14 bytes (RFC 7714: 12) and is
 * zero beyond them (burst_key comes zeroed), which the masks below do not rely on.
 */
static __rte_always_inline void
iv_cm(uint8_t iv[16], const uint8_t salt[16], uint32_t ssrc_be, uint64_t index)
{
	uint64_t lo, hi;
	memcpy(&lo, salt, 8);
	memcpy(&hi, salt + 8, 8);
	lo ^= rte_cpu_to_be_64((uint64_t)rte_be_to_cpu_32(ssrc_be));
	hi = (hi ^ rte_cpu_to_be_64(index << 16)) & rte_cpu_to_be_64(~0xffffULL);
	memcpy(iv, &lo, 8);
	memcpy(iv + 8, &hi, 8);
}

/* RFC 7714 8.1 / 9.1: IV = (00 00 || SSRC || ROC || SEQ) or (00 00 || SSRC || 00 00 || index). */
static __rte_always_inline void
iv_gcm(uint8_t iv[12], const uint8_t salt[12], uint32_t ssrc_be, uint32_t hi, uint16_t lo)
{
	uint64_t a;
	uint32_t b;
	memcpy(&a, salt, 8);
	memcpy(&b, salt + 8, 4);
	a ^= rte_cpu_to_be_64((uint64_t)rte_be_to_cpu_32(ssrc_be) << 16 | hi >> 16);
	b ^= rte_cpu_to_be_32(hi << 16 | lo);
	memcpy(iv, &a, 8);
	memcpy(iv + 8, &b, 4);
}

/* Header length with CSRCs and extension, or 0 when the packet is too short for it. */
static unsigned int
rtp_header_len(const uint8_t *p, unsigned int len)
{
	if (len < RTP_HDR)
		return 0;
	unsigned int h = RTP_HDR + 4u * (p[0] & 0x0f);
	if (p[0] & 0x10) {
		if (len < h + 4)
			return 0;
		h += 4 + 4u * (unsigned int)(p[h + 2] << 8 | p[h + 3]);
	}
	return h <= len ? h : 0;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

static uint32_t
get_be32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

/*
 * The key a received packet names by its MKI (RFC 3711 3.1), found where libsrtp2 looks:
 * before the tag (AES-CM) or at the very end (AEAD, tag_len 0 here). Without MKI, the one key.
 */
static __rte_always_inline struct burst_key *
key_by_mki(const struct burst_session *s, const uint8_t *p, unsigned int len, unsigned int tag)
{
	unsigned int n = s->mki_len;
	if (n == 0)
		return s->keys[0];
	if (tag + n > len)
		return NULL;
	for (unsigned int i = 0; i < MRFP_SRTP_MAX_KEYS; i++)
		if (s->keys[i] != NULL && memcmp(p + len - tag - n, s->keys[i]->mki, n) == 0)
			return s->keys[i];
	return NULL;
}

/*
 * A session holding an older and a newer key without MKI: the key the packet's index names
 * (burst.c: switch points), and for AES-CM the other one for a retry. AEAD gets no
 * second key: its decryption runs in place before the tag is known.
 */
static void
key_by_index(struct burst_pkt *k, unsigned int rtcp)
{
	const struct burst_session *s = k->s;
	uint64_t at = k->st != NULL ? k->st->switch_at[rtcp] : s->switched ? 0 : BURST_NO_SWITCH;
	unsigned int newer = k->index >= at;
	k->key = s->keys[newer];
	k->alt = s->aead ? NULL : s->keys[!newer];
}

/* Keep the ciphertext a retry will need: the job deciphers in place whatever the tag says. */
static void
save_for_retry(struct burst_pkt *k, const uint8_t *p, unsigned int off, unsigned int len)
{
	if (k->alt == NULL)
		return;
	if (len > BURST_SAVE_MAX) {
		k->alt = NULL; /* too long to keep: the index rule alone decides */
		return;
	}
	memcpy(k->save, p + off, len);
	k->save_off = off;
	k->save_len = len;
}

/* AEAD on a header that is not 12 bytes: OpenSSL in place, synchronously, on k->iv. */
static enum mrfp_drop
gcm_slow(struct burst_pkt *k, uint8_t *p, unsigned int h, unsigned int plen, bool encrypt)
{
	EVP_CIPHER_CTX *c = k->key->gcm_rtp;
	int n;
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, k->iv, encrypt) != 1 ||
	    EVP_CipherUpdate(c, NULL, &n, p, (int)h) != 1)
		return MRFP_DROP_SRTP_OTHER;
	if (!encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, p + h + plen) != 1)
		return MRFP_DROP_SRTP_OTHER;
	if (EVP_CipherUpdate(c, p + h, &n, p + h, (int)plen) != 1)
		return MRFP_DROP_SRTP_OTHER;
	if (EVP_CipherFinal_ex(c, p + h + plen, &n) != 1)
		return encrypt ? MRFP_DROP_SRTP_OTHER : MRFP_DROP_SRTP_AUTH;
	if (encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, p + h + plen) != 1)
		return MRFP_DROP_SRTP_OTHER;
	return MRFP_DROP_NONE;
}

static __rte_always_inline bool
is_protect(unsigned int kind)
{
	return (kind & 1) == 0; /* RTP_PROTECT, RTCP_PROTECT */
}

/*
 * The fields of a packet's job that do not depend on the suite. The job points into the
 * packet's record for its IV and computed tag: both live until the burst is committed.
 */
static __rte_always_inline void
job_common(IMB_JOB *job, struct burst_pkt *k, uint8_t *p, uint32_t c_off, uint32_t c_len)
{
	/* RFC 3711 3.3/3.4: encrypt then authenticate; the receiver checks the tag first */
	bool protect = is_protect(k->kind);
	job->chain_order = protect ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->cipher_direction = protect ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->src = p;
	job->dst = p + c_off;
	job->cipher_start_src_offset_in_bytes = c_off;
	job->msg_len_to_cipher_in_bytes = c_len;
	job->iv = k->iv;
	job->auth_tag_output = k->digest;
	job->user_data = k;
}

/* AES-CM over c_len bytes at c_off, HMAC-SHA1 over the first a_len bytes of the packet. */
static __rte_always_inline void
job_cm(IMB_JOB *job, struct burst_pkt *k, uint8_t *p, uint32_t c_off, uint32_t c_len,
       uint32_t a_len, unsigned int rtcp)
{
	const struct burst_cm *cm = &k->key->cm[rtcp];
	job_common(job, k, p, c_off, c_len);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->hash_alg = IMB_AUTH_HMAC_SHA_1;
	job->enc_keys = job->dec_keys = cm->enc;
	job->key_len_in_bytes = cm->key_len;
	job->iv_len_in_bytes = 16;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = a_len;
	job->u.HMAC._hashed_auth_key_xor_ipad = cm->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = cm->opad;
	/* 96 bits (the library's HMAC-SHA1 size), cut to the suite's tag by job_done */
	job->auth_tag_output_len_in_bytes = 12;
}

/* RFC 7714: AES-GCM over len bytes at off, with 12 bytes of AAD (an RTP header or k->aad). */
static __rte_always_inline void
job_gcm(IMB_JOB *job, struct burst_pkt *k, uint8_t *p, uint32_t off, uint32_t len,
	const uint8_t *aad, unsigned int rtcp)
{
	job_common(job, k, p, off, len);
	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->enc_keys = job->dec_keys = &k->key->gcm[rtcp];
	job->key_len_in_bytes = k->key->aes_len;
	job->iv_len_in_bytes = 12;
	job->hash_start_src_offset_in_bytes = off;
	job->msg_len_to_hash_in_bytes = len;
	job->u.GCM.aad = aad;
	job->u.GCM.aad_len_in_bytes = 12;
	job->auth_tag_output_len_in_bytes = 16;
}

/*
 * SRTP, both directions: returns 1 when its job is filled in, 0 when the packet is refused
 * (d set), 2 when it was processed here (AEAD slow path; d holds the crypto result).
 * Sender and receiver both run estimate + check (libsrtp2 refuses to protect an index twice).
 */
static int
prep_rtp(struct burst_pkt *k, IMB_JOB *job, struct rte_mbuf *m, bool protect, enum mrfp_drop *d)
{
	struct burst_session *s = k->s;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned int len = rte_pktmbuf_data_len(m), tag = s->tag_len;
	unsigned int h = rtp_header_len(p, len);
	if (h == 0) {
		*d = MRFP_DROP_TRUNCATED;
		return 0;
	}
	memcpy(&k->ssrc, p + 8, 4);
	uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
	k->st = burst_stream_find(s, k->ssrc);
	if (k->st == NULL && protect && (k->st = burst_stream_add(s, k->ssrc)) == NULL) {
		*d = MRFP_DROP_SRTP_STREAMS;
		return 0;
	}
	if (k->st != NULL) {
		k->delta = srtp_win_estimate(&k->st->rtp, seq, &k->index);
		*d = srtp_win_check(&k->st->rtp, k->delta);
		if (*d != MRFP_DROP_NONE)
			return 0;
	} else {
		k->index = seq; /* a new stream: libsrtp2 takes the sequence number as it is */
		k->delta = seq;
	}
	unsigned int mki = s->mki_len;
	if (protect)
		k->key = s->keys[s->active];
	else if (likely(!s->pair))
		k->key = key_by_mki(s, p, len, s->aead ? 0 : tag);
	else
		key_by_index(k, 0);
	if (k->key == NULL) {
		*d = MRFP_DROP_SRTP_UNKNOWN_MKI;
		return 0;
	}
	if (!protect && h + tag + mki > len) {
		/* As libsrtp2 answers, after its replay check: a parse error, except that an
		 * AEAD packet shorter than its tag passes its (unsigned) bounds check and fails
		 * in the cipher instead. */
		*d = s->aead && len < tag + mki ? MRFP_DROP_SRTP_AUTH : MRFP_DROP_TRUNCATED;
		return 0;
	}
	if (protect)
		srtp_win_add(&k->st->rtp, k->delta);
	unsigned int plen = protect ? len - h : len - h - tag - mki;
	uint32_t roc = (uint32_t)(k->index >> 16);
	k->new_len = (uint16_t)(protect ? len + mki + tag : len - tag - mki);
	k->mki_at = 0;
	if (s->aead) {
		/* RFC 7714: header | ciphertext | tag | MKI */
		iv_gcm(k->iv, k->key->rtp_salt, k->ssrc, roc, seq);
		if (protect)
			memcpy(p + h + plen + tag, k->key->mki, mki);
		if (unlikely(h != RTP_HDR)) {
			*d = gcm_slow(k, p, h, plen, protect);
			return 2;
		}
		k->tag_at = p + h + plen;
		job_gcm(job, k, p, h, plen, p, 0);
		return 1;
	}
	/* RFC 3711 3.1: header | payload | MKI | tag, the tag over header || payload || ROC.
	 * The ROC goes where MKI and tag will be (protect: the MKI is written once the tag
	 * is) or were (unprotect, the tag moved aside first). */
	iv_cm(k->iv, k->key->rtp_salt, k->ssrc, k->index);
	if (!protect && unlikely(s->pair))
		save_for_retry(k, p, h, plen);
	if (!protect)
		memcpy(k->tag, p + len - tag, tag);
	else if (mki > 0)
		k->mki_at = (uint16_t)(h + plen);
	put_be32(p + h + plen, roc);
	k->tag_at = protect ? p + h + plen + mki : k->tag;
	job_cm(job, k, p, h, plen, h + plen + 4, 0);
	return 1;
}

static int
prep_rtcp_protect(struct burst_pkt *k, IMB_JOB *job, struct rte_mbuf *m, enum mrfp_drop *d)
{
	struct burst_session *s = k->s;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned int len = rte_pktmbuf_data_len(m), tag = s->rtcp_tag_len;
	if (len < RTCP_HDR) {
		*d = MRFP_DROP_TRUNCATED;
		return 0;
	}
	memcpy(&k->ssrc, p + 4, 4);
	k->st = burst_stream_find(s, k->ssrc);
	if (k->st == NULL && (k->st = burst_stream_add(s, k->ssrc)) == NULL) {
		*d = MRFP_DROP_SRTP_STREAMS;
		return 0;
	}
	if (k->st->rtcp.start >= 0x7fffffff) { /* libsrtp2: the SRTCP index is exhausted */
		*d = MRFP_DROP_SRTP_KEY_EXPIRED;
		return 0;
	}
	uint32_t index = ++k->st->rtcp.start;
	uint32_t trailer = SRTCP_E_BIT | index;
	unsigned int mki = s->mki_len;
	k->key = s->keys[s->active];
	k->new_len = (uint16_t)(len + 4 + mki + tag);
	k->mki_at = 0;
	if (s->aead) {
		iv_gcm(k->iv, k->key->rtcp_salt, k->ssrc, 0, 0);
		put_be32(k->iv + 8, get_be32(k->iv + 8) ^ index);
		/* RFC 7714 9: header | ciphertext | tag | E+index | MKI; AAD = header, E+index */
		memcpy(k->aad, p, RTCP_HDR);
		put_be32(k->aad + RTCP_HDR, trailer);
		put_be32(p + len + tag, trailer);
		memcpy(p + len + tag + 4, k->key->mki, mki);
		k->tag_at = p + len;
		job_gcm(job, k, p, RTCP_HDR, len - RTCP_HDR, k->aad, 1);
	} else {
		/* RFC 3711 3.4: header | payload | E+index | MKI | tag */
		iv_cm(k->iv, k->key->rtcp_salt, k->ssrc, index);
		put_be32(p + len, trailer);
		memcpy(p + len + 4, k->key->mki, mki);
		k->tag_at = p + len + 4 + mki;
		job_cm(job, k, p, RTCP_HDR, len - RTCP_HDR, len + 4, 1);
	}
	return 1;
}

static int
prep_rtcp_unprotect(struct burst_pkt *k, IMB_JOB *job, struct rte_mbuf *m, enum mrfp_drop *d)
{
	struct burst_session *s = k->s;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned int len = rte_pktmbuf_data_len(m), tag = s->rtcp_tag_len, mki = s->mki_len;
	if (len < RTCP_HDR + 4) {
		*d = MRFP_DROP_TRUNCATED;
		return 0;
	}
	k->key = key_by_mki(s, p, len, s->aead ? 0 : tag);
	if (k->key == NULL) {
		*d = MRFP_DROP_SRTP_UNKNOWN_MKI;
		return 0;
	}
	if (len < RTCP_HDR + 4 + tag + mki) {
		*d = MRFP_DROP_TRUNCATED;
		return 0;
	}
	len -= mki; /* what follows is laid out as without an MKI */
	unsigned int tpos = s->aead ? len - 4 : len - tag - 4;
	uint32_t trailer = get_be32(p + tpos);
	if (!(trailer & SRTCP_E_BIT)) { /* we always encrypt: an unencrypted SRTCP is refused */
		*d = MRFP_DROP_SRTP_AUTH;
		return 0;
	}
	memcpy(&k->ssrc, p + 4, 4);
	k->index = trailer & ~SRTCP_E_BIT;
	k->st = burst_stream_find(s, k->ssrc);
	if (k->st != NULL &&
	    (*d = srtcp_win_check(&k->st->rtcp, (uint32_t)k->index)) != MRFP_DROP_NONE)
		return 0;
	k->new_len = (uint16_t)(len - 4 - tag);
	k->mki_at = 0;
	if (unlikely(s->pair)) {
		key_by_index(k, 1);
		if (!s->aead)
			save_for_retry(k, p, RTCP_HDR, len - tag - 4 - RTCP_HDR);
	}
	if (s->aead) {
		iv_gcm(k->iv, k->key->rtcp_salt, k->ssrc, 0, 0);
		put_be32(k->iv + 8, get_be32(k->iv + 8) ^ (uint32_t)k->index);
		memcpy(k->aad, p, RTCP_HDR);
		put_be32(k->aad + RTCP_HDR, trailer);
		k->tag_at = p + len - 4 - tag;
		job_gcm(job, k, p, RTCP_HDR, len - 4 - tag - RTCP_HDR, k->aad, 1);
	} else {
		/* the tag is after the MKI: move it next to the index, where the hash ends */
		iv_cm(k->iv, k->key->rtcp_salt, k->ssrc, k->index);
		if (mki > 0)
			memmove(p + len - tag, p + len + mki - tag, tag);
		k->tag_at = p + len - tag;
		job_cm(job, k, p, RTCP_HDR, len - tag - 4 - RTCP_HDR, len - tag, 1);
	}
	return 1;
}

/* Fill in the packet's job (job: the next free one in this lcore's manager). */
static int
prepare(struct burst_pkt *k, IMB_JOB *job, struct rte_mbuf *m, enum mrfp_drop *d)
{
	switch (k->kind) {
	case RTP_PROTECT:
		return prep_rtp(k, job, m, true, d);
	case RTP_UNPROTECT:
		return prep_rtp(k, job, m, false, d);
	case RTCP_PROTECT:
		return prep_rtcp_protect(k, job, m, d);
	default:
		return prep_rtcp_unprotect(k, job, m, d);
	}
}

/* A received packet authenticated: only now does its stream and window change. */
static __rte_always_inline enum mrfp_drop
commit_inbound(struct burst_pkt *k)
{
	struct burst_session *s = k->s;
	if (k->st == NULL) {
		/* an earlier packet of this burst may have created it */
		k->st = burst_stream_find(s, k->ssrc);
		if (k->st == NULL && (k->st = burst_stream_add(s, k->ssrc)) == NULL)
			return MRFP_DROP_SRTP_STREAMS;
	}
	unsigned int rtcp = k->kind == RTCP_UNPROTECT;
	if (rtcp) {
		if (srtcp_win_check(&k->st->rtcp, (uint32_t)k->index) != MRFP_DROP_NONE)
			return MRFP_DROP_SRTP_REPLAY;
		srtcp_win_add(&k->st->rtcp, (uint32_t)k->index);
	} else {
		/* the same index twice in one burst: the second is a replay */
		int32_t delta = (int32_t)((int64_t)k->index - (int64_t)k->st->rtp.index);
		if (srtp_win_check(&k->st->rtp, delta) != MRFP_DROP_NONE)
			return MRFP_DROP_SRTP_REPLAY;
		srtp_win_add(&k->st->rtp, delta);
	}
	/* without MKI: an index authenticated under the newer key moves the switch down to it */
	if (unlikely(s->pair) && k->key == s->keys[1] && k->index < k->st->switch_at[rtcp])
		k->st->switch_at[rtcp] = k->index;
	return MRFP_DROP_NONE;
}

/* Inlined into both of its callers: the burst loop is the hot one. */
static __rte_always_inline enum mrfp_drop
finish(struct burst_pkt *k, struct rte_mbuf *m)
{
	enum mrfp_drop d = k->d; /* what the job said */
	if (unlikely(d != MRFP_DROP_NONE))
		return d;
	if (!is_protect(k->kind))
		d = commit_inbound(k);
	if (d != MRFP_DROP_NONE)
		return d;
	if (k->mki_at != 0) /* AES-CM SRTP: the MKI goes where the ROC was hashed */
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, k->mki_at), k->key->mki,
		       k->s->mki_len);
	m->data_len = m->pkt_len = k->new_len;
	return d;
}

/* Inbound AEAD on the slow path has verified: commit as for the jobs' packets. */
static enum mrfp_drop
finish_sync(struct burst_pkt *k, struct rte_mbuf *m, enum mrfp_drop d)
{
	if (d == MRFP_DROP_NONE && k->kind == RTP_UNPROTECT)
		d = commit_inbound(k);
	if (d == MRFP_DROP_NONE)
		m->data_len = m->pkt_len = k->new_len;
	return d;
}

/* Nonzero when the tags differ, in time independent of where (a short tag: no library call). */
static __rte_always_inline uint64_t
tag_differs(const uint8_t *a, const uint8_t *b, unsigned int n)
{
	uint64_t x = 0, u, v;
	unsigned int i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&u, a + i, 8);
		memcpy(&v, b + i, 8);
		x |= u ^ v;
	}
	for (; i < n; i++)
		x |= (uint64_t)(a[i] ^ b[i]);
	return x;
}

/* A finished job: its packet's tag written (protect) or compared in constant time. */
static __rte_always_inline void
job_done(const IMB_JOB *job)
{
	struct burst_pkt *k = job->user_data;
	unsigned int tag = k->kind >= RTCP_PROTECT ? k->s->rtcp_tag_len : k->s->tag_len;
	if (unlikely(job->status != IMB_STATUS_COMPLETED)) {
		k->d = MRFP_DROP_SRTP_OTHER;
	} else if (is_protect(k->kind)) {
		memcpy(k->tag_at, k->digest, tag);
		k->d = MRFP_DROP_NONE;
	} else {
		k->d = tag_differs(k->tag_at, k->digest, tag) == 0 ? MRFP_DROP_NONE
								   : MRFP_DROP_SRTP_AUTH;
	}
}

/*
 * The next n jobs of this lcore's manager, empty between calls, to be filled in place. A
 * single packet (RTCP, a one-packet call) takes the job API: for one job it costs a few
 * hundred instructions less than the burst API, which is cheaper per job in a real burst.
 */
static __rte_always_inline void
jobs_get(IMB_MGR *mb, IMB_JOB *jobs[BURST_CHUNK], unsigned int n)
{
	if (n == 1)
		jobs[0] = IMB_GET_NEXT_JOB(mb);
	else
		IMB_GET_NEXT_BURST(mb, n, jobs);
}

/*
 * Run the first n of jobs[] (jobs_get, filled in place) to completion. intel-ipsec-mb
 * completes them in submission order; job_done records each outcome in its packet's record.
 * The manager is empty again on return.
 */
static void
crypto_run(IMB_MGR *mb, IMB_JOB *jobs[BURST_CHUNK], unsigned int n)
{
	IMB_JOB *job;
	unsigned int done;
	if (n == 1) { /* jobs[0] is the job the job API submits next */
		if ((job = IMB_SUBMIT_JOB_NOCHECK(mb)) != NULL)
			job_done(job);
		while ((job = IMB_FLUSH_JOB(mb)) != NULL)
			job_done(job);
		return;
	}
	done = IMB_SUBMIT_BURST_NOCHECK(mb, n, jobs);
	for (unsigned int i = 0; i < done; i++)
		job_done(jobs[i]);
	while ((done = IMB_FLUSH_BURST(mb, BURST_CHUNK, jobs)) != 0)
		for (unsigned int i = 0; i < done; i++)
			job_done(jobs[i]);
}

/*
 * AES-CM packets of a session with two keys without MKI whose tag failed under the key their
 * index named: their ciphertext back in place, once more under the other key. A forged packet
 * costs two tag checks while a pair is installed (the drain window), never more.
 */
static void
retry_other_key(struct burst_lcore *l, struct rte_mbuf *const m[], enum mrfp_drop d[],
		const uint8_t slot_of[], unsigned int k)
{
	IMB_JOB *jobs[BURST_CHUNK];
	uint8_t which[BURST_CHUNK];
	unsigned int r = 0;
	jobs_get(l->mb, jobs, k);
	for (unsigned int j = 0; j < k; j++) {
		struct burst_pkt *pk = &l->pkt[j];
		if (d[slot_of[j]] != MRFP_DROP_SRTP_AUTH || pk->alt == NULL)
			continue;
		uint8_t *p = rte_pktmbuf_mtod(m[slot_of[j]], uint8_t *);
		memcpy(p + pk->save_off, pk->save, pk->save_len);
		pk->key = pk->alt;
		pk->alt = NULL;
		unsigned int rtcp = pk->kind == RTCP_UNPROTECT;
		iv_cm(pk->iv, rtcp ? pk->key->rtcp_salt : pk->key->rtp_salt, pk->ssrc, pk->index);
		/* as prepared: the hash runs to the ROC or SRTCP index after the ciphertext, the
		 * tag where it was put aside or moved to */
		job_cm(jobs[r], pk, p, pk->save_off, pk->save_len, pk->save_off + pk->save_len + 4,
		       rtcp);
		pk->s->retries++;
		which[r++] = (uint8_t)j;
	}
	if (r == 0)
		return;
	crypto_run(l->mb, jobs, r);
	for (unsigned int i = 0; i < r; i++) {
		unsigned int j = which[i];
		d[slot_of[j]] = finish(&l->pkt[j], m[slot_of[j]]);
		l->pkt[j].s->retried_ok += d[slot_of[j]] == MRFP_DROP_NONE;
	}
}

/*
 * The keys the crypto reads (the session's key is here by then): the AES-CM key schedule and
 * pads, or the GCM schedule and the first GHASH keys.
 */
#define CM_LINES                                                                                   \
	((offsetof(struct burst_cm, enc) + 16 * 11 + RTE_CACHE_LINE_SIZE - 1) / RTE_CACHE_LINE_SIZE)
static __rte_always_inline void
prefetch_crypto_keys(const struct burst_session *s, enum burst_kind kind)
{
	const struct burst_key *ck = s->keys[s->active];
	unsigned int rtcp = kind >= RTCP_PROTECT;
	const uint8_t *p =
		s->aead ? (const uint8_t *)&ck->gcm[rtcp] : (const uint8_t *)&ck->cm[rtcp];
	/* AES-128's pads and 11 round keys; AES-256 reads one line more */
	unsigned int lines = s->aead ? 8 : CM_LINES;
	for (unsigned int l = 0; l < lines; l++)
		rte_prefetch0(p + l * RTE_CACHE_LINE_SIZE);
}

/* What a packet reads under a session that is in cache: its key (salts, crypto keys) and the
 * stream of the session's previous packet. */
static __rte_always_inline void
prefetch_session_state(const struct burst_session *s, enum burst_kind kind)
{
	const uint8_t *st = (const uint8_t *)s->last;
	rte_prefetch0(s->keys[s->active]);
	prefetch_crypto_keys(s, kind);
	if (st != NULL) {
		rte_prefetch0(st);
		rte_prefetch0(st + RTE_CACHE_LINE_SIZE);
		rte_prefetch0(st + 2 * RTE_CACHE_LINE_SIZE);
	}
}

/*
 * With thousands of legs every packet's state is cold and hangs off pointers: session -> key
 * -> its crypto keys, session -> stream. Fetch one level for the whole burst before the next, so
 * that the misses of one level overlap instead of each packet's chain stalling the loop.
 */
static __rte_always_inline void
prefetch_burst(struct burst_session *const s[], unsigned int n, enum burst_kind kind)
{
	for (unsigned int i = 0; i < n; i++)
		rte_prefetch0(s[i]);
	for (unsigned int i = 0; i < n; i++)
		prefetch_session_state(s[i], kind);
}

static void
run_chunk(struct burst_lcore *l, enum burst_kind kind, struct burst_session *const s[],
	  struct rte_mbuf *const m[], enum mrfp_drop d[], unsigned int n)
{
	IMB_JOB *jobs[BURST_CHUNK];
	uint8_t slot_of[BURST_CHUNK];
	unsigned int k = 0;
	/* the packets that need crypto fill these jobs in order; a refused packet leaves its
	 * job to the next one */
	jobs_get(l->mb, jobs, n);
	prefetch_burst(s, n, kind);
	for (unsigned int i = 0; i < n; i++) {
		struct burst_pkt *pk = &l->pkt[k];
		pk->s = s[i];
		pk->kind = (uint8_t)kind;
		pk->save = l->save[k];
		pk->alt = NULL;
		d[i] = MRFP_DROP_NONE;
		int r = prepare(pk, jobs[k], m[i], &d[i]);
		if (r == 1)
			slot_of[k++] = (uint8_t)i;
		else if (r == 2)
			d[i] = finish_sync(pk, m[i], d[i]);
	}
	if (k == 0)
		return;
	crypto_run(l->mb, jobs, k);
	unsigned int failed = 0;
	for (unsigned int j = 0; j < k; j++) {
		d[slot_of[j]] = finish(&l->pkt[j], m[slot_of[j]]);
		failed += d[slot_of[j]] == MRFP_DROP_SRTP_AUTH;
	}
	/* only a burst with a failed tag looks for packets to try under another key */
	if (unlikely(failed != 0) && !is_protect(kind))
		retry_other_key(l, m, d, slot_of, k);
}

void
burst_run(struct burst_lcore *l, enum burst_kind kind, struct burst_session *const s[],
	  struct rte_mbuf *const m[], enum mrfp_drop d[], unsigned int n)
{
	for (unsigned int i = 0; i < n; i += BURST_CHUNK) {
		unsigned int c = n - i < BURST_CHUNK ? n - i : BURST_CHUNK;
		run_chunk(l, kind, s + i, m + i, d + i, c);
	}
}
