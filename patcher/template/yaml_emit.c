/* yaml_emit.c: cJSON (in yaml_doc.h's shape) to YAML text. */
#include "yaml_emit.h"

#include <stdio.h>
#include <string.h>

#include "yaml_doc.h"

/* A node that yaml_doc made from a tag: {"!Ref": value}. */
static int is_tagged(const cJSON *v)
{
	return cJSON_IsObject(v) && v->child && !v->child->next &&
	       v->child->string && v->child->string[0] == '!';
}

static int is_block(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child && !is_tagged(v);
}

static void spaces(struct strbuf *o, size_t n)
{
	static const char sp[] = "                ";

	while (n > 0) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;

		strbuf_put(o, sp, k);
		n -= k;
	}
}

/* Printable ASCII that needs no quoting in the context. */
static int plain_ok(const char *s, int flow, int tagged)
{
	size_t n = strlen(s);

	if (n == 0 || (!tagged && !yaml_plain_is_string(s)))
		return 0;
	if (strchr("?:-", s[0])) {
		if (n == 1 || s[1] == ' ' || flow)
			return 0;
	} else if (strchr(",[]{}#&*!|>'\"%@` ", s[0])) {
		return 0;
	}
	if (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0)
		return 0;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || (flow && strchr(",[]{}:", *p)))
			return 0;
	return !strstr(s, ": ") && !strstr(s, " #");
}

static int printable_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* The code point at p (valid UTF-8 assumed, as libyaml and json_doc check);
 * *n is how many bytes it takes. A stray byte counts as U+FFFD, escaped. */
static unsigned long code_point(const unsigned char *p, size_t *n)
{
	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
		*n = 2;
		return ((p[0] & 0x1fUL) << 6) | (p[1] & 0x3fUL);
	}
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		*n = 3;
		return ((p[0] & 0x0fUL) << 12) | ((p[1] & 0x3fUL) << 6) | (p[2] & 0x3fUL);
	}
	if ((p[0] & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		*n = 4;
		return ((p[0] & 0x07UL) << 18) | ((p[1] & 0x3fUL) << 12) |
		       ((p[2] & 0x3fUL) << 6) | (p[3] & 0x3fUL);
	}
	*n = 1;
	return 0xfffd;
}

/* YAML's printable set, less what a reader would take as a line break
 * (U+0085, U+2028, U+2029) or skip (U+FEFF). */
static int printable(unsigned long c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd && c != 0xfeff && c != 0x2028 &&
		c != 0x2029) || (c >= 0x10000 && c <= 0x10ffff);
}

static void double_quoted(struct strbuf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[20]; /* \U, any unsigned long in hex, NUL: unoptimised gcc cannot bound c */

	strbuf_put(o, "\"", 1);
	while (*p) {
		size_t n;
		unsigned long c = code_point(p, &n);

		if (c == '"' || c == '\\') {
			strbuf_put(o, "\\", 1);
			strbuf_put(o, p, 1);
		} else if (c == '\n') {
			strbuf_puts(o, "\\n");
		} else if (c == '\t') {
			strbuf_puts(o, "\\t");
		} else if (printable(c) && !(n == 1 && *p >= 0x80)) {
			strbuf_put(o, p, n);
		} else {
			if (n == 1)
				c = *p; /* a stray byte: as itself */
			if (c < 0x100)
				snprintf(esc, sizeof esc, "\\x%02lx", c);
			else if (c < 0x10000)
				snprintf(esc, sizeof esc, "\\u%04lx", c);
			else
				snprintf(esc, sizeof esc, "\\U%08lx", c);
			strbuf_puts(o, esc);
		}
		p += n;
	}
	strbuf_put(o, "\"", 1);
}

static void put_string(struct strbuf *o, const char *s, int flow, int tagged)
{
	if (plain_ok(s, flow, tagged)) {
		strbuf_puts(o, s);
	} else if (printable_ascii(s)) {
		strbuf_put(o, "'", 1);
		for (const char *p = s; *p; p++)
			strbuf_put(o, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
		strbuf_put(o, "'", 1);
	} else {
		double_quoted(o, s);
	}
}

static void put_key(struct strbuf *o, const char *k, int flow)
{
	put_string(o, k, flow, 0);
}

static void put_inline(struct strbuf *o, const cJSON *v, int flow, int tagged);

/* NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parsers. */
static void put_flow(struct strbuf *o, const cJSON *v)
{
	int obj = cJSON_IsObject(v);

	strbuf_put(o, obj ? "{" : "[", 1);
	for (const cJSON *c = v->child; c; c = c->next) {
		if (obj) {
			put_key(o, c->string, 1);
			strbuf_puts(o, ": ");
		}
		put_inline(o, c, 1, 0);
		if (c->next)
			strbuf_puts(o, ", ");
	}
	strbuf_put(o, obj ? "}" : "]", 1);
}

/* A value on the current line: a scalar, an empty or flow collection, or
 * a tagged node. */
/* NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parsers. */
static void put_inline(struct strbuf *o, const cJSON *v, int flow, int tagged)
{
	char num[64];

	if (is_tagged(v)) {
		const cJSON *inner = v->child;

		strbuf_puts(o, inner->string);
		strbuf_put(o, " ", 1);
		if (cJSON_IsObject(inner) || cJSON_IsArray(inner))
			put_flow(o, inner);
		else
			put_inline(o, inner, flow, 1);
	} else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		put_flow(o, v);
	} else if (cJSON_IsString(v)) {
		put_string(o, v->valuestring, flow, tagged);
	} else if (cJSON_IsRaw(v)) {
		strbuf_puts(o, *v->valuestring ? v->valuestring : "null");
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

static void put_block(struct strbuf *o, const cJSON *v, size_t indent, size_t unit);

/* After "key:" */
/* NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parsers. */
static void put_member_value(struct strbuf *o, const cJSON *v, size_t indent,
			     size_t unit)
{
	if (is_block(v)) {
		strbuf_put(o, "\n", 1);
		spaces(o, indent + unit);
		put_block(o, v, indent + unit, unit);
	} else {
		strbuf_put(o, " ", 1);
		put_inline(o, v, 0, 0);
	}
}

/* NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parsers. */
static void put_block(struct strbuf *o, const cJSON *v, size_t indent, size_t unit)
{
	if (!is_block(v)) {
		put_inline(o, v, 0, 0);
		return;
	}
	int obj = cJSON_IsObject(v);

	for (const cJSON *c = v->child; c; c = c->next) {
		if (c != v->child) {
			strbuf_put(o, "\n", 1);
			spaces(o, indent);
		}
		if (obj) {
			put_key(o, c->string, 0);
			strbuf_put(o, ":", 1);
			put_member_value(o, c, indent, unit);
		} else if (is_block(c)) {
			/* "- " then the item's first line; the rest lines up
			 * under it. */
			strbuf_puts(o, "- ");
			put_block(o, c, indent + 2, unit);
		} else {
			strbuf_puts(o, "- ");
			put_inline(o, c, 0, 0);
		}
	}
}

void yaml_emit_block(struct strbuf *o, const cJSON *v, size_t indent, size_t unit)
{
	put_block(o, v, indent, unit ? unit : 2);
}

void yaml_emit_flow(struct strbuf *o, const cJSON *v)
{
	put_inline(o, v, 1, 0);
}
