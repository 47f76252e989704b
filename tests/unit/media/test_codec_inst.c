/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec instances round trip: tones through each codec (Debian's libraries) and back, judged
 * by a Goertzel filter written here (the libraries share nothing with it): the tone must come
 * back at its frequency with most of the output's energy and about its input level. A 5 kHz
 * tone must survive the wideband codecs (AMR-WB, G.722, Opus) and must not survive AMR-NB,
 * which is fed through the resampler like the mixer will feed it. Then every AMR mode, SID
 * and NO_DATA, damaged and malformed frames, Opus DTX, PLC and FEC, and the resampler.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec_inst.h"

#define AMP 8000.0
#define MAX_SECONDS 1
#define BUF (48000 * 2 * MAX_SECONDS)
#define FRAMES 50 /* one second of 20 ms frames */
#define SKIP 10	  /* frames skipped before measuring: codec delay and start-up */

/* Storage-format frame octets per FT (3GPP TS 26.101 / 26.201, RFC 4867 section 3.6). */
static const unsigned nb_size[] = {13, 14, 16, 18, 20, 21, 27, 32, 6};
static const unsigned wb_size[] = {18, 24, 33, 37, 41, 47, 51, 59, 61, 6};
#define NB_SID 8
#define WB_SID 9
#define NO_DATA 15

static int16_t in_pcm[BUF], out_pcm[BUF];

/* Energy of the component at f in x[0], x[stride], ..., n samples (Goertzel): for a tone of
 * amplitude A over whole periods, A^2 n / 2, the same as its sum of squares. */
static double
tone_energy(const int16_t *x, unsigned n, unsigned stride, double f, double rate)
{
	double c = 2 * cos(2 * M_PI * f / rate), s1 = 0, s2 = 0;
	for (unsigned i = 0; i < n; i++) {
		double s0 = x[(size_t)i * stride] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return 2 * (s1 * s1 + s2 * s2 - c * s1 * s2) / n;
}

static double
energy(const int16_t *x, unsigned n, unsigned stride)
{
	double e = 0;
	for (unsigned i = 0; i < n; i++)
		e += (double)x[(size_t)i * stride] * x[(size_t)i * stride];
	return e;
}

/* n samples per channel of a tone of f (channel ch of `channels`), phase continuing at t0. */
static void
tone(int16_t *x, unsigned n, unsigned channels, unsigned ch, double f, double rate, unsigned t0)
{
	for (unsigned i = 0; i < n; i++)
		x[(size_t)i * channels + ch] =
			(int16_t)lrint(AMP * sin(2 * M_PI * f * (t0 + i) / rate));
}

struct measure {
	double fraction; /* of the output's energy at f */
	double level;	 /* output energy at f / input energy */
};

/* The tone at f in out[from .. from + n) of channel ch against the input's energy there. */
static struct measure
measure(unsigned from, unsigned n, unsigned channels, unsigned ch, double f, double rate)
{
	const int16_t *o = out_pcm + (size_t)from * channels + ch;
	const int16_t *i = in_pcm + (size_t)from * channels + ch;
	double e = energy(o, n, channels), t = tone_energy(o, n, channels, f, rate);
	return (struct measure){e > 0 ? t / e : 0, t / energy(i, n, channels)};
}

static void
init_ok(struct mrfp_codec_inst *ci, struct mrfp_codec_params p)
{
	int rc = mrfp_codec_inst_init(ci, &p);
	if (rc != 0)
		fail_msg("init %s dir %d: %d", mrfp_codec_info(p.id)->name, p.dir, rc);
}

/*
 * in_pcm (frames of the codec's 20 ms) encoded and decoded into out_pcm; checks every
 * frame's length. Returns the octets of the last frame.
 */
static unsigned
round_trip(struct mrfp_codec_inst *enc, struct mrfp_codec_inst *dec, unsigned frames)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(enc->p.id);
	unsigned fs = info->frame_samples, ch = enc->p.channels;
	uint8_t pkt[MRFP_CODEC_OUT_MAX];
	static int16_t pcm[MRFP_CODEC_PCM_MAX];
	int len = 0;
	for (unsigned k = 0; k < frames; k++) {
		len = mrfp_codec_encode(enc, in_pcm + (size_t)k * fs * ch, fs, pkt, sizeof(pkt));
		assert_true(len > 0);
		assert_int_equal(mrfp_codec_decode(dec, pkt, (unsigned)len, pcm), fs);
		memcpy(out_pcm + (size_t)k * fs * ch, pcm, fs * ch * sizeof(int16_t));
	}
	return (unsigned)len;
}

/* The tone f through a mono codec: returns what measure() finds. */
static struct measure
codec_tone(struct mrfp_codec_params p, double f)
{
	struct mrfp_codec_inst enc, dec;
	const struct mrfp_codec_info *info = mrfp_codec_info(p.id);
	unsigned fs = info->frame_samples;
	tone(in_pcm, fs * FRAMES, 1, 0, f, info->pcm_rate, 0);
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	p.dir = MRFP_CODEC_ENCODER;
	round_trip(&enc, &dec, FRAMES);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
	return measure(fs * SKIP, fs * (FRAMES - SKIP), 1, 0, f, info->pcm_rate);
}

static void
expect_tone(const char *what, struct measure m, double min_fraction)
{
	print_message("  %-28s tone %.4f of the energy, level %.2f\n", what, m.fraction, m.level);
	if (m.fraction < min_fraction || m.level < 0.3 || m.level > 2.0)
		fail_msg("%s: tone %.4f of the output (want >= %.2f), level %.2f (want 0.3..2)",
			 what, m.fraction, min_fraction, m.level);
}

static struct mrfp_codec_params
enc_params(enum mrfp_codec_id id)
{
	struct mrfp_codec_params p = {.id = id, .dir = MRFP_CODEC_ENCODER, .channels = 1};
	if (id == MRFP_CODEC_AMR)
		p.mode = 7;
	if (id == MRFP_CODEC_AMR_WB)
		p.mode = 8;
	if (id == MRFP_CODEC_OPUS) {
		p.bitrate = 32000;
		p.complexity = 5;
	}
	return p;
}

static void
test_tones_1k(void **state)
{
	(void)state;
	expect_tone("PCMU 1 kHz", codec_tone(enc_params(MRFP_CODEC_PCMU), 1000), 0.99);
	expect_tone("PCMA 1 kHz", codec_tone(enc_params(MRFP_CODEC_PCMA), 1000), 0.99);
	expect_tone("AMR 12.2 1 kHz", codec_tone(enc_params(MRFP_CODEC_AMR), 1000), 0.95);
	expect_tone("AMR-WB 23.85 1 kHz", codec_tone(enc_params(MRFP_CODEC_AMR_WB), 1000), 0.95);
	expect_tone("G722 1 kHz", codec_tone(enc_params(MRFP_CODEC_G722), 1000), 0.95);
	expect_tone("opus 32k 1 kHz", codec_tone(enc_params(MRFP_CODEC_OPUS), 1000), 0.95);
}

static void
test_tones_5k_wideband(void **state)
{
	(void)state;
	expect_tone("AMR-WB 23.85 5 kHz", codec_tone(enc_params(MRFP_CODEC_AMR_WB), 5000), 0.8);
	expect_tone("G722 5 kHz", codec_tone(enc_params(MRFP_CODEC_G722), 5000), 0.8);
	expect_tone("opus 32k 5 kHz", codec_tone(enc_params(MRFP_CODEC_OPUS), 5000), 0.8);
}

/*
 * 16 kHz -> resampler -> AMR-NB -> resampler -> 16 kHz, as a wideband mix would drive a
 * narrowband leg: 1 kHz comes through, 5 kHz does not (an 8 kHz codec carries < 4 kHz).
 */
static struct measure
narrowband_chain(double f)
{
	static int16_t nb_in[8000], nb_out[8000];
	struct mrfp_resampler down, up;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_AMR);
	assert_int_equal(mrfp_resampler_init(&down, 16000, 8000, 1, 4), 0);
	assert_int_equal(mrfp_resampler_init(&up, 8000, 16000, 1, 4), 0);
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	tone(in_pcm, 320 * FRAMES, 1, 0, f, 16000, 0);
	for (unsigned k = 0; k < FRAMES; k++) {
		uint8_t frame[64];
		assert_int_equal(mrfp_resampler_process(&down, in_pcm + k * 320, 320, nb_in, 160),
				 160);
		int len = mrfp_codec_encode(&enc, nb_in, 160, frame, sizeof(frame));
		assert_int_equal(len, nb_size[7]);
		assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len, nb_out), 160);
		assert_int_equal(mrfp_resampler_process(&up, nb_out, 160, out_pcm + k * 320, 320),
				 320);
	}
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
	mrfp_resampler_fini(&down);
	mrfp_resampler_fini(&up);
	return measure(320 * SKIP, 320 * (FRAMES - SKIP), 1, 0, f, 16000);
}

