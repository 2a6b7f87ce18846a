/* spec_concrete.h: a trace spec made concrete for one running sensor: the
 * sensor facts (its pid, threads, group) filled into the conditions, and
 * every row resolved to syscall numbers for each architecture a process
 * may use (x86-64 also runs i386 and x32 code; arm64 runs arm). The same
 * rules feed the BPF compiler (seccomp_filter.c) and the user-space
 * matcher below, so that --seccomp=off decides exactly as the filter. */
#ifndef FC_SPEC_CONCRETE_H
#define FC_SPEC_CONCRETE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "trace_spec.h"

#define SPEC_MAX_TIDS 8
#define SPEC_MAX_ARCH 3

/* What makes the spec concrete for this sensor: the facts the
 * SPEC_VAL_SENSOR_* values stand for, the policies --allow lifted, and
 * the event file, which protect.c guards by identity, not by name. */
struct spec_ctx {
	pid_t pid;
	pid_t pgid;
	pid_t tids[SPEC_MAX_TIDS];
	size_t n_tids;
	unsigned lifted;         /* bit (1 << policy id): rows without effect */
	int has_sink_file;       /* --sink=file:PATH: the two below are set */
	dev_t sink_dev;
	ino_t sink_ino;
	int roots_may_differ;    /* --allow=chroot or user-namespace: a
				  * tracee's root may not be the sensor's */
	int has_sink_pipe;       /* events go to a pipe the application
				  * shares (its stderr): the two below */
	dev_t pipe_dev;
	ino_t pipe_ino;
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

struct spec_concrete {
	const struct trace_spec *spec;
	struct spec_rule *rules;
	size_t n;
	struct spec_nr *nrs;
	size_t n_nrs;
	long foreign_row;        /* the SPEC_FOREIGN_ABI row in force, or -1 */
	uint32_t arch[SPEC_MAX_ARCH]; /* the libseccomp tokens in the filter */
	size_t n_arch;           /* 1 (native only) with a foreign row */
};

/* The libseccomp architecture tokens this machine's processes may use,
 * native first. Returns how many (at most SPEC_MAX_ARCH). */
size_t spec_arches(uint32_t arch[SPEC_MAX_ARCH]);

/* Fills the rules. Fails with FC_ERR_SYSTEM (memory) or FC_ERR_INPUT (a
 * row names a syscall libseccomp does not know, or an argument > 5). */
int spec_concrete_build(const struct trace_spec *spec, const struct spec_ctx *ctx,
		     struct spec_concrete *out, struct fc_err *e);

void spec_concrete_free(struct spec_concrete *r);

/* The row that (arch, nr, args) matches, or -1: the syscall is neither
 * traced nor refused. arch is an AUDIT_ARCH_* value. The first row in the
 * spec's order wins: the foreign-ABI row, then the rows every sensor has
 * (policies) before the rules', so that a policy holds whichever row the
 * filter reported (libseccomp lets a row without conditions hide the
 * conditional rows of the same syscall). */
long spec_concrete_match(const struct spec_concrete *r, uint32_t arch, uint64_t nr,
		      const uint64_t args[6]);

/* Whether row applies to (arch, nr, args): the check of a seccomp stop's
 * data. Rows may overlap (a chmod to 0755 meets the rows of three exec
 * bits), and the filter may report any of the rows that match. */
int spec_concrete_row_matches(const struct spec_concrete *r, size_t row, uint32_t arch,
			   uint64_t nr, const uint64_t args[6]);

/* Whether (arch, nr) is a syscall of a foreign ABI as the filter sees
 * it: another architecture, or an x32 number (bit 30) on x86-64. */
int spec_is_foreign(uint32_t arch, uint64_t nr);

/* "i386 open (5)" or "x32 syscall 1073741863" into buf, for a Finding. */
void spec_foreign_name(uint32_t arch, uint64_t nr, char *buf, size_t len);

#endif
