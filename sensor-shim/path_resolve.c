/* path_resolve.c: tracee paths made absolute (see path_resolve.h). */
#include "path_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

int path_of_fd(pid_t tid, int fd, char *out)
{
	char what[32];

	if (fd < 0)
		return -1;
	snprintf(what, sizeof what, "fd/%d", fd);
	return procfs_link(tid, what, out, PATH_RESOLVE_MAX) < 0 ? -1 : 0;
}

const char *path_base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

const char *path_fd_type(const char *link)
{
	if (strncmp(link, "socket:", 7) == 0)
		return "socket";
	if (strncmp(link, "pipe:", 5) == 0)
		return "pipe";
	if (strncmp(link, "/dev/pts/", 9) == 0 || strncmp(link, "/dev/tty", 8) == 0 ||
	    strcmp(link, "/dev/console") == 0)
		return "tty";
	if (link[0] == '/')
		return "file";
	return "other";
}

void path_clean(char *p)
{
	char *out = p, *in = p;

	if (*in != '/')
		return;
	while (*in) {
		size_t n;

		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (n == 0)
			break;
		if (n == 1 && in[0] == '.') {
			in += n;
			continue;
		}
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
			in += n;
			continue;
		}
		*out++ = '/';
		memmove(out, in, n);
		out += n;
		in += n;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* a + b + c into out (PATH_RESOLVE_MAX bytes); -1 when it does not fit. */
static int cat3(char *out, const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);

	if (na + nb + nc >= PATH_RESOLVE_MAX)
		return -1;
	/* Back to front: a and out may be the same buffer. The NUL comes
	 * with c. */
	memmove(out + na + nb, c, nc + 1);
	memmove(out + na, b, nb); /* NOLINT(bugprone-not-null-terminated-result) */
	memmove(out, a, na);      /* NOLINT(bugprone-not-null-terminated-result) */
	return 0;
}

/* "/proc/self/..." and friends, which name the caller, for tid. */
static int rewrite_self(pid_t tid, const char *in, char *out)
{
	static const struct {
		const char *from;
		const char *to;  /* then "/" and the rest; %d is tid */
	} names[] = {
		{ "/proc/self", "" },
		{ "/proc/thread-self", "/task/%" },
		{ "/dev/fd", "/fd" },
		{ "/dev/stdin", "/fd/0" },
		{ "/dev/stdout", "/fd/1" },
		{ "/dev/stderr", "/fd/2" },
	};
	char head[64];

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t n = strlen(names[i].from);
		const char *to = names[i].to;

		if (strncmp(in, names[i].from, n) != 0 || (in[n] != '/' && in[n] != '\0'))
			continue;
		if (strcmp(to, "/task/%") == 0)
			snprintf(head, sizeof head, "/proc/%d/task/%d", (int)tid, (int)tid);
		else
			snprintf(head, sizeof head, "/proc/%d%s", (int)tid, to);
		return cat3(out, head, in + n, "");
	}
	return cat3(out, in, "", "");
}

/* The path of the sensor's descriptor fd: the kernel's name for what it
 * reached, every symbolic link and ".." resolved. */
static int fd_path(int fd, char *out)
{
	char self[32];
	ssize_t n;

	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	n = readlink(self, out, PATH_RESOLVE_MAX - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* The path made absolute by text alone, for when the kernel cannot walk
 * it (a directory that does not exist): a message's best guess. */
static int lexical(pid_t tid, long long dirfd, const char *path, char *out)
{
	char base[PATH_RESOLVE_MAX] = "";

	if (path[0] != '/' && (dirfd == AT_FDCWD ?
			       procfs_link(tid, "cwd", base, sizeof base) < 0 :
			       path_of_fd(tid, (int)dirfd, base) < 0))
		base[0] = '\0';
	if (cat3(out, base, "/", path) < 0)
		cat3(out, "", "", "");
	path_clean(out);
	return errno == ENOENT ? 0 : -1;
}

/* The walk is the kernel's: the name is opened with O_PATH (nothing is
 * read, no device is opened) through the tracee's own cwd, descriptor or
 * /proc/PID, and the descriptor's path read back. A few syscalls whatever
 * the depth, where realpath(3) would lstat every component: this runs for
 * every traced open. */
int path_resolve(pid_t tid, long long dirfd, const char *path, int follow,
		 char *out)
{
	char full[PATH_RESOLVE_MAX], head[64];
	const char *name;
	char *slash;
	struct stat st;
	int fd, exists;

	if (path[0] == '/') {
		if (rewrite_self(tid, path, full) < 0)
			return lexical(tid, dirfd, path, out);
	} else {
		if (dirfd == AT_FDCWD)
			snprintf(head, sizeof head, "/proc/%d/cwd", (int)tid);
		else
			snprintf(head, sizeof head, "/proc/%d/fd/%d", (int)tid, (int)dirfd);
		if (cat3(full, head, path[0] ? "/" : "", path) < 0)
			return lexical(tid, dirfd, path, out);
	}
	if (follow) {
		fd = open(full, O_PATH | O_CLOEXEC);
		if (fd >= 0) {
			int rc = fd_path(fd, out);

			close(fd);
			if (rc == 0)
				return 1;
		}
	}
	slash = strrchr(full, '/');
	name = slash + 1;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		/* A directory named by its own path: no last name to keep. */
		fd = open(full, O_PATH | O_CLOEXEC);
		if (fd < 0 || fd_path(fd, out) < 0) {
			if (fd >= 0)
				close(fd);
			return lexical(tid, dirfd, path, out);
		}
		close(fd);
		return 1;
	}
	*slash = '\0';
	fd = open(slash == full ? "/" : full, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*slash = '/';
	if (fd < 0)
		return lexical(tid, dirfd, path, out);
	if (fd_path(fd, out) < 0 ||
	    cat3(out, out, strcmp(out, "/") == 0 ? "" : "/", name) < 0) {
		close(fd);
		return lexical(tid, dirfd, path, out);
	}
	exists = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(fd);
	return exists;
}
