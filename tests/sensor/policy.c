/* policy.c: the sensor's integrity policies from inside the application,
 * for tests/suite-sensor.sh: each subcommand makes the offending call (and
 * a benign neighbour that must still work) by raw syscall, so that libc
 * never swaps in another one, and prints one line per call:
 *     NAME: ok    or    NAME: <ERRNO NAME>
 * Run under the sensor as its direct child (the sensor, not PID 1, is the
 * parent: getppid() names it).
 *
 * Usage: policy SUBCOMMAND [ARG]
 *   blindspots      clone(CLONE_UNTRACED), clone/unshare(CLONE_NEWUSER),
 *                   io_uring_setup, open_by_handle_at, seccomp listener
 *   int80 PATH      i386 open(PATH, O_CREAT) by int $0x80, twice; then
 *                   whether PATH exists (the skipped syscall created nothing)
 *   x32             an x32 getpid, twice
 *   sched           setpriority/ioprio_set/sched_* at the sensor and at self
 *   procfs          /proc/SENSOR/oom_score_adj written and read
 *   sink PATH       the event file opened, appended, unlinked, renamed
 *   appfilter PATH  installs a filter of its own returning RET_TRACE with
 *                   data 0 for openat, then opens PATH read-only
 *   killall N       N children sleep; kill(-1, SIGTERM); how they ended;
 *                   then kill(-1, 0) with no other process. Only inside a
 *                   PID namespace of its own: should the sensor not take
 *                   kill(-1) over, it must not reach the host's processes
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	default: return strerror(e);
	}
}

static void say(const char *name, long rc)
{
	printf("%s: %s\n", name, errname(rc < 0 ? errno : 0));
	fflush(stdout);
}

/* A clone that returns at once in the child. */
static long try_clone(unsigned long flags)
{
	long rc = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);

	if (rc == 0)
		_exit(0);
	if (rc > 0)
		waitpid((pid_t)rc, NULL, 0);
	return rc;
}

static int blindspots(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	char params[120] = { 0 };
	struct { unsigned int bytes; int type; unsigned char h[8]; } fh = { 8, 1, { 0 } };

	say("clone CLONE_UNTRACED", try_clone(CLONE_UNTRACED));
	say("clone CLONE_NEWUSER", try_clone(CLONE_NEWUSER));
	say("clone plain", try_clone(0));
	say("unshare CLONE_NEWUSER", syscall(SYS_unshare, CLONE_NEWUSER));
	say("io_uring_setup", syscall(SYS_io_uring_setup, 4, params));
	say("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
	say("seccomp NEW_LISTENER", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
					    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
	say("seccomp plain filter", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
	return 0;
}

/* i386 open by int $0x80 from this 64-bit process; the path below 4 GiB. */
static int int80(const char *path)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long rc;

	if (p == MAP_FAILED)
		return 2;
	snprintf(p, 4096, "%s", path);
	for (int i = 0; i < 2; i++) {
		/* i386 open is 5; O_WRONLY|O_CREAT (0101), mode 0600. */
		/* The kernel does not keep r8-r11 across int $0x80 from 64-bit. */
		__asm__ volatile("int $0x80" : "=a"(rc) : "a"(5L), "b"(p), "c"(0101L),
				 "d"(0600L) : "memory", "r8", "r9", "r10", "r11");
		rc = (int)rc;
		if (rc >= 0)
			close((int)rc);
		printf("int80 open: %s\n", rc < 0 ? errname((int)-rc) : "ok");
	}
	printf("created: %s\n", access(path, F_OK) == 0 ? "yes" : "no");
	return 0;
}

/* Twice: the Finding comes once per process. */
static int x32(void)
{
	say("x32 getpid", syscall(0x40000000 | SYS_getpid));
	say("x32 getpid again", syscall(0x40000000 | SYS_getpid));
	return 0;
}

static int sched(void)
{
	pid_t sensor = getppid();
	cpu_set_t set;
	struct sched_param sp = { 0 };
	/* The nice value as it is: lowering it needs CAP_SYS_NICE, which the
	 * app no longer has. attr: size, policy, flags (64 bits), nice. */
	int nice_now = getpriority(PRIO_PROCESS, 0);
	unsigned attr[14] = { 56, SCHED_OTHER, 0, 0, (unsigned)nice_now };

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	say("setpriority PRIO_PROCESS sensor", syscall(SYS_setpriority, PRIO_PROCESS, sensor, 19));
	say("setpriority PRIO_PGRP sensor", syscall(SYS_setpriority, PRIO_PGRP, getpgid(sensor), 19));
	say("setpriority PRIO_USER", syscall(SYS_setpriority, PRIO_USER, 0, 19));
	say("setpriority self", syscall(SYS_setpriority, PRIO_PROCESS, 0, nice_now));
	say("ioprio_set sensor", syscall(SYS_ioprio_set, 1, sensor, 3 << 13));
	say("ioprio_set WHO_USER", syscall(SYS_ioprio_set, 3, 0, 3 << 13));
	say("ioprio_set self", syscall(SYS_ioprio_set, 1, 0, 0));
	say("sched_setaffinity sensor", syscall(SYS_sched_setaffinity, sensor, sizeof set, &set));
	say("sched_setaffinity self", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
	say("sched_setscheduler sensor", syscall(SYS_sched_setscheduler, sensor, SCHED_IDLE, &sp));
	say("sched_setparam sensor", syscall(SYS_sched_setparam, sensor, &sp));
	say("sched_setattr sensor", syscall(SYS_sched_setattr, sensor, attr, 0));
	say("sched_setattr self", syscall(SYS_sched_setattr, 0, attr, 0));
	return 0;
}

static int procfs(void)
{
	char path[64];
	long fd;

	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)getppid());
	fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY);
	say("write /proc/SENSOR/oom_score_adj", fd);
	if (fd >= 0)
		close((int)fd);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	say("read /proc/SENSOR/oom_score_adj", fd);
	if (fd >= 0)
		close((int)fd);
	return 0;
}

