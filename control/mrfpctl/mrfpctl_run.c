/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpctl commands and their exit codes: 0 ok, 1 usage or local error, 2 an H.248 Error from
 * mrfpd, 3 no answer (retransmission gave up).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"

#define T_(x) MRFP_H248_TOK_##x

static int
fail_local(FILE *out, FILE *err, const struct mrfpctl_opts *o, const char *text)
{
	mrfpctl_print_error(out, err, o, 0, text);
	return MRFPCTL_EXIT_USAGE;
}

static int
no_answer(FILE *out, FILE *err, const struct mrfpctl_opts *o, const struct mrfpctl_wait *w,
	  const char *peer)
{
	char text[MRFPCTL_ERR_MAX + 128], bad[sizeof(w->decode_error) + 48] = "";

	if (w->undecodable > 0)
		snprintf(bad, sizeof(bad), "; %u undecodable message%s from it: %s", w->undecodable,
			 w->undecodable > 1 ? "s" : "", w->decode_error);
	snprintf(text, sizeof(text), "no answer from mrfpd at %s within %u ms%s%s", peer,
		 o->timing.total_ms,
		 w->pending_seen ? " after TransactionPending"
		 : w->refused	 ? " (port unreachable: is mrfpd running?)"
				 : "",
		 bad);
	mrfpctl_print_error(out, err, o, 0, text);
	return MRFPCTL_EXIT_NOANSWER;
}

static void
format_peer(const struct mrfpctl_opts *o, char *buf, size_t size)
{
	mrfp_addr_format(&o->mp, buf, (unsigned)size);
}

/* ---- leg, conf, audit: one transaction ---- */

static int
h248_error(FILE *out, FILE *err, const struct mrfpctl_opts *o, const struct mrfpctl_result *r)
{
	char text[MRFPCTL_ERR_MAX + 48];

	snprintf(text, sizeof(text), "mrfpd refused %s: %s", mrfpctl_cmd_name(o->cmd),
		 r->err_text[0] != '\0' ? r->err_text : "(no text)");
	mrfpctl_print_error(out, err, o, r->err_code, text);
	return MRFPCTL_EXIT_H248;
}

static int
run_transaction(struct mrfpctl_opts *o, FILE *out, FILE *err)
{
	struct mrfpctl_result *r = calloc(1, sizeof(*r));
	struct mrfpctl_wait w = {0};
	struct mrfpctl_session *s;
	char msg[MRFPCTL_ERR_MAX], peer[64];
	int rc, code;

	if (r == NULL)
		return fail_local(out, err, o, "out of memory");
	if (mrfpctl_generate_keys(o) < 0) {
		free(r);
		return fail_local(out, err, o, "cannot generate a key (OpenSSL CSPRNG)");
	}
	msg[0] = '\0';
	if ((s = mrfpctl_session_open(o, msg, sizeof(msg))) == NULL) {
		free(r);
		return fail_local(out, err, o, msg);
	}
	rc = mrfpctl_session_transact(s, o, r);
	mrfpctl_session_status(s, &w);
	mrfpctl_session_close(s); /* acknowledges the reply */
	format_peer(o, peer, sizeof(peer));
	if (rc == -ETIMEDOUT) {
		code = no_answer(out, err, o, &w, peer);
	} else if (rc < 0) {
		snprintf(msg, sizeof(msg), "Mp exchange with %s: %s", peer, strerror(-rc));
		code = fail_local(out, err, o, msg);
	} else if (r->has_error) {
		code = h248_error(out, err, o, r);
	} else {
		mrfpctl_print_result(out, o, r);
		code = MRFPCTL_EXIT_OK;
	}
	mrfpctl_result_wipe(r);
	free(r);
	return code;
}

/* ---- raw ---- */

struct raw_state {
	FILE *out;
	const struct mrfpctl_opts *o;
	bool error;
	unsigned code;
	char text[MRFPCTL_ERR_MAX];
	unsigned n_msgs;
};

