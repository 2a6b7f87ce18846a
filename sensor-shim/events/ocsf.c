/* ocsf.c: building the sensor's OCSF event lines. */
#include "ocsf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "json_out.h"
#include "ocsf_build.h"
#include "path_resolve.h"
#include "signals.h"
#include "task_meta.h"


#define PRODUCT_NAME "Falcon Container Sensor"
#define VENDOR_NAME "falcon-container (open implementation)"

uint64_t ocsf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

static const struct klass process_activity = { 1, "System Activity", 1007,
					       "Process Activity" };
static const struct klass app_lifecycle = { 6, "Application Activity", 6002,
					    "Application Lifecycle" };
static const struct klass app_error = { 6, "Application Activity", 6008,
					"Application Error" };

/* The ECS task: OCSF's cloud object here; the task's own names, which OCSF
 * has no place for, go in unmapped.ecs (ocsf_unmapped_begin). */
static void task_members(struct jout *j, const struct task_meta *m)
{
	jout_kobj(j, "cloud");
	jout_kstr(j, "provider", "AWS");
	if (m->region)
		jout_kstr(j, "region", m->region);
	if (m->availability_zone)
		jout_kstr(j, "zone", m->availability_zone);
	if (m->account) {
		jout_kobj(j, "account");
		jout_kstr(j, "uid", m->account);
		jout_kint(j, "type_id", 10);
		jout_kstr(j, "type", "AWS Account");
		jout_obj_end(j);
	}
	jout_obj_end(j);
}

/* "a: b" into out (cap bytes), cut as snprintf would cut it: without
 * printf's machinery, which is slow for a string built per event. */
static void join_name(char *out, size_t cap, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = 0;

	for (size_t i = 0; i < na && n + 1 < cap; i++)
		out[n++] = a[i];
	for (size_t i = 0; i < 2 && n + 1 < cap; i++)
		out[n++] = ": "[i];
	for (size_t i = 0; i < nb && n + 1 < cap; i++)
		out[n++] = b[i];
	out[n] = '\0';
}

/* Opens the event object and writes what every event has. */
void ocsf_header(struct jout *j, const struct ocsf_ctx *c, uint64_t time_ms,
		   const struct klass *k, int activity_id, const char *activity_name,
		   int severity_id, const char *severity)
{
	char type_name[96];
	const struct task_meta *m;
	const char *name;

	jout_obj_begin(j);
	jout_kint(j, "time", (long long)time_ms);
	jout_kint(j, "category_uid", k->category_uid);
	jout_kstr(j, "category_name", k->category_name);
	jout_kint(j, "class_uid", k->class_uid);
	jout_kstr(j, "class_name", k->class_name);
	jout_kint(j, "activity_id", activity_id);
	jout_kstr(j, "activity_name", activity_name);
	jout_kint(j, "type_uid", (long long)k->class_uid * 100 + activity_id);
	join_name(type_name, sizeof type_name, k->class_name, activity_name);
	jout_kstr(j, "type_name", type_name);
	jout_kint(j, "severity_id", severity_id);
	jout_kstr(j, "severity", severity);

	jout_kobj(j, "metadata");
	jout_kstr(j, "version", OCSF_VERSION);
	jout_kobj(j, "product");
	jout_kstr(j, "name", PRODUCT_NAME);
	jout_kstr(j, "vendor_name", VENDOR_NAME);
	jout_kstr(j, "version", c->version);
	jout_obj_end(j);
	jout_kstr(j, "tenant_uid", c->cid);
	if (c->n_tags > 0) {
		jout_karr(j, "labels");
		for (size_t i = 0; i < c->n_tags; i++)
			jout_str(j, c->tags[i]);
		jout_arr_end(j);
	}
	/* The sink numbers the lines in the order it writes them (sink.c). */
	jout_kint(j, "sequence", 0);
	jout_obj_end(j);

	/* Fargate tasks run in a microVM. The container is the device's
	 * (OCSF's container profile applies to endpoints and processes). */
	jout_kobj(j, "device");
	jout_kint(j, "type_id", 6);
	jout_kstr(j, "type", "Virtual");
	if (c->hostname)
		jout_kstr(j, "hostname", c->hostname);
	m = c->meta;
	name = c->container ? c->container : m ? m->container_name : NULL;
	if (name || (m && m->container_id)) {
		jout_kobj(j, "container");
		if (name)
			jout_kstr(j, "name", name);
		if (m && m->container_id)
			jout_kstr(j, "uid", m->container_id);
		/* OCSF's image needs its uid: the ImageID digest. */
		if (m && m->image_id) {
			jout_kobj(j, "image");
			jout_kstr(j, "uid", m->image_id);
			if (m->image)
				jout_kstr(j, "name", m->image);
			jout_obj_end(j);
		}
		if (m)
			jout_kstr(j, "orchestrator", "Amazon ECS");
		jout_obj_end(j);
	}
	jout_obj_end(j);
	if (c->meta)
		task_members(j, c->meta);
}

