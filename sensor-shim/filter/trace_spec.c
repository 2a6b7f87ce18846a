/* trace_spec.c: the rows every sensor has, as a table: Process Activity,
 * and the integrity policies (policy.h) that keep the application inside
 * the sensor's view and away from the sensor. Process Activity needs
 * execve and execveat only: fork, clone and exit come from ptrace events,
 * which cost no filter rule. The policy rows stop only the rare offending
 * calls (argument conditions in BPF), so that clone without the flags,
 * kill of another process or setpriority on oneself never leave the
 * kernel's fast path. Rows aimed at the sensor matter when it is not PID 1
 * (ECS initProcessEnabled): the kernel already refuses ptrace and
 * /proc/PID/mem (the sensor is not dumpable and the app has no
 * CAP_SYS_PTRACE), but a same-uid process may signal it, set its rlimits
 * or its scheduling. As PID 1 the kernel drops SIGKILL and SIGSTOP from
 * inside the namespace by itself. */
#include "trace_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include "policy.h"

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3

/* (args[a] & 0xffffffff) == the sensor fact v: an int argument. */
#define INT_ARG(a, v) { .arg = (a), .op = SPEC_EQ, .val = (v), .mask = 0xffffffffU }
/* (args[a] & 0xffffffff) == k: an int argument equal to a constant. */
#define INT_IS(a, k) { .arg = (a), .op = SPEC_EQ, .val = SPEC_VAL_CONST, \
		       .mask = 0xffffffffU, .value = (k) }
/* Every bit of b set in args[a] (a flags argument). */
#define BITS(a, b) { .arg = (a), .op = SPEC_EQ, .val = SPEC_VAL_CONST, \
		     .mask = (b), .value = (b) }

/* A policy row: stopped, refused by the tracer with a Finding. */
#define POLICY(name, pol, reason, n, ...) \
	{ .syscall = (name), .action = SPEC_TRACE, .policy = (pol), .decoder = DEC_NONE, \
	  .n_cond = (n), .cond = { __VA_ARGS__ }, .why = (reason) }
#define AT_SENSOR(name, why, n, ...) POLICY(name, POLICY_SENSOR_TARGET, why, n, __VA_ARGS__)

