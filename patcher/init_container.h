/* init_container.h: the container that fills the shared volume, and the
 * volume itself. */
#ifndef FC_PATCHER_INIT_CONTAINER_H
#define FC_PATCHER_INIT_CONTAINER_H

#include <cjson/cJSON.h>

/* A new init container definition. secret_arn may be NULL; log_config, when
 * not NULL, is copied so that the init's output reaches the same logs as the
 * application's. Returns NULL when out of memory. */
cJSON *init_container_new(const char *image, const char *secret_arn,
			  const cJSON *log_config);

/* Adds the shared volume to root's "volumes" unless it is there. */
int init_volume_add(cJSON *root);

/* Removes the shared volume from root's "volumes", for a re-patch that
 * removes the old init container and adds none. */
void init_volume_remove(cJSON *root);

#endif