static void
test_amr_nb_is_narrowband(void **state)
{
	(void)state;
	expect_tone("16k>AMR 12.2>16k 1 kHz", narrowband_chain(1000), 0.9);
	struct measure m = narrowband_chain(5000);
	print_message("  16k>AMR 12.2>16k 5 kHz: level %.6f of the input\n", m.level);
	assert_true(m.level < 0.001); /* at least 30 dB down: gone */
}

/* Every mode: frame type and size as the mode says, and a 1 kHz tone recognisable. */
static void
every_mode(enum mrfp_codec_id id, const unsigned *size, double min_fraction)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(id);
	for (unsigned mode = 0; mode < info->modes; mode++) {
		struct mrfp_codec_inst enc, dec;
		struct mrfp_codec_params p = enc_params(id);
		char what[40];
		init_ok(&enc, p);
		assert_int_equal(mrfp_codec_set_mode(&enc, mode), 0);
		assert_int_equal(mrfp_codec_get_mode(&enc), (int)mode);
		p.dir = MRFP_CODEC_DECODER;
		init_ok(&dec, p);
		tone(in_pcm, info->frame_samples * FRAMES, 1, 0, 1000, info->pcm_rate, 0);
		uint8_t frame[64];
		for (unsigned k = 0; k < FRAMES; k++) {
			const int16_t *x = in_pcm + k * info->frame_samples;
			int len = mrfp_codec_encode(&enc, x, info->frame_samples, frame, 64);
			assert_int_equal(len, size[mode]);
			assert_int_equal(frame[0], mode << 3 | 0x04); /* FT = mode, Q = 1 */
			assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len,
							   out_pcm + k * info->frame_samples),
					 info->frame_samples);
		}
		snprintf(what, sizeof(what), "%s mode %u 1 kHz", info->name, mode);
		expect_tone(what,
			    measure(info->frame_samples * SKIP,
				    info->frame_samples * (FRAMES - SKIP), 1, 0, 1000,
				    info->pcm_rate),
			    min_fraction);
		mrfp_codec_inst_fini(&enc);
		mrfp_codec_inst_fini(&dec);
	}
}

