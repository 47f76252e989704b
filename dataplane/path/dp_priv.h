/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private objects of the dataplane. Every field says who writes it:
 *   control: wo  - written by the control thread only (before publication, or control-side state)
 *   worker: rw   - owned by the worker the object is posted to; control never touches it
 * Objects move between the two only through the command and retire rings.
 */
#ifndef MRFP_DP_PRIV_H
#define MRFP_DP_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "mrfp_dp.h"
#include "codec_inst.h"
#include "parse.h"
#include "payload_dtmf.h"
#include "rtcp.h"

struct mrfp_codec;
struct mix_dec;
struct mix_enc;
struct mrfp_jbuf;

#define DP_BURST 32
#define DP_TXBUF 128
#define DP_NEIGH_MAX 4096			      /* power of two */
#define DP_TXHDR_MAX (RTE_ETHER_HDR_LEN + 4 + 40 + 8) /* Ether + VLAN + IPv6 + UDP */

/* Prebuilt Ether/[VLAN]/IP/UDP header toward one remote; lengths and checksums per packet.
 * What describes the bytes comes first: an untagged IPv4 header and its description fit in
 * one cache line (dp_leg aligns it). */
struct txhdr {
	uint8_t len;
	uint8_t l3_off;
	uint8_t family;
	uint32_t ip4_sum; /* IPv4: ones-complement sum of the header without its length */
	uint8_t bytes[DP_TXHDR_MAX];
};

enum neigh_state { NEIGH_FREE = 0, NEIGH_PENDING, NEIGH_REACHABLE, NEIGH_STATIC };

struct neigh_entry {
	struct mrfp_addr ip; /* port 0 */
	struct rte_ether_addr mac;
	uint8_t state;
	uint64_t last_request_tsc;
};

/* Output stream state of a leg as a source: mrfpd rewrites what it forwards so that each
 * receiver sees one continuous stream per source (RFC 3550 translator), whatever the
 * participant does with its own SSRC/sequence/timestamp. */
struct src_state {
	bool active;
	uint64_t packets, octets; /* forwarded (switch): the output stream's SR counts */
	uint32_t in_ssrc;	  /* participant's current SSRC (network order) */
	uint16_t seq_delta;	  /* out = in + delta (mod 2^16) */
	uint32_t ts_delta;
	uint16_t last_out_seq; /* host order */
	uint32_t last_out_ts;
	uint64_t last_tsc;
};

/* One RTP stream that mrfpd originates (mix outputs). Owned by the conference's worker. */
struct out_stream {
	uint32_t ssrc; /* network order, unique in the conference */
	uint16_t seq;  /* next sequence number, host order */
	uint32_t ts;   /* timestamp of the next frame, host order */
	bool started;  /* first packet sent (marker bit) */
	bool rolled;   /* seq wrapped: its ROC is no longer 0 */
	uint64_t packets, octets;
};

/* Cohorts of a conference (mix_codec.h): 0 PCMU, 1 PCMA, the others as legs bring formats;
 * one common stream each. */
#define MIX_CODECS 8
#define MIX_MAX_SAMPLES 1440 /* 48 kHz x 30 ms: wideband fits without reshaping */
#define MIX_MAX_PAYLOAD 1440

/* What a leg decodes and encodes with: handed over whole when its codec changes. */
struct mix_kit {
	struct mrfp_jbuf *jb;
	struct mix_dec *dec;
	struct mix_enc *enc;
};

/* A leg's side of mixing: its jitter buffer and this tick's frame. Worker-owned. */
struct leg_mix {
	struct mrfp_jbuf *jb; /* control: allocates; worker: rw */
	struct mix_dec *dec;  /* its payloads into jb, at the codec's rate */
	struct mix_enc *enc;  /* its personal N-1, in its own format */
	/* a cohort this leg is the first of: the worker publishes it on adding the leg */
	struct mix_enc *cohort_new;
	uint8_t codec;		  /* its cohort: slot in the conference's cohort table */
	struct mrfp_dtmf_rx dtmf; /* its telephone-event stream */
	bool has_frame;
	bool personal; /* got its personal stream on the last tick */
	int16_t frame[MIX_MAX_SAMPLES];
};

