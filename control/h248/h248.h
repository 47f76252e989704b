/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_H248_H
#define MRFP_CTL_H248_H

/*
 * H.248.1 (Megaco) text encoding, versions 1 to 3: a decoder into a tree of generic nodes and
 * an encoder from the same tree, pretty (long tokens, indented) or compact (short tokens).
 *
 * Grammar: ITU-T H.248.1 Annex B / RFC 3525 Annex B. Every element of the text encoding has
 * the same outer shape, so the tree is generic:
 *
 *	[stamp ":"] [("O-"|"W-")...] name [op value] ["{" element *("," element) "}"]
 *
 * name is a keyword (token, long or compact, case-insensitive) or a NAME (pkg/name property,
 * event, statistic, termination id in a Topology); op is "=", "#" (not equal), ">" or "<";
 * value is a safe-char token, a quoted string, an mId, or a "[...]"/"{...}" list kept raw.
 * The bodies of Local, Remote and DigitMap are octet strings (B.2 octetString, "\}" escapes a
 * brace) kept verbatim in node.raw.
 *
 * Memory: the tree lives in a caller-provided node array and a text pool; nothing is
 * allocated. Decoded strings point into the caller's message buffer, which must outlive the
 * tree. Builder functions copy their strings into the pool.
 *
 * Thread safety: a tree belongs to one thread; the token table is immutable after its first
 * use (initialised under pthread_once), so any thread may decode or encode its own trees.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Largest message accepted by the decoder (a UDP payload). */
#define MRFP_H248_MAX_MSG 65507u
/* Deepest nesting of braces accepted: H.248 messages need about 12 (embedded events). */
#define MRFP_H248_MAX_DEPTH 24u
/* A node array of this size holds any message mrfpd or mrfpctl exchange. */
#define MRFP_H248_NODES_DEFAULT 2048u
/* Longest termination id accepted (pathNAME plus a domain). */
#define MRFP_H248_TERMID_MAX 128u

/*
 * Token flags, for the table below:
 *   RAW  body is an octet string (SDP, digit map)
 *   MID  value is an mId ([addr]:port, <domain>:port, device name)
 *   VKW  value is itself a keyword (Mode = SendReceive), re-encoded in the output style
 *   CMD  a command (takes O- and W- prefixes)
 *   TOPO a word of a Topology triple
 */
#define MRFP_H248_TF_RAW 0x01u
#define MRFP_H248_TF_MID 0x02u
#define MRFP_H248_TF_VKW 0x04u
#define MRFP_H248_TF_CMD 0x08u
#define MRFP_H248_TF_TOPO 0x10u

