/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering on a port without rte_flow (net_ring, two queues, two workers): install
 * fails cleanly (no rule, steered false) and both workers still serve their queues. Then,
 * with rte_flow_validate/create/destroy wrapped (-Wl,--wrap), a port that accepts rules gets
 * exactly one QUEUE rule per piece, whose matches reproduce the port blocks port by port;
 * one that refuses the k-th rule keeps none; legs of a conference moved to another worker
 * get exact rules above the blocks; and the rules go before the port stops.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "dp_priv.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"
#include "mrfp_workers.h"
#include "steer.h"

#define NQ 2
#define MAX_RULES 512

enum mock_mode { MOCK_REAL, MOCK_ACCEPT, MOCK_FAIL_CREATE, MOCK_FAIL_VALIDATE };

/* One rule as the port saw it. */
struct seen_rule {
	int family;
	uint16_t value, mask; /* UDP destination, host order */
	uint16_t queue;
	uint16_t vlan; /* 0: no VLAN item */
	bool addr_ok;  /* the destination is the media address, full mask */
	uint32_t priority;
	bool alive;
};

static struct {
	enum mock_mode mode;
	unsigned int fail_at; /* 1-based call number that fails */
	unsigned int validates, creates, destroys;
	unsigned int n;
	struct seen_rule rule[MAX_RULES];
	uint64_t seq, last_destroy_seq, stop_seq;
	bool destroy_unknown;
} mock;

static struct rte_ring *rx[NQ], *tx[NQ];
static struct rte_mempool *pool;
static struct mrfp_dp *dp;
static char prefix[64];

int __real_rte_flow_validate(uint16_t port, const struct rte_flow_attr *attr,
			     const struct rte_flow_item pattern[],
			     const struct rte_flow_action actions[], struct rte_flow_error *err);
struct rte_flow *__real_rte_flow_create(uint16_t port, const struct rte_flow_attr *attr,
					const struct rte_flow_item pattern[],
					const struct rte_flow_action actions[],
					struct rte_flow_error *err);
int __real_rte_flow_destroy(uint16_t port, struct rte_flow *flow, struct rte_flow_error *err);
int __real_rte_eth_dev_stop(uint16_t port);
int __wrap_rte_flow_validate(uint16_t port, const struct rte_flow_attr *attr,
			     const struct rte_flow_item pattern[],
			     const struct rte_flow_action actions[], struct rte_flow_error *err);
struct rte_flow *__wrap_rte_flow_create(uint16_t port, const struct rte_flow_attr *attr,
					const struct rte_flow_item pattern[],
					const struct rte_flow_action actions[],
					struct rte_flow_error *err);
int __wrap_rte_flow_destroy(uint16_t port, struct rte_flow *flow, struct rte_flow_error *err);
int __wrap_rte_eth_dev_stop(uint16_t port);

static int
refuse(struct rte_flow_error *err)
{
	return rte_flow_error_set(err, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, NULL,
				  "mock: this NIC takes no more rules");
}

int
__wrap_rte_flow_validate(uint16_t port, const struct rte_flow_attr *attr,
			 const struct rte_flow_item pattern[],
			 const struct rte_flow_action actions[], struct rte_flow_error *err)
{
	if (mock.mode == MOCK_REAL)
		return __real_rte_flow_validate(port, attr, pattern, actions, err);
	mock.validates++;
	if (mock.mode == MOCK_FAIL_VALIDATE && mock.validates == mock.fail_at)
		return refuse(err);
	return 0;
}

static void
decode_l3(struct seen_rule *r, const struct rte_flow_item *it)
{
	const struct mrfp_config *c = &dp->cfg;
	if (it->type == RTE_FLOW_ITEM_TYPE_IPV4) {
		const struct rte_flow_item_ipv4 *s = it->spec, *m = it->mask;
		r->family = AF_INET;
		r->addr_ok = s != NULL && m != NULL && s->hdr.dst_addr == c->media4.v4 &&
			     m->hdr.dst_addr == UINT32_MAX && m->hdr.src_addr == 0;
	} else if (it->type == RTE_FLOW_ITEM_TYPE_IPV6) {
		const struct rte_flow_item_ipv6 *s = it->spec, *m = it->mask;
		static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
		r->family = AF_INET6;
		r->addr_ok = s != NULL && m != NULL &&
			     memcmp(s->hdr.dst_addr, c->media6.v6, 16) == 0 &&
			     memcmp(m->hdr.dst_addr, ones, 16) == 0;
	}
}

