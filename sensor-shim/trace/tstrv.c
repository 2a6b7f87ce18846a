/* tstrv.c: a kept string array's memory (tstrv.h). */
#include "tstrv.h"

#include <stdlib.h>

int tstrv_reserve(struct tstrv *v, size_t need)
{
	size_t cap = v->cap ? v->cap : 256;
	char *grown;

	if (v->used + need <= v->cap)
		return 0;
	while (cap < v->used + need)
		cap *= 2;
	if (cap > ARGV_MAX_TOTAL)
		cap = ARGV_MAX_TOTAL;
	grown = realloc(v->buf, cap);
	if (!grown)
		return -1;
	v->buf = grown;
	v->cap = cap;
	return 0;
}

void tstrv_init(struct tstrv *v)
{
	v->buf = NULL;
	v->used = v->cap = v->n = 0;
	v->count = 0;
	v->flags = 0;
}

void tstrv_free(struct tstrv *v)
{
	free(v->buf);
	v->buf = NULL;
	v->used = v->cap = v->n = 0;
}
