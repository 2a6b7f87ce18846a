/* observe.c: syscall + process -> activity (see observe.h). */
#include "observe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "ocsf.h"

static void who(struct activity *a, const struct observe_proc *p)
{
	a->pid = p->pid;
	a->is_main = p->is_main;
	a->uid = -1;
	a->path = a->actor_path = p->exe;
	a->name = a->actor_name = p->name ? p->name : path_base_name(p->exe);
	a->cmd_line = a->actor_cmd_line = p->cmd_line;
}

static void observe_exec(const struct sys_event *ev, const struct observe_proc *p,
			 const struct written_set *ws, struct observation *o)
{
	const struct exec_info *x = ev->u.exec;
	struct activity *a = &o->a;

	a->event = ACT_EXEC;
	a->is_entrypoint = p->is_main && p->is_sensor_copy;
	if (!x)
		return;
	if (x->at && (x->at_flags & AT_EMPTY_PATH) && x->path_len == 0) {
		/* fexecve: the program is the descriptor itself. */
		if (path_of_fd(ev->tid, (int)x->dirfd, o->path) < 0)
			snprintf(o->path, sizeof o->path, "/proc/%d/fd/%lld", (int)ev->tid,
				 x->dirfd);
		o->exists = 1;
	} else {
		o->exists = path_resolve(ev->tid, x->at ? x->dirfd : AT_FDCWD, x->path, 1,
					 o->path) == 1;
	}
	a->path = a->file_path = o->path;
	a->name = x->path_len ? path_base_name(x->path) : path_base_name(o->path);
	a->argv = &x->argv;
	o->cmd_line = ocsf_join_argv(&x->argv);
	a->cmd_line = o->cmd_line;
	a->written_since_start = written_set_has(ws, o->path);
}

static void observe_file(const struct sys_event *ev, struct observation *o)
{
	const struct file_args *f = ev->u.file;
	struct activity *a = &o->a;
	int follow = 1;
	struct stat st;

	switch (ev->spec->decoder) {
	case DEC_OPEN: case DEC_OPENAT: case DEC_CREAT: case DEC_OPENAT2:
		a->event = ACT_OPEN;
		follow = !(f->oflags & O_NOFOLLOW);
		a->is_write = (f->oflags & O_ACCMODE) != O_RDONLY ||
			      (f->oflags & (O_CREAT | O_TRUNC)) != 0;
		a->is_trunc = (f->oflags & O_TRUNC) != 0;
		break;
	case DEC_UNLINK: case DEC_UNLINKAT:
		a->event = ACT_UNLINK;
		follow = 0;
		a->is_write = 1;
		break;
	case DEC_RENAME: case DEC_RENAMEAT:
		a->event = ACT_RENAME;
		follow = 0;
		a->is_write = 1;
		break;
	default:
		a->event = ACT_CHMOD;
		follow = !(f->at_flags & AT_SYMLINK_NOFOLLOW);
		a->is_write = 1;
		break;
	}
	if (f->fd >= 0) {
		if (path_of_fd(ev->tid, f->fd, o->path) < 0)
			snprintf(o->path, sizeof o->path, "/proc/%d/fd/%d", (int)ev->tid, f->fd);
		o->exists = 1;
	} else {
		o->exists = path_resolve(ev->tid, f->dirfd, f->path, follow, o->path) == 1;
	}
	if (a->event == ACT_RENAME) {
		/* file.path is the name written: the new one. */
		memcpy(o->path2, o->path, sizeof o->path2);
		path_resolve(ev->tid, f->dirfd2, f->path2, 0, o->path);
		a->old_path = o->path2;
	}
	a->file_path = o->path;
	a->is_create = a->event == ACT_OPEN && (f->oflags & O_CREAT) && !o->exists;
	a->existed = o->exists;
	a->has_mode = f->has_mode;
	a->mode = f->mode;
	if (a->event == ACT_CHMOD && o->exists && stat(o->path, &st) == 0)
		o->old_mode = st.st_mode & 07777U;
}

/* The socket's own address, for listen: through a copy of the tracee's
 * descriptor (pidfd_getfd: the tracer may, as its ptracer). */
static unsigned local_addr(pid_t tid, int fd, unsigned char *addr, unsigned cap)
{
	socklen_t len = cap;
	int pidfd = (int)syscall(SYS_pidfd_open, tid, 0), copy;

	if (pidfd < 0)
		return 0;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (copy < 0)
		return 0;
	if (getsockname(copy, (struct sockaddr *)addr, &len) < 0)
		len = 0;
	close(copy);
	return len > cap ? cap : len;
}

