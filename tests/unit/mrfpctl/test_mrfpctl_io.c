/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Mp session: the retransmission schedule (a pure function), then whole mrfpctl commands
 * against a fake MG -- a UDP responder thread on 127.0.0.1 that drops, answers Pending,
 * refuses, asks its own Notify, or stays silent -- checking exit codes, output, and what the
 * MG saw (retransmissions of one TransactionId, acks piggy-backed or alone). Every wait is
 * bounded: the fake MG stops after 5 s whatever happens.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mrfpctl_test.h"

#define T_(x) MRFP_H248_TOK_##x

/* ---- the schedule ---- */

static void
test_retx_schedule(void **state)
{
	const struct mrfpctl_timing tm = {
		.first_ms = 100, .max_ms = 1000, .total_ms = 3000, .pending_ms = 30000};
	static const uint32_t want[] = {100, 200, 400, 800, 1000, 500};
	uint32_t t = 0;
	unsigned n;

	(void)state;
	/* sends at 0, 100, 300, 700, 1500, 2500; give up at 3000 */
	for (n = 1; n <= 6; n++) {
		assert_int_equal(mrfpctl_retx_wait(&tm, n, t), want[n - 1]);
		t += want[n - 1];
	}
	assert_int_equal(t, 3000);
	assert_int_equal(mrfpctl_retx_wait(&tm, 7, t), 0);
	assert_int_equal(mrfpctl_retx_wait(&tm, 0, 0), 0);
	/* a Pending at 1500 restarts the count of time, not the back-off */
	assert_int_equal(mrfpctl_retx_wait(&tm, 5, 0), 1000);
	assert_int_equal(mrfpctl_retx_wait(&tm, 40, 2999), 1); /* no overflow in the doubling */
	const struct mrfpctl_timing flat = {.first_ms = 50, .max_ms = 50, .total_ms = 120};
	assert_int_equal(mrfpctl_retx_wait(&flat, 1, 0), 50);
	assert_int_equal(mrfpctl_retx_wait(&flat, 3, 100), 20);
}

/* ---- the fake MG ---- */

enum how {
	MG_REPLY,   /* answer every request */
	MG_DROP,    /* ignore the first `drop` requests */
	MG_PENDING, /* Pending for the first pending_ms, then the reply */
	MG_SILENT,  /* never answer */
	MG_ERROR,   /* refuse (mrfpd-style action-level Error) */
	MG_NOTIFY,  /* send a Notify of its own before the first reply */
	MG_BROKEN,  /* a reply that does not decode (commandReply without its id) */
	MG_FAIL_AT, /* refuse the `drop`-th request, answer the others */
	MG_SC,	    /* answer a ServiceChange on ROOT as mrfpd does */
	MG_SC_503,  /* refuse it (an Error in the reply) */
};

#define MG_MSGS 64
#define MG_MSG_LEN 4096

struct fake_mg {
	int fd;
	uint16_t port;
	pthread_t th;
	enum how how;
	unsigned drop;
	uint32_t pending_ms;
	atomic_bool stop;
	atomic_uint n_acks;
	/* written by the thread, read after the join */
	unsigned n_msgs, n_requests, n_pendings;
	char msgs[MG_MSGS][MG_MSG_LEN];
	uint32_t tids[MG_MSGS];
	uint32_t acked[MG_MSGS];
	bool notify_answered;
	uint64_t first_ms;
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define MG_HDR "MEGACO/1 [127.0.0.1]:2944\n"
#define REPLY_ADD                                                                                  \
	MG_HDR "Reply = %u { Context = 7 { Add = rtp/1 { Media { Stream = 1 { Local {\n"           \
	       "v=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 40000 RTP/SAVP 0\r\n"                        \
	       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n} } } } } }"

static void
mg_send(struct fake_mg *mg, const struct sockaddr_in *to, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sendto(mg->fd, buf, (size_t)n, 0, (const struct sockaddr *)to, sizeof(*to));
}

