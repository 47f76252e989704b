/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dataplane built by hand for white-box unit tests (tests/unit/test_legtab.c,
 * test_worker_cmd.c, test_dp_cmd.c, test_ssrc.c): the structs of dataplane/path/dp_priv.h filled
 * in directly, without mrfp_dp_create, ports or mempools.
 *
 * Two flavours:
 *  - dpf_new/dpf_free: plain heap memory, no EAL (suite 'unit', runs under valgrind). One
 *    worker with its port and owner tables, optional command/retire rings in caller memory
 *    (rte_ring_init needs no EAL), a hand-built conference and legs made without the API.
 *  - dpf_eal_new/dpf_eal_free: what mrfp_dp_destroy frees (rte_malloc, rte_hash,
 *    rte_ring_create): the control-side registries and one worker, for tests that drive the
 *    public API (suite 'eal').
 *
 * Failures are cmocka assertions, so the builders are for setup functions and test bodies;
 * dpf_eal_main is main() itself.
 * The fixture is compiled into each test (a declare_dependency's sources): -Wl,--wrap in a test
 * redirects the fixture's calls as it does the dataplane's.
 */
#ifndef MRFP_TESTS_DP_FIXTURE_H
#define MRFP_TESTS_DP_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_priv.h"

struct CMUnitTest;

/* ---- objects by hand in plain memory (no EAL) ----------------------------------------------- */

/* Zeroed, 64-byte aligned (size rounded up to 64), released with free(). */
void *dpf_zalloc(size_t size);

/* An IPv4 / IPv6 address from text; port in host order (stored in network order). */
void dpf_addr4(struct mrfp_addr *a, const char *ip, uint16_t port);
void dpf_addr6(struct mrfp_addr *a, const char *ip, uint16_t port);

/* A single-producer/single-consumer ring of count slots of esize bytes in dpf_zalloc memory:
 * no EAL. Released with free(). */
struct rte_ring *dpf_ring(const char *name, unsigned int esize, unsigned int count);

/* A zeroed conference with room for max_legs legs (conf->legs[]). Released with free(). */
struct dp_conf *dpf_conf(uint32_t id, uint16_t max_legs);

/* Put a hand-made leg into conf's next slot, as the worker's join does without its side
 * effects: conf_slot, legs[], n_legs. */
void dpf_conf_put(struct dp_conf *conf, struct dp_leg *leg);

/* ---- the fixture: one dataplane, one worker ------------------------------------------------- */

#define DPF_MAX_LEGS 64

/* One hand-built dataplane with one worker (dp->w[0], idx 0), not started, in either flavour.
 * The config is dp->cfg: the port range and media4 10.0.0.1/24; the owner table says OWNER_NONE
 * across the range; the worker's port table and lists are empty. */
struct dpf {
	struct mrfp_dp *dp;
	struct mrfp_config *cfg; /* &dp->cfg, the worker's config */
	struct dp_worker *w;
	uint8_t *owner;	      /* dp->owner, w->owner: (port - port_min) -> worker */
	struct dp_conf *conf; /* dpf_new only: a conference of nobody's, not on the worker */
	struct dp_leg *legs[DPF_MAX_LEGS]; /* dpf_new only: what dpf_leg made, freed by dpf_free */
	unsigned int n_legs;
};

/* ---- dpf_new: plain memory, no EAL ---------------------------------------------------------- */

struct dpf_opts {
	uint16_t port_min, port_max;
	/* table slots past the range (an off-by-one lookup lands on them): the owner table says
	 * guard_owner there and by_port points to guard_leg */
	unsigned int guard;
	uint8_t guard_owner;
	struct dp_leg *guard_leg;
	unsigned int ring;	/* cmd and retire rings (dpf_ring) of this many slots; 0: none */
	uint32_t conf_id;	/* f->conf: its id ... */
	uint16_t conf_max_legs; /* ... and its room */
};

struct dpf *dpf_new(const struct dpf_opts *o);
void dpf_free(struct dpf *f);
/* A cmocka teardown for a setup that left a dpf_new fixture in *state. */
int dpf_teardown(void **state);

/* A zeroed leg of f->conf (not attached): id, local port and rtcp-mux, in the leg and in its
 * parameters (p). At most DPF_MAX_LEGS per fixture. */
struct dp_leg *dpf_leg(struct dpf *f, uint32_t id, uint16_t port, bool mux);

/* ---- dpf_eal_new: a dataplane that mrfp_dp_destroy takes down ------------------------------- */

struct dpf_eal_opts {
	uint16_t port_min, port_max;
	unsigned int max_conferences, max_legs, max_legs_per_conf;
	uint32_t registry; /* entries of each registry hash (legs, confs) */
	unsigned int lcore;
	unsigned int cmd_ring, retire_ring, events_ring; /* slots; 0: no such ring */
};

/* The fixture without ports, its worker not launched: config (port range, media4, limits),
 * owner table, registries, lock, worker tables and rings, all from rte_malloc/rte_hash/rte_ring
 * as mrfp_dp_destroy expects. No conference, no legs: the public API makes those. */
struct dpf *dpf_eal_new(const struct dpf_eal_opts *o);
/* mrfp_dp_destroy(f->dp) (a test that destroyed it itself leaves f->dp NULL), then f. */
void dpf_eal_free(struct dpf *f);
/* A cmocka teardown for a setup that left a dpf_eal_new fixture in *state. */
int dpf_eal_teardown(void **state);

/* The control-side registries: NULL when the id is not there. */
struct dp_leg *dpf_registry_leg(struct dpf *f, uint32_t id);
struct dp_conf *dpf_registry_conf(struct dpf *f, uint32_t id);

/* Leg parameters for mrfp_dp_leg_add: the local port and rtcp-mux, sendrecv, latching on, no
 * remote; the rest zero. */
struct mrfp_leg_params dpf_params(uint16_t port, bool mux);

/* An AES_CM_128_HMAC_SHA1_80 key, material[i] = seed ^ (i * stride). */
struct mrfp_srtp_key dpf_key(uint8_t seed, uint8_t stride);

/* main() of an EAL test: EAL (--no-huge, 128 MB, no PCI, no telemetry,
 * --file-prefix=<prefix>_<pid>, n_lcores lcores 0..n-1 all on the first CPU this process may run
 * on: works on any host) and libsrtp2, then the cmocka group <name> of n_tests tests, then
 * rte_eal_cleanup. 1 (with a message on stderr) when EAL or libsrtp2 does not start, else what
 * cmocka returns. */
int dpf_eal_main(const char *name, const char *prefix, unsigned int n_lcores,
		 const struct CMUnitTest *tests, size_t n_tests);

#endif
