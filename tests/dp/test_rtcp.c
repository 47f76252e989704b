/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP through the worker (reports every ~200 ms here): mrfpd's SR for the stream it sends
 * a participant carries a report block about the participant's own stream with the right
 * loss; a participant's RR about mrfpd's stream becomes loss, jitter and round-trip time on
 * its leg. Reports are parsed from bytes written by the RFC layout in this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "harness.h"
#include "mrfp_dp.h"
#include "peer.h"

#define WAIT_MS 3000
#define REPORT_WAIT_MS 10000

static struct mrfp_dp *dp;
static struct peer a, b;
static uint32_t b_out_ssrc;

struct report {
	uint32_t sender_ssrc;
	int is_sr;
	uint32_t ntp_mid32;
	int blocks;
	uint32_t block_ssrc;
	uint8_t fraction;
	int32_t cum_lost;
	uint32_t ext_highest_seq;
};

/* First SR/RR of a decrypted compound, read by the RFC 3550 6.4 layout. */
static void
read_report(const uint8_t *p, int len, struct report *r)
{
	assert_true(len >= 8);
	assert_int_equal(p[0] >> 6, 2);
	r->is_sr = p[1] == 200;
	assert_true(r->is_sr || p[1] == 201);
	r->blocks = p[0] & 0x1f;
	r->sender_ssrc = get32(p + 4);
	const uint8_t *blk = p + 8;
	if (r->is_sr) {
		/* low 16 bits of the NTP seconds, high 16 bits of the fraction */
		r->ntp_mid32 = (get32(p + 8) << 16) | (get32(p + 12) >> 16);
		blk = p + 28;
	}
	if (r->blocks > 0) {
		r->block_ssrc = get32(blk);
		r->fraction = blk[4];
		r->cum_lost = (int32_t)((uint32_t)blk[5] << 16 | blk[6] << 8 | blk[7]);
		r->ext_highest_seq = get32(blk + 8);
	}
}

/* Wait for an SRTCP packet to p's RTCP port and decrypt it with p's receive key. */
static int
next_report(struct peer *p, uint8_t *out)
{
	struct rte_mbuf *m[64];
	/* reports come every 0.1-0.3 s; a starved worker on a loaded host may take seconds */
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * REPORT_WAIT_MS / 1000;
	int found = -1;
	while (found < 0 && rte_get_timer_cycles() < end) {
		unsigned int n = rte_ring_dequeue_burst(h_tx, (void **)m, RTE_DIM(m), NULL);
		for (unsigned int i = 0; i < n; i++) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				m[i], struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
			struct rte_udp_hdr *udp = (void *)(ip + 1);
			int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
			if (found < 0 && ip->dst_addr == p->ip &&
			    rte_be_to_cpu_16(udp->dst_port) == p->port + 1) {
				memcpy(out, udp + 1, (size_t)len);
				assert_int_equal(srtp_unprotect_rtcp(p->recv, out, &len),
						 srtp_err_status_ok);
				found = len;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
	return found;
}

static void
send_rtp(struct peer *p, unsigned int n, unsigned int skip_every)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = peer_srtp_frame(h_mp, p, 0xa0, NULL, NULL);
		if (skip_every && i % skip_every == skip_every - 1) {
			rte_pktmbuf_free(m); /* lost on the way */
			continue;
		}
		assert_int_equal(harness_deliver(m), 0);
	}
}

/*
 * Wait until the worker has counted want on a's leg: the test thread and the worker run
 * concurrently, so what it sent may not be processed yet on a loaded host.
 */
static void
wait_leg_counters(uint64_t rx_pkts, uint64_t rtcp_rx, struct mrfp_leg_counters *c)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * REPORT_WAIT_MS / 1000;
	do {
		assert_int_equal(mrfp_dp_leg_counters(dp, 1, c), 0);
		if (c->rx_pkts >= rx_pkts && c->rtcp_rx >= rtcp_rx)
			return;
		rte_delay_us_sleep(1000);
	} while (rte_get_timer_cycles() < end);
	fail_msg("a's leg counted %" PRIu64 " RTP and %" PRIu64 " RTCP packets, not %" PRIu64
		 " and %" PRIu64,
		 c->rx_pkts, c->rtcp_rx, rx_pkts, rtcp_rx);
}

static void
test_sr_reports_the_participants_loss(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct report r;
	struct mrfp_leg_counters c;
	/* b talks so that a receives a stream; a's own stream loses 1 packet in 10 */
	send_rtp(&b, 20, 0);
	send_rtp(&a, 51, 10); /* 9, 19, 29, 39, 49 lost; 50 arrives, so all five are known lost */
	uint16_t last_seq = (uint16_t)(a.seq - 1);
	wait_leg_counters(46, 0, &c);
	/* Reports are generated at random times; one made while a's packets were still arriving
	 * describes part of the stream. The one to check is the first that has seen all of it. */
	do {
		int len = next_report(&a, buf);
		assert_true(len > 0);
		memset(&r, 0, sizeof(r));
		read_report(buf, len, &r);
	} while (!(r.is_sr && r.blocks == 1 && (uint16_t)r.ext_highest_seq == last_seq));
	assert_int_equal(r.sender_ssrc, rte_be_to_cpu_32(b_out_ssrc)); /* SR of b's stream to a */
	assert_int_equal(r.block_ssrc, a.ssrc);			       /* about a's own stream */
	assert_int_equal(r.cum_lost, 5);
	assert_int_equal(mrfp_dp_leg_counters(dp, 1, &c), 0);
	assert_int_equal(c.rx_lost, 5);
	assert_true(c.rtcp_tx >= 1);
}

