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

#else
#error "regs_arch.c: no way to skip a syscall on this architecture yet"
#endif
