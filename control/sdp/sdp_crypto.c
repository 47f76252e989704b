/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 4568 a=crypto values (9.2):
 *   tag 1*WSP crypto-suite 1*WSP "inline:" key-salt ["|" lifetime] ["|" mki:len]
 *       *(1*WSP session-param)
 * The base64 key is copied once, into a stack buffer that is cleansed before return; the
 * decoded key goes straight into the caller's struct (control/keys.c).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "keys.h"
#include "sdp.h"
#include "sdp_priv.h"

#define MAX_LIFETIME (UINT64_C(1) << 48) /* RFC 4568 6.2: SRTP's limit for every suite here */

/* ABNF quoted strings (RFC 5234 2.3), as RFC 4568 9.2 writes every keyword, ignore case. */
static bool
tok_is(struct slice t, const char *word)
{
	return t.n == strlen(word) && strncasecmp(t.p, word, t.n) == 0;
}

/* Digits without leading zeros, of any length. */
static bool
is_dec(struct slice t)
{
	for (size_t i = 0; i < t.n; i++)
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
	return t.n > 0 && !(t.n > 1 && t.p[0] == '0');
}

/* Cut t at the first c: returns the head, leaves the rest (after c) in *t. */
static struct slice
cut(struct slice *t, char c, bool *found)
{
	struct slice head = *t;
	const char *at = memchr(t->p, c, t->n);
	*found = at != NULL;
	head.n = at != NULL ? (size_t)(at - t->p) : t->n;
	t->p += head.n + *found;
	t->n -= head.n + *found;
	return head;
}

static enum mrfp_sdp_err
parse_suite(struct slice t, struct mrfp_sdp_crypto *out)
{
	char name[64];
	if (tok_is(t, "$"))
		return MRFP_SDP_ERR_CHOOSE;
	if (t.n >= sizeof(name))
		return MRFP_SDP_ERR_SUITE;
	for (size_t i = 0; i < t.n; i++) {
		char c = t.p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return MRFP_SDP_ERR_CRYPTO;
	}
	for (size_t i = 0; i < t.n; i++)
		name[i] = (char)toupper((unsigned char)t.p[i]);
	name[t.n] = '\0';
	return mrfp_srtp_suite_parse(name, &out->suite) == 0 ? MRFP_SDP_ERR_NONE
							     : MRFP_SDP_ERR_SUITE;
}

/*
 * RFC 4648 3.5: the bits that the last character carries beyond the data must be zero, or two
 * strings decode to one key. keys_from_base64 does not check this (EVP_DecodeBlock drops
 * them). A character outside the alphabet is left to it.
 */
static bool
pad_bits_zero(struct slice t, size_t pad)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (pad == 0)
		return true;
	const char *c = memchr(alphabet, t.p[t.n - 1 - pad], 64);
	unsigned int mask = pad == 2 ? 0x0f : 0x03;
	return c == NULL || ((unsigned int)(c - alphabet) & mask) == 0;
}

static enum mrfp_sdp_err
parse_key(struct slice t, struct mrfp_sdp_crypto *out)
{
	char b64[MRFP_KEY_B64_MAX];
	size_t pad = 0;
	if (tok_is(t, "$")) {
		out->key_choose = true;
		return MRFP_SDP_ERR_NONE;
	}
	while (pad < 2 && pad < t.n && t.p[t.n - 1 - pad] == '=')
		pad++;
	/* Base64 says how many bytes it holds before it is decoded: a key of the wrong size
	 * is told apart from a bad encoding, and the copy below fits b64. */
	if (t.n % 4 != 0)
		return MRFP_SDP_ERR_KEY_BASE64;
	if (t.n / 4 * 3 - pad != mrfp_srtp_suite_key_len(out->suite))
		return MRFP_SDP_ERR_KEY_LENGTH;
	if (!pad_bits_zero(t, pad))
		return MRFP_SDP_ERR_KEY_BASE64;
	memcpy(b64, t.p, t.n);
	b64[t.n] = '\0';
	int rc = keys_from_base64(b64, out->suite, &out->key);
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc == 0 ? MRFP_SDP_ERR_NONE : MRFP_SDP_ERR_KEY_BASE64;
}

