/* syscall_decode.c: reading a stopped syscall's arguments. */
#include "syscall_decode.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

unsigned decode_ptr_size(uint32_t arch, uint64_t nr)
{
	switch (arch) {
	case AUDIT_ARCH_I386:
	case AUDIT_ARCH_ARM:
		return 4;
	case AUDIT_ARCH_X86_64:
		return (nr & 0x40000000U) ? 4 : 8; /* x32: __X32_SYSCALL_BIT */
	default:
		return 8;
	}
}

/* Appends value to *list (':' between), within EXEC_ENV_VALUE_MAX. */
static void env_append(char **list, const char *value, int *cut)
{
	size_t had = *list ? strlen(*list) : 0, n = strlen(value);
	char *nl;

	if (had + 1 + n > EXEC_ENV_VALUE_MAX) {
		*cut = 1;
		return;
	}
	nl = realloc(*list, had + n + 2);
	if (!nl)
		return;
	if (had)
		nl[had++] = ':';
	memcpy(nl + had, value, n + 1);
	*list = nl;
}

/* The LD_PRELOAD and LD_AUDIT values of the envp array at addr: only
 * those entries are read whole (the rest: their first bytes, on pages
 * argv's reading has cached already). */
static void decode_exec_env(struct tmem *m, uint64_t envp, unsigned psize,
			    struct exec_info *x)
{
	static char value[EXEC_ENV_VALUE_MAX + 16];

	for (uint64_t i = 0; envp; i++) {
		unsigned char raw[8];
		uint64_t p = 0;
		char head[12];
		size_t len;

		if (i >= EXEC_ENV_MAX) {
			x->env_cut = 1;
			return;
		}
		if (tmem_read(m, envp + i * psize, raw, psize) != psize)
			return;
		memcpy(&p, raw, psize);
		if (!p)
			return;
		len = tmem_read(m, p, head, sizeof head - 1);
		head[len] = '\0';
		if (strncmp(head, "LD_PRELOAD=", 11) != 0 && strncmp(head, "LD_AUDIT=", 9) != 0)
			continue;
		if (tmem_string(m, p, value, sizeof value - 1, &len) & TSTR_TRUNC)
			x->env_cut = 1;
		if (value[3] == 'P')
			env_append(&x->preload, value + 11, &x->env_cut);
		else
			env_append(&x->audit, value + 9, &x->env_cut);
	}
}

static struct exec_info *decode_exec(struct tmem *m, const struct sys_event *ev)
{
	unsigned psize = decode_ptr_size(ev->arch, ev->nr);
	int at = ev->spec->decoder == DEC_EXECVEAT;
	uint64_t path = ev->args[at ? 1 : 0], argv = ev->args[at ? 2 : 1];
	struct exec_info *x = malloc(sizeof *x);

	if (!x)
		return NULL;
	/* Field by field, not calloc: argv's entry tables need no clearing
	 * (tstrv_init). */
	x->dirfd = 0;
	x->at_flags = 0;
	x->path_len = 0;
	x->path_flags = 0;
	x->preload = x->audit = NULL;
	x->env_cut = 0;
	x->file_dev = 0;
	x->file_ino = 0;
	tstrv_init(&x->argv);
	x->path = malloc(PATH_MAX_KEPT + 1);
	if (!x->path) {
		free(x);
		return NULL;
	}
	if (psize == 4) {
		path &= 0xffffffffU;
		argv &= 0xffffffffU;
	}
	x->at = at;
	if (at) {
		x->dirfd = (long long)(int)(uint32_t)ev->args[0];
		x->at_flags = ev->args[4];
	}
	x->path_flags = tmem_string(m, path, x->path, PATH_MAX_KEPT, &x->path_len);
	if (tmem_strv(m, argv, psize, &x->argv) < 0)
		x->argv.flags |= TSTRV_BYTES_CUT;
	decode_exec_env(m, psize == 4 ? ev->args[at ? 3 : 2] & 0xffffffffU :
			ev->args[at ? 3 : 2], psize, x);
	/* Give back what the caps did not need. */
	if (x->path_len < PATH_MAX_KEPT) {
		char *small = realloc(x->path, x->path_len + 1);

		if (small)
			x->path = small;
	}
	return x;
}

