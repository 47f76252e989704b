/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VICI codec on hand-built bytes: the README's own encoding example (vector 1), packets and
 * segment framing, and malformed or truncated input (an error, never a read past the end).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vici.h"

/* Vector 1: the message of the vici README "Encoding example". */
static const uint8_t readme_msg[] = {
	3,   4,	  'k', 'e', 'y', '1', 0,   6,	'v', 'a', 'l', 'u', 'e', '1', 1,   8,
	's', 'e', 'c', 't', 'i', 'o', 'n', '1', 1,   11,  's', 'u', 'b', '-', 's', 'e',
	'c', 't', 'i', 'o', 'n', 3,   4,   'k', 'e', 'y', '2', 0,   6,	 'v', 'a', 'l',
	'u', 'e', '2', 2,   4,	 5,   'l', 'i', 's', 't', '1', 5,   0,	 5,   'i', 't',
	'e', 'm', '1', 5,   0,	 5,   'i', 't', 'e', 'm', '2', 6,   2,
};

static struct mrfp_vici_elem elems[64];

static int
decode(const uint8_t *p, size_t len, struct mrfp_vici_msg *m)
{
	*m = (struct mrfp_vici_msg){.el = elems, .cap = 64};
	return vici_decode(p, len, m, NULL);
}

static void
test_encode_readme_example(void **state)
{
	(void)state;
	uint8_t buf[256];
	struct mrfp_vici_enc e;
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, MRFP_VICI_CMD_RESPONSE, NULL);
	vici_enc_kv(&e, "key1", "value1");
	vici_enc_section(&e, "section1");
	vici_enc_section(&e, "sub-section");
	vici_enc_kv(&e, "key2", "value2");
	vici_enc_section_end(&e);
	vici_enc_list(&e, "list1");
	vici_enc_item(&e, "item1");
	vici_enc_item(&e, "item2");
	vici_enc_list_end(&e);
	vici_enc_section_end(&e);
	assert_int_equal(vici_enc_finish(&e, &len), 0);
	assert_int_equal(len, 4 + 1 + sizeof(readme_msg));
	static const uint8_t hdr[] = {0, 0, 0, 1 + sizeof(readme_msg), MRFP_VICI_CMD_RESPONSE};
	assert_memory_equal(buf, hdr, sizeof(hdr));
	assert_memory_equal(buf + 5, readme_msg, sizeof(readme_msg));
}

static void
test_encode_named_request(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct mrfp_vici_enc e;
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, MRFP_VICI_EVENT_REGISTER, "child-updown");
	assert_int_equal(vici_enc_finish(&e, &len), 0);
	static const uint8_t want[] = {0,   0,	 0,   14,  3,	12,  'c', 'h', 'i',
				       'l', 'd', '-', 'u', 'p', 'd', 'o', 'w', 'n'};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_encode_errors(void **state)
{
	(void)state;
	uint8_t buf[16];
	struct mrfp_vici_enc e;
	size_t len;
	char big[300];
	vici_enc_init(&e, buf, sizeof(buf)); /* too small */
	vici_enc_packet(&e, MRFP_VICI_CMD_REQUEST, "list-sas");
	vici_enc_kv(&e, "noblock", "yes");
	assert_int_equal(vici_enc_finish(&e, &len), -ENOSPC);
	vici_enc_init(&e, buf, sizeof(buf)); /* unbalanced */
	vici_enc_packet(&e, MRFP_VICI_CMD_RESPONSE, NULL);
	vici_enc_section(&e, "a");
	assert_int_equal(vici_enc_finish(&e, &len), -EINVAL);
	vici_enc_init(&e, buf, sizeof(buf)); /* an item outside a list */
	vici_enc_packet(&e, MRFP_VICI_CMD_RESPONSE, NULL);
	vici_enc_item(&e, "x");
	assert_int_equal(vici_enc_finish(&e, &len), -EINVAL);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vici_enc_init(&e, buf, sizeof(buf)); /* a name longer than 255 */
	vici_enc_packet(&e, MRFP_VICI_CMD_REQUEST, big);
	assert_int_equal(vici_enc_finish(&e, &len), -EINVAL);
}

