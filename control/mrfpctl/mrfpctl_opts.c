/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpctl options: one setter per option, each checking its value, and the table that says
 * which command each applies to. Keys: a key read from a file or stdin ("@FILE", "-") stays
 * out of the process list; the buffers that held it are cleansed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/crypto.h>

#include "mrfpctl.h"

#define bad mrfpctl_usage_error
#define CMD_BIT(c) (1u << MRFPCTL_CMD_##c)
#define LEG_MEDIA (CMD_BIT(LEG_ADD) | CMD_BIT(LEG_MODIFY))
#define REKEY (CMD_BIT(REKEY_LOCAL) | CMD_BIT(REKEY_REMOTE) | CMD_BIT(REKEY_GROUP))
#define NEEDS_CONF                                                                                 \
	(CMD_BIT(LEG_ADD) | CMD_BIT(LEG_MODIFY) | CMD_BIT(LEG_REMOVE) | CMD_BIT(LEG_MOVE) |        \
	 CMD_BIT(CONF_DELETE) | CMD_BIT(AUDIT) | REKEY)
#define NEEDS_TERM                                                                                 \
	(CMD_BIT(LEG_MODIFY) | CMD_BIT(LEG_REMOVE) | CMD_BIT(LEG_MOVE) | CMD_BIT(AUDIT) | REKEY)
#define GLOBAL 0u

