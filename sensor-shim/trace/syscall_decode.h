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
	/* The environment's LD_PRELOAD and LD_AUDIT values (every occurrence,
	 * joined by ':'; ld.so takes the last), or NULL: the libraries the
	 * new program will run. env_cut: the environment was longer than
	 * EXEC_ENV_MAX entries, or a value was cut at EXEC_ENV_VALUE_MAX. */
	char *preload, *audit;
	int env_cut;
	/* The file the path named when the tracer looked (observe.c), 0:
	 * not known. */
	dev_t file_dev;
	ino_t file_ino;
};

#define EXEC_ENV_MAX 4096
#define EXEC_ENV_VALUE_MAX 4096

/* A file call's arguments: paths as the tracee gave them (not resolved:
 * observe.c does that against its cwd or directory descriptors). */
struct file_args {
	long long dirfd, dirfd2; /* AT_FDCWD when the call has none */
	char path[PATH_MAX_KEPT + 1];
	char path2[PATH_MAX_KEPT + 1]; /* rename: the new name */
	unsigned path_flags, path2_flags; /* TSTR_* */
	int fd;                  /* fchmod: the file; -1 otherwise */
	uint64_t oflags;         /* open flags; creat: O_CREAT|O_WRONLY|O_TRUNC */
	uint64_t at_flags;       /* *at flags (AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR) */
	unsigned mode;
	int has_mode;            /* chmod, or open with O_CREAT */
	uint64_t length;         /* truncate, ftruncate */
};

/* A socket call: the address as read (connect, bind; sendto, sendmsg and
 * sendmmsg with MSG_FASTOPEN, whose address is a connect's). */
struct net_args {
	int fd;
	unsigned char addr[128]; /* struct sockaddr_storage's size */
	unsigned addr_len;       /* bytes read; 0: none or unreadable */
};

/* A decoded syscall: the seam's input (verdict.h). */
struct sys_event {
	pid_t tid;
	size_t row;              /* index in the spec */
	const struct spec_row *spec;
	uint32_t arch;           /* AUDIT_ARCH_* */
	uint64_t nr;
	uint64_t args[6];
	/* An argument could not be read whole: a pointer to unreadable
	 * memory (path, argv, sockaddr, msghdr), argv past the kept entries
	 * or bytes, a path past PATH_MAX_KEPT (args.unreadable, RULES.md). */
	int unreadable;
	union {
		struct exec_info *exec;          /* DEC_EXECVE, DEC_EXECVEAT */
		struct {
			int fd;
			pid_t target;            /* 0: not a process, or unknown */
		} pidfd;                         /* DEC_PIDFD_SEND_SIGNAL, DEC_SETNS */
		struct file_args *file;          /* DEC_OPEN .. DEC_FCHMODAT */
		struct net_args net;             /* DEC_CONNECT, DEC_BIND, DEC_LISTEN,
						  * DEC_SENDTO, DEC_SENDMSG, DEC_SENDMMSG */
	} u;
};

/* The size of a user pointer for a syscall of arch with number nr: 4 for
 * i386, x32 and arm, else 8. */
unsigned decode_ptr_size(uint32_t arch, uint64_t nr);

/* Whether the decoder is one of the file calls (ev->u.file). */
int decode_is_file(enum spec_decoder d);

/* Fills ev->u from the tracee's memory through m (a reader over tid).
 * For a file call, ev->u.file must point at room the caller owns.
 * For an exec, ev->u.exec is allocated (free with exec_info_free) or NULL
 * when out of memory. Never fails otherwise: what cannot be read is
 * flagged in the fields. */
void syscall_decode(struct tmem *m, struct sys_event *ev);

void exec_info_free(struct exec_info *x);

/* Bytes an exec_info holds, for the tracer's memory budget. */
size_t exec_info_size(const struct exec_info *x);

#endif
