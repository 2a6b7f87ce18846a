/* seccomp_filter.c: spec rules -> BPF through libseccomp, and loading it. */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The BPF program as bytes: libseccomp 2.5 exports only to an fd. */
static int export_program(scmp_filter_ctx ctx, struct sock_fprog *prog,
			  struct fc_err *e)
{
	int fd = memfd_create("falcon-sensor-bpf", MFD_CLOEXEC);
	struct stat st;
	void *buf = NULL;
	int rc;

	if (fd < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot create a memfd for the "
			       "seccomp program: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return fc_fail(e, FC_ERR_SYSTEM, "libseccomp cannot export the "
			       "filter: %s", strerror(-rc));
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    (size_t)st.st_size % sizeof(struct sock_filter) != 0 ||
	    (size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		close(fd);
		return fc_fail(e, FC_ERR_SYSTEM, "the exported seccomp program has "
			       "an impossible size");
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		close(fd);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot read back the seccomp "
			       "program");
	}
	close(fd);
	prog->filter = buf;
	prog->len = (unsigned short)((size_t)st.st_size / sizeof(struct sock_filter));
	return 0;
}

int seccomp_filter_build(const struct spec_concrete *r, struct sock_fprog *prog,
			 struct fc_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	/* The foreign-ABI policy (i386, x32): any architecture but the
	 * native one, and x32 numbers, which libseccomp tests when x32 is not
	 * in the filter, take the bad-architecture action: a stop at that
	 * row. Without it (--allow=compat-abi), every ABI this CPU can run is
	 * in the filter with the same rows, and anything else is not a
	 * process of ours. */
	uint32_t badarch = r->foreign_row >= 0 ?
		SCMP_ACT_TRACE((uint32_t)r->foreign_row) : SCMP_ACT_KILL_PROCESS;
	int rc = -1;

	prog->filter = NULL;
	prog->len = 0;
	if (!ctx)
		return fc_fail(e, FC_ERR_SYSTEM, "libseccomp cannot start a filter");
	/* Recorded for anyone loading ctx with seccomp_load; we load the
	 * exported program ourselves with the same flags. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch) < 0 ||
	    /* A binary tree of syscall numbers instead of libseccomp's
	     * linear list: a syscall with argument conditions (clone, fcntl,
	     * kill, sendto...) no longer runs past every other rule first. */
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "this libseccomp cannot set SSB, NNP, "
			"the bad-architecture action or the binary tree");
		goto out;
	}
	for (size_t a = 1; a < r->n_arch; a++) {
		int arc = seccomp_arch_add(ctx, r->arch[a]);

		if (arc < 0 && arc != -EEXIST) {
			fc_fail(e, FC_ERR_SYSTEM, "libseccomp cannot add architecture "
				"0x%x: %s", (unsigned)r->arch[a], strerror(-arc));
			goto out;
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct spec_rule *rule = &r->rules[i];
		const struct spec_row *row = &r->spec->rows[rule->row];
		struct scmp_arg_cmp cmp[SPEC_MAX_COND];
		uint32_t action = row->action == SPEC_DENY ?
			SCMP_ACT_ERRNO((uint32_t)row->err) :
			SCMP_ACT_TRACE((uint32_t)rule->row);
		int arc;

		for (unsigned c = 0; c < rule->n_cond; c++)
			/* SPEC_NE compares all 64 bits (spec_concrete_build). */
			cmp[c] = rule->cond[c].op == SPEC_NE ?
				(struct scmp_arg_cmp){ rule->cond[c].arg, SCMP_CMP_NE,
						       rule->cond[c].value, 0 } :
				(struct scmp_arg_cmp){ rule->cond[c].arg,
					SCMP_CMP_MASKED_EQ, rule->cond[c].mask,
					rule->cond[c].value };
		arc = seccomp_rule_add_array(ctx, action,
					     seccomp_syscall_resolve_name(row->syscall),
					     rule->n_cond, cmp);
		if (arc < 0) {
			fc_fail(e, FC_ERR_SYSTEM, "libseccomp refuses the rule for %s "
				"(spec row %zu): %s", row->syscall, rule->row,
				strerror(-arc));
			goto out;
		}
	}
	rc = export_program(ctx, prog, e);
out:
	seccomp_release(ctx);
	return rc;
}

void seccomp_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int seccomp_filter_load(const struct sock_fprog *prog, const char **stage)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*stage = "prctl(PR_SET_NO_NEW_PRIVS)";
		return -1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, prog) == 0)
		return 0;
	/* Before 4.17 the flag is unknown, and there is no SSB to keep off. */
	if (errno == EINVAL &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	*stage = "seccomp(SECCOMP_SET_MODE_FILTER)";
	return -1;
}
