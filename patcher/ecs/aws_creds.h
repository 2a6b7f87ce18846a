/* aws_creds.h: the AWS credentials and region live mode signs its ECS
 * requests with, found the way the AWS CLI finds them, so that the patcher
 * runs unchanged on a laptop, in CI and as an ECS task:
 *   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
 *   2. the profile AWS_PROFILE (else "default") in the shared credentials
 *      file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), then in
 *      the config file (AWS_CONFIG_FILE, else ~/.aws/config);
 *   3. the ECS container credentials endpoint: AWS_CONTAINER_CREDENTIALS_
 *      RELATIVE_URI against http://169.254.170.2, or AWS_CONTAINER_
 *      CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE).
 * No secret ever goes into a message. */
#ifndef FC_PATCHER_AWS_CREDS_H
#define FC_PATCHER_AWS_CREDS_H

#include <stddef.h>

#include "err.h"

/* The ECS task role endpoint that AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * is relative to. */
#define AWS_CONTAINER_HOST "http://169.254.170.2"

struct aws_creds {
	char key_id[132];
	char secret[132];
	char token[8192];  /* "" without a session token */
	char source[700];  /* where they came from, for messages */
};

/* Fills c from the first link of the chain that has credentials. Fails
 * with FC_ERR_USAGE when none has (naming every place looked in and how
 * to fix it) or a link is malformed, FC_ERR_LOOKUP when the container
 * endpoint cannot be read. */
int aws_creds_load(struct aws_creds *c, struct fc_err *e);

/* The region: flag (-region) when not NULL, else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the profile's "region" in the config file.
 * Fails with FC_ERR_USAGE when none is set or the value is not a region. */
int aws_region_resolve(const char *flag, char *out, size_t cap,
		       struct fc_err *e);

/* 1 when s looks like an AWS region name (us-east-1, cn-north-1). */
int aws_region_valid(const char *s);

/* Parses the container credentials endpoint's JSON reply (AccessKeyId,
 * SecretAccessKey, Token). `what` names the endpoint in messages. Returns
 * 0, or -1 with FC_ERR_LOOKUP; c is then cleared. No I/O: fuzzed. */
int aws_creds_parse_container(const char *body, size_t len, const char *what,
			      struct aws_creds *c, struct fc_err *e);

/* Wipes the secrets from memory. */
void aws_creds_clear(struct aws_creds *c);

#endif
