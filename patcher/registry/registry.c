/* registry.c: the distribution protocol for one image (see registry.h).
 *
 * The first request goes out without credentials, and the 401's challenge
 * says how to authenticate: Basic (ECR, htpasswd registries) or Bearer
 * through a token server (Docker Hub, GHCR, Harbor, Quay). Answering
 * whichever the registry asks, instead of assuming Bearer, is what keeps
 * ECR working. One session per image: a Bearer token is scoped to one
 * repository anyway. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth_challenge.h"
#include "digest.h"
#include "registry_reply.h"
#include "registry_session.h"

int registry_is_insecure(const struct registry_settings *rs, const char *host)
{
	size_t hlen = strlen(host);
	const char *colon = strrchr(host, ':');
	size_t bare = colon && !strchr(colon, ']') ? (size_t)(colon - host) : hlen;

	for (int i = 0; i < rs->n_insecure; i++) {
		const char *v = rs->insecure[i];
		size_t n = strlen(v);

		if ((n == hlen && strncasecmp(v, host, n) == 0) ||
		    (n == bare && strncasecmp(v, host, n) == 0))
			return 1;
	}
	return 0;
}

/* ACCOUNT.dkr.ecr.REGION.amazonaws.com -> REGION */
static void ecr_region(const char *host, char *out, size_t cap)
{
	const char *p = strstr(host, ".dkr.ecr");
	size_t n;

	out[0] = '\0';
	if (!p || !(p = strchr(p + 1, '.')) || !(p = strchr(p + 1, '.')))
		return;
	p++;
	n = strcspn(p, ".");
	if (n < cap) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/* The error="..." of a Bearer challenge (RFC 6750) into out, or "". */
static void token_error(const struct http_reply *rep, char *out, size_t cap)
{
	struct auth_challenges ac = { 0 };
	const struct auth_challenge *b;

	out[0] = '\0';
	if (rep->www_authenticate &&
	    auth_challenges_parse(rep->www_authenticate,
				  strlen(rep->www_authenticate), &ac) == 0 &&
	    (b = auth_find(&ac, AUTH_BEARER)) && auth_param(b, "error"))
		registry_shown(out, cap, auth_param(b, "error"));
	auth_challenges_free(&ac);
}

/* The message for a 401 or 403 that the credentials did not get past. */
static int denied(struct session *s, const struct http_reply *rep,
		  struct fc_err *e)
{
	char code[64], msg[200], region[40], terr[80];

	reply_error(rep->body, rep->len, code, sizeof code, msg, sizeof msg);
	token_error(rep, terr, sizeof terr);
	if (image_ref_is_ecr(s->r->host) && s->c->source == CRED_PULLTOKEN) {
		ecr_region(s->r->host, region, sizeof region);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s refused %s (HTTP %ld%s%s): ECR pull tokens expire "
			       "after 12 hours, so this one has probably expired: make "
			       "a new one from `aws ecr get-login-password --region %s` "
			       "(as the guide shows), or use credHelpers \"ecr-login\" "
			       "through -docker-config, which does not expire",
			       s->r->host, s->c->what, rep->status, *msg ? ": " : "",
			       msg, region);
	}
	if (image_ref_is_ecr(s->r->host) && s->c->source == CRED_DOCKER_CONFIG) {
		ecr_region(s->r->host, region, sizeof region);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s refused %s (HTTP %ld%s%s): ECR logins expire after "
			       "12 hours: log in again with `aws ecr get-login-password "
			       "--region %s | docker login --username AWS "
			       "--password-stdin %s`, or use credHelpers \"ecr-login\"",
			       s->r->host, s->c->what, rep->status, *msg ? ": " : "",
			       msg, region, s->r->host);
	}
	if (s->c->source == CRED_ANONYMOUS)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s refused access to %s without credentials (HTTP "
			       "%ld%s%s), and none were found (%s): pass -pulltoken, "
			       "or docker login "
			       "so that the docker config has them%s", s->r->host,
			       s->r->repo, rep->status, *msg ? ": " : "", msg,
			       s->c->what, s->r->docker_hub ?
				       " (Docker Hub also answers this way for a "
				       "repository that does not exist)" : "");
	if (s->how[0] == 'a' && rep->status == 401)
		/* A Bearer token the token server issued, and the registry
		 * refused: the token, not the password, is wrong. */
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s refused %s that the token server issued for %s "
			       "(HTTP 401%s%s%s%s): the token is expired, not yet "
			       "valid, or signed by a key the registry does not trust; "
			       "check the clocks and the token server's keys (credentials "
			       "used: %s)", s->r->host, s->how, s->r->repo,
			       *msg ? ": " : "", msg, *terr ? "; " : "", terr,
			       s->c->what);
	return fc_fail(e, FC_ERR_LOOKUP,
		       "%s refused %s for %s (HTTP %ld%s%s, sent as %s): check the "
		       "user name and password, and that the account may pull "
		       "this repository", s->r->host, s->c->what, s->r->repo,
		       rep->status, *msg ? ": " : "", msg,
		       s->how[0] ? s->how : "none");
}