static void
test_amr_every_mode(void **state)
{
	(void)state;
	every_mode(MRFP_CODEC_AMR, nb_size, 0.8);
	every_mode(MRFP_CODEC_AMR_WB, wb_size, 0.8);
}

/*
 * DTX: a tone, then silence. After the hangover the encoder sends a SID, then NO_DATA with a
 * SID update now and then; every frame decodes to 20 ms, the comfort noise is quiet.
 */
static void
amr_dtx(enum mrfp_codec_id id, unsigned sid_ft, unsigned sid_size)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(id);
	unsigned fs = info->frame_samples, sids = 0, no_data = 0;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(id);
	p.dtx = true;
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	memset(in_pcm, 0, sizeof(in_pcm));
	tone(in_pcm, fs * 10, 1, 0, 1000, info->pcm_rate, 0);
	for (unsigned k = 0; k < FRAMES; k++) {
		uint8_t frame[64];
		int len = mrfp_codec_encode(&enc, in_pcm + k * fs, fs, frame, sizeof(frame));
		unsigned ft = frame[0] >> 3 & 0x0f;
		assert_true(len > 0);
		if (ft == sid_ft) {
			assert_int_equal(len, sid_size);
			sids++;
		} else if (ft == NO_DATA) {
			assert_int_equal(len, 1);
			no_data++;
		}
		assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len, out_pcm + k * fs),
				 fs);
	}
	print_message("  %s DTX: %u SID, %u NO_DATA of %u frames\n", info->name, sids, no_data,
		      FRAMES);
	assert_true(sids >= 2 && no_data >= 20);
	/* the last 20 frames are comfort noise: far under the tone */
	assert_true(energy(out_pcm + fs * 30, fs * 20, 1) < 0.01 * energy(in_pcm, fs * 20, 1));
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

