/* spec_concrete.c: filling a trace spec with this sensor's facts, and the
 * user-space twin of the BPF filter. */
#include "spec_concrete.h"

#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t spec_arches(uint32_t arch[SPEC_MAX_ARCH])
{
	size_t n = 0;

	arch[n++] = seccomp_arch_native();
#if defined(__x86_64__)
	/* int $0x80 and x32 syscalls reach the kernel from any x86-64
	 * process: a filter on x86-64 numbers alone would let them by. */
	arch[n++] = SCMP_ARCH_X86;
	arch[n++] = SCMP_ARCH_X32;
#elif defined(__aarch64__)
	arch[n++] = SCMP_ARCH_ARM;
#endif
	return n;
}

/* The AUDIT_ARCH value the kernel reports for a libseccomp token: x32
 * syscalls come as x86-64 ones with bit 30 set in the number. */
static uint32_t audit_arch_of(uint32_t token)
{
#ifdef SCMP_ARCH_X32
	if (token == SCMP_ARCH_X32)
		return AUDIT_ARCH_X86_64;
#endif
	return token;
}

/* The concrete value of c, or -1 when the fact does not exist. idx picks
 * the thread for SPEC_VAL_SENSOR_TID. */
static int fact(const struct spec_cond *c, const struct spec_ctx *ctx, size_t idx,
		uint64_t *out)
{
	switch ((enum spec_val)c->val) {
	case SPEC_VAL_CONST:
		*out = c->value;
		return 0;
	case SPEC_VAL_SENSOR_PID:
		*out = (uint32_t)ctx->pid;
		return 0;
	case SPEC_VAL_SENSOR_TID:
		*out = (uint32_t)ctx->tids[idx];
		return 0;
	case SPEC_VAL_SENSOR_PGID:
		if (ctx->pgid <= 0)
			return -1;
		*out = (uint32_t)ctx->pgid;
		return 0;
	case SPEC_VAL_SENSOR_NEG_PGID:
		if (ctx->pgid <= 1)
			return -1;
		*out = (uint32_t)-ctx->pgid;
		return 0;
	case SPEC_VAL_BROADCAST:
		if (ctx->pid == 1)
			return -1;
		*out = 0xffffffffU;
		return 0;
	}
	return -1;
}

static int row_uses_tid(const struct spec_row *row)
{
	for (unsigned i = 0; i < row->n_cond; i++)
		if (row->cond[i].val == SPEC_VAL_SENSOR_TID)
			return 1;
	return 0;
}

static int add_nrs(struct spec_concrete *r, const uint32_t *arch, size_t n_arch,
		   const char *name, size_t rule, struct fc_err *e)
{
	for (size_t a = 0; a < n_arch; a++) {
		int nr = seccomp_syscall_resolve_name_arch(arch[a], name);
		struct spec_nr *grown;

		if (nr < 0)
			continue; /* absent on this architecture */
		grown = realloc(r->nrs, (r->n_nrs + 1) * sizeof *r->nrs);
		if (!grown)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the trace rules");
		r->nrs = grown;
		r->nrs[r->n_nrs++] = (struct spec_nr){ audit_arch_of(arch[a]),
						       (uint64_t)(uint32_t)nr, rule };
	}
	return 0;
}

static int lifted(const struct spec_row *row, const struct spec_ctx *ctx)
{
	return row->policy && (ctx->lifted & (1U << row->policy));
}

int spec_concrete_build(const struct trace_spec *spec, const struct spec_ctx *ctx,
		     struct spec_concrete *out, struct fc_err *e)
{
	const uint32_t *arch = out->arch;
	size_t n_arch;

