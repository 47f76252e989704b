/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application settings (control/config.c): defaults, every option's refusals (each with a
 * message naming it), the INI file through rte_cfgfile, --config before the other options
 * wherever it stands, and the cross-field checks. No EAL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "mrfp_config.h"

#define ERRLEN 256

/* ---- helpers ----------------------------------------------------------------------------- */

static int
parse_argv(struct mrfp_config *cfg, char *err, const char *const *args)
{
	char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"mrfpd";
	for (; *args != NULL; args++) {
		assert_true(argc < 63);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	return mrfp_config_parse_args(cfg, argc, argv, err, ERRLEN);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Defaults, then the arguments. */
static int
parse(struct mrfp_config *cfg, char *err, const char *const *args)
{
	mrfp_config_defaults(cfg);
	return parse_argv(cfg, err, args);
}

/* Refused with a message that names what was wrong. */
#define refused(opt, value, word)                                                                  \
	do {                                                                                       \
		struct mrfp_config c_;                                                             \
		char e_[ERRLEN];                                                                   \
		int rc_ = parse(&c_, e_, ARGS(opt, value));                                        \
		if (rc_ != -EINVAL)                                                                \
			fail_msg("%s %s: rc %d, want -EINVAL", opt, value, rc_);                   \
		if (strstr(e_, word) == NULL)                                                      \
			fail_msg("%s %s: message \"%s\" lacks \"%s\"", opt, value, e_, word);      \
	} while (0)

static char *
write_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/mrfp_unit_cfg_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static void
v4(uint32_t *out, const char *text)
{
	assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

/* ---- defaults ---------------------------------------------------------------------------- */

static void
test_defaults(void **state)
{
	(void)state;
	struct mrfp_config c;
	memset(&c, 0x5a, sizeof(c));
	mrfp_config_defaults(&c);
	assert_int_equal(c.port_min, 40000);
	assert_int_equal(c.port_max, 49999);
	assert_int_equal(c.vlan, 0);
	assert_int_equal(c.mtu, 1500);
	assert_int_equal(c.eth_port, 0);
	assert_int_equal(c.workers, 0);
	assert_int_equal(c.mbufs_per_socket, 16383);
	assert_int_equal(c.max_conferences, 4096);
	assert_int_equal(c.max_legs, 16384);
	assert_int_equal(c.max_legs_per_conf, 256);
	assert_false(c.lab_feed);
	assert_int_equal(c.media4.family, 0);
	assert_int_equal(c.media6.family, 0);
	assert_int_equal(c.gateway4.family, 0);
	assert_int_equal(c.gateway6.family, 0);
	assert_int_equal(c.n_neigh, 0);
	assert_string_equal(c.config_file, "");
	/* the only thing a default cannot know is the media address */
	char err[ERRLEN] = "";
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "media"));
	assert_int_equal(parse(&c, err, ARGS("--media-ip", "10.0.0.1/24")), 0);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), 0);
}

/* ---- good values ------------------------------------------------------------------------- */

