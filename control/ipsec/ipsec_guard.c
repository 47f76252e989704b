/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec guard's VICI client. One non-blocking stream to charon, driven from the control
 * loop: register for child-updown, ike-updown and list-sa (the stream of list-sas), then ask
 * list-sas every REFRESH_MS and right after an SA came up (without "noblock": that skips IKE_SAs
 * busy with an exchange such as DPD, and a protected link would look unprotected; the client
 * never blocks anyway, the answer just comes later). VICI allows one command at a time
 * per connection, so the client is a small sequence of steps; a step unanswered for
 * TIMEOUT_MS drops the connection. Anything wrong (no charon, a timeout, garbage) means "not
 * protected": the guard fails closed and tries again RECONNECT_MS later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_log.h>

#include "mrfp_log.h"

#include "ipsec_guard.h"

RTE_LOG_REGISTER(mrfp_logtype_ipsec, mrfp.ctl.ipsec, INFO);
#define IPSEC_LOG(level, fmt, ...) MRFP_LOG(mrfp_logtype_ipsec, "IPSEC", level, fmt, ##__VA_ARGS__)

#define REFRESH_MS 1000
#define DOWN_RECHECK_MS 300 /* after a down event: let charon finish deleting, then list */
#define TIMEOUT_MS 2000
#define RECONNECT_MS 1000
#define RX_MAX (64 * 1024) /* one list-sa event is one IKE_SA: a few hundred bytes */
#define ELEMS 1024

enum step {
	STEP_DISCONNECTED,
	STEP_REG_CHILD, /* EVENT_REGISTER child-updown sent */
	STEP_REG_IKE,	/* ... ike-updown */
	STEP_REG_LIST,	/* ... list-sa */
	STEP_IDLE,
	STEP_LISTING, /* list-sas sent: list-sa events, then CMD_RESPONSE */
};

struct mrfp_ipsec_guard {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mrfp_ipsec_want want;
	char identity[128];
	int fd;
	enum step step;
	uint64_t sent_ms; /* when the request of the current step went out */
	uint64_t next_connect_ms, next_refresh_ms;
	enum mrfp_ipsec_reason listing; /* best verdict of the list-sas in progress */
	bool listing_stale;		/* a down event arrived during it: do not trust it */
	bool dirty;			/* an up event: list again as soon as idle */
	bool was_connected;		/* log connection losses once */
	enum mrfp_ipsec_reason reason;	/* the verdict in force */
	struct ipsec_guard_stats st;
	size_t rx_len;
	uint8_t rx[RX_MAX];
	struct mrfp_vici_elem el[ELEMS];
};

static void
set_reason(struct mrfp_ipsec_guard *g, enum mrfp_ipsec_reason r)
{
	if ((r == MRFP_IPSEC_PROTECTED) != (g->reason == MRFP_IPSEC_PROTECTED))
		g->st.changes++;
	g->reason = r;
}

static void
disconnect(struct mrfp_ipsec_guard *g, const char *why, uint64_t now_ms)
{
	if (g->fd >= 0)
		close(g->fd);
	if (g->was_connected)
		IPSEC_LOG(WARNING, "VICI connection to %s lost: %s", g->path, why);
	g->was_connected = false;
	g->fd = -1;
	g->step = STEP_DISCONNECTED;
	g->rx_len = 0;
	g->st.vici_errors++;
	g->next_connect_ms = now_ms + RECONNECT_MS;
	set_reason(g, MRFP_IPSEC_NO_VICI);
}

/* Requests are a few dozen bytes: a short write on a fresh stream is a broken stream. */
static void
request(struct mrfp_ipsec_guard *g, enum mrfp_vici_packet_type type, const char *name,
	enum step next, uint64_t now_ms)
{
	uint8_t buf[256];
	struct mrfp_vici_enc e;
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, type, name);
	if (vici_enc_finish(&e, &len) < 0 ||
	    send(g->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len) {
		disconnect(g, "cannot send a request", now_ms);
		return;
	}
	g->step = next;
	g->sent_ms = now_ms;
}

