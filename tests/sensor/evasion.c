/* evasion.c: the attacks of tests/suite-evasions.sh (tests/evasions/
 * cases.tsv), each done for real by raw syscalls (libc must not swap in
 * another syscall than the one under test) and judged from inside: did the
 * attacker get what it wanted (the first bytes of /etc/shadow, an echo of a
 * token from the loopback listener, the output of a program it wrote, a
 * file below /usr/local/bin, a truncated log, a stopped sensor...)?
 *
 * Usage: evasion [--decoy] ATTACK [ARG...]
 * Prints "START pid=<PID>", RESULT lines as tests/sensor/attack.c does
 * (RESULT <what> ok|errno=<NAME> pid=<PID>), "#" diagnostics, and last one
 * line "EFFECT yes|no <ATTACK>". An effect only visible after this program
 * ended (a daemon's marker) is announced as "MARKER <PATH>": the suite
 * looks for PATH once the run is over.
 *
 * --decoy: the native stand-in for the sensor. The runner starts the attack
 * natively under a decoy parent (a thread and a forked child, as the
 * sensor is the application's parent), so that the attacks on "the
 * sensor" (getppid()) have a target without one.
 *
 * Environment: EV_TOKEN (the string the echo server and the dropped
 * programs must give back), EV_PORT (the listener on a mining-pool port),
 * EV_NATIVE=1 in the native run (see own_filter_trace: without a tracer an
 * own RET_TRACE filter fails the syscall, so that run omits the filter).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/ioprio.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define LINES_PROG "evasion"
#include "lines.h"

extern char **environ;

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#define X32_BIT 0x40000000L
#define AUDIT_ARCH_X86_64_ 0xc000003eU

static pid_t sensor_pid; /* getppid() at start: the sensor, or the decoy */
static const char *attack_name = "?";

/* The RESULT line of a syscall; err is its errno, saved at once. Returns
 * whether it succeeded. */
static int report(const char *what, long rc, int err)
{
	if (rc >= 0)
		say("RESULT %s ok pid=%d\n", what, (int)getpid());
	else
		say("RESULT %s errno=%s pid=%d\n", what, errname(err), (int)getpid());
	return rc >= 0;
}

/* The verdict; every attack ends with exactly one. */
static void effect(int yes)
{
	say("EFFECT %s %s\n", yes ? "yes" : "no", attack_name);
}

static void need(int argc, int n, const char *usage)
{
	if (argc < n)
		die("%s: usage: %s", attack_name, usage);
}

static const char *token(void)
{
	const char *t = getenv("EV_TOKEN");

	return t && *t ? t : "falcon-evasion-token";
}

static int port(void)
{
	const char *p = getenv("EV_PORT");

	return p && *p ? atoi(p) : 3333;
}

static int native(void)
{
	const char *n = getenv("EV_NATIVE");

	return n && !strcmp(n, "1");
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------------
 * Judging the effects. */

/* The first bytes of a shadow file: "root:" (the first entry on Debian,
 * and in every shadow file useradd ever wrote). */
static int shadow_bytes(int fd)
{
	char buf[5];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	if (n != (ssize_t)sizeof buf) {
		/* An O_APPEND-less fd at offset 0: plain read() as fallback. */
		n = read(fd, buf, sizeof buf);
	}
	return n == (ssize_t)sizeof buf && !memcmp(buf, "root:", 5);
}

/* Wait up to ms for fd to be readable. */
static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* The listener echoes what it gets: the token back means the connection
 * (or datagram) went through both ways. */
static int echo_back(int fd, int already_sent)
{
	const char *t = token();
	size_t len = strlen(t), got = 0;
	char buf[256];

	if (!already_sent && write(fd, t, len) != (ssize_t)len)
		return 0;
	while (got < len && got < sizeof buf && readable(fd, 3000)) {
		ssize_t n = read(fd, buf + got, sizeof buf - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got >= len && !memcmp(buf, t, len);
}

/* Everything a child printed on the pipe, up to cap bytes, NUL-ended. */
static size_t drain(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got + 1 < cap && readable(fd, 10000)) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return got;
}

static int wait_exit(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st)) {
		say("WAIT exit=%d pid=%d\n", WEXITSTATUS(st), (int)pid);
		return WEXITSTATUS(st);
	}
	say("WAIT signal=%s pid=%d\n", sigabbrev_np(WTERMSIG(st)) ?: "?", (int)pid);
	return 128 + WTERMSIG(st);
}

/* Read a child's output from rfd, reap it, and say whether it printed want. */
static int output_has(int rfd, pid_t pid, const char *want)
{
	/* Room for the echo of many-args' 128 KiB of arguments. */
	size_t cap = 512 * 1024;
	char *buf = malloc(cap);
	int found;

	if (!buf)
		die("out of memory");
	drain(rfd, buf, cap);
	close(rfd);
	wait_exit(pid);
	if (*buf)
		say("# output: %.200s\n", buf);
	found = strstr(buf, want) != NULL;
	free(buf);
	return found;
}

/* ---------------------------------------------------------------------
 * Files the attacks write. */

static void copy_file(const char *src, const char *dst, unsigned mode)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	in = (int)syscall(SYS_openat, AT_FDCWD, src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		die("%s: %s", src, strerror(errno));
	out = (int)syscall(SYS_openat, AT_FDCWD, dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		report("drop", -1, errno);
		close(in);
		return;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("%s: short write", dst);
	fchmod(out, mode);
	close(in);
	close(out);
}

/* A program "dropped" by the attacker: a copy of echo(1), which gives the
 * token back when run. */
static void drop_program(const char *path)
{
	copy_file("/bin/echo", path, 0755);
}

/* fork, stdout to a pipe, execve(path, argv, envp) by the raw syscall;
 * whether the program printed want. */
static int run_and_see(const char *path, char *const argv[], char *const envp[], const char *want)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], 1);
		syscall(SYS_execve, path, argv, envp);
		report("execve", -1, errno);
		_exit(127);
	}
	close(p[1]);
	return output_has(p[0], pid, want);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---------------------------------------------------------------------
 * Class 1: leaving the traced tree. */

/* The child of every clone variant: read the shadow file, say by the exit
 * status whether it got it. */
static int child_reads(const char *path)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	int err = errno;

	report("openat", fd, err);
	return fd >= 0 && (shadow_bytes(fd) || strcmp(path, "/etc/shadow"));
}

static void clone_child_reads(unsigned long flags, const char *path)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0L, NULL, NULL, 0L);
	int err = errno;

	if (pid == 0)
		_exit(child_reads(path) ? 0 : 1);
	report("clone", pid, err);
	effect(pid > 0 && wait_exit((pid_t)pid) == 0);
}

/* CLONE_UNTRACED: the tracer gets no fork event, so the child would run
 * outside the sensor. */
static void a_clone_untraced(int argc, char **argv)
{
	need(argc, 2, "clone-untraced PATH");
	clone_child_reads(CLONE_UNTRACED, argv[1]);
}

/* The near miss: an ordinary fork by clone. */
static void a_clone_plain(int argc, char **argv)
{
	need(argc, 2, "clone-plain PATH");
	clone_child_reads(0, argv[1]);
}

static volatile int thread_done;
static const char *thread_path;

static int untraced_thread(void *arg)
{
	(void)arg;
	thread_done = child_reads(thread_path) ? 1 : 2;
	syscall(SYS_exit, 0);
	return 0;
}

/* A thread (shared memory, same thread group) with CLONE_UNTRACED: libc's
 * clone() wrapper is the clone syscall with a new stack. */
