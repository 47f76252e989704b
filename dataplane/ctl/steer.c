/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering on the media port: one rte_flow QUEUE rule per mask piece of each worker's
 * port block (steer_block.c), for IPv4 and, when configured, IPv6. All or nothing: a port
 * that refuses one rule gets none, because a half-steered range would be worse than plain
 * RSS plus handoff (some legs' packets pinned to a queue that is not their owner's).
 * Control thread only; nothing here runs on the packet path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_flow.h>

#include "dp_log.h"
#include "dp_priv.h"
#include "steer.h"

/* Aligned pieces needed for one even-started block: at most two per bit of a 16-bit range. */
#define PIECES_MAX 32

/* What steer_install leaves on dp->steer: the rules to destroy on stop. */
struct steer_rules {
	unsigned int n;
	struct rte_flow *flow[];
};

/* One rule's pattern: ETH [/ VLAN] / IPV4|IPV6 / UDP, with the storage its items point to. */
struct steer_pattern {
	struct rte_flow_item item[5];
	struct rte_flow_item_vlan vlan_spec, vlan_mask;
	struct rte_flow_item_ipv4 ip4_spec, ip4_mask;
	struct rte_flow_item_ipv6 ip6_spec, ip6_mask;
	struct rte_flow_item_udp udp_spec, udp_mask;
};

static unsigned int
families_of(const struct mrfp_config *cfg)
{
	return cfg->media6.family == AF_INET6 ? 2 : 1;
}

/* The L3 item: the media address of the family when there is one, any address otherwise. */
static void
pattern_l3(struct steer_pattern *p, struct rte_flow_item *it, const struct mrfp_config *cfg,
	   int family)
{
	if (family == AF_INET) {
		it->type = RTE_FLOW_ITEM_TYPE_IPV4;
		if (cfg->media4.family != AF_INET)
			return;
		p->ip4_spec.hdr.dst_addr = cfg->media4.v4;
		p->ip4_mask.hdr.dst_addr = UINT32_MAX;
		it->spec = &p->ip4_spec;
		it->mask = &p->ip4_mask;
		return;
	}
	it->type = RTE_FLOW_ITEM_TYPE_IPV6;
	memcpy(p->ip6_spec.hdr.dst_addr, cfg->media6.v6, 16);
	memset(p->ip6_mask.hdr.dst_addr, 0xff, 16);
	it->spec = &p->ip6_spec;
	it->mask = &p->ip6_mask;
}

static void
pattern_build(struct steer_pattern *p, const struct mrfp_config *cfg, int family,
	      const struct mrfp_port_mask *pm)
{
	struct rte_flow_item *it = p->item;
	memset(p, 0, sizeof(*p));
	(it++)->type = RTE_FLOW_ITEM_TYPE_ETH;
	if (cfg->vlan != 0) {
		/* the media network is tagged: untagged patterns would not match its frames */
		p->vlan_spec.hdr.vlan_tci = rte_cpu_to_be_16(cfg->vlan);
		p->vlan_mask.hdr.vlan_tci = rte_cpu_to_be_16(0x0fff);
		*it++ = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_VLAN,
					       .spec = &p->vlan_spec,
					       .mask = &p->vlan_mask};
	}
	pattern_l3(p, it++, cfg, family);
	p->udp_spec.hdr.dst_port = rte_cpu_to_be_16(pm->value);
	p->udp_mask.hdr.dst_port = rte_cpu_to_be_16(pm->mask);
	*it++ = (struct rte_flow_item){
		.type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &p->udp_spec, .mask = &p->udp_mask};
	it->type = RTE_FLOW_ITEM_TYPE_END;
}

/* Block rules rank below the exact rules of moved legs (lower number = tried first). */
#define PRIO_LEG 0
#define PRIO_BLOCK 1

/* Validate, then create, the rule sending one piece to one queue. NULL with *err filled. */
static struct rte_flow *
rule_create(struct mrfp_dp *dp, int family, const struct mrfp_port_mask *pm, uint16_t queue,
	    uint32_t priority, struct rte_flow_error *err)
{
	const struct rte_flow_attr attr = {.ingress = 1, .priority = priority};
	struct rte_flow_action_queue q = {.index = queue};
	const struct rte_flow_action act[] = {
		{.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &q},
		{.type = RTE_FLOW_ACTION_TYPE_END},
	};
	struct steer_pattern p;
	pattern_build(&p, &dp->cfg, family, pm);
	memset(err, 0, sizeof(*err));
	int rc = rte_flow_validate(dp->port, &attr, p.item, act, err);
	if (rc < 0) {
		rte_errno = -rc;
		return NULL;
	}
	return rte_flow_create(dp->port, &attr, p.item, act, err);
}

static void
rules_destroy(uint16_t port, struct steer_rules *r)
{
	for (unsigned int i = 0; i < r->n; i++) {
		struct rte_flow_error err;
		if (rte_flow_destroy(port, r->flow[i], &err) != 0)
			DP_LOG(WARNING, "port %u: cannot destroy steering rule %u: %s", port, i,
			       err.message != NULL ? err.message : rte_strerror(rte_errno));
	}
	r->n = 0;
}