/* "2^n" or a decimal count of packets (RFC 4568 6.1). */
static enum mrfp_sdp_err
parse_lifetime(struct slice t, struct mrfp_sdp_crypto *out)
{
	uint64_t v;
	if (t.n > 2 && t.p[0] == '2' && t.p[1] == '^') {
		struct slice exp = {t.p + 2, t.n - 2};
		if (!sdp_tok_dec(exp, 48, &v))
			return MRFP_SDP_ERR_LIFETIME;
		out->lifetime = UINT64_C(1) << v;
		return MRFP_SDP_ERR_NONE;
	}
	if (!sdp_tok_dec(t, MAX_LIFETIME, &v) || v == 0)
		return MRFP_SDP_ERR_LIFETIME;
	out->lifetime = v;
	return MRFP_SDP_ERR_NONE;
}

/*
 * "value:length", length in bytes 1..128 (RFC 4568 6.1) and the value must fit in it. The
 * value is kept in 64 bits: a wider field is zero-padded, a wider value is not supported.
 */
static enum mrfp_sdp_err
parse_mki(struct slice t, struct mrfp_sdp_crypto *out)
{
	bool colon;
	struct slice value = cut(&t, ':', &colon);
	uint64_t len, v;
	if (!colon || !sdp_tok_dec(t, 128, &len) || len == 0 || !is_dec(value))
		return MRFP_SDP_ERR_MKI;
	if (len < 8 && !sdp_tok_dec(value, (UINT64_C(1) << (8 * len)) - 1, &v))
		return MRFP_SDP_ERR_MKI;
	if (len >= 8 && !sdp_tok_dec(value, UINT64_MAX, &v)) /* digits that overflow */
		return MRFP_SDP_ERR_MKI_VALUE;
	out->mki = v;
	out->mki_len = (uint8_t)len;
	return MRFP_SDP_ERR_NONE;
}

/* "inline:" key-salt ["|" lifetime] ["|" mki]: a lifetime never has ':', an MKI always. */
static enum mrfp_sdp_err
parse_key_params(struct slice t, struct mrfp_sdp_crypto *out)
{
	bool found, have_life = false, have_mki = false;
	enum mrfp_sdp_err e;
	if (memchr(t.p, ';', t.n) != NULL) /* several keys, each with an MKI (6.1) */
		return MRFP_SDP_ERR_KEY_METHOD;
	struct slice method = cut(&t, ':', &found);
	if (!found || method.n == 0)
		return MRFP_SDP_ERR_CRYPTO;
	if (!tok_is(method, "inline"))
		return MRFP_SDP_ERR_KEY_METHOD;
	if ((e = parse_key(cut(&t, '|', &found), out)) != MRFP_SDP_ERR_NONE)
		return e;
	while (found) {
		struct slice field = cut(&t, '|', &found);
		if (memchr(field.p, ':', field.n) != NULL) {
			if (have_mki)
				return MRFP_SDP_ERR_CRYPTO;
			have_mki = true;
			e = parse_mki(field, out);
		} else {
			if (have_life || have_mki)
				return MRFP_SDP_ERR_CRYPTO;
			have_life = true;
			e = parse_lifetime(field, out);
		}
		if (e != MRFP_SDP_ERR_NONE)
			return e;
	}
	return MRFP_SDP_ERR_NONE;
}

/* ---- session parameters (RFC 4568 6.3), one function each ---- */

