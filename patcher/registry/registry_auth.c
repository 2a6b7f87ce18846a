/* registry_auth.c: answering a registry's 401 (registry_session.h): the
 * challenge says Basic (ECR, htpasswd registries) or Bearer through a
 * token server (Docker Hub, GHCR, Harbor, Quay), and the answer is
 * whichever it asks for. */
#include "registry_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_challenge.h"
#include "base64.h"
#include "registry_reply.h"

/* user:secret as a Basic Authorization value, malloc'd. */
static char *basic_value(const struct credential *c)
{
	size_t n = strlen(c->user) + strlen(c->secret) + 2;
	char *pair = malloc(n), *b64, *out = NULL;

	if (!pair)
		return NULL;
	snprintf(pair, n, "%s:%s", c->user, c->secret);
	b64 = base64_encode(pair, n - 1);
	explicit_bzero(pair, n);
	free(pair);
	if (b64 && asprintf(&out, "Basic %s", b64) < 0)
		out = NULL;
	free(b64);
	return out;
}

/* A value safe to put in a message: printable, bounded. */
void registry_shown(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	for (; src && *src && o + 1 < cap; src++)
		dst[o++] = (unsigned char)*src >= ' ' && (unsigned char)*src < 0x7f ?
				   *src : '?';
	dst[o] = '\0';
}

static char *escaped(CURL *curl, const char *s)
{
	return curl_easy_escape(curl, s, 0);
}

/* The token request for a challenge: a GET with Basic credentials (or
 * none), or, for an OAuth2 refresh token (docker login to ACR, helpers
 * that answer Username "<token>"), a form POST. Fills url and maybe form
 * and basic, all malloc'd. */
static int token_request(struct session *s, const char *realm,
			 const char *service, const char *scope, char **url,
			 char **form, char **basic)
{
	char *q_service = service ? escaped(s->hc.curl, service) : NULL;
	char *q_scope = escaped(s->hc.curl, scope), *q_refresh = NULL;
	int rc = -1;

	if (!q_scope || (service && !q_service))
		goto out;
	if (s->c->source != CRED_ANONYMOUS && s->c->identity_token) {
		q_refresh = escaped(s->hc.curl, s->c->secret);
		if (!q_refresh ||
		    asprintf(form, "grant_type=refresh_token&client_id=falcon-patcher"
			     "&refresh_token=%s&scope=%s%s%s", q_refresh, q_scope,
			     q_service ? "&service=" : "", q_service ? q_service : "") < 0) {
			*form = NULL;
			goto out;
		}
		*url = strdup(realm);
	} else {
		if (asprintf(url, "%s%sscope=%s%s%s", realm,
			     strchr(realm, '?') ? "&" : "?", q_scope,
			     q_service ? "&service=" : "", q_service ? q_service : "") < 0)
			*url = NULL;
		if (s->c->source != CRED_ANONYMOUS && !(*basic = basic_value(s->c)))
			goto out;
	}
	rc = *url ? 0 : -1;
out:
	if (q_refresh) {
		explicit_bzero(q_refresh, strlen(q_refresh));
		curl_free(q_refresh);
	}
	curl_free(q_service);
	curl_free(q_scope);
	return rc;
}

/* The message for a token server's 401 or 403. */
static int token_refused(struct session *s, const struct http_reply *rep,
			 const char *realm_host, struct fc_err *e)
{
	char code[64], msg[200];

	reply_error(rep->body, rep->len, code, sizeof code, msg, sizeof msg);
	if (s->c->source == CRED_ANONYMOUS)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "the token server %s refused an anonymous token for %s "
			       "(HTTP %ld%s%s), and there are no credentials for it "
			       "(%s): pass -pulltoken, or docker login so that the "
			       "docker config has them", realm_host, s->r->repo,
			       rep->status, *msg ? ": " : "", msg, s->c->what);
	return fc_fail(e, FC_ERR_LOOKUP,
		       "the token server %s refused %s (HTTP %ld%s%s): check the "
		       "user name and password, and that the account may pull %s",
		       realm_host, s->c->what, rep->status, *msg ? ": " : "", msg,
		       s->r->repo);
}

static void free_secret(char *p)
{
	if (p)
		explicit_bzero(p, strlen(p));
	free(p);
}

