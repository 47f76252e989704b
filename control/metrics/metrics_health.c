/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Liveness and readiness. A worker publishes no heartbeat of its own: its busy and idle cycle
 * counters together grow on every loop iteration, so a sum that stands still for a second is
 * a worker that stopped going round. The control loop is the one serving the request, so what
 * it checks of itself is the pause before this iteration (a command that waited on a worker,
 * a slow VICI answer).
 */
#include <time.h>

#include "metrics_priv.h"
#include "mrfp_workers.h"

uint64_t
metrics_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
metrics_live_sample(struct mrfp_metrics *m, uint64_t now_ms)
{
	struct metrics_live *l = &m->live;
	struct mrfp_worker_counters c;
	l->prev_loop_ms = l->loop_ms != 0 ? l->loop_ms : now_ms;
	l->loop_ms = now_ms;
	for (unsigned int w = 0; w < mrfp_dp_worker_count(m->dp); w++) {
		if (mrfp_dp_worker_counters(m->dp, w, &c) < 0)
			continue;
		uint64_t beat = c.busy_cycles + c.idle_cycles;
		if (beat != l->beat[w] || l->beat_ms[w] == 0) {
			l->beat[w] = beat;
			l->beat_ms[w] = now_ms;
		}
	}
}

int
metrics_health(const struct mrfp_metrics *m, uint64_t now_ms, char *why, size_t size)
{
	const struct metrics_live *l = &m->live;
	unsigned int n = mrfp_dp_worker_count(m->dp);
	if (l->loop_ms - l->prev_loop_ms > METRICS_STALL_MS) {
		snprintf(why, size, "control loop paused %llu ms",
			 (unsigned long long)(l->loop_ms - l->prev_loop_ms));
		return -1;
	}
	for (unsigned int w = 0; w < n; w++)
		if (now_ms - l->beat_ms[w] > METRICS_STALL_MS) {
			snprintf(why, size, "worker %u stalled for %llu ms", w,
				 (unsigned long long)(now_ms - l->beat_ms[w]));
			return -1;
		}
	snprintf(why, size, "alive: control loop and %u worker(s) running", n);
	return 0;
}

static bool
every_worker_draining(struct mrfp_dp *dp)
{
	struct mrfp_worker_info wi;
	for (unsigned int w = 0; w < mrfp_dp_worker_count(dp); w++)
		if (mrfp_dp_worker_info(dp, w, &wi) == 0 && !wi.draining)
			return false;
	return true;
}

static int
mp_not_ready(struct mrfp_mp *mp, char *why, size_t size)
{
	struct mp_stats s;
	struct mp_sec_status sec;
	mp_stats(mp, &s);
	mp_sec_status(&sec);
	if (s.draining)
		snprintf(why, size, "draining: no new legs");
	else if (sec.state == MRFP_MP_SUSPENDED)
		snprintf(why, size, "Mp suspended: IPsec does not protect it");
	else if (sec.state != MRFP_MP_PROTECTED && sec.state != MRFP_MP_INSECURE_LAB)
		snprintf(why, size, "Mp not protected");
	else if (!s.registered)
		snprintf(why, size, "not registered with the MGC");
	else
		return 0;
	return -1;
}

int
metrics_ready(const struct mrfp_metrics *m, char *why, size_t size)
{
	if (mrfp_dp_stopping(m->dp)) {
		snprintf(why, size, "stopping");
		return -1;
	}
	if (m->mp != NULL && mp_not_ready(m->mp, why, size) < 0)
		return -1;
	if (every_worker_draining(m->dp)) {
		snprintf(why, size, "every worker draining");
		return -1;
	}
	snprintf(why, size,
		 m->mp != NULL ? "ready: registered with the MGC, Mp %s" : "ready (no Mp)",
		 m->cfg->insecure_lab ? "insecure-lab" : "protected");
	return 0;
}
