/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libsrtp2 behind mrfp's session API. This is the only file that sees srtp_err_status_t:
 * every libsrtp failure becomes a drop reason here and nowhere else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <srtp2/srtp.h>

#include "mrfp_srtp.h"
#include "dp_log.h"

struct mrfp_srtp_session {
	srtp_t ctx;
	enum mrfp_srtp_suite suite;
};

struct suite_info {
	const char *name;
	unsigned int key_len;
	unsigned int salt_len;
};

static const struct suite_info suites[MRFP_SUITE_COUNT] = {
#define SUITE_INFO(id, str, key, salt) [MRFP_SUITE_##id] = {str, key, salt},
	MRFP_SRTP_SUITES(SUITE_INFO)
#undef SUITE_INFO
};

static const char *backend;

const char *
mrfp_srtp_suite_name(enum mrfp_srtp_suite suite)
{
	return (unsigned int)suite < MRFP_SUITE_COUNT ? suites[suite].name : NULL;
}

unsigned int
mrfp_srtp_suite_key_len(enum mrfp_srtp_suite suite)
{
	if ((unsigned int)suite >= MRFP_SUITE_COUNT)
		return 0;
	return suites[suite].key_len + suites[suite].salt_len;
}

unsigned int
mrfp_srtp_suite_tag_len(enum mrfp_srtp_suite suite)
{
	switch (suite) {
	case MRFP_SUITE_AES_CM_128_HMAC_SHA1_32:
		return 4;
	case MRFP_SUITE_AES_CM_128_HMAC_SHA1_80:
	case MRFP_SUITE_AES_256_CM_HMAC_SHA1_80:
		return 10;
	case MRFP_SUITE_AEAD_AES_128_GCM:
	case MRFP_SUITE_AEAD_AES_256_GCM:
		return 16;
	default:
		return 0;
	}
}

int
mrfp_srtp_suite_parse(const char *name, enum mrfp_srtp_suite *out)
{
	for (unsigned int i = 0; i < MRFP_SUITE_COUNT; i++) {
		if (strcmp(name, suites[i].name) == 0) {
			*out = (enum mrfp_srtp_suite)i;
			return 0;
		}
	}
	return -ENOENT;
}

void
mrfp_srtp_key_wipe(struct mrfp_srtp_key *key)
{
	OPENSSL_cleanse(key->material, sizeof(key->material));
	key->len = 0;
}

/*
 * Backend self-test: libsrtp names its cipher debug modules after the crypto library it was
 * built on ("aes icm ossl" vs "aes icm nss"). Listing them through the log handler is public
 * API, so the check holds for any libsrtp2 that might end up linked.
 */
static int seen_ossl, seen_nss;

static void
module_lister(srtp_log_level_t level, const char *msg, void *data)
{
	(void)level;
	(void)data;
	if (strstr(msg, "aes icm ossl") != NULL)
		seen_ossl = 1;
	if (strstr(msg, " nss") != NULL) /* "aes icm nss", not "openssl" */
		seen_nss = 1;
}

static void
srtp_log_bridge(srtp_log_level_t level, const char *msg, void *data)
{
	(void)data;
	uint32_t lvl = level == srtp_log_level_error ? RTE_LOG_ERR
		     : level == srtp_log_level_warning ? RTE_LOG_WARNING
						       : RTE_LOG_DEBUG;
	rte_log(lvl, mrfp_logtype_srtp, "SRTP: %s\n", msg);
}

int
mrfp_srtp_init(void)
{
	if (backend != NULL)
		return 0;
	if (srtp_init() != srtp_err_status_ok) {
		DP_LOG(ERR, "libsrtp2 initialisation failed");
		return -EIO;
	}
	seen_ossl = seen_nss = 0;
	srtp_install_log_handler(module_lister, NULL);
	srtp_list_debug_modules();
	srtp_install_log_handler(srtp_log_bridge, NULL);
	if (seen_nss || !seen_ossl) {
		DP_LOG(ERR, "libsrtp2 %s is not built on OpenSSL (NSS-backed libsrtp2 is 5-20x "
			    "slower and refused); run scripts/setup.sh and rebuild",
		       srtp_get_version_string());
		return -ENOTSUP;
	}
	backend = "openssl";
	DP_LOG(INFO, "%s on OpenSSL %s", srtp_get_version_string(),
	       OpenSSL_version(OPENSSL_VERSION_STRING));
	return 0;
}

const char *
mrfp_srtp_backend(void)
{
	return backend;
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

struct mrfp_srtp_session *
mrfp_srtp_session_create(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir)
{
	if ((unsigned int)key->suite >= MRFP_SUITE_COUNT ||
	    key->len != mrfp_srtp_suite_key_len(key->suite)) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct mrfp_srtp_session *s = calloc(1, sizeof(*s));
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
	policy.key = (unsigned char *)(uintptr_t)key->material;
	policy.window_size = 1024;
	policy.allow_repeat_tx = 0;
	srtp_err_status_t st = srtp_create(&s->ctx, &policy);
	OPENSSL_cleanse(&policy, sizeof(policy));
	if (st != srtp_err_status_ok) {
		free(s);
		rte_errno = st == srtp_err_status_alloc_fail ? ENOMEM : EINVAL;
		return NULL;
	}
	s->suite = key->suite;
	return s;
}

void
mrfp_srtp_session_free(struct mrfp_srtp_session *s)
{
	if (s == NULL)
		return;
	srtp_dealloc(s->ctx); /* libsrtp zeroises its key schedule before freeing */
	free(s);
}

enum mrfp_srtp_suite
mrfp_srtp_session_suite(const struct mrfp_srtp_session *s)
{
	return s->suite;
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
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return MRFP_DROP_TRUNCATED;
	default:
		return MRFP_DROP_SRTP_OTHER;
	}
}

enum mrfp_drop
mrfp_srtp_protect(struct mrfp_srtp_session *s, void *rtp, int *len)
{
	return drop_of(srtp_protect(s->ctx, rtp, len));
}

enum mrfp_drop
mrfp_srtp_unprotect(struct mrfp_srtp_session *s, void *srtp, int *len)
{
	return drop_of(srtp_unprotect(s->ctx, srtp, len));
}

enum mrfp_drop
mrfp_srtp_protect_rtcp(struct mrfp_srtp_session *s, void *rtcp, int *len)
{
	return drop_of(srtp_protect_rtcp(s->ctx, rtcp, len));
}

enum mrfp_drop
mrfp_srtp_unprotect_rtcp(struct mrfp_srtp_session *s, void *srtcp, int *len)
{
	return drop_of(srtp_unprotect_rtcp(s->ctx, srtcp, len));
}
