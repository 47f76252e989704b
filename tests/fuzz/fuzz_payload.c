/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the RTP payload parsers of dataplane/media (payload_amr.c, payload_opus.c,
 * payload_dtmf.c), each fed the whole input as an attacker's payload. Built by
 * tests/fuzz/meson.build; run with build-fuzz/tests/fuzz/fuzz_payload (seeds in
 * tests/fuzz/corpus/payload/).
 * Properties: no read outside the input (ASan: libFuzzer hands an exact-size heap copy); no
 * undefined arithmetic (UBSan); every AMR payload that parses has frames within the table
 * sizes, and building it again gives a payload of the same length that parses to the same
 * frames; Opus durations stay within 120 ms; the DTMF receiver accepts any event stream.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "payload_amr.h"
#include "payload_dtmf.h"
#include "payload_opus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_amr(bool wb, bool oa, const uint8_t *data, unsigned len)
{
	static struct mrfp_amr_frames f, again;
	static uint8_t out[MRFP_AMR_PAYLOAD_MAX];
	if (amr_payload_parse(wb, oa, data, len, &f) != 0)
		return;
	if (f.n == 0 || f.n > MRFP_AMR_MAX_FRAMES)
		__builtin_trap();
	for (unsigned i = 0; i < f.n; i++)
		if (f.f[i].len != amr_storage_len(wb, amr_storage_ft(f.f[i].storage)))
			__builtin_trap();
	int n = amr_payload_build(wb, oa, &f, out, sizeof(out));
	if (n != (int)len || amr_payload_parse(wb, oa, out, (unsigned)n, &again) != 0)
		__builtin_trap();
	if (again.cmr != f.cmr || again.n != f.n)
		__builtin_trap();
	for (unsigned i = 0; i < f.n; i++)
		if (memcmp(again.f[i].storage, f.f[i].storage, f.f[i].len) != 0)
			__builtin_trap();
}

static void
check_opus(const uint8_t *data, unsigned len)
{
	struct mrfp_opus_info info;
	(void)opus_payload_is_dtx(data, len);
	if (opus_payload_parse(data, len, &info) != 0)
		return;
	if (info.samples > MRFP_OPUS_MAX_SAMPLES || info.frames == 0 ||
	    info.frames > MRFP_OPUS_MAX_FRAMES || info.audio_bytes >= len)
		__builtin_trap();
}

/* The input as a stream of 8-octet records: a 32-bit RTP timestamp, then an event payload. */
static void
check_dtmf(const uint8_t *data, unsigned len)
{
	struct mrfp_dtmf_rx rx;
	struct mrfp_dtmf_event ev;
	uint8_t back[MRFP_DTMF_PAYLOAD_LEN];
	dtmf_rx_init(&rx);
	(void)dtmf_event_parse(data, len, &ev);
	for (unsigned off = 0; len - off >= 8; off += 8) {
		uint32_t ts = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
			      (uint32_t)data[off + 2] << 8 | data[off + 3];
		if (dtmf_event_parse(data + off + 4, MRFP_DTMF_PAYLOAD_LEN, &ev) != 0)
			__builtin_trap();
		dtmf_event_build(&ev, back);
		/* Everything but the R bit survives the round trip. */
		if (back[0] != data[off + 4] || back[1] != (data[off + 5] & 0xbf) ||
		    memcmp(back + 2, data + off + 6, 2) != 0)
			__builtin_trap();
		(void)dtmf_event_digit(ev.event);
		(void)dtmf_rx_packet(&rx, ts, &ev);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65535)
		return 0; /* an RTP payload is never longer */
	unsigned len = (unsigned)size;
	for (int wb = 0; wb <= 1; wb++)
		for (int oa = 0; oa <= 1; oa++)
			check_amr(wb, oa, data, len);
	check_opus(data, len);
	check_dtmf(data, len);
	return 0;
}
