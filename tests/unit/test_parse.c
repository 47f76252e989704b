/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame parser (dataplane/path/parse.c) and the RFC 5761 RTP/RTCP demultiplexer.
 *
 * Frames are written byte by byte from the wire formats (IEEE 802.3/802.1Q, RFC 791, RFC 8200,
 * RFC 768, RFC 826, RFC 792, RFC 4861), not with DPDK's header structs, so that a layout
 * mistake shared by the parser and the test cannot cancel out. Every expected offset is
 * counted by hand from those formats.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "parse.h"

#define ETH_IPV4 0x0800
#define ETH_ARP 0x0806
#define ETH_VLAN 0x8100
#define ETH_IPV6 0x86dd
#define ETH_LLDP 0x88cc

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_HOPOPT 0
#define P_FRAG6 44
#define P_ICMP6 58

static const uint8_t MEDIA4[4] = {10, 0, 0, 1};
static const uint8_t PEER4[4] = {10, 0, 0, 2};
static const uint8_t OTHER4[4] = {10, 0, 0, 9};
/* 2001:db8::12:3456 and the peer 2001:db8::2 */
static const uint8_t MEDIA6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,	  0,
				   0,	 0,    0,    0,	   0, 0x12, 0x34, 0x56};
static const uint8_t PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
/* RFC 4291 2.7.1: ff02::1:ff00:0/104 + the low 24 bits of MEDIA6 */
static const uint8_t SNM6[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x12, 0x34, 0x56};
/* solicited-node group of another address (low 24 bits differ) */
static const uint8_t SNM6_OTHER[16] = {0xff, 0x02, 0, 0, 0,    0,    0,	   0,
				       0,    0,	   0, 1, 0xff, 0x12, 0x34, 0x57};

/* ---- a tiny byte writer ------------------------------------------------------------------ */

struct frame {
	uint8_t b[256];
	uint32_t len;
};

static void
put8(struct frame *f, uint8_t v)
{
	assert_true(f->len < sizeof(f->b));
	f->b[f->len++] = v;
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
putn(struct frame *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, p[i]);
}

static void
fill(struct frame *f, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, v);
}

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 1}, src[6] = {0x02, 0, 0, 0, 0, 2};
	putn(f, dst, 6);
	putn(f, src, 6);
	put16(f, type);
}

static void
eth_vlan(struct frame *f, uint16_t tci, uint16_t type)
{
	eth(f, ETH_VLAN);
	put16(f, tci);
	put16(f, type);
}

/* IPv4 header: version/IHL byte given raw so that bad values can be written. */
static void
ipv4(struct frame *f, uint8_t ver_ihl, uint16_t total, uint16_t frag, uint8_t proto,
     const uint8_t src[4], const uint8_t dst[4])
{
	put8(f, ver_ihl);
	put8(f, 0);	  /* TOS */
	put16(f, total);  /* total length */
	put16(f, 0x1234); /* identification */
	put16(f, frag);	  /* flags + fragment offset */
	put8(f, 64);	  /* TTL */
	put8(f, proto);
	put16(f, 0); /* checksum: not the parser's job (NIC offload) */
	putn(f, src, 4);
	putn(f, dst, 4);
	/* options: IHL beyond 5 words is filled with NOP (RFC 791 option type 1) */
	for (unsigned int i = 5; i < (ver_ihl & 0xfu); i++)
		fill(f, 1, 4);
}

static void
ipv6(struct frame *f, uint8_t version, uint16_t payload, uint8_t next, const uint8_t src[16],
     const uint8_t dst[16])
{
	put8(f, (uint8_t)(version << 4));
	put8(f, 0);
	put16(f, 0); /* traffic class / flow label */
	put16(f, payload);
	put8(f, next);
	put8(f, 64); /* hop limit */
	putn(f, src, 16);
	putn(f, dst, 16);
}

static void
udp(struct frame *f, uint16_t sport, uint16_t dport, uint16_t len)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, len);
	put16(f, 0);
}

