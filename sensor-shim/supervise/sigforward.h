/* sigforward.h: the thread that passes the signals the sensor receives on
 * to the application, as the supervisor always did. It is a thread of its
 * own so that the tracer can block in waitpid(2) for ptrace stops, which
 * is the cheapest way to wait for them, and still forward a signal at
 * once. Every signal stays blocked in every sensor thread; this one takes
 * them with sigwaitinfo. SIGCHLD is not forwarded: it is about the
 * sensor's children, which the tracer reaps. */
#ifndef FC_SIGFORWARD_H
#define FC_SIGFORWARD_H

#include <sys/types.h>

#include "err.h"

/* Starts the thread; signals arriving before sigforward_target() wait
 * (they stay pending). *tid gets the thread's id. Fails with
 * FC_ERR_SYSTEM. */
int sigforward_start(pid_t *tid, struct fc_err *e);

/* From now on, signals go to pid (through a pidfd when the kernel has
 * them, so that a reused pid is never signalled). */
void sigforward_target(pid_t pid);

/* Forwards sig as the thread would (once the target is known): for the
 * guard, whose signal (a lease break, guard.h) this thread leaves alone,
 * when somebody sent it to the sensor with kill(2). */
void sigforward_pass(int sig);

#endif
