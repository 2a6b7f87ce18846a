/* options.h: the patcher's command line, spelled as the product guide spells
 * it (Go-style single-dash flags), with the double-dash forms accepted too. */
#ifndef FC_PATCHER_OPTIONS_H
#define FC_PATCHER_OPTIONS_H

#include "err.h"

/* How many times a repeatable flag may be given. */
#define OPTIONS_LIST_MAX 16

struct opt_list {
	const char *v[OPTIONS_LIST_MAX];
	int n;
};

struct patcher_opts {
	const char *cid;            /* -cid: 32 hex digits, '-', 2 hex digits */
	const char *image;          /* -image: the init container's image */
	const char *pulltoken;      /* -pulltoken: base64 docker config.json */
	const char *spec_file;      /* -ecs-spec-file PATH ("-" is stdin) */
	int spec_stdin;             /* -ecs-spec: the definition on stdin */
	const char *secret_arn;     /* -secret-arn: init repositoryCredentials */
	const char *falconctl_opts; /* -falconctl-opts: appended to --cid= */
	const char *output;         /* -o FILE: written atomically */
	const char *docker_config;  /* -docker-config PATH: registry credentials */
	const char *registry_ca;    /* -registry-ca FILE: extra CA certificates */
	struct opt_list insecure;   /* -insecure-registry HOST[:PORT], repeatable */
	const char *cfn_template;   /* -cfn-template PATH: CloudFormation, JSON or YAML */
	const char *container_defs; /* -container-definitions PATH: a bare array */
	struct opt_list resources;  /* -resource LOGICAL_ID, repeatable */
	int help, version;
	/* Live mode (live.h): the definitions come from the ECS API. */
	struct opt_list ecs_taskdefs; /* -ecs-task-definition FAMILY[:REV] */
	const char *family_prefix;    /* -ecs-family-prefix PREFIX */
	int do_register;              /* -register: a new revision, not a dry run */
	const char *region;           /* -region */
	const char *endpoint_url;     /* -endpoint-url URL */
};

/* Fills o from argv. Returns 0, or -1 with FC_ERR_USAGE. A successful parse
 * with help or version set needs no further checks. */
int options_parse(int argc, char **argv, struct patcher_opts *o,
		  struct fc_err *e);

/* Checks that the flags a patch needs are present and well formed. */
int options_check(const struct patcher_opts *o, struct fc_err *e);

/* 1 when the flags ask for live mode (-ecs-task-definition or
 * -ecs-family-prefix). */
int options_live(const struct patcher_opts *o);

/* The -h text. */
extern const char options_usage[];

#endif
