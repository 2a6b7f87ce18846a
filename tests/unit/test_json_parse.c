/* test_json_parse.c: the sensor's strict JSON reader (json_parse.c) as
 * golden tables: text in, then a canonical print of the tree, or the
 * refusal's message with its line and column. Then numbers, positions,
 * depth, big documents, jv_get and the sensor's real documents. */
#include "unit.h"

#include <limits.h>
#include <math.h>

#include "json_parse.h"

/* A row's text and its length; the length lets a row hold NUL bytes. */
#define T(s) s, sizeof(s) - 1

/* Every input is parsed from a heap copy of exactly its length, so that
 * ASan sees any read past the end (the text need not be NUL-terminated). */
static struct jv *parse_exact(const char *text, size_t len, struct jparse_err *e)
{
	char *copy = malloc(len ? len : 1);
	struct jv *v;

	if (!copy)
		abort();
	memcpy(copy, text, len);
	v = jparse(copy, len, e);
	free(copy);
	return v;
}

/* The test's own compact print: strings with only '"', '\\' and control
 * characters escaped (so UTF-8 shows as it is), integers as integers and
 * other numbers with %.15g and always a '.' or an exponent. */
struct out {
	char buf[8192];
	size_t len;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n > sizeof o->buf - 1 - o->len)
		n = sizeof o->buf - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void emit_str(struct out *o, const char *s, size_t n)
{
	emit(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			emit(o, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			emit(o, esc, 6);
		} else {
			emit(o, s + i, 1);
		}
	}
	emit(o, "\"", 1);
}

/* NOLINTNEXTLINE(misc-no-recursion): trees are at most 32 deep. */
static void canon(struct out *o, const struct jv *v)
{
	char num[40];

	switch (v->type) {
	case JV_NULL:
		emit(o, "null", 4);
		break;
	case JV_BOOL:
		emit(o, v->b ? "true" : "false", v->b ? 4 : 5);
		break;
	case JV_NUMBER:
		if (v->is_int) {
			snprintf(num, sizeof num, "%lld", v->i);
		} else {
			int n = snprintf(num, sizeof num, "%.15g", v->num);

			if (!strpbrk(num, ".e"))
				snprintf(num + n, sizeof num - (size_t)n, ".0");
		}
		emit(o, num, strlen(num));
		break;
	case JV_STRING:
		emit_str(o, v->str, v->len);
		break;
	case JV_ARRAY:
	case JV_OBJECT:
		emit(o, v->type == JV_ARRAY ? "[" : "{", 1);
		for (size_t k = 0; k < v->n; k++) {
			if (k)
				emit(o, ",", 1);
			if (v->type == JV_OBJECT) {
				emit_str(o, v->keys[k], strlen(v->keys[k]));
				emit(o, ":", 1);
			}
			canon(o, &v->items[k]);
		}
		emit(o, v->type == JV_ARRAY ? "]" : "}", 1);
		break;
	}
}

static const char *print(const struct jv *v)
{
	static struct out o;

	o.len = 0;
	o.buf[0] = '\0';
	canon(&o, v);
	return o.buf;
}

