/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media mode `mix`. On the packet path a leg's audio is decoded, in its own codec, into its
 * jitter buffer. Every ptime the conference ticks on its worker, against an absolute deadline
 * so that it never drifts: one frame per leg (or concealment, or silence) resampled to the
 * mix rate, the K speakers chosen (speakers.h: the loudest, with hysteresis; with
 * K = MRFP_SPEAKERS_ALL no choice, every frame is mixed), the full mix summed once, each
 * talker's N-1 mix derived from it and encoded by the talker's own encoder, the common mix
 * encoded once per cohort (mix_codec.h: the listeners of one payload format), then encrypted
 * by key mode:
 *   bilateral  every leg's stream under its own key (the common mix encoded once);
 *   group      the common stream protected once under the group key and the same SRTP bytes
 *              sent to every listener; personal streams under the group key, own SSRCs;
 *   hybrid     common stream as in group, personal streams under each leg's own key.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "tx.h"
#include "jbuf.h"
#include "mix_codec.h"
#include "mixer.h"
#include "payload_amr.h"
#include "speakers.h"
#include "wire.h"

#define RTP_PT_CN 13	 /* RFC 3389 comfort noise: no audio to mix */
#define SPEAKER_FLOOR 64 /* mean |sample| under which a leg is not a speaker */
#define MAX_LATE_TICKS 5 /* further behind than this: skip ahead instead of catching up */

static bool
leg_hears(const struct dp_leg *leg)
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_SENDONLY;
}

static bool
leg_talks(const struct dp_leg *leg)
{
	return leg->p.mode == MRFP_MODE_SENDRECV || leg->p.mode == MRFP_MODE_RECVONLY;
}

/* RTP payload after CSRCs, extension and padding (RFC 3550 5.1, 5.3.1); 0 if malformed. */
static uint16_t
rtp_payload(const uint8_t *p, uint16_t len, uint16_t *off)
{
	uint16_t o = RTP_HDR_LEN + 4 * (p[0] & 0x0f);
	if ((p[0] & 0x10) != 0) {
		if (len < o + 4)
			return 0;
		o += 4 + 4 * (uint16_t)(p[o + 2] << 8 | p[o + 3]);
	}
	if ((p[0] & 0x20) != 0 && len > o) {
		uint8_t pad = p[len - 1];
		if (pad == 0 || pad > len - o)
			return 0;
		len -= pad;
	}
	if (len <= o)
		return 0;
	*off = o;
	return len - o;
}

/* A telephone-event packet: never mixed; a new key press is told to control. Consumes m. */
static void
dtmf_input(struct dp_worker *w, struct dp_leg *leg, const uint8_t *payload, uint16_t len,
	   uint32_t ts, struct rte_mbuf *m)
{
	struct mrfp_dtmf_event ev;
	if (len == 0 || dtmf_event_parse(payload, len, &ev) < 0) {
		leg_drop(w, leg, m, MRFP_DROP_MALFORMED_PAYLOAD);
		return;
	}
	char digit = dtmf_event_digit(ev.event);
	if (dtmf_rx_packet(&leg->mix.dtmf, ts, &ev) && digit != 0) {
		struct mrfp_event e = {.type = MRFP_EVENT_DTMF,
				       .conf_id = leg->conf->id,
				       .leg_id = leg->id,
				       .ssrc = rte_be_to_cpu_32(leg->src.in_ssrc),
				       .digit = (uint32_t)digit};
		ssrc_event(w, &e);
	}
	rte_pktmbuf_free(m);
}

/* m holds the leg's authenticated, decrypted RTP packet. Consumes m. */
void
mix_input(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m)
{
	struct mix_dec *dec = leg->mix.dec;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t off = 0;
	uint16_t len = rtp_payload(p, rte_pktmbuf_data_len(m), &off);
	uint8_t pt = p[1] & 0x7f;
	if (pt == RTP_PT_CN) {
		rte_pktmbuf_free(m); /* silence description: the jitter buffer conceals or mutes */
		return;
	}
	if (pt == leg->p.dtmf_pt && pt != 0) {
		dtmf_input(w, leg, p + off, len, wire_be32(p + 4), m);
		return;
	}
	if (len == 0 || pt != dec->fmt.pt) {
		leg_drop(w, leg, m, len == 0 ? MRFP_DROP_TRUNCATED : MRFP_DROP_UNSUPPORTED_PAYLOAD);
		return;
	}
	if (len > MIX_MAX_PAYLOAD) {
		leg_drop(w, leg, m, MRFP_DROP_OVERSIZED);
		return;
	}
	enum mrfp_drop why = mix_dec_input(dec, leg->mix.jb, p + off, len, wire_be32(p + 4),
					   rte_get_tsc_cycles());
	if (why != MRFP_DROP_NONE) {
		leg_drop(w, leg, m, why);
		return;
	}
	rte_pktmbuf_free(m);
}

