/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_MIX_SETUP_H
#define MRFP_DP_MIX_SETUP_H

/*
 * Control's side of the codecs around a mix (mix_codec.h): formats, decoders, encoders and
 * cohort slots. Control thread only.
 */
#include <stdbool.h>

#include "mix_codec.h"
#include "mrfp_dp.h"

struct dp_conf;

/* libopus complexity of mrfpd's encoders unless a conference sets it: NOTES.md measures 10 at
 * ~4x the cost of 0. */
#define MIX_OPUS_COMPLEXITY 5

/*
 * The format a leg's parameters name (a static pt, or a dynamic one with p->fmt), checked
 * against what a mix at this ptime can send. 0 or -EINVAL.
 */
int mix_fmt_resolve(const struct mrfp_leg_params *p, unsigned int ptime_ms, struct mix_fmt *out);

/* A decoder (to mix_rate) or encoder (from mix_rate) for f on a NUMA socket; NULL if the
 * library refuses the parameters or memory runs out. Free with the matching free (NULL ok). */
struct mix_dec *mix_dec_create(const struct mix_fmt *f, uint32_t mix_rate, unsigned int ptime_ms,
			       int socket);
void mix_dec_free(struct mix_dec *d);
struct mix_enc *mix_enc_create(const struct mix_fmt *f, uint32_t mix_rate, unsigned int ptime_ms,
			       unsigned int opus_complexity, int socket);
void mix_enc_free(struct mix_enc *e);

/* A resampler between two rates (state NULL when they are equal). 0 or -errno. */
int mix_resampler_between(struct mrfp_resampler *rs, uint32_t from, uint32_t to);
/* The rate of the PCM an encoder encodes. */
uint32_t mix_enc_rate(const struct mix_enc *e);

/* The cohort slot of format f in conference c, or -1; a slot not yet taken, or -1. */
int mix_cohort_find(const struct dp_conf *c, const struct mix_fmt *f);
int mix_cohort_free_slot(const struct dp_conf *c);

#endif
