/* SPDX-License-Identifier: BSD-3-Clause */
/* Port, queue and mbuf pool set-up: one RX/TX queue pair and the local pool per worker. */
#include <errno.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_log.h"
#include "dp_priv.h"
#include "steer.h"

#define RX_DESC 1024
#define TX_DESC 1024
#define POOL_CACHE 256

static unsigned int
socket_of_lcore(unsigned int lcore)
{
	int s = (int)rte_lcore_to_socket_id(lcore);
	return s < 0 ? 0 : (unsigned int)s;
}

/* Steering is the port's business; nodes and workers are stated by dp.c's placement log. */
static void
log_steering(const struct mrfp_dp *dp)
{
	if (dp->n_workers > 1)
		DP_LOG(INFO, "flow steering %s",
		       dp->steered ? "on: rte_flow rules per worker block"
				   : "off: RSS and handoff rings");
}

/* One pool per NUMA socket that runs a worker, so that mbufs stay local to their worker. */
int
port_pools_create(struct mrfp_dp *dp)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		unsigned int s = socket_of_lcore(dp->w[i]->lcore);
		if (dp->pools[s] == NULL) {
			char name[RTE_MEMPOOL_NAMESIZE];
			snprintf(name, sizeof(name), "mrfp_mbuf_s%u", s);
			dp->pools[s] =
				rte_pktmbuf_pool_create(name, dp->cfg.mbufs_per_socket, POOL_CACHE,
							0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)s);
			if (dp->pools[s] == NULL) {
				DP_LOG(ERR, "mbuf pool on socket %u: %s", s,
				       rte_strerror(rte_errno));
				return -rte_errno;
			}
		}
		dp->w[i]->pool = dp->pools[s];
	}
	return 0;
}

static int
queues_setup(struct mrfp_dp *dp)
{
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	int rc = rte_eth_dev_adjust_nb_rx_tx_desc(dp->port, &nb_rxd, &nb_txd);
	if (rc < 0)
		return rc;
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = dp->w[i];
		unsigned int s = socket_of_lcore(w->lcore);
		rc = rte_eth_rx_queue_setup(dp->port, w->queue, nb_rxd, s, NULL, w->pool);
		if (rc < 0)
			return rc;
		rc = rte_eth_tx_queue_setup(dp->port, w->queue, nb_txd, s, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Several workers: spread packets over their queues by IP/UDP hash, whatever flow rules do
 * afterwards, so that a port without rte_flow still shares the load (misdelivered packets
 * then go to their owner through the handoff rings). Only hash types the device offers.
 */
static void
conf_rss(const struct mrfp_dp *dp, const struct rte_eth_dev_info *info, struct rte_eth_conf *conf)
{
	if (dp->n_workers <= 1)
		return;
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info->flow_type_rss_offloads;
	if (hf == 0) {
		DP_LOG(INFO, "port %u offers no IP/UDP RSS", dp->port);
		return;
	}
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
}

int
port_start(struct mrfp_dp *dp)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t nq = (uint16_t)dp->n_workers;
	dp->port = dp->cfg.eth_port;
	if (!rte_eth_dev_is_valid_port(dp->port)) {
		DP_LOG(ERR, "no DPDK port %u (add --vdev or a PCI device to the EAL arguments)",
		       dp->port);
		return -ENODEV;
	}
	int rc = rte_eth_dev_info_get(dp->port, &info);
	if (rc == 0 && (info.max_rx_queues < nq || info.max_tx_queues < nq)) {
		DP_LOG(ERR, "port %u has %u RX/%u TX queues, %u workers need one each", dp->port,
		       info.max_rx_queues, info.max_tx_queues, nq);
		return -EINVAL;
	}
	if (rc == 0) {
		conf_rss(dp, &info, &conf);
		rc = rte_eth_dev_configure(dp->port, nq, nq, &conf);
	}
	if (rc == 0)
		rc = queues_setup(dp);
	if (rc == 0)
		rc = rte_eth_macaddr_get(dp->port, &dp->mac);
	if (rc == 0)
		rc = rte_eth_dev_start(dp->port);
	if (rc < 0) {
		DP_LOG(ERR, "port %u set-up failed: %s", dp->port, rte_strerror(-rc));
		return rc;
	}
	dp->port_started = true;
	/* Receive what is addressed to the media MAC and broadcasts; promiscuous is a bonus. */
	(void)rte_eth_promiscuous_enable(dp->port);
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		dp->w[i]->port = dp->port;
		dp->w[i]->mac = dp->mac;
	}
	/* Not fatal: without rules RSS and the handoff rings still deliver every packet. */
	(void)steer_install(dp);
	log_steering(dp);
	return 0;
}

void
port_stop(struct mrfp_dp *dp)
{
	if (!dp->port_started)
		return;
	steer_remove(dp); /* rules belong to the port: gone before it is closed */
	rte_eth_dev_stop(dp->port);
	rte_eth_dev_close(dp->port);
	dp->port_started = false;
}
