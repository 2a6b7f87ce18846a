/* seccomp_filter.h: the spec's rules compiled into a seccomp-bpf program
 * with libseccomp, in the sensor; loaded by the application's child just
 * before it executes the application.
 *
 * Choices, and why:
 * - Default action ALLOW: only the spec's syscalls leave the fast path, and
 *   syscalls without rules are decided in O(1) by the kernel's
 *   constant-action bitmap (5.11+).
 * - SECCOMP_FILTER_FLAG_SPEC_ALLOW (libseccomp SCMP_FLTATR_CTL_SSB): on
 *   kernels booted with spec_store_bypass_disable=seccomp (the default, and
 *   AWS Nitro/Firecracker hosts report "Mitigation: ... via prctl and
 *   seccomp"), installing a filter would switch on the Speculative Store
 *   Bypass mitigation for the application and slow all of its code. The
 *   application without the sensor would not have it, so neither does it
 *   with the sensor.
 * - NO_NEW_PRIVS (libseccomp SCMP_FLTATR_CTL_NNP): the kernel requires it
 *   to install a filter without CAP_SYS_ADMIN. Its price: setuid/setgid
 *   bits and file capabilities no longer raise privileges in the
 *   application (sudo, su, ping with file caps stop working). Applications
 *   that need them run with --seccomp=off: no filter, no NO_NEW_PRIVS, every
 *   syscall stopped by PTRACE_SYSCALL, slower.
 * - i386 and x32 (arm on arm64): by default every syscall of theirs stops
 *   at the compat-abi policy's row (the bad-architecture action), which the
 *   tracer refuses with ENOSYS; with --allow=compat-abi they are in the
 *   filter with the same rules as the native ABI: otherwise a process
 *   could reach execve through int $0x80 unseen. */
#ifndef FC_SECCOMP_FILTER_H
#define FC_SECCOMP_FILTER_H

#include <linux/filter.h>

#include "err.h"
#include "spec_concrete.h"

/* Compiles r into *prog (free with seccomp_filter_free). TRACE rules
 * return SECCOMP_RET_TRACE with the row index as data, which the tracer
 * reads with PTRACE_GETEVENTMSG. Fails with FC_ERR_SYSTEM. */
int seccomp_filter_build(const struct spec_concrete *r, struct sock_fprog *prog,
			 struct fc_err *e);

void seccomp_filter_free(struct sock_fprog *prog);

/* Sets NO_NEW_PRIVS and installs prog on the calling thread with
 * SPEC_ALLOW (without it on kernels older than 4.17). Allocates nothing,
 * so it is safe in a child forked from a threaded process. Returns 0, or
 * -1 with errno set and *stage naming the step that failed. */
int seccomp_filter_load(const struct sock_fprog *prog, const char **stage);

#endif
