/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known-answer tests for the SRTP wrapper (include/mrfp_srtp.h).
 *
 * No expected value here comes from the code under test. Each one is either
 *  - a published vector, copied as hex in the layout of its source (RFC 3711 Appendix B,
 *    RFC 6188 section 7.2, RFC 7714 sections 16 and 17, libsrtp 2.5.0 test/srtp_driver.c), or
 *  - the output of the scalar oracle below: OpenSSL EVP primitives (AES-ECB, AES-CTR, AES-GCM,
 *    HMAC-SHA1) arranged as the RFC text says, sharing no code with libsrtp's packet path.
 * V1-V7 pin the oracle to the published vectors; V8-V13 then hold the wrapper to the oracle;
 * V14-V16 hold the wrapper to libsrtp's own master-key-level vectors.
 *
 * RFC 7714 publishes session keys only (section 16: "The 16-octet (128-bit) key is 00 01 02 ...
 * 0f"), never a master key, and the wrapper always runs the KDF. So the RFC's packets are
 * checked at session-key level against the oracle (V4-V7), and the wrapper is checked with the
 * RFC's key and salt taken as master key and salt, against the oracle keyed by the KDF (V12,
 * V13). V16 pins the KDF's handling of the 96-bit AEAD salt to a constant libsrtp publishes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "mrfp_srtp.h"

#define PKT_MAX 512
#define RTCP_HDR 8
#define GCM_TAG 16
#define SRTCP_TRAILER 4 /* E flag and 31-bit SRTCP index */

struct pkt {
	_Alignas(16) uint8_t b[PKT_MAX]; /* room for MRFP_SRTP(C)_MAX_TRAILER */
	int len;
};

/* ---- hex and byte order ------------------------------------------------------------------ */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex as the RFCs print it: spaces and line breaks anywhere between digit pairs. */
static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\n')
			continue;
		int v = hexval(*p);
		assert_true(v >= 0);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

static struct pkt
pkt_hex(const char *hex)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.len = (int)unhex(hex, p.b, sizeof(p.b));
	return p;
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- oracle: OpenSSL primitives ---------------------------------------------------------- */

static const EVP_CIPHER *
aes(size_t key_len, const EVP_CIPHER *(*k128)(void), const EVP_CIPHER *(*k256)(void))
{
	assert_true(key_len == 16 || key_len == 32);
	return key_len == 16 ? k128() : k256();
}

static void
aes_ecb_block(const uint8_t *key, size_t key_len, const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, aes(key_len, EVP_aes_128_ecb, EVP_aes_256_ecb), NULL,
					    key, NULL),
			 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, out, &n, in, 16), 1);
	assert_int_equal(n, 16);
	EVP_CIPHER_CTX_free(c);
}

/* AES-CTR over len bytes; OpenSSL's 128-bit counter equals SRTP's as long as len < 2^20. */
static void
aes_ctr(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
	size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, aes(key_len, EVP_aes_128_ctr, EVP_aes_256_ctr), NULL,
					    key, iv),
			 1);
	assert_int_equal(EVP_EncryptUpdate(c, out, &n, in, (int)len), 1);
	assert_int_equal(n, (int)len);
	EVP_CIPHER_CTX_free(c);
}

static void
gcm_seal(const uint8_t *key, size_t key_len, const uint8_t iv[12], const uint8_t *aad,
	 size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[GCM_TAG])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, aes(key_len, EVP_aes_128_gcm, EVP_aes_256_gcm), NULL,
					    NULL, NULL),
			 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	assert_int_equal(EVP_EncryptInit_ex(c, NULL, NULL, key, iv), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len), 1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &n, pt, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n, &fin), 1);
	assert_int_equal((size_t)(n + fin), len);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG, tag), 1);
	EVP_CIPHER_CTX_free(c);
}

/* Returns 1 when the tag verifies. */
static int
gcm_open(const uint8_t *key, size_t key_len, const uint8_t iv[12], const uint8_t *aad,
	 size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[GCM_TAG], uint8_t *pt)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t t[GCM_TAG];
	int n = 0, fin = 0, ok;

	memcpy(t, tag, sizeof(t));
	assert_non_null(c);
	assert_int_equal(EVP_DecryptInit_ex(c, aes(key_len, EVP_aes_128_gcm, EVP_aes_256_gcm), NULL,
					    NULL, NULL),
			 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	assert_int_equal(EVP_DecryptInit_ex(c, NULL, NULL, key, iv), 1);
	assert_int_equal(EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len), 1);
	assert_int_equal(EVP_DecryptUpdate(c, pt, &n, ct, (int)len), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, GCM_TAG, t), 1);
	ok = EVP_DecryptFinal_ex(c, pt + n, &fin) > 0;
	EVP_CIPHER_CTX_free(c);
	return ok;
}

static void
hmac_sha1(const uint8_t k_a[20], const uint8_t *m, size_t len, uint8_t md[20])
{
	unsigned int md_len = 0;

	assert_non_null(HMAC(EVP_sha1(), k_a, 20, m, len, md, &md_len));
	assert_int_equal(md_len, 20);
}

/* ---- oracle: RFC 3711 key derivation and transforms -------------------------------------- */

enum {
	LABEL_RTP_ENC,
	LABEL_RTP_AUTH,
	LABEL_RTP_SALT,
	LABEL_RTCP_ENC,
	LABEL_RTCP_AUTH,
	LABEL_RTCP_SALT
};

/*
 * RFC 3711 4.3.1 and 4.3.3 with key_derivation_rate 0, so r = 0 and key_id = label || 0^48:
 * x = key_id XOR master_salt (right-aligned: the label lands on octet 7 of the 14), and the
 * output is the AES-CM keystream at IV x * 2^16. The AES-256 PRF is the same with a 32-octet key
 * (RFC 6188 section 5.1). RFC 7714 erratum 4938 (section 11): a 96-bit AEAD master salt "must be
 * multiplied by 2^16 to form the 112-bit salt", i.e. two zero octets appended.
 */
static void
kdf(const uint8_t *mk, size_t mk_len, const uint8_t *ms, size_t ms_len, uint8_t label, uint8_t *out,
    size_t out_len)
{
	uint8_t iv[16] = {0};
	uint8_t zero[64] = {0};

	assert_true(ms_len == 14 || ms_len == 12);
	assert_true(out_len <= sizeof(zero));
	memcpy(iv, ms, ms_len);
	iv[7] ^= label;
	aes_ctr(mk, mk_len, iv, zero, out, out_len);
}

struct cm_keys {
	uint8_t k_e[32];
	size_t k_e_len;
	uint8_t k_s[14];
	uint8_t k_a[20];
};

struct gcm_keys {
	uint8_t k_e[32];
	size_t k_e_len;
	uint8_t k_s[12];
};

static struct cm_keys
cm_keys_derive(const uint8_t *mk, size_t mk_len, const uint8_t ms[14], int rtcp)
{
	struct cm_keys k = {.k_e_len = mk_len};
	uint8_t base = rtcp ? LABEL_RTCP_ENC : LABEL_RTP_ENC;

	kdf(mk, mk_len, ms, 14, base, k.k_e, mk_len);
	kdf(mk, mk_len, ms, 14, base + 1, k.k_a, sizeof(k.k_a));
	kdf(mk, mk_len, ms, 14, base + 2, k.k_s, sizeof(k.k_s));
	return k;
}

