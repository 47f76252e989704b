/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane test on a net_ring port: participants (own libsrtp2 sessions) send SRTP into
 * mrfpd's worker; the test reads what the worker transmits and decrypts it as each receiver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "mrfp_dp.h"
#include "harness.h"
#include "peer.h"

#define NPEERS 3
#define CONF 1
#define WAIT_MS 3000

#define mp h_mp
static struct mrfp_dp *dp;
static struct peer peers[NPEERS];
static uint32_t out_ssrc[NPEERS];

static void
deliver(struct rte_mbuf *m)
{
	assert_int_equal(harness_deliver(m), 0);
}

#define collect_n(out, max, want) harness_collect(out, max, want, WAIT_MS)

#define collect(out, want) collect_n(out, RTE_DIM(out), want)

static int
peer_of_ip(uint32_t ip)
{
	for (int i = 0; i < NPEERS; i++)
		if (peers[i].ip == ip)
			return i;
	return -1;
}

static int
source_of_ssrc(uint32_t ssrc)
{
	for (int i = 0; i < NPEERS; i++)
		if (out_ssrc[i] == ssrc)
			return i;
	return -1;
}

struct rx_check {
	unsigned int got[NPEERS][NPEERS]; /* [receiver][source] */
	uint16_t last_seq[NPEERS][NPEERS];
};

/* Decrypt one output frame as its receiver and check it carries a source's payload. */
static void
check_output(struct rte_mbuf *m, struct rx_check *rc)
{
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (void *)(b + sizeof(struct rte_ether_hdr));
	struct rte_udp_hdr *udp = (void *)(ip + 1);
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(ip->src_addr, rte_cpu_to_be_32(MEDIA_IP));
	int r = peer_of_ip(ip->dst_addr);
	assert_true(r >= 0);
	assert_int_equal(rte_be_to_cpu_16(udp->dst_port), peers[r].port);
	assert_int_equal(rte_be_to_cpu_16(udp->src_port), peers[r].leg_port);
	uint8_t *rtp = (uint8_t *)(udp + 1);
	int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
	assert_int_equal(srtp_unprotect(peers[r].recv, rtp, &len), srtp_err_status_ok);
	assert_int_equal(len, 12 + 160);
	uint32_t ssrc;
	memcpy(&ssrc, rtp + 8, 4);
	int s = source_of_ssrc(ssrc);
	assert_true(s >= 0 && s != r);
	assert_int_equal(rtp[12], 0xa0 + s); /* the payload tag says who sent it */
	uint16_t seq = get16(rtp + 2);
	if (rc->got[r][s] > 0)
		assert_int_equal(seq, (uint16_t)(rc->last_seq[r][s] + 1));
	rc->last_seq[r][s] = seq;
	rc->got[r][s]++;
}

/* Every peer sends n packets; every other peer must receive all of them, decryptable. */
static void
exchange(unsigned int n)
{
	struct rte_mbuf *out[NPEERS * NPEERS * 64];
	struct rx_check rc;
	memset(&rc, 0, sizeof(rc));
	for (unsigned int k = 0; k < n; k++)
		for (int i = 0; i < NPEERS; i++)
			deliver(peer_srtp_frame(mp, &peers[i], (uint8_t)(0xa0 + i), NULL, NULL));
	unsigned int want = n * NPEERS * (NPEERS - 1);
	unsigned int got = collect(out, want);
	assert_int_equal(got, want);
	for (unsigned int i = 0; i < got; i++) {
		check_output(out[i], &rc);
		rte_pktmbuf_free(out[i]);
	}
	for (int r = 0; r < NPEERS; r++)
		for (int s = 0; s < NPEERS; s++)
			assert_int_equal(rc.got[r][s], r == s ? 0 : n);
}

static void
leg_params(struct mrfp_leg_params *p, const struct peer *peer)
{
	memset(p, 0, sizeof(*p));
	p->local_port = peer->leg_port;
	p->remote.family = AF_INET;
	p->remote.v4 = peer->ip;
	p->remote.port = rte_cpu_to_be_16(peer->port);
	p->mode = MRFP_MODE_SENDRECV;
	p->latch = MRFP_LATCH_STRICT;
}

static int
setup(void **state)
{
	(void)state;
	int port = harness_init("mrfp_dp_switch");
	if (port < 0)
		return -1;
	struct mrfp_config cfg;
	harness_config(&cfg, port);
	for (int i = 0; i < NPEERS; i++) {
		peer_init(&peers[i], (unsigned int)i, (uint16_t)(40000 + 2 * i),
			  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = peers[i].ip;
		memcpy(cfg.neigh[i].mac, peers[i].mac, 6);
	}
	cfg.n_neigh = NPEERS;
	dp = harness_dp_create(&cfg);
	if (dp == NULL || mrfp_dp_start(dp) < 0)
		return -1;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	if (mrfp_dp_conf_add(dp, CONF, &cp) < 0)
		return -1;
	for (int i = 0; i < NPEERS; i++) {
		struct mrfp_leg_params p;
		leg_params(&p, &peers[i]);
		if (mrfp_dp_leg_add(dp, CONF, (uint32_t)(i + 1), &p, &peers[i].send_key,
				    &peers[i].recv_key) < 0 ||
		    mrfp_dp_leg_out_ssrc(dp, (uint32_t)(i + 1), &out_ssrc[i]) < 0)
			return -1;
	}
	return mrfp_dp_sync(dp, WAIT_MS);
}

static int
teardown(void **state)
{
	(void)state;
	mrfp_dp_destroy(dp);
	for (int i = 0; i < NPEERS; i++)
		peer_fini(&peers[i]);
	return harness_fini();
}

static void
test_each_receiver_hears_every_other_leg(void **state)
{
	(void)state;
	for (int i = 0; i < NPEERS; i++)
		for (int j = i + 1; j < NPEERS; j++)
			assert_int_not_equal(out_ssrc[i], out_ssrc[j]);
	exchange(20);
}

static void
test_source_restart_keeps_output_stream_continuous(void **state)
{
	(void)state;
	struct rte_mbuf *out[16];
	struct rx_check rc;
	memset(&rc, 0, sizeof(rc));
	for (int k = 0; k < 6; k++) {
		if (k == 3) { /* the participant restarts: new SSRC, sequence and timestamp */
			peers[0].ssrc ^= 0x5a5a5a5a;
			peers[0].seq += 30000;
			peers[0].ts += 123456;
		}
		deliver(peer_srtp_frame(mp, &peers[0], 0xa0, NULL, NULL));
	}
	unsigned int got = collect(out, 12);
	assert_int_equal(got, 12);
	for (unsigned int i = 0; i < got; i++) {
		check_output(out[i], &rc); /* asserts one SSRC and seq + 1 per source */
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(rc.got[1][0], 6);
	assert_int_equal(rc.got[2][0], 6);
}

static uint64_t
leg_drop_count(uint32_t leg, enum mrfp_drop d)
{
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(dp, leg, &c), 0);
	return c.drops[d];
}

static uint64_t
worker_drop_count(enum mrfp_drop d)
{
	struct mrfp_worker_counters c;
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &c), 0);
	return c.drops[d];
}

/* Send an SRTP packet protected by `by` but from peer 0 to peer 0's leg. */
static void
send_as_peer0_protected_by(struct peer *by, uint16_t payload)
{
	static uint8_t buf[2048];
	int len = peer_rtp(by, buf, 0xa0, payload);
	assert_int_equal(srtp_protect(by->send, buf, &len), srtp_err_status_ok);
	deliver(peer_frame(mp, &peers[0], peers[0].leg_port, buf, (uint16_t)len));
}

