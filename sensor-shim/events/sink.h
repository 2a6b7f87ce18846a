/* sink.h: where event lines go (stderr by default, --sink=file:PATH), so
 * that writing them never slows or blocks the application: the tracer
 * only appends to a bounded in-memory queue, and a writer thread does the
 * blocking writes, at least every SINK_FLUSH_MS (waking it for every event
 * would cost the tracer a context switch each time). When the queue is
 * full the event is dropped and counted; the writer reports drops in an
 * Application Error event (at most every SINK_REPORT_MS) and all counters
 * in the final Stop event.
 *
 * The application shares stderr, the container's log, and is hostile:
 * - The sink writes through its own open file description when it can
 *   (stderr re-opened through /proc/self/fd/2: a pipe, FIFO or tty; a
 *   regular file opened O_APPEND), so the application's O_NONBLOCK on its
 *   fd 2 does not reach it; a socket cannot be re-opened, so EAGAIN and
 *   short writes are waited out with poll(2): a line is never cut.
 * - Each line on stderr starts with '\n', so that the application's
 *   half-written line ends before it and the event is a line of its own
 *   (the log drivers drop or keep empty lines, never merge them).
 * - Each line is one write(2): up to PIPE_BUF (4096) bytes the kernel
 *   never interleaves it with the application's writes to the pipe; a
 *   Finding is cut to fit (sink_line_max), a longer activity event may be
 *   split when the pipe fills during its write.
 * - The sink numbers the lines (metadata.sequence) in the order it queues
 *   them and writes them in that order; a dropped line consumes its
 *   number, so every gap is a counted drop, and the Stop's number is
 *   events + dropped + 1 (events counts the drop reports too). When the
 *   queue fills, room is kept for Findings: other events may fill only
 *   (SINK_QUEUE_SHARE - 1) / SINK_QUEUE_SHARE of it.
 * The sink fd is O_CLOEXEC: the application never has it, nor the log
 * itself: its stdout and stderr are the log relay's pipes (relay.h), so
 * that it cannot reopen the log pipe for reading through its
 * /proc/self/fd/2 and take lines out of it (sink_pipe_id is for the
 * policy that refuses an open of the log pipe the tracer does see). */
#ifndef FC_SINK_H
#define FC_SINK_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "ocsf.h"

#define SINK_QUEUE_BYTES (2U << 20)
#define SINK_QUEUE_EVENTS 8192U
#define SINK_REPORT_MS 10000U
#define SINK_FLUSH_MS 100U          /* the longest a line waits in the queue */
#define SINK_WAKE_BYTES (64U << 10) /* ... unless this much is queued */
#define SINK_QUEUE_SHARE 4U         /* other events than Findings: 3/4 of it */
/* A Finding line's most bytes on a shared sink: one atomic pipe write of
 * PIPE_BUF with the leading '\n' and the sequence number's 20 digits
 * (the line is built with one, "0"). */
#define SINK_ATOMIC_LINE (4096U - 1U - 19U)

struct sink;

/* spec: "stderr" or "file:PATH" (created 0600 if missing, appended to,
 * O_CLOEXEC).
 * ctx must outlive the sink. Fails with FC_ERR_USAGE (bad spec) or
 * FC_ERR_SYSTEM (cannot open the file). */
struct sink *sink_open(const char *spec, const struct ocsf_ctx *ctx,
		       struct fc_err *e);

/* The most bytes a Finding line may have (ocsf_ctx.finding_max):
 * SINK_ATOMIC_LINE when the application shares the sink, else 0 (no cap). */
size_t sink_line_max(const struct sink *s);

/* The sink's file by device and inode, for the policy that refuses the
 * application's writes, truncation, unlink, rename, chmod or links of it:
 * 1 for --sink=file:PATH, 0 for stderr (the application's own stream,
 * which it must keep writing). */
int sink_file_id(const struct sink *s, dev_t *dev, ino_t *ino);

/* The sink's own descriptor of that file, for the guard's lease (guard.h),
 * or -1 for stderr. */
int sink_file_fd(const struct sink *s);

/* The shared stderr when it is a pipe or FIFO, by device and inode: 1, or
 * 0 when it is not. An application that opens it for reading (through
 * /proc/self/fd/2) can take events out of the pipe before the log reader
 * does; a policy should refuse that open (O_RDONLY or O_RDWR). */
int sink_pipe_id(const struct sink *s, dev_t *dev, ino_t *ino);

/* Starts the writer thread. Fails with FC_ERR_SYSTEM. */
int sink_start(struct sink *s, struct fc_err *e);

/* The writer thread's id, which the seccomp filter protects. */
pid_t sink_writer_tid(const struct sink *s);

/* Queues a line ending in '\n' and takes it (free()d later); never blocks.
 * NULL (an event that could not be built) counts as a drop. Findings
 * (ocsf_line_is_finding) may use the whole queue, other events only
 * (SINK_QUEUE_SHARE - 1) / SINK_QUEUE_SHARE of it. */
void sink_push(struct sink *s, char *line, size_t len);

/* Writes what is queued, then a final Stop event with detail, the
 * counters and what the tracer left (left: NULL, or the tracer's left_*
 * figures in a struct ocsf_counters); waits at most max_ms for the writer
 * (a stalled log reader must not keep the container from exiting). Frees s. */
void sink_close(struct sink *s, const char *detail, const struct ocsf_counters *left,
		unsigned max_ms);

/* The counters so far. */
struct ocsf_counters sink_counters(struct sink *s);

#endif
