/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's leg table (dataplane/path/legtab.c): port lookup for RTP and RTCP ports, the owner
 * table's NOT_OWNER/UNKNOWN_PORT split, conference swap-remove, next-hop choice and the
 * prebuilt output header. No EAL: the worker, conference and legs are built by hand
 * (tests/common/dp_fixture), and the neighbour cache (which needs mbufs to ask) is replaced with
 * -Wl,--wrap=neigh_lookup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dp_fixture.h"
#include "dp_priv.h"
#include "speakers.h"

#define PORT_MIN 40000
#define PORT_MAX 40099
#define RANGE (PORT_MAX - PORT_MIN + 1)
#define MAX_LEGS 4
#define GUARD 4 /* table slots past the range: an off-by-one lookup lands on them */

/* ---- neighbour cache mock ---------------------------------------------------------------- */

static struct {
	int rc; /* what lookups return */
	struct rte_ether_addr mac;
	unsigned int calls;
	struct mrfp_addr last_ip;
} neigh;

int __wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip,
			struct rte_ether_addr *mac);

int
__wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip, struct rte_ether_addr *mac)
{
	(void)w;
	neigh.calls++;
	neigh.last_ip = *ip;
	if (neigh.rc == 0)
		*mac = neigh.mac;
	return neigh.rc;
}

static struct dp_leg guard_leg; /* never a real leg: what an out-of-range index would find */

/* ---- fixture: tests/common/dp_fixture, one worker and one conference ----------------------- */

static int
setup(void **state)
{
	struct dpf *f = dpf_new(&(struct dpf_opts){.port_min = PORT_MIN,
						   .port_max = PORT_MAX,
						   .guard = GUARD,
						   .guard_owner = 7 /* "another worker" */,
						   .guard_leg = &guard_leg,
						   .conf_id = 1,
						   .conf_max_legs = MAX_LEGS});
	dpf_addr4(&f->cfg->gateway4, "10.0.0.254", 0);
	dpf_addr6(&f->cfg->media6, "2001:db8::1", 0);
	f->cfg->media6_prefix = 64;
	dpf_addr6(&f->cfg->gateway6, "2001:db8::fe", 0);
	static const uint8_t mac[6] = {0x02, 0xaa, 0, 0, 0, 1};
	memcpy(f->w->mac.addr_bytes, mac, 6);
	memset(&neigh, 0, sizeof(neigh));
	neigh.rc = -EAGAIN;
	static const uint8_t peer_mac[6] = {0x02, 0xbb, 0, 0, 0, 2};
	memcpy(neigh.mac.addr_bytes, peer_mac, 6);
	*state = f;
	return 0;
}

static struct dp_leg *
new_leg(struct dpf *f, uint32_t id, uint16_t port, bool mux, const struct mrfp_addr *remote)
{
	struct dp_leg *leg = dpf_leg(f, id, port, mux);
	if (remote != NULL)
		leg->p.remote = *remote;
	return leg;
}

static struct dp_leg *
lookup(struct dpf *f, uint16_t port, enum mrfp_drop *why)
{
	*why = MRFP_DROP_NONE;
	return leg_lookup(f->w, port, why);
}

static unsigned int
tailq_count(struct dp_worker *w, const struct dp_leg *want, bool *found)
{
	unsigned int n = 0;
	struct dp_leg *l;
	*found = false;
	TAILQ_FOREACH(l, &w->legs, wlink)
	{
		n++;
		*found |= l == want;
	}
	return n;
}

/* ---- lookup ------------------------------------------------------------------------------ */

