/* app.c: the application that tests/suite-sensor.sh runs under the sensor
 * (and natively, to compare): processes, threads, signals and job control
 * the tracer must keep correct, and attacks on the sensor it must stop,
 * its event stream included (blind, bigfinding, spy).
 * Usage: app MODE [ARGS...]; it prints one line per fact and exits 0 when
 * it could run the mode. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* "ok" or the errno's name, for outputs that must match exactly. */
static const char *result(long rc)
{
	static char buf[32];

	if (rc >= 0)
		return "ok";
	snprintf(buf, sizeof buf, "%s", strerrorname_np(errno));
	return buf;
}

/* ---- threads: a non-leader thread executes; the tid changes. */
static const char *exec_path;

static void *exec_from_thread(void *arg)
{
	(void)arg;
	sleep_ms(50);
	execl(exec_path, exec_path, "from-a-thread", (char *)NULL);
	perror("execl");
	_exit(90);
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(10);
	return NULL;
}

static int threads(const char *echo)
{
	pthread_t th[4];

	exec_path = echo;
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, spin, NULL);
	pthread_create(&th[3], NULL, exec_from_thread, NULL);
	pthread_join(th[3], NULL); /* never returns: the exec ends us */
	return 93;
}

static void *nap(void *arg)
{
	sleep_ms((long)(intptr_t)arg);
	return NULL;
}

/* ---- vfork, fork and clone-threads, then exit codes. */
static int family(const char *truebin)
{
	int st;
	pid_t p = vfork();
	pthread_t th;

	if (p == 0) {
		execl(truebin, truebin, "vforked", (char *)NULL);
		_exit(91);
	}
	waitpid(p, &st, 0);
	printf("vfork child exit=%d\n", WEXITSTATUS(st));
	p = fork();
	if (p == 0)
		_exit(7); /* a fork that never executes */
	waitpid(p, &st, 0);
	printf("fork child exit=%d\n", WEXITSTATUS(st));
	pthread_create(&th, NULL, nap, (void *)(intptr_t)20);
	pthread_join(th, NULL);
	printf("thread joined\n");
	return 0;
}

/* ---- job control as a parent sees it. */
static int job_control(void)
{
	volatile unsigned long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const int stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	pid_t p;
	int st;

	if (counter == MAP_FAILED)
		return 1;
	p = fork();
	if (p == 0) {
		for (;;) {
			(*counter)++;
			sleep_ms(1);
		}
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		unsigned long before;

		kill(p, stops[i]);
		if (waitpid(p, &st, WUNTRACED) != p || !WIFSTOPPED(st)) {
			printf("no stop for %s\n", sigabbrev_np(stops[i]));
			continue;
		}
		printf("stopped by SIG%s\n", sigabbrev_np(WSTOPSIG(st)));
		before = *counter;
		sleep_ms(200);
		printf("ran while stopped: %s\n", *counter != before ? "yes" : "no");
		kill(p, SIGCONT);
		if (waitpid(p, &st, WCONTINUED) == p && WIFCONTINUED(st))
			printf("continued\n");
		before = *counter;
		/* 30 s bounds a hang; it is not a timing threshold. */
		for (int t = 0; t < 30000 && *counter == before; t++)
			sleep_ms(1);
		printf("runs again: %s\n", *counter != before ? "yes" : "no");
	}
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	printf("child killed by SIG%s\n", WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "?");
	return 0;
}

/* ---- a queued signal keeps its siginfo through the tracer. */
static volatile sig_atomic_t got_value, got_code, got_pid_ok;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_value = si->si_value.sival_int;
	got_code = si->si_code;
	got_pid_ok = si->si_pid == getppid();
}

