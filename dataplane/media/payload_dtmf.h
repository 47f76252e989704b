/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_PAYLOAD_DTMF_H
#define MRFP_DP_PAYLOAD_DTMF_H

/*
 * telephone-event (RFC 4733): the payload of one named event, the DTMF digits of events 0-15
 * (section 3.2), and a receiver that turns the packets of a stream into one report per key
 * press. A sender repeats each event's packet every few tens of ms with a growing duration,
 * all carrying the RTP timestamp of the event's start (2.5.1.2), then sends the final packet
 * (E bit) three times (2.5.1.4); a new timestamp is a new event. That timestamp is therefore
 * the identity of a key press, and the receiver reports an event once, on the first packet
 * that carries a timestamp it has not seen, whichever packet of the event that is.
 *
 * Thread safety: the parse/build/digit functions are pure. A struct mrfp_dtmf_rx is owned by
 * the worker that owns its leg. No allocation.
 */
#include <stdbool.h>
#include <stdint.h>

#define MRFP_DTMF_PAYLOAD_LEN 4
#define MRFP_DTMF_MAX_VOLUME 63 /* -63 dBm0 */
#define MRFP_DTMF_MAX_DIGIT_EVENT 15

struct mrfp_dtmf_event {
	uint8_t event;	   /* 0-9, 10 '*', 11 '#', 12-15 'A'-'D'; other codes: RFC 4734 etc. */
	uint8_t end;	   /* E bit: the event has ended */
	uint8_t volume;	   /* power level, -dBm0 (0 .. 63) */
	uint16_t duration; /* since the event's RTP timestamp, in RTP clock units */
};

/*
 * Parse one event payload (RTP header and padding removed). RFC 4733 defines exactly one
 * event of 4 octets per payload (redundancy comes from RFC 2198, stripped by then): any other
 * length returns -EINVAL. The R bit is ignored (2.3.4).
 */
int dtmf_event_parse(const uint8_t *p, unsigned len, struct mrfp_dtmf_event *ev);

/* Write ev as a payload of MRFP_DTMF_PAYLOAD_LEN octets (R = 0, volume masked to 6 bits). */
void dtmf_event_build(const struct mrfp_dtmf_event *ev, uint8_t *out);

/* The DTMF digit of an event code ('0'-'9', '*', '#', 'A'-'D'), or 0 for codes over 15. */
char dtmf_event_digit(unsigned event);

/* The receiver of one telephone-event stream. */
struct mrfp_dtmf_rx {
	uint32_t ts;	   /* RTP timestamp of the current event */
	uint16_t duration; /* the longest duration seen for it */
	uint8_t event;
	uint8_t active; /* ts, event, duration are valid: a packet has been seen */
	uint8_t ended;	/* the current event's E bit has been seen */
};

void dtmf_rx_init(struct mrfp_dtmf_rx *s);

/*
 * Account one packet (RTP timestamp ts, parsed ev). Returns true if it begins a new event: a
 * timestamp after the current one that is not the next segment of a long event (2.5.1.3).
 * Retransmissions, updates and late packets of older events return false.
 */
bool dtmf_rx_packet(struct mrfp_dtmf_rx *s, uint32_t ts, const struct mrfp_dtmf_event *ev);

#endif
