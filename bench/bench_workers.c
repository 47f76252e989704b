/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switch throughput with one and two workers, and the cost of a handoff between workers.
 *
 * C conferences of two legs (bilateral AES_CM_128_HMAC_SHA1_80, placed by the dataplane's
 * load rule, local ports picked by it) on a net_ring port with one queue pair per worker.
 * Every leg sends pre-protected 172-byte SRTP packets. Per repetition and scenario the RX
 * rings are filled first (untimed: a NIC does that by DMA, and the main lcore must not take
 * a CPU from the workers), then the workers are launched on their lcores with a loop of
 * worker_poll and the drain is timed; the main lcore sleeps meanwhile. Scenarios:
 *   1w      worker 0 alone, fed its own conferences' frames on its queue
 *   2w      both workers, each frame on its owner's queue (flow rules: steered)
 *   2w-q0   both workers, every frame on queue 0 (no steering): worker 0 hands half over
 *   2w-swap both workers, every frame on the other worker's queue: every frame handed over
 *   2w-1core, 2w-swap-1core  the same two, both workers polled in turn by one thread on one
 *           lcore: no idle polling, no preemption gap, no cross-core cache transfer; the
 *           difference is the software cost of a handoff alone
 * Each worker stops when its queue is empty and its own output is all sent. Per scenario:
 * wall time (first start to last stop) and the workers' CPU time (CLOCK_THREAD_CPUTIME_ID, so
 * time taken by other processes on this shared machine is not counted, but a worker polling
 * an empty ring while its peer is descheduled is), and busy time (TSC of the polls that
 * received, took a handoff or sent). The handoff cost per frame is 2w-swap minus 2w in the
 * same repetition, by busy and by CPU time, and 2w-swap-1core minus 2w-1core by CPU time.
 * Scenarios rotate within a repetition; medians over repetitions.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_udp.h>
#include <srtp2/srtp.h>

#include "dp_priv.h"
#include "mrfp_dp.h"
#include "mrfp_workers.h"
#include "bench_stats.h"

#define NW 2
#define PAYLOAD 160
#define HDRS (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
#define RUN_LIMIT_S 2
/* Frames per queue per round: below the handoff ring's 4096 (dp.c), so that a worker preempted
 * on this shared machine never makes its peer drop as handoff_full while RX is a prefilled
 * flood (a NIC would pace it). */
#define QUEUE_ROUND_MAX 4000

enum scen { S_1W, S_2W, S_Q0, S_SWAP, S_2W_1C, S_SWAP_1C, S_COUNT };
static const char *const scen_name[S_COUNT] = {"1w",	  "2w",	      "2w-q0",
					       "2w-swap", "2w-1core", "2w-swap-1core"};

struct pkt {
	uint16_t len;
	uint16_t leg;
	uint8_t frame[HDRS + 12 + PAYLOAD + 16];
};

/* One worker's run: written by its lcore, read by main after rte_eal_wait_lcore. */
struct run {
	struct dp_worker *w;
	struct rte_ring *rxq;
	uint64_t tx_base, want; /* stop when tx_pkts - tx_base reaches want and RX is empty */
	uint64_t t0, t1;	/* TSC */
	uint64_t busy;		/* TSC in polls that did something */
	uint64_t ho_polls;	/* polls that took frames from the handoff ring */
	uint64_t cpu_ns;
	bool done;
};

struct bench {
	unsigned int confs, per_leg, rounds, reps;
	bool libsrtp;
	unsigned int legs, frames, round_frames; /* frames = rounds x round_frames */
	struct rte_ring *rxq[NW], *txq[NW];
	struct rte_mempool *mp;
	struct mrfp_dp *dp;
	struct mrfp_srtp_key *rx_keys, *tx_keys;
	uint16_t *port;	  /* leg -> local port the dataplane picked */
	uint8_t *owner;	  /* leg -> worker */
	struct pkt *pkts; /* frame i: leg i % legs, its (i / legs)-th packet */
	volatile bool abort;
};

