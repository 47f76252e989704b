/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the H.248 text decoder and the views mp_exec reads a request through.
 * Built by tests/fuzz/meson.build (-Dfuzz=true, clang); run by scripts/fuzz.sh.
 * Properties: any input decodes or fails cleanly (ASan/UBSan watch every read); what decodes
 * encodes (style chosen by the input's length) and decodes again to as many nodes; every
 * per-node view (ids, lists, octets, modes, streams, ServiceChange) stays inside its input.
 */
#include <stddef.h>
#include <stdint.h>

#include "h248.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NODES 512

static struct mrfp_h248_node nodes[NODES], nodes2[NODES];
static char out[1 << 18];
static char octets[8192];

/* What mp_exec would ask of one node; results are ignored, only memory safety counts. */
static void
view_node(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	struct mrfp_h248_ctxid ctx;
	struct mrfp_h248_termid term;
	struct mrfp_h248_str item, text;
	struct mrfp_h248_stream streams[4];
	struct mrfp_h248_sc sc;
	struct mrfp_h248_mid mid;
	enum mrfp_h248_mode mode;
	uint32_t u, v, pos = 0;
	uint16_t code;
	size_t len;

	h248_ctxid_parse(&n->value, &ctx);
	h248_termid_parse(&n->value, &term);
	h248_u32(&n->value, &u);
	h248_trans_id(n, &u, &v);
	h248_ack_range(&n->value, &u, &v);
	h248_mid_parse(&n->value, 1, &mid);
	for (int i = 0; i < 64 && h248_list_next(&n->value, &pos, &item) == 0; i++)
		;
	if (n->raw.p != NULL)
		h248_octets(&n->raw, octets, sizeof(octets), &len);
	h248_mode_get(t, n, &mode);
	h248_streams(t, n, streams, 4);
	h248_sc_get(t, n, &sc);
	h248_error_get(t, n, &code, &text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrfp_h248_tree t, t2;
	struct mrfp_h248_msg m, m2;
	struct mrfp_h248_error e;
	size_t len;

	h248_tree_init(&t, nodes, NODES, NULL, 0);
	if (h248_decode((const char *)data, size, &t, &m, &e) != 0)
		return 0;
	for (uint32_t i = 1; i < t.n; i++)
		view_node(&t, &t.nodes[i]);
	if (h248_encode(&t, &m, size & 1 ? MRFP_H248_COMPACT : MRFP_H248_PRETTY, out, sizeof(out),
			&len) != 0)
		__builtin_trap();
	h248_tree_init(&t2, nodes2, NODES, NULL, 0);
	if (h248_decode(out, len, &t2, &m2, &e) != 0 || t2.n != t.n)
		__builtin_trap();
	return 0;
}
