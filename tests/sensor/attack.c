/* attack.c: what tests/suite-rules.sh runs under the sensor (and natively,
 * to compare): the trigger and the near miss of each built-in detection
 * rule and each kind of File System and Network event, by raw syscalls so
 * that libc never swaps in another syscall than the one a rule watches.
 *
 * Usage: attack SUBCOMMAND [ARG...] [+ SUBCOMMAND [ARG...]]...
 * The subcommands run in order in one process; a refused syscall does not
 * end the chain. First a line "START pid=<PID>", then for each syscall
 * under test one line:
 *     RESULT <name> ok pid=<PID>    or    RESULT <name> errno=<NAME> pid=<PID>
 * where PID is the process that made the syscall (for exec, the child). A
 * subcommand that forks also prints how the child ended:
 *     WAIT <name> exit=<N> pid=<PID>    or    WAIT <name> signal=<NAME> pid=<PID>
 * (an exec the sensor kills at its entry shows as "RESULT exec ok" and
 * "WAIT exec signal=KILL": the parent cannot tell it from a program that
 * ran and was killed; the test runs programs that exit 0). Exit status 0,
 * or 2 when the arguments or a setup step failed. Lines go to a copy of
 * stdout made at start, so that a descriptor duplicated onto 1 does not
 * swallow them. An argument "@env:NAME" stands for the value of the
 * environment variable NAME: a rule on the command line (stratum+tcp://,
 * /dev/tcp/) must see it in the program attack runs, not in attack's own.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINES_PROG "attack"
#include "lines.h"

extern char **environ;

static const char usage[] =
	"usage: attack SUBCOMMAND [ARG...] [+ SUBCOMMAND [ARG...]]...\n"
	"  open PATH FLAGS [MODE]      openat(AT_FDCWD); FLAGS: r|w|rw[,creat,excl,trunc,append,nofollow]\n"
	"  open-legacy PATH FLAGS [MODE]  open(2) (ENOSYS where the arch has none)\n"
	"  openat2 PATH FLAGS [MODE]   openat2(2)\n"
	"  open32 PATH                 the i386 open(2), read-only, by int 0x80 (x86-64; else ENOSYS)\n"
	"  openat DIR PATH FLAGS       openat(2) relative to an open DIR\n"
	"  creat PATH MODE             creat(2)\n"
	"  unlink PATH                 unlinkat(2)\n"
	"  rename OLD NEW              renameat(2)\n"
	"  chmod PATH MODE             fchmodat(2), MODE in octal\n"
	"  fchmod PATH MODE            fchmod(2) on PATH opened read-only\n"
	"  copy SRC DST                DST created or truncated (the open is under test), SRC's bytes written\n"
	"  chdir DIR                   chdir(2)\n"
	"  chroot DIR                  chroot(2) (then still in the old cwd)\n"
	"  mkdir DIR | rmdir DIR       mkdirat(2) 0755, unlinkat(2) AT_REMOVEDIR\n"
	"  mount-bind SRC DST          mount(SRC, DST, MS_BIND) (in a mount namespace of its own)\n"
	"  tmpfile DIR SRC NEW         open(DIR, O_TMPFILE), SRC's bytes, fchmod 0755, linked as NEW\n"
	"  utime PATH SECONDS          utimensat(2): atime and mtime set to SECONDS (touch -d)\n"
	"  exec [-n] PATH [ARG...]     fork, execve(PATH, [PATH, ARG...]), wait; -n: in this process\n"
	"  exec0 PATH ARGV0 [ARG...]   fork, execve(PATH, [ARGV0, ARG...]), wait\n"
	"  exec-env VAR=VALUE PATH [ARG...]  fork, execve(PATH, [PATH, ARG...]) with VAR=VALUE\n"
	"                              added to the environment (the child's only), wait\n"
	"  execat DIR NAME [ARG...]    fork, execveat(DIR's fd, NAME), wait\n"
	"  fexec PATH [ARG...]         fork, execveat(PATH opened read-only, \"\", AT_EMPTY_PATH), wait\n"
	"  memfd [-n] SRC fexecve|procfd  SRC copied into a memfd, executed by execveat(AT_EMPTY_PATH)\n"
	"                              or by its /proc/self/fd/N path\n"
	"  ptrace-attach | ptrace-seize  on a forked child\n"
	"  ptrace-traceme              PTRACE_TRACEME in a forked child\n"
	"  dup2 KIND FD | dup3 KIND FD  a new socket|socketpair|udp|pipe duplicated onto FD\n"
	"  connect [-n] IP PORT        TCP connect (-n: non-blocking), IPv4 or IPv6\n"
	"  connect-unix PATH           unix stream connect (@NAME: abstract)\n"
	"  bind IP PORT                TCP socket bound (kept open); prints PORT\n"
	"  listen IP PORT              bind, then listen; prints PORT\n"
	"  unix-listen PATH            unix socket bound, listening\n"
	"  unshare FLAG[,FLAG...]      user,uts,ipc,net,ns,pid,cgroup,files,fs,sysvsem\n"
	"  setns PATH [TYPE]           setns(2) on PATH (e.g. /proc/self/ns/uts), TYPE as for unshare\n"
	"  link OLD NEW | symlink TARGET NEW  linkat(2) | symlinkat(2)\n"
	"  link-legacy OLD NEW | symlink-legacy TARGET NEW  link(2) | symlink(2)\n"
	"  mknod PATH fifo|reg         mknodat(2), mode 0644\n"
	"  exchange A B                renameat2(RENAME_EXCHANGE)\n"
	"  truncate PATH LEN           truncate(2)\n"
	"  ftruncate PATH LEN          ftruncate(2) on PATH opened for writing (no O_TRUNC)\n"
	"  sendto-fastopen | sendmsg-fastopen | sendmmsg-fastopen IP PORT\n"
	"                              TCP Fast Open: one byte with MSG_FASTOPEN to IP:PORT\n"
	"  sendto-udp IP PORT [N]      N (1) UDP datagrams by sendto(2) with an address\n"
	"  connect6-short IP6 PORT     TCP connect with a 24-byte sockaddr_in6 (no scope id)\n"
	"  clone-ns FLAG[,FLAG...]     clone(2) with those flags (as for unshare) | SIGCHLD; the child exits\n"
	"  vm-writev                   process_vm_writev(2) into a forked child\n"
	"  procmem                     a forked child's /proc/PID/mem opened for writing\n"
	"  exec-many N PATH [ARG...]   fork, execve(PATH) with N arguments \"a\", then ARGs, wait\n"
	"  exec-badptr PATH            fork, execve(PATH) with an argv entry at an unmapped address\n"
	"  open-badptr | connect-badptr  openat(2) for writing | connect(2) with an unmapped address\n"
	"Any subcommand but exec, execat, fexec and memfd takes -f first: run it in a forked child,\n"
	"or -t: run it in a new thread of this process.\n"
	"An argument @env:NAME is the value of the environment variable NAME.\n";


/* The line for a syscall's return value; err is its errno, saved at once. */
static void report_as(const char *name, long rc, int err, pid_t pid)
{
	if (rc >= 0)
		say("RESULT %s ok pid=%d\n", name, (int)pid);
	else
		say("RESULT %s errno=%s pid=%d\n", name, errname(err), (int)pid);
}

