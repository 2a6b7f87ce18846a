/* fuzz_yaml_doc.c: libFuzzer target for the YAML reader of templates and
 * its writer: whatever yaml_doc_parse accepts, written back in block and
 * in flow style, must read back as the same tree (aliases aside, whose
 * anchors the writer does not carry). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "yaml_doc.h"
#include "yaml_emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* NOLINTNEXTLINE(misc-no-recursion): the reader bounds the depth. */
static int has_alias(const cJSON *v)
{
	if (cJSON_IsRaw(v) && v->valuestring[0] == '*')
		return 1;
	for (const cJSON *c = v->child; c; c = c->next)
		if (has_alias(c))
			return 1;
	return 0;
}

static void round_trip(const cJSON *root, int flow)
{
	struct strbuf b = { 0 };
	struct yaml_doc again;
	struct fc_err e = { 0 };
	char *text;
	size_t len;

	if (flow)
		yaml_emit_flow(&b, root);
	else
		yaml_emit_block(&b, root, 0, 2);
	strbuf_put(&b, "\n", 1);
	text = strbuf_take(&b, &len);
	if (!text)
		abort();
	if (yaml_doc_parse(text, len, "written", &again, &e) < 0) {
		if (e.kind == FC_ERR_SYSTEM)
			abort();
		/* What the writer wrote, the reader must read. */
		fprintf(stderr, "written:\n%s\nread back: %s\n", text, e.msg);
		__builtin_trap();
	}
	if (!cJSON_Compare(root, again.root, 1)) {
		char *a = cJSON_PrintUnformatted(root), *b2 = cJSON_PrintUnformatted(again.root);

		fprintf(stderr, "written:\n%s\nwas %s\nread back as %s\n", text, a, b2);
		__builtin_trap(); /* written back as something else */
	}
	yaml_doc_free(&again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yaml_doc d;
	struct fc_err e = { 0 };

	if (yaml_doc_parse((const char *)data, size, "fuzz", &d, &e) < 0)
		return 0;
	for (size_t i = 0; i < d.n_spans; i++)
		if (d.spans[i].start > d.spans[i].end || d.spans[i].end > size)
			__builtin_trap(); /* a span outside the text */
	if (!has_alias(d.root)) {
		round_trip(d.root, 0);
		round_trip(d.root, 1);
	}
	yaml_doc_free(&d);
	return 0;
}
