/* remove_tree.c: recursive removal relative to a directory fd. */
#include "remove_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Recursion bounded by depth: a payload is flat, and a deeper tree (from a
 * corrupt volume) fails with ELOOP instead of exhausting the stack. */
static int remove_depth(int dirfd, const char *name, int depth) // NOLINT(misc-no-recursion)
{
	int fd, rc = 0;
	DIR *d;
	struct dirent *de;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return -1;
	if (depth == 0) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	/* Entries removed during a readdir pass may make the stream skip
	 * others, so pass again until one finds nothing to remove. */
	for (int removed = 1; rc == 0 && removed;) {
		removed = 0;
		rewinddir(d);
		while (rc == 0 && (de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			rc = remove_depth(fd, de->d_name, depth - 1); // NOLINT(misc-no-recursion)
			removed = 1;
		}
	}
	closedir(d);
	if (rc < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int remove_tree_at(int dirfd, const char *name)
{
	return remove_depth(dirfd, name, 16);
}
