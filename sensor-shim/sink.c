/* sink.c: the bounded event queue and its writer thread. */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

struct node {
	struct node *next;
	char *line;
	size_t len;
};

struct sink {
	int fd;
	int own_fd;              /* opened here, closed at the end */
	const struct ocsf_ctx *ctx;
	pthread_t thread;
	int started;
	pid_t writer_tid;

	pthread_mutex_t lock;    /* guards everything below */
	pthread_cond_t wake;     /* the writer: work or stop */
	pthread_cond_t done;     /* sink_close: the writer finished */
	struct node *head, **tail;
	size_t queued_bytes, queued_events;
	int stopping, finished;
	char final_detail[256];  /* a copy: the caller may be gone when the
				  * writer, stuck in write(2), finally gets to it */
	struct ocsf_counters k;
	uint64_t reported_drops;
};

struct sink *sink_open(const char *spec, const struct ocsf_ctx *ctx,
		       struct fc_err *e)
{
	struct sink *s;
	pthread_condattr_t ca;
	int fd = STDERR_FILENO, own = 0;

	if (strcmp(spec, "stderr") == 0) {
		fd = STDERR_FILENO;
	} else if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
		fd = open(spec + 5, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
			  0600);
		if (fd < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "cannot open the event sink "
				       "\"%s\": %s; fix --sink or the volume", spec + 5,
				       strerror(errno)), NULL;
		own = 1;
	} else {
		return fc_fail(e, FC_ERR_USAGE, "--sink=%s is not a sink: use stderr "
			       "or file:PATH", spec), NULL;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		if (own)
			close(fd);
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory"), NULL;
	}
	s->fd = fd;
	s->own_fd = own;
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

/* One whole line, or an error: a short write is continued. */
static int write_line(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* Writes lines taken off the queue, outside the lock. */
static void write_all(struct sink *s, struct node *n, int *broken,
		      uint64_t *errors)
{
	while (n) {
		struct node *next = n->next;

		if (*broken || write_line(s->fd, n->line, n->len) < 0) {
			*broken = 1;
			(*errors)++;
		}
		free(n->line);
		free(n);
		n = next;
	}
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
		struct ocsf_counters k;
		uint64_t now, new_drops;

		/* Waking for each event would cost the tracer a context
		 * switch per event; lines wait up to SINK_FLUSH_MS instead,
		 * unless enough of them are queued to be worth a wake-up. */
		uint64_t flush = mono_ms() + SINK_FLUSH_MS;
		struct timespec ts = { (time_t)(flush / 1000), (long)(flush % 1000) * 1000000 };

		while (!s->stopping && s->queued_bytes < SINK_WAKE_BYTES)
			if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) == ETIMEDOUT)
				break;
		batch = s->head;
		s->head = NULL;
		s->tail = &s->head;
		s->queued_bytes = 0;
		s->queued_events = 0;
		pthread_mutex_unlock(&s->lock);

		write_all(s, batch, &broken, &errors);

		pthread_mutex_lock(&s->lock);
		s->k.write_errors = errors;
		now = mono_ms();
		new_drops = s->k.dropped - s->reported_drops;
		if (new_drops > 0 && (now >= next_report || s->stopping)) {
			char *line;
			size_t len;

			s->reported_drops = s->k.dropped;
			k = s->k;
			pthread_mutex_unlock(&s->lock);
			line = ocsf_drops(s->ctx, ocsf_now_ms(), new_drops, &k, &len);
			if (line && (broken || write_line(s->fd, line, len) < 0)) {
				broken = 1;
				errors++;
			}
			free(line);
			pthread_mutex_lock(&s->lock);
			s->k.write_errors = errors;
		}
		if (now >= next_report)
			next_report = now + SINK_REPORT_MS;
		if (s->stopping && !s->head)
			break;
	}
	{
		struct ocsf_counters k = s->k;
		char detail[sizeof s->final_detail];
		char *line;
		size_t len;

		memcpy(detail, s->final_detail, sizeof detail);
		pthread_mutex_unlock(&s->lock);
		k.peak_rss_kib = procfs_self_peak_rss_kib();
		line = ocsf_lifecycle(s->ctx, ocsf_now_ms(), 4, detail, &k, &len);
		if (line && !broken)
			(void)write_line(s->fd, line, len);
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

	pthread_mutex_lock(&s->lock);
	if (!n || s->stopping || s->queued_bytes + len > SINK_QUEUE_BYTES ||
	    s->queued_events >= SINK_QUEUE_EVENTS) {
		s->k.dropped++;
		pthread_mutex_unlock(&s->lock);
		free(line);
		free(n);
		return;
	}
	n->next = NULL;
	n->line = line;
	n->len = len;
	*s->tail = n;
	s->tail = &n->next;
	s->queued_bytes += len;
	s->queued_events++;
	s->k.events++;
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
	if (s->own_fd)
		close(s->fd);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->done);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
