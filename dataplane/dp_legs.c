/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control side of conferences and legs: validate, prepare objects (SRTP sessions, output
 * SSRC, port ownership) off the fast path, and hand them to the owning worker.
 * Nothing is half-applied: every check happens before the first command is posted.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dp_log.h"
#include "dp_priv.h"

#define SYNC_MS 2000
#define DEFAULT_CLOCK_RATE 8000

/* Control-side member list of a conference lives after the worker's slots. */
static struct dp_leg **
members(struct dp_conf *c)
{
	return &c->legs[c->max_legs];
}

static struct dp_worker *
least_loaded(struct mrfp_dp *dp)
{
	struct dp_worker *best = dp->w[0];
	for (unsigned int i = 1; i < dp->n_workers; i++)
		if (dp->w[i]->ctl_legs < best->ctl_legs)
			best = dp->w[i];
	return best;
}

static void *
lookup(struct rte_hash *h, uint32_t id)
{
	void *data;
	return rte_hash_lookup_data(h, &id, &data) >= 0 ? data : NULL;
}

int
mrfp_dp_conf_add(struct mrfp_dp *dp, uint32_t conf_id, const struct mrfp_conf_params *p)
{
	if (lookup(dp->confs, conf_id) != NULL)
		return -EEXIST;
	if (p->media != MRFP_MEDIA_SWITCH)
		return -ENOTSUP;
	if ((unsigned int)p->keys >= MRFP_KEYS_COUNT)
		return -EINVAL;
	if (p->keys != MRFP_KEYS_BILATERAL)
		return -ENOTSUP;
	uint16_t max = p->max_legs ? p->max_legs : (uint16_t)dp->cfg.max_legs_per_conf;
	struct dp_worker *w = least_loaded(dp);
	struct dp_conf *c = rte_zmalloc_socket("mrfp_conf", sizeof(*c) + 2u * max * sizeof(void *),
					       RTE_CACHE_LINE_SIZE,
					       (int)rte_lcore_to_socket_id(w->lcore));
	if (c == NULL)
		return -ENOMEM;
	c->id = conf_id;
	c->media = p->media;
	c->keys = p->keys;
	c->max_legs = max;
	c->worker = w->idx;
	pthread_mutex_lock(&dp->lock);
	int rc = rte_hash_add_key_data(dp->confs, &conf_id, c);
	pthread_mutex_unlock(&dp->lock);
	if (rc < 0) {
		rte_free(c);
		return -ENOSPC;
	}
	struct dp_cmd cmd = {.type = CMD_CONF_ADD, .conf = c};
	return mrfp_dp_post(dp, w, &cmd);
}

int
mrfp_dp_conf_remove(struct mrfp_dp *dp, uint32_t conf_id)
{
	struct dp_conf *c = lookup(dp->confs, conf_id);
	if (c == NULL)
		return -ENOENT;
	while (c->ctl_legs > 0)
		mrfp_dp_leg_remove(dp, members(c)[c->ctl_legs - 1]->id, NULL);
	pthread_mutex_lock(&dp->lock);
	rte_hash_del_key(dp->confs, &conf_id);
	pthread_mutex_unlock(&dp->lock);
	struct dp_cmd cmd = {.type = CMD_CONF_REMOVE, .conf = c};
	return mrfp_dp_post(dp, dp->w[c->worker], &cmd);
}

static bool
family_served(const struct mrfp_dp *dp, uint8_t family)
{
	return (family == AF_INET && dp->cfg.media4.family == AF_INET) ||
	       (family == AF_INET6 && dp->cfg.media6.family == AF_INET6);
}

static int
check_params(const struct mrfp_dp *dp, const struct mrfp_leg_params *p)
{
	if ((unsigned int)p->mode >= MRFP_MODE_COUNT || (unsigned int)p->latch >= MRFP_LATCH_COUNT)
		return -EINVAL;
	if (p->remote.family != 0 && (!family_served(dp, p->remote.family) || p->remote.port == 0))
		return -EINVAL;
	if (p->remote.family == 0 && p->latch != MRFP_LATCH_ON)
		return -EINVAL; /* nowhere to send: only latching can learn the address */
	if (p->remote.family != 0 && !p->rtcp_mux && p->remote.port == RTE_BE16(65535))
		return -EINVAL; /* its RTCP port would be 65536 */
	return 0;
}

static int
check_port(const struct mrfp_dp *dp, const struct mrfp_leg_params *p)
{
	const struct mrfp_config *cfg = &dp->cfg;
	unsigned int last = p->local_port + (p->rtcp_mux ? 0u : 1u);
	if (p->local_port % 2 != 0)
		return -EINVAL; /* RFC 3550 11: RTP on even ports, RTCP on the next odd one */
	if (p->local_port < cfg->port_min || last > cfg->port_max)
		return -ERANGE;
	unsigned int idx = p->local_port - cfg->port_min;
	if (dp->owner[idx] != OWNER_NONE || (!p->rtcp_mux && dp->owner[idx + 1] != OWNER_NONE))
		return -EEXIST;
	return 0;
}

