/* status.c: the status socket, its counters and its client (status.h). */
#include "status.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "json_out.h"
#include "json_parse.h"
#include "ocsf.h"
#include "procfs.h"

/* Rules with Findings, counted by id; past the table, in "other". */
#define FINDING_IDS 64

static struct {
	size_t processes;
	unsigned long launched, entrants, other_findings;
	pthread_mutex_t lock;    /* the table of Findings */
	struct {
		const char *id;  /* the ruleset's string: lives as long */
		unsigned long n;
	} findings[FINDING_IDS];
	size_t n_ids;
} board = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct status_info info;
static uint64_t started_ms;
static int listen_fd = -1;
static pid_t thread_tid;
static pthread_mutex_t tid_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tid_set = PTHREAD_COND_INITIALIZER;

void status_processes(size_t now)
{
	__atomic_store_n(&board.processes, now, __ATOMIC_RELAXED);
}

void status_launched(void)
{
	__atomic_add_fetch(&board.launched, 1, __ATOMIC_RELAXED);
}

void status_entrant(void)
{
	__atomic_add_fetch(&board.entrants, 1, __ATOMIC_RELAXED);
}

void status_finding(const char *rule_id)
{
	size_t i;

	pthread_mutex_lock(&board.lock);
	for (i = 0; i < board.n_ids && strcmp(board.findings[i].id, rule_id) != 0; i++)
		;
	if (i < board.n_ids)
		board.findings[i].n++;
	else if (board.n_ids < FINDING_IDS)
		board.findings[board.n_ids++] = (typeof(board.findings[0])){ rule_id, 1 };
	else
		board.other_findings++;
	pthread_mutex_unlock(&board.lock);
}

/* The socket's abstract name: the PID namespace's, so that a client in
 * the same container finds the same one. */
static int address(struct sockaddr_un *a, socklen_t *len, struct fc_err *e)
{
	struct stat st;
	int n;

	if (stat("/proc/self/ns/pid", &st) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot read /proc/self/ns/pid (%s): is "
			       "/proc mounted?", strerror(errno));
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "falcon-sensor/status/%lu",
		     (unsigned long)st.st_ino);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	return 0;
}

static char *document(size_t *len)
{
	struct ocsf_counters k = sink_counters(info.sink);
	uint64_t now = ocsf_now_ms();
	unsigned long total = 0;
	struct jout j;

	jout_init(&j, 64 * 1024);
	jout_obj_begin(&j);
	jout_kstr(&j, "version", info.version);
	jout_kint(&j, "pid", getpid());
	jout_kint(&j, "uptime_s", (long long)((now - started_ms) / 1000));
	jout_kstr(&j, "mode", info.mode);
	jout_kint(&j, "rules", (long long)info.rules);
	jout_kobj(&j, "processes");
	jout_kint(&j, "traced", (long long)__atomic_load_n(&board.processes, __ATOMIC_RELAXED));
	jout_kint(&j, "launched", (long long)__atomic_load_n(&board.launched, __ATOMIC_RELAXED));
	jout_kint(&j, "entered", (long long)__atomic_load_n(&board.entrants, __ATOMIC_RELAXED));
	jout_kbool(&j, "watching_entrants", info.entrants);
	jout_obj_end(&j);
	jout_kobj(&j, "events");
	jout_kint(&j, "written", (long long)(k.events - k.dropped));
	jout_kint(&j, "dropped", (long long)k.dropped);
	jout_kint(&j, "dropped_findings", (long long)k.dropped_findings);
	jout_kint(&j, "write_errors", (long long)k.write_errors);
	jout_obj_end(&j);
	jout_kobj(&j, "findings");
	pthread_mutex_lock(&board.lock);
	for (size_t i = 0; i < board.n_ids; i++) {
		jout_kint(&j, board.findings[i].id, (long long)board.findings[i].n);
		total += board.findings[i].n;
	}
	if (board.other_findings)
		jout_kint(&j, "other", (long long)board.other_findings);
	total += board.other_findings;
	pthread_mutex_unlock(&board.lock);
	jout_obj_end(&j);
	jout_kint(&j, "findings_total", (long long)total);
	jout_kint(&j, "peak_rss_kib", procfs_self_peak_rss_kib());
	jout_kobj(&j, "sink");
	jout_kstr(&j, "kind", info.sink_kind);
	jout_kstr(&j, "state", k.write_errors ? "failing" : k.dropped ? "dropping" : "ok");
	jout_obj_end(&j);
	jout_obj_end(&j);
	return jout_take_line(&j, len);
}

/* Answers each connection with the document, and reads nothing. A
 * client that does not read gets what the socket buffer takes (the
 * document is far smaller) and is closed after 100 ms at most. */
static void *serve(void *arg)
{
	struct timeval limit = { 0, 100000 };

	(void)arg;
	pthread_mutex_lock(&tid_lock);
	thread_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&tid_set);
	pthread_mutex_unlock(&tid_lock);
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		size_t len = 0;
		char *doc;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
			    errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				struct timespec pause = { 0, 10000000 };

				nanosleep(&pause, NULL);
				continue;
			}
			return NULL;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
		doc = document(&len);
		if (doc)
			(void)send(fd, doc, len, MSG_NOSIGNAL);
		free(doc);
		close(fd);
	}
	return NULL;
}

