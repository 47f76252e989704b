/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key sets over Mp: a Modify's a=crypto lines of the leg's suite against the keys the
 * dataplane holds for one direction of a leg (or a conference's group key). Everything is
 * checked (apply false) before anything changes (apply true).
 *
 *  lines of the leg's suite      session holds         outcome
 *  ---------------------------   -------------------   ----------------------------------
 *  with MKIs, all one length     keys with MKIs        DONE: new MKIs installed, missing
 *                                                      ones retired, Local's first is sent
 *  the same MKIs, another first  keys with MKIs        DONE: Local's first is sent (switch)
 *  the same MKIs again           keys with MKIs        REPLACE (a leg's key), DONE (group)
 *  MKIs of mixed length, `$`     keys with MKIs        FAILED 449
 *  without MKI, 1 or 2 keys      one key, no MKI       DONE: [old] -> [old, new] ->
 *                                (burst engine)        [new, old] -> [new]; first = in use
 *  without MKI, 3 or more        one key, no MKI       FAILED 501
 *  without MKI                   keys with MKIs        REPLACE (the session is replaced)
 *  with MKIs, or `$` in Local    one key, no MKI       REPLACE
 *  none of the suite             any                   REPLACE, or FAILED 449 (MKI set)
 *
 * A retired key is removed after the new one is in use, so no packet meets a session without
 * its key (make-before-break); streams keep their SSRC, ROC and replay window.
 */
#include <string.h>

#include <rte_common.h>

#include "mp_state.h"

static enum mp_keyset_outcome
refuse(struct mrfp_mp_result *res, uint16_t code, const char *text)
{
	mp_fail(res, code, text);
	return MP_KEYSET_FAILED;
}

static bool
mki_in(uint8_t (*set)[MRFP_SRTP_MAX_MKI_LEN], int n, const uint8_t *mki, uint8_t len)
{
	for (int i = 0; i < n; i++)
		if (memcmp(set[i], mki, len) == 0)
			return true;
	return false;
}

/* A line of the leg's suite that is not a key of the conference's group key set stated on a
 * hybrid talker's Local. */
static bool
leg_line(const struct key_target *kt, const struct mp_term *term, const struct mrfp_sdp_crypto *c)
{
	return c->suite == term->suite &&
	       !(kt->skip_group != NULL && !c->key_choose && mp_group_has(kt->skip_group, &c->key));
}

static int
kt_list(const struct key_target *t, uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN],
	uint8_t *ml)
{
	return t->group ? mrfp_dp_conf_key_list(t->dp, t->conf_id, mki, ml)
			: mrfp_dp_leg_key_list(t->dp, t->leg_id, t->dir, mki, ml);
}

static int
kt_add(const struct key_target *t, const struct mrfp_srtp_key *k)
{
	return t->group ? mrfp_dp_conf_key_add(t->dp, t->conf_id, k)
			: mrfp_dp_leg_key_add(t->dp, t->leg_id, t->dir, k);
}

static int
kt_use(const struct key_target *t, const uint8_t *mki)
{
	return t->group ? mrfp_dp_conf_key_use(t->dp, t->conf_id, mki)
			: mrfp_dp_leg_key_use(t->dp, t->leg_id, mki);
}

static int
kt_remove(const struct key_target *t, const uint8_t *mki)
{
	return t->group ? mrfp_dp_conf_key_remove(t->dp, t->conf_id, mki)
			: mrfp_dp_leg_key_remove(t->dp, t->leg_id, t->dir, mki);
}

static int
kt_use_rx(const struct key_target *t, const uint8_t *handle)
{
	return mrfp_dp_leg_rx_key_use(t->dp, t->leg_id, handle);
}

/*
 * The same without MKI (the leg's keys have no MKI, burst engine): the lines of the
 * leg's suite are one or two keys, named by their fingerprint (mrfp_srtp_key_handle). The
 * first is the key in use: in Local the one mrfpd sends with, in Remote the one the
 * participant sends with now; a second one is also accepted (the next key, announced, or the
 * previous one, draining); a key no longer listed is retired. So [old] -> [old, new] -> [new,
 * old] -> [new] changes a key without loss, and [old] -> [new] at once; the SSRC, ROC and
 * replay window stay. A receiver picks the key of each packet by its index (mrfp_srtp.h):
 * AES-CM suites learn where the participant switched from its packets, AEAD suites switch
 * when Remote names the new key first. More than two keys: 501; keys with MKI, or of another
 * suite, or `$` first in Local: the session is replaced (REPLACE).
 */
static int
nomki_want(const struct key_target *kt, const struct mp_term *term, const struct mrfp_sdp *sdp,
	   uint8_t want[2][MRFP_SRTP_MAX_MKI_LEN], const struct mrfp_srtp_key *keys[2],
	   struct mrfp_mp_result *res)
{
	int nw = 0;
	for (unsigned int i = 0; i < sdp->n_crypto; i++) {
		const struct mrfp_sdp_crypto *c = &sdp->crypto[i];
		if (!leg_line(kt, term, c) || c->key_choose)
			continue; /* not a key of this leg (hybrid: the common stream's) */
		if (nw == 2)
			return mp_fail(res, 501,
				       "without MKI a leg holds two keys: the current, the next");
		mrfp_srtp_key_handle(&c->key, want[nw]);
		if (nw == 1 && memcmp(want[0], want[1], sizeof(want[0])) == 0)
			return mp_fail(res, 449, "the same key twice");
		keys[nw++] = &c->key;
	}
	return nw; /* 0: none of the leg's suite (another suite: the session is replaced) */
}

static enum mp_keyset_outcome
sync_keys_nomki(const struct key_target *kt, const struct mp_term *term, const struct mrfp_sdp *sdp,
		uint8_t have[][MRFP_SRTP_MAX_MKI_LEN], int nh, bool apply,
		struct mrfp_mp_result *res)
{
	uint8_t want[2][MRFP_SRTP_MAX_MKI_LEN];
	const struct mrfp_srtp_key *keys[2];
	const size_t hl = MRFP_SRTP_MAX_MKI_LEN;
	for (unsigned int i = 0; i < sdp->n_crypto; i++)
		if (sdp->crypto[i].suite == term->suite && sdp->crypto[i].key.mki_len > 0)
			return MP_KEYSET_REPLACE; /* keys with MKI: the session is replaced */
	if (sdp->n_crypto > 0 && sdp->crypto[0].key_choose && kt->dir == MRFP_SRTP_OUTBOUND)
		return MP_KEYSET_REPLACE; /* `$`: mrfpd makes a key and replaces the session */
	int nw = nomki_want(kt, term, sdp, want, keys, res);
	if (nw <= 0) /* none of the leg's suite: another suite replaces the session */
		return nw < 0 ? MP_KEYSET_FAILED : MP_KEYSET_REPLACE;
	/* have[0] is the key in use; the other leaves first to make room for a new one */
	int keep = 1, fresh = 0;
	for (int i = 1; i < nh; i++)
		keep += mki_in(want, nw, have[i], hl);
	for (int i = 0; i < nw; i++)
		fresh += !mki_in(have, nh, want[i], hl);
	if (keep + fresh > 2)
		return refuse(res, 501, "without MKI a leg holds two keys: retire one first");
	if (!apply || (fresh == 0 && nw == nh && memcmp(have[0], want[0], hl) == 0))
		return MP_KEYSET_DONE; /* the same keys in the same order: nothing changes */
	for (int i = 1; i < nh; i++)
		if (!mki_in(want, nw, have[i], hl))
			kt_remove(kt, have[i]);
	for (int i = 0; i < nw; i++)
		if (!mki_in(have, nh, want[i], hl) && kt_add(kt, keys[i]) < 0)
			return refuse(res, 510, "cannot install the key");
	if (memcmp(have[0], want[0], hl) != 0 &&
	    (kt->dir == MRFP_SRTP_OUTBOUND ? kt_use(kt, want[0]) : kt_use_rx(kt, want[0])) < 0)
		return refuse(res, 510, "cannot switch to the key");
	if (!mki_in(want, nw, have[0], hl))
		kt_remove(kt, have[0]);
	return MP_KEYSET_DONE;
}

/*
 * Keys with MKI (burst engine): the a=crypto lines of the leg's suite in a Modify's Remote (Local)
 * are the whole set of keys mrfpd accepts from (may send to) the participant: new MKIs are
 * installed, missing ones retired, and the first Local line is the key mrfpd sends with. Streams
 * keep SSRC, ROC and replay window. Everything is checked before anything changes. Returns DONE
 * when done this way, REPLACE when the leg holds one key (the caller replaces it), FAILED with res
 * set.
 */
enum mp_keyset_outcome
mp_keyset_sync(const struct key_target *kt, const struct mp_term *term, const struct mrfp_sdp *sdp,
	       bool apply, struct mrfp_mp_result *res)
{
	uint8_t have[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN],
		want[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN];
	const struct mrfp_srtp_key *keys[MRFP_SRTP_MAX_KEYS];
	uint8_t ml = 0;
	int nh = kt_list(kt, have, &ml), nw = 0, fresh = 0;
	if (nh < 0)
		return MP_KEYSET_REPLACE;
	if (ml == 0 && !kt->group)
		return sync_keys_nomki(kt, term, sdp, have, nh, apply, res);
	bool any_mki = false;
	for (unsigned int i = 0; i < sdp->n_crypto; i++)
		any_mki |= leg_line(kt, term, &sdp->crypto[i]) && sdp->crypto[i].key.mki_len > 0;
	if (!any_mki)
		return MP_KEYSET_REPLACE; /* keys without MKI: the leg's key is replaced */
	for (unsigned int i = 0; i < sdp->n_crypto; i++) {
		const struct mrfp_sdp_crypto *c = &sdp->crypto[i];
		if (!leg_line(kt, term, c))
			continue;
		if (c->key_choose || c->key.mki_len != ml)
			return refuse(res, 449,
				      "every key of the leg needs an MKI of the same length");
		if (nw == MRFP_SRTP_MAX_KEYS || mki_in(want, nw, c->key.mki, ml))
			return refuse(res, 449, "too many keys, or one MKI twice");
		memcpy(want[nw], c->key.mki, sizeof(want[0]));
		keys[nw++] = &c->key;
		fresh += !mki_in(have, nh, c->key.mki, ml);
	}
	if (nw == 0)
		return refuse(res, 449, "no a=crypto for the leg's suite");
	bool same_first = memcmp(have[0], want[0], ml) == 0;
	if (fresh == 0 && nw == nh && (same_first || kt->dir != MRFP_SRTP_OUTBOUND))
		/* the same MKIs: a leg's key is replaced (or the same again: kept); a group key
		 * set stated again is no change */
		return kt->group ? MP_KEYSET_DONE : MP_KEYSET_REPLACE;
	if (nh + fresh > MRFP_SRTP_MAX_KEYS) /* new keys go in before old ones leave */
		return refuse(res, 510, "too many keys at once: retire some first");
	if (!apply)
		return MP_KEYSET_DONE;
	for (int i = 0; i < nw; i++)
		if (!mki_in(have, nh, want[i], ml) && kt_add(kt, keys[i]) < 0)
			return refuse(res, 510, "cannot install the key");
	if (kt->dir == MRFP_SRTP_OUTBOUND && !same_first && kt_use(kt, want[0]) < 0)
		return refuse(res, 510, "cannot switch to the key");
	for (int i = 0; i < nh; i++)
		if (!mki_in(want, nw, have[i], ml))
			kt_remove(kt, have[i]);
	return MP_KEYSET_DONE;
}

/* A group key set the dataplane took: remember it for the Local of later Add replies. */
void
mp_group_set_note(struct mp_ctx *c, const struct mrfp_sdp *local, enum mrfp_srtp_suite suite)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < local->n_crypto; i++) {
		const struct mrfp_sdp_crypto *l = &local->crypto[i];
		if (l->suite != suite || l->key_choose)
			continue;
		if (n == 0)
			mrfp_srtp_key_wipe(&c->group);
		if (n == 0)
			c->group = l->key;
		else if (n - 1 < RTE_DIM(c->group_more))
			c->group_more[n - 1] = l->key;
		n++;
	}
	for (unsigned int i = n > 0 ? n - 1 : 0; i < RTE_DIM(c->group_more); i++)
		mrfp_srtp_key_wipe(&c->group_more[i]);
	c->n_group_more = (uint8_t)(n > 1 ? RTE_MIN(n - 1, RTE_DIM(c->group_more)) : 0);
}
