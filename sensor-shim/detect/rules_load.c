/* rules_load.c: rules files (RULES.md) to struct ruleset. A file is
 * untrusted input that decides what the sensor stops and kills, so every
 * key is checked and the first problem refuses the whole file, with a
 * message that names the line, the rule and the field. */
#include "rules.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_parse.h"
#include "slurp.h"

/* Generated from rules_builtin.json by the Makefile. */
extern const char rules_builtin_json[];
extern const size_t rules_builtin_json_len;

static const char *const severities[] = {
	"informational", "low", "medium", "high", "critical"
};

static const char *const actions[] = { "alert", "deny", "kill" };

static const struct {
	const char *name;
	enum rule_op op;
} ops[] = {
	{ "eq", OP_EQ }, { "in", OP_EQ }, { "prefix", OP_PREFIX },
	{ "suffix", OP_SUFFIX }, { "contains", OP_CONTAINS }, { "glob", OP_GLOB },
	{ "any_bits", OP_ANY_BITS },
};

const char *rule_action_name(enum rule_action a)
{
	return actions[a];
}

const char *rule_severity_name(int severity_id)
{
	return severity_id >= 1 && severity_id <= 5 ? severities[severity_id - 1] :
	       "unknown";
}

/* Where we are in the file, for messages. */
struct ctx {
	const char *file;
	const char *rule;        /* its id, or NULL */
	size_t rule_no;          /* 1-based */
	size_t cond_no;          /* 1-based; 0: not in a condition */
	struct fc_err *e;
};

static int bad(const struct ctx *c, const struct jv *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(const struct ctx *c, const struct jv *at, const char *fmt, ...)
{
	char what[512], rule[128] = "", cond[48] = "";
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above; clang 14's analyzer loses track */
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->rule)
		snprintf(rule, sizeof rule, "rule \"%.64s\": ", c->rule);
	else if (c->rule_no)
		snprintf(rule, sizeof rule, "rule %zu: ", c->rule_no);
	if (c->cond_no)
		snprintf(cond, sizeof cond, "condition %zu: ", c->cond_no);
	/* Names quoted from the file may hold control bytes (a "\n" in a
	 * key): the message stays one printable line. */
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	for (char *p = rule; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return fc_fail(c->e, FC_ERR_INPUT, "rules file %s: line %u, column %u: %s%s%s "
		       "(see RULES.md)", c->file, at->line, at->col, rule, cond, what);
}

static int oom(const struct ctx *c)
{
	return fc_fail(c->e, FC_ERR_SYSTEM, "out of memory reading the rules file %s",
		       c->file);
}

static int index_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static void cond_free(struct rule_cond *c)
{
	for (size_t i = 0; c->s && i < c->n; i++)
		free(c->s[i]);
	free(c->s);
	free(c->num);
}

static void rule_free(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->mitre);
	for (size_t i = 0; i < r->n_cond; i++)
		cond_free(&r->cond[i]);
	free(r->cond);
	memset(r, 0, sizeof *r);
}

/* Checks that o has only the keys listed (NULL-terminated). */
static int only_keys(const struct ctx *c, const struct jv *o, const char *what,
		     const char *const *allowed)
{
	for (size_t k = 0; k < o->n; k++) {
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], o->keys[k]) != 0)
			i++;
		if (!allowed[i])
			return bad(c, &o->items[k], "unknown key \"%.64s\" in %s", o->keys[k],
				   what);
	}
	return 0;
}

static int text_field(const struct ctx *c, const struct jv *o, const char *key,
		      int required, size_t max, char **out)
{
	const struct jv *v = jv_get(o, key);

	*out = NULL;
	if (!v) {
		if (required)
			return bad(c, o, "\"%s\" is missing", key);
		return 0;
	}
	if (v->type != JV_STRING)
		return bad(c, v, "\"%s\" must be a string, not %s", key,
			   jv_type_name(v->type));
	if (v->len == 0 || v->len > max)
		return bad(c, v, "\"%s\" must have 1 to %zu bytes", key, max);
	if (strpbrk(v->str, "\n\r"))
		return bad(c, v, "\"%s\" must be one line", key);
	*out = strdup(v->str);
	return *out ? 0 : oom(c);
}

