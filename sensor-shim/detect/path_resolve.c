/* path_resolve.c: tracee paths made absolute (see path_resolve.h). */
#include "path_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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

/* The sensor's own /proc/self/fd, opened by the first walk: a readlink
 * relative to it does not walk "/proc" and the "self" link again, which
 * is a third of its cost (about 0.7 us a call on the development VM, for
 * every walk). It names this process's table: a child made by fork
 * forgets it and opens its own. */
static int self_fds = -1;

static void forget_self_fds(void)
{
	if (self_fds >= 0)
		close(self_fds);
	self_fds = -1;
}

static int self_fd_dir(void)
{
	static int registered;

	if (self_fds >= 0)
		return self_fds;
	if (!registered)
		registered = pthread_atfork(NULL, NULL, forget_self_fds) == 0;
	if (registered)
		self_fds = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return self_fds;
}

/* Writes v in decimal into buf (room for 12 bytes), with its NUL. */
static void put_uint(char *buf, unsigned v)
{
	char tmp[12];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
}

/* The path of the sensor's descriptor fd: the kernel's name for what it
 * reached, every symbolic link and ".." resolved. */
static int fd_path(int fd, char *out)
{
	char self[32];
	int dir = self_fd_dir();
	ssize_t n;

	if (dir >= 0) {
		put_uint(self, (unsigned)fd);
		n = readlinkat(dir, self, out, PATH_RESOLVE_MAX - 1);
	} else {
		snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
		n = readlink(self, out, PATH_RESOLVE_MAX - 1);
	}
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

/* The tracee's root, as far as a walk must care: the same as the sensor's
 * (the same directory on the same mount, so the same mount namespace too,
 * since mount ids are never shared between namespaces) or another one (a
 * chroot, a private mount namespace). One statx of the magic link; the
 * sensor's own is read once. */
struct root_id {
	uint64_t mnt;
	dev_t dev;
	ino_t ino;
};

static int root_id_of(const char *path, struct root_id *r)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, 0, STATX_INO | STATX_MNT_ID, &sx) < 0)
		return -1;
	r->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	r->ino = sx.stx_ino;
	r->mnt = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0;
	return 0;
}

/* Whether a tracee's root can differ from the sensor's at all. Changing
 * it takes CAP_SYS_CHROOT (chroot) or CAP_SYS_ADMIN in the mount
 * namespace's owner (pivot_root, setns, a new mount namespace), which the
 * application has only with --allow=chroot or --allow=user-namespace;
 * without them the statx per walk (about 2 us) buys nothing. */
static int roots_may_differ = 1;

void path_resolve_roots_may_differ(int may)
{
	roots_may_differ = may;
}

static int foreign_root(pid_t tid)
{
	static struct root_id mine;
	static int have_mine;
	struct root_id theirs;
	char link[64];

	if (!roots_may_differ)
		return 0;
	if (!have_mine)
		have_mine = root_id_of("/", &mine) == 0;
	snprintf(link, sizeof link, "/proc/%d/root", (int)tid);
	if (!have_mine || root_id_of(link, &theirs) < 0)
		return 0; /* gone: the walk fails the same either way */
	return theirs.dev != mine.dev || theirs.ino != mine.ino || theirs.mnt != mine.mnt;
}

/* How names are walked for one resolution. Normally with open(2) from
 * the sensor's root (which is the tracee's) or from a /proc/TID magic
 * link. For a tracee with another root, names are walked inside that
 * root with openat2(RESOLVE_IN_ROOT): ".." stops at it and absolute
 * symbolic links start from it, as the kernel does for the tracee. */
struct walker {
	pid_t tid;
	int rootfd;              /* -1: open(2) as the sensor */
	int foreign;             /* the tracee's root is not the sensor's */
};

