/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst engine against libsrtp2, its oracle: random streams in every suite (sequence
 * wrap and ROC increments, CSRCs, header extensions, SRTCP), one packet at a time and in
 * bursts. Both engines must produce the same bytes, decrypt each other's output, and refuse
 * the same bad packets for the same reason. Nothing expected here comes from the burst engine.
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

#define PKT_MAX 1600
#define BURST 32

static struct rte_mempool *pool;
struct pair {
	struct mrfp_srtp_session *lib, *burst;
};

static struct pair
make_pair(const struct mrfp_srtp_key *k, enum mrfp_srtp_dir dir, unsigned int streams)
{
	struct pair p = {mrfp_srtp_session_create_on(k, dir, MRFP_SRTP_ENGINE_LIBSRTP, 0),
			 mrfp_srtp_session_create_on(k, dir, MRFP_SRTP_ENGINE_BURST, streams)};
	assert_non_null(p.lib);
	assert_non_null(p.burst);
	return p;
}

static void
free_pair(struct pair *p)
{
	mrfp_srtp_session_free(p->lib);
	mrfp_srtp_session_free(p->burst);
}

static void
random_rtp(uint8_t *b, int *len, uint32_t ssrc, uint16_t seq)
{
	unsigned int cc = kat_rnd() % 8 == 0 ? kat_rnd() % 4 : 0;
	int ext = kat_rnd() % 8 == 0 ? (int)(kat_rnd() % 3) : -1;
	*len = kat_make_rtp(b, ssrc, seq, cc, ext, 1 + kat_rnd() % 1200);
}

/* protect on both engines: same bytes; unprotect crosswise: the plaintext back. */
static void
check_rtp(struct pair *out, struct pair *in, const uint8_t *plain, int len)
{
	uint8_t a[PKT_MAX], b[PKT_MAX];
	int la = len, lb = len;
	memcpy(a, plain, (size_t)len);
	memcpy(b, plain, (size_t)len);
	assert_int_equal(mrfp_srtp_protect(out->lib, a, &la), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_protect(out->burst, b, &lb), MRFP_DROP_NONE);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	assert_int_equal(mrfp_srtp_unprotect(in->burst, a, &la), MRFP_DROP_NONE);
	assert_int_equal(mrfp_srtp_unprotect(in->lib, b, &lb), MRFP_DROP_NONE);
	assert_int_equal(la, len);
	assert_int_equal(lb, len);
	assert_memory_equal(a, plain, (size_t)len);
	assert_memory_equal(b, plain, (size_t)len);
}

static void
stream_suite(enum mrfp_srtp_suite suite)
{
	struct mrfp_srtp_key k = kat_random_key(suite);
	struct pair out = make_pair(&k, MRFP_SRTP_OUTBOUND, 0),
		    in = make_pair(&k, MRFP_SRTP_INBOUND, 0);
	uint8_t plain[PKT_MAX];
	uint32_t ssrc = kat_rnd();
	uint16_t seq = 65000; /* wraps after 536 packets: the ROC becomes 1 */
	for (int i = 0; i < 3000; i++, seq++) {
		int len;
		random_rtp(plain, &len, ssrc, seq);
		check_rtp(&out, &in, plain, len);
	}
	free_pair(&out);
	free_pair(&in);
}

