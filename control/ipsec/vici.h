/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VICI, strongSwan's control protocol (src/libcharon/plugins/vici/README.md), the part the IPsec
 * guard needs: segments (32-bit length), packets (type, 8-bit named tag), messages (sections,
 * key/values, lists). Debian ships no libvici header, and the protocol is small.
 * No allocation, no I/O: the encoder writes into a caller's buffer, the decoder points into the
 * caller's bytes. Every function is safe on any thread for distinct objects.
 */
#ifndef MRFP_CTL_VICI_H
#define MRFP_CTL_VICI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MRFP_VICI_MAX_SEGMENT (512 * 1024) /* README: "currently limited to 512KB" */

enum mrfp_vici_packet_type {
	MRFP_VICI_CMD_REQUEST = 0,
	MRFP_VICI_CMD_RESPONSE = 1,
	MRFP_VICI_CMD_UNKNOWN = 2,
	MRFP_VICI_EVENT_REGISTER = 3,
	MRFP_VICI_EVENT_UNREGISTER = 4,
	MRFP_VICI_EVENT_CONFIRM = 5,
	MRFP_VICI_EVENT_UNKNOWN = 6,
	MRFP_VICI_EVENT = 7,
};

enum mrfp_vici_elem_type {
	MRFP_VICI_SECTION_START = 1,
	MRFP_VICI_SECTION_END = 2,
	MRFP_VICI_KEY_VALUE = 3,
	MRFP_VICI_LIST_START = 4,
	MRFP_VICI_LIST_ITEM = 5,
	MRFP_VICI_LIST_END = 6,
};

/* Bytes in someone else's buffer; not NUL-terminated. */
struct mrfp_vici_str {
	const char *p;
	uint16_t len;
};

/* ---- encoder ---- */

/* The first error sticks; vici_enc_finish reports it, so callers chain without checks. */
struct mrfp_vici_enc {
	uint8_t *buf;
	size_t cap, len;
	int err;	/* 0, -ENOSPC (buffer), -EINVAL (name too long, bad nesting) */
	unsigned depth; /* open sections */
	bool in_list;
};

void vici_enc_init(struct mrfp_vici_enc *e, uint8_t *buf, size_t cap);
/* A segment header and a packet: its type, and its name for the named types. */
void vici_enc_packet(struct mrfp_vici_enc *e, enum mrfp_vici_packet_type type, const char *name);
void vici_enc_section(struct mrfp_vici_enc *e, const char *name);
void vici_enc_section_end(struct mrfp_vici_enc *e);
void vici_enc_kv(struct mrfp_vici_enc *e, const char *key, const char *value);
void vici_enc_list(struct mrfp_vici_enc *e, const char *name);
void vici_enc_item(struct mrfp_vici_enc *e, const char *value);
void vici_enc_list_end(struct mrfp_vici_enc *e);
/* Writes the segment length. *len = bytes to send. 0, or the sticky error. */
int vici_enc_finish(struct mrfp_vici_enc *e, size_t *len);

/* ---- decoder ---- */

/* Segment framing on a byte stream: 1 with *seg_len (header included) when a whole segment is
 * in buf, 0 when more bytes are needed, -EMSGSIZE when the length exceeds the limit. */
int vici_frame(const uint8_t *buf, size_t avail, size_t *seg_len);

struct mrfp_vici_packet {
	uint8_t type;
	struct mrfp_vici_str name; /* empty for unnamed types */
	const uint8_t *msg;
	size_t msg_len;
};

/* One segment's payload (after the 4-byte length). 0 or -EBADMSG (unknown type, truncated
 * name). */
int vici_packet_parse(const uint8_t *p, size_t len, struct mrfp_vici_packet *pkt);

/*
 * A decoded message: its elements in order. depth is the number of sections open around the
 * element (0 = root); a SECTION_END has the depth of its SECTION_START, list items and the
 * LIST_END that of their LIST_START.
 */
struct mrfp_vici_elem {
	uint8_t type;
	uint8_t depth;
	struct mrfp_vici_str name;  /* SECTION_START, KEY_VALUE, LIST_START */
	struct mrfp_vici_str value; /* KEY_VALUE, LIST_ITEM */
};

struct mrfp_vici_msg {
	struct mrfp_vici_elem *el;
	unsigned int n, cap;
};

#define MRFP_VICI_MAX_DEPTH 16

/*
 * Decode and validate (balanced sections, lists not nested and holding only items, nothing
 * truncated, at most MRFP_VICI_MAX_DEPTH sections deep). 0, -EBADMSG with the offending
 * offset in *where (may be NULL), or -ENOSPC when m->cap elements are too few.
 */
int vici_decode(const uint8_t *p, size_t len, struct mrfp_vici_msg *m, size_t *where);

/* ---- reading a decoded message ---- */

#define MRFP_VICI_ROOT (-1)

/* The next direct child (SECTION_START, KEY_VALUE or LIST_START) of section sect (an element
 * index or MRFP_VICI_ROOT) after element prev (-1: the first). -1 when there is none. */
int vici_next(const struct mrfp_vici_msg *m, int sect, int prev);
/* The direct child of sect with this type and name, or -1. */
int vici_find(const struct mrfp_vici_msg *m, int sect, enum mrfp_vici_elem_type type,
	      const char *name);
/* The value of the key/value named key in sect, or NULL. */
const struct mrfp_vici_str *vici_value(const struct mrfp_vici_msg *m, int sect, const char *key);
bool vici_str_eq(const struct mrfp_vici_str *s, const char *c);

#endif