static int walk_open(const struct walker *w, const char *name, int flags)
{
	struct open_how how = { .flags = (uint64_t)(unsigned)(flags | O_PATH | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT };
	char full[PATH_RESOLVE_MAX];
	int fd;

	if (w->rootfd < 0)
		return open(name, flags | O_PATH | O_CLOEXEC);
	fd = (int)syscall(SYS_openat2, w->rootfd, name, &how, sizeof how);
	if (fd >= 0 || (errno != ELOOP && errno != EXDEV))
		return fd;
	/* RESOLVE_IN_ROOT refuses magic links (/proc/N/root in the path):
	 * then walked from the root's magic link, without the clamp. */
	snprintf(full, sizeof full, "/proc/%d/root", (int)w->tid);
	if (cat3(full, full, name[0] == '/' ? "" : "/", name) < 0)
		return -1;
	return open(full, flags | O_PATH | O_CLOEXEC);
}

/* For a tracee with its own root: the name to walk inside it (into full)
 * for path relative to dirfd (AT_FDCWD: its cwd). Returns 1 when full is
 * to be walked inside the root, 0 when the base is outside the root (a
 * chroot without chdir: the tracee's ".." is not clamped there either)
 * and full is a /proc/TID path to open as the sensor, -1 on failure. */
static int inside_root(pid_t tid, long long dirfd, const char *path, char *full)
{
	char base[PATH_RESOLVE_MAX], root[PATH_RESOLVE_MAX], head[64];
	size_t n;

	if (path[0] == '/')
		return rewrite_self(tid, path, full) < 0 ? -1 : 1;
	if (procfs_link(tid, "root", root, sizeof root) < 0 ||
	    (dirfd == AT_FDCWD ? procfs_link(tid, "cwd", base, sizeof base) < 0 :
	     path_of_fd(tid, (int)dirfd, base) < 0))
		return -1;
	n = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (base[0] == '/' && strncmp(base, root, n) == 0 &&
	    (base[n] == '/' || base[n] == '\0'))
		return cat3(full, base[n] ? base + n : "/", path[0] ? "/" : "", path) < 0 ?
		       -1 : 1;
	if (dirfd == AT_FDCWD)
		snprintf(head, sizeof head, "/proc/%d/cwd", (int)tid);
	else
		snprintf(head, sizeof head, "/proc/%d/fd/%d", (int)tid, (int)dirfd);
	return cat3(full, head, path[0] ? "/" : "", path) < 0 ? -1 : 0;
}

/* The name to walk for path (into full) and how (w): from the sensor's
 * root or a /proc/TID magic link, or inside the tracee's own root.
 * Returns 0, or -1 when it cannot be made. */
static int walk_start(pid_t tid, long long dirfd, const char *path, struct walker *w,
		      char *full)
{
	char head[64];

	if (foreign_root(tid)) {
		int in;

		w->foreign = 1;
		snprintf(head, sizeof head, "/proc/%d/root", (int)tid);
		w->rootfd = open(head, O_PATH | O_DIRECTORY | O_CLOEXEC);
		in = w->rootfd < 0 ? -1 : inside_root(tid, dirfd, path, full);
		if (in == 0 || (in < 0 && w->rootfd >= 0)) {
			close(w->rootfd);
			w->rootfd = -1;
		}
		return in < 0 ? -1 : 0;
	}
	if (path[0] == '/')
		return rewrite_self(tid, path, full) < 0 ? -1 : 0;
	if (dirfd == AT_FDCWD)
		snprintf(head, sizeof head, "/proc/%d/cwd", (int)tid);
	else
		snprintf(head, sizeof head, "/proc/%d/fd/%d", (int)tid, (int)dirfd);
	return cat3(full, head, path[0] ? "/" : "", path) < 0 ? -1 : 0;
}

static void no_stat(struct stat *st)
{
	if (st)
		memset(st, 0, sizeof *st);
}

/* Whether the walk's stat stands for lstat(out), once the walk got to
 * out's last name: it did so from the sensor's own root, it could stat
 * what is there, and out names it again (an unlinked file or directory
 * has " (deleted)" after its name). */
static int stands_for(const struct walker *w, const char *out, const struct stat *st,
		      int exists)
{
	return !w->foreign && (exists == 0 || st->st_ino != 0) &&
	       !strstr(out, " (deleted)");
}

/* The walk is the kernel's: the name is opened with O_PATH (nothing is
 * read, no device is opened) through the tracee's own cwd, descriptor,
 * /proc/PID or root, and the descriptor's path read back. A few syscalls
 * whatever the depth, where realpath(3) would lstat every component: this
 * runs for every traced open. The descriptor is also what st is read
 * from (one fstat): who the file is, whatever its name. */
int path_resolve_found(pid_t tid, long long dirfd, const char *path, int follow,
		       char *out, struct stat *st, int *found)
{
	char full[PATH_RESOLVE_MAX];
	struct walker w = { tid, -1, 0 };
	struct stat sb;
	const char *name;
	char *slash;
	int fd, exists = -1, seen = 0;

	no_stat(st);
	if (walk_start(tid, dirfd, path, &w, full) < 0)
		goto lex;
	slash = strrchr(full, '/');
	name = slash ? slash + 1 : full;
	if (!slash || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		/* A directory named by its own path: no last name to keep. */
		fd = walk_open(&w, full, 0);
		if (fd < 0 || fd_path(fd, out) < 0) {
			if (fd >= 0)
				close(fd);
			goto lex;
		}
		if (st && fstat(fd, st) < 0)
			no_stat(st);
		close(fd);
		exists = 1;
		seen = 1;
		goto out;
	}
	*slash = '\0';
	if ((follow & PATH_RESOLVE_NEW) && (follow & 1)) {
		/* Most likely nothing is there: its directory first, and the
		 * name in it (no symbolic link either) is all there is to
		 * know. Anything there is walked as below. */
		fd = walk_open(&w, slash == full ? "/" : full, O_DIRECTORY);
		if (fd < 0) {
			*slash = '/';
			goto lex; /* the whole name cannot be walked either */
		}
		if (fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			*slash = '/';
			goto in_dir;
		}
		close(fd);
	}
	*slash = '/';
	if (follow & 1) {
		fd = walk_open(&w, full, 0);
		if (fd >= 0) {
			int rc = fd_path(fd, out);

			if (rc == 0 && st && fstat(fd, st) < 0)
				no_stat(st);
			close(fd);
			if (rc == 0) {
				exists = 1;
				seen = 1;
				goto out;
			}
		}
	}
	*slash = '\0';
	fd = walk_open(&w, slash == full ? "/" : full, O_DIRECTORY);
	*slash = '/';
	if (fd < 0)
		goto lex;
	exists = fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
in_dir:
	if (fd_path(fd, out) < 0 ||
	    cat3(out, out, strcmp(out, "/") == 0 ? "" : "/", name) < 0) {
		close(fd);
		goto lex;
	}
	if (exists == 1 && st)
		*st = sb;
	close(fd);
	if (exists < 0)
		exists = 0;
	seen = 1;
	goto out;
lex:
	exists = lexical(tid, dirfd, path, out);
out:
	if (w.rootfd >= 0)
		close(w.rootfd);
	if (found)
		*found = seen && st && stands_for(&w, out, st, exists);
	return exists;
}

int path_resolve_st(pid_t tid, long long dirfd, const char *path, int follow,
		    char *out, struct stat *st)
{
	return path_resolve_found(tid, dirfd, path, follow, out, st, NULL);
}

int path_resolve(pid_t tid, long long dirfd, const char *path, int follow,
		 char *out)
{
	return path_resolve_st(tid, dirfd, path, follow, out, NULL);
}
