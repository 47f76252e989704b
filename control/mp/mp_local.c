/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A leg's Local descriptor: which of mrfpd's keys it states and names in each key mode, and
 * the address and port the MRFC may ask for (docs/mp.md, "Which Local states which key").
 *
 *  key mode    leg                      Local states             reply names
 *  ---------   ----------------------   ----------------------   ---------------------------
 *  bilateral   any                      its own key set          its own key
 *  group       any                      the group key set        the group key set
 *  hybrid      SendRecv (talker)        its own key set (an Add: its own key, then
 *                                       optionally the group key)  its own key (+ the group
 *                                                                 key set under dynamic roles)
 *  hybrid      any other (listener)     the group key set        the group key set
 *
 * A key that would go where the model does not put it is refused, never ignored.
 */
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "keys.h"
#include "mp_state.h"

bool
mp_local_is_group(const struct mrfp_conf_params *p, enum mrfp_leg_mode mode)
{
	return p->keys == MRFP_KEYS_GROUP ||
	       (p->keys == MRFP_KEYS_HYBRID && mode != MRFP_MODE_SENDRECV);
}

bool
mp_leg_has_own(const struct mrfp_conf_params *p, enum mrfp_leg_mode mode)
{
	return p->keys == MRFP_KEYS_BILATERAL ||
	       (p->keys == MRFP_KEYS_HYBRID && mode == MRFP_MODE_SENDRECV);
}

/* The group key set is in the reply: listeners, and hybrid talkers that hear the common
 * stream while they are not active speakers (dynamic roles). */
static bool
names_group(const struct mrfp_conf_params *p, enum mrfp_leg_mode mode)
{
	return mp_local_is_group(p, mode) || (p->keys == MRFP_KEYS_HYBRID && p->dynamic_roles);
}

static bool
same_key(const struct mrfp_srtp_key *a, const struct mrfp_srtp_key *b)
{
	return a->len == b->len && a->len > 0 &&
	       CRYPTO_memcmp(a->material, b->material, a->len) == 0;
}

bool
mp_group_has(const struct mp_ctx *c, const struct mrfp_srtp_key *k)
{
	if (c->params.keys == MRFP_KEYS_BILATERAL)
		return false;
	if (same_key(&c->group, k))
		return true;
	for (unsigned int i = 0; i < c->n_group_more; i++)
		if (same_key(&c->group_more[i], k))
			return true;
	return false;
}

/* A key of mrfpd's from a Local line: the MRFC's, or (`$`) a fresh one with the lifetime and
 * MKI the line asks for. No MKI is added unasked: receivers without MKI support (ffmpeg)
 * would refuse every packet. */
static int
line_key(const struct mrfp_sdp_crypto *l, enum mrfp_srtp_suite suite, struct mrfp_srtp_key *k)
{
	if (l != NULL && !l->key_choose) {
		*k = l->key;
		return 0;
	}
	int rc = keys_generate(suite, k);
	if (rc == 0 && l != NULL) {
		k->lifetime = l->key.lifetime;
		k->mki_len = l->key.mki_len;
		memcpy(k->mki, l->key.mki, sizeof(k->mki));
	}
	return rc;
}

/* Every stated key (not `$`) of lines[from..n) is in the conference's group key set. */
static bool
all_in_group(const struct mp_ctx *c, const struct mrfp_sdp *l, unsigned int from)
{
	for (unsigned int i = from; i < l->n_crypto; i++)
		if (!l->crypto[i].key_choose && !mp_group_has(c, &l->crypto[i].key))
			return false;
	return true;
}

