/* utf8.h: UTF-8 as RFC 3629 and Unicode's table 3-7 define it, for every
 * JSON reader and writer here: the AWS CLI and OCSF consumers refuse text
 * that is not UTF-8, so none may be let through or written. */
#ifndef FC_UTF8_H
#define FC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length of the valid UTF-8 sequence that starts s[0..n), 1 to 4, or
 * 0 if s[0] does not start one (an invalid or truncated sequence, an
 * overlong form, a surrogate or a code point above U+10FFFF). n >= 1. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* Writes cp (at most U+10FFFF) as UTF-8 into out and returns its length,
 * 1 to 4. A surrogate is written as its three bytes, as a JSON reader
 * that matches a lone \uD800 byte for byte needs (json_span.c). */
size_t utf8_encode(uint32_t cp, char out[4]);

#endif
