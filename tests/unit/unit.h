/* unit.h: the unit tests' whole harness. CHECK prints one TAP line per
 * check ("ok - ..." or "not ok - ..."), and unit_done() turns any failure
 * into a non-zero exit status, which tests/suite-unit.sh reports. */
#ifndef FC_UNIT_H
#define FC_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed;
static int unit_run;

/* Prints the TAP line for one check, with control characters in the
 * description escaped so that one check is always one line; returns cond
 * so a test can stop following a pointer that the check found NULL. */
__attribute__((format(printf, 2, 3), unused))
static int unit_check(int cond, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;

	unit_run++;
	if (!cond)
		unit_failed++;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	fputs(cond ? "ok - " : "not ok - ", stdout);
	for (const unsigned char *p = (const unsigned char *)desc; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
	fflush(stdout);
	return cond;
}

#define CHECK(cond, ...) unit_check((cond) != 0, __VA_ARGS__)

/* A diagnostic line: what was seen when a check failed. */
__attribute__((format(printf, 1, 2), unused))
static void unit_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Compares strings, printing both on a mismatch. NULL equals only NULL. */
__attribute__((unused))
static int unit_streq(const char *got, const char *want, const char *what)
{
	int same = (!got && !want) || (got && want && strcmp(got, want) == 0);

	if (!unit_check(same, "%s", what)) {
		unit_diag("got:  %s", got ? got : "(null)");
		unit_diag("want: %s", want ? want : "(null)");
	}
	return same;
}

__attribute__((unused))
static int unit_done(void)
{
	if (unit_run == 0) {
		puts("not ok - the test program ran no checks");
		return 1;
	}
	return unit_failed ? 1 : 0;
}

#endif
