/* auth_challenge.h: the WWW-Authenticate header of a registry's 401
 * (RFC 7235): one or more challenges, each a scheme and parameters, such as
 *   Bearer realm="https://auth.docker.io/token",service="registry.docker.io"
 *   Basic realm="https://123.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com" */
#ifndef FC_PATCHER_AUTH_CHALLENGE_H
#define FC_PATCHER_AUTH_CHALLENGE_H

#include <stddef.h>

#define AUTH_MAX_CHALLENGES 8
#define AUTH_MAX_PARAMS 16

enum auth_scheme { AUTH_OTHER, AUTH_BASIC, AUTH_BEARER };

struct auth_param {
	char *name;  /* lower case */
	char *value; /* unquoted and unescaped */
};

struct auth_challenge {
	enum auth_scheme scheme;
	struct auth_param params[AUTH_MAX_PARAMS];
	int n;
};

struct auth_challenges {
	struct auth_challenge c[AUTH_MAX_CHALLENGES];
	int n;
};

/* Parses len bytes of a header value (several headers may be joined with
 * ", "). Parameters past the limits are dropped. Returns 0, or -1 when the
 * value is malformed or memory runs out; the struct must be freed either
 * way. */
int auth_challenges_parse(const char *s, size_t len, struct auth_challenges *out);

void auth_challenges_free(struct auth_challenges *a);

/* The first challenge with this scheme, or NULL. */
const struct auth_challenge *auth_find(const struct auth_challenges *a,
				       enum auth_scheme scheme);

/* A parameter's value (name compared without case), or NULL. */
const char *auth_param(const struct auth_challenge *c, const char *name);

#endif
