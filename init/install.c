/* install.c: the init's one job, step by step: find the volume, read the
 * image's MANIFEST, keep a payload that already verifies, otherwise copy
 * into a temporary directory beside the destination, verify, sync and
 * rename it into place. Nothing half-copied is ever visible under `to`. */
#include "install.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "atomic_write.h"
#include "layout.h"
#include "log.h"
#include "manifest.h"
#include "remove_tree.h"

#define TMP_PREFIX ".falcon-init."

__attribute__((format(printf, 3, 4)))
static int fail(struct install_err *ie, enum install_fail why, const char *fmt, ...)
{
	va_list ap;

	ie->why = why;
	ie->e.kind = FC_ERR_SYSTEM;
	va_start(ap, fmt);
	vsnprintf(ie->e.msg, sizeof ie->e.msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* A failure to write on the volume, classified by its errno. */
static int fail_write(struct install_err *ie, int err, const char *what,
		      const char *where)
{
	if (err == ENOSPC || err == EDQUOT)
		return fail(ie, INSTALL_DISK_FULL, "cannot %s %s: %s: the volume "
			    "is full; give the task more ephemeral storage or free "
			    "space on the volume", what, where, strerror(err));
	if (err == EROFS || err == EACCES || err == EPERM)
		return fail(ie, INSTALL_VOLUME_READONLY, "cannot %s %s: %s: the "
			    "init container must mount " FC_VOLUME " read-write and "
			    "run as user 0:0; re-run falcon-patcher", what, where,
			    strerror(err));
	return fail(ie, INSTALL_SYSTEM, "cannot %s %s: %s", what, where,
		    strerror(err));
}

/* State of one run, so that cleanup can find what was made. */
struct run {
	const struct install_opts *o;
	char *parent, *base;    /* to = parent/base */
	int srcfd, volfd, tmpfd;
	char tmpname[sizeof TMP_PREFIX + 16];
	int tmp_made;
	struct manifest m;
};

static int split_to(struct run *r, struct install_err *ie)
{
	char *to = strdup(r->o->to), *slash;
	size_t n;
	int rc = 0;

	if (!to) {
		fail(ie, INSTALL_SYSTEM, "out of memory");
		return -1;
	}
	n = strlen(to);
	while (n > 1 && to[n - 1] == '/')
		to[--n] = '\0';
	slash = strrchr(to, '/');
	r->base = strdup(slash ? slash + 1 : to);
	if (!slash)
		r->parent = strdup(".");
	else if (slash == to)
		r->parent = strdup("/");
	else
		r->parent = (*slash = '\0', strdup(to));
	if (!r->base || !r->parent)
		rc = fail(ie, INSTALL_SYSTEM, "out of memory");
	else if (!*r->base || strcmp(r->base, ".") == 0 || strcmp(r->base, "..") == 0)
		rc = fail(ie, INSTALL_SYSTEM, "--to %s: needs a directory name at its "
			  "end", r->o->to);
	free(to);
	return rc;
}

/* The volume is where the payload goes; a plain directory there means the
 * task's mountPoints lack the volume and the copy would be seen by nobody. */
static int open_volume(struct run *r, struct install_err *ie)
{
	struct statx sx, up;

	r->volfd = open(r->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->volfd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return fail(ie, INSTALL_VOLUME_MISSING, "the volume directory %s does "
			    "not exist: mount " FC_VOLUME " there in the init "
			    "container (re-run falcon-patcher)", r->parent);
	if (r->volfd < 0)
		return fail(ie, INSTALL_SYSTEM, "cannot open the volume %s: %s",
			    r->parent, strerror(errno));
	if (!r->o->check_mount)
		return 0;
	if (statx(r->volfd, "", AT_EMPTY_PATH, STATX_INO, &sx) < 0)
		return fail(ie, INSTALL_SYSTEM, "cannot stat %s: %s", r->parent,
			    strerror(errno));
	if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
		if (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
			return 0;
	} else if (statx(r->volfd, "..", 0, STATX_INO, &up) == 0 &&
		   (up.stx_dev_major != sx.stx_dev_major ||
		    up.stx_dev_minor != sx.stx_dev_minor)) {
		return 0; /* kernels before 5.8: a device change marks a mount */
	}
	return fail(ie, INSTALL_VOLUME_MISSING, "%s is not a mount point: the "
		    "volume " FC_VOLUME " is not mounted in this container (re-run "
		    "falcon-patcher)", r->parent);
}

static int read_manifest(struct run *r, struct install_err *ie)
{
	struct fc_err pe = { 0 };
	char *buf;
	size_t len = 0;
	int fd, rc, err;

	r->srcfd = open(r->o->from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->srcfd < 0) {
		err = errno;
		return fail(ie, err == ENOENT ? INSTALL_MANIFEST_MISSING : INSTALL_SYSTEM,
			    "cannot open the payload %s: %s: the image is incomplete; "
			    "pull or rebuild it", r->o->from, strerror(err));
	}
	fd = openat(r->srcfd, FC_MANIFEST, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return fail(ie, err == ENOENT ? INSTALL_MANIFEST_MISSING : INSTALL_SYSTEM,
			    "cannot open %s/" FC_MANIFEST ": %s: the image is "
			    "incomplete; pull or rebuild it", r->o->from, strerror(err));
	}
	buf = malloc(MANIFEST_MAX_BYTES + 1);
	if (!buf) {
		close(fd);
		return fail(ie, INSTALL_SYSTEM, "out of memory");
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, MANIFEST_MAX_BYTES + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) > MANIFEST_MAX_BYTES)
			break;
	}
	close(fd);
	rc = manifest_parse(buf, len, &r->m, &pe);
	free(buf);
	if (rc < 0)
		return fail(ie, pe.kind == FC_ERR_SYSTEM ? INSTALL_SYSTEM :
			    INSTALL_MANIFEST_MISMATCH, "%s: %s: the image is corrupt; "
			    "pull or rebuild it", r->o->from, pe.msg);
	return 0;
}

/* Removes temporary directories that an interrupted run left behind. */
static void remove_stale(struct run *r)
{
	int fd = dup(r->volfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
			remove_tree_at(r->volfd, de->d_name);
	closedir(d);
}

static int make_tmp(struct run *r, struct install_err *ie)
{
	uint64_t rnd;

	if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
		rnd = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	snprintf(r->tmpname, sizeof r->tmpname, TMP_PREFIX "%016llx",
		 (unsigned long long)rnd);
	if (mkdirat(r->volfd, r->tmpname, 0700) < 0)
		return fail_write(ie, errno, "create a directory in", r->parent);
	r->tmp_made = 1;
	r->tmpfd = openat(r->volfd, r->tmpname, O_RDONLY | O_DIRECTORY |
			  O_NOFOLLOW | O_CLOEXEC);
	if (r->tmpfd < 0)
		return fail(ie, INSTALL_SYSTEM, "cannot open %s/%s: %s", r->parent,
			    r->tmpname, strerror(errno));
	return 0;
}

/* Copies one listed file, checking what was read against the entry: a
 * mismatch here is a corrupt image, not a faulty volume. */
static int copy_file(struct run *r, const struct manifest_entry *ent,
		     struct install_err *ie)
{
	static unsigned char buf[64 * 1024];
	uLong crc = crc32(0L, Z_NULL, 0);
	uint64_t size = 0;
	struct stat st;
	int in, out, rc = -1;

	in = openat(r->srcfd, ent->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return fail(ie, errno == ENOENT ? INSTALL_MANIFEST_MISMATCH : INSTALL_SYSTEM,
			    "cannot open %s/%s, which MANIFEST lists: %s: the image "
			    "is corrupt; pull or rebuild it", r->o->from, ent->name,
			    strerror(errno));
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(in);
		return fail(ie, INSTALL_MANIFEST_MISMATCH, "%s/%s is not a regular "
			    "file: the image is corrupt", r->o->from, ent->name);
	}
	out = openat(r->tmpfd, ent->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		     0600);
	if (out < 0) {
		close(in);
		return fail_write(ie, errno, "create a file in", r->parent);
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(ie, INSTALL_SYSTEM, "cannot read %s/%s: %s", r->o->from,
			     ent->name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		crc = crc32(crc, buf, (uInt)n);
		size += (uint64_t)n;
		if (write_all(out, buf, (size_t)n) < 0) {
			fail_write(ie, errno, "write", r->parent);
			goto out;
		}
	}
	if (size != ent->size || (uint32_t)crc != ent->crc) {
		fail(ie, INSTALL_MANIFEST_MISMATCH, "%s/%s has %llu bytes with crc32 "
		     "%08x, but MANIFEST says %llu bytes with %08x: the image is "
		     "corrupt; pull or rebuild it", r->o->from, ent->name,
		     (unsigned long long)size, (unsigned)crc,
		     (unsigned long long)ent->size, ent->crc);
		goto out;
	}
	if (fchmod(out, ent->mode) < 0 || fsync(out) < 0) {
		fail_write(ie, errno, "write", r->parent);
		goto out;
	}
	rc = 0;
out:
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = fail_write(ie, errno, "write", r->parent);
	return rc;
}

static int copy_manifest(struct run *r, struct install_err *ie)
{
	int fd = openat(r->tmpfd, FC_MANIFEST, O_WRONLY | O_CREAT | O_EXCL |
			O_CLOEXEC, 0644);

	if (fd < 0)
		return fail_write(ie, errno, "create a file in", r->parent);
	if (fchmod(fd, 0644) < 0 || write_all(fd, r->m.text, r->m.len) < 0 ||
	    fsync(fd) < 0) {
		int err = errno;

		close(fd);
		return fail_write(ie, err, "write", r->parent);
	}
	if (close(fd) < 0)
		return fail_write(ie, errno, "write", r->parent);
	return 0;
}

static int fill_tmp(struct run *r, struct install_err *ie)
{
	struct fc_err ve = { 0 };

	for (size_t i = 0; i < r->m.n; i++)
		if (copy_file(r, &r->m.ent[i], ie) < 0)
			return -1;
	if (copy_manifest(r, ie) < 0)
		return -1;
	if (fchmod(r->tmpfd, 0755) < 0 || fsync(r->tmpfd) < 0)
		return fail_write(ie, errno, "write", r->parent);
	/* Read back what the volume now holds, through the same check that
	 * judges an existing payload. */
	if (manifest_verify_dir(r->tmpfd, &r->m, &ve) < 0)
		return fail(ie, INSTALL_SYSTEM, "the copy in %s/%s does not read "
			    "back as written: %s", r->parent, r->tmpname, ve.msg);
	return 0;
}

/* 1 if `to` exists (as anything), 0 if not; *ok when it is a directory
 * whose contents verify. */
static int existing(struct run *r, int *ok, struct install_err *ie)
{
	struct fc_err ve = { 0 };
	struct stat st;
	int fd;

	*ok = 0;
	if (fstatat(r->volfd, r->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(ie, INSTALL_SYSTEM, "cannot stat %s: %s", r->o->to,
			    strerror(errno));
	}
	if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0755)
		return 1;
	fd = openat(r->volfd, r->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 1;
	*ok = manifest_verify_dir(fd, &r->m, &ve) == 0;
	if (!*ok)
		fc_log(FC_TRACE_WARN, "%s does not verify (%s): replacing it",
		       r->o->to, ve.msg);
	close(fd);
	return 1;
}

/* Puts the verified temporary directory at `to`, in one rename. A payload
 * already there is swapped out atomically with RENAME_EXCHANGE and then
 * removed; filesystems without it get two renames, which still never show a
 * partial payload, only, for an instant, none. */
static int put_in_place(struct run *r, int exists, struct install_err *ie)
{
	char old[sizeof r->tmpname + 4];

	if (!exists) {
		if (renameat2(r->volfd, r->tmpname, r->volfd, r->base, RENAME_NOREPLACE) == 0 ||
		    (errno == EINVAL &&
		     renameat(r->volfd, r->tmpname, r->volfd, r->base) == 0)) {
			r->tmp_made = 0;
			goto sync;
		}
		if (errno != EEXIST && errno != ENOTEMPTY)
			return fail_write(ie, errno, "rename into", r->o->to);
		/* Made by someone else meanwhile: replace it as any other. */
	}
	if (renameat2(r->volfd, r->tmpname, r->volfd, r->base, RENAME_EXCHANGE) == 0) {
		/* The old payload now has the temporary name, and goes. */
		remove_tree_at(r->volfd, r->tmpname);
		r->tmp_made = 0;
		goto sync;
	}
	if (errno != EINVAL)
		return fail_write(ie, errno, "swap into", r->o->to);
	snprintf(old, sizeof old, "%sold", r->tmpname);
	if (renameat(r->volfd, r->base, r->volfd, old) < 0)
		return fail_write(ie, errno, "move aside", r->o->to);
	if (renameat(r->volfd, r->tmpname, r->volfd, r->base) < 0) {
		int err = errno;

		renameat(r->volfd, old, r->volfd, r->base); /* put it back */
		return fail_write(ie, err, "rename into", r->o->to);
	}
	r->tmp_made = 0;
	remove_tree_at(r->volfd, old);
sync:
	if (fsync(r->volfd) < 0)
		return fail_write(ie, errno, "sync", r->parent);
	return 0;
}

int install_payload(const struct install_opts *o, struct install_report *rep,
		    struct install_err *ie)
{
	struct run r = { .o = o, .srcfd = -1, .volfd = -1, .tmpfd = -1 };
	int rc = -1, exists, ok;

	if (split_to(&r, ie) < 0 || open_volume(&r, ie) < 0 || read_manifest(&r, ie) < 0)
		goto out;
	rep->files = r.m.n;
	rep->bytes = 0;
	for (size_t i = 0; i < r.m.n; i++)
		rep->bytes += r.m.ent[i].size;
	exists = existing(&r, &ok, ie);
	if (exists < 0)
		goto out;
	if (ok) {
		rep->outcome = INSTALL_KEPT;
		rc = 0;
		goto out;
	}
	remove_stale(&r);
	if (make_tmp(&r, ie) < 0 || fill_tmp(&r, ie) < 0)
		goto out;
	close(r.tmpfd);
	r.tmpfd = -1;
	if (put_in_place(&r, exists, ie) < 0)
		goto out;
	rep->outcome = exists ? INSTALL_REPLACED : INSTALL_FRESH;
	rc = 0;
out:
	if (r.tmpfd >= 0)
		close(r.tmpfd);
	if (r.tmp_made)
		remove_tree_at(r.volfd, r.tmpname);
	if (r.srcfd >= 0)
		close(r.srcfd);
	if (r.volfd >= 0)
		close(r.volfd);
	manifest_free(&r.m);
	free(r.parent);
	free(r.base);
	return rc;
}
