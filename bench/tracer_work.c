/* tracer_work.c: the workloads of bench/tracer.sh, each timing itself
 * (CLOCK_MONOTONIC around the work, so that starting the tracer is not
 * counted) and printing the seconds it took.
 *   tracer_work getppid N        N getppid syscalls (never traced)
 *   tracer_work forkexec N PROG  N times: fork, execve PROG, wait
 *   tracer_work run PROG ARG...  one fork+exec+wait of PROG (e.g. tar) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int spawn_wait(char **argv)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		return -1;
	if (p == 0) {
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	double t0, t1;

	if (argc >= 3 && strcmp(argv[1], "getppid") == 0) {
		long n = atol(argv[2]);

		t0 = now();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		t1 = now();
	} else if (argc >= 4 && strcmp(argv[1], "forkexec") == 0) {
		long n = atol(argv[2]);
		char *av[] = { argv[3], NULL };

		t0 = now();
		for (long i = 0; i < n; i++)
			if (spawn_wait(av) < 0)
				return 1;
		t1 = now();
	} else if (argc >= 3 && strcmp(argv[1], "run") == 0) {
		t0 = now();
		if (spawn_wait(argv + 2) < 0)
			return 1;
		t1 = now();
	} else {
		fprintf(stderr, "usage: tracer_work getppid N | forkexec N PROG | run PROG ARG...\n");
		return 2;
	}
	printf("%.6f\n", t1 - t0);
	return 0;
}