static void
test_bad_packets_dropped_by_name_others_unharmed(void **state)
{
	(void)state;
	static const enum mrfp_drop leg_reasons[] = {
		MRFP_DROP_SRTP_AUTH, MRFP_DROP_SRTP_REPLAY, MRFP_DROP_TRUNCATED,
		MRFP_DROP_OVERSIZED, MRFP_DROP_NOT_RTP,	    MRFP_DROP_SOURCE_MISMATCH};
	static const uint64_t leg_expect[] = {2, 1, 1, 1, 1, 1};
	uint64_t before[RTE_DIM(leg_reasons)];
	for (unsigned int i = 0; i < RTE_DIM(leg_reasons); i++)
		before[i] = leg_drop_count(1, leg_reasons[i]);
	uint64_t unknown_before = worker_drop_count(MRFP_DROP_UNKNOWN_PORT);
	uint64_t notus_before = worker_drop_count(MRFP_DROP_NOT_FOR_US);
	uint8_t copy[512], plain[512];
	int clen;

	/* one good packet, kept for a replay */
	deliver(peer_srtp_frame(mp, &peers[0], 0xa0, copy, &clen));
	/* wrong key: the same participant address, another participant's key */
	send_as_peer0_protected_by(&peers[1], 160);
	/* replay of the good packet */
	deliver(peer_frame(mp, &peers[0], peers[0].leg_port, copy, (uint16_t)clen));
	/* truncated: shorter than an RTP header plus tag */
	deliver(peer_frame(mp, &peers[0], peers[0].leg_port, copy, 10));
	/* oversized: an RTP payload that no media MTU allows */
	send_as_peer0_protected_by(&peers[0], 1460);
	/* plaintext RTP */
	int plen = peer_rtp(&peers[0], plain, 0xa0, 160);
	deliver(peer_frame(mp, &peers[0], peers[0].leg_port, plain, (uint16_t)plen));
	/* not RTP version 2 */
	copy[0] = 0x40;
	deliver(peer_frame(mp, &peers[0], peers[0].leg_port, copy, (uint16_t)clen));
	/* strict latching: right key, wrong source address */
	deliver(peer_frame(mp, &peers[1], peers[0].leg_port, copy, (uint16_t)clen));
	/* unknown ports: inside the range without a leg, and outside the range */
	deliver(peer_frame(mp, &peers[0], 41000, copy, (uint16_t)clen));
	deliver(peer_frame(mp, &peers[0], 39000, copy, (uint16_t)clen));
	/* not addressed to the media address */
	struct rte_mbuf *m = peer_frame(mp, &peers[0], peers[0].leg_port, copy, (uint16_t)clen);
	struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 99));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	deliver(m);

	struct rte_mbuf *out[8];
	unsigned int got = collect(out, NPEERS - 1);
	assert_int_equal(got, NPEERS - 1); /* only the good packet went out, to both others */
	for (unsigned int i = 0; i < got; i++)
		rte_pktmbuf_free(out[i]);
	for (unsigned int i = 0; i < RTE_DIM(leg_reasons); i++)
		assert_int_equal(leg_drop_count(1, leg_reasons[i]) - before[i], leg_expect[i]);
	assert_int_equal(worker_drop_count(MRFP_DROP_UNKNOWN_PORT) - unknown_before, 2);
	assert_int_equal(worker_drop_count(MRFP_DROP_NOT_FOR_US) - notus_before, 1);
	/* The other legs lost nothing, and peer 0 still works. */
	assert_int_equal(leg_drop_count(2, MRFP_DROP_SRTP_AUTH), 0);
	assert_int_equal(leg_drop_count(3, MRFP_DROP_SRTP_AUTH), 0);
	exchange(5);
}

static struct rte_mbuf *
arp_frame(const struct peer *from, uint16_t op, uint32_t target_ip, const uint8_t *target_mac)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, sizeof(struct rte_ether_hdr) +
							      sizeof(struct rte_arp_hdr));
	if (b == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	struct rte_ether_hdr *eth = (void *)b;
	struct rte_arp_hdr *arp = (void *)(eth + 1);
	memset(b, 0, rte_pktmbuf_data_len(m));
	memset(&eth->dst_addr, 0xff, 6);
	memcpy(&eth->src_addr, from->mac, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(&arp->arp_data.arp_sha, from->mac, 6);
	arp->arp_data.arp_sip = from->ip;
	if (target_mac != NULL)
		memcpy(&arp->arp_data.arp_tha, target_mac, 6);
	arp->arp_data.arp_tip = target_ip;
	return m;
}

static void
test_arp_and_ping_answered(void **state)
{
	(void)state;
	struct rte_ether_addr port_mac;
	struct rte_mbuf *out[4];
	assert_int_equal(rte_eth_macaddr_get(rte_eth_find_next(0), &port_mac), 0);
	deliver(arp_frame(&peers[0], RTE_ARP_OP_REQUEST, rte_cpu_to_be_32(MEDIA_IP), NULL));
	assert_int_equal(collect(out, 1), 1);
	struct rte_arp_hdr *arp =
		rte_pktmbuf_mtod_offset(out[0], struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode), RTE_ARP_OP_REPLY);
	assert_int_equal(arp->arp_data.arp_sip, rte_cpu_to_be_32(MEDIA_IP));
	assert_memory_equal(&arp->arp_data.arp_sha, &port_mac, 6);
	assert_memory_equal(&arp->arp_data.arp_tha, peers[0].mac, 6);
	assert_int_equal(arp->arp_data.arp_tip, peers[0].ip);
	rte_pktmbuf_free(out[0]);

	/* ICMP echo: id 7, seq 9, 32 bytes of data */
	uint8_t icmp[8 + 32];
	memset(icmp, 0x61, sizeof(icmp));
	struct rte_icmp_hdr *ih = (void *)icmp;
	ih->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ih->icmp_code = 0;
	ih->icmp_ident = rte_cpu_to_be_16(7);
	ih->icmp_seq_nb = rte_cpu_to_be_16(9);
	ih->icmp_cksum = 0;
	ih->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(icmp));
	struct rte_mbuf *m = peer_frame(mp, &peers[0], 0, icmp, sizeof(icmp));
	struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	/* peer_frame built UDP: turn it into ICMP of the same size */
	memcpy(ip + 1, icmp, sizeof(icmp));
	rte_pktmbuf_trim(m, sizeof(struct rte_udp_hdr));
	ip->next_proto_id = IPPROTO_ICMP;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(icmp));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	deliver(m);
	assert_int_equal(collect(out, 1), 1);
	ip = rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	ih = (void *)(ip + 1);
	assert_int_equal(ip->dst_addr, peers[0].ip);
	assert_int_equal(ip->src_addr, rte_cpu_to_be_32(MEDIA_IP));
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(ih->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(rte_be_to_cpu_16(ih->icmp_seq_nb), 9);
	assert_int_equal(rte_raw_cksum(ih, sizeof(icmp)), 0xffff);
	rte_pktmbuf_free(out[0]);
}

/* Frames of a given ethertype among what the worker sent; the others are freed. */
static unsigned int
collect_type(struct rte_mbuf **keep, unsigned int max, uint16_t ethertype, unsigned int want)
{
	struct rte_mbuf *out[32];
	unsigned int n = 0, got;
	/* frames of other types (a neighbour request asked again) do not count towards want */
	do {
		got = collect_n(out, RTE_DIM(out), want - n);
		for (unsigned int i = 0; i < got; i++) {
			struct rte_ether_hdr *eth =
				rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *);
			if (eth->ether_type == rte_cpu_to_be_16(ethertype) && n < max)
				keep[n++] = out[i];
			else
				rte_pktmbuf_free(out[i]);
		}
	} while (got > 0 && n < want);
	return n;
}

