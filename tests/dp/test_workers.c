/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Several workers on one net_ring port with one queue pair each (MRFP_TEST_WORKERS, 2 or 3;
 * their lcores share this machine's CPUs). The test plays the NIC: it puts each frame on
 * the queue a flow rule would pick (the owner's), or on another one as RSS might, and
 * checks who served it: conferences spread over the workers, legs served by their owner
 * only, handoffs counted, a conference moved between workers mid-stream without loss.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "harness.h"
#include "mrfp_dp.h"
#include "mrfp_workers.h"
#include "peer.h"

#define MAX_CONFS 6
#define WAIT_MS 5000
#define mp h_mp

static struct mrfp_dp *dp;
static unsigned int n_workers;
static unsigned int n_confs;
/* conference c (id c + 1): peers[2c] talks, peers[2c + 1] listens */
static struct peer peers[2 * MAX_CONFS];
/* a mix conference: [0] talks, [1] listens */
#define MIX_PEER0 20
static struct peer mixers[2];

static uint32_t
leg_id(unsigned int peer)
{
	return 100 + peer;
}

static unsigned int
owner(unsigned int conf)
{
	int w = mrfp_dp_conf_worker(dp, conf + 1);
	assert_true(w >= 0 && (unsigned int)w < n_workers);
	return (unsigned int)w;
}

static struct mrfp_worker_counters
wctr(unsigned int w)
{
	struct mrfp_worker_counters c;
	assert_int_equal(mrfp_dp_worker_counters(dp, w, &c), 0);
	return c;
}

static struct mrfp_leg_counters
lctr(unsigned int peer)
{
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(dp, leg_id(peer), &c), 0);
	return c;
}

static void
add_leg(unsigned int conf, unsigned int i)
{
	struct mrfp_leg_params p = {.mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_STRICT};
	p.remote.family = AF_INET;
	p.remote.v4 = peers[i].ip;
	p.remote.port = rte_cpu_to_be_16(peers[i].port);
	/* local_port 0: the dataplane picks one in its worker's steering block */
	assert_int_equal(mrfp_dp_leg_add(dp, conf + 1, leg_id(i), &p, &peers[i].send_key,
					 &peers[i].recv_key),
			 0);
	assert_int_equal(mrfp_dp_leg_params(dp, leg_id(i), &p), 0);
	peers[i].leg_port = p.local_port;
}

/* Received frames: which listener got how many, decrypted, in sequence. */
#define MAX_HEARD 1024

struct heard {
	unsigned int got[2 * MAX_CONFS];
	uint16_t seq[2 * MAX_CONFS][MAX_HEARD];
};

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* What listener r heard is one run of consecutive sequence numbers: nothing lost, nothing
 * twice. (The workers' TX queues are read one after the other, so arrival order across
 * workers says nothing; output streams start below 2^15, so these runs do not wrap.) */
static void
assert_one_run(struct heard *h, unsigned int r)
{
	qsort(h->seq[r], h->got[r], sizeof(uint16_t), cmp_u16);
	for (unsigned int i = 1; i < h->got[r]; i++)
		assert_int_equal(h->seq[r][i], h->seq[r][i - 1] + 1);
}

static int
peer_of_ip(uint32_t ip)
{
	for (unsigned int i = 0; i < 2 * n_confs; i++)
		if (peers[i].ip == ip)
			return (int)i;
	return -1;
}

/* Receive sessions by address: the conferences' peers, then the mix conference's two. */
static srtp_t
recv_of_ip(uint32_t ip)
{
	for (unsigned int i = 0; i < 2 * n_confs; i++)
		if (peers[i].ip == ip)
			return peers[i].recv;
	for (unsigned int i = 0; i < 2; i++)
		if (mixers[i].ip == ip)
			return mixers[i].recv;
	return NULL;
}

/* The frame's destination and source port, and its SRTP packet decrypted as its receiver. */
static uint8_t *
decrypt_frame(struct rte_mbuf *m, uint32_t *dst, uint16_t *sport)
{
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (void *)(b + sizeof(struct rte_ether_hdr));
	struct rte_udp_hdr *udp = (void *)(ip + 1);
	uint8_t *rtp = (uint8_t *)(udp + 1);
	int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
	*dst = ip->dst_addr;
	*sport = rte_be_to_cpu_16(udp->src_port);
	srtp_t recv = recv_of_ip(ip->dst_addr);
	assert_non_null(recv);
	assert_int_equal(srtp_unprotect(recv, rtp, &len), srtp_err_status_ok);
	return rtp;
}

static void
hear(struct rte_mbuf *m, struct heard *h)
{
	uint32_t dst;
	uint16_t sport;
	uint8_t *rtp = decrypt_frame(m, &dst, &sport);
	int r = peer_of_ip(dst);
	assert_true(r >= 0 && r % 2 == 1); /* only listeners are sent to */
	assert_int_equal(sport, peers[r].leg_port);
	assert_int_equal(rtp[12], 0xa0 + r - 1); /* the talker of its own conference */
	assert_true(h->got[r] < MAX_HEARD);
	h->seq[r][h->got[r]++] = get16(rtp + 2);
}

static void
collect_and_hear(unsigned int want, struct heard *h)
{
	static struct rte_mbuf *out[MAX_HEARD];
	unsigned int got = harness_collect(out, RTE_DIM(out), want, WAIT_MS);
	assert_int_equal(got, want);
	for (unsigned int i = 0; i < got; i++) {
		hear(out[i], h);
		rte_pktmbuf_free(out[i]);
	}
}

static void
talk(unsigned int conf, unsigned int queue)
{
	unsigned int t = 2 * conf;
	assert_int_equal(harness_deliver_q(queue, peer_srtp_frame(mp, &peers[t],
								  (uint8_t)(0xa0 + t), NULL, NULL)),
			 0);
}

static int
setup(void **state)
{
	(void)state;
	const char *e = getenv("MRFP_TEST_WORKERS");
	n_workers = e != NULL && atoi(e) == 3 ? 3 : 2;
	n_confs = 2 * n_workers;
	/* main lcore 0 on CPU 0, workers spread over both CPUs of this machine */
	int port = harness_init_queues("mrfp_dp_workers", n_workers,
				       n_workers == 3 ? "0@0,1@1,2@0,3@1" : "0@0,1@1,2@0");
	if (port < 0)
		return -1;
	struct mrfp_config cfg;
	harness_config(&cfg, port);
	cfg.workers = n_workers;
	for (unsigned int i = 0; i < 2 * n_confs; i++) {
		peer_init(&peers[i], i, 0, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = peers[i].ip;
		memcpy(cfg.neigh[i].mac, peers[i].mac, 6);
	}
	cfg.n_neigh = 2 * n_confs;
	for (unsigned int i = 0; i < 2; i++) { /* the mix conference's two */
		peer_init(&mixers[i], MIX_PEER0 + i, 0, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		cfg.neigh[cfg.n_neigh].ip.family = AF_INET;
		cfg.neigh[cfg.n_neigh].ip.v4 = mixers[i].ip;
		memcpy(cfg.neigh[cfg.n_neigh++].mac, mixers[i].mac, 6);
	}
	dp = harness_dp_create(&cfg);
	if (dp == NULL || mrfp_dp_start(dp) < 0 || mrfp_dp_worker_count(dp) != n_workers)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mrfp_dp_destroy(dp);
	for (unsigned int i = 0; i < 2 * n_confs; i++)
		peer_fini(&peers[i]);
	peer_fini(&mixers[0]);
	peer_fini(&mixers[1]);
	return harness_fini();
}

/* Placement: equal conferences spread evenly; each leg's port is in its owner's block. */
static void
test_conferences_spread_over_workers(void **state)
{
	(void)state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	unsigned int per_worker[3] = {0};
	for (unsigned int c = 0; c < n_confs; c++) {
		assert_int_equal(mrfp_dp_conf_add(dp, c + 1, &cp), 0);
		add_leg(c, 2 * c);
		add_leg(c, 2 * c + 1);
		per_worker[owner(c)]++;
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	for (unsigned int w = 0; w < n_workers; w++) {
		struct mrfp_worker_info wi;
		assert_int_equal(mrfp_dp_worker_info(dp, w, &wi), 0);
		assert_int_equal(per_worker[w], 2);
		assert_int_equal(wi.conferences, 2);
		assert_int_equal(wi.legs, 4);
	}
	/* the two legs of a conference sit in the same block, distinct per worker */
	for (unsigned int c = 0; c < n_confs; c++)
		for (unsigned int d = 0; d < n_confs; d++)
			if (owner(c) != owner(d))
				assert_true((peers[2 * c].leg_port < peers[2 * d].leg_port) ==
					    (owner(c) < owner(d)));
}

/* Counters before; every talker sends 10 frames, on its owner's queue or on queue 0; every
 * listener hears its 10 as one run. */
static void
ten_rounds(struct mrfp_worker_counters *before, bool all_on_queue0)
{
	struct heard h;
	memset(&h, 0, sizeof(h));
	for (unsigned int w = 0; w < n_workers; w++)
		before[w] = wctr(w);
	for (unsigned int k = 0; k < 10; k++)
		for (unsigned int c = 0; c < n_confs; c++)
			talk(c, all_on_queue0 ? 0 : owner(c));
	collect_and_hear(10 * n_confs, &h);
	for (unsigned int c = 0; c < n_confs; c++) {
		assert_int_equal(h.got[2 * c + 1], 10);
		assert_one_run(&h, 2 * c + 1);
	}
}

/* Frames on their owner's queue (flow rules): each worker serves only its own legs. */
static void
test_owner_serves_its_legs(void **state)
{
	(void)state;
	struct mrfp_worker_counters before[3], after;
	ten_rounds(before, false);
	for (unsigned int w = 0; w < n_workers; w++) {
		after = wctr(w);
		assert_int_equal(after.rx_pkts - before[w].rx_pkts, 20); /* its 2 conferences */
		assert_int_equal(after.tx_pkts - before[w].tx_pkts, 20);
		assert_int_equal(after.handoff_tx - before[w].handoff_tx, 0);
		assert_int_equal(after.handoff_rx - before[w].handoff_rx, 0);
	}
}

/* Everything on queue 0 (no steering): worker 0 hands the others' frames to their owner. */
static void
test_handoff_without_steering(void **state)
{
	(void)state;
	struct mrfp_worker_counters before[3], after;
	ten_rounds(before, true);
	after = wctr(0);
	unsigned int foreign = 10 * (n_confs - 2); /* conferences not on worker 0 */
	assert_int_equal(after.rx_pkts - before[0].rx_pkts, 10 * n_confs);
	assert_int_equal(after.handoff_tx - before[0].handoff_tx, foreign);
	assert_int_equal(after.drops[MRFP_DROP_HANDOFF_FULL], 0);
	for (unsigned int w = 1; w < n_workers; w++) {
		after = wctr(w);
		assert_int_equal(after.handoff_rx - before[w].handoff_rx, 20);
		assert_int_equal(after.tx_pkts - before[w].tx_pkts, 20); /* the owner sends */
	}
}

struct talker {
	unsigned int conf, queue, n;
	volatile unsigned int sent;
};

static void *
talker_main(void *arg)
{
	struct talker *t = arg;
	for (unsigned int i = 0; i < t->n; i++) {
		struct rte_mbuf *m = peer_srtp_frame(mp, &peers[2 * t->conf],
						     (uint8_t)(0xa0 + 2 * t->conf), NULL, NULL);
		/* frames arrive on every queue in turn, as RSS spreads them without flow rules:
		 * on the old owner, on the new one before and after it takes over, elsewhere */
		while (harness_deliver_q((t->queue + i) % n_workers, m) != 0)
			rte_delay_us_sleep(100);
		__atomic_store_n(&t->sent, i + 1, __ATOMIC_RELEASE);
		rte_delay_us_sleep(500);
	}
	return NULL;
}

static void
wait_sent(struct talker *t, unsigned int n)
{
	while (__atomic_load_n(&t->sent, __ATOMIC_ACQUIRE) < n)
		rte_delay_us_sleep(200);
}

/*
 * A conference moves to each other worker in turn while its talker sends; the frames
 * arrive on every queue in turn. The listener hears every one
 * in sequence, the legs count no drop, and stream state (ROC, replay window, output
 * sequence) goes along.
 */
static void
test_conference_moves_without_loss(void **state)
{
	(void)state;
	const unsigned int n = 600, conf = 0;
	unsigned int first = owner(conf);
	struct talker t = {.conf = conf, .queue = first, .n = n};
	struct mrfp_leg_counters talker_before = lctr(0), listener_before = lctr(1);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, talker_main, &t), 0);
	for (unsigned int k = 1; k <= n_workers; k++) {
		wait_sent(&t, k * n / (n_workers + 1));
		unsigned int to = (first + k) % n_workers;
		assert_int_equal(mrfp_dp_conf_move(dp, conf + 1, to), 0);
		assert_int_equal(owner(conf), to);
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	struct heard h;
	memset(&h, 0, sizeof(h));
	collect_and_hear(n, &h);
	assert_int_equal(h.got[1], n);
	assert_one_run(&h, 1);
	struct mrfp_leg_counters a = lctr(0), b = lctr(1);
	assert_int_equal(a.rx_pkts - talker_before.rx_pkts, n);
	assert_int_equal(b.tx_pkts - listener_before.tx_pkts, n);
	for (unsigned int d = 1; d < MRFP_DROP_COUNT; d++) {
		assert_int_equal(a.drops[d], talker_before.drops[d]);
		assert_int_equal(b.drops[d], listener_before.drops[d]);
	}
	assert_int_equal(owner(conf), first); /* around the ring and back */
}

/*
 * H.248 Move of a leg into a conference on another worker: the talker of conference 1
 * joins conference 2 (another owner) and is heard there by both members, not in its old
 * conference; its frames still arrive on its old owner's queue (its port's block) and are
 * handed over. Then back.
 */
static void
test_leg_moves_to_another_workers_conference(void **state)
{
	(void)state;
	assert_int_not_equal(owner(0), owner(1));
	unsigned int from = owner(0);
	assert_int_equal(mrfp_dp_leg_move(dp, leg_id(0), 2), 0);
	for (unsigned int k = 0; k < 10; k++)
		talk(0, from);
	struct rte_mbuf *out[64];
	unsigned int got = harness_collect(out, RTE_DIM(out), 20, WAIT_MS), to2 = 0, to3 = 0;
	assert_int_equal(got, 20);
	for (unsigned int i = 0; i < got; i++) {
		uint32_t dst;
		uint16_t sport;
		uint8_t *rtp = decrypt_frame(out[i], &dst, &sport);
		int r = peer_of_ip(dst);
		assert_true(r == 2 || r == 3);
		assert_int_equal(rtp[12], 0xa0);
		*(r == 2 ? &to2 : &to3) += 1;
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(to2, 10);
	assert_int_equal(to3, 10);
	struct mrfp_worker_info wi;
	assert_int_equal(mrfp_dp_worker_info(dp, owner(1), &wi), 0);
	assert_int_equal(wi.legs, 5);
	assert_int_equal(mrfp_dp_leg_move(dp, leg_id(0), 1), 0);
	assert_int_equal(mrfp_dp_worker_info(dp, from, &wi), 0);
	assert_int_equal(wi.legs, 4);
}

/* What the workers sent so far, without waiting. */
static unsigned int
take_sent(struct rte_mbuf **out, unsigned int max)
{
	unsigned int n = 0;
	for (unsigned int q = 0; q < h_nq && n < max; q++)
		n += rte_ring_dequeue_burst(h_txq[q], (void **)out + n, max - n, NULL);
	return n;
}

/*
 * A mix conference moves to each other worker in turn while its talker speaks in real time
 * (20 ms frames, on every queue in turn): its tick, jitter buffers and mixer go along. The
 * listener's stream is one run of sequence numbers, the talker's 100 frames all accepted.
 */
static void
test_mix_conference_moves_in_real_time(void **state)
{
	(void)state;
	const uint32_t id = 60;
	const unsigned int frames = 100;
	struct mrfp_conf_params cp = {
		.media = MRFP_MEDIA_MIX, .keys = MRFP_KEYS_BILATERAL, .ptime_ms = 20};
	assert_int_equal(mrfp_dp_conf_add(dp, id, &cp), 0);
	for (unsigned int i = 0; i < 2; i++) {
		struct mrfp_leg_params p = {.mode = i == 0 ? MRFP_MODE_SENDRECV
							   : MRFP_MODE_SENDONLY,
					    .latch = MRFP_LATCH_STRICT,
					    .pt = 0};
		p.remote.family = AF_INET;
		p.remote.v4 = mixers[i].ip;
		p.remote.port = rte_cpu_to_be_16(mixers[i].port);
		assert_int_equal(mrfp_dp_leg_add(dp, id, 600 + i, &p, &mixers[i].send_key,
						 &mixers[i].recv_key),
				 0);
		assert_int_equal(mrfp_dp_leg_params(dp, 600 + i, &p), 0);
		mixers[i].leg_port = p.local_port;
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	unsigned int first = (unsigned int)mrfp_dp_conf_worker(dp, id);
	uint8_t ulaw[160];
	memset(ulaw, 0x20, sizeof(ulaw)); /* loud enough to be mixed */
	static struct rte_mbuf *out[MAX_HEARD];
	unsigned int n_out = 0;
	uint64_t hz = rte_get_timer_hz(), next = rte_get_timer_cycles();
	const unsigned int step = frames / (n_workers + 1); /* a move every `step` frames */
	for (unsigned int f = 0; f < frames; f++) {
		if (f > 0 && f % step == 0 && f / step <= n_workers)
			assert_int_equal(mrfp_dp_conf_move(dp, id, (first + f / step) % n_workers),
					 0);
		assert_int_equal(
			harness_deliver_q(f % n_workers,
					  peer_payload_frame(mp, &mixers[0], 0, ulaw, 160, 160)),
			0);
		next += hz / 50;
		while (rte_get_timer_cycles() < next)
			n_out += take_sent(out + n_out, RTE_DIM(out) - n_out);
	}
	assert_int_equal(mrfp_dp_conf_worker(dp, id), (int)first); /* round and back */
	rte_delay_us_sleep(300000);				   /* the jitter buffer plays out */
	n_out += take_sent(out + n_out, RTE_DIM(out) - n_out);
	uint16_t seq[MAX_HEARD];
	unsigned int heard = 0;
	for (unsigned int i = 0; i < n_out; i++) {
		uint32_t dst;
		uint16_t sport;
		uint8_t *rtp = decrypt_frame(out[i], &dst, &sport);
		if (dst == mixers[1].ip)
			seq[heard++] = get16(rtp + 2);
		rte_pktmbuf_free(out[i]);
	}
	/* the mix keeps ticking through the moves: about one frame per talker frame */
	assert_true(heard >= frames * 8 / 10);
	qsort(seq, heard, sizeof(seq[0]), cmp_u16);
	for (unsigned int i = 1; i < heard; i++)
		assert_int_equal(seq[i], seq[i - 1] + 1);
	struct mrfp_leg_counters t;
	assert_int_equal(mrfp_dp_leg_counters(dp, 600, &t), 0);
	assert_int_equal(t.rx_pkts, frames);
	const enum mrfp_drop never[] = {MRFP_DROP_UNKNOWN_PORT, MRFP_DROP_NOT_OWNER,
					MRFP_DROP_HANDOFF_FULL, MRFP_DROP_SRTP_AUTH,
					MRFP_DROP_SRTP_REPLAY};
	for (unsigned int i = 0; i < RTE_DIM(never); i++)
		assert_int_equal(t.drops[never[i]], 0);
	assert_int_equal(mrfp_dp_conf_remove(dp, id), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

/* A neighbour learned by the worker whose queue got the ARP reply serves every worker. */
static void
test_neighbour_news_reach_every_worker(void **state)
{
	(void)state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct rte_ether_addr port_mac;
	struct peer a, b; /* no static neighbour for b */
	assert_int_equal(rte_eth_macaddr_get(rte_eth_find_next(0), &port_mac), 0);
	peer_init(&a, 2, 0, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80); /* a's address is known */
	peer_init(&b, 40, 0, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	const uint32_t id = 50;
	assert_int_equal(mrfp_dp_conf_add(dp, id, &cp), 0);
	if (mrfp_dp_conf_worker(dp, id) == 0) /* off the worker whose queue gets the reply */
		assert_int_equal(mrfp_dp_conf_move(dp, id, 1), 0);
	struct mrfp_leg_params p = {.mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_STRICT};
	p.remote.family = AF_INET;
	p.remote.v4 = a.ip;
	p.remote.port = rte_cpu_to_be_16(a.port);
	assert_int_equal(mrfp_dp_leg_add(dp, id, 900, &p, &a.send_key, &a.recv_key), 0);
	assert_int_equal(mrfp_dp_leg_params(dp, 900, &p), 0);
	a.leg_port = p.local_port;
	p.remote.v4 = b.ip;
	p.remote.port = rte_cpu_to_be_16(b.port);
	p.local_port = 0;
	assert_int_equal(mrfp_dp_leg_add(dp, id, 901, &p, &b.send_key, &b.recv_key), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	struct rte_mbuf *f[8];
	unsigned int got = harness_collect(f, RTE_DIM(f), 1, WAIT_MS); /* its ARP request */
	for (unsigned int i = 0; i < got; i++)
		rte_pktmbuf_free(f[i]);
	/* b's reply reaches worker 0's queue only */
	uint8_t arp[sizeof(struct rte_arp_hdr)];
	struct rte_arp_hdr *ah = (void *)arp;
	memset(arp, 0, sizeof(arp));
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	memcpy(&ah->arp_data.arp_sha, b.mac, 6);
	ah->arp_data.arp_sip = b.ip;
	ah->arp_data.arp_tha = port_mac;
	ah->arp_data.arp_tip = rte_cpu_to_be_32(MEDIA_IP);
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *fr = (uint8_t *)rte_pktmbuf_append(m, sizeof(struct rte_ether_hdr) + sizeof(arp));
	struct rte_ether_hdr *eth = (void *)fr;
	memcpy(&eth->src_addr, b.mac, 6);
	eth->dst_addr = port_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	memcpy(fr + sizeof(*eth), arp, sizeof(arp));
	assert_int_equal(harness_deliver_q(0, m), 0);
	rte_delay_us_sleep(200000);
	/* a talks on its owner's queue: the owner (not worker 0) now knows where b is */
	assert_int_equal(harness_deliver_q((unsigned int)mrfp_dp_conf_worker(dp, id),
					   peer_srtp_frame(mp, &a, 0xee, NULL, NULL)),
			 0);
	got = harness_collect(f, RTE_DIM(f), 1, WAIT_MS);
	assert_int_equal(got, 1);
	eth = rte_pktmbuf_mtod(f[0], struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, b.mac, 6);
	rte_pktmbuf_free(f[0]);
	assert_int_equal(mrfp_dp_conf_remove(dp, id), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	peer_fini(&a);
	peer_fini(&b);
}

/* Draining a worker moves its conferences away; new ones avoid it until it is back. */
static void
test_drain_moves_everything_away(void **state)
{
	(void)state;
	struct mrfp_worker_info wi;
	int moved = mrfp_dp_worker_drain(dp, 0, true);
	assert_true(moved >= 2);
	assert_int_equal(mrfp_dp_worker_info(dp, 0, &wi), 0);
	assert_int_equal(wi.conferences, 0);
	assert_int_equal(wi.legs, 0);
	assert_true(wi.draining);
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	assert_int_equal(mrfp_dp_conf_add(dp, 77, &cp), 0);
	assert_int_not_equal(mrfp_dp_conf_worker(dp, 77), 0);
	assert_int_equal(mrfp_dp_conf_remove(dp, 77), 0);
	/* media still flows, from every conference's old queue */
	struct heard h;
	memset(&h, 0, sizeof(h));
	for (unsigned int c = 0; c < n_confs; c++)
		talk(c, 0);
	collect_and_hear(n_confs, &h);
	assert_int_equal(mrfp_dp_worker_drain(dp, 0, false), 0);
	assert_int_equal(mrfp_dp_conf_add(dp, 78, &cp), 0);
	assert_int_equal(mrfp_dp_conf_worker(dp, 78), 0); /* the idle one again */
	assert_int_equal(mrfp_dp_conf_remove(dp, 78), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

/* Bad requests change nothing. */
static void
test_move_refusals(void **state)
{
	(void)state;
	assert_int_equal(mrfp_dp_conf_move(dp, 999, 0), -ENOENT);
	assert_int_equal(mrfp_dp_conf_move(dp, 1, n_workers), -EINVAL);
	assert_int_equal(mrfp_dp_worker_drain(dp, n_workers, true), -EINVAL);
	assert_int_equal(mrfp_dp_conf_move(dp, 1, (unsigned int)mrfp_dp_conf_worker(dp, 1)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conferences_spread_over_workers),
		cmocka_unit_test(test_owner_serves_its_legs),
		cmocka_unit_test(test_handoff_without_steering),
		cmocka_unit_test(test_conference_moves_without_loss),
		cmocka_unit_test(test_leg_moves_to_another_workers_conference),
		cmocka_unit_test(test_mix_conference_moves_in_real_time),
		cmocka_unit_test(test_neighbour_news_reach_every_worker),
		cmocka_unit_test(test_drain_moves_everything_away),
		cmocka_unit_test(test_move_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
