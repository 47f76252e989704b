/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adaptive jitter buffer (see jbuf.h for the contract).
 *
 * Delay is measured against the fastest recent packets, not the newest: every packet's
 * "end transit" now - (ts + samples) is at least the network's propagation time, so its
 * minimum (tref) says where the sender is now, and the playout delay is now - play_ts - tref.
 * A packet delayed by d samples, arriving just after a tick that needs a whole frame, is in
 * time when delay >= frame + packet + d; the target is that with d = 4 x the RFC 3550 jitter
 * (a mean deviation: for a uniform spread of delays, a third of the spread).
 *
 * The minimum leaks upwards by 1/64 of each packet's duration: it follows a sender clock up
 * to 1.2% slow without lag (a plain minimum would keep an old, too early value and let the
 * buffer starve), yet under jitter it sits only a little above the fastest packets.
 * The jitter is held at its peak over two 250 ms windows, so a jitter that ripples from
 * packet to packet gives a steady target instead of a restless one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <spandsp/telephony.h>
#include <spandsp/plc.h>

#include "codec.h"
#include "jbuf.h"
#include "plc_history.h"

enum jb_state {
	JB_IDLE,    /* no talk spurt: SILENCE */
	JB_PRIMING, /* a spurt's first packets are in; the first get places the play point */
	JB_PLAYING,
};

enum render_flags {
	HAD_AUDIO = 1,
	HAD_CONCEALED = 2,
};

#define MAX_BLOCK (MRFP_AUDIO_MAX_RATE / 200)

struct mrfp_jbuf {
	struct jbuf_stats st;
	plc_state_t plc;
	/* Constant after init, in samples. */
	uint32_t mask;		/* ring length - 1 */
	uint32_t frame;		/* samples per get */
	uint32_t block;		/* 5 ms: the step of skip and stretch */
	uint32_t max_delay;	/* 200 ms */
	uint32_t silence;	/* 100 ms past the newest audio: the spurt is over */
	uint32_t window;	/* 250 ms: one of the two windows */
	uint32_t stretch_after; /* 60 ms too shallow: insert a block */
	uint32_t skip_after;	/* 250 ms too deep: drop a block */
	/* Stream state; timestamps and local times are compared as int32 differences. */
	uint8_t state;
	bool have_transit;    /* last_transit valid (reset at spurt start: ts may jump) */
	int8_t off_dir;	      /* +1 too deep, -1 too shallow, 0 on target ... */
	uint32_t off_since;   /* ... since this local time */
	uint32_t play_ts;     /* next sample to play (PRIMING: the earliest it can be) */
	uint32_t high_ts;     /* end of the newest audio received */
	uint32_t preroll_end; /* before the spurt's first audio, a gap is silence, not loss */
	uint32_t pkt_samples; /* duration of the last packet */
	uint32_t jitter16;    /* RFC 3550 A.8 jitter, scaled by 16 */
	uint32_t last_transit;
	uint32_t win_start;
	uint32_t tref;	   /* leaky minimum of the end transits */
	uint32_t jpeak[2]; /* maximum jitter16 in the current [0] and previous [1] window */
	uint64_t words[];  /* valid bits (one per ring sample), then the int16 ring */
};

static uint32_t
ring_len(uint32_t rate)
{
	uint32_t r = 1;
	while (r < rate / 2) /* at least 500 ms */
		r <<= 1;
	return r;
}

static int16_t *
ring_pcm(struct mrfp_jbuf *jb)
{
	return (int16_t *)(jb->words + (jb->mask + 1) / 64);
}

static uint32_t
min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Set or clear bits [pos, pos + len) of one non-wrapping ring span. */
static void
bits_fill(uint64_t *w, uint32_t pos, uint32_t len, bool on)
{
	while (len > 0) {
		uint32_t b = pos & 63, k = min_u32(64 - b, len);
		uint64_t m = (k == 64 ? ~0ULL : (1ULL << k) - 1) << b;
		w[pos >> 6] = on ? w[pos >> 6] | m : w[pos >> 6] & ~m;
		pos += k;
		len -= k;
	}
}

/* How many bits from pos on (at most max, no wrap) equal on. */
static uint32_t
bits_run(const uint64_t *w, uint32_t pos, uint32_t max, bool on)
{
	uint32_t n = 0;
	while (n < max) {
		uint32_t p = pos + n, b = p & 63;
		uint64_t differ = (on ? ~w[p >> 6] : w[p >> 6]) >> b;
		if (differ != 0)
			return min_u32(n + (uint32_t)__builtin_ctzll(differ), max);
		n += 64 - b;
	}
	return max;
}