static void a_clone_untraced_thread(int argc, char **argv)
{
	size_t sz = 256 * 1024;
	char *stack;
	int i, rc, err;

	need(argc, 2, "clone-untraced-thread PATH");
	thread_path = argv[1];
	stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	rc = clone(untraced_thread, stack + sz,
		   CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			   CLONE_SYSVSEM | CLONE_UNTRACED,
		   NULL);
	err = errno;
	report("clone", rc, err);
	for (i = 0; rc > 0 && !thread_done && i < 300; i++)
		sleep_ms(10);
	effect(thread_done == 1);
}

/* clone3 itself: the design answers ENOSYS (Docker's profile), since its
 * flags are behind a pointer the filter cannot read. */
static long raw_clone3(void)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	return syscall(SYS_clone3, &ca, sizeof ca);
}

static void a_clone3(int argc, char **argv)
{
	long pid;
	int err;

	need(argc, 2, "clone3 PATH");
	pid = raw_clone3();
	err = errno;
	if (pid == 0)
		_exit(child_reads(argv[1]) ? 0 : 1);
	report("clone3", pid, err);
	effect(pid > 0 && wait_exit((pid_t)pid) == 0);
}

/* What glibc does: clone3, and clone when that fails. The child must be
 * traced either way. */
static void a_clone3_fallback(int argc, char **argv)
{
	long pid;
	int err;

	need(argc, 2, "clone3-fallback PATH");
	pid = raw_clone3();
	err = errno;
	if (pid == 0)
		_exit(child_reads(argv[1]) ? 0 : 1);
	report("clone3", pid, err);
	if (pid < 0) {
		pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0L, NULL, NULL, 0L);
		err = errno;
		if (pid == 0)
			_exit(child_reads(argv[1]) ? 0 : 1);
		report("clone", pid, err);
	}
	effect(pid > 0 && wait_exit((pid_t)pid) == 0);
}

/* vfork: the child borrows the parent's memory until it execs. */
static void a_vfork_exec(int argc, char **argv)
{
	char *args[3];
	int p[2];
	pid_t pid;

	need(argc, 2, "vfork-exec DROPPED");
	drop_program(argv[1]);
	args[0] = argv[1];
	args[1] = (char *)token();
	args[2] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = vfork();
	if (pid == 0) {
		dup2(p[1], 1);
		syscall(SYS_execve, argv[1], args, environ);
		_exit(127);
	}
	report("vfork", pid, errno);
	close(p[1]);
	effect(pid > 0 && output_has(p[0], pid, token()));
}

/* posix_spawn: glibc's clone3/clone(CLONE_VM|CLONE_VFORK) path. */
static void a_spawn_exec(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *args[3];
	int p[2], rc;
	pid_t pid = -1;

	need(argc, 2, "spawn-exec DROPPED");
	drop_program(argv[1]);
	args[0] = argv[1];
	args[1] = (char *)token();
	args[2] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	rc = posix_spawn(&pid, argv[1], &fa, NULL, args, environ);
	report("posix_spawn", rc ? -1 : 0, rc);
	close(p[1]);
	effect(rc == 0 && output_has(p[0], pid, token()));
}

/* CLONE_PARENT: the child is the sensor's child, not ours; it answers on a
 * pipe since we cannot wait for it. */
static void a_clone_parent(int argc, char **argv)
{
	int p[2];
	long pid;
	char c = 'n';

	need(argc, 2, "clone-parent PATH");
	if (pipe(p) < 0)
		die("pipe: %s", strerror(errno));
	pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0L, NULL, NULL, 0L);
	if (pid == 0) {
		c = child_reads(argv[1]) ? 'y' : 'n';
		if (write(p[1], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	report("clone", pid, errno);
	close(p[1]);
	if (pid > 0 && readable(p[0], 5000) && read(p[0], &c, 1) != 1)
		c = 'n';
	effect(pid > 0 && c == 'y');
}

/* A daemon (fork, setsid, fork) that waits for the application to end and
 * writes MARK a second later: it must not outlive the sensor. */
static void a_daemon(int argc, char **argv)
{
	int p[2];
	pid_t pid;
	char c;

	need(argc, 2, "daemon MARK");
	if (pipe(p) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		/* The daemon: no descriptor that keeps the suite waiting. */
		close(p[1]);
		close(out_fd);
		close(0);
		close(1);
		close(2);
		/* EOF when the application (the pipe's writer) has exited. */
		while (read(p[0], &c, 1) > 0)
			;
		sleep_ms(1000);
		close((int)syscall(SYS_openat, AT_FDCWD, argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		_exit(0);
	}
	report("fork", pid, errno);
	close(p[0]);
	wait_exit(pid);
	say("MARKER %s\n", argv[1]);
}

/* A user namespace gives the app every capability again, inside it. */
static void a_unshare_user(int argc, char **argv)
{
	long rc;

	(void)argc;
	(void)argv;
	rc = syscall(SYS_unshare, (unsigned long)CLONE_NEWUSER);
	report("unshare", rc, errno);
	effect(rc == 0);
}

static void a_clone_user(int argc, char **argv)
{
	long pid;

	(void)argc;
	(void)argv;
	pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0L, NULL, NULL, 0L);
	if (pid == 0)
		_exit(0);
	report("clone", pid, errno);
	effect(pid > 0 && wait_exit((pid_t)pid) == 0);
}

/* ---------------------------------------------------------------------
 * Class 2: ways around the filter. Reads of a sensitive file. */

static void judge_open(const char *what, long fd, int err)
{
	report(what, fd, err);
	effect(fd >= 0 && shadow_bytes((int)fd));
}

static void a_open(int argc, char **argv)
{
	need(argc, 2, "open PATH");
	long fd = syscall(SYS_open, argv[1], O_RDONLY | O_CLOEXEC);
	judge_open("open", fd, errno);
}

static void a_openat(int argc, char **argv)
{
	need(argc, 2, "openat PATH");
	long fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

static void a_openat2(int argc, char **argv)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };

	need(argc, 2, "openat2 PATH");
	long fd = syscall(SYS_openat2, AT_FDCWD, argv[1], &how, sizeof how);
	judge_open("openat2", fd, errno);
}

/* Relative to a directory: by an fd (DIR NAME) after chdir (-c DIR NAME). */
static void a_openat_dir(int argc, char **argv)
{
	long dfd, fd;

	need(argc, 3, "openat-dir DIR NAME");
	dfd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die("%s: %s", argv[1], strerror(errno));
	fd = syscall(SYS_openat, (int)dfd, argv[2], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

static void a_chdir_open(int argc, char **argv)
{
	need(argc, 3, "chdir-open DIR NAME");
	if (syscall(SYS_chdir, argv[1]) < 0)
		die("chdir %s: %s", argv[1], strerror(errno));
	long fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* O_PATH opens nothing readable; the re-open through /proc/self/fd/N is a
 * real open of the same file under another name. */
static void a_opath_reopen(int argc, char **argv)
{
	char proc[64];
	long pfd, fd;

	need(argc, 2, "opath-reopen PATH");
	pfd = syscall(SYS_openat, AT_FDCWD, argv[1], O_PATH | O_CLOEXEC);
	report("openat-opath", pfd, errno);
	snprintf(proc, sizeof proc, "/proc/self/fd/%ld", pfd);
	fd = syscall(SYS_openat, AT_FDCWD, proc, O_RDONLY | O_CLOEXEC);
	judge_open("openat-procfd", fd, errno);
}

/* A file handle names the inode without a path. */
static void a_open_by_handle(int argc, char **argv)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	int mount_id;
	long rc, mfd, fd;

	need(argc, 2, "open-by-handle PATH");
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	rc = syscall(SYS_name_to_handle_at, AT_FDCWD, argv[1], &h.fh, &mount_id, 0);
	report("name_to_handle_at", rc, errno);
	mfd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = syscall(SYS_open_by_handle_at, (int)mfd, &h.fh, O_RDONLY | O_CLOEXEC);
	judge_open("open_by_handle_at", fd, errno);
}

/* The dynamic path and the deep one: "/" + "./" * n + "etc/shadow", a path
 * longer than a tracer might keep but within the kernel's PATH_MAX. */
static void a_long_path(int argc, char **argv)
{
	char path[4096];
	size_t len, n;

	need(argc, 3, "long-path LENGTH PATH");
	len = (size_t)atol(argv[1]);
	if (len >= sizeof path || len < strlen(argv[2]) + 1)
		die("long-path: bad length");
	n = len - strlen(argv[2]);
	memset(path, '/', n);
	for (size_t i = 1; i + 1 < n; i += 2)
		path[i] = '.';
	if (n % 2 == 0)
		path[n - 1] = '/';
	snprintf(path + n, sizeof path - n, "%s", argv[2] + 1);
	say("# path length %zu\n", strlen(path));
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* ---------------------------------------------------------------------
 * io_uring by hand: setup, the rings mapped, one request, its completion. */

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	size_t sq_sz, cq_sz;
	char *sq, *cq;

	memset(&p, 0, sizeof p);
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (!report("io_uring_setup", r->fd, errno))
		return 0;
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP && cq_sz > sq_sz)
		sq_sz = cq_sz;
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = p.features & IORING_FEAT_SINGLE_MMAP ? sq :
		mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("io_uring mmap: %s", strerror(errno));
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 1;
}

/* Submit one request and wait for it: its result (fd, 0, or -errno). */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	long rc;
	int res;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	rc = syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (!report("io_uring_enter", rc, errno))
		return -EIO;
	head = __atomic_load_n(r->cq_head, __ATOMIC_ACQUIRE);
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EIO;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static void a_uring_open(int argc, char **argv)
{
	struct io_uring_sqe sqe;
	struct ring r;
	int fd;

	need(argc, 2, "uring-open PATH");
	if (!ring_setup(&r)) {
		effect(0);
		return;
	}
	memset(&sqe, 0, sizeof sqe);
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (uintptr_t)argv[1];
	sqe.open_flags = O_RDONLY | O_CLOEXEC;
	fd = ring_run(&r, &sqe);
	judge_open("IORING_OP_OPENAT", fd, -fd);
}

static void loopback(struct sockaddr_in *sa, int p)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)p);
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static void a_uring_connect(int argc, char **argv)
{
	struct io_uring_sqe sqe;
	struct sockaddr_in sa;
	struct ring r;
	int s, rc;

	(void)argc;
	(void)argv;
	if (!ring_setup(&r)) {
		effect(0);
		return;
	}
	s = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	loopback(&sa, port());
	memset(&sqe, 0, sizeof sqe);
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = s;
	sqe.addr = (uintptr_t)&sa;
	sqe.off = sizeof sa;
	rc = ring_run(&r, &sqe);
	report("IORING_OP_CONNECT", rc, -rc);
	effect(rc == 0 && echo_back(s, 0));
}

/* ---------------------------------------------------------------------
 * The i386 ABI (int 0x80) and x32 from a 64-bit process. Pointers must be
 * below 4 GiB: the arguments live in a MAP_32BIT page. */

static sigjmp_buf int80_fault;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(int80_fault, 1);
}