static int
check_key(const struct mrfp_srtp_key *k)
{
	return k != NULL && k->len == mrfp_srtp_suite_key_len(k->suite) && k->len != 0 ? 0
											 : -EINVAL;
}

/* RFC 3550 8.1: random SSRC; here also unique among the conference's output streams. */
static uint32_t
alloc_out_ssrc(struct dp_conf *c)
{
	for (;;) {
		uint32_t ssrc = (uint32_t)rte_rand();
		bool taken = ssrc == 0;
		for (unsigned int i = 0; i < c->ctl_legs && !taken; i++)
			taken = members(c)[i]->out_ssrc == ssrc;
		if (!taken)
			return ssrc;
	}
}

static void
set_owner(struct mrfp_dp *dp, const struct dp_leg *leg, uint8_t owner)
{
	unsigned int idx = leg->local_port - dp->cfg.port_min;
	/* Pairs with the acquire load in mrfp_leg_lookup. */
	__atomic_store_n(&dp->owner[idx], owner, __ATOMIC_RELEASE);
	if (!leg->rtcp_mux)
		__atomic_store_n(&dp->owner[idx + 1], owner, __ATOMIC_RELEASE);
}

static struct dp_leg *
leg_prepare(struct mrfp_dp *dp, struct dp_conf *c, uint32_t leg_id,
	    const struct mrfp_leg_params *p, const struct mrfp_srtp_key *rx_key,
	    const struct mrfp_srtp_key *tx_key)
{
	struct dp_worker *w = dp->w[c->worker];
	struct dp_leg *leg = rte_zmalloc_socket("mrfp_leg", sizeof(*leg), RTE_CACHE_LINE_SIZE,
						 (int)rte_lcore_to_socket_id(w->lcore));
	if (leg == NULL)
		return NULL;
	leg->rx = mrfp_srtp_session_create(rx_key, MRFP_SRTP_INBOUND);
	leg->tx = mrfp_srtp_session_create(tx_key, MRFP_SRTP_OUTBOUND);
	if (leg->rx == NULL || leg->tx == NULL) {
		mrfp_dp_free_leg(leg);
		return NULL;
	}
	leg->id = leg_id;
	leg->local_port = p->local_port;
	leg->rtcp_mux = p->rtcp_mux;
	leg->out_ssrc = alloc_out_ssrc(c);
	leg->clock_rate = DEFAULT_CLOCK_RATE;
	leg->conf = c;
	leg->worker = w->idx;
	leg->ctl_params = *p;
	leg->p = *p;
	return leg;
}

int
mrfp_dp_leg_add(struct mrfp_dp *dp, uint32_t conf_id, uint32_t leg_id,
		const struct mrfp_leg_params *p, const struct mrfp_srtp_key *rx_key,
		const struct mrfp_srtp_key *tx_key)
{
	struct dp_conf *c = lookup(dp->confs, conf_id);
	int rc;
	if (c == NULL)
		return -ENOENT;
	if (lookup(dp->legs, leg_id) != NULL)
		return -EEXIST;
	if ((rc = check_params(dp, p)) < 0 || (rc = check_port(dp, p)) < 0 ||
	    (rc = check_key(rx_key)) < 0 || (rc = check_key(tx_key)) < 0)
		return rc;
	if (c->ctl_legs >= c->max_legs)
		return -ENOSPC;
	struct dp_leg *leg = leg_prepare(dp, c, leg_id, p, rx_key, tx_key);
	if (leg == NULL)
		return -(rte_errno ? rte_errno : ENOMEM);
	pthread_mutex_lock(&dp->lock);
	rc = rte_hash_add_key_data(dp->legs, &leg_id, leg);
	pthread_mutex_unlock(&dp->lock);
	if (rc < 0) {
		mrfp_dp_free_leg(leg);
		return -ENOSPC;
	}
	struct dp_cmd cmd = {.type = CMD_LEG_ADD, .leg = leg};
	rc = mrfp_dp_post(dp, dp->w[c->worker], &cmd);
	if (rc < 0) {
		pthread_mutex_lock(&dp->lock);
		rte_hash_del_key(dp->legs, &leg_id);
		pthread_mutex_unlock(&dp->lock);
		mrfp_dp_free_leg(leg);
		return rc;
	}
	members(c)[c->ctl_legs++] = leg;
	dp->w[c->worker]->ctl_legs++;
	set_owner(dp, leg, (uint8_t)c->worker);
	return 0;
}

