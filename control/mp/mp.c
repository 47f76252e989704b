/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mp transport and transactions (H.248.1 8, Annex D.1): one UDP socket on the control thread;
 * requests from the provisioned MGC only; replies kept for LONG-TIMER so that a retransmitted
 * request is answered, never executed twice; MG-originated transactions (ServiceChange,
 * Notify) retransmitted with exponential back-off until the MGC replies.
 * Unless insecure-lab, Mp lives on an IPsec interface and the IPsec guard must say "protected"
 * before anything is read or sent: while it does not, Mp is suspended (datagrams dropped
 * unread, nothing sent, pending transactions dropped) and registers again when it resumes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <rte_log.h>

#include "ipsec_guard.h"
#include "mp.h"
#include "mp_cache.h"
#include "mp_log.h"
#include "mp_secure.h"
#include "mp_state.h"

RTE_LOG_REGISTER(mrfp_logtype_mp, mrfp.ctl.mp, INFO);

#define LONG_TIMER_MS 30000 /* H.248.1 D.1.3: reply cache lifetime */
#define MAX_PEND 16
#define RETX_FIRST_MS 500
#define RETX_MAX_MS 8000
#define LOST_MS 15000 /* an MG-originated transaction unanswered this long: the MGC is lost */
#define MSG_MAX 65507
#define NODES 2048
#define POOL (64 * 1024)
#define VERSION_MAX 3 /* H.248.1 versions 1 to 3 */

/* An MG-originated transaction waiting for its reply. */
struct outgoing {
	uint32_t tid;
	bool used;
	bool service_change;
	bool held; /* waits for the ServiceChange in flight to be answered (H.248.1 11.5) */
	uint64_t first_ms;
	uint64_t next_ms, interval_ms;
	size_t len;
	char *msg;
};

struct mp_counters {
	uint64_t rx, tx, not_mgc, malformed, duplicates, executed, errors, retransmits;
};

static void notify_grekey(void *arg, uint32_t leg_id, const char *reason);

struct mrfp_mp {
	uint64_t rekey_now_ms; /* the time of the poll that runs the rekey policy */
	struct mrfp_dp *dp;
	const struct mrfp_config *cfg;
	struct mrfp_mp_state *st;
	struct mrfp_mp_cache *cache;
	int fd;
	struct sockaddr_storage mgc;
	socklen_t mgc_len;
	char mid[80];
	uint32_t next_tid;
	/* H.248.1 11.3: the version the MGC answered our ServiceChange with; what mrfpd
	 * originates in (replies use the request's version) */
	unsigned version;
	bool registered;
	bool lost;		/* the MGC stopped answering: ServiceChange Disconnected */
	uint64_t last_heard_ms; /* last datagram from the MGC (inactivity, H.248.14) */
	uint64_t next_probe_ms;
	struct mrfp_addr mgc_addr; /* may move: ServiceChange reply with MgcIdToTry */
	/* an MGC's HandOff: registering with MgcIdToTry; back to this one if it never answers */
	bool handing_off;
	struct mrfp_addr fallback;
	uint64_t forced_ms;  /* drain: when ServiceChange Forced went (0: not yet) */
	uint64_t drained_ms; /* drain: when it was over, the Forced waiting for the Graceful */
	bool overloaded;     /* the last congestion state told to the MGC */
	uint64_t next_load_ms;
	struct outgoing out[MAX_PEND];
	struct mp_counters ctr;
	struct mrfp_ipsec_guard *guard; /* NULL with insecure-lab */
	int sentinel_fd;		/* catches Mp datagrams that did not come through IPsec */
	bool serving;			/* the guard said protected (always with insecure-lab) */
	bool sc_sent;			/* the first ServiceChange Restart went out */
	enum mrfp_ipsec_reason last_reason;
	struct mp_sec_status sec;
	/* scratch for one message at a time */
	char in[MSG_MAX + 1];
	char reply[MSG_MAX + 1];
	struct mrfp_h248_node req_nodes[NODES], rep_nodes[NODES];
	char pool[POOL];
};

static int
to_sockaddr(const struct mrfp_addr *a, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = a->port;
		s4->sin_addr.s_addr = a->v4;
		*len = sizeof(*s4);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = a->port;
		memcpy(&s6->sin6_addr, a->v6, 16);
		*len = sizeof(*s6);
		return 0;
	}
	return -EINVAL;
}

static void
from_sockaddr(const struct sockaddr_storage *ss, struct mrfp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		a->family = AF_INET;
		a->port = s4->sin_port;
		a->v4 = s4->sin_addr.s_addr;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		a->family = AF_INET6;
		a->port = s6->sin6_port;
		memcpy(a->v6, &s6->sin6_addr, 16);
	}
}

/* Only the provisioned MGC is served (its address; it may use any source port). */
static bool
from_mgc(const struct mrfp_mp *mp, const struct mrfp_addr *peer)
{
	struct mrfp_addr a = *peer, m = mp->mgc_addr;
	a.port = m.port = 0;
	return mrfp_addr_equal(&a, &m);
}

static void
send_to(struct mrfp_mp *mp, const struct sockaddr_storage *to, socklen_t len, const char *msg,
	size_t n)
{
	if (!mp->serving) { /* the one place where Mp sends: nothing leaves unprotected */
		mp->sec.tx_suppressed++;
		return;
	}
	if (sendto(mp->fd, msg, n, 0, (const struct sockaddr *)to, len) == (ssize_t)n)
		mp->ctr.tx++;
}

