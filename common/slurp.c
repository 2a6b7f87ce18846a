/* slurp.c: bounded whole-file reads. */
#include "slurp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int slurp(const char *path, size_t max, const char *what, char **buf,
	  size_t *len, struct fc_err *e)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "from standard input" : path;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, n = 0;
	char *b = NULL;
	int rc = -1;

	if (fd < 0)
		return fc_fail(e, FC_ERR_INPUT, "cannot open %s \"%s\": %s%s", what,
			       path, strerror(errno),
			       errno == ENOENT ? " (with docker run, is its folder "
						 "mounted with -v?)" : "");
	b = malloc(cap + 1);
	if (!b) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				fc_fail(e, FC_ERR_INPUT,
					"%s %s is larger than %zu bytes: is it the "
					"right file?", what, shown, max);
				goto out;
			}
			char *bigger = realloc(b, cap * 2 + 1);

			if (!bigger) {
				fc_fail(e, FC_ERR_SYSTEM, "out of memory");
				goto out;
			}
			b = bigger;
			cap *= 2;
		}
		ssize_t got = read(fd, b + n, cap - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fc_fail(e, FC_ERR_INPUT, "cannot read %s %s: %s", what,
				shown, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > max) {
		fc_fail(e, FC_ERR_INPUT,
			"%s %s is larger than %zu bytes; a task definition is far "
			"smaller", what, shown, max);
		goto out;
	}
	if (n == 0) {
		fc_fail(e, FC_ERR_INPUT, "%s %s is empty", what, shown);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	if (!is_stdin)
		close(fd);
	return rc;
}
