/* tracer.c: the stop loop, which dispatches each stop (see tracer.h for
 * what each stop means) to its part (tracer_parts.h). */

#include "tracer.h"

#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entrants.h"
#include "filter_inject.h"
#include "guard.h"
#include "log.h"
#include "observe.h"
#include "procfs.h"
#include "proc_table.h"
#include "regs_arch.h"
#include "status.h"
#include "tracer_parts.h"

/* Resumes a stopped task; sig is re-injected (0: none). */
static void resume(struct tracer *tr, const struct thread *t, pid_t tid, int sig)
{
	int unfiltered = t && (t->flags & THR_UNFILTERED);
	enum __ptrace_request req = !tr->cfg->seccomp || unfiltered ?
		PTRACE_SYSCALL : PTRACE_CONT;

	/* The signal travels as ptrace's data pointer. */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	if (ptrace(req, tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
		fc_log(FC_TRACE_ERR, "cannot resume pid %d: %s", (int)tid,
		       strerror(errno));
}

struct image *tr_image_of(struct tracer *tr, pid_t tgid)
{
	struct proc *p = pt_proc(&tr->pt, tgid);

	return p ? p->img : NULL;
}

/* A new process tgid, running its creator's image until it executes. */
struct proc *tr_add_proc(struct tracer *tr, pid_t tgid, pid_t ppid,
			 struct image *img)
{
	struct proc *p = pt_proc(&tr->pt, tgid);

	if (p)
		return p;
	p = pt_proc_add(&tr->pt, tgid, ppid, img);
	if (!p)
		fc_log(FC_TRACE_ERR, "out of memory: pid %d is traced without a record",
		       (int)tgid);
	return p;
}

struct thread *tr_add_thread(struct tracer *tr, pid_t tid, pid_t tgid)
{
	struct thread *t = pt_thread(&tr->pt, tid);

	if (t)
		return t;
	t = pt_thread_add(&tr->pt, tid, tgid);
	if (!t)
		fc_log(FC_TRACE_ERR, "out of memory: tid %d is traced without a record",
		       (int)tid);
	return t;
}
/* What a new task takes from the process that made it: the entrant's
 * mark, and the chance that it lacks the filter. */
static void inherit(struct proc *child, const struct proc *from)
{
	if (!child || !from || child == from)
		return;
	child->entered_ms = from->entered_ms;
	child->flags |= from->flags & (PROC_ENTRANT_STEP | PROC_ECS_EXEC);
}

/* A task seen before its creator's fork/clone event (or whose creator we
 * could not follow): /proc says what it is, while it sits in its first
 * stop. */
struct thread *tr_adopt(struct tracer *tr, pid_t tid)
{
	struct proc_status st;
	struct proc *p, *from;
	struct thread *t;

	if (procfs_status(tid, &st) < 0) {
		st.tgid = tid;
		st.ppid = 0;
	}
	if (st.tgid == tid) {
		p = tr_add_proc(tr, tid, st.ppid, tr_image_of(tr, st.ppid));
		from = pt_proc(&tr->pt, st.ppid);
		inherit(p, from);
	} else {
		p = tr_add_proc(tr, st.tgid, 0, NULL);
		from = p;
	}
	t = tr_add_thread(tr, tid, st.tgid);
	/* Which thread made it is unknown here: one of an entrant's may
	 * have, before it had the filter. A second copy of the filter
	 * costs little; a task let run unfiltered would see nothing. */
	if (t && from && (from->flags & PROC_ENTRANT_STEP))
		t->flags |= THR_UNFILTERED;
	return t;
}

static void on_new_task(struct tracer *tr, const struct thread *parent, pid_t tid,
			int event)
{
	unsigned long msg = 0;
	pid_t child;
	pid_t creator = parent ? parent->tgid : tid;
	struct thread *ct;

	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) < 0)
		return;
	child = (pid_t)msg;
	if (child <= 0 || pt_thread(&tr->pt, child))
		return; /* its first stop came first and adopted it */
	/* Its first stop came first, it ran, and it is dead and reaped
	 * already: a record now would never be removed. */
	if (kill(child, 0) < 0 && errno == ESRCH)
		return;
	if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
		inherit(tr_add_proc(tr, child, creator, tr_image_of(tr, creator)),
			pt_proc(&tr->pt, creator));
		ct = tr_add_thread(tr, child, child);
	} else {
		/* clone: a thread, or a process made without SIGCHLD. The
		 * child cannot run (or exit) before its first stop is
		 * resumed, so /proc answers reliably. */
		ct = tr_adopt(tr, child);
	}
	/* A task has the filter exactly when the thread that made it had. */
	if (ct && parent)
		ct->flags = (ct->flags & ~THR_UNFILTERED) | (parent->flags & THR_UNFILTERED);
}

