/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_H
#define MRFP_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "mrfp_config.h"
#include "mrfp_counters.h"
#include "mrfp_srtp.h"
#include "mrfp_types.h"

/*
 * The contract between control and dataplane.
 *
 * Control (the EAL main lcore) prepares every object off the fast path and hands it to the
 * owning worker through that worker's command ring; the worker applies commands between
 * bursts and gives replaced objects back on its retire ring; control frees them (SRTP key
 * schedules are wiped by libsrtp, our copies by mrfp_srtp_key_wipe). Unless a function says
 * otherwise it must be called from the control thread only.
 */

struct mrfp_dp;

/* What control asks for a leg. Addresses in network order. */
struct mrfp_leg_params {
	/* host order; even and in the configured range. 0 on leg add: the dataplane picks a
	 * free port in its worker's steering block (mrfp_dp_leg_params tells which). */
	uint16_t local_port;
	uint8_t pt;		   /* RTP payload type of the leg's codec */
	struct mrfp_audio_fmt fmt; /* mix: the codec behind a dynamic pt (mrfp_types.h) */
	/* mix: telephone-event's payload type (RFC 4733, 96-127), 0 = none. Its packets are
	 * never mixed: each key press becomes one MRFP_EVENT_DTMF. */
	uint8_t dtmf_pt;
	struct mrfp_addr remote; /* where RTP goes (and RTCP at port+1 unless rtcp_mux) */
	enum mrfp_leg_mode mode;
	enum mrfp_latch latch;
	bool rtcp_mux;
};

/* Mix: the K loudest talkers are mixed, 3 unless the conference asks otherwise (mrfp/speakers);
 * MRFP_SPEAKERS_ALL mixes every talker, without selection. */
#define MRFP_DEFAULT_SPEAKERS 3
#define MRFP_SPEAKERS_ALL UINT8_MAX
#define MRFP_DEFAULT_HANGOVER_MS 400

/* Switch mode: which sources are forwarded. */
enum mrfp_switch_select {
	MRFP_SELECT_ALL = 0, /* every source to every other leg, each as its own stream */
	MRFP_SELECT_SPEAKER, /* the loudest source (G.711 level, with a hold time) */
	MRFP_SELECT_CHOSEN,  /* the leg chosen by the controller (mrfp_dp_conf_select) */
	MRFP_SELECT_COUNT
};

struct mrfp_conf_params {
	enum mrfp_media_mode media;
	/* switch: ALL, or one selected source as one continuous stream to every other leg
	 * (under a group key: protected once and replicated) */
	enum mrfp_switch_select select;
	enum mrfp_key_mode keys;
	uint16_t max_legs; /* 0 = config default */
	/* The local port the first leg asks for, or 0: the conference goes to the worker whose
	 * steering block holds that port (a leg's port decides which worker its packets reach). */
	uint16_t port;
	uint8_t ptime_ms; /* mix: tick and packet duration, 10, 20 or 30; 0 = 20 */
	/* mix: libopus complexity (0..10) of mrfpd's Opus encoders when set; else 5 (NOTES.md:
	 * 10 costs about 4x 0) */
	bool opus_complexity_set;
	uint8_t opus_complexity;
	uint32_t mix_rate;    /* mix: the rate it mixes at, 8000, 16000 or 48000. 0: the
			       * highest any of its legs needs, rising as they join (8000 with
			       * none). Legs at another rate are resampled to and from it. */
	uint8_t speakers;     /* mix: K loudest legs mixed, 1..254; 0 = MRFP_DEFAULT_SPEAKERS;
			       * MRFP_SPEAKERS_ALL: every talker */
	uint16_t hangover_ms; /* mix: how long a speaker keeps its seat; 0 = default */
	bool dynamic_roles;   /* mix: legs move to their personal N-1 stream only while they are
			       * active speakers (default: every SendRecv leg has one) */
	/* group/hybrid: mrfpd's send key for the common stream, shared by every listener.
	 * Copied into a session here; the caller wipes its own copy. */
	const struct mrfp_srtp_key *group_key;
};

/*
 * Bring up ports, pools, rings and worker state from the configuration. EAL must be
 * initialised. Returns NULL with rte_errno set.
 */
struct mrfp_dp *mrfp_dp_create(const struct mrfp_config *cfg);
/* Launch one worker per configured worker lcore. 0 or -errno. */
int mrfp_dp_start(struct mrfp_dp *dp);
/* Ask workers to stop, wait for them, free everything (keys wiped). Safe on a partial dp. */
void mrfp_dp_destroy(struct mrfp_dp *dp);
/* Set by signal handlers: workers leave their loop. Any thread, async-signal-safe. */
void mrfp_dp_request_stop(struct mrfp_dp *dp);
bool mrfp_dp_stopping(const struct mrfp_dp *dp);

/* Conferences. conf_id is chosen by control, unique among live conferences. 0 or -errno:
 * -EEXIST, -ENOENT, -ENOSPC (no room), -EINVAL (bad parameters), -ENOTSUP (media mode). */
