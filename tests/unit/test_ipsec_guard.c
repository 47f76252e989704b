/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec guard's decision without charon: list-sa messages built with the VICI encoder
 * (the shape of strongSwan 5.9's list-sas output) judged against Mp 10.78.1.1:2944 <-> MGC
 * 10.78.2.1:2944, and strongSwan's traffic selector notation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipsec_guard.h"
#include "mrfp_config.h"

/* One IKE_SA with one CHILD_SA; NULL fields are left out of the message. */
struct sa {
	const char *ike_state, *remote_id;
	const char *child_state, *protocol, *encr, *integ, *lts, *rts;
};

static const struct sa good = {
	.ike_state = "ESTABLISHED",
	.remote_id = "mrfc.mrfp.lab",
	.child_state = "INSTALLED",
	.protocol = "ESP",
	.encr = "AES_CBC",
	.integ = "HMAC_SHA2_256_128",
	.lts = "10.78.1.1/32[udp/2944]",
	.rts = "10.78.2.1/32",
};

static uint8_t buf[4096];
static struct mrfp_vici_elem elems[256];

static void
kv(struct mrfp_vici_enc *e, const char *k, const char *v)
{
	if (v != NULL)
		vici_enc_kv(e, k, v);
}

static void
put_sa(struct mrfp_vici_enc *e, const char *name, const struct sa *s)
{
	vici_enc_section(e, name);
	vici_enc_kv(e, "uniqueid", "1");
	kv(e, "state", s->ike_state);
	vici_enc_kv(e, "local-id", "mrfp.mrfp.lab");
	kv(e, "remote-id", s->remote_id);
	vici_enc_section(e, "child-sas");
	if (s->child_state != NULL) {
		vici_enc_section(e, "mp-1");
		kv(e, "state", s->child_state);
		vici_enc_kv(e, "mode", "TUNNEL");
		kv(e, "protocol", s->protocol);
		kv(e, "encr-alg", s->encr);
		kv(e, "encr-keysize", "256");
		kv(e, "integ-alg", s->integ);
		vici_enc_list(e, "local-ts");
		if (s->lts != NULL)
			vici_enc_item(e, s->lts);
		vici_enc_list_end(e);
		vici_enc_list(e, "remote-ts");
		if (s->rts != NULL)
			vici_enc_item(e, s->rts);
		vici_enc_list_end(e);
		vici_enc_section_end(e);
	}
	vici_enc_section_end(e);
	vici_enc_section_end(e);
}

/* A list-sa event message with n IKE_SAs, decoded as the guard decodes it. */
static struct mrfp_vici_msg
message(const struct sa *sas, int n)
{
	struct mrfp_vici_enc e;
	struct mrfp_vici_msg m = {.el = elems, .cap = 256};
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, MRFP_VICI_EVENT, "list-sa");
	for (int i = 0; i < n; i++)
		put_sa(&e, i == 0 ? "mp-link" : "other", &sas[i]);
	assert_int_equal(vici_enc_finish(&e, &len), 0);
	struct mrfp_vici_packet pkt;
	assert_int_equal(vici_packet_parse(buf + 4, len - 4, &pkt), 0);
	assert_int_equal(vici_decode(pkt.msg, pkt.msg_len, &m, NULL), 0);
	return m;
}

static struct mrfp_ipsec_want
want(const char *identity)
{
	struct mrfp_ipsec_want w = {.identity = identity};
	assert_int_equal(mrfp_addr_parse("10.78.1.1:2944", &w.mp), 0);
	assert_int_equal(mrfp_addr_parse("10.78.2.1:2944", &w.mgc), 0);
	return w;
}

static enum mrfp_ipsec_reason
judge1(const struct sa *s, const char *identity)
{
	struct mrfp_vici_msg m = message(s, 1);
	struct mrfp_ipsec_want w = want(identity);
	return ipsec_judge(&m, &w);
}

