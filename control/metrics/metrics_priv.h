/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside control/metrics: the server's state, the exposition writer, the collector and the
 * health checks. Control thread only.
 */
#ifndef MRFP_CTL_METRICS_PRIV_H
#define MRFP_CTL_METRICS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

#define METRICS_EVENT_TYPES 5 /* enum mrfp_event_type, 1-based */
#define METRICS_STALL_MS 1000 /* liveness: longest pause of the control loop or a worker */

/* What liveness compares: when each loop last showed progress. */
struct metrics_live {
	uint64_t loop_ms, prev_loop_ms;	    /* the control loop's last two iterations */
	uint64_t beat[MRFP_MAX_WORKERS];    /* busy + idle cycles: grows while the worker loops */
	uint64_t beat_ms[MRFP_MAX_WORKERS]; /* when beat last changed */
};

struct mrfp_metrics {
	struct MHD_Daemon *httpd;
	struct mrfp_dp *dp;
	struct mrfp_mp *mp; /* NULL: no Mp */
	const struct mrfp_config *cfg;
	uint64_t start_s; /* wall clock at start, for mrfp_start_time_seconds */
	uint64_t loops;	  /* control loop iterations */
	uint64_t events[METRICS_EVENT_TYPES];
	struct metrics_live live;
};

/* Monotonic milliseconds. */
uint64_t metrics_now_ms(void);

/*
 * The exposition writer: one family at a time, its samples right after. Text format 0.0.4
 * names a counter family by its sample name (..._total); OpenMetrics names the family
 * without the suffix and ends with "# EOF".
 */
struct mtext {
	FILE *f;
	bool om;	    /* OpenMetrics */
	const char *family; /* base name, without _total */
	bool counter;
};
void mtext_family(struct mtext *t, const char *name, bool counter, const char *help);
/* labels: "" or name="value",... (values escaped with mtext_escape where not ours). */
void mtext_sample(struct mtext *t, const char *labels, uint64_t v);
void mtext_end(struct mtext *t);
/* A label value with \, " and newline escaped, cut to fit size. Returns dst. */
char *mtext_escape(char *dst, size_t size, const char *src);

/* Every metric of the process into t. */
void metrics_collect(struct mrfp_metrics *m, struct mtext *t);

/* Health: the liveness samples of this iteration; then the verdicts, 0 (healthy, ready) or
 * -1, with a one-line reason in why either way. */
void metrics_live_sample(struct mrfp_metrics *m, uint64_t now_ms);
int metrics_health(const struct mrfp_metrics *m, uint64_t now_ms, char *why, size_t size);
int metrics_ready(const struct mrfp_metrics *m, char *why, size_t size);

#endif
