/* test_seccomp_filter.c: the trace spec compiled into BPF, as a golden
 * table in the manner of libseccomp's tests: syscall, architecture and
 * arguments in, action out. Each row runs through the exported BPF program
 * in a small classic-BPF interpreter (what the kernel would return) and
 * through the user-space matcher that --seccomp=off uses; both must give
 * the table's answer. */
#include "unit.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>

#include "bpf_sim.h"
#include "falconctl_opts.h"
#include "policy.h"
#include "seccomp_filter.h"
#include "spec_concrete.h"
#include "trace_spec.h"

#define PID 4242
#define WRITER 4243
#define SIGNALS 4244
#define PGID 4240
#define I32(v) ((uint64_t)(uint32_t)(v)) /* an int as a 32-bit ABI passes it */
#define S64(v) ((uint64_t)(int64_t)(v))  /* an int sign-extended, as glibc does */

enum want {
	ALLOW,
	TRACE,                   /* stops at the row of syscall `row` */
	POLICY,                  /* stops (any row of this syscall), and user
				  * space takes the row of policy `pol` */
	ENOSYS_,                 /* SECCOMP_RET_ERRNO(ENOSYS) in the kernel */
	KILLALL,                 /* stops at the kill(-1) emulation row */
};

#define CU 0x00800000ULL         /* CLONE_UNTRACED */
#define CNU 0x10000000ULL        /* CLONE_NEWUSER */
#define CNNS 0x00020000ULL       /* CLONE_NEWNS */
#define ST POLICY_SENSOR_TARGET