static int
encode_reply(struct mrfp_mp *mp, struct mrfp_h248_tree *rt, unsigned version, size_t *len)
{
	struct mrfp_h248_msg hdr;
	if (h248_msg_init(&hdr, version, mp->mid) < 0)
		return -EINVAL;
	return h248_encode(rt, &hdr, MRFP_H248_PRETTY, mp->reply, sizeof(mp->reply), len);
}

/* One TransactionRequest: from the cache if it was seen, else executed and cached. */
static void
serve_request(struct mrfp_mp *mp, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *tr,
	      unsigned version, const struct sockaddr_storage *from, socklen_t flen,
	      const struct mrfp_addr *peer, uint64_t now_ms)
{
	uint32_t tid, seg;
	size_t len;
	if (h248_trans_id(tr, &tid, &seg) < 0)
		return;
	const char *cached = mp_cache_find(mp->cache, peer, tid, &len);
	if (cached != NULL) {
		mp->ctr.duplicates++;
		send_to(mp, from, flen, cached, len);
		return;
	}
	struct mrfp_h248_tree rt;
	struct mrfp_mp_result res;
	h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
	struct mrfp_h248_node *rep = h248_add_trans(&rt, MRFP_H248_TOK_REPLY, tid);
	if (rep == NULL)
		return;
	mp_execute(mp->st, t, tr, &rt, rep, now_ms, &res);
	if (mp_mgc_restart_take(mp->st)) /* its old transaction ids mean nothing now */
		mp_cache_ack(mp->cache, peer, 0, UINT32_MAX);
	mp->ctr.executed++;
	if (res.code != 0)
		mp->ctr.errors++;
	if (encode_reply(mp, &rt, version, &len) < 0) {
		MP_LOG(ERR, "reply to transaction %" PRIu32 " does not encode", tid);
		return;
	}
	mp_cache_put(mp->cache, peer, tid, mp->reply, len, now_ms);
	send_to(mp, from, flen, mp->reply, len);
}

static struct outgoing *
outgoing_find(struct mrfp_mp *mp, uint32_t tid)
{
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used && mp->out[i].tid == tid)
			return &mp->out[i];
	return NULL;
}

static void
outgoing_done(struct outgoing *o)
{
	free(o->msg);
	memset(o, 0, sizeof(*o));
}

/* A Reply or Pending from the MGC to one of our transactions. */
static void send_service_change(struct mrfp_mp *mp, enum mrfp_h248_tok method, uint16_t reason,
				const char *text, uint64_t now_ms);

static void check_protection(struct mrfp_mp *mp, uint64_t now_ms);
static void release_held(struct mrfp_mp *mp, uint64_t now_ms);

/* The registration ServiceChange: Restart "901 Cold Boot", or after an MGC's HandOff,
 * HandOff "903 MGC Directed Change" to the new MGC (H.248.1 11.5). */
static void
register_now(struct mrfp_mp *mp, uint64_t now_ms)
{
	if (mp->handing_off)
		send_service_change(mp, MRFP_H248_TOK_HANDOFF, 903, "903 MGC Directed Change",
				    now_ms);
	else
		send_service_change(mp, MRFP_H248_TOK_RESTART, 901, "901 Cold Boot", now_ms);
}

/* Serve the MGC named by an mId (MgcIdToTry) from now on and register with it. 0, or -1 when
 * the mId is no IP address. */
static int
move_to(struct mrfp_mp *mp, const struct mrfp_h248_str *mgcid, uint64_t now_ms)
{
	struct mrfp_h248_mid mid;
	struct mrfp_addr to;
	char text[80];
	if (h248_mid_parse(mgcid, 0, &mid) < 0 ||
	    (mid.kind != MRFP_H248_MID_IP4 && mid.kind != MRFP_H248_MID_IP6))
		return -1;
	snprintf(text, sizeof(text), mid.kind == MRFP_H248_MID_IP6 ? "[%.*s]:%u" : "%.*s:%u",
		 (int)mid.addr.len, mid.addr.p, mid.port ? mid.port : 2944);
	if (mrfp_addr_parse(text, &to) < 0 || to_sockaddr(&to, &mp->mgc, &mp->mgc_len) < 0)
		return -1;
	mp->mgc_addr = to;
	mp->registered = false;
	for (unsigned int i = 0; i < MAX_PEND; i++) /* what was for the old MGC stays there */
		if (mp->out[i].used)
			outgoing_done(&mp->out[i]);
	MP_LOG(INFO, "%s the MGC at %s", mp->handing_off ? "handed off to" : "redirected to", text);
	if (mp->guard != NULL) { /* its SA is checked first: ServiceChange when protected */
		ipsec_guard_set_mgc(mp->guard, &to, now_ms);
		check_protection(mp, now_ms); /* suspended from this datagram on */
		return 0;
	}
	register_now(mp, now_ms);
	return 0;
}

/* The Services of the MGC's reply to a ServiceChange. 0 or -1: none. */
static int
reply_services(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *reply,
	       struct mrfp_h248_sc *sc)
{
	const struct mrfp_h248_node *ctx = h248_find(t, reply, MRFP_H248_TOK_CONTEXT);
	const struct mrfp_h248_node *scn =
		ctx ? h248_find(t, ctx, MRFP_H248_TOK_SERVICECHANGE) : NULL;
	const struct mrfp_h248_node *sv = scn ? h248_find(t, scn, MRFP_H248_TOK_SERVICES) : NULL;
	return sv != NULL && h248_sc_get(t, sv, sc) == 0 ? 0 : -1;
}