/* RTP-looking payload: V=2, PT 0, then bytes */
static void
payload(struct frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, i == 0 ? 0x80 : (uint8_t)i);
}

static void
arp(struct frame *f, uint16_t htype, uint16_t ptype, uint8_t hlen, uint8_t plen)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 2};
	put16(f, htype);
	put16(f, ptype);
	put8(f, hlen);
	put8(f, plen);
	put16(f, 1); /* request */
	putn(f, mac, 6);
	putn(f, PEER4, 4);
	fill(f, 0, 6);
	putn(f, MEDIA4, 4);
}

static struct parse_ctx
ctx_both(uint16_t vlan)
{
	struct parse_ctx c;
	memset(&c, 0, sizeof(c));
	c.vlan = vlan;
	memcpy(&c.media4, MEDIA4, 4);
	memcpy(c.media6, MEDIA6, 16);
	c.has_media6 = 1;
	return c;
}

static enum mrfp_drop
parse(const struct frame *f, const struct parse_ctx *c, struct pkt_info *pi)
{
	return parse_frame(f->b, f->len, c, pi);
}

/* UDP/IPv4 to media4:40000 from peer4:5004 with n payload bytes, untagged. */
static void
udp4_frame(struct frame *f, uint16_t n)
{
	eth(f, ETH_IPV4);
	ipv4(f, 0x45, (uint16_t)(20 + 8 + n), 0x4000 /* DF */, P_UDP, PEER4, MEDIA4);
	udp(f, 5004, 40000, (uint16_t)(8 + n));
	payload(f, n);
}

/* ---- good frames ------------------------------------------------------------------------- */

static void
test_udp4(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	udp4_frame(&f, 172);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_UDP);
	assert_int_equal(pi.l4_proto, P_UDP);
	assert_int_equal(pi.l3_off, 14);
	assert_int_equal(pi.l4_off, 34);
	assert_int_equal(pi.data_off, 42);
	assert_int_equal(pi.data_len, 172);
	assert_int_equal(pi.dport, 40000);
	assert_int_equal(pi.src.family, AF_INET);
	assert_memory_equal(&pi.src.v4, PEER4, 4);
	assert_int_equal(ntohs(pi.src.port), 5004);
	assert_int_equal(f.b[pi.data_off], 0x80); /* the offsets point at the RTP header */
}

static void
test_udp4_options(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	eth(&f, ETH_IPV4);
	ipv4(&f, 0x47, 28 + 8 + 20, 0, P_UDP, PEER4, MEDIA4); /* IHL 7: 8 bytes of options */
	udp(&f, 6000, 40002, 8 + 20);
	payload(&f, 20);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_UDP);
	assert_int_equal(pi.l4_off, 14 + 28);
	assert_int_equal(pi.data_off, 14 + 28 + 8);
	assert_int_equal(pi.data_len, 20);
	assert_int_equal(pi.dport, 40002);
	assert_int_equal(ntohs(pi.src.port), 6000);
}

static void
test_udp4_vlan(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(100);
	struct pkt_info pi;
	eth_vlan(&f, (5u << 13) | 100, ETH_IPV4); /* PCP 5 must not disturb the VID */
	ipv4(&f, 0x45, 20 + 8 + 12, 0, P_UDP, PEER4, MEDIA4);
	udp(&f, 5004, 40000, 8 + 12);
	payload(&f, 12);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.l3_off, 18);
	assert_int_equal(pi.l4_off, 38);
	assert_int_equal(pi.data_off, 46);
	assert_int_equal(pi.data_len, 12);
}

/* 802.1Q priority tag (VID 0) on an untagged network: the frame belongs to the native VLAN. */
static void
test_udp4_priority_tag(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	eth_vlan(&f, 6u << 13, ETH_IPV4);
	ipv4(&f, 0x45, 20 + 8 + 12, 0, P_UDP, PEER4, MEDIA4);
	udp(&f, 5004, 40000, 8 + 12);
	payload(&f, 12);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.l3_off, 18);
}

