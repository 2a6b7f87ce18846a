/* activity.h: one thing the application is about to do (exec a program,
 * open a file, connect a socket...), as the rules see it: a kind and the
 * named fields of RULES.md. The tracer fills it from a decoded syscall and
 * what it knows of the process; rules_match.c reads fields by id; ocsf.c
 * turns it into File System or Network Activity events and Findings. All
 * strings are borrowed from the tracer for the time of one stop. */
#ifndef FC_ACTIVITY_H
#define FC_ACTIVITY_H

#include <stdint.h>
#include <sys/types.h>

#include "tstrv.h"

struct stat;

enum act_event {
	ACT_EXEC,
	ACT_OPEN,
	ACT_UNLINK,
	ACT_RENAME,
	ACT_CHMOD,
	ACT_CONNECT,
	ACT_BIND,
	ACT_LISTEN,
	ACT_PTRACE,
	ACT_UNSHARE,
	ACT_SETNS,
	ACT_DUP,
	ACT_SYSCALL,             /* a syscall a policy refused (policy.h) that
				  * is no other event; no rule looks at it */
	ACT_N_EVENTS
};

/* The rule language's name for each event ("exec", "open", ...). */
extern const char *const act_event_names[ACT_N_EVENTS];

enum act_field {
	F_PROCESS_NAME, F_PROCESS_PATH, F_PROCESS_CMD_LINE, F_PROCESS_ARGS,
	F_PROCESS_PID, F_PROCESS_UID, F_PROCESS_IS_MAIN, F_PROCESS_IS_ENTRYPOINT,
	F_PROCESS_ENTERED, F_PROCESS_TTY,
	F_ACTOR_NAME, F_ACTOR_PATH,
	F_FILE_PATH, F_FILE_OLD_PATH, F_FILE_IS_WRITE, F_FILE_IS_TRUNC, F_FILE_MODE,
	F_FILE_WRITTEN_SINCE_START,
	F_NET_FAMILY, F_DST_IP, F_DST_PORT, F_SRC_IP, F_SRC_PORT, F_UNIX_PATH,
	F_PTRACE_REQUEST, F_TARGET_PID, F_NS_FLAGS, F_FD_NEW, F_FD_TYPE,
	F_ARGS_UNREADABLE,
	F_N_FIELDS
};

enum act_type { AT_STRING, AT_STRINGS, AT_NUMBER, AT_BOOL };

struct act_field_info {
	const char *name;        /* "process.name" */
	enum act_type type;
	uint32_t events;         /* bit (1 << ACT_*) for each event that has it */
};

extern const struct act_field_info act_fields[F_N_FIELDS];

/* The field called name, or -1. */
int act_field_lookup(const char *name);

struct activity {
	enum act_event event;
	pid_t pid, tid;
	int is_main;             /* the process the sensor started */
	int is_entrypoint;       /* exec: the container's own command */
	long uid;                /* -1: not read yet (read only when a rule
				  * asks: it costs a /proc read) */
	/* The process, or one it descends from, entered the container from
	 * outside (entrants.h) at this time (ms since the epoch); 0: no. */
	unsigned long long entered_ms;
	int ecs_exec;            /* ... through ECS Exec's agent */
	int tty;                 /* it has a controlling terminal; -1: not
				  * read yet (like uid) */

	/* process.*: for exec, the program about to run */
	const char *name, *path, *cmd_line;
	/* Its other names (identity.h), for matching: the executed file's
	 * base name, a multicall binary's applet, the names rules give its
	 * inode. name stays the one it was run as. */
	const char *const *names;
	size_t n_names;
	const struct tstrv *argv;/* exec only: the new argv */
	/* actor.*: the program doing it; actor_names are the names of the
	 * nearest program above it that is not a trampoline (env, nohup...) */
	const char *actor_name, *actor_path, *actor_cmd_line;
	const char *const *actor_names;
	size_t n_actor_names;

	/* files */
	const char *file_path, *old_path;
	/* What the walk found at file_path and old_path (path_resolve_st),
	 * so that a check by inode needs no second look: st_ino 0 when no
	 * file is there; NULL when the path was not walked to its file (a
	 * descriptor's name, a text, a name put in its place). */
	const struct stat *file_st, *old_st;
	int exchange;            /* rename: RENAME_EXCHANGE: old_path is
				  * written too, and file.path matches it */
	const char *opened_as;   /* open: the name used, when file_path is
				  * the sensitive file's own (a hard link) */
	/* exec: the other files the exec runs code from (preloaded and
	 * audit libraries, the loader run as a program): more values of
	 * file.path */
	const char *const *files;
	size_t n_files;
	const char *loader;      /* exec: ld.so, when it was executed and
				  * path is the program it loads */
	int is_write, is_trunc, is_create, existed;
	int is_read;             /* open: for reading (O_RDONLY or O_RDWR) */
	int has_mode;
	unsigned mode;
	int written_since_start;

	/* network */
	int family;              /* AF_INET, AF_INET6, AF_UNIX, other */
	char ip[48];             /* dst (connect) or src (bind, listen) */
	unsigned port;
	int has_addr;
	char unix_path[112];

	/* others */
	const char *ptrace_request;
	long long target_pid;
	uint64_t ns_flags;
	int fd_new;
	const char *fd_type;

	/* a policy's refusal (policy.h): the syscall and the reason */
	const char *syscall, *reason;

	/* an argument could not be read whole (syscall_decode.h) */
	int args_unreadable;
};

/* A field's value, as the matcher wants it. has is 0 when the event does
 * not have the field (or it is unknown). */
struct act_value {
	int has;
	enum act_type type;
	const char *s;           /* AT_STRING */
	const char *const *alt;  /* AT_STRING: more values; a condition holds
				  * when it holds for any of s and alt */
	size_t n_alt;
	const struct tstrv *v;   /* AT_STRINGS: entries 1..n */
	long long n;             /* AT_NUMBER, AT_BOOL */
};

struct act_value act_get(struct activity *a, enum act_field f);

/* Whether e is a socket event (connect, bind, listen). */
int act_is_net(enum act_event e);

/* "inet", "inet6", "unix", "other". */
const char *act_family_name(int family);

#endif