static void
random_key(struct mrfp_srtp_key *k)
{
	k->suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	k->len = (uint8_t)mrfp_srtp_suite_key_len(k->suite);
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)rte_rand();
}

static srtp_t
sender_session(const struct mrfp_srtp_key *k)
{
	srtp_policy_t pol;
	srtp_t s;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	pol.ssrc.type = ssrc_any_outbound;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok) {
		fprintf(stderr, "bench_workers: srtp_create failed\n");
		exit(1);
	}
	return s;
}

static void
setup_dataplane(struct bench *b, const char *prefix)
{
	/* main lcore 0 on CPU 0; worker 0 on CPU 1, worker 1 on CPU 0 (main sleeps while timed) */
	char pre[80];
	snprintf(pre, sizeof(pre), "%s", prefix);
	char *argv[] = {"bench",
			"--no-huge",
			"-m",
			"1024",
			"--no-pci",
			pre,
			"--lcores=0@0,1@1,2@0",
			"--log-level=mrfp.*:warning",
			NULL};
	char name[RTE_RING_NAMESIZE];
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		exit(1);
	unsigned int ring = rte_align32pow2(b->round_frames + 1);
	for (unsigned int q = 0; q < NW; q++) {
		snprintf(name, sizeof(name), "bw_rx%u", q);
		b->rxq[q] = rte_ring_create(name, ring, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "bw_tx%u", q);
		b->txq[q] = rte_ring_create(name, ring, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (b->rxq[q] == NULL || b->txq[q] == NULL)
			exit(1);
	}
	b->mp = rte_pktmbuf_pool_create("bw_pool", b->round_frames + 1024, 256, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	int port = rte_eth_from_rings("bw_port", b->rxq, NW, b->txq, NW, 0);
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 24; /* participants off-link behind one gateway (one neighbour) */
	mrfp_addr_parse("10.0.0.254", &cfg.gateway4);
	cfg.neigh[0].ip = cfg.gateway4;
	memcpy(cfg.neigh[0].mac, (uint8_t[6]){2, 0, 0, 0, 0, 0xfe}, 6);
	cfg.n_neigh = 1;
	cfg.rtcp_interval_ms = 600000;
	cfg.leg_inactivity_ms = 0;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = NW;
	cfg.max_legs = b->legs + 16;
	cfg.max_conferences = b->confs + 4;
	cfg.mbufs_per_socket = 8191;
	if (b->libsrtp)
		cfg.srtp_engine = MRFP_ENGINE_LIBSRTP;
	if (port < 0 || b->mp == NULL || (b->dp = mrfp_dp_create(&cfg)) == NULL ||
	    mrfp_dp_worker_count(b->dp) != NW) {
		fprintf(stderr, "bench_workers: dataplane set-up failed\n");
		exit(1);
	}
}

/* Workers are not running between runs: this thread applies their commands. */
static void
apply_all(struct bench *b)
{
	for (unsigned int i = 0; i < NW; i++) {
		struct dp_worker *w = b->dp->w[i];
		while (w->cmd_done < w->cmd_posted)
			worker_apply_commands(w);
	}
}

/* Legs 2k and 2k+1 form conference k + 1; the dataplane places it and picks the ports. */
static void
setup_legs(struct bench *b)
{
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	b->rx_keys = calloc(b->legs, sizeof(*b->rx_keys));
	b->tx_keys = calloc(b->legs, sizeof(*b->tx_keys));
	b->port = calloc(b->legs, sizeof(*b->port));
	b->owner = calloc(b->legs, sizeof(*b->owner));
	for (unsigned int l = 0; l < b->legs; l++) {
		struct mrfp_leg_params p = {.mode = MRFP_MODE_SENDRECV, .latch = MRFP_LATCH_OFF};
		p.remote.family = AF_INET;
		p.remote.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 1, l >> 8, l & 0xff));
		p.remote.port = rte_cpu_to_be_16(5000);
		random_key(&b->rx_keys[l]);
		random_key(&b->tx_keys[l]);
		if (l % 2 == 0 && mrfp_dp_conf_add(b->dp, l / 2 + 1, &cp) < 0)
			exit(1);
		if (mrfp_dp_leg_add(b->dp, l / 2 + 1, 100 + l, &p, &b->rx_keys[l], &b->tx_keys[l]) <
			    0 ||
		    mrfp_dp_leg_params(b->dp, 100 + l, &p) < 0)
			exit(1);
		b->port[l] = p.local_port;
		b->owner[l] = (uint8_t)mrfp_dp_conf_worker(b->dp, l / 2 + 1);
		apply_all(b);
	}
}

