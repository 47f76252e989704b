/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key lines as an operator writes them, one per line on stdin: RFC 4568 key-params without
 * the "inline:" (which may be there), "KEY[|LIFETIME][|MKI:LEN]" or "$[|LIFETIME][|MKI:LEN]".
 * A line is checked with the SDP parser mrfpd runs on the descriptor, so what passes here is
 * what mrfpd reads; the set rules (MKI on every key or none, one length, no MKI twice) are
 * those of docs/mp.md "Key changes". Every buffer that held a key is cleansed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"
#include "sdp.h"

#define bad mrfpctl_usage_error

int
mrfpctl_keyline_parse(const char *text, struct mrfpctl_keyline *k, const char *what, char *err,
		      size_t n)
{
	size_t a = strspn(text, " \t"), klen, plen;
	const char *rest;

	memset(k, 0, sizeof(*k));
	if (strncmp(text + a, "inline:", 7) == 0)
		a += 7;
	klen = strcspn(text + a, " \t\r\n|");
	plen = strcspn(text + a + klen, " \t\r\n");
	if (klen == 0)
		return bad(err, n, "%s: an empty key line", what);
	if (klen >= sizeof(k->b64))
		return bad(err, n, "%s: too long for an SRTP key", what);
	if (plen >= sizeof(k->params))
		return bad(err, n, "%s: key parameters too long (expected |LIFETIME|MKI:LEN)",
			   what);
	rest = text + a + klen + plen;
	if (rest[strspn(rest, " \t\r\n")] != '\0')
		return bad(err, n, "%s: one key per line (KEY[|LIFETIME][|MKI:LEN])", what);
	k->choose = klen == 1 && text[a] == '$';
	if (!k->choose)
		memcpy(k->b64, text + a, klen);
	memcpy(k->params, text + a + klen, plen);
	return 0;
}

int
mrfpctl_keyline_read(FILE *f, struct mrfpctl_keyline *k, const char *what, char *err, size_t n)
{
	char line[256];
	int rc;

	if (fgets(line, sizeof(line), f) == NULL)
		return -ENODATA;
	rc = mrfpctl_keyline_parse(line, k, what, err, n);
	OPENSSL_cleanse(line, sizeof(line));
	return rc;
}

void
mrfpctl_keyline_set_params(struct mrfpctl_keyline *k, uint64_t lifetime, uint64_t mki,
			   uint8_t mki_len)
{
	size_t pos = 0;
	unsigned e = 0;

	k->lifetime = lifetime, k->mki = mki, k->mki_len = mki_len;
	k->params[0] = '\0';
	while (e < 64 && (UINT64_C(1) << e) < lifetime)
		e++;
	if (lifetime != 0 && (UINT64_C(1) << e) == lifetime)
		pos = (size_t)snprintf(k->params, sizeof(k->params), "|2^%u", e);
	else if (lifetime != 0)
		pos = (size_t)snprintf(k->params, sizeof(k->params), "|%" PRIu64, lifetime);
	if (mki_len != 0)
		snprintf(k->params + pos, sizeof(k->params) - pos, "|%" PRIu64 ":%u", mki, mki_len);
}

int
mrfpctl_keyline_check(struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite, const char *what,
		      char *err, size_t n)
{
	char value[MRFP_KEY_B64_MAX + MRFPCTL_PARAMS_MAX + 48];
	struct mrfp_sdp_crypto c;
	enum mrfp_sdp_err reason = MRFP_SDP_ERR_NONE;
	int len, rc;

	len = snprintf(value, sizeof(value), "1 %s inline:%s%s", mrfp_srtp_suite_name(suite),
		       k->choose ? "$" : k->b64, k->params);
	rc = sdp_crypto_parse(value, (size_t)len, &c, &reason);
	OPENSSL_cleanse(value, sizeof(value));
	mrfp_srtp_key_wipe(&c.key);
	if (rc < 0 && (reason == MRFP_SDP_ERR_KEY_LENGTH || reason == MRFP_SDP_ERR_KEY_BASE64))
		return bad(err, n, "%s: not the canonical base64 of a %u-byte key||salt for %s",
			   what, mrfp_srtp_suite_key_len(suite), mrfp_srtp_suite_name(suite));
	if (rc < 0)
		return bad(err, n, "%s: %s (expected KEY[|LIFETIME][|MKI:LEN], e.g. KEY|2^31|1:1)",
			   what, sdp_strerror(reason));
	if (c.mki_len > MRFP_SRTP_MAX_MKI_LEN)
		return bad(err, n, "%s: MKI of %u bytes: mrfpd takes 1..%u", what, c.mki_len,
			   MRFP_SRTP_MAX_MKI_LEN);
	mrfpctl_keyline_set_params(k, c.lifetime, c.mki, c.mki_len);
	return 0;
}

int
mrfpctl_keyset_check(struct mrfpctl_keyset *s, enum mrfp_srtp_suite suite, const char *what,
		     char *err, size_t n)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct mrfpctl_keyline *a = &s->k[i];

		if (mrfpctl_keyline_check(&s->k[i], suite, what, err, n) < 0)
			return -EINVAL;
		for (unsigned j = 0; j < i; j++) {
			const struct mrfpctl_keyline *b = &s->k[j];

			if ((a->mki_len == 0) != (b->mki_len == 0))
				return bad(err, n, "%s: every key of a set has an MKI, or none has",
					   what);
			if (a->mki_len != b->mki_len)
				return bad(err, n, "%s: one MKI length for the whole set", what);
			if (a->mki_len != 0 && a->mki == b->mki)
				return bad(err, n, "%s: MKI %" PRIu64 " given twice", what, a->mki);
			if (!a->choose && !b->choose && strcmp(a->b64, b->b64) == 0)
				return bad(err, n, "%s: one key given twice", what);
		}
	}
	if (s->n > 2 && s->k[0].mki_len == 0)
		return bad(err, n, "%s: more than two keys need an MKI on each", what);
	return 0;
}

int
mrfpctl_keyline_generate(struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite)
{
	struct mrfp_srtp_key key;
	int rc = keys_generate(suite, &key);

	if (rc == 0)
		rc = keys_to_base64(&key, k->b64, sizeof(k->b64));
	mrfp_srtp_key_wipe(&key);
	k->choose = false;
	return rc < 0 ? -EIO : 0;
}

void
mrfpctl_keyline_fp(const struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite, char fp[9])
{
	struct mrfp_srtp_key key;

	if (k->choose || keys_from_base64(k->b64, suite, &key) < 0) {
		snprintf(fp, 9, "%s", k->choose ? "chosen" : "-");
		return;
	}
	keys_fingerprint(&key, fp);
	mrfp_srtp_key_wipe(&key);
}

void
mrfpctl_keyline_wipe(struct mrfpctl_keyline *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

void
mrfpctl_keyset_wipe(struct mrfpctl_keyset *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}
