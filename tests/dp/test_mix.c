/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mixing through a net_ring port in real time: three talkers send PCMU tones, two listeners
 * (H.248 SendOnly) only hear. For each key mode the test decrypts what every participant
 * received, decodes it with spandsp's G.711 (not ours) and measures the tones with a Goertzel
 * filter: talkers hear the others and not themselves, listeners hear all talkers, and under a
 * group key the listeners' packets are the same bytes.
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

#define TALKERS 3
#define LISTENERS 2
#define NP (TALKERS + LISTENERS)
#define FRAMES 60 /* 1.2 s of 20 ms packets per talker */
#define MAX_RX 400
#define WAIT_MS 3000

static struct mrfp_dp *dp;
static const double tone_hz[TALKERS] = {440, 1040, 1620};
static uint32_t conf_id = 10;

struct party {
	struct peer p;
	srtp_t group_recv; /* the group key as this receiver's own inbound session */
	unsigned int n_rx;
	uint8_t rx[MAX_RX][256]; /* UDP payloads as received (still protected) */
	uint16_t rx_len[MAX_RX];
	int16_t pcm[MAX_RX * 160]; /* decoded audio, in arrival order */
	unsigned int samples;
	uint32_t ssrcs[4];
	unsigned int n_ssrcs;
};

static struct party parties[NP];
static struct mrfp_srtp_key group_key;

static srtp_t
inbound(const struct mrfp_srtp_key *k)
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.ssrc.type = ssrc_any_inbound;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	assert_int_equal(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

static int
party_of_ip(uint32_t ip)
{
	for (int i = 0; i < NP; i++)
		if (parties[i].p.ip == ip)
			return i;
	return -1;
}

/* Keep what the worker sent, sorted by receiver (still protected). */
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
			uint16_t len = rte_be_to_cpu_16(udp->dgram_len) - sizeof(*udp);
			/* RTP only: an RTCP report to port+1 may come along at any time */
			if (r >= 0 && rte_be_to_cpu_16(udp->dst_port) == parties[r].p.port &&
			    parties[r].n_rx < MAX_RX && len <= 256) {
				memcpy(parties[r].rx[parties[r].n_rx], udp + 1, len);
				parties[r].rx_len[parties[r].n_rx++] = len;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
}

static void
tone_frame(unsigned int talker, unsigned int frame, uint8_t *ulaw)
{
	for (unsigned int i = 0; i < 160; i++) {
		double t = (frame * 160.0 + i) / 8000.0;
		ulaw[i] = linear_to_ulaw((int)(6000 * sin(2 * M_PI * tone_hz[talker] * t)));
	}
}

/* Talkers send FRAMES packets in real time; everything sent back is kept. */
static void
run_call_with(unsigned int talk_mask)
{
	uint8_t ulaw[160];
	uint64_t hz = rte_get_timer_hz(), next = rte_get_timer_cycles();
	struct mrfp_worker_counters w0;
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &w0), 0);
	uint64_t delivered = 0;
	for (unsigned int f = 0; f < FRAMES; f++) {
		for (unsigned int t = 0; t < TALKERS; t++) {
			if (!(talk_mask & (1u << t)))
				continue;
			tone_frame(t, f, ulaw);
			assert_int_equal(harness_deliver(peer_payload_frame(h_mp, &parties[t].p, 0,
									    ulaw, 160, 160)),
					 0);
			delivered++;
		}
		next += hz / 50;
		while (rte_get_timer_cycles() < next)
			drain();
	}
	/* A starved worker (a loaded host) may still hold input: wait until it took all of it
	 * (at most 10 s), then let the jitter buffers drain. */
	struct mrfp_worker_counters wc;
	uint64_t limit = rte_get_timer_cycles() + 10 * hz;
	do {
		drain();
		assert_int_equal(mrfp_dp_worker_counters(dp, 0, &wc), 0);
	} while (wc.rx_pkts < w0.rx_pkts + delivered && rte_get_timer_cycles() < limit);
	uint64_t end = rte_get_timer_cycles() + hz / 2;
	while (rte_get_timer_cycles() < end)
		drain();
}

static void
run_call(void)
{
	run_call_with((1u << TALKERS) - 1);
}

