/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PAYLOAD_OPUS_H
#define MRFP_DP_PAYLOAD_OPUS_H

/*
 * RTP payload format of Opus (RFC 7587): the payload is exactly one Opus packet (RFC 6716
 * section 3), with an RTP clock of 48000 whatever the audio bandwidth (RFC 7587 4.1). What
 * the packet path needs before handing it to the decoder: its duration (to advance the
 * jitter buffer and check the RTP timestamp step), its bandwidth and channels, and whether
 * it is well formed at all (RFC 6716 3.4, requirements R1-R7), since it comes from the
 * network and the decoder should only ever see packets that pass.
 *
 * Thread safety: pure functions; reentrant. No allocation.
 */
#include <stdbool.h>
#include <stdint.h>

#define MRFP_OPUS_RTP_CLOCK 48000
#define MRFP_OPUS_MAX_FRAME_BYTES 1275 /* R2 */
#define MRFP_OPUS_MAX_SAMPLES 5760     /* 120 ms at 48 kHz (R5) */
#define MRFP_OPUS_MAX_FRAMES 48	       /* 120 ms of 2.5 ms frames */

enum mrfp_opus_mode {
	MRFP_OPUS_SILK,
	MRFP_OPUS_HYBRID,
	MRFP_OPUS_CELT,
};

/* Audio bandwidth (RFC 6716 table 1); the value is the coded rate in kHz / 4, minus 1. */
enum mrfp_opus_bandwidth {
	MRFP_OPUS_NB,  /* 4 kHz, sampled at 8 kHz */
	MRFP_OPUS_MB,  /* 6 kHz, 12 kHz */
	MRFP_OPUS_WB,  /* 8 kHz, 16 kHz */
	MRFP_OPUS_SWB, /* 12 kHz, 24 kHz */
	MRFP_OPUS_FB,  /* 20 kHz, 48 kHz */
};

struct mrfp_opus_info {
	uint8_t config;		/* TOC bits 0-4 (RFC 6716 table 2) */
	uint8_t mode;		/* enum mrfp_opus_mode */
	uint8_t bandwidth;	/* enum mrfp_opus_bandwidth */
	uint8_t stereo;		/* TOC s bit */
	uint8_t code;		/* TOC c: 0 one frame, 1 two equal, 2 two sized, 3 arbitrary */
	uint8_t frames;		/* 1..MRFP_OPUS_MAX_FRAMES */
	uint16_t frame_samples; /* per frame at 48 kHz: 120 (2.5 ms) .. 2880 (60 ms) */
	uint16_t samples;	/* frames * frame_samples, at most MRFP_OPUS_MAX_SAMPLES */
	uint16_t audio_bytes;	/* compressed frame data; 0 is a DTX / no-audio packet */
};

/* Mode, bandwidth and frame duration (48 kHz samples) of a TOC config 0-31 (table 2). */
void opus_config_describe(unsigned config, struct mrfp_opus_info *out);

/*
 * Validate one Opus packet (RTP header and padding removed) against RFC 6716 3.4 and
 * describe it. Returns 0, or -EINVAL if malformed: empty (R1), a frame over 1275 octets
 * (R2), an odd code 1 payload (R3), a code 2 length beyond the packet (R4), a code 3 count of
 * 0 or over 120 ms (R5), code 3 padding or lengths that do not fit (R6, R7). out is
 * undefined on error.
 */
int opus_payload_parse(const uint8_t *p, unsigned len, struct mrfp_opus_info *out);

/*
 * True for a payload that carries no audio and should be fed to the decoder as a gap (PLC
 * or comfort noise), not parsed: 0 octets (not an Opus packet, R1; some senders use it for
 * DTX) or a lone TOC of code 0 or 1 (what libopus emits in DTX: frames of 0 octets). The
 * duration of such a gap comes from the RTP timestamps, not from the payload.
 */
static inline bool
opus_payload_is_dtx(const uint8_t *p, unsigned len)
{
	return len == 0 || (len == 1 && (p[0] & 3) <= 1);
}

#endif
