/* tracer.h: the ptrace stop loop. It blocks in waitpid(-1, __WALL) and
 * handles each stop of each traced task, so that the application behaves
 * as it would untraced:
 *
 * - signal-delivery-stop: the signal is re-injected unchanged (same
 *   siginfo), whatever it is;
 * - group-stop (PTRACE_EVENT_STOP with a stop signal: kill -STOP, ^Z on a
 *   TTY): PTRACE_LISTEN, so the task stays stopped, its real parent sees
 *   it stopped, and SIGCONT resumes it as job control expects;
 * - PTRACE_EVENT_SECCOMP (RET_TRACE from the filter, data = spec row) or,
 *   with --seccomp=off, a syscall-entry-stop that the spec matches: decode,
 *   ask for a verdict (verdict.h), apply it; no exit stop is taken (no
 *   event or rule needs a syscall's result);
 * - PTRACE_EVENT_FORK/VFORK/CLONE: record the new task (which the kernel
 *   has attached already); its first stop may arrive before this event;
 * - PTRACE_EVENT_EXEC: Process Activity Launch; the event message gives
 *   the thread id the execve came from, which differs when a non-leader
 *   thread executed (it then takes the leader's id);
 * - death (exited or killed): Terminate when a thread-group leader dies,
 *   which the kernel reports only after its other threads;
 * - a wake-up from the entrant watch (entrants.h), which interrupts
 *   waitpid: every untraced process is seized, reported as a Launch, and
 *   each of its threads installs the filter at its first syscall
 *   (filter_inject.h), stepped with PTRACE_SYSCALL until then.
 * A task may vanish at any point (SIGKILL, exit of a sibling thread's
 * execve): every ptrace and /proc call may fail with ESRCH, which means
 * only that its death report is on the way.
 *
 * The trace options: PTRACE_O_EXITKILL makes the kernel kill every tracee
 * if the sensor dies, so the application can never go on running with
 * RET_TRACE syscalls failing as ENOSYS: a dead sensor fails loudly and ECS
 * restarts the task. */
#ifndef FC_TRACER_H
#define FC_TRACER_H

#include <linux/filter.h>
#include <sys/ptrace.h>
#include <sys/types.h>

#include "err.h"
#include "ocsf.h"
#include "falconctl_opts.h"
#include "identity.h"
#include "rules.h"
#include "sink.h"
#include "spec_concrete.h"

/* The options every tracee gets; PTRACE_O_TRACEEXIT is added when the
 * spec asks for exit events (SPEC_EXIT_EVENTS). */
#define TRACER_PTRACE_OPTIONS                                                  \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |      \
	 PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP |  \
	 PTRACE_O_EXITKILL)

struct tracer_cfg {
	const struct spec_concrete *concrete;
	const struct spec_ctx *ctx;
	int seccomp;             /* 0: --seccomp=off, PTRACE_SYSCALL everywhere */
	struct sink *sink;
	const struct ocsf_ctx *ocsf;
	pid_t app;               /* the seized, interrupted child */
	const char *sensor_exe;  /* what the child runs until its exec */
	const struct ruleset *ruleset; /* detection rules */
	enum fc_mode mode;       /* --mode: whether deny and kill apply */
	const struct identity *id; /* files and programs by inode, start time */
	const struct sock_fprog *filter; /* what entrants install; NULL:
				  * --seccomp=off */
	unsigned long ptrace_options; /* TRACER_PTRACE_OPTIONS and more */
	int entrants;            /* trace processes that enter from outside */
	const pid_t *ancestors;  /* the sensor's, never entrants */
	size_t n_ancestors;
	dev_t self_dev;          /* the sensor's own executable, which an
				  * entrant runs for `falcon-sensor status` */
	ino_t self_ino;
};

struct tracer_result {
	int status;              /* the application's wait status */
	int launched;            /* it got as far as executing the application */
	unsigned long processes; /* processes that executed an image */
	unsigned long entrants;  /* processes attached from outside */
	/* Left in the tables at the application's exit: tasks still alive
	 * (EXITKILL ends them), and execve arguments still held. A record
	 * that outlived its task would show here. */
	size_t left_processes, left_threads, left_exec_bytes;
};

/* Runs until the application's process has died. Fails with FC_ERR_SYSTEM
 * when the sensor can no longer wait for its tracees. */
int tracer_run(const struct tracer_cfg *cfg, struct tracer_result *res,
	       struct fc_err *e);

#endif
