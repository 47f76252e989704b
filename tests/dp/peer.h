/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test participant: its own libsrtp2 sessions (independent of mrfp's wrapper) and frames
 * built byte by byte, sent into and read from a net_ring port.
 */
#ifndef MRFP_TEST_PEER_H
#define MRFP_TEST_PEER_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <srtp2/srtp.h>

#include "mrfp_srtp.h"

struct peer {
	uint32_t ip;	 /* network order */
	uint8_t ip6[16]; /* used instead of ip when v6 is set */
	int v6;
	uint16_t port;	   /* participant's UDP port, host order */
	uint16_t leg_port; /* mrfpd's local port for this leg */
	uint8_t mac[6];
	struct mrfp_srtp_key send_key; /* what the participant sends with (leg rx key) */
	struct mrfp_srtp_key recv_key; /* what mrfpd sends to it with (leg tx key) */
	srtp_t send, recv;
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
};

void peer_init(struct peer *p, unsigned int index, uint16_t leg_port, enum mrfp_srtp_suite suite);
void peer_fini(struct peer *p);
/* A new send session from p->send_key (after the test changed it): a new stream. */
void peer_rekey_send(struct peer *p);
/* Plain RTP packet: 12-byte header + payload filled with (tag, seq). Returns length. */
int peer_rtp(struct peer *p, uint8_t *buf, uint8_t tag, uint16_t payload_len);
/* Frame to mrfpd's media address (10.0.0.1) from p, carrying udp payload. */
struct rte_mbuf *peer_frame(struct rte_mempool *mp, const struct peer *p, uint16_t dport,
			    const uint8_t *payload, uint16_t len);
/* Same over IPv6 to fd00::1 (p->v6 set by peer_set_v6). */
void peer_set_v6(struct peer *p, unsigned int index);
struct rte_mbuf *peer_frame6(struct rte_mempool *mp, const struct peer *p, uint8_t proto,
			     uint16_t dport, const uint8_t *payload, uint16_t len);

/* Frame carrying the next RTP packet of p with this payload (pt, ts advanced by `samples`),
 * protected with p's send key. */
struct rte_mbuf *peer_payload_frame(struct rte_mempool *mp, struct peer *p, uint8_t pt,
				    const uint8_t *payload, uint16_t len, uint32_t samples);

/* Frame carrying the next protected packet of p. *srtp_copy receives the SRTP bytes if set. */
struct rte_mbuf *peer_srtp_frame(struct rte_mempool *mp, struct peer *p, uint8_t tag,
				 uint8_t *srtp_copy, int *srtp_len);

/* Unaligned big-endian field access (RTP headers sit at odd offsets in frames). */
static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

#define MEDIA_IP RTE_IPV4(10, 0, 0, 1)
extern const uint8_t media_ip6[16]; /* fd00::1 */

#endif