static const struct {
	const char *syscall;
	uint32_t arch;           /* libseccomp token */
	uint64_t args[6];
	enum want want;
	const char *row;         /* TRACE: the row's syscall */
	unsigned pol;            /* POLICY: the policy */
	const char *why;
} golden[] = {
	{ "execve", SCMP_ARCH_X86_64, { 0 }, TRACE, "execve", 0, "execve stops" },
	{ "execveat", SCMP_ARCH_X86_64, { 0 }, TRACE, "execveat", 0, "execveat stops" },
	{ "getppid", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, 0, "getppid runs" },
	{ "fork", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, 0, "fork runs (ptrace events see it)" },
	{ "exit_group", SCMP_ARCH_X86_64, { 3 }, ALLOW, NULL, 0, "exit_group runs" },
	{ "openat", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, 0, "openat runs" },

	/* compat-abi: every i386 and x32 syscall, whatever it is. */
	{ "execve", SCMP_ARCH_X86, { 0 }, POLICY, NULL, POLICY_COMPAT_ABI,
	  "i386 execve (int $0x80) is the compat-abi policy" },
	{ "getppid", SCMP_ARCH_X86, { 0 }, POLICY, NULL, POLICY_COMPAT_ABI,
	  "i386 getppid too: the whole ABI" },
	{ "kill", SCMP_ARCH_X86, { I32(PID), 19 }, POLICY, NULL, POLICY_COMPAT_ABI,
	  "i386 kill(sensor): compat-abi first" },
	{ "execve", SCMP_ARCH_X32, { 0 }, POLICY, NULL, POLICY_COMPAT_ABI,
	  "x32 execve is the compat-abi policy" },
	{ "getppid", SCMP_ARCH_X32, { 0 }, POLICY, NULL, POLICY_COMPAT_ABI,
	  "x32 getppid too" },

	/* Out of the traced tree, around the filter. */
	{ "clone", SCMP_ARCH_X86_64, { 0x1200011 }, ALLOW, NULL, 0,
	  "clone as fork (CLONE_CHILD_SETTID|CLEARTID|SIGCHLD) runs" },
	{ "clone", SCMP_ARCH_X86_64, { 0x3d0f00 }, ALLOW, NULL, 0,
	  "clone as pthread_create runs" },
	{ "clone", SCMP_ARCH_X86_64, { CU | 17 }, POLICY, NULL, POLICY_UNTRACED_CLONE,
	  "clone(CLONE_UNTRACED) is refused" },
	{ "clone", SCMP_ARCH_X86_64, { 0xffffffff00000000ULL | CU }, POLICY, NULL,
	  POLICY_UNTRACED_CLONE, "clone(CLONE_UNTRACED) with garbage above" },
	{ "clone", SCMP_ARCH_X86_64, { CNU | 17 }, POLICY, NULL, POLICY_USER_NAMESPACE,
	  "clone(CLONE_NEWUSER) is refused" },
	{ "clone", SCMP_ARCH_X86_64, { CNNS | 17 }, ALLOW, NULL, 0,
	  "clone(CLONE_NEWNS) is no policy (the kernel wants CAP_SYS_ADMIN)" },
	{ "unshare", SCMP_ARCH_X86_64, { CNU }, POLICY, NULL, POLICY_USER_NAMESPACE,
	  "unshare(CLONE_NEWUSER) is refused" },
	{ "unshare", SCMP_ARCH_X86_64, { CNU | CNNS }, POLICY, NULL, POLICY_USER_NAMESPACE,
	  "unshare(CLONE_NEWUSER|CLONE_NEWNS) is refused" },
	{ "unshare", SCMP_ARCH_X86_64, { CNNS }, ALLOW, NULL, 0,
	  "unshare(CLONE_NEWNS) is no policy" },
	{ "clone3", SCMP_ARCH_X86_64, { 0 }, ENOSYS_, NULL, 0,
	  "clone3 is ENOSYS in the kernel (libc falls back to clone)" },
	{ "io_uring_setup", SCMP_ARCH_X86_64, { 8, 0 }, POLICY, NULL, POLICY_IO_URING,
	  "io_uring_setup is refused" },
	{ "io_uring_enter", SCMP_ARCH_X86_64, { 3 }, POLICY, NULL, POLICY_IO_URING,
	  "io_uring_enter is refused" },
	{ "io_uring_register", SCMP_ARCH_X86_64, { 3 }, POLICY, NULL, POLICY_IO_URING,
	  "io_uring_register is refused" },
	{ "open_by_handle_at", SCMP_ARCH_X86_64, { 3 }, POLICY, NULL, POLICY_OPEN_BY_HANDLE,
	  "open_by_handle_at is refused" },
	{ "name_to_handle_at", SCMP_ARCH_X86_64, { 3 }, ALLOW, NULL, 0,
	  "name_to_handle_at runs (a handle alone opens nothing)" },
	{ "seccomp", SCMP_ARCH_X86_64, { 1, 8, 0 }, POLICY, NULL, POLICY_SECCOMP_LISTENER,
	  "seccomp(SET_MODE_FILTER, NEW_LISTENER) is refused" },
	{ "seccomp", SCMP_ARCH_X86_64, { 1, 9, 0 }, POLICY, NULL, POLICY_SECCOMP_LISTENER,
	  "seccomp(SET_MODE_FILTER, TSYNC|NEW_LISTENER) is refused" },
	{ "seccomp", SCMP_ARCH_X86_64, { 1, 0, 0 }, ALLOW, NULL, 0,
	  "seccomp(SET_MODE_FILTER) without a listener runs" },
	{ "seccomp", SCMP_ARCH_X86_64, { 2, 8, 0 }, ALLOW, NULL, 0,
	  "seccomp(GET_ACTION_AVAIL) runs whatever its flags" },

	/* Aimed at the sensor. */
	{ "kill", SCMP_ARCH_X86_64, { S64(PID), 19 }, POLICY, NULL, ST, "kill(sensor) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { I32(PID), 9 }, POLICY, NULL, ST, "kill(sensor), zero-extended" },
	{ "kill", SCMP_ARCH_X86_64, { 0xdead00000000ULL | PID, 19 }, POLICY, NULL, ST,
	  "kill(sensor) with garbage in the upper half, which the kernel ignores" },
	{ "kill", SCMP_ARCH_X86_64, { S64(WRITER), 19 }, POLICY, NULL, ST,
	  "kill(a sensor thread id) is refused: it signals the process" },
	{ "kill", SCMP_ARCH_X86_64, { S64(SIGNALS), 19 }, POLICY, NULL, ST,
	  "kill(the signal thread's id) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-PGID), 19 }, POLICY, NULL, ST,
	  "kill(-sensor group) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { I32(-PGID), 19 }, POLICY, NULL, ST,
	  "kill(-sensor group), zero-extended" },
	{ "kill", SCMP_ARCH_X86_64, { S64(PID + 10), 19 }, ALLOW, NULL, 0, "kill(another pid) runs" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-1), 15 }, KILLALL, NULL, 0,
	  "kill(-1) stops, for the tracer to send it to all but the sensor" },
	{ "kill", SCMP_ARCH_X86_64, { I32(-1), 9 }, KILLALL, NULL, 0,
	  "kill(-1), zero-extended, stops" },
	{ "kill", SCMP_ARCH_X86_64, { 0, 15 }, ALLOW, NULL, 0, "kill(0) (own group) runs" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-PID), 19 }, ALLOW, NULL, 0,
	  "kill(-sensor pid) runs: the sensor's group is not its pid here" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(WRITER), 19 }, POLICY, NULL, ST, "tkill(writer thread) is refused" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(PID), 19 }, POLICY, NULL, ST, "tkill(main thread) is refused" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(PID + 10), 19 }, ALLOW, NULL, 0, "tkill(another) runs" },
	{ "tgkill", SCMP_ARCH_X86_64, { S64(PID), S64(SIGNALS), 19 }, POLICY, NULL, ST,
	  "tgkill(sensor, thread) is refused" },
	{ "tgkill", SCMP_ARCH_X86_64, { S64(PID + 1), S64(PID + 1), 19 }, ALLOW, NULL, 0,
	  "tgkill(another) runs" },
	{ "rt_sigqueueinfo", SCMP_ARCH_X86_64, { S64(PID), 19, 0 }, POLICY, NULL, ST,
	  "rt_sigqueueinfo(sensor) is refused" },
	{ "rt_tgsigqueueinfo", SCMP_ARCH_X86_64, { S64(PID), S64(PID), 19, 0 }, POLICY, NULL, ST,
	  "rt_tgsigqueueinfo(sensor) is refused" },
	{ "pidfd_open", SCMP_ARCH_X86_64, { S64(PID), 0 }, POLICY, NULL, ST, "pidfd_open(sensor) is refused" },
	{ "pidfd_open", SCMP_ARCH_X86_64, { S64(PID + 7), 0 }, ALLOW, NULL, 0, "pidfd_open(another) runs" },
	{ "pidfd_send_signal", SCMP_ARCH_X86_64, { 3, 19, 0, 0 }, TRACE, "pidfd_send_signal", 0,
	  "pidfd_send_signal stops, for the tracer to resolve the fd" },
	{ "setpgid", SCMP_ARCH_X86_64, { 0, S64(PGID) }, POLICY, NULL, ST,
	  "setpgid into the sensor's group is refused" },
	{ "setpgid", SCMP_ARCH_X86_64, { 0, 0 }, ALLOW, NULL, 0, "setpgid(0, 0) runs" },
	{ "prlimit64", SCMP_ARCH_X86_64, { S64(PID), 0, 1, 0 }, POLICY, NULL, ST,
	  "prlimit(sensor) is refused" },
	{ "prlimit64", SCMP_ARCH_X86_64, { 0, 0, 1, 0 }, ALLOW, NULL, 0, "prlimit(self) runs" },
	{ "ptrace", SCMP_ARCH_X86_64, { 16, S64(PID), 0, 0 }, POLICY, NULL, ST,
	  "ptrace(ATTACH, sensor) is refused" },
	{ "ptrace", SCMP_ARCH_X86_64, { 0, 0, 0, 0 }, ALLOW, NULL, 0,
	  "ptrace(TRACEME) reaches the kernel (which refuses: already traced)" },
	{ "process_vm_readv", SCMP_ARCH_X86_64, { S64(WRITER), 0, 1, 0, 1, 0 }, POLICY, NULL, ST,
	  "process_vm_readv(sensor thread) is refused" },
	{ "process_vm_writev", SCMP_ARCH_X86_64, { S64(PID), 0, 1, 0, 1, 0 }, POLICY, NULL, ST,
	  "process_vm_writev(sensor) is refused" },
	{ "fcntl", SCMP_ARCH_X86_64, { 3, 10 /* F_SETSIG */, 9 /* SIGKILL */ }, POLICY, NULL, ST,
	  "fcntl(F_SETSIG, SIGKILL) is refused: the kernel would send it to the owner" },
	{ "fcntl", SCMP_ARCH_X86_64, { 3, 10, 19 /* SIGSTOP */ }, POLICY, NULL, ST,
	  "fcntl(F_SETSIG, SIGSTOP) is refused" },
	{ "fcntl", SCMP_ARCH_X86_64, { 3, 10, 29 /* SIGIO */ }, ALLOW, NULL, 0,
	  "fcntl(F_SETSIG, SIGIO) runs" },
	{ "fcntl", SCMP_ARCH_X86_64, { 3, 8 /* F_SETOWN */, S64(PID) }, ALLOW, NULL, 0,
	  "fcntl(F_SETOWN, sensor) runs: its SIGIO is forwarded to the application" },
	{ "fcntl", SCMP_ARCH_X86_64, { 9, 3 /* F_GETFL */, 0 }, ALLOW, NULL, 0,
	  "fcntl(F_GETFL) runs" },
	{ "setpriority", SCMP_ARCH_X86_64, { 0, S64(PID), 19 }, POLICY, NULL, ST,
	  "setpriority(PRIO_PROCESS, sensor) is refused" },
	{ "setpriority", SCMP_ARCH_X86_64, { 0, S64(SIGNALS), 19 }, POLICY, NULL, ST,
	  "setpriority(PRIO_PROCESS, a sensor thread) is refused" },
	{ "setpriority", SCMP_ARCH_X86_64, { 0, 0, 19 }, ALLOW, NULL, 0,
	  "setpriority(PRIO_PROCESS, self) runs" },
	{ "setpriority", SCMP_ARCH_X86_64, { 0, S64(PID + 3), 5 }, ALLOW, NULL, 0,
	  "setpriority(PRIO_PROCESS, another) runs" },
	{ "setpriority", SCMP_ARCH_X86_64, { 1, S64(PGID), 19 }, POLICY, NULL, ST,
	  "setpriority(PRIO_PGRP, the sensor's group) is refused" },
	{ "setpriority", SCMP_ARCH_X86_64, { 1, 0, 19 }, ALLOW, NULL, 0,
	  "setpriority(PRIO_PGRP, own group) runs" },
	{ "setpriority", SCMP_ARCH_X86_64, { 2, 0, 19 }, POLICY, NULL, ST,
	  "setpriority(PRIO_USER) is refused: the sensor is one of the user's" },
	{ "ioprio_set", SCMP_ARCH_X86_64, { 1, S64(WRITER), 0x6000 }, POLICY, NULL, ST,
	  "ioprio_set(WHO_PROCESS, a sensor thread) is refused" },
	{ "ioprio_set", SCMP_ARCH_X86_64, { 1, 0, 0x6000 }, ALLOW, NULL, 0,
	  "ioprio_set(WHO_PROCESS, self) runs" },
	{ "ioprio_set", SCMP_ARCH_X86_64, { 2, S64(PGID), 0x6000 }, POLICY, NULL, ST,
	  "ioprio_set(WHO_PGRP, the sensor's group) is refused" },
	{ "ioprio_set", SCMP_ARCH_X86_64, { 3, 0, 0x6000 }, POLICY, NULL, ST,
	  "ioprio_set(WHO_USER) is refused" },
	{ "sched_setaffinity", SCMP_ARCH_X86_64, { S64(PID), 8, 0 }, POLICY, NULL, ST,
	  "sched_setaffinity(sensor) is refused" },
	{ "sched_setaffinity", SCMP_ARCH_X86_64, { 0, 8, 0 }, ALLOW, NULL, 0,
	  "sched_setaffinity(self) runs" },
	{ "sched_setscheduler", SCMP_ARCH_X86_64, { S64(WRITER), 5, 0 }, POLICY, NULL, ST,
	  "sched_setscheduler(a sensor thread, SCHED_IDLE) is refused" },
	{ "sched_setscheduler", SCMP_ARCH_X86_64, { 0, 5, 0 }, ALLOW, NULL, 0,
	  "sched_setscheduler(self) runs" },
	{ "sched_setparam", SCMP_ARCH_X86_64, { S64(SIGNALS), 0 }, POLICY, NULL, ST,
	  "sched_setparam(a sensor thread) is refused" },
	{ "sched_setattr", SCMP_ARCH_X86_64, { S64(PID), 0, 0 }, POLICY, NULL, ST,
	  "sched_setattr(sensor) is refused" },
	{ "sched_setattr", SCMP_ARCH_X86_64, { 0, 0, 0 }, ALLOW, NULL, 0,
	  "sched_setattr(self) runs" },
	{ "sched_setaffinity", SCMP_ARCH_X86_64, { 0xabc00000000ULL | PID, 8, 0 }, POLICY, NULL,
	  ST, "sched_setaffinity(sensor) with garbage in the upper half" },
};

