/* cred_helper.h: docker credential helpers. `docker-credential-NAME get`
 * reads a registry's server URL on stdin and prints
 * {"ServerURL": ..., "Username": ..., "Secret": ...} on stdout, or exits
 * non-zero with a message on stdout. This is how docker-credential-ecr-login,
 * -gcloud, -pass and the desktop keychains hand out credentials. */
#ifndef FC_PATCHER_CRED_HELPER_H
#define FC_PATCHER_CRED_HELPER_H

#include <stddef.h>

#include "err.h"

/* Runs the helper for server, killing it after timeout_ms. `origin` says
 * where the helper was configured ("credsStore in /root/.docker/config.json")
 * for messages. Returns 1 with malloc'd *user and *secret (*identity = 1
 * when Secret is an OAuth2 refresh token, which helpers signal with the
 * Username "<token>"), 0 when the helper has no credentials for server, or
 * -1 with FC_ERR_LOOKUP when it is missing, fails, hangs or answers
 * nonsense. */
int cred_helper_get(const char *name, const char *origin, const char *server,
		    int timeout_ms, char **user, char **secret, int *identity,
		    struct fc_err *e);

/* Parses a helper's `get` reply. Returns 1 with the fields set as above, 0
 * when it is not the expected JSON, -1 when out of memory. */
int cred_helper_parse_reply(const char *out, size_t len, char **user,
			    char **secret, int *identity);

#endif
