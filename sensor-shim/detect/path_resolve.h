/* path_resolve.h: a path argument of a stopped tracee made absolute, as
 * that process would resolve it: relative to its working directory or to
 * a directory descriptor, with ".", ".." and symbolic links resolved where
 * the file exists, so that a rule on "/etc/shadow" also sees
 * "../etc//shadow" and a symlink to it. Names are walked from the
 * tracee's root, cwd and descriptors through /proc/TID, not the sensor's:
 * a tracee with another root (chroot, a private mount namespace) is
 * walked inside it (openat2 RESOLVE_IN_ROOT), so that "/shadow" after
 * chroot("/etc") is /etc/shadow; the result is the kernel's name of the
 * file as the sensor sees it. "/proc/self" and "/dev/fd" in the tracee's
 * path mean the tracee, not the sensor, and are rewritten.
 * The tracee is stopped, but its other threads are not: a path can change
 * between this look and the syscall (README: limitations). */
#ifndef FC_PATH_RESOLVE_H
#define FC_PATH_RESOLVE_H

#include <stddef.h>
#include <sys/types.h>

#define PATH_RESOLVE_MAX 4096

/* A hint in follow, never a change in the answer: the name most likely
 * does not exist yet (an open with O_CREAT|O_EXCL), so its directory is
 * walked first, which saves the open of the whole name that would fail
 * (one syscall of the few per stop). */
#define PATH_RESOLVE_NEW 0x2

/* Resolves path for tid into out (PATH_RESOLVE_MAX bytes). dirfd is a
 * descriptor of tid, or AT_FDCWD. follow: resolve a symbolic link in the
 * last component too (1), and PATH_RESOLVE_NEW when the caller expects
 * no file there. Returns 1 when the file exists, 0 when it does not
 * (its directory was resolved and the name appended), -1 when the
 * directory could not be resolved either (out then holds the path made
 * absolute by text alone). */
int path_resolve(pid_t tid, long long dirfd, const char *path, int follow,
		 char *out);

/* Whether a tracee may have another root than the sensor's (the
 * default, 1): with 0, names are walked from the sensor's root without
 * asking /proc/TID/root first. main.c passes 0 when the application can
 * change neither its root nor its mount namespace (protect.c, policy.c). */
void path_resolve_roots_may_differ(int may);

struct stat;
/* path_resolve, and the file's stat (lstat when !follow) into st when it
 * exists, from the descriptor the walk opened (no second walk); st is
 * zeroed (st_ino 0) when it does not exist or could not be read. */
int path_resolve_st(pid_t tid, long long dirfd, const char *path, int follow,
		    char *out, struct stat *st);

/* path_resolve_st, and *found: 1 when st is what lstat(out) would find
 * (st_ino 0: nothing there), because the walk got to out's last name
 * from the sensor's own root and out names it again; 0 when out is a
 * text no walk got to, or a name the sensor could not look up again (an
 * unlinked file's " (deleted)", a tracee with another root). A check by
 * inode then needs no second look (protect.c). */
int path_resolve_found(pid_t tid, long long dirfd, const char *path, int follow,
		       char *out, struct stat *st, int *found);

/* What descriptor fd of tid is: readlink of /proc/TID/fd/FD into out
 * (PATH_RESOLVE_MAX bytes). Returns 0 or -1. */
int path_of_fd(pid_t tid, int fd, char *out);

/* "socket", "pipe", "tty", "file" or "other" for a path_of_fd text. */
const char *path_fd_type(const char *link);

/* The last component of path ("sh" for "/bin/sh"); NULL for NULL. */
const char *path_base_name(const char *path);

/* Lexical clean-up of an absolute path in place: "//", "/./" and "x/.."
 * removed ("/.." stays "/"). */
void path_clean(char *p);

#endif
