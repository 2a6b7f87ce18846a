/* spawn.c: fork, seize, set the child up, execve. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "exit_codes.h"
#include "log.h"
#include "protect.h"
#include "seccomp_filter.h"

/* The child's setup failed: tell the sensor why, through the pipe that
 * an exec would have closed, and leave without running the application. */
__attribute__((noreturn))
static void setup_failed(int err_fd, const char *stage, int err)
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "the application's child: %s failed: %s",
			 stage, strerror(err));

	if (n > 0 && write(err_fd, msg, (size_t)n < sizeof msg ? (size_t)n :
			   sizeof msg - 1) < 0)
		_exit(FC_EXIT_SENSOR);
	_exit(FC_EXIT_SENSOR);
}

/* The child's side; never returns. SIGTTOU is still blocked here (the
 * supervisor blocks everything), which is what lets a member of a
 * background group call tcsetpgrp. Taking the foreground in the child
 * rather than the parent avoids tini's race: the child must own it before
 * it executes. */
__attribute__((noreturn))
static void child(const struct spawn_req *r, int go_fd, int err_fd, int take_tty)
{
	const char *stage = NULL;
	char go;
	int err;

	/* EOF: the sensor gave up on us; nothing of the app may run. */
	if (read(go_fd, &go, 1) != 1)
		setup_failed(err_fd, "waiting to be released by the sensor", EPIPE);
	close(go_fd);
	/* Before the filter, so that these are no syscall stops. A failure
	 * leaves that fd the log itself, as without the relay. */
	for (int i = 0; i < 2; i++)
		if (r->stdio[i] >= 0 && dup2(r->stdio[i], STDOUT_FILENO + i) < 0)
			fc_log(FC_TRACE_WARN, "the application's fd %d is the container log "
			       "itself, not the log relay: dup2: %s", STDOUT_FILENO + i,
			       strerror(errno));
	if (protect_app_child(r->allow, &stage) < 0)
		setup_failed(err_fd, stage, errno);
	if (r->filter && seccomp_filter_load(r->filter, &stage) < 0)
		setup_failed(err_fd, stage, errno);
	if (setpgid(0, 0) < 0)
		fc_log(FC_TRACE_WARN, "cannot give the application its own process "
		       "group: %s", strerror(errno));
	else if (take_tty && tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 &&
		 errno != ENOTTY && errno != ENXIO)
		fc_log(FC_TRACE_WARN, "cannot give the terminal to the application: "
		       "%s", strerror(errno));
	signals_give_back(r->saved);
	execve(r->path, r->argv, environ);
	err = errno;
	fc_log_fatal("cannot execute \"%s\": %s", r->path, strerror(err));
	_exit(err == ENOENT ? FC_EXIT_NOTFOUND : FC_EXIT_NOEXEC);
}

int spawn_app(const struct spawn_req *r, struct spawned *s, struct fc_err *e)
{
	/* Only a foreground we hold is ours to hand on: a sensor started in
	 * the background of an interactive shell must not steal the terminal. */
	int take_tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	int go[2], errp[2], err;
	pid_t p;

	if (pipe2(go, O_CLOEXEC) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot make a pipe: %s", strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		err = errno;
		close(go[0]);
		close(go[1]);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot make a pipe: %s", strerror(err));
	}
	p = fork();
	if (p < 0) {
		err = errno;
		close(go[0]);
		close(go[1]);
		close(errp[0]);
		close(errp[1]);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot fork the application: %s",
			       strerror(err));
	}
	if (p == 0) {
		close(go[1]);
		close(errp[0]);
		child(r, go[0], errp[1], take_tty);
	}
	close(go[0]);
	close(errp[1]);
	/* ptrace(2) takes its options as the data pointer. */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	if (ptrace(PTRACE_SEIZE, p, NULL, (void *)r->ptrace_options) < 0 ||
	    ptrace(PTRACE_INTERRUPT, p, NULL, NULL) < 0) {
		err = errno;
		close(go[1]); /* the child reads EOF and leaves */
		close(errp[0]);
		while (waitpid(p, NULL, __WALL) < 0 && errno == EINTR)
			;
		return fc_fail(e, FC_ERR_SYSTEM, "cannot trace the application (%s): "
			       "the container needs the SYS_PTRACE capability and a "
			       "seccomp profile that allows ptrace", strerror(err));
	}
	s->pid = p;
	s->go_fd = go[1];
	s->err_fd = errp[0];
	return 0;
}

void spawn_release(struct spawned *s)
{
	/* A failed write leaves the child reading EOF: it exits and the
	 * tracer sees it die before its exec, like any setup failure. */
	if (write(s->go_fd, "g", 1) < 0)
		fc_log(FC_TRACE_ERR, "cannot release the application's child: %s",
		       strerror(errno));
	close(s->go_fd);
	s->go_fd = -1;
}

int spawn_setup_error(struct spawned *s, char *buf, size_t len)
{
	ssize_t n;

	if (s->err_fd < 0)
		return 0;
	do
		n = read(s->err_fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	close(s->err_fd);
	s->err_fd = -1;
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return 1;
}
