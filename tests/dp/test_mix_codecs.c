/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A conference of mixed codecs through a net_ring port in real time, mixed at 16 kHz: talkers
 * in PCMU, AMR (bandwidth-efficient), AMR-WB (octet-aligned), G.722 and Opus, each a tone of
 * its own (the G.722 talker's at 5 kHz, above narrowband), and SendOnly listeners. Participants
 * encode with the codec libraries and frame AMR per RFC 4867; what each receives is decrypted,
 * decoded in its codec and measured with a Goertzel filter at the codec's rate:
 *  - every talker hears every other talker and not itself;
 *  - the 5 kHz tone reaches the wideband listeners (AMR-WB, G.722, Opus) and cannot reach
 *    PCMU and AMR (a narrowband codec cannot carry it): the wideband path is end to end;
 *  - under a group key the two AMR-WB listeners (one cohort) get the same bytes, and the Opus
 *    listener (another cohort) another stream with its own SSRC;
 *  - telephone-event (RFC 4733) from the PCMU talker is never mixed: each key press is one
 *    event for control, and the listeners hear silence.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "codec_inst.h"
#include "harness.h"
#include "mrfp_dp.h"
#include "payload_amr.h"
#include "payload_dtmf.h"
#include "peer.h"

#define NP 8
#define FRAMES 75 /* 1.5 s of 20 ms packets per talker */
#define MAX_RX 400
#define MAX_PAYLOAD 320
#define WAIT_MS 3000
#define AMPLITUDE 4000
#define WIDE_HZ 5000.0
#define DTMF_PT 101

struct party {
	const char *name;
	uint8_t pt;
	struct mrfp_audio_fmt fmt;
	double hz; /* its tone; 0: a listener (SendOnly) */
	struct peer p;
	srtp_t group_recv;
	struct mrfp_codec_inst enc, dec;
	uint32_t pcm_rate, ts_step;
	unsigned int n_rx;
	uint8_t rx[MAX_RX][MAX_PAYLOAD]; /* UDP payloads as received (still protected) */
	uint16_t rx_len[MAX_RX];
	int16_t pcm[MAX_RX * 960]; /* decoded, in arrival order */
	unsigned int samples;
	uint32_t ssrc;
	bool ask;	     /* sends a codec mode request (AMR CMR) */
	uint8_t cmr;	     /* which */
	unsigned int ft[16]; /* AMR frames received, by frame type */
};

static struct party parties[NP] = {
	{"PCMU", 0, {MRFP_CODEC_PCMU, false, 0, 0}, 440},
	{"AMR", 97, {MRFP_CODEC_AMR, false, 7, 0}, 700},
	{"AMR-WB", 98, {MRFP_CODEC_AMR_WB, true, 8, 0}, 1000},
	{"G722", 9, {MRFP_CODEC_G722, false, 0, 0}, WIDE_HZ},
	{"opus", 111, {MRFP_CODEC_OPUS, false, 0, 32000}, 1600},
	{"AMR-WB listener", 98, {MRFP_CODEC_AMR_WB, true, 8, 0}, 0},
	{"AMR-WB listener 2", 98, {MRFP_CODEC_AMR_WB, true, 8, 0}, 0},
	{"opus listener", 111, {MRFP_CODEC_OPUS, false, 0, 32000}, 0},
};

static struct mrfp_dp *dp;
static struct mrfp_srtp_key group_key;
static uint32_t conf_id = 10;
static bool conf_up;

static bool
is_amr(const struct party *pt)
{
	return pt->fmt.codec == MRFP_CODEC_AMR || pt->fmt.codec == MRFP_CODEC_AMR_WB;
}

static bool
wideband(const struct party *pt)
{
	return mrfp_codec_info(pt->fmt.codec)->pcm_rate > 8000;
}

static srtp_t
inbound(const struct mrfp_srtp_key *k)
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.ssrc.type = ssrc_any_inbound;
	pol.key = (unsigned char *)(uintptr_t)k->material;
	pol.window_size = 1024;
	assert_int_equal(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

static int
party_of_ip(uint32_t ip)
{
	for (int i = 0; i < NP; i++)
		if (parties[i].p.ip == ip)
			return i;
	return -1;
}

static void
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int n;
	while ((n = rte_ring_dequeue_burst(h_tx, (void **)m, RTE_DIM(m), NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				m[i], struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
			struct rte_udp_hdr *udp = (void *)(ip + 1);
			int r = party_of_ip(ip->dst_addr);
			uint16_t len = rte_be_to_cpu_16(udp->dgram_len) - sizeof(*udp);
			if (r >= 0 && rte_be_to_cpu_16(udp->dst_port) == parties[r].p.port &&
			    parties[r].n_rx < MAX_RX && len <= MAX_PAYLOAD) {
				memcpy(parties[r].rx[parties[r].n_rx], udp + 1, len);
				parties[r].rx_len[parties[r].n_rx++] = len;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
}

/* One 20 ms frame of the party's tone, encoded and framed as its payload format says. */
static int
encode_frame(struct party *pt, unsigned int frame, uint8_t *out)
{
	int16_t pcm[960];
	unsigned int n = pt->pcm_rate / 50;
	for (unsigned int i = 0; i < n; i++) {
		double t = ((double)frame * n + i) / pt->pcm_rate;
		pcm[i] = (int16_t)(AMPLITUDE * sin(2 * M_PI * pt->hz * t));
	}
	if (!is_amr(pt))
		return mrfp_codec_encode(&pt->enc, pcm, n, out, MAX_PAYLOAD);
	struct mrfp_amr_frames fr = {.cmr = pt->ask ? pt->cmr : MRFP_AMR_CMR_NONE, .n = 1};
	int len = mrfp_codec_encode(&pt->enc, pcm, n, fr.f[0].storage, sizeof(fr.f[0].storage));
	assert_true(len > 0);
	fr.f[0].len = (uint8_t)len;
	return amr_payload_build(pt->fmt.codec == MRFP_CODEC_AMR_WB, pt->fmt.octet_aligned, &fr,
				 out, MAX_PAYLOAD);
}

static void
run_call(void)
{
	uint8_t payload[MAX_PAYLOAD];
	uint64_t hz = rte_get_timer_hz(), next = rte_get_timer_cycles();
	struct mrfp_worker_counters w0, wc;
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &w0), 0);
	uint64_t delivered = 0;
	for (unsigned int f = 0; f < FRAMES; f++) {
		for (int i = 0; i < NP; i++) {
			struct party *pt = &parties[i];
			if (pt->hz == 0)
				continue;
			int len = encode_frame(pt, f, payload);
			assert_true(len > 0);
			assert_int_equal(
				harness_deliver(peer_payload_frame(h_mp, &pt->p, pt->pt, payload,
								   (uint16_t)len, pt->ts_step)),
				0);
			delivered++;
		}
		next += hz / 50;
		while (rte_get_timer_cycles() < next)
			drain();
	}
	uint64_t limit = rte_get_timer_cycles() + 10 * hz;
	do {
		drain();
		assert_int_equal(mrfp_dp_worker_counters(dp, 0, &wc), 0);
	} while (wc.rx_pkts < w0.rx_pkts + delivered && rte_get_timer_cycles() < limit);
	uint64_t end = rte_get_timer_cycles() + hz / 2;
	while (rte_get_timer_cycles() < end)
		drain();
}

static void
decode_payload(struct party *pt, const uint8_t *payload, unsigned int len)
{
	int16_t pcm[MRFP_CODEC_PCM_MAX];
	if (!is_amr(pt)) {
		int n = mrfp_codec_decode(&pt->dec, payload, len, pcm);
		assert_true(n > 0);
		memcpy(pt->pcm + pt->samples, pcm, (size_t)n * sizeof(*pcm));
		pt->samples += (unsigned int)n;
		return;
	}
	struct mrfp_amr_frames fr;
	assert_int_equal(amr_payload_parse(pt->fmt.codec == MRFP_CODEC_AMR_WB,
					   pt->fmt.octet_aligned, payload, len, &fr),
			 0);
	for (unsigned int f = 0; f < fr.n; f++) {
		pt->ft[amr_storage_ft(fr.f[f].storage)]++;
		int n = mrfp_codec_decode(&pt->dec, fr.f[f].storage, fr.f[f].len, pcm);
		assert_true(n > 0);
		memcpy(pt->pcm + pt->samples, pcm, (size_t)n * sizeof(*pcm));
		pt->samples += (unsigned int)n;
	}
}

/* Decrypt and decode what a party received; one stream, in its own payload type. */
static void
decode_party(struct party *pt, bool under_group)
{
	pt->samples = 0;
	pt->ssrc = 0;
	memset(pt->ft, 0, sizeof(pt->ft));
	for (unsigned int i = 0; i < pt->n_rx; i++) {
		uint8_t buf[MAX_PAYLOAD];
		int len = pt->rx_len[i];
		memcpy(buf, pt->rx[i], (size_t)len);
		assert_int_equal(
			srtp_unprotect(under_group ? pt->group_recv : pt->p.recv, buf, &len),
			srtp_err_status_ok);
		assert_int_equal(buf[1] & 0x7f, pt->pt);
		if (pt->ssrc == 0)
			pt->ssrc = get32(buf + 8);
		assert_int_equal(get32(buf + 8), pt->ssrc);
		decode_payload(pt, buf + 12, (unsigned int)len - 12);
	}
}

/* Goertzel power of one frequency, summed over 20 ms Hann-windowed blocks at the party's rate,
 * after the first 200 ms (the codecs' and resamplers' start). */
static double
tone_power(const struct party *pt, double hz)
{
	unsigned int blk = pt->pcm_rate / 50;
	double coeff = 2 * cos(2 * M_PI * hz / pt->pcm_rate), total = 0;
	unsigned int start = 10 * blk;
	for (unsigned int b = start; b + blk <= pt->samples; b += blk) {
		double s1 = 0, s2 = 0;
		for (unsigned int i = b; i < b + blk; i++) {
			double hann = 0.5 - 0.5 * cos(2 * M_PI * (i - b) / (blk - 1.0));
			double s0 = hann * pt->pcm[i] + coeff * s1 - s2;
			s2 = s1;
			s1 = s0;
		}
		total += (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double)blk * blk);
	}
	return total / (pt->samples + 1);
}

static void
assert_hears(const struct party *pt)
{
	double strongest = 0;
	for (int t = 0; t < NP; t++)
		if (parties[t].hz != 0 && &parties[t] != pt &&
		    tone_power(pt, parties[t].hz) > strongest)
			strongest = tone_power(pt, parties[t].hz);
	assert_true(strongest > 0);
	for (int t = 0; t < NP; t++) {
		const struct party *talker = &parties[t];
		if (talker->hz == 0)
			continue;
		double pw = tone_power(pt, talker->hz);
		bool passes = talker->hz < 3400 || wideband(pt);
		if (getenv("MIX_DEBUG"))
			printf("%s hears %s (%.0f Hz): %.3g (strongest %.3g, %u samples)\n",
			       pt->name, talker->name, talker->hz, pw, strongest, pt->samples);
		if (talker == pt || !passes)
			assert_true(pw < strongest / 100);
		else
			assert_true(pw > strongest / 20);
	}
}

static void
party_codecs(struct party *pt)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(pt->fmt.codec);
	struct mrfp_codec_params ep = {.id = pt->fmt.codec,
				       .dir = MRFP_CODEC_ENCODER,
				       .mode = pt->fmt.mode,
				       .bitrate = pt->fmt.bitrate,
				       .complexity = 5};
	struct mrfp_codec_params dp_ = {.id = pt->fmt.codec, .dir = MRFP_CODEC_DECODER};
	assert_int_equal(mrfp_codec_inst_init(&pt->enc, &ep), 0);
	assert_int_equal(mrfp_codec_inst_init(&pt->dec, &dp_), 0);
	pt->pcm_rate = info->pcm_rate;
	pt->ts_step = info->clock_rate / 50;
}

static uint32_t mix_rate = 16000; /* the conferences' mix_rate parameter */

static void
setup_conference(enum mrfp_key_mode keys)
{
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_MIX,
				      .keys = keys,
				      .ptime_ms = 20,
				      .mix_rate = mix_rate,
				      .speakers = MRFP_SPEAKERS_ALL,
				      .group_key = keys == MRFP_KEYS_BILATERAL ? NULL : &group_key};
	conf_up = true;
	conf_id++;
	assert_int_equal(mrfp_dp_conf_add(dp, conf_id, &cp), 0);
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		struct mrfp_leg_params lp = {.local_port = (uint16_t)(42000 + 20 * conf_id + 2 * i),
					     .mode = pt->hz != 0 ? MRFP_MODE_SENDRECV
								 : MRFP_MODE_SENDONLY,
					     .latch = MRFP_LATCH_STRICT,
					     .pt = pt->pt,
					     .fmt = pt->fmt,
					     .dtmf_pt = i == 0 ? DTMF_PT : 0};
		peer_init(&pt->p, (unsigned int)i, lp.local_port,
			  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		pt->group_recv = inbound(&group_key);
		pt->n_rx = 0;
		party_codecs(pt);
		lp.remote.family = AF_INET;
		lp.remote.v4 = pt->p.ip;
		lp.remote.port = rte_cpu_to_be_16(pt->p.port);
		assert_int_equal(mrfp_dp_leg_add(dp, conf_id, conf_id * 100 + i, &lp,
						 &pt->p.send_key,
						 keys == MRFP_KEYS_GROUP ? NULL : &pt->p.recv_key),
				 0);
	}
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
}

