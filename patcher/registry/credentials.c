/* credentials.c: choosing a registry's credentials (see credentials.h). */
#include "credentials.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred_helper.h"
#include "docker_config.h"
#include "slurp.h"

#define CONFIG_MAX_BYTES (1024 * 1024)
#define HELPER_TIMEOUT_MS 30000

/* Reads and parses path into cs->config. missing_ok: a default location
 * that does not exist means "no docker config". */
static int load_config(struct cred_sources *cs, const char *path,
		       int missing_ok, enum fc_err_kind kind, struct fc_err *e)
{
	char what[4200], *text = NULL;
	size_t len;

	snprintf(cs->config_path, sizeof cs->config_path, "%s", path);
	if (missing_ok && access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	snprintf(what, sizeof what, "docker config %s", path);
	if (slurp(path, CONFIG_MAX_BYTES, "docker config", &text, &len, e) < 0) {
		e->kind = kind;
		return -1;
	}
	cs->config = docker_config_parse(text, len, what, kind, e);
	free(text);
	return cs->config ? 0 : -1;
}

int cred_sources_init(struct cred_sources *cs, const char *pulltoken,
		      const char *docker_config, struct fc_err *e)
{
	memset(cs, 0, sizeof *cs);
	cs->helper_timeout_ms = HELPER_TIMEOUT_MS;
	cs->config_arg = docker_config;
	if (pulltoken) {
		cs->pulltoken = pulltoken_decode(pulltoken, e);
		if (!cs->pulltoken)
			return -1;
	}
	if (docker_config) {
		cs->config_tried = 1;
		if (load_config(cs, docker_config, 0, FC_ERR_USAGE, e) < 0) {
			/* Say which flag the file came from. */
			char msg[sizeof e->msg];

			snprintf(msg, sizeof msg, "-docker-config: %.990s", e->msg);
			snprintf(e->msg, sizeof e->msg, "%s", msg);
			return -1;
		}
	}
	return 0;
}

/* $DOCKER_CONFIG/config.json, else ~/.docker/config.json, as docker finds it. */
static int load_default_config(struct cred_sources *cs, struct fc_err *e)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char path[4096];

	cs->config_tried = 1;
	if (dir && *dir) {
		snprintf(path, sizeof path, "%s/config.json", dir);
	} else {
		if (!home || !*home) {
			const struct passwd *pw = getpwuid(getuid());

			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return 0;
		snprintf(path, sizeof path, "%s/.docker/config.json", home);
	}
	if (load_config(cs, path, 1, FC_ERR_INPUT, e) < 0) {
		char msg[sizeof e->msg];

		snprintf(msg, sizeof msg, "%.950s (fix it, or pass -docker-config with "
			 "another file)", e->msg);
		snprintf(e->msg, sizeof e->msg, "%s", msg);
		return -1;
	}
	return 0;
}

static int from_entry(const cJSON *entry, enum cred_source source,
		      struct credential *c)
{
	int rc = docker_config_entry_creds(entry, &c->user, &c->secret,
					   &c->identity_token);
	if (rc > 0)
		c->source = source;
	return rc;
}

static int from_helper(struct cred_sources *cs, const char *helper,
		       int from_store, const char *key, struct credential *c,
		       struct fc_err *e)
{
	char origin[4200];

	snprintf(origin, sizeof origin, "%s in %s",
		 from_store ? "\"credsStore\"" : "\"credHelpers\"",
		 cs->config_path);
	int rc = cred_helper_get(helper, origin, key, cs->helper_timeout_ms,
				 &c->user, &c->secret, &c->identity_token, e);
	if (rc > 0) {
		c->source = CRED_HELPER;
		snprintf(c->what, sizeof c->what,
			 "the credentials from docker-credential-%s (%.400s)", helper,
			 origin);
	}
	return rc;
}

int credentials_for(struct cred_sources *cs, const struct image_ref *r,
		    struct credential *c, struct fc_err *e)
{
	const char *key = image_ref_config_key(r), *matched = NULL;
	const char *empty_helper = NULL; /* a helper that had nothing */
	const cJSON *entry;
	int rc;

	memset(c, 0, sizeof *c);
	if (cs->pulltoken) {
		entry = docker_config_auths_entry(cs->pulltoken, key, &matched);
		rc = entry ? from_entry(entry, CRED_PULLTOKEN, c) : 0;
		if (rc < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		if (rc > 0) {
			if (strcmp(matched, key) == 0)
				snprintf(c->what, sizeof c->what,
					 "the -pulltoken credentials");
			else
				snprintf(c->what, sizeof c->what, "the -pulltoken "
					 "credentials (auths \"%.200s\")", matched);
			return 0;
		}
	}
	if (!cs->config_tried && load_default_config(cs, e) < 0)
		return -1;
	if (cs->config) {
		int from_store;
		const char *helper = docker_config_helper(cs->config, key,
							  &from_store);

		if (helper) {
			rc = from_helper(cs, helper, from_store, key, c, e);
			if (rc != 0)
				return rc > 0 ? 0 : -1;
			empty_helper = helper;
		}
		entry = docker_config_auths_entry(cs->config, key, &matched);
		rc = entry ? from_entry(entry, CRED_DOCKER_CONFIG, c) : 0;
		if (rc < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		if (rc > 0) {
			if (strcmp(matched, key) == 0)
				snprintf(c->what, sizeof c->what, "the credentials in "
					 "docker config %.300s", cs->config_path);
			else
				snprintf(c->what, sizeof c->what, "the credentials in "
					 "docker config %.300s (auths \"%.100s\")",
					 cs->config_path, matched);
			return 0;
		}
	}
	c->source = CRED_ANONYMOUS;
	/* For anonymous access, "what" says why there are no credentials. */
	if (empty_helper)
		snprintf(c->what, sizeof c->what, "%sdocker-credential-%s, named by "
			 "docker config %.300s, has none for %.100s",
			 cs->pulltoken ? "-pulltoken has none, and " : "no -pulltoken, and ",
			 empty_helper, cs->config_path, key);
	else if (cs->pulltoken && cs->config)
		snprintf(c->what, sizeof c->what, "neither -pulltoken nor docker "
			 "config %.300s has any for %.100s", cs->config_path, key);
	else if (cs->config)
		snprintf(c->what, sizeof c->what, "no -pulltoken, and docker config "
			 "%.300s has none for %.100s", cs->config_path, key);
	else
		snprintf(c->what, sizeof c->what, "%s, and no docker config at %.300s",
			 cs->pulltoken ? "-pulltoken has none for this registry" :
					 "no -pulltoken",
			 *cs->config_path ? cs->config_path : "~/.docker/config.json");
	return 0;
}

void credential_free(struct credential *c)
{
	if (c->secret)
		explicit_bzero(c->secret, strlen(c->secret));
	free(c->user);
	free(c->secret);
	memset(c, 0, sizeof *c);
}

void cred_sources_free(struct cred_sources *cs)
{
	cJSON_Delete(cs->pulltoken);
	cJSON_Delete(cs->config);
	memset(cs, 0, sizeof *cs);
}
