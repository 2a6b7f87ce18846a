/* ocsf.h: the sensor's events as OCSF JSON lines (schema 1.x, the copy in
 * shared/reference/ocsf-schema): Process Activity (1007) Launch on exec
 * and Terminate on exit, and the sensor's own Application Lifecycle (6002)
 * start/stop and Application Error (6008) for dropped events.
 *
 * Mapping, where OCSF leaves a choice:
 * - --cid is metadata.tenant_uid; the falconctl --tags (plain grouping
 *   tags, not key:value pairs) are metadata.labels; the container name is
 *   device.container.name (OCSF's container profile is on endpoints and
 *   processes, not on events); metadata.sequence numbers every event the sensor makes,
 *   so a gap shows a drop.
 * - Launch: process is the new image (pid, file.path from /proc/PID/exe,
 *   cmd_line, working_directory, user.uid, parent_process.pid); actor is the
 *   same pid as it was before the exec; launch_type_id 3 (Exec).
 * - Terminate: exit_code when the process exited; a process killed by a
 *   signal has no exit code, and the signal is in unmapped.signal.
 * - OCSF has no argv: it is unmapped.argv (with argc and what was cut). */
#ifndef FC_OCSF_H
#define FC_OCSF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tstrv.h"

/* The OCSF schema version the events follow. */
#define OCSF_VERSION "1.9.0-dev"

/* What every event carries; read-only once the sensor runs. */
struct task_meta;
struct activity;
struct rule;

struct ocsf_ctx {
	const char *cid;
	char **tags;
	size_t n_tags;
	const char *container;   /* NULL: not known (then the task metadata's) */
	const char *hostname;
	const char *version;     /* the sensor's */
	const struct task_meta *meta; /* NULL: not on ECS, or not readable */
	const char *mode;        /* "detect" or "prevent" */
	size_t finding_max;      /* a Finding line's most bytes, its long
				  * strings cut to fit (sink_line_max); 0: no cap */
};

/* A process as an event refers to it. */
struct ocsf_proc {
	pid_t pid;
	const char *exe;         /* NULL: unknown */
	const char *cmd_line;    /* NULL: unknown */
	const char *name;        /* the name it was run as; NULL: exe's base name */
};

struct ocsf_launch {
	uint64_t time_ms;
	pid_t pid;
	pid_t tid;               /* the thread that executed */
	pid_t ppid;
	const char *exe;         /* NULL: unreadable */
	const char *cwd;
	long uid, euid;          /* -1: unknown */
	const struct tstrv *argv;/* NULL: unknown */
	int argv_from_proc;      /* argv is the new image's /proc cmdline */
	const char *exec_path;   /* the filename argument, or NULL */
	size_t exec_path_len;
	unsigned exec_path_flags;/* TSTR_* */
	struct ocsf_proc actor;  /* the same pid before the exec */
	struct ocsf_proc parent;
	unsigned long long entered_ms; /* activity.h; 0: not entered */
	int ecs_exec;            /* activity.h */
	int attached;            /* an entrant found running (entrants.h),
				  * not an exec the sensor saw */
};

struct ocsf_terminate {
	uint64_t time_ms;
	pid_t pid;
	pid_t ppid;
	const char *exe;
	const char *cmd_line;
	int wait_status;         /* as waitpid gives it */
	unsigned long long entered_ms; /* activity.h; 0: not entered */
	int ecs_exec;
};

/* The sensor's own counters, for lifecycle and drop events. */
struct ocsf_counters {
	uint64_t events;         /* events queued to the sink */
	uint64_t dropped;        /* events dropped: queue full, or too large */
	uint64_t dropped_findings; /* ... of which Detection Findings */
	uint64_t write_errors;   /* events lost because the sink failed */
	long peak_rss_kib;       /* the sensor's VmHWM; 0: not reported */
	int has_left;            /* the three below are reported */
	uint64_t left_processes, left_threads, left_exec_bytes; /* tracer_result */
};

/* Each returns a malloc'd line ending in '\n' (length in *len), or NULL
 * when out of memory. The line is always valid UTF-8 JSON. */
char *ocsf_launch(const struct ocsf_ctx *c, const struct ocsf_launch *l,
		  size_t *len);
char *ocsf_terminate(const struct ocsf_ctx *c, const struct ocsf_terminate *t,
		     size_t *len);
/* activity 3 Start or 4 Stop of the sensor; detail is a short text. */
char *ocsf_lifecycle(const struct ocsf_ctx *c, uint64_t time_ms, int activity,
		     const char *detail, const struct ocsf_counters *k, size_t *len);
/* Events were dropped: dropped_new since the last report. */
char *ocsf_drops(const struct ocsf_ctx *c, uint64_t time_ms, uint64_t dropped_new,
		 const struct ocsf_counters *k, size_t *len);

/* File System Activity (1001) for a file activity, Network Activity
 * (4001) for a socket one (ocsf_activity.c); denied: the sensor refused
 * the syscall. NULL also when the activity makes no event (a read of a
 * path that is not sensitive, a chmod that adds no exec bit, a socket
 * that is not inet, inet6 or unix): ocsf_activity_wanted says. */
int ocsf_activity_wanted(const struct activity *a, int sensitive,
			 unsigned old_mode);
char *ocsf_activity(const struct ocsf_ctx *c, const struct activity *a,
		    int denied, size_t *len);

/* A Detection Finding (2004): rule r matched a; applied says whether its
 * action was carried out (--mode=prevent, deny or kill) (ocsf_finding.c). */
char *ocsf_finding(const struct ocsf_ctx *c, const struct rule *r,
		   const struct activity *a, int applied, size_t *len);

/* Whether a line from these functions is a Detection Finding (which the
 * sink keeps room for when its queue fills) (ocsf_finding.c). */
int ocsf_line_is_finding(const char *line, size_t len);

/* argv joined by single spaces, as ps shows it; a malloc'd string, or NULL
 * when out of memory. Bytes are kept as they are (json_out repairs). */
char *ocsf_join_argv(const struct tstrv *v);

/* Milliseconds since the epoch, now. */
uint64_t ocsf_now_ms(void);

#endif
