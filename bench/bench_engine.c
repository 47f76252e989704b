/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SRTP engine cost: ns/packet for protect, unprotect and unprotect+protect, for every suite
 * mrfp offers and RTP payloads of 80, 160 and 1 200 bytes, on one core, no EAL.
 *
 * Engines: the libsrtp2 this binary is linked with (ours: Debian's source built on OpenSSL)
 * and, for AES_CM_128_HMAC_SHA1_80, the bare crypto the same packet needs done with OpenSSL
 * EVP directly (AES-128-CTR + HMAC-SHA1 truncated to 80 bits, contexts reused, no replay
 * window): the difference is libsrtp's own overhead. The EVP path derives its session keys
 * from the same master key (RFC 3711 4.3) and is checked byte for byte against libsrtp before
 * anything is timed.
 *
 * Every measurement uses fresh sessions (replay protection never refuses) and the same
 * pre-protected input; packets go through in chunks that fit in L2, copied in untimed (a NIC
 * writes them by DMA). Repetitions are interleaved over every (suite, payload, op, engine)
 * and the medians reported. bench_engine_nss.c compiles this file against Debian's NSS-backed
 * libsrtp2 (BENCH_ENGINE_NSS): same code, same CSV, engine "libsrtp2-nss", no EVP row.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#ifdef BENCH_ENGINE_NSS
#define ENGINE_SRTP "libsrtp2-nss"
#define EXPECT_BACKEND "nss"
#else
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mrfp_srtp.h"
#define ENGINE_SRTP "libsrtp2-openssl"
#define EXPECT_BACKEND "openssl"
#define ENGINE_EVP "openssl-evp"
#endif

#define HDR 12
#define MAX_PAYLOAD 1200
#define CHUNK 256 /* packets per timed chunk: CHUNK * WSTRIDE stays in L2 */
#define WSTRIDE (((HDR + MAX_PAYLOAD + SRTP_MAX_TRAILER_LEN) + 63) & ~63)
#define SSRC 0x12345678u

struct suite {
	const char *name;
	unsigned int key_len, salt_len, tag_len;
	void (*set)(srtp_crypto_policy_t *p);
};

/* srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is a macro: give it an address. */
static void
set_cm_128_80(srtp_crypto_policy_t *p)
{
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
}

static const struct suite suites[] = {
	{"AES_CM_128_HMAC_SHA1_80", 16, 14, 10, set_cm_128_80},
	{"AES_CM_128_HMAC_SHA1_32", 16, 14, 4, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32},
	{"AES_256_CM_HMAC_SHA1_80", 32, 14, 10, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80},
	{"AEAD_AES_128_GCM", 16, 12, 16, srtp_crypto_policy_set_aes_gcm_128_16_auth},
	{"AEAD_AES_256_GCM", 32, 12, 16, srtp_crypto_policy_set_aes_gcm_256_16_auth},
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static const unsigned int payloads[] = {80, 160, 1200};
#define NPAYLOADS (sizeof(payloads) / sizeof(payloads[0]))

enum op { OP_PROTECT, OP_UNPROTECT, OP_BOTH, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"protect", "unprotect", "unprotect+protect"};

enum engine { ENG_SRTP, ENG_EVP, ENG_COUNT };
static const char *const engine_names[ENG_COUNT] = {
	ENGINE_SRTP,
#ifdef ENGINE_EVP
	ENGINE_EVP,
#else
	NULL,
#endif
};

struct cell {
	double *ns; /* one per repetition */
	double median, min, max;
	int valid;
};

struct input {	       /* one (suite, payload): packets pre-protected with the sender's key */
	uint8_t *pkts; /* packets * stride */
	size_t stride;
	int len; /* SRTP length, the same for every packet */
};

static struct {
	unsigned int reps, packets;
	int suite_only;	  /* -1: all */
	int payload_only; /* -1: all */
	const char *json;
	uint8_t rx_key[NSUITES][46], tx_key[NSUITES][46]; /* sender->us, us->receiver */
	struct input in[NSUITES][NPAYLOADS];
	struct cell cells[ENG_COUNT][NSUITES][NPAYLOADS][OP_COUNT];
	uint8_t *work; /* CHUNK * WSTRIDE */
	unsigned long failures;
	char backend[16];
} B;

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint8_t
rand8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)(rng >> 32);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Plain RTP packet number i: header, then a payload pattern. Returns the RTP length. */
static int
make_rtp(uint8_t *p, unsigned int i, unsigned int payload)
{
	uint32_t ts = 160u * i;
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(i >> 8);
	p[3] = (uint8_t)i;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(SSRC >> 24);
	p[9] = (uint8_t)(SSRC >> 16);
	p[10] = (uint8_t)(SSRC >> 8);
	p[11] = (uint8_t)SSRC;
	for (unsigned int j = 0; j < payload; j++)
		p[HDR + j] = (uint8_t)(i * 7 + j);
	return (int)(HDR + payload);
}

/* --- libsrtp2 ------------------------------------------------------------------------------ */

static int seen_ossl, seen_nss;

static void
module_lister(srtp_log_level_t level, const char *msg, void *data)
{
	(void)level;
	(void)data;
	if (strstr(msg, "aes icm ossl") != NULL)
		seen_ossl = 1;
	if (strstr(msg, " nss") != NULL)
		seen_nss = 1;
}

static void
log_errors(srtp_log_level_t level, const char *msg, void *data)
{
	(void)data;
	if (level == srtp_log_level_error)
		fprintf(stderr, "libsrtp: %s\n", msg);
}

/* Same self-test as mrfp's: libsrtp names its cipher modules after the crypto library. */
static void
srtp_setup(void)
{
#ifndef BENCH_ENGINE_NSS
	if (mrfp_srtp_init() != 0) { /* mrfpd's own check: refuses anything but OpenSSL */
		fprintf(stderr, "bench_engine: mrfp_srtp_init refused this libsrtp2\n");
		exit(1);
	}
#else
	if (srtp_init() != srtp_err_status_ok) {
		fprintf(stderr, "bench_engine: srtp_init failed\n");
		exit(1);
	}
#endif
	srtp_install_log_handler(module_lister, NULL);
	srtp_list_debug_modules();
	srtp_install_log_handler(log_errors, NULL);
	snprintf(B.backend, sizeof(B.backend), "%s",
		 seen_nss    ? "nss"
		 : seen_ossl ? "openssl"
			     : "builtin");
	if (strcmp(B.backend, EXPECT_BACKEND) != 0) {
		fprintf(stderr, "bench_engine: %s runs on %s, expected %s\n",
			srtp_get_version_string(), B.backend, EXPECT_BACKEND);
		exit(1);
	}
}

static srtp_t
session(unsigned int s, const uint8_t *key, srtp_ssrc_type_t type)
{
	srtp_policy_t pol;
	srtp_t ctx;
	memset(&pol, 0, sizeof(pol));
	suites[s].set(&pol.rtp);
	if (suites[s].tag_len == 4) /* as mrfp: the _32 suites keep the 80-bit SRTCP tag */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	else
		suites[s].set(&pol.rtcp);
	pol.ssrc.type = type;
	pol.key = (unsigned char *)(uintptr_t)key;
	pol.window_size = 1024;
	if (srtp_create(&ctx, &pol) != srtp_err_status_ok) {
		fprintf(stderr, "bench_engine: srtp_create %s failed\n", suites[s].name);
		exit(1);
	}
	return ctx;
}

/* Untimed: every packet of one (suite, payload) protected once with the sender's key. */
static void
make_input(unsigned int s, unsigned int pl)
{
	struct input *in = &B.in[s][pl];
	srtp_t tx = session(s, B.rx_key[s], ssrc_any_outbound);
	in->stride = (HDR + payloads[pl] + SRTP_MAX_TRAILER_LEN + 63) & ~(size_t)63;
	in->pkts = aligned_alloc(64, in->stride * B.packets);
	if (in->pkts == NULL) {
		fprintf(stderr, "bench_engine: out of memory\n");
		exit(1);
	}
	for (unsigned int i = 0; i < B.packets; i++) {
		uint8_t *p = in->pkts + (size_t)i * in->stride;
		int len = make_rtp(p, i, payloads[pl]);
		if (srtp_protect(tx, p, &len) != srtp_err_status_ok) {
			fprintf(stderr, "bench_engine: srtp_protect (input) failed\n");
			exit(1);
		}
		in->len = len;
	}
	srtp_dealloc(tx);
}

/* One measurement through libsrtp with fresh sessions; returns ns/packet. */
static double
run_srtp(unsigned int s, unsigned int pl, enum op op)
{
	const struct input *in = &B.in[s][pl];
	srtp_t rx = session(s, B.rx_key[s], ssrc_any_inbound);
	srtp_t tx = session(s, B.tx_key[s], ssrc_any_outbound);
	int lens[CHUNK];
	uint64_t total = 0;
	unsigned long bad = 0;
	for (unsigned int off = 0; off < B.packets; off += CHUNK) {
		unsigned int n = B.packets - off < CHUNK ? B.packets - off : CHUNK;
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *w = B.work + (size_t)i * WSTRIDE;
			if (op == OP_PROTECT) {
				lens[i] = make_rtp(w, off + i, payloads[pl]);
			} else {
				memcpy(w, in->pkts + (size_t)(off + i) * in->stride,
				       (size_t)in->len);
				lens[i] = in->len;
			}
		}
		uint64_t t0 = now_ns();
		switch (op) {
		case OP_PROTECT:
			for (unsigned int i = 0; i < n; i++)
				bad += srtp_protect(tx, B.work + (size_t)i * WSTRIDE, &lens[i]) !=
				       0;
			break;
		case OP_UNPROTECT:
			for (unsigned int i = 0; i < n; i++)
				bad += srtp_unprotect(rx, B.work + (size_t)i * WSTRIDE, &lens[i]) !=
				       0;
			break;
		default:
			for (unsigned int i = 0; i < n; i++) {
				uint8_t *w = B.work + (size_t)i * WSTRIDE;
				bad += srtp_unprotect(rx, w, &lens[i]) != 0;
				bad += srtp_protect(tx, w, &lens[i]) != 0;
			}
			break;
		}
		total += now_ns() - t0;
	}
	srtp_dealloc(rx);
	srtp_dealloc(tx);
	if (bad) {
		fprintf(stderr, "bench_engine: %s %s %u: %lu failures\n", ENGINE_SRTP,
			suites[s].name, payloads[pl], bad);
		B.failures += bad;
	}
	return (double)total / B.packets;
}