/* Decrypt and decode everything a party received, with the key its stream is under. */
static void
decode_party(struct party *pt, bool under_group)
{
	pt->samples = 0;
	pt->n_ssrcs = 0;
	for (unsigned int i = 0; i < pt->n_rx; i++) {
		uint8_t buf[256];
		int len = pt->rx_len[i];
		memcpy(buf, pt->rx[i], (size_t)len);
		int st = srtp_unprotect(under_group ? pt->group_recv : pt->p.recv, buf, &len);
		if (st != 0 && getenv("MIX_DEBUG"))
			printf("party %ld packet %u/%u ssrc %08x seq %u: %d\n",
			       (long)(pt - parties), i, pt->n_rx, get32(buf + 8), get16(buf + 2),
			       st);
		assert_int_equal(st, srtp_err_status_ok);
		assert_int_equal(len, 12 + 160);
		assert_int_equal(buf[1] & 0x7f, 0);
		uint32_t ssrc = get32(buf + 8);
		bool seen = false;
		for (unsigned int s = 0; s < pt->n_ssrcs; s++)
			seen |= pt->ssrcs[s] == ssrc;
		if (!seen && pt->n_ssrcs < 4)
			pt->ssrcs[pt->n_ssrcs++] = ssrc;
		for (unsigned int s = 0; s < 160; s++)
			pt->pcm[pt->samples++] = ulaw_to_linear(buf[12 + s]);
	}
}

/*
 * Goertzel power of one frequency, summed over 20 ms blocks: incoherent across blocks, so a
 * phase jump (concealment, a skipped or stretched jitter-buffer block) does not cancel it.
 */
static double
tone_power(const struct party *pt, double hz)
{
	double coeff = 2 * cos(2 * M_PI * hz / 8000), total = 0;
	for (unsigned int b = 0; b + 160 <= pt->samples; b += 160) {
		double s1 = 0, s2 = 0;
		for (unsigned int i = b; i < b + 160; i++) {
			/* Hann window: other tones must not leak into this bin */
			double hann = 0.5 - 0.5 * cos(2 * M_PI * (i - b) / 159.0);
			double s0 = hann * pt->pcm[i] + coeff * s1 - s2;
			s2 = s1;
			s1 = s0;
		}
		total += s1 * s1 + s2 * s2 - coeff * s1 * s2;
	}
	return total / (pt->samples + 1);
}

static void
assert_hears(const struct party *pt, int self)
{
	double strongest = 0;
	for (int t = 0; t < TALKERS; t++)
		if (t != self && tone_power(pt, tone_hz[t]) > strongest)
			strongest = tone_power(pt, tone_hz[t]);
	for (int t = 0; t < TALKERS; t++) {
		double pw = tone_power(pt, tone_hz[t]);
		if (getenv("MIX_DEBUG"))
			printf("self %d tone %d power %.1f (strongest %.1f, %u samples)\n", self, t,
			       pw, strongest, pt->samples);
		if (t == self)
			assert_true(pw <
				    strongest / 300); /* never its own voice (it would be ~1) */
		else
			assert_true(pw > strongest / 10); /* every other talker, comparably loud */
	}
}

static bool conf_up;