static void report(const char *name, long rc, int err)
{
	report_as(name, rc, err, getpid());
}

static void wait_report(const char *name, pid_t pid)
{
	int st;

	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			die("%s: waitpid %d: %s", name, (int)pid, strerror(errno));
	if (WIFEXITED(st)) {
		say("WAIT %s exit=%d pid=%d\n", name, WEXITSTATUS(st), (int)pid);
	} else if (WIFSIGNALED(st)) {
		const char *s = sigabbrev_np(WTERMSIG(st));

		if (s)
			say("WAIT %s signal=%s pid=%d\n", name, s, (int)pid);
		else
			say("WAIT %s signal=%d pid=%d\n", name, WTERMSIG(st), (int)pid);
	}
}

static int need(int argc, int n)
{
	if (argc < n)
		die("too few arguments\n%s", usage);
	return 0;
}

static int parse_flags(const char *spec)
{
	char buf[128], *tok, *save = NULL;
	int flags = 0;

	snprintf(buf, sizeof buf, "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "r"))
			flags |= O_RDONLY;
		else if (!strcmp(tok, "w"))
			flags |= O_WRONLY;
		else if (!strcmp(tok, "rw"))
			flags |= O_RDWR;
		else if (!strcmp(tok, "creat"))
			flags |= O_CREAT;
		else if (!strcmp(tok, "excl"))
			flags |= O_EXCL;
		else if (!strcmp(tok, "trunc"))
			flags |= O_TRUNC;
		else if (!strcmp(tok, "append"))
			flags |= O_APPEND;
		else if (!strcmp(tok, "nofollow"))
			flags |= O_NOFOLLOW;
		else
			die("open flag \"%s\" is not r, w, rw, creat, excl, trunc, append or nofollow", tok);
	}
	return flags | O_CLOEXEC;
}

static unsigned parse_mode(const char *s)
{
	char *end;
	unsigned long m = strtoul(s, &end, 8);

	if (*s == '\0' || *end != '\0' || m > 07777)
		die("mode \"%s\" is not octal 0-7777", s);
	return (unsigned)m;
}

static unsigned long parse_ns(const char *spec)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} names[] = {
		{ "user", CLONE_NEWUSER }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
		{ "net", CLONE_NEWNET }, { "ns", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
		{ "cgroup", CLONE_NEWCGROUP }, { "files", CLONE_FILES }, { "fs", CLONE_FS },
		{ "sysvsem", CLONE_SYSVSEM },
	};
	char buf[128], *tok, *save = NULL;
	unsigned long flags = 0;

	snprintf(buf, sizeof buf, "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof names / sizeof names[0])
			die("namespace \"%s\" is not one of user,uts,ipc,net,ns,pid,cgroup,files,fs,sysvsem", tok);
		flags |= names[i].flag;
	}
	return flags;
}

