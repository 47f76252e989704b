/* SPDX-License-Identifier: BSD-3-Clause */
#include "srtp_policy.h"

void
test_srtp_policy_suite(srtp_policy_t *pol, enum mrfp_srtp_suite suite)
{
	switch (suite) {
	case MRFP_SUITE_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	case MRFP_SUITE_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtcp);
		break;
	case MRFP_SUITE_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtcp);
		break;
	case MRFP_SUITE_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtcp);
		break;
	default:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	}
}
