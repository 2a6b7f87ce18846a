/* image_ref.h: container image references as Docker reads them
 * (distribution's reference grammar): [host[:port]/]path[:tag][@digest],
 * with Docker Hub's short names ("nginx" is
 * registry-1.docker.io/library/nginx:latest). */
#ifndef FC_PATCHER_IMAGE_REF_H
#define FC_PATCHER_IMAGE_REF_H

#include "err.h"

/* Docker Hub's names: the host to contact and the key its credentials have
 * in a docker config.json. */
#define DOCKER_HUB_HOST "registry-1.docker.io"
#define DOCKER_HUB_CONFIG_KEY "https://index.docker.io/v1/"

struct image_ref {
	char host[256];   /* as contacted: "registry-1.docker.io", "localhost:5000" */
	char repo[256];   /* "library/nginx" */
	char tag[129];    /* "latest" when neither tag nor digest was given */
	char digest[72];  /* "sha256:<64 hex>", or "" */
	int docker_hub;   /* host is Docker Hub (docker.io, index.docker.io) */
};

/* Parses s. Returns 0, or -1 with FC_ERR_INPUT saying what is wrong with
 * it ("image \"X\" is not a valid image reference: ..."). */
int image_ref_parse(const char *s, struct image_ref *r, struct fc_err *e);

/* What to put after /manifests/: the digest when there is one (it pins the
 * content, as Docker does), else the tag. */
const char *image_ref_reference(const struct image_ref *r);

/* The host's key in a docker config.json and the server URL given to a
 * credential helper: "https://index.docker.io/v1/" for Docker Hub, else
 * the host. */
const char *image_ref_config_key(const struct image_ref *r);

/* 1 when host is an Amazon ECR private registry
 * (ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]), whose tokens last 12 h. */
int image_ref_is_ecr(const char *host);

#endif
