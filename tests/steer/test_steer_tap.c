/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering on a real port: the DPDK TAP PMD (two queues, two workers) in a network
 * namespace of its own (unshare: it vanishes with the process, nothing to clean up by
 * name). The kernel side of the TAP sends UDP to ports of each worker's block; per-worker
 * counters say which queue every datagram reached.
 *
 * Steered: every datagram must reach the queue of its port's block, or the test fails.
 * Not steered: the test checks the fallback - no tc filter left behind, every datagram
 * received by some worker (the kernel spreads flows over the TAP's queues) - and exits 77
 * (skip), since steering itself was not verified. With DPDK 22.11 that is always the case
 * on TAP: its rte_flow rules are tc flower filters on a multiq qdisc with skbedit actions,
 * which a kernel without sch_multiq/cls_flower/act_skbedit cannot take ("failed to create
 * multiq qdisc ... Disabling rte flow support"), and even where it can, the PMD refuses
 * any UDP port mask but 0 or 0xffff when it creates a rule (rte_flow_validate does not
 * check it): the block pieces are masked, so steer_install unwinds at the first rule.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "dp_priv.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"
#include "steer.h"

#define IFACE "mrfptap0"
#define MEDIA "10.77.0.1"
#define PEER "10.77.0.2"
#define PER_PORT 32 /* datagrams to each port tried */
#define SOURCES 4   /* source ports, so a hash (kernel queue choice) sees several flows */
#define SKIP 77

static struct mrfp_dp *dp;
static char prefix[64];

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static int
run(const char *cmd)
{
	fprintf(stderr, "+ %s\n", cmd);
	return system(cmd);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0, "%s: %s", path, strerror(errno));
}

/* A namespace of our own, without IPv6 (no ND/MLD chatter to count as traffic). */
static void
netns_enter(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "SKIP: unshare(CLONE_NEWNET): %s (needs CAP_SYS_ADMIN)\n",
			strerror(errno));
		exit(SKIP);
	}
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
}

/* Also on a failed CHECK: the runtime directory is the one thing left outside the netns. */
static void
remove_runtime_dir(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove /var/run/dpdk/%s\n", prefix);
}

static uint16_t
eal_up(void)
{
	char arg[96];
	uint16_t port;
	snprintf(prefix, sizeof(prefix), "steer_tap_%d", getpid());
	snprintf(arg, sizeof(arg), "--file-prefix=%s", prefix);
	atexit(remove_runtime_dir);
	char *argv[] = {"test",
			"--no-huge",
			"-m",
			"512",
			"--no-pci",
			arg,
			"--lcores=0@0,1@1,2@1",
			"--vdev=net_tap0,iface=" IFACE,
			"--log-level=mrfp.*:info",
			NULL};
	CHECK(rte_eal_init(RTE_DIM(argv) - 1, argv) >= 0, "EAL: %s", rte_strerror(rte_errno));
	CHECK(rte_eth_dev_get_port_by_name("net_tap0", &port) == 0, "no net_tap0 port");
	return port;
}

static void
dp_up(uint16_t port)
{
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse(MEDIA, &cfg.media4);
	cfg.media4_prefix = 24;
	cfg.eth_port = port;
	cfg.workers = 2;
	cfg.mbufs_per_socket = 4095;
	cfg.srtp_engine = MRFP_ENGINE_LIBSRTP;
	dp = mrfp_dp_create(&cfg);
	CHECK(dp != NULL, "mrfp_dp_create: %s", rte_strerror(rte_errno));
	CHECK(mrfp_dp_start(dp) == 0, "mrfp_dp_start");
}

/* The kernel side: our peer address on the TAP, mrfpd's MAC as a permanent neighbour. */
static void
kernel_side_up(uint16_t port)
{
	struct rte_ether_addr mac;
	char cmd[256];
	CHECK(rte_eth_macaddr_get(port, &mac) == 0, "MAC of the TAP port");
	CHECK(run("ip link set lo up") == 0, "lo up");
	CHECK(run("ip addr add " PEER "/24 dev " IFACE) == 0, "address");
	CHECK(run("ip link set " IFACE " up") == 0, "link up");
	snprintf(cmd, sizeof(cmd),
		 "ip neigh replace " MEDIA " lladdr " RTE_ETHER_ADDR_PRT_FMT " dev " IFACE
		 " nud permanent",
		 RTE_ETHER_ADDR_BYTES(&mac));
	CHECK(run(cmd) == 0, "neighbour");
}

