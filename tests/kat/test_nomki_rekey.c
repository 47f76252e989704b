/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key change without MKI on the burst engine, against libsrtp2 as the oracle.
 * The sender is libsrtp2 changing its key with srtp_update (ROC kept); the burst engine's
 * sender (add the key, use it) must produce the same bytes. The receiver is the burst engine
 * holding the old and the new key; libsrtp2 holding each key in a session of its own (the
 * new one's ROC set to the switch point's) says what each packet decrypts to. Streams cross
 * the change before and after a ROC rollover, reordered around the switch point; AES-CM
 * learns the switch from the packets (a counted retry), GCM never retries: the index rule
 * decides, the switch point comes from control (key_use on the receiver), a packet under
 * the other key is dropped and counted. Replays and tampered packets stay refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <srtp2/srtp.h>

#include "mrfp_drop.h"
#include "mrfp_srtp.h"
#include "kat_util.h"

#define PKT_MAX 512
#define N_MAX 1000
#define SSRC 0x5eed1234u
#define BURST 8

static struct rte_mempool *pool;

/* A libsrtp2 policy for one SSRC (its stream exists at once: its ROC can be set). */
static void
policy_of(srtp_policy_t *p, const struct mrfp_srtp_key *k)
{
	memset(p, 0, sizeof(*p));
	test_srtp_policy_suite(p, k->suite);
	p->ssrc.type = ssrc_specific;
	p->ssrc.value = SSRC;
	p->key = (unsigned char *)(uintptr_t)k->material;
	p->window_size = 1024;
}

static srtp_t
lib_session(const struct mrfp_srtp_key *k)
{
	srtp_policy_t p;
	srtp_t s;
	policy_of(&p, k);
	assert_int_equal(srtp_create(&s, &p), srtp_err_status_ok);
	return s;
}

static struct mrfp_srtp_session *
burst(const struct mrfp_srtp_key *k, enum mrfp_srtp_dir dir)
{
	struct mrfp_srtp_session *s =
		mrfp_srtp_session_create_on(k, dir, MRFP_SRTP_ENGINE_BURST, 0);
	assert_non_null(s);
	return s;
}

static void
add(struct mrfp_srtp_session *s, const struct mrfp_srtp_key *k, enum mrfp_srtp_dir dir)
{
	struct mrfp_srtp_keyslot *ks = mrfp_srtp_keyslot_create(k, dir);
	assert_non_null(ks);
	assert_int_equal(mrfp_srtp_session_add_key(s, ks), 0);
}

static void
use(struct mrfp_srtp_session *s, const struct mrfp_srtp_key *k)
{
	uint8_t h[MRFP_SRTP_MAX_MKI_LEN];
	mrfp_srtp_key_handle(k, h);
	assert_int_equal(mrfp_srtp_session_use_key(s, h), 0);
}

static void
retire(struct mrfp_srtp_session *s, const struct mrfp_srtp_key *k)
{
	uint8_t h[MRFP_SRTP_MAX_MKI_LEN];
	mrfp_srtp_key_handle(k, h);
	struct mrfp_srtp_keyslot *ks = mrfp_srtp_session_remove_key(s, h);
	assert_non_null(ks);
	mrfp_srtp_keyslot_free(ks);
}

/* One stream across a key change: plaintexts, what the sender sent, under which key. */
struct stream {
	struct mrfp_srtp_key k[2];
	int n, sw; /* packets; the first one under the new key */
	uint8_t plain[N_MAX][PKT_MAX], prot[N_MAX][PKT_MAX];
	int plen[N_MAX], len[N_MAX];
	srtp_t oracle[2]; /* libsrtp2 receivers, one per key */
};

static struct stream st;

/* The reference sender: libsrtp2, srtp_update at the switch. The burst engine sends the
 * same packets (the new key added early, used at the switch): the same bytes. */
