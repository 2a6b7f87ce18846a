/* probe.c: the test application of tests/suite-runtime.sh. It prints the
 * process context it was started with, or does one thing the test needs, so
 * that running it directly ("unpatched") and through falcon-launcher can be
 * compared line by line.
 *
 *   probe state [ARGS...]    print argv, env, cwd, IDs, umask, signal state,
 *                            capabilities, rlimits, open fds, TTY; exit 0
 *   probe exit N             exit N
 *   probe die SIG            die of signal SIG (a name such as TERM)
 *   probe catch SIG...       count each SIG; print "ready", then "got SIG"
 *                            per delivery; at EOF on stdin print the counts
 *   probe cat                copy stdin to stdout, a line to stderr
 *   probe parent             print the name of the parent process
 *   probe orphans N          leave N orphans; report whether the parent
 *                            (the supervisor) became theirs and reaped them
 *   probe tty                print whether the TTY's foreground is ours,
 *                            then as "probe catch INT"
 *   probe with [--block SIGS] [--ignore SIGS] -- PROG ARGS...
 *                            set the mask/dispositions, then execute PROG */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int sig_of(const char *name)
{
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	if (strncmp(name, "RTMIN+", 6) == 0)
		return SIGRTMIN + atoi(name + 6);
	for (int s = 1; s < NSIG; s++) {
		const char *a = sigabbrev_np(s);

		if (a && strcmp(a, name) == 0)
			return s;
	}
	fprintf(stderr, "probe: unknown signal %s\n", name);
	exit(99);
}

/* Prints "key: value" lines of /proc/self/status whose key is listed. */
static void status_lines(const char *const *keys)
{
	char line[512];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		for (const char *const *k = keys; *k; k++)
			if (strncmp(line, *k, strlen(*k)) == 0 && line[strlen(*k)] == ':')
				printf("status %s", line);
	fclose(f);
}

static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self = d ? dirfd(d) : -1;

	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);
		struct stat st;
		int fl;
		const char *type;

		if (de->d_name[0] == '.' || fd == self || fstat(fd, &st) < 0)
			continue;
		fl = fcntl(fd, F_GETFL);
		type = S_ISREG(st.st_mode) ? "reg" : S_ISCHR(st.st_mode) ? "chr" :
		       S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "sock" :
		       S_ISDIR(st.st_mode) ? "dir" : "other";
		printf("fd %d %s acc=%d append=%d nonblock=%d cloexec=%d", fd, type,
		       fl & O_ACCMODE, !!(fl & O_APPEND), !!(fl & O_NONBLOCK),
		       !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
		if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))
			printf(" dev=%lx ino=%lu rdev=%lx", (unsigned long)st.st_dev,
			       (unsigned long)st.st_ino, (unsigned long)st.st_rdev);
		putchar('\n');
	}
	if (d)
		closedir(d);
}

static int state(int argc, char **argv)
{
	static const char *const keys[] = {
		"Umask", "Uid", "Gid", "Groups", "SigBlk", "SigIgn", "SigCgt",
		"NoNewPrivs", "Seccomp", "CapInh", "CapPrm", "CapEff", "CapBnd",
		"CapAmb", NULL,
	};
	static const struct { int r; const char *n; } lims[] = {
		{ RLIMIT_AS, "AS" }, { RLIMIT_CORE, "CORE" }, { RLIMIT_CPU, "CPU" },
		{ RLIMIT_DATA, "DATA" }, { RLIMIT_FSIZE, "FSIZE" },
		{ RLIMIT_LOCKS, "LOCKS" }, { RLIMIT_MEMLOCK, "MEMLOCK" },
		{ RLIMIT_MSGQUEUE, "MSGQUEUE" }, { RLIMIT_NICE, "NICE" },
		{ RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_NPROC, "NPROC" },
		{ RLIMIT_RSS, "RSS" }, { RLIMIT_RTPRIO, "RTPRIO" },
		{ RLIMIT_SIGPENDING, "SIGPENDING" }, { RLIMIT_STACK, "STACK" },
	};
	char cwd[4096];
	const char *execfn = (const char *)getauxval(AT_EXECFN);

	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	printf("execfn=%s\n", execfn ? execfn : "?");
	status_lines(keys);
	for (size_t i = 0; i < sizeof lims / sizeof *lims; i++) {
		struct rlimit rl;

		getrlimit(lims[i].r, &rl);
		printf("rlimit %s=%llu:%llu\n", lims[i].n,
		       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;

		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			printf("ignored %d\n", s);
	}
	print_fds();
	if (isatty(STDIN_FILENO))
		printf("tty foreground=%d\n", tcgetpgrp(STDIN_FILENO) == getpgrp());
	else
		printf("tty none\n");
	return 0;
}

static volatile sig_atomic_t counts[NSIG];

static const char *name_of(int sig, char *buf, size_t len)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX && sig != SIGRTMIN)
		snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "%s", sigabbrev_np(sig));
	return buf;
}

