/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane lifecycle and the control side of the command/retire rings: create workers,
 * launch them, post commands, wait for them to be applied, reclaim what workers give back.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mrfp_workers.h"

#include "dp_log.h"
#include "dp_priv.h"
#include "mix_setup.h"
#include "place.h"
#include "steer.h"

#define CMD_RING_SIZE 4096
#define POST_WAIT_MS 1000
#define EVENT_RING_SIZE 1024
#define HANDOFF_RING_SIZE 4096
#define MAIL_RING_SIZE 4096

static unsigned int
port_range(const struct mrfp_config *cfg)
{
	return (unsigned int)cfg->port_max - cfg->port_min + 1;
}

void
dp_free_leg(struct dp_leg *leg)
{
	mrfp_srtp_session_free(leg->rx);
	mrfp_srtp_session_free(leg->tx);
	rte_free(leg->mix.jb);
	mix_dec_free(leg->mix.dec);
	mix_enc_free(leg->mix.enc);
	mix_enc_free(leg->mix.cohort_new); /* never reached a worker */
	rte_free(leg);
}

void
dp_free_mix_kit(struct mix_kit *kit)
{
	if (kit == NULL)
		return;
	rte_free(kit->jb);
	mix_dec_free(kit->dec);
	mix_enc_free(kit->enc);
	rte_free(kit);
}

void
dp_free_rate_swap(struct mix_rate_swap *sw)
{
	if (sw == NULL)
		return;
	for (unsigned int i = 0; i < sw->n; i++)
		mrfp_resampler_fini(&sw->rs[i].fresh);
	rte_free(sw);
}

void
dp_free_conf(struct dp_conf *conf)
{
	if (conf == NULL)
		return;
	mrfp_srtp_session_free(conf->mix.group);
	rte_free(conf->mix.spk);
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		mix_enc_free(conf->mix.ctl_cohort[k]);
	rte_free(conf);
}

static struct rte_hash *
id_hash(const char *name, unsigned int entries)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries < 8 ? 8 : entries,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};
	return rte_hash_create(&hp);
}

static void
init_parse_ctx(struct parse_ctx *p, const struct mrfp_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->vlan = cfg->vlan;
	p->media4 = cfg->media4.family == AF_INET ? cfg->media4.v4 : 0;
	if (cfg->media6.family == AF_INET6) {
		memcpy(p->media6, cfg->media6.v6, 16);
		p->has_media6 = 1;
	}
}

