/* docker_config.h: docker config.json, the format of both the -pulltoken
 * value (base64 of one) and ~/.docker/config.json: "auths" entries with
 * "auth" (base64 of USER:PASSWORD), "username"/"password" or
 * "identitytoken", plus "credHelpers" and "credsStore" naming
 * docker-credential-* programs. */
#ifndef FC_PATCHER_DOCKER_CONFIG_H
#define FC_PATCHER_DOCKER_CONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

/* Decodes and checks a -pulltoken value. Returns the docker config, or NULL
 * with FC_ERR_USAGE saying which part is malformed: not base64, not JSON,
 * no "auths" object, or an "auth" that is not base64 of USER:PASSWORD. */
cJSON *pulltoken_decode(const char *token, struct fc_err *e);

/* Parses and checks a docker config.json; `what` names it in messages
 * ("docker config /root/.docker/config.json"). Fails with `kind`. */
cJSON *docker_config_parse(const char *text, size_t len, const char *what,
			   enum fc_err_kind kind, struct fc_err *e);

/* The "auths" entry for a registry key (see image_ref_config_key()): the
 * exact key first, then any key naming the same host with a scheme or a
 * path ("https://quay.io/v2/"), as docker matches them. NULL if none. */
const cJSON *docker_config_auths_entry(const cJSON *cfg, const char *key,
				       const char **matched_key);

/* The credential helper docker would use for key: credHelpers[key], else
 * credsStore (*from_store is then 1). NULL if neither is set. */
const char *docker_config_helper(const cJSON *cfg, const char *key,
				 int *from_store);

/* The credentials in an auths entry checked by docker_config_parse.
 * Returns 1 and sets malloc'd *user and *secret (*identity = 1 when secret
 * is an OAuth2 refresh token, "identitytoken"), 0 when the entry holds
 * none, -1 when out of memory. */
int docker_config_entry_creds(const cJSON *entry, char **user, char **secret,
			      int *identity);

#endif