/* Bits of a timestamp span that may wrap around the ring. */
static void
ts_fill(struct mrfp_jbuf *jb, uint32_t ts, uint32_t len, bool on)
{
	uint32_t pos = ts & jb->mask, first = min_u32(len, jb->mask + 1 - pos);
	bits_fill(jb->words, pos, first, on);
	bits_fill(jb->words, 0, len - first, on);
}

static bool
ts_all_valid(const struct mrfp_jbuf *jb, uint32_t ts, uint32_t len)
{
	uint32_t pos = ts & jb->mask, first = min_u32(len, jb->mask + 1 - pos);
	return bits_run(jb->words, pos, first, true) == first &&
	       bits_run(jb->words, 0, len - first, true) == len - first;
}

static void
ts_write(struct mrfp_jbuf *jb, uint32_t ts, const int16_t *pcm, uint32_t len)
{
	int16_t *ring = ring_pcm(jb);
	uint32_t pos = ts & jb->mask, first = min_u32(len, jb->mask + 1 - pos);
	memcpy(ring + pos, pcm, first * sizeof(*pcm));
	memcpy(ring, pcm + first, (len - first) * sizeof(*pcm));
	ts_fill(jb, ts, len, true);
}

size_t
jbuf_size(uint32_t rate)
{
	if (rate < 8000 || rate > MRFP_AUDIO_MAX_RATE || rate % 200 != 0)
		return 0;
	uint32_t ring = ring_len(rate);
	return sizeof(struct mrfp_jbuf) + ring / 8 + ring * sizeof(int16_t);
}

int
jbuf_init(struct mrfp_jbuf *jb, uint32_t rate, unsigned frame_samples)
{
	size_t size = jbuf_size(rate);
	if (size == 0 || frame_samples < rate / 100 || frame_samples > rate * 3 / 100)
		return -EINVAL;
	memset(jb, 0, size);
	jb->mask = ring_len(rate) - 1;
	jb->frame = frame_samples;
	jb->block = rate / 200;
	jb->max_delay = rate / 5;
	jb->silence = rate / 10;
	jb->window = rate / 4;
	jb->stretch_after = rate * 60 / 1000;
	jb->skip_after = rate / 4;
	jb->state = JB_IDLE;
	return 0;
}

void
jbuf_reset(struct mrfp_jbuf *jb)
{
	jb->state = JB_IDLE;
}

const struct jbuf_stats *
jbuf_stats(const struct mrfp_jbuf *jb)
{
	return &jb->st;
}

static uint32_t
target(const struct mrfp_jbuf *jb)
{
	uint32_t j16 = jb->jpeak[0] > jb->jpeak[1] ? jb->jpeak[0] : jb->jpeak[1];
	uint32_t t = jb->frame + jb->pkt_samples + j16 / 4; /* 4 x J, J = j16 / 16 */
	return t > jb->max_delay ? jb->max_delay : t;
}

/* A talk spurt starts: forget the old timeline (the sender may have jumped) and the PLC. */
static void
spurt_start(struct mrfp_jbuf *jb, uint32_t ts)
{
	memset(jb->words, 0, (jb->mask + 1) / 8);
	plc_init(&jb->plc);
	jb->state = JB_PRIMING;
	jb->play_ts = ts - jb->max_delay; /* the earliest the first get may place it */
	jb->high_ts = ts;
	jb->preroll_end = ts;
	jb->have_transit = false;
	jb->st.spurts++;
}

/* RFC 3550 A.8 jitter and the transit windows. */
static void
track_arrival(struct mrfp_jbuf *jb, uint32_t ts, uint32_t n, uint32_t now)
{
	uint32_t transit = now - ts, end_transit = transit - n;
	if (jb->have_transit) {
		int32_t d = (int32_t)(transit - jb->last_transit);
		/* One stray packet must not hold the target at its ceiling for seconds. */
		uint32_t ad = min_u32(d < 0 ? -(uint32_t)d : (uint32_t)d, jb->max_delay);
		jb->jitter16 += ad - ((jb->jitter16 + 8) >> 4);
		jb->st.jitter = jb->jitter16 >> 4;
		jb->tref += n / 64;
		if ((int32_t)(end_transit - jb->tref) < 0)
			jb->tref = end_transit;
	} else {
		jb->tref = end_transit;
		jb->win_start = now;
	}
	jb->have_transit = true;
	jb->last_transit = transit;
	jb->pkt_samples = n;
	if (now - jb->win_start >= jb->window) {
		jb->jpeak[1] = jb->jpeak[0];
		jb->jpeak[0] = 0;
		jb->win_start = now;
	}
	if (jb->jitter16 > jb->jpeak[0])
		jb->jpeak[0] = jb->jitter16;
}