static const struct {
	const char *in;
	size_t n;
	const char *want;
} accepted[] = {
	{ T("null"), "null" },
	{ T("true"), "true" },
	{ T("false"), "false" },
	{ T(" \t\r\n true \r\n\t "), "true" },
	{ T("0"), "0" },
	{ T("-7"), "-7" },
	{ T("\"\""), "\"\"" },
	{ T("[]"), "[]" },
	{ T("{}"), "{}" },
	{ T("[ \n ]"), "[]" },
	{ T("{ \n }"), "{}" },
	{ T("[1,\"a\",null,true,false,{},[]]"), "[1,\"a\",null,true,false,{},[]]" },
	{ T("{ \"a\" : { \"b\" : [ 1 , { \"c\" : null } ] } }"),
	  "{\"a\":{\"b\":[1,{\"c\":null}]}}" },
	{ T("[[[[]]],[[]]]"), "[[[[]]],[[]]]" },
	/* Order is kept; the same key in different objects is fine. */
	{ T("{\"z\":1,\"a\":{\"z\":2},\"m\":[{\"z\":3},{\"z\":4}]}"),
	  "{\"z\":1,\"a\":{\"z\":2},\"m\":[{\"z\":3},{\"z\":4}]}" },
	{ T("[1.5,-2,1e2,1E+2,1e-2,0.0,-0.0,2.5E-1]"),
	  "[1.5,-2,100.0,100.0,0.01,0.0,-0.0,0.25]" },
	/* The simple escapes. */
	{ T("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""),
	  "\"\\\"\\\\/\\u0008\\u000c\\u000a\\u000d\\u0009\"" },
	/* \u escapes become UTF-8, either case of hex. */
	{ T("\"\\u0041\\u0062\""), "\"Ab\"" },
	{ T("\"\\u0001\\u001f\""), "\"\\u0001\\u001f\"" },
	{ T("\"\\u007f\""), "\"\x7f\"" },
	{ T("\"caf\\u00e9 caf\\u00E9\""), "\"caf\xc3\xa9 caf\xc3\xa9\"" },
	{ T("\"\\u07FF\\u0800\""), "\"\xdf\xbf\xe0\xa0\x80\"" },
	{ T("\"\\u20AC\""), "\"\xe2\x82\xac\"" },
	{ T("\"\\uFFFF\\uFFFE\""), "\"\xef\xbf\xbf\xef\xbf\xbe\"" },
	{ T("\"\\uD7FF\\uE000\""), "\"\xed\x9f\xbf\xee\x80\x80\"" },
	/* Surrogate pairs: the first, one in the middle, the last. */
	{ T("\"\\uD800\\uDC00\""), "\"\xf0\x90\x80\x80\"" },
	{ T("\"\\ud83d\\udca9!\""), "\"\xf0\x9f\x92\xa9!\"" },
	{ T("\"\\uDBFF\\uDFFF\""), "\"\xf4\x8f\xbf\xbf\"" },
	/* Raw UTF-8 passes as it is: 2, 3 and 4 bytes, the largest code
	 * point, and DEL, which JSON does not make anyone escape. */
	{ T("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa9\""), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa9\"" },
	{ T("\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\""), "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\"" },
	{ T("\"a\x7f" "b\""), "\"a\x7f" "b\"" },
	/* Keys: any valid UTF-8, escapes decoded, empty allowed. */
	{ T("{\"\\u00e9t\\u00e9\":1,\"\xe2\x82\xac\":2,\"\":3,\"a\\nb\":4}"),
	  "{\"\xc3\xa9t\xc3\xa9\":1,\"\xe2\x82\xac\":2,\"\":3,\"a\\u000ab\":4}" },
	/* Keys that differ only in case or by a byte are different keys. */
	{ T("{\"id\":1,\"ID\":2,\"id \":3,\"i\":4}"), "{\"id\":1,\"ID\":2,\"id \":3,\"i\":4}" },
};

static void test_accepted(void)
{
	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
		struct jparse_err e = { 0 };
		struct jv *v = parse_exact(accepted[i].in, accepted[i].n, &e);
		char what[80];

		snprintf(what, sizeof what, "accepted row %zu: %s", i, accepted[i].want);
		if (!v) {
			CHECK(0, "%s", what);
			unit_diag("refused: %s", e.msg);
			continue;
		}
		unit_streq(print(v), accepted[i].want, what);
		jv_free(v);
	}
}

