/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cost of one 20 ms mixing tick (jitter-buffer reads, speaker selection, mix, N-1, encode,
 * encrypt, header push, TX) for conferences of N legs with T talkers, in each key mode, next
 * to N plain srtp_protect calls measured in the same run. The conference is driven on a
 * synthetic clock: each talker's frame is put in its jitter buffer (untimed: that is the
 * packet path), then the tick is timed. Medians of interleaved repetitions.
 *
 * -S: the price of mixing every talker instead of choosing speakers, every leg talking:
 * K=3 against K=all (MRFP_SPEAKERS_ALL) at 10 and 50 legs (or -s), bilateral keys, in one run.
 *
 * -c CODEC (pcmu, g722, amr, amr-wb, opus): every leg speaks it and the conference mixes at its
 * rate. -E: the encode-once effect for that codec: the tick of 3 talkers and N listeners (one
 * cohort) next to what one encode per listener would add (FreeSWITCH, Janus AudioBridge): N
 * times one encode of the codec, measured in the same run. Talkers' decoding is on the packet
 * path, not in the tick.
 *
 * -C: capacity per worker for 10-party conferences with 3 talkers, per codec, against the
 * codec floor of the same run: the 3 decodes (packet path, jitter buffer included) plus the
 * tick, against 3 decodes and 4 encodes alone (3 talkers' N-1 mixes, the cohort's mix).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <srtp2/srtp.h>

#include "dp_priv.h"
#include "jbuf.h"
#include "mix_codec.h"
#include "mix_setup.h"
#include "tx.h"
#include "mrfp_dp.h"

#define TICKS 200
#define MAX_TICK_SAMPLES 960 /* 48 kHz x 20 ms */

/* The codec every leg speaks, and the mix rate that goes with it. */
struct bench_codec {
	const char *name;
	uint8_t pt;
	struct mrfp_audio_fmt fmt;
	uint32_t rate;
};

static const struct bench_codec codecs[] = {
	{"pcmu", 0, {MRFP_CODEC_PCMU, false, 0, 0}, 8000},
	{"g722", 9, {MRFP_CODEC_G722, false, 0, 0}, 16000},
	{"amr", 97, {MRFP_CODEC_AMR, false, 7, 0}, 8000},
	{"amr-wb", 98, {MRFP_CODEC_AMR_WB, false, 8, 0}, 16000},
	{"opus", 111, {MRFP_CODEC_OPUS, false, 0, 32000}, 48000},
};
static const struct bench_codec *codec = &codecs[0];

static struct rte_ring *rxr, *txr;
static struct mrfp_dp *dp;
static int16_t tone[8][MAX_TICK_SAMPLES * TICKS];

static void
random_key(struct mrfp_srtp_key *k)
{
	memset(k, 0, sizeof(*k)); /* no MKI, default lifetime */
	k->suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	k->len = 30;
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)rte_rand();
}

static void
make_tones(void)
{
	for (unsigned int t = 0; t < 8; t++)
		for (unsigned int i = 0; i < codec->rate / 50 * TICKS; i++)
			tone[t][i] = (int16_t)(5000 * sin(2 * M_PI * (300 + 170 * t) * i /
							  (double)codec->rate));
}

