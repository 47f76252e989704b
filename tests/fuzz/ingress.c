/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ingress fuzzer's dataplane. Keys are fixed (leg i's participant key is bytes i+1,
 * i+2, ...) so that a crash found once reproduces from its input alone in a new process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_priv.h"
#include "ingress.h"
#include "srtp_policy.h"

#define MEDIA_IP RTE_IPV4(10, 0, 0, 1)
#define PORT_BASE 20000

struct leg_def {
	uint32_t conf;
	enum mrfp_srtp_suite suite;
	uint8_t pt;
	enum mrfp_leg_mode mode;
	enum mrfp_latch latch;
	bool rtcp_mux;
};

/* conf 1: switch, all, bilateral; conf 2: mix, group; conf 3: switch, speaker, group (GCM). */
static const struct leg_def defs[INGRESS_LEGS] = {
	{1, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 0, MRFP_MODE_SENDRECV, MRFP_LATCH_OFF, false},
	{1, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, 0, MRFP_MODE_SENDRECV, MRFP_LATCH_STRICT, true},
	{2, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 0, MRFP_MODE_SENDRECV, MRFP_LATCH_ON, false},
	{2, MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, 8, MRFP_MODE_SENDRECV, MRFP_LATCH_ON, true},
	{2, MRFP_SUITE_AEAD_AES_128_GCM, 0, MRFP_MODE_SENDONLY, MRFP_LATCH_ON, false},
	{3, MRFP_SUITE_AEAD_AES_128_GCM, 0, MRFP_MODE_SENDRECV, MRFP_LATCH_OFF, false},
	{3, MRFP_SUITE_AEAD_AES_256_GCM, 8, MRFP_MODE_RECVONLY, MRFP_LATCH_ON, true},
};

static void
fixed_key(struct mrfp_srtp_key *k, enum mrfp_srtp_suite suite, unsigned int seed)
{
	memset(k, 0, sizeof(*k));
	k->suite = suite;
	k->len = (uint8_t)mrfp_srtp_suite_key_len(suite);
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)(seed + i);
}

/* The participant's sender. allow_repeat_tx: the fuzzer may send one index twice. */
static srtp_t
sender(const struct mrfp_srtp_key *k)
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	memset(&pol, 0, sizeof(pol));
	test_srtp_policy_suite(&pol, k->suite);
	pol.ssrc.type = ssrc_any_outbound;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	pol.allow_repeat_tx = 1;
	return srtp_create(&s, &pol) == srtp_err_status_ok ? s : NULL;
}

static char runtime_dir[96];

/* libFuzzer ends with exit(): leave no runtime directory behind. */
static void
remove_runtime_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", runtime_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_ingress: could not remove %s\n", runtime_dir);
}

static int
eal_and_port(struct ingress *in, struct mrfp_config *cfg)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz_ingress_%d", getpid());
	snprintf(runtime_dir, sizeof(runtime_dir), "/var/run/dpdk/fuzz_ingress_%d", getpid());
	char *argv[] = {"fuzz_ingress",
			"--no-huge",
			"--no-shconf",
			"-m",
			"256",
			"--no-pci",
			prefix,
			"-l",
			"0-1",
			"--no-telemetry",
			"--log-level=*:error",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	atexit(remove_runtime_dir);
	in->rx = rte_ring_create("f_rx", 64, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	in->tx = rte_ring_create("f_tx", 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	int port = rte_eth_from_rings("f_port", &in->rx, 1, &in->tx, 1, 0);
	if (in->rx == NULL || in->tx == NULL || port < 0 || mrfp_srtp_init() < 0)
		return -1;
	mrfp_config_defaults(cfg);
	mrfp_addr_parse("10.0.0.1", &cfg->media4);
	cfg->media4_prefix = 24;
	mrfp_addr_parse("fd00::1", &cfg->media6);
	cfg->media6_prefix = 64;
	cfg->port_min = PORT_BASE;
	cfg->port_max = PORT_BASE + 99;
	cfg->eth_port = (uint16_t)port;
	cfg->workers = 1;
	cfg->mbufs_per_socket = 2047;
	cfg->rtcp_interval_ms = 600000; /* our own reports would only add noise */
	/* FUZZ_INGRESS_ENGINE=libsrtp|burst; default: the burst engine where it runs */
	const char *engine = getenv("FUZZ_INGRESS_ENGINE");
	cfg->srtp_engine = engine == NULL		    ? MRFP_ENGINE_AUTO
			   : strcmp(engine, "libsrtp") == 0 ? MRFP_ENGINE_LIBSRTP
							    : MRFP_ENGINE_BURST;
	cfg->leg_inactivity_ms = 0;
	for (unsigned int i = 0; i < INGRESS_LEGS; i++) { /* every participant resolved */
		cfg->neigh[i].ip.family = AF_INET;
		cfg->neigh[i].ip.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + i));
		memcpy(cfg->neigh[i].mac, (uint8_t[6]){2, 0, 0, 0, 0, (uint8_t)(0x10 + i)}, 6);
	}
	cfg->n_neigh = INGRESS_LEGS;
	return 0;
}

