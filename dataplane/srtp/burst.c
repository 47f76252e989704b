/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst engine's managers and sessions. Per lcore an intel-ipsec-mb manager on the best
 * code path this CPU has; per master key the session keys that RFC 3711 4.3 derives from it,
 * for SRTP and SRTCP, as intel-ipsec-mb's job API takes them (the packet path, burst_pkt.c,
 * drives the library directly). The engine is available when intel-ipsec-mb initialises.
 * Control thread only, except burst_lcore() which each worker calls for its own lcore's state.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp_log.h"
#include "burst.h"

#define DEFAULT_STREAMS 8

static struct {
	bool ready;
	unsigned int n_lcores;
	IMB_MGR *mb; /* control thread: AES-CM key schedules and HMAC pads (stateless calls) */
	struct burst_lcore *lcores; /* [rte_lcore_index] */
} eng;

bool
burst_ready(void)
{
	return eng.ready;
}

struct burst_lcore *
burst_lcore(void)
{
	int idx = rte_lcore_index(-1);
	/* Threads outside EAL (only tests) share lcore 0's state: they never run concurrently. */
	return &eng.lcores[idx < 0 || (unsigned int)idx >= eng.n_lcores ? 0 : idx];
}

static const char *
arch_name(IMB_ARCH arch)
{
	static const char *const names[IMB_ARCH_NUM] = {
		[IMB_ARCH_NOAESNI] = "no-AESNI", [IMB_ARCH_SSE] = "SSE",
		[IMB_ARCH_AVX] = "AVX",		 [IMB_ARCH_AVX2] = "AVX2",
		[IMB_ARCH_AVX512] = "AVX512",
	};
	return (unsigned int)arch < IMB_ARCH_NUM && names[arch] != NULL ? names[arch] : "?";
}

/*
 * An intel-ipsec-mb manager on the best code path this CPU has, in DPDK memory on this socket
 * like the rest of the engine: freed with it by mrfp_srtp_burst_fini, and a process that never
 * calls that leaks nothing a leak checker would see. 0, -ENOMEM, or -ENODEV when the library
 * cannot run here.
 */
static int
mb_create(IMB_MGR **out, IMB_ARCH *arch)
{
	void *mem = rte_zmalloc_socket("mrfp_burst_imb", imb_get_mb_mgr_size(), 64,
				       (int)rte_socket_id());
	if (mem == NULL)
		return -ENOMEM;
	IMB_MGR *mb = imb_set_pointers_mb_mgr(mem, 0, 1);
	*arch = IMB_ARCH_NONE;
	if (mb != NULL)
		init_mb_mgr_auto(mb, arch);
	if (mb == NULL || (void *)mb != mem || imb_get_errno(mb) != 0 || *arch == IMB_ARCH_NONE) {
		rte_free(mem);
		return -ENODEV;
	}
	*out = mb;
	return 0;
}

/* Jobs only point at burst_cm, but its lanes saw HMAC states: wiped like the keys. */
static void
mb_free(IMB_MGR *mb)
{
	if (mb == NULL)
		return;
	OPENSSL_cleanse(mb, imb_get_mb_mgr_size());
	rte_free(mb);
}

void
mrfp_srtp_burst_fini(void)
{
	if (eng.lcores != NULL) {
		for (unsigned int i = 0; i < eng.n_lcores; i++)
			mb_free(eng.lcores[i].mb);
		/* the last packets' IVs, tags and retry copies */
		OPENSSL_cleanse(eng.lcores, sizeof(*eng.lcores) * eng.n_lcores);
		rte_free(eng.lcores);
	}
	mb_free(eng.mb);
	memset(&eng, 0, sizeof(eng));
}

