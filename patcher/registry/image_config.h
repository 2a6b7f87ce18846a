/* image_config.h: filling in the ENTRYPOINT and CMD that a plan needs from
 * the containers' images, read from their registries. */
#ifndef FC_PATCHER_IMAGE_CONFIG_H
#define FC_PATCHER_IMAGE_CONFIG_H

#include "err.h"
#include "plan.h"

struct lookup_opts {
	const char *pulltoken;     /* -pulltoken: base64 docker config.json, or NULL */
	const char *arch;          /* the task's cpuArchitecture: X86_64 or ARM64 */
	const char *docker_config; /* -docker-config PATH, or NULL for the default */
	const char *registry_ca;   /* -registry-ca FILE (PEM), or NULL */
	const char *const *insecure; /* -insecure-registry HOST[:PORT] values */
	int n_insecure;
};

/* Checks the lookup flags (a malformed -pulltoken, -docker-config or
 * -registry-ca is FC_ERR_USAGE even when no lookup is needed), then sets
 * image_ep/image_cmd on every container that needs them, one registry
 * lookup per distinct image, in parallel. Returns 0, or -1 with
 * FC_ERR_LOOKUP naming the container, image, registry and cause, or with
 * FC_ERR_INPUT when the image and the definition together give the
 * container nothing to run. */
int image_config_resolve(struct plan *p, const struct lookup_opts *lo,
			 struct fc_err *e);

#endif
