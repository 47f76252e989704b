/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telephone-event (RFC 4733): payload octets written by hand from the section 2.3 figure, the
 * digit map of section 3.2, and the receiver against a simulated sender that follows 2.5.1
 * (updates every 50 ms with the event's start timestamp, the end packet sent three times,
 * segments for events over 0xFFFF units) through loss and reordering. The oracle is the list
 * of keys the simulated user pressed: each must come out exactly once, in order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "payload_dtmf.h"

#define UPDATE 400 /* 50 ms at 8 kHz */
#define MAX_PKTS 4096

struct pkt {
	uint32_t ts;
	uint8_t p[MRFP_DTMF_PAYLOAD_LEN];
};

struct stream {
	struct pkt v[MAX_PKTS];
	unsigned n;
};

static void
emit(struct stream *s, uint32_t ts, unsigned event, bool end, unsigned duration)
{
	/* Section 2.3: event | E R volume(6) | duration(16), volume 10 dBm0 below nominal. */
	struct pkt *k = &s->v[s->n++];
	k->ts = ts;
	k->p[0] = (uint8_t)event;
	k->p[1] = (uint8_t)((end ? 0x80 : 0) | 10);
	k->p[2] = (uint8_t)(duration >> 8);
	k->p[3] = (uint8_t)duration;
}

/* One key press of `units` RTP units from ts, as 2.5.1.2-2.5.1.4 send it. */
static void
press(struct stream *s, uint32_t ts, unsigned event, unsigned units)
{
	uint32_t seg = ts;
	unsigned done = 0;
	while (units - done > 0xffff) { /* 2.5.1.3: a segment per 0xFFFF units */
		for (unsigned d = UPDATE; d < 0xffff; d += UPDATE)
			emit(s, seg, event, false, d);
		emit(s, seg, event, false, 0xffff);
		seg += 0xffff;
		done += 0xffff;
	}
	for (unsigned d = UPDATE; d < units - done; d += UPDATE)
		emit(s, seg, event, false, d);
	for (int i = 0; i < 3; i++)
		emit(s, seg, event, true, units - done);
}

/* Feed the stream, skipping the packets drop() names; returns the digits reported. */
static void
receive(const struct stream *s, bool (*drop)(unsigned i, const struct pkt *), char *digits)
{
	struct mrfp_dtmf_rx rx;
	struct mrfp_dtmf_event ev;
	unsigned n = 0;
	dtmf_rx_init(&rx);
	for (unsigned i = 0; i < s->n; i++) {
		if (drop && drop(i, &s->v[i]))
			continue;
		assert_int_equal(dtmf_event_parse(s->v[i].p, MRFP_DTMF_PAYLOAD_LEN, &ev), 0);
		if (dtmf_rx_packet(&rx, s->v[i].ts, &ev))
			digits[n++] = dtmf_event_digit(ev.event);
	}
	digits[n] = 0;
}

static void
test_parse_build(void **state)
{
	(void)state;
	struct mrfp_dtmf_event ev;
	/* event 9, E = 1, R = 0, volume 10, duration 800 (100 ms at 8 kHz) */
	const uint8_t end9[] = {0x09, 0x8a, 0x03, 0x20};
	assert_int_equal(dtmf_event_parse(end9, 4, &ev), 0);
	assert_int_equal(ev.event, 9);
	assert_int_equal(ev.end, 1);
	assert_int_equal(ev.volume, 10);
	assert_int_equal(ev.duration, 800);
	uint8_t out[4];
	dtmf_event_build(&ev, out);
	assert_memory_equal(out, end9, 4);
	/* '#', R set (ignored), volume 63, duration 0xffff */
	const uint8_t hash[] = {0x0b, 0x7f, 0xff, 0xff};
	assert_int_equal(dtmf_event_parse(hash, 4, &ev), 0);
	assert_int_equal(ev.event, 11);
	assert_int_equal(ev.end, 0);
	assert_int_equal(ev.volume, 63);
	assert_int_equal(ev.duration, 0xffff);
	dtmf_event_build(&ev, out);
	assert_int_equal(out[1], 0x3f); /* R is sent as 0 */
	/* One event per payload, four octets. */
	for (unsigned len = 0; len < 12; len++)
		if (len != 4)
			assert_int_equal(dtmf_event_parse(end9, len, &ev), -EINVAL);
}