int
mrfpctl_usage_error(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
parse_u32(const char *v, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long long x;

	if (v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

/* One of the words of a property (the mrfp package names them, mp_exec.c checks them). */
static int
one_of(const char *v, const char *const *words, const char **out)
{
	for (; *words != NULL; words++)
		if (strcmp(v, *words) == 0) {
			*out = *words;
			return 0;
		}
	return -EINVAL;
}

/* ---- setters: one per option ---- */

static int
set_addr(struct mrfp_addr *a, const char *v, bool need_port)
{
	if (mrfp_addr_parse(v, a) < 0 || (need_port && a->port == 0))
		return -EINVAL;
	return 0;
}

static int
set_mp(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (set_addr(&o->mp, v, false) < 0)
		return bad(err, n, "--mp: expected ADDR[:PORT], got '%s'", v);
	if (o->mp.port == 0)
		o->mp.port = htons(MRFPCTL_MP_PORT);
	return 0;
}

static int
set_local(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (set_addr(&o->local, v, false) < 0)
		return bad(err, n, "--local: expected ADDR[:PORT], got '%s'", v);
	return 0;
}

static int
set_mid(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	struct mrfp_h248_str s = {v, (uint32_t)strlen(v)};
	struct mrfp_h248_mid mid;

	if (s.len >= sizeof(o->mid) || h248_mid_parse(&s, 0, &mid) < 0)
		return bad(err, n, "--mid: not an H.248 mId: '%s'", v);
	memcpy(o->mid, v, s.len + 1);
	return 0;
}

static int
set_version(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 1, 3, &x) < 0)
		return bad(err, n, "--version: H.248 version 1, 2 or 3, got '%s'", v);
	o->version = x;
	return 0;
}

static int
set_json(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	o->json = true;
	return 0;
}

static int
set_compact(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	o->compact = true;
	return 0;
}

static int
set_fingerprints(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	o->fingerprints = true;
	return 0;
}

static int
set_verbose(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	o->verbose = true;
	return 0;
}

static int
set_timeout(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (parse_u32(v, 1, 3600000, &o->timing.total_ms) < 0)
		return bad(err, n, "--timeout: milliseconds (1..3600000), got '%s'", v);
	o->timing.pending_ms = 10 * o->timing.total_ms;
	return 0;
}

static int
set_retx(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (parse_u32(v, 1, 60000, &o->timing.first_ms) < 0)
		return bad(err, n, "--retx: milliseconds (1..60000), got '%s'", v);
	if (o->timing.max_ms < o->timing.first_ms)
		o->timing.max_ms = o->timing.first_ms;
	return 0;
}

static int
set_conf(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	o->has_conf = true;
	if (strcmp(v, "new") == 0 || strcmp(v, "$") == 0) {
		o->conf_new = true;
		return 0;
	}
	if (parse_u32(v, 1, 0xFFFFFFFEu, &o->conf) < 0)
		return bad(err, n, "--conf: 'new' or a context id (1..4294967294), got '%s'", v);
	o->conf_new = false;
	return 0;
}

static int
set_term(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	struct mrfp_h248_str s = {v, (uint32_t)strlen(v)};
	struct mrfp_h248_termid id;

	if (s.len >= sizeof(o->term) || h248_termid_parse(&s, &id) < 0 ||
	    id.kind == MRFP_H248_TERM_CHOOSE)
		return bad(err, n, "--term: not a termination id: '%s'", v);
	memcpy(o->term, v, s.len + 1);
	return 0;
}

static int
set_remote(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (set_addr(&o->remote, v, true) < 0)
		return bad(err, n, "--remote: expected IP:PORT or [IPv6]:PORT, got '%s'", v);
	o->has_remote = true;
	return 0;
}

static int
set_codec(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (mrfpctl_codec_parse(v, &o->pt) < 0)
		return bad(err, n, "--codec: PCMU or PCMA, got '%s'", v);
	o->has_codec = true;
	return 0;
}

static int
set_suite(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (mrfp_srtp_suite_parse(v, &o->suite) < 0)
		return bad(err, n, "--suite: unknown SRTP crypto suite '%s' (see mrfpctl help)", v);
	o->has_suite = true;
	return 0;
}

static int
set_mode(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	enum mrfp_h248_mode m;

	if (mrfpctl_mode_parse(v, &m) < 0)
		return bad(err, n, "--mode: sendrecv, sendonly, recvonly or inactive, got '%s'", v);
	o->mode = (int)m;
	return 0;
}

/* "@FILE": its first line; "-": the next line of stdin (one option after the other). */
static int
read_keyline(const char *v, struct mrfpctl_keyline *k, const char *opt, char *err, size_t n)
{
	FILE *f = strcmp(v, "-") == 0 ? stdin : fopen(v + 1, "r");
	int rc;

	if (f == NULL)
		return bad(err, n, "%s: cannot read a key from %s: %s", opt, v + 1,
			   strerror(errno));
	rc = mrfpctl_keyline_read(f, k, opt, err, n);
	if (f != stdin)
		fclose(f);
	if (rc == -ENODATA)
		return bad(err, n, "%s: cannot read a key from %s: no key line", opt,
			   f == stdin ? "stdin" : v + 1);
	return rc;
}

/* B64 (kept for scripts; it shows in the process list), @FILE or -, with |LIFETIME|MKI:LEN. */
static int
set_key(enum mrfpctl_keysrc *src, struct mrfpctl_keyset *set, const char *opt, const char *v,
	char *err, size_t n)
{
	int rc = v[0] == '@' || strcmp(v, "-") == 0
			 ? read_keyline(v, &set->k[0], opt, err, n)
			 : mrfpctl_keyline_parse(v, &set->k[0], opt, err, n);

	if (rc < 0)
		return rc;
	if (set->k[0].choose)
		return bad(err, n, "%s: '$' only for mrfpd's own keys (--local-key)", opt);
	set->n = 1;
	*src = MRFPCTL_KEY_GIVEN;
	return 0;
}

/* "WORD[|LIFETIME][|MKI:LEN]": the parameters of a key made here or by mrfpd. */
static int
word_params(const char *v, const char *word, struct mrfpctl_keyline *k, const char *opt, char *err,
	    size_t n)
{
	size_t w = strlen(word);
	char text[MRFPCTL_PARAMS_MAX + 2];

	if (strncmp(v, word, w) != 0 || (v[w] != '\0' && v[w] != '|'))
		return 1;
	if (strlen(v + w) >= MRFPCTL_PARAMS_MAX)
		return bad(err, n, "%s: key parameters too long (expected |LIFETIME|MKI:LEN)", opt);
	snprintf(text, sizeof(text), "$%s", v + w);
	return mrfpctl_keyline_parse(text, k, opt, err, n);
}

static int
set_remote_key(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	int rc = word_params(v, "generate", &o->rkeys.k[0], "--remote-key", err, n);

	if (rc <= 0) {
		o->rkeys.k[0].choose = false;
		o->rkeys.n = rc == 0 ? 1 : 0;
		o->remote_key = rc == 0 ? MRFPCTL_KEY_GENERATE : o->remote_key;
		return rc;
	}
	if (v[0] == '$')
		return bad(err, n, "--remote-key: the participant's key cannot be chosen by mrfpd");
	return set_key(&o->remote_key, &o->rkeys, "--remote-key", v, err, n);
}

static int
set_local_key(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (v[0] == '$') {
		if (mrfpctl_keyline_parse(v, &o->lkeys.k[0], "--local-key", err, n) < 0)
			return -EINVAL;
		o->lkeys.n = 1;
		o->local_key = MRFPCTL_KEY_CHOOSE;
		return 0;
	}
	return set_key(&o->local_key, &o->lkeys, "--local-key", v, err, n);
}

/* N key lines from stdin: a whole set, the first line first. */
static int
read_set(struct mrfpctl_keyset *set, const char *opt, const char *v, char *err, size_t n)
{
	uint32_t count;

	if (parse_u32(v, 1, MRFPCTL_SET_MAX, &count) < 0)
		return bad(err, n, "%s: a number of key lines on stdin, 1..%u, got '%s'", opt,
			   MRFPCTL_SET_MAX, v);
	for (set->n = 0; set->n < count; set->n++) {
		int rc = read_keyline("-", &set->k[set->n], opt, err, n);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
set_remote_keys(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (read_set(&o->rkeys, "--remote-keys", v, err, n) < 0)
		return -EINVAL;
	for (unsigned i = 0; i < o->rkeys.n; i++)
		if (o->rkeys.k[i].choose)
			return bad(
				err, n,
				"--remote-keys: the participant's key cannot be chosen by mrfpd");
	o->remote_key = MRFPCTL_KEY_GIVEN;
	return 0;
}

static int
set_local_keys(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (read_set(&o->lkeys, "--local-keys", v, err, n) < 0)
		return -EINVAL;
	o->local_key = o->lkeys.k[0].choose ? MRFPCTL_KEY_CHOOSE : MRFPCTL_KEY_GIVEN;
	return 0;
}

static int
set_group_key(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	int rc;

	if (v[0] == '$')
		rc = mrfpctl_keyline_parse(v, &o->gkey.k[0], "--group-key", err, n);
	else if (strcmp(v, "-") == 0)
		rc = read_keyline(v, &o->gkey.k[0], "--group-key", err, n);
	else /* never a key on the command line: it would show in the process list */
		rc = bad(err, n, "--group-key: '$[|LIFETIME][|MKI:LEN]' or '-' (the key on stdin)");
	o->gkey.n = rc == 0;
	return rc;
}

static int
set_port(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (strcmp(v, "$") == 0) {
		o->port = 0;
		return 0;
	}
	if (parse_u32(v, 2, 65534, &x) < 0 || x % 2 != 0)
		return bad(err, n, "--port: an even RTP port, 2..65534, or '$', got '%s'", v);
	o->port = htons((uint16_t)x);
	return 0;
}

static int
set_new_key(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	int rc = word_params(v, "generate", &o->new_line, "--new-key", err, n);

	if (rc <= 0) {
		o->new_line.choose = false;
		o->new_key = MRFPCTL_KEY_GENERATE;
		return rc;
	}
	if (strcmp(v, "-") != 0)
		return bad(err, n, "--new-key: 'generate[|LIFETIME][|MKI:LEN]' or '-' (stdin)");
	o->new_key = MRFPCTL_KEY_GIVEN; /* read after the key in use (mrfpctl_args.c) */
	return 0;
}

static int
set_drain_ms(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (parse_u32(v, 0, 3600000, &o->drain_ms) < 0)
		return bad(err, n, "--drain-ms: milliseconds (0..3600000), got '%s'", v);
	return 0;
}

static int
set_handout_ms(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	if (parse_u32(v, 0, 3600000, &o->handout_ms) < 0)
		return bad(err, n, "--handout-ms: milliseconds (0..3600000), got '%s'", v);
	return 0;
}

static int
set_media(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	static const char *const w[] = {"mix", "switch", NULL};

	return one_of(v, w, &o->media) == 0 ? 0 : bad(err, n, "--media: mix or switch");
}

static int
set_keys(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	static const char *const w[] = {"bilateral", "group", "hybrid", NULL};

	return one_of(v, w, &o->keys) == 0 ? 0 : bad(err, n, "--keys: bilateral, group or hybrid");
}

static int
set_select(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	static const char *const w[] = {"all", "speaker", "chosen", NULL};

	return one_of(v, w, &o->select) == 0 ? 0 : bad(err, n, "--select: all, speaker or chosen");
}

static int
set_roles(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	static const char *const w[] = {"static", "dynamic", NULL};

	return one_of(v, w, &o->roles) == 0 ? 0 : bad(err, n, "--roles: static or dynamic");
}

static int
set_ptime(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 10, 30, &x) < 0 || x % 10 != 0)
		return bad(err, n, "--ptime: 10, 20 or 30 ms, got '%s'", v);
	o->ptime = x;
	return 0;
}

static int
set_speakers(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 1, 255, &x) < 0)
		return bad(err, n, "--speakers: 1..255, got '%s'", v);
	o->speakers = x;
	return 0;
}