static void
make_packets(struct bench *b)
{
	srtp_t *send = calloc(b->legs, sizeof(*send));
	b->pkts = calloc(b->frames, sizeof(*b->pkts));
	for (unsigned int l = 0; l < b->legs; l++)
		send[l] = sender_session(&b->rx_keys[l]);
	for (unsigned int i = 0; i < b->frames; i++) {
		struct pkt *p = &b->pkts[i];
		unsigned int l = i % b->legs, k = i / b->legs;
		struct rte_ether_hdr *eth = (void *)p->frame;
		struct rte_ipv4_hdr *ip = (void *)(eth + 1);
		struct rte_udp_hdr *udp = (void *)(ip + 1);
		uint8_t *rtp = (uint8_t *)(udp + 1);
		memset(p->frame, 0, HDRS);
		memset(&eth->dst_addr, 0xff, 6);
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		rtp[0] = 0x80;
		uint16_t seq = rte_cpu_to_be_16((uint16_t)k);
		uint32_t ts = rte_cpu_to_be_32(160 * k), ssrc = rte_cpu_to_be_32(0x1000 + l);
		memcpy(rtp + 2, &seq, 2);
		memcpy(rtp + 4, &ts, 4);
		memcpy(rtp + 8, &ssrc, 4);
		memset(rtp + 12, 0x55, PAYLOAD);
		int len = 12 + PAYLOAD;
		srtp_protect(send[l], rtp, &len);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + len);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, l >> 8, l & 0xff));
		ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->src_port = rte_cpu_to_be_16(5000);
		udp->dst_port = rte_cpu_to_be_16(b->port[l]);
		udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + len);
		p->len = (uint16_t)(HDRS + len);
		p->leg = (uint16_t)l;
	}
	for (unsigned int l = 0; l < b->legs; l++)
		srtp_dealloc(send[l]);
	free(send);
}

/* Fresh SRTP sessions on every leg: the same frames again are not replays. */
static void
rekey(struct bench *b)
{
	for (unsigned int l = 0; l < b->legs; l++) {
		struct mrfp_leg_params p;
		struct mrfp_srtp_key scratch = b->rx_keys[l];
		scratch.material[0] ^= 0xff; /* a Modify with the same key keeps the session */
		if (mrfp_dp_leg_params(b->dp, 100 + l, &p) < 0 ||
		    mrfp_dp_leg_modify(b->dp, 100 + l, &p, &scratch, &scratch) < 0 ||
		    mrfp_dp_leg_modify(b->dp, 100 + l, &p, &b->rx_keys[l], &b->tx_keys[l]) < 0)
			exit(1);
		mrfp_srtp_key_wipe(&scratch);
		apply_all(b);
	}
	mrfp_dp_reap(b->dp);
}

/* The queue a frame arrives on in scenario s, or -1 if s does not feed it. */
static int
queue_of(const struct bench *b, enum scen s, unsigned int leg)
{
	unsigned int own = b->owner[leg];
	switch (s) {
	case S_1W:
		return own == 0 ? 0 : -1;
	case S_2W:
	case S_2W_1C:
		return (int)own;
	case S_Q0:
		return 0;
	default:
		return (int)(own ^ 1);
	}
}

