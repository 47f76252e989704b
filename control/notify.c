/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sd_notify for Type=notify units: libsystemd's when mrfp is built with it, otherwise the same
 * datagram sent by hand to $NOTIFY_SOCKET (a path, or '@' for the abstract namespace).
 */
#include "notify.h"

#ifdef MRFP_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

static void
notify(const char *state)
{
	(void)sd_notify(0, state);
}
#else
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = path != NULL ? strlen(path) : 0;
	if (len < 2 || len >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}
#endif

void
mrfp_notify_ready(void)
{
	notify("READY=1\nSTATUS=serving");
}

void
mrfp_notify_stopping(void)
{
	notify("STOPPING=1");
}
