/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control side of conferences and legs: validate, prepare objects (SRTP sessions, output
 * SSRC, port ownership) off the fast path, and hand them to the owning worker.
 * Nothing is half-applied: every check happens before the first command is posted.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "codec.h"
#include "jbuf.h"
#include "mix_setup.h"

#include "dp_log.h"
#include "dp_priv.h"
#include "speakers.h"
#include "steer.h"

#define SYNC_MS 2000
#define DEFAULT_CLOCK_RATE 8000

/* Control-side member list of a conference lives after the worker's slots. */
static struct dp_leg **
members(struct dp_conf *c)
{
	return &c->legs[c->max_legs];
}

void *
dp_lookup(struct rte_hash *h, uint32_t id)
{
	void *data;
	return rte_hash_lookup_data(h, &id, &data) >= 0 ? data : NULL;
}

/* Short identity of a key, to know which streams share one (never logged, not reversible). */
uint64_t
dp_key_id(const struct mrfp_srtp_key *k)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	uint64_t id = 0;
	if (k == NULL)
		return 0;
	EVP_Digest(k->material, k->len, md, &len, EVP_sha256(), NULL);
	memcpy(&id, md, sizeof(id));
	OPENSSL_cleanse(md, sizeof(md));
	return id | 1; /* never 0: 0 means "no key" */
}

static int
check_key(const struct mrfp_srtp_key *k)
{
	return mrfp_srtp_key_valid(k) ? 0 : -EINVAL;
}

static int
check_conf_params(const struct mrfp_conf_params *p)
{
	if ((unsigned int)p->keys >= MRFP_KEYS_COUNT ||
	    (unsigned int)p->media >= MRFP_MEDIA_COUNT ||
	    (unsigned int)p->select >= MRFP_SELECT_COUNT)
		return -EINVAL;
	if (p->media == MRFP_MEDIA_SWITCH) {
		if (p->keys == MRFP_KEYS_BILATERAL)
			return 0;
		/* One switched stream can go under a group key; every-source switching cannot
		 * (each source would need its own group stream), and there is no personal
		 * stream for hybrid to key differently. */
		if (p->keys != MRFP_KEYS_GROUP || p->select == MRFP_SELECT_ALL)
			return -ENOTSUP;
		return check_key(p->group_key) < 0 ? -EINVAL : 0;
	}
	if (p->select != MRFP_SELECT_ALL)
		return -EINVAL; /* mixing has no selected source */
	if (p->ptime_ms != 0 && p->ptime_ms != 10 && p->ptime_ms != 20 && p->ptime_ms != 30)
		return -EINVAL;
	if (p->keys != MRFP_KEYS_BILATERAL && check_key(p->group_key) < 0)
		return -EINVAL; /* group and hybrid need the group key */
	return 0;
}

static bool
ssrc_taken(struct dp_conf *c, uint32_t ssrc)
{
	if (ssrc == 0 || ssrc == c->sel.stream.ssrc)
		return true;
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		if (c->mix.common[k].ssrc == ssrc)
			return true;
	for (unsigned int i = 0; i < c->ctl_legs; i++) {
		const struct dp_leg *m = members(c)[i];
		if (m->out_ssrc == ssrc)
			return true;
		for (unsigned int k = 0; k < RTE_DIM(m->spare_ssrc); k++)
			if (m->spare_ssrc[k] == ssrc)
				return true;
	}
	return false;
}

/* RFC 3550 8.1: random SSRC; here also unique among the conference's output streams. */
static uint32_t
alloc_out_ssrc(struct dp_conf *c)
{
	uint32_t ssrc;
	do
		ssrc = (uint32_t)rte_rand();
	while (ssrc_taken(c, ssrc));
	return ssrc;
}

/* SSRCs the group-keyed streams restart under should this leg join them late (legtab.c):
 * unique in the conference, among themselves and with the leg's own. */
static void
spares_reserve(struct dp_conf *c, struct dp_leg *leg, uint32_t own_ssrc)
{
	memset(leg->spare_ssrc, 0, sizeof(leg->spare_ssrc));
	if (c->keys == MRFP_KEYS_BILATERAL)
		return; /* a leg's own session starts its ROC at 0: nothing to restart */
	for (unsigned int k = 0; k < RTE_DIM(leg->spare_ssrc); k++) {
		uint32_t ssrc;
		bool mine;
		do {
			ssrc = alloc_out_ssrc(c);
			mine = ssrc == own_ssrc;
			for (unsigned int j = 0; j < k; j++)
				mine |= ssrc == leg->spare_ssrc[j];
		} while (mine);
		leg->spare_ssrc[k] = ssrc;
	}
}

/* RFC 3550 5.1: random initial sequence number and timestamp. */
static void
out_stream_init(struct out_stream *os, uint32_t ssrc)
{
	uint64_t r = rte_rand();
	memset(os, 0, sizeof(*os));
	os->ssrc = ssrc;
	/*
	 * Random (RFC 3550 5.1) but below 2^15: a receiver that starts listening late guesses
	 * ROC 0 (RFC 3711 3.3.1; libsrtp2 and ffmpeg do), which holds until the first
	 * rollover, 2^15 packets (11 minutes at 50 packets/s) away at least.
	 */
	os->seq = (uint16_t)(r & 0x7fff);
	os->ts = (uint32_t)(r >> 32);
}

