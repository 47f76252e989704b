/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP reports and statistics (RFC 3550): pure functions over caller-owned state and buffers,
 * so they run on the packet path and in unit tests alike. See rtcp.h for the contract.
 */
#include <errno.h>
#include <string.h>

#include "rtcp.h"

/* A.1 constants. */
#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100
#define MIN_SEQUENTIAL 2

/*
 * Largest |D| fed to the A.8 estimator. The integer estimate converges to 16 |D|, so bounding
 * |D| by 2^27 keeps it below 2^31; a larger transit step (over an hour at 48 kHz) is a clock
 * jump, not jitter.
 */
#define JITTER_MAX_D (1u << 27)

#define CUM_LOST_MAX 0x7fffff
#define CUM_LOST_MIN (-0x800000)

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

/* ---- receiver statistics (A.1, A.3, A.8) ---- */

/*
 * A.1 init_seq. The transit baseline goes too: after a restart the sender's timestamps
 * usually restart as well, and one difference across the jump would dominate the estimate.
 */
static void
init_seq(struct mrfp_rtcp_rx_stats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
	s->have_transit = 0;
}

void
rtcp_rx_init(struct mrfp_rtcp_rx_stats *s, uint16_t seq)
{
	memset(s, 0, sizeof(*s));
	init_seq(s, seq);
	s->max_seq = seq - 1;
	s->probation = MIN_SEQUENTIAL;
}

/*
 * A.1 probation: MIN_SEQUENTIAL packets in sequence validate the source. The RFC's
 * seq == max_seq + 1 is done in 16 bits here so that a probation across 65535 -> 0 succeeds.
 */
static int
update_probation(struct mrfp_rtcp_rx_stats *s, uint16_t seq)
{
	if (seq != (uint16_t)(s->max_seq + 1)) {
		s->probation = MIN_SEQUENTIAL - 1;
		s->max_seq = seq;
		return -EAGAIN;
	}
	s->probation--;
	s->max_seq = seq;
	if (s->probation > 0)
		return -EAGAIN;
	init_seq(s, seq);
	s->received++;
	return 0;
}

/* A.1 update_seq for a validated source. */
static int
update_seq(struct mrfp_rtcp_rx_stats *s, uint16_t seq)
{
	uint16_t udelta = seq - s->max_seq;

	if (s->probation)
		return update_probation(s, seq);
	if (udelta < MAX_DROPOUT) {
		/* in order, with a permissible gap */
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		s->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
		/* a very large jump: restart only if the next packet follows this one */
		if (seq != s->bad_seq) {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return -ERANGE;
		}
		init_seq(s, seq);
	}
	/* else a duplicate or reordered packet: counted, as A.1 does */
	s->received++;
	return 0;
}

/* A.8, integer form: jitter is kept << 4 and sampled as jitter >> 4. */
static void
update_jitter(struct mrfp_rtcp_rx_stats *s, uint32_t rtp_ts, uint32_t arrival)
{
	uint32_t transit = arrival - rtp_ts;
	int32_t d = (int32_t)(transit - s->transit);
	uint32_t ad = d < 0 ? -(uint32_t)d : (uint32_t)d;

	s->transit = transit;
	if (!s->have_transit) {
		s->have_transit = 1;
		return;
	}
	if (ad > JITTER_MAX_D)
		ad = JITTER_MAX_D;
	/* never negative: (j + 8) >> 4 <= j for every j >= 0 */
	s->jitter += ad - ((s->jitter + 8) >> 4);
}

int
rtcp_rx_update(struct mrfp_rtcp_rx_stats *s, uint16_t seq, uint32_t rtp_ts,
	       uint32_t arrival_in_ts_units)
{
	int rc = update_seq(s, seq);

	if (rc == 0)
		update_jitter(s, rtp_ts, arrival_in_ts_units);
	return rc;
}

static int32_t
clamp_cum_lost(int64_t lost)
{
	if (lost > CUM_LOST_MAX)
		return CUM_LOST_MAX;
	if (lost < CUM_LOST_MIN)
		return CUM_LOST_MIN;
	return (int32_t)lost;
}

