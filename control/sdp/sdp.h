/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_SDP_H
#define MRFP_CTL_SDP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrfp_srtp.h"
#include "mrfp_types.h"

/*
 * SDP (RFC 4566) for one audio stream as it travels in an H.248 Local or Remote descriptor,
 * with RFC 4568 SDES a=crypto lines. H.248.1 (7.1.8) lets the MGC leave out o=, s= and t=
 * and write CHOOSE ('$') for the address and port; H.248.77 (7.2) lets it write '$' for the
 * Local key, which mrfpd then generates and returns.
 *
 * Key direction (DESIGN.md): a Remote a=crypto is the participant's send key, a Local one is
 * mrfpd's send key toward it. Decoded keys live only in struct mrfp_sdp_crypto, which the
 * caller wipes with sdp_wipe(). Nothing here logs, and no error text quotes the input.
 *
 * All functions: control thread (or any thread on its own structs); no allocation.
 */

#define MRFP_SDP_MAX_LEN 8192 /* one session description, as the descriptor carries it */
#define MRFP_SDP_MAX_LINE 512 /* one line without its end: an a=crypto line is ~120 */
#define MRFP_SDP_MAX_FMT 16   /* payload types on the m= line */
#define MRFP_SDP_MAX_CRYPTO 8 /* a=crypto lines, counting the ones skipped as unsupported */
#define MRFP_SDP_CODEC_NAME_MAX 32
#define MRFP_SDP_FMTP_MAX 160 /* one a=fmtp value after the payload type */

/*
 * Why a description was refused: code, errno returned by the parser, text. The text is fixed
 * (it never quotes the input, which may carry a key) and fit for an H.248 ErrorDescriptor.
 * The last group is the secure-conference policy of sdp_secure_select().
 */
#define MRFP_SDP_ERRORS(X)                                                                         \
	X(NONE, 0, "no error")                                                                     \
	X(TOO_LONG, E2BIG, "SDP too long")                                                         \
	X(LINE_TOO_LONG, E2BIG, "SDP line too long")                                               \
	X(SYNTAX, EINVAL, "malformed SDP line")                                                    \
	X(VERSION, EINVAL, "SDP must start with v=0")                                              \
	X(ORIGIN, EINVAL, "malformed o= line")                                                     \
	X(TIME, EINVAL, "malformed t= line")                                                       \
	X(CONNECTION, EINVAL, "malformed c= line")                                                 \
	X(ADDR_TYPE, ENOTSUP, "unsupported c= address (IN IP4/IP6 unicast only)")                  \
	X(NO_ADDRESS, EINVAL, "no c= line for the media")                                          \
	X(NO_MEDIA, EINVAL, "no m= line")                                                          \
	X(MULTI_MEDIA, ENOTSUP, "more than one m= line")                                           \
	X(MEDIA, EINVAL, "malformed m= line")                                                      \
	X(MEDIA_TYPE, ENOTSUP, "unsupported media type (audio only)")                              \
	X(PORT, EINVAL, "bad port in m= line")                                                     \
	X(PROTO, ENOTSUP, "unsupported transport protocol")                                        \
	X(PAYLOAD, EINVAL, "bad payload type list")                                                \
	X(MISPLACED, EINVAL, "media attribute before m=")                                          \
	X(RTPMAP, EINVAL, "malformed a=rtpmap")                                                    \
	X(PTIME, EINVAL, "malformed a=ptime")                                                      \
	X(FMTP, EINVAL, "malformed or duplicate a=fmtp")                                           \
	X(DIRECTION, EINVAL, "conflicting direction attributes")                                   \
	X(FLAG_ATTR, EINVAL, "value on a flag attribute")                                          \
	X(CHOOSE, ENOTSUP, "CHOOSE ($) only allowed for address, port and key")                    \
	X(CRYPTO, EINVAL, "malformed a=crypto")                                                    \
	X(CRYPTO_TAG, EINVAL, "bad or duplicate a=crypto tag")                                     \
	X(TOO_MANY_CRYPTO, E2BIG, "too many a=crypto lines")                                       \
	X(SUITE, ENOTSUP, "unsupported crypto suite")                                              \
	X(KEY_METHOD, ENOTSUP, "unsupported key parameters (one inline key only)")                 \
	X(KEY_BASE64, EINVAL, "SRTP key is not canonical base64")                                  \
	X(KEY_LENGTH, EINVAL, "SRTP key length does not match the crypto suite")                   \
	X(LIFETIME, EINVAL, "bad SRTP key lifetime")                                               \
	X(MKI, EINVAL, "bad MKI")                                                                  \
	X(MKI_VALUE, ENOTSUP, "unsupported MKI value (over 64 bits)")                              \
	X(SESSION_PARAM, EINVAL, "malformed a=crypto session parameter")                           \
	X(SESSION_PARAM_UNSUPP, ENOTSUP, "unsupported a=crypto session parameter")                 \
	X(NOT_SECURE, EPROTO, "stream is not SRTP (RTP/SAVP or RTP/SAVPF required)")               \
	X(NO_CRYPTO, ENOKEY, "stream has no a=crypto line")                                        \
	X(WEAKENED, ENOTSUP, "a=crypto turns off SRTP encryption or authentication")

