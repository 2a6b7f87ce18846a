/* spawn.h: starting the application traced from its first instruction, in
 * the state the container gave the sensor: same environment, fds (but
 * stdout and stderr, which may be the log relay's pipes), cwd, IDs,
 * rlimits, umask, signal mask and dispositions.
 *
 * The child waits on a pipe until the sensor has seized it
 * (PTRACE_SEIZE with the tracer's options, then PTRACE_INTERRUPT so that
 * its first stop comes before any of its own work), takes its stdout and
 * stderr (spawn_req.stdio), then drops
 * capabilities (protect.h), installs the seccomp filter, takes its own
 * process group and the terminal's foreground, gives back the signal state
 * and executes the application, whose execve is already a traced stop. */
#ifndef FC_SPAWN_H
#define FC_SPAWN_H

#include <linux/filter.h>
#include <sys/types.h>

#include "err.h"
#include "signals.h"

struct spawn_req {
	const char *path;
	char *const *argv;
	const struct sig_saved *saved;
	const struct sock_fprog *filter;  /* NULL: --seccomp=off */
	unsigned long ptrace_options;
	unsigned allow;          /* --allow: capabilities the app keeps */
	int stdio[2];            /* the app's fd 1 and fd 2 (relay.h), or -1:
				  * the sensor's own */
};

struct spawned {
	pid_t pid;
	int go_fd;               /* write end: one byte releases the child */
	int err_fd;              /* read end: the child's setup failure */
};

/* Forks and seizes the child, which then waits for spawn_release. The
 * child gets a process group of its own, as tini gives it, so that a
 * signal sent to the supervisor's group is forwarded once instead of
 * arriving twice; when the supervisor's group held the terminal's
 * foreground, the child takes it, so that ^C and ^Z reach the application
 * directly. Fails with FC_ERR_SYSTEM (fork, or ptrace not permitted: the
 * child is then gone and nothing of the application ran). */
int spawn_app(const struct spawn_req *r, struct spawned *s, struct fc_err *e);

/* Lets the child go on to the application. */
void spawn_release(struct spawned *s);

/* After the child died without executing the application: why, if its
 * setup failed (1, message in buf), or 0 when it was the application's
 * execve that failed (the child said so on stderr and exited 126/127). */
int spawn_setup_error(struct spawned *s, char *buf, size_t len);

#endif
