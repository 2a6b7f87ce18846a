/* syscall_decode.c: reading a stopped syscall's arguments. */
#include "syscall_decode.h"

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

static struct exec_info *decode_exec(struct tmem *m, const struct sys_event *ev)
{
	unsigned psize = decode_ptr_size(ev->arch, ev->nr);
	int at = ev->spec->decoder == DEC_EXECVEAT;
	uint64_t path = ev->args[at ? 1 : 0], argv = ev->args[at ? 2 : 1];
	struct exec_info *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
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

void syscall_decode(struct tmem *m, struct sys_event *ev)
{
	switch (ev->spec->decoder) {
	case DEC_EXECVE:
	case DEC_EXECVEAT:
		ev->u.exec = decode_exec(m, ev);
		break;
	case DEC_PIDFD_SEND_SIGNAL:
		ev->u.pidfd.fd = (int)(uint32_t)ev->args[0];
		ev->u.pidfd.target = pidfd_target(ev->tid, ev->u.pidfd.fd);
		break;
	case DEC_NONE:
		break;
	}
}

void exec_info_free(struct exec_info *x)
{
	if (!x)
		return;
	free(x->path);
	tstrv_free(&x->argv);
	free(x);
}

size_t exec_info_size(const struct exec_info *x)
{
	return sizeof *x + x->path_len + 1 + x->argv.cap;
}
