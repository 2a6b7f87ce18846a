/* rules_spec.h: the trace spec (trace_spec.h) that a rule set and the
 * sensor's events need: trace_spec_default's rows, then rows for files,
 * sockets and whatever the enabled rules look at. */
#ifndef FC_RULES_SPEC_H
#define FC_RULES_SPEC_H

#include "err.h"
#include "rules.h"
#include "trace_spec.h"

/* What the rules and events need to see of read-only opens. */
enum spec_reads {
	READS_NONE,              /* nothing: only opens that write are stopped */
	READS_BY_FILE,           /* reads of named files (the sensitive paths,
				  * rules on file.path eq/glob of absolute
				  * paths): the guard can watch them (guard.h) */
	READS_ALL,               /* a rule on opens by anything else: every
				  * open must be stopped */
};

enum spec_reads rules_spec_reads(const struct ruleset *rs);

/* With READS_BY_FILE: the paths and globs whose reads matter (pointers
 * into rs; the array is malloc'd, NULL when out of memory). */
const char **rules_spec_read_files(const struct ruleset *rs, size_t *n);

/* Fills out with malloc'd rows (free with rules_spec_free); files = 0
 * leaves the file syscalls out (--file-events=off); every_open = 0 stops
 * only the opens that write (the guard watches the reads). */
int rules_spec_build(const struct ruleset *rs, int files, int every_open,
		     struct trace_spec *out, struct fc_err *e);

void rules_spec_free(struct trace_spec *spec);

#endif
