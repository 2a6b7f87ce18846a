/* protect.h: keeping the application from attacking the sensor.
 *
 * - The sensor makes itself not dumpable, right after it has seized the
 *   application's child: ptrace, process_vm_readv/writev and
 *   /proc/SENSOR/mem then need CAP_SYS_PTRACE, which
 * - the application's child drops with libcap-ng before it executes the
 *   application: from the effective, permitted, inheritable and (when the
 *   sensor has CAP_SETPCAP, as root has by default) bounding sets, and so
 *   from the ambient set too; also CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON,
 *   CAP_SYS_MODULE and CAP_SYS_RAWIO, each of which can read or write
 *   another process's memory another way. Fargate grants none of these to
 *   applications but SYS_PTRACE, which the patcher adds for the sensor.
 *   Without CAP_SETPCAP (a non-root sensor) the bounding set cannot be
 *   lowered; with NO_NEW_PRIVS (the default) nothing can be regained by an
 *   exec, and a non-root sensor has no CAP_SYS_PTRACE, so the kernel does
 *   not raise the privileges of the processes it traces either.
 * - Signals and rlimits aimed at the sensor are refused by the seccomp
 *   filter (trace_spec.c); a pidfd made from an open /proc/SENSOR
 *   directory is checked here, by the tracer.
 * - The application's own ptrace: every process of the application is
 *   already traced by the sensor, and a task has one tracer, so
 *   PTRACE_TRACEME and PTRACE_ATTACH/SEIZE of the application's processes
 *   fail with EPERM (gdb and strace inside the container cannot trace; an
 *   anti-debugging check sees a debugger, which is true). */
#ifndef FC_PROTECT_H
#define FC_PROTECT_H

#include "err.h"
#include "spec_rules.h"
#include "syscall_decode.h"
#include "verdict.h"

/* In the application's child, before the filter and the exec. Returns 0,
 * or -1 with errno set and *stage naming the step that failed. */
int protect_app_child(const char **stage);

/* In the sensor, once the child is seized. Fails with FC_ERR_SYSTEM. */
int protect_sensor(struct fc_err *e);

/* The sensor's own decision on an event, before the rules: deny what
 * targets the sensor (ctx). */
struct verdict protect_check(const struct sys_event *ev, const struct spec_ctx *ctx);

#endif
