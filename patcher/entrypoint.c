/* entrypoint.c: the effective Entrypoint and Cmd of a container.
 *
 * moby keeps the image's Entrypoint only when the user gave none (nil, not
 * merely empty), and the image's Cmd only when the user gave neither a
 * non-empty Entrypoint nor a non-empty Cmd. A patcher that replaces
 * entryPoint must apply these rules itself, or the image's CMD is lost. */
#include "entrypoint.h"

static int empty(const cJSON *list)
{
	return cJSON_GetArraySize(list) == 0;
}

struct argv_needs entrypoint_needs(const cJSON *entrypoint, const cJSON *command)
{
	struct argv_needs n = {
		.image_entrypoint = entrypoint == NULL,
		.image_cmd = empty(entrypoint) && empty(command),
	};
	return n;
}

static cJSON *copy_or_empty(const cJSON *list)
{
	return list ? cJSON_Duplicate(list, 1) : cJSON_CreateArray();
}

int entrypoint_merge(const cJSON *entrypoint, const cJSON *command,
		     const cJSON *image_ep, const cJSON *image_cmd,
		     cJSON **eff_ep, cJSON **eff_cmd)
{
	struct argv_needs n = entrypoint_needs(entrypoint, command);

	*eff_ep = copy_or_empty(n.image_entrypoint ? image_ep : entrypoint);
	*eff_cmd = copy_or_empty(n.image_cmd ? image_cmd : command);
	if (!*eff_ep || !*eff_cmd) {
		cJSON_Delete(*eff_ep);
		cJSON_Delete(*eff_cmd);
		return -1;
	}
	return 0;
}
