/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Local SDP that mrfpd returns over Mp. The base64 key is encoded straight into the
 * caller's buffer (no copy elsewhere); a buffer that turns out too small is wiped, since it
 * may already hold part of a key.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "keys.h"
#include "sdp.h"

struct out {
	char *p;
	size_t size;
	size_t len;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->full)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static void
put_key(struct out *o, const struct mrfp_srtp_key *key)
{
	size_t n = 4 * (((size_t)key->len + 2) / 3);
	if (o->full || keys_to_base64(key, o->p + o->len, o->size - o->len) < 0) {
		o->full = true;
		return;
	}
	o->len += n;
}

static int
finish(struct out *o)
{
	if (o->full || o->len > INT_MAX) {
		OPENSSL_cleanse(o->p, o->size);
		return -ENOSPC;
	}
	return (int)o->len;
}

static void
put_lifetime(struct out *o, uint64_t lifetime)
{
	if ((lifetime & (lifetime - 1)) == 0)
		put(o, "|2^%d", __builtin_ctzll(lifetime));
	else
		put(o, "|%" PRIu64, lifetime);
}

static void
put_crypto(struct out *o, const struct mrfp_sdp_crypto *c)
{
	put(o, "a=crypto:%" PRIu32 " %s inline:", c->tag, mrfp_srtp_suite_name(c->suite));
	put_key(o, &c->key);
	if (c->lifetime != 0)
		put_lifetime(o, c->lifetime);
	if (c->mki_len != 0)
		put(o, "|%" PRIu64 ":%u", c->mki, c->mki_len);
	if (c->kdr != 0)
		put(o, " KDR=%u", c->kdr);
	if (c->flags & MRFP_SDP_UNENCRYPTED_SRTP)
		put(o, " UNENCRYPTED_SRTP");
	if (c->flags & MRFP_SDP_UNENCRYPTED_SRTCP)
		put(o, " UNENCRYPTED_SRTCP");
	if (c->flags & MRFP_SDP_UNAUTHENTICATED_SRTP)
		put(o, " UNAUTHENTICATED_SRTP");
	if (c->flags & MRFP_SDP_FEC_SRTP_FEC)
		put(o, " FEC_ORDER=SRTP_FEC");
	if (c->wsh != 0)
		put(o, " WSH=%" PRIu32, c->wsh);
	put(o, "\r\n");
}

static bool
crypto_ok(const struct mrfp_sdp_crypto *c)
{
	return !c->key_choose && mrfp_srtp_suite_name(c->suite) != NULL &&
	       c->key.suite == c->suite && c->key.len == mrfp_srtp_suite_key_len(c->suite);
}

int
sdp_crypto_write(const struct mrfp_sdp_crypto *c, char *buf, size_t size)
{
	struct out o = {buf, size, 0, size == 0};
	if (!crypto_ok(c))
		return -EINVAL;
	put_crypto(&o, c);
	return finish(&o);
}

static bool
sdp_ok(const struct mrfp_sdp *sdp)
{
	if (sdp->addr_choose || sdp->port_choose || sdp->addr.port == 0 ||
	    (sdp->addr.family != AF_INET && sdp->addr.family != AF_INET6) ||
	    sdp_proto_name(sdp->proto) == NULL || sdp_dir_name(sdp->dir) == NULL ||
	    sdp->n_fmt == 0 || sdp->n_fmt > MRFP_SDP_MAX_FMT || sdp->n_crypto > MRFP_SDP_MAX_CRYPTO)
		return false;
	for (unsigned int i = 0; i < sdp->n_crypto; i++)
		if (!crypto_ok(&sdp->crypto[i]))
			return false;
	return true;
}

static void
put_media(struct out *o, const struct mrfp_sdp *sdp)
{
	put(o, "m=audio %u %s", ntohs(sdp->addr.port), sdp_proto_name(sdp->proto));
	for (unsigned int i = 0; i < sdp->n_fmt; i++)
		put(o, " %u", sdp->fmt[i].pt);
	put(o, "\r\n");
	for (unsigned int i = 0; i < sdp->n_fmt; i++) {
		const struct mrfp_sdp_fmt *f = &sdp->fmt[i];
		if (f->name[0] == '\0' || f->rate == 0)
			continue;
		put(o, "a=rtpmap:%u %.*s/%" PRIu32, f->pt, MRFP_SDP_CODEC_NAME_MAX - 1, f->name,
		    f->rate);
		if (f->channels > 1)
			put(o, "/%u", f->channels);
		put(o, "\r\n");
	}
	for (unsigned int i = 0; i < sdp->n_fmt; i++)
		if (sdp->fmt[i].fmtp[0] != '\0')
			put(o, "a=fmtp:%u %.*s\r\n", sdp->fmt[i].pt, MRFP_SDP_FMTP_MAX - 1,
			    sdp->fmt[i].fmtp);
	if (sdp->ptime != 0)
		put(o, "a=ptime:%u\r\n", sdp->ptime);
	if (sdp->dir != MRFP_SDP_DIR_SENDRECV)
		put(o, "a=%s\r\n", sdp_dir_name(sdp->dir));
	if (sdp->rtcp_mux)
		put(o, "a=rtcp-mux\r\n");
	for (unsigned int i = 0; i < sdp->n_crypto; i++)
		put_crypto(o, &sdp->crypto[i]);
}

int
sdp_write(const struct mrfp_sdp *sdp, uint64_t sess_id, uint64_t sess_version, char *buf,
	  size_t size)
{
	struct out o = {buf, size, 0, size == 0};
	struct mrfp_addr host = sdp->addr;
	char addr[64];
	if (!sdp_ok(sdp))
		return -EINVAL;
	host.port = 0; /* mrfp_addr_format writes the bare address */
	mrfp_addr_format(&host, addr, sizeof(addr));
	const char *ipv = sdp->addr.family == AF_INET ? "IP4" : "IP6";
	put(&o, "v=0\r\no=- %" PRIu64 " %" PRIu64 " IN %s %s\r\ns=-\r\n", sess_id, sess_version,
	    ipv, addr);
	put(&o, "c=IN %s %s\r\nt=0 0\r\n", ipv, addr);
	put_media(&o, sdp);
	return finish(&o);
}
