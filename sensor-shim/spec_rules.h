/* spec_rules.h: a trace spec made concrete for one running sensor: the
 * sensor facts (its pid, threads, group) filled into the conditions, and
 * every row resolved to syscall numbers for each architecture a process
 * may use (x86-64 also runs i386 and x32 code; arm64 runs arm). The same
 * rules feed the BPF compiler (seccomp_filter.c) and the user-space
 * matcher below, so that --seccomp=off decides exactly as the filter. */
#ifndef FC_SPEC_RULES_H
#define FC_SPEC_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "trace_spec.h"

#define SPEC_MAX_TIDS 8
#define SPEC_MAX_ARCH 3

/* The facts the SPEC_VAL_SENSOR_* values stand for. */
struct spec_ctx {
	pid_t pid;
	pid_t pgid;
	pid_t tids[SPEC_MAX_TIDS];
	size_t n_tids;
};

/* One row with its values filled in. A row naming SPEC_VAL_SENSOR_TID
 * gives one rule per thread; a row whose value does not exist here (the
 * group of -1) gives none. */
struct spec_rule {
	size_t row;              /* index in spec->rows: the RET_TRACE data */
	unsigned n_cond;
	struct {
		unsigned arg;
		unsigned op;     /* enum spec_op */
		uint64_t mask;
		uint64_t value;
	} cond[SPEC_MAX_COND];
};

/* A rule's syscall number on one architecture, for the matcher. */
struct spec_nr {
	uint32_t audit_arch;     /* as PTRACE_GET_SYSCALL_INFO reports it */
	uint64_t nr;
	size_t rule;
};

struct spec_rules {
	const struct trace_spec *spec;
	struct spec_rule *rules;
	size_t n;
	struct spec_nr *nrs;
	size_t n_nrs;
};

/* The libseccomp architecture tokens this machine's processes may use,
 * native first. Returns how many (at most SPEC_MAX_ARCH). */
size_t spec_arches(uint32_t arch[SPEC_MAX_ARCH]);

/* Fills the rules. Fails with FC_ERR_SYSTEM (memory) or FC_ERR_INPUT (a
 * row names a syscall libseccomp does not know, or an argument > 5). */
int spec_rules_build(const struct trace_spec *spec, const struct spec_ctx *ctx,
		     struct spec_rules *out, struct fc_err *e);

void spec_rules_free(struct spec_rules *r);

/* The row that (arch, nr, args) matches, or -1: the syscall is neither
 * traced nor refused. arch is an AUDIT_ARCH_* value. */
long spec_rules_match(const struct spec_rules *r, uint32_t arch, uint64_t nr,
		      const uint64_t args[6]);

/* Whether row applies to (arch, nr, args): the check of a seccomp stop's
 * data. Rows may overlap (a chmod to 0755 meets the rows of three exec
 * bits), and the filter may report any of the rows that match. */
int spec_rules_row_matches(const struct spec_rules *r, size_t row, uint32_t arch,
			   uint64_t nr, const uint64_t args[6]);

#endif