/* X(id, long form, compact form, flags): the one list of keywords (H.248.1 B.2, v1-v3). */
#define MRFP_H248_TOKENS(X)                                                                        \
	X(ADD, "Add", "A", MRFP_H248_TF_CMD)                                                       \
	X(ANDLGC, "ANDLgc", "ANDLgc", 0)                                                           \
	X(AUDIT, "Audit", "AT", 0)                                                                 \
	X(AUDITCAP, "AuditCapability", "AC", MRFP_H248_TF_CMD)                                     \
	X(AUDITVALUE, "AuditValue", "AV", MRFP_H248_TF_CMD)                                        \
	X(AUTH, "Authentication", "AU", 0)                                                         \
	X(BOTH, "Both", "B", 0)                                                                    \
	X(BOTHWAY, "Bothway", "BW", MRFP_H248_TF_TOPO)                                             \
	X(BRIEF, "Brief", "BR", 0)                                                                 \
	X(BUFFER, "Buffer", "BF", MRFP_H248_TF_VKW)                                                \
	X(CONTEXT, "Context", "C", 0)                                                              \
	X(CONTEXTAUDIT, "ContextAudit", "CA", 0)                                                   \
	X(CONTEXTATTR, "ContextAttr", "CT", 0)                                                     \
	X(CONTEXTLIST, "ContextList", "CLT", 0)                                                    \
	X(DIGITMAP, "DigitMap", "DM", MRFP_H248_TF_RAW)                                            \
	X(DIRECTION, "SPADirection", "SPADI", MRFP_H248_TF_VKW)                                    \
	X(DISCARD, "Discard", "DS", 0)                                                             \
	X(DISCONNECTED, "Disconnected", "DC", 0)                                                   \
	X(DELAY, "Delay", "DL", 0)                                                                 \
	X(DURATION, "Duration", "DR", 0)                                                           \
	X(EMBED, "Embed", "EM", 0)                                                                 \
	X(EMERGENCY, "Emergency", "EG", 0)                                                         \
	X(EMERGENCYOFF, "EmergencyOff", "EGO", 0)                                                  \
	X(EMERGENCYVALUE, "EmergencyValue", "EGV", 0)                                              \
	X(ERROR, "Error", "ER", 0)                                                                 \
	X(EVENTBUFFER, "EventBuffer", "EB", 0)                                                     \
	X(EVENTS, "Events", "E", 0)                                                                \
	X(EXTERNAL, "External", "EX", 0)                                                           \
	X(FAILOVER, "Failover", "FL", 0)                                                           \
	X(FORCED, "Forced", "FO", 0)                                                               \
	X(GRACEFUL, "Graceful", "GR", 0)                                                           \
	X(H221, "H221", "H221", 0)                                                                 \
	X(H223, "H223", "H223", 0)                                                                 \
	X(H226, "H226", "H226", 0)                                                                 \
	X(HANDOFF, "HandOff", "HO", 0)                                                             \
	X(IEPS, "IEPSCall", "IEPS", 0)                                                             \
	X(IMMACKREQUIRED, "ImmAckRequired", "IA", 0)                                               \
	X(INACTIVE, "Inactive", "IN", 0)                                                           \
	X(INTERNAL, "Internal", "IT", 0)                                                           \
	X(INTERSIGNAL, "Intersignal", "SPAIS", 0)                                                  \
	X(INTBYEVENT, "IntByEvent", "IBE", 0)                                                      \
	X(INTBYSIGDESCR, "IntBySigDescr", "IBS", 0)                                                \
	X(ISOLATE, "Isolate", "IS", MRFP_H248_TF_TOPO)                                             \
	X(INSERVICE, "InService", "IV", 0)                                                         \
	X(ITERATION, "Iteration", "IR", 0)                                                         \
	X(KEEPACTIVE, "KeepActive", "KA", 0)                                                       \
	X(LOCAL, "Local", "L", MRFP_H248_TF_RAW)                                                   \
	X(LOCALCONTROL, "LocalControl", "O", 0)                                                    \
	X(LOCKSTEP, "LockStep", "SP", 0)                                                           \
	X(LOOPBACK, "Loopback", "LB", 0)                                                           \
	X(MEDIA, "Media", "M", 0)                                                                  \
	X(MEGACO, "MEGACO", "!", 0)                                                                \
	X(SEGMENT, "Segment", "SM", 0)                                                             \
	X(METHOD, "Method", "MT", MRFP_H248_TF_VKW)                                                \
	X(MGCIDTOTRY, "MgcIdToTry", "MG", MRFP_H248_TF_MID)                                        \
	X(MODE, "Mode", "MO", MRFP_H248_TF_VKW)                                                    \
	X(MODIFY, "Modify", "MF", MRFP_H248_TF_CMD)                                                \
	X(MODEM, "Modem", "MD", 0)                                                                 \
	X(MOVE, "Move", "MV", MRFP_H248_TF_CMD)                                                    \
	X(MTP, "MTP", "MTP", 0)                                                                    \
	X(MUX, "Mux", "MX", 0)                                                                     \
	X(NEVERNOTIFY, "NeverNotify", "NBNN", 0)                                                   \
	X(NOTIFY, "Notify", "N", MRFP_H248_TF_CMD)                                                 \
	X(NOTIFYCOMPLETION, "NotifyCompletion", "NC", 0)                                           \
	X(IMMEDIATENOTIFY, "ImmediateNotify", "NBIN", 0)                                           \
	X(REGULATEDNOTIFY, "RegulatedNotify", "NBRN", 0)                                           \
	X(NX64K, "Nx64Kservice", "N64", 0)                                                         \
	X(OBSERVEDEVENTS, "ObservedEvents", "OE", 0)                                               \
	X(OFF, "OFF", "OFF", 0)                                                                    \
	X(ONEWAY, "Oneway", "OW", MRFP_H248_TF_TOPO)                                               \
	X(ONEWAYBOTH, "OnewayBoth", "OWB", MRFP_H248_TF_TOPO)                                      \
	X(ONEWAYEXTERNAL, "OnewayExternal", "OWE", MRFP_H248_TF_TOPO)                              \
	X(ONOFF, "OnOff", "OO", 0)                                                                 \
	X(ORLGC, "ORLgc", "ORLgc", 0)                                                              \
	X(ON, "ON", "ON", 0)                                                                       \
	X(OTHERREASON, "OtherReason", "OR", 0)                                                     \
	X(OUTOFSERVICE, "OutOfService", "OS", 0)                                                   \
	X(PACKAGES, "Packages", "PG", 0)                                                           \
	X(PENDING, "Pending", "PN", 0)                                                             \
	X(PRIORITY, "Priority", "PR", 0)                                                           \
	X(PROFILE, "Profile", "PF", 0)                                                             \
	X(REASON, "Reason", "RE", 0)                                                               \
	X(RECVONLY, "ReceiveOnly", "RC", 0)                                                        \
	X(REPLY, "Reply", "P", 0)                                                                  \
	X(RESETEVENTS, "ResetEventsDescriptor", "RSE", 0)                                          \
	X(RESTART, "Restart", "RS", 0)                                                             \
	X(REMOTE, "Remote", "R", MRFP_H248_TF_RAW)                                                 \
	X(REQUESTID, "SPARequestID", "SPARQ", 0)                                                   \
	X(RESERVEDGROUP, "ReservedGroup", "RG", MRFP_H248_TF_VKW)                                  \
	X(RESERVEDVALUE, "ReservedValue", "RV", MRFP_H248_TF_VKW)                                  \
	X(SEGCOMPLETE, "END", "&", 0)                                                              \
	X(SENDONLY, "SendOnly", "SO", 0)                                                           \
	X(SENDRECV, "SendReceive", "SR", 0)                                                        \
	X(SERVICES, "Services", "SV", 0)                                                           \
	X(SERVICESTATES, "ServiceStates", "SI", MRFP_H248_TF_VKW)                                  \
	X(SERVICECHANGE, "ServiceChange", "SC", MRFP_H248_TF_CMD)                                  \
	X(SERVICECHANGEADDRESS, "ServiceChangeAddress", "AD", MRFP_H248_TF_MID)                    \
	X(SERVICECHANGEINC, "ServiceChangeInc", "SIC", 0)                                          \
	X(SIGNALLIST, "SignalList", "SL", 0)                                                       \
	X(SIGNALS, "Signals", "SG", 0)                                                             \
	X(SIGNALTYPE, "SignalType", "SY", MRFP_H248_TF_VKW)                                        \
	X(STATISTICS, "Statistics", "SA", 0)                                                       \
	X(STREAM, "Stream", "ST", 0)                                                               \
	X(SUBTRACT, "Subtract", "S", MRFP_H248_TF_CMD)                                             \
	X(SYNCHISDN, "SynchISDN", "SN", 0)                                                         \
	X(TERMINATIONSTATE, "TerminationState", "TS", 0)                                           \
	X(TEST, "Test", "TE", 0)                                                                   \
	X(TIMEOUT, "TimeOut", "TO", 0)                                                             \
	X(TOPOLOGY, "Topology", "TP", 0)                                                           \
	X(TRANSACTION, "Transaction", "T", 0)                                                      \
	X(RESPONSEACK, "TransactionResponseAck", "K", 0)                                           \
	X(V18, "V18", "V18", 0)                                                                    \
	X(V22, "V22", "V22", 0)                                                                    \
	X(V22BIS, "V22b", "V22b", 0)                                                               \
	X(V32, "V32", "V32", 0)                                                                    \
	X(V32BIS, "V32b", "V32b", 0)                                                               \
	X(V34, "V34", "V34", 0)                                                                    \
	X(V76, "V76", "V76", 0)                                                                    \
	X(V90, "V90", "V90", 0)                                                                    \
	X(V91, "V91", "V91", 0)                                                                    \
	X(VERSION, "Version", "V", 0)

