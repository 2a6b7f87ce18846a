/* fuzz_falconctl_opts.c: libFuzzer target for reading FALCONCTL_OPTS (an
 * environment variable): the shell-like splitting, then the sorting into
 * understood and set-aside options. Words that come out, quoted again with
 * single quotes, must split back into the same words; options that parse
 * must be complete; a refusal always says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "falconctl_opts.h"
#include "shell_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each word in single quotes, a quote inside written as '\'' . */
static char *requote(char **w, size_t n)
{
	size_t cap = 1;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		cap += strlen(w[i]) * 4 + 3;
	out = p = malloc(cap);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		*p++ = '\'';
		for (const char *s = w[i]; *s; s++) {
			if (*s == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *s;
			}
		}
		*p++ = '\'';
		*p++ = ' ';
	}
	*p = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *again;
	struct fc_err e = { 0 };
	struct falconctl_opts o;
	char **w = NULL, **w2 = NULL;
	const char **known, **unknown;
	size_t n = 0, n2 = 0, nk, nu;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)falconctl_fail_mode_of_text(text);
	if (shell_words_split(text, &w, &n, &e) < 0) {
		if (e.kind != FC_ERR_INPUT || !e.msg[0] || w)
			abort();
		free(text);
		return 0;
	}
	if (w[n] != NULL)
		abort();
	again = requote(w, n);
	if (shell_words_split(again, &w2, &n2, &e) < 0 || n2 != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i], w2[i]) != 0)
			abort();
	known = calloc(n + 1, sizeof *known);
	unknown = calloc(n + 1, sizeof *unknown);
	if (!known || !unknown)
		abort();
	if (falconctl_opts_parse(w, n, &o, known, &nk, unknown, &nu, &e) == 0) {
		if (!o.cid || strlen(o.cid) != 35 || o.trace > FC_TRACE_DEBUG)
			abort();
	} else if (e.kind != FC_ERR_USAGE || !e.msg[0]) {
		abort();
	}
	if (nk + nu != n)
		abort();
	free(known);
	free(unknown);
	free(again);
	free(w);
	free(w2);
	free(text);
	return 0;
}