/* A.3: fraction lost over the interval since the previous report, then start a new interval. */
static uint8_t
interval_fraction(struct mrfp_rtcp_rx_stats *s, uint32_t expected)
{
	uint32_t expected_interval = expected - s->expected_prior;
	uint32_t received_interval = s->received - s->received_prior;
	int64_t lost_interval = (int64_t)expected_interval - received_interval;
	uint64_t fraction;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (expected_interval == 0 || lost_interval <= 0)
		return 0;
	fraction = ((uint64_t)lost_interval << 8) / expected_interval;
	/* 256 (all lost) does not fit the 8-bit field */
	return fraction > 255 ? 255 : (uint8_t)fraction;
}

void
rtcp_rx_report_block(struct mrfp_rtcp_rx_stats *s, uint32_t ssrc, uint32_t lsr, uint32_t dlsr,
		     struct mrfp_rtcp_report_block *out)
{
	uint32_t extended_max = s->cycles + s->max_seq;
	uint32_t expected = extended_max - s->base_seq + 1;

	out->ssrc = ssrc;
	out->cumulative_lost = clamp_cum_lost((int64_t)expected - s->received);
	out->fraction_lost = interval_fraction(s, expected);
	out->ext_highest_seq = extended_max;
	out->jitter = s->jitter >> 4;
	out->lsr = lsr;
	out->dlsr = dlsr;
}

/* ---- sender state ---- */

void
rtcp_tx_init(struct mrfp_rtcp_tx_stats *t)
{
	memset(t, 0, sizeof(*t));
}

void
rtcp_tx_update(struct mrfp_rtcp_tx_stats *t, uint32_t rtp_ts, uint32_t payload_len,
	       uint64_t now_ntp)
{
	t->packets++;
	t->octets += payload_len;
	t->last_rtp_ts = rtp_ts;
	t->last_ntp = now_ntp;
}

/* NTP 32.32 interval to RTP units; seconds and fraction apart so nothing overflows 64 bits. */
static uint32_t
ntp_to_ts_units(uint64_t elapsed, uint32_t clock_rate)
{
	uint32_t whole = (uint32_t)(elapsed >> 32) * clock_rate;
	uint32_t part = (uint32_t)(((elapsed & 0xffffffffu) * clock_rate) >> 32);

	return whole + part;
}

void
rtcp_tx_sender_info(const struct mrfp_rtcp_tx_stats *t, uint64_t now_ntp, uint32_t clock_rate,
		    struct mrfp_rtcp_sender_info *si)
{
	uint64_t elapsed = now_ntp > t->last_ntp ? now_ntp - t->last_ntp : 0;

	si->ntp_sec = (uint32_t)(now_ntp >> 32);
	si->ntp_frac = (uint32_t)now_ntp;
	si->rtp_ts = t->last_rtp_ts + ntp_to_ts_units(elapsed, clock_rate);
	si->packets = t->packets;
	si->octets = t->octets;
}

/* ---- builders (6.4.1, 6.4.2, 6.5) ---- */

/* Common header: V=2, P=0, count, PT, length in words minus one. */
static void
put_header(uint8_t *p, unsigned int count, uint8_t pt, size_t bytes)
{
	p[0] = 0x80 | count;
	p[1] = pt;
	p[2] = (bytes / 4 - 1) >> 8;
	p[3] = (bytes / 4 - 1) & 0xff;
}

static uint8_t *
put_block(uint8_t *p, const struct mrfp_rtcp_report_block *b)
{
	uint32_t lost = (uint32_t)clamp_cum_lost(b->cumulative_lost) & 0xffffff;

	p = put32(p, b->ssrc);
	p = put32(p, (uint32_t)b->fraction_lost << 24 | lost);
	p = put32(p, b->ext_highest_seq);
	p = put32(p, b->jitter);
	p = put32(p, b->lsr);
	return put32(p, b->dlsr);
}

static uint8_t *
put_blocks(uint8_t *p, const struct mrfp_rtcp_report_block *blocks, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p = put_block(p, &blocks[i]);
	return p;
}