static void
test_decode_readme_example(void **state)
{
	(void)state;
	struct mrfp_vici_msg m;
	assert_int_equal(decode(readme_msg, sizeof(readme_msg), &m), 0);
	assert_int_equal(m.n, 10);
	const struct mrfp_vici_str *v = vici_value(&m, MRFP_VICI_ROOT, "key1");
	assert_non_null(v);
	assert_true(vici_str_eq(v, "value1"));
	int s1 = vici_find(&m, MRFP_VICI_ROOT, MRFP_VICI_SECTION_START, "section1");
	assert_int_equal(s1, 1);
	int sub = vici_find(&m, s1, MRFP_VICI_SECTION_START, "sub-section");
	assert_true(sub > s1);
	assert_true(vici_str_eq(vici_value(&m, sub, "key2"), "value2"));
	/* key2 is in the sub-section, not directly in section1 or the root */
	assert_null(vici_value(&m, s1, "key2"));
	assert_null(vici_value(&m, MRFP_VICI_ROOT, "key2"));
	int l = vici_find(&m, s1, MRFP_VICI_LIST_START, "list1");
	assert_true(l > sub);
	assert_int_equal(m.el[l + 1].type, MRFP_VICI_LIST_ITEM);
	assert_true(vici_str_eq(&m.el[l + 2].value, "item2"));
	/* the root's direct children: key1 and section1, nothing after */
	assert_int_equal(vici_next(&m, MRFP_VICI_ROOT, -1), 0);
	assert_int_equal(vici_next(&m, MRFP_VICI_ROOT, 0), s1);
	assert_int_equal(vici_next(&m, MRFP_VICI_ROOT, s1), -1);
}

/* Every proper prefix of the message is truncated (an error, never a crash), except the one
 * that ends right after key1: that is a whole message of its own. */
static void
test_decode_truncated(void **state)
{
	(void)state;
	struct mrfp_vici_msg m;
	for (size_t n = 1; n < sizeof(readme_msg); n++) {
		uint8_t *copy = malloc(n); /* exact size: ASan sees any read past the end */
		memcpy(copy, readme_msg, n);
		int rc = decode(copy, n, &m);
		assert_int_equal(rc, n == 14 ? 0 : -EBADMSG);
		assert_int_equal(m.n, n == 14 ? 1 : 0);
		free(copy);
	}
}

static void
test_decode_malformed(void **state)
{
	(void)state;
	struct mrfp_vici_msg m;
	size_t where = 99;
	static const uint8_t bad_type[] = {9, 1, 'a'};
	static const uint8_t end_at_root[] = {2};
	static const uint8_t kv_in_list[] = {4, 1, 'l', 3, 1, 'k', 0, 1, 'v', 6};
	static const uint8_t item_outside[] = {5, 0, 1, 'x'};
	static const uint8_t nested_list[] = {4, 1, 'a', 4, 1, 'b', 6, 6};
	static const uint8_t value_too_long[] = {3, 1, 'k', 0xff, 0xff, 'v'};
	static const uint8_t section_in_list[] = {4, 1, 'l', 1, 1, 's', 2, 6};
	assert_int_equal(decode(bad_type, sizeof(bad_type), &m), -EBADMSG);
	assert_int_equal(decode(end_at_root, sizeof(end_at_root), &m), -EBADMSG);
	assert_int_equal(decode(kv_in_list, sizeof(kv_in_list), &m), -EBADMSG);
	assert_int_equal(decode(item_outside, sizeof(item_outside), &m), -EBADMSG);
	assert_int_equal(decode(nested_list, sizeof(nested_list), &m), -EBADMSG);
	assert_int_equal(decode(value_too_long, sizeof(value_too_long), &m), -EBADMSG);
	assert_int_equal(decode(section_in_list, sizeof(section_in_list), &m), -EBADMSG);
	m = (struct mrfp_vici_msg){.el = elems, .cap = 64};
	assert_int_equal(vici_decode(kv_in_list, sizeof(kv_in_list), &m, &where), -EBADMSG);
	assert_int_equal(where, 3); /* the key/value inside the list */
}