/* Every rule of worker i's block; how many, or -errno with *err filled. */
static int
worker_rules(struct mrfp_dp *dp, unsigned int i, struct steer_rules *r, struct rte_flow_error *err)
{
	struct mrfp_port_mask pm[PIECES_MAX];
	uint16_t lo, hi;
	steer_block(&dp->cfg, dp->n_workers, i, &lo, &hi);
	unsigned int n = lo <= hi ? steer_masks(lo, hi, pm, PIECES_MAX) : 0;
	if (n > PIECES_MAX)
		return -E2BIG; /* cannot happen for an even-started block; refuse, never truncate */
	unsigned int made = 0;
	for (unsigned int f = 0; f < families_of(&dp->cfg); f++) {
		for (unsigned int k = 0; k < n; k++, made++) {
			struct rte_flow *fl = rule_create(dp, f == 0 ? AF_INET : AF_INET6, &pm[k],
							  dp->w[i]->queue, PRIO_BLOCK, err);
			if (fl == NULL)
				return rte_errno != 0 ? -rte_errno : -EIO;
			r->flow[r->n++] = fl;
		}
	}
	return (int)made;
}

static void
log_steered(const struct mrfp_dp *dp)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		uint16_t lo, hi;
		steer_block(&dp->cfg, dp->n_workers, i, &lo, &hi);
		unsigned int n = lo <= hi ? steer_masks(lo, hi, NULL, 0) : 0;
		DP_LOG(INFO, "flow steering: worker %u, ports %u-%u -> queue %u: %u rules", i, lo,
		       hi, dp->w[i]->queue, n * families_of(&dp->cfg));
	}
}

static void
log_unavailable(const struct mrfp_dp *dp, int rc, const struct rte_flow_error *err)
{
	DP_LOG(WARNING,
	       "flow steering unavailable on port %u (%s): RSS spreads packets and handoff rings "
	       "carry misdelivered ones to their owner",
	       dp->port, err->message != NULL ? err->message : rte_strerror(-rc));
}

int
steer_install(struct mrfp_dp *dp)
{
	steer_remove(dp); /* a second install replaces the first, never leaks its rules */
	if (dp->n_workers <= 1)
		return 0; /* one queue: nothing to steer */
	size_t max = (size_t)dp->n_workers * PIECES_MAX * families_of(&dp->cfg);
	struct rte_flow_error err = {0};
	struct steer_rules *r = calloc(1, sizeof(*r) + max * sizeof(r->flow[0]));
	if (r == NULL) {
		log_unavailable(dp, -ENOMEM, &err);
		return -ENOMEM;
	}
	int rc = 0;
	for (unsigned int i = 0; i < dp->n_workers && rc >= 0; i++)
		rc = worker_rules(dp, i, r, &err);
	if (rc < 0) {
		rules_destroy(dp->port, r);
		free(r);
		/* ENOSYS: the driver has no flow API at all; callers only need "not supported" */
		rc = rc == -ENOSYS ? -ENOTSUP : rc;
		log_unavailable(dp, rc, &err);
		return rc;
	}
	dp->steer = r;
	dp->steered = true;
	log_steered(dp);
	return 0;
}

void
steer_remove(struct mrfp_dp *dp)
{
	struct steer_rules *r = dp->steer;
	dp->steered = false;
	if (r == NULL)
		return;
	rules_destroy(dp->port, r);
	free(r);
	dp->steer = NULL;
}

/* Exact rules that send a moved leg's ports to its new owner's queue, above the blocks. */
struct steer_leg {
	unsigned int n;
	struct rte_flow *flow[4]; /* RTP and RTCP ports, IPv4 and IPv6 */
};

void
steer_leg_forget(struct mrfp_dp *dp, struct dp_leg *leg)
{
	struct steer_leg *sl = leg->ctl_steer;
	if (sl == NULL)
		return;
	for (unsigned int i = 0; i < sl->n; i++) {
		struct rte_flow_error err;
		(void)rte_flow_destroy(dp->port, sl->flow[i], &err);
	}
	free(sl);
	leg->ctl_steer = NULL;
}

int
steer_leg_rules(struct mrfp_dp *dp, struct dp_leg *leg, unsigned int worker)
{
	steer_leg_forget(dp, leg);
	if (!dp->steered || worker == steer_worker_of(&dp->cfg, dp->n_workers, leg->local_port))
		return 0; /* no rules, or the block's rules already say where it is */
	struct steer_leg *sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return -ENOMEM;
	leg->ctl_steer = sl;
	struct rte_flow_error err = {0};
	for (unsigned int f = 0; f < families_of(&dp->cfg); f++) {
		for (unsigned int p = 0; p < (leg->rtcp_mux ? 1u : 2u); p++) {
			struct mrfp_port_mask pm = {.value = (uint16_t)(leg->local_port + p),
						    .mask = UINT16_MAX};
			struct rte_flow *fl = rule_create(dp, f == 0 ? AF_INET : AF_INET6, &pm,
							  dp->w[worker]->queue, PRIO_LEG, &err);
			if (fl == NULL) {
				/* its frames reach the block's worker and are handed over */
				steer_leg_forget(dp, leg);
				return rte_errno != 0 ? -rte_errno : -EIO;
			}
			sl->flow[sl->n++] = fl;
		}
	}
	return 0;
}