static int
conferences(struct ingress *in)
{
	struct mrfp_srtp_key g2, g3;
	fixed_key(&g2, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 0x80);
	fixed_key(&g3, MRFP_SUITE_AEAD_AES_128_GCM, 0x90);
	struct mrfp_conf_params c1 = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	struct mrfp_conf_params c2 = {
		.media = MRFP_MEDIA_MIX, .keys = MRFP_KEYS_GROUP, .group_key = &g2};
	struct mrfp_conf_params c3 = {.media = MRFP_MEDIA_SWITCH,
				      .select = MRFP_SELECT_SPEAKER,
				      .keys = MRFP_KEYS_GROUP,
				      .group_key = &g3};
	int rc = mrfp_dp_conf_add(in->dp, 1, &c1) | mrfp_dp_conf_add(in->dp, 2, &c2) |
		 mrfp_dp_conf_add(in->dp, 3, &c3);
	mrfp_srtp_key_wipe(&g2);
	mrfp_srtp_key_wipe(&g3);
	return rc;
}

static int
leg(struct ingress *in, unsigned int i)
{
	const struct leg_def *d = &defs[i];
	struct ingress_leg *l = &in->legs[i];
	struct mrfp_srtp_key rx, tx;
	struct mrfp_leg_params p = {.local_port = (uint16_t)(PORT_BASE + 2 * i),
				    .pt = d->pt,
				    .mode = d->mode,
				    .latch = d->latch,
				    .rtcp_mux = d->rtcp_mux};
	l->conf = d->conf;
	l->port = p.local_port;
	l->peer_port = (uint16_t)(5000 + 2 * i);
	l->peer_ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + i));
	l->rtcp_mux = d->rtcp_mux;
	p.remote.family = AF_INET;
	p.remote.v4 = l->peer_ip;
	p.remote.port = rte_cpu_to_be_16(l->peer_port);
	fixed_key(&rx, d->suite, 1 + i);
	fixed_key(&tx, d->suite, 0x40 + i);
	l->send = sender(&rx);
	int rc = mrfp_dp_leg_add(in->dp, d->conf, 100 + i, &p, &rx, &tx);
	mrfp_srtp_key_wipe(&rx);
	mrfp_srtp_key_wipe(&tx);
	return l->send == NULL ? -1 : rc;
}

