/* ecs_api.c: the ECS JSON 1.1 API on libcurl (see ecs_api.h). */
#include "ecs_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "json_doc.h"

#define TARGET_PREFIX "AmazonEC2ContainerServiceV20141113."

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A number in [0, n]; jitter needs no cryptographic quality, only that
 * several patchers started together do not retry in step. */
static long jitter(long n)
{
	unsigned long r = 0;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned long)now_ms() ^ ((unsigned long)getpid() << 16);
	return n > 0 ? (long)(r % ((unsigned long)n + 1)) : 0;
}

int ecs_client_init(struct ecs_client *ec, const char *region,
		    const char *endpoint_url, const struct aws_creds *creds,
		    struct fc_err *e)
{
	memset(ec, 0, sizeof *ec);
	ec->creds = creds;
	ec->set.connect_timeout_ms = 5000;
	ec->set.timeout_ms = ECS_ATTEMPT_TIMEOUT_MS;
	ec->set.peer = "the ECS endpoint";
	snprintf(ec->region, sizeof ec->region, "%s", region);
	if (endpoint_url) {
		size_t n = strlen(endpoint_url);

		if ((strncasecmp(endpoint_url, "https://", 8) != 0 &&
		     strncasecmp(endpoint_url, "http://", 7) != 0) ||
		    n >= sizeof ec->endpoint || strpbrk(endpoint_url, " \t\r\n?#"))
			return fc_fail(e, FC_ERR_USAGE,
				       "-endpoint-url \"%.200s\" is not an http(s) URL "
				       "without query, e.g. https://ecs.us-east-1.amazonaws.com "
				       "or a VPC endpoint's DNS name", endpoint_url);
		while (n > 0 && endpoint_url[n - 1] == '/')
			n--;
		memcpy(ec->endpoint, endpoint_url, n);
		ec->endpoint[n] = '\0';
	} else {
		snprintf(ec->endpoint, sizeof ec->endpoint,
			 "https://ecs.%s.amazonaws.com%s", region,
			 strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	}
	/* Given in full, so that an endpoint's host name (loopback, a VPC
	 * endpoint) is never parsed for the region or the service. */
	snprintf(ec->sigv4, sizeof ec->sigv4, "aws:amz:%s:ecs", region);
	return http_client_init(&ec->http, &ec->set, e);
}

void ecs_client_free(struct ecs_client *ec)
{
	http_client_free(&ec->http);
}

static int auth_code(const char *code)
{
	static const char *const codes[] = {
		"UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignatureException", "ExpiredTokenException",
		"InvalidClientTokenId", "SignatureDoesNotMatch",
		"MissingAuthenticationTokenException", "ExpiredToken",
	};

	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* The error for a reply that retrying will not change. */
static int refused(struct ecs_client *ec, const char *action, long status,
		   const char *code, const char *msg, struct fc_err *e)
{
	if (auth_code(code))
		return fc_fail(e, FC_ERR_USAGE,
			       "ECS refused the credentials from %s (%s: %s): they "
			       "are wrong or expired, or belong to another partition; "
			       "refresh them", ec->creds->source, code, msg);
	if (strcmp(code, "AccessDeniedException") == 0)
		return fc_fail(e, FC_ERR_USAGE,
			       "the credentials from %s may not call ecs:%s (%s): "
			       "grant ecs:ListTaskDefinitionFamilies, "
			       "ecs:DescribeTaskDefinition, ecs:RegisterTaskDefinition, "
			       "ecs:TagResource and iam:PassRole on the task's roles",
			       ec->creds->source, action, msg);
	return fc_fail(e, FC_ERR_INPUT, "ECS %s refused the request: HTTP %ld %s%s%s",
		       action, status, *code ? code : "(no error code)",
		       *msg ? ": " : "", msg);
}

/* Adds a header line to l; NULL when out of memory (l is then freed). */
static struct curl_slist *add_header(struct curl_slist *l, const char *line)
{
	struct curl_slist *h = curl_slist_append(l, line);

	if (!h)
		curl_slist_free_all(l);
	return h;
}

/* One API call, retried as ecs_api.h says; *rep is the 200 reply. */
static int ecs_call(struct ecs_client *ec, const char *action, const char *body,
		    struct http_reply *rep, struct fc_err *e)
{
	char target[128], host[300], last[700] = "no attempt was made";
	char *token_line = NULL;
	struct curl_slist *hdr = NULL;
	long deadline = now_ms() + ECS_CALL_DEADLINE_MS;
	int attempt, rc = -1;

	ec->last_code[0] = '\0';
	http_url_host(ec->endpoint, host, sizeof host);
	snprintf(target, sizeof target, "X-Amz-Target: " TARGET_PREFIX "%s", action);
	if (!(hdr = add_header(hdr, "Content-Type: application/x-amz-json-1.1")) ||
	    !(hdr = add_header(hdr, target)))
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	if (ec->creds->token[0]) {
		/* libcurl signs it with the other headers (it is not part of
		 * CURLOPT_AWS_SIGV4's own work). */
		size_t n = strlen(ec->creds->token) + 32;

		token_line = malloc(n);
		if (!token_line) {
			curl_slist_free_all(hdr);
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		}
		snprintf(token_line, n, "X-Amz-Security-Token: %s", ec->creds->token);
		if (!(hdr = add_header(hdr, token_line))) {
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto out;
		}
	}
	struct http_request rq = {
		.url = ec->endpoint,
		.form = body,
		.max_body = ECS_REPLY_MAX,
		.headers = hdr,
		.aws_sigv4 = ec->sigv4,
		.aws_key = ec->creds->key_id,
		.aws_secret = ec->creds->secret,
		.no_retry = 1,
	};

	for (attempt = 1; attempt <= ECS_MAX_ATTEMPTS; attempt++) {
		long left = deadline - now_ms();

		if (left <= 0)
			break;
		ec->set.timeout_ms = left < ECS_ATTEMPT_TIMEOUT_MS ? left :
				     ECS_ATTEMPT_TIMEOUT_MS;
		if (http_request(&ec->http, &rq, rep, e) < 0) {
			/* No answer at all (reset, timeout, refused): as
			 * transient as a 503. */
			snprintf(last, sizeof last, "%.600s", e->msg);
		} else if (rep->status == 200) {
			rc = 0;
			goto out;
		} else {
			char code[64], msg[300];

			ecs_reply_error(rep->body, rep->len, code, sizeof code, msg,
					sizeof msg);
			snprintf(ec->last_code, sizeof ec->last_code, "%s", code);
			if (rep->status != 429 && rep->status < 500 &&
			    !ecs_reply_throttled(code)) {
				refused(ec, action, rep->status, code, msg, e);
				http_reply_free(rep);
				goto out;
			}
			snprintf(last, sizeof last, "HTTP %ld %s%s%s", rep->status,
				 *code ? code : "(no error code)", *msg ? ": " : "", msg);
			http_reply_free(rep);
		}
		if (attempt == ECS_MAX_ATTEMPTS)
			break;
		/* Exponential backoff with "equal jitter": half the step
		 * fixed, so the wait really grows, half random, so that
		 * patchers started together spread out. */
		long step = ECS_BACKOFF_BASE_MS << (attempt - 1);

		if (step > ECS_BACKOFF_CAP_MS)
			step = ECS_BACKOFF_CAP_MS;
		long wait = step / 2 + jitter(step / 2);

		if (now_ms() + wait >= deadline)
			break;
		ec->retries++;
		usleep((useconds_t)wait * 1000);
	}
	fc_fail(e, FC_ERR_LOOKUP,
		"ECS %s at %s failed %d time%s within %d s (the last: %s): ECS is "
		"throttling or unavailable; try again later, or patch fewer "
		"families at once", action, host, attempt > ECS_MAX_ATTEMPTS ?
		ECS_MAX_ATTEMPTS : attempt, attempt == 1 ? "" : "s",
		ECS_CALL_DEADLINE_MS / 1000, last);
out:
	curl_slist_free_all(hdr);
	if (token_line) {
		explicit_bzero(token_line, strlen(token_line));
		free(token_line);
	}
	return rc;
}

/* Serialises a request object (and frees it). */
static char *request_text(cJSON *req, struct fc_err *e)
{
	size_t len;
	char *text = req ? json_doc_print(req, 0, &len) : NULL;

	cJSON_Delete(req);
	if (!text)
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	return text;
}

int ecs_describe(struct ecs_client *ec, const char *ref, char **body,
		 size_t *len, char *arn, size_t arn_cap, struct fc_err *e)
{
	cJSON *req = cJSON_CreateObject();
	cJSON *include = cJSON_AddArrayToObject(req, "include");
	struct http_reply rep = { 0 };
	char *text;

	*body = NULL;
	*len = 0;
	/* Without include TAGS the reply has no tags, and the new revision
	 * would lose them. */
	if (!include || !cJSON_AddItemToArray(include, cJSON_CreateString("TAGS")) ||
	    !cJSON_AddStringToObject(req, "taskDefinition", ref)) {
		cJSON_Delete(req);
		req = NULL;
	}
	if (!(text = request_text(req, e)))
		return -1;
	int rc = ecs_call(ec, "DescribeTaskDefinition", text, &rep, e);

	free(text);
	if (rc < 0) {
		if (e->kind == FC_ERR_INPUT && strcmp(ec->last_code, "ClientException") == 0) {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			fc_fail(e, FC_ERR_INPUT,
				"task definition \"%s\" was not found in %s (%s): check "
				"the family name and revision, and -region", ref,
				ec->region, why);
		}
		return -1;
	}
	if (ecs_reply_arn(rep.body, rep.len, arn, arn_cap, e) < 0) {
		http_reply_free(&rep);
		return -1;
	}
	*body = rep.body;
	*len = rep.len;
	rep.body = NULL;
	http_reply_free(&rep);
	return 0;
}

int ecs_list_families(struct ecs_client *ec, const char *prefix, int max,
		      struct ecs_families *out, struct fc_err *e)
{
	/* Each page holds at least one name unless it is the last, so this
	 * bounds a server that keeps handing out tokens. */
	int pages = max + 2;

	memset(out, 0, sizeof *out);
	for (int page = 0; page < pages; page++) {
		cJSON *req = cJSON_CreateObject();
		struct http_reply rep = { 0 };
		char *text;

		if (!cJSON_AddStringToObject(req, "familyPrefix", prefix) ||
		    !cJSON_AddStringToObject(req, "status", "ACTIVE") ||
		    (out->next_token &&
		     !cJSON_AddStringToObject(req, "nextToken", out->next_token))) {
			cJSON_Delete(req);
			req = NULL;
		}
		if (!(text = request_text(req, e)))
			goto fail;
		int rc = ecs_call(ec, "ListTaskDefinitionFamilies", text, &rep, e);

		free(text);
		if (rc < 0)
			goto fail;
		int before = out->n;

		rc = ecs_reply_families(rep.body, rep.len, out, max, e);
		http_reply_free(&rep);
		if (rc < 0)
			goto fail;
		if (!out->next_token)
			return 0;
		if (out->n == before) {
			fc_fail(e, FC_ERR_LOOKUP,
				"ECS ListTaskDefinitionFamilies returned an empty page "
				"with a nextToken: refusing to page on");
			goto fail;
		}
	}
	fc_fail(e, FC_ERR_LOOKUP, "ECS ListTaskDefinitionFamilies kept paging past "
		"%d pages: refusing to go on", pages);
fail:
	ecs_families_free(out);
	return -1;
}

int ecs_register(struct ecs_client *ec, const char *def, char *arn,
		 size_t arn_cap, struct fc_err *e)
{
	struct http_reply rep = { 0 };

	if (ecs_call(ec, "RegisterTaskDefinition", def, &rep, e) < 0)
		return -1;
	int rc = ecs_reply_arn(rep.body, rep.len, arn, arn_cap, e);

	http_reply_free(&rep);
	return rc;
}