/* Where the kernel has no IA32 entry (ia32_emulation=0, some hypervisors)
 * int 0x80 faults: that is -ENOSYS for us, said as such. */
static long int80(long nr, long a, long b, long c)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	long rc;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(int80_fault, 1)) {
		sigaction(SIGSEGV, &old, NULL);
		say("# int 0x80 raised SIGSEGV: no IA32 syscall entry on this machine\n");
		return -ENOSYS;
	}
	/* The kernel zeroes r8-r11 on the way back from a compat syscall. */
	__asm__ volatile("int $0x80"
			 : "=a"(rc)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	sigaction(SIGSEGV, &old, NULL);
	return (int)rc;
}

static char *low_page(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		die("mmap MAP_32BIT: %s", strerror(errno));
	return p;
}

static void a_int80_open(int argc, char **argv)
{
	char *p = low_page();
	long fd;

	need(argc, 2, "int80-open PATH");
	snprintf(p, 4096, "%s", argv[1]);
	fd = int80(5 /* i386 open */, (long)(uintptr_t)p, O_RDONLY, 0);
	judge_open("int80-open", fd, fd < 0 ? (int)-fd : 0);
}

/* socketcall(2), the i386 multiplexer: SYS_SOCKET 1, SYS_CONNECT 3. With
 * direct, the i386 socket (359) and connect (362) syscalls. */
static void int80_connect(int direct)
{
	char *p = low_page();
	uint32_t *args = (uint32_t *)p;
	struct sockaddr_in *sa = (struct sockaddr_in *)(p + 256);
	long s, rc;

	loopback(sa, port());
	if (direct) {
		s = int80(359, AF_INET, SOCK_STREAM, 0);
	} else {
		args[0] = AF_INET;
		args[1] = SOCK_STREAM;
		args[2] = 0;
		s = int80(102, 1, (long)(uintptr_t)args, 0);
	}
	report("int80-socket", s, s < 0 ? (int)-s : 0);
	if (s < 0) {
		effect(0);
		return;
	}
	if (direct) {
		rc = int80(362, s, (long)(uintptr_t)sa, sizeof *sa);
	} else {
		args[0] = (uint32_t)s;
		args[1] = (uint32_t)(uintptr_t)sa;
		args[2] = sizeof *sa;
		rc = int80(102, 3, (long)(uintptr_t)args, 0);
	}
	report("int80-connect", rc, rc < 0 ? (int)-rc : 0);
	effect(rc == 0 && echo_back((int)s, 0));
}

static void a_int80_socketcall(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int80_connect(0);
}

static void a_int80_connect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int80_connect(1);
}

/* i386 execve (11) of a dropped program, its argv as 32-bit pointers. */
static void a_int80_execve(int argc, char **argv)
{
	char *p = low_page();
	uint32_t *vec = (uint32_t *)p;
	char *path = p + 64, *arg = p + 2048;
	int pipefd[2];
	pid_t pid;

	need(argc, 2, "int80-execve DROPPED");
	drop_program(argv[1]);
	snprintf(path, 1984, "%s", argv[1]);
	snprintf(arg, 2048, "%s", token());
	vec[0] = (uint32_t)(uintptr_t)path;
	vec[1] = (uint32_t)(uintptr_t)arg;
	vec[2] = 0;
	vec[3] = 0; /* the empty environment */
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		long rc = int80(11, (long)(uintptr_t)path, (long)(uintptr_t)vec, (long)(uintptr_t)(vec + 3));
		report("int80-execve", rc, (int)-rc);
		_exit(127);
	}
	close(pipefd[1]);
	effect(output_has(pipefd[0], pid, token()));
}

