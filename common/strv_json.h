/* strv_json.h: a JSON array of strings, such as the ENTRYPOINT that the
 * patcher records in FALCON_APP_ENTRYPOINT, turned into an argv. The
 * launcher is static and has no JSON library; the text comes from the
 * environment, so the parser accepts exactly RFC 8259 and nothing else. */
#ifndef FC_STRV_JSON_H
#define FC_STRV_JSON_H

#include <stddef.h>

#include "err.h"

/* Parses len bytes of text, which must be one JSON array whose elements are
 * all strings (the empty array included). Strings must be valid UTF-8 and may
 * not contain NUL (an argument cannot). On success *out is one malloc'd block
 * holding a NULL-terminated array of *count strings and the strings
 * themselves: free(*out) releases everything. On failure returns -1 and fills
 * e (FC_ERR_INPUT) with "byte N: what was wrong"; *out is untouched. */
int strv_json_parse(const char *text, size_t len, char ***out, size_t *count,
		    struct fc_err *e);

#endif
