/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PAYLOAD_AMR_H
#define MRFP_DP_PAYLOAD_AMR_H

/*
 * RTP payload format of AMR and AMR-WB (RFC 4867), both the octet-aligned (4.4) and the
 * bandwidth-efficient (4.3) mode, converted to and from the storage frames that the codec
 * libraries take and give: opencore-amr's Decoder_Interface_Decode and Encoder_Interface_Encode,
 * vo-amrwbenc, all of them the RFC 4867 section 5.3 "MIME storage" frame: one header octet
 * (FT << 3 | Q << 2), then the frame's bits in the codec's order, zero-padded to an octet.
 *
 * Supported: one channel, CMR, up to MRFP_AMR_MAX_FRAMES frame-blocks per packet (ptime up to
 * 240 ms), speech, SID (FT 8 AMR, FT 9 AMR-WB), SPEECH_LOST (FT 14, AMR-WB) and NO_DATA (FT 15).
 * Not supported, and refused upstream by control/sdp: interleaving, crc, robust-sorting and
 * channels > 1 (each changes the payload layout, and no IMS profile we serve needs them).
 *
 * The payload is attacker-controlled: every length is checked before it is read, and a packet
 * whose length is not exactly what its ToC announces is refused whole (RFC 4867 4.3.2 asks for
 * that on a reserved FT; a length mismatch is also what a peer in the other mode looks like).
 *
 * Thread safety: pure functions over caller-owned buffers; reentrant. No allocation.
 */
#include <stdbool.h>
#include <stdint.h>

#define MRFP_AMR_MAX_FRAMES 12
#define MRFP_AMR_CMR_NONE 15 /* no mode request */
#define MRFP_AMR_FT_NO_DATA 15
#define MRFP_AMR_FT_SID 8 /* AMR; AMR-WB uses 9 */
#define MRFP_AMRWB_FT_SID 9
#define MRFP_AMRWB_FT_SPEECH_LOST 14
/* The largest storage frame: header + AMR-WB 23.85 kbit/s (477 bits in 60 octets). */
#define MRFP_AMR_STORAGE_MAX 61
/* The largest payload: octet-aligned, CMR + one ToC octet and one such frame per block. */
#define MRFP_AMR_PAYLOAD_MAX (1 + MRFP_AMR_MAX_FRAMES * MRFP_AMR_STORAGE_MAX)

/* One frame-block in storage form: storage[0] is the header, len its whole length. */
struct mrfp_amr_frame {
	uint8_t len;
	uint8_t storage[MRFP_AMR_STORAGE_MAX];
};

/* A parsed payload, or the input of a build. */
struct mrfp_amr_frames {
	uint8_t cmr; /* 0-7 (AMR), 0-8 (AMR-WB) or MRFP_AMR_CMR_NONE */
	uint8_t n;   /* frame-blocks in use, 1..MRFP_AMR_MAX_FRAMES */
	struct mrfp_amr_frame f[MRFP_AMR_MAX_FRAMES];
};

/* Frame type and quality bit of a storage frame header. */
static inline unsigned
amr_storage_ft(const uint8_t *storage)
{
	return (storage[0] >> 3) & 0x0f;
}

static inline bool
amr_storage_q(const uint8_t *storage)
{
	return (storage[0] >> 2) & 1;
}

/*
 * Bits of a frame of type ft (RFC 4867 tables 1a/1b, 3GPP TS 26.101/26.201): speech modes,
 * SID, 0 for SPEECH_LOST and NO_DATA; -1 for a reserved type (AMR 9-14, AMR-WB 10-13).
 */
int amr_frame_bits(bool wb, unsigned ft);

/* Octets of the storage frame of type ft (header included), or -1 if ft is reserved. */
int amr_storage_len(bool wb, unsigned ft);

/*
 * Parse one RTP payload (RTP header and padding removed) into storage frames. Returns 0, or
 * -EMSGSIZE if len disagrees with the ToC (truncated, trailing octets, F never cleared),
 * -EINVAL for a reserved FT, -E2BIG for more than MRFP_AMR_MAX_FRAMES frame-blocks. An
 * invalid CMR (AMR 8-14, AMR-WB 9-14) is reported as MRFP_AMR_CMR_NONE: it carries no request
 * we can honour, and the speech beside it is still good. out is undefined on error.
 */
int amr_payload_parse(bool wb, bool octet_aligned, const uint8_t *p, unsigned len,
		      struct mrfp_amr_frames *out);

/*
 * Build one RTP payload from in->n storage frames (each in->f[i].len octets, as the encoder
 * wrote them; padding bits ignored) and in->cmr. Returns the payload length, or -EINVAL (bad
 * CMR, reserved FT, len not that of its FT, n out of range), -ENOSPC if cap is too small.
 */
int amr_payload_build(bool wb, bool octet_aligned, const struct mrfp_amr_frames *in, uint8_t *out,
		      unsigned cap);

#endif
