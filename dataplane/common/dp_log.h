/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_LOG_H
#define MRFP_DP_LOG_H

#include <rte_log.h>

/* Log types of the dataplane library (never used on the packet path). */
extern int mrfp_logtype_dp;
extern int mrfp_logtype_srtp;

#define DP_LOG(level, fmt, ...)                                                                \
	rte_log(RTE_LOG_##level, mrfp_logtype_dp, "DP: " fmt "\n", ##__VA_ARGS__)

#endif
