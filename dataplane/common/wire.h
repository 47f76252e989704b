/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header fields at any alignment: RTP sits 42 bytes into an Ethernet/IPv4/UDP frame (2 mod 4).
 * memcpy compiles to a plain load/store on x86-64 and arm64 and is defined behaviour.
 */
#ifndef MRFP_DP_WIRE_H
#define MRFP_DP_WIRE_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

/* The fixed RTP header (RFC 3550 5.1), packed: it sits at 2 mod 4 in a frame. */
#define RTP_HDR_LEN 12
struct rtp_hdr {
	uint8_t vpxcc;
	uint8_t mpt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
} __rte_packed;

static inline uint16_t
wire_be16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline uint32_t
wire_be32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

/* The 32 bits as they are on the wire (SSRCs are compared in network order). */
static inline uint32_t
wire_raw32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
wire_put_be16(void *p, uint16_t v)
{
	v = rte_cpu_to_be_16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
wire_put_be32(void *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
wire_put_raw32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

#endif
