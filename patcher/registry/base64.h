/* base64.h: the standard base64 alphabet (RFC 4648 section 4), for pull
 * tokens, docker config "auth" values and Basic Authorization headers. */
#ifndef FC_PATCHER_BASE64_H
#define FC_PATCHER_BASE64_H

#include <stddef.h>

/* Returns a malloc'd NUL-terminated encoding of n bytes, or NULL when out
 * of memory (or n is over 1.5 GiB, more than libcrypto's int length). */
char *base64_encode(const void *data, size_t n);

/* Decodes s (length n) into a malloc'd buffer, NUL-terminated for
 * convenience, and sets *out_len. Line breaks and spaces anywhere are
 * skipped and missing '=' padding is accepted, because tokens made with
 * `base64` (which wraps at 76 columns) or cut from a terminal look like
 * that. Returns NULL on an invalid character (*bad_at is then its offset
 * in s), on a length that no encoding has (*bad_at is then n), or when out
 * of memory (*bad_at is then SIZE_MAX). */
unsigned char *base64_decode(const char *s, size_t n, size_t *out_len,
			     size_t *bad_at);

#endif
