/* test_json_doc.c: the strict JSON parser and the printer, as tables: texts
 * that must come back exactly (or in a stated normal form), texts that must
 * be refused with a given message, and the pretty layout. */
#include "unit.h"

#include "json_doc.h"

/* Input, and its compact print. NULL: the same text. */
static const struct {
	const char *in, *out;
} round_trips[] = {
	/* Numbers keep their text: cJSON alone would print 1.5, 0, 1000 and
	 * 1.2345678901234568e+22. */
	{ "[1.50,-0,1E+3,12345678901234567890123]", NULL },
	{ "[0,-1,0.0e-0,-1.5e+10,1e5,9007199254740993]", NULL },
	{ "{\"memory\":1.0,\"cpu\":256}", NULL },
	/* Unicode passes through as UTF-8; escapes decode and print as UTF-8,
	 * except what JSON requires to be escaped. */
	{ "[\"\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80\"]", NULL },
	{ "[\"\\u00e9\\u2013\\ud83d\\ude00\"]",
	  "[\"\xc3\xa9\xe2\x80\x93\xf0\x9f\x98\x80\"]" },
	{ "[\"\\\"\\\\\\b\\f\\n\\r\\t\"]", NULL },
	{ "[\"a\\/b\"]", "[\"a/b\"]" },
	{ "[\"\\u0001\\u001f\\u0020\"]", "[\"\\u0001\\u001f \"]" },
	/* A backslash followed by the text u0000 is not an escaped NUL. */
	{ "[\"\\\\u0000\"]", NULL },
	/* Key order is the user's, not sorted. */
	{ "{\"z\":1,\"a\":2,\"m\":{\"b\":true,\"a\":false},\"k\":null}", NULL },
	/* Empty containers, at the top and nested. */
	{ "{}", NULL },
	{ "[]", NULL },
	{ "{\"a\":{},\"b\":[],\"c\":[{}, []]}", "{\"a\":{},\"b\":[],\"c\":[{},[]]}" },
	/* Scalars at the top, and white space around the value. */
	{ " \t\r\n\"x\" \n", "\"x\"" },
	{ "true", NULL },
	{ "null", NULL },
	{ "-12.5e-3", NULL },
	/* Keys are printed with the same escaping as values. */
	{ "{\"a\\\"b\\n\":\"c\"}", NULL },
};

/* Input (len -1: strlen), and a piece of the message it must be refused
 * with. Each message must also say which input it is about. */
static const struct {
	const char *in;
	int len;
	const char *why;
} rejections[] = {
	{ "{\"a\":1,\"a\":2}", -1, "has the key \"a\" twice in one object" },
	{ "{\"o\":{\"k\":1,\"b\":[],\"k\":2}}", -1, "twice in one object (in \"o\")" },
	{ "[\"\\u0000\"]", -1, "an escaped NUL (\\u0000) in a string" },
	{ "{\"a\\u0000b\":1}", -1, "an escaped NUL" },
	{ "[\"a\0b\"]", 7, "a NUL byte at line 1, column 4" },
	{ "[1]\0", 4, "a NUL byte" },
	{ "{} x", -1, "extra text after the JSON value at line 1, column 4" },
	{ "{}{}", -1, "extra text after the JSON value" },
	{ "[1]\n]", -1, "extra text after the JSON value at line 2, column 1" },
	/* Numbers cJSON would read leniently (strtod) are named as
	 * malformed; the others fail in cJSON first, at the column where
	 * it stopped, so that text which is not JSON at all says so. */
	{ "01", -1, "a malformed number at line 1, column 1" },
	{ "[01]", -1, "a malformed number at line 1, column 2" },
	{ "-01", -1, "a malformed number" },
	{ "[1,01]", -1, "a malformed number at line 1, column 4" },
	{ "1.", -1, "a malformed number" },
	{ "[1.]", -1, "a malformed number" },
	{ "[1.e5]", -1, "a malformed number" },
	{ ".5", -1, "unexpected text at line 1, column 1" },
	{ "[.5]", -1, "unexpected text at line 1, column 2" },
	{ "+1", -1, "unexpected text at line 1, column 1" },
	{ "[+1]", -1, "unexpected text" },
	{ "-", -1, "it ends too early" },
	{ "{\"a\":[1,2", -1, "it ends too early (is the file truncated?)" },
	{ "{\"a\":\"x\ty\"}", -1, "a raw control character in a string" },
	{ "[-]", -1, "unexpected text" },
	{ "1e", -1, "extra text after the JSON value at line 1, column 2" },
	{ "[1e]", -1, "unexpected text" },
	{ "[1e+]", -1, "unexpected text" },
	{ "[1E5.0]", -1, "unexpected text" },
	{ "[--1]", -1, "unexpected text" },
	{ "0x10", -1, "extra text after the JSON value" },
	{ "", -1, "it ends too early" },
	{ " \n ", -1, "it ends too early" },
	/* cJSON points at the last byte when input stops short, so these
	 * read "unexpected text" rather than "ends too early". */
	{ "{\"a\":[1,2", -1, "not valid JSON" },
	{ "\"abc", -1, "not valid JSON" },
	{ "[1,]", -1, "not valid JSON" },
	{ "{\"a\"}", -1, "not valid JSON" },
	{ "{a:1}", -1, "not valid JSON" },
	{ "[tru]", -1, "not valid JSON" },
	/* Bytes that are not UTF-8: the AWS CLI could not decode the file. */
	{ "[\"\xff\"]", -1, "bytes that are not UTF-8 in a string at line 1, column 3" },
	{ "[\"\xc0\xaf\"]", -1, "not UTF-8" },      /* overlong '/' */
	{ "[\"\xe0\x80\xaf\"]", -1, "not UTF-8" },  /* overlong '/' */
	{ "[\"\xed\xa0\x80\"]", -1, "not UTF-8" },  /* a UTF-16 surrogate */
	{ "[\"\xf4\x90\x80\x80\"]", -1, "not UTF-8" }, /* above U+10FFFF */
	{ "[\"\xe2\x82\"]", -1, "not UTF-8" },      /* cut short */
	{ "{\"\xfe\":1}", -1, "not UTF-8" },         /* in a key */
	{ "[\"\\ud800\"]", -1, "not valid JSON" },
	{ "[\"\\udc00\"]", -1, "not valid JSON" },
	{ "[\"\\x41\"]", -1, "not valid JSON" },
};

