/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DROP_H
#define MRFP_DROP_H

/*
 * Every packet the dataplane does not deliver is counted under exactly one named reason.
 * One X-macro feeds the enum, the names and telemetry, so they cannot drift apart.
 */
#define MRFP_DROP_REASONS(X)                                                                       \
	X(NONE, "none")			/* not a drop: success */                                  \
	X(MALFORMED_L2, "malformed_l2") /* frame shorter than its Ethernet/VLAN header */          \
	X(UNSUPPORTED_ETHERTYPE, "unsupported_ethertype")                                          \
	X(WRONG_VLAN, "wrong_vlan")                                                                \
	X(MALFORMED_L3, "malformed_l3") /* bad IP version, header or total length */               \
	X(NOT_FOR_US, "not_for_us")	/* destination is not a media address */                   \
	X(IP_FRAGMENT, "ip_fragment")                                                              \
	X(UNSUPPORTED_L4, "unsupported_l4")                                                        \
	X(MALFORMED_L4, "malformed_l4") /* UDP/ICMP length inconsistent */                         \
	X(MALFORMED_ARP, "malformed_arp")                                                          \
	X(CONTROL_CONSUMED, "control_consumed")	  /* ARP/ND/ICMP handled, nothing to forward */    \
	X(UNKNOWN_PORT, "unknown_port")		  /* no leg on this local UDP port */              \
	X(NOT_OWNER, "not_owner")		  /* leg belongs to another worker */              \
	X(HANDOFF_FULL, "handoff_full")		  /* owner's handoff ring full: not handed over */ \
	X(SOURCE_MISMATCH, "source_mismatch")	  /* strict latching: unexpected source */         \
	X(LEG_NOT_RECEIVING, "leg_not_receiving") /* Mode SendOnly/Inactive: input ignored */      \
	X(TRUNCATED, "truncated")		  /* shorter than RTP/RTCP header + SRTP tag */    \
	X(OVERSIZED, "oversized")		  /* larger than the media MTU allows */           \
	X(NOT_RTP, "not_rtp")			  /* RTP version is not 2 */                       \
	X(NONLINEAR, "nonlinear")		  /* segmented mbuf */                             \
	X(SRTP_AUTH, "srtp_auth_fail")		  /* wrong key, tampered or plaintext */           \
	X(SRTP_REPLAY, "srtp_replay")		  /* replayed or too old index */                  \
	X(SRTP_KEY_EXPIRED, "srtp_key_expired")                                                    \
	X(SRTP_OTHER, "srtp_error")		 /* any other SRTP engine failure */               \
	X(SRTP_STREAMS, "srtp_too_many_streams") /* more SSRCs under one key than provisioned */   \
	X(SRTP_UNKNOWN_MKI, "srtp_unknown_mki")	 /* the packet's MKI names no installed key */     \
	X(NO_LISTENER, "no_listener")		 /* conference has nobody to send to */            \
	X(NOT_SELECTED, "not_selected")		 /* switch: the source is not the one forwarded */ \
	X(MALFORMED_RTCP, "malformed_rtcp") /* authenticated but not valid RTCP (RFC 3550 A.2)*/   \
	X(SSRC_COLLISION, "ssrc_collision") /* inbound SSRC already used under the same key */     \
	X(UNSUPPORTED_PAYLOAD, "unsupported_payload") /* mix: payload type not the leg's codec */  \
	X(JITTER_LATE, "jitter_late")		      /* mix: arrived after its playout time */    \
	X(JITTER_DUPLICATE, "jitter_duplicate")                                                    \
	X(JITTER_EARLY, "jitter_early")		  /* mix: too far ahead of the playout point */    \
	X(NO_NEIGHBOR, "no_neighbor")		  /* next hop not resolved yet */                  \
	X(NO_MBUF, "no_mbuf")			  /* mbuf pool exhausted for a copy */             \
	X(TX_FULL, "tx_full")			  /* TX queue refused the packet */                \
	X(MALFORMED_PAYLOAD, "malformed_payload") /* mix: the codec could not read the payload */

enum mrfp_drop {
#define MRFP_DROP_ENUM(name, str) MRFP_DROP_##name,
	MRFP_DROP_REASONS(MRFP_DROP_ENUM)
#undef MRFP_DROP_ENUM
		MRFP_DROP_COUNT
};

/* Name of a drop reason for telemetry and logs; "invalid" for out-of-range values. Any thread. */
const char *mrfp_drop_name(enum mrfp_drop reason);

#endif