/* A short datagram padded to the 60-byte Ethernet minimum: lengths come from IP/UDP. */
static void
test_udp4_ethernet_padding(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	udp4_frame(&f, 4);
	fill(&f, 0, 60 - f.len);
	assert_int_equal(f.len, 60);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.data_len, 4);
}

static void
test_udp6(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	eth(&f, ETH_IPV6);
	ipv6(&f, 6, 8 + 160, P_UDP, PEER6, MEDIA6);
	udp(&f, 50000, 40010, 8 + 160);
	payload(&f, 160);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_UDP);
	assert_int_equal(pi.l4_proto, P_UDP);
	assert_int_equal(pi.l3_off, 14);
	assert_int_equal(pi.l4_off, 54);
	assert_int_equal(pi.data_off, 62);
	assert_int_equal(pi.data_len, 160);
	assert_int_equal(pi.dport, 40010);
	assert_int_equal(pi.src.family, AF_INET6);
	assert_memory_equal(pi.src.v6, PEER6, 16);
	assert_int_equal(ntohs(pi.src.port), 50000);
}

static void
test_udp6_vlan(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(4094);
	struct pkt_info pi;
	eth_vlan(&f, 4094, ETH_IPV6);
	ipv6(&f, 6, 8 + 10, P_UDP, PEER6, MEDIA6);
	udp(&f, 50000, 40010, 8 + 10);
	payload(&f, 10);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.l3_off, 18);
	assert_int_equal(pi.l4_off, 58);
	assert_int_equal(pi.data_off, 66);
}

static void
test_arp(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	eth(&f, ETH_ARP);
	arp(&f, 1, ETH_IPV4, 6, 4);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_ARP);
	assert_int_equal(pi.l3_off, 14);

	struct frame v = {0};
	struct parse_ctx cv = ctx_both(7);
	eth_vlan(&v, 7, ETH_ARP);
	arp(&v, 1, ETH_IPV4, 6, 4);
	assert_int_equal(parse(&v, &cv, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_ARP);
	assert_int_equal(pi.l3_off, 18);
}

static void
test_icmp4(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	eth(&f, ETH_IPV4);
	ipv4(&f, 0x45, 20 + 8 + 32, 0, P_ICMP, PEER4, MEDIA4);
	put8(&f, 8); /* echo request */
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 1);
	put16(&f, 1);
	fill(&f, 0xab, 32);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_ICMP4);
	assert_int_equal(pi.l4_proto, P_ICMP);
	assert_int_equal(pi.l4_off, 34);
	assert_int_equal(pi.data_off, 34);
	assert_int_equal(pi.data_len, 40);
	assert_int_equal(pi.src.family, AF_INET);
	assert_memory_equal(&pi.src.v4, PEER4, 4);
}

/* RFC 4861 4.3 neighbour solicitation for MEDIA6 sent to its solicited-node group. */
static void
ns_frame(struct frame *f, const uint8_t dst[16])
{
	eth(f, ETH_IPV6);
	ipv6(f, 6, 32, P_ICMP6, PEER6, dst);
	put8(f, 135);
	put8(f, 0);
	put16(f, 0);
	put16(f, 0);
	put16(f, 0);
	putn(f, MEDIA6, 16);
	put8(f, 1); /* source link-layer address option */
	put8(f, 1);
	fill(f, 0x02, 6);
}

static void
test_icmp6_ns_solicited_node(void **state)
{
	(void)state;
	struct frame f = {0};
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	ns_frame(&f, SNM6);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_ICMP6);
	assert_int_equal(pi.l4_proto, P_ICMP6);
	assert_int_equal(pi.l4_off, 54);
	assert_int_equal(pi.data_off, 54);
	assert_int_equal(pi.data_len, 32);
	assert_int_equal(pi.src.family, AF_INET6);
	assert_memory_equal(pi.src.v6, PEER6, 16);

	struct frame u = {0};
	ns_frame(&u, MEDIA6); /* unicast solicitation (NUD) */
	assert_int_equal(parse(&u, &c, &pi), MRFP_DROP_NONE);
	assert_int_equal(pi.kind, PKT_ICMP6);

	struct frame o = {0};
	ns_frame(&o, SNM6_OTHER);
	assert_int_equal(parse(&o, &c, &pi), MRFP_DROP_NOT_FOR_US);
}