static const struct {
	const char *in;
	size_t n;
	const char *want;      /* a substring of the message */
	unsigned line, col;
} refused[] = {
	/* Nothing there. */
	{ T(""), "no JSON value: the document is empty", 1, 1 },
	{ T("  \n\t "), "the document is empty", 2, 3 },
	{ T("\xef\xbb\xbf{}"), "byte order mark", 1, 1 },
	/* Duplicate keys, also when spelt differently. */
	{ T("{\"a\":1,\"a\":2}"), "duplicate key \"a\"", 1, 8 },
	{ T("{\n  \"id\": 1,\n  \"x\": {\"id\": 2},\n  \"id\": 3\n}"), "duplicate key \"id\"", 4, 3 },
	{ T("{\"a\":1,\"\\u0061\":2}"), "duplicate key \"a\"", 1, 8 },
	{ T("{\"\xc3\xa9\":1,\"\\u00e9\":2}"), "duplicate key \"\xc3\xa9\"", 1, 9 },
	{ T("{\"x\":{\"k\":1,\"b\":2,\"k\":3}}"), "duplicate key \"k\"", 1, 19 },
	{ T("{\"a\\nb\":1,\"a\\nb\":2}"), "duplicate key \"a?b\"", 1, 11 },
	{ T("{\r\n\"a\":1,\r\n\"a\":2}"), "duplicate key", 3, 1 },
	/* Invalid UTF-8, in strings, keys and outside them. */
	{ T("{\"name\": \"x\xff\"}"), "invalid UTF-8 in a string", 1, 12 },
	{ T("[\"ab\xc0\xaf\"]"), "invalid UTF-8", 1, 5 },         /* overlong '/' */
	{ T("\"\xc1\xbf\""), "invalid UTF-8", 1, 2 },             /* overlong */
	{ T("\"\xe0\x80\xaf\""), "invalid UTF-8", 1, 2 },         /* overlong */
	{ T("\"\xf0\x8f\xbf\xbf\""), "invalid UTF-8", 1, 2 },     /* overlong */
	{ T("\"\xed\xa0\x80\""), "invalid UTF-8", 1, 2 },         /* U+D800 */
	{ T("\"\xed\xbf\xbf\""), "invalid UTF-8", 1, 2 },         /* U+DFFF */
	{ T("\"\xf4\x90\x80\x80\""), "invalid UTF-8", 1, 2 },     /* U+110000 */
	{ T("\"\xf5\x80\x80\x80\""), "invalid UTF-8", 1, 2 },
	{ T("\"\xfe\xff\""), "invalid UTF-8", 1, 2 },
	{ T("\"a\x80\""), "invalid UTF-8", 1, 3 },                /* lone continuation */
	{ T("\"\xe2\x82\""), "invalid UTF-8", 1, 2 },             /* cut by the quote */
	{ T("\"\xf0\x9f\x92"), "invalid UTF-8", 1, 2 },           /* cut by the end */
	{ T("\"\xc3x\""), "invalid UTF-8", 1, 2 },
	{ T("{\"\xc3\":1}"), "invalid UTF-8 in a string", 1, 3 },
	{ T("\xff"), "expected a value, found byte 0xff", 1, 1 },
	/* Raw control characters in strings. */
	{ T("\"a\x01\""), "raw control character 0x01 in a string", 1, 3 },
	{ T("\"a\nb\""), "raw control character 0x0a", 1, 3 },
	{ T("\"\t\""), "raw control character 0x09", 1, 2 },
	{ T("\"\x1f\""), "raw control character 0x1f", 1, 2 },
	{ T("\"a\0b\""), "raw control character 0x00", 1, 3 },
	{ T("{\"k\x0d\":1}"), "raw control character 0x0d", 1, 4 },
	/* \u0000: values and keys are C strings. */
	{ T("\"a\\u0000\""), "\\u0000 in a string", 1, 3 },
	{ T("{\"\\u0000\":1}"), "\\u0000 in a string", 1, 3 },
	{ T("{\"ok\":1,\"x\\u0000y\":2}"), "\\u0000", 1, 11 },
	/* Surrogate escapes that do not pair. */
	{ T("\"\\uD800\""), "high surrogate \\uD800 not followed by a low surrogate", 1, 2 },
	{ T("\"x\\ud83d\""), "high surrogate \\uD83D", 1, 3 },
	{ T("\"\\uDC00\""), "low surrogate \\uDC00 without a high surrogate", 1, 2 },
	{ T("\"\\uDFFF\""), "low surrogate \\uDFFF", 1, 2 },
	{ T("\"\\uD800\\u0041\""), "high surrogate", 1, 2 },
	{ T("\"\\uD800\\uD800\""), "high surrogate", 1, 2 },
	{ T("\"\\uDBFF\\uE000\""), "high surrogate \\uDBFF", 1, 2 },
	{ T("\"\\uD800\\uFFFF\""), "high surrogate", 1, 2 },
	{ T("\"\\uD800\\uDBFF\""), "high surrogate", 1, 2 },
	{ T("\"\\uDC00\\uD800\""), "low surrogate", 1, 2 },
	{ T("\"\\uD800x\\uDC00\""), "high surrogate", 1, 2 },
	{ T("\"\\uD800\\n\""), "high surrogate", 1, 2 },
	{ T("\"\\uD800\\uDC0\""), "high surrogate", 1, 2 },
	{ T("\"\\uD800"), "high surrogate", 1, 2 },
	{ T("\"ok\\uD83D\\uDCA9\\uDCA9\""), "low surrogate", 1, 16 },
	/* Other escapes. */
	{ T("\"\\x41\""), "invalid escape '\\x' in a string", 1, 2 },
	{ T("\"\\U0041\""), "invalid escape '\\U'", 1, 2 },
	{ T("\"\\'\""), "invalid escape '\\''", 1, 2 },
	{ T("\"\\\x01\""), "invalid escape in a string", 1, 2 },
	{ T("\"\\u12\""), "\\u needs four hex digits", 1, 2 },
	{ T("\"\\u12G4\""), "\\u needs four hex digits", 1, 2 },
	{ T("\"\\u-123\""), "\\u needs four hex digits", 1, 2 },
	{ T("\"abc\\"), "unfinished escape", 1, 5 },
	/* Escapes cut by the end of the input: nothing past it is read. */
	{ T("\"\\u12"), "\\u needs four hex digits", 1, 2 },
	{ T("\"\\uD83D\\uDCA"), "high surrogate", 1, 2 },
	/* Strings that do not end. */
	{ T("\"abc"), "string never closed", 1, 1 },
	{ T("[1, \"abc\\\"]"), "string never closed", 1, 5 },
	{ T("{\"a"), "string never closed", 1, 2 },
	/* Numbers RFC 8259 does not allow, and one that does not fit. */
	{ T("01"), "leading zero in a number", 1, 1 },
	{ T("-01"), "leading zero", 1, 1 },
	{ T("[00]"), "leading zero", 1, 2 },
	{ T("+1"), "expected a value, found '+'", 1, 1 },
	{ T(".5"), "expected a value, found '.'", 1, 1 },
	{ T("1."), "expected a digit after the decimal point", 1, 3 },
	{ T("1.e5"), "expected a digit after the decimal point", 1, 3 },
	{ T("[1.]"), "expected a digit after the decimal point", 1, 4 },
	{ T("1e"), "expected a digit in the exponent", 1, 3 },
	{ T("1e+"), "expected a digit in the exponent", 1, 4 },
	{ T("1E-x"), "expected a digit in the exponent", 1, 4 },
	{ T("-"), "expected a digit after '-'", 1, 2 },
	{ T("- 1"), "expected a digit after '-'", 1, 2 },
	{ T("NaN"), "expected a value, found 'N'", 1, 1 },
	{ T("nan"), "invalid literal (expected null)", 1, 1 },
	{ T("Infinity"), "expected a value, found 'I'", 1, 1 },
	{ T("-Infinity"), "expected a digit after '-'", 1, 2 },
	{ T("[1e400]"), "number out of range", 1, 2 },
	{ T("-1e400"), "number out of range", 1, 1 },
	{ T("0x10"), "unexpected 'x' after the document", 1, 2 },
	{ T("1_000"), "unexpected '_' after the document", 1, 2 },
	{ T("1.5.3"), "unexpected '.' after the document", 1, 4 },
	/* Trailing and missing commas. */
	{ T("[1,]"), "trailing comma before ']'", 1, 3 },
	{ T("[1 , \n ]"), "trailing comma before ']'", 1, 4 },
	{ T("{\"a\":1,}"), "trailing comma before '}'", 1, 7 },
	{ T("[,1]"), "expected a value, found ','", 1, 2 },
	{ T("[1,,2]"), "expected a value, found ','", 1, 4 },
	{ T("{,}"), "expected a key (a string), found ','", 1, 2 },
	{ T("[1 2]"), "expected ',' or ']' after an array element, found '2'", 1, 4 },
	{ T("{\"a\":1 \"b\":2}"), "expected ',' or '}' after a member, found '\"'", 1, 8 },
	{ T("{\n  \"a\": [1,\n        2,,\n  ]\n}"), "expected a value, found ','", 3, 11 },
	/* Comments. */
	{ T("// c\n1"), "'/' (JSON has no comments)", 1, 1 },
	{ T("[1 /* c */]"), "JSON has no comments", 1, 4 },
	{ T("{\"a\":1}\n# c"), "unexpected '#' after the document", 2, 1 },
	/* Trailing bytes. */
	{ T("{} x"), "unexpected 'x' after the document", 1, 4 },
	{ T("[]]"), "unexpected ']' after the document", 1, 3 },
	{ T("1 2"), "unexpected '2'", 1, 3 },
	{ T("null\0"), "unexpected byte 0x00 after the document", 1, 5 },
	{ T("{}\n\n  {}"), "unexpected '{' after the document", 3, 3 },
	{ T("truex"), "unexpected 'x'", 1, 5 },
	/* Broken structure and words. */
	{ T("["), "expected a value, found the end of the input", 1, 2 },
	{ T("[1"), "expected ',' or ']' after an array element, found the end of the input", 1, 3 },
	{ T("{"), "expected a key (a string), found the end of the input", 1, 2 },
	{ T("{\"a\""), "expected ':' after the key, found the end of the input", 1, 5 },
	{ T("{\"a\" 1}"), "expected ':' after the key, found '1'", 1, 6 },
	{ T("{\"a\":}"), "expected a value, found '}'", 1, 6 },
	{ T("{\"a\":1"), "expected ',' or '}' after a member, found the end", 1, 7 },
	{ T("{1:2}"), "expected a key (a string), found '1'", 1, 2 },
	{ T("{a:1}"), "expected a key (a string), found 'a'", 1, 2 },
	{ T("{'a':1}"), "a single quote (JSON strings take double quotes)", 1, 2 },
	{ T("['a']"), "single quote", 1, 2 },
	{ T("]"), "expected a value, found ']'", 1, 1 },
	{ T("}"), "expected a value, found '}'", 1, 1 },
	{ T("[}"), "expected a value, found '}'", 1, 2 },
	{ T("{]"), "expected a key (a string), found ']'", 1, 2 },
	{ T("tru"), "invalid literal (expected true)", 1, 1 },
	{ T("fals"), "invalid literal (expected false)", 1, 1 },
	{ T("[nul]"), "invalid literal (expected null)", 1, 2 },
	{ T("TRUE"), "expected a value, found 'T'", 1, 1 },
	{ T("True"), "found 'T'", 1, 1 },
	{ T("[true false]"), "expected ',' or ']'", 1, 7 },
	{ T("undefined"), "found 'u'", 1, 1 },
	/* Only space, tab, CR and LF are whitespace. */
	{ T("\f1"), "expected a value, found byte 0x0c", 1, 1 },
	{ T("[\v1]"), "found byte 0x0b", 1, 2 },
	{ T("1\xc2\xa0"), "unexpected byte 0xc2 after the document", 1, 2 },
	{ T("\0"), "found byte 0x00", 1, 1 },
};

