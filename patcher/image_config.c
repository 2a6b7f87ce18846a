/* image_config.c: image ENTRYPOINT/CMD lookup.
 *
 * Reading them from a registry is not built yet; until it is, a container
 * whose argv depends on its image is refused with a message that says how
 * to make the definition self-contained. */
#include "image_config.h"

int image_config_resolve(struct plan *p, const struct lookup_opts *lo,
			 struct fc_err *e)
{
	(void)lo;
	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];

		if (pc->action != PLAN_INJECT ||
		    !(pc->need_image_ep || pc->need_image_cmd))
			continue;
		return fc_fail(e, FC_ERR_LOOKUP,
			       "container \"%s\" has no %s, so what it runs depends "
			       "on the image \"%s\", and this falcon-patcher cannot "
			       "read images from a registry yet: add \"entryPoint\"%s "
			       "to the container definition",
			       pc->name,
			       pc->need_image_cmd && pc->need_image_ep ?
				       "entryPoint and no command" : "entryPoint",
			       pc->image,
			       pc->need_image_cmd ? " and \"command\"" : "");
	}
	return 0;
}
