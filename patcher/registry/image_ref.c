/* image_ref.c: parsing image references (see image_ref.h).
 *
 * The rules are distribution's reference package, because that is what
 * decides what ECS and Docker pull: a first path part is a host only when it
 * has a '.' or ':', is "localhost", or has upper case; repository names are
 * lower case; tags are at most 128 characters. */
#include "image_ref.h"

#include <stdio.h>
#include <string.h>

#define NAME_MAX_LEN 255

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int bad(struct fc_err *e, const char *s, const char *why)
{
	return fc_fail(e, FC_ERR_INPUT,
		       "image \"%s\" is not a valid image reference: %s", s, why);
}

/* host[:port], or [IPv6][:port]; n bytes of h. */
static int valid_host(const char *h, size_t n)
{
	size_t i = 0;

	if (n > 0 && h[0] == '[') {
		for (i = 1; i < n && h[i] != ']'; i++)
			if (!strchr("0123456789abcdefABCDEF:.", h[i]))
				return 0;
		if (i >= n || i == 1)
			return 0;
		i++;
	} else {
		size_t start = 0;

		for (; i < n && h[i] != ':'; i++) {
			if (h[i] == '.') {
				if (i == start || h[i - 1] == '-')
					return 0;
				start = i + 1;
			} else if (h[i] == '-') {
				if (i == start)
					return 0;
			} else if (!is_alnum(h[i])) {
				return 0;
			}
		}
		if (i == start || h[i - 1] == '-')
			return 0;
	}
	if (i == n)
		return 1;
	if (h[i] != ':' || i + 1 == n || n - i - 1 > 5)
		return 0;
	for (i++; i < n; i++)
		if (h[i] < '0' || h[i] > '9')
			return 0;
	return 1;
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int valid_component(const char *c, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && is_lower_alnum(c[i])) {
			i++;
			run++;
		}
		if (run == 0)
			return 0;
		if (i == n)
			return 1;
		if (c[i] == '.') {
			i++;
		} else if (c[i] == '_') {
			i += i + 1 < n && c[i + 1] == '_' ? 2 : 1;
		} else if (c[i] == '-') {
			while (i < n && c[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n)
			return 0;
	}
	return n > 0;
}

static int valid_path(const char *p, size_t n, const char **why)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z') {
			*why = "repository names must be lower case";
			return 0;
		}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (!valid_component(p + start, i - start)) {
			*why = "each part of the repository name must be lower-case "
			       "letters and digits, separated by '.', '_', '__' or '-'";
			return 0;
		}
		start = i + 1;
	}
	return 1;
}

/* [\w][\w.-]{0,127} */
static int valid_tag(const char *t, size_t n)
{
	if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(t[i]) && !strchr("_.-", t[i]))
			return 0;
	return 1;
}

static int parse_digest(const char *s, const char *d, struct image_ref *r,
			struct fc_err *e)
{
	const char *colon = strchr(d, ':');

	if (!colon || colon == d)
		return bad(e, s, "a digest after '@' must be ALGORITHM:HEX, "
			   "e.g. sha256:<64 hex digits>");
	if ((size_t)(colon - d) != 6 || strncmp(d, "sha256", 6) != 0)
		return bad(e, s, "only sha256 digests are supported");
	if (strlen(colon + 1) != 64)
		return bad(e, s, "a sha256 digest has 64 hex digits");
	for (const char *p = colon + 1; *p; p++)
		if (!is_hex_lower(*p))
			return bad(e, s, "a sha256 digest is 64 lower-case hex digits");
	memcpy(r->digest, d, 72);
	return 0;
}