/* The process a pidfd (or an open /proc/PID directory) names, from the
 * tracee's fd table: fdinfo's "Pid:" line for a pidfd, the link target
 * for a /proc directory. 0 when it is neither. */
static pid_t pidfd_target(pid_t tid, int fd)
{
	char path[64], buf[1024];
	FILE *f;
	pid_t pid = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)tid, fd);
	f = fopen(path, "re");
	if (f) {
		while (fgets(buf, sizeof buf, f))
			if (strncmp(buf, "Pid:", 4) == 0)
				pid = (pid_t)strtol(buf + 4, NULL, 10);
		fclose(f);
	}
	if (pid > 0)
		return pid;
	snprintf(path, sizeof path, "fd/%d", fd);
	n = procfs_link(tid, path, buf, sizeof buf);
	if (n > 6 && strncmp(buf, "/proc/", 6) == 0) {
		char *end;
		long v = strtol(buf + 6, &end, 10);

		if (v > 0 && (*end == '\0' || strcmp(end, "/") == 0))
			pid = (pid_t)v;
	}
	return pid;
}

/* Where a file call keeps its arguments: indexes, -1 for none. */
struct file_layout {
	signed char dirfd, path, dirfd2, path2, flags, mode, fd, at_flags;
};

static const struct file_layout layouts[] = {
	[DEC_OPEN] = { -1, 0, -1, -1, 1, 2, -1, -1 },
	[DEC_OPENAT] = { 0, 1, -1, -1, 2, 3, -1, -1 },
	[DEC_CREAT] = { -1, 0, -1, -1, -1, 1, -1, -1 },
	[DEC_OPENAT2] = { 0, 1, -1, -1, -1, -1, -1, -1 },
	[DEC_UNLINK] = { -1, 0, -1, -1, -1, -1, -1, -1 },
	[DEC_UNLINKAT] = { 0, 1, -1, -1, -1, -1, -1, 2 },
	[DEC_RENAME] = { -1, 0, -1, 1, -1, -1, -1, -1 },
	[DEC_RENAMEAT] = { 0, 1, 2, 3, -1, -1, -1, -1 },
	[DEC_CHMOD] = { -1, 0, -1, -1, -1, 1, -1, -1 },
	[DEC_FCHMOD] = { -1, -1, -1, -1, -1, 1, 0, -1 },
	[DEC_FCHMODAT] = { 0, 1, -1, -1, -1, 2, -1, 3 },
	/* A link's target is path, the name it creates path2 (as rename's
	 * new name): link(old, new), linkat(olddirfd, old, newdirfd, new,
	 * flags), symlink(target, linkpath), symlinkat(target, newdirfd,
	 * linkpath). A symlink's target is a string, never resolved. */
	[DEC_LINK] = { -1, 0, -1, 1, -1, -1, -1, -1 },
	[DEC_LINKAT] = { 0, 1, 2, 3, -1, -1, -1, 4 },
	[DEC_SYMLINK] = { -1, 0, -1, 1, -1, -1, -1, -1 },
	[DEC_SYMLINKAT] = { -1, 0, 1, 2, -1, -1, -1, -1 },
	[DEC_MKNOD] = { -1, 0, -1, -1, -1, 1, -1, -1 },
	[DEC_MKNODAT] = { 0, 1, -1, -1, -1, 2, -1, -1 },
	[DEC_TRUNCATE] = { -1, 0, -1, -1, -1, -1, -1, -1 },
	[DEC_FTRUNCATE] = { -1, -1, -1, -1, -1, -1, 0, -1 },
	[DEC_RENAMEAT2] = { 0, 1, 2, 3, -1, -1, -1, 4 },  /* flags: RENAME_EXCHANGE */
};

int decode_is_file(enum spec_decoder d)
{
	return (d >= DEC_OPEN && d <= DEC_FCHMODAT) || (d >= DEC_LINK && d <= DEC_RENAMEAT2);
}

