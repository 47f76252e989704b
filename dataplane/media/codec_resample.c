/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sample-rate conversion with speexdsp's resampler (windowed-sinc, fixed filter per rate
 * pair and quality, chosen and allocated at init; processing allocates nothing).
 */
#include <errno.h>
#include <stddef.h>

#include <speex/speex_resampler.h>

#include "codec_inst.h"

int
mrfp_resampler_init(struct mrfp_resampler *r, uint32_t in_rate, uint32_t out_rate,
		    unsigned channels, unsigned quality)
{
	int err = RESAMPLER_ERR_SUCCESS;
	*r = (struct mrfp_resampler){0};
	if (in_rate < 1000 || in_rate > 192000 || out_rate < 1000 || out_rate > 192000 ||
	    channels < 1 || channels > 2 || quality > SPEEX_RESAMPLER_QUALITY_MAX)
		return -EINVAL;
	r->state = speex_resampler_init(channels, in_rate, out_rate, (int)quality, &err);
	if (!r->state)
		return err == RESAMPLER_ERR_ALLOC_FAILED ? -ENOMEM : -EINVAL;
	r->in_rate = in_rate;
	r->out_rate = out_rate;
	r->channels = (uint8_t)channels;
	return 0;
}

void
mrfp_resampler_fini(struct mrfp_resampler *r)
{
	if (r->state)
		speex_resampler_destroy(r->state);
	r->state = NULL;
}

int
mrfp_resampler_process(struct mrfp_resampler *r, const int16_t *in, unsigned n, int16_t *out,
		       unsigned max)
{
	/* Every input sample must be consumed: a frame's tail must not linger to the next. */
	uint64_t need = ((uint64_t)n * r->out_rate + r->in_rate - 1) / r->in_rate;
	if (need > max)
		return -ENOBUFS;
	spx_uint32_t in_len = n, out_len = max;
	int rc = speex_resampler_process_interleaved_int(r->state, in, &in_len, out, &out_len);
	if (rc != RESAMPLER_ERR_SUCCESS || in_len != n)
		return -EINVAL;
	return (int)out_len;
}

void
mrfp_resampler_reset(struct mrfp_resampler *r)
{
	speex_resampler_reset_mem(r->state);
}

unsigned
mrfp_resampler_latency(const struct mrfp_resampler *r)
{
	return (unsigned)speex_resampler_get_output_latency(r->state);
}