static int queued_signal(void)
{
	int pfd[2], st;
	pid_t p;
	char c;

	if (pipe(pfd) < 0)
		return 1;
	p = fork();
	if (p == 0) {
		struct sigaction sa = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
		sigset_t none;

		sigemptyset(&sa.sa_mask);
		sigaction(SIGRTMIN + 1, &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (write(pfd[1], "r", 1) < 0)
			_exit(1);
		while (!got_code)
			pause();
		printf("value=%d code=%s sender_ok=%d\n", (int)got_value,
		       got_code == SI_QUEUE ? "SI_QUEUE" : "other", (int)got_pid_ok);
		fflush(stdout);
		_exit(0);
	}
	if (read(pfd[0], &c, 1) != 1)
		return 1;
	sigqueue(p, SIGRTMIN + 1, (union sigval){ .sival_int = 4242 });
	waitpid(p, &st, 0);
	return 0;
}

/* ---- attacks on the sensor, which is the parent (not PID 1). */
static long try_pidfd_signal_via_proc(pid_t sensor)
{
	char path[64];
	int fd;
	long rc;

	snprintf(path, sizeof path, "/proc/%d", (int)sensor);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	rc = syscall(SYS_pidfd_send_signal, fd, SIGSTOP, NULL, 0);
	close(fd);
	return rc;
}

static int attack(void)
{
	pid_t s = getppid();
	char path[64], buf[16];
	struct iovec l = { buf, sizeof buf }, r = { (void *)0x400000, sizeof buf };
	struct rlimit rl = { 1, 1 };
	int fd;

	printf("ptrace attach: %s\n", result(ptrace(PTRACE_ATTACH, s, NULL, NULL)));
	printf("ptrace seize: %s\n", result(ptrace(PTRACE_SEIZE, s, NULL, NULL)));
	snprintf(path, sizeof path, "/proc/%d/mem", (int)s);
	fd = open(path, O_RDONLY);
	printf("open mem for reading: %s\n", result(fd));
	if (fd >= 0)
		close(fd);
	fd = open(path, O_RDWR);
	printf("open mem for writing: %s\n", result(fd));
	if (fd >= 0)
		close(fd);
	printf("process_vm_readv: %s\n", result(process_vm_readv(s, &l, 1, &r, 1, 0)));
	printf("process_vm_writev: %s\n", result(process_vm_writev(s, &l, 1, &r, 1, 0)));
	printf("kill SIGSTOP: %s\n", result(kill(s, SIGSTOP)));
	printf("kill SIGKILL: %s\n", result(kill(s, SIGKILL)));
	/* The kernel ignores the upper half of a pid_t register. */
	printf("kill with high bits set: %s\n",
	       result(syscall(SYS_kill, 0x100000000L | (long)s, SIGSTOP)));
	/* As PID 1 of a namespace made by unshare, the sensor's group is
	 * outside it (getpgid says 0), and kill(0) would stop ourselves. */
	if (getpgid(s) > 1)
		printf("kill the sensor's group: %s\n", result(kill(-getpgid(s), SIGSTOP)));
	else
		printf("kill the sensor's group: no group in this namespace\n");
	printf("tgkill: %s\n", result(syscall(SYS_tgkill, s, s, SIGSTOP)));
	{
		/* Every sensor thread. */
		char tdir[64];
		int denied = 0, total = 0;
		struct dirent *d;
		DIR *dir;

		snprintf(tdir, sizeof tdir, "/proc/%d/task", (int)s);
		dir = opendir(tdir);
		while (dir && (d = readdir(dir))) {
			int tid = atoi(d->d_name);

			if (tid <= 0)
				continue;
			total++;
			denied += syscall(SYS_tkill, tid, SIGSTOP) < 0 && errno == EPERM;
			/* kill(2) and prlimit(2) take any thread id and act
			 * on the whole process. */
			denied += kill(tid, SIGSTOP) < 0 && errno == EPERM;
			denied += prlimit(tid, RLIMIT_CPU, &rl, NULL) < 0 && errno == EPERM;
			denied += ptrace(PTRACE_ATTACH, tid, NULL, NULL) < 0 && errno == EPERM;
		}
		if (dir)
			closedir(dir);
		/* The sensor has one thread per concern (tracer, writer,
		 * signals, guard...): at least three, each refused. */
		if (total >= 3 && denied == 4 * total)
			printf("tkill, kill, prlimit, ptrace each sensor thread: all refused\n");
		else
			printf("tkill, kill, prlimit, ptrace each sensor thread: %d of %d "
			       "refused\n", denied, 4 * total);
	}
	printf("rt_sigqueueinfo: %s\n", result(sigqueue(s, SIGSTOP, (union sigval){ 0 })));
	printf("pidfd_open: %s\n", result(syscall(SYS_pidfd_open, s, 0)));
	printf("pidfd_send_signal via /proc dir: %s\n", result(try_pidfd_signal_via_proc(s)));
	if (getpgid(s) > 0)
		printf("setpgid into the sensor's group: %s\n",
		       result(setpgid(0, getpgid(s))));
	else
		printf("setpgid into the sensor's group: no group in this namespace\n");
	printf("prlimit RLIMIT_CPU: %s\n", result(prlimit(s, RLIMIT_CPU, &rl, NULL)));
	{
		char st[512] = "";
		FILE *f;

		snprintf(path, sizeof path, "/proc/%d/stat", (int)s);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(st, sizeof st, f))
				st[0] = '\0';
			fclose(f);
		}
		/* Running or sleeping, as it may be at this instant; never
		 * stopped (T) or in a tracing stop (t). */
		printf("sensor stopped: %s\n", !strrchr(st, ')') ? "?" :
		       strchr("Tt", strrchr(st, ')')[2]) ? "yes" : "no");
	}
	/* Signals to other processes still work. */
	{
		pid_t c = fork();
		int w;

		if (c == 0) {
			pause();
			_exit(0);
		}
		printf("kill own child: %s\n", result(kill(c, SIGKILL)));
		waitpid(c, &w, 0);
	}
	return 0;
}