static int
set_count(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 1, 1000000, &x) < 0)
		return bad(err, n, "--count: a number of requests, got '%s'", v);
	o->count = x;
	return 0;
}

static int
set_for(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 1, 86400, &x) < 0)
		return bad(err, n, "--for: seconds (1..86400), got '%s'", v);
	o->for_ms = x * 1000;
	return 0;
}

/* drain --delay S: H.248 Delay is in seconds (11.5: the time until the drain is over). */
static int
set_delay(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	uint32_t x;

	if (parse_u32(v, 0, 86400, &x) < 0)
		return bad(err, n, "--delay: seconds (0..86400), got '%s'", v);
	o->delay = (int32_t)x;
	return 0;
}

/* handoff --to IP:PORT ([IPv6]:PORT): the MgcIdToTry, written as an IP mId "[IP]:PORT". */
static int
set_to(struct mrfpctl_opts *o, const char *v, char *err, size_t n)
{
	struct mrfp_addr a;
	char host[INET6_ADDRSTRLEN];
	const void *p;

	if (set_addr(&a, v, true) < 0)
		return bad(err, n, "--to: expected the new MGC's IP:PORT, got '%s'", v);
	p = a.family == AF_INET6 ? (const void *)a.v6 : (const void *)&a.v4;
	if (inet_ntop(a.family, p, host, sizeof(host)) == NULL)
		return bad(err, n, "--to: expected the new MGC's IP:PORT, got '%s'", v);
	snprintf(o->mgc_id, sizeof(o->mgc_id), "[%s]:%u", host, ntohs(a.port));
	return 0;
}

