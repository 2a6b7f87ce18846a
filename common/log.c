/* log.c: levelled one-line messages on stderr. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "falcon";
static enum fc_trace log_level = FC_TRACE_WARN;
static int log_fd = STDERR_FILENO;

void fc_log_setup(const char *prog, enum fc_trace level)
{
	log_prog = prog;
	log_level = level;
}

void fc_log_never_wait(void)
{
	struct stat st;
	int fd;

	if (fstat(STDERR_FILENO, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		log_fd = fd;
}

/* Writes to stderr without dying of SIGPIPE when the log's reader is gone:
 * the launcher must not change SIGPIPE's disposition (the application
 * inherits an ignored signal), so the signal is blocked around the write and
 * a SIGPIPE that the write itself raised is taken back. A failed write to the
 * log has nowhere to be reported. */
static void write_quietly(const char *line, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	int was_pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
	if (write(log_fd, line, len) < 0 && errno == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

__attribute__((format(printf, 2, 0)))
static void emit(const char *tag, const char *fmt, va_list ap)
{
	char line[2048];
	int saved = errno;
	int n = snprintf(line, sizeof line, "%s: %s", log_prog, tag);
	size_t len;

	if (n < 0)
		return;
	len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	/* Every caller va_starts ap; clang 14's analyzer loses track. */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	n = vsnprintf(line + len, sizeof line - len, fmt, ap);
	if (n < 0)
		return;
	len += (size_t)n;
	if (len > sizeof line - 2)
		len = sizeof line - 2; /* cut, but still one whole line */
	line[len++] = '\n';
	write_quietly(line, len);
	errno = saved;
}

void fc_log(enum fc_trace level, const char *fmt, ...)
{
	static const char *const tags[] = {
		[FC_TRACE_ERR] = "error: ",
		[FC_TRACE_WARN] = "warning: ",
		[FC_TRACE_INFO] = "",
		[FC_TRACE_DEBUG] = "debug: ",
	};
	va_list ap;

	if (level == FC_TRACE_NONE || level > log_level)
		return;
	va_start(ap, fmt);
	emit(tags[level], fmt, ap);
	va_end(ap);
}

void fc_log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("error: ", fmt, ap);
	va_end(ap);
}