static void
teardown_conference(void)
{
	if (!conf_up)
		return;
	conf_up = false;
	assert_int_equal(mrfp_dp_conf_remove(dp, conf_id), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	drain();
	for (int i = 0; i < NP; i++) {
		peer_fini(&parties[i].p);
		srtp_dealloc(parties[i].group_recv);
		mrfp_codec_inst_fini(&parties[i].enc);
		mrfp_codec_inst_fini(&parties[i].dec);
	}
}

static void
check_mode(enum mrfp_key_mode keys)
{
	setup_conference(keys);
	run_call();
	for (int i = 0; i < NP; i++) {
		struct party *pt = &parties[i];
		bool group = keys == MRFP_KEYS_GROUP || (keys == MRFP_KEYS_HYBRID && pt->hz == 0);
		struct mrfp_leg_counters c;
		assert_int_equal(mrfp_dp_leg_counters(dp, conf_id * 100 + (uint32_t)i, &c), 0);
		assert_int_equal(c.drops[MRFP_DROP_UNSUPPORTED_PAYLOAD], 0);
		assert_int_equal(c.drops[MRFP_DROP_MALFORMED_PAYLOAD], 0);
		assert_true(pt->n_rx >= FRAMES / 4); /* a loaded 2-CPU host may lose ticks */
		decode_party(pt, group);
		assert_hears(pt);
	}
	const struct party *wb1 = &parties[5], *wb2 = &parties[6], *op = &parties[7];
	if (keys != MRFP_KEYS_BILATERAL) {
		/* one cohort, one stream: the same SRTP bytes seq by seq; another cohort, another
		 */
		assert_int_equal(wb1->ssrc, wb2->ssrc);
		assert_int_not_equal(wb1->ssrc, op->ssrc);
		unsigned int same = 0;
		for (unsigned int i = 0; i < wb1->n_rx; i++)
			for (unsigned int j = 0; j < wb2->n_rx; j++)
				if (get16(wb1->rx[i] + 2) == get16(wb2->rx[j] + 2)) {
					assert_int_equal(wb1->rx_len[i], wb2->rx_len[j]);
					assert_memory_equal(wb1->rx[i], wb2->rx[j], wb1->rx_len[i]);
					same++;
				}
		assert_true(same >= FRAMES / 4);
	} else {
		assert_int_not_equal(wb1->ssrc, wb2->ssrc);
	}
	teardown_conference();
}

/* A talker changes codec mid-call (PCMU to AMR-WB): it moves to its new format's cohort, is
 * heard in it, hears the others in it, and nobody else notices. */
static void
test_codec_change(void **state)
{
	(void)state;
	setup_conference(MRFP_KEYS_GROUP);
	struct party *pt = &parties[0];
	struct mrfp_leg_params lp;
	uint32_t leg_id = conf_id * 100;
	assert_int_equal(mrfp_dp_leg_params(dp, leg_id, &lp), 0);
	lp.pt = 98;
	lp.fmt = (struct mrfp_audio_fmt){MRFP_CODEC_AMR_WB, true, 2, 0};
	assert_int_equal(mrfp_dp_leg_modify(dp, leg_id, &lp, NULL, NULL), 0);
	assert_int_equal(mrfp_dp_sync(dp, WAIT_MS), 0);
	mrfp_dp_reap(dp); /* the old decoder and encoder come back */
	mrfp_codec_inst_fini(&pt->enc);
	mrfp_codec_inst_fini(&pt->dec);
	pt->pt = 98;
	pt->fmt = lp.fmt;
	party_codecs(pt);
	run_call();
	for (int i = 0; i < NP; i++) {
		struct party *p = &parties[i];
		assert_true(p->n_rx >= FRAMES / 4);
		decode_party(p, true);
		assert_hears(p);
	}
	teardown_conference();
	pt->pt = 0; /* as the table has it, for the tests after */
	pt->fmt = (struct mrfp_audio_fmt){MRFP_CODEC_PCMU, false, 0, 0};
}

/* An AMR-WB talker asks for mode 2 (12.65 kbit/s) with CMR: what it receives drops to mode 2,
 * and so does its cohort (the lowest any member asked for: it may hear the common stream any
 * tick), while the AMR leg, another cohort, keeps its mode 7. */
static void
test_mode_request_obeyed(void **state)
{
	(void)state;
	struct party *asker = &parties[2];
	asker->ask = true;
	asker->cmr = 2;
	setup_conference(MRFP_KEYS_BILATERAL);
	run_call();
	asker->ask = false;
	for (int i = 0; i < NP; i++)
		decode_party(&parties[i], false);
	unsigned int got = asker->n_rx;
	if (getenv("MIX_DEBUG"))
		printf("asker: %u of FT 2, %u of FT 8; listener %u of FT 2; AMR %u of FT 7\n",
		       asker->ft[2], asker->ft[8], parties[5].ft[2], parties[1].ft[7]);
	/* before its first packet arrives it has asked nothing: a few frames at the best mode */
	assert_true(asker->ft[2] >= got - 10 && asker->ft[8] <= 10);
	for (int i = 5; i <= 6; i++)
		assert_true(parties[i].ft[2] >= parties[i].n_rx - 10 && parties[i].ft[8] <= 10);
	assert_int_equal(parties[1].ft[2], 0);
	assert_true(parties[1].ft[7] >= parties[1].n_rx - 2);
	teardown_conference();
}

/* No mix rate asked: the first leg (PCMU) starts it at 8 kHz, and it rises as the wideband
 * legs join (to 48 kHz with Opus), so the 5 kHz tone still reaches the wideband listeners. */
static void
test_rate_follows_legs(void **state)
{
	(void)state;
	mix_rate = 0;
	check_mode(MRFP_KEYS_BILATERAL);
	mix_rate = 16000;
}

static void
test_codecs_bilateral(void **state)
{
	(void)state;
	check_mode(MRFP_KEYS_BILATERAL);
}

static void
test_codecs_group(void **state)
{
	(void)state;
	check_mode(MRFP_KEYS_GROUP);
}

static void
test_codecs_hybrid(void **state)
{
	(void)state;
	check_mode(MRFP_KEYS_HYBRID);
}

static void
count_dtmf(const struct mrfp_event *ev, void *arg)
{
	char *digits = arg;
	size_t n = strlen(digits);
	if (ev->type == MRFP_EVENT_DTMF && ev->leg_id == conf_id * 100 && n < 15) {
		digits[n] = (char)ev->digit;
		digits[n + 1] = '\0';
	}
}

/* One key press as a sender sends it (RFC 4733 2.5): updates every 50 ms, then the end
 * packet three times, all with the event's start timestamp. */
static void
press(struct party *pt, uint8_t event, uint32_t ts)
{
	uint8_t payload[MRFP_DTMF_PAYLOAD_LEN];
	for (unsigned int i = 0; i < 7; i++) {
		struct mrfp_dtmf_event ev = {.event = event,
					     .end = i >= 4,
					     .volume = 10,
					     .duration = (uint16_t)(400 * (i < 4 ? i + 1 : 4))};
		dtmf_event_build(&ev, payload);
		pt->p.ts = ts;
		assert_int_equal(harness_deliver(peer_payload_frame(h_mp, &pt->p, DTMF_PT, payload,
								    sizeof(payload), 0)),
				 0);
		rte_delay_us_sleep(i < 4 ? 50000 : 2000);
		drain();
	}
}

static void
test_dtmf_reported_not_mixed(void **state)
{
	(void)state;
	char digits[16] = "";
	setup_conference(MRFP_KEYS_BILATERAL);
	while (mrfp_dp_poll_events(dp, count_dtmf, digits) > 0)
		;
	digits[0] = '\0';
	struct mrfp_worker_counters w0, wc;
	assert_int_equal(mrfp_dp_worker_counters(dp, 0, &w0), 0);
	press(&parties[0], 1, 8000);
	press(&parties[0], 11, 16000); /* '#' */
	press(&parties[0], 11, 16000); /* the same press again: the same timestamp, not news */
	/* the worker took every packet (a loaded host may starve it for a while: 10 s at most) */
	uint64_t hz = rte_get_timer_hz(), limit = rte_get_timer_cycles() + 10 * hz;
	do {
		drain();
		assert_int_equal(mrfp_dp_worker_counters(dp, 0, &wc), 0);
	} while (wc.rx_pkts < w0.rx_pkts + 21 && rte_get_timer_cycles() < limit);
	uint64_t end = rte_get_timer_cycles() + hz / 2;
	while (rte_get_timer_cycles() < end)
		drain();
	while (mrfp_dp_poll_events(dp, count_dtmf, digits) > 0)
		;
	assert_string_equal(digits, "1#");
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(dp, conf_id * 100, &c), 0);
	assert_int_equal(c.drops[MRFP_DROP_UNSUPPORTED_PAYLOAD], 0);
	assert_int_equal(c.drops[MRFP_DROP_MALFORMED_PAYLOAD], 0);
	/* nothing of it in the mix: a listener hears silence */
	struct party *l = &parties[5];
	assert_true(l->n_rx >= 20); /* the mix went on meanwhile */
	decode_party(l, false);
	int16_t peak = 0;
	for (unsigned int i = 0; i < l->samples; i++)
		if (abs(l->pcm[i]) > peak)
			peak = (int16_t)abs(l->pcm[i]);
	assert_true(peak < 100);
	teardown_conference();
}

