/* fuzz_json_parse.c: libFuzzer target for the sensor's strict JSON reader.
 * A refusal must say where and why; an accepted tree must hold only valid
 * UTF-8 without NUL, print (with the printer below) as text that parses
 * back to an equal tree, and that text must print the same again. The
 * patcher's parser (json_doc.c, cJSON underneath) is less strict, so it
 * must accept whatever this one does. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_out.h"
#include "utf8.h"
#include "json_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Strings as JSON, with every escape form the parser reads: the short
 * ones, \u00XX for other control characters, and (for one code point in
 * three, to reach the decoder) \u escapes and surrogate pairs for the
 * rest. The choice depends only on the text, so a print is repeatable. */
static void put_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char esc[16];

	put(b, "\"", 1);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(u + i, n - i);
		unsigned cp;

		if (len == 0)
			abort(); /* checked before printing */
		if (u[i] == '"' || u[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)u[i];
			put(b, esc, 2);
		} else if (u[i] == '\n') {
			put(b, "\\n", 2);
		} else if (u[i] == '\t') {
			put(b, "\\t", 2);
		} else if (u[i] == '\b') {
			put(b, "\\b", 2);
		} else if (u[i] < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04X", u[i]);
			put(b, esc, 6);
		} else if (u[i] == '/' || len == 1 || (i % 3) != 0) {
			put(b, u + i, len);
		} else {
			cp = len == 2 ? u[i] & 0x1fU : len == 3 ? u[i] & 0x0fU : u[i] & 0x07U;
			for (size_t k = 1; k < len; k++)
				cp = cp << 6 | (u[i + k] & 0x3fU);
			if (cp >= 0x10000)
				snprintf(esc, sizeof esc, "\\u%04x\\u%04X",
					 0xd800 + ((cp - 0x10000) >> 10),
					 0xdc00 + ((cp - 0x10000) & 0x3ff));
			else
				snprintf(esc, sizeof esc, "\\u%04x", cp);
			put(b, esc, strlen(esc));
		}
		i += len;
	}
	put(b, "\"", 1);
}

/* Every string is valid UTF-8 of exactly its length, NUL-terminated. */
static void check_str(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!s || strlen(s) != n)
		abort();
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(u + i, n - i);

		if (len == 0)
			abort();
		i += len;
	}
}

/* Integers as integers; other numbers exactly (%.17g), and with a
 * fraction when whole so that they stay not is_int. */
static void put_num(struct buf *b, const struct jv *v)
{
	char num[40];
	int n;

	if (!isfinite(v->num))
		abort();
	if (v->is_int) {
		/* "-0" is the integer 0 whose num is -0.0. */
		n = snprintf(num, sizeof num, "%s%lld",
			     v->i == 0 && signbit(v->num) ? "-" : "", v->i);
	} else {
		n = snprintf(num, sizeof num, "%.17g", v->num);
		if (!strpbrk(num, ".e"))
			n += snprintf(num + n, sizeof num - (size_t)n, ".0");
	}
	put(b, num, (size_t)n);
}

/* NOLINTNEXTLINE(misc-no-recursion): trees are at most 32 deep. */
static void print(struct buf *b, const struct jv *v, unsigned depth)
{
	if (depth > JPARSE_MAX_DEPTH + 1)
		abort();
	switch (v->type) {
	case JV_NULL:
		put(b, "null", 4);
		break;
	case JV_BOOL:
		put(b, v->b ? "true" : "false", v->b ? 4 : 5);
		break;
	case JV_NUMBER:
		put_num(b, v);
		break;
	case JV_STRING:
		check_str(v->str, v->len);
		put_str(b, v->str, v->len);
		break;
	case JV_ARRAY:
	case JV_OBJECT:
		if (v->n && !v->items)
			abort();
		put(b, v->type == JV_ARRAY ? "[" : "{", 1);
		for (size_t k = 0; k < v->n; k++) {
			if (k)
				put(b, depth % 2 ? ", " : ",", depth % 2 ? 2 : 1);
			if (v->type == JV_OBJECT) {
				size_t klen = v->keys[k] ? strlen(v->keys[k]) : 0;

				check_str(v->keys[k], klen);
				/* Keys are unique, so jv_get finds each. */
				if (jv_get(v, v->keys[k]) != &v->items[k])
					abort();
				put_str(b, v->keys[k], klen);
				put(b, depth % 2 ? " :\n" : ":", depth % 2 ? 3 : 1);
			}
			print(b, &v->items[k], depth + 1);
		}
		put(b, v->type == JV_ARRAY ? "]" : "}", 1);
		break;
	default:
		abort();
	}
}

/* NOLINTNEXTLINE(misc-no-recursion): trees are at most 32 deep. */
static int same(const struct jv *a, const struct jv *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case JV_NULL:
		return 1;
	case JV_BOOL:
		return a->b == b->b;
	case JV_NUMBER:
		return a->is_int == b->is_int && (!a->is_int || a->i == b->i) &&
		       a->num == b->num && !signbit(a->num) == !signbit(b->num);
	case JV_STRING:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case JV_ARRAY:
	case JV_OBJECT:
		if (a->n != b->n)
			return 0;
		for (size_t k = 0; k < a->n; k++) {
			if (a->type == JV_OBJECT && strcmp(a->keys[k], b->keys[k]) != 0)
				return 0;
			if (!same(&a->items[k], &b->items[k]))
				return 0;
		}
		return 1;
	}
	return 0;
}

static void refused_well(const struct jparse_err *e, size_t size)
{
	char prefix[64];

	/* "line L, column C: what", one line, L and C inside the input. */
	if (!memchr(e->msg, '\0', sizeof e->msg) || strchr(e->msg, '\n'))
		abort();
	snprintf(prefix, sizeof prefix, "line %u, column %u: ", e->line, e->col);
	if (strncmp(e->msg, prefix, strlen(prefix)) != 0 || !e->msg[strlen(prefix)])
		abort();
	if (e->line < 1 || e->col < 1 || e->line > size + 1 || e->col > size + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jparse_err e;
	struct buf one = { 0 }, two = { 0 };
	struct jv *v, *w, *x;

	v = jparse((const char *)data, size, &e);
	if (!v) {
		refused_well(&e, size);
		return 0;
	}
	if (v->line < 1 || v->col < 1)
		abort();
	{
		struct fc_err fe = { 0 };
		cJSON *doc = json_doc_parse((const char *)data, size, "input", &fe);

		if (!doc) {
			fprintf(stderr, "json_doc refused what jparse took: %s\n", fe.msg);
			abort();
		}
		cJSON_Delete(doc);
	}
	print(&one, v, 1);
	w = jparse(one.s, one.len, &e);
	if (!w) {
		fprintf(stderr, "printed tree refused: %s\n%s\n", e.msg, one.s);
		abort();
	}
	if (!same(v, w)) {
		fprintf(stderr, "printed tree parses differently:\n%s\n", one.s);
		abort();
	}
	print(&two, w, 1);
	if (two.len != one.len || memcmp(one.s, two.s, one.len) != 0) {
		fprintf(stderr, "prints differ:\n%s\n%s\n", one.s, two.s);
		abort();
	}
	/* The printed text cut short is never a whole document, except for a
	 * bare number that a shorter prefix still spells. */
	if (v->type == JV_ARRAY || v->type == JV_OBJECT || v->type == JV_STRING) {
		x = jparse(one.s, one.len - 1, &e);
		if (x)
			abort();
		refused_well(&e, one.len - 1);
	}
	jv_free(v);
	jv_free(w);
	free(one.s);
	free(two.s);
	return 0;
}