static void
try_connect(struct mrfp_ipsec_guard *g, uint64_t now_ms)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", g->path);
	g->next_connect_ms = now_ms + RECONNECT_MS;
	g->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* a local stream connects at once or not at all: no EINPROGRESS to wait for */
	if (g->fd < 0 || connect(g->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (g->fd >= 0)
			close(g->fd);
		g->fd = -1;
		return;
	}
	IPSEC_LOG(INFO, "VICI: connected to charon at %s", g->path);
	g->was_connected = true;
	g->rx_len = 0;
	request(g, MRFP_VICI_EVENT_REGISTER, "child-updown", STEP_REG_CHILD, now_ms);
}

static bool
decode(struct mrfp_ipsec_guard *g, const struct mrfp_vici_packet *pkt, struct mrfp_vici_msg *m)
{
	*m = (struct mrfp_vici_msg){.el = g->el, .cap = ELEMS};
	if (vici_decode(pkt->msg, pkt->msg_len, m, NULL) == 0)
		return true;
	g->st.vici_errors++;
	IPSEC_LOG(WARNING, "VICI: malformed %.*s event ignored", pkt->name.len, pkt->name.p);
	return false;
}

/* An SA came up: list again. One went down: not protected until a fresh list says so. */
static void
on_updown(struct mrfp_ipsec_guard *g, const struct mrfp_vici_packet *pkt, uint64_t now_ms)
{
	struct mrfp_vici_msg m;
	const struct mrfp_vici_str *up = NULL;
	g->st.events++;
	if (decode(g, pkt, &m))
		up = vici_value(&m, MRFP_VICI_ROOT, "up");
	if (up != NULL && vici_str_eq(up, "yes")) {
		g->dirty = true;
		return;
	}
	set_reason(g, MRFP_IPSEC_SA_DOWN);
	g->listing_stale = true;
	g->next_refresh_ms = now_ms + DOWN_RECHECK_MS;
}

static void
on_event(struct mrfp_ipsec_guard *g, const struct mrfp_vici_packet *pkt, uint64_t now_ms)
{
	struct mrfp_vici_msg m;
	if (vici_str_eq(&pkt->name, "list-sa")) {
		if (g->step == STEP_LISTING && decode(g, pkt, &m)) {
			enum mrfp_ipsec_reason r = ipsec_judge(&m, &g->want);
			g->listing = r > g->listing ? r : g->listing;
		}
	} else if (vici_str_eq(&pkt->name, "child-updown") ||
		   vici_str_eq(&pkt->name, "ike-updown")) {
		on_updown(g, pkt, now_ms);
	}
}

/* The answer to the request of the current step. */
static void
on_answer(struct mrfp_ipsec_guard *g, const struct mrfp_vici_packet *pkt, uint64_t now_ms)
{
	bool ok = pkt->type == MRFP_VICI_EVENT_CONFIRM || pkt->type == MRFP_VICI_CMD_RESPONSE;
	if (!ok) {
		disconnect(g, "charon refused a request (no vici list-sas or events?)", now_ms);
		return;
	}
	switch (g->step) {
	case STEP_REG_CHILD:
		request(g, MRFP_VICI_EVENT_REGISTER, "ike-updown", STEP_REG_IKE, now_ms);
		break;
	case STEP_REG_IKE:
		request(g, MRFP_VICI_EVENT_REGISTER, "list-sa", STEP_REG_LIST, now_ms);
		break;
	case STEP_REG_LIST:
		g->step = STEP_IDLE;
		g->dirty = true;
		break;
	case STEP_LISTING:
		g->step = STEP_IDLE;
		g->st.refreshes++;
		if (!g->listing_stale) {
			set_reason(g, g->listing);
			g->next_refresh_ms = now_ms + REFRESH_MS;
		}
		break;
	default:
		disconnect(g, "unexpected answer", now_ms);
	}
}

static void
on_segment(struct mrfp_ipsec_guard *g, const uint8_t *p, size_t len, uint64_t now_ms)
{
	struct mrfp_vici_packet pkt;
	if (vici_packet_parse(p, len, &pkt) < 0) {
		disconnect(g, "malformed packet", now_ms);
		return;
	}
	if (pkt.type == MRFP_VICI_EVENT)
		on_event(g, &pkt, now_ms);
	else
		on_answer(g, &pkt, now_ms);
}