static struct gcm_keys
gcm_keys_derive(const uint8_t *mk, size_t mk_len, const uint8_t ms[12], int rtcp)
{
	struct gcm_keys k = {.k_e_len = mk_len};
	uint8_t base = rtcp ? LABEL_RTCP_ENC : LABEL_RTP_ENC;

	kdf(mk, mk_len, ms, 12, base, k.k_e, mk_len);
	kdf(mk, mk_len, ms, 12, base + 2, k.k_s, sizeof(k.k_s));
	return k;
}

/* RFC 3550 5.1: fixed header, CSRC list, then the extension if X is set. */
static size_t
rtp_header_len(const uint8_t *rtp, size_t len)
{
	size_t n = 12 + 4 * (size_t)(rtp[0] & 0x0f);

	if (rtp[0] & 0x10)
		n += 4 + 4 * (size_t)be16(rtp + n + 2);
	assert_true(n <= len);
	return n;
}

/* RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static void
cm_iv(const uint8_t k_s[14], uint32_t ssrc, uint64_t index, uint8_t iv[16])
{
	memset(iv, 0, 16);
	memcpy(iv, k_s, 14);
	for (int b = 0; b < 4; b++)
		iv[4 + b] ^= (uint8_t)(ssrc >> (24 - 8 * b));
	for (int b = 0; b < 6; b++)
		iv[8 + b] ^= (uint8_t)(index >> (40 - 8 * b));
}

/* RFC 3711 3.1, 4.1.1, 4.2: encrypt the payload; tag = HMAC(k_a, header||payload||ROC). */
static int
oracle_cm_rtp(const struct cm_keys *k, const uint8_t *rtp, size_t len, uint32_t roc, size_t tag_len,
	      uint8_t *out)
{
	size_t hdr = rtp_header_len(rtp, len);
	uint8_t iv[16], md[20];

	cm_iv(k->k_s, be32(rtp + 8), (uint64_t)roc << 16 | be16(rtp + 2), iv);
	memcpy(out, rtp, hdr);
	aes_ctr(k->k_e, k->k_e_len, iv, rtp + hdr, out + hdr, len - hdr);
	put_be32(out + len, roc);
	hmac_sha1(k->k_a, out, len + 4, md);
	memcpy(out + len, md, tag_len);
	return (int)(len + tag_len);
}

/* RFC 3711 3.4: header || E(payload) || E-flag|SRTCP index || 80-bit tag over all before it. */
static int
oracle_cm_rtcp(const struct cm_keys *k, const uint8_t *rtcp, size_t len, uint32_t index,
	       uint8_t *out)
{
	uint8_t iv[16], md[20];

	cm_iv(k->k_s, be32(rtcp + 4), index, iv);
	memcpy(out, rtcp, RTCP_HDR);
	aes_ctr(k->k_e, k->k_e_len, iv, rtcp + RTCP_HDR, out + RTCP_HDR, len - RTCP_HDR);
	put_be32(out + len, 0x80000000u | index);
	hmac_sha1(k->k_a, out, len + SRTCP_TRAILER, md);
	memcpy(out + len + SRTCP_TRAILER, md, 10);
	return (int)(len + SRTCP_TRAILER + 10);
}

/* RFC 7714 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt. */
static void
gcm_rtp_iv(const uint8_t k_s[12], uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12])
{
	uint8_t x[12] = {0};

	put_be32(x + 2, ssrc);
	put_be32(x + 6, roc);
	put_be16(x + 10, seq);
	for (int i = 0; i < 12; i++)
		iv[i] = x[i] ^ k_s[i];
}

/* RFC 7714 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt. */
static void
gcm_rtcp_iv(const uint8_t k_s[12], uint32_t ssrc, uint32_t index, uint8_t iv[12])
{
	uint8_t x[12] = {0};

	put_be32(x + 2, ssrc);
	put_be32(x + 8, index & 0x7fffffff);
	for (int i = 0; i < 12; i++)
		iv[i] = x[i] ^ k_s[i];
}

/* RFC 7714 8.2: AAD is the RTP header; the cipher (with its tag) follows it. */
static int
oracle_gcm_rtp(const struct gcm_keys *k, const uint8_t *rtp, size_t len, uint32_t roc, uint8_t *out)
{
	size_t hdr = rtp_header_len(rtp, len);
	uint8_t iv[12];

	gcm_rtp_iv(k->k_s, be32(rtp + 8), roc, be16(rtp + 2), iv);
	memcpy(out, rtp, hdr);
	gcm_seal(k->k_e, k->k_e_len, iv, rtp, hdr, rtp + hdr, len - hdr, out + hdr, out + len);
	return (int)(len + GCM_TAG);
}

/* Returns the plaintext length, or -1 when the tag does not verify. */
static int
oracle_gcm_rtp_open(const struct gcm_keys *k, const uint8_t *srtp, size_t len, uint32_t roc,
		    uint8_t *out)
{
	size_t hdr = rtp_header_len(srtp, len);
	uint8_t iv[12];

	assert_true(len >= hdr + GCM_TAG);
	gcm_rtp_iv(k->k_s, be32(srtp + 8), roc, be16(srtp + 2), iv);
	memcpy(out, srtp, hdr);
	if (!gcm_open(k->k_e, k->k_e_len, iv, srtp, hdr, srtp + hdr, len - hdr - GCM_TAG,
		      srtp + len - GCM_TAG, out + hdr))
		return -1;
	return (int)(len - GCM_TAG);
}

/* RFC 7714 9.2: header || cipher || tag || ESRTCP word; AAD = header || ESRTCP word. */
static int
oracle_gcm_rtcp(const struct gcm_keys *k, const uint8_t *rtcp, size_t len, uint32_t index,
		uint8_t *out)
{
	uint8_t iv[12], aad[RTCP_HDR + SRTCP_TRAILER];

	gcm_rtcp_iv(k->k_s, be32(rtcp + 4), index, iv);
	memcpy(aad, rtcp, RTCP_HDR);
	put_be32(aad + RTCP_HDR, 0x80000000u | index);
	memcpy(out, rtcp, RTCP_HDR);
	gcm_seal(k->k_e, k->k_e_len, iv, aad, sizeof(aad), rtcp + RTCP_HDR, len - RTCP_HDR,
		 out + RTCP_HDR, out + len);
	put_be32(out + len + GCM_TAG, 0x80000000u | index);
	return (int)(len + GCM_TAG + SRTCP_TRAILER);
}

static int
oracle_gcm_rtcp_open(const struct gcm_keys *k, const uint8_t *srtcp, size_t len, uint8_t *out)
{
	uint8_t iv[12], aad[RTCP_HDR + SRTCP_TRAILER];
	size_t ct_len = len - RTCP_HDR - GCM_TAG - SRTCP_TRAILER;
	uint32_t esrtcp = be32(srtcp + len - SRTCP_TRAILER);

	assert_true(len >= RTCP_HDR + GCM_TAG + SRTCP_TRAILER);
	assert_true(esrtcp & 0x80000000u); /* E flag: the encrypted form */
	gcm_rtcp_iv(k->k_s, be32(srtcp + 4), esrtcp, iv);
	memcpy(aad, srtcp, RTCP_HDR);
	put_be32(aad + RTCP_HDR, esrtcp);
	memcpy(out, srtcp, RTCP_HDR);
	if (!gcm_open(k->k_e, k->k_e_len, iv, aad, sizeof(aad), srtcp + RTCP_HDR, ct_len,
		      srtcp + RTCP_HDR + ct_len, out + RTCP_HDR))
		return -1;
	return (int)(len - GCM_TAG - SRTCP_TRAILER);
}