static bool
mixes_all(const struct conf_mix *mx)
{
	return mx->k == MRFP_SPEAKERS_ALL;
}

/* A speaker's seat outlasts its frames (hangover); without selection a frame is the seat. */
static bool
holds_seat(const struct conf_mix *mx, const struct dp_leg *leg, unsigned int slot)
{
	return mixes_all(mx) ? leg->mix.has_frame : mx->spk[slot].active;
}

/* Whether the leg in this slot is in this tick's mix. */
static bool
in_mix(const struct conf_mix *mx, const struct dp_leg *leg, unsigned int slot)
{
	return leg->mix.has_frame && holds_seat(mx, leg, slot);
}

/*
 * Mode requests (AMR CMR) of a leg that hears: its own encoder sends at what it asked for, and
 * want[] keeps its cohort's lowest request (a receiver must never get more than it can take;
 * the others of its cohort get a little less).
 */
static void
note_mode_request(struct dp_leg *leg, uint8_t *want)
{
	uint8_t r = leg->mix.dec->cmr;
	mix_enc_obey(leg->mix.enc, r);
	if (r < want[leg->mix.codec])
		want[leg->mix.codec] = r;
}

/*
 * Take one frame per talking leg and measure it for speaker selection (if there is one); on
 * the same pass, gather the mode requests and set each cohort's encoder to its lowest.
 */
static void
gather(struct dp_worker *w, struct dp_conf *c, uint64_t tsc)
{
	struct conf_mix *mx = &c->mix;
	bool measure = !mixes_all(mx);
	uint8_t want[MIX_CODECS];
	(void)w;
	memset(want, MRFP_AMR_CMR_NONE, sizeof(want));
	for (unsigned int i = 0; i < c->n_legs; i++) {
		struct dp_leg *leg = c->legs[i];
		mx->spk[i].level = 0;
		leg->mix.has_frame = false;
		if (leg_hears(leg))
			note_mode_request(leg, want);
		if (!leg_talks(leg))
			continue;
		enum mrfp_jb_get g =
			mix_dec_frame(leg->mix.dec, leg->mix.jb, leg->mix.frame, mx->samples, tsc);
		if (g == MRFP_JB_SILENCE)
			continue;
		if (g == MRFP_JB_CONCEALED)
			ctr_add(&leg->ctr.concealed, 1);
		leg->mix.has_frame = true;
		if (measure)
			mx->spk[i].level = mixer_pcm_level(leg->mix.frame, mx->samples);
	}
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		if (mx->cohort[k] != NULL)
			mix_enc_obey(mx->cohort[k], want[k]);
}

static void
sum_speakers(struct dp_conf *c)
{
	struct conf_mix *mx = &c->mix;
	mixer_clear(mx->acc, mx->samples);
	for (unsigned int i = 0; i < c->n_legs; i++)
		if (in_mix(mx, c->legs[i], i))
			mixer_add(mx->acc, c->legs[i]->mix.frame, mx->samples);
	mixer_render(mx->pcm, mx->acc, NULL, mx->samples);
	mx->encoded = 0; /* each cohort's payload is encoded on first use */
}

/* The cohort's payload of this tick: encoded on first use, once. */
static const uint8_t *
common_payload(struct conf_mix *mx, uint8_t cohort, uint16_t *len)
{
	if ((mx->encoded & 1u << cohort) == 0) {
		mx->payload_len[cohort] =
			(uint16_t)mix_enc_run(mx->cohort[cohort], mx->pcm, mx->samples,
					      mx->payload[cohort], MIX_MAX_PAYLOAD);
		mx->encoded |= 1u << cohort;
	}
	*len = mx->payload_len[cohort];
	return mx->payload[cohort];
}

