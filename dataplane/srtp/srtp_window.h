/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_SRTP_WINDOW_H
#define MRFP_SRTP_WINDOW_H

/*
 * Packet index estimation (RFC 3711 3.3.1, Appendix A) and replay windows (3.3.2) for the
 * burst engine, with libsrtp2's exact rules so that both engines accept and refuse the same
 * packets: a 1024-packet window for SRTP indices and a 128-packet one for SRTCP indices.
 * One owner per window (the worker that owns the session); no locking.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mrfp_drop.h"

#define SRTP_WIN_WORDS 16 /* 1024 bits */
#define SEQ_MEDIAN 32768
#define SEQ_MAX 65536

struct srtp_win {
	uint64_t index;		       /* highest accepted 48-bit index: ROC << 16 | SEQ */
	uint64_t bits[SRTP_WIN_WORDS]; /* ring: bit (i mod 1024) set = index i was accepted */
};

/*
 * The index a sequence number most likely has, and its distance from win->index. While the
 * stream is young (index <= 2^15) libsrtp2 takes ROC 0 without guessing; so do we.
 */
static inline int32_t
srtp_win_estimate(const struct srtp_win *w, uint16_t seq, uint64_t *guess)
{
	uint32_t roc = (uint32_t)(w->index >> 16);
	uint16_t local = (uint16_t)w->index;
	int32_t diff;
	if (w->index <= SEQ_MEDIAN) {
		*guess = seq;
		return (int32_t)seq - (int32_t)w->index;
	}
	if (local < SEQ_MEDIAN) {
		if ((int32_t)seq - local > SEQ_MEDIAN) {
			roc--;
			diff = (int32_t)seq - local - SEQ_MAX;
		} else {
			diff = (int32_t)seq - local;
		}
	} else if (local - SEQ_MEDIAN > seq) {
		roc++;
		diff = (int32_t)seq - local + SEQ_MAX;
	} else {
		diff = (int32_t)seq - local;
	}
	*guess = ((uint64_t)roc << 16 | seq) & 0xffffffffffffULL;
	return diff;
}

#define WIN_BITS (SRTP_WIN_WORDS * 64)

static inline bool
win_test(const uint64_t *bits, uint64_t i)
{
	uint32_t k = (uint32_t)(i % WIN_BITS);
	return (bits[k / 64] >> (k % 64)) & 1;
}

static inline void
win_set(uint64_t *bits, uint64_t i, bool on)
{
	uint32_t k = (uint32_t)(i % WIN_BITS);
	if (on)
		bits[k / 64] |= 1ULL << (k % 64);
	else
		bits[k / 64] &= ~(1ULL << (k % 64));
}

/*
 * MRFP_DROP_NONE, or SRTP_REPLAY for a repeated index or one 1024 or more behind the newest
 * (libsrtp2's window: the newest index and the 1023 before it).
 */
static inline enum mrfp_drop
srtp_win_check(const struct srtp_win *w, int32_t delta)
{
	if (delta > 0)
		return MRFP_DROP_NONE;
	if (delta <= -WIN_BITS)
		return MRFP_DROP_SRTP_REPLAY;
	return win_test(w->bits, w->index + (uint64_t)(int64_t)delta) ? MRFP_DROP_SRTP_REPLAY
								      : MRFP_DROP_NONE;
}

/*
 * Record an accepted index (after srtp_win_check said yes and the tag verified). The window is
 * a ring, so moving forward clears only the bits of the indices skipped: one bit per packet
 * in order, instead of shifting 1024 bits.
 */
static inline void
srtp_win_add(struct srtp_win *w, int32_t delta)
{
	if (delta > 0) {
		if (delta >= WIN_BITS)
			memset(w->bits, 0, sizeof(w->bits));
		else
			for (int32_t k = 1; k < delta; k++)
				win_set(w->bits, w->index + (uint64_t)k, false);
		w->index += (uint64_t)delta;
		win_set(w->bits, w->index, true);
	} else {
		win_set(w->bits, w->index + (uint64_t)(int64_t)delta, true);
	}
}

static inline bool
win_bit(const uint64_t *bits, uint32_t k)
{
	return (bits[k / 64] >> (k % 64)) & 1;
}

/* SRTCP (libsrtp2's rdb): indices below start are too old; [start, start+128) is the window. */
struct srtcp_win {
	uint32_t start;
	uint64_t bits[2];
};

static inline enum mrfp_drop
srtcp_win_check(const struct srtcp_win *w, uint32_t index)
{
	if (index >= w->start + 128)
		return MRFP_DROP_NONE;
	if (index < w->start)
		return MRFP_DROP_SRTP_REPLAY;
	return win_bit(w->bits, index - w->start) ? MRFP_DROP_SRTP_REPLAY : MRFP_DROP_NONE;
}

/* The index after the newest one accepted (start when none was): where a key change goes. */
static inline uint64_t
srtcp_win_next(const struct srtcp_win *w)
{
	if (w->bits[1] != 0)
		return (uint64_t)w->start + 64 + 64 - (uint64_t)__builtin_clzll(w->bits[1]);
	if (w->bits[0] != 0)
		return (uint64_t)w->start + 64 - (uint64_t)__builtin_clzll(w->bits[0]);
	return w->start;
}

/* Slide so that index is the newest bit (libsrtp2: the window's top is bit 127). */
static inline void
srtcp_win_add(struct srtcp_win *w, uint32_t index)
{
	uint32_t k = index - w->start;
	if (k >= 128) {
		uint32_t d = k - 127;
		/* bit 0 is the oldest here: shifting towards newer = shifting right */
		if (d >= 128) {
			w->bits[0] = w->bits[1] = 0;
		} else if (d >= 64) {
			w->bits[0] = w->bits[1] >> (d - 64);
			w->bits[1] = 0;
		} else if (d > 0) {
			w->bits[0] = (w->bits[0] >> d) | (w->bits[1] << (64 - d));
			w->bits[1] >>= d;
		}
		w->start += d;
		k = 127;
	}
	w->bits[k / 64] |= 1ULL << (k % 64);
}

#endif