int mrfp_dp_conf_add(struct mrfp_dp *dp, uint32_t conf_id, const struct mrfp_conf_params *p);
/* Removes the conference and every leg still in it. */
int mrfp_dp_conf_remove(struct mrfp_dp *dp, uint32_t conf_id);
/* Switch with MRFP_SELECT_CHOSEN: forward this leg. -ENOENT, -EINVAL (not such a conference,
 * or the leg is not in it). */
int mrfp_dp_conf_select(struct mrfp_dp *dp, uint32_t conf_id, uint32_t leg_id);

/*
 * Legs. The keys are the participant's send key (rx: mrfpd unprotects with it) and mrfpd's
 * send key toward the participant (tx; may be NULL in a `group` conference, where everything
 * sent is under the group key). Sessions are created here; the caller wipes its key
 * copies afterwards. 0 or -errno: -EEXIST (id or port in use), -ENOENT (conference),
 * -EINVAL (parameters, key length, odd port), -ENOSPC (conference full), -ERANGE (port
 * outside range), -EXDEV (port steered to another worker than the conference's).
 */
int mrfp_dp_leg_add(struct mrfp_dp *dp, uint32_t conf_id, uint32_t leg_id,
		    const struct mrfp_leg_params *p, const struct mrfp_srtp_key *rx_key,
		    const struct mrfp_srtp_key *tx_key);
/* Change mode, remote, latching; new keys when non-NULL (old sessions retired). Local port
 * and rtcp_mux cannot change. */
int mrfp_dp_leg_modify(struct mrfp_dp *dp, uint32_t leg_id, const struct mrfp_leg_params *p,
		       const struct mrfp_srtp_key *rx_key, const struct mrfp_srtp_key *tx_key);
/* Remove a leg; its final counters are copied to *final when non-NULL. 0, -ENOENT, or
 * -ETIMEDOUT when the worker did not confirm in time: the leg is gone for control all the
 * same and is freed once the worker lets go (counters then are a snapshot). */
int mrfp_dp_leg_remove(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *final);

/* H.248 Move: the leg joins another conference, keeping its port and keys (on another worker
 * it is handed over, with exact flow rules to its new owner where the NIC steers); its output
 * streams get a new SSRC. 0, -ENOENT, -ENOSPC, -EINVAL (no own key for a non-group
 * conference, codec not mixed there), -ENOMEM. */
int mrfp_dp_leg_move(struct mrfp_dp *dp, uint32_t leg_id, uint32_t conf_id);

/*
 * Make-before-break key changes on a leg (RFC 3711 MKI; the burst engine, keys with an MKI):
 * add a key to what mrfpd accepts from the leg (MRFP_SRTP_INBOUND) or may send it with
 * (OUTBOUND), switch mrfpd's sending to a key, retire a key. The order that loses nothing:
 * add the participant's next key (inbound) and mrfpd's (outbound), let the participant
 * switch, mrfpd switches (key_use), and after a drain window both old keys go (key_remove).
 * The streams keep their SSRC, ROC and replay window across a change. Control thread.
 * Without MKI (the leg's key has none) a session holds two keys, the current and the next,
 * named by mrfp_srtp_key_handle where these take an MKI; the receiver picks by packet index
 * (mrfp_srtp.h), and mrfp_dp_leg_rx_key_use says the participant sends with the next one.
 * 0, -ENOENT (leg or MKI), -ENOTSUP (libsrtp2 engine), -EINVAL (suite or MKI length
 * differs), -EEXIST, -ENOSPC (MRFP_SRTP_MAX_KEYS; 2 without MKI), -EBUSY (the key mrfpd
 * sends with, or the last one), -ENOMEM.
 */
int mrfp_dp_leg_key_add(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
			const struct mrfp_srtp_key *key);
int mrfp_dp_leg_key_use(struct mrfp_dp *dp, uint32_t leg_id, const uint8_t *mki);
int mrfp_dp_leg_rx_key_use(struct mrfp_dp *dp, uint32_t leg_id, const uint8_t *handle);
int mrfp_dp_leg_key_remove(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
			   const uint8_t *mki);
/* MKIs of the keys installed in a leg's session (the one mrfpd sends with first for
 * OUTBOUND); their length in *mki_len. Count, -ENOENT or -ENOTSUP (cannot hold several).
 * Any thread (telemetry). */
int mrfp_dp_leg_key_list(struct mrfp_dp *dp, uint32_t leg_id, enum mrfp_srtp_dir dir,
			 uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], uint8_t *mki_len);
/*
 * The same for a conference's group key (group and hybrid key modes: the common stream, and
 * the personal streams under group keys). A group key change without loss: install the new
 * key, let every listener learn it (over Mp: a Modify whose Local lists it second), switch
 * (first), retire the old one: what is sent afterwards does not decrypt with the old key,
 * so a leaver learns nothing more (forward secrecy) and a joiner given only the new key
 * nothing before (backward secrecy). -ENOTSUP for a bilateral conference.
 */