/* Fills the RX rings with round k of scenario s; returns frames fed, sets want[] (outputs per
 * worker). Round k is frames [k, k + 1) x round_frames: every leg's packets in sequence. */
static unsigned int
fill(struct bench *b, enum scen s, unsigned int k, uint64_t want[NW])
{
	struct rte_mbuf *m;
	unsigned int n = 0;
	want[0] = want[1] = 0;
	for (unsigned int i = k * b->round_frames; i < (k + 1) * b->round_frames; i++) {
		const struct pkt *p = &b->pkts[i];
		int q = queue_of(b, s, p->leg);
		if (q < 0)
			continue;
		if ((m = rte_pktmbuf_alloc(b->mp)) == NULL)
			exit(1);
		rte_memcpy(rte_pktmbuf_append(m, p->len), p->frame, p->len);
		if (rte_ring_sp_enqueue(b->rxq[q], m) != 0)
			exit(1);
		want[b->owner[p->leg]]++;
		n++;
	}
	return n;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One poll of r's worker; true once its queue is empty and its own output all sent. */
static bool
poll_once(struct run *r)
{
	struct dp_worker *w = r->w;
	uint64_t hrx = w->ctr.handoff_rx, tx = w->ctr.tx_pkts; /* its own counters: this thread */
	uint64_t t = rte_rdtsc();
	uint16_t n = worker_poll(w);
	r->ho_polls += w->ctr.handoff_rx != hrx;
	if (n > 0 || w->ctr.handoff_rx != hrx || w->ctr.tx_pkts != tx) {
		r->busy += rte_rdtsc() - t;
		return false;
	}
	return rte_ring_count(r->rxq) == 0 && w->ctr.tx_pkts - r->tx_base >= r->want;
}

/* Polls one or (1core scenarios) several workers on this lcore until each is done. */
static int
run_workers(void *arg)
{
	struct run *runs = arg; /* terminated by .w == NULL */
	uint64_t limit = rte_get_tsc_hz() * RUN_LIMIT_S, t0 = rte_rdtsc();
	uint64_t c0 = thread_cpu_ns();
	unsigned int left = 0;
	for (struct run *r = runs; r->w != NULL; r++, left++)
		r->t0 = t0;
	while (left > 0) {
		for (struct run *r = runs; r->w != NULL; r++) {
			if (r->done)
				continue;
			/* a drop on the way would keep the output short: the limit ends it */
			if (poll_once(r) || rte_rdtsc() - t0 > limit) {
				r->done = true;
				r->t1 = rte_rdtsc();
				left--;
			}
		}
	}
	runs[0].cpu_ns = thread_cpu_ns() - c0;
	return 0;
}

struct result {
	double mpps_wall; /* forwarded packets / wall time */
	double cpu_ns;	  /* workers' CPU ns per forwarded packet */
	double busy_ns;	  /* TSC ns of polls that did work, per forwarded packet */
	double ho_batch;  /* mean frames per non-empty handoff dequeue (crypto burst size) */
	uint64_t fed, sent, drops;
};

static uint64_t
all_drops(const struct mrfp_worker_counters *c)
{
	uint64_t d = 0;
	for (unsigned int i = 1; i < MRFP_DROP_COUNT; i++)
		d += c->drops[i];
	return d;
}

/* TX is a NIC's job: free what was sent, and anything left on RX after a failed run. */
static void
flush_rings(struct bench *b)
{
	struct rte_mbuf *m[64];
	unsigned int n;
	for (unsigned int q = 0; q < NW; q++) {
		while ((n = rte_ring_dequeue_burst(b->txq[q], (void **)m, RTE_DIM(m), NULL)) > 0)
			rte_pktmbuf_free_bulk(m, n);
		while ((n = rte_ring_dequeue_burst(b->rxq[q], (void **)m, RTE_DIM(m), NULL)) > 0)
			rte_pktmbuf_free_bulk(m, n);
	}
}

/* One round: launch the workers (on their lcores, or both on worker 0's for a 1core
 * scenario), sleep until they stop. Returns wall TSC; adds CPU ns and busy TSC. */
static uint64_t
run_round(struct bench *b, enum scen s, const uint64_t want[NW], uint64_t *cpu_ns, uint64_t *busy,
	  uint64_t *ho_polls)
{
	struct run runs[NW][NW + 1];
	struct mrfp_worker_counters c;
	bool one = s == S_2W_1C || s == S_SWAP_1C;
	unsigned int nw = s == S_1W ? 1 : NW, nl = one ? 1 : nw; /* workers, lcores */
	memset(runs, 0, sizeof(runs));
	for (unsigned int i = 0; i < nw; i++) {
		mrfp_dp_worker_counters(b->dp, i, &c);
		runs[one ? 0 : i][one ? i : 0] = (struct run){
			.w = b->dp->w[i], .rxq = b->rxq[i], .tx_base = c.tx_pkts, .want = want[i]};
	}
	for (unsigned int l = 0; l < nl; l++)
		if (rte_eal_remote_launch(run_workers, runs[l], b->dp->w[l]->lcore) != 0)
			exit(1);
	/* sleep, do not spin: worker 1's lcore shares this CPU */
	for (unsigned int l = 0; l < nl; l++) {
		while (rte_eal_get_lcore_state(b->dp->w[l]->lcore) != WAIT)
			usleep(200);
		rte_eal_wait_lcore(b->dp->w[l]->lcore);
	}
	uint64_t t0 = UINT64_MAX, t1 = 0;
	for (unsigned int l = 0; l < nl; l++) {
		*cpu_ns += runs[l][0].cpu_ns;
		for (struct run *r = runs[l]; r->w != NULL; r++) {
			t0 = RTE_MIN(t0, r->t0);
			t1 = RTE_MAX(t1, r->t1);
			*busy += r->busy;
			*ho_polls += r->ho_polls;
		}
	}
	return t1 - t0;
}

static struct result
run_scenario(struct bench *b, enum scen s)
{
	struct mrfp_worker_counters c0[NW], c1;
	uint64_t want[NW], wall = 0, cpu = 0, busy = 0, ho_polls = 0, ho_rx = 0;
	unsigned int nw = s == S_1W ? 1 : NW;
	struct result res = {0};
	rekey(b);
	for (unsigned int i = 0; i < nw; i++)
		mrfp_dp_worker_counters(b->dp, i, &c0[i]);
	for (unsigned int k = 0; k < b->rounds; k++) {
		res.fed += fill(b, s, k, want);
		wall += run_round(b, s, want, &cpu, &busy, &ho_polls);
		flush_rings(b);
	}
	for (unsigned int i = 0; i < nw; i++) {
		mrfp_dp_worker_counters(b->dp, i, &c1);
		res.sent += c1.tx_pkts - c0[i].tx_pkts;
		res.drops += all_drops(&c1) - all_drops(&c0[i]);
		ho_rx += c1.handoff_rx - c0[i].handoff_rx;
		for (unsigned int d = 1; d < MRFP_DROP_COUNT; d++)
			if (c1.drops[d] != c0[i].drops[d])
				fprintf(stderr, "  %s worker %u drop %s: %" PRIu64 "\n",
					scen_name[s], i, mrfp_drop_name(d),
					c1.drops[d] - c0[i].drops[d]);
	}
	res.mpps_wall = res.sent / ((double)wall / (double)rte_get_tsc_hz()) / 1e6;
	res.cpu_ns = res.sent ? (double)cpu / (double)res.sent : 0;
	res.ho_batch = ho_polls ? (double)ho_rx / (double)ho_polls : 0;
	res.busy_ns =
		res.sent ? (double)busy * 1e9 / (double)rte_get_tsc_hz() / (double)res.sent : 0;
	return res;
}

/* Ratios within one repetition; medians of these are the figures to read. */
enum ratio {
	R_SPEEDUP,
	R_EFF,
	R_SPEEDUP_Q0,
	R_HO_BUSY,
	R_HO_CPU,
	R_HO_1C,
	R_HO_REL_1C,
	R_Q0_BUSY,
	R_COUNT
};
static const char *const ratio_name[R_COUNT] = {
	"2w / 1w throughput (steered)",		 "per-core efficiency, 2w: CPU/frame 1w / 2w",
	"2w-q0 / 1w throughput (no steering)",	 "handoff ns/frame, busy: 2w-swap - 2w",
	"handoff ns/frame, CPU: 2w-swap - 2w",	 "handoff ns/frame, 1 core: swap - steered",
	"CPU per frame, 1 core: swap / steered", "handoff ns/frame, busy: (2w-q0 - 2w) x 2",
};

struct series {
	double *v[S_COUNT][4]; /* Mpps wall, CPU ns, busy ns, handoff batch */
	double *ratio[R_COUNT];
};

static void
one_rep(struct bench *b, unsigned int r, struct series *x, uint64_t *sent, uint64_t *fed,
	uint64_t *drops)
{
	struct result res[S_COUNT];
	for (unsigned int k = 0; k < S_COUNT; k++) {
		enum scen s = (enum scen)((k + r) % S_COUNT);
		res[s] = run_scenario(b, s);
		x->v[s][0][r] = res[s].mpps_wall;
		x->v[s][1][r] = res[s].cpu_ns;
		x->v[s][2][r] = res[s].busy_ns;
		x->v[s][3][r] = res[s].ho_batch;
		*sent += res[s].sent;
		*fed += res[s].fed;
		*drops += res[s].drops;
	}
	x->ratio[R_SPEEDUP][r] = res[S_2W].mpps_wall / res[S_1W].mpps_wall;
	/* what the wall ratio would be with two whole CPUs: the host's other jobs do not count */
	x->ratio[R_EFF][r] = res[S_1W].cpu_ns / res[S_2W].cpu_ns;
	x->ratio[R_SPEEDUP_Q0][r] = res[S_Q0].mpps_wall / res[S_1W].mpps_wall;
	x->ratio[R_HO_BUSY][r] = res[S_SWAP].busy_ns - res[S_2W].busy_ns;
	x->ratio[R_HO_CPU][r] = res[S_SWAP].cpu_ns - res[S_2W].cpu_ns;
	x->ratio[R_HO_1C][r] = res[S_SWAP_1C].cpu_ns - res[S_2W_1C].cpu_ns;
	x->ratio[R_HO_REL_1C][r] = res[S_SWAP_1C].cpu_ns / res[S_2W_1C].cpu_ns;
	/* half of the frames are handed over in 2w-q0: per handed-over frame */
	x->ratio[R_Q0_BUSY][r] = 2 * (res[S_Q0].busy_ns - res[S_2W].busy_ns);
}

static void
report(const struct bench *b, struct series *x, unsigned int on0, uint64_t fed, uint64_t sent,
       uint64_t drops)
{
	double m[S_COUNT][4], rt[R_COUNT];
	printf("switch workers (%s, AES_CM_128_HMAC_SHA1_80, %u-byte payload, %u conferences of 2, "
	       "%u on worker 0, %u frames per scenario, medians of %u reps)\n",
	       mrfp_srtp_engine_name(mrfp_srtp_get_engine()), PAYLOAD, b->confs, on0 / 2, b->frames,
	       b->reps);
	printf("  %-14s %12s %14s %15s %14s\n", "scenario", "Mpps (wall)", "CPU ns/packet",
	       "busy ns/packet", "handoff batch");
	for (unsigned int s = 0; s < S_COUNT; s++) {
		for (unsigned int k = 0; k < 4; k++)
			m[s][k] = bench_median(x->v[s][k], b->reps);
		printf("  %-14s %12.3f %14.1f %15.1f %14.1f\n", scen_name[s], m[s][0], m[s][1],
		       m[s][2], m[s][3]);
	}
	for (unsigned int k = 0; k < R_COUNT; k++) {
		rt[k] = bench_median(x->ratio[k], b->reps);
		printf("  %-44s %8.2f\n", ratio_name[k], rt[k]);
	}
	printf("  %-44s %" PRIu64 " fed, %" PRIu64 " sent, %" PRIu64 " dropped\n", "all runs", fed,
	       sent, drops);
	/* csv: engine, confs, frames, reps, (mpps, cpu ns, busy ns, handoff batch) per scenario,
	 * ratios, drops */
	printf("csv,bench_workers,%s,%u,%u,%u", mrfp_srtp_engine_name(mrfp_srtp_get_engine()),
	       b->confs, b->frames, b->reps);
	for (unsigned int s = 0; s < S_COUNT; s++)
		printf(",%.4f,%.1f,%.1f,%.1f", m[s][0], m[s][1], m[s][2], m[s][3]);
	for (unsigned int k = 0; k < R_COUNT; k++)
		printf(",%.3f", rt[k]);
	printf(",%" PRIu64 "\n", drops);
}

int
main(int argc, char **argv)
{
	struct bench b = {.confs = 64, .per_leg = 30, .rounds = 8, .reps = 7};
	char prefix[64];
	int c;
	while ((c = getopt(argc, argv, "c:p:k:r:L")) != -1) {
		if (c == 'c')
			b.confs = (unsigned int)atoi(optarg);
		else if (c == 'p')
			b.per_leg = (unsigned int)atoi(optarg);
		else if (c == 'k')
			b.rounds = (unsigned int)atoi(optarg);
		else if (c == 'r')
			b.reps = (unsigned int)atoi(optarg);
		else if (c == 'L')
			b.libsrtp = true;
		else {
			fprintf(stderr, "usage: bench_workers [-c conferences] [-p packets per leg "
					"per round] "
					"[-k rounds] [-r reps] [-L (libsrtp2 engine)]\n");
			return 2;
		}
	}
	if (b.confs < 2 || b.confs > 5000 || b.per_leg < 1 || b.reps == 0) {
		fprintf(stderr, "bench_workers: conferences 2..5000, packets per leg 1..1000\n");
		return 2;
	}
	b.legs = 2 * b.confs;
	b.round_frames = b.legs * b.per_leg;
	b.frames = b.round_frames * b.rounds;
	if (b.round_frames > 2 * QUEUE_ROUND_MAX || b.rounds == 0 || b.rounds * b.per_leg > 30000) {
		fprintf(stderr,
			"bench_workers: at most %u frames per round (2 x conferences x "
			"packets), 1..30000 packets per leg in all\n",
			2 * QUEUE_ROUND_MAX);
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=mrfp_bench_%d", getpid());
	setup_dataplane(&b, prefix);
	setup_legs(&b);
	make_packets(&b);
	unsigned int on0 = 0;
	for (unsigned int l = 0; l < b.legs; l++)
		on0 += b.owner[l] == 0;
	struct series x;
	for (unsigned int s = 0; s < S_COUNT; s++)
		for (unsigned int k = 0; k < 4; k++)
			x.v[s][k] = calloc(b.reps, sizeof(double));
	for (unsigned int k = 0; k < R_COUNT; k++)
		x.ratio[k] = calloc(b.reps, sizeof(double));
	uint64_t sent = 0, fed = 0, drops = 0;
	for (unsigned int r = 0; r < b.reps; r++)
		one_rep(&b, r, &x, &sent, &fed, &drops);
	report(&b, &x, on0, fed, sent, drops);
	mrfp_dp_destroy(b.dp);
	rte_eal_cleanup();
	return drops == 0 && sent == fed ? 0 : 1;
}
