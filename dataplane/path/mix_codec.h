/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_MIX_CODEC_H
#define MRFP_DP_MIX_CODEC_H

/*
 * The codecs around a mix. A conference mixes int16 PCM at one rate (8, 16 or 48 kHz); a
 * leg's decoder turns its payloads into PCM at the codec's rate in the leg's jitter buffer,
 * and at each tick one frame is read and resampled to the mix rate. An encoder takes a mix
 * (the common one for a cohort of listeners, or a talker's N-1), resamples it to its codec's
 * rate, encodes it and frames it as the payload format says (RFC 4867 for AMR).
 *
 *   cohort    the listeners that can receive the same bytes: same payload type and format.
 *             The common mix is encoded once per cohort and tick (struct mix_enc in
 *             conf_mix.cohort); every member gets that payload.
 *   personal  a talker's N-1 is its own signal: one encoder per talking leg, fed nothing else
 *             (a codec's state must never see two signals).
 *
 * Control creates and frees them (mix_setup.c: the libraries allocate there); the conference's
 * worker runs them. Nothing here allocates, blocks or logs.
 */
#include <stdbool.h>
#include <stdint.h>

#include "codec_inst.h"
#include "mrfp_drop.h"
#include "mrfp_types.h"

struct mrfp_jbuf;

/* A payload format resolved: what makes two legs' streams interchangeable. */
struct mix_fmt {
	uint8_t pt;
	struct mrfp_audio_fmt a; /* codec always set, even for a static pt */
};

/* From the mix to one stream's payloads. */
struct mix_enc {
	struct mix_fmt fmt;
	struct mrfp_codec_inst codec;
	struct mrfp_resampler rs; /* mix rate -> codec rate; state NULL when equal */
	uint16_t samples;	  /* codec-rate samples per tick */
	uint16_t ts_step;	  /* RTP clock units per tick */
};

/* From one leg's payloads to frames at the mix rate. */
struct mix_dec {
	struct mix_fmt fmt;
	struct mrfp_codec_inst codec;
	struct mrfp_resampler rs; /* codec rate -> mix rate; state NULL when equal */
	uint32_t pcm_rate;	  /* the jitter buffer's rate */
	uint8_t ts_shift;	  /* RTP timestamp << ts_shift = PCM samples (G.722: 1) */
	uint16_t samples;	  /* codec-rate samples per tick */
	uint64_t tsc_per_sample;  /* the jitter buffer's clock */
	uint8_t cmr;		  /* AMR: the last codec mode request received (15: none) */
};

/* Whether two formats are the same stream (a cohort). */
bool mix_fmt_equal(const struct mix_fmt *a, const struct mix_fmt *b);

/*
 * Decode one RTP payload (timestamp ts, host order) into jb. Returns MRFP_DROP_NONE, or why
 * the packet is refused (malformed payload, or the jitter buffer's reason).
 */
enum mrfp_drop mix_dec_input(struct mix_dec *d, struct mrfp_jbuf *jb, const uint8_t *payload,
			     unsigned len, uint32_t ts, uint64_t tsc);

/*
 * This tick's frame of the leg at the mix rate (mix_samples) into out. Returns what the jitter
 * buffer had (enum mrfp_jb_get); on SILENCE out is not written.
 */
int mix_dec_frame(struct mix_dec *d, struct mrfp_jbuf *jb, int16_t *out, unsigned mix_samples,
		  uint64_t tsc);

/*
 * AMR: the mode a receiver asked for with CMR (RFC 4867 4.3.1; 15: no request), obeyed up to
 * the mode the format allows: the encoder sends min(requested, negotiated). A cohort's
 * encoder is given the lowest request of its members. Other codecs: nothing.
 */
void mix_enc_obey(struct mix_enc *e, unsigned int requested);

/* Encode one tick of mix (mix_samples at the mix rate) into an RTP payload. Returns its
 * length, or 0 when nothing could be encoded (counted by the caller as a drop). */
unsigned mix_enc_run(struct mix_enc *e, const int16_t *mix, unsigned mix_samples, uint8_t *out,
		     unsigned max);

#endif
