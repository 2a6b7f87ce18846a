/* json_doc.c: strict JSON parsing that keeps numbers exact, and a printer. */
#include "json_doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

/* Where each number literal sits in the text, in document order. A depth-first
 * walk of the parsed tree meets the numbers in the same order. */
struct lexemes {
	size_t *off;
	size_t *len;
	size_t n, cap, next;
	size_t bad; /* offset of the first malformed number, or SIZE_MAX */
};

static void where(const char *s, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int fail_at(struct fc_err *e, const char *what, const char *s,
		   size_t off, const char *why)
{
	size_t line, col;

	where(s, off, &line, &col);
	return fc_fail(e, FC_ERR_INPUT,
		       "%s is not valid JSON: %s at line %zu, column %zu",
		       what, why, line, col);
}

static int digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		++*i;
	return *i > start;
}

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (!digits(s, n, &i))
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (!digits(s, n, &i))
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits(s, n, &i))
			return 0;
	}
	return i == n;
}

static int push_lexeme(struct lexemes *lx, size_t off, size_t len)
{
	if (lx->n == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 64;
		size_t *o = realloc(lx->off, cap * sizeof *o);

		if (!o)
			return -1;
		lx->off = o;
		size_t *l = realloc(lx->len, cap * sizeof *l);

		if (!l)
			return -1;
		lx->len = l;
		lx->cap = cap;
	}
	lx->off[lx->n] = off;
	lx->len[lx->n] = len;
	lx->n++;
	return 0;
}

static int is_number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* The string whose opening quote is at *i: leaves *i on its closing quote,
 * or at n when there is none (cJSON then reports it). */
static int scan_string(const char *s, size_t n, size_t *i, const char *what,
		       struct fc_err *e)
{
	size_t j;

	for (j = *i + 1; j < n && s[j] != '"'; j++) {
		/* The AWS CLI refuses a file that is not UTF-8, so the
		 * patcher must not pass one through. */
		size_t u = utf8_seq_len((const unsigned char *)s + j, n - j);

		if (s[j] == '\0')
			return fail_at(e, what, s, j, "a NUL byte");
		/* cJSON takes raw control characters; the AWS CLI does not. */
		if ((unsigned char)s[j] < 0x20)
			return fail_at(e, what, s, j,
				       "a raw control character in a string "
				       "(write it as \\n, \\t or \\u00XX)");
		if (u == 0)
			return fail_at(e, what, s, j,
				       "bytes that are not UTF-8 in a string");
		if (u > 1) {
			j += u - 1;
			continue;
		}
		if (s[j] != '\\')
			continue;
		/* cJSON would cut the string short at an escaped NUL. */
		if (n - j > 5 && memcmp(s + j + 1, "u0000", 5) == 0)
			return fail_at(e, what, s, j,
				       "an escaped NUL (\\u0000) in a string");
		j++;
	}
	*i = j;
	return 0;
}

/* One pass over the raw text before cJSON sees it: records number literals,
 * bounds the depth, and refuses what cJSON would silently mangle. */
static int scan(const char *s, size_t n, struct lexemes *lx, const char *what,
		struct fc_err *e)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\0')
			return fail_at(e, what, s, i, "a NUL byte");
		if (c == '"') {
			if (scan_string(s, n, &i, what, e) < 0)
				return -1;
			continue;
		}
		if (c == '[' || c == '{') {
			if (++depth > JSON_DOC_MAX_DEPTH)
				return fail_at(e, what, s, i,
					       "nesting deeper than 64 levels");
		} else if (c == ']' || c == '}') {
			depth--;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;

			while (i < n && is_number_char(s[i]))
				i++;
			/* Reported only if cJSON finds no earlier error, so
			 * that text which is not JSON at all is named as such. */
			if (!is_json_number(s + start, i - start) &&
			    lx->bad == SIZE_MAX)
				lx->bad = start;
			if (push_lexeme(lx, start, i - start) < 0)
				return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			i--;
		}
	}
	return 0;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_unique_keys(const cJSON *obj, const char *what,
			     struct fc_err *e)
{
	size_t n = 0, i = 0;
	const cJSON *c;
	int rc = 0;

	cJSON_ArrayForEach(c, obj)
		n++;
	if (n < 2)
		return 0;
	const char **keys = malloc(n * sizeof *keys);

	if (!keys)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	cJSON_ArrayForEach(c, obj)
		keys[i++] = c->string;
	qsort(keys, n, sizeof *keys, cmp_keys);
	for (i = 1; i < n; i++) {
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			rc = fc_fail(e, FC_ERR_INPUT,
				     "%s has the key \"%s\" twice in one object%s%s%s; "
				     "AWS would keep only the last one: remove the other",
				     what, keys[i], obj->string ? " (in \"" : "",
				     obj->string ? obj->string : "",
				     obj->string ? "\")" : "");
			break;
		}
	}
	free(keys);
	return rc;
}

