/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two-time-pad rule (DESIGN.md "Keys, rekeying and the two-time-pad rule"): no
 * (key, SSRC) pair ever protects two different streams.
 *
 * Worker side, dataplane/path/ssrc.c: ssrc_collides and ssrc_collision against
 * hand-built conferences (key fingerprints set by hand, no sessions).
 * Control side, dataplane/ctl/dp_legs.c: output SSRC allocation through the public API
 * (mrfp_dp_conf_add, mrfp_dp_leg_add, mrfp_dp_leg_out_ssrc, mrfp_dp_conf_common_ssrc) on a
 * hand-built dataplane without ports (tests/common/dp_fixture, as tests/unit/test_dp_cmd.c).
 * Where the worker's view is needed, this thread applies the commands itself (no worker lcore
 * is launched).
 *
 * EAL (--no-huge --no-pci, unique --file-prefix): rte_malloc, rte_hash, rte_ring, rte_rand.
 * The allocation tests re-seed rte_rand (rte_srand) so that the allocator is handed SSRCs that
 * are already taken and must retry: expected values come from the generator, not the code.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_fixture.h"
#include "dp_priv.h"

/* Key fingerprints for the hand-built objects (dp_legs.c makes them odd: never 0). */
#define K1 0x1111111111111111ull
#define K2 0x2222222222222223ull
#define K3 0x3333333333333333ull
#define KG 0x4444444444444445ull /* group key */

/* SSRCs in network order, as the worker sees them in headers; byte-asymmetric on purpose so
 * that a missing or extra byte swap shows. */
#define S_A RTE_BE32(0x11223344)
#define S_B RTE_BE32(0x55667788)
#define S_C RTE_BE32(0x99aabbcc)
#define S_OUT1 RTE_BE32(0x0a0b0c0d)
#define S_OUT2 RTE_BE32(0x1a1b1c1d)
#define S_OUT3 RTE_BE32(0x2a2b2c2d)
#define S_COM0 RTE_BE32(0x3a3b3c3d)
#define S_COM1 RTE_BE32(0x4a4b4c4d)

static unsigned int instance; /* unique names for the events rings */

static struct rte_ring *
events_ring(unsigned int count)
{
	char name[RTE_RING_NAMESIZE];
	snprintf(name, sizeof(name), "u_ssrc_ev_%u", ++instance);
	struct rte_ring *r = rte_ring_create_elem(name, sizeof(struct mrfp_event), count,
						  SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(r);
	return r;
}

/* ==== worker side: hand-built conference ================================================== */

#define HB_LEGS 4

struct hb {
	struct dp_conf *conf;
	struct dp_leg *leg[HB_LEGS];
	struct dp_worker *w;
};

/* A conference of HB_LEGS legs: leg i has rx key K1 (legs 0, 1), K2 (leg 2) or K3 (leg 3),
 * no tx key (0: nothing sent under it), output SSRC S_OUT1..3 (leg 3 none: 0 never matches
 * an inbound SSRC that the tests use), and as a mix conference the commons S_COM0/1. */
static struct hb *
hb_new(enum mrfp_media_mode media, enum mrfp_key_mode keys)
{
	struct hb *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	h->conf = dpf_conf(0x0c0f0001, HB_LEGS);
	h->conf->media = media;
	h->conf->keys = keys;
	if (media == MRFP_MEDIA_MIX) {
		h->conf->mix.common[0].ssrc = S_COM0;
		h->conf->mix.common[1].ssrc = S_COM1;
		/* as a real conference, every cohort slot has its stream's SSRC from the start */
		for (unsigned int k = 2; k < MIX_CODECS; k++)
			h->conf->mix.common[k].ssrc = RTE_BE32(0x7e7e0000u + k);
	}
	static const uint64_t rx[HB_LEGS] = {K1, K1, K2, K3};
	static const uint32_t out[HB_LEGS] = {S_OUT1, S_OUT2, S_OUT3, RTE_BE32(0x5a5b5c5d)};
	for (unsigned int i = 0; i < HB_LEGS; i++) {
		struct dp_leg *l = dpf_zalloc(sizeof(*l));
		l->id = 100 + i;
		l->rx_key_id = rx[i];
		l->out_ssrc = out[i];
		l->out.ssrc = out[i];
		dpf_conf_put(h->conf, l); /* slot i */
		h->leg[i] = l;
	}
	h->w = dpf_zalloc(sizeof(*h->w));
	return h;
}

static void
hb_free(struct hb *h)
{
	for (unsigned int i = 0; i < HB_LEGS; i++)
		free(h->leg[i]);
	free(h->conf);
	rte_ring_free(h->w->events);
	free(h->w);
	free(h);
}

static void
activate(struct dp_leg *l, uint32_t ssrc)
{
	l->src.active = true;
	l->src.in_ssrc = ssrc;
}

/* (1) inbound vs inbound: same rx key and an active stream with that SSRC. */
static void
test_inbound_same_key(void **state)
{
	(void)state;
	struct hb *h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_BILATERAL);
	struct dp_leg **l = h->leg;
	/* nothing active yet: no collision for anyone */
	assert_false(ssrc_collides(l[0], S_A));
	assert_false(ssrc_collides(l[2], S_A));
	/* leg 1 (K1) streams S_A: leg 0 (also K1) may not use S_A */
	activate(l[1], S_A);
	assert_true(ssrc_collides(l[0], S_A));
	assert_false(ssrc_collides(l[0], S_B)); /* another SSRC is fine */
	assert_false(ssrc_collides(l[2], S_A)); /* K2: a different key, no two-time pad */
	assert_false(ssrc_collides(l[3], S_A)); /* K3 */
	assert_false(ssrc_collides(l[1], S_A)); /* its own stream is not a collision */
	/* the other direction, once leg 0 holds S_B */
	activate(l[0], S_B);
	assert_true(ssrc_collides(l[1], S_B));
	assert_false(ssrc_collides(l[0], S_B));
	/* an inactive source holds nothing, whatever in_ssrc still says */
	l[1]->src.active = false;
	assert_false(ssrc_collides(l[0], S_A));
	/* K2 and K3 legs with the same SSRC never collide with each other */
	activate(l[2], S_C);
	assert_false(ssrc_collides(l[3], S_C));
	/* the key decides, not the slot: give leg 3 key K2 and it collides with leg 2 */
	l[3]->rx_key_id = K2;
	assert_true(ssrc_collides(l[3], S_C));
	/* only the worker's list (first n_legs slots) counts: a leg that left it holds nothing */
	activate(l[0], S_A);
	assert_true(ssrc_collides(l[1], S_A));
	h->conf->legs[0] = l[1]; /* as after a swap-remove of leg 0 */
	h->conf->n_legs = 1;
	assert_false(ssrc_collides(l[1], S_A));
	hb_free(h);
}

