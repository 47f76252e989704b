/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address helpers and name tables (dataplane/common/types.c). Expected bytes are written out by
 * hand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mrfp_types.h"

static const uint8_t V6_DOC1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static void
assert_zero_addr(const struct mrfp_addr *a)
{
	static const struct mrfp_addr zero;
	assert_memory_equal(a, &zero, sizeof(zero));
}

static void
test_parse_v4(void **state)
{
	(void)state;
	struct mrfp_addr a;
	static const uint8_t b[4] = {10, 0, 0, 1};
	assert_int_equal(mrfp_addr_parse("10.0.0.1", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(&a.v4, b, 4);
	assert_int_equal(a.port, 0);

	assert_int_equal(mrfp_addr_parse("10.0.0.1:5004", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(&a.v4, b, 4);
	const uint8_t *p = (const uint8_t *)&a.port; /* network order: 5004 = 0x138c */
	assert_int_equal(p[0], 0x13);
	assert_int_equal(p[1], 0x8c);

	assert_int_equal(mrfp_addr_parse("255.255.255.255:65535", &a), 0);
	assert_int_equal(a.v4, 0xffffffffu);
	assert_int_equal(a.port, 0xffff);
	assert_int_equal(mrfp_addr_parse("0.0.0.0:1", &a), 0);
	assert_int_equal(ntohs(a.port), 1);
}

static void
test_parse_v6(void **state)
{
	(void)state;
	struct mrfp_addr a;
	assert_int_equal(mrfp_addr_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.v6, V6_DOC1, 16);
	assert_int_equal(a.port, 0);

	assert_int_equal(mrfp_addr_parse("[2001:db8::1]:5004", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.v6, V6_DOC1, 16);
	assert_int_equal(ntohs(a.port), 5004);

	assert_int_equal(mrfp_addr_parse("[2001:db8::1]", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.port, 0);

	/* without brackets every colon belongs to the address */
	assert_int_equal(mrfp_addr_parse("2001:db8::1:5004", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.port, 0);
	assert_int_equal(a.v6[14], 0x50);
	assert_int_equal(a.v6[15], 0x04);

	static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
	assert_int_equal(mrfp_addr_parse("::ffff:10.0.0.1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.v6, mapped, 16);
	assert_int_equal(mrfp_addr_parse("[::]:1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(ntohs(a.port), 1);
}

static void
test_parse_junk(void **state)
{
	(void)state;
	static const char *const junk[] = {
		"",
		"abc",
		"10.0.0",
		"10.0.0.256",
		"1.2.3.4.5",
		" 10.0.0.1",
		"10.0.0.1 ",
		"10.0.0.1:",
		"10.0.0.1:0",
		"10.0.0.1:65536",
		"10.0.0.1:-1",
		"10.0.0.1:50x",
		"10.0.0.1:5004:1",
		":5004",
		"[2001:db8::1",
		"[2001:db8::1]x",
		"[2001:db8::1]:",
		"[2001:db8::1]:0",
		"[2001:db8::1]:70000",
		"[]:5",
		"[]",
		"2001:db8:::1",
		"2001:db8::g",
		"fe80::1%eth0",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct mrfp_addr a;
		memset(&a, 0xa5, sizeof(a));
		if (mrfp_addr_parse(junk[i], &a) != -EINVAL)
			fail_msg("accepted \"%s\"", junk[i]);
		assert_zero_addr(&a); /* nothing half-parsed is left */
	}
}

static void
test_format(void **state)
{
	(void)state;
	char buf[64];
	struct mrfp_addr a;
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	memcpy(&a.v4, (const uint8_t[]){192, 0, 2, 7}, 4);
	assert_string_equal(mrfp_addr_format(&a, buf, sizeof(buf)), "192.0.2.7");
	a.port = htons(5004);
	assert_ptr_equal(mrfp_addr_format(&a, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "192.0.2.7:5004");

	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	memcpy(a.v6, V6_DOC1, 16);
	assert_string_equal(mrfp_addr_format(&a, buf, sizeof(buf)), "2001:db8::1");
	a.port = htons(40000);
	assert_string_equal(mrfp_addr_format(&a, buf, sizeof(buf)), "[2001:db8::1]:40000");

	memset(&a, 0, sizeof(a));
	assert_string_equal(mrfp_addr_format(&a, buf, sizeof(buf)), "-");

	/* a short buffer is truncated, never overrun */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	memcpy(&a.v4, (const uint8_t[]){192, 0, 2, 7}, 4);
	a.port = htons(5004);
	char small[12];
	memset(small, 'x', sizeof(small));
	mrfp_addr_format(&a, small, 8);
	assert_string_equal(small, "192.0.2");
	assert_int_equal(small[8], 'x');
}

static void
test_roundtrip(void **state)
{
	(void)state;
	static const char *const texts[] = {"10.1.2.3",		  "10.1.2.3:65535", "2001:db8::1",
					    "[2001:db8::1]:5004", "[::1]:1",	    "fe80::1:2"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct mrfp_addr a, b;
		char buf[64];
		assert_int_equal(mrfp_addr_parse(texts[i], &a), 0);
		assert_string_equal(mrfp_addr_format(&a, buf, sizeof(buf)), texts[i]);
		assert_int_equal(mrfp_addr_parse(buf, &b), 0);
		assert_true(mrfp_addr_equal(&a, &b));
	}
}

static void
test_equal(void **state)
{
	(void)state;
	struct mrfp_addr a, b;
	assert_int_equal(mrfp_addr_parse("10.0.0.1:5004", &a), 0);
	assert_int_equal(mrfp_addr_parse("10.0.0.1:5004", &b), 0);
	assert_true(mrfp_addr_equal(&a, &b));
	assert_int_equal(mrfp_addr_parse("10.0.0.1:5006", &b), 0);
	assert_false(mrfp_addr_equal(&a, &b));
	assert_int_equal(mrfp_addr_parse("10.0.0.2:5004", &b), 0);
	assert_false(mrfp_addr_equal(&a, &b));
	assert_int_equal(mrfp_addr_parse("[::ffff:10.0.0.1]:5004", &b), 0);
	assert_false(mrfp_addr_equal(&a, &b));
	assert_int_equal(mrfp_addr_parse("[2001:db8::1]:5004", &a), 0);
	assert_int_equal(mrfp_addr_parse("[2001:db8::2]:5004", &b), 0);
	assert_false(mrfp_addr_equal(&a, &b));
	assert_int_equal(mrfp_addr_parse("[2001:db8::1]:5004", &b), 0);
	assert_true(mrfp_addr_equal(&a, &b));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(mrfp_leg_mode_name(MRFP_MODE_INACTIVE), "inactive");
	assert_string_equal(mrfp_leg_mode_name(MRFP_MODE_SENDRECV), "sendrecv");
	assert_string_equal(mrfp_leg_mode_name(MRFP_MODE_SENDONLY), "sendonly");
	assert_string_equal(mrfp_leg_mode_name(MRFP_MODE_RECVONLY), "recvonly");
	assert_null(mrfp_leg_mode_name(MRFP_MODE_COUNT));
	assert_null(mrfp_leg_mode_name((enum mrfp_leg_mode) - 1));
	assert_string_equal(mrfp_latch_name(MRFP_LATCH_ON), "on");
	assert_string_equal(mrfp_latch_name(MRFP_LATCH_STRICT), "strict");
	assert_string_equal(mrfp_latch_name(MRFP_LATCH_OFF), "off");
	assert_null(mrfp_latch_name(MRFP_LATCH_COUNT));
	assert_string_equal(mrfp_media_mode_name(MRFP_MEDIA_SWITCH), "switch");
	assert_string_equal(mrfp_media_mode_name(MRFP_MEDIA_MIX), "mix");
	assert_null(mrfp_media_mode_name(MRFP_MEDIA_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),   cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_parse_junk), cmocka_unit_test(test_format),
		cmocka_unit_test(test_roundtrip),  cmocka_unit_test(test_equal),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
