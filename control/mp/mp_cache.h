/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * At-most-once for Mp (H.248.1 Annex D.1.1): the reply to every transaction is kept per peer
 * and TransactionId for LONG-TIMER, so that a retransmitted request is answered from here and
 * never executed twice. Replies can carry keys (a generated Local a=crypto): they are wiped
 * when they expire, are acknowledged, or the cache goes. Control thread only.
 */
#ifndef MRFP_CTL_MP_CACHE_H
#define MRFP_CTL_MP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "mrfp_types.h"

struct mrfp_mp_cache;

struct mrfp_mp_cache *mp_cache_create(unsigned int max_entries, uint64_t ttl_ms);
void mp_cache_free(struct mrfp_mp_cache *c);
/* The reply kept for (peer, tid), or NULL. Valid until the next call that changes the cache. */
const char *mp_cache_find(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t tid,
			  size_t *len);
/* Keep a reply (copied). 0, -ENOMEM, or -ENOSPC when full of unexpired entries. */
int mp_cache_put(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t tid,
		 const char *reply, size_t len, uint64_t now_ms);
/* TransactionResponseAck first..last: those replies are no longer needed. */
void mp_cache_ack(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t first,
		  uint32_t last);
/* Drop what is older than the TTL. Returns how many went. */
unsigned int mp_cache_expire(struct mrfp_mp_cache *c, uint64_t now_ms);
unsigned int mp_cache_count(const struct mrfp_mp_cache *c);

#endif
