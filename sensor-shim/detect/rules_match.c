/* rules_match.c: which rules an activity matches. Every traced syscall of
 * the application passes here while it waits in its stop, so this is a
 * plain walk over a few dozen rules with no allocation. */
#include "rules.h"

#include <fnmatch.h>
#include <string.h>
#include <strings.h>

static int has_prefix(const char *s, const char *p, int nocase)
{
	size_t n = strlen(p);

	return nocase ? strncasecmp(s, p, n) == 0 : strncmp(s, p, n) == 0;
}

static int has_suffix(const char *s, const char *p, int nocase)
{
	size_t ns = strlen(s), np = strlen(p);

	if (np > ns)
		return 0;
	return nocase ? strcasecmp(s + ns - np, p) == 0 : strcmp(s + ns - np, p) == 0;
}

static int str_op(const struct rule_cond *c, const char *s, const char *v)
{
	switch (c->op) {
	case OP_EQ:
		return c->nocase ? strcasecmp(s, v) == 0 : strcmp(s, v) == 0;
	case OP_PREFIX:
		return has_prefix(s, v, c->nocase);
	case OP_SUFFIX:
		return has_suffix(s, v, c->nocase);
	case OP_CONTAINS:
		return c->nocase ? strcasestr(s, v) != NULL : strstr(s, v) != NULL;
	case OP_GLOB:
		return fnmatch(v, s, FNM_PATHNAME | (c->nocase ? FNM_CASEFOLD : 0)) == 0;
	case OP_ANY_BITS:
		break;
	}
	return 0;
}

/* Whether one string satisfies any of the condition's values. */
static int str_any(const struct rule_cond *c, const char *s)
{
	for (size_t i = 0; i < c->n; i++)
		if (str_op(c, s, c->s[i]))
			return 1;
	return 0;
}

static int holds(const struct rule_cond *c, struct activity *a)
{
	struct act_value v = act_get(a, c->field);

	if (!v.has)
		return 0;
	switch (v.type) {
	case AT_STRING:
		/* RENAME_EXCHANGE writes both names. */
		if (c->field == F_FILE_PATH && a->exchange && a->old_path &&
		    str_any(c, a->old_path))
			return 1;
		/* A multi-valued field (a program's names): any value; a
		 * "not" then holds only when none does. */
		if (str_any(c, v.s))
			return 1;
		for (size_t i = 0; i < v.n_alt; i++)
			if (v.alt[i] && str_any(c, v.alt[i]))
				return 1;
		return 0;
	case AT_STRINGS:
		/* Any argument after argv[0]. */
		for (size_t i = 1; i < v.v->n; i++)
			if (str_any(c, v.v->buf + v.v->off[i]))
				return 1;
		return 0;
	case AT_NUMBER:
	case AT_BOOL:
		if (c->op == OP_ANY_BITS)
			return (v.n & c->num[0]) != 0;
		for (size_t i = 0; i < c->n; i++)
			if (v.n == c->num[i])
				return 1;
		return 0;
	}
	return 0;
}

size_t ruleset_match(const struct ruleset *rs, struct activity *a, size_t *out,
		     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		int all = 1;

		if (!r->enabled || !(r->events & (1U << a->event)))
			continue;
		for (size_t k = 0; k < r->n_cond && all; k++)
			all = holds(&r->cond[k], a) != r->cond[k].negate;
		if (all && n < max)
			out[n++] = i;
	}
	return n;
}

int ruleset_is_sensitive(const struct ruleset *rs, const char *path)
{
	for (size_t i = 0; i < rs->n_sensitive; i++)
		if (fnmatch(rs->sensitive[i], path, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}