/* Datagrams that reached each worker's queue and were dropped there for want of a leg. */
static void
unknown_port_drops(uint64_t out[2])
{
	for (unsigned int w = 0; w < 2; w++) {
		struct mrfp_worker_counters c;
		CHECK(mrfp_dp_worker_counters(dp, w, &c) == 0, "counters of worker %u", w);
		out[w] = c.drops[MRFP_DROP_UNKNOWN_PORT];
	}
}

static void
send_to(uint16_t dport)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(dport)};
	inet_pton(AF_INET, MEDIA, &dst.sin_addr);
	for (unsigned int s = 0; s < SOURCES; s++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = htons(20000 + s)};
		inet_pton(AF_INET, PEER, &src.sin_addr);
		CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0, "bind: %s",
		      strerror(errno));
		for (unsigned int i = 0; i < PER_PORT / SOURCES; i++)
			CHECK(sendto(fd, "steer", 5, 0, (struct sockaddr *)&dst, sizeof(dst)) == 5,
			      "sendto: %s", strerror(errno));
		close(fd);
	}
}

/* Send to dport and wait (bounded) until every datagram is counted; per-worker deltas. */
static void
deliver(uint16_t dport, uint64_t delta[2])
{
	uint64_t before[2], now[2];
	unknown_port_drops(before);
	send_to(dport);
	uint64_t end = rte_get_timer_cycles() + 10 * rte_get_timer_hz();
	do {
		rte_delay_us_sleep(2000);
		unknown_port_drops(now);
	} while (now[0] + now[1] - before[0] - before[1] < PER_PORT &&
		 rte_get_timer_cycles() < end);
	delta[0] = now[0] - before[0];
	delta[1] = now[1] - before[1];
	fprintf(stderr, "port %u: worker 0 got %" PRIu64 ", worker 1 got %" PRIu64 "\n", dport,
		delta[0], delta[1]);
	CHECK(delta[0] + delta[1] == PER_PORT, "%u datagrams sent to port %u, %" PRIu64 " seen",
	      PER_PORT, dport, delta[0] + delta[1]);
}

/* Ports tried in each block: its first RTP port, one in the middle, its last RTCP port. */
static void
ports_of_block(unsigned int w, uint16_t out[3])
{
	uint16_t lo, hi;
	steer_block(&dp->cfg, dp->n_workers, w, &lo, &hi);
	CHECK(lo < hi, "worker %u has an empty block", w);
	out[0] = lo;
	out[1] = (uint16_t)(lo + ((hi - lo) / 4) * 2);
	out[2] = hi;
}

static void
check_every_block(bool steered)
{
	for (unsigned int w = 0; w < 2; w++) {
		uint16_t ports[3];
		ports_of_block(w, ports);
		for (unsigned int k = 0; k < 3; k++) {
			uint64_t delta[2];
			deliver(ports[k], delta);
			if (steered)
				CHECK(delta[w] == PER_PORT,
				      "rules installed, but port %u (worker %u's block) reached "
				      "worker %u %" PRIu64 " times",
				      ports[k], w, 1 - w, delta[1 - w]);
		}
	}
}

/* Not steered: nothing of a failed install may stay in the kernel either. */
static void
check_no_filter_left(void)
{
	CHECK(run("tc filter show dev " IFACE " ingress | grep -q . && exit 1; "
		  "tc filter show dev " IFACE " | grep -q . && exit 1; exit 0") == 0,
	      "tc filters left on " IFACE " after a failed install");
}

int
main(void)
{
	netns_enter();
	uint16_t port = eal_up();
	dp_up(port);
	kernel_side_up(port);
	bool steered = dp->steered;
	fprintf(stderr, "steering %s\n", steered ? "installed" : "not installed");
	if (!steered) {
		CHECK(dp->steer == NULL, "no rules recorded");
		check_no_filter_left();
	}
	check_every_block(steered);
	mrfp_dp_destroy(dp);
	rte_eal_cleanup();
	if (!steered) {
		fprintf(stderr,
			"SKIP: the TAP port took no rte_flow rules (DP log above; see the "
			"head of this file for why): fallback checked, steering not verified\n");
		return SKIP;
	}
	fprintf(stderr, "PASS: every datagram reached its block's worker\n");
	return 0;
}
