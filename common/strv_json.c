/* strv_json.c: strict parsing of a JSON array of strings into an argv.
 *
 * The text is scanned twice by the same code: the first pass validates it and
 * counts strings and bytes, the second writes them into one block of exactly
 * that size. Decoded strings are never longer than their JSON form, so
 * nothing here can grow beyond the input. */
#include "strv_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

struct scan {
	const unsigned char *s;
	size_t len, i;
	char **argv;    /* NULL during the counting pass */
	char *data;
	size_t n, bytes;
	struct fc_err *e;
};

static int bad(struct scan *sc, size_t at, const char *why)
{
	return fc_fail(sc->e, FC_ERR_INPUT, "at byte offset %zu: %s", at, why);
}

static void put(struct scan *sc, unsigned char c)
{
	if (sc->data)
		sc->data[sc->bytes] = (char)c;
	sc->bytes++;
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
				   sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
		sc->i++;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits after "\u" at sc->i (which points at the backslash). */
static int hex4(struct scan *sc, uint32_t *cp)
{
	size_t at = sc->i;

	if (sc->len - sc->i < 6 || sc->s[sc->i + 1] != 'u')
		return bad(sc, at, "\\u must be followed by four hex digits");
	*cp = 0;
	for (size_t k = 2; k < 6; k++) {
		int v = hexval(sc->s[sc->i + k]);

		if (v < 0)
			return bad(sc, at, "\\u must be followed by four hex digits");
		*cp = *cp << 4 | (uint32_t)v;
	}
	sc->i += 6;
	return 0;
}

static void put_utf8(struct scan *sc, uint32_t cp)
{
	char b[4];
	size_t n = utf8_encode(cp, b);

	for (size_t k = 0; k < n; k++)
		put(sc, (unsigned char)b[k]);
}

/* \uXXXX, with UTF-16 surrogate pairs joined; a lone surrogate has no UTF-8
 * form, and NUL cannot be passed in an argument, so both are refused. */
static int unicode_escape(struct scan *sc)
{
	size_t at = sc->i;
	uint32_t cp, lo;

	if (hex4(sc, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return bad(sc, at, "a low surrogate \\u escape without a high one before it");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (sc->i >= sc->len || sc->s[sc->i] != '\\' || hex4(sc, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return bad(sc, at, "a high surrogate \\u escape not followed by a low one");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return bad(sc, at, "\\u0000: an argument cannot contain a NUL byte");
	put_utf8(sc, cp);
	return 0;
}

static int escape(struct scan *sc)
{
	size_t at = sc->i;
	unsigned char c;

	if (sc->i + 1 >= sc->len)
		return bad(sc, at, "unterminated string");
	c = sc->s[sc->i + 1];
	switch (c) {
	case '"':
	case '\\':
	case '/':
		break;
	case 'b':
		c = '\b';
		break;
	case 'f':
		c = '\f';
		break;
	case 'n':
		c = '\n';
		break;
	case 'r':
		c = '\r';
		break;
	case 't':
		c = '\t';
		break;
	case 'u':
		return unicode_escape(sc);
	default:
		return bad(sc, at, "unknown escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
	}
	put(sc, c);
	sc->i += 2;
	return 0;
}

/* One UTF-8 sequence of two to four bytes, as Unicode's table 3-7 allows
 * them: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8(struct scan *sc)
{
	size_t n = utf8_seq_len(sc->s + sc->i, sc->len - sc->i);

	/* The caller saw a byte from 0x80 up: 0 is the only length below 2. */
	if (n == 0)
		return bad(sc, sc->i, "invalid UTF-8");
	for (size_t k = 0; k < n; k++)
		put(sc, sc->s[sc->i + k]);
	sc->i += n;
	return 0;
}

static int string(struct scan *sc)
{
	size_t start = sc->i++;

	if (sc->argv)
		sc->argv[sc->n] = sc->data + sc->bytes;
	for (;;) {
		unsigned char c;

		if (sc->i >= sc->len)
			return bad(sc, start, "unterminated string");
		c = sc->s[sc->i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (escape(sc) < 0)
				return -1;
		} else if (c < 0x20) {
			return bad(sc, sc->i, "a control character must be escaped");
		} else if (c < 0x80) {
			put(sc, c);
			sc->i++;
		} else if (utf8(sc) < 0) {
			return -1;
		}
	}
	sc->i++;
	put(sc, '\0');
	sc->n++;
	return 0;
}

static int array(struct scan *sc)
{
	skip_ws(sc);
	if (sc->i >= sc->len || sc->s[sc->i] != '[')
		return bad(sc, sc->i, "expected '[': the value must be a JSON array of strings");
	sc->i++;
	skip_ws(sc);
	if (sc->i < sc->len && sc->s[sc->i] == ']') {
		sc->i++;
	} else {
		for (;;) {
			if (sc->i >= sc->len)
				return bad(sc, sc->i, "unterminated array");
			if (sc->s[sc->i] != '"')
				return bad(sc, sc->i, "expected a string: every element must be a string");
			if (string(sc) < 0)
				return -1;
			skip_ws(sc);
			if (sc->i < sc->len && sc->s[sc->i] == ',') {
				sc->i++;
				skip_ws(sc);
				continue;
			}
			if (sc->i < sc->len && sc->s[sc->i] == ']') {
				sc->i++;
				break;
			}
			return bad(sc, sc->i, "expected ',' or ']'");
		}
	}
	skip_ws(sc);
	if (sc->i != sc->len)
		return bad(sc, sc->i, "unexpected text after the array");
	return 0;
}

int strv_json_parse(const char *text, size_t len, char ***out, size_t *count,
		    struct fc_err *e)
{
	struct scan sc = { .s = (const unsigned char *)text, .len = len, .e = e };
	size_t ptrs, total;
	char **block;

	if (array(&sc) < 0)
		return -1;
	if (__builtin_add_overflow(sc.n, 1, &ptrs) ||
	    __builtin_mul_overflow(ptrs, sizeof(char *), &ptrs) ||
	    __builtin_add_overflow(ptrs, sc.bytes, &total) ||
	    !(block = malloc(total ? total : 1)))
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for %zu arguments", sc.n);
	sc.argv = block;
	sc.data = (char *)block + ptrs;
	sc.i = 0;
	sc.n = 0;
	sc.bytes = 0;
	if (array(&sc) < 0) {
		/* The first pass accepted the same bytes: unreachable. */
		free(block);
		return -1;
	}
	block[sc.n] = NULL;
	*out = block;
	*count = sc.n;
	return 0;
}
