/* app_argv.h: the application's argv in a patched container, put back
 * together as Docker would have: the original effective ENTRYPOINT (which the
 * patcher recorded in FALCON_APP_ENTRYPOINT) followed by the command (which
 * ECS passes to the launcher as its arguments, so `run-task --overrides` on
 * command still works). */
#ifndef FC_APP_ARGV_H
#define FC_APP_ARGV_H

#include <stddef.h>

#include "err.h"

struct app_argv {
	char **argv;     /* NULL-terminated; argc >= 1 on success */
	size_t argc;
	char **ep;       /* the parsed entrypoint block, which argv points into */
};

/* ep_json is the value of FALCON_APP_ENTRYPOINT (NULL when unset); cmd are
 * the launcher's arguments. Fails with FC_ERR_INPUT, naming the fix, when
 * the variable is unset or malformed or the result would be empty. */
int app_argv_build(const char *ep_json, char *const *cmd, size_t ncmd,
		   struct app_argv *out, struct fc_err *e);

void app_argv_free(struct app_argv *a);

#endif
