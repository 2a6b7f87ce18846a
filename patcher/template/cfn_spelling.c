/* cfn_spelling.c: CloudFormation <-> ECS property spelling. */
#include "cfn_spelling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tokens start with a control character that no template has in a string,
 * so a user's value is never taken for one. */
#define TOKEN_PREFIX "\x01" "cfn-opaque:"

enum ctx {
	CTX_STRUCT,    /* property names: re-spelled */
	CTX_USER,      /* the user's own keys: kept */
	CTX_CONTAINER, /* a container definition (EntryPoint, Command) */
	CTX_LIST,      /* ContainerDefinitions: each item a container */
};

/* Maps whose keys are data: DockerLabels, LogConfiguration.Options,
 * FirelensConfiguration.Options, DockerVolumeConfiguration.DriverOpts and
 * .Labels. The ECS spelling of each is its CloudFormation one with a small
 * first letter. */
static int user_map(const char *key)
{
	static const char *const maps[] = { "DockerLabels", "Options",
					    "DriverOpts", "Labels" };

	for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
		if (strcmp(key + 1, maps[i] + 1) == 0 &&
		    (key[0] | 0x20) == (maps[i][0] | 0x20))
			return 1;
	return 0;
}

int cfn_is_intrinsic(const cJSON *v)
{
	const char *k;

	if (!cJSON_IsObject(v) || !v->child || v->child->next || !v->child->string)
		return 0;
	k = v->child->string;
	return strcmp(k, "Ref") == 0 || strncmp(k, "Fn::", 4) == 0 || k[0] == '!';
}

const char *cfn_intrinsic_name(const cJSON *v)
{
	return cfn_is_intrinsic(v) ? v->child->string : "an alias or YAML value";
}

/* A JSON number, as json_doc keeps them (cJSON_Raw with its text). */
static int json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s += strspn(s, "0123456789");
	else
		return 0;
	if (*s == '.') {
		if (!(s[1] >= '0' && s[1] <= '9'))
			return 0;
		s += 1 + strspn(s + 1, "0123456789");
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		s += strspn(s, "0123456789");
	}
	return *s == '\0';
}

int cfn_is_opaque(const cJSON *v)
{
	return cfn_is_intrinsic(v) || (cJSON_IsRaw(v) && !json_number(v->valuestring));
}

static cJSON *token(struct cfn_opaque *op, const cJSON *v, int whole)
{
	char s[64];

	if (op->n == op->cap) {
		size_t cap = op->cap ? 2 * op->cap : 16;
		struct cfn_opaque_value *t = realloc(op->t, cap * sizeof *t);

		if (!t)
			return NULL;
		op->t = t;
		op->cap = cap;
	}
	op->t[op->n].v = v;
	op->t[op->n].whole = whole;
	snprintf(s, sizeof s, TOKEN_PREFIX "%zu", op->n);
	op->n++;
	return cJSON_CreateString(s);
}

static long token_index(const struct cfn_opaque *op, const char *s)
{
	size_t plen = strlen(TOKEN_PREFIX);
	char *end;

	if (strncmp(s, TOKEN_PREFIX, plen) != 0 || !(s[plen] >= '0' && s[plen] <= '9'))
		return -1;
	unsigned long i = strtoul(s + plen, &end, 10);

	if (*end || i >= op->n)
		return -1;
	return (long)i;
}

const cJSON *cfn_opaque_value(const struct cfn_opaque *op, const char *s)
{
	long i = token_index(op, s);

	return i < 0 ? NULL : op->t[i].v;
}

static char *respell(const char *key, int upper)
{
	char *k = strdup(key);

	if (k && k[0] >= (upper ? 'a' : 'A') && k[0] <= (upper ? 'z' : 'Z'))
		k[0] = (char)(k[0] ^ 0x20);
	return k;
}

static enum ctx child_ctx(enum ctx ctx, const char *key, int top)
{
	if (ctx == CTX_USER || user_map(key))
		return CTX_USER;
	if (top && strcmp(key + 1, "ontainerDefinitions") == 0)
		return CTX_LIST;
	return CTX_STRUCT;
}

struct walk {
	struct cfn_opaque *op;
	const char *what;
	struct fc_err *e;
};