static void
test_amr_dtx_sid_no_data(void **state)
{
	(void)state;
	amr_dtx(MRFP_CODEC_AMR, NB_SID, nb_size[NB_SID]);
	amr_dtx(MRFP_CODEC_AMR_WB, WB_SID, wb_size[WB_SID]);
}

/*
 * Loss and damage: NO_DATA, SPEECH_LOST (AMR-WB), a Q = 0 frame and decode_lost() each give
 * 20 ms that continue the tone (concealment, not silence); malformed frames are refused.
 */
static void
amr_loss(enum mrfp_codec_id id, const unsigned *size, unsigned reserved_ft)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(id);
	unsigned fs = info->frame_samples, top = info->modes - 1;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(id);
	uint8_t frame[64], bad[64];
	static int16_t pcm[MRFP_CODEC_PCM_MAX];
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	tone(in_pcm, fs * FRAMES, 1, 0, 1000, info->pcm_rate, 0);
	int len = 0;
	for (unsigned k = 0; k < 20; k++) {
		len = mrfp_codec_encode(&enc, in_pcm + k * fs, fs, frame, sizeof(frame));
		assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len, pcm), fs);
	}
	assert_int_equal(len, size[top]);
	/* refused, nothing decoded: truncated, reserved FT, empty */
	assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len - 1, pcm), -EINVAL);
	bad[0] = (uint8_t)(reserved_ft << 3 | 0x04);
	assert_int_equal(mrfp_codec_decode(&dec, bad, sizeof(bad), pcm), -EINVAL);
	assert_int_equal(mrfp_codec_decode(&dec, frame, 0, pcm), -EINVAL);
	/* concealed: each 20 ms with energy near the tone's */
	double tone_e = AMP * AMP * fs / 2;
	const uint8_t no_data = NO_DATA << 3 | 0x04, lost = 14 << 3 | 0x04;
	memcpy(bad, frame, (size_t)len);
	bad[0] &= (uint8_t)~0x04; /* Q = 0: damaged */
	assert_int_equal(mrfp_codec_decode(&dec, bad, (unsigned)len, pcm), fs);
	assert_true(energy(pcm, fs, 1) > 0.1 * tone_e);
	assert_int_equal(mrfp_codec_decode_lost(&dec, pcm), fs);
	assert_true(energy(pcm, fs, 1) > 0.1 * tone_e);
	assert_int_equal(mrfp_codec_decode(&dec, &no_data, 1, pcm), fs);
	assert_int_equal(mrfp_codec_decode_fec(&dec, frame, (unsigned)len, pcm), fs);
	if (id == MRFP_CODEC_AMR_WB)
		assert_int_equal(mrfp_codec_decode(&dec, &lost, 1, pcm), fs);
	else
		assert_int_equal(mrfp_codec_decode(&dec, &lost, 1, pcm), -EINVAL);
	/* and back to speech */
	for (unsigned k = 20; k < 30; k++) {
		len = mrfp_codec_encode(&enc, in_pcm + k * fs, fs, frame, sizeof(frame));
		assert_int_equal(mrfp_codec_decode(&dec, frame, (unsigned)len, pcm), fs);
	}
	assert_true(tone_energy(pcm, fs, 1, 1000, info->pcm_rate) > 0.3 * tone_e);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

