/* http_get.c: a small HTTP/1.0 GET with one deadline over everything it
 * does (see http_get.h). */
#include "http_get.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* A task reply with ten containers is some 25 KiB; a megabyte is room
 * enough for anything ECS sends and a bound on what a bad endpoint costs. */
#define BODY_MAX (1024 * 1024)
#define HEAD_MAX (16 * 1024)

/* The reply's status line and the headers that matter. */
struct head {
	int status;
	char reason[64];
	long long content_length; /* -1: none, so the body ends at EOF */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Copies untrusted text into a message: printable ASCII only, so that one
 * error stays one line, cut at size - 1. */
static void shown(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[i] = '\0';
}

__attribute__((format(printf, 4, 5)))
static int fail_url(struct fc_err *e, enum fc_err_kind kind, const char *url,
		    const char *fmt, ...)
{
	char why[768];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above; clang 14's analyzer loses track */
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return fc_fail(e, kind, "%s: %s", url, why);
}

struct http_deadline http_deadline_in(unsigned ms)
{
	struct http_deadline dl = { now_ns() + (int64_t)ms * 1000000, ms };

	return dl;
}

/* --- The URI ----------------------------------------------------------- */

/* http://HOST[:PORT][/path], HOST an IPv4 literal, [IPv6] or localhost.
 * No names: the sensor is a static binary, and glibc's resolver needs NSS
 * modules that a static binary cannot load reliably; ECS always writes an
 * address. No https: the endpoint is plain HTTP on a link-local address. */
static int parse_uri(const char *uri, struct http_endpoint *ep, char *why, size_t wl)
{
	const char *p, *host, *host_end, *end;
	char hostbuf[64];
	unsigned long port = 80;
	size_t n;

	memset(ep, 0, sizeof *ep);
	n = strlen(uri);
	if (n == 0)
		return snprintf(why, wl, "it is empty"), -1;
	if (n > HTTP_URI_MAX)
		return snprintf(why, wl, "it is %zu bytes long, over the %d-byte cap",
				n, HTTP_URI_MAX), -1;
	for (p = uri; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f)
			return snprintf(why, wl, "byte %zu (0x%02x) cannot be in a URL",
					(size_t)(p - uri), c), -1;
	}
	if (strncasecmp(uri, "https://", 8) == 0)
		return snprintf(why, wl, "https is not supported: the task metadata "
				"endpoint is plain http on a link-local address"), -1;
	if (strncasecmp(uri, "http://", 7) != 0)
		return snprintf(why, wl, "not an http:// URL (ECS sets "
				"ECS_CONTAINER_METADATA_URI_V4 to "
				"http://169.254.170.2/v4/...)"), -1;

	ep->authority = uri + 7;
	if (strpbrk(ep->authority, "?#"))
		return snprintf(why, wl, "it has a query or a fragment, which the "
				"metadata URI never has"), -1;
	end = ep->authority + strcspn(ep->authority, "/");
	ep->authority_len = (int)(end - ep->authority);
	ep->path = end;
	if (memchr(ep->authority, '@', (size_t)ep->authority_len))
		return snprintf(why, wl, "it has user information (user@), which "
				"the metadata URI never has"), -1;

	if (*ep->authority == '[') {
		host = ep->authority + 1;
		host_end = memchr(host, ']', (size_t)(end - host));
		if (!host_end)
			return snprintf(why, wl, "the IPv6 address has no closing ]"), -1;
		p = host_end + 1;
	} else {
		host = ep->authority;
		host_end = memchr(host, ':', (size_t)(end - host));
		if (!host_end)
			host_end = end;
		p = host_end;
	}
	if (host_end == host)
		return snprintf(why, wl, "it has no host"), -1;
	if (p < end) {
		char *num_end;

		if (*p != ':' || p + 1 == end)
			return snprintf(why, wl, "the host is followed by \"%.*s\", not "
					":PORT", (int)(end - p), p), -1;
		p++;
		if (*p < '0' || *p > '9' || end - p > 5)
			return snprintf(why, wl, "port \"%.*s\" is not a number from 1 "
					"to 65535", (int)(end - p), p), -1;
		port = strtoul(p, &num_end, 10);
		if (num_end != end || port == 0 || port > 65535)
			return snprintf(why, wl, "port \"%.*s\" is not a number from 1 "
					"to 65535", (int)(end - p), p), -1;
	}
	if ((size_t)(host_end - host) >= sizeof hostbuf)
		return snprintf(why, wl, "host \"%.*s\" is not an IP address",
				(int)(host_end - host), host), -1;
	memcpy(hostbuf, host, (size_t)(host_end - host));
	hostbuf[host_end - host] = '\0';

