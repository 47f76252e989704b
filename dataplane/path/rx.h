/* SPDX-License-Identifier: BSD-3-Clause */
/* The receive stage (rx.c). Owning worker only. */
#ifndef MRFP_PATH_RX_H
#define MRFP_PATH_RX_H

#include "dp_priv.h"
#include "parse.h"

/* A UDP frame to the media address: to its leg's stage (RTP) or consumed (RTCP). */
void rx_media(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi);
/* Frames received (or handed over by another worker), at most DP_BURST: parsed, their legs
 * and what the legs lead to fetched, then each to its protocol's input, in order. */
void rx_burst(struct dp_worker *w, struct rte_mbuf *const m[], uint16_t n);
/* Unprotect the staged RTP in one call and carry on with each packet, in order. */
void rx_flush(struct dp_worker *w);

#endif
