/* strbuf.c: a growable, always NUL-terminated byte buffer. */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void strbuf_put(struct strbuf *b, const void *p, size_t n)
{
	size_t need;

	if (b->failed)
		return;
	if (n > (size_t)-1 / 2 - b->len - 1 ||
	    (b->max && b->len + n + 1 > b->max)) {
		b->failed = 1;
		return;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		char *grown;

		while (cap < need)
			cap *= 2;
		if (b->max && cap > b->max)
			cap = b->max;
		grown = realloc(b->s, cap);
		if (!grown) {
			b->failed = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_put(b, s, strlen(s));
}

char *strbuf_take(struct strbuf *b, size_t *len)
{
	char *s = b->failed ? NULL : b->s;

	if (len)
		*len = s ? b->len : 0;
	if (!s)
		free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return s;
}

void strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
