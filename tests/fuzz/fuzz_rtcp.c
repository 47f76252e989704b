/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the RTCP compound parser (dataplane/media/rtcp.c, RFC 3550 A.2), fed what
 * SRTCP unprotect hands it. Built by tests/fuzz/meson.build, run by scripts/fuzz.sh.
 * Properties: never reads outside the buffer (ASan, with the input copied to an exact-size
 * heap block by libFuzzer); counts stay within the arrays; what parses as valid yields gauges
 * (RTT, DLSR, jitter in ms) without undefined arithmetic (UBSan).
 */
#include <stddef.h>
#include <stdint.h>

#include "rtcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrfp_rtcp_parsed p;
	if (rtcp_parse(data, size, &p) != MRFP_RTCP_ERR_OK)
		return 0;
	if (p.n_blocks > MRFP_RTCP_PARSE_MAX_BLOCKS || p.n_bye > MRFP_RTCP_PARSE_MAX_BYE)
		__builtin_trap();
	/* What rtcp_io.c derives from a report block about one of our streams. */
	for (unsigned int i = 0; i < p.n_blocks; i++) {
		const struct mrfp_rtcp_report_block *b = &p.blocks[i];
		uint32_t rtt = rtcp_rtt(p.lsr ^ b->dlsr, b->lsr, b->dlsr);
		(void)rtcp_mid32_to_ms(rtt);
		(void)rtcp_ts_to_ms(b->jitter, 8000);
	}
	if (p.has_sr)
		(void)rtcp_dlsr((uint64_t)p.si.ntp_sec << 32, (uint64_t)p.lsr << 16);
	return 0;
}