int
ingress_init(struct ingress *in)
{
	struct mrfp_config cfg;
	memset(in, 0, sizeof(*in));
	if (eal_and_port(in, &cfg) < 0 || (in->dp = mrfp_dp_create(&cfg)) == NULL) {
		fprintf(stderr, "fuzz_ingress: EAL or dataplane set-up failed\n");
		return -1;
	}
	struct dp_worker *w = in->dp->w[0];
	int rc = conferences(in);
	for (unsigned int i = 0; i < INGRESS_LEGS && rc == 0; i++)
		rc = leg(in, i);
	if (rc != 0) {
		fprintf(stderr, "fuzz_ingress: conference or leg set-up failed (%d)\n", rc);
		return -1;
	}
	/* Not started: this thread is the worker and applies what control posted. */
	while (w->cmd_done < w->cmd_posted)
		worker_apply_commands(w);
	worker_poll(w);
	ingress_drain(in);
	in->pool = w->pool;
	in->pool_free = rte_mempool_avail_count(w->pool);
	return 0;
}

/* SSRCs from a small set shared by every leg: collisions happen, libsrtp's per-SSRC stream
 * list stays short (each new SSRC clones a stream that lives as long as the session). */
static void
fold_ssrc(uint8_t *ssrc)
{
	ssrc[0] = 0x11;
	ssrc[1] = 0x22;
	ssrc[2] = 0x33;
	ssrc[3] &= 0x07;
}

static int
protect(struct ingress_leg *l, uint8_t mode, uint8_t *pkt, int len)
{
	srtp_err_status_t st;
	if (mode == INGRESS_MODE_SRTP) {
		if (len < 12)
			return -1;
		fold_ssrc(pkt + 8);
		st = srtp_protect(l->send, pkt, &len);
	} else {
		if (len < 8)
			return -1;
		fold_ssrc(pkt + 4);
		st = srtp_protect_rtcp(l->send, pkt, &len);
	}
	return st == srtp_err_status_ok ? len : -1;
}

/* Ether/IPv4/UDP from the leg's participant to the leg's RTP or RTCP port. */
static int
wrap_udp(const struct ingress_leg *l, bool rtcp, uint8_t *frame, int len)
{
	const size_t hdrs =
		RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr);
	struct rte_ether_hdr *eth = (void *)frame;
	struct rte_ipv4_hdr *ip = (void *)(eth + 1);
	struct rte_udp_hdr *udp = (void *)(ip + 1);
	memmove(frame + hdrs, frame, (size_t)len);
	memset(frame, 0, hdrs);
	memset(&eth->dst_addr, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*udp) + len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = l->peer_ip;
	ip->dst_addr = rte_cpu_to_be_32(MEDIA_IP);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	uint16_t dport = (uint16_t)(l->port + (rtcp && !l->rtcp_mux));
	udp->src_port = rte_cpu_to_be_16((uint16_t)(l->peer_port + (rtcp && !l->rtcp_mux)));
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + len));
	return (int)hdrs + len;
}

int
ingress_build(struct ingress *in, uint8_t ctl, const uint8_t *body, size_t len, uint8_t *frame)
{
	uint8_t mode = ctl & 3;
	struct ingress_leg *l = &in->legs[((ctl >> 2) & 7) % INGRESS_LEGS];
	bool rtcp = mode == INGRESS_MODE_SRTCP || (ctl & 0x20);
	int n = (int)len;
	if (len > INGRESS_MAX_INPUT)
		return -1;
	memcpy(frame, body, len);
	if (mode == INGRESS_MODE_RAW)
		return len > 0 ? n : -1;
	if (mode != INGRESS_MODE_UDP && (n = protect(l, mode, frame, n)) < 0)
		return -1;
	return wrap_udp(l, rtcp, frame, n);
}

void
ingress_drain(struct ingress *in)
{
	struct rte_mbuf *m[64];
	unsigned int n;
	while ((n = rte_ring_dequeue_burst(in->tx, (void **)m, RTE_DIM(m), NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

uint64_t
ingress_legs_accepted(struct ingress *in)
{
	struct mrfp_leg_counters c;
	uint64_t n = 0;
	for (unsigned int i = 0; i < INGRESS_LEGS; i++)
		if (mrfp_dp_leg_counters(in->dp, 100 + i, &c) == 0)
			n += c.rx_pkts + c.rtcp_rx;
	return n;
}
