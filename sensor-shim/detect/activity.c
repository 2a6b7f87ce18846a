/* activity.c: the rule language's events and fields (RULES.md), and
 * reading a field out of an activity. */
#include "activity.h"

#include <string.h>
#include <sys/socket.h>

#include "procfs.h"

const char *const act_event_names[ACT_N_EVENTS] = {
	[ACT_EXEC] = "exec", [ACT_OPEN] = "open", [ACT_UNLINK] = "unlink",
	[ACT_RENAME] = "rename", [ACT_CHMOD] = "chmod", [ACT_CONNECT] = "connect",
	[ACT_BIND] = "bind", [ACT_LISTEN] = "listen", [ACT_PTRACE] = "ptrace",
	[ACT_UNSHARE] = "unshare", [ACT_SETNS] = "setns", [ACT_DUP] = "dup",
	[ACT_SYSCALL] = "syscall",
};

#define EV(x) (1U << (x))
#define ALL ((1U << ACT_N_EVENTS) - 1U)
#define FILES (EV(ACT_OPEN) | EV(ACT_UNLINK) | EV(ACT_RENAME) | EV(ACT_CHMOD))
#define NET (EV(ACT_CONNECT) | EV(ACT_BIND) | EV(ACT_LISTEN))

const struct act_field_info act_fields[F_N_FIELDS] = {
	[F_PROCESS_NAME] = { "process.name", AT_STRING, ALL },
	[F_PROCESS_PATH] = { "process.path", AT_STRING, ALL },
	[F_PROCESS_CMD_LINE] = { "process.cmd_line", AT_STRING, ALL },
	[F_PROCESS_ARGS] = { "process.args", AT_STRINGS, EV(ACT_EXEC) },
	[F_PROCESS_PID] = { "process.pid", AT_NUMBER, ALL },
	[F_PROCESS_UID] = { "process.uid", AT_NUMBER, ALL },
	[F_PROCESS_IS_MAIN] = { "process.is_main", AT_BOOL, ALL },
	[F_PROCESS_IS_ENTRYPOINT] = { "process.is_entrypoint", AT_BOOL, EV(ACT_EXEC) },
	[F_PROCESS_ENTERED] = { "process.entered", AT_BOOL, ALL },
	[F_PROCESS_TTY] = { "process.tty", AT_BOOL, ALL },
	[F_ACTOR_NAME] = { "actor.name", AT_STRING, ALL },
	[F_ACTOR_PATH] = { "actor.path", AT_STRING, ALL },
	/* ptrace: process_vm_writev names /proc/PID/mem, the file an open
	 * would write for the same effect (RULES.md). */
	[F_FILE_PATH] = { "file.path", AT_STRING, FILES | EV(ACT_EXEC) | EV(ACT_PTRACE) },
	[F_FILE_OLD_PATH] = { "file.old_path", AT_STRING, EV(ACT_RENAME) },
	[F_FILE_IS_WRITE] = { "file.is_write", AT_BOOL, FILES },
	[F_FILE_IS_TRUNC] = { "file.is_trunc", AT_BOOL, EV(ACT_OPEN) },
	[F_FILE_MODE] = { "file.mode", AT_NUMBER, EV(ACT_OPEN) | EV(ACT_CHMOD) },
	[F_FILE_WRITTEN_SINCE_START] = { "file.written_since_start", AT_BOOL,
					 EV(ACT_EXEC) },
	[F_NET_FAMILY] = { "net.family", AT_STRING, NET },
	[F_DST_IP] = { "dst.ip", AT_STRING, EV(ACT_CONNECT) },
	[F_DST_PORT] = { "dst.port", AT_NUMBER, EV(ACT_CONNECT) },
	[F_SRC_IP] = { "src.ip", AT_STRING, EV(ACT_BIND) | EV(ACT_LISTEN) },
	[F_SRC_PORT] = { "src.port", AT_NUMBER, EV(ACT_BIND) | EV(ACT_LISTEN) },
	[F_UNIX_PATH] = { "unix.path", AT_STRING, NET },
	[F_PTRACE_REQUEST] = { "ptrace.request", AT_STRING, EV(ACT_PTRACE) },
	[F_TARGET_PID] = { "target.pid", AT_NUMBER, EV(ACT_PTRACE) | EV(ACT_SETNS) },
	[F_NS_FLAGS] = { "ns.flags", AT_NUMBER, EV(ACT_UNSHARE) | EV(ACT_SETNS) },
	[F_FD_NEW] = { "fd.new", AT_NUMBER, EV(ACT_DUP) },
	[F_FD_TYPE] = { "fd.type", AT_STRING, EV(ACT_DUP) },
	[F_ARGS_UNREADABLE] = { "args.unreadable", AT_BOOL, ALL },
};

