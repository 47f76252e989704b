/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conference placement and admission (dataplane/ctl/place.c), on a two-node machine that
 * libnuma describes: libnuma is mocked (--wrap), CPUs 0-3 on node 0, 4-7 on node 1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "place.h"

static int numa_ok = 1;

int __wrap_numa_available(void);
int __wrap_numa_node_of_cpu(int cpu);
int __wrap_numa_num_configured_nodes(void);

int
__wrap_numa_available(void)
{
	return numa_ok ? 0 : -1;
}

int
__wrap_numa_node_of_cpu(int cpu)
{
	return cpu < 4 ? 0 : 1;
}

int
__wrap_numa_num_configured_nodes(void)
{
	return 2;
}

/* Four workers on CPUs 2, 3, 5, 6: two per node, as mrfpd would find them. */
static void
two_nodes(struct mrfp_place_worker w[4])
{
	const unsigned int cpus[4] = {2, 3, 5, 6};
	for (int i = 0; i < 4; i++)
		w[i] = (struct mrfp_place_worker){.node = place_node_of_cpu(cpus[i])};
}

static void
test_topology_from_libnuma(void **state)
{
	(void)state;
	struct mrfp_place_worker w[4];
	two_nodes(w);
	assert_int_equal(place_numa_nodes(), 2);
	assert_int_equal(w[0].node, 0);
	assert_int_equal(w[1].node, 0);
	assert_int_equal(w[2].node, 1);
	assert_int_equal(w[3].node, 1);
	numa_ok = 0; /* no NUMA support: one node, nodes unknown */
	assert_int_equal(place_numa_nodes(), 1);
	assert_int_equal(place_node_of_cpu(5), -1);
	numa_ok = 1;
}

/* Place conferences of 10 legs one after another; count where they go. */
static void
fill(struct mrfp_place_worker *w, unsigned int n, int nic_node, unsigned int confs,
     unsigned int *per_node)
{
	const struct mrfp_place_limits none = {0};
	for (unsigned int c = 0; c < confs; c++) {
		int i = place_choose(w, n, nic_node, &none, -1);
		assert_true(i >= 0 && (unsigned int)i < n);
		w[i].legs += 10;
		per_node[w[i].node]++;
	}
}

static void
test_prefers_the_nic_node(void **state)
{
	(void)state;
	struct mrfp_place_worker w[4];
	unsigned int per_node[2] = {0};
	two_nodes(w);
	const struct mrfp_place_limits none = {0};
	/* empty machine: the first conferences go to the NIC's node (node 1 here) */
	assert_int_equal(place_choose(w, 4, 1, &none, -1), 2);
	fill(w, 4, 1, 100, per_node);
	/* local workers carry about 1.5x the load of remote ones, never all of it */
	assert_true(per_node[1] > per_node[0]);
	assert_true(per_node[0] > 0);
	assert_true(per_node[1] * 2 <= per_node[0] * 3 + 2 * 2);
	assert_true(per_node[1] * 2 >= per_node[0] * 3 - 2 * 2);
	/* within a node, balanced */
	assert_true(w[2].legs - w[3].legs + 10 <= 20 && w[3].legs - w[2].legs + 10 <= 20);
}

static void
test_unknown_nic_node_balances(void **state)
{
	(void)state;
	struct mrfp_place_worker w[4];
	unsigned int per_node[2] = {0};
	two_nodes(w);
	fill(w, 4, -1, 100, per_node);
	assert_int_equal(per_node[0], 50);
	assert_int_equal(per_node[1], 50);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w[i].legs, 250);
}

/* Measured packets per second count when above what the legs would bring. */
static void
test_measured_load_counts(void **state)
{
	(void)state;
	struct mrfp_place_worker w[2] = {{.node = 0, .legs = 10}, {.node = 0, .legs = 10}};
	const struct mrfp_place_limits none = {0};
	assert_int_equal(place_load(&w[0]), 10 * MRFP_PLACE_LEG_PPS);
	assert_int_equal(place_choose(w, 2, 0, &none, -1), 0); /* tie: lowest index */
	w[0].pps = 50000;				       /* a busy video switch */
	assert_int_equal(place_load(&w[0]), 50000);
	assert_int_equal(place_choose(w, 2, 0, &none, -1), 1);
}

static void
test_admission_limits(void **state)
{
	(void)state;
	struct mrfp_place_worker w[2] = {{.node = 0, .legs = 4}, {.node = 0, .legs = 3}};
	struct mrfp_place_limits lim = {.max_legs = 4};
	assert_false(place_admits(&w[0], &lim, 1));
	assert_true(place_admits(&w[1], &lim, 1));
	assert_false(place_admits(&w[1], &lim, 2));
	assert_int_equal(place_choose(w, 2, 0, &lim, -1), 1);
	w[1].legs = 4;
	assert_int_equal(place_choose(w, 2, 0, &lim, -1), -ENOSPC);
	/* packets per second: measured load plus what the new legs bring */
	struct mrfp_place_limits pps = {.max_pps = 10000};
	struct mrfp_place_worker busy = {.node = 0, .legs = 1, .pps = 9900};
	assert_true(place_admits(&busy, &pps, 1));
	assert_false(place_admits(&busy, &pps, 2));
	busy.pps = 9950;
	assert_false(place_admits(&busy, &pps, 1));
}

static void
test_draining_and_skip(void **state)
{
	(void)state;
	struct mrfp_place_worker w[3] = {
		{.node = 0}, {.node = 0, .legs = 50}, {.node = 0, .legs = 60}};
	const struct mrfp_place_limits none = {0};
	assert_int_equal(place_choose(w, 3, 0, &none, -1), 0);
	assert_int_equal(place_choose(w, 3, 0, &none, 0), 1); /* draining worker 0 itself */
	w[1].draining = true;
	assert_int_equal(place_choose(w, 3, 0, &none, 0), 2);
	w[2].draining = true;
	assert_int_equal(place_choose(w, 3, 0, &none, 0), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topology_from_libnuma),
		cmocka_unit_test(test_prefers_the_nic_node),
		cmocka_unit_test(test_unknown_nic_node_balances),
		cmocka_unit_test(test_measured_load_counts),
		cmocka_unit_test(test_admission_limits),
		cmocka_unit_test(test_draining_and_skip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
