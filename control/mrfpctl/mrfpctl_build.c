/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpctl requests: the SDP of a leg and the one H.248 transaction of each command.
 *
 * Key direction (DESIGN.md, RFC 4568): the Remote SDP describes the participant and carries
 * its send key; the Local SDP is mrfpd's side, with CHOOSE ($) for the address, the port and,
 * unless the operator gives one, the key (H.248.77): mrfpd fills them and returns them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"

#define T_(x) MRFP_H248_TOK_##x

int
mrfpctl_generate_keys(struct mrfpctl_opts *o)
{
	if (o->remote_key != MRFPCTL_KEY_GENERATE)
		return 0;
	return mrfpctl_keyline_generate(&o->rkeys.k[0], o->suite);
}

/* snprintf that appends at *pos; -ENOSPC once the buffer is full. */
static int put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= size)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *pos)
		return -ENOSPC;
	*pos += (size_t)n;
	return 0;
}

static const char *
ipver(int family)
{
	return family == AF_INET6 ? "IP6" : "IP4";
}

/* The a=crypto lines of a key set, tags from 1 in order (RFC 4568: the offerer's tags). */
static int
put_keys(const struct mrfpctl_opts *o, const struct mrfpctl_keyset *set, unsigned first_tag,
	 char *buf, size_t size, size_t *pos)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < set->n; i++)
		rc = put(buf, size, pos, "a=crypto:%u %s inline:%s%s\r\n", first_tag + i,
			 mrfp_srtp_suite_name(o->suite), set->k[i].choose ? "$" : set->k[i].b64,
			 set->k[i].params);
	return rc;
}

/* m=, a=rtpmap and a=ptime: common to both descriptions. */
static int
put_media(const struct mrfpctl_opts *o, const char *port, char *buf, size_t size, size_t *pos)
{
	const char *codec = mrfpctl_codec_name(o->pt);
	int rc = put(buf, size, pos, "m=audio %s RTP/SAVP %u\r\n", port, o->pt);

	if (rc == 0 && codec != NULL)
		rc = put(buf, size, pos, "a=rtpmap:%u %s/8000\r\n", o->pt, codec);
	if (rc == 0 && o->ptime != 0)
		rc = put(buf, size, pos, "a=ptime:%u\r\n", o->ptime);
	return rc;
}

static int
sdp_done(int rc, char *buf, size_t size, size_t pos)
{
	if (rc == 0)
		return (int)pos;
	OPENSSL_cleanse(buf, size);
	return rc;
}

int
mrfpctl_sdp_remote(const struct mrfpctl_opts *o, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN], port[8];
	const void *a = o->remote.family == AF_INET6 ? (const void *)o->remote.v6
						     : (const void *)&o->remote.v4;
	size_t pos = 0;
	int rc;

	if (inet_ntop(o->remote.family, a, host, sizeof(host)) == NULL)
		return -EINVAL;
	snprintf(port, sizeof(port), "%u", ntohs(o->remote.port));
	rc = put(buf, size, &pos, "v=0\r\nc=IN %s %s\r\n", ipver(o->remote.family), host);
	if (rc == 0)
		rc = put_media(o, port, buf, size, &pos);
	if (rc == 0)
		rc = put_keys(o, &o->rkeys, 1, buf, size, &pos);
	return sdp_done(rc, buf, size, pos);
}

/* mrfpd's side: $ for what it chooses; the key set (a hybrid talker: its own key, then the
 * group key line). */
int
mrfpctl_sdp_local(const struct mrfpctl_opts *o, char *buf, size_t size)
{
	static const struct mrfpctl_keyset choose = {.n = 1, .k[0].choose = true};
	int family = o->has_remote ? o->remote.family : AF_INET;
	char port[8] = "$";
	size_t pos = 0;
	int rc;

	if (o->port != 0)
		snprintf(port, sizeof(port), "%u", ntohs(o->port));
	rc = put(buf, size, &pos, "v=0\r\nc=IN %s $\r\n", ipver(family));
	if (rc == 0)
		rc = put_media(o, port, buf, size, &pos);
	if (rc == 0)
		rc = put_keys(o, o->lkeys.n > 0 ? &o->lkeys : &choose, 1, buf, size, &pos);
	if (rc == 0)
		rc = put_keys(o, &o->gkey, 1u + o->lkeys.n, buf, size, &pos);
	return sdp_done(rc, buf, size, pos);
}

