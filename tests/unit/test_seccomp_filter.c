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

#include "bpf_sim.h"
#include "seccomp_filter.h"
#include "spec_rules.h"
#include "trace_spec.h"

#define PID 4242
#define WRITER 4243
#define SIGNALS 4244
#define PGID 4240
#define I32(v) ((uint64_t)(uint32_t)(v)) /* an int as a 32-bit ABI passes it */
#define S64(v) ((uint64_t)(int64_t)(v))  /* an int sign-extended, as glibc does */

enum want { ALLOW, TRACE, EPERM_ };

static const struct {
	const char *syscall;
	uint32_t arch;           /* libseccomp token */
	uint64_t args[6];
	enum want want;
	const char *row;         /* TRACE: the row's syscall */
	const char *why;
} golden[] = {
	{ "execve", SCMP_ARCH_X86_64, { 0 }, TRACE, "execve", "execve stops" },
	{ "execve", SCMP_ARCH_X86, { 0 }, TRACE, "execve", "i386 execve (int $0x80) stops" },
	{ "execve", SCMP_ARCH_X32, { 0 }, TRACE, "execve", "x32 execve stops" },
	{ "execveat", SCMP_ARCH_X86_64, { 0 }, TRACE, "execveat", "execveat stops" },
	{ "execveat", SCMP_ARCH_X86, { 0 }, TRACE, "execveat", "i386 execveat stops" },
	{ "getppid", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, "getppid runs" },
	{ "fork", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, "fork runs (ptrace events see it)" },
	{ "clone", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, "clone runs" },
	{ "exit_group", SCMP_ARCH_X86_64, { 3 }, ALLOW, NULL, "exit_group runs" },
	{ "openat", SCMP_ARCH_X86_64, { 0 }, ALLOW, NULL, "openat runs" },
	{ "kill", SCMP_ARCH_X86_64, { S64(PID), 19 }, EPERM_, NULL, "kill(sensor) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { I32(PID), 9 }, EPERM_, NULL, "kill(sensor), zero-extended" },
	{ "kill", SCMP_ARCH_X86_64, { 0xdead00000000ULL | PID, 19 }, EPERM_, NULL,
	  "kill(sensor) with garbage in the upper half, which the kernel ignores" },
	{ "kill", SCMP_ARCH_X86_64, { S64(WRITER), 19 }, EPERM_, NULL,
	  "kill(a sensor thread id) is refused: it signals the process" },
	{ "kill", SCMP_ARCH_X86_64, { S64(SIGNALS), 19 }, EPERM_, NULL,
	  "kill(the signal thread's id) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-PGID), 19 }, EPERM_, NULL,
	  "kill(-sensor group) is refused" },
	{ "kill", SCMP_ARCH_X86_64, { I32(-PGID), 19 }, EPERM_, NULL,
	  "kill(-sensor group), zero-extended" },
	{ "kill", SCMP_ARCH_X86_64, { S64(PID + 10), 19 }, ALLOW, NULL, "kill(another pid) runs" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-1), 15 }, ALLOW, NULL, "kill(-1) broadcast runs" },
	{ "kill", SCMP_ARCH_X86_64, { 0, 15 }, ALLOW, NULL, "kill(0) (own group) runs" },
	{ "kill", SCMP_ARCH_X86_64, { S64(-PID), 19 }, ALLOW, NULL,
	  "kill(-sensor pid) runs: the sensor's group is not its pid here" },
	{ "kill", SCMP_ARCH_X86, { I32(PID), 19 }, EPERM_, NULL, "i386 kill(sensor) is refused" },
	{ "kill", SCMP_ARCH_X32, { S64(PID), 19 }, EPERM_, NULL, "x32 kill(sensor) is refused" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(WRITER), 19 }, EPERM_, NULL, "tkill(writer thread) is refused" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(PID), 19 }, EPERM_, NULL, "tkill(main thread) is refused" },
	{ "tkill", SCMP_ARCH_X86_64, { S64(PID + 10), 19 }, ALLOW, NULL, "tkill(another) runs" },
	{ "tgkill", SCMP_ARCH_X86_64, { S64(PID), S64(SIGNALS), 19 }, EPERM_, NULL,
	  "tgkill(sensor, thread) is refused" },
	{ "tgkill", SCMP_ARCH_X86_64, { S64(PID + 1), S64(PID + 1), 19 }, ALLOW, NULL,
	  "tgkill(another) runs" },
	{ "rt_sigqueueinfo", SCMP_ARCH_X86_64, { S64(PID), 19, 0 }, EPERM_, NULL,
	  "rt_sigqueueinfo(sensor) is refused" },
	{ "rt_tgsigqueueinfo", SCMP_ARCH_X86_64, { S64(PID), S64(PID), 19, 0 }, EPERM_, NULL,
	  "rt_tgsigqueueinfo(sensor) is refused" },
	{ "pidfd_open", SCMP_ARCH_X86_64, { S64(PID), 0 }, EPERM_, NULL, "pidfd_open(sensor) is refused" },
	{ "pidfd_open", SCMP_ARCH_X86_64, { S64(PID + 7), 0 }, ALLOW, NULL, "pidfd_open(another) runs" },
	{ "pidfd_send_signal", SCMP_ARCH_X86_64, { 3, 19, 0, 0 }, TRACE, "pidfd_send_signal",
	  "pidfd_send_signal stops, for the tracer to resolve the fd" },
	{ "setpgid", SCMP_ARCH_X86_64, { 0, S64(PGID) }, EPERM_, NULL,
	  "setpgid into the sensor's group is refused" },
	{ "setpgid", SCMP_ARCH_X86_64, { 0, 0 }, ALLOW, NULL, "setpgid(0, 0) runs" },
	{ "prlimit64", SCMP_ARCH_X86_64, { S64(PID), 0, 1, 0 }, EPERM_, NULL,
	  "prlimit(sensor) is refused" },
	{ "prlimit64", SCMP_ARCH_X86_64, { 0, 0, 1, 0 }, ALLOW, NULL, "prlimit(self) runs" },
	{ "ptrace", SCMP_ARCH_X86_64, { 16, S64(PID), 0, 0 }, EPERM_, NULL,
	  "ptrace(ATTACH, sensor) is refused" },
	{ "ptrace", SCMP_ARCH_X86_64, { 0, 0, 0, 0 }, ALLOW, NULL,
	  "ptrace(TRACEME) reaches the kernel (which refuses: already traced)" },
	{ "process_vm_readv", SCMP_ARCH_X86_64, { S64(WRITER), 0, 1, 0, 1, 0 }, EPERM_, NULL,
	  "process_vm_readv(sensor thread) is refused" },
	{ "process_vm_writev", SCMP_ARCH_X86_64, { S64(PID), 0, 1, 0, 1, 0 }, EPERM_, NULL,
	  "process_vm_writev(sensor) is refused" },
};

