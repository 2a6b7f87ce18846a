/* judge.c: a traced syscall at its entry: decoded, observed, judged by
 * the policies and the rules, its events written, the verdict applied. */
#include "tracer_parts.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kill_all.h"
#include "log.h"
#include "policy.h"
#include "protect.h"
#include "regs_arch.h"
#include "status.h"

void judge_apply(const struct thread *t, pid_t tid, const struct sys_event *ev,
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
struct observe_proc judge_who_is(struct tracer *tr, const struct thread *t, pid_t tid)
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

	tr_emit(tr, line, len);
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
	struct observe_proc who = judge_who_is(tr, t, tid);
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
void judge_report_matches(struct tracer *tr, const struct verdict *v, const struct activity *a)
{
	const struct tracer_cfg *cfg = tr->cfg;

	for (size_t i = 0; i < v->n_match; i++) {
		const struct rule *r = &cfg->ruleset->rules[v->match[i]];
		size_t len;
		char *line = ocsf_finding(cfg->ocsf, r, a, verdict_applies(r, cfg->mode), &len);

		tr_emit(tr, line, len);
		status_finding(r->id);
		fc_log(FC_TRACE_INFO, "rule %s: %s (pid %d)", r->id, r->title, (int)a->pid);
	}
}

/* An exec of the sensor's own executable, unchanged since start (ECS
 * Exec running `falcon-sensor status` from the volume under /tmp): no
 * rule applies. It runs nothing the sensor does not already trace. */
int judge_is_own_program(const struct tracer_cfg *cfg, const struct activity *a,
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
	struct observe_proc who = judge_who_is(tr, t, tid);
	struct observation *o = &tr->obs;
	struct verdict v;
	size_t len;
	char *line;

	if (observe(ev, &who, tr->cfg->id, o) < 0)
		return (struct verdict){ .kind = VERDICT_ALLOW };
	/* Files aimed at the sensor: a policy, in both modes, before the
	 * rules (whose Findings a refusal would only repeat). */
	v = protect_file_check(&o->a, cfg->ctx, tid);
	if (v.kind == VERDICT_ALLOW && !judge_is_own_program(cfg, &o->a, &o->st))
		v = verdict_for(cfg->ruleset, cfg->mode, &o->a);
	if (ocsf_activity_wanted(&o->a, o->a.event == ACT_OPEN && !o->a.is_write &&
				 ruleset_is_sensitive(cfg->ruleset, o->a.file_path),
				 o->old_mode)) {
		line = ocsf_activity(cfg->ocsf, &o->a, v.kind != VERDICT_ALLOW, &len);
		tr_emit(tr, line, len);
	}
	if (v.policy) {
		o->a.syscall = ev->spec->syscall;
		o->a.reason = v.why;
		report_policy(tr, v.policy, &o->a);
		observation_done(o);
		return v;
	}
	judge_report_matches(tr, &v, &o->a);
	observation_done(o);
	return v;
}

/* Reads a stopped syscall's arguments out of the tracee (ev->spec says
 * how). */
void judge_decode(struct tracer *tr, struct sys_event *ev)
{
	if (decode_is_file(ev->spec->decoder))
		ev->u.file = &tr->file;
	tmem_init(&tr->mem, (struct tmem_src){ tmem_read_process, &ev->tid });
	syscall_decode(&tr->mem, ev);
}

/* Decodes a stopped syscall and decides: the policies on what aims at
 * the sensor, then the rules. */
struct verdict judge_decide(struct tracer *tr, const struct thread *t,
			    struct sys_event *ev)
{
	const struct spec_row *spec = ev->spec;
	struct verdict v;

	judge_decode(tr, ev);
	v = protect_check(ev, tr->cfg->ctx);
	if (v.policy) {
		struct activity a;
		struct observe_proc who = judge_who_is(tr, t, ev->tid);

		policy_activity(&a, &who, ev->tid, spec->syscall, v.why,
				spec->decoder == DEC_PIDFD_SEND_SIGNAL ? ev->u.pidfd.target :
				(int)(uint32_t)ev->args[1]);
		report_policy(tr, v.policy, &a);
		return v;
	}
	return judge(tr, t, ev->tid, ev);
}

/* A traced syscall at entry: decode, decide, apply. */
void judge_entry(struct tracer *tr, struct thread *t, pid_t tid, size_t row,
		 uint32_t arch, uint64_t nr, const uint64_t *args)
{
	const struct spec_row *spec = &tr->cfg->concrete->spec->rows[row];
	struct sys_event ev = { .tid = tid, .row = row, .spec = spec, .arch = arch,
				.nr = nr };
	struct verdict v;

	memcpy(ev.args, args, sizeof ev.args);
	if (spec->policy) {
		judge_apply(t, tid, &ev, policy_row(tr, t, tid, &ev));
		return;
	}
	if (spec->decoder == DEC_KILL_ALL) {
		emulate_kill_all(tr, t, tid, &ev);
		return;
	}
	if (spec->action == SPEC_DENY) {
		/* Only --seccomp=off gets here: the filter refuses these
		 * in the kernel. */
		judge_apply(t, tid, &ev, (struct verdict){ .kind = VERDICT_DENY, .err = spec->err,
						       .why = spec->why });
		return;
	}
	v = judge_decide(tr, t, &ev);
	judge_apply(t, tid, &ev, v);
	if (spec->decoder == DEC_EXECVE || spec->decoder == DEC_EXECVEAT) {
		if (v.kind == VERDICT_ALLOW && ev.u.exec) {
			/* The file judge() walked to: the Launch's program,
			 * unless the kernel runs an interpreter for it. */
			ev.u.exec->file_dev = tr->obs.st.st_dev;
			ev.u.exec->file_ino = tr->obs.st.st_ino;
			tr_keep_pending(tr, t, ev.u.exec);
		}
		else
			exec_info_free(ev.u.exec);
	}
}