static struct dp_worker *
worker_create(struct mrfp_dp *dp, unsigned int idx, unsigned int lcore)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	char name[RTE_RING_NAMESIZE];
	struct dp_worker *w =
		rte_zmalloc_socket("mrfp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return NULL;
	w->idx = idx;
	w->lcore = lcore;
	w->queue = (uint16_t)idx;
	/* libnuma's word on where the lcore's CPU sits; DPDK's if libnuma has none */
	int cpu = rte_lcore_to_cpu_id((int)lcore);
	w->node = cpu >= 0 ? place_node_of_cpu((unsigned int)cpu) : -1;
	if (w->node < 0)
		w->node = socket;
	w->cfg = &dp->cfg;
	w->owner = dp->owner;
	w->stop = &dp->stop;
	init_parse_ctx(&w->pctx, &dp->cfg);
	TAILQ_INIT(&w->legs);
	TAILQ_INIT(&w->mix_confs);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	w->tsc_base = rte_get_tsc_cycles();
	/* NTP counts from 1900 (RFC 5905); 32.32 fixed point. */
	w->ntp_base = ((uint64_t)ts.tv_sec + 2208988800u) << 32 |
		      (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
	w->by_port = rte_zmalloc_socket("mrfp_by_port", port_range(&dp->cfg) * sizeof(void *),
					RTE_CACHE_LINE_SIZE, socket);
	snprintf(name, sizeof(name), "mrfp_cmd_%u", idx);
	w->cmd = rte_ring_create_elem(name, sizeof(struct dp_cmd), CMD_RING_SIZE, socket,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	/* Room for every object the worker could give back at once: never blocks it. */
	/* per leg: itself, its two sessions and the extra keys they may hold */
	unsigned int per_leg = 3 + 2 * (MRFP_SRTP_MAX_KEYS - 1);
	unsigned int retire_size = rte_align32pow2(per_leg * dp->cfg.max_legs +
						   dp->cfg.max_conferences + CMD_RING_SIZE);
	snprintf(name, sizeof(name), "mrfp_retire_%u", idx);
	w->retire = rte_ring_create_elem(name, sizeof(struct dp_retire), retire_size, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "mrfp_events_%u", idx);
	w->events = rte_ring_create_elem(name, sizeof(struct mrfp_event), EVENT_RING_SIZE, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "mrfp_handoff_%u", idx);
	w->handoff = rte_ring_create(name, HANDOFF_RING_SIZE, socket, RING_F_SC_DEQ);
	/* room for every conference handed over at once, and neighbour news besides */
	snprintf(name, sizeof(name), "mrfp_mail_%u", idx);
	w->mail = rte_ring_create_elem(name, sizeof(struct dp_mail),
				       rte_align32pow2(dp->cfg.max_conferences + MAIL_RING_SIZE),
				       socket, RING_F_SC_DEQ);
	dp->w[idx] = w; /* registered before checks so that destroy frees a partial worker */
	if (w->by_port == NULL || w->cmd == NULL || w->retire == NULL || w->events == NULL ||
	    w->handoff == NULL || w->mail == NULL)
		return NULL;
	return w;
}

static int
workers_create(struct mrfp_dp *dp)
{
	unsigned int lcore, want = dp->cfg.workers;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (want != 0 && dp->n_workers == want)
			break;
		if (worker_create(dp, dp->n_workers, lcore) == NULL)
			return -ENOMEM;
		dp->n_workers++;
	}
	if (dp->n_workers == 0 || (want != 0 && dp->n_workers < want)) {
		DP_LOG(ERR, "%u worker lcores requested, %u available: give EAL more lcores (-l)",
		       want ? want : 1, dp->n_workers);
		return -ENODEV;
	}
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		dp->w[i]->peers = dp->w;
		dp->w[i]->n_peers = dp->n_workers;
	}
	return 0;
}

static int
tables_create(struct mrfp_dp *dp)
{
	dp->owner = rte_malloc("mrfp_owner", port_range(&dp->cfg), RTE_CACHE_LINE_SIZE);
	if (dp->owner == NULL)
		return -ENOMEM;
	memset(dp->owner, OWNER_NONE, port_range(&dp->cfg));
	dp->legs = id_hash("mrfp_legs", dp->cfg.max_legs);
	dp->confs = id_hash("mrfp_confs", dp->cfg.max_conferences);
	if (dp->legs == NULL || dp->confs == NULL)
		return -ENOMEM;
	return pthread_mutex_init(&dp->lock, NULL) == 0 ? 0 : -ENOMEM;
}

