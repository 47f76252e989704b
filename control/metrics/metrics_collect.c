/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What /metrics says, gathered at scrape time from what the dataplane and Mp already count:
 * worker counters (relaxed snapshots), control's census of conferences and legs, Mp's own
 * figures and the IPsec guard's published status. Nothing here is counted per packet.
 */
#include <stddef.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "ipsec_guard.h"
#include "metrics_priv.h"
#include "mrfp_workers.h"

/* Per-worker counters exported one for one: family, help, field. */
static const struct {
	const char *name, *help;
	size_t off;
} worker_ctrs[] = {
#define W(n, h, f)                                                                                 \
	{                                                                                          \
		"mrfp_worker_" n, h, offsetof(struct mrfp_worker_counters, f)                      \
	}
	W("rx_packets", "Frames received on the worker's queue", rx_pkts),
	W("tx_packets", "Frames sent", tx_pkts),
	W("busy_cycles", "TSC cycles of loop iterations that received frames", busy_cycles),
	W("idle_cycles", "TSC cycles of loop iterations that received nothing", idle_cycles),
	W("handoff_tx_packets", "Frames handed to the worker that owns their port", handoff_tx),
	W("handoff_rx_packets", "Frames other workers handed to this one", handoff_rx),
	W("mix_ticks", "Conference mixing ticks run", mix_ticks),
	W("mix_tick_overruns", "Mixing ticks started more than one period late", tick_overruns),
	W("commands", "Control commands applied", commands),
	W("events_lost", "Events dropped: control's event ring was full", events_lost),
	W("mail_lost", "Neighbour news not passed on: a peer's mail ring was full", mail_lost),
	W("neighbor_requests", "ARP requests and neighbour solicitations sent", neigh_requests),
#undef W
};

/* The SRTP drop reasons, under their SRTP name. */
static const struct {
	enum mrfp_drop drop;
	const char *reason;
} srtp_failures[] = {
	{MRFP_DROP_SRTP_AUTH, "auth_fail"},	      {MRFP_DROP_SRTP_REPLAY, "replay"},
	{MRFP_DROP_SRTP_UNKNOWN_MKI, "unknown_mki"},  {MRFP_DROP_SRTP_KEY_EXPIRED, "key_expired"},
	{MRFP_DROP_SRTP_STREAMS, "too_many_streams"}, {MRFP_DROP_SRTP_OTHER, "error"},
};

static const char *const key_modes[MRFP_KEYS_COUNT] = {"bilateral", "group", "hybrid"};

static uint64_t
field(const struct mrfp_worker_counters *c, size_t off)
{
	return *(const uint64_t *)((const char *)c + off);
}

static void
workers_counters(struct mtext *t, const struct mrfp_worker_counters *c, unsigned int n)
{
	char lab[96];
	for (size_t k = 0; k < sizeof(worker_ctrs) / sizeof(worker_ctrs[0]); k++) {
		mtext_family(t, worker_ctrs[k].name, true, worker_ctrs[k].help);
		for (unsigned int w = 0; w < n; w++) {
			snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
			mtext_sample(t, lab, field(&c[w], worker_ctrs[k].off));
		}
	}
	mtext_family(t, "mrfp_worker_dropped_packets", true,
		     "Packets not delivered, by reason (includes those counted on a leg)");
	for (unsigned int w = 0; w < n; w++)
		for (unsigned int r = 1; r < MRFP_DROP_COUNT; r++) {
			snprintf(lab, sizeof(lab), "worker=\"%u\",reason=\"%s\"", w,
				 mrfp_drop_name(r));
			mtext_sample(t, lab, c[w].drops[r]);
		}
	mtext_family(t, "mrfp_worker_replies", true,
		     "ARP, ICMP and ND answers for the media address");
	for (unsigned int w = 0; w < n; w++) {
		const uint64_t v[] = {c[w].arp_replies, c[w].icmp_replies, c[w].nd_replies};
		const char *proto[] = {"arp", "icmp", "nd"};
		for (unsigned int i = 0; i < 3; i++) {
			snprintf(lab, sizeof(lab), "worker=\"%u\",proto=\"%s\"", w, proto[i]);
			mtext_sample(t, lab, v[i]);
		}
	}
}

/* Successes, per worker: every RTP packet SRTP protected (a leg's own key in the TX stage, or
 * a group key once for many listeners, which the workers count apart) and authenticated. */
static void
workers_srtp_ok(struct mtext *t, const struct mrfp_worker_counters *c, unsigned int n)
{
	char lab[96];
	mtext_family(t, "mrfp_srtp_protects", true,
		     "RTP packets SRTP-protected (group-keyed ones once for all their listeners)");
	for (unsigned int w = 0; w < n; w++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
		mtext_sample(t, lab, c[w].protects + c[w].group_protects);
	}
	mtext_family(t, "mrfp_srtp_unprotects", true,
		     "SRTP (RTP) packets authenticated and decrypted");
	for (unsigned int w = 0; w < n; w++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
		mtext_sample(t, lab, c[w].unprotects);
	}
}

