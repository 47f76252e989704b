/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's own small neighbour cache (ARP for IPv4, ND for IPv6) and the replies that make
 * the media address reachable: ARP, ICMP echo, neighbour advertisements. Replies reuse the
 * received mbuf; requests use one mbuf from the worker's pool, at most one per second per
 * unresolved next hop.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_jhash.h>

#include <rte_ring_elem.h>

#include "dp_priv.h"
#include "tx.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20

/* RFC 4861 4.3/4.4: ICMPv6 header, reserved/flags word, target, one link-layer option. */
struct nd_msg {
	uint8_t type, code;
	uint16_t cksum;
	uint8_t flags[4]; /* bytes, not a uint32_t: the message sits 2 bytes off a 4-byte boundary
			   */
	uint8_t target[16];
	uint8_t opt_type, opt_len;
	struct rte_ether_addr opt_mac;
};
_Static_assert(sizeof(struct nd_msg) == 32, "ND message layout");

/*
 * Open addressing with linear probing over a short window: entries are never freed, only
 * refilled in place, so a lookup may stop at the first free slot.
 */
#define NEIGH_PROBES 32

static uint32_t
neigh_hash(const struct mrfp_addr *ip)
{
	if (ip->family == AF_INET)
		return rte_jhash_1word(ip->v4, AF_INET);
	return rte_jhash(ip->v6, 16, AF_INET6);
}

static bool
neigh_match(const struct neigh_entry *e, const struct mrfp_addr *ip)
{
	return e->ip.family == ip->family &&
	       (ip->family == AF_INET ? e->ip.v4 == ip->v4 : memcmp(e->ip.v6, ip->v6, 16) == 0);
}

static struct neigh_entry *
neigh_find(struct dp_worker *w, const struct mrfp_addr *ip)
{
	uint32_t h = neigh_hash(ip);
	for (unsigned int i = 0; i < NEIGH_PROBES; i++) {
		struct neigh_entry *e = &w->neigh[(h + i) & (DP_NEIGH_MAX - 1)];
		if (e->state == NEIGH_FREE)
			return NULL;
		if (neigh_match(e, ip))
			return e;
	}
	return NULL;
}

static struct neigh_entry *
neigh_slot(struct dp_worker *w, const struct mrfp_addr *ip)
{
	struct neigh_entry *e = neigh_find(w, ip), *victim = NULL;
	uint32_t h = neigh_hash(ip);
	if (e != NULL)
		return e;
	for (unsigned int i = 0; i < NEIGH_PROBES; i++) {
		e = &w->neigh[(h + i) & (DP_NEIGH_MAX - 1)];
		if (e->state == NEIGH_FREE)
			goto fill;
		/* Window full: reuse the pending entry asked for longest ago; never a static one.
		 */
		if (e->state == NEIGH_PENDING &&
		    (victim == NULL || e->last_request_tsc < victim->last_request_tsc))
			victim = e;
	}
	if (victim == NULL)
		return NULL;
	e = victim;
fill:
	memset(e, 0, sizeof(*e));
	e->ip.family = ip->family;
	if (ip->family == AF_INET)
		e->ip.v4 = ip->v4;
	else
		memcpy(e->ip.v6, ip->v6, 16);
	e->state = NEIGH_PENDING;
	return e;
}

/* Learn or refresh ip -> mac and re-resolve the legs waiting for it. True if it changed. */
static bool
neigh_update(struct dp_worker *w, const struct mrfp_addr *ip, const struct rte_ether_addr *mac,
	     bool create)
{
	struct neigh_entry *e = create ? neigh_slot(w, ip) : neigh_find(w, ip);
	if (e == NULL || e->state == NEIGH_STATIC)
		return false;
	if (e->state == NEIGH_REACHABLE && rte_is_same_ether_addr(&e->mac, mac))
		return false;
	rte_ether_addr_copy(mac, &e->mac);
	e->state = NEIGH_REACHABLE;
	leg_refresh_neigh(w, &e->ip);
	return true;
}

/* From the wire: what changed here is news for the other workers too (the reply came to
 * this queue only). */
/* A neighbour learned from the wire is news for the other workers too. */
static void
mail_neigh(struct dp_worker *w, const struct mrfp_addr *ip, const struct rte_ether_addr *mac)
{
	struct dp_mail m = {.kind = MAIL_NEIGH, .neigh = {.ip = *ip, .mac = *mac}};
	for (unsigned int i = 0; i < w->n_peers; i++) {
		if (i == w->idx)
			continue;
		/* News, not state: a full ring loses it and the peer asks for itself. */
		if (rte_ring_mp_enqueue_elem(w->peers[i]->mail, &m, sizeof(m)) != 0)
			ctr_add(&w->ctr.mail_lost, 1);
	}
}

static void
neigh_learn(struct dp_worker *w, const struct mrfp_addr *ip, const struct rte_ether_addr *mac,
	    bool create)
{
	if (neigh_update(w, ip, mac, create) && w->n_peers > 1)
		mail_neigh(w, ip, mac);
}

