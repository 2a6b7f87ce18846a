/* regs_arch.c: skipping a syscall, per architecture. x86-64 is tested; the
 * arm64 branch follows the kernel's documented interface
 * (NT_ARM_SYSTEM_CALL) but has not run on arm64 yet. */
#include "regs_arch.h"

#include <elf.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

/* The kernel's restart codes (include/linux/errno.h, not exported). */
static int is_restart(long long ret)
{
	return ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

#if defined(__x86_64__)

int regs_skip_syscall(pid_t tid, int err)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -1;
	/* orig_rax is the syscall number the kernel dispatches on; rax is
	 * left alone by the skip and becomes the return value. The same
	 * registers hold for i386 and x32 processes. */
	r.orig_rax = (unsigned long long)-1;
	r.rax = (unsigned long long)(long long)-err;
	return (int)ptrace(PTRACE_SETREGS, tid, NULL, &r);
}

int regs_interrupted_syscall(pid_t tid, uint64_t *nr, uint64_t args[6])
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -1;
	/* cs 0x33: a 64-bit task; i386 and x32 syscalls never get this far
	 * (the integrity-compat-abi policy refuses them). */
	if (r.cs != 0x33 || (long long)r.orig_rax < 0 || !is_restart((long long)r.rax)) {
		errno = ENOENT;
		return -1;
	}
	*nr = r.orig_rax;
	args[0] = r.rdi;
	args[1] = r.rsi;
	args[2] = r.rdx;
	args[3] = r.r10;
	args[4] = r.r8;
	args[5] = r.r9;
	return 0;
}

_Static_assert(sizeof(struct user_regs_struct) <= sizeof(struct regs_saved),
	       "struct regs_saved is too small");

/* The length of the syscall instruction (syscall, 0f 05), which the
 * kernel itself steps back over to restart a syscall. */
#define SYSCALL_INSN_LEN 2

int regs_save(pid_t tid, struct regs_saved *s)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -1;
	/* A 64-bit task in a 64-bit syscall: int 0x80 (the i386 table) and
	 * x32 numbers are refused by a policy anyway. */
	if (r.cs != 0x33 || (long long)r.orig_rax < 0 || (r.orig_rax & 0x40000000U)) {
		errno = ENOTSUP;
		return -1;
	}
	memcpy(s->raw, &r, sizeof r);
	return 0;
}

int regs_call(pid_t tid, const struct regs_saved *s, int at_entry, long nr,
	      const uint64_t args[6])
{
	struct user_regs_struct r;

	memcpy(&r, s->raw, sizeof r);
	if (at_entry) {
		r.orig_rax = (unsigned long long)nr;
	} else {
		r.rip -= SYSCALL_INSN_LEN;
		r.rax = (unsigned long long)nr;
		r.orig_rax = (unsigned long long)-1;
	}
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	return (int)ptrace(PTRACE_SETREGS, tid, NULL, &r);
}

int regs_call_result(pid_t tid, long *ret)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -1;
	*ret = (long)r.rax;
	return 0;
}

int regs_reenter(pid_t tid, const struct regs_saved *s)
{
	struct user_regs_struct r;

	memcpy(&r, s->raw, sizeof r);
	/* At the entry stop rax was -ENOSYS and the number in orig_rax;
	 * the syscall instruction takes it from rax. orig_rax -1 keeps the
	 * kernel's own restart logic off this return. */
	r.rip -= SYSCALL_INSN_LEN;
	r.rax = r.orig_rax;
	r.orig_rax = (unsigned long long)-1;
	return (int)ptrace(PTRACE_SETREGS, tid, NULL, &r);
}

#elif defined(__aarch64__)

int regs_skip_syscall(pid_t tid, int err)
{
	struct user_pt_regs r;
	struct iovec io = { &r, sizeof r };
	int nr = -1;
	struct iovec sc = { &nr, sizeof nr };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0)
		return -1;
	r.regs[0] = (unsigned long long)(long long)-err;
	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0)
		return -1;
	return (int)ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &sc);
}

/* x0 holds the return value by now and the first argument is gone
 * (orig_x0 is not in the regset): not on arm64 yet. */
int regs_interrupted_syscall(pid_t tid, uint64_t *nr, uint64_t args[6])
{
	(void)tid;
	(void)nr;
	(void)args;
	(void)is_restart;
	errno = ENOSYS;
	return -1;
}

/* Not on arm64 yet: entrants stay traced at every syscall. */
int regs_save(pid_t tid, struct regs_saved *s)
{
	(void)tid;
	(void)s;
	errno = ENOSYS;
	return -1;
}

int regs_call(pid_t tid, const struct regs_saved *s, int at_entry, long nr,
	      const uint64_t args[6])
{
	(void)tid;
	(void)s;
	(void)at_entry;
	(void)nr;
	(void)args;
	errno = ENOSYS;
	return -1;
}

int regs_call_result(pid_t tid, long *ret)
{
	(void)tid;
	(void)ret;
	errno = ENOSYS;
	return -1;
}

int regs_reenter(pid_t tid, const struct regs_saved *s)
{
	(void)tid;
	(void)s;
	errno = ENOSYS;
	return -1;
}

#else
#error "regs_arch.c: no way to skip a syscall on this architecture yet"
#endif
