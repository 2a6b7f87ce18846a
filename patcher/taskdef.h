/* taskdef.h: an ECS task definition as read from the user, made ready to
 * register: unwrapped from describe-task-definition output, stripped of the
 * keys ECS adds on output, and checked for what the patcher relies on. */
#ifndef FC_PATCHER_TASKDEF_H
#define FC_PATCHER_TASKDEF_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

/* ECS's documented limits. */
#define TASKDEF_MAX_CONTAINERS 10
#define TASKDEF_MAX_BYTES 65536

struct taskdef {
	cJSON *root;       /* owned; the definition as RegisterTaskDefinition takes it */
	cJSON *containers; /* root's containerDefinitions */
	const char *arch;  /* runtimePlatform.cpuArchitecture: "X86_64" or "ARM64" */
	char removed[256]; /* output-only keys removed, comma separated, or "" */
	char unknown[256]; /* top-level keys RegisterTaskDefinition does not list */
};

/* Parses and prepares text. Returns 0, or -1 with FC_ERR_INPUT. */
int taskdef_load(const char *text, size_t len, struct taskdef *td,
		 struct fc_err *e);

void taskdef_free(struct taskdef *td);

/* The container's "name" (checked by taskdef_load to be a string). */
const char *taskdef_name(const cJSON *container);

#endif