/* H.248.1 11.5: a ServiceChange reply naming MgcIdToTry sends the MG to another MGC. */
static bool
redirected(struct mrfp_mp *mp, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *reply,
	   uint64_t now_ms)
{
	struct mrfp_h248_sc sc;
	if (reply_services(t, reply, &sc) < 0 || sc.mgcid.len == 0)
		return false;
	mp->handing_off = false;
	return move_to(mp, &sc.mgcid, now_ms) == 0;
}

/* The MGC handed mrfpd over (ServiceChange HandOff on ROOT; its reply has gone): register
 * with the new MGC; the one it came from is the fallback. */
static void
follow_handoff(struct mrfp_mp *mp, uint64_t now_ms)
{
	char text[64];
	if (mp_handoff_take(mp->st, text, sizeof(text)) < 0)
		return;
	struct mrfp_addr from = mp->mgc_addr;
	struct mrfp_h248_str mgcid = {text, (uint32_t)strlen(text)};
	mp->handing_off = true;
	if (move_to(mp, &mgcid, now_ms) == 0) {
		mp->fallback = from;
		return;
	}
	mp->handing_off = false;
	MP_LOG(WARNING, "HandOff to %s: not an address, staying with the MGC", text);
}

/* The new MGC of a HandOff never answered: back to the one that handed mrfpd over, which is
 * told the service is restored (Disconnected "900 Service Restored"). */
static void
handoff_failed(struct mrfp_mp *mp, uint64_t now_ms)
{
	mp->handing_off = false;
	mp->mgc_addr = mp->fallback;
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used)
			outgoing_done(&mp->out[i]);
	if (to_sockaddr(&mp->mgc_addr, &mp->mgc, &mp->mgc_len) < 0)
		return;
	MP_LOG(WARNING, "the MGC of the HandOff does not answer: back to the one before");
	if (mp->guard != NULL) {
		ipsec_guard_set_mgc(mp->guard, &mp->mgc_addr, now_ms);
		check_protection(mp, now_ms);
		return;
	}
	mp->registered = true;
	mp->lost = true;
	send_service_change(mp, MRFP_H248_TOK_DISCONNECTED, 900, "900 Service Restored", now_ms);
}

/* H.248.1 11.3: the version of the MGC's ServiceChange reply (its ServiceChangeVersion, else
 * its message's) is the one mrfpd originates in from now on; never above what mrfpd offered. */
static void
negotiate(struct mrfp_mp *mp, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *reply,
	  unsigned msg_version)
{
	struct mrfp_h248_sc sc;
	unsigned v = msg_version;
	if (reply_services(t, reply, &sc) == 0 && sc.version != 0)
		v = sc.version;
	if (v > VERSION_MAX)
		MP_LOG(WARNING, "the MGC answered H.248 version %u, above the %u offered: using %u",
		       v, VERSION_MAX, VERSION_MAX);
	mp->version = v < 1 ? 1 : v > VERSION_MAX ? VERSION_MAX : v;
}

/* TransactionResponseAck for a reply that asked for one (ImmAckRequired, H.248.1 D.1.4). */
static void
send_ack(struct mrfp_mp *mp, uint32_t tid)
{
	struct mrfp_h248_tree rt;
	size_t len;
	h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
	if (h248_add_ack(&rt, tid, tid) == NULL || encode_reply(mp, &rt, mp->version, &len) < 0) {
		MP_LOG(WARNING, "cannot acknowledge the reply to transaction %" PRIu32, tid);
		return;
	}
	send_to(mp, &mp->mgc, mp->mgc_len, mp->reply, len);
}

static void
answer_received(struct mrfp_mp *mp, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n,
		unsigned version, uint64_t now_ms)
{
	uint32_t tid, seg;
	if (h248_trans_id(n, &tid, &seg) < 0)
		return;
	struct outgoing *o = outgoing_find(mp, tid);
	if (o == NULL)
		return;
	if (n->tok == MRFP_H248_TOK_PENDING) { /* D.1.3: wait, do not retransmit for now */
		o->next_ms = now_ms + RETX_MAX_MS;
		return;
	}
	bool sc = o->service_change;
	outgoing_done(o);
	if (h248_find(t, n, MRFP_H248_TOK_IMMACKREQUIRED) != NULL)
		send_ack(mp, tid);
	if (sc && redirected(mp, t, n, now_ms))
		return;
	if (sc && (!mp->registered || mp->lost)) {
		negotiate(mp, t, n, version);
		MP_LOG(INFO,
		       "%s the MGC (ServiceChange reply, transaction %" PRIu32
		       "), H.248 version %u",
		       mp->lost ? "restored: service with" : "registered with", tid, mp->version);
		mp->registered = true;
		mp->lost = false;
		mp->handing_off = false;
	}
	if (sc)
		release_held(mp, now_ms);
}

/*
 * A request may carry keys and its reply keys mrfpd generated: the datagram, the reply text
 * and the pool that built it are wiped after every datagram, whatever became of it (served,
 * refused, from a stranger, undecodable), here in the one place every path passes.
 */
static void
wipe_exchange(struct mrfp_mp *mp, size_t n)
{
	OPENSSL_cleanse(mp->in, n + 1);
	OPENSSL_cleanse(mp->reply, sizeof(mp->reply));
	OPENSSL_cleanse(mp->pool, sizeof(mp->pool));
}

