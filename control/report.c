/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>

#include "ctl.h"

static void
print_drops(FILE *out, const uint64_t *drops)
{
	for (unsigned int d = 1; d < MRFP_DROP_COUNT; d++)
		if (drops[d] != 0)
			fprintf(out, " drop.%s=%" PRIu64, mrfp_drop_name(d), drops[d]);
}

static void
print_leg(uint32_t conf_id, uint32_t leg_id, const struct mrfp_leg_params *p,
	  const struct mrfp_leg_counters *c, void *arg)
{
	FILE *out = arg;
	char remote[64];
	fprintf(out,
		"leg %" PRIu32 " conf %" PRIu32 " port %u remote %s mode %s rx=%" PRIu64
		" rx_bytes=%" PRIu64 " rtcp_rx=%" PRIu64 " tx=%" PRIu64 " tx_bytes=%" PRIu64
		" relatched=%" PRIu64 " concealed=%" PRIu64 " personal=%" PRIu64,
		leg_id, conf_id, p->local_port,
		mrfp_addr_format(&p->remote, remote, sizeof(remote)), mrfp_leg_mode_name(p->mode),
		c->rx_pkts, c->rx_bytes, c->rtcp_rx, c->tx_pkts, c->tx_bytes, c->relatched,
		c->concealed, c->personal);
	print_drops(out, c->drops);
	fputc('\n', out);
}

void
report_counters(struct mrfp_dp *dp, FILE *out)
{
	struct mrfp_worker_counters w;
	for (unsigned int i = 0; i < mrfp_dp_worker_count(dp); i++) {
		if (mrfp_dp_worker_counters(dp, i, &w) < 0)
			continue;
		fprintf(out,
			"worker %u rx=%" PRIu64 " tx=%" PRIu64 " arp_replies=%" PRIu64
			" icmp_replies=%" PRIu64 " nd_replies=%" PRIu64 " neigh_requests=%" PRIu64
			" commands=%" PRIu64 " mix_ticks=%" PRIu64 " tick_overruns=%" PRIu64
			" group_protects=%" PRIu64 " events_lost=%" PRIu64,
			i, w.rx_pkts, w.tx_pkts, w.arp_replies, w.icmp_replies, w.nd_replies,
			w.neigh_requests, w.commands, w.mix_ticks, w.tick_overruns,
			w.group_protects, w.events_lost);
		if (mrfp_dp_worker_count(dp) > 1) /* frames carried between workers */
			fprintf(out, " handoff_tx=%" PRIu64 " handoff_rx=%" PRIu64, w.handoff_tx,
				w.handoff_rx);
		print_drops(out, w.drops);
		fputc('\n', out);
	}
	mrfp_dp_foreach_leg(dp, print_leg, out);
	fflush(out);
}