static void test_refused(void)
{
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		struct jparse_err e;
		struct jv *v;
		char prefix[64];
		int ok;

		memset(&e, 0x55, sizeof e);
		v = parse_exact(refused[i].in, refused[i].n, &e);
		snprintf(prefix, sizeof prefix, "line %u, column %u: ", refused[i].line,
			 refused[i].col);
		ok = !v && e.line == refused[i].line && e.col == refused[i].col &&
		     memchr(e.msg, '\0', sizeof e.msg) &&
		     strncmp(e.msg, prefix, strlen(prefix)) == 0 &&
		     strstr(e.msg, refused[i].want) && !strchr(e.msg, '\n');
		if (!CHECK(ok, "refused row %zu: %s%s", i, prefix, refused[i].want)) {
			if (v)
				unit_diag("accepted as %s", print(v));
			else
				unit_diag("got: %.*s (line %u, column %u)", (int)sizeof e.msg,
					  e.msg, e.line, e.col);
		}
		jv_free(v);
	}
}

/* The message in full, as RULES.md and the brief show it. */
static void test_messages(void)
{
	struct jparse_err e;
	struct jv *v;

	v = parse_exact(T("{\n  \"id\": 1,\n  \"a\": 2,\n  \"id\": 3\n}"), &e);
	CHECK(!v, "a duplicate key is refused");
	unit_streq(e.msg, "line 4, column 3: duplicate key \"id\"", "the duplicate key message");
	v = parse_exact(T("{\"name\": \"x\xff\"}"), &e);
	CHECK(!v, "invalid UTF-8 is refused");
	unit_streq(e.msg, "line 1, column 12: invalid UTF-8 in a string",
		   "the invalid UTF-8 message");

	/* A long key is cut at a character boundary to fit the message. */
	{
		char doc[1024];
		size_t n = 0;

		for (int twice = 0; twice < 2; twice++) {
			n += (size_t)snprintf(doc + n, sizeof doc - n, "%s\"", twice ? "," : "{");
			for (int k = 0; k < 100; k++)
				n += (size_t)snprintf(doc + n, sizeof doc - n, "\xe2\x82\xac");
			n += (size_t)snprintf(doc + n, sizeof doc - n, "\":1");
		}
		n += (size_t)snprintf(doc + n, sizeof doc - n, "}");
		v = parse_exact(doc, n, &e);
		CHECK(!v && strstr(e.msg, "duplicate key \"\xe2\x82\xac") &&
		      strstr(e.msg, "\xe2\x82\xac...\"") && strlen(e.msg) < sizeof e.msg,
		      "a long duplicate key is shown cut, whole characters only");
		unit_diag("%s", e.msg);
	}

	v = jparse(NULL, 0, &e);
	CHECK(!v && strstr(e.msg, "empty"), "NULL text of length 0 is an empty document");
	CHECK(jparse("[", 1, NULL) == NULL, "a NULL err is allowed");
	/* The length bounds the text: what follows it is not read. */
	v = jparse("[1]]]", 3, &e);
	CHECK(v && v->type == JV_ARRAY && v->n == 1, "only len bytes are parsed");
	jv_free(v);
	v = jparse("\"ab\"", 3, &e);
	CHECK(!v && strstr(e.msg, "never closed"), "a string cut by len is not closed");
	jv_free(NULL);
}