enum mrfp_jb_put
jbuf_put(struct mrfp_jbuf *jb, uint32_t ts, const int16_t *pcm, unsigned samples, uint64_t now)
{
	uint32_t n = min_u32(samples, MRFP_AUDIO_MAX_SAMPLES);
	if (n == 0)
		return MRFP_JB_DUPLICATE; /* nothing new */
	if (jb->state == JB_IDLE)
		spurt_start(jb, ts);
	int64_t off = (int32_t)(ts - jb->play_ts);
	if (off + n > jb->mask + 1) {
		jb->st.too_early++;
		return MRFP_JB_TOO_EARLY;
	}
	if (off > -(int64_t)(jb->mask + 1)) /* further back is another timeline, not jitter */
		track_arrival(jb, ts, n, (uint32_t)now);
	if (off + n <= 0) {
		jb->st.late++;
		return MRFP_JB_LATE;
	}
	if (off < 0) { /* keep the part still ahead of the play point */
		pcm += -off;
		ts += (uint32_t)-off;
		n -= (uint32_t)-off;
	}
	if (ts_all_valid(jb, ts, n)) {
		jb->st.duplicate++;
		return MRFP_JB_DUPLICATE;
	}
	ts_write(jb, ts, pcm, n);
	if ((int32_t)(ts + n - jb->high_ts) > 0)
		jb->high_ts = ts + n;
	if ((int32_t)(ts - jb->preroll_end) < 0) /* reordered start of the spurt */
		jb->preroll_end = ts;
	jb->st.stored++;
	return MRFP_JB_STORED;
}

/*
 * Synthesise n samples. When a gap starts, plc_fillin writes a quarter pitch period (up to
 * PLC_PITCH_OVERLAP_MAX samples) whatever n says: short gaps go through a scratch buffer.
 */
static void
plc_fill(struct mrfp_jbuf *jb, int16_t *out, uint32_t n)
{
	plc_history_rotate(&jb->plc);
	if (n >= PLC_PITCH_OVERLAP_MAX || jb->plc.missing_samples > 0) {
		plc_fillin(&jb->plc, out, (int)n);
		return;
	}
	int16_t tmp[PLC_PITCH_OVERLAP_MAX];
	plc_fillin(&jb->plc, tmp, (int)n);
	memcpy(out, tmp, n * sizeof(*out));
}

/* One stretch of ring samples of the same kind, no wrap: audio, pre-roll or loss. */
static unsigned
render_run(struct mrfp_jbuf *jb, int16_t *out, uint32_t max, uint32_t *done)
{
	uint32_t pos = jb->play_ts & jb->mask;
	bool on = (jb->words[pos >> 6] >> (pos & 63)) & 1;
	uint32_t n = bits_run(jb->words, pos, max, on);
	unsigned flags = 0;
	if (on) {
		memcpy(out, ring_pcm(jb) + pos, n * sizeof(*out));
		plc_rx(&jb->plc, out, (int)n); /* history for later gaps; blends after one */
		bits_fill(jb->words, pos, n, false);
		flags = HAD_AUDIO;
	} else if ((int32_t)(jb->play_ts - jb->preroll_end) < 0) {
		n = min_u32(n, jb->preroll_end - jb->play_ts);
		memset(out, 0, n * sizeof(*out));
	} else {
		plc_fill(jb, out, n);
		jb->st.concealed += n;
		flags = HAD_CONCEALED;
	}
	jb->play_ts += n;
	*done = n;
	return flags;
}

/* Play n samples from the play point on, advancing it. */
static unsigned
render(struct mrfp_jbuf *jb, int16_t *out, uint32_t n)
{
	unsigned flags = 0;
	while (n > 0) {
		uint32_t done, pos = jb->play_ts & jb->mask;
		flags |= render_run(jb, out, min_u32(n, jb->mask + 1 - pos), &done);
		out += done;
		n -= done;
	}
	return flags;
}

