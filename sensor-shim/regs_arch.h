/* regs_arch.h: the one thing the tracer does with registers, which is
 * architecture-specific: skipping a syscall at its entry stop (seccomp or
 * syscall-entry) so that it returns -err without running. The kernel
 * skips a syscall whose number the tracer sets to -1, and since 4.8 runs
 * the seccomp filter again after a change, so a skipped syscall cannot be
 * swapped for another. */
#ifndef FC_REGS_ARCH_H
#define FC_REGS_ARCH_H

#include <sys/types.h>

/* Returns 0, or -1 with errno (ESRCH: the tracee is gone). */
int regs_skip_syscall(pid_t tid, int err);

#endif
