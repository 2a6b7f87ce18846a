/* test_path_resolve.c: tracee paths made absolute. First path_clean on a
 * table; then path_resolve on this very process (a tracee is just a pid
 * to it), in a scratch tree with symbolic links, a directory descriptor,
 * "/proc/self" (which must mean the tracee, not the resolver), a memfd,
 * names that do not exist and directories that do not exist. */
#include "unit.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path_resolve.h"

static const struct {
	const char *in, *want;
} clean_table[] = {
	{ "/", "/" },
	{ "//", "/" },
	{ "/etc//shadow", "/etc/shadow" },
	{ "/etc/./shadow", "/etc/shadow" },
	{ "/etc/../etc/shadow", "/etc/shadow" },
	{ "/../../etc/shadow", "/etc/shadow" },
	{ "/a/b/c/../../d", "/a/d" },
	{ "/a/b/", "/a/b" },
	{ "/a/..", "/" },
	{ "/..", "/" },
	{ "/.", "/" },
	{ "/...", "/..." },
	{ "/a/.b/..c", "/a/.b/..c" },
};

static void test_clean(void)
{
	for (size_t i = 0; i < sizeof clean_table / sizeof *clean_table; i++) {
		char buf[PATH_RESOLVE_MAX];

		snprintf(buf, sizeof buf, "%s", clean_table[i].in);
		path_clean(buf);
		unit_streq(buf, clean_table[i].want, clean_table[i].in);
	}
}

static char root[PATH_RESOLVE_MAX]; /* the scratch tree, resolved */

static void same_with_hints(long long dirfd, const char *path, int follow, int rc,
			    const char *want);

static void check(long long dirfd, const char *path, int follow, int want_rc,
		  const char *want_rel)
{
	char got[PATH_RESOLVE_MAX], want[2 * PATH_RESOLVE_MAX + 2];
	int rc = path_resolve(getpid(), dirfd, path, follow, got);

	if (want_rel[0] == '/')
		snprintf(want, sizeof want, "%s", want_rel);
	else if (!want_rel[0])
		snprintf(want, sizeof want, "%s", root);
	else
		snprintf(want, sizeof want, "%s/%s", root, want_rel);
	if (!CHECK(rc == want_rc && strcmp(got, want) == 0, "resolve %s%s (dirfd %lld)",
		   path, follow ? "" : " nofollow", dirfd))
		unit_diag("got %d \"%s\", want %d \"%s\"", rc, got, want_rc, want);
	same_with_hints(dirfd, path, follow, rc, got);
}

/* The hint that a name is new changes how it is walked, never the
 * answer; and when the walk says its stat stands for lstat(out), it does. */
static void same_with_hints(long long dirfd, const char *path, int follow, int rc,
			    const char *want)
{
	for (int hint = 0; hint <= PATH_RESOLVE_NEW; hint += PATH_RESOLVE_NEW) {
		char got[PATH_RESOLVE_MAX];
		struct stat st, lst;
		int found = -1, rc2, lrc;

		rc2 = path_resolve_found(getpid(), dirfd, path, follow | hint, got, &st, &found);
		CHECK(rc2 == rc && strcmp(got, want) == 0, "resolve %s%s%s: the same answer",
		      path, follow ? "" : " nofollow", hint ? " (new)" : "");
		if (found != 1)
			continue;
		lrc = lstat(got, &lst);
		CHECK(lrc < 0 ? st.st_ino == 0 :
		      st.st_ino == lst.st_ino && st.st_dev == lst.st_dev,
		      "resolve %s%s%s: its stat is lstat's", path, follow ? "" : " nofollow",
		      hint ? " (new)" : "");
	}
}

/* Whether path_resolve_found says its stat stands for the name. */
static int found_of(const char *path, int follow, ino_t *ino)
{
	char got[PATH_RESOLVE_MAX];
	struct stat st;
	int found = -1;

	path_resolve_found(getpid(), AT_FDCWD, path, follow, got, &st, &found);
	*ino = st.st_ino;
	return found;
}