/* "file": the executable, when known. */
void ocsf_file_obj(struct jout *j, const char *path)
{
	jout_kobj(j, "file");
	jout_kstr(j, "path", path);
	jout_kstr(j, "name", path_base_name(path));
	jout_kint(j, "type_id", 1);
	jout_kstr(j, "type", "Regular File");
	jout_obj_end(j);
}

/* The members of a process object that struct ocsf_proc knows. */
void ocsf_proc_members(struct jout *j, const struct ocsf_proc *p)
{
	jout_kint(j, "pid", p->pid);
	if (p->name || p->exe)
		jout_kstr(j, "name", p->name ? p->name : path_base_name(p->exe));
	if (p->exe)
		ocsf_file_obj(j, p->exe);
	if (p->cmd_line)
		ocsf_kcmd_line(j, "cmd_line", p->cmd_line);
}

void ocsf_entered(struct jout *j, unsigned long long entered_ms, int ecs_exec)
{
	if (!entered_ms)
		return;
	jout_kbool(j, "entered_from_outside", 1);
	jout_kint(j, "entered_at", (long long)entered_ms);
	if (ecs_exec)
		jout_kstr(j, "entered_via", "ecs-exec");
}

void ocsf_unmapped_begin(struct jout *j, const struct ocsf_ctx *c)
{
	const struct task_meta *m = c->meta;

	jout_kobj(j, "unmapped");
	if (!m || !(m->task_arn || m->cluster || m->family))
		return;
	jout_kobj(j, "ecs");
	if (m->task_arn)
		jout_kstr(j, "task_arn", m->task_arn);
	if (m->cluster)
		jout_kstr(j, "cluster", m->cluster);
	if (m->family)
		jout_kstr(j, "family", m->family);
	if (m->revision)
		jout_kstr(j, "revision", m->revision);
	if (m->launch_type)
		jout_kstr(j, "launch_type", m->launch_type);
	jout_obj_end(j);
}

char *ocsf_finish(struct jout *j, size_t *len)
{
	jout_obj_end(j);
	return jout_take_line(j, len);
}

char *ocsf_join_argv(const struct tstrv *v)
{
	size_t total = 1;
	char *s, *p;

	for (size_t i = 0; i < v->n; i++)
		total += v->len[i] + 1;
	s = malloc(total);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0)
			*p++ = ' ';
		memcpy(p, v->buf + v->off[i], v->len[i]);
		p += v->len[i];
	}
	*p = '\0';
	return s;
}

int ocsf_argv_array(struct jout *j, const struct tstrv *v)
{
	size_t room = OCSF_ARGV_EMIT;
	int cut = 0;

	jout_karr(j, "argv");
	for (size_t i = 0; i < v->n; i++) {
		size_t n = v->len[i];

		if (room == 0) {
			cut = 1;
			break;
		}
		if (n > room) {
			n = room;
			cut = 1;
		}
		jout_bytes(j, v->buf + v->off[i], n);
		room -= n;
	}
	jout_arr_end(j);
	return cut;
}