static int contains(const char *s, const char *piece)
{
	return strstr(s, piece) != NULL;
}

static cJSON *parse(const char *in, size_t len, struct fc_err *e)
{
	memset(e, 0, sizeof *e);
	return json_doc_parse(in, len, "the input", e);
}

static void test_round_trips(void)
{
	for (size_t i = 0; i < sizeof round_trips / sizeof *round_trips; i++) {
		const char *in = round_trips[i].in;
		const char *want = round_trips[i].out ? round_trips[i].out : in;
		struct fc_err e;
		cJSON *v = parse(in, strlen(in), &e);
		char what[256];

		snprintf(what, sizeof what, "round trip %s", in);
		if (!CHECK(v, "parses: %s", in)) {
			unit_diag("%s", e.msg);
			continue;
		}
		size_t len = 0;
		char *out = json_doc_print(v, 0, &len);

		unit_streq(out, want, what);
		CHECK(out && len == strlen(out), "print reports its length: %s", in);
		free(out);
		cJSON_Delete(v);
	}
}

static void test_rejections(void)
{
	for (size_t i = 0; i < sizeof rejections / sizeof *rejections; i++) {
		const char *in = rejections[i].in;
		size_t len = rejections[i].len < 0 ? strlen(in) :
						     (size_t)rejections[i].len;
		struct fc_err e;
		cJSON *v = parse(in, len, &e);

		CHECK(!v, "refuses %s", in);
		if (!CHECK(e.kind == FC_ERR_INPUT &&
			   (contains(e.msg, "the input is not valid JSON") ||
			    contains(e.msg, "the input has the key")),
			   "refusal names the input: %s", in) ||
		    !CHECK(contains(e.msg, rejections[i].why),
			   "refusal of %s says \"%s\"", in, rejections[i].why))
			unit_diag("message: %s", e.msg);
		cJSON_Delete(v);
	}
}

/* 64 levels are allowed (JSON_DOC_MAX_DEPTH), 65 are not, however they are
 * made of arrays and objects, and brackets inside strings do not count. */
