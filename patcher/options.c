/* options.c: parsing and checking the patcher's flags.
 *
 * The original tool is written in Go, so its users pass `-flag value` and
 * `-flag=value`; GNU habits give `--flag`. All of them are accepted, and so is
 * the en dash that the product guide's "–ecs-spec" carries from a word
 * processor, because users paste it. */
#include "options.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "falconctl_opts.h"
#include "shell_words.h"

const char options_usage[] =
"usage: falcon-patcher -cid CID -image IMAGE (-ecs-spec-file PATH | -ecs-spec)\n"
"                      [-pulltoken TOKEN] [-docker-config PATH]\n"
"                      [-registry-ca FILE] [-insecure-registry HOST[:PORT]]...\n"
"                      [-secret-arn ARN] [-falconctl-opts OPTS] [-o FILE]\n"
"       falcon-patcher -cid CID -image IMAGE\n"
"                      (-ecs-task-definition FAMILY[:REVISION]... |\n"
"                       -ecs-family-prefix PREFIX) [-register]\n"
"                      [-region REGION] [-endpoint-url URL] [other flags]\n"
"       falcon-patcher ... -cfn-template PATH [-resource LOGICAL_ID]...\n"
"       falcon-patcher ... -container-definitions PATH\n"
"       falcon-patcher -h | -version\n"
"\n"
"Reads an ECS task definition and writes it patched to run the Falcon\n"
"Container sensor in every application container.\n"
"\n"
"  -cid CID              customer ID with checksum, XXXXXXXX...XX-YY\n"
"  -image IMAGE          falcon-container image the init container runs\n"
"  -ecs-spec-file PATH   task definition file (\"-\" reads stdin)\n"
"  -ecs-spec             read the task definition from stdin\n"
"  -cfn-template PATH    a CloudFormation template, JSON or YAML (CDK's\n"
"                        cdk.out/*.template.json too): patch every\n"
"                        AWS::ECS::TaskDefinition in it (\"-\" reads stdin)\n"
"  -resource LOGICAL_ID  with -cfn-template: patch only this resource\n"
"                        (repeatable)\n"
"  -container-definitions PATH\n"
"                        a JSON array of container definitions (Terraform's\n"
"                        container_definitions); prints the patched array\n"
"  -pulltoken TOKEN      base64 docker config.json with registry credentials,\n"
"                        used to read images' ENTRYPOINT/CMD\n"
"  -docker-config PATH   docker config.json to take registry credentials from\n"
"                        (auths, credHelpers, credsStore) when -pulltoken has\n"
"                        none for a registry; default $DOCKER_CONFIG/config.json\n"
"                        or ~/.docker/config.json\n"
"  -registry-ca FILE     PEM CA certificate(s) to trust for registries, in\n"
"                        addition to the system's\n"
"  -insecure-registry HOST[:PORT]\n"
"                        talk plain HTTP to this registry (repeatable)\n"
"  -secret-arn ARN       Secrets Manager ARN for pulling IMAGE; becomes the\n"
"                        init container's repositoryCredentials\n"
"  -falconctl-opts OPTS  extra sensor options, e.g. \"--trace=info\"\n"
"  -o FILE               write to FILE atomically instead of stdout\n"
"  -ecs-task-definition FAMILY[:REVISION]\n"
"                        live mode: read the definition from the ECS API\n"
"                        (repeatable; an ARN works too)\n"
"  -ecs-family-prefix PREFIX\n"
"                        live mode: every ACTIVE family starting with PREFIX\n"
"  -register             live mode: register each patched definition as a new\n"
"                        revision and print its ARN (default: a dry run that\n"
"                        prints the patched definitions, one per line)\n"
"  -region REGION        live mode: default $AWS_REGION, $AWS_DEFAULT_REGION,\n"
"                        or the profile's region in ~/.aws/config\n"
"  -endpoint-url URL     live mode: the ECS endpoint (a VPC endpoint, a test)\n"
"  -h, -help             show this text\n"
"  -version              show the version\n"
"\n"
"Flags may also be written with two dashes and as -flag=value.\n"
"Exit status: 0 patched, 1 system error, 2 bad flags or bad task definition,\n"
"3 image metadata could not be read from a registry.\n"
"In live mode: 2 also for missing credentials or region, an unknown family,\n"
"a request ECS refused; 3 also when ECS did not answer after retries; with\n"
"several families, the largest code of those that failed.\n";

