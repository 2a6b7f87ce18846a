/* fuzz_aws_creds.c: libFuzzer target for the ECS container credentials
 * endpoint's JSON reply. Beyond "no crash, no leak": accepted credentials
 * are printable without spaces (they go into header lines), and a refusal
 * leaves nothing behind. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws_creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct aws_creds c;
	struct fc_err e = { 0 };
	char *body = malloc(size ? size : 1);

	if (!body)
		return 0;
	memcpy(body, data, size);
	if (aws_creds_parse_container(body, size, "the endpoint", &c, &e) == 0) {
		if (!c.key_id[0] || !c.secret[0] || !header_safe(c.key_id) ||
		    !header_safe(c.secret) || !header_safe(c.token))
			abort();
	} else if (c.key_id[0] || c.secret[0] || c.token[0] || e.kind == FC_ERR_NONE) {
		abort();
	}
	aws_creds_clear(&c);
	free(body);
	return 0;
}
