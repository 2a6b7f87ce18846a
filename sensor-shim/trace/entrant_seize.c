/* entrant_seize.c: the processes the entrant watch found (entrants.h)
 * seized, thread by thread, reported as a Launch and judged by the exec
 * rules as if they had just executed. */
#include "tracer_parts.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entrants.h"
#include "identity.h"
#include "log.h"
#include "procfs.h"
#include "sigforward.h"
#include "status.h"

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
			t = tr_add_thread(tr, tid, pid);
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
	if (judge_is_own_program(tr->cfg, &a, exe))
		return;
	v = verdict_for(tr->cfg->ruleset, tr->cfg->mode, &a);
	judge_report_matches(tr, &v, &a);
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
	if (launch_is_ecs_exec_agent(l.exe))
		p->flags |= PROC_ECS_EXEC;
	l.ecs_exec = (p->flags & PROC_ECS_EXEC) != 0;
	l.attached = 1;
	line = ocsf_launch(tr->cfg->ocsf, &l, &len);
	tr_emit(tr, line, len);

	cmd = l.argv ? launch_cmdline(l.argv) : NULL;
	launch_stat_exe(p->tgid, &exe_st);
	img = image_new(l.exe, path_base_name(argv0 && *argv0 ? argv0 : l.exe), cmd);
	free(cmd);
	if (img) {
		launch_name_image(tr, p->tgid, img, NULL, 0, l.argv, &exe_st);
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

	if (procfs_stat(pid, &ps) < 0 || !(p = tr_add_proc(tr, pid, st->ppid, NULL)))
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
void seize_entrants(struct tracer *tr)
{
	while (entrants_foreign())
		sigforward_pass(ENTRANT_SIGNAL);
	/* Twice: a child an entrant made between the listing and its seize
	 * is untraced still, and shows only in a new listing. */
	if (entrants_list(getpid(), is_known, on_entrant, tr))
		entrants_list(getpid(), is_known, on_entrant, tr);
}
