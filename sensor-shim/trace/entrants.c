/* entrants.c: the watch thread and the tracer's list (entrants.h). */
#include "entrants.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static volatile sig_atomic_t asked;
static int running;
static int foreign;
static pid_t tracer, self;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t poked_cond;
static int poked;

/* Pids the tracer could not take (not permitted): a ring, since pids
 * are reused and a few forgotten ones only cost a look each. */
#define IGNORED_MAX 64
static pid_t ignored[IGNORED_MAX];
static size_t next_ignored;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_TKILL && si->si_pid == getpid())
		asked = 1;
	else
		__atomic_add_fetch(&foreign, 1, __ATOMIC_RELAXED);
}

int entrants_asked(void)
{
	if (!asked)
		return 0;
	asked = 0;
	return 1;
}

int entrants_foreign(void)
{
	int n = __atomic_load_n(&foreign, __ATOMIC_RELAXED);

	if (n == 0)
		return 0;
	__atomic_sub_fetch(&foreign, 1, __ATOMIC_RELAXED);
	return 1;
}

int entrants_watching(void)
{
	return running;
}

void entrants_poke(void)
{
	pthread_mutex_lock(&lock);
	poked = 1;
	pthread_cond_signal(&poked_cond);
	pthread_mutex_unlock(&lock);
}

void entrants_ignore(pid_t pid)
{
	pthread_mutex_lock(&lock);
	ignored[next_ignored++ % IGNORED_MAX] = pid;
	pthread_mutex_unlock(&lock);
}

static int is_ignored(pid_t pid)
{
	int found = 0;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < IGNORED_MAX && !found; i++)
		found = ignored[i] == pid;
	pthread_mutex_unlock(&lock);
	return found;
}

/* A /proc entry's name as a pid, or 0 when it is not one. */
static pid_t pid_of(const char *name)
{
	char *end;
	long v = strtol(name, &end, 10);

	return end != name && *end == '\0' && v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

/* The process ids under /proc, ascending (the order procfs lists them
 * in), into *v (grown as needed). Returns how many, or 0. */
static size_t list_pids(pid_t **v, size_t *cap)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = pid_of(de->d_name);

		if (!pid)
			continue;
		if (n == *cap) {
			size_t c = *cap ? *cap * 2 : 256;
			pid_t *grown = realloc(*v, c * sizeof **v);

			if (!grown)
				break;
			*v = grown;
			*cap = c;
		}
		(*v)[n++] = pid;
	}
	closedir(d);
	return n;
}

static int has(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t lo = 0, hi = n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == pid)
			return 1;
		if (v[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int untraced(pid_t pid)
{
	struct proc_status st;

	return pid != self && procfs_status(pid, &st) == 0 && st.tracer == 0 &&
	       !procfs_is_dead(pid) && !is_ignored(pid);
}

static void nap(void)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += ENTRANTS_SCAN_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	while (!poked && pthread_cond_timedwait(&poked_cond, &lock, &until) == 0)
		;
	poked = 0;
	pthread_mutex_unlock(&lock);
}

static void swap(pid_t **a, size_t *na, size_t *ca, pid_t **b, size_t *nb, size_t *cb)
{
	pid_t *v = *a;
	size_t n = *na, c = *ca;

	*a = *b;
	*na = *nb;
	*ca = *cb;
	*b = v;
	*nb = n;
	*cb = c;
}

static pid_t watch_tid;

/* Each scan looks only at processes that are new since the last one, or
 * were untraced then (the tracer may not have taken them yet): a process
 * the tracer has can never become untraced again, and one that was
 * traced at its first look was a traced process's child. */
static void *watch(void *arg)
{
	pid_t *prev = NULL, *cur = NULL, *open = NULL, *now = NULL;
	size_t n_prev = 0, cap_prev = 0, n_cur = 0, cap_cur = 0;
	size_t n_open = 0, cap_open = 0, n_now = 0, cap_now = 0;

	(void)arg;
	pthread_mutex_lock(&lock);
	watch_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&poked_cond);
	pthread_mutex_unlock(&lock);
	for (;;) {
		n_cur = list_pids(&cur, &cap_cur);
		if (cap_now < n_cur) {
			pid_t *grown = realloc(now, n_cur * sizeof *now);

			if (!grown) {
				nap();
				continue;
			}
			now = grown;
			cap_now = n_cur;
		}
		n_now = 0;
		for (size_t i = 0; i < n_cur; i++)
			if ((!has(prev, n_prev, cur[i]) || has(open, n_open, cur[i])) &&
			    untraced(cur[i]))
				now[n_now++] = cur[i];
		if (n_now)
			syscall(SYS_tgkill, self, tracer, ENTRANT_SIGNAL);
		swap(&prev, &n_prev, &cap_prev, &cur, &n_cur, &cap_cur);
		swap(&open, &n_open, &cap_open, &now, &n_now, &cap_now);
		nap();
	}
	return NULL;
}

int entrants_start(pid_t tracer_tid, pid_t *tid, struct fc_err *e)
{
	struct sigaction sa = { 0 };
	pthread_condattr_t ca;
	pthread_t th;
	int rc;

	tracer = tracer_tid;
	self = getpid();
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&poked_cond, &ca);
	pthread_condattr_destroy(&ca);
	/* No SA_RESTART: the point is to interrupt the tracer's waitpid. */
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(ENTRANT_SIGNAL, &sa, NULL) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot catch the entrant signal: %s",
			       strerror(errno));
	rc = pthread_create(&th, NULL, watch, NULL);
	if (rc != 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the entrant watch: %s",
			       strerror(rc));
	pthread_detach(th);
	running = 1;
	pthread_mutex_lock(&lock);
	while (!watch_tid)
		pthread_cond_wait(&poked_cond, &lock);
	*tid = watch_tid;
	pthread_mutex_unlock(&lock);
	return 0;
}

size_t entrants_list(pid_t self_pid, int (*known)(pid_t pid, void *arg),
		     void (*fn)(pid_t pid, const struct proc_status *st, void *arg),
		     void *arg)
{
	pid_t *v = NULL;
	size_t cap = 0, n = list_pids(&v, &cap), found = 0;

	for (size_t i = 0; i < n; i++) {
		struct proc_status st;
		struct proc_stat ps;

		if (v[i] == self_pid || known(v[i], arg) || procfs_status(v[i], &st) < 0 ||
		    st.tracer != 0 || procfs_stat(v[i], &ps) < 0 || ps.state == 'Z' ||
		    ps.state == 'X')
			continue;
		/* runc's init, joining the container to exec the command
		 * (runc exec, containerd for ECS Exec): it sets up its own
		 * seccomp profile and the rest, which is the runtime's
		 * business, not the container's. Taken once it has executed
		 * the command (the watch keeps asking until then). */
		if (strncmp(ps.comm, "runc:[", 6) == 0)
			continue;
		fn(v[i], &st, arg);
		found++;
	}
	free(v);
	return found;
}
