/* auth_challenge.c: parsing WWW-Authenticate (RFC 7235 section 4.1).
 *
 * The grammar is ambiguous at commas: a comma separates parameters and also
 * challenges. After a comma, `token =` continues the current challenge and
 * a bare token starts a new one. Quoted strings may hold commas and
 * backslash escapes, so they are walked character by character. */
#include "auth_challenge.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RFC 7230 tchar */
static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token68_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-._~+/", c));
}

struct cursor {
	const char *s;
	size_t n, i;
};

static void skip_ws(struct cursor *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
		c->i++;
}

static size_t token_len(const struct cursor *c)
{
	size_t j = c->i;

	while (j < c->n && is_tchar(c->s[j]))
		j++;
	return j - c->i;
}

/* A quoted-string starting at the opening quote; the value unescaped. */
static char *quoted(struct cursor *c)
{
	char *v = malloc(c->n - c->i + 1);
	size_t o = 0;

	if (!v)
		return NULL;
	for (c->i++; c->i < c->n; c->i++) {
		char ch = c->s[c->i];

		if (ch == '"') {
			c->i++;
			v[o] = '\0';
			return v;
		}
		if (ch == '\\') {
			if (++c->i >= c->n)
				break;
			ch = c->s[c->i];
		}
		if ((unsigned char)ch < 0x20 && ch != '\t')
			break;
		v[o++] = ch;
	}
	free(v);
	return NULL;
}

static enum auth_scheme scheme_of(const char *s, size_t n)
{
	if (n == 5 && strncasecmp(s, "basic", 5) == 0)
		return AUTH_BASIC;
	if (n == 6 && strncasecmp(s, "bearer", 6) == 0)
		return AUTH_BEARER;
	return AUTH_OTHER;
}

/* name=value at the cursor, which sits on a token followed by '='. */
static int param(struct cursor *c, struct auth_challenge *ch, size_t nlen)
{
	char *name = strndup(c->s + c->i, nlen), *value;

	if (!name)
		return -1;
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	c->i += nlen;
	skip_ws(c);
	c->i++; /* '=' */
	skip_ws(c);
	if (c->i < c->n && c->s[c->i] == '"') {
		value = quoted(c);
	} else {
		/* RFC 7235 wants a token here, but some servers send URLs
		 * unquoted; anything up to the next comma or space is taken. */
		size_t vlen = 0;

		while (c->i + vlen < c->n && !strchr(", \t\"", c->s[c->i + vlen]) &&
		       (unsigned char)c->s[c->i + vlen] >= 0x20)
			vlen++;
		value = vlen ? strndup(c->s + c->i, vlen) : NULL;
		c->i += vlen;
	}
	if (!value) {
		free(name);
		return -1;
	}
	if (ch->n < AUTH_MAX_PARAMS) {
		ch->params[ch->n].name = name;
		ch->params[ch->n].value = value;
		ch->n++;
	} else {
		free(name);
		free(value);
	}
	return 0;
}

/* After a token: is it "name =" (a parameter)? */
static int followed_by_equals(const struct cursor *c, size_t tlen)
{
	size_t j = c->i + tlen;

	while (j < c->n && (c->s[j] == ' ' || c->s[j] == '\t'))
		j++;
	if (j >= c->n || c->s[j] != '=')
		return 0;
	/* "abc==" or "abc=" at a boundary is token68, not a parameter. */
	j++;
	while (j < c->n && (c->s[j] == ' ' || c->s[j] == '\t'))
		j++;
	return j < c->n && c->s[j] != '=' && c->s[j] != ',';
}

/* Skips a token68 credential blob after a scheme. */
static void skip_token68(struct cursor *c)
{
	while (c->i < c->n && is_token68_char(c->s[c->i]))
		c->i++;
	while (c->i < c->n && c->s[c->i] == '=')
		c->i++;
}

static void challenge_free(struct auth_challenge *ch)
{
	for (int j = 0; j < ch->n; j++) {
		free(ch->params[j].name);
		free(ch->params[j].value);
	}
	memset(ch, 0, sizeof *ch);
}

int auth_challenges_parse(const char *s, size_t len, struct auth_challenges *out)
{
	struct cursor c = { s, len, 0 };
	struct auth_challenge *cur = NULL;
	struct auth_challenge extra = { 0 }; /* challenges past the limit */
	int rc = -1;

	memset(out, 0, sizeof *out);
	for (;;) {
		/* Empty list elements (",,") are allowed by RFC 7230 7. */
		while (c.i < c.n && (c.s[c.i] == ',' || c.s[c.i] == ' ' ||
				     c.s[c.i] == '\t'))
			c.i++;
		if (c.i >= c.n)
			break;
		size_t tlen = token_len(&c);

		if (tlen == 0)
			goto out;
		if (cur && followed_by_equals(&c, tlen)) {
			if (param(&c, cur, tlen) < 0)
				goto out;
		} else {
			challenge_free(&extra);
			cur = out->n < AUTH_MAX_CHALLENGES ? &out->c[out->n++] : &extra;
			cur->scheme = scheme_of(c.s + c.i, tlen);
			c.i += tlen;
			skip_ws(&c);
			if (c.i < c.n && c.s[c.i] != ',') {
				size_t nlen = token_len(&c);

				if (nlen && followed_by_equals(&c, nlen)) {
					if (param(&c, cur, nlen) < 0)
						goto out;
				} else {
					skip_token68(&c);
				}
			}
		}
		skip_ws(&c);
		if (c.i < c.n && c.s[c.i] != ',')
			goto out;
	}
	rc = 0;
out:
	challenge_free(&extra);
	return rc;
}

void auth_challenges_free(struct auth_challenges *a)
{
	for (int i = 0; i < a->n; i++)
		challenge_free(&a->c[i]);
	a->n = 0;
}

const struct auth_challenge *auth_find(const struct auth_challenges *a,
				       enum auth_scheme scheme)
{
	for (int i = 0; i < a->n; i++)
		if (a->c[i].scheme == scheme)
			return &a->c[i];
	return NULL;
}

const char *auth_param(const struct auth_challenge *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcasecmp(c->params[i].name, name) == 0)
			return c->params[i].value;
	return NULL;
}
