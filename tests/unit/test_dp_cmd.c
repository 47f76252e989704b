/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command protocol seen from control: dataplane/ctl/dp_legs.c (validate, prepare, post) and
 * dataplane/ctl/dp.c (post, sync, reap, destroy) against a hand-built dataplane whose one worker
 * runs only the command half of the worker loop on a second lcore.
 *
 * This test needs EAL (rte_malloc, rte_hash, lcore launch): --no-huge --no-pci, one unique
 * --file-prefix, and two lcores pinned to whatever CPU the test may run on. No port, no mbuf:
 * the neighbour cache is mocked (-Wl,--wrap=neigh_lookup), and frees are observed through
 * -Wl,--wrap=mrfp_srtp_session_free and -Wl,--wrap=rte_free (calls from dataplane objects).
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
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "dp_fixture.h"
#include "dp_priv.h"

#define PORT_MIN 40000
#define PORT_MAX 40099
#define WORKER_LCORE 1
#define SYNC_MS 5000

/* ---- mocks and observers ------------------------------------------------------------------ */

int __wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip,
			struct rte_ether_addr *mac);
void __wrap_mrfp_srtp_session_free(struct mrfp_srtp_session *s);
void __real_mrfp_srtp_session_free(struct mrfp_srtp_session *s);
void __wrap_rte_free(void *p);
void __real_rte_free(void *p);

int
__wrap_neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip, struct rte_ether_addr *mac)
{
	(void)w;
	(void)ip;
	(void)mac;
	return -EAGAIN;
}

#define FREED_MAX 256
static struct {
	const void *p[FREED_MAX];
	unsigned int n;
} freed_sessions, freed_mem;

static void
record(typeof(freed_mem) *r, const void *p)
{
	if (p != NULL && r->n < FREED_MAX)
		r->p[r->n++] = p;
}

/* Only control frees (reap, destroy, error paths): never called from the worker lcore. */
void
__wrap_mrfp_srtp_session_free(struct mrfp_srtp_session *s)
{
	record(&freed_sessions, s);
	__real_mrfp_srtp_session_free(s);
}

void
__wrap_rte_free(void *p)
{
	record(&freed_mem, p);
	__real_rte_free(p);
}

/* Frees of p recorded from index `since` on (an address may be reused after a free). */
static unsigned int
times_freed_since(const typeof(freed_mem) *r, unsigned int since, const void *p)
{
	unsigned int n = 0;
	for (unsigned int i = since; i < r->n; i++)
		n += r->p[i] == p;
	return n;
}

static unsigned int
times_freed(const typeof(freed_mem) *r, const void *p)
{
	return times_freed_since(r, 0, p);
}

/* ---- a dataplane without ports (tests/common/dp_fixture) ------------------------------------ */

static int
setup(void **state)
{
	struct dpf *f = dpf_eal_new(&(struct dpf_eal_opts){.port_min = PORT_MIN,
							   .port_max = PORT_MAX,
							   .max_conferences = 8,
							   .max_legs = 32,
							   .max_legs_per_conf = 4,
							   .registry = 64,
							   .lcore = WORKER_LCORE,
							   .cmd_ring = 4096,
							   .retire_ring = 8192});
	memset(&freed_sessions, 0, sizeof(freed_sessions));
	memset(&freed_mem, 0, sizeof(freed_mem));
	*state = f;
	return 0;
}

/* The command half of worker_main: no port to receive from. */
static int
command_loop(void *arg)
{
	struct dp_worker *w = arg;
	while (!__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
		worker_apply_commands(w);
		rte_pause();
	}
	worker_apply_commands(w);
	return 0;
}

static void
start_worker(struct dpf *f)
{
	assert_int_equal(rte_eal_remote_launch(command_loop, f->w, WORKER_LCORE), 0);
	f->dp->started = true;
}

static struct mrfp_srtp_key
key(uint8_t seed)
{
	return dpf_key(seed, 1);
}

static struct mrfp_leg_params
params(uint16_t port, bool mux, const char *remote, uint16_t rport)
{
	struct mrfp_leg_params p = dpf_params(port, mux);
	if (remote != NULL)
		dpf_addr4(&p.remote, remote, rport);
	return p;
}

static int
leg_add(struct dpf *f, uint32_t conf, uint32_t id, const struct mrfp_leg_params *p)
{
	struct mrfp_srtp_key rx = key(1), tx = key(2);
	return mrfp_dp_leg_add(f->dp, conf, id, p, &rx, &tx);
}

