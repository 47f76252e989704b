/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switch pipeline against the bare libsrtp2 loop, in one process, on one core.
 *
 * For L legs (L/2 conferences of two, every leg sending), the same pre-protected SRTP packets
 * go (a) through mrfp's worker on a net_ring port: parse, leg lookup, unprotect, rewrite,
 * protect for the other leg, header push, TX; and (b) through a bare loop of
 * srtp_unprotect + srtp_protect with the same number of contexts; and (c) through the raw
 * intel-ipsec-mb job loop, the crypto floor: decrypt under the sender's key, encrypt under the
 * receiver's, per-leg keys touched in the same order (bench_scale.h). Filling the RX ring and
 * draining the TX ring are not timed (a NIC does that by DMA). Each packet's sending leg is
 * drawn at random (-R: round robin, which a prefetcher can guess) and the caches are flushed
 * before every timed pass, so that with many legs every packet finds its leg cold, as a worker
 * does. Repetitions are interleaved and the medians reported; the ratios bare/pipeline (goal
 * >= 0.80) and pipeline/raw at the same number of legs are the headline.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_udp.h>
#include <srtp2/srtp.h>

#include "dp_priv.h"
#include "mrfp_dp.h"
#include "bench_scale.h"
#include "bench_stats.h"

#define CHUNK 512 /* packets per timed chunk: fits the RX ring */
#define PAYLOAD 160
#define HDRS (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
/* One even local port per leg (RTP; RTCP at port + 1): the port space holds ~32 000 legs. */
#define PORT_MIN 1024
#define PORT_MAX 65535
#define MAX_LEGS 32000

struct pkt {
	uint16_t len; /* frame length */
	uint16_t leg; /* sending leg index */
	uint8_t frame[HDRS + 12 + PAYLOAD + 16];
};

struct bench {
	unsigned int legs;
	unsigned int packets;
	unsigned int reps;
	bool round_robin;
	enum mrfp_srtp_suite suite;
	struct rte_ring *rxr, *txr;
	struct rte_mempool *mp;
	struct mrfp_dp *dp;
	struct mrfp_srtp_key *rx_keys, *tx_keys;
	struct pkt *pkts;
	srtp_t *bare_rx, *bare_tx;  /* the bare loop's own contexts, same keys */
	struct bench_raw raw;	    /* keys 2 l (leg l's inbound) and 2 l + 1 (its outbound) */
	uint32_t *raw_in, *raw_out; /* per packet: the sender's inbound, its peer's outbound */
};

static srtp_t
bare_session(const struct mrfp_srtp_key *k, srtp_ssrc_type_t type)
{
	srtp_policy_t pol;
	srtp_t s;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	if (k->suite == MRFP_SUITE_AEAD_AES_128_GCM) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	}
	pol.ssrc.type = type;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok) {
		fprintf(stderr, "bench: srtp_create failed\n");
		exit(1);
	}
	return s;
}

static void
random_key(struct mrfp_srtp_key *k, enum mrfp_srtp_suite suite)
{
	memset(k, 0, sizeof(*k)); /* no MKI, default lifetime */
	k->suite = suite;
	k->len = (uint8_t)mrfp_srtp_suite_key_len(suite);
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)rte_rand();
}

/* Pre-protect every input packet with the sending leg's participant key (untimed). */
static void
make_packets(struct bench *b)
{
	srtp_t *send = calloc(b->legs, sizeof(*send));
	uint32_t *sent = calloc(b->legs, sizeof(*sent)); /* per leg: its packets so far */
	uint32_t *order = bench_order(b->packets, b->legs, 0x5eed0000u + b->legs);
	b->pkts = calloc(b->packets, sizeof(*b->pkts));
	b->raw_in = calloc(b->packets, sizeof(*b->raw_in));
	b->raw_out = calloc(b->packets, sizeof(*b->raw_out));
	if (send == NULL || sent == NULL || order == NULL || b->pkts == NULL || b->raw_in == NULL ||
	    b->raw_out == NULL)
		exit(1);
	for (unsigned int l = 0; l < b->legs; l++)
		send[l] = bare_session(&b->rx_keys[l], ssrc_any_outbound);
	for (unsigned int i = 0; i < b->packets; i++) {
		struct pkt *p = &b->pkts[i];
		unsigned int l = b->round_robin ? i % b->legs : order[i], k = sent[l]++;
		uint8_t *f = p->frame;
		struct rte_ether_hdr *eth = (void *)f;
		struct rte_ipv4_hdr *ip = (void *)(eth + 1);
		struct rte_udp_hdr *udp = (void *)(ip + 1);
		uint8_t *rtp = (uint8_t *)(udp + 1);
		memset(f, 0, HDRS);
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
		udp->dst_port = rte_cpu_to_be_16((uint16_t)(PORT_MIN + 2 * l));
		udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + len);
		p->len = (uint16_t)(HDRS + len);
		p->leg = (uint16_t)l;
		b->raw_in[i] = 2 * l;
		b->raw_out[i] = 2 * (l ^ 1) + 1;
	}
	for (unsigned int l = 0; l < b->legs; l++)
		srtp_dealloc(send[l]);
	free(send);
	free(sent);
	free(order);
}