/* Slots 0 and 1: G.711, which every conference can send. */
static int
conf_g711_cohorts(struct conf_mix *mx, int socket)
{
	static const uint8_t pts[] = {0, 8};
	for (unsigned int k = 0; k < RTE_DIM(pts); k++) {
		struct mrfp_leg_params lp = {.pt = pts[k]};
		struct mix_fmt f;
		if (mix_fmt_resolve(&lp, mx->ptime, &f) < 0)
			return -EINVAL;
		mx->ctl_cohort[k] =
			mix_enc_create(&f, mx->ctl_rate, mx->ptime, mx->opus_complexity, socket);
		mx->cohort[k] = mx->ctl_cohort[k];
		if (mx->cohort[k] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int
conf_mix_prepare(struct dp_conf *c, const struct mrfp_conf_params *p, int socket)
{
	struct conf_mix *mx = &c->mix;
	unsigned int ptime = p->ptime_ms ? p->ptime_ms : 20;
	mx->rate = p->mix_rate ? p->mix_rate : 8000;
	if (mx->rate != 8000 && mx->rate != 16000 && mx->rate != 48000)
		return -EINVAL;
	mx->ctl_rate = mx->rate;
	mx->rate_rises = p->mix_rate == 0;
	mx->ptime = ptime;
	mx->opus_complexity = p->opus_complexity_set ? p->opus_complexity : MIX_OPUS_COMPLEXITY;
	if (mx->opus_complexity > 10)
		return -EINVAL;
	mx->samples = mx->rate * ptime / 1000;
	mx->tick_tsc = rte_get_tsc_hz() * ptime / 1000;
	mx->k = p->speakers ? p->speakers : MRFP_DEFAULT_SPEAKERS;
	mx->hang_ticks =
		(uint16_t)((p->hangover_ms ? p->hangover_ms : MRFP_DEFAULT_HANGOVER_MS) / ptime);
	mx->dynamic_roles = p->dynamic_roles;
	mx->spk = rte_zmalloc_socket("mrfp_spk", c->max_legs * sizeof(*mx->spk), 0, socket);
	if (mx->spk == NULL)
		return -ENOMEM;
	int rc = conf_g711_cohorts(mx, socket);
	if (rc < 0)
		return rc;
	for (unsigned int k = 0; k < MIX_CODECS; k++)
		out_stream_init(&mx->common[k], alloc_out_ssrc(c));
	return 0;
}

/* The conference's group key (group/hybrid), for the common or switched stream. */
static int
conf_group_prepare(struct dp_conf *c, const struct mrfp_conf_params *p)
{
	if (p->keys == MRFP_KEYS_BILATERAL)
		return 0;
	/*
	 * One output stream per talker (personal streams) plus the common ones; legs that come
	 * and go take new SSRCs, so room for a few generations of legs. The burst engine
	 * never evicts a stream (its ROC would restart: keystream reuse); a rekey starts over.
	 */
	c->mix.group = mrfp_srtp_session_create_on(p->group_key, MRFP_SRTP_OUTBOUND,
						   mrfp_srtp_get_engine(),
						   4u * c->max_legs + MIX_CODECS + 16);
	c->mix.group_key_id = dp_key_id(p->group_key);
	dp_keys_reset(&c->ctl_group, p->group_key);
	return c->mix.group != NULL ? 0 : -ENOMEM;
}

/* The worker for a new conference: placed by load, or the one a requested port is steered to. */
static struct dp_worker *
conf_worker(struct mrfp_dp *dp, const struct mrfp_conf_params *p)
{
	if (p->port == 0)
		return dp_place(dp, -1);
	struct dp_worker *w = dp->w[steer_worker_of(&dp->cfg, dp->n_workers, p->port)];
	return dp_admits(dp, w, 1) ? w : NULL;
}

int
mrfp_dp_conf_add(struct mrfp_dp *dp, uint32_t conf_id, const struct mrfp_conf_params *p)
{
	int rc = check_conf_params(p);
	if (dp_lookup(dp->confs, conf_id) != NULL)
		return -EEXIST;
	if (rc < 0)
		return rc;
	uint16_t max = p->max_legs ? p->max_legs : (uint16_t)dp->cfg.max_legs_per_conf;
	struct dp_worker *w = conf_worker(dp, p);
	if (w == NULL)
		return -ENOSPC; /* every worker at its admission limit (or draining) */
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	struct dp_conf *c = rte_zmalloc_socket("mrfp_conf", sizeof(*c) + 2u * max * sizeof(void *),
					       RTE_CACHE_LINE_SIZE, socket);
	if (c == NULL)
		return -ENOMEM;
	c->id = conf_id;
	c->media = p->media;
	c->keys = p->keys;
	c->max_legs = max;
	c->worker = w->idx;
	c->sel.mode = (uint8_t)p->select;
	if (p->select != MRFP_SELECT_ALL)
		out_stream_init(&c->sel.stream, alloc_out_ssrc(c));
	rc = p->media == MRFP_MEDIA_MIX ? conf_mix_prepare(c, p, socket) : 0;
	if (rc == 0)
		rc = conf_group_prepare(c, p);
	if (rc == 0) {
		pthread_mutex_lock(&dp->lock);
		rc = rte_hash_add_key_data(dp->confs, &conf_id, c) < 0 ? -ENOSPC : 0;
		pthread_mutex_unlock(&dp->lock);
	}
	if (rc < 0) {
		dp_free_conf(c);
		return rc;
	}
	struct dp_cmd cmd = {.type = CMD_CONF_ADD, .conf = c};
	rc = dp_post(dp, w, &cmd);
	if (rc == 0)
		w->ctl_confs++;
	return rc;
}

int
mrfp_dp_conf_select(struct mrfp_dp *dp, uint32_t conf_id, uint32_t leg_id)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (c == NULL || leg == NULL)
		return -ENOENT;
	if (leg->ctl_conf != c || c->media != MRFP_MEDIA_SWITCH ||
	    c->sel.mode != MRFP_SELECT_CHOSEN)
		return -EINVAL;
	struct dp_cmd cmd = {.type = CMD_CONF_SELECT, .select = {.conf = c, .leg = leg}};
	return dp_post(dp, dp->w[c->worker], &cmd);
}

int
mrfp_dp_conf_common_ssrc(struct mrfp_dp *dp, uint32_t conf_id, uint8_t pt, uint32_t *ssrc)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	if (c != NULL && c->media == MRFP_MEDIA_SWITCH && c->sel.mode != MRFP_SELECT_ALL) {
		*ssrc = rte_be_to_cpu_32(c->sel.stream.ssrc);
		return 0;
	}
	if (c == NULL || c->media != MRFP_MEDIA_MIX)
		return -ENOENT;
	for (unsigned int k = 0; k < MIX_CODECS; k++) {
		if (c->mix.ctl_cohort[k] != NULL && c->mix.ctl_cohort[k]->fmt.pt == pt) {
			*ssrc = rte_be_to_cpu_32(c->mix.common[k].ssrc);
			return 0;
		}
	}
	return -ENOENT;
}

int
mrfp_dp_conf_remove(struct mrfp_dp *dp, uint32_t conf_id)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	if (c == NULL)
		return -ENOENT;
	while (c->ctl_legs > 0)
		mrfp_dp_leg_remove(dp, members(c)[c->ctl_legs - 1]->id, NULL);
	pthread_mutex_lock(&dp->lock);
	rte_hash_del_key(dp->confs, &conf_id);
	pthread_mutex_unlock(&dp->lock);
	struct dp_cmd cmd = {.type = CMD_CONF_REMOVE, .conf = c};
	dp->w[c->worker]->ctl_confs--;
	return dp_post(dp, dp->w[c->worker], &cmd);
}

