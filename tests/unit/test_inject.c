/* test_inject.c: what inject_container() does to one container, as a table
 * of (container, effective entrypoint and command) -> members afterwards;
 * and that injecting twice gives the same container as injecting once. */
#include "unit.h"

#include "inject.h"
#include "json_doc.h"
#include "layout.h"

#define OPTS "--cid=0123456789ABCDEF0123456789ABCDEF-12 --trace=info"
#define MOUNT "{\"sourceVolume\":\"" FC_VOLUME "\",\"containerPath\":\"" \
	FC_VOLUME_PATH "\",\"readOnly\":true}"
#define DEP "{\"containerName\":\"" FC_INIT_CONTAINER "\",\"condition\":\"SUCCESS\"}"
#define ENV(ep) "{\"name\":\"" FC_ENV_OPTS "\",\"value\":\"" OPTS "\"}," \
	"{\"name\":\"" FC_ENV_ENTRYPOINT "\",\"value\":\"" ep "\"}"
#define LAUNCHER "[\"" FC_LAUNCHER "\"]"

static const struct {
	const char *what;
	const char *def;             /* the container before */
	const char *eff_ep, *eff_cmd;
	const char *member;          /* a member afterwards... */
	const char *want;            /* ...printed compact; NULL: absent */
} table[] = {
	/* The launcher replaces the entry point, which goes to the env. */
	{ "entryPoint becomes the launcher",
	  "{\"name\":\"a\",\"entryPoint\":[\"/e\"],\"command\":[\"c\"]}",
	  "[\"/e\"]", "[\"c\"]", "entryPoint", LAUNCHER },
	{ "the effective entrypoint is recorded as a JSON array",
	  "{\"name\":\"a\",\"entryPoint\":[\"/e\",\"a b\"]}",
	  "[\"/e\",\"a b\"]", "[]", "environment",
	  "[" ENV("[\\\"/e\\\",\\\"a b\\\"]") "]" },
	{ "an empty effective entrypoint is recorded as []",
	  "{\"name\":\"a\",\"command\":[\"/bin/app\"]}",
	  "[]", "[\"/bin/app\"]", "environment", "[" ENV("[]") "]" },
	/* The command stays where run-task --overrides replaces it. */
	{ "the command is kept",
	  "{\"name\":\"a\",\"entryPoint\":[\"/e\"],\"command\":[\"c\",\"-x\"]}",
	  "[\"/e\"]", "[\"c\",\"-x\"]", "command", "[\"c\",\"-x\"]" },
	{ "the image's CMD becomes the command",
	  "{\"name\":\"a\"}", "[\"/img\"]", "[\"img-cmd\"]", "command",
	  "[\"img-cmd\"]" },
	{ "no command is added when there is none",
	  "{\"name\":\"a\",\"entryPoint\":[\"/e\"]}", "[\"/e\"]", "[]",
	  "command", NULL },
	{ "an empty command stays empty",
	  "{\"name\":\"a\",\"entryPoint\":[\"/e\"],\"command\":[]}", "[\"/e\"]",
	  "[]", "command", "[]" },
	/* Environment: ours replaced in place, the user's kept in order. */
	{ "the user's environment is kept, ours appended",
	  "{\"name\":\"a\",\"environment\":[{\"name\":\"B\",\"value\":\"1\"},"
	  "{\"name\":\"A\",\"value\":\"2\"}]}", "[\"/e\"]", "[]", "environment",
	  "[{\"name\":\"B\",\"value\":\"1\"},{\"name\":\"A\",\"value\":\"2\"},"
	  ENV("[\\\"/e\\\"]") "]" },
	{ "an old FALCONCTL_OPTS is replaced where it was",
	  "{\"name\":\"a\",\"environment\":[{\"name\":\"" FC_ENV_OPTS "\","
	  "\"value\":\"old\"},{\"name\":\"A\",\"value\":\"2\"}]}", "[\"/e\"]",
	  "[]", "environment",
	  "[{\"name\":\"" FC_ENV_OPTS "\",\"value\":\"" OPTS "\"},"
	  "{\"name\":\"A\",\"value\":\"2\"},{\"name\":\"" FC_ENV_ENTRYPOINT
	  "\",\"value\":\"[\\\"/e\\\"]\"}]" },
	/* Mounts and dependencies: one of ours, the user's kept. */
	{ "the volume is mounted read-only",
	  "{\"name\":\"a\"}", "[\"/e\"]", "[]", "mountPoints", "[" MOUNT "]" },
	{ "the user's mounts are kept",
	  "{\"name\":\"a\",\"mountPoints\":[{\"sourceVolume\":\"d\","
	  "\"containerPath\":\"/d\"}]}", "[\"/e\"]", "[]", "mountPoints",
	  "[{\"sourceVolume\":\"d\",\"containerPath\":\"/d\"}," MOUNT "]" },
	{ "an old mount of the volume is replaced",
	  "{\"name\":\"a\",\"mountPoints\":[{\"sourceVolume\":\"" FC_VOLUME
	  "\",\"containerPath\":\"/x\",\"readOnly\":false}]}", "[\"/e\"]", "[]",
	  "mountPoints", "[" MOUNT "]" },
	{ "dependsOn the init container",
	  "{\"name\":\"a\"}", "[\"/e\"]", "[]", "dependsOn", "[" DEP "]" },
	{ "the user's dependsOn is kept, an old one of ours replaced",
	  "{\"name\":\"a\",\"dependsOn\":[{\"containerName\":\"" FC_INIT_CONTAINER
	  "\",\"condition\":\"COMPLETE\"},{\"containerName\":\"db\","
	  "\"condition\":\"HEALTHY\"}]}", "[\"/e\"]", "[]", "dependsOn",
	  "[" DEP ",{\"containerName\":\"db\",\"condition\":\"HEALTHY\"}]" },
	/* SYS_PTRACE: merged into capabilities.add exactly once. */
	{ "SYS_PTRACE added when there are no linuxParameters",
	  "{\"name\":\"a\"}", "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}" },
	{ "SYS_PTRACE added beside other linuxParameters",
	  "{\"name\":\"a\",\"linuxParameters\":{\"initProcessEnabled\":true}}",
	  "[\"/e\"]", "[]", "linuxParameters",
	  "{\"initProcessEnabled\":true,\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}" },
	{ "SYS_PTRACE added to an empty add list",
	  "{\"name\":\"a\",\"linuxParameters\":{\"capabilities\":{\"add\":[]}}}",
	  "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}" },
	{ "SYS_PTRACE merged after the user's capabilities, drop kept",
	  "{\"name\":\"a\",\"linuxParameters\":{\"capabilities\":{\"drop\":[\"MKNOD\"],"
	  "\"add\":[\"NET_ADMIN\"]}}}", "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"drop\":[\"MKNOD\"],\"add\":[\"NET_ADMIN\",\"SYS_PTRACE\"]}}" },
	{ "SYS_PTRACE already there is not added again",
	  "{\"name\":\"a\",\"linuxParameters\":{\"capabilities\":{\"add\":"
	  "[\"SYS_PTRACE\",\"NET_ADMIN\"]}}}", "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"add\":[\"SYS_PTRACE\",\"NET_ADMIN\"]}}" },
	{ "sys_ptrace in lower case counts as SYS_PTRACE",
	  "{\"name\":\"a\",\"linuxParameters\":{\"capabilities\":{\"add\":"
	  "[\"sys_ptrace\"]}}}", "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"add\":[\"sys_ptrace\"]}}" },
	{ "CAP_SYS_PTRACE counts as SYS_PTRACE",
	  "{\"name\":\"a\",\"linuxParameters\":{\"capabilities\":{\"add\":"
	  "[\"CAP_SYS_PTRACE\"]}}}", "[\"/e\"]", "[]", "linuxParameters",
	  "{\"capabilities\":{\"add\":[\"CAP_SYS_PTRACE\"]}}" },
	/* Whatever the patch does not touch is kept as it was. */
	{ "other members are untouched",
	  "{\"name\":\"a\",\"image\":\"i\",\"essential\":true,\"cpu\":1.50,"
	  "\"x\":{\"y\":[12345678901234567890123]}}", "[\"/e\"]", "[]", "x",
	  "{\"y\":[12345678901234567890123]}" },
	{ "numbers keep their text",
	  "{\"name\":\"a\",\"cpu\":1.50}", "[\"/e\"]", "[]", "cpu", "1.50" },
};

