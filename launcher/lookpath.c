/* lookpath.c: runc's executable lookup. */
#include "lookpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void lookpath_clean(char *path)
{
	int rooted = path[0] == '/';
	size_t r = 0, w = 0, dotdot = 0; /* w never rewinds below dotdot */

	if (rooted) {
		path[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (path[r]) {
		size_t len = strcspn(path + r, "/");

		if (len == 0 || (len == 1 && path[r] == '.')) {
			/* empty or "." element */
		} else if (len == 2 && path[r] == '.' && path[r + 1] == '.') {
			if (w > dotdot) {
				/* drop the previous element */
				w--;
				while (w > dotdot && path[w] != '/')
					w--;
			} else if (!rooted) {
				/* a leading ".." of a relative path stays */
				if (w > 0)
					path[w++] = '/';
				path[w++] = '.';
				path[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				path[w++] = '/';
			memmove(path + w, path + r, len);
			w += len;
		}
		r += len;
		while (path[r] == '/')
			r++;
	}
	if (w == 0)
		path[w++] = '.';
	path[w] = '\0';
}

/* Go's findExecutable: 0, or the errno that disqualifies the file. */
static int find_executable(const char *file)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) == 0)
		return 0;
	/* Seccomp profiles may refuse faccessat2; Go then reads the bits. */
	if (errno != ENOSYS && errno != EPERM)
		return errno;
	return st.st_mode & 0111 ? 0 : EACCES;
}

static enum lookpath_result with_slash(const char *name, char **resolved,
				       struct fc_err *e)
{
	int err = find_executable(name);

	if (err == ENOENT) {
		fc_fail(e, FC_ERR_INPUT, "\"%s\": no such file or directory", name);
		return LOOKPATH_NOT_FOUND;
	}
	if (err) {
		fc_fail(e, FC_ERR_INPUT, "\"%s\" cannot be executed: %s", name,
			strerror(err));
		return LOOKPATH_NOT_EXECUTABLE;
	}
	/* Go returns such a name as it is, uncleaned. */
	if (!(*resolved = strdup(name))) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		return LOOKPATH_ERROR;
	}
	return LOOKPATH_FOUND;
}

/* One PATH entry, dir[0..dlen) ("" meaning "."): 1 if it holds name. */
static int try_entry(const char *dir, size_t dlen, const char *name,
		     char **cand, struct fc_err *e)
{
	size_t nlen = strlen(name);

	if (dlen == 0) {
		dir = ".";
		dlen = 1;
	}
	if (!(*cand = malloc(dlen + nlen + 2))) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		return -1;
	}
	memcpy(*cand, dir, dlen);
	(*cand)[dlen] = '/';
	memcpy(*cand + dlen + 1, name, nlen + 1);
	lookpath_clean(*cand);
	if (find_executable(*cand) == 0)
		return 1;
	free(*cand);
	*cand = NULL;
	return 0;
}

enum lookpath_result lookpath(const char *name, const char *path_env,
			      char **resolved, struct fc_err *e)
{
	const char *p = path_env;

	if (strchr(name, '/'))
		return with_slash(name, resolved, e);
	/* Go splits "" into no entries at all, and "a::b" or "a:" into entries
	 * that include empty ones. */
	if (p && *p) {
		for (;;) {
			const char *colon = strchr(p, ':');
			size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
			char *cand;
			int hit = try_entry(p, dlen, name, &cand, e);

			if (hit < 0)
				return LOOKPATH_ERROR;
			if (hit && cand[0] != '/') {
				fc_fail(e, FC_ERR_INPUT,
					"\"%s\" was found only relative to the current "
					"directory (PATH entry \"%.*s\"%s), which runc "
					"refuses to run: give its absolute path or fix PATH",
					name, (int)dlen, p, dlen ? "" : ", which means \".\"");
				free(cand);
				return LOOKPATH_NOT_FOUND;
			}
			if (hit) {
				*resolved = cand;
				return LOOKPATH_FOUND;
			}
			if (!colon)
				break;
			p = colon + 1;
		}
	}
	fc_fail(e, FC_ERR_INPUT, "\"%s\": executable file not found in $PATH (PATH=%s)",
		name, path_env ? path_env : "");
	return LOOKPATH_NOT_FOUND;
}