static bool
family_served(const struct mrfp_dp *dp, uint8_t family)
{
	return (family == AF_INET && dp->cfg.media4.family == AF_INET) ||
	       (family == AF_INET6 && dp->cfg.media6.family == AF_INET6);
}

static int
check_params(const struct mrfp_dp *dp, const struct mrfp_leg_params *p)
{
	if ((unsigned int)p->mode >= MRFP_MODE_COUNT || (unsigned int)p->latch >= MRFP_LATCH_COUNT)
		return -EINVAL;
	if (p->remote.family != 0 && (!family_served(dp, p->remote.family) || p->remote.port == 0))
		return -EINVAL;
	if (p->remote.family == 0 && p->latch != MRFP_LATCH_ON)
		return -EINVAL; /* nowhere to send: only latching can learn the address */
	if (p->remote.family != 0 && !p->rtcp_mux && p->remote.port == RTE_BE16(65535))
		return -EINVAL; /* its RTCP port would be 65536 */
	return 0;
}

static int
check_port(const struct mrfp_dp *dp, const struct mrfp_leg_params *p, unsigned int worker)
{
	const struct mrfp_config *cfg = &dp->cfg;
	unsigned int last = p->local_port + (p->rtcp_mux ? 0u : 1u);
	if (p->local_port % 2 != 0)
		return -EINVAL; /* RFC 3550 11: RTP on even ports, RTCP on the next odd one */
	if (p->local_port < cfg->port_min || last > cfg->port_max)
		return -ERANGE;
	if (steer_worker_of(cfg, dp->n_workers, p->local_port) != worker)
		return -EXDEV; /* steered to another worker: every packet would need a handoff */
	unsigned int idx = p->local_port - cfg->port_min;
	if (dp->owner[idx] != OWNER_NONE || (!p->rtcp_mux && dp->owner[idx + 1] != OWNER_NONE))
		return -EEXIST;
	return 0;
}

/*
 * A free RTP port (with its RTCP port unless muxed) in the steering block of worker w, so
 * that a NIC with flow rules delivers the leg's packets to its owner. 0 when the block is
 * full: the caller answers -ENOSPC rather than place the leg where packets need a handoff.
 */
