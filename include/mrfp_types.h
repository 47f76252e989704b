/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_TYPES_H
#define MRFP_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* An IPv4 or IPv6 transport address. Addresses and ports in network byte order. */
struct mrfp_addr {
	uint8_t family; /* AF_INET or AF_INET6; 0 = unset */
	uint8_t pad;
	uint16_t port; /* network order */
	union {
		uint32_t v4; /* network order */
		uint8_t v6[16];
	};
};

/* H.248 LocalControl Mode, relative to the exterior of the context (H.248.1 7.1.7). */
enum mrfp_leg_mode {
	MRFP_MODE_INACTIVE = 0, /* H.248 default */
	MRFP_MODE_SENDRECV,
	MRFP_MODE_SENDONLY, /* the leg only hears: mrfpd sends, ignores its input */
	MRFP_MODE_RECVONLY, /* the leg only talks: mrfpd receives, sends nothing */
	MRFP_MODE_COUNT
};

/* Symmetric RTP: where outbound media goes relative to where inbound comes from. */
enum mrfp_latch {
	MRFP_LATCH_ON = 0, /* follow the source of the last authenticated packet (default) */
	MRFP_LATCH_STRICT, /* accept only from the configured remote address */
	MRFP_LATCH_OFF,	   /* accept from anywhere, always send to the configured remote */
	MRFP_LATCH_COUNT
};

enum mrfp_media_mode {
	MRFP_MEDIA_SWITCH = 0, /* forward each source to every other leg */
	MRFP_MEDIA_MIX,	       /* decode, sum, encode */
	MRFP_MEDIA_COUNT
};

/* The audio codecs of a mix (RTP encoding names PCMU, PCMA, AMR, AMR-WB, opus, G722). */
enum mrfp_codec_id {
	MRFP_CODEC_PCMU,
	MRFP_CODEC_PCMA,
	MRFP_CODEC_AMR,
	MRFP_CODEC_AMR_WB,
	MRFP_CODEC_OPUS,
	MRFP_CODEC_G722,
	MRFP_CODEC_ID_COUNT
};

/*
 * A leg's payload format in a mix. A static payload type names its codec by itself (RFC 3551:
 * 0 PCMU, 8 PCMA, 9 G722) and the rest is ignored; a dynamic one (96-127) is what this says.
 */
struct mrfp_audio_fmt {
	enum mrfp_codec_id codec;
	bool octet_aligned; /* AMR, AMR-WB: RFC 4867 octet-aligned, else bandwidth-efficient */
	uint8_t mode;	    /* AMR, AMR-WB: the speech mode mrfpd sends (0 .. 7 or 8) */
	uint32_t bitrate;   /* opus: bit/s mrfpd sends at (6000 .. 510000); 0 = 32000 */
};

enum mrfp_key_mode { MRFP_KEYS_BILATERAL = 0, MRFP_KEYS_GROUP, MRFP_KEYS_HYBRID, MRFP_KEYS_COUNT };

/* Name tables shared by config, telemetry and the lab feed. Any thread. */
const char *mrfp_leg_mode_name(enum mrfp_leg_mode mode);
const char *mrfp_latch_name(enum mrfp_latch latch);
const char *mrfp_media_mode_name(enum mrfp_media_mode mode);
/* Whether two payload formats send the same bytes (codec and every parameter). Any thread. */
bool mrfp_audio_fmt_equal(const struct mrfp_audio_fmt *a, const struct mrfp_audio_fmt *b);
/* The RTP encoding name of a codec (PCMU, PCMA, AMR, AMR-WB, opus, G722), or NULL. */
const char *mrfp_codec_name(enum mrfp_codec_id id);

/* Parse "10.0.0.1", "fe80::1", with optional ":port" / "[v6]:port". 0 or -EINVAL. Any thread. */
int mrfp_addr_parse(const char *text, struct mrfp_addr *out);
/* Format into buf (>= 64 bytes). Returns buf. Any thread. */
char *mrfp_addr_format(const struct mrfp_addr *addr, char *buf, unsigned int size);
bool mrfp_addr_equal(const struct mrfp_addr *a, const struct mrfp_addr *b);

#endif
