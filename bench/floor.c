/* floor.c: what any supervisor that stops a syscall must cost on this
 * machine, for bench/tracer.sh to set beside the sensor's figure. It does
 * the least a judge can do: stop each open for writing (open, openat,
 * creat; the same test on the flags as the sensor's filter), read its path
 * from the tracee (which any judge of a path must), and let it go.
 *
 *   floor ptrace PROG ARG...   SECCOMP_RET_TRACE: wait4, GET_SYSCALL_INFO,
 *                              process_vm_readv, PTRACE_CONT per stop
 *   floor notif PROG ARG...    SECCOMP_RET_USER_NOTIF: RECV, readv, SEND
 *                              with FLAG_CONTINUE per stop
 *   floor pingpong N           N round trips of a byte between two
 *                              processes over pipes: two context switches,
 *                              the part of any stop no supervisor avoids
 *
 * PROG runs as the child, with its own arguments (ARG... starts with its
 * argv[0]); the exit status is the child's. pingpong prints microseconds
 * per round trip. Build: cc -O2 -o floor bench/floor.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* The filter: the three opens, when their flags may write. */
static void install_filter(unsigned action, unsigned flags)
{
	struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 2),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		/* 3 */ BPF_STMT(BPF_JMP | BPF_JA, 3),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_creat, 4, 0),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 0, 2),
		/* 6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, WRITE_FLAGS, 1, 0),
		/* 8 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 9 */ BPF_STMT(BPF_RET | BPF_K, action),
	};
	struct sock_fprog prog = { sizeof f / sizeof f[0], f };
	long fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl");
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0)
		die("seccomp");
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		/* Handed to the parent through fd 3 (a socketpair). */
		char c = 0;
		struct iovec io = { &c, 1 };
		union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
		struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
				    .msg_control = u.b, .msg_controllen = sizeof u.b };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		int ifd = (int)fd;

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof ifd);
		memcpy(CMSG_DATA(cm), &ifd, sizeof ifd);
		if (sendmsg(3, &m, 0) < 0)
			die("sendmsg");
		close(ifd);
		close(3);
	}
}

/* What a judge reads: the path the open names (its first 256 bytes). */
static void read_path(pid_t pid, uint64_t addr)
{
	char buf[256];
	struct iovec local = { buf, sizeof buf };
	struct iovec remote = { (void *)(uintptr_t)addr, sizeof buf };

	(void)process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* The path argument of a stopped open. */
static uint64_t path_arg(long nr, const uint64_t *args)
{
	return nr == SYS_openat ? args[1] : args[0];
}

static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_ptrace(char **argv)
{
	pid_t child = fork(), w;
	int st, code = 1;

	if (child < 0)
		die("fork");
	if (child == 0) {
		raise(SIGSTOP); /* until the parent has seized it */
		install_filter(SECCOMP_RET_TRACE, 0);
		execv(argv[0], argv + 1);
		_exit(127);
	}
	if (waitpid(child, &st, WSTOPPED) < 0 ||
	    ptrace(PTRACE_SEIZE, child, 0, (void *)(long)(PTRACE_O_TRACESECCOMP |
		   PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		   PTRACE_O_TRACECLONE)) < 0)
		die("seize");
	kill(child, SIGCONT);
	while ((w = waitpid(-1, &st, __WALL)) > 0) {
		int sig = 0;

		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == child)
				code = exit_code(st);
			continue;
		}
		if (st >> 8 == (SIGTRAP | PTRACE_EVENT_SECCOMP << 8)) {
			struct __ptrace_syscall_info si;

			if (ptrace(PTRACE_GET_SYSCALL_INFO, w, sizeof si, &si) > 0)
				read_path(w, path_arg((long)si.seccomp.nr, si.seccomp.args));
		} else if (st >> 16 == 0 && WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st); /* a signal to deliver */
		}
		ptrace(PTRACE_CONT, w, 0, sig);
	}
	return code;
}

static int run_notif(char **argv)
{
	int sv[2], fd, st;
	pid_t child;
	char c;
	struct iovec io = { &c, 1 };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
			    .msg_control = u.b, .msg_controllen = sizeof u.b };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (dup2(sv[0], 3) < 0)
			die("dup2");
		install_filter(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
		execv(argv[0], argv + 1);
		_exit(127);
	}
	close(sv[0]);
	if (recvmsg(sv[1], &m, 0) <= 0 || !CMSG_FIRSTHDR(&m))
		die("recvmsg");
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof req);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break; /* ENOENT: every process under the filter is gone */
		}
		read_path((pid_t)req.pid, path_arg(req.data.nr, (const uint64_t *)req.data.args));
		memset(&resp, 0, sizeof resp);
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	if (waitpid(child, &st, 0) < 0)
		die("waitpid");
	return exit_code(st);
}

static int pingpong(long n)
{
	int there[2], back[2];
	struct timespec a, b;
	char c = 0;
	pid_t child;

	if (pipe(there) < 0 || pipe(back) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(there[1]); /* so that the parent's close ends the loop */
		while (read(there[0], &c, 1) == 1 && write(back[1], &c, 1) == 1)
			;
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			die("pingpong");
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(there[1]);
	waitpid(child, NULL, 0);
	printf("%.2f\n", ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) /
	       1e3 / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "pingpong") == 0)
		return pingpong(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "ptrace") == 0)
		return run_ptrace(argv + 2);
	if (argc >= 4 && strcmp(argv[1], "notif") == 0)
		return run_notif(argv + 2);
	fprintf(stderr, "usage: floor ptrace|notif PROG ARGV0 ARG... | floor pingpong N\n");
	return 2;
}
