/* written_set.c: a bounded set of paths (see written_set.h). */
#include "written_set.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define SLOTS (2U * WRITTEN_MAX_PATHS)

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h % SLOTS);
}

void written_set_init(struct written_set *w)
{
	memset(w, 0, sizeof *w);
}

void written_set_free(struct written_set *w)
{
	for (size_t i = 0; w->slot && i < SLOTS; i++)
		free(w->slot[i]);
	free(w->slot);
	memset(w, 0, sizeof *w);
}

int written_set_has(const struct written_set *w, const char *path)
{
	if (!w->slot)
		return 0;
	for (size_t i = hash(path); w->slot[i]; i = (i + 1) % SLOTS)
		if (strcmp(w->slot[i], path) == 0)
			return 1;
	return 0;
}

void written_set_add(struct written_set *w, const char *path)
{
	size_t len = strlen(path), i;

	if (!w->slot) {
		w->slot = calloc(SLOTS, sizeof *w->slot);
		if (!w->slot)
			return;
	}
	if (written_set_has(w, path))
		return;
	if (w->n >= WRITTEN_MAX_PATHS || w->bytes + len > WRITTEN_MAX_BYTES) {
		if (!w->full_reported)
			fc_log(FC_TRACE_WARN, "%zu files written since start are "
			       "remembered; later ones are not known as written "
			       "(dropped-binary detection misses them)", w->n);
		w->full_reported = 1;
		return;
	}
	for (i = hash(path); w->slot[i]; i = (i + 1) % SLOTS)
		;
	w->slot[i] = strdup(path);
	if (w->slot[i]) {
		w->n++;
		w->bytes += len + 1;
	}
}
