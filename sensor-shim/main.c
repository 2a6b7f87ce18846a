/* main.c: falcon-sensor: the container's PID 1 (or a child subreaper under
 * ECS's init) that runs the application traced (ptrace + seccomp), writes
 * OCSF events for what it does, forwards signals to it, reaps zombies, and
 * exits as the application did. Usage:
 * falcon-sensor [falconctl options] -- PATH ARGV0 [ARG...].
 * Exit codes: common/exit_codes.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "entrants.h"
#include "err.h"
#include "exit_codes.h"
#include "falconctl_opts.h"
#include "guard.h"
#include "identity.h"
#include "layout.h"
#include "log.h"
#include "ocsf.h"
#include "path_resolve.h"
#include "policy.h"
#include "procfs.h"
#include "protect.h"
#include "relay.h"
#include "rules.h"
#include "rules_spec.h"
#include "seccomp_filter.h"
#include "sigforward.h"
#include "signals.h"
#include "sink.h"
#include "spawn.h"
#include "spec_concrete.h"
#include "status.h"
#include "task_meta.h"
#include "trace_spec.h"
#include "tracer.h"

#define USAGE "usage: falcon-sensor [--cid=CID] [--trace=LEVEL] [--fail=open|closed] " \
	"[--tags=T,...] [--sink=stderr|file:PATH] [--seccomp=on|off] "          \
	"[--container-name=NAME] [--mode=detect|prevent] [--rules=PATH] "          \
	"[--file-events=on|off] [--allow=NAME,...] "                              \
	"-- PATH ARGV0 [ARG...]"

/* How long the ECS task metadata may delay the application's start. */
#define TASK_META_TIMEOUT_MS 1000

/* How long the final events may take to reach a slow sink at exit. */
#define SINK_CLOSE_MS 2000

/* How long the application's last output may take to pass the log relay
 * at exit, when a process that outlived it still holds its stdout or
 * stderr (a daemon): it must not keep the container alive. Idle: since
 * the last byte moved; in all: since the application's exit. */
#define RELAY_IDLE_MS 200
#define RELAY_DRAIN_MS 1000

struct sensor {
	struct falconctl_opts fo;
	const char *path;         /* the executable, already resolved */
	char **argv;              /* its argv, argv[0] included */
	struct sig_saved saved;
	int signals_taken;
	char *tag_copy;           /* --tags split in place */
	char *tags[64];
	struct ocsf_ctx ocsf;
	struct task_meta meta;
	struct ruleset rules;
	struct identity id;       /* files and programs by inode (the guard's
				   * thread reads its patterns until exit) */
	char hostname[256];
	char self_exe[PATH_MAX];
	char *sink;               /* --sink's value, copied out of argv */
	pid_t ancestors[16];      /* never taken for entrants */
	size_t n_ancestors;
};

/* The sensor cannot protect the application: run it bare (fail-open, the
 * default) or refuse to (fail-closed). Never returns. */
static void cannot_start(struct sensor *s, const char *why)
{
	int err;

	if (s->fo.fail == FC_FAIL_CLOSED) {
		fc_log_fatal("the sensor cannot start (%s), and --fail=closed is set: "
			     "the application does not run", why);
		exit(FC_EXIT_SENSOR);
	}
	fc_log_fatal("the application runs WITHOUT the Falcon sensor (fail-open): "
		     "%s; add --fail=closed to -falconctl-opts to stop instead", why);
	if (s->signals_taken)
		signals_give_back(&s->saved);
	if (!s->path)
		exit(FC_EXIT_CONFIG); /* not reached: main sets it first */
	execve(s->path, s->argv, environ);
	err = errno;
	fc_log_fatal("cannot execute \"%s\": %s", s->path, strerror(err));
	exit(err == ENOENT ? FC_EXIT_NOTFOUND : FC_EXIT_NOEXEC);
}