static uint16_t
alloc_port(struct mrfp_dp *dp, struct dp_worker *w, bool rtcp_mux)
{
	uint16_t lo, hi;
	steer_block(&dp->cfg, dp->n_workers, w->idx, &lo, &hi);
	unsigned int pairs = hi >= lo ? (hi - lo + 1u) / 2 : 0;
	for (unsigned int i = 0; i < pairs; i++) {
		if (w->ctl_next_port < lo || w->ctl_next_port + 1u > hi)
			w->ctl_next_port = lo;
		uint16_t port = w->ctl_next_port;
		w->ctl_next_port = (uint16_t)(port + 2);
		unsigned int idx = port - dp->cfg.port_min;
		if (dp->owner[idx] == OWNER_NONE && (rtcp_mux || dp->owner[idx + 1] == OWNER_NONE))
			return port;
	}
	return 0;
}

/* Whether conference c can mix a leg with these parameters: its format, and a cohort for it
 * (existing or a free slot). 0, -EINVAL (format) or -ENOSPC (every cohort slot taken). */
static int
mix_check_fmt(const struct dp_conf *c, const struct mrfp_leg_params *p)
{
	struct mix_fmt f;
	if (c->media != MRFP_MEDIA_MIX)
		return 0;
	if (mix_fmt_resolve(p, c->mix.ptime, &f) < 0)
		return -EINVAL;
	if (p->dtmf_pt != 0 && (p->dtmf_pt < 96 || p->dtmf_pt > 127 || p->dtmf_pt == p->pt))
		return -EINVAL; /* telephone-event is a dynamic payload type of its own */
	if (mix_cohort_find(c, &f) < 0 && mix_cohort_free_slot(c) < 0)
		return -ENOSPC;
	return 0;
}

/* A leg's jitter buffer, decoder and personal encoder for conference c. */
static int
mix_kit_create(const struct dp_conf *c, const struct mix_fmt *f, int socket,
	       struct dp_leg_move *kit)
{
	const struct mrfp_codec_info *info = mrfp_codec_info(f->a.codec);
	kit->jb = rte_zmalloc_socket("mrfp_jbuf", jbuf_size(info->pcm_rate), RTE_CACHE_LINE_SIZE,
				     socket);
	kit->dec = mix_dec_create(f, c->mix.ctl_rate, c->mix.ptime, socket);
	kit->enc = mix_enc_create(f, c->mix.ctl_rate, c->mix.ptime, c->mix.opus_complexity, socket);
	if (kit->jb != NULL && kit->dec != NULL && kit->enc != NULL &&
	    jbuf_init(kit->jb, info->pcm_rate, kit->dec->samples) == 0)
		return 0;
	rte_free(kit->jb);
	mix_dec_free(kit->dec);
	mix_enc_free(kit->enc);
	return -ENOMEM;
}

/* The cohort of f in c: its slot, with a new encoder in *fresh when f is new there. */
static int
mix_cohort_take(const struct dp_conf *c, const struct mix_fmt *f, int socket,
		struct mix_enc **fresh)
{
	*fresh = NULL;
	int slot = mix_cohort_find(c, f);
	if (slot >= 0)
		return slot;
	slot = mix_cohort_free_slot(c);
	if (slot < 0)
		return -ENOSPC;
	*fresh = mix_enc_create(f, c->mix.ctl_rate, c->mix.ptime, c->mix.opus_complexity, socket);
	return *fresh != NULL ? slot : -ENOMEM;
}

static int
leg_mix_prepare(struct dp_leg *leg, const struct dp_conf *c, const struct mrfp_leg_params *p,
		const struct dp_worker *w)
{
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	struct dp_leg_move kit = {0};
	struct mix_fmt f;
	if (mix_fmt_resolve(p, c->mix.ptime, &f) < 0)
		return -EINVAL;
	int slot = mix_cohort_take(c, &f, socket, &leg->mix.cohort_new);
	if (slot < 0)
		return slot;
	leg->mix.codec = (uint8_t)slot;
	dtmf_rx_init(&leg->mix.dtmf);
	int rc = mix_kit_create(c, &f, socket, &kit);
	leg->mix.jb = kit.jb;
	leg->mix.dec = kit.dec;
	leg->mix.enc = kit.enc;
	return rc;
}

/* After the worker has the leg: a cohort it brought is the conference's (control's view). */
static void
mix_cohort_publish(struct dp_conf *c, uint8_t slot, struct mix_enc *fresh)
{
	if (fresh != NULL)
		c->mix.ctl_cohort[slot] = fresh;
}

