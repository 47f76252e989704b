/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drop reasons: the names that telemetry exports, and the one place where libsrtp status
 * codes become drop reasons (dataplane/srtp/srtp.c), exercised through the real wrapper.
 * No EAL: mrfp_srtp_init and sessions need none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mrfp_drop.h"
#include "mrfp_srtp.h"

/* The names as telemetry publishes them: a rename is an interface change, so it must show. */
static const struct {
	enum mrfp_drop reason;
	const char *name;
} expected_names[] = {
	{MRFP_DROP_NONE, "none"},
	{MRFP_DROP_MALFORMED_L2, "malformed_l2"},
	{MRFP_DROP_UNSUPPORTED_ETHERTYPE, "unsupported_ethertype"},
	{MRFP_DROP_WRONG_VLAN, "wrong_vlan"},
	{MRFP_DROP_MALFORMED_L3, "malformed_l3"},
	{MRFP_DROP_NOT_FOR_US, "not_for_us"},
	{MRFP_DROP_IP_FRAGMENT, "ip_fragment"},
	{MRFP_DROP_UNSUPPORTED_L4, "unsupported_l4"},
	{MRFP_DROP_MALFORMED_L4, "malformed_l4"},
	{MRFP_DROP_MALFORMED_ARP, "malformed_arp"},
	{MRFP_DROP_CONTROL_CONSUMED, "control_consumed"},
	{MRFP_DROP_UNKNOWN_PORT, "unknown_port"},
	{MRFP_DROP_NOT_OWNER, "not_owner"},
	{MRFP_DROP_HANDOFF_FULL, "handoff_full"},
	{MRFP_DROP_SOURCE_MISMATCH, "source_mismatch"},
	{MRFP_DROP_LEG_NOT_RECEIVING, "leg_not_receiving"},
	{MRFP_DROP_TRUNCATED, "truncated"},
	{MRFP_DROP_OVERSIZED, "oversized"},
	{MRFP_DROP_NOT_RTP, "not_rtp"},
	{MRFP_DROP_NONLINEAR, "nonlinear"},
	{MRFP_DROP_SRTP_AUTH, "srtp_auth_fail"},
	{MRFP_DROP_SRTP_REPLAY, "srtp_replay"},
	{MRFP_DROP_SRTP_KEY_EXPIRED, "srtp_key_expired"},
	{MRFP_DROP_SRTP_OTHER, "srtp_error"},
	{MRFP_DROP_SRTP_STREAMS, "srtp_too_many_streams"},
	{MRFP_DROP_SRTP_UNKNOWN_MKI, "srtp_unknown_mki"},
	{MRFP_DROP_NO_LISTENER, "no_listener"},
	{MRFP_DROP_NOT_SELECTED, "not_selected"},
	{MRFP_DROP_MALFORMED_RTCP, "malformed_rtcp"},
	{MRFP_DROP_SSRC_COLLISION, "ssrc_collision"},
	{MRFP_DROP_UNSUPPORTED_PAYLOAD, "unsupported_payload"},
	{MRFP_DROP_JITTER_LATE, "jitter_late"},
	{MRFP_DROP_JITTER_DUPLICATE, "jitter_duplicate"},
	{MRFP_DROP_JITTER_EARLY, "jitter_early"},
	{MRFP_DROP_NO_NEIGHBOR, "no_neighbor"},
	{MRFP_DROP_NO_MBUF, "no_mbuf"},
	{MRFP_DROP_TX_FULL, "tx_full"},
	{MRFP_DROP_MALFORMED_PAYLOAD, "malformed_payload"},
};

static void
test_names_unique_nonempty(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MRFP_DROP_COUNT; i++) {
		const char *a = mrfp_drop_name((enum mrfp_drop)i);
		assert_non_null(a);
		assert_true(strlen(a) > 0);
		assert_string_not_equal(a, "invalid");
		/* telemetry keys: lower case, digits, underscore */
		for (const char *p = a; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
				    *p == '_');
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(a, mrfp_drop_name((enum mrfp_drop)j));
	}
}

static void
test_names_table(void **state)
{
	(void)state;
	size_t n = sizeof(expected_names) / sizeof(expected_names[0]);
	/* every reason listed here, none missing: a new reason must be added to this table */
	assert_int_equal(n, MRFP_DROP_COUNT);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(expected_names[i].reason, i);
		assert_string_equal(mrfp_drop_name(expected_names[i].reason),
				    expected_names[i].name);
	}
	assert_int_equal(MRFP_DROP_NONE, 0);
}

static void
test_name_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(mrfp_drop_name(MRFP_DROP_COUNT), "invalid");
	assert_string_equal(mrfp_drop_name((enum mrfp_drop)(MRFP_DROP_COUNT + 1)), "invalid");
	assert_string_equal(mrfp_drop_name((enum mrfp_drop)1000), "invalid");
	assert_string_equal(mrfp_drop_name((enum mrfp_drop) - 1), "invalid");
}