/* A fresh mbuf holding the next RTP packet of stream os (plaintext). */
static struct rte_mbuf *
rtp_packet(struct dp_worker *w, struct out_stream *os, uint8_t pt, const uint8_t *payload,
	   uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	if (unlikely(m == NULL))
		return NULL;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, RTP_HDR_LEN + len);
	p[0] = 0x80;
	p[1] = (uint8_t)(pt | (os->started ? 0 : 0x80)); /* marker on the first packet */
	wire_put_be16(p + 2, os->seq);
	wire_put_be32(p + 4, os->ts);
	wire_put_raw32(p + 8, os->ssrc);
	rte_memcpy(p + RTP_HDR_LEN, payload, len);
	os->started = true;
	if (++os->seq == 0)
		os->rolled = true;
	os->packets++;
	os->octets += len;
	return m;
}

static void
send_protected(struct dp_worker *w, struct dp_leg *leg, struct rte_mbuf *m, int len)
{
	rte_pktmbuf_append(m, (uint16_t)(len - rte_pktmbuf_data_len(m)));
	txhdr_push(m, &leg->hdr);
	ctr_add(&leg->ctr.tx_pkts, 1);
	ctr_add(&leg->ctr.tx_bytes, (uint64_t)len);
	tx_frame(w, m);
}

/* The leg's own stream (personal mix, or bilateral copy of the common mix). */
static void
send_own_stream(struct dp_worker *w, struct dp_leg *leg, struct mrfp_srtp_session *key,
		const uint8_t *payload, uint16_t plen)
{
	if (unlikely(plen == 0)) { /* the encoder gave nothing: counted, never sent empty */
		ctr_add(&leg->ctr.drops[MRFP_DROP_MALFORMED_PAYLOAD], 1);
		ctr_add(&w->ctr.drops[MRFP_DROP_MALFORMED_PAYLOAD], 1);
		return;
	}
	struct rte_mbuf *m = rtp_packet(w, &leg->out, leg->mix.enc->fmt.pt, payload, plen);
	if (unlikely(m == NULL)) {
		ctr_add(&leg->ctr.drops[MRFP_DROP_NO_MBUF], 1);
		ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
		return;
	}
	tx_protect(w, leg, m, key); /* protected with the rest of the tick's output */
}

/* Group key: protect the codec's common packet once per tick; every listener gets a copy. */
static void
send_common_group(struct dp_worker *w, struct dp_conf *c, struct dp_leg *leg)
{
	struct conf_mix *mx = &c->mix;
	uint8_t k = leg->mix.codec;
	if (mx->common_pkt[k] == NULL) {
		uint16_t plen;
		const uint8_t *payload = common_payload(mx, k, &plen);
		if (unlikely(plen == 0)) {
			ctr_add(&leg->ctr.drops[MRFP_DROP_MALFORMED_PAYLOAD], 1);
			ctr_add(&w->ctr.drops[MRFP_DROP_MALFORMED_PAYLOAD], 1);
			return;
		}
		struct rte_mbuf *m =
			rtp_packet(w, &mx->common[k], mx->cohort[k]->fmt.pt, payload, plen);
		if (unlikely(m == NULL))
			goto no_mbuf;
		int len = rte_pktmbuf_data_len(m);
		if (mrfp_srtp_protect(mx->group, rte_pktmbuf_mtod(m, void *), &len) !=
		    MRFP_DROP_NONE) {
			leg_drop(w, leg, m, MRFP_DROP_SRTP_OTHER);
			return;
		}
		rte_pktmbuf_append(m, (uint16_t)(len - rte_pktmbuf_data_len(m)));
		mx->common_pkt[k] = m;
		ctr_add(&w->ctr.group_protects, 1);
	}
	struct rte_mbuf *copy = tx_copy(w, mx->common_pkt[k]);
	if (unlikely(copy == NULL))
		goto no_mbuf;
	send_protected(w, leg, copy, rte_pktmbuf_data_len(copy));
	return;
no_mbuf:
	ctr_add(&leg->ctr.drops[MRFP_DROP_NO_MBUF], 1);
	ctr_add(&w->ctr.drops[MRFP_DROP_NO_MBUF], 1);
}

