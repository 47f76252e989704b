/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP for one stream of an H.248 Local/Remote descriptor: a line reader, a table of line
 * types and a table of attributes, one small function each. The input is never copied as a
 * whole; a=crypto values go to sdp_crypto.c, which keeps key bytes out of scratch buffers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "sdp.h"
#include "sdp_priv.h"

struct conn {
	bool set;
	bool choose;
	struct mrfp_addr addr; /* family set even when choose */
};

struct parser {
	struct mrfp_sdp *out;
	bool have_v;
	bool in_media; /* after m= */
	bool ptime_set;
	struct conn c_sess, c_media;
	int dir_sess, dir_media; /* -1 = not given */
	uint8_t rtpmapped[128 / 8];
	unsigned int n_tags; /* every a=crypto seen, kept or skipped */
	uint32_t tags[MRFP_SDP_MAX_CRYPTO];
	enum mrfp_sdp_err skip_reason;
};

static const struct {
	const char *text;
	int err;
} errors[MRFP_SDP_ERR_COUNT] = {
#define MRFP_SDP_ERR_TABLE(name, e, t) [MRFP_SDP_ERR_##name] = {t, e},
	MRFP_SDP_ERRORS(MRFP_SDP_ERR_TABLE)
#undef MRFP_SDP_ERR_TABLE
};

static const char *const proto_names[MRFP_SDP_PROTO_COUNT] = {
	[MRFP_SDP_PROTO_RTP_AVP] = "RTP/AVP",
	[MRFP_SDP_PROTO_RTP_AVPF] = "RTP/AVPF",
	[MRFP_SDP_PROTO_RTP_SAVP] = "RTP/SAVP",
	[MRFP_SDP_PROTO_RTP_SAVPF] = "RTP/SAVPF",
};

static const char *const dir_names[MRFP_SDP_DIR_COUNT] = {
	[MRFP_SDP_DIR_SENDRECV] = "sendrecv",
	[MRFP_SDP_DIR_SENDONLY] = "sendonly",
	[MRFP_SDP_DIR_RECVONLY] = "recvonly",
	[MRFP_SDP_DIR_INACTIVE] = "inactive",
};

/* RFC 3551 table 4: static audio payload types, used when no a=rtpmap names them. */
static const struct {
	uint8_t pt;
	uint32_t rate;
	const char *name;
} static_pts[] = {
	{0, 8000, "PCMU"}, {3, 8000, "GSM"},  {4, 8000, "G723"},
	{8, 8000, "PCMA"}, {9, 8000, "G722"}, {18, 8000, "G729"},
};

const char *
sdp_strerror(enum mrfp_sdp_err code)
{
	return (unsigned int)code < MRFP_SDP_ERR_COUNT ? errors[code].text : NULL;
}

int
sdp_err_errno(enum mrfp_sdp_err code)
{
	return (unsigned int)code < MRFP_SDP_ERR_COUNT ? errors[code].err : 0;
}

const char *
sdp_proto_name(enum mrfp_sdp_proto proto)
{
	return (unsigned int)proto < MRFP_SDP_PROTO_COUNT ? proto_names[proto] : NULL;
}

const char *
sdp_dir_name(enum mrfp_sdp_dir dir)
{
	return (unsigned int)dir < MRFP_SDP_DIR_COUNT ? dir_names[dir] : NULL;
}

void
sdp_wipe(struct mrfp_sdp *sdp)
{
	for (unsigned int i = 0; i < MRFP_SDP_MAX_CRYPTO; i++)
		mrfp_srtp_key_wipe(&sdp->crypto[i].key);
	OPENSSL_cleanse(sdp->crypto, sizeof(sdp->crypto));
	sdp->n_crypto = 0;
}

/* ---- tokens ---- */

static bool
tok_is(struct slice t, const char *word)
{
	return t.n == strlen(word) && memcmp(t.p, word, t.n) == 0;
}

/* ---- session-level lines ---- */

static enum mrfp_sdp_err
line_v(struct parser *ps, struct slice v)
{
	(void)ps;
	return v.n == 1 && v.p[0] == '0' ? MRFP_SDP_ERR_NONE : MRFP_SDP_ERR_VERSION;
}

