/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SRTP session API: suites, the start-up self-test of libsrtp2, and dispatch to the
 * session's engine (srtp_lib.c: libsrtp2; burst.c: the burst engine).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <srtp2/srtp.h>

#include "srtp_priv.h"
#include "dp_log.h"

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
mrfp_srtp_suite_cipher_key_len(enum mrfp_srtp_suite suite)
{
	return (unsigned int)suite < MRFP_SUITE_COUNT ? suites[suite].key_len : 0;
}

unsigned int
mrfp_srtp_suite_salt_len(enum mrfp_srtp_suite suite)
{
	return (unsigned int)suite < MRFP_SUITE_COUNT ? suites[suite].salt_len : 0;
}

bool
mrfp_srtp_suite_is_aead(enum mrfp_srtp_suite suite)
{
	return suite == MRFP_SUITE_AEAD_AES_128_GCM || suite == MRFP_SUITE_AEAD_AES_256_GCM;
}

unsigned int
mrfp_srtp_suite_rtcp_tag_len(enum mrfp_srtp_suite suite)
{
	return suite == MRFP_SUITE_AES_CM_128_HMAC_SHA1_32 ? 10 : mrfp_srtp_suite_tag_len(suite);
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

bool
mrfp_srtp_key_valid(const struct mrfp_srtp_key *k)
{
	return k != NULL && k->len != 0 && k->len == mrfp_srtp_suite_key_len(k->suite) &&
	       k->mki_len <= MRFP_SRTP_MAX_MKI_LEN;
}

void
mrfp_srtp_key_handle(const struct mrfp_srtp_key *key, uint8_t handle[MRFP_SRTP_MAX_MKI_LEN])
{
	static const char label[] = "mrfp srtp key handle";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	memset(handle, 0, MRFP_SRTP_MAX_MKI_LEN);
	if (key->mki_len > 0) {
		/* bounded here too: the handle is written into control's key records */
		memcpy(handle, key->mki, RTE_MIN(key->mki_len, MRFP_SRTP_MAX_MKI_LEN));
		return;
	}
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, label, sizeof(label)) == 1 &&
	    EVP_DigestUpdate(c, key->material, key->len) == 1 && EVP_DigestFinal_ex(c, md, &n) == 1)
		memcpy(handle, md, MRFP_SRTP_MAX_MKI_LEN);
	EVP_MD_CTX_free(c);
	OPENSSL_cleanse(md, sizeof(md));
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
	uint32_t lvl = level == srtp_log_level_error	 ? RTE_LOG_ERR
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
		DP_LOG(ERR,
		       "libsrtp2 %s is not built on OpenSSL (NSS-backed libsrtp2 is 5-20x "
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

/* ---- engines and dispatch ----------------------------------------------------------------- */

static enum mrfp_srtp_engine current_engine = MRFP_SRTP_ENGINE_LIBSRTP;

static const struct srtp_engine_ops *
engine_ops(enum mrfp_srtp_engine e)
{
	return e == MRFP_SRTP_ENGINE_BURST ? &burst_ops : &mrfp_srtp_lib_ops;
}

const char *
mrfp_srtp_engine_name(enum mrfp_srtp_engine e)
{
	return e == MRFP_SRTP_ENGINE_BURST ? "burst" : "libsrtp2";
}

int
mrfp_srtp_set_engine(enum mrfp_srtp_engine e)
{
	if (e == MRFP_SRTP_ENGINE_BURST && !burst_ready())
		return -ENODEV;
	current_engine = e;
	return 0;
}

enum mrfp_srtp_engine
mrfp_srtp_get_engine(void)
{
	return current_engine;
}

struct mrfp_srtp_session *
mrfp_srtp_session_create_on(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir,
			    enum mrfp_srtp_engine engine, unsigned int max_streams)
{
	if (!mrfp_srtp_key_valid(key)) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (engine == MRFP_SRTP_ENGINE_BURST && !burst_ready()) {
		rte_errno = ENODEV;
		return NULL;
	}
	const struct srtp_engine_ops *ops = engine_ops(engine);
	struct mrfp_srtp_session *s = ops->create(key, dir, max_streams);
	if (s == NULL)
		return NULL;
	s->ops = ops;
	s->suite = key->suite;
	s->dir = dir;
	mrfp_srtp_limit_init(s, key->lifetime);
	return s;
}

void
mrfp_srtp_limit_init(struct mrfp_srtp_session *s, uint64_t lifetime)
{
	s->uses = 0;
	s->limit = lifetime != 0 && lifetime < MRFP_SRTP_MAX_LIFETIME ? lifetime
								      : MRFP_SRTP_MAX_LIFETIME;
	uint64_t margin = s->limit / 8 < 65536 ? s->limit / 8 : 65536;
	s->soft = s->limit - margin;
}

enum mrfp_srtp_limit
mrfp_srtp_session_limit(const struct mrfp_srtp_session *s)
{
	return s->uses >= s->limit  ? MRFP_SRTP_LIMIT_HARD
	       : s->uses >= s->soft ? MRFP_SRTP_LIMIT_SOFT
				    : MRFP_SRTP_LIMIT_OK;
}

/*
 * One more packet under the key, counted once the engine succeeded (a forged packet cannot
 * use up a receiver's key). Past the lifetime nothing is accepted, and what was just
 * protected is not sent.
 */
static inline enum mrfp_drop
count_use(struct mrfp_srtp_session *s, enum mrfp_drop d)
{
	if (d != MRFP_DROP_NONE)
		return d;
	if (unlikely(s->uses >= s->limit))
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	s->uses++;
	return MRFP_DROP_NONE;
}

/* Refuse before the engine when the key is already spent: no keystream is used past it. */
static inline bool
spent(const struct mrfp_srtp_session *s)
{
	return unlikely(s->uses >= s->limit);
}

struct mrfp_srtp_session *
mrfp_srtp_session_create(const struct mrfp_srtp_key *key, enum mrfp_srtp_dir dir)
{
	return mrfp_srtp_session_create_on(key, dir, current_engine, 0);
}

void
mrfp_srtp_session_free(struct mrfp_srtp_session *s)
{
	if (s != NULL)
		s->ops->free(s);
}

enum mrfp_srtp_suite
mrfp_srtp_session_suite(const struct mrfp_srtp_session *s)
{
	return s->suite;
}

enum mrfp_drop
mrfp_srtp_protect(struct mrfp_srtp_session *s, void *rtp, int *len)
{
	if (spent(s))
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	return count_use(s, s->ops->protect(s, rtp, len));
}

enum mrfp_drop
mrfp_srtp_unprotect(struct mrfp_srtp_session *s, void *srtp, int *len)
{
	if (spent(s))
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	return count_use(s, s->ops->unprotect(s, srtp, len));
}

enum mrfp_drop
mrfp_srtp_protect_rtcp(struct mrfp_srtp_session *s, void *rtcp, int *len)
{
	if (spent(s))
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	return count_use(s, s->ops->protect_rtcp(s, rtcp, len));
}

enum mrfp_drop
mrfp_srtp_unprotect_rtcp(struct mrfp_srtp_session *s, void *srtcp, int *len)
{
	if (spent(s))
		return MRFP_DROP_SRTP_KEY_EXPIRED;
	return count_use(s, s->ops->unprotect_rtcp(s, srtcp, len));
}

/* A burst usually holds one engine's sessions; a mixed one is split into runs. */
static void
burst_dispatch(bool protect, struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
	       enum mrfp_drop d[], unsigned int n)
{
	unsigned int i = 0;
	while (i < n) {
		const struct srtp_engine_ops *ops = s[i]->ops;
		unsigned int j = i + 1;
		while (j < n && s[j]->ops == ops)
			j++;
		if (protect)
			ops->protect_burst(s + i, m + i, d + i, j - i);
		else
			ops->unprotect_burst(s + i, m + i, d + i, j - i);
		for (; i < j; i++) /* a spent key's packets still went through: not sent/accepted */
			d[i] = count_use(s[i], d[i]);
	}
}

void
mrfp_srtp_protect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
			enum mrfp_drop d[], unsigned int n)
{
	burst_dispatch(true, s, m, d, n);
}

void
mrfp_srtp_unprotect_burst(struct mrfp_srtp_session *const s[], struct rte_mbuf *const m[],
			  enum mrfp_drop d[], unsigned int n)
{
	burst_dispatch(false, s, m, d, n);
}
