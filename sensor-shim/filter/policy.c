/* policy.c: the integrity policies as one table (see policy.h), and their
 * Findings. The rows that stop the offending calls are in trace_spec.c;
 * the refusals of files aimed at the sensor in protect.c. */
#include "policy.h"

#include <errno.h>

#include "falconctl_opts.h"
#include "path_resolve.h"
#include "rules.h"

/* What each refusal closes (the blind spot that --allow reopens):
 * - untraced-clone: the kernel does not attach a task made with
 *   CLONE_UNTRACED to the tracer, so it and its descendants run unseen;
 * - io-uring: its operations (open, connect, send, rename, link...) run in
 *   the kernel without passing through seccomp at all (Docker's default
 *   profile refuses it too);
 * - open-by-handle: opens a file by its handle, not its path: no path for
 *   the rules, and the "Shocker" escape from a container;
 * - seccomp-listener: an application filter returning USER_NOTIF beats
 *   our RET_TRACE (it ranks higher), and its supervisor can let the call
 *   continue: a syscall the sensor never stopped;
 * - compat-abi: a second syscall table the rules would have to know
 *   twice; nothing legitimate in a 64-bit container needs int $0x80 or
 *   x32 (Docker's profile allows i386 only for i386 images);
 * - user-namespace: a process root in its own user namespace gets every
 *   capability the sensor dropped there, and most kernel privilege
 *   escalations of recent years start with one;
 * - sensor-target: signals, scheduling, rlimits, ptrace, /proc files and
 *   the event file of the sensor itself. */
static const struct policy table[POLICY_N] = {
	[POLICY_UNTRACED_CLONE] = { "integrity-untraced-clone",
		"Process created outside the sensor's tracing (CLONE_UNTRACED)",
		"T1562.001", 4, EPERM, 0 },
	[POLICY_IO_URING] = { "integrity-io-uring",
		"io_uring refused: its operations bypass syscall monitoring",
		"T1562.001", 3, EPERM, FC_ALLOW_IO_URING },
	[POLICY_OPEN_BY_HANDLE] = { "integrity-open-by-handle",
		"File opened by handle (open_by_handle_at) refused",
		"T1611", 4, EPERM, 0 },
	[POLICY_SECCOMP_LISTENER] = { "integrity-seccomp-listener",
		"Seccomp user-notification listener refused",
		"T1562.001", 4, EPERM, 0 },
	[POLICY_COMPAT_ABI] = { "integrity-compat-abi",
		"32-bit (i386 or x32) syscall refused",
		"T1562.001", 3, ENOSYS, FC_ALLOW_COMPAT_ABI },
	[POLICY_USER_NAMESPACE] = { "integrity-user-namespace",
		"User namespace creation refused",
		"T1611", 4, EPERM, FC_ALLOW_USER_NAMESPACE },
	[POLICY_SENSOR_TARGET] = { "integrity-sensor-target",
		"Action aimed at the Falcon sensor refused",
		"T1562.001", 5, EPERM, 0 },
};

const struct policy *policy_get(unsigned id)
{
	return id > POLICY_NONE && id < POLICY_N ? &table[id] : NULL;
}

unsigned policy_lifted(unsigned allow)
{
	unsigned lifted = 0;

	for (unsigned i = 1; i < POLICY_N; i++)
		if (table[i].allow & allow)
			lifted |= 1U << i;
	return lifted;
}

void policy_activity(struct activity *a, const struct observe_proc *p, pid_t tid,
		     const char *syscall, const char *reason, long long target_pid)
{
	*a = (struct activity){ .event = ACT_SYSCALL, .pid = p->pid, .tid = tid,
				.is_main = p->is_main, .uid = -1, .tty = -1,
				.entered_ms = p->entered_ms, .ecs_exec = p->ecs_exec };
	a->path = a->actor_path = p->exe;
	a->name = a->actor_name = p->name ? p->name : path_base_name(p->exe);
	a->cmd_line = a->actor_cmd_line = p->cmd_line;
	a->syscall = syscall;
	a->reason = reason;
	a->target_pid = target_pid;
}

char *policy_finding(const struct ocsf_ctx *c, unsigned id, const struct activity *a,
		     size_t *len)
{
	const struct policy *p = policy_get(id);
	/* ocsf_finding's rule: the policy as a built-in deny rule, applied in
	 * either mode. The strings are only read. */
	union {
		const char *in;
		char *out;
	} rid = { p ? p->id : "" }, title = { p ? p->title : "" },
	  mitre = { p ? p->mitre : NULL };
	struct rule r = { .id = rid.out, .title = title.out, .mitre = mitre.out,
			  .severity_id = p ? p->severity_id : 4, .action = RA_DENY,
			  .enabled = 1, .builtin = 1 };

	return ocsf_finding(c, &r, a, 1, len);
}
