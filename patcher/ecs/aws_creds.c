/* aws_creds.c: the AWS credential chain and region (see aws_creds.h). */
#include "aws_creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws_ini.h"
#include "http_client.h"
#include "json_doc.h"
#include "slurp.h"

/* Credential and config files are a few lines; a larger one is a mistake. */
#define AWS_FILE_MAX (1024 * 1024)
/* A credentials reply is a few hundred bytes plus the session token. */
#define CONTAINER_REPLY_MAX (64 * 1024)

void aws_creds_clear(struct aws_creds *c)
{
	explicit_bzero(c, sizeof *c);
}

/* Printable ASCII without spaces: what keys, secrets and tokens are made
 * of, and what may go into a header line without breaking it. */
static int is_token(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return 0;
	return n > 0;
}

/* Copies a credential value; `what` names it, never its value. */
static int copy_value(char *dst, size_t cap, const char *v, size_t n,
		      const char *what, const char *where, enum fc_err_kind kind,
		      struct fc_err *e)
{
	if (!is_token(v, n))
		return fc_fail(e, kind,
			       "%s in %s is empty or has spaces or control "
			       "characters: fix the value", what, where);
	if (n >= cap)
		return fc_fail(e, kind,
			       "%s in %s is longer than %zu characters, more than "
			       "AWS issues: fix the value", what, where, cap - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int from_env(struct aws_creds *c, int *found, struct fc_err *e)
{
	const char *key = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *where = "the environment";

	*found = 0;
	if ((!key || !*key) && (!secret || !*secret))
		return 0;
	if (!key || !*key || !secret || !*secret)
		return fc_fail(e, FC_ERR_USAGE,
			       "%s is set but %s is not: set both, or neither to "
			       "use a profile", key && *key ? "AWS_ACCESS_KEY_ID" :
			       "AWS_SECRET_ACCESS_KEY", key && *key ?
			       "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (copy_value(c->key_id, sizeof c->key_id, key, strlen(key),
		       "AWS_ACCESS_KEY_ID", where, FC_ERR_USAGE, e) < 0 ||
	    copy_value(c->secret, sizeof c->secret, secret, strlen(secret),
		       "AWS_SECRET_ACCESS_KEY", where, FC_ERR_USAGE, e) < 0 ||
	    (token && *token &&
	     copy_value(c->token, sizeof c->token, token, strlen(token),
			"AWS_SESSION_TOKEN", where, FC_ERR_USAGE, e) < 0))
		return -1;
	snprintf(c->source, sizeof c->source,
		 "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY%s in the environment",
		 c->token[0] ? "/AWS_SESSION_TOKEN" : "");
	*found = 1;
	return 0;
}

/* env when set and not empty, else $HOME/.aws/name, else "" (no home). */
static void aws_file(const char *env, const char *name, char *out, size_t cap)
{
	const char *v = getenv(env), *home = getenv("HOME");

	if (v && *v)
		snprintf(out, cap, "%s", v);
	else if (home && *home)
		snprintf(out, cap, "%s/.aws/%s", home, name);
	else
		out[0] = '\0';
}

/* Reads an optional file: a missing or empty one is *text = NULL, not an
 * error (AWS_CONFIG_FILE=/dev/null is how CI turns the files off). */
static int read_optional(const char *path, const char *what, char **text,
			 size_t *len, struct fc_err *e)
{
	struct stat st;

	*text = NULL;
	*len = 0;
	if (!*path || (stat(path, &st) < 0 && errno == ENOENT))
		return 0;
	if (st.st_size == 0 && (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
		return 0;
	return slurp(path, AWS_FILE_MAX, what, text, len, e);
}

/* The section a profile has in each file: the credentials file names it
 * plainly, the config file as "profile NAME" (but "default" as is). */
static void section_name(const char *profile, int config, char *out, size_t cap)
{
	if (config && strcmp(profile, "default") != 0)
		snprintf(out, cap, "profile %s", profile);
	else
		snprintf(out, cap, "%s", profile);
}

/* Profiles that get credentials some other way, which this program does
 * not implement; the fix is to hand it plain ones. */
static const char *const indirect_keys[] = {
	"role_arn", "credential_process", "sso_session", "sso_start_url",
	"web_identity_token_file", "credential_source",
};

/* Looks for the profile's keys in one file. *found: 0 no section, 1 the
 * section without keys, 2 credentials read. */
static int from_file(const char *path, const char *profile, int config,
		     struct aws_creds *c, int *found, struct fc_err *e)
{
	char section[300], where[600];
	char *text = NULL;
	size_t len, n;
	const char *v;
	int rc = -1;

	*found = 0;
	if (read_optional(path, config ? "AWS config file" :
			  "AWS shared credentials file", &text, &len, e) < 0)
		return -1;
	if (!text)
		return 0;
	section_name(profile, config, section, sizeof section);
	snprintf(where, sizeof where, "profile \"%s\" of %s", profile, path);
	enum aws_ini_found key = aws_ini_get(text, len, section,
					     "aws_access_key_id", &v, &n);

	if (key == AWS_INI_NO_SECTION) {
		rc = 0;
		goto out;
	}
	*found = 1;
	if (key == AWS_INI_NO_KEY) {
		for (size_t i = 0; i < sizeof indirect_keys / sizeof *indirect_keys; i++) {
			const char *w;
			size_t wn;

			if (aws_ini_get(text, len, section, indirect_keys[i], &w,
					&wn) == AWS_INI_FOUND) {
				fc_fail(e, FC_ERR_USAGE,
					"%s gets its credentials through %s, which "
					"falcon-patcher does not support: export plain ones "
					"with `eval \"$(aws configure export-credentials "
					"--profile %s --format env)\"`", where,
					indirect_keys[i], profile);
				goto out;
			}
		}
		rc = 0;
		goto out;
	}
	if (copy_value(c->key_id, sizeof c->key_id, v, n, "aws_access_key_id",
		       where, FC_ERR_USAGE, e) < 0)
		goto out;
	if (aws_ini_get(text, len, section, "aws_secret_access_key", &v, &n) !=
	    AWS_INI_FOUND) {
		fc_fail(e, FC_ERR_USAGE,
			"%s has aws_access_key_id but no aws_secret_access_key: "
			"add it", where);
		goto out;
	}
	if (copy_value(c->secret, sizeof c->secret, v, n, "aws_secret_access_key",
		       where, FC_ERR_USAGE, e) < 0)
		goto out;
	if (aws_ini_get(text, len, section, "aws_session_token", &v, &n) ==
	    AWS_INI_FOUND && n > 0 &&
	    copy_value(c->token, sizeof c->token, v, n, "aws_session_token",
		       where, FC_ERR_USAGE, e) < 0)
		goto out;
	snprintf(c->source, sizeof c->source, "%s", where);
	*found = 2;
	rc = 0;
out:
	if (text)
		explicit_bzero(text, len);
	free(text);
	return rc;
}

static int from_profile(struct aws_creds *c, int *found, char *looked,
			size_t looked_cap, struct fc_err *e)
{
	const char *env = getenv("AWS_PROFILE");
	const char *profile = env && *env ? env : "default";
	char creds_path[1024], config_path[1024];
	int in_creds = 0, in_config = 0;

	*found = 0;
	aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials", creds_path,
		 sizeof creds_path);
	aws_file("AWS_CONFIG_FILE", "config", config_path, sizeof config_path);
	snprintf(looked, looked_cap, "profile \"%s\" in %s and %s", profile,
		 *creds_path ? creds_path : "(no HOME)",
		 *config_path ? config_path : "(no HOME)");
	if (from_file(creds_path, profile, 0, c, &in_creds, e) < 0)
		return -1;
	if (in_creds != 2 && from_file(config_path, profile, 1, c, &in_config, e) < 0)
		return -1;
	if (in_creds == 2 || in_config == 2) {
		*found = 1;
		return 0;
	}
	if (env && *env && !in_creds && !in_config)
		return fc_fail(e, FC_ERR_USAGE,
			       "AWS_PROFILE is \"%s\", but no such profile is in %s "
			       "or %s: fix AWS_PROFILE, or run `aws configure "
			       "--profile %s`", profile, creds_path, config_path,
			       profile);
	return 0;
}

int aws_creds_parse_container(const char *body, size_t len, const char *what,
			      struct aws_creds *c, struct fc_err *e)
{
	cJSON *root = json_doc_parse(body, len, what, e);
	int rc = -1;

	aws_creds_clear(c);
	if (!root) {
		e->kind = FC_ERR_LOOKUP;
		return -1;
	}
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(root, "AccessKeyId");
	const cJSON *secret = cJSON_GetObjectItemCaseSensitive(root, "SecretAccessKey");
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(root, "Token");

	if (!cJSON_IsString(key) || !cJSON_IsString(secret)) {
		fc_fail(e, FC_ERR_LOOKUP,
			"%s answered without AccessKeyId and SecretAccessKey "
			"strings: does the task have a task role?", what);
		goto out;
	}
	if (token && !cJSON_IsString(token) && !cJSON_IsNull(token)) {
		fc_fail(e, FC_ERR_LOOKUP, "%s answered a Token that is not a string",
			what);
		goto out;
	}
	if (copy_value(c->key_id, sizeof c->key_id, key->valuestring,
		       strlen(key->valuestring), "AccessKeyId", what,
		       FC_ERR_LOOKUP, e) < 0 ||
	    copy_value(c->secret, sizeof c->secret, secret->valuestring,
		       strlen(secret->valuestring), "SecretAccessKey", what,
		       FC_ERR_LOOKUP, e) < 0 ||
	    (token && cJSON_IsString(token) && *token->valuestring &&
	     copy_value(c->token, sizeof c->token, token->valuestring,
			strlen(token->valuestring), "Token", what, FC_ERR_LOOKUP,
			e) < 0))
		goto out;
	snprintf(c->source, sizeof c->source, "%s", what);
	rc = 0;
out:
	if (rc < 0)
		aws_creds_clear(c);
	/* The tree holds the secrets too. */
	for (cJSON *m = root ? root->child : NULL; m; m = m->next)
		if (cJSON_IsString(m) && m->valuestring)
			explicit_bzero(m->valuestring, strlen(m->valuestring));
	cJSON_Delete(root);
	return rc;
}

/* Hosts that may serve credentials over plain HTTP (botocore's list): the
 * ECS and EKS agents' link-local addresses and loopback. */
static int plain_http_allowed(const char *host)
{
	return strcmp(host, "169.254.170.2") == 0 ||
	       strcmp(host, "169.254.170.23") == 0 ||
	       strcasecmp(host, "[fd00:ec2::23]") == 0 ||
	       strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	       strncmp(host, "127.", 4) == 0;
}

/* The Authorization header value for a FULL_URI endpoint, or "" when none
 * is configured. The token file is re-read each run: EKS rotates it. */
static int container_token(char *out, size_t cap, struct fc_err *e)
{
	const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	out[0] = '\0';
	if (file && *file) {
		if (slurp(file, 16384, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
			  &text, &len, e) < 0)
			return -1;
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			len--;
		tok = text;
	} else if (tok) {
		len = strlen(tok);
	}
	if (!tok || len == 0) {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)tok[i] < ' ' || tok[i] == 0x7f) {
			fc_fail(e, FC_ERR_USAGE,
				"%s has control characters: it must be one line",
				file && *file ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" :
				"AWS_CONTAINER_AUTHORIZATION_TOKEN");
			goto out;
		}
	if (len >= cap) {
		fc_fail(e, FC_ERR_USAGE,
			"the container authorization token is longer than %zu bytes",
			cap - 1);
		goto out;
	}
	memcpy(out, tok, len);
	out[len] = '\0';
	rc = 0;
out:
	if (text)
		explicit_bzero(text, len);
	free(text);
	return rc;
}

/* rel (when set and not empty) else full: the endpoint's URL. */
static int container_url(const char *rel, const char *full, char *url,
			 size_t cap, char *host, size_t host_cap, struct fc_err *e)
{
	if (rel && *rel) {
		if (rel[0] != '/' || !is_token(rel, strlen(rel)))
			return fc_fail(e, FC_ERR_USAGE,
				       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be "
				       "a path starting with '/', as ECS sets it");
		snprintf(url, cap, "%s%s", AWS_CONTAINER_HOST, rel);
	} else {
		if (!full || !is_token(full, strlen(full)) || strlen(full) >= cap)
			return fc_fail(e, FC_ERR_USAGE,
				       "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
		snprintf(url, cap, "%s", full);
	}
	http_url_host(url, host, host_cap);
	if (!*host || (strncasecmp(url, "https://", 8) != 0 &&
		       strncasecmp(url, "http://", 7) != 0))
		return fc_fail(e, FC_ERR_USAGE,
			       "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
	if (strncasecmp(url, "http://", 7) == 0) {
		char bare[300];

		/* The host without its port. */
		snprintf(bare, sizeof bare, "%s", host);
		char *colon = bare[0] == '[' ? strstr(bare, "]:") : strrchr(bare, ':');

		if (colon)
			colon[bare[0] == '[' ? 1 : 0] = '\0';
		if (!plain_http_allowed(bare))
			return fc_fail(e, FC_ERR_USAGE,
				       "AWS_CONTAINER_CREDENTIALS_FULL_URI is plain "
				       "HTTP to %s: credentials may come over HTTP only "
				       "from loopback or the ECS/EKS agent addresses; "
				       "use https", host);
	}
	return 0;
}

static int from_container(struct aws_creds *c, int *found, struct fc_err *e)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char url[2048], host[300], what[400], auth[16384];
	struct http_settings set = {
		.connect_timeout_ms = 2000,
		.timeout_ms = 5000,
		.retry_delay_ms = 200,
		.peer = "the container credentials endpoint",
	};
	struct http_client hc;
	struct http_reply rep = { 0 };
	int rc = -1;

	*found = 0;
	if ((!rel || !*rel) && (!full || !*full))
		return 0;
	if (container_url(rel, full, url, sizeof url, host, sizeof host, e) < 0 ||
	    container_token(auth, sizeof auth, e) < 0)
		return -1;
	/* The path is a capability for the task's credentials: the host only. */
	snprintf(what, sizeof what, "the container credentials endpoint at %s "
		 "(AWS_CONTAINER_CREDENTIALS_%s_URI)", host,
		 rel && *rel ? "RELATIVE" : "FULL");
	struct http_request rq = {
		.url = url,
		.authorization = auth[0] ? auth : NULL,
		.accept = "application/json",
		.max_body = CONTAINER_REPLY_MAX,
	};

	if (http_client_init(&hc, &set, e) < 0)
		return -1;
	if (http_request(&hc, &rq, &rep, e) < 0) {
		char why[sizeof e->msg];

		snprintf(why, sizeof why, "%s", e->msg);
		fc_fail(e, FC_ERR_LOOKUP, "no AWS credentials from %s: %s", what, why);
		goto out;
	}
	if (rep.status != 200) {
		fc_fail(e, FC_ERR_LOOKUP,
			"%s answered HTTP %ld instead of credentials: %s", what,
			rep.status, rep.status == 401 || rep.status == 403 ?
			"check AWS_CONTAINER_AUTHORIZATION_TOKEN" :
			"check that the task has a task role");
		goto out;
	}
	if (aws_creds_parse_container(rep.body, rep.len, what, c, e) < 0)
		goto out;
	*found = 1;
	rc = 0;
out:
	explicit_bzero(auth, sizeof auth);
	if (rep.body)
		explicit_bzero(rep.body, rep.len);
	http_reply_free(&rep);
	http_client_free(&hc);
	return rc;
}

int aws_creds_load(struct aws_creds *c, struct fc_err *e)
{
	char looked[2200];
	int found = 0;

	aws_creds_clear(c);
	if (from_env(c, &found, e) < 0 || found)
		goto done;
	if (from_profile(c, &found, looked, sizeof looked, e) < 0 || found)
		goto done;
	if (from_container(c, &found, e) < 0 || found)
		goto done;
	return fc_fail(e, FC_ERR_USAGE,
		       "no AWS credentials: none in AWS_ACCESS_KEY_ID/"
		       "AWS_SECRET_ACCESS_KEY, none for the %s, and no ECS container "
		       "credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
		       "or _FULL_URI): export AWS_ACCESS_KEY_ID and "
		       "AWS_SECRET_ACCESS_KEY, set AWS_PROFILE to a configured "
		       "profile (`aws configure`), or run as an ECS task with a task "
		       "role", looked);
done:
	if (!found) {
		aws_creds_clear(c);
		return -1;
	}
	return 0;
}

int aws_region_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && n <= 32 && s[0] >= 'a' && s[0] <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n &&
	       s[n - 1] != '-';
}

static int region_from_config(char *out, size_t cap, char *path,
			      size_t path_cap, struct fc_err *e)
{
	const char *env = getenv("AWS_PROFILE");
	const char *profile = env && *env ? env : "default";
	char section[300];
	char *text = NULL;
	const char *v;
	size_t len, n;
	int rc = 0;

	aws_file("AWS_CONFIG_FILE", "config", path, path_cap);
	if (read_optional(path, "AWS config file", &text, &len, e) < 0)
		return -1;
	if (!text)
		return 0;
	section_name(profile, 1, section, sizeof section);
	if (aws_ini_get(text, len, section, "region", &v, &n) == AWS_INI_FOUND &&
	    n > 0) {
		if (n >= cap || memchr(v, '\0', n)) {
			rc = fc_fail(e, FC_ERR_USAGE,
				     "the region of profile \"%s\" in %s is not a "
				     "region name: fix it", profile, path);
		} else {
			memcpy(out, v, n);
			out[n] = '\0';
			rc = 1;
		}
	}
	free(text);
	return rc;
}

int aws_region_resolve(const char *flag, char *out, size_t cap,
		       struct fc_err *e)
{
	static const char *const envs[] = { "AWS_REGION", "AWS_DEFAULT_REGION" };
	char path[1024] = "", from[1100] = "-region";
	const char *v = flag;

	out[0] = '\0';
	for (size_t i = 0; !v && i < sizeof envs / sizeof *envs; i++) {
		v = getenv(envs[i]);
		if (v && !*v)
			v = NULL;
		if (v)
			snprintf(from, sizeof from, "%s", envs[i]);
	}
	if (v) {
		snprintf(out, cap, "%s", v);
	} else {
		int got = region_from_config(out, cap, path, sizeof path, e);

		if (got < 0)
			return -1;
		if (got == 0)
			return fc_fail(e, FC_ERR_USAGE,
				       "no AWS region: pass -region (e.g. -region "
				       "us-east-1), or set AWS_REGION, or a region for "
				       "the profile in %s (`aws configure set region "
				       "us-east-1`)", *path ? path : "~/.aws/config");
		snprintf(from, sizeof from, "%s", path);
	}
	if (!aws_region_valid(out))
		return fc_fail(e, FC_ERR_USAGE,
			       "region \"%.40s\" (from %s) is not an AWS region name "
			       "such as us-east-1: fix it", out, from);
	return 0;
}
