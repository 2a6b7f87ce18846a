/* registry_session.h: one image's session with its registry, shared by
 * the protocol (registry.c) and the answer to an auth challenge
 * (registry_auth.c), and only by them. */
#ifndef FC_PATCHER_REGISTRY_SESSION_H
#define FC_PATCHER_REGISTRY_SESSION_H

#include <stddef.h>

#include "http_client.h"
#include "registry.h"

#define MANIFEST_MAX (4 * 1024 * 1024) /* distribution's own limit */
#define CONFIG_MAX (16 * 1024 * 1024)
#define TOKEN_MAX (1024 * 1024)
#define ERROR_BODY_MAX (256 * 1024)

#define MANIFEST_ACCEPT MT_OCI_INDEX ", " MT_DOCKER_LIST ", " \
	MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST

struct session {
	const struct registry_settings *rs;
	const struct image_ref *r;
	const struct credential *c;
	struct http_client hc;
	char base[300];     /* "https://host" */
	char *authz;        /* the Authorization value that works, once known */
	int answered;       /* a challenge was answered already */
	char how[64];       /* "Basic", "a Bearer token": for messages */
};

/* Sets s->authz from a 401's challenge: Basic with the credentials, or a
 * Bearer token from the realm the challenge names. */
int registry_answer(struct session *s, const struct http_reply *rep, struct fc_err *e);
/* A value safe to put in a message (control bytes shown as '?', cut to
 * cap). */
void registry_shown(char *dst, size_t cap, const char *src);

#endif
