/* patch.c: turning a plan into the patched task definition. */
#include "patch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrypoint.h"
#include "init_container.h"
#include "inject.h"
#include "json_doc.h"

/* The init container's memory limit, in MiB, when the task sets none. */
#define INIT_MEMORY_MIB 64

static char *sensor_options(const struct patch_params *pp)
{
	const char *extra = pp->falconctl_opts ? pp->falconctl_opts : "";
	size_t n = strlen(pp->cid) + strlen(extra) + 16;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "--cid=%s%s%s", pp->cid, *extra ? " " : "", extra);
	return s;
}

/* The init's logs go where the first application's awslogs go. Only
 * awslogs: an awsfirelens config needs its log router started first. */
static const cJSON *init_log_config(const struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		const cJSON *lc, *driver;

		if (p->c[i].action != PLAN_INJECT)
			continue;
		lc = cJSON_GetObjectItemCaseSensitive(p->c[i].def, "logConfiguration");
		driver = cJSON_GetObjectItemCaseSensitive(lc, "logDriver");
		if (cJSON_IsString(driver) && strcmp(driver->valuestring, "awslogs") == 0)
			return lc;
	}
	return NULL;
}

int patch_apply(struct taskdef *td, const struct plan *p,
		const struct patch_params *pp, struct fc_err *e)
{
	cJSON *eff_ep[TASKDEF_MAX_CONTAINERS] = { 0 };
	cJSON *eff_cmd[TASKDEF_MAX_CONTAINERS] = { 0 };
	char *opts = NULL;
	int rc = -1;

	/* Every check first, so that nothing is changed if one fails. */
	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];

		if (pc->action != PLAN_INJECT)
			continue;
		if (entrypoint_merge(pc->entrypoint, pc->command, pc->image_ep,
				     pc->image_cmd, &eff_ep[i], &eff_cmd[i]) < 0) {
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto out;
		}
		if (cJSON_GetArraySize(eff_ep[i]) + cJSON_GetArraySize(eff_cmd[i]) == 0) {
			fc_fail(e, FC_ERR_INPUT,
				"container \"%s\": neither the task definition nor the "
				"image \"%s\" says what to run (no entryPoint, command, "
				"ENTRYPOINT or CMD): add a command", pc->name, pc->image);
			goto out;
		}
	}
	opts = sensor_options(pp);
	if (!opts)
		goto oom;
	cJSON *init = NULL;

	if (p->injected > 0) {
		init = init_container_new(pp->image, pp->secret_arn, init_log_config(p));
		if (!init)
			goto oom;
		/* On EC2, a task without task-level memory needs a memory size
		 * on every container. A hard limit rather than a reservation,
		 * because some validators (moto's) accept only "memory"; the
		 * copy's own footprint is a few MiB. */
		if (!cJSON_GetObjectItemCaseSensitive(td->root, "memory") &&
		    json_doc_put(init, "memory",
				 cJSON_CreateNumber(INIT_MEMORY_MIB)) < 0) {
			cJSON_Delete(init);
			goto oom;
		}
	}
	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];

		if (pc->action == PLAN_OLD_INIT)
			cJSON_Delete(cJSON_DetachItemViaPointer(td->containers, pc->def));
		else if (pc->action == PLAN_INJECT &&
			 inject_container(pc->def, eff_ep[i], eff_cmd[i], opts) < 0) {
			cJSON_Delete(init);
			goto oom;
		}
	}
	if (init) {
		/* First in the list, where a reader of the definition sees it. */
		if (!cJSON_InsertItemInArray(td->containers, 0, init)) {
			cJSON_Delete(init);
			goto oom;
		}
		if (init_volume_add(td->root) < 0)
			goto oom;
	} else if (p->repatch) {
		/* The old init is gone and no container needs a new one: its
		 * volume must go too, or the next patch takes it for the user's. */
		init_volume_remove(td->root);
	}
	rc = 0;
	goto out;
oom:
	fc_fail(e, FC_ERR_SYSTEM, "out of memory");
out:
	for (int i = 0; i < TASKDEF_MAX_CONTAINERS; i++) {
		cJSON_Delete(eff_ep[i]);
		cJSON_Delete(eff_cmd[i]);
	}
	free(opts);
	return rc;
}