/* What the kernel would read and we could not: a path cut or behind a
 * bad pointer. A NULL path is no such thing: the kernel refuses it
 * (EFAULT) before doing anything. */
static int path_unreadable(unsigned flags)
{
	return (flags & (TSTR_FAULT | TSTR_TRUNC)) != 0;
}

static uint64_t user_ptr(const struct sys_event *ev, uint64_t v)
{
	return decode_ptr_size(ev->arch, ev->nr) == 4 ? v & 0xffffffffU : v;
}

/* An int argument: the kernel ignores the upper half of the register. */
static long long int_arg(const struct sys_event *ev, int i)
{
	return (long long)(int)(uint32_t)ev->args[i];
}

static void decode_file(struct tmem *m, struct sys_event *ev)
{
	const struct file_layout *l = &layouts[ev->spec->decoder];
	struct file_args *f = ev->u.file;
	size_t len;

	f->dirfd = l->dirfd >= 0 ? int_arg(ev, l->dirfd) : AT_FDCWD;
	f->dirfd2 = l->dirfd2 >= 0 ? int_arg(ev, l->dirfd2) : AT_FDCWD;
	f->fd = l->fd >= 0 ? (int)int_arg(ev, l->fd) : -1;
	f->path[0] = f->path2[0] = '\0';
	f->path_flags = f->path2_flags = 0;
	if (l->path >= 0)
		f->path_flags = tmem_string(m, user_ptr(ev, ev->args[l->path]), f->path,
					    PATH_MAX_KEPT, &len);
	if (l->path2 >= 0)
		f->path2_flags = tmem_string(m, user_ptr(ev, ev->args[l->path2]),
					     f->path2, PATH_MAX_KEPT, &len);
	ev->unreadable = path_unreadable(f->path_flags) || path_unreadable(f->path2_flags);
	f->length = ev->spec->decoder == DEC_TRUNCATE || ev->spec->decoder == DEC_FTRUNCATE ?
		    ev->args[1] : 0;
	f->oflags = l->flags >= 0 ? (uint32_t)ev->args[l->flags] : 0;
	f->at_flags = l->at_flags >= 0 ? (uint32_t)ev->args[l->at_flags] : 0;
	if (ev->spec->decoder == DEC_CREAT)
		f->oflags = O_CREAT | O_WRONLY | O_TRUNC;
	if (ev->spec->decoder == DEC_OPENAT2) {
		/* struct open_how: u64 flags, u64 mode, u64 resolve */
		uint64_t how[2] = { 0, 0 };

		if (tmem_read(m, user_ptr(ev, ev->args[2]), how, sizeof how) == sizeof how) {
			f->oflags = how[0];
			f->mode = (unsigned)how[1];
			f->has_mode = (how[0] & O_CREAT) != 0;
		} else {
			ev->unreadable = 1;
		}
		return;
	}
	f->has_mode = l->mode >= 0 && (l->flags < 0 || (f->oflags & O_CREAT) ||
				       (f->oflags & O_TMPFILE) == O_TMPFILE);
	f->mode = f->has_mode ? (unsigned)(uint32_t)ev->args[l->mode] & 07777U : 0;
}

/* The address at addr, len bytes (a socklen_t, an int: the upper half of
 * the register is ignored). The kernel refuses more than 128 bytes
 * (EINVAL); fewer than asked is an unreadable pointer. */
static void read_sockaddr(struct tmem *m, struct sys_event *ev, uint64_t addr, uint64_t len)
{
	len &= 0xffffffffU;
	ev->u.net.addr_len = 0;
	if (addr == 0 || len == 0)
		return;
	if (len > sizeof ev->u.net.addr)
		len = sizeof ev->u.net.addr;
	ev->u.net.addr_len = (unsigned)tmem_read(m, user_ptr(ev, addr), ev->u.net.addr,
						 (size_t)len);
	if (ev->u.net.addr_len < len)
		ev->unreadable = 1;
}