static enum mrfp_sdp_err
param_kdr(struct slice v, struct mrfp_sdp_crypto *out, uint32_t arg)
{
	uint64_t n;
	(void)arg;
	if (out->kdr != 0 || !sdp_tok_dec(v, 24, &n) || n == 0) /* {1..24}: 6.3.1 */
		return MRFP_SDP_ERR_SESSION_PARAM;
	out->kdr = (uint8_t)n;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
param_wsh(struct slice v, struct mrfp_sdp_crypto *out, uint32_t arg)
{
	uint64_t n;
	(void)arg;
	if (out->wsh != 0 || !sdp_tok_dec(v, UINT32_MAX, &n) || n < 64) /* minimum 64: 6.3.6 */
		return MRFP_SDP_ERR_SESSION_PARAM;
	out->wsh = (uint32_t)n;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
param_flag(struct slice v, struct mrfp_sdp_crypto *out, uint32_t flag)
{
	(void)v;
	if (out->flags & flag)
		return MRFP_SDP_ERR_SESSION_PARAM;
	out->flags |= flag;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
param_fec_order(struct slice v, struct mrfp_sdp_crypto *out, uint32_t arg)
{
	(void)arg;
	if (tok_is(v, "SRTP_FEC"))
		out->flags |= MRFP_SDP_FEC_SRTP_FEC;
	else if (!tok_is(v, "FEC_SRTP"))
		return MRFP_SDP_ERR_SESSION_PARAM;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
param_unsupported(struct slice v, struct mrfp_sdp_crypto *out, uint32_t arg)
{
	(void)v;
	(void)out;
	(void)arg;
	return MRFP_SDP_ERR_SESSION_PARAM_UNSUPP;
}

/* Names ending in '=' take a value. */
static const struct {
	const char *name;
	enum mrfp_sdp_err (*parse)(struct slice value, struct mrfp_sdp_crypto *out, uint32_t arg);
	uint32_t arg;
} session_params[] = {
	{"KDR=", param_kdr, 0},
	{"UNENCRYPTED_SRTP", param_flag, MRFP_SDP_UNENCRYPTED_SRTP},
	{"UNENCRYPTED_SRTCP", param_flag, MRFP_SDP_UNENCRYPTED_SRTCP},
	{"UNAUTHENTICATED_SRTP", param_flag, MRFP_SDP_UNAUTHENTICATED_SRTP},
	{"FEC_ORDER=", param_fec_order, 0},
	{"FEC_KEY=", param_unsupported, 0}, /* keys for an FEC stream: no FEC here */
	{"WSH=", param_wsh, 0},
};

/* 6.3.7: an unknown parameter is mandatory unless it starts with '-'. */
static enum mrfp_sdp_err
parse_session_param(struct slice t, struct mrfp_sdp_crypto *out)
{
	if (t.p[0] == '-')
		return MRFP_SDP_ERR_NONE;
	for (unsigned int i = 0; i < sizeof(session_params) / sizeof(session_params[0]); i++) {
		const char *name = session_params[i].name;
		size_t n = strlen(name);
		bool has_value = name[n - 1] == '=';
		if (has_value ? (t.n < n || strncasecmp(t.p, name, n) != 0) : !tok_is(t, name))
			continue;
		struct slice value = {t.p + n, t.n - n};
		return session_params[i].parse(value, out, session_params[i].arg);
	}
	return MRFP_SDP_ERR_SESSION_PARAM_UNSUPP;
}

/* Tag, suite, key: -ENOTSUP reasons come after the tag is known, so the caller can skip. */
static enum mrfp_sdp_err
parse_crypto(struct slice v, struct mrfp_sdp_crypto *out)
{
	struct slice tag, suite, key_params, param;
	uint64_t n;
	enum mrfp_sdp_err e;
	if (!sdp_next_token(&v, &tag) || !sdp_tok_dec(tag, 999999999, &n))
		return MRFP_SDP_ERR_CRYPTO_TAG;
	out->tag = (uint32_t)n;
	if (!sdp_next_token(&v, &suite) || !sdp_next_token(&v, &key_params))
		return MRFP_SDP_ERR_CRYPTO;
	if ((e = parse_suite(suite, out)) != MRFP_SDP_ERR_NONE ||
	    (e = parse_key_params(key_params, out)) != MRFP_SDP_ERR_NONE)
		return e;
	out->key.lifetime = out->lifetime; /* the dataplane enforces it with the key */
	if (out->mki_len > 0 && out->mki_len <= MRFP_SRTP_MAX_MKI_LEN) { /* packets carry it */
		out->key.mki_len = out->mki_len;
		for (unsigned int i = 0; i < out->mki_len; i++)
			out->key.mki[i] = (uint8_t)(out->mki >> (8 * (out->mki_len - 1 - i)));
	}
	while (sdp_next_token(&v, &param))
		if ((e = parse_session_param(param, out)) != MRFP_SDP_ERR_NONE)
			return e;
	return MRFP_SDP_ERR_NONE;
}

int
sdp_crypto_parse(const char *value, size_t len, struct mrfp_sdp_crypto *out,
		 enum mrfp_sdp_err *reason)
{
	struct slice v = {value, len};
	memset(out, 0, sizeof(*out));
	enum mrfp_sdp_err e = parse_crypto(v, out);
	if (e != MRFP_SDP_ERR_NONE) {
		uint32_t tag = out->tag;
		mrfp_srtp_key_wipe(&out->key);
		memset(out, 0, sizeof(*out));
		out->tag = tag;
	}
	if (reason != NULL)
		*reason = e;
	return -sdp_err_errno(e);
}