static void
setup(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=mrfp_bench_mix_%d", getpid());
	char *argv[] = {"bench", "--no-huge", "-m",
			"1024",	 "--no-pci",  prefix,
			"-l",	 "0-1",	      "--log-level=mrfp.*:warning",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		exit(1);
	rxr = rte_ring_create("b_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	txr = rte_ring_create("b_tx", 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	int port = rte_eth_from_rings("b_port", &rxr, 1, &txr, 1, 0);
	struct mrfp_config cfg;
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 8;
	cfg.port_min = 20000;
	cfg.port_max = 60000;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = 1;
	cfg.max_legs_per_conf = 1000;
	cfg.rtcp_interval_ms = 600000; /* no reports during the measurement */
	cfg.leg_inactivity_ms = 0;
	cfg.mbufs_per_socket = 16383;
	if (port < 0 || (dp = mrfp_dp_create(&cfg)) == NULL)
		exit(1);
	make_tones();
}

static struct dp_conf *
make_conf(uint32_t id, unsigned int n, unsigned int talkers, enum mrfp_key_mode keys,
	  uint8_t speakers)
{
	struct dp_worker *w = dp->w[0];
	struct mrfp_srtp_key gk, rx, tx;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_MIX,
				      .keys = keys,
				      .ptime_ms = 20,
				      .speakers = speakers,
				      .mix_rate = codec->rate,
				      .max_legs = (uint16_t)n,
				      .group_key = &gk};
	random_key(&gk);
	if (mrfp_dp_conf_add(dp, id, &cp) < 0)
		exit(1);
	for (unsigned int l = 0; l < n; l++) {
		struct mrfp_leg_params p = {
			.local_port = (uint16_t)(20000 + 2 * (id % 8 * 1000 + l)),
			.mode = l < talkers ? MRFP_MODE_SENDRECV : MRFP_MODE_SENDONLY,
			.latch = MRFP_LATCH_OFF,
			.pt = codec->pt,
			.fmt = codec->fmt};
		struct mrfp_static_neigh nb = {.mac = {2, 0, 0, 0, (uint8_t)(l >> 8), (uint8_t)l}};
		p.remote.family = AF_INET;
		p.remote.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 1, l >> 8, l & 0xff));
		p.remote.port = rte_cpu_to_be_16(5000);
		nb.ip = p.remote;
		nb.ip.port = 0;
		random_key(&rx);
		random_key(&tx);
		neigh_set_static(w, &nb);
		if (mrfp_dp_leg_add(dp, id, id * 10000 + l, &p, &rx, &tx) < 0)
			exit(1);
		while (w->cmd_done < w->cmd_posted)
			worker_apply_commands(w);
	}
	void *c;
	if (rte_hash_lookup_data(dp->confs, &id, &c) < 0)
		exit(1);
	return c;
}

