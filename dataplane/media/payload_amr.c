/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AMR / AMR-WB RTP payloads (RFC 4867) <-> storage frames. See payload_amr.h for the contract.
 *
 * Both modes share one shape: CMR, a chain of ToC entries (F, FT, Q) ended by F = 0, then the
 * frames in ToC order. Octet-aligned mode pads the CMR to 8 bits, each ToC entry to 8 bits
 * and each frame to an octet; bandwidth-efficient mode packs 4 + 6n bits of header and the
 * frames back to back and pads only the end. The walk below is therefore written once, with
 * the field widths as parameters, and the two passes (ToC, then data) are separate so that no
 * frame is copied before the whole length has been checked.
 */
#include <errno.h>
#include <string.h>

#include "payload_amr.h"

#define CMR_BITS_BE 4
#define CMR_BITS_OA 8
#define TOC_BITS_BE 6 /* F, FT(4), Q */
#define TOC_BITS_OA 8 /* F, FT(4), Q, P, P */
#define TOC_F 0x20    /* in the 6-bit entry */
#define FT_RESERVED 0xffff

/*
 * Frame sizes in bits: AMR from 3GPP TS 26.101 table 1a (4.75 ... 12.2 kbit/s, SID), AMR-WB
 * from TS 26.201 table 1a (6.60 ... 23.85 kbit/s, SID). AMR FT 9-11 are the SIDs of GSM-EFR,
 * TDMA-EFR and PDC-EFR, which RFC 4867 4.3.2 tells a receiver to discard like 12-14.
 */
// clang-format off
static const uint16_t amr_bits[16] = {
	95, 103, 118, 134, 148, 159, 204, 244,			/* 4.75 ... 12.2 */
	39,							/* SID */
	FT_RESERVED, FT_RESERVED, FT_RESERVED, FT_RESERVED, FT_RESERVED, FT_RESERVED,
	0,							/* NO_DATA */
};
static const uint16_t amrwb_bits[16] = {
	132, 177, 253, 285, 317, 365, 397, 461, 477,		/* 6.60 ... 23.85 */
	40,							/* SID */
	FT_RESERVED, FT_RESERVED, FT_RESERVED, FT_RESERVED,
	0,							/* SPEECH_LOST */
	0,							/* NO_DATA */
};
// clang-format on

int
amr_frame_bits(bool wb, unsigned ft)
{
	if (ft > 15)
		return -1;
	uint16_t b = wb ? amrwb_bits[ft] : amr_bits[ft];
	return b == FT_RESERVED ? -1 : b;
}

int
amr_storage_len(bool wb, unsigned ft)
{
	int bits = amr_frame_bits(wb, ft);
	return bits < 0 ? -1 : 1 + (bits + 7) / 8;
}

static bool
cmr_valid(bool wb, unsigned cmr)
{
	return cmr == MRFP_AMR_CMR_NONE || cmr <= (wb ? 8u : 7u);
}

static unsigned
round8(unsigned bits)
{
	return (bits + 7) & ~7u;
}

/*
 * n (1..8) bits of p from bit off (MSB first), right-aligned. Reads the second octet only
 * when the field straddles it, so a field ending on the last octet stays inside the buffer.
 */
static unsigned
bits_get(const uint8_t *p, unsigned off, unsigned n)
{
	unsigned i = off >> 3, s = off & 7;
	unsigned v = (unsigned)p[i] << 8;
	if (s + n > 8)
		v |= p[i + 1];
	return (v >> (16 - s - n)) & ((1u << n) - 1);
}

/* ORs n (1..8) right-aligned bits v into p at bit off; those bits must be zero beforehand. */
static void
bits_put(uint8_t *p, unsigned off, unsigned v, unsigned n)
{
	unsigned i = off >> 3, s = off & 7;
	unsigned w = (v & ((1u << n) - 1)) << (16 - s - n);
	p[i] |= w >> 8;
	if (s + n > 8)
		p[i + 1] |= w & 0xff;
}

/* Copies n bits; the destination bits must be zero. Whole octets when both are aligned. */
static void
bits_copy(uint8_t *dst, unsigned doff, const uint8_t *src, unsigned soff, unsigned n)
{
	if (((doff | soff) & 7) == 0) {
		memcpy(dst + doff / 8, src + soff / 8, n / 8);
		doff += n & ~7u;
		soff += n & ~7u;
		n &= 7;
	}
	while (n) {
		unsigned k = n < 8 ? n : 8;
		bits_put(dst, doff, bits_get(src, soff, k), k);
		doff += k;
		soff += k;
		n -= k;
	}
}

/*
 * First pass: the ToC chain. Fills each frame's header and length, and returns in *pos the
 * bit where the frames start and in *data the bits they occupy (padding included in
 * octet-aligned mode).
 */
