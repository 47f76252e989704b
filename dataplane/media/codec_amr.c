/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AMR-NB (opencore-amrnb) and AMR-WB (opencore-amrwb decoder, vo-amrwbenc encoder) on
 * storage-format frames (RFC 4867 section 5.3: header octet FT << 3 | Q << 2, then the bits).
 *
 * The libraries read as many octets as the header's FT says, so every frame is checked
 * against the frame-size table before it reaches them. The opencore-amrnb wrapper ignores
 * both its bfi argument and the Q bit, so a damaged speech frame (Q = 0) is handed to it as
 * NO_DATA, which its decoder conceals as a lost frame (3GPP TS 26.091: RX_NO_DATA after speech
 * is a bad frame); opencore-amrwb reads Q itself. decode_lost() is a NO_DATA frame to both.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <opencore-amrnb/interf_dec.h>
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrwb/dec_if.h>
#include <vo-amrwbenc/enc_if.h>

#include "codec_inst_ops.h"

#define HDR_FT(h) (((h) >> 3) & 0x0f)
#define HDR_Q 0x04
/* Frame types (3GPP TS 26.101, 26.201): payload_amr.h names them for the RTP side. */
#define FT_SID_NB 8
#define FT_NO_DATA 15
#define NO_DATA_FRAME (FT_NO_DATA << 3 | HDR_Q)
#define NB_SAMPLES 160
#define WB_SAMPLES 320
/* The wrappers' largest frame: AMR-WB 23.85 (61 octets) and a margin they assume. */
#define ENC_OUT_MAX 64

/* Storage frame octets, header included, per FT; 0: FT not accepted. */
static const uint8_t nb_size[16] = {13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t wb_size[16] = {18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1};
/* bit/s of each speech mode, for set_bitrate(). */
static const uint32_t nb_rate[MRFP_AMR_MODES] = {4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200};
static const uint32_t wb_rate[MRFP_AMRWB_MODES] = {6600,  8850,	 12650, 14250, 15850,
						   18250, 19850, 23050, 23850};

/* The checked frame's FT, or -EINVAL. */
static int
frame_ft(const uint8_t *size, const uint8_t *in, unsigned len)
{
	int ft = HDR_FT(in[0]);
	return size[ft] != 0 && len >= size[ft] ? ft : -EINVAL;
}

static int
nb_init(struct mrfp_codec_inst *ci)
{
	if (ci->p.dir == MRFP_CODEC_DECODER) {
		ci->state = Decoder_Interface_init();
		return ci->state ? 0 : -ENOMEM;
	}
	if (ci->p.mode >= MRFP_AMR_MODES)
		return -EINVAL;
	ci->state = Encoder_Interface_init(ci->p.dtx);
	return ci->state ? 0 : -ENOMEM;
}

static void
nb_fini(struct mrfp_codec_inst *ci)
{
	if (ci->state && ci->p.dir == MRFP_CODEC_DECODER)
		Decoder_Interface_exit(ci->state);
	else if (ci->state)
		Encoder_Interface_exit(ci->state);
	ci->state = NULL;
}

static int
nb_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	static const uint8_t no_data = NO_DATA_FRAME;
	int ft = frame_ft(nb_size, in, len);
	if (ft < 0)
		return ft;
	if (ft < FT_SID_NB && !(in[0] & HDR_Q))
		in = &no_data; /* damaged: conceal */
	Decoder_Interface_Decode(ci->state, in, pcm, 0);
	return NB_SAMPLES;
}

static int
nb_decode_lost(struct mrfp_codec_inst *ci, int16_t *pcm)
{
	static const uint8_t no_data = NO_DATA_FRAME;
	Decoder_Interface_Decode(ci->state, &no_data, pcm, 1);
	return NB_SAMPLES;
}

/*
 * The wrappers write a whole frame whatever max says, so they write into a local frame and
 * the result is copied.
 */
