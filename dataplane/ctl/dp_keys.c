/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Make-before-break key changes, control side: a leg's rx or tx session, or a conference's
 * group-key session, takes more keys told apart by their MKI, or without MKI a second key
 * (the older and the newer; the receiver picks by packet index, see mrfp_srtp.h). Keys are
 * named by mrfp_srtp_key_handle (the MKI, or a fingerprint). Control prepares each key slot
 * off the packet path and checks every step against its own view of the session's keys
 * (struct ctl_keys), so the worker never has to refuse one; the worker applies the command
 * between bursts (worker.c apply_key) and hands retired slots back on the retire ring.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "dp_priv.h"

void
dp_keys_reset(struct ctl_keys *ck, const struct mrfp_srtp_key *k)
{
	memset(ck, 0, sizeof(*ck));
	if (k == NULL)
		return;
	ck->id = dp_key_id(k);
	/* the burst engine changes keys in place, with MKI or without (libsrtp2: -ENOTSUP,
	 * the caller replaces the session) */
	ck->multi = mrfp_srtp_get_engine() == MRFP_SRTP_ENGINE_BURST;
	ck->n = 1;
	ck->mki_len = k->mki_len;
	ck->suite = k->suite;
	mrfp_srtp_key_handle(k, ck->mki[0]);
}

/* MKIs compare on their length; handles of keys without MKI on all their bytes. */
static int
find(const struct ctl_keys *ck, const uint8_t *mki)
{
	size_t n = ck->mki_len != 0 ? ck->mki_len : MRFP_SRTP_MAX_MKI_LEN;
	for (int i = 0; i < ck->n; i++)
		if (memcmp(ck->mki[i], mki, n) == 0)
			return i;
	return -1;
}

/* Where a key command goes: a leg's session (rx or tx) or a conference's group session. */
struct target {
	struct dp_leg *leg;
	struct dp_conf *conf;
	struct ctl_keys *ck;
	unsigned int worker;
	bool tx;
};

static int
leg_target(struct mrfp_dp *dp, uint32_t leg_id, bool tx, struct target *t)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	*t = (struct target){.leg = leg, .ck = &leg->ctl_keys[tx], .worker = leg->worker, .tx = tx};
	return 0;
}

static int
conf_target(struct mrfp_dp *dp, uint32_t conf_id, struct target *t)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	if (c == NULL || c->mix.group == NULL)
		return c == NULL ? -ENOENT : -ENOTSUP;
	*t = (struct target){.conf = c, .ck = &c->ctl_group, .worker = c->worker, .tx = true};
	return 0;
}

static int
post(struct mrfp_dp *dp, const struct target *t, enum dp_cmd_type type, const uint8_t *mki,
     struct mrfp_srtp_keyslot *slot)
{
	struct dp_cmd cmd = {.type = type,
			     .key = {.leg = t->leg, .conf = t->conf, .slot = slot, .tx = t->tx}};
	memcpy(cmd.key.mki, mki, sizeof(cmd.key.mki));
	return dp_post(dp, dp->w[t->worker], &cmd);
}

