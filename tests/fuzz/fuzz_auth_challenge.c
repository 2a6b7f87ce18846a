/* fuzz_auth_challenge.c: libFuzzer target for WWW-Authenticate parsing.
 * Beyond "no crash, no leak": the limits hold, parameter names come out
 * lower case, and a parsed header written back in canonical form
 * (Scheme name="escaped", ...) parses to the same challenges. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_challenge.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Canonical form; schemes other than Basic and Bearer become "Other". */
static void render(const struct auth_challenges *a, struct strbuf *o)
{
	static const char *const names[] = { "Other", "Basic", "Bearer" };

	strbuf_puts(o, "");
	for (int i = 0; i < a->n; i++) {
		strbuf_puts(o, i ? ", " : "");
		strbuf_puts(o, names[a->c[i].scheme]);
		for (int j = 0; j < a->c[i].n; j++) {
			strbuf_puts(o, j ? ", " : " ");
			strbuf_puts(o, a->c[i].params[j].name);
			strbuf_puts(o, "=\"");
			for (const char *v = a->c[i].params[j].value; *v; v++) {
				if (*v == '"' || *v == '\\')
					strbuf_put(o, "\\", 1);
				strbuf_put(o, v, 1);
			}
			strbuf_puts(o, "\"");
		}
	}
}

static int same(const struct auth_challenges *a, const struct auth_challenges *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++) {
		if (a->c[i].scheme != b->c[i].scheme || a->c[i].n != b->c[i].n)
			return 0;
		for (int j = 0; j < a->c[i].n; j++)
			if (strcmp(a->c[i].params[j].name, b->c[i].params[j].name) != 0 ||
			    strcmp(a->c[i].params[j].value, b->c[i].params[j].value) != 0)
				return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_challenges a, b;
	struct strbuf o = { 0 };
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (auth_challenges_parse(copy, size, &a) == 0) {
		if (a.n < 0 || a.n > AUTH_MAX_CHALLENGES)
			abort();
		for (int i = 0; i < a.n; i++) {
			if (a.c[i].n < 0 || a.c[i].n > AUTH_MAX_PARAMS)
				abort();
			for (int j = 0; j < a.c[i].n; j++)
				for (const char *p = a.c[i].params[j].name; *p; p++)
					if (*p >= 'A' && *p <= 'Z')
						abort();
		}
		render(&a, &o);
		if (o.failed)
			abort(); /* out of memory: not in a fuzzer */
		if (auth_challenges_parse(o.s, o.len, &b) != 0) {
			fprintf(stderr, "canonical form refused: %s\n", o.s);
			abort();
		}
		/* Challenges past the limit are dropped by the first parse. */
		if (!same(&a, &b)) {
			fprintf(stderr, "canonical form parses differently: %s\n", o.s);
			abort();
		}
		auth_challenges_free(&b);
	}
	auth_challenges_free(&a);
	strbuf_free(&o);
	free(copy);
	return 0;
}