static void
serve_message(struct mrfp_mp *mp, size_t n, const struct sockaddr_storage *from, socklen_t flen,
	      uint64_t now_ms)
{
	struct mrfp_h248_tree t;
	struct mrfp_h248_msg msg;
	struct mrfp_h248_error err;
	struct mrfp_addr peer;
	const struct mrfp_h248_node *c;
	from_sockaddr(from, &peer);
	if (!from_mgc(mp, &peer)) {
		mp->ctr.not_mgc++; /* dropped without a reply */
		mp->sec.drop_not_mgc++;
		return;
	}
	mp->ctr.rx++;
	mp->last_heard_ms = now_ms;
	if (mp->lost) /* it is back: our ServiceChange Disconnected goes out now */
		for (unsigned int i = 0; i < MAX_PEND; i++)
			if (mp->out[i].used && mp->out[i].service_change)
				mp->out[i].next_ms = now_ms;
	h248_tree_init(&t, mp->req_nodes, NODES, NULL, 0);
	int rc = h248_decode(mp->in, n, &t, &msg, &err);
	if (rc < 0) {
		mp->ctr.malformed++;
		struct mrfp_h248_tree rt;
		size_t len;
		h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
		/* a faulty Transaction gets its Reply with the error; a faulty Reply or Pending
		 * from the MGC is not answered (H.248.1 8.2.2) */
		bool answer =
			err.level == MRFP_H248_ERR_MESSAGE || err.kind == MRFP_H248_TOK_TRANSACTION;
		/* a version mrfpd does not speak (406) is answered in the one negotiated */
		unsigned v =
			msg.version >= 1 && msg.version <= VERSION_MAX ? msg.version : mp->version;
		if (answer && h248_add_decode_error(&rt, &err) != NULL &&
		    encode_reply(mp, &rt, v, &len) == 0)
			send_to(mp, from, flen, mp->reply, len);
		if (err.level != MRFP_H248_ERR_TRANSACTION)
			return;
		/* transactions decoded before the faulty one are still served */
	}
	MRFP_H248_FOREACH(&t, h248_root(&t), c)
	{
		if (c->tok == MRFP_H248_TOK_TRANSACTION) {
			serve_request(mp, &t, c, msg.version, from, flen, &peer, now_ms);
			follow_handoff(mp, now_ms);
		} else if (c->tok == MRFP_H248_TOK_REPLY || c->tok == MRFP_H248_TOK_PENDING)
			answer_received(mp, &t, c, msg.version, now_ms);
		else if (c->tok == MRFP_H248_TOK_RESPONSEACK) {
			const struct mrfp_h248_node *r;
			uint32_t first, last;
			MRFP_H248_FOREACH(&t, c, r)
			if (h248_ack_range(&r->name, &first, &last) == 0)
				mp_cache_ack(mp->cache, &peer, first, last);
		}
	}
}

/* A ServiceChange of ours is unanswered: other transactions wait for it. */
static bool
sc_in_flight(const struct mrfp_mp *mp)
{
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used && mp->out[i].service_change)
			return true;
	return false;
}

/* A held message was encoded as "MEGACO/v ": its header takes the negotiated version (the
 * same length: one digit, 1 to 3). */
static void
version_fix(const struct mrfp_mp *mp, struct outgoing *o)
{
	static const char hdr[] = "MEGACO/";
	if (o->len > sizeof(hdr) && memcmp(o->msg, hdr, sizeof(hdr) - 1) == 0)
		o->msg[sizeof(hdr) - 1] = (char)('0' + mp->version);
}

/* Queue an MG-originated transaction built in rt (its id is tid) and send it now, or (not a
 * ServiceChange, while one is unanswered) once the MGC answered that. */
static int
originate(struct mrfp_mp *mp, struct mrfp_h248_tree *rt, uint32_t tid, bool service_change,
	  uint64_t now_ms)
{
	size_t len;
	struct outgoing *o = NULL;
	for (unsigned int i = 0; i < MAX_PEND && o == NULL; i++)
		if (!mp->out[i].used)
			o = &mp->out[i];
	/* registration goes in version 1, which every MGC reads; ServiceChangeVersion offers
	 * more and the reply decides */
	unsigned version = service_change && !mp->registered ? 1 : mp->version;
	if (o == NULL || encode_reply(mp, rt, version, &len) < 0)
		return -ENOSPC;
	o->msg = malloc(len);
	if (o->msg == NULL)
		return -ENOMEM;
	memcpy(o->msg, mp->reply, len);
	o->len = len;
	o->tid = tid;
	o->used = true;
	o->service_change = service_change;
	o->interval_ms = RETX_FIRST_MS;
	o->held = !service_change && sc_in_flight(mp);
	if (o->held) { /* sent once the MGC answered the ServiceChange */
		o->next_ms = UINT64_MAX;
		return 0;
	}
	o->first_ms = now_ms;
	o->next_ms = now_ms + o->interval_ms;
	send_to(mp, &mp->mgc, mp->mgc_len, o->msg, len);
	return 0;
}

/* The ServiceChange was answered: what waited for it goes now, in the negotiated version
 * (it was encoded before the answer: encoded again if the version changed). */
static void
release_held(struct mrfp_mp *mp, uint64_t now_ms)
{
	for (unsigned int i = 0; i < MAX_PEND; i++) {
		struct outgoing *o = &mp->out[i];
		if (!o->used || !o->held)
			continue;
		o->held = false;
		o->first_ms = now_ms;
		o->next_ms = now_ms + o->interval_ms;
		version_fix(mp, o);
		send_to(mp, &mp->mgc, mp->mgc_len, o->msg, o->len);
	}
}

