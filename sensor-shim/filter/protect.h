/* protect.h: keeping the application from attacking the sensor.
 *
 * - The sensor makes itself not dumpable, right after it has seized the
 *   application's child: ptrace, process_vm_readv/writev and
 *   /proc/SENSOR/mem then need CAP_SYS_PTRACE, which
 * - the application's child drops with libcap-ng before it executes the
 *   application: from the effective, permitted, inheritable and (when the
 *   sensor has CAP_SETPCAP, as root has by default) bounding sets, and so
 *   from the ambient set too; also every capability that opens another way
 *   around the sensor (the table in protect.c says why, one by one).
 *   Without CAP_SETPCAP (a non-root sensor) the bounding set cannot be
 *   lowered; with NO_NEW_PRIVS (the default) nothing can be regained by an
 *   exec, and a non-root sensor has no CAP_SYS_PTRACE, so the kernel does
 *   not raise the privileges of the processes it traces either.
 * - Signals, rlimits and scheduling aimed at the sensor are stopped by the
 *   seccomp filter (trace_spec.c) and refused by the tracer with a Finding
 *   (policy integrity-sensor-target); a pidfd made from an open
 *   /proc/SENSOR directory is checked here, and so are files: the
 *   sensor's /proc files and the event file.
 * - The application's own ptrace: every process of the application is
 *   already traced by the sensor, and a task has one tracer, so
 *   PTRACE_TRACEME and PTRACE_ATTACH/SEIZE of the application's processes
 *   fail with EPERM (gdb and strace inside the container cannot trace; an
 *   anti-debugging check sees a debugger, which is true). */
#ifndef FC_PROTECT_H
#define FC_PROTECT_H

#include "activity.h"
#include "err.h"
#include "spec_concrete.h"
#include "syscall_decode.h"
#include "verdict.h"

/* In the application's child, before the filter and the exec; allow
 * (FC_ALLOW_* bits, --allow) keeps the capabilities it names. Returns 0,
 * or -1 with errno set and *stage naming the step that failed. */
int protect_app_child(unsigned allow, const char **stage);

/* In the sensor, once the child is seized. Fails with FC_ERR_SYSTEM. */
int protect_sensor(struct fc_err *e);

/* The sensor's own decision on a decoded event, before the rules: deny
 * (policy integrity-sensor-target) a ptrace or a pidfd signal aimed at the
 * sensor (ctx). */
struct verdict protect_check(const struct sys_event *ev, const struct spec_ctx *ctx);

/* The same for a file activity of tid, once its paths are resolved
 * (observe.h): any file event on the event file (by device and inode,
 * whatever its name: hard links, renamed directories), and anything but a
 * read of the sensor's /proc/PID/ or /proc/TID/ files, is refused. Any
 * event with a file_path (and old_path) is covered. */
struct verdict protect_file_check(const struct activity *a, const struct spec_ctx *ctx,
				  pid_t tid);

#endif
