/* verdict.c: the rules' answer for one activity (see verdict.h). */
#include "verdict.h"

#include <errno.h>

int verdict_applies(const struct rule *r, enum fc_mode mode)
{
	return mode == FC_MODE_PREVENT && r->action != RA_ALERT;
}

struct verdict verdict_for(const struct ruleset *rs, enum fc_mode mode,
			   struct activity *a)
{
	struct verdict v = { .kind = VERDICT_ALLOW };

	v.n_match = ruleset_match(rs, a, v.match, VERDICT_MAX_MATCH);
	for (size_t i = 0; i < v.n_match; i++) {
		const struct rule *r = &rs->rules[v.match[i]];

		if (!verdict_applies(r, mode))
			continue;
		if (r->action == RA_KILL && v.kind != VERDICT_KILL) {
			v.kind = VERDICT_KILL;
			v.err = EPERM;
			v.why = r->id;
		} else if (r->action == RA_DENY && v.kind == VERDICT_ALLOW) {
			v.kind = VERDICT_DENY;
			v.err = EPERM;
			v.why = r->id;
		}
	}
	return v;
}
