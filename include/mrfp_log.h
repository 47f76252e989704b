/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_LOG_H
#define MRFP_LOG_H

#include <rte_log.h>

/*
 * Logging: one rte_log type per module (mrfp.dp, mrfp.dp.srtp, mrfp.ctl, mrfp.ctl.mp,
 * mrfp.ctl.ipsec; levels at run time with --log-level=mrfp.*:debug), and one macro per
 * module made from this one, e.g.
 *   #define MP_LOG(level, fmt, ...) MRFP_LOG(mrfp_logtype_mp, "MP", level, fmt, ##__VA_ARGS__)
 * Control thread and start-up only: never on the packet path (scripts/lint-dataplane.sh). Keys are
 * never logged: a key id or fingerprint at most.
 */
#define MRFP_LOG(type, tag, level, fmt, ...)                                                       \
	rte_log(RTE_LOG_##level, type, tag ": " fmt "\n", ##__VA_ARGS__)

#endif