int
mp_add_keys(const struct mp_ctx *c, const struct leg_request *rq, enum mrfp_srtp_suite suite,
	    struct mrfp_srtp_key *own, struct mrfp_srtp_key *group, struct mrfp_mp_result *res)
{
	const struct mrfp_conf_params *p = c != NULL ? &c->params : &rq->conf;
	bool creating = c == NULL;
	const struct mrfp_sdp *l = &rq->local;
	unsigned int n = rq->have_local ? l->n_crypto : 0;
	for (unsigned int i = 0; i < n; i++)
		if (l->crypto[i].suite != suite)
			return mp_fail(res, 449, "Local key does not match the suite");
	const struct mrfp_sdp_crypto *first = n > 0 ? &l->crypto[0] : NULL;
	const struct mrfp_sdp_crypto *second = n > 1 ? &l->crypto[1] : NULL;
	int rc = 0;
	if (p->keys == MRFP_KEYS_BILATERAL) {
		if (n > 1)
			return mp_fail(res, 501,
				       "an Add states one key; a key set follows by Modify");
		rc = line_key(first, suite, own);
	} else if (!mp_local_is_group(p, rq->p.mode)) { /* hybrid talker: own, then group */
		if (n > 2)
			return mp_fail(res, 501, "a talker's Add states its key and the group key");
		rc = line_key(first, suite, own);
		if (rc == 0 && creating)
			rc = line_key(second, suite, group);
		else if (rc == 0 && !all_in_group(c, l, 1))
			return mp_fail(res, 449,
				       "Local's second key is not the conference's group key");
	} else { /* the group key set (a hybrid listener also holds a key of its own, unnamed,
		  * that the dataplane keeps ready for a change of role) */
		if (creating && n > 1)
			return mp_fail(res, 501, "a new conference starts with one group key");
		if (!creating && !all_in_group(c, l, 0))
			return mp_fail(res, 449,
				       "Local names a key that is not the conference's group key");
		if (creating)
			rc = line_key(first, suite, group);
		if (rc == 0 && p->keys == MRFP_KEYS_HYBRID)
			rc = line_key(NULL, suite, own);
	}
	if (rc < 0)
		return mp_fail(res, 510, "cannot make a key");
	if (creating && p->keys == MRFP_KEYS_HYBRID && same_key(own, group))
		return mp_fail(res, 449, "a talker's own key cannot be the group key");
	if (!creating && p->keys == MRFP_KEYS_HYBRID && mp_group_has(c, own))
		return mp_fail(res, 449, "a talker's own key cannot be the group key");
	return 0;
}

/* Local restates the group key set as it is (or asks for it with `$`): no change. */
static bool
group_restated(const struct mp_ctx *c, const struct mrfp_sdp *l)
{
	bool all_choose = true;
	for (unsigned int i = 0; i < l->n_crypto; i++)
		all_choose &= l->crypto[i].key_choose;
	if (all_choose)
		return true;
	if (l->n_crypto != 1u + c->n_group_more || !same_key(&l->crypto[0].key, &c->group))
		return false;
	for (unsigned int i = 0; i < c->n_group_more; i++)
		if (!same_key(&l->crypto[i + 1].key, &c->group_more[i]))
			return false;
	return true;
}

int
mp_group_local_change(const struct mp_ctx *c, const struct leg_request *rq,
		      enum mrfp_srtp_suite suite, struct mrfp_mp_result *res)
{
	const struct mrfp_sdp *l = &rq->local;
	if (!rq->have_local || l->n_crypto == 0 || !mp_local_is_group(&c->params, rq->p.mode))
		return 0;
	if (l->crypto[0].suite != suite)
		return mp_fail(res, 449, "Local key does not match the suite");
	if (group_restated(c, l))
		return 0;
	if (l->crypto[0].key_choose || l->crypto[0].key.mki_len == 0)
		return mp_fail(res, 501,
			       "this Local states the group key set, which changes only by MKI "
			       "(make-before-break)");
	return 1;
}

