/* test_falconctl_opts.c: FALCONCTL_OPTS from text to options, as tables:
 * the shell-like word splitting (shell_words.c), then the sorting of words
 * into understood and set-aside options (falconctl_opts.c). */
#include "unit.h"

#include <stdio.h>

#include "falconctl_opts.h"
#include "shell_words.h"

#define MAXW 6
#define CID "0123456789abcdef0123456789ABCDEF-9f"

static const struct {
	const char *in;
	size_t n;
	const char *want[MAXW];
} splits[] = {
	{ "", 0, { NULL } },
	{ " \t\n ", 0, { NULL } },
	{ "a", 1, { "a" } },
	{ "  --cid=X   --trace=info  ", 2, { "--cid=X", "--trace=info" } },
	{ "a\tb\nc", 3, { "a", "b", "c" } },
	/* Single quotes: everything literal, backslashes included. */
	{ "--tags='a b'", 1, { "--tags=a b" } },
	{ "'a\\b \"c\"'", 1, { "a\\b \"c\"" } },
	/* Double quotes: \ escapes only " \ $ ` and newline. */
	{ "\"a b\"", 1, { "a b" } },
	{ "\"a\\\"b\\\\c\\$d\\`e\\xf\"", 1, { "a\"b\\c$d`e\\xf" } },
	{ "\"a\\\nb\"", 1, { "ab" } },
	/* Outside quotes a backslash makes the next byte literal. */
	{ "a\\ b", 1, { "a b" } },
	{ "\\'a\\\"", 1, { "'a\"" } },
	{ "a\\\nb", 1, { "ab" } },
	{ "a \\\n b", 2, { "a", "b" } },
	/* Parts join into one word; empty quotes are an empty word. */
	{ "--tags=\"a b\"',c'd", 1, { "--tags=a b,cd" } },
	{ "'' \"\" x", 3, { "", "", "x" } },
	/* No expansions, operators or comments. */
	{ "$HOME `id` ~ * ; | & # x", 9, { "$HOME", "`id`", "~", "*", ";", "|" } },
	{ "--cid=" CID " --tags=x", 2, { "--cid=" CID, "--tags=x" } },
};

static const struct {
	const char *in;
	const char *msg;
} split_errors[] = {
	{ "'abc", "at byte offset 0: unterminated single quote" },
	{ "a \"bc", "at byte offset 2: unterminated double quote" },
	{ "a \"b\\\"", "unterminated double quote" },
	{ "abc\\", "at byte offset 3: a backslash at the end escapes nothing" },
};

static void test_split(void)
{
	for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
		struct fc_err e = { 0 };
		char **w = NULL;
		size_t n = 99;
		int rc = shell_words_split(splits[i].in, &w, &n, &e);
		int good = rc == 0 && n == splits[i].n && w && w[n] == NULL;

		for (size_t k = 0; good && k < n && k < MAXW && splits[i].want[k]; k++)
			good = strcmp(w[k], splits[i].want[k]) == 0;
		if (!CHECK(good, "splits %zu: %s", i, splits[i].in))
			unit_diag("rc %d, n %zu, error %s", rc, n, e.msg);
		free(w);
	}
	for (size_t i = 0; i < sizeof split_errors / sizeof *split_errors; i++) {
		struct fc_err e = { 0 };
		char **w = NULL;
		size_t n;

		if (!CHECK(shell_words_split(split_errors[i].in, &w, &n, &e) < 0 &&
			   e.kind == FC_ERR_INPUT && strstr(e.msg, split_errors[i].msg) && !w,
			   "refuses to split %s", split_errors[i].in))
			unit_diag("message: %s", e.msg);
	}
}