/* ---- the application's own ptrace. */
static int own_ptrace(void)
{
	pid_t c;
	int st;

	printf("PTRACE_TRACEME: %s\n", result(ptrace(PTRACE_TRACEME, 0, NULL, NULL)));
	c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	printf("PTRACE_ATTACH own child: %s\n", result(ptrace(PTRACE_ATTACH, c, NULL, NULL)));
	printf("PTRACE_SEIZE own child: %s\n", result(ptrace(PTRACE_SEIZE, c, NULL, NULL)));
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	return 0;
}

/* ---- signals within the traced tree, default actions and core bits. */
static int die_by(const char *name)
{
	for (int s = 1; s < 32; s++) {
		if (sigabbrev_np(s) && strcmp(sigabbrev_np(s), name) == 0) {
			pid_t c = fork();
			int st;

			if (c == 0) {
				sigset_t none;

				sigemptyset(&none);
				sigprocmask(SIG_SETMASK, &none, NULL);
				signal(s, SIG_DFL);
				raise(s);
				_exit(99);
			}
			waitpid(c, &st, 0);
			printf("child: %s core=%d\n",
			       WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "exited",
			       WIFSIGNALED(st) ? WCOREDUMP(st) != 0 : 0);
			return 0;
		}
	}
	return 2;
}

/* ---- many short-lived children, some killed while they stop. */
static int churn(int n, const char *truebin)
{
	int killed = 0, done = 0;

	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c == 0) {
			execl(truebin, truebin, (char *)NULL);
			_exit(92);
		}
		if (i % 2 == 0) {
			kill(c, SIGKILL);
			killed++;
		}
	}
	while (wait(NULL) > 0)
		done++;
	printf("churn: %d children reaped\n", done);
	(void)killed;
	return 0;
}

/* ---- the event stream: the app shares the sensor's stderr. */

/* Writes all of p to the non-blocking fd 2, waiting for room: the half
 * line must be in the pipe before the event that follows it. */