/* RTCP state of a leg. Worker-owned. */
struct leg_rtcp {
	struct mrfp_rtcp_rx_stats rx; /* the participant's stream (RFC 3550 A.1/A.3/A.8) */
	bool rx_started;
	uint64_t last_rx_tsc; /* last authenticated RTP: inactivity watch */
	bool inactive_told;   /* the inactivity event went out for this silence */
	uint32_t peer_lsr;    /* middle 32 bits of the NTP time of its last SR */
	uint64_t peer_sr_ntp; /* when that SR arrived (NTP 32.32) */
	uint64_t next_tsc;    /* next report to the leg */
};

struct dp_conf;

/* Control's view of the keys in one of a leg's sessions (make-before-break requests are
 * checked against it, so the worker never has to refuse one). */
struct ctl_keys {
	uint64_t id; /* key_id of the key the session was made with (0: none) */
	bool multi;  /* a burst-engine session with MKI: it can hold more keys */
	uint8_t n;   /* keys installed */
	uint8_t mki_len;
	uint8_t active; /* tx: index of the key mrfpd sends with */
	enum mrfp_srtp_suite suite;
	uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN];
};

/*
 * A leg, laid out for the packet path: with thousands of legs every packet finds its legs
 * cold, so what a packet reads is packed in a few cache lines at the start and everything
 * else follows.
 *   line 0     both sides: parameters (mode, latching, remote), header ready, port, tx
 *              session (a receiver reads only this, its header and its counters)
 *   lines 1-3  as a source: rx session, conference, output SSRC, the sequence/timestamp
 *              rewrite, RTCP receive statistics, the latched address
 *   line 4     as a receiver: the output header (IPv6 or VLAN: line 5 too)
 *   then       control's fields, mix state, counters (their own line, read by telemetry)
 * rx.c prefetches these lines a burst ahead (rx_burst); the asserts below keep them.
 */
struct dp_leg {
	/* hot, line 0 */
	struct mrfp_leg_params p; /* worker: rw */
	bool hdr_ready;		  /* worker: rw; next hop resolved, hdr valid */
	bool rtcp_mux;		  /* control: wo before publication */
	uint16_t local_port;	  /* control: wo before publication; host order */
	/* mrfpd's send key toward the participant. worker: rw (control before publication) */
	struct mrfp_srtp_session *tx;
	/* hot, lines 1-3 */
	struct mrfp_srtp_session *rx; /* participant's send key; worker: rw, as tx */
	struct dp_conf *conf;	      /* worker: rw (a Move changes it) */
	/* out_ssrc: control: wo before publication; clock_rate: control before publication,
	 * then the worker (a mix leg's codec change sets it) */
	uint32_t out_ssrc;	     /* network order, unique in the conference */
	uint32_t clock_rate;	     /* RTP clock, for timestamp continuity */
	struct src_state src;	     /* worker: rw */
	struct leg_rtcp rtcp;	     /* worker: rw */
	struct mrfp_addr remote_rtp; /* worker: rw; effective destination (latched or configured) */
	/* hot, line 4 (worker: rw) */
	struct txhdr hdr __rte_cache_aligned;
	/* cold: key fingerprints, which streams share a key (read on a new SSRC, for every
	 * member). worker: rw (a Modify changes them) */
	uint64_t rx_key_id, tx_key_id;
	/* control: wo before publication, constant afterwards */
	uint32_t id;
	/* group/hybrid: SSRCs (unique in the conference) the group-keyed common streams and the
	 * switched stream restart under if they are too old for this leg to join (legtab.c) */
	uint32_t spare_ssrc[MIX_CODECS + 1];
	unsigned int worker;
	/* control: rw (control-side mirror for reporting) */
	struct mrfp_leg_params ctl_params;
	struct ctl_keys ctl_keys[2]; /* [0] rx, [1] tx: what control installed, to validate */
	struct dp_conf *ctl_conf;    /* the conference as control sees it */
	void *ctl_steer;	     /* steer.c: exact flow rules after a move to another worker */
	/* worker: rw */
	struct mrfp_addr remote_rtcp;
	struct mrfp_addr nexthop;
	uint16_t conf_slot;
	TAILQ_ENTRY(dp_leg) wlink;
	uint32_t collided_ssrc; /* last inbound SSRC refused as a collision (event once) */
	uint8_t key_told;	/* key-limit events sent: KEY_TOLD_* bits, reset with a new key */
	bool collided;
	const struct mrfp_codec *codec; /* switch/speaker: to measure the level */
	uint32_t level;			/* switch/speaker: smoothed loudness of its input */
	struct out_stream out;		/* mix: what mrfpd sends to this leg under its own key */
	struct leg_mix mix;
	/* worker: wo, anyone: ro */
	struct mrfp_leg_counters ctr __rte_cache_aligned;
};