/* x32: the x86-64 table with bit 30 set (openat is 257 there too). */
static void a_x32_open(int argc, char **argv)
{
	need(argc, 2, "x32-open PATH");
	long fd = syscall(X32_BIT | SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
	int err = errno;

	if (fd < 0 && err == ENOSYS)
		say("# x32 syscall: ENOSYS, no x32 ABI in this kernel (CONFIG_X86_X32_ABI)\n");
	judge_open("x32-openat", fd, err);
}

/* ---------------------------------------------------------------------
 * The application's own seccomp filters. */

static long install_filter(struct sock_filter *f, unsigned short n, unsigned flags)
{
	struct sock_fprog prog = { .len = n, .filter = f };

	/* Without CAP_SYS_ADMIN (the sensor drops it) a filter needs this. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs: %s", strerror(errno));
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* Return action for syscall nr (x86-64 only), allow everything else. */
static long filter_one(int nr, uint32_t action, unsigned flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64_, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return install_filter(f, sizeof f / sizeof f[0], flags);
}

/* RET_TRACE with data DATA for openat: two TRACE filters, the newest (ours)
 * gives the data the tracer sees. Natively no tracer is there to take the
 * stop, so the kernel would fail the openat with ENOSYS: that run leaves
 * the filter out and shows the read itself works. */
static void a_filter_trace(int argc, char **argv)
{
	need(argc, 3, "filter-trace DATA PATH");
	if (!native()) {
		long rc = filter_one(SYS_openat, SECCOMP_RET_TRACE | ((uint32_t)atoi(argv[1]) & SECCOMP_RET_DATA), 0);
		report("seccomp", rc, errno);
	}
	long fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* The near miss: a filter that refuses uname, then an ordinary read. */
static void a_filter_errno(int argc, char **argv)
{
	char buf[400];
	long rc, fd;
	int refused;

	need(argc, 2, "filter-errno PATH");
	rc = filter_one(SYS_uname, SECCOMP_RET_ERRNO | EPERM, 0);
	report("seccomp", rc, errno);
	rc = syscall(SYS_uname, buf);
	refused = rc < 0 && errno == EPERM;
	report("uname", rc, errno);
	fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
	report("openat", fd, errno);
	effect(refused && fd >= 0 && read((int)fd, buf, 4) == 4);
}

/* USER_NOTIF beats TRACE: a thread of ours answers "continue" for our own
 * openat, which then never reaches the sensor. */
static int listener_fd = -1;

static void *supervise(void *arg)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	(void)arg;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return NULL;
	req = calloc(1, sz.seccomp_notif > sizeof *req ? sz.seccomp_notif : sizeof *req);
	resp = calloc(1, sz.seccomp_notif_resp > sizeof *resp ? sz.seccomp_notif_resp : sizeof *resp);
	if (!req || !resp)
		return NULL;
	while (__atomic_load_n(&listener_fd, __ATOMIC_ACQUIRE) < 0)
		sleep_ms(5);
	for (;;) {
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			return NULL;
		memset(resp, 0, sizeof *resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
			return NULL;
	}
}

static void a_filter_listener(int argc, char **argv)
{
	pthread_t th;
	long lfd;

	need(argc, 2, "filter-listener PATH");
	/* The thread first, so that the filter (no TSYNC) is only ours. */
	if (pthread_create(&th, NULL, supervise, NULL))
		die("pthread_create failed");
	lfd = filter_one(SYS_openat, SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	report("seccomp-listener", lfd, errno);
	if (lfd < 0) {
		effect(0);
		return;
	}
	__atomic_store_n(&listener_fd, (int)lfd, __ATOMIC_RELEASE);
	long fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* ---------------------------------------------------------------------
 * Connections and datagrams by other syscalls than connect. */

static void a_connect(int argc, char **argv)
{
	struct sockaddr_in sa;
	long s, rc;

	need(argc, 2, "connect PORT");
	s = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	loopback(&sa, atoi(argv[1]));
	rc = syscall(SYS_connect, (int)s, &sa, sizeof sa);
	report("connect", rc, errno);
	effect(rc == 0 && echo_back((int)s, 0));
}

/* TCP Fast Open: sendto/sendmsg with MSG_FASTOPEN connects and sends. */
static void a_tfo(int argc, char **argv)
{
	struct sockaddr_in sa;
	const char *t = token();
	long s, rc;

	need(argc, 2, "tfo sendto|sendmsg");
	s = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	loopback(&sa, port());
	if (!strcmp(argv[1], "sendto")) {
		rc = syscall(SYS_sendto, (int)s, t, strlen(t), MSG_FASTOPEN, &sa, sizeof sa);
	} else {
		struct iovec iov = { (void *)t, strlen(t) };
		struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };

		rc = syscall(SYS_sendmsg, (int)s, &m, MSG_FASTOPEN);
	}
	report(argv[1], rc, errno);
	effect(rc == (long)strlen(t) && echo_back((int)s, 1));
}

/* IPv6 with the 24-byte sockaddr of RFC 2133 (no sin6_scope_id): the
 * kernel takes it, a decoder that wants 28 bytes might not. */
static void a_connect6_24(int argc, char **argv)
{
	struct sockaddr_in6 s6;
	long s, rc;

	need(argc, 2, "connect6-24 PORT");
	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((uint16_t)atoi(argv[1]));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &s6.sin6_addr);
	s = syscall(SYS_socket, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = syscall(SYS_connect, (int)s, &s6, 24);
	report("connect", rc, errno);
	effect(rc == 0 && echo_back((int)s, 0));
}

/* UDP to the pool port without connect: sendto, or sendmmsg. */
static void a_udp(int argc, char **argv)
{
	struct sockaddr_in sa;
	const char *t = token();
	long s, rc;

	need(argc, 2, "udp sendto|sendmmsg");
	s = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	loopback(&sa, port());
	if (!strcmp(argv[1], "sendto")) {
		rc = syscall(SYS_sendto, (int)s, t, strlen(t), 0, &sa, sizeof sa);
	} else {
		struct iovec iov = { (void *)t, strlen(t) };
		struct mmsghdr m = { .msg_hdr = { .msg_name = &sa, .msg_namelen = sizeof sa,
						  .msg_iov = &iov, .msg_iovlen = 1 } };

		rc = syscall(SYS_sendmmsg, (int)s, &m, 1, 0);
	}
	report(argv[1], rc, errno);
	effect(rc > 0 && echo_back((int)s, 1));
}

/* ---------------------------------------------------------------------
 * Creating and changing files by other syscalls than open. */

static void a_link(int argc, char **argv)
{
	long rc;

	need(argc, 4, "link link|linkat|symlink SRC DST");
	if (!strcmp(argv[1], "link"))
		rc = syscall(SYS_link, argv[2], argv[3]);
	else if (!strcmp(argv[1], "linkat"))
		rc = syscall(SYS_linkat, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 0);
	else
		rc = syscall(SYS_symlink, argv[2], argv[3]);
	report(argv[1], rc, errno);
	effect(rc == 0 && exists(argv[3]));
}

static void a_creat(int argc, char **argv)
{
	need(argc, 2, "creat PATH");
	long fd = syscall(SYS_creat, argv[1], 0755);
	report("creat", fd, errno);
	effect(fd >= 0 && exists(argv[1]));
}

/* openat2 with O_CREAT: a write below /etc by the newest open syscall. */
static void a_openat2_create(int argc, char **argv)
{
	struct open_how how = { .flags = O_WRONLY | O_CREAT | O_CLOEXEC, .mode = 0644 };

	need(argc, 2, "openat2-create PATH");
	long fd = syscall(SYS_openat2, AT_FDCWD, argv[1], &how, sizeof how);
	report("openat2", fd, errno);
	effect(fd >= 0 && exists(argv[1]));
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* truncate(2) by name; ftruncate(2) of an fd opened without O_TRUNC (the
 * open looks like an append); O_TRUNC itself, the baseline. */
static void a_truncate(int argc, char **argv)
{
	long rc, fd = -1;

	need(argc, 3, "truncate path|fd|otrunc PATH");
	if (!strcmp(argv[1], "path")) {
		rc = syscall(SYS_truncate, argv[2], 0L);
		report("truncate", rc, errno);
	} else if (!strcmp(argv[1], "fd")) {
		fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_WRONLY | O_APPEND | O_CLOEXEC);
		report("openat", fd, errno);
		rc = syscall(SYS_ftruncate, (int)fd, 0L);
		report("ftruncate", rc, errno);
	} else {
		rc = syscall(SYS_openat, AT_FDCWD, argv[2], O_WRONLY | O_TRUNC | O_CLOEXEC);
		report("openat", rc, errno);
	}
	effect(rc >= 0 && size_of(argv[2]) == 0);
}

/* The near miss: appending a line to a log. */
static void a_append(int argc, char **argv)
{
	off_t before;
	long fd, n;

	need(argc, 2, "append PATH");
	before = size_of(argv[1]);
	fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_WRONLY | O_APPEND | O_CLOEXEC);
	report("openat", fd, errno);
	n = write((int)fd, "appended\n", 9);
	effect(n == 9 && size_of(argv[1]) == before + 9);
}

/* File capabilities: a binary that gets CAP_NET_RAW when run. */
static void a_setxattr_cap(int argc, char **argv)
{
	/* vfs_cap_data v2: magic_etc, then permitted/inheritable x 2. */
	uint32_t cap[5] = { 0x02000000 | 1 /* effective */, 1u << 13 /* CAP_NET_RAW */, 0, 0, 0 };
	long rc;

	need(argc, 2, "setxattr-cap PATH");
	rc = syscall(SYS_setxattr, argv[1], "security.capability", cap, sizeof cap, 0);
	report("setxattr", rc, errno);
	effect(rc == 0 && getxattr(argv[1], "security.capability", NULL, 0) > 0);
}

static int content_is(const char *path, const char *want)
{
	char buf[64] = "";
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 && !strncmp(buf, want, strlen(want));
}

/* Swap a file of ours with one below /usr/local/bin: no name is created,
 * opened or unlinked there. */
static void a_rename_exchange(int argc, char **argv)
{
	int fd;
	long rc;

	need(argc, 3, "rename-exchange OURS THEIRS");
	fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, "evasion\n", 8) != 8)
		die("%s: %s", argv[1], strerror(errno));
	close(fd);
	rc = syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
	report("renameat2", rc, errno);
	effect(rc == 0 && content_is(argv[2], "evasion"));
}

/* fchmodat2 (Linux 6.6), a newer chmod: the setuid bit. */
static void a_fchmodat2(int argc, char **argv)
{
	struct stat st;
	long rc;

	need(argc, 2, "fchmodat2 PATH");
	rc = syscall(__NR_fchmodat2, AT_FDCWD, argv[1], 04755, 0);
	report("fchmodat2", rc, errno);
	effect(rc == 0 && stat(argv[1], &st) == 0 && (st.st_mode & S_ISUID));
}

/* ---------------------------------------------------------------------
 * Running programs the attacker wrote, by every road. */

static void a_drop_exec(int argc, char **argv)
{
	need(argc, 2, "drop-exec DROPPED");
	drop_program(argv[1]);
	char *args[] = { argv[1], (char *)token(), NULL };
	effect(run_and_see(argv[1], args, environ, token()));
}

/* execveat(fd, "", AT_EMPTY_PATH) of a dropped program. */
static void a_drop_execveat(int argc, char **argv)
{
	char *args[3];
	int p[2];
	pid_t pid;

	need(argc, 2, "drop-execveat DROPPED");
	drop_program(argv[1]);
	args[0] = argv[1];
	args[1] = (char *)token();
	args[2] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);

		dup2(p[1], 1);
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		report("execveat", -1, errno);
		_exit(127);
	}
	close(p[1]);
	effect(output_has(p[0], pid, token()));
}

