/* fuzz_cfn_template.c: libFuzzer target for -cfn-template and
 * -container-definitions in process: format detection, the JSON and YAML
 * readers, the re-spelling, the patch engine and the splice. The first byte
 * picks the input kind (and the -resource filter); image lookups are
 * answered with fixed arrays. Whatever is patched must patch again to the
 * same text (the patch is idempotent, and the splice keeps the rest). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn_template.h"
#include "container_defs.h"
#include "plan.h"
#include "strbuf.h"
#include "taskdef_patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_resolve(struct plan *p, const struct lookup_opts *lo,
			struct fc_err *e)
{
	static const char *const ep[] = { "/image-ep", "x" };
	static const char *const cmd[] = { "image-cmd" };

	(void)lo;
	(void)e;
	for (int i = 0; i < p->n; i++) {
		struct plan_container *pc = &p->c[i];

		if (pc->action != PLAN_INJECT)
			continue;
		if (pc->need_image_ep && !(pc->image_ep = cJSON_CreateStringArray(ep, 2)))
			abort();
		if (pc->need_image_cmd && !(pc->image_cmd = cJSON_CreateStringArray(cmd, 1)))
			abort();
	}
	return 0;
}

static struct fc_err last; /* why the last patch() refused */

static char *patch(const char *text, size_t len, int kind, size_t *out_len)
{
	static const char *const ids[] = { "T", "TaskDef" };
	struct taskdef_engine eng = {
		.patch = {
			.cid = "0123456789ABCDEF0123456789ABCDEF-12",
			.image = "registry.example/falcon-container:1",
			.falconctl_opts = "--tags=fuzz",
		},
		.resolve = fake_resolve,
	};
	struct strbuf notes = { 0 };
	struct fc_err e = { 0 };
	char *out = NULL;
	int needs_volume, rc;

	if (kind == 0)
		rc = container_defs_patch(text, len, &eng, &out, out_len,
					  &needs_volume, &notes, &e);
	else
		rc = cfn_template_patch(text, len, ids, kind == 1 ? 0 : 2, &eng,
					&out, out_len, &notes, &e);
	if (rc < 0 && e.kind == FC_ERR_SYSTEM && strstr(e.msg, "memory"))
		abort(); /* out of memory: not a finding about the input */
	if (rc < 0 && !e.msg[0])
		__builtin_trap(); /* a failure must say why */
	strbuf_free(&notes);
	last = e;
	return rc < 0 ? NULL : out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice;
	size_t once_len, twice_len;
	int kind;

	if (size < 1)
		return 0;
	kind = data[0] % 3;
	once = patch((const char *)data + 1, size - 1, kind, &once_len);
	if (!once)
		return 0;
	twice = patch(once, once_len, kind, &twice_len);
	if (!twice || twice_len != once_len || memcmp(once, twice, once_len) != 0) {
		fprintf(stderr, "patched once:\n%s\npatched again: %s\n%s\n", once,
			twice ? "" : last.msg, twice ? twice : "");
		__builtin_trap(); /* re-patching changed the output */
	}
	free(once);
	free(twice);
	return 0;
}