static void on_signal(int sig)
{
	char line[64], name[32];
	int n = snprintf(line, sizeof line, "got %s\n", name_of(sig, name, sizeof name));

	counts[sig]++;
	if (write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(98);
}

static void catch_all(char **names, int n)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < n; i++) {
		int s = sig_of(names[i]);
		sigset_t one;

		sigaction(s, &sa, NULL);
		sigemptyset(&one);
		sigaddset(&one, s);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
	}
}

static int catch(int n, char **names)
{
	char buf[256];

	setvbuf(stdout, NULL, _IONBF, 0);
	catch_all(names, n);
	printf("ready\n");
	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf, sizeof buf);

		if (r == 0)
			break;
		if (r < 0 && errno != EINTR)
			return 97;
	}
	for (int i = 0; i < n; i++)
		printf("count %s=%d\n", names[i], (int)counts[sig_of(names[i])]);
	return 0;
}

static int die(const char *name)
{
	int s = sig_of(name);
	sigset_t one;

	signal(s, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, s);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(s);
	return 96;
}

static int cat(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 95;
	fputs("probe to stderr\n", stderr);
	return n < 0 ? 94 : 0;
}

static void comm_of(pid_t pid, char *out, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(out, (int)len, f))
		snprintf(out, len, "?\n");
	if (f)
		fclose(f);
}

static int parent(void)
{
	char comm[64];

	comm_of(getppid(), comm, sizeof comm);
	printf("parent=%s", comm);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Each grandchild waits to be orphaned, tells its new parent's pid through
 * the pipe, and exits: it is then a zombie until that parent reaps it. */
static int orphans(int n)
{
	int p[2];
	pid_t child, gpids[64], me = getpid(), reaper = getppid();
	int adopted = 0, reaped = 0;

	if (n > 64 || pipe(p) < 0)
		return 93;
	child = fork();
	if (child == 0) {
		pid_t mid = getpid();

		for (int i = 0; i < n; i++) {
			pid_t g = fork();

			if (g == 0) {
				pid_t np;

				while (getppid() == mid)
					sleep_ms(1);
				np = getppid();
				if (write(p[1], &(pid_t[2]){ getpid(), np }, 2 * sizeof(pid_t)) < 0)
					_exit(1);
				_exit(0);
			}
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(child, NULL, 0);
	for (int i = 0; i < n; i++) {
		pid_t rec[2];

		if (read(p[0], rec, sizeof rec) != sizeof rec)
			return 92;
		gpids[i] = rec[0];
		adopted += rec[1] == reaper;
	}
	/* A zombie's /proc entry stays until it is reaped; 20 s is not a
	 * timing threshold but a bound on a hang. */
	for (int i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof path, "/proc/%d", (int)gpids[i]);
		for (int t = 0; t < 20000 && access(path, F_OK) == 0; t++)
			sleep_ms(1);
		reaped += access(path, F_OK) != 0;
	}
	printf("orphans=%d adopted_by_parent=%d reaped=%d self=%d\n", n, adopted,
	       reaped, (int)me);
	return 0;
}

static int tty(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("foreground=%d\n", tcgetpgrp(STDIN_FILENO) == getpgrp());
	return catch(1, (char *[]){ "INT" });
}

static void sigs(const char *list, sigset_t *set)
{
	char *copy = strdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		sigaddset(set, sig_of(t));
	free(copy);
}

static int with(int argc, char **argv)
{
	sigset_t block, ign;
	int i = 0;

	sigemptyset(&block);
	sigemptyset(&ign);
	for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (i + 1 >= argc)
			return 91;
		if (strcmp(argv[i], "--block") == 0)
			sigs(argv[i + 1], &block);
		else if (strcmp(argv[i], "--ignore") == 0)
			sigs(argv[i + 1], &ign);
		else
			return 91;
	}
	if (i + 1 >= argc)
		return 91;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&ign, s) == 1)
			signal(s, SIG_IGN);
	sigprocmask(SIG_SETMASK, &block, NULL);
	execv(argv[i + 1], argv + i + 1);
	perror("probe with: execv");
	return 90;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "state") == 0)
		return state(argc, argv);
	if (strcmp(mode, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	if (strcmp(mode, "die") == 0 && argc > 2)
		return die(argv[2]);
	if (strcmp(mode, "catch") == 0)
		return catch(argc - 2, argv + 2);
	if (strcmp(mode, "cat") == 0)
		return cat();
	if (strcmp(mode, "parent") == 0)
		return parent();
	if (strcmp(mode, "orphans") == 0 && argc > 2)
		return orphans(atoi(argv[2]));
	if (strcmp(mode, "tty") == 0)
		return tty();
	if (strcmp(mode, "with") == 0)
		return with(argc - 2, argv + 2);
	fprintf(stderr, "probe: unknown mode \"%s\"\n", mode);
	return 99;
}