/* ---- bad frames: each with its one drop reason -------------------------------------------- */

static void
test_short_frames(void **state)
{
	(void)state;
	struct parse_ctx c = ctx_both(0);
	struct pkt_info pi;
	struct frame f = {0};
	udp4_frame(&f, 20);
	for (uint32_t n = 0; n < 14; n++)
		assert_int_equal(parse_frame(f.b, n, &c, &pi), MRFP_DROP_MALFORMED_L2);

	struct frame v = {0};
	struct parse_ctx cv = ctx_both(100);
	eth_vlan(&v, 100, ETH_IPV4);
	for (uint32_t n = 14; n < 18; n++)
		assert_int_equal(parse_frame(v.b, n, &cv, &pi), MRFP_DROP_MALFORMED_L2);

	/* Ethernet complete, IPv4 header cut short */
	for (uint32_t n = 14; n < 34; n++)
		assert_int_equal(parse_frame(f.b, n, &c, &pi), MRFP_DROP_MALFORMED_L3);
	/* IPv6 header cut short */
	struct frame s = {0};
	eth(&s, ETH_IPV6);
	ipv6(&s, 6, 0, P_UDP, PEER6, MEDIA6);
	for (uint32_t n = 14; n < 54; n++)
		assert_int_equal(parse_frame(s.b, n, &c, &pi), MRFP_DROP_MALFORMED_L3);
}

static void
test_wrong_vlan(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c100 = ctx_both(100), c0 = ctx_both(0);

	struct frame tagged = {0};
	eth_vlan(&tagged, 200, ETH_IPV4);
	ipv4(&tagged, 0x45, 28, 0, P_UDP, PEER4, MEDIA4);
	udp(&tagged, 1, 40000, 8);
	assert_int_equal(parse(&tagged, &c100, &pi), MRFP_DROP_WRONG_VLAN);
	assert_int_equal(parse(&tagged, &c0, &pi), MRFP_DROP_WRONG_VLAN);

	struct frame untagged = {0};
	udp4_frame(&untagged, 4);
	assert_int_equal(parse(&untagged, &c100, &pi), MRFP_DROP_WRONG_VLAN);

	/* PCP and DEI bits of the TCI are not part of the VLAN id */
	struct frame pcp = {0};
	eth_vlan(&pcp, (7u << 13) | (1u << 12) | 100, ETH_IPV4); /* DEI set */
	ipv4(&pcp, 0x45, 28, 0, P_UDP, PEER4, MEDIA4);
	udp(&pcp, 1, 40000, 8);
	assert_int_equal(parse(&pcp, &c100, &pi), MRFP_DROP_NONE);
}

static void
test_bad_ipv4_header(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	/* IHL below 5 words */
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		struct frame f = {0};
		eth(&f, ETH_IPV4);
		ipv4(&f, (uint8_t)(0x40 | ihl), 28, 0, P_UDP, PEER4, MEDIA4);
		udp(&f, 1, 40000, 8);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L3);
	}
	/* IHL 15 (60 bytes) but total length 40 */
	struct frame big = {0};
	eth(&big, ETH_IPV4);
	ipv4(&big, 0x4f, 40, 0, P_UDP, PEER4, MEDIA4);
	assert_int_equal(parse(&big, &c, &pi), MRFP_DROP_MALFORMED_L3);
	/* IP version 6 inside an IPv4 ethertype */
	struct frame ver = {0};
	eth(&ver, ETH_IPV4);
	ipv4(&ver, 0x65, 28, 0, P_UDP, PEER4, MEDIA4);
	udp(&ver, 1, 40000, 8);
	assert_int_equal(parse(&ver, &c, &pi), MRFP_DROP_MALFORMED_L3);
}