static void
test_good_options(void **state)
{
	(void)state;
	struct mrfp_config c;
	char err[ERRLEN];
	uint32_t ip;
	assert_int_equal(
		parse(&c, err,
		      ARGS("--media-ip", "10.0.0.1/24", "--media-ip6=2001:db8::1/64", "--gateway",
			   "10.0.0.254", "--gateway6", "2001:db8::fe", "--ports", "20000-20099",
			   "--vlan", "4094", "--mtu", "9000", "--port", "3", "--workers", "4",
			   "--mbufs", "1023", "--max-conferences", "10", "--max-legs", "20",
			   "--max-legs-per-conf", "5", "--neighbor", "10.0.0.2=02:00:00:00:00:02",
			   "--neighbor", "2001:db8::2=02:00:00:00:00:03", "--legs-from-stdin")),
		0);
	assert_int_equal(c.media4.family, AF_INET);
	v4(&ip, "10.0.0.1");
	assert_int_equal(c.media4.v4, ip);
	assert_int_equal(c.media4.port, 0);
	assert_int_equal(c.media4_prefix, 24);
	assert_int_equal(c.media6.family, AF_INET6);
	assert_int_equal(c.media6.v6[0], 0x20);
	assert_int_equal(c.media6.v6[15], 1);
	assert_int_equal(c.media6_prefix, 64);
	v4(&ip, "10.0.0.254");
	assert_int_equal(c.gateway4.family, AF_INET);
	assert_int_equal(c.gateway4.v4, ip);
	assert_int_equal(c.gateway6.family, AF_INET6);
	assert_int_equal(c.gateway6.v6[15], 0xfe);
	assert_int_equal(c.port_min, 20000);
	assert_int_equal(c.port_max, 20099);
	assert_int_equal(c.vlan, 4094);
	assert_int_equal(c.mtu, 9000);
	assert_int_equal(c.eth_port, 3);
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.mbufs_per_socket, 1023);
	assert_int_equal(c.max_conferences, 10);
	assert_int_equal(c.max_legs, 20);
	assert_int_equal(c.max_legs_per_conf, 5);
	assert_int_equal(c.n_neigh, 2);
	v4(&ip, "10.0.0.2");
	assert_int_equal(c.neigh[0].ip.family, AF_INET);
	assert_int_equal(c.neigh[0].ip.v4, ip);
	assert_memory_equal(c.neigh[0].mac, ((const uint8_t[]){2, 0, 0, 0, 0, 2}), 6);
	assert_int_equal(c.neigh[1].ip.family, AF_INET6);
	assert_memory_equal(c.neigh[1].mac, ((const uint8_t[]){2, 0, 0, 0, 0, 3}), 6);
	assert_true(c.lab_feed);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), 0);

	/* a media address without a prefix is a host route (/32, /128) */
	assert_int_equal(parse(&c, err, ARGS("--media-ip", "10.0.0.1", "--media-ip6", "::1")), 0);
	assert_int_equal(c.media4_prefix, 32);
	assert_int_equal(c.media6_prefix, 128);
	/* lab feed: explicit values */
	assert_int_equal(parse(&c, err, ARGS("--legs-from-stdin=yes", "--legs-from-stdin=no")), 0);
	assert_false(c.lab_feed);
	assert_int_equal(parse(&c, err, ARGS("--legs-from-stdin=TRUE")), 0);
	assert_true(c.lab_feed);
	/* the last value of an option wins */
	assert_int_equal(parse(&c, err, ARGS("--vlan", "5", "--vlan", "6")), 0);
	assert_int_equal(c.vlan, 6);
	/* boundaries */
	assert_int_equal(parse(&c, err, ARGS("--ports", "1024-1025", "--mtu", "576")), 0);
	assert_int_equal(c.port_min, 1024);
	assert_int_equal(c.port_max, 1025);
	assert_int_equal(c.mtu, 576);
	assert_int_equal(parse(&c, err, ARGS("--ports", "65534-65535", "--workers", "64")), 0);
	assert_int_equal(c.port_min, 65534);
	assert_int_equal(c.port_max, 65535);
	assert_int_equal(c.workers, MRFP_MAX_WORKERS);
}