enum mrfp_sdp_err {
#define MRFP_SDP_ERR_ENUM(name, err, text) MRFP_SDP_ERR_##name,
	MRFP_SDP_ERRORS(MRFP_SDP_ERR_ENUM)
#undef MRFP_SDP_ERR_ENUM
		MRFP_SDP_ERR_COUNT
};

/* Where and why. line is 1-based within the description, 0 when not tied to a line. */
struct mrfp_sdp_error {
	enum mrfp_sdp_err code;
	unsigned int line;
};

enum mrfp_sdp_proto {
	MRFP_SDP_PROTO_RTP_AVP = 0, /* parsed, then refused by sdp_secure_select() */
	MRFP_SDP_PROTO_RTP_AVPF,
	MRFP_SDP_PROTO_RTP_SAVP,
	MRFP_SDP_PROTO_RTP_SAVPF,
	MRFP_SDP_PROTO_COUNT
};

/* RFC 4566 6: the direction the describing side sends and receives in; sendrecv if absent. */
enum mrfp_sdp_dir {
	MRFP_SDP_DIR_SENDRECV = 0,
	MRFP_SDP_DIR_SENDONLY,
	MRFP_SDP_DIR_RECVONLY,
	MRFP_SDP_DIR_INACTIVE,
	MRFP_SDP_DIR_COUNT
};

/* One payload type of the m= line, with its a=rtpmap or the RFC 3551 static assignment. */
struct mrfp_sdp_fmt {
	uint8_t pt;			    /* 0-127 */
	uint8_t channels;		    /* 1 unless the rtpmap says otherwise */
	uint32_t rate;			    /* clock rate; 0 = dynamic PT without a=rtpmap */
	char name[MRFP_SDP_CODEC_NAME_MAX]; /* "PCMU", "opus", ...; "" = unknown */
	char fmtp[MRFP_SDP_FMTP_MAX];	    /* its a=fmtp parameters as written; "" = none */
};

/* RFC 4568 6.3 session parameters that change what SRTP does. */
#define MRFP_SDP_UNENCRYPTED_SRTP (1u << 0)
#define MRFP_SDP_UNENCRYPTED_SRTCP (1u << 1)
#define MRFP_SDP_UNAUTHENTICATED_SRTP (1u << 2)
#define MRFP_SDP_FEC_SRTP_FEC (1u << 3) /* FEC_ORDER=SRTP_FEC (default FEC_SRTP) */

/*
 * One a=crypto line with a single inline key. Wipe with sdp_wipe() (or
 * mrfp_srtp_key_wipe on .key) before it goes.
 */
struct mrfp_sdp_crypto {
	uint32_t tag; /* 0-999999999 */
	enum mrfp_srtp_suite suite;
	bool key_choose;	  /* "inline:$": mrfpd generates the key (H.248.77) */
	struct mrfp_srtp_key key; /* decoded key||salt; zero when key_choose */
	uint64_t lifetime;	  /* master key lifetime in packets; 0 = not given */
	uint64_t mki;		  /* MKI value, meaningful when mki_len > 0 */
	uint8_t mki_len;	  /* MKI field bytes in each packet (1-128), 0 = no MKI */
	uint8_t kdr;		  /* KDR=n: derivation every 2^n packets; 0 = not given */
	uint32_t wsh;		  /* WSH replay window hint (>= 64); 0 = not given */
	uint32_t flags;		  /* MRFP_SDP_UNENCRYPTED_SRTP, ... */
};

/* One media stream. Addresses in network order, as struct mrfp_addr has them. */
struct mrfp_sdp {
	/* c= (media level over session level) and the m= port: addr.family is known even
	 * when addr_choose ("c=IN IP6 $"), addr.port is 0 when port_choose. */
	struct mrfp_addr addr;
	bool addr_choose;
	bool port_choose;
	bool rtcp_mux;
	enum mrfp_sdp_proto proto;
	enum mrfp_sdp_dir dir;
	uint16_t ptime; /* ms; 0 = not given */
	uint8_t n_fmt;
	struct mrfp_sdp_fmt fmt[MRFP_SDP_MAX_FMT]; /* in m= line order */
	uint8_t n_crypto;
	uint8_t n_crypto_skipped; /* well-formed lines ignored: unknown suite or parameter */
	struct mrfp_sdp_crypto crypto[MRFP_SDP_MAX_CRYPTO]; /* in line order */
	/* H.248.1 lets a descriptor hold alternative session descriptions, each starting with
	 * v=: byte offset of the next one in the input, 0 = none. Parse it from there. */
	size_t next;
};

