/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PAYLOAD_G722_H
#define MRFP_DP_PAYLOAD_G722_H

/*
 * G.722's RTP clock (RFC 3551 4.5.2): the codec samples at 16000 Hz, but its RTP clock rate
 * is 8000 Hz, an error in RFC 1890 kept for interoperability. The RTP timestamp of a G.722
 * stream therefore advances by half the number of samples (one per payload octet): 160 per
 * 20 ms packet, not 320. SDP says "G722/8000" accordingly. Everything that turns samples into
 * RTP time for G.722 (the jitter buffer, RTCP, the timestamp of mixed output) goes through
 * these so that the factor sits in one place.
 *
 * Thread safety: constants and pure functions.
 */
#include <stdint.h>

#define MRFP_G722_RTP_CLOCK 8000
#define MRFP_G722_SAMPLE_RATE 16000

/* RTP timestamp units covered by a number of 16 kHz samples. */
static inline uint32_t
g722_samples_to_rtp(uint32_t samples)
{
	return samples / (MRFP_G722_SAMPLE_RATE / MRFP_G722_RTP_CLOCK);
}

/* 16 kHz samples covered by an RTP timestamp step. */
static inline uint32_t
g722_rtp_to_samples(uint32_t rtp_units)
{
	return rtp_units * (MRFP_G722_SAMPLE_RATE / MRFP_G722_RTP_CLOCK);
}

#endif
