/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crosstalk: five talkers send tones of the same loudness, each packet's level jittered by up
 * to ±10 %, in real time through a net_ring port. Each talker's personal stream is decrypted,
 * decoded with spandsp's G.711 (not ours) and every 20 ms packet is measured with a Goertzel
 * filter per tone: the set of talkers it carries. With K=3 that set must stay the same for at
 * least 95 % of the packets once the mix has settled (a selection that recomputes the loudest
 * three from scratch every tick changes it about every other tick); with K=all every packet
 * carries the four other talkers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

#include "harness.h"
#include "mrfp_dp.h"
#include "peer.h"

#define TALKERS 5
#define FRAMES 150 /* 3 s of 20 ms packets per talker: 150 ticks */
#define SETTLE 25  /* packets before the mix counts as settled: jitter buffers, first seats */
#define MAX_RX 400
#define WAIT_MS 3000
#define AMPLITUDE 5000
#define STABLE_PERMILLE 950

static struct mrfp_dp *dp;
/* On 50 Hz bins of a 160-sample block, 500 Hz apart: no tone leaks into another's bin. */
static const double tone_hz[TALKERS] = {400, 900, 1400, 1900, 2400};
static uint32_t conf_id = 20;

struct party {
	struct peer p;
	unsigned int n_rx;
	unsigned int n_live;  /* packets received while everybody was still talking */
	uint8_t mask[MAX_RX]; /* talkers heard in each packet, one bit per talker */
};

static struct party parties[TALKERS];
static bool conf_up;

static int
party_of_ip(uint32_t ip)
{
	for (int i = 0; i < TALKERS; i++)
		if (parties[i].p.ip == ip)
			return i;
	return -1;
}

