/* http_client.c: registry (and AWS API) HTTP on libcurl (see http_client.h). */
#include "http_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef FC_VERSION
#define FC_VERSION "dev"
#endif

#define MAX_REDIRECTS 5

int http_client_init(struct http_client *hc, const struct http_settings *s,
		     struct fc_err *e)
{
	memset(hc, 0, sizeof *hc);
	hc->set = s;
	hc->curl = curl_easy_init();
	if (!hc->curl)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot start libcurl (out of memory?)");
	return 0;
}

void http_client_free(struct http_client *hc)
{
	if (hc->curl)
		curl_easy_cleanup(hc->curl);
	memset(hc, 0, sizeof *hc);
}

void http_reply_free(struct http_reply *rep)
{
	free(rep->body);
	free(rep->www_authenticate);
	free(rep->content_type);
	free(rep->url);
	memset(rep, 0, sizeof *rep);
}

struct sink {
	char *buf;
	size_t len, cap, max;
	int too_big;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;

	if (n > s->max - s->len) {
		s->too_big = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;

		while (cap < s->len + n + 1)
			cap *= 2;
		char *p = realloc(s->buf, cap);

		if (!p)
			return 0;
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

/* scheme, host and port of url; -1 when it does not parse. */
static int origin_of(const char *url, char **scheme, char **host, char **port)
{
	CURLU *u = curl_url();
	int rc = -1;

	*scheme = *host = *port = NULL;
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		rc = 0;
	curl_url_cleanup(u);
	return rc;
}

static void free_origin(char *scheme, char *host, char *port)
{
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
}

/* 1 when a and b have the same scheme, host and port. */
static int same_origin(const char *a, const char *b)
{
	char *sa, *ha, *pa, *sb, *hb, *pb;
	int ok_a = origin_of(a, &sa, &ha, &pa) == 0;
	int ok_b = origin_of(b, &sb, &hb, &pb) == 0;
	int same = ok_a && ok_b && strcasecmp(sa, sb) == 0 &&
		   strcasecmp(ha, hb) == 0 && strcmp(pa, pb) == 0;

	free_origin(sa, ha, pa);
	free_origin(sb, hb, pb);
	return same;
}

void http_url_host(const char *url, char *out, size_t cap)
{
	char *scheme, *host, *port;

	out[0] = '\0';
	if (origin_of(url, &scheme, &host, &port) == 0) {
		int dflt = (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
			   (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0);

		snprintf(out, cap, "%s%s%s", host, dflt ? "" : ":", dflt ? "" : port);
	}
	free_origin(scheme, host, port);
}

/* Every value of one response header, joined by ", "; NULL if absent. */
static char *header_all(CURL *c, const char *name)
{
	struct curl_header *h;
	char *all = NULL;
	size_t len = 0;

	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	size_t amount = h->amount;

	for (size_t i = 0; i < amount; i++) {
		if (curl_easy_header(c, name, i, CURLH_HEADER, -1, &h) != CURLHE_OK)
			break;
		size_t n = strlen(h->value);
		char *p = realloc(all, len + n + 3);

		if (!p)
			break;
		all = p;
		if (len) {
			memcpy(all + len, ", ", 2);
			len += 2;
		}
		memcpy(all + len, h->value, n);
		len += n;
		all[len] = '\0';
	}
	return all;
}

static int is_reset(CURLcode rc)
{
	return rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	       rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE ||
	       rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM;
}

static int transport_error(struct http_client *hc, const char *url, CURLcode rc,
			   const struct sink *s, int retried, struct fc_err *e)
{
	char host[300];
	const char *detail = hc->errbuf[0] ? hc->errbuf : curl_easy_strerror(rc);
	const char *peer = hc->set->peer ? hc->set->peer : "the registry";
	long os_errno = 0;

	http_url_host(url, host, sizeof host);
	curl_easy_getinfo(hc->curl, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return fc_fail(e, FC_ERR_LOOKUP,
			       "cannot resolve %s (DNS lookup failed): check the host "
			       "name in the image, and this machine's DNS and network",
			       host);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return fc_fail(e, FC_ERR_LOOKUP,
			       "cannot resolve the proxy for %s (DNS lookup failed): "
			       "check https_proxy/http_proxy", host);
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "cannot connect to %s: connection refused; is %s "
				       "running, and is the port right?", host, peer);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "cannot connect to %s (%s): check the network, "
			       "firewall or proxy", host, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return fc_fail(e, FC_ERR_LOOKUP,
			       "%s did not answer in time (%s): check the network "
			       "and %s", host, detail, peer);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		if (hc->set->peer)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "the TLS certificate of %s cannot be verified "
				       "(%s): check the system's CA certificates and "
				       "any TLS-intercepting proxy", host, detail);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "the TLS certificate of %s cannot be verified (%s): if the "
			       "registry uses a private CA, pass its certificate with "
			       "-registry-ca FILE", host, detail);
	case CURLE_SSL_CONNECT_ERROR:
		if (hc->set->peer)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "TLS handshake with %s failed (%s): check the "
				       "URL's scheme and port", host, detail);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "TLS handshake with %s failed (%s): if the registry "
			       "speaks plain HTTP, pass -insecure-registry %s", host,
			       detail, host);
	case CURLE_WRITE_ERROR:
		if (s->too_big)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "the reply from %s is larger than %zu bytes, more "
				       "than any %s needs: refusing it", host, s->max,
				       hc->set->peer ? "reply" : "manifest or image config");
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory reading from %s", host);
	default:
		if (is_reset(rc))
			return fc_fail(e, FC_ERR_LOOKUP,
				       "the connection to %s broke%s (%s): check the "
				       "network and %s", host,
				       retried ? ", again after a retry," : "", detail,
				       peer);
		return fc_fail(e, FC_ERR_LOOKUP, "request to %s failed: %s", host,
			       detail);
	}
}

