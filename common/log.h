/* log.h: the one-line messages of the runtime programs (falcon-init,
 * falcon-launcher, falcon-sensor) on stderr, which is the container's log.
 * Each line goes out in a single write(2), so lines from the launcher, the
 * sensor and the application never interleave mid-line. */
#ifndef FC_LOG_H
#define FC_LOG_H

/* The --trace levels of falconctl, least to most verbose. */
enum fc_trace {
	FC_TRACE_NONE = 0,
	FC_TRACE_ERR,
	FC_TRACE_WARN,
	FC_TRACE_INFO,
	FC_TRACE_DEBUG,
};

/* Messages start with "prog: "; only levels up to `level` are printed. */
void fc_log_setup(const char *prog, enum fc_trace level);

/* For a program that must never wait for its log: the sensor, whose
 * tracer (or a thread holding a lock the tracer needs) would otherwise
 * hold every traced process still while the log pipe is full. When stderr
 * is a pipe or FIFO, messages go through an open file description of its
 * own (/proc/self/fd/2 re-opened), non-blocking: a line the pipe cannot
 * take at once is lost, not waited for. A file or a terminal is left as
 * it is; so is stderr when it cannot be re-opened. */
void fc_log_never_wait(void);

/* A message at `level` (FC_TRACE_ERR, WARN, INFO or DEBUG), printed when the
 * configured level is at least that verbose. */
void fc_log(enum fc_trace level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A fatal error, or one that changes what runs (fail-open): printed at
 * every trace level, --trace=none included, because the user must see it. */
void fc_log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