/* (2) inbound vs outputs: only when something mrfpd sends uses the leg's rx key. */
static void
test_outputs_only_under_same_key(void **state)
{
	(void)state;
	static const uint32_t outs[] = {S_OUT1, S_OUT2, S_OUT3, S_COM0, S_COM1};
	/* bilateral mix, no leg's tx key equals an rx key: outputs never collide */
	struct hb *h = hb_new(MRFP_MEDIA_MIX, MRFP_KEYS_BILATERAL);
	struct dp_leg **l = h->leg;
	l[0]->tx_key_id = K3 ^ 0x100; /* tx keys of their own */
	l[1]->tx_key_id = K3 ^ 0x200;
	for (unsigned int i = 0; i < RTE_DIM(outs); i++)
		for (unsigned int j = 0; j < HB_LEGS; j++)
			assert_false(ssrc_collides(l[j], outs[i]));
	/* a stale group key fingerprint means nothing in a bilateral conference */
	h->conf->mix.group_key_id = K1;
	for (unsigned int i = 0; i < RTE_DIM(outs); i++)
		assert_false(ssrc_collides(l[0], outs[i]));
	/* mrfpd sends to leg 2 under K1 (leg 0's send key): every output SSRC is now taken under
	 * K1 for legs 0 and 1, their own out SSRC and the commons included; K2/K3 legs unaffected
	 */
	l[2]->tx_key_id = K1;
	for (unsigned int i = 0; i < RTE_DIM(outs); i++) {
		assert_true(ssrc_collides(l[0], outs[i]));
		assert_true(ssrc_collides(l[1], outs[i]));
		assert_false(ssrc_collides(l[2], outs[i]));
		assert_false(ssrc_collides(l[3], outs[i]));
	}
	assert_false(ssrc_collides(l[0], S_A)); /* not an output SSRC */
	assert_false(ssrc_collides(l[0], 0));
	hb_free(h);

	/* group and hybrid: the group key protects the commons and (group) personal streams */
	static const enum mrfp_key_mode shared[] = {MRFP_KEYS_GROUP, MRFP_KEYS_HYBRID};
	for (unsigned int m = 0; m < RTE_DIM(shared); m++) {
		h = hb_new(MRFP_MEDIA_MIX, shared[m]);
		l = h->leg;
		h->conf->mix.group_key_id = KG;
		for (unsigned int i = 0; i < RTE_DIM(outs); i++)
			for (unsigned int j = 0; j < HB_LEGS; j++)
				assert_false(ssrc_collides(l[j], outs[i]));
		/* leg 2 is a participant holding the group key as its send key */
		l[2]->rx_key_id = KG;
		for (unsigned int i = 0; i < RTE_DIM(outs); i++) {
			assert_true(ssrc_collides(l[2], outs[i]));
			assert_false(ssrc_collides(l[0], outs[i]));
			assert_false(ssrc_collides(l[3], outs[i]));
		}
		assert_false(ssrc_collides(l[2], S_A));
		hb_free(h);
	}

	/* switch: outputs are the legs' out SSRCs; no common stream, so even SSRC 0 (an unset
	 * common slot) is free while outputs do use the leg's key */
	h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_BILATERAL);
	l = h->leg;
	l[3]->tx_key_id = K2;
	assert_true(ssrc_collides(l[2], S_OUT1));
	assert_true(ssrc_collides(l[2], S_OUT3)); /* its own forwarded stream's SSRC */
	assert_false(ssrc_collides(l[2], S_COM0));
	assert_false(ssrc_collides(l[2], 0));
	assert_false(ssrc_collides(l[0], S_OUT1)); /* K1: nothing sent under it */
	hb_free(h);
}

