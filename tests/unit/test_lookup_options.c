/* test_lookup_options.c: the registry lookup flags as a table:
 * -docker-config, -registry-ca and the repeatable -insecure-registry in
 * every spelling, the checks on their values, and the message for a
 * -pulltoken that the shell split at its line breaks. */
#include "unit.h"

#include "options.h"

#define EN_DASH "\xe2\x80\x93"
#define BASE "-cid", "0123456789ABCDEF0123456789ABCDEF-12", "-image", "r/i:1", \
	"-ecs-spec"

static const struct flag_case {
	const char *args[12];
	const char *docker_config, *registry_ca;
	const char *insecure; /* values joined by "," */
	const char *error;    /* from options_parse or options_check */
} cases[] = {
	{ { BASE, "-docker-config", "/c.json" }, "/c.json", NULL, "", NULL },
	{ { BASE, "--docker-config=/c.json" }, "/c.json", NULL, "", NULL },
	{ { BASE, EN_DASH "docker-config", "/c.json" }, "/c.json", NULL, "", NULL },
	{ { BASE, "-registry-ca", "/ca.pem" }, NULL, "/ca.pem", "", NULL },
	{ { BASE, "-registry-ca=/ca.pem" }, NULL, "/ca.pem", "", NULL },
	{ { BASE, "--registry-ca", "/ca.pem" }, NULL, "/ca.pem", "", NULL },
	{ { BASE, "-insecure-registry", "reg:5000" }, NULL, NULL, "reg:5000", NULL },
	{ { BASE, "-insecure-registry", "a", "--insecure-registry=b:1",
	    EN_DASH "insecure-registry", "[::1]:5000" }, NULL, NULL, "a,b:1,[::1]:5000", NULL },
	{ { BASE, "-insecure-registry" }, NULL, NULL, "", "flag -insecure-registry needs a value" },
	{ { BASE, "-insecure-registry", "http://reg" }, NULL, NULL, "", "without a scheme" },
	{ { BASE, "-insecure-registry", "reg/path" }, NULL, NULL, "", "is not HOST[:PORT]" },
	{ { BASE, "-insecure-registry=" }, NULL, NULL, "", "is not HOST[:PORT]" },
	{ { BASE, "-docker-config=" }, NULL, NULL, "", "-docker-config needs a file path" },
	{ { BASE, "-registry-ca=" }, NULL, NULL, "", "-registry-ca needs a file path" },
	/* `-pulltoken $PULL_TOKEN` unquoted, with a wrapped token. */
	{ { BASE, "-pulltoken", "eyJhdXRocyI6e30K", "ZXhhbXBsZQ==" }, NULL, NULL, "",
	  "the token has line breaks" },
	/* Not base64: the ordinary message. */
	{ { BASE, "-pulltoken", "eyJhdXRocyI6e30K", "x.json" }, NULL, NULL, "",
	  "unexpected argument \"x.json\": every input" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct flag_case *c = &cases[i];
		char *argv[16] = { (char *)"falcon-patcher" };
		char desc[300] = "", joined[200] = "";
		int argc = 1;
		struct patcher_opts o;
		struct fc_err e = { 0 };

		for (int j = 5; j < 12 && c->args[j]; j++) {
			size_t n = strlen(desc);

			snprintf(desc + n, sizeof desc - n, "%s%s", n ? " " : "", c->args[j]);
		}
		/* options_parse keeps pointers into argv: copies live on. */
		for (int j = 0; j < 12 && c->args[j]; j++)
			argv[argc++] = strdup(c->args[j]);
		int rc = options_parse(argc, argv, &o, &e);

		if (rc == 0)
			rc = options_check(&o, &e);
		if (c->error) {
			if (!CHECK(rc < 0 && e.kind == FC_ERR_USAGE && strstr(e.msg, c->error),
				   "%s: refused, \"%s\"", desc, c->error))
				unit_diag("rc %d: %s", rc, rc < 0 ? e.msg : "(accepted)");
		} else if (!CHECK(rc == 0, "%s: accepted", desc)) {
			unit_diag("%s", e.msg);
		} else {
			for (int j = 0; j < o.insecure.n; j++) {
				size_t n = strlen(joined);

				snprintf(joined + n, sizeof joined - n, "%s%s",
					 j ? "," : "", o.insecure.v[j]);
			}
			unit_streq(o.docker_config, c->docker_config, desc);
			unit_streq(o.registry_ca, c->registry_ca, desc);
			unit_streq(joined, c->insecure, desc);
		}
		for (int j = 1; j < argc; j++)
			free(argv[j]);
	}

	/* At most OPTIONS_LIST_MAX -insecure-registry flags. */
	char *argv[2 + 2 * (OPTIONS_LIST_MAX + 1)] = { (char *)"falcon-patcher" };
	int argc = 1;
	struct patcher_opts o;
	struct fc_err e = { 0 };

	for (int j = 0; j <= OPTIONS_LIST_MAX; j++) {
		argv[argc++] = (char *)"-insecure-registry";
		argv[argc++] = (char *)"h";
	}
	CHECK(options_parse(argc, argv, &o, &e) < 0 && strstr(e.msg, "more than"),
	      "-insecure-registry %d times is refused", OPTIONS_LIST_MAX + 1);
	CHECK(options_parse(argc - 2, argv, &o, &e) == 0 && o.insecure.n == OPTIONS_LIST_MAX,
	      "-insecure-registry %d times is accepted", OPTIONS_LIST_MAX);
	CHECK(strstr(options_usage, "-docker-config PATH") &&
	      strstr(options_usage, "-registry-ca FILE") &&
	      strstr(options_usage, "-insecure-registry HOST[:PORT]"),
	      "the usage text lists the three registry flags");
	return unit_done();
}
