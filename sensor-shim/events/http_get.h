/* http_get.h: a small HTTP/1.0 GET over a TCP socket, for the ECS task
 * metadata endpoint, which is plain HTTP on a link-local address (the
 * sensor is static and links no libcurl). One deadline covers everything
 * a fetch does, so that a slow or broken endpoint costs the caller at
 * most that. Messages name the URL and the cause; the caller puts the
 * name of what it was reading in front. */
#ifndef FC_HTTP_GET_H
#define FC_HTTP_GET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

/* ECS sets a URI of about 60 bytes. */
#define HTTP_URI_MAX 1024

struct http_endpoint {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *authority;   /* HOST[:PORT] as written, for Host: */
	int authority_len;
	const char *path;        /* the rest of the URI, "" or "/..." */
};

struct http_deadline {
	int64_t at;              /* CLOCK_MONOTONIC, ns */
	unsigned ms;             /* the whole budget, for messages */
};

/* A deadline ms milliseconds from now. */
struct http_deadline http_deadline_in(unsigned ms);

/* Parses http://HOST[:PORT][/path], HOST an IPv4 literal, [IPv6] or
 * localhost; ep points into uri. -1 with e ("URI \"...\": why") when it
 * is not one. */
int http_endpoint_parse(const char *uri, struct http_endpoint *ep,
			struct fc_err *e);

/* GET target from ep within dl; url names it in messages. Only a 200
 * reply, with a body of at most 1 MiB, succeeds: *body then points into
 * *buf, which the caller frees. */
int http_get(const struct http_endpoint *ep, const char *target, const char *url,
	     const struct http_deadline *dl, char **buf, const char **body,
	     size_t *body_len, struct fc_err *e);

#endif
