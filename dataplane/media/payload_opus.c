/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opus packet validation (RFC 6716 3.1-3.4) for RFC 7587 payloads. See payload_opus.h.
 *
 * The checks follow the RFC's requirements R1-R7 one by one, in one small function per
 * frame-count code, so that a reviewer can hold each against its paragraph. Lengths are
 * kept as unsigned offsets into [0, len] and compared before every read.
 */
#include <errno.h>

#include "payload_opus.h"

#define TOC_CONFIG(t) ((t) >> 3)
#define TOC_STEREO(t) (((t) >> 2) & 1)
#define TOC_CODE(t) ((t)&3)
#define C3_VBR 0x80
#define C3_PAD 0x40
#define C3_COUNT 0x3f
#define PAD_MORE 255 /* a padding length octet of 255 adds 254 and another octet follows */

/* Frame durations in 48 kHz samples: SILK 10/20/40/60 ms, Hybrid 10/20, CELT 2.5/5/10/20. */
static const uint16_t silk_samples[4] = {480, 960, 1920, 2880};
static const uint16_t celt_samples[4] = {120, 240, 480, 960};
static const uint8_t celt_bw[4] = {MRFP_OPUS_NB, MRFP_OPUS_WB, MRFP_OPUS_SWB, MRFP_OPUS_FB};

void
opus_config_describe(unsigned config, struct mrfp_opus_info *out)
{
	config &= 31;
	out->config = (uint8_t)config;
	if (config < 12) {
		out->mode = MRFP_OPUS_SILK;
		out->bandwidth = (uint8_t)(config >> 2); /* NB, MB, WB */
		out->frame_samples = silk_samples[config & 3];
	} else if (config < 16) {
		out->mode = MRFP_OPUS_HYBRID;
		out->bandwidth = (uint8_t)(MRFP_OPUS_SWB + ((config - 12) >> 1));
		out->frame_samples = silk_samples[config & 1];
	} else {
		out->mode = MRFP_OPUS_CELT;
		out->bandwidth = celt_bw[(config - 16) >> 2];
		out->frame_samples = celt_samples[config & 3];
	}
}

/*
 * One frame length field (3.2.1) at p[*off], within [*off, end): 0-251 in one octet,
 * 252-1275 in two (first + 4 * second). Returns the length or -1 if it does not fit.
 */
static int
frame_len(const uint8_t *p, unsigned *off, unsigned end)
{
	if (*off >= end)
		return -1;
	unsigned l = p[(*off)++];
	if (l < 252)
		return (int)l;
	if (*off >= end)
		return -1;
	return (int)(l + 4u * p[(*off)++]);
}

/* Code 1 (3.2.3): two frames of (N - 1) / 2 octets each (R3). */
static int
parse_code1(unsigned len, struct mrfp_opus_info *out)
{
	unsigned body = len - 1;
	if (body & 1 || body / 2 > MRFP_OPUS_MAX_FRAME_BYTES)
		return -EINVAL;
	out->frames = 2;
	out->audio_bytes = (uint16_t)body;
	return 0;
}

/* Code 2 (3.2.4): a length for the first frame; the second takes the rest (R4, R2). */
static int
parse_code2(const uint8_t *p, unsigned len, struct mrfp_opus_info *out)
{
	unsigned off = 1;
	int first = frame_len(p, &off, len);
	if (first < 0 || (unsigned)first > len - off)
		return -EINVAL;
	unsigned second = len - off - (unsigned)first;
	if (second > MRFP_OPUS_MAX_FRAME_BYTES)
		return -EINVAL;
	out->frames = 2;
	out->audio_bytes = (uint16_t)(len - off);
	return 0;
}

/*
 * Code 3 padding (3.2.5): octets of 255 add 254 each and chain, the last one adds its value;
 * the padding itself sits at the end of the packet. Moves *end back past it; -1 if it does
 * not fit.
 */
static int
strip_padding(const uint8_t *p, unsigned *off, unsigned *end)
{
	unsigned pad = 0, v;
	do {
		if (*off >= *end)
			return -1;
		v = p[(*off)++];
		pad += v == PAD_MORE ? PAD_MORE - 1 : v;
		/* Checked per octet, so the sum never exceeds len (and never wraps). */
		if (pad > *end - *off)
			return -1;
	} while (v == PAD_MORE);
	*end -= pad;
	return 0;
}

/* Code 3 (3.2.5): count octet, optional padding, then CBR (R6) or VBR (R7) frames. */
static int
parse_code3(const uint8_t *p, unsigned len, struct mrfp_opus_info *out)
{
	unsigned off = 1, end = len;
	if (len < 2)
		return -EINVAL;
	unsigned hdr = p[off++], m = hdr & C3_COUNT;
	if (m == 0 || m * out->frame_samples > MRFP_OPUS_MAX_SAMPLES) /* R5 */
		return -EINVAL;
	if (hdr & C3_PAD && strip_padding(p, &off, &end) < 0)
		return -EINVAL;
	unsigned data = 0;
	if (hdr & C3_VBR) {
		for (unsigned i = 0; i + 1 < m; i++) {
			int l = frame_len(p, &off, end);
			if (l < 0 || l > MRFP_OPUS_MAX_FRAME_BYTES)
				return -EINVAL;
			data += (unsigned)l;
		}
		/* R7: the M - 1 lengths fit, and the last frame (the rest) is not over 1275. */
		if (data > end - off || end - off - data > MRFP_OPUS_MAX_FRAME_BYTES)
			return -EINVAL;
	} else if ((end - off) % m || (end - off) / m > MRFP_OPUS_MAX_FRAME_BYTES) { /* R6 */
		return -EINVAL;
	}
	out->frames = (uint8_t)m;
	out->audio_bytes = (uint16_t)(end - off);
	return 0;
}

int
opus_payload_parse(const uint8_t *p, unsigned len, struct mrfp_opus_info *out)
{
	if (len == 0) /* R1 */
		return -EINVAL;
	uint8_t toc = p[0];
	opus_config_describe(TOC_CONFIG(toc), out);
	out->stereo = TOC_STEREO(toc);
	out->code = TOC_CODE(toc);
	int rc;
	switch (out->code) {
	case 0: /* 3.2.2: one frame, the rest of the packet (R2) */
		rc = len - 1 > MRFP_OPUS_MAX_FRAME_BYTES ? -EINVAL : 0;
		out->frames = 1;
		out->audio_bytes = (uint16_t)(len - 1);
		break;
	case 1:
		rc = parse_code1(len, out);
		break;
	case 2:
		rc = parse_code2(p, len, out);
		break;
	default:
		rc = parse_code3(p, len, out);
		break;
	}
	if (rc < 0)
		return rc;
	/* 2 x 60 ms (code 1/2 of a 60 ms config) is exactly the 120 ms limit, never over it. */
	out->samples = (uint16_t)(out->frames * out->frame_samples);
	return 0;
}
