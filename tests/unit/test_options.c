/* test_options.c: the patcher's command line as tables: every spelling of
 * a flag, bool flags, missing values and unknown flags (options_parse), then
 * the checks on the values: customer ID, image, ARN (options_check). */
#include "unit.h"

#include "options.h"

#define CID "0123456789ABCDEF0123456789ABCDEF-12"
#define EN_DASH "\xe2\x80\x93"
#define EM_DASH "\xe2\x80\x94"
#define MAX_ARGS 10

/* argv (after argv[0]); then either the value a field must have, or the
 * piece of the usage error. field: which member to look at. */
enum field { F_CID, F_IMAGE, F_SPEC_FILE, F_SPEC_STDIN, F_OPTS, F_OUTPUT,
	     F_HELP, F_VERSION, F_NONE };

static const struct parse_case {
	const char *args[MAX_ARGS];
	enum field field;
	const char *want;  /* the string value, or "1"/"0" for a bool */
	const char *error; /* NULL: must parse */
} parse_cases[] = {
	/* Every spelling of a string flag. */
	{ { "-cid", CID }, F_CID, CID, NULL },
	{ { "-cid=" CID }, F_CID, CID, NULL },
	{ { "--cid", CID }, F_CID, CID, NULL },
	{ { "--cid=" CID }, F_CID, CID, NULL },
	{ { EN_DASH "cid", CID }, F_CID, CID, NULL },
	{ { EN_DASH "cid=" CID }, F_CID, CID, NULL },
	{ { EM_DASH "cid", CID }, F_CID, CID, NULL },
	/* The guide's "–ecs-spec-file" with the en dash of a word processor. */
	{ { EN_DASH "ecs-spec-file", "/var/run/spec/x.json" }, F_SPEC_FILE,
	  "/var/run/spec/x.json", NULL },
	{ { "-image", "a/b:c", "-image", "d/e:f" }, F_IMAGE, "d/e:f", NULL },
	/* The value is the next argument even when it starts with a dash. */
	{ { "-falconctl-opts", "--trace=info" }, F_OPTS, "--trace=info", NULL },
	{ { "-falconctl-opts=--tags=a=b" }, F_OPTS, "--tags=a=b", NULL },
	{ { "-o", "-" }, F_OUTPUT, "-", NULL },
	{ { "-cid=" }, F_CID, "", NULL },
	{ { "-ecs-spec-file", "-" }, F_SPEC_FILE, "-", NULL },
	/* Bool flags: no value, or =true/=false in any case. */
	{ { "-ecs-spec" }, F_SPEC_STDIN, "1", NULL },
	{ { "--ecs-spec" }, F_SPEC_STDIN, "1", NULL },
	{ { EN_DASH "ecs-spec" }, F_SPEC_STDIN, "1", NULL },
	{ { "-ecs-spec=true" }, F_SPEC_STDIN, "1", NULL },
	{ { "-ecs-spec=TRUE" }, F_SPEC_STDIN, "1", NULL },
	{ { "-ecs-spec=false" }, F_SPEC_STDIN, "0", NULL },
	{ { "-ecs-spec", "-ecs-spec=false" }, F_SPEC_STDIN, "0", NULL },
	{ { "-ecs-spec=yes" }, F_NONE, NULL, "takes no value" },
	{ { "-h" }, F_HELP, "1", NULL },
	{ { "-help" }, F_HELP, "1", NULL },
	{ { "--help" }, F_HELP, "1", NULL },
	{ { "-version" }, F_VERSION, "1", NULL },
	{ { "--version" }, F_VERSION, "1", NULL },
	{ { }, F_HELP, "0", NULL },
	/* A bool flag does not take the next argument as its value. */
	{ { "-ecs-spec", "x" }, F_NONE, NULL, "unexpected argument \"x\"" },
	/* Missing values. */
	{ { "-cid" }, F_NONE, NULL, "flag -cid needs a value" },
	{ { "-image", "x", "--ecs-spec-file" }, F_NONE, NULL,
	  "flag -ecs-spec-file needs a value" },
	{ { "-o" }, F_NONE, NULL, "flag -o needs a value" },
	/* Unknown flags and stray arguments. */
	{ { "-nope" }, F_NONE, NULL, "unknown flag \"-nope\"" },
	{ { "--cids=" CID }, F_NONE, NULL, "unknown flag" },
	{ { "-CID", CID }, F_NONE, NULL, "unknown flag" },
	{ { "---cid", CID }, F_NONE, NULL, "unknown flag" },
	{ { "-=x" }, F_NONE, NULL, "unknown flag" },
	{ { "-ecs-specfile", "x" }, F_NONE, NULL, "unknown flag" },
	{ { "taskdef.json" }, F_NONE, NULL, "unexpected argument \"taskdef.json\"" },
	{ { "-" }, F_NONE, NULL, "unexpected argument \"-\"" },
	{ { "--" }, F_NONE, NULL, "\"--\"" },
	{ { "" }, F_NONE, NULL, "unexpected argument" },
};

static const char *field_value(const struct patcher_opts *o, enum field f)
{
	switch (f) {
	case F_CID: return o->cid;
	case F_IMAGE: return o->image;
	case F_SPEC_FILE: return o->spec_file;
	case F_SPEC_STDIN: return o->spec_stdin ? "1" : "0";
	case F_OPTS: return o->falconctl_opts;
	case F_OUTPUT: return o->output;
	case F_HELP: return o->help ? "1" : "0";
	case F_VERSION: return o->version ? "1" : "0";
	case F_NONE: break;
	}
	return NULL;
}

