/* observe.c: syscall + process -> activity (see observe.h). */
#include "observe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "guard.h"
#include "ocsf.h"

static void who(struct activity *a, const struct observe_proc *p)
{
	a->pid = p->pid;
	a->is_main = p->is_main;
	a->uid = -1;
	a->tty = -1;
	a->entered_ms = p->entered_ms;
	a->ecs_exec = p->ecs_exec;
	a->path = a->actor_path = p->exe;
	a->name = a->actor_name = p->name ? p->name : path_base_name(p->exe);
	a->cmd_line = a->actor_cmd_line = p->cmd_line;
	a->names = p->names;
	a->n_names = p->n_names;
	a->actor_names = p->actor_names;
	a->n_actor_names = p->n_actor_names;
}

/* The names of a program about to run (identity.h) into o->names from
 * *n on: the name it is run as, its file's base name, a multicall's
 * applet (for argv0, argv1), the names rules give its inode. */
static void program_names(const struct identity *id, struct observation *o, size_t *n,
			  const char *run_as, const char *file, const struct stat *st,
			  const char *argv0, const char *argv1)
{
	const char *more[OBS_NAMES];
	size_t k = 0;

	more[k++] = run_as;
	more[k++] = file;
	if (identity_is_multicall(id, file, st))
		more[k++] = identity_applet(argv0, argv1);
	k += identity_program_names(id, st, run_as, file, more + k, OBS_NAMES - k);
	for (size_t i = 0; i < k && *n < OBS_NAMES; i++) {
		size_t j = 0;

		while (j < *n && more[i] && strcmp(o->names[j], more[i]) != 0)
			j++;
		if (more[i] && j == *n)
			o->names[(*n)++] = more[i];
	}
}

/* The libraries a list names (LD_PRELOAD: spaces or colons; LD_AUDIT and
 * ld.so's --preload, --audit: colons), as the new program's loader will
 * open them: relative to its cwd, which is the caller's. Those written
 * since start make the exec so; the first OBS_LIBS are also values of
 * file.path (exec-from-tmp). A bare name is looked up in the library
 * directories, which the rules on binary directories watch: not here. */
static int check_libs(pid_t tid, const struct identity *id, const char *list,
		      struct observation *o, size_t *nf)
{
	char one[PATH_RESOLVE_MAX], scratch[PATH_RESOLVE_MAX];
	int written = 0;

	while (list && *list) {
		size_t len = strcspn(list, ": ");

		if (len && len < sizeof one) {
			memcpy(one, list, len);
			one[len] = '\0';
			if (strchr(one, '/')) {
				char *into = o->n_libs < OBS_LIBS ? o->libs[o->n_libs] : scratch;
				struct stat st;

				path_resolve_st(tid, AT_FDCWD, one, 1, into, &st);
				written |= identity_written_since_start(id, &st);
				if (into != scratch) {
					o->n_libs++;
					o->files[(*nf)++] = into;
				}
			}
		}
		list += len;
		list += strspn(list, ": ");
	}
	return written;
}

static void observe_exec(const struct sys_event *ev, const struct observe_proc *p,
			 const struct identity *id, struct observation *o)
{
	const struct exec_info *x = ev->u.exec;
	struct activity *a = &o->a;
	const char *argv0, *argv1;
	size_t nn = 0, nf = 0;
	struct stat st;
	int written;

	a->event = ACT_EXEC;
	/* The container's command, or what a trampoline it is (nohup,
	 * env) runs in its place. */
	a->is_entrypoint = (p->is_main && p->is_sensor_copy) || p->entry_trampoline;
	if (!x)
		return;
	memset(&st, 0, sizeof st);
	if (x->at && (x->at_flags & AT_EMPTY_PATH) && x->path_len == 0) {
		/* fexecve: the program is the descriptor itself. */
		char link[64];

		snprintf(link, sizeof link, "/proc/%d/fd/%lld", (int)ev->tid, x->dirfd);
		if (path_of_fd(ev->tid, (int)x->dirfd, o->path) < 0)
			snprintf(o->path, sizeof o->path, "%s", link);
		if (stat(link, &st) < 0)
			memset(&st, 0, sizeof st);
		o->exists = 1;
	} else {
		o->exists = path_resolve_st(ev->tid, x->at ? x->dirfd : AT_FDCWD, x->path, 1,
					    o->path, &st) == 1;
	}
	a->path = a->file_path = o->path;
	a->name = x->path_len ? path_base_name(x->path) : path_base_name(o->path);
	a->argv = &x->argv;
	o->cmd_line = ocsf_join_argv(&x->argv);
	a->cmd_line = o->cmd_line;
	written = identity_written_since_start(id, &st);
	argv0 = x->argv.n > 0 ? x->argv.buf + x->argv.off[0] : NULL;
	argv1 = x->argv.n > 1 ? x->argv.buf + x->argv.off[1] : NULL;
	if (identity_is_loader(path_base_name(o->path))) {
		/* ld.so run as a program: the program it loads is what runs. */
		const char *as, *pre, *aud;
		size_t i = identity_loader_program(&x->argv, &as, &pre, &aud);

		if (i) {
			const char *arg = x->argv.buf + x->argv.off[i];
			struct stat pst;

			path_resolve_st(ev->tid, AT_FDCWD, arg, 1, o->prog, &pst);
			a->loader = o->path;
			o->files[nf++] = o->path;
			a->path = a->file_path = o->prog;
			a->name = path_base_name(arg);
			written |= identity_written_since_start(id, &pst);
			program_names(id, o, &nn, a->name, path_base_name(o->prog), &pst,
				      as ? as : arg, i + 1 < x->argv.n ?
				      x->argv.buf + x->argv.off[i + 1] : NULL);
		} else {
			program_names(id, o, &nn, a->name, path_base_name(o->path), &st,
				      argv0, argv1);
		}
		written |= check_libs(ev->tid, id, pre, o, &nf);
		written |= check_libs(ev->tid, id, aud, o, &nf);
	} else {
		program_names(id, o, &nn, a->name, path_base_name(o->path), &st, argv0, argv1);
	}
	written |= check_libs(ev->tid, id, x->preload, o, &nf);
	written |= check_libs(ev->tid, id, x->audit, o, &nf);
	a->names = o->names;
	a->n_names = nn;
	a->files = o->files;
	a->n_files = nf;
	a->written_since_start = written;
	o->st = st;
}

