/* fuzz_taskdef.c: libFuzzer target for the patcher's whole untrusted-input
 * pipeline, in process: load, plan, patch, print; then patch the printed
 * result again, which must give the same text (the patch is idempotent).
 * Image lookups are answered with fixed arrays instead of a registry. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "patch.h"
#include "plan.h"
#include "taskdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct patch_params params = {
	.cid = "0123456789ABCDEF0123456789ABCDEF-12",
	.image = "registry.example/falcon-container:1",
	.falconctl_opts = "--tags=fuzz",
	.secret_arn = "arn:aws:secretsmanager::532730071073:secret:test",
};

/* What a registry would have said: ENTRYPOINT ["/image-ep", "x"] and
 * CMD ["image-cmd"]. Both non-empty, so no container ends up with nothing
 * to run only because of the stand-in. */
static int fake_lookup(struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		struct plan_container *pc = &p->c[i];
		static const char *const ep[] = { "/image-ep", "x" };
		static const char *const cmd[] = { "image-cmd" };

		if (pc->action != PLAN_INJECT)
			continue;
		if (pc->need_image_ep) {
			pc->image_ep = cJSON_CreateStringArray(ep, 2);
			if (!pc->image_ep)
				return -1;
		}
		if (pc->need_image_cmd) {
			pc->image_cmd = cJSON_CreateStringArray(cmd, 1);
			if (!pc->image_cmd)
				return -1;
		}
	}
	return 0;
}

/* One run of the patcher over text; returns the compact output or NULL
 * when the patcher refused the input (e has why). */
static char *patch_once(const char *text, size_t len, struct fc_err *e)
{
	struct taskdef td;
	struct plan plan = { 0 };
	char *out = NULL, *pretty = NULL;

	if (taskdef_load(text, len, &td, e) < 0 || plan_make(&td, &plan, e) < 0)
		goto out;
	if (fake_lookup(&plan) < 0)
		abort(); /* out of memory: not a finding about the input */
	if (patch_apply(&td, &plan, &params, e) < 0)
		goto out;
	out = json_doc_print(td.root, 0, NULL);
	pretty = json_doc_print(td.root, 1, NULL);
	if (!out || !pretty)
		abort();
out:
	free(pretty);
	plan_free(&plan);
	taskdef_free(&td);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fc_err e = { 0 };
	char *once, *twice;

	once = patch_once((const char *)data, size, &e);
	if (!once)
		return 0;
	twice = patch_once(once, strlen(once), &e);
	if (!twice) {
		fprintf(stderr, "patched output refused on re-patch: %s\n%s\n",
			e.msg, once);
		abort();
	}
	if (strcmp(once, twice) != 0) {
		fprintf(stderr, "re-patch changed the output\nonce:  %s\ntwice: %s\n",
			once, twice);
		abort();
	}
	free(once);
	free(twice);
	return 0;
}
