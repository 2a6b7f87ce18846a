/* test_strv_json.c: the launcher's JSON-array-of-strings parser, as tables:
 * texts and the argv they must give, and texts that must be refused with a
 * given message and byte offset. */
#include "unit.h"

#include "strv_json.h"

#define MAXV 6

static const struct {
	const char *in;
	size_t n;
	const char *want[MAXV];
} accepted[] = {
	{ "[]", 0, { NULL } },
	{ " \t\r\n[ \n]\n ", 0, { NULL } },
	{ "[\"/bin/sh\",\"-c\",\"echo hi\"]", 3, { "/bin/sh", "-c", "echo hi" } },
	{ "[ \"a\" , \"b\" ]", 2, { "a", "b" } },
	{ "[\"\"]", 1, { "" } },
	{ "[\"\",\"\"]", 2, { "", "" } },
	/* Every escape JSON has. */
	{ "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 1, { "\"\\/\b\f\n\r\t" } },
	{ "[\"\\u0041\\u00e9\\u20ac\"]", 1, { "A\xc3\xa9\xe2\x82\xac" } },
	{ "[\"\\uD83D\\uDE00\"]", 1, { "\xf0\x9f\x98\x80" } },
	{ "[\"\\u007f\\u0001\"]", 1, { "\x7f\x01" } },
	/* Raw UTF-8 at every length, and the extremes Unicode allows. */
	{ "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 1, { "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" } },
	{ "[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"]", 1,
	  { "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf" } },
	/* What the patcher writes for an ordinary ENTRYPOINT (cJSON's printer). */
	{ "[\"docker-entrypoint.sh\",\"--config=/etc/app.yml\"]", 2,
	  { "docker-entrypoint.sh", "--config=/etc/app.yml" } },
	{ "[\"a\\\\u0000b\"]", 1, { "a\\u0000b" } },
};

static const struct {
	const char *in;
	const char *msg;
} refused[] = {
	{ "", "at byte offset 0: expected '['" },
	{ "   ", "at byte offset 3: expected '['" },
	{ "\"a\"", "at byte offset 0: expected '['" },
	{ "{\"a\":\"b\"}", "expected '['" },
	{ "null", "expected '['" },
	{ "[", "at byte offset 1: unterminated array" },
	{ "[\"a\"", "at byte offset 4: expected ',' or ']'" },
	{ "[\"a\",]", "at byte offset 5: expected a string" },
	{ "[,\"a\"]", "at byte offset 1: expected a string" },
	{ "[\"a\" \"b\"]", "expected ',' or ']'" },
	{ "[\"a\"]]", "at byte offset 5: unexpected text after the array" },
	{ "[\"a\"] x", "unexpected text after the array" },
	{ "[1]", "every element must be a string" },
	{ "[\"a\",null]", "at byte offset 5: expected a string" },
	{ "[[\"a\"]]", "every element must be a string" },
	{ "['a']", "every element must be a string" },
	{ "[\"abc", "at byte offset 1: unterminated string" },
	{ "[\"a\\", "unterminated string" },
	{ "[\"a\nb\"]", "at byte offset 3: a control character must be escaped" },
	{ "[\"\t\"]", "a control character must be escaped" },
	{ "[\"\\x41\"]", "at byte offset 2: unknown escape" },
	{ "[\"\\u12\"]", "\\u must be followed by four hex digits" },
	{ "[\"\\u12g4\"]", "\\u must be followed by four hex digits" },
	{ "[\"\\u0000\"]", "an argument cannot contain a NUL byte" },
	{ "[\"\\ud800\"]", "a high surrogate \\u escape not followed by a low one" },
	{ "[\"\\ud800\\u0041\"]", "not followed by a low one" },
	{ "[\"\\udc00\"]", "a low surrogate \\u escape without a high one" },
	/* Invalid UTF-8: a stray continuation, overlong forms, surrogates,
	 * beyond U+10FFFF, truncated sequences, bytes that never occur. */
	{ "[\"\x80\"]", "at byte offset 2: invalid UTF-8" },
	{ "[\"\xc0\xaf\"]", "invalid UTF-8" },
	{ "[\"\xc1\xbf\"]", "invalid UTF-8" },
	{ "[\"\xe0\x80\xaf\"]", "invalid UTF-8" },
	{ "[\"\xed\xa0\x80\"]", "invalid UTF-8" },
	{ "[\"\xf0\x80\x80\xaf\"]", "invalid UTF-8" },
	{ "[\"\xf4\x90\x80\x80\"]", "invalid UTF-8" },
	{ "[\"\xf5\x80\x80\x80\"]", "invalid UTF-8" },
	{ "[\"\xc3\"]", "invalid UTF-8" },
	{ "[\"\xe2\x82\"]", "invalid UTF-8" },
	{ "[\"\xff\"]", "invalid UTF-8" },
	{ "[\"\xe2\x82", "invalid UTF-8" },
};

static void test_accepted(void)
{
	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
		struct fc_err e = { 0 };
		char **v = NULL;
		size_t n = 99;
		int rc = strv_json_parse(accepted[i].in, strlen(accepted[i].in), &v, &n, &e);
		int good = rc == 0 && n == accepted[i].n && v && v[n] == NULL;

		for (size_t k = 0; good && k < n; k++)
			good = strcmp(v[k], accepted[i].want[k]) == 0;
		if (!CHECK(good, "accepts %zu: %s", i, accepted[i].in))
			unit_diag("rc %d, n %zu, error: %s", rc, n, e.msg);
		free(v);
	}
}

static void test_refused(void)
{
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		struct fc_err e = { 0 };
		char **v = (char **)&e; /* must stay untouched */
		size_t n = 99;
		int rc = strv_json_parse(refused[i].in, strlen(refused[i].in), &v, &n, &e);

		if (!CHECK(rc < 0 && e.kind == FC_ERR_INPUT && strstr(e.msg, refused[i].msg) &&
			   v == (char **)&e,
			   "refuses %zu (%s)", i, refused[i].msg))
			unit_diag("rc %d, message: %s", rc, e.msg);
	}
}

/* The length is the input's, not the C string's: a NUL inside is a byte
 * like any other control character, and bytes past len are not read. */
static void test_length(void)
{
	struct fc_err e = { 0 };
	char **v = NULL;
	size_t n = 0;
	static const char with_nul[] = "[\"a\0b\"]";

	CHECK(strv_json_parse(with_nul, sizeof with_nul - 1, &v, &n, &e) < 0 &&
	      strstr(e.msg, "a control character"), "a NUL byte inside a string is refused");
	CHECK(strv_json_parse("[\"x\"]garbage", 5, &v, &n, &e) == 0 && n == 1 &&
	      strcmp(v[0], "x") == 0, "only len bytes are read");
	free(v);
}

/* Many elements: the two passes agree on sizes. */
static void test_many(void)
{
	size_t count = 20000, len = 0;
	char *text = malloc(count * 8 + 3);
	struct fc_err e = { 0 };
	char **v = NULL;
	size_t n = 0;
	int good;

	text[len++] = '[';
	for (size_t i = 0; i < count; i++)
		len += (size_t)sprintf(text + len, "%s\"%zu\"", i ? "," : "", i % 1000);
	text[len++] = ']';
	good = strv_json_parse(text, len, &v, &n, &e) == 0 && n == count && !v[n] &&
	       strcmp(v[count - 1], "999") == 0;
	CHECK(good, "20000 elements");
	free(v);
	free(text);
}

int main(void)
{
	test_accepted();
	test_refused();
	test_length();
	test_many();
	return unit_done();
}