static int
copy_out(const uint8_t *frame, int n, uint8_t *out, unsigned max)
{
	if (n <= 0)
		return -EINVAL;
	if ((unsigned)n > max)
		return -ENOBUFS;
	memcpy(out, frame, (size_t)n);
	return n;
}

static int
nb_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	uint8_t frame[ENC_OUT_MAX];
	int16_t speech[NB_SAMPLES];
	if (n != NB_SAMPLES)
		return -EINVAL;
	/* The encoder high-passes and halves its input in place, const notwithstanding. */
	memcpy(speech, pcm, sizeof(speech));
	int len = Encoder_Interface_Encode(ci->state, (enum Mode)ci->p.mode, speech, frame, 0);
	return copy_out(frame, len, out, max);
}

static int
amr_set_mode(struct mrfp_codec_inst *ci, unsigned mode)
{
	if (mode >= ci->ops->info.modes)
		return -EINVAL;
	ci->p.mode = (uint8_t)mode;
	return 0;
}

/* The highest mode whose rate is at or under bps; mode 0 when none is. */
static unsigned
mode_for_rate(const uint32_t *rate, unsigned modes, uint32_t bps)
{
	unsigned m = 0;
	while (m + 1 < modes && rate[m + 1] <= bps)
		m++;
	return m;
}

static int
nb_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps)
{
	ci->p.mode = (uint8_t)mode_for_rate(nb_rate, MRFP_AMR_MODES, bps);
	return 0;
}

const struct codec_ops codec_amr_ops = {
	.info = {"AMR", 8000, 8000, NB_SAMPLES, 1, MRFP_AMR_MODES, true},
	.init = nb_init,
	.fini = nb_fini,
	.decode = nb_decode,
	.decode_lost = nb_decode_lost,
	.encode = nb_encode,
	.set_mode = amr_set_mode,
	.set_bitrate = nb_set_bitrate,
};

static int
wb_init(struct mrfp_codec_inst *ci)
{
	if (ci->p.dir == MRFP_CODEC_DECODER) {
		ci->state = D_IF_init();
		return ci->state ? 0 : -ENOMEM;
	}
	if (ci->p.mode >= MRFP_AMRWB_MODES)
		return -EINVAL;
	ci->state = E_IF_init();
	return ci->state ? 0 : -ENOMEM;
}

static void
wb_fini(struct mrfp_codec_inst *ci)
{
	if (ci->state && ci->p.dir == MRFP_CODEC_DECODER)
		D_IF_exit(ci->state);
	else if (ci->state)
		E_IF_exit(ci->state);
	ci->state = NULL;
}

static int
wb_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm)
{
	int ft = frame_ft(wb_size, in, len);
	if (ft < 0)
		return ft;
	D_IF_decode(ci->state, in, pcm, 0);
	return WB_SAMPLES;
}

static int
wb_decode_lost(struct mrfp_codec_inst *ci, int16_t *pcm)
{
	static const uint8_t no_data = NO_DATA_FRAME;
	D_IF_decode(ci->state, &no_data, pcm, 1);
	return WB_SAMPLES;
}

static int
wb_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out, unsigned max)
{
	uint8_t frame[ENC_OUT_MAX];
	if (n != WB_SAMPLES)
		return -EINVAL;
	int len = E_IF_encode(ci->state, ci->p.mode, pcm, frame, ci->p.dtx);
	return copy_out(frame, len, out, max);
}

static int
wb_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps)
{
	ci->p.mode = (uint8_t)mode_for_rate(wb_rate, MRFP_AMRWB_MODES, bps);
	return 0;
}

const struct codec_ops codec_amr_wb_ops = {
	.info = {"AMR-WB", 16000, 16000, WB_SAMPLES, 1, MRFP_AMRWB_MODES, true},
	.init = wb_init,
	.fini = wb_fini,
	.decode = wb_decode,
	.decode_lost = wb_decode_lost,
	.encode = wb_encode,
	.set_mode = amr_set_mode,
	.set_bitrate = wb_set_bitrate,
};
