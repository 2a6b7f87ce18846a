/* tracer_parts.h: what the parts of the stop loop share, and only they:
 * tracer.c dispatches each stop, judge.c judges a traced syscall at its
 * entry, launch.c reports an exec as a Launch, entrant_seize.c attaches
 * the processes that enter from outside. */
#ifndef FC_TRACER_PARTS_H
#define FC_TRACER_PARTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "observe.h"
#include "proc_table.h"
#include "syscall_decode.h"
#include "tracee_mem.h"
#include "tracer.h"
#include "verdict.h"

/* Bytes of execve arguments held between an execve's entry and its
 * PTRACE_EVENT_EXEC, over all threads. An execve that fails leaves its
 * arguments until the thread's next execve or death; past the budget,
 * arguments are not kept and the Launch takes the new image's
 * /proc/PID/cmdline instead. */
#define PENDING_BUDGET (4U << 20)

/* Bytes of a command line kept with each process for its Terminate event
 * and as the parent of later Launches; the Launch itself has all of it. */
#define IMAGE_CMDLINE_MAX 512

struct tracer {
	const struct tracer_cfg *cfg;
	struct proc_table pt;
	struct tmem mem;
	size_t pending_bytes;
	struct observation obs;  /* the stop being handled */
	struct file_args file;   /* its file arguments */
	struct tracer_result *res;
};

/* tracer.c: the tables. */
struct image *tr_image_of(struct tracer *tr, pid_t tgid);
/* A new process tgid, running img (its creator's) until it executes. */
struct proc *tr_add_proc(struct tracer *tr, pid_t tgid, pid_t ppid, struct image *img);
struct thread *tr_add_thread(struct tracer *tr, pid_t tid, pid_t tgid);
/* A task met before its creator's fork/clone event: from /proc. */
struct thread *tr_adopt(struct tracer *tr, pid_t tid);
/* Queues an event line (the sink takes it). */
void tr_emit(struct tracer *tr, char *line, size_t len);
/* A thread's execve arguments, held from the entry until the exec
 * event, within PENDING_BUDGET over all threads; x is taken. */
void tr_keep_pending(struct tracer *tr, struct thread *t, struct exec_info *x);
void tr_drop_pending(struct tracer *tr, struct thread *t);

/* judge.c: a traced syscall at its entry. */
/* Decodes, decides and applies the verdict on the syscall of row. */
void judge_entry(struct tracer *tr, struct thread *t, pid_t tid, size_t row,
		 uint32_t arch, uint64_t nr, const uint64_t *args);
/* Reads a stopped syscall's arguments out of the tracee. */
void judge_decode(struct tracer *tr, struct sys_event *ev);
/* Decodes ev and decides: the policies, then the rules. */
struct verdict judge_decide(struct tracer *tr, const struct thread *t,
			    struct sys_event *ev);
/* Refuses the syscall (or kills) when v says so. */
void judge_apply(const struct thread *t, pid_t tid, const struct sys_event *ev,
		 struct verdict v);
/* The process behind tid, as observe() wants it. */
struct observe_proc judge_who_is(struct tracer *tr, const struct thread *t, pid_t tid);
/* A Detection Finding for each rule the verdict names. */
void judge_report_matches(struct tracer *tr, const struct verdict *v,
			  const struct activity *a);
/* An exec of the sensor's own executable, unchanged since start. */
int judge_is_own_program(const struct tracer_cfg *cfg, const struct activity *a,
			 const struct stat *file);

/* launch.c: a new image. */
/* PTRACE_EVENT_EXEC: the Launch, and the process's new image. Returns
 * the thread that goes on (a non-leader's exec takes the leader's id). */
struct thread *launch_on_exec(struct tracer *tr, struct thread *t, pid_t tid);
/* A command line cut to what a process keeps (IMAGE_CMDLINE_MAX). */
char *launch_cmdline(const struct tstrv *argv);
/* The executable's inode, through /proc/PID/exe; st_ino 0 if unknown. */
void launch_stat_exe(pid_t tid, struct stat *st);
/* The names of a new image and its actor (identity.h). */
void launch_name_image(struct tracer *tr, pid_t tid, struct image *img,
		       struct image *old, int was_entry, const struct tstrv *argv,
		       const struct stat *exe_st);
/* Whether exe is ECS Exec's agent, whose sessions are marked so. */
int launch_is_ecs_exec_agent(const char *exe);

/* entrant_seize.c: the entrant watch's wake-up (entrants.h). */
void seize_entrants(struct tracer *tr);

#endif
