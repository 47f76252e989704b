/* SPDX-License-Identifier: BSD-3-Clause */
/* The node arena and navigation. Node 0 is the message; links are indices (0 = none). */
#include <string.h>

#include "h248_priv.h"

void
h248_tree_init(struct mrfp_h248_tree *t, struct mrfp_h248_node *nodes, uint32_t cap, char *pool,
	       uint32_t pool_cap)
{
	t->nodes = nodes;
	t->cap = cap;
	t->pool = pool;
	t->pool_cap = pool != NULL ? pool_cap : 0;
	t->pool_len = 0;
	t->n = 0;
	if (cap == 0 || nodes == NULL)
		return;
	memset(&nodes[0], 0, sizeof(nodes[0]));
	nodes[0].tok = MRFP_H248_TOK_MEGACO;
	t->n = 1;
}

void
h248_node_link(struct mrfp_h248_tree *t, uint32_t parent, uint32_t child)
{
	struct mrfp_h248_node *p = &t->nodes[parent];

	if (p->first == 0)
		p->first = child;
	else
		t->nodes[p->last].next = child;
	p->last = child;
}

/* parent UINT32_MAX: left unlinked (a transaction is linked once it is complete). */
uint32_t
h248_node_new(struct mrfp_h248_tree *t, uint32_t parent)
{
	uint32_t idx;

	if (t->n >= t->cap)
		return 0;
	idx = t->n++;
	memset(&t->nodes[idx], 0, sizeof(t->nodes[idx]));
	if (parent != UINT32_MAX)
		h248_node_link(t, parent, idx);
	return idx;
}

const struct mrfp_h248_node *
h248_root(const struct mrfp_h248_tree *t)
{
	return t->n > 0 ? &t->nodes[0] : NULL;
}

const struct mrfp_h248_node *
h248_first(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	return n != NULL && n->first != 0 ? &t->nodes[n->first] : NULL;
}

const struct mrfp_h248_node *
h248_next(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n)
{
	return n != NULL && n->next != 0 ? &t->nodes[n->next] : NULL;
}

const struct mrfp_h248_node *
h248_find(const struct mrfp_h248_tree *t, const struct mrfp_h248_node *n, enum mrfp_h248_tok tok)
{
	const struct mrfp_h248_node *k;

	MRFP_H248_FOREACH(t, n, k)
	if (k->tok == tok)
		return k;
	return NULL;
}
