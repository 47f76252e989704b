/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libsrtp2 engine: the reference implementation and the test oracle for the burst
 * engine. This is the only file that sees srtp_err_status_t: every libsrtp failure becomes a
 * drop reason here and nowhere else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_errno.h>
#include <srtp2/srtp.h>

#include "srtp_priv.h"

struct lib_session {
	struct mrfp_srtp_session base;
	srtp_t ctx;
	bool mki; /* packets carry the key's MKI */
};

static inline struct lib_session *
ls(struct mrfp_srtp_session *s)
{
	return (struct lib_session *)s;
}

static void
set_policy_suite(srtp_crypto_policy_t *rtp, enum mrfp_srtp_suite suite)
{
	switch (suite) {
	case MRFP_SUITE_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
		break;
	case MRFP_SUITE_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
		break;
	case MRFP_SUITE_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
		break;
	case MRFP_SUITE_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
		break;
	case MRFP_SUITE_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
		break;
	default:
		break;
	}
}

static struct mrfp_srtp_session *
lib_create(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir, unsigned int max_streams)
{
	(void)max_streams; /* libsrtp clones a stream per SSRC without a limit */
	struct lib_session *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	srtp_policy_t policy;
	memset(&policy, 0, sizeof(policy));
	set_policy_suite(&policy.rtp, key->suite);
	/*
	 * RFC 4568 and RFC 3711 3.4: SRTCP uses the same suite; the _32 suites keep the 80-bit
	 * SRTCP tag (only ffmpeg's non-standard name shortens it).
	 */
	if (key->suite == MRFP_SUITE_AES_CM_128_HMAC_SHA1_32)
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
	else
		set_policy_suite(&policy.rtcp, key->suite);
	policy.ssrc.type = dir == MRFP_SRTP_INBOUND ? ssrc_any_inbound : ssrc_any_outbound;
	/* An MKI (RFC 3711 3.1) goes through libsrtp2's master key list of one. */
	uint8_t mki[MRFP_SRTP_MAX_MKI_LEN];
	srtp_master_key_t mk = {.key = (unsigned char *)(uintptr_t)key->material,
				.mki_id = mki,
				.mki_size = key->mki_len};
	srtp_master_key_t *keys[1] = {&mk};
	memcpy(mki, key->mki, sizeof(mki));
	if (key->mki_len > 0) {
		policy.keys = keys;
		policy.num_master_keys = 1;
		s->mki = true;
	} else {
		policy.key = (unsigned char *)(uintptr_t)key->material;
	}
	policy.window_size = 1024;
	policy.allow_repeat_tx = 0;
	srtp_err_status_t st = srtp_create(&s->ctx, &policy);
	OPENSSL_cleanse(&policy, sizeof(policy));
	if (st != srtp_err_status_ok) {
		free(s);
		rte_errno = st == srtp_err_status_alloc_fail ? ENOMEM : EINVAL;
		return NULL;
	}
	return &s->base;
}

static void
lib_free(struct mrfp_srtp_session *s)
{
	srtp_dealloc(ls(s)->ctx); /* libsrtp zeroises its key schedule before freeing */
	free(ls(s));
}

static enum mrfp_drop
drop_of(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return MRFP_DROP_NONE;
	case srtp_err_status_auth_fail:
	case srtp_err_status_cipher_fail:
	case srtp_err_status_cant_check: /* SRTCP E-bit missing: plaintext or mangled */
		return MRFP_DROP_SRTP_AUTH;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return MRFP_DROP_SRTP_REPLAY;
	case srtp_err_status_key_expired:
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	case srtp_err_status_bad_mki:
		return MRFP_DROP_SRTP_UNKNOWN_MKI;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return MRFP_DROP_TRUNCATED;
	default:
		return MRFP_DROP_SRTP_OTHER;
	}
}

static enum mrfp_drop
lib_protect(struct mrfp_srtp_session *s, void *rtp, int *len)
{
	return drop_of(srtp_protect_mki(ls(s)->ctx, rtp, len, ls(s)->mki, 0));
}

static enum mrfp_drop
lib_unprotect(struct mrfp_srtp_session *s, void *srtp, int *len)
{
	return drop_of(srtp_unprotect_mki(ls(s)->ctx, srtp, len, ls(s)->mki));
}

static enum mrfp_drop
lib_protect_rtcp(struct mrfp_srtp_session *s, void *rtcp, int *len)
{
	return drop_of(srtp_protect_rtcp_mki(ls(s)->ctx, rtcp, len, ls(s)->mki, 0));
}

static enum mrfp_drop
lib_unprotect_rtcp(struct mrfp_srtp_session *s, void *srtcp, int *len)
{
	return drop_of(srtp_unprotect_rtcp_mki(ls(s)->ctx, srtcp, len, ls(s)->mki));
}

/* libsrtp2 has no burst form: one packet after another, in order. */
static void
lib_burst(enum mrfp_drop (*op)(struct mrfp_srtp_session *, void *, int *),
	  struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[], enum mrfp_drop d[],
	  unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int len = rte_pktmbuf_data_len(m[i]);
		d[i] = op(s[i], rte_pktmbuf_mtod(m[i], void *), &len);
		if (d[i] == MRFP_DROP_NONE)
			m[i]->data_len = m[i]->pkt_len = (uint16_t)len;
	}
}

static void
lib_protect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
		  enum mrfp_drop d[], unsigned int n)
{
	lib_burst(lib_protect, s, m, d, n);
}

static void
lib_unprotect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
		    enum mrfp_drop d[], unsigned int n)
{
	lib_burst(lib_unprotect, s, m, d, n);
}

const struct srtp_engine_ops mrfp_srtp_lib_ops = {
	.name = "libsrtp2",
	.create = lib_create,
	.free = lib_free,
	.protect = lib_protect,
	.unprotect = lib_unprotect,
	.protect_rtcp = lib_protect_rtcp,
	.unprotect_rtcp = lib_unprotect_rtcp,
	.protect_burst = lib_protect_burst,
	.unprotect_burst = lib_unprotect_burst,
};
