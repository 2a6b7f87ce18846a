/* patch.h: applying a plan to a task definition. */
#ifndef FC_PATCHER_PATCH_H
#define FC_PATCHER_PATCH_H

#include "err.h"
#include "plan.h"
#include "taskdef.h"

struct patch_params {
	const char *cid;
	const char *image;          /* the init container's image */
	const char *falconctl_opts; /* may be NULL */
	const char *secret_arn;     /* may be NULL */
};

/* Changes td as p says. Every needed image lookup must have been done.
 * Returns 0, or -1: FC_ERR_INPUT when a container has nothing to run,
 * FC_ERR_SYSTEM when out of memory. td is then half-changed: discard it. */
int patch_apply(struct taskdef *td, const struct plan *p,
		const struct patch_params *pp, struct fc_err *e);

#endif
