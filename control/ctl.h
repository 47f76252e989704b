/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_H
#define MRFP_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "mrfp_dp.h"

/*
 * Lab provisioning over stdin, until Mp exists: one command per line, one reply per line
 * ("ok ..." or "error: ..."). Lines carry keys: they are wiped after use and never echoed.
 * Returns 1 while the feed is open, 0 after "quit" or end of input.
 */
int lab_feed_poll(struct mrfp_dp *dp, FILE *out, int timeout_ms);
/* Execute one lab line (exposed for tests). Writes the reply to out. 1 = continue, 0 = quit. */
int lab_feed_line(struct mrfp_dp *dp, char *line, FILE *out);

/* Counters of every worker and leg, one line each, non-zero drops by name. */
void report_counters(struct mrfp_dp *dp, FILE *out);

/* /mrfp/... telemetry commands reading dp's counters. Call once after mrfp_dp_create. */
int telemetry_init(struct mrfp_dp *dp);

#endif
