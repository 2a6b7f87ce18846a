/* lines.h: how tests/sensor's attack programs (attack.c, evasion.c) say
 * what happened: one write(2) per line on a copy of stdout made at start
 * (out_fd), so that a parent's and a child's lines never mix and a
 * descriptor duplicated onto 1 does not swallow them; die() for a setup
 * step that failed (exit 2); errno names. Each program defines
 * LINES_PROG (its name, for die's messages) before including it. */
#ifndef FC_TESTS_LINES_H
#define FC_TESTS_LINES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int out_fd = 1;

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	if (write(out_fd, buf, (size_t)n) < 0)
		_exit(2);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	dprintf(2, LINES_PROG ": %s\n", buf);
	exit(2);
}

static const char *errname(int e)
{
	static char buf[16];
	const char *s = strerrorname_np(e);

	if (s)
		return s;
	snprintf(buf, sizeof buf, "%d", e);
	return buf;
}

#endif
