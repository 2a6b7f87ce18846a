/* falconctl_opts.h: the falconctl options that this sensor understands, in
 * one table shared by the launcher (which reads them from FALCONCTL_OPTS)
 * and the sensor (which gets the understood ones on its command line). */
#ifndef FC_FALCONCTL_OPTS_H
#define FC_FALCONCTL_OPTS_H

#include <stddef.h>

#include "err.h"
#include "log.h"

/* What happens to the application when the sensor cannot start. */
enum fc_fail_mode {
	FC_FAIL_OPEN = 0, /* run it unprotected, with a loud error line */
	FC_FAIL_CLOSED,   /* do not run it */
};

/* Whether the sensor filters syscalls with seccomp (fast, but sets
 * NO_NEW_PRIVS, which disables setuid in the application) or stops every
 * syscall with PTRACE_SYSCALL (slower, setuid works). */
enum fc_seccomp_mode {
	FC_SECCOMP_ON = 0,
	FC_SECCOMP_OFF,
};

/* What the rules' deny and kill actions do: nothing but a Finding
 * (detect), or what they say (prevent). */
enum fc_mode {
	FC_MODE_DETECT = 0,
	FC_MODE_PREVENT,
};

/* Whether the sensor stops file syscalls (opens, unlink, rename, chmod)
 * for File System events and file rules; off is for applications that
 * create files by the thousand, where each stop costs. */
enum fc_file_events {
	FC_FILE_EVENTS_ON = 0,
	FC_FILE_EVENTS_OFF,
};

/* Whether the sensor looks for processes that enter the container from
 * outside (ECS Exec, docker exec, nsenter) and traces them too; auto: when
 * the PID namespace is the container's (the sensor is its PID 1, or the
 * child of an init that is), so that a sensor run by hand on a host does
 * not take the host's processes for entrants. */
enum fc_entrants {
	FC_ENTRANTS_AUTO = 0,
	FC_ENTRANTS_ON,
	FC_ENTRANTS_OFF,
};

/* --allow=LIST: each name lifts one refusal the sensor makes by default
 * to close a blind spot, for an application that needs what it refuses;
 * each one reopens that blind spot (sensor-shim/filter/policy.c says which). */
enum fc_allow {
	FC_ALLOW_IO_URING = 1U << 0,       /* io_uring_setup/enter/register */
	FC_ALLOW_USER_NAMESPACE = 1U << 1, /* unshare/clone with CLONE_NEWUSER */
	FC_ALLOW_COMPAT_ABI = 1U << 2,     /* i386 (int $0x80) and x32 syscalls */
	FC_ALLOW_CHROOT = 1U << 3,         /* keeps CAP_SYS_CHROOT */
	FC_ALLOW_NET_RAW = 1U << 4,        /* keeps CAP_NET_RAW */
	FC_ALLOW_SYS_NICE = 1U << 5,       /* keeps CAP_SYS_NICE */
};

/* The --allow names, in enum fc_allow's bit order; NULL-terminated. */
extern const char *const falconctl_allow_names[];

struct falconctl_opts {
	const char *cid;         /* --cid=<32 hex>-<2 hex>; points into words */
	enum fc_trace trace;     /* --trace=none|err|warn|info|debug, default warn */
	enum fc_fail_mode fail;  /* --fail=open|closed, default open */
	const char *tags;        /* --tags=a,b: sensor grouping tags, each of
				  * letters, digits, '/', '-', '_'; or NULL */
	const char *sink;        /* --sink=stderr|file:PATH, where events go;
				  * NULL means stderr */
	enum fc_seccomp_mode seccomp; /* --seccomp=on|off, default on */
	const char *container;   /* --container-name=NAME, as in the task
				  * definition (letters, digits, '_', '-',
				  * up to 255); or NULL */
	enum fc_mode mode;       /* --mode=detect|prevent, default detect */
	const char *rules;       /* --rules=PATH: more rules (RULES.md); or NULL */
	enum fc_file_events file_events; /* --file-events=on|off, default on */
	unsigned allow;          /* --allow=a,b: enum fc_allow bits, default 0 */
	enum fc_entrants entrants; /* --entrants=auto|on|off, default auto */
};

/* Sorts words[0..n) into the options this sensor understands, which are
 * checked and stored in o and listed in known[], and the rest, listed in
 * unknown[]: the real falconctl has many options this sensor does not
 * implement (--apd=, --billing=, ...), and a definition written for
 * it must keep working. known and unknown each have room for n entries.
 *
 * Fails with FC_ERR_USAGE on a bad or repeated understood option or a
 * missing --cid. Every word is looked at even then, so that o->fail is
 * right in any case: it is FC_FAIL_CLOSED when any --fail word is anything
 * but "--fail=open", because closed is the only choice a user can have
 * meant by writing --fail at all. */
int falconctl_opts_parse(char *const *words, size_t n, struct falconctl_opts *o,
			 const char **known, size_t *n_known,
			 const char **unknown, size_t *n_unknown,
			 struct fc_err *e);

/* The fail mode of a FALCONCTL_OPTS text that cannot be split into words
 * (an unterminated quote): closed if "--fail" appears anywhere other than
 * as "--fail=open" followed by a blank or the end. */
enum fc_fail_mode falconctl_fail_mode_of_text(const char *text);

#endif