/* Both rules at once: an inbound collision is found even when outputs do not use the key,
 * and an output collision even when no other inbound stream exists. */
static void
test_rules_independent(void **state)
{
	(void)state;
	struct hb *h = hb_new(MRFP_MEDIA_MIX, MRFP_KEYS_GROUP);
	struct dp_leg **l = h->leg;
	h->conf->mix.group_key_id = KG;
	activate(l[1], S_COM0); /* leg 1 (K1) happens to send under the common SSRC: allowed */
	assert_false(ssrc_collides(l[2], S_COM0));
	assert_true(ssrc_collides(l[0], S_COM0)); /* but leg 0 shares K1 with leg 1 */
	l[3]->rx_key_id = KG;
	assert_true(ssrc_collides(l[3], S_COM1));
	hb_free(h);
}

/* Switch with a selected source: its one continuous stream is an output too, under the
 * group key when there is one; a conference that forwards every source has no such stream. */
static void
test_selected_stream(void **state)
{
	(void)state;
	struct hb *h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_GROUP);
	struct dp_leg **l = h->leg;
	h->conf->mix.group_key_id = KG;
	h->conf->sel.mode = MRFP_SELECT_SPEAKER;
	h->conf->sel.stream.ssrc = S_C;
	l[2]->rx_key_id = KG;
	assert_true(ssrc_collides(l[2], S_C));
	assert_false(ssrc_collides(l[0], S_C)); /* K1: not what the stream is under */
	assert_false(ssrc_collides(l[2], S_A));
	h->conf->sel.mode = MRFP_SELECT_CHOSEN;
	assert_true(ssrc_collides(l[2], S_C));
	h->conf->sel.mode = MRFP_SELECT_ALL; /* a stale stream SSRC means nothing then */
	assert_false(ssrc_collides(l[2], S_C));
	assert_true(ssrc_collides(l[2], S_OUT1)); /* the legs' streams still are outputs */
	hb_free(h);
}

static unsigned int
take_events(struct rte_ring *r, struct mrfp_event *ev, unsigned int max)
{
	unsigned int n = 0;
	while (n < max && rte_ring_dequeue_elem(r, &ev[n], sizeof(ev[n])) == 0)
		n++;
	return n;
}

/* (3) one event per new colliding SSRC, with conference, leg and host-order SSRC. */
static void
test_collision_event_once(void **state)
{
	(void)state;
	struct mrfp_event ev[8];
	struct hb *h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_BILATERAL);
	h->w->events = events_ring(16);
	ssrc_collision(h->w, h->leg[2], S_A);
	assert_int_equal(take_events(h->w->events, ev, 8), 1);
	assert_int_equal(ev[0].type, MRFP_EVENT_SSRC_COLLISION);
	assert_int_equal(ev[0].conf_id, 0x0c0f0001);
	assert_int_equal(ev[0].leg_id, 102);
	assert_int_equal(ev[0].ssrc, 0x11223344); /* host order */
	assert_string_equal(mrfp_event_name(ev[0].type), "ssrc_collision");
	/* the same SSRC again: counted by the caller, not reported again */
	for (int i = 0; i < 5; i++)
		ssrc_collision(h->w, h->leg[2], S_A);
	assert_int_equal(take_events(h->w->events, ev, 8), 0);
	/* a new SSRC of the same leg is a new event */
	ssrc_collision(h->w, h->leg[2], S_B);
	ssrc_collision(h->w, h->leg[2], S_B);
	assert_int_equal(take_events(h->w->events, ev, 8), 1);
	assert_int_equal(ev[0].leg_id, 102);
	assert_int_equal(ev[0].ssrc, 0x55667788);
	/* another leg with the SSRC that leg 2 reported: its own event */
	ssrc_collision(h->w, h->leg[0], S_A);
	assert_int_equal(take_events(h->w->events, ev, 8), 1);
	assert_int_equal(ev[0].leg_id, 100);
	assert_int_equal(ev[0].ssrc, 0x11223344);
	assert_int_equal(h->w->ctr.events_lost, 0);
	hb_free(h);
}