static void
test_stream_cm128_80(void **s)
{
	(void)s;
	stream_suite(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
}
static void
test_stream_cm128_32(void **s)
{
	(void)s;
	stream_suite(MRFP_SUITE_AES_CM_128_HMAC_SHA1_32);
}
static void
test_stream_cm256_80(void **s)
{
	(void)s;
	stream_suite(MRFP_SUITE_AES_256_CM_HMAC_SHA1_80);
}
static void
test_stream_gcm128(void **s)
{
	(void)s;
	stream_suite(MRFP_SUITE_AEAD_AES_128_GCM);
}
static void
test_stream_gcm256(void **s)
{
	(void)s;
	stream_suite(MRFP_SUITE_AEAD_AES_256_GCM);
}

static enum mrfp_drop both_unprotect(struct pair *in, const uint8_t *pkt, int len, bool rtcp);

/* SRTCP: the index (from 1), E-bit, tag; both ways; tampered, truncated and replayed. */
static void
test_srtcp_all_suites(void **state)
{
	(void)state;
	for (unsigned int su = 0; su < MRFP_SUITE_COUNT; su++) {
		struct mrfp_srtp_key k = kat_random_key((enum mrfp_srtp_suite)su);
		struct pair out = make_pair(&k, MRFP_SRTP_OUTBOUND, 0);
		struct pair in = make_pair(&k, MRFP_SRTP_INBOUND, 0);
		uint32_t ssrc = kat_rnd();
		for (int i = 0; i < 300; i++) {
			uint8_t plain[PKT_MAX], a[PKT_MAX], b[PKT_MAX];
			int len = 8 + 4 * (int)(kat_rnd() % 60), la = len, lb = len;
			for (int j = 0; j < len; j++)
				plain[j] = (uint8_t)kat_rnd();
			plain[0] = 0x80;
			plain[1] = 200;
			for (int j = 0; j < 4; j++)
				plain[4 + j] = (uint8_t)(ssrc >> (24 - 8 * j));
			memcpy(a, plain, (size_t)len);
			memcpy(b, plain, (size_t)len);
			assert_int_equal(mrfp_srtp_protect_rtcp(out.lib, a, &la), MRFP_DROP_NONE);
			assert_int_equal(mrfp_srtp_protect_rtcp(out.burst, b, &lb), MRFP_DROP_NONE);
			assert_int_equal(la, lb);
			assert_memory_equal(a, b, (size_t)la);
			uint8_t prot[PKT_MAX], t[PKT_MAX];
			int plen = la;
			memcpy(prot, a, (size_t)la);
			memcpy(t, a, (size_t)la);
			t[kat_rnd() % (unsigned int)la] ^=
				0x01; /* anywhere: header, body, tag or index */
			assert_int_not_equal(both_unprotect(&in, t, la, true), MRFP_DROP_NONE);
			both_unprotect(&in, prot, (int)(kat_rnd() % (unsigned int)la),
				       true); /* truncated */
			assert_int_equal(mrfp_srtp_unprotect_rtcp(in.burst, a, &la),
					 MRFP_DROP_NONE);
			assert_int_equal(mrfp_srtp_unprotect_rtcp(in.lib, b, &lb), MRFP_DROP_NONE);
			assert_int_equal(la, len);
			assert_memory_equal(a, plain, (size_t)len);
			assert_memory_equal(b, plain, (size_t)len);
			assert_int_equal(both_unprotect(&in, prot, plen, true),
					 MRFP_DROP_SRTP_REPLAY);
		}
		free_pair(&out);
		free_pair(&in);
	}
}

/* Same input to both inbound sessions: the same verdict. */
static enum mrfp_drop
both_unprotect(struct pair *in, const uint8_t *pkt, int len, bool rtcp)
{
	uint8_t a[PKT_MAX], b[PKT_MAX];
	int la = len, lb = len;
	memcpy(a, pkt, (size_t)len);
	memcpy(b, pkt, (size_t)len);
	enum mrfp_drop da = rtcp ? mrfp_srtp_unprotect_rtcp(in->lib, a, &la)
				 : mrfp_srtp_unprotect(in->lib, a, &la);
	enum mrfp_drop db = rtcp ? mrfp_srtp_unprotect_rtcp(in->burst, b, &lb)
				 : mrfp_srtp_unprotect(in->burst, b, &lb);
	if (da != db)
		fail_msg("libsrtp2 says %s, burst %s (len %d, rtcp %d)", mrfp_drop_name(da),
			 mrfp_drop_name(db), len, rtcp);
	if (da == MRFP_DROP_NONE) {
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, (size_t)la);
	}
	return da;
}