/* ETH [/ VLAN] / IPV4|IPV6 / UDP / END and QUEUE / END, or family 0 for anything else. */
static struct seen_rule
decode(const struct rte_flow_attr *attr, const struct rte_flow_item *it,
       const struct rte_flow_action *act)
{
	struct seen_rule r = {0};
	if (!attr->ingress || attr->egress || (it++)->type != RTE_FLOW_ITEM_TYPE_ETH)
		return r;
	if (it->type == RTE_FLOW_ITEM_TYPE_VLAN) {
		const struct rte_flow_item_vlan *s = it->spec, *m = it->mask;
		if (s == NULL || m == NULL || rte_be_to_cpu_16(m->hdr.vlan_tci) != 0x0fff)
			return r;
		r.vlan = rte_be_to_cpu_16(s->hdr.vlan_tci);
		it++;
	}
	decode_l3(&r, it++);
	const struct rte_flow_item_udp *us = it->spec, *um = it->mask;
	if ((it++)->type != RTE_FLOW_ITEM_TYPE_UDP || us == NULL || um == NULL ||
	    it->type != RTE_FLOW_ITEM_TYPE_END || act[0].type != RTE_FLOW_ACTION_TYPE_QUEUE ||
	    act[1].type != RTE_FLOW_ACTION_TYPE_END || um->hdr.src_port != 0)
		return (struct seen_rule){0};
	r.value = rte_be_to_cpu_16(us->hdr.dst_port);
	r.mask = rte_be_to_cpu_16(um->hdr.dst_port);
	r.queue = ((const struct rte_flow_action_queue *)act[0].conf)->index;
	r.priority = attr->priority;
	return r;
}

struct rte_flow *
__wrap_rte_flow_create(uint16_t port, const struct rte_flow_attr *attr,
		       const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		       struct rte_flow_error *err)
{
	if (mock.mode == MOCK_REAL)
		return __real_rte_flow_create(port, attr, pattern, actions, err);
	mock.creates++;
	if ((mock.mode == MOCK_FAIL_CREATE && mock.creates == mock.fail_at) ||
	    mock.n == MAX_RULES) {
		refuse(err);
		return NULL;
	}
	mock.rule[mock.n] = decode(attr, pattern, actions);
	mock.rule[mock.n].alive = true;
	/* the handle is the rule's slot: destroy finds it again */
	return (struct rte_flow *)&mock.rule[mock.n++];
}

int
__wrap_rte_flow_destroy(uint16_t port, struct rte_flow *flow, struct rte_flow_error *err)
{
	if (mock.mode == MOCK_REAL)
		return __real_rte_flow_destroy(port, flow, err);
	struct seen_rule *r = (struct seen_rule *)flow;
	mock.destroys++;
	mock.last_destroy_seq = ++mock.seq;
	if (r < mock.rule || r >= mock.rule + mock.n || !r->alive)
		mock.destroy_unknown = true; /* a handle never created, or destroyed twice */
	else
		r->alive = false;
	return 0;
}

int
__wrap_rte_eth_dev_stop(uint16_t port)
{
	mock.stop_seq = ++mock.seq;
	return __real_rte_eth_dev_stop(port);
}

static void
mock_reset(enum mock_mode mode, unsigned int fail_at)
{
	memset(&mock, 0, sizeof(mock));
	mock.mode = mode;
	mock.fail_at = fail_at;
}

static unsigned int
alive_rules(void)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < mock.n; i++)
		n += mock.rule[i].alive;
	return n;
}

