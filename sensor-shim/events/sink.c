/* sink.c: the bounded event queue and its writer thread. */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

struct node {
	struct node *next;
	char *line;
	size_t len;
	uint64_t seq;            /* metadata.sequence, given at queueing */
};

struct sink {
	int fd;                  /* ours, O_CLOEXEC, closed at the end */
	int shared;              /* stderr: the application writes there too */
	int has_id;              /* dev, ino: the file or pipe, for the policy */
	dev_t dev;
	ino_t ino;
	int is_pipe;             /* shared stderr is a pipe or FIFO */
	const struct ocsf_ctx *ctx;
	pthread_t thread;
	int started;
	pid_t writer_tid;

	pthread_mutex_t lock;    /* guards everything below */
	pthread_cond_t wake;     /* the writer: work or stop */
	pthread_cond_t done;     /* sink_close: the writer finished */
	struct node *head, **tail;
	size_t queued_bytes, queued_events;
	uint64_t seq;            /* the last sequence number given */
	int stopping, finished;
	char final_detail[256];  /* a copy: the caller may be gone when the
				  * writer, stuck in write(2), finally gets to it */
	struct ocsf_counters k;
	uint64_t reported_drops;
};

/* stderr, on an open file description of our own where one can be had:
 * the application shares fd 2's, and its fcntl(2, F_SETFL, O_NONBLOCK)
 * would otherwise be ours too. A pipe, FIFO or tty re-opened through
 * /proc gives a new description of the same object (O_NONBLOCK for the
 * open only: a FIFO without a reader would block it); a regular file only
 * if it is appended to (re-opened O_APPEND, the application could no
 * longer lseek our writes over earlier lines; without O_APPEND the two
 * would write over each other). Otherwise (a socket, no /proc) a
 * duplicate of fd 2, whose EAGAIN the writer waits out. */
static int open_stderr(struct sink *s)
{
	struct stat st;
	int fl = fcntl(STDERR_FILENO, F_GETFL), fd = -1;

	if (fl < 0 || fstat(STDERR_FILENO, &st) < 0)
		return -1; /* no stderr */
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 && fcntl(fd, F_SETFL, 0) < 0) {
			close(fd);
			fd = -1;
		}
	} else if (S_ISREG(st.st_mode) && (fl & O_APPEND)) {
		fd = open("/proc/self/fd/2", O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0)
		fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd >= 0 && S_ISFIFO(st.st_mode)) {
		s->is_pipe = 1;
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
	return fd;
}

struct sink *sink_open(const char *spec, const struct ocsf_ctx *ctx,
		       struct fc_err *e)
{
	struct sink *s = calloc(1, sizeof *s);
	pthread_condattr_t ca;
	struct stat st;

	if (!s)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory"), NULL;
	if (strcmp(spec, "stderr") == 0) {
		/* Without a stderr (-1) the events are write errors, as they
		 * always were: the sensor still protects the application. */
		s->shared = 1;
		s->fd = open_stderr(s);
	} else if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
		s->fd = open(spec + 5, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
			     0600);
		if (s->fd < 0) {
			free(s);
			return fc_fail(e, FC_ERR_SYSTEM, "cannot open the event sink "
				       "\"%s\": %s; fix --sink or the volume", spec + 5,
				       strerror(errno)), NULL;
		}
		if (fstat(s->fd, &st) == 0) {
			s->has_id = 1;
			s->dev = st.st_dev;
			s->ino = st.st_ino;
		}
	} else {
		free(s);
		return fc_fail(e, FC_ERR_USAGE, "--sink=%s is not a sink: use stderr "
			       "or file:PATH", spec), NULL;
	}
	s->ctx = ctx;
	s->tail = &s->head;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_cond_init(&s->done, &ca);
	pthread_condattr_destroy(&ca);
	return s;
}

size_t sink_line_max(const struct sink *s)
{
	return s->shared ? SINK_ATOMIC_LINE : 0;
}

int sink_file_id(const struct sink *s, dev_t *dev, ino_t *ino)
{
	if (!s->has_id)
		return 0;
	*dev = s->dev;
	*ino = s->ino;
	return 1;
}

int sink_file_fd(const struct sink *s)
{
	return s->has_id ? s->fd : -1;
}

int sink_pipe_id(const struct sink *s, dev_t *dev, ino_t *ino)
{
	if (!s->is_pipe)
		return 0;
	*dev = s->dev;
	*ino = s->ino;
	return 1;
}

/* The whole of iov[0..n), or an error. A short write is continued and
 * EAGAIN (a socket the application made non-blocking) waited out: the
 * rest of a line never goes missing. Up to PIPE_BUF bytes a pipe takes
 * all or nothing, so the line stays one atomic write. */
