/* SPDX-License-Identifier: BSD-3-Clause */
/* The statistic every benchmark here reports: the median of interleaved repetitions. */
#ifndef MRFP_BENCH_STATS_H
#define MRFP_BENCH_STATS_H

#include <stdlib.h>

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v in place); n > 0. */
static inline double
bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
