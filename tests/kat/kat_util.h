/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the burst-engine tests against libsrtp2 share (test_engine_diff, test_nomki_rekey):
 * a seeded pseudo-random source, keys and RTP packets drawn from it, the libsrtp2 policy of
 * each suite, and the start of EAL with both SRTP engines. Test code: single thread.
 */
#ifndef MRFP_TESTS_KAT_UTIL_H
#define MRFP_TESTS_KAT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <srtp2/srtp.h>

#include "mrfp_srtp.h"
#include "srtp_policy.h" /* test_srtp_policy_suite: each suite's libsrtp2 policies */

/* xorshift64 state: each test sets its own seed before the first kat_rnd, so its streams
 * are fixed (and another seed explores others). Never 0. */
extern uint64_t kat_rng;

uint32_t kat_rnd(void);

/* A key of this suite, no MKI, material from kat_rnd. */
struct mrfp_srtp_key kat_random_key(enum mrfp_srtp_suite suite);

/* An RTP packet at b: cc CSRCs, a header extension of ext words when ext >= 0, plen bytes
 * of payload (CSRCs, extension and payload from kat_rnd); ts = seq * 160. Its length. */
int kat_make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, unsigned int cc, int ext,
		 unsigned int plen);

/* EAL (no hugepages, no PCI, this file prefix), libsrtp2 and the burst engine; -1 with
 * a message on stderr if one did not start. */
int kat_engines_start(char *argv0, const char *file_prefix);

#endif
