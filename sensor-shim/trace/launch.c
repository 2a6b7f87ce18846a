/* launch.c: an exec seen (PTRACE_EVENT_EXEC), reported as a Process
 * Activity Launch, and the process's new image and names. */
#include "tracer_parts.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "path_resolve.h"
#include "procfs.h"
#include "status.h"

/* ECS Exec's agent, which Fargate runs in the container from
 * /managed-agents/execute-command/: it starts each session's worker,
 * which starts the shell. A session it starts is marked so. */
int launch_is_ecs_exec_agent(const char *exe)
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

char *launch_cmdline(const struct tstrv *argv)
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
void launch_stat_exe(pid_t tid, struct stat *st)
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
void launch_name_image(struct tracer *tr, pid_t tid, struct image *img,
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
struct thread *launch_on_exec(struct tracer *tr, struct thread *t, pid_t tid)
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
		t = tr_adopt(tr, tid);
	if (t)
		tr_drop_pending(tr, t);

	if (procfs_status(tid, &st) < 0) {
		st.ppid = 0;
		st.uid = st.euid = -1;
	}
	p = tr_add_proc(tr, tid, st.ppid, NULL);
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
	if (p && p->entered_ms && launch_is_ecs_exec_agent(l.exe))
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
	tr_emit(tr, line, len);

	cmd = l.argv ? launch_cmdline(l.argv) : NULL;
	launch_stat_exe(tid, &exe_st);
	img = image_new(l.exe, run_as(tid, x, l.exe, &exe_st, interp), cmd);
	free(cmd);
	if (img)
		launch_name_image(tr, tid, img, old, p && (p->flags & PROC_SENSOR_COPY), l.argv,
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