static void
conf_add(struct dpf *f, uint32_t id, uint16_t max)
{
	struct mrfp_conf_params cp = {
		.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL, .max_legs = max};
	assert_int_equal(mrfp_dp_conf_add(f->dp, id, &cp), 0);
}

static uint8_t
owner(struct dpf *f, uint16_t port)
{
	return f->dp->owner[port - PORT_MIN];
}

/* ---- conferences ------------------------------------------------------------------------- */

static void
test_conf_add_checks(void **state)
{
	struct dpf *f = *state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	assert_int_equal(mrfp_dp_conf_add(f->dp, 1, &cp), 0);
	assert_int_equal(mrfp_dp_conf_add(f->dp, 1, &cp), -EEXIST);
	cp.keys = MRFP_KEYS_GROUP; /* switching under a group key: not yet */
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), -ENOTSUP);
	cp.media = MRFP_MEDIA_MIX; /* mixing under a group key needs the key */
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), -EINVAL);
	struct mrfp_srtp_key bad = key(3); /* ... a valid one: an MKI a key record holds */
	bad.mki_len = 200;
	cp.group_key = &bad;
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), -EINVAL);
	cp.group_key = NULL;
	cp.keys = MRFP_KEYS_BILATERAL;
	cp.ptime_ms = 25; /* 10, 20 or 30 */
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), -EINVAL);
	cp.media = MRFP_MEDIA_SWITCH;
	cp.ptime_ms = 0;
	cp.keys = MRFP_KEYS_COUNT;
	assert_int_equal(mrfp_dp_conf_add(f->dp, 2, &cp), -EINVAL);
	assert_int_equal(f->w->cmd_posted, 1); /* refused: nothing posted */
	assert_int_equal(mrfp_dp_conf_remove(f->dp, 2), -ENOENT);
	assert_int_equal(mrfp_dp_conf_remove(f->dp, 1), 0);
	assert_int_equal(f->w->cmd_posted, 2);
	assert_int_equal(mrfp_dp_conf_remove(f->dp, 1), -ENOENT);
}

/* ---- legs: every refusal leaves nothing behind -------------------------------------------- */

static void
assert_nothing_left(struct dpf *f, uint32_t id, uint64_t posted)
{
	struct mrfp_leg_params p;
	assert_int_equal(mrfp_dp_leg_params(f->dp, id, &p), -ENOENT);
	assert_null(dpf_registry_leg(f, id));
	assert_int_equal(f->w->cmd_posted, posted);
	assert_int_equal(freed_sessions.n, 0); /* refused before any session was created */
}

static void
test_leg_add_refusals(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 1, 0);
	struct mrfp_leg_params ok = params(40000, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 1, &ok), 0);
	uint64_t posted = f->w->cmd_posted;

	struct mrfp_leg_params p = params(40010, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 9, 2, &p), -ENOENT); /* no such conference */
	assert_int_equal(leg_add(f, 1, 1, &p), -EEXIST); /* leg id taken */
	p.local_port = 40011;
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL); /* RTP on an odd port */
	p.local_port = PORT_MIN - 2;
	assert_int_equal(leg_add(f, 1, 2, &p), -ERANGE);
	p.local_port = PORT_MAX + 1;
	assert_int_equal(leg_add(f, 1, 2, &p), -ERANGE);
	/* the RTCP port must be in range too: with port_max odd, port_max - 1 fits exactly */
	p.local_port = PORT_MAX - 1;
	assert_int_equal(leg_add(f, 1, 2, &p), 0);
	assert_int_equal(mrfp_dp_leg_remove(f->dp, 2, NULL), 0);
	posted = f->w->cmd_posted;
	p.local_port = 40000;
	assert_int_equal(leg_add(f, 1, 2, &p), -EEXIST); /* port of leg 1 */
	p.rtcp_mux = true;
	assert_int_equal(leg_add(f, 1, 2, &p), -EEXIST);
	p = params(40010, false, "10.0.0.2", 5004);
	p.mode = MRFP_MODE_COUNT;
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL);
	p = params(40010, false, "10.0.0.2", 5004);
	p.latch = MRFP_LATCH_COUNT;
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL);
	p = params(40010, false, "10.0.0.2", 0); /* remote without a port */
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL);
	p = params(40010, false, NULL, 0); /* no remote: only latching can learn it */
	p.latch = MRFP_LATCH_STRICT;
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL);
	p = params(40010, false, NULL, 0);
	p.remote.family = AF_INET6; /* no IPv6 media address configured */
	p.remote.v6[15] = 2;
	p.remote.port = htons(5004);
	assert_int_equal(leg_add(f, 1, 2, &p), -EINVAL);
	/* keys: wrong length, unknown suite, missing */
	p = params(40010, false, "10.0.0.2", 5004);
	struct mrfp_srtp_key good = key(1), bad = key(2);
	bad.len = 29;
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &good, &bad), -EINVAL);
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &bad, &good), -EINVAL);
	bad = key(2);
	bad.suite = MRFP_SUITE_COUNT;
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &good, &bad), -EINVAL);
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &good, NULL), -EINVAL);
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, NULL, &good), -EINVAL);
	/* an MKI longer than a key record holds (memory a caller never cleared, say) */
	bad = key(2);
	bad.mki_len = 200;
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &good, &bad), -EINVAL);
	assert_int_equal(mrfp_dp_leg_add(f->dp, 1, 2, &p, &bad, &good), -EINVAL);
	assert_nothing_left(f, 2, posted);
	assert_int_equal(owner(f, 40010), OWNER_NONE);
	assert_int_equal(owner(f, 40011), OWNER_NONE);
	/* and the same leg is accepted once the parameters are right */
	assert_int_equal(leg_add(f, 1, 2, &p), 0);
}

