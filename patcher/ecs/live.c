/* live.c: live mode (see live.h). This is the per-family loop; the ECS
 * calls are ecs_api.c, the credentials aws_creds.c, the patch the same
 * modules as for a file. It writes progress to stderr and result lines to
 * out_fd as they happen, so that a run cut short still says what it did. */
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_write.h"
#include "aws_creds.h"
#include "ecs_api.h"
#include "json_doc.h"
#include "patch.h"
#include "taskdef_patch.h"
#include "plan.h"
#include "strbuf.h"
#include "taskdef.h"
#include "taskdef_equal.h"

int live_options_check(const struct patcher_opts *o, struct fc_err *e)
{
	if (!options_live(o)) {
		const char *flag = o->do_register ? "-register" :
				   o->region ? "-region" :
				   o->endpoint_url ? "-endpoint-url" : NULL;

		if (flag)
			return fc_fail(e, FC_ERR_USAGE,
				       "%s is for live mode: name the task definitions "
				       "with -ecs-task-definition FAMILY[:REVISION] or "
				       "-ecs-family-prefix PREFIX", flag);
		return 0;
	}
	if (o->spec_file || o->spec_stdin)
		return fc_fail(e, FC_ERR_USAGE,
			       "-%s reads a definition from a file, -%s from ECS: "
			       "pass one or the other", o->spec_file ? "ecs-spec-file" :
			       "ecs-spec", o->family_prefix ? "ecs-family-prefix" :
			       "ecs-task-definition");
	if (o->do_register && o->output)
		return fc_fail(e, FC_ERR_USAGE,
			       "-o writes patched definitions, which -register sends "
			       "to ECS instead: drop -o (the new ARNs go to stdout), "
			       "or drop -register for a dry run");
	if (o->family_prefix && (!*o->family_prefix ||
				 strlen(o->family_prefix) > 255 ||
				 strpbrk(o->family_prefix, " \t\r\n")))
		return fc_fail(e, FC_ERR_USAGE,
			       "-ecs-family-prefix \"%.255s\" is not the start of a "
			       "family name (1 to 255 letters, digits, '_' and '-')",
			       o->family_prefix);
	for (int i = 0; i < o->ecs_taskdefs.n; i++) {
		const char *v = o->ecs_taskdefs.v[i];

		if (!*v || strlen(v) >= ECS_ARN_MAX || strpbrk(v, " \t\r\n"))
			return fc_fail(e, FC_ERR_USAGE,
				       "-ecs-task-definition \"%.300s\" is not FAMILY, "
				       "FAMILY:REVISION or a task definition ARN", v);
	}
	if (o->region && !aws_region_valid(o->region))
		return fc_fail(e, FC_ERR_USAGE,
			       "-region \"%.40s\" is not an AWS region name such as "
			       "us-east-1", o->region);
	return 0;
}

struct live_ctx {
	const struct patcher_opts *o;
	struct ecs_client ec;
	struct strbuf dry;
	int out_fd;
};

static void note(const char *ref, const char *what, const char *list)
{
	if (*list)
		fprintf(stderr, "falcon-patcher: note: %s: %s: %s\n", ref, what, list);
}

/* The patch itself, as main.c's run() does it for a file. */
static int patch_one(const struct patcher_opts *o, const char *ref,
		     struct taskdef *td, struct fc_err *e)
{
	struct plan plan = { 0 };
	struct taskdef_engine eng;
	int rc = -1;

	taskdef_engine_init(&eng, o);
	eng.lookup.arch = td->arch;
	if (plan_make(td, &plan, e) < 0)
		goto out;
	if (plan.injected == 0)
		fprintf(stderr, "falcon-patcher: note: %s: every container has "
			"injection disabled; the definition is not patched\n", ref);
	if (eng.resolve(&plan, &eng.lookup, e) < 0 ||
	    patch_apply(td, &plan, &eng.patch, e) < 0)
		goto out;
	rc = 0;
out:
	plan_free(&plan);
	return rc;
}

static int put_line(struct live_ctx *c, const char *a, const char *b,
		    struct fc_err *e)
{
	char line[ECS_ARN_MAX + 32];
	int n = snprintf(line, sizeof line, "%s%s%s\n", a, *b ? " " : "", b);

	if (write_all(c->out_fd, line, (size_t)n) < 0)
		return fc_fail(e, FC_ERR_SYSTEM,
			       "cannot write the result line to stdout");
	return 0;
}

/* One family: describe, patch, compare, register or collect. */
static int live_one(struct live_ctx *c, const char *ref, struct live_report *r,
		    struct fc_err *e)
{
	const struct patcher_opts *o = c->o;
	struct taskdef orig = { 0 }, td = { 0 };
	char arn[ECS_ARN_MAX], new_arn[ECS_ARN_MAX];
	char *body = NULL, *compact = NULL;
	size_t len, compact_len;
	int rc = -1;

	if (ecs_describe(&c->ec, ref, &body, &len, arn, sizeof arn, e) < 0 ||
	    taskdef_load(body, len, &orig, e) < 0 ||
	    taskdef_load(body, len, &td, e) < 0)
		goto out;
	note(ref, "kept top-level keys that RegisterTaskDefinition does not list",
	     td.unknown);
	if (patch_one(o, ref, &td, e) < 0 ||
	    taskdef_check_size(td.root, &compact, &compact_len, e) < 0)
		goto out;
	int same = taskdef_equal(orig.root, td.root);