static void
test_protected(void **state)
{
	(void)state;
	assert_int_equal(judge1(&good, NULL), MRFP_IPSEC_PROTECTED);
	assert_int_equal(judge1(&good, ""), MRFP_IPSEC_PROTECTED);
	assert_int_equal(judge1(&good, "mrfc.mrfp.lab"), MRFP_IPSEC_PROTECTED);
	struct sa gcm = good;
	gcm.encr = "AES_GCM_16";
	gcm.integ = NULL; /* AEAD: no separate integrity algorithm */
	assert_int_equal(judge1(&gcm, NULL), MRFP_IPSEC_PROTECTED);
	gcm.encr = "CHACHA20_POLY1305";
	assert_int_equal(judge1(&gcm, NULL), MRFP_IPSEC_PROTECTED);
}

static void
test_refused_ciphers(void **state)
{
	(void)state;
	static const char *const weak[] = {
		"NULL", "NULL_AES_GMAC", "3DES_CBC", "DES_CBC", "BLOWFISH_CBC", "", "aes_cbc"};
	struct sa s = good;
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		s.encr = weak[i];
		assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_WEAK_CIPHER);
	}
	s.encr = NULL; /* AH-like: no encryption at all */
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_WEAK_CIPHER);
	s = good;
	s.integ = NULL; /* AES-CBC without integrity */
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_NO_INTEGRITY);
	s.integ = "NULL";
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_NO_INTEGRITY);
	s = good;
	s.protocol = "AH";
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_NOT_ESP);
}

static void
test_states_and_identity(void **state)
{
	(void)state;
	struct sa s = good;
	s.ike_state = "CONNECTING";
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_IKE_NOT_ESTABLISHED);
	s = good;
	s.child_state = "REKEYED";
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_CHILD_NOT_INSTALLED);
	s.child_state = "DELETING";
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_CHILD_NOT_INSTALLED);
	s = good;
	s.child_state = NULL; /* no CHILD_SA under the IKE_SA */
	assert_int_equal(judge1(&s, NULL), MRFP_IPSEC_NO_CHILD_SA);
	assert_int_equal(judge1(&good, "impostor.example"), MRFP_IPSEC_WRONG_IDENTITY);
	s = good;
	s.remote_id = NULL;
	assert_int_equal(judge1(&s, "mrfc.mrfp.lab"), MRFP_IPSEC_WRONG_IDENTITY);
	struct mrfp_vici_msg empty = {.el = elems, .cap = 256, .n = 0};
	struct mrfp_ipsec_want w = want(NULL);
	assert_int_equal(ipsec_judge(&empty, &w), MRFP_IPSEC_NO_IKE_SA);
}

static void
test_traffic_selectors(void **state)
{
	(void)state;
	static const struct {
		const char *lts, *rts;
		bool ok;
	} cases[] = {
		{"10.78.1.1/32[udp/2944]", "10.78.2.1/32", true},
		{"10.78.1.0/24", "10.78.2.0/24[udp]", true},
		{"0.0.0.0/0", "0.0.0.0/0", true},
		{"10.78.1.1/32[17/2944]", "10.78.2.1/32[udp/1024-65535]", true},
		{"10.78.1.0..10.78.1.9[udp/2900-3000]", "10.78.2.1/32", true},
		{"10.78.1.1/32[udp/5060]", "10.78.2.1/32", false}, /* another port */
		{"10.78.1.1/32[tcp/2944]", "10.78.2.1/32", false}, /* another protocol */
		{"10.78.1.2/32", "10.78.2.1/32", false},	   /* another Mp address */
		{"10.78.1.1/32", "10.78.2.2/32", false},	   /* another MGC */
		{"10.78.1.1/32[udp/OPAQUE]", "10.78.2.1/32", false},
		{"10.78.1.1/32", "10.78.2.1/32[udp/3000-4000]", false},
		{"fd00::/8", "10.78.2.1/32", false}, /* another family */
		{"dynamic", "10.78.2.1/32", false},
		{"10.78.1.1/33", "10.78.2.1/32", false},
		{NULL, "10.78.2.1/32", false}, /* an empty list */
	};
	struct sa s = good;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.lts = cases[i].lts;
		s.rts = cases[i].rts;
		print_message("ts %s <-> %s\n", s.lts ? s.lts : "(none)", s.rts);
		assert_int_equal(judge1(&s, NULL),
				 cases[i].ok ? MRFP_IPSEC_PROTECTED : MRFP_IPSEC_TS_MISMATCH);
	}
}

