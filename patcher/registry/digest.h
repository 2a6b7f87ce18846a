/* digest.h: the "sha256:<hex>" digest strings that registries name
 * manifests and config blobs by, computed with libcrypto (which libcurl
 * loads anyway), to check that a reply is the one its digest names. */
#ifndef FC_PATCHER_DIGEST_H
#define FC_PATCHER_DIGEST_H

#include <stddef.h>

/* Writes "sha256:" and 64 lowercase hex digits of data into out (at least
 * 72 bytes). Returns 0, or -1 when libcrypto fails (out of memory, or a
 * FIPS configuration without SHA-256); out is then the empty string. */
int digest_sha256_string(const void *data, size_t n, char out[72]);

#endif
