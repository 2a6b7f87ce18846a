/* inject.h: the changes made to one application container. */
#ifndef FC_PATCHER_INJECT_H
#define FC_PATCHER_INJECT_H

#include <cjson/cJSON.h>

/* Rewrites def so that it runs the launcher, which then runs eff_ep + the
 * container's command. Each change replaces what an earlier patch added,
 * so injecting twice gives the same container. falconctl_opts is the full
 * FALCONCTL_OPTS value. Returns 0, or -1 when out of memory. */
int inject_container(cJSON *def, const cJSON *eff_ep, const cJSON *eff_cmd,
		     const char *falconctl_opts);

#endif