	*out = (struct spec_concrete){ .spec = spec, .foreign_row = -1 };
	out->n_arch = spec_arches(out->arch);
	/* With a foreign-ABI row the filter keeps the native architecture
	 * only: everything else is that row, whatever its number. */
	for (size_t i = 0; i < spec->n; i++) {
		if ((spec->rows[i].flags & SPEC_FOREIGN_ABI) && !lifted(&spec->rows[i], ctx)) {
			out->foreign_row = (long)i;
			out->n_arch = 1;
			break;
		}
	}
	n_arch = out->n_arch;
	for (size_t i = 0; i < spec->n; i++) {
		const struct spec_row *row = &spec->rows[i];
		size_t copies = row_uses_tid(row) ? ctx->n_tids : 1;

		if ((row->flags & SPEC_FOREIGN_ABI) || lifted(row, ctx))
			continue;
		if (seccomp_syscall_resolve_name(row->syscall) == __NR_SCMP_ERROR) {
			spec_concrete_free(out);
			return fc_fail(e, FC_ERR_INPUT, "trace spec row %zu: libseccomp "
				       "does not know the syscall \"%s\"", i, row->syscall);
		}
		if (row->n_cond > SPEC_MAX_COND) {
			spec_concrete_free(out);
			return fc_fail(e, FC_ERR_INPUT, "trace spec row %zu (%s): more "
				       "than %d conditions", i, row->syscall, SPEC_MAX_COND);
		}
		for (size_t k = 0; k < copies; k++) {
			struct spec_rule rule = { .row = i, .n_cond = row->n_cond };
			struct spec_rule *grown;
			int usable = 1;

			for (unsigned c = 0; c < row->n_cond; c++) {
				if (row->cond[c].arg > 5) {
					spec_concrete_free(out);
					return fc_fail(e, FC_ERR_INPUT, "trace spec row %zu "
						       "(%s): argument %u does not exist", i,
						       row->syscall, row->cond[c].arg);
				}
				if (row->cond[c].op == SPEC_NE && row->cond[c].mask != ~0ULL) {
					spec_concrete_free(out);
					return fc_fail(e, FC_ERR_INPUT, "trace spec row %zu "
						       "(%s): a \"not equal\" condition must "
						       "compare all 64 bits", i, row->syscall);
				}
				rule.cond[c].arg = row->cond[c].arg;
				rule.cond[c].op = row->cond[c].op;
				rule.cond[c].mask = row->cond[c].mask;
				if (fact(&row->cond[c], ctx, k, &rule.cond[c].value) < 0)
					usable = 0;
				rule.cond[c].value &= rule.cond[c].mask;
			}
			if (!usable)
				continue;
			grown = realloc(out->rules, (out->n + 1) * sizeof *out->rules);
			if (!grown) {
				spec_concrete_free(out);
				return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the "
					       "trace rules");
			}
			out->rules = grown;
			out->rules[out->n] = rule;
			if (add_nrs(out, arch, n_arch, row->syscall, out->n, e) < 0) {
				spec_concrete_free(out);
				return -1;
			}
			out->n++;
		}
	}
	return 0;
}

void spec_concrete_free(struct spec_concrete *r)
{
	free(r->rules);
	free(r->nrs);
	r->rules = NULL;
	r->nrs = NULL;
	r->n = 0;
	r->n_nrs = 0;
}

static int rule_holds(const struct spec_rule *rule, const uint64_t args[6])
{
	for (unsigned c = 0; c < rule->n_cond; c++) {
		int eq = (args[rule->cond[c].arg] & rule->cond[c].mask) == rule->cond[c].value;

		if (eq != (rule->cond[c].op != SPEC_NE))
			return 0;
	}
	return 1;
}

int spec_is_foreign(uint32_t arch, uint64_t nr)
{
	uint32_t n32 = (uint32_t)nr;

	if (arch != audit_arch_of(seccomp_arch_native()))
		return 1;
#if defined(__x86_64__)
	/* As libseccomp's filter tests it: the 32-bit number with the x32
	 * bit, except -1 (a syscall a tracer already skipped). */
	return n32 >= 0x40000000U && n32 != 0xffffffffU;
#else
	(void)n32;
	return 0;
#endif
}

void spec_foreign_name(uint32_t arch, uint64_t nr, char *buf, size_t len)
{
	uint32_t token = arch;
	const char *abi = "foreign";
	char *name;

#if defined(__x86_64__)
	if (arch == AUDIT_ARCH_X86_64) {
		token = SCMP_ARCH_X32;
		abi = "x32";
	} else if (arch == AUDIT_ARCH_I386) {
		abi = "i386";
	}
#elif defined(__aarch64__)
	if (arch == AUDIT_ARCH_ARM)
		abi = "arm";
#endif
	name = seccomp_syscall_resolve_num_arch(token, (int)(uint32_t)nr);
	if (name)
		snprintf(buf, len, "%s %s (%d)", abi, name, (int)(uint32_t)nr);
	else
		snprintf(buf, len, "%s syscall %d", abi, (int)(uint32_t)nr);
	free(name);
}

long spec_concrete_match(const struct spec_concrete *r, uint32_t arch, uint64_t nr,
		      const uint64_t args[6])
{
	if (r->foreign_row >= 0 && spec_is_foreign(arch, nr))
		return r->foreign_row;
	for (size_t i = 0; i < r->n_nrs; i++)
		if (r->nrs[i].audit_arch == arch && r->nrs[i].nr == nr &&
		    rule_holds(&r->rules[r->nrs[i].rule], args))
			return (long)r->rules[r->nrs[i].rule].row;
	return -1;
}

int spec_concrete_row_matches(const struct spec_concrete *r, size_t row, uint32_t arch,
			   uint64_t nr, const uint64_t args[6])
{
	if (r->foreign_row >= 0 && spec_is_foreign(arch, nr))
		return (long)row == r->foreign_row;
	for (size_t i = 0; i < r->n_nrs; i++)
		if (r->nrs[i].audit_arch == arch && r->nrs[i].nr == nr &&
		    r->rules[r->nrs[i].rule].row == row &&
		    rule_holds(&r->rules[r->nrs[i].rule], args))
			return 1;
	return 0;
}