static void
workers_srtp(struct mtext *t, const struct mrfp_worker_counters *c, unsigned int n)
{
	char lab[96];
	workers_srtp_ok(t, c, n);
	mtext_family(t, "mrfp_srtp_group_protects", true,
		     "Group-keyed packets protected once for many listeners");
	for (unsigned int w = 0; w < n; w++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
		mtext_sample(t, lab, c[w].group_protects);
	}
	mtext_family(t, "mrfp_srtp_unprotect_failures", true,
		     "SRTP/SRTCP packets refused by the receiving side, by reason");
	for (unsigned int w = 0; w < n; w++)
		for (size_t i = 0; i < sizeof(srtp_failures) / sizeof(srtp_failures[0]); i++) {
			snprintf(lab, sizeof(lab), "worker=\"%u\",reason=\"%s\"", w,
				 srtp_failures[i].reason);
			mtext_sample(t, lab, c[w].drops[srtp_failures[i].drop]);
		}
}

static void
workers_state(struct mtext *t, struct mrfp_dp *dp, unsigned int n)
{
	struct mrfp_worker_info wi[MRFP_MAX_WORKERS];
	char lab[96];
	for (unsigned int w = 0; w < n; w++)
		if (mrfp_dp_worker_info(dp, w, &wi[w]) < 0)
			wi[w] = (struct mrfp_worker_info){.node = -1};
	mtext_family(t, "mrfp_worker_info", false,
		     "The worker's lcore and NUMA node (-1: unknown)");
	for (unsigned int w = 0; w < n; w++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\",lcore=\"%u\",numa_node=\"%d\"", w,
			 wi[w].lcore, wi[w].node);
		mtext_sample(t, lab, 1);
	}
	const struct {
		const char *name, *help;
	} g[] = {{"mrfp_worker_conferences", "Conferences placed on the worker"},
		 {"mrfp_worker_legs", "Legs the worker serves"},
		 {"mrfp_worker_draining", "1 while placement skips the worker"}};
	for (unsigned int k = 0; k < 3; k++) {
		mtext_family(t, g[k].name, false, g[k].help);
		for (unsigned int w = 0; w < n; w++) {
			uint64_t v[] = {wi[w].conferences, wi[w].legs, wi[w].draining};
			snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
			mtext_sample(t, lab, v[k]);
		}
	}
}

static void
census(struct mtext *t, struct mrfp_dp *dp)
{
	struct mrfp_dp_census c;
	char lab[96];
	mrfp_dp_census(dp, &c);
	for (unsigned int k = 0; k < 2; k++) {
		mtext_family(t, k ? "mrfp_legs" : "mrfp_conferences", false,
			     k ? "Live legs, by their conference's media and key mode"
			       : "Live conferences, by media and key mode");
		for (unsigned int md = 0; md < MRFP_MEDIA_COUNT; md++)
			for (unsigned int km = 0; km < MRFP_KEYS_COUNT; km++) {
				snprintf(lab, sizeof(lab), "media=\"%s\",keys=\"%s\"",
					 mrfp_media_mode_name(md), key_modes[km]);
				mtext_sample(t, lab, k ? c.legs[md][km] : c.confs[md][km]);
			}
	}
	mtext_family(t, "mrfp_mix_legs", false, "Live legs of mixed conferences, by codec");
	for (unsigned int id = 0; id < MRFP_CODEC_ID_COUNT; id++) {
		snprintf(lab, sizeof(lab), "codec=\"%s\"", mrfp_codec_name(id));
		mtext_sample(t, lab, c.mix_legs[id]);
	}
}

static void
workers(struct mtext *t, struct mrfp_dp *dp)
{
	unsigned int n = mrfp_dp_worker_count(dp);
	struct mrfp_worker_counters *c = calloc(n ? n : 1, sizeof(*c));
	if (c == NULL)
		return;
	for (unsigned int w = 0; w < n; w++)
		mrfp_dp_worker_counters(dp, w, &c[w]);
	workers_counters(t, c, n);
	workers_srtp(t, c, n);
	free(c);
	workers_state(t, dp, n);
}

static void
one(struct mtext *t, const char *name, bool counter, const char *help, uint64_t v)
{
	mtext_family(t, name, counter, help);
	mtext_sample(t, "", v);
}

/* Commands by kind and result: every kind's successes, and the error codes that occurred. */
static void
mp_commands(struct mtext *t, struct mrfp_mp *mp)
{
	char labels[96];
	mtext_family(t, "mrfp_mp_commands", true,
		     "Commands from the MGC by kind and result (ok, or the H.248.8 error code)");
	for (unsigned int k = 0; k < MP_CMD_KINDS; k++) {
		const char *kind = mp_cmd_kind_name((enum mp_cmd_kind)k);
		snprintf(labels, sizeof(labels), "command=\"%s\",result=\"ok\"", kind);
		mtext_sample(t, labels, mp_command_count(mp, (enum mp_cmd_kind)k, 0));
		for (unsigned int code = MP_CODE_MIN; code < MP_CODE_MIN + MP_CODE_SLOTS - 1;
		     code++) {
			uint64_t n = mp_command_count(mp, (enum mp_cmd_kind)k, code);
			if (n == 0)
				continue;
			snprintf(labels, sizeof(labels), "command=\"%s\",result=\"%u\"", kind,
				 code);
			mtext_sample(t, labels, n);
		}
	}
}

