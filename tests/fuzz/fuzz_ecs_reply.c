/* fuzz_ecs_reply.c: libFuzzer target for everything parsed from the ECS
 * API's replies: error bodies, the ARN of a describe or register reply,
 * family pages, and the comparison of a described definition with itself.
 * Beyond "no crash, no leak": messages fit and are printable, an ARN
 * starts with "arn:", family names are printable, and any definition
 * equals itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecs_reply.h"
#include "json_doc.h"
#include "taskdef.h"
#include "taskdef_equal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable_or_abort(const char *s, size_t cap)
{
	if (strlen(s) >= cap)
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[64], msg[128], arn[ECS_ARN_MAX];
	struct fc_err e = { 0 };
	struct ecs_families f = { 0 };
	struct taskdef td;
	char *body = malloc(size ? size : 1);

	if (!body)
		return 0;
	memcpy(body, data, size);
	ecs_reply_error(body, size, code, sizeof code, msg, sizeof msg);
	printable_or_abort(code, sizeof code);
	printable_or_abort(msg, sizeof msg);
	if (ecs_reply_arn(body, size, arn, sizeof arn, &e) == 0 &&
	    strncmp(arn, "arn:", 4) != 0)
		abort();
	if (ecs_reply_families(body, size, &f, 150, &e) == 0) {
		for (int i = 0; i < f.n; i++)
			printable_or_abort(f.name[i], 256);
	} else if (e.kind == FC_ERR_NONE) {
		abort();
	}
	ecs_families_free(&f);
	if (taskdef_load(body, size, &td, &e) == 0 && taskdef_equal(td.root, td.root) == 0)
		abort();
	taskdef_free(&td);
	free(body);
	return 0;
}
