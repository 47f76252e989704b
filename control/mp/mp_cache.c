/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <openssl/crypto.h>

#include "mp_cache.h"

#define BUCKETS 1024 /* power of two */

struct entry {
	struct mrfp_addr peer;
	uint32_t tid;
	uint64_t born_ms;
	size_t len;
	char *reply;
	LIST_ENTRY(entry) bucket;
	TAILQ_ENTRY(entry) age; /* oldest first: every entry has the same lifetime */
};

struct mrfp_mp_cache {
	unsigned int max, count;
	uint64_t ttl_ms;
	LIST_HEAD(, entry) buckets[BUCKETS];
	TAILQ_HEAD(, entry) by_age;
};

static uint32_t
hash(const struct mrfp_addr *peer, uint32_t tid)
{
	/* FNV-1a over what identifies a transaction: the peer and its TransactionId */
	const uint8_t *p = (const uint8_t *)peer;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof(*peer); i++)
		h = (h ^ p[i]) * 16777619u;
	for (int i = 0; i < 4; i++)
		h = (h ^ ((tid >> (8 * i)) & 0xff)) * 16777619u;
	return h & (BUCKETS - 1);
}

struct mrfp_mp_cache *
mp_cache_create(unsigned int max_entries, uint64_t ttl_ms)
{
	struct mrfp_mp_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->max = max_entries;
	c->ttl_ms = ttl_ms;
	for (unsigned int i = 0; i < BUCKETS; i++)
		LIST_INIT(&c->buckets[i]);
	TAILQ_INIT(&c->by_age);
	return c;
}

static void
drop(struct mrfp_mp_cache *c, struct entry *e)
{
	LIST_REMOVE(e, bucket);
	TAILQ_REMOVE(&c->by_age, e, age);
	OPENSSL_cleanse(e->reply, e->len); /* a reply may hold a generated key */
	free(e->reply);
	free(e);
	c->count--;
}

void
mp_cache_free(struct mrfp_mp_cache *c)
{
	if (c == NULL)
		return;
	while (!TAILQ_EMPTY(&c->by_age))
		drop(c, TAILQ_FIRST(&c->by_age));
	free(c);
}

static struct entry *
lookup(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t tid)
{
	struct entry *e;
	LIST_FOREACH(e, &c->buckets[hash(peer, tid)], bucket)
	if (e->tid == tid && mrfp_addr_equal(&e->peer, peer))
		return e;
	return NULL;
}

const char *
mp_cache_find(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t tid, size_t *len)
{
	struct entry *e = lookup(c, peer, tid);
	if (e == NULL)
		return NULL;
	*len = e->len;
	return e->reply;
}

unsigned int
mp_cache_expire(struct mrfp_mp_cache *c, uint64_t now_ms)
{
	unsigned int n = 0;
	struct entry *e;
	while ((e = TAILQ_FIRST(&c->by_age)) != NULL && now_ms - e->born_ms >= c->ttl_ms) {
		drop(c, e);
		n++;
	}
	return n;
}

int
mp_cache_put(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t tid, const char *reply,
	     size_t len, uint64_t now_ms)
{
	struct entry *e = lookup(c, peer, tid);
	if (e != NULL)
		drop(c, e); /* a newer reply for the same id replaces the old one */
	mp_cache_expire(c, now_ms);
	if (c->count >= c->max)
		return -ENOSPC;
	e = calloc(1, sizeof(*e));
	char *copy = malloc(len + 1);
	if (e == NULL || copy == NULL) {
		free(e);
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, reply, len);
	copy[len] = '\0';
	e->peer = *peer;
	e->tid = tid;
	e->born_ms = now_ms;
	e->len = len;
	e->reply = copy;
	LIST_INSERT_HEAD(&c->buckets[hash(peer, tid)], e, bucket);
	TAILQ_INSERT_TAIL(&c->by_age, e, age);
	c->count++;
	return 0;
}

void
mp_cache_ack(struct mrfp_mp_cache *c, const struct mrfp_addr *peer, uint32_t first, uint32_t last)
{
	/* Ranges are short in practice; a long one is bounded by the number of entries. */
	if (last - first >= c->count) {
		struct entry *e, *next;
		for (e = TAILQ_FIRST(&c->by_age); e != NULL; e = next) {
			next = TAILQ_NEXT(e, age);
			if (e->tid >= first && e->tid <= last && mrfp_addr_equal(&e->peer, peer))
				drop(c, e);
		}
		return;
	}
	for (uint32_t tid = first;; tid++) {
		struct entry *e = lookup(c, peer, tid);
		if (e != NULL)
			drop(c, e);
		if (tid == last)
			break;
	}
}

unsigned int
mp_cache_count(const struct mrfp_mp_cache *c)
{
	return c->count;
}
