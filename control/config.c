/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application options. One table defines every option: its command-line name, its place in
 * the INI file, its default and the function that validates and stores it. Defaults go
 * through the same functions, so a default can never be a value the parser would refuse.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <rte_cfgfile.h>
#include <rte_ether.h>

#include "ipsec_guard.h"
#include "mrfp_config.h"

typedef int (*opt_set_fn)(struct mrfp_config *cfg, const char *v, char *err, size_t errlen);

struct opt {
	const char *name;    /* --name and INI key */
	const char *section; /* INI section */
	const char *def;     /* default, NULL = unset */
	opt_set_fn set;
	const char *help;
};

static int
parse_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(v, &end, 10); /* decimal only: "010" is ten, not eight */
	if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static int
fail(char *err, size_t errlen, const char *what, const char *v)
{
	snprintf(err, errlen, "invalid %s: '%s'", what, v);
	return -EINVAL;
}

/* "addr/prefix" for a media address of the given family. */
static int
set_prefixed(struct mrfp_addr *a, uint8_t *prefix, uint8_t family, const char *v)
{
	char buf[64];
	unsigned long len = family == AF_INET ? 32 : 128;
	if (*v == '\0') {
		memset(a, 0, sizeof(*a));
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	char *slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_uint(slash + 1, 1, family == AF_INET ? 32 : 128, &len) < 0)
			return -EINVAL;
	}
	if (mrfp_addr_parse(buf, a) < 0 || a->family != family || a->port != 0)
		return -EINVAL;
	*prefix = (uint8_t)len;
	return 0;
}

static int
set_media4(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return set_prefixed(&c->media4, &c->media4_prefix, AF_INET, v) ? fail(err, n, "media-ip", v)
								       : 0;
}

static int
set_media6(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return set_prefixed(&c->media6, &c->media6_prefix, AF_INET6, v)
		       ? fail(err, n, "media-ip6", v)
		       : 0;
}

static int
set_gateway(struct mrfp_addr *gw, uint8_t family, const char *v)
{
	memset(gw, 0, sizeof(*gw));
	if (*v == '\0')
		return 0;
	return mrfp_addr_parse(v, gw) < 0 || gw->family != family || gw->port != 0 ? -EINVAL : 0;
}

static int
set_gw4(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return set_gateway(&c->gateway4, AF_INET, v) ? fail(err, n, "gateway", v) : 0;
}

static int
set_gw6(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return set_gateway(&c->gateway6, AF_INET6, v) ? fail(err, n, "gateway6", v) : 0;
}

static int
set_ports(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	char buf[32];
	unsigned long lo, hi;
	snprintf(buf, sizeof(buf), "%s", v);
	char *dash = strchr(buf, '-');
	if (dash == NULL)
		return fail(err, n, "ports (want MIN-MAX)", v);
	*dash = '\0';
	if (parse_uint(buf, 1024, 65534, &lo) < 0 || parse_uint(dash + 1, 1025, 65535, &hi) < 0 ||
	    lo % 2 != 0 || hi <= lo)
		return fail(err, n, "ports (even MIN-MAX, 1024..65535)", v);
	c->port_min = (uint16_t)lo;
	c->port_max = (uint16_t)hi;
	return 0;
}

#define UINT_SETTER(fn, field, lo, hi, what)                                                       \
	static int fn(struct mrfp_config *c, const char *v, char *err, size_t n)                   \
	{                                                                                          \
		unsigned long x;                                                                   \
		if (parse_uint(v, lo, hi, &x) < 0)                                                 \
			return fail(err, n, what, v);                                              \
		c->field = (__typeof__(c->field))x;                                                \
		return 0;                                                                          \
	}

UINT_SETTER(set_vlan, vlan, 0, 4094, "vlan")
UINT_SETTER(set_mtu, mtu, 576, 9000, "mtu")
UINT_SETTER(set_eth_port, eth_port, 0, 1023, "port")
UINT_SETTER(set_workers, workers, 0, MRFP_MAX_WORKERS, "workers")
UINT_SETTER(set_max_confs, max_conferences, 1, 1000000, "max-conferences")
UINT_SETTER(set_max_legs, max_legs, 2, 1000000, "max-legs")
UINT_SETTER(set_max_legs_conf, max_legs_per_conf, 2, 10000, "max-legs-per-conf")
UINT_SETTER(set_max_legs_worker, max_legs_per_worker, 0, 1000000, "max-legs-per-worker")
UINT_SETTER(set_max_pps_worker, max_pps_per_worker, 0, 100000000, "max-pps-per-worker")
UINT_SETTER(set_mbufs, mbufs_per_socket, 1023, 16777215, "mbufs")
UINT_SETTER(set_rtcp_interval, rtcp_interval_ms, 100, 600000, "rtcp-interval")
UINT_SETTER(set_leg_inactivity, leg_inactivity_ms, 0, 3600000, "leg-inactivity")