/* Depth-first, in document order: swaps each number for its exact text. */
/* NOLINTNEXTLINE(misc-no-recursion): scan() bounded the depth to 64. */
static int restore(cJSON *v, const char *text, struct lexemes *lx,
		   const char *what, struct fc_err *e)
{
	if (cJSON_IsNumber(v)) {
		if (lx->next >= lx->n)
			return fc_fail(e, FC_ERR_SYSTEM,
				       "internal error: number literals out of step");
		char *raw = strndup(text + lx->off[lx->next], lx->len[lx->next]);

		if (!raw)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		lx->next++;
		v->type = cJSON_Raw;
		v->valuestring = raw;
		return 0;
	}
	if (cJSON_IsObject(v) && check_unique_keys(v, what, e) < 0)
		return -1;
	for (cJSON *c = v->child; c; c = c->next)
		if (restore(c, text, lx, what, e) < 0)
			return -1;
	return 0;
}

cJSON *json_doc_parse(const char *text, size_t len, const char *what,
		      struct fc_err *e)
{
	struct lexemes lx = { .bad = SIZE_MAX };
	const char *end = NULL;
	cJSON *root = NULL;

	if (scan(text, len, &lx, what, e) < 0)
		goto out;
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		size_t off = end && end >= text && end <= text + len ?
				     (size_t)(end - text) : 0;
		size_t last = len;

		while (last > 0 && strchr(" \t\r\n", text[last - 1]))
			last--;
		/* cJSON points at the last byte when it runs out of input,
		 * so an error there is most likely a truncated file. */
		if (off + 1 >= last)
			fc_fail(e, FC_ERR_INPUT,
				"%s is not valid JSON: it ends too early (is the "
				"file truncated?)", what);
		else
			fail_at(e, what, text, off, "unexpected text");
		goto out;
	}
	/* cJSON stops after the first value; anything but space after it is an
	 * error, as it is for the AWS CLI. */
	for (const char *p = end; p < text + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			fail_at(e, what, text, (size_t)(p - text),
				"extra text after the JSON value");
			goto fail;
		}
	}
	if (lx.bad != SIZE_MAX) {
		fail_at(e, what, text, lx.bad, "a malformed number");
		goto fail;
	}
	if (restore(root, text, &lx, what, e) < 0)
		goto fail;
	if (lx.next != lx.n) {
		fc_fail(e, FC_ERR_SYSTEM, "internal error: number literals out of step");
		goto fail;
	}
	goto out;
fail:
	cJSON_Delete(root);
	root = NULL;
out:
	free(lx.off);
	free(lx.len);
	return root;
}

static void newline(struct strbuf *o, int pretty, int depth)
{
	if (!pretty)
		return;
	strbuf_put(o, "\n", 1);
	for (int i = 0; i < depth; i++)
		strbuf_put(o, "    ", 4);
}

static void put_string(struct strbuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	strbuf_put(o, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[7] = "\\u00";

		switch (*p) {
		case '"': strbuf_puts(o, "\\\""); break;
		case '\\': strbuf_puts(o, "\\\\"); break;
		case '\b': strbuf_puts(o, "\\b"); break;
		case '\f': strbuf_puts(o, "\\f"); break;
		case '\n': strbuf_puts(o, "\\n"); break;
		case '\r': strbuf_puts(o, "\\r"); break;
		case '\t': strbuf_puts(o, "\\t"); break;
		default:
			if (*p < 0x20) {
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				strbuf_put(o, esc, 6);
			} else {
				strbuf_put(o, (const char *)p, 1);
			}
		}
	}
	strbuf_put(o, "\"", 1);
}

/* As deep as the tree: JSON_DOC_MAX_DEPTH for parsed trees, plus the few
 * levels the patcher adds. */
/* NOLINTNEXTLINE(misc-no-recursion): the depth is bounded, see above. */
static void put_value(struct strbuf *o, const cJSON *v, int pretty, int depth)
{
	char num[64];

	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);

		strbuf_put(o, obj ? "{" : "[", 1);
		for (const cJSON *c = v->child; c; c = c->next) {
			newline(o, pretty, depth + 1);
			if (obj) {
				put_string(o, c->string);
				strbuf_puts(o, pretty ? ": " : ":");
			}
			put_value(o, c, pretty, depth + 1);
			if (c->next)
				strbuf_put(o, ",", 1);
		}
		if (v->child)
			newline(o, pretty, depth);
		strbuf_put(o, obj ? "}" : "]", 1);
	} else if (cJSON_IsString(v)) {
		put_string(o, v->valuestring);
	} else if (cJSON_IsRaw(v)) {
		strbuf_puts(o, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.17g", v->valuedouble);
		strbuf_puts(o, num);
	} else if (cJSON_IsTrue(v)) {
		strbuf_puts(o, "true");
	} else if (cJSON_IsFalse(v)) {
		strbuf_puts(o, "false");
	} else {
		strbuf_puts(o, "null");
	}
}

char *json_doc_print(const cJSON *v, int pretty, size_t *len)
{
	struct strbuf o = { 0 };

	put_value(&o, v, pretty, 0);
	if (pretty)
		strbuf_put(&o, "\n", 1);
	return strbuf_take(&o, len);
}

int json_doc_put(cJSON *obj, const char *key, cJSON *val)
{
	if (!val)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, val) ? 0 : -1;
	if (!cJSON_AddItemToObject(obj, key, val)) {
		cJSON_Delete(val);
		return -1;
	}
	return 0;
}

int json_doc_is_string_array(const cJSON *v)
{
	const cJSON *c;

	if (!cJSON_IsArray(v))
		return 0;
	cJSON_ArrayForEach(c, v)
		if (!cJSON_IsString(c))
			return 0;
	return 1;
}
