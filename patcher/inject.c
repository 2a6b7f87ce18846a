/* inject.c: patching one application container. */
#include "inject.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_doc.h"
#include "layout.h"

/* The member `key` of obj, created as an empty array or object if absent. */
static cJSON *member(cJSON *obj, const char *key, int array)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v)
		return v;
	v = array ? cJSON_CreateArray() : cJSON_CreateObject();
	return json_doc_put(obj, key, v) < 0 ? NULL : v;
}

/* Puts item into list in place of the entry whose `key` equals value, or
 * appends it: how env vars, mounts and dependencies stay single. */
static int upsert(cJSON *list, const char *key, const char *value, cJSON *item)
{
	int i = 0;
	cJSON *c;

	if (!list || !item) {
		cJSON_Delete(item);
		return -1;
	}
	cJSON_ArrayForEach(c, list) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, key);

		if (cJSON_IsString(k) && strcmp(k->valuestring, value) == 0)
			return cJSON_ReplaceItemInArray(list, i, item) ? 0 : -1;
		i++;
	}
	return cJSON_AddItemToArray(list, item) ? 0 : -1;
}

static cJSON *pair(const char *k1, cJSON *v1, const char *k2, cJSON *v2)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || json_doc_put(o, k1, v1) < 0 || json_doc_put(o, k2, v2) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int set_env(cJSON *def, const char *name, const char *value)
{
	return upsert(member(def, "environment", 1), "name", name,
		      pair("name", cJSON_CreateString(name),
			   "value", cJSON_CreateString(value)));
}

static int add_mount(cJSON *def)
{
	cJSON *m = pair("sourceVolume", cJSON_CreateString(FC_VOLUME),
			"containerPath", cJSON_CreateString(FC_VOLUME_PATH));

	if (m && json_doc_put(m, "readOnly", cJSON_CreateTrue()) < 0) {
		cJSON_Delete(m);
		m = NULL;
	}
	return upsert(member(def, "mountPoints", 1), "sourceVolume", FC_VOLUME, m);
}

/* SUCCESS rather than COMPLETE: if the copy failed, the application must not
 * start without its launcher; ECS then stops the task and names the failed
 * dependency, instead of the app dying with "exec: not found". */
static int add_dependency(cJSON *def)
{
	return upsert(member(def, "dependsOn", 1), "containerName", FC_INIT_CONTAINER,
		      pair("containerName", cJSON_CreateString(FC_INIT_CONTAINER),
			   "condition", cJSON_CreateString("SUCCESS")));
}

static int add_ptrace(cJSON *def)
{
	cJSON *lp = member(def, "linuxParameters", 0);
	cJSON *add = member(member(lp, "capabilities", 0), "add", 1);
	cJSON *cap;

	if (!add)
		return -1;
	cJSON_ArrayForEach(cap, add)
		if (strcasecmp(cap->valuestring, "SYS_PTRACE") == 0 ||
		    strcasecmp(cap->valuestring, "CAP_SYS_PTRACE") == 0)
			return 0;
	return cJSON_AddItemToArray(add, cJSON_CreateString("SYS_PTRACE")) ? 0 : -1;
}

int inject_container(cJSON *def, const cJSON *eff_ep, const cJSON *eff_cmd,
		     const char *falconctl_opts)
{
	char *ep_json = json_doc_print(eff_ep, 0, NULL);
	cJSON *launcher = cJSON_CreateArray();
	int rc = -1;

	if (!ep_json || !launcher ||
	    !cJSON_AddItemToArray(launcher, cJSON_CreateString(FC_LAUNCHER)))
		goto out;
	if (json_doc_put(def, "entryPoint", launcher) < 0) {
		launcher = NULL;
		goto out;
	}
	launcher = NULL;
	/* The command stays where run-task --overrides can replace it; the
	 * launcher appends it to the recorded entrypoint, as Docker would. */
	if (cJSON_GetArraySize(eff_cmd) > 0 ||
	    cJSON_GetObjectItemCaseSensitive(def, "command"))
		if (json_doc_put(def, "command", cJSON_Duplicate(eff_cmd, 1)) < 0)
			goto out;
	if (set_env(def, FC_ENV_OPTS, falconctl_opts) < 0 ||
	    set_env(def, FC_ENV_ENTRYPOINT, ep_json) < 0 || add_mount(def) < 0 ||
	    add_dependency(def) < 0 || add_ptrace(def) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(launcher);
	free(ep_json);
	return rc;
}
