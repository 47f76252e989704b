/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "plc_history.h"

void
plc_history_rotate(plc_state_t *p)
{
	int k = p->buf_ptr;
	if (p->missing_samples != 0 || k == 0)
		return;
	int16_t tmp[PLC_HISTORY_LEN];
	memcpy(tmp, p->history, (size_t)k * sizeof(tmp[0]));
	memmove(p->history, p->history + k, (size_t)(PLC_HISTORY_LEN - k) * sizeof(tmp[0]));
	memcpy(p->history + PLC_HISTORY_LEN - k, tmp, (size_t)k * sizeof(tmp[0]));
	p->buf_ptr = 0;
}
