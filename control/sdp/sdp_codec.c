/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which codec mrfpd answers an offer with (RFC 3264 6.1: one of the offered formats, in the
 * offerer's order of preference), and the format parameters that go with it: RFC 4867 8.1
 * for AMR and AMR-WB, RFC 7587 7 for Opus, RFC 3551 for G.711 and G.722.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdp.h"

#define AMR_NB_MODES 8
#define AMR_WB_MODES 9
#define OPUS_MIN_BPS 6000
#define OPUS_MAX_BPS 510000

struct known_codec {
	const char *name;
	uint32_t rate;	   /* RTP clock */
	uint8_t channels;  /* what the rtpmap must say */
	uint8_t static_pt; /* RFC 3551, or 255 */
	enum mrfp_codec_id id;
	uint32_t pcm_rate;
};

static const struct known_codec known[] = {
	{"PCMU", 8000, 1, 0, MRFP_CODEC_PCMU, 8000},
	{"PCMA", 8000, 1, 8, MRFP_CODEC_PCMA, 8000},
	{"G722", 8000, 1, 9, MRFP_CODEC_G722, 16000},
	{"AMR", 8000, 1, 255, MRFP_CODEC_AMR, 8000},
	{"AMR-WB", 16000, 1, 255, MRFP_CODEC_AMR_WB, 16000},
	{"opus", 48000, 2, 255, MRFP_CODEC_OPUS, 48000},
};

static const struct known_codec *
known_of(const struct mrfp_sdp_fmt *f)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known_codec *k = &known[i];
		if (strcasecmp(f->name, k->name) != 0 || f->rate != k->rate ||
		    f->channels != k->channels)
			continue;
		/* a static number means its RFC 3551 codec, a dynamic one any */
		if (f->pt < 96 ? f->pt == k->static_pt : f->pt <= 127)
			return k;
	}
	return NULL;
}

