/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mrfp_types.h"

static const char *const leg_mode_names[MRFP_MODE_COUNT] = {
	[MRFP_MODE_INACTIVE] = "inactive",
	[MRFP_MODE_SENDRECV] = "sendrecv",
	[MRFP_MODE_SENDONLY] = "sendonly",
	[MRFP_MODE_RECVONLY] = "recvonly",
};
static const char *const latch_names[MRFP_LATCH_COUNT] = {
	[MRFP_LATCH_ON] = "on",
	[MRFP_LATCH_STRICT] = "strict",
	[MRFP_LATCH_OFF] = "off",
};
static const char *const media_names[MRFP_MEDIA_COUNT] = {
	[MRFP_MEDIA_SWITCH] = "switch",
	[MRFP_MEDIA_MIX] = "mix",
};

const char *
mrfp_leg_mode_name(enum mrfp_leg_mode mode)
{
	return (unsigned int)mode < MRFP_MODE_COUNT ? leg_mode_names[mode] : NULL;
}

const char *
mrfp_latch_name(enum mrfp_latch latch)
{
	return (unsigned int)latch < MRFP_LATCH_COUNT ? latch_names[latch] : NULL;
}

const char *
mrfp_media_mode_name(enum mrfp_media_mode mode)
{
	return (unsigned int)mode < MRFP_MEDIA_COUNT ? media_names[mode] : NULL;
}

bool
mrfp_audio_fmt_equal(const struct mrfp_audio_fmt *a, const struct mrfp_audio_fmt *b)
{
	return a->codec == b->codec && a->octet_aligned == b->octet_aligned && a->mode == b->mode &&
	       a->bitrate == b->bitrate;
}

const char *
mrfp_codec_name(enum mrfp_codec_id id)
{
	static const char *const names[MRFP_CODEC_ID_COUNT] = {
		[MRFP_CODEC_PCMU] = "PCMU", [MRFP_CODEC_PCMA] = "PCMA",
		[MRFP_CODEC_AMR] = "AMR",   [MRFP_CODEC_AMR_WB] = "AMR-WB",
		[MRFP_CODEC_OPUS] = "opus", [MRFP_CODEC_G722] = "G722",
	};
	return (unsigned int)id < MRFP_CODEC_ID_COUNT ? names[id] : NULL;
}

static int
parse_port(const char *text, uint16_t *port)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v == 0 || v > 65535)
		return -EINVAL;
	*port = htons((uint16_t)v);
	return 0;
}

/* "a.b.c.d", "a.b.c.d:port", "v6", "[v6]", "[v6]:port". */
int
mrfp_addr_parse(const char *text, struct mrfp_addr *out)
{
	char host[64];
	const char *port = NULL;
	size_t n = strlen(text);
	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -EINVAL;
		n = (size_t)(close - text - 1);
		memcpy(host, text + 1, n);
		host[n] = '\0';
		port = close[1] == ':' ? close + 2 : NULL;
	} else {
		memcpy(host, text, n + 1);
		char *colon = strchr(host, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) { /* one colon: v4:port */
			*colon = '\0';
			port = text + (colon - host) + 1;
		}
	}
	if (inet_pton(AF_INET, host, &out->v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, host, out->v6) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	if (port != NULL && parse_port(port, &out->port) != 0) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

char *
mrfp_addr_format(const struct mrfp_addr *addr, char *buf, unsigned int size)
{
	char host[INET6_ADDRSTRLEN] = "-";
	if (addr->family == AF_INET || addr->family == AF_INET6)
		inet_ntop(addr->family,
			  addr->family == AF_INET ? (const void *)&addr->v4
						  : (const void *)addr->v6,
			  host, sizeof(host));
	if (addr->port == 0)
		snprintf(buf, size, "%s", host);
	else if (addr->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, ntohs(addr->port));
	else
		snprintf(buf, size, "%s:%u", host, ntohs(addr->port));
	return buf;
}

bool
mrfp_addr_equal(const struct mrfp_addr *a, const struct mrfp_addr *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return memcmp(a->v6, b->v6, 16) == 0;
}