static int
post_static_neighbors(struct mrfp_dp *dp)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		for (unsigned int n = 0; n < dp->cfg.n_neigh; n++) {
			struct dp_cmd c = {.type = CMD_NEIGH_STATIC, .neigh = dp->cfg.neigh[n]};
			int rc = dp_post(dp, dp->w[i], &c);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/*
 * The SRTP engine of the sessions this dataplane creates. The burst engine needs
 * intel-ipsec-mb to initialise on this CPU; without it mrfpd still runs, on libsrtp2, and
 * says so.
 */
static void
select_engine(enum mrfp_engine_kind kind)
{
	if (kind == MRFP_ENGINE_LIBSRTP) {
		mrfp_srtp_set_engine(MRFP_SRTP_ENGINE_LIBSRTP);
		DP_LOG(INFO, "SRTP engine: libsrtp2 (configured)");
		return;
	}
	int rc = mrfp_srtp_burst_init();
	if (rc == 0 && mrfp_srtp_set_engine(MRFP_SRTP_ENGINE_BURST) == 0) {
		DP_LOG(INFO, "SRTP engine: burst (intel-ipsec-mb)");
		return;
	}
	mrfp_srtp_set_engine(MRFP_SRTP_ENGINE_LIBSRTP);
	if (kind == MRFP_ENGINE_BURST)
		DP_LOG(WARNING, "SRTP engine: burst unavailable (%s), falling back to libsrtp2",
		       strerror(-rc));
	else
		DP_LOG(INFO, "SRTP engine: libsrtp2 (burst engine unavailable: %s)", strerror(-rc));
}

/* The placement facts an operator checks first: NIC node and each worker's node. */
static void
log_placement(struct mrfp_dp *dp)
{
	int node = rte_eth_dev_socket_id(dp->port);
	dp->port_node = node < 0 ? -1 : node;
	DP_LOG(INFO,
	       "placement: %d NUMA node(s) (libnuma); media port on node %d; workers off "
	       "that node count their load x%u/%u",
	       place_numa_nodes(), dp->port_node, MRFP_PLACE_REMOTE_NUM, MRFP_PLACE_REMOTE_DEN);
	for (unsigned int i = 0; i < dp->n_workers; i++)
		DP_LOG(INFO, "placement: worker %u on lcore %u (cpu %d), node %d, queue %u", i,
		       dp->w[i]->lcore, rte_lcore_to_cpu_id((int)dp->w[i]->lcore), dp->w[i]->node,
		       dp->w[i]->queue);
}

struct mrfp_dp *
mrfp_dp_create(const struct mrfp_config *cfg)
{
	int rc = mrfp_srtp_init();
	if (rc < 0) {
		rte_errno = -rc;
		return NULL;
	}
	select_engine(cfg->srtp_engine);
	struct mrfp_dp *dp = rte_zmalloc("mrfp_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	dp->cfg = *cfg;
	rc = tables_create(dp);
	if (rc == 0)
		rc = workers_create(dp);
	if (rc == 0)
		rc = port_pools_create(dp);
	if (rc == 0)
		rc = port_start(dp);
	if (rc == 0)
		log_placement(dp);
	if (rc == 0)
		rc = post_static_neighbors(dp);
	if (rc < 0) {
		mrfp_dp_destroy(dp);
		rte_errno = -rc;
		return NULL;
	}
	return dp;
}

int
mrfp_dp_start(struct mrfp_dp *dp)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		int rc = rte_eal_remote_launch(worker_main, dp->w[i], dp->w[i]->lcore);
		if (rc < 0) {
			DP_LOG(ERR, "cannot launch worker %u on lcore %u", i, dp->w[i]->lcore);
			mrfp_dp_request_stop(dp);
			return rc;
		}
	}
	dp->started = true;
	return 0;
}

void
mrfp_dp_request_stop(struct mrfp_dp *dp)
{
	__atomic_store_n(&dp->stop, true, __ATOMIC_RELAXED);
}

bool
mrfp_dp_stopping(const struct mrfp_dp *dp)
{
	return __atomic_load_n(&dp->stop, __ATOMIC_RELAXED);
}

int
dp_post(struct mrfp_dp *dp, struct dp_worker *w, const struct dp_cmd *c)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * POST_WAIT_MS / 1000;
	while (rte_ring_enqueue_elem(w->cmd, (void *)(uintptr_t)c, sizeof(*c)) != 0) {
		if (!dp->started || rte_get_timer_cycles() > deadline)
			return -EBUSY;
		rte_delay_us_sleep(100);
	}
	w->cmd_posted++;
	return 0;
}

unsigned int
mrfp_dp_reap(struct mrfp_dp *dp)
{
	unsigned int freed = 0;
	struct dp_retire r;
	mrfp_dp_load_sample(dp);
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		while (rte_ring_dequeue_elem(dp->w[i]->retire, &r, sizeof(r)) == 0) {
			if (r.type == RETIRE_LEG)
				dp_free_leg(r.obj);
			else if (r.type == RETIRE_SESSION)
				mrfp_srtp_session_free(r.obj);
			else if (r.type == RETIRE_KEYSLOT)
				mrfp_srtp_keyslot_free(r.obj);
			else if (r.type == RETIRE_MIX_KIT)
				dp_free_mix_kit(r.obj);
			else if (r.type == RETIRE_RATE_SWAP)
				dp_free_rate_swap(r.obj);
			else
				dp_free_conf(r.obj);
			freed++;
		}
	}
	return freed;
}