int
rtcp_build_sr(uint8_t *buf, size_t len, uint32_t ssrc, uint32_t ntp_sec, uint32_t ntp_frac,
	      uint32_t rtp_ts, uint32_t packets, uint32_t octets,
	      const struct mrfp_rtcp_report_block *blocks, unsigned int n)
{
	size_t need = MRFP_RTCP_SR_LEN(n);
	uint8_t *p = buf + MRFP_RTCP_HDR_LEN;

	if (n > MRFP_RTCP_MAX_BLOCKS)
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	put_header(buf, n, MRFP_RTCP_SR, need);
	p = put32(p, ssrc);
	p = put32(p, ntp_sec);
	p = put32(p, ntp_frac);
	p = put32(p, rtp_ts);
	p = put32(p, packets);
	p = put32(p, octets);
	put_blocks(p, blocks, n);
	return (int)need;
}

int
rtcp_build_rr(uint8_t *buf, size_t len, uint32_t ssrc, const struct mrfp_rtcp_report_block *blocks,
	      unsigned int n)
{
	size_t need = MRFP_RTCP_RR_LEN(n);

	if (n > MRFP_RTCP_MAX_BLOCKS)
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	put_header(buf, n, MRFP_RTCP_RR, need);
	put_blocks(put32(buf + MRFP_RTCP_HDR_LEN, ssrc), blocks, n);
	return (int)need;
}

/* 6.5: one chunk, the CNAME item, then null octets: at least one, up to the next word. */
int
rtcp_build_sdes(uint8_t *buf, size_t len, uint32_t ssrc, const char *cname, size_t cname_len)
{
	size_t need;
	uint8_t *p;

	if (cname_len > 255)
		return -EINVAL;
	need = MRFP_RTCP_SDES_LEN(cname_len);
	if (len < need)
		return -ENOSPC;
	put_header(buf, 1, MRFP_RTCP_SDES, need);
	p = put32(buf + MRFP_RTCP_HDR_LEN, ssrc);
	*p++ = 1; /* CNAME */
	*p++ = (uint8_t)cname_len;
	memcpy(p, cname, cname_len);
	p += cname_len;
	memset(p, 0, (size_t)(buf + need - p));
	return (int)need;
}

int
rtcp_build_compound(uint8_t *buf, size_t len, uint32_t ssrc, const struct mrfp_rtcp_sender_info *si,
		    const struct mrfp_rtcp_report_block *blocks, unsigned int n, const char *cname,
		    size_t cname_len)
{
	int first, sdes;

	if (si)
		first = rtcp_build_sr(buf, len, ssrc, si->ntp_sec, si->ntp_frac, si->rtp_ts,
				      si->packets, si->octets, blocks, n);
	else
		first = rtcp_build_rr(buf, len, ssrc, blocks, n);
	if (first < 0)
		return first;
	sdes = rtcp_build_sdes(buf + first, len - (size_t)first, ssrc, cname, cname_len);
	if (sdes < 0)
		return sdes;
	return first + sdes;
}

/* ---- parser (A.2) ---- */

static const char *const err_names[] = {
#define MRFP_RTCP_ERR_NAME(name, str) [MRFP_RTCP_ERR_##name] = str,
	MRFP_RTCP_ERRORS(MRFP_RTCP_ERR_NAME)
#undef MRFP_RTCP_ERR_NAME
};

const char *
rtcp_err_name(enum mrfp_rtcp_err err)
{
	if ((unsigned int)err >= MRFP_RTCP_ERR_COUNT)
		return "invalid";
	return err_names[err];
}

/* One packet of a compound, framed: p[0, len) excludes its padding. */
struct rtcp_pkt {
	const uint8_t *p;
	size_t len;
	unsigned int count; /* RC/SC field */
};

static void
get_block(const uint8_t *p, struct mrfp_rtcp_report_block *b)
{
	uint32_t lost = get32(p + 4) & 0xffffff;

	b->ssrc = get32(p);
	b->fraction_lost = p[4];
	/* sign-extend the 24-bit field */
	b->cumulative_lost = (int32_t)(lost ^ 0x800000) - 0x800000;
	b->ext_highest_seq = get32(p + 8);
	b->jitter = get32(p + 12);
	b->lsr = get32(p + 16);
	b->dlsr = get32(p + 20);
}