/* ---- libsrtp status -> drop reason, through the wrapper ---------------------------------- */

struct rtp {
	_Alignas(8) uint8_t b[12 + 160 + MRFP_SRTP_MAX_TRAILER];
	int len;
};

static struct mrfp_srtp_key
key_of(enum mrfp_srtp_suite suite, uint8_t seed)
{
	struct mrfp_srtp_key k;
	memset(&k, 0, sizeof(k));
	k.suite = suite;
	k.len = (uint8_t)mrfp_srtp_suite_key_len(suite);
	for (unsigned int i = 0; i < k.len; i++)
		k.material[i] = (uint8_t)(seed + i * 7);
	return k;
}

static struct mrfp_srtp_session *
session(enum mrfp_srtp_suite suite, uint8_t seed, enum mrfp_srtp_dir dir)
{
	struct mrfp_srtp_key k = key_of(suite, seed);
	struct mrfp_srtp_session *s = mrfp_srtp_session_create(&k, dir);
	mrfp_srtp_key_wipe(&k);
	assert_non_null(s);
	return s;
}

/* RFC 3550 5.1 header: V=2, PT 0, seq, timestamp, SSRC; 160 bytes of payload. */
static struct rtp
rtp_packet(uint16_t seq)
{
	struct rtp p;
	memset(&p, 0, sizeof(p));
	p.b[0] = 0x80;
	p.b[1] = 0;
	p.b[2] = (uint8_t)(seq >> 8);
	p.b[3] = (uint8_t)seq;
	p.b[4] = 0;
	p.b[5] = 0;
	p.b[6] = (uint8_t)(seq >> 8);
	p.b[7] = (uint8_t)seq;
	p.b[8] = 0xca;
	p.b[9] = 0xfe;
	p.b[10] = 0xba;
	p.b[11] = 0xbe;
	for (int i = 12; i < 172; i++)
		p.b[i] = (uint8_t)i;
	p.len = 172;
	return p;
}

static struct rtp protected(struct mrfp_srtp_session *out, uint16_t seq)
{
	struct rtp p = rtp_packet(seq);
	assert_int_equal(mrfp_srtp_protect(out, p.b, &p.len), MRFP_DROP_NONE);
	assert_true(p.len > 172);
	return p;
}

static enum mrfp_drop
unprotect_copy(struct mrfp_srtp_session *in, const struct rtp *p)
{
	struct rtp c = *p;
	return mrfp_srtp_unprotect(in, c.b, &c.len);
}

static const enum mrfp_srtp_suite all_suites[] = {
	MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, MRFP_SUITE_AES_CM_128_HMAC_SHA1_32,
	MRFP_SUITE_AES_256_CM_HMAC_SHA1_80, MRFP_SUITE_AEAD_AES_128_GCM,
	MRFP_SUITE_AEAD_AES_256_GCM,
};

static int
setup_srtp(void **state)
{
	(void)state;
	return mrfp_srtp_init() == 0 ? 0 : -1;
}

static void
test_srtp_ok_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_suites) / sizeof(all_suites[0]); i++) {
		struct mrfp_srtp_session *out = session(all_suites[i], 1, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *in = session(all_suites[i], 1, MRFP_SRTP_INBOUND);
		struct rtp p = protected(out, 1000);
		assert_int_equal(p.len, 172 + (int)mrfp_srtp_suite_tag_len(all_suites[i]));
		assert_int_equal(mrfp_srtp_unprotect(in, p.b, &p.len), MRFP_DROP_NONE);
		struct rtp plain = rtp_packet(1000);
		assert_int_equal(p.len, 172);
		assert_memory_equal(p.b, plain.b, 172);
		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(in);
	}
}

static void
test_srtp_wrong_key_is_auth(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_suites) / sizeof(all_suites[0]); i++) {
		struct mrfp_srtp_session *out = session(all_suites[i], 1, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *bad = session(all_suites[i], 2, MRFP_SRTP_INBOUND);
		struct rtp p = protected(out, 7);
		assert_int_equal(unprotect_copy(bad, &p), MRFP_DROP_SRTP_AUTH);
		/* plaintext RTP offered to an SRTP session fails authentication too */
		struct rtp plain = rtp_packet(8);
		plain.len += (int)mrfp_srtp_suite_tag_len(all_suites[i]);
		assert_int_equal(unprotect_copy(bad, &plain), MRFP_DROP_SRTP_AUTH);
		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(bad);
	}
}