static void
make_stream(enum mrfp_srtp_suite suite, uint16_t seq0, int n, int sw)
{
	srtp_policy_t p;
	st.k[0] = kat_random_key(suite);
	st.k[1] = kat_random_key(suite);
	st.n = n;
	st.sw = sw;
	srtp_t ref = lib_session(&st.k[0]);
	struct mrfp_srtp_session *tx = burst(&st.k[0], MRFP_SRTP_OUTBOUND);
	add(tx, &st.k[1], MRFP_SRTP_OUTBOUND);
	for (int i = 0; i < n; i++) {
		if (i == sw) {
			policy_of(&p, &st.k[1]);
			assert_int_equal(srtp_update(ref, &p), srtp_err_status_ok);
			use(tx, &st.k[1]);
		}
		uint8_t b[PKT_MAX];
		st.plen[i] = kat_make_rtp(st.plain[i], SSRC, (uint16_t)(seq0 + i), 0, -1,
					  20 + kat_rnd() % 200);
		memcpy(st.prot[i], st.plain[i], (size_t)st.plen[i]);
		memcpy(b, st.plain[i], (size_t)st.plen[i]);
		st.len[i] = st.plen[i];
		int lb = st.plen[i];
		assert_int_equal(srtp_protect(ref, st.prot[i], &st.len[i]), srtp_err_status_ok);
		assert_int_equal(mrfp_srtp_protect(tx, b, &lb), MRFP_DROP_NONE);
		assert_int_equal(lb, st.len[i]);
		assert_memory_equal(b, st.prot[i], (size_t)lb);
	}
	srtp_dealloc(ref);
	mrfp_srtp_session_free(tx);
	st.oracle[0] = lib_session(&st.k[0]);
	st.oracle[1] = lib_session(&st.k[1]);
	uint32_t roc = (uint32_t)((seq0 + (uint32_t)sw) >> 16);
	if (roc > 0)
		assert_int_equal(srtp_set_stream_roc(st.oracle[1], SSRC, roc), srtp_err_status_ok);
}

static void
free_stream(void)
{
	srtp_dealloc(st.oracle[0]);
	srtp_dealloc(st.oracle[1]);
	mrfp_srtp_key_wipe(&st.k[0]);
	mrfp_srtp_key_wipe(&st.k[1]);
}

/* libsrtp2's verdict on packet i under key k, on a copy. */
static bool
oracle_ok(int i, int k)
{
	uint8_t b[PKT_MAX];
	int l = st.len[i];
	memcpy(b, st.prot[i], (size_t)l);
	if (srtp_unprotect(st.oracle[k], b, &l) != srtp_err_status_ok)
		return false;
	assert_int_equal(l, st.plen[i]);
	assert_memory_equal(b, st.plain[i], (size_t)l);
	return true;
}

/* Deliver packets order[0..n) to the engine, in bursts of b (1: one at a time). */
static void
deliver(struct mrfp_srtp_session *rx, const int *order, int n, unsigned int b, enum mrfp_drop *d)
{
	for (int i = 0; i < n; i += (int)b) {
		unsigned int c = (unsigned int)(n - i) < b ? (unsigned int)(n - i) : b;
		struct rte_mbuf *m[BURST];
		struct mrfp_srtp_session *s[BURST];
		for (unsigned int j = 0; j < c; j++) {
			int p = order[i + (int)j];
			m[j] = rte_pktmbuf_alloc(pool);
			assert_non_null(m[j]);
			memcpy(rte_pktmbuf_append(m[j], (uint16_t)st.len[p]), st.prot[p],
			       (size_t)st.len[p]);
			s[j] = rx;
		}
		mrfp_srtp_unprotect_burst(s, m, d + i, c);
		for (unsigned int j = 0; j < c; j++) {
			int p = order[i + (int)j];
			if (d[i + (int)j] ==
			    MRFP_DROP_NONE) { /* what is delivered is the plaintext */
				assert_int_equal(rte_pktmbuf_data_len(m[j]), st.plen[p]);
				assert_memory_equal(rte_pktmbuf_mtod(m[j], void *), st.plain[p],
						    (size_t)st.plen[p]);
			}
			rte_pktmbuf_free(m[j]);
		}
	}
}