/* RTCP goes to the remote port + 1 without rtcp-mux: 65535 leaves no port for it. */
static void
test_leg_add_remote_port_65535(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 1, 0);
	struct mrfp_leg_params p = params(40000, true, "10.0.0.2", 65535);
	assert_int_equal(leg_add(f, 1, 1, &p), 0); /* with rtcp-mux RTCP shares the port: fine */
	struct mrfp_leg_params q = params(40002, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 2, &q), 0);
	q.remote.port = htons(65535);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 2, &q, NULL, NULL), -EINVAL);
	q = params(40004, false, "10.0.0.2", 65535);
	assert_int_equal(leg_add(f, 1, 3, &q), -EINVAL);
}

static void
test_leg_add_state(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 1, 0);
	struct mrfp_leg_params a = params(40000, false, "10.0.0.2", 5004);
	struct mrfp_leg_params b = params(40002, true, NULL, 0);
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	assert_int_equal(leg_add(f, 1, 2, &b), 0);
	assert_int_equal(owner(f, 40000), 0);
	assert_int_equal(owner(f, 40001), 0);
	assert_int_equal(owner(f, 40002), 0);
	assert_int_equal(owner(f, 40003), OWNER_NONE); /* rtcp-mux: one port */
	struct mrfp_leg_params got;
	assert_int_equal(mrfp_dp_leg_params(f->dp, 1, &got), 0);
	assert_int_equal(got.local_port, 40000);
	assert_false(got.rtcp_mux);
	assert_true(mrfp_addr_equal(&got.remote, &a.remote));
	assert_int_equal(mrfp_dp_leg_params(f->dp, 2, &got), 0);
	assert_true(got.rtcp_mux);
	/* output SSRCs: non-zero and distinct within the conference */
	uint32_t s[4];
	struct mrfp_leg_params c = params(40004, false, NULL, 0);
	struct mrfp_leg_params d = params(40006, false, NULL, 0);
	assert_int_equal(leg_add(f, 1, 3, &c), 0);
	assert_int_equal(leg_add(f, 1, 4, &d), 0);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(mrfp_dp_leg_out_ssrc(f->dp, i + 1, &s[i]), 0);
		assert_int_not_equal(s[i], 0);
		for (uint32_t j = 0; j < i; j++)
			assert_int_not_equal(s[i], s[j]);
	}
	assert_int_equal(mrfp_dp_leg_out_ssrc(f->dp, 99, &s[0]), -ENOENT);
	/* max_legs_per_conf (4) reached */
	struct mrfp_leg_params e = params(40008, false, NULL, 0);
	assert_int_equal(leg_add(f, 1, 5, &e), -ENOSPC);
	assert_int_equal(owner(f, 40008), OWNER_NONE);
	/* a conference's own limit overrides the default */
	conf_add(f, 2, 2);
	assert_int_equal(leg_add(f, 2, 5, &e), 0);
	e.local_port = 40010;
	assert_int_equal(leg_add(f, 2, 6, &e), 0);
	e.local_port = 40012;
	assert_int_equal(leg_add(f, 2, 7, &e), -ENOSPC);
}

