/* policy.h: the sensor's integrity policies: refusals that hold in detect
 * AND prevent mode, because each closes a blind spot (a way around the
 * filter, out of the traced tree, or at the sensor itself), and detection
 * with a blind spot is not detection. Each policy is one or more rows of
 * the trace spec (trace_spec.c, marked with its id) that the filter stops
 * only for the rare offending calls; the tracer refuses the syscall with
 * the policy's errno and writes a Detection Finding whose rule id is the
 * policy's id, marked blocked. --allow=LIST lifts the ones an application
 * may legitimately need (falconctl_opts.h), reopening their blind spot. */
#ifndef FC_POLICY_H
#define FC_POLICY_H

#include <stddef.h>
#include <sys/types.h>

#include "activity.h"
#include "observe.h"
#include "ocsf.h"

enum policy_id {
	POLICY_NONE = 0,
	POLICY_UNTRACED_CLONE,   /* clone with CLONE_UNTRACED */
	POLICY_IO_URING,         /* io_uring_setup/enter/register */
	POLICY_OPEN_BY_HANDLE,   /* open_by_handle_at */
	POLICY_SECCOMP_LISTENER, /* seccomp(SET_MODE_FILTER, NEW_LISTENER) */
	POLICY_COMPAT_ABI,       /* any i386 or x32 syscall */
	POLICY_USER_NAMESPACE,   /* unshare/clone with CLONE_NEWUSER */
	POLICY_SENSOR_TARGET,    /* anything aimed at the sensor */
	POLICY_N
};

struct policy {
	const char *id;          /* the Finding's rule id: tests assert it */
	const char *title;
	const char *mitre;       /* ATT&CK technique */
	int severity_id;         /* OCSF: 1 informational .. 5 critical */
	int err;                 /* what the caller sees */
	unsigned allow;          /* the FC_ALLOW_* bit that lifts it; 0: none */
};

/* The policy with id (1 .. POLICY_N - 1), or NULL. */
const struct policy *policy_get(unsigned id);

/* The policies that allow (FC_ALLOW_* bits) lifts: bit (1 << id) each,
 * for spec_ctx.lifted. */
unsigned policy_lifted(unsigned allow);

/* The activity of a refused syscall that is no file or socket activity:
 * the calling process p, the syscall, why it was refused and, when it was
 * aimed at a process, that process (0: none). The strings are borrowed. */
void policy_activity(struct activity *a, const struct observe_proc *p, pid_t tid,
		     const char *syscall, const char *reason, long long target_pid);

/* The Detection Finding of policy id refusing a: a malloc'd line (length
 * in *len), or NULL when out of memory. */
char *policy_finding(const struct ocsf_ctx *c, unsigned id, const struct activity *a,
		     size_t *len);

#endif
