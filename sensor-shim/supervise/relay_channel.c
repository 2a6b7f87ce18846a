/* relay_channel.c: one channel of the log relay (relay_channel.h). */
#include "relay_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* Asked of each splice: more than a pipe can hold (pipe-max-size is 1 MiB
 * without CAP_SYS_RESOURCE, which the application lacks), so that splice
 * never has to cut one of the relay pipe's buffers in two. */
#define RELAY_SPLICE_LEN (1U << 30)
/* Moved from one relay pipe before the other gets its turn. */
#define RELAY_BURST (1U << 20)
/* The read(2)/write(2) path's buffer: first the default pipe size, grown
 * to what the relay pipe holds, up to pipe-max-size's default. */
#define RELAY_COPY_MIN (64U << 10)
#define RELAY_COPY_MAX (1U << 20)

/* What the pipe holds now. */
size_t channel_holds(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}


/* fd moved above 0, 1 and 2, close-on-exec: a pipe end that landed on a
 * closed standard descriptor would otherwise be taken for it (the
 * sensor's own messages written into the relay, a dup2 onto itself). */
int channel_above_stdio(int fd)
{
	int moved, err;

	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	err = errno;
	close(fd);
	errno = err;
	return moved;
}

void channel_free(struct channel *c)
{
	if (c->rd >= 0)
		close(c->rd);
	if (c->wr >= 0)
		close(c->wr);
	if (c->out >= 0)
		close(c->out);
	c->rd = c->wr = c->out = -1;
	free(c->buf);
	c->buf = NULL;
}

/* A relay pipe for the sensor's fd, which the application's end
 * resembles: same O_NONBLOCK, and the log pipe's size when larger. */
int channel_open(struct channel *c, int fd, enum how how, struct fc_err *e)
{
	int p[2], fl = fcntl(fd, F_GETFL), size;

	c->rd = c->wr = c->out = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot make a pipe for the "
			       "application's %s: %s", c->name, strerror(errno));
	c->rd = channel_above_stdio(p[0]);
	if (c->rd < 0) {
		close(p[1]);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot move a pipe for the "
			       "application's %s: %s", c->name, strerror(errno));
	}
	c->wr = channel_above_stdio(p[1]);
	if (c->wr >= 0)
		c->out = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (c->wr < 0 || c->out < 0 || fcntl(c->rd, F_SETFL, O_NONBLOCK) < 0 ||
	    ((fl & O_NONBLOCK) && fcntl(c->wr, F_SETFL, O_NONBLOCK) < 0)) {
		int err = errno;

		channel_free(c);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot set up the relay of the "
			       "application's %s: %s", c->name, strerror(err));
	}
	if (how == HOW_SPLICE && (size = fcntl(fd, F_GETPIPE_SZ)) > 0 &&
	    size > fcntl(c->rd, F_GETPIPE_SZ))
		(void)fcntl(c->rd, F_SETPIPE_SZ, size);
	c->how = how;
	c->out_is_pipe = how == HOW_SPLICE;
	c->open = 1;
	return 0;
}

/* The end of a channel: its bytes can no longer go anywhere. */
void channel_close(struct channel *c)
{
	close(c->rd);
	close(c->out);
	c->rd = c->out = -1;
	c->open = 0;
	c->blocked = 0;
}

/* The log reader went away: the relay pipe loses its reader too, so that
 * the application's next write fails with EPIPE and SIGPIPE, as it would
 * have on the log itself. */
void channel_reader_gone(struct channel *c)
{
	fc_log(FC_TRACE_DEBUG, "the log reader of the application's %s went away: "
	       "its relay pipe is closed", c->name);
	channel_close(c);
}

/* The real descriptor refused the bytes (ENOSPC, EIO...): they are
 * dropped and counted. The application's write has succeeded already;
 * on the log itself it would have failed: a difference in its favour,
 * where failing it late, on a later write, would be none. */
