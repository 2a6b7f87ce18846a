/* probe.c: the one test application of the end-to-end suite. It reports the
 * process context it was started with, then does what its arguments say, so
 * that an unpatched and a patched container can be compared line by line.
 *
 * Usage: probe report [ARGS...]      print the context, exit 0
 *        probe exit N                print the context, exit N
 *        probe segv                  print the context, die of a real fault
 *        probe signals N             print "ready", report each of SIGTERM,
 *                                    SIGINT, SIGHUP, SIGUSR1, SIGUSR2 received,
 *                                    exit 0 after N of them
 *        probe sleep                 print "ready", wait to be killed
 *        probe orphans N             leave N orphaned children that exit,
 *                                    report zombies that are not its own
 *        probe clock                 print CLOCK_REALTIME at main() entry
 *        probe stamp PROGRAM ARGS... print CLOCK_REALTIME, then exec PROGRAM
 *                                    (bench/startup.sh: marks when the
 *                                    container's first process started)
 *
 * Built statically: it runs in a scratch image. */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t got[NSIG];

static const struct {
	int sig;
	const char *name;
} watched[] = {
	{ SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" }, { SIGHUP, "SIGHUP" },
	{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
};
#define N_WATCHED (sizeof watched / sizeof *watched)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line from /proc/self/status, e.g. "SigBlk", without the key. */
static void status_line(const char *key, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t klen = strlen(key);

	snprintf(out, n, "?");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *v = line + klen + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, n, "%s", v);
			break;
		}
	}
	fclose(f);
}

/* Everything the launcher must hand to the app untouched, one "key: value"
 * per line, in a fixed order so two reports compare with diff. */
static void report(int argc, char **argv)
{
	char buf[4096];
	size_t n_env = 0;
	gid_t groups[64];
	int n_groups;
	mode_t mask;
	struct rlimit rl;
	struct statvfs vfs;

	for (int i = 0; i < argc; i++)
		printf("argv[%d]: %s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		n_env++;
	char **env = calloc(n_env + 1, sizeof *env);

	if (!env) {
		perror("probe: calloc");
		exit(70);
	}
	memcpy(env, environ, n_env * sizeof *env);
	qsort(env, n_env, sizeof *env, cmp_str);
	for (size_t i = 0; i < n_env; i++)
		printf("env: %s\n", env[i]);
	free(env);
	printf("uid: %u %u\n", (unsigned)getuid(), (unsigned)geteuid());
	printf("gid: %u %u\n", (unsigned)getgid(), (unsigned)getegid());
	n_groups = getgroups(64, groups);
	printf("groups:");
	for (int i = 0; i < n_groups; i++)
		printf(" %u", (unsigned)groups[i]);
	printf("\n");
	printf("cwd: %s\n", getcwd(buf, sizeof buf) ? buf : strerror(errno));
	mask = umask(0);
	umask(mask);
	printf("umask: %04o\n", (unsigned)mask);
	status_line("SigBlk", buf, sizeof buf);
	printf("sigblk: %s\n", buf);
	status_line("SigIgn", buf, sizeof buf);
	printf("sigign: %s\n", buf);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		printf("rlimit_nofile: %llu %llu\n", (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
	printf("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
	printf("rootfs: %s\n", statvfs("/", &vfs) != 0 ? strerror(errno) :
	       (vfs.f_flag & ST_RDONLY) ? "read-only" : "read-write");
	/* Informational, not compared: these differ by design when patched. */
	status_line("CapEff", buf, sizeof buf);
	printf("# capeff: %s\n", buf);
	status_line("NoNewPrivs", buf, sizeof buf);
	printf("# nonewprivs: %s\n", buf);
	status_line("TracerPid", buf, sizeof buf);
	printf("# tracerpid: %s\n", buf);
	printf("# pid: %d ppid: %d\n", (int)getpid(), (int)getppid());
	fflush(stdout);
}

static void on_signal(int sig)
{
	got[sig] = 1;
}

static int wait_signals(int want)
{
	struct sigaction sa;
	sigset_t block, old;
	int seen = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	for (size_t i = 0; i < N_WATCHED; i++) {
		sigaction(watched[i].sig, &sa, NULL);
		sigaddset(&block, watched[i].sig);
	}
	/* Block while checking the flags, so a signal cannot slip between the
	 * check and sigsuspend. */
	sigprocmask(SIG_BLOCK, &block, &old);
	printf("ready\n");
	fflush(stdout);
	while (seen < want) {
		sigsuspend(&old);
		for (size_t i = 0; i < N_WATCHED; i++) {
			if (got[watched[i].sig]) {
				got[watched[i].sig] = 0;
				seen++;
				printf("got %s\n", watched[i].name);
				fflush(stdout);
			}
		}
	}
	printf("done\n");
	return 0;
}

/* Zombies in our PID namespace whose parent is not this process: the ones
 * some init has to reap. Children of our own are our own business. */
static int foreign_zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300], line[512];
		FILE *f;
		char state = 0;
		long ppid = -1;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof line, f)) {
			char *p = strrchr(line, ')');

			if (p && sscanf(p + 1, " %c %ld", &state, &ppid) != 2)
				state = 0;
		}
		fclose(f);
		if (state == 'Z' && ppid != (long)getpid())
			n++;
	}
	closedir(d);
	return n;
}