static int
set_mp_address(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	if (mrfp_addr_parse(v, &c->mp_address) < 0 || c->mp_address.port != 0)
		return fail(err, n, "mp-address", v);
	return 0;
}

UINT_SETTER(set_mp_port, mp_port, 1, 65535, "mp-port")
UINT_SETTER(set_mgc_timeout, mgc_timeout_ms, 0, 3600000, "mgc-timeout")
UINT_SETTER(set_drain, drain_ms, 0, 86400000, "drain-timeout")

static int
set_mgc(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	memset(&c->mgc, 0, sizeof(c->mgc));
	c->mgc_text[0] = '\0';
	if (*v == '\0')
		return 0;
	if (mrfp_addr_parse(v, &c->mgc) < 0 || c->mgc.port == 0)
		return fail(err, n, "mgc (want IP:PORT)", v);
	snprintf(c->mgc_text, sizeof(c->mgc_text), "%s", v);
	return 0;
}

static int
parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int
set_lab_feed(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return parse_bool(v, &c->lab_feed) < 0 ? fail(err, n, "legs-from-stdin (yes/no)", v) : 0;
}

static int
set_insecure_lab(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	return parse_bool(v, &c->insecure_lab) < 0 ? fail(err, n, "insecure-lab (yes/no)", v) : 0;
}

/* "addr/prefix" of either family, or "" for none. */
static int
set_lab_prefix(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	uint8_t family = strchr(v, ':') != NULL ? AF_INET6 : AF_INET;
	if (*v != '\0' && strchr(v, '/') == NULL)
		return fail(err, n, "lab-prefix (want ADDR/LEN)", v);
	return set_prefixed(&c->lab_prefix, &c->lab_prefix_len, family, v)
		       ? fail(err, n, "lab-prefix", v)
		       : 0;
}

/* ADDR:PORT ([v6]:PORT) of the metrics and health endpoint, or "" for none. */
static int
set_metrics_listen(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	memset(&c->metrics_listen, 0, sizeof(c->metrics_listen));
	if (*v != '\0' &&
	    (mrfp_addr_parse(v, &c->metrics_listen) < 0 || c->metrics_listen.port == 0))
		return fail(err, n, "metrics-listen (want ADDR:PORT)", v);
	return 0;
}

/* A network interface name as the kernel accepts it (IFNAMSIZ 16, no '/' or blanks). */
static int
set_mp_interface(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	if (strlen(v) >= sizeof(c->mp_interface) || strpbrk(v, "/ \t") != NULL)
		return fail(err, n, "mp-interface", v);
	snprintf(c->mp_interface, sizeof(c->mp_interface), "%s", v);
	return 0;
}

static int
set_vici_socket(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	if (strlen(v) >= sizeof(c->vici_socket))
		return fail(err, n, "vici-socket (path too long)", v);
	snprintf(c->vici_socket, sizeof(c->vici_socket), "%s", v);
	return 0;
}

static int
set_mgc_identity(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	if (strlen(v) >= sizeof(c->mgc_identity))
		return fail(err, n, "mgc-identity (too long)", v);
	snprintf(c->mgc_identity, sizeof(c->mgc_identity), "%s", v);
	return 0;
}

static int
set_srtp_engine(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	if (strcmp(v, "libsrtp") == 0)
		c->srtp_engine = MRFP_ENGINE_LIBSRTP;
	else if (strcmp(v, "burst") == 0 || strcmp(v, "cryptodev") == 0) /* its former name */
		c->srtp_engine = MRFP_ENGINE_BURST;
	else if (strcmp(v, "auto") == 0)
		c->srtp_engine = MRFP_ENGINE_AUTO;
	else
		return fail(err, n, "srtp-engine (auto, burst or libsrtp)", v);
	return 0;
}