static void
setup_conference_params(const struct mrfp_conf_params *params)
{
	enum mrfp_key_mode keys = params->keys;
	struct mrfp_conf_params cp = *params;
	conf_up = true;
	conf_id++;
	assert_int_equal(mrfp_dp_conf_add(dp, conf_id, &cp), 0);
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		struct mrfp_leg_params lp = {.local_port = (uint16_t)(41000 + 20 * conf_id + 2 * i),
					     .mode = i < TALKERS ? MRFP_MODE_SENDRECV
								 : MRFP_MODE_SENDONLY,
					     .latch = MRFP_LATCH_STRICT,
					     .pt = 0};
		peer_init(&pt->p, (unsigned int)i, lp.local_port,
			  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		pt->group_recv = inbound(&group_key);
		pt->n_rx = 0;
		lp.remote.family = AF_INET;
		lp.remote.v4 = pt->p.ip;
		lp.remote.port = rte_cpu_to_be_16(pt->p.port);
		assert_int_equal(mrfp_dp_leg_add(dp, conf_id, conf_id * 100 + i, &lp,
						 &pt->p.send_key,
						 keys == MRFP_KEYS_GROUP ? NULL : &pt->p.recv_key),
				 0);
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

static void
setup_conference_roles(enum mrfp_key_mode keys, bool dynamic)
{
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_MIX,
				      .keys = keys,
				      .ptime_ms = 20,
				      .dynamic_roles = dynamic,
				      .group_key = keys == MRFP_KEYS_BILATERAL ? NULL : &group_key};
	setup_conference_params(&cp);
}

static void
setup_conference(enum mrfp_key_mode keys)
{
	setup_conference_roles(keys, false);
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
	for (int i = 0; i < NP; i++) {
		peer_fini(&parties[i].p);
		srtp_dealloc(parties[i].group_recv);
	}
}

/* Listeners under a group key: the very same SRTP bytes, seq by seq. */
static void
assert_listeners_identical(void)
{
	const struct party *a = &parties[TALKERS], *b = &parties[TALKERS + 1];
	unsigned int same = 0;
	for (unsigned int i = 0; i < a->n_rx; i++)
		for (unsigned int j = 0; j < b->n_rx; j++)
			if (get16(a->rx[i] + 2) == get16(b->rx[j] + 2)) {
				assert_int_equal(a->rx_len[i], b->rx_len[j]);
				assert_memory_equal(a->rx[i], b->rx[j], a->rx_len[i]);
				same++;
			}
	assert_true(same >= FRAMES / 4);
}

static void
check_mode(enum mrfp_key_mode keys)
{
	setup_conference(keys);
	run_call();
	uint32_t common;
	assert_int_equal(mrfp_dp_conf_common_ssrc(dp, conf_id, 0, &common), 0);
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		bool talker = i < TALKERS;
		bool group = keys == MRFP_KEYS_GROUP || (keys == MRFP_KEYS_HYBRID && !talker);
		assert_true(pt->n_rx >= FRAMES / 4); /* a loaded 2-CPU host may lose ticks */
		decode_party(pt, group);
		assert_int_equal(pt->n_ssrcs, 1); /* one continuous stream per receiver */
		if (group && !talker)
			assert_int_equal(pt->ssrcs[0], common);
		else
			assert_int_not_equal(pt->ssrcs[0], common);
		assert_hears(pt, talker ? i : -1);
	}
	/* personal streams have their own SSRCs */
	for (int i = 0; i < TALKERS; i++)
		for (int j = i + 1; j < TALKERS; j++)
			assert_int_not_equal(parties[i].ssrcs[0], parties[j].ssrcs[0]);
	if (keys != MRFP_KEYS_BILATERAL)
		assert_listeners_identical();
	else
		assert_memory_not_equal(parties[TALKERS].rx[5], parties[TALKERS + 1].rx[5], 40);
	teardown_conference();
}

static void
test_mix_bilateral(void **state)
{
	(void)state;
	check_mode(MRFP_KEYS_BILATERAL);
}

static void
test_mix_group(void **state)
{
	(void)state;
	struct mrfp_worker_counters before, after;
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &before), 0);
	check_mode(MRFP_KEYS_GROUP);
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &after), 0);
	/* one protect per tick for both listeners, not one each */
	uint64_t ticks = after.mix_ticks - before.mix_ticks;
	assert_true(after.group_protects - before.group_protects <= ticks);
	assert_true(after.group_protects - before.group_protects >= FRAMES / 4);
}

static void
test_mix_hybrid(void **state)
{
	(void)state;
	check_mode(MRFP_KEYS_HYBRID);
}

/*
 * Dynamic roles: only the active speaker moves to its personal stream; the silent talkers
 * stay on the common stream with the listeners and get its very bytes.
 */
static void
test_mix_dynamic_roles(void **state)
{
	(void)state;
	uint32_t common;
	setup_conference_roles(MRFP_KEYS_GROUP, true);
	run_call_with(1u << 0); /* only talker 0 speaks */
	assert_int_equal(mrfp_dp_conf_common_ssrc(dp, conf_id, 0, &common), 0);
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		decode_party(pt, true);
		assert_true(pt->n_rx >= FRAMES / 4); /* a loaded 2-CPU host may lose ticks */
		if (i == 0) {
			/* its personal N-1 mix: everyone but itself, and nobody else speaks */
			assert_int_not_equal(pt->ssrcs[0], common);
			assert_true(tone_power(pt, tone_hz[0]) < 1000);
		} else {
			/* the common stream, where talker 0 is heard; never a personal stream */
			assert_int_equal(pt->n_ssrcs, 1);
			assert_int_equal(pt->ssrcs[0], common);
			assert_true(tone_power(pt, tone_hz[0]) > 1000000);
		}
	}
	/* a silent talker and a listener got the same bytes */
	const struct party *t1 = &parties[1], *l1 = &parties[TALKERS];
	unsigned int same = 0;
	for (unsigned int i = 0; i < t1->n_rx; i++)
		for (unsigned int j = 0; j < l1->n_rx; j++)
			if (get16(t1->rx[i] + 2) == get16(l1->rx[j] + 2)) {
				assert_memory_equal(t1->rx[i], l1->rx[j], t1->rx_len[i]);
				same++;
			}
	assert_true(same >= FRAMES / 4);
	teardown_conference();
}

