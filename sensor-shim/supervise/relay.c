/* relay.c: the relay pipes between the application's stdout and stderr
 * and the container's log, and the thread that moves their bytes. */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#include "relay_channel.h"

/* The descriptors the sensor opens after the relay's (the spawn's pipes,
 * the filter's memfd, a pidfd, the tracer's /proc files): a relay that
 * would leave fewer under RLIMIT_NOFILE steps aside, so that it never is
 * what makes the sensor fail open. */
#define RELAY_FD_SPARE 8
/* How long relay_finish waits for a thread stuck past its own deadline. */
#define RELAY_STUCK_MS 200U
/* stdout and stderr; one when they are one description. */
#define RELAY_CHANNELS 2
/* What the thread polls: its wake-up, and two descriptors a channel. */
#define RELAY_POLL (1 + 2 * RELAY_CHANNELS)

struct relay {
	struct channel ch[RELAY_CHANNELS];
	size_t n;
	int app_fd[2];           /* what the application gets as fd 1, fd 2 */
	int wake;                /* eventfd: relay_finish is waiting */
	pthread_t thread;
	int started;

	pthread_mutex_t lock;    /* guards the fields below */
	pthread_cond_t cond;
	pid_t tid;
	int finishing, done;
	unsigned idle_ms, max_ms;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* Whether the sensor's fd (1 or 2) is relayed, and how; *why says why
 * not (relay.h has the reasons). */
static int relayed(int fd, struct stat *st, enum how *how, const char **why)
{
	int fl = fcntl(fd, F_GETFL), type = 0;
	socklen_t len = sizeof type;
	struct stat in;

	if (fl < 0 || fstat(fd, st) < 0)
		return *why = "closed", 0;
	if ((fl & O_ACCMODE) == O_RDONLY)
		return *why = "not open for writing", 0;
	if (S_ISFIFO(st->st_mode))
		return *how = HOW_SPLICE, 1;
	if (S_ISREG(st->st_mode))
		return *how = HOW_WRITE, 1;
	if (!S_ISSOCK(st->st_mode))
		return *why = "a terminal or another device", 0;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
		return *why = "a socket that keeps message boundaries", 0;
	if (fstat(STDIN_FILENO, &in) == 0 && in.st_dev == st->st_dev &&
	    in.st_ino == st->st_ino)
		return *why = "the connection the application serves on fd 0", 0;
	return *how = HOW_SEND, 1;
}

/* Whether fd 1 and fd 2 are one open file description (relay.h). */
static int one_description(const struct stat *a, const struct stat *b)
{
	long rc = syscall(SYS_kcmp, (long)getpid(), (long)getpid(), (long)KCMP_FILE,
			  (long)STDOUT_FILENO, (long)STDERR_FILENO);

	if (rc >= 0)
		return rc == 0;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       fcntl(STDOUT_FILENO, F_GETFL) == fcntl(STDERR_FILENO, F_GETFL);
}


enum role { ROLE_WAKE, ROLE_IN, ROLE_OUT, ROLE_ERR };

struct watch {
	struct pollfd p[RELAY_POLL];
	struct channel *of[RELAY_POLL];
	enum role role[RELAY_POLL];
	int n;
};

static void watch_add(struct watch *w, int fd, short events, struct channel *c,
		      enum role role)
{
	w->p[w->n] = (struct pollfd){ .fd = fd, .events = events };
	w->of[w->n] = c;
	w->role[w->n++] = role;
}

/* What to wait for: the wake-up, and for each open channel its relay pipe
 * (and its log pipe's POLLERR), or the log's room when it was full.
 * Returns the open channels. */
static int watch_set(struct relay *r, struct watch *w)
{
	int open = 0;

	w->n = 0;
	watch_add(w, r->wake, POLLIN, NULL, ROLE_WAKE);
	for (size_t i = 0; i < r->n; i++) {
		struct channel *c = &r->ch[i];

		if (!c->open)
			continue;
		open++;
		if (c->blocked) {
			watch_add(w, c->out, POLLOUT, c, ROLE_OUT);
			continue;
		}
		watch_add(w, c->rd, POLLIN, c, ROLE_IN);
		/* No events asked: POLLERR alone, which a pipe's write end
		 * reports when its last reader is gone. */
		if (c->out_is_pipe)
			watch_add(w, c->out, 0, c, ROLE_ERR);
	}
	return open;
}

/* What poll said about one channel's descriptor. Returns the bytes moved. */
static size_t on_ready(struct channel *c, enum role role, short revents)
{
	if (!c->open)
		return 0;
	/* Not ours any more (nothing here closes them behind the thread's
	 * back): forget the channel rather than spin on it. */
	if (revents & POLLNVAL) {
		c->open = 0;
		return 0;
	}
	if (role == ROLE_ERR || (role == ROLE_OUT && c->out_is_pipe && (revents & POLLERR))) {
		channel_reader_gone(c);
		return 0;
	}
	if (role == ROLE_OUT)
		c->blocked = 0;
	return channel_move(c);
}

/* The drain's deadlines, once relay_finish asks for it. */
struct drain {
	int on;
	unsigned idle_ms;
	uint64_t last, end_all;
};

static void on_wake(struct relay *r, struct drain *d)
{
	uint64_t v;

	if (read(r->wake, &v, sizeof v) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->finishing && !d->on) {
		d->on = 1;
		d->idle_ms = r->idle_ms;
		d->last = mono_ms();
		d->end_all = d->last + r->max_ms;
	}
	pthread_mutex_unlock(&r->lock);
}

/* poll's timeout: none before the drain; then until the nearer deadline,
 * or -2 when it has passed. */
static int drain_timeout(const struct drain *d)
{
	uint64_t now, end;

	if (!d->on)
		return -1;
	now = mono_ms();
	end = d->last + d->idle_ms < d->end_all ? d->last + d->idle_ms : d->end_all;
	return now >= end ? -2 : (int)(end - now);
}

static void *loop(void *arg)
{
	struct relay *r = arg;
	struct drain d = { 0 };
	struct watch w;

	pthread_mutex_lock(&r->lock);
	r->tid = gettid();
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	for (;;) {
		int timeout;

		if (!watch_set(r, &w) || (timeout = drain_timeout(&d)) == -2)
			break;
		if (poll(w.p, (nfds_t)w.n, timeout) < 0) {
			/* ENOMEM: try again shortly rather than leave the
			 * application blocked on a full relay pipe. */
			if (errno != EINTR)
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
			continue;
		}
		for (int k = 0; k < w.n; k++) {
			if (!w.p[k].revents)
				continue;
			if (w.role[k] == ROLE_WAKE)
				on_wake(r, &d);
			else if (on_ready(w.of[k], w.role[k], w.p[k].revents) > 0)
				d.last = mono_ms();
		}
	}
	pthread_mutex_lock(&r->lock);
	r->done = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Whether the relay's descriptors leave the sensor RELAY_FD_SPARE more
 * under RLIMIT_NOFILE. Descriptors go lowest first, so the highest one
 * counts those open below it. */
static int fds_to_spare(const struct relay *r, struct fc_err *e)
{
	struct rlimit rl;
	int top = r->wake;

	for (size_t i = 0; i < r->n; i++) {
		const struct channel *c = &r->ch[i];

		top = c->rd > top ? c->rd : top;
		top = c->wr > top ? c->wr : top;
		top = c->out > top ? c->out : top;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    (rlim_t)top + 1 + RELAY_FD_SPARE <= rl.rlim_cur)
		return 0;
	return fc_fail(e, FC_ERR_SYSTEM, "RLIMIT_NOFILE allows %llu descriptors: "
		       "those the relay would take are the tracer's",
		       (unsigned long long)rl.rlim_cur);
}

/* Frees what relay_start made, the thread excepted. */
static void relay_free(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++)
		channel_free(&r->ch[i]);
	if (r->wake >= 0)
		close(r->wake);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

struct relay *relay_start(struct fc_err *e)
{
	static const char *const names[] = { "stdout", "stderr", "stdout and stderr" };
	struct relay *r = calloc(1, sizeof *r);
	struct stat st[2];
	enum how how[2] = { HOW_SPLICE, HOW_SPLICE };
	const char *why[2] = { NULL, NULL };
	int is[2], rc;
	pthread_condattr_t ca;

	if (!r)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory"), NULL;
	r->wake = -1;
	r->app_fd[0] = r->app_fd[1] = -1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	for (int i = 0; i < 2; i++) {
		is[i] = relayed(STDOUT_FILENO + i, &st[i], &how[i], &why[i]);
		if (!is[i])
			fc_log(FC_TRACE_DEBUG, "the application's %s is not relayed: %s",
			       names[i], why[i]);
	}
	if (is[0] && is[1] && one_description(&st[0], &st[1])) {
		r->ch[0].name = names[2];
		if (channel_open(&r->ch[0], STDOUT_FILENO, how[0], e) < 0)
			return relay_free(r), NULL;
		r->n = 1;
		r->app_fd[0] = r->app_fd[1] = r->ch[0].wr;
	} else {
		for (int i = 0; i < 2; i++) {
			struct channel *c = &r->ch[r->n];

			if (!is[i])
				continue;
			c->name = names[i];
			if (channel_open(c, STDOUT_FILENO + i, how[i], e) < 0)
				return relay_free(r), NULL;
			r->n++;
			r->app_fd[i] = c->wr;
		}
	}
	if (r->n == 0)
		return r;
	r->wake = channel_above_stdio(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (r->wake < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot make the log relay's eventfd: %s",
			strerror(errno));
		return relay_free(r), NULL;
	}
	if (fds_to_spare(r, e) < 0)
		return relay_free(r), NULL;
	rc = pthread_create(&r->thread, NULL, loop, r);
	if (rc != 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot start the log relay thread: %s",
			strerror(rc));
		return relay_free(r), NULL;
	}
	r->started = 1;
	pthread_mutex_lock(&r->lock);
	while (!r->tid)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	return r;
}

pid_t relay_tid(const struct relay *r)
{
	return r && r->started ? r->tid : 0;
}

int relay_app_fd(const struct relay *r, int fd)
{
	if (!r || fd < STDOUT_FILENO || fd > STDERR_FILENO)
		return -1;
	return r->app_fd[fd - STDOUT_FILENO];
}

void relay_spawned(struct relay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->ch[i].wr >= 0) {
			close(r->ch[i].wr);
			r->ch[i].wr = -1;
		}
	r->app_fd[0] = r->app_fd[1] = -1;
}

