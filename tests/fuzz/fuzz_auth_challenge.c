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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *p = realloc(o->s, cap);

		if (!p)
			abort();
		o->s = p;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Canonical form; schemes other than Basic and Bearer become "Other". */
static void render(const struct auth_challenges *a, struct out *o)
{
	static const char *const names[] = { "Other", "Basic", "Bearer" };

	puts_(o, "");
	for (int i = 0; i < a->n; i++) {
		puts_(o, i ? ", " : "");
		puts_(o, names[a->c[i].scheme]);
		for (int j = 0; j < a->c[i].n; j++) {
			puts_(o, j ? ", " : " ");
			puts_(o, a->c[i].params[j].name);
			puts_(o, "=\"");
			for (const char *v = a->c[i].params[j].value; *v; v++) {
				if (*v == '"' || *v == '\\')
					put(o, "\\", 1);
				put(o, v, 1);
			}
			puts_(o, "\"");
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
	struct out o = { 0 };
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
	free(o.s);
	free(copy);
	return 0;
}
