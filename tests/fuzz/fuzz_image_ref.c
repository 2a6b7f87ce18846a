/* fuzz_image_ref.c: libFuzzer target for image references, which come
 * from the task definition. Beyond "no crash": what parses is written back
 * as HOST/REPO[:TAG][@DIGEST] and must parse to the same reference, the
 * host and repository are never empty, and the digest, when there is one,
 * is sha256:<64 hex>. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_ref.h"
#include "registry_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), again[1024];
	struct image_ref r, r2;
	struct fc_err e = { 0 };

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (image_ref_parse(s, &r, &e) == 0) {
		if (!r.host[0] || !r.repo[0] || (!r.tag[0] && !r.digest[0]) ||
		    (r.digest[0] && !reply_is_sha256_digest(r.digest)))
			abort();
		/* Docker Hub is spelled docker.io in a reference. */
		snprintf(again, sizeof again, "%s/%s%s%s%s%s",
			 r.docker_hub ? "docker.io" : r.host, r.repo,
			 r.tag[0] ? ":" : "", r.tag, r.digest[0] ? "@" : "", r.digest);
		if (image_ref_parse(again, &r2, &e) != 0 ||
		    strcmp(r.host, r2.host) != 0 || strcmp(r.repo, r2.repo) != 0 ||
		    strcmp(r.tag, r2.tag) != 0 || strcmp(r.digest, r2.digest) != 0 ||
		    r.docker_hub != r2.docker_hub) {
			fprintf(stderr, "\"%s\" -> \"%s\" does not parse the same\n", s, again);
			abort();
		}
		image_ref_is_ecr(r.host);
	} else if (e.kind != FC_ERR_INPUT) {
		abort();
	}
	free(s);
	return 0;
}
