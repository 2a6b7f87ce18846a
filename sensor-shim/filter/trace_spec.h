/* trace_spec.h: what the sensor stops or refuses, as data. Each row names a
 * syscall, optional conditions on argument values, and an action: stop the
 * tracee for the tracer (RET_TRACE, and optionally the exit stop too), or
 * fail the syscall in the kernel. seccomp_filter.c compiles rows into BPF;
 * spec_concrete.c evaluates the same rows in user space (--seccomp=off, tests).
 * The rule engine will generate rows; trace_spec.c holds today's. */
#ifndef FC_TRACE_SPEC_H
#define FC_TRACE_SPEC_H

#include <stddef.h>
#include <stdint.h>

enum spec_action {
	SPEC_TRACE,     /* stop at entry; the tracer decodes and decides */
	SPEC_DENY,      /* fail with -err before the syscall runs */
};

/* How the tracer turns the stopped syscall into an event
 * (syscall_decode.c). */
enum spec_decoder {
	DEC_NONE = 0,
	DEC_EXECVE,              /* filename, argv */
	DEC_EXECVEAT,            /* dirfd, pathname, argv, flags */
	DEC_PIDFD_SEND_SIGNAL,   /* which process the pidfd names */
	/* Files: the layout of each call's arguments is in syscall_decode.c. */
	DEC_OPEN, DEC_OPENAT, DEC_CREAT, DEC_OPENAT2,
	DEC_UNLINK, DEC_UNLINKAT, DEC_RENAME, DEC_RENAMEAT,
	DEC_CHMOD, DEC_FCHMOD, DEC_FCHMODAT,
	/* Sockets, and the rest the rules may want. */
	DEC_CONNECT, DEC_BIND, DEC_LISTEN,
	DEC_PTRACE, DEC_UNSHARE, DEC_SETNS, DEC_DUP,
	/* Other ways to name, create and change files (after DEC_FCHMODAT:
	 * decode_is_file takes the range). */
	DEC_LINK, DEC_LINKAT, DEC_SYMLINK, DEC_SYMLINKAT, DEC_MKNOD, DEC_MKNODAT,
	DEC_TRUNCATE, DEC_FTRUNCATE, DEC_RENAMEAT2,
	/* Other ways to connect, to create namespaces, to write another
	 * process's memory. */
	DEC_SENDTO, DEC_SENDMSG, DEC_SENDMMSG, DEC_CLONE, DEC_VM_WRITEV,
	/* Not decoded: the tracer does it itself (tracer.c). */
	DEC_KILL_ALL,            /* kill(-1, sig): sent to all but the sensor */
};

/* Where a condition's value comes from: a constant, or a fact about the
 * running sensor that is only known at start (struct spec_ctx). */
enum spec_val {
	SPEC_VAL_CONST = 0,
	SPEC_VAL_SENSOR_PID,     /* the sensor's process id */
	SPEC_VAL_SENSOR_TID,     /* each sensor thread id: one rule per thread */
	SPEC_VAL_SENSOR_PGID,    /* the sensor's process group */
	SPEC_VAL_SENSOR_NEG_PGID,/* -pgid as kill(2) names a group; no rule
				  * when the group is 1, where kill(-1, ...)
				  * means "every process" instead */
	SPEC_VAL_BROADCAST,      /* -1, kill(2)'s "every process", which
				  * reaches the sensor only when it is not
				  * PID 1: no rule when it is */
};

enum spec_op {
	SPEC_EQ = 0,             /* (arg & mask) == value */
	SPEC_NE,                 /* (arg & mask) != value; mask must be all
				  * 64 bits (libseccomp has no masked NE) */
};

/* One condition: (args[arg] & mask) == value (or != for SPEC_NE). mask
 * 0xffffffff compares an
 * int argument (pid_t, int): the kernel ignores the upper half of the
 * register for those, so a filter comparing all 64 bits could be bypassed
 * by setting them. */
struct spec_cond {
	unsigned char arg;
	unsigned char op;        /* enum spec_op */
	unsigned char val;       /* enum spec_val */
	uint64_t mask;
	uint64_t value;          /* SPEC_VAL_CONST only */
};

#define SPEC_MAX_COND 3
#define SPEC_FOREIGN_ABI 0x2U    /* the row is every syscall of an ABI other
				  * than the native one (i386 int $0x80 and
				  * x32 on x86-64, arm on arm64), whatever
				  * its number: syscall only names it for
				  * people, and the filter returns the row
				  * for any architecture but the native one */

struct spec_row {
	const char *syscall;     /* libseccomp's name for it */
	enum spec_action action;
	int err;                 /* SPEC_DENY: the errno the caller sees */
	unsigned flags;          /* SPEC_FOREIGN_ABI */
	unsigned char policy;    /* enum policy_id (policy.h): the row is a
				  * refusal in both modes with a Finding;
				  * 0 for none */
	enum spec_decoder decoder;
	unsigned n_cond;
	struct spec_cond cond[SPEC_MAX_COND];
	const char *why;         /* for humans, --trace=debug, and the
				  * reason a policy Finding gives */
};

/* trace_spec.flags: stop every task at PTRACE_EVENT_EXIT, while it can
 * still be inspected, just before it dies. No rule needs it yet, and it
 * costs a stop per exiting thread (a Terminate's exit code or signal comes
 * from the death report anyway), so the default spec leaves it off. */
#define SPEC_EXIT_EVENTS 0x1U

struct trace_spec {
	const struct spec_row *rows;
	size_t n;
	unsigned flags;          /* SPEC_EXIT_EVENTS */
};

/* The rows every sensor has: process events and self-protection. The
 * rows for files, sockets and the rules are added by rules_spec.c. */
extern const struct trace_spec trace_spec_default;

#endif
