/* guard_state.h: the guard's table of leased files, shared by its two
 * halves and only by them: guard.c (the tracer's questions and the start)
 * and guard_thread.c (the thread that hears lease breaks). */
#ifndef FC_GUARD_STATE_H
#define FC_GUARD_STATE_H

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "log.h"

/* Files and directories kept: the sensitive files are few (identity.c
 * caps them too); a new one past the cap is logged and not guarded. */
#define GUARD_FILES 512
#define GUARD_DIRS 128

struct gfile {
	int fd;                  /* ours (the event file: the sink's) */
	dev_t dev;
	ino_t ino;
	char *name;
	int wd;                  /* inotify, on the file: its closes */
	int armed;               /* the lease is held */
	int is_sink;             /* the event file: not a sensitive name */
	int renew;               /* refused an opener: lease it anew once no
				  * other opener waits (guard_rearm) */
	int tries;               /* renewals refused so far (readers) */
	int quiet;               /* looks in a row that found no opener */
	time_t broken;           /* CLOCK_MONOTONIC s of the first refusal */
};

struct guard_state {
	pthread_mutex_t lock;    /* files: the tracer asks, the thread adds */
	struct gfile f[GUARD_FILES];
	size_t n;
	struct { int wd; char *path; } dir[GUARD_DIRS];
	size_t n_dirs;
	const char *const *patterns;
	size_t n_patterns;
	int ino_fd, sig_fd, ev_fd;
	pid_t sensor, tid;
};

extern struct guard_state guard_tab;

/* CLOCK_MONOTONIC seconds. */
time_t guard_now_s(void);
/* A write lease on fd, owned by the guard thread. */
int guard_take(int fd);
/* The lease on f again; f->armed when it holds. */
int guard_arm(struct gfile *f);
/* The file leased with that identity, or NULL. The lock is held. */
struct gfile *guard_by_inode(dev_t dev, ino_t ino);
/* Whether f's lease is being broken (an opener waits). */
int guard_breaking(const struct gfile *f);
/* Opens and leases a sensitive file. 0, or -1 with the reason logged at
 * level (the caller says how much a failure matters). The lock is held. */
int guard_path(const char *path, const struct stat *want, enum fc_trace level);
/* The guard thread. */
void *guard_thread_main(void *arg);

#endif
