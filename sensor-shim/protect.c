/* protect.c: capabilities, dumpability and the pidfd check. */
#include "protect.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* What the application must not have (see protect.h). */
static const unsigned dropped_caps[] = {
	CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_SYS_MODULE,
	CAP_SYS_RAWIO,
};

int protect_app_child(const char **stage)
{
	int bounds;
	capng_type_t sets = CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE;

	if (capng_get_caps_process() < 0) {
		*stage = "capng_get_caps_process";
		return -1;
	}
	bounds = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	if (bounds)
		sets |= CAPNG_BOUNDING_SET;
	for (size_t i = 0; i < sizeof dropped_caps / sizeof *dropped_caps; i++) {
		/* A capability this kernel does not know cannot be held. */
		if (prctl(PR_CAPBSET_READ, dropped_caps[i], 0, 0, 0) < 0)
			continue;
		if (capng_update(CAPNG_DROP, sets, dropped_caps[i]) < 0) {
			*stage = "capng_update";
			return -1;
		}
	}
	if (capng_apply(bounds ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0) {
		if (errno == 0)
			errno = EPERM;
		*stage = "capng_apply";
		return -1;
	}
	/* Lowering a capability from the permitted or inheritable set lowers
	 * it from the ambient set too; said again for kernels and readers
	 * that do not know that. */
	for (size_t i = 0; i < sizeof dropped_caps / sizeof *dropped_caps; i++)
		(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, dropped_caps[i], 0, 0);
	return 0;
}

int protect_sensor(struct fc_err *e)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot make the sensor non-dumpable: "
			       "%s", strerror(errno));
	return 0;
}

struct verdict protect_check(const struct sys_event *ev, const struct spec_ctx *ctx)
{
	pid_t target;

	/* A rule's ptrace row may be the one the filter stopped a
	 * ptrace(ATTACH, sensor) with: the refusal must not depend on
	 * which row won. */
	if (ev->spec->decoder == DEC_PTRACE)
		target = (pid_t)(uint32_t)ev->args[1];
	else if (ev->spec->decoder == DEC_PIDFD_SEND_SIGNAL)
		target = ev->u.pidfd.target;
	else
		return (struct verdict){ .kind = VERDICT_ALLOW, .err = 0, .why = NULL };
	if (ev->spec->decoder == DEC_PTRACE && ev->args[0] == PTRACE_TRACEME)
		return (struct verdict){ .kind = VERDICT_ALLOW, .err = 0, .why = NULL };
	if (target <= 0)
		return (struct verdict){ .kind = VERDICT_ALLOW, .err = 0, .why = NULL };
	if (target == ctx->pid)
		return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
					 .why = "a signal or ptrace aimed at the sensor" };
	for (size_t i = 0; i < ctx->n_tids; i++)
		if (target == ctx->tids[i])
			return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
						 .why = "a signal or ptrace aimed at a sensor thread" };
	return (struct verdict){ .kind = VERDICT_ALLOW, .err = 0, .why = NULL };
}