/* "a b c" for a description. */
static void join(const char *const *args, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < MAX_ARGS && args[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				      args[i]);
}

/* argv as main() gets it, writable like the real one, copied into store;
 * returns argc. */
static int make_argv(const char *const *args, char **argv,
		     char store[][256])
{
	int argc = 0;

	snprintf(store[0], sizeof store[0], "falcon-patcher");
	argv[argc++] = store[0];
	for (int i = 0; i < MAX_ARGS && args[i]; i++) {
		snprintf(store[argc], sizeof store[argc], "%s", args[i]);
		argv[argc] = store[argc];
		argc++;
	}
	argv[argc] = NULL;
	return argc;
}

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof parse_cases / sizeof *parse_cases; i++) {
		const struct parse_case *c = &parse_cases[i];
		char *argv[MAX_ARGS + 2], store[MAX_ARGS + 1][256];
		char line[512], what[600];
		struct patcher_opts o;
		struct fc_err e = { 0 };
		int argc = make_argv(c->args, argv, store);
		int rc = options_parse(argc, argv, &o, &e);

		join(c->args, line, sizeof line);
		if (c->error) {
			if (!CHECK(rc == -1 && e.kind == FC_ERR_USAGE &&
				   strstr(e.msg, c->error),
				   "'%s' is refused: %s", line, c->error))
				unit_diag("rc %d, message: %s", rc, rc ? e.msg : "");
			continue;
		}
		if (!CHECK(rc == 0, "'%s' parses", line)) {
			unit_diag("message: %s", e.msg);
			continue;
		}
		snprintf(what, sizeof what, "'%s' sets the flag to '%s'", line,
			 c->want);
		unit_streq(field_value(&o, c->field), c->want, what);
	}
}

/* Complete command lines for options_check: 0 or the piece of the error. */
static const struct check_case {
	const char *args[MAX_ARGS];
	const char *error;
} check_cases[] = {
	{ { "-cid", CID, "-image", "i", "-ecs-spec-file", "x" }, NULL },
	{ { "-cid", CID, "-image", "i", "-ecs-spec" }, NULL },
	/* Customer IDs. */
	{ { "-cid", "0123456789abcdef0123456789abcdef-a2", "-image", "i", "-ecs-spec" }, NULL },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDE-12", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF0-12", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF-", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF-1", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF-123", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF_12", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "G123456789ABCDEF0123456789ABCDEF-12", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "0123456789ABCDEF0123456789ABCDEF-1G", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", " 123456789ABCDEF0123456789ABCDEF-12", "-image", "i", "-ecs-spec" },
	  "is not a customer ID" },
	{ { "-cid", "", "-image", "i", "-ecs-spec" }, "is not a customer ID" },
	{ { "-image", "i", "-ecs-spec" }, "missing -cid" },
	/* The init image. */
	{ { "-cid", CID, "-ecs-spec" }, "missing -image" },
	{ { "-cid", CID, "-image", "", "-ecs-spec" }, "missing -image" },
	{ { "-cid", CID, "-image", "a b", "-ecs-spec" }, "white space" },
	/* Where the definition comes from: exactly one place. */
	{ { "-cid", CID, "-image", "i" }, "no task definition" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-ecs-spec-file", "x" },
	  "both -ecs-spec-file and -ecs-spec" },
	/* ARNs: the guide's own example has an empty region. */
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager::532730071073:secret:test" }, NULL },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager:us-east-1:123456789012:secret:falcon/pull-AbCdEf" }, NULL },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:a:b" }, NULL },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn", "falcon-pull" },
	  "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn", "" },
	  "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager::532730071073" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager::532730071073:" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn::secretsmanager::532730071073:secret:test" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:::532730071073:secret:test" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "ARN:aws:secretsmanager::532730071073:secret:test" }, "is not an ARN" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-secret-arn",
	    "arn:aws:secretsmanager::532730071073:secret:te st" }, "is not an ARN" },
	/* The customer ID has one place only. */
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-falconctl-opts",
	    "--trace=info --cid=x" }, "contains --cid" },
	{ { "-cid", CID, "-image", "i", "-ecs-spec", "-falconctl-opts",
	    "--trace=info --tags=a" }, NULL },
};

static void test_check(void)
{
	for (size_t i = 0; i < sizeof check_cases / sizeof *check_cases; i++) {
		const struct check_case *c = &check_cases[i];
		char *argv[MAX_ARGS + 2], store[MAX_ARGS + 1][256], line[512];
		struct patcher_opts o;
		struct fc_err e = { 0 };
		int argc = make_argv(c->args, argv, store);

		join(c->args, line, sizeof line);
		if (!CHECK(options_parse(argc, argv, &o, &e) == 0,
			   "'%s' parses", line)) {
			unit_diag("message: %s", e.msg);
			continue;
		}
		int rc = options_check(&o, &e);

		if (!c->error) {
			if (!CHECK(rc == 0, "'%s' is a complete command line", line))
				unit_diag("message: %s", e.msg);
		} else if (!CHECK(rc == -1 && e.kind == FC_ERR_USAGE &&
				  strstr(e.msg, c->error),
				  "'%s' is refused: %s", line, c->error)) {
			unit_diag("rc %d, message: %s", rc, rc ? e.msg : "");
		}
	}
}

int main(void)
{
	test_parse();
	test_check();
	CHECK(strstr(options_usage, "-ecs-spec-file") &&
	      strstr(options_usage, "-secret-arn"), "the usage text names the flags");
	return unit_done();
}