/* Tampering, replays, old indices, truncation, wrong key: refused alike, for the same reason. */
static void
test_negatives_alike(void **state)
{
	(void)state;
	for (unsigned int su = 0; su < MRFP_SUITE_COUNT; su++) {
		struct mrfp_srtp_key k = kat_random_key((enum mrfp_srtp_suite)su),
				     wrong = kat_random_key((enum mrfp_srtp_suite)su);
		struct mrfp_srtp_session *tx = mrfp_srtp_session_create_on(
			&k, MRFP_SRTP_OUTBOUND, MRFP_SRTP_ENGINE_LIBSRTP, 0);
		struct pair in = make_pair(&k, MRFP_SRTP_INBOUND, 0),
			    bad = make_pair(&wrong, MRFP_SRTP_INBOUND, 0);
		uint8_t p[PKT_MAX][1], saved[40][PKT_MAX];
		int saved_len[40];
		(void)p;
		for (int i = 0; i < 1200; i++) {
			uint8_t pkt[PKT_MAX];
			int len = kat_make_rtp(pkt, 0x11223344, (uint16_t)(1000 + i), 0, -1, 160);
			assert_int_equal(mrfp_srtp_protect(tx, pkt, &len), MRFP_DROP_NONE);
			if (i < 40) {
				memcpy(saved[i], pkt, (size_t)len);
				saved_len[i] = len;
			}
			if (i % 7 == 3) { /* flip a payload or tag bit: refused, state unchanged */
				uint8_t t[PKT_MAX];
				memcpy(t, pkt, (size_t)len);
				t[12 + kat_rnd() % (unsigned int)(len - 12)] ^=
					(uint8_t)(1u << (kat_rnd() % 8));
				assert_int_equal(both_unprotect(&in, t, len, false),
						 MRFP_DROP_SRTP_AUTH);
			}
			if (i % 11 == 5) /* truncated anywhere */
				both_unprotect(&in, pkt, (int)(kat_rnd() % 30), false);
			if (i % 13 == 0)
				assert_int_equal(both_unprotect(&bad, pkt, len, false),
						 MRFP_DROP_SRTP_AUTH);
			if (i % 17 == 9) /* reordered: delivered late but inside the window */
				continue;
			assert_int_equal(both_unprotect(&in, pkt, len, false), MRFP_DROP_NONE);
			if (i % 5 == 0) /* duplicate */
				assert_int_equal(both_unprotect(&in, pkt, len, false),
						 MRFP_DROP_SRTP_REPLAY);
		}
		/* the first packets are now more than 1024 indices old: too old for both */
		for (int i = 0; i < 40; i++)
			assert_int_equal(both_unprotect(&in, saved[i], saved_len[i], false),
					 MRFP_DROP_SRTP_REPLAY);
		mrfp_srtp_session_free(tx);
		free_pair(&in);
		free_pair(&bad);
	}
}

/* Many SSRCs under one key (a group key's personal streams), interleaved. */
static void
test_many_ssrcs(void **state)
{
	(void)state;
	struct mrfp_srtp_key k = kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct pair out = make_pair(&k, MRFP_SRTP_OUTBOUND, 64),
		    in = make_pair(&k, MRFP_SRTP_INBOUND, 64);
	uint32_t ssrc[50];
	for (int i = 0; i < 50; i++)
		ssrc[i] = kat_rnd();
	for (int n = 0; n < 40; n++)
		for (int i = 0; i < 50; i++) {
			uint8_t plain[PKT_MAX];
			int len = kat_make_rtp(plain, ssrc[i], (uint16_t)(n * 3 + i), 0, -1,
					       20 + (unsigned int)i);
			check_rtp(&out, &in, plain, len);
		}
	free_pair(&out);
	free_pair(&in);
}

