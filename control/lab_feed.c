/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lab provisioning lines on stdin: the stand-in for Mp in demos and tests. Keys arrive here
 * through a pipe, never from files; each line is wiped once executed.
 *
 *   conf add ID [media=switch|mix] [keys=bilateral|group|hybrid] [max_legs=N]
 *           [ptime=10|20|30] [speakers=K|all] [hangover=MS] [roles=static|dynamic]
 *           [suite=S group_key=B64]        (group and hybrid: mrfpd's common-stream key)
 *   conf add ID media=switch [select=all|speaker|chosen] [keys=bilateral|group ...]
 *   conf select ID LEG                     (select=chosen: forward this leg)
 *   conf remove ID
 *   leg add CONF ID local_port=P [remote=IP:PORT] suite=S rx_key=B64 [tx_key=B64]
 *           [mode=sendrecv|sendonly|recvonly|inactive] [latch=on|strict|off] [rtcp_mux=0|1]
 *           [codec=PCMU|PCMA]              (tx_key may be left out only in a group conference)
 *   leg modify ID [remote=..] [mode=..] [latch=..] [suite=S rx_key=.. tx_key=..]
 *   leg remove ID
 *   stats | quit
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ctl.h"
#include "keys.h"

#define MAX_WORDS 16
#define SYNC_MS 2000

struct words {
	int n;
	char *w[MAX_WORDS];
};

static const char *
kv(const struct words *ws, int from, const char *key)
{
	size_t k = strlen(key);
	for (int i = from; i < ws->n; i++)
		if (strncmp(ws->w[i], key, k) == 0 && ws->w[i][k] == '=')
			return ws->w[i] + k + 1;
	return NULL;
}

static int
parse_u32(const char *s, uint32_t *out)
{
	char *end;
	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_enum(const char *s, const char *(*name)(unsigned int), unsigned int count, unsigned int *out)
{
	for (unsigned int i = 0; i < count; i++)
		if (strcmp(s, name(i)) == 0) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

static const char *
mode_name(unsigned int i)
{
	return mrfp_leg_mode_name(i);
}
static const char *
latch_name(unsigned int i)
{
	return mrfp_latch_name(i);
}
static const char *
media_name(unsigned int i)
{
	return mrfp_media_mode_name(i);
}
static const char *
select_name(unsigned int i)
{
	static const char *const n[] = {"all", "speaker", "chosen"};
	return i < 3 ? n[i] : NULL;
}

static const char *
keys_name(unsigned int i)
{
	static const char *const n[] = {"bilateral", "group", "hybrid"};
	return i < 3 ? n[i] : NULL;
}

static int
reply(FILE *out, int rc, const char *what)
{
	if (rc == 0)
		fprintf(out, "ok\n");
	else
		fprintf(out, "error: %s: %s\n", what, strerror(-rc));
	fflush(out);
	return 1;
}

static int
conf_mix_options(const struct words *ws, struct mrfp_conf_params *p)
{
	const char *v;
	uint32_t u;
	if ((v = kv(ws, 3, "ptime"))) {
		if (parse_u32(v, &u) || u > 255)
			return -EINVAL;
		p->ptime_ms = (uint8_t)u;
	}
	if ((v = kv(ws, 3, "speakers"))) { /* all: every talker mixed, no selection */
		if (strcmp(v, "all") == 0)
			u = MRFP_SPEAKERS_ALL;
		else if (parse_u32(v, &u) || u == 0 || u >= MRFP_SPEAKERS_ALL)
			return -EINVAL;
		p->speakers = (uint8_t)u;
	}
	if ((v = kv(ws, 3, "hangover"))) {
		if (parse_u32(v, &u) || u > 60000)
			return -EINVAL;
		p->hangover_ms = (uint16_t)u;
	}
	if ((v = kv(ws, 3, "roles"))) {
		if (strcmp(v, "dynamic") != 0 && strcmp(v, "static") != 0)
			return -EINVAL;
		p->dynamic_roles = strcmp(v, "dynamic") == 0;
	}
	return 0;
}

static int
conf_add(struct mrfp_dp *dp, const struct words *ws, uint32_t id, FILE *out)
{
	uint32_t max = 0;
	unsigned int media = MRFP_MEDIA_SWITCH, keys = MRFP_KEYS_BILATERAL, sel = MRFP_SELECT_ALL;
	const char *v, *gk = kv(ws, 3, "group_key"), *suite = kv(ws, 3, "suite");
	struct mrfp_conf_params p = {0};
	struct mrfp_srtp_key group;
	enum mrfp_srtp_suite s;
	int rc = 0;
	memset(&group, 0, sizeof(group));
	if (((v = kv(ws, 3, "media")) && parse_enum(v, media_name, MRFP_MEDIA_COUNT, &media)) ||
	    ((v = kv(ws, 3, "keys")) && parse_enum(v, keys_name, MRFP_KEYS_COUNT, &keys)) ||
	    ((v = kv(ws, 3, "select")) && parse_enum(v, select_name, MRFP_SELECT_COUNT, &sel)) ||
	    ((v = kv(ws, 3, "max_legs")) && (parse_u32(v, &max) || max > UINT16_MAX)) ||
	    conf_mix_options(ws, &p) < 0)
		return reply(out, -EINVAL, "conf add options");
	if (gk != NULL && (suite == NULL || mrfp_srtp_suite_parse(suite, &s) < 0 ||
			   keys_from_base64(gk, s, &group) < 0))
		return reply(out, -EINVAL, "conf add group_key");
	p.media = media;
	p.keys = keys;
	p.select = sel;
	p.max_legs = (uint16_t)max;
	p.group_key = gk != NULL ? &group : NULL;
	rc = mrfp_dp_conf_add(dp, id, &p);
	mrfp_srtp_key_wipe(&group);
	if (rc == 0)
		rc = mrfp_dp_sync(dp, SYNC_MS);
	return reply(out, rc, "conf add");
}

static int
conf_cmd(struct mrfp_dp *dp, const struct words *ws, FILE *out)
{
	uint32_t id;
	if (ws->n < 3 || parse_u32(ws->w[2], &id) < 0)
		return reply(out, -EINVAL, "conference id");
	if (strcmp(ws->w[1], "remove") == 0)
		return reply(out, mrfp_dp_conf_remove(dp, id), "conf remove");
	if (strcmp(ws->w[1], "add") == 0)
		return conf_add(dp, ws, id, out);
	if (strcmp(ws->w[1], "select") == 0) {
		uint32_t leg;
		int rc = ws->n >= 4 && parse_u32(ws->w[3], &leg) == 0
				 ? mrfp_dp_conf_select(dp, id, leg)
				 : -EINVAL;
		if (rc == 0)
			rc = mrfp_dp_sync(dp, SYNC_MS);
		return reply(out, rc, "conf select");
	}
	return reply(out, -EINVAL, "conf add|remove");
}

/* Fill p from key=value words; fields not named keep their value. */
static int
leg_options(const struct words *ws, int from, struct mrfp_leg_params *p)
{
	const char *v;
	uint32_t u;
	unsigned int e;
	if ((v = kv(ws, from, "local_port"))) {
		if (parse_u32(v, &u) || u > UINT16_MAX)
			return -EINVAL;
		p->local_port = (uint16_t)u;
	}
	if ((v = kv(ws, from, "remote")) && mrfp_addr_parse(v, &p->remote) < 0)
		return -EINVAL;
	if ((v = kv(ws, from, "mode"))) {
		if (parse_enum(v, mode_name, MRFP_MODE_COUNT, &e))
			return -EINVAL;
		p->mode = e;
	}
	if ((v = kv(ws, from, "latch"))) {
		if (parse_enum(v, latch_name, MRFP_LATCH_COUNT, &e))
			return -EINVAL;
		p->latch = e;
	}
	if ((v = kv(ws, from, "rtcp_mux")))
		p->rtcp_mux = strcmp(v, "1") == 0;
	if ((v = kv(ws, from, "codec"))) {
		if (strcmp(v, "PCMU") == 0)
			p->pt = 0;
		else if (strcmp(v, "PCMA") == 0)
			p->pt = 8;
		else
			return -EINVAL;
	}
	return 0;
}

/* Keys: rx_key with a suite, tx_key optional (group conferences). *have: rx given;
 * *have_tx: tx given. */
static int
leg_keys(const struct words *ws, int from, struct mrfp_srtp_key *rx, struct mrfp_srtp_key *tx,
	 bool *have, bool *have_tx)
{
	const char *suite = kv(ws, from, "suite"), *rk = kv(ws, from, "rx_key"),
		   *tk = kv(ws, from, "tx_key");
	enum mrfp_srtp_suite s;
	*have = suite || rk || tk;
	*have_tx = tk != NULL;
	if (!*have)
		return 0;
	if (!suite || !rk || mrfp_srtp_suite_parse(suite, &s) < 0)
		return -EINVAL;
	if (keys_from_base64(rk, s, rx) < 0 || (tk && keys_from_base64(tk, s, tx) < 0))
		return -EINVAL;
	return 0;
}

static int
leg_add(struct mrfp_dp *dp, const struct words *ws, FILE *out)
{
	uint32_t conf, id;
	struct mrfp_leg_params p = {.mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_ON};
	struct mrfp_srtp_key rx, tx;
	bool have = false, have_tx = false;
	int rc = 0;
	memset(&rx, 0, sizeof(rx));
	memset(&tx, 0, sizeof(tx));
	if (ws->n < 4 || parse_u32(ws->w[2], &conf) || parse_u32(ws->w[3], &id))
		rc = -EINVAL;
	if (rc == 0)
		rc = leg_options(ws, 4, &p);
	if (rc == 0)
		rc = leg_keys(ws, 4, &rx, &tx, &have, &have_tx);
	if (rc == 0 && (!have || kv(ws, 4, "local_port") == NULL))
		rc = -EINVAL; /* a secure conference: no leg without keys */
	if (rc == 0)
		rc = mrfp_dp_leg_add(dp, conf, id, &p, &rx, have_tx ? &tx : NULL);
	mrfp_srtp_key_wipe(&rx);
	mrfp_srtp_key_wipe(&tx);
	if (rc == 0)
		rc = mrfp_dp_sync(dp, SYNC_MS);
	return reply(out, rc, "leg add");
}

static int
leg_modify(struct mrfp_dp *dp, const struct words *ws, FILE *out)
{
	uint32_t id;
	struct mrfp_leg_params p;
	struct mrfp_srtp_key rx, tx;
	bool have = false, have_tx = false;
	int rc = 0;
	memset(&rx, 0, sizeof(rx));
	memset(&tx, 0, sizeof(tx));
	if (ws->n < 3 || parse_u32(ws->w[2], &id))
		return reply(out, -EINVAL, "leg id");
	rc = mrfp_dp_leg_params(dp, id, &p);
	if (rc == 0)
		rc = leg_options(ws, 3, &p);
	if (rc == 0 && kv(ws, 3, "local_port"))
		rc = -EINVAL;
	if (rc == 0)
		rc = leg_keys(ws, 3, &rx, &tx, &have, &have_tx);
	if (rc == 0)
		rc = mrfp_dp_leg_modify(dp, id, &p, have ? &rx : NULL, have_tx ? &tx : NULL);
	mrfp_srtp_key_wipe(&rx);
	mrfp_srtp_key_wipe(&tx);
	if (rc == 0)
		rc = mrfp_dp_sync(dp, SYNC_MS);
	return reply(out, rc, "leg modify");
}

static int
leg_cmd(struct mrfp_dp *dp, const struct words *ws, FILE *out)
{
	uint32_t id;
	if (ws->n >= 2 && strcmp(ws->w[1], "add") == 0)
		return leg_add(dp, ws, out);
	if (ws->n >= 2 && strcmp(ws->w[1], "modify") == 0)
		return leg_modify(dp, ws, out);
	if (ws->n >= 3 && strcmp(ws->w[1], "remove") == 0 && parse_u32(ws->w[2], &id) == 0)
		return reply(out, mrfp_dp_leg_remove(dp, id, NULL), "leg remove");
	return reply(out, -EINVAL, "leg add|modify|remove");
}

int
lab_feed_line(struct mrfp_dp *dp, char *line, FILE *out)
{
	struct words ws = {0};
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\r\n", &save); t && ws.n < MAX_WORDS;
	     t = strtok_r(NULL, " \t\r\n", &save))
		ws.w[ws.n++] = t;
	if (ws.n == 0 || ws.w[0][0] == '#')
		return 1;
	if (strcmp(ws.w[0], "conf") == 0)
		return conf_cmd(dp, &ws, out);
	if (strcmp(ws.w[0], "leg") == 0)
		return leg_cmd(dp, &ws, out);
	if (strcmp(ws.w[0], "stats") == 0) {
		report_counters(dp, out);
		return reply(out, 0, "stats");
	}
	if (strcmp(ws.w[0], "quit") == 0) {
		reply(out, 0, "quit");
		return 0;
	}
	return reply(out, -EINVAL, "unknown command");
}

static char pending[4096];
static size_t pending_len;

/* Execute every complete line in the buffer; the executed bytes are wiped (keys). */
static int
run_lines(struct mrfp_dp *dp, FILE *out)
{
	int open = 1;
	char *nl;
	while (open && (nl = memchr(pending, '\n', pending_len)) != NULL) {
		size_t n = (size_t)(nl - pending) + 1;
		*nl = '\0';
		open = lab_feed_line(dp, pending, out);
		OPENSSL_cleanse(pending, n);
		memmove(pending, pending + n, pending_len - n);
		pending_len -= n;
	}
	return open;
}

int
lab_feed_poll(struct mrfp_dp *dp, FILE *out, int timeout_ms)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 1;
	if (pending_len == sizeof(pending)) { /* a line longer than any valid command */
		OPENSSL_cleanse(pending, sizeof(pending));
		pending_len = 0;
		reply(out, -E2BIG, "line too long");
	}
	ssize_t r = read(STDIN_FILENO, pending + pending_len, sizeof(pending) - pending_len);
	if (r <= 0) {
		OPENSSL_cleanse(pending, sizeof(pending));
		return 0;
	}
	pending_len += (size_t)r;
	return run_lines(dp, out);
}
