/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Metrics and health over HTTP (--metrics-listen ADDR:PORT), served by the control thread:
 *   GET /metrics   Prometheus text format 0.0.4, or OpenMetrics 1.0 when the scraper asks
 *                  for it (Accept): per worker, per drop reason, conferences and legs by
 *                  media and key mode, SRTP failures, Mp and its IPsec guard. Per-leg figures
 *                  stay in DPDK telemetry (/mrfp/leg,ID): a series per leg would not scale.
 *   GET /health    liveness: 200 while the control loop and every worker went round within
 *                  the last second, else 503; one line saying which did not.
 *   GET /ready     readiness: 200 when registered with the MGC, Mp protected (or insecure
 *                  lab), not draining and not stopping, else 503 with the first reason.
 * libmicrohttpd in its external-polling mode, without a thread of its own: metrics_poll runs
 * it from the control loop and never blocks. Control thread only, every function; each takes
 * a NULL m (metrics off) and does nothing.
 */
#ifndef MRFP_CTL_METRICS_H
#define MRFP_CTL_METRICS_H

#include "mp.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"

struct mrfp_metrics;

/* Listen on cfg->metrics_listen. mp may be NULL (no --mgc). NULL with errno set. */
struct mrfp_metrics *metrics_create(struct mrfp_dp *dp, struct mrfp_mp *mp,
				    const struct mrfp_config *cfg);
/* Once per control loop iteration: liveness samples, then every HTTP request that is ready. */
void metrics_poll(struct mrfp_metrics *m);
/* Count a worker event (by type) as control handles it. */
void metrics_event(struct mrfp_metrics *m, const struct mrfp_event *ev);
/* Close the listener and every connection; before mp_free (m reads Mp). */
void metrics_free(struct mrfp_metrics *m);

#endif