/* Beyond the provisioned streams the burst engine drops; it never evicts (keystream reuse). */
static void
test_stream_limit(void **state)
{
	(void)state;
	struct mrfp_srtp_key k = kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
	struct mrfp_srtp_session *s =
		mrfp_srtp_session_create_on(&k, MRFP_SRTP_OUTBOUND, MRFP_SRTP_ENGINE_BURST, 2);
	uint8_t b[PKT_MAX];
	for (uint32_t ssrc = 1; ssrc <= 3; ssrc++) {
		int len = kat_make_rtp(b, ssrc, 1, 0, -1, 10);
		assert_int_equal(mrfp_srtp_protect(s, b, &len),
				 ssrc <= 2 ? MRFP_DROP_NONE : MRFP_DROP_SRTP_STREAMS);
	}
	int len = kat_make_rtp(b, 1, 2, 0, -1, 10); /* known streams still work */
	assert_int_equal(mrfp_srtp_protect(s, b, &len), MRFP_DROP_NONE);
	mrfp_srtp_session_free(s);
}

/* Key lifetime (RFC 4568 |lifetime): both engines stop at it; only authentic packets count. */
static void
test_key_lifetime(void **state)
{
	(void)state;
	for (int e = 0; e < 2; e++) {
		enum mrfp_srtp_engine eng = e ? MRFP_SRTP_ENGINE_BURST : MRFP_SRTP_ENGINE_LIBSRTP;
		struct mrfp_srtp_key k = kat_random_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80);
		k.lifetime = 100; /* soft limit: the last eighth, from 88 */
		struct mrfp_srtp_session *tx =
			mrfp_srtp_session_create_on(&k, MRFP_SRTP_OUTBOUND, eng, 0);
		k.lifetime = 50;
		struct mrfp_srtp_session *rx =
			mrfp_srtp_session_create_on(&k, MRFP_SRTP_INBOUND, eng, 0);
		assert_non_null(tx);
		assert_non_null(rx);
		for (int i = 0; i < 110; i++) {
			uint8_t b[PKT_MAX], forged[PKT_MAX];
			int len = kat_make_rtp(b, 7, (uint16_t)i, 0, -1, 40);
			assert_int_equal(mrfp_srtp_session_limit(tx),
					 i < 88	   ? MRFP_SRTP_LIMIT_OK
					 : i < 100 ? MRFP_SRTP_LIMIT_SOFT
						   : MRFP_SRTP_LIMIT_HARD);
			enum mrfp_drop d = mrfp_srtp_protect(tx, b, &len);
			assert_int_equal(d, i < 100 ? MRFP_DROP_NONE : MRFP_DROP_SRTP_KEY_EXPIRED);
			if (d != MRFP_DROP_NONE)
				continue;
			memcpy(forged, b, (size_t)len);
			forged[len - 1] ^= 1;
			int fl = len;
			if (i < 50) /* forged packets do not use up the receiver's key */
				assert_int_equal(mrfp_srtp_unprotect(rx, forged, &fl),
						 MRFP_DROP_SRTP_AUTH);
			assert_int_equal(mrfp_srtp_unprotect(rx, b, &len),
					 i < 50 ? MRFP_DROP_NONE : MRFP_DROP_SRTP_KEY_EXPIRED);
		}
		assert_int_equal(mrfp_srtp_session_limit(rx), MRFP_SRTP_LIMIT_HARD);
		mrfp_srtp_session_free(tx);
		mrfp_srtp_session_free(rx);
	}
}

