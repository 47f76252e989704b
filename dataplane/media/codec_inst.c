/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec instances: the table of codecs, the checks every codec shares, G.711 (codec.c's
 * functions with spandsp's PLC, so that every leg has a decoder of the same shape) and the
 * spandsp PLC that codecs without their own concealment borrow. The library calls are in
 * codec_amr.c, codec_opus.c and codec_g722.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include <spandsp/telephony.h>
#include <spandsp/plc.h>

#include "codec.h"
#include "codec_inst_ops.h"
#include "plc_history.h"

/* Largest G.711 payload decoded: the PCM buffer holds this many samples. */
#define G711_MAX MRFP_CODEC_PCM_MAX

int
codec_plc_init(struct mrfp_codec_inst *ci)
{
	ci->plc = plc_init(NULL);
	return ci->plc ? 0 : -ENOMEM;
}

void
codec_plc_fini(struct mrfp_codec_inst *ci)
{
	if (ci->plc)
		plc_free(ci->plc);
	ci->plc = NULL;
}

int
codec_plc_rx(struct mrfp_codec_inst *ci, int16_t *pcm, int n)
{
	plc_rx(ci->plc, pcm, n);
	ci->last_samples = (uint16_t)n;
	return n;
}

int
codec_plc_fill(struct mrfp_codec_inst *ci, int16_t *pcm)
{
	int n = ci->last_samples;
	plc_history_rotate(ci->plc);
	plc_fillin(ci->plc, pcm, n);
	return n;
}

static int
g711_init(struct mrfp_codec_inst *ci)
{
	return ci->p.dir == MRFP_CODEC_DECODER ? codec_plc_init(ci) : 0;
}

static int
ulaw_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	if (len > G711_MAX)
		return -EINVAL;
	return codec_plc_rx(ci, pcm, (int)codec_ulaw_decode(in, len, pcm));
}

static int
alaw_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	if (len > G711_MAX)
		return -EINVAL;
	return codec_plc_rx(ci, pcm, (int)codec_alaw_decode(in, len, pcm));
}

static int
ulaw_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	(void)ci;
	return n > max ? -ENOBUFS : (int)codec_ulaw_encode(pcm, n, out);
}

static int
alaw_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	(void)ci;
	return n > max ? -ENOBUFS : (int)codec_alaw_encode(pcm, n, out);
}

static const struct codec_ops codec_pcmu_ops = {
	.info = {"PCMU", 8000, 8000, 160, 1, 0, false},
	.init = g711_init,
	.fini = codec_plc_fini,
	.decode = ulaw_decode,
	.decode_lost = codec_plc_fill,
	.encode = ulaw_encode,
};

static const struct codec_ops codec_pcma_ops = {
	.info = {"PCMA", 8000, 8000, 160, 1, 0, false},
	.init = g711_init,
	.fini = codec_plc_fini,
	.decode = alaw_decode,
	.decode_lost = codec_plc_fill,
	.encode = alaw_encode,
};

static const struct codec_ops *const codecs[MRFP_CODEC_ID_COUNT] = {
	[MRFP_CODEC_PCMU] = &codec_pcmu_ops, [MRFP_CODEC_PCMA] = &codec_pcma_ops,
	[MRFP_CODEC_AMR] = &codec_amr_ops,   [MRFP_CODEC_AMR_WB] = &codec_amr_wb_ops,
	[MRFP_CODEC_OPUS] = &codec_opus_ops, [MRFP_CODEC_G722] = &codec_g722_ops,
};

const struct mrfp_codec_info *
mrfp_codec_info(enum mrfp_codec_id id)
{
	return (unsigned)id < MRFP_CODEC_ID_COUNT ? &codecs[id]->info : NULL;
}

int
mrfp_codec_id_by_name(const char *name)
{
	for (unsigned i = 0; i < MRFP_CODEC_ID_COUNT; i++)
		if (strcasecmp(codecs[i]->info.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int
mrfp_codec_inst_init(struct mrfp_codec_inst *ci, const struct mrfp_codec_params *p)
{
	if ((unsigned)p->id >= MRFP_CODEC_ID_COUNT ||
	    (p->dir != MRFP_CODEC_DECODER && p->dir != MRFP_CODEC_ENCODER))
		return -EINVAL;
	const struct codec_ops *ops = codecs[p->id];
	*ci = (struct mrfp_codec_inst){.p = *p};
	if (ci->p.channels == 0)
		ci->p.channels = 1;
	if (ci->p.channels > ops->info.max_channels)
		return ci->p.channels > 2 ? -EINVAL : -ENOTSUP;
	ci->last_samples = (uint16_t)(ops->info.frame_samples);
	int rc = ops->init(ci);
	if (rc < 0) {
		ops->fini(ci); /* what init created before it failed */
		return rc;
	}
	ci->ops = ops; /* last: the instance is usable */
	return 0;
}

void
mrfp_codec_inst_fini(struct mrfp_codec_inst *ci)
{
	if (ci->ops)
		ci->ops->fini(ci);
	ci->ops = NULL;
}

int
mrfp_codec_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	if (ci->p.dir != MRFP_CODEC_DECODER || len == 0)
		return -EINVAL;
	return ci->ops->decode(ci, in, len, pcm);
}

int
mrfp_codec_decode_lost(struct mrfp_codec_inst *ci, int16_t *pcm)
{
	if (ci->p.dir != MRFP_CODEC_DECODER)
		return -EINVAL;
	return ci->ops->decode_lost(ci, pcm);
}

int
mrfp_codec_decode_fec(struct mrfp_codec_inst *ci, const uint8_t *next, unsigned len, int16_t *pcm)
{
	if (ci->p.dir != MRFP_CODEC_DECODER)
		return -EINVAL;
	if (ci->ops->decode_fec && len > 0)
		return ci->ops->decode_fec(ci, next, len, pcm);
	return ci->ops->decode_lost(ci, pcm);
}

int
mrfp_codec_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out,
		  unsigned max)
{
	if (ci->p.dir != MRFP_CODEC_ENCODER || n == 0 || n > MRFP_CODEC_PCM_MAX)
		return -EINVAL;
	return ci->ops->encode(ci, pcm, n, out, max);
}

int
mrfp_codec_set_mode(struct mrfp_codec_inst *ci, unsigned mode)
{
	if (ci->p.dir != MRFP_CODEC_ENCODER || !ci->ops->set_mode)
		return -ENOTSUP;
	return ci->ops->set_mode(ci, mode);
}

int
mrfp_codec_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps)
{
	if (ci->p.dir != MRFP_CODEC_ENCODER || !ci->ops->set_bitrate)
		return -ENOTSUP;
	return ci->ops->set_bitrate(ci, bps);
}

int
mrfp_codec_get_mode(const struct mrfp_codec_inst *ci)
{
	if (ci->p.dir != MRFP_CODEC_ENCODER || ci->ops->info.modes == 0)
		return -ENOTSUP;
	return ci->p.mode;
}
