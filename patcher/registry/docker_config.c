/* docker_config.c: reading docker config.json and pull tokens (see
 * docker_config.h).
 *
 * The guide makes pull tokens with `echo AWS:$(...) | base64`, so the
 * decoded USER:PASSWORD ends with the newline echo added; docker's own
 * decoder would send it along and fail with a 401. It is removed here. */
#include "docker_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_doc.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Decodes an "auth" value into USER and PASSWORD, without the line break
 * that `echo ... | base64` leaves at the end. Returns 0, -1 when it is not
 * base64, -2 when it decodes to something without a ':' or with a NUL,
 * -3 when out of memory. */
static int decode_auth(const char *b64, char **user, char **pass)
{
	size_t n, bad_at;
	unsigned char *raw = base64_decode(b64, strlen(b64), &n, &bad_at);

	if (!raw)
		return bad_at == SIZE_MAX ? -3 : -1;
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		raw[--n] = '\0';
	char *colon = memchr(raw, ':', n);

	if (!colon || memchr(raw, '\0', n)) {
		free(raw);
		return -2;
	}
	*colon = '\0';
	*user = strdup((char *)raw);
	*pass = strdup(colon + 1);
	free(raw);
	if (!*user || !*pass) {
		free(*user);
		free(*pass);
		*user = *pass = NULL;
		return -3;
	}
	return 0;
}

static int valid_helper_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-", *s)))
			return 0;
	return 1;
}

static int check_entry(const cJSON *entry, const char *what,
		       enum fc_err_kind kind, struct fc_err *e)
{
	static const char *const strings[] = {
		"auth", "username", "password", "identitytoken", "email",
		"registrytoken",
	};
	const char *key = entry->string;

	if (!cJSON_IsObject(entry))
		return fc_fail(e, kind, "%s: \"auths\" entry \"%s\" is not a JSON "
			       "object", what, key);
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
		const cJSON *v = get(entry, strings[i]);

		if (v && !cJSON_IsString(v) && !cJSON_IsNull(v))
			return fc_fail(e, kind, "%s: \"%s\" of \"auths\" entry \"%s\" "
				       "is not a string", what, strings[i], key);
	}
	const cJSON *auth = get(entry, "auth");

	if (!cJSON_IsString(auth) || !*auth->valuestring)
		return 0;
	char *user = NULL, *pass = NULL;
	int rc = decode_auth(auth->valuestring, &user, &pass);

	free(user);
	free(pass);
	switch (rc) {
	case -1:
		return fc_fail(e, kind, "%s: the \"auth\" of \"%s\" is not base64: it "
			       "must be base64 of USER:PASSWORD (for ECR, "
			       "AWS:$(aws ecr get-login-password))", what, key);
	case -2:
		return fc_fail(e, kind, "%s: the \"auth\" of \"%s\" is base64 but not "
			       "of USER:PASSWORD (no ':' in it): encode \"USER:PASSWORD\" "
			       "(for ECR, AWS:$(aws ecr get-login-password))", what, key);
	case -3:
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	}
	return 0;
}

cJSON *docker_config_parse(const char *text, size_t len, const char *what,
			   enum fc_err_kind kind, struct fc_err *e)
{
	cJSON *cfg = json_doc_parse(text, len, what, e);
	const cJSON *v;

	if (!cfg) {
		if (e->kind == FC_ERR_INPUT)
			e->kind = kind;
		return NULL;
	}
	if (!cJSON_IsObject(cfg)) {
		fc_fail(e, kind, "%s is not a JSON object", what);
		goto bad;
	}
	v = get(cfg, "auths");
	if (v && !cJSON_IsObject(v)) {
		fc_fail(e, kind, "%s: \"auths\" is not a JSON object", what);
		goto bad;
	}
	cJSON_ArrayForEach(v, get(cfg, "auths"))
		if (check_entry(v, what, kind, e) < 0)
			goto bad;
	v = get(cfg, "credsStore");
	if (v && !(cJSON_IsString(v) && (valid_helper_name(v->valuestring) ||
					 !*v->valuestring))) {
		fc_fail(e, kind, "%s: \"credsStore\" must be a helper name such as "
			"\"ecr-login\" (letters, digits, '.', '_', '-')", what);
		goto bad;
	}
	v = get(cfg, "credHelpers");
	if (v && !cJSON_IsObject(v)) {
		fc_fail(e, kind, "%s: \"credHelpers\" is not a JSON object", what);
		goto bad;
	}
	cJSON_ArrayForEach(v, get(cfg, "credHelpers"))
		if (!cJSON_IsString(v) || !valid_helper_name(v->valuestring)) {
			fc_fail(e, kind, "%s: credHelpers \"%s\" must be a helper name "
				"such as \"ecr-login\" (letters, digits, '.', '_', '-')",
				what, v->string);
			goto bad;
		}
	return cfg;
bad:
	cJSON_Delete(cfg);
	return NULL;
}