static void
test_amr_loss_and_malformed(void **state)
{
	(void)state;
	amr_loss(MRFP_CODEC_AMR, nb_size, 12);
	amr_loss(MRFP_CODEC_AMR_WB, wb_size, 12);
}

static void
test_amr_set_bitrate(void **state)
{
	(void)state;
	struct mrfp_codec_inst nb, wb;
	init_ok(&nb, enc_params(MRFP_CODEC_AMR));
	init_ok(&wb, enc_params(MRFP_CODEC_AMR_WB));
	static const uint32_t bps[] = {1000, 4750, 7000, 10200, 12199, 64000};
	static const int nb_mode[] = {0, 0, 3, 6, 6, 7}, wb_mode[] = {0, 0, 0, 1, 1, 8};
	for (unsigned i = 0; i < sizeof(bps) / sizeof(bps[0]); i++) {
		assert_int_equal(mrfp_codec_set_bitrate(&nb, bps[i]), 0);
		assert_int_equal(mrfp_codec_get_mode(&nb), nb_mode[i]);
		assert_int_equal(mrfp_codec_set_bitrate(&wb, bps[i]), 0);
		assert_int_equal(mrfp_codec_get_mode(&wb), wb_mode[i]);
	}
	assert_int_equal(mrfp_codec_set_mode(&nb, 8), -EINVAL);
	assert_int_equal(mrfp_codec_set_mode(&wb, 9), -EINVAL);
	assert_int_equal(mrfp_codec_set_mode(&wb, 8), 0);
	mrfp_codec_inst_fini(&nb);
	mrfp_codec_inst_fini(&wb);
}

/* Stereo Opus: 1 kHz left, 5 kHz right, each back on its own side. */
static void
test_opus_stereo(void **state)
{
	(void)state;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_OPUS);
	p.channels = 2;
	p.bitrate = 64000;
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	tone(in_pcm, 960 * FRAMES, 2, 0, 1000, 48000, 0);
	tone(in_pcm, 960 * FRAMES, 2, 1, 5000, 48000, 0);
	round_trip(&enc, &dec, FRAMES);
	expect_tone("opus stereo L 1 kHz", measure(960 * SKIP, 960 * 40, 2, 0, 1000, 48000), 0.9);
	expect_tone("opus stereo R 5 kHz", measure(960 * SKIP, 960 * 40, 2, 1, 5000, 48000), 0.9);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

/* DTX: silence becomes packets of <= 2 octets; each, and a lost one, decodes to 20 ms. */
static void
test_opus_dtx(void **state)
{
	(void)state;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_OPUS);
	static int16_t pcm[MRFP_CODEC_PCM_MAX];
	uint8_t pkt[MRFP_CODEC_OUT_MAX];
	unsigned small = 0;
	p.dtx = true;
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	memset(in_pcm, 0, sizeof(in_pcm));
	tone(in_pcm, 960 * 10, 1, 0, 1000, 48000, 0);
	for (unsigned k = 0; k < FRAMES; k++) {
		int len = mrfp_codec_encode(&enc, in_pcm + k * 960, 960, pkt, sizeof(pkt));
		assert_true(len > 0);
		small += len <= 2;
		if (len <= 2 && k % 2) /* not sent: the receiver conceals */
			assert_int_equal(mrfp_codec_decode_lost(&dec, pcm), 960);
		else
			assert_int_equal(mrfp_codec_decode(&dec, pkt, (unsigned)len, pcm), 960);
	}
	print_message("  opus DTX: %u of %u frames <= 2 octets\n", small, FRAMES);
	assert_true(small >= 20);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

/*
 * A lost 20 ms frame in a 1 kHz tone: PLC, and FEC from the next packet, each give 960
 * samples carrying the tone. 40 ms packets conceal 40 ms.
 */