static void observe_net(const struct sys_event *ev, struct observation *o)
{
	struct activity *a = &o->a;
	struct sockaddr_storage ss;
	unsigned len = ev->u.net.addr_len;
	const unsigned char *addr = ev->u.net.addr;
	unsigned char local[sizeof ss];

	a->event = ev->spec->decoder == DEC_CONNECT ? ACT_CONNECT :
		   ev->spec->decoder == DEC_BIND ? ACT_BIND : ACT_LISTEN;
	if (a->event == ACT_LISTEN) {
		len = local_addr(ev->tid, ev->u.net.fd, local, sizeof local);
		addr = local;
	}
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, addr, len < sizeof ss ? len : sizeof ss);
	a->family = len >= sizeof(sa_family_t) ? ss.ss_family : AF_UNSPEC;
	if (a->family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, a->ip, sizeof a->ip);
		a->port = ntohs(in->sin_port);
		a->has_addr = 1;
	} else if (a->family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], a->ip, sizeof a->ip);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, a->ip, sizeof a->ip);
		a->port = ntohs(in6->sin6_port);
		a->has_addr = 1;
	} else if (a->family == AF_UNIX && len > sizeof(sa_family_t)) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
		size_t n = len - sizeof(sa_family_t);

		if (n > sizeof un->sun_path)
			n = sizeof un->sun_path;
		if (un->sun_path[0] == '\0' && n > 1) {
			/* Abstract: no terminator, may hold any byte. */
			a->unix_path[0] = '@';
			memcpy(a->unix_path + 1, un->sun_path + 1, n - 1);
			a->unix_path[n] = '\0';
		} else {
			memcpy(a->unix_path, un->sun_path, n);
			a->unix_path[n] = '\0';
		}
		a->has_addr = 1;
	}
}

static const char *ptrace_request_name(uint64_t r)
{
	switch (r) {
	case PTRACE_ATTACH: return "attach";
	case PTRACE_SEIZE: return "seize";
	case PTRACE_TRACEME: return "traceme";
	default: return "other";
	}
}

int observe(const struct sys_event *ev, const struct observe_proc *p,
	    const struct written_set *ws, struct observation *o)
{
	struct activity *a = &o->a;

	memset(a, 0, sizeof *a);
	o->cmd_line = NULL;
	o->exists = 0;
	o->old_mode = 0;
	o->path[0] = o->path2[0] = '\0';
	a->tid = ev->tid;
	who(a, p);
	switch (ev->spec->decoder) {
	case DEC_EXECVE:
	case DEC_EXECVEAT:
		observe_exec(ev, p, ws, o);
		return 0;
	case DEC_CONNECT:
	case DEC_BIND:
	case DEC_LISTEN:
		observe_net(ev, o);
		return 0;
	case DEC_PTRACE:
		a->event = ACT_PTRACE;
		a->ptrace_request = ptrace_request_name(ev->args[0]);
		/* TRACEME aims at no one; its other arguments are ignored. */
		a->target_pid = ev->args[0] == PTRACE_TRACEME ? 0 : (int)(uint32_t)ev->args[1];
		return 0;
	case DEC_UNSHARE:
		a->event = ACT_UNSHARE;
		a->ns_flags = (uint32_t)ev->args[0];
		return 0;
	case DEC_SETNS:
		a->event = ACT_SETNS;
		a->ns_flags = (uint32_t)ev->args[1];
		a->target_pid = ev->u.pidfd.target;
		return 0;
	case DEC_DUP:
		a->event = ACT_DUP;
		a->fd_new = (int)(uint32_t)ev->args[1];
		a->fd_type = path_of_fd(ev->tid, (int)(uint32_t)ev->args[0], o->path) == 0 ?
			     path_fd_type(o->path) : "other";
		return 0;
	default:
		if (!decode_is_file(ev->spec->decoder))
			return -1;
		observe_file(ev, o);
		return 0;
	}
}

void observe_commit(const struct observation *o, struct written_set *ws)
{
	const struct activity *a = &o->a;

	if ((a->event == ACT_OPEN && a->is_write) || a->event == ACT_RENAME)
		written_set_add(ws, a->file_path);
}

void observation_done(struct observation *o)
{
	free(o->cmd_line);
	o->cmd_line = NULL;
}
