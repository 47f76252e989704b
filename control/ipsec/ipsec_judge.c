/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guard's decision, apart from any I/O so that tests can feed it hand-built list-sa
 * messages: an IKE_SA section (VICI README "list-sa") protects Mp when it is ESTABLISHED, its
 * remote-id is the expected one, and one of its CHILD_SAs is INSTALLED, ESP, with an allowed
 * cipher (and integrity unless the cipher is AEAD) and traffic selectors that cover
 * Mp address:port (local) <-> MGC address:port (remote).
 */
#include <string.h>

#include "ipsec_guard.h"

static const char *const reason_text[] = {
#define MRFP_IPSEC_TEXT(n, s) [MRFP_IPSEC_##n] = s,
	MRFP_IPSEC_REASONS(MRFP_IPSEC_TEXT)
#undef MRFP_IPSEC_TEXT
};

const char *
ipsec_reason_text(enum mrfp_ipsec_reason r)
{
	return (unsigned)r < MRFP_IPSEC_REASON_COUNT ? reason_text[r] : "?";
}

/*
 * Names of strongSwan's encryption_algorithm_names. NULL and NULL_AES_GMAC encrypt nothing;
 * DES, 3DES, Blowfish and friends are not on the list, so they are refused too.
 */
static const struct {
	const char *name;
	bool aead;
} ciphers[] = {
	{"AES_CBC", false},   {"AES_CTR", false},  {"AES_GCM_16", true},
	{"AES_GCM_12", true}, {"AES_GCM_8", true}, {"AES_CCM_16", true},
	{"AES_CCM_12", true}, {"AES_CCM_8", true}, {"CHACHA20_POLY1305", true},
};

bool
ipsec_cipher_allowed(const struct mrfp_vici_str *encr, bool *aead)
{
	for (size_t i = 0; encr != NULL && i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (vici_str_eq(encr, ciphers[i].name)) {
			*aead = ciphers[i].aead;
			return true;
		}
	return false;
}

static bool
value_is(const struct mrfp_vici_msg *m, int sect, const char *key, const char *want)
{
	const struct mrfp_vici_str *v = vici_value(m, sect, key);
	return v != NULL && vici_str_eq(v, want);
}

/* Some item of the list key in sect covers a. */
static bool
list_covers(const struct mrfp_vici_msg *m, int sect, const char *key, const struct mrfp_addr *a)
{
	int l = vici_find(m, sect, MRFP_VICI_LIST_START, key);
	for (unsigned i = (unsigned)l + 1; l >= 0 && i < m->n; i++) {
		if (m->el[i].type != MRFP_VICI_LIST_ITEM)
			break;
		if (ipsec_ts_covers(&m->el[i].value, a, true))
			return true;
	}
	return false;
}

static enum mrfp_ipsec_reason
judge_child(const struct mrfp_vici_msg *m, int c, const struct mrfp_ipsec_want *w)
{
	bool aead = false;
	if (!value_is(m, c, "state", "INSTALLED"))
		return MRFP_IPSEC_CHILD_NOT_INSTALLED;
	if (!list_covers(m, c, "local-ts", &w->mp) || !list_covers(m, c, "remote-ts", &w->mgc))
		return MRFP_IPSEC_TS_MISMATCH;
	if (!value_is(m, c, "protocol", "ESP"))
		return MRFP_IPSEC_NOT_ESP;
	if (!ipsec_cipher_allowed(vici_value(m, c, "encr-alg"), &aead))
		return MRFP_IPSEC_WEAK_CIPHER;
	const struct mrfp_vici_str *integ = vici_value(m, c, "integ-alg");
	if (!aead && (integ == NULL || integ->len == 0 || vici_str_eq(integ, "NULL")))
		return MRFP_IPSEC_NO_INTEGRITY;
	return MRFP_IPSEC_PROTECTED;
}

static enum mrfp_ipsec_reason
better(enum mrfp_ipsec_reason a, enum mrfp_ipsec_reason b)
{
	return a > b ? a : b;
}

enum mrfp_ipsec_reason
ipsec_judge_ike(const struct mrfp_vici_msg *m, int ike, const struct mrfp_ipsec_want *w)
{
	if (!value_is(m, ike, "state", "ESTABLISHED"))
		return MRFP_IPSEC_IKE_NOT_ESTABLISHED;
	if (w->identity != NULL && w->identity[0] != '\0' &&
	    !value_is(m, ike, "remote-id", w->identity))
		return MRFP_IPSEC_WRONG_IDENTITY;
	enum mrfp_ipsec_reason best = MRFP_IPSEC_NO_CHILD_SA;
	int children = vici_find(m, ike, MRFP_VICI_SECTION_START, "child-sas");
	for (int c = children < 0 ? -1 : vici_next(m, children, -1); c >= 0;
	     c = vici_next(m, children, c))
		if (m->el[c].type == MRFP_VICI_SECTION_START)
			best = better(best, judge_child(m, c, w));
	return best;
}

enum mrfp_ipsec_reason
ipsec_judge(const struct mrfp_vici_msg *m, const struct mrfp_ipsec_want *w)
{
	enum mrfp_ipsec_reason best = MRFP_IPSEC_NO_IKE_SA;
	for (int i = vici_next(m, MRFP_VICI_ROOT, -1); i >= 0; i = vici_next(m, MRFP_VICI_ROOT, i))
		if (m->el[i].type == MRFP_VICI_SECTION_START)
			best = better(best, ipsec_judge_ike(m, i, w));
	return best;
}
