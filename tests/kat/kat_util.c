/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "kat_util.h"

uint64_t kat_rng = 1;

uint32_t
kat_rnd(void)
{
	kat_rng ^= kat_rng << 13;
	kat_rng ^= kat_rng >> 7;
	kat_rng ^= kat_rng << 17;
	return (uint32_t)kat_rng;
}

struct mrfp_srtp_key
kat_random_key(enum mrfp_srtp_suite suite)
{
	struct mrfp_srtp_key k = {.suite = suite, .len = (uint8_t)mrfp_srtp_suite_key_len(suite)};
	for (unsigned int i = 0; i < k.len; i++)
		k.material[i] = (uint8_t)kat_rnd();
	return k;
}

int
kat_make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, unsigned int cc, int ext, unsigned int plen)
{
	int n = 12;
	b[0] = (uint8_t)(0x80 | (ext >= 0 ? 0x10 : 0) | cc);
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	uint32_t ts = seq * 160u, s = ssrc;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(s >> (24 - 8 * i));
	}
	for (unsigned int i = 0; i < 4 * cc; i++)
		b[n++] = (uint8_t)kat_rnd();
	if (ext >= 0) {
		b[n++] = 0xbe;
		b[n++] = 0xde;
		b[n++] = 0;
		b[n++] = (uint8_t)ext;
		for (int i = 0; i < 4 * ext; i++)
			b[n++] = (uint8_t)kat_rnd();
	}
	for (unsigned int i = 0; i < plen; i++)
		b[n++] = (uint8_t)kat_rnd();
	return n;
}

int
kat_engines_start(char *argv0, const char *file_prefix)
{
	char prefix[96];
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", file_prefix);
	char *eal[] = {argv0,  "--no-huge", "-m", "256", "--no-pci", "--log-level=*:warning",
		       prefix, NULL};
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0 || mrfp_srtp_init() < 0 ||
	    mrfp_srtp_burst_init() < 0) {
		fprintf(stderr, "EAL, libsrtp2 or the burst engine did not start\n");
		return -1;
	}
	return 0;
}