	if (same < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	if (!o->do_register) {
		strbuf_put(&c->dry, compact, compact_len);
		strbuf_puts(&c->dry, "\n");
		fprintf(stderr, "falcon-patcher: %s: %s %s (dry run)\n", ref,
			same ? "unchanged: already patched with these options:" :
			"would register a new revision patched from", arn);
		same ? r->unchanged++ : r->registered++;
		rc = 0;
		goto out;
	}
	if (same) {
		fprintf(stderr, "falcon-patcher: %s: unchanged: %s is already "
			"patched with these options; registered nothing\n", ref, arn);
		r->unchanged++;
		rc = put_line(c, "unchanged", arn, e);
		goto out;
	}
	if (ecs_register(&c->ec, compact, new_arn, sizeof new_arn, e) < 0)
		goto out;
	fprintf(stderr, "falcon-patcher: %s: registered %s, patched from %s\n",
		ref, new_arn, arn);
	r->registered++;
	rc = put_line(c, new_arn, "", e);
out:
	free(compact);
	free(body);
	taskdef_free(&orig);
	taskdef_free(&td);
	return rc;
}

/* The families to patch: the -ecs-task-definition values, then the
 * families the prefix matches, each once. */
static int gather(struct live_ctx *c, struct ecs_families *all, struct fc_err *e)
{
	const struct patcher_opts *o = c->o;
	struct ecs_families listed = { 0 };

	memset(all, 0, sizeof *all);
	if (o->family_prefix &&
	    ecs_list_families(&c->ec, o->family_prefix, LIVE_MAX_FAMILIES,
			      &listed, e) < 0)
		return -1;
	size_t n = (size_t)o->ecs_taskdefs.n + (size_t)listed.n;

	all->name = calloc(n ? n : 1, sizeof *all->name);
	if (!all->name) {
		ecs_families_free(&listed);
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = (int)i < o->ecs_taskdefs.n ? o->ecs_taskdefs.v[i] :
				listed.name[(int)i - o->ecs_taskdefs.n];
		int dup = 0;

		for (int j = 0; j < all->n && !dup; j++)
			dup = strcmp(all->name[j], v) == 0;
		if (dup)
			continue;
		if (!(all->name[all->n] = strdup(v))) {
			ecs_families_free(&listed);
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		}
		all->n++;
	}
	ecs_families_free(&listed);
	if (all->n == 0)
		return fc_fail(e, FC_ERR_INPUT,
			       "no ACTIVE task definition family in %s starts with "
			       "\"%s\": check -ecs-family-prefix and -region",
			       c->ec.region, o->family_prefix);
	return 0;
}

int live_run(const struct patcher_opts *o, int out_fd, struct live_report *r,
	     struct fc_err *e)
{
	struct live_ctx c = { .o = o, .out_fd = out_fd };
	struct aws_creds creds;
	struct ecs_families fams = { 0 };
	char region[64];
	int rc = -1, client = 0;

	memset(r, 0, sizeof *r);
	c.dry.max = (size_t)1 << 30;
	if (options_check(o, e) < 0 || live_options_check(o, e) < 0 ||
	    aws_region_resolve(o->region, region, sizeof region, e) < 0)
		return -1;
	if (aws_creds_load(&creds, e) < 0)
		return -1;
	if (ecs_client_init(&c.ec, region, o->endpoint_url, &creds, e) < 0)
		goto out;
	client = 1;
	fprintf(stderr, "falcon-patcher: live: region %s, credentials from %s%s\n",
		region, creds.source, o->do_register ? "" : "; dry run");
	if (gather(&c, &fams, e) < 0)
		goto out;
	for (int i = 0; i < fams.n; i++) {
		struct fc_err fe = { 0 };

		r->families++;
		if (live_one(&c, fams.name[i], r, &fe) == 0)
			continue;
		r->failed++;
		r->failed_by_kind[fe.kind <= FC_ERR_SYSTEM ? fe.kind : FC_ERR_SYSTEM]++;
		fprintf(stderr, "falcon-patcher: %s: %s\n", fams.name[i], fe.msg);
		if (o->do_register) {
			struct fc_err ignored = { 0 };

			put_line(&c, "failed", fams.name[i], &ignored);
		}
	}
	r->retries = c.ec.retries;
	fprintf(stderr, "falcon-patcher: live: %d definition%s: %d %s, %d "
		"unchanged, %d failed; %d ECS request%s retried\n", r->families,
		r->families == 1 ? "" : "s", r->registered,
		o->do_register ? "registered" : "to register", r->unchanged,
		r->failed, r->retries, r->retries == 1 ? "" : "s");
	int dry_failed = c.dry.failed;

	r->dry = strbuf_take(&c.dry, &r->dry_len);
	if (dry_failed) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory collecting the dry run");
		goto out;
	}
	rc = 0;
out:
	strbuf_free(&c.dry);
	ecs_families_free(&fams);
	if (client)
		ecs_client_free(&c.ec);
	aws_creds_clear(&creds);
	return rc;
}

void live_report_free(struct live_report *r)
{
	free(r->dry);
	memset(r, 0, sizeof *r);
}
