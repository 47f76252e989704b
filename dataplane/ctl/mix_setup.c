/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control's side of the codecs around a mix: resolve a leg's payload format, create and free
 * decoders and encoders (the codec libraries and speexdsp allocate here, never on a worker),
 * and find or open the cohort a listener belongs to.
 *
 * Cohorts: slots 0 and 1 of a conference are PCMU and PCMA, opened with it; other formats take
 * the next free slot when their first leg joins and keep it for the conference's life, so a
 * worker never sees a slot change under it (the leg that brings a new cohort carries it to
 * the worker, which publishes it before the leg can use it).
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "dp_priv.h"
#include "mix_setup.h"

#define OPUS_DEFAULT_BITRATE 32000

int
mix_fmt_resolve(const struct mrfp_leg_params *p, unsigned int ptime_ms, struct mix_fmt *out)
{
	memset(out, 0, sizeof(*out));
	out->pt = p->pt;
	if (p->pt >= 96 && p->pt <= 127)
		out->a = p->fmt;
	else if (p->pt == 0)
		out->a.codec = MRFP_CODEC_PCMU;
	else if (p->pt == 8)
		out->a.codec = MRFP_CODEC_PCMA;
	else if (p->pt == 9)
		out->a.codec = MRFP_CODEC_G722;
	else
		return -EINVAL;
	const struct mrfp_codec_info *info = mrfp_codec_info(out->a.codec);
	if (info == NULL)
		return -EINVAL;
	if (out->a.codec != MRFP_CODEC_AMR && out->a.codec != MRFP_CODEC_AMR_WB) {
		out->a.octet_aligned = false;
		out->a.mode = 0;
	} else if (out->a.mode >= info->modes || ptime_ms != 20) {
		return -EINVAL; /* AMR frames are 20 ms; one per packet */
	}
	if (out->a.codec == MRFP_CODEC_OPUS) {
		if (ptime_ms != 10 && ptime_ms != 20)
			return -EINVAL; /* Opus frames are 2.5, 5, 10, 20, 40 or 60 ms */
		if (out->a.bitrate == 0)
			out->a.bitrate = OPUS_DEFAULT_BITRATE;
		if (out->a.bitrate < 6000 || out->a.bitrate > 510000)
			return -EINVAL;
	} else {
		out->a.bitrate = 0;
	}
	return 0;
}

int
mix_resampler_between(struct mrfp_resampler *rs, uint32_t from, uint32_t to)
{
	memset(rs, 0, sizeof(*rs));
	if (from == to)
		return 0;
	return mrfp_resampler_init(rs, from, to, 1, MRFP_RESAMPLER_QUALITY_VOIP);
}

void
mix_dec_free(struct mix_dec *d)
{
	if (d == NULL)
		return;
	mrfp_codec_inst_fini(&d->codec);
	mrfp_resampler_fini(&d->rs);
	rte_free(d);
}

struct mix_dec *
mix_dec_create(const struct mix_fmt *f, uint32_t mix_rate, unsigned int ptime_ms, int socket)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(f->a.codec);
	struct mix_dec *d = rte_zmalloc_socket("mrfp_mix_dec", sizeof(*d), 0, socket);
	if (d == NULL || info == NULL) {
		rte_free(d);
		return NULL;
	}
	struct mrfp_codec_params cp = {.id = f->a.codec, .dir = MRFP_CODEC_DECODER, .channels = 1};
	d->fmt = *f;
	d->pcm_rate = info->pcm_rate;
	d->ts_shift = info->pcm_rate == 2 * info->clock_rate ? 1 : 0;
	d->samples = (uint16_t)(info->pcm_rate / 1000 * ptime_ms);
	d->tsc_per_sample = rte_get_tsc_hz() / info->pcm_rate;
	d->cmr = 15;
	if (mrfp_codec_inst_init(&d->codec, &cp) < 0 ||
	    mix_resampler_between(&d->rs, info->pcm_rate, mix_rate) < 0) {
		mix_dec_free(d);
		return NULL;
	}
	return d;
}

uint32_t
mix_enc_rate(const struct mix_enc *e)
{
	return mrfp_codec_info(e->fmt.a.codec)->pcm_rate;
}

void
mix_enc_free(struct mix_enc *e)
{
	if (e == NULL)
		return;
	mrfp_codec_inst_fini(&e->codec);
	mrfp_resampler_fini(&e->rs);
	rte_free(e);
}

struct mix_enc *
mix_enc_create(const struct mix_fmt *f, uint32_t mix_rate, unsigned int ptime_ms,
	       unsigned int opus_complexity, int socket)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(f->a.codec);
	struct mix_enc *e = rte_zmalloc_socket("mrfp_mix_enc", sizeof(*e), 0, socket);
	if (e == NULL || info == NULL) {
		rte_free(e);
		return NULL;
	}
	struct mrfp_codec_params cp = {.id = f->a.codec,
				       .dir = MRFP_CODEC_ENCODER,
				       .channels = 1,
				       .mode = f->a.mode,
				       .bitrate = f->a.bitrate,
				       .complexity = (uint8_t)opus_complexity};
	e->fmt = *f;
	e->samples = (uint16_t)(info->pcm_rate / 1000 * ptime_ms);
	e->ts_step = (uint16_t)(info->clock_rate / 1000 * ptime_ms);
	if (mrfp_codec_inst_init(&e->codec, &cp) < 0 ||
	    mix_resampler_between(&e->rs, mix_rate, info->pcm_rate) < 0) {
		mix_enc_free(e);
		return NULL;
	}
	return e;
}

int
mix_cohort_find(const struct dp_conf *c, const struct mix_fmt *f)
{
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		if (c->mix.ctl_cohort[k] != NULL && mix_fmt_equal(&c->mix.ctl_cohort[k]->fmt, f))
			return (int)k;
	return -1;
}

int
mix_cohort_free_slot(const struct dp_conf *c)
{
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		if (c->mix.ctl_cohort[k] == NULL)
			return (int)k;
	return -1;
}