/* --- OpenSSL EVP reference: AES-128-CTR + HMAC-SHA1-80, what libsrtp does minus libsrtp ---- */

#ifdef ENGINE_EVP
struct evp {
	EVP_CIPHER_CTX *cipher;
	EVP_MAC_CTX *mac;
	uint8_t salt[14];
};

static EVP_MAC *hmac;
static struct evp evp_rx, evp_tx;

/* RFC 3711 4.3.1 AES-CM PRF, key_derivation_rate 0: label at byte 7 of the salt. */
static void
kdf(const uint8_t *master, uint8_t label, uint8_t *out, int len)
{
	uint8_t iv[16] = {0}, zero[32] = {0};
	int n;
	memcpy(iv, master + 16, 14);
	iv[7] ^= label;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL || !EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, master, iv) ||
	    !EVP_EncryptUpdate(c, out, &n, zero, len)) {
		fprintf(stderr, "bench_engine: EVP kdf failed\n");
		exit(1);
	}
	EVP_CIPHER_CTX_free(c);
}

static void
evp_init(struct evp *e, const uint8_t *master)
{
	uint8_t key[16], auth[20];
	kdf(master, 0x00, key, sizeof(key));
	kdf(master, 0x01, auth, sizeof(auth));
	kdf(master, 0x02, e->salt, sizeof(e->salt));
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0),
			       OSSL_PARAM_construct_end()};
	e->cipher = EVP_CIPHER_CTX_new();
	e->mac = EVP_MAC_CTX_new(hmac);
	if (e->cipher == NULL || e->mac == NULL ||
	    !EVP_EncryptInit_ex(e->cipher, EVP_aes_128_ctr(), NULL, key, NULL) ||
	    !EVP_MAC_init(e->mac, auth, sizeof(auth), params)) {
		fprintf(stderr, "bench_engine: EVP set-up failed\n");
		exit(1);
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(auth, sizeof(auth));
}