static enum mrfp_drop
deliver_one(struct mrfp_srtp_session *rx, int p)
{
	enum mrfp_drop d;
	deliver(rx, &p, 1, 1, &d);
	return d;
}

/* In order, except the six packets around the switch, reversed (new ones first), and the
 * six around a rollover; `hold` is kept back to the end. */
static int
delivery_order(int *order, uint16_t seq0, int hold)
{
	int n = 0, wrap = 65536 - seq0;
	for (int i = 0; i < st.n; i++)
		if (i != hold)
			order[n++] = i;
	int blocks[2] = {st.sw - 3, wrap - 3};
	for (int b = 0; b < 2; b++)
		for (int j = 0; j < n; j++)
			if (order[j] == blocks[b] && j + 6 <= n) {
				for (int x = 0; x < 3; x++) {
					int t = order[j + x];
					order[j + x] = order[j + 5 - x];
					order[j + 5 - x] = t;
				}
				break;
			}
	return n;
}

/* Slot `to` becomes packet `from` claiming the next sequence number: a fresh index whose
 * tag matches under neither key. */
static void
tamper_next(int to, int from)
{
	memcpy(st.prot[to], st.prot[from], (size_t)st.len[from]);
	st.len[to] = st.len[from];
	uint16_t seq = (uint16_t)((st.prot[to][2] << 8 | st.prot[to][3]) + 1);
	st.prot[to][2] = (uint8_t)(seq >> 8);
	st.prot[to][3] = (uint8_t)seq;
}

static struct mrfp_srtp_rekey_stats
stats(const struct mrfp_srtp_session *s)
{
	struct mrfp_srtp_rekey_stats r;
	mrfp_srtp_session_rekey_stats(s, &r);
	return r;
}

/*
 * AES-CM: the receiver is given the new key before the sender switches, and nothing else:
 * it learns the switch point from the first packet that authenticates under the new key.
 * Every packet is accepted (reordered ones too), bit-equal to what libsrtp2 decrypts.
 */
static void
cm_change(enum mrfp_srtp_suite suite, uint16_t seq0, int n, int sw, unsigned int b)
{
	static int order[N_MAX];
	static enum mrfp_drop d[N_MAX];
	make_stream(suite, seq0, n, sw);
	struct mrfp_srtp_session *rx = burst(&st.k[0], MRFP_SRTP_INBOUND);
	int first = sw - 40, held = sw - 20;
	int m = delivery_order(order, seq0, held);
	deliver(rx, order, first, b, d);
	add(rx, &st.k[1], MRFP_SRTP_INBOUND);
	assert_int_equal(stats(rx).keys, 2);
	deliver(rx, order + first, m - first, b, d + first);
	for (int j = 0; j < m; j++) { /* every packet, and exactly as libsrtp2 opens it */
		int p = order[j];
		assert_int_equal(d[j], MRFP_DROP_NONE);
		assert_true(oracle_ok(p, p >= sw));
	}
	/* the packets reversed around the switch cost one retry each (one a burst at most),
	 * the rest none: the switch point was learnt */
	struct mrfp_srtp_rekey_stats r = stats(rx);
	assert_false(r.switched);
	assert_true(r.retries >= 3 && r.retries <= 3 + b);
	assert_int_equal(r.retried_ok, r.retries);
	/* late old-key packet, within the window: still accepted (make-before-break) */
	assert_int_equal(deliver_one(rx, held), MRFP_DROP_NONE);
	/* replays under either key, and a tampered one, refused: the tampered one was tried
	 * under both keys, in vain */
	assert_int_equal(deliver_one(rx, sw - 1), MRFP_DROP_SRTP_REPLAY);
	assert_int_equal(deliver_one(rx, sw + 1), MRFP_DROP_SRTP_REPLAY);
	uint64_t before = stats(rx).retries;
	tamper_next(held, n - 1);
	assert_int_equal(deliver_one(rx, held), MRFP_DROP_SRTP_AUTH);
	assert_int_equal(stats(rx).retries, before + 1);
	assert_int_equal(stats(rx).retried_ok, before);
	free_stream();
	mrfp_srtp_session_free(rx);
}

