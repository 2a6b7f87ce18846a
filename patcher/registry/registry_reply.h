/* registry_reply.h: what a registry sends back, parsed without trusting it:
 * image manifests (OCI and Docker schema 2), indexes (OCI index and Docker
 * manifest list) with the platform choice, image config blobs, token
 * server replies and error bodies. No I/O here, so a fuzzer can drive it. */
#ifndef FC_PATCHER_REGISTRY_REPLY_H
#define FC_PATCHER_REGISTRY_REPLY_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

/* An index may not list more images than this. */
#define INDEX_MAX_ENTRIES 1024

struct index_entry {
	char digest[72]; /* "" when it is not a sha256 digest */
	char os[32], arch[32], variant[32];
	int attestation; /* a build attestation, not an image */
};

struct manifest {
	int is_index;
	/* an image manifest: */
	char config_digest[72];
	long long config_size; /* -1 when absent */
	/* an index: */
	struct index_entry *entries;
	int n;
};

/* Parses a manifest or index; content_type is the Content-Type header (or
 * NULL) and is used when the body has no mediaType. Returns 0, or -1 with
 * FC_ERR_LOOKUP saying what is wrong. */
int reply_parse_manifest(const char *body, size_t len, const char *content_type,
			 struct manifest *m, struct fc_err *e);
void manifest_free(struct manifest *m);

/* The entry of an index to use for the task's cpuArchitecture ("X86_64" or
 * "ARM64"): linux/amd64, or linux/arm64 with variant v8 or none. Returns
 * its position, or -1 with FC_ERR_LOOKUP listing the platforms the index
 * has. */
int reply_select_platform(const struct manifest *m, const char *task_arch,
			  struct fc_err *e);

/* The Docker platform name for a task's cpuArchitecture: "amd64"/"arm64". */
const char *reply_docker_arch(const char *task_arch);

/* Parses an image config blob: config.Entrypoint and config.Cmd as owned
 * arrays of strings (NULL when null or absent), and "os/architecture" into
 * platform. Returns 0, or -1 with FC_ERR_LOOKUP. */
int reply_parse_config(const char *body, size_t len, cJSON **entrypoint,
		       cJSON **cmd, char *platform, size_t platform_cap,
		       struct fc_err *e);

/* The bearer token in a token server's reply ("token", else
 * "access_token"), malloc'd. Returns 0, or -1 with FC_ERR_LOOKUP. */
int reply_parse_token(const char *body, size_t len, char **token,
		      struct fc_err *e);

/* The first {"errors":[{"code","message"}]} of a registry error body, both
 * made printable on one line; "" where absent. Never fails. */
void reply_error(const char *body, size_t len, char *code, size_t code_cap,
		 char *message, size_t message_cap);

/* Up to max tags of a /tags/list reply, comma separated and printable,
 * into out; "" when there are none or the reply does not parse. */
void reply_tags(const char *body, size_t len, int max, char *out, size_t cap);

/* 1 when s is "sha256:" and 64 lower-case hex digits. */
int reply_is_sha256_digest(const char *s);

#endif