static void
evp_free(struct evp *e)
{
	EVP_CIPHER_CTX_free(e->cipher);
	EVP_MAC_CTX_free(e->mac);
}

/* Keystream over the payload: IV = salt ^ SSRC<<64 ^ index<<16 (RFC 3711 4.1.1). */
static int
evp_ctr(struct evp *e, uint8_t *p, int len, uint64_t index)
{
	uint8_t iv[16] = {0};
	int n;
	memcpy(iv, e->salt, 14);
	for (int k = 0; k < 4; k++)
		iv[4 + k] ^= p[8 + k];
	for (int k = 0; k < 6; k++)
		iv[8 + k] ^= (uint8_t)(index >> (8 * (5 - k)));
	return EVP_EncryptInit_ex(e->cipher, NULL, NULL, NULL, iv) &&
	       EVP_EncryptUpdate(e->cipher, p + HDR, &n, p + HDR, len - HDR);
}

/* HMAC-SHA1 over packet || ROC, into tag (20 bytes). */
static int
evp_auth(struct evp *e, const uint8_t *p, int len, uint32_t roc, uint8_t *tag)
{
	uint8_t r[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8),
			(uint8_t)roc};
	size_t out;
	return EVP_MAC_init(e->mac, NULL, 0, NULL) && EVP_MAC_update(e->mac, p, (size_t)len) &&
	       EVP_MAC_update(e->mac, r, 4) && EVP_MAC_final(e->mac, tag, &out, 20);
}

