/* SPDX-License-Identifier: BSD-3-Clause */
/* The in-process dataplane of the ingress fuzzer (and its seed generator): EAL, a net_ring
 * port, conferences in every mode with legs whose participant keys are fixed here. */
#ifndef MRFP_FUZZ_INGRESS_H
#define MRFP_FUZZ_INGRESS_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_ring.h>
#include <srtp2/srtp.h>

#include "mrfp_dp.h"

#define INGRESS_LEGS 7
#define INGRESS_MAX_INPUT 1600
#define INGRESS_MAX_FRAME (INGRESS_MAX_INPUT + 64 + 160) /* headers + SRTCP trailer */

/* Input byte 0. */
#define INGRESS_MODE_RAW 0
#define INGRESS_MODE_UDP 1
#define INGRESS_MODE_SRTP 2
#define INGRESS_MODE_SRTCP 3
#define INGRESS_CTL(mode, leg, rtcp) ((uint8_t)((mode) | (leg) << 2 | (rtcp) << 5))

struct ingress_leg {
	uint32_t conf;
	uint16_t port;	    /* mrfpd's local port */
	uint16_t peer_port; /* the participant's */
	uint32_t peer_ip;   /* network order */
	bool rtcp_mux;
	srtp_t send; /* the participant's sender: key = the leg's rx key */
};

struct ingress {
	struct mrfp_dp *dp;
	struct rte_ring *rx, *tx;
	struct rte_mempool *pool; /* the worker's pool: every mbuf the path can hold */
	unsigned int pool_free;	  /* its count at rest */
	struct ingress_leg legs[INGRESS_LEGS];
};

/* EAL, port, dataplane, conferences and legs; 0 or -1 (with a line on stderr). */
int ingress_init(struct ingress *in);
/* The frame for one fuzz input (see fuzz_ingress.c); length or -1 (input not usable). */
int ingress_build(struct ingress *in, uint8_t ctl, const uint8_t *body, size_t len, uint8_t *frame);
/* Free what the worker sent. */
void ingress_drain(struct ingress *in);
/* RTP and RTCP packets every leg accepted so far. */
uint64_t ingress_legs_accepted(struct ingress *in);

#endif
