/* main.c: falcon-launcher, the entrypoint of every patched application
 * container. FALCONCTL_OPTS -> sensor options; FALCON_APP_ENTRYPOINT + argv
 * -> the application's argv; scrub our variables; find the executable as
 * runc would; then become the sensor (or, failing open, the application).
 * Exit codes: common/exit_codes.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_argv.h"
#include "err.h"
#include "exit_codes.h"
#include "falconctl_opts.h"
#include "layout.h"
#include "log.h"
#include "lookpath.h"
#include "sensor_start.h"
#include "shell_words.h"

/* FALCONCTL_OPTS, read: what to pass to the sensor, and whether it may run. */
struct launch_opts {
	struct falconctl_opts fo;
	char **words;
	const char **known;
	size_t n_known;
	int usable;              /* 0: the sensor cannot start */
	char why[1400];          /* when !usable */
};

static void read_opts(const char *text, struct launch_opts *lo)
{
	struct fc_err e = { 0 };
	const char **unknown = NULL;
	size_t n = 0, n_unknown = 0;

	lo->fo = (struct falconctl_opts){ .trace = FC_TRACE_WARN };
	if (!text) {
		snprintf(lo->why, sizeof lo->why, FC_ENV_OPTS " is not set, so the "
			 "sensor has no customer ID: re-run falcon-patcher with -cid");
		return;
	}
	if (shell_words_split(text, &lo->words, &n, &e) < 0) {
		lo->fo.fail = falconctl_fail_mode_of_text(text);
		snprintf(lo->why, sizeof lo->why, FC_ENV_OPTS " cannot be split into "
			 "words (%s): fix -falconctl-opts and re-run falcon-patcher", e.msg);
		return;
	}
	lo->known = calloc(n + 1, sizeof *lo->known);
	unknown = calloc(n + 1, sizeof *unknown);
	if (!lo->known || !unknown) {
		snprintf(lo->why, sizeof lo->why, "out of memory");
		free(unknown);
		return;
	}
	if (falconctl_opts_parse(lo->words, n, &lo->fo, lo->known, &lo->n_known,
				 unknown, &n_unknown, &e) == 0)
		lo->usable = 1;
	else
		snprintf(lo->why, sizeof lo->why, FC_ENV_OPTS ": %s", e.msg);
	fc_log_setup("falcon-launcher", lo->fo.trace);
	for (size_t i = 0; i < n_unknown; i++)
		/* The name only: a value may be a secret (--provisioning-token). */
		fc_log(FC_TRACE_WARN, "ignoring falconctl option \"%.*s\": this "
		       "sensor does not implement it",
		       (int)strcspn(unknown[i], "="), unknown[i]);
	free(unknown);
}

/* What execve's errno means for the shell's exit codes. */
static int exec_exit_code(int err)
{
	return err == ENOENT ? FC_EXIT_NOTFOUND : FC_EXIT_NOEXEC;
}

int main(int argc, char **argv)
{
	struct launch_opts lo = { 0 };
	struct app_argv app = { 0 };
	struct fc_err e = { 0 };
	char *path = NULL, *sensor = NULL;
	int err;

	fc_log_setup("falcon-launcher", FC_TRACE_WARN);
	read_opts(getenv(FC_ENV_OPTS), &lo);
	if (app_argv_build(getenv(FC_ENV_ENTRYPOINT), argv + 1,
			   argc > 0 ? (size_t)argc - 1 : 0, &app, &e) < 0) {
		fc_log_fatal("%s", e.msg);
		return e.kind == FC_ERR_SYSTEM ? FC_EXIT_SYSTEM : FC_EXIT_CONFIG;
	}
	/* Nothing of ours may reach the application. */
	unsetenv(FC_ENV_OPTS);
	unsetenv(FC_ENV_ENTRYPOINT);

	switch (lookpath(app.argv[0], getenv("PATH"), &path, &e)) {
	case LOOKPATH_FOUND:
		break;
	case LOOKPATH_NOT_FOUND:
		fc_log_fatal("%s", e.msg);
		return FC_EXIT_NOTFOUND;
	case LOOKPATH_NOT_EXECUTABLE:
		fc_log_fatal("%s", e.msg);
		return FC_EXIT_NOEXEC;
	default:
		fc_log_fatal("%s", e.msg);
		return FC_EXIT_SYSTEM;
	}

	if (lo.usable) {
		sensor = sensor_locate();
		if (!sensor) {
			snprintf(lo.why, sizeof lo.why, "out of memory");
		} else {
			fc_log(FC_TRACE_DEBUG, "starting %s for %s", sensor, path);
			err = sensor_exec(sensor, lo.known, lo.n_known, path, app.argv,
					  app.argc);
			snprintf(lo.why, sizeof lo.why, "cannot execute the sensor %s: %s",
				 sensor, strerror(err));
		}
	}
	if (lo.fo.fail == FC_FAIL_CLOSED) {
		fc_log_fatal("the sensor cannot start (%s), and --fail=closed is set: "
			     "the application does not run", lo.why);
		return FC_EXIT_SENSOR;
	}
	fc_log_fatal("the application runs WITHOUT the Falcon sensor (fail-open): "
		     "%s; add --fail=closed to -falconctl-opts to stop instead",
		     lo.why);
	execve(path, app.argv, environ);
	err = errno;
	fc_log_fatal("cannot execute \"%s\": %s", path, strerror(err));
	return exec_exit_code(err);
}