static void spill(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		struct pollfd pf = { .fd = STDERR_FILENO, .events = POLLOUT };

		if (w < 0 && errno == EAGAIN) {
			poll(&pf, 1, 1000);
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads /etc/shadow (sensitive-file-read), right after a half-written
 * line when half is set. */
static void read_shadow(int i, int half)
{
	char text[64];
	int n = snprintf(text, sizeof text, "half-line-%d-no-newline", i);
	int fd;

	if (half)
		spill(text, (size_t)n);
	fd = open("/etc/shadow", O_RDONLY);
	if (fd >= 0)
		close(fd);
}

/* Blinding the event stream, against a log reader that the test stalls
 * until "flooded" and then drains: makes the shared stderr non-blocking,
 * fills the pipe with a line that never ends, floods the sensor's queue
 * with cheap events (opens of stamp for writing), reads /etc/shadow
 * `findings` times while the queue is full, then as many times again,
 * each right after a half-written line, while the reader drains. The
 * sensor must keep every Finding whole and in order, and count what it
 * drops. */
static int blind(int opens, int findings, const char *stamp)
{
	static char fill[4096];
	size_t filled = 0;
	ssize_t w;

	memset(fill, 'G', sizeof fill);
	printf("O_NONBLOCK on fd 2: %s\n",
	       result(fcntl(STDERR_FILENO, F_SETFL,
			    fcntl(STDERR_FILENO, F_GETFL) | O_NONBLOCK)));
	while ((w = write(STDERR_FILENO, fill, sizeof fill)) > 0)
		filled += (size_t)w;
	printf("pipe filled: %s\n", filled > 0 && errno == EAGAIN ? "yes" : "no");
	for (int i = 0; i < opens; i++) {
		int fd = open(stamp, O_WRONLY | O_CREAT, 0600);

		if (fd >= 0)
			close(fd);
	}
	for (int i = 0; i < findings; i++)
		read_shadow(i, 0);
	printf("flooded\n");
	fflush(stdout);
	sleep_ms(300);
	for (int i = 0; i < findings; i++) {
		read_shadow(i, 1);
		sleep_ms(5);
	}
	printf("shadow reads: %d\n", 2 * findings);
	fflush(stdout);
	return 0;
}

static volatile int flooding = 1;

static void *flood(void *arg)
{
	static char junk[65536];

	(void)arg;
	memset(junk, 'x', sizeof junk);
	while (flooding)
		if (write(STDERR_FILENO, junk, sizeof junk) < 0 && errno != EINTR)
			break;
	return NULL;
}

/* While a thread writes 64 KiB lines that never end to the shared stderr,
 * runs grep with an argv of ~15 KiB `times` times: each is a Finding
 * (credential-search) far longer than PIPE_BUF, which the sensor must
 * cut to one atomic write. */
static int big_finding(const char *grep, int times)
{
	char *av[64];
	char args[50][300];
	pthread_t t;
	int n = 0;

	av[n++] = "grep";
	av[n++] = "-qs";
	av[n++] = "id_rsa";
	for (int i = 0; i < 50; i++) {
		memset(args[i], 'a' + i % 26, sizeof args[i] - 1);
		args[i][sizeof args[i] - 1] = '\0';
		av[n++] = args[i];
	}
	av[n] = NULL;
	pthread_create(&t, NULL, flood, NULL);
	for (int i = 0; i < times; i++) {
		pid_t c = fork();
		int st;

		if (c == 0) {
			execv(grep, av);
			_exit(127);
		}
		waitpid(c, &st, 0);
	}
	flooding = 0;
	pthread_join(t, NULL);
	printf("grep runs: %d\n", times);
	return 0;
}

/* What the app can learn about the sink from the sensor (its parent).
 * The sink's path comes in SPY_SINK, not on the command line, which is
 * the sensor's too. */
static int spy(void)
{
	const char *sink = getenv("SPY_SINK");
	pid_t s = getppid();
	char path[300], buf[65536], link[256];
	size_t n = 0, readable = 0, on_sink = 0;
	struct stat sst, st;
	ssize_t r;
	struct dirent *d;
	DIR *dir;
	int fd;

	if (!sink || stat(sink, &sst) < 0)
		return 2;
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)s);
	fd = open(path, O_RDONLY);
	while (fd >= 0 && n < sizeof buf && (r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	if (fd >= 0)
		close(fd);
	printf("sensor cmdline read: %s\n", n > 0 ? "yes" : "no");
	printf("sensor cmdline names the sink: %s\n",
	       memmem(buf, n, sink, strlen(sink)) ? "yes" : "no");
	snprintf(path, sizeof path, "/proc/%d/environ", (int)s);
	fd = open(path, O_RDONLY);
	printf("sensor environ: %s\n", result(fd));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof path, "/proc/%d/fd", (int)s);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		char fdpath[600];

		if (d->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof fdpath, "%s/%s", path, d->d_name);
		if (readlink(fdpath, link, sizeof link) >= 0)
			readable++;
		if (stat(fdpath, &st) == 0)
			readable++;
	}
	if (dir)
		closedir(dir);
	printf("sensor fd links readable: %zu\n", readable);
	printf("FALCONCTL_OPTS in the app: %s\n", getenv("FALCONCTL_OPTS") ? "yes" : "no");
	dir = opendir("/proc/self/fd");
	while (dir && (d = readdir(dir)))
		if (d->d_name[0] != '.' && fstat(atoi(d->d_name), &st) == 0 &&
		    st.st_dev == sst.st_dev && st.st_ino == sst.st_ino)
			on_sink++;
	if (dir)
		closedir(dir);
	printf("app fds on the sink file: %zu\n", on_sink);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "threads") == 0 && argc > 2)
		return threads(argv[2]);
	if (strcmp(mode, "family") == 0 && argc > 2)
		return family(argv[2]);
	if (strcmp(mode, "jobctl") == 0)
		return job_control();
	if (strcmp(mode, "sigqueue") == 0)
		return queued_signal();
	if (strcmp(mode, "attack") == 0)
		return attack();
	if (strcmp(mode, "blind") == 0 && argc > 4)
		return blind(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (strcmp(mode, "bigfinding") == 0 && argc > 3)
		return big_finding(argv[2], atoi(argv[3]));
	if (strcmp(mode, "spy") == 0)
		return spy();
	if (strcmp(mode, "peek") == 0 && argc > 2) {
		/* What the kernel alone allows against pid: no filter here. */
		pid_t s = (pid_t)atoi(argv[2]);
		char path[64], buf[16];
		struct iovec l = { buf, sizeof buf }, r = { (void *)0x400000, sizeof buf };
		int fd;

		printf("ptrace attach: %s\n", result(ptrace(PTRACE_ATTACH, s, NULL, NULL)));
		snprintf(path, sizeof path, "/proc/%d/mem", (int)s);
		fd = open(path, O_RDONLY);
		printf("open mem for reading: %s\n", result(fd));
		if (fd >= 0)
			close(fd);
		printf("process_vm_readv: %s\n",
		       result(process_vm_readv(s, &l, 1, &r, 1, 0)));
		return 0;
	}
	if (strcmp(mode, "ptrace") == 0)
		return own_ptrace();
	if (strcmp(mode, "die") == 0 && argc > 2)
		return die_by(argv[2]);
	if (strcmp(mode, "churn") == 0 && argc > 3)
		return churn(atoi(argv[2]), argv[3]);
	if (strcmp(mode, "caps") == 0) {
		char line[256];
		FILE *f = fopen("/proc/self/status", "r");

		while (f && fgets(line, sizeof line, f))
			if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs", 10) == 0 ||
			    strncmp(line, "Seccomp:", 8) == 0)
				fputs(line, stdout);
		if (f)
			fclose(f);
		printf("dumpable=%d\n", prctl(PR_GET_DUMPABLE));
		return 0;
	}
	fprintf(stderr, "app: unknown mode \"%s\"\n", mode);
	return 2;
}
