/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_CODEC_H
#define MRFP_DP_CODEC_H

/*
 * Audio codecs of the mixer. Inside the mixer audio is int16 linear PCM at the codec's own
 * rate (pcm_rate), one frame per tick: ptime * pcm_rate / 1000 samples. Nothing is resampled,
 * so a wideband codec (G.722, AMR-WB, Opus) only adds an entry here: the jitter buffer, mixer
 * and speaker selection work on whatever frame length the conference uses.
 *
 * Thread safety: the table is constant; every function is pure and reentrant.
 */
#include <stdint.h>

#define MRFP_AUDIO_MAX_RATE 48000
#define MRFP_AUDIO_MAX_PTIME_MS 30
/* The longest frame any codec decodes into or encodes from: 48 kHz * 30 ms. */
#define MRFP_AUDIO_MAX_SAMPLES (MRFP_AUDIO_MAX_RATE / 1000 * MRFP_AUDIO_MAX_PTIME_MS)

struct mrfp_codec {
	const char *name;    /* RTP encoding name (RFC 3551) */
	uint8_t pt;	     /* static payload type; dynamic codecs are bound by the caller */
	uint32_t clock_rate; /* RTP timestamp rate (G.722: 8000 although pcm_rate is 16000) */
	uint32_t pcm_rate;   /* sample rate of the decoded PCM */
	/* Payload -> PCM; returns samples written, never more than MRFP_AUDIO_MAX_SAMPLES. */
	unsigned (*decode)(const uint8_t *in, unsigned len, int16_t *pcm);
	/* n samples of PCM -> payload; returns bytes written (G.711: n). */
	unsigned (*encode)(const int16_t *pcm, unsigned n, uint8_t *out);
};

/* The codec for a static payload type, or NULL. */
const struct mrfp_codec *codec_by_pt(uint8_t pt);
/* The codec for an RTP encoding name (case-insensitive, RFC 4855), or NULL. */
const struct mrfp_codec *codec_by_name(const char *name);

/*
 * G.711 (ITU-T G.711, bit-exact with spandsp's linear_to_ulaw/linear_to_alaw). Exported so
 * that callers which know the codec skip the indirect call. Decoders truncate input longer
 * than MRFP_AUDIO_MAX_SAMPLES; encoders are branch-free and vectorise.
 */
unsigned codec_ulaw_decode(const uint8_t *in, unsigned len, int16_t *pcm);
unsigned codec_ulaw_encode(const int16_t *pcm, unsigned n, uint8_t *out);
unsigned codec_alaw_decode(const uint8_t *in, unsigned len, int16_t *pcm);
unsigned codec_alaw_encode(const int16_t *pcm, unsigned n, uint8_t *out);

#endif