/* SSRC 0 is a legal RTP SSRC (RFC 3550 8.1 draws it at random): a participant that collides
 * with it deserves its event like any other. */
static void
test_collision_event_ssrc_zero(void **state)
{
	(void)state;
	struct mrfp_event ev[4];
	struct hb *h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_BILATERAL);
	h->w->events = events_ring(16);
	activate(h->leg[1], 0);
	assert_true(ssrc_collides(h->leg[0], 0)); /* the rule itself covers SSRC 0 */
	ssrc_collision(h->w, h->leg[0], 0);
	ssrc_collision(h->w, h->leg[0], 0);
	assert_int_equal(take_events(h->w->events, ev, 4), 1);
	assert_int_equal(ev[0].leg_id, 100);
	assert_int_equal(ev[0].ssrc, 0);
	hb_free(h);
}

/* A full events ring loses events and counts them; the worker never waits. */
static void
test_collision_events_ring_full(void **state)
{
	(void)state;
	struct mrfp_event ev[8];
	struct hb *h = hb_new(MRFP_MEDIA_SWITCH, MRFP_KEYS_BILATERAL);
	h->w->events = events_ring(4); /* without RING_F_EXACT_SZ: room for 3 */
	const uint32_t s[] = {RTE_BE32(1), RTE_BE32(2), RTE_BE32(3), RTE_BE32(4), RTE_BE32(5)};
	for (unsigned int i = 0; i < RTE_DIM(s); i++)
		ssrc_collision(h->w, h->leg[0], s[i]);
	assert_int_equal(h->w->ctr.events_lost, 2);
	ssrc_collision(h->w, h->leg[0], s[4]); /* a repeat: neither event nor loss */
	assert_int_equal(h->w->ctr.events_lost, 2);
	assert_int_equal(take_events(h->w->events, ev, 8), 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(ev[i].ssrc, i + 1); /* the first ones, in order */
	/* room again: the next new SSRC gets through */
	ssrc_collision(h->w, h->leg[0], s[0]);
	assert_int_equal(take_events(h->w->events, ev, 8), 1);
	assert_int_equal(ev[0].ssrc, 1);
	assert_int_equal(h->w->ctr.events_lost, 2);
	hb_free(h);
}

/* ==== control side: the public API on a dataplane without ports ========================= */

#define PORT_MIN 40000
#define PORT_MAX 40999
#define MANY 200

static int
setup(void **state)
{
	*state = dpf_eal_new(&(struct dpf_eal_opts){.port_min = PORT_MIN,
						    .port_max = PORT_MAX,
						    .max_conferences = 8,
						    .max_legs = 512,
						    .max_legs_per_conf = 256,
						    .registry = 1024,
						    .lcore = rte_lcore_id(),
						    .cmd_ring = 4096,
						    .retire_ring = 4096,
						    .events_ring = 64});
	return 0;
}

static struct mrfp_srtp_key
key(uint8_t seed)
{
	return dpf_key(seed, 7);
}

/* RTP and RTCP on one port, no remote yet (latching): no neighbour work on the worker. */
static struct mrfp_leg_params
params(uint16_t port, uint8_t pt)
{
	struct mrfp_leg_params p = dpf_params(port, true);
	p.pt = pt;
	return p;
}

static int
mix_conf(struct dpf *f, uint32_t id, enum mrfp_key_mode keys, const struct mrfp_srtp_key *g)
{
	struct mrfp_conf_params cp = {
		.media = MRFP_MEDIA_MIX, .keys = keys, .max_legs = 250, .group_key = g};
	return mrfp_dp_conf_add(f->dp, id, &cp);
}

static int
add_leg(struct dpf *f, uint32_t conf, uint32_t id, uint16_t port, uint8_t pt,
	const struct mrfp_srtp_key *rx, const struct mrfp_srtp_key *tx)
{
	struct mrfp_leg_params p = params(port, pt);
	return mrfp_dp_leg_add(f->dp, conf, id, &p, rx, tx);
}

/* Be the worker: apply everything posted so far on this thread. */
static void
apply_all(struct dpf *f)
{
	while (rte_ring_count(f->w->cmd) > 0)
		worker_apply_commands(f->w);
	assert_int_equal(f->w->cmd_done, f->w->cmd_posted);
}

/* A conference's common SSRCs through the API, network order like the out SSRCs. */
static void
commons(struct dpf *f, uint32_t conf, uint32_t c[2])
{
	uint32_t host;
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, conf, 0, &host), 0);
	c[0] = rte_cpu_to_be_32(host);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, conf, 8, &host), 0);
	c[1] = rte_cpu_to_be_32(host);
	/* the API's host order is the stored stream's SSRC, byte-swapped as documented */
	struct dp_conf *dc = dpf_registry_conf(f, conf);
	assert_non_null(dc);
	assert_int_equal(dc->mix.common[0].ssrc, c[0]);
	assert_int_equal(dc->mix.common[1].ssrc, c[1]);
}