static void
test_opus_plc_fec(void **state)
{
	(void)state;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_OPUS);
	static int16_t pcm[MRFP_CODEC_PCM_MAX];
	uint8_t pkt[FRAMES][MRFP_CODEC_OUT_MAX];
	int len[FRAMES];
	p.fec = true;
	p.loss_percent = 20;
	p.bitrate = 24000; /* LBRR is SILK's: keep Opus in SILK or hybrid */
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	tone(in_pcm, 960 * FRAMES, 1, 0, 1000, 48000, 0);
	for (unsigned k = 0; k < FRAMES; k++)
		len[k] = mrfp_codec_encode(&enc, in_pcm + k * 960, 960, pkt[k], MRFP_CODEC_OUT_MAX);
	for (unsigned k = 0; k < 20; k++)
		assert_int_equal(mrfp_codec_decode(&dec, pkt[k], (unsigned)len[k], pcm), 960);
	double tone_e = AMP * AMP * 960 / 2;
	assert_int_equal(mrfp_codec_decode_lost(&dec, pcm), 960); /* frame 20 lost */
	print_message("  opus PLC: tone at %.2f of its energy\n",
		      tone_energy(pcm, 960, 1, 1000, 48000) / tone_e);
	assert_true(tone_energy(pcm, 960, 1, 1000, 48000) > 0.1 * tone_e);
	for (unsigned k = 21; k < 30; k++) /* frame 30 lost, rebuilt from 31's FEC */
		assert_int_equal(mrfp_codec_decode(&dec, pkt[k], (unsigned)len[k], pcm), 960);
	assert_int_equal(mrfp_codec_decode_fec(&dec, pkt[31], (unsigned)len[31], pcm), 960);
	print_message("  opus FEC: tone at %.2f of its energy\n",
		      tone_energy(pcm, 960, 1, 1000, 48000) / tone_e);
	assert_true(tone_energy(pcm, 960, 1, 1000, 48000) > 0.3 * tone_e);
	assert_int_equal(mrfp_codec_decode(&dec, pkt[31], (unsigned)len[31], pcm), 960);
	/* 40 ms packets: concealment follows the packet duration */
	int l40 = mrfp_codec_encode(&enc, in_pcm, 1920, pkt[0], MRFP_CODEC_OUT_MAX);
	assert_true(l40 > 0);
	assert_int_equal(mrfp_codec_decode(&dec, pkt[0], (unsigned)l40, pcm), 1920);
	assert_int_equal(mrfp_codec_decode_lost(&dec, pcm), 1920);
	/* refused: a frame size Opus has not, a malformed packet */
	assert_int_equal(mrfp_codec_encode(&enc, in_pcm, 900, pkt[0], MRFP_CODEC_OUT_MAX), -EINVAL);
	pkt[0][0] = 0x03; /* code 3 with no frame count octet */
	assert_int_equal(mrfp_codec_decode(&dec, pkt[0], 1, pcm), -EINVAL);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