/* ---- with a running worker --------------------------------------------------------------- */

static void
test_sync_with_worker(void **state)
{
	struct dpf *f = *state;
	start_worker(f);
	conf_add(f, 1, 0);
	struct mrfp_leg_params a = params(40000, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	/* acknowledged means applied: the worker's table has the leg on both ports */
	struct dp_leg *leg = dpf_registry_leg(f, 1);
	assert_non_null(leg);
	enum mrfp_drop why;
	assert_ptr_equal(leg_lookup(f->w, 40000, &why), leg);
	assert_ptr_equal(leg_lookup(f->w, 40001, &why), leg);
	struct mrfp_worker_counters wc;
	assert_int_equal(mrfp_dp_worker_counters(f->dp, 0, &wc), 0);
	assert_int_equal(wc.commands, 2);
	assert_int_equal(mrfp_dp_worker_counters(f->dp, 1, &wc), -ENOENT);
	/* many commands, more than one loop takes */
	for (uint32_t i = 0; i < 3; i++) {
		struct mrfp_leg_params p = params((uint16_t)(40010 + 2 * i), true, NULL, 0);
		assert_int_equal(leg_add(f, 1, 10 + i, &p), 0);
	}
	for (unsigned int i = 0; i < 40; i++) {
		a.mode = (i % 2) ? MRFP_MODE_SENDONLY : MRFP_MODE_RECVONLY;
		assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, NULL, NULL), 0);
	}
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	assert_int_equal(__atomic_load_n(&f->w->cmd_done, __ATOMIC_ACQUIRE), f->w->cmd_posted);
	assert_int_equal(leg->p.mode, MRFP_MODE_SENDONLY);
}

static void
test_modify_retires_sessions(void **state)
{
	struct dpf *f = *state;
	start_worker(f);
	conf_add(f, 1, 0);
	struct mrfp_leg_params a = params(40000, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	struct dp_leg *leg = dpf_registry_leg(f, 1);
	struct mrfp_srtp_session *old_rx = leg->rx, *old_tx = leg->tx;
	assert_int_equal(freed_sessions.n, 0);

	/* local port and rtcp_mux are fixed */
	struct mrfp_leg_params p = a;
	p.local_port = 40002;
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &p, NULL, NULL), -EINVAL);
	p = a;
	p.rtcp_mux = true;
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &p, NULL, NULL), -EINVAL);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 2, &a, NULL, NULL), -ENOENT);
	struct mrfp_srtp_key bad = key(3);
	bad.len = 16;
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, &bad, NULL), -EINVAL);

	/* new tx key only: the old tx session is freed once the worker let go of it */
	struct mrfp_srtp_key k3 = key(3), k4 = key(4);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, NULL, &k3), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	assert_int_equal(freed_sessions.n, 1);
	assert_int_equal(times_freed(&freed_sessions, old_tx), 1);
	assert_ptr_equal(leg->rx, old_rx);
	assert_ptr_not_equal(leg->tx, old_tx);

	/* both (the new sessions may reuse old_tx's address: only count frees from here) */
	struct mrfp_srtp_session *tx2 = leg->tx;
	unsigned int mark = freed_sessions.n;
	/* the same tx key again keeps its session (no ROC/replay restart); a new one replaces */
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, NULL, &k3), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	assert_int_equal(freed_sessions.n, mark);
	assert_ptr_equal(leg->tx, tx2);
	struct mrfp_srtp_key k5 = key(5);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, &k4, &k5), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	assert_int_equal(freed_sessions.n, mark + 2);
	assert_int_equal(times_freed_since(&freed_sessions, mark, old_rx), 1);
	assert_int_equal(times_freed_since(&freed_sessions, mark, tx2), 1);
	assert_int_equal(times_freed_since(&freed_sessions, mark, leg->rx), 0);
	assert_int_equal(times_freed_since(&freed_sessions, mark, leg->tx), 0);
	/* control's mirror follows */
	struct mrfp_leg_params got;
	a.mode = MRFP_MODE_INACTIVE;
	dpf_addr4(&a.remote, "10.0.0.7", 7000);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, NULL, NULL), 0);
	assert_int_equal(mrfp_dp_leg_params(f->dp, 1, &got), 0);
	assert_int_equal(got.mode, MRFP_MODE_INACTIVE);
	assert_true(mrfp_addr_equal(&got.remote, &a.remote));
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	assert_true(mrfp_addr_equal(&leg->remote_rtp, &a.remote));
}

