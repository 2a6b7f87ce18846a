/* protect.c: capabilities, dumpability, and the checks of what aims at
 * the sensor once the tracer has decoded it (pidfds, files). */
#include "protect.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>

#include "falconctl_opts.h"
#include "policy.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

/* What the application must not have, and why: each opens a way around
 * the sensor. "Docker" marks the ones in Docker's (and ECS's) default
 * set, which applications may rely on: those have an --allow name where
 * a legitimate use is common; the others are only there when a task
 * definition adds them. */
static const struct {
	unsigned cap;
	unsigned keep;           /* the FC_ALLOW_* bit that keeps it; 0: none */
} dropped_caps[] = {
	/* ptrace, /proc/PID/mem, process_vm_*: the sensor's memory. */
	{ CAP_SYS_PTRACE, 0 },
	/* mount, setns, bpf, seccomp without NNP, quotas...: everything. */
	{ CAP_SYS_ADMIN, 0 },
	/* eBPF programs and perf events read other processes' memory. */
	{ CAP_BPF, 0 },
	{ CAP_PERFMON, 0 },
	/* A kernel module is the kernel. */
	{ CAP_SYS_MODULE, 0 },
	/* /dev/mem, iopl, raw block I/O: memory and disks under the files. */
	{ CAP_SYS_RAWIO, 0 },
	/* open_by_handle_at: a file opened by handle has no path (and the
	 * "Shocker" container escape). */
	{ CAP_DAC_READ_SEARCH, 0 },
	/* Docker. chroot changes what a path names for the tracee, while the
	 * rules read the names. */
	{ CAP_SYS_CHROOT, FC_ALLOW_CHROOT },
	/* Docker. File capabilities outlive the process: a binary left with
	 * them on a shared volume or image layer runs privileged where no
	 * NO_NEW_PRIVS holds. */
	{ CAP_SETFCAP, 0 },
	/* Docker. Raw and packet sockets send TCP/UDP without connect(2):
	 * no Network event, no rule. */
	{ CAP_NET_RAW, FC_ALLOW_NET_RAW },
	/* NAT and routing rules (iptables, nft) can send a connect to a
	 * destination other than the one the sensor saw. */
	{ CAP_NET_ADMIN, 0 },
	/* The clock is what "written since start" (st_ctime) trusts. */
	{ CAP_SYS_TIME, 0 },
	/* reboot(2) in a PID namespace kills its init: the sensor. */
	{ CAP_SYS_BOOT, 0 },
	/* chattr +a/+i on the event file (or on binaries the sensor trusts). */
	{ CAP_LINUX_IMMUTABLE, 0 },
	/* Real-time scheduling (SCHED_FIFO) and negative nice starve the
	 * sensor on the CPUs it shares with the application. */
	{ CAP_SYS_NICE, FC_ALLOW_SYS_NICE },
	/* LSM policy: loading or overriding one changes what is enforced
	 * beneath the sensor. */
	{ CAP_MAC_ADMIN, 0 },
	{ CAP_MAC_OVERRIDE, 0 },
	/* The audit rules and login ids another monitor relies on. */
	{ CAP_AUDIT_CONTROL, 0 },
	/* PR_SET_MM_EXE_FILE renames /proc/PID/exe (what the events name a
	 * program by); oom_score_adj below the sensor's makes the OOM killer
	 * pick the sensor; rlimits beyond the hard limit. */
	{ CAP_SYS_RESOURCE, 0 },
	{ CAP_CHECKPOINT_RESTORE, 0 },
	/* acct(2) has the kernel append binary records to any file: the
	 * event file too. */
	{ CAP_SYS_PACCT, 0 },
};

#define N_DROPPED (sizeof dropped_caps / sizeof *dropped_caps)

int protect_app_child(unsigned allow, const char **stage)
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
	for (size_t i = 0; i < N_DROPPED; i++) {
		/* A capability this kernel does not know cannot be held. */
		if ((dropped_caps[i].keep & allow) ||
		    prctl(PR_CAPBSET_READ, dropped_caps[i].cap, 0, 0, 0) < 0)
			continue;
		if (capng_update(CAPNG_DROP, sets, dropped_caps[i].cap) < 0) {
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
	for (size_t i = 0; i < N_DROPPED; i++)
		if (!(dropped_caps[i].keep & allow))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, dropped_caps[i].cap,
				    0, 0);
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
					 .why = "a signal or ptrace aimed at the sensor",
					 .policy = POLICY_SENSOR_TARGET };
	for (size_t i = 0; i < ctx->n_tids; i++)
		if (target == ctx->tids[i])
			return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
				.why = "a signal or ptrace aimed at a sensor thread",
				.policy = POLICY_SENSOR_TARGET };
	return (struct verdict){ .kind = VERDICT_ALLOW, .err = 0, .why = NULL };
}

