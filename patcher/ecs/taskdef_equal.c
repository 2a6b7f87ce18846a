/* taskdef_equal.c: comparing task definitions up to ECS's defaults (see
 * taskdef_equal.h). */
#include "taskdef_equal.h"

#include <string.h>

static int is_empty(const cJSON *v)
{
	return cJSON_IsNull(v) ||
	       ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

/* The raw or parsed number v is zero. */
static int is_zero(const cJSON *v)
{
	if (cJSON_IsRaw(v))
		return strcmp(v->valuestring, "0") == 0;
	return cJSON_IsNumber(v) && v->valuedouble == 0;
}

/* What ECS adds to a container that did not set it. */
static int container_default(const cJSON *m)
{
	return (strcmp(m->string, "cpu") == 0 && is_zero(m)) ||
	       (strcmp(m->string, "essential") == 0 && cJSON_IsTrue(m));
}

/* Removes the defaults from v, in place. in_containers: v is the
 * containerDefinitions array, whose items get container_default too.
 * Emptied members are removed as well, deepest first. */
/* NOLINTNEXTLINE(misc-no-recursion): json_doc_parse bounded the depth. */
static void strip(cJSON *v, int in_containers)
{
	for (cJSON *m = v->child, *next; m; m = next) {
		next = m->next;
		if (cJSON_IsArray(m) || cJSON_IsObject(m))
			strip(m, m->string && strcmp(m->string, "containerDefinitions") == 0);
		if (in_containers && cJSON_IsObject(m)) {
			for (cJSON *k = m->child, *kn; k; k = kn) {
				kn = k->next;
				if (container_default(k))
					cJSON_Delete(cJSON_DetachItemViaPointer(m, k));
			}
		}
		if (cJSON_IsObject(v) && is_empty(m))
			cJSON_Delete(cJSON_DetachItemViaPointer(v, m));
	}
}

int taskdef_equal(const cJSON *a, const cJSON *b)
{
	cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
	int same = -1;

	if (x && y) {
		strip(x, 0);
		strip(y, 0);
		same = cJSON_Compare(x, y, 1) ? 1 : 0;
	}
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}