/* A leg's output SSRC through the API: network order (tests/dp/test_rtcp.c relies on it). */
static uint32_t
out_ssrc(struct dpf *f, uint32_t leg)
{
	uint32_t s;
	assert_int_equal(mrfp_dp_leg_out_ssrc(f->dp, leg, &s), 0);
	struct dp_leg *l = dpf_registry_leg(f, leg);
	assert_non_null(l);
	assert_int_equal(s, l->out_ssrc);
	assert_int_equal(l->out.ssrc, l->out_ssrc); /* its mix stream carries that SSRC */
	return s;
}

static void
assert_all_distinct_nonzero(const uint32_t *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (s[i] == 0)
			fail_msg("SSRC #%u is 0", i);
		for (unsigned int j = 0; j < i; j++)
			if (s[i] == s[j])
				fail_msg("SSRC #%u equals #%u: %08x", i, j, s[i]);
	}
}

/* (4) many legs of one mix conference: every output stream of it has its own SSRC. */
static void
test_alloc_many_legs(void **state)
{
	struct dpf *f = *state;
	static uint32_t s[2 + MANY];
	struct mrfp_srtp_key rx = key(1), tx = key(2);
	assert_int_equal(mix_conf(f, 1, MRFP_KEYS_BILATERAL, NULL), 0);
	for (uint32_t i = 0; i < MANY; i++)
		assert_int_equal(add_leg(f, 1, 1000 + i, (uint16_t)(PORT_MIN + 2 * i),
					 (uint8_t)(i % 2 ? 8 : 0), &rx, &tx),
				 0);
	commons(f, 1, s);
	for (uint32_t i = 0; i < MANY; i++)
		s[2 + i] = out_ssrc(f, 1000 + i);
	assert_all_distinct_nonzero(s, 2 + MANY);
	/* a second conference next to it: the same holds there, the first one is unchanged */
	static uint32_t t[2 + 20];
	assert_int_equal(mix_conf(f, 2, MRFP_KEYS_BILATERAL, NULL), 0);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(
			add_leg(f, 2, 5000 + i, (uint16_t)(PORT_MIN + 2 * (MANY + i)), 0, &rx, &tx),
			0);
	commons(f, 2, t);
	for (uint32_t i = 0; i < 20; i++)
		t[2 + i] = out_ssrc(f, 5000 + i);
	assert_all_distinct_nonzero(t, 2 + 20);
	uint32_t again[2];
	commons(f, 1, again);
	assert_int_equal(again[0], s[0]);
	assert_int_equal(again[1], s[1]);
	for (uint32_t i = 0; i < MANY; i++)
		assert_int_equal(out_ssrc(f, 1000 + i), s[2 + i]);
	/* removing legs and adding new ones keeps the live set distinct */
	for (uint32_t i = 0; i < MANY; i += 3)
		assert_int_equal(mrfp_dp_leg_remove(f->dp, 1000 + i, NULL), 0);
	unsigned int n = 2;
	for (uint32_t i = 0; i < MANY; i++)
		if (i % 3 != 0)
			s[n++] = out_ssrc(f, 1000 + i);
	for (uint32_t i = 0; i < MANY; i += 3) {
		assert_int_equal(add_leg(f, 1, 9000 + i, (uint16_t)(PORT_MIN + 2 * i), 0, &rx, &tx),
				 0);
		s[n++] = out_ssrc(f, 9000 + i);
	}
	assert_int_equal(n, 2 + MANY);
	assert_all_distinct_nonzero(s, n);
}