static void
test_decode_limits(void **state)
{
	(void)state;
	struct mrfp_vici_msg m;
	uint8_t deep[2 * (MRFP_VICI_MAX_DEPTH + 1) * 3];
	size_t n = 0;
	for (int i = 0; i <= MRFP_VICI_MAX_DEPTH; i++) {
		deep[n++] = MRFP_VICI_SECTION_START;
		deep[n++] = 1;
		deep[n++] = 's';
	}
	for (int i = 0; i <= MRFP_VICI_MAX_DEPTH; i++)
		deep[n++] = MRFP_VICI_SECTION_END;
	assert_int_equal(decode(deep, n, &m), -EBADMSG); /* one level too deep */
	struct mrfp_vici_elem two[2];
	m = (struct mrfp_vici_msg){.el = two, .cap = 2};
	assert_int_equal(vici_decode(readme_msg, sizeof(readme_msg), &m, NULL), -ENOSPC);
	assert_int_equal(decode(readme_msg, 0, &m), 0); /* empty message: valid, no elements */
	assert_int_equal(m.n, 0);
}

static void
test_packets_and_frames(void **state)
{
	(void)state;
	struct mrfp_vici_packet pkt;
	size_t seg = 0;
	static const uint8_t ev[] = {7, 7, 'l', 'i', 's', 't', '-', 's', 'a', 3, 1, 'k', 0, 0};
	assert_int_equal(vici_packet_parse(ev, sizeof(ev), &pkt), 0);
	assert_int_equal(pkt.type, MRFP_VICI_EVENT);
	assert_true(vici_str_eq(&pkt.name, "list-sa"));
	assert_int_equal(pkt.msg_len, 5);
	static const uint8_t confirm[] = {5};
	assert_int_equal(vici_packet_parse(confirm, 1, &pkt), 0);
	assert_int_equal(pkt.msg_len, 0);
	static const uint8_t short_name[] = {7, 9, 'l', 'i'};
	assert_int_equal(vici_packet_parse(short_name, sizeof(short_name), &pkt), -EBADMSG);
	static const uint8_t unknown[] = {8};
	assert_int_equal(vici_packet_parse(unknown, 1, &pkt), -EBADMSG);
	assert_int_equal(vici_packet_parse(unknown, 0, &pkt), -EBADMSG);

	static const uint8_t stream[] = {0, 0, 0, 1, 5, 0, 0};
	assert_int_equal(vici_frame(stream, 3, &seg), 0); /* header incomplete */
	assert_int_equal(vici_frame(stream, 4, &seg), 0); /* body missing */
	assert_int_equal(vici_frame(stream, sizeof(stream), &seg), 1);
	assert_int_equal(seg, 5);
	static const uint8_t huge[] = {0, 0x08, 0, 1}; /* 512 KiB + 1 */
	assert_int_equal(vici_frame(huge, 4, &seg), -EMSGSIZE);
	static const uint8_t zero[] = {0, 0, 0, 0};
	assert_int_equal(vici_frame(zero, 4, &seg), -EMSGSIZE);
}

/* Random bytes never crash the decoder (a light fuzz; the fuzz suite is elsewhere). */
static void
test_decode_random(void **state)
{
	(void)state;
	struct mrfp_vici_msg m;
	uint32_t x = 12345;
	for (int round = 0; round < 20000; round++) {
		uint8_t buf[48];
		size_t n = (size_t)(round % (int)sizeof(buf)) + 1;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)((x >> 16) %
					   8); /* mostly valid type bytes and short lengths */
		}
		int rc = decode(buf, n, &m);
		assert_true(rc == 0 || rc == -EBADMSG || rc == -ENOSPC);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_readme_example),
		cmocka_unit_test(test_encode_named_request),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_readme_example),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_limits),
		cmocka_unit_test(test_packets_and_frames),
		cmocka_unit_test(test_decode_random),
	};
	return cmocka_run_group_tests_name("vici", tests, NULL, NULL);
}
