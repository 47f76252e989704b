/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telephone-event payloads and the per-stream receiver (RFC 4733). See payload_dtmf.h.
 */
#include <errno.h>

#include "payload_dtmf.h"

#define E_BIT 0x80
#define VOLUME_MASK 0x3f
#define SEGMENT_MAX 0xffffu
/*
 * An event longer than 0xFFFF units is sent as segments, each with a new timestamp (the old
 * one + 0xFFFF) and no E bit on all but the last (2.5.1.3). The last updates of a segment may
 * be lost, so a segment counts as full when its duration came within this much (0.5 s at
 * 8 kHz; senders update every 50 ms) of the limit.
 */
#define SEGMENT_SLACK 4000u

int
dtmf_event_parse(const uint8_t *p, unsigned len, struct mrfp_dtmf_event *ev)
{
	if (len != MRFP_DTMF_PAYLOAD_LEN)
		return -EINVAL;
	ev->event = p[0];
	ev->end = (p[1] & E_BIT) != 0;
	ev->volume = p[1] & VOLUME_MASK;
	ev->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

void
dtmf_event_build(const struct mrfp_dtmf_event *ev, uint8_t *out)
{
	out[0] = ev->event;
	out[1] = (uint8_t)((ev->end ? E_BIT : 0) | (ev->volume & VOLUME_MASK));
	out[2] = (uint8_t)(ev->duration >> 8);
	out[3] = (uint8_t)ev->duration;
}

char
dtmf_event_digit(unsigned event)
{
	static const char digits[] = "0123456789*#ABCD";
	return event <= MRFP_DTMF_MAX_DIGIT_EVENT ? digits[event] : 0;
}

void
dtmf_rx_init(struct mrfp_dtmf_rx *s)
{
	*s = (struct mrfp_dtmf_rx){0};
}

/* A packet with a later timestamp that continues the current event as its next segment. */
static bool
next_segment(const struct mrfp_dtmf_rx *s, uint32_t delta, const struct mrfp_dtmf_event *ev)
{
	return !s->ended && ev->event == s->event && s->duration + SEGMENT_SLACK >= SEGMENT_MAX &&
	       delta <= SEGMENT_MAX + SEGMENT_SLACK;
}

bool
dtmf_rx_packet(struct mrfp_dtmf_rx *s, uint32_t ts, const struct mrfp_dtmf_event *ev)
{
	uint32_t delta = ts - s->ts; /* modulo 2^32: RTP timestamps wrap */
	bool fresh = !s->active || (delta != 0 && delta < 0x80000000u);

	if (s->active && delta >= 0x80000000u)
		return false; /* a late packet of an older event */
	if (fresh) {
		bool segment = s->active && next_segment(s, delta, ev);
		s->ts = ts;
		s->event = ev->event;
		s->duration = ev->duration;
		s->ended = ev->end;
		s->active = 1;
		return !segment;
	}
	/* Same timestamp: an update or a retransmitted end of the current event. */
	if (ev->duration > s->duration)
		s->duration = ev->duration;
	s->ended |= ev->end;
	return false;
}
