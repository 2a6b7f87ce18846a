/* rules_spec.h: the trace spec (trace_spec.h) that a rule set and the
 * sensor's events need: trace_spec_default's rows, then rows for files,
 * sockets and whatever the enabled rules look at. */
#ifndef FC_RULES_SPEC_H
#define FC_RULES_SPEC_H

#include "err.h"
#include "rules.h"
#include "trace_spec.h"

/* Fills out with malloc'd rows (free with rules_spec_free); files = 0
 * leaves the file syscalls out (--file-events=off). */
int rules_spec_build(const struct ruleset *rs, int files, struct trace_spec *out,
		     struct fc_err *e);

void rules_spec_free(struct trace_spec *spec);

#endif