static void
mp_figures(struct mtext *t, struct mrfp_mp *mp)
{
	mp_commands(t, mp);
	struct mp_stats s;
	mp_stats(mp, &s);
	one(t, "mrfp_mp_received_messages", true, "Mp datagrams received from the MGC", s.rx);
	one(t, "mrfp_mp_sent_messages", true, "Mp datagrams sent", s.tx);
	one(t, "mrfp_mp_transactions", true, "Transaction requests from the MGC executed",
	    s.executed);
	one(t, "mrfp_mp_transaction_errors", true, "Executed transactions answered with an error",
	    s.errors);
	one(t, "mrfp_mp_duplicate_requests", true,
	    "Requests seen before, answered again from the reply cache", s.duplicates);
	one(t, "mrfp_mp_retransmissions", true,
	    "mrfpd's own requests sent again for want of a reply", s.retransmits);
	one(t, "mrfp_mp_malformed_messages", true, "Mp datagrams that did not decode", s.malformed);
	one(t, "mrfp_mp_registered", false, "1 while the MGC has answered mrfpd's ServiceChange",
	    s.registered);
	one(t, "mrfp_mp_draining", false, "1 while out of service gracefully (no new legs)",
	    s.draining);
}

static void
mp_security(struct mtext *t)
{
	static const char *const states[] = {"off", "insecure_lab", "protected", "suspended"};
	struct mp_sec_status s;
	char lab[200], why[160];
	mp_sec_status(&s);
	mtext_family(t, "mrfp_mp_security", false, "Mp protection: 1 for the state it is in");
	for (unsigned int i = 0; i < 4; i++) {
		snprintf(lab, sizeof(lab), "state=\"%s\"", states[i]);
		mtext_sample(t, lab, s.state == i);
	}
	bool guarded = s.state == MRFP_MP_PROTECTED || s.state == MRFP_MP_SUSPENDED;
	mtext_family(t, "mrfp_ipsec_guard_reason", false, "Why the IPsec guard says what it says");
	snprintf(lab, sizeof(lab), "reason=\"%s\"",
		 mtext_escape(why, sizeof(why), guarded ? ipsec_reason_text(s.reason) : ""));
	mtext_sample(t, lab, 1);
	one(t, "mrfp_ipsec_guard_changes", true, "Mp protected <-> not protected", s.changes);
	one(t, "mrfp_ipsec_guard_refreshes", true, "SA lists charon answered", s.guard_refreshes);
	one(t, "mrfp_ipsec_guard_events", true, "IKE and CHILD SA up/down events seen",
	    s.guard_events);
	one(t, "mrfp_ipsec_guard_vici_errors", true, "VICI requests that failed",
	    s.guard_vici_errors);
	mtext_family(t, "mrfp_mp_dropped_messages", true,
		     "Mp datagrams dropped unread to keep Mp protected, by reason");
	mtext_sample(t, "reason=\"unprotected\"", s.drop_unprotected);
	mtext_sample(t, "reason=\"not_ipsec\"", s.drop_not_ipsec);
	mtext_sample(t, "reason=\"not_mgc\"", s.drop_not_mgc);
	one(t, "mrfp_mp_suppressed_messages", true, "Messages not sent while Mp was not protected",
	    s.tx_suppressed);
	one(t, "mrfp_mp_notifies_dropped", true, "Worker events not notified: Mp not protected",
	    s.notify_dropped);
}

static void
process(struct mtext *t, const struct mrfp_metrics *m)
{
	char lab[64];
	one(t, "mrfp_start_time_seconds", false, "When mrfpd started (Unix time)", m->start_s);
	one(t, "mrfp_control_loop_iterations", true, "Control loop iterations", m->loops);
	one(t, "mrfp_tsc_hertz", false, "TSC frequency: cycles per second of the cycle counters",
	    rte_get_tsc_hz());
	mtext_family(t, "mrfp_events", true, "Worker events control handled, by type");
	for (unsigned int e = 1; e < METRICS_EVENT_TYPES; e++) {
		snprintf(lab, sizeof(lab), "type=\"%s\"", mrfp_event_name(e));
		mtext_sample(t, lab, m->events[e]);
	}
}

void
metrics_collect(struct mrfp_metrics *m, struct mtext *t)
{
	process(t, m);
	workers(t, m->dp);
	census(t, m->dp);
	if (m->mp != NULL)
		mp_figures(t, m->mp);
	mp_security(t);
	mtext_end(t);
}
