/* sigforward.c: the signal-forwarding thread. */
#include "sigforward.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guard.h"
#include "log.h"
#include "signals.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static pid_t thread_tid;
static pid_t target;
static int target_fd = -1;

static void forward(int sig, pid_t pid, int fd)
{
	char name[32];
	long rc;

	signals_name(sig, name, sizeof name);
	if (fd >= 0)
		rc = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	else
		rc = kill(pid, sig);
	if (rc < 0 && errno != ESRCH)
		fc_log(FC_TRACE_WARN, "cannot forward %s to the application (pid %d): %s",
		       name, (int)pid, strerror(errno));
	else
		fc_log(FC_TRACE_DEBUG, "forwarded %s to pid %d", name, (int)pid);
}

/* The application, once sigforward_target() has named it: signals that
 * come before wait (they stay pending). */
static void await_target(pid_t *pid, int *fd)
{
	pthread_mutex_lock(&lock);
	while (!target)
		pthread_cond_wait(&changed, &lock);
	*pid = target;
	*fd = target_fd;
	pthread_mutex_unlock(&lock);
}

static void *loop(void *arg)
{
	sigset_t set;
	pid_t pid;
	int fd;

	(void)arg;
	sigfillset(&set);
	sigdelset(&set, SIGCHLD);
	sigdelset(&set, GUARD_SIGNAL); /* the guard's: it passes a sent one on */
	pthread_mutex_lock(&lock);
	thread_tid = gettid();
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	await_target(&pid, &fd);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			fc_log(FC_TRACE_ERR, "cannot wait for signals (%s): signals "
			       "sent to the sensor no longer reach the application",
			       strerror(errno));
			return NULL;
		}
		if (signals_self_sent(&si)) {
			char name[32];

			fc_log(FC_TRACE_DEBUG, "not forwarding %s: the sensor raised it",
			       signals_name(sig, name, sizeof name));
			continue;
		}
		forward(sig, pid, fd);
	}
}

void sigforward_pass(int sig)
{
	pid_t pid;
	int fd;

	await_target(&pid, &fd);
	forward(sig, pid, fd);
}

int sigforward_start(pid_t *tid, struct fc_err *e)
{
	pthread_t th;
	int rc = pthread_create(&th, NULL, loop, NULL);

	if (rc != 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the signal thread: %s",
			       strerror(rc));
	pthread_detach(th);
	pthread_mutex_lock(&lock);
	while (!thread_tid)
		pthread_cond_wait(&changed, &lock);
	*tid = thread_tid;
	pthread_mutex_unlock(&lock);
	return 0;
}

void sigforward_target(pid_t pid)
{
	/* The fd is the sensor's own: close-on-exec, like every sensor fd. */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	pthread_mutex_lock(&lock);
	target_fd = fd;
	target = pid;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}
