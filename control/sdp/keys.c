/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "keys.h"

int
keys_from_base64(const char *b64, enum mrfp_srtp_suite suite, struct mrfp_srtp_key *key)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char buf[96];
	size_t n = strlen(b64);
	unsigned int want = mrfp_srtp_suite_key_len(suite);
	size_t pad = (3 - want % 3) % 3;
	memset(key, 0, sizeof(*key));
	/*
	 * Only canonical base64 of exactly want bytes (RFC 4648 4): EVP_DecodeBlock would take
	 * '=' anywhere as zero bits and so accept strings that are not the key they look like.
	 */
	if (want == 0 || n != 4 * ((want + 2) / 3) || strspn(b64, alphabet) != n - pad ||
	    (pad > 0 && strspn(b64 + n - pad, "=") != pad))
		return -EINVAL;
	int len = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	/* EVP_DecodeBlock counts padding as zero bytes. */
	if (len < 0 || (size_t)len - pad != want) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -EINVAL;
	}
	/* Canonical also means the bits under the padding are zero: re-encoding must give the
	 * same text, or two strings would name one key. */
	char again[MRFP_KEY_B64_MAX];
	EVP_EncodeBlock((unsigned char *)again, buf, (int)want);
	int canonical = strcmp(again, b64) == 0;
	OPENSSL_cleanse(again, sizeof(again));
	if (!canonical) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -EINVAL;
	}
	key->suite = suite;
	key->len = (uint8_t)want;
	memcpy(key->material, buf, want);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

int
keys_generate(enum mrfp_srtp_suite suite, struct mrfp_srtp_key *key)
{
	unsigned int want = mrfp_srtp_suite_key_len(suite);
	memset(key, 0, sizeof(*key));
	if (want == 0)
		return -EINVAL;
	if (RAND_priv_bytes(key->material, (int)want) != 1) {
		mrfp_srtp_key_wipe(key);
		return -EIO;
	}
	key->suite = suite;
	key->len = (uint8_t)want;
	return 0;
}

int
keys_to_base64(const struct mrfp_srtp_key *key, char *out, size_t size)
{
	if (size < 4 * (((size_t)key->len + 2) / 3) + 1)
		return -ENOSPC;
	EVP_EncodeBlock((unsigned char *)out, key->material, key->len);
	return 0;
}

void
keys_fingerprint(const struct mrfp_srtp_key *key, char out[9])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(key->material, key->len, md, &mdlen, EVP_sha256(), NULL);
	snprintf(out, 9, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
}
