/* ocsf_activity.c: File System Activity (1001) and Network Activity (4001)
 * events, and the activity objects a Finding's evidence shares with them.
 * Events describe the attempt, seen at the syscall's entry: the sensor
 * takes no exit stop for them, so "status" is only set when the sensor
 * itself refused the call. */
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "activity.h"
#include "ocsf_build.h"

static const struct klass file_activity = { 1, "System Activity", 1001,
					    "File System Activity" };
static const struct klass network_activity = { 4, "Network Activity", 4001,
					       "Network Activity" };

#define EXEC_BITS (S_IXUSR | S_IXGRP | S_IXOTH)

int ocsf_activity_wanted(const struct activity *a, int sensitive, unsigned old_mode)
{
	switch (a->event) {
	case ACT_OPEN:
		/* Devices (/dev/null, /dev/tty: every shell redirection) are
		 * not files anyone asks about; /dev/shm is a file system. */
		if (a->file_path && strncmp(a->file_path, "/dev/", 5) == 0 &&
		    strncmp(a->file_path, "/dev/shm/", 9) != 0)
			return sensitive;
		return a->is_write || sensitive;
	case ACT_UNLINK:
	case ACT_RENAME:
		return 1;
	case ACT_CHMOD:
		/* One that adds an exec bit, or sets setuid or setgid. */
		return (a->mode & EXEC_BITS & ~(a->existed ? old_mode : 0)) != 0 ||
		       (a->mode & (S_ISUID | S_ISGID)) != 0;
	case ACT_CONNECT:
	case ACT_BIND:
	case ACT_LISTEN:
		return a->family == AF_INET || a->family == AF_INET6 ||
		       a->family == AF_UNIX;
	default:
		return 0;
	}
}

/* A process object, named as it was run ("nc" for a symlink to busybox:
 * the name the rules matched), with its resolved program as its file. */
static void proc_obj(struct jout *j, const char *key, pid_t pid, const char *name,
		     const char *exe, const char *cmd_line)
{
	jout_kobj(j, key);
	ocsf_proc_members(j, &(struct ocsf_proc){ .pid = pid, .exe = exe,
						  .cmd_line = cmd_line, .name = name });
	jout_obj_end(j);
}

static void endpoint(struct jout *j, const char *key, const struct activity *a)
{
	jout_kobj(j, key);
	if (a->family == AF_UNIX)
		jout_kstr(j, "name", a->unix_path);
	else if (a->has_addr) {
		jout_kstr(j, "ip", a->ip);
		jout_kint(j, "port", a->port);
	}
	jout_obj_end(j);
}

void ocsf_activity_objects(struct jout *j, const struct activity *a, int evidence)
{
	jout_kobj(j, "actor");
	proc_obj(j, "process", a->pid, a->actor_name, a->actor_path, a->actor_cmd_line);
	jout_obj_end(j);
	/* File and Network Activity name the process as the actor only;
	 * a Finding's evidence has the process too (for an exec, the
	 * program about to run). */
	if (evidence)
		proc_obj(j, "process", a->pid, a->name, a->path, a->cmd_line);
	if (a->file_path)
		ocsf_file_obj(j, a->file_path);
	if (act_is_net(a->event)) {
		if (a->has_addr)
			endpoint(j, a->event == ACT_CONNECT ? "dst_endpoint" : "src_endpoint", a);
		if (a->family == AF_INET || a->family == AF_INET6) {
			jout_kobj(j, "connection_info");
			jout_kint(j, "protocol_ver_id", a->family == AF_INET ? 4 : 6);
			jout_kint(j, "direction_id", a->event == ACT_CONNECT ? 2 : 1);
			jout_kstr(j, "direction", a->event == ACT_CONNECT ? "Outbound" :
				  "Inbound");
			jout_obj_end(j);
		}
	}
}

