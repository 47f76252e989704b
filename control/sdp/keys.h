/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MRFP_CTL_KEYS_H
#define MRFP_CTL_KEYS_H

#include <stddef.h>

#include "mrfp_srtp.h"

/* Longest base64 key||salt (46 bytes) with its NUL. */
#define MRFP_KEY_B64_MAX (4 * ((MRFP_SRTP_MAX_KEY_LEN + 2) / 3) + 1)

/*
 * SDES key material as RFC 4568 writes it: base64 of master key || master salt.
 * The decoded bytes live only in the caller's struct, which the caller wipes.
 */

/* Decode base64 key||salt for suite into *key. 0, or -EINVAL (bad base64 or wrong length);
 * on failure *key holds nothing. */
int keys_from_base64(const char *b64, enum mrfp_srtp_suite suite, struct mrfp_srtp_key *key);
/* Fresh key from OpenSSL's CSPRNG. 0 or -EIO. */
int keys_generate(enum mrfp_srtp_suite suite, struct mrfp_srtp_key *key);
/* Base64 of key||salt into out (MRFP_KEY_B64_MAX bytes suffice): for returning a generated
 * key over Mp only. 0 or -ENOSPC. */
int keys_to_base64(const struct mrfp_srtp_key *key, char *out, size_t size);
/* Short, non-reversible fingerprint for logs: first 4 bytes of SHA-256, as 8 hex digits. */
void keys_fingerprint(const struct mrfp_srtp_key *key, char out[9]);

#endif