static void
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int n;
	while ((n = rte_ring_dequeue_burst(txr, (void **)m, RTE_DIM(m), NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

/* The median of v[0..n) (sorts v). */
static double
median(double *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (v[j] < v[i]) {
				double x = v[i];
				v[i] = v[j];
				v[j] = x;
			}
	return v[n / 2];
}

/* Median cycles of a tick over TICKS ticks on a synthetic 20 ms clock. */
static double
run_ticks(struct dp_conf *c, unsigned int talkers)
{
	struct dp_worker *w = dp->w[0];
	uint64_t step = c->mix.tick_tsc, now = rte_get_tsc_cycles();
	double cycles[TICKS];
	for (unsigned int t = 0; t < TICKS; t++) {
		now += step;
		for (unsigned int l = 0; l < talkers; l++) {
			const struct mix_dec *d = c->legs[l]->mix.dec;
			jbuf_put(c->legs[l]->mix.jb, d->samples * t, &tone[l % 8][d->samples * t],
				 d->samples, now / d->tsc_per_sample);
		}
		uint64_t t0 = rte_rdtsc_precise();
		mix_tick(w, c, now);
		tx_flush(w);
		cycles[t] = (double)(rte_rdtsc_precise() - t0);
		drain();
	}
	/* the first ticks fill the jitter buffer: the median covers the steady state */
	return median(cycles, TICKS);
}

/* N protects of a 172-byte packet, each with its own session: what bilateral output costs.
 * Median of 9 rounds: one round can be hit by a page fault or the other tenant. */
static double
run_protects_once(unsigned int n)
{
	srtp_t *s = calloc(n, sizeof(*s));
	uint8_t buf[256];
	for (unsigned int i = 0; i < n; i++) {
		struct mrfp_srtp_key k;
		srtp_policy_t pol;
		random_key(&k);
		memset(&pol, 0, sizeof(pol));
		srtp_crypto_policy_set_rtp_default(&pol.rtp);
		srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
		pol.ssrc.type = ssrc_any_outbound;
		pol.key = k.material;
		pol.window_size = 1024;
		srtp_create(&s[i], &pol);
	}
	memset(buf, 0x55, sizeof(buf));
	buf[0] = 0x80;
	uint64_t t0 = rte_rdtsc_precise();
	for (unsigned int r = 0; r < 20; r++)
		for (unsigned int i = 0; i < n; i++) {
			int len = 172;
			buf[3] = (uint8_t)r;
			buf[2] = (uint8_t)(r >> 8);
			srtp_protect(s[i], buf, &len);
		}
	double cyc = (double)(rte_rdtsc_precise() - t0) / 20;
	for (unsigned int i = 0; i < n; i++)
		srtp_dealloc(s[i]);
	free(s);
	return cyc;
}

static double
run_protects(unsigned int n)
{
	double v[9];
	for (unsigned int r = 0; r < 9; r++)
		v[r] = run_protects_once(n);
	return median(v, 9);
}

static void
remove_conf(uint32_t id)
{
	mrfp_dp_conf_remove(dp, id);
	while (dp->w[0]->cmd_done < dp->w[0]->cmd_posted)
		worker_apply_commands(dp->w[0]);
	mrfp_dp_reap(dp);
}

static double
median5(double *v)
{
	return median(v, 5);
}

/* Every leg talking: a tick with K=3 and with K=all, bilateral keys, in the same run; the
 * median of 5 interleaved repetitions (the other tenant of a shared host comes and goes). */
static void
run_speakers(const unsigned int *sizes, unsigned int n_sizes)
{
	static const uint8_t ks[2] = {3, MRFP_SPEAKERS_ALL};
	double ns = 1e9 / (double)rte_get_tsc_hz();
	uint32_t id = 1;
	printf("mix tick, every leg talking (PCMU 20 ms, bilateral), K=3 vs K=all, median of %u "
	       "ticks, median of 5 repetitions\n",
	       TICKS);
	printf("  %5s %12s %12s %10s\n", "legs", "K=3 ns", "K=all ns", "all / K=3");
	for (unsigned int s = 0; s < n_sizes; s++) {
		double reps[2][5], tick[2];
		for (unsigned int r = 0; r < 5; r++)
			for (unsigned int k = 0; k < 2; k++) {
				struct dp_conf *conf = make_conf(id, sizes[s], sizes[s],
								 MRFP_KEYS_BILATERAL, ks[k]);
				reps[k][r] = run_ticks(conf, sizes[s]) * ns;
				remove_conf(id++);
			}
		for (unsigned int k = 0; k < 2; k++)
			tick[k] = median5(reps[k]);
		printf("  %5u %12.0f %12.0f %10.2f\n", sizes[s], tick[0], tick[1],
		       tick[1] / tick[0]);
		printf("csv,bench_mix_speakers,%u,%.0f,%.0f\n", sizes[s], tick[0], tick[1]);
	}
}

/* One encode of a 20 ms mix frame in the codec (resampling included): median of 200. */
static double
encode_cycles(void)
{
	struct mrfp_leg_params lp = {.pt = codec->pt, .fmt = codec->fmt};
	struct mix_fmt f;
	uint8_t out[1500];
	double v[TICKS];
	unsigned int n = codec->rate / 50;
	if (mix_fmt_resolve(&lp, 20, &f) < 0)
		exit(1);
	struct mix_enc *e = mix_enc_create(&f, codec->rate, 20, MIX_OPUS_COMPLEXITY, 0);
	if (e == NULL)
		exit(1);
	for (unsigned int t = 0; t < TICKS; t++) {
		uint64_t t0 = rte_rdtsc_precise();
		if (mix_enc_run(e, &tone[t % 8][n * t], n, out, sizeof(out)) == 0)
			exit(1);
		v[t] = (double)(rte_rdtsc_precise() - t0);
	}
	mix_enc_free(e);
	return median(v, TICKS);
}

/* One 20 ms payload of the codec decoded into a jitter buffer, as the packet path does:
 * median over TICKS frames. */
static double
decode_cycles(void)
{
	struct mrfp_leg_params lp = {.pt = codec->pt, .fmt = codec->fmt};
	struct mix_fmt f;
	uint8_t payload[TICKS][160];
	uint16_t len[TICKS];
	double v[TICKS];
	unsigned int n = codec->rate / 50;
	if (mix_fmt_resolve(&lp, 20, &f) < 0)
		exit(1);
	struct mix_enc *e = mix_enc_create(&f, codec->rate, 20, MIX_OPUS_COMPLEXITY, 0);
	struct mix_dec *d = mix_dec_create(&f, codec->rate, 20, 0);
	struct mrfp_jbuf *jb =
		rte_zmalloc("bench_jb", jbuf_size(d != NULL ? d->pcm_rate : 8000), 64);
	if (e == NULL || d == NULL || jb == NULL || jbuf_init(jb, d->pcm_rate, d->samples) < 0)
		exit(1);
	for (unsigned int t = 0; t < TICKS; t++)
		len[t] = (uint16_t)mix_enc_run(e, &tone[0][n * t], n, payload[t],
					       sizeof(payload[t]));
	uint32_t step = mrfp_codec_info(f.a.codec)->clock_rate / 50;
	for (unsigned int t = 0; t < TICKS; t++) {
		uint64_t now = rte_get_tsc_cycles();
		uint64_t t0 = rte_rdtsc_precise();
		(void)mix_dec_input(d, jb, payload[t], len[t], step * t, now);
		v[t] = (double)(rte_rdtsc_precise() - t0);
	}
	mix_enc_free(e);
	mix_dec_free(d);
	rte_free(jb);
	return median(v, TICKS);
}

/* Per codec: how many 10-party conferences (3 talkers, bilateral) one worker carries in its
 * 20 ms, against the codec floor (3 decodes and 4 encodes), in one run. */
static void
run_capacity(void)
{
	double ns = 1e9 / (double)rte_get_tsc_hz();
	uint32_t id = 1;
	printf("capacity per worker, 10-party conferences, 3 talkers, bilateral keys (ticks: "
	       "median "
	       "of 200, of 5 repetitions)\n");
	printf("  %-7s %9s %9s %10s %11s %12s %12s %9s\n", "codec", "enc ns", "dec ns", "tick ns",
	       "conf ns", "confs/worker", "floor confs", "of floor");
	for (unsigned int c = 0; c < RTE_DIM(codecs); c++) {
		codec = &codecs[c];
		make_tones();
		double enc = encode_cycles() * ns, dec = decode_cycles() * ns, reps[5];
		for (unsigned int r = 0; r < 5; r++) {
			struct dp_conf *conf = make_conf(id, 10, 3, MRFP_KEYS_BILATERAL, 3);
			reps[r] = run_ticks(conf, 3) * ns;
			remove_conf(id++);
		}
		double tick = median5(reps), conf_ns = tick + 3 * dec, floor_ns = 3 * dec + 4 * enc;
		printf("  %-7s %9.0f %9.0f %10.0f %11.0f %12.0f %12.0f %8.0f%%\n", codec->name, enc,
		       dec, tick, conf_ns, 20e6 / conf_ns, 20e6 / floor_ns,
		       100 * floor_ns / conf_ns);
		printf("csv,bench_mix_capacity,%s,%.0f,%.0f,%.0f\n", codec->name, enc, dec, tick);
	}
}

/* The encode-once effect: 3 talkers and N listeners in one cohort, against one encode per
 * listener; bilateral and group keys, the median of 5 interleaved repetitions. */
static void
run_encode_once(const unsigned int *sizes, unsigned int n_sizes)
{
	static const enum mrfp_key_mode modes[] = {MRFP_KEYS_BILATERAL, MRFP_KEYS_GROUP};
	static const char *const names[] = {"bilateral", "group"};
	double ns = 1e9 / (double)rte_get_tsc_hz();
	double enc = encode_cycles() * ns, first[2] = {0, 0};
	uint32_t id = 1;
	printf("encode once per cohort (%s, mix at %u Hz, 3 talkers, K=3), median of %u ticks, "
	       "of 5 repetitions; one encode %.0f ns\n",
	       codec->name, codec->rate, TICKS, enc);
	printf("  %5s %-10s %12s %20s %10s %12s\n", "legs", "keys", "tick ns", "encode/listener ns",
	       "ratio", "vs smallest");
	for (unsigned int s = 0; s < n_sizes; s++) {
		for (unsigned int k = 0; k < 2; k++) {
			double reps[5];
			for (unsigned int r = 0; r < 5; r++) {
				struct dp_conf *conf = make_conf(id, sizes[s], 3, modes[k], 3);
				reps[r] = run_ticks(conf, 3) * ns;
				remove_conf(id++);
			}
			double tick = median5(reps);
			/* the tick encodes 4 times (3 talkers' N-1, the cohort's mix); one encode
			 * per leg would be N */
			double per_listener = tick + (double)(sizes[s] - 4) * enc;
			if (s == 0)
				first[k] = tick;
			printf("  %5u %-10s %12.0f %20.0f %10.2f %12.2f\n", sizes[s], names[k],
			       tick, per_listener, per_listener / tick, tick / first[k]);
			printf("csv,bench_mix_cohort,%s,%u,%s,%.0f,%.0f,%.0f\n", codec->name,
			       sizes[s], names[k], tick, enc, per_listener);
		}
	}
}

int
main(int argc, char **argv)
{
	static const char *const mode_names[] = {"bilateral", "group", "hybrid"};
	unsigned int sizes[8] = {10, 100}, n_sizes = 2, talkers = 3, percent = 0;
	bool speakers = false, encode_once = false, capacity = false;
	int c;
	while ((c = getopt(argc, argv, "t:s:p:Sc:EC")) != -1) {
		if (c == 'C') {
			capacity = true;
		} else if (c == 'c') {
			codec = NULL;
			for (unsigned int i = 0; i < RTE_DIM(codecs); i++)
				if (strcmp(optarg, codecs[i].name) == 0)
					codec = &codecs[i];
			if (codec == NULL) {
				fprintf(stderr,
					"bench_mix: codecs pcmu, g722, amr, amr-wb, opus\n");
				return 2;
			}
		} else if (c == 'E') {
			encode_once = true;
			sizes[0] = 10, sizes[1] = 100, sizes[2] = 1000, n_sizes = 3; /* unless -s */
		} else if (c == 'S') {
			speakers = true;
			sizes[0] = 10, sizes[1] = 50; /* unless -s follows */
		} else if (c == 't') {
			talkers = (unsigned int)atoi(optarg);
		} else if (c == 's') { /* conference sizes, e.g. 3,10,100,1000 */
			char *save = NULL;
			n_sizes = 0;
			for (char *t = strtok_r(optarg, ",", &save); t && n_sizes < 8;
			     t = strtok_r(NULL, ",", &save))
				sizes[n_sizes++] = (unsigned int)atoi(t);
		} else if (c == 'p') { /* this share of the legs talking, instead of -t */
			percent = (unsigned int)atoi(optarg);
		} else {
			fprintf(stderr, "usage: bench_mix [-c codec] [-t talkers | -p percent | -S "
					"| -E | -C] "
					"[-s sizes]\n");
			return 2;
		}
	}
	for (unsigned int i = 0; i < n_sizes; i++)
		if (sizes[i] < 2 || sizes[i] > 1000) {
			fprintf(stderr, "bench_mix: sizes 2..1000\n");
			return 2;
		}
	if (talkers > 10) { /* 0: listeners only, the output stage of the common stream alone */
		fprintf(stderr, "bench_mix: 0..10 talkers\n");
		return 2;
	}
	setup();
	if (encode_once || speakers || capacity) {
		if (capacity)
			run_capacity();
		else if (encode_once)
			run_encode_once(sizes, n_sizes);
		else
			run_speakers(sizes, n_sizes);
		mrfp_dp_destroy(dp);
		rte_eal_cleanup();
		return 0;
	}
	double ns = 1e9 / (double)rte_get_tsc_hz();
	uint32_t id = 1;
	if (percent > 100) {
		fprintf(stderr, "bench_mix: -p 0..100\n");
		return 2;
	}
	if (percent)
		printf("mix tick cost (%s 20 ms, %u %% of the legs talking, K=3), median of %u "
		       "ticks\n",
		       codec->name, percent, TICKS);
	else
		printf("mix tick cost (%s 20 ms, %u talkers, K=3), median of %u ticks\n",
		       codec->name, talkers, TICKS);
	printf("  %5s %-10s %12s %14s %8s\n", "legs", "keys", "tick ns", "N protects ns", "ratio");
	for (unsigned int s = 0; s < n_sizes; s++) {
		double tick[MRFP_KEYS_COUNT];
		unsigned int t = percent ? RTE_MAX(1u, sizes[s] * percent / 100) : talkers;
		t = RTE_MIN(t, sizes[s]);
		double prot = run_protects(sizes[s]) * ns;
		for (unsigned int k = 0; k < MRFP_KEYS_COUNT; k++) {
			struct dp_conf *conf = make_conf(id, sizes[s], t, k, 3);
			tick[k] = run_ticks(conf, t) * ns;
			printf("  %5u %-10s %12.0f %14.0f %8.2f\n", sizes[s], mode_names[k],
			       tick[k], prot, tick[k] / prot);
			printf("csv,bench_mix,%u,%u,%s,%.0f,%.0f\n", sizes[s], t, mode_names[k],
			       tick[k], prot);
			remove_conf(id++);
		}
		printf("  %5u bilateral/group tick ratio %.1f\n", sizes[s],
		       tick[MRFP_KEYS_BILATERAL] / tick[MRFP_KEYS_GROUP]);
	}
	mrfp_dp_destroy(dp);
	rte_eal_cleanup();
	return 0;
}