/* ---- published vectors -------------------------------------------------------------------- */

/* RFC 3711 Appendix B.2 (AES-CM keystream): session key, and salt * 2^16 as the RFC prints it. */
static const char B2_KEY[] = "2B7E151628AED2A6ABF7158809CF4F3C";
static const char B2_SALT[] = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD";
static const char B2_OFFSET[] = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000";
static const struct {
	unsigned int block; /* counter - offset */
	const char *keystream;
} B2_BLOCKS[] = {
	{0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"}, {0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"},
	{0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"}, {0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4"},
	{0xff00, "362B7C3C6773516318A077D7FC5073AE"}, {0xff01, "6A2CC3787889374FBEB4C81B17BA6C44"},
};

/* RFC 3711 Appendix B.3 (key derivation, AES-128 PRF, kdr 0). */
static const char B3_MASTER_KEY[] = "E1F97A0D3E018BE0D64FA32C06DE4139";
static const char B3_MASTER_SALT[] = "0EC675AD498AFEEBB6960B3AABE6";
static const char B3_CIPHER_KEY[] = "C61E7A93744F39EE10734AFE3FF7A087";
static const char B3_CIPHER_SALT[] = "30CBBC08863D8C85D49DB34A9AE1";
static const char B3_AUTH_KEY[] = "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"; /* first 160 bits */

/* RFC 6188 section 7.2 (key derivation, AES_256_CM_PRF). */
static const char R6188_MASTER_KEY[] = "f0f04914b513f2763a1b1fa130f10e29"
				       "98f6f6e43e4309d1e622a0e332b9f1b6";
static const char R6188_MASTER_SALT[] = "3b04803de51ee7c96423ab5b78d2";
static const char R6188_CIPHER_KEY[] = "5ba1064e30ec51613cad926c5a28ef73"
				       "1ec7fb397f70a960653caf06554cd8c4";
static const char R6188_CIPHER_SALT[] = "fa31791685ca444a9e07c6c64e93";
static const char R6188_AUTH_KEY[] = "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05";

