/* digest.c: registry digest strings over libcrypto's SHA-256 (digest.h). */
#include "digest.h"

#include <string.h>

#include <openssl/evp.h>

int digest_sha256_string(const void *data, size_t n, char out[72])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	/* One call: the replies are already whole in memory (at most a few
	 * MiB), so there is nothing to stream. */
	if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) || len != 32)
		return -1;
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
	return 0;
}