/* Make the generator hand out SSRCs that are taken: the allocator must skip them. The first
 * draw after rte_srand(SEED) is R0; the conference takes R0 for its first common stream
 * (conf_mix_prepare: common[0] is the first allocation), then every leg added after a re-seed
 * starts again at R0 and has to walk past everything the conference already holds. */
#define SEED 0x5eed5eedull

static void
test_alloc_skips_taken(void **state)
{
	struct dpf *f = *state;
	static uint32_t s[2 + 64];
	struct mrfp_srtp_key rx = key(1), tx = key(2);
	rte_srand(SEED);
	const uint32_t r0 = (uint32_t)rte_rand();
	rte_srand(SEED);
	assert_int_equal(mix_conf(f, 1, MRFP_KEYS_BILATERAL, NULL), 0);
	commons(f, 1, s);
	assert_int_equal(s[0], r0); /* the premise: the first draw became common[0] */
	for (uint32_t i = 0; i < 64; i++) {
		rte_srand(SEED);
		assert_int_equal(add_leg(f, 1, 1000 + i, (uint16_t)(PORT_MIN + 2 * i), 0, &rx, &tx),
				 0);
		s[2 + i] = out_ssrc(f, 1000 + i);
		assert_int_not_equal(s[2 + i], r0);
	}
	assert_all_distinct_nonzero(s, 2 + 64);
	/* Uniqueness is per conference: a second conference, drawing from the same sequence, is
	 * not held back by the first (it gets R0 again) and is itself distinct. */
	rte_srand(SEED);
	assert_int_equal(mix_conf(f, 2, MRFP_KEYS_BILATERAL, NULL), 0);
	uint32_t t[2 + 8];
	commons(f, 2, t);
	assert_int_equal(t[0], r0);
	for (uint32_t i = 0; i < 8; i++) {
		rte_srand(SEED);
		assert_int_equal(
			add_leg(f, 2, 2000 + i, (uint16_t)(PORT_MIN + 200 + 2 * i), 8, &rx, &tx),
			0);
		t[2 + i] = out_ssrc(f, 2000 + i);
	}
	assert_all_distinct_nonzero(t, 2 + 8);
	rte_srand((uint64_t)getpid() ^ rte_rdtsc()); /* leave the generator unpredictable */
}

/* The selected-source stream of a switch conference is allocated first (conf_add) and the
 * legs' SSRCs must avoid it; the API reports it as the conference's common SSRC. */
static void
test_alloc_select_stream(void **state)
{
	struct dpf *f = *state;
	struct mrfp_srtp_key g = key(0x60);
	uint32_t s[1 + 16], host, again;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .keys = MRFP_KEYS_GROUP,
				      .select = MRFP_SELECT_SPEAKER,
				      .max_legs = 32,
				      .group_key = &g};
	rte_srand(SEED);
	const uint32_t r0 = (uint32_t)rte_rand();
	rte_srand(SEED);
	assert_int_equal(mrfp_dp_conf_add(f->dp, 1, &cp), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 1, 0, &host), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 1, 8, &again), 0); /* pt ignored */
	assert_int_equal(host, again);
	s[0] = rte_cpu_to_be_32(host);
	assert_int_equal(s[0], r0);
	assert_int_equal(dpf_registry_conf(f, 1)->sel.stream.ssrc, r0);
	for (uint32_t i = 0; i < 16; i++) {
		struct mrfp_srtp_key own = key((uint8_t)(0x80 + i));
		rte_srand(SEED);
		assert_int_equal(
			add_leg(f, 1, 100 + i, (uint16_t)(PORT_MIN + 2 * i), 0, &own, NULL), 0);
		s[1 + i] = out_ssrc(f, 100 + i);
	}
	assert_all_distinct_nonzero(s, 1 + 16);
	/* chosen-source and bilateral switching select as well; mixing has no selected source */
	cp.select = MRFP_SELECT_CHOSEN;
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 2, 0, &host), 0);
	assert_int_not_equal(host, 0);
	cp.keys = MRFP_KEYS_BILATERAL;
	assert_int_equal(mrfp_dp_conf_add(f->dp, 3, &cp), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 3, 0, &host), 0);
	cp.select = MRFP_SELECT_ALL; /* every source: no common stream */
	assert_int_equal(mrfp_dp_conf_add(f->dp, 4, &cp), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 4, 0, &host), -ENOENT);
	cp.media = MRFP_MEDIA_MIX;
	cp.select = MRFP_SELECT_SPEAKER;
	assert_int_equal(mrfp_dp_conf_add(f->dp, 5, &cp), -EINVAL);
	rte_srand((uint64_t)getpid() ^ rte_rdtsc());
}