/* IPsec-guard and engine settings: defaults are the secure ones. */
static void
test_security_options(void **state)
{
	(void)state;
	struct mrfp_config c;
	char err[128];
	assert_int_equal(parse(&c, err, ARGS("--media-ip", "10.0.0.1/24")), 0);
	assert_false(c.insecure_lab);
	assert_int_equal(c.lab_prefix.family, 0);
	assert_string_equal(c.mp_interface, "");
	assert_string_equal(c.vici_socket, "/var/run/charon.vici");
	assert_int_equal(c.srtp_engine, MRFP_ENGINE_AUTO);
	assert_int_equal(
		parse(&c, err,
		      ARGS("--insecure-lab", "yes", "--lab-prefix", "10.9.0.0/16", "--mp-interface",
			   "ipsec0", "--mgc-identity", "mrfc.example", "--srtp-engine", "burst")),
		0);
	assert_true(c.insecure_lab);
	assert_int_equal(c.lab_prefix.family, AF_INET);
	assert_int_equal(c.lab_prefix_len, 16);
	assert_string_equal(c.mp_interface, "ipsec0");
	assert_string_equal(c.mgc_identity, "mrfc.example");
	assert_int_equal(c.srtp_engine, MRFP_ENGINE_BURST);
	/* the burst engine's former name still selects it */
	assert_int_equal(
		parse(&c, err, ARGS("--media-ip", "10.0.0.1/24", "--srtp-engine", "cryptodev")), 0);
	assert_int_equal(c.srtp_engine, MRFP_ENGINE_BURST);
	assert_int_equal(
		parse(&c, err, ARGS("--lab-prefix", "fd00::/8", "--srtp-engine", "libsrtp")), 0);
	assert_int_equal(c.lab_prefix.family, AF_INET6);
	assert_int_equal(c.srtp_engine, MRFP_ENGINE_LIBSRTP);
	refused("--insecure-lab", "maybe", "insecure-lab");
	refused("--lab-prefix", "10.0.0.1", "lab-prefix");
	refused("--lab-prefix", "10.0.0.0/33", "lab-prefix");
	refused("--mp-interface", "a-very-long-interface-name", "mp-interface");
	refused("--mp-interface", "ip/sec", "mp-interface");
	refused("--srtp-engine", "nss", "srtp-engine");
}

/* ---- bad values: every option ------------------------------------------------------------ */

static void
test_bad_ports(void **state)
{
	(void)state;
	refused("--ports", "40001-49999", "ports"); /* odd first port: RTP lives on even ports */
	refused("--ports", "40000", "ports");
	refused("--ports", "1000-2000", "ports");
	refused("--ports", "40000-40000", "ports");
	refused("--ports", "50000-40000", "ports");
	refused("--ports", "40000-65536", "ports");
	refused("--ports", "a-b", "ports");
	refused("--ports", "40000-", "ports");
	refused("--ports", "-40000", "ports");
	refused("--ports", "", "ports");
	refused("--ports", "40000-49999x", "ports");
}

static void
test_bad_numbers(void **state)
{
	(void)state;
	refused("--vlan", "5000", "vlan");
	refused("--vlan", "4095", "vlan");
	refused("--vlan", "-1", "vlan");
	refused("--vlan", "abc", "vlan");
	refused("--vlan", "", "vlan");
	refused("--vlan", "10x", "vlan");
	refused("--mtu", "575", "mtu");
	refused("--mtu", "9001", "mtu");
	refused("--port", "1024", "port");
	refused("--workers", "65", "workers");
	refused("--workers", "-1", "workers");
	refused("--mbufs", "1022", "mbufs");
	refused("--mbufs", "16777216", "mbufs");
	refused("--max-conferences", "0", "max-conferences");
	refused("--max-legs", "1", "max-legs");
	refused("--max-legs-per-conf", "1", "max-legs-per-conf");
	refused("--max-legs-per-conf", "10001", "max-legs-per-conf");
	refused("--max-legs", "99999999999999999999999", "max-legs"); /* overflow */
	refused("--legs-from-stdin=maybe", "--vlan=1", "legs-from-stdin");
}

/* Numbers are decimal: "--vlan 010" is VLAN 10 (or refused), never octal 8. */
static void
test_numbers_are_decimal(void **state)
{
	(void)state;
	struct mrfp_config c;
	char err[ERRLEN];
	int rc = parse(&c, err, ARGS("--vlan", "010"));
	if (rc == 0)
		assert_int_equal(c.vlan, 10);
	rc = parse(&c, err, ARGS("--ports", "040000-049999"));
	if (rc == 0)
		assert_int_equal(c.port_min, 40000);
}

