/* json_keyset.h: the duplicate-key check of the JSON reader. */
#ifndef FC_JSON_KEYSET_H
#define FC_JSON_KEYSET_H

#include <stddef.h>

/* Duplicate keys in big objects: an open-addressing table of key indices,
 * so that a hostile document cannot make the check quadratic. Small
 * objects, the usual case, are compared in a loop without it. */
#define KEYSET_FROM 8

struct keyset {
	size_t *slot; /* index + 1, 0 when empty */
	size_t mask;
};

/* 1 if keys[n] repeats one of keys[0..n), 0 if not, -1 out of memory.
 * Called for n = 0, 1, 2... of one object in turn; ks starts zeroed and
 * its slot is freed by the caller. */
int keyset_dup(struct keyset *ks, char **keys, size_t n);

#endif
