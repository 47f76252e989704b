/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL and a net_ring port for dataplane tests: the test feeds RX and reads TX. */
#ifndef MRFP_TEST_HARNESS_H
#define MRFP_TEST_HARNESS_H

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mrfp_config.h"
#include "mrfp_dp.h"

#define HARNESS_MAX_QUEUES 4

extern struct rte_ring *h_rx, *h_tx; /* queue 0 */
extern struct rte_ring *h_rxq[HARNESS_MAX_QUEUES], *h_txq[HARNESS_MAX_QUEUES];
extern unsigned int h_nq;
extern struct rte_mempool *h_mp;

/* EAL (--no-huge, unique file prefix from name), rings, pool and the ring port. Port id or -1. */
int harness_init(const char *name);
/* The same with nq RX/TX queue pairs (one per worker) and EAL --lcores=lcores. */
int harness_init_queues(const char *name, unsigned int nq, const char *lcores);
/* Defaults plus media 10.0.0.1/24 and fd00::1/64 on the ring port, one worker. */
void harness_config(struct mrfp_config *cfg, int port);
/* EAL cleanup and removal of the runtime directory. 0 or -1. */
int harness_fini(void);
struct mrfp_dp *harness_dp_create(const struct mrfp_config *cfg);
/* Queue a frame for the worker's RX. 0 or -1 (NULL frame, ring full). */
int harness_deliver(struct rte_mbuf *m);
/* Queue a frame on RX queue q, as RSS or a flow rule would. 0 or -1. */
int harness_deliver_q(unsigned int q, struct rte_mbuf *m);
/* Frames the workers sent (every TX queue): wait up to wait_ms for want of them, then 20 ms for
 * extras. */
unsigned int harness_collect(struct rte_mbuf **out, unsigned int max, unsigned int want,
			     unsigned int wait_ms);

#endif