static void
test_cm_change_before_rollover(void **s)
{
	(void)s;
	cm_change(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 65300, 600, 150, 1);
}
static void
test_cm_change_after_rollover(void **s)
{
	(void)s;
	cm_change(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 65000, 900, 700, 1);
}
static void
test_cm_change_in_bursts(void **s)
{
	(void)s;
	cm_change(MRFP_SUITE_AES_CM_128_HMAC_SHA1_32, 65000, 900, 700, BURST);
}
static void
test_cm256_change_in_bursts(void **s)
{
	(void)s;
	cm_change(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, 65300, 600, 150, BURST);
}

/* Retiring the old key: a packet still under it is refused from then on. */
static void
test_cm_retire_old_key(void **state)
{
	(void)state;
	static int order[N_MAX];
	static enum mrfp_drop d[N_MAX];
	make_stream(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 1000, 300, 100);
	struct mrfp_srtp_session *rx = burst(&st.k[0], MRFP_SRTP_INBOUND);
	add(rx, &st.k[1], MRFP_SRTP_INBOUND);
	int m = delivery_order(order, 1000, 90);
	deliver(rx, order, m, 1, d);
	for (int j = 0; j < m; j++)
		assert_int_equal(d[j], MRFP_DROP_NONE);
	struct mrfp_srtp_keyslot *none =
		mrfp_srtp_session_remove_key(rx, (const uint8_t[]){1, 2, 3, 4});
	assert_null(none);
	retire(rx, &st.k[0]);
	assert_int_equal(stats(rx).keys, 1);
	assert_int_equal(deliver_one(rx, 90), MRFP_DROP_SRTP_AUTH); /* old key: gone */
	/* a sender may not lose its key in use, a receiver not its last one */
	uint8_t h[MRFP_SRTP_MAX_MKI_LEN];
	mrfp_srtp_key_handle(&st.k[1], h);
	assert_null(mrfp_srtp_session_remove_key(rx, h));
	/* the next change starts from a clean slate: two keys again, a third refused */
	add(rx, &st.k[0], MRFP_SRTP_INBOUND);
	struct mrfp_srtp_key third = kat_random_key(st.k[0].suite);
	struct mrfp_srtp_keyslot *ks = mrfp_srtp_keyslot_create(&third, MRFP_SRTP_INBOUND);
	assert_int_equal(mrfp_srtp_session_add_key(rx, ks), -ENOSPC);
	mrfp_srtp_keyslot_free(ks);
	mrfp_srtp_key_wipe(&third);
	free_stream();
	mrfp_srtp_session_free(rx);
}

/*
 * GCM: never a second try. The receiver keeps the old key until control says the sender
 * switched (key_use on the receiver, after packet `told - 1` arrived); from there every
 * index after the newest accepted is under the new key. Told exactly at the switch: no
 * loss; told late or early: the packets under the other key are dropped as AUTH failures,
 * counted, and none is delivered.
 */