/* RFC 7714 section 16 (preamble): key, salt ("Quid pro quo") and the RTP packet. */
static const char R7714_KEY_128[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";
static const char R7714_KEY_256[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
				    "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";
static const char R7714_SALT[] = "51 75 69 64 20 70 72 6f 20 71 75 6f";
static const char R7714_RTP[] = "8040f17b 8041f8d3 5501a0b2 47616c6c\n"
				"69612065 7374206f 6d6e6973 20646976\n"
				"69736120 696e2070 61727465 73207472\n"
				"6573";
/* RFC 7714 16.1.1, "Encrypted and tagged packet". */
static const char R7714_16_1_1_SRTP[] = "8040f17b 8041f8d3 5501a0b2 f24de3a3\n"
					"fb34de6c acba861c 9d7e4bca be633bd5\n"
					"0d294e6f 42a5f47a 51c7d19b 36de3adf\n"
					"8833899d 7f27beb1 6a9152cf 765ee439\n"
					"0cce";
/* RFC 7714 16.2.1, "Encrypted and tagged packet". */
static const char R7714_16_2_1_SRTP[] = "8040f17b 8041f8d3 5501a0b2 32b1de78\n"
					"a822fe12 ef9f78fa 332e33aa b1801238\n"
					"9a58e2f3 b50b2a02 76ffae0f 1ba63799\n"
					"b87b7aa3 db36dfff d6b0f9bb 7878d7a7\n"
					"6c13";
/* RFC 7714 17.1 and 17.2: the RTCP packet ("Encrypting the following packet"), index 5d4. */
static const char R7714_RTCP[] = "81c8000d 4d617273 4e545031 4e545032\n"
				 "52545020 0000042a 0000e930 4c756e61\n"
				 "deadbeef deadbeef deadbeef deadbeef\n"
				 "deadbeef";
static const uint32_t R7714_SRTCP_INDEX = 0x000005d4;
/* RFC 7714 17.1, "Encrypted and tagged packet" (AEAD_AES_128_GCM). */
static const char R7714_17_1_SRTCP[] = "81c8000d 4d617273 63e94885 dcdab67c\n"
				       "a727d766 2f6b7e99 7ff5c0f7 6c06f32d\n"
				       "c676a5f1 730d6fda 4ce09b46 86303ded\n"
				       "0bb9275b c84aa458 96cf4d2f c5abf872\n"
				       "45d9eade 800005d4";
/* RFC 7714 17.2, "Decrypting the following packet" (AEAD_AES_256_GCM). */
static const char R7714_17_2_SRTCP[] = "81c8000d 4d617273 d50ae4d1 f5ce5d30\n"
				       "4ba297e4 7d470c28 2c3ece5d bffe0a50\n"
				       "a2eaa5c1 110555be 8415f658 c61de047\n"
				       "6f1b6fad 1d1eb30c 4446839f 57ff6f6c\n"
				       "b26ac3be 800005d4";

/* libsrtp 2.5.0 test/srtp_driver.c: the plaintexts shared by srtp_validate*() */
static const char LIBSRTP_RTP[] = "800f1234decafbadcafebabe"
				  "abababababababababababababababab";
static const char LIBSRTP_RTCP[] = "81c8000bcafebabe"
				   "abababababababababababababababab";
/* srtp_validate(): test_key (RFC 3711 B.3 master key and salt), default policy. */
static const char LIBSRTP_V_SRTP[] = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215"
				     "949d2402b78d6acc99ea179b8dbb";
static const char LIBSRTP_V_SRTCP[] = "81c8000bcafebabe7128035be487b9bdbef89041f977a5a8"
				      "80000001993e08cd54d6c1230798";
/* srtp_validate_aes_256(): aes_256_test_key (the RFC 6188 7.2 master key and salt). */
static const char LIBSRTP_V256_SRTP[] = "800f1234decafbadcafebabef1d9de17ff251ff1aa007774"
					"b0b4b40da08d9d9a5b3a55d8873b";
/* srtp_validate_gcm(): test_key_gcm, aes_gcm_128_16_auth. */
static const char LIBSRTP_GCM_KEY[] = "000102030405060708090a0b0c0d0e0f";
static const char LIBSRTP_GCM_SALT[] = "a0a1a2a3a4a5a6a7a8a9aaab";
static const char LIBSRTP_GCM_SRTP[] = "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0"
				       "880aa06ed2976826f796b201df3131a127e8a392";
static const char LIBSRTP_GCM_SRTCP[] = "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025"
					"c52c6fbea2b3b446ea31123ba88ce61e80000001";

/* ---- wrapper helpers ---------------------------------------------------------------------- */

static void
init_once(void)
{
	assert_int_equal(mrfp_srtp_init(), 0);
}

static struct mrfp_srtp_session *
session_hex(enum mrfp_srtp_suite suite, const char *key_hex, const char *salt_hex,
	    enum mrfp_srtp_dir dir)
{
	struct mrfp_srtp_key key = {.suite = suite};
	size_t n;
	struct mrfp_srtp_session *s;

	init_once();
	n = unhex(key_hex, key.material, sizeof(key.material));
	n += unhex(salt_hex, key.material + n, sizeof(key.material) - n);
	key.len = (uint8_t)n;
	assert_int_equal(key.len, mrfp_srtp_suite_key_len(suite));
	s = mrfp_srtp_session_create(&key, dir);
	mrfp_srtp_key_wipe(&key);
	assert_non_null(s);
	assert_int_equal(mrfp_srtp_session_suite(s), suite);
	return s;
}

static struct pkt
rtp_with_seq(const char *hex, uint16_t seq)
{
	struct pkt p = pkt_hex(hex);

	put_be16(p.b + 2, seq);
	return p;
}

/* Sequence numbers the RTP checks walk: the RFC packet's own, then across a ROC wrap. */
static const struct {
	uint16_t seq;
	uint32_t roc;
} WALK[] = {{0xf17b, 0}, {0xfffe, 0}, {0xffff, 0}, {0x0000, 1}, {0x0001, 1}};

static void
expect_unprotect(struct mrfp_srtp_session *in, const struct pkt *srtp, const struct pkt *plain)
{
	struct pkt p = *srtp;

	assert_int_equal(mrfp_srtp_unprotect(in, p.b, &p.len), MRFP_DROP_NONE);
	assert_int_equal(p.len, plain->len);
	assert_memory_equal(p.b, plain->b, (size_t)plain->len);
}

static void
expect_unprotect_rtcp(struct mrfp_srtp_session *in, const struct pkt *srtcp,
		      const struct pkt *plain)
{
	struct pkt p = *srtcp;

	assert_int_equal(mrfp_srtp_unprotect_rtcp(in, p.b, &p.len), MRFP_DROP_NONE);
	assert_int_equal(p.len, plain->len);
	assert_memory_equal(p.b, plain->b, (size_t)plain->len);
}

/*
 * The SRTCP index of the wrapper's first packet: RFC 3711 3.3.2 starts at 0, libsrtp 2.x sends 1
 * first (its own srtp_validate() vector, V14, says 0x80000001). Receivers read it from the packet,
 * so both interoperate; accept either, and require the E flag and +1 per packet.
 */
static uint32_t
srtcp_index_of(const struct pkt *srtcp, size_t tag_len, uint32_t expect, int first)
{
	uint32_t esrtcp;

	if (tag_len == GCM_TAG) /* RFC 7714 9.2: ESRTCP word last */
		esrtcp = be32(srtcp->b + srtcp->len - SRTCP_TRAILER);
	else /* RFC 3711 3.4: ESRTCP word before the tag */
		esrtcp = be32(srtcp->b + srtcp->len - (int)tag_len - SRTCP_TRAILER);
	assert_true(esrtcp & 0x80000000u);
	esrtcp &= 0x7fffffff;
	if (first)
		assert_true(esrtcp <= 1);
	else
		assert_int_equal(esrtcp, expect);
	return esrtcp;
}

/* ---- T0: initialisation ------------------------------------------------------------------- */

static bool on_burst; /* MRFP_KAT_ENGINE=burst, see main */

static void
test_init_backend(void **state)
{
	(void)state;
	if (on_burst) /* the engine's start-up initialised libsrtp2 already */
		assert_int_equal(mrfp_srtp_get_engine(), MRFP_SRTP_ENGINE_BURST);
	else
		assert_null(mrfp_srtp_backend());
	assert_int_equal(mrfp_srtp_init(), 0);
	assert_non_null(mrfp_srtp_backend());
	assert_string_equal(mrfp_srtp_backend(), "openssl");
	assert_int_equal(mrfp_srtp_init(), 0); /* idempotent */
	assert_string_equal(mrfp_srtp_backend(), "openssl");
}

/* Tag lengths: RFC 4568 6.2.1/6.2.2 (80 and 32 bits), RFC 6188 (80), RFC 7714 12 (16 octets). */
static void
test_suite_parameters(void **state)
{
	struct mrfp_srtp_key key = {.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, .len = 29};

	(void)state;
	assert_int_equal(mrfp_srtp_suite_tag_len(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80), 10);
	assert_int_equal(mrfp_srtp_suite_tag_len(MRFP_SUITE_AES_CM_128_HMAC_SHA1_32), 4);
	assert_int_equal(mrfp_srtp_suite_tag_len(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80), 10);
	assert_int_equal(mrfp_srtp_suite_tag_len(MRFP_SUITE_AEAD_AES_128_GCM), 16);
	assert_int_equal(mrfp_srtp_suite_tag_len(MRFP_SUITE_AEAD_AES_256_GCM), 16);
	assert_int_equal(mrfp_srtp_suite_key_len(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80), 30);
	assert_int_equal(mrfp_srtp_suite_key_len(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80), 46);
	assert_int_equal(mrfp_srtp_suite_key_len(MRFP_SUITE_AEAD_AES_128_GCM), 28);
	assert_int_equal(mrfp_srtp_suite_key_len(MRFP_SUITE_AEAD_AES_256_GCM), 44);

	init_once();
	rte_errno = 0;
	assert_null(mrfp_srtp_session_create(&key, MRFP_SRTP_OUTBOUND));
	assert_int_equal(rte_errno, EINVAL);
}

/* ---- V1-V7: the oracle against the published vectors -------------------------------------- */

/* V1: RFC 3711 Appendix B.2, AES-CM keystream, by AES-ECB on the RFC's counter blocks and by the
 * AES-CTR + IV formation the packet oracle uses (SSRC 0, index 0). */
static void
test_v1_rfc3711_b2_keystream(void **state)
{
	uint8_t key[16], salt[14], offset[16], iv[16], ctr[16], ks[16], want[16];
	const size_t blocks = 0xff02;
	uint8_t *zero = calloc(blocks, 16), *stream = calloc(blocks, 16);

	(void)state;
	assert_non_null(zero);
	assert_non_null(stream);
	unhex(B2_KEY, key, sizeof(key));
	unhex(B2_SALT, salt, sizeof(salt));
	unhex(B2_OFFSET, offset, sizeof(offset));
	cm_iv(salt, 0, 0, iv);
	assert_memory_equal(iv, offset, 16);
	aes_ctr(key, sizeof(key), iv, zero, stream, blocks * 16);
	for (size_t i = 0; i < sizeof(B2_BLOCKS) / sizeof(B2_BLOCKS[0]); i++) {
		unsigned int b = B2_BLOCKS[i].block;

		memcpy(ctr, offset, 16);
		put_be16(ctr + 14, (uint16_t)b);
		aes_ecb_block(key, sizeof(key), ctr, ks);
		unhex(B2_BLOCKS[i].keystream, want, sizeof(want));
		assert_memory_equal(ks, want, 16);
		assert_memory_equal(stream + (size_t)b * 16, want, 16);
	}
	free(zero);
	free(stream);
}

/* V2: RFC 3711 Appendix B.3, key derivation with the AES-128 PRF. */
static void
test_v2_rfc3711_b3_kdf(void **state)
{
	uint8_t mk[16], ms[14], want[20];
	struct cm_keys k;

	(void)state;
	unhex(B3_MASTER_KEY, mk, sizeof(mk));
	unhex(B3_MASTER_SALT, ms, sizeof(ms));
	k = cm_keys_derive(mk, sizeof(mk), ms, 0);
	assert_int_equal(unhex(B3_CIPHER_KEY, want, sizeof(want)), 16);
	assert_memory_equal(k.k_e, want, 16);
	assert_int_equal(unhex(B3_CIPHER_SALT, want, sizeof(want)), 14);
	assert_memory_equal(k.k_s, want, 14);
	assert_int_equal(unhex(B3_AUTH_KEY, want, sizeof(want)), 20);
	assert_memory_equal(k.k_a, want, 20);
}

/* V3: RFC 6188 section 7.2, key derivation with AES_256_CM_PRF. */
static void
test_v3_rfc6188_kdf(void **state)
{
	uint8_t mk[32], ms[14], want[32];
	struct cm_keys k;

	(void)state;
	unhex(R6188_MASTER_KEY, mk, sizeof(mk));
	unhex(R6188_MASTER_SALT, ms, sizeof(ms));
	k = cm_keys_derive(mk, sizeof(mk), ms, 0);
	assert_int_equal(unhex(R6188_CIPHER_KEY, want, sizeof(want)), 32);
	assert_memory_equal(k.k_e, want, 32);
	assert_int_equal(unhex(R6188_CIPHER_SALT, want, sizeof(want)), 14);
	assert_memory_equal(k.k_s, want, 14);
	assert_int_equal(unhex(R6188_AUTH_KEY, want, sizeof(want)), 20);
	assert_memory_equal(k.k_a, want, 20);
}

/* RFC 7714's keys are session keys: used as they are, no KDF. */
static struct gcm_keys
r7714_session_keys(const char *key_hex)
{
	struct gcm_keys k = {0};

	k.k_e_len = unhex(key_hex, k.k_e, sizeof(k.k_e));
	assert_int_equal(unhex(R7714_SALT, k.k_s, sizeof(k.k_s)), 12);
	return k;
}

static void
check_r7714_rtp(const char *key_hex, const char *srtp_hex)
{
	struct gcm_keys k = r7714_session_keys(key_hex);
	struct pkt plain = pkt_hex(R7714_RTP), want = pkt_hex(srtp_hex), got;

	got.len = oracle_gcm_rtp(&k, plain.b, (size_t)plain.len, 0, got.b);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.b, want.b, (size_t)want.len);
	/* x.x.2: decrypting the same packet gives back the RFC's plaintext */
	assert_int_equal(oracle_gcm_rtp_open(&k, want.b, (size_t)want.len, 0, got.b), plain.len);
	assert_memory_equal(got.b, plain.b, (size_t)plain.len);
}

/* V4: RFC 7714 16.1.1 and 16.1.2, SRTP AEAD_AES_128_GCM encryption and decryption. */
static void
test_v4_rfc7714_16_1_rtp_gcm128(void **state)
{
	(void)state;
	check_r7714_rtp(R7714_KEY_128, R7714_16_1_1_SRTP);
}

/* V5: RFC 7714 16.2.1 and 16.2.2, SRTP AEAD_AES_256_GCM encryption and decryption. */
static void
test_v5_rfc7714_16_2_rtp_gcm256(void **state)
{
	(void)state;
	check_r7714_rtp(R7714_KEY_256, R7714_16_2_1_SRTP);
}

/* V6: RFC 7714 17.1, SRTCP AEAD_AES_128_GCM encryption and tagging, SRTCP index 5d4. */
static void
test_v6_rfc7714_17_1_rtcp_gcm128(void **state)
{
	struct gcm_keys k = r7714_session_keys(R7714_KEY_128);
	struct pkt plain = pkt_hex(R7714_RTCP), want = pkt_hex(R7714_17_1_SRTCP), got;

	(void)state;
	got.len = oracle_gcm_rtcp(&k, plain.b, (size_t)plain.len, R7714_SRTCP_INDEX, got.b);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.b, want.b, (size_t)want.len);
}