static struct dp_leg *
leg_prepare(struct mrfp_dp *dp, struct dp_conf *c, uint32_t leg_id, const struct mrfp_leg_params *p,
	    const struct mrfp_srtp_key *rx_key, const struct mrfp_srtp_key *tx_key)
{
	struct dp_worker *w = dp->w[c->worker];
	struct dp_leg *leg = rte_zmalloc_socket("mrfp_leg", sizeof(*leg), RTE_CACHE_LINE_SIZE,
						(int)rte_lcore_to_socket_id(w->lcore));
	if (leg == NULL)
		return NULL;
	leg->rx = mrfp_srtp_session_create(rx_key, MRFP_SRTP_INBOUND);
	leg->tx = tx_key ? mrfp_srtp_session_create(tx_key, MRFP_SRTP_OUTBOUND) : NULL;
	leg->rx_key_id = dp_key_id(rx_key);
	leg->tx_key_id = dp_key_id(tx_key);
	dp_keys_reset(&leg->ctl_keys[0], rx_key);
	dp_keys_reset(&leg->ctl_keys[1], tx_key);
	if (leg->rx == NULL || (tx_key != NULL && leg->tx == NULL) ||
	    (c->media == MRFP_MEDIA_MIX && leg_mix_prepare(leg, c, p, w) < 0)) {
		dp_free_leg(leg);
		return NULL;
	}
	leg->id = leg_id;
	leg->local_port = p->local_port;
	leg->rtcp_mux = p->rtcp_mux;
	leg->out_ssrc = alloc_out_ssrc(c);
	spares_reserve(c, leg, leg->out_ssrc);
	out_stream_init(&leg->out, leg->out_ssrc);
	leg->clock_rate = DEFAULT_CLOCK_RATE;
	leg->conf = c;
	leg->ctl_conf = c;
	leg->worker = w->idx;
	leg->codec = codec_by_pt(p->pt); /* G.711 only: levels for speaker switching */
	if (c->media == MRFP_MEDIA_MIX)
		leg->clock_rate = mrfp_codec_info(leg->mix.dec->fmt.a.codec)->clock_rate;
	leg->ctl_params = *p;
	leg->p = *p;
	return leg;
}

/* A new resampler for each of the conference's, between its codec's rate and `rate`. */
static struct mix_rate_swap *
rate_swap_prepare(struct dp_conf *c, uint32_t rate)
{
	struct conf_mix *mx = &c->mix;
	unsigned int max = 2u * c->ctl_legs + MIX_CODECS, n = 0;
	struct mix_rate_swap *sw =
		rte_zmalloc("mrfp_rate_swap", sizeof(*sw) + max * sizeof(sw->rs[0]), 0);
	if (sw == NULL)
		return NULL;
	sw->rate = rate;
	sw->samples = rate * mx->ptime / 1000;
	int rc = 0;
	for (unsigned int i = 0; i < c->ctl_legs && rc == 0; i++) {
		struct dp_leg *leg = members(c)[i];
		sw->rs[n].target = &leg->mix.dec->rs;
		rc = mix_resampler_between(&sw->rs[n++].fresh, leg->mix.dec->pcm_rate, rate);
		if (rc == 0) {
			sw->rs[n].target = &leg->mix.enc->rs;
			rc = mix_resampler_between(&sw->rs[n++].fresh, rate,
						   mix_enc_rate(leg->mix.enc));
		}
	}
	for (unsigned int k = 0; k < MIX_CODECS && rc == 0; k++) {
		if (mx->ctl_cohort[k] == NULL)
			continue;
		sw->rs[n].target = &mx->ctl_cohort[k]->rs;
		rc = mix_resampler_between(&sw->rs[n++].fresh, rate,
					   mix_enc_rate(mx->ctl_cohort[k]));
	}
	sw->n = n;
	if (rc < 0) {
		dp_free_rate_swap(sw);
		return NULL;
	}
	return sw;
}

/* A mix whose rate follows its legs rises to what a joining codec needs: every resampler of
 * it is replaced at once, between two ticks. 0 or -errno. */
static int
mix_rate_follow(struct mrfp_dp *dp, struct dp_conf *c, const struct mrfp_leg_params *p)
{
	struct mix_fmt f;
	if (c->media != MRFP_MEDIA_MIX || !c->mix.rate_rises ||
	    mix_fmt_resolve(p, c->mix.ptime, &f) < 0)
		return 0;
	uint32_t need = mrfp_codec_info(f.a.codec)->pcm_rate;
	if (need <= c->mix.ctl_rate)
		return 0;
	struct mix_rate_swap *sw = rate_swap_prepare(c, need);
	if (sw == NULL)
		return -ENOMEM;
	struct dp_cmd cmd = {.type = CMD_CONF_RATE, .rate = {.conf = c, .swap = sw}};
	int rc = dp_post(dp, dp->w[c->worker], &cmd);
	if (rc < 0) {
		dp_free_rate_swap(sw);
		return rc;
	}
	c->mix.ctl_rate = need;
	return 0;
}

