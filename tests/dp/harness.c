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
struct rte_ring *h_rxq[HARNESS_MAX_QUEUES], *h_txq[HARNESS_MAX_QUEUES];
unsigned int h_nq;
struct rte_mempool *h_mp;
static char prefix[64];

int
harness_init_queues(const char *name, unsigned int nq, const char *lcores)
{
	char arg[96], lc[64], rname[RTE_RING_NAMESIZE];
	snprintf(prefix, sizeof(prefix), "%s_%d", name, getpid());
	snprintf(arg, sizeof(arg), "--file-prefix=%s", prefix);
	snprintf(lc, sizeof(lc), "--lcores=%s", lcores);
	char *argv[] = {"test",	    "--no-huge", "-m", "512",
			"--no-pci", arg,	 lc,   "--log-level=mrfp.*:warning",
			NULL};
	if (nq == 0 || nq > HARNESS_MAX_QUEUES || rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	for (unsigned int q = 0; q < nq; q++) {
		/* RX rings are filled by one test thread each (single producer) */
		snprintf(rname, sizeof(rname), "h_rx%u", q);
		h_rxq[q] = rte_ring_create(rname, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(rname, sizeof(rname), "h_tx%u", q);
		h_txq[q] = rte_ring_create(rname, 8192, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (h_rxq[q] == NULL || h_txq[q] == NULL)
			return -1;
	}
	h_nq = nq;
	h_rx = h_rxq[0];
	h_tx = h_txq[0];
	h_mp = rte_pktmbuf_pool_create("h_pool", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	int port = rte_eth_from_rings("h_port", h_rxq, nq, h_txq, nq, 0);
	if (h_mp == NULL || port < 0 || mrfp_srtp_init() < 0)
		return -1;
	return port;
}

int
harness_init(const char *name)
{
	return harness_init_queues(name, 1, "0-1");
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
	cfg->leg_inactivity_ms = 0;	/* nor inactivity events */
	const char *e = getenv("MRFP_TEST_ENGINE");
	cfg->srtp_engine =
		e != NULL && strcmp(e, "libsrtp") == 0 ? MRFP_ENGINE_LIBSRTP : MRFP_ENGINE_BURST;
}

/* The dataplane on the engine the test asked for (MRFP_TEST_ENGINE), or NULL. */
struct mrfp_dp *
harness_dp_create(const struct mrfp_config *cfg)
{
	struct mrfp_dp *dp = mrfp_dp_create(cfg);
	enum mrfp_srtp_engine want = cfg->srtp_engine == MRFP_ENGINE_LIBSRTP
					     ? MRFP_SRTP_ENGINE_LIBSRTP
					     : MRFP_SRTP_ENGINE_BURST;
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
	mrfp_srtp_burst_fini(); /* its managers live in EAL memory */
	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	return system(cmd) == 0 ? 0 : -1;
}

int
harness_deliver(struct rte_mbuf *m)
{
	return m != NULL && rte_ring_enqueue(h_rx, m) == 0 ? 0 : -1;
}

int
harness_deliver_q(unsigned int q, struct rte_mbuf *m)
{
	return m != NULL && q < h_nq && rte_ring_enqueue(h_rxq[q], m) == 0 ? 0 : -1;
}

static unsigned int
take_all(struct rte_mbuf **out, unsigned int max)
{
	unsigned int n = 0;
	for (unsigned int q = 0; q < h_nq && n < max; q++)
		n += rte_ring_dequeue_burst(h_txq[q], (void **)out + n, max - n, NULL);
	return n;
}

unsigned int
harness_collect(struct rte_mbuf **out, unsigned int max, unsigned int want, unsigned int wait_ms)
{
	unsigned int n = 0;
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * wait_ms / 1000;
	while (n < want && rte_get_timer_cycles() < end)
		n += take_all(out + n, max - n);
	rte_delay_us_sleep(20000);
	n += take_all(out + n, max - n);
	return n;
}
