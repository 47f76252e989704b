/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rekey: one make-before-break key change as three Modify transactions on one session
 * (docs/mp.md "Key changes"): install {old, new}, switch {new, old}, then after the drain
 * time retire {new}. The drain keeps the old key for packets still in flight (and, for a
 * Remote, until the participant has switched). Each reply is checked before the next step:
 * a refused step stops the sequence and the steps before it stay applied, so the output
 * names the key set mrfpd holds. Step messages are built from a copy of the options that is
 * wiped after each step; the keys are printed only when mrfpctl generated the new one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"

#define N_STEPS 3

static const char *const step_names[N_STEPS] = {"install", "switch", "retire"};

void
mrfpctl_rekey_step_set(const struct mrfpctl_opts *o, unsigned step, struct mrfpctl_keyset *set)
{
	memset(set, 0, sizeof(*set));
	set->k[set->n++] = step == 0 ? o->old_line : o->new_line;
	if (step < 2)
		set->k[set->n++] = step == 0 ? o->new_line : o->old_line;
}

/* The Modify of one step: Local (or Remote) states the step's set, nothing else changes. */
static void
step_opts(const struct mrfpctl_opts *o, unsigned step, struct mrfpctl_opts *m)
{
	*m = *o;
	mrfpctl_keyset_wipe(&m->rkeys);
	mrfpctl_keyset_wipe(&m->lkeys);
	mrfpctl_keyset_wipe(&m->gkey);
	m->cmd = MRFPCTL_CMD_LEG_MODIFY;
	m->mode = -1;
	m->port = 0;
	m->remote_key = m->local_key = MRFPCTL_KEY_NONE;
	if (o->cmd == MRFPCTL_CMD_REKEY_REMOTE) {
		m->remote_key = MRFPCTL_KEY_GIVEN;
		mrfpctl_rekey_step_set(o, step, &m->rkeys);
	} else {
		m->has_remote = false;
		m->local_key = MRFPCTL_KEY_GIVEN;
		mrfpctl_rekey_step_set(o, step, &m->lkeys);
	}
}

static void
sleep_ms(uint32_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* What happened: steps done, and how the step after them ended. */
struct rekey_state {
	unsigned done;
	int rc;	      /* of the failed step's exchange; 0 */
	bool refused; /* an H.248 Error */
	uint16_t code;
	char text[MRFPCTL_ERR_MAX];	/* mrfpd's */
	char why[MRFPCTL_ERR_MAX + 64]; /* ours: which step, and why */
	char old_fp[9], new_fp[9];
};

/* The fingerprints of the set mrfpd holds after `done` steps, the first the key in use. */
static unsigned
held_set(const struct rekey_state *st, const char *fps[2])
{
	static const unsigned n[N_STEPS + 1] = {1, 2, 2, 1};

	fps[0] = st->done == 0 || st->done == 1 ? st->old_fp : st->new_fp;
	fps[1] = st->done == 1 ? st->new_fp : st->old_fp;
	return n[st->done];
}

static bool
new_key_printable(const struct mrfpctl_opts *o, const struct rekey_state *st)
{
	return o->new_key == MRFPCTL_KEY_GENERATE && !o->fingerprints && st->done > 0;
}

/* ---- text ---- */

static void
text_new_key(FILE *out, const struct mrfpctl_opts *o)
{
	fprintf(out, "new-key %s inline:%s%s\n", mrfp_srtp_suite_name(o->suite), o->new_line.b64,
		o->new_line.params);
	fprintf(out, "# new-key was generated: hand it to the %s; it is not shown again\n",
		o->cmd == MRFPCTL_CMD_REKEY_GROUP ? "conference's participants" : "participant");
	fflush(out);
}

static void
text_step(FILE *out, const struct mrfpctl_opts *o, unsigned step)
{
	if (step == 0)
		fprintf(out, "ctx %u\nterm %s\nrekey %s\n", o->conf, o->term,
			mrfpctl_cmd_name(o->cmd) + 6);
	fprintf(out, "step %s ok\n", step_names[step]);
	if (step == 0 && o->new_key == MRFPCTL_KEY_GENERATE && !o->fingerprints)
		text_new_key(out, o); /* now: the participants need it before the switch */
	fflush(out);
}

static void
text_set(FILE *out, const struct rekey_state *st)
{
	const char *fps[2];
	unsigned n = held_set(st, fps);

	fputs("key-set", out);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, " fp:%s", fps[i]);
	fputc('\n', out);
}

/* ---- JSON: one object at the end ---- */

