/* guard_thread.c: the guard's thread. A lease break means a process is
 * asleep opening a guarded file: it is stopped for the tracer to judge
 * (guard.h); leases that refusals left broken are renewed once openers
 * stop coming; new files with sensitive names are leased as they appear. */
#include "guard.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "entrants.h"
#include "guard_state.h"
#include "log.h"
#include "procfs.h"
#include "sigforward.h"

/* How long the guard looks for the opener of a broken lease: the kernel
 * signals the holder before the opener goes to sleep, so the first look
 * can come too early. An opener with O_NONBLOCK never sleeps. */
static const long look_us[] = { 0, 20, 100, 500, 2000, 10000 };

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
	return st.tracer == guard_tab.sensor ? 1 : st.tracer == 0 ? 2 : 0;
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

		if (pid <= 0 || pid == (int)guard_tab.sensor)
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
	pthread_mutex_lock(&guard_tab.lock);
	for (size_t i = 0; i < guard_tab.n; i++)
		if (guard_breaking(&guard_tab.f[i])) {
			fc_log(FC_TRACE_DEBUG, "guard: %s: a lease break with no traced "
			       "opener asleep (O_NONBLOCK, or untraced)", guard_tab.f[i].name);
			if (!guard_tab.f[i].renew)
				guard_tab.f[i].broken = guard_now_s();
			guard_tab.f[i].renew = 1;
		}
	pthread_mutex_unlock(&guard_tab.lock);
}

/* Renews the leases refused openers left broken, once openers have
 * stopped coming (RENEW_QUIET); until then each look stops the openers
 * that sleep on them. Returns whether some renewal is still pending. */
static int pending(void)
{
	int left = 0, any = 0, stopped, untraced = 0, awaited;

	pthread_mutex_lock(&guard_tab.lock);
	for (size_t i = 0; i < guard_tab.n; i++)
		any |= guard_tab.f[i].renew;
	pthread_mutex_unlock(&guard_tab.lock);
	if (!any)
		return 0;
	stopped = stop_openers(&untraced) > 0; /* the tracer refuses them */
	/* An opener nobody traces yet is waited for while the entrant watch
	 * may still take it (UNTRACED_WAIT_S): then it is stopped and judged
	 * like any other. */
	awaited = untraced > 0 && entrants_watching();
	pthread_mutex_lock(&guard_tab.lock);
	for (size_t i = 0; i < guard_tab.n; i++) {
		struct gfile *f = &guard_tab.f[i];

		if (!f->renew)
			continue;
		f->quiet = stopped || (awaited && guard_now_s() - f->broken < UNTRACED_WAIT_S) ?
			   0 : f->quiet + 1;
		if (f->quiet < RENEW_QUIET && guard_now_s() - f->broken < RENEW_BY_S) {
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
			if (guard_take(f->fd) < 0) {
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
	pthread_mutex_unlock(&guard_tab.lock);
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
	for (i = 0; i < guard_tab.n_patterns; i++)
		if (fnmatch(guard_tab.patterns[i], path, FNM_PATHNAME) == 0)
			break;
	if (i == guard_tab.n_patterns || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	pthread_mutex_lock(&guard_tab.lock);
	f = guard_by_inode(st.st_dev, st.st_ino);
	if (f) {
		if (!f->armed && guard_arm(f) == 0)
			fc_log(FC_TRACE_DEBUG, "guard: %s leased again", f->name);
	} else if (guard_path(path, NULL, FC_TRACE_DEBUG) == 0) {
		fc_log(FC_TRACE_INFO, "guard: %s is a new sensitive file, guarded", path);
	}
	pthread_mutex_unlock(&guard_tab.lock);
}

static void on_inotify(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len = read(guard_tab.ino_fd, buf, sizeof buf);

	for (char *p = buf; len > 0 && p < buf + len;) {
		const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

		for (size_t i = 0; ev->len && i < guard_tab.n_dirs; i++)
			if (guard_tab.dir[i].wd == ev->wd)
				on_dir_event(guard_tab.dir[i].path, ev->name);
		if (!ev->len && (ev->mask & IN_CLOSE)) {
			pthread_mutex_lock(&guard_tab.lock);
			for (size_t i = 0; i < guard_tab.n; i++) {
				struct gfile *f = &guard_tab.f[i];

				if (f->wd == ev->wd && !f->armed && guard_arm(f) == 0)
					fc_log(FC_TRACE_DEBUG, "guard: %s leased again", f->name);
			}
			pthread_mutex_unlock(&guard_tab.lock);
		}
		p += sizeof *ev + ev->len;
	}
}

void *guard_thread_main(void *arg)
{
	struct pollfd pf[3] = { { guard_tab.sig_fd, POLLIN, 0 }, { guard_tab.ino_fd, POLLIN, 0 },
				{ guard_tab.ev_fd, POLLIN, 0 } };
	int busy = 0;

	(void)arg;
	__atomic_store_n(&guard_tab.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (;;) {
		/* While a renewal waits, look every millisecond. */
		if (poll(pf, 3, busy ? 1 : -1) < 0)
			continue;
		if (pf[2].revents & POLLIN) {
			uint64_t v;

			if (read(guard_tab.ev_fd, &v, sizeof v) < 0)
				continue;
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			int broke = 0;

			/* A lease break comes from the kernel (si_code POLL_*);
			 * the same signal sent with kill(2) is the application's. */
			while (read(guard_tab.sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_code > 0)
					broke = 1;
				else if ((pid_t)si.ssi_pid != guard_tab.sensor)
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