static const struct {
	const char *in;
	int is_int;
	long long i;
	double num;
} numbers[] = {
	{ "0", 1, 0, 0.0 },
	{ "-0", 1, 0, -0.0 },
	{ "7", 1, 7, 7.0 },
	{ "-123", 1, -123, -123.0 },
	{ "3072", 1, 3072, 3072.0 },
	{ "9007199254740993", 1, 9007199254740993LL, 9007199254740992.0 },
	{ "9223372036854775807", 1, LLONG_MAX, 9223372036854775807.0 },
	{ "-9223372036854775808", 1, LLONG_MIN, -9223372036854775808.0 },
	/* Integers beyond long long: numbers, but not is_int. */
	{ "9223372036854775808", 0, 0, 9223372036854775808.0 },
	{ "-9223372036854775809", 0, 0, -9223372036854775809.0 },
	{ "18446744073709551616", 0, 0, 18446744073709551616.0 },
	{ "123456789012345678901234567890", 0, 0, 123456789012345678901234567890.0 },
	/* A fraction or an exponent is never is_int, even when whole. */
	{ "1.0", 0, 0, 1.0 },
	{ "1e2", 0, 0, 100.0 },
	{ "1E2", 0, 0, 100.0 },
	{ "1e+2", 0, 0, 100.0 },
	{ "10e-1", 0, 0, 1.0 },
	{ "1e-2", 0, 0, 0.01 },
	{ "0.5", 0, 0, 0.5 },
	{ "-0.25", 0, 0, -0.25 },
	{ "0.1", 0, 0, 0.1 },
	{ "3.141592653589793", 0, 0, 3.141592653589793 },
	{ "1.7976931348623157e308", 0, 0, 1.7976931348623157e308 },
	{ "4.9e-324", 0, 0, 4.9e-324 },
	{ "2.2250738585072014E-308", 0, 0, 2.2250738585072014e-308 },
	/* Underflow is a tiny number, not an error. */
	{ "1e-400", 0, 0, 0.0 },
	{ "0e99999", 0, 0, 0.0 },
};