/* Walk "a=1;b=2; c" calling fn(name, value) on each; a nonzero return stops the walk. */
static const char *
each_param(const char *fmtp,
	   const char *(*fn)(const char *name, size_t nlen, const char *val, size_t vlen,
			     void *arg),
	   void *arg)
{
	const char *p = fmtp;
	while (*p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0) {
			const char *eq = memchr(p, '=', len);
			size_t nlen = eq != NULL ? (size_t)(eq - p) : len;
			const char *why = fn(p, nlen, eq != NULL ? eq + 1 : p + len,
					     eq != NULL ? len - nlen - 1 : 0, arg);
			if (why != NULL)
				return why;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

static bool
name_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

static bool
value_is(const char *val, size_t vlen, const char *want)
{
	return strlen(want) == vlen && strncmp(val, want, vlen) == 0;
}

/* An unsigned decimal of at most 9 digits, or -1. */
static long
value_num(const char *val, size_t vlen)
{
	long v = 0;
	if (vlen == 0 || vlen > 9)
		return -1;
	for (size_t i = 0; i < vlen; i++) {
		if (val[i] < '0' || val[i] > '9')
			return -1;
		v = v * 10 + (val[i] - '0');
	}
	return v;
}

struct amr_params {
	unsigned int modes; /* 8 (AMR) or 9 (AMR-WB) */
	bool octet_aligned;
	uint16_t mode_set;	/* bit per mode allowed; 0 = any */
	char mode_set_text[48]; /* as offered, for the answer */
};

static const char *
amr_param(const char *name, size_t nlen, const char *val, size_t vlen, void *arg)
{
	struct amr_params *a = arg;
	if (name_is(name, nlen, "octet-align")) {
		if (!value_is(val, vlen, "0") && !value_is(val, vlen, "1"))
			return "AMR octet-align must be 0 or 1";
		a->octet_aligned = val[0] == '1';
	} else if (name_is(name, nlen, "mode-set")) {
		const char *p = val, *end = val + vlen;
		while (p < end) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			size_t l = comma != NULL ? (size_t)(comma - p) : (size_t)(end - p);
			long m = value_num(p, l);
			if (m < 0 || (unsigned long)m >= a->modes)
				return "AMR mode-set names a mode the codec does not have";
			a->mode_set |= (uint16_t)(1u << m);
			p += l + (comma != NULL);
		}
		if (a->mode_set == 0 || vlen >= sizeof(a->mode_set_text))
			return "AMR mode-set is empty or malformed";
		memcpy(a->mode_set_text, val, vlen);
		a->mode_set_text[vlen] = '\0';
	} else if (name_is(name, nlen, "interleaving")) {
		return "AMR interleaving is not supported";
	} else if (name_is(name, nlen, "crc") || name_is(name, nlen, "robust-sorting")) {
		if (!value_is(val, vlen, "0"))
			return "AMR crc and robust-sorting are not supported";
	} else if (name_is(name, nlen, "channels")) {
		if (!value_is(val, vlen, "1"))
			return "AMR with more than one channel is not supported";
	}
	/* max-red (mrfpd sends no redundancy), mode-change-period/-capability/-neighbor (its
	 * mode never changes within a stream) and unknown parameters need nothing */
	return NULL;
}

static const char *
amr_choose(const struct mrfp_sdp_fmt *f, const struct known_codec *k, unsigned int ptime,
	   struct sdp_codec_choice *out)
{
	struct amr_params a = {.modes = k->id == MRFP_CODEC_AMR_WB ? AMR_WB_MODES : AMR_NB_MODES};
	const char *why = each_param(f->fmtp, amr_param, &a);
	if (why != NULL)
		return why;
	if (ptime != 20)
		return "AMR needs a 20 ms ptime (one frame per packet)";
	unsigned int mode = a.modes - 1; /* the best the set allows */
	while (a.mode_set != 0 && (a.mode_set & (1u << mode)) == 0)
		mode--;
	out->fmt.octet_aligned = a.octet_aligned;
	out->fmt.mode = (uint8_t)mode;
	char *ans = out->answer.fmtp;
	size_t cap = sizeof(out->answer.fmtp);
	int n = snprintf(ans, cap, "%s", a.octet_aligned ? "octet-align=1" : "");
	if (a.mode_set != 0)
		snprintf(ans + n, cap - (size_t)n, "%smode-set=%s", n > 0 ? ";" : "",
			 a.mode_set_text);
	return NULL;
}

static const char *
opus_param(const char *name, size_t nlen, const char *val, size_t vlen, void *arg)
{
	uint32_t *bitrate = arg;
	if (name_is(name, nlen, "maxaveragebitrate")) {
		long v = value_num(val, vlen);
		if (v < 0)
			return "opus maxaveragebitrate is not a number";
		*bitrate = v < OPUS_MIN_BPS   ? OPUS_MIN_BPS
			   : v > OPUS_MAX_BPS ? OPUS_MAX_BPS
					      : (uint32_t)v;
	}
	/* stereo, sprop-stereo (mrfpd sends mono, which a stereo receiver plays),
	 * maxplaybackrate, useinbandfec, usedtx, cbr: preferences mrfpd's fullband mono CBR-free
	 * stream satisfies or the decoder handles */
	return NULL;
}

static const char *
fmt_choose(const struct mrfp_sdp_fmt *f, const struct known_codec *k, unsigned int ptime,
	   struct sdp_codec_choice *out)
{
	memset(out, 0, sizeof(*out));
	out->pt = f->pt;
	out->fmt.codec = k->id;
	out->pcm_rate = k->pcm_rate;
	out->answer.pt = f->pt;
	out->answer.rate = k->rate;
	out->answer.channels = k->channels;
	snprintf(out->answer.name, sizeof(out->answer.name), "%s", k->name);
	if (k->id == MRFP_CODEC_AMR || k->id == MRFP_CODEC_AMR_WB)
		return amr_choose(f, k, ptime, out);
	if (k->id == MRFP_CODEC_OPUS && ptime != 10 && ptime != 20)
		return "opus needs a 10 or 20 ms ptime";
	if (k->id == MRFP_CODEC_OPUS)
		return each_param(f->fmtp, opus_param, &out->fmt.bitrate);
	return NULL;
}

/* telephone-event at the codec's RTP clock (RFC 4733 7.1.1: the same rate as the audio). */
static void
dtmf_choose(const struct mrfp_sdp *offer, uint32_t rate, struct sdp_codec_choice *out)
{
	for (unsigned int i = 0; i < offer->n_fmt; i++) {
		const struct mrfp_sdp_fmt *f = &offer->fmt[i];
		if (f->pt < 96 || strcasecmp(f->name, "telephone-event") != 0 || f->rate != rate)
			continue;
		out->dtmf_pt = f->pt;
		out->dtmf_answer.pt = f->pt;
		out->dtmf_answer.rate = rate;
		out->dtmf_answer.channels = 1;
		snprintf(out->dtmf_answer.name, sizeof(out->dtmf_answer.name), "telephone-event");
		snprintf(out->dtmf_answer.fmtp, sizeof(out->dtmf_answer.fmtp), "0-15");
		return;
	}
}

int
sdp_codec_choose(const struct mrfp_sdp *offer, unsigned int ptime, int prefer_pt,
		 struct sdp_codec_choice *out, const char **why)
{
	const char *refused = NULL;
	bool evs = false;
	for (int pass = prefer_pt >= 0 ? 0 : 1; pass < 2; pass++) {
		for (unsigned int i = 0; i < offer->n_fmt; i++) {
			const struct mrfp_sdp_fmt *f = &offer->fmt[i];
			const struct known_codec *k = known_of(f);
			evs |= strcasecmp(f->name, "EVS") == 0;
			if (k == NULL || (pass == 0 && f->pt != prefer_pt))
				continue;
			const char *r = fmt_choose(f, k, ptime, out);
			if (r == NULL) {
				dtmf_choose(offer, k->rate, out);
				return 0;
			}
			if (refused == NULL)
				refused = r; /* the offerer's first choice says most */
		}
	}
	memset(out, 0, sizeof(*out));
	*why = refused != NULL ? refused
	       : evs	       ? "EVS is not supported (no open EVS codec); offer AMR-WB as well"
			       : "no supported codec offered (PCMU, PCMA, G722, AMR, AMR-WB, opus)";
	return -ENOTSUP;
}