static void
test_digits(void **state)
{
	(void)state;
	const char *want = "0123456789*#ABCD";
	for (unsigned e = 0; e < 16; e++)
		assert_int_equal(dtmf_event_digit(e), want[e]);
	for (unsigned e = 16; e < 256; e++)
		assert_int_equal(dtmf_event_digit(e), 0);
}

static struct stream s;

/* "1#1" then "55" (the same key twice): the retransmitted ends do not repeat a digit. */
static void
build_presses(uint32_t ts0)
{
	const unsigned keys[] = {1, 11, 1, 5, 5};
	s.n = 0;
	uint32_t ts = ts0;
	for (unsigned i = 0; i < 5; i++) {
		press(&s, ts, keys[i], 800 + 160 * i);
		ts += 800 + 160 * i + 480; /* 60 ms between presses */
	}
}

static void
test_one_digit_per_press(void **state)
{
	(void)state;
	char d[64];
	build_presses(1000);
	receive(&s, NULL, d);
	assert_string_equal(d, "1#155");
	/* The timestamps wrap inside the sequence: still in order, still once each. */
	build_presses(0xfffff000u);
	receive(&s, NULL, d);
	assert_string_equal(d, "1#155");
}

static bool
drop_starts(unsigned i, const struct pkt *k)
{
	(void)i;
	return (k->p[1] & 0x80) == 0; /* only the end packets get through */
}

static bool
drop_every_other(unsigned i, const struct pkt *k)
{
	(void)k;
	return i & 1;
}

/* Whichever packet of a press arrives first reports it. */
static void
test_loss(void **state)
{
	(void)state;
	char d[64];
	build_presses(77);
	receive(&s, drop_starts, d);
	assert_string_equal(d, "1#155");
	receive(&s, drop_every_other, d);
	assert_string_equal(d, "1#155");
}

/* A late packet of the previous press (an end retransmission overtaken) is not a new press. */
static void
test_reordering(void **state)
{
	(void)state;
	char d[64];
	build_presses(5000);
	/* Move the first press's last end packet after the second press's first packet. */
	unsigned end1 = 0;
	while (!(s.v[end1].p[1] & 0x80))
		end1++;
	end1 += 2;
	struct pkt late = s.v[end1];
	s.v[end1] = s.v[end1 + 1];
	s.v[end1 + 1] = late;
	receive(&s, NULL, d);
	assert_string_equal(d, "1#155");
}

/* A 20 s press is three segments with three timestamps, and one digit. */
static void
test_long_event(void **state)
{
	(void)state;
	char d[64];
	s.n = 0;
	press(&s, 100, 0, 160000);
	press(&s, 100 + 160000 + 800, 0, 800); /* then the same key, briefly */
	receive(&s, NULL, d);
	assert_string_equal(d, "00");
	/* The same with the last packets of every segment lost. */
	struct stream copy = s;
	s.n = 0;
	for (unsigned i = 0; i < copy.n; i++) {
		unsigned dur = (unsigned)copy.v[i].p[2] << 8 | copy.v[i].p[3];
		if (dur < 0xffff - 3 * UPDATE || (copy.v[i].p[1] & 0x80))
			s.v[s.n++] = copy.v[i];
	}
	receive(&s, NULL, d);
	assert_string_equal(d, "00");
}

static bool
drop_ends(unsigned i, const struct pkt *k)
{
	(void)i;
	return (k->p[1] & 0x80) != 0;
}

/*
 * Every end packet lost: the next press of the same key has a new timestamp, but its old
 * event never came near 0xFFFF units, so it is a new press and not a long event's segment.
 */
static void
test_lost_ends_same_key(void **state)
{
	(void)state;
	char d[64];
	build_presses(9);
	receive(&s, drop_ends, d);
	assert_string_equal(d, "1#155");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_build),	    cmocka_unit_test(test_digits),
		cmocka_unit_test(test_one_digit_per_press), cmocka_unit_test(test_loss),
		cmocka_unit_test(test_reordering),	    cmocka_unit_test(test_long_event),
		cmocka_unit_test(test_lost_ends_same_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