/* A libsrtp2 context holding several master keys with MKIs (the oracle for key changes). */
static srtp_t
lib_multi(const struct mrfp_srtp_key *k, unsigned int n, bool outbound)
{
	srtp_policy_t pol;
	srtp_master_key_t mk[MRFP_SRTP_MAX_KEYS], *keys[MRFP_SRTP_MAX_KEYS];
	srtp_t ctx;
	memset(&pol, 0, sizeof(pol));
	test_srtp_policy_suite(&pol, k[0].suite);
	for (unsigned int i = 0; i < n; i++) {
		mk[i] = (srtp_master_key_t){(unsigned char *)(uintptr_t)k[i].material,
					    (unsigned char *)(uintptr_t)k[i].mki, k[i].mki_len};
		keys[i] = &mk[i];
	}
	pol.keys = keys;
	pol.num_master_keys = n;
	pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	pol.window_size = 1024;
	assert_int_equal(srtp_create(&ctx, &pol), srtp_err_status_ok);
	return ctx;
}

static struct mrfp_srtp_key
mki_key(enum mrfp_srtp_suite suite, uint8_t mki_len, uint8_t id)
{
	struct mrfp_srtp_key k = kat_random_key(suite);
	k.mki_len = mki_len;
	memset(k.mki, 0, sizeof(k.mki));
	k.mki[mki_len - 1] = id;
	return k;
}

/* One key with an MKI of 1..4 bytes: both engines write the same packets (RTP and SRTCP). */
static void
test_mki_single_key(void **state)
{
	(void)state;
	for (unsigned int su = 0; su < MRFP_SUITE_COUNT; su++)
		for (uint8_t ml = 1; ml <= MRFP_SRTP_MAX_MKI_LEN; ml++) {
			struct mrfp_srtp_key k = mki_key((enum mrfp_srtp_suite)su, ml, 7);
			struct pair out = make_pair(&k, MRFP_SRTP_OUTBOUND, 0);
			struct pair in = make_pair(&k, MRFP_SRTP_INBOUND, 0);
			uint32_t ssrc = kat_rnd();
			for (int i = 0; i < 200; i++) {
				uint8_t plain[PKT_MAX];
				int len;
				random_rtp(plain, &len, ssrc, (uint16_t)(65400 + i));
				check_rtp(&out, &in, plain, len);
			}
			for (int i = 0; i < 20 && su != MRFP_SUITE_AES_CM_128_HMAC_SHA1_32; i++) {
				/* (libsrtp2 looks for an SRTCP MKI before the 32-bit RTP tag:
				 * skipped) */
				uint8_t a[PKT_MAX], b[PKT_MAX];
				int la = 28, lb = 28;
				for (int j = 0; j < la; j++)
					a[j] = (uint8_t)kat_rnd();
				a[0] = 0x80;
				a[1] = 200;
				memcpy(a + 4, &ssrc, 4); /* one stream */
				memcpy(b, a, (size_t)la);
				assert_int_equal(mrfp_srtp_protect_rtcp(out.lib, a, &la),
						 MRFP_DROP_NONE);
				assert_int_equal(mrfp_srtp_protect_rtcp(out.burst, b, &lb),
						 MRFP_DROP_NONE);
				assert_int_equal(la, lb);
				assert_memory_equal(a, b, (size_t)la);
				assert_int_equal(mrfp_srtp_unprotect_rtcp(in.burst, a, &la),
						 MRFP_DROP_NONE);
				assert_int_equal(mrfp_srtp_unprotect_rtcp(in.lib, b, &lb),
						 MRFP_DROP_NONE);
				assert_memory_equal(a, b, (size_t)la);
			}
			/* another MKI: no such key, for both */
			uint8_t t[PKT_MAX];
			int tl = kat_make_rtp(t, ssrc, 1000, 0, -1, 40);
			assert_int_equal(mrfp_srtp_protect(out.burst, t, &tl), MRFP_DROP_NONE);
			unsigned int tag = mrfp_srtp_suite_tag_len(k.suite);
			bool aead = k.suite == MRFP_SUITE_AEAD_AES_128_GCM ||
				    k.suite == MRFP_SUITE_AEAD_AES_256_GCM;
			t[aead ? tl - 1 : tl - (int)tag - 1] ^= 0x40; /* the MKI's last byte */
			assert_int_equal(both_unprotect(&in, t, tl, false),
					 MRFP_DROP_SRTP_UNKNOWN_MKI);
			free_pair(&out);
			free_pair(&in);
		}
}

