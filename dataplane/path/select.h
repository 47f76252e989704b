/* SPDX-License-Identifier: BSD-3-Clause */
/* Switch mode with a selected source (select.c). Owning worker only. */
#ifndef MRFP_PATH_SELECT_H
#define MRFP_PATH_SELECT_H

#include "dp_priv.h"

/* m's data is the plaintext RTP packet of src: forwarded if src is the selected source. */
void select_forward(struct dp_worker *w, struct dp_leg *src, struct rte_mbuf *m);
/* leg leaves c: it is no longer a candidate (or the selected source). */
void select_leg_gone(struct dp_conf *c, const struct dp_leg *leg);

#endif