/* ServiceChange on ROOT: Restart "901 Cold Boot" at start (H.248.1 11.2), Disconnected
 * "900 Service Restored" after the MGC was lost (11.5), Graceful with a Delay (s, or -1) and
 * Forced when draining. */
static void
send_sc_delay(struct mrfp_mp *mp, enum mrfp_h248_tok method, uint16_t reason, const char *text,
	      int32_t delay, uint64_t now_ms)
{
	struct mrfp_h248_tree rt;
	struct mrfp_h248_ctxid null_ctx = {.kind = MRFP_H248_CTX_NULL};
	struct mrfp_h248_sc sc = {.method = method,
				  .reason = reason,
				  .reason_text = {text, (uint32_t)strlen(text)},
				  .version = VERSION_MAX,
				  .delay = delay};
	uint32_t tid = mp->next_tid++;
	h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
	struct mrfp_h248_node *tr = h248_add_trans(&rt, MRFP_H248_TOK_TRANSACTION, tid);
	struct mrfp_h248_node *ctx = tr ? h248_add_context(&rt, tr, &null_ctx) : NULL;
	if (ctx == NULL || h248_add_sc(&rt, ctx, "ROOT", &sc) == NULL ||
	    originate(mp, &rt, tid, true, now_ms) < 0)
		MP_LOG(ERR, "cannot send ServiceChange");
}

static void
send_service_change(struct mrfp_mp *mp, enum mrfp_h248_tok method, uint16_t reason,
		    const char *text, uint64_t now_ms)
{
	send_sc_delay(mp, method, reason, text, -1, now_ms);
}

void
mp_drain_start(struct mrfp_mp *mp, uint32_t delay_ms, uint64_t now_ms)
{
	if (!mp_state_drain(mp->st, delay_ms, now_ms))
		return; /* draining already (the MGC asked for it, or a second signal) */
	MP_LOG(INFO, "draining: no new legs; the calls have %u ms", delay_ms);
	send_sc_delay(mp, MRFP_H248_TOK_GRACEFUL, 905, "905 Termination taken out of service",
		      (int32_t)((delay_ms + 999) / 1000), now_ms);
}

bool
mp_drain_done(struct mrfp_mp *mp, uint64_t now_ms)
{
	if (!mp_state_drain_due(mp->st, now_ms))
		return false;
	if (mp->drained_ms == 0)
		mp->drained_ms = now_ms;
	/* the Forced follows the Graceful's answer (an MGC may hold back a second ServiceChange
	 * while the first is open), or 5 s without one */
	if (mp->forced_ms == 0 && sc_in_flight(mp) && now_ms - mp->drained_ms < 5000)
		return false;
	if (mp->forced_ms == 0) { /* the calls are over (or out of time): out of service */
		MP_LOG(INFO, "drained: ServiceChange Forced, then exit");
		mp->forced_ms = now_ms;
		send_service_change(mp, MRFP_H248_TOK_FORCED, 905,
				    "905 Termination taken out of service", now_ms);
		return false;
	}
	return !sc_in_flight(mp) || now_ms - mp->forced_ms >= 2000;
}

/* Nothing has answered for LOST_MS: the MGC is lost. Queued Notifies go; a ServiceChange
 * Disconnected is retried until the MGC answers again. */
static void
mgc_lost(struct mrfp_mp *mp, uint64_t now_ms)
{
	if (mp->lost)
		return;
	mp->lost = true;
	MP_LOG(WARNING, "the MGC does not answer: disconnected, retrying");
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used)
			outgoing_done(&mp->out[i]);
	send_service_change(mp, MRFP_H248_TOK_DISCONNECTED, 900, "900 Service Restored", now_ms);
}

/* Notify = ROOT { ObservedEvents = rid { event [{ state = state }] } } in Context = -. */
static void
notify_root(struct mrfp_mp *mp, uint32_t rid, const char *event, const char *state, uint64_t now_ms)
{
	struct mrfp_h248_tree rt;
	struct mrfp_h248_ctxid null_ctx = {.kind = MRFP_H248_CTX_NULL};
	uint32_t tid = mp->next_tid++;
	h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
	struct mrfp_h248_node *tr = h248_add_trans(&rt, MRFP_H248_TOK_TRANSACTION, tid);
	struct mrfp_h248_node *ctx = tr ? h248_add_context(&rt, tr, &null_ctx) : NULL;
	struct mrfp_h248_node *nt = ctx ? h248_add(&rt, ctx, MRFP_H248_TOK_NOTIFY, "ROOT") : NULL;
	struct mrfp_h248_node *oe =
		nt ? h248_addf(&rt, nt, MRFP_H248_TOK_OBSERVEDEVENTS, "%" PRIu32, rid) : NULL;
	struct mrfp_h248_node *e = oe ? h248_add_name(&rt, oe, event, NULL) : NULL;
	if (e == NULL || (state != NULL && h248_add_name(&rt, e, "state", "%s", state) == NULL) ||
	    originate(mp, &rt, tid, false, now_ms) < 0)
		MP_LOG(WARNING, "cannot notify %s", event);
}

/* H.248.14 inactivity: after mgc-timeout of silence the MG tells the MGC (Notify it/ito); if
 * that goes unanswered the MGC is lost. */
