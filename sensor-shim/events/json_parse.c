/* json_parse.c: the sensor's strict JSON reader (RFC 8259, no extensions),
 * a recursive descent bounded by JPARSE_MAX_DEPTH. See json_parse.h. */
#include "json_parse.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_keyset.h"
#include "utf8.h"

struct parser {
	const unsigned char *p, *end;
	const unsigned char *line_start; /* for columns: bytes since it */
	unsigned line;
	struct jparse_err *err;
};

static unsigned col_of(const struct parser *ps, const unsigned char *at)
{
	size_t col = (size_t)(at - ps->line_start) + 1;

	return col > UINT_MAX ? UINT_MAX : (unsigned)col;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct parser *ps, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	struct jparse_err *e = ps->err;
	va_list ap;
	int n;

	e->line = line;
	e->col = col;
	n = snprintf(e->msg, sizeof e->msg, "line %u, column %u: ", line, col);
	if (n > 0 && (size_t)n < sizeof e->msg) {
		va_start(ap, fmt);
		/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above; clang 14's analyzer loses track */
		vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Fails at byte `at`, which is on the current line. */
#define FAIL(ps, at, ...) fail_at((ps), (ps)->line, col_of((ps), (at)), __VA_ARGS__)

/* What sits at `at`, for "expected X, found Y" messages. */
static const char *found(const struct parser *ps, const unsigned char *at,
			 char *buf, size_t size)
{
	if (at >= ps->end)
		return "the end of the input";
	if (*at == '/')
		return "'/' (JSON has no comments)";
	if (*at == '\'')
		return "a single quote (JSON strings take double quotes)";
	if (*at > 0x20 && *at < 0x7f)
		snprintf(buf, size, "'%c'", *at);
	else
		snprintf(buf, size, "byte 0x%02x", *at);
	return buf;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		unsigned char c = *ps->p;

		if (c == '\n') {
			ps->line++;
			ps->line_start = ps->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		ps->p++;
	}
}

static int hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		unsigned char c = s[k];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10U;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10U;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* The \uXXXX escape at s (s[0] is the backslash, q the string's end),
 * and its low half when it is a high surrogate: the code point in *cp and
 * the bytes taken in *used. */
static int unicode_escape(struct parser *ps, const unsigned char *s,
			  const unsigned char *q, unsigned *cp, size_t *used)
{
	unsigned hi, lo;

	if (q - s < 6 || hex4(s + 2, &hi) < 0)
		return FAIL(ps, s, "\\u needs four hex digits");
	if (hi == 0)
		return FAIL(ps, s, "\\u0000 in a string (strings here cannot hold NUL)");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return FAIL(ps, s, "low surrogate \\u%04X without a high surrogate before it", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = hi;
		*used = 6;
		return 0;
	}
	if (q - s < 12 || s[6] != '\\' || s[7] != 'u' || hex4(s + 8, &lo) < 0 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return FAIL(ps, s, "high surrogate \\u%04X not followed by a low surrogate escape", hi);
	*cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	*used = 12;
	return 0;
}

/* The string whose opening quote is at ps->p, decoded into a malloc'd
 * NUL-terminated *out. Leaves ps->p after the closing quote. */
static int parse_string(struct parser *ps, char **out, size_t *outlen)
{
	const unsigned char *open = ps->p, *s = ps->p + 1, *q;
	char *buf, *o;

	*out = NULL;
	*outlen = 0;
	/* Find the end first: the decoded text is never longer than the
	 * escaped, so one allocation fits it. Errors before the end are
	 * reported where they are, by the loop below. */
	for (q = s; q < ps->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	buf = malloc((size_t)(q - s) + 1);
	if (!buf) {
		FAIL(ps, open, "out of memory reading a string");
		return -1;
	}
	o = buf;
	while (s < q) {
		unsigned char c = *s;
		size_t n;

		if (c >= 0x20 && c != '\\' && c < 0x80) {
			*o++ = (char)c;
			s++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_seq_len(s, (size_t)(q - s));
			if (n == 0) {
				FAIL(ps, s, "invalid UTF-8 in a string");
				goto bad;
			}
			memcpy(o, s, n);
			o += n;
			s += n;
			continue;
		}
		if (c < 0x20) {
			FAIL(ps, s, "raw control character 0x%02x in a string (write it as an escape)", c);
			goto bad;
		}
		if (q - s < 2) {
			FAIL(ps, s, "unfinished escape in a string");
			goto bad;
		}
		switch (s[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp = 0;
			size_t used = 0;

			if (unicode_escape(ps, s, q, &cp, &used) < 0)
				goto bad;
			o += utf8_encode(cp, o);
			s += used;
			continue;
		}
		default:
			if (s[1] > 0x20 && s[1] < 0x7f)
				FAIL(ps, s, "invalid escape '\\%c' in a string", s[1]);
			else
				FAIL(ps, s, "invalid escape in a string");
			goto bad;
		}
		s += 2;
	}
	if (q == ps->end) {
		FAIL(ps, open, "string never closed");
		goto bad;
	}
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	ps->p = q + 1;
	return 0;
bad:
	free(buf);
	return -1;
}

static int is_digit(const struct parser *ps, const unsigned char *at)
{
	return at < ps->end && *at >= '0' && *at <= '9';
}

static int parse_number(struct parser *ps, struct jv *v)
{
	const unsigned char *start = ps->p, *p = ps->p;
	char small[64], *lex = small, *endp;
	int integral = 1, rc = 0;
	size_t len;

	if (*p == '-')
		p++;
	if (!is_digit(ps, p))
		return FAIL(ps, p, "expected a digit after '-'");
	if (*p == '0') {
		p++;
		if (is_digit(ps, p))
			return FAIL(ps, start, "leading zero in a number");
	} else {
		while (is_digit(ps, p))
			p++;
	}
	if (p < ps->end && *p == '.') {
		integral = 0;
		p++;
		if (!is_digit(ps, p))
			return FAIL(ps, p, "expected a digit after the decimal point");
		while (is_digit(ps, p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		integral = 0;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(ps, p))
			return FAIL(ps, p, "expected a digit in the exponent");
		while (is_digit(ps, p))
			p++;
	}
	/* strtod and strtoll want a NUL-terminated copy. */
	len = (size_t)(p - start);
	if (len >= sizeof small) {
		lex = malloc(len + 1);
		if (!lex)
			return FAIL(ps, start, "out of memory reading a number");
	}
	memcpy(lex, start, len);
	lex[len] = '\0';
	v->type = JV_NUMBER;
	v->num = strtod(lex, &endp);
	if (isinf(v->num)) {
		/* Callers compare numbers; an infinity is a guess. */
		rc = FAIL(ps, start, "number out of range");
	} else if (integral) {
		long long i;

		errno = 0;
		i = strtoll(lex, &endp, 10);
		if (errno != ERANGE) {
			v->is_int = 1;
			v->i = i;
		}
	}
	if (lex != small)
		free(lex);
	ps->p = p;
	return rc;
}

static int parse_literal(struct parser *ps, struct jv *v, const char *word,
			 enum jv_type type, int b)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return FAIL(ps, ps->p, "invalid literal (expected %s)", word);
	v->type = type;
	v->b = b;
	ps->p += n;
	return 0;
}

/* Room for one more member: capacities double, so that a long array costs
 * O(n) copying in all. */
static int grow(struct jv *v, size_t *cap, int with_keys)
{
	size_t want = *cap ? *cap * 2 : 4;
	struct jv *items;

	if (v->n < *cap)
		return 0;
	if (want > SIZE_MAX / sizeof *items)
		return -1;
	items = realloc(v->items, want * sizeof *items);
	if (!items)
		return -1;
	v->items = items;
	if (with_keys) {
		char **keys = realloc(v->keys, want * sizeof *keys);

		if (!keys)
			return -1;
		v->keys = keys;
	}
	*cap = want;
	return 0;
}

/* A key for a one-line message: control characters as '?', cut at a
 * character boundary with "..." when longer than size allows. */
static void show_key(const char *key, size_t len, char *buf, size_t size)
{
	const unsigned char *k = (const unsigned char *)key;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_seq_len(k + i, len - i);

		if (n == 0)
			n = 1; /* cannot happen: keys are checked UTF-8 */
		if (o + n + 4 > size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, k + i, n);
		if (k[i] < 0x20 || k[i] == 0x7f)
			buf[o] = '?'; /* a one-byte character */
		o += n;
		i += n;
	}
	buf[o] = '\0';
}

static int parse_value(struct parser *ps, struct jv *v, unsigned depth);

/* The array at ps->p. v is valid for jv_free at every step: n counts only
 * members that are there. */
/* NOLINTNEXTLINE(misc-no-recursion): parse_value bounds the depth. */
static int parse_array(struct parser *ps, struct jv *v, unsigned depth)
{
	size_t cap = 0;

	v->type = JV_ARRAY;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		unsigned comma_line, comma_col;
		char what[40];

		if (grow(v, &cap, 0) < 0)
			return FAIL(ps, ps->p, "out of memory reading an array");
		memset(&v->items[v->n], 0, sizeof *v->items);
		v->n++;
		if (parse_value(ps, &v->items[v->n - 1], depth) < 0)
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (ps->p >= ps->end || *ps->p != ',')
			return FAIL(ps, ps->p, "expected ',' or ']' after an array element, found %s",
				    found(ps, ps->p, what, sizeof what));
		/* The comma's place, before whitespace moves the line on. */
		comma_line = ps->line;
		comma_col = col_of(ps, ps->p++);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ']')
			return fail_at(ps, comma_line, comma_col, "trailing comma before ']'");
	}
}

/* NOLINTNEXTLINE(misc-no-recursion): parse_value bounds the depth. */
static int parse_object(struct parser *ps, struct jv *v, unsigned depth)
{
	struct keyset ks = { NULL, 0 };
	size_t cap = 0;
	int rc = -1;

	v->type = JV_OBJECT;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		unsigned line = ps->line, col = col_of(ps, ps->p);
		unsigned comma_line, comma_col;
		char what[40], *key;
		size_t klen;
		int dup;

		if (ps->p >= ps->end || *ps->p != '"') {
			FAIL(ps, ps->p, "expected a key (a string), found %s",
			     found(ps, ps->p, what, sizeof what));
			goto out;
		}
		if (grow(v, &cap, 1) < 0) {
			FAIL(ps, ps->p, "out of memory reading an object");
			goto out;
		}
		if (parse_string(ps, &key, &klen) < 0)
			goto out;
		v->keys[v->n] = key;
		memset(&v->items[v->n], 0, sizeof *v->items);
		v->n++;
		dup = keyset_dup(&ks, v->keys, v->n - 1);
		if (dup != 0) {
			if (dup > 0) {
				char shown[48];

				show_key(key, klen, shown, sizeof shown);
				fail_at(ps, line, col, "duplicate key \"%s\"", shown);
			} else {
				fail_at(ps, line, col, "out of memory reading an object");
			}
			goto out;
		}
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			FAIL(ps, ps->p, "expected ':' after the key, found %s",
			     found(ps, ps->p, what, sizeof what));
			goto out;
		}
		ps->p++;
		skip_ws(ps);
		if (parse_value(ps, &v->items[v->n - 1], depth) < 0)
			goto out;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			rc = 0;
			goto out;
		}
		if (ps->p >= ps->end || *ps->p != ',') {
			FAIL(ps, ps->p, "expected ',' or '}' after a member, found %s",
			     found(ps, ps->p, what, sizeof what));
			goto out;
		}
		comma_line = ps->line;
		comma_col = col_of(ps, ps->p++);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '}') {
			fail_at(ps, comma_line, comma_col, "trailing comma before '}'");
			goto out;
		}
	}
