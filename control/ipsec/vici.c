/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VICI codec: segments, packets and messages as strongSwan's vici README describes them.
 * Input comes from charon, but a local socket is still input: every length is checked against
 * what is left, and a malformed message is an error, never a read past the buffer.
 */
#include <errno.h>
#include <string.h>

#include "vici.h"

/* ---- encoder ---- */

void
vici_enc_init(struct mrfp_vici_enc *e, uint8_t *buf, size_t cap)
{
	memset(e, 0, sizeof(*e));
	e->buf = buf;
	e->cap = cap;
}

static void
put(struct mrfp_vici_enc *e, const void *p, size_t n)
{
	if (e->err != 0)
		return;
	if (e->cap - e->len < n) {
		e->err = -ENOSPC;
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void
put_u8(struct mrfp_vici_enc *e, uint8_t v)
{
	put(e, &v, 1);
}

/* 8-bit length, then the bytes: names of packets, sections, keys and lists. */
static void
put_name(struct mrfp_vici_enc *e, const char *name)
{
	size_t n = strlen(name);
	if (n > UINT8_MAX) {
		e->err = e->err ? e->err : -EINVAL;
		return;
	}
	put_u8(e, (uint8_t)n);
	put(e, name, n);
}

/* 16-bit network-order length, then the bytes: values and list items. */
static void
put_value(struct mrfp_vici_enc *e, const char *value)
{
	size_t n = strlen(value);
	if (n > UINT16_MAX) {
		e->err = e->err ? e->err : -EINVAL;
		return;
	}
	uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};
	put(e, len, 2);
	put(e, value, n);
}

static bool
named_packet(uint8_t type)
{
	return type == MRFP_VICI_CMD_REQUEST || type == MRFP_VICI_EVENT_REGISTER ||
	       type == MRFP_VICI_EVENT_UNREGISTER || type == MRFP_VICI_EVENT;
}

void
vici_enc_packet(struct mrfp_vici_enc *e, enum mrfp_vici_packet_type type, const char *name)
{
	static const uint8_t no_len[4];
	put(e, no_len, sizeof(no_len)); /* the segment length, filled in by finish */
	put_u8(e, (uint8_t)type);
	if (named_packet(type))
		put_name(e, name);
}

/* Elements other than items are not allowed inside a list (README "Lists"). */
static void
element(struct mrfp_vici_enc *e, uint8_t type)
{
	if (e->in_list && type != MRFP_VICI_LIST_ITEM && type != MRFP_VICI_LIST_END)
		e->err = e->err ? e->err : -EINVAL;
	put_u8(e, type);
}

void
vici_enc_section(struct mrfp_vici_enc *e, const char *name)
{
	element(e, MRFP_VICI_SECTION_START);
	put_name(e, name);
	e->depth++;
}

void
vici_enc_section_end(struct mrfp_vici_enc *e)
{
	if (e->depth == 0)
		e->err = e->err ? e->err : -EINVAL;
	element(e, MRFP_VICI_SECTION_END);
	e->depth--;
}

void
vici_enc_kv(struct mrfp_vici_enc *e, const char *key, const char *value)
{
	element(e, MRFP_VICI_KEY_VALUE);
	put_name(e, key);
	put_value(e, value);
}

void
vici_enc_list(struct mrfp_vici_enc *e, const char *name)
{
	element(e, MRFP_VICI_LIST_START);
	put_name(e, name);
	e->in_list = true;
}

void
vici_enc_item(struct mrfp_vici_enc *e, const char *value)
{
	if (!e->in_list)
		e->err = e->err ? e->err : -EINVAL;
	element(e, MRFP_VICI_LIST_ITEM);
	put_value(e, value);
}

void
vici_enc_list_end(struct mrfp_vici_enc *e)
{
	if (!e->in_list)
		e->err = e->err ? e->err : -EINVAL;
	element(e, MRFP_VICI_LIST_END);
	e->in_list = false;
}

int
vici_enc_finish(struct mrfp_vici_enc *e, size_t *len)
{
	if (e->err == 0 && (e->depth != 0 || e->in_list || e->len < 5))
		e->err = -EINVAL;
	if (e->err != 0)
		return e->err;
	size_t n = e->len - 4;
	if (n > MRFP_VICI_MAX_SEGMENT)
		return -EMSGSIZE;
	e->buf[0] = (uint8_t)(n >> 24);
	e->buf[1] = (uint8_t)(n >> 16);
	e->buf[2] = (uint8_t)(n >> 8);
	e->buf[3] = (uint8_t)n;
	*len = e->len;
	return 0;
}

/* ---- decoder ---- */

int
vici_frame(const uint8_t *buf, size_t avail, size_t *seg_len)
{
	if (avail < 4)
		return 0;
	size_t n = (size_t)buf[0] << 24 | (size_t)buf[1] << 16 | (size_t)buf[2] << 8 | buf[3];
	if (n > MRFP_VICI_MAX_SEGMENT || n == 0)
		return -EMSGSIZE;
	if (avail - 4 < n)
		return 0;
	*seg_len = n + 4;
	return 1;
}

int
vici_packet_parse(const uint8_t *p, size_t len, struct mrfp_vici_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (len < 1 || p[0] > MRFP_VICI_EVENT)
		return -EBADMSG;
	pkt->type = p[0];
	size_t off = 1;
	if (named_packet(p[0])) {
		if (len < 2 || len - 2 < p[1])
			return -EBADMSG;
		pkt->name = (struct mrfp_vici_str){(const char *)p + 2, p[1]};
		off = 2 + (size_t)p[1];
	}
	pkt->msg = p + off;
	pkt->msg_len = len - off;
	return 0;
}

/* Decoding state: where we are and what is open. */
struct dec {
	const uint8_t *p;
	size_t len, off;
	unsigned depth;
	bool in_list;
};

static int
get_name(struct dec *d, struct mrfp_vici_str *s)
{
	if (d->len - d->off < 1 || d->len - d->off - 1 < d->p[d->off])
		return -EBADMSG;
	*s = (struct mrfp_vici_str){(const char *)d->p + d->off + 1, d->p[d->off]};
	d->off += 1 + (size_t)s->len;
	return 0;
}

static int
get_value(struct dec *d, struct mrfp_vici_str *s)
{
	if (d->len - d->off < 2)
		return -EBADMSG;
	uint16_t n = (uint16_t)(d->p[d->off] << 8 | d->p[d->off + 1]);
	if (d->len - d->off - 2 < n)
		return -EBADMSG;
	*s = (struct mrfp_vici_str){(const char *)d->p + d->off + 2, n};
	d->off += 2 + (size_t)n;
	return 0;
}

/* Structure rules of README "Sections" and "Lists" for one element type. */
static int
check_structure(struct dec *d, uint8_t type)
{
	bool list_elem = type == MRFP_VICI_LIST_ITEM || type == MRFP_VICI_LIST_END;
	if (d->in_list != list_elem)
		return -EBADMSG;
	if (type == MRFP_VICI_SECTION_END && d->depth == 0)
		return -EBADMSG;
	if (type == MRFP_VICI_SECTION_START && d->depth >= MRFP_VICI_MAX_DEPTH)
		return -EBADMSG;
	return type >= MRFP_VICI_SECTION_START && type <= MRFP_VICI_LIST_END ? 0 : -EBADMSG;
}

static int
decode_one(struct dec *d, struct mrfp_vici_elem *el)
{
	uint8_t type = d->p[d->off++];
	int rc = check_structure(d, type);
	if (rc < 0)
		return rc;
	memset(el, 0, sizeof(*el));
	el->type = type;
	el->depth = (uint8_t)(type == MRFP_VICI_SECTION_END ? d->depth - 1 : d->depth);
	switch (type) {
	case MRFP_VICI_SECTION_START:
		d->depth++;
		return get_name(d, &el->name);
	case MRFP_VICI_SECTION_END:
		d->depth--;
		return 0;
	case MRFP_VICI_KEY_VALUE:
		rc = get_name(d, &el->name);
		return rc < 0 ? rc : get_value(d, &el->value);
	case MRFP_VICI_LIST_START:
		d->in_list = true;
		return get_name(d, &el->name);
	case MRFP_VICI_LIST_ITEM:
		return get_value(d, &el->value);
	default: /* LIST_END */
		d->in_list = false;
		return 0;
	}
}

int
vici_decode(const uint8_t *p, size_t len, struct mrfp_vici_msg *m, size_t *where)
{
	struct dec d = {.p = p, .len = len};
	int rc = 0;
	m->n = 0;
	while (d.off < d.len && rc == 0) {
		size_t at = d.off;
		if (m->n == m->cap)
			return -ENOSPC;
		rc = decode_one(&d, &m->el[m->n]);
		if (rc < 0 && where != NULL)
			*where = at;
		m->n++;
	}
	if (rc == 0 && (d.depth != 0 || d.in_list)) { /* truncated: something left open */
		rc = -EBADMSG;
		if (where != NULL)
			*where = d.len;
	}
	if (rc < 0)
		m->n = 0;
	return rc;
}

/* ---- reading ---- */

int
vici_next(const struct mrfp_vici_msg *m, int sect, int prev)
{
	unsigned depth = sect < 0 ? 0 : m->el[sect].depth + 1u;
	int i = prev < 0 ? sect + 1 : prev + 1;
	for (; i >= 0 && (unsigned)i < m->n; i++) {
		const struct mrfp_vici_elem *el = &m->el[i];
		if (el->depth < depth) /* the SECTION_END of sect, or beyond */
			return -1;
		if (el->depth == depth &&
		    (el->type == MRFP_VICI_SECTION_START || el->type == MRFP_VICI_KEY_VALUE ||
		     el->type == MRFP_VICI_LIST_START))
			return i;
	}
	return -1;
}

bool
vici_str_eq(const struct mrfp_vici_str *s, const char *c)
{
	size_t n = strlen(c);
	return s->len == n && memcmp(s->p, c, n) == 0;
}

int
vici_find(const struct mrfp_vici_msg *m, int sect, enum mrfp_vici_elem_type type, const char *name)
{
	for (int i = vici_next(m, sect, -1); i >= 0; i = vici_next(m, sect, i))
		if (m->el[i].type == type && vici_str_eq(&m->el[i].name, name))
			return i;
	return -1;
}

const struct mrfp_vici_str *
vici_value(const struct mrfp_vici_msg *m, int sect, const char *key)
{
	int i = vici_find(m, sect, MRFP_VICI_KEY_VALUE, key);
	return i < 0 ? NULL : &m->el[i].value;
}