static void
probe_mgc(struct mrfp_mp *mp, uint64_t now_ms)
{
	uint32_t rid;
	uint64_t idle;
	if (!mp_root_ito(mp->st, &rid, &idle))
		return; /* the MGC disarmed it (an Events descriptor on ROOT without it/ito) */
	if (idle == 0)
		idle = mp->cfg->mgc_timeout_ms; /* provisioned (H.248.14) */
	if (idle == 0 || mp->lost || !mp->registered || now_ms < mp->next_probe_ms ||
	    now_ms - mp->last_heard_ms < idle)
		return;
	mp->next_probe_ms = now_ms + idle;
	notify_root(mp, rid, "it/ito", NULL, now_ms);
}

/* Congestion (mrfp/overload on ROOT): once a second, whether a new conference would find a
 * worker under its admission limits; each change is told to the MGC so that it steers new
 * conferences to another MRFP, and back. */
static void
report_load(struct mrfp_mp *mp, uint64_t now_ms)
{
	uint32_t rid;
	if (!mp->registered || mp->lost || now_ms < mp->next_load_ms)
		return;
	mp->next_load_ms = now_ms + 1000;
	bool full = mrfp_dp_full(mp->dp);
	if (full == mp->overloaded)
		return;
	mp->overloaded = full;
	MP_LOG(INFO, "congestion %s: %s", full ? "on" : "off",
	       full ? "no worker admits a new conference" : "room again");
	if (mp_root_event(mp->st, MP_EV_OVERLOAD, &rid))
		notify_root(mp, rid, "mrfp/overload", full ? "on" : "off", now_ms);
}

static void
retransmit(struct mrfp_mp *mp, uint64_t now_ms)
{
	for (unsigned int i = 0; i < MAX_PEND; i++) {
		struct outgoing *o = &mp->out[i];
		if (!o->used || now_ms < o->next_ms)
			continue;
		if (now_ms - o->first_ms >= LOST_MS && o->service_change && mp->handing_off) {
			handoff_failed(mp, now_ms);
			return;
		}
		if (now_ms - o->first_ms >= LOST_MS && !o->service_change) {
			mgc_lost(mp, now_ms);
			return;
		}
		if (now_ms - o->first_ms >= LOST_MS && mp->registered && !mp->lost) {
			mgc_lost(mp, now_ms);
			return;
		}
		mp->ctr.retransmits++;
		send_to(mp, &mp->mgc, mp->mgc_len, o->msg, o->len);
		/* D.1.2: exponential back-off; ServiceChange keeps trying until the MGC is back */
		o->interval_ms =
			o->interval_ms * 2 > RETX_MAX_MS ? RETX_MAX_MS : o->interval_ms * 2;
		o->next_ms = now_ms + o->interval_ms;
	}
}

/* Protection went: what was queued for the MGC is dropped, nothing is sent until it returns. */
static void
suspend(struct mrfp_mp *mp)
{
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used)
			outgoing_done(&mp->out[i]);
}

/* Protection is back: register (Restart if the MGC never answered us, else Disconnected
 * "900 Service Restored", H.248.1 11.5: the MGC may have lost our state). */
static void
resume(struct mrfp_mp *mp, uint64_t now_ms)
{
	suspend(mp);
	mp->last_heard_ms = now_ms;
	if (!mp->sc_sent || !mp->registered) {
		mp->sc_sent = true;
		mp->lost = false;
		register_now(mp, now_ms);
		return;
	}
	mp->lost = true;
	send_service_change(mp, MRFP_H248_TOK_DISCONNECTED, 900, "900 Service Restored", now_ms);
}

/* Ask the guard; act and log only when the verdict changes (never per packet). */
static void
check_protection(struct mrfp_mp *mp, uint64_t now_ms)
{
	if (mp->guard == NULL)
		return;
	ipsec_guard_poll(mp->guard, now_ms);
	bool ok = ipsec_guard_protected(mp->guard);
	enum mrfp_ipsec_reason why = ipsec_guard_reason(mp->guard);
	if (ok == mp->serving) {
		if (!ok && why != mp->last_reason)
			MP_LOG(INFO, "Mp still suspended: %s", ipsec_reason_text(why));
		mp->last_reason = why;
		return;
	}
	mp->last_reason = why;
	mp->serving = ok;
	mp->sec.changes++;
	if (!ok) {
		MP_LOG(WARNING,
		       "Mp SUSPENDED, IPsec does not protect it: %s; nothing is served or sent",
		       ipsec_reason_text(why));
		suspend(mp);
		return;
	}
	MP_LOG(INFO, "Mp protected by IPsec on %s: serving the MGC %s", mp->cfg->mp_interface,
	       mp->cfg->mgc_text);
	resume(mp, now_ms);
}

static void
publish(struct mrfp_mp *mp)
{
	struct ipsec_guard_stats gs = {0};
	if (mp->guard != NULL)
		ipsec_guard_stats(mp->guard, &gs);
	mp->sec.state = mp->guard == NULL ? MRFP_MP_INSECURE_LAB
			: mp->serving	  ? MRFP_MP_PROTECTED
					  : MRFP_MP_SUSPENDED;
	mp->sec.reason = mp->guard == NULL ? MRFP_IPSEC_NO_VICI : ipsec_guard_reason(mp->guard);
	mp->sec.guard_refreshes = gs.refreshes;
	mp->sec.guard_events = gs.events;
	mp->sec.guard_vici_errors = gs.vici_errors;
	mp_sec_publish(&mp->sec);
}