static int orphans(int n)
{
	pid_t mid = fork();

	if (mid < 0) {
		perror("probe: fork");
		return 70;
	}
	if (mid == 0) {
		/* The middle process leaves its children behind by exiting
		 * first; they are re-parented to the nearest subreaper or to
		 * PID 1, and exit 50 ms later. */
		for (int i = 0; i < n; i++) {
			if (fork() == 0) {
				usleep(50000);
				_exit(0);
			}
		}
		_exit(0);
	}
	waitpid(mid, NULL, 0);
	usleep(100000);
	int z = foreign_zombies();

	/* Give an init that reaps on SIGCHLD a few seconds. */
	for (int tries = 0; z > 0 && tries < 50; tries++) {
		usleep(100000);
		z = foreign_zombies();
	}
	printf("orphans: %d\n", n);
	printf("foreign zombies: %d\n", z);
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec t0;

	clock_gettime(CLOCK_REALTIME, &t0);
	const char *mode = argc > 1 ? argv[1] : "report";

	if (strcmp(mode, "clock") == 0) {
		printf("clock: %lld.%09ld\n", (long long)t0.tv_sec, t0.tv_nsec);
		return 0;
	}
	if (strcmp(mode, "stamp") == 0 && argc > 2) {
		printf("stamp: %lld.%09ld\n", (long long)t0.tv_sec, t0.tv_nsec);
		fflush(stdout);
		execv(argv[2], argv + 2);
		fprintf(stderr, "probe: exec %s: %s\n", argv[2], strerror(errno));
		return 127;
	}
	report(argc, argv);
	if (strcmp(mode, "report") == 0)
		return 0;
	if (strcmp(mode, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	if (strcmp(mode, "segv") == 0) {
		/* A real fault, not raise(): the kernel forces it even on
		 * PID 1, which ignores signals it has no handler for. */
		static volatile uintptr_t bad_address;

		signal(SIGSEGV, SIG_DFL);
		return *(volatile int *)bad_address;
	}
	if (strcmp(mode, "signals") == 0)
		return wait_signals(argc > 2 ? atoi(argv[2]) : (int)N_WATCHED);
	if (strcmp(mode, "sleep") == 0) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (strcmp(mode, "orphans") == 0)
		return orphans(argc > 2 ? atoi(argv[2]) : 3);
	fprintf(stderr, "probe: unknown mode \"%s\"\n", mode);
	return 64;
}