static cJSON *parse(const char *text)
{
	struct fc_err e = { 0 };
	cJSON *v = json_doc_parse(text, strlen(text), "table cell", &e);

	if (!v) {
		fprintf(stderr, "bad table cell %s: %s\n", text, e.msg);
		exit(2);
	}
	return v;
}

static char *print_member(const cJSON *def, const char *member)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(def, member);

	return m ? json_doc_print(m, 0, NULL) : NULL;
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		cJSON *def = parse(table[i].def);
		cJSON *ep = parse(table[i].eff_ep), *cmd = parse(table[i].eff_cmd);
		char *once = NULL, *twice = NULL, *got;
		char what[300];

		if (!CHECK(inject_container(def, ep, cmd, OPTS) == 0,
			   "inject succeeds: %s", table[i].what))
			goto next;
		got = print_member(def, table[i].member);
		unit_streq(got, table[i].want, table[i].what);
		free(got);
		/* Injecting the result again changes nothing. */
		once = json_doc_print(def, 0, NULL);
		if (!CHECK(inject_container(def, ep, cmd, OPTS) == 0,
			   "second inject succeeds: %s", table[i].what))
			goto next;
		twice = json_doc_print(def, 0, NULL);
		snprintf(what, sizeof what, "injecting twice is injecting once: %s",
			 table[i].what);
		unit_streq(twice, once, what);