static const struct spec_row rows[] = {
	{ .syscall = "execve", .action = SPEC_TRACE, .decoder = DEC_EXECVE,
	  .why = "Process Activity: Launch (argv before the new image replaces it)" },
	{ .syscall = "execveat", .action = SPEC_TRACE, .decoder = DEC_EXECVEAT,
	  .why = "Process Activity: Launch, fexecve and friends" },

	/* Another syscall table is a second set of numbers for every rule:
	 * the filter returns this row for any architecture but the native
	 * one (libseccomp's bad-architecture action), and for x32 numbers. */
	{ .syscall = "i386 or x32 syscall", .action = SPEC_TRACE, .flags = SPEC_FOREIGN_ABI,
	  .policy = POLICY_COMPAT_ABI, .decoder = DEC_NONE,
	  .why = "a syscall of the i386 (int $0x80) or x32 ABI" },

	/* Out of the traced tree, or around the filter. */
	POLICY("clone", POLICY_UNTRACED_CLONE,
	       "CLONE_UNTRACED: the kernel would not attach the child to the sensor",
	       1, BITS(0, CLONE_UNTRACED)),
	POLICY("clone", POLICY_USER_NAMESPACE,
	       "CLONE_NEWUSER: every capability inside a new user namespace",
	       1, BITS(0, CLONE_NEWUSER)),
	POLICY("unshare", POLICY_USER_NAMESPACE,
	       "CLONE_NEWUSER: every capability inside a new user namespace",
	       1, BITS(0, CLONE_NEWUSER)),
	POLICY("io_uring_setup", POLICY_IO_URING,
	       "io_uring operations run in the kernel, unseen by the filter",
	       0, { 0 }),
	POLICY("io_uring_enter", POLICY_IO_URING,
	       "io_uring operations run in the kernel, unseen by the filter",
	       0, { 0 }),
	POLICY("io_uring_register", POLICY_IO_URING,
	       "io_uring operations run in the kernel, unseen by the filter",
	       0, { 0 }),
	POLICY("open_by_handle_at", POLICY_OPEN_BY_HANDLE,
	       "a file opened by handle has no path for the rules",
	       0, { 0 }),
	POLICY("seccomp", POLICY_SECCOMP_LISTENER,
	       "a user-notification supervisor could let syscalls run unjudged",
	       2, INT_IS(0, SECCOMP_SET_MODE_FILTER),
	       BITS(1, SECCOMP_FILTER_FLAG_NEW_LISTENER)),

	/* kill(2), rt_sigqueueinfo(2), prlimit(2), ptrace(2) and the others
	 * accept any thread id of a process and act on the whole process, so
	 * every sensor thread id is refused, not only the process id. */
	AT_SENSOR("kill",
	          "a signal to the sensor",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("kill",
	          "a signal to the sensor's process group",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_NEG_PGID)),
	AT_SENSOR("tkill",
	          "a signal to a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("tgkill",
	          "a signal to a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_PID)),
	AT_SENSOR("rt_sigqueueinfo",
	          "a queued signal to the sensor",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("rt_tgsigqueueinfo",
	          "a queued signal to the sensor",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_PID)),
	AT_SENSOR("pidfd_open",
	          "a pidfd for the sensor",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("setpgid",
	          "joining the sensor's group (then kill(0, SIGSTOP) would stop it)",
	          1, INT_ARG(1, SPEC_VAL_SENSOR_PGID)),
	AT_SENSOR("prlimit64",
	          "rlimits on the sensor (RLIMIT_CPU would kill it)",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	/* A signal the kernel sends on the application's behalf: with
	 * F_SETOWN the owner of a descriptor (the sensor, or its group) gets
	 * SIGIO when I/O is possible, and F_SETSIG picks the signal. Every
	 * other signal reaching the sensor is forwarded to the application;
	 * only SIGKILL and SIGSTOP cannot be, and nothing needs them as an
	 * I/O signal. (fcntl's command and argument are ints.) */
	AT_SENSOR("fcntl",
	          "F_SETSIG with SIGKILL: an uncatchable signal for a descriptor's owner",
	          2, INT_IS(1, F_SETSIG), INT_IS(2, SIGKILL)),
	AT_SENSOR("fcntl",
	          "F_SETSIG with SIGSTOP: an uncatchable signal for a descriptor's owner",
	          2, INT_IS(1, F_SETSIG), INT_IS(2, SIGSTOP)),
	/* The kernel refuses these already (not dumpable, no CAP_SYS_PTRACE
	 * in the app); refusing them here too costs nothing, holds if a
	 * capability slips through, and says so in a Finding. */
	AT_SENSOR("ptrace",
	          "ptrace of the sensor",
	          1, INT_ARG(1, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("process_vm_readv",
	          "reading the sensor's memory",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("process_vm_writev",
	          "writing the sensor's memory",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	/* Scheduling: a nice of 19, SCHED_IDLE, an I/O class of idle or one
	 * CPU shared with a busy loop starve the sensor, and every traced
	 * syscall of the application waits for it. These act on one thread
	 * (PRIO_PROCESS, the sched_* calls) or a group; PRIO_USER and
	 * IOPRIO_WHO_USER reach every process of a uid, the sensor's too. */
	AT_SENSOR("setpriority",
	          "the priority of a sensor thread",
	          2, INT_IS(0, PRIO_PROCESS), INT_ARG(1, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("setpriority",
	          "the priority of the sensor's process group",
	          2, INT_IS(0, PRIO_PGRP), INT_ARG(1, SPEC_VAL_SENSOR_PGID)),
	AT_SENSOR("setpriority",
	          "the priority of every process of a user, the sensor's too (PRIO_USER)",
	          1, INT_IS(0, PRIO_USER)),
	AT_SENSOR("ioprio_set",
	          "the I/O priority of a sensor thread",
	          2, INT_IS(0, IOPRIO_WHO_PROCESS), INT_ARG(1, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("ioprio_set",
	          "the I/O priority of the sensor's process group",
	          2, INT_IS(0, IOPRIO_WHO_PGRP), INT_ARG(1, SPEC_VAL_SENSOR_PGID)),
	AT_SENSOR("ioprio_set",
	          "the I/O priority of every process of a user (IOPRIO_WHO_USER)",
	          1, INT_IS(0, IOPRIO_WHO_USER)),
	AT_SENSOR("sched_setaffinity",
	          "the CPUs of a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("sched_setscheduler",
	          "the scheduling policy of a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("sched_setparam",
	          "the scheduling priority of a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),
	AT_SENSOR("sched_setattr",
	          "the scheduling of a sensor thread",
	          1, INT_ARG(0, SPEC_VAL_SENSOR_TID)),

	/* A pidfd can also be an open("/proc/PID") directory, which BPF
	 * cannot see through: the tracer resolves the fd (protect.c). */
	{ .syscall = "pidfd_send_signal", .action = SPEC_TRACE,
	  .decoder = DEC_PIDFD_SEND_SIGNAL, .why = "a signal to the sensor through a pidfd" },
	/* kill(-1, sig) reaches every process but init and the caller: the
	 * sensor too when it is not PID 1. The tracer sends it itself to the
	 * others (tracer.c); not a Finding: shutdown scripts do it. */
	{ .syscall = "kill", .action = SPEC_TRACE, .decoder = DEC_KILL_ALL, .n_cond = 1,
	  .cond = { INT_ARG(0, SPEC_VAL_BROADCAST) },
	  .why = "kill(-1, sig): the tracer sends it to every traced process but the caller" },
	/* clone3's flags are in a struct, out of the filter's reach (so
	 * CLONE_UNTRACED and CLONE_NEWUSER would pass): ENOSYS in the kernel,
	 * no stop, as Docker's default profile does; glibc and musl then fall
	 * back to clone, whose flags the rows above see. */
	{ .syscall = "clone3", .action = SPEC_DENY, .err = ENOSYS, .decoder = DEC_NONE,
	  .why = "clone3: ENOSYS, so that libc falls back to clone" },
};

const struct trace_spec trace_spec_default = { .rows = rows,
						.n = sizeof rows / sizeof *rows };