/* A 404 for the manifest: the repository or the tag? Registries built on
 * distribution say MANIFEST_UNKNOWN for both, so the tag list decides. */
static int manifest_missing(struct session *s, const char *code,
			    struct fc_err *e)
{
	char url[700], tags[200] = "", tcode[64], tmsg[16];
	const char *ref = image_ref_reference(s->r);
	const char *what = s->r->digest[0] ? "digest" : "tag";
	struct http_reply rep;
	struct fc_err ignored;
	int repo_missing = strcmp(code, "NAME_UNKNOWN") == 0;

	snprintf(url, sizeof url, "%s/v2/%s/tags/list", s->base, s->r->repo);
	struct http_request rq = {
		.url = url, .authorization = s->authz,
		.accept = "application/json", .max_body = MANIFEST_MAX,
	};

	if (!repo_missing && http_request(&s->hc, &rq, &rep, &ignored) == 0) {
		reply_error(rep.body, rep.len, tcode, sizeof tcode, tmsg, sizeof tmsg);
		repo_missing = rep.status == 404 && strcmp(tcode, "NAME_UNKNOWN") == 0;
		if (rep.status == 200)
			reply_tags(rep.body, rep.len, 5, tags, sizeof tags);
		http_reply_free(&rep);
	}
	if (repo_missing)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "repository %s does not exist on %s (404 NAME_UNKNOWN): "
			       "check the image name, or push the image", s->r->repo,
			       s->r->host);
	return fc_fail(e, FC_ERR_LOOKUP,
		       "%s %s is not in repository %s on %s (404%s%s%s%s): check "
		       "the %s, or push it", what, ref, s->r->repo, s->r->host,
		       *code ? " " : "", code, *tags ? "; it has tags " : "", tags,
		       what);
}

/* The message for a final status other than 200 on path. */
static int status_error(struct session *s, const struct http_reply *rep,
			int blob, struct fc_err *e)
{
	char code[64], msg[200];

	if (rep->status == 401 || rep->status == 403)
		return denied(s, rep, e);
	reply_error(rep->body, rep->len, code, sizeof code, msg, sizeof msg);
	if (rep->status == 404) {
		if (strcmp(code, "NAME_UNKNOWN") == 0)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "repository %s does not exist on %s (404 "
				       "NAME_UNKNOWN): check the image name", s->r->repo,
				       s->r->host);
		if (blob)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "%s has the manifest of %s but not its config "
				       "blob (404%s%s): the image is incomplete; push it "
				       "again", s->r->host, s->r->repo, *code ? " " : "",
				       code);
		return manifest_missing(s, code, e);
	}
	if (rep->status == 429)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s is limiting the request rate (429 Too Many Requests): "
			       "wait and run again, or authenticate (Docker Hub limits "
			       "anonymous pulls)", s->r->host);
	if (rep->status >= 500)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s failed with HTTP %ld twice%s%s: the registry has a "
			       "problem; try again later", s->r->host, rep->status,
			       *msg ? ": " : "", msg);
	return fc_fail(e, FC_ERR_LOOKUP, "%s answered HTTP %ld%s%s to a %s request "
		       "for %s", s->r->host, rep->status, *msg ? ": " : "", msg,
		       blob ? "config blob" : "manifest", s->r->repo);
}

/* GET base+path, answering one auth challenge; leaves a 200 in rep. */
static int get(struct session *s, const char *path, const char *accept,
	       size_t max, int blob, struct http_reply *rep, struct fc_err *e)
{
	char url[1024];

	snprintf(url, sizeof url, "%s%s", s->base, path);
	struct http_request rq = {
		.url = url, .accept = accept, .max_body = max,
	};

	for (;;) {
		rq.authorization = s->authz;
		if (http_request(&s->hc, &rq, rep, e) < 0)
			return -1;
		if (rep->status != 401 || s->answered)
			break;
		int rc = registry_answer(s, rep, e);

		http_reply_free(rep);
		if (rc < 0)
			return -1;
	}
	if (rep->status == 200)
		return 0;
	status_error(s, rep, blob, e);
	http_reply_free(rep);
	return -1;
}

/* The sha256 digest string of a reply's body. libcrypto fails only when
 * out of memory or configured without SHA-256: not the registry's fault. */
