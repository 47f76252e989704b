/* SPDX-License-Identifier: BSD-3-Clause */
#include "mrfp_drop.h"

static const char *const drop_names[MRFP_DROP_COUNT] = {
#define DROP_NAME(name, str) [MRFP_DROP_##name] = str,
	MRFP_DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

const char *
mrfp_drop_name(enum mrfp_drop reason)
{
	return (unsigned int)reason < MRFP_DROP_COUNT ? drop_names[reason] : "invalid";
}