void ocsf_kcmd_line(struct jout *j, const char *key, const char *s)
{
	jout_key(j, key);
	jout_bytes(j, s, strnlen(s, OCSF_ARGV_EMIT));
}

static void argv_members(struct jout *j, const struct tstrv *v, int from_proc)
{
	int cut = ocsf_argv_array(j, v);

	jout_kint(j, "argc", (long long)v->count);
	if (cut || (v->flags & (TSTRV_ENTRIES_CUT | TSTRV_BYTES_CUT | TSTRV_COUNT_CUT)))
		jout_kbool(j, "argv_truncated", 1);
	if (v->flags & (TSTRV_FAULT | TSTRV_BAD_ENTRY))
		jout_kbool(j, "argv_unreadable", 1);
	if (v->flags & TSTRV_NULL)
		jout_kbool(j, "argv_null", 1);
	if (from_proc)
		jout_kstr(j, "argv_source", "/proc/PID/cmdline");
}

char *ocsf_launch(const struct ocsf_ctx *c, const struct ocsf_launch *l,
		  size_t *len)
{
	struct jout j;
	char *cmd_line = l->argv ? ocsf_join_argv(l->argv) : NULL;
	char *line;

	jout_init(&j, OCSF_LINE_MAX);
	ocsf_header(&j, c, l->time_ms, &process_activity, 1, "Launch", 1, "Informational");
	jout_kint(&j, "status_id", 1);
	jout_kstr(&j, "status", "Success");
	jout_kint(&j, "launch_type_id", 3);
	jout_kstr(&j, "launch_type", "Exec");

	jout_kobj(&j, "actor");
	jout_kobj(&j, "process");
	ocsf_proc_members(&j, &l->actor);
	jout_obj_end(&j);
	jout_obj_end(&j);

	jout_kobj(&j, "process");
	jout_kint(&j, "pid", l->pid);
	if (l->tid != l->pid)
		jout_kint(&j, "tid", l->tid);
	if (l->exe) {
		jout_kstr(&j, "name", path_base_name(l->exe));
		ocsf_file_obj(&j, l->exe);
	}
	if (cmd_line)
		ocsf_kcmd_line(&j, "cmd_line", cmd_line);
	if (l->cwd)
		jout_kstr(&j, "working_directory", l->cwd);
	if (l->uid >= 0) {
		char uid[24];

		snprintf(uid, sizeof uid, "%ld", l->uid);
		jout_kobj(&j, "user");
		jout_kstr(&j, "uid", uid);
		jout_obj_end(&j);
	}
	jout_kobj(&j, "parent_process");
	ocsf_proc_members(&j, &l->parent);
	jout_obj_end(&j);
	jout_obj_end(&j);

	ocsf_unmapped_begin(&j, c);
	if (l->argv)
		argv_members(&j, l->argv, l->argv_from_proc);
	if (l->exec_path) {
		jout_key(&j, "exec_path");
		jout_bytes(&j, l->exec_path, l->exec_path_len);
		if (l->exec_path_flags & (TSTR_FAULT | TSTR_NULL))
			jout_kbool(&j, "exec_path_unreadable", 1);
		if (l->exec_path_flags & TSTR_TRUNC)
			jout_kbool(&j, "exec_path_truncated", 1);
	}
	if (l->euid >= 0 && l->euid != l->uid)
		jout_kint(&j, "euid", l->euid);
	ocsf_entered(&j, l->entered_ms, l->ecs_exec);
	if (l->attached)
		jout_kbool(&j, "attached", 1);
	jout_obj_end(&j);
	line = ocsf_finish(&j, len);
	free(cmd_line);
	return line;
}

