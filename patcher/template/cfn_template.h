/* cfn_template.h: patching every AWS::ECS::TaskDefinition of a
 * CloudFormation template (JSON or YAML, written by hand or synthesized by
 * the CDK) where it lives. Only the task definitions' Properties are
 * rewritten; every other byte of the template is kept. */
#ifndef FC_PATCHER_CFN_TEMPLATE_H
#define FC_PATCHER_CFN_TEMPLATE_H

#include <stddef.h>

#include "err.h"
#include "strbuf.h"
#include "taskdef_patch.h"

/* Patches the task definitions of the template in text: all of them, or
 * those named in ids (n of them). *out gets the whole template, in the
 * input's format. Returns 0, or -1 with e filled (FC_ERR_INPUT for a
 * template that cannot be patched, naming the resource). */
int cfn_template_patch(const char *text, size_t len, const char *const *ids,
		       int n, const struct taskdef_engine *eng, char **out,
		       size_t *out_len, struct strbuf *notes, struct fc_err *e);

#endif