/* Gets a Bearer token from the realm the challenge names. */
static int fetch_token(struct session *s, const struct auth_challenge *ch,
		       struct fc_err *e)
{
	const char *realm = auth_param(ch, "realm");
	const char *scope = auth_param(ch, "scope");
	char default_scope[300], realm_host[300], sh[200];
	char *url = NULL, *form = NULL, *basic = NULL, *token = NULL;
	struct http_reply rep = { 0 };
	int rc = -1;

	if (!realm || (strncasecmp(realm, "https://", 8) != 0 &&
		       strncasecmp(realm, "http://", 7) != 0)) {
		registry_shown(sh, sizeof sh, realm ? realm : "");
		return fc_fail(e, FC_ERR_LOOKUP, "%s asked for a Bearer token but "
			       "its challenge has no usable realm URL (\"%s\")",
			       s->r->host, sh);
	}
	http_url_host(realm, realm_host, sizeof realm_host);
	if (!scope) {
		snprintf(default_scope, sizeof default_scope, "repository:%s:pull",
			 s->r->repo);
		scope = default_scope;
	}
	if (token_request(s, realm, auth_param(ch, "service"), scope, &url, &form,
			  &basic) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	struct http_request rq = {
		.url = url, .authorization = basic, .accept = "application/json",
		.form = form, .max_body = TOKEN_MAX,
	};

	if (http_request(&s->hc, &rq, &rep, e) < 0)
		goto out;
	if (rep.status == 401 || rep.status == 403) {
		token_refused(s, &rep, realm_host, e);
		goto out;
	}
	if (rep.status != 200) {
		fc_fail(e, FC_ERR_LOOKUP, "the token server %s answered HTTP %ld "
			"to a token request for %s", realm_host, rep.status, s->r->repo);
		goto out;
	}
	if (reply_parse_token(rep.body, rep.len, &token, e) < 0) {
		char msg[sizeof e->msg];

		snprintf(msg, sizeof msg, "%.900s (token server %.80s)", e->msg,
			 realm_host);
		snprintf(e->msg, sizeof e->msg, "%s", msg);
		goto out;
	}
	free_secret(s->authz);
	if (asprintf(&s->authz, "Bearer %s", token) < 0) {
		s->authz = NULL;
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	snprintf(s->how, sizeof s->how, "a Bearer token from %.40s", realm_host);
	rc = 0;
out:
	free_secret(token);
	free_secret(basic);
	free_secret(form);
	free(url);
	http_reply_free(&rep);
	return rc;
}

/* Sets s->authz from a 401's challenge. */
int registry_answer(struct session *s, const struct http_reply *rep, struct fc_err *e)
{
	struct auth_challenges ac = { 0 };
	const struct auth_challenge *bearer, *basic;
	int rc;

	s->answered = 1;
	if (!rep->www_authenticate ||
	    auth_challenges_parse(rep->www_authenticate,
				  strlen(rep->www_authenticate), &ac) < 0) {
		auth_challenges_free(&ac);
		return fc_fail(e, FC_ERR_LOOKUP, "%s answered 401 without a "
			       "WWW-Authenticate challenge this client can read",
			       s->r->host);
	}
	bearer = auth_find(&ac, AUTH_BEARER);
	basic = auth_find(&ac, AUTH_BASIC);
	if (bearer) {
		rc = fetch_token(s, bearer, e);
	} else if (basic) {
		if (s->c->source == CRED_ANONYMOUS) {
			rc = fc_fail(e, FC_ERR_LOOKUP,
				     "%s needs credentials (HTTP 401, Basic) and none "
				     "were found (%s): pass -pulltoken, or docker "
				     "login so that the docker config has them%s",
				     s->r->host, s->c->what,
				     image_ref_is_ecr(s->r->host) ?
					     " (for ECR: a pull token from `aws ecr "
					     "get-login-password`, or credHelpers "
					     "\"ecr-login\")" : "");
		} else {
			free(s->authz);
			s->authz = basic_value(s->c);
			rc = s->authz ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			snprintf(s->how, sizeof s->how, "Basic");
		}
	} else {
		rc = fc_fail(e, FC_ERR_LOOKUP, "%s asks for an authentication "
			     "scheme this client does not speak (only Basic and "
			     "Bearer)", s->r->host);
	}
	auth_challenges_free(&ac);
	return rc;
}