/* NOLINTNEXTLINE(misc-no-recursion): the parsers bound the depth. */
static cJSON *to_ecs(struct walk *w, const cJSON *v, enum ctx ctx, int top)
{
	cJSON *out;

	if (cfn_is_opaque(v))
		return token(w->op, v, 0);
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
	for (const cJSON *c = v->child; c && out; c = c->next) {
		cJSON *m;

		if (cJSON_IsArray(v)) {
			m = to_ecs(w, c, ctx == CTX_LIST ? CTX_CONTAINER : ctx, 0);
			if (!m || !cJSON_AddItemToArray(out, m))
				goto fail;
			continue;
		}
		if (ctx != CTX_USER && c->string[0] >= 'a' && c->string[0] <= 'z') {
			fc_fail(w->e, FC_ERR_INPUT,
				"%sproperty \"%.100s\" is not CloudFormation's "
				"spelling, which starts with a capital letter (\"%c%.99s\")",
				w->what, c->string, c->string[0] - 32, c->string + 1);
			cJSON_Delete(out);
			return NULL;
		}
		/* A whole-list intrinsic where the engine expects a list of
		 * strings: a one-item list, so that it can be carried. */
		if (ctx == CTX_CONTAINER && cfn_is_opaque(c) &&
		    (strcmp(c->string, "EntryPoint") == 0 ||
		     strcmp(c->string, "Command") == 0)) {
			m = cJSON_CreateArray();
			if (m && !cJSON_AddItemToArray(m, token(w->op, c, 1))) {
				cJSON_Delete(m);
				m = NULL;
			}
		} else {
			m = to_ecs(w, c, child_ctx(ctx, c->string, top), 0);
		}
		char *k = ctx == CTX_USER ? strdup(c->string) : respell(c->string, 0);

		if (!m || !k || !cJSON_AddItemToObject(out, k, m)) {
			free(k);
			cJSON_Delete(m);
			goto fail;
		}
		free(k);
	}
	if (!out)
		goto fail;
	return out;
fail:
	if (w->e->kind == FC_ERR_NONE)
		fc_fail(w->e, FC_ERR_SYSTEM, "out of memory");
	cJSON_Delete(out);
	return NULL;
}

cJSON *cfn_to_ecs(const cJSON *props, struct cfn_opaque *op, const char *what,
		  struct fc_err *e)
{
	struct walk w = { .op = op, .what = what, .e = e };

	e->kind = FC_ERR_NONE;
	return to_ecs(&w, props, CTX_STRUCT, 1);
}

/* NOLINTNEXTLINE(misc-no-recursion): the parsers bound the depth. */
static cJSON *from_ecs(const struct cfn_opaque *op, const cJSON *v, enum ctx ctx)
{
	cJSON *out;

	if (cJSON_IsString(v)) {
		long i = token_index(op, v->valuestring);

		return cJSON_Duplicate(i < 0 ? v : op->t[i].v, 1);
	}
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1 &&
	    cJSON_IsString(v->child)) {
		long i = token_index(op, v->child->valuestring);

		if (i >= 0 && op->t[i].whole)
			return cJSON_Duplicate(op->t[i].v, 1);
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
	for (const cJSON *c = v->child; c && out; c = c->next) {
		if (cJSON_IsArray(v)) {
			cJSON *m = from_ecs(op, c, ctx);

			if (!m || !cJSON_AddItemToArray(out, m)) {
				cJSON_Delete(m);
				goto fail;
			}
			continue;
		}
		enum ctx cc = ctx == CTX_USER || user_map(c->string) ? CTX_USER : CTX_STRUCT;
		cJSON *m = from_ecs(op, c, cc);
		char *k = ctx == CTX_USER ? strdup(c->string) : respell(c->string, 1);

		if (!m || !k || !cJSON_AddItemToObject(out, k, m)) {
			free(k);
			cJSON_Delete(m);
			goto fail;
		}
		free(k);
	}
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

cJSON *cfn_from_ecs(const cJSON *ecs, const struct cfn_opaque *op)
{
	return from_ecs(op, ecs, CTX_STRUCT);
}

void cfn_opaque_free(struct cfn_opaque *op)
{
	free(op->t);
	memset(op, 0, sizeof *op);
}
