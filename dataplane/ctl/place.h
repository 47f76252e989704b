/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conference placement: which worker a new conference (and all its legs) goes to, and
 * whether a worker can take more (admission). Pure functions over a snapshot of the
 * workers, so that the policy is tested without EAL or a NUMA machine.
 */
#ifndef MRFP_PLACE_H
#define MRFP_PLACE_H

#include <stdbool.h>
#include <stdint.h>

/* Packets per second one leg is expected to bring before it is measured: 20 ms audio in
 * and out. */
#define MRFP_PLACE_LEG_PPS 100u
/* A worker off the NIC's NUMA node counts its load half again: every packet it handles
 * crosses the interconnect twice (DMA in, DMA out). Local workers take up to 1.5x the load
 * of remote ones before a conference goes remote. Expressed as num/den. */
#define MRFP_PLACE_REMOTE_NUM 3u
#define MRFP_PLACE_REMOTE_DEN 2u

struct mrfp_place_worker {
	int node;	   /* NUMA node of its lcore (-1: unknown) */
	unsigned int legs; /* legs it serves */
	uint64_t pps;	   /* packets per second it handled lately (rx + tx) */
	bool draining;	   /* takes no new conference */
};

/* Admission limits per worker; 0 = no limit. */
struct mrfp_place_limits {
	unsigned int max_legs;
	uint64_t max_pps;
};

/* Load of a worker: what it measured, or what its legs will bring if more. */
uint64_t place_load(const struct mrfp_place_worker *w);
/* Can the worker take `legs` more legs within the limits? */
bool place_admits(const struct mrfp_place_worker *w, const struct mrfp_place_limits *lim,
		  unsigned int legs);
/* The worker for a new conference: lowest load (weighted against workers off nic_node,
 * when nic_node >= 0) among those that admit one leg and are not draining; ties to the
 * lowest index. `skip` (or -1) is never chosen (a worker being drained). -ENOSPC if none. */
int place_choose(const struct mrfp_place_worker *w, unsigned int n, int nic_node,
		 const struct mrfp_place_limits *lim, int skip);

/* NUMA node of a CPU through libnuma; -1 without NUMA support. */
int place_node_of_cpu(unsigned int cpu);
/* NUMA nodes of the machine through libnuma (1 without NUMA support). */
int place_numa_nodes(void);

#endif
