/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Retired key material is wiped (DESIGN.md: keys are wiped before free). Two observers:
 *  - every free() and rte_free() made by our objects and the static libsrtp2
 *    (-Wl,--wrap=free,--wrap=rte_free): a block handed back while it still holds a watched
 *    master key or salt is a leak of key material;
 *  - after a key is retired and reaped, the whole process (heap, DPDK memory with mempools
 *    and session keys, thread stacks) is searched for it: no copy may be left.
 * Exercised through the public APIs: mrfp_srtp_key_wipe, sdp_wipe, an SRTP session's
 * life, the dataplane's retire/reap path (rekey, leg removal, conference removal, destroy)
 * with a running worker on each SRTP engine, and the Mp reply cache.
 *
 * Needs EAL (the dataplane: rte_malloc, rings, a worker lcore, a net_ring port): --no-huge,
 * --no-pci, a unique --file-prefix. Not under valgrind for that reason (ASan covers it).
 */
#define _GNU_SOURCE /* memmem */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "keys.h"
#include "mp_cache.h"
#include "mrfp_dp.h"
#include "sdp.h"

void __wrap_free(void *p);
void __real_free(void *p);
void __wrap_rte_free(void *p);
void __real_rte_free(void *p);

/* ---- watched secrets ---------------------------------------------------------------------- */

/* Kept masked, so that the test's own record is never what a search finds. */
#define MASK 0xa5
#define WATCH_MAX 16
static struct {
	uint8_t masked[WATCH_MAX][MRFP_SRTP_MAX_KEY_LEN + 16];
	size_t len[WATCH_MAX];
	bool retired[WATCH_MAX]; /* searched for in the whole process by copies_left() */
	unsigned int n;
	unsigned int hits;  /* blocks freed while still holding a watched secret */
	unsigned int frees; /* blocks freed while watching */
} obs;

static void
watch(const void *bytes, size_t len)
{
	assert_true(obs.n < WATCH_MAX && len <= sizeof(obs.masked[0]));
	for (size_t j = 0; j < len; j++)
		obs.masked[obs.n][j] = ((const uint8_t *)bytes)[j] ^ MASK;
	obs.len[obs.n++] = len;
}

static unsigned int
salt_len(const struct mrfp_srtp_key *k)
{
	return k->suite >= MRFP_SUITE_AEAD_AES_128_GCM ? 12 : 14;
}

/* Master key and salt separately: either alone is a secret. Returns the first index. */
static unsigned int
watch_key(const struct mrfp_srtp_key *k)
{
	unsigned int first = obs.n;
	watch(k->material, (size_t)k->len - salt_len(k));
	watch(k->material + k->len - salt_len(k), salt_len(k));
	return first;
}

/* From now on no copy of the key watched at `first` may exist anywhere. */
static void
retire_key(unsigned int first)
{
	obs.retired[first] = obs.retired[first + 1] = true;
}

static void
unwatch(void)
{
	memset(&obs, 0, sizeof(obs));
}

/* A failed assertion leaves watches behind: every test starts clean. */
static int
fresh(void **state)
{
	(void)state;
	unwatch();
	return 0;
}

/* Not instrumented: freed and poisoned memory is exactly what is looked at here. One pass per
 * block: a table of the patterns' first bytes, a full compare only where one matches. */
__attribute__((no_sanitize("address"))) static unsigned int
count_in(const volatile uint8_t *p, size_t size, bool retired_only)
{
	bool first[256] = {false};
	unsigned int found = 0;
	for (unsigned int w = 0; w < obs.n; w++)
		if (!retired_only || obs.retired[w])
			first[obs.masked[w][0] ^ MASK] = true;
	for (size_t i = 0; i < size; i++) {
		if (!first[p[i]])
			continue;
		for (unsigned int w = 0; w < obs.n; w++) {
			const uint8_t *m = obs.masked[w];
			size_t j = 0, len = obs.len[w];
			if ((retired_only && !obs.retired[w]) || i + len > size)
				continue;
			while (j < len && p[i + j] == (uint8_t)(m[j] ^ MASK))
				j++;
			found += j == len;
		}
	}
	return found;
}