void
neigh_learned(struct dp_worker *w, const struct mrfp_addr *ip, const struct rte_ether_addr *mac)
{
	neigh_update(w, ip, mac, true);
}

void
neigh_set_static(struct dp_worker *w, const struct mrfp_static_neigh *n)
{
	struct neigh_entry *e = neigh_slot(w, &n->ip);
	if (e == NULL)
		return;
	memcpy(&e->mac, n->mac, sizeof(e->mac));
	e->state = NEIGH_STATIC;
	leg_refresh_neigh(w, &e->ip);
}

static struct rte_ether_hdr *
start_frame(struct dp_worker *w, struct rte_mbuf *m, const struct rte_ether_addr *dst,
	    uint16_t ethertype, uint16_t l3_len, uint8_t **l3)
{
	uint16_t l2 = RTE_ETHER_HDR_LEN + (w->pctx.vlan ? sizeof(struct rte_vlan_hdr) : 0);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, l2 + l3_len);
	if (b == NULL)
		return NULL;
	struct rte_ether_hdr *eth = (void *)b;
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&w->mac, &eth->src_addr);
	if (w->pctx.vlan) {
		struct rte_vlan_hdr *vh = (void *)(eth + 1);
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(w->pctx.vlan);
		vh->eth_proto = rte_cpu_to_be_16(ethertype);
	} else {
		eth->ether_type = rte_cpu_to_be_16(ethertype);
	}
	*l3 = b + l2;
	return eth;
}

static void
send_arp_request(struct dp_worker *w, uint32_t target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ether_addr bcast = {.addr_bytes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	uint8_t *l3;
	if (m == NULL) {
		ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
		return;
	}
	if (start_frame(w, m, &bcast, RTE_ETHER_TYPE_ARP, sizeof(struct rte_arp_hdr), &l3) ==
	    NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_arp_hdr *arp = (void *)l3;
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&w->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = w->pctx.media4;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = target;
	ctr_add(&w->ctr.neigh_requests, 1);
	tx_frame(w, m);
}

static void
nd_checksum(struct rte_ipv6_hdr *ip, void *icmp, uint16_t *cksum)
{
	*cksum = 0;
	*cksum = rte_ipv6_udptcp_cksum(ip, icmp); /* same pseudo-header for ICMPv6 */
}

static void
send_neighbor_solicit(struct dp_worker *w, const uint8_t target[16])
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	/* RFC 4291 2.7.1: solicited-node multicast group and its Ethernet mapping (RFC 2464). */
	uint8_t group[16] = {0xff, 0x02, 0, 0, 0,    0,		 0,	     0,
			     0,	   0,	 0, 1, 0xff, target[13], target[14], target[15]};
	struct rte_ether_addr dst = {
		.addr_bytes = {0x33, 0x33, 0xff, target[13], target[14], target[15]}};
	uint8_t *l3;
	if (m == NULL) {
		ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
		return;
	}
	if (start_frame(w, m, &dst, RTE_ETHER_TYPE_IPV6,
			sizeof(struct rte_ipv6_hdr) + sizeof(struct nd_msg), &l3) == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_ipv6_hdr *ip = (void *)l3;
	struct nd_msg *ns = (void *)(ip + 1);
	memset(ip, 0, sizeof(*ip) + sizeof(*ns));
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(sizeof(*ns));
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255; /* RFC 4861 7.1.1: ND messages must arrive with 255 */
	memcpy(ip->src_addr, w->pctx.media6, 16);
	memcpy(ip->dst_addr, group, 16);
	ns->type = ND_NEIGHBOR_SOLICIT;
	memcpy(ns->target, target, 16);
	ns->opt_type = ND_OPT_SOURCE_LLADDR;
	ns->opt_len = 1;
	rte_ether_addr_copy(&w->mac, &ns->opt_mac);
	nd_checksum(ip, ns, &ns->cksum);
	ctr_add(&w->ctr.neigh_requests, 1);
	tx_frame(w, m);
}

int
neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip, struct rte_ether_addr *mac)
{
	struct neigh_entry *e = neigh_slot(w, ip);
	if (e == NULL)
		return -ENOSPC;
	if (e->state == NEIGH_REACHABLE || e->state == NEIGH_STATIC) {
		rte_ether_addr_copy(&e->mac, mac);
		return 0;
	}
	uint64_t now = rte_get_tsc_cycles();
	if (e->last_request_tsc == 0 || now - e->last_request_tsc > rte_get_tsc_hz()) {
		e->last_request_tsc = now;
		if (ip->family == AF_INET)
			send_arp_request(w, ip->v4);
		else if (w->pctx.has_media6)
			send_neighbor_solicit(w, ip->v6);
	}
	return -EAGAIN;
}

void
neigh_arp_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi)
{
	struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, pi->l3_off);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct mrfp_addr sender = {.family = AF_INET, .v4 = arp->arp_data.arp_sip};
	bool for_us = w->pctx.media4 != 0 && arp->arp_data.arp_tip == w->pctx.media4;
	uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);

	/* RFC 826: update an existing entry from any ARP; create one only when it is for us. */
	if (sender.v4 != 0)
		neigh_learn(w, &sender, &arp->arp_data.arp_sha, for_us);
	if (!for_us || op != RTE_ARP_OP_REQUEST) {
		worker_drop(w, m, MRFP_DROP_CONTROL_CONSUMED);
		return;
	}
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(&w->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = w->pctx.media4;
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&w->mac, &eth->src_addr);
	ctr_add(&w->ctr.arp_replies, 1);
	tx_frame(w, m);
}