static void
test_bad_addresses(void **state)
{
	(void)state;
	refused("--media-ip", "10.0.0.256", "media-ip");
	refused("--media-ip", "10.0.0.1/33", "media-ip");
	refused("--media-ip", "10.0.0.1/0", "media-ip");
	refused("--media-ip", "10.0.0.1/", "media-ip");
	refused("--media-ip", "10.0.0.1/24x", "media-ip");
	refused("--media-ip", "2001:db8::1", "media-ip");   /* wrong family */
	refused("--media-ip", "10.0.0.1:5000", "media-ip"); /* no port on a media address */
	refused("--media-ip", "media", "media-ip");
	refused("--media-ip6", "10.0.0.1", "media-ip6");
	refused("--media-ip6", "2001:db8::1/129", "media-ip6");
	refused("--media-ip6", "[2001:db8::1]:5", "media-ip6");
	refused("--gateway", "2001:db8::1", "gateway");
	refused("--gateway", "10.0.0.1:80", "gateway");
	refused("--gateway", "10.0.0.1/24", "gateway");
	refused("--gateway", "router", "gateway");
	refused("--gateway6", "10.0.0.1", "gateway6");
}

static void
test_bad_neighbors(void **state)
{
	(void)state;
	refused("--neighbor", "10.0.0.2", "neighbor");
	refused("--neighbor", "10.0.0.2=zz:00:00:00:00:02", "MAC");
	refused("--neighbor", "10.0.0.2=02:00:00:00:00", "MAC");
	refused("--neighbor", "10.0.0.2=", "MAC");
	refused("--neighbor", "host=02:00:00:00:00:02", "neighbor");
	refused("--neighbor", "10.0.0.2:80=02:00:00:00:00:02", "neighbor");
	refused("--neighbor", "=02:00:00:00:00:02", "neighbor");
	/* at most MRFP_MAX_STATIC_NEIGH */
	struct mrfp_config c;
	char err[ERRLEN], vals[MRFP_MAX_STATIC_NEIGH + 1][40];
	const char *args[2 * (MRFP_MAX_STATIC_NEIGH + 1) + 1];
	for (int i = 0; i <= MRFP_MAX_STATIC_NEIGH; i++) {
		snprintf(vals[i], sizeof(vals[i]), "10.0.1.%d=02:00:00:00:01:%02x", i + 1, i + 1);
		args[2 * i] = "--neighbor";
		args[2 * i + 1] = vals[i];
	}
	args[2 * MRFP_MAX_STATIC_NEIGH] = NULL;
	assert_int_equal(parse(&c, err, args), 0);
	assert_int_equal(c.n_neigh, MRFP_MAX_STATIC_NEIGH);
	args[2 * MRFP_MAX_STATIC_NEIGH] = "--neighbor";
	args[2 * MRFP_MAX_STATIC_NEIGH + 1] = vals[MRFP_MAX_STATIC_NEIGH];
	args[2 * MRFP_MAX_STATIC_NEIGH + 2] = NULL;
	assert_int_equal(parse(&c, err, args), -EINVAL);
	assert_non_null(strstr(err, "too many"));
	assert_int_equal(c.n_neigh, MRFP_MAX_STATIC_NEIGH);
}

static void
test_bad_command_line(void **state)
{
	(void)state;
	struct mrfp_config c;
	char err[ERRLEN];
	assert_int_equal(parse(&c, err, ARGS("--no-such-option", "1")), -EINVAL);
	assert_non_null(strstr(err, "no-such-option"));
	assert_int_equal(parse(&c, err, ARGS("--vlan")), -EINVAL); /* missing value */
	assert_true(strlen(err) > 0);
	assert_int_equal(parse(&c, err, ARGS("--vlan", "5", "stray")), -EINVAL);
	assert_non_null(strstr(err, "stray"));
	assert_int_equal(parse(&c, err, ARGS("-v")), -EINVAL);
	assert_int_equal(parse(&c, err, ARGS("--config")), -EINVAL);
	assert_non_null(strstr(err, "config"));
	/* and a good parse after the bad ones is not disturbed by getopt's leftovers */
	assert_int_equal(parse(&c, err, ARGS("--vlan", "7")), 0);
	assert_int_equal(c.vlan, 7);
}

