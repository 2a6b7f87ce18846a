/* sha256.h: SHA-256 (FIPS 180-4), to check that a registry's manifest and
 * config blob are the ones their digests name. Written here rather than
 * taken from OpenSSL so that the patcher needs no library beyond libcurl
 * and cJSON. */
#ifndef FC_PATCHER_SHA256_H
#define FC_PATCHER_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, unsigned char out[32]);

/* "sha256:" and 64 lowercase hex digits of data, as registries write
 * digests, into out (at least 72 bytes). */
void sha256_digest_string(const void *data, size_t n, char out[72]);

#endif
