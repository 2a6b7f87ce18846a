/* json_value.c: the tree jparse builds (json_parse.h): freeing it,
 * looking up a member, naming a type. */
#include "json_parse.h"

#include <stdlib.h>
#include <string.h>

/* The members of v, not v itself: arrays hold their elements inline. The
 * recursion is as deep as the tree, which jparse bounds. */
/* NOLINTNEXTLINE(misc-no-recursion): trees come from jparse, depth <= 32. */
static void free_members(struct jv *v)
{
	switch (v->type) {
	case JV_STRING:
		free(v->str);
		break;
	case JV_ARRAY:
	case JV_OBJECT:
		for (size_t k = 0; k < v->n; k++) {
			free_members(&v->items[k]);
			if (v->keys)
				free(v->keys[k]);
		}
		free(v->items);
		free(v->keys);
		break;
	default:
		break;
	}
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	free_members(v);
	free(v);
}

const struct jv *jv_get(const struct jv *o, const char *key)
{
	if (!o || !key || o->type != JV_OBJECT)
		return NULL;
	for (size_t k = 0; k < o->n; k++)
		if (strcmp(o->keys[k], key) == 0)
			return &o->items[k];
	return NULL;
}

const char *jv_type_name(enum jv_type t)
{
	switch (t) {
	case JV_NULL: return "null";
	case JV_BOOL: return "boolean";
	case JV_NUMBER: return "number";
	case JV_STRING: return "string";
	case JV_ARRAY: return "array";
	case JV_OBJECT: return "object";
	}
	return "value";
}