/* An unnamed file (O_TMPFILE) filled, then given a name by linkat. */
static void a_tmpfile_exec(int argc, char **argv)
{
	char proc[64], buf[65536];
	int fd, in;
	ssize_t n;
	long rc;

	need(argc, 3, "tmpfile-exec DIR NAME");
	fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_TMPFILE | O_RDWR | O_CLOEXEC, 0755);
	if (!report("openat-tmpfile", fd, errno)) {
		effect(0);
		return;
	}
	in = open("/bin/echo", O_RDONLY | O_CLOEXEC);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			die("tmpfile: short write");
	close(in);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	rc = syscall(SYS_linkat, AT_FDCWD, proc, AT_FDCWD, argv[2], AT_SYMLINK_FOLLOW);
	report("linkat", rc, errno);
	close(fd); /* else ETXTBSY */
	char *args[] = { argv[2], (char *)token(), NULL };
	effect(rc == 0 && run_and_see(argv[2], args, environ, token()));
}

/* The program's directory renamed after it was written: a tracer keeping
 * written paths would look for the old name. */
static void a_renamed_parent(int argc, char **argv)
{
	char d1[512], d2[512], prog[600];

	need(argc, 2, "renamed-parent DIR");
	snprintf(d1, sizeof d1, "%s/before", argv[1]);
	snprintf(d2, sizeof d2, "%s/after", argv[1]);
	if (syscall(SYS_mkdirat, AT_FDCWD, d1, 0755) < 0)
		die("mkdir %s: %s", d1, strerror(errno));
	snprintf(prog, sizeof prog, "%s/prog", d1);
	drop_program(prog);
	report("renameat", syscall(SYS_renameat, AT_FDCWD, d1, AT_FDCWD, d2), errno);
	snprintf(prog, sizeof prog, "%s/prog", d2);
	char *args[] = { prog, (char *)token(), NULL };
	effect(run_and_see(prog, args, environ, token()));
}

/* More files written than a bounded set of written paths holds, then one
 * program: the set full must not make it look clean. */
static void a_many_files(int argc, char **argv)
{
	char path[600];
	long i, n;

	need(argc, 3, "many-files DIR COUNT");
	n = atol(argv[2]);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
		int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
		close(fd);
	}
	say("# %ld files written\n", n);
	snprintf(path, sizeof path, "%s/prog", argv[1]);
	drop_program(path);
	char *args[] = { path, (char *)token(), NULL };
	effect(run_and_see(path, args, environ, token()));
}

/* The dynamic loader as the program: the kernel execs ld.so, which maps
 * the dropped program itself. */
static void a_ldso_exec(int argc, char **argv)
{
	need(argc, 3, "ldso-exec LDSO DROPPED");
	drop_program(argv[2]);
	char *args[] = { argv[1], argv[2], (char *)token(), NULL };
	effect(run_and_see(argv[1], args, environ, token()));
}

/* LD_PRELOAD of a library written after start (a copy of SRC, whose
 * constructor prints PRELOADED) into an innocent program. */
static void a_preload(int argc, char **argv)
{
	char env[600];

	need(argc, 4, "preload SRC DST PROG");
	copy_file(argv[1], argv[2], 0755);
	snprintf(env, sizeof env, "LD_PRELOAD=%s", argv[2]);
	char *args[] = { argv[3], (char *)token(), NULL };
	char *envp[] = { env, NULL };
	effect(run_and_see(argv[3], args, envp, "PRELOADED"));
}

/* A program run with an argv[0] of our choice: WANT in its output ("-":
 * it exits 0) is the effect. Multicall binaries, trampolines, renamed
 * copies. */
static void a_exec(int argc, char **argv)
{
	int p[2];
	pid_t pid;
	char buf[8192];
	int rc;

	need(argc, 4, "exec WANT PATH ARGV0 [ARG...]");
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		syscall(SYS_execve, argv[2], argv + 3, environ);
		report("execve", -1, errno);
		_exit(127);
	}
	close(p[1]);
	drain(p[0], buf, sizeof buf);
	rc = wait_exit(pid);
	if (*buf)
		say("# output: %.200s\n", buf);
	effect(rc == 0 && (!strcmp(argv[1], "-") || strstr(buf, argv[1])));
}

/* Like exec, judged by a marker file the program (or the one it runs)
 * writes: nc -e runs its program on the socket, not on our pipe. */
static void a_exec_mark(int argc, char **argv)
{
	pid_t pid;

	need(argc, 4, "exec-mark MARK PATH ARGV0 [ARG...]");
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execve, argv[2], argv + 3, environ);
		report("execve", -1, errno);
		_exit(127);
	}
	wait_exit(pid);
	effect(exists(argv[1]));
}

