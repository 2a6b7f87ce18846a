/* ocsf_build.h: the parts every OCSF event line is built from, shared by
 * ocsf.c (process and lifecycle events), ocsf_activity.c (files, network)
 * and ocsf_finding.c (Detection Findings). Not for other callers. */
#ifndef FC_OCSF_BUILD_H
#define FC_OCSF_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "json_out.h"
#include "ocsf.h"

/* Big enough for a Launch with every cap reached and every byte escaped
 * (argv twice, as argv and as cmd_line); a line that would be larger is
 * dropped and counted rather than cut. */
#define OCSF_LINE_MAX (512U * 1024U)

/* Bytes of an argument vector, and of a command line, that one event
 * carries. The rules see all that tstrv.h keeps (256 KiB); an event
 * with all of it, escaped, would pass OCSF_LINE_MAX and be dropped, and
 * padding the arguments would then hide a Launch and its Findings. */
#define OCSF_ARGV_EMIT (16U * 1024U)

/* "argv": the entries up to OCSF_ARGV_EMIT bytes in all (the last one
 * cut). Returns 1 when something was left out. */
int ocsf_argv_array(struct jout *j, const struct tstrv *v);

/* key: a command line, cut at OCSF_ARGV_EMIT bytes. */
void ocsf_kcmd_line(struct jout *j, const char *key, const char *s);

/* An OCSF class, as the header names it. */
struct klass {
	int category_uid;
	const char *category_name;
	int class_uid;
	const char *class_name;
};

/* Opens the event object and writes what every event has: class,
 * activity, severity, metadata (cid, tags, sequence), device and
 * container, and the ECS task when known. */
void ocsf_header(struct jout *j, const struct ocsf_ctx *c, uint64_t time_ms,
		 const struct klass *k, int activity_id, const char *activity_name,
		 int severity_id, const char *severity);

/* Opens the event's "unmapped" object, with the ECS task's names (task
 * ARN, cluster, family, revision, launch type) as "ecs" when known. */
void ocsf_unmapped_begin(struct jout *j, const struct ocsf_ctx *c);

/* In "unmapped": "entered_from_outside" and "entered_at" (ms since the
 * epoch) for a process that entered the container from outside, or
 * descends from one (entrants.h), and "entered_via": "ecs-exec" when that
 * was ECS Exec's agent; nothing when entered_ms is 0. */
void ocsf_entered(struct jout *j, unsigned long long entered_ms, int ecs_exec);

/* Closes the event and takes its line (NULL when it could not be built). */
char *ocsf_finish(struct jout *j, size_t *len);

/* "pid", "name", "file" and "cmd_line" of a process object. */
void ocsf_proc_members(struct jout *j, const struct ocsf_proc *p);

/* "file": {"path", "name", type Regular File}. */
void ocsf_file_obj(struct jout *j, const char *path);

/* The objects that say who did what in an activity: "actor", "file",
 * "src_endpoint" or "dst_endpoint" and "connection_info", and for a
 * Finding's evidence "process" too (exec: the program about to run)
 * (ocsf_activity.c). */
struct activity;
void ocsf_activity_objects(struct jout *j, const struct activity *a, int evidence);

/* The activity's own fields that OCSF has no place for, as members of the
 * open "unmapped" object. */
void ocsf_activity_unmapped(struct jout *j, const struct activity *a);

#endif