static void
scan_freed(const void *p, size_t size)
{
	obs.frees++;
	obs.hits += count_in(p, size, false) > 0;
}

void
__wrap_free(void *p)
{
	if (p != NULL && obs.n > 0)
		scan_freed(p, malloc_usable_size(p));
	__real_free(p);
}

void
__wrap_rte_free(void *p)
{
	size_t size;
	if (p != NULL && obs.n > 0 && rte_malloc_validate(p, &size) == 0)
		scan_freed(p, size);
	__real_rte_free(p);
}

/* Copies of retired secrets in the resident part of one mapping (pages never touched hold
 * nothing, and reading them would only fault in zeros), looked at 1 GB at a time. */
static unsigned int
scan_mapping(uintptr_t lo, uintptr_t hi)
{
	static unsigned char vec[(1u << 30) / 4096];
	const size_t page = 4096;
	unsigned int found = 0;
	for (uintptr_t at = lo; at < hi; at += sizeof(vec) * page) {
		size_t pages = (hi - at) / page < sizeof(vec) ? (hi - at) / page : sizeof(vec),
		       run = 0;
		if (mincore((void *)at, pages * page, vec) != 0)
			return found;
		for (size_t i = 0; i <= pages; i++) {
			if (i < pages && (vec[i] & 1)) {
				run++;
				continue;
			}
			if (run > 0) /* a resident run: a copy may straddle its pages */
				found += count_in((const volatile uint8_t *)(at + (i - run) * page),
						  run * page, true);
			run = 0;
		}
	}
	return found;
}

/* Copies of retired secrets in the process's private writable memory. */
static unsigned int
copies_left(void)
{
	char line[512], perms[8], path[256];
	unsigned long lo, hi;
	unsigned int found = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
			continue;
		/* the sanitizers' shadow memory (terabytes, no data) is left out */
		if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' ||
		    hi - lo > (64ul << 30) || strncmp(path, "[v", 2) == 0)
			continue;
		found += scan_mapping(lo, hi);
	}
	fclose(f);
	return found;
}

/* Distinctive bytes (no zero, no run) so that a match cannot be a coincidence. */
static void
known_key(struct mrfp_srtp_key *k, enum mrfp_srtp_suite suite, uint8_t seed)
{
	memset(k, 0, sizeof(*k));
	k->suite = suite;
	k->len = (uint8_t)mrfp_srtp_suite_key_len(suite);
	for (unsigned int i = 0; i < k->len; i++)
		k->material[i] = (uint8_t)(seed + 37 * i) | 0x01;
}

static int
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* ---- the observers can fail --------------------------------------------------------------- */

static void
test_observers_see_unwiped_memory(void **state)
{
	struct mrfp_srtp_key k;
	(void)state;
	known_key(&k, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 11);
	retire_key(watch_key(&k));
	uint8_t *a = malloc(100), *b = malloc(100), *keep = malloc(64);
	void *c = rte_malloc("u_kh", 100, 0);
	assert_true(a != NULL && b != NULL && c != NULL && keep != NULL);
	memcpy(a + 10, k.material, k.len);
	memcpy(b, k.material, k.len);
	OPENSSL_cleanse(b, 100);
	memcpy(c, k.material + 16, 14); /* the salt alone */
	memcpy(keep + 3, k.material, k.len);
	mrfp_srtp_key_wipe(&k);
	/* the stores must happen: a compiler may drop writes to memory that is freed next */
	__asm__ volatile("" : : "r"(a), "r"(b), "r"(c), "r"(keep) : "memory");
	free(a);
	free(b);
	rte_free(c);
	assert_int_equal(obs.frees, 3);
	assert_int_equal(obs.hits, 2);
	assert_true(copies_left() >= 2); /* key and salt in `keep` */
	OPENSSL_cleanse(keep, 64);
	free(keep);
	unwatch();
}

/* ---- our own copies ----------------------------------------------------------------------- */

static void
test_key_wipe(void **state)
{
	struct mrfp_srtp_key k;
	(void)state;
	known_key(&k, MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, 3);
	mrfp_srtp_key_wipe(&k);
	assert_true(all_zero(k.material, sizeof(k.material)));
}