static const struct spec_ctx ctx = { .pid = PID, .pgid = PGID,
				      .tids = { PID, WRITER, SIGNALS }, .n_tids = 3 };

static long row_of(const struct trace_spec *spec, const char *syscall)
{
	for (size_t i = 0; i < spec->n; i++)
		if (!spec->rows[i].policy && strcmp(spec->rows[i].syscall, syscall) == 0)
			return (long)i;
	return -1;
}

static long killall_row(const struct trace_spec *spec)
{
	for (size_t i = 0; i < spec->n; i++)
		if (spec->rows[i].decoder == DEC_KILL_ALL)
			return (long)i;
	return -1;
}

static uint32_t audit_arch_of(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

/* One golden row through the BPF program and the user-space matcher. */
static void check_one(const struct spec_concrete *r, const struct sock_fprog *prog,
		      const char *syscall, uint32_t token, const uint64_t *args,
		      enum want want, const char *rowname, unsigned pol, const char *why)
{
	const struct trace_spec *spec = r->spec;
	int nr = seccomp_syscall_resolve_name_arch(token, syscall);
	struct sim_data d = { nr, audit_arch_of(token), 0, { 0 } };
	uint32_t got;
	long got_row;

	memcpy(d.args, args, sizeof d.args);
	got = run_bpf(prog, &d);
	got_row = spec_concrete_match(r, d.arch, (uint64_t)(uint32_t)nr, d.args);
	switch (want) {
	case ALLOW:
		CHECK(got == SECCOMP_RET_ALLOW, "bpf: %s", why);
		CHECK(got_row < 0, "user space: %s", why);
		break;
	case TRACE:
	case KILLALL: {
		long row = want == TRACE ? row_of(spec, rowname) : killall_row(spec);

		CHECK(got == (SECCOMP_RET_TRACE | (uint32_t)row), "bpf: %s", why);
		CHECK(got_row == row, "user space: %s", why);
		break;
	}
	case ENOSYS_:
		CHECK(got == (SECCOMP_RET_ERRNO | ENOSYS), "bpf: %s", why);
		CHECK(got_row >= 0 && spec->rows[got_row].action == SPEC_DENY &&
		      spec->rows[got_row].err == ENOSYS, "user space: %s", why);
		break;
	case POLICY:
		/* The kernel stops it (at any row: rows may hide each other,
		 * the tracer matches again); user space names the policy. */
		CHECK((got & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE, "bpf: %s", why);
		CHECK(got_row >= 0 && spec->rows[got_row].policy == pol,
		      "user space: %s", why);
		break;
	}
	if ((want == ALLOW && got != SECCOMP_RET_ALLOW) || got == BPF_SIM_BAD)
		unit_diag("nr %d arch 0x%x: got 0x%x, user-space row %ld", nr, d.arch, got,
			  got_row);
}

/* The default spec built and compiled for ctx; 0 or -1. */
static int build(const struct trace_spec *spec, const struct spec_ctx *c,
		 struct spec_concrete *r, struct sock_fprog *prog)
{
	struct fc_err e = { 0 };

	if (!CHECK(spec_concrete_build(spec, c, r, &e) == 0, "the spec builds into rules")) {
		unit_diag("%s", e.msg);
		return -1;
	}
	if (!CHECK(seccomp_filter_build(r, prog, &e) == 0, "the rules compile to BPF")) {
		spec_concrete_free(r);
		unit_diag("%s", e.msg);
		return -1;
	}
	CHECK(prog->len > 0 && prog->len < 4096, "the program fits the kernel's limit (%u "
	      "instructions)", prog->len);
	return 0;
}

static void test_golden(void)
{
	struct spec_concrete r;
	struct sock_fprog prog;

	if (build(&trace_spec_default, &ctx, &r, &prog) < 0)
		return;
	for (size_t i = 0; i < sizeof golden / sizeof *golden; i++)
		check_one(&r, &prog, golden[i].syscall, golden[i].arch, golden[i].args,
			  golden[i].want, golden[i].row, golden[i].pol, golden[i].why);
	{
		/* A syscall a tracer already skipped (-1) is no x32 call. */
		struct sim_data d = { -1, AUDIT_ARCH_X86_64, 0, { 0 } };

		CHECK(run_bpf(&prog, &d) == SECCOMP_RET_ALLOW, "bpf: syscall -1 is native");
		CHECK(spec_concrete_match(&r, AUDIT_ARCH_X86_64, (uint64_t)-1, d.args) < 0,
		      "user space: syscall -1 is native");
		/* Any other architecture is the compat-abi row too. */
		d.nr = 59;
		d.arch = AUDIT_ARCH_AARCH64;
		CHECK(run_bpf(&prog, &d) == (SECCOMP_RET_TRACE | (uint32_t)r.foreign_row),
		      "bpf: a foreign architecture stops at the compat-abi row");
	}
	seccomp_filter_free(&prog);
	spec_concrete_free(&r);
}

/* --allow=compat-abi: today's behaviour, the same rows on every ABI. */
static void test_allow_compat(void)
{
	struct spec_ctx c = ctx;
	struct spec_concrete r;
	struct sock_fprog prog;
	static const uint64_t none[6], kill_sensor[6] = { I32(PID), 19 },
		uring[6] = { 8 }, userns[6] = { CNU };

	c.lifted = policy_lifted(FC_ALLOW_COMPAT_ABI);
	if (build(&trace_spec_default, &c, &r, &prog) < 0)
		return;
	CHECK(r.foreign_row < 0 && r.n_arch == 3, "compat-abi allowed: three ABIs in the filter");
	check_one(&r, &prog, "execve", SCMP_ARCH_X86, none, TRACE, "execve", 0,
		  "compat-abi allowed: i386 execve stops at execve");
	check_one(&r, &prog, "execve", SCMP_ARCH_X32, none, TRACE, "execve", 0,
		  "compat-abi allowed: x32 execve stops at execve");
	check_one(&r, &prog, "getppid", SCMP_ARCH_X86, none, ALLOW, NULL, 0,
		  "compat-abi allowed: i386 getppid runs");
	check_one(&r, &prog, "kill", SCMP_ARCH_X86, kill_sensor, POLICY, NULL, ST,
		  "compat-abi allowed: i386 kill(sensor) is refused");
	check_one(&r, &prog, "kill", SCMP_ARCH_X32, kill_sensor, POLICY, NULL, ST,
		  "compat-abi allowed: x32 kill(sensor) is refused");
	check_one(&r, &prog, "io_uring_setup", SCMP_ARCH_X86, uring, POLICY, NULL,
		  POLICY_IO_URING, "compat-abi allowed: i386 io_uring_setup is refused");
	check_one(&r, &prog, "unshare", SCMP_ARCH_X86, userns, POLICY, NULL,
		  POLICY_USER_NAMESPACE, "compat-abi allowed: i386 unshare(CLONE_NEWUSER)");
	{
		struct sim_data d = { 59, AUDIT_ARCH_AARCH64, 0, { 0 } };

		CHECK(run_bpf(&prog, &d) == SECCOMP_RET_KILL_PROCESS,
		      "compat-abi allowed: a foreign architecture kills the process");
	}
	seccomp_filter_free(&prog);
	spec_concrete_free(&r);
}

/* --allow=io-uring,user-namespace lift exactly their rows. */
static void test_allow_lifts(void)
{
	struct spec_ctx c = ctx;
	struct spec_concrete r;
	struct sock_fprog prog;
	static const uint64_t uring[6] = { 8 }, userns[6] = { CNU }, untraced[6] = { CU },
		listener[6] = { 1, 8 };

	c.lifted = policy_lifted(FC_ALLOW_IO_URING | FC_ALLOW_USER_NAMESPACE);
	if (build(&trace_spec_default, &c, &r, &prog) < 0)
		return;
	check_one(&r, &prog, "io_uring_setup", SCMP_ARCH_X86_64, uring, ALLOW, NULL, 0,
		  "io-uring allowed: io_uring_setup runs");
	check_one(&r, &prog, "unshare", SCMP_ARCH_X86_64, userns, ALLOW, NULL, 0,
		  "user-namespace allowed: unshare(CLONE_NEWUSER) runs");
	check_one(&r, &prog, "clone", SCMP_ARCH_X86_64, userns, ALLOW, NULL, 0,
		  "user-namespace allowed: clone(CLONE_NEWUSER) runs");
	check_one(&r, &prog, "clone", SCMP_ARCH_X86_64, untraced, POLICY, NULL,
		  POLICY_UNTRACED_CLONE, "user-namespace allowed: CLONE_UNTRACED still refused");
	check_one(&r, &prog, "seccomp", SCMP_ARCH_X86_64, listener, POLICY, NULL,
		  POLICY_SECCOMP_LISTENER, "io-uring allowed: the listener still refused");
	check_one(&r, &prog, "execve", SCMP_ARCH_X86, uring, POLICY, NULL,
		  POLICY_COMPAT_ABI, "io-uring allowed: i386 is still compat-abi");
	seccomp_filter_free(&prog);
	spec_concrete_free(&r);
}

/* A rules' row without conditions (unshare, for namespace-unshare) hides
 * the policy's conditional row in the BPF program (libseccomp keeps the
 * unconditional one): the kernel reports the rules' row, and user space,
 * which the tracer asks at every stop, still finds the policy. */
static void test_hidden_policy(void)
{
	struct spec_row *rows = calloc(trace_spec_default.n + 1, sizeof *rows);
	struct trace_spec spec;
	struct spec_concrete r;
	struct sock_fprog prog;
	static const uint64_t userns[6] = { CNU }, newns[6] = { CNNS };

	if (!rows)
		return;
	memcpy(rows, trace_spec_default.rows, trace_spec_default.n * sizeof *rows);
	rows[trace_spec_default.n] = (struct spec_row){ .syscall = "unshare",
		.action = SPEC_TRACE, .decoder = DEC_UNSHARE, .why = "rules: namespaces" };
	spec = (struct trace_spec){ rows, trace_spec_default.n + 1, 0 };
	if (build(&spec, &ctx, &r, &prog) == 0) {
		struct sim_data d = { seccomp_syscall_resolve_name("unshare"),
				      AUDIT_ARCH_X86_64, 0, { CNU } };

		CHECK(run_bpf(&prog, &d) == (SECCOMP_RET_TRACE | (uint32_t)trace_spec_default.n),
		      "bpf: unshare(CLONE_NEWUSER) reports the rules' row, which hides "
		      "the policy's");
		check_one(&r, &prog, "unshare", SCMP_ARCH_X86_64, userns, POLICY, NULL,
			  POLICY_USER_NAMESPACE, "the tracer's match finds the policy anyway");
		CHECK(spec_concrete_match(&r, AUDIT_ARCH_X86_64, (uint64_t)d.nr, newns) ==
		      (long)trace_spec_default.n, "unshare(CLONE_NEWNS) is the rules' row");
		seccomp_filter_free(&prog);
		spec_concrete_free(&r);
	}
	free(rows);
}

/* The sensor as PID 1: kill(-1) must stay a broadcast. */
static void test_pid1(void)
{
	struct spec_ctx one = { .pid = 1, .pgid = 1, .tids = { 1, 7, 8 }, .n_tids = 3 };
	struct spec_concrete r;
	struct sock_fprog prog;
	struct fc_err e = { 0 };
	struct sim_data d = { 0, AUDIT_ARCH_X86_64, 0, { S64(-1), 15 } };

	long row;

	if (!CHECK(spec_concrete_build(&trace_spec_default, &one, &r, &e) == 0 &&
		   seccomp_filter_build(&r, &prog, &e) == 0, "PID 1: the spec builds"))
		return unit_diag("%s", e.msg);
	d.nr = seccomp_syscall_resolve_name("kill");
	CHECK(run_bpf(&prog, &d) == SECCOMP_RET_ALLOW, "PID 1: kill(-1) runs: it is "
	      "neither the sensor's group nor emulated (the kernel spares init)");
	d.args[0] = 1;
	CHECK((run_bpf(&prog, &d) & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE,
	      "PID 1: kill(1) stops");
	row = spec_concrete_match(&r, AUDIT_ARCH_X86_64, (uint64_t)d.nr, d.args);
	CHECK(row >= 0 && trace_spec_default.rows[row].policy == POLICY_SENSOR_TARGET,
	      "PID 1: user space refuses kill(1) as integrity-sensor-target");
	seccomp_filter_free(&prog);
	spec_concrete_free(&r);
}

/* A spec with a bad row is refused with its name. */
static void test_bad_spec(void)
{
	static const struct spec_row bad_name[] = {
		{ "no_such_syscall", SPEC_TRACE, 0, 0, 0, DEC_NONE, 0, { { 0 } }, "x" },
	};
	static const struct spec_row bad_arg[] = {
		{ "kill", SPEC_DENY, EPERM, 0, 0, DEC_NONE, 1,
		  { { .arg = 6, .mask = 1 } }, "x" },
	};
	struct trace_spec s1 = { bad_name, 1, 0 }, s2 = { bad_arg, 1, 0 };
	struct spec_concrete r;
	struct fc_err e = { 0 };

	CHECK(spec_concrete_build(&s1, &ctx, &r, &e) < 0 && strstr(e.msg, "no_such_syscall"),
	      "a row naming an unknown syscall is refused by name");
	CHECK(spec_concrete_build(&s2, &ctx, &r, &e) < 0 && strstr(e.msg, "argument 6"),
	      "a row naming argument 6 is refused");
}

/* SPEC_NE: "sendto with an address" (arg 4 != NULL), in BPF and in user
 * space alike; a masked NE (libseccomp has none) is refused. */
static void test_not_equal(void)
{
	static const struct spec_row ne[] = {
		{ .syscall = "sendto", .action = SPEC_TRACE, .decoder = DEC_SENDTO,
		  .n_cond = 1,
		  .cond = { { .arg = 4, .op = SPEC_NE, .mask = ~0ULL, .value = 0 } },
		  .why = "x" },
	};
	static const struct spec_row masked[] = {
		{ .syscall = "sendto", .action = SPEC_TRACE, .decoder = DEC_SENDTO,
		  .n_cond = 1,
		  .cond = { { .arg = 4, .op = SPEC_NE, .mask = 0xffffffffU, .value = 0 } },
		  .why = "x" },
	};
	static const struct {
		uint32_t arch;
		uint64_t addr;
		uint32_t want;
		const char *why;
	} cases[] = {
		{ AUDIT_ARCH_X86_64, 0x7ffd0000ULL, SECCOMP_RET_TRACE, "an address stops" },
		{ AUDIT_ARCH_X86_64, 0, SECCOMP_RET_ALLOW, "NULL runs" },
		{ AUDIT_ARCH_X86_64, 1ULL << 40, SECCOMP_RET_TRACE,
		  "an address above 4 GiB stops (all 64 bits compared)" },
	};
	struct trace_spec s = { ne, 1, 0 }, bad = { masked, 1, 0 };
	struct spec_concrete r;
	struct sock_fprog prog;
	struct fc_err e = { 0 };

	if (!CHECK(spec_concrete_build(&s, &ctx, &r, &e) == 0 &&
		   seccomp_filter_build(&r, &prog, &e) == 0, "NE: the spec builds"))
		return unit_diag("%s", e.msg);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "sendto");
		struct sim_data d = { nr, cases[i].arch, 0, { 3, 0x1000, 1, 0, cases[i].addr, 16 } };
		uint32_t got = run_bpf(&prog, &d) & SECCOMP_RET_ACTION_FULL;
		long row = spec_concrete_match(&r, d.arch, (uint64_t)(uint32_t)nr, d.args);

		CHECK(got == cases[i].want, "NE: bpf: %s", cases[i].why);
		CHECK((row == 0) == (cases[i].want == SECCOMP_RET_TRACE), "NE: user space: %s",
		      cases[i].why);
	}
	seccomp_filter_free(&prog);
	spec_concrete_free(&r);
	CHECK(spec_concrete_build(&bad, &ctx, &r, &e) < 0 && strstr(e.msg, "not equal"),
	      "NE: a masked \"not equal\" is refused");
}

int main(void)
{
	test_golden();
	test_allow_compat();
	test_allow_lifts();
	test_hidden_policy();
	test_pid1();
	test_bad_spec();
	test_not_equal();
	return unit_done();
}
