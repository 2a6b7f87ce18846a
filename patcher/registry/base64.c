/* base64.c: base64 encoding (libcrypto's) and a lenient decoder (see
 * base64.h). */
#include "base64.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>

char *base64_encode(const void *data, size_t n)
{
	char *out;

	/* EVP_EncodeBlock takes an int length; nothing here comes near it. */
	if (n > (size_t)INT_MAX / 4 * 3)
		return NULL;
	out = malloc((n + 2) / 3 * 4 + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

/* The decoder stays hand-written: libcrypto's EVP_DecodeBlock wants
 * padded input in one line (it refuses "Zm9vYg" and a token wrapped at
 * 76 columns), accepts what this one refuses ("Zg=a", "Z===", padding
 * in the middle), counts padding as decoded bytes, and says only -1 on
 * an error, where docker_config.c names the bad character's position.
 * EVP_DecodeUpdate skips spaces and line breaks but still refuses
 * unpadded input, and has no position either. */
static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

unsigned char *base64_decode(const char *s, size_t n, size_t *out_len,
			     size_t *bad_at)
{
	unsigned char *out = malloc(n / 4 * 3 + 4);
	unsigned acc = 0;
	size_t o = 0, digits = 0, pad = 0;

	if (!out) {
		*bad_at = SIZE_MAX;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int v;

		if (is_space(s[i]))
			continue;
		if (s[i] == '=') {
			/* Padding only at the end of a group, at most two. */
			if (digits % 4 < 2 || ++pad > 2)
				goto bad_here;
			continue;
		}
		v = value_of(s[i]);
		if (v < 0 || pad)
			goto bad_here;
		acc = acc << 6 | (unsigned)v;
		if (++digits % 4 == 0) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
		continue;
bad_here:
		*bad_at = i;
		free(out);
		return NULL;
	}
	switch (digits % 4) {
	case 1: /* six bits cannot make a byte */
		*bad_at = n;
		free(out);
		return NULL;
	case 2:
		out[o++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
		break;
	}
	if (pad && (digits + pad) % 4 != 0) {
		*bad_at = n;
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}