static void
test_next_hop_resolved_by_arp(void **state)
{
	(void)state;
	struct peer a, b; /* no static neighbour entries for these two */
	struct rte_mbuf *f[4];
	struct rte_ether_addr port_mac;
	struct mrfp_leg_params p;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	assert_int_equal(rte_eth_macaddr_get(rte_eth_find_next(0), &port_mac), 0);
	peer_init(&a, 7, 40100, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	peer_init(&b, 8, 40102, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(mrfp_dp_conf_add(dp, 2, &cp), 0);
	leg_params(&p, &a);
	assert_int_equal(mrfp_dp_leg_add(dp, 2, 10, &p, &a.send_key, &a.recv_key), 0);
	leg_params(&p, &b);
	assert_int_equal(mrfp_dp_leg_add(dp, 2, 11, &p, &b.send_key, &b.recv_key), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	/* Each new next hop is asked for at once. */
	assert_int_equal(collect_type(f, 4, RTE_ETHER_TYPE_ARP, 2), 2);
	for (int i = 0; i < 2; i++) {
		struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(f[i], struct rte_arp_hdr *,
								  sizeof(struct rte_ether_hdr));
		assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode), RTE_ARP_OP_REQUEST);
		assert_int_equal(arp->arp_data.arp_sip, rte_cpu_to_be_32(MEDIA_IP));
		assert_true(arp->arp_data.arp_tip == a.ip || arp->arp_data.arp_tip == b.ip);
		rte_pktmbuf_free(f[i]);
	}
	/* b answers; a does not yet. */
	deliver(arp_frame(&b, RTE_ARP_OP_REPLY, rte_cpu_to_be_32(MEDIA_IP), port_mac.addr_bytes));
	rte_delay_us_sleep(100000); /* the worker handles the reply (generous: loaded hosts) */
	deliver(peer_srtp_frame(mp, &a, 0xa0, NULL, NULL));
	assert_int_equal(collect_type(f, 4, RTE_ETHER_TYPE_IPV4, 1), 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(f[0], struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, b.mac, 6);
	rte_pktmbuf_free(f[0]);
	uint64_t before = leg_drop_count(10, MRFP_DROP_NO_NEIGHBOR);
	deliver(peer_srtp_frame(mp, &b, 0xa1, NULL, NULL));
	assert_int_equal(collect_type(f, 4, RTE_ETHER_TYPE_IPV4, 1), 0);
	assert_int_equal(leg_drop_count(10, MRFP_DROP_NO_NEIGHBOR) - before, 1);
	/* Once a answers, b's media reaches it. */
	deliver(arp_frame(&a, RTE_ARP_OP_REPLY, rte_cpu_to_be_32(MEDIA_IP), port_mac.addr_bytes));
	rte_delay_us_sleep(100000); /* the worker handles the reply (generous: loaded hosts) */
	deliver(peer_srtp_frame(mp, &b, 0xa1, NULL, NULL));
	assert_int_equal(collect_type(f, 4, RTE_ETHER_TYPE_IPV4, 1), 1);
	eth = rte_pktmbuf_mtod(f[0], struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, a.mac, 6);
	rte_pktmbuf_free(f[0]);
	assert_int_equal(mrfp_dp_conf_remove(dp, 2), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&a);
	peer_fini(&b);
}

/* ICMPv6 message with its checksum, from peer p to dst (NULL: fd00::1). */
static struct rte_mbuf *
icmp6_frame(const struct peer *p, const uint8_t *dst, const uint8_t *msg, uint16_t len)
{
	struct rte_mbuf *m = peer_frame6(mp, p, IPPROTO_ICMPV6, 0, msg, len);
	struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	uint8_t *icmp = (uint8_t *)(ip + 1);
	if (dst != NULL)
		memcpy(ip->dst_addr, dst, 16);
	uint16_t ck = 0;
	memcpy(icmp + 2, &ck, 2);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	return m;
}

static void
assert_l4_cksum6(struct rte_mbuf *m, unsigned int cksum_off)
{
	struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	uint8_t *l4 = (uint8_t *)(ip + 1);
	uint16_t got, zero = 0;
	memcpy(&got, l4 + cksum_off, 2);
	memcpy(l4 + cksum_off, &zero, 2);
	assert_int_equal(rte_ipv6_udptcp_cksum(ip, l4), got);
}

/* Neighbour solicitation/advertisement body: type, target, one link-layer option. */
static void
nd_msg(uint8_t *msg, uint8_t type, const uint8_t *target, uint8_t opt, const uint8_t *mac)
{
	memset(msg, 0, 32);
	msg[0] = type;
	if (type == 136)
		msg[4] = 0x60; /* solicited, override */
	memcpy(msg + 8, target, 16);
	msg[24] = opt;
	msg[25] = 1;
	memcpy(msg + 26, mac, 6);
}

static void
test_ipv6_nd_echo_and_switching(void **state)
{
	(void)state;
	struct peer a, b;
	struct rte_ether_addr port_mac;
	struct rte_mbuf *f[8];
	uint8_t msg[64];
	const uint8_t snm[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1};
	assert_int_equal(rte_eth_macaddr_get(rte_eth_find_next(0), &port_mac), 0);
	peer_init(&a, 0, 40400, MRFP_SUITE_AEAD_AES_128_GCM);
	peer_init(&b, 1, 40402, MRFP_SUITE_AEAD_AES_128_GCM);
	peer_set_v6(&a, 0);
	peer_set_v6(&b, 1);

	/* a solicits fd00::1 at its solicited-node group: advertisement with our MAC */
	nd_msg(msg, 135, media_ip6, 1, a.mac);
	deliver(icmp6_frame(&a, snm, msg, 32));
	assert_int_equal(collect(f, 1), 1);
	struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(f[0], struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	uint8_t *na = (uint8_t *)(ip + 1);
	assert_int_equal(na[0], 136);
	assert_int_equal(ip->hop_limits, 255);
	assert_memory_equal(ip->dst_addr, a.ip6, 16);
	assert_memory_equal(ip->src_addr, media_ip6, 16);
	assert_memory_equal(na + 8, media_ip6, 16);
	assert_int_equal(na[24], 2); /* target link-layer address option */
	assert_memory_equal(na + 26, &port_mac, 6);
	assert_l4_cksum6(f[0], 2);
	rte_pktmbuf_free(f[0]);

	/* echo */
	memset(msg, 0x42, sizeof(msg));
	msg[0] = 128;
	msg[1] = 0;
	deliver(icmp6_frame(&a, NULL, msg, 40));
	assert_int_equal(collect(f, 1), 1);
	ip = rte_pktmbuf_mtod_offset(f[0], struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(((uint8_t *)(ip + 1))[0], 129);
	assert_memory_equal(ip->dst_addr, a.ip6, 16);
	assert_l4_cksum6(f[0], 2);
	rte_pktmbuf_free(f[0]);

	/* two IPv6 legs: a was learnt from its solicitation, b must be solicited */
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct peer *pp[2] = {&a, &b};
	assert_int_equal(mrfp_dp_conf_add(dp, 3, &cp), 0);
	for (int i = 0; i < 2; i++) {
		struct mrfp_leg_params lp = {.local_port = pp[i]->leg_port,
					     .mode = MRFP_MODE_SENDRECV,
					     .latch = MRFP_LATCH_STRICT};
		lp.remote.family = AF_INET6;
		memcpy(lp.remote.v6, pp[i]->ip6, 16);
		lp.remote.port = rte_cpu_to_be_16(pp[i]->port);
		assert_int_equal(
			mrfp_dp_leg_add(dp, 3, 300 + i, &lp, &pp[i]->send_key, &pp[i]->recv_key),
			0);
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	assert_int_equal(collect(f, 1), 1);
	ip = rte_pktmbuf_mtod_offset(f[0], struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	uint8_t *ns = (uint8_t *)(ip + 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(f[0], struct rte_ether_hdr *);
	assert_int_equal(ns[0], 135);
	assert_memory_equal(ns + 8, b.ip6, 16);
	assert_int_equal(eth->dst_addr.addr_bytes[0], 0x33);
	assert_int_equal(eth->dst_addr.addr_bytes[5], b.ip6[15]);
	assert_l4_cksum6(f[0], 2);
	rte_pktmbuf_free(f[0]);
	nd_msg(msg, 136, b.ip6, 2, b.mac);
	deliver(icmp6_frame(&b, NULL, msg, 32));
	rte_delay_us_sleep(100000); /* the worker handles the reply (generous: loaded hosts) */

	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 2; i++)
			deliver(peer_srtp_frame(mp, pp[i], (uint8_t)(0xc0 + i), NULL, NULL));
	assert_int_equal(collect(f, 6), 6);
	for (int k = 0; k < 6; k++) {
		ip = rte_pktmbuf_mtod_offset(f[k], struct rte_ipv6_hdr *,
					     sizeof(struct rte_ether_hdr));
		struct rte_udp_hdr *udp = (void *)(ip + 1);
		int r = memcmp(ip->dst_addr, a.ip6, 16) == 0 ? 0 : 1;
		assert_memory_equal(ip->dst_addr, pp[r]->ip6, 16);
		assert_memory_equal(ip->src_addr, media_ip6, 16);
		assert_int_equal(rte_be_to_cpu_16(udp->dst_port), pp[r]->port);
		assert_l4_cksum6(f[k], 6);
		uint8_t *rtp = (uint8_t *)(udp + 1);
		int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
		assert_int_equal(srtp_unprotect(pp[r]->recv, rtp, &len), srtp_err_status_ok);
		assert_int_equal(rtp[12], 0xc0 + (1 - r));
		rte_pktmbuf_free(f[k]);
	}
	assert_int_equal(mrfp_dp_conf_remove(dp, 3), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&a);
	peer_fini(&b);
}

static struct rte_mbuf *
srtcp_frame(struct peer *p, uint16_t dport)
{
	uint8_t buf[64] = {0x80, 201, 0, 1}; /* RR, no report blocks: header + SSRC */
	int len = 8;
	put32(buf + 4, p->ssrc);
	assert_int_equal(srtp_protect_rtcp(p->send, buf, &len), srtp_err_status_ok);
	return peer_frame(mp, p, dport, buf, (uint16_t)len);
}

static uint16_t
out_dport(struct rte_mbuf *m)
{
	struct rte_udp_hdr *udp =
		rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
					sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr));
	return rte_be_to_cpu_16(udp->dst_port);
}

static void
test_rtcp_demux_and_source_latching(void **state)
{
	(void)state;
	struct peer a, b; /* a latches, b is strict and uses rtcp-mux */
	struct rte_mbuf *f[4];
	struct mrfp_leg_counters c;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct mrfp_leg_params lp;
	peer_init(&a, 0, 40500, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32);
	peer_init(&b, 1, 40502, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(mrfp_dp_conf_add(dp, 4, &cp), 0);
	leg_params(&lp, &a);
	lp.latch = MRFP_LATCH_ON;
	assert_int_equal(mrfp_dp_leg_add(dp, 4, 400, &lp, &a.send_key, &a.recv_key), 0);
	leg_params(&lp, &b);
	lp.rtcp_mux = true;
	assert_int_equal(mrfp_dp_leg_add(dp, 4, 401, &lp, &b.send_key, &b.recv_key), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);

	/* SRTCP on port+1 for a, on the RTP port for b (rtcp-mux): consumed, counted */
	deliver(srtcp_frame(&a, a.leg_port + 1));
	deliver(srtcp_frame(&b, b.leg_port));
	assert_int_equal(collect(f, 0), 0);
	assert_int_equal(mrfp_dp_leg_counters(dp, 400, &c), 0);
	assert_int_equal(c.rtcp_rx, 1);
	assert_int_equal(mrfp_dp_leg_counters(dp, 401, &c), 0);
	assert_int_equal(c.rtcp_rx, 1);
	assert_int_equal(c.rx_pkts, 0);
	/* b's RTP on the same port is still media: it reaches a at its configured port */
	deliver(peer_srtp_frame(mp, &b, 0xd1, NULL, NULL));
	assert_int_equal(collect(f, 1), 1);
	assert_int_equal(out_dport(f[0]), a.port);
	rte_pktmbuf_free(f[0]);

	/* a's NAT binding changes: its first authenticated packet moves where mrfpd sends */
	a.port = 6000;
	deliver(peer_srtp_frame(mp, &a, 0xd0, NULL, NULL));
	assert_int_equal(collect(f, 1), 1); /* a -> b */
	rte_pktmbuf_free(f[0]);
	deliver(peer_srtp_frame(mp, &b, 0xd1, NULL, NULL));
	assert_int_equal(collect(f, 1), 1);
	assert_int_equal(out_dport(f[0]), 6000);
	rte_pktmbuf_free(f[0]);
	/* a forged packet from elsewhere (no key) does not move it */
	uint8_t junk[200];
	int jl = peer_rtp(&a, junk, 0xd0, 160);
	struct peer forger = a;
	forger.port = 7000;
	deliver(peer_frame(mp, &forger, a.leg_port, junk, (uint16_t)(jl + 4)));
	deliver(peer_srtp_frame(mp, &b, 0xd1, NULL, NULL));
	assert_int_equal(collect(f, 1), 1);
	assert_int_equal(out_dport(f[0]), 6000);
	rte_pktmbuf_free(f[0]);
	assert_int_equal(mrfp_dp_leg_counters(dp, 400, &c), 0);
	assert_int_equal(c.relatched, 1);
	assert_int_equal(c.drops[MRFP_DROP_SRTP_AUTH], 1);
	assert_int_equal(mrfp_dp_conf_remove(dp, 4), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&a);
	peer_fini(&b);
}

/* Two legs per suite, each hears the other through mrfpd. */
static void
test_every_suite_switches(void **state)
{
	(void)state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	for (unsigned int s = 0; s < MRFP_SUITE_COUNT; s++) {
		struct peer p[2];
		struct rte_mbuf *f[8];
		uint32_t conf = 100 + s;
		assert_int_equal(mrfp_dp_conf_add(dp, conf, &cp), 0);
		for (int i = 0; i < 2; i++) {
			struct mrfp_leg_params lp;
			/* same addresses as peers 0 and 1: their static neighbour entries apply */
			peer_init(&p[i], (unsigned int)i, (uint16_t)(40200 + 4 * s + 2 * i), s);
			leg_params(&lp, &p[i]);
			assert_int_equal(mrfp_dp_leg_add(dp, conf, 1000 + 2 * s + i, &lp,
							 &p[i].send_key, &p[i].recv_key),
					 0);
		}
		assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
		for (int k = 0; k < 3; k++)
			for (int i = 0; i < 2; i++)
				deliver(peer_srtp_frame(mp, &p[i], (uint8_t)(0xb0 + i), NULL,
							NULL));
		assert_int_equal(collect(f, 6), 6);
		for (int k = 0; k < 6; k++) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				f[k], struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
			struct rte_udp_hdr *udp = (void *)(ip + 1);
			int r = ip->dst_addr == p[0].ip ? 0 : 1;
			uint8_t *rtp = (uint8_t *)(udp + 1);
			int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
			assert_int_equal(len, 12 + 160 + (int)mrfp_srtp_suite_tag_len(s));
			assert_int_equal(srtp_unprotect(p[r].recv, rtp, &len), srtp_err_status_ok);
			assert_int_equal(rtp[12], 0xb0 + (1 - r));
			rte_pktmbuf_free(f[k]);
		}
		assert_int_equal(mrfp_dp_conf_remove(dp, conf), 0);
		assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
		peer_fini(&p[0]);
		peer_fini(&p[1]);
	}
}

/* H.248 Move: a leg changes conference, keeping its port and keys. */
static void
test_moved_leg_hears_its_new_conference(void **state)
{
	(void)state;
	struct peer x;
	struct mrfp_leg_params p;
	struct rte_mbuf *out[8];
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	peer_init(&x, 1, 40600, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(mrfp_dp_conf_add(dp, 5, &cp), 0);
	leg_params(&p, &x);
	assert_int_equal(mrfp_dp_leg_add(dp, 5, 50, &p, &x.send_key, &x.recv_key), 0);
	assert_int_equal(mrfp_dp_leg_move(dp, 3, 5), 0); /* peer 2 goes to conference 5 */
	assert_int_equal(mrfp_dp_leg_move(dp, 3, 4242), -ENOENT);
	deliver(peer_srtp_frame(mp, &peers[2], 0xa2, NULL, NULL));
	assert_int_equal(collect(out, 1), 1); /* to x only */
	struct rte_udp_hdr *udp =
		rte_pktmbuf_mtod_offset(out[0], struct rte_udp_hdr *,
					sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr));
	assert_int_equal(rte_be_to_cpu_16(udp->src_port), x.leg_port);
	uint8_t *rtp = (uint8_t *)(udp + 1);
	int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
	assert_int_equal(srtp_unprotect(x.recv, rtp, &len), srtp_err_status_ok);
	assert_int_equal(rtp[12], 0xa2);
	rte_pktmbuf_free(out[0]);
	deliver(peer_srtp_frame(mp, &peers[0], 0xa0, NULL, NULL));
	assert_int_equal(collect(out, 1), 1); /* conference 1 is now peers 0 and 1 */
	rte_pktmbuf_free(out[0]);
	/* and back, with a new output stream for what it sends */
	assert_int_equal(mrfp_dp_leg_move(dp, 3, CONF), 0);
	assert_int_equal(mrfp_dp_leg_out_ssrc(dp, 3, &out_ssrc[2]), 0);
	assert_int_equal(mrfp_dp_conf_remove(dp, 5), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&x);
	exchange(2);
}

static unsigned int key_events[2][2]; /* [leg y=0 / z=1][soft=0 / hard=1] */

static void
count_key_event(const struct mrfp_event *ev, void *arg)
{
	(void)arg;
	if (ev->type != MRFP_EVENT_KEY_SOFT_LIMIT && ev->type != MRFP_EVENT_KEY_HARD_LIMIT)
		return;
	/* y's limit is on its send key (mrfpd's RX key), z's on mrfpd's key towards it */
	assert_int_equal(ev->key, ev->leg_id == 60 ? MRFP_EVENT_KEY_RX : MRFP_EVENT_KEY_TX);
	key_events[ev->leg_id == 61][ev->type == MRFP_EVENT_KEY_HARD_LIMIT]++;
}

/* Send n packets from y, then wait (at most 2 s: the worker looks a few times a second)
 * until *counter, a key event count, moves. */
static void
send_and_wait_key_event(struct peer *y, int n, unsigned int *counter)
{
	unsigned int before = *counter;
	for (int i = 0; i < n; i++)
		deliver(peer_srtp_frame(mp, y, (uint8_t)i, NULL, NULL));
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * 2;
	while (rte_get_timer_cycles() < end && *counter == before)
		mrfp_dp_poll_events(dp, count_key_event, NULL);
	assert_int_equal(*counter, before + 1);
}

/* Two participants, y and z, in a switched conference of their own (legs `leg` and
 * leg + 1, bilateral keys): what the key tests below share. Keys are set between duo_init
 * and duo_join. */
struct duo {
	struct peer y, z;
	uint32_t conf, ly, lz;
};

static void
duo_init(struct duo *d, uint16_t port, enum mrfp_srtp_suite suite)
{
	peer_init(&d->y, 0, port, suite);
	peer_init(&d->z, 1, (uint16_t)(port + 2), suite);
}

static void
duo_join(struct duo *d, uint32_t conf, uint32_t leg)
{
	struct mrfp_leg_params p;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	d->conf = conf;
	d->ly = leg;
	d->lz = leg + 1;
	assert_int_equal(mrfp_dp_conf_add(dp, conf, &cp), 0);
	leg_params(&p, &d->y);
	assert_int_equal(mrfp_dp_leg_add(dp, conf, d->ly, &p, &d->y.send_key, &d->y.recv_key), 0);
	leg_params(&p, &d->z);
	assert_int_equal(mrfp_dp_leg_add(dp, conf, d->lz, &p, &d->z.send_key, &d->z.recv_key), 0);
}

static void
duo_fini(struct duo *d)
{
	assert_int_equal(mrfp_dp_conf_remove(dp, d->conf), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&d->y);
	peer_fini(&d->z);
}

/* a=crypto lifetimes: a key is used for its lifetime and not one packet more; control hears
 * of it once near the end (soft) and once at the end (hard); a new key starts afresh. */
static void
test_key_lifetime_enforced_and_reported(void **state)
{
	(void)state;
	struct duo d;
	struct peer *y = &d.y;
	struct mrfp_leg_params p;
	struct mrfp_leg_counters c;
	struct rte_mbuf *out[32];
	duo_init(&d, 40700, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	y->send_key.lifetime = 20;  /* mrfpd authenticates 20 packets from y */
	d.z.recv_key.lifetime = 12; /* and protects 12 for z */
	duo_join(&d, 6, 60);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	memset(key_events, 0, sizeof(key_events));
	/* soft limits: the last eighth of a short lifetime (y at 18 of 20, z at 11 of 12) */
	send_and_wait_key_event(y, 11, &key_events[1][0]); /* z soft */
	send_and_wait_key_event(y, 7, &key_events[1][1]);  /* y soft, z hard (12 sent) */
	send_and_wait_key_event(y, 6, &key_events[0][1]);  /* y hard (20 accepted) */
	assert_int_equal(key_events[0][0], 1);
	assert_int_equal(key_events[0][1], 1);
	assert_int_equal(key_events[1][0], 1);
	assert_int_equal(key_events[1][1], 1);
	unsigned int got = collect(out, 12);
	assert_int_equal(got, 12);
	for (unsigned int i = 0; i < got; i++)
		rte_pktmbuf_free(out[i]);
	assert_int_equal(harness_collect(out, RTE_DIM(out), 1, 200), 0); /* nothing more */
	assert_int_equal(mrfp_dp_leg_counters(dp, 60, &c), 0);
	assert_int_equal(c.rx_pkts, 20);
	assert_int_equal(c.drops[MRFP_DROP_SRTP_KEY_EXPIRED], 4);
	assert_int_equal(mrfp_dp_leg_counters(dp, 61, &c), 0);
	assert_int_equal(c.tx_pkts, 12);
	assert_int_equal(c.drops[MRFP_DROP_SRTP_KEY_EXPIRED], 8);
	/* a new key from y (Modify): accepted again; z's key is still spent */
	y->send_key.material[0] ^= 1;
	y->send_key.lifetime = 0;
	peer_rekey_send(y);
	leg_params(&p, y);
	assert_int_equal(mrfp_dp_leg_modify(dp, 60, &p, &y->send_key, NULL), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	deliver(peer_srtp_frame(mp, y, 0x77, NULL, NULL));
	assert_int_equal(harness_collect(out, RTE_DIM(out), 1, 200), 0);
	assert_int_equal(mrfp_dp_leg_counters(dp, 60, &c), 0);
	assert_int_equal(c.rx_pkts, 21);
	duo_fini(&d);
}

/* The UDP payload (the SRTP packet) of an IPv4 frame mrfpd sent, and its length. */
static uint8_t *
udp_payload(struct rte_mbuf *m, int *len)
{
	struct rte_udp_hdr *udp =
		rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
					sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr));
	*len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
	return (uint8_t *)(udp + 1);
}

/* A participant-side libsrtp2 context that knows several keys by MKI. */
static srtp_t
multi_ctx(const struct mrfp_srtp_key *k0, const struct mrfp_srtp_key *k1, bool outbound)
{
	srtp_policy_t pol;
	srtp_master_key_t mk[2] = {{(unsigned char *)(uintptr_t)k0->material,
				    (unsigned char *)(uintptr_t)k0->mki, k0->mki_len},
				   {(unsigned char *)(uintptr_t)k1->material,
				    (unsigned char *)(uintptr_t)k1->mki, k1->mki_len}};
	srtp_master_key_t *keys[2] = {&mk[0], &mk[1]};
	srtp_t ctx;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.keys = keys;
	pol.num_master_keys = 2;
	pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	pol.window_size = 1024;
	assert_int_equal(srtp_create(&ctx, &pol), srtp_err_status_ok);
	return ctx;
}

/* A receiver that knows one key (with its MKI). */
static srtp_t
session_of(const struct mrfp_srtp_key *k)
{
	srtp_policy_t pol;
	srtp_master_key_t mk = {(unsigned char *)(uintptr_t)k->material,
				(unsigned char *)(uintptr_t)k->mki, k->mki_len};
	srtp_master_key_t *keys[1] = {&mk};
	srtp_t ctx;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.keys = keys;
	pol.num_master_keys = 1;
	pol.ssrc.type = ssrc_any_inbound;
	pol.window_size = 1024;
	assert_int_equal(srtp_create(&ctx, &pol), srtp_err_status_ok);
	return ctx;
}

static void
with_mki(struct mrfp_srtp_key *k, uint8_t id)
{
	k->mki_len = 1;
	k->mki[0] = id;
}

/* A one-key libsrtp2 session for any SSRC (no MKI); srtp_update changes its key, ROC kept. */
static void
plain_policy(srtp_policy_t *pol, const struct mrfp_srtp_key *k, bool outbound)
{
	memset(pol, 0, sizeof(*pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
	pol->key = (unsigned char *)(uintptr_t)k->material;
	pol->ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	pol->window_size = 1024;
}

static srtp_t
plain_ctx(const struct mrfp_srtp_key *k, bool outbound)
{
	srtp_policy_t pol;
	srtp_t ctx;
	plain_policy(&pol, k, outbound);
	assert_int_equal(srtp_create(&ctx, &pol), srtp_err_status_ok);
	return ctx;
}

static void
plain_update(srtp_t ctx, const struct mrfp_srtp_key *k, bool outbound)
{
	srtp_policy_t pol;
	plain_policy(&pol, k, outbound);
	assert_int_equal(srtp_update(ctx, &pol), srtp_err_status_ok);
}

/* y's next packet (payload `tag`), protected by y_tx under MKI index `mki` (-1: without
 * MKI), to mrfpd. */
static void
y_send(struct duo *d, srtp_t y_tx, int mki, uint8_t tag)
{
	uint8_t pkt[256];
	int len = peer_rtp(&d->y, pkt, tag, 160);
	if (mki < 0)
		assert_int_equal(srtp_protect(y_tx, pkt, &len), srtp_err_status_ok);
	else
		assert_int_equal(srtp_protect_mki(y_tx, pkt, &len, 1, (unsigned int)mki),
				 srtp_err_status_ok);
	deliver(peer_frame(mp, &d->y, d->y.leg_port, pkt, (uint16_t)len));
}

/* The one frame mrfpd forwards: it opens at z_rx (by a 1-byte MKI when `mki`) and carries
 * `tag`. Returns the byte before the 80-bit tag: the MKI it went out under, if any. */
static uint8_t
z_hears(srtp_t z_rx, bool mki, uint8_t tag)
{
	struct rte_mbuf *out[32];
	int rl;
	assert_int_equal(collect(out, 1), 1);
	uint8_t *rtp = udp_payload(out[0], &rl);
	uint8_t before_tag = rtp[rl - 10 - 1];
	if (mki)
		assert_int_equal(srtp_unprotect_mki(z_rx, rtp, &rl, 1), srtp_err_status_ok);
	else
		assert_int_equal(srtp_unprotect(z_rx, rtp, &rl), srtp_err_status_ok);
	assert_int_equal(rtp[12], tag);
	rte_pktmbuf_free(out[0]);
	return before_tag;
}

/* The libsrtp2 engine holds one key a leg: y's next key is refused (-ENOTSUP) and a key
 * change test ends there (the caller replaces the session instead); false then. */
static bool
holds_two_keys(const struct duo *d, const struct mrfp_srtp_key *y_next)
{
	if (mrfp_srtp_get_engine() == MRFP_SRTP_ENGINE_BURST)
		return true;
	assert_int_equal(mrfp_dp_leg_key_add(dp, d->ly, MRFP_SRTP_INBOUND, y_next), -ENOTSUP);
	return false;
}

/* make: y's next key beside its current one, mrfpd's next key to z beside its own; the
 * same key twice is refused. */
static void
duo_add_next(const struct duo *d, const struct mrfp_srtp_key *y_next,
	     const struct mrfp_srtp_key *z_next)
{
	assert_int_equal(mrfp_dp_leg_key_add(dp, d->ly, MRFP_SRTP_INBOUND, y_next), 0);
	assert_int_equal(mrfp_dp_leg_key_add(dp, d->lz, MRFP_SRTP_OUTBOUND, z_next), 0);
	assert_int_equal(mrfp_dp_leg_key_add(dp, d->lz, MRFP_SRTP_OUTBOUND, z_next), -EEXIST);
}

/* 30 packets from y to z across the change on both hops: y switches at packet 10 (by MKI;
 * without MKI by srtp_update, and nobody tells mrfpd), mrfpd after the participant did, at
 * 20 (key_use z_next_h; without MKI z is told and updates its receiver). Every packet is
 * heard, in order. Returns how many went out under MKI 2. */
static unsigned int
duo_relay_across_change(struct duo *d, srtp_t y_tx, srtp_t z_rx, const struct mrfp_srtp_key *y_next,
			const struct mrfp_srtp_key *z_next, const uint8_t *z_next_h)
{
	bool mki = y_next->mki_len > 0;
	unsigned int heard = 0, under_new = 0;
	for (int i = 0; i < 30; i++) {
		if (i == 10 && !mki)
			plain_update(y_tx, y_next, true);
		if (i == 20) {
			assert_int_equal(mrfp_dp_leg_key_use(dp, d->lz, z_next_h), 0);
			assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
			if (!mki)
				plain_update(z_rx, z_next, false);
		}
		y_send(d, y_tx, mki ? (i < 10 ? 0 : 1) : -1, (uint8_t)i);
		under_new += z_hears(z_rx, mki, (uint8_t)i) == 2 && mki;
		heard++;
	}
	assert_int_equal(heard, 30);
	return under_new;
}

/* break: the old keys go, the ones in use stay. */
static void
duo_retire_old(const struct duo *d, const uint8_t *y_old, const uint8_t *y_new,
	       const uint8_t *z_old, const uint8_t *z_new)
{
	assert_int_equal(mrfp_dp_leg_key_remove(dp, d->lz, MRFP_SRTP_OUTBOUND, z_new), -EBUSY);
	assert_int_equal(mrfp_dp_leg_key_remove(dp, d->lz, MRFP_SRTP_OUTBOUND, z_old), 0);
	assert_int_equal(mrfp_dp_leg_key_remove(dp, d->ly, MRFP_SRTP_INBOUND, y_old), 0);
	assert_int_equal(mrfp_dp_leg_key_remove(dp, d->ly, MRFP_SRTP_INBOUND, y_new), -EBUSY);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

/* After the 30: y sends one packet under its old key (old_tx, MKI index old_mki), then one
 * under its new key; only the second is forwarded, the first counted as `why`. */
static void
duo_old_key_refused(struct duo *d, srtp_t old_tx, int old_mki, srtp_t new_tx, int new_mki,
		    enum mrfp_drop why, struct mrfp_leg_counters *c)
{
	struct rte_mbuf *out[32];
	y_send(d, old_tx, old_mki, 0x40);
	y_send(d, new_tx, new_mki, 0x40);
	assert_int_equal(collect(out, 1), 1);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(mrfp_dp_leg_counters(dp, d->ly, c), 0);
	assert_int_equal(c->rx_pkts, 31);
	assert_int_equal(c->drops[why], 1);
}

/* y sends to z through mrfpd while both of y's keys and mrfpd's keys to z change by MKI:
 * make-before-break, not one packet lost; then the old keys are retired. */
static void
test_key_change_without_loss(void **state)
{
	(void)state;
	struct duo d;
	struct mrfp_leg_counters c;
	duo_init(&d, 40710, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_srtp_key y_next = d.y.send_key, z_next = d.z.recv_key;
	y_next.material[0] ^= 0x55;
	z_next.material[0] ^= 0x55;
	with_mki(&d.y.send_key, 1);
	with_mki(&y_next, 2);
	with_mki(&d.z.recv_key, 1);
	with_mki(&z_next, 2);
	duo_join(&d, 7, 70);
	if (!holds_two_keys(&d, &y_next))
		goto out;
	/* make: both next keys installed before anyone uses them */
	duo_add_next(&d, &y_next, &z_next);
	struct mrfp_srtp_key odd = z_next;
	odd.mki_len = 2;
	assert_int_equal(mrfp_dp_leg_key_add(dp, d.lz, MRFP_SRTP_OUTBOUND, &odd), -EINVAL);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	srtp_t y_tx = multi_ctx(&d.y.send_key, &y_next, true);
	srtp_t z_rx = multi_ctx(&d.z.recv_key, &z_next, false);
	assert_int_equal(duo_relay_across_change(&d, y_tx, z_rx, &y_next, &z_next, z_next.mki), 10);
	/* break: y's old key is refused from now on, the new one still works */
	duo_retire_old(&d, d.y.send_key.mki, y_next.mki, d.z.recv_key.mki, z_next.mki);
	duo_old_key_refused(&d, y_tx, 0, y_tx, 1, MRFP_DROP_SRTP_UNKNOWN_MKI, &c);
	assert_int_equal(c.drops[MRFP_DROP_SRTP_AUTH], 0);
	srtp_dealloc(y_tx);
	srtp_dealloc(z_rx);
out:
	duo_fini(&d);
}

/* The same without MKI (RFC 3711: keys by index): y changes its key when it likes (across a
 * ROC rollover), mrfpd learns the switch from y's packets; mrfpd's key to z changes when
 * control says; nothing is lost, the streams go on (z's receiver keeps its ROC). Then the old
 * keys are retired and y's old key is refused. libsrtp2 engine: -ENOTSUP (the caller
 * replaces the session instead). */
static void
test_key_change_without_mki_without_loss(void **state)
{
	(void)state;
	struct duo d;
	struct mrfp_leg_counters c;
	uint8_t h_y[MRFP_SRTP_MAX_MKI_LEN], h_yn[MRFP_SRTP_MAX_MKI_LEN];
	uint8_t h_z[MRFP_SRTP_MAX_MKI_LEN], h_zn[MRFP_SRTP_MAX_MKI_LEN];
	duo_init(&d, 40716, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_srtp_key y_next = d.y.send_key, z_next = d.z.recv_key, third = d.y.send_key;
	y_next.material[0] ^= 0x55;
	z_next.material[0] ^= 0x55;
	third.material[1] ^= 0x33;
	mrfp_srtp_key_handle(&d.y.send_key, h_y);
	mrfp_srtp_key_handle(&y_next, h_yn);
	mrfp_srtp_key_handle(&d.z.recv_key, h_z);
	mrfp_srtp_key_handle(&z_next, h_zn);
	d.y.seq = 65530; /* y's ROC becomes 1 before it switches */
	duo_join(&d, 19, 190);
	if (!holds_two_keys(&d, &y_next))
		goto out;
	/* make: the next keys, each beside the current one; a third does not fit */
	duo_add_next(&d, &y_next, &z_next);
	assert_int_equal(mrfp_dp_leg_key_add(dp, d.ly, MRFP_SRTP_INBOUND, &third), -ENOSPC);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	uint8_t list[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], ml = 9;
	assert_int_equal(mrfp_dp_leg_key_list(dp, d.ly, MRFP_SRTP_INBOUND, list, &ml), 2);
	assert_int_equal(ml, 0);
	assert_memory_equal(list[0], h_y, sizeof(h_y)); /* the one y is said to send with */
	srtp_t y_tx = plain_ctx(&d.y.send_key, true), z_rx = plain_ctx(&d.z.recv_key, false);
	duo_relay_across_change(&d, y_tx, z_rx, &y_next, &z_next, h_zn);
	duo_retire_old(&d, h_y, h_yn, h_z, h_zn);
	assert_int_equal(mrfp_dp_leg_key_list(dp, d.ly, MRFP_SRTP_INBOUND, list, &ml), 1);
	assert_memory_equal(list[0], h_yn, sizeof(h_yn));
	/* y's old key from now on: refused (AUTH); its new key: heard */
	srtp_policy_t pol; /* y's old key at y's ROC (1): only the key is wrong */
	srtp_t y_old;
	plain_policy(&pol, &d.y.send_key, true);
	pol.ssrc.type = ssrc_specific;
	pol.ssrc.value = d.y.ssrc;
	assert_int_equal(srtp_create(&y_old, &pol), srtp_err_status_ok);
	assert_int_equal(srtp_set_stream_roc(y_old, d.y.ssrc, 1), srtp_err_status_ok);
	duo_old_key_refused(&d, y_old, -1, y_tx, -1, MRFP_DROP_SRTP_AUTH, &c);
	srtp_dealloc(y_old);
	srtp_dealloc(y_tx);
	srtp_dealloc(z_rx);
out:
	duo_fini(&d);
}

/* GCM without MKI: never a second try. y switches before control says so: those packets are
 * dropped (AUTH, counted), never forwarded; once control says y sends with the new key
 * (rx key_use), y is heard again, its stream (ROC, window) unchanged. */
static void
test_gcm_key_change_without_mki_told_by_control(void **state)
{
	(void)state;
	struct duo d;
	struct mrfp_leg_counters c;
	struct rte_mbuf *out[32];
	uint8_t h_yn[MRFP_SRTP_MAX_MKI_LEN];
	memset(&c, 0, sizeof(c));
	duo_init(&d, 40726, MRFP_SUITE_AEAD_AES_128_GCM);
	struct mrfp_srtp_key y_next = d.y.send_key;
	y_next.material[2] ^= 0x5a;
	mrfp_srtp_key_handle(&y_next, h_yn);
	duo_join(&d, 29, 290);
	if (!holds_two_keys(&d, &y_next)) {
		assert_int_equal(mrfp_dp_leg_rx_key_use(dp, d.ly, h_yn), -ENOTSUP);
		goto out;
	}
	assert_int_equal(mrfp_dp_leg_key_add(dp, d.ly, MRFP_SRTP_INBOUND, &y_next), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	srtp_policy_t pol;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	pol.key = y_next.material;
	pol.ssrc.type = ssrc_any_outbound;
	pol.window_size = 1024;
	unsigned int heard = 0;
	for (int i = 0; i < 15; i++) {
		if (i == 5) /* y switches; nobody told mrfpd yet */
			assert_int_equal(srtp_update(d.y.send, &pol), srtp_err_status_ok);
		if (i == 8) { /* control, once the three were refused: y sends with its next key */
			for (int w = 0; w < WAIT_MS && c.drops[MRFP_DROP_SRTP_AUTH] < 3; w++) {
				assert_int_equal(mrfp_dp_leg_counters(dp, d.ly, &c), 0);
				rte_delay_us_sleep(1000);
			}
			assert_int_equal(c.drops[MRFP_DROP_SRTP_AUTH], 3);
			assert_int_equal(mrfp_dp_leg_rx_key_use(dp, d.ly, h_yn), 0);
			assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
		}
		deliver(peer_srtp_frame(mp, &d.y, (uint8_t)i, NULL, NULL));
		if (i >= 5 && i < 8)
			continue; /* under the key mrfpd does not try yet: dropped, not forwarded */
		z_hears(d.z.recv, false, (uint8_t)i);
		heard++;
	}
	assert_int_equal(heard, 12);
	assert_int_equal(harness_collect(out, RTE_DIM(out), 0, 0), 0); /* nothing else left */
	assert_int_equal(mrfp_dp_leg_counters(dp, d.ly, &c), 0);
	assert_int_equal(c.rx_pkts, 12);
	assert_int_equal(c.drops[MRFP_DROP_SRTP_AUTH], 3);
out:
	duo_fini(&d);
}

/* A group key changes by MKI while the switched stream flows: every listener that learnt the
 * new key hears everything; what is sent after the old key is retired does not decrypt with
 * it (a leaver learns nothing more), and a joiner given only the new key cannot read what was
 * sent before (forward and backward secrecy). */
static void
test_group_key_change_and_secrecy(void **state)
{
	(void)state;
	struct peer src, l1, l2;
	struct mrfp_leg_params p;
	struct rte_mbuf *out[32];
	uint8_t before[10][256];
	int before_len[10];
	peer_init(&src, 0, 40720, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	peer_init(&l1, 1, 40722, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	peer_init(&l2, 2, 40724, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_srtp_key g1 = src.recv_key, g2 = src.recv_key;
	g2.material[3] ^= 0x77;
	with_mki(&g1, 1);
	with_mki(&g2, 2);
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_CHOSEN,
				      .keys = MRFP_KEYS_GROUP,
				      .group_key = &g1};
	assert_int_equal(mrfp_dp_conf_add(dp, 8, &cp), 0);
	leg_params(&p, &src);
	assert_int_equal(mrfp_dp_leg_add(dp, 8, 80, &p, &src.send_key, NULL), 0);
	leg_params(&p, &l1);
	assert_int_equal(mrfp_dp_leg_add(dp, 8, 81, &p, &l1.send_key, NULL), 0);
	leg_params(&p, &l2);
	assert_int_equal(mrfp_dp_leg_add(dp, 8, 82, &p, &l2.send_key, NULL), 0);
	assert_int_equal(mrfp_dp_conf_select(dp, 8, 80), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	if (mrfp_srtp_get_engine() != MRFP_SRTP_ENGINE_BURST) {
		assert_int_equal(mrfp_dp_conf_key_add(dp, 8, &g2), -ENOTSUP);
		goto out;
	}
	srtp_t both = multi_ctx(&g1, &g2, false), leaver = session_of(&g1),
	       joiner = session_of(&g2);
	for (int phase = 0; phase < 2; phase++) {
		if (phase == 1) { /* make before break: install, switch, retire */
			assert_int_equal(mrfp_dp_conf_key_add(dp, 8, &g2), 0);
			assert_int_equal(mrfp_dp_conf_key_use(dp, 8, g2.mki), 0);
			assert_int_equal(mrfp_dp_conf_key_remove(dp, 8, g1.mki), 0);
			assert_int_equal(mrfp_dp_conf_key_remove(dp, 8, g2.mki), -EBUSY);
			assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
		}
		for (int i = 0; i < 10; i++) {
			deliver(peer_srtp_frame(mp, &src, (uint8_t)(phase * 10 + i), NULL, NULL));
			assert_int_equal(collect(out, 2), 2); /* l1 and l2: the same bytes */
			uint8_t pkt[2][256];
			int len[2];
			for (int k = 0; k < 2; k++) {
				const uint8_t *u = udp_payload(out[k], &len[k]);
				memcpy(pkt[k], u, (size_t)len[k]);
				rte_pktmbuf_free(out[k]);
			}
			assert_int_equal(len[0], len[1]);
			assert_memory_equal(pkt[0], pkt[1], (size_t)len[0]);
			assert_int_equal(pkt[0][len[0] - 11], phase + 1); /* MKI before the tag */
			uint8_t c1[256], c2[256];
			int n1 = len[0], n2 = len[0];
			memcpy(c1, pkt[0], (size_t)n1);
			memcpy(c2, pkt[0], (size_t)n2);
			if (phase == 0) {
				memcpy(before[i], pkt[0], (size_t)len[0]);
				before_len[i] = len[0];
			} else { /* forward secrecy: the leaver's key does not open it */
				assert_int_not_equal(srtp_unprotect_mki(leaver, c2, &n2, 1),
						     srtp_err_status_ok);
			}
			assert_int_equal(srtp_unprotect_mki(both, c1, &n1, 1), srtp_err_status_ok);
			assert_int_equal(c1[12], (uint8_t)(phase * 10 + i));
		}
	}
	for (int i = 0; i < 10; i++) /* backward secrecy: the joiner's key does not open the past */
		assert_int_not_equal(srtp_unprotect_mki(joiner, before[i], &before_len[i], 1),
				     srtp_err_status_ok);
	srtp_dealloc(both);
	srtp_dealloc(leaver);
	srtp_dealloc(joiner);
out:
	assert_int_equal(mrfp_dp_conf_remove(dp, 8), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&src);
	peer_fini(&l1);
	peer_fini(&l2);
}

/* Churn in a group conference: listeners join and leave all the time while the switched
 * stream flows; every listener present decrypts every packet it gets (no authentication
 * failure, whatever the others do) and the stream stays one continuous stream. */
static void
test_group_churn(void **state)
{
	(void)state;
	struct peer src, l[2];
	struct mrfp_leg_params p;
	struct rte_mbuf *out[8];
	peer_init(&src, 0, 40730, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	for (int k = 0; k < 2; k++) {
		peer_init(&l[k], (unsigned int)(1 + k), 40732, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		srtp_dealloc(l[k].recv); /* listeners receive under the group key (on joining) */
		l[k].recv = NULL;
	}
	struct mrfp_srtp_key g = src.recv_key;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_CHOSEN,
				      .keys = MRFP_KEYS_GROUP,
				      .group_key = &g};
	assert_int_equal(mrfp_dp_conf_add(dp, 9, &cp), 0);
	leg_params(&p, &src);
	assert_int_equal(mrfp_dp_leg_add(dp, 9, 90, &p, &src.send_key, NULL), 0);
	assert_int_equal(mrfp_dp_conf_select(dp, 9, 90), 0);
	bool in[2] = {false, false};
	uint32_t leg_of[2] = {0, 0}, next_leg = 900;
	unsigned int heard = 0;
	int last_seq = -1, last_round = 0;
	for (int round = 0; round < 60; round++) {
		int k = round % 2; /* one listener joins or leaves each round, in turn */
		if (in[k]) {
			assert_int_equal(mrfp_dp_leg_remove(dp, leg_of[k], NULL), 0);
			srtp_dealloc(l[k].recv);
			in[k] = false;
		} else {
			l[k].leg_port = (uint16_t)(40740 + 2 * (round % 50));
			leg_params(&p, &l[k]);
			leg_of[k] = next_leg++;
			assert_int_equal(
				mrfp_dp_leg_add(dp, 9, leg_of[k], &p, &l[k].send_key, NULL), 0);
			l[k].recv = session_of(&g); /* a joiner gets the group key */
			in[k] = true;
		}
		assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
		unsigned int want = (unsigned int)in[0] + (unsigned int)in[1];
		deliver(peer_srtp_frame(mp, &src, (uint8_t)round, NULL, NULL));
		assert_int_equal(collect_n(out, RTE_DIM(out), want), want);
		for (unsigned int i = 0; i < want; i++) {
			int len;
			uint8_t *rtp = udp_payload(out[i], &len);
			const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)rtp - 1;
			int who = in[0] && rte_be_to_cpu_16(udp->dst_port) == l[0].port ? 0 : 1;
			assert_int_equal(srtp_unprotect(l[who].recv, rtp, &len),
					 srtp_err_status_ok);
			assert_int_equal(rtp[12], (uint8_t)round);
			int seq = rtp[2] << 8 | rtp[3];
			if (getenv("CHURN_DEBUG"))
				printf("round %d copy %u seq %d want %u\n", round, i, seq, want);
			/* one continuous stream: one sequence number per source packet, also for
			 * those that went to nobody while no listener was in */
			if (i == 0 && last_seq >= 0)
				assert_int_equal(seq, (last_seq + round - last_round) & 0xffff);
			if (i == 0) {
				last_seq = seq;
				last_round = round;
			}
			heard++;
			rte_pktmbuf_free(out[i]);
		}
	}
	assert_int_equal(heard, 60); /* 1, 2, 1, 0 listeners in turn: 4 copies every 4 rounds */
	for (int k = 0; k < 2; k++)
		if (in[k])
			srtp_dealloc(l[k].recv);
	assert_int_equal(mrfp_dp_conf_remove(dp, 9), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	srtp_dealloc(src.send);
	srtp_dealloc(src.recv);
	for (int k = 0; k < 2; k++)
		srtp_dealloc(l[k].send);
}

static void
test_removed_leg_is_gone_others_continue(void **state)
{
	(void)state;
	struct mrfp_leg_counters final;
	struct rte_mbuf *out[8];
	assert_int_equal(mrfp_dp_leg_remove(dp, 3, &final), 0);
	assert_true(final.tx_pkts > 0 && final.rx_pkts > 0);
	assert_int_equal(mrfp_dp_leg_counters(dp, 3, &final), -ENOENT);
	uint64_t unknown = worker_drop_count(MRFP_DROP_UNKNOWN_PORT);
	deliver(peer_srtp_frame(mp, &peers[2], 0xa2, NULL, NULL));
	deliver(peer_srtp_frame(mp, &peers[0], 0xa0, NULL, NULL));
	assert_int_equal(collect(out, 1), 1); /* peer 0 -> peer 1 only */
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *,
							  sizeof(struct rte_ether_hdr));
	assert_int_equal(ip->dst_addr, peers[1].ip);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(worker_drop_count(MRFP_DROP_UNKNOWN_PORT) - unknown, 1);
	/* the port is free again: a new leg can take it */
	struct mrfp_leg_params p;
	leg_params(&p, &peers[2]);
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 3, &p, &peers[2].send_key, &peers[2].recv_key),
			 0);
	assert_int_equal(mrfp_dp_leg_out_ssrc(dp, 3, &out_ssrc[2]), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	/* The participant's stream restarts towards a new leg: fresh replay state there. */
	exchange(3);
}

static void
test_control_refuses_bad_requests(void **state)
{
	(void)state;
	struct mrfp_leg_params p;
	struct mrfp_srtp_key bad = peers[0].send_key;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	leg_params(&p, &peers[0]);
	assert_int_equal(mrfp_dp_conf_add(dp, CONF, &cp), -EEXIST);
	cp.keys = MRFP_KEYS_GROUP; /* switching under a group key: not yet */
	assert_int_equal(mrfp_dp_conf_add(dp, 77, &cp), -ENOTSUP);
	assert_int_equal(mrfp_dp_leg_add(dp, 99, 50, &p, &bad, &bad), -ENOENT);
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 1, &p, &bad, &bad), -EEXIST);
	p.local_port = 40000; /* taken by leg 1 */
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 50, &p, &bad, &bad), -EEXIST);
	p.local_port = 40301;
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 50, &p, &bad, &bad), -EINVAL);
	p.local_port = 30000;
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 50, &p, &bad, &bad), -ERANGE);
	p.local_port = 40300;
	bad.len = 10;
	assert_int_equal(mrfp_dp_leg_add(dp, CONF, 50, &p, &bad, &bad), -EINVAL);
	assert_int_equal(mrfp_dp_leg_remove(dp, 4242, NULL), -ENOENT);
	/* nothing was half-applied: the conference still works as before */
	exchange(2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_receiver_hears_every_other_leg),
		cmocka_unit_test(test_source_restart_keeps_output_stream_continuous),
		cmocka_unit_test(test_bad_packets_dropped_by_name_others_unharmed),
		cmocka_unit_test(test_arp_and_ping_answered),
		cmocka_unit_test(test_next_hop_resolved_by_arp),
		cmocka_unit_test(test_ipv6_nd_echo_and_switching),
		cmocka_unit_test(test_key_lifetime_enforced_and_reported),
		cmocka_unit_test(test_key_change_without_loss),
		cmocka_unit_test(test_key_change_without_mki_without_loss),
		cmocka_unit_test(test_gcm_key_change_without_mki_told_by_control),
		cmocka_unit_test(test_group_key_change_and_secrecy),
		cmocka_unit_test(test_group_churn),
		cmocka_unit_test(test_rtcp_demux_and_source_latching),
		cmocka_unit_test(test_every_suite_switches),
		cmocka_unit_test(test_control_refuses_bad_requests),
		cmocka_unit_test(test_moved_leg_hears_its_new_conference),
		cmocka_unit_test(test_removed_leg_is_gone_others_continue),
	};
	return cmocka_run_group_tests_name("dp_switch", tests, setup, teardown);
}
