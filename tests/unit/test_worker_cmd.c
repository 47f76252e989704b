/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command protocol, worker side (dataplane/path/worker.c worker_apply_commands) and the
 * control-side post/sync bookkeeping of dataplane/ctl/dp.c, without EAL.
 *
 * rte_ring needs no EAL when the caller provides its memory: rte_ring_init() takes no element
 * size, the element size is given to every enqueue/dequeue, so memory sized with
 * rte_ring_get_memsize_elem() holds 64-byte struct dp_cmd as well as 8-byte pointers (dpf_ring,
 * tests/common/dp_fixture, which builds the dataplane, worker, conference and legs by hand).
 * Sessions are opaque to the worker (it only moves pointers), so fake ones stand in here; the
 * EAL-backed test_dp_cmd frees real ones through mrfp_dp_reap.
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
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_fixture.h"
#include "dp_priv.h"

#define PORT_MIN 40000
#define PORT_MAX 40099
#define RING 128

/* ---- neighbour cache: mock, or the real cache for entries known to it -------------------- */

static struct {
	bool real; /* pass through to the real cache (only safe for static/known entries) */
	unsigned int calls;
} neigh;

int __wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip,
			struct rte_ether_addr *mac);
int __real_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip,
			struct rte_ether_addr *mac);

int
__wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip, struct rte_ether_addr *mac)
{
	neigh.calls++;
	if (neigh.real)
		return __real_neigh_lookup(w, ip, mac);
	return -EAGAIN;
}

/* ---- fixture: one hand-built dataplane with one worker (tests/common/dp_fixture) ---------- */

#define MAX_LEGS 40

static uint8_t fake_sessions[8]; /* addresses stand in for struct mrfp_srtp_session * */

static struct mrfp_srtp_session *
fake_session(struct dpf *f, unsigned int i)
{
	(void)f;
	return (struct mrfp_srtp_session *)(void *)&fake_sessions[i];
}

static int
setup(void **state)
{
	struct dpf *f = dpf_new(&(struct dpf_opts){.port_min = PORT_MIN,
						   .port_max = PORT_MAX,
						   .ring = RING,
						   .conf_id = 7,
						   .conf_max_legs = MAX_LEGS});
	memset(&neigh, 0, sizeof(neigh));
	*state = f;
	return 0;
}

static struct dp_leg *
new_leg(struct dpf *f, uint32_t id, uint16_t port, const char *remote)
{
	assert_true(f->n_legs < MAX_LEGS);
	struct dp_leg *leg = dpf_leg(f, id, port, false);
	leg->p.mode = MRFP_MODE_SENDRECV;
	if (remote != NULL)
		dpf_addr4(&leg->p.remote, remote, 5004);
	leg->rx = fake_session(f, 0);
	leg->tx = fake_session(f, 1);
	return leg;
}

static void
post(struct dpf *f, struct dp_cmd c)
{
	assert_int_equal(dp_post(f->dp, f->w, &c), 0);
}

static void
post_leg(struct dpf *f, uint32_t type, struct dp_leg *leg)
{
	post(f, (struct dp_cmd){.type = type, .leg = leg});
}

static uint64_t
cmd_done(const struct dpf *f)
{
	return __atomic_load_n(&f->w->cmd_done, __ATOMIC_ACQUIRE);
}

/* Take everything off the retire ring, in order. */
static unsigned int
retired(struct dpf *f, struct dp_retire *out, unsigned int cap)
{
	unsigned int n = 0;
	struct dp_retire r;
	while (rte_ring_dequeue_elem(f->w->retire, &r, sizeof(r)) == 0) {
		assert_true(n < cap);
		out[n++] = r;
	}
	return n;
}

static struct dp_leg *
lookup(struct dpf *f, uint16_t port)
{
	enum mrfp_drop why;
	return leg_lookup(f->w, port, &why);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_empty_ring_is_noop(void **state)
{
	struct dpf *f = *state;
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 0);
	assert_int_equal(f->w->ctr.commands, 0);
	assert_int_equal(rte_ring_count(f->w->retire), 0);
}