static void
clear_received(void)
{
	drain();
	for (int i = 0; i < NP; i++)
		parties[i].n_rx = 0;
}

/* Who heard talker t in this phase: every party but t, under the group key, one SSRC. */
static void
assert_only_talker_forwarded(int t, uint32_t sw_ssrc)
{
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		if (i == t) {
			assert_int_equal(pt->n_rx, 0); /* the speaker does not get itself back */
			continue;
		}
		decode_party(pt, true);
		assert_true(pt->n_rx >= FRAMES / 4); /* a loaded 2-CPU host may lose ticks */
		assert_int_equal(pt->n_ssrcs, 1);
		assert_int_equal(pt->ssrcs[0], sw_ssrc);
		double heard = tone_power(pt, tone_hz[t]);
		assert_true(heard > 1000000);
		for (int o = 0; o < TALKERS; o++)
			if (o != t) /* not forwarded: only window leakage, 40 dB down */
				assert_true(tone_power(pt, tone_hz[o]) < heard / 10000);
	}
}

/* Speaker switching under a group key: one stream, protected once, follows the speaker. */
static void
test_switch_selects_the_speaker(void **state)
{
	(void)state;
	uint32_t sw;
	struct mrfp_worker_counters before, after;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_SPEAKER,
				      .keys = MRFP_KEYS_GROUP,
				      .group_key = &group_key};
	setup_conference_params(&cp);
	assert_int_equal(mrfp_dp_conf_common_ssrc(dp, conf_id, 0, &sw), 0);
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &before), 0);
	run_call_with(1u << 0);
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &after), 0);
	/* one protect per forwarded packet, however many receive it (a loaded host may have
	 * dropped a few on the way in: each receiver then got exactly what was protected) */
	uint64_t protects = after.group_protects - before.group_protects;
	assert_true(protects <= FRAMES && protects >= FRAMES * 3 / 4);
	for (int i = 1; i < NP; i++)
		assert_int_equal(parties[i].n_rx, protects);
	assert_only_talker_forwarded(0, sw);
	uint16_t last_seq = get16(parties[1].rx[parties[1].n_rx - 1] + 2);
	clear_received();
	rte_delay_us_sleep(400000); /* talker 0 has been silent longer than the hold time */
	run_call_with(1u << 1);
	assert_only_talker_forwarded(1, sw);
	/* the same stream went on: the sequence continues where it stopped */
	assert_int_equal(get16(parties[2].rx[0] + 2), (uint16_t)(last_seq + 1));
	teardown_conference();
}

/* The controller chooses: only that leg is forwarded, to each receiver under its own key. */
static void
test_switch_forwards_the_chosen_leg(void **state)
{
	(void)state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_CHOSEN,
				      .keys = MRFP_KEYS_BILATERAL};
	struct mrfp_leg_counters c;
	setup_conference_params(&cp);
	assert_int_equal(mrfp_dp_conf_select(dp, conf_id, conf_id * 100 + 2), 0);
	assert_int_equal(mrfp_dp_conf_select(dp, conf_id, 4242), -ENOENT);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	run_call(); /* all three talk */
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		if (i == 2) {
			assert_int_equal(pt->n_rx, 0);
			continue;
		}
		decode_party(pt, false);
		assert_int_equal(pt->n_ssrcs, 1);
		if (getenv("MIX_DEBUG"))
			printf("chosen: party %d tones %.0f %.0f %.0f\n", i,
			       tone_power(pt, tone_hz[0]), tone_power(pt, tone_hz[1]),
			       tone_power(pt, tone_hz[2]));
		double heard = tone_power(pt, tone_hz[2]);
		assert_true(heard > 1000000);
		/* the others are not there at all: only window leakage, 40 dB down */
		assert_true(tone_power(pt, tone_hz[0]) < heard / 10000);
		assert_true(tone_power(pt, tone_hz[1]) < heard / 10000);
	}
	assert_int_equal(mrfp_dp_leg_counters(dp, conf_id * 100 + 0, &c), 0);
	assert_int_equal(c.drops[MRFP_DROP_NOT_SELECTED], FRAMES);
	teardown_conference();
}

