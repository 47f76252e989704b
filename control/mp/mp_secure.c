/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mp on an IPsec interface. The socket bound to the interface (an XFRM interface with kernel
 * ESP, ipsec0 with strongSwan's kernel-libipsec) is fail-closed both ways: it receives only
 * datagrams the SA decrypted, and when the SA goes its route goes, so a send fails instead of
 * leaving in clear. A second, unbound socket on the same address and port catches what came
 * any other way, so that it can be counted (the kernel prefers the bound socket for traffic
 * on its device, and never gives it anything else).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <rte_log.h>

#include "mp_log.h"
#include "mp_secure.h"

static struct mp_sec_status published; /* control: wo, telemetry: ro (relaxed) */

static int
udp_socket(const struct sockaddr *sa, socklen_t len, const char *ifname, int *fd)
{
	int one = 1;
	*fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	/* both sockets share the port: SO_REUSEADDR on each (UDP, same owner) */
	if ((ifname != NULL && setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) ||
	    (ifname != NULL && ifname[0] != '\0' &&
	     setsockopt(*fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) ||
	    bind(*fd, sa, len) < 0) {
		int rc = -errno;
		close(*fd);
		*fd = -1;
		return rc;
	}
	return 0;
}

int
mp_open_socket(const struct mrfp_config *cfg, const struct sockaddr *sa, socklen_t len, int *fd,
	       int *sentinel)
{
	*sentinel = -1;
	if (cfg->insecure_lab)
		return udp_socket(sa, len, NULL, fd);
	if (cfg->mp_interface[0] == '\0')
		return -EINVAL; /* mrfp_config_validate refuses this first */
	int rc = udp_socket(sa, len, cfg->mp_interface, fd);
	if (rc < 0) {
		MP_LOG(ERR, "cannot bind the Mp socket to interface %s: %s", cfg->mp_interface,
		       strerror(-rc));
		return rc;
	}
	if (udp_socket(sa, len, "", sentinel) < 0)
		MP_LOG(WARNING, "no sentinel socket: cleartext Mp datagrams are dropped by the "
				"kernel but not counted");
	return 0;
}

unsigned int
mp_drain(int fd, char *scratch, size_t size)
{
	unsigned int n = 0;
	for (; fd >= 0 && n < 64; n++) {
		ssize_t r = recv(fd, scratch, size, MSG_DONTWAIT | MSG_TRUNC);
		if (r < 0)
			break;
		OPENSSL_cleanse(scratch, (size_t)r < size ? (size_t)r : size);
	}
	return n;
}

void
mp_sec_publish(const struct mp_sec_status *s)
{
	__atomic_store_n(&published.state, s->state, __ATOMIC_RELAXED);
	__atomic_store_n(&published.reason, s->reason, __ATOMIC_RELAXED);
#define PUB(n) __atomic_store_n(&published.n, s->n, __ATOMIC_RELAXED);
	MRFP_MP_SEC_COUNTERS(PUB)
#undef PUB
}

void
mp_sec_status(struct mp_sec_status *out)
{
	out->state = __atomic_load_n(&published.state, __ATOMIC_RELAXED);
	out->reason = __atomic_load_n(&published.reason, __ATOMIC_RELAXED);
#define GET(n) out->n = __atomic_load_n(&published.n, __ATOMIC_RELAXED);
	MRFP_MP_SEC_COUNTERS(GET)
#undef GET
}

const char *
mp_security_name(enum mrfp_mp_security s)
{
	static const char *const names[] = {
		[MRFP_MP_OFF] = "off",
		[MRFP_MP_INSECURE_LAB] = "insecure-lab",
		[MRFP_MP_PROTECTED] = "protected",
		[MRFP_MP_SUSPENDED] = "suspended",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
