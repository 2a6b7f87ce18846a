/* sink.h: where event lines go (stderr by default, --sink=file:PATH), so
 * that writing them never slows or blocks the application: the tracer
 * only appends to a bounded in-memory queue, and a writer thread does the
 * blocking writes, at least every SINK_FLUSH_MS (waking it for every event
 * would cost the tracer a context switch each time). When the queue is
 * full the event is dropped and counted; the writer reports drops in an
 * Application Error event (at most every SINK_REPORT_MS) and all counters
 * in the final Stop event.
 *
 * On stderr, the container's log, each event is one write(2): a line of up
 * to PIPE_BUF (4096) bytes never interleaves with the application's own
 * writes to the same pipe; a longer one may. */
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

struct sink;

/* spec: "stderr" or "file:PATH" (created 0600 if missing, appended to).
 * ctx must outlive the sink. Fails with FC_ERR_USAGE (bad spec) or
 * FC_ERR_SYSTEM (cannot open the file). */
struct sink *sink_open(const char *spec, const struct ocsf_ctx *ctx,
		       struct fc_err *e);

/* Starts the writer thread. Fails with FC_ERR_SYSTEM. */
int sink_start(struct sink *s, struct fc_err *e);

/* The writer thread's id, which the seccomp filter protects. */
pid_t sink_writer_tid(const struct sink *s);

/* Queues a line ending in '\n' and takes it (free()d later); never blocks.
 * NULL (an event that could not be built) counts as a drop. */
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
