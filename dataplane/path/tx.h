/* SPDX-License-Identifier: BSD-3-Clause */
/* The transmit stage (tx.c). Owning worker only. */
#ifndef MRFP_PATH_TX_H
#define MRFP_PATH_TX_H

#include "dp_priv.h"

/* Queue a finished frame (headers on) for the NIC queue. Consumes m. */
void tx_frame(struct dp_worker *w, struct rte_mbuf *m);
/* Protect m (data = plaintext RTP) under key (dst's own, or its conference's group key),
 * then add dst's headers and queue it. Consumes m; the protect waits for the burst. */
void tx_protect(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m,
		struct mrfp_srtp_session *key);
/* Everything produced so far leaves: staged protects first, then the NIC queue. */
void tx_flush(struct dp_worker *w);
/* A copy of m's data for another destination, or NULL (no mbuf). */
struct rte_mbuf *tx_copy(struct dp_worker *w, const struct rte_mbuf *m);

#endif