next:
		free(once);
		free(twice);
		cJSON_Delete(def);
		cJSON_Delete(ep);
		cJSON_Delete(cmd);
	}
}

/* Key order of a fresh injection: the user's members first, in order, then
 * ours in a fixed order; the arguments are not modified. */
static void test_whole_container(void)
{
	cJSON *def = parse("{\"name\":\"web\",\"image\":\"nginx\","
			   "\"entryPoint\":[\"/docker-entrypoint.sh\"],"
			   "\"command\":[\"nginx\",\"-g\",\"daemon off;\"]}");
	cJSON *ep = parse("[\"/docker-entrypoint.sh\"]");
	cJSON *cmd = parse("[\"nginx\",\"-g\",\"daemon off;\"]");
	char *got;

	CHECK(inject_container(def, ep, cmd, OPTS) == 0, "inject a whole container");
	got = json_doc_print(def, 0, NULL);
	unit_streq(got,
		   "{\"name\":\"web\",\"image\":\"nginx\",\"entryPoint\":" LAUNCHER ","
		   "\"command\":[\"nginx\",\"-g\",\"daemon off;\"],"
		   "\"environment\":[" ENV("[\\\"/docker-entrypoint.sh\\\"]") "],"
		   "\"mountPoints\":[" MOUNT "],\"dependsOn\":[" DEP "],"
		   "\"linuxParameters\":{\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}}",
		   "a whole injected container, member by member and in order");
	free(got);
	got = json_doc_print(ep, 0, NULL);
	unit_streq(got, "[\"/docker-entrypoint.sh\"]", "the entrypoint argument is not modified");
	free(got);
	got = json_doc_print(cmd, 0, NULL);
	unit_streq(got, "[\"nginx\",\"-g\",\"daemon off;\"]",
		   "the command argument is not modified");
	free(got);
	cJSON_Delete(def);
	cJSON_Delete(ep);
	cJSON_Delete(cmd);
}

int main(void)
{
	test_table();
	test_whole_container();
	return unit_done();
}