static void
test_opus_set_bitrate(void **state)
{
	(void)state;
	struct mrfp_codec_inst enc, dec;
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_OPUS);
	uint8_t pkt[MRFP_CODEC_OUT_MAX];
	init_ok(&enc, p);
	p.dir = MRFP_CODEC_DECODER;
	init_ok(&dec, p);
	tone(in_pcm, 960 * FRAMES, 1, 0, 1000, 48000, 0);
	unsigned low = 0, high = 0;
	/* 15 frames to settle at each rate, then 10 counted */
	assert_int_equal(mrfp_codec_set_bitrate(&enc, 12000), 0);
	for (unsigned k = 0; k < 25; k++) {
		int len = mrfp_codec_encode(&enc, in_pcm + k * 960, 960, pkt, sizeof(pkt));
		low += k >= 15 ? (unsigned)len : 0;
	}
	assert_int_equal(mrfp_codec_set_bitrate(&enc, 64000), 0);
	for (unsigned k = 25; k < FRAMES; k++) {
		int len = mrfp_codec_encode(&enc, in_pcm + k * 960, 960, pkt, sizeof(pkt));
		high += k >= 40 ? (unsigned)len : 0;
	}
	print_message("  opus 12k: %u octets / 200 ms, 64k: %u\n", low, high);
	assert_true(low <= 12000 / 8 / 5 * 1.5 && high > 3 * low); /* VBR: within 50 % */
	assert_int_equal(mrfp_codec_set_bitrate(&enc, 5000), -EINVAL);
	assert_int_equal(mrfp_codec_set_mode(&enc, 1), -ENOTSUP);
	assert_int_equal(mrfp_codec_set_bitrate(&dec, 20000), -ENOTSUP);
	/* too little room: libopus shrinks the frame to fit, down to one octet */
	int tiny = mrfp_codec_encode(&enc, in_pcm, 960, pkt, 2);
	assert_true(tiny >= 1 && tiny <= 2);
	mrfp_codec_inst_fini(&enc);
	mrfp_codec_inst_fini(&dec);
}

/* G.722 and G.711: lengths, and spandsp's PLC for a lost frame continues the tone. */
static void
test_g722_g711_lengths_and_plc(void **state)
{
	(void)state;
	static const enum mrfp_codec_id ids[] = {MRFP_CODEC_G722, MRFP_CODEC_PCMU, MRFP_CODEC_PCMA};
	static int16_t pcm[MRFP_CODEC_PCM_MAX];
	for (unsigned i = 0; i < 3; i++) {
		const struct mrfp_codec_info *info = mrfp_codec_info(ids[i]);
		unsigned fs = info->frame_samples, octets = ids[i] == MRFP_CODEC_G722 ? fs / 2 : fs;
		struct mrfp_codec_inst enc, dec;
		struct mrfp_codec_params p = enc_params(ids[i]);
		init_ok(&enc, p);
		p.dir = MRFP_CODEC_DECODER;
		init_ok(&dec, p);
		tone(in_pcm, fs * FRAMES, 1, 0, 1000, info->pcm_rate, 0);
		assert_int_equal(round_trip(&enc, &dec, 20), octets);
		assert_int_equal(mrfp_codec_decode_lost(&dec, pcm), fs);
		assert_true(tone_energy(pcm, fs, 1, 1000, info->pcm_rate) >
			    0.3 * AMP * AMP * fs / 2);
		mrfp_codec_inst_fini(&enc);
		mrfp_codec_inst_fini(&dec);
	}
	struct mrfp_codec_inst g;
	init_ok(&g, enc_params(MRFP_CODEC_G722));
	uint8_t out[8];
	assert_int_equal(mrfp_codec_encode(&g, in_pcm, 3, out, 8), -EINVAL);
	assert_int_equal(mrfp_codec_encode(&g, in_pcm, 20, out, 8), -ENOBUFS);
	assert_int_equal(mrfp_codec_set_bitrate(&g, 64000), 0);
	assert_int_equal(mrfp_codec_set_bitrate(&g, 56000), -EINVAL);
	mrfp_codec_inst_fini(&g);
}

