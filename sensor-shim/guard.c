/* guard.c: write leases on the sensitive files (guard.h says why and how). */
#include "guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "entrants.h"
#include "identity.h"
#include "log.h"
#include "procfs.h"
#include "sigforward.h"

/* Files and directories kept: the sensitive files are few (identity.c
 * caps them too); a new one past the cap is logged and not guarded. */
#define GUARD_FILES 512
#define GUARD_DIRS 128

/* Descriptors left to the rest of the sensor (the spawn's pipes, /proc
 * reads, the walk) when the guard has taken its own: under a tight
 * RLIMIT_NOFILE the guard steps aside, and every open stops instead. */
#define GUARD_FD_RESERVE 16


/* How long the guard looks for the opener of a broken lease: the kernel
 * signals the holder before the opener goes to sleep, so the first look
 * can come too early. An opener with O_NONBLOCK never sleeps. */
static const long look_us[] = { 0, 20, 100, 500, 2000, 10000 };

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

static struct {
	pthread_mutex_t lock;    /* files: the tracer asks, the thread adds */
	struct gfile f[GUARD_FILES];
	size_t n;
	struct { int wd; char *path; } dir[GUARD_DIRS];
	size_t n_dirs;
	const char *const *patterns;
	size_t n_patterns;
	int ino_fd, sig_fd, ev_fd;
	pid_t sensor, tid;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .ino_fd = -1, .sig_fd = -1, .ev_fd = -1 };

/* Renewals a file may be refused (every millisecond) before it is left to
 * its last close: a reader that holds it open. */
#define RENEW_TRIES 50

/* Renewing unlocks, and an opener that comes in the two fcntl calls
 * before the new lease goes through unjudged. So a broken lease is left
 * broken while openers keep coming (they sleep without a signal, and
 * each look stops them), and renewed only after this many looks in a row,
 * a millisecond apart, found none; or, at the latest, this many seconds
 * after it broke (the kernel ends a broken lease at lease-break-time,
 * 45 s by default). */
#define RENEW_QUIET 10
#define RENEW_BY_S 30
/* How long an untraced opener is kept waiting for the entrant watch. */
#define UNTRACED_WAIT_S 2

int guard_is_wake(const siginfo_t *si, pid_t sensor)
{
	return si->si_signo == SIGSTOP && si->si_code == SI_TKILL && si->si_pid == sensor;
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Taking a lease makes the caller's whole process the descriptor's owner
 * (the kernel's lease_setup): the owner goes back to the guard thread at
 * once. A break in between signals the process, where the guard's
 * signalfd takes it too (sigforward leaves GUARD_SIGNAL alone). */
static int take(int fd)
{
	struct f_owner_ex owner = { F_OWNER_TID, g.tid };

	if (fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return -1;
	fcntl(fd, F_SETOWN_EX, &owner);
	return 0;
}

static int arm(struct gfile *f)
{
	if (take(f->fd) < 0)
		return -1;
	f->armed = 1;
	return 0;
}

/* The signal first: a lease broken before it is set would send SIGIO. */
static int lease(int fd)
{
	if (fcntl(fd, F_SETSIG, GUARD_SIGNAL) < 0)
		return -1;
	return take(fd);
}

/* Adds the file open as fd under name. Called with the lock held, or
 * before the tracer runs. */
static struct gfile *add(int fd, const struct stat *st, const char *name)
{
	struct gfile *f;

	if (g.n >= GUARD_FILES) {
		fc_log(FC_TRACE_WARN, "guard: more than %d sensitive files; %s is not "
		       "guarded (its reads are seen only by name)", GUARD_FILES, name);
		return NULL;
	}
	f = &g.f[g.n];
	f->name = strdup(name);
	if (!f->name)
		return NULL;
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->armed = 1;
	f->wd = inotify_add_watch(g.ino_fd, name, IN_CLOSE | IN_DONT_FOLLOW);
	g.n++;
	return f;
}

/* Opens and leases a sensitive file. 0, or -1 with the reason logged at
 * level (the caller says how much a failure matters). */
static int guard_path(const char *path, const struct stat *want, enum fc_trace level)
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

static struct gfile *by_inode(dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < g.n; i++)
		if (g.f[i].dev == dev && g.f[i].ino == ino)
			return &g.f[i];
	return NULL;
}

const char *guard_name(const struct stat *st)
{
	const char *name;
	const struct gfile *f;

	pthread_mutex_lock(&g.lock);
	f = by_inode(st->st_dev, st->st_ino);
	name = f && !f->is_sink ? f->name : NULL;
	pthread_mutex_unlock(&g.lock);
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

	pthread_mutex_lock(&g.lock);
	f = by_inode(dev, ino);
	if (f && f->armed)
		release(f);
	pthread_mutex_unlock(&g.lock);
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

	pthread_mutex_lock(&g.lock);
	f = by_inode(dev, ino);
	if (f && f->armed && !f->renew) {
		f->renew = 1;
		f->broken = now_s();
	}
	pthread_mutex_unlock(&g.lock);
	if (write(g.ev_fd, &one, sizeof one) < 0)
		fc_log(FC_TRACE_ERR, "guard: cannot wake its thread: %s", strerror(errno));
}

/* F_GETLEASE answers the type the lease is being broken to. */
static int breaking(const struct gfile *f)
{
	return f->armed && fcntl(f->fd, F_GETLEASE) != F_WRLCK;
}

void guard_release_breaking(void)
{
	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < g.n; i++)
		if (breaking(&g.f[i]))
			release(&g.f[i]);
	pthread_mutex_unlock(&g.lock);
}

/* A decimal number at s, or -1 (a /proc name that is not a pid). */
static int number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s || v <= 0 || v > INT_MAX ? -1 : (int)v;
}