int status_start(const struct status_info *in, pid_t *tid, struct fc_err *e)
{
	struct sockaddr_un a = { 0 };
	socklen_t alen = 0;
	pthread_t th;
	int rc;

	info = *in;
	started_ms = ocsf_now_ms();
	if (address(&a, &alen, e) < 0)
		return -1;
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, alen) < 0 ||
	    listen(listen_fd, 16) < 0) {
		rc = errno;
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		return fc_fail(e, FC_ERR_SYSTEM, "cannot open the status socket @%s: %s%s",
			       a.sun_path + 1, strerror(rc), rc == EADDRINUSE ?
			       " (another sensor runs in this PID namespace)" : "");
	}
	rc = pthread_create(&th, NULL, serve, NULL);
	if (rc != 0) {
		close(listen_fd);
		listen_fd = -1;
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start the status thread: %s",
			       strerror(rc));
	}
	pthread_detach(th);
	pthread_mutex_lock(&tid_lock);
	while (!thread_tid)
		pthread_cond_wait(&tid_set, &tid_lock);
	*tid = thread_tid;
	pthread_mutex_unlock(&tid_lock);
	return 0;
}

int status_query(char **doc, size_t *len, struct fc_err *e)
{
	struct sockaddr_un a = { 0 };
	socklen_t alen = 0;
	size_t cap = 64 * 1024, got = 0;
	char *buf;
	int fd;

	if (address(&a, &alen, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot make a socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, alen) < 0) {
		int err = errno;

		close(fd);
		return fc_fail(e, err == ECONNREFUSED || err == ENOENT ? FC_ERR_LOOKUP :
			       FC_ERR_SYSTEM, "no sensor answers in this container (@%s: %s): "
			       "run this inside the application's container, where "
			       "falcon-sensor supervises the application", a.sun_path + 1,
			       strerror(err));
	}
	buf = malloc(cap + 1);
	while (buf && got < cap) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 2000) <= 0)
			break;
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	if (got == 0 || buf[got - 1] != '\n') {
		free(buf);
		return fc_fail(e, FC_ERR_SYSTEM, "the sensor's status answer was cut short");
	}
	buf[got] = '\0';
	*doc = buf;
	*len = got;
	return 0;
}

/* The integer at path ("a" or "a.b"), or -1. */
static long long num(const struct jv *o, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');
	const struct jv *v;

	if (dot) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		o = jv_get(o, key);
		path = dot + 1;
	}
	v = jv_get(o, path);
	return v && v->type == JV_NUMBER && v->is_int ? v->i : -1;
}

static const char *str(const struct jv *o, const char *a, const char *b)
{
	const struct jv *v = jv_get(b ? jv_get(o, a) : o, b ? b : a);

	return v && v->type == JV_STRING ? v->str : "?";
}

int status_print(const char *doc, size_t len, FILE *out, struct fc_err *e)
{
	struct jparse_err pe;
	struct jv *d = jparse(doc, len, &pe);
	const struct jv *f;
	long long up, rss;

	if (!d || d->type != JV_OBJECT || !jv_get(d, "version")) {
		jv_free(d);
		return fc_fail(e, FC_ERR_INPUT, "the status answer is not a sensor's (%s)",
			       d ? "no version" : pe.msg);
	}
	up = num(d, "uptime_s");
	rss = num(d, "peak_rss_kib");
	fprintf(out, "falcon-sensor %s, pid %lld, up %lldh%02lldm%02llds, mode %s\n",
		str(d, "version", NULL), num(d, "pid"), up / 3600, up / 60 % 60, up % 60,
		str(d, "mode", NULL));
	fprintf(out, "rules:      %lld enabled\n", num(d, "rules"));
	fprintf(out, "processes:  %lld traced now, %lld launched, %lld entered from outside%s\n",
		num(d, "processes.traced"), num(d, "processes.launched"),
		num(d, "processes.entered"),
		jv_get(jv_get(d, "processes"), "watching_entrants") &&
		jv_get(jv_get(d, "processes"), "watching_entrants")->b ? "" :
		" (not watched)");
	fprintf(out, "events:     %lld written, %lld dropped (%lld Findings), %lld write "
		"errors\n", num(d, "events.written"), num(d, "events.dropped"),
		num(d, "events.dropped_findings"), num(d, "events.write_errors"));
	fprintf(out, "sink:       %s, %s\n", str(d, "sink", "kind"), str(d, "sink", "state"));
	fprintf(out, "peak RSS:   %lld.%lld MiB\n", rss / 1024, rss % 1024 * 10 / 1024);
	fprintf(out, "Findings:   %lld\n", num(d, "findings_total"));
	f = jv_get(d, "findings");
	for (size_t i = 0; f && f->type == JV_OBJECT && i < f->n; i++)
		fprintf(out, "  %-32s %lld\n", f->keys[i],
			f->items[i].is_int ? f->items[i].i : -1);
	jv_free(d);
	return 0;
}
