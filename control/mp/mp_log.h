/* SPDX-License-Identifier: BSD-3-Clause */
/* The Mp server's log type (mrfp.ctl.mp, registered in mp.c) and its one macro. */
#ifndef MRFP_CTL_MP_LOG_H
#define MRFP_CTL_MP_LOG_H

#include "mrfp_log.h"

extern int mrfp_logtype_mp;
#define MP_LOG(level, fmt, ...) MRFP_LOG(mrfp_logtype_mp, "MP", level, fmt, ##__VA_ARGS__)

#endif
