/* json_out.h: writing one JSON document (an event line) into a growing
 * buffer. The sensor links no JSON library (it is static and small), and
 * strings come from tracees, which may hold any bytes: every string is
 * written as valid UTF-8 JSON, with invalid bytes replaced by U+FFFD and
 * control characters escaped, so that a line is always one valid line. */
#ifndef FC_JSON_OUT_H
#define FC_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define JOUT_MAX_DEPTH 16

struct jout {
	struct strbuf out;       /* out.max: the line may not grow beyond
				  * it; out.failed: out of memory, over max,
				  * too deep, or a key out of place */
	unsigned depth;
	int after_key;           /* the next value follows "key": */
	unsigned char has_items[JOUT_MAX_DEPTH];
	unsigned char is_array[JOUT_MAX_DEPTH];
	size_t items[JOUT_MAX_DEPTH];
	/* Caps for a line that must stay short (jout_set_caps); 0: none. */
	size_t str_cap, items_cap;
	size_t cut;              /* strings cut and array strings left out */
	int scratch;             /* out is the thread's kept buffer (json_out.c) */
};

/* An empty document that may grow to max bytes. */
void jout_init(struct jout *j, size_t max);
void jout_free(struct jout *j);

/* From now on, a string value keeps at most str_cap bytes (cut at a
 * UTF-8 boundary) and an array at most items_cap strings; each cut or
 * left-out string counts in j->cut. Member names are never cut. For a
 * line that must fit a size (a Finding on a shared pipe). */
void jout_set_caps(struct jout *j, size_t str_cap, size_t items_cap);

/* The document followed by '\n', as a NUL-terminated line the caller
 * frees; NULL if writing it failed or it is not complete. j is emptied. */
char *jout_take_line(struct jout *j, size_t *len);

void jout_obj_begin(struct jout *j);
void jout_obj_end(struct jout *j);
void jout_arr_begin(struct jout *j);
void jout_arr_end(struct jout *j);

/* A member name: an ASCII literal from our own code. */
void jout_key(struct jout *j, const char *key);

/* A string of n arbitrary bytes. */
void jout_bytes(struct jout *j, const void *bytes, size_t n);
/* A NUL-terminated string; NULL writes null. */
void jout_str(struct jout *j, const char *s);
void jout_int(struct jout *j, long long v);
void jout_bool(struct jout *j, int v);
void jout_null(struct jout *j);

/* Shorthands: "key": value. */
void jout_kstr(struct jout *j, const char *key, const char *s);
void jout_kint(struct jout *j, const char *key, long long v);
void jout_kbool(struct jout *j, const char *key, int v);
void jout_kobj(struct jout *j, const char *key);
void jout_karr(struct jout *j, const char *key);

#endif
