/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing an Add or Modify of the Mp executor: LocalControl (mode, mrfp properties of the
 * conference and the leg), Local and Remote SDP, checked whole before anything is applied.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mp_state.h"

static enum mrfp_leg_mode
leg_mode_of(enum mrfp_h248_mode m)
{
	switch (m) {
	case MRFP_H248_MODE_SENDRECV:
		return MRFP_MODE_SENDRECV;
	case MRFP_H248_MODE_SENDONLY:
		return MRFP_MODE_SENDONLY; /* relative to the context's exterior: the leg only hears
					    */
	case MRFP_H248_MODE_RECVONLY:
		return MRFP_MODE_RECVONLY;
	default:
		return MRFP_MODE_INACTIVE;
	}
}

static int
prop_value(const struct mrfp_h248_str *v, const char *const *names, unsigned int n,
	   unsigned int *out)
{
	for (unsigned int i = 0; i < n; i++)
		if (h248_str_eq(v, names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

/* A property name "pkg/prop" of a package mrfpd implements (a name without a package is a
 * property error, not a package one). */
static bool
known_package(const struct mrfp_h248_str *name)
{
	static const char *const pkgs[] = {"mrfp", "nt", "rtp"};
	const char *slash = memchr(name->p, '/', name->len);
	if (slash == NULL)
		return true;
	struct mrfp_h248_str pkg = {name->p, (uint32_t)(slash - name->p)};
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		if (h248_str_eq(&pkg, pkgs[i]))
			return true;
	return false;
}

/* The rate a conference mixes at: 8000, 16000 or 48000. */
static int
mix_rate_value(const struct mrfp_h248_str *v, uint32_t *rate)
{
	uint32_t u;
	if (h248_u32(v, &u) < 0 || (u != 8000 && u != 16000 && u != 48000))
		return -EINVAL;
	*rate = u;
	return 0;
}

/* libopus complexity of the conference's Opus encoders: 0 .. 10. */
static int
opus_complexity_value(const struct mrfp_h248_str *v, struct mrfp_conf_params *cp)
{
	uint32_t u;
	if (h248_u32(v, &u) < 0 || u > 10)
		return -EINVAL;
	cp->opus_complexity = (uint8_t)u;
	cp->opus_complexity_set = true;
	return 0;
}

/* mrfp package properties in LocalControl: how a new context is set up. */
static int
conf_property(const struct mrfp_h248_node *n, struct mrfp_conf_params *cp,
	      struct mrfp_mp_result *res)
{
	static const char *const media[] = {"switch", "mix"};
	static const char *const keys[] = {"bilateral", "group", "hybrid"};
	static const char *const select[] = {"all", "speaker", "chosen"};
	static const char *const roles[] = {"static", "dynamic"};
	unsigned int v = 0;
	uint32_t u;
	int rc = -EINVAL;
	if (h248_str_eq(&n->name, "mrfp/media"))
		rc = prop_value(&n->value, media, 2, &v), cp->media = v;
	else if (h248_str_eq(&n->name, "mrfp/keys"))
		rc = prop_value(&n->value, keys, 3, &v), cp->keys = v;
	else if (h248_str_eq(&n->name, "mrfp/select"))
		rc = prop_value(&n->value, select, 3, &v), cp->select = v;
	else if (h248_str_eq(&n->name, "mrfp/roles"))
		rc = prop_value(&n->value, roles, 2, &v), cp->dynamic_roles = v == 1;
	else if (h248_str_eq(&n->name, "mrfp/ptime") && h248_u32(&n->value, &u) == 0 && u <= 30)
		rc = 0, cp->ptime_ms = (uint8_t)u;
	else if (h248_str_eq(&n->name, "mrfp/mixrate"))
		rc = mix_rate_value(&n->value, &cp->mix_rate);
	else if (h248_str_eq(&n->name, "mrfp/opuscomplexity"))
		rc = opus_complexity_value(&n->value, cp);
	else if (h248_str_eq(&n->name, "mrfp/speakers") && h248_str_eq(&n->value, "all"))
		rc = 0, cp->speakers = MRFP_SPEAKERS_ALL;
	else if (h248_str_eq(&n->name, "mrfp/speakers") && h248_u32(&n->value, &u) == 0 && u >= 1 &&
		 u < MRFP_SPEAKERS_ALL)
		rc = 0, cp->speakers = (uint8_t)u;
	else if (!known_package(&n->name))
		return mp_fail(res, 440, "unsupported or unknown package"); /* H.248.8 */
	else
		return mp_fail(res, 445, "unsupported or unknown property");
	return rc == 0 ? 0 : mp_fail(res, 449, "unsupported property value");
}

static int
parse_local_control(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *lc,
		    struct leg_request *rq, struct mrfp_mp_result *res)
{
	const struct mrfp_h248_node *n;
	enum mrfp_h248_mode m;
	int rc = h248_mode_get(t, lc, &m);
	if (rc == -EINVAL || (rc == 0 && m == MRFP_H248_MODE_LOOPBACK))
		return mp_fail(res, 517, "unsupported or invalid mode");
	if (rc == 0) {
		rq->p.mode = leg_mode_of(m);
		rq->have_mode = true;
	}
	MRFP_H248_FOREACH(t, lc, n)
	{
		if (n->tok != MRFP_H248_TOK_NONE)
			continue;
		if (h248_str_eq(&n->name, "mrfp/latch")) { /* a leg's own property */
			static const char *const latch[] = {"on", "strict", "off"};
			unsigned int v;
			if (prop_value(&n->value, latch, 3, &v) < 0)
				return mp_fail(res, 449, "unsupported property value");
			rq->p.latch = v;
		} else {
			int pr = rekey_property(n, &rq->rekey);
			if (pr < 0)
				return mp_fail(res, 449, "unsupported property value");
			if (pr == 0 && conf_property(n, &rq->conf, res) < 0)
				return -1;
		}
	}
	return 0;
}

/* The SDP of a Local or Remote descriptor (key bytes go only into *sdp). */
static int
parse_sdp(const struct mrfp_h248_node *d, struct mrfp_sdp *sdp, struct mrfp_mp_result *res)
{
	char text[4096];
	size_t len;
	struct mrfp_sdp_error err;
	if (h248_octets(&d->raw, text, sizeof(text), &len) < 0)
		return mp_fail(res, 510, "session description too long");
	int rc = sdp_parse(text, len, sdp, &err);
	OPENSSL_cleanse(text, len); /* it held the key's text */
	if (rc < 0) {
		char msg[96];
		snprintf(msg, sizeof(msg), "SDP: %s", sdp_strerror(err.code));
		return mp_fail(res, 449, msg);
	}
	return 0;
}

int
mp_parse_media(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *cmd,
	       struct leg_request *rq, struct mrfp_mp_result *res)
{
	struct mrfp_h248_stream s[2];
	const struct mrfp_h248_node *media = h248_find(t, cmd, MRFP_H248_TOK_MEDIA);
	if (media == NULL)
		return 0;
	int n = h248_streams(t, media, s, 2);
	if (n < 0 || n > 1)
		return mp_fail(res, 449, "one audio stream per termination");
	if (n == 0)
		return 0;
	if (s[0].lc != NULL && parse_local_control(t, s[0].lc, rq, res) < 0)
		return -1;
	if (s[0].remote != NULL) {
		if (parse_sdp(s[0].remote, &rq->remote, res) < 0)
			return -1;
		rq->have_remote = true;
	}
	if (s[0].local != NULL) {
		if (parse_sdp(s[0].local, &rq->local, res) < 0)
			return -1;
		rq->have_local = true;
	}
	return 0;
}

/* A switch forwards payloads untouched: a newcomer must offer the conference's codec, with
 * the same payload type, or its packets would reach the others undecodable. */
static int
join_switch_codec(struct leg_request *rq, const struct mrfp_sdp_fmt *shared,
		  struct mrfp_mp_result *res)
{
	const struct mrfp_sdp *r = &rq->remote;
	for (unsigned int i = 0; i < r->n_fmt; i++) {
		const struct mrfp_sdp_fmt *f = &r->fmt[i];
		if (f->pt == shared->pt && f->rate == shared->rate &&
		    strcasecmp(f->name, shared->name) == 0) {
			rq->answer = *f;
			rq->p.pt = f->pt;
			return 0;
		}
	}
	return mp_fail(res, 449,
		       "a switch conference forwards payloads untouched: offer its codec and "
		       "payload type");
}

/*
 * The leg's codec. A mix decodes and encodes: the first format of the offer mrfpd can do both
 * with (sdp_codec_choose). A switch forwards payloads untouched: the offer's first format,
 * whatever it is. prefer_pt >= 0 (a Modify): the leg's codec while the offer still has it.
 */
static int
choose_codec(struct leg_request *rq, const struct mrfp_conf_params *conf, int prefer_pt,
	     const struct mrfp_sdp_fmt *shared, struct mrfp_mp_result *res)
{
	const struct mrfp_sdp *r = &rq->remote;
	if (conf->media != MRFP_MEDIA_MIX && shared != NULL)
		return join_switch_codec(rq, shared, res);
	if (conf->media != MRFP_MEDIA_MIX) {
		unsigned int idx = 0;
		for (unsigned int i = 0; i < r->n_fmt; i++)
			if (r->fmt[i].pt == prefer_pt)
				idx = i;
		rq->answer = r->fmt[idx];
		rq->p.pt = r->fmt[idx].pt;
		return 0;
	}
	struct sdp_codec_choice ch;
	const char *why = NULL;
	if (sdp_codec_choose(r, conf->ptime_ms ? conf->ptime_ms : 20, prefer_pt, &ch, &why) < 0)
		return mp_fail(res, 449, why);
	rq->p.pt = ch.pt;
	rq->p.fmt = ch.fmt;
	rq->p.dtmf_pt = ch.dtmf_pt;
	rq->answer = ch.answer;
	rq->answer_dtmf = ch.dtmf_answer;
	return 0;
}

/* Secure conference policy: the participant's stream must be SRTP with a key. */
int
mp_check_remote(struct leg_request *rq, const struct mrfp_conf_params *conf, int prefer_pt,
		const struct mrfp_sdp_fmt *shared, struct mrfp_mp_result *res)
{
	struct mrfp_sdp_error err;
	const struct mrfp_sdp *r = &rq->remote;
	if (!rq->have_remote)
		return mp_fail(res, 441, "Remote descriptor with a=crypto required");
	int idx = sdp_secure_select(r, &err);
	if (idx < 0) {
		char msg[96];
		snprintf(msg, sizeof(msg), "secure conference: %s", sdp_strerror(err.code));
		return mp_fail(res, 449, msg);
	}
	if (r->crypto[idx].key_choose || r->addr_choose || r->port_choose || r->n_fmt == 0)
		return mp_fail(res, 449, "Remote must be fully specified");
	rq->rx_idx = idx;
	rq->p.remote = r->addr;
	return choose_codec(rq, conf, prefer_pt, shared, res);
}
