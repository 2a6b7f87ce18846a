/* registry.h: reading an image's config from its registry with the OCI
 * distribution protocol: manifest (through an index when there is one),
 * then the config blob, each checked against its digest, with Basic or
 * Bearer (token server) authentication as the registry asks. */
#ifndef FC_PATCHER_REGISTRY_H
#define FC_PATCHER_REGISTRY_H

#include <cjson/cJSON.h>

#include "credentials.h"
#include "err.h"
#include "http_client.h"
#include "image_ref.h"

struct registry_settings {
	const struct http_settings *http;
	const char *const *insecure; /* -insecure-registry HOST[:PORT] values */
	int n_insecure;
};

struct image_meta {
	cJSON *entrypoint, *cmd; /* owned; NULL when the image has none */
	char platform[80];       /* "linux/amd64", from the config */
	char digest[72];         /* the manifest's digest */
};

/* Reads r's Entrypoint and Cmd for the task's cpuArchitecture (task_arch,
 * "X86_64" or "ARM64"), with credentials c. Returns 0, or -1 with
 * FC_ERR_LOOKUP saying what failed and how to fix it (the message names the
 * registry but not the container: the caller adds that). */
int registry_image_config(const struct registry_settings *rs,
			  const struct image_ref *r, const struct credential *c,
			  const char *task_arch, struct image_meta *m,
			  struct fc_err *e);

void image_meta_free(struct image_meta *m);

/* 1 when host matches an -insecure-registry value: "HOST" matches any
 * port, "HOST:PORT" only that one. */
int registry_is_insecure(const struct registry_settings *rs, const char *host);

#endif
