/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CONFIG_H
#define MRFP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrfp_types.h"

#define MRFP_MAX_STATIC_NEIGH 16
#define MRFP_MAX_WORKERS 64

/* Which SRTP engine the workers use (see mrfp_srtp.h). */
enum mrfp_engine_kind {
	MRFP_ENGINE_AUTO,    /* burst where intel-ipsec-mb initialises, else libsrtp */
	MRFP_ENGINE_LIBSRTP, /* libsrtp2 on OpenSSL, one packet at a time */
	MRFP_ENGINE_BURST,   /* the burst engine: SRTP here, crypto by intel-ipsec-mb */
};
/* The burst engine's former name (--srtp-engine cryptodev still selects it). */
#define MRFP_ENGINE_CRYPTODEV MRFP_ENGINE_BURST

struct mrfp_static_neigh {
	struct mrfp_addr ip;
	uint8_t mac[6];
};

/*
 * Application settings: read once at start (command line over INI file over defaults),
 * read-only afterwards. Runtime changes come only through Mp. Never holds keys.
 */
struct mrfp_config {
	struct mrfp_addr media4; /* media IPv4 address (family 0 = none) */
	uint8_t media4_prefix;
	struct mrfp_addr media6; /* media IPv6 address (family 0 = none) */
	uint8_t media6_prefix;
	struct mrfp_addr gateway4; /* next hop for off-link remotes (family 0 = none) */
	struct mrfp_addr gateway6;
	uint16_t port_min, port_max; /* local UDP port range for legs, host order */
	uint16_t vlan;		     /* 802.1Q VLAN id of the media network, 0 = untagged */
	uint16_t eth_port;	     /* DPDK port id of the media interface */
	uint16_t mtu;		     /* largest IP packet sent or accepted */
	unsigned int workers;	     /* worker lcores to use; 0 = every non-main lcore */
	unsigned int max_conferences;
	unsigned int max_legs;
	unsigned int max_legs_per_conf;
	unsigned int max_legs_per_worker; /* admission: 0 = no limit */
	unsigned int max_pps_per_worker;  /* admission, rx + tx packets per second: 0 = none */
	unsigned int mbufs_per_socket;
	unsigned int rtcp_interval_ms;	/* mean RTCP report interval per leg (RFC 3550 6.2: 5000) */
	unsigned int leg_inactivity_ms; /* no RTP from a talking leg this long: event; 0 = off */
	struct mrfp_static_neigh neigh[MRFP_MAX_STATIC_NEIGH];
	unsigned int n_neigh;
	bool lab_feed;		     /* accept lab provisioning lines on stdin */
	struct mrfp_addr mp_address; /* Mp (H.248) socket address */
	uint16_t mp_port;
	struct mrfp_addr mgc; /* the provisioned MGC (MRFC); family 0 = Mp off */
	char mgc_text[64];
	unsigned int mgc_timeout_ms; /* MGC silence before an inactivity Notify; 0 = never */
	unsigned int drain_ms;	     /* SIGTERM with Mp: drain this long before exiting; 0 = exit */
	char mp_interface[16];	     /* IPsec interface the Mp socket binds to; "" = none */
	char vici_socket[108];	     /* strongSwan VICI socket of the IPsec guard */
	char mgc_identity[128];	     /* IKE identity the MGC must have; "" = any */
	bool insecure_lab;	     /* serve Mp without IPsec (loopback / lab_prefix only) */
	struct mrfp_addr lab_prefix; /* family 0 = none */
	uint8_t lab_prefix_len;
	enum mrfp_engine_kind srtp_engine;
	/* metrics and health over HTTP (--metrics-listen); family 0 = off */
	struct mrfp_addr metrics_listen;
	char config_file[256]; /* where the settings came from, "" = none */
};

/* Fill with defaults. Any thread. */
void mrfp_config_defaults(struct mrfp_config *cfg);
/* Apply an rte_cfgfile INI file. 0 or -errno with a message in err. */
int mrfp_config_load_file(struct mrfp_config *cfg, const char *path, char *err, size_t errlen);
/*
 * Apply application options (after EAL's "--"): --config FILE is read first, then the other
 * options override it. 0, 1 for --help (usage printed), or -errno with a message in err.
 */
int mrfp_config_parse_args(struct mrfp_config *cfg, int argc, char **argv, char *err,
			   size_t errlen);
/* Cross-field checks. 0 or -EINVAL with a message in err. */
int mrfp_config_validate(const struct mrfp_config *cfg, char *err, size_t errlen);
/* One line per option with its default, for --help. */
void mrfp_config_usage(void);

#endif