static void
raw_message(void *arg, const char *text, size_t len)
{
	struct raw_state *st = arg;
	bool json = st->o->json;

	if (json)
		fputs(st->n_msgs == 0 ? "{\"messages\":[" : ",", st->out);
	if (json)
		mrfpctl_json_str(st->out, text, len);
	else if (st->o->fingerprints)
		mrfpctl_print_redacted(st->out, text, len);
	else
		fwrite(text, 1, len, st->out);
	if (!json && (len == 0 || text[len - 1] != '\n'))
		fputc('\n', st->out);
	st->n_msgs++;
}

static void
raw_reply(void *arg, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	struct raw_state *st = arg;
	const struct mrfp_h248_node *er = mrfpctl_find_error(t, n);
	struct mrfp_h248_str text = {"", 0};
	uint16_t code = 0;

	if (er == NULL || st->error)
		return;
	st->error = true;
	h248_error_get(t, er, &code, &text);
	st->code = code;
	snprintf(st->text, sizeof(st->text), "%.*s", (int)text.len, text.p);
}

/* The file's text; a header with our mId if it has none. NULL with a reason in err. */
static char *
raw_read(const char *path, const char *header, size_t *len, char *err, size_t n)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t h = strlen(header), got;
	char *buf = malloc(MRFP_H248_MAX_MSG + 1);

	if (f == NULL || buf == NULL) {
		snprintf(err, n, "raw: %s: %s", path,
			 f == NULL ? strerror(errno) : "out of memory");
		free(buf);
		return NULL;
	}
	got = fread(buf + h, 1, MRFP_H248_MAX_MSG - h, f);
	if (f != stdin)
		fclose(f);
	buf[h + got] = '\0';
	size_t skip = strspn(buf + h, " \t\r\n");
	/* a message starts with MEGACO/ or its compact form !/ (H.248.1 B.2) */
	if (strncasecmp(buf + h + skip, "MEGACO/", 7) == 0 ||
	    strncmp(buf + h + skip, "!/", 2) == 0) {
		memmove(buf, buf + h, got + 1);
		*len = got;
	} else {
		memcpy(buf, header, h);
		*len = h + got;
	}
	return buf;
}

/* TransactionIds of the requests in the message, to wait for their replies. -1: the message
 * does not decode (wait for mrfpd's error instead). */
static int
raw_trans_ids(const char *text, size_t len, uint32_t *ids, unsigned max)
{
	struct mrfp_h248_node *nodes = calloc(MRFP_H248_NODES_DEFAULT, sizeof(*nodes));
	struct mrfp_h248_tree t;
	struct mrfp_h248_msg msg;
	struct mrfp_h248_error e;
	const struct mrfp_h248_node *k;
	uint32_t seg;
	int n = 0;

	if (nodes == NULL)
		return -1;
	h248_tree_init(&t, nodes, MRFP_H248_NODES_DEFAULT, NULL, 0);
	if (h248_decode(text, len, &t, &msg, &e) < 0)
		n = -1;
	for (k = n == 0 ? h248_first(&t, h248_root(&t)) : NULL; k != NULL; k = h248_next(&t, k))
		if (k->tok == T_(TRANSACTION) && (unsigned)n < max &&
		    h248_trans_id(k, &ids[n], &seg) == 0)
			n++;
	free(nodes);
	return n;
}

static int
raw_finish(FILE *out, FILE *err, const struct mrfpctl_opts *o, struct raw_state *st,
	   const struct mrfpctl_wait *w, int rc)
{
	char peer[64];

	if (o->json && st->n_msgs > 0) {
		fputc(']', out);
		if (st->error) {
			fprintf(out, ",\"error\":{\"code\":%u,\"text\":", st->code);
			mrfpctl_json_str(out, st->text, strlen(st->text));
			fputc('}', out);
		}
		fputs("}\n", out);
	}
	fflush(out);
	if (rc == -ETIMEDOUT) {
		format_peer(o, peer, sizeof(peer));
		return no_answer(out, err, o, w, peer);
	}
	if (rc < 0)
		return fail_local(out, err, o, strerror(-rc));
	if (st->error) {
		fprintf(err, "mrfpctl: error %u: %s\n", st->code, st->text);
		return MRFPCTL_EXIT_H248;
	}
	return MRFPCTL_EXIT_OK;
}

