/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_engine against Debian's NSS-backed libsrtp2 (package libsrtp2-dev), as a reference
 * next to ours: the same measurement code, compiled with the system's <srtp2/srtp.h> only and
 * linked with /usr/lib/x86_64-linux-gnu/libsrtp2.so (NSS). It refuses to run on anything but
 * NSS and prints the same CSV with engine "libsrtp2-nss". Built only when that library exists.
 */
#define BENCH_ENGINE_NSS 1
#include "bench_engine.c"
