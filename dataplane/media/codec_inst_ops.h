/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_CODEC_INST_OPS_H
#define MRFP_DP_CODEC_INST_OPS_H

/*
 * What each codec file (codec_amr.c, codec_opus.c, codec_g722.c, codec_inst.c for G.711)
 * provides to codec_inst.c, which checks the direction and the arguments common to all before
 * it calls them. Private to dataplane/media. Threads as in codec_inst.h: init and fini on
 * control, the rest on the owning worker.
 */
#include "codec_inst.h"

struct codec_ops {
	struct mrfp_codec_info info;
	/* Library state for ci->p (already checked: id, dir, channels). 0 or -errno. */
	int (*init)(struct mrfp_codec_inst *ci);
	void (*fini)(struct mrfp_codec_inst *ci);
	/* Decoders; len >= 1. */
	int (*decode)(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm);
	int (*decode_lost)(struct mrfp_codec_inst *ci, int16_t *pcm);
	/* NULL: decode_lost. */
	int (*decode_fec)(struct mrfp_codec_inst *ci, const uint8_t *next, unsigned len,
			  int16_t *pcm);
	/* Encoders. */
	int (*encode)(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out,
		      unsigned max);
	/* NULL: -ENOTSUP. */
	int (*set_mode)(struct mrfp_codec_inst *ci, unsigned mode);
	int (*set_bitrate)(struct mrfp_codec_inst *ci, uint32_t bps);
};

extern const struct codec_ops codec_amr_ops;
extern const struct codec_ops codec_amr_wb_ops;
extern const struct codec_ops codec_opus_ops;
extern const struct codec_ops codec_g722_ops;

/* spandsp PLC for codecs without their own (codec_inst.c). */
int codec_plc_init(struct mrfp_codec_inst *ci);
void codec_plc_fini(struct mrfp_codec_inst *ci);
/* Feed n decoded samples to the PLC history; returns n. */
int codec_plc_rx(struct mrfp_codec_inst *ci, int16_t *pcm, int n);
/* Conceal last_samples (20 ms if none yet); returns the count. */
int codec_plc_fill(struct mrfp_codec_inst *ci, int16_t *pcm);

#endif