/* What a mix cannot send is refused whole: nothing is added. */
static void
test_unsupported_formats_refused(void **state)
{
	(void)state;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_MIX, .ptime_ms = 30, .mix_rate = 16000};
	assert_int_equal(mrfp_dp_conf_add(dp, 900, &cp), 0);
	struct peer p;
	peer_init(&p, 0, 43000, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_leg_params lp = {.local_port = 43000,
				     .mode = MRFP_MODE_SENDRECV,
				     .pt = 98,
				     .fmt = {MRFP_CODEC_AMR_WB, true, 8, 0}};
	lp.remote.family = AF_INET;
	lp.remote.v4 = p.ip;
	lp.remote.port = rte_cpu_to_be_16(p.port);
	/* AMR frames are 20 ms: not at ptime 30 */
	assert_int_equal(mrfp_dp_leg_add(dp, 900, 9001, &lp, &p.send_key, &p.recv_key), -EINVAL);
	lp.pt = 18; /* G.729: static, not ours */
	assert_int_equal(mrfp_dp_leg_add(dp, 900, 9001, &lp, &p.send_key, &p.recv_key), -EINVAL);
	lp.pt = 111;
	lp.fmt = (struct mrfp_audio_fmt){MRFP_CODEC_OPUS, false, 0, 32000};
	/* no 30 ms Opus frame */
	assert_int_equal(mrfp_dp_leg_add(dp, 900, 9001, &lp, &p.send_key, &p.recv_key), -EINVAL);
	assert_int_equal(mrfp_dp_conf_remove(dp, 900), 0);
	cp.ptime_ms = 20;
	assert_int_equal(mrfp_dp_conf_add(dp, 900, &cp), 0);
	lp.fmt = (struct mrfp_audio_fmt){MRFP_CODEC_OPUS, false, 0, 1000}; /* under 6 kbit/s */
	assert_int_equal(mrfp_dp_leg_add(dp, 900, 9001, &lp, &p.send_key, &p.recv_key), -EINVAL);
	struct mrfp_leg_counters c;
	assert_int_equal(mrfp_dp_leg_counters(dp, 9001, &c), -ENOENT);
	cp.mix_rate = 22050;
	assert_int_equal(mrfp_dp_conf_add(dp, 901, &cp), -EINVAL);
	assert_int_equal(mrfp_dp_conf_remove(dp, 900), 0);
	peer_fini(&p);
}