/* sendmsg's and sendmmsg's struct msghdr (the first one of sendmmsg's
 * vector: the one that connects): msg_name, then msg_namelen, each as
 * wide as a pointer of the caller's ABI (an int, padded on 64-bit). */
static void read_msghdr(struct tmem *m, struct sys_event *ev, uint64_t hdr)
{
	unsigned psize = decode_ptr_size(ev->arch, ev->nr);
	unsigned char raw[16];
	uint64_t name = 0;
	uint32_t namelen;

	ev->u.net.addr_len = 0;
	if (tmem_read(m, user_ptr(ev, hdr), raw, 2 * psize) != 2 * psize) {
		ev->unreadable = 1;
		return;
	}
	if (psize == 8) {
		memcpy(&name, raw, 8);
	} else {
		uint32_t n32;

		memcpy(&n32, raw, 4);
		name = n32;
	}
	memcpy(&namelen, raw + psize, 4);
	read_sockaddr(m, ev, name, namelen);
}

static void decode_net(struct tmem *m, struct sys_event *ev)
{
	ev->u.net.fd = (int)int_arg(ev, 0);
	ev->u.net.addr_len = 0;
	switch (ev->spec->decoder) {
	case DEC_CONNECT:
	case DEC_BIND:
		read_sockaddr(m, ev, ev->args[1], ev->args[2]);
		break;
	case DEC_SENDTO:
		read_sockaddr(m, ev, ev->args[4], ev->args[5]);
		break;
	case DEC_SENDMSG:
		read_msghdr(m, ev, ev->args[1]);
		break;
	case DEC_SENDMMSG:
		if ((uint32_t)ev->args[2] > 0)
			read_msghdr(m, ev, ev->args[1]);
		break;
	default:
		break;
	}
}

static int exec_unreadable(const struct exec_info *x)
{
	if (!x)
		return 1; /* out of memory: nothing of it was judged */
	return path_unreadable(x->path_flags) ||
	       (x->argv.flags & (TSTRV_FAULT | TSTRV_BAD_ENTRY | TSTRV_ENTRIES_CUT |
				 TSTRV_BYTES_CUT | TSTRV_COUNT_CUT)) != 0;
}

void syscall_decode(struct tmem *m, struct sys_event *ev)
{
	ev->unreadable = 0;
	if (decode_is_file(ev->spec->decoder)) {
		decode_file(m, ev);
		return;
	}
	switch (ev->spec->decoder) {
	case DEC_EXECVE:
	case DEC_EXECVEAT:
		ev->u.exec = decode_exec(m, ev);
		ev->unreadable = exec_unreadable(ev->u.exec);
		break;
	case DEC_PIDFD_SEND_SIGNAL:
		ev->u.pidfd.fd = (int)(uint32_t)ev->args[0];
		ev->u.pidfd.target = pidfd_target(ev->tid, ev->u.pidfd.fd);
		break;
	case DEC_CONNECT:
	case DEC_BIND:
	case DEC_SENDTO:
	case DEC_SENDMSG:
	case DEC_SENDMMSG:
		decode_net(m, ev);
		break;
	case DEC_LISTEN:
		ev->u.net.fd = (int)int_arg(ev, 0);
		ev->u.net.addr_len = 0;
		break;
	case DEC_SETNS:
		ev->u.pidfd.fd = (int)int_arg(ev, 0);
		ev->u.pidfd.target = pidfd_target(ev->tid, ev->u.pidfd.fd);
		break;
	case DEC_PTRACE:
	case DEC_UNSHARE:
	case DEC_DUP:
	case DEC_CLONE:
	case DEC_VM_WRITEV:
	case DEC_NONE:
	default:
		break;
	}
}

void exec_info_free(struct exec_info *x)
{
	if (!x)
		return;
	free(x->path);
	free(x->preload);
	free(x->audit);
	tstrv_free(&x->argv);
	free(x);
}

size_t exec_info_size(const struct exec_info *x)
{
	return sizeof *x + x->path_len + 1 + x->argv.cap +
	       (x->preload ? strlen(x->preload) + 1 : 0) +
	       (x->audit ? strlen(x->audit) + 1 : 0);
}
