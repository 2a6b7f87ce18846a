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

/* Running syscalls of the sensor's choosing in a tracee (entrant.h), from
 * a syscall-entry stop of a native syscall. The registers at that stop
 * are saved first; regs_call then makes the tracee run nr(args): at the
 * entry stop itself (first call), the syscall entered is swapped for it;
 * at the exit stop of an earlier call, the instruction pointer goes back
 * to the syscall instruction, which the tracee runs again with new
 * registers (through a fresh entry stop). regs_reenter finally puts the
 * saved registers back, pointed at the syscall instruction, so that the
 * tracee enters its own syscall again as if nothing had happened. */
struct regs_saved {
	unsigned char raw[512];
};

/* 0, or -1 with errno: gone (ESRCH), or not a native 64-bit syscall
 * entry (ENOTSUP), or not implemented on this architecture (ENOSYS). */
int regs_save(pid_t tid, struct regs_saved *s);
int regs_call(pid_t tid, const struct regs_saved *s, int at_entry, long nr,
	      const uint64_t args[6]);
/* At the exit stop of a call: its return value into *ret. */
int regs_call_result(pid_t tid, long *ret);
int regs_reenter(pid_t tid, const struct regs_saved *s);

#endif