/* The packet path counts on this layout (rx.c prefetches by it). A failure here means a
 * field before it grew (struct mrfp_leg_params, say): move fields between the lines above. */
_Static_assert(offsetof(struct dp_leg, rx) == RTE_CACHE_LINE_SIZE, "dp_leg: line 0 overflows");
_Static_assert(offsetof(struct dp_leg, remote_rtp) + sizeof(struct mrfp_addr) <=
		       4 * RTE_CACHE_LINE_SIZE,
	       "dp_leg: lines 1-3 overflow");

struct mrfp_speaker;

/* Mixing state of a conference: its tick, accumulators and common streams. */
struct conf_mix {
	/* control: wo before publication */
	uint32_t rate;		 /* the mix's PCM rate (worker: CMD_CONF_RATE raises it) */
	uint32_t ctl_rate;	 /* control's view of it: what new codecs are made for */
	bool rate_rises;	 /* the rate follows the legs' codecs */
	uint8_t opus_complexity; /* of its Opus encoders */
	unsigned int ptime;	 /* ms */
	unsigned int samples;	 /* per frame, at rate */
	uint64_t tick_tsc;
	uint8_t k;
	uint16_t hang_ticks;
	bool dynamic_roles;
	struct mrfp_srtp_session *group; /* common (and group personal) streams' key */
	uint64_t group_key_id;
	struct mrfp_speaker *spk; /* max_legs entries, by conference slot */
	/* control: rw; what it published or is publishing (freed with the conference) */
	struct mix_enc *ctl_cohort[MIX_CODECS];
	/* worker: rw */
	struct mix_enc *cohort[MIX_CODECS]; /* NULL: slot unused */
	uint64_t next_tick;
	struct out_stream common[MIX_CODECS];
	struct rte_mbuf *common_pkt[MIX_CODECS]; /* this tick's protected common packet */
	int32_t acc[MIX_MAX_SAMPLES];
	int16_t pcm[MIX_MAX_SAMPLES];
	uint8_t payload[MIX_CODECS][MIX_MAX_PAYLOAD];
	uint16_t payload_len[MIX_CODECS];
	uint8_t encoded; /* bit per cohort: payload[] holds this tick's encode */
	TAILQ_ENTRY(dp_conf) wlink;
};

/* Switch mode with a selected source: one continuous stream to every other leg. */
struct conf_select {
	/* control: wo before publication */
	uint8_t mode; /* enum mrfp_switch_select */
	/* worker: rw */
	struct dp_leg *current; /* the source forwarded */
	uint64_t since_tsc;	/* when it was selected */
	bool mapped;		/* seq/ts deltas valid for current's input SSRC */
	uint32_t mapped_ssrc;
	uint16_t seq_delta;
	uint32_t ts_delta;
	uint64_t last_tsc;
	struct out_stream stream;
};

struct dp_conf {
	/* control: wo before publication */
	uint32_t id;
	enum mrfp_media_mode media;
	enum mrfp_key_mode keys;
	struct conf_select sel;
	uint16_t max_legs;
	unsigned int worker;
	/* control: rw */
	uint16_t ctl_legs;
	struct ctl_keys ctl_group; /* the group key session's keys (make-before-break) */
	struct conf_mix mix;	   /* media == MRFP_MEDIA_MIX */
	/* worker: rw */
	uint16_t n_legs;
	struct dp_leg *legs[]; /* max_legs slots, first n_legs used */
};