static void test_depth(void)
{
	char deep[2 * 65 + 80];
	struct fc_err e;
	cJSON *v;

	for (int levels = 64; levels <= 65; levels++) {
		size_t n = 0;

		for (int i = 0; i < levels; i++)
			deep[n++] = '[';
		for (int i = 0; i < levels; i++)
			deep[n++] = ']';
		deep[n] = '\0';
		v = parse(deep, n, &e);
		if (levels == 64) {
			CHECK(v, "64 nested arrays are accepted");
		} else {
			if (!CHECK(!v && contains(e.msg, "nesting deeper than 64 levels"),
				   "65 nested arrays are refused as too deep"))
				unit_diag("message: %s", e.msg);
		}
		cJSON_Delete(v);
	}
	/* Objects and arrays alternating, 65 levels: {"":[{"":[... */
	char mixed[65 * 4 + 1];
	size_t n = 0;

	for (int i = 0; i < 65; i++) {
		const char *open = i % 2 ? "[" : "{\"\":";

		memcpy(mixed + n, open, strlen(open));
		n += strlen(open);
	}
	v = parse(mixed, n, &e);
	CHECK(!v && contains(e.msg, "nesting deeper than 64 levels"),
	      "65 levels of mixed objects and arrays are refused as too deep");
	cJSON_Delete(v);

	const char *bracket_string = "[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
				     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]";

	v = parse(bracket_string, strlen(bracket_string), &e);
	CHECK(v, "brackets inside a string are not nesting");
	cJSON_Delete(v);

	/* A huge depth must be refused early, not recurse in cJSON. */
	size_t huge = 100000;
	char *big = malloc(huge);

	if (big) {
		memset(big, '[', huge);
		v = parse(big, huge, &e);
		CHECK(!v && contains(e.msg, "nesting deeper than 64 levels"),
		      "100000 opening brackets are refused as too deep");
		cJSON_Delete(v);
		free(big);
	}
}

static void test_pretty(void)
{
	const char *in = "{\"a\":[1.0,{\"b\":null}],\"c\":{},\"d\":[],\"e\":\"x\"}";
	const char *want =
		"{\n"
		"    \"a\": [\n"
		"        1.0,\n"
		"        {\n"
		"            \"b\": null\n"
		"        }\n"
		"    ],\n"
		"    \"c\": {},\n"
		"    \"d\": [],\n"
		"    \"e\": \"x\"\n"
		"}\n";
	struct fc_err e;
	cJSON *v = parse(in, strlen(in), &e);
	char *pretty = json_doc_print(v, 1, NULL);
	char *compact = json_doc_print(v, 0, NULL);

	unit_streq(pretty, want, "pretty print: four-space indents, \": \", final newline");
	unit_streq(compact, in, "compact print: no spaces, no newline");
	free(pretty);
	free(compact);

	/* Pretty output parses back to the same compact text. */
	pretty = json_doc_print(v, 1, NULL);
	cJSON *again = pretty ? parse(pretty, strlen(pretty), &e) : NULL;

	compact = json_doc_print(again, 0, NULL);
	unit_streq(compact, in, "pretty output parses back to the same document");
	free(pretty);
	free(compact);
	cJSON_Delete(again);
	cJSON_Delete(v);

	v = cJSON_CreateArray();
	pretty = json_doc_print(v, 1, NULL);
	unit_streq(pretty, "[]\n", "pretty print of an empty array");
	free(pretty);
	cJSON_Delete(v);

	/* A number made by cJSON (not parsed) prints without losing bits. */
	v = cJSON_CreateNumber(0.1);
	compact = json_doc_print(v, 0, NULL);
	unit_streq(compact, "0.10000000000000001", "a cJSON-made number prints with %.17g");
	free(compact);
	cJSON_Delete(v);
}

static void test_put(void)
{
	const char *in = "{\"a\":1,\"b\":2,\"c\":3}";
	struct fc_err e;
	cJSON *v = parse(in, strlen(in), &e);
	char *out;

	CHECK(json_doc_put(v, "b", cJSON_CreateString("x")) == 0,
	      "json_doc_put replaces a member");
	CHECK(json_doc_put(v, "d", cJSON_CreateTrue()) == 0,
	      "json_doc_put appends a member");
	CHECK(json_doc_put(v, "e", NULL) == -1,
	      "json_doc_put fails on a NULL value (a failed allocation)");
	out = json_doc_print(v, 0, NULL);
	unit_streq(out, "{\"a\":1,\"b\":\"x\",\"c\":3,\"d\":true}",
		   "json_doc_put keeps the key order");
	free(out);
	cJSON_Delete(v);
}

static void test_string_array(void)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "[]", 1 }, { "[\"a\",\"\"]", 1 }, { "[\"a\",1]", 0 },
		{ "[null]", 0 }, { "[[\"a\"]]", 0 }, { "{}", 0 }, { "\"a\"", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fc_err e;
		cJSON *v = parse(cases[i].in, strlen(cases[i].in), &e);

		CHECK(json_doc_is_string_array(v) == cases[i].want,
		      "json_doc_is_string_array(%s) is %d", cases[i].in,
		      cases[i].want);
		cJSON_Delete(v);
	}
	CHECK(json_doc_is_string_array(NULL) == 0,
	      "json_doc_is_string_array(NULL) is 0");
}

int main(void)
{
	test_round_trips();
	test_rejections();
	test_depth();
	test_pretty();
	test_put();
	test_string_array();
	return unit_done();
}
