/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the mrfpctl tests: argv from a list, trees with their arrays. */
#ifndef MRFPCTL_TEST_H
#define MRFPCTL_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mrfpctl.h"

/* RFC 4568 examples: 30 bytes of key||salt each (AES_CM_128_HMAC_SHA1_80). */
#define KEY_A "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
#define KEY_B "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

#define ARGS_MAX 40

/* stdin reads text (key lines): a temporary file, gone once opened. */
static inline void
stdin_text(const char *text)
{
	char path[] = "/tmp/mrfpctl-stdin-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	if (freopen(path, "r", stdin) == NULL)
		abort();
	unlink(path);
}

/* argv = {"mrfpctl", ...} from a NULL-terminated list; returns argc. */
static inline int
make_argv(char **argv, va_list ap)
{
	int argc = 0;
	const char *a;

	argv[argc++] = (char *)"mrfpctl";
	while ((a = va_arg(ap, const char *)) != NULL && argc < ARGS_MAX - 1)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	return argc;
}

struct tbox {
	struct mrfp_h248_tree t;
	struct mrfp_h248_msg msg;
	struct mrfp_h248_error err;
	struct mrfp_h248_node nodes[MRFP_H248_NODES_DEFAULT];
	char pool[16384];
};

static inline void
tbox_init(struct tbox *b)
{
	h248_tree_init(&b->t, b->nodes, MRFP_H248_NODES_DEFAULT, b->pool, sizeof(b->pool));
}

static inline int
tbox_decode(struct tbox *b, const char *text)
{
	tbox_init(b);
	return h248_decode(text, strlen(text), &b->t, &b->msg, &b->err);
}

static inline int
str_eq(const struct mrfp_h248_str *s, const char *c)
{
	return s->len == strlen(c) && memcmp(s->p, c, s->len) == 0;
}

#endif