/* Report blocks beyond the caller's array are counted, not stored. */
static void
get_blocks(const uint8_t *p, unsigned int n, struct mrfp_rtcp_parsed *out)
{
	for (unsigned int i = 0; i < n; i++, p += MRFP_RTCP_BLOCK_LEN) {
		if (out->n_blocks == MRFP_RTCP_PARSE_MAX_BLOCKS) {
			out->n_skipped++;
			continue;
		}
		get_block(p, &out->blocks[out->n_blocks++]);
	}
}

/* Content after the blocks is a profile-specific extension (6.4.3): allowed and skipped. */
static enum mrfp_rtcp_err
parse_sr(const struct rtcp_pkt *pkt, struct mrfp_rtcp_parsed *out)
{
	const uint8_t *p = pkt->p;

	if (pkt->len < (size_t)MRFP_RTCP_SR_LEN(pkt->count))
		return MRFP_RTCP_ERR_SHORT_PACKET;
	if (!out->has_sr) {
		out->has_sr = 1;
		out->si.ntp_sec = get32(p + 8);
		out->si.ntp_frac = get32(p + 12);
		out->si.rtp_ts = get32(p + 16);
		out->si.packets = get32(p + 20);
		out->si.octets = get32(p + 24);
		out->lsr = out->si.ntp_sec << 16 | out->si.ntp_frac >> 16;
	}
	get_blocks(p + MRFP_RTCP_SR_LEN(0), pkt->count, out);
	return MRFP_RTCP_ERR_OK;
}

static enum mrfp_rtcp_err
parse_rr(const struct rtcp_pkt *pkt, struct mrfp_rtcp_parsed *out)
{
	if (pkt->len < (size_t)MRFP_RTCP_RR_LEN(pkt->count))
		return MRFP_RTCP_ERR_SHORT_PACKET;
	get_blocks(pkt->p + MRFP_RTCP_RR_LEN(0), pkt->count, out);
	return MRFP_RTCP_ERR_OK;
}

/* 6.6: SC SSRCs, then an optional reason that is not needed here. */
static enum mrfp_rtcp_err
parse_bye(const struct rtcp_pkt *pkt, struct mrfp_rtcp_parsed *out)
{
	if (pkt->len < MRFP_RTCP_HDR_LEN + 4 * (size_t)pkt->count)
		return MRFP_RTCP_ERR_SHORT_PACKET;
	for (unsigned int i = 0; i < pkt->count; i++) {
		if (out->n_bye == MRFP_RTCP_PARSE_MAX_BYE) {
			out->n_skipped++;
			continue;
		}
		out->bye_ssrc[out->n_bye++] = get32(pkt->p + MRFP_RTCP_HDR_LEN + 4 * i);
	}
	return MRFP_RTCP_ERR_OK;
}

typedef enum mrfp_rtcp_err (*pkt_parser)(const struct rtcp_pkt *pkt, struct mrfp_rtcp_parsed *out);

/* Indexed by PT - 200; NULL (SDES, APP) and types outside the table are skipped. */
static const pkt_parser parsers[] = {
	[MRFP_RTCP_SR - MRFP_RTCP_SR] = parse_sr,
	[MRFP_RTCP_RR - MRFP_RTCP_SR] = parse_rr,
	[MRFP_RTCP_BYE - MRFP_RTCP_SR] = parse_bye,
};

/*
 * Frame the packet at buf[0, rest): version, length within the buffer, padding. *size is the
 * whole packet's size, pkt the content without padding.
 */
static enum mrfp_rtcp_err
frame_packet(const uint8_t *buf, size_t rest, struct rtcp_pkt *pkt, size_t *size)
{
	size_t pad = 0;

	if (rest < MRFP_RTCP_HDR_LEN)
		return MRFP_RTCP_ERR_TRUNCATED;
	if ((buf[0] >> 6) != 2)
		return MRFP_RTCP_ERR_BAD_VERSION;
	*size = ((size_t)buf[2] << 8 | buf[3]) * 4 + 4;
	if (*size > rest)
		return MRFP_RTCP_ERR_LENGTH_OVERRUN;
	if (buf[0] & 0x20) {
		if (*size != rest)
			return MRFP_RTCP_ERR_PADDING_NOT_LAST;
		pad = buf[*size - 1];
		if (pad == 0 || pad > *size - MRFP_RTCP_HDR_LEN)
			return MRFP_RTCP_ERR_BAD_PADDING;
	}
	pkt->p = buf;
	pkt->len = *size - pad;
	pkt->count = buf[0] & 0x1f;
	return MRFP_RTCP_ERR_OK;
}