static void test_numbers(void)
{
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
		struct jparse_err e;
		struct jv *v = parse_exact(numbers[i].in, strlen(numbers[i].in), &e);
		int ok = v && v->type == JV_NUMBER && v->is_int == numbers[i].is_int &&
			 (!v->is_int || v->i == numbers[i].i) && v->num == numbers[i].num &&
			 !signbit(v->num) == !signbit(numbers[i].num);

		if (!CHECK(ok, "number %s: is_int %d, i %lld, num %.17g", numbers[i].in,
			   numbers[i].is_int, numbers[i].i, numbers[i].num)) {
			if (v)
				unit_diag("got type %s, is_int %d, i %lld, num %.17g",
					  jv_type_name(v->type), v->is_int, v->i, v->num);
			else
				unit_diag("refused: %s", e.msg);
		}
		jv_free(v);
	}

	/* Lexemes longer than the parser's stack copy. */
	{
		char big[400];
		struct jparse_err e;
		struct jv *v;

		memset(big, '0', sizeof big);
		big[0] = '1';
		v = parse_exact(big, 300, &e);
		CHECK(v && !v->is_int && v->num == 1e299, "a 300-digit integer is 1e299, not is_int");
		jv_free(v);
		big[0] = '0';
		big[1] = '.';
		big[299] = '5';
		v = parse_exact(big, 300, &e);
		CHECK(v && !v->is_int && v->num == 5e-298, "a 300-byte fraction");
		jv_free(v);
		big[0] = '0';
		big[1] = '0';
		v = parse_exact(big, 300, &e);
		CHECK(!v && e.col == 1 && strstr(e.msg, "leading zero"),
		      "a long run of zeros is a leading zero");
	}
}

/* Where values are: 1-based lines, columns counted in bytes (a tab is one,
 * a UTF-8 character its length). */
static void test_positions(void)
{
	static const char doc[] =
		"{\n"
		"  \"a\": 1,\n"
		"  \"b\": [true,\n"
		"        {\"c\": \"x\"}],\n"
		"\t\"d\": null,\n"
		"  \"\xc3\xa9\": -2.5,\r\n"
		"  \"e\": [[], [[{}]]]\n"
		"}\n";
	static const struct {
		const char *path;   /* member names and element indexes */
		unsigned line, col;
	} at[] = {
		{ "", 1, 1 },
		{ "a", 2, 8 },
		{ "b", 3, 8 },
		{ "b.0", 3, 9 },
		{ "b.1", 4, 9 },
		{ "b.1.c", 4, 15 },
		{ "d", 5, 7 },
		{ "\xc3\xa9", 6, 9 },
		{ "e", 7, 8 },
		{ "e.0", 7, 9 },
		{ "e.1", 7, 13 },
		{ "e.1.0", 7, 14 },
		{ "e.1.0.0", 7, 15 },
	};
	struct jparse_err e;
	struct jv *root = parse_exact(doc, sizeof doc - 1, &e);

	if (!CHECK(root != NULL, "the positions document parses")) {
		unit_diag("%s", e.msg);
		return;
	}
	for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
		char path[32], *save = NULL;
		const struct jv *v = root;

		snprintf(path, sizeof path, "%s", at[i].path);
		for (char *k = strtok_r(path, ".", &save); k && v; k = strtok_r(NULL, ".", &save)) {
			if (v->type == JV_ARRAY) {
				size_t idx = strtoul(k, NULL, 10);

				v = idx < v->n ? &v->items[idx] : NULL;
			} else {
				v = jv_get(v, k);
			}
		}
		if (!CHECK(v && v->line == at[i].line && v->col == at[i].col,
			   "the value at \"%s\" is at line %u, column %u", at[i].path,
			   at[i].line, at[i].col) && v)
			unit_diag("got line %u, column %u", v->line, v->col);
	}
	jv_free(root);
}

/* Nesting to the limit, and one past it, with arrays, objects and both. */
static char *nest(unsigned depth, const char *open, const char *close, const char *inner)
{
	size_t lo = strlen(open), lc = strlen(close), li = strlen(inner);
	char *s = malloc(depth * (lo + lc) + li + 1), *o = s;

	if (!s)
		abort();
	for (unsigned k = 0; k < depth; k++, o += lo)
		memcpy(o, open, lo);
	memcpy(o, inner, li);
	o += li;
	for (unsigned k = 0; k < depth; k++, o += lc)
		memcpy(o, close, lc);
	*o = '\0';
	return s;
}

static void test_depth(void)
{
	static const struct {
		const char *open, *close, *inner;
	} kinds[] = {
		{ "[", "]", "" },
		{ "[", "]", "1" },
		{ "{\"k\":", "}", "{}" },
		{ "[{\"k\":", "}]", "0" },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		/* Each level of the mixed kind is two levels deep. */
		unsigned per = strchr(kinds[i].open + 1, '{') ? 2 : 1;
		unsigned extra = kinds[i].inner[0] == '{' ? 1 : 0;
		unsigned at_limit = (JPARSE_MAX_DEPTH - extra) / per;
		struct jparse_err e;
		char *s = nest(at_limit, kinds[i].open, kinds[i].close, kinds[i].inner);
		struct jv *v = parse_exact(s, strlen(s), &e);
		const struct jv *w = v;
		unsigned levels = 0;

		if (!CHECK(v != NULL, "%s...%s nested to depth %d is accepted", kinds[i].open,
			   kinds[i].close, JPARSE_MAX_DEPTH))
			unit_diag("%s", e.msg);
		while (w && (w->type == JV_ARRAY || w->type == JV_OBJECT) && w->n) {
			levels++;
			w = &w->items[0];
		}
		if (w && (w->type == JV_ARRAY || w->type == JV_OBJECT))
			levels++;
		CHECK(v && levels == at_limit * per + extra, "and the tree has %u levels",
		      at_limit * per + extra);
		jv_free(v);
		free(s);

		s = nest(at_limit + 1, kinds[i].open, kinds[i].close, kinds[i].inner);
		v = parse_exact(s, strlen(s), &e);
		if (!CHECK(!v && strstr(e.msg, "nesting deeper than 32 levels") && e.line == 1,
			   "%s...%s one level deeper is refused", kinds[i].open, kinds[i].close))
			unit_diag("%s", v ? "accepted" : e.msg);
		jv_free(v);
		free(s);
	}

	/* Far too deep: refused where the limit is crossed, without recursing
	 * any further. */
	{
		size_t n = 1000000;
		char *s = malloc(n);
		struct jparse_err e;
		struct jv *v;

		if (!s)
			abort();
		memset(s, '[', n);
		v = parse_exact(s, n, &e);
		CHECK(!v && e.col == JPARSE_MAX_DEPTH + 1 && strstr(e.msg, "nesting deeper"),
		      "a million '[' are refused at column %d", JPARSE_MAX_DEPTH + 1);
		free(s);
	}
}

