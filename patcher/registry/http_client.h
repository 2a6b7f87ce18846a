/* http_client.h: the HTTP requests a registry lookup makes, on libcurl:
 * timeouts, one retry on a 5xx or a reset connection, redirects followed by
 * hand so that Authorization never reaches another host (ECR sends blob
 * GETs to presigned S3 URLs, and S3 answers 400 to a foreign Authorization),
 * and curl's failures turned into messages that say what to fix. */
#ifndef FC_PATCHER_HTTP_CLIENT_H
#define FC_PATCHER_HTTP_CLIENT_H

#include <stddef.h>

#include <curl/curl.h>

#include "err.h"

struct http_settings {
	char *ca_pem; /* extra CA certificates (PEM), or NULL */
	size_t ca_len;
	long connect_timeout_ms;
	long timeout_ms;     /* for one request, body included */
	long retry_delay_ms; /* before the one retry */
	/* Who answers, for messages ("the ECS endpoint"); NULL: a registry,
	 * whose messages also suggest -registry-ca and -insecure-registry. */
	const char *peer;
};

struct http_client {
	CURL *curl;
	const struct http_settings *set;
	char errbuf[CURL_ERROR_SIZE];
};

struct http_request {
	const char *url;
	const char *authorization; /* header value, or NULL */
	const char *accept;        /* header value, or NULL */
	const char *form;          /* a POST body (form encoded); NULL for GET */
	size_t max_body;           /* a longer reply fails */
	/* For AWS APIs (live mode): more header lines, a body sent with
	 * them instead of `form`, AWS Signature Version 4 done by libcurl
	 * (CURLOPT_AWS_SIGV4 "aws:amz:REGION:SERVICE", the key and secret
	 * as user and password), and no retry here: the caller has its own
	 * policy, with backoff. A client that signed once is kept for
	 * signed requests only. */
	const struct curl_slist *headers;
	const char *aws_sigv4;
	const char *aws_key, *aws_secret;
	int no_retry;
};

struct http_reply {
	long status;
	char *body; /* NUL-terminated; len excludes the NUL */
	size_t len;
	char *www_authenticate; /* every WWW-Authenticate, joined by ", " */
	char *content_type;
	char *url; /* the URL that answered, after redirects */
	int auth_withheld; /* a redirect left the origin; Authorization dropped */
};

int http_client_init(struct http_client *hc, const struct http_settings *s,
		     struct fc_err *e);
void http_client_free(struct http_client *hc);

/* Sends rq and fills rep with whatever status the server answered.
 * Returns 0, or -1 with FC_ERR_LOOKUP when no HTTP answer came (DNS,
 * connect, TLS, timeout, reset twice, reply too large, redirect loop). */
int http_request(struct http_client *hc, const struct http_request *rq,
		 struct http_reply *rep, struct fc_err *e);

void http_reply_free(struct http_reply *rep);

/* "host[:port]" of url into out (cap bytes); "" when it does not parse. */
void http_url_host(const char *url, char *out, size_t cap);

#endif