static void
swap_macs(struct rte_mbuf *m, const struct rte_ether_addr *ours)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(ours, &eth->src_addr);
}

void
neigh_icmp4_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, pi->l3_off);
	struct rte_icmp_hdr *icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, pi->l4_off);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		worker_drop(w, m, MRFP_DROP_CONTROL_CONSUMED);
		return;
	}
	/* Echo reply in place: swap addresses, type 8 -> 0, adjust the checksum (RFC 1624). */
	ip->dst_addr = ip->src_addr;
	ip->src_addr = w->pctx.media4;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	uint32_t sum = (uint16_t)~rte_be_to_cpu_16(icmp->icmp_cksum) + 0xf7ff; /* ~0x0800 */
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = rte_cpu_to_be_16((uint16_t) ~((sum & 0xffff) + (sum >> 16)));
	swap_macs(m, &w->mac);
	ctr_add(&w->ctr.icmp_replies, 1);
	tx_frame(w, m);
}

static void
icmp6_reply_in_place(struct dp_worker *w, struct rte_mbuf *m, struct rte_ipv6_hdr *ip)
{
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, w->pctx.media6, 16);
	swap_macs(m, &w->mac);
}

static void
nd_solicit_input(struct dp_worker *w, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		 struct nd_msg *ns, uint16_t len)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct mrfp_addr src = {.family = AF_INET6};
	static const uint8_t unspecified[16];
	if (len < sizeof(*ns) - 8 || memcmp(ns->target, w->pctx.media6, 16) != 0 ||
	    ip->hop_limits != 255 || memcmp(ip->src_addr, unspecified, 16) == 0) {
		worker_drop(w, m, MRFP_DROP_CONTROL_CONSUMED);
		return;
	}
	memcpy(src.v6, ip->src_addr, 16);
	neigh_learn(w, &src, &eth->src_addr, true);
	/* The advertisement reuses the solicitation's buffer, with our target link-layer option. */
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) -
				    ((uint8_t *)ns - rte_pktmbuf_mtod(m, uint8_t *)));
	if (rte_pktmbuf_append(m, sizeof(*ns)) == NULL) {
		worker_drop(w, m, MRFP_DROP_CONTROL_CONSUMED);
		return;
	}
	ns->type = ND_NEIGHBOR_ADVERT;
	ns->code = 0;
	memset(ns->flags, 0, sizeof(ns->flags));
	ns->flags[0] = ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE;
	ns->opt_type = ND_OPT_TARGET_LLADDR;
	ns->opt_len = 1;
	rte_ether_addr_copy(&w->mac, &ns->opt_mac);
	ip->payload_len = rte_cpu_to_be_16(sizeof(*ns));
	ip->hop_limits = 255;
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, w->pctx.media6, 16);
	nd_checksum(ip, ns, &ns->cksum);
	swap_macs(m, &w->mac);
	ctr_add(&w->ctr.nd_replies, 1);
	tx_frame(w, m);
}

void
neigh_icmp6_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, pi->l3_off);
	struct nd_msg *msg = rte_pktmbuf_mtod_offset(m, struct nd_msg *, pi->l4_off);
	switch (msg->type) {
	case ND_NEIGHBOR_SOLICIT:
		nd_solicit_input(w, m, ip, msg, pi->data_len);
		return;
	case ND_NEIGHBOR_ADVERT:
		if (pi->data_len >= sizeof(*msg) && msg->opt_type == ND_OPT_TARGET_LLADDR) {
			struct mrfp_addr t = {.family = AF_INET6};
			memcpy(t.v6, msg->target, 16);
			neigh_learn(w, &t, &msg->opt_mac, false);
		}
		break;
	case ICMP6_ECHO_REQUEST:
		if (memcmp(ip->dst_addr, w->pctx.media6, 16) != 0)
			break;
		msg->type = ICMP6_ECHO_REPLY;
		ip->hop_limits = 64;
		icmp6_reply_in_place(w, m, ip);
		nd_checksum(ip, msg, &msg->cksum);
		ctr_add(&w->ctr.icmp_replies, 1);
		tx_frame(w, m);
		return;
	default:
		break;
	}
	worker_drop(w, m, MRFP_DROP_CONTROL_CONSUMED);
}
