/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_RTCP_H
#define MRFP_DP_RTCP_H

/*
 * RTCP (RFC 3550) as pure functions: receiver statistics for an input stream (A.1, A.3, A.8),
 * sender state for an output stream, SR/RR/SDES builders, a validating compound parser (A.2),
 * round-trip time (6.4.1) and the report interval (6.3). Plain RTCP only: the caller protects
 * and unprotects with SRTCP (libsrtp) and leaves room for it (4-byte index + tag).
 *
 * No allocation, logging or system calls: every function may run on the packet path. The state
 * structs are owned by one worker (the owner of the leg); no function here is safe to call on
 * the same state from two threads, and functions without state are callable from any thread.
 *
 * Time: NTP timestamps are 64-bit 32.32 fixed point (seconds since 1900 in the upper half);
 * "mid32" is its middle 32 bits (16.16), the unit of LSR, DLSR and round-trip times.
 */

#include <stddef.h>
#include <stdint.h>

enum mrfp_rtcp_pt {
	MRFP_RTCP_SR = 200,
	MRFP_RTCP_RR = 201,
	MRFP_RTCP_SDES = 202,
	MRFP_RTCP_BYE = 203,
	MRFP_RTCP_APP = 204,
};

#define MRFP_RTCP_MAX_BLOCKS 31 /* the 5-bit RC/SC field */
#define MRFP_RTCP_HDR_LEN 4
#define MRFP_RTCP_BLOCK_LEN 24
#define MRFP_RTCP_SR_LEN(n) (28 + MRFP_RTCP_BLOCK_LEN * (n)) /* header, SSRC, sender info */
#define MRFP_RTCP_RR_LEN(n) (8 + MRFP_RTCP_BLOCK_LEN * (n))
/* One chunk with a CNAME item, its terminating null and padding to a word (6.5). */
#define MRFP_RTCP_SDES_LEN(cname_len) (8 + (((cname_len) + 2 + 1 + 3) & ~(size_t)3))
#define MRFP_RTCP_MIN_INTERVAL_MS 5000u /* 6.2: the recommended minimum */

/* One reception report block (6.4.1), host order. */
struct mrfp_rtcp_report_block {
	uint32_t ssrc;		  /* the source this block is about */
	uint8_t fraction_lost;	  /* lost since the previous report, fixed point /256 */
	int32_t cumulative_lost;  /* 24-bit signed: -0x800000 .. 0x7fffff */
	uint32_t ext_highest_seq; /* cycles << 16 | highest sequence number received */
	uint32_t jitter;	  /* interarrival jitter, timestamp units */
	uint32_t lsr;		  /* mid32 of the last SR received from that source, 0 = none */
	uint32_t dlsr;		  /* delay since that SR, 1/65536 s */
};

/* The sender info section of an SR (6.4.1), host order. */
struct mrfp_rtcp_sender_info {
	uint32_t ntp_sec;
	uint32_t ntp_frac;
	uint32_t rtp_ts;  /* the same instant as the NTP timestamp, in RTP units */
	uint32_t packets; /* sender's packet count */
	uint32_t octets;  /* sender's payload octet count */
};

/* Receiver state of one input stream: RFC 3550 A.1 source, plus the A.8 jitter estimator. */
struct mrfp_rtcp_rx_stats {
	uint16_t max_seq;	 /* highest sequence number seen */
	uint32_t cycles;	 /* shifted count of sequence number cycles (n << 16) */
	uint32_t base_seq;	 /* first counted sequence number */
	uint32_t bad_seq;	 /* last 'bad' sequence number + 1 (a restart candidate) */
	uint32_t probation;	 /* sequential packets still needed before the source is valid */
	uint32_t received;	 /* packets counted (duplicates included, as in A.1) */
	uint32_t expected_prior; /* at the last report block */
	uint32_t received_prior; /* at the last report block */
	uint32_t transit;	 /* relative transit time of the previous packet (A.8) */
	uint32_t jitter;	 /* estimated jitter, timestamp units << 4 (A.8 integer form) */
	uint8_t have_transit;	 /* transit holds a sample (the first packet gives no difference) */
};

/*
 * Start the statistics of a newly heard source whose first packet has sequence number seq; the
 * caller then passes that same packet to rtcp_rx_update. The source is on probation until
 * two packets arrive in sequence (A.1 MIN_SEQUENTIAL). Thread safety: caller owns s.
 */