static void
test_leg_remove_with_worker(void **state)
{
	struct dpf *f = *state;
	start_worker(f);
	conf_add(f, 1, 0);
	struct mrfp_leg_params a = params(40000, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	struct dp_leg *leg = dpf_registry_leg(f, 1);
	struct mrfp_srtp_session *rx = leg->rx, *tx = leg->tx;
	struct mrfp_leg_counters final;
	memset(&final, 0xff, sizeof(final));
	assert_int_equal(mrfp_dp_leg_remove(f->dp, 1, &final), 0);
	/* returns after the worker applied it, and reaps: leg and both sessions gone */
	assert_int_equal(final.rx_pkts, 0);
	assert_int_equal(final.drops[MRFP_DROP_SRTP_AUTH], 0);
	assert_int_equal(times_freed(&freed_mem, leg), 1);
	assert_int_equal(times_freed(&freed_sessions, rx), 1);
	assert_int_equal(times_freed(&freed_sessions, tx), 1);
	assert_int_equal(owner(f, 40000), OWNER_NONE);
	assert_int_equal(owner(f, 40001), OWNER_NONE);
	struct mrfp_leg_params got;
	assert_int_equal(mrfp_dp_leg_params(f->dp, 1, &got), -ENOENT);
	assert_int_equal(mrfp_dp_leg_remove(f->dp, 1, NULL), -ENOENT);
	/* port and id can be used again */
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	enum mrfp_drop why;
	assert_ptr_equal(leg_lookup(f->w, 40001, &why), dpf_registry_leg(f, 1));
}

static void
test_conf_remove_with_worker(void **state)
{
	struct dpf *f = *state;
	start_worker(f);
	conf_add(f, 1, 0);
	conf_add(f, 2, 0);
	struct dp_leg *legs[3];
	for (uint32_t i = 0; i < 3; i++) {
		struct mrfp_leg_params p = params((uint16_t)(40000 + 2 * i), i == 1, NULL, 0);
		assert_int_equal(leg_add(f, 1, i + 1, &p), 0);
		legs[i] = dpf_registry_leg(f, i + 1);
	}
	struct mrfp_leg_params other = params(40020, false, NULL, 0);
	assert_int_equal(leg_add(f, 2, 9, &other), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	struct dp_conf *conf = dpf_registry_conf(f, 1);
	assert_non_null(conf);

	assert_int_equal(mrfp_dp_conf_remove(f->dp, 1), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, SYNC_MS), 0);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(times_freed(&freed_mem, legs[i]), 1);
		assert_null(dpf_registry_leg(f, i + 1));
	}
	assert_int_equal(times_freed(&freed_mem, conf), 1);
	for (uint16_t port = 40000; port < 40006; port++)
		assert_int_equal(owner(f, port), OWNER_NONE);
	/* the other conference is untouched */
	assert_non_null(dpf_registry_leg(f, 9));
	assert_int_equal(owner(f, 40020), 0);
	enum mrfp_drop why;
	assert_null(leg_lookup(f->w, 40000, &why));
	assert_int_equal(why, MRFP_DROP_UNKNOWN_PORT);
	assert_ptr_equal(leg_lookup(f->w, 40021, &why), dpf_registry_leg(f, 9));
	/* the id can be reused */
	conf_add(f, 1, 0);
}

/* ---- without a worker: sync refuses, reap counts, destroy frees each object once ---------- */

static void
test_sync_and_reap_without_worker(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 1, 0);
	struct mrfp_leg_params a = params(40000, false, "10.0.0.2", 5004);
	assert_int_equal(leg_add(f, 1, 1, &a), 0);
	assert_int_equal(mrfp_dp_sync(f->dp, 10), -ETIMEDOUT);
	/* be the worker for a moment: nothing else runs on this dataplane */
	worker_apply_commands(f->w);
	assert_int_equal(mrfp_dp_sync(f->dp, 10), 0);
	assert_int_equal(mrfp_dp_reap(f->dp), 0);

	struct mrfp_srtp_key k3 = key(3), k4 = key(4);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &a, &k3, &k4), 0);
	assert_int_equal(mrfp_dp_reap(f->dp), 0); /* not applied yet: nothing to take back */
	worker_apply_commands(f->w);
	assert_int_equal(mrfp_dp_reap(f->dp), 2); /* two sessions */
	assert_int_equal(mrfp_dp_reap(f->dp), 0);

	assert_int_equal(mrfp_dp_leg_remove(f->dp, 1, NULL), 0);
	worker_apply_commands(f->w);
	assert_int_equal(mrfp_dp_conf_remove(f->dp, 1), 0);
	worker_apply_commands(f->w);
	assert_int_equal(mrfp_dp_reap(f->dp), 2); /* the leg (with its sessions) and the conf */
	assert_int_equal(freed_sessions.n, 4);
}

