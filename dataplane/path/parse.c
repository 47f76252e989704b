/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header checks for received frames. One small function per layer; each returns a drop
 * reason so that every rejected frame is counted under a name.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "parse.h"

#define IPV6_NEXT_FRAGMENT 44

static enum mrfp_drop
parse_l2(const uint8_t *f, uint32_t len, const struct parse_ctx *ctx, uint16_t *ethertype,
	 uint16_t *l3_off)
{
	if (len < sizeof(struct rte_ether_hdr))
		return MRFP_DROP_MALFORMED_L2;
	const struct rte_ether_hdr *eth = (const void *)f;
	uint16_t type = rte_be_to_cpu_16(eth->ether_type);
	uint16_t off = sizeof(*eth);
	uint16_t vlan = 0;
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (len < off + sizeof(struct rte_vlan_hdr))
			return MRFP_DROP_MALFORMED_L2;
		const struct rte_vlan_hdr *vh = (const void *)(f + off);
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		type = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(*vh);
	}
	if (vlan != ctx->vlan)
		return MRFP_DROP_WRONG_VLAN;
	*ethertype = type;
	*l3_off = off;
	return MRFP_DROP_NONE;
}

static enum mrfp_drop
parse_arp(const uint8_t *f, uint32_t len, struct pkt_info *pi)
{
	if (len < pi->l3_off + sizeof(struct rte_arp_hdr))
		return MRFP_DROP_MALFORMED_ARP;
	const struct rte_arp_hdr *arp = (const void *)(f + pi->l3_off);
	if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return MRFP_DROP_MALFORMED_ARP;
	pi->kind = PKT_ARP;
	return MRFP_DROP_NONE;
}

static enum mrfp_drop
parse_udp(const uint8_t *f, uint32_t l4_len, struct pkt_info *pi)
{
	if (l4_len < sizeof(struct rte_udp_hdr))
		return MRFP_DROP_MALFORMED_L4;
	const struct rte_udp_hdr *udp = (const void *)(f + pi->l4_off);
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > l4_len)
		return MRFP_DROP_MALFORMED_L4;
	pi->kind = PKT_UDP;
	pi->src.port = udp->src_port;
	pi->dport = rte_be_to_cpu_16(udp->dst_port);
	pi->data_off = pi->l4_off + sizeof(*udp);
	pi->data_len = ulen - sizeof(*udp);
	return MRFP_DROP_NONE;
}

static enum mrfp_drop
parse_l4(const uint8_t *f, uint32_t l4_len, uint8_t proto, struct pkt_info *pi)
{
	pi->l4_proto = proto;
	if (proto == IPPROTO_UDP)
		return parse_udp(f, l4_len, pi);
	if ((proto == IPPROTO_ICMP && pi->src.family == AF_INET) ||
	    (proto == IPPROTO_ICMPV6 && pi->src.family == AF_INET6)) {
		if (l4_len < sizeof(struct rte_icmp_hdr))
			return MRFP_DROP_MALFORMED_L4;
		pi->kind = proto == IPPROTO_ICMP ? PKT_ICMP4 : PKT_ICMP6;
		pi->data_off = pi->l4_off;
		pi->data_len = l4_len;
		return MRFP_DROP_NONE;
	}
	return MRFP_DROP_UNSUPPORTED_L4;
}

static enum mrfp_drop
parse_ipv4(const uint8_t *f, uint32_t len, const struct parse_ctx *ctx, struct pkt_info *pi)
{
	if (ctx->media4 == 0)
		return MRFP_DROP_UNSUPPORTED_ETHERTYPE;
	if (len < pi->l3_off + sizeof(struct rte_ipv4_hdr))
		return MRFP_DROP_MALFORMED_L3;
	const struct rte_ipv4_hdr *ip = (const void *)(f + pi->l3_off);
	uint16_t ihl = (ip->version_ihl & 0xf) * 4;
	uint16_t total = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || total < ihl ||
	    pi->l3_off + (uint32_t)total > len)
		return MRFP_DROP_MALFORMED_L3;
	if (ip->dst_addr != ctx->media4)
		return MRFP_DROP_NOT_FOR_US;
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return MRFP_DROP_IP_FRAGMENT;
	pi->src.family = AF_INET;
	pi->src.v4 = ip->src_addr;
	pi->l4_off = pi->l3_off + ihl;
	return parse_l4(f, total - ihl, ip->next_proto_id, pi);
}

/* Our address, or the solicited-node group ff02::1:ffXX:XXXX that ND solicitations use. */
static int
ipv6_dst_is_ours(const uint8_t *dst, const struct parse_ctx *ctx)
{
	static const uint8_t snm_prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
	if (memcmp(dst, ctx->media6, 16) == 0)
		return 1;
	return memcmp(dst, snm_prefix, 13) == 0 && memcmp(dst + 13, ctx->media6 + 13, 3) == 0;
}

static enum mrfp_drop
parse_ipv6(const uint8_t *f, uint32_t len, const struct parse_ctx *ctx, struct pkt_info *pi)
{
	if (!ctx->has_media6)
		return MRFP_DROP_UNSUPPORTED_ETHERTYPE;
	if (len < pi->l3_off + sizeof(struct rte_ipv6_hdr))
		return MRFP_DROP_MALFORMED_L3;
	const struct rte_ipv6_hdr *ip = (const void *)(f + pi->l3_off);
	uint32_t payload = rte_be_to_cpu_16(ip->payload_len);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 || pi->l3_off + sizeof(*ip) + payload > len)
		return MRFP_DROP_MALFORMED_L3;
	if (!ipv6_dst_is_ours(ip->dst_addr, ctx))
		return MRFP_DROP_NOT_FOR_US;
	if (ip->proto == IPV6_NEXT_FRAGMENT)
		return MRFP_DROP_IP_FRAGMENT;
	pi->src.family = AF_INET6;
	memcpy(pi->src.v6, ip->src_addr, 16);
	pi->l4_off = pi->l3_off + sizeof(*ip);
	/* Media traffic carries no extension headers; anything else is not ours to handle. */
	return parse_l4(f, payload, ip->proto, pi);
}

enum mrfp_drop
parse_frame(const uint8_t *frame, uint32_t len, const struct parse_ctx *ctx, struct pkt_info *pi)
{
	uint16_t ethertype;
	memset(pi, 0, sizeof(*pi));
	enum mrfp_drop d = parse_l2(frame, len, ctx, &ethertype, &pi->l3_off);
	if (d != MRFP_DROP_NONE)
		return d;
	switch (ethertype) {
	case RTE_ETHER_TYPE_ARP:
		return parse_arp(frame, len, pi);
	case RTE_ETHER_TYPE_IPV4:
		return parse_ipv4(frame, len, ctx, pi);
	case RTE_ETHER_TYPE_IPV6:
		return parse_ipv6(frame, len, ctx, pi);
	default:
		return MRFP_DROP_UNSUPPORTED_ETHERTYPE;
	}
}
