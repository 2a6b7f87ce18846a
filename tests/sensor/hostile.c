/* hostile.c: an application that hands the sensor's execve decoder the
 * worst memory it can: bad pointers, strings and arrays that run into an
 * unmapped page, 100 000 arguments, huge and invalid-UTF-8 arguments.
 * The kernel decides whether each execve succeeds; the sensor must decode
 * what it can, flag the rest, and never crash or grow without bound.
 * Usage: hostile MODE PROGRAM (PROGRAM is executed, e.g. /bin/true);
 * prints "execve: <errno name>" when the execve fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* execve without the compiler's opinion of the pointers. */
static void raw_execve(const void *path, const void *av, char **env)
{
	syscall(SYS_execve, path, av, env);
}

static void report(void)
{
	printf("execve: %s\n", strerrorname_np(errno));
	fflush(stdout);
}

/* Two pages with the second one unmapped: returns the first. */
static char *page_before_hole(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p + pg, (size_t)pg) < 0)
		exit(3);
	return p;
}

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	const char *mode = argc > 2 ? argv[1] : "";
	char *prog = argc > 2 ? argv[2] : NULL;

	if (strcmp(mode, "badptr") == 0) {
		/* argv[1] points nowhere. */
		char *av[] = { prog, (char *)1, NULL };

		execve(prog, av, environ);
	} else if (strcmp(mode, "badargv") == 0) {
		raw_execve(prog, (const void *)8, environ);
	} else if (strcmp(mode, "badpath") == 0) {
		char *av[] = { prog, NULL };

		raw_execve((const void *)16, av, environ);
	} else if (strcmp(mode, "unterminated") == 0) {
		/* argv[1] fills the end of a page and runs into the hole. */
		char *p = page_before_hole();
		char *av[] = { prog, p + pg - 100, NULL };

		memset(p, 'U', (size_t)pg);
		execve(prog, av, environ);
	} else if (strcmp(mode, "crosspage") == 0) {
		/* argv[1] crosses a page boundary into a mapped page: it must
		 * be read whole. 100 'A' then 100 'B', across the boundary. */
		char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *av[] = { prog, NULL, NULL };

		if (p == MAP_FAILED)
			return 3;
		memset(p + pg - 100, 'A', 100);
		memset(p + pg, 'B', 100);
		p[pg + 100] = '\0';
		av[1] = p + pg - 100;
		execve(prog, av, environ);
	} else if (strcmp(mode, "arrayhole") == 0) {
		/* The pointer array itself ends at the hole, unterminated. */
		char *p = page_before_hole();
		char **av = (char **)(void *)(p + pg - 2 * sizeof(char *));

		av[0] = prog;
		av[1] = prog;
		execve(prog, av, environ);
	} else if (strcmp(mode, "argv100k") == 0) {
		size_t n = 100000;
		char **av = calloc(n + 1, sizeof *av);

		if (!av)
			return 3;
		av[0] = prog;
		for (size_t i = 1; i < n; i++)
			av[i] = (i % 2) ? "x" : "yy";
		execve(prog, av, environ);
	} else if (strcmp(mode, "hugearg") == 0) {
		/* One 100 000-byte argument (the kernel allows 128 KiB). */
		char *a = malloc(100001);
		char *av[] = { prog, a, NULL };

		if (!a)
			return 3;
		memset(a, 'H', 100000);
		a[100000] = '\0';
		execve(prog, av, environ);
	} else if (strcmp(mode, "manyargs") == 0) {
		/* 300 arguments of 200 bytes: past both caps. */
		char **av = calloc(302, sizeof *av);

		if (!av)
			return 3;
		av[0] = prog;
		for (int i = 1; i <= 300; i++) {
			av[i] = malloc(201);
			if (!av[i])
				return 3;
			memset(av[i], 'a' + i % 26, 200);
			av[i][200] = '\0';
		}
		execve(prog, av, environ);
	} else if (strcmp(mode, "nullargv") == 0) {
		/* Linux accepts a NULL argv (and since 5.18 makes it {""}). */
		raw_execve(prog, NULL, environ);
	} else if (strcmp(mode, "bytes") == 0) {
		/* Invalid UTF-8, controls, quotes, backslashes, a lone
		 * surrogate, an overlong '/', and valid multibyte text. */
		char *av[] = { prog, "\xff\xfe", "tab\there\nnewline", "q\"uote\\",
			       "\xed\xa0\x80", "\xc0\xaf", "\x7f\x01", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa9",
			       "\xe2\x82", NULL };

		execve(prog, av, environ);
	} else {
		fprintf(stderr, "hostile: usage: hostile MODE PROGRAM\n");
		return 2;
	}
	report();
	return 0;
}