static int
parse_toc(bool wb, bool oa, const uint8_t *p, unsigned len, struct mrfp_amr_frames *out,
	  unsigned *pos, unsigned *data)
{
	unsigned toc_bits = oa ? TOC_BITS_OA : TOC_BITS_BE;
	unsigned off = oa ? CMR_BITS_OA : CMR_BITS_BE, total = 0, n = 0, entry;

	do {
		if (n == MRFP_AMR_MAX_FRAMES)
			return -E2BIG;
		if (off + toc_bits > len * 8)
			return -EMSGSIZE; /* truncated, or F never cleared */
		/* F, FT, Q are the first six bits of an entry in both modes. */
		entry = bits_get(p, off, TOC_BITS_BE);
		off += toc_bits;
		unsigned ft = (entry >> 1) & 0x0f;
		int bits = amr_frame_bits(wb, ft);
		if (bits < 0)
			return -EINVAL;
		out->f[n].storage[0] = (uint8_t)(ft << 3 | (entry & 1) << 2);
		out->f[n].len = (uint8_t)(1 + (bits + 7) / 8);
		total += oa ? round8((unsigned)bits) : (unsigned)bits;
		n++;
	} while (entry & TOC_F);
	out->n = (uint8_t)n;
	*pos = off;
	*data = total;
	return 0;
}

int
amr_payload_parse(bool wb, bool octet_aligned, const uint8_t *p, unsigned len,
		  struct mrfp_amr_frames *out)
{
	unsigned pos, data;

	/* Also keeps len * 8 and every bit offset far from overflow. */
	if (len > MRFP_AMR_PAYLOAD_MAX)
		return -EMSGSIZE;
	int rc = parse_toc(wb, octet_aligned, p, len, out, &pos, &data);
	if (rc < 0)
		return rc;
	/* Bandwidth-efficient mode pads the end to an octet; octet-aligned is exact already. */
	if (round8(pos + data) != len * 8)
		return -EMSGSIZE;
	unsigned cmr = p[0] >> 4;
	out->cmr = (uint8_t)(cmr_valid(wb, cmr) ? cmr : MRFP_AMR_CMR_NONE);
	for (unsigned i = 0; i < out->n; i++) {
		struct mrfp_amr_frame *f = &out->f[i];
		unsigned bits = (unsigned)amr_frame_bits(wb, amr_storage_ft(f->storage));
		/* Zeroed first: bits_copy ORs, and storage padding must not leak old data. */
		memset(f->storage + 1, 0, f->len - 1u);
		bits_copy(f->storage, 8, p, pos, bits);
		pos += octet_aligned ? round8(bits) : bits;
	}
	return 0;
}

/* Checks the input of a build; returns the payload length it needs in bits, or -EINVAL. */
static int
build_bits(bool wb, bool oa, const struct mrfp_amr_frames *in)
{
	if (!cmr_valid(wb, in->cmr) || in->n == 0 || in->n > MRFP_AMR_MAX_FRAMES)
		return -EINVAL;
	unsigned total = oa ? CMR_BITS_OA : CMR_BITS_BE;
	for (unsigned i = 0; i < in->n; i++) {
		const struct mrfp_amr_frame *f = &in->f[i];
		if (f->len == 0)
			return -EINVAL;
		int bits = amr_frame_bits(wb, amr_storage_ft(f->storage));
		if (bits < 0 || f->len != 1 + (bits + 7) / 8)
			return -EINVAL;
		total += (oa ? TOC_BITS_OA : TOC_BITS_BE) +
			 (oa ? round8((unsigned)bits) : (unsigned)bits);
	}
	return (int)total;
}

int
amr_payload_build(bool wb, bool octet_aligned, const struct mrfp_amr_frames *in, uint8_t *out,
		  unsigned cap)
{
	int total = build_bits(wb, octet_aligned, in);
	if (total < 0)
		return total;
	unsigned len = round8((unsigned)total) / 8;
	if (len > cap)
		return -ENOSPC;
	memset(out, 0, len);
	out[0] = (uint8_t)(in->cmr << 4); /* octet-aligned: the four R bits stay 0 */

	unsigned toc_bits = octet_aligned ? TOC_BITS_OA : TOC_BITS_BE;
	unsigned pos = octet_aligned ? CMR_BITS_OA : CMR_BITS_BE;
	for (unsigned i = 0; i < in->n; i++) {
		const uint8_t *st = in->f[i].storage;
		unsigned entry =
			(i + 1u < in->n ? TOC_F : 0) | amr_storage_ft(st) << 1 | amr_storage_q(st);
		bits_put(out, pos, entry << (toc_bits - TOC_BITS_BE), toc_bits);
		pos += toc_bits;
	}
	for (unsigned i = 0; i < in->n; i++) {
		const uint8_t *st = in->f[i].storage;
		unsigned bits = (unsigned)amr_frame_bits(wb, amr_storage_ft(st));
		bits_copy(out, pos, st, 8, bits);
		pos += octet_aligned ? round8(bits) : bits;
	}
	return (int)len;
}