/* ---- the transaction ---- */

/* mrfp package properties that set up a new conference (README, mp_exec.c). */
static int
add_conf_props(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *lc)
{
	const struct {
		const char *name, *value;
	} words[] = {{"mrfp/media", o->media},
		     {"mrfp/keys", o->keys},
		     {"mrfp/select", o->select},
		     {"mrfp/roles", o->roles}};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].value != NULL &&
		    h248_add_name(t, lc, words[i].name, "%s", words[i].value) == NULL)
			return -ENOSPC;
	if (o->ptime != 0 && h248_add_name(t, lc, "mrfp/ptime", "%u", o->ptime) == NULL)
		return -ENOSPC;
	if (o->speakers != 0 && h248_add_name(t, lc, "mrfp/speakers", "%u", o->speakers) == NULL)
		return -ENOSPC;
	return 0;
}

static int
add_local_control(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *st)
{
	bool props = o->cmd == MRFPCTL_CMD_LEG_ADD && o->conf_new;
	int mode = o->mode;
	struct mrfp_h248_node *lc;

	/* the H.248 default is Inactive (7.1.7): a new leg talks and listens unless told */
	if (mode < 0 && o->cmd == MRFPCTL_CMD_LEG_ADD)
		mode = MRFP_H248_MODE_SENDRECV;
	if (mode < 0 && !props)
		return 0;
	if ((lc = h248_add(t, st, T_(LOCALCONTROL), NULL)) == NULL)
		return -ENOSPC;
	if (mode >= 0 && h248_add(t, lc, T_(MODE), h248_tok_name(h248_mode_tok(mode), 0)) == NULL)
		return -ENOSPC;
	return props ? add_conf_props(o, t, lc) : 0;
}

/* Local or Remote with its SDP; the text (which may hold a key) is wiped here. */
static int
add_sdp(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *st,
	enum mrfp_h248_tok tok)
{
	char sdp[2048];
	int n = tok == T_(LOCAL) ? mrfpctl_sdp_local(o, sdp, sizeof(sdp))
				 : mrfpctl_sdp_remote(o, sdp, sizeof(sdp));
	struct mrfp_h248_node *d = n > 0 ? h248_add_raw(t, st, tok, sdp, (size_t)n) : NULL;

	OPENSSL_cleanse(sdp, sizeof(sdp));
	return d != NULL ? 0 : -ENOSPC;
}

/* Media { Stream = 1 { LocalControl, Local, Remote } } of Add and Modify. */
static int
add_media(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *cmd)
{
	struct mrfp_h248_node *m = h248_add(t, cmd, T_(MEDIA), NULL);
	struct mrfp_h248_node *st = m != NULL ? h248_add(t, m, T_(STREAM), "1") : NULL;
	int rc = st != NULL ? add_local_control(o, t, st) : -ENOSPC;

	if (rc == 0 && o->local_key != MRFPCTL_KEY_NONE)
		rc = add_sdp(o, t, st, T_(LOCAL));
	if (rc == 0 && o->has_remote)
		rc = add_sdp(o, t, st, T_(REMOTE));
	return rc;
}

/* AuditValue = T { Audit { what } }: mrfpd reports packages on ROOT, mode and statistics on
 * a leg. */
static int
add_audit(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *ctx)
{
	struct mrfp_h248_node *av = h248_add(t, ctx, T_(AUDITVALUE), o->root ? "ROOT" : o->term);
	struct mrfp_h248_node *au = av != NULL ? h248_add(t, av, T_(AUDIT), NULL) : NULL;

	if (au == NULL)
		return -ENOSPC;
	au->flags |= MRFP_H248_F_BODY;
	if (o->root)
		return h248_add(t, au, T_(PACKAGES), NULL) != NULL ? 0 : -ENOSPC;
	if (h248_add(t, au, T_(MEDIA), NULL) == NULL ||
	    h248_add(t, au, T_(STATISTICS), NULL) == NULL)
		return -ENOSPC;
	return 0;
}