static void
test_ts_notation(void **state)
{
	(void)state;
	struct mrfp_addr a6, dns;
	assert_int_equal(mrfp_addr_parse("[fd00::1]:2944", &a6), 0);
	struct mrfp_vici_str t = {"fd00::/64[udp/2944]", 19};
	assert_true(ipsec_ts_covers(&t, &a6, true));
	t = (struct mrfp_vici_str){"fd00::2/128", 11};
	assert_false(ipsec_ts_covers(&t, &a6, true));
	/* service names as strongSwan prints known ports (getservbyport) */
	assert_int_equal(mrfp_addr_parse("10.0.0.1:53", &dns), 0);
	t = (struct mrfp_vici_str){"10.0.0.1/32[udp/domain]", 23};
	assert_true(ipsec_ts_covers(&t, &dns, true));
	t = (struct mrfp_vici_str){"10.0.0.1/32[udp/no-such-service]", 32};
	assert_false(ipsec_ts_covers(&t, &dns, true));
	assert_true(ipsec_ts_covers(&t, &dns, false));	      /* port not asked */
	t = (struct mrfp_vici_str){"10.0.0.1/32[udp/53", 18}; /* unterminated */
	assert_false(ipsec_ts_covers(&t, &dns, true));
}

/* Several IKE_SAs: the best verdict wins, in either order. */
static void
test_best_of_several(void **state)
{
	(void)state;
	struct sa two[2] = {good, good};
	two[0].encr = "NULL";
	struct mrfp_vici_msg m = message(two, 2);
	struct mrfp_ipsec_want w = want(NULL);
	assert_int_equal(ipsec_judge(&m, &w), MRFP_IPSEC_PROTECTED);
	two[0] = good;
	two[1].child_state = "CREATED";
	m = message(two, 2);
	assert_int_equal(ipsec_judge(&m, &w), MRFP_IPSEC_PROTECTED);
	two[0].lts = "10.78.1.1/32[udp/5060]";
	m = message(two, 2);
	assert_int_equal(ipsec_judge(&m, &w), MRFP_IPSEC_TS_MISMATCH);
}

static void
test_prefixes(void **state)
{
	(void)state;
	struct mrfp_addr p, a;
	assert_int_equal(mrfp_addr_parse("10.78.0.0", &p), 0);
	assert_int_equal(mrfp_addr_parse("10.78.3.4", &a), 0);
	assert_true(ipsec_prefix_contains(&p, 16, &a));
	assert_false(ipsec_prefix_contains(&p, 24, &a));
	assert_true(ipsec_prefix_contains(&p, 0, &a));
	assert_false(ipsec_prefix_contains(&p, 33, &a));
	assert_false(ipsec_is_loopback(&a));
	assert_int_equal(mrfp_addr_parse("127.3.2.1", &a), 0);
	assert_true(ipsec_is_loopback(&a));
	assert_int_equal(mrfp_addr_parse("::1", &a), 0);
	assert_true(ipsec_is_loopback(&a));
	assert_false(ipsec_prefix_contains(&p, 8, &a)); /* family differs */
	struct mrfp_addr none = {0};
	assert_false(ipsec_prefix_contains(&none, 0, &a));
	assert_string_equal(ipsec_reason_text(MRFP_IPSEC_PROTECTED), "protected");
	assert_string_equal(ipsec_reason_text(MRFP_IPSEC_REASON_COUNT), "?");
}

/* ---- the VICI client against a fake charon on a UNIX socket (time is passed in) ---- */

struct fake {
	char path[64];
	int srv, c; /* listening socket, the guard's connection */
};

static void
fake_listen(struct fake *f)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(f->path, sizeof(f->path), "/tmp/mrfp-test-vici-%d.sock", (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	unlink(f->path);
	f->srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->srv >= 0);
	assert_int_equal(bind(f->srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->srv, 4), 0);
	f->c = -1;
}

/* The next request from the guard: its type and name. */
static void
expect_request(struct fake *f, uint8_t type, const char *name)
{
	uint8_t hdr[4], body[512];
	struct mrfp_vici_packet pkt;
	assert_int_equal(recv(f->c, hdr, 4, MSG_WAITALL), 4);
	size_t n = (size_t)hdr[2] << 8 | hdr[3];
	assert_true(hdr[0] == 0 && hdr[1] == 0 && n <= sizeof(body));
	assert_int_equal(recv(f->c, body, n, MSG_WAITALL), (ssize_t)n);
	assert_int_equal(vici_packet_parse(body, n, &pkt), 0);
	assert_int_equal(pkt.type, type);
	assert_true(vici_str_eq(&pkt.name, name));
}