	if (*ep->authority == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ep->addr;

		if (strchr(hostbuf, '%'))
			return snprintf(why, wl, "IPv6 zone IDs (%%...) are not "
					"supported"), -1;
		if (inet_pton(AF_INET6, hostbuf, &a6->sin6_addr) != 1)
			return snprintf(why, wl, "[%s] is not an IPv6 address", hostbuf), -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		ep->addrlen = sizeof *a6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ep->addr;

		if (strcasecmp(hostbuf, "localhost") == 0) {
			a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		} else if (inet_pton(AF_INET, hostbuf, &a4->sin_addr) != 1) {
			return snprintf(why, wl, "host \"%s\" is not an IPv4 address, an "
					"[IPv6] address or localhost (the sensor "
					"does not look names up)", hostbuf), -1;
		}
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		ep->addrlen = sizeof *a4;
	}
	return 0;
}

int http_endpoint_parse(const char *uri, struct http_endpoint *ep,
			struct fc_err *e)
{
	char why[512], text[96];

	if (parse_uri(uri, ep, why, sizeof why) == 0)
		return 0;
	shown(text, sizeof text, uri, strlen(uri));
	return fc_fail(e, FC_ERR_INPUT, "URI \"%s\": %s", text, why);
}

/* --- HTTP ------------------------------------------------------------- */

/* 1 when fd is ready (or has an error the next call will report), 0 when
 * the deadline passed, -1 on a poll failure. */
static int wait_ready(int fd, short events, const struct http_deadline *dl)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int64_t left = dl->at - now_ns();
		int64_t ms;
		int n;

		if (left <= 0)
			return 0;
		/* Rounded up: poll would otherwise wake a hair early and spin. */
		ms = left / 1000000 + 1;
		n = poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static int has_word(const char *v, size_t len, const char *word)
{
	size_t wlen = strlen(word);

	for (size_t i = 0; i + wlen <= len; i++) {
		if (strncasecmp(v + i, word, wlen) == 0)
			return 1;
	}
	return 0;
}

/* Reads "Content-Length: 123": digits only (a list such as "5, 5" is
 * refused), without overflow. */