void relay_finish(struct relay *r, unsigned idle_ms, unsigned max_ms)
{
	uint64_t deadline = mono_ms() + max_ms + RELAY_STUCK_MS;
	struct timespec ts = { (time_t)(deadline / 1000), (long)(deadline % 1000) * 1000000 };
	int done;

	if (!r)
		return;
	relay_spawned(r); /* EOF cannot come while we hold a write end */
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->idle_ms = idle_ms;
		r->max_ms = max_ms;
		r->finishing = 1;
		pthread_mutex_unlock(&r->lock);
		if (eventfd_write(r->wake, 1) < 0)
			fc_log(FC_TRACE_ERR, "cannot wake the log relay: %s", strerror(errno));
		pthread_mutex_lock(&r->lock);
		while (!r->done)
			if (pthread_cond_timedwait(&r->cond, &r->lock, &ts) == ETIMEDOUT)
				break;
		done = r->done;
		pthread_mutex_unlock(&r->lock);
		if (!done) {
			fc_log(FC_TRACE_WARN, "the log relay is still writing to the log "
			       "after %u ms: the application's last output may be cut", max_ms);
			return; /* the thread holds r: left to exit() */
		}
		pthread_join(r->thread, NULL);
	}
	for (size_t i = 0; i < r->n; i++) {
		struct channel *c = &r->ch[i];
		size_t left = c->open ? channel_holds(c->rd) + c->len - c->off : 0;

		if (left)
			fc_log(FC_TRACE_WARN, "%zu bytes of the application's %s did not "
			       "reach the log within %u ms of its exit (a log reader that "
			       "stalls, or a process that outlived it and keeps writing)",
			       left, c->name, max_ms);
		if (c->lost)
			fc_log(FC_TRACE_WARN, "%llu bytes of the application's %s were "
			       "refused by the log and dropped", (unsigned long long)c->lost,
			       c->name);
	}
	relay_free(r);
}