/* nc with COUNT arguments of SIZE bytes before "-e /bin/sh": past what a
 * tracer keeps of argv. nc is echo(1) under that name: the token at the
 * end of its output says it ran with them all. */
static void a_many_args(int argc, char **argv)
{
	long count, size, i;
	char **args, *filler;

	need(argc, 4, "many-args PATH COUNT SIZE");
	count = atol(argv[2]);
	size = atol(argv[3]);
	args = calloc((size_t)count + 5, sizeof *args);
	filler = malloc((size_t)size + 1);
	if (!args || !filler)
		die("out of memory");
	memset(filler, 'v', (size_t)size);
	filler[0] = '-';
	filler[size] = '\0';
	args[0] = argv[1];
	for (i = 1; i <= count; i++)
		args[i] = filler;
	args[i++] = "-e";
	args[i++] = "/bin/sh";
	args[i++] = (char *)token();
	args[i] = NULL;
	effect(run_and_see(argv[1], args, environ, token()));
}

/* ---------------------------------------------------------------------
 * Class 3: another root. */

static void a_chroot_open(int argc, char **argv)
{
	long rc;

	need(argc, 3, "chroot-open ROOT PATH");
	rc = syscall(SYS_chroot, argv[1]);
	report("chroot", rc, errno);
	if (rc < 0) {
		effect(0);
		return;
	}
	long fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* A private mount namespace with /etc bound elsewhere. */
static void a_mountns_bind(int argc, char **argv)
{
	char path[600];
	long rc;

	need(argc, 3, "mountns-bind SRC MOUNTPOINT");
	rc = syscall(SYS_unshare, (unsigned long)CLONE_NEWNS);
	report("unshare", rc, errno);
	if (rc == 0) {
		rc = syscall(SYS_mount, "none", "/", NULL, (unsigned long)(MS_REC | MS_PRIVATE), NULL);
		rc = syscall(SYS_mount, argv[1], argv[2], NULL, (unsigned long)MS_BIND, NULL);
		report("mount", rc, errno);
	}
	if (rc < 0) {
		effect(0);
		return;
	}
	snprintf(path, sizeof path, "%s/shadow", argv[2]);
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	judge_open("openat", fd, errno);
}

/* A hard link or a symlink the attacker makes to the file, then read. */
static void a_alias_read(int argc, char **argv)
{
	long rc;

	need(argc, 4, "alias-read link|symlink TARGET ALIAS");
	if (!strcmp(argv[1], "link"))
		rc = syscall(SYS_linkat, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 0);
	else
		rc = syscall(SYS_symlinkat, argv[2], AT_FDCWD, argv[3]);
	report(argv[1], rc, errno);
	long fd = syscall(SYS_openat, AT_FDCWD, argv[3], O_RDONLY | O_CLOEXEC);
	int err = errno;
	report("openat", fd, err);
	/* /etc/passwd (the near miss) starts with "root:" too. */
	effect(fd >= 0 && shadow_bytes((int)fd));
}

/* ---------------------------------------------------------------------
 * Class 2/5: writing into a sibling process's memory. */

static volatile int sibling_flag;

/* A child whose flag we change from outside; it exits 42 if it changed. */
static void poke_sibling(int use_mem)
{
	int go[2], ready[2], val = 42;
	pid_t pid;
	char c;
	long rc;

	if (pipe(go) < 0 || pipe(ready) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		c = 'r';
		if (write(ready[1], &c, 1) < 0 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(sibling_flag == 42 ? 42 : 0);
	}
	if (read(ready[0], &c, 1) != 1)
		die("sibling did not start");
	if (use_mem) {
		char path[64];

		snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
		int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
		report("openat-mem", fd, errno);
		rc = syscall(SYS_pwrite64, fd, &val, sizeof val, (long)(uintptr_t)&sibling_flag);
		report("pwrite", rc, errno);
	} else {
		struct iovec local = { &val, sizeof val }, remote = { (void *)&sibling_flag, sizeof val };

		rc = syscall(SYS_process_vm_writev, pid, &local, 1UL, &remote, 1UL, 0UL);
		report("process_vm_writev", rc, errno);
	}
	c = 'g';
	if (write(go[1], &c, 1) < 0)
		die("go: %s", strerror(errno));
	effect(wait_exit(pid) == 42);
}

static void a_vm_writev(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	poke_sibling(0);
}

static void a_proc_mem(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	poke_sibling(1);
}

/* ---------------------------------------------------------------------
 * Class 5: attacks on the sensor (our parent). */

/* Is the sensor dead or stopped after a signal? Dead: we were reparented.
 * Stopped: under a tracer, our next traced syscall (an open) never
 * returns, so a thread made before the attack tries one and we wait for
 * it; natively (no tracer) the state is read from /proc instead. */
struct probe {
	int go[2], done[2];
	pthread_t th;
};

static void *probe_main(void *arg)
{
	struct probe *p = arg;
	char c = '?', buf[512], *rp;
	int fd;

	if (read(p->go[0], &c, 1) != 1)
		return NULL;
	if (native()) {
		snprintf(buf, sizeof buf, "/proc/%d/stat", (int)sensor_pid);
		fd = (int)syscall(SYS_openat, AT_FDCWD, buf, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		buf[n > 0 ? n : 0] = '\0';
		rp = strrchr(buf, ')');
		c = rp && rp[1] && rp[2] ? rp[2] : '?';
	} else {
		fd = (int)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		c = 'R';
	}
	if (fd >= 0)
		close(fd);
	if (write(p->done[1], &c, 1) < 0)
		return NULL;
	return NULL;
}

static void probe_start(struct probe *p)
{
	if (pipe(p->go) < 0 || pipe(p->done) < 0)
		die("pipe: %s", strerror(errno));
	if (pthread_create(&p->th, NULL, probe_main, p))
		die("pthread_create failed");
}

static int sensor_hit(struct probe *p)
{
	char c = 'g';

	sleep_ms(300);
	if (getppid() != sensor_pid) {
		say("# the sensor %d is gone\n", (int)sensor_pid);
		return 1;
	}
	if (write(p->go[1], &c, 1) < 0 || !readable(p->done[0], 1500)) {
		say("# a traced syscall stalled: the sensor is stopped\n");
		return 1;
	}
	if (read(p->done[0], &c, 1) == 1 && (c == 'T' || c == 't' || c == 'Z' || c == 'X')) {
		say("# the sensor's state is %c\n", c);
		return 1;
	}
	return 0;
}

/* A thread of the sensor other than the main one, if it has any. */
static pid_t sensor_thread(void)
{
	char path[64];
	long tid = sensor_pid;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof path, "/proc/%d/task", (int)sensor_pid);
	d = opendir(path);
	while (d && (e = readdir(d)))
		if (atol(e->d_name) > 0 && atol(e->d_name) != sensor_pid)
			tid = atol(e->d_name);
	if (d)
		closedir(d);
	return (pid_t)tid;
}

static int signum(const char *s)
{
	if (!strcmp(s, "KILL"))
		return SIGKILL;
	if (!strcmp(s, "STOP"))
		return SIGSTOP;
	die("signal %s is not KILL or STOP", s);
}

/* The end of every signal attack: the verdict, then the sensor (or the
 * decoy) continued if it was stopped, so that the run can end. */
static void judge_signal(struct probe *p, int sig, long rc)
{
	int hit = rc >= 0 && sensor_hit(p);

	effect(hit);
	if (sig == SIGSTOP && hit)
		kill(sensor_pid, SIGCONT);
}

/* The ways to signal the sensor: each returns the syscall's answer with
 * errno as the syscall left it. */
static long sig_kill(int sig)
{
	return syscall(SYS_kill, sensor_pid, sig);
}

static long sig_tkill(int sig)
{
	return syscall(SYS_tkill, sensor_thread(), sig);
}

static long sig_tgkill(int sig)
{
	return syscall(SYS_tgkill, sensor_pid, sensor_thread(), sig);
}

/* Out of the sensor's group first (we share it), then the group. */
static long sig_pgrp(int sig)
{
	pid_t pg = getpgid(sensor_pid);

	if (pg <= 1) {
		/* 0: a group outside our PID namespace; 1: init's. */
		die("the sensor's process group %d is not one to signal", (int)pg);
	}
	report("setpgid", syscall(SYS_setpgid, 0, 0), errno);
	return syscall(SYS_kill, -pg, sig);
}

/* A child left in the sensor's group signals "its own group" (kill(0)),
 * which names no pid at all. */
static long sig_pgrp0(int sig)
{
	int go[2], st;
	char c = 'g';
	pid_t child;

	if (sig != SIGKILL)
		die("pgrp0 takes KILL only (a stopped child would never be reaped)");
	/* Leading a group of our own (the sensor gives its application one,
	 * and refuses setpgid into its group), no child of ours can be in
	 * the sensor's group: the move does not exist. */
	if (getpgrp() == getpid()) {
		errno = ESRCH;
		return -1;
	}
	if (pipe(go) < 0)
		die("pipe: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		long r = syscall(SYS_kill, 0, sig);
		report("kill-0", r, errno);
		_exit(r == 0 ? 0 : 1);
	}
	report("setpgid", syscall(SYS_setpgid, 0, 0), errno);
	if (write(go[1], &c, 1) < 0)
		die("go: %s", strerror(errno));
	/* The group includes the child itself: killed by its own signal. */
	st = wait_exit(child);
	errno = EPERM;
	return st == 0 || st == 128 + sig ? 0 : -1;
}

static long sig_pidfd(int sig)
{
	long fd = syscall(SYS_pidfd_open, sensor_pid, 0);

	report("pidfd_open", fd, errno);
	return syscall(SYS_pidfd_send_signal, (int)fd, sig, NULL, 0);
}

/* An fd of the /proc/PID directory is a pidfd for pidfd_send_signal. */
static long sig_procfd(int sig)
{
	char path[64];
	long fd;

	snprintf(path, sizeof path, "/proc/%d", (int)sensor_pid);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	report("openat-proc", fd, errno);
	return syscall(SYS_pidfd_send_signal, (int)fd, sig, NULL, 0);
}

static long sig_sigqueue(int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	return syscall(SYS_rt_sigqueueinfo, sensor_pid, sig, &si);
}

static const struct {
	const char *name;
	long (*send)(int sig);
} signal_ways[] = {
	{ "kill", sig_kill }, { "tkill", sig_tkill }, { "tgkill", sig_tgkill },
	{ "pgrp", sig_pgrp }, { "pgrp0", sig_pgrp0 }, { "pidfd", sig_pidfd },
	{ "procfd", sig_procfd }, { "sigqueue", sig_sigqueue },
};

/* signal WAY KILL|STOP: the sensor signalled that way, then judged. */
static void a_signal(int argc, char **argv)
{
	struct probe p;
	size_t i;
	long rc;
	int sig;

	need(argc, 3, "signal kill|tkill|tgkill|pgrp|pgrp0|pidfd|procfd|sigqueue KILL|STOP");
	sig = signum(argv[2]);
	for (i = 0; i < sizeof signal_ways / sizeof signal_ways[0]; i++)
		if (!strcmp(argv[1], signal_ways[i].name))
			break;
	if (i == sizeof signal_ways / sizeof signal_ways[0])
		die("signal: unknown way %s", argv[1]);
	probe_start(&p);
	rc = signal_ways[i].send(sig);
	report(argv[1], rc, errno);
	judge_signal(&p, sig, rc);
}

/* kill(-1, SIG): everything we may signal but init and us. Then a read of
 * /etc/shadow, whose Finding says the sensor still works. */
static void a_kill_all(int argc, char **argv)
{
	struct probe p;
	int sig;
	long rc;

	need(argc, 2, "kill-all KILL|STOP");
	sig = signum(argv[1]);
	probe_start(&p);
	rc = syscall(SYS_kill, -1, sig);
	report("kill", rc, errno);
	effect(rc == 0 && sensor_hit(&p));
	if (sig == SIGSTOP)
		kill(-1, SIGCONT);
	long fd = syscall(SYS_openat, AT_FDCWD, "/etc/shadow", O_RDONLY | O_CLOEXEC);
	report("openat", fd, errno);
}

/* A signal the kernel sends for us: SIGIO ownership of a pipe given to
 * the sensor, with SIGKILL as the signal, then the pipe made readable. */
static void a_fsetown(int argc, char **argv)
{
	struct probe p;
	int fds[2];
	long rc;

	(void)argc;
	(void)argv;
	probe_start(&p);
	if (pipe(fds) < 0)
		die("pipe: %s", strerror(errno));
	rc = syscall(SYS_fcntl, fds[0], F_SETOWN, sensor_pid);
	report("F_SETOWN", rc, errno);
	if (rc == 0) {
		rc = syscall(SYS_fcntl, fds[0], F_SETSIG, SIGKILL);
		report("F_SETSIG", rc, errno);
	}
	if (rc == 0) {
		rc = syscall(SYS_fcntl, fds[0], F_SETFL, O_ASYNC);
		report("O_ASYNC", rc, errno);
	}
	if (write(fds[1], "x", 1) != 1)
		die("pipe write: %s", strerror(errno));
	judge_signal(&p, SIGKILL, rc);
}

/* Starving or weakening the sensor: each way reports its call, reads the
 * change back where a syscall can (no /proc open of the sensor: that is
 * refused) and says whether it took. */
static int weak_prlimit(void)
{
	struct rlimit rl = { 1, 1 };
	long rc = syscall(SYS_prlimit64, sensor_pid, RLIMIT_CPU, &rl, NULL);

	return report("prlimit", rc, errno);
}

static int weak_nice(int user)
{
	long rc = syscall(SYS_setpriority, user ? PRIO_USER : PRIO_PROCESS, user ? 0 : sensor_pid, 19);
	int now;

	report("setpriority", rc, errno);
	now = getpriority(PRIO_PROCESS, (id_t)sensor_pid);
	say("# the sensor's nice value: %d\n", now);
	return rc == 0 && now == 19;
}

static int weak_nice_process(void)
{
	return weak_nice(0);
}

/* PRIO_USER 0: every process of our uid in our PID namespace. */
static int weak_nice_user(void)
{
	return weak_nice(1);
}

static int weak_affinity(void)
{
	cpu_set_t set;
	long rc;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	rc = syscall(SYS_sched_setaffinity, sensor_pid, sizeof set, &set);
	report("sched_setaffinity", rc, errno);
	CPU_ZERO(&set);
	sched_getaffinity(sensor_pid, sizeof set, &set);
	say("# the sensor's CPUs: %d\n", CPU_COUNT(&set));
	return rc == 0 && CPU_COUNT(&set) == 1;
}

static int weak_idle(void)
{
	struct sched_param sp = { 0 };
	long rc = syscall(SYS_sched_setscheduler, sensor_pid, SCHED_IDLE, &sp);

	report("sched_setscheduler", rc, errno);
	return rc == 0 && sched_getscheduler(sensor_pid) == SCHED_IDLE;
}

static int weak_ioprio(void)
{
	int prio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0);
	long rc = syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, sensor_pid, prio);

	report("ioprio_set", rc, errno);
	return rc == 0 && syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, sensor_pid) == prio;
}