int
mp_own_key(const struct mp_ctx *c, const struct leg_request *rq, enum mrfp_srtp_suite suite,
	   bool becomes_talker, struct mrfp_srtp_key *own, bool *stated, struct mrfp_mp_result *res)
{
	const struct mrfp_sdp *l = &rq->local;
	const struct mrfp_sdp_crypto *line = NULL;
	if (!mp_leg_has_own(&c->params, rq->p.mode))
		return 0;
	for (unsigned int i = 0; rq->have_local && i < l->n_crypto && line == NULL; i++)
		if (l->crypto[i].key_choose || !mp_group_has(c, &l->crypto[i].key))
			line = &l->crypto[i];
	if (line == NULL && rq->have_local && l->n_crypto > 0 &&
	    c->params.keys == MRFP_KEYS_HYBRID && !c->params.dynamic_roles)
		return mp_fail(res, 449, "a talker's Local states its own key, not the group key");
	if (line == NULL && !becomes_talker)
		return 0;
	if (line != NULL && line->suite != suite)
		return mp_fail(res, 449, "Local key does not match the suite");
	if (line_key(line, suite, own) < 0)
		return mp_fail(res, 510, "cannot make a key");
	*stated = line != NULL && !line->key_choose;
	return 1;
}

int
mp_check_local(const struct mrfp_mp_state *st, const struct leg_request *rq,
	       const struct mp_term *term, struct mrfp_mp_result *res)
{
	const struct mrfp_sdp *l = &rq->local;
	if (!rq->have_local)
		return 0;
	if (!l->addr_choose && l->addr.family != 0) {
		const struct mrfp_addr *m =
			l->addr.family == AF_INET6 ? &st->cfg->media6 : &st->cfg->media4;
		bool same = m->family == l->addr.family &&
			    (m->family == AF_INET6 ? memcmp(m->v6, l->addr.v6, 16) == 0
						   : m->v4 == l->addr.v4);
		if (!same)
			return mp_fail(res, 449, "Local address is not mrfpd's media address");
	}
	if (l->port_choose || l->addr.port == 0)
		return 0;
	uint16_t port = rte_be_to_cpu_16(l->addr.port);
	if (term != NULL && port != term->port)
		return mp_fail(res, 501, "a leg's port does not change: Subtract and Add");
	return 0;
}

/* An a=crypto line of the reply for one of mrfpd's keys, with its lifetime and MKI. */
static void
crypto_line(struct mrfp_sdp *l, uint32_t tag, enum mrfp_srtp_suite suite,
	    const struct mrfp_srtp_key *k)
{
	struct mrfp_sdp_crypto *c = &l->crypto[l->n_crypto++];
	c->tag = tag;
	c->suite = suite;
	c->key = *k; /* wiped with the SDP */
	c->lifetime = k->lifetime;
	c->mki_len = k->mki_len;
	c->mki = 0;
	for (unsigned int i = 0; i < k->mki_len; i++)
		c->mki = c->mki << 8 | k->mki[i];
}

int
mp_write_local(const struct mrfp_mp_state *st, const struct mp_term *term,
	       const struct mrfp_srtp_key *own, const struct mp_ctx *c, char *out, size_t size)
{
	struct mrfp_sdp l;
	memset(&l, 0, sizeof(l));
	l.addr = term->family == AF_INET6 ? st->cfg->media6 : st->cfg->media4;
	l.addr.port = rte_cpu_to_be_16(term->port);
	l.proto = MRFP_SDP_PROTO_RTP_SAVP;
	l.dir = MRFP_SDP_DIR_SENDRECV;
	l.ptime = term->ptime;
	l.n_fmt = 1;
	l.fmt[0] = term->fmt;
	if (term->dtmf.pt != 0)
		l.fmt[l.n_fmt++] = term->dtmf;
	/* RFC 4568 5.1.2: the answer's first crypto line carries the tag of the offer's line it
	 * took; the rest of the keys follow with the next tags */
	if (own != NULL && mp_leg_has_own(&c->params, term->mode))
		crypto_line(&l, term->tag, term->suite, own);
	if (names_group(&c->params, term->mode)) {
		crypto_line(&l, term->tag + l.n_crypto, term->suite, &c->group);
		for (unsigned int i = 0; i < c->n_group_more; i++)
			crypto_line(&l, term->tag + l.n_crypto, term->suite, &c->group_more[i]);
	}
	int n = sdp_write(&l, term->leg_id, term->added_ms, out, size);
	sdp_wipe(&l);
	return n;
}