static void test_resolve(void)
{
	char tmpl[] = "/tmp/fc-test-path.XXXXXX", cwd[PATH_RESOLVE_MAX], path[PATH_RESOLVE_MAX + 64];
	int dfd, mfd;

	if (!CHECK(mkdtemp(tmpl) != NULL, "a scratch directory"))
		return;
	if (!CHECK(realpath(tmpl, root) != NULL, "its real path"))
		return;
	snprintf(path, sizeof path, "%s/dir", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/dir/file", root);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof path, "%s/link-to-file", root);
	CHECK(symlink("dir/file", path) == 0, "a symlink to a file");
	snprintf(path, sizeof path, "%s/link-to-dir", root);
	CHECK(symlink("dir", path) == 0, "a symlink to a directory");
	snprintf(path, sizeof path, "%s/link-to-shadow", root);
	CHECK(symlink("/etc/shadow", path) == 0, "a symlink to /etc/shadow");
	snprintf(path, sizeof path, "%s/dangling", root);
	CHECK(symlink("nowhere", path) == 0, "a symlink to nothing");
	if (!getcwd(cwd, sizeof cwd) || chdir(root) < 0) {
		CHECK(0, "chdir into the scratch tree");
		return;
	}

	check(AT_FDCWD, "dir/file", 1, 1, "dir/file");
	check(AT_FDCWD, "./dir/../dir//file", 1, 1, "dir/file");
	check(AT_FDCWD, "link-to-file", 1, 1, "dir/file");
	check(AT_FDCWD, "link-to-file", 0, 1, "link-to-file");
	check(AT_FDCWD, "link-to-dir/file", 0, 1, "dir/file");
	check(AT_FDCWD, "link-to-shadow", 1, 1, "/etc/shadow");
	check(AT_FDCWD, "link-to-dir/new", 1, 0, "dir/new");
	check(AT_FDCWD, "new", 0, 0, "new");
	check(AT_FDCWD, "new", 1, 0, "new");
	check(AT_FDCWD, "dangling", 1, 1, "dangling");
	check(AT_FDCWD, "dir/file/x", 1, -1, "dir/file/x");
	check(AT_FDCWD, "dir/..", 1, 1, "");
	check(AT_FDCWD, "no/such/dir/x", 1, 0, "no/such/dir/x");
	{
		ino_t ino;

		CHECK(found_of("dir/file", 1, &ino) == 1 && ino != 0,
		      "found: a file, with its stat");
		CHECK(found_of("link-to-dir/new", 1 | PATH_RESOLVE_NEW, &ino) == 1 && ino == 0,
		      "found: nothing, in a directory walked to");
		CHECK(found_of("no/such/dir/x", 1, &ino) == 0,
		      "found: not for a text no walk got to");
	}

	dfd = open("dir", O_RDONLY | O_DIRECTORY);
	check(dfd, "file", 1, 1, "dir/file");
	check(dfd, "../link-to-file", 1, 1, "dir/file");
	check(dfd, "", 1, 1, "dir");
	/* /proc/self is the tracee: its descriptor table, not ours. */
	snprintf(path, sizeof path, "/proc/self/fd/%d/file", dfd);
	check(AT_FDCWD, path, 1, 1, "dir/file");
	snprintf(path, sizeof path, "/dev/fd/%d/file", dfd);
	check(AT_FDCWD, path, 1, 1, "dir/file");
	check(AT_FDCWD, "/etc/../etc//passwd", 1, 1, "/etc/passwd");

	mfd = memfd_create("payload", 0);
	if (CHECK(mfd >= 0, "a memfd")) {
		ino_t ino;

		snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
		check(AT_FDCWD, path, 1, 1, "/memfd:payload (deleted)");
		CHECK(found_of(path, 1, &ino) == 0, "found: not for a name that is gone");
		close(mfd);
	}
	{
		char link[PATH_RESOLVE_MAX];

		CHECK(path_of_fd(getpid(), dfd, link) == 0 &&
		      strcmp(link + strlen(root), "/dir") == 0, "path_of_fd: a directory");
		CHECK(strcmp(path_fd_type(link), "file") == 0, "fd type: file");
		CHECK(strcmp(path_fd_type("socket:[123]"), "socket") == 0, "fd type: socket");
		CHECK(strcmp(path_fd_type("pipe:[9]"), "pipe") == 0, "fd type: pipe");
		CHECK(strcmp(path_fd_type("/dev/pts/0"), "tty") == 0, "fd type: tty");
		CHECK(strcmp(path_fd_type("anon_inode:[eventfd]"), "other") == 0,
		      "fd type: other");
		CHECK(path_of_fd(getpid(), 12345, link) < 0, "path_of_fd: no such fd");
	}
	close(dfd);
	if (chdir(cwd) < 0)
		CHECK(0, "back to the first directory");
	snprintf(path, sizeof path, "rm -rf '%s'", root);
	if (system(path) != 0)
		unit_diag("could not remove %s", root);
}

/* A tracee with another root: a child chroot()ed into a scratch tree
 * (root only: CAP_SYS_CHROOT), resolved from outside. "/f" is the tree's
 * f, ".." and absolute symlinks stop at the tree's root, and the stat is
 * the file's. */
static void test_other_root(void)
{
	char tmpl[] = "/var/tmp/fc-test-root.XXXXXX", real[PATH_RESOLVE_MAX],
	     path[PATH_RESOLVE_MAX + 64], want[PATH_RESOLVE_MAX + 64], got[PATH_RESOLVE_MAX];
	struct stat st, fst;
	int ready[2], rc;
	pid_t child;
	char c;

	if (geteuid() != 0) {
		CHECK(1, "another root # SKIP not root");
		return;
	}
	if (!CHECK(mkdtemp(tmpl) && realpath(tmpl, real), "a scratch root"))
		return;
	snprintf(path, sizeof path, "%s/f", real);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	stat(path, &fst);
	snprintf(path, sizeof path, "%s/abs-link", real);
	CHECK(symlink("/f", path) == 0, "an absolute symlink inside the root");
	if (!CHECK(pipe(ready) == 0, "a pipe"))
		return;
	child = fork();
	if (child == 0) {
		if (chroot(real) < 0 || chdir("/") < 0)
			_exit(1);
		if (write(ready[1], "x", 1) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (!CHECK(child > 0 && read(ready[0], &c, 1) == 1, "the child is in its root"))
		goto out;
	snprintf(want, sizeof want, "%s/f", real);
	rc = path_resolve_st(child, AT_FDCWD, "/f", 1, got, &st);
	CHECK(rc == 1 && strcmp(got, want) == 0 && st.st_ino == fst.st_ino,
	      "other root: /f is the root's f, with its stat");
	rc = path_resolve(child, AT_FDCWD, "/../../f", 1, got);
	CHECK(rc == 1 && strcmp(got, want) == 0, "other root: /../../f stops at the root");
	rc = path_resolve(child, AT_FDCWD, "../f", 1, got);
	CHECK(rc == 1 && strcmp(got, want) == 0, "other root: ../f from its cwd stops at the root");
	rc = path_resolve(child, AT_FDCWD, "/abs-link", 1, got);
	CHECK(rc == 1 && strcmp(got, want) == 0, "other root: an absolute symlink starts at the root");
	snprintf(want, sizeof want, "%s/new", real);
	rc = path_resolve(child, AT_FDCWD, "/new", 1, got);
	CHECK(rc == 0 && strcmp(got, want) == 0, "other root: a new name in it");
	{
		int found = -1;

		rc = path_resolve_found(child, AT_FDCWD, "/new", 1 | PATH_RESOLVE_NEW, got, &st,
					&found);
		CHECK(rc == 0 && strcmp(got, want) == 0 && found == 0,
		      "other root: the same when new, and its stat is not the sensor's lstat");
	}
out:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	close(ready[0]);
	snprintf(path, sizeof path, "rm -rf '%s'", real);
	if (system(path) != 0)
		unit_diag("could not remove %s", real);
}

int main(void)
{
	test_clean();
	test_resolve();
	test_other_root();
	return unit_done();
}