static void
count_event(const struct mrfp_event *ev, void *arg)
{
	if (ev->type == MRFP_EVENT_SSRC_COLLISION)
		(*(unsigned int *)arg)++;
}

/* A participant that holds the group key and sends under the common stream's SSRC. */
static void
test_ssrc_collision_dropped_and_reported(void **state)
{
	(void)state;
	uint8_t ulaw[160];
	setup_conference(MRFP_KEYS_GROUP);
	struct party *x = &parties[0];
	struct mrfp_leg_params lp = {
		.local_port = 41900, .mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_OFF, .pt = 0};
	struct peer rogue;
	uint32_t common;
	peer_init(&rogue, 0, 41900, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	srtp_dealloc(rogue.send);
	rogue.send_key = group_key; /* its send key is the group key */
	{
		srtp_policy_t pol;
		memset(&pol, 0, sizeof(pol));
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
		pol.ssrc.type = ssrc_any_outbound;
		pol.key = rogue.send_key.material;
		pol.window_size = 1024;
		assert_int_equal(srtp_create(&rogue.send, &pol), srtp_err_status_ok);
	}
	lp.remote.family = AF_INET;
	lp.remote.v4 = x->p.ip;
	lp.remote.port = rte_cpu_to_be_16(7000);
	assert_int_equal(mrfp_dp_leg_add(dp, conf_id, 999, &lp, &group_key, NULL), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(dp, conf_id, 0, &common), 0);
	rogue.ssrc = common;
	tone_frame(0, 0, ulaw);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
			harness_deliver(peer_payload_frame(h_mp, &rogue, 0, ulaw, 160, 160)), 0);
	rte_delay_us_sleep(100000);
	drain();
	struct mrfp_leg_counters c;
	unsigned int events = 0;
	assert_int_equal(mrfp_dp_leg_counters(dp, 999, &c), 0);
	assert_int_equal(c.drops[MRFP_DROP_SSRC_COLLISION], 3);
	assert_int_equal(c.rx_pkts, 0);
	assert_int_equal(mrfp_dp_poll_events(dp, count_event, &events), 1);
	assert_int_equal(events, 1); /* reported once per SSRC, counted every time */
	/* With an SSRC of its own the same participant is accepted. */
	rogue.ssrc = common ^ 0x01010101;
	assert_int_equal(harness_deliver(peer_payload_frame(h_mp, &rogue, 0, ulaw, 160, 160)), 0);
	rte_delay_us_sleep(100000);
	assert_int_equal(mrfp_dp_leg_counters(dp, 999, &c), 0);
	assert_int_equal(c.rx_pkts, 1);
	srtp_dealloc(rogue.send);
	srtp_dealloc(rogue.recv);
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
	int port = harness_init("mrfp_dp_mix");
	struct mrfp_config cfg;
	if (port < 0)
		return -1;
	harness_config(&cfg, port);
	for (int i = 0; i < NP; i++) {
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + i));
		uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(0x10 + i)};
		memcpy(cfg.neigh[i].mac, mac, 6);
	}
	cfg.n_neigh = NP;
	group_key.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	group_key.len = 30;
	for (int i = 0; i < 30; i++)
		group_key.material[i] = (uint8_t)rte_rand();
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
		cmocka_unit_test_teardown(test_mix_bilateral, after_each),
		cmocka_unit_test_teardown(test_mix_group, after_each),
		cmocka_unit_test_teardown(test_mix_hybrid, after_each),
		cmocka_unit_test_teardown(test_mix_dynamic_roles, after_each),
		cmocka_unit_test_teardown(test_switch_selects_the_speaker, after_each),
		cmocka_unit_test_teardown(test_switch_forwards_the_chosen_leg, after_each),
		cmocka_unit_test_teardown(test_ssrc_collision_dropped_and_reported, after_each),
	};
	return cmocka_run_group_tests_name("dp_mix", tests, setup, teardown);
}