int image_ref_parse(const char *s, struct image_ref *r, struct fc_err *e)
{
	const char *why = NULL;
	size_t len = strlen(s);

	memset(r, 0, sizeof *r);
	if (len == 0)
		return fc_fail(e, FC_ERR_INPUT, "the image name is empty");
	if (strstr(s, "://"))
		return bad(e, s, "it has a URL scheme; write it without \"http://\" "
			   "or \"https://\", as HOST/REPOSITORY:TAG");
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return bad(e, s, "it contains white space or a character "
				   "outside printable ASCII");
	if (len > NAME_MAX_LEN + 1 + 128 + 1 + 71)
		return bad(e, s, "it is too long");
	const char *at = strchr(s, '@');
	size_t name_end = at ? (size_t)(at - s) : len;

	if (at && parse_digest(s, at + 1, r, e) < 0)
		return -1;
	/* A ':' after the last '/' starts the tag; one before it is a port. */
	const char *slash = memrchr(s, '/', name_end);
	const char *colon = memrchr(slash ? slash : s, ':',
				    name_end - (size_t)((slash ? slash : s) - s));

	if (colon) {
		size_t tlen = name_end - (size_t)(colon + 1 - s);

		if (!valid_tag(colon + 1, tlen))
			return bad(e, s, "a tag is 1 to 128 letters, digits, '_', "
				   "'.' or '-', and does not start with '.' or '-'");
		memcpy(r->tag, colon + 1, tlen);
		name_end = (size_t)(colon - s);
	}
	if (name_end == 0)
		return bad(e, s, "it has no repository name");
	if (name_end > NAME_MAX_LEN)
		return bad(e, s, "the name is longer than 255 characters");

	const char *first = memchr(s, '/', name_end);
	const char *path = s;
	size_t hlen = first ? (size_t)(first - s) : 0;
	int has_host = 0;

	if (first) {
		has_host = memchr(s, '.', hlen) || memchr(s, ':', hlen) ||
			   (hlen == 9 && strncmp(s, "localhost", 9) == 0);
		for (size_t i = 0; i < hlen && !has_host; i++)
			has_host = s[i] >= 'A' && s[i] <= 'Z';
	}
	if (has_host) {
		if (!valid_host(s, hlen))
			return bad(e, s, "the registry host before the first '/' "
				   "is not a valid host name[:port]");
		path = first + 1;
		if ((hlen == 9 && strncmp(s, "docker.io", 9) == 0) ||
		    (hlen == 15 && strncmp(s, "index.docker.io", 15) == 0)) {
			r->docker_hub = 1;
			strcpy(r->host, DOCKER_HUB_HOST);
		} else {
			memcpy(r->host, s, hlen);
		}
	} else {
		r->docker_hub = 1;
		strcpy(r->host, DOCKER_HUB_HOST);
	}
	size_t plen = name_end - (size_t)(path - s);

	if (plen == 0 || !valid_path(path, plen, &why))
		return bad(e, s, why ? why : "it has no repository name");
	/* Docker Hub's official images live under library/. */
	if (r->docker_hub && !memchr(path, '/', plen))
		strcpy(r->repo, "library/");
	if (strlen(r->repo) + plen >= sizeof r->repo)
		return bad(e, s, "the name is longer than 255 characters");
	strncat(r->repo, path, plen);
	/* Docker measures the name after normalising it: the host, and for
	 * Docker Hub "docker.io/library/" counts too. */
	if ((r->docker_hub ? strlen("docker.io") : strlen(r->host)) + 1 +
	    strlen(r->repo) > NAME_MAX_LEN)
		return bad(e, s, "the name is longer than 255 characters");
	if (!r->tag[0] && !r->digest[0])
		strcpy(r->tag, "latest");
	return 0;
}

const char *image_ref_reference(const struct image_ref *r)
{
	return r->digest[0] ? r->digest : r->tag;
}

const char *image_ref_config_key(const struct image_ref *r)
{
	return r->docker_hub ? DOCKER_HUB_CONFIG_KEY : r->host;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int image_ref_is_ecr(const char *host)
{
	const char *colon = strchr(host, ':');
	size_t n = colon ? (size_t)(colon - host) : strlen(host);
	size_t i = 0;

	while (i < n && host[i] >= '0' && host[i] <= '9')
		i++;
	if (i != 12)
		return 0;
	if (strncmp(host + i, ".dkr.ecr.", 9) != 0 &&
	    strncmp(host + i, ".dkr.ecr-fips.", 14) != 0)
		return 0;
	return ends_with(host, n, ".amazonaws.com") ||
	       ends_with(host, n, ".amazonaws.com.cn");
}
