/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_DP_CODEC_INST_H
#define MRFP_DP_CODEC_INST_H

/*
 * Stateful codec instances: the codecs of IMS and WebRTC conferences, from Debian 12's
 * libraries (no codec is written here). codec.h's stateless G.711 table stays as it is.
 *
 *   AMR     AMR-NB  opencore-amrnb (decode, encode)           PCM 8 kHz,  RTP clock 8000
 *   AMR-WB  AMR-WB  opencore-amrwb (decode), vo-amrwbenc      PCM 16 kHz, RTP clock 16000
 *   opus    Opus    libopus, mono or stereo                   PCM 48 kHz, RTP clock 48000
 *   G722    G.722   spandsp, 64 kbit/s                        PCM 16 kHz, RTP clock 8000
 *   PCMU/A  G.711   codec.c, for a uniform decoder per leg    PCM 8 kHz,  RTP clock 8000
 *
 * An instance is a decoder or an encoder, never both: their states are independent and a
 * conference needs a different number of each.
 *
 * How a conference uses them (integration with the mixer comes later):
 *  - one DECODER per talker leg (decoders carry history: prediction, PLC, Opus FEC), fed that
 *    leg's frames in order; decode_lost() fills a hole the jitter buffer reports;
 *  - one ENCODER per cohort of listeners that receive the same codec with the same parameters
 *    (mode, bitrate, channels, DTX): the cohort's mix is encoded once and the payload sent to
 *    each member (the group-key fan-out of the switch). A listener who also talks hears the
 *    mix minus himself, so talkers have an encoder each; a codec's state must never be fed two
 *    different signals;
 *  - a listener whose CMR (RFC 4867) or TMMBR asks for less moves to another cohort (or gets
 *    one), rather than lowering everyone's rate with set_mode()/set_bitrate();
 *  - the mix runs at one rate: struct mrfp_resampler converts each decoder's PCM to it and the
 *    mix to each encoder's rate (8, 16, 48 kHz).
 *
 * Frames: AMR and AMR-WB frames in and out are the libraries' storage format (RFC 4867
 * section 5: one header octet FT << 3 | Q << 2, then the frame's bits, MSB first, zero padded);
 * the RTP payload layer converts them to and from bandwidth-efficient or octet-aligned
 * payloads. Opus frames are whole RTP payloads (RFC 7587). G.722 and G.711 payloads are bytes.
 *
 * Threads: init and fini run on the control thread (the libraries allocate their state
 * there); every other function runs on the worker that owns the instance, never allocates,
 * blocks or logs, and returns 0 or a count, or a negative errno. Instances are not shared.
 */
#include <stdbool.h>
#include <stdint.h>

#include "mrfp_types.h" /* enum mrfp_codec_id */

enum mrfp_codec_dir {
	MRFP_CODEC_DECODER,
	MRFP_CODEC_ENCODER,
};

/* The most int16 samples any decode writes: 120 ms (an Opus packet's limit), 48 kHz stereo. */
#define MRFP_CODEC_PCM_MAX (48000 / 1000 * 120 * 2)
/* Enough output for any encoded frame (an Opus frame is at most 1275 octets). */
#define MRFP_CODEC_OUT_MAX 1500

#define MRFP_AMR_MODES 8   /* AMR-NB speech modes 0 (4.75) .. 7 (12.2 kbit/s) */
#define MRFP_AMRWB_MODES 9 /* AMR-WB speech modes 0 (6.60) .. 8 (23.85 kbit/s) */

/* What a codec is, whatever the instance. */
struct mrfp_codec_info {
	const char *name;	/* RTP encoding name (RFC 4855 registry) */
	uint32_t clock_rate;	/* RTP timestamp rate */
	uint32_t pcm_rate;	/* rate of the PCM decode writes and encode reads */
	uint16_t frame_samples; /* per channel in a 20 ms frame: encode's usual n */
	uint8_t max_channels;	/* Opus 2, the others 1 */
	uint8_t modes;		/* AMR modes (set_mode's range), 0 for the others */
	bool storage_frames;	/* frames are AMR storage format, not RTP payloads */
};

/* Parameters fixed at init; set_mode() and set_bitrate() change the two named ones later. */
struct mrfp_codec_params {
	enum mrfp_codec_id id;
	enum mrfp_codec_dir dir;
	uint8_t channels; /* 1, or 2 for Opus (PCM interleaved L, R); 0 means 1 */
	/* encoders only */
	uint8_t mode;	    /* AMR: initial mode, 0 .. modes - 1 */
	uint32_t bitrate;   /* Opus: bit/s, 6000 .. 510000; 0: libopus chooses */
	uint8_t complexity; /* Opus: 0 .. 10 (NOTES.md: 10 costs ~4x 0) */
	bool dtx; /* AMR: VAD with SID/NO_DATA frames; Opus: DTX (packets of <= 2 octets) */
	bool fec; /* Opus: in-band FEC (LBRR), useful with loss_percent > 0 */
	uint8_t loss_percent; /* Opus: expected packet loss, 0 .. 100 */
};

struct codec_ops; /* codec_inst_ops.h */

/*
 * One decoder or encoder. The caller owns the memory (embedded in its leg or cohort, e.g. from
 * rte_zmalloc_socket on the worker's node); the library state it points to is the library's.
 * Fields are private: use the functions.
 */
struct mrfp_codec_inst {
	const struct codec_ops *ops; /* NULL until init, again after fini */
	void *state;		     /* the library's encoder or decoder */
	void *plc;		     /* spandsp PLC for codecs without their own (G.722, G.711) */
	struct mrfp_codec_params p;
	uint16_t last_samples; /* per channel, of the last frame decoded: decode_lost's length */
};

