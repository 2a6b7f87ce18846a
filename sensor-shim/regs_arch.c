/* regs_arch.c: skipping a syscall, per architecture. x86-64 is tested; the
 * arm64 branch follows the kernel's documented interface
 * (NT_ARM_SYSTEM_CALL) but has not run on arm64 yet. */
#include "regs_arch.h"

#include <elf.h>
#include <stddef.h>
#include <errno.h>
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

#else
#error "regs_arch.c: no way to skip a syscall on this architecture yet"
#endif
