/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "peer.h"
#include "srtp_policy.h"

static void
random_key(struct mrfp_srtp_key *k, enum mrfp_srtp_suite suite)
{
	k->suite = suite;
	k->len = (uint8_t)mrfp_srtp_suite_key_len(suite);
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)rte_rand();
}

static srtp_t
session(const struct mrfp_srtp_key *k, srtp_ssrc_type_t type)
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	memset(&pol, 0, sizeof(pol));
	test_srtp_policy_suite(&pol, k->suite);
	pol.ssrc.type = type;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		return NULL;
	return s;
}

void
peer_init(struct peer *p, unsigned int index, uint16_t leg_port, enum mrfp_srtp_suite suite)
{
	memset(p, 0, sizeof(*p));
	p->ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + index));
	p->port = (uint16_t)(5000 + 2 * index);
	p->leg_port = leg_port;
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(0x10 + index)};
	memcpy(p->mac, mac, 6);
	random_key(&p->send_key, suite);
	random_key(&p->recv_key, suite);
	p->send = session(&p->send_key, ssrc_any_outbound);
	p->recv = session(&p->recv_key, ssrc_any_inbound);
	p->ssrc = (uint32_t)rte_rand();
	p->seq = (uint16_t)rte_rand();
	p->ts = (uint32_t)rte_rand();
}

void
peer_rekey_send(struct peer *p)
{
	srtp_dealloc(p->send);
	p->send = session(&p->send_key, ssrc_any_outbound);
}

void
peer_fini(struct peer *p)
{
	srtp_dealloc(p->send);
	srtp_dealloc(p->recv);
}

int
peer_rtp(struct peer *p, uint8_t *buf, uint8_t tag, uint16_t payload_len)
{
	buf[0] = 0x80;
	buf[1] = 0; /* PCMU */
	uint16_t seq = p->seq++;
	p->ts += 160;
	put16(buf + 2, seq);
	put32(buf + 4, p->ts);
	put32(buf + 8, p->ssrc);
	for (uint16_t i = 0; i < payload_len; i++)
		buf[12 + i] = (uint8_t)(i == 0 ? tag : i == 1 ? seq >> 8 : i == 2 ? seq : tag ^ i);
	return 12 + payload_len;
}

struct rte_mbuf *
peer_frame(struct rte_mempool *mp, const struct peer *p, uint16_t dport, const uint8_t *payload,
	   uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	uint16_t hl = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +
		      sizeof(struct rte_udp_hdr);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, hl + len);
	if (b == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	struct rte_ether_hdr *eth = (void *)b;
	struct rte_ipv4_hdr *ip = (void *)(eth + 1);
	struct rte_udp_hdr *udp = (void *)(ip + 1);
	memset(b, 0, hl);
	memcpy(&eth->src_addr, p->mac, 6);
	memset(&eth->dst_addr, 0xff, 6); /* the ring port's MAC is not known to the peer */
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = p->ip;
	ip->dst_addr = rte_cpu_to_be_32(MEDIA_IP);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(p->port);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + len);
	memcpy(udp + 1, payload, len);
	return m;
}

const uint8_t media_ip6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

void
peer_set_v6(struct peer *p, unsigned int index)
{
	static const uint8_t prefix[8] = {0xfd, 0, 0, 0, 0, 0, 0, 0};
	memset(p->ip6, 0, 16);
	memcpy(p->ip6, prefix, 8);
	p->ip6[15] = (uint8_t)(2 + index);
	p->v6 = 1;
}

struct rte_mbuf *
peer_frame6(struct rte_mempool *mp, const struct peer *p, uint8_t proto, uint16_t dport,
	    const uint8_t *payload, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	uint16_t l4 = proto == IPPROTO_UDP ? sizeof(struct rte_udp_hdr) : 0;
	uint16_t hl = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + l4;
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, hl + len);
	if (b == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	struct rte_ether_hdr *eth = (void *)b;
	struct rte_ipv6_hdr *ip = (void *)(eth + 1);
	memset(b, 0, hl);
	memcpy(&eth->src_addr, p->mac, 6);
	memset(&eth->dst_addr, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(l4 + len);
	ip->proto = proto;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, p->ip6, 16);
	memcpy(ip->dst_addr, media_ip6, 16);
	memcpy(b + hl, payload, len);
	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *udp = (void *)(ip + 1);
		udp->src_port = rte_cpu_to_be_16(p->port);
		udp->dst_port = rte_cpu_to_be_16(dport);
		udp->dgram_len = rte_cpu_to_be_16(l4 + len);
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
	return m;
}

struct rte_mbuf *
peer_srtp_frame(struct rte_mempool *mp, struct peer *p, uint8_t tag, uint8_t *srtp_copy,
		int *srtp_len)
{
	uint8_t buf[512];
	int len = peer_rtp(p, buf, tag, 160);
	if (srtp_protect(p->send, buf, &len) != srtp_err_status_ok)
		return NULL;
	if (srtp_copy != NULL) {
		memcpy(srtp_copy, buf, (size_t)len);
		*srtp_len = len;
	}
	if (p->v6)
		return peer_frame6(mp, p, IPPROTO_UDP, p->leg_port, buf, (uint16_t)len);
	return peer_frame(mp, p, p->leg_port, buf, (uint16_t)len);
}

struct rte_mbuf *
peer_payload_frame(struct rte_mempool *mp, struct peer *p, uint8_t pt, const uint8_t *payload,
		   uint16_t len, uint32_t samples)
{
	uint8_t buf[2048];
	int n = 12 + len;
	buf[0] = 0x80;
	buf[1] = pt;
	put16(buf + 2, p->seq++);
	put32(buf + 4, p->ts);
	put32(buf + 8, p->ssrc);
	p->ts += samples;
	memcpy(buf + 12, payload, len);
	if (srtp_protect(p->send, buf, &n) != srtp_err_status_ok)
		return NULL;
	if (p->v6)
		return peer_frame6(mp, p, IPPROTO_UDP, p->leg_port, buf, (uint16_t)n);
	return peer_frame(mp, p, p->leg_port, buf, (uint16_t)n);
}