#define MRFP_H248_TOK_ENUM_(id, l, s, f) MRFP_H248_TOK_##id,
enum mrfp_h248_tok {
	MRFP_H248_TOK_NONE = 0, /* no keyword: node.name is a NAME (pkg/name, term id...) */
	MRFP_H248_TOK_QUOTED,	/* a bare quoted string element (the text of an Error) */
	MRFP_H248_TOKENS(MRFP_H248_TOK_ENUM_) MRFP_H248_TOK_COUNT_
};
#undef MRFP_H248_TOK_ENUM_

/* Keyword spelling: long ("Add") or compact ("A"); "" for NONE/QUOTED. Never NULL. */
const char *h248_tok_name(enum mrfp_h248_tok tok, int compact);
/* MRFP_H248_TF_* flags of a token, 0 for NONE/QUOTED. */
unsigned h248_tok_flags(enum mrfp_h248_tok tok);
/* Case-insensitive lookup of a long or compact keyword; MRFP_H248_TOK_NONE if none. */
enum mrfp_h248_tok h248_tok_lookup(const char *s, size_t len);

/* A counted string; p is not NUL-terminated. */
struct mrfp_h248_str {
	const char *p;
	uint32_t len;
};
#define MRFP_H248_STR(lit) ((struct mrfp_h248_str){(lit), sizeof(lit) - 1})

