/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mId (H.248.1 B.2): domainAddress [":" port], domainName [":" port], mtpAddress or
 * deviceName. Addresses are checked with inet_pton.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "h248_priv.h"

/* portNumber = UINT16 */
static int
port_parse(const char *p, uint32_t len, uint16_t *port)
{
	struct mrfp_h248_str s = {p, len};
	uint32_t v;

	if (h248_u32(&s, &v) < 0 || v == 0 || v > UINT16_MAX)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "[" IPv4address / IPv6address "]" */
static int
ip_parse(struct mrfp_h248_mid *mid)
{
	char buf[64];
	unsigned char bin[16];
	int af;

	if (mid->addr.len == 0 || mid->addr.len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, mid->addr.p, mid->addr.len);
	buf[mid->addr.len] = '\0';
	af = memchr(buf, ':', mid->addr.len) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, buf, bin) != 1)
		return -EINVAL;
	mid->kind = af == AF_INET6 ? MRFP_H248_MID_IP6 : MRFP_H248_MID_IP4;
	return 0;
}

/* domainName = "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">" */
static int
domain_parse(struct mrfp_h248_mid *mid)
{
	const struct mrfp_h248_str *a = &mid->addr;

	if (a->len == 0 || a->len > 64 || !isalnum((unsigned char)a->p[0]))
		return -EINVAL;
	for (uint32_t i = 1; i < a->len; i++)
		if (!isalnum((unsigned char)a->p[i]) && a->p[i] != '-' && a->p[i] != '.')
			return -EINVAL;
	mid->kind = MRFP_H248_MID_DOMAIN;
	return 0;
}

/* [addr] or <domain>, then [":" port] */
static int
bracketed_parse(const struct mrfp_h248_str *s, struct mrfp_h248_mid *mid)
{
	char close = s->p[0] == '[' ? ']' : '>';
	const char *end = memchr(s->p, close, s->len);
	uint32_t used;

	if (end == NULL)
		return -EINVAL;
	mid->addr = (struct mrfp_h248_str){s->p + 1, (uint32_t)(end - s->p - 1)};
	if ((close == ']' ? ip_parse(mid) : domain_parse(mid)) < 0)
		return -EINVAL;
	used = (uint32_t)(end - s->p) + 1;
	if (used == s->len)
		return 0;
	if (s->p[used] != ':')
		return -EINVAL;
	return port_parse(s->p + used + 1, s->len - used - 1, &mid->port);
}

/* mtpAddress = MTPToken LBRKT 4*8 (HEXDIG) RBRKT */
static int
mtp_parse(const struct mrfp_h248_str *s, struct mrfp_h248_mid *mid)
{
	uint32_t n;

	if (s->len < 9 || s->len > 13 || s->p[3] != '{' || s->p[s->len - 1] != '}')
		return -EINVAL;
	n = s->len - 5;
	for (uint32_t i = 4; i < s->len - 1; i++)
		if (!isxdigit((unsigned char)s->p[i]))
			return -EINVAL;
	mid->kind = MRFP_H248_MID_MTP;
	mid->addr = (struct mrfp_h248_str){s->p + 4, n};
	return 0;
}

/* deviceName = pathNAME; a bare number is a port (ServiceChangeAddress). */
static int
device_parse(const struct mrfp_h248_str *s, int allow_port, struct mrfp_h248_mid *mid)
{
	struct mrfp_h248_termid tid;

	mid->addr = *s;
	if (allow_port && port_parse(s->p, s->len, &mid->port) == 0) {
		mid->kind = MRFP_H248_MID_PORT;
		return 0;
	}
	if (!isalpha((unsigned char)s->p[0]) && s->p[0] != '*')
		return -EINVAL;
	if (h248_termid_parse(s, &tid) < 0)
		return -EINVAL;
	mid->kind = MRFP_H248_MID_DEVICE;
	return 0;
}

int
h248_mid_parse(const struct mrfp_h248_str *s, int allow_port, struct mrfp_h248_mid *mid)
{
	memset(mid, 0, sizeof(*mid));
	mid->text = *s;
	if (s->len == 0)
		return -EINVAL;
	if (s->p[0] == '[' || s->p[0] == '<')
		return bracketed_parse(s, mid);
	if (s->len > 3 && strncasecmp(s->p, "MTP{", 4) == 0)
		return mtp_parse(s, mid);
	return device_parse(s, allow_port, mid);
}

int
h248_msg_init(struct mrfp_h248_msg *msg, unsigned version, const char *mid)
{
	struct mrfp_h248_str s = {mid, mid != NULL ? (uint32_t)strlen(mid) : 0};

	memset(msg, 0, sizeof(*msg));
	if (version < 1 || version > 3 || mid == NULL)
		return -EINVAL;
	msg->version = version;
	return h248_mid_parse(&s, 0, &msg->mid);
}
