/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decoders and encoders around the mix (mix_codec.h), on the conference's worker. Payload
 * formats come from dataplane/media (RFC 4867 for AMR; Opus, G.722 and G.711 payloads are the
 * codec's frames), the codecs from Debian's libraries through codec_inst.h.
 */
#include <string.h>

#include "jbuf.h"
#include "mix_codec.h"
#include "payload_amr.h"

#define MIX_PCM_MAX 1440 /* the most a jitter buffer takes at once: 48 kHz x 30 ms */

static const enum mrfp_drop put_drop[] = {
	[MRFP_JB_STORED] = MRFP_DROP_NONE,
	[MRFP_JB_LATE] = MRFP_DROP_JITTER_LATE,
	[MRFP_JB_DUPLICATE] = MRFP_DROP_JITTER_DUPLICATE,
	[MRFP_JB_TOO_EARLY] = MRFP_DROP_JITTER_EARLY,
};

bool
mix_fmt_equal(const struct mix_fmt *a, const struct mix_fmt *b)
{
	return a->pt == b->pt && mrfp_audio_fmt_equal(&a->a, &b->a);
}

static bool
is_amr(enum mrfp_codec_id id)
{
	return id == MRFP_CODEC_AMR || id == MRFP_CODEC_AMR_WB;
}

/* Store decoded PCM at PCM timestamp ts, in pieces the jitter buffer takes. */
static enum mrfp_drop
put_pcm(struct mrfp_jbuf *jb, uint32_t ts, const int16_t *pcm, unsigned n, uint64_t now)
{
	enum mrfp_drop worst = MRFP_DROP_JITTER_DUPLICATE;
	bool stored = false;
	while (n > 0) {
		unsigned part = n < MIX_PCM_MAX ? n : MIX_PCM_MAX;
		enum mrfp_jb_put r = jbuf_put(jb, ts, pcm, part, now);
		if (r == MRFP_JB_STORED)
			stored = true;
		else
			worst = put_drop[r];
		ts += part;
		pcm += part;
		n -= part;
	}
	return stored ? MRFP_DROP_NONE : worst;
}

/* Frame-blocks of one AMR payload, each 20 ms; NO_DATA and lost frames are left as holes
 * for the jitter buffer to conceal. */
static enum mrfp_drop
amr_input(struct mix_dec *d, struct mrfp_jbuf *jb, const uint8_t *payload, unsigned len,
	  uint32_t pcm_ts, uint64_t now)
{
	struct mrfp_amr_frames fr;
	bool wb = d->fmt.a.codec == MRFP_CODEC_AMR_WB;
	int16_t pcm[MRFP_CODEC_PCM_MAX];
	if (amr_payload_parse(wb, d->fmt.a.octet_aligned, payload, len, &fr) < 0)
		return MRFP_DROP_MALFORMED_PAYLOAD;
	d->cmr = fr.cmr;
	enum mrfp_drop why = MRFP_DROP_NONE;
	bool stored = false;
	unsigned frame = mrfp_codec_info(d->fmt.a.codec)->frame_samples;
	for (unsigned i = 0; i < fr.n; i++, pcm_ts += frame) {
		unsigned ft = amr_storage_ft(fr.f[i].storage);
		if (ft == MRFP_AMR_FT_NO_DATA || (wb && ft == MRFP_AMRWB_FT_SPEECH_LOST))
			continue;
		int n = mrfp_codec_decode(&d->codec, fr.f[i].storage, fr.f[i].len, pcm);
		if (n <= 0) {
			why = MRFP_DROP_MALFORMED_PAYLOAD;
			continue;
		}
		enum mrfp_drop r = put_pcm(jb, pcm_ts, pcm, (unsigned)n, now);
		if (r == MRFP_DROP_NONE)
			stored = true;
		else
			why = r;
	}
	return stored ? MRFP_DROP_NONE : why;
}

enum mrfp_drop
mix_dec_input(struct mix_dec *d, struct mrfp_jbuf *jb, const uint8_t *payload, unsigned len,
	      uint32_t ts, uint64_t tsc)
{
	uint64_t now = tsc / d->tsc_per_sample;
	uint32_t pcm_ts = ts << d->ts_shift;
	if (is_amr(d->fmt.a.codec))
		return amr_input(d, jb, payload, len, pcm_ts, now);
	int16_t pcm[MRFP_CODEC_PCM_MAX];
	int n = mrfp_codec_decode(&d->codec, payload, len, pcm);
	if (n <= 0)
		return MRFP_DROP_MALFORMED_PAYLOAD;
	return put_pcm(jb, pcm_ts, pcm, (unsigned)n, now);
}

int
mix_dec_frame(struct mix_dec *d, struct mrfp_jbuf *jb, int16_t *out, unsigned mix_samples,
	      uint64_t tsc)
{
	uint64_t now = tsc / d->tsc_per_sample;
	if (d->rs.state == NULL)
		return jbuf_get(jb, out, now);
	int16_t pcm[MIX_PCM_MAX];
	enum mrfp_jb_get g = jbuf_get(jb, pcm, now);
	if (g == MRFP_JB_SILENCE)
		return g;
	int n = mrfp_resampler_process(&d->rs, pcm, d->samples, out, mix_samples);
	if (n < (int)mix_samples) /* the filter's first frame: its delay is silence */
		memset(out + (n > 0 ? n : 0), 0,
		       (mix_samples - (unsigned)(n > 0 ? n : 0)) * sizeof(*out));
	return g;
}

void
mix_enc_obey(struct mix_enc *e, unsigned int requested)
{
	if (!is_amr(e->fmt.a.codec))
		return;
	unsigned int mode = requested < e->fmt.a.mode ? requested : e->fmt.a.mode;
	if ((int)mode != mrfp_codec_get_mode(&e->codec))
		(void)mrfp_codec_set_mode(&e->codec, mode);
}

/* One AMR storage frame as an RTP payload of one frame-block, without a mode request. */
static unsigned
amr_frame(const struct mix_enc *e, const uint8_t *storage, unsigned len, uint8_t *out, unsigned max)
{
	struct mrfp_amr_frames fr = {.cmr = MRFP_AMR_CMR_NONE, .n = 1};
	if (len == 0 || len > sizeof(fr.f[0].storage))
		return 0;
	fr.f[0].len = (uint8_t)len;
	memcpy(fr.f[0].storage, storage, len);
	int n = amr_payload_build(e->fmt.a.codec == MRFP_CODEC_AMR_WB, e->fmt.a.octet_aligned, &fr,
				  out, max);
	return n > 0 ? (unsigned)n : 0;
}

unsigned
mix_enc_run(struct mix_enc *e, const int16_t *mix, unsigned mix_samples, uint8_t *out, unsigned max)
{
	int16_t pcm[MIX_PCM_MAX];
	const int16_t *in = mix;
	unsigned n = mix_samples;
	if (e->rs.state != NULL) {
		int r = mrfp_resampler_process(&e->rs, mix, mix_samples, pcm, e->samples);
		if (r < 0)
			return 0;
		if ((unsigned)r < e->samples) /* the filter's first frame */
			memset(pcm + r, 0, (e->samples - (unsigned)r) * sizeof(*pcm));
		in = pcm;
		n = e->samples;
	}
	if (!is_amr(e->fmt.a.codec)) {
		int r = mrfp_codec_encode(&e->codec, in, n, out, max);
		return r > 0 ? (unsigned)r : 0;
	}
	uint8_t storage[MRFP_AMR_STORAGE_MAX + 8];
	int r = mrfp_codec_encode(&e->codec, in, n, storage, sizeof(storage));
	return r > 0 ? amr_frame(e, storage, (unsigned)r, out, max) : 0;
}
