/* SPDX-License-Identifier: BSD-3-Clause */
/* The switch media mode (switch.c). Owning worker only. */
#ifndef MRFP_PATH_SWITCH_H
#define MRFP_PATH_SWITCH_H

#include "dp_priv.h"

/* m's data is the plaintext RTP packet of src: to every other receiving leg (or the
 * selected source's receivers), each under its own key. Consumes m. */
void switch_forward(struct dp_worker *w, struct dp_leg *src, struct rte_mbuf *m);
/* Protect m for dst under dst's own key and send it. Consumes m. */
void switch_send(struct dp_worker *w, struct dp_leg *dst, struct rte_mbuf *m);

#endif
