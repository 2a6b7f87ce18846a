/* test_plan.c: plan_make() as a table of task definition -> what it decides
 * per container (or the error), then the whole load -> plan -> patch
 * pipeline on re-patching: patching a patched definition changes nothing. */
#include "unit.h"

#include "json_doc.h"
#include "layout.h"
#include "patch.h"
#include "plan.h"
#include "taskdef.h"

#define TDX(containers, more) \
	"{\"family\":\"f\",\"containerDefinitions\":[" containers "]" more "}"
#define TD(containers) TDX(containers, "")
#define C(name, rest) "{\"name\":\"" name "\",\"image\":\"img\"" rest "}"
#define DISABLED ",\"dockerLabels\":{\"" FC_LABEL_INJECTION "\":\"disabled\"}"
#define INIT C(FC_INIT_CONTAINER, ",\"entryPoint\":[\"" FC_INIT_PROGRAM "\"]")
#define PATCHED(ep_json, rest) ",\"entryPoint\":[\"" FC_LAUNCHER "\"],"      \
	"\"environment\":[{\"name\":\"" FC_ENV_ENTRYPOINT "\",\"value\":\""   \
	ep_json "\"}]" rest
#define VOLUME ",\"volumes\":[{\"name\":\"" FC_VOLUME "\"}]"

/* want: per container "name:action" with +ep/+cmd for the image lookups it
 * needs and its entryPoint/command as the plan sees them; or the piece of
 * the error. */
static const struct {
	const char *td;
	const char *want;
	const char *error;
} table[] = {
	{ TD(C("a", ",\"entryPoint\":[\"/e\"],\"command\":[\"c\"]")),
	  "a:inject ep=[\"/e\"] cmd=[\"c\"]", NULL },
	{ TD(C("a", "")), "a:inject+ep+cmd", NULL },
	{ TD(C("a", ",\"command\":[\"c\"]")), "a:inject+ep cmd=[\"c\"]", NULL },
	{ TD(C("a", ",\"entryPoint\":[]")), "a:inject+cmd ep=[]", NULL },
	{ TD(C("a", ",\"entryPoint\":[],\"command\":[]")),
	  "a:inject+cmd ep=[] cmd=[]", NULL },
	/* Opting out, and the label's other value. */
	{ TD(C("a", DISABLED) "," C("b", ",\"command\":[\"c\"]")),
	  "a:skip; b:inject+ep cmd=[\"c\"]", NULL },
	{ TD(C("a", ",\"dockerLabels\":{\"" FC_LABEL_INJECTION "\":\"enabled\"},"
	       "\"entryPoint\":[\"/e\"]")), "a:inject ep=[\"/e\"]", NULL },
	{ TD(C("a", ",\"dockerLabels\":{\"" FC_LABEL_INJECTION "\":\"off\"}")),
	  NULL, "must be \"disabled\" or \"enabled\"" },
	{ TD(C("a", ",\"dockerLabels\":{\"" FC_LABEL_INJECTION "\":false}")),
	  NULL, "must be \"disabled\" or \"enabled\"" },
	/* A patched definition: the old init goes, the recorded entry point
	 * comes back as the user's, the command is the kept one. */
	{ TDX(INIT "," C("a", PATCHED("[\\\"/e\\\"]", ",\"command\":[\"c\"]")),
	      VOLUME),
	  "crowdstrike-falcon-init-container:old-init; "
	  "a:inject ep=[\"/e\"] cmd=[\"c\"]", NULL },
	{ TDX(INIT "," C("a", PATCHED("[]", ",\"command\":[\"c\"]")), VOLUME),
	  "crowdstrike-falcon-init-container:old-init; a:inject ep=[] cmd=[\"c\"]",
	  NULL },
	{ TDX(INIT "," C("a", ",\"entryPoint\":[\"" FC_LAUNCHER "\"]"), VOLUME),
	  NULL, "has no FALCON_APP_ENTRYPOINT" },
	{ TDX(INIT "," C("a", PATCHED("/e", "")), VOLUME), NULL,
	  "must be a JSON array of strings" },
	{ TDX(INIT "," C("a", PATCHED("[1]", "")), VOLUME), NULL,
	  "must be a JSON array of strings" },
	{ TDX(INIT "," C("a", PATCHED("{}", "")), VOLUME), NULL,
	  "must be a JSON array of strings" },
	/* Found by fuzz_taskdef: only the old init, so removing it would
	 * leave an empty containerDefinitions. */
	{ TDX(INIT, VOLUME), NULL,
	  "no container but the Falcon init container" },
	/* Reserved names. */
	{ TD(C(FC_INIT_CONTAINER, ",\"command\":[\"c\"]")), NULL,
	  "is reserved for the Falcon init container" },
	{ "{\"containerDefinitions\":[" C("a", ",\"command\":[\"c\"]") "]"
	  VOLUME "}", NULL, "already has a volume named" },
	/* SYS_PTRACE dropped by the user, in any spelling. */
	{ TD(C("a", ",\"command\":[\"c\"],\"linuxParameters\":{\"capabilities\":"
	       "{\"drop\":[\"ALL\",\"sys_ptrace\"]}}")), NULL, "drops SYS_PTRACE" },
	{ TD(C("a", ",\"command\":[\"c\"],\"linuxParameters\":{\"capabilities\":"
	       "{\"drop\":[\"CAP_SYS_PTRACE\"]}}")), NULL, "drops SYS_PTRACE" },
	{ TD(C("a", DISABLED ",\"linuxParameters\":{\"capabilities\":"
	       "{\"drop\":[\"SYS_PTRACE\"]}}")), "a:skip", NULL },
	/* ECS's limit of 10 containers, counting the init. */
	{ TD(C("a1", "") "," C("a2", "") "," C("a3", "") "," C("a4", "") ","
	     C("a5", "") "," C("a6", "") "," C("a7", "") "," C("a8", "") ","
	     C("a9", "")),
	  "a1:inject+ep+cmd; a2:inject+ep+cmd; a3:inject+ep+cmd; a4:inject+ep+cmd; "
	  "a5:inject+ep+cmd; a6:inject+ep+cmd; a7:inject+ep+cmd; a8:inject+ep+cmd; "
	  "a9:inject+ep+cmd", NULL },
	{ TD(C("a1", "") "," C("a2", "") "," C("a3", "") "," C("a4", "") ","
	     C("a5", "") "," C("a6", "") "," C("a7", "") "," C("a8", "") ","
	     C("a9", "") "," C("a10", "")), NULL,
	  "the Falcon init container would make 11" },
	{ TD(C("a1", DISABLED) "," C("a2", DISABLED) "," C("a3", DISABLED) ","
	     C("a4", DISABLED) "," C("a5", DISABLED) "," C("a6", DISABLED) ","
	     C("a7", DISABLED) "," C("a8", DISABLED) "," C("a9", DISABLED) ","
	     C("a10", DISABLED)),
	  "a1:skip; a2:skip; a3:skip; a4:skip; a5:skip; a6:skip; a7:skip; "
	  "a8:skip; a9:skip; a10:skip", NULL },
	{ TDX(INIT "," C("a1", "") "," C("a2", "") "," C("a3", "") "," C("a4", "")
	     "," C("a5", "") "," C("a6", "") "," C("a7", "") "," C("a8", "") ","
	     C("a9", ""), VOLUME),
	  "crowdstrike-falcon-init-container:old-init; a1:inject+ep+cmd; "
	  "a2:inject+ep+cmd; a3:inject+ep+cmd; a4:inject+ep+cmd; a5:inject+ep+cmd; "
	  "a6:inject+ep+cmd; a7:inject+ep+cmd; a8:inject+ep+cmd; a9:inject+ep+cmd",
	  NULL },
};