const char *
mp_cmd_kind_name(enum mp_cmd_kind kind)
{
	static const char *const names[MP_CMD_KINDS] = {
		[MP_CMD_ADD] = "add",
		[MP_CMD_MODIFY] = "modify",
		[MP_CMD_SUBTRACT] = "subtract",
		[MP_CMD_MOVE] = "move",
		[MP_CMD_AUDITVALUE] = "audit_value",
		[MP_CMD_AUDITCAP] = "audit_capabilities",
		[MP_CMD_SERVICECHANGE] = "service_change",
		[MP_CMD_OTHER] = "other",
	};
	return (unsigned int)kind < MP_CMD_KINDS ? names[kind] : "other";
}

uint64_t
mp_command_count(const struct mrfp_mp *mp, enum mp_cmd_kind kind, unsigned int code)
{
	if ((unsigned int)kind >= MP_CMD_KINDS)
		return 0;
	if (code == 0)
		return mp->st->commands[kind][0];
	if (code < MP_CODE_MIN || code >= MP_CODE_MIN + MP_CODE_SLOTS - 1)
		return 0;
	return mp->st->commands[kind][1 + code - MP_CODE_MIN];
}

void
mp_stats(const struct mrfp_mp *mp, struct mp_stats *out)
{
	*out = (struct mp_stats){.rx = mp->ctr.rx,
				 .tx = mp->ctr.tx,
				 .malformed = mp->ctr.malformed,
				 .duplicates = mp->ctr.duplicates,
				 .executed = mp->ctr.executed,
				 .errors = mp->ctr.errors,
				 .retransmits = mp->ctr.retransmits,
				 .registered = mp->registered && !mp->lost,
				 .draining = mp->st->draining};
}

void
mp_poll(struct mrfp_mp *mp, uint64_t now_ms)
{
	check_protection(mp, now_ms);
	mp->sec.drop_not_ipsec += mp_drain(mp->sentinel_fd, mp->in, MSG_MAX);
	for (int i = 0; i < 64; i++) { /* bounded: the loop also serves the lab feed, events */
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(mp->fd, mp->in, MSG_MAX, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);
		if (n <= 0)
			break;
		if (!mp->serving) { /* keys are never accepted unprotected: dropped unread */
			mp->sec.drop_unprotected++;
		} else {
			mp->in[n] = '\0';
			serve_message(mp, (size_t)n, &from, flen, now_ms);
		}
		wipe_exchange(mp, (size_t)n);
	}
	if (mp->serving) {
		retransmit(mp, now_ms);
		probe_mgc(mp, now_ms);
		report_load(mp, now_ms);
	}
	mp_cache_expire(mp->cache, now_ms);
	mp->rekey_now_ms = now_ms;
	mp_rekey_poll(mp->st, now_ms, notify_grekey, mp);
	publish(mp);
}

/*
 * Observed events of the mrfp package: inact (leg inactivity), ssrccol (SSRC collision,
 * ssrc=), keysoft (a key nears its a=crypto lifetime: send a new one, key=local|remote:
 * which SDP's a=crypto), keyexp (a key reached it and is no longer used).
 */
static const char *
event_name(uint32_t type, uint32_t *bit)
{
	switch (type) {
	case MRFP_EVENT_INACTIVITY:
		*bit = MP_EV_INACT;
		return "mrfp/inact";
	case MRFP_EVENT_KEY_SOFT_LIMIT:
		*bit = MP_EV_KEYSOFT;
		return "mrfp/keysoft";
	case MRFP_EVENT_KEY_HARD_LIMIT:
		*bit = MP_EV_KEYEXP;
		return "mrfp/keyexp";
	default:
		*bit = MP_EV_SSRCCOL;
		return "mrfp/ssrccol";
	}
}

/* Notify { ObservedEvents = RequestID { what [{ pname=pvalue }] } } on a leg's termination,
 * when the MGC wants that event (bit) reported. */
static void
notify_observed(struct mrfp_mp *mp, uint32_t leg_id, uint32_t bit, const char *what,
		const char *pname, const char *pvalue, uint64_t now_ms)
{
	struct mrfp_h248_tree rt;
	uint32_t ctx_id, rid;
	char term[32];
	if (!mp_leg_event(mp->st, leg_id, bit, &rid))
		return; /* not armed (or the leg is gone) */
	if (!mp->serving) {
		mp->sec.notify_dropped++;
		return;
	}
	if (mp_leg_names(mp->st, leg_id, &ctx_id, term, sizeof(term)) < 0)
		return;
	struct mrfp_h248_ctxid cid = {.kind = MRFP_H248_CTX_ID, .id = ctx_id};
	uint32_t tid = mp->next_tid++;
	h248_tree_init(&rt, mp->rep_nodes, NODES, mp->pool, POOL);
	struct mrfp_h248_node *tr = h248_add_trans(&rt, MRFP_H248_TOK_TRANSACTION, tid);
	struct mrfp_h248_node *ctx = tr ? h248_add_context(&rt, tr, &cid) : NULL;
	struct mrfp_h248_node *nt = ctx ? h248_add(&rt, ctx, MRFP_H248_TOK_NOTIFY, term) : NULL;
	struct mrfp_h248_node *oe =
		nt ? h248_addf(&rt, nt, MRFP_H248_TOK_OBSERVEDEVENTS, "%" PRIu32, rid) : NULL;
	struct mrfp_h248_node *e = oe ? h248_add_name(&rt, oe, what, NULL) : NULL;
	if (e != NULL && pname != NULL)
		h248_add_name(&rt, e, pname, "%s", pvalue);
	if (e == NULL || originate(mp, &rt, tid, false, now_ms) < 0)
		MP_LOG(WARNING, "%s for leg %" PRIu32 " not notified", what, leg_id);
}

