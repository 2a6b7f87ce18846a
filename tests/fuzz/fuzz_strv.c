/* fuzz_strv.c: libFuzzer target for the launcher's JSON-array-of-strings
 * parser, which reads FALCON_APP_ENTRYPOINT from the environment. Whatever
 * it accepts must be an argv (NULL-terminated, no NUL inside a string,
 * valid UTF-8), must survive a print-and-parse round trip unchanged, and
 * must be accepted with the same strings by the strict JSON parser the
 * patcher uses. A refusal always says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "strv_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The JSON text of v: quotes, backslashes and control characters escaped,
 * everything else (UTF-8 included) as it is. */
static char *print(char **v, size_t n)
{
	size_t cap = 3;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		cap += strlen(v[i]) * 6 + 3;
	out = p = malloc(cap);
	if (!out)
		abort();
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const unsigned char *s = (const unsigned char *)v[i]; *s; s++) {
			if (*s == '"' || *s == '\\') {
				*p++ = '\\';
				*p++ = (char)*s;
			} else if (*s < 0x20) {
				p += sprintf(p, "\\u%04x", *s);
			} else {
				*p++ = (char)*s;
			}
		}
		*p++ = '"';
	}
	*p++ = ']';
	*p = '\0';
	return out;
}

static void same_as_json_doc(const uint8_t *data, size_t size, char **v, size_t n)
{
	struct fc_err e = { 0 };
	cJSON *doc = json_doc_parse((const char *)data, size, "input", &e);
	const cJSON *item;
	size_t i = 0;

	if (!doc || !cJSON_IsArray(doc) || !json_doc_is_string_array(doc)) {
		fprintf(stderr, "accepted here, refused by json_doc: %s\n", e.msg);
		abort();
	}
	cJSON_ArrayForEach(item, doc) {
		if (i >= n || strcmp(item->valuestring, v[i]) != 0) {
			fprintf(stderr, "strings differ from json_doc's at %zu\n", i);
			abort();
		}
		i++;
	}
	if (i != n)
		abort();
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fc_err e = { 0 };
	char **v = NULL, **v2 = NULL;
	size_t n = 0, n2 = 0;
	char *text;

	if (strv_json_parse((const char *)data, size, &v, &n, &e) < 0) {
		if (e.kind != FC_ERR_INPUT || !e.msg[0] || v)
			abort();
		return 0;
	}
	if (v[n] != NULL)
		abort();
	same_as_json_doc(data, size, v, n);
	text = print(v, n);
	if (strv_json_parse(text, strlen(text), &v2, &n2, &e) < 0) {
		fprintf(stderr, "printed form refused: %s\n%s\n", e.msg, text);
		abort();
	}
	if (n2 != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], v2[i]) != 0)
			abort();
	free(text);
	free(v);
	free(v2);
	return 0;
}
