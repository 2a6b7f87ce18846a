/* verdict.h: the seam where the rule engine will plug in. The tracer calls
 * verdict_for() for every decoded syscall event at its entry stop, before
 * the syscall runs, and applies the answer: let it run, make it fail with
 * an errno (the syscall is skipped), or kill the process. For rows with
 * SPEC_EXIT_STOP it calls verdict_at_exit() with the return value.
 * Today there are no rules: everything is allowed. */
#ifndef FC_VERDICT_H
#define FC_VERDICT_H

#include <stdint.h>

#include "syscall_decode.h"

enum verdict_kind {
	VERDICT_ALLOW = 0,
	VERDICT_DENY,            /* the syscall fails with -err */
	VERDICT_KILL,            /* the process is killed with SIGKILL */
};

struct verdict {
	enum verdict_kind kind;
	int err;                 /* VERDICT_DENY */
	const char *why;         /* for the log and, later, Detection Findings */
};

struct verdict verdict_for(const struct sys_event *ev);

/* The exit of a syscall whose row asked for it: rval is the return value
 * (-errno on failure). Observation only: the syscall has happened. */
void verdict_at_exit(pid_t tid, size_t row, int64_t rval);

#endif