static void
no_request(struct fake *f)
{
	uint8_t b;
	assert_int_equal(recv(f->c, &b, 1, MSG_DONTWAIT), -1);
}

static void
send_bytes(struct fake *f, const uint8_t *p, size_t n)
{
	assert_int_equal(send(f->c, p, n, 0), (ssize_t)n);
}

static void
send_simple(struct fake *f, uint8_t type)
{
	const uint8_t p[] = {0, 0, 0, 1, type};
	send_bytes(f, p, sizeof(p));
}

/* A list-sa event with the good SA, then the end of the list. */
static void
send_good_list(struct fake *f)
{
	struct mrfp_vici_enc e;
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, MRFP_VICI_EVENT, "list-sa");
	put_sa(&e, "mp-link", &good);
	assert_int_equal(vici_enc_finish(&e, &len), 0);
	send_bytes(f, buf, len);
	send_simple(f, MRFP_VICI_CMD_RESPONSE);
}

static void
send_down_event(struct fake *f)
{
	struct mrfp_vici_enc e;
	size_t len;
	vici_enc_init(&e, buf, sizeof(buf));
	vici_enc_packet(&e, MRFP_VICI_EVENT, "child-updown");
	put_sa(&e, "mp-link", &good); /* no "up = yes": down */
	assert_int_equal(vici_enc_finish(&e, &len), 0);
	send_bytes(f, buf, len);
}

/* Connect, register the three events, answer the first list-sas with a protecting SA. */
static void
bring_up(struct fake *f, struct mrfp_ipsec_guard *g, uint64_t *now)
{
	static const char *const events[] = {"child-updown", "ike-updown", "list-sa"};
	ipsec_guard_poll(g, *now);
	f->c = accept(f->srv, NULL, NULL);
	assert_true(f->c >= 0);
	for (int i = 0; i < 3; i++) {
		expect_request(f, MRFP_VICI_EVENT_REGISTER, events[i]);
		assert_false(ipsec_guard_protected(g));
		send_simple(f, MRFP_VICI_EVENT_CONFIRM);
		ipsec_guard_poll(g, ++*now);
	}
	expect_request(f, MRFP_VICI_CMD_REQUEST, "list-sas");
	send_good_list(f);
	ipsec_guard_poll(g, ++*now);
	assert_true(ipsec_guard_protected(g));
}

static void
test_client(void **state)
{
	(void)state;
	struct fake f;
	struct mrfp_ipsec_want w = want("mrfc.mrfp.lab");
	struct ipsec_guard_stats st;
	uint64_t now = 1000;
	fake_listen(&f);
	struct mrfp_ipsec_guard *g = ipsec_guard_create(f.path, &w);
	assert_non_null(g);
	assert_int_equal(ipsec_guard_reason(g), MRFP_IPSEC_NO_VICI);
	bring_up(&f, g, &now);
	/* a down event: not protected at once, listed again DOWN_RECHECK_MS (300) later */
	send_down_event(&f);
	ipsec_guard_poll(g, ++now);
	assert_int_equal(ipsec_guard_reason(g), MRFP_IPSEC_SA_DOWN);
	ipsec_guard_poll(g, now + 100);
	no_request(&f);
	now += 301;
	ipsec_guard_poll(g, now);
	expect_request(&f, MRFP_VICI_CMD_REQUEST, "list-sas");
	send_simple(&f, MRFP_VICI_CMD_RESPONSE); /* nothing listed */
	ipsec_guard_poll(g, ++now);
	assert_int_equal(ipsec_guard_reason(g), MRFP_IPSEC_NO_IKE_SA);
	/* the periodic list after REFRESH_MS; charon does not answer: disconnected after 2 s */
	now += 1000;
	ipsec_guard_poll(g, now);
	expect_request(&f, MRFP_VICI_CMD_REQUEST, "list-sas");
	ipsec_guard_poll(g, now + 2001);
	assert_int_equal(ipsec_guard_fd(g), -1);
	assert_int_equal(ipsec_guard_reason(g), MRFP_IPSEC_NO_VICI);
	close(f.c);
	/* reconnects RECONNECT_MS later; garbage from charon drops the connection, fail closed */
	now += 2001 + 1000;
	bring_up(&f, g, &now);
	static const uint8_t garbage[] = {0, 0, 0, 2, 9, 9};
	send_bytes(&f, garbage, sizeof(garbage));
	ipsec_guard_poll(g, ++now);
	assert_false(ipsec_guard_protected(g));
	assert_int_equal(ipsec_guard_fd(g), -1);
	ipsec_guard_stats(g, &st);
	assert_int_equal(st.vici_errors, 2);
	assert_int_equal(st.events, 1);
	assert_true(st.changes >= 4);
	close(f.c);
	ipsec_guard_free(g);
	close(f.srv);
	unlink(f.path);
}