int
mrfp_srtp_burst_init(void)
{
	IMB_ARCH arch;
	if (eng.ready)
		return 0;
	int rc = mb_create(&eng.mb, &arch);
	if (rc < 0) {
		DP_LOG(WARNING, "intel-ipsec-mb %s: no manager on this CPU (%s)",
		       imb_get_version_str(), strerror(-rc));
		return rc;
	}
	eng.n_lcores = rte_lcore_count();
	eng.lcores = rte_zmalloc_socket("mrfp_burst_lcores", sizeof(*eng.lcores) * eng.n_lcores,
					RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	rc = eng.lcores == NULL ? -ENOMEM : 0;
	for (unsigned int i = 0; rc == 0 && i < eng.n_lcores; i++)
		rc = mb_create(&eng.lcores[i].mb, &arch);
	if (rc < 0) {
		mrfp_srtp_burst_fini();
		return rc;
	}
	eng.ready = true;
	DP_LOG(INFO, "SRTP burst engine: intel-ipsec-mb %s, %s code path, %u lcores",
	       imb_get_version_str(), arch_name(arch), eng.n_lcores);
	return 0;
}

/* RFC 2104 for the job API: the SHA-1 state after the first block of key ^ pad. */
static void
hmac_pad(const uint8_t ak[20], uint8_t fill, uint8_t state[20])
{
	uint8_t block[64];
	memset(block, fill, sizeof(block));
	for (unsigned int i = 0; i < 20; i++)
		block[i] ^= ak[i];
	IMB_SHA1_ONE_BLOCK(eng.mb, block, state);
	OPENSSL_cleanse(block, sizeof(block));
}

static void
cm_expand(struct burst_cm *cm, const uint8_t *ek, unsigned int klen, const uint8_t ak[20])
{
	uint8_t dec[16 * 15]; /* CTR decrypts with the encryption schedule: not kept */
	if (klen == 32)
		IMB_AES_KEYEXP_256(eng.mb, ek, cm->enc, dec);
	else
		IMB_AES_KEYEXP_128(eng.mb, ek, cm->enc, dec);
	cm->key_len = klen;
	hmac_pad(ak, 0x36, cm->ipad);
	hmac_pad(ak, 0x5c, cm->opad);
	OPENSSL_cleanse(dec, sizeof(dec));
}

/*
 * Session keys of one of SRTP (labels 0-2) or SRTCP (3-5), for intel-ipsec-mb: AES-CM/HMAC
 * into cm, AEAD into gcm (the AES schedule and GHASH keys). 0 or -1.
 */
static int
make_session(const struct mrfp_srtp_key *key, uint8_t label, uint8_t *salt, struct burst_key *k,
	     unsigned int rtcp)
{
	unsigned int klen = mrfp_srtp_suite_cipher_key_len(key->suite);
	bool aead = mrfp_srtp_suite_is_aead(key->suite);
	uint8_t ek[32], ak[20];
	int rc = -1;
	if (mrfp_srtp_kdf(key, label, ek, klen) < 0 ||
	    mrfp_srtp_kdf(key, label + 2, salt, aead ? 12 : 14) < 0 ||
	    (!aead && mrfp_srtp_kdf(key, label + 1, ak, sizeof(ak)) < 0))
		goto out;
	if (!aead)
		cm_expand(&k->cm[rtcp], ek, klen, ak);
	else if (klen == 32)
		IMB_AES256_GCM_PRE(eng.mb, ek, &k->gcm[rtcp]);
	else
		IMB_AES128_GCM_PRE(eng.mb, ek, &k->gcm[rtcp]);
	rc = 0;
out:
	OPENSSL_cleanse(ek, sizeof(ek));
	OPENSSL_cleanse(ak, sizeof(ak));
	return rc;
}

/* AEAD packets whose header is not 12 bytes (CSRCs, extensions) use OpenSSL directly. */
static EVP_CIPHER_CTX *
make_gcm_ctx(const struct mrfp_srtp_key *key, bool encrypt)
{
	unsigned int klen = mrfp_srtp_suite_cipher_key_len(key->suite);
	uint8_t ek[32];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL || mrfp_srtp_kdf(key, 0, ek, klen) < 0 ||
	    EVP_CipherInit_ex(ctx, klen == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), NULL, ek,
			      NULL, encrypt) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	OPENSSL_cleanse(ek, sizeof(ek));
	return ctx;
}

static void
key_free(struct burst_key *k)
{
	if (k == NULL)
		return;
	EVP_CIPHER_CTX_free(k->gcm_rtp);
	OPENSSL_cleanse(k, sizeof(*k)); /* salts, key schedules, HMAC pads, GHASH keys */
	rte_free(k);
}