int
mrfp_dp_leg_add(struct mrfp_dp *dp, uint32_t conf_id, uint32_t leg_id,
		const struct mrfp_leg_params *p, const struct mrfp_srtp_key *rx_key,
		const struct mrfp_srtp_key *tx_key)
{
	struct dp_conf *c = dp_lookup(dp->confs, conf_id);
	int rc;
	if (c == NULL)
		return -ENOENT;
	if (dp_lookup(dp->legs, leg_id) != NULL)
		return -EEXIST;
	struct mrfp_leg_params chosen = *p;
	if (p->local_port == 0) {
		chosen.local_port = alloc_port(dp, dp->w[c->worker], p->rtcp_mux);
		if (chosen.local_port == 0)
			return -ENOSPC;
		p = &chosen;
	}
	if ((rc = check_params(dp, p)) < 0 || (rc = check_port(dp, p, c->worker)) < 0 ||
	    (rc = check_key(rx_key)) < 0)
		return rc;
	/* Only a group conference sends everything under the group key: others need the leg's. */
	if ((tx_key != NULL || c->keys != MRFP_KEYS_GROUP) && (rc = check_key(tx_key)) < 0)
		return rc;
	if ((rc = mix_check_fmt(c, p)) < 0)
		return rc;
	if (c->ctl_legs >= c->max_legs || !dp_admits(dp, dp->w[c->worker], 1))
		return -ENOSPC;
	if ((rc = mix_rate_follow(dp, c, p)) < 0)
		return rc;
	struct dp_leg *leg = leg_prepare(dp, c, leg_id, p, rx_key, tx_key);
	if (leg == NULL)
		return -(rte_errno ? rte_errno : ENOMEM);
	pthread_mutex_lock(&dp->lock);
	rc = rte_hash_add_key_data(dp->legs, &leg_id, leg);
	pthread_mutex_unlock(&dp->lock);
	if (rc < 0) {
		dp_free_leg(leg);
		return -ENOSPC;
	}
	struct mix_enc *fresh = leg->mix.cohort_new; /* the worker clears the leg's copy */
	struct dp_cmd cmd = {.type = CMD_LEG_ADD, .leg = leg};
	rc = dp_post(dp, dp->w[c->worker], &cmd);
	if (rc < 0) {
		pthread_mutex_lock(&dp->lock);
		rte_hash_del_key(dp->legs, &leg_id);
		pthread_mutex_unlock(&dp->lock);
		dp_free_leg(leg);
		return rc;
	}
	mix_cohort_publish(c, leg->mix.codec, fresh);
	members(c)[c->ctl_legs++] = leg;
	dp->w[c->worker]->ctl_legs++;
	mrfp_owner_set(dp->owner, &dp->cfg, leg, (uint8_t)c->worker);
	return 0;
}

bool
mrfp_leg_same_codec(const struct mrfp_leg_params *a, const struct mrfp_leg_params *b)
{
	return a->pt == b->pt && a->dtmf_pt == b->dtmf_pt &&
	       (a->pt < 96 || mrfp_audio_fmt_equal(&a->fmt, &b->fmt));
}

/* A mixing leg's new codec: its cohort (perhaps new) and a new jitter buffer, decoder and
 * encoder, for the worker to swap in (worker.c leg_recodec). */
static int
recodec_prepare(struct mrfp_dp *dp, const struct dp_leg *leg, const struct mrfp_leg_params *p,
		struct dp_cmd *cmd)
{
	const struct dp_conf *c = leg->ctl_conf;
	int socket = (int)rte_lcore_to_socket_id(dp->w[leg->worker]->lcore);
	struct dp_leg_move kit = {0};
	struct mix_fmt f;
	if (mix_fmt_resolve(p, c->mix.ptime, &f) < 0)
		return -EINVAL;
	cmd->modify.kit = rte_zmalloc_socket("mrfp_mix_kit", sizeof(struct mix_kit), 0, socket);
	int slot = cmd->modify.kit != NULL ? mix_cohort_take(c, &f, socket, &cmd->modify.cohort_new)
					   : -ENOMEM;
	int rc = slot >= 0 ? mix_kit_create(c, &f, socket, &kit) : slot;
	if (rc < 0) {
		rte_free(cmd->modify.kit);
		mix_enc_free(cmd->modify.cohort_new);
		cmd->modify.kit = NULL;
		cmd->modify.cohort_new = NULL;
		return rc;
	}
	*cmd->modify.kit = (struct mix_kit){kit.jb, kit.dec, kit.enc};
	cmd->modify.cohort = (uint8_t)slot;
	cmd->modify.clock_rate = mrfp_codec_info(f.a.codec)->clock_rate;
	return 0;
}

static bool
params_same(const struct mrfp_leg_params *a, const struct mrfp_leg_params *b)
{
	return a->local_port == b->local_port && mrfp_leg_same_codec(a, b) && a->mode == b->mode &&
	       a->latch == b->latch && a->rtcp_mux == b->rtcp_mux &&
	       mrfp_addr_equal(&a->remote, &b->remote);
}

