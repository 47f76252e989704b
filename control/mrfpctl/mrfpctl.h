/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_MRFPCTL_H
#define MRFP_CTL_MRFPCTL_H

/*
 * mrfpctl: an MRFC in a command. It drives mrfpd over Mp exactly as any controller would
 * (H.248.1 text over UDP, DESIGN.md "no private side door"): arguments become one H.248
 * transaction, the reply becomes text or JSON and an exit code.
 *
 *   mrfpctl_args.c   words, usage text, checks of a command   (opts)
 *   mrfpctl_opts.c   the options: table and one setter each
 *   mrfpctl_build.c  opts -> SDP and the H.248 request       (tree)
 *   mrfpctl_keys.c   key lines (KEY|LIFETIME|MKI:LEN) from stdin, key sets, new keys
 *   mrfpctl_rekey.c  rekey: install, switch, drain, retire (make-before-break)
 *   mrfpctl_io.c     UDP session: TransactionIds, retransmission, Pending, acks, MG requests
 *   mrfpctl_reply.c  a decoded Reply -> struct mrfpctl_result
 *   mrfpctl_out.c    result -> text or JSON
 *   mrfpctl_run.c    commands, exit codes
 *
 * Keys: a key given on the command line or generated here lives in struct mrfpctl_opts and is
 * wiped by mrfpctl_opts_wipe(); keys read from a reply live in struct mrfpctl_result and are
 * wiped by mrfpctl_result_wipe(). Which of them may be printed is decided in one place
 * (mrfpctl_out.c): mrfpd's generated Local key and a key generated for the participant are
 * printed, anything else only as a fingerprint.
 *
 * Single-threaded program; every function works on the caller's structs only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "h248.h"
#include "keys.h"
#include "mrfp_srtp.h"
#include "mrfp_types.h"

/* Exit codes (the usage text lists them). */
#define MRFPCTL_EXIT_OK 0
#define MRFPCTL_EXIT_USAGE 1	/* bad arguments, unreadable file, local socket error */
#define MRFPCTL_EXIT_H248 2	/* mrfpd answered with an H.248 Error */
#define MRFPCTL_EXIT_NOANSWER 3 /* no final reply before the retransmission gave up */

#define MRFPCTL_MP_PORT 2944
#define MRFPCTL_MID_MAX 96
#define MRFPCTL_ERR_MAX 160

enum mrfpctl_cmd {
	MRFPCTL_CMD_NONE = 0,
	MRFPCTL_CMD_HELP,
	MRFPCTL_CMD_LEG_ADD,
	MRFPCTL_CMD_LEG_MODIFY,
	MRFPCTL_CMD_LEG_REMOVE,
	MRFPCTL_CMD_LEG_MOVE,
	MRFPCTL_CMD_CONF_DELETE,
	MRFPCTL_CMD_AUDIT,
	MRFPCTL_CMD_RAW,
	MRFPCTL_CMD_LISTEN,
	MRFPCTL_CMD_REKEY_LOCAL,  /* a leg's Local: mrfpd's send key */
	MRFPCTL_CMD_REKEY_REMOTE, /* a leg's Remote: the participant's send key */
	MRFPCTL_CMD_REKEY_GROUP,  /* the conference's group key, through a leg's Local */
	MRFPCTL_CMD_DRAIN,	  /* ServiceChange Graceful on ROOT: mrfpd drains and exits */
	MRFPCTL_CMD_HANDOFF,	  /* ServiceChange HandOff on ROOT: mrfpd moves to MgcIdToTry */
	MRFPCTL_CMD_COUNT_
};

/* Where a key comes from. */
enum mrfpctl_keysrc {
	MRFPCTL_KEY_NONE = 0, /* not sent */
	MRFPCTL_KEY_GIVEN,    /* base64 from the operator (argument, @FILE or -) */
	MRFPCTL_KEY_GENERATE, /* --remote-key generate: made here, printed once */
	MRFPCTL_KEY_CHOOSE,   /* --local-key $: mrfpd generates it (H.248.77) */
};

