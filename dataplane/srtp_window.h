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
	uint64_t index;                /* highest accepted 48-bit index: ROC << 16 | SEQ */
	uint64_t bits[SRTP_WIN_WORDS]; /* bit k set: index - k was accepted */
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

static inline bool
win_bit(const uint64_t *bits, uint32_t k)
{
	return (bits[k / 64] >> (k % 64)) & 1;
}

/* MRFP_DROP_NONE, or SRTP_REPLAY for a repeated or too old index. */
static inline enum mrfp_drop
srtp_win_check(const struct srtp_win *w, int32_t delta)
{
	if (delta > 0)
		return MRFP_DROP_NONE;
	if (delta <= -(SRTP_WIN_WORDS * 64))
		return MRFP_DROP_SRTP_REPLAY;
	return win_bit(w->bits, (uint32_t)-delta) ? MRFP_DROP_SRTP_REPLAY : MRFP_DROP_NONE;
}

/* Shift the window towards newer indices by d bits (d > 0). */
static inline void
win_shift(uint64_t *bits, unsigned int words, uint32_t d)
{
	if (d >= words * 64) {
		memset(bits, 0, words * sizeof(bits[0]));
		return;
	}
	unsigned int ws = d / 64, bs = d % 64;
	for (int i = (int)words - 1; i >= 0; i--) {
		uint64_t v = 0;
		if (i - (int)ws >= 0) {
			v = bits[i - ws] << bs;
			if (bs != 0 && i - (int)ws - 1 >= 0)
				v |= bits[i - ws - 1] >> (64 - bs);
		}
		bits[i] = v;
	}
}

/* Record an accepted index (after srtp_win_check said yes and the tag verified). */
static inline void
srtp_win_add(struct srtp_win *w, int32_t delta)
{
	if (delta > 0) {
		win_shift(w->bits, SRTP_WIN_WORDS, (uint32_t)delta);
		w->bits[0] |= 1;
		w->index += (uint64_t)delta;
	} else {
		uint32_t k = (uint32_t)-delta;
		w->bits[k / 64] |= 1ULL << (k % 64);
	}
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
