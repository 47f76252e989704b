/* SPDX-License-Identifier: BSD-3-Clause */
/* A dataplane built by hand for white-box unit tests: see dp_fixture.h. */
#define _GNU_SOURCE
#include "dp_fixture.h"

#include <arpa/inet.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

/* ---- plain memory, no EAL ------------------------------------------------------------------- */

void *
dpf_zalloc(size_t size)
{
	size = (size + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, size);
	assert_non_null(p);
	memset(p, 0, size);
	return p;
}

void
dpf_addr4(struct mrfp_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, &a->v4), 1);
	a->port = htons(port);
}

void
dpf_addr6(struct mrfp_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, ip, a->v6), 1);
	a->port = htons(port);
}

struct rte_ring *
dpf_ring(const char *name, unsigned int esize, unsigned int count)
{
	ssize_t sz = rte_ring_get_memsize_elem(esize, count);
	assert_true(sz > 0);
	struct rte_ring *r = dpf_zalloc((size_t)sz);
	assert_int_equal(rte_ring_init(r, name, count, RING_F_SP_ENQ | RING_F_SC_DEQ), 0);
	return r;
}

struct dp_conf *
dpf_conf(uint32_t id, uint16_t max_legs)
{
	struct dp_conf *c = dpf_zalloc(sizeof(*c) + max_legs * sizeof(struct dp_leg *));
	c->id = id;
	c->max_legs = max_legs;
	return c;
}

void
dpf_conf_put(struct dp_conf *conf, struct dp_leg *leg)
{
	assert_true(conf->n_legs < conf->max_legs);
	leg->conf = conf;
	leg->conf_slot = conf->n_legs;
	conf->legs[conf->n_legs++] = leg;
}

/* What both flavours set alike: the config's port range and IPv4 media address, and the one
 * worker wired to the dataplane's config, owner table and stop flag. */
static void
config_init(struct mrfp_config *cfg, uint16_t port_min, uint16_t port_max)
{
	cfg->port_min = port_min;
	cfg->port_max = port_max;
	dpf_addr4(&cfg->media4, "10.0.0.1", 0);
	cfg->media4_prefix = 24;
}

static void
worker_init(struct mrfp_dp *dp, struct dp_worker *w, unsigned int lcore)
{
	w->idx = 0;
	w->lcore = lcore;
	w->cfg = &dp->cfg;
	w->owner = dp->owner;
	w->stop = &dp->stop;
	TAILQ_INIT(&w->legs);
	TAILQ_INIT(&w->mix_confs);
	dp->w[0] = w;
	dp->n_workers = 1;
}

static unsigned int
port_range(const struct mrfp_config *cfg)
{
	return (unsigned int)cfg->port_max - cfg->port_min + 1;
}

struct dpf *
dpf_new(const struct dpf_opts *o)
{
	struct dpf *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->dp = dpf_zalloc(sizeof(*f->dp));
	f->cfg = &f->dp->cfg;
	config_init(f->cfg, o->port_min, o->port_max);
	unsigned int range = port_range(f->cfg), slots = range + o->guard;
	f->owner = malloc(slots);
	assert_non_null(f->owner);
	memset(f->owner, OWNER_NONE, range);
	memset(f->owner + range, o->guard_owner, o->guard);
	f->dp->owner = f->owner;
	f->w = dpf_zalloc(sizeof(*f->w));
	worker_init(f->dp, f->w, 0);
	f->w->by_port = calloc(slots, sizeof(*f->w->by_port));
	assert_non_null(f->w->by_port);
	for (unsigned int i = range; i < slots; i++)
		f->w->by_port[i] = o->guard_leg;
	if (o->ring > 0) {
		f->w->cmd = dpf_ring("dpf_cmd", sizeof(struct dp_cmd), o->ring);
		f->w->retire = dpf_ring("dpf_retire", sizeof(struct dp_retire), o->ring);
	}
	f->conf = dpf_conf(o->conf_id, o->conf_max_legs);
	return f;
}

void
dpf_free(struct dpf *f)
{
	for (unsigned int i = 0; i < f->n_legs; i++)
		free(f->legs[i]);
	free(f->conf);
	free(f->w->cmd);
	free(f->w->retire);
	free(f->w->by_port);
	free(f->w);
	free(f->owner);
	free(f->dp);
	free(f);
}

int
dpf_teardown(void **state)
{
	dpf_free(*state);
	return 0;
}

struct dp_leg *
dpf_leg(struct dpf *f, uint32_t id, uint16_t port, bool mux)
{
	assert_true(f->n_legs < DPF_MAX_LEGS);
	struct dp_leg *leg = dpf_zalloc(sizeof(*leg));
	leg->id = id;
	leg->local_port = port;
	leg->rtcp_mux = mux;
	leg->conf = f->conf;
	leg->p.local_port = port;
	leg->p.rtcp_mux = mux;
	f->legs[f->n_legs++] = leg;
	return leg;
}

/* ---- EAL ------------------------------------------------------------------------------------ */