static int valid_id(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789-_.") == strlen(s);
}

/* T1234 or T1234.001 */
static int valid_mitre(const char *s)
{
	size_t n = strlen(s);

	if ((n != 5 && n != 9) || s[0] != 'T' || strspn(s + 1, "0123456789") != 4)
		return 0;
	return n == 5 || (s[5] == '.' && strspn(s + 6, "0123456789") == 3);
}

static int one_event(const struct ctx *c, const struct jv *v, uint32_t *events)
{
	int i;

	if (v->type != JV_STRING)
		return bad(c, v, "\"event\" must be an event name or a list of them, "
			   "not %s", jv_type_name(v->type));
	i = index_of(v->str, act_event_names, ACT_N_EVENTS);
	if (i < 0 || i == ACT_SYSCALL) /* a policy's, never a rule's */
		return bad(c, v, "\"%.64s\" is not an event: use exec, open, unlink, "
			   "rename, chmod, connect, bind, listen, ptrace, unshare, setns "
			   "or dup", v->str);
	*events |= 1U << i;
	return 0;
}

static int read_events(const struct ctx *c, const struct jv *r, uint32_t *events)
{
	const struct jv *v = jv_get(r, "event");

	*events = 0;
	if (!v)
		return bad(c, r, "\"event\" is missing");
	if (v->type != JV_ARRAY)
		return one_event(c, v, events);
	if (v->n == 0)
		return bad(c, v, "\"event\" lists no event");
	for (size_t i = 0; i < v->n; i++)
		if (one_event(c, &v->items[i], events) < 0)
			return -1;
	return 0;
}

/* One value of a condition into slot i. */
static int cond_value(const struct ctx *c, const struct jv *v, struct rule_cond *rc,
		      size_t i)
{
	enum act_type t = act_fields[rc->field].type;
	const char *fname = act_fields[rc->field].name;

	if (t == AT_STRING || t == AT_STRINGS) {
		if (v->type != JV_STRING)
			return bad(c, v, "field \"%s\" is a string: the value must be a "
				   "string, not %s", fname, jv_type_name(v->type));
		if (rc->op == OP_GLOB && v->len > 4096)
			return bad(c, v, "glob pattern longer than 4096 bytes");
		rc->s[i] = strdup(v->str);
		return rc->s[i] ? 0 : oom(c);
	}
	if (t == AT_BOOL) {
		if (v->type != JV_BOOL)
			return bad(c, v, "field \"%s\" is true or false, not %s", fname,
				   jv_type_name(v->type));
		rc->num[i] = v->b;
		return 0;
	}
	if (v->type != JV_NUMBER || !v->is_int)
		return bad(c, v, "field \"%s\" is a number: the value must be an "
			   "integer", fname);
	rc->num[i] = v->i;
	return 0;
}

static int read_cond(struct ctx *c, const struct jv *o, uint32_t events,
		     struct rule_cond *rc)
{
	static const char *const keys[] = { "field", "op", "value", "not", "nocase", NULL };
	const struct jv *field = jv_get(o, "field"), *op = jv_get(o, "op"),
		*value = jv_get(o, "value"), *neg = jv_get(o, "not"),
		*nocase = jv_get(o, "nocase");
	const struct jv *vals;
	enum act_type t;
	size_t n;
	int f, k = -1;