static void
json_rekey(FILE *out, const struct mrfpctl_opts *o, const struct rekey_state *st)
{
	const char *fps[2];
	unsigned n = held_set(st, fps);

	fprintf(out, "{\"ctx\":%u,\"term\":", o->conf);
	mrfpctl_json_str(out, o->term, strlen(o->term));
	fprintf(out, ",\"rekey\":\"%s\",\"suite\":\"%s\",\"old_key\":{",
		mrfpctl_cmd_name(o->cmd) + 6, mrfp_srtp_suite_name(o->suite));
	mrfpctl_json_params(out, &o->old_line);
	fprintf(out, "\"key_fp\":\"%s\"},\"new_key\":{", st->old_fp);
	mrfpctl_json_params(out, &o->new_line);
	if (new_key_printable(o, st))
		fprintf(out, "\"key\":\"%s\",", o->new_line.b64);
	fprintf(out, "\"key_fp\":\"%s\"},\"steps\":[", st->new_fp);
	for (unsigned i = 0; i < st->done; i++)
		fprintf(out, "%s\"%s\"", i > 0 ? "," : "", step_names[i]);
	fputs("],\"key_set\":[", out);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s\"%s\"", i > 0 ? "," : "", fps[i]);
	fputc(']', out);
	if (st->done < N_STEPS) {
		fprintf(out, ",\"error\":{\"step\":\"%s\",", step_names[st->done]);
		if (st->refused)
			fprintf(out, "\"code\":%u,", st->code);
		fputs("\"text\":", out);
		mrfpctl_json_str(out, st->why, strlen(st->why));
		fputc('}', out);
	}
	fputs("}\n", out);
	fflush(out);
}

/* ---- the failure ---- */

static int
report_failure(FILE *out, FILE *err, const struct mrfpctl_opts *o, struct rekey_state *st)
{
	const char *fps[2], *step = step_names[st->done];
	unsigned n = held_set(st, fps);
	char *why = st->why, held[64];

	if (st->refused)
		snprintf(why, sizeof(st->why), "mrfpd refused step %u (%s): error %u: %s",
			 st->done + 1, step, st->code, st->text[0] ? st->text : "(no text)");
	else
		snprintf(why, sizeof(st->why), "step %u (%s): %s", st->done + 1, step,
			 st->rc == -ETIMEDOUT ? "no answer from mrfpd (the step may or may not "
						"be applied: audit the leg)"
					      : strerror(-st->rc));
	snprintf(held, sizeof(held), "fp:%s%s%s", fps[0], n > 1 ? ", fp:" : "",
		 n > 1 ? fps[1] : "");
	fprintf(err, "mrfpctl: %s %s: %s; %s: the key set is {%s}, fp:%s in use\n",
		mrfpctl_cmd_name(o->cmd), o->term, why,
		st->done == 0	? "nothing was applied"
		: st->done == 1 ? "step 1 (install) stays applied"
				: "steps 1-2 (install, switch) stay applied",
		held, fps[0]);
	if (o->json) {
		json_rekey(out, o, st);
	} else {
		text_set(out, st);
	}
	if (st->refused)
		return MRFPCTL_EXIT_H248;
	return st->rc == -ETIMEDOUT ? MRFPCTL_EXIT_NOANSWER : MRFPCTL_EXIT_USAGE;
}

/* ---- the sequence ---- */

static int
run_step(struct mrfpctl_session *s, const struct mrfpctl_opts *o, unsigned step,
	 struct mrfpctl_result *r, struct rekey_state *st)
{
	struct mrfpctl_opts *m = malloc(sizeof(*m));

	if (m == NULL)
		return st->rc = -ENOMEM;
	step_opts(o, step, m);
	st->rc = mrfpctl_session_transact(s, m, r);
	mrfpctl_opts_wipe(m);
	free(m);
	if (st->rc == 0 && r->has_error) {
		st->refused = true;
		st->code = r->err_code;
		snprintf(st->text, sizeof(st->text), "%s", r->err_text);
	}
	mrfpctl_result_wipe(r);
	return st->rc < 0 || st->refused ? -1 : 0;
}

int
mrfpctl_run_rekey(struct mrfpctl_opts *o, FILE *out, FILE *err)
{
	struct rekey_state st = {0};
	struct mrfpctl_result *r = calloc(1, sizeof(*r));
	char msg[MRFPCTL_ERR_MAX] = "";
	struct mrfpctl_session *s = r != NULL ? mrfpctl_session_open(o, msg, sizeof(msg)) : NULL;

	if (s == NULL) {
		free(r);
		mrfpctl_print_error(out, err, o, 0, r == NULL ? "out of memory" : msg);
		return MRFPCTL_EXIT_USAGE;
	}
	mrfpctl_keyline_fp(&o->old_line, o->suite, st.old_fp);
	mrfpctl_keyline_fp(&o->new_line, o->suite, st.new_fp);
	for (; st.done < N_STEPS; st.done++) {
		if (st.done == 1)
			sleep_ms(o->handout_ms); /* the new key reaches the participants */
		if (st.done == 2)
			sleep_ms(o->drain_ms); /* packets under the old key drain */
		if (run_step(s, o, st.done, r, &st) < 0)
			break;
		if (!o->json)
			text_step(out, o, st.done);
	}
	mrfpctl_session_close(s); /* acknowledges the last reply */
	free(r);
	if (st.done < N_STEPS)
		return report_failure(out, err, o, &st);
	if (o->json)
		json_rekey(out, o, &st);
	else
		text_set(out, &st);
	return MRFPCTL_EXIT_OK;
}
