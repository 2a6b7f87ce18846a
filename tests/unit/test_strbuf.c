/* test_strbuf.c: the growable buffer under the JSON writers: it grows,
 * stays NUL-terminated, keeps NUL bytes, refuses to pass its limit, and
 * a failure latches until the buffer is taken. */
#include "unit.h"

#include "strbuf.h"

int main(void)
{
	struct strbuf b = { 0 };
	size_t len = 99;
	char *s;

	CHECK(strbuf_take(&b, &len) == NULL && len == 0, "an empty buffer takes as NULL");
	for (int i = 0; i < 1000; i++)
		strbuf_puts(&b, "abcdefghij");
	CHECK(!b.failed && b.len == 10000 && b.s[10000] == '\0' &&
	      strncmp(b.s + 9990, "abcdefghij", 10) == 0, "grows past its first size, NUL-terminated");
	strbuf_put(&b, "x\0y", 3);
	CHECK(b.len == 10003 && b.s[10001] == '\0' && b.s[10002] == 'y', "keeps NUL bytes");
	s = strbuf_take(&b, &len);
	CHECK(s && len == 10003 && !b.s && b.len == 0, "take hands the text over and empties it");
	free(s);

	b = (struct strbuf){ .max = 8 };
	strbuf_puts(&b, "1234567");
	CHECK(!b.failed && b.len == 7, "7 bytes and the NUL fit a limit of 8");
	strbuf_puts(&b, "8");
	CHECK(b.failed && b.len == 7, "an 8th byte does not");
	strbuf_puts(&b, "");
	CHECK(b.failed, "a failure latches");
	CHECK(strbuf_take(&b, &len) == NULL && len == 0 && !b.failed && !b.s,
	      "a failed buffer takes as NULL, and is reset");
	strbuf_puts(&b, "again");
	CHECK(!b.failed && strcmp(b.s, "again") == 0, "a reset buffer works again");
	strbuf_free(&b);
	CHECK(!b.s && b.len == 0, "free empties it");
	strbuf_put(&b, "x", (size_t)-1 / 2);
	CHECK(b.failed, "a length that would overflow fails instead");
	strbuf_free(&b);
	return unit_done();
}