enum dp_cmd_type {
	CMD_CONF_ADD = 1,
	CMD_CONF_REMOVE,
	CMD_LEG_ADD,
	CMD_LEG_MODIFY,
	CMD_LEG_REMOVE,
	CMD_NEIGH_STATIC,
	CMD_CONF_SELECT,
	CMD_LEG_MOVE,
	CMD_KEY_ADD,	/* make-before-break: one more key in a leg's session */
	CMD_KEY_USE,	/* mrfpd sends to the leg under this key from now on */
	CMD_KEY_REMOVE, /* the key is retired */
	CMD_CONF_MOVE,	/* hand the conference and its legs to another worker */
	CMD_CONF_RATE,	/* a mix's rate rises: every resampler of it swapped at once */
};

/* H.248 Move of a leg into another conference, perhaps on another worker. */
struct dp_leg_move {
	struct dp_leg *leg;
	struct dp_conf *to;
	struct mrfp_jbuf
		*jb; /* a switch leg moving to a mix: its jitter buffer, decoder, encoder */
	struct mix_dec *dec;
	struct mix_enc *enc;
	struct mix_enc *cohort_new; /* its format's cohort, new in the conference */
	uint8_t cohort;
	uint32_t out_ssrc; /* unique in the new conference */
	uint32_t worker;   /* the new conference's worker */
};

/* Fixed-size message on a worker's command ring. */
struct dp_cmd {
	uint32_t type;
	uint32_t pad;
	union {
		struct dp_conf *conf;
		struct dp_leg *leg;
		struct {
			struct dp_conf *conf;
			struct dp_leg *leg;
		} select;
		struct dp_leg_move move;
		struct {
			struct dp_leg *leg;
			struct mrfp_srtp_session *rx, *tx; /* NULL = keep */
			uint64_t rx_key_id, tx_key_id;	   /* of the new sessions */
			struct mrfp_leg_params p;
			/* mix, a new codec: the new kit; the worker puts the old one in it and
			 * retires it. Its cohort, which it opens when cohort_new is set. */
			struct mix_kit *kit;
			struct mix_enc *cohort_new;
			uint8_t cohort;
			uint32_t clock_rate;
		} modify;
		struct {
			struct dp_leg *leg;		/* a leg's session, or (leg NULL) */
			struct dp_conf *conf;		/* the conference's group key session */
			struct mrfp_srtp_keyslot *slot; /* CMD_KEY_ADD */
			uint8_t tx;			/* the leg's tx (1) or rx (0) session */
			uint8_t mki[MRFP_SRTP_MAX_MKI_LEN];
		} key;
		struct {
			struct dp_conf *conf;
			unsigned int to;
		} conf_move;
		struct mrfp_static_neigh neigh;
		struct {
			struct dp_conf *conf;
			struct mix_rate_swap *swap; /* the worker retires it with the old ones */
		} rate;
	};
};

enum dp_retire_type {
	RETIRE_CONF = 1,
	RETIRE_LEG,
	RETIRE_SESSION,
	RETIRE_KEYSLOT,
	RETIRE_MIX_KIT,
	RETIRE_RATE_SWAP
};

/* A mix's new rate and, for each of its resamplers, the one that replaces it: the worker
 * swaps each pair (the old one then sits in fresh) and hands the whole back. */
struct mix_rate_swap {
	uint32_t rate;
	unsigned int samples; /* per tick at the new rate */
	unsigned int n;
	struct {
		struct mrfp_resampler *target;
		struct mrfp_resampler fresh;
	} rs[];
};

struct dp_retire {
	uint32_t type;
	uint32_t pad;
	void *obj;
};

/*
 * SRTP work gathered over one RX burst and handed to the engine at once, so that a burst
 * engine fills its SIMD lanes (rx.c, tx.c). Worker-private.
 */
