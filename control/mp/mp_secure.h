/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mp's sockets on an IPsec interface, and the published security status (mp_secure.c).
 * Private to mp.c. Control thread, unless a function says otherwise.
 */
#ifndef MRFP_CTL_MP_SECURE_H
#define MRFP_CTL_MP_SECURE_H

#include <sys/socket.h>

#include "mp.h"

/*
 * The Mp socket at sa: bound to cfg->mp_interface (SO_BINDTODEVICE) unless insecure-lab, so
 * that it receives only what the SA delivered and cannot send where no SA routes. With the
 * interface, *sentinel is a second socket on the same address and port without a device: the
 * kernel hands it what arrived elsewhere (cleartext), to be drained and counted; -1 if it
 * could not be opened. 0 or -errno (*fd is then closed).
 */
int mp_open_socket(const struct mrfp_config *cfg, const struct sockaddr *sa, socklen_t len, int *fd,
		   int *sentinel);
/* Read and discard what waits on fd (bounded), wiping it. The number of datagrams. */
unsigned int mp_drain(int fd, char *scratch, size_t size);
/* Publish s for mp_sec_status (relaxed stores). */
void mp_sec_publish(const struct mp_sec_status *s);

#endif
