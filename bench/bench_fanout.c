/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switch fan-out: one selected source forwarded to N-1 receivers, bilateral keys (one protect
 * per receiver) against a group key (one protect, then copies), through the real worker on a
 * net_ring port, next to the bare libsrtp2 crypto the same work needs (one unprotect plus
 * N-1 protects, or plus one). Ratios are the headline; medians of interleaved repetitions.
 */
#include <getopt.h>
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

#define HDRS (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
#define PAYLOAD 160
#define INPUTS 400

static struct rte_ring *rxr, *txr;
static struct rte_mempool *mp;

static void
random_key(struct mrfp_srtp_key *k)
{
	memset(k, 0, sizeof(*k)); /* no MKI, default lifetime */
	k->suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	k->len = 30;
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)rte_rand();
}

static srtp_t
session(const struct mrfp_srtp_key *k, srtp_ssrc_type_t type)
{
	srtp_policy_t pol;
	srtp_t s;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	pol.ssrc.type = type;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		exit(1);
	return s;
}

static struct mrfp_dp *
setup(char *prefix)
{
	char *argv[] = {"bench", "--no-huge", "-m",
			"1024",	 "--no-pci",  prefix,
			"-l",	 "0-1",	      "--log-level=mrfp.*:warning",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		exit(1);
	rxr = rte_ring_create("f_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	txr = rte_ring_create("f_tx", 16384, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	mp = rte_pktmbuf_pool_create("f_pool", 4095, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	int port = rte_eth_from_rings("f_port", &rxr, 1, &txr, 1, 0);
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 24;
	mrfp_addr_parse("10.0.0.254", &cfg.gateway4);
	cfg.neigh[0].ip = cfg.gateway4;
	memcpy(cfg.neigh[0].mac, (uint8_t[6]){2, 0, 0, 0, 0, 0xfe}, 6);
	cfg.n_neigh = 1;
	cfg.port_min = 20000;
	cfg.port_max = 60000;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = 1;
	cfg.max_legs_per_conf = 10000;
	cfg.mbufs_per_socket = 16383;
	cfg.rtcp_interval_ms = 600000;
	cfg.leg_inactivity_ms = 0;
	struct mrfp_dp *dp = port < 0 || mp == NULL ? NULL : mrfp_dp_create(&cfg);
	if (dp == NULL)
		exit(1);
	return dp;
}

static void
apply_all(struct mrfp_dp *dp)
{
	while (dp->w[0]->cmd_done < dp->w[0]->cmd_posted)
		worker_apply_commands(dp->w[0]);
	mrfp_dp_reap(dp);
}

/* Conference `id` of n legs, leg 0 chosen; returns the source's send key in *src. */
static void
make_conf(struct mrfp_dp *dp, uint32_t id, unsigned int n, enum mrfp_key_mode keys,
	  struct mrfp_srtp_key *src)
{
	struct mrfp_srtp_key gk, rx, tx;
	random_key(&gk);
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_CHOSEN,
				      .keys = keys,
				      .max_legs = (uint16_t)n,
				      .group_key = &gk};
	if (mrfp_dp_conf_add(dp, id, &cp) < 0)
		exit(1);
	for (unsigned int l = 0; l < n; l++) {
		struct mrfp_leg_params p = {.local_port =
						    (uint16_t)(20000 + 2 * (id % 2 * 10000 + l)),
					    .mode = MRFP_MODE_SENDRECV,
					    .latch = MRFP_LATCH_OFF};
		p.remote.family = AF_INET;
		p.remote.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 1, l >> 8, l & 0xff));
		p.remote.port = rte_cpu_to_be_16(5000);
		random_key(&rx);
		random_key(&tx);
		if (l == 0)
			*src = rx;
		if (mrfp_dp_leg_add(dp, id, id * 100000 + l, &p, &rx,
				    keys == MRFP_KEYS_GROUP ? NULL : &tx) < 0)
			exit(1);
		apply_all(dp);
	}
	if (mrfp_dp_conf_select(dp, id, id * 100000) < 0)
		exit(1);
	apply_all(dp);
}

/* Frames from the source (leg 0, port 20000 + ...) protected with its key. */
static uint16_t
frame(uint8_t *f, srtp_t send, uint16_t dport, unsigned int i)
{
	struct rte_ether_hdr *eth = (void *)f;
	struct rte_ipv4_hdr *ip = (void *)(eth + 1);
	struct rte_udp_hdr *udp = (void *)(ip + 1);
	uint8_t *rtp = (uint8_t *)(udp + 1);
	memset(f, 0, HDRS + 12);
	memset(&eth->dst_addr, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	rtp[0] = 0x80;
	uint16_t seq = rte_cpu_to_be_16((uint16_t)i);
	uint32_t ts = rte_cpu_to_be_32(160 * i), ssrc = rte_cpu_to_be_32(0x1234);
	memcpy(rtp + 2, &seq, 2);
	memcpy(rtp + 4, &ts, 4);
	memcpy(rtp + 8, &ssrc, 4);
	memset(rtp + 12, 0x55, PAYLOAD);
	int len = 12 + PAYLOAD;
	srtp_protect(send, rtp, &len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 0));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(5000);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + len);
	return (uint16_t)(HDRS + len);
}

