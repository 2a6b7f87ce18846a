/* container_defs.c: a bare container definitions array through the patch
 * engine, as the one member of an otherwise empty task definition. */
#include "container_defs.h"

#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "layout.h"

const char container_defs_volume_note[] =
	"the task must declare the init container's volume, which a container "
	"definitions array cannot hold; add to the aws_ecs_task_definition "
	"resource:\n"
	"  volume {\n"
	"    name = \"" FC_VOLUME "\"\n"
	"  }\n"
	"(with the AWS CLI: --volumes name=" FC_VOLUME ")\n";

int container_defs_patch(const char *text, size_t len,
			 const struct taskdef_engine *eng, char **out,
			 size_t *out_len, int *needs_volume, struct strbuf *notes,
			 struct fc_err *e)
{
	cJSON *list = json_doc_parse(text, len, "container definitions", e);
	cJSON *wrap = NULL, *patched = NULL;
	char *wrapped = NULL;
	size_t wrapped_len = 0;
	int rc = -1, injected = 0;
	const cJSON *c;

	*out = NULL;
	*needs_volume = 0;
	if (!list)
		return -1;
	if (!cJSON_IsArray(list)) {
		fc_fail(e, FC_ERR_INPUT,
			"container definitions must be a JSON array [{\"name\": ...}, "
			"...]%s", cJSON_GetObjectItemCaseSensitive(list, "containerDefinitions") ?
			": this is a whole task definition, patch it with "
			"-ecs-spec-file" : "");
		goto out;
	}
	wrap = cJSON_CreateObject();
	if (!wrap || json_doc_put(wrap, "containerDefinitions", list) < 0) {
		list = NULL;
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	list = NULL;
	wrapped = json_doc_print(wrap, 0, &wrapped_len);
	if (!wrapped) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	if (taskdef_patch(wrapped, wrapped_len, eng, NULL, NULL, "", &patched,
			  &injected, notes, e) < 0)
		goto out;
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(patched, "containerDefinitions");

	cJSON_ArrayForEach(c, defs) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");

		if (cJSON_IsString(name) && strcmp(name->valuestring, FC_INIT_CONTAINER) == 0)
			*needs_volume = 1;
	}
	*out = json_doc_print(defs, 1, out_len);
	if (!*out) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(list);
	cJSON_Delete(wrap);
	cJSON_Delete(patched);
	free(wrapped);
	return rc;
}
