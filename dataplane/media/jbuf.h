/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_JBUF_H
#define MRFP_DP_JBUF_H

/*
 * Adaptive jitter buffer of one leg's decoded audio, fed on the packet path and read once per
 * mixing tick. Fixed memory: the caller allocates jbuf_size() bytes and nothing is
 * allocated afterwards.
 *
 * Timeline: a ring of PCM samples indexed by timestamp (>= 500 ms, a power of two, so RTP
 * timestamp wrap-around needs no special case), with one valid bit per sample: packets of
 * any duration land wherever their timestamp says, whatever the tick's ptime. Timestamps and
 * "now" are counted in PCM samples at the rate given to init; for G.711 that is the RTP clock.
 * (G.722's RTP clock is half its sample rate: its caller doubles the timestamp.)
 *
 * Playout: the play point trails the sender by a target delay of one frame + one packet +
 * 4 x the RFC 3550 (A.8) interarrival jitter, held at its peak for the last 0.25-0.5 s,
 * clamped to 200 ms. The play point is set from the target when a talk spurt starts; during a
 * spurt it moves only by stretching (PLC) one 5 ms block once the delay has stayed under the
 * target for 60 ms, or skipping (overlap-add) one once it has stayed more than two blocks over
 * it for 250 ms, so sender clock drift (up to ~1%) never grows or starves the buffer. Missing audio
 * is concealed with spandsp's PLC; once the play point is 100 ms past the newest audio the leg is
 * SILENCE until its next packet.
 *
 * Thread safety: none; a leg's buffer belongs to its conference's worker (put and get run
 * there). The stats may be read by anyone, at most one tick stale.
 */
#include <stddef.h>
#include <stdint.h>

struct mrfp_jbuf;

enum mrfp_jb_put {
	MRFP_JB_STORED,
	MRFP_JB_LATE,	   /* entirely behind the play point: refused */
	MRFP_JB_DUPLICATE, /* every sample already buffered */
	MRFP_JB_TOO_EARLY, /* beyond the ring: refused (not counted as jitter) */
};

enum mrfp_jb_get {
	MRFP_JB_AUDIO,	   /* received audio (possibly with a stretched block) */
	MRFP_JB_CONCEALED, /* some samples synthesised for missing packets */
	MRFP_JB_SILENCE,   /* nothing to play: out is zeros; the leg need not be mixed */
};

struct jbuf_stats {
	uint32_t depth;	 /* samples buffered ahead of the play point, at the last get */
	uint32_t delay;	 /* playout delay behind the fastest packets, at the last get */
	uint32_t target; /* the delay being steered to */
	uint32_t jitter; /* RFC 3550 interarrival jitter, samples (RTCP: scale to the RTP clock) */
	/* Counters since init. */
	uint64_t stored;    /* packets stored */
	uint64_t late;	    /* packets refused as late */
	uint64_t duplicate; /* packets refused as duplicates */
	uint64_t too_early; /* packets refused beyond the ring */
	uint64_t concealed; /* samples synthesised for missing audio */
	uint64_t skipped;   /* samples dropped to shorten the delay */
	uint64_t stretched; /* samples inserted to lengthen it */
	uint64_t spurts;    /* talk spurts started */
};

/*
 * Bytes needed for a buffer at this rate (8000..48000, a multiple of 200 Hz), or 0 if the
 * rate is not supported. The memory must be 8-byte aligned (rte_malloc's is).
 */
size_t jbuf_size(uint32_t rate);

/*
 * Prepare jb (jbuf_size(rate) bytes) for ticks of frame_samples samples (10..30 ms at
 * rate). Returns 0 or -EINVAL. Control side: writes the whole memory once.
 */
int jbuf_init(struct mrfp_jbuf *jb, uint32_t rate, unsigned frame_samples);

/* Forget the stream (e.g. on an SSRC change): SILENCE until the next packet. Stats kept. */
void jbuf_reset(struct mrfp_jbuf *jb);

/*
 * Store samples (1..MRFP_AUDIO_MAX_SAMPLES) of decoded audio whose first sample has
 * timestamp ts, received at local time now (in samples). A packet that is partly behind the
 * play point keeps its newer part and counts as STORED.
 */
enum mrfp_jb_put jbuf_put(struct mrfp_jbuf *jb, uint32_t ts, const int16_t *pcm, unsigned samples,
			  uint64_t now);

/* Write the next frame_samples samples of playout to out; call once per tick at time now. */
enum mrfp_jb_get jbuf_get(struct mrfp_jbuf *jb, int16_t *out, uint64_t now);

const struct jbuf_stats *jbuf_stats(const struct mrfp_jbuf *jb);

#endif