/* "IP=MAC" (command line) or INI key IP, value MAC. */
static int
add_neighbor(struct mrfp_config *c, const char *ip, const char *mac, char *err, size_t n)
{
	struct mrfp_static_neigh *e = &c->neigh[c->n_neigh];
	struct rte_ether_addr ea;
	if (c->n_neigh >= MRFP_MAX_STATIC_NEIGH)
		return fail(err, n, "neighbor (too many)", ip);
	if (mrfp_addr_parse(ip, &e->ip) < 0 || e->ip.port != 0)
		return fail(err, n, "neighbor address", ip);
	if (rte_ether_unformat_addr(mac, &ea) < 0)
		return fail(err, n, "neighbor MAC", mac);
	memcpy(e->mac, ea.addr_bytes, 6);
	c->n_neigh++;
	return 0;
}

static int
set_neighbor(struct mrfp_config *c, const char *v, char *err, size_t n)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", v);
	char *eq = strchr(buf, '=');
	if (eq == NULL)
		return fail(err, n, "neighbor (want IP=MAC)", v);
	*eq = '\0';
	return add_neighbor(c, buf, eq + 1, err, n);
}

static const struct opt opts[] = {
	{"media-ip", "media", "", set_media4, "media IPv4 address/prefix, e.g. 10.0.0.1/24"},
	{"media-ip6", "media", "", set_media6, "media IPv6 address/prefix"},
	{"gateway", "media", "", set_gw4, "IPv4 next hop for off-link participants"},
	{"gateway6", "media", "", set_gw6, "IPv6 next hop for off-link participants"},
	{"ports", "media", "40000-49999", set_ports, "local UDP port range for legs"},
	{"vlan", "media", "0", set_vlan, "802.1Q VLAN id of the media network (0: untagged)"},
	{"mtu", "media", "1500", set_mtu, "largest IP packet"},
	{"port", "dataplane", "0", set_eth_port, "DPDK port id of the media interface"},
	{"workers", "dataplane", "0", set_workers, "worker lcores to use (0: all but main)"},
	{"mbufs", "dataplane", "16383", set_mbufs, "mbufs per NUMA socket"},
	{"rtcp-interval", "media", "5000", set_rtcp_interval,
	 "mean RTCP report interval in ms (randomised 0.5-1.5x)"},
	{"leg-inactivity", "media", "30000", set_leg_inactivity,
	 "ms without RTP from a talking leg before an inactivity event (0: off)"},
	{"max-conferences", "limits", "4096", set_max_confs, "conferences at once"},
	{"max-legs", "limits", "16384", set_max_legs, "legs at once"},
	{"max-legs-per-conf", "limits", "256", set_max_legs_conf, "legs in one conference"},
	{"max-legs-per-worker", "limits", "0", set_max_legs_worker,
	 "admission: legs one worker serves (0: no limit; Mp refuses more with 510)"},
	{"max-pps-per-worker", "limits", "0", set_max_pps_worker,
	 "admission: packets/s one worker handles, measured + 100 per new leg (0: no limit)"},
	{"legs-from-stdin", "lab", "no", set_lab_feed,
	 "read lab provisioning lines (keys included) from stdin until Mp exists"},
	{"mp-address", "mp", "127.0.0.1", set_mp_address, "local address of the Mp (H.248) socket"},
	{"mp-port", "mp", "2944", set_mp_port, "UDP port of the Mp socket"},
	{"mgc", "mp", "", set_mgc, "the MRFC (MGC) as IP:PORT; Mp is off without it"},
	{"mgc-timeout", "mp", "60000", set_mgc_timeout,
	 "ms of MGC silence before an inactivity Notify (H.248.14); 0 = never"},
	{"drain-timeout", "mp", "0", set_drain,
	 "SIGTERM: ms to let calls finish (ServiceChange Graceful, new legs refused) before "
	 "Forced and exit; 0 = exit at once"},
	{"mp-interface", "mp", "", set_mp_interface,
	 "IPsec interface the Mp socket is bound to (xfrm0, ipsec0); required unless insecure-lab"},
	{"vici-socket", "mp", "/var/run/charon.vici", set_vici_socket,
	 "strongSwan VICI socket the IPsec guard asks"},
	{"mgc-identity", "mp", "", set_mgc_identity,
	 "IKE identity the MRFC must authenticate with (empty: any)"},
	{"insecure-lab", "mp", "no", set_insecure_lab,
	 "LAB ONLY: serve Mp without IPsec (loopback or lab-prefix only)"},
	{"lab-prefix", "mp", "", set_lab_prefix, "addresses where insecure-lab may be used"},
	{"srtp-engine", "dataplane", "auto", set_srtp_engine,
	 "SRTP engine: auto, burst (intel-ipsec-mb; cryptodev is an alias) or libsrtp"},
	{"metrics-listen", "metrics", "", set_metrics_listen,
	 "ADDR:PORT of the metrics (/metrics) and health (/health, /ready) HTTP endpoint"},
	{"neighbor", "neighbors", NULL, set_neighbor, "static next hop IP=MAC (repeatable)"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

void
mrfp_config_defaults(struct mrfp_config *cfg)
{
	char err[128];
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_OPTS; i++)
		if (opts[i].def != NULL)
			opts[i].set(cfg, opts[i].def, err, sizeof(err));
}

void
mrfp_config_usage(void)
{
	printf("mrfpd [EAL options] -- [options]\n  --config FILE     INI file "
	       "(sections media, dataplane, limits, lab, mp, neighbors)\n");
	for (size_t i = 0; i < N_OPTS; i++)
		printf("  --%-18s %s [%s/%s%s%s]\n", opts[i].name, opts[i].help, opts[i].section,
		       opts[i].name, opts[i].def ? " default " : "",
		       opts[i].def ? (*opts[i].def ? opts[i].def : "none") : "");
}

static const struct opt *
find_opt(const char *section, const char *name)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opts[i].name, name) == 0 &&
		    (section == NULL || strcmp(opts[i].section, section) == 0))
			return &opts[i];
	return NULL;
}

