/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters over rte_telemetry, readable with dpdk-telemetry.py:
 *   /mrfp/workers         worker ids          /mrfp/worker,N   counters of worker N
 *   /mrfp/legs            live leg ids        /mrfp/leg,ID     counters of one leg
 *   /mrfp/drop_reasons    every drop reason name
 *   /mrfp/ipsec           Mp protection: state, reason, dropped datagrams by reason
 * Callbacks run on the telemetry thread; the dp functions they call are safe there.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "ctl.h"
#include "ipsec_guard.h"
#include "mp.h"
#include "mrfp_workers.h"

static struct mrfp_dp *tel_dp;

static void
add_drops(struct rte_tel_data *d, const uint64_t *drops)
{
	for (unsigned int i = 1; i < MRFP_DROP_COUNT; i++)
		rte_tel_data_add_dict_u64(d, mrfp_drop_name(i), drops[i]);
}

static int
parse_id(const char *params, unsigned long *id)
{
	char *end;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	*id = strtoul(params, &end, 10);
	return *end == '\0' ? 0 : -EINVAL;
}

static int
cb_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (unsigned int i = 0; i < mrfp_dp_worker_count(tel_dp); i++)
		rte_tel_data_add_array_int(d, (int)i);
	return 0;
}

static int
cb_worker(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mrfp_worker_counters c;
	unsigned long id;
	(void)cmd;
	if (parse_id(params, &id) < 0 || mrfp_dp_worker_counters(tel_dp, (unsigned int)id, &c) < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx_pkts", c.rx_pkts);
	rte_tel_data_add_dict_u64(d, "tx_pkts", c.tx_pkts);
	rte_tel_data_add_dict_u64(d, "arp_replies", c.arp_replies);
	rte_tel_data_add_dict_u64(d, "icmp_replies", c.icmp_replies);
	rte_tel_data_add_dict_u64(d, "nd_replies", c.nd_replies);
	rte_tel_data_add_dict_u64(d, "neigh_requests", c.neigh_requests);
	rte_tel_data_add_dict_u64(d, "commands", c.commands);
	rte_tel_data_add_dict_u64(d, "mix_ticks", c.mix_ticks);
	rte_tel_data_add_dict_u64(d, "tick_overruns", c.tick_overruns);
	rte_tel_data_add_dict_u64(d, "group_protects", c.group_protects);
	rte_tel_data_add_dict_u64(d, "events_lost", c.events_lost);
	rte_tel_data_add_dict_u64(d, "handoff_tx", c.handoff_tx);
	rte_tel_data_add_dict_u64(d, "handoff_rx", c.handoff_rx);
	rte_tel_data_add_dict_u64(d, "mail_lost", c.mail_lost);
	struct mrfp_worker_info wi;
	if (mrfp_dp_worker_info(tel_dp, (unsigned int)id, &wi) == 0) {
		rte_tel_data_add_dict_u64(d, "lcore", wi.lcore);
		rte_tel_data_add_dict_int(d, "numa_node", wi.node);
		rte_tel_data_add_dict_u64(d, "conferences", wi.conferences);
		rte_tel_data_add_dict_u64(d, "legs", wi.legs);
		rte_tel_data_add_dict_u64(d, "pps", wi.pps);
		rte_tel_data_add_dict_u64(d, "draining", wi.draining);
	}
	add_drops(d, c.drops);
	return 0;
}

static void
add_leg_id(uint32_t conf_id, uint32_t leg_id, const struct mrfp_leg_params *p,
	   const struct mrfp_leg_counters *c, void *arg)
{
	(void)conf_id;
	(void)p;
	(void)c;
	rte_tel_data_add_array_int(arg, (int)leg_id);
}

static int
cb_legs(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	mrfp_dp_foreach_leg(tel_dp, add_leg_id, d);
	return 0;
}

static int
cb_leg(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mrfp_leg_counters c;
	unsigned long id;
	(void)cmd;
	if (parse_id(params, &id) < 0 || mrfp_dp_leg_counters(tel_dp, (uint32_t)id, &c) < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx_pkts", c.rx_pkts);
	rte_tel_data_add_dict_u64(d, "rx_bytes", c.rx_bytes);
	rte_tel_data_add_dict_u64(d, "rtcp_rx", c.rtcp_rx);
	rte_tel_data_add_dict_u64(d, "tx_pkts", c.tx_pkts);
	rte_tel_data_add_dict_u64(d, "tx_bytes", c.tx_bytes);
	rte_tel_data_add_dict_u64(d, "relatched", c.relatched);
	rte_tel_data_add_dict_u64(d, "concealed", c.concealed);
	rte_tel_data_add_dict_u64(d, "personal", c.personal);
	/* how many keys each direction holds (make-before-break); never the keys themselves */
	uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], ml;
	int rx = mrfp_dp_leg_key_list(tel_dp, (uint32_t)id, MRFP_SRTP_INBOUND, mki, &ml);
	int tx = mrfp_dp_leg_key_list(tel_dp, (uint32_t)id, MRFP_SRTP_OUTBOUND, mki, &ml);
	rte_tel_data_add_dict_u64(d, "rx_keys", rx > 0 ? (uint64_t)rx : 1);
	rte_tel_data_add_dict_u64(d, "tx_keys", tx > 0 ? (uint64_t)tx : 1);
	add_drops(d, c.drops);
	return 0;
}

static int
cb_drop_reasons(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (unsigned int i = 1; i < MRFP_DROP_COUNT; i++)
		rte_tel_data_add_array_string(d, mrfp_drop_name(i));
	return 0;
}

/* Reads the snapshot mp.c publishes: no pointer into the control thread's objects. */
static int
cb_ipsec(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mp_sec_status s;
	(void)cmd;
	(void)params;
	mp_sec_status(&s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "state", mp_security_name(s.state));
	rte_tel_data_add_dict_string(d, "reason",
				     s.state == MRFP_MP_SUSPENDED || s.state == MRFP_MP_PROTECTED
					     ? ipsec_reason_text(s.reason)
					     : "");
#define ADD(n) rte_tel_data_add_dict_u64(d, #n, s.n);
	MRFP_MP_SEC_COUNTERS(ADD)
#undef ADD
	return 0;
}

int
telemetry_mp_init(void)
{
	return rte_telemetry_register_cmd("/mrfp/ipsec", cb_ipsec,
					  "Mp protection by IPsec: state, reason, drop counters");
}

int
telemetry_init(struct mrfp_dp *dp)
{
	tel_dp = dp;
	int rc = rte_telemetry_register_cmd("/mrfp/workers", cb_workers, "List worker ids");
	rc |= rte_telemetry_register_cmd("/mrfp/worker", cb_worker,
					 "Counters of one worker. Parameters: int worker id");
	rc |= rte_telemetry_register_cmd("/mrfp/legs", cb_legs, "List live leg ids");
	rc |= rte_telemetry_register_cmd("/mrfp/leg", cb_leg,
					 "Counters of one leg. Parameters: int leg id");
	rc |= rte_telemetry_register_cmd("/mrfp/drop_reasons", cb_drop_reasons,
					 "Names of every drop reason");
	rc |= telemetry_mp_init();
	return rc == 0 ? 0 : -EINVAL;
}