static void
test_ipv4_total_length(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	struct frame f = {0};
	eth(&f, ETH_IPV4);
	ipv4(&f, 0x45, 20 + 8 + 100 + 1, 0, P_UDP, PEER4, MEDIA4); /* one byte beyond the frame */
	udp(&f, 1, 40000, 8 + 100);
	payload(&f, 100);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L3);
	/* exactly the frame: fine */
	f.b[14 + 3] -= 1;
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	/* total length smaller than the header */
	f.b[14 + 2] = 0;
	f.b[14 + 3] = 19;
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L3);
	/* the VLAN tag counts: total that fits untagged but not after the tag */
	struct frame v = {0};
	struct parse_ctx cv = ctx_both(9);
	eth_vlan(&v, 9, ETH_IPV4);
	ipv4(&v, 0x45, 20 + 8 + 4, 0, P_UDP, PEER4, MEDIA4);
	udp(&v, 1, 40000, 8 + 4);
	payload(&v, 2); /* two bytes short */
	assert_int_equal(parse(&v, &cv, &pi), MRFP_DROP_MALFORMED_L3);
}

static void
test_not_for_us(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	static const uint8_t bcast[4] = {255, 255, 255, 255}, mcast[4] = {224, 0, 0, 1};
	const uint8_t *dsts[] = {OTHER4, bcast, mcast, PEER4};
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		struct frame f = {0};
		eth(&f, ETH_IPV4);
		ipv4(&f, 0x45, 28, 0, P_UDP, PEER4, dsts[i]);
		udp(&f, 1, 40000, 8);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NOT_FOR_US);
	}
	static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	const uint8_t *dst6[] = {PEER6, all_nodes, SNM6_OTHER};
	for (size_t i = 0; i < sizeof(dst6) / sizeof(dst6[0]); i++) {
		struct frame f = {0};
		eth(&f, ETH_IPV6);
		ipv6(&f, 6, 8, P_UDP, PEER6, dst6[i]);
		udp(&f, 1, 40000, 8);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NOT_FOR_US);
	}
}

static void
test_ipv4_fragments(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	/* MF set, offset 0 (first fragment); MF clear, offset 185 (last); MF and offset; DF+MF */
	static const uint16_t frag[] = {0x2000, 0x00b9, 0x20b9, 0x6000, 0x0001, 0x1fff};
	for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		struct frame f = {0};
		eth(&f, ETH_IPV4);
		ipv4(&f, 0x45, 28 + 8, frag[i], P_UDP, PEER4, MEDIA4);
		udp(&f, 1, 40000, 16);
		payload(&f, 8);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_IP_FRAGMENT);
	}
	/* DF alone is not a fragment */
	struct frame df = {0};
	eth(&df, ETH_IPV4);
	ipv4(&df, 0x45, 28, 0x4000, P_UDP, PEER4, MEDIA4);
	udp(&df, 1, 40000, 8);
	assert_int_equal(parse(&df, &c, &pi), MRFP_DROP_NONE);
}

static void
test_ipv6_fragment_header(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	struct frame f = {0};
	eth(&f, ETH_IPV6);
	ipv6(&f, 6, 8 + 8 + 4, P_FRAG6, PEER6, MEDIA6);
	put8(&f, P_UDP); /* fragment header: next, reserved, offset/M, id */
	put8(&f, 0);
	put16(&f, 0x0001); /* M set */
	put16(&f, 0xdead);
	put16(&f, 0xbeef);
	udp(&f, 1, 40000, 12);
	payload(&f, 4);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_IP_FRAGMENT);
}

static void
test_bad_ipv6_header(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	struct frame f = {0};
	eth(&f, ETH_IPV6);
	ipv6(&f, 6, 8 + 10 + 1, P_UDP, PEER6, MEDIA6); /* payload one byte beyond the frame */
	udp(&f, 1, 40000, 18);
	payload(&f, 10);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L3);
	f.b[14 + 5] -= 1;
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_NONE);
	f.b[14] = 4 << 4; /* version 4 in an IPv6 ethertype */
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L3);
}

