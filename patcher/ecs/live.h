/* live.h: live mode. Each task definition named by -ecs-task-definition or
 * matched by -ecs-family-prefix is read from the ECS API, patched by the
 * same engine as a file (taskdef, plan, image_config, patch), and then
 * either registered as a new revision (-register) or collected for a dry
 * run. Families are independent: one that fails is reported and the others
 * go on, so that a rerun (which leaves patched families alone) finishes the
 * job. */
#ifndef FC_PATCHER_LIVE_H
#define FC_PATCHER_LIVE_H

#include <stddef.h>

#include "err.h"
#include "options.h"

/* Families a prefix may match; more is a prefix too short to mean it. */
#define LIVE_MAX_FAMILIES 1000

struct live_report {
	int families, registered, unchanged, failed;
	/* How many families failed with each kind of error, for main to
	 * choose the exit code. */
	int failed_by_kind[FC_ERR_SYSTEM + 1];
	int retries; /* ECS requests retried (throttling, 5xx, no answer) */
	/* Dry run: the patched definitions, one compact JSON document per
	 * line, in the order the families were given. Owned. */
	char *dry;
	size_t dry_len;
};

/* Checks the live-mode flags, in either mode (-register without live mode
 * is a mistake to point out, not to ignore). */
int live_options_check(const struct patcher_opts *o, struct fc_err *e);

/* Runs live mode. With -register, one line per family goes to out_fd as
 * soon as it is done: "ARN" (registered), "unchanged ARN" or "failed REF";
 * per-family errors go to stderr. Returns 0 when the run got as far as the
 * families (r says how each went), or -1 with e when nothing could be
 * done (flags, credentials, region, the family listing). */
int live_run(const struct patcher_opts *o, int out_fd, struct live_report *r,
	     struct fc_err *e);

void live_report_free(struct live_report *r);

#endif
