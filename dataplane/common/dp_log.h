/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_LOG_H
#define MRFP_DP_LOG_H

#include "mrfp_log.h"

/* Log types of the dataplane library (never used on the packet path). */
extern int mrfp_logtype_dp;
extern int mrfp_logtype_srtp;

#define DP_LOG(level, fmt, ...) MRFP_LOG(mrfp_logtype_dp, "DP", level, fmt, ##__VA_ARGS__)

#endif
