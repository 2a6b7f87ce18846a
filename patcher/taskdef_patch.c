/* taskdef_patch.c: one task definition through the patch engine. */
#include "taskdef_patch.h"

#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "taskdef.h"

void taskdef_engine_init(struct taskdef_engine *eng, const struct patcher_opts *o)
{
	memset(eng, 0, sizeof *eng);
	eng->lookup.pulltoken = o->pulltoken;
	eng->lookup.docker_config = o->docker_config;
	eng->lookup.registry_ca = o->registry_ca;
	eng->lookup.insecure = o->insecure.v;
	eng->lookup.n_insecure = o->insecure.n;
	eng->patch.cid = o->cid;
	eng->patch.image = o->image;
	eng->patch.falconctl_opts = o->falconctl_opts;
	eng->patch.secret_arn = o->secret_arn;
	eng->resolve = image_config_resolve;
}

int taskdef_check_size(const cJSON *root, char **compact, size_t *compact_len,
		       struct fc_err *e)
{
	*compact = json_doc_print(root, 0, compact_len);
	if (!*compact)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	if (*compact_len > TASKDEF_MAX_BYTES)
		return fc_fail(e, FC_ERR_INPUT,
			       "the patched task definition is %zu bytes, over ECS's limit "
			       "of %d: shorten it (environment values are the usual bulk), "
			       "or move containers to another task definition",
			       *compact_len, TASKDEF_MAX_BYTES);
	return 0;
}

static void note(struct strbuf *notes, const char *what, const char *a,
		 const char *b)
{
	strbuf_puts(notes, what);
	strbuf_puts(notes, a);
	strbuf_puts(notes, b);
	strbuf_puts(notes, "\n");
}

int taskdef_patch(const char *text, size_t len, const struct taskdef_engine *eng,
		  taskdef_check check, void *ctx, const char *what,
		  cJSON **patched, int *injected, struct strbuf *notes,
		  struct fc_err *e)
{
	struct taskdef td = { 0 };
	struct plan plan = { 0 };
	struct lookup_opts lo = eng->lookup;
	char *compact = NULL;
	size_t compact_len = 0;
	int rc = -1;

	*patched = NULL;
	if (taskdef_load(text, len, &td, e) < 0 || plan_make(&td, &plan, e) < 0 ||
	    (check && check(&plan, ctx, e) < 0))
		goto out;
	if (*td.removed)
		note(notes, what, "removed output-only keys that ECS would reject: ",
		     td.removed);
	if (plan.injected == 0)
		note(notes, what, "every container has injection disabled; ",
		     "the definition is not patched");
	lo.arch = td.arch;
	if (eng->resolve(&plan, &lo, e) < 0 || patch_apply(&td, &plan, &eng->patch, e) < 0 ||
	    taskdef_check_size(td.root, &compact, &compact_len, e) < 0)
		goto out;
	*injected = plan.injected;
	*patched = td.root;
	td.root = NULL;
	rc = 0;
out:
	free(compact);
	plan_free(&plan);
	taskdef_free(&td);
	return rc;
}