/* Make-before-break on the burst engine: install the next key, switch, retire the old one;
 * libsrtp2 holding both keys (its multi-key MKI support) is the other end. */
static void
test_key_change_by_mki(void **state)
{
	(void)state;
	static const enum mrfp_srtp_suite sus[] = {MRFP_SUITE_AES_CM_128_HMAC_SHA1_80,
						   MRFP_SUITE_AEAD_AES_128_GCM};
	for (unsigned int v = 0; v < 2; v++) {
		struct mrfp_srtp_key k[2] = {mki_key(sus[v], 2, 1), mki_key(sus[v], 2, 2)};
		struct mrfp_srtp_session *tx = mrfp_srtp_session_create_on(
			&k[0], MRFP_SRTP_OUTBOUND, MRFP_SRTP_ENGINE_BURST, 0);
		struct mrfp_srtp_session *rx = mrfp_srtp_session_create_on(
			&k[0], MRFP_SRTP_INBOUND, MRFP_SRTP_ENGINE_BURST, 0);
		srtp_t lib_rx = lib_multi(k, 2, false), lib_tx = lib_multi(k, 2, true);
		struct mrfp_srtp_keyslot *next_tx =
			mrfp_srtp_keyslot_create(&k[1], MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_keyslot *next_rx =
			mrfp_srtp_keyslot_create(&k[1], MRFP_SRTP_INBOUND);
		assert_non_null(next_tx);
		assert_non_null(next_rx);
		/* the receivers first, then the sender: nothing is lost across the change */
		assert_int_equal(mrfp_srtp_session_add_key(rx, next_rx), 0);
		assert_int_equal(mrfp_srtp_session_add_key(tx, next_tx), 0);
		uint8_t mki1[2] = {0, 1}, mki2[2] = {0, 2};
		for (int i = 0; i < 300; i++) {
			uint8_t b[PKT_MAX], c[PKT_MAX];
			uint16_t seq =
				(uint16_t)(65400 + i); /* the change (at 150) is after a rollover */
			if (i == 150)
				assert_int_equal(mrfp_srtp_session_use_key(tx, mki2), 0);
			int len = kat_make_rtp(b, 0xabc, seq, 0, -1, 60), lc;
			memcpy(c, b, (size_t)len);
			lc = len;
			assert_int_equal(mrfp_srtp_protect(tx, b, &len), MRFP_DROP_NONE);
			/* the MKI's last byte: last of all (AEAD) or just before the 10-byte tag */
			assert_int_equal(b[v == 1 ? len - 1 : len - 11], i < 150 ? 1 : 2);
			assert_int_equal(srtp_unprotect_mki(lib_rx, b, &len, 1),
					 srtp_err_status_ok);
			/* and the other way: libsrtp2 sends under key 0 then 1, the burst engine
			 * takes both */
			assert_int_equal(srtp_protect_mki(lib_tx, c, &lc, 1, i < 150 ? 0 : 1),
					 srtp_err_status_ok);
			assert_int_equal(mrfp_srtp_unprotect(rx, c, &lc), MRFP_DROP_NONE);
			assert_memory_equal(b, c, (size_t)len);
		}
		/* retire the old key: its packets are refused now, the new key's still accepted */
		assert_null(mrfp_srtp_session_remove_key(tx, mki2)); /* the active key stays */
		struct mrfp_srtp_keyslot *old = mrfp_srtp_session_remove_key(rx, mki1);
		assert_non_null(old);
		mrfp_srtp_keyslot_free(old);
		uint8_t b[PKT_MAX];
		int len = kat_make_rtp(b, 0xabc, 200, 0, -1, 60);
		assert_int_equal(srtp_protect_mki(lib_tx, b, &len, 1, 0), srtp_err_status_ok);
		assert_int_equal(mrfp_srtp_unprotect(rx, b, &len), MRFP_DROP_SRTP_UNKNOWN_MKI);
		len = kat_make_rtp(b, 0xabc, 201, 0, -1, 60);
		assert_int_equal(srtp_protect_mki(lib_tx, b, &len, 1, 1), srtp_err_status_ok);
		assert_int_equal(mrfp_srtp_unprotect(rx, b, &len), MRFP_DROP_NONE);
		/* bookkeeping refusals */
		struct mrfp_srtp_keyslot *dup = mrfp_srtp_keyslot_create(&k[1], MRFP_SRTP_INBOUND);
		assert_int_equal(mrfp_srtp_session_add_key(rx, dup), -EEXIST);
		assert_int_equal(mrfp_srtp_session_add_key(tx, dup), -EINVAL); /* direction */
		mrfp_srtp_keyslot_free(dup);
		assert_int_equal(mrfp_srtp_session_use_key(tx, (const uint8_t[]){0, 9}), -ENOENT);
		struct mrfp_srtp_key nomki = kat_random_key(sus[v]);
		struct mrfp_srtp_keyslot *nm = mrfp_srtp_keyslot_create(&nomki, MRFP_SRTP_INBOUND);
		assert_non_null(nm); /* a key without MKI: only for a session without MKI */
		assert_int_equal(mrfp_srtp_session_add_key(rx, nm), -EINVAL);
		mrfp_srtp_keyslot_free(nm);
		mrfp_srtp_key_wipe(&nomki);
		struct mrfp_srtp_key other = mki_key(sus[v], 1, 3); /* another MKI length */
		struct mrfp_srtp_keyslot *o = mrfp_srtp_keyslot_create(&other, MRFP_SRTP_INBOUND);
		assert_int_equal(mrfp_srtp_session_add_key(rx, o), -EINVAL);
		mrfp_srtp_keyslot_free(o);
		srtp_dealloc(lib_rx);
		srtp_dealloc(lib_tx);
		mrfp_srtp_session_free(tx);
		mrfp_srtp_session_free(rx);
	}
	/* libsrtp2 sessions hold one key */
	struct mrfp_srtp_key k = mki_key(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 1, 1);
	struct mrfp_srtp_session *ls =
		mrfp_srtp_session_create_on(&k, MRFP_SRTP_OUTBOUND, MRFP_SRTP_ENGINE_LIBSRTP, 0);
	struct mrfp_srtp_keyslot *ks = mrfp_srtp_keyslot_create(&k, MRFP_SRTP_OUTBOUND);
	assert_int_equal(mrfp_srtp_session_add_key(ls, ks), -ENOTSUP);
	mrfp_srtp_keyslot_free(ks);
	mrfp_srtp_session_free(ls);
}

static struct rte_mbuf *
mbuf_of(const uint8_t *b, int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, (size_t)len);
	return m;
}