static void
setup_dataplane(struct bench *b, char *prefix)
{
	char *argv[] = {"bench", "--no-huge", "-m",
			"1024",	 "--no-pci",  prefix,
			"-l",	 "0-1",	      "--log-level=mrfp.*:warning",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		exit(1);
	b->rxr = rte_ring_create("b_rx", CHUNK * 2, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b->txr = rte_ring_create("b_tx", CHUNK * 4, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b->mp = rte_pktmbuf_pool_create("b_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	int port = rte_eth_from_rings("b_port", &b->rxr, 1, &b->txr, 1, 0);
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 24; /* participants are off-link, behind one gateway (one neighbour) */
	mrfp_addr_parse("10.0.0.254", &cfg.gateway4);
	cfg.neigh[0].ip = cfg.gateway4;
	memcpy(cfg.neigh[0].mac, (uint8_t[6]){2, 0, 0, 0, 0, 0xfe}, 6);
	cfg.n_neigh = 1;
	cfg.rtcp_interval_ms = 600000; /* no reports during the measurement */
	cfg.leg_inactivity_ms = 0;
	cfg.port_min = PORT_MIN;
	cfg.port_max = PORT_MAX;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = 1;
	cfg.max_legs = b->legs + 16;
	cfg.max_conferences = b->legs;
	cfg.mbufs_per_socket = 8191;
	if (port < 0 || b->mp == NULL || (b->dp = mrfp_dp_create(&cfg)) == NULL) {
		fprintf(stderr, "bench: dataplane set-up failed\n");
		exit(1);
	}
}

/* Legs 2k and 2k+1 form conference k; the static neighbour makes every next hop known. */
static void
setup_legs(struct bench *b)
{
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct dp_worker *w = b->dp->w[0];
	b->rx_keys = calloc(b->legs, sizeof(*b->rx_keys));
	b->tx_keys = calloc(b->legs, sizeof(*b->tx_keys));
	b->bare_rx = calloc(b->legs, sizeof(srtp_t));
	b->bare_tx = calloc(b->legs, sizeof(srtp_t));
	for (unsigned int l = 0; l < b->legs; l++) {
		struct mrfp_leg_params p = {.local_port = (uint16_t)(PORT_MIN + 2 * l),
					    .mode = MRFP_MODE_SENDRECV,
					    .latch = MRFP_LATCH_OFF};
		p.remote.family = AF_INET;
		p.remote.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 1, l >> 8, l & 0xff));
		p.remote.port = rte_cpu_to_be_16(5000);
		random_key(&b->rx_keys[l], b->suite);
		random_key(&b->tx_keys[l], b->suite);
		if (l % 2 == 0 && mrfp_dp_conf_add(b->dp, l / 2, &cp) < 0)
			exit(1);
		if (mrfp_dp_leg_add(b->dp, l / 2, l, &p, &b->rx_keys[l], &b->tx_keys[l]) < 0)
			exit(1);
		while (w->cmd_done <
		       w->cmd_posted) /* not started: the bench thread is the worker */
			worker_apply_commands(w);
		b->bare_rx[l] = bare_session(&b->rx_keys[l], ssrc_any_inbound);
		b->bare_tx[l] = bare_session(&b->tx_keys[l], ssrc_any_outbound);
	}
}

static void
fill_rx(struct bench *b, unsigned int from, unsigned int n)
{
	struct rte_mbuf *m[CHUNK];
	if (rte_pktmbuf_alloc_bulk(b->mp, m, n) != 0)
		exit(1);
	for (unsigned int i = 0; i < n; i++) {
		const struct pkt *p = &b->pkts[from + i];
		rte_memcpy(rte_pktmbuf_append(m[i], p->len), p->frame, p->len);
	}
	rte_ring_enqueue_bulk(b->rxr, (void **)m, n, NULL);
}

static unsigned int
drain_tx(struct bench *b)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;
	while ((n = rte_ring_dequeue_burst(b->txr, (void **)m, RTE_DIM(m), NULL)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

/* One pass over every packet through the worker; returns TSC cycles spent polling. Not
 * inlined: callgrind's --toggle-collect=run_pipeline names it. */
static __attribute__((noinline)) uint64_t
run_pipeline(struct bench *b, unsigned int *sent)
{
	struct dp_worker *w = b->dp->w[0];
	uint64_t cycles = 0;
	for (unsigned int off = 0; off < b->packets; off += CHUNK) {
		unsigned int n = RTE_MIN((unsigned int)CHUNK, b->packets - off);
		fill_rx(b, off, n);
		uint64_t t0 = rte_rdtsc_precise();
		while (rte_ring_count(b->rxr) > 0)
			worker_poll(w);
		cycles += rte_rdtsc_precise() - t0;
		*sent += drain_tx(b);
	}
	return cycles;
}

/* The same work with nothing around it: unprotect as the sender's leg, protect for its peer. */
static uint64_t
run_bare(struct bench *b)
{
	static uint8_t buf[CHUNK][12 + PAYLOAD + 32];
	int lens[CHUNK];
	uint64_t cycles = 0;
	for (unsigned int off = 0; off < b->packets; off += CHUNK) {
		unsigned int n = RTE_MIN((unsigned int)CHUNK, b->packets - off);
		for (unsigned int i = 0; i < n; i++) {
			const struct pkt *p = &b->pkts[off + i];
			lens[i] = p->len - (int)HDRS;
			memcpy(buf[i], p->frame + HDRS, (size_t)lens[i]);
		}
		uint64_t t0 = rte_rdtsc_precise();
		for (unsigned int i = 0; i < n; i++) {
			unsigned int l = b->pkts[off + i].leg;
			srtp_unprotect(b->bare_rx[l], buf[i], &lens[i]);
			srtp_protect(b->bare_tx[l ^ 1], buf[i], &lens[i]);
		}
		cycles += rte_rdtsc_precise() - t0;
	}
	return cycles;
}

/* The floor: intel-ipsec-mb alone, the packets' keys in the packets' order. */
static uint64_t
run_raw(struct bench *b)
{
	uint64_t t0 = rte_rdtsc_precise();
	bench_raw_run(&b->raw, b->raw_in, b->raw_out, b->packets, PAYLOAD, false);
	return rte_rdtsc_precise() - t0;
}

/* The bare loop's contexts start afresh too, so both sides do the same work each pass. */
static void
renew_bare(struct bench *b)
{
	for (unsigned int l = 0; l < b->legs; l++) {
		srtp_dealloc(b->bare_rx[l]);
		srtp_dealloc(b->bare_tx[l]);
		b->bare_rx[l] = bare_session(&b->rx_keys[l], ssrc_any_inbound);
		b->bare_tx[l] = bare_session(&b->tx_keys[l], ssrc_any_outbound);
	}
}

int
main(int argc, char **argv)
{
	struct bench b = {.legs = 2,
			  .packets = 100000,
			  .reps = 7,
			  .suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80};
	char prefix[64];
	int c;
	while ((c = getopt(argc, argv, "l:n:r:gR")) != -1) {
		if (c == 'l')
			b.legs = (unsigned int)atoi(optarg);
		else if (c == 'n')
			b.packets = (unsigned int)atoi(optarg);
		else if (c == 'r')
			b.reps = (unsigned int)atoi(optarg);
		else if (c == 'g')
			b.suite = MRFP_SUITE_AEAD_AES_128_GCM;
		else if (c == 'R')
			b.round_robin = true;
		else {
			fprintf(stderr, "usage: bench_switch [-l legs (even)] [-n packets] [-r "
					"reps] [-g (GCM)] [-R (legs in turn, not at random)]\n");
			return 2;
		}
	}
	if (b.legs < 2 || b.legs % 2 || b.legs > MAX_LEGS || b.reps == 0 || b.packets < b.legs) {
		fprintf(stderr, "bench_switch: legs must be even, 2..%u; packets >= legs\n",
			MAX_LEGS);
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=mrfp_bench_%d", getpid());
	setup_dataplane(&b, prefix);
	setup_legs(&b);
	make_packets(&b);
	IMB_MGR *imb = alloc_mb_mgr(0);
	if (imb == NULL)
		exit(1);
	init_mb_mgr_auto(imb, NULL);
	if (bench_raw_create(&b.raw, imb, 2 * b.legs, b.suite == MRFP_SUITE_AEAD_AES_128_GCM,
			     b.legs) < 0)
		exit(1);
	double *pipe = calloc(b.reps, sizeof(double)), *bare = calloc(b.reps, sizeof(double));
	double *ratio = calloc(b.reps, sizeof(double)), *raw = calloc(b.reps, sizeof(double));
	double *over_raw = calloc(b.reps, sizeof(double));
	double ns_per_cycle = 1e9 / (double)rte_get_tsc_hz();
	unsigned int sent = 0;
	for (unsigned int r = 0; r < b.reps; r++) {
		/* Each repetition starts from fresh legs and contexts: no replay across passes. */
		if (r > 0) {
			for (unsigned int l = 0; l < b.legs; l++) {
				struct mrfp_leg_params p;
				mrfp_dp_leg_params(b.dp, l, &p);
				/* new sessions both ways: the same packets again are not replays. A
				 * Modify with the current key keeps the session, so go through a
				 * scratch key first. */
				struct mrfp_srtp_key scratch = b.rx_keys[l];
				scratch.material[0] ^= 0xff;
				if (mrfp_dp_leg_modify(b.dp, l, &p, &scratch, &scratch) < 0 ||
				    mrfp_dp_leg_modify(b.dp, l, &p, &b.rx_keys[l], &b.tx_keys[l]) <
					    0) {
					fprintf(stderr, "bench_switch: leg %u: Modify failed\n", l);
					exit(1);
				}
				mrfp_srtp_key_wipe(&scratch);
				while (b.dp->w[0]->cmd_done < b.dp->w[0]->cmd_posted)
					worker_apply_commands(b.dp->w[0]); /* the ring holds 4096 */
				if (l % 1024 ==
				    1023) /* the replaced sessions: memory for 32 000 legs */
					mrfp_dp_reap(b.dp);
			}
			while (b.dp->w[0]->cmd_done < b.dp->w[0]->cmd_posted)
				worker_apply_commands(b.dp->w[0]);
			mrfp_dp_reap(b.dp);
			renew_bare(&b);
		}
		/* each timed pass starts with nothing of any leg in cache */
		bench_flush_caches();
		pipe[r] = (double)run_pipeline(&b, &sent) * ns_per_cycle / b.packets;
		bench_flush_caches();
		bare[r] = (double)run_bare(&b) * ns_per_cycle / b.packets;
		bench_flush_caches();
		raw[r] = (double)run_raw(&b) * ns_per_cycle / b.packets;
		ratio[r] = bare[r] / pipe[r];
		over_raw[r] = pipe[r] / raw[r];
	}
	struct mrfp_worker_counters wc;
	mrfp_dp_worker_counters(b.dp, 0, &wc);
	uint64_t drops = 0;
	for (unsigned int d = 1; d < MRFP_DROP_COUNT; d++) {
		drops += wc.drops[d];
		if (wc.drops[d])
			printf("  drop %s: %" PRIu64 "\n", mrfp_drop_name(d), wc.drops[d]);
	}
	double mp = bench_median(pipe, b.reps), mb = bench_median(bare, b.reps);
	double mr = bench_median(ratio, b.reps), mw = bench_median(raw, b.reps);
	double mo = bench_median(over_raw, b.reps);
	const char *order = b.round_robin ? "round-robin" : "random";
	printf("switch pipeline vs bare libsrtp2 loop (%s, %u-byte payload, %u legs, %u packets x "
	       "%u reps)\n",
	       mrfp_srtp_suite_name(b.suite), PAYLOAD, b.legs, b.packets, b.reps);
	printf("  %-34s %10s (caches flushed before each pass)\n", "legs per packet", order);
	printf("  %-34s %10.1f ns/packet\n", "bare unprotect+protect", mb);
	printf("  %-34s %10.1f ns/packet\n", "raw intel-ipsec-mb dec+enc", mw);
	printf("  %-34s %10.1f ns/packet\n", "mrfp switch pipeline", mp);
	printf("  %-34s %10.2f  (goal >= 0.80)\n", "pipeline rate / bare rate", mr);
	printf("  %-34s %10.2f  (goal <= 1.3)\n", "pipeline ns / raw ns", mo);
	printf("  %-34s %10u sent, %" PRIu64 " dropped\n", "pipeline output", sent, drops);
	printf("csv,bench_switch,%s,%u,%u,%.1f,%.1f,%.3f,%" PRIu64 "\n",
	       mrfp_srtp_suite_name(b.suite), b.legs, b.packets, mb, mp, mr, drops);
	printf("csv,bench_switch_raw,%s,%u,%u,%s,%.1f,%.1f,%.3f\n", mrfp_srtp_suite_name(b.suite),
	       b.legs, b.packets, order, mw, mp, mo);
	bench_raw_free(&b.raw);
	free_mb_mgr(imb);
	mrfp_dp_destroy(b.dp);
	rte_eal_cleanup();
	return drops == 0 && sent == b.packets * b.reps ? 0 : 1;
}