/* V7: RFC 7714 17.2, SRTCP AEAD_AES_256_GCM verification and decryption, SRTCP index 5d4. */
static void
test_v7_rfc7714_17_2_rtcp_gcm256(void **state)
{
	struct gcm_keys k = r7714_session_keys(R7714_KEY_256);
	struct pkt plain = pkt_hex(R7714_RTCP), srtcp = pkt_hex(R7714_17_2_SRTCP), got;

	(void)state;
	got.len = oracle_gcm_rtcp_open(&k, srtcp.b, (size_t)srtcp.len, got.b);
	assert_int_equal(got.len, plain.len);
	assert_memory_equal(got.b, plain.b, (size_t)plain.len);
	got.len = oracle_gcm_rtcp(&k, plain.b, (size_t)plain.len, R7714_SRTCP_INDEX, got.b);
	assert_int_equal(got.len, srtcp.len);
	assert_memory_equal(got.b, srtcp.b, (size_t)srtcp.len);
}

/* ---- V8-V13: the wrapper against the oracle ------------------------------------------------ */

static struct cm_keys
cm_keys_hex(const char *k_e, const char *k_s, const char *k_a)
{
	struct cm_keys k = {0};

	k.k_e_len = unhex(k_e, k.k_e, sizeof(k.k_e));
	assert_int_equal(unhex(k_s, k.k_s, sizeof(k.k_s)), 14);
	assert_int_equal(unhex(k_a, k.k_a, sizeof(k.k_a)), 20);
	return k;
}

