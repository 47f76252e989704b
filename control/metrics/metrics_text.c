/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0 differ, for what mrfpd
 * writes, only in the name a counter family is declared under and in the closing "# EOF".
 */
#include <inttypes.h>
#include <string.h>

#include "metrics_priv.h"

void
mtext_family(struct mtext *t, const char *name, bool counter, const char *help)
{
	const char *suffix = counter && !t->om ? "_total" : "";
	t->family = name;
	t->counter = counter;
	fprintf(t->f, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix, help, name, suffix,
		counter ? "counter" : "gauge");
}

void
mtext_sample(struct mtext *t, const char *labels, uint64_t v)
{
	fprintf(t->f, "%s%s%s%s%s %" PRIu64 "\n", t->family, t->counter ? "_total" : "",
		*labels ? "{" : "", labels, *labels ? "}" : "", v);
}

void
mtext_end(struct mtext *t)
{
	if (t->om)
		fputs("# EOF\n", t->f);
}

char *
mtext_escape(char *dst, size_t size, const char *src)
{
	size_t o = 0;
	for (; *src != '\0'; src++) {
		const char *e = *src == '\\'   ? "\\\\"
				: *src == '"'  ? "\\\""
				: *src == '\n' ? "\\n"
					       : NULL;
		size_t k = e != NULL ? 2 : 1;
		if (o + k >= size)
			break;
		if (e != NULL)
			memcpy(dst + o, e, 2);
		else
			dst[o] = *src;
		o += k;
	}
	if (size > 0)
		dst[o] = '\0';
	return dst;
}
