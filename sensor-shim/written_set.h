/* written_set.h: the files traced processes have written since the sensor
 * started (opened for writing, created, renamed into place), by resolved
 * path, so that executing one is a "dropped binary". The set is bounded:
 * past WRITTEN_MAX_PATHS paths or WRITTEN_MAX_BYTES bytes it stops
 * growing, says so once, and later files are not known as written. */
#ifndef FC_WRITTEN_SET_H
#define FC_WRITTEN_SET_H

#include <stddef.h>

#define WRITTEN_MAX_PATHS 16384
#define WRITTEN_MAX_BYTES (4U << 20)

struct written_set {
	char **slot;             /* open addressing, 2 * WRITTEN_MAX_PATHS */
	size_t n, bytes;
	int full_reported;
};

void written_set_init(struct written_set *w);
void written_set_free(struct written_set *w);
void written_set_add(struct written_set *w, const char *path);
int written_set_has(const struct written_set *w, const char *path);

#endif
