/* entrants.h: processes that enter the container from outside.
 *
 * ECS Exec (its agent runs a session worker, which runs a shell), docker
 * and podman exec and nsenter all start a process by joining the
 * container's namespaces from outside: it is no descendant of the sensor,
 * so no fork ever brings it under the tracer. The only place it shows
 * is /proc, which has no notification; so a watch thread lists the PID
 * namespace's processes every ENTRANTS_SCAN_MS and, when it finds one
 * that nobody traces, wakes the tracer thread (which alone can attach:
 * ptrace belongs to a thread) with ENTRANT_SIGNAL, sent to that thread
 * only. The tracer lists them again itself (the watch only hints), seizes
 * every thread, and makes each install the sensor's filter
 * (filter_inject.h). From then on the entrant and all it starts are
 * traced like the application, their events marked as entered.
 *
 * Cost: one getdents of /proc per scan, and a read of /proc/PID/status
 * only for a process not seen before: a few microseconds every
 * ENTRANTS_SCAN_MS. The guard (guard.h) also pokes the watch when an
 * open of a guarded file sleeps in a process that is not traced yet. */
#ifndef FC_ENTRANTS_H
#define FC_ENTRANTS_H

#include <signal.h>
#include <sys/types.h>

#include "err.h"
#include "procfs.h"

#define ENTRANT_SIGNAL (SIGRTMIN + 4)
#define ENTRANTS_SCAN_MS 20

/* Installs ENTRANT_SIGNAL's handler and starts the watch thread, which
 * wakes tracer_tid; *tid receives the thread's id (for the filter's
 * list of sensor threads). */
int entrants_start(pid_t tracer_tid, pid_t *tid, struct fc_err *e);

/* In the tracer thread, before it blocks in waitpid and when waitpid was
 * interrupted: whether the watch asked it to look (once per ask). */
int entrants_asked(void);

/* ENTRANT_SIGNAL sent by anyone else, for the application: 1 once per
 * signal caught (it is forwarded, not lost). */
int entrants_foreign(void);

/* Look now, not at the next scan (the guard, from its thread). */
void entrants_poke(void);

/* Whether the watch runs: an untraced process will be traced soon. */
int entrants_watching(void);

/* The tracer gave up on pid (it may not trace it): the watch stops
 * asking about it. */
void entrants_ignore(pid_t pid);

/* Calls fn for each process of the PID namespace that nobody traces and
 * that is alive, but the sensor (self_pid) and those known() says the tracer
 * has; st is its /proc status. Returns how many it found. */
size_t entrants_list(pid_t self_pid, int (*known)(pid_t pid, void *arg),
		     void (*fn)(pid_t pid, const struct proc_status *st, void *arg),
		     void *arg);

#endif