/* The packet index comes from the caller (a real receiver estimates it as libsrtp does). */
static int
evp_protect(struct evp *e, uint8_t *p, int *len, uint64_t index)
{
	if (!evp_ctr(e, p, *len, index) || !evp_auth(e, p, *len, (uint32_t)(index >> 16), p + *len))
		return -1;
	*len += 10; /* the 20-byte HMAC was written into the tailroom; keep 80 bits */
	return 0;
}

static int
evp_unprotect(struct evp *e, uint8_t *p, int *len, uint64_t index)
{
	uint8_t tag[20];
	int l = *len - 10;
	if (l < HDR || !evp_auth(e, p, l, (uint32_t)(index >> 16), tag) ||
	    CRYPTO_memcmp(tag, p + l, 10) != 0 || !evp_ctr(e, p, l, index))
		return -1;
	*len = l;
	return 0;
}

/* Before timing anything: the EVP path must produce libsrtp's packets exactly. */
static void
evp_check(void)
{
	const struct input *in = &B.in[0][1];
	uint8_t buf[WSTRIDE];
	for (unsigned int i = 0; i < B.packets && i < 3; i++) {
		int len = make_rtp(buf, i, payloads[1]);
		if (evp_protect(&evp_rx, buf, &len, i) != 0 || len != in->len ||
		    memcmp(buf, in->pkts + (size_t)i * in->stride, (size_t)len) != 0) {
			fprintf(stderr, "bench_engine: EVP reference differs from libsrtp\n");
			exit(1);
		}
		if (evp_unprotect(&evp_rx, buf, &len, i) != 0 || len != HDR + (int)payloads[1]) {
			fprintf(stderr,
				"bench_engine: EVP reference cannot unprotect its own packet\n");
			exit(1);
		}
	}
}

static double
run_evp(unsigned int pl, enum op op)
{
	const struct input *in = &B.in[0][pl];
	int lens[CHUNK];
	uint64_t total = 0;
	unsigned long bad = 0;
	for (unsigned int off = 0; off < B.packets; off += CHUNK) {
		unsigned int n = B.packets - off < CHUNK ? B.packets - off : CHUNK;
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *w = B.work + (size_t)i * WSTRIDE;
			if (op == OP_PROTECT) {
				lens[i] = make_rtp(w, off + i, payloads[pl]);
			} else {
				memcpy(w, in->pkts + (size_t)(off + i) * in->stride,
				       (size_t)in->len);
				lens[i] = in->len;
			}
		}
		uint64_t t0 = now_ns();
		switch (op) {
		case OP_PROTECT:
			for (unsigned int i = 0; i < n; i++)
				bad += evp_protect(&evp_tx, B.work + (size_t)i * WSTRIDE, &lens[i],
						   off + i) != 0;
			break;
		case OP_UNPROTECT:
			for (unsigned int i = 0; i < n; i++)
				bad += evp_unprotect(&evp_rx, B.work + (size_t)i * WSTRIDE,
						     &lens[i], off + i) != 0;
			break;
		default:
			for (unsigned int i = 0; i < n; i++) {
				uint8_t *w = B.work + (size_t)i * WSTRIDE;
				bad += evp_unprotect(&evp_rx, w, &lens[i], off + i) != 0;
				bad += evp_protect(&evp_tx, w, &lens[i], off + i) != 0;
			}
			break;
		}
		total += now_ns() - t0;
	}
	if (bad) {
		fprintf(stderr, "bench_engine: %s %u: %lu failures\n", ENGINE_EVP, payloads[pl],
			bad);
		B.failures += bad;
	}
	return (double)total / B.packets;
}
#endif

