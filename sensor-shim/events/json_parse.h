/* json_parse.h: a strict, small JSON reader for the static sensor, which
 * links no JSON library. It reads the two documents the sensor takes from
 * outside: the rules file (--rules) and the ECS task metadata replies.
 * Both are untrusted, so it refuses rather than guesses: duplicate keys,
 * invalid UTF-8, raw control characters, \u0000 (values are C strings),
 * nesting deeper than JPARSE_MAX_DEPTH, trailing bytes, and anything
 * RFC 8259 does not allow. Every value keeps its line and column, so that
 * a caller can say where a bad value is. */
#ifndef FC_JSON_PARSE_H
#define FC_JSON_PARSE_H

#include <stddef.h>

#define JPARSE_MAX_DEPTH 32

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	unsigned line, col;      /* where the value starts, 1-based */
	int b;                   /* JV_BOOL */
	double num;              /* JV_NUMBER */
	int is_int;              /* JV_NUMBER: no fraction or exponent, and
				  * fits in long long */
	long long i;             /* JV_NUMBER when is_int */
	char *str;               /* JV_STRING: NUL-terminated UTF-8 */
	size_t len;              /* JV_STRING: bytes, without the NUL */
	size_t n;                /* JV_ARRAY, JV_OBJECT: members */
	struct jv *items;        /* JV_ARRAY elements, JV_OBJECT values */
	char **keys;             /* JV_OBJECT: keys[k] names items[k] */
};

/* Why a document was refused: "line L, column C: what" in msg. */
struct jparse_err {
	unsigned line, col;
	char msg[160];
};

/* Parses text[0..len) (need not be NUL-terminated). Returns a tree the
 * caller frees with jv_free, or NULL with err filled (out of memory is
 * reported there too). */
struct jv *jparse(const char *text, size_t len, struct jparse_err *err);

void jv_free(struct jv *v);

/* The member of object o named key, or NULL (also when o is not an
 * object). */
const struct jv *jv_get(const struct jv *o, const char *key);

/* "string", "number", ... for messages. */
const char *jv_type_name(enum jv_type t);

#endif
