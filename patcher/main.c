/* main.c: falcon-patcher. argv -> options -> task definition -> plan ->
 * image lookups -> patch -> output. Only this file decides exit codes, and
 * nothing reaches stdout unless the whole patch succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_write.h"
#include "cfn_template.h"
#include "container_defs.h"
#include "err.h"
#include "json_doc.h"
#include "live.h"
#include "options.h"
#include "patch.h"
#include "plan.h"
#include "slurp.h"
#include "strbuf.h"
#include "taskdef.h"
#include "taskdef_patch.h"

#ifndef FC_VERSION
#define FC_VERSION "dev"
#endif

enum {
	EXIT_PATCHED = 0,
	EXIT_SYSTEM = 1, /* I/O or memory: retrying may help */
	EXIT_INPUT = 2,  /* flags or task definition: the user must change them */
	EXIT_LOOKUP = 3, /* an image's ENTRYPOINT/CMD could not be read */
};

/* A definition file with this much white space is not a task definition. */
#define MAX_INPUT_BYTES (1024 * 1024)

static int exit_code(const struct fc_err *e)
{
	switch (e->kind) {
	case FC_ERR_USAGE:
	case FC_ERR_INPUT:
		return EXIT_INPUT;
	case FC_ERR_LOOKUP:
		return EXIT_LOOKUP;
	default:
		return EXIT_SYSTEM;
	}
}

static void note(const char *what, const char *list)
{
	if (*list)
		fprintf(stderr, "falcon-patcher: note: %s: %s\n", what, list);
}

/* Everything that can fail, in order; leaves the finished text in *out. */
static int run(const struct patcher_opts *o, char **out, size_t *out_len,
	       struct fc_err *e)
{
	struct taskdef td = { 0 };
	struct plan plan = { 0 };
	char *text = NULL, *compact = NULL;
	size_t len, compact_len;
	int rc = -1;

	if (options_check(o, e) < 0 ||
	    slurp(o->spec_stdin ? "-" : o->spec_file, MAX_INPUT_BYTES,
		  "task definition", &text, &len, e) < 0 ||
	    taskdef_load(text, len, &td, e) < 0)
		goto out;
	note("removed output-only keys that ECS would reject on register",
	     td.removed);
	note("kept top-level keys that RegisterTaskDefinition does not list",
	     td.unknown);
	if (plan_make(&td, &plan, e) < 0)
		goto out;
	if (plan.injected == 0)
		fputs("falcon-patcher: note: every container has injection "
		      "disabled; the definition is not patched\n", stderr);
	struct taskdef_engine eng;

	taskdef_engine_init(&eng, o);
	eng.lookup.arch = td.arch;
	if (eng.resolve(&plan, &eng.lookup, e) < 0 ||
	    patch_apply(&td, &plan, &eng.patch, e) < 0 ||
	    taskdef_check_size(td.root, &compact, &compact_len, e) < 0)
		goto out;
	*out = json_doc_print(td.root, 1, out_len);
	if (!*out) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	free(compact);
	free(text);
	plan_free(&plan);
	taskdef_free(&td);
	return rc;
}

/* Live mode (live.h). The exit code is the largest that any family's
 * failure maps to, so that a partial failure is never a success. */
static int main_live(const struct patcher_opts *o)
{
	struct live_report r;
	struct fc_err e = { 0 };
	int rc = EXIT_PATCHED;

	if (live_run(o, STDOUT_FILENO, &r, &e) < 0) {
		fprintf(stderr, "falcon-patcher: %s\n", e.msg);
		live_report_free(&r);
		return exit_code(&e);
	}
	if (r.dry_len && o->output) {
		if (atomic_write(o->output, r.dry, r.dry_len, 0666, &e) < 0) {
			fprintf(stderr, "falcon-patcher: %s\n", e.msg);
			rc = EXIT_SYSTEM;
		}
	} else if (r.dry_len && write_all(STDOUT_FILENO, r.dry, r.dry_len) < 0) {
		perror("falcon-patcher: writing the patched definitions to stdout");
		rc = EXIT_SYSTEM;
	}
	for (int k = 0; k <= FC_ERR_SYSTEM; k++) {
		struct fc_err kind = { .kind = (enum fc_err_kind)k };

		if (r.failed_by_kind[k] && exit_code(&kind) > rc)
			rc = exit_code(&kind);
	}
	live_report_free(&r);
	return rc;
}

/* -cfn-template and -container-definitions: task definitions that live
 * inside something else, patched by the same engine as run(). */
static int run_embedded(const struct patcher_opts *o, char **out,
			size_t *out_len, struct fc_err *e)
{
	struct taskdef_engine eng;
	struct strbuf notes = { 0 };
	const char *path = o->cfn_template ? o->cfn_template : o->container_defs;
	char *text = NULL;
	size_t len;
	int rc = -1, needs_volume = 0;

	if (options_check(o, e) < 0 ||
	    slurp(path, MAX_INPUT_BYTES, o->cfn_template ? "template" :
		  "container definitions", &text, &len, e) < 0)
		goto out;
	taskdef_engine_init(&eng, o);
	rc = o->cfn_template ?
	     cfn_template_patch(text, len, o->resources.v, o->resources.n, &eng,
				out, out_len, &notes, e) :
	     container_defs_patch(text, len, &eng, out, out_len, &needs_volume,
				  &notes, e);
	if (rc < 0)
		goto out;
	for (char *line = notes.s; line && *line;) {
		char *eol = strchr(line, '\n');

		fprintf(stderr, "falcon-patcher: note: %.*s\n",
			(int)(eol ? eol - line : (long)strlen(line)), line);
		line = eol ? eol + 1 : line + strlen(line);
	}
	if (needs_volume)
		fprintf(stderr, "falcon-patcher: note: %s", container_defs_volume_note);
out:
	strbuf_free(&notes);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	struct patcher_opts o;
	struct fc_err e = { 0 };
	char *out = NULL;
	size_t len = 0;

	if (options_parse(argc, argv, &o, &e) < 0) {
		fprintf(stderr, "falcon-patcher: %s\n", e.msg);
		return EXIT_INPUT;
	}
	if (o.help) {
		fputs(options_usage, stdout);
		return fflush(stdout) == 0 ? EXIT_PATCHED : EXIT_SYSTEM;
	}
	if (o.version) {
		printf("falcon-patcher %s\n", FC_VERSION);
		return fflush(stdout) == 0 ? EXIT_PATCHED : EXIT_SYSTEM;
	}
	if (live_options_check(&o, &e) < 0) {
		fprintf(stderr, "falcon-patcher: %s\n", e.msg);
		return EXIT_INPUT;
	}
	if (options_live(&o))
		return main_live(&o);
	if ((o.cfn_template || o.container_defs ? run_embedded(&o, &out, &len, &e) :
	     run(&o, &out, &len, &e)) < 0) {
		fprintf(stderr, "falcon-patcher: %s\n", e.msg);
		return exit_code(&e);
	}
	int rc = EXIT_PATCHED;

	if (o.output) {
		if (atomic_write(o.output, out, len, 0666, &e) < 0) {
			fprintf(stderr, "falcon-patcher: %s\n", e.msg);
			rc = EXIT_SYSTEM;
		}
	} else if (write_all(STDOUT_FILENO, out, len) < 0) {
		perror("falcon-patcher: writing the patched definition to stdout");
		rc = EXIT_SYSTEM;
	}
	free(out);
	return rc;
}