static int
after_each(void **state)
{
	(void)state;
	mix_rate = 16000;
	teardown_conference();
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	int port = harness_init("mrfp_dp_mix_codecs");
	struct mrfp_config cfg;
	if (port < 0)
		return -1;
	harness_config(&cfg, port);
	for (int i = 0; i < NP; i++) {
		cfg.neigh[i].ip.family = AF_INET;
		cfg.neigh[i].ip.v4 = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2 + i));
		uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(0x10 + i)};
		memcpy(cfg.neigh[i].mac, mac, 6);
	}
	cfg.n_neigh = NP;
	group_key.suite = MRFP_SUITE_AES_CM_128_HMAC_SHA1_80;
	group_key.len = 30;
	for (int i = 0; i < 30; i++)
		group_key.material[i] = (uint8_t)rte_rand();
	dp = harness_dp_create(&cfg);
	return dp != NULL && mrfp_dp_start(dp) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	mrfp_dp_destroy(dp);
	return harness_fini();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_codecs_bilateral, after_each),
		cmocka_unit_test_teardown(test_codecs_group, after_each),
		cmocka_unit_test_teardown(test_codecs_hybrid, after_each),
		cmocka_unit_test_teardown(test_dtmf_reported_not_mixed, after_each),
		cmocka_unit_test_teardown(test_codec_change, after_each),
		cmocka_unit_test_teardown(test_mode_request_obeyed, after_each),
		cmocka_unit_test_teardown(test_rate_follows_legs, after_each),
		cmocka_unit_test(test_unsupported_formats_refused),
	};
	return cmocka_run_group_tests_name("dp_mix_codecs", tests, setup, teardown);
}