/* The OOM killer's first choice. */
static int weak_oom(void)
{
	char path[64];
	long fd, n;

	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)sensor_pid);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
	report("openat", fd, errno);
	n = fd >= 0 ? write((int)fd, "1000\n", 5) : -1;
	report("write", n, errno);
	return n == 5;
}

/* Into the sensor's group, from a group of our own: then a kill(0) of
 * ours, or the group's job control, reaches it. */
static int weak_setpgid(void)
{
	pid_t pg = getpgid(sensor_pid);
	long rc;

	report("setpgid-own", syscall(SYS_setpgid, 0, 0), errno);
	if (pg <= 1)
		die("the sensor's process group %d is not one to join", (int)pg);
	rc = syscall(SYS_setpgid, 0, pg);
	report("setpgid", rc, errno);
	return rc == 0 && getpgrp() == pg;
}

static int weak_ptrace(void)
{
	long rc = syscall(SYS_ptrace, PTRACE_ATTACH, sensor_pid, NULL, NULL);
	int st;

	report("ptrace-attach", rc, errno);
	if (rc != 0)
		return 0;
	waitpid(sensor_pid, &st, __WALL);
	syscall(SYS_ptrace, PTRACE_DETACH, sensor_pid, NULL, NULL);
	return 1;
}

static const struct {
	const char *name;
	int (*weaken)(void);
} weaken_ways[] = {
	{ "prlimit", weak_prlimit }, { "nice", weak_nice_process }, { "nice-user", weak_nice_user },
	{ "affinity", weak_affinity }, { "idle", weak_idle }, { "ioprio", weak_ioprio },
	{ "oom", weak_oom }, { "setpgid", weak_setpgid }, { "ptrace", weak_ptrace },
};

