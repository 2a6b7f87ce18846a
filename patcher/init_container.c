/* init_container.c: building the init container and its volume. */
#include "init_container.h"

#include <string.h>

#include "json_doc.h"
#include "layout.h"

static cJSON *string_list(const char *only)
{
	cJSON *a = cJSON_CreateArray();

	if (a && !cJSON_AddItemToArray(a, cJSON_CreateString(only))) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

static cJSON *volume_mount(void)
{
	cJSON *m = cJSON_CreateObject();

	if (!m || json_doc_put(m, "sourceVolume", cJSON_CreateString(FC_VOLUME)) < 0 ||
	    json_doc_put(m, "containerPath", cJSON_CreateString(FC_VOLUME_PATH)) < 0 ||
	    json_doc_put(m, "readOnly", cJSON_CreateFalse()) < 0) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

cJSON *init_container_new(const char *image, const char *secret_arn,
			  const cJSON *log_config)
{
	cJSON *c = cJSON_CreateObject();
	cJSON *mounts = cJSON_CreateArray();
	if (!c || !mounts || !cJSON_AddItemToArray(mounts, volume_mount()))
		goto fail;
	/* essential false: it exits when the copy is done, and dependsOn
	 * SUCCESS may only name a non-essential container. User 0:0 because
	 * the volume starts out owned by root, whatever the image's USER. The
	 * image's ENTRYPOINT is the patcher, so entryPoint (not command) must
	 * name the init program. */
	if (json_doc_put(c, "name", cJSON_CreateString(FC_INIT_CONTAINER)) < 0 ||
	    json_doc_put(c, "image", cJSON_CreateString(image)) < 0 ||
	    json_doc_put(c, "essential", cJSON_CreateFalse()) < 0 ||
	    json_doc_put(c, "user", cJSON_CreateString("0:0")) < 0 ||
	    json_doc_put(c, "entryPoint", string_list(FC_INIT_PROGRAM)) < 0)
		goto fail;
	if (json_doc_put(c, "mountPoints", mounts) < 0) {
		mounts = NULL;
		goto fail;
	}
	mounts = NULL;
	if (secret_arn) {
		cJSON *creds = cJSON_AddObjectToObject(c, "repositoryCredentials");

		if (!creds || json_doc_put(creds, "credentialsParameter",
					   cJSON_CreateString(secret_arn)) < 0)
			goto fail;
	}
	if (log_config &&
	    json_doc_put(c, "logConfiguration", cJSON_Duplicate(log_config, 1)) < 0)
		goto fail;
	return c;
fail:
	cJSON_Delete(mounts);
	cJSON_Delete(c);
	return NULL;
}

int init_volume_add(cJSON *root)
{
	cJSON *volumes = cJSON_GetObjectItemCaseSensitive(root, "volumes");
	cJSON *v;

	if (!volumes) {
		volumes = cJSON_CreateArray();
		if (json_doc_put(root, "volumes", volumes) < 0)
			return -1;
	}
	cJSON_ArrayForEach(v, volumes) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, FC_VOLUME) == 0)
			return 0;
	}
	v = cJSON_CreateObject();
	if (json_doc_put(v, "name", cJSON_CreateString(FC_VOLUME)) < 0 ||
	    !cJSON_AddItemToArray(volumes, v)) {
		cJSON_Delete(v);
		return -1;
	}
	return 0;
}

void init_volume_remove(cJSON *root)
{
	cJSON *volumes = cJSON_GetObjectItemCaseSensitive(root, "volumes");
	cJSON *v;

	cJSON_ArrayForEach(v, volumes) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, FC_VOLUME) == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(volumes, v));
			return;
		}
	}
}