static unsigned int
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;
	while ((n = rte_ring_dequeue_burst(txr, (void **)m, RTE_DIM(m), NULL)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

/* ns per input packet through the worker, one input at a time (its fan-out fills TX). */
static double
run_pipeline(struct mrfp_dp *dp, uint32_t id, const struct mrfp_srtp_key *src, unsigned int n,
	     unsigned int *sent)
{
	static uint8_t f[INPUTS][HDRS + 12 + PAYLOAD + 16];
	uint16_t len[INPUTS];
	srtp_t send = session(src, ssrc_any_outbound);
	uint16_t dport = (uint16_t)(20000 + 2 * (id % 2 * 10000));
	for (unsigned int i = 0; i < INPUTS; i++)
		len[i] = frame(f[i], send, dport, i);
	srtp_dealloc(send);
	uint64_t cycles = 0;
	for (unsigned int i = 0; i < INPUTS; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		rte_memcpy(rte_pktmbuf_append(m, len[i]), f[i], len[i]);
		rte_ring_enqueue(rxr, m);
		uint64_t t0 = rte_rdtsc_precise();
		while (rte_ring_count(rxr) > 0)
			worker_poll(dp->w[0]);
		cycles += rte_rdtsc_precise() - t0;
		*sent += drain();
	}
	(void)n;
	return (double)cycles * 1e9 / (double)rte_get_tsc_hz() / INPUTS;
}

/* The crypto alone: one unprotect, then `protects` protects of the plaintext. */
static double
run_bare(const struct mrfp_srtp_key *src, unsigned int protects)
{
	static uint8_t buf[12 + PAYLOAD + 32], pkt[INPUTS][12 + PAYLOAD + 32];
	static srtp_t tx[10000];
	int plen[INPUTS];
	struct mrfp_srtp_key k;
	srtp_t send = session(src, ssrc_any_outbound), recv = session(src, ssrc_any_inbound);
	for (unsigned int i = 0; i < protects; i++) {
		random_key(&k);
		tx[i] = session(&k, ssrc_any_outbound);
	}
	for (unsigned int i = 0; i < INPUTS; i++) {
		uint8_t f[HDRS + 12 + PAYLOAD + 16];
		plen[i] = frame(f, send, 0, i) - (int)HDRS;
		memcpy(pkt[i], f + HDRS, (size_t)plen[i]);
	}
	uint64_t cycles = 0;
	for (unsigned int i = 0; i < INPUTS; i++) {
		int len = plen[i];
		uint64_t t0 = rte_rdtsc_precise();
		srtp_unprotect(recv, pkt[i], &len);
		for (unsigned int r = 0; r < protects; r++) {
			int l2 = len;
			memcpy(buf, pkt[i], (size_t)len);
			srtp_protect(tx[r], buf, &l2);
		}
		cycles += rte_rdtsc_precise() - t0;
	}
	for (unsigned int i = 0; i < protects; i++)
		srtp_dealloc(tx[i]);
	srtp_dealloc(send);
	srtp_dealloc(recv);
	return (double)cycles * 1e9 / (double)rte_get_tsc_hz() / INPUTS;
}

int
main(int argc, char **argv)
{
	unsigned int sizes[8] = {3, 10, 100, 1000}, n_sizes = 4;
	char prefix[64];
	int c;
	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's') {
			fprintf(stderr, "usage: bench_fanout [-s sizes, e.g. 3,10,100,1000]\n");
			return 2;
		}
		char *save = NULL;
		n_sizes = 0;
		for (char *t = strtok_r(optarg, ",", &save); t && n_sizes < 8;
		     t = strtok_r(NULL, ",", &save))
			sizes[n_sizes++] = (unsigned int)atoi(t);
	}
	for (unsigned int i = 0; i < n_sizes; i++)
		if (sizes[i] < 2 || sizes[i] > 4000) {
			fprintf(stderr, "bench_fanout: sizes 2..4000\n");
			return 2;
		}
	snprintf(prefix, sizeof(prefix), "--file-prefix=mrfp_bench_fanout_%d", getpid());
	struct mrfp_dp *dp = setup(prefix);
	printf("switch fan-out: one selected source to N-1 receivers (AES_CM_128_HMAC_SHA1_80, "
	       "%u-byte payload)\n",
	       PAYLOAD);
	printf("  %5s %-10s %14s %14s %8s\n", "legs", "keys", "pipeline ns", "bare ns", "ratio");
	uint32_t id = 1;
	for (unsigned int s = 0; s < n_sizes; s++) {
		double pipe[2];
		for (unsigned int k = 0; k < 2; k++) {
			enum mrfp_key_mode keys = k ? MRFP_KEYS_GROUP : MRFP_KEYS_BILATERAL;
			struct mrfp_srtp_key src;
			unsigned int sent = 0;
			make_conf(dp, id, sizes[s], keys, &src);
			pipe[k] = run_pipeline(dp, id, &src, sizes[s], &sent);
			double bare = run_bare(&src, k ? 1 : sizes[s] - 1);
			printf("  %5u %-10s %14.0f %14.0f %8.2f%s\n", sizes[s],
			       k ? "group" : "bilateral", pipe[k], bare, bare / pipe[k],
			       sent == INPUTS * (sizes[s] - 1) ? "" : "  (outputs missing!)");
			printf("csv,bench_fanout,%u,%s,%.0f,%.0f,%u\n", sizes[s],
			       k ? "group" : "bilateral", pipe[k], bare, sent);
			mrfp_dp_conf_remove(dp, id);
			apply_all(dp);
			id++;
		}
		printf("  %5u bilateral/group pipeline ratio %.1f\n", sizes[s], pipe[0] / pipe[1]);
	}
	mrfp_dp_destroy(dp);
	rte_eal_cleanup();
	return 0;
}
