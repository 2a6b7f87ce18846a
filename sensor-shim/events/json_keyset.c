/* json_keyset.c: duplicate keys found in linear time (json_keyset.h). */
#include "json_keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t key_hash(const char *k)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return (size_t)h;
}

int keyset_dup(struct keyset *ks, char **keys, size_t n)
{
	size_t h;

	if (n < KEYSET_FROM) {
		for (size_t k = 0; k < n; k++)
			if (strcmp(keys[k], keys[n]) == 0)
				return 1;
		return 0;
	}
	/* Kept at most half full. */
	if (!ks->slot || (n + 1) * 2 > ks->mask + 1) {
		size_t cap = ks->slot ? (ks->mask + 1) * 2 : KEYSET_FROM * 4;
		size_t *slot;

		if (cap > SIZE_MAX / sizeof *slot)
			return -1;
		slot = calloc(cap, sizeof *slot);
		if (!slot)
			return -1;
		free(ks->slot);
		ks->slot = slot;
		ks->mask = cap - 1;
		for (size_t k = 0; k < n; k++) {
			for (h = key_hash(keys[k]) & ks->mask; slot[h]; h = (h + 1) & ks->mask)
				;
			slot[h] = k + 1;
		}
	}
	for (h = key_hash(keys[n]) & ks->mask; ks->slot[h]; h = (h + 1) & ks->mask)
		if (strcmp(keys[ks->slot[h] - 1], keys[n]) == 0)
			return 1;
	ks->slot[h] = n + 1;
	return 0;
}
