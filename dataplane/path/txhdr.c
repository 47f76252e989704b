/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output headers are built once per (leg, next hop) and only their lengths and checksums are
 * filled per packet: the cheapest way to send the same SRTP bytes to many addresses.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_priv.h"

#define DSCP_EF (46 << 2) /* RFC 3246 Expedited Forwarding, the usual marking for voice */
#define TTL 64

static uint8_t
put_l2(uint8_t *b, const struct rte_ether_addr *src, const struct rte_ether_addr *dst,
       uint16_t vlan, uint16_t ethertype)
{
	struct rte_ether_hdr *eth = (void *)b;
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
	if (vlan == 0) {
		eth->ether_type = rte_cpu_to_be_16(ethertype);
		return sizeof(*eth);
	}
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	struct rte_vlan_hdr *vh = (void *)(b + sizeof(*eth));
	vh->vlan_tci = rte_cpu_to_be_16(vlan);
	vh->eth_proto = rte_cpu_to_be_16(ethertype);
	return sizeof(*eth) + sizeof(*vh);
}

static uint8_t
put_ipv4(uint8_t *b, const struct mrfp_addr *local, const struct mrfp_addr *remote)
{
	struct rte_ipv4_hdr *ip = (void *)b;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = DSCP_EF;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TTL;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = local->v4;
	ip->dst_addr = remote->v4;
	return sizeof(*ip);
}

static uint8_t
put_ipv6(uint8_t *b, const struct mrfp_addr *local, const struct mrfp_addr *remote)
{
	struct rte_ipv6_hdr *ip = (void *)b;
	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)DSCP_EF << 20);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = TTL;
	memcpy(ip->src_addr, local->v6, 16);
	memcpy(ip->dst_addr, remote->v6, 16);
	return sizeof(*ip);
}

void
txhdr_build(struct txhdr *h, const struct rte_ether_addr *src_mac,
	    const struct rte_ether_addr *dst_mac, uint16_t vlan, const struct mrfp_addr *local,
	    const struct mrfp_addr *remote)
{
	uint16_t type = remote->family == AF_INET ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	memset(h, 0, sizeof(*h));
	h->l3_off = put_l2(h->bytes, src_mac, dst_mac, vlan, type);
	uint8_t l3 = remote->family == AF_INET ? put_ipv4(h->bytes + h->l3_off, local, remote)
					       : put_ipv6(h->bytes + h->l3_off, local, remote);
	struct rte_udp_hdr *udp = (void *)(h->bytes + h->l3_off + l3);
	udp->src_port = local->port;
	udp->dst_port = remote->port;
	h->len = h->l3_off + l3 + sizeof(*udp);
	h->family = remote->family;
	if (h->family == AF_INET) /* per packet only the length is added (RFC 1624) */
		h->ip4_sum = rte_raw_cksum(h->bytes + h->l3_off, sizeof(struct rte_ipv4_hdr));
}

static uint16_t
ip4_cksum(uint32_t sum, uint16_t total_length)
{
	sum += total_length;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Prepend h to m (whose data is the UDP payload) and fill lengths and checksums. */
void
txhdr_push(struct rte_mbuf *m, const struct txhdr *h)
{
	const struct rte_udp_hdr *u = (const void *)(h->bytes + h->len - sizeof(*u));
	txhdr_push_ports(m, h, u->src_port, u->dst_port);
}

/* The same with other UDP ports (network order): RTCP to the same remote host. */
void
txhdr_push_ports(struct rte_mbuf *m, const struct txhdr *h, uint16_t sport, uint16_t dport)
{
	uint16_t payload = rte_pktmbuf_data_len(m);
	uint8_t *b = (uint8_t *)rte_pktmbuf_prepend(m, h->len);
	rte_memcpy(b, h->bytes, h->len);
	struct rte_udp_hdr *udp = (void *)(b + h->len - sizeof(*udp));
	udp->src_port = sport;
	udp->dst_port = dport;
	udp->dgram_len = rte_cpu_to_be_16(payload + sizeof(*udp));
	if (h->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (void *)(b + h->l3_off);
		ip->total_length = rte_cpu_to_be_16(payload + sizeof(*udp) + sizeof(*ip));
		/* the raw sum is in memory order, so the length joins it as stored */
		ip->hdr_checksum = ip4_cksum(h->ip4_sum, ip->total_length);
		/* RFC 768: zero means "no checksum"; SRTP authenticates the payload anyway. */
		udp->dgram_cksum = 0;
	} else {
		struct rte_ipv6_hdr *ip = (void *)(b + h->l3_off);
		ip->payload_len = udp->dgram_len;
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp); /* mandatory for IPv6 */
	}
}
