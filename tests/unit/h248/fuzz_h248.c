/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the H.248 decoder (not built by meson):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icontrol \
 *         tests/unit/h248/fuzz_h248.c control/h248_*.c -o fuzz_h248
 *   ./fuzz_h248 -max_total_time=180 -max_len=4096 CORPUS_DIR
 * Property: any input decodes or fails cleanly; what decodes, encodes (style chosen by the
 * input's length) and decodes again to as many nodes.
 */
#include <stddef.h>
#include <stdint.h>

#include "h248.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mrfp_h248_node nodes[512], nodes2[512];
static char out[1 << 18];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrfp_h248_tree t, t2;
	struct mrfp_h248_msg m, m2;
	struct mrfp_h248_error e;
	size_t len;

	mrfp_h248_tree_init(&t, nodes, 512, NULL, 0);
	if (mrfp_h248_decode((const char *)data, size, &t, &m, &e) != 0)
		return 0;
	if (mrfp_h248_encode(&t, &m, size & 1 ? MRFP_H248_COMPACT : MRFP_H248_PRETTY, out,
			     sizeof(out), &len) != 0)
		__builtin_trap();
	mrfp_h248_tree_init(&t2, nodes2, 512, NULL, 0);
	if (mrfp_h248_decode(out, len, &t2, &m2, &e) != 0 || t2.n != t.n)
		__builtin_trap();
	return 0;
}