/* ---- INI file ---------------------------------------------------------------------------- */

static void
test_file_all_sections(void **state)
{
	(void)state;
	char *path = write_file("; mrfpd settings\n"
				"[media]\n"
				"media-ip = 192.0.2.10/24\n"
				"media-ip6 = 2001:db8::10/64\n"
				"gateway = 192.0.2.1\n"
				"ports = 30000-30999\n"
				"vlan = 12\n"
				"mtu = 1400\n"
				"[dataplane]\n"
				"port = 1\n"
				"workers = 2\n"
				"mbufs = 8191\n"
				"[limits]\n"
				"max-conferences = 100\n"
				"max-legs = 400\n"
				"max-legs-per-conf = 40\n"
				"[lab]\n"
				"legs-from-stdin = yes\n"
				"[neighbors]\n"
				"192.0.2.1 = 02:00:00:00:00:01\n"
				"192.0.2.20 = 02:00:00:00:00:14\n");
	struct mrfp_config c;
	char err[ERRLEN] = "";
	mrfp_config_defaults(&c);
	int rc = mrfp_config_load_file(&c, path, err, sizeof(err));
	if (rc != 0)
		fail_msg("load: %d %s", rc, err);
	uint32_t ip;
	v4(&ip, "192.0.2.10");
	assert_int_equal(c.media4.v4, ip);
	assert_int_equal(c.media4_prefix, 24);
	assert_int_equal(c.media6.family, AF_INET6);
	assert_int_equal(c.media6_prefix, 64);
	assert_int_equal(c.gateway4.family, AF_INET);
	assert_int_equal(c.port_min, 30000);
	assert_int_equal(c.port_max, 30999);
	assert_int_equal(c.vlan, 12);
	assert_int_equal(c.mtu, 1400);
	assert_int_equal(c.eth_port, 1);
	assert_int_equal(c.workers, 2);
	assert_int_equal(c.mbufs_per_socket, 8191);
	assert_int_equal(c.max_conferences, 100);
	assert_int_equal(c.max_legs, 400);
	assert_int_equal(c.max_legs_per_conf, 40);
	assert_true(c.lab_feed);
	assert_int_equal(c.n_neigh, 2);
	v4(&ip, "192.0.2.20");
	assert_int_equal(c.neigh[1].ip.v4, ip);
	assert_int_equal(c.neigh[1].mac[5], 0x14);
	assert_string_equal(c.config_file, path);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), 0);
	unlink(path);
}

static void
file_refused(const char *text, int want, const char *word)
{
	char *path = write_file(text);
	struct mrfp_config c;
	char err[ERRLEN] = "";
	mrfp_config_defaults(&c);
	int rc = mrfp_config_load_file(&c, path, err, sizeof(err));
	unlink(path);
	if (rc != want)
		fail_msg("rc %d, want %d, for:\n%s", rc, want, text);
	if (strstr(err, word) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err, word);
	assert_string_equal(c.config_file, ""); /* a refused file is not recorded as the source */
}

