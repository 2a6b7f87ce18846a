/* plan.h: what the patcher will do to each container, decided before any
 * change is made, so that every error is found while the definition is still
 * untouched and so that the registry lookups (which are slow) can run for all
 * containers at once between deciding and applying. */
#ifndef FC_PATCHER_PLAN_H
#define FC_PATCHER_PLAN_H

#include <cjson/cJSON.h>

#include "err.h"
#include "taskdef.h"

enum plan_action {
	PLAN_INJECT,  /* an application container to patch (or re-patch) */
	PLAN_SKIP,    /* injection disabled by its dockerLabels */
	PLAN_OLD_INIT /* our init container from an earlier patch: replaced */
};

struct plan_container {
	cJSON *def;           /* the container definition, inside the taskdef */
	const char *name;
	const char *image;
	enum plan_action action;
	/* The user's entryPoint and command: for a container patched before,
	 * recovered from what that patch recorded. Owned copies; NULL = absent. */
	cJSON *entrypoint;
	cJSON *command;
	/* Filled by the image lookup when entrypoint_needs() asks for them. */
	int need_image_ep, need_image_cmd;
	cJSON *image_ep, *image_cmd;
};

struct plan {
	struct plan_container c[TASKDEF_MAX_CONTAINERS];
	int n;
	int injected; /* how many PLAN_INJECT */
	int repatch;  /* the definition was patched before */
};

/* Decides the action for each container of td. Returns 0, or -1 with
 * FC_ERR_INPUT when the definition cannot be patched. */
int plan_make(const struct taskdef *td, struct plan *p, struct fc_err *e);

/* How many containers need image metadata from a registry. */
int plan_lookups(const struct plan *p);

void plan_free(struct plan *p);

#endif