static int content_length(const char *v, size_t len, long long *out)
{
	long long n = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (n > (LLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	*out = n;
	return 0;
}

/* The status line and headers, h[0..len) ending in an empty line. Strict
 * where laxness would let a body be read wrongly (framing, folding, bare
 * control characters); a status other than 200 is reported as is. */
static int parse_head(const char *h, size_t len, struct head *out, char *why,
		      size_t wl)
{
	const char *end = h + len, *line = h, *eol;
	char text[48];

	memset(out, 0, sizeof *out);
	out->content_length = -1;
	eol = memmem(line, (size_t)(end - line), "\r\n", 2);
	/* eol is never NULL: the caller found the blank line. */
	if (!eol || eol - line < 12 || memcmp(line, "HTTP/1.", 7) != 0 ||
	    line[7] < '0' || line[7] > '9' || line[8] != ' ' ||
	    line[9] < '1' || line[9] > '9' || line[10] < '0' || line[10] > '9' ||
	    line[11] < '0' || line[11] > '9' || (eol - line > 12 && line[12] != ' ')) {
		shown(text, sizeof text, line, eol ? (size_t)(eol - line) : 0);
		return snprintf(why, wl, "not an HTTP/1.x status line: \"%s\"", text), -1;
	}
	out->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (eol - line > 13)
		shown(out->reason, sizeof out->reason, line + 13, (size_t)(eol - line - 13));
	if (out->status != 200)
		return snprintf(why, wl, "HTTP %d%s%s", out->status,
				out->reason[0] ? " " : "", out->reason), -1;

	for (line = eol + 2; line < end; line = eol + 2) {
		const char *colon, *v, *v_end;

		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (!eol || eol == line)
			break;
		shown(text, sizeof text, line, (size_t)(eol - line));
		if (is_ows(*line))
			return snprintf(why, wl, "folded header line \"%s\" (obsolete "
					"in HTTP/1.1)", text), -1;
		for (colon = line; colon < eol && is_tchar((unsigned char)*colon); colon++)
			;
		if (colon == line || colon == eol || *colon != ':')
			return snprintf(why, wl, "malformed header line \"%s\"", text), -1;
		for (v = colon + 1; v < eol && is_ows(*v); v++)
			;
		for (v_end = eol; v_end > v && is_ows(v_end[-1]); v_end--)
			;
		for (const char *c = v; c < v_end; c++) {
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
				return snprintf(why, wl, "control character in header "
						"line \"%s\"", text), -1;
		}
		if (colon - line == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
			long long n;

			if (content_length(v, (size_t)(v_end - v), &n) < 0)
				return snprintf(why, wl, "bad Content-Length in \"%s\"", text), -1;
			if (out->content_length >= 0 && out->content_length != n)
				return snprintf(why, wl, "two different Content-Length "
						"headers"), -1;
			out->content_length = n;
		} else if (colon - line == 17 &&
			   strncasecmp(line, "Transfer-Encoding", 17) == 0) {
			/* HTTP/1.0 has no transfer codings; an HTTP/1.1 server
			 * must not use them for a 1.0 request. Reading the body
			 * as if it had none would hand chunk sizes to the JSON
			 * parser. */
			if (has_word(v, (size_t)(v_end - v), "chunked"))
				return snprintf(why, wl, "the reply is chunked "
						"(Transfer-Encoding: chunked), which a "
						"server must not send to an HTTP/1.0 "
						"request"), -1;
			return snprintf(why, wl, "unsupported \"%s\"", text), -1;
		}
	}
	return 0;
}

static int send_all(int fd, const char *p, size_t len, const struct http_deadline *dl,
		    const char *url, struct fc_err *e)
{
	while (len > 0) {
		/* MSG_NOSIGNAL: a closed peer is an error here, not a
		 * SIGPIPE for the whole sensor. */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		int r;

		if (n >= 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail_url(e, FC_ERR_LOOKUP, url, "sending the request: %s",
					strerror(errno));
		r = wait_ready(fd, POLLOUT, dl);
		if (r == 0)
			return fail_url(e, FC_ERR_LOOKUP, url, "timed out after %u ms "
					"(sending the request)", dl->ms);
		if (r < 0)
			return fail_url(e, FC_ERR_SYSTEM, url, "poll: %s", strerror(errno));
	}
	return 0;
}

static int connect_to(const struct http_endpoint *ep, const struct http_deadline *dl,
		      const char *url, struct fc_err *e)
{
	int fd, r, err = 0;
	socklen_t elen = sizeof err;

	if (now_ns() >= dl->at)
		return fail_url(e, FC_ERR_LOOKUP, url, "timed out after %u ms "
				"(before connecting)", dl->ms);
	fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_url(e, FC_ERR_SYSTEM, url, "socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0)
		return fd;
	/* EINTR leaves a non-blocking connect running, as EINPROGRESS does. */
	if (errno != EINPROGRESS && errno != EINTR) {
		err = errno;
		goto failed;
	}
	r = wait_ready(fd, POLLOUT, dl);
	if (r <= 0) {
		if (r == 0)
			fail_url(e, FC_ERR_LOOKUP, url, "timed out after %u ms "
				 "(connecting)", dl->ms);
		else
			fail_url(e, FC_ERR_SYSTEM, url, "poll: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
	if (err == 0)
		return fd;
failed:
	close(fd);
	return fail_url(e, FC_ERR_LOOKUP, url, "cannot connect: %s", strerror(err));
}

/* A reply as it arrives: the head first, then the body, each capped. */
struct reply {
	char *buf;
	size_t cap, len;
	size_t head_end;         /* 0 until the blank line has arrived */
	size_t scanned;          /* where to look for it next */
	struct head h;
};

/* Room for the largest head and one byte over the body cap, which is how
 * an over-long body without Content-Length shows. */
static int reply_room(struct reply *r)
{
	size_t ncap;
	char *nb;

	if (r->len < r->cap)
		return 0;
	ncap = r->cap * 2 > HEAD_MAX + BODY_MAX + 1 ? HEAD_MAX + BODY_MAX + 1 : r->cap * 2;
	nb = realloc(r->buf, ncap);
	if (!nb)
		return -1;
	r->buf = nb;
	r->cap = ncap;
	return 0;
}

/* After each read: finds and checks the head once it is complete, and
 * holds both caps. */
static int reply_check(struct reply *r, char *why, size_t wl)
{
	if (!r->head_end) {
		size_t from = r->scanned > 3 ? r->scanned - 3 : 0;
		const char *blank = memmem(r->buf + from, r->len - from, "\r\n\r\n", 4);

		r->scanned = r->len;
		if (blank)
			r->head_end = (size_t)(blank - r->buf) + 4;
		if (r->head_end > HEAD_MAX || (!blank && r->len > HEAD_MAX))
			return snprintf(why, wl, "the reply's headers are longer than "
					"%d bytes", HEAD_MAX), -1;
		if (!blank)
			return 0;
		if (parse_head(r->buf, r->head_end, &r->h, why, wl) < 0)
			return -1;
		if (r->h.content_length > BODY_MAX)
			return snprintf(why, wl, "the reply is %lld bytes, over the "
					"%d-byte cap", r->h.content_length, BODY_MAX), -1;
	}
	/* With a Content-Length, reading stops at its end instead. */
	if (r->h.content_length < 0 && r->len - r->head_end > BODY_MAX)
		return snprintf(why, wl, "the reply is longer than the %d-byte cap",
				BODY_MAX), -1;
	return 0;
}

static int reply_complete(const struct reply *r)
{
	return r->head_end && r->h.content_length >= 0 &&
	       r->len - r->head_end >= (size_t)r->h.content_length;
}

/* At EOF: was that the whole reply? */
static int reply_ended(const struct reply *r, char *why, size_t wl)
{
	if (!r->head_end && r->len == 0)
		return snprintf(why, wl, "the server closed the connection without "
				"a reply"), -1;
	if (!r->head_end)
		return snprintf(why, wl, "the reply ended inside its headers, after "
				"%zu bytes", r->len), -1;
	if (r->h.content_length >= 0 && !reply_complete(r))
		return snprintf(why, wl, "the reply ended after %zu of its %lld bytes",
				r->len - r->head_end, r->h.content_length), -1;
	return 0;
}

/* Reads until the reply is complete (Content-Length) or the server closes
 * the connection (no Content-Length), within the deadline. */
static int read_reply(int fd, const struct http_deadline *dl, const char *url,
		      struct reply *r, struct fc_err *e)
{
	char why[512];

	while (!reply_complete(r)) {
		ssize_t got;
		int ready;

		if (reply_room(r) < 0)
			return fail_url(e, FC_ERR_SYSTEM, url, "out of memory");
		/* The caps keep len below the largest buffer; were that
		 * wrong, recv() into no room would look like EOF. */
		if (r->len == r->cap)
			return fail_url(e, FC_ERR_LOOKUP, url, "the reply is longer "
					"than the %d-byte cap", BODY_MAX);
		ready = wait_ready(fd, POLLIN, dl);
		if (ready == 0)
			return fail_url(e, FC_ERR_LOOKUP, url, "timed out after %u ms (%s)",
					dl->ms, r->head_end ? "reading the reply" :
					r->len ? "reading the reply's headers" :
					"waiting for a reply");
		if (ready < 0)
			return fail_url(e, FC_ERR_SYSTEM, url, "poll: %s", strerror(errno));
		got = recv(fd, r->buf + r->len, r->cap - r->len, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (got < 0)
			return fail_url(e, FC_ERR_LOOKUP, url, "reading the reply: %s",
					strerror(errno));
		if (got == 0) {
			if (reply_ended(r, why, sizeof why) < 0)
				return fail_url(e, FC_ERR_LOOKUP, url, "%s", why);
			return 0;
		}
		r->len += (size_t)got;
		if (reply_check(r, why, sizeof why) < 0)
			return fail_url(e, FC_ERR_LOOKUP, url, "%s", why);
	}
	return 0;
}

/* GET target; on success *body points into *buf (the caller frees *buf). */
int http_get(const struct http_endpoint *ep, const char *target, const char *url,
	     const struct http_deadline *dl, char **buf, const char **body,
	     size_t *body_len, struct fc_err *e)
{
	struct reply r = { .cap = 8192, .h = { .content_length = -1 } };
	char req[HTTP_URI_MAX + 256];
	int fd, n, rc = -1;

	*buf = NULL;
	/* HTTP/1.0 so that the reply is never chunked: the ECS agent (Go's
	 * net/http) frames a long reply to a 1.0 request by closing the
	 * connection instead. */
	n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %.*s\r\n"
		     "Accept: application/json\r\nUser-Agent: falcon-sensor\r\n"
		     "Connection: close\r\n\r\n", target, ep->authority_len,
		     ep->authority);
	if (n < 0 || (size_t)n >= sizeof req)
		return fail_url(e, FC_ERR_INPUT, url, "the request is too long");
	r.buf = malloc(r.cap);
	if (!r.buf)
		return fail_url(e, FC_ERR_SYSTEM, url, "out of memory");
	fd = connect_to(ep, dl, url, e);
	if (fd < 0)
		goto out;
	/* No shutdown(SHUT_WR) after the request: Go's server takes a
	 * half-closed connection for a client that went away and cancels
	 * the reply. */
	if (send_all(fd, req, (size_t)n, dl, url, e) < 0 ||
	    read_reply(fd, dl, url, &r, e) < 0)
		goto out;
	*body = r.buf + r.head_end;
	*body_len = r.h.content_length >= 0 ? (size_t)r.h.content_length
					    : r.len - r.head_end;
	*buf = r.buf;
	r.buf = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(r.buf);
	return rc;
}