/* The codec's description, or NULL for an unknown id. Any thread. */
const struct mrfp_codec_info *mrfp_codec_info(enum mrfp_codec_id id);
/* The id for an RTP encoding name (case-insensitive), or -ENOENT. Any thread. */
int mrfp_codec_id_by_name(const char *name);

/*
 * Create the library state for p (copied) in ci. Returns 0, -EINVAL (parameters out of
 * range), -ENOTSUP (a decoder parameter on an encoder or the reverse, or stereo where there is
 * none) or -ENOMEM. Control thread.
 */
int mrfp_codec_inst_init(struct mrfp_codec_inst *ci, const struct mrfp_codec_params *p);

/*
 * Release the library state; ci may then be freed or initialised again. Nothing in a codec's
 * state is secret, so nothing is wiped. Harmless on an instance never initialised (zeroed) or
 * already released. Control thread, once the worker no longer uses ci (after a grace period).
 */
void mrfp_codec_inst_fini(struct mrfp_codec_inst *ci);

/*
 * Decode one frame (AMR: one storage-format frame, header octet included; Opus: one RTP
 * payload; G.722, G.711: one payload) into pcm, which holds MRFP_CODEC_PCM_MAX samples.
 * Returns the samples per channel written (interleaved when stereo); for AMR SID and NO_DATA
 * frames that is a 20 ms frame of comfort noise or concealment, and a speech frame whose Q bit
 * is 0 is concealed as damaged. -EINVAL: malformed or truncated frame, nothing written; the
 * caller counts it and may call decode_lost(). Worker.
 */
int mrfp_codec_decode(struct mrfp_codec_inst *ci, const uint8_t *in, unsigned len, int16_t *pcm);

/*
 * One frame of concealment for a frame that did not arrive, as long as the last frame decoded
 * (20 ms before any): the codec's own PLC (AMR, Opus), spandsp's otherwise. Worker.
 */
int mrfp_codec_decode_lost(struct mrfp_codec_inst *ci, int16_t *pcm);

/*
 * The lost frame just before `next` (which has arrived and is decoded afterwards with
 * decode()), rebuilt from next's in-band FEC: Opus with LBRR in next; for the others, and an
 * Opus packet without FEC, the same as decode_lost(). Worker.
 */
int mrfp_codec_decode_fec(struct mrfp_codec_inst *ci, const uint8_t *next, unsigned len,
			  int16_t *pcm);

/*
 * Encode n samples per channel (AMR, AMR-WB: exactly one 20 ms frame; Opus: 2.5, 5, 10, 20,
 * 40 or 60 ms; G.722, G.711: any even / any count) into out (max octets). Returns the octets
 * written: an AMR storage frame (with DTX, a SID or a 1-octet NO_DATA frame the payload layer
 * need not send), an Opus packet (with DTX, one of <= 2 octets need not be sent, RFC 7587
 * section 3.1.3; given less room than its bitrate needs, libopus shrinks the frame to fit),
 * G.722 n / 2 octets. -EINVAL: n invalid; -ENOBUFS: max too small. Worker.
 */
int mrfp_codec_encode(struct mrfp_codec_inst *ci, const int16_t *pcm, unsigned n, uint8_t *out,
		      unsigned max);

/*
 * AMR encoders: the mode of the next frames (a CMR received, RFC 4867 section 4.3.1), 0 ..
 * modes - 1. -EINVAL out of range, -ENOTSUP for other codecs and decoders. Worker.
 */
int mrfp_codec_set_mode(struct mrfp_codec_inst *ci, unsigned mode);

/*
 * Encoders: the target bitrate in bit/s (a TMMBR, RFC 5104, or b=AS). Opus: 6000 .. 510000;
 * AMR: the highest mode at or under it (the lowest mode if none is); G.722: 64000 only.
 * -EINVAL out of range, -ENOTSUP for G.711 and decoders. Worker.
 */
int mrfp_codec_set_bitrate(struct mrfp_codec_inst *ci, uint32_t bps);

/* The current AMR mode of an encoder, or -ENOTSUP. Worker. */
int mrfp_codec_get_mode(const struct mrfp_codec_inst *ci);

/*
 * Sample-rate conversion between the codecs' rates and the mix rate, with speexdsp's
 * resampler (any rates; mrfp uses 8000, 16000 and 48000). Stateful: one per stream and
 * direction, like a decoder. Its filter delays the signal by latency() output samples.
 */
struct mrfp_resampler {
	void *state; /* SpeexResamplerState */
	uint32_t in_rate, out_rate;
	uint8_t channels;
};

/* speexdsp quality 0..10; 3 is its VoIP setting, 4 its default. */
#define MRFP_RESAMPLER_QUALITY_VOIP 3

/* Returns 0, -EINVAL or -ENOMEM. Control thread. */
int mrfp_resampler_init(struct mrfp_resampler *r, uint32_t in_rate, uint32_t out_rate,
			unsigned channels, unsigned quality);
/* Release; harmless when zeroed or released. Control thread. */
void mrfp_resampler_fini(struct mrfp_resampler *r);
/*
 * Convert n samples per channel into out (max samples per channel); returns the samples per
 * channel written: n * out_rate / in_rate for whole 10 ms blocks between 8, 16 and 48 kHz.
 * -ENOBUFS if max cannot hold them. Worker.
 */
int mrfp_resampler_process(struct mrfp_resampler *r, const int16_t *in, unsigned n, int16_t *out,
			   unsigned max);
/* Forget the history (a new talk spurt or stream). Worker. */
void mrfp_resampler_reset(struct mrfp_resampler *r);
/* The filter's delay in output samples. Any thread. */
unsigned mrfp_resampler_latency(const struct mrfp_resampler *r);

#endif
