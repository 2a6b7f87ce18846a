/* base64.c: base64 encoding and a lenient decoder (see base64.h). */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t n)
{
	const unsigned char *in = data;
	char *out = malloc((n + 2) / 3 * 4 + 1);
	size_t o = 0, i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

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
