/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MRFC side of H.248.1 transactions over UDP (Annex D.1): TransactionIds increasing from
 * a random start, retransmission with exponential back-off until a final reply, Pending as
 * news that keeps us waiting, TransactionResponseAck for every reply (piggy-backed on the
 * next request, or sent alone when the session closes), and answers to what mrfpd asks of
 * its MGC (ServiceChange, Notify) so that it need not retransmit them at us.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"

#define T_(x) MRFP_H248_TOK_##x
#define MAX_ACKS 64
#define MAX_WAIT_TRANS 64
#define ANSWERED_RING 32

struct mrfpctl_session {
	int fd;
	char mid[MRFPCTL_MID_MAX];
	char peer[64];
	struct mrfp_h248_msg hdr;
	enum mrfp_h248_style style;
	struct mrfpctl_timing timing;
	bool verbose;
	struct mrfpctl_wait last; /* out members of the last exchange, for error texts */
	uint32_t next_tid;
	uint32_t acks[MAX_ACKS]; /* replies received, not yet acknowledged */
	unsigned n_acks;
	uint32_t answered[ANSWERED_RING]; /* mrfpd's requests answered (printed once) */
	unsigned n_answered;
	/* what we send: the tree is rebuilt per message; pool and text may hold a key */
	struct mrfp_h248_tree tt;
	struct mrfp_h248_node tnodes[MRFP_H248_NODES_DEFAULT];
	char tpool[16384];
	char tx[MRFP_H248_MAX_MSG + 1];
	/* what we receive */
	struct mrfp_h248_tree rt;
	struct mrfp_h248_msg rmsg;
	struct mrfp_h248_node rnodes[MRFP_H248_NODES_DEFAULT];
	char rx[MRFP_H248_MAX_MSG + 1];
	/* answers to mrfpd's requests */
	struct mrfp_h248_tree at;
	struct mrfp_h248_node anodes[256];
	char apool[4096];
	char ax[8192];
};

