/* cfn_spelling.h: a CloudFormation AWS::ECS::TaskDefinition's Properties
 * in the spelling of an ECS task definition and back, so that the one patch
 * engine (taskdef, plan, patch) serves both.
 *
 * CloudFormation spells every property with a capital (ContainerDefinitions,
 * EntryPoint, LinuxParameters.Capabilities.Add), ECS with a small letter;
 * the keys of DockerLabels, Options, DriverOpts and Labels are the user's
 * own and keep their spelling. A value the engine must not read (an
 * intrinsic function, long form {"Ref": ...} or short form !Ref, or a YAML
 * scalar that is not JSON) travels as an opaque token string and comes back
 * as it was, wherever the engine copies it. */
#ifndef FC_PATCHER_CFN_SPELLING_H
#define FC_PATCHER_CFN_SPELLING_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

struct cfn_opaque_value {
	const cJSON *v;   /* the original value (not owned) */
	int whole;        /* 1: stood for a whole EntryPoint or Command list */
};

struct cfn_opaque {
	struct cfn_opaque_value *t; /* by token number */
	size_t n, cap;
};

/* 1 if v is an intrinsic function: an object whose one key is "Ref" or
 * "Fn::...", or a short form that yaml_doc read ({"!Ref": ...}). */
int cfn_is_intrinsic(const cJSON *v);

/* 1 if the engine must not read v: an intrinsic, a YAML alias, or a YAML
 * scalar that is not JSON (yes, 0x1F, 2024-01-31). */
int cfn_is_opaque(const cJSON *v);

/* The function's name for messages: "Fn::Sub", "!Ref". */
const char *cfn_intrinsic_name(const cJSON *v);

/* A new ECS-spelled copy of props, with opaque values replaced by tokens
 * recorded in op. `what` prefixes messages ("resource TaskDef"). Returns
 * NULL with FC_ERR_INPUT for a property name CloudFormation would not have
 * (starting with a small letter), or FC_ERR_SYSTEM. */
cJSON *cfn_to_ecs(const cJSON *props, struct cfn_opaque *op, const char *what,
		  struct fc_err *e);

/* A new CloudFormation-spelled copy of an ECS-spelled tree from
 * cfn_to_ecs (and patched since), with every token replaced by a copy of
 * what it stood for. NULL when out of memory. */
cJSON *cfn_from_ecs(const cJSON *ecs, const struct cfn_opaque *op);

/* The value a token string stands for, or NULL when s is no token of op. */
const cJSON *cfn_opaque_value(const struct cfn_opaque *op, const char *s);

void cfn_opaque_free(struct cfn_opaque *op);

#endif