static void
test_rtp_and_rtcp_ports(void **state)
{
	struct dpf *f = *state;
	enum mrfp_drop why;
	struct dp_leg *leg = new_leg(f, 10, 40000, false, NULL);
	leg_attach(f->w, leg);
	assert_ptr_equal(lookup(f, 40000, &why), leg);
	assert_ptr_equal(lookup(f, 40001, &why), leg); /* RTCP on port + 1 */
	assert_null(lookup(f, 40002, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	assert_int_equal(f->conf->n_legs, 1);
	assert_ptr_equal(f->conf->legs[0], leg);
	assert_int_equal(leg->conf_slot, 0);
	bool found;
	assert_int_equal(tailq_count(f->w, leg, &found), 1);
	assert_true(found);
	/* by_port is indexed from port_min */
	assert_ptr_equal(f->w->by_port[0], leg);
	assert_ptr_equal(f->w->by_port[1], leg);
}

static void
test_rtcp_mux_one_port(void **state)
{
	struct dpf *f = *state;
	enum mrfp_drop why;
	struct dp_leg *leg = new_leg(f, 11, 40010, true, NULL);
	leg_attach(f->w, leg);
	assert_ptr_equal(lookup(f, 40010, &why), leg);
	assert_null(lookup(f, 40011, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	assert_null(f->w->by_port[11]);
	/* the neighbouring odd port is free for nobody else to clobber */
	assert_null(lookup(f, 40009, &why));
	leg_detach(f->w, leg);
	assert_null(lookup(f, 40010, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
}

static void
test_port_edges(void **state)
{
	struct dpf *f = *state;
	enum mrfp_drop why;
	static const uint16_t outside[] = {0, 1, PORT_MIN - 1, PORT_MAX + 1, 65535};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		assert_null(lookup(f, outside[i], &why));
		assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	}
	/* the last even port of the range with its RTCP port at port_max */
	struct dp_leg *leg = new_leg(f, 12, PORT_MAX - 1, false, NULL);
	leg_attach(f->w, leg);
	assert_ptr_equal(lookup(f, PORT_MAX - 1, &why), leg);
	assert_ptr_equal(lookup(f, PORT_MAX, &why), leg);
	assert_null(lookup(f, PORT_MAX + 1, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	/* first port of the range */
	struct dp_leg *first = new_leg(f, 13, PORT_MIN, true, NULL);
	leg_attach(f->w, first);
	assert_ptr_equal(lookup(f, PORT_MIN, &why), first);
	assert_null(lookup(f, PORT_MIN - 1, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
}

static void
test_owner_table(void **state)
{
	struct dpf *f = *state;
	enum mrfp_drop why;
	/* port taken by worker 3: NOT_OWNER, so the packet can be handed over and counted */
	f->owner[20] = 3;
	assert_null(lookup(f, PORT_MIN + 20, &why));
	assert_int_equal(why, MRFP_DROP_NOT_OWNER);
	/* ours but not attached yet (command in flight): nobody has it */
	f->owner[22] = 0;
	assert_null(lookup(f, PORT_MIN + 22, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	/* free port */
	assert_null(lookup(f, PORT_MIN + 24, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	/* the worker's own table wins over a stale owner entry */
	f->w->idx = 2;
	struct dp_leg *leg = new_leg(f, 14, PORT_MIN + 20, false, NULL);
	leg_attach(f->w, leg);
	assert_ptr_equal(lookup(f, PORT_MIN + 20, &why), leg);
	/* another worker's view of the same owner entry */
	f->w->idx = 3;
	assert_null(lookup(f, PORT_MIN + 30, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	f->owner[30] = 3;
	assert_null(lookup(f, PORT_MIN + 30, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	f->owner[30] = 0;
	assert_null(lookup(f, PORT_MIN + 30, &why));
	assert_int_equal(why, MRFP_DROP_NOT_OWNER);
}

/* ---- conference membership --------------------------------------------------------------- */

static void
test_conference_swap_remove(void **state)
{
	struct dpf *f = *state;
	enum mrfp_drop why;
	bool found;
	struct dp_leg *a = new_leg(f, 1, 40000, false, NULL);
	struct dp_leg *b = new_leg(f, 2, 40002, false, NULL);
	struct dp_leg *c = new_leg(f, 3, 40004, true, NULL);
	struct dp_leg *d = new_leg(f, 4, 40006, false, NULL);
	leg_attach(f->w, a);
	leg_attach(f->w, b);
	leg_attach(f->w, c);
	leg_attach(f->w, d);
	assert_int_equal(f->conf->n_legs, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(f->conf->legs[i]->conf_slot, i);

	/* remove from the middle: the last member moves into the hole */
	leg_detach(f->w, b);
	assert_int_equal(f->conf->n_legs, 3);
	assert_ptr_equal(f->conf->legs[0], a);
	assert_ptr_equal(f->conf->legs[1], d);
	assert_ptr_equal(f->conf->legs[2], c);
	assert_null(f->conf->legs[3]);
	assert_int_equal(d->conf_slot, 1);
	assert_int_equal(a->conf_slot, 0);
	assert_int_equal(c->conf_slot, 2);
	assert_null(lookup(f, 40002, &why));
	assert_null(lookup(f, 40003, &why));
	assert_ptr_equal(lookup(f, 40006, &why), d);
	assert_ptr_equal(lookup(f, 40007, &why), d);
	assert_int_equal(tailq_count(f->w, b, &found), 3);
	assert_false(found);

	/* remove the last member */
	leg_detach(f->w, c);
	assert_int_equal(f->conf->n_legs, 2);
	assert_ptr_equal(f->conf->legs[0], a);
	assert_ptr_equal(f->conf->legs[1], d);
	assert_null(f->conf->legs[2]);
	assert_null(lookup(f, 40004, &why));

	/* remove the first member */
	leg_detach(f->w, a);
	assert_int_equal(f->conf->n_legs, 1);
	assert_ptr_equal(f->conf->legs[0], d);
	assert_int_equal(d->conf_slot, 0);
	assert_null(f->conf->legs[1]);

	/* and the only one */
	leg_detach(f->w, d);
	assert_int_equal(f->conf->n_legs, 0);
	assert_null(f->conf->legs[0]);
	assert_int_equal(tailq_count(f->w, NULL, &found), 0);
	for (unsigned int i = 0; i < RANGE; i++)
		assert_null(f->w->by_port[i]);

	/* the slots are reusable */
	leg_attach(f->w, b);
	assert_int_equal(f->conf->n_legs, 1);
	assert_int_equal(b->conf_slot, 0);
	assert_ptr_equal(lookup(f, 40003, &why), b);
}

/* ---- remote, next hop, output header ----------------------------------------------------- */

static void
test_remote_on_link_v4(void **state)
{
	struct dpf *f = *state;
	struct mrfp_addr remote, expect;
	dpf_addr4(&remote, "10.0.0.2", 5004);
	struct dp_leg *leg = new_leg(f, 20, 40020, false, &remote);
	neigh.rc = 0;
	leg_attach(f->w, leg);
	assert_int_equal(neigh.calls, 1);
	dpf_addr4(&expect, "10.0.0.2", 0); /* next hop is the peer itself, without a port */
	assert_true(mrfp_addr_equal(&neigh.last_ip, &expect));
	assert_true(mrfp_addr_equal(&leg->nexthop, &expect));
	assert_true(mrfp_addr_equal(&leg->remote_rtp, &remote));
	assert_int_equal(leg->remote_rtcp.family, AF_INET);
	assert_int_equal(leg->remote_rtcp.v4, remote.v4);
	assert_int_equal(ntohs(leg->remote_rtcp.port), 5005);
	assert_true(leg->hdr_ready);

	/* Ether (14) + IPv4 (20) + UDP (8), written from the wire format */
	const uint8_t *h = leg->hdr.bytes;
	assert_int_equal(leg->hdr.len, 42);
	assert_int_equal(leg->hdr.l3_off, 14);
	assert_int_equal(leg->hdr.family, AF_INET);
	assert_memory_equal(h, neigh.mac.addr_bytes, 6);
	assert_memory_equal(h + 6, f->w->mac.addr_bytes, 6);
	assert_int_equal(h[12], 0x08);
	assert_int_equal(h[13], 0x00);
	assert_int_equal(h[14], 0x45);
	assert_int_equal(h[14 + 9], 17);
	static const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
	assert_memory_equal(h + 14 + 12, src, 4);
	assert_memory_equal(h + 14 + 16, dst, 4);
	assert_int_equal(h[34] << 8 | h[35], 40020);
	assert_int_equal(h[36] << 8 | h[37], 5004);
}

static void
test_remote_rtcp_mux(void **state)
{
	struct dpf *f = *state;
	struct mrfp_addr remote;
	dpf_addr4(&remote, "10.0.0.3", 6000);
	struct dp_leg *leg = new_leg(f, 21, 40022, true, &remote);
	leg_attach(f->w, leg);
	assert_true(mrfp_addr_equal(&leg->remote_rtcp, &remote)); /* same port with rtcp-mux */
	assert_false(leg->hdr_ready);				  /* neighbour unresolved */
	assert_int_equal(neigh.calls, 1);
}

static void
test_remote_off_link(void **state)
{
	struct dpf *f = *state;
	struct mrfp_addr remote, gw;
	dpf_addr4(&remote, "192.0.2.7", 5004);
	dpf_addr4(&gw, "10.0.0.254", 0);
	struct dp_leg *leg = new_leg(f, 22, 40024, false, &remote);
	leg_attach(f->w, leg);
	assert_true(mrfp_addr_equal(&neigh.last_ip, &gw));
	assert_true(mrfp_addr_equal(&leg->nexthop, &gw));
	/* /24 boundary: 10.0.1.2 is off-link, 10.0.0.255 on-link */
	struct mrfp_addr r2, r3;
	dpf_addr4(&r2, "10.0.1.2", 5004);
	leg_set_remote(f->w, leg, &r2);
	assert_true(mrfp_addr_equal(&leg->nexthop, &gw));
	dpf_addr4(&r3, "10.0.0.255", 5004);
	leg_set_remote(f->w, leg, &r3);
	r3.port = 0;
	assert_true(mrfp_addr_equal(&leg->nexthop, &r3));
	/* no gateway configured: ask for the remote itself */
	memset(&f->cfg->gateway4, 0, sizeof(f->cfg->gateway4));
	leg_set_remote(f->w, leg, &remote);
	struct mrfp_addr self = remote;
	self.port = 0;
	assert_true(mrfp_addr_equal(&leg->nexthop, &self));
	assert_true(mrfp_addr_equal(&neigh.last_ip, &self));
}

static void
test_remote_v6(void **state)
{
	struct dpf *f = *state;
	struct mrfp_addr on, off, gw, expect;
	dpf_addr6(&on, "2001:db8::5", 5004);
	dpf_addr6(&off, "2001:db9::5", 5004);
	dpf_addr6(&gw, "2001:db8::fe", 0);
	struct dp_leg *leg = new_leg(f, 23, 40026, false, &on);
	neigh.rc = 0;
	f->cfg->vlan = 100;
	leg_attach(f->w, leg);
	expect = on;
	expect.port = 0;
	assert_true(mrfp_addr_equal(&leg->nexthop, &expect));
	assert_true(leg->hdr_ready);
	/* Ether + 802.1Q + IPv6 + UDP */
	const uint8_t *h = leg->hdr.bytes;
	assert_int_equal(leg->hdr.len, 14 + 4 + 40 + 8);
	assert_int_equal(leg->hdr.l3_off, 18);
	assert_int_equal(leg->hdr.family, AF_INET6);
	assert_int_equal(h[12] << 8 | h[13], 0x8100);
	assert_int_equal((h[14] << 8 | h[15]) & 0xfff, 100);
	assert_int_equal(h[16] << 8 | h[17], 0x86dd);
	assert_int_equal(h[18] >> 4, 6);
	assert_int_equal(h[18 + 6], 17);
	assert_memory_equal(h + 18 + 8, f->cfg->media6.v6, 16);
	assert_memory_equal(h + 18 + 24, on.v6, 16);
	assert_int_equal(h[58] << 8 | h[59], 40026);
	assert_int_equal(h[60] << 8 | h[61], 5004);
	/* off-link: through gateway6 */
	leg_set_remote(f->w, leg, &off);
	assert_true(mrfp_addr_equal(&leg->nexthop, &gw));
	assert_true(mrfp_addr_equal(&neigh.last_ip, &gw));
	/* /64 boundary: 2001:db8:0:1::5 is off-link */
	struct mrfp_addr near;
	dpf_addr6(&near, "2001:db8:0:1::5", 5004);
	leg_set_remote(f->w, leg, &near);
	assert_true(mrfp_addr_equal(&leg->nexthop, &gw));
	/* a prefix that is not a byte multiple: /60 puts 2001:db8:0:f::5 on-link */
	f->cfg->media6_prefix = 60;
	dpf_addr6(&near, "2001:db8:0:f::5", 5004);
	leg_set_remote(f->w, leg, &near);
	expect = near;
	expect.port = 0;
	assert_true(mrfp_addr_equal(&leg->nexthop, &expect));
	dpf_addr6(&near, "2001:db8:0:10::5", 5004);
	leg_set_remote(f->w, leg, &near);
	assert_true(mrfp_addr_equal(&leg->nexthop, &gw));
}

static void
test_remote_unset(void **state)
{
	struct dpf *f = *state;
	struct dp_leg *leg = new_leg(f, 24, 40028, false, NULL); /* learn by latching */
	neigh.rc = 0;
	leg_attach(f->w, leg);
	assert_int_equal(neigh.calls, 0);
	assert_false(leg->hdr_ready);
	assert_int_equal(leg->remote_rtp.family, 0);
	/* a remote set before clears again */
	struct mrfp_addr r, none;
	dpf_addr4(&r, "10.0.0.2", 5004);
	leg_set_remote(f->w, leg, &r);
	assert_true(leg->hdr_ready);
	memset(&none, 0, sizeof(none));
	leg_set_remote(f->w, leg, &none);
	assert_false(leg->hdr_ready);
	assert_int_equal(neigh.calls, 1);
}

static void
test_refresh_neigh(void **state)
{
	struct dpf *f = *state;
	struct mrfp_addr r1, r2, r3, gw;
	dpf_addr4(&r1, "192.0.2.1", 5004);
	dpf_addr4(&r2, "198.51.100.1", 5004);
	dpf_addr4(&r3, "10.0.0.9", 5004);
	dpf_addr4(&gw, "10.0.0.254", 0);
	struct dp_leg *a = new_leg(f, 30, 40030, false, &r1);
	struct dp_leg *b = new_leg(f, 31, 40032, false, &r2);
	struct dp_leg *c = new_leg(f, 32, 40034, false, &r3);
	leg_attach(f->w, a);
	leg_attach(f->w, b);
	leg_attach(f->w, c);
	assert_false(a->hdr_ready || b->hdr_ready || c->hdr_ready);
	assert_int_equal(neigh.calls, 3);
	/* the gateway answers: both legs behind it get their header, the on-link one is not asked
	 */
	neigh.rc = 0;
	leg_refresh_neigh(f->w, &gw);
	assert_int_equal(neigh.calls, 5);
	assert_true(a->hdr_ready);
	assert_true(b->hdr_ready);
	assert_false(c->hdr_ready);
	/* an IPv6 address with the same leading bytes is a different neighbour */
	struct mrfp_addr v6;
	memset(&v6, 0, sizeof(v6));
	v6.family = AF_INET6;
	memcpy(v6.v6, &r3.v4, 4);
	leg_refresh_neigh(f->w, &v6);
	assert_int_equal(neigh.calls, 5);
	assert_false(c->hdr_ready);
}

/* ---- late joiners of group-keyed streams ------------------------------------------------ */

static void
old_stream(struct out_stream *os, uint16_t seq, bool rolled)
{
	*os = (struct out_stream){.ssrc = 0x11111111,
				  .seq = seq,
				  .ts = 12345,
				  .started = true,
				  .rolled = rolled,
				  .packets = 40000,
				  .octets = 6400000};
}

/* A group-keyed switched stream that rolled over (its ROC is not 0: a late joiner could not
 * decrypt it) restarts under the joiner's spare SSRC; one that did not stays as it is. */
static void
test_group_stream_restarts_for_a_late_joiner(void **state)
{
	struct dpf *f = *state;
	f->conf->keys = MRFP_KEYS_GROUP;
	f->conf->sel.mode = MRFP_SELECT_SPEAKER;
	struct out_stream *os = &f->conf->sel.stream;
	const struct {
		uint16_t seq;
		bool rolled, restart;
	} cases[] = {
		{0x0100, false, false}, {0x7fff, false, false}, {0xfff0, false, false},
		{0x0005, true, true},	{0x9000, true, true},
	};
	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		old_stream(os, cases[i].seq, cases[i].rolled);
		struct dp_leg *leg = new_leg(f, 10 + i, (uint16_t)(PORT_MIN + 2 * i), false, NULL);
		leg->spare_ssrc[MIX_CODECS] = 0x22220000 + i;
		leg_join_conf(leg);
		if (cases[i].restart) {
			assert_int_equal(os->ssrc, 0x22220000 + i);
			assert_true(os->seq <
				    0x8000); /* 2^15 packets at least to the next rollover */
			assert_false(os->rolled);
			assert_false(os->started); /* the new stream begins with a marker */
			assert_int_equal(os->packets, 0);
			assert_int_equal(os->ts, 12345); /* the media clock runs on */
		} else {
			assert_int_equal(os->ssrc, 0x11111111);
			assert_int_equal(os->seq, cases[i].seq);
			assert_true(os->started);
		}
		leg_leave_conf(leg);
	}
}

/* Bilateral keys: each listener's session starts its ROC at 0 wherever the stream is. A mix
 * conference under a group key restarts each codec's common stream. */
static void
test_bilateral_untouched_mix_common_restarts(void **state)
{
	struct dpf *f = *state;
	f->conf->keys = MRFP_KEYS_BILATERAL;
	f->conf->sel.mode = MRFP_SELECT_SPEAKER;
	old_stream(&f->conf->sel.stream, 0x9000, true);
	struct dp_leg *a = new_leg(f, 20, PORT_MIN, false, NULL);
	a->spare_ssrc[MIX_CODECS] = 0x33333333;
	leg_join_conf(a);
	assert_int_equal(f->conf->sel.stream.ssrc, 0x11111111);
	leg_leave_conf(a);

	struct mrfp_speaker spk[MAX_LEGS];
	f->conf->media = MRFP_MEDIA_MIX;
	f->conf->keys = MRFP_KEYS_HYBRID;
	f->conf->mix.spk = spk;
	old_stream(&f->conf->mix.common[0], 0x0a00, true);
	old_stream(&f->conf->mix.common[1], 0x0010, false);
	struct dp_leg *b = new_leg(f, 21, PORT_MIN + 2, false, NULL);
	b->spare_ssrc[0] = 0x44440000;
	b->spare_ssrc[1] = 0x44440001;
	leg_join_conf(b);
	assert_int_equal(f->conf->mix.common[0].ssrc, 0x44440000);
	assert_int_equal(f->conf->mix.common[1].ssrc, 0x11111111); /* not rolled: kept */
	leg_leave_conf(b);
	f->conf->mix.spk = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rtp_and_rtcp_ports, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_rtcp_mux_one_port, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_port_edges, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_owner_table, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_conference_swap_remove, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_remote_on_link_v4, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_remote_rtcp_mux, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_remote_off_link, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_remote_v6, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_remote_unset, setup, dpf_teardown),
		cmocka_unit_test_setup_teardown(test_group_stream_restarts_for_a_late_joiner, setup,
						dpf_teardown),
		cmocka_unit_test_setup_teardown(test_bilateral_untouched_mix_common_restarts, setup,
						dpf_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_neigh, setup, dpf_teardown),
	};
	return cmocka_run_group_tests_name("legtab", tests, NULL, NULL);
}