/* The packet at buf[0, rest): frame it, then hand it to its type's parser. */
static enum mrfp_rtcp_err
parse_packet(const uint8_t *buf, size_t rest, struct mrfp_rtcp_parsed *out, size_t *size)
{
	struct rtcp_pkt pkt;
	enum mrfp_rtcp_err err = frame_packet(buf, rest, &pkt, size);
	unsigned int idx = (unsigned int)buf[1] - MRFP_RTCP_SR;

	if (err != MRFP_RTCP_ERR_OK)
		return err;
	if (idx >= sizeof(parsers) / sizeof(parsers[0]) || parsers[idx] == NULL)
		return MRFP_RTCP_ERR_OK;
	return parsers[idx](&pkt, out);
}

/*
 * A.2, with one relaxation: P is accepted on the first packet when it is also the last (the
 * A.2 mask rejects it there only because a compound normally continues with an SDES).
 */
enum mrfp_rtcp_err
rtcp_parse(const uint8_t *buf, size_t len, struct mrfp_rtcp_parsed *out)
{
	enum mrfp_rtcp_err err;
	size_t off = 0, size;

	out->ssrc = 0;
	out->has_sr = 0;
	out->n_blocks = 0;
	out->n_bye = 0;
	out->n_skipped = 0;
	out->lsr = 0;
	if (len < MRFP_RTCP_HDR_LEN)
		return MRFP_RTCP_ERR_TRUNCATED;
	if ((buf[0] >> 6) != 2)
		return MRFP_RTCP_ERR_BAD_VERSION;
	if (buf[1] != MRFP_RTCP_SR && buf[1] != MRFP_RTCP_RR)
		return MRFP_RTCP_ERR_FIRST_NOT_SR_RR;
	while (off < len) {
		err = parse_packet(buf + off, len - off, out, &size);
		if (err != MRFP_RTCP_ERR_OK)
			return err;
		off += size;
	}
	/* the first packet passed its SR/RR length check, so its SSRC is inside the buffer */
	out->ssrc = get32(buf + MRFP_RTCP_HDR_LEN);
	return MRFP_RTCP_ERR_OK;
}

/* ---- time (6.4.1) and interval (6.2, 6.3) ---- */

uint32_t
rtcp_dlsr(uint64_t sr_arrival_ntp, uint64_t now_ntp)
{
	uint64_t d;

	if (now_ntp <= sr_arrival_ntp)
		return 0;
	d = (now_ntp - sr_arrival_ntp) >> 16;
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

uint32_t
rtcp_rtt(uint32_t now_ntp_mid32, uint32_t lsr, uint32_t dlsr)
{
	uint32_t elapsed = now_ntp_mid32 - lsr; /* modulo 2^32, as the field wraps */

	if (lsr == 0 || dlsr > elapsed)
		return 0;
	return elapsed - dlsr;
}

uint32_t
rtcp_mid32_to_ms(uint32_t units)
{
	return (uint32_t)(((uint64_t)units * 1000) >> 16);
}

uint32_t
rtcp_ts_to_ms(uint32_t ts_units, uint32_t clock_rate)
{
	if (clock_rate == 0)
		return 0;
	return (uint32_t)((uint64_t)ts_units * 1000 / clock_rate);
}

/*
 * No timer reconsideration (6.3.3), hence no e - 3/2 compensation: each leg has two members
 * and a fixed role, so membership never changes the interval and the minimum always wins at
 * audio bandwidths (5 % of 64 kbit/s carries a 100-byte report every 0.25 s).
 */
uint32_t
rtcp_next_interval_ms(uint32_t td_ms, int initial, uint32_t rnd)
{
	uint64_t td = td_ms < MRFP_RTCP_MIN_INTERVAL_MS ? MRFP_RTCP_MIN_INTERVAL_MS : td_ms;
	uint64_t t;

	if (initial)
		td /= 2;
	t = td / 2 + ((td * rnd) >> 32);
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}