/* Whether a task sleeps in a lease break: 1 when it is ours to stop, 2
 * when nobody traces it yet. */
static int is_waiting_opener(pid_t tid)
{
	struct proc_status st;

	if (!procfs_sleeps_in(tid, "break_lease") || procfs_status(tid, &st) < 0)
		return 0;
	return st.tracer == g.sensor ? 1 : st.tracer == 0 ? 2 : 0;
}

/* Stops every traced task asleep in a lease break; returns how many. An
 * untraced one (a process that entered the container from outside and
 * was not found yet) is not ours to interrupt: the entrant watch is
 * asked to look at once, and the next look stops it once it is traced;
 * until then it waits, as the lease is not released. */
static int stop_openers(int *untraced)
{
	DIR *proc = opendir("/proc"), *task;
	struct dirent *p, *t;
	char path[64];
	int n = 0;

	if (!proc)
		return 0;
	while ((p = readdir(proc)) != NULL) {
		int pid = number(p->d_name);

		if (pid <= 0 || pid == (int)g.sensor)
			continue;
		snprintf(path, sizeof path, "/proc/%d/task", pid);
		if (!(task = opendir(path)))
			continue;
		while ((t = readdir(task)) != NULL) {
			int tid = number(t->d_name);

			int waiting = tid > 0 ? is_waiting_opener(tid) : 0;

			if (waiting == 1 && syscall(SYS_tgkill, pid, tid, SIGSTOP) == 0)
				n++;
			else if (waiting == 2) {
				(*untraced)++;
				entrants_poke();
			}
		}
		closedir(task);
	}
	closedir(proc);
	return n;
}

/* A lease is being broken: stop its opener for the tracer. When none is
 * found (an O_NONBLOCK open failed with EAGAIN and went on, or the opener
 * was untraced and gave up), the lease is renewed. */
