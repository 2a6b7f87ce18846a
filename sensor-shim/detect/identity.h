/* identity.h: what a file or a program IS, by its inode rather than by the
 * name a tracee used: taken once at start from the rules, then asked with
 * the stat of the descriptor path_resolve opened (no second walk, no /proc
 * read, no allocation per stop).
 *
 * - Written since start: a file whose status change time (st_ctim) is at
 *   or after the sensor's start. Writing, creating, linking, renaming and
 *   chmod all set ctime to now, and userspace cannot set it back
 *   (utimensat sets ctime to now too; only moving the clock, CAP_SYS_TIME,
 *   could): hard links, renamed parents, O_TMPFILE + linkat and copies are
 *   all seen, with no set to fill.
 * - Sensitive inodes: every sensitive path (the rules' sensitive_paths and
 *   the eq/in/glob values of file.path in enabled open rules), glob-
 *   expanded at start, by (dev, ino), so that a hard link to /etc/shadow
 *   is /etc/shadow.
 * - Program names by inode: each name that enabled rules give for
 *   process.name or actor.name, looked up in the standard directories at
 *   start, so that a hard link or symlink to nc under another name is nc.
 * - Multicall binaries (busybox, toybox) by name and by inode: their
 *   program is the applet. */
#ifndef FC_IDENTITY_H
#define FC_IDENTITY_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "rules.h"
#include "tstrv.h"

/* Inodes kept in each map: bounded, so a rules file with a glob that
 * matches the whole disk costs a warning, not the sensor's memory. */
#define IDENTITY_MAX_INODES 4096

struct ino_name {
	dev_t dev;
	ino_t ino;
	char *name;
};

struct ino_map {
	struct ino_name *v;      /* sorted by (dev, ino); equal keys adjacent */
	size_t n, cap;
	int full_reported;
};

struct identity {
	struct timespec start;   /* CLOCK_REALTIME_COARSE: the clock ctime is
				  * taken from, so no file written after it
				  * can have an earlier ctime */
	struct ino_map sensitive;/* -> the canonical path */
	struct ino_map programs; /* -> a program name */
	struct ino_map multicall;/* busybox, toybox -> their name */
	struct ino_map trampolines; /* env, nohup... -> their name */
};

/* Takes the start time, then stats what rs names. Never fails: what
 * cannot be read is not known (the path rules still hold). */
void identity_init(struct identity *id, const struct ruleset *rs);
void identity_free(struct identity *id);

/* Calls fn for each file (not directory) a sensitive pattern names now:
 * the path itself when literal or free of glob characters, else its glob
 * expansion, "*" matching a leading dot as fnmatch does for the path
 * rules. A non-zero answer from fn ends the walk. */
void identity_pattern_files(const char *pattern, int literal,
			    int (*fn)(const char *path, const struct stat *st, void *arg),
			    void *arg);

/* The canonical path of a sensitive file with st's inode, or NULL. */
const char *identity_sensitive(const struct identity *id, const struct stat *st);

/* Up to max names that enabled rules give to st's inode; returns how many.
 * A program run under one of those names (run_as or its file's name file)
 * is that one: one file under several rule names (a stub, a multicall
 * binary's links) is not all of them at once. Under any other name (a
 * hard link or symlink called "innocent") it is every name it has. */
size_t identity_program_names(const struct identity *id, const struct stat *st,
			      const char *run_as, const char *file,
			      const char **out, size_t max);

/* Whether a file is written since start (0 when st is unknown: st_ino 0). */
int identity_written_since_start(const struct identity *id, const struct stat *st);

/* Whether the program with base name base and inode st is a multicall
 * binary (busybox, toybox). */
int identity_is_multicall(const struct identity *id, const char *base,
			  const struct stat *st);

/* The applet a multicall binary runs for argv0 and argv1 (either may be
 * NULL): the base name of argv0, or of argv1 when argv0 is the multicall's
 * own name. NULL when there is none. */
const char *identity_applet(const char *argv0, const char *argv1);

/* Whether the program (inode st, base name base, applet or NULL) is a
 * trampoline: env, nohup, nice, timeout, setsid, stdbuf, taskset, ionice,
 * chrt, chroot (by the inode of the one in a standard directory), or a
 * multicall binary running one of those applets. */
int identity_is_trampoline(const struct identity *id, const struct stat *st,
			   int multicall, const char *applet);

/* Whether base names the dynamic loader (ld-linux*.so*, ld-musl-*.so*,
 * ld.so), which, executed, loads the program its arguments name. */
int identity_is_loader(const char *base);

/* The index in argv of the program the loader run with argv will load
 * (its first argument that is not an option or an option's value), or 0
 * when none. *argv0 is --argv0's value, *preload and *audit those of
 * --preload and --audit, or NULL. */
size_t identity_loader_program(const struct tstrv *argv, const char **argv0,
			       const char **preload, const char **audit);

#endif
