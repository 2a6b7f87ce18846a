/* entrypoint.h: Docker's rules for the argv a container runs (moby's
 * merge() in daemon/commit.go), which ECS inherits: entryPoint maps to
 * Entrypoint and command to Cmd. */
#ifndef FC_PATCHER_ENTRYPOINT_H
#define FC_PATCHER_ENTRYPOINT_H

#include <cjson/cJSON.h>

/* Which parts of the image config the argv depends on, given the
 * definition's entryPoint and command (NULL when the key is absent). */
struct argv_needs {
	int image_entrypoint; /* no entryPoint at all */
	int image_cmd;        /* entryPoint and command both empty or absent */
};

struct argv_needs entrypoint_needs(const cJSON *entrypoint, const cJSON *command);

/* The effective Entrypoint and Cmd, as new arrays the caller owns (never
 * NULL unless out of memory; empty when nothing applies). image_ep and
 * image_cmd are the image's (NULL when it has none, or when not needed). */
int entrypoint_merge(const cJSON *entrypoint, const cJSON *command,
		     const cJSON *image_ep, const cJSON *image_cmd,
		     cJSON **eff_ep, cJSON **eff_cmd);

#endif
