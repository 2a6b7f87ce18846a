/* plan.c: deciding, per container, what the patch will do. */
#include "plan.h"

#include <string.h>
#include <strings.h>

#include "entrypoint.h"
#include "json_doc.h"
#include "layout.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* True when list is exactly [only]: how our own entry points look. */
static int is_single(const cJSON *list, const char *only)
{
	return cJSON_GetArraySize(list) == 1 && cJSON_IsString(list->child) &&
	       strcmp(list->child->valuestring, only) == 0;
}

static const cJSON *env_value(const cJSON *def, const char *name)
{
	const cJSON *kv;

	cJSON_ArrayForEach(kv, get(def, "environment"))
		if (strcmp(get(kv, "name")->valuestring, name) == 0)
			return get(kv, "value");
	return NULL;
}

static int injection_disabled(const struct plan_container *pc, struct fc_err *e)
{
	const cJSON *label = get(get(pc->def, "dockerLabels"), FC_LABEL_INJECTION);

	if (!label)
		return 0;
	if (cJSON_IsString(label) && strcmp(label->valuestring, FC_LABEL_DISABLED) == 0)
		return 1;
	if (cJSON_IsString(label) && strcmp(label->valuestring, "enabled") == 0)
		return 0;
	return fc_fail(e, FC_ERR_INPUT,
		       "container \"%s\": dockerLabels \"%s\" must be \"disabled\" "
		       "or \"enabled\"", pc->name, FC_LABEL_INJECTION);
}

/* A container this patcher patched before runs the launcher; its own
 * entryPoint was recorded in the environment, and its command was kept. */
static int recover_original(struct plan_container *pc, struct fc_err *e)
{
	const cJSON *ep = get(pc->def, "entryPoint");
	const cJSON *cmd = get(pc->def, "command");

	if (!is_single(ep, FC_LAUNCHER)) {
		pc->entrypoint = ep ? cJSON_Duplicate(ep, 1) : NULL;
	} else {
		const cJSON *rec = env_value(pc->def, FC_ENV_ENTRYPOINT);
		struct fc_err inner;

		if (!cJSON_IsString(rec))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\" runs the Falcon launcher but has "
				       "no %s to say what the application is: patch the "
				       "unpatched task definition instead",
				       pc->name, FC_ENV_ENTRYPOINT);
		pc->entrypoint = json_doc_parse(rec->valuestring,
						strlen(rec->valuestring),
						FC_ENV_ENTRYPOINT, &inner);
		if (!json_doc_is_string_array(pc->entrypoint))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\": %s must be a JSON array of "
				       "strings, as the patcher wrote it: patch the "
				       "unpatched task definition instead",
				       pc->name, FC_ENV_ENTRYPOINT);
	}
	pc->command = cmd ? cJSON_Duplicate(cmd, 1) : NULL;
	return 0;
}

/* The sensor cannot run without ptrace; adding SYS_PTRACE while the user
 * drops it would leave the outcome to Docker's ordering rules. */
static int check_capabilities(const struct plan_container *pc, struct fc_err *e)
{
	const cJSON *cap;

	cJSON_ArrayForEach(cap, get(get(get(pc->def, "linuxParameters"),
					"capabilities"), "drop"))
		if (strcasecmp(cap->valuestring, "SYS_PTRACE") == 0 ||
		    strcasecmp(cap->valuestring, "CAP_SYS_PTRACE") == 0)
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\" drops SYS_PTRACE, which the "
				       "Falcon sensor needs: remove it from "
				       "linuxParameters.capabilities.drop, or set dockerLabels "
				       "\"%s\": \"disabled\"",
				       pc->name, FC_LABEL_INJECTION);
	return 0;
}

static int plan_one(struct plan *p, struct plan_container *pc,
		    struct fc_err *e)
{
	if (strcmp(pc->name, FC_INIT_CONTAINER) == 0) {
		if (!is_single(get(pc->def, "entryPoint"), FC_INIT_PROGRAM))
			return fc_fail(e, FC_ERR_INPUT,
				       "container name \"%s\" is reserved for the Falcon "
				       "init container: rename your container (or, if "
				       "another tool patched this definition, patch the "
				       "unpatched one)", FC_INIT_CONTAINER);
		pc->action = PLAN_OLD_INIT;
		p->repatch = 1;
		return 0;
	}
	int disabled = injection_disabled(pc, e);

	if (disabled < 0)
		return -1;
	if (disabled) {
		/* Undoing an earlier patch cannot be exact (was SYS_PTRACE the
		 * user's own?), so ask for the unpatched source instead. */
		if (is_single(get(pc->def, "entryPoint"), FC_LAUNCHER))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\" has injection disabled but was "
				       "patched before: patch the unpatched task "
				       "definition to opt it out", pc->name);
		pc->action = PLAN_SKIP;
		return 0;
	}
	pc->action = PLAN_INJECT;
	p->injected++;
	if (check_capabilities(pc, e) < 0 || recover_original(pc, e) < 0)
		return -1;
	struct argv_needs needs = entrypoint_needs(pc->entrypoint, pc->command);

	pc->need_image_ep = needs.image_entrypoint;
	pc->need_image_cmd = needs.image_cmd;
	return 0;
}

static int has_volume(const struct taskdef *td, const char *name)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, get(td->root, "volumes")) {
		const cJSON *n = get(v, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return 1;
	}
	return 0;
}

int plan_make(const struct taskdef *td, struct plan *p, struct fc_err *e)
{
	int total = cJSON_GetArraySize(td->containers);

	memset(p, 0, sizeof *p);
	if (total > TASKDEF_MAX_CONTAINERS)
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition has %d containers; ECS allows at most %d",
			       total, TASKDEF_MAX_CONTAINERS);
	for (cJSON *c = td->containers->child; c; c = c->next) {
		struct plan_container *pc = &p->c[p->n++];

		pc->def = c;
		pc->name = taskdef_name(c);
		pc->image = get(c, "image")->valuestring;
		if (plan_one(p, pc, e) < 0)
			return -1;
	}
	const cJSON *volumes = get(td->root, "volumes");

	if (volumes && !cJSON_IsArray(volumes))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition: \"volumes\" must be an array");
	if (!p->repatch && has_volume(td, FC_VOLUME))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition already has a volume named \"%s\", "
			       "which is reserved for the Falcon sensor: rename it",
			       FC_VOLUME);
	int apps = total - p->repatch;

	/* Removing the old init would leave no container, which ECS refuses. */
	if (apps == 0)
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition has no container but the Falcon init "
			       "container \"%s\": patch the definition of the "
			       "application instead", FC_INIT_CONTAINER);
	if (p->injected > 0 && apps + 1 > TASKDEF_MAX_CONTAINERS)
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition has %d containers, and the Falcon init "
			       "container would make %d; ECS allows at most %d: move a "
			       "container to another task definition",
			       apps, apps + 1, TASKDEF_MAX_CONTAINERS);
	return 0;
}

int plan_lookups(const struct plan *p)
{
	int n = 0;

	for (int i = 0; i < p->n; i++)
		n += p->c[i].action == PLAN_INJECT &&
		     (p->c[i].need_image_ep || p->c[i].need_image_cmd);
	return n;
}

void plan_free(struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		cJSON_Delete(p->c[i].entrypoint);
		cJSON_Delete(p->c[i].command);
		cJSON_Delete(p->c[i].image_ep);
		cJSON_Delete(p->c[i].image_cmd);
	}
	memset(p, 0, sizeof *p);
}