/* The session keys of one master key: RTP and RTCP keys and salts, the AEAD slow path. */
static struct burst_key *
key_create(const struct mrfp_srtp_key *key, bool enc)
{
	struct burst_key *k = rte_zmalloc("mrfp_srtp_key", sizeof(*k), RTE_CACHE_LINE_SIZE);
	if (k == NULL)
		return NULL;
	memcpy(k->mki, key->mki, sizeof(k->mki));
	mrfp_srtp_key_handle(key, k->handle);
	k->mki_len = key->mki_len;
	k->suite = key->suite;
	k->dir = enc ? MRFP_SRTP_OUTBOUND : MRFP_SRTP_INBOUND;
	k->lifetime = key->lifetime;
	k->aes_len = (uint8_t)mrfp_srtp_suite_cipher_key_len(key->suite);
	int rc = make_session(key, 0, k->rtp_salt, k, 0);
	if (rc == 0)
		rc = make_session(key, 3, k->rtcp_salt, k, 1);
	if (rc == 0 && mrfp_srtp_suite_is_aead(key->suite) &&
	    (k->gcm_rtp = make_gcm_ctx(key, enc)) == NULL)
		rc = -1;
	if (rc < 0) {
		key_free(k);
		return NULL;
	}
	return k;
}

static void
session_free(struct mrfp_srtp_session *base)
{
	struct burst_session *s = (struct burst_session *)base;
	for (unsigned int i = 0; i < MRFP_SRTP_MAX_KEYS; i++)
		key_free(s->keys[i]);
	size_t size = sizeof(*s) + (s->mask + 1) * sizeof(s->streams[0]);
	OPENSSL_cleanse(s, size); /* stream state */
	rte_free(s);
}

static struct mrfp_srtp_session *
session_create(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir, unsigned int max_streams)
{
	unsigned int cap = max_streams ? max_streams : DEFAULT_STREAMS;
	uint32_t slots = rte_align32pow2(2 * cap);
	size_t size = sizeof(struct burst_session) + slots * sizeof(struct burst_stream);
	struct burst_session *s = rte_zmalloc("mrfp_srtp", size, RTE_CACHE_LINE_SIZE);
	if (s == NULL || key->mki_len > MRFP_SRTP_MAX_MKI_LEN) {
		rte_free(s);
		rte_errno = s == NULL ? ENOMEM : EINVAL;
		return NULL;
	}
	s->mask = slots - 1;
	s->max_streams = cap;
	s->aead = mrfp_srtp_suite_is_aead(key->suite);
	s->tag_len = (uint8_t)mrfp_srtp_suite_tag_len(key->suite);
	s->rtcp_tag_len = (uint8_t)mrfp_srtp_suite_rtcp_tag_len(key->suite);
	s->mki_len = key->mki_len;
	s->base.suite = key->suite;
	s->base.dir = dir;
	s->keys[0] = key_create(key, dir == MRFP_SRTP_OUTBOUND);
	if (s->keys[0] == NULL) {
		session_free(&s->base);
		rte_errno = ENOMEM;
		return NULL;
	}
	return &s->base;
}

/* ---- make-before-break: more keys in one session ------------------------------------------- */

static bool
is_burst(const struct mrfp_srtp_session *s)
{
	return s->ops == &burst_ops;
}

struct mrfp_srtp_keyslot *
mrfp_srtp_keyslot_create(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir)
{
	if (!eng.ready) {
		rte_errno = ENODEV;
		return NULL;
	}
	if ((unsigned int)key->suite >= MRFP_SUITE_COUNT || key->mki_len > MRFP_SRTP_MAX_MKI_LEN ||
	    key->len != mrfp_srtp_suite_key_len(key->suite)) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct burst_key *k = key_create(key, dir == MRFP_SRTP_OUTBOUND);
	if (k == NULL)
		rte_errno = ENOMEM;
	return (struct mrfp_srtp_keyslot *)k;
}

void
mrfp_srtp_keyslot_free(struct mrfp_srtp_keyslot *ks)
{
	key_free((struct burst_key *)ks);
}

/* The slot of the key a command names: by MKI, or without MKI by its handle. */
static int
key_index(const struct burst_session *s, const uint8_t *handle)
{
	size_t n = s->mki_len != 0 ? s->mki_len : MRFP_SRTP_MAX_MKI_LEN;
	for (int i = 0; i < MRFP_SRTP_MAX_KEYS; i++)
		if (s->keys[i] != NULL && memcmp(s->keys[i]->handle, handle, n) == 0)
			return i;
	return -1;
}

/*
 * Key change without MKI (RFC 3711 3.2.1, 8.1: the key of a packet follows from its index).
 * The session holds at most two keys, keys[0] the older and keys[1] the newer; streams keep
 * their ROC and replay window across the change. Inbound, each stream records the lowest
 * index known to be under the newer key (switch_at): below it the older key applies, at or
 * above it the newer one. That point is learnt from traffic for AES-CM/HMAC (a packet that
 * fails under one key is retried under the other: the tag is checked on a copy's worth of
 * state, see burst_pkt.c) and fixed by control for AEAD, which is never retried: once
 * control says the sender switched (key_use on the receiver), every stream's switch point is
 * the index after the newest it accepted, and a stream met later is under the newer key.
 */