static void write_all(int fd, const char *buf, size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("writing %s: %s", what, strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

/* SRC's bytes into fd. */
static void copy_into(const char *src, int fd, const char *what)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (in < 0)
		die("cannot open %s: %s", src, strerror(errno));
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("reading %s: %s", src, strerror(errno));
		}
		write_all(fd, buf, (size_t)n, what);
	}
	close(in);
}

/* ---- files */

static void do_open(int argc, char **argv)
{
	int flags, err;
	unsigned mode;
	long fd;

	need(argc, 3);
	flags = parse_flags(argv[2]);
	mode = argc > 3 ? parse_mode(argv[3]) : 0644;
	if (!strcmp(argv[0], "open")) {
		fd = syscall(SYS_openat, AT_FDCWD, argv[1], flags, mode);
	} else if (!strcmp(argv[0], "openat2")) {
		struct open_how how = { .flags = (unsigned)flags,
					.mode = (flags & O_CREAT) ? mode : 0 };

		fd = syscall(SYS_openat2, AT_FDCWD, argv[1], &how, sizeof how);
	} else {
#ifdef SYS_open
		fd = syscall(SYS_open, argv[1], flags, mode);
#else
		errno = ENOSYS;
		fd = -1;
#endif
	}
	err = errno;
	report(argv[0], fd, err);
	if (fd >= 0)
		close((int)fd);
}

/* The 32-bit syscall table from a 64-bit process: a filter or tracer that
 * looks at syscall numbers without the architecture would miss it. The
 * path must be below 4 GiB for the 32-bit ABI. */
static void do_open32(int argc, char **argv)
{
	long rc = -1;
	int err = ENOSYS;

	need(argc, 2);
#if defined(__x86_64__)
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		die("open32: mmap: %s", strerror(errno));
	snprintf(p, 4096, "%s", argv[1]);
	/* i386 open is 5; O_RDONLY; the result comes back in eax. */
	__asm__ volatile("int $0x80" : "=a"(rc) : "a"(5L), "b"(p), "c"(0L), "d"(0L) : "memory");
	rc = (int)rc;
	if (rc < 0) {
		err = (int)-rc;
	} else {
		close((int)rc);
		err = 0;
	}
	munmap(p, 4096);
#endif
	report("open32", rc, err);
}

static void do_openat(int argc, char **argv)
{
	int dfd, err;
	long fd;

	need(argc, 4);
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die("openat: cannot open the directory %s: %s", argv[1], strerror(errno));
	fd = syscall(SYS_openat, dfd, argv[2], parse_flags(argv[3]), 0644);
	err = errno;
	report("openat", fd, err);
	if (fd >= 0)
		close((int)fd);
	close(dfd);
}

static void do_creat(int argc, char **argv)
{
	long fd;
	int err;

	need(argc, 3);
#ifdef SYS_creat
	fd = syscall(SYS_creat, argv[1], parse_mode(argv[2]));
#else
	errno = ENOSYS;
	fd = -1;
#endif
	err = errno;
	report("creat", fd, err);
	if (fd >= 0)
		close((int)fd);
}

static void do_unlink(int argc, char **argv)
{
	long rc;

	need(argc, 2);
	rc = syscall(SYS_unlinkat, AT_FDCWD, argv[1], 0);
	report("unlink", rc, errno);
}

static void do_rename(int argc, char **argv)
{
	long rc;

	need(argc, 3);
#ifdef SYS_renameat
	rc = syscall(SYS_renameat, AT_FDCWD, argv[1], AT_FDCWD, argv[2]);
#else
	rc = syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 0);
#endif
	report("rename", rc, errno);
}

static void do_chmod(int argc, char **argv)
{
	long rc;

	need(argc, 3);
	if (!strcmp(argv[0], "chmod")) {
		rc = syscall(SYS_fchmodat, AT_FDCWD, argv[1], parse_mode(argv[2]));
		report("chmod", rc, errno);
	} else {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("fchmod: cannot open %s: %s", argv[1], strerror(errno));
		rc = syscall(SYS_fchmod, fd, parse_mode(argv[2]));
		report("fchmod", rc, errno);
		close(fd);
	}
}

static void do_copy(int argc, char **argv)
{
	long fd;

	need(argc, 3);
	fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	report("copy", fd, errno);
	if (fd < 0)
		return;
	copy_into(argv[1], (int)fd, argv[2]);
	close((int)fd);
}

static void do_chdir(int argc, char **argv)
{
	int rc;

	need(argc, 2);
	rc = chdir(argv[1]);
	report("chdir", rc, errno);
}