static void
gcm_change(enum mrfp_srtp_suite suite, int told, unsigned int b)
{
	static int order[N_MAX];
	static enum mrfp_drop d[N_MAX];
	const int sw = 200, n = 400;
	make_stream(suite, 65400, n, sw); /* the ROC changes under the new key */
	struct mrfp_srtp_session *rx = burst(&st.k[0], MRFP_SRTP_INBOUND);
	add(rx, &st.k[1], MRFP_SRTP_INBOUND);
	const int held = sw - 6; /* an old packet that arrives last, long after the switch */
	int m = 0;
	for (int i = 0; i < n; i++)
		if (i != held)
			order[m++] = i;
	order[m++] = held;
	int before_use = told - 1; /* packets 0 .. told-1 but the held one */
	deliver(rx, order, before_use, b, d);
	use(rx, &st.k[1]);
	assert_true(stats(rx).switched);
	deliver(rx, order + before_use, n - before_use, b, d + before_use);
	/* the rule: old below the switch point (the index after the newest accepted when
	 * control said so), new from it */
	int at = told > sw ? sw : told, lost = 0;
	for (int j = 0; j < n; j++) {
		int p = order[j];
		int k = j < before_use ? 0 : p >= at;
		bool ok = oracle_ok(p, k);
		assert_int_equal(d[j], ok ? MRFP_DROP_NONE : MRFP_DROP_SRTP_AUTH);
		lost += !ok;
	}
	assert_int_equal(d[n - 1], MRFP_DROP_NONE); /* the late old one */
	assert_int_equal(lost, told > sw ? told - sw : sw - told);
	assert_int_equal(stats(rx).retries, 0);
	/* replays and a tampered packet: refused */
	assert_int_equal(deliver_one(rx, n - 1), MRFP_DROP_SRTP_REPLAY);
	tamper_next(held, n - 1);
	assert_int_equal(deliver_one(rx, held), MRFP_DROP_SRTP_AUTH);
	assert_int_equal(stats(rx).retries, 0);
	/* a stream first met after the switch is under the new key from its first packet */
	uint8_t pkt[PKT_MAX], plain[PKT_MAX];
	struct mrfp_srtp_session *tx2 = burst(&st.k[1], MRFP_SRTP_OUTBOUND);
	int l = kat_make_rtp(pkt, SSRC + 1, 7, 0, -1, 50);
	memcpy(plain, pkt, (size_t)l);
	assert_int_equal(mrfp_srtp_protect(tx2, pkt, &l), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_unprotect(rx, pkt, &l), MRFP_DROP_NONE);
	assert_memory_equal(pkt, plain, (size_t)l);
	mrfp_srtp_session_free(tx2);
	free_stream();
	mrfp_srtp_session_free(rx);
}

static void
test_gcm_told_at_switch(void **s)
{
	(void)s;
	gcm_change(MRFP_SUITE_AEAD_AES_128_GCM, 200, 1);
}
static void
test_gcm_told_late(void **s)
{
	(void)s;
	gcm_change(MRFP_SUITE_AEAD_AES_128_GCM, 204, 1);
}
static void
test_gcm_told_early(void **s)
{
	(void)s;
	gcm_change(MRFP_SUITE_AEAD_AES_256_GCM, 197, BURST);
}

/* Before control says anything, a GCM receiver never tries the new key: a sender that
 * switches on its own loses its packets (dropped, counted), it does not get garbage in. */
static void
test_gcm_untold_drops_new_key(void **state)
{
	(void)state;
	static int order[N_MAX];
	static enum mrfp_drop d[N_MAX];
	make_stream(MRFP_SUITE_AEAD_AES_128_GCM, 100, 120, 100);
	struct mrfp_srtp_session *rx = burst(&st.k[0], MRFP_SRTP_INBOUND);
	add(rx, &st.k[1], MRFP_SRTP_INBOUND);
	for (int i = 0; i < st.n; i++)
		order[i] = i;
	deliver(rx, order, st.n, BURST, d);
	for (int i = 0; i < st.n; i++)
		assert_int_equal(d[i], i < st.sw ? MRFP_DROP_NONE : MRFP_DROP_SRTP_AUTH);
	assert_int_equal(stats(rx).retries, 0);
	free_stream();
	mrfp_srtp_session_free(rx);
}