void tr_emit(struct tracer *tr, char *line, size_t len)
{
	sink_push(tr->cfg->sink, line, len);
}

/* Frees a thread's pending exec and returns its bytes to the budget. */
void tr_drop_pending(struct tracer *tr, struct thread *t)
{
	if (!t || !t->pending)
		return;
	tr->pending_bytes -= exec_info_size(t->pending);
	exec_info_free(t->pending);
	t->pending = NULL;
}

void tr_keep_pending(struct tracer *tr, struct thread *t, struct exec_info *x)
{
	size_t size;

	tr_drop_pending(tr, t);
	if (!t) {
		exec_info_free(x);
		return;
	}
	size = exec_info_size(x);
	if (tr->pending_bytes + size > PENDING_BUDGET) {
		fc_log(FC_TRACE_DEBUG, "execve arguments of tid %d not kept: %zu bytes "
		       "are held already", (int)t->tid, tr->pending_bytes);
		exec_info_free(x);
		return;
	}
	tr->pending_bytes += size;
	t->pending = x;
}
static void on_seccomp(struct tracer *tr, struct thread *t, pid_t tid)
{
	struct __ptrace_syscall_info info;
	long row;

	/* NOLINTNEXTLINE(performance-no-int-to-ptr): the size is the addr */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) <= 0) {
		if (errno != ESRCH)
			fc_log(FC_TRACE_ERR, "cannot read the syscall of pid %d at its "
			       "seccomp stop: %s", (int)tid, strerror(errno));
		return;
	}
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return;
	/* The data is a hint, never trusted: a filter the application
	 * installed itself may return RET_TRACE too, with any data, and the
	 * newest filter's data wins when both trace; and libseccomp lets a
	 * row without conditions hide a policy's conditional row of the same
	 * syscall. So the syscall is matched again in user space, which
	 * takes the policies first (spec_concrete.h): a syscall of ours is
	 * judged whatever the data says, and one no row of ours matches
	 * (stopped for the application's filter alone) runs on. */
	row = spec_concrete_match(tr->cfg->concrete, info.arch, info.seccomp.nr,
			       info.seccomp.args);
	if (row < 0)
		return;
	if ((uint64_t)row != info.seccomp.ret_data)
		fc_log(FC_TRACE_DEBUG, "pid %d: seccomp data %u, judged as spec row %ld",
		       (int)tid, (unsigned)info.seccomp.ret_data, row);
	judge_entry(tr, t, tid, (size_t)row, info.arch, info.seccomp.nr, info.seccomp.args);
}

/* The guard's SIGSTOP (guard.h): the task was asleep in an open of a
 * guarded file, and the signal interrupted it. A plain read-only open or
 * openat is judged here, as a seccomp stop would have; any other syscall
 * (an open for writing, openat2, truncate) met a row of the filter and
 * was judged at its entry already. Refused, it returns the errno; else
 * the lease is released and the kernel restarts the syscall, which then
 * goes through. */
static void on_guard_stop(struct tracer *tr, struct thread *t, pid_t tid)
{
	static const struct spec_row ro_open = { .syscall = "open", .action = SPEC_TRACE,
		.decoder = DEC_OPEN, .why = "a read of a guarded file" };
	static const struct spec_row ro_openat = { .syscall = "openat",
		.action = SPEC_TRACE, .decoder = DEC_OPENAT,
		.why = "a read of a guarded file" };
	struct sys_event ev = { .tid = tid, .arch = AUDIT_ARCH_X86_64 };
	const struct observation *o = &tr->obs;
	struct verdict v = { .kind = VERDICT_ALLOW };
	long row;

	if (regs_interrupted_syscall(tid, &ev.nr, ev.args) < 0)
		return;
	row = spec_concrete_match(tr->cfg->concrete, ev.arch, ev.nr, ev.args);
	if (row < 0 && (ev.nr == SYS_open || ev.nr == SYS_openat)) {
		ev.spec = ev.nr == SYS_open ? &ro_open : &ro_openat;
		tr->obs.ino = 0;
		v = judge_decide(tr, t, &ev);
		judge_apply(t, tid, &ev, v);
	} else if (row >= 0 && decode_is_file(tr->cfg->concrete->spec->rows[row].decoder)) {
		struct observe_proc who = judge_who_is(tr, t, tid);

		ev.row = (size_t)row;
		ev.spec = &tr->cfg->concrete->spec->rows[row];
		judge_decode(tr, &ev);
		if (observe(&ev, &who, tr->cfg->id, &tr->obs) < 0)
			tr->obs.ino = 0;
		observation_done(&tr->obs);
	} else {
		guard_release_breaking();
		return;
	}
	if (o->ino == 0)
		guard_release_breaking();
	else if (v.kind == VERDICT_ALLOW)
		guard_release(o->dev, o->ino);
	else
		guard_rearm(o->dev, o->ino);
}

