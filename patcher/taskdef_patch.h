/* taskdef_patch.h: the whole patch of one ECS-spelled task definition
 * (load, plan, image lookups, patch, size check) as one call, for the
 * inputs that hold task definitions inside something else: CloudFormation
 * templates and bare container definition arrays. */
#ifndef FC_PATCHER_TASKDEF_PATCH_H
#define FC_PATCHER_TASKDEF_PATCH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "image_config.h"
#include "options.h"
#include "patch.h"
#include "plan.h"
#include "strbuf.h"

typedef int (*taskdef_resolver)(struct plan *p, const struct lookup_opts *lo,
				struct fc_err *e);

/* Runs between planning and the lookups; returns 0, or -1 with e filled. */
typedef int (*taskdef_check)(const struct plan *p, void *ctx, struct fc_err *e);

struct taskdef_engine {
	struct lookup_opts lookup; /* arch is taken from each definition */
	struct patch_params patch;
	taskdef_resolver resolve;  /* image_config_resolve, or a stand-in */
};

/* The patched definition as ECS measures it: printed without spaces, as
 * the AWS CLI sends it, into *compact (the caller frees it), and refused
 * over TASKDEF_MAX_BYTES. */
int taskdef_check_size(const cJSON *root, char **compact, size_t *compact_len,
		       struct fc_err *e);

/* The engine's settings from the command line. */
void taskdef_engine_init(struct taskdef_engine *eng, const struct patcher_opts *o);

/* Patches the definition in text. `what` prefixes notes ("resource
 * TaskDef: "), which go to notes one per line. On success *patched is the
 * patched definition (the caller owns it). */
int taskdef_patch(const char *text, size_t len, const struct taskdef_engine *eng,
		  taskdef_check check, void *ctx, const char *what,
		  cJSON **patched, int *injected, struct strbuf *notes,
		  struct fc_err *e);

#endif
