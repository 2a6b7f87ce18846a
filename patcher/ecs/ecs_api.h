/* ecs_api.h: the ECS API calls live mode makes (DescribeTaskDefinition,
 * ListTaskDefinitionFamilies, RegisterTaskDefinition): JSON 1.1 over HTTPS
 * POST, signed with AWS Signature Version 4 by libcurl, with throttling and
 * server errors retried under exponential backoff with full jitter, a
 * bounded number of times and within a deadline per call. */
#ifndef FC_PATCHER_ECS_API_H
#define FC_PATCHER_ECS_API_H

#include <stddef.h>

#include "aws_creds.h"
#include "ecs_reply.h"
#include "err.h"
#include "http_client.h"

/* The retry policy (README "Live patching in ECS"). */
#define ECS_MAX_ATTEMPTS 5
#define ECS_BACKOFF_BASE_MS 200
#define ECS_BACKOFF_CAP_MS 5000
#define ECS_ATTEMPT_TIMEOUT_MS 20000
#define ECS_CALL_DEADLINE_MS 60000
/* A task definition is at most 64 KiB; its reply is a little more. */
#define ECS_REPLY_MAX (1024 * 1024)

struct ecs_client {
	struct http_settings set;
	struct http_client http;
	char endpoint[1024];
	char region[64];
	char sigv4[128]; /* "aws:amz:REGION:ecs" */
	const struct aws_creds *creds;
	int retries; /* retried attempts so far, for the run's summary */
	char last_code[64]; /* the error code of the last failed call, or "" */
};

/* endpoint_url NULL: https://ecs.REGION.amazonaws.com (.com.cn in China).
 * creds must outlive the client. */
int ecs_client_init(struct ecs_client *ec, const char *region,
		    const char *endpoint_url, const struct aws_creds *creds,
		    struct fc_err *e);
void ecs_client_free(struct ecs_client *ec);

/* DescribeTaskDefinition of ref (FAMILY, FAMILY:REVISION or an ARN) with
 * its tags. *body is the reply (which taskdef_load reads as it reads
 * `aws ecs describe-task-definition` output); arn is the revision's ARN. */
int ecs_describe(struct ecs_client *ec, const char *ref, char **body,
		 size_t *len, char *arn, size_t arn_cap, struct fc_err *e);

/* Every ACTIVE family whose name starts with prefix, all pages, at most max. */
int ecs_list_families(struct ecs_client *ec, const char *prefix, int max,
		      struct ecs_families *out, struct fc_err *e);

/* RegisterTaskDefinition with def (a RegisterTaskDefinition request, tags
 * included); arn gets the new revision's ARN. */
int ecs_register(struct ecs_client *ec, const char *def, char *arn,
		 size_t arn_cap, struct fc_err *e);

#endif