/* Parameter checks, names, and fini on zeroed and released instances. */
static void
test_init_checks(void **state)
{
	(void)state;
	struct mrfp_codec_inst ci = {0};
	mrfp_codec_inst_fini(&ci); /* never initialised */
	struct mrfp_codec_params p = enc_params(MRFP_CODEC_AMR);
	p.mode = 8;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -EINVAL);
	p = enc_params(MRFP_CODEC_AMR_WB);
	p.mode = 9;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -EINVAL);
	p = enc_params(MRFP_CODEC_AMR);
	p.channels = 2;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -ENOTSUP);
	p = enc_params(MRFP_CODEC_OPUS);
	p.channels = 3;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -EINVAL);
	p = enc_params(MRFP_CODEC_OPUS);
	p.complexity = 11;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -EINVAL);
	p.id = MRFP_CODEC_ID_COUNT;
	assert_int_equal(mrfp_codec_inst_init(&ci, &p), -EINVAL);
	init_ok(&ci, enc_params(MRFP_CODEC_G722));
	mrfp_codec_inst_fini(&ci);
	mrfp_codec_inst_fini(&ci); /* twice */
	assert_int_equal(mrfp_codec_id_by_name("amr-wb"), MRFP_CODEC_AMR_WB);
	assert_int_equal(mrfp_codec_id_by_name("OPUS"), MRFP_CODEC_OPUS);
	assert_int_equal(mrfp_codec_id_by_name("G729"), -ENOENT);
	assert_int_equal(mrfp_codec_info(MRFP_CODEC_G722)->clock_rate, 8000);
	assert_int_equal(mrfp_codec_info(MRFP_CODEC_G722)->pcm_rate, 16000);
	assert_null(mrfp_codec_info(MRFP_CODEC_ID_COUNT));
}

/* Resampler between 8, 16 and 48 kHz: exact frame lengths, the tone at the same frequency. */
static void
test_resampler(void **state)
{
	(void)state;
	static const uint32_t rates[] = {8000, 16000, 48000};
	for (unsigned a = 0; a < 3; a++) {
		for (unsigned b = 0; b < 3; b++) {
			if (a == b)
				continue;
			uint32_t ri = rates[a], ro = rates[b];
			unsigned ni = ri / 50, no = ro / 50;
			struct mrfp_resampler r;
			assert_int_equal(
				mrfp_resampler_init(&r, ri, ro, 1, MRFP_RESAMPLER_QUALITY_VOIP), 0);
			tone(in_pcm, ni * FRAMES, 1, 0, 1000, ri, 0);
			for (unsigned k = 0; k < FRAMES; k++)
				assert_int_equal(mrfp_resampler_process(&r, in_pcm + k * ni, ni,
									out_pcm + k * no, no),
						 no);
			assert_true(mrfp_resampler_latency(&r) < no);
			assert_int_equal(mrfp_resampler_process(&r, in_pcm, ni, out_pcm, no - 1),
					 -ENOBUFS);
			unsigned n = no * (FRAMES - SKIP);
			double e = energy(out_pcm + no * SKIP, n, 1);
			double t = tone_energy(out_pcm + no * SKIP, n, 1, 1000, ro);
			double t_off = tone_energy(out_pcm + no * SKIP, n, 1, 1100, ro);
			print_message("  resample %u -> %u: 1 kHz %.4f of the energy, level %.2f\n",
				      ri, ro, t / e, t / (AMP * AMP * n / 2));
			assert_true(t / e > 0.99 && t_off / e < 0.001);
			assert_true(t / (AMP * AMP * n / 2) > 0.8 && t / (AMP * AMP * n / 2) < 1.2);
			mrfp_resampler_reset(&r);
			mrfp_resampler_fini(&r);
			mrfp_resampler_fini(&r);
		}
	}
	struct mrfp_resampler r;
	assert_int_equal(mrfp_resampler_init(&r, 8000, 16000, 3, 3), -EINVAL);
	assert_int_equal(mrfp_resampler_init(&r, 8000, 16000, 1, 11), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_checks),
		cmocka_unit_test(test_tones_1k),
		cmocka_unit_test(test_tones_5k_wideband),
		cmocka_unit_test(test_amr_nb_is_narrowband),
		cmocka_unit_test(test_amr_every_mode),
		cmocka_unit_test(test_amr_dtx_sid_no_data),
		cmocka_unit_test(test_amr_loss_and_malformed),
		cmocka_unit_test(test_amr_set_bitrate),
		cmocka_unit_test(test_opus_stereo),
		cmocka_unit_test(test_opus_dtx),
		cmocka_unit_test(test_opus_plc_fec),
		cmocka_unit_test(test_opus_set_bitrate),
		cmocka_unit_test(test_g722_g711_lengths_and_plc),
		cmocka_unit_test(test_resampler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