/* Case-insensitive comparison with a C string: 1 if equal, 0 if not. */
int h248_str_eq(const struct mrfp_h248_str *s, const char *c);

/* Relation between name and value. */
enum mrfp_h248_op {
	MRFP_H248_OP_NONE = 0,
	MRFP_H248_OP_EQ, /* = */
	MRFP_H248_OP_NE, /* # */
	MRFP_H248_OP_GT, /* > */
	MRFP_H248_OP_LT, /* < */
};

/* How the value was written, so the encoder writes it back the same way. */
enum mrfp_h248_vkind {
	MRFP_H248_VAL_PLAIN = 0, /* safe chars; the encoder quotes it if it holds others */
	MRFP_H248_VAL_QUOTED,	 /* "..." (value excludes the quotes) */
	MRFP_H248_VAL_LIST,	 /* [a,b] or [a:b]: value includes the brackets */
	MRFP_H248_VAL_ALT,	 /* {a,b}: value includes the braces */
	MRFP_H248_VAL_MID,	 /* an mId */
};

/* node.flags */
#define MRFP_H248_F_OPTIONAL 0x01u /* "O-" before a command */
#define MRFP_H248_F_WILDCARD 0x02u /* "W-" before a command */
#define MRFP_H248_F_BODY 0x04u	   /* written with braces, even if empty ("Signals {}") */
#define MRFP_H248_F_RAW 0x08u	   /* body is the octet string in raw */

/*
 * One element. Links are indices into the node array (0 = none; node 0 is the message).
 * Strings point into the decoded message or the tree's pool.
 */
struct mrfp_h248_node {
	struct mrfp_h248_str name;  /* as written, without O-/W- and time stamp */
	struct mrfp_h248_str value; /* after op; see vkind */
	struct mrfp_h248_str raw;   /* octet-string body as on the wire ("\}" kept) */
	struct mrfp_h248_str stamp; /* ObservedEvent time stamp "yyyymmddThhmmssss" */
	uint32_t first;		    /* first child */
	uint32_t last;		    /* last child (appending in O(1)) */
	uint32_t next;		    /* next sibling */
	uint32_t offset;	    /* byte offset of the element in the decoded message */
	uint16_t tok;		    /* enum mrfp_h248_tok */
	uint16_t vtok;		    /* value keyword for MRFP_H248_TF_VKW tokens, else NONE */
	uint8_t op;		    /* enum mrfp_h248_op */
	uint8_t vkind;		    /* enum mrfp_h248_vkind */
	uint8_t flags;		    /* MRFP_H248_F_* */
};

struct mrfp_h248_tree {
	struct mrfp_h248_node *nodes; /* caller's array; nodes[0] is the message */
	uint32_t cap;
	uint32_t n;
	char *pool; /* text copied by the builder */
	uint32_t pool_cap;
	uint32_t pool_len;
};

/* Empty tree over the caller's arrays (cap >= 1). Also resets a used tree. */
void h248_tree_init(struct mrfp_h248_tree *t, struct mrfp_h248_node *nodes, uint32_t cap,
		    char *pool, uint32_t pool_cap);

