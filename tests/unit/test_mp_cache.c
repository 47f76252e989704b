/* SPDX-License-Identifier: BSD-3-Clause */
/* Reply cache for Mp at-most-once semantics (H.248.1 Annex D.1.1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mp_cache.h"

static struct mrfp_addr
peer(const char *text)
{
	struct mrfp_addr a;
	assert_int_equal(mrfp_addr_parse(text, &a), 0);
	return a;
}

static void
test_duplicate_answered_from_cache(void **state)
{
	(void)state;
	struct mrfp_mp_cache *c = mp_cache_create(16, 30000);
	struct mrfp_addr mgc = peer("192.0.2.1:2944"), other = peer("192.0.2.2:2944");
	size_t len = 0;
	assert_null(mp_cache_find(c, &mgc, 7, &len));
	assert_int_equal(mp_cache_put(c, &mgc, 7, "P=7{C=1{A=rtp/1}}", 17, 1000), 0);
	const char *r = mp_cache_find(c, &mgc, 7, &len);
	assert_non_null(r);
	assert_int_equal(len, 17);
	assert_memory_equal(r, "P=7{C=1{A=rtp/1}}", 17);
	/* the same id from another peer is another transaction */
	assert_null(mp_cache_find(c, &other, 7, &len));
	assert_null(mp_cache_find(c, &mgc, 8, &len));
	mp_cache_free(c);
}

static void
test_long_timer_expiry(void **state)
{
	(void)state;
	struct mrfp_mp_cache *c = mp_cache_create(16, 30000);
	struct mrfp_addr mgc = peer("192.0.2.1:2944");
	size_t len;
	assert_int_equal(mp_cache_put(c, &mgc, 1, "a", 1, 1000), 0);
	assert_int_equal(mp_cache_put(c, &mgc, 2, "b", 1, 20000), 0);
	assert_int_equal(mp_cache_expire(c, 30999), 0);
	assert_int_equal(mp_cache_expire(c, 31000), 1); /* exactly LONG-TIMER later */
	assert_null(mp_cache_find(c, &mgc, 1, &len));
	assert_non_null(mp_cache_find(c, &mgc, 2, &len));
	assert_int_equal(mp_cache_count(c), 1);
	mp_cache_free(c);
}

static void
test_response_ack_ranges(void **state)
{
	(void)state;
	struct mrfp_mp_cache *c = mp_cache_create(64, 30000);
	struct mrfp_addr mgc = peer("[2001:db8::1]:2944"), other = peer("192.0.2.2:2944");
	size_t len;
	for (uint32_t t = 10; t < 20; t++)
		assert_int_equal(mp_cache_put(c, &mgc, t, "x", 1, 0), 0);
	assert_int_equal(mp_cache_put(c, &other, 12, "y", 1, 0), 0);
	mp_cache_ack(c, &mgc, 12, 14);
	assert_null(mp_cache_find(c, &mgc, 12, &len));
	assert_null(mp_cache_find(c, &mgc, 14, &len));
	assert_non_null(mp_cache_find(c, &mgc, 15, &len));
	assert_non_null(mp_cache_find(c, &other, 12, &len)); /* not that peer's */
	mp_cache_ack(c, &mgc, 0, UINT32_MAX); /* a huge range walks the entries instead */
	assert_int_equal(mp_cache_count(c), 1);
	mp_cache_free(c);
}

static void
test_full_cache_refuses(void **state)
{
	(void)state;
	struct mrfp_mp_cache *c = mp_cache_create(2, 30000);
	struct mrfp_addr mgc = peer("192.0.2.1:2944");
	assert_int_equal(mp_cache_put(c, &mgc, 1, "a", 1, 0), 0);
	assert_int_equal(mp_cache_put(c, &mgc, 2, "b", 1, 0), 0);
	assert_int_equal(mp_cache_put(c, &mgc, 3, "c", 1, 0), -ENOSPC);
	/* once the oldest have expired there is room again */
	assert_int_equal(mp_cache_put(c, &mgc, 3, "c", 1, 30000), 0);
	mp_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_answered_from_cache),
		cmocka_unit_test(test_long_timer_expiry),
		cmocka_unit_test(test_response_ack_ranges),
		cmocka_unit_test(test_full_cache_refuses),
	};
	return cmocka_run_group_tests_name("mp_cache", tests, NULL, NULL);
}