void rtcp_rx_init(struct mrfp_rtcp_rx_stats *s, uint16_t seq);

/*
 * Account one received RTP packet (A.1 update_seq, then A.8 jitter for counted packets).
 * arrival_in_ts_units is the arrival time on a clock at the stream's RTP clock rate (any
 * origin). Returns 0 when the packet is counted, -EAGAIN while the source is on probation,
 * -ERANGE for a sequence jump larger than A.1 MAX_DROPOUT (a second packet that follows it
 * in sequence restarts the statistics). Thread safety: caller owns s.
 */
int rtcp_rx_update(struct mrfp_rtcp_rx_stats *s, uint16_t seq, uint32_t rtp_ts,
		   uint32_t arrival_in_ts_units);

/*
 * Fill a report block about source ssrc (A.3): cumulative loss clamped to 24 bits signed, loss
 * fraction since the previous call (which this call resets). lsr and dlsr are copied through.
 * Thread safety: caller owns s.
 */
void rtcp_rx_report_block(struct mrfp_rtcp_rx_stats *s, uint32_t ssrc, uint32_t lsr, uint32_t dlsr,
			  struct mrfp_rtcp_report_block *out);

/* Sender state of one output stream, for its SRs. */
struct mrfp_rtcp_tx_stats {
	uint32_t packets;     /* RTP packets sent (wraps, 6.4.1) */
	uint32_t octets;      /* RTP payload octets sent, no header or padding (wraps) */
	uint32_t last_rtp_ts; /* RTP timestamp of the last packet sent */
	uint64_t last_ntp;    /* wallclock (NTP) at which last_rtp_ts was sampled */
};

/* Zero the sender state of a new output stream. Thread safety: caller owns t. */
void rtcp_tx_init(struct mrfp_rtcp_tx_stats *t);

/* Account one RTP packet sent at wallclock now_ntp. Thread safety: caller owns t. */
void rtcp_tx_update(struct mrfp_rtcp_tx_stats *t, uint32_t rtp_ts, uint32_t payload_len,
		    uint64_t now_ntp);

/*
 * Sender info for an SR sent at now_ntp: the RTP timestamp is the last one sent, advanced by
 * the wallclock elapsed since, at clock_rate Hz (6.4.1: both timestamps name the same instant).
 * Thread safety: caller owns t (read only).
 */
void rtcp_tx_sender_info(const struct mrfp_rtcp_tx_stats *t, uint64_t now_ntp, uint32_t clock_rate,
			 struct mrfp_rtcp_sender_info *si);

/*
 * Builders: write one RTCP packet into buf (network order, a whole number of 32-bit words,
 * no P bit) and return its length in bytes; -ENOSPC if it does not fit in len, -EINVAL for
 * more than MRFP_RTCP_MAX_BLOCKS blocks or a CNAME longer than 255 bytes. The caller keeps
 * room after it for SRTCP. Thread safety: any thread.
 */
int rtcp_build_sr(uint8_t *buf, size_t len, uint32_t ssrc, uint32_t ntp_sec, uint32_t ntp_frac,
		  uint32_t rtp_ts, uint32_t packets, uint32_t octets,
		  const struct mrfp_rtcp_report_block *blocks, unsigned int n);
int rtcp_build_rr(uint8_t *buf, size_t len, uint32_t ssrc,
		  const struct mrfp_rtcp_report_block *blocks, unsigned int n);
/* An SDES packet with one chunk holding the CNAME item only (6.5.1). */
int rtcp_build_sdes(uint8_t *buf, size_t len, uint32_t ssrc, const char *cname, size_t cname_len);
/*
 * A compound packet (6.1): an SR when si is not NULL, else an RR, followed by the SDES CNAME.
 * Same returns as the builders above.
 */
int rtcp_build_compound(uint8_t *buf, size_t len, uint32_t ssrc,
			const struct mrfp_rtcp_sender_info *si,
			const struct mrfp_rtcp_report_block *blocks, unsigned int n,
			const char *cname, size_t cname_len);