/* ---- message header ---- */

enum mrfp_h248_mid_kind {
	MRFP_H248_MID_IP4 = 1, /* [192.0.2.1]:2944 */
	MRFP_H248_MID_IP6,     /* [2001:db8::1]:2944 */
	MRFP_H248_MID_DOMAIN,  /* <mg.example.net>:2944 */
	MRFP_H248_MID_DEVICE,  /* mg1 (pathNAME) */
	MRFP_H248_MID_MTP,     /* MTP{0a1b} */
	MRFP_H248_MID_PORT,    /* a bare port number (ServiceChangeAddress only) */
};

struct mrfp_h248_mid {
	uint8_t kind;		   /* enum mrfp_h248_mid_kind */
	uint16_t port;		   /* 0 when absent */
	struct mrfp_h248_str addr; /* address without [] or <>, device name, MTP hex */
	struct mrfp_h248_str text; /* the whole mId as written */
};

/* Parse an mId (or, with allow_port, a bare port). 0 or -EINVAL. */
int h248_mid_parse(const struct mrfp_h248_str *s, int allow_port, struct mrfp_h248_mid *mid);

struct mrfp_h248_msg {
	unsigned version; /* 1..3 */
	struct mrfp_h248_mid mid;
	struct mrfp_h248_str auth; /* "AU=..." header as written, or empty */
};

/* Header for a message to encode: mid text such as "[192.0.2.1]:2944" (kept by pointer:
 * it must outlive the encode). 0, or -EINVAL (bad mId or version). */
int h248_msg_init(struct mrfp_h248_msg *msg, unsigned version, const char *mid);

/* ---- decoding ---- */

enum mrfp_h248_err_level {
	MRFP_H248_ERR_MESSAGE = 1, /* answer with a message-level Error, or drop */
	MRFP_H248_ERR_TRANSACTION, /* answer Reply = trans_id { Error = code {...} } */
};

struct mrfp_h248_error {
	uint16_t code; /* H.248.8 error code */
	uint8_t level; /* enum mrfp_h248_err_level */
	uint16_t kind; /* transaction token (TRANSACTION, REPLY, ...) when level is TRANSACTION */
	uint32_t trans_id; /* valid when level is TRANSACTION */
	uint32_t offset;   /* byte offset of the fault in the message */
	char text[96];	   /* short reason, safe inside an Error descriptor's quoted string */
};

/*
 * Decode one message into t (reset first). 0 on success. On failure a negative errno and
 * *err: -EBADMSG (syntax, structure or a bad identifier), -EPROTONOSUPPORT (version, 406),
 * -E2BIG (message, nesting or tree over its limits: 510), -EINVAL (NULL arguments).
 * After a transaction-level failure, the transactions complete before the faulty one are in
 * the tree (children of node 0) and may be executed; msg is valid whenever the header was.
 *
 * Codes (H.248.8): 400 message-level syntax, 403 syntax in a TransactionRequest, 406
 * version, 410 bad transaction/context/termination/stream id, 422 action syntax, 442 command
 * syntax, 443 unknown command, 444 unknown descriptor, 447 descriptor not legal in the
 * command, 448 descriptor twice, 449 bad property value, 517 bad mode, 510 over a limit.
 */
int h248_decode(const char *buf, size_t len, struct mrfp_h248_tree *t, struct mrfp_h248_msg *msg,
		struct mrfp_h248_error *err);

/* ---- navigation ---- */

const struct mrfp_h248_node *h248_root(const struct mrfp_h248_tree *t);
/* First child of n, next sibling of n: NULL at the end. */
const struct mrfp_h248_node *h248_first(const struct mrfp_h248_tree *t,
					const struct mrfp_h248_node *n);
const struct mrfp_h248_node *h248_next(const struct mrfp_h248_tree *t,
				       const struct mrfp_h248_node *n);
/* First child of n with token tok, or NULL. */
const struct mrfp_h248_node *h248_find(const struct mrfp_h248_tree *t,
				       const struct mrfp_h248_node *n, enum mrfp_h248_tok tok);