/*
 * Parse one session description from text[0..len) (CRLF or LF line ends; need not be
 * NUL-terminated). Unknown lines and attributes are ignored; a well-formed a=crypto with an
 * unknown suite, key method or mandatory session parameter is skipped (RFC 4568 5.1.2: the
 * answerer ignores what it does not support) unless no a=crypto remains. Returns 0, or the
 * errno of the reason in *err (-EINVAL malformed, -ENOTSUP unsupported, -E2BIG too long):
 * then *out holds no key and is zeroed. err may be NULL.
 */
int sdp_parse(const char *text, size_t len, struct mrfp_sdp *out, struct mrfp_sdp_error *err);

/*
 * Parse the value of one a=crypto attribute ("1 AES_CM_128_HMAC_SHA1_80 inline:...|2^20|1:4"),
 * without "a=crypto:" and without the line end. 0 or the errno of *reason; on failure *out
 * holds no key. -ENOTSUP: well-formed as far as read but unsupported (unknown suite, key
 * method or mandatory session parameter, MKI over 64 bits, or CHOOSE for the suite); out->tag is
 * then valid. reason may be NULL.
 */
int sdp_crypto_parse(const char *value, size_t len, struct mrfp_sdp_crypto *out,
		     enum mrfp_sdp_err *reason);

/*
 * Secure conference policy: the stream must be RTP/SAVP or RTP/SAVPF with at least
 * one a=crypto that keeps SRTP encryption and authentication on and needs no KDR (libsrtp
 * derives once). Returns the index in sdp->crypto of the first such line (the offerer's
 * preference, RFC 4568 7.1.1), or -errno with the reason in *err (NOT_SECURE, NO_CRYPTO,
 * WEAKENED, SESSION_PARAM_UNSUPP). err may be NULL.
 */
int sdp_secure_select(const struct mrfp_sdp *sdp, struct mrfp_sdp_error *err);

/*
 * Write the Local SDP that mrfpd returns: v=0, o=- sess_id version IN IPx addr, s=-,
 * c=IN IPx addr, t=0 0, m=audio port proto pts, a=rtpmap per named PT, a=ptime, a=<dir>
 * unless sendrecv, a=rtcp-mux, a=crypto per line, all with CRLF. Address, port and keys must
 * be concrete (no CHOOSE: -EINVAL). The key is written only into buf (for the Mp reply).
 * Returns the length written (NUL-terminated, < size), -EINVAL or -ENOSPC; on failure buf is
 * wiped.
 */
int sdp_write(const struct mrfp_sdp *sdp, uint64_t sess_id, uint64_t sess_version, char *buf,
	      size_t size);

/* The codec mrfpd answers an offer with, and how it sends it. */
struct sdp_codec_choice {
	uint8_t pt;
	struct mrfp_audio_fmt fmt;	 /* for the dataplane (mrfp_leg_params) */
	uint32_t pcm_rate;		 /* the codec's audio rate, for the mix rate */
	struct mrfp_sdp_fmt answer;	 /* the answer's payload type, rtpmap and fmtp */
	uint8_t dtmf_pt;		 /* telephone-event at the codec's clock, 0 = not offered */
	struct mrfp_sdp_fmt dtmf_answer; /* its rtpmap and fmtp (events 0-15, the digits) */
};

/*
 * Choose, in the offer's order, the first format mrfpd can receive and send at this ptime
 * (ms): PCMU, PCMA, G722, AMR and AMR-WB (octet-aligned or bandwidth-efficient, sent at the
 * highest mode of the offer's mode-set; interleaving, crc, robust-sorting and more than one
 * channel refused), opus (mono, at maxaveragebitrate). prefer_pt >= 0 is taken first if it
 * is offered and usable (a Modify keeps its leg's codec). A telephone-event (RFC 4733) at
 * the chosen codec's clock rate comes along (dtmf_pt); CN and unknown formats are passed
 * over. 0, or -ENOTSUP with a fixed text in *why (fit for an H.248 error
 * descriptor): the first refusal's reason, or that EVS or no supported codec was offered.
 */
int sdp_codec_choose(const struct mrfp_sdp *offer, unsigned int ptime, int prefer_pt,
		     struct sdp_codec_choice *out, const char **why);

/* "a=crypto:..." with CRLF into buf: length, or -EINVAL (CHOOSE key) / -ENOSPC (buf wiped). */
int sdp_crypto_write(const struct mrfp_sdp_crypto *c, char *buf, size_t size);

/* Cleanse every key in sdp (all MRFP_SDP_MAX_CRYPTO slots) and forget the crypto lines. */
void sdp_wipe(struct mrfp_sdp *sdp);

/* Fixed text of a reason, its errno (positive), names of protocols and directions; NULL/0
 * when out of range. */
const char *sdp_strerror(enum mrfp_sdp_err code);
int sdp_err_errno(enum mrfp_sdp_err code);
const char *sdp_proto_name(enum mrfp_sdp_proto proto);
const char *sdp_dir_name(enum mrfp_sdp_dir dir);

#endif