static void
test_sdp_wipe(void **state)
{
	static const char text[] = "v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5000 RTP/SAVP 0\r\n"
				   "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
				   "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4\r\n";
	struct mrfp_sdp sdp;
	struct mrfp_srtp_key expect;
	(void)state;
	assert_int_equal(keys_from_base64("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
					  MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, &expect),
			 0);
	assert_int_equal(sdp_parse(text, sizeof(text) - 1, &sdp, NULL), 0);
	assert_int_equal(sdp.n_crypto, 1);
	assert_memory_equal(sdp.crypto[0].key.material, expect.material, expect.len);
	sdp_wipe(&sdp);
	assert_null(memmem(&sdp, sizeof(sdp), expect.material, 16));
	assert_null(memmem(&sdp, sizeof(sdp), expect.material + 16, 14));
	for (unsigned int i = 0; i < MRFP_SDP_MAX_CRYPTO; i++)
		assert_true(
			all_zero(sdp.crypto[i].key.material, sizeof(sdp.crypto[i].key.material)));
	mrfp_srtp_key_wipe(&expect);
}

/* ---- SRTP sessions (the current engine: libsrtp2 until a dataplane picks one) ------------ */

static void
session_life(enum mrfp_srtp_suite suite)
{
	struct mrfp_srtp_key k;
	uint8_t pkt[12 + 160 + MRFP_SRTCP_MAX_TRAILER] = {0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4};
	uint8_t rtcp[8 + MRFP_SRTCP_MAX_TRAILER] = {0x80, 201, 0, 1, 1, 2, 3, 4};
	int len = 12 + 160, rlen = 8;
	known_key(&k, suite, 29);
	unsigned int w = watch_key(&k);
	struct mrfp_srtp_session *out = mrfp_srtp_session_create(&k, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in = mrfp_srtp_session_create(&k, MRFP_SRTP_INBOUND);
	mrfp_srtp_key_wipe(&k);
	assert_non_null(out);
	assert_non_null(in);
	/* A packet each way clones a stream for the SSRC: more copies of derived state. */
	assert_int_equal(mrfp_srtp_protect(out, pkt, &len), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_unprotect(in, pkt, &len), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_protect_rtcp(out, rtcp, &rlen), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_unprotect_rtcp(in, rtcp, &rlen), MRFP_DROP_NONE);
	obs.frees = 0;
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
	retire_key(w);
	assert_true(obs.frees > 0);
	assert_int_equal(obs.hits, 0);
	assert_int_equal(copies_left(), 0);
	unwatch();
}

static void
test_session_free_wipes(void **state)
{
	(void)state;
	session_life(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	session_life(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80);
	session_life(MRFP_SUITE_AEAD_AES_128_GCM);
}

/* ---- the dataplane's retire path ---------------------------------------------------------- */

static struct mrfp_dp *dp;

/* A dataplane on a ring port of its own (destroy closes the port); false if the engine asked
 * for is not available here. */
static bool
dp_new(enum mrfp_engine_kind engine)
{
	static unsigned int n;
	char name[32];
	struct mrfp_config cfg;
	snprintf(name, sizeof(name), "kh_%u", n++);
	struct rte_ring *r = rte_ring_create(name, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(r);
	int port = rte_eth_from_rings(name, &r, 1, &r, 1, 0);
	assert_true(port >= 0);
	mrfp_config_defaults(&cfg);
	mrfp_addr_parse("10.0.0.1", &cfg.media4);
	cfg.media4_prefix = 24;
	cfg.port_min = 40000;
	cfg.port_max = 40099;
	cfg.eth_port = (uint16_t)port;
	cfg.workers = 1;
	cfg.mbufs_per_socket = 1023;
	cfg.max_legs = 64;
	cfg.max_conferences = 16;
	cfg.rtcp_interval_ms = 600000;
	cfg.leg_inactivity_ms = 0;
	cfg.srtp_engine = engine;
	dp = mrfp_dp_create(&cfg);
	assert_non_null(dp);
	if (engine == MRFP_ENGINE_BURST && mrfp_srtp_get_engine() != MRFP_SRTP_ENGINE_BURST) {
		mrfp_dp_destroy(dp);
		return false;
	}
	assert_int_equal(mrfp_dp_start(dp), 0);
	return true;
}

static void
leg_params(struct mrfp_leg_params *p, uint16_t port)
{
	memset(p, 0, sizeof(*p));
	p->local_port = port;
	p->mode = MRFP_MODE_SENDRECV;
	mrfp_addr_parse("10.0.0.2:5000", &p->remote);
}

/* Sync (the worker applied and retired), reap: nothing freed held a watched key, and no
 * copy of a retired one is left anywhere. */
static void
reap_clean(void)
{
	assert_int_equal(mrfp_dp_sync(dp, 5000), 0);
	mrfp_dp_reap(dp);
	assert_int_equal(obs.hits, 0);
	assert_int_equal(copies_left(), 0);
}

static void
leg_keys(enum mrfp_engine_kind engine, enum mrfp_srtp_suite suite)
{
	struct mrfp_srtp_key rx1, tx1, rx2, tx2;
	struct mrfp_leg_params p;
	struct mrfp_conf_params cp = {.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	if (!dp_new(engine)) {
		fprintf(stderr, "key_hygiene: no burst engine here, its variant skipped\n");
		return;
	}
	known_key(&rx1, suite, 41);
	known_key(&tx1, suite, 43);
	known_key(&rx2, suite, 47);
	known_key(&tx2, suite, 53);
	unsigned int w1 = watch_key(&rx1), w2 = watch_key(&tx1);
	unsigned int w3 = watch_key(&rx2), w4 = watch_key(&tx2);
	leg_params(&p, 40000);
	assert_int_equal(mrfp_dp_conf_add(dp, 1, &cp), 0);
	assert_int_equal(mrfp_dp_leg_add(dp, 1, 7, &p, &rx1, &tx1), 0);
	mrfp_srtp_key_wipe(&rx1); /* the caller's copies: the contract says wipe them */
	mrfp_srtp_key_wipe(&tx1);
	reap_clean();
	/* Rekey both ways: the worker retires the old sessions, control frees them. */
	assert_int_equal(mrfp_dp_leg_modify(dp, 7, &p, &rx2, &tx2), 0);
	mrfp_srtp_key_wipe(&rx2);
	mrfp_srtp_key_wipe(&tx2);
	retire_key(w1);
	retire_key(w2);
	reap_clean();
	/* The leg goes: its sessions are retired with it. */
	assert_int_equal(mrfp_dp_leg_remove(dp, 7, NULL), 0);
	retire_key(w3);
	retire_key(w4);
	reap_clean();
	assert_int_equal(mrfp_dp_conf_remove(dp, 1), 0);
	reap_clean();
	mrfp_dp_destroy(dp);
	assert_true(obs.frees > 0);
	assert_int_equal(obs.hits, 0);
	unwatch();
}

static void
test_retired_leg_keys_wiped_libsrtp(void **state)
{
	(void)state;
	leg_keys(MRFP_ENGINE_LIBSRTP, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
}

static void
test_retired_leg_keys_wiped_burst(void **state)
{
	(void)state;
	leg_keys(MRFP_ENGINE_BURST, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
}

static void
test_group_key_wiped(void **state)
{
	struct mrfp_srtp_key g, rx;
	struct mrfp_leg_params p;
	(void)state;
	assert_true(dp_new(MRFP_ENGINE_LIBSRTP));
	known_key(&g, MRFP_SUITE_AEAD_AES_128_GCM, 59);
	known_key(&rx, MRFP_SUITE_AEAD_AES_128_GCM, 61);
	unsigned int wg = watch_key(&g), wr = watch_key(&rx);
	struct mrfp_conf_params cp = {
		.media = MRFP_MEDIA_MIX, .keys = MRFP_KEYS_GROUP, .group_key = &g};
	leg_params(&p, 40002);
	assert_int_equal(mrfp_dp_conf_add(dp, 2, &cp), 0);
	assert_int_equal(mrfp_dp_leg_add(dp, 2, 9, &p, &rx, NULL), 0);
	mrfp_srtp_key_wipe(&g);
	mrfp_srtp_key_wipe(&rx);
	reap_clean();
	/* Removing the conference takes its leg and the group session with it. */
	assert_int_equal(mrfp_dp_conf_remove(dp, 2), 0);
	retire_key(wg);
	retire_key(wr);
	reap_clean();
	/* And what a destroy frees holds no key either (a leg still live at the end). */
	known_key(&rx, MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 67);
	unsigned int w = watch_key(&rx);
	cp = (struct mrfp_conf_params){.media = MRFP_MEDIA_SWITCH, .keys = MRFP_KEYS_BILATERAL};
	assert_int_equal(mrfp_dp_conf_add(dp, 3, &cp), 0);
	assert_int_equal(mrfp_dp_leg_add(dp, 3, 10, &p, &rx, &rx), 0);
	mrfp_srtp_key_wipe(&rx);
	assert_int_equal(mrfp_dp_sync(dp, 5000), 0);
	mrfp_dp_destroy(dp);
	retire_key(w);
	assert_int_equal(obs.hits, 0);
	assert_int_equal(copies_left(), 0);
	unwatch();
}

/* ---- the Mp reply cache: replies carry generated keys ------------------------------------- */

static void
test_reply_cache_wipes(void **state)
{
	static const char b64[] = "CL2QRzm98RDB5Ps8yHgzeXple3AKePBUswLhN9rc";
	char reply[256];
	struct mrfp_addr peer;
	(void)state;
	snprintf(reply, sizeof(reply),
		 "MEGACO/1 [10.0.0.1]\nReply = 5 { ... a=crypto:1 "
		 "AES_CM_128_HMAC_SHA1_80 inline:%s ... }\n",
		 b64);
	mrfp_addr_parse("127.0.0.1:2944", &peer);
	struct mrfp_mp_cache *c = mp_cache_create(16, 1000);
	assert_non_null(c);
	unsigned int w = obs.n;
	watch(b64, sizeof(b64) - 1);
	assert_int_equal(mp_cache_put(c, &peer, 5, reply, strlen(reply), 0), 0);
	assert_int_equal(mp_cache_put(c, &peer, 6, reply, strlen(reply), 0), 0);
	assert_int_equal(mp_cache_put(c, &peer, 7, reply, strlen(reply), 500), 0);
	OPENSSL_cleanse(reply, sizeof(reply));
	obs.frees = 0;
	mp_cache_ack(c, &peer, 6, 6);		       /* acknowledged */
	assert_int_equal(mp_cache_expire(c, 1200), 1); /* 5 expires */
	mp_cache_free(c);			       /* 7 goes with the cache */
	obs.retired[w] = true;
	assert_true(obs.frees >= 3);
	assert_int_equal(obs.hits, 0);
	assert_int_equal(copies_left(), 0);
	unwatch();
}

static char prefix[64];

static int
eal_up(void)
{
	char arg[96];
	snprintf(prefix, sizeof(prefix), "unit_keyhyg_%d", getpid());
	snprintf(arg, sizeof(arg), "--file-prefix=%s", prefix);
	char *argv[] = {"test",
			"--no-huge",
			"-m",
			"512",
			"--no-pci",
			arg,
			"-l",
			"0-1",
			"--no-telemetry",
			"--log-level=*:warning",
			NULL};
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	return mrfp_srtp_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_observers_see_unwiped_memory, fresh),
		cmocka_unit_test_setup(test_key_wipe, fresh),
		cmocka_unit_test_setup(test_sdp_wipe, fresh),
		cmocka_unit_test_setup(test_session_free_wipes, fresh),
		cmocka_unit_test_setup(test_reply_cache_wipes, fresh),
		cmocka_unit_test_setup(test_retired_leg_keys_wiped_libsrtp, fresh),
		cmocka_unit_test_setup(test_retired_leg_keys_wiped_burst, fresh),
		cmocka_unit_test_setup(test_group_key_wiped, fresh),
	};
	char cmd[160];
	if (eal_up() < 0) {
		fprintf(stderr, "test_key_hygiene: EAL set-up failed\n");
		return 1;
	}
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	if (system(cmd) != 0)
		fprintf(stderr, "test_key_hygiene: could not remove the runtime directory\n");
	return failed;
}
