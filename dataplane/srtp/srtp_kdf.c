/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 3711 4.3.1 session key derivation for the burst engine, on OpenSSL. Runs on the control
 * thread when a session or key slot is created; the derived keys are expanded for
 * intel-ipsec-mb (burst.c) and the stack copies are wiped by the caller.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "srtp_priv.h"

/*
 * PRF_n(k_master, x) = AES-CM keystream with IV = x * 2^16, where x = key_id XOR master salt
 * and key_id = label || r (r = 0: key derivation rate 0). The label sits in octet 7 of the
 * 112-bit salt. A 96-bit AEAD salt is zero-padded to 112 bits first (RFC 7714 11; libsrtp2
 * does the same), so both suites share this code.
 */
int
mrfp_srtp_kdf(const struct mrfp_srtp_key *key, uint8_t label, uint8_t *out, unsigned int out_len)
{
	unsigned int klen = mrfp_srtp_suite_cipher_key_len(key->suite);
	unsigned int slen = mrfp_srtp_suite_salt_len(key->suite);
	uint8_t iv[16] = {0};
	int n, rc = -EIO;
	memcpy(iv, key->material + klen, slen);
	iv[7] ^= label;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	memset(out, 0, out_len);
	if (EVP_EncryptInit_ex(ctx, klen == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr(), NULL,
			       key->material, iv) == 1 &&
	    EVP_EncryptUpdate(ctx, out, &n, out, (int)out_len) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx); /* frees and cleanses the key schedule */
	OPENSSL_cleanse(iv, sizeof(iv));
	return rc;
}