/* Why a received compound packet was rejected (A.2); X-macro feeding the enum and the names. */
#define MRFP_RTCP_ERRORS(X)                                                                        \
	X(OK, "ok")                                                                                \
	X(TRUNCATED, "truncated")		/* < 4 bytes where a packet header is due */       \
	X(BAD_VERSION, "bad_version")		/* a packet's version is not 2 */                  \
	X(FIRST_NOT_SR_RR, "first_not_sr_rr")	/* the compound does not start with SR or RR */    \
	X(LENGTH_OVERRUN, "length_overrun")	/* a length field runs past the buffer */          \
	X(PADDING_NOT_LAST, "padding_not_last") /* P bit set on a packet other than the last */    \
	X(BAD_PADDING, "bad_padding")		/* pad count 0 or larger than the packet */        \
	X(SHORT_PACKET, "short_packet")		/* SR/RR/BYE shorter than its count requires */

enum mrfp_rtcp_err {
#define MRFP_RTCP_ERR_ENUM(name, str) MRFP_RTCP_ERR_##name,
	MRFP_RTCP_ERRORS(MRFP_RTCP_ERR_ENUM)
#undef MRFP_RTCP_ERR_ENUM
		MRFP_RTCP_ERR_COUNT
};

/* Name of a parse error for counters; "invalid" out of range. Thread safety: any thread. */
const char *rtcp_err_name(enum mrfp_rtcp_err err);

#define MRFP_RTCP_PARSE_MAX_BLOCKS 31
#define MRFP_RTCP_PARSE_MAX_BYE 31

/* What a received compound packet says; filled by rtcp_parse, owned by the caller. */
struct mrfp_rtcp_parsed {
	uint32_t ssrc;	   /* sender of the first SR/RR */
	uint8_t has_sr;	   /* si and lsr are valid */
	uint8_t n_blocks;  /* report blocks stored, from every SR/RR in the compound */
	uint8_t n_bye;	   /* SSRCs stored from BYE packets */
	uint8_t n_skipped; /* blocks or BYE SSRCs beyond the arrays (counted, not stored) */
	struct mrfp_rtcp_sender_info si; /* of the first SR */
	uint32_t lsr; /* mid32 of si's NTP timestamp: the LSR to echo in our reports */
	struct mrfp_rtcp_report_block blocks[MRFP_RTCP_PARSE_MAX_BLOCKS]; /* lsr/dlsr: as sent */
	uint32_t bye_ssrc[MRFP_RTCP_PARSE_MAX_BYE];
};

/*
 * Validate a compound RTCP packet (after SRTCP unprotect) per A.2 and extract the first SR's
 * sender info, every report block (the caller matches block.ssrc to its output streams) and
 * BYE SSRCs; SDES, APP and unknown types are skipped. Never reads outside buf[0, len).
 * The caller records the arrival time with lsr to compute DLSR (rtcp_dlsr).
 * Returns MRFP_RTCP_ERR_OK, or the reason the packet was rejected (out is then partial).
 * Thread safety: any thread.
 */
enum mrfp_rtcp_err rtcp_parse(const uint8_t *buf, size_t len, struct mrfp_rtcp_parsed *out);

/* Middle 32 bits of an NTP timestamp (16.16 seconds). */
static inline uint32_t
mrfp_rtcp_ntp_mid32(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

/* DLSR: delay from an SR's arrival to now, 1/65536 s (6.4.1). Thread safety: any thread. */
uint32_t rtcp_dlsr(uint64_t sr_arrival_ntp, uint64_t now_ntp);

/*
 * Round-trip time from a report block about one of our streams (6.4.1: A - LSR - DLSR), in
 * 1/65536 s; 0 if the peer has not received an SR yet (lsr == 0) or its DLSR exceeds the time
 * elapsed (bad clock). Thread safety: any thread.
 */
uint32_t rtcp_rtt(uint32_t now_ntp_mid32, uint32_t lsr, uint32_t dlsr);

/* 1/65536 s to milliseconds (rounded down). Thread safety: any thread. */
uint32_t rtcp_mid32_to_ms(uint32_t units);

/* A jitter in timestamp units to milliseconds at clock_rate Hz; 0 if clock_rate is 0. */
uint32_t rtcp_ts_to_ms(uint32_t ts_units, uint32_t clock_rate);

/*
 * Delay until the next report, in ms (6.3, simplified): the deterministic interval td_ms,
 * raised to the 5 s minimum (halved for the first report, 6.2), scaled by a factor in
 * [0.5, 1.5) taken from rnd, a uniformly random 32-bit number that the caller supplies.
 * Thread safety: any thread.
 */
uint32_t rtcp_next_interval_ms(uint32_t td_ms, int initial, uint32_t rnd);

#endif