/* Bursts mixing legs (sessions) and containing a duplicate: as libsrtp2 one by one. */
static void
test_bursts(void **state)
{
	(void)state;
	for (unsigned int su = 0; su < MRFP_SUITE_COUNT; su++) {
		struct pair out[3], in[3];
		for (int l = 0; l < 3; l++) {
			struct mrfp_srtp_key k = kat_random_key((enum mrfp_srtp_suite)su);
			out[l] = make_pair(&k, MRFP_SRTP_OUTBOUND, 0);
			in[l] = make_pair(&k, MRFP_SRTP_INBOUND, 0);
		}
		for (int round = 0; round < 40; round++) {
			struct mrfp_srtp_session *s_lib[BURST], *s_burst[BURST], *r_lib[BURST],
				*r_burst[BURST];
			struct rte_mbuf *ma[BURST], *mb[BURST];
			enum mrfp_drop da[BURST], db[BURST];
			for (int i = 0; i < BURST; i++) {
				int l = (int)(kat_rnd() % 3), len;
				uint8_t plain[PKT_MAX];
				random_rtp(plain, &len, 0x1000u + (uint32_t)l,
					   (uint16_t)(65500 + round * BURST + i));
				s_lib[i] = out[l].lib;
				s_burst[i] = out[l].burst;
				r_lib[i] = in[l].lib;
				r_burst[i] = in[l].burst;
				ma[i] = mbuf_of(plain, len);
				mb[i] = mbuf_of(plain, len);
			}
			mrfp_srtp_protect_burst(s_lib, ma, da, BURST);
			mrfp_srtp_protect_burst(s_burst, mb, db, BURST);
			for (int i = 0; i < BURST; i++) {
				assert_int_equal(da[i], db[i]);
				assert_int_equal(rte_pktmbuf_data_len(ma[i]),
						 rte_pktmbuf_data_len(mb[i]));
				assert_memory_equal(rte_pktmbuf_mtod(ma[i], void *),
						    rte_pktmbuf_mtod(mb[i], void *),
						    rte_pktmbuf_data_len(ma[i]));
			}
			/* a copy of packet 3 at the end of the burst: a replay for both */
			rte_pktmbuf_free(ma[BURST - 1]);
			rte_pktmbuf_free(mb[BURST - 1]);
			ma[BURST - 1] = mbuf_of(rte_pktmbuf_mtod(ma[3], uint8_t *),
						rte_pktmbuf_data_len(ma[3]));
			mb[BURST - 1] = mbuf_of(rte_pktmbuf_mtod(mb[3], uint8_t *),
						rte_pktmbuf_data_len(mb[3]));
			r_lib[BURST - 1] = r_lib[3];
			r_burst[BURST - 1] = r_burst[3];
			mrfp_srtp_unprotect_burst(r_lib, ma, da, BURST);
			mrfp_srtp_unprotect_burst(r_burst, mb, db, BURST);
			for (int i = 0; i < BURST; i++) {
				assert_int_equal(da[i], db[i]);
				assert_int_equal(da[i], i == BURST - 1 ? MRFP_DROP_SRTP_REPLAY
								       : MRFP_DROP_NONE);
				if (da[i] == MRFP_DROP_NONE)
					assert_memory_equal(rte_pktmbuf_mtod(ma[i], void *),
							    rte_pktmbuf_mtod(mb[i], void *),
							    rte_pktmbuf_data_len(ma[i]));
				rte_pktmbuf_free(ma[i]);
				rte_pktmbuf_free(mb[i]);
			}
		}
		for (int l = 0; l < 3; l++) {
			free_pair(&out[l]);
			free_pair(&in[l]);
		}
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (kat_engines_start(argv[0], "mrfp_engine_diff") < 0)
		return 1;
	kat_rng = 0x9e3779b97f4a7c15ULL;
	if (getenv("MRFP_DIFF_SEED") != NULL) /* explore other streams; the default is fixed */
		kat_rng = strtoull(getenv("MRFP_DIFF_SEED"), NULL, 0) | 1;
	pool = rte_pktmbuf_pool_create("diff", 1023, 0, 0, 2048, 0);
	if (pool == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_cm128_80), cmocka_unit_test(test_stream_cm128_32),
		cmocka_unit_test(test_stream_cm256_80), cmocka_unit_test(test_stream_gcm128),
		cmocka_unit_test(test_stream_gcm256),	cmocka_unit_test(test_srtcp_all_suites),
		cmocka_unit_test(test_negatives_alike), cmocka_unit_test(test_many_ssrcs),
		cmocka_unit_test(test_stream_limit),	cmocka_unit_test(test_key_lifetime),
		cmocka_unit_test(test_mki_single_key),	cmocka_unit_test(test_key_change_by_mki),
		cmocka_unit_test(test_bursts),
	};
	return cmocka_run_group_tests_name("engine_diff", tests, NULL, NULL);
}
