/* procfs.c: reading /proc/PID/{exe,cwd,status,stat,cmdline,wchan}. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t procfs_link(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	n = readlink(path, buf, len);
	if (n < 0 || (size_t)n >= len)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Reads a whole small /proc file into buf (NUL-terminated). one: the
 * file is made whole at its first read (a seq_file of one record, as
 * status is), so a read that comes back short has all of it and the
 * read that would return 0 is not made (one syscall per exec). */
static ssize_t slurp_small(pid_t pid, const char *what, char *buf, size_t len, int one)
{
	char path[64];
	size_t got = 0;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < len - 1) {
		size_t want = len - 1 - got;
		ssize_t n = read(fd, buf + got, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (one && (size_t)n < want)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static long field(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	char *end;
	long v;

	if (!p)
		return -1;
	p += strlen(key);
	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p || errno != 0)
		return -1;
	return v;
}

int procfs_status(pid_t pid, struct proc_status *st)
{
	char buf[4096];
	const char *uid;

	if (slurp_small(pid, "status", buf, sizeof buf, 1) <= 0)
		return -1;
	st->tgid = (pid_t)field(buf, "\nTgid:");
	st->ppid = (pid_t)field(buf, "\nPPid:");
	st->tracer = (pid_t)field(buf, "\nTracerPid:");
	st->uid = st->euid = -1;
	uid = strstr(buf, "\nUid:");
	if (uid) {
		char *end;

		st->uid = strtol(uid + 5, &end, 10);
		st->euid = strtol(end, NULL, 10);
	}
	return st->tgid > 0 ? 0 : -1;
}

int procfs_stat(pid_t pid, struct proc_stat *ps)
{
	char buf[1024];

	if (slurp_small(pid, "stat", buf, sizeof buf, 1) <= 0)
		return -1;
	return procfs_parse_stat(buf, ps);
}

int procfs_parse_stat(const char *buf, struct proc_stat *ps)
{
	const char *p;
	unsigned long long v[20];
	size_t n = 0;

	/* The command name may hold anything, ')' too: the fields start
	 * after the last one. */
	const char *open = strchr(buf, '(');

	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	ps->comm[0] = '\0';
	if (open && open < p)
		snprintf(ps->comm, sizeof ps->comm, "%.*s", (int)(p - open - 1), open + 1);
	ps->state = p[2];
	p += 3;
	while (n < 20 && *p == ' ') {
		char *end;

		v[n] = strtoull(p + 1, &end, 10);
		if (end == p + 1)
			break;
		n++;
		p = end;
	}
	/* After the state: ppid pgrp session tty_nr ... starttime, the
	 * 19th (a negative priority or nice parses, wrapped, and counts). */
	if (n < 4)
		return -1;
	ps->tty_nr = (int)v[3];
	ps->start_ticks = n >= 19 ? v[18] : 0;
	return 0;
}

int procfs_is_dead(pid_t tid)
{
	struct proc_stat ps;

	return procfs_stat(tid, &ps) < 0 || ps.state == 'Z' || ps.state == 'X';
}

unsigned long long procfs_start_ms(unsigned long long start_ticks)
{
	static unsigned long long boot_s;
	static long hz;
	char buf[4096];
	const char *b;

	if (!boot_s) {
		int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		b = strstr(buf, "\nbtime ");
		boot_s = b ? strtoull(b + 7, NULL, 10) : 0;
		hz = sysconf(_SC_CLK_TCK);
	}
	if (!boot_s || hz <= 0 || !start_ticks)
		return 0;
	return boot_s * 1000ULL + start_ticks * 1000ULL / (unsigned long long)hz;
}

int procfs_sleeps_in(pid_t tid, const char *name)
{
	char buf[256];

	return slurp_small(tid, "wchan", buf, sizeof buf, 1) > 0 && strstr(buf, name);
}

int procfs_cmdline(pid_t pid, struct tstrv *v)
{
	char *buf = malloc(ARGV_MAX_TOTAL + 1);
	ssize_t n;
	size_t start = 0;

	v->n = 0;
	v->used = 0;
	v->count = 0;
	v->flags = 0;
	if (!buf)
		return -1;
	n = slurp_small(pid, "cmdline", buf, ARGV_MAX_TOTAL + 1, 0);
	if (n < 0) {
		free(buf);
		return -1;
	}
	if ((size_t)n == ARGV_MAX_TOTAL)
		v->flags |= TSTRV_BYTES_CUT;
	for (size_t i = 0; i <= (size_t)n && (size_t)n > 0; i++) {
		size_t len;

		if (i < (size_t)n && buf[i] != '\0')
			continue;
		if (i == (size_t)n && i == start)
			break; /* the final NUL was the last byte */
		len = i - start;
		v->count++;
		if (v->n >= ARGV_MAX_ENTRIES) {
			v->flags |= TSTRV_ENTRIES_CUT;
		} else {
			if (len > ARGV_MAX_ENTRY) {
				len = ARGV_MAX_ENTRY;
				v->flags |= TSTRV_BYTES_CUT;
			}
			buf[start + len] = '\0';
			v->off[v->n] = (uint32_t)start;
			v->len[v->n] = (uint32_t)len;
			v->eflags[v->n] = 0;
			v->n++;
		}
		start = i + 1;
	}
	free(v->buf);
	v->buf = buf;
	v->cap = ARGV_MAX_TOTAL + 1;
	v->used = (size_t)n;
	return 0;
}

long procfs_self_peak_rss_kib(void)
{
	char buf[4096];
	long v;

	if (slurp_small(getpid(), "status", buf, sizeof buf, 1) <= 0)
		return 0;
	v = field(buf, "\nVmHWM:");
	return v > 0 ? v : 0;
}

int procfs_shebang(pid_t pid, const char *path, char *out, size_t cap)
{
	char name[PATH_MAX + 64], head[256];
	const char *p, *end;
	ssize_t n;
	int fd;

	if (path[0] == '/')
		snprintf(name, sizeof name, "%s", path);
	else
		snprintf(name, sizeof name, "/proc/%d/cwd/%s", (int)pid, path);
	fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return -1;
	head[n] = '\0';
	p = head + 2 + strspn(head + 2, " \t");
	end = p + strcspn(p, " \t\n");
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			p = q + 1;
	if (end == p || (size_t)(end - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}