static void
set_switch_points(struct burst_session *s, bool now)
{
	for (uint32_t i = 0; i <= s->mask; i++) {
		struct burst_stream *st = &s->streams[i];
		if (!st->used)
			continue;
		if (!now) {
			st->switch_at[0] = st->switch_at[1] = BURST_NO_SWITCH;
			continue;
		}
		if (st->switch_at[0] == BURST_NO_SWITCH)
			st->switch_at[0] = st->rtp.index + 1;
		if (st->switch_at[1] == BURST_NO_SWITCH)
			st->switch_at[1] = srtcp_win_next(&st->rtcp);
	}
}

static int
add_key_nomki(struct burst_session *s, struct burst_key *k)
{
	if (s->keys[1] != NULL)
		return -ENOSPC; /* without MKI: the current key and one more */
	s->keys[1] = k;
	s->switched = false;
	set_switch_points(s, false);
	s->pair = true; /* last: the packet path reads keys[1] only under it */
	return 0;
}

/* Without MKI the keys stay in slots 0 (older) and 1 (newer): the survivor goes to 0. */
static struct burst_key *
remove_key_nomki(struct burst_session *s, int i)
{
	struct burst_key *k = s->keys[i];
	s->pair = false;
	s->switched = false;
	s->keys[0] = s->keys[1 - i];
	s->keys[1] = NULL;
	s->active = 0;
	return k;
}

int
mrfp_srtp_session_add_key(struct mrfp_srtp_session *base, struct mrfp_srtp_keyslot *ks)
{
	struct burst_session *s = (struct burst_session *)base;
	struct burst_key *k = (struct burst_key *)ks;
	if (!is_burst(base))
		return -ENOTSUP;
	if (k->suite != base->suite || k->mki_len != s->mki_len || k->dir != base->dir)
		return -EINVAL;
	if (key_index(s, k->handle) >= 0)
		return -EEXIST;
	if (s->mki_len == 0)
		return add_key_nomki(s, k);
	for (int i = 0; i < MRFP_SRTP_MAX_KEYS; i++)
		if (s->keys[i] == NULL) {
			s->keys[i] = k;
			return 0;
		}
	return -ENOSPC;
}

int
mrfp_srtp_session_use_key(struct mrfp_srtp_session *base, const uint8_t *mki)
{
	struct burst_session *s = (struct burst_session *)base;
	int i = is_burst(base) ? key_index(s, mki) : -1;
	if (i < 0)
		return -ENOENT;
	if (s->active == i)
		return 0; /* stated again: nothing changes, the count goes on */
	/* RFC 3711 9.2, the lifetime is the key's: the session counts for its active key, and
	 * a key switched back to resumes its own count instead of starting over */
	s->keys[s->active]->uses = base->uses;
	s->active = (uint8_t)i; /* the streams, their ROC and windows go on under the new key */
	mrfp_srtp_limit_init(base, s->keys[i]->lifetime);
	base->uses = s->keys[i]->uses;
	if (s->pair && base->dir == MRFP_SRTP_INBOUND && i == 1 && !s->switched) {
		s->switched = true; /* AEAD learns the switch only from this */
		set_switch_points(s, true);
	}
	return 0;
}

struct mrfp_srtp_keyslot *
mrfp_srtp_session_remove_key(struct mrfp_srtp_session *base, const uint8_t *mki)
{
	struct burst_session *s = (struct burst_session *)base;
	int i = is_burst(base) ? key_index(s, mki) : -1;
	if (i < 0 || (i == s->active && base->dir == MRFP_SRTP_OUTBOUND))
		return NULL; /* a sender always has its key */
	if (s->mki_len == 0)
		return s->pair ? (struct mrfp_srtp_keyslot *)remove_key_nomki(s, i) : NULL;
	int other = -1;
	for (int j = 0; j < MRFP_SRTP_MAX_KEYS; j++)
		if (j != i && s->keys[j] != NULL)
			other = j;
	if (other < 0)
		return NULL; /* nor does a receiver lose its last one */
	struct burst_key *k = s->keys[i];
	s->keys[i] = NULL;
	if (i == s->active)
		s->active = (uint8_t)other;
	return (struct mrfp_srtp_keyslot *)k;
}

