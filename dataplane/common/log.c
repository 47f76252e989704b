/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_log.h>

#include "dp_log.h"

RTE_LOG_REGISTER(mrfp_logtype_dp, mrfp.dp, INFO);
RTE_LOG_REGISTER(mrfp_logtype_srtp, mrfp.dp.srtp, NOTICE);
