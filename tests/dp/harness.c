/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>

#include "harness.h"
#include "mrfp_srtp.h"

struct rte_ring *h_rx, *h_tx;
struct rte_mempool *h_mp;
static char prefix[64];

int
harness_init(const char *name)
{
	char arg[96];
	snprintf(prefix, sizeof(prefix), "%s_%d", name, getpid());
	snprintf(arg, sizeof(arg), "--file-prefix=%s", prefix);
	char *argv[] = {"test", "--no-huge", "-m", "512", "--no-pci", arg, "-l", "0-1",
			"--log-level=mrfp.*:warning", NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	h_rx = rte_ring_create("h_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	h_tx = rte_ring_create("h_tx", 8192, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	h_mp = rte_pktmbuf_pool_create("h_pool", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	int port = rte_eth_from_rings("h_port", &h_rx, 1, &h_tx, 1, 0);
	if (h_rx == NULL || h_tx == NULL || h_mp == NULL || port < 0 || mrfp_srtp_init() < 0)
		return -1;
	return port;
}

void
harness_config(struct mrfp_config *cfg, int port)
{
	mrfp_config_defaults(cfg);
	mrfp_addr_parse("10.0.0.1", &cfg->media4);
	cfg->media4_prefix = 24;
	mrfp_addr_parse("fd00::1", &cfg->media6);
	cfg->media6_prefix = 64;
	cfg->eth_port = (uint16_t)port;
	cfg->workers = 1;
	cfg->mbufs_per_socket = 8191;
	cfg->rtcp_interval_ms = 600000; /* exact frame counts: no reports unless a test asks */
	cfg->leg_inactivity_ms = 0;     /* nor inactivity events */
	const char *e = getenv("MRFP_TEST_ENGINE");
	cfg->srtp_engine = e != NULL && strcmp(e, "libsrtp") == 0 ? MRFP_ENGINE_LIBSRTP
								  : MRFP_ENGINE_CRYPTODEV;
}

/* The dataplane on the engine the test asked for (MRFP_TEST_ENGINE), or NULL. */
struct mrfp_dp *
harness_dp_create(const struct mrfp_config *cfg)
{
	struct mrfp_dp *dp = mrfp_dp_create(cfg);
	enum mrfp_srtp_engine want = cfg->srtp_engine == MRFP_ENGINE_LIBSRTP
					     ? MRFP_SRTP_ENGINE_LIBSRTP
					     : MRFP_SRTP_ENGINE_CRYPTODEV;
	if (dp != NULL && mrfp_srtp_get_engine() != want) {
		fprintf(stderr, "harness: wanted SRTP engine %s, got %s\n",
			mrfp_srtp_engine_name(want), mrfp_srtp_engine_name(mrfp_srtp_get_engine()));
		mrfp_dp_destroy(dp);
		return NULL;
	}
	fprintf(stderr, "harness: SRTP engine %s\n", mrfp_srtp_engine_name(want));
	return dp;
}

int
harness_fini(void)
{
	char cmd[160];
	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	return system(cmd) == 0 ? 0 : -1;
}

int
harness_deliver(struct rte_mbuf *m)
{
	return m != NULL && rte_ring_enqueue(h_rx, m) == 0 ? 0 : -1;
}

unsigned int
harness_collect(struct rte_mbuf **out, unsigned int max, unsigned int want, unsigned int wait_ms)
{
	unsigned int n = 0;
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * wait_ms / 1000;
	while (n < want && rte_get_timer_cycles() < end)
		n += rte_ring_dequeue_burst(h_tx, (void **)out + n, max - n, NULL);
	rte_delay_us_sleep(20000);
	n += rte_ring_dequeue_burst(h_tx, (void **)out + n, max - n, NULL);
	return n;
}
