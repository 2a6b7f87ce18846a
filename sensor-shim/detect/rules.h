/* rules.h: detection rules (RULES.md): the built-in set, compiled into the
 * sensor from rules_builtin.json, and the --rules file, read at start by
 * the same loader. A rule names the events it looks at, conditions over
 * their fields (all must hold) and an action. */
#ifndef FC_RULES_H
#define FC_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "activity.h"
#include "err.h"

enum rule_op { OP_EQ, OP_PREFIX, OP_SUFFIX, OP_CONTAINS, OP_GLOB, OP_ANY_BITS };

enum rule_action { RA_ALERT, RA_DENY, RA_KILL };

struct rule_cond {
	enum act_field field;
	enum rule_op op;
	int negate;              /* "not": true */
	int nocase;              /* "nocase": true */
	size_t n;                /* values: any one may match */
	char **s;                /* string fields */
	long long *num;          /* number and bool fields */
};

struct rule {
	char *id, *title, *mitre;
	int severity_id;         /* OCSF: 1 informational .. 5 critical */
	enum rule_action action;
	uint32_t events;         /* bit (1 << ACT_*) per event */
	int enabled;
	int builtin;
	struct rule_cond *cond;
	size_t n_cond;
};

struct ruleset {
	struct rule *rules;
	size_t n;
	char **sensitive;        /* sensitive_paths: fnmatch patterns */
	size_t n_sensitive;
};

#define RULES_MAX 1024
#define RULES_FILE_MAX (1U << 20)

/* Loads the built-in rules into an empty set. */
int ruleset_load_builtin(struct ruleset *rs, struct fc_err *e);

/* Adds the rules in text (a file called name, for messages): a rule with
 * the id of one already in the set replaces it, sensitive paths are added.
 * Nothing changes on failure; the message names the line, the rule and
 * the field. FC_ERR_INPUT, or FC_ERR_SYSTEM when out of memory. */
int ruleset_add_text(struct ruleset *rs, const char *name, const char *text,
		     size_t len, struct fc_err *e);

/* ruleset_add_text of the file at path. */
int ruleset_add_file(struct ruleset *rs, const char *path, struct fc_err *e);

void ruleset_free(struct ruleset *rs);

/* Takes the events in mask (bit (1 << ACT_*) each) away from every rule:
 * a rule left with none is disabled. Sensitive paths go too when mask
 * has ACT_OPEN. Returns how many rules were disabled. For
 * --file-events=off, where those syscalls are not stopped. */
size_t ruleset_drop_events(struct ruleset *rs, uint32_t mask);

/* The events that enabled rules look at: bit (1 << ACT_*) each. */
uint32_t ruleset_events(const struct ruleset *rs);

/* The enabled rules that a matches, as indexes into rs->rules, in order,
 * up to max of them; returns how many were stored. */
size_t ruleset_match(const struct ruleset *rs, struct activity *a, size_t *out,
		     size_t max);

/* Whether path is one of the sensitive paths (a read of it is an event). */
int ruleset_is_sensitive(const struct ruleset *rs, const char *path);

/* "alert", "deny", "kill"; "informational" .. "critical". */
const char *rule_action_name(enum rule_action a);
const char *rule_severity_name(int severity_id);

#endif