#define MRFP_H248_FOREACH(t, parent, n)                                                            \
	for ((n) = h248_first((t), (parent)); (n) != NULL; (n) = h248_next((t), (n)))

/* ---- values ---- */

/* Decimal UINT32 (no sign, no spaces). 0, -EINVAL or -ERANGE. */
int h248_u32(const struct mrfp_h248_str *s, uint32_t *out);

/* Transaction id of a T, P, PN node; for P also "id/segment[/END]" (v3): segment 0 if none.
 * 0 or -EINVAL. */
int h248_trans_id(const struct mrfp_h248_node *n, uint32_t *id, uint32_t *segment);

/* One item of a TransactionResponseAck: "5" or "5-9". 0 or -EINVAL. */
int h248_ack_range(const struct mrfp_h248_str *s, uint32_t *first, uint32_t *last);

enum mrfp_h248_ctx_kind {
	MRFP_H248_CTX_ID = 0, /* 1..0xFFFFFFFE */
	MRFP_H248_CTX_NULL,   /* - */
	MRFP_H248_CTX_CHOOSE, /* $ */
	MRFP_H248_CTX_ALL,    /* * */
};
struct mrfp_h248_ctxid {
	enum mrfp_h248_ctx_kind kind;
	uint32_t id;
};
int h248_ctxid_parse(const struct mrfp_h248_str *s, struct mrfp_h248_ctxid *out);

enum mrfp_h248_term_kind {
	MRFP_H248_TERM_NAME = 0, /* fully specified */
	MRFP_H248_TERM_ROOT,	 /* ROOT, any case */
	MRFP_H248_TERM_CHOOSE,	 /* $ */
	MRFP_H248_TERM_ALL,	 /* * */
	MRFP_H248_TERM_WILDCARD, /* partial: "rtp/" then "*" or "$" */
};
struct mrfp_h248_termid {
	enum mrfp_h248_term_kind kind;
	struct mrfp_h248_str name;
};
/* One termination id (pathNAME characters, at most MRFP_H248_TERMID_MAX). 0 or -EINVAL. */
int h248_termid_parse(const struct mrfp_h248_str *s, struct mrfp_h248_termid *out);

/*
 * Iterate the items of a value: "[a, b]", "{a, b}" or a single plain value. *pos starts at 0.
 * 0 with *item set, -ENOENT after the last item, -EINVAL if malformed.
 */
int h248_list_next(const struct mrfp_h248_str *v, uint32_t *pos, struct mrfp_h248_str *item);

/* Copy an octet string (Local/Remote body) to out with "\}" unescaped and NUL-terminated.
 * 0 or -ENOSPC. */
int h248_octets(const struct mrfp_h248_str *raw, char *out, size_t size, size_t *len);

/* ---- semantic views ---- */

enum mrfp_h248_mode {
	MRFP_H248_MODE_INACTIVE = 0, /* the default (H.248.1 7.1.7) */
	MRFP_H248_MODE_SENDONLY,
	MRFP_H248_MODE_RECVONLY,
	MRFP_H248_MODE_SENDRECV,
	MRFP_H248_MODE_LOOPBACK,
};
/* Mode of a LocalControl node. 0, -ENOENT (no Mode) or -EINVAL. */
int h248_mode_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *lc,
		  enum mrfp_h248_mode *mode);
/* Keyword for a mode (SENDRECV for MRFP_H248_MODE_SENDRECV...). */
enum mrfp_h248_tok h248_mode_tok(enum mrfp_h248_mode mode);

/* One stream of a Media descriptor; NULL members are absent. */
struct mrfp_h248_stream {
	uint16_t id;
	const struct mrfp_h248_node *lc;     /* LocalControl */
	const struct mrfp_h248_node *local;  /* Local (raw SDP in ->raw) */
	const struct mrfp_h248_node *remote; /* Remote */
	const struct mrfp_h248_node *stats;  /* Statistics */
};
/* Streams of a Media node: Stream = n {...} children, or the single stream 1 written without
 * a Stream descriptor. Number of streams (>= 0), -E2BIG if more than max, -EINVAL. */
int h248_streams(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *media,
		 struct mrfp_h248_stream *out, unsigned max);