int
mrfp_dp_leg_modify(struct mrfp_dp *dp, uint32_t leg_id, const struct mrfp_leg_params *p,
		   const struct mrfp_srtp_key *rx_key, const struct mrfp_srtp_key *tx_key)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	int rc;
	if (leg == NULL)
		return -ENOENT;
	bool recodec =
		leg->ctl_conf->media == MRFP_MEDIA_MIX && !mrfp_leg_same_codec(&leg->ctl_params, p);
	if (p->local_port != leg->local_port || p->rtcp_mux != leg->rtcp_mux)
		return -EINVAL;
	if (recodec && ((rc = mix_check_fmt(leg->ctl_conf, p)) < 0 ||
			(rc = mix_rate_follow(dp, leg->ctl_conf, p)) < 0))
		return rc;
	if ((rc = check_params(dp, p)) < 0 || (rx_key && (rc = check_key(rx_key)) < 0) ||
	    (tx_key && (rc = check_key(tx_key)) < 0))
		return rc;
	/* The same key again (a Modify that repeats its Remote/Local) keeps the session: a new
	 * one would restart the stream's ROC guess and replay window. */
	if (rx_key && dp_key_id(rx_key) == leg->ctl_keys[0].id)
		rx_key = NULL;
	if (tx_key && dp_key_id(tx_key) == leg->ctl_keys[1].id)
		tx_key = NULL;
	if (rx_key == NULL && tx_key == NULL && params_same(&leg->ctl_params, p))
		return 0; /* nothing changes: the worker need not hear of it (a group rekey restates
			   * every leg's Local: one round trip per leg would be wasted) */
	struct dp_cmd cmd = {.type = CMD_LEG_MODIFY, .modify = {.leg = leg, .p = *p}};
	if (recodec && (rc = recodec_prepare(dp, leg, p, &cmd)) < 0)
		return rc;
	if (rx_key) {
		cmd.modify.rx = mrfp_srtp_session_create(rx_key, MRFP_SRTP_INBOUND);
		cmd.modify.rx_key_id = dp_key_id(rx_key);
	}
	if (tx_key) {
		cmd.modify.tx = mrfp_srtp_session_create(tx_key, MRFP_SRTP_OUTBOUND);
		cmd.modify.tx_key_id = dp_key_id(tx_key);
	}
	if ((rx_key && !cmd.modify.rx) || (tx_key && !cmd.modify.tx))
		rc = -ENOMEM;
	else
		rc = dp_post(dp, dp->w[leg->worker], &cmd);
	if (rc < 0) {
		mrfp_srtp_session_free(cmd.modify.rx);
		mrfp_srtp_session_free(cmd.modify.tx);
		dp_free_mix_kit(cmd.modify.kit);
		mix_enc_free(cmd.modify.cohort_new);
		return rc;
	}
	if (recodec)
		mix_cohort_publish(leg->ctl_conf, cmd.modify.cohort, cmd.modify.cohort_new);
	pthread_mutex_lock(&dp->lock);
	leg->ctl_params = *p;
	if (rx_key)
		dp_keys_reset(&leg->ctl_keys[0], rx_key);
	if (tx_key)
		dp_keys_reset(&leg->ctl_keys[1], tx_key);
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

/* Field by field in declaration order, each load acquire: a reader that sees rtcp_rx count a
 * report also sees the peer statistics the worker stored from it (declared after it). */
static void
counters_snapshot(struct mrfp_leg_counters *out, const struct mrfp_leg_counters *c)
{
	const uint64_t *src = (const uint64_t *)c;
	uint64_t *dst = (uint64_t *)out;
	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_ACQUIRE);
}

static void
member_remove(struct dp_conf *c, const struct dp_leg *leg)
{
	for (unsigned int i = 0; i < c->ctl_legs; i++) {
		if (members(c)[i] == leg) {
			members(c)[i] = members(c)[--c->ctl_legs];
			return;
		}
	}
}

int
mrfp_dp_leg_remove(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *final)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	struct dp_cmd cmd = {.type = CMD_LEG_REMOVE, .leg = leg};
	int rc = dp_post(dp, dp->w[leg->worker], &cmd);
	if (rc < 0)
		return rc;
	steer_leg_forget(dp, leg);
	pthread_mutex_lock(&dp->lock);
	rte_hash_del_key(dp->legs, &leg_id);
	pthread_mutex_unlock(&dp->lock);
	member_remove(leg->ctl_conf, leg);
	dp->w[leg->worker]->ctl_legs--;
	mrfp_owner_set(dp->owner, &dp->cfg, leg, OWNER_NONE);
	/* Wait for the worker to let go before the last read; the leg is freed by reap. */
	/* Not started yet (tests, start-up): the command waits in the ring, nothing to wait for. */
	rc = dp->started ? dp_wait_applied(dp, SYNC_MS) : 0;
	if (final != NULL)
		counters_snapshot(final, &leg->ctr); /* the leg is freed only by the reap below */
	mrfp_dp_reap(dp);
	return rc;
}

/*
 * What a leg needs to join mix conference `to`: its cohort there (perhaps new), and a jitter
 * buffer, decoder and encoder if it comes from a switch. A mixing leg keeps its own: they
 * suit `to` only at the same mix rate and ptime (-EINVAL otherwise).
 */
static int
move_mix_prepare(const struct dp_leg *leg, const struct dp_conf *to, int socket,
		 struct dp_leg_move *mv)
{
	struct mix_fmt f;
	if (to->media != MRFP_MEDIA_MIX)
		return 0;
	if (mix_fmt_resolve(&leg->ctl_params, to->mix.ptime, &f) < 0)
		return -EINVAL; /* no codec of it there */
	const struct dp_conf *from = leg->ctl_conf;
	if (from->media == MRFP_MEDIA_MIX &&
	    (from->mix.ctl_rate != to->mix.ctl_rate || from->mix.ptime != to->mix.ptime))
		return -EINVAL;
	int slot = mix_cohort_take(to, &f, socket, &mv->cohort_new);
	if (slot < 0)
		return slot;
	mv->cohort = (uint8_t)slot;
	if (leg->mix.jb != NULL)
		return 0;
	int rc = mix_kit_create(to, &f, socket, mv);
	if (rc < 0)
		mix_enc_free(mv->cohort_new);
	return rc;
}

