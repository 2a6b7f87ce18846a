/* shell_words.c: POSIX-shell quote removal and word splitting, without
 * expansions. Two passes over the same code, as in strv_json.c: count, then
 * fill one block of exactly the right size. */
#include "shell_words.h"

#include <stdlib.h>
#include <string.h>

struct split {
	const char *s;
	char **words;   /* NULL during the counting pass */
	char *data;
	size_t n, bytes;
	struct fc_err *e;
};

static void put(struct split *sp, char c)
{
	if (sp->data)
		sp->data[sp->bytes] = c;
	sp->bytes++;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int bad(struct split *sp, size_t at, const char *why)
{
	return fc_fail(sp->e, FC_ERR_INPUT, "at byte offset %zu: %s", at, why);
}

/* The word starting at s[*i]; leaves *i after it. */
static int word(struct split *sp, size_t *i)
{
	const char *s = sp->s;

	if (sp->words)
		sp->words[sp->n] = sp->data + sp->bytes;
	while (s[*i] && !is_blank(s[*i])) {
		size_t start = *i;

		switch (s[*i]) {
		case '\'':
			for (++*i; s[*i] && s[*i] != '\''; ++*i)
				put(sp, s[*i]);
			if (!s[*i])
				return bad(sp, start, "unterminated single quote");
			++*i;
			break;
		case '"':
			for (++*i; s[*i] && s[*i] != '"'; ++*i) {
				if (s[*i] == '\\' && s[*i + 1] &&
				    strchr("\"\\$`\n", s[*i + 1])) {
					++*i;
					if (s[*i] == '\n')
						continue;
				}
				put(sp, s[*i]);
			}
			if (!s[*i])
				return bad(sp, start, "unterminated double quote");
			++*i;
			break;
		case '\\':
			if (!s[*i + 1])
				return bad(sp, start, "a backslash at the end escapes nothing");
			if (s[*i + 1] != '\n')
				put(sp, s[*i + 1]);
			*i += 2;
			break;
		default:
			put(sp, s[*i]);
			++*i;
		}
	}
	put(sp, '\0');
	sp->n++;
	return 0;
}

/* A backslash-newline between words is a line continuation, not a word. */
static void skip_blanks(const char *s, size_t *i)
{
	for (;;) {
		if (is_blank(s[*i]))
			++*i;
		else if (s[*i] == '\\' && s[*i + 1] == '\n')
			*i += 2;
		else
			return;
	}
}

static int pass(struct split *sp)
{
	size_t i = 0;

	for (;;) {
		skip_blanks(sp->s, &i);
		if (!sp->s[i])
			return 0;
		if (word(sp, &i) < 0)
			return -1;
	}
}

int shell_words_split(const char *s, char ***out, size_t *count,
		      struct fc_err *e)
{
	struct split sp = { .s = s, .e = e };
	size_t ptrs, total;
	char **block;

	if (pass(&sp) < 0)
		return -1;
	if (__builtin_add_overflow(sp.n, 1, &ptrs) ||
	    __builtin_mul_overflow(ptrs, sizeof(char *), &ptrs) ||
	    __builtin_add_overflow(ptrs, sp.bytes, &total) ||
	    !(block = malloc(total ? total : 1)))
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for %zu words", sp.n);
	sp.words = block;
	sp.data = (char *)block + ptrs;
	sp.n = 0;
	sp.bytes = 0;
	if (pass(&sp) < 0) {
		free(block);
		return -1;
	}
	block[sp.n] = NULL;
	*out = block;
	*count = sp.n;
	return 0;
}