/* No charon at all: not protected, and no error beyond that. */
static void
test_client_no_charon(void **state)
{
	(void)state;
	struct mrfp_ipsec_want w = want(NULL);
	struct mrfp_ipsec_guard *g = ipsec_guard_create("/nonexistent/charon.vici", &w);
	assert_non_null(g);
	ipsec_guard_poll(g, 1000);
	assert_false(ipsec_guard_protected(g));
	assert_int_equal(ipsec_guard_fd(g), -1);
	ipsec_guard_free(g);
}

/* mrfp_config_validate: Mp needs an IPsec interface, or insecure-lab on lab addresses only. */
static int
validate(char *err, size_t n, const char *const *args)
{
	struct mrfp_config c;
	char *argv[32] = {(char *)"mrfpd"};
	int argc = 1;
	for (; *args != NULL && argc < 31; args++)
		argv[argc++] = (char *)*args;
	mrfp_config_defaults(&c);
	int rc = mrfp_config_parse_args(&c, argc, argv, err, n);
	return rc < 0 ? rc : mrfp_config_validate(&c, err, n);
}

#define ARGS(...) ((const char *const[]){"--media-ip", "10.0.0.1/24", __VA_ARGS__, NULL})

static void
test_mp_security_settings(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(validate(err, sizeof(err), ARGS("--ports", "40000-40999")), 0); /* no Mp */
	assert_int_equal(validate(err, sizeof(err), ARGS("--mgc", "10.78.2.1:2944")), -EINVAL);
	assert_non_null(strstr(err, "must be IPsec-protected"));
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "10.78.2.1:2944", "--mp-address", "10.78.1.1",
				       "--mp-interface", "ipsec0")),
			 0);
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "10.78.2.1:2944", "--mp-interface", "ipsec0")),
			 -EINVAL); /* the default Mp address, 127.0.0.1, is no IPsec endpoint */
	assert_non_null(strstr(err, "mp-address is loopback"));
	/* insecure-lab: loopback, or inside lab-prefix, for both ends */
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "127.0.0.1:2945", "--insecure-lab", "yes")),
			 0);
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "127.0.0.1:2945", "--mp-address", "10.78.1.1",
				       "--insecure-lab", "yes")),
			 -EINVAL);
	assert_non_null(strstr(err, "insecure-lab refused: the Mp address 10.78.1.1"));
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "10.78.2.1:2944", "--mp-address", "10.78.1.1",
				       "--insecure-lab", "yes", "--lab-prefix", "10.78.0.0/16")),
			 0);
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "10.79.2.1:2944", "--mp-address", "10.78.1.1",
				       "--insecure-lab", "yes", "--lab-prefix", "10.78.0.0/16")),
			 -EINVAL);
	assert_non_null(strstr(err, "the MGC address 10.79.2.1"));
	assert_int_equal(validate(err, sizeof(err),
				  ARGS("--mgc", "[::1]:2945", "--mp-address", "::1",
				       "--insecure-lab", "yes")),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protected),
		cmocka_unit_test(test_refused_ciphers),
		cmocka_unit_test(test_states_and_identity),
		cmocka_unit_test(test_traffic_selectors),
		cmocka_unit_test(test_ts_notation),
		cmocka_unit_test(test_best_of_several),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_mp_security_settings),
		cmocka_unit_test(test_client),
		cmocka_unit_test(test_client_no_charon),
	};
	return cmocka_run_group_tests_name("ipsec_guard", tests, NULL, NULL);
}
