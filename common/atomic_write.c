/* atomic_write.c: temporary file, fsync, rename, fsync of the directory. */
#include "atomic_write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int atomic_write(const char *path, const void *data, size_t len, mode_t mode,
		 struct fc_err *e)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	mode_t mask = umask(0);
	int fd = -1, rc = -1, created = 0;

	umask(mask);
	if (!tmp)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot create a file beside \"%s\": %s",
			path, strerror(errno));
		goto out;
	}
	created = 1;
	if (fchmod(fd, mode & ~mask) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot write \"%s\": %s", tmp,
			strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		fc_fail(e, FC_ERR_SYSTEM, "cannot write \"%s\": %s", tmp,
			strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot rename \"%s\" to \"%s\": %s", tmp,
			path, strerror(errno));
		goto out;
	}
	sync_dir(path);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(tmp);
	free(tmp);
	return rc;
}