/* The wait status as a shell reports it. */
static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return FC_EXIT_SIGNAL_BASE + WTERMSIG(status);
	return FC_EXIT_SYSTEM;
}

static void describe_exit(pid_t pid, int status, char *buf, size_t len)
{
	char name[32];

	if (WIFSIGNALED(status))
		snprintf(buf, len, "application (pid %d) killed by %s%s", (int)pid,
			 signals_name(WTERMSIG(status), name, sizeof name),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else
		snprintf(buf, len, "application (pid %d) exited with status %d",
			 (int)pid, WEXITSTATUS(status));
}

/* Options -> s->fo; words the sensor does not know are warned about. */
static void read_options(struct sensor *s, char **words, size_t n)
{
	struct fc_err e = { 0 };
	const char **known = calloc(n + 1, sizeof *known);
	const char **unknown = calloc(n + 1, sizeof *unknown);
	size_t n_known, n_unknown;

	if (!known || !unknown)
		cannot_start(s, "out of memory");
	if (falconctl_opts_parse(words, n, &s->fo, known, &n_known, unknown,
				 &n_unknown, &e) < 0) {
		fc_log_setup("falcon-sensor", s->fo.trace);
		cannot_start(s, e.msg);
	}
	fc_log_setup("falcon-sensor", s->fo.trace);
	for (size_t i = 0; i < n_unknown; i++)
		fc_log(FC_TRACE_WARN, "ignoring option \"%.*s\": this sensor does "
		       "not implement it", (int)strcspn(unknown[i], "="), unknown[i]);
	free(known);
	free(unknown);
}

/* /proc/PID/cmdline is readable by every process, the non-dumpable
 * sensor's too: the application must not learn the event file's path
 * there. The path's bytes in our argv (which /proc reads) become NULs:
 * the command line then shows "--sink=file:" and empty words. */
static void hide_sink(struct sensor *s, char **words, size_t n)
{
	if (!s->fo.sink)
		return;
	s->sink = strdup(s->fo.sink);
	if (!s->sink)
		cannot_start(s, "out of memory");
	s->fo.sink = s->sink;
	for (size_t i = 0; i < n; i++)
		if (strncmp(words[i], "--sink=file:", 12) == 0)
			memset(words[i] + 12, '\0', strlen(words[i] + 12));
}

/* What every event carries. */
static void event_context(struct sensor *s)
{
	ssize_t n;

	s->ocsf.cid = s->fo.cid;
	s->ocsf.container = s->fo.container;
	s->ocsf.version = FC_VERSION;
	if (gethostname(s->hostname, sizeof s->hostname - 1) == 0)
		s->ocsf.hostname = s->hostname;
	if (s->fo.tags) {
		char *save = NULL;

		s->tag_copy = strdup(s->fo.tags);
		if (!s->tag_copy)
			cannot_start(s, "out of memory");
		for (char *t = strtok_r(s->tag_copy, ",", &save);
		     t && s->ocsf.n_tags < sizeof s->tags / sizeof *s->tags;
		     t = strtok_r(NULL, ",", &save))
			s->tags[s->ocsf.n_tags++] = t;
		s->ocsf.tags = s->tags;
	}
	n = readlink("/proc/self/exe", s->self_exe, sizeof s->self_exe - 1);
	s->self_exe[n > 0 ? n : 0] = '\0';
	s->ocsf.mode = s->fo.mode == FC_MODE_PREVENT ? "prevent" : "detect";
}

/* The ECS task, once: every event names it. Not on ECS, or an endpoint
 * that does not answer in time, is a warning: the events lose the task's
 * names, the application loses nothing. */
static void task_context(struct sensor *s)
{
	const char *uri = getenv("ECS_CONTAINER_METADATA_URI_V4");
	struct fc_err e = { 0 };

	if (!uri || !*uri)
		return;
	if (task_meta_fetch(uri, TASK_META_TIMEOUT_MS, &s->meta, &e) < 0)
		fc_log(FC_TRACE_WARN, "events will not name the ECS task: %s", e.msg);
	if (s->meta.task_arn || s->meta.container_name)
		s->ocsf.meta = &s->meta;
}

/* --allow: each name reopens a blind spot, which the log says once. */
static void lifted_policies(const struct sensor *s, struct spec_ctx *ctx)
{
	ctx->lifted = policy_lifted(s->fo.allow);
	for (size_t i = 0; falconctl_allow_names[i]; i++)
		if (s->fo.allow & (1U << i))
			fc_log(FC_TRACE_WARN, "--allow=%s: the sensor does not refuse or "
			       "drop what it names; that way around the sensor is open",
			       falconctl_allow_names[i]);
}

/* The event file and the shared log pipe, by identity (from the sink's
 * own descriptor, so no rename between open and stat can fool it): the
 * tracer refuses any file event on the event file, and reading the pipe
 * the application shares with the log driver, whatever name it is reached
 * by (protect.c). */
static void sink_identity(const struct sink *sink, struct spec_ctx *ctx)
{
	ctx->has_sink_file = sink_file_id(sink, &ctx->sink_dev, &ctx->sink_ino);
	ctx->has_sink_pipe = sink_pipe_id(sink, &ctx->pipe_dev, &ctx->pipe_ino);
}

/* Whether every open must stop for the rules to see the reads they
 * judge: only when the guard cannot watch them (guard.h). The guard's
 * thread is a sensor thread like the others. */
static int reads_need_stops(struct sensor *s, const struct sink *sink,
			    struct spec_ctx *ctx)
{
	enum spec_reads reads = s->fo.file_events == FC_FILE_EVENTS_ON ?
		rules_spec_reads(&s->rules) : READS_NONE;
	struct fc_err e = { 0 };
	const char **files;
	size_t n;
	pid_t tid;
	int all;

	if (reads != READS_BY_FILE)
		return reads == READS_ALL;
	files = rules_spec_read_files(&s->rules, &n);
	if (!files)
		cannot_start(s, "out of memory for the guarded files");
	/* Not freed: the guard's thread matches new files against them. */
	all = guard_start(files, n, sink_file_fd(sink), &tid, &e);
	if (all < 0)
		cannot_start(s, e.msg);
	if (tid > 0)
		ctx->tids[ctx->n_tids++] = tid;
	return !all;
}

/* The application's stdout and stderr through the sensor's relay pipes,
 * so that it never holds the container's log descriptors (relay.h).
 * Without them the application runs as it always did, holding the log
 * itself: the warning names that. */
static struct relay *log_relay(void)
{
	struct fc_err e = { 0 };
	struct relay *r = relay_start(&e);

	if (!r)
		fc_log(FC_TRACE_WARN, "running without the log relay (%s): the "
		       "application writes to the container log directly, as without "
		       "the sensor, and could read the sensor's lines out of the log "
		       "pipe", e.msg);
	return r;
}

/* The built-in rules and --rules. A bad rules file is a start failure:
 * running with fewer rules than the user wrote would be a silent hole. */
/* The inits that run a container's command as their child: ECS's
 * initProcessEnabled (docker-init, mounted as /sbin/docker-init or
 * /dev/init), tini, dumb-init, podman's catatonit (/run/podman-init). */
static int is_container_init(pid_t pid)
{
	static const char *const inits[] = { "docker-init", "tini", "dumb-init",
					     "catatonit", "podman-init", "init", NULL };
	char exe[PATH_MAX];
	const char *base;

	if (procfs_link(pid, "exe", exe, sizeof exe) < 0)
		return 0;
	base = path_base_name(exe);
	for (size_t i = 0; inits[i]; i++)
		if (strcmp(base, inits[i]) == 0)
			return 1;
	return 0;
}

/* --entrants=auto: only where the PID namespace is the container's; a
 * sensor run by hand on a host would take every process of the host for
 * an entrant. The sensor's ancestors in the namespace are never
 * entrants. */
static int entrants_wanted(struct sensor *s)
{
	pid_t pid = getppid();

	while (pid > 0 && s->n_ancestors < sizeof s->ancestors / sizeof *s->ancestors) {
		struct proc_status st;

		s->ancestors[s->n_ancestors++] = pid;
		if (procfs_status(pid, &st) < 0)
			break;
		pid = st.ppid;
	}
	switch (s->fo.entrants) {
	case FC_ENTRANTS_ON:
		return 1;
	case FC_ENTRANTS_OFF:
		return 0;
	case FC_ENTRANTS_AUTO:
		break;
	}
	return getpid() == 1 || (getppid() == 1 && is_container_init(1));
}

static void load_rules(struct sensor *s)
{
	struct fc_err e = { 0 };

	if (ruleset_load_builtin(&s->rules, &e) < 0 ||
	    (s->fo.rules && ruleset_add_file(&s->rules, s->fo.rules, &e) < 0))
		cannot_start(s, e.msg);
	if (s->fo.file_events == FC_FILE_EVENTS_OFF) {
		size_t n = ruleset_drop_events(&s->rules, (1U << ACT_OPEN) |
					       (1U << ACT_UNLINK) | (1U << ACT_RENAME) |
					       (1U << ACT_CHMOD));

		fc_log(FC_TRACE_INFO, "--file-events=off: no File System events; %zu "
		       "rules on files are off, and written files are not known "
		       "(dropped-binary-exec cannot fire)", n);
	}
}

/* `falcon-sensor status [--json]`: the running sensor's health (status.h). */
static int status_command(int argc, char **argv)
{
	struct fc_err e = { 0 };
	size_t len = 0;
	char *doc = NULL;
	int json = 0, rc = FC_EXIT_OK;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0) {
			fprintf(stderr, "falcon-sensor status: unknown option \"%s\": use "
				"--json for the JSON document, or nothing\n", argv[i]);
			return FC_EXIT_CONFIG;
		}
		json = 1;
	}
	if (status_query(&doc, &len, &e) < 0) {
		fprintf(stderr, "falcon-sensor status: %s\n", e.msg);
		return e.kind == FC_ERR_LOOKUP ? FC_EXIT_NO_SENSOR : FC_EXIT_SYSTEM;
	}
	if (json ? fwrite(doc, 1, len, stdout) != len : status_print(doc, len, stdout, &e) < 0) {
		fprintf(stderr, "falcon-sensor status: %s\n", json ? strerror(errno) : e.msg);
		rc = FC_EXIT_SYSTEM;
	}
	free(doc);
	if (fflush(stdout) != 0)
		rc = FC_EXIT_SYSTEM;
	return rc;
}