	if (o->type != JV_OBJECT)
		return bad(c, o, "a condition must be an object {\"field\", \"op\", "
			   "\"value\"}, not %s", jv_type_name(o->type));
	if (only_keys(c, o, "a condition", keys) < 0)
		return -1;
	if (!field || field->type != JV_STRING)
		return bad(c, field ? field : o, "\"field\" must be a field name");
	f = act_field_lookup(field->str);
	if (f < 0)
		return bad(c, field, "field \"%.64s\" is not an event field", field->str);
	if (!(act_fields[f].events & events))
		return bad(c, field, "field \"%s\" is in none of this rule's events",
			   field->str);
	rc->field = (enum act_field)f;
	t = act_fields[f].type;
	if (!op || op->type != JV_STRING)
		return bad(c, op ? op : o, "\"op\" must be one of eq, in, prefix, "
			   "suffix, contains, glob, any_bits");
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (strcmp(ops[i].name, op->str) == 0)
			k = (int)i;
	if (k < 0)
		return bad(c, op, "\"%.32s\" is not an op: use eq, in, prefix, suffix, "
			   "contains, glob or any_bits", op->str);
	rc->op = ops[k].op;
	if (rc->op == OP_ANY_BITS && t != AT_NUMBER)
		return bad(c, op, "any_bits needs a number field; \"%s\" is not one",
			   field->str);
	if ((rc->op == OP_PREFIX || rc->op == OP_SUFFIX || rc->op == OP_CONTAINS ||
	     rc->op == OP_GLOB) && t != AT_STRING && t != AT_STRINGS)
		return bad(c, op, "%s needs a string field; \"%s\" is not one", op->str,
			   field->str);
	if (neg && neg->type != JV_BOOL)
		return bad(c, neg, "\"not\" must be true or false");
	if (nocase && nocase->type != JV_BOOL)
		return bad(c, nocase, "\"nocase\" must be true or false");
	rc->negate = neg && neg->b;
	rc->nocase = nocase && nocase->b;
	if (!value)
		return bad(c, o, "\"value\" is missing");
	if (value->type == JV_ARRAY) {
		if (rc->op == OP_ANY_BITS)
			return bad(c, value, "any_bits takes one number, not a list");
		if (value->n == 0 || value->n > 4096)
			return bad(c, value, "\"value\" must list 1 to 4096 values");
		vals = value->items;
		n = value->n;
	} else {
		if (strcmp(op->str, "in") == 0)
			return bad(c, value, "\"in\" needs a list of values");
		vals = value;
		n = 1;
	}
	rc->s = calloc(n, sizeof *rc->s);
	rc->num = calloc(n, sizeof *rc->num);
	if (!rc->s || !rc->num)
		return oom(c);
	rc->n = n;
	for (size_t i = 0; i < n; i++)
		if (cond_value(c, &vals[i], rc, i) < 0)
			return -1;
	return 0;
}

static int read_rule(struct ctx *c, const struct jv *o, struct rule *r)
{
	static const char *const keys[] = { "id", "title", "severity", "action", "event",
		"when", "mitre", "enabled", "description", NULL };
	const struct jv *v, *when;

	c->rule = NULL;
	c->cond_no = 0;
	if (o->type != JV_OBJECT)
		return bad(c, o, "a rule must be an object, not %s", jv_type_name(o->type));
	if (text_field(c, o, "id", 1, 64, &r->id) < 0)
		return -1;
	if (!r->id || !valid_id(r->id))
		return bad(c, jv_get(o, "id"), "\"id\" may hold letters, digits, '-', "
			   "'_' and '.' only");
	c->rule = r->id;
	if (only_keys(c, o, "a rule", keys) < 0 ||
	    text_field(c, o, "title", 1, 200, &r->title) < 0 ||
	    text_field(c, o, "mitre", 0, 9, &r->mitre) < 0)
		return -1;
	if (r->mitre && !valid_mitre(r->mitre))
		return bad(c, jv_get(o, "mitre"), "\"mitre\" must be a technique id "
			   "like T1059 or T1059.004");
	v = jv_get(o, "description");
	if (v && v->type != JV_STRING)
		return bad(c, v, "\"description\" must be a string");
	v = jv_get(o, "severity");
	if (!v || v->type != JV_STRING ||
	    (r->severity_id = index_of(v->str, severities, 5) + 1) == 0)
		return bad(c, v ? v : o, "\"severity\" must be informational, low, "
			   "medium, high or critical");
	v = jv_get(o, "action");
	if (!v || v->type != JV_STRING || index_of(v->str, actions, 3) < 0)
		return bad(c, v ? v : o, "\"action\" must be alert, deny or kill");
	r->action = (enum rule_action)index_of(v->str, actions, 3);
	v = jv_get(o, "enabled");
	if (v && v->type != JV_BOOL)
		return bad(c, v, "\"enabled\" must be true or false");
	r->enabled = !v || v->b;
	if (read_events(c, o, &r->events) < 0)
		return -1;
	when = jv_get(o, "when");
	if (!when || when->type != JV_ARRAY)
		return bad(c, when ? when : o, "\"when\" must be a list of conditions "
			   "(empty to match every event)");
	if (when->n > 32)
		return bad(c, when, "more than 32 conditions");
	r->cond = calloc(when->n ? when->n : 1, sizeof *r->cond);
	if (!r->cond)
		return oom(c);
	for (size_t i = 0; i < when->n; i++) {
		c->cond_no = i + 1;
		r->n_cond = i + 1;
		if (read_cond(c, &when->items[i], r->events, &r->cond[i]) < 0)
			return -1;
	}
	c->cond_no = 0;
	return 0;
}