static void on_break(void)
{
	int n = 0, untraced = 0;

	for (size_t i = 0; i < sizeof look_us / sizeof *look_us && n == 0; i++) {
		struct timespec ts = { 0, look_us[i] * 1000 };

		if (look_us[i])
			nanosleep(&ts, NULL);
		n = stop_openers(&untraced);
	}
	if (n > 0)
		return;
	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < g.n; i++)
		if (breaking(&g.f[i])) {
			fc_log(FC_TRACE_DEBUG, "guard: %s: a lease break with no traced "
			       "opener asleep (O_NONBLOCK, or untraced)", g.f[i].name);
			if (!g.f[i].renew)
				g.f[i].broken = now_s();
			g.f[i].renew = 1;
		}
	pthread_mutex_unlock(&g.lock);
}

/* Renews the leases refused openers left broken, once openers have
 * stopped coming (RENEW_QUIET); until then each look stops the openers
 * that sleep on them. Returns whether some renewal is still pending. */
static int pending(void)
{
	int left = 0, any = 0, stopped, untraced = 0, awaited;

	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < g.n; i++)
		any |= g.f[i].renew;
	pthread_mutex_unlock(&g.lock);
	if (!any)
		return 0;
	stopped = stop_openers(&untraced) > 0; /* the tracer refuses them */
	/* An opener nobody traces yet is waited for while the entrant watch
	 * may still take it (UNTRACED_WAIT_S): then it is stopped and judged
	 * like any other. */
	awaited = untraced > 0 && entrants_watching();
	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < g.n; i++) {
		struct gfile *f = &g.f[i];

		if (!f->renew)
			continue;
		f->quiet = stopped || (awaited && now_s() - f->broken < UNTRACED_WAIT_S) ?
			   0 : f->quiet + 1;
		if (f->quiet < RENEW_QUIET && now_s() - f->broken < RENEW_BY_S) {
			left = 1;
			continue;
		}
		if (fcntl(f->fd, F_SETLEASE, F_WRLCK) < 0) {
			if (++f->tries < RENEW_TRIES) {
				left = 1;
				continue;
			}
			/* Let go, so that an opener still asleep on the
			 * broken lease (untraced: the sensor cannot judge
			 * it) does not wait the kernel's lease-break-time. */
			fcntl(f->fd, F_SETLEASE, F_UNLCK);
			fc_log(FC_TRACE_WARN, "guard: %s is held open by a reader the "
			       "sensor allowed, or opened by a process it does not trace; "
			       "guarded again at its last close", f->name);
			f->armed = 0;
		} else {
			/* Nobody waits: the window until the new lease is two
			 * fcntl calls long, and an opener in it shows below. */
			fcntl(f->fd, F_SETLEASE, F_UNLCK);
			if (take(f->fd) < 0) {
				f->armed = 0;
				fc_log(FC_TRACE_WARN, "guard: %s was opened while its lease "
				       "was renewed; guarded again at its last close",
				       f->name);
			}
		}
		f->renew = 0;
		f->tries = 0;
		f->quiet = 0;
	}
	pthread_mutex_unlock(&g.lock);
	return left;
}

/* A file of a watched directory was created, renamed in or written: if
 * it has a sensitive name, it is guarded (a new inode: a rename over
 * /etc/shadow, a new file in /etc/sudoers.d). */
