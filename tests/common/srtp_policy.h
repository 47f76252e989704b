/* SPDX-License-Identifier: BSD-3-Clause */
/* libsrtp2's crypto policies for one of mrfp's suites: what every test oracle needs. */
#ifndef MRFP_TESTS_SRTP_POLICY_H
#define MRFP_TESTS_SRTP_POLICY_H

#include <srtp2/srtp.h>

#include "mrfp_srtp.h"

/* pol->rtp and pol->rtcp for the suite; SRTCP of AES_CM_128_HMAC_SHA1_32 keeps the 80-bit tag
 * (RFC 4568 6.2.1). Other fields are the caller's. */
void test_srtp_policy_suite(srtp_policy_t *pol, enum mrfp_srtp_suite suite);

#endif