cJSON *pulltoken_decode(const char *token, struct fc_err *e)
{
	static const char what[] = "-pulltoken (decoded from base64)";
	size_t n, bad_at, len = strlen(token);
	unsigned char *raw = base64_decode(token, len, &n, &bad_at);
	cJSON *cfg;

	if (!raw) {
		if (bad_at == SIZE_MAX)
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		else if (token[strspn(token, " \t\r\n")] == '{')
			fc_fail(e, FC_ERR_USAGE,
				"-pulltoken is JSON, not base64: pass it encoded, "
				"as the output of `base64 -w 0`");
		else if (bad_at < len)
			fc_fail(e, FC_ERR_USAGE,
				"-pulltoken is not base64: character %zu is '%c': pass "
				"base64 of a docker config.json, made with `base64 -w 0`",
				bad_at + 1, (unsigned char)token[bad_at] >= ' ' &&
				(unsigned char)token[bad_at] < 0x7f ? token[bad_at] : '?');
		else
			fc_fail(e, FC_ERR_USAGE,
				"-pulltoken is not base64: it is cut short (%zu "
				"characters): copy the whole token", len);
		return NULL;
	}
	if (n == 0) {
		free(raw);
		fc_fail(e, FC_ERR_USAGE, "-pulltoken is empty: pass base64 of a "
			"docker config.json, or leave the flag out");
		return NULL;
	}
	cfg = docker_config_parse((const char *)raw, n, what, FC_ERR_USAGE, e);
	free(raw);
	if (!cfg)
		return NULL;
	if (!cJSON_IsObject(get(cfg, "auths"))) {
		cJSON_Delete(cfg);
		fc_fail(e, FC_ERR_USAGE,
			"%s has no \"auths\" object: it must look like "
			"{\"auths\":{\"HOST\":{\"auth\":\"BASE64 OF USER:PASSWORD\"}}}", what);
		return NULL;
	}
	return cfg;
}

/* docker's ConvertToHostname: "https://host/v1/" -> "host". */
static size_t hostname_of(const char *key, const char **start)
{
	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	*start = key;
	return strcspn(key, "/");
}

static int same_host(const char *a, const char *b)
{
	const char *ha, *hb;
	size_t na = hostname_of(a, &ha), nb = hostname_of(b, &hb);

	return na == nb && strncmp(ha, hb, na) == 0;
}

const cJSON *docker_config_auths_entry(const cJSON *cfg, const char *key,
				       const char **matched_key)
{
	const cJSON *auths = get(cfg, "auths"), *v = get(auths, key);
	/* Docker Hub's credentials are found under several names. */
	int hub = strcmp(key, "https://index.docker.io/v1/") == 0;

	if (!v) {
		cJSON_ArrayForEach(v, auths) {
			if (same_host(v->string, key))
				break;
			if (hub && (same_host(v->string, "docker.io") ||
				    same_host(v->string, "registry-1.docker.io")))
				break;
		}
	}
	if (v && matched_key)
		*matched_key = v->string;
	return v;
}

const char *docker_config_helper(const cJSON *cfg, const char *key,
				 int *from_store)
{
	const cJSON *helpers = get(cfg, "credHelpers"), *v = get(helpers, key);

	*from_store = 0;
	if (!v)
		cJSON_ArrayForEach(v, helpers)
			if (same_host(v->string, key))
				break;
	if (!v) {
		v = get(cfg, "credsStore");
		if (cJSON_IsString(v) && !*v->valuestring)
			v = NULL;
		*from_store = v != NULL;
	}
	return v && cJSON_IsString(v) ? v->valuestring : NULL;
}

static int dup2str(const char *a, const char *b, char **x, char **y)
{
	*x = strdup(a);
	*y = strdup(b);
	if (*x && *y)
		return 1;
	free(*x);
	free(*y);
	*x = *y = NULL;
	return -1;
}

int docker_config_entry_creds(const cJSON *entry, char **user, char **secret,
			      int *identity)
{
	const cJSON *auth = get(entry, "auth"), *u = get(entry, "username"),
		    *p = get(entry, "password"), *id = get(entry, "identitytoken");

	*user = *secret = NULL;
	*identity = 0;
	if (cJSON_IsString(id) && *id->valuestring) {
		*identity = 1;
		return dup2str(cJSON_IsString(u) ? u->valuestring : "",
			       id->valuestring, user, secret);
	}
	if (cJSON_IsString(auth) && *auth->valuestring) {
		int rc = decode_auth(auth->valuestring, user, secret);

		return rc == 0 ? 1 : rc == -3 ? -1 : 0;
	}
	if (cJSON_IsString(u) && *u->valuestring)
		return dup2str(u->valuestring,
			       cJSON_IsString(p) ? p->valuestring : "", user, secret);
	return 0;
}