static int sink(const char *path)
{
	char other[4096];
	long fd;

	snprintf(other, sizeof other, "%s.moved", path);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND);
	say("sink open for append", fd);
	if (fd >= 0)
		close((int)fd);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_TRUNC);
	say("sink open O_TRUNC", fd);
	if (fd >= 0)
		close((int)fd);
	say("sink unlink", syscall(SYS_unlink, path));
	say("sink rename", syscall(SYS_rename, path, other));
	return 0;
}

static int appfilter(const char *path)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof f / sizeof *f, f };
	long fd;

	say("own filter", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	say("open", fd);
	if (fd >= 0)
		close((int)fd);
	return 0;
}

/* The host's own PID namespace (PROC_PID_INIT_INO): kill(-1) there, if the
 * sensor failed to take it over, would signal every process of the host. */
#define INIT_PID_NS "pid:[4026531836]"

static int killall(int n)
{
	pid_t kids[64];
	int term = 0;
	char ns[64] = "";

	if (readlink("/proc/self/ns/pid", ns, sizeof ns - 1) < 0 ||
	    strcmp(ns, INIT_PID_NS) == 0) {
		fprintf(stderr, "killall: refusing to run outside a PID namespace of "
			"its own (unshare --pid --fork --mount-proc)\n");
		return 2;
	}

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			pause();
			_exit(0);
		}
	}
	usleep(200000);
	say("kill(-1, SIGTERM)", syscall(SYS_kill, -1, SIGTERM));
	for (int i = 0; i < n; i++) {
		int st;

		if (waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) &&
		    WTERMSIG(st) == SIGTERM)
			term++;
	}
	printf("children killed by SIGTERM: %d of %d\n", term, n);
	say("kill(-1, 0) alone", syscall(SYS_kill, -1, 0));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "blindspots"))
		return blindspots();
	if (!strcmp(argv[1], "int80") && argc > 2)
		return int80(argv[2]);
	if (!strcmp(argv[1], "x32"))
		return x32();
	if (!strcmp(argv[1], "sched"))
		return sched();
	if (!strcmp(argv[1], "procfs"))
		return procfs();
	if (!strcmp(argv[1], "sink") && argc > 2)
		return sink(argv[2]);
	if (!strcmp(argv[1], "appfilter") && argc > 2)
		return appfilter(argv[2]);
	if (!strcmp(argv[1], "killall") && argc > 2)
		return killall(atoi(argv[2]));
	return 2;
}