static int on_death(struct tracer *tr, pid_t tid, int status);

/* A thread without the filter, at a syscall-entry stop: it installs the
 * filter now (filter_inject.h). Returns 1 when the caller is to judge
 * this syscall and resume the thread, 2 when only to resume it, 0 when
 * it is resumed or gone already. */
static int take_filter(struct tracer *tr, struct thread *t, pid_t tid)
{
	const char *why = "";
	int status = 0;
	struct timespec t0, t1;
	const struct proc *p;

	if (!tr->cfg->filter || (t->flags & THR_NO_INJECT))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = pt_proc(&tr->pt, t->tgid);
	switch (filter_inject(tid, tr->cfg->filter, tid != t->tgid || !p || p->threads <= 1,
			      &status, &why)) {
	case INJECT_DONE:
		t->flags &= ~THR_UNFILTERED;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fc_log(FC_TRACE_DEBUG, "tid %d has the filter now (%ld us)", (int)tid,
		       (long)((t1.tv_sec - t0.tv_sec) * 1000000L +
			      (t1.tv_nsec - t0.tv_nsec) / 1000));
		return 2;
	case INJECT_UNTOUCHED:
		t->flags |= THR_NO_INJECT;
		fc_log(FC_TRACE_INFO, "tid %d keeps every syscall stopped: %s", (int)tid, why);
		return 1;
	case INJECT_FAILED:
		/* Back before its syscall, which comes again: judged then. */
		t->flags |= THR_NO_INJECT;
		fc_log(FC_TRACE_INFO, "tid %d keeps every syscall stopped: %s failed",
		       (int)tid, why);
		return 2;
	case INJECT_DIED:
		on_death(tr, tid, status);
		return 0;
	case INJECT_RESUMED:
	case INJECT_GONE:
		return 0;
	}
	return 0;
}

/* A syscall-entry or -exit stop: every syscall with --seccomp=off or of
 * a thread without the filter (PTRACE_SYSCALL stops at exits too, which
 * need nothing). Returns 1 when the caller is to resume the thread. */
static int on_syscall_stop(struct tracer *tr, struct thread *t, pid_t tid)
{
	struct __ptrace_syscall_info info;
	long row;

	/* NOLINTNEXTLINE(performance-no-int-to-ptr): the size is the addr */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) <= 0)
		return 1;
	if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
		return 1;
	if (t && (t->flags & THR_UNFILTERED)) {
		int next = take_filter(tr, t, tid);

		if (next != 1)
			return next == 2;
	} else if (tr->cfg->seccomp) {
		return 1;
	}
	row = spec_concrete_match(tr->cfg->concrete, info.arch, info.entry.nr,
			       info.entry.args);
	if (row >= 0)
		judge_entry(tr, t, tid, (size_t)row, info.arch, info.entry.nr,
			 info.entry.args);
	return 1;
}
/* A task died. Returns 1 when it was the application's process. */
static int on_death(struct tracer *tr, pid_t tid, int status)
{
	struct thread *t = pt_thread(&tr->pt, tid);
	pid_t tgid = t ? t->tgid : tid;
	struct proc *p;

	if (t) {
		tr_drop_pending(tr, t);
		pt_thread_del(&tr->pt, tid);
	}
	if (tgid != tid)
		return 0; /* a thread; its process lives on */
	p = pt_proc(&tr->pt, tid);
	if (!p) {
		if (tid != tr->cfg->app)
			fc_log(FC_TRACE_DEBUG, "reaped pid %d, which the sensor did not "
			       "trace", (int)tid);
	} else {
		if (!(p->flags & PROC_SENSOR_COPY)) {
			struct ocsf_terminate te = {
				.time_ms = ocsf_now_ms(), .pid = tid, .ppid = p->ppid,
				.exe = p->img ? p->img->exe : NULL,
				.cmd_line = p->img ? p->img->cmd_line : NULL,
				.wait_status = status, .entered_ms = p->entered_ms,
				.ecs_exec = (p->flags & PROC_ECS_EXEC) != 0,
			};
			size_t len;
			char *line = ocsf_terminate(tr->cfg->ocsf, &te, &len);

			tr_emit(tr, line, len);
		}
		pt_proc_del(&tr->pt, tid);
	}
	return tid == tr->cfg->app;
}