static void do_mkdir(int argc, char **argv)
{
	long rc;

	need(argc, 2);
	if (!strcmp(argv[0], "mkdir")) {
		rc = syscall(SYS_mkdirat, AT_FDCWD, argv[1], 0755);
		report("mkdir", rc, errno);
	} else {
		rc = syscall(SYS_unlinkat, AT_FDCWD, argv[1], AT_REMOVEDIR);
		report("rmdir", rc, errno);
	}
}

static void do_chroot(int argc, char **argv)
{
	long rc;

	need(argc, 2);
	rc = syscall(SYS_chroot, argv[1]);
	report("chroot", rc, errno);
}

static void do_bind_mount(int argc, char **argv)
{
	long rc;

	need(argc, 3);
	rc = syscall(SYS_mount, argv[1], argv[2], NULL, (unsigned long)MS_BIND, NULL);
	report("bind-mount", rc, errno);
}

/* A file with no name until it is complete: O_TMPFILE, then linked in
 * through its /proc/self/fd path (linkat AT_EMPTY_PATH needs
 * CAP_DAC_READ_SEARCH). */
static void do_tmpfile(int argc, char **argv)
{
	char self[64];
	long fd, rc;

	need(argc, 4);
	fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	report("tmpfile", fd, errno);
	if (fd < 0)
		return;
	copy_into(argv[2], (int)fd, "the O_TMPFILE file");
	if (fchmod((int)fd, 0755) < 0)
		die("tmpfile: fchmod: %s", strerror(errno));
	snprintf(self, sizeof self, "/proc/self/fd/%ld", fd);
	rc = syscall(SYS_linkat, AT_FDCWD, self, AT_FDCWD, argv[3], AT_SYMLINK_FOLLOW);
	report("link", rc, errno);
	close((int)fd);
}

static void do_utime(int argc, char **argv)
{
	struct timespec ts[2];
	long rc;

	need(argc, 3);
	ts[0].tv_sec = ts[1].tv_sec = strtol(argv[2], NULL, 10);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	rc = syscall(SYS_utimensat, AT_FDCWD, argv[1], ts, 0);
	report("utime", rc, errno);
}

/* ---- exec */

/* Runs how(arg) in a child that reports its exec's errno through a
 * close-on-exec pipe, so that the parent can print the exec's result. */
