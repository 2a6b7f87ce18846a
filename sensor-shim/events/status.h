/* status.h: the sensor's health at a glance, for `falcon-sensor status`
 * (run through ECS Exec, or by hand in the container).
 *
 * The running sensor answers on an abstract unix socket named after its
 * PID namespace ("falcon-sensor/status/<inode of /proc/self/ns/pid>"), so
 * that the sensors of a task's containers, which share one network
 * namespace, each have their own, and a client finds the one of the
 * container it runs in. A thread of the sensor accepts a connection,
 * writes one JSON document and closes it; it reads nothing from the
 * client. The channel is one-way by construction: there is no request
 * the application could send to change or stop the sensor, and the name
 * is bound before the application runs, so the application cannot take
 * it. What it tells (counts, the mode, the version) the application may
 * read; the event file's path is not in it (it is hidden from the
 * application, protect.h).
 *
 * The counters are written by the tracer and the sink and read by the
 * status thread, with relaxed atomics: a snapshot may be a few events
 * apart across fields, never torn within one. */
#ifndef FC_STATUS_H
#define FC_STATUS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "sink.h"

/* What does not change while the sensor runs. */
struct status_info {
	const char *version;
	const char *mode;        /* "detect" or "prevent" */
	size_t rules;            /* enabled rules */
	const char *sink_kind;   /* "stderr" or "file" (never the path) */
	int entrants;            /* --entrants took effect */
	struct sink *sink;       /* for its counters */
};

/* Binds the socket and starts the thread that answers it; *tid receives
 * the thread's id (for the filter's list of sensor threads). */
int status_start(const struct status_info *info, pid_t *tid, struct fc_err *e);

/* Counting, from the tracer thread. */
void status_processes(size_t now);
void status_launched(void);
void status_entrant(void);
void status_finding(const char *rule_id);

/* The client: the document of the sensor of this PID namespace into a
 * malloc'd, NUL-terminated *doc. Fails with FC_ERR_LOOKUP when no sensor
 * answers, FC_ERR_SYSTEM otherwise. */
int status_query(char **doc, size_t *len, struct fc_err *e);

/* The document as one screen of text. Fails with FC_ERR_INPUT when it is
 * not a sensor's status document. */
int status_print(const char *doc, size_t len, FILE *out, struct fc_err *e);

#endif