static int
load_section(struct mrfp_config *cfg, struct rte_cfgfile *f, const char *sec, char *err, size_t n)
{
	int count = rte_cfgfile_section_num_entries(f, sec);
	struct rte_cfgfile_entry *e = calloc(count > 0 ? (size_t)count : 1, sizeof(*e));
	int rc = 0;
	if (e == NULL)
		return -ENOMEM;
	count = rte_cfgfile_section_entries(f, sec, e, count);
	for (int i = 0; i < count && rc == 0; i++) {
		if (strcmp(sec, "neighbors") == 0) {
			rc = add_neighbor(cfg, e[i].name, e[i].value, err, n);
			continue;
		}
		const struct opt *o = find_opt(sec, e[i].name);
		if (o == NULL) {
			snprintf(err, n, "unknown setting [%s] %s", sec, e[i].name);
			rc = -EINVAL;
		} else {
			rc = o->set(cfg, e[i].value, err, n);
		}
	}
	free(e);
	return rc;
}

static bool
known_section(const char *name)
{
	static const char *const sections[] = {"media", "dataplane", "limits", "lab",
					       "mp",	"neighbors", "metrics"};
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		if (strcmp(name, sections[s]) == 0)
			return true;
	return false;
}

int
mrfp_config_load_file(struct mrfp_config *cfg, const char *path, char *err, size_t errlen)
{
	struct rte_cfgfile *f = rte_cfgfile_load(path, 0);
	int rc = 0;
	if (f == NULL) {
		snprintf(err, errlen, "cannot read configuration file '%s'", path);
		return -ENOENT;
	}
	int total = rte_cfgfile_num_sections(f, NULL, 0);
	char(*names)[CFG_NAME_LEN] = calloc(total > 0 ? (size_t)total : 1, CFG_NAME_LEN);
	char **pnames = calloc(total > 0 ? (size_t)total : 1, sizeof(char *));
	if (names == NULL || pnames == NULL)
		rc = -ENOMEM;
	for (int i = 0; rc == 0 && i < total; i++)
		pnames[i] = names[i];
	int nsec = rc == 0 ? rte_cfgfile_sections(f, pnames, total) : 0;
	for (int i = 0; i < nsec && rc == 0; i++) {
		if (!known_section(pnames[i])) {
			snprintf(err, errlen, "%s: unknown section [%s]", path, pnames[i]);
			rc = -EINVAL;
		} else {
			rc = load_section(cfg, f, pnames[i], err, errlen);
		}
	}
	free(pnames);
	free(names);
	rte_cfgfile_close(f);
	if (rc == 0)
		snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", path);
	return rc;
}

/* --config is applied before every other option, wherever it appears; only one is allowed. */
static int
apply_config_file(struct mrfp_config *cfg, int argc, char **argv, char *err, size_t n)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *p = NULL;
		if (strncmp(a, "--config=", 9) == 0)
			p = a + 9;
		else if (strcmp(a, "--config") == 0 && i + 1 < argc)
			p = argv[++i];
		else if (strcmp(a, "--config") == 0) {
			snprintf(err, n, "--config needs a file");
			return -EINVAL;
		}
		if (p != NULL && path != NULL) {
			snprintf(err, n, "--config given twice");
			return -EINVAL;
		}
		if (p != NULL)
			path = p;
	}
	return path != NULL ? mrfp_config_load_file(cfg, path, err, n) : 0;
}