int mrfp_dp_conf_key_add(struct mrfp_dp *dp, uint32_t conf_id, const struct mrfp_srtp_key *key);
int mrfp_dp_conf_key_use(struct mrfp_dp *dp, uint32_t conf_id, const uint8_t *mki);
int mrfp_dp_conf_key_remove(struct mrfp_dp *dp, uint32_t conf_id, const uint8_t *mki);
int mrfp_dp_conf_key_list(struct mrfp_dp *dp, uint32_t conf_id,
			  uint8_t mki[MRFP_SRTP_MAX_KEYS][MRFP_SRTP_MAX_MKI_LEN], uint8_t *mki_len);

/* Whether two leg parameters name the same codec: payload type, telephone-event and, for a
 * dynamic payload type, its format. Any thread. */
bool mrfp_leg_same_codec(const struct mrfp_leg_params *a, const struct mrfp_leg_params *b);

/* Current parameters of a leg as control last set them. 0 or -ENOENT. */
int mrfp_dp_leg_params(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_params *p);

/*
 * Events from the workers (SSRC collisions, ...), for control to log and turn into H.248
 * Notify. Calls fn for each pending event; returns how many. Control thread only.
 */
enum mrfp_event_type {
	MRFP_EVENT_SSRC_COLLISION = 1, /* inbound SSRC already used under the same key */
	MRFP_EVENT_INACTIVITY,	       /* no RTP from a talking leg for leg-inactivity ms */
	MRFP_EVENT_KEY_SOFT_LIMIT,     /* a leg's key nears its lifetime: ask for a new one */
	MRFP_EVENT_KEY_HARD_LIMIT,     /* a leg's key reached its lifetime: no longer used */
	MRFP_EVENT_DTMF,	       /* a key press received as telephone-event (digit) */
};

/* Which key of the leg a key event is about. */
enum mrfp_event_key {
	MRFP_EVENT_KEY_RX = 0, /* the participant's send key (Remote SDP): mrfpd decrypts */
	MRFP_EVENT_KEY_TX = 1, /* mrfpd's send key to the participant (Local SDP) */
};

struct mrfp_event {
	uint32_t type;
	uint32_t conf_id;
	uint32_t leg_id;
	uint32_t ssrc;	/* host order */
	uint32_t key;	/* key events: enum mrfp_event_key */
	uint32_t digit; /* DTMF: '0'-'9', '*', '#', 'A'-'D' */
};

typedef void (*mrfp_dp_event_fn)(const struct mrfp_event *ev, void *arg);
unsigned int mrfp_dp_poll_events(struct mrfp_dp *dp, mrfp_dp_event_fn fn, void *arg);
const char *mrfp_event_name(uint32_t type);

/* SSRC (host order) of a conference's common stream for a payload type: mix, or the one
 * switched stream of a switch conference that selects (pt ignored). */
int mrfp_dp_conf_common_ssrc(struct mrfp_dp *dp, uint32_t conf_id, uint8_t pt, uint32_t *ssrc);

/* Output SSRC (network order, as on the wire) that mrfpd uses for what this leg sends to
 * others (conference-unique). */
int mrfp_dp_leg_out_ssrc(struct mrfp_dp *dp, uint32_t leg_id, uint32_t *ssrc);

/*
 * Wait until every worker has applied every command posted so far, then reclaim retired
 * objects. 0, or -ETIMEDOUT after timeout_ms (workers stuck or not started).
 */
int mrfp_dp_sync(struct mrfp_dp *dp, unsigned int timeout_ms);
/* Reclaim what workers retired; call periodically. Returns how many objects were freed. */
unsigned int mrfp_dp_reap(struct mrfp_dp *dp);

/* Counters. Snapshots are relaxed reads of single-writer counters. Any thread (telemetry
 * included): the registry of legs is guarded by a lock taken only by control-side calls. */
unsigned int mrfp_dp_worker_count(const struct mrfp_dp *dp);
int mrfp_dp_worker_counters(struct mrfp_dp *dp, unsigned int worker,
			    struct mrfp_worker_counters *out);
int mrfp_dp_leg_counters(struct mrfp_dp *dp, uint32_t leg_id, struct mrfp_leg_counters *out);
/* Calls fn for each live leg (in no particular order) with its conference and counters. */
typedef void (*mrfp_dp_leg_visit_fn)(uint32_t conf_id, uint32_t leg_id,
				     const struct mrfp_leg_params *p,
				     const struct mrfp_leg_counters *c, void *arg);
void mrfp_dp_foreach_leg(struct mrfp_dp *dp, mrfp_dp_leg_visit_fn fn, void *arg);
/* Live conferences, and their legs, by the conference's media and key mode (metrics: counts,
 * not per-leg series). Control thread: the leg counts are control's own. */
struct mrfp_dp_census {
	unsigned int confs[MRFP_MEDIA_COUNT][MRFP_KEYS_COUNT];
	unsigned int legs[MRFP_MEDIA_COUNT][MRFP_KEYS_COUNT];
	unsigned int mix_legs[MRFP_CODEC_ID_COUNT]; /* legs of mixes, by their codec */
};
void mrfp_dp_census(struct mrfp_dp *dp, struct mrfp_dp_census *out);

/* Congestion: no worker admits one more leg (every one at its admission limits, or draining),
 * so a new conference would be refused. Control thread. */
bool mrfp_dp_full(struct mrfp_dp *dp);

#endif
