/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PLC_HISTORY_H
#define MRFP_DP_PLC_HISTORY_H

#include <stdint.h>

#include <spandsp/telephony.h>
#include <spandsp/plc.h>

/*
 * spandsp 0.0.6 rotates the PLC history to its start when a gap begins (normalise_history)
 * with a memcpy between overlapping ranges, undefined behaviour that ASan reports. Rotating
 * it first, with memmove, leaves that function nothing to do. Call before plc_fillin.
 */
void plc_history_rotate(plc_state_t *p);

#endif