static void
test_destroy_pending(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 1, 0);
	conf_add(f, 2, 0);
	struct mrfp_leg_params p1 = params(40000, false, NULL, 0),
			       p2 = params(40002, false, NULL, 0),
			       p3 = params(40004, false, NULL, 0);
	assert_int_equal(leg_add(f, 1, 1, &p1), 0);
	assert_int_equal(leg_add(f, 1, 2, &p2), 0);
	assert_int_equal(leg_add(f, 2, 3, &p3), 0);
	struct dp_leg *l1 = dpf_registry_leg(f, 1), *l2 = dpf_registry_leg(f, 2),
		      *l3 = dpf_registry_leg(f, 3);
	struct dp_conf *c2 = dpf_registry_conf(f, 2);
	assert_non_null(c2);
	struct dp_conf *c1 = dpf_registry_conf(f, 1);
	assert_non_null(c1);
	worker_apply_commands(f->w); /* some applied ... */
	struct mrfp_srtp_key k = key(5);
	assert_int_equal(mrfp_dp_leg_modify(f->dp, 1, &p1, &k, NULL), 0); /* ... some pending */
	assert_int_equal(mrfp_dp_leg_remove(f->dp, 2, NULL), 0);
	assert_int_equal(mrfp_dp_conf_remove(f->dp, 2), 0);
	struct mrfp_srtp_session *l1_rx = l1->rx;

	mrfp_dp_destroy(f->dp);
	f->dp = NULL;
	/* every object freed exactly once: registry, pending commands, retired objects */
	assert_int_equal(times_freed(&freed_mem, l1), 1);
	assert_int_equal(times_freed(&freed_mem, l2), 1);
	assert_int_equal(times_freed(&freed_mem, l3), 1);
	assert_int_equal(times_freed(&freed_mem, c1), 1);
	assert_int_equal(times_freed(&freed_mem, c2), 1);
	assert_int_equal(times_freed(&freed_sessions, l1_rx), 1);
	/* 3 legs x 2 sessions + the never-installed new rx key */
	assert_int_equal(freed_sessions.n, 7);
	for (unsigned int i = 0; i < freed_sessions.n; i++)
		assert_int_equal(times_freed(&freed_sessions, freed_sessions.p[i]), 1);
}

static void
test_foreach_and_counters(void **state)
{
	struct dpf *f = *state;
	conf_add(f, 5, 0);
	struct mrfp_leg_params p1 = params(40000, false, NULL, 0),
			       p2 = params(40002, true, NULL, 0);
	assert_int_equal(leg_add(f, 5, 11, &p1), 0);
	assert_int_equal(leg_add(f, 5, 12, &p2), 0);
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(f->dp, 11, &c), 0);
	assert_int_equal(c.tx_pkts, 0);
	assert_int_equal(mrfp_dp_leg_counters(f->dp, 13, &c), -ENOENT);
	assert_int_equal(mrfp_dp_worker_count(f->dp), 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, dpf_eal_teardown)
	const struct CMUnitTest tests[] = {
		T(test_conf_add_checks),
		T(test_leg_add_refusals),
		T(test_leg_add_remote_port_65535),
		T(test_leg_add_state),
		T(test_sync_with_worker),
		T(test_modify_retires_sessions),
		T(test_leg_remove_with_worker),
		T(test_conf_remove_with_worker),
		T(test_sync_and_reap_without_worker),
		T(test_destroy_pending),
		T(test_foreach_and_counters),
	};
#undef T
	/* two lcores (main and WORKER_LCORE) on one allowed CPU */
	return dpf_eal_main("dp_cmd", "unit_cmd", WORKER_LCORE + 1, tests, RTE_DIM(tests));
}