/* One request without following redirects. Returns the curl code. */
static CURLcode perform(struct http_client *hc, const char *url,
			const struct http_request *rq, const char *auth,
			struct sink *s, long *status)
{
	CURL *c = hc->curl;
	struct curl_slist *headers = NULL, *h;
	char line[8192];
	CURLcode rc;

	s->len = 0;
	s->too_big = 0;
	hc->errbuf[0] = '\0';
	if (auth) {
		snprintf(line, sizeof line, "Authorization: %s", auth);
		if (!(h = curl_slist_append(headers, line)))
			return CURLE_OUT_OF_MEMORY;
		headers = h;
	}
	if (rq->accept) {
		snprintf(line, sizeof line, "Accept: %s", rq->accept);
		if (!(h = curl_slist_append(headers, line))) {
			curl_slist_free_all(headers);
			return CURLE_OUT_OF_MEMORY;
		}
		headers = h;
	}
	for (const struct curl_slist *x = rq->headers; x; x = x->next) {
		if (!(h = curl_slist_append(headers, x->data))) {
			curl_slist_free_all(headers);
			return CURLE_OUT_OF_MEMORY;
		}
		headers = h;
	}
	if (rq->aws_sigv4) {
		curl_easy_setopt(c, CURLOPT_AWS_SIGV4, rq->aws_sigv4);
		curl_easy_setopt(c, CURLOPT_USERNAME, rq->aws_key);
		curl_easy_setopt(c, CURLOPT_PASSWORD, rq->aws_secret);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (rq->form)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->form);
	else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, hc->errbuf);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Threads: no signals for DNS timeouts (curl's threaded resolver). */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, hc->set->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, hc->set->timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "falcon-patcher/" FC_VERSION);
	if (hc->set->ca_pem) {
		/* Added to the system's CAs, not in place of them, so that a
		 * private registry and Docker Hub work in the same run. */
		struct curl_blob blob = {
			.data = hc->set->ca_pem,
			.len = hc->set->ca_len,
			.flags = CURL_BLOB_COPY,
		};
		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	}
	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	*status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return rc;
}

static int is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

int http_request(struct http_client *hc, const struct http_request *rq,
		 struct http_reply *rep, struct fc_err *e)
{
	struct sink s = { .max = rq->max_body };
	char *url = strdup(rq->url);
	const char *auth = rq->authorization;
	long status = 0;
	int hops = 0, retried = 0;
	CURLcode rc;

	memset(rep, 0, sizeof *rep);
	if (!url)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	for (;;) {
		rc = perform(hc, url, rq, auth, &s, &status);
		if (!retried && !rq->no_retry &&
		    (is_reset(rc) || (rc == CURLE_OK && status >= 500))) {
			/* Once: registries behind load balancers drop
			 * connections and answer 502/503 while they scale. */
			retried = 1;
			usleep((useconds_t)hc->set->retry_delay_ms * 1000);
			continue;
		}
		if (rc != CURLE_OK) {
			transport_error(hc, url, rc, &s, retried, e);
			goto fail;
		}
		if (!is_redirect(status) || rq->form)
			break;
		char *next = NULL;

		curl_easy_getinfo(hc->curl, CURLINFO_REDIRECT_URL, &next);
		if (!next)
			break;
		if (++hops > MAX_REDIRECTS) {
			char host[300];

			http_url_host(rq->url, host, sizeof host);
			fc_fail(e, FC_ERR_LOOKUP,
				"%s redirected more than %d times: refusing to follow",
				host, MAX_REDIRECTS);
			goto fail;
		}
		if (strncasecmp(next, "http://", 7) == 0 &&
		    strncasecmp(rq->url, "https://", 8) == 0) {
			char host[300];

			http_url_host(rq->url, host, sizeof host);
			fc_fail(e, FC_ERR_LOOKUP,
				"%s redirected from HTTPS to plain HTTP (%.200s): "
				"refusing to follow", host, next);
			goto fail;
		}
		/* The credentials belong to the registry: never to the
		 * storage service it redirects to. */
		if (auth && !same_origin(rq->url, next)) {
			auth = NULL;
			rep->auth_withheld = 1;
		}
		char *copy = strdup(next);

		if (!copy) {
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto fail;
		}
		free(url);
		url = copy;
	}
	rep->status = status;
	rep->www_authenticate = header_all(hc->curl, "WWW-Authenticate");
	rep->content_type = header_all(hc->curl, "Content-Type");
	rep->url = url;
	if (!s.buf && !(s.buf = calloc(1, 1))) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto fail;
	}
	rep->body = s.buf;
	rep->len = s.len;
	return 0;
fail:
	free(url);
	free(s.buf);
	rep->url = NULL;
	http_reply_free(rep);
	return -1;
}