static const char *action_name(enum plan_action a)
{
	switch (a) {
	case PLAN_INJECT: return "inject";
	case PLAN_SKIP: return "skip";
	case PLAN_OLD_INIT: return "old-init";
	}
	return "?";
}

static void append(char *buf, size_t size, const char *s)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s", s);
}

static void append_json(char *buf, size_t size, const char *label,
			const cJSON *v)
{
	char *s;

	if (!v)
		return;
	s = json_doc_print(v, 0, NULL);
	append(buf, size, label);
	append(buf, size, s ? s : "(out of memory)");
	free(s);
}

static void summary(const struct plan *p, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];

		if (i)
			append(buf, size, "; ");
		append(buf, size, pc->name);
		append(buf, size, ":");
		append(buf, size, action_name(pc->action));
		if (pc->need_image_ep)
			append(buf, size, "+ep");
		if (pc->need_image_cmd)
			append(buf, size, "+cmd");
		append_json(buf, size, " ep=", pc->entrypoint);
		append_json(buf, size, " cmd=", pc->command);
	}
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		struct taskdef td;
		struct plan p = { 0 };
		struct fc_err e = { 0 };
		char got[2048], what[4096];
		const char *in = table[i].td;

		if (!CHECK(taskdef_load(in, strlen(in), &td, &e) == 0,
			   "loads: %s", in)) {
			unit_diag("message: %s", e.msg);
			taskdef_free(&td);
			continue;
		}
		int rc = plan_make(&td, &p, &e);

		if (table[i].error) {
			if (!CHECK(rc == -1 && e.kind == FC_ERR_INPUT &&
				   strstr(e.msg, table[i].error),
				   "plan refuses %s: %s", in, table[i].error))
				unit_diag("rc %d, message: %s", rc, rc ? e.msg : "");
		} else if (CHECK(rc == 0, "plan accepts %s", in)) {
			summary(&p, got, sizeof got);
			snprintf(what, sizeof what, "plan of %s", in);
			unit_streq(got, table[i].want, what);
		} else {
			unit_diag("message: %s", e.msg);
		}
		plan_free(&p);
		taskdef_free(&td);
	}
}