enum flag_type { FLAG_STRING, FLAG_BOOL, FLAG_LIST };

struct flag {
	const char *name;
	enum flag_type type;
	size_t field; /* offset of the member in struct patcher_opts */
};

#define STR(n, m) { n, FLAG_STRING, offsetof(struct patcher_opts, m) }
#define BOOL(n, m) { n, FLAG_BOOL, offsetof(struct patcher_opts, m) }
#define LIST(n, m) { n, FLAG_LIST, offsetof(struct patcher_opts, m) }

static const struct flag flags[] = {
	STR("cid", cid),
	STR("image", image),
	STR("pulltoken", pulltoken),
	STR("ecs-spec-file", spec_file),
	BOOL("ecs-spec", spec_stdin),
	STR("secret-arn", secret_arn),
	STR("falconctl-opts", falconctl_opts),
	STR("o", output),
	STR("docker-config", docker_config),
	STR("registry-ca", registry_ca),
	LIST("insecure-registry", insecure),
	LIST("ecs-task-definition", ecs_taskdefs),
	STR("ecs-family-prefix", family_prefix),
	BOOL("register", do_register),
	STR("region", region),
	STR("endpoint-url", endpoint_url),
	STR("cfn-template", cfn_template),
	STR("container-definitions", container_defs),
	LIST("resource", resources),
	BOOL("h", help),
	BOOL("help", help),
	BOOL("version", version),
};

/* Strips one or two leading dashes (or an en/em dash); NULL if not a flag. */
static const char *flag_body(const char *arg)
{
	static const char *const dashes[] = { "--", "\xe2\x80\x93", "\xe2\x80\x94", "-" };

	if (strcmp(arg, "-") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof dashes / sizeof *dashes; i++) {
		size_t n = strlen(dashes[i]);

		if (strncmp(arg, dashes[i], n) == 0 && arg[n] != '\0')
			return arg + n;
	}
	return NULL;
}

static const struct flag *find_flag(const char *body, size_t len)
{
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		if (strlen(flags[i].name) == len &&
		    strncmp(flags[i].name, body, len) == 0)
			return &flags[i];
	return NULL;
}

/* A word of base64 (a piece of a token split at its line breaks). */
static int looks_base64(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789+/=");

	return n > 0 && s[n] == '\0';
}

int options_parse(int argc, char **argv, struct patcher_opts *o,
		  struct fc_err *e)
{
	const struct flag *last = NULL; /* the flag whose value came last */

	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *body = flag_body(argv[i]);

		if (!body && last && strcmp(last->name, "pulltoken") == 0 &&
		    looks_base64(argv[i]))
			/* `-pulltoken $PULL_TOKEN` unquoted, with a token that
			 * `base64` wrapped at 76 columns. */
			return fc_fail(e, FC_ERR_USAGE,
				       "unexpected argument \"%.40s%s\" after the "
				       "-pulltoken value: the token has line breaks and was "
				       "split into words; make it with `base64 -w 0` and "
				       "quote it: -pulltoken \"$PULL_TOKEN\"", argv[i],
				       strlen(argv[i]) > 40 ? "..." : "");
		if (!body)
			return fc_fail(e, FC_ERR_USAGE,
				       "unexpected argument \"%s\": every input is given "
				       "by a flag (see -h)", argv[i]);
		const char *eq = strchr(body, '=');
		size_t len = eq ? (size_t)(eq - body) : strlen(body);
		const struct flag *f = find_flag(body, len);

		last = NULL;
		if (!f)
			return fc_fail(e, FC_ERR_USAGE,
				       "unknown flag \"%s\" (see -h for the flags)",
				       argv[i]);
		char *field = (char *)o + f->field;

