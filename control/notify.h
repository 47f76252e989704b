/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_NOTIFY_H
#define MRFP_NOTIFY_H

/*
 * systemd's readiness protocol (Type=notify): READY=1 once mrfpd serves, STOPPING=1 when it
 * shuts down. Nothing happens outside systemd (no $NOTIFY_SOCKET).
 */
void mrfp_notify_ready(void);
void mrfp_notify_stopping(void);

#endif
