/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * G.722 at 64 kbit/s with spandsp: 16 kHz PCM, one octet per two samples, RTP clock 8000
 * (RFC 3551 section 4.5.2 keeps G.722's clock at 8000 for historical reasons: the caller
 * doubles RTP timestamp deltas to count samples).
 *
 * G.722 has no concealment of its own. spandsp's PLC (pitch-period repetition, written for
 * 8 kHz) runs here on 16 kHz samples: its pitch search then covers 133-400 Hz fundamentals
 * instead of 66-200 Hz, which still spans most voices, and a pitch outside it is repeated at
 * a multiple. The ADPCM decoder is not told about the gap; its adaptation recovers within a
 * few ms of the next frame.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <spandsp/telephony.h>
#include <spandsp/g722.h>

#include "codec_inst_ops.h"

#define RATE 64000
#define FRAME_20MS 320

static int
g722_init(struct mrfp_codec_inst *ci)
{
	if (ci->p.dir == MRFP_CODEC_DECODER) {
		ci->state = g722_decode_init(NULL, RATE, 0);
		return ci->state ? codec_plc_init(ci) : -ENOMEM;
	}
	ci->state = g722_encode_init(NULL, RATE, 0);
	return ci->state ? 0 : -ENOMEM;
}

static void
g722_fini(struct mrfp_codec_inst *ci)
{
	if (ci->state && ci->p.dir == MRFP_CODEC_DECODER)
		g722_decode_free(ci->state);
	else if (ci->state)
		g722_encode_free(ci->state);
	ci->state = NULL;
	codec_plc_fini(ci);
}

static int
g722_dec(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	if (len > MRFP_CODEC_PCM_MAX / 2)
		return -EINVAL;
	int n = g722_decode(ci->state, pcm, in, (int)len);
	return codec_plc_rx(ci, pcm, n);
}

static int
g722_enc(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	if (n % 2)
		return -EINVAL; /* an octet holds two samples */
	if (n / 2 > max)
		return -ENOBUFS;
	return g722_encode(ci->state, out, pcm, (int)n);
}

static int
g722_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps)
{
	(void)ci;
	return bps == RATE ? 0 : -EINVAL;
}

const struct codec_ops codec_g722_ops = {
	.info = {"G722", 8000, 16000, FRAME_20MS, 1, 0, false},
	.init = g722_init,
	.fini = g722_fini,
	.decode = g722_dec,
	.decode_lost = codec_plc_fill,
	.encode = g722_enc,
	.set_bitrate = g722_set_bitrate,
};