/* Protect the RFC 7714 RTP packet along WALK, compare with the oracle, unprotect it back. */
static void
check_cm_rtp(enum mrfp_srtp_suite suite, const char *mk, const char *ms, const struct cm_keys *k,
	     size_t tag_len)
{
	struct mrfp_srtp_session *out = session_hex(suite, mk, ms, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in = session_hex(suite, mk, ms, MRFP_SRTP_INBOUND);

	for (size_t i = 0; i < sizeof(WALK) / sizeof(WALK[0]); i++) {
		struct pkt plain = rtp_with_seq(R7714_RTP, WALK[i].seq), got = plain, want;

		want.len =
			oracle_cm_rtp(k, plain.b, (size_t)plain.len, WALK[i].roc, tag_len, want.b);
		assert_int_equal(mrfp_srtp_protect(out, got.b, &got.len), MRFP_DROP_NONE);
		assert_int_equal(got.len, plain.len + (int)tag_len);
		assert_memory_equal(got.b, want.b, (size_t)want.len);
		expect_unprotect(in, &got, &plain);
	}
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
}

/* Two SRTCP packets out, compared with the oracle (SRTCP keys from labels 3-5), then back in. */
static void
check_cm_rtcp(enum mrfp_srtp_suite suite, const char *mk_hex, const char *ms_hex)
{
	struct mrfp_srtp_session *out = session_hex(suite, mk_hex, ms_hex, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in = session_hex(suite, mk_hex, ms_hex, MRFP_SRTP_INBOUND);
	uint8_t mk[32], ms[14];
	size_t mk_len = unhex(mk_hex, mk, sizeof(mk));
	struct cm_keys k;
	uint32_t index = 0;

	assert_int_equal(unhex(ms_hex, ms, sizeof(ms)), 14);
	k = cm_keys_derive(mk, mk_len, ms, 1);
	for (int i = 0; i < 2; i++) {
		struct pkt plain = pkt_hex(R7714_RTCP), got = plain, want;

		assert_int_equal(mrfp_srtp_protect_rtcp(out, got.b, &got.len), MRFP_DROP_NONE);
		/* the _32 suite keeps an 80-bit SRTCP tag (see srtp.c, RFC 3711 7.5) */
		assert_int_equal(got.len, plain.len + SRTCP_TRAILER + 10);
		index = srtcp_index_of(&got, 10, index + 1, i == 0);
		want.len = oracle_cm_rtcp(&k, plain.b, (size_t)plain.len, index, want.b);
		assert_memory_equal(got.b, want.b, (size_t)want.len);
		expect_unprotect_rtcp(in, &got, &plain);
	}
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
}

/* V8: AES_CM_128_HMAC_SHA1_80 keyed with the RFC 3711 B.3 master key and salt; expected bytes
 * from the oracle keyed with B.3's published session keys (RFC 3711 3.1, 4.1.1, 4.2). */
static void
test_v8_wrapper_aes_cm_128_80(void **state)
{
	struct cm_keys k = cm_keys_hex(B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY);

	(void)state;
	check_cm_rtp(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT, &k, 10);
}

/* V9: AES_CM_128_HMAC_SHA1_32, same keys, 32-bit SRTP tag (RFC 4568 6.2.2); SRTCP keeps 80. */
static void
test_v9_wrapper_aes_cm_128_32(void **state)
{
	struct cm_keys k = cm_keys_hex(B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY);

	(void)state;
	check_cm_rtp(MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT, &k, 4);
	check_cm_rtcp(MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT);
}

/* V10: AES_256_CM_HMAC_SHA1_80 keyed with the RFC 6188 7.2 master key and salt; expected bytes
 * from the oracle keyed with RFC 6188's published session keys. */
static void
test_v10_wrapper_aes_256_cm_80(void **state)
{
	struct cm_keys k = cm_keys_hex(R6188_CIPHER_KEY, R6188_CIPHER_SALT, R6188_AUTH_KEY);

	(void)state;
	check_cm_rtp(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, R6188_MASTER_KEY, R6188_MASTER_SALT, &k,
		     10);
	check_cm_rtcp(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, R6188_MASTER_KEY, R6188_MASTER_SALT);
}

/* V11: SRTCP on AES_CM_128_HMAC_SHA1_80 with the B.3 master key (RFC 3711 3.4, 4.3.2 labels). */
static void
test_v11_wrapper_srtcp_aes_cm_128_80(void **state)
{
	(void)state;
	check_cm_rtcp(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
}

/*
 * AEAD through the wrapper, the RFC 7714 key and salt as master key and salt: RTP along WALK and
 * SRTCP compared with the oracle; then the RFC's own SRTCP index 5d4, built by the oracle, must
 * come back through unprotect_rtcp as the RFC 17 plaintext.
 */
static void
check_gcm(enum mrfp_srtp_suite suite, const char *mk_hex, const char *ms_hex)
{
	struct mrfp_srtp_session *out = session_hex(suite, mk_hex, ms_hex, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in = session_hex(suite, mk_hex, ms_hex, MRFP_SRTP_INBOUND);
	struct mrfp_srtp_session *in2 = session_hex(suite, mk_hex, ms_hex, MRFP_SRTP_INBOUND);
	uint8_t mk[32], ms[12];
	size_t mk_len = unhex(mk_hex, mk, sizeof(mk));
	struct gcm_keys rtp_k, rtcp_k;
	struct pkt rtcp = pkt_hex(R7714_RTCP), srtcp;
	uint32_t index = 0;

	assert_int_equal(unhex(ms_hex, ms, sizeof(ms)), 12);
	rtp_k = gcm_keys_derive(mk, mk_len, ms, 0);
	rtcp_k = gcm_keys_derive(mk, mk_len, ms, 1);
	for (size_t i = 0; i < sizeof(WALK) / sizeof(WALK[0]); i++) {
		struct pkt plain = rtp_with_seq(R7714_RTP, WALK[i].seq), got = plain, want;

		want.len = oracle_gcm_rtp(&rtp_k, plain.b, (size_t)plain.len, WALK[i].roc, want.b);
		assert_int_equal(mrfp_srtp_protect(out, got.b, &got.len), MRFP_DROP_NONE);
		assert_int_equal(got.len, plain.len + GCM_TAG);
		assert_memory_equal(got.b, want.b, (size_t)want.len);
		expect_unprotect(in, &got, &plain);
	}
	for (int i = 0; i < 2; i++) {
		struct pkt got = rtcp, want;

		assert_int_equal(mrfp_srtp_protect_rtcp(out, got.b, &got.len), MRFP_DROP_NONE);
		assert_int_equal(got.len, rtcp.len + GCM_TAG + SRTCP_TRAILER);
		index = srtcp_index_of(&got, GCM_TAG, index + 1, i == 0);
		want.len = oracle_gcm_rtcp(&rtcp_k, rtcp.b, (size_t)rtcp.len, index, want.b);
		assert_memory_equal(got.b, want.b, (size_t)want.len);
		expect_unprotect_rtcp(in, &got, &rtcp);
	}
	srtcp.len = oracle_gcm_rtcp(&rtcp_k, rtcp.b, (size_t)rtcp.len, R7714_SRTCP_INDEX, srtcp.b);
	expect_unprotect_rtcp(in2, &srtcp, &rtcp);
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
	mrfp_srtp_session_free(in2);
}

/* V12: AEAD_AES_128_GCM (RFC 7714 8, 9, 11 with erratum 4938), RFC 7714 16/17 packets. */
static void
test_v12_wrapper_aead_aes_128_gcm(void **state)
{
	(void)state;
	check_gcm(MRFP_SUITE_AEAD_AES_128_GCM, R7714_KEY_128, R7714_SALT);
}

/* V13: AEAD_AES_256_GCM (RFC 7714 8, 9, 11: AES_256_CM_PRF of RFC 6188), same packets. */
static void
test_v13_wrapper_aead_aes_256_gcm(void **state)
{
	(void)state;
	check_gcm(MRFP_SUITE_AEAD_AES_256_GCM, R7714_KEY_256, R7714_SALT);
}

/* ---- V14-V16: libsrtp's master-key-level vectors through the wrapper ----------------------- */

static void
check_fixed(enum mrfp_srtp_suite suite, const char *mk, const char *ms, int rtcp,
	    const char *plain_hex, const char *want_hex)
{
	struct mrfp_srtp_session *out = session_hex(suite, mk, ms, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in = session_hex(suite, mk, ms, MRFP_SRTP_INBOUND);
	struct pkt plain = pkt_hex(plain_hex), want = pkt_hex(want_hex), got = plain;

	if (rtcp) {
		assert_int_equal(mrfp_srtp_protect_rtcp(out, got.b, &got.len), MRFP_DROP_NONE);
	} else {
		assert_int_equal(mrfp_srtp_protect(out, got.b, &got.len), MRFP_DROP_NONE);
	}
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.b, want.b, (size_t)want.len);
	if (rtcp)
		expect_unprotect_rtcp(in, &want, &plain);
	else
		expect_unprotect(in, &want, &plain);
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
}

/* V14: libsrtp test/srtp_driver.c srtp_validate(), AES_CM_128_HMAC_SHA1_80, RTP and SRTCP. */
static void
test_v14_libsrtp_validate(void **state)
{
	(void)state;
	check_fixed(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT, 0,
		    LIBSRTP_RTP, LIBSRTP_V_SRTP);
	check_fixed(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT, 1,
		    LIBSRTP_RTCP, LIBSRTP_V_SRTCP);
}

/* V15: libsrtp test/srtp_driver.c srtp_validate_aes_256(), AES_256_CM_HMAC_SHA1_80, RTP. */
static void
test_v15_libsrtp_validate_aes_256(void **state)
{
	(void)state;
	check_fixed(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, R6188_MASTER_KEY, R6188_MASTER_SALT, 0,
		    LIBSRTP_RTP, LIBSRTP_V256_SRTP);
}

/* V16: libsrtp test/srtp_driver.c srtp_validate_gcm(), AEAD_AES_128_GCM, RTP and SRTCP; the
 * oracle must reproduce it too, which pins its 96-bit-salt KDF (erratum 4938) to libsrtp's. */
static void
test_v16_libsrtp_validate_gcm(void **state)
{
	uint8_t mk[16], ms[12];
	struct gcm_keys rtp_k, rtcp_k;
	struct pkt rtp = pkt_hex(LIBSRTP_RTP), rtcp = pkt_hex(LIBSRTP_RTCP), got;
	struct pkt want_rtp = pkt_hex(LIBSRTP_GCM_SRTP), want_rtcp = pkt_hex(LIBSRTP_GCM_SRTCP);

	(void)state;
	check_fixed(MRFP_SUITE_AEAD_AES_128_GCM, LIBSRTP_GCM_KEY, LIBSRTP_GCM_SALT, 0, LIBSRTP_RTP,
		    LIBSRTP_GCM_SRTP);
	check_fixed(MRFP_SUITE_AEAD_AES_128_GCM, LIBSRTP_GCM_KEY, LIBSRTP_GCM_SALT, 1, LIBSRTP_RTCP,
		    LIBSRTP_GCM_SRTCP);

	unhex(LIBSRTP_GCM_KEY, mk, sizeof(mk));
	unhex(LIBSRTP_GCM_SALT, ms, sizeof(ms));
	rtp_k = gcm_keys_derive(mk, sizeof(mk), ms, 0);
	rtcp_k = gcm_keys_derive(mk, sizeof(mk), ms, 1);
	got.len = oracle_gcm_rtp(&rtp_k, rtp.b, (size_t)rtp.len, 0, got.b);
	assert_int_equal(got.len, want_rtp.len);
	assert_memory_equal(got.b, want_rtp.b, (size_t)want_rtp.len);
	got.len = oracle_gcm_rtcp(&rtcp_k, rtcp.b, (size_t)rtcp.len, 1, got.b);
	assert_int_equal(got.len, want_rtcp.len);
	assert_memory_equal(got.b, want_rtcp.b, (size_t)want_rtcp.len);
}

/* ---- N1-N6: what the wrapper must refuse, and under which drop reason ----------------------- */

static struct pkt
protect_seq(struct mrfp_srtp_session *out, uint16_t seq)
{
	struct pkt p = rtp_with_seq(R7714_RTP, seq);

	assert_int_equal(mrfp_srtp_protect(out, p.b, &p.len), MRFP_DROP_NONE);
	return p;
}

static enum mrfp_drop
unprotect_copy(struct mrfp_srtp_session *in, const struct pkt *srtp, int len)
{
	struct pkt p = *srtp;

	p.len = len;
	return mrfp_srtp_unprotect(in, p.b, &p.len);
}

static enum mrfp_drop
unprotect_rtcp_copy(struct mrfp_srtp_session *in, const struct pkt *srtcp, int len)
{
	struct pkt p = *srtcp;

	p.len = len;
	return mrfp_srtp_unprotect_rtcp(in, p.b, &p.len);
}

/* Keys that differ from the suite's RFC key in the last master key octet only. */
static const char B3_MASTER_KEY_WRONG[] = "E1F97A0D3E018BE0D64FA32C06DE4138";
static const char R7714_KEY_128_WRONG[] = "000102030405060708090a0b0c0d0e0e";

/* N1: a packet from the wrong key, or with any octet flipped, is MRFP_DROP_SRTP_AUTH
 * (RFC 3711 3.3 step 5, RFC 7714 8.2), for AES-CM and AEAD, RTP and SRTCP. */
static void
test_n1_wrong_key_and_tamper(void **state)
{
	static const struct {
		enum mrfp_srtp_suite suite;
		const char *key, *wrong, *salt;
	} cases[] = {
		{MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_KEY_WRONG,
		 B3_MASTER_SALT},
		{MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_KEY_WRONG,
		 B3_MASTER_SALT},
		{MRFP_SUITE_AEAD_AES_128_GCM, R7714_KEY_128, R7714_KEY_128_WRONG, R7714_SALT},
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct mrfp_srtp_session *out = session_hex(cases[c].suite, cases[c].key,
							    cases[c].salt, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *in =
			session_hex(cases[c].suite, cases[c].key, cases[c].salt, MRFP_SRTP_INBOUND);
		struct mrfp_srtp_session *bad = session_hex(cases[c].suite, cases[c].wrong,
							    cases[c].salt, MRFP_SRTP_INBOUND);
		struct pkt p = protect_seq(out, 100), rtcp = pkt_hex(R7714_RTCP);

		assert_int_equal(unprotect_copy(bad, &p, p.len), MRFP_DROP_SRTP_AUTH);
		/* a header octet, the first payload octet, the last tag octet */
		const int flips[] = {1, 12, p.len - 1};
		for (size_t f = 0; f < sizeof(flips) / sizeof(flips[0]); f++) {
			struct pkt t = p;

			t.b[flips[f]] ^= 0x01;
			assert_int_equal(unprotect_copy(in, &t, t.len), MRFP_DROP_SRTP_AUTH);
		}
		/* the untouched packet still passes: failures did not poison the window */
		assert_int_equal(unprotect_copy(in, &p, p.len), MRFP_DROP_NONE);

		assert_int_equal(mrfp_srtp_protect_rtcp(out, rtcp.b, &rtcp.len), MRFP_DROP_NONE);
		assert_int_equal(unprotect_rtcp_copy(bad, &rtcp, rtcp.len), MRFP_DROP_SRTP_AUTH);
		rtcp.b[RTCP_HDR] ^= 0x80;
		assert_int_equal(unprotect_rtcp_copy(in, &rtcp, rtcp.len), MRFP_DROP_SRTP_AUTH);

		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(in);
		mrfp_srtp_session_free(bad);
	}
}

/* N2: the same packet twice is MRFP_DROP_SRTP_REPLAY (RFC 3711 3.3.2), RTP and SRTCP, AES-CM and
 * AEAD. */
static void
test_n2_replay(void **state)
{
	static const struct {
		enum mrfp_srtp_suite suite;
		const char *key, *salt;
	} cases[] = {
		{MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT},
		{MRFP_SUITE_AEAD_AES_128_GCM, R7714_KEY_128, R7714_SALT},
		{MRFP_SUITE_AEAD_AES_256_GCM, R7714_KEY_256, R7714_SALT},
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct mrfp_srtp_session *out = session_hex(cases[c].suite, cases[c].key,
							    cases[c].salt, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *in =
			session_hex(cases[c].suite, cases[c].key, cases[c].salt, MRFP_SRTP_INBOUND);
		struct pkt p = protect_seq(out, 5000), rtcp = pkt_hex(R7714_RTCP);

		assert_int_equal(unprotect_copy(in, &p, p.len), MRFP_DROP_NONE);
		assert_int_equal(unprotect_copy(in, &p, p.len), MRFP_DROP_SRTP_REPLAY);

		assert_int_equal(mrfp_srtp_protect_rtcp(out, rtcp.b, &rtcp.len), MRFP_DROP_NONE);
		assert_int_equal(unprotect_rtcp_copy(in, &rtcp, rtcp.len), MRFP_DROP_NONE);
		assert_int_equal(unprotect_rtcp_copy(in, &rtcp, rtcp.len), MRFP_DROP_SRTP_REPLAY);

		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(in);
	}
}

/* N3: the replay window is 1024 packets (mrfp_srtp.h): with highest index H received, H-1023 is
 * still accepted once, H-1024 is MRFP_DROP_SRTP_REPLAY. */
static void
test_n3_replay_window_1024(void **state)
{
	struct mrfp_srtp_session *out =
		session_hex(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT,
			    MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in =
		session_hex(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT,
			    MRFP_SRTP_INBOUND);
	const uint16_t h = 3000;
	struct pkt first = protect_seq(out, 1000);
	struct pkt too_old = protect_seq(out, h - 1024);
	struct pkt oldest = protect_seq(out, h - 1023);
	struct pkt highest = protect_seq(out, h);

	(void)state;
	assert_int_equal(unprotect_copy(in, &first, first.len), MRFP_DROP_NONE);
	assert_int_equal(unprotect_copy(in, &highest, highest.len), MRFP_DROP_NONE);
	assert_int_equal(unprotect_copy(in, &oldest, oldest.len), MRFP_DROP_NONE);
	assert_int_equal(unprotect_copy(in, &oldest, oldest.len), MRFP_DROP_SRTP_REPLAY);
	assert_int_equal(unprotect_copy(in, &too_old, too_old.len), MRFP_DROP_SRTP_REPLAY);
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
}

/* N4: truncated packets are refused, never passed on: shorter than the RTP header, than the
 * header plus tag, and one tag octet short. AES-CM, AEAD, and SRTCP. */
static void
test_n4_truncated(void **state)
{
	static const struct {
		enum mrfp_srtp_suite suite;
		const char *key, *salt;
		int tag;
	} cases[] = {
		{MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT, 10},
		{MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT, 4},
		{MRFP_SUITE_AEAD_AES_128_GCM, R7714_KEY_128, R7714_SALT, 16},
		{MRFP_SUITE_AEAD_AES_256_GCM, R7714_KEY_256, R7714_SALT, 16},
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct mrfp_srtp_session *out = session_hex(cases[c].suite, cases[c].key,
							    cases[c].salt, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *in =
			session_hex(cases[c].suite, cases[c].key, cases[c].salt, MRFP_SRTP_INBOUND);
		/* SRTCP tag: 80 bits on every AES-CM suite, 16 octets on AEAD */
		const int rtcp_tag = cases[c].tag == 4 ? 10 : cases[c].tag;
		struct pkt p = protect_seq(out, 7000), rtcp = pkt_hex(R7714_RTCP);
		const int rtp_lens[] = {0, 4, 11, 12, 12 + cases[c].tag - 1, p.len - 1};
		int rtcp_lens[] = {0, 7, RTCP_HDR + SRTCP_TRAILER,
				   RTCP_HDR + SRTCP_TRAILER + rtcp_tag - 1, 0};

		for (size_t i = 0; i < sizeof(rtp_lens) / sizeof(rtp_lens[0]); i++)
			assert_int_not_equal(unprotect_copy(in, &p, rtp_lens[i]), MRFP_DROP_NONE);
		assert_int_equal(unprotect_copy(in, &p, p.len), MRFP_DROP_NONE);

		assert_int_equal(mrfp_srtp_protect_rtcp(out, rtcp.b, &rtcp.len), MRFP_DROP_NONE);
		rtcp_lens[4] = rtcp.len - 1;
		for (size_t i = 0; i < sizeof(rtcp_lens) / sizeof(rtcp_lens[0]); i++)
			assert_int_not_equal(unprotect_rtcp_copy(in, &rtcp, rtcp_lens[i]),
					     MRFP_DROP_NONE);
		assert_int_equal(unprotect_rtcp_copy(in, &rtcp, rtcp.len), MRFP_DROP_NONE);

		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(in);
	}
}

/* N5: an RFC 7714 session-key packet (16.1.1) is not valid under the same bytes as master key:
 * the wrapper really runs the KDF (RFC 7714 11), so it must refuse it as MRFP_DROP_SRTP_AUTH. */
static void
test_n5_rfc7714_session_key_packet_needs_kdf(void **state)
{
	struct mrfp_srtp_session *in = session_hex(MRFP_SUITE_AEAD_AES_128_GCM, R7714_KEY_128,
						   R7714_SALT, MRFP_SRTP_INBOUND);
	struct pkt p = pkt_hex(R7714_16_1_1_SRTP);

	(void)state;
	assert_int_equal(unprotect_copy(in, &p, p.len), MRFP_DROP_SRTP_AUTH);
	mrfp_srtp_session_free(in);
}

/*
 * MRFP_KAT_ENGINE=burst (or its former name, cryptodev) runs every vector through the burst
 * engine instead of libsrtp2: the same expectations, so both engines answer to the same
 * published values.
 */
static int
select_engine(void)
{
	const char *e = getenv("MRFP_KAT_ENGINE");
	char *eal[] = {"test_srtp_kat",
		       "--no-huge",
		       "-m",
		       "256",
		       "--no-pci",
		       "--log-level=*:warning",
		       "--file-prefix=mrfp_kat_burst",
		       NULL};
	if (e == NULL || strcmp(e, "libsrtp2") == 0)
		return 0;
	if ((strcmp(e, "burst") != 0 && strcmp(e, "cryptodev") != 0) || rte_eal_init(7, eal) < 0 ||
	    mrfp_srtp_init() < 0 || mrfp_srtp_burst_init() < 0 ||
	    mrfp_srtp_set_engine(MRFP_SRTP_ENGINE_BURST) < 0) {
		fprintf(stderr, "cannot run the vectors on engine '%s'\n", e);
		return -1;
	}
	on_burst = true;
	return 0;
}

int
main(void)
{
	if (select_engine() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_backend),
		cmocka_unit_test(test_suite_parameters),
		cmocka_unit_test(test_v1_rfc3711_b2_keystream),
		cmocka_unit_test(test_v2_rfc3711_b3_kdf),
		cmocka_unit_test(test_v3_rfc6188_kdf),
		cmocka_unit_test(test_v4_rfc7714_16_1_rtp_gcm128),
		cmocka_unit_test(test_v5_rfc7714_16_2_rtp_gcm256),
		cmocka_unit_test(test_v6_rfc7714_17_1_rtcp_gcm128),
		cmocka_unit_test(test_v7_rfc7714_17_2_rtcp_gcm256),
		cmocka_unit_test(test_v8_wrapper_aes_cm_128_80),
		cmocka_unit_test(test_v9_wrapper_aes_cm_128_32),
		cmocka_unit_test(test_v10_wrapper_aes_256_cm_80),
		cmocka_unit_test(test_v11_wrapper_srtcp_aes_cm_128_80),
		cmocka_unit_test(test_v12_wrapper_aead_aes_128_gcm),
		cmocka_unit_test(test_v13_wrapper_aead_aes_256_gcm),
		cmocka_unit_test(test_v14_libsrtp_validate),
		cmocka_unit_test(test_v15_libsrtp_validate_aes_256),
		cmocka_unit_test(test_v16_libsrtp_validate_gcm),
		cmocka_unit_test(test_n1_wrong_key_and_tamper),
		cmocka_unit_test(test_n2_replay),
		cmocka_unit_test(test_n3_replay_window_1024),
		cmocka_unit_test(test_n4_truncated),
		cmocka_unit_test(test_n5_rfc7714_session_key_packet_needs_kdf),
	};

	return cmocka_run_group_tests_name("srtp_kat", tests, NULL, NULL);
}