/* Whether path is /proc/N or below it, N a sensor pid or thread id
 * (/proc/N/task/M is below /proc/N). The path is resolved: no "..", no
 * symlinks, and /proc/self means the tracee (path_resolve.h). */
static int in_sensor_proc(const char *path, const struct spec_ctx *ctx)
{
	char *end;
	long n;

	if (strncmp(path, "/proc/", 6) != 0 || path[6] < '1' || path[6] > '9')
		return 0;
	n = strtol(path + 6, &end, 10);
	if (*end != '/' && *end != '\0')
		return 0;
	if (n == ctx->pid)
		return 1;
	for (size_t i = 0; i < ctx->n_tids; i++)
		if (n == ctx->tids[i])
			return 1;
	return 0;
}

static int is_inode(const char *path, const struct spec_ctx *ctx)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_dev == ctx->sink_dev &&
	       st.st_ino == ctx->sink_ino;
}

/* Whether path is the event file: as the sensor names it, or as tid does
 * through its own root (a chroot under --allow=chroot names files
 * differently, and a path resolved in the tracee's view is one). Only the
 * same inode matches, so looking both ways cannot refuse another file.
 * lstat: the resolved path has its symlinks resolved already where the
 * call follows them, and unlinking a symlink to the event file is
 * harmless. */
static int is_sink(const char *path, const struct stat *st, const struct spec_ctx *ctx,
		   pid_t tid)
{
	char via[PATH_MAX_KEPT + 64];

	if (!ctx->has_sink_file || path[0] != '/')
		return 0;
	/* The walk's own stat, when it stands for lstat(path) (activity.h):
	 * it found the file from the sensor's root, which is then the
	 * tracee's too, so the view through its root is the same file. */
	if (st)
		return st->st_ino != 0 && st->st_dev == ctx->sink_dev &&
		       st->st_ino == ctx->sink_ino;
	if (is_inode(path, ctx))
		return 1;
	/* Only a tracee that can change its root names files otherwise
	 * (path_resolve.h): else the second walk, through a magic link,
	 * would cost every file event a few microseconds for nothing. */
	if (!ctx->roots_may_differ)
		return 0;
	snprintf(via, sizeof via, "/proc/%d/root%s", (int)tid, path);
	return is_inode(via, ctx);
}

/* Whether path, a descriptor's name as the kernel gives it ("pipe:[INO]"),
 * is the log pipe the sensor shares with the application. Opening it for
 * reading (through /proc/PID/fd/2) would let the application take the
 * sensor's lines out of the pipe before the log driver reads them; all
 * pipes live on one pipefs, so the inode alone names it. */
static int is_log_pipe(const char *path, const struct spec_ctx *ctx)
{
	char *end;
	unsigned long long ino;

	if (!ctx->has_sink_pipe || strncmp(path, "pipe:[", 6) != 0)
		return 0;
	errno = 0;
	ino = strtoull(path + 6, &end, 10);
	return errno == 0 && end != path + 6 && strcmp(end, "]") == 0 &&
	       ino == (unsigned long long)ctx->pipe_ino;
}

struct verdict protect_file_check(const struct activity *a, const struct spec_ctx *ctx,
				  pid_t tid)
{
	const char *paths[2] = { a->file_path, a->old_path };
	const struct stat *sts[2] = { a->file_st, a->old_st };
	/* Reading /proc/SENSOR/status, stat or cmdline is what ps and top
	 * do; the dangerous reads (mem, environ, fd/, maps) need ptrace
	 * access, which the kernel refuses (the sensor is not dumpable). */
	int read_only = a->event == ACT_OPEN && !a->is_write;

	if (a->event == ACT_EXEC)
		return (struct verdict){ .kind = VERDICT_ALLOW };
	for (size_t i = 0; i < 2; i++) {
		if (!paths[i])
			continue;
		if (!read_only && in_sensor_proc(paths[i], ctx))
			return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
				.why = "a change to the sensor's /proc files",
				.policy = POLICY_SENSOR_TARGET };
		if (a->event == ACT_OPEN && a->is_read && is_log_pipe(paths[i], ctx))
			return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
				.why = "reading the sensor's log pipe",
				.policy = POLICY_SENSOR_TARGET };
		if (is_sink(paths[i], sts[i], ctx, tid))
			return (struct verdict){ .kind = VERDICT_DENY, .err = EPERM,
				.why = "the sensor's event file",
				.policy = POLICY_SENSOR_TARGET };
	}
	return (struct verdict){ .kind = VERDICT_ALLOW };
}