/* (4)(5) group conference: legs without a tx key; two common streams (PCMU, PCMA) whose SSRCs
 * differ from each other and from every leg's output SSRC. */
static void
test_group_conference(void **state)
{
	struct dpf *f = *state;
	struct mrfp_srtp_key g = key(0x60), rx = key(1), tx = key(2);
	uint32_t s[2 + 32];
	assert_int_equal(mix_conf(f, 3, MRFP_KEYS_GROUP, &g), 0);
	for (uint32_t i = 0; i < 32; i++) {
		struct mrfp_srtp_key own = key((uint8_t)(0x80 + i));
		assert_int_equal(add_leg(f, 3, 300 + i, (uint16_t)(PORT_MIN + 2 * i),
					 (uint8_t)(i % 2 ? 8 : 0), &own, NULL),
				 0);
		struct dp_leg *l = dpf_registry_leg(f, 300 + i);
		assert_null(l->tx);
		assert_int_equal(l->tx_key_id, 0); /* nothing is sent under a key of its own */
	}
	commons(f, 3, s);
	assert_int_not_equal(s[0], s[1]);
	for (uint32_t i = 0; i < 32; i++)
		s[2 + i] = out_ssrc(f, 300 + i);
	assert_all_distinct_nonzero(s, 2 + 32);
	struct dp_conf *c = dpf_registry_conf(f, 3);
	assert_non_null(c->mix.group);
	assert_int_not_equal(c->mix.group_key_id, 0);
	/* a tx key is still accepted in group mode */
	assert_int_equal(add_leg(f, 3, 399, (uint16_t)(PORT_MIN + 100), 0, &rx, &tx), 0);
	/* hybrid and bilateral send personal streams under the leg's own key: it is required */
	assert_int_equal(mix_conf(f, 4, MRFP_KEYS_HYBRID, &g), 0);
	assert_int_equal(add_leg(f, 4, 400, (uint16_t)(PORT_MIN + 200), 0, &rx, NULL), -EINVAL);
	assert_int_equal(mix_conf(f, 5, MRFP_KEYS_BILATERAL, NULL), 0);
	assert_int_equal(add_leg(f, 5, 500, (uint16_t)(PORT_MIN + 202), 0, &rx, NULL), -EINVAL);
	/* common SSRCs: mix conferences only, known payload types only */
	uint32_t x;
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 3, 9, &x), -ENOENT);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 77, 0, &x), -ENOENT);
	struct mrfp_conf_params sw = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	assert_int_equal(mrfp_dp_conf_add(f->dp, 6, &sw), 0);
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 6, 0, &x), -ENOENT);
}

static void
last_event(const struct mrfp_event *ev, void *arg)
{
	struct mrfp_event *last = arg;
	*last = *ev;
}

/* (5) the worker's rules on objects built by the API (real key fingerprints): who holds the
 * group key, who shares a send key, whose key mrfpd sends under; and the event as control
 * receives it. */