static int write_iov(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		if (w <= 0)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Lines gathered into one writev: a syscall costs about 1 us on the
 * development VM, as much as building the line. When the application
 * shares the sink, a batch stays within PIPE_BUF so that it is still one
 * atomic pipe write; each line is (SINK_ATOMIC_LINE), so a line alone
 * always fits. */
#define BATCH_LINES 64
#define BATCH_SHARED_BYTES PIPE_BUF
#define BATCH_BYTES (64U << 10)

struct batch {
	struct iovec iov[BATCH_LINES * 4];
	char num[BATCH_LINES][24];
	int n_iov, n_lines;
	size_t bytes;
};

/* Adds one line to b, with its sequence number in place of the
 * "sequence":0 that ocsf_header wrote, after a '\n' when the application
 * shares the sink. Returns 0, or -1 (b unchanged) when it does not fit. */
static int batch_add(const struct sink *s, struct batch *b, char *p, size_t len,
		     uint64_t seq)
{
	static const char key[] = "\"sequence\":0";
	char *num = b->num[b->n_lines];
	char *at = memmem(p, len, key, sizeof key - 1);
	size_t cap = s->shared ? BATCH_SHARED_BYTES : BATCH_BYTES;
	size_t n_num = 0, total;
	int n = b->n_iov;

	if (b->n_lines == BATCH_LINES)
		return -1;
	if (at)
		n_num = (size_t)snprintf(num, sizeof b->num[0], "%llu", (unsigned long long)seq);
	total = (s->shared ? 1U : 0U) + len + (at ? n_num - 1 : 0);
	if (b->n_lines > 0 && b->bytes + total > cap)
		return -1;
	if (s->shared)
		b->iov[n++] = (struct iovec){ "\n", 1 };
	if (!at) {
		b->iov[n++] = (struct iovec){ p, len };
	} else {
		at += sizeof key - 2; /* the '0' */
		b->iov[n++] = (struct iovec){ p, (size_t)(at - p) };
		b->iov[n++] = (struct iovec){ num, n_num };
		b->iov[n++] = (struct iovec){ at + 1, len - (size_t)(at + 1 - p) };
	}
	b->n_iov = n;
	b->n_lines++;
	b->bytes += total;
	return 0;
}

/* Writes b and empties it; its lines count as errors if that fails. */
static void batch_flush(const struct sink *s, struct batch *b, int *broken,
			uint64_t *errors)
{
	if (b->n_lines == 0)
		return;
	if (*broken || write_iov(s->fd, b->iov, b->n_iov) < 0) {
		*broken = 1;
		*errors += (uint64_t)b->n_lines;
	}
	b->n_iov = b->n_lines = 0;
	b->bytes = 0;
}

/* One line alone (the last one, written after the queue is closed). */
static int write_line(struct sink *s, char *p, size_t len, uint64_t seq)
{
	struct batch b = { .n_iov = 0 };
	int broken = 0;
	uint64_t errors = 0;

	(void)batch_add(s, &b, p, len, seq);
	batch_flush(s, &b, &broken, &errors);
	return broken ? -1 : 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* Frees the nodes from first up to (not including) stop, and their lines. */
static void free_nodes(struct node *first, const struct node *stop)
{
	while (first != stop) {
		struct node *next = first->next;

		free(first->line);
		free(first);
		first = next;
	}
}

/* Writes lines taken off the queue, outside the lock, in batches. The
 * lines stay allocated until their batch is written. */
static void write_all(struct sink *s, struct node *n, int *broken,
		      uint64_t *errors)
{
	static struct batch b; /* the writer thread's alone, kept off its stack */
	struct node *first = n;

	while (n) {
		if (batch_add(s, &b, n->line, n->len, n->seq) < 0) {
			batch_flush(s, &b, broken, errors);
			free_nodes(first, n);
			first = n;
			continue; /* an empty batch takes any line */
		}
		n = n->next;
	}
	batch_flush(s, &b, broken, errors);
	free_nodes(first, NULL);
}

/* Appends a node with the next sequence number; the lock is held. */
static void enqueue(struct sink *s, struct node *n, char *line, size_t len)
{
	n->next = NULL;
	n->line = line;
	n->len = len;
	n->seq = ++s->seq;
	*s->tail = n;
	s->tail = &n->next;
	s->queued_bytes += len;
	s->queued_events++;
	s->k.events++;
}

/* The writer's own report of new drops, queued behind what the tracer
 * queued before it, so that the sequence stays in order; it does not
 * count against the caps (one every SINK_REPORT_MS). The lock is held. */
static void queue_drop_report(struct sink *s, uint64_t new_drops)
{
	struct ocsf_counters k = s->k;
	struct node *n;
	char *line;
	size_t len;

	s->reported_drops = s->k.dropped;
	pthread_mutex_unlock(&s->lock);
	line = ocsf_drops(s->ctx, ocsf_now_ms(), new_drops, &k, &len);
	n = line ? malloc(sizeof *n) : NULL;
	pthread_mutex_lock(&s->lock);
	if (!n) {
		/* The report is lost too: counted, and not retried. */
		free(line);
		s->seq++;
		s->k.dropped++;
		s->reported_drops = s->k.dropped;
		return;
	}
	enqueue(s, n, line, len);
}

static void *writer(void *arg)
{
	struct sink *s = arg;
	uint64_t next_report = mono_ms() + SINK_REPORT_MS, errors = 0;
	int broken = 0;

	pthread_mutex_lock(&s->lock);
	s->writer_tid = gettid();
	pthread_cond_broadcast(&s->done);
	for (;;) {
		struct node *batch;
		uint64_t now, new_drops;

		/* Waking for each event would cost the tracer a context
		 * switch per event; lines wait up to SINK_FLUSH_MS instead,
		 * unless enough of them are queued to be worth a wake-up. */
		uint64_t flush = mono_ms() + SINK_FLUSH_MS;
		struct timespec ts = { (time_t)(flush / 1000), (long)(flush % 1000) * 1000000 };

		while (!s->stopping && s->queued_bytes < SINK_WAKE_BYTES)
			if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) == ETIMEDOUT)
				break;
		now = mono_ms();
		new_drops = s->k.dropped - s->reported_drops;
		if (new_drops > 0 && (now >= next_report || s->stopping))
			queue_drop_report(s, new_drops);
		if (now >= next_report)
			next_report = now + SINK_REPORT_MS;
		batch = s->head;
		s->head = NULL;
		s->tail = &s->head;
		s->queued_bytes = 0;
		s->queued_events = 0;
		pthread_mutex_unlock(&s->lock);

		write_all(s, batch, &broken, &errors);

		pthread_mutex_lock(&s->lock);
		s->k.write_errors = errors;
		if (s->stopping && !s->head && s->k.dropped == s->reported_drops)
			break;
	}
	{
		/* Last: nothing is queued after stopping (sink_push drops). */
		struct ocsf_counters k = s->k;
		char detail[sizeof s->final_detail];
		uint64_t seq = ++s->seq;
		char *line;
		size_t len;

		memcpy(detail, s->final_detail, sizeof detail);
		pthread_mutex_unlock(&s->lock);
		k.peak_rss_kib = procfs_self_peak_rss_kib();
		line = ocsf_lifecycle(s->ctx, ocsf_now_ms(), 4, detail, &k, &len);
		if (line && !broken)
			(void)write_line(s, line, len, seq);
		free(line);
		pthread_mutex_lock(&s->lock);
	}
	s->finished = 1;
	pthread_cond_broadcast(&s->done);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int sink_start(struct sink *s, struct fc_err *e)
{
	int rc = pthread_create(&s->thread, NULL, writer, s);

	if (rc != 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the event writer "
			       "thread: %s", strerror(rc));
	s->started = 1;
	pthread_mutex_lock(&s->lock);
	while (!s->writer_tid)
		pthread_cond_wait(&s->done, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

pid_t sink_writer_tid(const struct sink *s)
{
	return s->writer_tid;
}

void sink_push(struct sink *s, char *line, size_t len)
{
	struct node *n = line ? malloc(sizeof *n) : NULL;
	int finding = line && ocsf_line_is_finding(line, len);
	size_t share = finding ? SINK_QUEUE_SHARE : SINK_QUEUE_SHARE - 1;

	pthread_mutex_lock(&s->lock);
	if (!n || s->stopping ||
	    s->queued_bytes + len > SINK_QUEUE_BYTES / SINK_QUEUE_SHARE * share ||
	    s->queued_events >= SINK_QUEUE_EVENTS / SINK_QUEUE_SHARE * share) {
		/* Its number is used up: the gap shows the drop. */
		s->seq++;
		s->k.dropped++;
		if (finding)
			s->k.dropped_findings++;
		pthread_mutex_unlock(&s->lock);
		free(line);
		free(n);
		return;
	}
	enqueue(s, n, line, len);
	if (s->queued_bytes >= SINK_WAKE_BYTES && s->queued_bytes - len < SINK_WAKE_BYTES)
		pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

struct ocsf_counters sink_counters(struct sink *s)
{
	struct ocsf_counters k;

	pthread_mutex_lock(&s->lock);
	k = s->k;
	pthread_mutex_unlock(&s->lock);
	return k;
}

void sink_close(struct sink *s, const char *detail, const struct ocsf_counters *left,
		unsigned max_ms)
{
	uint64_t deadline = mono_ms() + max_ms;
	struct timespec ts = { (time_t)(deadline / 1000),
			       (long)(deadline % 1000) * 1000000 };
	int finished;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	snprintf(s->final_detail, sizeof s->final_detail, "%s", detail);
	if (left) {
		s->k.has_left = 1;
		s->k.left_processes = left->left_processes;
		s->k.left_threads = left->left_threads;
		s->k.left_exec_bytes = left->left_exec_bytes;
	}
	s->stopping = 1;
	pthread_cond_signal(&s->wake);
	while (s->started && !s->finished)
		if (pthread_cond_timedwait(&s->done, &s->lock, &ts) == ETIMEDOUT)
			break;
	finished = s->finished || !s->started;
	pthread_mutex_unlock(&s->lock);
	if (!finished)
		return; /* the writer is stuck in write(2): leave it to exit() */
	if (s->started)
		pthread_join(s->thread, NULL);
	while (s->head) {
		struct node *n = s->head;

		s->head = n->next;
		free(n->line);
		free(n);
	}
	if (s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->done);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
