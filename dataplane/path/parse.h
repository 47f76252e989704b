/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PARSE_H
#define MRFP_DP_PARSE_H

#include <stdint.h>

#include "mrfp_drop.h"
#include "mrfp_types.h"

/* What a frame is, once its headers have been checked. */
enum pkt_kind {
	PKT_ARP,
	PKT_ICMP4, /* ICMP addressed to the media IPv4 address */
	PKT_ICMP6, /* ICMPv6 to the media IPv6 address or its solicited-node group */
	PKT_UDP,   /* UDP addressed to a media address */
};

/* The addresses a frame must be addressed to; read-only configuration. */
struct parse_ctx {
	uint16_t vlan;	 /* 0 = untagged */
	uint32_t media4; /* network order; 0 = no IPv4 */
	uint8_t media6[16];
	uint8_t has_media6;
};

struct pkt_info {
	uint8_t kind;
	uint8_t l4_proto;
	uint16_t l3_off;      /* offset of the ARP/IP header */
	uint16_t l4_off;      /* offset of the UDP/ICMP header */
	uint16_t data_off;    /* offset of the UDP payload (ICMP: = l4_off) */
	uint16_t data_len;    /* UDP payload length (ICMP: whole ICMP message) */
	uint16_t dport;	      /* host order */
	struct mrfp_addr src; /* source address and UDP port */
};

/*
 * Check a frame's Ethernet/VLAN, IPv4/IPv6 and UDP/ICMP headers against ctx and describe it.
 * Returns MRFP_DROP_NONE or why it must be dropped. Pure function: no EAL needed.
 */
enum mrfp_drop parse_frame(const uint8_t *frame, uint32_t len, const struct parse_ctx *ctx,
			   struct pkt_info *pi);

/* RFC 5761 section 4: with rtcp-mux, payload types 64-95 (marker set: 192-223) are RTCP. */
static inline int
mrfp_is_rtcp(const uint8_t *udp_payload, uint16_t len)
{
	return len >= 2 && udp_payload[1] >= 192 && udp_payload[1] <= 223;
}

#endif