int
mrfp_config_parse_args(struct mrfp_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	struct option lo[N_OPTS + 3];
	int rc = apply_config_file(cfg, argc, argv, err, errlen);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < N_OPTS; i++)
		lo[i] = (struct option){opts[i].name,
					opts[i].set == set_lab_feed ? optional_argument
								    : required_argument,
					NULL, (int)i};
	lo[N_OPTS] = (struct option){"config", required_argument, NULL, 'c'};
	lo[N_OPTS + 1] = (struct option){"help", no_argument, NULL, 'h'};
	lo[N_OPTS + 2] = (struct option){0};
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'h') {
			mrfp_config_usage();
			return 1;
		}
		if (ch == 'c')
			continue;
		if (ch < 0 || (size_t)ch >= N_OPTS) {
			snprintf(err, errlen, "unknown or incomplete option '%s'",
				 argv[optind - 1]);
			return -EINVAL;
		}
		if (strcmp(opts[ch].name, "legs-from-stdin") == 0 && optarg == NULL)
			optarg = (char *)"yes";
		rc = opts[ch].set(cfg, optarg, err, errlen);
		if (rc < 0)
			return rc;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* insecure-lab only where no network sees Mp: loopback, or the configured lab prefix. */
static bool
lab_address(const struct mrfp_config *cfg, const struct mrfp_addr *a)
{
	return ipsec_is_loopback(a) ||
	       ipsec_prefix_contains(&cfg->lab_prefix, cfg->lab_prefix_len, a);
}

/* Keys travel over Mp: IPsec (an interface to bind to), or a lab that says it is one. */
static int
validate_mp_security(const struct mrfp_config *cfg, char *err, size_t errlen)
{
	char a[64];
	if (cfg->mgc.family == 0)
		return 0;
	if (!cfg->insecure_lab && cfg->mp_interface[0] == '\0') {
		snprintf(err, errlen,
			 "Mp carries SRTP keys and must be IPsec-protected: set "
			 "mp-interface (the XFRM or ipsec0 interface), or insecure-lab "
			 "yes on loopback or a lab-prefix");
		return -EINVAL;
	}
	if (!cfg->insecure_lab && ipsec_is_loopback(&cfg->mp_address)) {
		snprintf(err, errlen,
			 "mp-address is loopback (the default): with mp-interface, set "
			 "the address the IPsec SA covers");
		return -EINVAL;
	}
	if (!cfg->insecure_lab)
		return 0;
	const struct mrfp_addr *bad = !lab_address(cfg, &cfg->mp_address) ? &cfg->mp_address
				      : !lab_address(cfg, &cfg->mgc)	  ? &cfg->mgc
									  : NULL;
	if (bad != NULL) {
		struct mrfp_addr host = *bad;
		host.port = 0;
		snprintf(err, errlen,
			 "insecure-lab refused: %s %s is neither loopback nor inside "
			 "lab-prefix; Mp without IPsec is for labs only",
			 bad == &cfg->mgc ? "the MGC address" : "the Mp address",
			 mrfp_addr_format(&host, a, sizeof(a)));
		return -EINVAL;
	}
	return 0;
}

int
mrfp_config_validate(const struct mrfp_config *cfg, char *err, size_t errlen)
{
	if (cfg->media4.family == 0 && cfg->media6.family == 0) {
		snprintf(err, errlen, "no media address: set --media-ip or [media] media-ip");
		return -EINVAL;
	}
	if (cfg->gateway4.family != 0 && cfg->media4.family == 0) {
		snprintf(err, errlen, "gateway set without an IPv4 media address");
		return -EINVAL;
	}
	if (cfg->gateway6.family != 0 && cfg->media6.family == 0) {
		snprintf(err, errlen, "gateway6 set without an IPv6 media address");
		return -EINVAL;
	}
	if (cfg->max_legs_per_conf > cfg->max_legs) {
		snprintf(err, errlen, "max-legs-per-conf (%u) exceeds max-legs (%u)",
			 cfg->max_legs_per_conf, cfg->max_legs);
		return -EINVAL;
	}
	return validate_mp_security(cfg, err, errlen);
}