static const struct spec_ctx ctx = { PID, PGID, { PID, WRITER, SIGNALS }, 3 };

static long row_of(const char *syscall)
{
	for (size_t i = 0; i < trace_spec_default.n; i++)
		if (strcmp(trace_spec_default.rows[i].syscall, syscall) == 0)
			return (long)i;
	return -1;
}

static uint32_t audit_arch_of(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

static void test_golden(void)
{
	struct spec_rules r;
	struct sock_fprog prog;
	struct fc_err e = { 0 };

	if (!CHECK(spec_rules_build(&trace_spec_default, &ctx, &r, &e) == 0,
		   "the default spec builds into rules"))
		return unit_diag("%s", e.msg);
	if (!CHECK(seccomp_filter_build(&r, &prog, &e) == 0, "the rules compile to BPF")) {
		spec_rules_free(&r);
		return unit_diag("%s", e.msg);
	}
	CHECK(prog.len > 0 && prog.len < 4096, "the program fits the kernel's limit (%u "
	      "instructions)", prog.len);
	for (size_t i = 0; i < sizeof golden / sizeof *golden; i++) {
		int nr = seccomp_syscall_resolve_name_arch(golden[i].arch, golden[i].syscall);
		struct sim_data d = { nr, audit_arch_of(golden[i].arch), 0, { 0 } };
		uint32_t want_ret, got;
		long want_row = -1, got_row;

		memcpy(d.args, golden[i].args, sizeof d.args);
		switch (golden[i].want) {
		case ALLOW:
			want_ret = SECCOMP_RET_ALLOW;
			break;
		case TRACE:
			want_row = row_of(golden[i].row);
			want_ret = SECCOMP_RET_TRACE | (uint32_t)want_row;
			break;
		default:
			want_ret = SECCOMP_RET_ERRNO | EPERM;
			want_row = -2; /* any deny row */
			break;
		}
		got = run_bpf(&prog, &d);
		if (!CHECK(got == want_ret, "bpf: %s", golden[i].why))
			unit_diag("nr %d arch 0x%x: got 0x%x, want 0x%x", nr, d.arch, got,
				  want_ret);
		got_row = spec_rules_match(&r, d.arch, (uint64_t)(uint32_t)nr, d.args);
		if (want_row == -2)
			CHECK(got_row >= 0 &&
			      trace_spec_default.rows[got_row].action == SPEC_DENY &&
			      trace_spec_default.rows[got_row].err == EPERM,
			      "user space: %s", golden[i].why);
		else
			CHECK(got_row == want_row, "user space: %s", golden[i].why);
	}
	{
		/* An architecture the filter does not know is killed. */
		struct sim_data d = { 59, AUDIT_ARCH_AARCH64, 0, { 0 } };

		CHECK(run_bpf(&prog, &d) == SECCOMP_RET_KILL_PROCESS,
		      "bpf: a foreign architecture kills the process");
	}
	seccomp_filter_free(&prog);
	spec_rules_free(&r);
}

/* The sensor as PID 1: kill(-1) must stay a broadcast. */
static void test_pid1(void)
{
	struct spec_ctx one = { 1, 1, { 1, 7, 8 }, 3 };
	struct spec_rules r;
	struct sock_fprog prog;
	struct fc_err e = { 0 };
	struct sim_data d = { 0, AUDIT_ARCH_X86_64, 0, { S64(-1), 15 } };

	if (!CHECK(spec_rules_build(&trace_spec_default, &one, &r, &e) == 0 &&
		   seccomp_filter_build(&r, &prog, &e) == 0, "PID 1: the spec builds"))
		return unit_diag("%s", e.msg);
	d.nr = seccomp_syscall_resolve_name("kill");
	CHECK(run_bpf(&prog, &d) == SECCOMP_RET_ALLOW, "PID 1: kill(-1) is not taken "
	      "for the sensor's group");
	d.args[0] = 1;
	CHECK(run_bpf(&prog, &d) == (SECCOMP_RET_ERRNO | EPERM), "PID 1: kill(1) is refused");
	CHECK(spec_rules_match(&r, AUDIT_ARCH_X86_64, (uint64_t)d.nr, d.args) >= 0,
	      "PID 1: user space agrees on kill(1)");
	seccomp_filter_free(&prog);
	spec_rules_free(&r);
}

/* A spec with a bad row is refused with its name. */
static void test_bad_spec(void)
{
	static const struct spec_row bad_name[] = {
		{ "no_such_syscall", SPEC_TRACE, 0, 0, DEC_NONE, 0, { { 0 } }, "x" },
	};
	static const struct spec_row bad_arg[] = {
		{ "kill", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
		  { { .arg = 6, .mask = 1 } }, "x" },
	};
	struct trace_spec s1 = { bad_name, 1, 0 }, s2 = { bad_arg, 1, 0 };
	struct spec_rules r;
	struct fc_err e = { 0 };

	CHECK(spec_rules_build(&s1, &ctx, &r, &e) < 0 && strstr(e.msg, "no_such_syscall"),
	      "a row naming an unknown syscall is refused by name");
	CHECK(spec_rules_build(&s2, &ctx, &r, &e) < 0 && strstr(e.msg, "argument 6"),
	      "a row naming argument 6 is refused");
}

/* SPEC_NE: "sendto with an address" (arg 4 != NULL), in BPF and in user
 * space alike; a masked NE (libseccomp has none) is refused. */
static void test_not_equal(void)
{
	static const struct spec_row ne[] = {
		{ "sendto", SPEC_TRACE, 0, 0, DEC_SENDTO, 1,
		  { { .arg = 4, .op = SPEC_NE, .mask = ~0ULL, .value = 0 } }, "x" },
	};
	static const struct spec_row masked[] = {
		{ "sendto", SPEC_TRACE, 0, 0, DEC_SENDTO, 1,
		  { { .arg = 4, .op = SPEC_NE, .mask = 0xffffffffU, .value = 0 } }, "x" },
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
	struct spec_rules r;
	struct sock_fprog prog;
	struct fc_err e = { 0 };

	if (!CHECK(spec_rules_build(&s, &ctx, &r, &e) == 0 &&
		   seccomp_filter_build(&r, &prog, &e) == 0, "NE: the spec builds"))
		return unit_diag("%s", e.msg);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "sendto");
		struct sim_data d = { nr, cases[i].arch, 0, { 3, 0x1000, 1, 0, cases[i].addr, 16 } };
		uint32_t got = run_bpf(&prog, &d) & SECCOMP_RET_ACTION_FULL;
		long row = spec_rules_match(&r, d.arch, (uint64_t)(uint32_t)nr, d.args);

		CHECK(got == cases[i].want, "NE: bpf: %s", cases[i].why);
		CHECK((row == 0) == (cases[i].want == SECCOMP_RET_TRACE), "NE: user space: %s",
		      cases[i].why);
	}
	seccomp_filter_free(&prog);
	spec_rules_free(&r);
	CHECK(spec_rules_build(&bad, &ctx, &r, &e) < 0 && strstr(e.msg, "not equal"),
	      "NE: a masked \"not equal\" is refused");
}

int main(void)
{
	test_golden();
	test_pid1();
	test_bad_spec();
	test_not_equal();
	return unit_done();
}