int main(int argc, char **argv)
{
	/* Static: the writer thread reads s.ocsf, and may still be running
	 * (stuck in a write to a stalled log) while main returns. */
	static struct sensor s = { .fo.trace = FC_TRACE_WARN };
	struct fc_err e = { 0 };
	struct spec_ctx ctx = { 0 };
	struct spec_concrete concrete = { 0 };
	struct trace_spec spec = { 0 };
	struct sock_fprog prog = { 0 };
	struct spawned child = { 0 };
	struct tracer_result res;
	struct ocsf_counters left = { 0 };
	struct tracer_cfg tc;
	struct stat self_st;
	struct sink *sink;
	struct relay *relay;
	struct spawn_req req;
	char detail[256], *line;
	pid_t sig_tid, watch_tid = 0, status_tid = 0;
	sigset_t waited;
	size_t len;
	int dd = 1, every_open, entrants;

	fc_log_setup("falcon-sensor", FC_TRACE_WARN);
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return status_command(argc, argv);
	while (dd < argc && strcmp(argv[dd], "--") != 0)
		dd++;
	if (argc - dd < 3) {
		fc_log_fatal("no application to run: %s", USAGE);
		return FC_EXIT_CONFIG;
	}
	s.path = argv[dd + 1];
	s.argv = argv + dd + 2;
	read_options(&s, argv + 1, (size_t)dd - 1);
	fc_log_never_wait();
	hide_sink(&s, argv + 1, (size_t)dd - 1);
	/* The launcher has removed it already; a sensor run by hand must not
	 * hand the application its options (a --sink=file:PATH) either. */
	unsetenv(FC_ENV_OPTS);
	event_context(&s);
	load_rules(&s);
	/* Before the application runs a single instruction of its own: any
	 * file it writes has a later ctime. */
	identity_init(&s.id, &s.rules);
	task_context(&s);

	if (signals_take_over(&s.saved, &waited, &e) < 0)
		cannot_start(&s, e.msg);
	s.signals_taken = 1;
	/* Orphans of the application must come to us, not to an init that
	 * may not reap them, when the sensor is not PID 1. */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fc_log(FC_TRACE_ERR, "cannot become a child subreaper (%s): orphans "
		       "of the application will go to the init", strerror(errno));

	/* Threads first: the filter must know every sensor thread id. */
	sink = sink_open(s.fo.sink ? s.fo.sink : "stderr", &s.ocsf, &e);
	if (sink)
		s.ocsf.finding_max = sink_line_max(sink);
	if (!sink || sink_start(sink, &e) < 0)
		cannot_start(&s, e.msg);
	if (sigforward_start(&sig_tid, &e) < 0)
		cannot_start(&s, e.msg);
	relay = log_relay();
	entrants = entrants_wanted(&s);
	if (entrants && entrants_start(getpid(), &watch_tid, &e) < 0) {
		fc_log(FC_TRACE_ERR, "%s: processes that enter the container from outside "
		       "(ECS Exec) will not be traced", e.msg);
		entrants = 0;
	}
	ctx.pid = getpid();
	ctx.pgid = getpgrp();
	ctx.tids[ctx.n_tids++] = ctx.pid;
	ctx.tids[ctx.n_tids++] = sink_writer_tid(sink);
	ctx.tids[ctx.n_tids++] = sig_tid;
	if (relay_tid(relay))
		ctx.tids[ctx.n_tids++] = relay_tid(relay);
	if (watch_tid)
		ctx.tids[ctx.n_tids++] = watch_tid;
	if (status_start(&(struct status_info){
			.version = FC_VERSION,
			.mode = s.fo.mode == FC_MODE_PREVENT ? "prevent" : "detect",
			.rules = s.rules.n, .entrants = entrants, .sink = sink,
			.sink_kind = s.fo.sink && strncmp(s.fo.sink, "file:", 5) == 0 ?
				     "file" : "stderr" }, &status_tid, &e) < 0)
		/* On a host, sensors run by hand share one PID namespace:
		 * the first answers. */
		fc_log(strstr(e.msg, "another sensor") ? FC_TRACE_INFO : FC_TRACE_ERR,
		       "%s: `falcon-sensor status` will not answer", e.msg);
	else
		ctx.tids[ctx.n_tids++] = status_tid;
	lifted_policies(&s, &ctx);
	sink_identity(sink, &ctx);
	ctx.roots_may_differ = (s.fo.allow & (FC_ALLOW_CHROOT | FC_ALLOW_USER_NAMESPACE)) != 0;
	path_resolve_roots_may_differ(ctx.roots_may_differ);
	every_open = reads_need_stops(&s, sink, &ctx);
	if (rules_spec_build(&s.rules, s.fo.file_events == FC_FILE_EVENTS_ON, every_open,
			     &spec, &e) < 0 ||
	    spec_concrete_build(&spec, &ctx, &concrete, &e) < 0)
		cannot_start(&s, e.msg);
	if (s.fo.seccomp == FC_SECCOMP_ON && seccomp_filter_build(&concrete, &prog, &e) < 0)
		cannot_start(&s, e.msg);

	req = (struct spawn_req){ s.path, s.argv, &s.saved,
				  s.fo.seccomp == FC_SECCOMP_ON ? &prog : NULL,
				  TRACER_PTRACE_OPTIONS |
				  (spec.flags & SPEC_EXIT_EVENTS ?
				   PTRACE_O_TRACEEXIT : 0), s.fo.allow,
				  { relay_app_fd(relay, STDOUT_FILENO),
				    relay_app_fd(relay, STDERR_FILENO) } };
	/* The sensor's copies of the relay's write ends go either way: the
	 * child has its own, or the application will run bare (fail-open)
	 * on the real descriptors. */
	if (spawn_app(&req, &child, &e) < 0) {
		relay_spawned(relay);
		cannot_start(&s, e.msg);
	}
	relay_spawned(relay);
	if (protect_sensor(&e) < 0) {
		kill(child.pid, SIGKILL);
		while (waitpid(child.pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		cannot_start(&s, e.msg);
	}
	sigforward_target(child.pid);
	snprintf(detail, sizeof detail, "tracing %s (pid %d) with %s", s.path,
		 (int)child.pid, s.fo.seccomp == FC_SECCOMP_ON ?
		 "a seccomp filter" : "PTRACE_SYSCALL on every syscall (--seccomp=off)");
	line = ocsf_lifecycle(&s.ocsf, ocsf_now_ms(), 3, detail, &(struct ocsf_counters){ 0 },
			      &len);
	sink_push(sink, line, len);
	fc_log(FC_TRACE_INFO, "supervising %s (pid %d) for customer %s", s.path,
	       (int)child.pid, s.fo.cid);
	spawn_release(&child);

	tc = (struct tracer_cfg){
		.concrete = &concrete, .ctx = &ctx, .seccomp = s.fo.seccomp == FC_SECCOMP_ON,
		.sink = sink, .ocsf = &s.ocsf, .app = child.pid, .sensor_exe = s.self_exe,
		.ruleset = &s.rules, .mode = s.fo.mode, .id = &s.id,
		.filter = s.fo.seccomp == FC_SECCOMP_ON ? &prog : NULL,
		.ptrace_options = req.ptrace_options, .entrants = entrants,
		.ancestors = s.ancestors, .n_ancestors = s.n_ancestors,
	};
	if (stat(s.self_exe, &self_st) == 0) {
		tc.self_dev = self_st.st_dev;
		tc.self_ino = self_st.st_ino;
	}
	if (tracer_run(&tc, &res, &e) < 0) {
		fc_log_fatal("%s; stopping the application", e.msg);
		kill(child.pid, SIGKILL);
		relay_finish(relay, RELAY_IDLE_MS, RELAY_DRAIN_MS);
		return FC_EXIT_SYSTEM;
	}
	/* The application's last lines, then the sensor's Stop: its output
	 * is in the relay pipes before its exit, and the Stop is written only
	 * once they are drained. */
	relay_finish(relay, RELAY_IDLE_MS, RELAY_DRAIN_MS);
	if (!res.launched) {
		char why[512];

		if (spawn_setup_error(&child, why, sizeof why)) {
			sink_close(sink, why, NULL, SINK_CLOSE_MS);
			cannot_start(&s, why);
		}
	}
	describe_exit(child.pid, res.status, detail, sizeof detail);
	fc_log(FC_TRACE_INFO, "%s", detail);
	left.has_left = 1;
	left.left_processes = res.left_processes;
	left.left_threads = res.left_threads;
	left.left_exec_bytes = res.left_exec_bytes;
	sink_close(sink, detail, &left, SINK_CLOSE_MS);
	spec_concrete_free(&concrete);
	rules_spec_free(&spec);
	seccomp_filter_free(&prog);
	free(s.tag_copy);
	free(s.sink);
	return exit_code(res.status);
}