static const struct patch_params params = {
	.cid = "0123456789ABCDEF0123456789ABCDEF-12",
	.image = "registry.example/falcon-container:1",
	.falconctl_opts = NULL,
	.secret_arn = "arn:aws:secretsmanager::532730071073:secret:test",
};

/* The whole pipeline, with the image lookups answered by fixed arrays. */
static char *patch_text(const char *in, const struct patch_params *pp,
			struct fc_err *e)
{
	static const char *const img_ep[] = { "/img-ep" };
	static const char *const img_cmd[] = { "img-cmd" };
	struct taskdef td;
	struct plan p = { 0 };
	char *out = NULL;

	if (taskdef_load(in, strlen(in), &td, e) < 0 || plan_make(&td, &p, e) < 0)
		goto out;
	for (int i = 0; i < p.n; i++) {
		if (p.c[i].need_image_ep)
			p.c[i].image_ep = cJSON_CreateStringArray(img_ep, 1);
		if (p.c[i].need_image_cmd)
			p.c[i].image_cmd = cJSON_CreateStringArray(img_cmd, 1);
	}
	if (patch_apply(&td, &p, pp, e) == 0)
		out = json_doc_print(td.root, 0, NULL);
out:
	plan_free(&p);
	taskdef_free(&td);
	return out;
}

/* Definitions to patch, patch again, and compare. */
static const char *const repatch[] = {
	TD(C("a", ",\"entryPoint\":[\"/e\"],\"command\":[\"c\"]")),
	TD(C("a", "") "," C("b", ",\"command\":[\"c\"]") "," C("d", DISABLED)),
	TD(C("a", ",\"entryPoint\":[],\"command\":[\"x\"],\"environment\":"
	       "[{\"name\":\"FALCONCTL_OPTS\",\"value\":\"v\"}],\"linuxParameters\":"
	       "{\"capabilities\":{\"add\":[\"NET_ADMIN\"]}}")),
	"{\"taskDefinition\":" TD(C("a", ",\"command\":[\"c\"]")) ",\"tags\":[]}",
	/* Found by fuzz_taskdef: a patched definition whose containers all
	 * opt out loses its init container, and must lose the volume too. */
	TDX(INIT "," C("a", DISABLED), VOLUME),
};

static void test_repatch(void)
{
	for (size_t i = 0; i < sizeof repatch / sizeof *repatch; i++) {
		struct fc_err e = { 0 };
		char *once = patch_text(repatch[i], &params, &e);
		char what[4096];

		if (!CHECK(once, "patches: %s", repatch[i])) {
			unit_diag("message: %s", e.msg);
			continue;
		}
		char *twice = patch_text(once, &params, &e);

		if (!twice)
			unit_diag("message: %s", e.msg);
		snprintf(what, sizeof what, "patching twice is patching once: %s",
			 repatch[i]);
		unit_streq(twice, once, what);
		free(once);
		free(twice);
	}

	/* A new -image and -cid take effect on re-patch. */
	struct patch_params other = params;
	struct fc_err e = { 0 };

	other.image = "registry.example/falcon-container:2";
	other.cid = "FEDCBA9876543210FEDCBA9876543210-34";
	char *once = patch_text(repatch[0], &params, &e);
	char *twice = once ? patch_text(once, &other, &e) : NULL;
	char *direct = patch_text(repatch[0], &other, &e);

	unit_streq(twice, direct,
		   "re-patching with a new -image and -cid equals patching the "
		   "original with them");
	free(once);
	free(twice);
	free(direct);

	/* The regression above, in full: no init, no volume left behind. */
	once = patch_text(TDX(INIT "," C("a", DISABLED), VOLUME), &params, &e);
	unit_streq(once, "{\"family\":\"f\",\"containerDefinitions\":["
		   C("a", DISABLED) "],\"volumes\":[]}",
		   "re-patch with every container opted out removes the init "
		   "container and its volume");
	free(once);
}

int main(void)
{
	test_table();
	test_repatch();
	return unit_done();
}