static void refused(struct channel *c, size_t bytes, int err)
{
	c->lost += bytes;
	if (c->warned)
		return;
	c->warned = 1;
	fc_log(FC_TRACE_WARN, "the container log refuses the application's %s (%s): "
	       "its bytes are dropped", c->name, strerror(err));
}

/* Empties the relay pipe after a refusal; bounded by what it holds now,
 * so that an application writing all the time cannot keep the thread. */
static void discard(struct channel *c, int err)
{
	char scratch[4096];
	size_t left = channel_holds(c->rd), gone = 0;

	while (left > 0) {
		ssize_t n = read(c->rd, scratch, left < sizeof scratch ? left : sizeof scratch);

		if (n <= 0)
			break;
		left -= (size_t)n;
		gone += (size_t)n;
	}
	refused(c, gone, err);
}

/* Reads the relay pipe into the buffer: as much as the pipe holds, so
 * that the write(2) after it ends where one of the application's did.
 * Returns 1 when there are bytes to write, 0 when not (empty, EOF: the
 * channel closed, or a refusal). */
static int fill(struct channel *c)
{
	size_t want = channel_holds(c->rd), grow = c->cap ? c->cap : RELAY_COPY_MIN;
	ssize_t n;

	while (grow < want && grow < RELAY_COPY_MAX)
		grow *= 2;
	if (grow > c->cap) {
		char *b = realloc(c->buf, grow);

		if (b) {
			c->buf = b;
			c->cap = grow;
		}
	}
	if (!c->buf) {
		discard(c, ENOMEM);
		return 0;
	}
	do
		n = read(c->rd, c->buf, want && want < c->cap ? want : c->cap);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		channel_close(c);
	else if (n < 0 && errno != EAGAIN)
		discard(c, errno);
	if (n <= 0)
		return 0;
	c->off = 0;
	c->len = (size_t)n;
	return 1;
}

/* The read(2)/write(2) path. Returns the bytes moved. */
static size_t move_copy(struct channel *c)
{
	size_t moved = 0;

	while (moved < RELAY_BURST) {
		ssize_t w;

		if (c->off == c->len && !fill(c))
			return moved;
		if (c->how == HOW_SEND)
			w = send(c->out, c->buf + c->off, c->len - c->off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(c->out, c->buf + c->off, c->len - c->off);
		if (w > 0) {
			c->off += (size_t)w;
			moved += (size_t)w;
			if (c->off == c->len)
				c->off = c->len = 0;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->blocked = 1;
			return moved;
		}
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			channel_reader_gone(c);
			return moved;
		}
		/* One attempt per batch: the next comes with the next bytes. */
		refused(c, c->len - c->off, w < 0 ? errno : EIO);
		c->off = c->len = 0;
		return moved;
	}
	return moved;
}

/* The splice(2) path: whole pipe buffers from the relay pipe to the log
 * pipe, never blocking (SPLICE_F_NONBLOCK covers both pipes). Returns the
 * bytes moved. */
static size_t move_splice(struct channel *c)
{
	size_t moved = 0;

	while (moved < RELAY_BURST) {
		ssize_t n = splice(c->rd, NULL, c->out, NULL, RELAY_SPLICE_LEN,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

		if (n > 0) {
			moved += (size_t)n;
			continue;
		}
		if (n == 0) { /* empty, and every writer gone */
			channel_close(c);
			return moved;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			/* The relay pipe is empty, or the log pipe full. */
			c->blocked = channel_holds(c->rd) > 0;
			return moved;
		}
		if (errno == EPIPE) {
			channel_reader_gone(c);
			return moved;
		}
		if (errno == EINVAL) {
			fc_log(FC_TRACE_DEBUG, "splice to the log refused (EINVAL): the "
			       "application's %s is relayed by read and write", c->name);
			c->how = HOW_WRITE;
			return moved + move_copy(c);
		}
		discard(c, errno);
		return moved;
	}
	return moved;
}

size_t channel_move(struct channel *c)
{
	return c->how == HOW_SPLICE ? move_splice(c) : move_copy(c);
}
