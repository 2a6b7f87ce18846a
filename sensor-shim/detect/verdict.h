/* verdict.h: what the sensor does about a syscall at its entry stop: let
 * it run, make it fail with an errno (the syscall is skipped), or kill the
 * process. The policies decide first (policy.h, protect.c: blind spots
 * and attacks on the sensor, refused in both modes); then the rules: every enabled rule that matches is a Finding, and in
 * --mode=prevent the strongest action among them applies
 * (kill > deny > alert). */
#ifndef FC_VERDICT_H
#define FC_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "activity.h"
#include "falconctl_opts.h"
#include "rules.h"

enum verdict_kind {
	VERDICT_ALLOW = 0,
	VERDICT_DENY,            /* the syscall fails with -err */
	VERDICT_KILL,            /* the process is killed with SIGKILL */
};

#define VERDICT_MAX_MATCH 8

struct verdict {
	enum verdict_kind kind;
	int err;                 /* VERDICT_DENY */
	const char *why;         /* for the log, and a policy Finding's reason */
	unsigned policy;         /* enum policy_id when a policy refused (in
				  * either mode, one Finding of its own);
				  * 0: the rules' verdict */
	size_t n_match;          /* rules that matched (rs->rules indexes) */
	size_t match[VERDICT_MAX_MATCH];
};

/* The rules' verdict on a. */
struct verdict verdict_for(const struct ruleset *rs, enum fc_mode mode,
			   struct activity *a);

/* Whether the rule's action was applied under mode. */
int verdict_applies(const struct rule *r, enum fc_mode mode);

#endif