/* Big arrays and objects: growth, and duplicates found among many keys. */
static void test_big(void)
{
	size_t cap = 1 << 20, n = 0;
	char *s = malloc(cap);
	struct jparse_err e;
	struct jv *v;
	int all = 1;

	if (!s)
		abort();
	s[n++] = '[';
	for (int k = 0; k < 100000; k++)
		n += (size_t)snprintf(s + n, cap - n, "%s%d", k ? "," : "", k);
	s[n++] = ']';
	v = parse_exact(s, n, &e);
	CHECK(v && v->type == JV_ARRAY && v->n == 100000, "an array of 100000 numbers");
	for (size_t k = 0; v && k < v->n; k++)
		all &= v->items[k].is_int && v->items[k].i == (long long)k;
	CHECK(v && all, "and every element is in its place");
	jv_free(v);

	n = 0;
	s[n++] = '{';
	for (int k = 0; k < 5000; k++)
		n += (size_t)snprintf(s + n, cap - n, "%s\"key%d\":%d", k ? "," : "", k, k);
	s[n++] = '}';
	v = parse_exact(s, n, &e);
	all = v && v->type == JV_OBJECT && v->n == 5000;
	for (int k = 0; all && k < 5000; k++) {
		char key[16];
		const struct jv *m;

		snprintf(key, sizeof key, "key%d", k);
		m = jv_get(v, key);
		all = m && m->is_int && m->i == k;
	}
	CHECK(all, "an object of 5000 members, each found by jv_get");
	jv_free(v);

	/* The same with one key repeated, early, late and last. */
	static const int dups[] = { 0, 7, 8, 2500, 4999 };

	for (size_t d = 0; d < sizeof dups / sizeof *dups; d++) {
		size_t dup_at;

		n = 0;
		s[n++] = '{';
		for (int k = 0; k < 5000; k++)
			n += (size_t)snprintf(s + n, cap - n, "%s\"key%d\":%d", k ? "," : "", k, k);
		n += (size_t)snprintf(s + n, cap - n, ",");
		dup_at = n + 1;
		n += (size_t)snprintf(s + n, cap - n, "\"key%d\":0}", dups[d]);
		v = parse_exact(s, n, &e);
		if (!CHECK(!v && e.col == dup_at && strstr(e.msg, "duplicate key \"key"),
			   "key%d repeated after 5000 members is found, at column %zu", dups[d],
			   dup_at))
			unit_diag("%s", v ? "accepted" : e.msg);
		jv_free(v);
	}

	/* Failing midway through a big tree leaks nothing (LeakSanitizer
	 * checks at exit). */
	n = 0;
	s[n++] = '[';
	for (int k = 0; k < 2000; k++)
		n += (size_t)snprintf(s + n, cap - n, "{\"s\":\"str%d\",\"a\":[\"x\",{}]},", k);
	n += (size_t)snprintf(s + n, cap - n, "{\"s\":\"\\uD800\"}]");
	v = parse_exact(s, n, &e);
	CHECK(!v && strstr(e.msg, "high surrogate"), "an error after 2000 built objects");
	free(s);
}