/* --- driver -------------------------------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void
summarise(struct cell *c, unsigned int n)
{
	double *v = malloc(n * sizeof(*v));
	memcpy(v, c->ns, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	c->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	c->min = v[0];
	c->max = v[n - 1];
	free(v);
}

static int
wanted(unsigned int s, unsigned int pl)
{
	return (B.suite_only < 0 || B.suite_only == (int)s) &&
	       (B.payload_only < 0 || B.payload_only == (int)pl);
}

static void
cpu_model(char *out, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	snprintf(out, size, "unknown");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(out, size, "%s", colon + 2);
			out[strcspn(out, "\n")] = 0;
			break;
		}
	}
	if (f != NULL)
		fclose(f);
}

static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static int
write_json(const char *path, const char *cpu)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"bench_engine\",\n  \"env\": {\"cpu\": ");
	json_string(f, cpu);
	fprintf(f, ", \"libsrtp\": ");
	json_string(f, srtp_get_version_string());
	fprintf(f, ", \"backend\": \"%s\"", B.backend);
#ifdef ENGINE_EVP
	fprintf(f, ", \"openssl\": ");
	json_string(f, OpenSSL_version(OPENSSL_VERSION_STRING));
#endif
	fprintf(f, ", \"compiler\": ");
	json_string(f, __VERSION__);
	fprintf(f, ", \"reps\": %u, \"packets\": %u},\n  \"results\": [", B.reps, B.packets);
	const char *sep = "\n";
	for (unsigned int e = 0; e < ENG_COUNT; e++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
				for (unsigned int o = 0; o < OP_COUNT; o++) {
					const struct cell *c = &B.cells[e][s][pl][o];
					if (!c->valid)
						continue;
					fprintf(f,
						"%s    {\"engine\": \"%s\", \"suite\": \"%s\", "
						"\"payload\": %u, \"op\": \"%s\", \"ns\": %.1f, "
						"\"min\": %.1f, \"max\": %.1f}",
						sep, engine_names[e], suites[s].name, payloads[pl],
						op_names[o], c->median, c->min, c->max);
					sep = ",\n";
				}
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: bench_engine [-r reps] [-n packets] [-s suite] [-p payload] [--json FILE]\n"
		"  -r, --reps N       interleaved repetitions, medians reported (default 7)\n"
		"  -n, --packets N    packets per measurement (default 10000)\n"
		"  -s, --suite NAME   one suite only (RFC 4568 name)\n"
		"  -p, --payload N    one RTP payload size only (80, 160 or 1200)\n"
		"      --json FILE    also write the results as JSON\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {{"reps", required_argument, NULL, 'r'},
						 {"packets", required_argument, NULL, 'n'},
						 {"suite", required_argument, NULL, 's'},
						 {"payload", required_argument, NULL, 'p'},
						 {"json", required_argument, NULL, 'j'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	int c;
	B.reps = 7;
	B.packets = 10000;
	B.suite_only = B.payload_only = -1;
	while ((c = getopt_long(argc, argv, "r:n:s:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			B.reps = (unsigned int)atoi(optarg);
			break;
		case 'n':
			B.packets = (unsigned int)atoi(optarg);
			break;
		case 's':
			for (unsigned int s = 0; s < NSUITES; s++)
				if (strcmp(optarg, suites[s].name) == 0)
					B.suite_only = (int)s;
			if (B.suite_only < 0) {
				fprintf(stderr, "bench_engine: unknown suite %s\n", optarg);
				return 2;
			}
			break;
		case 'p':
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
				if ((unsigned int)atoi(optarg) == payloads[pl])
					B.payload_only = (int)pl;
			if (B.payload_only < 0) {
				fprintf(stderr, "bench_engine: payload must be 80, 160 or 1200\n");
				return 2;
			}
			break;
		case 'j':
			B.json = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind != argc || B.reps == 0 || B.reps > 1000 || B.packets == 0 ||
	    B.packets > 1000000) {
		usage();
		return 2;
	}

	srtp_setup();
	for (unsigned int s = 0; s < NSUITES; s++)
		for (unsigned int k = 0; k < 46; k++) {
			B.rx_key[s][k] = rand8();
			B.tx_key[s][k] = rand8();
		}
	B.work = aligned_alloc(64, (size_t)CHUNK * WSTRIDE);
	for (unsigned int s = 0; s < NSUITES; s++)
		for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
			if (wanted(s, pl) || (s == 0 && pl == 1)) /* [0][1] feeds evp_check */
				make_input(s, pl);
	for (unsigned int e = 0; e < ENG_COUNT; e++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
				for (unsigned int o = 0; o < OP_COUNT; o++)
					B.cells[e][s][pl][o].ns = calloc(B.reps, sizeof(double));
#ifdef ENGINE_EVP
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (hmac == NULL) {
		fprintf(stderr, "bench_engine: no HMAC in OpenSSL\n");
		return 1;
	}
	evp_init(&evp_rx, B.rx_key[0]);
	evp_init(&evp_tx, B.tx_key[0]);
	evp_check();
#endif

	uint64_t t_start = now_ns();
	for (unsigned int r = 0; r < B.reps; r++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++) {
				if (!wanted(s, pl))
					continue;
				for (unsigned int o = 0; o < OP_COUNT; o++) {
					B.cells[ENG_SRTP][s][pl][o].ns[r] =
						run_srtp(s, pl, (enum op)o);
					B.cells[ENG_SRTP][s][pl][o].valid = 1;
#ifdef ENGINE_EVP
					if (s == 0) {
						B.cells[ENG_EVP][s][pl][o].ns[r] =
							run_evp(pl, (enum op)o);
						B.cells[ENG_EVP][s][pl][o].valid = 1;
					}
#endif
				}
			}
	double wall = (double)(now_ns() - t_start) / 1e9;
	for (unsigned int e = 0; e < ENG_COUNT; e++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
				for (unsigned int o = 0; o < OP_COUNT; o++)
					if (B.cells[e][s][pl][o].valid)
						summarise(&B.cells[e][s][pl][o], B.reps);

	char cpu[128];
	cpu_model(cpu, sizeof(cpu));
	printf("SRTP engines, ns/packet: median of %u interleaved repetitions x %u packets, one "
	       "core\n",
	       B.reps, B.packets);
	printf("  %s on %s", srtp_get_version_string(), B.backend);
#ifdef ENGINE_EVP
	printf(" (%s)", OpenSSL_version(OPENSSL_VERSION_STRING));
#endif
	printf("; %s; %.1f s\n", cpu, wall);
	printf("  %-17s %-24s %7s %9s %9s %9s %9s\n", "engine", "suite", "payload", "protect",
	       "unprotect", "unp+prot", "spread");
	for (unsigned int e = 0; e < ENG_COUNT; e++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++) {
				const struct cell *cl = B.cells[e][s][pl];
				if (!cl[0].valid)
					continue;
				/* spread: widest (max - min) / median of the three ops */
				double spread = 0;
				for (unsigned int o = 0; o < OP_COUNT; o++) {
					double sp = (cl[o].max - cl[o].min) / cl[o].median;
					spread = sp > spread ? sp : spread;
				}
				printf("  %-17s %-24s %7u %9.1f %9.1f %9.1f %8.0f%%\n",
				       engine_names[e], suites[s].name, payloads[pl],
				       cl[OP_PROTECT].median, cl[OP_UNPROTECT].median,
				       cl[OP_BOTH].median, spread * 100);
			}
#ifdef ENGINE_EVP
	if (wanted(0, 0) || wanted(0, 1) || wanted(0, 2)) {
		printf("  libsrtp2 / bare EVP (%s):\n", suites[0].name);
		for (unsigned int pl = 0; pl < NPAYLOADS; pl++) {
			const struct cell *a = B.cells[ENG_SRTP][0][pl],
					  *b = B.cells[ENG_EVP][0][pl];
			if (!a[0].valid)
				continue;
			printf("  %-17s %-24s %7u %8.2fx %8.2fx %8.2fx\n", "", "", payloads[pl],
			       a[0].median / b[0].median, a[1].median / b[1].median,
			       a[2].median / b[2].median);
		}
	}
#endif
	for (unsigned int e = 0; e < ENG_COUNT; e++)
		for (unsigned int s = 0; s < NSUITES; s++)
			for (unsigned int pl = 0; pl < NPAYLOADS; pl++)
				for (unsigned int o = 0; o < OP_COUNT; o++)
					if (B.cells[e][s][pl][o].valid)
						printf("csv,bench_engine,%s,%s,%u,%s,%.1f\n",
						       engine_names[e], suites[s].name,
						       payloads[pl], op_names[o],
						       B.cells[e][s][pl][o].median);
	if (B.json != NULL && write_json(B.json, cpu) != 0)
		return 1;
#ifdef ENGINE_EVP
	evp_free(&evp_rx);
	evp_free(&evp_tx);
	EVP_MAC_free(hmac);
#endif
	srtp_shutdown();
	if (B.failures) {
		fprintf(stderr, "bench_engine: %lu packets failed\n", B.failures);
		return 1;
	}
	return 0;
}
