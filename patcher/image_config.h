/* image_config.h: filling in the ENTRYPOINT and CMD that a plan needs from
 * the containers' images. */
#ifndef FC_PATCHER_IMAGE_CONFIG_H
#define FC_PATCHER_IMAGE_CONFIG_H

#include "err.h"
#include "plan.h"

struct lookup_opts {
	const char *pulltoken; /* base64 docker config.json, or NULL */
	const char *arch;      /* the task's cpuArchitecture */
};

/* Sets image_ep/image_cmd on every container that needs them. Returns 0,
 * or -1 with FC_ERR_LOOKUP naming the container, image and cause. */
int image_config_resolve(struct plan *p, const struct lookup_opts *lo,
			 struct fc_err *e);

#endif
