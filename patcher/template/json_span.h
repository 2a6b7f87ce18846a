/* json_span.h: where a value sits in JSON text, found by its path of
 * object keys, so that one value can be replaced and every other byte of
 * the document kept as the user wrote it. */
#ifndef FC_PATCHER_JSON_SPAN_H
#define FC_PATCHER_JSON_SPAN_H

#include <stddef.h>

struct json_span {
	size_t start, end; /* [start, end): the value, from its first to its last character */
	size_t key_line;   /* offset of the start of the line that holds its key */
};

/* Follows path (n keys, each an object member) from the top of text.
 * Returns 0, or -1 when a key is missing or the text breaks off. Meant for
 * text that json_doc_parse accepted, but safe on any bytes. */
int json_span_find(const char *text, size_t len, const char *const *path,
		   size_t n, struct json_span *span);

#endif