static void
test_end_to_end_rules(void **state)
{
	struct dpf *f = *state;
	struct mrfp_srtp_key g = key(0x60), k1 = key(1), k4 = key(4);
	assert_int_equal(mix_conf(f, 7, MRFP_KEYS_GROUP, &g), 0);
	assert_int_equal(add_leg(f, 7, 1, PORT_MIN + 0, 0, &k1, NULL), 0); /* send key k1 */
	assert_int_equal(add_leg(f, 7, 2, PORT_MIN + 2, 0, &k1, NULL), 0); /* k1 as well */
	assert_int_equal(add_leg(f, 7, 3, PORT_MIN + 4, 8, &g, NULL), 0);  /* holds the group key */
	assert_int_equal(add_leg(f, 7, 4, PORT_MIN + 6, 0, &k4, NULL), 0);
	apply_all(f);
	struct dp_conf *c = dpf_registry_conf(f, 7);
	assert_int_equal(c->n_legs, 4);
	struct dp_leg *l1 = dpf_registry_leg(f, 1), *l2 = dpf_registry_leg(f, 2),
		      *l3 = dpf_registry_leg(f, 3), *l4 = dpf_registry_leg(f, 4);
	uint32_t com[2];
	commons(f, 7, com);
	const uint32_t outs[] = {com[0],	 com[1],	 out_ssrc(f, 1),
				 out_ssrc(f, 2), out_ssrc(f, 3), out_ssrc(f, 4)};
	for (unsigned int i = 0; i < RTE_DIM(outs); i++) {
		assert_true(ssrc_collides(l3, outs[i])); /* under the group key */
		assert_false(ssrc_collides(l1, outs[i]));
		assert_false(ssrc_collides(l4, outs[i]));
	}
	const uint32_t x = RTE_BE32(0xdeadbeef);
	assert_false(ssrc_collides(l3, x));
	l1->src.active = true; /* as rtp_input leaves it after accepting a packet */
	l1->src.in_ssrc = x;
	assert_true(ssrc_collides(l2, x));  /* same send key k1 */
	assert_false(ssrc_collides(l1, x)); /* its own stream */
	assert_false(ssrc_collides(l4, x));
	assert_false(ssrc_collides(l3, x));
	/* the event, as control polls it: host-order SSRC equal to the API's common SSRC */
	ssrc_collision(f->w, l3, com[0]);
	ssrc_collision(f->w, l3, com[0]);
	struct mrfp_event ev;
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(mrfp_dp_poll_events(f->dp, last_event, &ev), 1);
	uint32_t host;
	assert_int_equal(mrfp_dp_conf_common_ssrc(f->dp, 7, 0, &host), 0);
	assert_int_equal(ev.type, MRFP_EVENT_SSRC_COLLISION);
	assert_int_equal(ev.conf_id, 7);
	assert_int_equal(ev.leg_id, 3);
	assert_int_equal(ev.ssrc, host);
	assert_int_equal(mrfp_dp_poll_events(f->dp, last_event, &ev), 0);

	/* hybrid: personal streams under each leg's own tx key. Leg 12 sends with k6, which is
	 * mrfpd's key toward leg 11: every output SSRC is off limits to leg 12, not to leg 11. */
	struct mrfp_srtp_key k5 = key(5), k6 = key(6), k7 = key(7), k8 = key(8), k9 = key(9);
	assert_int_equal(mix_conf(f, 8, MRFP_KEYS_HYBRID, &g), 0);
	assert_int_equal(add_leg(f, 8, 11, PORT_MIN + 20, 0, &k5, &k6), 0);
	assert_int_equal(add_leg(f, 8, 12, PORT_MIN + 22, 0, &k6, &k7), 0);
	assert_int_equal(add_leg(f, 8, 13, PORT_MIN + 24, 0, &k8, &k9), 0);
	apply_all(f);
	struct dp_leg *l11 = dpf_registry_leg(f, 11), *l12 = dpf_registry_leg(f, 12),
		      *l13 = dpf_registry_leg(f, 13);
	assert_false(ssrc_collides(l13, out_ssrc(f, 11))); /* nothing sent under k8 yet */
	uint32_t com8[2];
	commons(f, 8, com8);
	assert_true(ssrc_collides(l12, out_ssrc(f, 11)));
	assert_true(ssrc_collides(l12, out_ssrc(f, 12)));
	assert_true(ssrc_collides(l12, com8[1]));
	assert_false(ssrc_collides(l11, out_ssrc(f, 12)));
	assert_false(ssrc_collides(l11, com8[0]));
	/* rekey leg 11's tx key to k8: once applied, nothing is sent under k6 any more */
	struct mrfp_leg_params p = params(PORT_MIN + 20, 0);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 11, &p, NULL, &k8), 0);
	assert_true(ssrc_collides(l12, out_ssrc(f, 11))); /* not applied yet */
	apply_all(f);
	assert_false(ssrc_collides(l12, out_ssrc(f, 11)));
	assert_false(ssrc_collides(l12, com8[0]));
	assert_true(ssrc_collides(l13, out_ssrc(f, 11))); /* k8 is in use now */
	assert_true(ssrc_collides(l13, com8[0]));
	/* rekey leg 12's send key to the group key: now the commons are off limits */
	struct mrfp_leg_params p12 = params(PORT_MIN + 22, 0);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 12, &p12, &g, NULL), 0);
	apply_all(f);
	assert_true(ssrc_collides(l12, com8[0]));
	assert_true(ssrc_collides(l12, out_ssrc(f, 11)));
	mrfp_dp_reap(f->dp);
}

/* ==== main ================================================================================ */

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, dpf_eal_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inbound_same_key),
		cmocka_unit_test(test_outputs_only_under_same_key),
		cmocka_unit_test(test_rules_independent),
		cmocka_unit_test(test_selected_stream),
		cmocka_unit_test(test_collision_event_once),
		cmocka_unit_test(test_collision_event_ssrc_zero),
		cmocka_unit_test(test_collision_events_ring_full),
		T(test_alloc_many_legs),
		T(test_alloc_skips_taken),
		T(test_alloc_select_stream),
		T(test_group_conference),
		T(test_end_to_end_rules),
	};
#undef T
	return dpf_eal_main("ssrc", "unit_ssrc", 1, tests, RTE_DIM(tests));
}
