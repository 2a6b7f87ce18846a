/* tracer.c: the stop loop (see tracer.h for what each stop means). */
#include "tracer.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "entrants.h"
#include "filter_inject.h"
#include "guard.h"
#include "identity.h"
#include "kill_all.h"
#include "log.h"
#include "observe.h"
#include "path_resolve.h"
#include "policy.h"
#include "proc_table.h"
#include "procfs.h"
#include "protect.h"
#include "regs_arch.h"
#include "sigforward.h"
#include "status.h"
#include "syscall_decode.h"
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

/* Resumes a stopped task; sig is re-injected (0: none). */
static void resume(struct tracer *tr, const struct thread *t, pid_t tid, int sig)
{
	int want_exit = t && (t->flags & (THR_WANT_EXIT | THR_UNFILTERED));
	enum __ptrace_request req = !tr->cfg->seccomp || want_exit ?
		PTRACE_SYSCALL : PTRACE_CONT;

	/* The signal travels as ptrace's data pointer. */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	if (ptrace(req, tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
		fc_log(FC_TRACE_ERR, "cannot resume pid %d: %s", (int)tid,
		       strerror(errno));
}

static struct image *image_of(struct tracer *tr, pid_t tgid)
{
	struct proc *p = pt_proc(&tr->pt, tgid);

	return p ? p->img : NULL;
}

/* A new process tgid, running its creator's image until it executes. */
static struct proc *add_proc(struct tracer *tr, pid_t tgid, pid_t ppid,
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

static struct thread *add_thread(struct tracer *tr, pid_t tid, pid_t tgid)
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

/* ECS Exec's agent, which Fargate runs in the container from
 * /managed-agents/execute-command/: it starts each session's worker,
 * which starts the shell. A session it starts is marked so. */
static int is_ecs_exec_agent(const char *exe)
{
	static const char *const names[] = { "amazon-ssm-agent", "ssm-agent-worker",
					     "ssm-session-worker", NULL };
	const char *base = path_base_name(exe);

	if (!exe)
		return 0;
	if (strstr(exe, "/managed-agents/execute-command/"))
		return 1;
	for (size_t i = 0; names[i]; i++)
		if (strcmp(base, names[i]) == 0)
			return 1;
	return 0;
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
static struct thread *adopt(struct tracer *tr, pid_t tid)
{
	struct proc_status st;
	struct proc *p, *from;
	struct thread *t;

	if (procfs_status(tid, &st) < 0) {
		st.tgid = tid;
		st.ppid = 0;
	}
	if (st.tgid == tid) {
		p = add_proc(tr, tid, st.ppid, image_of(tr, st.ppid));
		from = pt_proc(&tr->pt, st.ppid);
		inherit(p, from);
	} else {
		p = add_proc(tr, st.tgid, 0, NULL);
		from = p;
	}
	t = add_thread(tr, tid, st.tgid);
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
		inherit(add_proc(tr, child, creator, image_of(tr, creator)),
			pt_proc(&tr->pt, creator));
		ct = add_thread(tr, child, child);
	} else {
		/* clone: a thread, or a process made without SIGCHLD. The
		 * child cannot run (or exit) before its first stop is
		 * resumed, so /proc answers reliably. */
		ct = adopt(tr, child);
	}
	/* A task has the filter exactly when the thread that made it had. */
	if (ct && parent)
		ct->flags = (ct->flags & ~THR_UNFILTERED) | (parent->flags & THR_UNFILTERED);
}

static void emit(struct tracer *tr, char *line, size_t len)
{
	sink_push(tr->cfg->sink, line, len);
}

/* Frees a thread's pending exec and returns its bytes to the budget. */
static void drop_pending(struct tracer *tr, struct thread *t)
{
	if (!t || !t->pending)
		return;
	tr->pending_bytes -= exec_info_size(t->pending);
	exec_info_free(t->pending);
	t->pending = NULL;
}

static void keep_pending(struct tracer *tr, struct thread *t, struct exec_info *x)
{
	size_t size;

	drop_pending(tr, t);
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

static void apply(const struct thread *t, pid_t tid, const struct sys_event *ev,
		  struct verdict v)
{
	const char *name = ev->spec->syscall;

	if (v.kind == VERDICT_ALLOW)
		return;
	if (regs_skip_syscall(tid, v.kind == VERDICT_DENY ? v.err : EPERM) < 0 &&
	    errno != ESRCH)
		fc_log(FC_TRACE_ERR, "cannot refuse %s to pid %d: %s", name, (int)tid,
		       strerror(errno));
	if (v.kind == VERDICT_KILL && t)
		kill(t->tgid, SIGKILL);
	fc_log(FC_TRACE_DEBUG, "%s %s of pid %d: %s",
	       v.kind == VERDICT_KILL ? "killed at" : "refused", name, (int)tid,
	       v.why ? v.why : "a rule");
}

/* The process behind tid, as observe() wants it. */
static struct observe_proc who_is(struct tracer *tr, const struct thread *t, pid_t tid)
{
	pid_t tgid = t ? t->tgid : tid;
	struct proc *p = pt_proc(&tr->pt, tgid);
	struct image *img = p ? p->img : NULL, *actor = image_actor(img);

	return (struct observe_proc){
		.pid = tgid,
		.is_main = tgid == tr->cfg->app,
		.is_sensor_copy = p && (p->flags & PROC_SENSOR_COPY),
		.exe = img ? img->exe : NULL,
		.name = img ? img->name : NULL,
		.cmd_line = img ? img->cmd_line : NULL,
		.names = img ? img->names : NULL,
		.n_names = img ? img->n_names : 0,
		.actor_names = actor ? actor->names : NULL,
		.n_actor_names = actor ? actor->n_names : 0,
		.entry_trampoline = img && img->entry,
		.entered_ms = p ? p->entered_ms : 0,
		.ecs_exec = p && (p->flags & PROC_ECS_EXEC),
	};
}

/* A policy's Finding (policy.h): always applied, in either mode. */
static void report_policy(struct tracer *tr, unsigned policy, const struct activity *a)
{
	const struct policy *p = policy_get(policy);
	size_t len;
	char *line = policy_finding(tr->cfg->ocsf, policy, a, &len);

	emit(tr, line, len);
	status_finding(p ? p->id : "integrity");
	fc_log(FC_TRACE_INFO, "policy %s: refused %s of pid %d: %s", p ? p->id : "?",
	       a->syscall ? a->syscall : "?", (int)a->pid, a->reason ? a->reason : "");
}

/* The process a row's sensor condition names (kill(SENSOR), setpgid into
 * its group...), for the Finding; 0 when the row names none (PRIO_USER). */
static long long row_target(const struct spec_row *row, const uint64_t *args)
{
	for (unsigned c = 0; c < row->n_cond; c++)
		if (row->cond[c].val != SPEC_VAL_CONST)
			return (int)(uint32_t)args[row->cond[c].arg];
	return 0;
}

/* A policy row: refused from the registers alone, no decoding. A 32-bit
 * program fails at every syscall: its Finding comes once per process. */
static struct verdict policy_row(struct tracer *tr, struct thread *t, pid_t tid,
				 const struct sys_event *ev)
{
	const struct spec_row *row = ev->spec;
	const struct policy *p = policy_get(row->policy);
	struct observe_proc who = who_is(tr, t, tid);
	struct verdict v = { .kind = VERDICT_DENY, .err = p ? p->err : EPERM,
			     .why = row->why, .policy = row->policy };
	char name[96];
	const char *syscall = row->syscall;
	struct activity a;

	if (row->flags & SPEC_FOREIGN_ABI) {
		struct proc *pr = pt_proc(&tr->pt, who.pid);

		if (pr && (pr->flags & PROC_COMPAT_REPORTED))
			return v;
		if (pr)
			pr->flags |= PROC_COMPAT_REPORTED;
		spec_foreign_name(ev->arch, ev->nr, name, sizeof name);
		syscall = name;
	}
	policy_activity(&a, &who, tid, syscall, row->why, row_target(row, ev->args));
	report_policy(tr, row->policy, &a);
	return v;
}

/* kill(-1, sig) when the sensor is not PID 1 (trace_spec.c): the signal
 * goes to every traced process but the caller's, the sensor is spared. */
static void emulate_kill_all(struct tracer *tr, const struct thread *t, pid_t tid,
			     const struct sys_event *ev)
{
	pid_t caller = t ? t->tgid : tid;
	pid_t *targets = calloc(tr->pt.n_procs + 1, sizeof *targets);
	size_t n = 0;
	int err;

	if (!targets) {
		regs_skip_syscall(tid, ENOMEM);
		return;
	}
	for (size_t i = 0; i < tr->pt.cap_procs; i++)
		for (struct proc *p = tr->pt.procs[i]; p; p = p->next)
			if (p->tgid != caller && p->tgid > 1 && n < tr->pt.n_procs)
				targets[n++] = p->tgid;
	err = kill_all(tid, (int)(uint32_t)ev->args[1], targets, n);
	free(targets);
	if (regs_skip_syscall(tid, err) < 0 && errno != ESRCH)
		fc_log(FC_TRACE_ERR, "cannot answer kill(-1) of pid %d: %s", (int)tid,
		       strerror(errno));
	fc_log(FC_TRACE_INFO, "kill(-1, %d) of pid %d sent to %zu traced processes, not "
	       "to the sensor", (int)(uint32_t)ev->args[1], (int)caller, n);
}

/* A Detection Finding for each rule the verdict names. */
static void report_matches(struct tracer *tr, const struct verdict *v, const struct activity *a)
{
	const struct tracer_cfg *cfg = tr->cfg;

	for (size_t i = 0; i < v->n_match; i++) {
		const struct rule *r = &cfg->ruleset->rules[v->match[i]];
		size_t len;
		char *line = ocsf_finding(cfg->ocsf, r, a, verdict_applies(r, cfg->mode), &len);

		emit(tr, line, len);
		status_finding(r->id);
		fc_log(FC_TRACE_INFO, "rule %s: %s (pid %d)", r->id, r->title, (int)a->pid);
	}
}

/* An exec of the sensor's own executable, unchanged since start (ECS
 * Exec running `falcon-sensor status` from the volume under /tmp): no
 * rule applies. It runs nothing the sensor does not already trace. */
static int is_own_program(const struct tracer_cfg *cfg, const struct activity *a,
			  const struct stat *file)
{
	return a->event == ACT_EXEC && cfg->self_ino && file->st_ino == cfg->self_ino &&
	       file->st_dev == cfg->self_dev && !a->written_since_start;
}

/* The rules on what the syscall is about to do: the activity's event and
 * the Findings go out before the verdict is applied, so that they come
 * before the Terminate of a process the verdict kills. */
static struct verdict judge(struct tracer *tr, const struct thread *t, pid_t tid,
			    const struct sys_event *ev)
{
	const struct tracer_cfg *cfg = tr->cfg;
	struct observe_proc who = who_is(tr, t, tid);
	struct observation *o = &tr->obs;
	struct verdict v;
	size_t len;
	char *line;

	if (observe(ev, &who, tr->cfg->id, o) < 0)
		return (struct verdict){ .kind = VERDICT_ALLOW };
	/* Files aimed at the sensor: a policy, in both modes, before the
	 * rules (whose Findings a refusal would only repeat). */
	v = protect_file_check(&o->a, cfg->ctx, tid);
	if (v.kind == VERDICT_ALLOW && !is_own_program(cfg, &o->a, &o->st))
		v = verdict_for(cfg->ruleset, cfg->mode, &o->a);
	if (ocsf_activity_wanted(&o->a, o->a.event == ACT_OPEN && !o->a.is_write &&
				 ruleset_is_sensitive(cfg->ruleset, o->a.file_path),
				 o->old_mode)) {
		line = ocsf_activity(cfg->ocsf, &o->a, v.kind != VERDICT_ALLOW, &len);
		emit(tr, line, len);
	}
	if (v.policy) {
		o->a.syscall = ev->spec->syscall;
		o->a.reason = v.why;
		report_policy(tr, v.policy, &o->a);
		observation_done(o);
		return v;
	}
	report_matches(tr, &v, &o->a);
	observation_done(o);
	return v;
}

/* Reads a stopped syscall's arguments out of the tracee (ev->spec says
 * how). */
static void decode(struct tracer *tr, struct sys_event *ev)
{
	if (decode_is_file(ev->spec->decoder))
		ev->u.file = &tr->file;
	tmem_init(&tr->mem, (struct tmem_src){ tmem_read_process, &ev->tid });
	syscall_decode(&tr->mem, ev);
}

/* Decodes a stopped syscall and decides: the policies on what aims at
 * the sensor, then the rules. */
static struct verdict decide(struct tracer *tr, const struct thread *t,
			     struct sys_event *ev)
{
	const struct spec_row *spec = ev->spec;
	struct verdict v;

	decode(tr, ev);
	v = protect_check(ev, tr->cfg->ctx);
	if (v.policy) {
		struct activity a;
		struct observe_proc who = who_is(tr, t, ev->tid);

		policy_activity(&a, &who, ev->tid, spec->syscall, v.why,
				spec->decoder == DEC_PIDFD_SEND_SIGNAL ? ev->u.pidfd.target :
				(int)(uint32_t)ev->args[1]);
		report_policy(tr, v.policy, &a);
		return v;
	}
	return judge(tr, t, ev->tid, ev);
}

/* A traced syscall at entry: decode, decide, apply. */
static void on_entry(struct tracer *tr, struct thread *t, pid_t tid, size_t row,
		     uint32_t arch, uint64_t nr, const uint64_t *args)
{
	const struct spec_row *spec = &tr->cfg->rules->spec->rows[row];
	struct sys_event ev = { .tid = tid, .row = row, .spec = spec, .arch = arch,
				.nr = nr };
	struct verdict v;

	memcpy(ev.args, args, sizeof ev.args);
	if (spec->policy) {
		apply(t, tid, &ev, policy_row(tr, t, tid, &ev));
		return;
	}
	if (spec->decoder == DEC_KILL_ALL) {
		emulate_kill_all(tr, t, tid, &ev);
		return;
	}
	if (spec->action == SPEC_DENY) {
		/* Only --seccomp=off gets here: the filter refuses these
		 * in the kernel. */
		apply(t, tid, &ev, (struct verdict){ .kind = VERDICT_DENY, .err = spec->err,
						       .why = spec->why });
		return;
	}
	v = decide(tr, t, &ev);
	apply(t, tid, &ev, v);
	if (spec->decoder == DEC_EXECVE || spec->decoder == DEC_EXECVEAT) {
		if (v.kind == VERDICT_ALLOW && ev.u.exec) {
			/* The file judge() walked to: the Launch's program,
			 * unless the kernel runs an interpreter for it. */
			ev.u.exec->file_dev = tr->obs.st.st_dev;
			ev.u.exec->file_ino = tr->obs.st.st_ino;
			keep_pending(tr, t, ev.u.exec);
		}
		else
			exec_info_free(ev.u.exec);
	}
	if (t && v.kind == VERDICT_ALLOW && (spec->flags & SPEC_EXIT_STOP)) {
		t->flags |= THR_WANT_EXIT;
		t->exit_row = row;
	}
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
	 * takes the policies first (spec_rules.h): a syscall of ours is
	 * judged whatever the data says, and one no row of ours matches
	 * (stopped for the application's filter alone) runs on. */
	row = spec_rules_match(tr->cfg->rules, info.arch, info.seccomp.nr,
			       info.seccomp.args);
	if (row < 0)
		return;
	if ((uint64_t)row != info.seccomp.ret_data)
		fc_log(FC_TRACE_DEBUG, "pid %d: seccomp data %u, judged as spec row %ld",
		       (int)tid, (unsigned)info.seccomp.ret_data, row);
	on_entry(tr, t, tid, (size_t)row, info.arch, info.seccomp.nr, info.seccomp.args);
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
	row = spec_rules_match(tr->cfg->rules, ev.arch, ev.nr, ev.args);
	if (row < 0 && (ev.nr == SYS_open || ev.nr == SYS_openat)) {
		ev.spec = ev.nr == SYS_open ? &ro_open : &ro_openat;
		tr->obs.ino = 0;
		v = decide(tr, t, &ev);
		apply(t, tid, &ev, v);
	} else if (row >= 0 && decode_is_file(tr->cfg->rules->spec->rows[row].decoder)) {
		struct observe_proc who = who_is(tr, t, tid);

		ev.row = (size_t)row;
		ev.spec = &tr->cfg->rules->spec->rows[row];
		decode(tr, &ev);
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
 * a thread without the filter, and the exits that rows asked for.
 * Returns 1 when the caller is to resume the thread. */
static int on_syscall_stop(struct tracer *tr, struct thread *t, pid_t tid)
{
	struct __ptrace_syscall_info info;
	long row;

	/* NOLINTNEXTLINE(performance-no-int-to-ptr): the size is the addr */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) <= 0)
		return 1;
	if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (t && (t->flags & THR_WANT_EXIT)) {
			t->flags &= ~THR_WANT_EXIT;
			verdict_at_exit(tid, t->exit_row, info.exit.rval);
		}
		return 1;
	}
	if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
		return 1;
	if (t && (t->flags & THR_UNFILTERED)) {
		int next = take_filter(tr, t, tid);

		if (next != 1)
			return next == 2;
	} else if (tr->cfg->seccomp) {
		return 1;
	}
	row = spec_rules_match(tr->cfg->rules, info.arch, info.entry.nr,
			       info.entry.args);
	if (row >= 0)
		on_entry(tr, t, tid, (size_t)row, info.arch, info.entry.nr,
			 info.entry.args);
	return 1;
}

static char *capped_cmdline(const struct tstrv *argv)
{
	char *s = ocsf_join_argv(argv);

	if (s && strlen(s) > IMAGE_CMDLINE_MAX)
		s[IMAGE_CMDLINE_MAX] = '\0';
	return s;
}

/* The name a program was run as: execve's path, not the file it leads
 * to, so that busybox's sh is "sh" (the rules name programs so); for a
 * script, its interpreter's, so that ./entrypoint.sh is a shell. buf has
 * NAME_MAX + 1 bytes. When the executable (exe_st) is the very file the
 * path named at entry, the kernel ran no interpreter for it: no script,
 * and no need to open it and read its first line. */
static const char *run_as(pid_t pid, const struct exec_info *x, const char *exe,
			  const struct stat *exe_st, char *buf)
{
	int ran_itself = x && x->file_ino != 0 && x->file_ino == exe_st->st_ino &&
			 x->file_dev == exe_st->st_dev;

	if (x && x->path_len && (!x->at || x->path[0] == '/') && !ran_itself &&
	    procfs_shebang(pid, x->path, buf, NAME_MAX + 1) == 0)
		return buf;
	return path_base_name(x && x->path_len ? x->path : exe);
}

/* The executable's inode, through /proc/PID/exe (one stat per exec);
 * st_ino 0 when it cannot be read. */
static void stat_exe(pid_t tid, struct stat *st)
{
	char link[64];

	snprintf(link, sizeof link, "/proc/%d/exe", (int)tid);
	if (stat(link, st) < 0)
		memset(st, 0, sizeof *st);
}

/* The names of a new image (identity.h) and its actor, from its
 * executable's inode (exe_st). ld.so run as a
 * program is named as the program it loads; a trampoline (env, nohup...)
 * takes over the actor of the image that ran it, and stays the
 * container's command if that one was. */
static void name_image(struct tracer *tr, pid_t tid, struct image *img,
		       struct image *old, int was_entry, const struct tstrv *argv,
		       const struct stat *exe_st)
{
	const char *names[IMAGE_NAMES_MAX + 3], *applet = NULL, *file, *as, *pre, *aud;
	const char *argv0 = argv && argv->n > 0 ? argv->buf + argv->off[0] : NULL;
	const char *argv1 = argv && argv->n > 1 ? argv->buf + argv->off[1] : NULL;
	char prog[PATH_RESOLVE_MAX];
	struct stat st = *exe_st;
	size_t n = 0, i;
	int multicall, tramp;

	names[n++] = img->name;
	file = path_base_name(img->exe);
	if (identity_is_loader(file) && argv &&
	    (i = identity_loader_program(argv, &as, &pre, &aud)) > 0 &&
	    path_resolve_st(tid, AT_FDCWD, argv->buf + argv->off[i], 1, prog, &st) == 1) {
		names[0] = path_base_name(argv->buf + argv->off[i]);
		file = path_base_name(prog);
		argv0 = as ? as : names[0];
		argv1 = i + 1 < argv->n ? argv->buf + argv->off[i + 1] : NULL;
	}
	names[n++] = file;
	multicall = identity_is_multicall(tr->cfg->id, file, &st);
	if (multicall && (applet = identity_applet(argv0, argv1)) != NULL)
		names[n++] = applet;
	n += identity_program_names(tr->cfg->id, &st, names[0], file, names + n,
				    sizeof names / sizeof *names - n);
	image_set_names(img, names, n);
	tramp = identity_is_trampoline(tr->cfg->id, &st, multicall, applet);
	if (tramp && old)
		img->actor = image_ref(image_actor(old));
	/* Only along the exec chain: a trampoline that the sensor's copy
	 * or another such trampoline executed (nohup as the command, env
	 * nohup...), not one a shell of the entrypoint forked. */
	img->entry = tramp && (was_entry || (old && old->entry));
}

/* PTRACE_EVENT_EXEC: the new image is in place and has not run yet. */
static struct thread *on_exec(struct tracer *tr, struct thread *t, pid_t tid)
{
	unsigned long former = (unsigned long)tid;
	struct exec_info *x = NULL;
	struct ocsf_launch l = { 0 };
	struct proc_status st = { 0 };
	struct tstrv from_proc; /* not cleared: 144 KiB (tstrv_init) */
	struct stat exe_st;
	char exe[PATH_MAX], cwd[PATH_MAX], interp[NAME_MAX + 1], *cmd, *line;
	struct image *img, *old;
	struct proc *p, *parent;
	size_t len;

	tstrv_init(&from_proc);
	/* The kernel gives the former id in the namespace of the task's
	 * parent: for an entrant whose parent is outside (nsenter's child),
	 * a number that means nothing here. */
	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former) < 0 ||
	    ((pid_t)former != tid && !pt_thread(&tr->pt, (pid_t)former)))
		former = (unsigned long)tid;
	if ((pid_t)former != tid) {
		/* A non-leader thread executed: it is now tid, and its old
		 * id will not be reported again. */
		struct thread *ft = pt_thread(&tr->pt, (pid_t)former);

		if (ft) {
			/* The task that goes on is the one that executed,
			 * with its own filter or none. */
			if (t)
				t->flags = (t->flags & ~THR_UNFILTERED) |
					   (ft->flags & THR_UNFILTERED);
			x = ft->pending;
			if (x)
				tr->pending_bytes -= exec_info_size(x);
			ft->pending = NULL;
			pt_thread_del(&tr->pt, (pid_t)former);
		}
	} else if (t) {
		x = t->pending;
		if (x)
			tr->pending_bytes -= exec_info_size(x);
		t->pending = NULL;
	}
	if (!t)
		t = adopt(tr, tid);
	if (t) {
		drop_pending(tr, t);
		t->flags &= ~THR_WANT_EXIT;
	}

	if (procfs_status(tid, &st) < 0) {
		st.ppid = 0;
		st.uid = st.euid = -1;
	}
	p = add_proc(tr, tid, st.ppid, NULL);
	old = p ? p->img : NULL;
	parent = pt_proc(&tr->pt, st.ppid);

	l.time_ms = ocsf_now_ms();
	l.pid = tid;
	l.tid = (pid_t)former;
	l.ppid = st.ppid;
	l.exe = procfs_link(tid, "exe", exe, sizeof exe) >= 0 ? exe : NULL;
	l.cwd = procfs_link(tid, "cwd", cwd, sizeof cwd) >= 0 ? cwd : NULL;
	l.uid = st.uid;
	l.euid = st.euid;
	l.entered_ms = p ? p->entered_ms : 0;
	if (p && p->entered_ms && is_ecs_exec_agent(l.exe))
		p->flags |= PROC_ECS_EXEC;
	l.ecs_exec = p && (p->flags & PROC_ECS_EXEC);
	if (x) {
		l.argv = &x->argv;
		l.exec_path = x->path;
		l.exec_path_len = x->path_len;
		l.exec_path_flags = x->path_flags;
	} else if (procfs_cmdline(tid, &from_proc) == 0) {
		l.argv = &from_proc;
		l.argv_from_proc = 1;
	}
	l.actor = (struct ocsf_proc){ .pid = tid, .exe = old ? old->exe : NULL,
				      .cmd_line = old ? old->cmd_line : NULL };
	l.parent = (struct ocsf_proc){
		.pid = st.ppid,
		.exe = parent && parent->img ? parent->img->exe : NULL,
		.cmd_line = parent && parent->img ? parent->img->cmd_line : NULL };
	line = ocsf_launch(tr->cfg->ocsf, &l, &len);
	emit(tr, line, len);

	cmd = l.argv ? capped_cmdline(l.argv) : NULL;
	stat_exe(tid, &exe_st);
	img = image_new(l.exe, run_as(tid, x, l.exe, &exe_st, interp), cmd);
	free(cmd);
	if (img)
		name_image(tr, tid, img, old, p && (p->flags & PROC_SENSOR_COPY), l.argv,
			   &exe_st);
	if (p) {
		image_unref(p->img);
		p->img = img;
		p->ppid = st.ppid;
		p->flags = (p->flags & ~PROC_SENSOR_COPY) | PROC_LAUNCHED;
	} else {
		image_unref(img);
	}
	exec_info_free(x);
	tstrv_free(&from_proc);
	tr->res->processes++;
	status_launched();
	if (tid == tr->cfg->app)
		tr->res->launched = 1;
	return t;
}

/* A task died. Returns 1 when it was the application's process. */
static int on_death(struct tracer *tr, pid_t tid, int status)
{
	struct thread *t = pt_thread(&tr->pt, tid);
	pid_t tgid = t ? t->tgid : tid;
	struct proc *p;

	if (t) {
		drop_pending(tr, t);
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

			emit(tr, line, len);
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
		t = adopt(tr, tid);
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
		t = on_exec(tr, t, tid);
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

static int is_known(pid_t pid, void *arg)
{
	const struct tracer *tr = arg;

	for (size_t i = 0; i < tr->cfg->n_ancestors; i++)
		if (tr->cfg->ancestors[i] == pid)
			return 1;
	return pt_proc(&tr->pt, pid) != NULL;
}

/* Seizes every thread of pid, listing them again until no new one shows:
 * a thread that a seized one makes is attached by the kernel, but one
 * that a thread not yet seized makes shows only in a new listing. Each
 * is interrupted, to be resumed stepping (THR_UNFILTERED). Returns how
 * many it seized; *err is the first error but ESRCH. */
static size_t seize_threads(struct tracer *tr, pid_t pid, int *err)
{
	char dir[64];
	size_t total = 0, added;

	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	do {
		DIR *d = opendir(dir);
		struct dirent *de;

		added = 0;
		if (!d)
			break;
		while ((de = readdir(d)) != NULL) {
			char *end;
			long v = strtol(de->d_name, &end, 10);
			pid_t tid = end != de->d_name && !*end && v > 0 && v <= INT_MAX ?
				    (pid_t)v : 0;
			struct thread *t;

			if (tid <= 0 || pt_thread(&tr->pt, tid))
				continue;
			/* NOLINTNEXTLINE(performance-no-int-to-ptr): options are data */
			if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)tr->cfg->ptrace_options) < 0) {
				if (errno != ESRCH && !*err)
					*err = errno;
				continue;
			}
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			t = add_thread(tr, tid, pid);
			if (t)
				t->flags |= THR_UNFILTERED;
			added++;
		}
		closedir(d);
		total += added;
	} while (added);
	return total;
}

/* The exec rules on an entrant found running, as if it had executed its
 * program now. Its actor is its parent's image when the parent is an
 * entrant traced already (a child the session made before it was
 * seized: a shell's fork is run by a shell), else none: what ran it is
 * outside the container. A rule that would have refused that exec ends
 * it in prevent mode: it runs what the sensor would not have let start. */
static void judge_entrant(struct tracer *tr, const struct proc *p, struct image *by,
			  const struct tstrv *argv, long uid, int tty, const struct stat *exe)
{
	const struct image *img = p->img, *actor = image_actor(by);
	struct activity a = {
		.event = ACT_EXEC, .pid = p->tgid, .tid = p->tgid, .uid = uid, .tty = tty,
		.entered_ms = p->entered_ms, .ecs_exec = (p->flags & PROC_ECS_EXEC) != 0,
		.path = img->exe, .name = img->name,
		.cmd_line = img->cmd_line, .names = img->names, .n_names = img->n_names,
		.argv = argv, .file_path = img->exe,
		.actor_path = by ? by->exe : NULL, .actor_name = by ? by->name : NULL,
		.actor_cmd_line = by ? by->cmd_line : NULL,
		.actor_names = actor ? actor->names : NULL,
		.n_actor_names = actor ? actor->n_names : 0,
	};
	struct verdict v = { .kind = VERDICT_ALLOW };

	a.written_since_start = exe->st_ino && identity_written_since_start(tr->cfg->id, exe);
	if (is_own_program(tr->cfg, &a, exe))
		return;
	v = verdict_for(tr->cfg->ruleset, tr->cfg->mode, &a);
	report_matches(tr, &v, &a);
	if (v.kind != VERDICT_ALLOW) {
		kill(p->tgid, SIGKILL);
		fc_log(FC_TRACE_INFO, "killed pid %d, which entered the container running "
		       "what a rule refuses", (int)p->tgid);
	}
}

/* An entrant's Launch, from /proc: found running ("attached"), not seen
 * executing; then the exec rules on it. */
static void launch_entrant(struct tracer *tr, struct proc *p, const struct proc_status *st,
			   int tty)
{
	const struct proc *parent = pt_proc(&tr->pt, st->ppid);
	struct ocsf_launch l = { 0 };
	struct tstrv argv;
	struct stat exe_st;
	char exe[PATH_MAX], cwd[PATH_MAX], *cmd, *line;
	const char *argv0 = NULL;
	struct image *img;
	size_t len;

	tstrv_init(&argv);
	l.time_ms = ocsf_now_ms();
	l.pid = l.tid = p->tgid;
	l.ppid = st->ppid;
	l.exe = procfs_link(p->tgid, "exe", exe, sizeof exe) >= 0 ? exe : NULL;
	l.cwd = procfs_link(p->tgid, "cwd", cwd, sizeof cwd) >= 0 ? cwd : NULL;
	l.uid = st->uid;
	l.euid = st->euid;
	if (procfs_cmdline(p->tgid, &argv) == 0 && argv.n > 0) {
		l.argv = &argv;
		l.argv_from_proc = 1;
		argv0 = argv.buf + argv.off[0];
		if (argv0[0] == '-')
			argv0++; /* a login shell: -bash */
	}
	l.parent = (struct ocsf_proc){
		.pid = st->ppid,
		.exe = parent && parent->img ? parent->img->exe : NULL,
		.cmd_line = parent && parent->img ? parent->img->cmd_line : NULL };
	l.entered_ms = p->entered_ms;
	if (is_ecs_exec_agent(l.exe))
		p->flags |= PROC_ECS_EXEC;
	l.ecs_exec = (p->flags & PROC_ECS_EXEC) != 0;
	l.attached = 1;
	line = ocsf_launch(tr->cfg->ocsf, &l, &len);
	emit(tr, line, len);

	cmd = l.argv ? capped_cmdline(l.argv) : NULL;
	stat_exe(p->tgid, &exe_st);
	img = image_new(l.exe, path_base_name(argv0 && *argv0 ? argv0 : l.exe), cmd);
	free(cmd);
	if (img) {
		name_image(tr, p->tgid, img, NULL, 0, l.argv, &exe_st);
		image_unref(p->img);
		p->img = img;
		p->flags |= PROC_LAUNCHED;
		judge_entrant(tr, p, parent ? parent->img : NULL, l.argv, st->uid, tty, &exe_st);
	}
	tr->res->entrants++;
	status_entrant();
	tstrv_free(&argv);
}

static void on_entrant(pid_t pid, const struct proc_status *st, void *arg)
{
	struct tracer *tr = arg;
	struct proc_stat ps;
	const struct proc *parent = pt_proc(&tr->pt, st->ppid);
	struct proc *p;
	size_t n;
	int err = 0;

	if (procfs_stat(pid, &ps) < 0 || !(p = add_proc(tr, pid, st->ppid, NULL)))
		return;
	p->flags |= PROC_ENTRANT_STEP | (parent ? parent->flags & PROC_ECS_EXEC : 0);
	/* A child an entrant made before it was seized belongs to its
	 * session. */
	p->entered_ms = parent && parent->entered_ms ? parent->entered_ms :
			procfs_start_ms(ps.start_ticks);
	if (!p->entered_ms)
		p->entered_ms = ocsf_now_ms();
	n = seize_threads(tr, pid, &err);
	if (n == 0) {
		pt_proc_del(&tr->pt, pid);
		entrants_ignore(pid);
		if (err)
			fc_log(FC_TRACE_WARN, "cannot trace pid %d, which entered the "
			       "container from outside: %s", (int)pid, strerror(err));
		return;
	}
	fc_log(FC_TRACE_INFO, "pid %d entered the container from outside: tracing its "
	       "%zu thread(s)", (int)pid, n);
	launch_entrant(tr, p, st, ps.tty_nr != 0);
}

/* The watch's wake-up (entrants.h). */
static void take_entrants(struct tracer *tr)
{
	while (entrants_foreign())
		sigforward_pass(ENTRANT_SIGNAL);
	/* Twice: a child an entrant made between the listing and its seize
	 * is untraced still, and shows only in a new listing. */
	if (entrants_list(getpid(), is_known, on_entrant, tr))
		entrants_list(getpid(), is_known, on_entrant, tr);
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
	p = add_proc(tr, cfg->app, getpid(), img);
	image_unref(img);
	if (p)
		p->flags |= PROC_SENSOR_COPY;
	add_thread(tr, cfg->app, cfg->app);
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
			take_entrants(tr);
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
