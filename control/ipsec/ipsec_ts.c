/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic selectors as strongSwan prints them in VICI (traffic_selector_printf): an address
 * part ("A/len" or "A..B") and an optional "[proto/port]" with names or numbers, a port range
 * "lo-hi" or "OPAQUE". The guard asks only "does this cover that UDP address and port";
 * whatever it cannot read covers nothing (fail closed).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipsec_guard.h"

#define TS_MAX 128

static int
addr_pton(const char *text, struct mrfp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, &a->v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, text, a->v6) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

static const uint8_t *
addr_bytes(const struct mrfp_addr *a, size_t *n)
{
	*n = a->family == AF_INET ? 4 : 16;
	return a->family == AF_INET ? (const uint8_t *)&a->v4 : a->v6;
}

bool
ipsec_prefix_contains(const struct mrfp_addr *prefix, unsigned len, const struct mrfp_addr *a)
{
	size_t n;
	if (prefix->family == 0 || prefix->family != a->family)
		return false;
	const uint8_t *p = addr_bytes(prefix, &n), *x = addr_bytes(a, &n);
	if (len > n * 8)
		return false;
	for (unsigned i = 0; i < len; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));
		if ((p[i / 8] & bit) != (x[i / 8] & bit))
			return false;
	}
	return true;
}

bool
ipsec_is_loopback(const struct mrfp_addr *a)
{
	static const uint8_t v6_lo[16] = {[15] = 1};
	if (a->family == AF_INET)
		return (ntohl(a->v4) >> 24) == 127;
	return a->family == AF_INET6 && memcmp(a->v6, v6_lo, 16) == 0;
}

/* "A/len" or "A..B" (network-order byte comparison is numeric order). */
static bool
addr_part_covers(char *text, const struct mrfp_addr *a)
{
	struct mrfp_addr lo, hi;
	char *dots = strstr(text, "..");
	char *slash = strchr(text, '/');
	if (dots != NULL) {
		*dots = '\0';
		if (addr_pton(text, &lo) < 0 || addr_pton(dots + 2, &hi) < 0 ||
		    lo.family != a->family || hi.family != a->family)
			return false;
		size_t n;
		const uint8_t *l = addr_bytes(&lo, &n), *h = addr_bytes(&hi, &n),
			      *x = addr_bytes(a, &n);
		return memcmp(l, x, n) <= 0 && memcmp(x, h, n) <= 0;
	}
	if (slash == NULL)
		return addr_pton(text, &lo) == 0 &&
		       ipsec_prefix_contains(&lo, lo.family == AF_INET ? 32 : 128, a);
	*slash = '\0';
	char *end;
	unsigned long len = strtoul(slash + 1, &end, 10);
	return *end == '\0' && slash[1] != '\0' && addr_pton(text, &lo) == 0 &&
	       ipsec_prefix_contains(&lo, (unsigned)len, a);
}

/* A port number or a service name, host order. -1 if neither. */
static long
port_value(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*text != '\0' && *end == '\0')
		return v >= 0 && v <= 65535 ? v : -1;
	struct servent se, *res = NULL;
	char buf[1024];
	if (getservbyname_r(text, "udp", &se, buf, sizeof(buf), &res) != 0 || res == NULL)
		return -1;
	return ntohs((uint16_t)res->s_port);
}

static bool
port_part_covers(char *text, uint16_t port)
{
	if (strcmp(text, "OPAQUE") == 0)
		return false;
	char *dash = strchr(text, '-');
	long lo, hi;
	if (dash != NULL) {
		*dash = '\0';
		lo = port_value(text);
		hi = port_value(dash + 1);
	} else {
		lo = hi = port_value(text);
	}
	return lo >= 0 && hi >= 0 && lo <= port && port <= hi;
}

/* "udp", "17", "udp/2944", "udp/1000-2000", "udp/name" (without the brackets). */
static bool
proto_part_covers(char *text, const struct mrfp_addr *a, bool port_matters)
{
	char *slash = strchr(text, '/');
	if (slash != NULL)
		*slash = '\0';
	if (strcmp(text, "udp") != 0 && strcmp(text, "17") != 0)
		return false;
	if (slash == NULL || !port_matters)
		return true;
	return port_part_covers(slash + 1, ntohs(a->port));
}

bool
ipsec_ts_covers(const struct mrfp_vici_str *ts, const struct mrfp_addr *a, bool port_matters)
{
	char buf[TS_MAX];
	if (ts == NULL || ts->len == 0 || ts->len >= sizeof(buf) || a->family == 0)
		return false;
	memcpy(buf, ts->p, ts->len);
	buf[ts->len] = '\0';
	char *bracket = strchr(buf, '[');
	if (bracket == NULL)
		return addr_part_covers(buf, a); /* any protocol, any port */
	size_t n = strlen(bracket);
	if (bracket[n - 1] != ']')
		return false;
	bracket[n - 1] = '\0';
	*bracket = '\0';
	return addr_part_covers(buf, a) && proto_part_covers(bracket + 1, a, port_matters);
}