static void
test_udp_length(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	/* UDP length beyond the IP payload */
	struct frame f = {0};
	eth(&f, ETH_IPV4);
	ipv4(&f, 0x45, 20 + 8 + 10, 0, P_UDP, PEER4, MEDIA4);
	udp(&f, 1, 40000, 8 + 11);
	payload(&f, 10);
	fill(&f, 0, 30); /* frame padding must not make it acceptable */
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L4);
	/* UDP length below the UDP header */
	for (uint16_t ulen = 0; ulen < 8; ulen++) {
		struct frame s = {0};
		eth(&s, ETH_IPV4);
		ipv4(&s, 0x45, 28, 0, P_UDP, PEER4, MEDIA4);
		udp(&s, 1, 40000, ulen);
		assert_int_equal(parse(&s, &c, &pi), MRFP_DROP_MALFORMED_L4);
	}
	/* IP payload too short for a UDP header */
	struct frame t = {0};
	eth(&t, ETH_IPV4);
	ipv4(&t, 0x45, 20 + 4, 0, P_UDP, PEER4, MEDIA4);
	put16(&t, 1);
	put16(&t, 40000);
	fill(&t, 0, 20);
	assert_int_equal(parse(&t, &c, &pi), MRFP_DROP_MALFORMED_L4);
	/* same on IPv6 */
	struct frame six = {0};
	eth(&six, ETH_IPV6);
	ipv6(&six, 6, 8 + 4, P_UDP, PEER6, MEDIA6);
	udp(&six, 1, 40000, 8 + 5);
	payload(&six, 4);
	assert_int_equal(parse(&six, &c, &pi), MRFP_DROP_MALFORMED_L4);
	struct frame six_s = {0};
	eth(&six_s, ETH_IPV6);
	ipv6(&six_s, 6, 8, P_UDP, PEER6, MEDIA6);
	udp(&six_s, 1, 40000, 7);
	assert_int_equal(parse(&six_s, &c, &pi), MRFP_DROP_MALFORMED_L4);
}

static void
test_short_icmp(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	struct frame f = {0};
	eth(&f, ETH_IPV4);
	ipv4(&f, 0x45, 20 + 4, 0, P_ICMP, PEER4, MEDIA4);
	put8(&f, 8);
	put8(&f, 0);
	put16(&f, 0);
	fill(&f, 0, 20);
	assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_L4);
}

static void
test_unsupported_l4(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	static const uint8_t protos4[] = {P_TCP, P_ICMP6, 50 /* ESP */, 132 /* SCTP */};
	for (size_t i = 0; i < sizeof(protos4); i++) {
		struct frame f = {0};
		eth(&f, ETH_IPV4);
		ipv4(&f, 0x45, 20 + 20, 0, protos4[i], PEER4, MEDIA4);
		fill(&f, 0, 20);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_UNSUPPORTED_L4);
	}
	static const uint8_t protos6[] = {P_TCP, P_ICMP, P_HOPOPT, 43 /* routing */, 60};
	for (size_t i = 0; i < sizeof(protos6); i++) {
		struct frame f = {0};
		eth(&f, ETH_IPV6);
		ipv6(&f, 6, 20, protos6[i], PEER6, MEDIA6);
		fill(&f, 0, 20);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_UNSUPPORTED_L4);
	}
}

static void
test_unsupported_ethertype(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	static const uint16_t types[] = {ETH_LLDP, 0x88a8 /* QinQ */, 0x8847 /* MPLS */, 0x0600};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct frame f = {0};
		eth(&f, types[i]);
		fill(&f, 0, 46);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_UNSUPPORTED_ETHERTYPE);
	}
	/* a family without a media address is not ours to parse */
	struct parse_ctx only4 = ctx_both(0), only6 = ctx_both(0);
	only4.has_media6 = 0;
	memset(only4.media6, 0, 16);
	only6.media4 = 0;
	struct frame f6 = {0};
	eth(&f6, ETH_IPV6);
	ipv6(&f6, 6, 8, P_UDP, PEER6, MEDIA6);
	udp(&f6, 1, 40000, 8);
	assert_int_equal(parse(&f6, &only4, &pi), MRFP_DROP_UNSUPPORTED_ETHERTYPE);
	assert_int_equal(parse(&f6, &only6, &pi), MRFP_DROP_NONE);
	struct frame f4 = {0};
	udp4_frame(&f4, 4);
	assert_int_equal(parse(&f4, &only6, &pi), MRFP_DROP_UNSUPPORTED_ETHERTYPE);
	assert_int_equal(parse(&f4, &only4, &pi), MRFP_DROP_NONE);
}