static int
run_raw(const struct mrfpctl_opts *o, FILE *out, FILE *err)
{
	struct raw_state st = {.out = out, .o = o};
	uint32_t ids[64];
	struct mrfpctl_wait w = {
		.trans_ids = ids, .on_message = raw_message, .on_reply = raw_reply, .arg = &st};
	char msg[MRFPCTL_ERR_MAX] = "", header[MRFPCTL_MID_MAX + 16];
	struct mrfpctl_session *s = mrfpctl_session_open(o, msg, sizeof(msg));
	size_t len;
	char *text;
	int n, rc;

	if (s == NULL)
		return fail_local(out, err, o, msg);
	snprintf(header, sizeof(header), "MEGACO/%u %s\n", o->version, mrfpctl_session_mid(s));
	if ((text = raw_read(o->file, header, &len, msg, sizeof(msg))) == NULL) {
		mrfpctl_session_close(s);
		return fail_local(out, err, o, msg);
	}
	n = raw_trans_ids(text, len, ids, 64);
	w.n_trans = n > 0 ? (unsigned)n : 0;
	w.any = n < 0;
	rc = mrfpctl_session_exchange(s, text, len, &w);
	mrfpctl_session_close(s);
	OPENSSL_cleanse(text, len);
	free(text);
	return raw_finish(out, err, o, &st, &w, rc);
}

/* ---- listen ---- */

struct listen_state {
	FILE *out;
	const struct mrfpctl_opts *o;
};

static void
listen_request(void *arg, const struct mrfp_h248_tree *t, const struct mrfp_h248_node *trans)
{
	struct listen_state *ls = arg;

	mrfpctl_print_request(ls->out, ls->o, t, trans);
}

static int
run_listen(const struct mrfpctl_opts *o, FILE *out, FILE *err)
{
	struct listen_state ls = {.out = out, .o = o};
	struct mrfpctl_wait w = {.on_request = listen_request, .arg = &ls};
	char msg[MRFPCTL_ERR_MAX] = "";
	struct mrfpctl_session *s = mrfpctl_session_open(o, msg, sizeof(msg));
	int rc;

	if (s == NULL)
		return fail_local(out, err, o, msg);
	if (o->verbose)
		fprintf(err, "mrfpctl: listening as %s\n", mrfpctl_session_mid(s));
	rc = mrfpctl_session_listen(s, o->count, o->for_ms, &w);
	mrfpctl_session_close(s);
	if (rc < 0 && rc != -EINTR)
		return fail_local(out, err, o, strerror(-rc));
	return MRFPCTL_EXIT_OK;
}

static bool
wants_help(int argc, char *const argv[])
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

int
mrfpctl_main(int argc, char *const argv[], FILE *out, FILE *err)
{
	struct mrfpctl_opts o;
	char msg[MRFPCTL_ERR_MAX];
	int code;

	if (wants_help(argc, argv)) {
		mrfpctl_usage(out);
		return MRFPCTL_EXIT_OK;
	}
	if (mrfpctl_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		mrfpctl_print_error(out, err, &o, 0, msg);
		mrfpctl_opts_wipe(&o);
		return MRFPCTL_EXIT_USAGE;
	}
	switch (o.cmd) {
	case MRFPCTL_CMD_HELP:
		mrfpctl_usage(out);
		code = MRFPCTL_EXIT_OK;
		break;
	case MRFPCTL_CMD_RAW:
		code = run_raw(&o, out, err);
		break;
	case MRFPCTL_CMD_LISTEN:
		code = run_listen(&o, out, err);
		break;
	case MRFPCTL_CMD_REKEY_LOCAL:
	case MRFPCTL_CMD_REKEY_REMOTE:
	case MRFPCTL_CMD_REKEY_GROUP:
		code = mrfpctl_run_rekey(&o, out, err);
		break;
	default:
		code = run_transaction(&o, out, err);
		break;
	}
	mrfpctl_opts_wipe(&o);
	return code;
}