		if (f->type == FLAG_BOOL) {
			int on = 1;

			if (eq && strcasecmp(eq + 1, "true") != 0) {
				if (strcasecmp(eq + 1, "false") != 0)
					return fc_fail(e, FC_ERR_USAGE,
						       "flag -%s takes no value, or =true/=false",
						       f->name);
				on = 0;
			}
			*(int *)(void *)field = on;
			continue;
		}
		const char *val = eq ? eq + 1 : NULL;

		if (!val) {
			if (i + 1 >= argc)
				return fc_fail(e, FC_ERR_USAGE,
					       "flag -%s needs a value", f->name);
			val = argv[++i];
		}
		last = f;
		if (f->type == FLAG_LIST) {
			struct opt_list *l = (struct opt_list *)(void *)field;

			if (l->n == OPTIONS_LIST_MAX)
				return fc_fail(e, FC_ERR_USAGE,
					       "flag -%s is given more than %d times",
					       f->name, OPTIONS_LIST_MAX);
			l->v[l->n++] = val;
			continue;
		}
		*(const char **)(void *)field = val;
	}
	return 0;
}

/* HOST[:PORT] as -insecure-registry takes it: no scheme, no path. */
static int check_registry_host(const char *v, struct fc_err *e)
{
	if (strstr(v, "://"))
		return fc_fail(e, FC_ERR_USAGE,
			       "-insecure-registry \"%s\": give HOST[:PORT] without "
			       "a scheme, e.g. registry.local:5000", v);
	if (!*v || strpbrk(v, "/ \t\n\r@"))
		return fc_fail(e, FC_ERR_USAGE,
			       "-insecure-registry \"%s\" is not HOST[:PORT] (a "
			       "registry host name, as it appears before the first "
			       "'/' of an image name)", v);
	return 0;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || s[i] == '\0')
			return 0;
	return 1;
}

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; region may be empty, as in
 * the guide's own example "arn:aws:secretsmanager::532730071073:secret:test". */
static int is_arn(const char *s)
{
	const char *part[6];
	size_t len[6];
	const char *p = s;

	for (int i = 0; i < 6; i++) {
		const char *colon = i < 5 ? strchr(p, ':') : p + strlen(p);

		if (!colon)
			return 0;
		part[i] = p;
		len[i] = (size_t)(colon - p);
		p = colon + 1;
	}
	return len[0] == 3 && strncmp(part[0], "arn", 3) == 0 && len[1] > 0 &&
	       len[2] > 0 && len[5] > 0 && !strpbrk(s, " \t\n");
}

/* The launcher reads FALCONCTL_OPTS with the same code; a typo such as
 * --trace=inf is cheaper to refuse here than to find as a task that ran
 * without its sensor (the launcher fails open). Options this sensor does not
 * implement are left for the launcher to warn about. */
static int check_falconctl_opts(const struct patcher_opts *o, struct fc_err *e)
{
	struct falconctl_opts fo;
	struct fc_err why = { 0 };
	char cid[64], **user = NULL, **words = NULL;
	const char **known = NULL, **unknown = NULL;
	size_t n = 0, n_known, n_unknown;
	int rc = -1;

	if (shell_words_split(o->falconctl_opts, &user, &n, &why) == 0) {
		/* Parsed as the launcher will see it: after the --cid word. */
		words = calloc(n + 2, sizeof *words);
		known = calloc(n + 2, sizeof *known);
		unknown = calloc(n + 2, sizeof *unknown);
		if (!words || !known || !unknown) {
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto out;
		}
		snprintf(cid, sizeof cid, "--cid=%s", o->cid);
		words[0] = cid;
		memcpy(words + 1, user, n * sizeof *words);
		if (falconctl_opts_parse(words, n + 1, &fo, known, &n_known,
					 unknown, &n_unknown, &why) == 0)
			rc = 0;
	}
	if (rc < 0)
		fc_fail(e, FC_ERR_USAGE, "-falconctl-opts \"%s\": %s",
			o->falconctl_opts, why.msg);
out:
	free(known);
	free(unknown);
	free(words);
	free(user);
	return rc;
}