static void
mg_request(struct fake_mg *mg, uint32_t tid, const struct sockaddr_in *from)
{
	mg->n_requests++;
	if (mg->first_ms == 0)
		mg->first_ms = mono_ms();
	switch (mg->how) {
	case MG_DROP:
		if (mg->n_requests <= mg->drop)
			return;
		break;
	case MG_PENDING:
		if (mono_ms() - mg->first_ms < mg->pending_ms) {
			mg->n_pendings++;
			mg_send(mg, from, MG_HDR "Pending = %u { }", tid);
			return;
		}
		break;
	case MG_SILENT:
		return;
	case MG_SC:
		mg_send(mg, from, MG_HDR "Reply = %u { Context = - { ServiceChange = ROOT } }",
			tid);
		return;
	case MG_SC_503:
		mg_send(mg, from,
			MG_HDR "Reply = %u { Context = - { Error = 501 { \"ServiceChange Graceful "
			       "on ROOT not implemented\" } } }",
			tid);
		return;
	case MG_FAIL_AT:
		if (mg->n_requests != mg->drop)
			break;
		/* fall through */
	case MG_ERROR:
		mg_send(mg, from,
			MG_HDR "Reply = %u { Context = 7 { Error = 449 { \"secure conference: "
			       "stream has no a=crypto line\" } } }",
			tid);
		return;
	case MG_BROKEN:
		mg_send(mg, from, MG_HDR "Reply = %u { Context = 7 { Modify } }", tid);
		return;
	case MG_NOTIFY:
		if (mg->n_requests == 1)
			mg_send(mg, from,
				MG_HDR "Transaction = 900 { Context = 7 { Notify = rtp/1 { "
				       "ObservedEvents = 1 { mrfp/inactive } } } }");
		break;
	default:
		break;
	}
	mg_send(mg, from, REPLY_ADD, tid);
}

static void
mg_message(struct fake_mg *mg, char *text, size_t len, const struct sockaddr_in *from)
{
	static struct tbox b; /* one fake MG at a time */
	const struct mrfp_h248_node *n, *k;
	uint32_t id, last, seg;

	if (mg->n_msgs < MG_MSGS)
		snprintf(mg->msgs[mg->n_msgs++], MG_MSG_LEN, "%.*s", (int)len, text);
	if (tbox_decode(&b, text) < 0) {
		mg_send(mg, from, MG_HDR "Error = 400 { \"Syntax error in message\" }");
		return;
	}
	MRFP_H248_FOREACH(&b.t, h248_root(&b.t), n)
	{
		if (n->tok == T_(TRANSACTION) && h248_trans_id(n, &id, &seg) == 0) {
			if (mg->n_requests < MG_MSGS)
				mg->tids[mg->n_requests] = id;
			mg_request(mg, id, from);
		} else if (n->tok == T_(REPLY) && h248_trans_id(n, &id, &seg) == 0) {
			mg->notify_answered |= id == 900;
		} else if (n->tok == T_(RESPONSEACK)) {
			MRFP_H248_FOREACH(&b.t, n, k)
			{
				unsigned i = atomic_load(&mg->n_acks);

				if (h248_ack_range(&k->name, &id, &last) == 0 && i < MG_MSGS) {
					mg->acked[i] = id;
					atomic_store(&mg->n_acks, i + 1);
				}
			}
		}
	}
}

static void *
mg_main(void *arg)
{
	struct fake_mg *mg = arg;
	uint64_t end = mono_ms() + 5000;
	char buf[MRFP_H248_MAX_MSG + 1];

	while (!atomic_load(&mg->stop) && mono_ms() < end) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n =
			recvfrom(mg->fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);

		if (n <= 0)
			continue; /* SO_RCVTIMEO: look at the stop flag */
		buf[n] = '\0';
		mg_message(mg, buf, (size_t)n, &from);
	}
	return NULL;
}

