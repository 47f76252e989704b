/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * G.711 mu-law and A-law (ITU-T G.711).
 *
 * Decoding is a 256-entry table lookup. The tables are computed by the compiler from the
 * G.711 expansion formulas below, so there are no hand-typed numbers to get wrong.
 *
 * Encoding must find each sample's segment (the position of its top bit). A float conversion
 * does that without a branch or a bit scan: for 128 <= m < 2^24, (float)m is exact, its
 * exponent is the top bit of m and the next four mantissa bits are the four bits below it,
 * which is exactly the segment and quantisation field of a G.711 code. So
 * (bits(float(m)) >> 19) - ((127 + 7) << 4) is (segment << 4 | quantisation), and the
 * loops below compile to straight SIMD code (cvtdq2ps, shifts, min, xor, pack). A branchy
 * table encoder made a 10-party mix about 2.4 times dearer (NOTES.md).
 */
#include <string.h>
#include <strings.h>

#include "codec.h"

#define ULAW_BIAS 0x84
#define ALAW_AMI 0x55
/* Exponent field of a float, shifted to sit above the four quantisation bits, for 2^7. */
#define FLOAT_SEG0 ((127 + 7) << 4)
/*
 * Samples per inner block: the fixed trip count lets GCC's -O2 "very cheap" vectoriser
 * (which refuses loops that need a scalar epilogue) vectorise the block; n % BLOCK is scalar.
 */
#define BLOCK 16

/* Kept from clang-format, which reads (c) & 0x0f as a cast. */
// clang-format off
/* G.711 table 2a (mu-law): complemented code, biased magnitude shifted by the segment. */
#define ULAW_MAG(c) (((((c) & 0x0f) << 3) + ULAW_BIAS) << (((c) & 0x70) >> 4))
#define ULAW_DEC(u)                                                                        \
	(((0xff ^ (u)) & 0x80) ? ULAW_BIAS - ULAW_MAG(0xff ^ (u))                          \
			       : ULAW_MAG(0xff ^ (u)) - ULAW_BIAS)
/*
 * G.711 table 1a (A-law): even bits inverted; segment 0 is linear, segment s > 0 is
 * (q * 16 + 0x108) << (s - 1), written as << s >> 1 so that no arm shifts by -1.
 */
#define ALAW_MAG(c)                                                                        \
	(((c) & 0x70) ? (((((c) & 0x0f) << 4) + 0x108) << (((c) & 0x70) >> 4)) >> 1        \
		      : (((c) & 0x0f) << 4) + 8)
#define ALAW_DEC(a)                                                                        \
	(((ALAW_AMI ^ (a)) & 0x80) ? ALAW_MAG(ALAW_AMI ^ (a)) : -ALAW_MAG(ALAW_AMI ^ (a)))

#define T4(F, i) F(i), F((i) + 1), F((i) + 2), F((i) + 3)
#define T16(F, i) T4(F, i), T4(F, (i) + 4), T4(F, (i) + 8), T4(F, (i) + 12)
#define T64(F, i) T16(F, i), T16(F, (i) + 16), T16(F, (i) + 32), T16(F, (i) + 48)
#define T256(F) T64(F, 0), T64(F, 64), T64(F, 128), T64(F, 192)
// clang-format on

static const int16_t ulaw_table[256] = {T256(ULAW_DEC)};
static const int16_t alaw_table[256] = {T256(ALAW_DEC)};

static inline unsigned
table_decode(const int16_t *table, const uint8_t *restrict in, unsigned len, int16_t *restrict pcm)
{
	if (len > MRFP_AUDIO_MAX_SAMPLES)
		len = MRFP_AUDIO_MAX_SAMPLES; /* the caller's frame holds no more */
	size_t i = 0;
	for (; i + BLOCK <= len; i += BLOCK) /* unrolled: half the instructions per sample */
		for (size_t j = 0; j < BLOCK; j++)
			pcm[i + j] = table[in[i + j]];
	for (; i < len; i++)
		pcm[i] = table[in[i]];
	return len;
}

unsigned
codec_ulaw_decode(const uint8_t *in, unsigned len, int16_t *pcm)
{
	return table_decode(ulaw_table, in, len, pcm);
}

unsigned
codec_alaw_decode(const uint8_t *in, unsigned len, int16_t *pcm)
{
	return table_decode(alaw_table, in, len, pcm);
}

/* segment << 4 | four bits below the top bit, for 128 <= m < 2^15 (see the file comment). */
static inline int32_t
seg_quant(int32_t m)
{
	union {
		float f;
		int32_t i;
	} v = {.f = (float)m};
	return (v.i >> 19) - FLOAT_SEG0;
}

static inline uint8_t
ulaw_enc(int16_t s)
{
	int32_t neg = (int32_t)s >> 31; /* 0 or -1 */
	int32_t m = ((s ^ neg) - neg) + ULAW_BIAS;
	/* Segment 8 does not exist: 0x7fff encodes as the top code, as G.711 clips. */
	m = m < 0x7fff ? m : 0x7fff;
	/* Codes are sent complemented; the sign bit is set for positive samples. */
	return (uint8_t)(seg_quant(m) ^ (0x7f | (~neg & 0x80)));
}

static inline uint8_t
alaw_enc(int16_t s)
{
	int32_t neg = (int32_t)s >> 31;
	int32_t m = s ^ neg; /* -x - 1 for negative x: A-law is symmetric around -0.5 */
	/*
	 * Segments 0 and 1 share the step 16, so below 512 the code is simply m >> 4. The
	 * choice is a mask, not a ?: that GCC would turn back into a branch around the float
	 * conversion and so stop vectorising.
	 */
	int32_t low = (m - 256) >> 31; /* -1 when m < 256 */
	int32_t c = ((m >> 4) & low) | (seg_quant(m) & ~low);
	return (uint8_t)(c ^ (ALAW_AMI | (~neg & 0x80)));
}

unsigned
codec_ulaw_encode(const int16_t *restrict pcm, unsigned n, uint8_t *restrict out)
{
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			out[i + j] = ulaw_enc(pcm[i + j]);
	for (; i < n; i++)
		out[i] = ulaw_enc(pcm[i]);
	return n;
}

unsigned
codec_alaw_encode(const int16_t *restrict pcm, unsigned n, uint8_t *restrict out)
{
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j++)
			out[i + j] = alaw_enc(pcm[i + j]);
	for (; i < n; i++)
		out[i] = alaw_enc(pcm[i]);
	return n;
}

static const struct mrfp_codec codecs[] = {
	{"PCMU", 0, 8000, 8000, codec_ulaw_decode, codec_ulaw_encode},
	{"PCMA", 8, 8000, 8000, codec_alaw_decode, codec_alaw_encode},
};

const struct mrfp_codec *
codec_by_pt(uint8_t pt)
{
	for (unsigned i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i].pt == pt)
			return &codecs[i];
	return NULL;
}

const struct mrfp_codec *
codec_by_name(const char *name)
{
	for (unsigned i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (strcasecmp(codecs[i].name, name) == 0)
			return &codecs[i];
	return NULL;
}