int options_check(const struct patcher_opts *o, struct fc_err *e)
{
	if (!o->cid)
		return fc_fail(e, FC_ERR_USAGE,
			       "missing -cid: pass your customer ID with its checksum, "
			       "as shown in Hosts Management > Sensor Downloads");
	if (strlen(o->cid) != 35 || !is_hex(o->cid, 32) || o->cid[32] != '-' ||
	    !is_hex(o->cid + 33, 2))
		return fc_fail(e, FC_ERR_USAGE,
			       "-cid \"%s\" is not a customer ID: expected 32 hex digits, "
			       "'-', and a 2-digit checksum (XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX-YY)",
			       o->cid);
	if (!o->image || !*o->image)
		return fc_fail(e, FC_ERR_USAGE,
			       "missing -image: pass the falcon-container image the init "
			       "container runs, e.g. 123456789012.dkr.ecr.us-east-1."
			       "amazonaws.com/falcon-sensor/falcon-container:TAG");
	if (strpbrk(o->image, " \t\n\r"))
		return fc_fail(e, FC_ERR_USAGE,
			       "-image \"%s\" contains white space; an image reference "
			       "cannot", o->image);
	if (o->spec_file && o->spec_stdin)
		return fc_fail(e, FC_ERR_USAGE,
			       "both -ecs-spec-file and -ecs-spec given: pass one "
			       "(-ecs-spec reads the definition from stdin)");
	if (!!o->spec_file + !!o->spec_stdin + !!o->cfn_template +
	    !!o->container_defs + !!options_live(o) > 1)
		return fc_fail(e, FC_ERR_USAGE,
			       "more than one input given: pass one of -ecs-spec-file, "
			       "-ecs-spec, -cfn-template, -container-definitions and "
			       "-ecs-task-definition/-ecs-family-prefix");
	if (!o->spec_file && !o->spec_stdin && !o->cfn_template && !o->container_defs &&
	    !options_live(o))
		return fc_fail(e, FC_ERR_USAGE,
			       "no task definition: pass -ecs-spec-file PATH, or "
			       "-ecs-spec with the definition on stdin (or "
			       "-cfn-template, or -container-definitions)");
	if (o->resources.n > 0 && !o->cfn_template)
		return fc_fail(e, FC_ERR_USAGE,
			       "-resource names a resource of a CloudFormation "
			       "template: use it with -cfn-template");
	for (int i = 0; i < o->resources.n; i++)
		if (!*o->resources.v[i])
			return fc_fail(e, FC_ERR_USAGE, "-resource needs a logical ID");
	if ((o->cfn_template && !*o->cfn_template) ||
	    (o->container_defs && !*o->container_defs))
		return fc_fail(e, FC_ERR_USAGE, "%s needs a file path (\"-\" reads stdin)",
			       o->cfn_template ? "-cfn-template" : "-container-definitions");
	if (o->secret_arn && !is_arn(o->secret_arn))
		return fc_fail(e, FC_ERR_USAGE,
			       "-secret-arn \"%s\" is not an ARN: expected "
			       "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
			       o->secret_arn);
	if (o->falconctl_opts && strstr(o->falconctl_opts, "--cid"))
		return fc_fail(e, FC_ERR_USAGE,
			       "-falconctl-opts contains --cid; give the customer ID "
			       "with -cid only");
	if (o->falconctl_opts && check_falconctl_opts(o, e) < 0)
		return -1;
	for (int i = 0; i < o->insecure.n; i++)
		if (check_registry_host(o->insecure.v[i], e) < 0)
			return -1;
	if (o->docker_config && !*o->docker_config)
		return fc_fail(e, FC_ERR_USAGE, "-docker-config needs a file path");
	if (o->registry_ca && !*o->registry_ca)
		return fc_fail(e, FC_ERR_USAGE, "-registry-ca needs a file path");
	return 0;
}

int options_live(const struct patcher_opts *o)
{
	return o->ecs_taskdefs.n > 0 || o->family_prefix;
}