/* Keys in one descriptor: up to four with MKI (mrfpd's MRFP_SRTP_MAX_KEYS). */
#define MRFPCTL_SET_MAX 4
#define MRFPCTL_PARAMS_MAX 40 /* "|2^48|4294967295:4" and its NUL */

/*
 * One RFC 4568 inline key: "KEY[|LIFETIME][|MKI:LEN]" or "$[|LIFETIME][|MKI:LEN]". b64 is
 * secret; params (canonical "|LIFETIME|MKI:LEN" text) is not. lifetime, mki and mki_len are
 * filled by mrfpctl_keyline_check().
 */
struct mrfpctl_keyline {
	bool choose; /* "$": mrfpd generates the key (keeping the lifetime and MKI asked for) */
	char b64[MRFP_KEY_B64_MAX];
	char params[MRFPCTL_PARAMS_MAX];
	uint64_t lifetime, mki; /* lifetime 0: not given */
	uint8_t mki_len;	/* 0: no MKI */
};

/* The a=crypto lines of one descriptor, in order (Local: the first is the key in use). */
struct mrfpctl_keyset {
	uint8_t n;
	struct mrfpctl_keyline k[MRFPCTL_SET_MAX];
};

/*
 * Retransmission (H.248.1 D.1.2 leaves the timers to the implementation): the first resend
 * after first_ms, each interval doubling up to max_ms; give up when total_ms pass without
 * news. A TransactionPending is news: the count restarts, up to pending_ms in all.
 */
struct mrfpctl_timing {
	uint32_t first_ms;
	uint32_t max_ms;
	uint32_t total_ms;
	uint32_t pending_ms;
};

struct mrfpctl_opts {
	enum mrfpctl_cmd cmd;
	/* transport and encoding */
	struct mrfp_addr mp;	   /* mrfpd's Mp address (port in network order) */
	struct mrfp_addr local;	   /* family 0: ephemeral; port 0: any port */
	char mid[MRFPCTL_MID_MAX]; /* our mId; "" = "[local address]:port" */
	unsigned version;	   /* 1..3 */
	bool json, compact, fingerprints, verbose;
	struct mrfpctl_timing timing;
	/* which leg */
	bool has_conf, conf_new;
	uint32_t conf;
	char term[MRFP_H248_TERMID_MAX + 1]; /* "" = not given */
	bool root;			     /* audit root */
	/* the leg's media */
	bool has_remote, has_codec, has_suite;
	struct mrfp_addr remote;
	uint8_t pt;
	enum mrfp_srtp_suite suite;
	int mode;      /* enum mrfp_h248_mode, -1 = not given */
	uint16_t port; /* mrfpd's port for the leg (network order); 0: mrfpd chooses ($) */
	/* keys: remote_key/local_key say where the first key of the set comes from; the sets
	 * hold every line (GENERATE: rkeys.k[0] once mrfpctl_generate_keys() made it) */
	enum mrfpctl_keysrc remote_key, local_key;
	struct mrfpctl_keyset rkeys, lkeys;
	struct mrfpctl_keyset gkey; /* hybrid: the group key line of a talker's Add (n 0 or 1) */
	/* rekey: the key in use and the next one; new_key GENERATE: made by mrfpctl */
	enum mrfpctl_keysrc new_key;
	struct mrfpctl_keyline old_line, new_line;
	uint32_t drain_ms, handout_ms;
	/* conference properties (mrfp package), only with --conf new: NULL/0 = not given */
	const char *media, *keys, *select, *roles;
	unsigned ptime, speakers;
	/* drain: Delay in seconds (-1: none, until the calls end); handoff: MgcIdToTry */
	int32_t delay;
	char mgc_id[MRFPCTL_MID_MAX]; /* "[IP]:PORT" */
	/* raw, listen */
	const char *file;
	unsigned count;
	uint32_t for_ms;
};

/* Defaults: mrfpd at 127.0.0.1:2944, version 1, 100 ms doubling to 1 s, give up at 3 s. */
void mrfpctl_opts_init(struct mrfpctl_opts *o);
/*
 * Parse argv[1..argc) into o (initialised here). 0, or -EINVAL with a one-line reason in err
 * (no key material in it). Reads a key from a file or stdin for "@FILE" and "-".
 */