static void observe_file(const struct sys_event *ev, const struct identity *id,
			 struct observation *o)
{
	const struct file_args *f = ev->u.file;
	struct activity *a = &o->a;
	int follow = 1, hint = 0;
	struct stat st;

	switch (ev->spec->decoder) {
	case DEC_OPEN: case DEC_OPENAT: case DEC_CREAT: case DEC_OPENAT2:
		a->event = ACT_OPEN;
		follow = !(f->oflags & O_NOFOLLOW);
		/* Creating a file that must not exist (tar, cp, mktemp). */
		if ((f->oflags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			hint = PATH_RESOLVE_NEW;
		a->is_write = (f->oflags & O_ACCMODE) != O_RDONLY ||
			      (f->oflags & (O_CREAT | O_TRUNC)) != 0;
		a->is_trunc = (f->oflags & O_TRUNC) != 0;
		a->is_read = (f->oflags & O_ACCMODE) != O_WRONLY;
		break;
	case DEC_UNLINK: case DEC_UNLINKAT:
		a->event = ACT_UNLINK;
		follow = 0;
		a->is_write = 1;
		break;
	case DEC_RENAME: case DEC_RENAMEAT: case DEC_RENAMEAT2:
		a->event = ACT_RENAME;
		follow = 0;
		a->is_write = 1;
		a->exchange = (f->at_flags & RENAME_EXCHANGE) != 0;
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
		const char *real;
		int found;

		o->exists = path_resolve_found(ev->tid, f->dirfd, f->path, follow | hint,
					       o->path, &o->st, &found) == 1;
		a->file_st = found ? &o->st : NULL;
		/* A sensitive file by any name (a hard link): the rules see its
		 * own path, the event keeps the name used too. */
		if (o->exists) {
			o->dev = o->st.st_dev;
			o->ino = o->st.st_ino;
		}
		real = NULL;
		if (a->event == ACT_OPEN && o->exists) {
			real = identity_sensitive(id, &o->st);
			if (!real)
				real = guard_name(&o->st); /* appeared after start */
		}
		if (real && strcmp(real, o->path) != 0) {
			memcpy(o->path2, o->path, sizeof o->path2);
			snprintf(o->path, sizeof o->path, "%s", real);
			a->opened_as = o->path2;
			a->file_st = NULL; /* the path is no longer the walk's */
		}
	}
	if (a->event == ACT_RENAME) {
		/* file.path is the name written: the new one. */
		int found;

		memcpy(o->path2, o->path, sizeof o->path2);
		a->old_st = a->file_st;
		path_resolve_found(ev->tid, f->dirfd2, f->path2, 0, o->path, &o->st2, &found);
		a->file_st = found ? &o->st2 : NULL;
		a->old_path = o->path2;
	}
	a->file_path = o->path;
	a->is_create = a->event == ACT_OPEN && (f->oflags & O_CREAT) && !o->exists;
	a->existed = o->exists;
	a->has_mode = f->has_mode;
	a->mode = f->mode;
	/* The mode before: what the walk found, when it followed the name
	 * as stat(2) does. */
	if (a->event == ACT_CHMOD && o->exists && follow && a->file_st)
		o->old_mode = a->file_st->st_mode & 07777U;
	else if (a->event == ACT_CHMOD && o->exists && stat(o->path, &st) == 0)
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

	/* connect, and sendto/sendmsg/sendmmsg with MSG_FASTOPEN */
	a->event = ev->spec->decoder == DEC_BIND ? ACT_BIND :
		   ev->spec->decoder == DEC_LISTEN ? ACT_LISTEN : ACT_CONNECT;
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
	} else if (a->family == AF_INET6 &&
		   len >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
		/* The kernel takes 24 bytes (SIN6_LEN_RFC2133, no scope id)
		 * for IPv6: the rest of ss is zero. */
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

/* A symlink's target as written (the kernel refuses one of PATH_MAX
 * bytes or more, so the cut never loses a byte it would use). */
static void copy_target(char *out, size_t cap, const char *target)
{
	size_t n = strnlen(target, cap - 1);

	memcpy(out, target, n);
	out[n] = '\0';
}

/* The other ways to create names and change files (rules_spec.c): each is
 * the open that would do the same, on the name it writes: a link,
 * symlink or node is an open that creates its new name (the link's
 * target is old_path: resolved for a hard link, as written for a
 * symlink); truncate and ftruncate are an open with O_TRUNC. */
static void observe_create(const struct sys_event *ev, struct observation *o)
{
	const struct file_args *f = ev->u.file;
	struct activity *a = &o->a;
	enum spec_decoder d = ev->spec->decoder;

	a->event = ACT_OPEN;
	a->is_write = 1;
	switch (d) {
	case DEC_FTRUNCATE:
		a->is_trunc = 1;
		if (path_of_fd(ev->tid, f->fd, o->path) < 0)
			snprintf(o->path, sizeof o->path, "/proc/%d/fd/%d", (int)ev->tid, f->fd);
		o->exists = 1;
		break;
	case DEC_TRUNCATE:
		a->is_trunc = 1;
		o->exists = path_resolve(ev->tid, f->dirfd, f->path, 1, o->path) == 1;
		break;
	case DEC_MKNOD:
	case DEC_MKNODAT:
		o->exists = path_resolve(ev->tid, f->dirfd, f->path, 0, o->path) == 1;
		a->has_mode = 1;
		a->mode = f->mode;
		break;
	default:
		o->exists = path_resolve(ev->tid, f->dirfd2, f->path2, 0, o->path) == 1;
		if (d == DEC_LINK || d == DEC_LINKAT)
			path_resolve(ev->tid, f->dirfd, f->path,
				     (f->at_flags & AT_SYMLINK_FOLLOW) != 0, o->path2);
		else
			copy_target(o->path2, sizeof o->path2, f->path);
		a->old_path = o->path2;
		break;
	}
	a->file_path = o->path;
	a->is_create = !o->exists && d != DEC_FTRUNCATE && d != DEC_TRUNCATE;
	a->existed = o->exists;
}

/* The other syscall paths that are not files: process_vm_writev is the
 * ptrace event (request "vm_writev", its file /proc/PID/mem, what an open
 * would write for the same effect); clone with CLONE_NEW* flags is
 * unshare's (ns.flags: those flags, without the exit signal). */
static void observe_other(const struct sys_event *ev, struct observation *o)
{
	struct activity *a = &o->a;

	if (ev->spec->decoder == DEC_VM_WRITEV) {
		a->event = ACT_PTRACE;
		a->ptrace_request = "vm_writev";
		a->target_pid = (int)(uint32_t)ev->args[0];
		snprintf(o->path, sizeof o->path, "/proc/%lld/mem", a->target_pid);
		a->file_path = o->path;
		return;
	}
	a->event = ACT_UNSHARE;
	a->ns_flags = ev->args[0] & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
				     CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
				     CLONE_NEWNET);
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
	    const struct identity *id, struct observation *o)
{
	struct activity *a = &o->a;

	memset(a, 0, sizeof *a);
	o->cmd_line = NULL;
	o->exists = 0;
	o->dev = 0;
	o->ino = 0;
	o->old_mode = 0;
	o->path[0] = o->path2[0] = '\0';
	o->n_libs = 0;
	a->tid = ev->tid;
	who(a, p);
	a->args_unreadable = ev->unreadable;
	switch (ev->spec->decoder) {
	case DEC_EXECVE:
	case DEC_EXECVEAT:
		observe_exec(ev, p, id, o);
		return 0;
	case DEC_CONNECT:
	case DEC_BIND:
	case DEC_LISTEN:
	case DEC_SENDTO:
	case DEC_SENDMSG:
	case DEC_SENDMMSG:
		observe_net(ev, o);
		return 0;
	case DEC_LINK: case DEC_LINKAT: case DEC_SYMLINK: case DEC_SYMLINKAT:
	case DEC_MKNOD: case DEC_MKNODAT: case DEC_TRUNCATE: case DEC_FTRUNCATE:
		observe_create(ev, o);
		return 0;
	case DEC_CLONE:
	case DEC_VM_WRITEV:
		observe_other(ev, o);
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
		observe_file(ev, id, o);
		return 0;
	}
}

void observation_done(struct observation *o)
{
	free(o->cmd_line);
	o->cmd_line = NULL;
}
