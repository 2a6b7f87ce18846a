/* regs_arch.h: the two things the tracer does with registers, which are
 * architecture-specific: skipping a syscall at its entry stop (seccomp or
 * syscall-entry) so that it returns -err without running, and reading
 * the syscall a signal interrupted (guard.h). The kernel
 * skips a syscall whose number the tracer sets to -1, and since 4.8 runs
 * the seccomp filter again after a change, so a skipped syscall cannot be
 * swapped for another. */
#ifndef FC_REGS_ARCH_H
#define FC_REGS_ARCH_H

#include <stdint.h>
#include <sys/types.h>

/* Returns 0, or -1 with errno (ESRCH: the tracee is gone). */
int regs_skip_syscall(pid_t tid, int err);

/* At a signal-delivery-stop: the 64-bit syscall the task was in when the
 * signal interrupted it, to be restarted (its return value one of the
 * kernel's -ERESTART* codes). 0, or -1: not in such a syscall (errno
 * ENOENT), or gone (ESRCH). regs_skip_syscall then makes it return -err
 * instead of restarting. */
int regs_interrupted_syscall(pid_t tid, uint64_t *nr, uint64_t args[6]);

#endif
