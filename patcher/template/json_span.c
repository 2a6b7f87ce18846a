/* json_span.c: a scanner that skips over JSON values without building
 * them, to find one value's place in the text. */
#include "json_span.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* White space as the parser (cJSON) takes it: any byte up to ' '. */
static int ws(char c)
{
	return (unsigned char)c <= ' ';
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && ws(s[i]))
		i++;
	return i;
}

/* i at the opening quote; returns the offset after the closing one, or n. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* Returns the offset after the value at i, or n. Strings are skipped
 * whole, so brackets inside them do not count. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	do {
		if (i >= n)
			return n;
		char c = s[i];

		if (c == '"') {
			i = skip_string(s, n, i);
		} else if (c == '{' || c == '[') {
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i; /* not ours: a malformed text */
			depth--;
			i++;
		} else if (depth > 0) {
			i++;
		} else {
			while (i < n && !ws(s[i]) && !strchr(",}]", s[i]))
				i++;
		}
	} while (depth > 0);
	return i;
}

static unsigned hex4(const char *p, int *ok)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			*ok = 0;
	}
	return v;
}

/* Whether the string at [i, end) (quotes included) decodes to key. */
static int key_is(const char *s, size_t i, size_t end, const char *key)
{
	size_t k = 0, klen = strlen(key);

	if (end < i + 2)
		return 0;
	end--; /* the closing quote */
	for (i++; i < end;) {
		char buf[8];
		size_t m = 1;

		buf[0] = s[i];
		if (s[i] != '\\') {
			i++;
		} else if (i + 1 < end && s[i + 1] != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *f = strchr(from, s[i + 1]);

			if (!f || !s[i + 1])
				return 0;
			buf[0] = to[f - from];
			i += 2;
		} else if (i + 6 <= end) {
			int ok = 1;
			unsigned long c = hex4(s + i + 2, &ok);

			i += 6;
			if (c >= 0xd800 && c < 0xdc00 && i + 6 <= end && s[i] == '\\' &&
			    s[i + 1] == 'u') {
				unsigned long lo = hex4(s + i + 2, &ok);

				if (lo >= 0xdc00 && lo < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
			}
			if (!ok)
				return 0;
			m = utf8_encode((uint32_t)c, buf);
		} else {
			return 0;
		}
		if (k + m > klen || memcmp(key + k, buf, m) != 0)
			return 0;
		k += m;
	}
	return k == klen;
}

/* i at '{'; returns the offset of key's value, or n. *key_at gets the
 * offset of the key. */
static size_t member(const char *s, size_t n, size_t i, const char *key,
		     size_t *key_at)
{
	i = skip_ws(s, n, i + 1);
	while (i < n && s[i] == '"') {
		size_t k = i, v;

		i = skip_string(s, n, i);
		v = skip_ws(s, n, i);
		if (v >= n || s[v] != ':')
			return n;
		v = skip_ws(s, n, v + 1);
		if (key_is(s, k, i, key)) {
			*key_at = k;
			return v;
		}
		i = skip_ws(s, n, skip_value(s, n, v));
		if (i >= n || s[i] != ',')
			return n;
		i = skip_ws(s, n, i + 1);
	}
	return n;
}

int json_span_find(const char *text, size_t len, const char *const *path,
		   size_t n, struct json_span *span)
{
	size_t i = skip_ws(text, len, 0), key_at = 0;

	for (size_t p = 0; p < n; p++) {
		if (i >= len || text[i] != '{')
			return -1;
		i = member(text, len, i, path[p], &key_at);
		if (i >= len)
			return -1;
	}
	size_t end = skip_value(text, len, i);

	if (end <= i || n == 0)
		return -1;
	span->start = i;
	span->end = end;
	while (key_at > 0 && text[key_at - 1] != '\n')
		key_at--;
	span->key_line = key_at;
	return 0;
}
