/* json_doc.h: JSON in and out without changing what the user wrote.
 *
 * cJSON turns every number into a double, so "1.0" would come back as "1"
 * and integers above 2^53 would change. json_doc_parse() keeps each number's
 * exact text (as a cJSON_Raw node), and json_doc_print() writes it back
 * verbatim. It is also stricter than cJSON about what it accepts, because the
 * input is untrusted: no duplicate keys, no trailing data, bounded depth. */
#ifndef FC_JSON_DOC_H
#define FC_JSON_DOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

/* Deeper nesting than any ECS task definition needs; the bound keeps every
 * recursive walk over the tree shallow. */
#define JSON_DOC_MAX_DEPTH 64

/* Parses exactly len bytes. On failure returns NULL and fills e with
 * FC_ERR_INPUT; `what` names the input in the message ("task definition"). */
cJSON *json_doc_parse(const char *text, size_t len, const char *what,
		      struct fc_err *e);

/* Serialises v; pretty uses four-space indents, as the AWS CLI prints.
 * Returns a malloc'd NUL-terminated string, or NULL when out of memory. */
char *json_doc_print(const cJSON *v, int pretty, size_t *len);

/* Sets obj[key] = val, replacing an existing member in place so key order is
 * kept, or appending. Takes ownership of val. Returns 0, or -1 when out of
 * memory (val is freed). */
int json_doc_put(cJSON *obj, const char *key, cJSON *val);

/* 1 if v is an array whose items are all strings, else 0. */
int json_doc_is_string_array(const cJSON *v);

#endif