static void
move_mix_undo(struct dp_leg_move *mv)
{
	rte_free(mv->jb);
	mix_dec_free(mv->dec);
	mix_enc_free(mv->enc);
	mix_enc_free(mv->cohort_new);
}

int
mrfp_dp_leg_move(struct mrfp_dp *dp, uint32_t leg_id, uint32_t conf_id)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	struct dp_conf *to = dp_lookup(dp->confs, conf_id);
	if (leg == NULL || to == NULL)
		return -ENOENT;
	if (to == leg->ctl_conf)
		return 0;
	bool across = to->worker != leg->worker; /* the leg changes owner too */
	if (to->ctl_legs >= to->max_legs || (across && !dp_admits(dp, dp->w[to->worker], 1)))
		return -ENOSPC;
	if (leg->tx == NULL && to->keys != MRFP_KEYS_GROUP)
		return -EINVAL; /* no key of its own for a non-group conference */
	struct dp_leg_move mv = {.leg = leg, .to = to, .worker = to->worker};
	int rc = move_mix_prepare(leg, to, (int)rte_lcore_to_socket_id(dp->w[to->worker]->lcore),
				  &mv);
	if (rc < 0)
		return rc;
	mv.out_ssrc = alloc_out_ssrc(to);
	/* read by the worker only when it applies the move (after the ring's release) */
	spares_reserve(to, leg, mv.out_ssrc);
	struct dp_cmd cmd = {.type = CMD_LEG_MOVE, .move = mv};
	rc = dp_post(dp, dp->w[leg->worker], &cmd);
	if (rc < 0) {
		move_mix_undo(&mv);
		return rc;
	}
	mix_cohort_publish(to, mv.cohort, mv.cohort_new);
	member_remove(leg->ctl_conf, leg);
	members(to)[to->ctl_legs++] = leg;
	/* Commands about the leg go to its new owner only after the old one let go: it then
	 * reads the mail before applying them (worker.c). */
	rc = mrfp_dp_sync(dp, SYNC_MS);
	pthread_mutex_lock(&dp->lock);
	leg->ctl_conf = to;
	if (across) {
		dp->w[leg->worker]->ctl_legs--;
		dp->w[to->worker]->ctl_legs++;
		leg->worker = to->worker;
	}
	pthread_mutex_unlock(&dp->lock);
	if (across)
		(void)steer_leg_rules(dp, leg, to->worker);
	return rc;
}

int
mrfp_dp_leg_params(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_params *p)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	*p = leg->ctl_params;
	return 0;
}

int
mrfp_dp_leg_out_ssrc(struct mrfp_dp *dp, uint32_t leg_id, uint32_t *ssrc)
{
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (leg == NULL)
		return -ENOENT;
	*ssrc = leg->out_ssrc;
	return 0;
}

unsigned int
mrfp_dp_worker_count(const struct mrfp_dp *dp)
{
	return dp->n_workers;
}

int
mrfp_dp_worker_counters(struct mrfp_dp *dp, unsigned int worker, struct mrfp_worker_counters *out)
{
	if (worker >= dp->n_workers)
		return -ENOENT;
	const uint64_t *src = (const uint64_t *)&dp->w[worker]->ctr;
	uint64_t *dst = (uint64_t *)out;
	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	return 0;
}

int
mrfp_dp_leg_counters(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *out)
{
	pthread_mutex_lock(&dp->lock);
	struct dp_leg *leg = dp_lookup(dp->legs, leg_id);
	if (leg != NULL)
		counters_snapshot(out, &leg->ctr);
	pthread_mutex_unlock(&dp->lock);
	return leg != NULL ? 0 : -ENOENT;
}

void
mrfp_dp_foreach_leg(struct mrfp_dp *dp, mrfp_dp_leg_visit_fn fn, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	struct mrfp_leg_counters c;
	pthread_mutex_lock(&dp->lock);
	while (rte_hash_iterate(dp->legs, &key, &data, &next) >= 0) {
		struct dp_leg *leg = data;
		counters_snapshot(&c, &leg->ctr);
		fn(leg->ctl_conf->id, leg->id, &leg->ctl_params, &c, arg);
	}
	pthread_mutex_unlock(&dp->lock);
}

void
mrfp_dp_census(struct mrfp_dp *dp, struct mrfp_dp_census *out)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&dp->lock);
	while (rte_hash_iterate(dp->confs, &key, &data, &next) >= 0) {
		const struct dp_conf *c = data;
		out->confs[c->media][c->keys]++;
		out->legs[c->media][c->keys] += c->ctl_legs;
	}
	next = 0;
	while (rte_hash_iterate(dp->legs, &key, &data, &next) >= 0) {
		const struct dp_leg *leg = data;
		struct mix_fmt f;
		if (leg->ctl_conf->media == MRFP_MEDIA_MIX &&
		    mix_fmt_resolve(&leg->ctl_params, leg->ctl_conf->mix.ptime, &f) == 0)
			out->mix_legs[f.a.codec]++;
	}
	pthread_mutex_unlock(&dp->lock);
}