#define KEY_TOLD_RX_SOFT 0x1
#define KEY_TOLD_RX_HARD 0x2
#define KEY_TOLD_TX_SOFT 0x4
#define KEY_TOLD_TX_HARD 0x8

struct dp_rx_stage {
	uint16_t n;
	struct rte_mbuf *m[DP_BURST];
	struct dp_leg *leg[DP_BURST];
	struct mrfp_srtp_session *s[DP_BURST];
	struct mrfp_addr src[DP_BURST];
	uint16_t wire_len[DP_BURST]; /* SRTP length, for the byte counters */
};

struct dp_tx_stage {
	uint16_t n;
	struct rte_mbuf *m[DP_BURST];
	struct dp_leg *leg[DP_BURST];
	struct mrfp_srtp_session *s[DP_BURST];
};

/* A message from one worker to another (handoff.c): a conference changing owner, or a
 * neighbour one of them learned (ARP/ND replies reach one queue, every worker needs them). */
enum dp_mail_kind { MAIL_ADOPT = 1, MAIL_NEIGH, MAIL_LEG };

struct dp_mail {
	uint32_t kind;
	uint32_t pad;
	union {
		struct dp_conf *conf;	 /* MAIL_ADOPT: with its legs, from now on the receiver's */
		struct dp_leg_move move; /* MAIL_LEG: a leg joining one of the receiver's confs */
		struct {
			struct mrfp_addr ip;
			struct rte_ether_addr mac;
		} neigh;
	};
};

struct dp_worker {
	/* control: wo before launch */
	unsigned int idx;
	unsigned int lcore;
	uint16_t port, queue;
	struct rte_mempool *pool;
	struct rte_ring *cmd;	 /* control -> worker */
	struct rte_ring *retire; /* worker -> control */
	struct rte_ring *events; /* worker -> control */
	struct parse_ctx pctx;
	const struct mrfp_config *cfg;
	struct rte_ether_addr mac;
	/* shared port -> worker table (read-mostly): written by control, and by the owner of a
	 * conference while it hands the conference to another worker (control waits then) */
	uint8_t *owner;
	struct dp_worker *const *peers; /* every worker, by index: where handoffs go */
	unsigned int n_peers;
	struct rte_ring *handoff; /* other workers -> this one: mbufs for its ports (MP/SC) */
	struct rte_ring *mail;	  /* other workers -> this one: struct dp_mail (MP/SC) */
	const volatile bool *stop;
	uint64_t cmd_posted;	/* control: rw */
	unsigned int ctl_legs;	/* control: rw, load for placement */
	uint16_t ctl_next_port; /* control: rw, where the next port search in its block starts */
	unsigned int ctl_confs; /* control: rw */
	int node;		/* control: wo before launch; NUMA node of its lcore */
	bool ctl_draining;	/* control: rw, placement skips it */
	uint64_t ctl_pps;	/* control: rw, load sample */
	uint64_t ctl_pkts, ctl_tsc;
	/* worker: rw */
	struct dp_leg **by_port; /* (port - port_min) -> leg, for RTP and RTCP ports */
	TAILQ_HEAD(, dp_leg) legs;
	TAILQ_HEAD(, dp_conf) mix_confs;
	uint64_t ntp_base, tsc_base; /* wallclock at tsc_base, for RTCP (no syscall per report) */
	uint64_t rtcp_scan_tsc;
	struct neigh_entry neigh[DP_NEIGH_MAX];
	uint16_t n_tx;
	struct rte_mbuf *tx[DP_TXBUF];
	struct dp_rx_stage rxs;
	struct dp_tx_stage txs;
	uint16_t n_ho; /* packets for other workers, sent after each burst */
	uint8_t ho_to[DP_BURST];
	struct rte_mbuf *ho[DP_BURST];
	/* worker: wo (release), control: ro (acquire) */
	uint64_t cmd_done;
	/* worker: wo, anyone: ro */
	struct mrfp_worker_counters ctr __rte_cache_aligned;
};

#define OWNER_NONE 0xff