static void on_dir_event(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	struct gfile *f;
	size_t i;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return;
	for (i = 0; i < g.n_patterns; i++)
		if (fnmatch(g.patterns[i], path, FNM_PATHNAME) == 0)
			break;
	if (i == g.n_patterns || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	pthread_mutex_lock(&g.lock);
	f = by_inode(st.st_dev, st.st_ino);
	if (f) {
		if (!f->armed && arm(f) == 0)
			fc_log(FC_TRACE_DEBUG, "guard: %s leased again", f->name);
	} else if (guard_path(path, NULL, FC_TRACE_DEBUG) == 0) {
		fc_log(FC_TRACE_INFO, "guard: %s is a new sensitive file, guarded", path);
	}
	pthread_mutex_unlock(&g.lock);
}

static void on_inotify(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len = read(g.ino_fd, buf, sizeof buf);

	for (char *p = buf; len > 0 && p < buf + len;) {
		const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

		for (size_t i = 0; ev->len && i < g.n_dirs; i++)
			if (g.dir[i].wd == ev->wd)
				on_dir_event(g.dir[i].path, ev->name);
		if (!ev->len && (ev->mask & IN_CLOSE)) {
			pthread_mutex_lock(&g.lock);
			for (size_t i = 0; i < g.n; i++)
				if (g.f[i].wd == ev->wd && !g.f[i].armed && arm(&g.f[i]) == 0)
					fc_log(FC_TRACE_DEBUG, "guard: %s leased again",
					       g.f[i].name);
			pthread_mutex_unlock(&g.lock);
		}
		p += sizeof *ev + ev->len;
	}
}

static void *guard_main(void *arg)
{
	struct pollfd pf[3] = { { g.sig_fd, POLLIN, 0 }, { g.ino_fd, POLLIN, 0 },
				{ g.ev_fd, POLLIN, 0 } };
	int busy = 0;

	(void)arg;
	__atomic_store_n(&g.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (;;) {
		/* While a renewal waits, look every millisecond. */
		if (poll(pf, 3, busy ? 1 : -1) < 0)
			continue;
		if (pf[2].revents & POLLIN) {
			uint64_t v;

			if (read(g.ev_fd, &v, sizeof v) < 0)
				continue;
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			int broke = 0;

			/* A lease break comes from the kernel (si_code POLL_*);
			 * the same signal sent with kill(2) is the application's. */
			while (read(g.sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_code > 0)
					broke = 1;
				else if ((pid_t)si.ssi_pid != g.sensor)
					sigforward_pass((int)si.ssi_signo);
			}
			if (broke)
				on_break();
		}
		if (pf[1].revents & POLLIN)
			on_inotify();
		busy = pending();
	}
	return NULL;
}

static void watch_dir(const char *dir)
{
	int wd;

	for (size_t i = 0; i < g.n_dirs; i++)
		if (strcmp(g.dir[i].path, dir) == 0)
			return;
	if (g.n_dirs >= GUARD_DIRS)
		return;
	wd = inotify_add_watch(g.ino_fd, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE |
			       IN_ONLYDIR);
	if (wd < 0 || !(g.dir[g.n_dirs].path = strdup(dir)))
		return;
	g.dir[g.n_dirs++].wd = wd;
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
	g.sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	g.ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	g.ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g.sig_fd < 0 || g.ino_fd < 0 || g.ev_fd < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the guard: %s", strerror(errno));
	if (pthread_create(&th, NULL, guard_main, NULL) != 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the guard thread");
	pthread_detach(th);
	while (!__atomic_load_n(&g.tid, __ATOMIC_ACQUIRE))
		sched_yield();
	*tid = g.tid;
	return 0;
}

/* Leases one file of a pattern (arg: whether every one so far is
 * guarded). */
static int guard_one(const char *path, const struct stat *st, void *arg)
{
	int *all = arg;

	if (!by_inode(st->st_dev, st->st_ino) && guard_path(path, st, FC_TRACE_INFO) < 0)
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
	g.sensor = getpid();
	g.patterns = patterns;
	g.n_patterns = n;
	if (start_thread(tid, e) < 0)
		return -1;
	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < n; i++)
		identity_pattern_files(patterns[i], 0, guard_one, &all);
	if (!all) {
		/* All or nothing: the opens are stopped anyway. */
		for (size_t i = 0; i < g.n; i++) {
			fcntl(g.f[i].fd, F_SETLEASE, F_UNLCK);
			close(g.f[i].fd);
			free(g.f[i].name);
		}
		g.n = 0;
		pthread_mutex_unlock(&g.lock);
		fc_log(FC_TRACE_INFO, "guard: not every sensitive file can be leased: "
		       "every open is stopped instead");
		return 0;
	}
	for (size_t i = 0; i < g.n_patterns; i++)
		watch_pattern_dirs(g.patterns[i]);
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
	pthread_mutex_unlock(&g.lock);
	fc_log(FC_TRACE_DEBUG, "guard: %zu files leased, %zu directories watched", g.n,
	       g.n_dirs);
	return 1;
}