/* ServiceChange = ROOT { Services { Method, Reason, Delay | MgcIdToTry } } (H.248.1 7.2.8):
 * the MGC's Graceful (a drain) or HandOff. */
static int
add_service_change(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t,
		   struct mrfp_h248_node *ctx)
{
	static const char graceful[] = "905 Termination taken out of service";
	static const char handoff[] = "903 MGC Directed Change";
	bool drain = o->cmd == MRFPCTL_CMD_DRAIN;
	const char *reason = drain ? graceful : handoff;
	struct mrfp_h248_sc sc = {
		.method = drain ? T_(GRACEFUL) : T_(HANDOFF),
		.reason = drain ? 905 : 903,
		.reason_text = {reason, (uint32_t)strlen(reason)},
		.delay = drain ? o->delay : -1,
	};

	if (!drain)
		sc.mgcid = (struct mrfp_h248_str){o->mgc_id, (uint32_t)strlen(o->mgc_id)};
	return h248_add_sc(t, ctx, "ROOT", &sc) != NULL ? 0 : -ENOSPC;
}

static struct mrfp_h248_node *
add_action(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *tr)
{
	struct mrfp_h248_ctxid id = {.kind = MRFP_H248_CTX_ID, .id = o->conf};

	if ((o->cmd == MRFPCTL_CMD_AUDIT && o->root) || o->cmd == MRFPCTL_CMD_DRAIN ||
	    o->cmd == MRFPCTL_CMD_HANDOFF)
		id.kind = MRFP_H248_CTX_NULL;
	else if (o->conf_new)
		id.kind = MRFP_H248_CTX_CHOOSE;
	return h248_add_context(t, tr, &id);
}

static int
add_command(const struct mrfpctl_opts *o, struct mrfp_h248_tree *t, struct mrfp_h248_node *ctx)
{
	struct mrfp_h248_node *cmd;

	switch (o->cmd) {
	case MRFPCTL_CMD_LEG_ADD:
		cmd = h248_add(t, ctx, T_(ADD), "$");
		return cmd != NULL ? add_media(o, t, cmd) : -ENOSPC;
	case MRFPCTL_CMD_LEG_MODIFY:
		cmd = h248_add(t, ctx, T_(MODIFY), o->term);
		return cmd != NULL ? add_media(o, t, cmd) : -ENOSPC;
	case MRFPCTL_CMD_LEG_REMOVE:
		return h248_add(t, ctx, T_(SUBTRACT), o->term) != NULL ? 0 : -ENOSPC;
	case MRFPCTL_CMD_LEG_MOVE:
		return h248_add(t, ctx, T_(MOVE), o->term) != NULL ? 0 : -ENOSPC;
	case MRFPCTL_CMD_CONF_DELETE:
		return h248_add(t, ctx, T_(SUBTRACT), "*") != NULL ? 0 : -ENOSPC;
	case MRFPCTL_CMD_AUDIT:
		return add_audit(o, t, ctx);
	case MRFPCTL_CMD_DRAIN:
	case MRFPCTL_CMD_HANDOFF:
		return add_service_change(o, t, ctx);
	default:
		return -EINVAL;
	}
}

int
mrfpctl_build_request(const struct mrfpctl_opts *o, uint32_t trans_id, struct mrfp_h248_tree *t)
{
	struct mrfp_h248_node *tr, *ctx;

	switch (o->cmd) {
	case MRFPCTL_CMD_LEG_ADD:
	case MRFPCTL_CMD_LEG_MODIFY:
	case MRFPCTL_CMD_LEG_REMOVE:
	case MRFPCTL_CMD_LEG_MOVE:
	case MRFPCTL_CMD_CONF_DELETE:
	case MRFPCTL_CMD_AUDIT:
	case MRFPCTL_CMD_DRAIN:
	case MRFPCTL_CMD_HANDOFF:
		break;
	default:
		return -EINVAL;
	}
	tr = h248_add_trans(t, T_(TRANSACTION), trans_id);
	ctx = tr != NULL ? add_action(o, t, tr) : NULL;
	return ctx != NULL ? add_command(o, t, ctx) : -ENOSPC;
}