static int read_sensitive(const struct ctx *c, const struct jv *v, struct ruleset *rs)
{
	if (v->type != JV_ARRAY)
		return bad(c, v, "\"sensitive_paths\" must be a list of paths");
	if (v->n > 1024)
		return bad(c, v, "more than 1024 sensitive paths");
	rs->sensitive = calloc(v->n ? v->n : 1, sizeof *rs->sensitive);
	if (!rs->sensitive)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct jv *p = &v->items[i];

		if (p->type != JV_STRING || p->str[0] != '/' || p->len > 4096)
			return bad(c, p, "a sensitive path must be an absolute path or "
				   "glob pattern (at most 4096 bytes)");
		rs->sensitive[i] = strdup(p->str);
		if (!rs->sensitive[i])
			return oom(c);
		rs->n_sensitive = i + 1;
	}
	return 0;
}

/* The whole document into a fresh set. */
static int read_doc(struct ctx *c, const struct jv *doc, struct ruleset *rs)
{
	static const char *const keys[] = { "rules", "sensitive_paths", NULL };
	const struct jv *rules, *sens;

	if (doc->type != JV_OBJECT)
		return bad(c, doc, "the file must be an object {\"rules\": [...]}");
	if (only_keys(c, doc, "the file", keys) < 0)
		return -1;
	sens = jv_get(doc, "sensitive_paths");
	if (sens && read_sensitive(c, sens, rs) < 0)
		return -1;
	rules = jv_get(doc, "rules");
	if (!rules || rules->type != JV_ARRAY)
		return bad(c, rules ? rules : doc, "\"rules\" must be a list of rules");
	if (rules->n > RULES_MAX)
		return bad(c, rules, "more than %d rules", RULES_MAX);
	rs->rules = calloc(rules->n ? rules->n : 1, sizeof *rs->rules);
	if (!rs->rules)
		return oom(c);
	for (size_t i = 0; i < rules->n; i++) {
		c->rule_no = i + 1;
		rs->n = i + 1;
		if (read_rule(c, &rules->items[i], &rs->rules[i]) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (rs->rules[k].id && strcmp(rs->rules[k].id, rs->rules[i].id) == 0)
				return bad(c, jv_get(&rules->items[i], "id"), "the id is "
					   "used twice in this file");
	}
	return 0;
}

void ruleset_free(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->n_sensitive; i++)
		free(rs->sensitive[i]);
	free(rs->sensitive);
	memset(rs, 0, sizeof *rs);
}

