/* relay_channel.h: one channel of the log relay (relay.h): the relay pipe
 * the application writes into, the real descriptor behind it (the
 * container's log), and the moving of bytes from one to the other without
 * ever blocking the relay's thread. */
#ifndef FC_RELAY_CHANNEL_H
#define FC_RELAY_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum how {
	HOW_SPLICE,              /* a pipe or FIFO */
	HOW_WRITE,               /* a regular file, or splice said EINVAL */
	HOW_SEND,                /* a stream socket: MSG_DONTWAIT, MSG_NOSIGNAL */
};

struct channel {
	const char *name;        /* "stdout", "stderr", "stdout and stderr" */
	int rd;                  /* the relay pipe's read end: ours alone, O_NONBLOCK */
	int wr;                  /* its write end, the application's fd 1 or 2 */
	int out;                 /* the real descriptor (a duplicate: same description) */
	enum how how;
	int out_is_pipe;         /* then POLLERR on out: the log reader is gone */
	int blocked;             /* out said EAGAIN: wait for POLLOUT */
	int open;                /* 0 after EOF or EPIPE: rd and out closed */
	char *buf;               /* HOW_WRITE, HOW_SEND: read, [off, len) unwritten */
	size_t cap, off, len;
	uint64_t lost;           /* bytes the real descriptor refused */
	int warned;
};

/* A relay pipe for the sensor's fd (1 or 2) into c, moved how. */
int channel_open(struct channel *c, int fd, enum how how, struct fc_err *e);
/* Closes what c holds (the relay pipe, the real descriptor, the buffer). */
void channel_free(struct channel *c);
/* The end of a channel: EOF or EPIPE. */
void channel_close(struct channel *c);
/* The log reader went away: what comes next is lost, and said so once. */
void channel_reader_gone(struct channel *c);
/* Moves what the relay pipe holds to the real descriptor, up to a burst.
 * Returns the bytes moved. */
size_t channel_move(struct channel *c);
/* What a pipe holds now. */
size_t channel_holds(int fd);
/* fd moved above 0, 1 and 2, close-on-exec (the old one closed). */
int channel_above_stdio(int fd);

#endif