static unsigned int instance; /* unique names for hashes and rings */

static struct rte_hash *
hash_new(const char *what, uint32_t entries)
{
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "dpf_%s_%u", what, instance);
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};
	struct rte_hash *h = rte_hash_create(&hp);
	assert_non_null(h);
	return h;
}

static struct rte_ring *
ring_new(const char *what, unsigned int esize, unsigned int count)
{
	char name[RTE_RING_NAMESIZE];
	if (count == 0)
		return NULL;
	snprintf(name, sizeof(name), "dpf_%s_%u", what, instance);
	struct rte_ring *r = rte_ring_create_elem(name, esize, count, SOCKET_ID_ANY,
						  RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(r);
	return r;
}

struct dpf *
dpf_eal_new(const struct dpf_eal_opts *o)
{
	struct dpf *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	instance++;
	struct mrfp_dp *dp = rte_zmalloc("dpf_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	assert_non_null(dp);
	config_init(&dp->cfg, o->port_min, o->port_max);
	dp->cfg.max_conferences = o->max_conferences;
	dp->cfg.max_legs = o->max_legs;
	dp->cfg.max_legs_per_conf = o->max_legs_per_conf;
	unsigned int range = port_range(&dp->cfg);
	dp->owner = rte_malloc("dpf_owner", range, 0);
	assert_non_null(dp->owner);
	memset(dp->owner, OWNER_NONE, range);
	dp->legs = hash_new("legs", o->registry);
	dp->confs = hash_new("confs", o->registry);
	assert_int_equal(pthread_mutex_init(&dp->lock, NULL), 0);

	struct dp_worker *w = rte_zmalloc("dpf_w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	assert_non_null(w);
	worker_init(dp, w, o->lcore);
	w->by_port = rte_zmalloc("dpf_by_port", range * sizeof(void *), 0);
	assert_non_null(w->by_port);
	w->cmd = ring_new("cmd", sizeof(struct dp_cmd), o->cmd_ring);
	w->retire = ring_new("ret", sizeof(struct dp_retire), o->retire_ring);
	w->events = ring_new("evt", sizeof(struct mrfp_event), o->events_ring);
	f->dp = dp;
	f->cfg = &dp->cfg;
	f->w = w;
	f->owner = dp->owner;
	return f;
}

void
dpf_eal_free(struct dpf *f)
{
	mrfp_dp_destroy(f->dp); /* stops and waits for a started worker, frees everything */
	free(f);
}

int
dpf_eal_teardown(void **state)
{
	dpf_eal_free(*state);
	return 0;
}

static void *
registry_get(struct rte_hash *h, uint32_t id)
{
	void *data;
	return rte_hash_lookup_data(h, &id, &data) >= 0 ? data : NULL;
}

struct dp_leg *
dpf_registry_leg(struct dpf *f, uint32_t id)
{
	return registry_get(f->dp->legs, id);
}

struct dp_conf *
dpf_registry_conf(struct dpf *f, uint32_t id)
{
	return registry_get(f->dp->confs, id);
}

struct mrfp_leg_params
dpf_params(uint16_t port, bool mux)
{
	struct mrfp_leg_params p;
	memset(&p, 0, sizeof(p));
	p.local_port = port;
	p.rtcp_mux = mux;
	p.mode = MRFP_MODE_SENDRECV;
	p.latch = MRFP_LATCH_ON;
	return p;
}

struct mrfp_srtp_key
dpf_key(uint8_t seed, uint8_t stride)
{
	struct mrfp_srtp_key k;
	memset(&k, 0, sizeof(k));
	k.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	k.len = 30;
	for (unsigned int i = 0; i < k.len; i++)
		k.material[i] = (uint8_t)(seed ^ (i * stride));
	return k;
}

static int
eal_start(const char *prog, const char *prefix, unsigned int n_lcores)
{
	cpu_set_t set;
	int cpu = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
			;
	char file_prefix[64], lcores[128];
	snprintf(file_prefix, sizeof(file_prefix), "--file-prefix=%s_%d", prefix, getpid());
	int n = snprintf(lcores, sizeof(lcores), "--lcores=");
	for (unsigned int i = 0; i < n_lcores && n > 0 && (size_t)n < sizeof(lcores); i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, "%s%u@%d", i ? "," : "", i,
			      cpu);
	char *argv[] = {(char *)prog, "--no-huge", "-m",
			"128",	      "--no-pci",  "--no-telemetry",
			file_prefix,  lcores,	   "--log-level=lib.eal:warning",
			NULL};
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return mrfp_srtp_init() != 0 ? -1 : 0;
}

int
dpf_eal_main(const char *name, const char *prefix, unsigned int n_lcores,
	     const struct CMUnitTest *tests, size_t n_tests)
{
	char prog[64];
	snprintf(prog, sizeof(prog), "test_%s", name);
	if (eal_start(prog, prefix, n_lcores) != 0)
		return 1;
	int rc = _cmocka_run_group_tests(name, tests, n_tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