/* The index of the rule called id in rs, or rs->n. */
static size_t rule_index(const struct ruleset *rs, const char *id)
{
	for (size_t k = 0; k < rs->n; k++)
		if (id && rs->rules[k].id && strcmp(rs->rules[k].id, id) == 0)
			return k;
	return rs->n;
}

/* Moves add's rules and paths into rs (replacing same ids). */
static int merge(struct ruleset *rs, struct ruleset *add, const char *name,
		 struct fc_err *e)
{
	size_t fresh = 0;
	struct rule *rules;
	char **sens;

	for (size_t i = 0; i < add->n; i++)
		fresh += rule_index(rs, add->rules[i].id) == rs->n;
	if (rs->n + fresh > RULES_MAX)
		return fc_fail(e, FC_ERR_INPUT, "rules file %s: with it there would be "
			       "more than %d rules in all (see RULES.md)", name, RULES_MAX);
	rules = realloc(rs->rules, (rs->n + fresh + 1) * sizeof *rules);
	if (!rules)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the rules");
	rs->rules = rules;
	sens = realloc(rs->sensitive, (rs->n_sensitive + add->n_sensitive + 1) *
		       sizeof *sens);
	if (!sens)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the rules");
	rs->sensitive = sens;
	for (size_t i = 0; i < add->n; i++) {
		size_t k = rule_index(rs, add->rules[i].id);

		if (k < rs->n)
			rule_free(&rs->rules[k]);
		else
			rs->n++;
		rs->rules[k] = add->rules[i];
	}
	for (size_t i = 0; i < add->n_sensitive; i++)
		rs->sensitive[rs->n_sensitive++] = add->sensitive[i];
	free(add->rules);
	free(add->sensitive);
	memset(add, 0, sizeof *add);
	return 0;
}

int ruleset_add_text(struct ruleset *rs, const char *name, const char *text,
		     size_t len, struct fc_err *e)
{
	struct ctx c = { .file = name, .e = e };
	struct jparse_err je;
	struct ruleset add = { 0 };
	struct jv *doc;
	int rc;

	if (len > RULES_FILE_MAX)
		return fc_fail(e, FC_ERR_INPUT, "rules file %s is larger than %u bytes",
			       name, RULES_FILE_MAX);
	doc = jparse(text, len, &je);
	if (!doc)
		return fc_fail(e, FC_ERR_INPUT, "rules file %s is not valid JSON: %s",
			       name, je.msg);
	rc = read_doc(&c, doc, &add);
	jv_free(doc);
	if (rc == 0)
		rc = merge(rs, &add, name, e);
	ruleset_free(&add);
	return rc;
}

int ruleset_load_builtin(struct ruleset *rs, struct fc_err *e)
{
	int rc = ruleset_add_text(rs, "(built in)", rules_builtin_json,
				  rules_builtin_json_len, e);

	for (size_t i = 0; i < rs->n; i++)
		rs->rules[i].builtin = 1;
	return rc;
}

int ruleset_add_file(struct ruleset *rs, const char *path, struct fc_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (slurp(path, RULES_FILE_MAX, "the rules file (--rules)", &text, &len, e) < 0)
		return -1;
	rc = ruleset_add_text(rs, path, text, len, e);
	free(text);
	return rc;
}

uint32_t ruleset_events(const struct ruleset *rs)
{
	uint32_t ev = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->rules[i].enabled)
			ev |= rs->rules[i].events;
	return ev;
}

size_t ruleset_drop_events(struct ruleset *rs, uint32_t mask)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->rules[i];

		if (!r->enabled || !(r->events & mask))
			continue;
		r->events &= ~mask;
		/* A rule on a field only those events had (file.path on an
		 * exec rule keeps working; written_since_start does not). */
		if (!r->events) {
			r->enabled = 0;
			n++;
		}
	}
	if (mask & (1U << ACT_OPEN)) {
		for (size_t i = 0; i < rs->n_sensitive; i++)
			free(rs->sensitive[i]);
		rs->n_sensitive = 0;
	}
	return n;
}
