/* strbuf.h: a growable byte buffer that is always NUL-terminated, for
 * building output (JSON documents, event lines, messages) piece by piece.
 * A failure (out of memory, or past the buffer's limit) latches, so that
 * a writer makes every call and checks once at the end. */
#ifndef FC_STRBUF_H
#define FC_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;                 /* NULL until the first byte */
	size_t len, cap;
	size_t max;              /* the most bytes s may hold (NUL included);
				  * 0: no limit */
	int failed;              /* out of memory, or over max */
};

/* Appends n bytes (any bytes, NUL too). */
void strbuf_put(struct strbuf *b, const void *p, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);

/* The text, which the caller now owns (NULL when nothing was written or
 * the buffer failed, in which case it is freed); b is emptied. */
char *strbuf_take(struct strbuf *b, size_t *len);

void strbuf_free(struct strbuf *b);

#endif