struct mrfp_dp {
	struct mrfp_config cfg;
	unsigned int n_workers;
	struct dp_worker *w[MRFP_MAX_WORKERS];
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	uint8_t *owner;	       /* (port - port_min) -> worker; control: wo (release), workers: ro */
	struct rte_hash *legs; /* control-side registry: id -> struct dp_leg * */
	struct rte_hash *confs; /* id -> struct dp_conf * */
	pthread_mutex_t lock;	/* registry vs telemetry readers; never taken by workers */
	volatile bool stop;
	bool started;
	bool port_started;
	uint16_t port;
	struct rte_ether_addr mac;
	uint64_t load_tsc; /* control: last load sample */
	int port_node;	   /* NUMA node of the media port, -1 unknown */
	bool steered;	   /* rte_flow rules deliver each worker's port block to its queue */
	void *steer;	   /* steer.c's record of the rules it installed */
};

/* Counting helpers: single writer, relaxed; the counters are read by other threads. */
static inline void
ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

static inline void
worker_drop(struct dp_worker *w, struct rte_mbuf *m, enum mrfp_drop why)
{
	ctr_add(&w->ctr.drops[why], 1);
	rte_pktmbuf_free(m);
}

static inline void
leg_drop(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m, enum mrfp_drop why)
{
	ctr_add(&leg->ctr.drops[why], 1);
	worker_drop(w, m, why);
}

/* port.c */
int port_pools_create(struct mrfp_dp *dp);
int port_start(struct mrfp_dp *dp);
void port_stop(struct mrfp_dp *dp);

/* dp.c: control side */
int dp_post(struct mrfp_dp *dp, struct dp_worker *w, const struct dp_cmd *c);
void dp_free_leg(struct dp_leg *leg);
void dp_free_mix_kit(struct mix_kit *kit);
void dp_free_rate_swap(struct mix_rate_swap *sw);
void dp_free_conf(struct dp_conf *conf);
/* mrfp_dp_sync without the reap: 0 or -ETIMEDOUT. */
int dp_wait_applied(struct mrfp_dp *dp, unsigned int timeout_ms);

/* worker.c */
int worker_main(void *arg);
/* One loop iteration: commands, one RX burst, TX. Returns frames received. */
uint16_t worker_poll(struct dp_worker *w);
void worker_apply_commands(struct dp_worker *w);

/* txhdr.c */
void txhdr_build(struct txhdr *h, const struct rte_ether_addr *src_mac,
		 const struct rte_ether_addr *dst_mac, uint16_t vlan, const struct mrfp_addr *local,
		 const struct mrfp_addr *remote);
void txhdr_push(struct rte_mbuf *m, const struct txhdr *h);
void txhdr_push_ports(struct rte_mbuf *m, const struct txhdr *h, uint16_t sport, uint16_t dport);

/* neigh.c */
void neigh_arp_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi);
void neigh_icmp4_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi);
void neigh_icmp6_input(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_info *pi);
/* 0 with *mac filled, or -EAGAIN after (rate-limited) asking for it. */
int neigh_lookup(struct dp_worker *w, const struct mrfp_addr *ip, struct rte_ether_addr *mac);
void neigh_set_static(struct dp_worker *w, const struct mrfp_static_neigh *n);
/* What another worker learned from the wire (mail). */
void neigh_learned(struct dp_worker *w, const struct mrfp_addr *ip,
		   const struct rte_ether_addr *mac);

/* Control-side member list of a conference: after the worker's slots. */
static inline struct dp_leg *
mrfp_dp_conf_member(struct dp_conf *c, unsigned int i)
{
	return c->legs[c->max_legs + i];
}

/* Publish who owns a leg's ports (RTP and RTCP). Pairs with the acquire loads of
 * leg_lookup and handoff.c: what the owner set up before is visible to the reader. */
static inline void
mrfp_owner_set(uint8_t *owner_table, const struct mrfp_config *cfg, const struct dp_leg *leg,
	       uint8_t owner)
{
	unsigned int idx = leg->local_port - cfg->port_min;
	__atomic_store_n(&owner_table[idx], owner, __ATOMIC_RELEASE);
	if (!leg->rtcp_mux)
		__atomic_store_n(&owner_table[idx + 1], owner, __ATOMIC_RELEASE);
}

