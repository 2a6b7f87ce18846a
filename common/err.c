/* err.c: filling a struct fc_err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int fc_fail(struct fc_err *e, enum fc_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	va_start(ap, fmt);
	/* ap is started above; clang 14's analyzer loses track of it. */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}