out:
	free(ks.slot);
	return rc;
}

/* The value at ps->p (whitespace already skipped) into the zeroed v.
 * depth counts the arrays and objects around it. */
/* NOLINTNEXTLINE(misc-no-recursion): depth stops at JPARSE_MAX_DEPTH. */
static int parse_value(struct parser *ps, struct jv *v, unsigned depth)
{
	char what[40];

	v->line = ps->line;
	v->col = col_of(ps, ps->p);
	if (ps->p >= ps->end)
		return FAIL(ps, ps->p, "expected a value, found the end of the input");
	switch (*ps->p) {
	case '{':
	case '[':
		if (depth >= JPARSE_MAX_DEPTH)
			return FAIL(ps, ps->p, "nesting deeper than %d levels", JPARSE_MAX_DEPTH);
		if (*ps->p == '{')
			return parse_object(ps, v, depth + 1);
		return parse_array(ps, v, depth + 1);
	case '"':
		v->type = JV_STRING;
		return parse_string(ps, &v->str, &v->len);
	case 't':
		return parse_literal(ps, v, "true", JV_BOOL, 1);
	case 'f':
		return parse_literal(ps, v, "false", JV_BOOL, 0);
	case 'n':
		return parse_literal(ps, v, "null", JV_NULL, 0);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, v);
		return FAIL(ps, ps->p, "expected a value, found %s",
			    found(ps, ps->p, what, sizeof what));
	}
}

struct jv *jparse(const char *text, size_t len, struct jparse_err *err)
{
	struct jparse_err scratch;
	struct parser ps;
	struct jv *root;
	char what[40];

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof *err);
	if (!text) {
		text = ""; /* NULL + 0 is undefined */
		len = 0;
	}
	ps.p = (const unsigned char *)text;
	ps.end = ps.p + len;
	ps.line_start = ps.p;
	ps.line = 1;
	ps.err = err;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		fail_at(&ps, 1, 1, "byte order mark at the start (save the file as UTF-8 without one)");
		return NULL;
	}
	skip_ws(&ps);
	if (ps.p == ps.end) {
		FAIL(&ps, ps.p, "no JSON value: the document is empty");
		return NULL;
	}
	root = calloc(1, sizeof *root);
	if (!root) {
		FAIL(&ps, ps.p, "out of memory");
		return NULL;
	}
	if (parse_value(&ps, root, 0) < 0)
		goto bad;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		FAIL(&ps, ps.p, "unexpected %s after the document",
		     found(&ps, ps.p, what, sizeof what));
		goto bad;
	}
	return root;
bad:
	jv_free(root);
	return NULL;
}