/* Options: the text, then what must come out. msg NULL: accepted. */
static const struct {
	const char *in;
	const char *msg;
	enum fc_trace trace;
	enum fc_fail_mode fail;
	size_t known, unknown;
} opts[] = {
	{ "--cid=" CID, NULL, FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid=" CID " --trace=none", NULL, FC_TRACE_NONE, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --trace=err", NULL, FC_TRACE_ERR, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --trace=info", NULL, FC_TRACE_INFO, FC_FAIL_OPEN, 2, 0 },
	{ "--trace=debug --cid=" CID, NULL, FC_TRACE_DEBUG, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --fail=closed", NULL, FC_TRACE_WARN, FC_FAIL_CLOSED, 2, 0 },
	{ "--cid=" CID " --fail=open", NULL, FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	/* The real product's options are set aside, not refused. */
	{ "--cid=" CID " --tags=a,b --apd=true --aph=h --app=8080 --billing=metered "
	  "--provisioning-token=x -s --failover=1 cid=1 --cidr=x", NULL,
	  FC_TRACE_WARN, FC_FAIL_OPEN, 2, 9 },
	/* The sensor's own: tags, sink, seccomp, container name. */
	{ "--cid=" CID " --tags=web,prod/eu-1,a_b --sink=file:/tmp/ev --seccomp=off "
	  "--container-name=web-1_x", NULL, FC_TRACE_WARN, FC_FAIL_OPEN, 5, 0 },
	{ "--cid=" CID " --sink=stderr --seccomp=on", NULL, FC_TRACE_WARN, FC_FAIL_OPEN, 3, 0 },
	/* Problems: the first is reported, every word is still sorted. */
	{ "", "no --cid=<customer ID>", FC_TRACE_WARN, FC_FAIL_OPEN, 0, 0 },
	{ "--apd=x", "no --cid=", FC_TRACE_WARN, FC_FAIL_OPEN, 0, 1 },
	{ "--cid=" CID " --tags='a b'", "a tag may hold only letters", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --tags=a,,b", "has an empty tag", FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --tags=a,", "has an empty tag", FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --tags=", "--tags needs a value", FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --sink=syslog", "--sink=syslog is not an event sink",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --sink=file:", "is not an event sink", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --seccomp=maybe", "--seccomp=maybe: use on, or off", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --entrants=auto --mode=detect", NULL, FC_TRACE_WARN, FC_FAIL_OPEN,
	  3, 0 },
	{ "--cid=" CID " --entrants=off", NULL, FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --entrants=yes", "--entrants=yes: use auto", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --container-name=a.b", "is not an ECS container name",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --seccomp=off --seccomp=off", "--seccomp is given twice",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 3, 0 },
	{ "--cid=", "--cid needs a value", FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid", "--cid needs a value", FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid=0123", "is not a customer ID", FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid=0123456789abcdef0123456789abcdeg-12", "is not a customer ID",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid=0123456789abcdef0123456789abcdef_12", "is not a customer ID",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 1, 0 },
	{ "--cid=" CID " --cid=" CID, "--cid is given twice", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --trace=verbose", "--trace=verbose is not a trace level",
	  FC_TRACE_WARN, FC_FAIL_OPEN, 2, 0 },
	{ "--cid=" CID " --trace=INFO", "not a trace level", FC_TRACE_WARN,
	  FC_FAIL_OPEN, 2, 0 },
	/* A --fail the sensor cannot read is taken as closed, whatever else
	 * goes wrong, and even when a later error is the one reported. */
	{ "--cid=" CID " --fail=maybe", "--fail=maybe is not a fail mode",
	  FC_TRACE_WARN, FC_FAIL_CLOSED, 2, 0 },
	{ "--cid=" CID " --fail", "--fail needs a value", FC_TRACE_WARN,
	  FC_FAIL_CLOSED, 2, 0 },
	{ "--trace=loud --fail=closed --cid=" CID, "--trace=loud", FC_TRACE_WARN,
	  FC_FAIL_CLOSED, 3, 0 },
	{ "--fail=open --fail=closed --cid=" CID, "--fail is given twice",
	  FC_TRACE_WARN, FC_FAIL_CLOSED, 3, 0 },
};

static void test_opts(void)
{
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
		struct fc_err e = { 0 };
		struct falconctl_opts o;
		const char *known[16], *unknown[16];
		size_t n_known = 99, n_unknown = 99, n = 0;
		char **w = NULL;
		int rc, good;

		if (!CHECK(shell_words_split(opts[i].in, &w, &n, &e) == 0 && n <= 16,
			   "options %zu split", i))
			continue;
		rc = falconctl_opts_parse(w, n, &o, known, &n_known, unknown, &n_unknown, &e);
		good = o.trace == opts[i].trace && o.fail == opts[i].fail &&
		       n_known == opts[i].known && n_unknown == opts[i].unknown;
		if (opts[i].msg)
			good = good && rc < 0 && e.kind == FC_ERR_USAGE && strstr(e.msg, opts[i].msg);
		else
			good = good && rc == 0 && o.cid && strcmp(o.cid, CID) == 0;
		if (!CHECK(good, "options %zu: %s", i, opts[i].in))
			unit_diag("rc %d trace %d fail %d known %zu unknown %zu: %s", rc,
				  (int)o.trace, (int)o.fail, n_known, n_unknown, e.msg);
		free(w);
	}
}

/* Known words are forwarded verbatim and in order. */
static void test_forwarded(void)
{
	char *w[] = { "--apd=x", "--trace=info", ("--cid=" CID), "-s", "--fail=open" };
	const char *known[5], *unknown[5];
	size_t nk, nu;
	struct falconctl_opts o;
	struct fc_err e = { 0 };

	CHECK(falconctl_opts_parse(w, 5, &o, known, &nk, unknown, &nu, &e) == 0 &&
	      nk == 3 && known[0] == w[1] && known[1] == w[2] && known[2] == w[4] &&
	      nu == 2 && unknown[0] == w[0] && unknown[1] == w[3],
	      "understood words are kept verbatim, in order, and the rest set aside");
}

/* The sensor's options land in their fields; the defaults when absent. */
static void test_sensor_fields(void)
{
	char *w[] = { ("--cid=" CID), "--tags=a,b", "--sink=file:/x", "--seccomp=off",
		      "--container-name=web" };
	const char *known[5], *unknown[5];
	size_t nk, nu;
	struct falconctl_opts o;
	struct fc_err e = { 0 };

	CHECK(falconctl_opts_parse(w, 5, &o, known, &nk, unknown, &nu, &e) == 0 &&
	      o.tags == w[1] + 7 && o.sink == w[2] + 7 && o.seccomp == FC_SECCOMP_OFF &&
	      o.container == w[4] + 17, "--tags, --sink, --seccomp, --container-name are read");
	CHECK(falconctl_opts_parse(w, 1, &o, known, &nk, unknown, &nu, &e) == 0 &&
	      !o.tags && !o.sink && o.seccomp == FC_SECCOMP_ON && !o.container,
	      "without them: no tags, stderr, seccomp on, no container name");
}

/* --allow=LIST: names to bits, strictly. */
static const struct {
	const char *value;
	unsigned want;           /* the bits, or ~0U: refused */
	const char *msg;         /* refused: part of the message */
} allows[] = {
	{ "io-uring", FC_ALLOW_IO_URING, NULL },
	{ "user-namespace,compat-abi", FC_ALLOW_USER_NAMESPACE | FC_ALLOW_COMPAT_ABI, NULL },
	{ "chroot,net-raw,sys-nice", FC_ALLOW_CHROOT | FC_ALLOW_NET_RAW | FC_ALLOW_SYS_NICE,
	  NULL },
	{ "io-uring,user-namespace,compat-abi,chroot,net-raw,sys-nice", 0x3fU, NULL },
	{ "io_uring", ~0U, "\"io_uring\" is not a refusal the sensor can lift: use "
	  "io-uring, user-namespace, compat-abi, chroot, net-raw, sys-nice" },
	{ "io-uring,", ~0U, "has an empty name" },
	{ ",io-uring", ~0U, "has an empty name" },
	{ "io-uring,,chroot", ~0U, "has an empty name" },
	{ "chroot,chroot", ~0U, "names \"chroot\" twice" },
	{ "IO-URING", ~0U, "is not a refusal" },
	{ "io-uring-x", ~0U, "is not a refusal" },
	{ "all", ~0U, "is not a refusal" },
};

static void test_allow(void)
{
	char cid[] = "--cid=" CID;
	const char *known[3], *unknown[3];
	size_t nk, nu;
	struct falconctl_opts o;

	for (size_t i = 0; i < sizeof allows / sizeof *allows; i++) {
		char word[128];
		char *w[] = { cid, word };
		struct fc_err e = { 0 };
		int rc;

		snprintf(word, sizeof word, "--allow=%s", allows[i].value);
		rc = falconctl_opts_parse(w, 2, &o, known, &nk, unknown, &nu, &e);
		if (allows[i].want != ~0U)
			CHECK(rc == 0 && o.allow == allows[i].want && nk == 2,
			      "--allow=%s is read", allows[i].value);
		else if (!CHECK(rc < 0 && e.kind == FC_ERR_USAGE && strstr(e.msg, allows[i].msg),
				"--allow=%s is refused", allows[i].value))
			unit_diag("rc %d: %s", rc, e.msg);
	}
	{
		char *w[] = { cid };
		struct fc_err e = { 0 };

		CHECK(falconctl_opts_parse(w, 1, &o, known, &nk, unknown, &nu, &e) == 0 &&
		      o.allow == 0, "without --allow nothing is lifted");
	}
}

static const struct {
	const char *in;
	enum fc_fail_mode want;
} texts[] = {
	{ "--cid=x --tags='oops", FC_FAIL_OPEN },
	{ "--cid=x --fail=open --tags='oops", FC_FAIL_OPEN },
	{ "--fail=open", FC_FAIL_OPEN },
	{ "--failover=1 '", FC_FAIL_OPEN },
	{ "--cid=x --fail=closed --tags='oops", FC_FAIL_CLOSED },
	{ "'--fail=closed", FC_FAIL_CLOSED },
	{ "--fail=opened '", FC_FAIL_CLOSED },
	{ "--fail '", FC_FAIL_CLOSED },
	{ "--fail=open --fail=x '", FC_FAIL_CLOSED },
};

static void test_fail_of_text(void)
{
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		CHECK(falconctl_fail_mode_of_text(texts[i].in) == texts[i].want,
		      "fail mode of unsplittable text %s", texts[i].in);
}

int main(void)
{
	test_split();
	test_opts();
	test_forwarded();
	test_sensor_fields();
	test_allow();
	test_fail_of_text();
	return unit_done();
}