static struct fake_mg *
mg_start(enum how how)
{
	struct fake_mg *mg = calloc(1, sizeof(*mg));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {.tv_usec = 20000};
	socklen_t al = sizeof(a);

	assert_non_null(mg);
	mg->how = how;
	mg->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(mg->fd >= 0);
	assert_int_equal(bind(mg->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(mg->fd, (struct sockaddr *)&a, &al), 0);
	setsockopt(mg->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	mg->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&mg->th, NULL, mg_main, mg), 0);
	return mg;
}

/* Stop once `acks` acknowledgements came (or after a second), then join. */
static void
mg_stop(struct fake_mg *mg, unsigned acks)
{
	uint64_t end = mono_ms() + 1000;

	while (atomic_load(&mg->n_acks) < acks && mono_ms() < end)
		usleep(2000);
	atomic_store(&mg->stop, true);
	pthread_join(mg->th, NULL);
	close(mg->fd);
}

/* ---- running mrfpctl ---- */

static char *out_text, *err_text;

/* mrfpctl --mp 127.0.0.1:port ARGS...: exit code; stdout and stderr in out_text, err_text. */
static int
run(const struct fake_mg *mg, ...)
{
	char *argv[ARGS_MAX], mp[32];
	size_t ol = 0, el = 0;
	FILE *fo, *fe;
	va_list ap;
	int argc, code;

	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	fo = open_memstream(&out_text, &ol);
	fe = open_memstream(&err_text, &el);
	va_start(ap, mg);
	argc = make_argv(argv, ap);
	va_end(ap);
	snprintf(mp, sizeof(mp), "--mp=127.0.0.1:%u", mg->port);
	memmove(argv + 2, argv + 1, sizeof(argv[0]) * (size_t)argc);
	argv[1] = mp;
	code = mrfpctl_main(argc + 1, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	return code;
}

#define ADD_ARGS                                                                                   \
	"--json", "leg", "add", "--conf", "new", "--remote", "198.51.100.2:4000", "--remote-key",  \
		KEY_B

static void
test_leg_add(void **state)
{
	struct fake_mg *mg = mg_start(MG_REPLY);

	(void)state;
	assert_int_equal(run(mg, ADD_ARGS, NULL), MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_non_null(strstr(out_text, "{\"ctx\":7,\"term\":\"rtp/1\",\"local\":{\"addr\":"
					 "\"192.0.2.10\",\"port\":40000,"));
	assert_non_null(strstr(out_text, "\"key\":\"" KEY_A "\""));
	assert_null(strstr(out_text, KEY_B));
	/* one request, then a standalone TransactionResponseAck for its reply */
	assert_int_equal(mg->n_requests, 1);
	assert_int_equal(mg->n_msgs, 2);
	assert_non_null(strstr(mg->msgs[0], "Transaction = "));
	assert_non_null(strstr(mg->msgs[0], "inline:" KEY_B)); /* over Mp, as H.248.77 says */
	assert_non_null(strstr(mg->msgs[1], "TransactionResponseAck"));
	assert_int_equal(atomic_load(&mg->n_acks), 1);
	assert_int_equal(mg->acked[0], mg->tids[0]);
	free(mg);
}

static void
test_compact_v2(void **state)
{
	struct fake_mg *mg = mg_start(MG_REPLY);

	(void)state;
	assert_int_equal(run(mg, "--compact", "--version", "2", "--mid", "mrfc1", ADD_ARGS, NULL),
			 MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_true(strncmp(mg->msgs[0], "!/2 mrfc1\nT=", 12) == 0);
	assert_true(strncmp(mg->msgs[1], "!/2 mrfc1\nK{", 12) == 0);
	free(mg);
}

/* Two lost requests: the third transmission of the same TransactionId gets through. */
static void
test_retransmission(void **state)
{
	struct fake_mg *mg = mg_start(MG_DROP);

	(void)state;
	mg->drop = 2;
	assert_int_equal(run(mg, "--retx", "10", ADD_ARGS, NULL), MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_int_equal(mg->n_requests, 3);
	assert_int_equal(mg->tids[1], mg->tids[2]);
	assert_int_equal(mg->tids[0], mg->tids[1]);
	assert_string_equal(mg->msgs[0], mg->msgs[2]);
	free(mg);
}

/* Pending for longer than --timeout: mrfpctl keeps waiting and gets the reply. */
static void
test_pending(void **state)
{
	struct fake_mg *mg = mg_start(MG_PENDING);

	(void)state;
	mg->pending_ms = 400;
	assert_int_equal(run(mg, "--retx", "10", "--timeout", "250", ADD_ARGS, NULL),
			 MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_true(mg->n_pendings >= 2);
	assert_non_null(strstr(out_text, "\"ctx\":7"));
	free(mg);
}

static void
test_no_answer(void **state)
{
	struct fake_mg *mg = mg_start(MG_SILENT);
	uint64_t t0 = mono_ms();

	(void)state;
	assert_int_equal(run(mg, "--retx", "10", "--timeout", "200", ADD_ARGS, NULL),
			 MRFPCTL_EXIT_NOANSWER);
	assert_true(mono_ms() - t0 < 2000);
	mg_stop(mg, 0);
	/* sends at 0, 10, 30, 70, 150 on an idle machine; fewer if it is loaded */
	assert_in_range(mg->n_requests, 2, 5);
	assert_non_null(strstr(out_text, "\"error\":{\"text\":\"no answer from mrfpd at "));
	assert_non_null(strstr(err_text, "no answer"));
	assert_int_equal(atomic_load(&mg->n_acks), 0);
	free(mg);
}

/* A reply that does not decode cannot be matched: no answer, and the error text says why. */
static void
test_undecodable_reply(void **state)
{
	struct fake_mg *mg = mg_start(MG_BROKEN);

	(void)state;
	assert_int_equal(run(mg, "--retx", "10", "--timeout", "100", "leg", "modify", "--conf", "7",
			     "--term", "rtp/1", "--mode", "sendonly", NULL),
			 MRFPCTL_EXIT_NOANSWER);
	mg_stop(mg, 0);
	assert_non_null(strstr(err_text, "undecodable message"));
	assert_non_null(strstr(err_text, ": 442 "));
	free(mg);
}

/* Nothing listens: ICMP port unreachable, still exit 3, with a hint. */
static void
test_port_unreachable(void **state)
{
	struct fake_mg *mg = mg_start(MG_SILENT);

	(void)state;
	mg_stop(mg, 0); /* its port is closed now */
	assert_int_equal(run(mg, "--retx", "10", "--timeout", "100", "audit", NULL),
			 MRFPCTL_EXIT_NOANSWER);
	assert_non_null(strstr(err_text, "port unreachable"));
	free(mg);
}

static void
test_error_reply(void **state)
{
	struct fake_mg *mg = mg_start(MG_ERROR);

	(void)state;
	assert_int_equal(run(mg, ADD_ARGS, NULL), MRFPCTL_EXIT_H248);
	mg_stop(mg, 1);
	assert_string_equal(out_text, "{\"error\":{\"code\":449,\"text\":\"mrfpd refused leg add: "
				      "secure conference: stream has no a=crypto line\"}}\n");
	assert_string_equal(err_text, "mrfpctl: error 449: mrfpd refused leg add: secure "
				      "conference: stream has no a=crypto line\n");
	assert_int_equal(atomic_load(&mg->n_acks), 1); /* an error reply is acknowledged too */
	free(mg);
}

/* mrfpd's own Notify arrives while we wait: answered, and our reply still comes. */
static void
test_notify_answered(void **state)
{
	struct fake_mg *mg = mg_start(MG_NOTIFY);

	(void)state;
	assert_int_equal(run(mg, ADD_ARGS, NULL), MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_true(mg->notify_answered);
	free(mg);
}

/* Two transactions in one session: the first reply's ack rides on the second request. */
static void
test_piggyback(void **state)
{
	struct fake_mg *mg = mg_start(MG_REPLY);
	struct mrfpctl_opts o;
	struct mrfpctl_session *s;
	struct mrfpctl_result *r = calloc(1, sizeof(*r));
	char err[MRFPCTL_ERR_MAX], *argv[] = {"mrfpctl", "audit", NULL};
	struct tbox *b = calloc(1, sizeof(*b));
	const struct mrfp_h248_node *k;

	(void)state;
	assert_int_equal(mrfpctl_parse_args(2, argv, &o, err, sizeof(err)), 0);
	o.mp.port = htons(mg->port);
	s = mrfpctl_session_open(&o, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(mrfpctl_session_transact(s, &o, r), 0);
	assert_int_equal(mrfpctl_session_transact(s, &o, r), 0);
	mrfpctl_session_close(s);
	mg_stop(mg, 2);
	assert_int_equal(mg->n_requests, 2);
	assert_int_equal(mg->tids[1], mg->tids[0] + 1); /* increasing TransactionIds */
	assert_int_equal(mg->n_msgs, 3);
	assert_int_equal(tbox_decode(b, mg->msgs[1]), 0);
	k = h248_first(&b->t, h248_root(&b->t));
	assert_int_equal(k->tok, T_(RESPONSEACK)); /* K { first } then T = second */
	assert_int_equal(h248_next(&b->t, k)->tok, T_(TRANSACTION));
	assert_int_equal(mg->acked[0], mg->tids[0]);
	assert_int_equal(mg->acked[1], mg->tids[1]); /* the last one alone, at close */
	mrfpctl_result_wipe(r);
	free(r);
	free(b);
	free(mg);
}

/* Lines "a=crypto:" in one message. */
static unsigned
crypto_lines(const char *msg)
{
	unsigned n = 0;

	for (const char *p = msg; (p = strstr(p, "a=crypto:")) != NULL; p++)
		n++;
	return n;
}

#define REKEY_ARGS "rekey", "group", "--conf", "7", "--term", "rtp/1", "--drain-ms", "10"

/* rekey: three Modify of rtp/1 on one session, {old, new}, {new, old}, {new}; the generated
 * key is printed, the old one never. */
static void
test_rekey(void **state)
{
	struct fake_mg *mg = mg_start(MG_REPLY);
	char line[96];

	(void)state;
	stdin_text(KEY_A "|2^31|1:1\n");
	assert_int_equal(run(mg, "--json", REKEY_ARGS, NULL), MRFPCTL_EXIT_OK);
	mg_stop(mg, 3);
	assert_int_equal(mg->n_requests, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_non_null(strstr(mg->msgs[i], "Modify = rtp/1"));
		assert_non_null(strstr(mg->msgs[i], "Local {"));
		assert_null(strstr(mg->msgs[i], "Remote"));
		assert_int_equal(crypto_lines(mg->msgs[i]), i < 2 ? 2 : 1);
	}
	snprintf(line, sizeof(line), "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^31|1:1",
		 KEY_A);
	assert_non_null(strstr(mg->msgs[0], line));
	assert_non_null(strstr(mg->msgs[0], "|2^31|2:1\r\n}")); /* the new key second */
	assert_non_null(strstr(mg->msgs[1], "|2^31|1:1\r\n}")); /* switched: the old second */
	assert_null(strstr(mg->msgs[2], KEY_A));		/* retired */
	assert_non_null(strstr(out_text, "\"rekey\":\"group\""));
	assert_non_null(strstr(out_text, "\"steps\":[\"install\",\"switch\",\"retire\"]"));
	assert_non_null(strstr(out_text, "\"new_key\":{\"lifetime\":\"2^31\",\"mki\":2,"
					 "\"mki_len\":1,\"key\":\""));
	assert_null(strstr(out_text, KEY_A));
	assert_null(strstr(out_text, "error"));
	free(mg);
}

/* The switch refused: exit 2, the step named, the install left in place and said so. */
static void
test_rekey_refused(void **state)
{
	struct fake_mg *mg = mg_start(MG_FAIL_AT);

	(void)state;
	mg->drop = 2;
	stdin_text(KEY_A "\n" KEY_B "\n");
	assert_int_equal(run(mg, "--json", "rekey", "local", "--conf", "7", "--term", "rtp/1",
			     "--new-key", "-", NULL),
			 MRFPCTL_EXIT_H248);
	mg_stop(mg, 2);
	assert_int_equal(mg->n_requests, 2); /* no retire after a failed switch */
	assert_non_null(strstr(err_text, "mrfpd refused step 2 (switch): error 449"));
	assert_non_null(strstr(err_text, "step 1 (install) stays applied: the key set is {fp:"));
	assert_non_null(strstr(out_text, "\"steps\":[\"install\"],\"key_set\":[\""));
	assert_non_null(strstr(out_text, "\"error\":{\"step\":\"switch\",\"code\":449,"));
	assert_null(strstr(out_text, KEY_A));
	assert_null(strstr(out_text, KEY_B)); /* given keys are never printed */
	free(mg);
	/* the install refused: nothing applied, the generated key not shown */
	mg = mg_start(MG_ERROR);
	stdin_text(KEY_A "|1:1\n");
	assert_int_equal(run(mg, REKEY_ARGS, NULL), MRFPCTL_EXIT_H248);
	mg_stop(mg, 1);
	assert_int_equal(mg->n_requests, 1);
	assert_non_null(strstr(err_text, "step 1 (install)"));
	assert_non_null(strstr(err_text, "nothing was applied"));
	assert_null(strstr(out_text, "new-key"));
	free(mg);
}

static void
test_raw(void **state)
{
	struct fake_mg *mg = mg_start(MG_REPLY);
	char path[] = "/tmp/mrfpctl-raw-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("Transaction = 77 { Context = - { AuditValue = ROOT { Audit { Packages } } } }\n", f);
	fclose(f);
	assert_int_equal(run(mg, "raw", path, NULL), MRFPCTL_EXIT_OK);
	assert_non_null(strstr(out_text, "Reply = 77 {"));
	assert_non_null(strstr(out_text, KEY_A)); /* raw prints what came, as it came */
	assert_int_equal(run(mg, "--key-fingerprints", "raw", path, NULL), MRFPCTL_EXIT_OK);
	assert_null(strstr(out_text, KEY_A));
	/* something mrfpd cannot read: its message-level Error, exit 2 */
	f = fopen(path, "w");
	fputs("MEGACO/1 [127.0.0.1]:1\nTransaction = {", f);
	fclose(f);
	assert_int_equal(run(mg, "raw", path, NULL), MRFPCTL_EXIT_H248);
	assert_non_null(strstr(out_text, "Error = 400"));
	assert_non_null(strstr(err_text, "error 400"));
	mg_stop(mg, 2);
	assert_true(strncmp(mg->msgs[0], "MEGACO/1 [127.0.0.1]:", 21) == 0); /* header added */
	unlink(path);
	free(mg);
}

/* drain and handoff: mrfpd's reply printed, exit 0; a refusal exits 2; silence exits 3. */
static void
test_drain_handoff(void **state)
{
	struct fake_mg *mg = mg_start(MG_SC);

	(void)state;
	assert_int_equal(run(mg, "drain", "--delay", "30", NULL), MRFPCTL_EXIT_OK);
	assert_int_equal(run(mg, "--json", "drain", NULL), MRFPCTL_EXIT_OK);
	assert_string_equal(out_text,
			    "{\"ctx\":\"-\",\"term\":\"ROOT\",\"method\":\"Graceful\"}\n");
	assert_int_equal(run(mg, "--json", "handoff", "--to", "192.0.2.9:2945", NULL),
			 MRFPCTL_EXIT_OK);
	assert_string_equal(out_text, "{\"ctx\":\"-\",\"term\":\"ROOT\",\"method\":\"HandOff\","
				      "\"mgc_id_to_try\":\"[192.0.2.9]:2945\"}\n");
	assert_int_equal(run(mg, "handoff", "--to", "192.0.2.9:2945", NULL), MRFPCTL_EXIT_OK);
	assert_non_null(strstr(out_text, "ctx -\nterm ROOT\nhandoff HandOff mgc-id-to-try "
					 "[192.0.2.9]:2945\n"));
	mg_stop(mg, 4);
	assert_true(mg->n_msgs >= 4);
	assert_non_null(strstr(mg->msgs[0], "ServiceChange = ROOT"));
	assert_non_null(strstr(mg->msgs[0], "Method = Graceful"));
	assert_non_null(strstr(mg->msgs[0], "Delay = 30"));
	assert_null(strstr(mg->msgs[1], "Delay"));
	free(mg);
	mg = mg_start(MG_SC);
	assert_int_equal(run(mg, "drain", "--delay", "1", NULL), MRFPCTL_EXIT_OK);
	mg_stop(mg, 1);
	assert_non_null(strstr(out_text, "ctx -\nterm ROOT\ndrain Graceful delay 1\n"));
	free(mg);

	mg = mg_start(MG_SC_503);
	assert_int_equal(run(mg, "drain", NULL), MRFPCTL_EXIT_H248);
	mg_stop(mg, 1);
	assert_string_equal(err_text, "mrfpctl: error 501: mrfpd refused drain: ServiceChange "
				      "Graceful on ROOT not implemented\n");
	free(mg);

	mg = mg_start(MG_SILENT);
	assert_int_equal(run(mg, "--timeout", "300", "handoff", "--to", "[::1]:2945", NULL),
			 MRFPCTL_EXIT_NOANSWER);
	mg_stop(mg, 0);
	assert_non_null(strstr(err_text, "no answer from mrfpd"));
	assert_non_null(strstr(mg->msgs[0], "MgcIdToTry = [::1]:2945"));
	free(mg);

	/* bad input: a message, exit 1, nothing sent */
	mg = mg_start(MG_SC);
	assert_int_equal(run(mg, "handoff", NULL), MRFPCTL_EXIT_USAGE);
	assert_non_null(strstr(err_text, "handoff: --to IP:PORT"));
	assert_int_equal(run(mg, "drain", "--delay", "soon", NULL), MRFPCTL_EXIT_USAGE);
	assert_non_null(strstr(err_text, "--delay: seconds"));
	mg_stop(mg, 0);
	assert_int_equal(mg->n_msgs, 0);
	free(mg);
}

static int
teardown(void **state)
{
	(void)state;
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retx_schedule),
		cmocka_unit_test_teardown(test_leg_add, teardown),
		cmocka_unit_test_teardown(test_compact_v2, teardown),
		cmocka_unit_test_teardown(test_retransmission, teardown),
		cmocka_unit_test_teardown(test_pending, teardown),
		cmocka_unit_test_teardown(test_no_answer, teardown),
		cmocka_unit_test_teardown(test_undecodable_reply, teardown),
		cmocka_unit_test_teardown(test_port_unreachable, teardown),
		cmocka_unit_test_teardown(test_error_reply, teardown),
		cmocka_unit_test_teardown(test_notify_answered, teardown),
		cmocka_unit_test_teardown(test_piggyback, teardown),
		cmocka_unit_test_teardown(test_raw, teardown),
		cmocka_unit_test_teardown(test_rekey, teardown),
		cmocka_unit_test_teardown(test_rekey_refused, teardown),
		cmocka_unit_test_teardown(test_drain_handoff, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
