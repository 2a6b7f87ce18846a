/* aws_ini.c: the AWS CLI's INI format (see aws_ini.h). */
#include "aws_ini.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims white space from both ends of [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
	while (*n && is_space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

static int same(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(p, s, n) == 0;
}

enum aws_ini_found aws_ini_get(const char *text, size_t len,
			       const char *section, const char *key,
			       const char **val, size_t *val_len)
{
	enum aws_ini_found found = AWS_INI_NO_SECTION;
	const char *end = text + len, *line = text;
	int in_section = 0;

	*val = NULL;
	*val_len = 0;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *next = nl ? nl + 1 : end;
		const char *p = line;
		size_t n = (size_t)((nl ? nl : end) - line);

		line = next;
		/* An indented line continues the previous value (a nested
		 * setting); nothing this program reads is nested. */
		if (n && is_space(*p))
			continue;
		trim(&p, &n);
		if (n == 0 || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			const char *close = memchr(p, ']', n);

			in_section = 0;
			if (!close)
				continue;
			const char *name = p + 1;
			size_t name_len = (size_t)(close - name);

			trim(&name, &name_len);
			if (same(name, name_len, section)) {
				in_section = 1;
				if (found == AWS_INI_NO_SECTION)
					found = AWS_INI_NO_KEY;
			}
			continue;
		}
		if (!in_section)
			continue;
		const char *eq = memchr(p, '=', n);

		if (!eq)
			continue;
		const char *k = p, *v = eq + 1;
		size_t k_len = (size_t)(eq - p), v_len = n - k_len - 1;

		trim(&k, &k_len);
		trim(&v, &v_len);
		if (!same(k, k_len, key))
			continue;
		found = AWS_INI_FOUND;
		*val = v;
		*val_len = v_len;
	}
	return found;
}