static void
test_malformed_arp(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct parse_ctx c = ctx_both(0);
	static const struct {
		uint16_t htype, ptype;
		uint8_t hlen, plen;
	} bad[] = {
		{6, ETH_IPV4, 6, 4},	/* IEEE 802 hardware */
		{1, ETH_IPV6, 6, 4},	/* not IPv4 */
		{1, ETH_IPV4, 8, 4},	/* hardware length */
		{1, ETH_IPV4, 6, 16},	/* protocol length */
		{0x0100, 0x0008, 6, 4}, /* fields in host order on a little-endian sender */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct frame f = {0};
		eth(&f, ETH_ARP);
		arp(&f, bad[i].htype, bad[i].ptype, bad[i].hlen, bad[i].plen);
		assert_int_equal(parse(&f, &c, &pi), MRFP_DROP_MALFORMED_ARP);
	}
	/* truncated: every length short of the 28-byte ARP body */
	struct frame t = {0};
	eth(&t, ETH_ARP);
	arp(&t, 1, ETH_IPV4, 6, 4);
	assert_int_equal(t.len, 14 + 28);
	for (uint32_t n = 14; n < t.len; n++)
		assert_int_equal(parse_frame(t.b, n, &c, &pi), MRFP_DROP_MALFORMED_ARP);
}

/* ---- RFC 5761 demultiplexing ------------------------------------------------------------- */

static void
test_is_rtcp(void **state)
{
	(void)state;
	uint8_t p[2] = {0x80, 0};
	/* RTCP packet types SR 200 .. XR 207 and the whole 192-223 range */
	for (unsigned int b = 192; b <= 223; b++) {
		p[1] = (uint8_t)b;
		assert_true(mrfp_is_rtcp(p, 2));
	}
	/* RTP: PT 0-127 without marker, and with the marker except PT 64-95 */
	for (unsigned int b = 0; b < 192; b++) {
		p[1] = (uint8_t)b;
		assert_false(mrfp_is_rtcp(p, 2));
	}
	for (unsigned int b = 224; b <= 255; b++) {
		p[1] = (uint8_t)b;
		assert_false(mrfp_is_rtcp(p, 2));
	}
	p[1] = 200;
	assert_false(mrfp_is_rtcp(p, 1));
	assert_false(mrfp_is_rtcp(p, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4),
		cmocka_unit_test(test_udp4_options),
		cmocka_unit_test(test_udp4_vlan),
		cmocka_unit_test(test_udp4_priority_tag),
		cmocka_unit_test(test_udp4_ethernet_padding),
		cmocka_unit_test(test_udp6),
		cmocka_unit_test(test_udp6_vlan),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_icmp4),
		cmocka_unit_test(test_icmp6_ns_solicited_node),
		cmocka_unit_test(test_short_frames),
		cmocka_unit_test(test_wrong_vlan),
		cmocka_unit_test(test_bad_ipv4_header),
		cmocka_unit_test(test_ipv4_total_length),
		cmocka_unit_test(test_not_for_us),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_fragment_header),
		cmocka_unit_test(test_bad_ipv6_header),
		cmocka_unit_test(test_udp_length),
		cmocka_unit_test(test_short_icmp),
		cmocka_unit_test(test_unsupported_l4),
		cmocka_unit_test(test_unsupported_ethertype),
		cmocka_unit_test(test_malformed_arp),
		cmocka_unit_test(test_is_rtcp),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
