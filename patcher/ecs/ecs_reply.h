/* ecs_reply.h: what the ECS API sends back, parsed without trusting it:
 * error bodies, and the members of the DescribeTaskDefinition,
 * ListTaskDefinitionFamilies and RegisterTaskDefinition replies that live
 * mode uses. No I/O here, so a fuzzer can drive it. */
#ifndef FC_PATCHER_ECS_REPLY_H
#define FC_PATCHER_ECS_REPLY_H

#include <stddef.h>

#include "err.h"

/* The longest ARN or family name kept; ECS's are far shorter. */
#define ECS_ARN_MAX 512
/* A page of ListTaskDefinitionFamilies holds at most 100 names. */
#define ECS_PAGE_MAX 100

/* The error code (from "__type", without its "namespace#" prefix) and
 * message ("message" or "Message") of an error reply, each printable and
 * cut to fit; "" for what is missing. Never fails. */
void ecs_reply_error(const char *body, size_t len, char *code, size_t code_cap,
		     char *msg, size_t msg_cap);

/* 1 when the error code asks the caller to slow down and retry. */
int ecs_reply_throttled(const char *code);

/* taskDefinition.taskDefinitionArn of a DescribeTaskDefinition or
 * RegisterTaskDefinition reply. Returns 0, or -1 with FC_ERR_LOOKUP. */
int ecs_reply_arn(const char *body, size_t len, char *arn, size_t cap,
		  struct fc_err *e);

struct ecs_families {
	char **name; /* owned */
	int n;
	char *next_token; /* owned; NULL on the last page */
};

/* Appends the "families" of a ListTaskDefinitionFamilies page to f (up to
 * max in all) and replaces f->next_token. Returns 0, or -1 with
 * FC_ERR_LOOKUP for a malformed page, FC_ERR_INPUT past max. */
int ecs_reply_families(const char *body, size_t len, struct ecs_families *f,
		       int max, struct fc_err *e);

void ecs_families_free(struct ecs_families *f);

#endif