void
mp_event(struct mrfp_mp *mp, const struct mrfp_event *ev, uint64_t now_ms)
{
	char v[16];
	const char *pname = NULL;
	if (ev->type == MRFP_EVENT_SSRC_COLLISION) {
		snprintf(v, sizeof(v), "%" PRIu32, ev->ssrc);
		pname = "ssrc";
	} else if (ev->type == MRFP_EVENT_KEY_SOFT_LIMIT || ev->type == MRFP_EVENT_KEY_HARD_LIMIT) {
		snprintf(v, sizeof(v), "%s", ev->key == MRFP_EVENT_KEY_TX ? "local" : "remote");
		pname = "key";
	}
	uint32_t bit;
	const char *name = event_name(ev->type, &bit);
	if (ev->type == MRFP_EVENT_DTMF && (bit = mp_dd_event((char)ev->digit, &name)) == 0)
		return; /* not a digit: the dataplane reports digits only */
	notify_observed(mp, ev->leg_id, bit, name, pname, v, now_ms);
}

/* The group-key policy asks the MRFC for a new group key (mp_rekey.h). */
static void
notify_grekey(void *arg, uint32_t leg_id, const char *reason)
{
	struct mrfp_mp *mp = arg;
	notify_observed(mp, leg_id, MP_EV_GREKEY, "mrfp/grekey", "reason", reason,
			mp->rekey_now_ms);
}

uint64_t
mp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
mp_fd(const struct mrfp_mp *mp)
{
	return mp->fd;
}

static int
open_socket(struct mrfp_mp *mp)
{
	struct mrfp_addr local = mp->cfg->mp_address;
	struct sockaddr_storage ss;
	socklen_t len;
	local.port = htons(mp->cfg->mp_port);
	if (to_sockaddr(&local, &ss, &len) < 0)
		return -EINVAL;
	int rc = mp_open_socket(mp->cfg, (struct sockaddr *)&ss, len, &mp->fd, &mp->sentinel_fd);
	if (rc < 0)
		return rc;
	char a[64];
	snprintf(mp->mid, sizeof(mp->mid), "%s", mrfp_addr_format(&local, a, sizeof(a)));
	if (local.family == AF_INET) { /* mId form [a.b.c.d]:port */
		char host[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &local.v4, host, sizeof(host));
		snprintf(mp->mid, sizeof(mp->mid), "[%s]:%u", host, mp->cfg->mp_port);
	}
	return to_sockaddr(&mp->cfg->mgc, &mp->mgc, &mp->mgc_len);
}

static struct mrfp_ipsec_guard *
new_guard(const struct mrfp_mp *mp)
{
	struct mrfp_ipsec_want want = {
		.mp = mp->cfg->mp_address, .mgc = mp->mgc_addr, .identity = mp->cfg->mgc_identity};
	want.mp.port = htons(mp->cfg->mp_port);
	return ipsec_guard_create(mp->cfg->vici_socket, &want);
}

struct mrfp_mp *
mp_create(struct mrfp_dp *dp, const struct mrfp_config *cfg)
{
	struct mrfp_mp *mp = calloc(1, sizeof(*mp));
	if (mp == NULL)
		return NULL;
	mp->dp = dp;
	mp->cfg = cfg;
	mp->fd = -1;
	mp->sentinel_fd = -1;
	mp->next_tid = 1;
	mp->version = 1;
	mp->mgc_addr = cfg->mgc;
	mp->st = mp_state_create(dp, cfg);
	mp->cache = mp_cache_create(16384, LONG_TIMER_MS);
	int rc = mp->st && mp->cache ? open_socket(mp) : -ENOMEM;
	if (rc == 0 && !cfg->insecure_lab && (mp->guard = new_guard(mp)) == NULL)
		rc = -errno;
	if (rc < 0) {
		MP_LOG(ERR, "Mp socket: %s", strerror(-rc));
		mp_free(mp);
		errno = -rc;
		return NULL;
	}
	mp->last_heard_ms = mp_now_ms();
	if (cfg->insecure_lab) {
		MP_LOG(WARNING, "Mp on %s WITHOUT IPsec (insecure-lab), MGC %s", mp->mid,
		       cfg->mgc_text);
		mp->serving = true;
		mp->sc_sent = true;
		send_service_change(mp, MRFP_H248_TOK_RESTART, 901, "901 Cold Boot",
				    mp->last_heard_ms);
	} else {
		MP_LOG(INFO,
		       "Mp on %s bound to %s, MGC %s: suspended until IPsec protects it (VICI %s)",
		       mp->mid, cfg->mp_interface, cfg->mgc_text, cfg->vici_socket);
	}
	publish(mp);
	return mp;
}

void
mp_free(struct mrfp_mp *mp)
{
	if (mp == NULL)
		return;
	if (mp->fd >= 0)
		close(mp->fd);
	if (mp->sentinel_fd >= 0)
		close(mp->sentinel_fd);
	ipsec_guard_free(mp->guard);
	for (unsigned int i = 0; i < MAX_PEND; i++)
		if (mp->out[i].used)
			outgoing_done(&mp->out[i]);
	mp_cache_free(mp->cache);
	mp_state_free(mp->st);
	OPENSSL_cleanse(mp, sizeof(*mp));
	free(mp);
}