static int
port_create(void)
{
	for (unsigned int q = 0; q < NQ; q++) {
		char name[32];
		snprintf(name, sizeof(name), "steer_rx%u", q);
		rx[q] = rte_ring_create(name, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "steer_tx%u", q);
		tx[q] = rte_ring_create(name, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rx[q] == NULL || tx[q] == NULL)
			return -1;
	}
	pool = rte_pktmbuf_pool_create("steer_pool", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	return pool == NULL ? -1 : rte_eth_from_rings("steer_ring", rx, NQ, tx, NQ, 0);
}

/* Two workers on lcores 1 and 2 (both on CPU 1: the machine may have only two). */
static int
setup(void **state)
{
	(void)state;
	char arg[96];
	snprintf(prefix, sizeof(prefix), "steer_ring_%d", getpid());
	snprintf(arg, sizeof(arg), "--file-prefix=%s", prefix);
	char *argv[] = {"test",
			"--no-huge",
			"-m",
			"512",
			"--no-pci",
			arg,
			"--lcores=0@0,1@1,2@1",
			"--log-level=mrfp.*:info",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	int port = port_create();
	if (port < 0)
		return -1;
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 24;
	mrfp_addr_parse("fd00::1", &cfg.media6);
	cfg.media6_prefix = 64;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = NQ;
	cfg.mbufs_per_socket = 4095;
	cfg.srtp_engine = MRFP_ENGINE_LIBSRTP; /* no crypto here: spare the burst engine */
	mock_reset(MOCK_REAL, 0);
	dp = mrfp_dp_create(&cfg);
	return dp == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[160];
	mrfp_dp_destroy(dp);
	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	return system(cmd) == 0 ? 0 : -1;
}

/* net_ring has no flow API: the dataplane came up unsteered, with nothing to undo. */
static void
test_ring_refuses(void **state)
{
	(void)state;
	assert_false(dp->steered);
	assert_null(dp->steer);
	mock_reset(MOCK_REAL, 0);
	assert_int_equal(steer_install(dp), -ENOTSUP);
	assert_false(dp->steered);
	assert_null(dp->steer);
	steer_remove(dp); /* nothing installed: harmless */
	assert_null(dp->steer);
}

static struct rte_mbuf *
arp_request(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(
		m, sizeof(*eth) + sizeof(struct rte_arp_hdr));
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	static const struct rte_ether_addr peer = {{0x02, 0, 0, 0, 0, 0x02}};
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = peer;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	memset(arp, 0, sizeof(*arp));
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = peer;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(0x0a000002);
	arp->arp_data.arp_tip = dp->cfg.media4.v4;
	return m;
}

/* Both workers serve their own queue of the unsteered port: an ARP request on queue q is
 * answered by worker q on TX queue q. Waits (bounded) for the replies; asserts counts. */
static void
test_unsteered_dp_works(void **state)
{
	(void)state;
	assert_int_equal(mrfp_dp_start(dp), 0);
	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(rte_ring_enqueue(rx[q], arp_request()), 0);
	uint64_t end = rte_get_timer_cycles() + 10 * rte_get_timer_hz();
	while (rte_get_timer_cycles() < end &&
	       (rte_ring_count(tx[0]) < 1 || rte_ring_count(tx[1]) < 1))
		rte_delay_us_sleep(1000);
	for (unsigned int q = 0; q < NQ; q++) {
		struct mrfp_worker_counters c;
		struct rte_mbuf *m = NULL;
		assert_int_equal(mrfp_dp_worker_counters(dp, q, &c), 0);
		assert_int_equal(c.arp_replies, 1);
		assert_int_equal(rte_ring_dequeue(tx[q], (void **)&m), 0);
		rte_pktmbuf_free(m);
	}
}

/* Port by port: the rules of a family match it exactly once, to its block's worker, when it
 * is inside a block, and never outside. */
static void
check_rules_reproduce_blocks(int family, unsigned int want_family_rules)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < mock.n; i++) {
		assert_int_not_equal(mock.rule[i].family, 0); /* undecodable pattern */
		assert_true(mock.rule[i].addr_ok);
		n += mock.rule[i].family == family;
	}
	assert_int_equal(n, want_family_rules);
	for (uint32_t port = 0; port <= 0xffff; port++) {
		int queue = -1;
		unsigned int hits = 0;
		for (unsigned int i = 0; i < mock.n; i++) {
			const struct seen_rule *r = &mock.rule[i];
			if (r->family == family && (port & r->mask) == (r->value & r->mask)) {
				hits++;
				queue = r->queue;
			}
		}
		int want = -1;
		for (unsigned int w = 0; w < dp->n_workers; w++) {
			uint16_t lo, hi;
			steer_block(&dp->cfg, dp->n_workers, w, &lo, &hi);
			if (port >= lo && port <= hi)
				want = (int)dp->w[w]->queue;
		}
		assert_int_equal(hits, want < 0 ? 0 : 1);
		assert_int_equal(queue, want);
	}
}