static void test_get(void)
{
	struct jparse_err e;
	struct jv *v = parse_exact(T("{\"a\":1,\"b\":{\"c\":2},\"\":3,\"\xc3\xa9\":4,\"B\":5}"), &e);
	const struct jv *m;

	CHECK(v != NULL, "the jv_get document parses");
	if (!v)
		return;
	m = jv_get(v, "a");
	CHECK(m && m->is_int && m->i == 1, "jv_get finds a member");
	m = jv_get(v, "b");
	CHECK(m && m->type == JV_OBJECT && m == &v->items[1], "jv_get returns the member itself");
	CHECK(jv_get(v, "c") == NULL, "jv_get does not look into nested objects");
	m = jv_get(jv_get(v, "b"), "c");
	CHECK(m && m->i == 2, "jv_get on a nested object");
	CHECK(jv_get(v, "x") == NULL, "jv_get: a missing key is NULL");
	CHECK(jv_get(v, "A") == NULL && jv_get(v, "B") && jv_get(v, "B")->i == 5,
	      "jv_get is case-sensitive");
	m = jv_get(v, "");
	CHECK(m && m->i == 3, "jv_get finds the empty key");
	m = jv_get(v, "\xc3\xa9");
	CHECK(m && m->i == 4, "jv_get finds a UTF-8 key");
	CHECK(jv_get(v, NULL) == NULL, "jv_get with a NULL key is NULL");
	CHECK(jv_get(NULL, "a") == NULL, "jv_get on NULL is NULL");
	CHECK(jv_get(jv_get(v, "a"), "a") == NULL, "jv_get on a number is NULL");
	jv_free(v);
	v = parse_exact(T("[\"a\"]"), &e);
	CHECK(v && jv_get(v, "a") == NULL, "jv_get on an array is NULL");
	jv_free(v);

	unit_streq(jv_type_name(JV_NULL), "null", "jv_type_name null");
	unit_streq(jv_type_name(JV_BOOL), "boolean", "jv_type_name boolean");
	unit_streq(jv_type_name(JV_NUMBER), "number", "jv_type_name number");
	unit_streq(jv_type_name(JV_STRING), "string", "jv_type_name string");
	unit_streq(jv_type_name(JV_ARRAY), "array", "jv_type_name array");
	unit_streq(jv_type_name(JV_OBJECT), "object", "jv_type_name object");
}

/* The two documents the sensor reads: the built-in rules (from the source
 * tree; suites run from the repository's root) and a task metadata reply. */
static void test_real_documents(void)
{
	static const char task[] =
		"{\n"
		"    \"Cluster\": \"arn:aws:ecs:us-east-1:123456789012:cluster/prod\",\n"
		"    \"TaskARN\": \"arn:aws:ecs:us-east-1:123456789012:task/prod/0b69d5c0d8a44c8c9a35a4d2d3d8c1f0\",\n"
		"    \"Family\": \"web\",\n"
		"    \"Revision\": \"7\",\n"
		"    \"DesiredStatus\": \"RUNNING\",\n"
		"    \"Limits\": {\"CPU\": 0.25, \"Memory\": 512},\n"
		"    \"AvailabilityZone\": \"us-east-1a\",\n"
		"    \"LaunchType\": \"FARGATE\",\n"
		"    \"Containers\": [{\"Name\": \"app\", \"DockerId\": \"0b69d5c0d8a44c8c9a35a4d2d3d8c1f0-2531612879\",\n"
		"                    \"Labels\": {\"com.amazonaws.ecs.cluster\": \"prod\"},\n"
		"                    \"Networks\": [{\"NetworkMode\": \"awsvpc\", \"IPv4Addresses\": [\"10.0.1.23\"]}]}]\n"
		"}\n";
	struct jparse_err e;
	struct jv *v = parse_exact(task, sizeof task - 1, &e);
	const struct jv *m;
	FILE *f;

	if (CHECK(v != NULL, "a task metadata reply parses")) {
		m = jv_get(v, "Revision");
		CHECK(m && m->type == JV_STRING && strcmp(m->str, "7") == 0 && m->len == 1,
		      "task metadata: Revision is the string \"7\"");
		m = jv_get(jv_get(v, "Limits"), "CPU");
		CHECK(m && !m->is_int && m->num == 0.25, "task metadata: CPU 0.25");
		m = jv_get(jv_get(v, "Limits"), "Memory");
		CHECK(m && m->is_int && m->i == 512, "task metadata: Memory 512");
		m = jv_get(v, "Containers");
		m = m && m->n ? jv_get(&m->items[0], "Name") : NULL;
		CHECK(m && strcmp(m->str, "app") == 0 && m->line == 10 && m->col == 29,
		      "task metadata: the container's name, at line 10, column 29");
	} else {
		unit_diag("%s", e.msg);
	}
	jv_free(v);

	f = fopen("sensor-shim/rules_builtin.json", "rb");
	CHECK(f != NULL, "sensor-shim/rules_builtin.json opens (run from the repository root)");
	if (!f)
		return;
	{
		static char text[1 << 18];
		size_t n = fread(text, 1, sizeof text, f);
		const struct jv *rules;
		int ids = 1;

		fclose(f);
		v = parse_exact(text, n, &e);
		if (!CHECK(v != NULL, "rules_builtin.json parses")) {
			unit_diag("%s", e.msg);
			return;
		}
		rules = jv_get(v, "rules");
		for (size_t k = 0; rules && k < rules->n; k++) {
			m = jv_get(&rules->items[k], "id");
			ids &= m && m->type == JV_STRING && m->len > 0;
		}
		CHECK(rules && rules->type == JV_ARRAY && rules->n > 10 && ids,
		      "rules_builtin.json: a list of rules, each with an id");
		m = jv_get(v, "sensitive_paths");
		CHECK(m && m->type == JV_ARRAY && m->n > 0 && m->items[0].type == JV_STRING,
		      "rules_builtin.json: sensitive_paths is a list of strings");
		jv_free(v);
	}
}

int main(void)
{
	test_accepted();
	test_refused();
	test_messages();
	test_numbers();
	test_positions();
	test_depth();
	test_big();
	test_get();
	test_real_documents();
	return unit_done();
}
