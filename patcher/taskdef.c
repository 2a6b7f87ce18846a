/* taskdef.c: reading a task definition into a shape the patcher can trust. */
#include "taskdef.h"

#include <stdio.h>
#include <string.h>

#include "json_doc.h"
#include "layout.h"

/* describe-task-definition and the console add these; register rejects them
 * with "Unknown parameter in input" (the guide's Known Issues). */
static const char *const output_only[] = {
	"taskDefinitionArn", "revision", "status", "requiresAttributes",
	"compatibilities", "registeredAt", "registeredBy", "deregisteredAt",
	"deleteRequestedAt",
};

/* RegisterTaskDefinitionRequest's members (botocore's ECS model). Others are
 * kept, in case the API has grown, but reported. */
static const char *const register_keys[] = {
	"family", "containerDefinitions", "taskRoleArn", "executionRoleArn",
	"networkMode", "volumes", "placementConstraints",
	"requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode",
	"proxyConfiguration", "inferenceAccelerators", "ephemeralStorage",
	"runtimePlatform", "enableFaultInjection",
};

#define LEN(a) (sizeof(a) / sizeof *(a))

static int listed(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

static void append_name(char *list, size_t size, const char *name)
{
	size_t used = strlen(list);

	if (used + strlen(name) + 3 >= size)
		return;
	snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
}

/* `aws ecs describe-task-definition` prints {"taskDefinition": {...},
 * "tags": [...]}; its tags belong inside the definition on register. */
static int unwrap(struct taskdef *td, struct fc_err *e)
{
	cJSON *inner = cJSON_GetObjectItemCaseSensitive(td->root, "taskDefinition");

	if (!inner || cJSON_GetObjectItemCaseSensitive(td->root, "containerDefinitions"))
		return 0;
	if (!cJSON_IsObject(inner))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition: \"taskDefinition\" must be an object");
	cJSON *tags = cJSON_DetachItemFromObjectCaseSensitive(td->root, "tags");

	cJSON_DetachItemViaPointer(td->root, inner);
	cJSON_Delete(td->root);
	td->root = inner;
	if (cJSON_GetArraySize(tags) > 0 &&
	    !cJSON_GetObjectItemCaseSensitive(inner, "tags")) {
		if (json_doc_put(inner, "tags", tags) < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		tags = NULL;
	}
	cJSON_Delete(tags);
	return 0;
}

static void strip_output_only(struct taskdef *td)
{
	for (size_t i = 0; i < LEN(output_only); i++) {
		if (!cJSON_GetObjectItemCaseSensitive(td->root, output_only[i]))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(td->root, output_only[i]);
		append_name(td->removed, sizeof td->removed, output_only[i]);
	}
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(td->root, "tags");

	if (cJSON_IsArray(tags) && cJSON_GetArraySize(tags) == 0) {
		cJSON_DeleteItemFromObjectCaseSensitive(td->root, "tags");
		append_name(td->removed, sizeof td->removed, "tags (empty)");
	}
	for (cJSON *k = td->root->child; k; k = k->next)
		if (!listed(k->string, register_keys, LEN(register_keys)))
			append_name(td->unknown, sizeof td->unknown, k->string);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_-") == n;
}

/* The members the patcher reads or extends must have the types ECS gives
 * them; anything else would be patched into nonsense. */
static int check_member_types(const cJSON *c, const char *name,
			      struct fc_err *e)
{
	static const struct {
		const char *key;
		int (*ok)(const cJSON *);
		const char *want;
	} members[] = {
		{ "entryPoint", json_doc_is_string_array, "an array of strings" },
		{ "command", json_doc_is_string_array, "an array of strings" },
		{ "environment", cJSON_IsArray, "an array of {\"name\", \"value\"} objects" },
		{ "mountPoints", cJSON_IsArray, "an array" },
		{ "dependsOn", cJSON_IsArray, "an array" },
		{ "linuxParameters", cJSON_IsObject, "an object" },
		{ "dockerLabels", cJSON_IsObject, "an object" },
	};

	for (size_t i = 0; i < LEN(members); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, members[i].key);

		if (v && !members[i].ok(v))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\": \"%s\" must be %s",
				       name, members[i].key, members[i].want);
	}
	const cJSON *env;

	cJSON_ArrayForEach(env, cJSON_GetObjectItemCaseSensitive(c, "environment"))
		if (!cJSON_IsObject(env) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(env, "name")))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\": every \"environment\" entry "
				       "must be an object with a string \"name\"", name);
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(c, "linuxParameters");
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(lp, "capabilities");

	if (caps && !cJSON_IsObject(caps))
		return fc_fail(e, FC_ERR_INPUT,
			       "container \"%s\": \"linuxParameters.capabilities\" "
			       "must be an object", name);
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "drop" : "add";
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(caps, key);

		if (list && !json_doc_is_string_array(list))
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\": \"linuxParameters.capabilities.%s\" "
				       "must be an array of strings", name, key);
	}
	return 0;
}