/* How many rules one family needs: the pieces of every block. */
static unsigned int
pieces_per_family(void)
{
	unsigned int n = 0;
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		uint16_t lo, hi;
		steer_block(&dp->cfg, dp->n_workers, w, &lo, &hi);
		n += lo <= hi ? steer_masks(lo, hi, NULL, 0) : 0;
	}
	return n;
}

static void
test_rules_reproduce_blocks(void **state)
{
	(void)state;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	assert_true(dp->steered);
	assert_non_null(dp->steer);
	unsigned int per = pieces_per_family();
	assert_int_equal(mock.n, 2 * per);	     /* IPv4 and IPv6 */
	assert_true(mock.validates >= mock.creates); /* validated before created */
	for (unsigned int i = 0; i < mock.n; i++)
		assert_int_equal(mock.rule[i].vlan, 0);
	check_rules_reproduce_blocks(AF_INET, per);
	check_rules_reproduce_blocks(AF_INET6, per);
	steer_remove(dp);
	assert_false(dp->steered);
	assert_null(dp->steer);
	assert_int_equal(alive_rules(), 0);
	assert_int_equal(mock.destroys, mock.n);
	assert_false(mock.destroy_unknown);
}

/* Installing again replaces the rules: the first set is destroyed, not leaked. */
static void
test_reinstall_replaces(void **state)
{
	(void)state;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	unsigned int first = mock.n;
	assert_int_equal(steer_install(dp), 0);
	assert_true(dp->steered);
	assert_int_equal(mock.n, 2 * first);
	for (unsigned int i = 0; i < mock.n; i++)
		assert_int_equal(mock.rule[i].alive, i >= first);
	steer_remove(dp);
	assert_int_equal(alive_rules(), 0);
	assert_false(mock.destroy_unknown);
}

/* A port that refuses rule k (at validation or creation) keeps none of rules 1..k-1. */
static void
check_refusal(enum mock_mode mode, unsigned int k)
{
	mock_reset(mode, k);
	assert_int_equal(steer_install(dp), -EINVAL);
	assert_false(dp->steered);
	assert_null(dp->steer);
	assert_int_equal(alive_rules(), 0);
	assert_int_equal(mock.destroys, mock.n);
	assert_false(mock.destroy_unknown);
	assert_int_equal(mock.n, k - 1);
}

static void
test_refusal_unwinds(void **state)
{
	(void)state;
	unsigned int total = 2 * pieces_per_family();
	const unsigned int ks[] = {1, 2, total / 2, total / 2 + 1, total};
	for (size_t i = 0; i < RTE_DIM(ks); i++) {
		check_refusal(MOCK_FAIL_CREATE, ks[i]);
		check_refusal(MOCK_FAIL_VALIDATE, ks[i]);
	}
}

/* A tagged media network gets VLAN items; no IPv6 address, no IPv6 rules; one worker, no
 * rules at all. */
static void
test_vlan_v4_only_and_one_worker(void **state)
{
	(void)state;
	struct mrfp_config saved = dp->cfg;
	dp->cfg.vlan = 100;
	dp->cfg.media6.family = 0;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	unsigned int per = pieces_per_family();
	assert_int_equal(mock.n, per);
	for (unsigned int i = 0; i < mock.n; i++)
		assert_int_equal(mock.rule[i].vlan, 100);
	check_rules_reproduce_blocks(AF_INET, per);
	steer_remove(dp);
	assert_int_equal(alive_rules(), 0);
	dp->cfg = saved;

	unsigned int n = dp->n_workers;
	dp->n_workers = 1;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	assert_int_equal(mock.creates + mock.validates, 0);
	assert_false(dp->steered);
	dp->n_workers = n;
}

static unsigned int
alive_exact_rules_to(uint16_t port, uint16_t queue)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < mock.n; i++) {
		const struct seen_rule *r = &mock.rule[i];
		if (r->alive && r->mask == UINT16_MAX && r->value == port) {
			assert_int_equal(r->queue, queue);
			assert_int_equal(r->priority, 0); /* above the block rules */
			n++;
		}
	}
	return n;
}