/* Add then remove the same leg in one batch: only in-order application leaves no trace. */
static void
test_applied_in_order(void **state)
{
	struct dpf *f = *state;
	struct dp_leg *a = new_leg(f, 1, 40000, NULL);
	struct dp_leg *b = new_leg(f, 2, 40002, NULL);
	post(f, (struct dp_cmd){.type = CMD_CONF_ADD, .conf = f->conf});
	post_leg(f, CMD_LEG_ADD, a);
	post_leg(f, CMD_LEG_ADD, b);
	post_leg(f, CMD_LEG_REMOVE, a);
	post_leg(f, CMD_LEG_ADD, a); /* the same object may come back after its removal */
	post_leg(f, CMD_LEG_REMOVE, b);
	assert_int_equal(f->w->cmd_posted, 6);
	assert_int_equal(cmd_done(f), 0); /* nothing happens before the worker looks */
	assert_null(lookup(f, 40000));

	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 6);
	assert_int_equal(f->w->ctr.commands, 6);
	assert_ptr_equal(lookup(f, 40000), a);
	assert_ptr_equal(lookup(f, 40001), a);
	assert_null(lookup(f, 40002));
	assert_null(lookup(f, 40003));
	assert_int_equal(f->conf->n_legs, 1);
	assert_ptr_equal(f->conf->legs[0], a);
	assert_int_equal(a->conf_slot, 0);

	struct dp_retire r[8];
	assert_int_equal(retired(f, r, 8), 2);
	assert_int_equal(r[0].type, RETIRE_LEG);
	assert_ptr_equal(r[0].obj, a);
	assert_int_equal(r[1].type, RETIRE_LEG);
	assert_ptr_equal(r[1].obj, b);
}

/* More commands than one loop takes: cmd_done counts exactly what left the ring. */
static void
test_cmd_done_advances(void **state)
{
	struct dpf *f = *state;
	const unsigned int n = 40;
	for (unsigned int i = 0; i < n; i++)
		post_leg(f, CMD_LEG_ADD, new_leg(f, 100 + i, (uint16_t)(PORT_MIN + 2 * i), NULL));
	assert_int_equal(f->w->cmd_posted, n);
	uint64_t prev = 0;
	for (unsigned int loops = 0; cmd_done(f) < n; loops++) {
		assert_true(loops < n); /* at least one command per call */
		worker_apply_commands(f->w);
		uint64_t done = cmd_done(f);
		assert_true(done > prev);
		assert_int_equal(done, n - rte_ring_count(f->w->cmd));
		assert_int_equal(f->w->ctr.commands, done);
		/* whatever is acknowledged is in place */
		for (unsigned int i = 0; i < done; i++)
			assert_ptr_equal(lookup(f, (uint16_t)(PORT_MIN + 2 * i)), f->legs[i]);
		for (unsigned int i = (unsigned int)done; i < n; i++)
			assert_null(lookup(f, (uint16_t)(PORT_MIN + 2 * i)));
		prev = done;
	}
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), n);
	assert_int_equal(f->conf->n_legs, n);
}

static void
test_leg_remove_retires_leg_only(void **state)
{
	struct dpf *f = *state;
	struct dp_leg *a = new_leg(f, 1, 40010, NULL);
	post_leg(f, CMD_LEG_ADD, a);
	worker_apply_commands(f->w);
	post_leg(f, CMD_LEG_REMOVE, a);
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 2);
	assert_null(lookup(f, 40010));
	assert_null(lookup(f, 40011));
	assert_int_equal(f->conf->n_legs, 0);
	assert_true(TAILQ_EMPTY(&f->w->legs));
	/* the leg carries its sessions: one object back, freed as a whole by control */
	struct dp_retire r[4];
	assert_int_equal(retired(f, r, 4), 1);
	assert_int_equal(r[0].type, RETIRE_LEG);
	assert_ptr_equal(r[0].obj, a);
	assert_ptr_equal(a->rx, fake_session(f, 0));
	assert_ptr_equal(a->tx, fake_session(f, 1));
}

