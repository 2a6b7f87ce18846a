/* syscall_decode.h: a stopped syscall (numbers and registers) turned into
 * an event with its arguments read out of the tracee: the filename and
 * argv of an execve, the process a pidfd names. This is the step from
 * untrusted tracee bytes to event fields; everything it keeps is capped
 * (tracee_mem.h). */
#ifndef FC_SYSCALL_DECODE_H
#define FC_SYSCALL_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trace_spec.h"
#include "tracee_mem.h"

/* An execve or execveat as seen at entry. */
struct exec_info {
	int at;                  /* execveat */
	long long dirfd;         /* execveat */
	uint64_t at_flags;       /* execveat: AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW */
	char *path;              /* the filename argument, NUL-terminated */
	size_t path_len;
	unsigned path_flags;     /* TSTR_* */
	struct tstrv argv;
};

/* A decoded syscall: the seam's input (verdict.h). */
struct sys_event {
	pid_t tid;
	size_t row;              /* index in the spec */
	const struct spec_row *spec;
	uint32_t arch;           /* AUDIT_ARCH_* */
	uint64_t nr;
	uint64_t args[6];
	union {
		struct exec_info *exec;          /* DEC_EXECVE, DEC_EXECVEAT */
		struct {
			int fd;
			pid_t target;            /* 0: not a process, or unknown */
		} pidfd;                         /* DEC_PIDFD_SEND_SIGNAL */
	} u;
};

/* The size of a user pointer for a syscall of arch with number nr: 4 for
 * i386, x32 and arm, else 8. */
unsigned decode_ptr_size(uint32_t arch, uint64_t nr);

/* Fills ev->u from the tracee's memory through m (a reader over tid).
 * For an exec, ev->u.exec is allocated (free with exec_info_free) or NULL
 * when out of memory. Never fails otherwise: what cannot be read is
 * flagged in the fields. */
void syscall_decode(struct tmem *m, struct sys_event *ev);

void exec_info_free(struct exec_info *x);

/* Bytes an exec_info holds, for the tracer's memory budget. */
size_t exec_info_size(const struct exec_info *x);

#endif
