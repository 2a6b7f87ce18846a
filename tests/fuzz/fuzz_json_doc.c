/* fuzz_json_doc.c: libFuzzer target for the strict JSON parser and printer.
 * Whatever json_doc_parse() accepts must print as text that it accepts
 * again and that prints the same, compact and pretty alike. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_equal(const char *a, const char *b, const char *what)
{
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "%s differ\nfirst:  %s\nsecond: %s\n", what, a, b);
		abort();
	}
}

/* Parses text that the printer wrote, which must never be refused. */
static cJSON *reparse(const char *text, const char *what)
{
	struct fc_err e = { 0 };
	cJSON *v = json_doc_parse(text, strlen(text), what, &e);

	if (!v) {
		fprintf(stderr, "printed %s refused: %s\n%s\n", what, e.msg, text);
		abort();
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fc_err e = { 0 };
	cJSON *v = json_doc_parse((const char *)data, size, "input", &e);

	if (!v) {
		/* A refusal always says why. */
		if (e.kind == FC_ERR_NONE || !e.msg[0])
			abort();
		return 0;
	}
	char *compact = json_doc_print(v, 0, NULL);
	char *pretty = json_doc_print(v, 1, NULL);

	if (!compact || !pretty)
		abort();
	cJSON *v2 = reparse(compact, "compact output");
	cJSON *v3 = reparse(pretty, "pretty output");
	char *compact2 = json_doc_print(v2, 0, NULL);
	char *compact3 = json_doc_print(v3, 0, NULL);
	char *pretty2 = json_doc_print(v2, 1, NULL);

	if (!compact2 || !compact3 || !pretty2)
		abort();
	must_equal(compact, compact2, "compact prints of the compact output");
	must_equal(compact, compact3, "compact prints of the pretty output");
	must_equal(pretty, pretty2, "pretty prints of the compact output");
	/* The tree itself must survive a print, numbers compared as text. */
	if (!cJSON_Compare(v, v2, 1))
		abort();
	free(compact);
	free(pretty);
	free(compact2);
	free(compact3);
	free(pretty2);
	cJSON_Delete(v);
	cJSON_Delete(v2);
	cJSON_Delete(v3);
	return 0;
}