uint32_t
mrfpctl_retx_wait(const struct mrfpctl_timing *tm, unsigned n, uint32_t since_ms)
{
	uint64_t interval = tm->first_ms;

	if (n == 0 || since_ms >= tm->total_ms)
		return 0;
	for (unsigned i = 1; i < n && interval < tm->max_ms; i++)
		interval *= 2;
	if (interval > tm->max_ms)
		interval = tm->max_ms;
	if (interval > tm->total_ms - since_ms)
		interval = tm->total_ms - since_ms;
	return (uint32_t)interval;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- socket ---- */

static socklen_t
to_sockaddr(const struct mrfp_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = a->port;
		memcpy(&s6->sin6_addr, a->v6, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = a->port;
	s4->sin_addr.s_addr = a->v4;
	return sizeof(*s4);
}

/* "[addr]:port" of a socket address: our mId (H.248.1 B.2 mId with an IP address). */
static void
format_mid(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "";
	unsigned port;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
	}
	snprintf(out, size, "[%s]:%u", host, port);
}

static int
open_socket(struct mrfpctl_session *s, const struct mrfpctl_opts *o, char *err, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (o->local.family != 0 && o->local.family != o->mp.family) {
		snprintf(err, n, "--local and --mp must be both IPv4 or both IPv6");
		return -EINVAL;
	}
	s->fd = socket(o->mp.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		goto fail;
	len = to_sockaddr(&o->local, &ss);
	if (o->local.family != 0 && bind(s->fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	/* connected: only mrfpd's Mp address reaches us, and ICMP errors are reported */
	len = to_sockaddr(&o->mp, &ss);
	if (connect(s->fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	format_mid(&ss, s->peer, sizeof(s->peer));
	len = sizeof(ss);
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
		goto fail;
	if (o->mid[0] != '\0')
		snprintf(s->mid, sizeof(s->mid), "%s", o->mid);
	else
		format_mid(&ss, s->mid, sizeof(s->mid));
	return 0;
fail:
	snprintf(err, n, "Mp socket to %s: %s", s->peer[0] ? s->peer : "mrfpd", strerror(errno));
	return -errno;
}

struct mrfpctl_session *
mrfpctl_session_open(const struct mrfpctl_opts *o, char *err, size_t err_size)
{
	struct mrfpctl_session *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->style = o->compact ? MRFP_H248_COMPACT : MRFP_H248_PRETTY;
	s->timing = o->timing;
	s->verbose = o->verbose;
	if (open_socket(s, o, err, err_size) < 0 ||
	    h248_msg_init(&s->hdr, o->version, s->mid) < 0) {
		if (err[0] == '\0')
			snprintf(err, err_size, "bad mId '%s'", s->mid);
		mrfpctl_session_close(s);
		return NULL;
	}
	/* a random start keeps two runs from the same port apart in mrfpd's reply cache */
	if (getrandom(&s->next_tid, sizeof(s->next_tid), 0) != sizeof(s->next_tid))
		s->next_tid = (uint32_t)now_ms() ^ (uint32_t)getpid() << 16;
	s->next_tid = s->next_tid % 0x7fffffffu + 1;
	h248_tree_init(&s->rt, s->rnodes, MRFP_H248_NODES_DEFAULT, NULL, 0);
	return s;
}

const char *
mrfpctl_session_mid(const struct mrfpctl_session *s)
{
	return s->mid;
}

uint32_t
mrfpctl_session_next_tid(struct mrfpctl_session *s)
{
	uint32_t id = s->next_tid++;

	if (s->next_tid == 0)
		s->next_tid = 1;
	return id;
}

/* -v: every message on stderr, keys as fingerprints; a retransmission as one line. */
static void
log_message(struct mrfpctl_session *s, const char *dir, const char *text, size_t len, unsigned copy)
{
	if (!s->verbose)
		return;
	if (copy > 1) {
		fprintf(stderr, "mrfpctl: %s %s (transmission %u)\n", dir, s->peer, copy);
		return;
	}
	fprintf(stderr, "mrfpctl: %s %s\n", dir, s->peer);
	mrfpctl_print_redacted(stderr, text, len);
	fputc('\n', stderr);
}

static int
send_text(struct mrfpctl_session *s, const char *text, size_t len, unsigned copy)
{
	log_message(s, "->", text, len, copy);
	if (send(s->fd, text, len, 0) == (ssize_t)len)
		return 0;
	/* a refusal reported for an earlier datagram: mrfpd may be starting, keep trying */
	return errno == ECONNREFUSED ? -ECONNREFUSED : -errno;
}

/* ---- acknowledgements ---- */

static void
ack_due(struct mrfpctl_session *s, uint32_t id)
{
	for (unsigned i = 0; i < s->n_acks; i++)
		if (s->acks[i] == id)
			return;
	if (s->n_acks < MAX_ACKS)
		s->acks[s->n_acks++] = id;
}

/* TransactionResponseAck { ids } into the message being built. */
static int
add_acks(struct mrfpctl_session *s)
{
	for (unsigned i = 0; i < s->n_acks; i++)
		if (h248_add_ack(&s->tt, s->acks[i], s->acks[i]) == NULL)
			return -ENOSPC;
	return 0;
}

static int
encode_tt(struct mrfpctl_session *s, size_t *len)
{
	int rc = h248_encode(&s->tt, &s->hdr, s->style, s->tx, sizeof(s->tx), len);

	OPENSSL_cleanse(s->tpool, sizeof(s->tpool));
	return rc;
}

void
mrfpctl_session_close(struct mrfpctl_session *s)
{
	size_t len;

	if (s == NULL)
		return;
	if (s->fd >= 0 && s->n_acks > 0) {
		h248_tree_init(&s->tt, s->tnodes, MRFP_H248_NODES_DEFAULT, s->tpool,
			       sizeof(s->tpool));
		if (add_acks(s) == 0 && encode_tt(s, &len) == 0)
			send_text(s, s->tx, len, 1);
	}
	if (s->fd >= 0)
		close(s->fd);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

/* ---- mrfpd's requests ---- */

static bool
answered_before(struct mrfpctl_session *s, uint32_t id)
{
	for (unsigned i = 0; i < s->n_answered && i < ANSWERED_RING; i++)
		if (s->answered[i] == id)
			return true;
	s->answered[s->n_answered++ % ANSWERED_RING] = id;
	return false;
}

/* Context = c { Notify = t, ServiceChange = t }: accepted; anything else is not ours. */
static int
answer_action(struct mrfpctl_session *s, const struct mrfp_h248_node *act,
	      struct mrfp_h248_node *rep)
{
	const struct mrfp_h248_tree *t = &s->rt;
	struct mrfp_h248_node *ctx = h248_add(&s->at, rep, T_(CONTEXT), NULL);
	const struct mrfp_h248_node *cmd;

	if (ctx == NULL)
		return -ENOSPC;
	ctx->op = act->op, ctx->value = act->value, ctx->vkind = act->vkind;
	MRFP_H248_FOREACH(t, act, cmd)
	{
		struct mrfp_h248_node *r;

		if (cmd->tok != T_(NOTIFY) && cmd->tok != T_(SERVICECHANGE)) {
			return h248_add_error(&s->at, ctx, 501,
					      "mrfpctl accepts Notify and "
					      "ServiceChange only")
				       ? 0
				       : -ENOSPC;
		}
		if ((r = h248_add(&s->at, ctx, (enum mrfp_h248_tok)cmd->tok, NULL)) == NULL)
			return -ENOSPC;
		r->op = cmd->op, r->value = cmd->value, r->vkind = cmd->vkind;
	}
	return 0;
}

static void
answer_request(struct mrfpctl_session *s, const struct mrfp_h248_node *tr, struct mrfpctl_wait *w)
{
	struct mrfp_h248_msg hdr = s->hdr;
	const struct mrfp_h248_node *act;
	struct mrfp_h248_node *rep;
	uint32_t id, seg;
	size_t len;

	if (h248_trans_id(tr, &id, &seg) < 0)
		return;
	h248_tree_init(&s->at, s->anodes, 256, s->apool, sizeof(s->apool));
	hdr.version = s->rmsg.version; /* answer in the version it asked in */
	rep = h248_add_trans(&s->at, T_(REPLY), id);
	MRFP_H248_FOREACH(&s->rt, tr, act)
	{
		if (rep == NULL || (act->tok == T_(CONTEXT) && answer_action(s, act, rep) < 0))
			return;
	}
	if (h248_encode(&s->at, &hdr, s->style, s->ax, sizeof(s->ax), &len) == 0)
		send_text(s, s->ax, len, 1);
	if (!answered_before(s, id) && w->on_request != NULL)
		w->on_request(w->arg, &s->rt, tr);
}

/* ---- receiving ---- */

struct waiting {
	struct mrfpctl_wait *w;
	bool got[MAX_WAIT_TRANS];
	unsigned n_got;
	bool done, news;
};

static int
expected(const struct waiting *wt, uint32_t id)
{
	for (unsigned i = 0; i < wt->w->n_trans && i < MAX_WAIT_TRANS; i++)
		if (wt->w->trans_ids[i] == id)
			return (int)i;
	return -1;
}

/* One element at the top of a message from mrfpd. True if it answers what we sent. */
static bool
handle_element(struct mrfpctl_session *s, const struct mrfp_h248_node *n, struct waiting *wt)
{
	uint32_t id = 0, seg;
	int i;

	if (n->tok == T_(TRANSACTION)) {
		answer_request(s, n, wt->w);
		return false;
	}
	if (n->tok == T_(ERROR)) { /* message-level: our message was refused whole */
		if (wt->w->n_trans == 0 && !wt->w->any)
			return false; /* not waiting for anything (listen) */
		if (wt->w->on_reply != NULL)
			wt->w->on_reply(wt->w->arg, &s->rt, n);
		wt->done = true;
		return true;
	}
	if ((n->tok != T_(REPLY) && n->tok != T_(PENDING)) || h248_trans_id(n, &id, &seg) < 0)
		return false;
	i = expected(wt, id);
	if (n->tok == T_(PENDING)) {
		wt->news |= i >= 0;
		wt->w->pending_seen |= i >= 0;
		return i >= 0;
	}
	ack_due(s, id); /* acknowledge every reply, duplicates included */
	if (i < 0 || wt->got[i])
		return false;
	wt->got[i] = true;
	if (wt->w->on_reply != NULL)
		wt->w->on_reply(wt->w->arg, &s->rt, n);
	wt->done = ++wt->n_got >= wt->w->n_trans;
	return true;
}

static void
handle_message(struct mrfpctl_session *s, size_t len, struct waiting *wt)
{
	struct mrfp_h248_error err;
	const struct mrfp_h248_node *n;
	bool relevant = wt->w->any;

	s->rx[len] = '\0';
	log_message(s, "<-", s->rx, len, 1);
	if (h248_decode(s->rx, len, &s->rt, &s->rmsg, &err) < 0) {
		/* nothing in it can be matched to a transaction; keep why, for the error text */
		wt->w->undecodable++;
		snprintf(wt->w->decode_error, sizeof(wt->w->decode_error), "%u %s", err.code,
			 err.text);
		if (s->verbose)
			fprintf(stderr, "mrfpctl: undecodable message from %s: %s\n", s->peer,
				wt->w->decode_error);
	} else {
		MRFP_H248_FOREACH(&s->rt, h248_root(&s->rt), n)
		{
			relevant |= handle_element(s, n, wt);
		}
	}
	if (relevant && wt->w->on_message != NULL)
		wt->w->on_message(wt->w->arg, s->rx, len);
	wt->done |= wt->w->any;
	OPENSSL_cleanse(s->rx, len);
}

/* Wait up to ms for datagrams; handle each. 0, or -errno of the socket. */
static int
receive_for(struct mrfpctl_session *s, uint32_t ms, struct waiting *wt)
{
	uint64_t end = now_ms() + ms, now;
	struct pollfd p = {.fd = s->fd, .events = POLLIN};

	while (!wt->done && (now = now_ms()) < end) {
		int rc = poll(&p, 1, (int)(end - now));
		ssize_t len;

		if (rc < 0 && errno == EINTR)
			return -EINTR;
		if (rc <= 0)
			continue;
		len = recv(s->fd, s->rx, sizeof(s->rx) - 1, 0);
		if (len < 0 && errno == ECONNREFUSED) {
			wt->w->refused = true;
			continue;
		}
		if (len < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (len > 0)
			handle_message(s, (size_t)len, wt);
	}
	return 0;
}

static int exchange(struct mrfpctl_session *s, const char *msg, size_t len, struct mrfpctl_wait *w);

int
mrfpctl_session_exchange(struct mrfpctl_session *s, const char *msg, size_t len,
			 struct mrfpctl_wait *w)
{
	int rc = exchange(s, msg, len, w);

	s->last.pending_seen = w->pending_seen;
	s->last.refused = w->refused;
	s->last.undecodable = w->undecodable;
	memcpy(s->last.decode_error, w->decode_error, sizeof(w->decode_error));
	return rc;
}

static int
exchange(struct mrfpctl_session *s, const char *msg, size_t len, struct mrfpctl_wait *w)
{
	struct waiting wt = {.w = w};
	uint64_t start = now_ms(), news = start, now;
	unsigned sent = 0;

	w->pending_seen = w->refused = false;
	w->undecodable = 0;
	w->decode_error[0] = '\0';
	if (w->n_trans > MAX_WAIT_TRANS)
		return -E2BIG;
	for (;;) {
		uint32_t wait;
		int rc;

		now = now_ms();
		wait = mrfpctl_retx_wait(&s->timing, sent + 1, (uint32_t)(now - news));
		if (wait == 0 || now - start >= s->timing.pending_ms)
			return -ETIMEDOUT;
		rc = send_text(s, msg, len, sent + 1);
		if (rc == -ECONNREFUSED)
			w->refused = true;
		else if (rc < 0)
			return rc;
		sent++;
		/* without a transaction to wait for (acks only), sending is all */
		if (w->n_trans == 0 && !w->any)
			return 0;
		wt.news = false;
		rc = receive_for(s, wait, &wt);
		if (rc < 0)
			return rc;
		if (wt.done)
			return 0;
		if (wt.news)
			news = now_ms(); /* Pending: mrfpd is working on it (H.248.1 D.1.1) */
	}
}

static void
store_reply(void *arg, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	mrfpctl_reply_parse(t, n, arg);
}

int
mrfpctl_session_transact(struct mrfpctl_session *s, const struct mrfpctl_opts *o,
			 struct mrfpctl_result *r)
{
	uint32_t id = mrfpctl_session_next_tid(s);
	struct mrfpctl_wait w = {.trans_ids = &id, .n_trans = 1, .on_reply = store_reply, .arg = r};
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	h248_tree_init(&s->tt, s->tnodes, MRFP_H248_NODES_DEFAULT, s->tpool, sizeof(s->tpool));
	rc = add_acks(s);
	if (rc == 0)
		rc = mrfpctl_build_request(o, id, &s->tt);
	if (rc == 0)
		rc = encode_tt(s, &len);
	else
		OPENSSL_cleanse(s->tpool, sizeof(s->tpool));
	if (rc < 0)
		return rc;
	s->n_acks = 0; /* they travel with this request (piggy-backed, H.248.1 D.1.1) */
	rc = mrfpctl_session_exchange(s, s->tx, len, &w);
	OPENSSL_cleanse(s->tx, len);
	return rc;
}

void
mrfpctl_session_status(const struct mrfpctl_session *s, struct mrfpctl_wait *out)
{
	out->pending_seen = s->last.pending_seen;
	out->refused = s->last.refused;
	out->undecodable = s->last.undecodable;
	memcpy(out->decode_error, s->last.decode_error, sizeof(out->decode_error));
}

int
mrfpctl_session_listen(struct mrfpctl_session *s, unsigned count, uint32_t for_ms,
		       struct mrfpctl_wait *w)
{
	struct waiting wt = {.w = w};
	uint64_t end = for_ms != 0 ? now_ms() + for_ms : UINT64_MAX;
	unsigned start = s->n_answered;

	w->n_trans = 0;
	w->any = false;
	while ((count == 0 || s->n_answered - start < count) && now_ms() < end) {
		uint64_t left = end - now_ms();
		int rc = receive_for(s, left > 1000 ? 1000 : (uint32_t)left, &wt);

		if (rc < 0)
			return rc;
	}
	return 0;
}