static void
test_leg_modify_sessions(void **state)
{
	struct dpf *f = *state;
	struct dp_leg *a = new_leg(f, 1, 40020, "10.0.0.2");
	post_leg(f, CMD_LEG_ADD, a);
	worker_apply_commands(f->w);
	struct dp_retire r[4];
	assert_int_equal(retired(f, r, 4), 0);

	/* both keys replaced: both old sessions retired, the new ones in place */
	struct dp_cmd m = {.type = CMD_LEG_MODIFY};
	m.modify.leg = a;
	m.modify.p = a->p;
	m.modify.rx = fake_session(f, 2);
	m.modify.tx = fake_session(f, 3);
	post(f, m);
	worker_apply_commands(f->w);
	assert_ptr_equal(a->rx, fake_session(f, 2));
	assert_ptr_equal(a->tx, fake_session(f, 3));
	assert_int_equal(retired(f, r, 4), 2);
	assert_int_equal(r[0].type, RETIRE_SESSION);
	assert_int_equal(r[1].type, RETIRE_SESSION);
	assert_true((r[0].obj == fake_session(f, 0) && r[1].obj == fake_session(f, 1)) ||
		    (r[0].obj == fake_session(f, 1) && r[1].obj == fake_session(f, 0)));

	/* only rx replaced: only the old rx retired, tx kept */
	m.modify.rx = fake_session(f, 4);
	m.modify.tx = NULL;
	post(f, m);
	worker_apply_commands(f->w);
	assert_ptr_equal(a->rx, fake_session(f, 4));
	assert_ptr_equal(a->tx, fake_session(f, 3));
	assert_int_equal(retired(f, r, 4), 1);
	assert_int_equal(r[0].type, RETIRE_SESSION);
	assert_ptr_equal(r[0].obj, fake_session(f, 2));

	/* no keys: nothing retired, sessions kept */
	m.modify.rx = NULL;
	post(f, m);
	worker_apply_commands(f->w);
	assert_ptr_equal(a->rx, fake_session(f, 4));
	assert_ptr_equal(a->tx, fake_session(f, 3));
	assert_int_equal(retired(f, r, 4), 0);
	assert_int_equal(cmd_done(f), 4);
}

static void
test_leg_modify_params(void **state)
{
	struct dpf *f = *state;
	struct dp_leg *a = new_leg(f, 1, 40030, "10.0.0.2");
	post_leg(f, CMD_LEG_ADD, a);
	worker_apply_commands(f->w);
	unsigned int calls = neigh.calls;
	assert_int_equal(calls, 1);

	/* mode and latching change, remote unchanged: the next hop is not asked again */
	struct dp_cmd m = {.type = CMD_LEG_MODIFY};
	m.modify.leg = a;
	m.modify.p = a->p;
	m.modify.p.mode = MRFP_MODE_SENDONLY;
	m.modify.p.latch = MRFP_LATCH_STRICT;
	post(f, m);
	worker_apply_commands(f->w);
	assert_int_equal(a->p.mode, MRFP_MODE_SENDONLY);
	assert_int_equal(a->p.latch, MRFP_LATCH_STRICT);
	assert_int_equal(neigh.calls, calls);

	/* new remote: effective destination and next hop follow */
	struct mrfp_addr r2;
	dpf_addr4(&r2, "10.0.0.3", 6000);
	m.modify.p.remote = r2;
	/* local port and rtcp_mux cannot change: a modify that says otherwise changes neither */
	m.modify.p.local_port = 40032;
	m.modify.p.rtcp_mux = true;
	post(f, m);
	worker_apply_commands(f->w);
	assert_true(mrfp_addr_equal(&a->p.remote, &r2));
	assert_true(mrfp_addr_equal(&a->remote_rtp, &r2));
	assert_int_equal(ntohs(a->remote_rtcp.port), 6001);
	assert_int_equal(neigh.calls, calls + 1);
	assert_ptr_equal(lookup(f, 40030), a);
	assert_ptr_equal(lookup(f, 40031), a);
	assert_null(lookup(f, 40032));
	assert_int_equal(a->local_port, 40030);
	assert_false(a->rtcp_mux);
}