const struct mrfpctl_option mrfpctl_options[] = {
	{"--mp", true, GLOBAL, set_mp},
	{"--local", true, GLOBAL, set_local},
	{"--mid", true, GLOBAL, set_mid},
	{"--version", true, GLOBAL, set_version},
	{"--json", false, GLOBAL, set_json},
	{"--compact", false, GLOBAL, set_compact},
	{"--key-fingerprints", false, GLOBAL, set_fingerprints},
	{"--verbose", false, GLOBAL, set_verbose},
	{"-v", false, GLOBAL, set_verbose},
	{"--timeout", true, GLOBAL, set_timeout},
	{"--retx", true, GLOBAL, set_retx},
	{"--conf", true, NEEDS_CONF, set_conf},
	{"--term", true, NEEDS_TERM, set_term},
	{"--remote", true, LEG_MEDIA | CMD_BIT(REKEY_REMOTE), set_remote},
	{"--codec", true, LEG_MEDIA | REKEY, set_codec},
	{"--suite", true, LEG_MEDIA | REKEY, set_suite},
	{"--mode", true, LEG_MEDIA, set_mode},
	{"--remote-key", true, LEG_MEDIA, set_remote_key},
	{"--local-key", true, LEG_MEDIA, set_local_key},
	{"--remote-keys", true, LEG_MEDIA, set_remote_keys},
	{"--local-keys", true, LEG_MEDIA, set_local_keys},
	{"--group-key", true, CMD_BIT(LEG_ADD), set_group_key},
	{"--port", true, CMD_BIT(LEG_ADD), set_port},
	{"--new-key", true, REKEY, set_new_key},
	{"--drain-ms", true, REKEY, set_drain_ms},
	{"--handout-ms", true, REKEY, set_handout_ms},
	{"--media", true, CMD_BIT(LEG_ADD), set_media},
	{"--keys", true, CMD_BIT(LEG_ADD), set_keys},
	{"--select", true, CMD_BIT(LEG_ADD), set_select},
	{"--roles", true, CMD_BIT(LEG_ADD), set_roles},
	{"--ptime", true, CMD_BIT(LEG_ADD), set_ptime},
	{"--speakers", true, CMD_BIT(LEG_ADD), set_speakers},
	{"--count", true, CMD_BIT(LISTEN), set_count},
	{"--for", true, CMD_BIT(LISTEN), set_for},
	{"--delay", true, CMD_BIT(DRAIN), set_delay},
	{"--to", true, CMD_BIT(HANDOFF), set_to},
};
const unsigned mrfpctl_n_options = sizeof(mrfpctl_options) / sizeof(mrfpctl_options[0]);

const struct mrfpctl_option *
mrfpctl_option_find(const char *name, size_t len)
{
	for (unsigned i = 0; i < mrfpctl_n_options; i++)
		if (strlen(mrfpctl_options[i].name) == len &&
		    strncmp(name, mrfpctl_options[i].name, len) == 0)
			return &mrfpctl_options[i];
	return NULL;
}

void
mrfpctl_opts_init(struct mrfpctl_opts *o)
{
	memset(o, 0, sizeof(*o));
	mrfp_addr_parse("127.0.0.1", &o->mp);
	o->mp.port = htons(MRFPCTL_MP_PORT);
	o->version = 1;
	o->timing = (struct mrfpctl_timing){
		.first_ms = 100, .max_ms = 1000, .total_ms = 3000, .pending_ms = 30000};
	o->mode = -1;
	o->suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	o->drain_ms = 2000;
	o->delay = -1;
}

void
mrfpctl_opts_wipe(struct mrfpctl_opts *o)
{
	mrfpctl_keyset_wipe(&o->rkeys);
	mrfpctl_keyset_wipe(&o->lkeys);
	mrfpctl_keyset_wipe(&o->gkey);
	mrfpctl_keyline_wipe(&o->old_line);
	mrfpctl_keyline_wipe(&o->new_line);
}