char *ocsf_terminate(const struct ocsf_ctx *c, const struct ocsf_terminate *t,
		     size_t *len)
{
	struct ocsf_proc self = { .pid = t->pid, .exe = t->exe, .cmd_line = t->cmd_line };
	struct jout j;

	jout_init(&j, OCSF_LINE_MAX);
	ocsf_header(&j, c, t->time_ms, &process_activity, 2, "Terminate", 1,
	       "Informational");
	jout_kint(&j, "status_id", 1);
	jout_kstr(&j, "status", "Success");
	jout_kobj(&j, "actor");
	jout_kobj(&j, "process");
	ocsf_proc_members(&j, &self);
	jout_obj_end(&j);
	jout_obj_end(&j);
	jout_kobj(&j, "process");
	ocsf_proc_members(&j, &self);
	if (t->ppid > 0) {
		jout_kobj(&j, "parent_process");
		jout_kint(&j, "pid", t->ppid);
		jout_obj_end(&j);
	}
	jout_obj_end(&j);
	if (WIFEXITED(t->wait_status))
		jout_kint(&j, "exit_code", WEXITSTATUS(t->wait_status));
	ocsf_unmapped_begin(&j, c);
	if (WIFSIGNALED(t->wait_status)) {
		char name[32];
		int sig = WTERMSIG(t->wait_status);

		jout_kint(&j, "signal", sig);
		jout_kstr(&j, "signal_name", signals_name(sig, name, sizeof name));
		jout_kbool(&j, "core_dumped", WCOREDUMP(t->wait_status));
	}
	ocsf_entered(&j, t->entered_ms, t->ecs_exec);
	jout_obj_end(&j);
	return ocsf_finish(&j, len);
}

static void counters(struct jout *j, const struct ocsf_ctx *c,
		     const struct ocsf_counters *k)
{
	ocsf_unmapped_begin(j, c);
	jout_kint(j, "events", (long long)k->events);
	jout_kint(j, "dropped", (long long)k->dropped);
	jout_kint(j, "dropped_findings", (long long)k->dropped_findings);
	jout_kint(j, "write_errors", (long long)k->write_errors);
	if (k->peak_rss_kib > 0)
		jout_kint(j, "sensor_peak_rss_kib", k->peak_rss_kib);
	if (k->has_left) {
		jout_kint(j, "left_processes", (long long)k->left_processes);
		jout_kint(j, "left_threads", (long long)k->left_threads);
		jout_kint(j, "left_exec_bytes", (long long)k->left_exec_bytes);
	}
	jout_obj_end(j);
}

char *ocsf_lifecycle(const struct ocsf_ctx *c, uint64_t time_ms, int activity,
		     const char *detail, const struct ocsf_counters *k, size_t *len)
{
	struct jout j;

	jout_init(&j, OCSF_LINE_MAX);
	ocsf_header(&j, c, time_ms, &app_lifecycle, activity,
	       activity == 3 ? "Start" : "Stop", 1, "Informational");
	jout_kobj(&j, "app");
	jout_kstr(&j, "name", "falcon-sensor");
	jout_kstr(&j, "vendor_name", VENDOR_NAME);
	jout_kstr(&j, "version", c->version);
	jout_obj_end(&j);
	jout_kstr(&j, "message", detail);
	counters(&j, c, k);
	return ocsf_finish(&j, len);
}

char *ocsf_drops(const struct ocsf_ctx *c, uint64_t time_ms, uint64_t dropped_new,
		 const struct ocsf_counters *k, size_t *len)
{
	char msg[200];
	struct jout j;

	snprintf(msg, sizeof msg, "%llu events dropped (%llu Detection Findings in "
		 "all so far): the event sink did not keep up (the application was "
		 "not slowed down)", (unsigned long long)dropped_new,
		 (unsigned long long)k->dropped_findings);
	jout_init(&j, OCSF_LINE_MAX);
	ocsf_header(&j, c, time_ms, &app_error, 1, "General Error", 3, "Medium");
	jout_kstr(&j, "message", msg);
	counters(&j, c, k);
	return ocsf_finish(&j, len);
}
