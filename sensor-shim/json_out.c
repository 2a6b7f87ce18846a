/* json_out.c: a small JSON writer with UTF-8 repair. */
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jout_init(struct jout *j, size_t max)
{
	memset(j, 0, sizeof *j);
	j->out.max = max;
}

void jout_free(struct jout *j)
{
	strbuf_free(&j->out);
}

static void put(struct jout *j, const void *p, size_t n)
{
	/* Room is kept for the '\n' that ends the line. */
	if (j->out.len + n + 2 > j->out.max)
		j->out.failed = 1;
	strbuf_put(&j->out, p, n);
}

static void putc1(struct jout *j, char c)
{
	put(j, &c, 1);
}

/* The separator a new value or key needs at the current level. */
static void before_value(struct jout *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->has_items[j->depth - 1])
			putc1(j, ',');
		j->has_items[j->depth - 1] = 1;
		j->items[j->depth - 1]++;
	}
}

static void open_level(struct jout *j, char c)
{
	before_value(j);
	if (j->depth >= JOUT_MAX_DEPTH) {
		j->out.failed = 1;
		return;
	}
	j->has_items[j->depth] = 0;
	j->is_array[j->depth] = c == '[';
	j->items[j->depth++] = 0;
	putc1(j, c);
}

static void close_level(struct jout *j, char c)
{
	if (j->depth == 0 || j->after_key) {
		j->out.failed = 1;
		return;
	}
	j->depth--;
	putc1(j, c);
}

void jout_obj_begin(struct jout *j) { open_level(j, '{'); }
void jout_obj_end(struct jout *j) { close_level(j, '}'); }
void jout_arr_begin(struct jout *j) { open_level(j, '['); }
void jout_arr_end(struct jout *j) { close_level(j, ']'); }

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* continuation, overlong lead or beyond U+10FFFF */
	if (c < 0xe0) {
		need = 2;
	} else if (c < 0xf0) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else {
		need = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

void jout_set_caps(struct jout *j, size_t str_cap, size_t items_cap)
{
	j->str_cap = str_cap;
	j->items_cap = items_cap;
}

static void put_string(struct jout *j, const void *bytes, size_t n);

void jout_bytes(struct jout *j, const void *bytes, size_t n)
{
	const unsigned char *s = bytes;

	if (j->items_cap && !j->after_key && j->depth > 0 &&
	    j->is_array[j->depth - 1] && j->items[j->depth - 1] >= j->items_cap) {
		j->cut++;
		return;
	}
	if (j->str_cap && n > j->str_cap) {
		size_t keep = j->str_cap;

		/* Not in the middle of a UTF-8 sequence. */
		while (keep > 0 && keep + 3 > j->str_cap && (s[keep] & 0xc0) == 0x80)
			keep--;
		n = keep;
		j->cut++;
	}
	put_string(j, s, n);
}

static void put_string(struct jout *j, const void *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = bytes;
	size_t run = 0, i = 0;

	before_value(j);
	putc1(j, '"');
	/* Copies runs of plain bytes at once; stops at what needs care. */
	while (i < n) {
		unsigned char c = s[i];
		size_t seq;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			i++;
			continue;
		}
		if (c >= 0x80 && (seq = utf8_seq_len(s + i, n - i)) > 0) {
			run += seq;
			i += seq;
			continue;
		}
		put(j, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			put(j, esc, 2);
		} else if (c == '\n') {
			put(j, "\\n", 2);
		} else if (c == '\t') {
			put(j, "\\t", 2);
		} else if (c == '\r') {
			put(j, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put(j, esc, 6);
		} else {
			put(j, "\xef\xbf\xbd", 3); /* U+FFFD for a bad byte */
		}
		i++;
	}
	put(j, s + i - run, run);
	putc1(j, '"');
}

void jout_str(struct jout *j, const char *s)
{
	if (!s)
		jout_null(j);
	else
		jout_bytes(j, s, strlen(s));
}

void jout_key(struct jout *j, const char *key)
{
	if (j->depth == 0 || j->after_key) {
		j->out.failed = 1;
		return;
	}
	put_string(j, key, strlen(key));
	putc1(j, ':');
	j->after_key = 1;
}

void jout_int(struct jout *j, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", v);

	before_value(j);
	put(j, num, (size_t)n);
}

void jout_bool(struct jout *j, int v)
{
	before_value(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void jout_null(struct jout *j)
{
	before_value(j);
	put(j, "null", 4);
}

void jout_kstr(struct jout *j, const char *key, const char *s)
{
	jout_key(j, key);
	jout_str(j, s);
}

void jout_kint(struct jout *j, const char *key, long long v)
{
	jout_key(j, key);
	jout_int(j, v);
}

void jout_kbool(struct jout *j, const char *key, int v)
{
	jout_key(j, key);
	jout_bool(j, v);
}

void jout_kobj(struct jout *j, const char *key)
{
	jout_key(j, key);
	jout_obj_begin(j);
}

void jout_karr(struct jout *j, const char *key)
{
	jout_key(j, key);
	jout_arr_begin(j);
}

char *jout_take_line(struct jout *j, size_t *len)
{
	if (j->out.failed || j->depth != 0 || j->after_key || j->out.len == 0) {
		jout_free(j);
		return NULL;
	}
	strbuf_put(&j->out, "\n", 1);
	return strbuf_take(&j->out, len);
}