/* dp_workers.c: placement and admission */
struct dp_worker *dp_place(struct mrfp_dp *dp, int skip);
bool dp_admits(struct mrfp_dp *dp, const struct dp_worker *w, unsigned int legs);

/* dp_legs.c / dp_keys.c: control-side helpers */
void *dp_lookup(struct rte_hash *h, uint32_t id);
uint64_t dp_key_id(const struct mrfp_srtp_key *k);
void dp_keys_reset(struct ctl_keys *ck, const struct mrfp_srtp_key *k);

/* legtab.c: worker-side leg state */
void leg_attach(struct dp_worker *w, struct dp_leg *leg);
void leg_detach(struct dp_worker *w, struct dp_leg *leg);
/* A leg moving with its conference between workers: in or out of this worker's tables,
 * staying a member of its conference. */
void leg_release(struct dp_worker *w, struct dp_leg *leg);
/* The second half of a Move: the leg joins mv->to with fresh output streams. */
void leg_enter_conf(const struct dp_leg_move *mv);
void leg_adopt(struct dp_worker *w, struct dp_leg *leg);
void leg_join_conf(struct dp_leg *leg);
void leg_leave_conf(struct dp_leg *leg);
void leg_set_remote(struct dp_worker *w, struct dp_leg *leg, const struct mrfp_addr *rtp);
void leg_refresh_neigh(struct dp_worker *w, const struct mrfp_addr *ip);
struct dp_leg *leg_lookup(const struct dp_worker *w, uint16_t port, enum mrfp_drop *why);

/* handoff.c: packets and conferences between workers */
/* A frame for a port this worker does not hold: hand it to the owner, take a conference
 * that was just handed to us, or drop it (why). Returns the leg when it is ours after all. */
struct dp_leg *handoff_miss(struct dp_worker *w, struct rte_mbuf *m, uint16_t port,
			    enum mrfp_drop why);
void handoff_flush(struct dp_worker *w);
/* Frames other workers handed to this one (up to max), to be classified as if received. */
uint16_t handoff_take(struct dp_worker *w, struct rte_mbuf **in, uint16_t max);
unsigned int handoff_mail_poll(struct dp_worker *w);
/* CMD_CONF_MOVE on the current owner: let go of c and its legs, mail them to worker `to`. */
void handoff_conf(struct dp_worker *w, struct dp_conf *c, unsigned int to);
/* CMD_LEG_MOVE into a conference of another worker: let go of the leg, mail it there. */
void handoff_leg(struct dp_worker *w, const struct dp_leg_move *mv);

/* ssrc.c: the two-time-pad rule */
/* Worker: is this inbound SSRC of leg already used by another stream under its key? */
bool ssrc_collides(const struct dp_leg *leg, uint32_t ssrc);
/* Worker: note a collision (counter, one event per SSRC). */
void ssrc_collision(struct dp_worker *w, struct dp_leg *leg, uint32_t ssrc);
void ssrc_event(struct dp_worker *w, const struct mrfp_event *ev);

/* rtcp_io.c */
void rtcp_io_input(struct dp_worker *w, struct dp_leg *leg, const uint8_t *rtcp, int len);
void rtcp_io_rtp_seen(struct dp_worker *w, struct dp_leg *leg, const uint8_t *rtp);
void rtcp_io_run(struct dp_worker *w, uint64_t now);
uint64_t rtcp_io_ntp(const struct dp_worker *w, uint64_t tsc);

/* mix.c */
void mix_input(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m);
void mix_run_ticks(struct dp_worker *w, uint64_t now);
/* One tick of one conference now (benchmarks call it directly). */
void mix_tick(struct dp_worker *w, struct dp_conf *c, uint64_t now);
void mix_conf_attach(struct dp_worker *w, struct dp_conf *c);
void mix_conf_detach(struct dp_worker *w, struct dp_conf *c);

#endif