static void spawn(const char *name, void (*how)(char **), char **arg)
{
	int p[2], e;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		how(arg);
		e = errno;
		if (write(p[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof e)
		report_as(name, -1, e, pid);
	else
		report_as(name, 0, 0, pid);
	wait_report(name, pid);
}

static void exec_path(char **argv)
{
	syscall(SYS_execve, argv[0], argv, environ);
}

/* argv: PATH ARGV0 ARG...: the program is told another name. */
static void exec_argv0(char **argv)
{
	syscall(SYS_execve, argv[0], argv + 1, environ);
}

static void do_exec0(int argc, char **argv)
{
	need(argc, 3);
	spawn("exec", exec_argv0, argv + 1);
}

/* argv: VAR=VALUE PATH ARG...: the child's environment gets VAR=VALUE
 * (LD_PRELOAD: it must not reach attack itself, or the sensor). */
static void exec_with_env(char **argv)
{
	if (putenv(argv[0]) != 0)
		return;
	syscall(SYS_execve, argv[1], argv + 1, environ);
}

static void do_exec_env(int argc, char **argv)
{
	need(argc, 3);
	if (!strchr(argv[1], '='))
		die("exec-env: \"%s\" is not VAR=VALUE", argv[1]);
	spawn("exec", exec_with_env, argv + 1);
}

static void do_exec(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-n")) {
		need(argc, 3);
		say("EXEC exec pid=%d\n", (int)getpid());
		exec_path(argv + 2);
		report("exec", -1, errno);
		return;
	}
	need(argc, 2);
	spawn("exec", exec_path, argv + 1);
}

/* argv: DIR NAME ARG...; the new program's argv starts at NAME. */
static void exec_at(char **argv)
{
	int fd = open(argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	syscall(SYS_execveat, fd, argv[1], argv + 1, environ, 0);
}

static void do_execat(int argc, char **argv)
{
	need(argc, 3);
	spawn("execat", exec_at, argv + 1);
}

/* argv: PATH ARG...: a regular file run by its descriptor, as fexecve(3)
 * does, the near miss of a memfd's. */
static void exec_fd(char **argv)
{
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
}

static void do_fexec(int argc, char **argv)
{
	need(argc, 2);
	spawn("fexec", exec_fd, argv + 1);
}

static int memfd_fd = -1;

static void exec_memfd(char **argv)
{
	char path[64];
	char *nargv[] = { (char *)"attack-memfd", NULL };

	if (!strcmp(argv[0], "fexecve")) {
		syscall(SYS_execveat, memfd_fd, "", nargv, environ, AT_EMPTY_PATH);
	} else {
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd_fd);
		syscall(SYS_execve, path, nargv, environ);
	}
}

static void do_memfd(int argc, char **argv)
{
	int nofork = argc > 1 && !strcmp(argv[1], "-n");

	argv += nofork;
	argc -= nofork;
	need(argc, 3);
	if (strcmp(argv[2], "fexecve") && strcmp(argv[2], "procfd"))
		die("memfd: \"%s\" is not fexecve or procfd", argv[2]);
	/* Not close-on-exec: the /proc/self/fd/N path must still name it
	 * while the kernel loads it. */
	memfd_fd = (int)syscall(SYS_memfd_create, "attack", 0);
	if (memfd_fd < 0)
		die("memfd_create: %s", strerror(errno));
	copy_into(argv[1], memfd_fd, "the memfd");
	if (nofork) {
		say("EXEC memfd pid=%d\n", (int)getpid());
		exec_memfd(argv + 2);
		report("memfd", -1, errno);
	} else {
		spawn("memfd", exec_memfd, argv + 2);
	}
	close(memfd_fd);
	memfd_fd = -1;
}

/* ---- ptrace */

static void do_ptrace(int argc, char **argv)
{
	long rc;
	int err, st;
	pid_t c;

	(void)argc;
	if (!strcmp(argv[0], "ptrace-traceme")) {
		c = fork();
		if (c < 0)
			die("fork: %s", strerror(errno));
		if (c == 0) {
			rc = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			report("ptrace-traceme", rc, errno);
			_exit(0);
		}
		wait_report("ptrace-traceme", c);
		return;
	}
	c = fork();
	if (c < 0)
		die("fork: %s", strerror(errno));
	if (c == 0) {
		for (;;)
			pause();
	}
	if (!strcmp(argv[0], "ptrace-attach"))
		rc = ptrace(PTRACE_ATTACH, c, NULL, NULL);
	else
		rc = ptrace(PTRACE_SEIZE, c, NULL, NULL);
	err = errno;
	report(argv[0], rc, err);
	say("TARGET %s pid=%d\n", argv[0], (int)c);
	/* Attached or not, the child ends here; its tracer (us, when the
	 * attach worked) or its parent reaps it. */
	kill(c, SIGKILL);
	while (waitpid(c, &st, __WALL) < 0 && errno == EINTR)
		;
}

/* ---- descriptors */

static void do_dup(int argc, char **argv)
{
	int newfd, fd, sv[2];
	const char *kind;
	long rc;

	need(argc, 3);
	kind = argv[1];
	newfd = atoi(argv[2]);
	if (!strcmp(kind, "socket")) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else if (!strcmp(kind, "udp")) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else if (!strcmp(kind, "socketpair")) {
		fd = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ? -1 : sv[0];
	} else if (!strcmp(kind, "pipe")) {
		/* The end a shell would use on that descriptor. */
		fd = pipe2(sv, O_CLOEXEC) < 0 ? -1 : (newfd == 0 ? sv[0] : sv[1]);
	} else {
		die("dup: kind \"%s\" is not socket, udp, socketpair or pipe", kind);
	}
	if (fd < 0)
		die("dup: cannot make a %s: %s", kind, strerror(errno));
	if (!strcmp(argv[0], "dup3")) {
		rc = syscall(SYS_dup3, fd, newfd, 0);
	} else {
#ifdef SYS_dup2
		rc = syscall(SYS_dup2, fd, newfd);
#else
		rc = syscall(SYS_dup3, fd, newfd, 0);
#endif
	}
	report(argv[0], rc, errno);
}

/* ---- network */

static socklen_t inet_addr_of(const char *ip, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char *end;
	unsigned long p = strtoul(port, &end, 10);

	if (*port == '\0' || *end != '\0' || p > 65535)
		die("port \"%s\" is not 0-65535", port);
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		return sizeof *s4;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		return sizeof *s6;
	}
	die("\"%s\" is not an IPv4 or IPv6 address", ip);
}

