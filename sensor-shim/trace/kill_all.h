/* kill_all.h: kill(-1, sig) done by the tracer for a traced process when
 * the sensor is not PID 1. The kernel would signal every process the
 * caller may signal but init and the caller, the sensor included (SIGKILL
 * or SIGSTOP to all, and the sensor is gone or stopped); the filter stops
 * the call instead, and the tracer sends the signal to the traced
 * processes but the caller, with the kernel's permission rule, and makes
 * the caller's syscall return what the kernel's would. */
#ifndef FC_KILL_ALL_H
#define FC_KILL_ALL_H

#include <stddef.h>
#include <sys/types.h>

/* Sends sig to each of targets[0..n) (process ids, the caller's own
 * excluded by the caller of this) that the calling thread caller_tid may
 * signal. Returns what kill(-1, sig) returns, as an errno: 0 (sent, or
 * only refused for permission, as the kernel counts it), ESRCH (no other
 * process), EINVAL (not a signal). */
int kill_all(pid_t caller_tid, int sig, const pid_t *targets, size_t n);

#endif
