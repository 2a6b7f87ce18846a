/* container_defs.h: patching a bare JSON array of container definitions,
 * as Terraform's container_definitions and `aws ecs register-task-definition
 * --container-definitions` take it. The init container's volume belongs to
 * the task, outside the array, so the caller is told what to add. */
#ifndef FC_PATCHER_CONTAINER_DEFS_H
#define FC_PATCHER_CONTAINER_DEFS_H

#include <stddef.h>

#include "err.h"
#include "strbuf.h"
#include "taskdef_patch.h"

/* Patches the array in text into *out (pretty JSON, as -ecs-spec-file
 * prints). *needs_volume is set when the output has the init container,
 * whose volume the task must declare. Returns 0, or -1 with e filled. */
int container_defs_patch(const char *text, size_t len,
			 const struct taskdef_engine *eng, char **out,
			 size_t *out_len, int *needs_volume, struct strbuf *notes,
			 struct fc_err *e);

/* What to tell the user when *needs_volume: the Terraform block, and the
 * AWS CLI flag, that declare the volume. */
extern const char container_defs_volume_note[];

#endif