/* SRTCP across the change (AES-CM): the SRTCP index goes on; the switch is learnt as well. */
static void
test_cm_srtcp_change(void **state)
{
	(void)state;
	struct mrfp_srtp_key k[2] = {kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80),
				     kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80)};
	srtp_policy_t p;
	srtp_t ref = lib_session(&k[0]);
	struct mrfp_srtp_session *rx = burst(&k[0], MRFP_SRTP_INBOUND);
	add(rx, &k[1], MRFP_SRTP_INBOUND);
	for (int i = 0; i < 40; i++) {
		if (i == 20) {
			policy_of(&p, &k[1]);
			assert_int_equal(srtp_update(ref, &p), srtp_err_status_ok);
		}
		uint8_t b[PKT_MAX], plain[PKT_MAX];
		int len = 8 + 4 * (int)(kat_rnd() % 20);
		for (int j = 0; j < len; j++)
			plain[j] = (uint8_t)kat_rnd();
		plain[0] = 0x80;
		plain[1] = 200;
		for (int j = 0; j < 4; j++)
			plain[4 + j] = (uint8_t)(SSRC >> (24 - 8 * j));
		memcpy(b, plain, (size_t)len);
		int l = len;
		assert_int_equal(srtp_protect_rtcp(ref, b, &l), srtp_err_status_ok);
		assert_int_equal(mrfp_srtp_unprotect_rtcp(rx, b, &l), MRFP_DROP_NONE);
		assert_int_equal(l, len);
		assert_memory_equal(b, plain, (size_t)len);
	}
	assert_int_equal(stats(rx).retries, 1); /* the first one under the new key */
	srtp_dealloc(ref);
	mrfp_srtp_session_free(rx);
	mrfp_srtp_key_wipe(&k[0]);
	mrfp_srtp_key_wipe(&k[1]);
}

/* The lifetime is counted per key: switching to another key and back does not give the
 * first one a fresh count (RFC 3711 9.2: never more than its lifetime under one key). */
static void
test_lifetime_per_key(void **state)
{
	(void)state;
	struct mrfp_srtp_key a = kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_srtp_key b = kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	a.lifetime = 100;
	struct mrfp_srtp_session *tx = burst(&a, MRFP_SRTP_OUTBOUND);
	add(tx, &b, MRFP_SRTP_OUTBOUND);
	static const int steps[] = {60, 10, 40}; /* under a, b, a again */
	uint16_t seq = 1;
	for (int k = 0; k < 3; k++) {
		use(tx, k == 1 ? &b : &a);
		for (int i = 0; i < steps[k]; i++) {
			uint8_t pkt[PKT_MAX];
			int l = kat_make_rtp(pkt, SSRC, seq++, 0, -1, 40);
			assert_int_equal(mrfp_srtp_protect(tx, pkt, &l), MRFP_DROP_NONE);
		}
	}
	assert_int_equal(mrfp_srtp_session_limit(tx), MRFP_SRTP_LIMIT_HARD);
	uint8_t pkt[PKT_MAX];
	int l = kat_make_rtp(pkt, SSRC, seq++, 0, -1, 40);
	assert_int_equal(mrfp_srtp_protect(tx, pkt, &l), MRFP_DROP_SRTP_KEY_EXPIRED);
	use(tx, &b); /* b has its own count: 10 of 2^48 */
	l = kat_make_rtp(pkt, SSRC, seq++, 0, -1, 40);
	assert_int_equal(mrfp_srtp_protect(tx, pkt, &l), MRFP_DROP_NONE);
	mrfp_srtp_session_free(tx);
	mrfp_srtp_key_wipe(&a);
	mrfp_srtp_key_wipe(&b);
}

int
main(int argc, char **argv)
{
	(void)argc;
	kat_rng = 0x2545f4914f6cdd1dULL;
	if (kat_engines_start(argv[0], "mrfp_nomki_rekey") < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("nomki", 255, 0, 0, 2048, 0);
	if (pool == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cm_change_before_rollover),
		cmocka_unit_test(test_cm_change_after_rollover),
		cmocka_unit_test(test_cm_change_in_bursts),
		cmocka_unit_test(test_cm256_change_in_bursts),
		cmocka_unit_test(test_cm_retire_old_key),
		cmocka_unit_test(test_gcm_told_at_switch),
		cmocka_unit_test(test_gcm_told_late),
		cmocka_unit_test(test_gcm_told_early),
		cmocka_unit_test(test_gcm_untold_drops_new_key),
		cmocka_unit_test(test_cm_srtcp_change),
		cmocka_unit_test(test_lifetime_per_key),
	};
	return cmocka_run_group_tests_name("nomki_rekey", tests, NULL, NULL);
}