static void
test_conf_add_remove(void **state)
{
	struct dpf *f = *state;
	post(f, (struct dp_cmd){.type = CMD_CONF_ADD, .conf = f->conf});
	worker_apply_commands(f->w);
	struct dp_retire r[4];
	assert_int_equal(retired(f, r, 4), 0);
	post(f, (struct dp_cmd){.type = CMD_CONF_REMOVE, .conf = f->conf});
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 2);
	assert_int_equal(retired(f, r, 4), 1);
	assert_int_equal(r[0].type, RETIRE_CONF);
	assert_ptr_equal(r[0].obj, f->conf);
}

static void
test_neigh_static(void **state)
{
	struct dpf *f = *state;
	struct mrfp_static_neigh n;
	memset(&n, 0, sizeof(n));
	dpf_addr4(&n.ip, "10.0.0.2", 0);
	static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	memcpy(n.mac, mac, 6);

	/* a leg waiting for its next hop ... */
	struct dp_leg *a = new_leg(f, 1, 40040, "10.0.0.2");
	post_leg(f, CMD_LEG_ADD, a);
	worker_apply_commands(f->w);
	assert_false(a->hdr_ready);
	/* ... gets its header when control installs a static neighbour (real cache from here) */
	neigh.real = true;
	post(f, (struct dp_cmd){.type = CMD_NEIGH_STATIC, .neigh = n});
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 2);
	assert_true(a->hdr_ready);
	assert_memory_equal(a->hdr.bytes, mac, 6);
	/* and a leg added afterwards finds it at once */
	struct dp_leg *b = new_leg(f, 2, 40042, "10.0.0.2");
	post_leg(f, CMD_LEG_ADD, b);
	worker_apply_commands(f->w);
	assert_true(b->hdr_ready);
	assert_memory_equal(b->hdr.bytes, mac, 6);
	assert_int_equal(rte_ring_count(f->w->retire), 0);
}

/* ---- control side: post and sync without a running worker ------------------------------- */

static void
test_post_full_ring(void **state)
{
	struct dpf *f = *state;
	/* a ring of RING slots holds RING - 1 (no RING_F_EXACT_SZ); not started: no waiting */
	struct dp_cmd c = {.type = CMD_CONF_ADD, .conf = f->conf};
	for (unsigned int i = 0; i < RING - 1; i++)
		assert_int_equal(dp_post(f->dp, f->w, &c), 0);
	assert_int_equal(dp_post(f->dp, f->w, &c), -EBUSY);
	assert_int_equal(f->w->cmd_posted, RING - 1); /* a refused post is not counted */
	worker_apply_commands(f->w);
	assert_int_equal(dp_post(f->dp, f->w, &c), 0);
	assert_int_equal(f->w->cmd_posted, RING);
}

static void
test_sync_waits_for_ack(void **state)
{
	struct dpf *f = *state;
	assert_int_equal(mrfp_dp_sync(f->dp, 10), 0); /* nothing posted: nothing to wait for */
	post(f, (struct dp_cmd){.type = CMD_CONF_ADD, .conf = f->conf});
	post(f, (struct dp_cmd){.type = CMD_CONF_ADD, .conf = f->conf});
	/* workers not started: no one will apply them, so sync must not claim they are */
	assert_int_equal(mrfp_dp_sync(f->dp, 10), -ETIMEDOUT);
	worker_apply_commands(f->w);
	assert_int_equal(cmd_done(f), 2);
	assert_int_equal(mrfp_dp_sync(f->dp, 10), 0);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, dpf_teardown)
	const struct CMUnitTest tests[] = {
		T(test_empty_ring_is_noop),  T(test_applied_in_order),
		T(test_cmd_done_advances),   T(test_leg_remove_retires_leg_only),
		T(test_leg_modify_sessions), T(test_leg_modify_params),
		T(test_conf_add_remove),     T(test_neigh_static),
		T(test_post_full_ring),	     T(test_sync_waits_for_ack),
	};
#undef T
	return cmocka_run_group_tests_name("worker_cmd", tests, NULL, NULL);
}