/* H.248.1 makes o= optional and H.248.39 allows '-' in it: only its shape is checked. */
static enum mrfp_sdp_err
line_o(struct parser *ps, struct slice v)
{
	struct slice t;
	unsigned int n = 0;
	(void)ps;
	while (sdp_next_token(&v, &t))
		n++;
	return n == 6 ? MRFP_SDP_ERR_NONE : MRFP_SDP_ERR_ORIGIN;
}

static enum mrfp_sdp_err
line_s(struct parser *ps, struct slice v)
{
	(void)ps;
	(void)v;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
line_t(struct parser *ps, struct slice v)
{
	struct slice start, stop, extra;
	uint64_t x;
	(void)ps;
	if (!sdp_next_token(&v, &start) || !sdp_next_token(&v, &stop) ||
	    sdp_next_token(&v, &extra) || !sdp_tok_dec(start, UINT64_MAX, &x) ||
	    !sdp_tok_dec(stop, UINT64_MAX, &x))
		return MRFP_SDP_ERR_TIME;
	return MRFP_SDP_ERR_NONE;
}

static bool
is_multicast(const struct mrfp_addr *a)
{
	if (a->family == AF_INET)
		return (ntohl(a->v4) & 0xf0000000u) == 0xe0000000u;
	return a->v6[0] == 0xff;
}

/* "IN IP4 <unicast>" or "IN IP6 <unicast>", either with '$' for the address. */
static enum mrfp_sdp_err
line_c(struct parser *ps, struct slice v)
{
	struct conn *c = ps->in_media ? &ps->c_media : &ps->c_sess;
	struct slice net, type, addr, extra;
	char host[64];
	if (c->set || !sdp_next_token(&v, &net) || !sdp_next_token(&v, &type) ||
	    !sdp_next_token(&v, &addr) || sdp_next_token(&v, &extra))
		return MRFP_SDP_ERR_CONNECTION;
	if (tok_is(type, "$"))
		return MRFP_SDP_ERR_CHOOSE;
	if (!tok_is(net, "IN") || !(tok_is(type, "IP4") || tok_is(type, "IP6")) ||
	    memchr(addr.p, '/', addr.n) != NULL) /* multicast TTL or address count */
		return MRFP_SDP_ERR_ADDR_TYPE;
	memset(c, 0, sizeof(*c));
	c->set = true;
	c->addr.family = tok_is(type, "IP4") ? AF_INET : AF_INET6;
	if (tok_is(addr, "$")) {
		c->choose = true;
		return MRFP_SDP_ERR_NONE;
	}
	uint8_t family = c->addr.family;
	if (addr.n >= sizeof(host) || addr.p[0] == '[')
		return MRFP_SDP_ERR_CONNECTION;
	memcpy(host, addr.p, addr.n);
	host[addr.n] = '\0';
	/* mrfp_addr_parse also takes "a.b.c.d:port": the port and family checks refuse it. */
	if (mrfp_addr_parse(host, &c->addr) < 0 || c->addr.family != family || c->addr.port != 0)
		return MRFP_SDP_ERR_CONNECTION;
	return is_multicast(&c->addr) ? MRFP_SDP_ERR_ADDR_TYPE : MRFP_SDP_ERR_NONE;
}

/* ---- m= ---- */

static enum mrfp_sdp_err
media_port(struct mrfp_sdp *out, struct slice t)
{
	uint64_t port;
	if (tok_is(t, "$")) {
		out->port_choose = true;
		return MRFP_SDP_ERR_NONE;
	}
	/* "port/count" (RFC 4566 5.14) describes several RTP sessions: not for one leg. */
	if (!sdp_tok_dec(t, 65535, &port) || port == 0)
		return MRFP_SDP_ERR_PORT;
	out->addr.port = htons((uint16_t)port);
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
media_proto(struct mrfp_sdp *out, struct slice t)
{
	if (tok_is(t, "$"))
		return MRFP_SDP_ERR_CHOOSE;
	for (unsigned int i = 0; i < MRFP_SDP_PROTO_COUNT; i++) {
		if (tok_is(t, proto_names[i])) {
			out->proto = (enum mrfp_sdp_proto)i;
			return MRFP_SDP_ERR_NONE;
		}
	}
	return MRFP_SDP_ERR_PROTO;
}

static enum mrfp_sdp_err
media_fmt(struct mrfp_sdp *out, struct slice t)
{
	uint64_t pt;
	if (tok_is(t, "$"))
		return MRFP_SDP_ERR_CHOOSE;
	if (out->n_fmt == MRFP_SDP_MAX_FMT || !sdp_tok_dec(t, 127, &pt))
		return MRFP_SDP_ERR_PAYLOAD;
	for (unsigned int i = 0; i < out->n_fmt; i++)
		if (out->fmt[i].pt == pt)
			return MRFP_SDP_ERR_PAYLOAD;
	out->fmt[out->n_fmt].pt = (uint8_t)pt;
	out->fmt[out->n_fmt].channels = 1;
	out->n_fmt++;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
line_m(struct parser *ps, struct slice v)
{
	struct slice media, port, proto, fmt;
	enum mrfp_sdp_err e;
	if (ps->in_media)
		return MRFP_SDP_ERR_MULTI_MEDIA;
	ps->in_media = true;
	if (!sdp_next_token(&v, &media) || !sdp_next_token(&v, &port) ||
	    !sdp_next_token(&v, &proto))
		return MRFP_SDP_ERR_MEDIA;
	if (!tok_is(media, "audio"))
		return MRFP_SDP_ERR_MEDIA_TYPE;
	if ((e = media_port(ps->out, port)) != MRFP_SDP_ERR_NONE ||
	    (e = media_proto(ps->out, proto)) != MRFP_SDP_ERR_NONE)
		return e;
	while (sdp_next_token(&v, &fmt))
		if ((e = media_fmt(ps->out, fmt)) != MRFP_SDP_ERR_NONE)
			return e;
	return ps->out->n_fmt > 0 ? MRFP_SDP_ERR_NONE : MRFP_SDP_ERR_PAYLOAD;
}

/* ---- attributes ---- */

static struct mrfp_sdp_fmt *
find_fmt(struct mrfp_sdp *out, uint64_t pt)
{
	for (unsigned int i = 0; i < out->n_fmt; i++)
		if (out->fmt[i].pt == pt)
			return &out->fmt[i];
	return NULL;
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Split t at the first '/' into head and t (rest). */
static struct slice
split_slash(struct slice *t)
{
	struct slice head = *t;
	const char *slash = memchr(t->p, '/', t->n);
	head.n = slash != NULL ? (size_t)(slash - t->p) : t->n;
	t->p += head.n + (slash != NULL);
	t->n -= head.n + (slash != NULL);
	return head;
}

/* "<pt> <name>/<rate>[/<channels>]"; a PT that the m= line does not list is ignored. */
static enum mrfp_sdp_err
attr_rtpmap(struct parser *ps, struct slice v, int arg)
{
	struct slice pt_t, enc, extra, name, rate_t;
	uint64_t pt, rate, ch = 1;
	(void)arg;
	if (!sdp_next_token(&v, &pt_t) || !sdp_next_token(&v, &enc) || sdp_next_token(&v, &extra) ||
	    !sdp_tok_dec(pt_t, 127, &pt))
		return MRFP_SDP_ERR_RTPMAP;
	name = split_slash(&enc);
	bool has_ch = memchr(enc.p, '/', enc.n) != NULL;
	rate_t = split_slash(&enc);
	if (name.n == 0 || name.n >= MRFP_SDP_CODEC_NAME_MAX ||
	    !sdp_tok_dec(rate_t, UINT32_MAX, &rate) || rate == 0 ||
	    (has_ch && (!sdp_tok_dec(enc, 255, &ch) || ch == 0)) || (!has_ch && enc.n))
		return MRFP_SDP_ERR_RTPMAP;
	for (size_t i = 0; i < name.n; i++)
		if (!is_name_char(name.p[i]))
			return MRFP_SDP_ERR_RTPMAP;
	if (ps->rtpmapped[pt / 8] & (1u << (pt % 8)))
		return MRFP_SDP_ERR_RTPMAP;
	ps->rtpmapped[pt / 8] |= (uint8_t)(1u << (pt % 8));
	struct mrfp_sdp_fmt *f = find_fmt(ps->out, pt);
	if (f != NULL) {
		memcpy(f->name, name.p, name.n);
		f->name[name.n] = '\0';
		f->rate = (uint32_t)rate;
		f->channels = (uint8_t)ch;
	}
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
attr_ptime(struct parser *ps, struct slice v, int arg)
{
	uint64_t ms;
	(void)arg;
	if (ps->ptime_set || !sdp_tok_dec(v, 1000, &ms) || ms == 0)
		return MRFP_SDP_ERR_PTIME;
	ps->ptime_set = true;
	ps->out->ptime = (uint16_t)ms;
	return MRFP_SDP_ERR_NONE;
}

/* Session level sets the default, media level overrides it (RFC 4566 6). */
static enum mrfp_sdp_err
attr_dir(struct parser *ps, struct slice v, int dir)
{
	int *slot = ps->in_media ? &ps->dir_media : &ps->dir_sess;
	(void)v;
	if (*slot >= 0)
		return MRFP_SDP_ERR_DIRECTION;
	*slot = dir;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
attr_rtcp_mux(struct parser *ps, struct slice v, int arg)
{
	(void)v;
	(void)arg;
	ps->out->rtcp_mux = true;
	return MRFP_SDP_ERR_NONE;
}

/* A well-formed line that we cannot use is skipped and counted; the offer may hold others. */
static enum mrfp_sdp_err
attr_crypto(struct parser *ps, struct slice v, int arg)
{
	struct mrfp_sdp *out = ps->out;
	struct mrfp_sdp_crypto *c = &out->crypto[out->n_crypto];
	enum mrfp_sdp_err reason = MRFP_SDP_ERR_NONE;
	(void)arg;
	if (ps->n_tags == MRFP_SDP_MAX_CRYPTO)
		return MRFP_SDP_ERR_TOO_MANY_CRYPTO;
	int rc = sdp_crypto_parse(v.p, v.n, c, &reason);
	if (rc < 0 && !(rc == -ENOTSUP && reason != MRFP_SDP_ERR_CHOOSE))
		return reason;
	for (unsigned int i = 0; i < ps->n_tags; i++) {
		if (ps->tags[i] == c->tag) {
			mrfp_srtp_key_wipe(&c->key);
			return MRFP_SDP_ERR_CRYPTO_TAG;
		}
	}
	ps->tags[ps->n_tags++] = c->tag;
	if (rc < 0) {
		memset(c, 0, sizeof(*c)); /* holds no key: sdp_crypto_parse failed */
		out->n_crypto_skipped++;
		ps->skip_reason = reason;
	} else {
		out->n_crypto++;
	}
	return MRFP_SDP_ERR_NONE;
}

/* "<pt> <parameters>" (RFC 4566 6): kept as written, read by the codec's own rules
 * (sdp_codec.c); a PT that the m= line does not list is ignored. */
static enum mrfp_sdp_err
attr_fmtp(struct parser *ps, struct slice v, int arg)
{
	struct slice pt_t;
	uint64_t pt;
	(void)arg;
	if (!sdp_next_token(&v, &pt_t) || !sdp_tok_dec(pt_t, 127, &pt))
		return MRFP_SDP_ERR_FMTP;
	while (v.n > 0 && (v.p[0] == ' ' || v.p[0] == '\t'))
		v.p++, v.n--;
	struct mrfp_sdp_fmt *f = find_fmt(ps->out, pt);
	if (f == NULL)
		return MRFP_SDP_ERR_NONE;
	if (f->fmtp[0] != '\0' || v.n == 0 || v.n >= sizeof(f->fmtp))
		return MRFP_SDP_ERR_FMTP;
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x20 || (unsigned char)v.p[i] > 0x7e)
			return MRFP_SDP_ERR_FMTP;
	memcpy(f->fmtp, v.p, v.n);
	f->fmtp[v.n] = '\0';
	return MRFP_SDP_ERR_NONE;
}

enum attr_kind { ATTR_FLAG, ATTR_VALUE };

static const struct attr {
	const char *name;
	enum attr_kind kind;
	bool media_only;
	enum mrfp_sdp_err (*parse)(struct parser *ps, struct slice value, int arg);
	int arg;
} attrs[] = {
	{"rtpmap", ATTR_VALUE, true, attr_rtpmap, 0},
	{"fmtp", ATTR_VALUE, true, attr_fmtp, 0},
	{"ptime", ATTR_VALUE, true, attr_ptime, 0},
	{"sendrecv", ATTR_FLAG, false, attr_dir, MRFP_SDP_DIR_SENDRECV},
	{"sendonly", ATTR_FLAG, false, attr_dir, MRFP_SDP_DIR_SENDONLY},
	{"recvonly", ATTR_FLAG, false, attr_dir, MRFP_SDP_DIR_RECVONLY},
	{"inactive", ATTR_FLAG, false, attr_dir, MRFP_SDP_DIR_INACTIVE},
	{"rtcp-mux", ATTR_FLAG, true, attr_rtcp_mux, 0},
	{"crypto", ATTR_VALUE, true, attr_crypto, 0},
};

/* "a=<name>" or "a=<name>:<value>"; unknown names are ignored. */
static enum mrfp_sdp_err
line_a(struct parser *ps, struct slice v)
{
	const char *colon = memchr(v.p, ':', v.n);
	struct slice name = {v.p, colon != NULL ? (size_t)(colon - v.p) : v.n};
	struct slice value = {colon != NULL ? colon + 1 : v.p + v.n,
			      colon != NULL ? v.n - name.n - 1 : 0};
	if (name.n == 0)
		return MRFP_SDP_ERR_SYNTAX;
	for (unsigned int i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct attr *a = &attrs[i];
		if (!tok_is(name, a->name))
			continue;
		if (a->media_only && !ps->in_media)
			return MRFP_SDP_ERR_MISPLACED;
		if (a->kind == ATTR_FLAG && colon != NULL)
			return MRFP_SDP_ERR_FLAG_ATTR;
		return a->parse(ps, value, a->arg);
	}
	return MRFP_SDP_ERR_NONE;
}

static const struct {
	char type;
	enum mrfp_sdp_err (*parse)(struct parser *ps, struct slice value);
} line_types[] = {
	{'v', line_v}, {'o', line_o}, {'s', line_s}, {'t', line_t},
	{'c', line_c}, {'m', line_m}, {'a', line_a},
};

static enum mrfp_sdp_err
dispatch(struct parser *ps, struct slice line)
{
	struct slice value = {line.p + 2, line.n - 2};
	for (unsigned int i = 0; i < sizeof(line_types) / sizeof(line_types[0]); i++)
		if (line_types[i].type == line.p[0])
			return line_types[i].parse(ps, value);
	return MRFP_SDP_ERR_NONE; /* i=, u=, b=, k=, ... */
}

/* ---- lines ---- */

/*
 * Cut the next line off *s: up to LF, without CR and outer blanks (H.248 messages are often
 * indented). Refuses control characters, which no SDP field may contain.
 */
static enum mrfp_sdp_err
next_line(struct slice *s, struct slice *line)
{
	const char *lf = memchr(s->p, '\n', s->n);
	size_t n = lf != NULL ? (size_t)(lf - s->p) : s->n;
	line->p = s->p;
	line->n = n;
	s->p += n + (lf != NULL);
	s->n -= n + (lf != NULL);
	if (line->n > 0 && line->p[line->n - 1] == '\r')
		line->n--;
	if (line->n > MRFP_SDP_MAX_LINE)
		return MRFP_SDP_ERR_LINE_TOO_LONG;
	for (size_t i = 0; i < line->n; i++) {
		unsigned char c = (unsigned char)line->p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return MRFP_SDP_ERR_SYNTAX;
	}
	while (line->n > 0 && sdp_is_wsp(line->p[0])) {
		line->p++;
		line->n--;
	}
	while (line->n > 0 && sdp_is_wsp(line->p[line->n - 1]))
		line->n--;
	return MRFP_SDP_ERR_NONE;
}

static void
fill_static_names(struct mrfp_sdp *out)
{
	for (unsigned int i = 0; i < out->n_fmt; i++) {
		struct mrfp_sdp_fmt *f = &out->fmt[i];
		for (unsigned int j = 0;
		     f->name[0] == '\0' && j < sizeof(static_pts) / sizeof(static_pts[0]); j++) {
			if (static_pts[j].pt == f->pt) {
				strcpy(f->name, static_pts[j].name);
				f->rate = static_pts[j].rate;
			}
		}
	}
}

/* What the whole description must have once every line is read. */
static enum mrfp_sdp_err
finish(struct parser *ps)
{
	struct mrfp_sdp *out = ps->out;
	const struct conn *c = ps->c_media.set ? &ps->c_media : &ps->c_sess;
	if (!ps->have_v)
		return MRFP_SDP_ERR_VERSION;
	if (!ps->in_media)
		return MRFP_SDP_ERR_NO_MEDIA;
	if (!c->set)
		return MRFP_SDP_ERR_NO_ADDRESS;
	uint16_t port = out->addr.port;
	out->addr = c->addr;
	out->addr.port = port;
	out->addr_choose = c->choose;
	int dir = ps->dir_media >= 0 ? ps->dir_media : ps->dir_sess;
	out->dir = dir >= 0 ? (enum mrfp_sdp_dir)dir : MRFP_SDP_DIR_SENDRECV;
	fill_static_names(out);
	if (out->n_crypto == 0 && out->n_crypto_skipped > 0)
		return ps->skip_reason;
	return MRFP_SDP_ERR_NONE;
}

static enum mrfp_sdp_err
parse_lines(struct parser *ps, const char *text, size_t len, unsigned int *lineno)
{
	struct slice s = {text, len}, line;
	enum mrfp_sdp_err e;
	for (*lineno = 1; s.n > 0; (*lineno)++) {
		const char *start = s.p;
		if ((e = next_line(&s, &line)) != MRFP_SDP_ERR_NONE)
			return e;
		if (line.n == 0)
			continue;
		if (line.n < 2 || line.p[1] != '=' || line.p[0] < 'a' || line.p[0] > 'z')
			return MRFP_SDP_ERR_SYNTAX;
		if (line.p[0] == 'v' && ps->have_v) { /* an alternative description begins */
			ps->out->next = (size_t)(start - text);
			break;
		}
		if (!ps->have_v && line.p[0] != 'v')
			return MRFP_SDP_ERR_VERSION;
		ps->have_v = true;
		if ((e = dispatch(ps, line)) != MRFP_SDP_ERR_NONE)
			return e;
	}
	*lineno = 0;
	return finish(ps);
}

int
sdp_parse(const char *text, size_t len, struct mrfp_sdp *out, struct mrfp_sdp_error *err)
{
	struct parser ps = {.out = out, .dir_sess = -1, .dir_media = -1};
	unsigned int lineno = 0;
	enum mrfp_sdp_err e;
	memset(out, 0, sizeof(*out));
	if (len > MRFP_SDP_MAX_LEN)
		e = MRFP_SDP_ERR_TOO_LONG;
	else
		e = parse_lines(&ps, text, len, &lineno);
	if (e != MRFP_SDP_ERR_NONE) {
		sdp_wipe(out);
		memset(out, 0, sizeof(*out));
	}
	if (err != NULL) {
		err->code = e;
		err->line = e != MRFP_SDP_ERR_NONE ? lineno : 0;
	}
	return -sdp_err_errno(e);
}

/* ---- secure conference policy ---- */

int
sdp_secure_select(const struct mrfp_sdp *sdp, struct mrfp_sdp_error *err)
{
	enum mrfp_sdp_err e = MRFP_SDP_ERR_NO_CRYPTO;
	int found = -1;
	if (sdp->proto != MRFP_SDP_PROTO_RTP_SAVP && sdp->proto != MRFP_SDP_PROTO_RTP_SAVPF)
		e = MRFP_SDP_ERR_NOT_SECURE;
	for (unsigned int i = 0; e != MRFP_SDP_ERR_NOT_SECURE && i < sdp->n_crypto; i++) {
		const struct mrfp_sdp_crypto *c = &sdp->crypto[i];
		if (c->flags & (MRFP_SDP_UNENCRYPTED_SRTP | MRFP_SDP_UNENCRYPTED_SRTCP |
				MRFP_SDP_UNAUTHENTICATED_SRTP)) {
			e = MRFP_SDP_ERR_WEAKENED;
		} else if (c->kdr != 0) {
			if (e != MRFP_SDP_ERR_WEAKENED)
				e = MRFP_SDP_ERR_SESSION_PARAM_UNSUPP;
		} else {
			found = (int)i;
			break;
		}
	}
	if (found >= 0)
		e = MRFP_SDP_ERR_NONE;
	if (err != NULL) {
		err->code = e;
		err->line = 0;
	}
	return found >= 0 ? found : -sdp_err_errno(e);
}
