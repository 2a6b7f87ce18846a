/* credentials.h: which credentials to use for a registry, in the order the
 * patcher tries them: the -pulltoken, then the docker config (-docker-config
 * PATH, $DOCKER_CONFIG/config.json or ~/.docker/config.json) with its
 * credHelpers, credsStore and auths, then none (anonymous). */
#ifndef FC_PATCHER_CREDENTIALS_H
#define FC_PATCHER_CREDENTIALS_H

#include <cjson/cJSON.h>

#include "err.h"
#include "image_ref.h"

enum cred_source {
	CRED_ANONYMOUS,
	CRED_PULLTOKEN,
	CRED_DOCKER_CONFIG, /* an "auths" entry of a docker config file */
	CRED_HELPER,        /* a docker-credential-* program */
};

struct credential {
	enum cred_source source;
	char *user, *secret; /* NULL when anonymous */
	int identity_token;  /* secret is an OAuth2 refresh token */
	/* For messages: "the -pulltoken credentials", "the credentials in
	 * docker config PATH"; when anonymous, why there are none. */
	char what[512];
};

struct cred_sources {
	cJSON *pulltoken;       /* the decoded -pulltoken, or NULL */
	const char *config_arg; /* -docker-config PATH, or NULL */
	cJSON *config;          /* the docker config file, once loaded */
	char config_path[4096];
	int config_tried;
	int helper_timeout_ms;
};

/* Decodes the pull token and, when -docker-config names a file, reads it,
 * so that a malformed flag fails before any work (FC_ERR_USAGE). The
 * default docker config is read later, only if a registry needs it. */
int cred_sources_init(struct cred_sources *cs, const char *pulltoken,
		      const char *docker_config, struct fc_err *e);

/* Finds the credentials for r's registry; may run a credential helper.
 * Returns 0 (anonymous counts as found), or -1 with FC_ERR_LOOKUP (a helper
 * failed) or FC_ERR_INPUT (the default docker config is malformed). */
int credentials_for(struct cred_sources *cs, const struct image_ref *r,
		    struct credential *c, struct fc_err *e);

void credential_free(struct credential *c);
void cred_sources_free(struct cred_sources *cs);

#endif