static void
test_file_refusals(void **state)
{
	(void)state;
	file_refused("[media]\nvlan = 1\n[mystery]\nx = 1\n", -EINVAL, "mystery");
	file_refused("[media]\nfoo = 1\n", -EINVAL, "foo");
	file_refused("[limits]\nvlan = 5\n", -EINVAL, "vlan"); /* a key in the wrong section */
	file_refused("[media]\nvlan = 5000\n", -EINVAL, "vlan");
	file_refused("[media]\nports = 40001-40100\n", -EINVAL, "ports");
	file_refused("[neighbors]\n10.0.0.2 = nonsense\n", -EINVAL, "MAC");
	file_refused("[neighbors]\nnonsense = 02:00:00:00:00:02\n", -EINVAL, "neighbor");
	/* unreadable or not INI at all */
	struct mrfp_config c;
	char err[ERRLEN] = "";
	mrfp_config_defaults(&c);
	assert_int_equal(mrfp_config_load_file(&c, "/nonexistent/mrfp.ini", err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/mrfp.ini"));
}

/* However many sections the file has, an unknown one is refused. */
static void
test_file_many_sections(void **state)
{
	(void)state;
	char text[2048] = "";
	for (int i = 0; i < 16; i++)
		strcat(text, "[lab]\nlegs-from-stdin = no\n");
	strcat(text, "[bogus]\nx = 1\n");
	file_refused(text, -EINVAL, "bogus");
}

/* --config first, then the other options override it, wherever --config appears. */
static void
test_config_first(void **state)
{
	(void)state;
	char *path = write_file("[media]\nvlan = 7\nmtu = 1400\nmedia-ip = 10.9.0.1/16\n");
	char eq[128];
	snprintf(eq, sizeof(eq), "--config=%s", path);
	struct mrfp_config c;
	char err[ERRLEN];
	/* after the option it must not override */
	assert_int_equal(parse(&c, err, ARGS("--vlan", "9", "--config", path)), 0);
	assert_int_equal(c.vlan, 9);
	assert_int_equal(c.mtu, 1400);
	assert_int_equal(c.media4_prefix, 16);
	assert_string_equal(c.config_file, path);
	/* before it, likewise */
	assert_int_equal(parse(&c, err, ARGS("--config", path, "--vlan", "9")), 0);
	assert_int_equal(c.vlan, 9);
	assert_int_equal(c.mtu, 1400);
	/* the --config=FILE form */
	assert_int_equal(parse(&c, err, ARGS("--mtu", "1280", eq)), 0);
	assert_int_equal(c.vlan, 7);
	assert_int_equal(c.mtu, 1280);
	/* only the file */
	assert_int_equal(parse(&c, err, ARGS(eq)), 0);
	assert_int_equal(c.vlan, 7);
	assert_int_equal(c.mtu, 1400);
	/* a bad file stops everything */
	assert_int_equal(parse(&c, err, ARGS("--vlan", "9", "--config", "/nonexistent/x.ini")),
			 -ENOENT);
	unlink(path);
}

/* ---- cross-field checks ------------------------------------------------------------------ */

static void
validate_refused(const char *const *args, const char *word)
{
	struct mrfp_config c;
	char err[ERRLEN] = "";
	assert_int_equal(parse(&c, err, args), 0);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), -EINVAL);
	if (strstr(err, word) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err, word);
}

static void
test_validate(void **state)
{
	(void)state;
	validate_refused(ARGS("--vlan", "1"), "media");
	validate_refused(ARGS("--media-ip6", "2001:db8::1/64", "--gateway", "10.0.0.1"), "gateway");
	validate_refused(ARGS("--media-ip", "10.0.0.1/24", "--gateway6", "2001:db8::1"),
			 "gateway6");
	validate_refused(
		ARGS("--media-ip", "10.0.0.1/24", "--max-legs", "10", "--max-legs-per-conf", "11"),
		"max-legs-per-conf");
	struct mrfp_config c;
	char err[ERRLEN];
	assert_int_equal(parse(&c, err, ARGS("--media-ip6", "2001:db8::1/64")), 0);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), 0); /* IPv6 only is fine */
	assert_int_equal(parse(&c, err,
			       ARGS("--media-ip", "10.0.0.1/24", "--max-legs", "10",
				    "--max-legs-per-conf", "10")),
			 0);
	assert_int_equal(mrfp_config_validate(&c, err, sizeof(err)), 0);
}

static void
test_help(void **state)
{
	(void)state;
	struct mrfp_config c;
	char err[ERRLEN];
	assert_int_equal(parse(&c, err, ARGS("--help")), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_options),
		cmocka_unit_test(test_bad_ports),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_numbers_are_decimal),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_bad_neighbors),
		cmocka_unit_test(test_bad_command_line),
		cmocka_unit_test(test_file_all_sections),
		cmocka_unit_test(test_file_refusals),
		cmocka_unit_test(test_file_many_sections),
		cmocka_unit_test(test_config_first),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_security_options),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