/* Drop one block: fade the dropped block out over the start of the kept frame. */
static unsigned
render_skip(struct mrfp_jbuf *jb, int16_t *out)
{
	int16_t head[MAX_BLOCK];
	int32_t b = (int32_t)jb->block;
	unsigned flags = render(jb, head, jb->block) | render(jb, out, jb->frame);
	for (int32_t i = 0; i < b; i++)
		out[i] = (int16_t)((head[i] * (b - i) + out[i] * i) / b);
	jb->st.skipped += jb->block;
	return flags;
}

/* Insert one block: the PLC continues the waveform and blends it into what follows. */
static unsigned
render_stretch(struct mrfp_jbuf *jb, int16_t *out)
{
	unsigned flags = render(jb, out, jb->frame - jb->block);
	plc_fill(jb, out + jb->frame - jb->block, jb->block);
	jb->st.stretched += jb->block;
	return flags;
}

/* The first get of a spurt sets the play point from the target, never past its first audio. */
static void
playout_start(struct mrfp_jbuf *jb, uint32_t now)
{
	uint32_t want = now - jb->tref - target(jb);
	if ((int32_t)(want - jb->play_ts) < 0)
		want = jb->play_ts;
	if ((int32_t)(want - jb->preroll_end) > 0)
		want = jb->preroll_end;
	ts_fill(jb, jb->play_ts, want - jb->play_ts, false); /* anything before it is dropped */
	jb->play_ts = want;
	jb->state = JB_PLAYING;
	jb->off_dir = 0;
}

/*
 * +1 skip, -1 stretch, 0 neither. Below the target is unsafe (the target is the least delay
 * that survives the worst tick phase), above it by up to two blocks is tolerated, so one
 * block's step never overshoots into the opposite correction. A direction must hold for a
 * while: stretching soon (a shallow buffer loses packets), skipping late (a deep one only
 * costs delay). After each step the clock restarts, which also bounds the rate: 5 ms per
 * 60 ms up, per 250 ms down; the latter still outruns a 1% clock drift.
 */
static int
adjustment(struct mrfp_jbuf *jb, uint32_t now, int32_t delay, int32_t depth, int32_t tgt)
{
	int32_t b = (int32_t)jb->block;
	int dir = 0;
	if ((int32_t)(jb->play_ts - jb->preroll_end) < 0)
		dir = 0; /* still in the pre-roll: the spurt started at the target */
	else if (delay > tgt + 2 * b && depth >= (int32_t)jb->frame + b)
		dir = 1;
	else if (delay < tgt)
		dir = -1;
	if (dir != jb->off_dir) {
		jb->off_dir = (int8_t)dir;
		jb->off_since = now;
		return 0;
	}
	if (dir == 0 || now - jb->off_since < (dir > 0 ? jb->skip_after : jb->stretch_after))
		return 0;
	jb->off_since = now;
	return dir;
}

enum mrfp_jb_get
jbuf_get(struct mrfp_jbuf *jb, int16_t *out, uint64_t now)
{
	uint32_t t = (uint32_t)now;
	if (jb->state == JB_PRIMING)
		playout_start(jb, t);
	if (jb->state == JB_PLAYING && (int32_t)(jb->play_ts - jb->high_ts) >= (int32_t)jb->silence)
		jb->state = JB_IDLE; /* the spurt is over: wait for the next packet */
	if (jb->state == JB_IDLE) {
		memset(out, 0, jb->frame * sizeof(*out));
		jb->st.depth = jb->st.delay = 0;
		return MRFP_JB_SILENCE;
	}
	int32_t depth = (int32_t)(jb->high_ts - jb->play_ts);
	int32_t delay = (int32_t)(t - jb->play_ts - jb->tref);
	uint32_t tgt = target(jb);
	jb->st.depth = depth > 0 ? (uint32_t)depth : 0;
	jb->st.delay = delay > 0 ? (uint32_t)delay : 0;
	jb->st.target = tgt;
	int adj = adjustment(jb, t, delay, depth, (int32_t)tgt);
	unsigned flags = adj > 0   ? render_skip(jb, out)
			 : adj < 0 ? render_stretch(jb, out)
				   : render(jb, out, jb->frame);
	if (flags & HAD_CONCEALED)
		return MRFP_JB_CONCEALED;
	return (flags & HAD_AUDIO) ? MRFP_JB_AUDIO : MRFP_JB_SILENCE;
}