static int is_guard_wake(pid_t tid)
{
	siginfo_t si;

	return ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0 &&
	       guard_is_wake(&si, getpid());
}

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_stop(struct tracer *tr, pid_t tid, int status)
{
	int sig = WSTOPSIG(status), event = (int)((unsigned)status >> 16);
	struct thread *t = pt_thread(&tr->pt, tid);

	if (!t)
		t = tr_adopt(tr, tid);
	switch (event) {
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			if (on_syscall_stop(tr, t, tid))
				resume(tr, t, tid, 0);
		} else if (sig == SIGSTOP && is_guard_wake(tid)) {
			on_guard_stop(tr, t, tid);
			resume(tr, t, tid, 0);
		} else {
			/* Signal-delivery-stop: deliver it as it came. */
			resume(tr, t, tid, sig);
		}
		return;
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			/* Group-stop: stay stopped, but let the tracer hear of
			 * SIGCONT; PTRACE_CONT here would undo kill -STOP. */
			if (ptrace(PTRACE_LISTEN, tid, NULL, NULL) < 0 && errno != ESRCH) {
				/* Better a task that runs on than one that
				 * hangs in a stop nobody ends. */
				fc_log(FC_TRACE_ERR, "cannot listen to pid %d (%s): "
				       "resuming it", (int)tid, strerror(errno));
				resume(tr, t, tid, 0);
			}
			return;
		}
		/* A new task's first stop, PTRACE_INTERRUPT, or the wake-up
		 * of a listening task. */
		resume(tr, t, tid, 0);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(tr, t, tid);
		resume(tr, t, tid, 0);
		return;
	case PTRACE_EVENT_EXEC:
		t = launch_on_exec(tr, t, tid);
		resume(tr, t, tid, 0);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(tr, t, tid, event);
		resume(tr, t, tid, 0);
		return;
	default: /* PTRACE_EVENT_EXIT, and anything newer */
		resume(tr, t, tid, 0);
		return;
	}
}
int tracer_run(const struct tracer_cfg *cfg, struct tracer_result *res,
	       struct fc_err *e)
{
	struct tracer *tr = calloc(1, sizeof *tr);
	struct image *img;
	struct proc *p;
	int rc = 0;

	*res = (struct tracer_result){ 0 };
	if (!tr)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the tracer");
	tr->cfg = cfg;
	tr->res = res;
	pt_init(&tr->pt);
	img = image_new(cfg->sensor_exe, "falcon-sensor", NULL);
	p = tr_add_proc(tr, cfg->app, getpid(), img);
	image_unref(img);
	if (p)
		p->flags |= PROC_SENSOR_COPY;
	tr_add_thread(tr, cfg->app, cfg->app);
	if (cfg->entrants) {
		sigset_t wake;

		sigemptyset(&wake);
		sigaddset(&wake, ENTRANT_SIGNAL);
		pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	}

	for (;;) {
		int status;
		pid_t tid;

		if (cfg->entrants && entrants_asked())
			seize_entrants(tr);
		status_processes(tr->pt.n_procs);
		tid = waitpid(-1, &status, __WALL);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			rc = fc_fail(e, FC_ERR_SYSTEM, "cannot wait for the application: %s",
				     strerror(errno));
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (on_death(tr, tid, status)) {
				res->status = status;
				break;
			}
			continue;
		}
		if (WIFSTOPPED(status))
			on_stop(tr, tid, status);
	}
	res->left_processes = tr->pt.n_procs;
	res->left_threads = tr->pt.n_threads;
	res->left_exec_bytes = tr->pending_bytes;
	pt_free(&tr->pt);
	free(tr);
	return rc;
}
