/* trace_spec.c: the rows the sensor traces and refuses today, as a table
 * that the rule engine will generate. Process Activity needs execve and
 * execveat only: fork, clone and exit come from ptrace events, which cost
 * no filter rule. The rest keeps the application from stopping, killing or
 * throttling the sensor when the sensor is not PID 1 (ECS
 * initProcessEnabled): the kernel already refuses ptrace and /proc/PID/mem
 * (the sensor is not dumpable and the app has no CAP_SYS_PTRACE), but a
 * same-uid process may signal it or set its rlimits. As PID 1 the kernel
 * drops SIGKILL and SIGSTOP from inside the namespace by itself. */
#include "trace_spec.h"

#include <errno.h>

/* (args[a] & 0xffffffff) == the sensor fact v: an int argument. */
#define INT_ARG(a, v) { .arg = (a), .op = SPEC_EQ, .val = (v), .mask = 0xffffffffU }

static const struct spec_row rows[] = {
	{ "execve", SPEC_TRACE, 0, 0, DEC_EXECVE, 0, { { 0 } },
	  "Process Activity: Launch (argv before the new image replaces it)" },
	{ "execveat", SPEC_TRACE, 0, 0, DEC_EXECVEAT, 0, { { 0 } },
	  "Process Activity: Launch, fexecve and friends" },

	/* kill(2), rt_sigqueueinfo(2), prlimit(2), ptrace(2) and the others
	 * accept any thread id of a process and act on the whole process, so
	 * every sensor thread id is refused, not only the process id. */
	{ "kill", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no signal to the sensor" },
	{ "kill", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_NEG_PGID) },
	  "no signal to the sensor's process group" },
	{ "tkill", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no signal to a sensor thread" },
	{ "tgkill", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_PID) }, "no signal to a sensor thread" },
	{ "rt_sigqueueinfo", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no queued signal to the sensor" },
	{ "rt_tgsigqueueinfo", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_PID) }, "no queued signal to the sensor" },
	{ "pidfd_open", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no pidfd for the sensor" },
	/* A pidfd can also be an open("/proc/PID") directory, which BPF
	 * cannot see through: the tracer resolves the fd. */
	{ "pidfd_send_signal", SPEC_TRACE, 0, 0, DEC_PIDFD_SEND_SIGNAL, 0,
	  { { 0 } }, "no signal to the sensor through a pidfd" },
	{ "setpgid", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(1, SPEC_VAL_SENSOR_PGID) },
	  "no joining the sensor's group (then kill(0, SIGSTOP) would stop it)" },
	{ "prlimit64", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) },
	  "no rlimits on the sensor (RLIMIT_CPU would kill it)" },
	/* The kernel refuses these already (not dumpable, no CAP_SYS_PTRACE
	 * in the app); refusing them here too costs nothing and holds if a
	 * capability slips through. */
	{ "ptrace", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(1, SPEC_VAL_SENSOR_TID) }, "no ptrace of the sensor" },
	{ "process_vm_readv", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no reading the sensor's memory" },
	{ "process_vm_writev", SPEC_DENY, EPERM, 0, DEC_NONE, 1,
	  { INT_ARG(0, SPEC_VAL_SENSOR_TID) }, "no writing the sensor's memory" },
};

const struct trace_spec trace_spec_default = { rows, sizeof rows / sizeof *rows, 0 };