static int
key_add(struct mrfp_dp *dp, const struct target *t, const struct mrfp_srtp_key *key)
{
	struct ctl_keys *ck = t->ck;
	if (!ck->multi)
		return -ENOTSUP;
	if (!mrfp_srtp_key_valid(key) || key->suite != ck->suite || key->mki_len != ck->mki_len)
		return -EINVAL;
	uint8_t h[MRFP_SRTP_MAX_MKI_LEN];
	mrfp_srtp_key_handle(key, h);
	if (find(ck, h) >= 0)
		return -EEXIST;
	if (ck->n == (ck->mki_len != 0 ? MRFP_SRTP_MAX_KEYS : 2))
		return -ENOSPC; /* without MKI: the current key and the next one */
	struct mrfp_srtp_keyslot *slot =
		mrfp_srtp_keyslot_create(key, t->tx ? MRFP_SRTP_OUTBOUND : MRFP_SRTP_INBOUND);
	if (slot == NULL)
		return -ENOMEM;
	int rc = post(dp, t, CMD_KEY_ADD, h, slot);
	if (rc < 0) {
		mrfp_srtp_keyslot_free(slot);
		return rc;
	}
	pthread_mutex_lock(&dp->lock); /* telemetry reads the key list */
	memcpy(ck->mki[ck->n++], h, sizeof(ck->mki[0]));
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

static int
key_use(struct mrfp_dp *dp, const struct target *t, const uint8_t *mki)
{
	struct ctl_keys *ck = t->ck;
	int i = ck->multi ? find(ck, mki) : -1;
	if (i < 0)
		return ck->multi ? -ENOENT : -ENOTSUP;
	int rc = post(dp, t, CMD_KEY_USE, mki, NULL);
	pthread_mutex_lock(&dp->lock);
	if (rc == 0)
		ck->active = (uint8_t)i;
	pthread_mutex_unlock(&dp->lock);
	return rc;
}

static int
key_remove(struct mrfp_dp *dp, const struct target *t, const uint8_t *mki)
{
	struct ctl_keys *ck = t->ck;
	int i = ck->multi ? find(ck, mki) : -1;
	if (i < 0)
		return ck->multi ? -ENOENT : -ENOTSUP;
	if (ck->n == 1 || (t->tx && i == ck->active))
		return -EBUSY; /* the key in use (or the only one) stays */
	int rc = post(dp, t, CMD_KEY_REMOVE, mki, NULL);
	if (rc < 0)
		return rc;
	/* keep the list dense; the active index follows its key */
	pthread_mutex_lock(&dp->lock);
	uint8_t active_mki[MRFP_SRTP_MAX_MKI_LEN];
	memcpy(active_mki, ck->mki[ck->active], sizeof(active_mki));
	memmove(ck->mki[i], ck->mki[i + 1], (size_t)(ck->n - i - 1) * sizeof(ck->mki[0]));
	ck->n--;
	int a = find(ck, active_mki);
	ck->active = (uint8_t)(a < 0 ? 0 : a);
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

static int
key_list(struct mrfp_dp *dp, const struct target *t,
	 uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], uint8_t *mki_len)
{
	const struct ctl_keys *ck = t->ck;
	unsigned int n = 0;
	pthread_mutex_lock(&dp->lock);
	if (ck->multi) {
		/* the key in use first (rx: the one the participant is said to send with) */
		memcpy(mki[n++], ck->mki[ck->active], sizeof(mki[0]));
		for (unsigned int i = 0; i < ck->n; i++)
			if (i != ck->active)
				memcpy(mki[n++], ck->mki[i], sizeof(mki[0]));
		*mki_len = ck->mki_len;
	}
	bool multi = ck->multi;
	pthread_mutex_unlock(&dp->lock);
	return multi ? (int)n : -ENOTSUP;
}

/* ---- legs ---------------------------------------------------------------------------------- */

int
mrfp_dp_leg_key_add(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
		    const struct mrfp_srtp_key *key)
{
	struct target t;
	int rc = leg_target(dp, leg_id, dir == MRFP_SRTP_OUTBOUND, &t);
	return rc < 0 ? rc : key_add(dp, &t, key);
}

int
mrfp_dp_leg_key_use(struct mrfp_dp *dp, uint32_t leg_id, const uint8_t *mki)
{
	struct target t;
	int rc = leg_target(dp, leg_id, true, &t);
	return rc < 0 ? rc : key_use(dp, &t, mki);
}

int
mrfp_dp_leg_rx_key_use(struct mrfp_dp *dp, uint32_t leg_id, const uint8_t *handle)
{
	struct target t;
	int rc = leg_target(dp, leg_id, false, &t);
	return rc < 0 ? rc : key_use(dp, &t, handle);
}

int
mrfp_dp_leg_key_remove(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
		       const uint8_t *mki)
{
	struct target t;
	int rc = leg_target(dp, leg_id, dir == MRFP_SRTP_OUTBOUND, &t);
	return rc < 0 ? rc : key_remove(dp, &t, mki);
}

int
mrfp_dp_leg_key_list(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
		     uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], uint8_t *mki_len)
{
	struct target t;
	int rc = leg_target(dp, leg_id, dir == MRFP_SRTP_OUTBOUND, &t);
	return rc < 0 ? rc : key_list(dp, &t, mki, mki_len);
}

/* ---- a conference's group key ------------------------------------------------------------ */

int
mrfp_dp_conf_key_add(struct mrfp_dp *dp, uint32_t conf_id, const struct mrfp_srtp_key *key)
{
	struct target t;
	int rc = conf_target(dp, conf_id, &t);
	return rc < 0 ? rc : key_add(dp, &t, key);
}

int
mrfp_dp_conf_key_use(struct mrfp_dp *dp, uint32_t conf_id, const uint8_t *mki)
{
	struct target t;
	int rc = conf_target(dp, conf_id, &t);
	return rc < 0 ? rc : key_use(dp, &t, mki);
}

int
mrfp_dp_conf_key_remove(struct mrfp_dp *dp, uint32_t conf_id, const uint8_t *mki)
{
	struct target t;
	int rc = conf_target(dp, conf_id, &t);
	return rc < 0 ? rc : key_remove(dp, &t, mki);
}

int
mrfp_dp_conf_key_list(struct mrfp_dp *dp, uint32_t conf_id,
		      uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], uint8_t *mki_len)
{
	struct target t;
	int rc = conf_target(dp, conf_id, &t);
	return rc < 0 ? rc : key_list(dp, &t, mki, mki_len);
}