/* ServiceChange parameters (the Services descriptor); empty strings are absent. */
struct mrfp_h248_sc {
	enum mrfp_h248_tok method;	  /* RESTART, FORCED, GRACEFUL, DISCONNECTED, HANDOFF,
					   * FAILOVER; NONE if absent or an extension */
	uint16_t reason;		  /* leading number of the Reason text (901), 0 if none */
	struct mrfp_h248_str reason_text; /* "901 Cold Boot" */
	struct mrfp_h248_str address;	  /* ServiceChangeAddress as written */
	struct mrfp_h248_str mgcid;	  /* MgcIdToTry as written */
	struct mrfp_h248_str profile;	  /* "ResGW/1" */
	unsigned version;		  /* 0 if absent */
	int32_t delay;			  /* -1 if absent */
};
int h248_sc_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *sv,
		struct mrfp_h248_sc *sc);

/* Code and text of an Error node (text empty if none). 0 or -EINVAL. */
int h248_error_get(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *er, uint16_t *code,
		   struct mrfp_h248_str *text);

/* ---- building ---- */

/* Append a child (parent NULL: the message node). value may be NULL. The value of a
 * MRFP_H248_TF_VKW token that names a keyword is stored as that keyword. NULL if the node
 * array or the pool is full. */
struct mrfp_h248_node *h248_add(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				enum mrfp_h248_tok tok, const char *value);
struct mrfp_h248_node *h248_addf(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				 enum mrfp_h248_tok tok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* NAME node "name" or "name=value" (value fmt may be NULL): properties, statistics, events,
 * package items, ack ranges. */
struct mrfp_h248_node *h248_add_name(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				     const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Quoted value: Reason = "901 Cold Boot". Double quotes and control characters in text are
 * replaced (the text encoding has no escapes in quoted strings). */
struct mrfp_h248_node *h248_add_quoted(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				       enum mrfp_h248_tok tok, const char *text);
/* Local/Remote/DigitMap with an octet-string body; '}' is escaped on the way in. */
struct mrfp_h248_node *h248_add_raw(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				    enum mrfp_h248_tok tok, const char *octets, size_t len);
/* Error = code { "text" } */
struct mrfp_h248_node *h248_add_error(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
				      uint16_t code, const char *text);
/* Context = id | - | $ | * */
struct mrfp_h248_node *h248_add_context(struct mrfp_h248_tree *t, struct mrfp_h248_node *parent,
					const struct mrfp_h248_ctxid *id);
/* Transaction / Reply / Pending = id (Pending gets its empty braces). */
struct mrfp_h248_node *h248_add_trans(struct mrfp_h248_tree *t, enum mrfp_h248_tok kind,
				      uint32_t id);
/* TransactionResponseAck { first[-last] }: appended to the message's K if it has one. */
struct mrfp_h248_node *h248_add_ack(struct mrfp_h248_tree *t, uint32_t first, uint32_t last);
/* ServiceChange = termid { Services { ... } } under a Context node. */
struct mrfp_h248_node *h248_add_sc(struct mrfp_h248_tree *t, struct mrfp_h248_node *ctx,
				   const char *termid, const struct mrfp_h248_sc *sc);
/* The answer to a failed decode: Reply = trans_id { Error = code {"text"} } when err is about
 * a TransactionRequest whose id was read, else a message-level Error (whether to send that
 * one is the caller's choice: H.248.1 does not answer a faulty Reply). The Error node, or
 * NULL if the tree is full. */
struct mrfp_h248_node *h248_add_decode_error(struct mrfp_h248_tree *t,
					     const struct mrfp_h248_error *err);
/* Observed event time stamp (copied). 0 or -ENOSPC. */
int h248_set_stamp(struct mrfp_h248_tree *t, struct mrfp_h248_node *n, const char *stamp);

/* ---- encoding ---- */

enum mrfp_h248_style {
	MRFP_H248_PRETTY = 0, /* long tokens, one element per line, tab indentation */
	MRFP_H248_COMPACT,    /* short tokens, no optional white space */
};

/* Encode msg's header and t's message node into out (NUL-terminated). *len excludes the NUL.
 * 0, -ENOSPC (out too small), -EINVAL. */
int h248_encode(const struct mrfp_h248_tree *t, const struct mrfp_h248_msg *msg,
		enum mrfp_h248_style style, char *out, size_t size, size_t *len);

#endif
