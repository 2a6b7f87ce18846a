/* task_meta.h: the ECS task metadata every event carries, read once at
 * start from the container metadata endpoint v4
 * (ECS_CONTAINER_METADATA_URI_V4, e.g. http://169.254.170.2/v4/<id>):
 * GET ${URI} describes this container, GET ${URI}/task the task, both
 * through http_get.h under one deadline: a slow or broken endpoint costs
 * the application's start at most that, and the sensor runs on without
 * it. */
#ifndef FC_TASK_META_H
#define FC_TASK_META_H

#include <stddef.h>

#include "err.h"

/* Each field is a malloc'd string, or NULL when the endpoint did not say. */
struct task_meta {
	char *task_arn;          /* task: TaskARN */
	char *cluster;           /* task: Cluster */
	char *family;            /* task: Family */
	char *revision;          /* task: Revision (a string in the reply) */
	char *availability_zone; /* task: AvailabilityZone */
	char *launch_type;       /* task: LaunchType, e.g. FARGATE */
	char *region;            /* from the task ARN: arn:aws:ecs:REGION:... */
	char *account;           /* from the task ARN */
	char *container_name;    /* container: Name */
	char *container_id;      /* container: DockerId */
	char *image;             /* container: Image */
	char *image_id;          /* container: ImageID (sha256:...) */
};

/* Fetches both documents from uri within timeout_ms in all. On failure
 * (bad URI, connection, HTTP status, reply) returns -1 with e saying
 * which URL and why; out holds whatever was read before the failure
 * (free it either way). */
int task_meta_fetch(const char *uri, unsigned timeout_ms, struct task_meta *out,
		    struct fc_err *e);

/* The two replies' bodies, parsed into out (fields already set are
 * replaced). Untrusted input: -1 with e naming the problem. For the
 * fetch above and for the fuzz target. */
int task_meta_parse_task(const char *body, size_t len, struct task_meta *out,
			 struct fc_err *e);
int task_meta_parse_container(const char *body, size_t len,
			      struct task_meta *out, struct fc_err *e);

void task_meta_free(struct task_meta *m);

#endif
