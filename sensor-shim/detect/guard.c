/* guard.c: write leases on the sensitive files (guard.h says why and
 * how): the table, what the tracer asks of it, and the start. The thread
 * that hears the breaks is guard_thread.c. */
#include "guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_state.h"
#include "identity.h"
#include "log.h"

/* Descriptors left to the rest of the sensor (the spawn's pipes, /proc
 * reads, the walk) when the guard has taken its own: under a tight
 * RLIMIT_NOFILE the guard steps aside, and every open stops instead. */
#define GUARD_FD_RESERVE 16

struct guard_state guard_tab = { .lock = PTHREAD_MUTEX_INITIALIZER, .ino_fd = -1,
				 .sig_fd = -1, .ev_fd = -1 };

int guard_is_wake(const siginfo_t *si, pid_t sensor)
{
	return si->si_signo == SIGSTOP && si->si_code == SI_TKILL && si->si_pid == sensor;
}

time_t guard_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Taking a lease makes the caller's whole process the descriptor's owner
 * (the kernel's lease_setup): the owner goes back to the guard thread at
 * once. A break in between signals the process, where the guard's
 * signalfd takes it too (sigforward leaves GUARD_SIGNAL alone). */
int guard_take(int fd)
{
	struct f_owner_ex owner = { F_OWNER_TID, guard_tab.tid };

	if (fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return -1;
	fcntl(fd, F_SETOWN_EX, &owner);
	return 0;
}

int guard_arm(struct gfile *f)
{
	if (guard_take(f->fd) < 0)
		return -1;
	f->armed = 1;
	return 0;
}

/* The signal first: a lease broken before it is set would send SIGIO. */
static int lease(int fd)
{
	if (fcntl(fd, F_SETSIG, GUARD_SIGNAL) < 0)
		return -1;
	return guard_take(fd);
}

/* Adds the file open as fd under name. Called with the lock held, or
 * before the tracer runs. */
static struct gfile *add(int fd, const struct stat *st, const char *name)
{
	struct gfile *f;

	if (guard_tab.n >= GUARD_FILES) {
		fc_log(FC_TRACE_WARN, "guard: more than %d sensitive files; %s is not "
		       "guarded (its reads are seen only by name)", GUARD_FILES, name);
		return NULL;
	}
	f = &guard_tab.f[guard_tab.n];
	f->name = strdup(name);
	if (!f->name)
		return NULL;
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->armed = 1;
	f->wd = inotify_add_watch(guard_tab.ino_fd, name, IN_CLOSE | IN_DONT_FOLLOW);
	guard_tab.n++;
	return f;
}

/* Opens and leases a sensitive file. 0, or -1 with the reason logged at
 * level (the caller says how much a failure matters). */
int guard_path(const char *path, const struct stat *want, enum fc_trace level)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (want && (st.st_dev != want->st_dev || st.st_ino != want->st_ino))) {
		fc_log(level, "guard: cannot open %s: %s", path,
		       fd < 0 ? strerror(errno) : "replaced while opened");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (lease(fd) < 0) {
		fc_log(level, "guard: no lease on %s (%s)", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!add(fd, &st, path)) {
		close(fd);
		return -1;
	}
	return 0;
}

struct gfile *guard_by_inode(dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < guard_tab.n; i++)
		if (guard_tab.f[i].dev == dev && guard_tab.f[i].ino == ino)
			return &guard_tab.f[i];
	return NULL;
}

const char *guard_name(const struct stat *st)
{
	const char *name;
	const struct gfile *f;

	pthread_mutex_lock(&guard_tab.lock);
	f = guard_by_inode(st->st_dev, st->st_ino);
	name = f && !f->is_sink ? f->name : NULL;
	pthread_mutex_unlock(&guard_tab.lock);
	return name;
}

static void release(struct gfile *f)
{
	if (fcntl(f->fd, F_SETLEASE, F_UNLCK) < 0)
		fc_log(FC_TRACE_ERR, "guard: cannot release %s: %s", f->name, strerror(errno));
	f->armed = 0;
	fc_log(FC_TRACE_DEBUG, "guard: %s released until its last close", f->name);
}

void guard_release(dev_t dev, ino_t ino)
{
	struct gfile *f;

	pthread_mutex_lock(&guard_tab.lock);
	f = guard_by_inode(dev, ino);
	if (f && f->armed)
		release(f);
	pthread_mutex_unlock(&guard_tab.lock);
}

/* A refused opener leaves the lease being broken: the kernel would end it
 * at lease-break-time and let the next opener through, and openers that
 * come meanwhile sleep without a new signal. Only unlocking clears a break,
 * and unlocking wakes every opener asleep, so the guard thread renews it
 * (pending()) once no opener waits: F_SETLEASE F_WRLCK fails with EAGAIN,
 * and changes nothing, while anyone has the file open or is opening it. */
void guard_rearm(dev_t dev, ino_t ino)
{
	struct gfile *f;
	uint64_t one = 1;

	pthread_mutex_lock(&guard_tab.lock);
	f = guard_by_inode(dev, ino);
	if (f && f->armed && !f->renew) {
		f->renew = 1;
		f->broken = guard_now_s();
	}
	pthread_mutex_unlock(&guard_tab.lock);
	if (write(guard_tab.ev_fd, &one, sizeof one) < 0)
		fc_log(FC_TRACE_ERR, "guard: cannot wake its thread: %s", strerror(errno));
}

/* F_GETLEASE answers the type the lease is being broken to. */
int guard_breaking(const struct gfile *f)
{
	return f->armed && fcntl(f->fd, F_GETLEASE) != F_WRLCK;
}

void guard_release_breaking(void)
{
	pthread_mutex_lock(&guard_tab.lock);
	for (size_t i = 0; i < guard_tab.n; i++)
		if (guard_breaking(&guard_tab.f[i]))
			release(&guard_tab.f[i]);
	pthread_mutex_unlock(&guard_tab.lock);
}

static void watch_dir(const char *dir)
{
	int wd;

	for (size_t i = 0; i < guard_tab.n_dirs; i++)
		if (strcmp(guard_tab.dir[i].path, dir) == 0)
			return;
	if (guard_tab.n_dirs >= GUARD_DIRS)
		return;
	wd = inotify_add_watch(guard_tab.ino_fd, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE |
			       IN_ONLYDIR);
	if (wd < 0 || !(guard_tab.dir[guard_tab.n_dirs].path = strdup(dir)))
		return;
	guard_tab.dir[guard_tab.n_dirs++].wd = wd;
}

/* The directories a pattern's files can appear in, as they are now. */
static void watch_pattern_dirs(const char *pattern)
{
	char dir[PATH_MAX], *slash;
	glob_t gl;

	if (snprintf(dir, sizeof dir, "%s", pattern) >= (int)sizeof dir ||
	    !(slash = strrchr(dir, '/')))
		return;
	*slash = '\0';
	if (!*dir)
		return;
	if (!strpbrk(dir, "*?[")) {
		watch_dir(dir);
		return;
	}
	if (glob(dir, GLOB_ONLYDIR | GLOB_NOSORT | GLOB_PERIOD, NULL, &gl) != 0)
		return;
	for (size_t i = 0; i < gl.gl_pathc; i++)
		watch_dir(gl.gl_pathv[i]);
	globfree(&gl);
}

/* The thread must exist before the leases name it as their owner. */
static int start_thread(pid_t *tid, struct fc_err *e)
{
	pthread_t th;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, GUARD_SIGNAL);
	sigaddset(&set, SIGIO);
	guard_tab.sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	guard_tab.ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	guard_tab.ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (guard_tab.sig_fd < 0 || guard_tab.ino_fd < 0 || guard_tab.ev_fd < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the guard: %s", strerror(errno));
	if (pthread_create(&th, NULL, guard_thread_main, NULL) != 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the guard thread");
	pthread_detach(th);
	while (!__atomic_load_n(&guard_tab.tid, __ATOMIC_ACQUIRE))
		sched_yield();
	*tid = guard_tab.tid;
	return 0;
}

/* Leases one file of a pattern (arg: whether every one so far is
 * guarded). */
static int guard_one(const char *path, const struct stat *st, void *arg)
{
	int *all = arg;

	if (!guard_by_inode(st->st_dev, st->st_ino) && guard_path(path, st, FC_TRACE_INFO) < 0)
		*all = 0;
	return 0;
}

/* Counts the files of a pattern, without opening them. */
static int count_one(const char *path, const struct stat *st, void *arg)
{
	(void)path;
	(void)st;
	++*(size_t *)arg;
	return 0;
}

/* Descriptors this process may still open (RLIMIT_NOFILE less those open). */
static long fds_free(void)
{
	struct rlimit rl;
	DIR *d = opendir("/proc/self/fd");
	long open_now = -1; /* the directory's own descriptor */

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || !d) {
		if (d)
			closedir(d);
		return -1;
	}
	while (readdir(d))
		open_now++;
	closedir(d);
	if (rl.rlim_cur == RLIM_INFINITY)
		return LONG_MAX;
	return (long)rl.rlim_cur - open_now + 2; /* "." and ".." */
}

int guard_start(const char *const *patterns, size_t n, int sink_fd, pid_t *tid,
		struct fc_err *e)
{
	size_t need = 3 + GUARD_FD_RESERVE;
	long left;
	int all = 1;

	*tid = 0;
	for (size_t i = 0; i < n; i++)
		identity_pattern_files(patterns[i], 0, count_one, &need);
	left = fds_free();
	if (left >= 0 && (size_t)left < need) {
		fc_log(FC_TRACE_INFO, "guard: %zu descriptors needed, %ld free "
		       "(RLIMIT_NOFILE): every open is stopped instead", need, left);
		return 0;
	}
	guard_tab.sensor = getpid();
	guard_tab.patterns = patterns;
	guard_tab.n_patterns = n;
	if (start_thread(tid, e) < 0)
		return -1;
	pthread_mutex_lock(&guard_tab.lock);
	for (size_t i = 0; i < n; i++)
		identity_pattern_files(patterns[i], 0, guard_one, &all);
	if (!all) {
		/* All or nothing: the opens are stopped anyway. */
		for (size_t i = 0; i < guard_tab.n; i++) {
			fcntl(guard_tab.f[i].fd, F_SETLEASE, F_UNLCK);
			close(guard_tab.f[i].fd);
			free(guard_tab.f[i].name);
		}
		guard_tab.n = 0;
		pthread_mutex_unlock(&guard_tab.lock);
		fc_log(FC_TRACE_INFO, "guard: not every sensitive file can be leased: "
		       "every open is stopped instead");
		return 0;
	}
	for (size_t i = 0; i < guard_tab.n_patterns; i++)
		watch_pattern_dirs(guard_tab.patterns[i]);
	if (sink_fd >= 0) {
		struct stat st;
		struct gfile *f = NULL;

		if (fstat(sink_fd, &st) == 0 && S_ISREG(st.st_mode) && lease(sink_fd) == 0)
			f = add(sink_fd, &st, "the event file");
		if (f)
			f->is_sink = 1;
		else
			fc_log(FC_TRACE_INFO, "guard: no lease on the event file (%s): "
			       "reading it is not refused", strerror(errno));
	}
	pthread_mutex_unlock(&guard_tab.lock);
	fc_log(FC_TRACE_DEBUG, "guard: %zu files leased, %zu directories watched", guard_tab.n,
	       guard_tab.n_dirs);
	return 1;
}