/* Goertzel power of one frequency in one Hann-windowed 160-sample block. */
static double
block_power(const int16_t *pcm, double hz)
{
	double coeff = 2 * cos(2 * M_PI * hz / 8000), s1 = 0, s2 = 0;
	for (unsigned int i = 0; i < 160; i++) {
		double hann = 0.5 - 0.5 * cos(2 * M_PI * i / 159.0);
		double s0 = hann * pcm[i] + coeff * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/* The talkers one packet carries: every tone within 20 dB of a full-level tone. */
static uint8_t
heard_mask(const uint8_t *ulaw)
{
	int16_t pcm[160];
	/* a tone of amplitude A gives (A * 160 / 4)^2 through the Hann window */
	double full = pow(AMPLITUDE * 0.9 * 40, 2);
	uint8_t mask = 0;
	for (unsigned int s = 0; s < 160; s++)
		pcm[s] = ulaw_to_linear(ulaw[s]);
	for (unsigned int t = 0; t < TALKERS; t++)
		if (block_power(pcm, tone_hz[t]) > full / 100)
			mask |= (uint8_t)(1u << t);
	return mask;
}

/* What the worker sent, decrypted and measured packet by packet, by receiver. */
static void
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int n;
	while ((n = rte_ring_dequeue_burst(h_tx, (void **)m, RTE_DIM(m), NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				m[i], struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
			struct rte_udp_hdr *udp = (void *)(ip + 1);
			int r = party_of_ip(ip->dst_addr);
			int len = rte_be_to_cpu_16(udp->dgram_len) - (int)sizeof(*udp);
			uint8_t buf[256];
			/* RTP only: an RTCP report to port+1 may come along at any time */
			if (r >= 0 && rte_be_to_cpu_16(udp->dst_port) == parties[r].p.port &&
			    parties[r].n_rx < MAX_RX && len <= (int)sizeof(buf)) {
				struct party *pt = &parties[r];
				memcpy(buf, udp + 1, (size_t)len);
				assert_int_equal(srtp_unprotect(pt->p.recv, buf, &len),
						 srtp_err_status_ok);
				assert_int_equal(len, 12 + 160);
				pt->mask[pt->n_rx++] = heard_mask(buf + 12);
			}
			rte_pktmbuf_free(m[i]);
		}
	}
}

static void
tone_frame(unsigned int talker, unsigned int frame, uint8_t *ulaw)
{
	/* this packet's level: ±10 % around the common one */
	double a = AMPLITUDE * (0.9 + 0.2 * (double)rte_rand_max(1001) / 1000);
	for (unsigned int i = 0; i < 160; i++) {
		double t = (frame * 160.0 + i) / 8000.0;
		ulaw[i] = linear_to_ulaw((int)(a * sin(2 * M_PI * tone_hz[talker] * t)));
	}
}

/* Every talker sends FRAMES packets in real time; everything sent back is measured. */
static void
run_call(void)
{
	uint8_t ulaw[160];
	uint64_t hz = rte_get_timer_hz(), next = rte_get_timer_cycles();
	for (unsigned int f = 0; f < FRAMES; f++) {
		for (unsigned int t = 0; t < TALKERS; t++) {
			tone_frame(t, f, ulaw);
			assert_int_equal(harness_deliver(peer_payload_frame(h_mp, &parties[t].p, 0,
									    ulaw, 160, 160)),
					 0);
		}
		next += hz / 50;
		while (rte_get_timer_cycles() < next)
			drain();
	}
	/* what came out until now was mixed while all five were talking */
	for (int i = 0; i < TALKERS; i++)
		parties[i].n_live = parties[i].n_rx;
	uint64_t end = rte_get_timer_cycles() + hz / 2;
	while (rte_get_timer_cycles() < end)
		drain();
}

static void
setup_conference(uint8_t speakers)
{
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_MIX,
				      .keys = MRFP_KEYS_BILATERAL,
				      .ptime_ms = 20,
				      .speakers = speakers};
	conf_up = true;
	conf_id++;
	assert_int_equal(mrfp_dp_conf_add(dp, conf_id, &cp), 0);
	for (int i = 0; i < TALKERS; i++) {
		struct party *pt = &parties[i];
		struct mrfp_leg_params lp = {.local_port = (uint16_t)(42000 + 20 * conf_id + 2 * i),
					     .mode = MRFP_MODE_SENDRECV,
					     .latch = MRFP_LATCH_STRICT,
					     .pt = 0};
		peer_init(&pt->p, (unsigned int)i, lp.local_port,
			  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		pt->n_rx = pt->n_live = 0;
		lp.remote.family = AF_INET;
		lp.remote.v4 = pt->p.ip;
		lp.remote.port = rte_cpu_to_be_16(pt->p.port);
		assert_int_equal(mrfp_dp_leg_add(dp, conf_id, conf_id * 100 + i, &lp,
						 &pt->p.send_key, &pt->p.recv_key),
				 0);
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

static void
teardown_conference(void)
{
	if (!conf_up)
		return;
	conf_up = false;
	assert_int_equal(mrfp_dp_conf_remove(dp, conf_id), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	drain();
	for (int i = 0; i < TALKERS; i++)
		peer_fini(&parties[i].p);
}

/* Packets of the settled, all-talking part of the call; a loaded host may lose a few ticks. */
static unsigned int
settled(const struct party *pt)
{
	assert_true(pt->n_live >= SETTLE + FRAMES / 2);
	return pt->n_live - SETTLE;
}

/* Per mille of the settled packets that carry the receiver's most frequent set. */
static unsigned int
stable_permille(const struct party *pt, unsigned int *changes)
{
	const uint8_t *mask = pt->mask + SETTLE;
	unsigned int n = settled(pt), count[1u << TALKERS] = {0}, best = 0;
	*changes = 0;
	for (unsigned int i = 0; i < n; i++) {
		count[mask[i]]++;
		*changes += i > 0 && mask[i] != mask[i - 1];
	}
	for (unsigned int m = 0; m < RTE_DIM(count); m++)
		best = RTE_MAX(best, count[m]);
	return best * 1000 / n;
}

/* K=3 of five equally loud talkers: everybody keeps hearing the same speakers. */
static void
test_k3_speakers_stay(void **state)
{
	(void)state;
	setup_conference(3);
	run_call();
	unsigned int seated = 0;
	for (int i = 0; i < TALKERS; i++) {
		const struct party *pt = &parties[i];
		unsigned int changes, stable = stable_permille(pt, &changes);
		printf("talker %d: %u settled packets, same speakers in %u per mille, %u changes\n",
		       i, settled(pt), stable, changes);
		for (unsigned int p = SETTLE; p < pt->n_live; p++) {
			assert_false(pt->mask[p] & (1u << i)); /* never its own voice */
			/* two others when it holds a seat, the three seated otherwise */
			int heard = __builtin_popcount(pt->mask[p]);
			assert_true(heard == 2 || heard == 3);
		}
		seated += __builtin_popcount(pt->mask[pt->n_live - 1]) == 2;
		assert_true(stable >= STABLE_PERMILLE);
	}
	assert_int_equal(seated, 3);
	teardown_conference();
}

/* K=all: no selection, every talker hears the four others in every packet. */
static void
test_all_mixes_everyone(void **state)
{
	(void)state;
	setup_conference(MRFP_SPEAKERS_ALL);
	run_call();
	for (int i = 0; i < TALKERS; i++) {
		const struct party *pt = &parties[i];
		uint8_t others = (uint8_t)(((1u << TALKERS) - 1) & ~(1u << i));
		printf("talker %d: %u settled packets\n", i, settled(pt));
		for (unsigned int p = SETTLE; p < pt->n_live; p++)
			if (pt->mask[p] != others)
				fail_msg("talker %d packet %u: heard %#x, want %#x", i, p,
					 pt->mask[p], others);
	}
	teardown_conference();
}

/* Whatever a failed assertion left behind goes, so the next test starts clean. */
static int
after_each(void **state)
{
	(void)state;
	teardown_conference();
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	int port = harness_init("mrfp_dp_crosstalk");
	struct mrfp_config cfg;
	if (port < 0)
		return -1;
	harness_config(&cfg, port);
	for (int i = 0; i < TALKERS; i++) {
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + i));
		uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(0x10 + i)};
		memcpy(cfg.neigh[i].mac, mac, 6);
	}
	cfg.n_neigh = TALKERS;
	dp = harness_dp_create(&cfg);
	return dp != NULL && mrfp_dp_start(dp) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	mrfp_dp_destroy(dp);
	return harness_fini();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_k3_speakers_stay, after_each),
		cmocka_unit_test_teardown(test_all_mixes_everyone, after_each),
	};
	return cmocka_run_group_tests_name("dp_crosstalk", tests, setup, teardown);
}
