/* ecs_reply.c: parsing ECS API replies (see ecs_reply.h). */
#include "ecs_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"

/* Copies s into out as printable ASCII (others become '?'), cut to fit. */
static void printable(const char *s, char *out, size_t cap)
{
	size_t i = 0;

	for (; s && s[i] && i + 1 < cap; i++)
		out[i] = (unsigned char)s[i] >= ' ' && (unsigned char)s[i] < 0x7f ?
			 s[i] : '?';
	if (cap)
		out[i] = '\0';
}

void ecs_reply_error(const char *body, size_t len, char *code, size_t code_cap,
		     char *msg, size_t msg_cap)
{
	struct fc_err ignored = { 0 };
	cJSON *root = json_doc_parse(body, len, "ECS error reply", &ignored);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "__type");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");

	if (!m)
		m = cJSON_GetObjectItemCaseSensitive(root, "Message");
	code[0] = msg[0] = '\0';
	if (cJSON_IsString(type)) {
		/* "com.amazonaws.ecs#ClientException", or with a ":url" tail
		 * in some services. */
		const char *t = strrchr(type->valuestring, '#');

		printable(t ? t + 1 : type->valuestring, code, code_cap);
		char *colon = strchr(code, ':');

		if (colon)
			*colon = '\0';
	}
	if (cJSON_IsString(m))
		printable(m->valuestring, msg, msg_cap);
	cJSON_Delete(root);
}

int ecs_reply_throttled(const char *code)
{
	static const char *const codes[] = {
		"ThrottlingException", "Throttling", "TooManyRequestsException",
		"RequestLimitExceeded", "ThrottledException",
		"RequestThrottledException", "SlowDown",
	};

	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* An ARN or name as ECS writes them: printable, no spaces, short. */
static int plain(const char *s, size_t cap)
{
	size_t n = strlen(s);

	if (n == 0 || n >= cap)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int ecs_reply_arn(const char *body, size_t len, char *arn, size_t cap,
		  struct fc_err *e)
{
	cJSON *root = json_doc_parse(body, len, "ECS reply", e);
	const cJSON *td = cJSON_GetObjectItemCaseSensitive(root, "taskDefinition");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(td, "taskDefinitionArn");
	int rc = -1;

	arn[0] = '\0';
	if (!root)
		e->kind = FC_ERR_LOOKUP;
	else if (!cJSON_IsString(a) || !plain(a->valuestring, cap) ||
		 strncmp(a->valuestring, "arn:", 4) != 0)
		fc_fail(e, FC_ERR_LOOKUP,
			"the ECS reply has no taskDefinition.taskDefinitionArn "
			"that is an ARN: is -endpoint-url an ECS endpoint?");
	else {
		snprintf(arn, cap, "%s", a->valuestring);
		rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}

void ecs_families_free(struct ecs_families *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->name[i]);
	free(f->name);
	free(f->next_token);
	memset(f, 0, sizeof *f);
}

int ecs_reply_families(const char *body, size_t len, struct ecs_families *f,
		       int max, struct fc_err *e)
{
	cJSON *root = json_doc_parse(body, len, "ECS ListTaskDefinitionFamilies reply", e);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "families");
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "nextToken");
	const cJSON *item;
	int rc = -1;

	free(f->next_token);
	f->next_token = NULL;
	if (!root) {
		e->kind = FC_ERR_LOOKUP;
		return -1;
	}
	if (!json_doc_is_string_array(list) ||
	    cJSON_GetArraySize(list) > ECS_PAGE_MAX ||
	    (next && !cJSON_IsNull(next) &&
	     (!cJSON_IsString(next) || strlen(next->valuestring) > 8192))) {
		fc_fail(e, FC_ERR_LOOKUP,
			"the ECS ListTaskDefinitionFamilies reply is malformed "
			"(\"families\" must be a list of at most %d names, "
			"\"nextToken\" a string): is -endpoint-url an ECS endpoint?",
			ECS_PAGE_MAX);
		goto out;
	}
	cJSON_ArrayForEach(item, list) {
		if (!plain(item->valuestring, 256)) {
			fc_fail(e, FC_ERR_LOOKUP,
				"the ECS ListTaskDefinitionFamilies reply has a family "
				"name that is empty, too long or not printable");
			goto out;
		}
		if (f->n >= max) {
			fc_fail(e, FC_ERR_INPUT,
				"more than %d task definition families match: give a "
				"longer -ecs-family-prefix", max);
			goto out;
		}
		char **grown = realloc(f->name, (size_t)(f->n + 1) * sizeof *grown);

		if (!grown || !(grown[f->n] = strdup(item->valuestring))) {
			if (grown)
				f->name = grown;
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto out;
		}
		f->name = grown;
		f->n++;
	}
	if (next && cJSON_IsString(next) && *next->valuestring &&
	    !(f->next_token = strdup(next->valuestring))) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}