int mrfpctl_parse_args(int argc, char *const argv[], struct mrfpctl_opts *o, char *err,
		       size_t err_size);
/* One option: its setter checks the value and fills o; err gets a reason (no key in it). */
struct mrfpctl_option {
	const char *name;
	bool arg;      /* takes a value */
	unsigned cmds; /* (1 << cmd) for each command it applies to; 0: every command */
	int (*set)(struct mrfpctl_opts *o, const char *v, char *err, size_t n);
};
extern const struct mrfpctl_option mrfpctl_options[];
extern const unsigned mrfpctl_n_options;
const struct mrfpctl_option *mrfpctl_option_find(const char *name, size_t len);
/* Format a usage error into err; returns -EINVAL. */
int mrfpctl_usage_error(char *err, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "PCMU"/"PCMA" -> payload type; mode names. 0 or -EINVAL. */
int mrfpctl_codec_parse(const char *name, uint8_t *pt);
int mrfpctl_mode_parse(const char *name, enum mrfp_h248_mode *mode);
/* Wipe the keys held in o. */
void mrfpctl_opts_wipe(struct mrfpctl_opts *o);
/* The usage text. */
void mrfpctl_usage(FILE *f);
/* "leg add"...; codec of a payload type ("PCMU") or NULL; H.248 mode as mrfpctl spells it
 * ("sendrecv"). */
const char *mrfpctl_cmd_name(enum mrfpctl_cmd cmd);
const char *mrfpctl_codec_name(uint8_t pt);
const char *mrfpctl_mode_name(enum mrfp_h248_mode mode);

/* ---- key lines (mrfpctl_keys.c) ---- */

/* "KEY[|LIFETIME][|MKI:LEN]" (an "inline:" prefix and blanks allowed) into *k, not yet
 * checked against a suite. 0 or -EINVAL; err never quotes the key. */
int mrfpctl_keyline_parse(const char *text, struct mrfpctl_keyline *k, const char *what, char *err,
			  size_t n);
/* The next line of f (stdin for key options) as a key line. 0, -ENODATA at the end, -EINVAL. */
int mrfpctl_keyline_read(FILE *f, struct mrfpctl_keyline *k, const char *what, char *err, size_t n);
/* Check k for suite as mrfpd's SDP parser reads it (key length, lifetime, MKI value and a
 * length mrfpd takes); fills lifetime, mki, mki_len and a canonical params text. */
int mrfpctl_keyline_check(struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite, const char *what,
			  char *err, size_t n);
/* Each line checked, and the set as mrfpd takes it: every key with an MKI or none, one MKI
 * length, no MKI twice. */
int mrfpctl_keyset_check(struct mrfpctl_keyset *s, enum mrfp_srtp_suite suite, const char *what,
			 char *err, size_t n);
/* A fresh key for suite into k->b64 (OpenSSL CSPRNG), params kept. 0 or -EIO. */
int mrfpctl_keyline_generate(struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite);
/* Set k's MKI and lifetime (canonical params text). */
void mrfpctl_keyline_set_params(struct mrfpctl_keyline *k, uint64_t lifetime, uint64_t mki,
				uint8_t mki_len);
/* Fingerprint of a given key ("$": "chosen"). */
void mrfpctl_keyline_fp(const struct mrfpctl_keyline *k, enum mrfp_srtp_suite suite, char fp[9]);
void mrfpctl_keyline_wipe(struct mrfpctl_keyline *k);
void mrfpctl_keyset_wipe(struct mrfpctl_keyset *s);

/* ---- building requests (mrfpctl_build.c) ---- */

/* --remote-key generate: a fresh key into o->rkeys.k[0]. 0 or -EIO. */
int mrfpctl_generate_keys(struct mrfpctl_opts *o);
/* The participant's SDP (Remote) and mrfpd's template (Local, with $). Length or -ENOSPC. */
int mrfpctl_sdp_remote(const struct mrfpctl_opts *o, char *buf, size_t size);
int mrfpctl_sdp_local(const struct mrfpctl_opts *o, char *buf, size_t size);
/* Append the TransactionRequest for o's command (leg, conf, audit, drain, handoff) to t. 0, -ENOSPC
 * (tree full) or -EINVAL (a command without a request: raw, listen, help). Keys go only into
 * the tree's pool, which the caller wipes. */
int mrfpctl_build_request(const struct mrfpctl_opts *o, uint32_t trans_id,
			  struct mrfp_h248_tree *t);

/* ---- replies (mrfpctl_reply.c) ---- */

#define MRFPCTL_MAX_TERMS 16
#define MRFPCTL_MAX_STATS 16
#define MRFPCTL_MAX_PROPS 16
#define MRFPCTL_MAX_KEYS 8
#define MRFPCTL_MAX_PKGS 8
#define MRFPCTL_NAME_MAX 64
#define MRFPCTL_MAX_SVCS 6

struct mrfpctl_kv {
	char name[MRFPCTL_NAME_MAX];
	char value[MRFPCTL_NAME_MAX];
};

/* One a=crypto line of mrfpd's Local SDP. key is secret: wiped with the result. */
struct mrfpctl_key {
	uint32_t tag;
	enum mrfp_srtp_suite suite;
	struct mrfp_srtp_key key;
	uint64_t lifetime, mki; /* as the line gave them; lifetime 0: none */
	uint8_t mki_len;	/* 0: no MKI */
	char fp[9];
};

/* One command reply: Add = rtp/1 { ... }. */
struct mrfpctl_term {
	enum mrfp_h248_tok cmd;
	char id[MRFP_H248_TERMID_MAX + 1];
	bool has_local, has_remote;
	struct mrfp_addr local, remote; /* from Local/Remote SDP (c= and m= port) */
	char local_sdp_error[64];	/* why the Local SDP could not be read, "" if it could */
	uint8_t n_keys;
	struct mrfpctl_key keys[MRFPCTL_MAX_KEYS];
	char mode[16]; /* "sendrecv"..., "" if not in the reply */
	uint8_t n_stats, n_props, n_pkgs, n_svcs;
	struct mrfpctl_kv stats[MRFPCTL_MAX_STATS];
	struct mrfpctl_kv svcs[MRFPCTL_MAX_SVCS]; /* a ServiceChange reply's Services */
	struct mrfpctl_kv props[MRFPCTL_MAX_PROPS];
	char pkgs[MRFPCTL_MAX_PKGS][MRFPCTL_NAME_MAX];
};

struct mrfpctl_result {
	uint32_t trans_id;
	bool has_ctx;
	struct mrfp_h248_ctxid ctx;
	bool has_error;
	uint16_t err_code;
	char err_text[MRFPCTL_ERR_MAX];
	bool imm_ack;
	unsigned n_terms;
	struct mrfpctl_term terms[MRFPCTL_MAX_TERMS];
};

/* Read a Reply node (Reply = id { ... }) of a decoded message, or a message-level Error, into
 * r (zeroed first). The first Error at any depth wins. 0, or -EINVAL for another node. */
int mrfpctl_reply_parse(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
			struct mrfpctl_result *r);
/* The first Error descriptor under n (n itself included), or NULL. */
const struct mrfp_h248_node *mrfpctl_find_error(const struct mrfp_h248_tree *t,
						const struct mrfp_h248_node *n);
void mrfpctl_result_wipe(struct mrfpctl_result *r);

/* ---- the Mp session (mrfpctl_io.c) ---- */

/*
 * Wait after the n-th transmission (n >= 1) of a request, since_ms after the last news (the
 * first transmission or the last TransactionPending): the doubling interval, cut at what is
 * left of total_ms. 0: give up. Pure.
 */
uint32_t mrfpctl_retx_wait(const struct mrfpctl_timing *tm, unsigned n, uint32_t since_ms);

struct mrfpctl_session;

/* What to wait for after sending a message. */
struct mrfpctl_wait {
	const uint32_t *trans_ids; /* final replies expected */
	unsigned n_trans;
	bool any; /* done at the first message from mrfpd (undecodable request) */
	/* every final Reply to an expected transaction, while the message is still decoded */
	void (*on_reply)(void *arg, const struct mrfp_h248_tree *t,
			 const struct mrfp_h248_node *reply);
	/* every message received from mrfpd, as text */
	void (*on_message)(void *arg, const char *text, size_t len);
	/* a request from mrfpd (Notify, ServiceChange), after it is answered */
	void (*on_request)(void *arg, const struct mrfp_h248_tree *t,
			   const struct mrfp_h248_node *trans);
	void *arg;
	bool pending_seen;	/* out: a TransactionPending came */
	bool refused;		/* out: ICMP port unreachable seen */
	unsigned undecodable;	/* out: messages from mrfpd that did not decode */
	char decode_error[112]; /* out: why the last of them did not */
};

/* Socket to o->mp from o->local. NULL with a reason in err. */
struct mrfpctl_session *mrfpctl_session_open(const struct mrfpctl_opts *o, char *err,
					     size_t err_size);
/* Close, sending the acks not yet piggy-backed (TransactionResponseAck). */
void mrfpctl_session_close(struct mrfpctl_session *s);
/* Our mId and the next TransactionId (random start, increasing). */
const char *mrfpctl_session_mid(const struct mrfpctl_session *s);
uint32_t mrfpctl_session_next_tid(struct mrfpctl_session *s);
/*
 * Send msg and retransmit it until w is satisfied. 0, -ETIMEDOUT (no answer), or -errno of
 * the socket.
 */
int mrfpctl_session_exchange(struct mrfpctl_session *s, const char *msg, size_t len,
			     struct mrfpctl_wait *w);
/*
 * One transaction built by mrfpctl_build_request() from o, with the acks due piggy-backed:
 * the reply in *r. 0, -ETIMEDOUT, -ENOSPC, -errno.
 */
int mrfpctl_session_transact(struct mrfpctl_session *s, const struct mrfpctl_opts *o,
			     struct mrfpctl_result *r);
/* What the last exchange saw (the out members of struct mrfpctl_wait), for error texts. */
void mrfpctl_session_status(const struct mrfpctl_session *s, struct mrfpctl_wait *out);
/* Receive and answer requests from mrfpd until count of them (0: no limit) or for_ms
 * (0: no limit). 0 or -errno. */
int mrfpctl_session_listen(struct mrfpctl_session *s, unsigned count, uint32_t for_ms,
			   struct mrfpctl_wait *w);

/* ---- output (mrfpctl_out.c) ---- */

/* The result of a leg/conf/audit command on out. */
void mrfpctl_print_result(FILE *out, const struct mrfpctl_opts *o, const struct mrfpctl_result *r);
/* A failure (H.248 Error, no answer, usage): JSON on out with --json, text on err always.
 * code 0: not an H.248 code. */
void mrfpctl_print_error(FILE *out, FILE *err, const struct mrfpctl_opts *o, unsigned code,
			 const char *text);
/* A request from mrfpd (listen). */
void mrfpctl_print_request(FILE *out, const struct mrfpctl_opts *o, const struct mrfp_h248_tree *t,
			   const struct mrfp_h248_node *trans);
/* Text copied out of a message with key material replaced by its fingerprint (raw with
 * --key-fingerprints). */
void mrfpctl_print_redacted(FILE *out, const char *text, size_t len);
/* JSON string literal. */
void mrfpctl_json_str(FILE *out, const char *s, size_t len);
/* "lifetime":"2^31","mki":N,"mki_len":L, members of a key line that has them (each followed
 * by a comma). */
void mrfpctl_json_params(FILE *out, const struct mrfpctl_keyline *k);

/* ---- rekey (mrfpctl_rekey.c) ---- */

/* The whole make-before-break sequence of o (a REKEY command); returns the exit code. */
int mrfpctl_run_rekey(struct mrfpctl_opts *o, FILE *out, FILE *err);
/* The key set step (0 install, 1 switch, 2 retire) states, into *set: {old, new},
 * {new, old}, {new}. */
void mrfpctl_rekey_step_set(const struct mrfpctl_opts *o, unsigned step,
			    struct mrfpctl_keyset *set);

/* ---- the program (mrfpctl_run.c) ---- */

/* The whole command; returns the exit code. */
int mrfpctl_main(int argc, char *const argv[], FILE *out, FILE *err);

#endif
