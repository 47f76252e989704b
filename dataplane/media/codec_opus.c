/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opus (RFC 6716, RTP RFC 7587) with libopus at 48 kHz, mono or stereo, VoIP application.
 *
 * Encoder knobs: bitrate, complexity, DTX (silence becomes packets of <= 2 octets, which the
 * sender may skip) and in-band FEC (LBRR: a low-rate copy of frame n rides in frame n + 1,
 * and libopus only adds it when told to expect loss, hence loss_percent).
 * A decoder conceals a lost frame with libopus's PLC for the duration of the last packet, or
 * rebuilds it from the next packet's FEC: opus_decode(next, decode_fec = 1) must be asked for
 * exactly the lost duration.
 */
#include <errno.h>
#include <stddef.h>

#include <opus.h>

#include "codec_inst_ops.h"

#define RATE 48000
#define FRAME_20MS 960
/* The longest packet (120 ms) per channel: decode's capacity in MRFP_CODEC_PCM_MAX. */
#define MAX_PER_CHANNEL (RATE / 1000 * 120)

static int
errno_of(int opus_rc)
{
	switch (opus_rc) {
	case OPUS_BUFFER_TOO_SMALL:
		return -ENOBUFS;
	case OPUS_ALLOC_FAIL:
		return -ENOMEM;
	case OPUS_UNIMPLEMENTED:
		return -ENOTSUP;
	default:
		return -EINVAL;
	}
}

static int
enc_setup(OpusEncoder *e, const struct mrfp_codec_params *p)
{
	if (p->complexity > 10 || p->loss_percent > 100 ||
	    (p->bitrate && (p->bitrate < 6000 || p->bitrate > 510000)))
		return -EINVAL;
	int rc = opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(p->complexity));
	if (rc == OPUS_OK && p->bitrate)
		rc = opus_encoder_ctl(e, OPUS_SET_BITRATE((opus_int32)p->bitrate));
	if (rc == OPUS_OK)
		rc = opus_encoder_ctl(e, OPUS_SET_DTX(p->dtx));
	if (rc == OPUS_OK)
		rc = opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(p->fec));
	if (rc == OPUS_OK)
		rc = opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(p->loss_percent));
	return rc == OPUS_OK ? 0 : errno_of(rc);
}

static int
opus_init(struct mrfp_codec_inst *ci)
{
	int err = OPUS_OK;
	if (ci->p.dir == MRFP_CODEC_DECODER) {
		ci->state = opus_decoder_create(RATE, ci->p.channels, &err);
		return ci->state ? 0 : errno_of(err);
	}
	ci->state = opus_encoder_create(RATE, ci->p.channels, OPUS_APPLICATION_VOIP, &err);
	if (!ci->state)
		return errno_of(err);
	return enc_setup(ci->state, &ci->p);
}

static void
opus_fini(struct mrfp_codec_inst *ci)
{
	if (ci->state && ci->p.dir == MRFP_CODEC_DECODER)
		opus_decoder_destroy(ci->state);
	else if (ci->state)
		opus_encoder_destroy(ci->state);
	ci->state = NULL;
}

static int
opus_dec(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	if (len > INT32_MAX)
		return -EINVAL;
	int n = opus_decode(ci->state, in, (opus_int32)len, pcm, MAX_PER_CHANNEL, 0);
	if (n < 0)
		return errno_of(n) == -ENOBUFS ? -EINVAL : errno_of(n);
	ci->last_samples = (uint16_t)n;
	return n;
}

static int
opus_dec_lost(struct mrfp_codec_inst *ci, int16_t *pcm)
{
	int n = opus_decode(ci->state, NULL, 0, pcm, ci->last_samples, 0);
	return n < 0 ? errno_of(n) : n;
}

static int
opus_dec_fec(struct mrfp_codec_inst *ci, const uint8_t *next, unsigned len, int16_t *pcm)
{
	if (len > INT32_MAX)
		return -EINVAL;
	int n = opus_decode(ci->state, next, (opus_int32)len, pcm, ci->last_samples, 1);
	return n < 0 ? errno_of(n) : n;
}

static int
opus_enc(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	/* libopus checks the frame size itself; max may not exceed an opus_int32 */
	opus_int32 room = max > MRFP_CODEC_OUT_MAX ? MRFP_CODEC_OUT_MAX : (opus_int32)max;
	int len = opus_encode(ci->state, pcm, (int)n, out, room);
	return len < 0 ? errno_of(len) : len;
}

static int
opus_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps)
{
	if (bps < 6000 || bps > 510000)
		return -EINVAL;
	int rc = opus_encoder_ctl(ci->state, OPUS_SET_BITRATE((opus_int32)bps));
	if (rc != OPUS_OK)
		return errno_of(rc);
	ci->p.bitrate = bps;
	return 0;
}

const struct codec_ops codec_opus_ops = {
	.info = {"opus", RATE, RATE, FRAME_20MS, 2, 0, false},
	.init = opus_init,
	.fini = opus_fini,
	.decode = opus_dec,
	.decode_lost = opus_dec_lost,
	.decode_fec = opus_dec_fec,
	.encode = opus_enc,
	.set_bitrate = opus_set_bitrate,
};