static socklen_t unix_addr_of(const char *path, struct sockaddr_un *su)
{
	size_t len = strlen(path);

	memset(su, 0, sizeof *su);
	su->sun_family = AF_UNIX;
	if (len >= sizeof su->sun_path)
		die("unix socket path %s is too long", path);
	memcpy(su->sun_path, path, len);
	if (path[0] == '@') {
		su->sun_path[0] = '\0'; /* abstract: the length says where it ends */
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/* One connect(2) on a fresh socket of family, reported as what. */
static void connect_to(const char *what, int family, int flags, const void *addr,
		       socklen_t len)
{
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	long rc;

	if (s < 0)
		die("%s: socket: %s", what, strerror(errno));
	rc = syscall(SYS_connect, s, addr, len);
	report(what, rc, errno);
	close(s);
}

static void do_connect(int argc, char **argv)
{
	struct sockaddr_storage ss;
	int nb = argc > 1 && !strcmp(argv[1], "-n");
	socklen_t len;

	argv += nb;
	argc -= nb;
	need(argc, 3);
	len = inet_addr_of(argv[1], argv[2], &ss);
	connect_to("connect", ss.ss_family, nb ? SOCK_NONBLOCK : 0, &ss, len);
}

static void do_connect_unix(int argc, char **argv)
{
	struct sockaddr_un su;
	socklen_t len;

	need(argc, 2);
	len = unix_addr_of(argv[1], &su);
	connect_to("connect-unix", AF_UNIX, 0, &su, len);
}

/* bind, listen: the socket stays open until the process ends, so that
 * its port stays taken while later subcommands run. */
static void do_bind(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long rc;
	int s;

	need(argc, 3);
	len = inet_addr_of(argv[1], argv[2], &ss);
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("%s: socket: %s", argv[0], strerror(errno));
	rc = syscall(SYS_bind, s, &ss, len);
	report("bind", rc, errno);
	if (rc == 0 && !strcmp(argv[0], "listen")) {
		rc = syscall(SYS_listen, s, 8);
		report("listen", rc, errno);
	}
	len = sizeof ss;
	if (getsockname(s, (struct sockaddr *)&ss, &len) == 0)
		say("PORT %s %d\n", argv[0], ntohs(ss.ss_family == AF_INET ?
				((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port));
}

static void do_unix_listen(int argc, char **argv)
{
	struct sockaddr_un su;
	socklen_t len;
	long rc;
	int s;

	need(argc, 2);
	len = unix_addr_of(argv[1], &su);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("unix-listen: socket: %s", strerror(errno));
	rc = syscall(SYS_bind, s, &su, len);
	report("bind", rc, errno);
	if (rc == 0) {
		rc = syscall(SYS_listen, s, 8);
		report("listen", rc, errno);
	}
}

/* ---- namespaces */

static void do_unshare(int argc, char **argv)
{
	long rc;

	need(argc, 2);
	rc = syscall(SYS_unshare, parse_ns(argv[1]));
	report("unshare", rc, errno);
}

static void do_setns(int argc, char **argv)
{
	unsigned long type;
	long rc;
	int fd;

	need(argc, 2);
	type = argc > 2 ? parse_ns(argv[2]) : 0;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("setns: cannot open %s: %s", argv[1], strerror(errno));
	rc = syscall(SYS_setns, fd, type);
	report("setns", rc, errno);
	close(fd);
}

/* ---- other ways to create names, change files and connect */

static void do_link(int argc, char **argv)
{
	long rc;

	need(argc, 3);
	if (!strcmp(argv[0], "link"))
		rc = syscall(SYS_linkat, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 0);
	else if (!strcmp(argv[0], "symlink"))
		rc = syscall(SYS_symlinkat, argv[1], AT_FDCWD, argv[2]);
#if defined(SYS_link) && defined(SYS_symlink)
	else if (!strcmp(argv[0], "link-legacy"))
		rc = syscall(SYS_link, argv[1], argv[2]);
	else
		rc = syscall(SYS_symlink, argv[1], argv[2]);
#else
	else
		rc = -1, errno = ENOSYS;
#endif
	report(argv[0], rc, errno);
}

static void do_mknod(int argc, char **argv)
{
	unsigned type;
	long rc;

	need(argc, 3);
	if (!strcmp(argv[2], "fifo"))
		type = S_IFIFO;
	else if (!strcmp(argv[2], "reg"))
		type = S_IFREG;
	else
		die("mknod: \"%s\" is not fifo or reg", argv[2]);
	rc = syscall(SYS_mknodat, AT_FDCWD, argv[1], type | 0644, 0);
	report("mknod", rc, errno);
}

static void do_exchange(int argc, char **argv)
{
	long rc;

	need(argc, 3);
	rc = syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
	report("exchange", rc, errno);
}

static long parse_len(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0)
		die("length \"%s\" is not a number", s);
	return v;
}

static void do_truncate(int argc, char **argv)
{
	long rc;
	int fd;

	need(argc, 3);
	if (!strcmp(argv[0], "truncate")) {
		rc = syscall(SYS_truncate, argv[1], parse_len(argv[2]));
		report("truncate", rc, errno);
		return;
	}
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("ftruncate: cannot open %s: %s", argv[1], strerror(errno));
	rc = syscall(SYS_ftruncate, fd, parse_len(argv[2]));
	report("ftruncate", rc, errno);
	close(fd);
}

static void do_fastopen(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct iovec iov = { (void *)"x", 1 };
	struct msghdr mh = { 0 };
	struct mmsghdr mm = { 0 };
	socklen_t len;
	long rc;
	int s;

	need(argc, 3);
	len = inet_addr_of(argv[1], argv[2], &ss);
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("%s: socket: %s", argv[0], strerror(errno));
	mh.msg_name = &ss;
	mh.msg_namelen = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mm.msg_hdr = mh;
	if (!strcmp(argv[0], "sendto-fastopen"))
		rc = syscall(SYS_sendto, s, "x", 1, MSG_FASTOPEN | MSG_NOSIGNAL, &ss, len);
	else if (!strcmp(argv[0], "sendmsg-fastopen"))
		rc = syscall(SYS_sendmsg, s, &mh, MSG_FASTOPEN | MSG_NOSIGNAL);
	else
		rc = syscall(SYS_sendmmsg, s, &mm, 1, MSG_FASTOPEN | MSG_NOSIGNAL);
	report(argv[0], rc, errno);
	close(s);
}

static void do_sendto_udp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	long n = 1, rc = 0;
	socklen_t len;
	int s, err = 0;

	need(argc, 3);
	len = inet_addr_of(argv[1], argv[2], &ss);
	if (argc > 3)
		n = parse_len(argv[3]);
	s = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("sendto-udp: socket: %s", strerror(errno));
	for (long i = 0; i < n; i++) {
		rc = syscall(SYS_sendto, s, "x", 1, 0, &ss, len);
		if (rc < 0) {
			err = errno;
			break;
		}
	}
	report("sendto-udp", rc, err);
	close(s);
}

static void do_connect6_short(int argc, char **argv)
{
	struct sockaddr_storage ss;

	need(argc, 3);
	if (inet_addr_of(argv[1], argv[2], &ss) != sizeof(struct sockaddr_in6))
		die("connect6-short: %s is not an IPv6 address", argv[1]);
	/* SIN6_LEN_RFC2133: sockaddr_in6 without sin6_scope_id. */
	connect_to("connect6-short", AF_INET6, 0, &ss,
		   (socklen_t)offsetof(struct sockaddr_in6, sin6_scope_id));
}

static void do_clone_ns(int argc, char **argv)
{
	long rc;
	int err;

	need(argc, 2);
	/* A fork with namespace flags: the child runs on a copy of this
	 * stack, as after fork(2). */
	rc = syscall(SYS_clone, parse_ns(argv[1]) | SIGCHLD, 0, NULL, NULL, 0);
	if (rc == 0)
		_exit(0);
	err = errno;
	report("clone-ns", rc, err);
	if (rc > 0)
		wait_report("clone-ns", (pid_t)rc);
}

static volatile char poke_target[16] = "before";

/* A child that waits to be written to; killed and reaped by the caller. */
static pid_t sleeper(void)
{
	pid_t c = fork();

	if (c < 0)
		die("fork: %s", strerror(errno));
	if (c == 0) {
		for (;;)
			pause();
	}
	return c;
}

static void do_poke(int argc, char **argv)
{
	pid_t c = sleeper();
	long rc;
	int err, st;

	(void)argc;
	if (!strcmp(argv[0], "vm-writev")) {
		struct iovec local = { (void *)"after", 6 };
		struct iovec remote = { (void *)poke_target, 6 };

		rc = syscall(SYS_process_vm_writev, c, &local, 1, &remote, 1, 0);
	} else {
		char path[64];

		snprintf(path, sizeof path, "/proc/%d/mem", (int)c);
		rc = syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
		if (rc >= 0)
			close((int)rc);
	}
	err = errno;
	report(argv[0], rc, err);
	say("TARGET %s pid=%d\n", argv[0], (int)c);
	kill(c, SIGKILL);
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
}

static char **many_argv;

static void exec_many(char **argv)
{
	syscall(SYS_execve, argv[0], many_argv, environ);
}

static void do_exec_many(int argc, char **argv)
{
	long n;

	need(argc, 3);
	n = parse_len(argv[1]);
	many_argv = calloc((size_t)n + (size_t)argc, sizeof *many_argv);
	if (!many_argv)
		die("exec-many: out of memory");
	many_argv[0] = argv[2];
	for (long i = 1; i <= n; i++)
		many_argv[i] = (char *)"a";
	/* The arguments after PATH come after the padding. */
	for (int i = 3; i < argc; i++)
		many_argv[n + i - 2] = argv[i];
	spawn("exec-many", exec_many, argv + 2);
	free(many_argv);
}

/* An address no one maps: the last page below 4 GiB is free in a
 * 64-bit process's usual layout; mapped and unmapped again to be sure. */
static void *unmapped(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	munmap(p, 4096);
	return p;
}

static void exec_badptr(char **argv)
{
	char *nargv[] = { argv[0], unmapped(), NULL };

	syscall(SYS_execve, argv[0], nargv, environ);
}

static void do_badptr(int argc, char **argv)
{
	long rc;

	if (!strcmp(argv[0], "exec-badptr")) {
		need(argc, 2);
		spawn("exec-badptr", exec_badptr, argv + 1);
		return;
	}
	if (!strcmp(argv[0], "open-badptr")) {
		/* An open that writes: every one of those stops. A read-only
		 * open is stopped only for a guarded file (guard.h), whose
		 * hidden path the guard decodes (evasions c4-long-path). */
		rc = syscall(SYS_openat, AT_FDCWD, unmapped(), O_WRONLY | O_CREAT | O_CLOEXEC,
			     0600);
	} else {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		rc = syscall(SYS_connect, s, unmapped(), sizeof(struct sockaddr_in));
		if (s >= 0) {
			int e = errno;

			close(s);
			errno = e;
		}
	}
	report(argv[0], rc, errno);
}

static const struct {
	const char *name;
	void (*run)(int, char **);
} subcommands[] = {
	{ "open", do_open }, { "open-legacy", do_open }, { "openat2", do_open },
	{ "open32", do_open32 }, { "openat", do_openat }, { "creat", do_creat },
	{ "unlink", do_unlink },
	{ "rename", do_rename }, { "chmod", do_chmod }, { "fchmod", do_chmod },
	{ "copy", do_copy }, { "chdir", do_chdir }, { "exec", do_exec },
	{ "exec0", do_exec0 }, { "exec-env", do_exec_env }, { "chroot", do_chroot },
	{ "mount-bind", do_bind_mount }, { "tmpfile", do_tmpfile },
	{ "utime", do_utime }, { "mkdir", do_mkdir }, { "rmdir", do_mkdir },
	{ "execat", do_execat }, { "fexec", do_fexec }, { "memfd", do_memfd },
	{ "ptrace-attach", do_ptrace }, { "ptrace-seize", do_ptrace },
	{ "ptrace-traceme", do_ptrace }, { "dup2", do_dup }, { "dup3", do_dup },
	{ "connect", do_connect }, { "connect-unix", do_connect_unix },
	{ "bind", do_bind }, { "listen", do_bind }, { "unix-listen", do_unix_listen },
	{ "unshare", do_unshare }, { "setns", do_setns },
	{ "link", do_link }, { "symlink", do_link }, { "link-legacy", do_link },
	{ "symlink-legacy", do_link }, { "mknod", do_mknod }, { "exchange", do_exchange },
	{ "truncate", do_truncate }, { "ftruncate", do_truncate },
	{ "sendto-fastopen", do_fastopen }, { "sendmsg-fastopen", do_fastopen },
	{ "sendmmsg-fastopen", do_fastopen }, { "sendto-udp", do_sendto_udp },
	{ "connect6-short", do_connect6_short }, { "clone-ns", do_clone_ns },
	{ "vm-writev", do_poke }, { "procmem", do_poke }, { "exec-many", do_exec_many },
	{ "exec-badptr", do_badptr }, { "open-badptr", do_badptr },
	{ "connect-badptr", do_badptr },
};

struct thread_job {
	void (*run)(int, char **);
	int argc;
	char **argv;
};

static void *thread_main(void *arg)
{
	struct thread_job *j = arg;

	j->run(j->argc, j->argv);
	return NULL;
}

static void run_one(int argc, char **argv)
{
	int forked = argc > 1 && !strcmp(argv[1], "-f");
	int threaded = argc > 1 && !strcmp(argv[1], "-t");
	size_t i;
	pid_t c;

	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (!strcmp(argv[0], subcommands[i].name))
			break;
	if (i == sizeof subcommands / sizeof subcommands[0])
		die("unknown subcommand \"%s\"\n%s", argv[0], usage);
	if (threaded) {
		struct thread_job j = { subcommands[i].run, argc - 1, argv + 1 };
		pthread_t th;
		int e;

		argv[1] = argv[0];
		e = pthread_create(&th, NULL, thread_main, &j);
		if (e)
			die("pthread_create: %s", strerror(e));
		pthread_join(th, NULL);
		return;
	}
	if (!forked) {
		subcommands[i].run(argc, argv);
		return;
	}
	argv[1] = argv[0];
	c = fork();
	if (c < 0)
		die("fork: %s", strerror(errno));
	if (c == 0) {
		subcommands[i].run(argc - 1, argv + 1);
		_exit(0);
	}
	wait_report(argv[0], c);
}

int main(int argc, char **argv)
{
	int i, start;

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	/* Above the descriptors the tests duplicate onto. */
	out_fd = fcntl(1, F_DUPFD_CLOEXEC, 10);
	if (out_fd < 0)
		die("stdout: %s", strerror(errno));
	say("START pid=%d\n", (int)getpid());
	for (i = 1; i < argc; i++) {
		const char *var;

		if (strncmp(argv[i], "@env:", 5))
			continue;
		var = argv[i] + 5;
		argv[i] = getenv(var);
		if (!argv[i])
			die("%s is not set", var);
	}
	/* Each "+" ends a subcommand: a NULL there makes every one's argv
	 * NULL-terminated, as exec wants it. */
	for (start = 1, i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "+"))
			continue;
		argv[i] = NULL;
		if (i > start)
			run_one(i - start, argv + start);
		start = i + 1;
	}
	return 0;
}