void
mrfp_srtp_session_rekey_stats(const struct mrfp_srtp_session *base,
			      struct mrfp_srtp_rekey_stats *st)
{
	const struct burst_session *s = (const struct burst_session *)base;
	memset(st, 0, sizeof(*st));
	if (!is_burst(base))
		return;
	st->keys = s->mki_len != 0 ? 0 : (s->pair ? 2 : 1);
	st->switched = s->switched;
	st->retries = __atomic_load_n(&s->retries, __ATOMIC_RELAXED);
	st->retried_ok = __atomic_load_n(&s->retried_ok, __ATOMIC_RELAXED);
}

/* Open addressing on the SSRC; streams are never removed while the session lives. */
static inline uint32_t
slot_of(const struct burst_session *s, uint32_t ssrc)
{
	uint32_t h = ssrc * 0x9e3779b1u;
	return (h ^ h >> 16) & s->mask;
}

struct burst_stream *
burst_stream_find(struct burst_session *s, uint32_t ssrc)
{
	if (likely(s->last != NULL && s->last->ssrc == ssrc))
		return s->last;
	for (uint32_t i = slot_of(s, ssrc);; i = (i + 1) & s->mask) {
		struct burst_stream *st = &s->streams[i];
		if (!st->used)
			return NULL;
		if (st->ssrc == ssrc)
			return s->last = st;
	}
}

struct burst_stream *
burst_stream_add(struct burst_session *s, uint32_t ssrc)
{
	if (s->n_streams == s->max_streams)
		return NULL;
	uint32_t i = slot_of(s, ssrc);
	while (s->streams[i].used)
		i = (i + 1) & s->mask;
	struct burst_stream *st = &s->streams[i];
	st->ssrc = ssrc;
	st->used = 1;
	/* a stream first met after the sender switched is under the newer key throughout */
	st->switch_at[0] = st->switch_at[1] = s->switched ? 0 : BURST_NO_SWITCH;
	s->n_streams++;
	return s->last = st;
}

/* ---- the ops table: one-packet calls wrap the buffer as an mbuf ---------------------------- */

static enum mrfp_drop
one(enum burst_kind kind, struct mrfp_srtp_session *s, void *buf, int *len)
{
	struct burst_lcore *l = burst_lcore();
	struct rte_mbuf *m = &l->wrap;
	enum mrfp_drop d;
	if (*len < 0 || *len > UINT16_MAX - MRFP_SRTCP_MAX_TRAILER)
		return MRFP_DROP_TRUNCATED;
	m->buf_addr = buf;
	m->data_off = 0;
	m->buf_len = UINT16_MAX;
	m->nb_segs = 1;
	m->next = NULL;
	m->data_len = (uint16_t)*len;
	m->pkt_len = (uint32_t)*len;
	struct burst_session *cs = (struct burst_session *)s;
	burst_run(l, kind, &cs, &m, &d, 1);
	if (d == MRFP_DROP_NONE)
		*len = m->data_len;
	return d;
}

static enum mrfp_drop
protect(struct mrfp_srtp_session *s, void *rtp, int *len)
{
	return one(RTP_PROTECT, s, rtp, len);
}

static enum mrfp_drop
unprotect(struct mrfp_srtp_session *s, void *srtp, int *len)
{
	return one(RTP_UNPROTECT, s, srtp, len);
}

static enum mrfp_drop
protect_rtcp(struct mrfp_srtp_session *s, void *rtcp, int *len)
{
	return one(RTCP_PROTECT, s, rtcp, len);
}

static enum mrfp_drop
unprotect_rtcp(struct mrfp_srtp_session *s, void *srtcp, int *len)
{
	return one(RTCP_UNPROTECT, s, srtcp, len);
}

static void
protect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[], enum mrfp_drop d[],
	      unsigned int n)
{
	burst_run(burst_lcore(), RTP_PROTECT, (struct burst_session *const *)s, m, d, n);
}

static void
unprotect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[], enum mrfp_drop d[],
		unsigned int n)
{
	burst_run(burst_lcore(), RTP_UNPROTECT, (struct burst_session *const *)s, m, d, n);
}

const struct srtp_engine_ops burst_ops = {
	.name = "burst",
	.create = session_create,
	.free = session_free,
	.protect = protect,
	.unprotect = unprotect,
	.protect_rtcp = protect_rtcp,
	.unprotect_rtcp = unprotect_rtcp,
	.protect_burst = protect_burst,
	.unprotect_burst = unprotect_burst,
};