int
dp_wait_applied(struct mrfp_dp *dp, unsigned int timeout_ms)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_ms / 1000;
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = dp->w[i];
		/* Pairs with the worker's release store after applying commands. */
		/* A running worker applies commands within a loop iteration (microseconds): spin
		 * briefly before sleeping, so that a transaction waits for the worker, not the
		 * scheduler. */
		uint64_t spin_until = rte_get_timer_cycles() + rte_get_timer_hz() / 5000;
		while (__atomic_load_n(&w->cmd_done, __ATOMIC_ACQUIRE) < w->cmd_posted) {
			uint64_t now = rte_get_timer_cycles();
			if (!dp->started || mrfp_dp_stopping(dp) || now > deadline)
				return -ETIMEDOUT;
			if (now < spin_until)
				rte_pause();
			else
				rte_delay_us_sleep(50);
		}
	}
	return 0;
}

int
mrfp_dp_sync(struct mrfp_dp *dp, unsigned int timeout_ms)
{
	int rc = dp_wait_applied(dp, timeout_ms);
	mrfp_dp_reap(dp);
	return rc;
}

const char *
mrfp_event_name(uint32_t type)
{
	switch (type) {
	case MRFP_EVENT_SSRC_COLLISION:
		return "ssrc_collision";
	case MRFP_EVENT_INACTIVITY:
		return "inactivity";
	case MRFP_EVENT_KEY_SOFT_LIMIT:
		return "key_soft_limit";
	case MRFP_EVENT_KEY_HARD_LIMIT:
		return "key_hard_limit";
	case MRFP_EVENT_DTMF:
		return "dtmf";
	default:
		return "unknown";
	}
}

unsigned int
mrfp_dp_poll_events(struct mrfp_dp *dp, mrfp_dp_event_fn fn, void *arg)
{
	struct mrfp_event ev;
	unsigned int n = 0;
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		while (rte_ring_dequeue_elem(dp->w[i]->events, &ev, sizeof(ev)) == 0) {
			fn(&ev, arg);
			n++;
		}
	}
	return n;
}

/* Workers have stopped: commands never applied still own objects. */
static void
drain_commands(struct dp_worker *w)
{
	struct dp_cmd c;
	while (rte_ring_dequeue_elem(w->cmd, &c, sizeof(c)) == 0) {
		if (c.type == CMD_LEG_MODIFY) {
			mrfp_srtp_session_free(c.modify.rx);
			mrfp_srtp_session_free(c.modify.tx);
		} else if (c.type == CMD_KEY_ADD) {
			mrfp_srtp_keyslot_free(c.key.slot);
		} else if (c.type == CMD_LEG_REMOVE) {
			dp_free_leg(c.leg);
		} else if (c.type == CMD_CONF_REMOVE) {
			dp_free_conf(c.conf);
		}
	}
}

/* Frames handed over but never taken: back to their pools. */
static void
drain_handoff(struct dp_worker *w)
{
	struct rte_mbuf *m;
	if (w->handoff == NULL)
		return;
	while (rte_ring_dequeue(w->handoff, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->handoff);
}

static void
free_registry(struct mrfp_dp *dp, struct rte_hash *h, bool legs)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	while (rte_hash_iterate(h, &key, &data, &next) >= 0) {
		if (legs) {
			steer_leg_forget(dp, data); /* the port is still up: rules go first */
			dp_free_leg(data);
		} else {
			dp_free_conf(data);
		}
	}
	rte_hash_free(h);
}

void
mrfp_dp_destroy(struct mrfp_dp *dp)
{
	if (dp == NULL)
		return;
	mrfp_dp_request_stop(dp);
	if (dp->started)
		rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < dp->n_workers + 1 && i < MRFP_MAX_WORKERS; i++) {
		struct dp_worker *w = dp->w[i];
		if (w == NULL)
			continue;
		if (w->cmd != NULL)
			drain_commands(w);
	}
	mrfp_dp_reap(dp);
	if (dp->legs != NULL)
		free_registry(dp, dp->legs, true);
	if (dp->confs != NULL)
		free_registry(dp, dp->confs, false);
	port_stop(dp);
	for (unsigned int i = 0; i < MRFP_MAX_WORKERS; i++) {
		struct dp_worker *w = dp->w[i];
		if (w == NULL)
			continue;
		rte_ring_free(w->cmd);
		rte_ring_free(w->retire);
		rte_ring_free(w->events);
		drain_handoff(w);
		rte_ring_free(w->mail);
		rte_free(w->by_port);
		rte_free(w);
	}
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		rte_mempool_free(dp->pools[s]);
	rte_free(dp->owner);
	rte_free(dp);
}