/*
 * A conference moved to another worker keeps its ports (in the old owner's block): exact
 * rules for each leg's RTP and RTCP ports, both families, send them to the new owner's
 * queue ahead of the block rules. Moving back or removing the leg takes them away.
 */
static void
test_moved_legs_get_exact_rules(void **state)
{
	(void)state;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	for (unsigned int i = 0; i < mock.n; i++)
		assert_int_equal(mock.rule[i].priority, 1);
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct mrfp_srtp_key k = {.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, .len = 30};
	struct mrfp_leg_params p = {.mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_ON};
	uint16_t port[2];
	assert_int_equal(mrfp_dp_conf_add(dp, 7, &cp), 0);
	for (uint32_t l = 0; l < 2; l++) {
		p.local_port = 0;
		assert_int_equal(mrfp_dp_leg_add(dp, 7, 70 + l, &p, &k, &k), 0);
		assert_int_equal(mrfp_dp_leg_params(dp, 70 + l, &p), 0);
		port[l] = p.local_port;
	}
	unsigned int home = (unsigned int)mrfp_dp_conf_worker(dp, 7), other = 1 - home;
	unsigned int before = mock.n;
	assert_int_equal(mrfp_dp_conf_move(dp, 7, other), 0);
	assert_int_equal(mock.n - before, 2 * 2 * 2); /* 2 legs x RTP, RTCP x IPv4, IPv6 */
	for (unsigned int l = 0; l < 2; l++) {
		assert_int_equal(alive_exact_rules_to(port[l], dp->w[other]->queue), 2);
		assert_int_equal(alive_exact_rules_to(port[l] + 1, dp->w[other]->queue), 2);
	}
	assert_int_equal(mrfp_dp_leg_remove(dp, 70, NULL), 0);
	assert_int_equal(alive_exact_rules_to(port[0], dp->w[other]->queue), 0);
	assert_int_equal(alive_exact_rules_to(port[0] + 1, dp->w[other]->queue), 0);
	before = mock.n;
	assert_int_equal(mrfp_dp_conf_move(dp, 7, home), 0); /* home again: the blocks do */
	assert_int_equal(mock.n, before);
	assert_int_equal(alive_exact_rules_to(port[1], 0), 0);
	assert_int_equal(alive_exact_rules_to(port[1] + 1, 0), 0);
	/* a port that refuses them: no half set, the dataplane carries on with handoff */
	mock.mode = MOCK_FAIL_CREATE;
	mock.fail_at = mock.creates + 2;
	assert_int_equal(mrfp_dp_conf_move(dp, 7, other), 0);
	assert_int_equal(alive_exact_rules_to(port[1], dp->w[other]->queue), 0);
	assert_int_equal(mrfp_dp_conf_worker(dp, 7), (int)other);
	mock.mode = MOCK_ACCEPT;
	assert_int_equal(mrfp_dp_conf_remove(dp, 7), 0);
	assert_int_equal(mrfp_dp_sync(dp, 2000), 0);
	steer_remove(dp);
	assert_int_equal(alive_rules(), 0);
	assert_false(mock.destroy_unknown);
}

/* Rules belong to the port: destroying the dataplane removes them before the port stops. */
static void
test_destroy_removes_rules_first(void **state)
{
	(void)state;
	mock_reset(MOCK_ACCEPT, 0);
	assert_int_equal(steer_install(dp), 0);
	assert_true(mock.n > 0);
	mrfp_dp_destroy(dp);
	dp = NULL;
	assert_int_equal(alive_rules(), 0);
	assert_false(mock.destroy_unknown);
	assert_true(mock.stop_seq > mock.last_destroy_seq);
	mock_reset(MOCK_REAL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_refuses),
		cmocka_unit_test(test_unsteered_dp_works),
		cmocka_unit_test(test_rules_reproduce_blocks),
		cmocka_unit_test(test_reinstall_replaces),
		cmocka_unit_test(test_refusal_unwinds),
		cmocka_unit_test(test_moved_legs_get_exact_rules),
		cmocka_unit_test(test_vlan_v4_only_and_one_worker),
		cmocka_unit_test(test_destroy_removes_rules_first),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