static void a_sched(int argc, char **argv)
{
	size_t i;

	need(argc, 2, "sched prlimit|nice|nice-user|affinity|idle|ioprio|oom|setpgid|ptrace");
	for (i = 0; i < sizeof weaken_ways / sizeof weaken_ways[0]; i++) {
		if (!strcmp(argv[1], weaken_ways[i].name)) {
			effect(weaken_ways[i].weaken());
			return;
		}
	}
	die("sched: unknown way %s", argv[1]);
}

/* The near misses: our own nice value, our own child killed. */
static void a_nice_self(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* One step nicer than now: lowering the value needs CAP_SYS_NICE,
	 * which the sensor drops, and the suite may start at any nice. */
	int want = getpriority(PRIO_PROCESS, 0) + 1;

	if (want > 19)
		want = 19;
	long rc = syscall(SYS_setpriority, PRIO_PROCESS, 0, want);
	report("setpriority", rc, errno);
	effect(rc == 0 && getpriority(PRIO_PROCESS, 0) == want);
}

static void a_kill_child(int argc, char **argv)
{
	pid_t pid;
	long rc;

	(void)argc;
	(void)argv;
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	rc = syscall(SYS_kill, pid, SIGKILL);
	report("kill", rc, errno);
	effect(rc == 0 && wait_exit(pid) == 128 + SIGKILL);
}

/* ---------------------------------------------------------------------
 * Class 7: the capabilities the application keeps. */

static uint64_t cap_field(const char *name)
{
	char line[256];
	uint64_t v = 0;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, name, strlen(name)))
			v = strtoull(line + strlen(name), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

static void a_cap(int argc, char **argv)
{
	uint64_t eff, bnd;
	int bit;

	need(argc, 2, "cap NUMBER");
	bit = atoi(argv[1]);
	eff = cap_field("CapEff:");
	bnd = cap_field("CapBnd:");
	say("# CapEff %016llx CapBnd %016llx\n", (unsigned long long)eff, (unsigned long long)bnd);
	effect(((eff | bnd) >> bit) & 1);
}

/* ---------------------------------------------------------------------
 * The decoy and the table. */

static void *decoy_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Natively, a stand-in for the sensor: a second thread (the sensor has
 * some), the attack in a child, its exit status ours. */
static int decoy(void)
{
	pthread_t th;
	int st;
	pid_t pid;

	/* Its own process group, as catatonit gives the sensor. */
	setpgid(0, 0);
	if (pthread_create(&th, NULL, decoy_thread, NULL))
		die("pthread_create failed");
	pid = fork();
	if (pid != 0) {
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return 2;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return -1;
}

static const struct {
	const char *name;
	void (*run)(int, char **);
} attacks[] = {
	{ "clone-untraced", a_clone_untraced }, { "clone-untraced-thread", a_clone_untraced_thread },
	{ "clone-plain", a_clone_plain }, { "clone3", a_clone3 }, { "clone3-fallback", a_clone3_fallback },
	{ "vfork-exec", a_vfork_exec }, { "spawn-exec", a_spawn_exec }, { "clone-parent", a_clone_parent },
	{ "daemon", a_daemon }, { "unshare-user", a_unshare_user }, { "clone-user", a_clone_user },
	{ "open", a_open }, { "openat", a_openat }, { "openat2", a_openat2 }, { "openat-dir", a_openat_dir },
	{ "chdir-open", a_chdir_open }, { "opath-reopen", a_opath_reopen },
	{ "open-by-handle", a_open_by_handle }, { "long-path", a_long_path },
	{ "uring-open", a_uring_open }, { "uring-connect", a_uring_connect },
	{ "int80-open", a_int80_open }, { "int80-socketcall", a_int80_socketcall },
	{ "int80-connect", a_int80_connect }, { "int80-execve", a_int80_execve }, { "x32-open", a_x32_open },
	{ "filter-trace", a_filter_trace }, { "filter-errno", a_filter_errno },
	{ "filter-listener", a_filter_listener }, { "connect", a_connect }, { "tfo", a_tfo },
	{ "connect6-24", a_connect6_24 }, { "udp", a_udp }, { "link", a_link }, { "creat", a_creat },
	{ "openat2-create", a_openat2_create }, { "truncate", a_truncate }, { "append", a_append },
	{ "setxattr-cap", a_setxattr_cap }, { "rename-exchange", a_rename_exchange },
	{ "fchmodat2", a_fchmodat2 }, { "drop-exec", a_drop_exec }, { "drop-execveat", a_drop_execveat },
	{ "tmpfile-exec", a_tmpfile_exec }, { "renamed-parent", a_renamed_parent },
	{ "many-files", a_many_files }, { "ldso-exec", a_ldso_exec }, { "preload", a_preload },
	{ "exec", a_exec }, { "exec-mark", a_exec_mark }, { "many-args", a_many_args },
	{ "chroot-open", a_chroot_open }, { "mountns-bind", a_mountns_bind }, { "alias-read", a_alias_read },
	{ "vm-writev", a_vm_writev }, { "proc-mem", a_proc_mem }, { "signal", a_signal },
	{ "kill-all", a_kill_all }, { "fsetown", a_fsetown }, { "sched", a_sched },
	{ "nice-self", a_nice_self }, { "kill-child", a_kill_child }, { "cap", a_cap },
};

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "--decoy")) {
		rc = decoy();
		if (rc >= 0)
			return rc;
		argv++;
		argc--;
	}
	if (argc < 2)
		die("usage: evasion [--decoy] ATTACK [ARG...]");
	/* Above the descriptors the attacks duplicate onto. */
	out_fd = fcntl(1, F_DUPFD_CLOEXEC, 10);
	if (out_fd < 0)
		die("stdout: %s", strerror(errno));
	sensor_pid = getppid();
	attack_name = argv[1];
	say("START pid=%d\n", (int)getpid());
	for (i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		if (!strcmp(argv[1], attacks[i].name)) {
			attacks[i].run(argc - 1, argv + 1);
			return 0;
		}
	}
	die("unknown attack %s", argv[1]);
}
