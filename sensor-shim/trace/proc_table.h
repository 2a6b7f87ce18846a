/* proc_table.h: what the tracer knows about each traced thread and
 * process, keyed by thread id and by process id (the thread-group id).
 * Entries live exactly as long as the task does, so memory follows the
 * number of live tasks; the argv kept per process is capped (images). */
#ifndef FC_PROC_TABLE_H
#define FC_PROC_TABLE_H

#include <stddef.h>
#include <sys/types.h>

struct exec_info;

#define IMAGE_NAMES_MAX 8

/* What a process runs: shared by fork until the next exec. */
struct image {
	unsigned refs;
	char *exe;               /* the executable's path, or NULL */
	char *name;              /* the name it was run as (the base name of
				  * execve's path: "sh" for busybox's sh),
				  * or NULL */
	char *cmd_line;          /* argv joined by spaces (capped), or NULL */
	/* All its names for the rules (name first, then the executable's
	 * base name, a multicall's applet, the names rules give its inode:
	 * identity.h), in one buffer. */
	char *names_buf;
	const char *names[IMAGE_NAMES_MAX];
	size_t n_names;
	/* The image whose names are this one's actor names: the nearest
	 * image above it (in its process's exec chain) that is not a
	 * trampoline; NULL: itself. A reference is held. */
	struct image *actor;
	int entry;               /* a trampoline run as the container's
				  * command (nohup sh), or executed by one:
				  * what it executes is that command */
};

#define PROC_LAUNCHED 0x1U       /* executed an image under the sensor */
#define PROC_SENSOR_COPY 0x2U    /* the app's child before its first exec:
				  * still a copy of the sensor */
#define PROC_COMPAT_REPORTED 0x4U /* its compat-abi Finding is out: one
				   * per process (policy.h) */
#define PROC_ECS_EXEC 0x10U      /* an entrant's session through ECS Exec's
				  * agent (entrants.h), or the agent */
#define PROC_ENTRANT_STEP 0x8U   /* an entrant, or made by one (entrants.h):
				  * a task it makes may lack the filter */

struct proc {
	pid_t tgid;
	pid_t ppid;              /* as last known */
	unsigned flags;
	unsigned threads;        /* live threads in the table */
	unsigned long long entered_ms; /* activity.h: 0, or when the entrant
				  * it comes from entered */
	struct image *img;
	struct proc *next;
};

#define THR_UNFILTERED 0x2U      /* no sensor filter yet (filter_inject.h):
				  * resumed with PTRACE_SYSCALL, every
				  * syscall judged at its entry stop */
#define THR_NO_INJECT 0x4U       /* the filter cannot be put in: stays so */

struct thread {
	pid_t tid;
	pid_t tgid;
	unsigned flags;
	struct exec_info *pending; /* an execve seen at entry, not yet done */
	struct thread *next;
};

struct proc_table {
	struct thread **threads;
	size_t n_threads, cap_threads;
	struct proc **procs;
	size_t n_procs, cap_procs;
};

void pt_init(struct proc_table *pt);
/* Frees every entry (at exit, for leak checkers). */
void pt_free(struct proc_table *pt);

struct thread *pt_thread(const struct proc_table *pt, pid_t tid);
/* A new thread of process tgid (which must exist); NULL when out of
 * memory. */
struct thread *pt_thread_add(struct proc_table *pt, pid_t tid, pid_t tgid);
/* Removes the thread and frees its pending exec. */
void pt_thread_del(struct proc_table *pt, pid_t tid);

struct proc *pt_proc(const struct proc_table *pt, pid_t tgid);
/* A new process running img (a reference is taken; img may be NULL). */
struct proc *pt_proc_add(struct proc_table *pt, pid_t tgid, pid_t ppid,
			 struct image *img);
void pt_proc_del(struct proc_table *pt, pid_t tgid);

/* A new image with copies of exe, name and cmd_line (any may be NULL),
 * one reference held; NULL when out of memory. */
struct image *image_new(const char *exe, const char *name, const char *cmd_line);
struct image *image_ref(struct image *img);
/* Copies names (n of them, NULLs and duplicates skipped, at most
 * IMAGE_NAMES_MAX) into img. Returns 0, or -1 when out of memory (img
 * then keeps its name only). */
int image_set_names(struct image *img, const char *const *names, size_t n);
/* The names a rule's actor.name sees for a program running img. */
struct image *image_actor(struct image *img);
void image_unref(struct image *img);

#endif