void ocsf_activity_unmapped(struct jout *j, const struct activity *a)
{
	jout_kstr(j, "event", act_event_names[a->event]);
	ocsf_entered(j, a->entered_ms, a->ecs_exec);
	if (a->old_path)
		jout_kstr(j, "old_path", a->old_path);
	if (a->has_mode)
		jout_kint(j, "file_mode", a->mode);
	if (a->event == ACT_OPEN) {
		jout_kbool(j, "write", a->is_write);
		if (a->is_trunc)
			jout_kbool(j, "truncate", 1);
	}
	if (a->family == AF_UNIX && a->has_addr)
		jout_kstr(j, "unix_path", a->unix_path);
	if (act_is_net(a->event))
		jout_kstr(j, "family", act_family_name(a->family));
	if (a->ptrace_request)
		jout_kstr(j, "ptrace_request", a->ptrace_request);
	if (a->event == ACT_PTRACE || a->event == ACT_SETNS ||
	    (a->event == ACT_SYSCALL && a->target_pid))
		jout_kint(j, "target_pid", a->target_pid);
	/* A policy's refusal names the syscall and why (policy.h). */
	if (a->syscall)
		jout_kstr(j, "syscall", a->syscall);
	if (a->reason)
		jout_kstr(j, "reason", a->reason);
	if (a->event == ACT_UNSHARE || a->event == ACT_SETNS)
		jout_kint(j, "ns_flags", (long long)a->ns_flags);
	if (a->event == ACT_DUP) {
		jout_kint(j, "fd_new", a->fd_new);
		jout_kstr(j, "fd_type", a->fd_type);
	}
	if (a->opened_as)
		jout_kstr(j, "opened_as", a->opened_as);
	if (a->event == ACT_EXEC) {
		if (a->written_since_start)
			jout_kbool(j, "written_since_start", 1);
		if (a->loader)
			jout_kstr(j, "loader", a->loader);
		if (a->n_files) {
			jout_karr(j, "files");
			for (size_t i = 0; i < a->n_files; i++)
				jout_str(j, a->files[i]);
			jout_arr_end(j);
		}
		if (a->n_names) {
			jout_karr(j, "names");
			for (size_t i = 0; i < a->n_names; i++)
				jout_str(j, a->names[i]);
			jout_arr_end(j);
		}
		if (a->n_actor_names) {
			jout_karr(j, "actor_names");
			for (size_t i = 0; i < a->n_actor_names; i++)
				jout_str(j, a->actor_names[i]);
			jout_arr_end(j);
		}
		if (a->argv && ocsf_argv_array(j, a->argv))
			jout_kbool(j, "argv_truncated", 1);
	}
}

/* activity_id and name of a file or network event. */
static int activity_of(const struct activity *a, const char **name)
{
	switch (a->event) {
	case ACT_OPEN:
		if (a->is_create)
			return *name = "Create", 1;
		return a->is_write ? (*name = "Update", 3) : (*name = "Read", 2);
	case ACT_UNLINK: return *name = "Delete", 4;
	case ACT_RENAME: return *name = "Rename", 5;
	case ACT_CHMOD: return *name = "Set Attributes", 6;
	case ACT_CONNECT: return *name = "Open", 1;
	case ACT_LISTEN: return *name = "Listen", 7;
	default: return *name = "Other", 99; /* bind: OCSF has no activity */
	}
}

char *ocsf_activity(const struct ocsf_ctx *c, const struct activity *a, int denied,
		    size_t *len)
{
	int net = act_is_net(a->event);
	const char *name;
	int id = activity_of(a, &name);
	struct jout j;

	jout_init(&j, OCSF_LINE_MAX);
	ocsf_header(&j, c, ocsf_now_ms(), net ? &network_activity : &file_activity, id,
		    name, 1, "Informational");
	if (denied) {
		jout_kint(&j, "status_id", 2);
		jout_kstr(&j, "status", "Failure");
		jout_kstr(&j, "status_detail", "refused by the Falcon sensor (EPERM)");
	}
	ocsf_activity_objects(&j, a, 0);
	ocsf_unmapped_begin(&j, c);
	ocsf_activity_unmapped(&j, a);
	jout_obj_end(&j);
	return ocsf_finish(&j, len);
}