int act_field_lookup(const char *name)
{
	for (int i = 0; i < F_N_FIELDS; i++)
		if (strcmp(act_fields[i].name, name) == 0)
			return i;
	return -1;
}

const char *act_family_name(int family)
{
	switch (family) {
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_UNIX: return "unix";
	default: return "other";
	}
}

static struct act_value str(const char *s)
{
	return (struct act_value){ .has = s != NULL, .type = AT_STRING, .s = s };
}

static struct act_value strs(const char *s, const char *const *alt, size_t n)
{
	return (struct act_value){ .has = s != NULL, .type = AT_STRING, .s = s,
				   .alt = alt, .n_alt = n };
}

static struct act_value num(int has, long long n)
{
	return (struct act_value){ .has = has, .type = AT_NUMBER, .n = n };
}

static struct act_value boolean(int b)
{
	return (struct act_value){ .has = 1, .type = AT_BOOL, .n = b != 0 };
}

int act_is_net(enum act_event e)
{
	return e == ACT_CONNECT || e == ACT_BIND || e == ACT_LISTEN;
}

struct act_value act_get(struct activity *a, enum act_field f)
{
	if (!(act_fields[f].events & EV(a->event)))
		return (struct act_value){ 0 };
	switch (f) {
	case F_PROCESS_NAME: return strs(a->name, a->names, a->n_names);
	case F_PROCESS_PATH: return str(a->path);
	case F_PROCESS_CMD_LINE: return str(a->cmd_line);
	case F_PROCESS_ARGS:
		return (struct act_value){ .has = a->argv != NULL, .type = AT_STRINGS,
					   .v = a->argv };
	case F_PROCESS_PID: return num(1, a->pid);
	case F_PROCESS_UID:
		if (a->uid < 0) {
			struct proc_status st;

			/* -2: tried, unknown; not tried twice. */
			a->uid = procfs_status(a->tid, &st) == 0 && st.uid >= 0 ? st.uid : -2;
		}
		return num(a->uid >= 0, a->uid);
	case F_PROCESS_IS_MAIN: return boolean(a->is_main);
	case F_PROCESS_IS_ENTRYPOINT: return boolean(a->is_entrypoint);
	case F_PROCESS_ENTERED: return boolean(a->entered_ms != 0);
	case F_PROCESS_TTY:
		if (a->tty < 0) {
			struct proc_stat ps;

			a->tty = procfs_stat(a->tid, &ps) == 0 && ps.tty_nr != 0;
		}
		return boolean(a->tty);
	case F_ACTOR_NAME:
		/* Through trampolines: the actor of python -> env -> sh is
		 * python, and only python's names count. */
		if (a->n_actor_names)
			return strs(a->actor_names[0], a->actor_names + 1, a->n_actor_names - 1);
		return str(a->actor_name);
	case F_ACTOR_PATH: return str(a->actor_path);
	case F_FILE_PATH: return strs(a->file_path, a->files, a->n_files);
	case F_FILE_OLD_PATH: return str(a->old_path);
	case F_FILE_IS_WRITE: return boolean(a->is_write);
	case F_FILE_IS_TRUNC: return boolean(a->is_trunc);
	case F_FILE_MODE: return num(a->has_mode, a->mode);
	case F_FILE_WRITTEN_SINCE_START: return boolean(a->written_since_start);
	case F_NET_FAMILY: return str(act_family_name(a->family));
	case F_DST_IP:
	case F_SRC_IP:
		return str(a->has_addr && a->ip[0] ? a->ip : NULL);
	case F_DST_PORT:
	case F_SRC_PORT:
		return num(a->has_addr && (a->family == AF_INET || a->family == AF_INET6),
			   a->port);
	case F_UNIX_PATH: return str(a->family == AF_UNIX && a->has_addr ?
				     a->unix_path : NULL);
	case F_PTRACE_REQUEST: return str(a->ptrace_request);
	case F_TARGET_PID: return num(1, a->target_pid);
	case F_NS_FLAGS: return num(1, (long long)a->ns_flags);
	case F_FD_NEW: return num(1, a->fd_new);
	case F_FD_TYPE: return str(a->fd_type);
	case F_ARGS_UNREADABLE: return boolean(a->args_unreadable);
	case F_N_FIELDS: break;
	}
	return (struct act_value){ 0 };
}