static void
test_srtp_tamper_is_auth(void **state)
{
	(void)state;
	struct mrfp_srtp_session *out =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 3, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 3, MRFP_SRTP_INBOUND);
	struct rtp p = protected(out, 9);
	struct rtp t = p;
	t.b[40] ^= 0x01;
	assert_int_equal(unprotect_copy(in, &t), MRFP_DROP_SRTP_AUTH);
	assert_int_equal(unprotect_copy(in, &p), MRFP_DROP_NONE);
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
}

static void
test_srtp_replay(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_suites) / sizeof(all_suites[0]); i++) {
		struct mrfp_srtp_session *out = session(all_suites[i], 4, MRFP_SRTP_OUTBOUND);
		struct mrfp_srtp_session *in = session(all_suites[i], 4, MRFP_SRTP_INBOUND);
		struct rtp first = protected(out, 100);
		assert_int_equal(unprotect_copy(in, &first), MRFP_DROP_NONE);
		/* same index again: replay */
		assert_int_equal(unprotect_copy(in, &first), MRFP_DROP_SRTP_REPLAY);
		/* advance far beyond the 1024-packet window: the first one is now too old */
		struct rtp late;
		for (uint16_t s = 101; s <= 100 + 1100; s++)
			late = protected(out, s);
		assert_int_equal(unprotect_copy(in, &late), MRFP_DROP_NONE);
		assert_int_equal(unprotect_copy(in, &first), MRFP_DROP_SRTP_REPLAY);
		mrfp_srtp_session_free(out);
		mrfp_srtp_session_free(in);
	}
}

static void
test_srtp_rtcp_replay_and_auth(void **state)
{
	(void)state;
	struct mrfp_srtp_session *out =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 5, MRFP_SRTP_OUTBOUND);
	struct mrfp_srtp_session *in =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 5, MRFP_SRTP_INBOUND);
	struct mrfp_srtp_session *bad =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 6, MRFP_SRTP_INBOUND);
	/* RFC 3550 6.4.2 receiver report with no blocks: V=2, RC 0, PT 201, length 1, SSRC */
	_Alignas(8)
		uint8_t rr[8 + MRFP_SRTCP_MAX_TRAILER] = {0x80, 201, 0, 1, 0xca, 0xfe, 0xba, 0xbe};
	int len = 8;
	assert_int_equal(mrfp_srtp_protect_rtcp(out, rr, &len), MRFP_DROP_NONE);
	assert_int_equal(len, 8 + 4 + 10); /* SRTCP index and 80-bit tag */
	uint8_t c[sizeof(rr)];
	int clen = len;
	memcpy(c, rr, sizeof(rr));
	assert_int_equal(mrfp_srtp_unprotect_rtcp(bad, c, &clen), MRFP_DROP_SRTP_AUTH);
	memcpy(c, rr, sizeof(rr));
	clen = len;
	assert_int_equal(mrfp_srtp_unprotect_rtcp(in, c, &clen), MRFP_DROP_NONE);
	assert_int_equal(clen, 8);
	memcpy(c, rr, sizeof(rr));
	clen = len;
	assert_int_equal(mrfp_srtp_unprotect_rtcp(in, c, &clen), MRFP_DROP_SRTP_REPLAY);
	mrfp_srtp_session_free(out);
	mrfp_srtp_session_free(in);
	mrfp_srtp_session_free(bad);
}

/* Shorter than an RTP header: libsrtp's parse error / bad parameter becomes "truncated". */
static void
test_srtp_truncated(void **state)
{
	(void)state;
	struct mrfp_srtp_session *in =
		session(MRFP_SUITE_AES_CM_128_HMAC_SHA1_80, 7, MRFP_SRTP_INBOUND);
	struct rtp p = rtp_packet(1);
	for (int n = 0; n < 12; n++) {
		struct rtp c = p;
		c.len = n;
		assert_int_equal(mrfp_srtp_unprotect(in, c.b, &c.len), MRFP_DROP_TRUNCATED);
	}
	mrfp_srtp_session_free(in);
}

int
main(void)
{
	const struct CMUnitTest names[] = {
		cmocka_unit_test(test_names_unique_nonempty),
		cmocka_unit_test(test_names_table),
		cmocka_unit_test(test_name_out_of_range),
	};
	const struct CMUnitTest srtp[] = {
		cmocka_unit_test(test_srtp_ok_roundtrip),
		cmocka_unit_test(test_srtp_wrong_key_is_auth),
		cmocka_unit_test(test_srtp_tamper_is_auth),
		cmocka_unit_test(test_srtp_replay),
		cmocka_unit_test(test_srtp_rtcp_replay_and_auth),
		cmocka_unit_test(test_srtp_truncated),
	};
	int rc = cmocka_run_group_tests_name("drop_names", names, NULL, NULL);
	return rc | cmocka_run_group_tests_name("drop_srtp", srtp, setup_srtp, NULL);
}
