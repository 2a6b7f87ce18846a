/* app_argv.c: entrypoint + command, as Docker's merge would give them. */
#include "app_argv.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "strv_json.h"

int app_argv_build(const char *ep_json, char *const *cmd, size_t ncmd,
		   struct app_argv *out, struct fc_err *e)
{
	struct fc_err pe = { 0 };
	char **ep;
	size_t nep;

	if (!ep_json)
		return fc_fail(e, FC_ERR_INPUT,
			       FC_ENV_ENTRYPOINT " is not set, so the application's "
			       "entrypoint is unknown: re-run falcon-patcher on the "
			       "unpatched task definition and register the result");
	if (strv_json_parse(ep_json, strlen(ep_json), &ep, &nep, &pe) < 0) {
		if (pe.kind == FC_ERR_SYSTEM)
			return fc_fail(e, FC_ERR_SYSTEM, "%s", pe.msg);
		return fc_fail(e, FC_ERR_INPUT,
			       FC_ENV_ENTRYPOINT " is not a JSON array of strings "
			       "(%s): re-run falcon-patcher on the unpatched task "
			       "definition and register the result", pe.msg);
	}
	if (nep + ncmd == 0) {
		free(ep);
		return fc_fail(e, FC_ERR_INPUT,
			       "nothing to run: the entrypoint and the command are both "
			       "empty; give the container a command or an entryPoint "
			       "and re-run falcon-patcher");
	}
	out->argv = calloc(nep + ncmd + 1, sizeof *out->argv);
	if (!out->argv) {
		free(ep);
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	}
	memcpy(out->argv, ep, nep * sizeof *ep);
	memcpy(out->argv + nep, cmd, ncmd * sizeof *cmd);
	out->argc = nep + ncmd;
	out->ep = ep;
	return 0;
}

void app_argv_free(struct app_argv *a)
{
	free(a->argv);
	free(a->ep);
	a->argv = NULL;
	a->ep = NULL;
}