/* a's receiver report about b's stream, as the RFC lays it out, under a's send key. */
static void
send_rr(uint32_t about, uint8_t fraction, uint32_t lsr, uint32_t dlsr)
{
	uint8_t p[128] = {0x81, 201, 0, 7};
	int len = 32;
	put32(p + 4, a.ssrc);
	put32(p + 8, about);
	p[12] = fraction;
	p[13] = 0, p[14] = 0, p[15] = 3; /* cumulative lost 3 */
	put32(p + 16, 1000);		 /* extended highest sequence */
	put32(p + 20, 80);		 /* jitter: 80 samples = 10 ms */
	put32(p + 24, lsr);
	put32(p + 28, dlsr);
	assert_int_equal(srtp_protect_rtcp(a.send, p, &len), srtp_err_status_ok);
	struct peer from = a;
	from.port++; /* RTCP from its RTCP port: strict latching checks it */
	assert_int_equal(harness_deliver(peer_frame(h_mp, &from, a.leg_port + 1, p, (uint16_t)len)),
			 0);
}

static void
test_receiver_report_gives_loss_jitter_and_rtt(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct report r = {0};
	send_rtp(&b, 5, 0);
	do {
		int len = next_report(&a, buf);
		assert_true(len > 0);
		read_report(buf, len, &r);
	} while (!r.is_sr);
	/* a answers 150 ms later, claiming it held the SR for 50 ms (3277/65536 s) */
	rte_delay_us_sleep(150000);
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(dp, 1, &c), 0);
	uint64_t rtcp_rx = c.rtcp_rx;
	send_rr(rte_be_to_cpu_32(b_out_ssrc), 64, r.ntp_mid32, 3277);
	wait_leg_counters(0, rtcp_rx + 1, &c);
	assert_int_equal(c.peer_fraction_lost, 64);
	assert_int_equal(c.peer_lost, 3);
	assert_int_equal(c.peer_jitter_us, 10000);
	/* RTT = arrival - LSR - DLSR: at least the 100 ms it really was, never seconds */
	assert_true(c.rtt_us >= 95000 && c.rtt_us < 1000000);
	/* a report about someone else's stream changes nothing */
	send_rr(0x12345678, 200, r.ntp_mid32, 0);
	wait_leg_counters(0, rtcp_rx + 2, &c);
	assert_int_equal(c.peer_fraction_lost, 64);
}

static int
setup(void **state)
{
	(void)state;
	int port = harness_init("mrfp_dp_rtcp");
	struct mrfp_config cfg;
	struct peer *pp[2] = {&a, &b};
	if (port < 0)
		return -1;
	harness_config(&cfg, port);
	cfg.rtcp_interval_ms = 200;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	for (int i = 0; i < 2; i++) {
		peer_init(pp[i], (unsigned int)i, (uint16_t)(40000 + 2 * i),
			  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = pp[i]->ip;
		memcpy(cfg.neigh[i].mac, pp[i]->mac, 6);
	}
	cfg.n_neigh = 2;
	dp = harness_dp_create(&cfg);
	if (dp == NULL || mrfp_dp_start(dp) < 0 || mrfp_dp_conf_add(dp, 1, &cp) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		struct mrfp_leg_params p = {.local_port = pp[i]->leg_port,
					    .mode = MRFP_MODE_SENDRECV,
					    .latch = MRFP_LATCH_STRICT};
		p.remote.family = AF_INET;
		p.remote.v4 = pp[i]->ip;
		p.remote.port = rte_cpu_to_be_16(pp[i]->port);
		if (mrfp_dp_leg_add(dp, 1, (uint32_t)(i + 1), &p, &pp[i]->send_key,
				    &pp[i]->recv_key) < 0)
			return -1;
	}
	return mrfp_dp_sync(dp, WAIT_MS) == 0 && mrfp_dp_leg_out_ssrc(dp, 2, &b_out_ssrc) == 0 ? 0
											       : -1;
}

static int
teardown(void **state)
{
	(void)state;
	mrfp_dp_destroy(dp);
	peer_fini(&a);
	peer_fini(&b);
	return harness_fini();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sr_reports_the_participants_loss),
		cmocka_unit_test(test_receiver_report_gives_loss_jitter_and_rtt),
	};
	return cmocka_run_group_tests_name("dp_rtcp", tests, setup, teardown);
}
