/* main.c: falcon-init, the command of the init container. It copies the
 * payload from the image (/opt/CrowdStrike/payload) to the shared volume
 * (/tmp/CrowdStrike/falcon), verified and atomically; run again, it keeps a
 * payload that verifies. With --write-manifest it makes the MANIFEST at build
 * time, so the format has one implementation. Exit codes: exit_codes.h. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "exit_codes.h"
#include "install.h"
#include "layout.h"
#include "log.h"
#include "manifest.h"

#ifndef FC_VERSION
#define FC_VERSION "dev"
#endif

static const char usage[] =
"usage: falcon-init [--from DIR] [--to DIR] [--no-mount-check]\n"
"       falcon-init --write-manifest DIR\n"
"\n"
"Copies the payload in DIR (default " FC_PAYLOAD_SOURCE ") to the shared\n"
"volume (default " FC_PAYLOAD_DIR "), checked against its " FC_MANIFEST ".\n"
"The parent of --to is the volume and must be a mount point unless\n"
"--no-mount-check is given.\n"
"\n"
"exit codes: 0 done; 100 usage; 102 " FC_MANIFEST " missing; 103 payload does\n"
"not match " FC_MANIFEST "; 104 volume missing; 105 volume read-only;\n"
"106 volume full; 111 other system error\n";

static int exit_code(enum install_fail why)
{
	switch (why) {
	case INSTALL_MANIFEST_MISSING:
		return FC_EXIT_MANIFEST_MISSING;
	case INSTALL_MANIFEST_MISMATCH:
		return FC_EXIT_MANIFEST_MISMATCH;
	case INSTALL_VOLUME_MISSING:
		return FC_EXIT_VOLUME_MISSING;
	case INSTALL_VOLUME_READONLY:
		return FC_EXIT_VOLUME_READONLY;
	case INSTALL_DISK_FULL:
		return FC_EXIT_DISK_FULL;
	default:
		return FC_EXIT_SYSTEM;
	}
}

static int bad_usage(const char *arg)
{
	fprintf(stderr, "falcon-init: unknown or incomplete argument \"%s\"\n%s",
		arg, usage);
	return FC_EXIT_CONFIG;
}

int main(int argc, char **argv)
{
	struct install_opts o = { FC_PAYLOAD_SOURCE, FC_PAYLOAD_DIR, 1 };
	struct install_report rep = { 0 };
	struct install_err ie = { 0 };
	const char *manifest_dir = NULL;
	static const char *const outcome[] = {
		[INSTALL_FRESH] = "installed",
		[INSTALL_KEPT] = "already installed and verified",
		[INSTALL_REPLACED] = "replaced a copy that did not verify",
	};

	fc_log_setup("falcon-init", FC_TRACE_WARN);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_arg = i + 1 < argc;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			puts("falcon-init " FC_VERSION);
			return 0;
		}
		if (strcmp(a, "--no-mount-check") == 0) {
			o.check_mount = 0;
		} else if (strcmp(a, "--from") == 0 && has_arg) {
			o.from = argv[++i];
		} else if (strcmp(a, "--to") == 0 && has_arg) {
			o.to = argv[++i];
		} else if (strcmp(a, "--write-manifest") == 0 && has_arg) {
			manifest_dir = argv[++i];
		} else {
			return bad_usage(a);
		}
	}
	if (manifest_dir) {
		struct fc_err e = { 0 };

		if (manifest_write_for(manifest_dir, &e) < 0) {
			fc_log_fatal("%s", e.msg);
			return e.kind == FC_ERR_SYSTEM ? FC_EXIT_SYSTEM : FC_EXIT_CONFIG;
		}
		return 0;
	}
	if (install_payload(&o, &rep, &ie) < 0) {
		fc_log_fatal("%s", ie.e.msg);
		return exit_code(ie.why);
	}
	printf("falcon-init: %s %s: %zu files, %llu bytes\n", o.to,
	       outcome[rep.outcome], rep.files, (unsigned long long)rep.bytes);
	return 0;
}