static int check_containers(struct taskdef *td, struct fc_err *e)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(td->root, "containerDefinitions");

	if (!list)
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition has no \"containerDefinitions\": "
			       "is this an ECS task definition?");
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition: \"containerDefinitions\" must be a "
			       "non-empty array of container definitions");
	td->containers = list;
	int i = 0;

	for (cJSON *c = list->child; c; c = c->next, i++) {
		if (!cJSON_IsObject(c))
			return fc_fail(e, FC_ERR_INPUT,
				       "containerDefinitions[%d] is not an object", i);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
		const cJSON *image = cJSON_GetObjectItemCaseSensitive(c, "image");

		if (!cJSON_IsString(name))
			return fc_fail(e, FC_ERR_INPUT,
				       "containerDefinitions[%d] has no \"name\": give "
				       "every container a name", i);
		if (!valid_name(name->valuestring))
			return fc_fail(e, FC_ERR_INPUT,
				       "container name \"%.255s\" is not valid: ECS allows "
				       "1 to 255 letters, digits, '_' and '-'",
				       name->valuestring);
		if (!cJSON_IsString(image) || !*image->valuestring)
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\" has no \"image\"",
				       name->valuestring);
		for (cJSON *d = list->child; d != c; d = d->next)
			if (strcmp(taskdef_name(d), name->valuestring) == 0)
				return fc_fail(e, FC_ERR_INPUT,
					       "two containers are named \"%s\": "
					       "container names must be unique",
					       name->valuestring);
		if (check_member_types(c, name->valuestring, e) < 0)
			return -1;
	}
	return 0;
}

static int check_platform(struct taskdef *td, struct fc_err *e)
{
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(td->root, "runtimePlatform");
	const cJSON *os = cJSON_GetObjectItemCaseSensitive(rp, "operatingSystemFamily");
	const cJSON *arch = cJSON_GetObjectItemCaseSensitive(rp, "cpuArchitecture");

	td->arch = "X86_64";
	if (rp && !cJSON_IsObject(rp))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition: \"runtimePlatform\" must be an object");
	if (os && (!cJSON_IsString(os) || strcmp(os->valuestring, "LINUX") != 0))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition runs on operatingSystemFamily \"%s\"; "
			       "the Falcon Container sensor runs only on LINUX",
			       cJSON_IsString(os) ? os->valuestring : "?");
	if (!arch)
		return 0;
	if (!cJSON_IsString(arch) || (strcmp(arch->valuestring, "X86_64") != 0 &&
				      strcmp(arch->valuestring, "ARM64") != 0))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition: runtimePlatform.cpuArchitecture must "
			       "be \"X86_64\" or \"ARM64\"");
	td->arch = arch->valuestring;
	return 0;
}

int taskdef_load(const char *text, size_t len, struct taskdef *td,
		 struct fc_err *e)
{
	memset(td, 0, sizeof *td);
	td->root = json_doc_parse(text, len, "task definition", e);
	if (!td->root)
		return -1;
	if (!cJSON_IsObject(td->root))
		return fc_fail(e, FC_ERR_INPUT,
			       "task definition must be a JSON object, as "
			       "`aws ecs describe-task-definition` prints it");
	if (unwrap(td, e) < 0)
		return -1;
	strip_output_only(td);
	if (check_containers(td, e) < 0 || check_platform(td, e) < 0)
		return -1;
	return 0;
}

void taskdef_free(struct taskdef *td)
{
	cJSON_Delete(td->root);
	td->root = NULL;
	td->containers = NULL;
}

const char *taskdef_name(const cJSON *container)
{
	return cJSON_GetObjectItemCaseSensitive(container, "name")->valuestring;
}