/* Whole segments out of the receive buffer; the rest waits for more bytes. */
static void
consume(struct mrfp_ipsec_guard *g, uint64_t now_ms)
{
	size_t off = 0, seg;
	int rc = 0;
	while (g->fd >= 0 && (rc = vici_frame(g->rx + off, g->rx_len - off, &seg)) == 1) {
		on_segment(g, g->rx + off + 4, seg - 4, now_ms);
		off += seg;
	}
	if (g->fd < 0)
		return;
	if (rc < 0 || (off == 0 && g->rx_len == sizeof(g->rx))) {
		disconnect(g, "segment too large", now_ms);
		return;
	}
	memmove(g->rx, g->rx + off, g->rx_len - off);
	g->rx_len -= off;
}

static void
receive(struct mrfp_ipsec_guard *g, uint64_t now_ms)
{
	for (int i = 0; i < 64 && g->fd >= 0; i++) { /* bounded: the loop has other work */
		ssize_t n = recv(g->fd, g->rx + g->rx_len, sizeof(g->rx) - g->rx_len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			disconnect(g, n == 0 ? "closed by charon" : strerror(errno), now_ms);
			return;
		}
		if (n < 0)
			return;
		g->rx_len += (size_t)n;
		consume(g, now_ms);
	}
}

void
ipsec_guard_poll(struct mrfp_ipsec_guard *g, uint64_t now_ms)
{
	if (g->fd < 0 && now_ms >= g->next_connect_ms)
		try_connect(g, now_ms);
	if (g->fd < 0)
		return;
	receive(g, now_ms);
	if (g->fd >= 0 && g->step != STEP_IDLE && now_ms - g->sent_ms > TIMEOUT_MS)
		disconnect(g, "charon does not answer", now_ms);
	if (g->fd >= 0 && g->step == STEP_IDLE && (g->dirty || now_ms >= g->next_refresh_ms)) {
		g->dirty = false;
		g->listing_stale = false;
		g->listing = MRFP_IPSEC_NO_IKE_SA;
		request(g, MRFP_VICI_CMD_REQUEST, "list-sas", STEP_LISTING, now_ms);
	}
}

struct mrfp_ipsec_guard *
ipsec_guard_create(const char *vici_socket, const struct mrfp_ipsec_want *w)
{
	struct mrfp_ipsec_guard *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	if (strlen(vici_socket) >= sizeof(g->path)) {
		free(g);
		errno = ENAMETOOLONG;
		return NULL;
	}
	snprintf(g->path, sizeof(g->path), "%s", vici_socket);
	snprintf(g->identity, sizeof(g->identity), "%s", w->identity ? w->identity : "");
	g->want = *w;
	g->want.identity = g->identity;
	g->fd = -1;
	g->reason = MRFP_IPSEC_NO_VICI;
	return g;
}

void
ipsec_guard_free(struct mrfp_ipsec_guard *g)
{
	if (g == NULL)
		return;
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}

void
ipsec_guard_set_mgc(struct mrfp_ipsec_guard *g, const struct mrfp_addr *mgc, uint64_t now_ms)
{
	(void)now_ms;
	g->want.mgc = *mgc;
	g->listing_stale = true; /* a list in flight judged the old MGC */
	g->dirty = true;
	if (g->reason == MRFP_IPSEC_PROTECTED)
		set_reason(g, MRFP_IPSEC_TS_MISMATCH);
}

bool
ipsec_guard_protected(const struct mrfp_ipsec_guard *g)
{
	return g->reason == MRFP_IPSEC_PROTECTED;
}

enum mrfp_ipsec_reason
ipsec_guard_reason(const struct mrfp_ipsec_guard *g)
{
	return g->reason;
}

int
ipsec_guard_fd(const struct mrfp_ipsec_guard *g)
{
	return g->fd;
}

void
ipsec_guard_stats(const struct mrfp_ipsec_guard *g, struct ipsec_guard_stats *s)
{
	*s = g->st;
}
