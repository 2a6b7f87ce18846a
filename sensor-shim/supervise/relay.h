/* relay.h: the application's stdout and stderr reach the container's log
 * through pipes of the sensor's, so that no traced process holds the log
 * descriptor itself.
 *
 * Why: on stderr (the default sink) the sensor's event lines share the
 * log with an application it assumes hostile. Holding the log pipe, a
 * root application can reopen it for reading (/proc/self/fd/2,
 * /dev/stderr, /proc/PID/fd/N of any of its processes) and take the
 * sensor's lines out before the log driver reads them; holding a log
 * socket, it can shutdown(2) it under the sensor. Refusing those opens
 * one by one would need a ptrace stop per read-only open. Instead the
 * application's fd 1 and fd 2 are the write ends of relay pipes, and a
 * sensor thread moves their bytes on to the real descriptors. Reopening
 * /proc/self/fd/2 then reaches the application's own relay pipe, through
 * which only its own bytes pass.
 *
 * What is relayed: fd 1 and fd 2 when they are a pipe or FIFO (moved by
 * splice(2), zero copy), a regular file or a stream socket (read(2) then
 * write(2) or send(2): splice to a file does not take the file position's
 * lock that write(2) takes, so it could write over the sink's concurrent
 * line at the same offset, and splice to a blocking socket could block
 * the thread). Left alone, the application getting the descriptor
 * itself: a terminal or any other character device (/dev/null, /dev/kmsg:
 * reading one never returns what was written to it, so there is nothing
 * to drain, and a terminal must stay the application's for job control,
 * window size and isatty), a block device, a datagram socket (a pipe in
 * between would merge or cut its messages), a socket that is also fd 0
 * (an inetd-style connection the application serves: it needs
 * getpeername, setsockopt, shutdown on it), a descriptor not open for
 * writing, and a closed one.
 *
 * When fd 1 and fd 2 are one open file description (2>&1; kcmp(2)
 * KCMP_FILE, exact), they share one relay pipe, so the interleaving of the
 * application's stdout and stderr is kept exactly. Without kcmp (a kernel
 * without CONFIG_KCMP, a seccomp profile that refuses it) the same device,
 * inode and status flags stand for it: two descriptions of one pipe or
 * socket then share a relay too, which changes nothing a reader can see;
 * only the same regular file opened twice without O_APPEND (each with its
 * own offset, overwriting each other) would then be written through one.
 *
 * What holds:
 * - Order: each relay pipe is moved in order by one thread; nothing is
 *   reordered within it. Between the application's bytes and the sensor's
 *   events there is no strict order: the relay moves bytes as soon as the
 *   thread wakes (microseconds), while events wait in the sink's queue up
 *   to SINK_FLUSH_MS; at exit the relay is drained before the final Stop.
 * - Atomicity: a write(2) of up to PIPE_BUF bytes lands in one pipe
 *   buffer of the relay pipe (the kernel merges small writes into the last
 *   buffer only when they fit whole), and splice moves whole buffers under
 *   both pipes' locks; so the sensor's writes to the log pipe (themselves
 *   at most PIPE_BUF, atomic) fall between the application's writes, never
 *   inside one, as on the log pipe itself. A moved buffer takes a slot of
 *   the log pipe however few bytes it holds, so a log pipe whose reader
 *   lags holds fewer bytes (one line a slot, at worst) than when written to
 *   directly; the relay pipe holds the rest, as much as the log pipe
 *   would. The read(2)/write(2) path reads what the pipe holds (FIONREAD),
 *   so each write(2) ends where one of the application's writes ended.
 * - Blocking: the real descriptor's O_NONBLOCK (which the application can
 *   no longer set, but the container runtime may have) is handled: EAGAIN
 *   waits in poll(2) for POLLOUT. The application's end has the real
 *   descriptor's O_NONBLOCK at start, and its relay pipe the log pipe's
 *   size when that is larger, so that it sees what it would have.
 * - EPIPE: when the log reader goes away (EPIPE, or POLLERR on the log
 *   pipe), the relay pipe's read end is closed, so that the application's
 *   next write fails with EPIPE and SIGPIPE, as on the log itself.
 * - Errors: bytes the real descriptor refuses otherwise (ENOSPC, EIO) are
 *   dropped with one warning, never turned into an error for the
 *   application (which would have seen that error natively: a difference
 *   in its favour, counted at exit).
 * - The relay never blocks the tracer: it is a thread of its own, and
 *   relay_finish waits for it with a deadline. */
#ifndef FC_RELAY_H
#define FC_RELAY_H

#include <sys/types.h>

#include "err.h"

struct relay;

/* Looks at the sensor's fd 1 and fd 2, makes a relay pipe for each that
 * is relayed (one for both when they are one description), and starts the
 * thread when there is one. Returns the relay (with nothing to do when
 * neither is relayed), or NULL with FC_ERR_SYSTEM when a pipe, descriptor
 * or the thread could not be made, or when RLIMIT_NOFILE would leave the
 * tracer too few descriptors (the relay must never be what makes the
 * sensor fail open): then nothing is left open, and the application
 * should get the real descriptors, as without the relay. */
struct relay *relay_start(struct fc_err *e);

/* The thread's id, which the seccomp filter protects; 0 when there is no
 * thread (nothing relayed, or r NULL). */
pid_t relay_tid(const struct relay *r);

/* The descriptor the application gets as its fd (1 or 2), the write end
 * of a relay pipe (close-on-exec: the child dup2s it), or -1 when that fd
 * is not relayed and stays the real one. */
int relay_app_fd(const struct relay *r, int fd);

/* In the sensor once the application's child has its copies (after the
 * fork): closes the sensor's write ends, so that the relay pipes reach
 * EOF when the application and its descendants have closed theirs. */
void relay_spawned(struct relay *r);

/* At the application's exit: moves what the relay pipes hold until EOF
 * (every writer gone), or until idle_ms have passed without a byte moved
 * (orphans that still hold a write end, a log reader that stalls), and
 * at most max_ms in all; then stops the thread and frees r. Bytes left
 * behind are counted in a warning. Never waits much past max_ms: a thread
 * stuck in a write to a file is left to exit(). */
void relay_finish(struct relay *r, unsigned idle_ms, unsigned max_ms);

#endif