int
mrfp_dp_leg_modify(struct mrfp_dp *dp, uint32_t leg_id, const struct mrfp_leg_params *p,
		   const struct mrfp_srtp_key *rx_key, const struct mrfp_srtp_key *tx_key)
{
	struct dp_leg *leg = lookup(dp->legs, leg_id);
	int rc;
	if (leg == NULL)
		return -ENOENT;
	if (p->local_port != leg->local_port || p->rtcp_mux != leg->rtcp_mux)
		return -EINVAL;
	if ((rc = check_params(dp, p)) < 0 || (rx_key && (rc = check_key(rx_key)) < 0) ||
	    (tx_key && (rc = check_key(tx_key)) < 0))
		return rc;
	struct dp_cmd cmd = {.type = CMD_LEG_MODIFY, .modify = {.leg = leg, .p = *p}};
	if (rx_key)
		cmd.modify.rx = mrfp_srtp_session_create(rx_key, MRFP_SRTP_INBOUND);
	if (tx_key)
		cmd.modify.tx = mrfp_srtp_session_create(tx_key, MRFP_SRTP_OUTBOUND);
	if ((rx_key && !cmd.modify.rx) || (tx_key && !cmd.modify.tx))
		rc = -ENOMEM;
	else
		rc = mrfp_dp_post(dp, dp->w[leg->worker], &cmd);
	if (rc < 0) {
		mrfp_srtp_session_free(cmd.modify.rx);
		mrfp_srtp_session_free(cmd.modify.tx);
		return rc;
	}
	pthread_mutex_lock(&dp->lock);
	leg->ctl_params = *p;
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

static void
counters_snapshot(struct mrfp_leg_counters *out, const struct mrfp_leg_counters *c)
{
	const uint64_t *src = (const uint64_t *)c;
	uint64_t *dst = (uint64_t *)out;
	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

static void
member_remove(struct dp_conf *c, const struct dp_leg *leg)
{
	for (unsigned int i = 0; i < c->ctl_legs; i++) {
		if (members(c)[i] == leg) {
			members(c)[i] = members(c)[--c->ctl_legs];
			return;
		}
	}
}

int
mrfp_dp_leg_remove(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *final)
{
	struct dp_leg *leg = lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	struct dp_cmd cmd = {.type = CMD_LEG_REMOVE, .leg = leg};
	int rc = mrfp_dp_post(dp, dp->w[leg->worker], &cmd);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&dp->lock);
	rte_hash_del_key(dp->legs, &leg_id);
	pthread_mutex_unlock(&dp->lock);
	member_remove(leg->conf, leg);
	dp->w[leg->worker]->ctl_legs--;
	set_owner(dp, leg, OWNER_NONE);
	/* Wait for the worker to let go before the last read; the leg is freed by reap. */
	/* Not started yet (tests, start-up): the command waits in the ring, nothing to wait for. */
	rc = dp->started ? mrfp_dp_wait_applied(dp, SYNC_MS) : 0;
	if (final != NULL)
		counters_snapshot(final, &leg->ctr); /* the leg is freed only by the reap below */
	mrfp_dp_reap(dp);
	return rc;
}

int
mrfp_dp_leg_params(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_params *p)
{
	struct dp_leg *leg = lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	*p = leg->ctl_params;
	return 0;
}

int
mrfp_dp_leg_out_ssrc(struct mrfp_dp *dp, uint32_t leg_id, uint32_t *ssrc)
{
	struct dp_leg *leg = lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	*ssrc = leg->out_ssrc;
	return 0;
}

unsigned int
mrfp_dp_worker_count(const struct mrfp_dp *dp)
{
	return dp->n_workers;
}

int
mrfp_dp_worker_counters(struct mrfp_dp *dp, unsigned int worker, struct mrfp_worker_counters *out)
{
	if (worker >= dp->n_workers)
		return -ENOENT;
	const uint64_t *src = (const uint64_t *)&dp->w[worker]->ctr;
	uint64_t *dst = (uint64_t *)out;
	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	return 0;
}

int
mrfp_dp_leg_counters(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *out)
{
	pthread_mutex_lock(&dp->lock);
	struct dp_leg *leg = lookup(dp->legs, leg_id);
	if (leg != NULL)
		counters_snapshot(out, &leg->ctr);
	pthread_mutex_unlock(&dp->lock);
	return leg != NULL ? 0 : -ENOENT;
}

void
mrfp_dp_foreach_leg(struct mrfp_dp *dp, mrfp_dp_leg_visit_fn fn, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	struct mrfp_leg_counters c;
	pthread_mutex_lock(&dp->lock);
	while (rte_hash_iterate(dp->legs, &key, &data, &next) >= 0) {
		struct dp_leg *leg = data;
		counters_snapshot(&c, &leg->ctr);
		fn(leg->conf->id, leg->id, &leg->ctl_params, &c, arg);
	}
	pthread_mutex_unlock(&dp->lock);
}