static int reply_digest(const struct http_reply *rep, char out[72],
			struct fc_err *e)
{
	if (digest_sha256_string(rep->body, rep->len, out) == 0)
		return 0;
	return fc_fail(e, FC_ERR_SYSTEM, "cannot compute a sha256 digest with "
		       "libcrypto (out of memory, or SHA-256 disabled by its "
		       "configuration)");
}

static int check_digest(struct session *s, const struct http_reply *rep,
			const char *want, const char *what, struct fc_err *e)
{
	char got[72];

	if (reply_digest(rep, got, e) < 0)
		return -1;
	if (strcmp(got, want) == 0)
		return 0;
	return fc_fail(e, FC_ERR_LOOKUP,
		       "%s sent a %s for %s whose sha256 is %s, not %s: the "
		       "registry or something between it and this machine altered "
		       "it; refusing it", s->r->host, what, s->r->repo, got, want);
}

/* The manifest at ref, through an index when ref names one. */
static int fetch_manifest(struct session *s, const char *task_arch,
			  struct manifest *m, struct image_meta *meta,
			  struct fc_err *e)
{
	struct http_reply rep;
	char path[600];
	const char *ref = image_ref_reference(s->r);

	snprintf(path, sizeof path, "/v2/%s/manifests/%s", s->r->repo, ref);
	if (get(s, path, MANIFEST_ACCEPT, MANIFEST_MAX, 0, &rep, e) < 0)
		return -1;
	if (s->r->digest[0] && check_digest(s, &rep, s->r->digest, "manifest", e) < 0)
		goto fail;
	if (reply_digest(&rep, meta->digest, e) < 0)
		goto fail;
	if (reply_parse_manifest(rep.body, rep.len, rep.content_type, m, e) < 0)
		goto fail;
	http_reply_free(&rep);
	if (!m->is_index)
		return 0;

	int i = reply_select_platform(m, task_arch, e);

	if (i < 0)
		return -1;
	char digest[72];

	memcpy(digest, m->entries[i].digest, sizeof digest);
	manifest_free(m);
	snprintf(path, sizeof path, "/v2/%s/manifests/%s", s->r->repo, digest);
	if (get(s, path, MANIFEST_ACCEPT, MANIFEST_MAX, 0, &rep, e) < 0)
		return -1;
	if (check_digest(s, &rep, digest, "manifest", e) < 0)
		goto fail;
	memcpy(meta->digest, digest, sizeof digest);
	if (reply_parse_manifest(rep.body, rep.len, rep.content_type, m, e) < 0)
		goto fail;
	http_reply_free(&rep);
	if (m->is_index) {
		manifest_free(m);
		return fc_fail(e, FC_ERR_LOOKUP, "the index entry for %s on %s is "
			       "itself an index; nested indexes are not supported",
			       s->r->repo, s->r->host);
	}
	return 0;
fail:
	http_reply_free(&rep);
	return -1;
}

int registry_image_config(const struct registry_settings *rs,
			  const struct image_ref *r, const struct credential *c,
			  const char *task_arch, struct image_meta *meta,
			  struct fc_err *e)
{
	struct session s = { .rs = rs, .r = r, .c = c };
	struct manifest m = { 0 };
	struct http_reply rep = { 0 };
	char path[600];
	int rc = -1;

	memset(meta, 0, sizeof *meta);
	snprintf(s.base, sizeof s.base, "%s://%s",
		 registry_is_insecure(rs, r->host) ? "http" : "https", r->host);
	if (http_client_init(&s.hc, rs->http, e) < 0)
		return -1;
	if (fetch_manifest(&s, task_arch, &m, meta, e) < 0)
		goto out;
	snprintf(path, sizeof path, "/v2/%s/blobs/%s", r->repo, m.config_digest);
	if (get(&s, path, NULL, CONFIG_MAX, 1, &rep, e) < 0)
		goto out;
	if (check_digest(&s, &rep, m.config_digest, "config blob", e) < 0)
		goto out;
	if (m.config_size >= 0 && (size_t)m.config_size != rep.len) {
		fc_fail(e, FC_ERR_LOOKUP, "%s sent a config blob of %zu bytes for "
			"%s; the manifest says %lld", r->host, rep.len, r->repo,
			m.config_size);
		goto out;
	}
	if (reply_parse_config(rep.body, rep.len, &meta->entrypoint, &meta->cmd,
			       meta->platform, sizeof meta->platform, e) < 0)
		goto out;
	rc = 0;
out:
	http_reply_free(&rep);
	manifest_free(&m);
	if (s.authz)
		explicit_bzero(s.authz, strlen(s.authz));
	free(s.authz);
	http_client_free(&s.hc);
	if (rc < 0)
		image_meta_free(meta);
	return rc;
}

void image_meta_free(struct image_meta *m)
{
	cJSON_Delete(m->entrypoint);
	cJSON_Delete(m->cmd);
	memset(m, 0, sizeof *m);
}
