/* err.h: how library code reports failure. A function that can fail returns
 * 0 on success or -1 after filling a struct fc_err; only main() turns the
 * kind into an exit code, so no module decides how the process ends. */
#ifndef FC_ERR_H
#define FC_ERR_H

enum fc_err_kind {
	FC_ERR_NONE = 0,
	FC_ERR_USAGE,   /* bad flags or flag values */
	FC_ERR_INPUT,   /* the task definition (or other input) is wrong */
	FC_ERR_LOOKUP,  /* image metadata was needed but could not be read */
	FC_ERR_SYSTEM,  /* I/O, memory: not the user's input */
};

struct fc_err {
	enum fc_err_kind kind;
	char msg[1024];
};

/* Sets kind and a printf-style message; always returns -1 so callers can
 * write `return fc_fail(e, ...)`. */
int fc_fail(struct fc_err *e, enum fc_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