/* A talker's N-1: everyone but itself (only differs from the full mix while it is mixed). */
static const uint8_t *
personal_payload(struct conf_mix *mx, struct dp_leg *leg, unsigned int slot, uint8_t *buf,
		 uint16_t *len)
{
	if (!in_mix(mx, leg, slot))
		return common_payload(mx, leg->mix.codec, len);
	int16_t pcm[MIX_MAX_SAMPLES];
	mixer_render(pcm, mx->acc, leg->mix.frame, mx->samples);
	*len = (uint16_t)mix_enc_run(leg->mix.enc, pcm, mx->samples, buf, MIX_MAX_PAYLOAD);
	return buf;
}

static bool
gets_personal(const struct conf_mix *mx, const struct dp_leg *leg, unsigned int slot)
{
	if (mx->dynamic_roles)
		return holds_seat(mx, leg, slot) && leg->p.mode == MRFP_MODE_SENDRECV;
	return leg->p.mode == MRFP_MODE_SENDRECV; /* static roles: talkers by H.248 mode */
}

static void
deliver(struct dp_worker *w, struct dp_conf *c)
{
	struct conf_mix *mx = &c->mix;
	uint8_t buf[MIX_MAX_PAYLOAD];
	uint16_t plen;
	for (unsigned int i = 0; i < c->n_legs; i++) {
		struct dp_leg *leg = c->legs[i];
		if (!leg_hears(leg))
			continue;
		if (unlikely(!leg->hdr_ready)) {
			leg_set_remote(w, leg, &leg->remote_rtp); /* asks again, rate-limited */
			ctr_add(&leg->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
			ctr_add(&w->ctr.drops[MRFP_DROP_NO_NEIGHBOR], 1);
		} else if ((leg->mix.personal = gets_personal(mx, leg, i))) {
			const uint8_t *pl = personal_payload(mx, leg, i, buf, &plen);
			send_own_stream(w, leg, c->keys == MRFP_KEYS_GROUP ? mx->group : leg->tx,
					pl, plen);
			ctr_add(&leg->ctr.personal, 1);
		} else if (c->keys == MRFP_KEYS_BILATERAL) {
			const uint8_t *pl = common_payload(mx, leg->mix.codec, &plen);
			send_own_stream(w, leg, leg->tx, pl, plen);
		} else {
			send_common_group(w, c, leg);
		}
		leg->out.ts += leg->mix.enc->ts_step; /* its own stream keeps time while unused */
	}
}

static void
end_tick(struct dp_conf *c)
{
	struct conf_mix *mx = &c->mix;
	for (unsigned int k = 0; k < MIX_CODECS; k++) {
		if (mx->cohort[k] != NULL)
			mx->common[k].ts += mx->cohort[k]->ts_step;
		if (mx->common_pkt[k] != NULL) {
			rte_pktmbuf_free(mx->common_pkt[k]);
			mx->common_pkt[k] = NULL;
		}
	}
}

void
mix_tick(struct dp_worker *w, struct dp_conf *c, uint64_t now)
{
	struct conf_mix *mx = &c->mix;
	gather(w, c, now);
	if (!mixes_all(mx)) {
		struct speakers_policy sp;
		speakers_policy_init(&sp, mx->k, mx->hang_ticks, mx->ptime, SPEAKER_FLOOR);
		speakers_select(mx->spk, c->n_legs, &sp);
	}
	sum_speakers(c);
	deliver(w, c);
	end_tick(c);
	ctr_add(&w->ctr.mix_ticks, 1);
}

void
mix_run_ticks(struct dp_worker *w, uint64_t now)
{
	struct dp_conf *c;
	TAILQ_FOREACH(c, &w->mix_confs, mix.wlink)
	{
		struct conf_mix *mx = &c->mix;
		if (now < mx->next_tick)
			continue;
		mix_tick(w, c, now);
		/* Absolute deadlines: the period never accumulates the loop's lateness. */
		mx->next_tick += mx->tick_tsc;
		if (unlikely(now > mx->next_tick + MAX_LATE_TICKS * mx->tick_tsc)) {
			ctr_add(&w->ctr.tick_overruns, 1);
			mx->next_tick = now + mx->tick_tsc;
		}
	}
}

void
mix_conf_attach(struct dp_worker *w, struct dp_conf *c)
{
	c->mix.next_tick = rte_get_tsc_cycles() + c->mix.tick_tsc;
	TAILQ_INSERT_TAIL(&w->mix_confs, c, mix.wlink);
}

void
mix_conf_detach(struct dp_worker *w, struct dp_conf *c)
{
	TAILQ_REMOVE(&w->mix_confs, c, mix.wlink);
	end_tick(c);
}
