/* fuzz_aws_ini.c: libFuzzer target for the AWS CLI's INI files as the
 * credential chain reads them. Beyond "no crash": a value found lies
 * inside the input, without white space at either end or a line break. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lookups[][2] = {
		{ "default", "aws_access_key_id" }, { "profile ci", "region" },
		{ "ci", "aws_session_token" }, { "", "" },
	};
	/* An exact-size copy, so reads past the end are caught. */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	for (size_t i = 0; i < sizeof lookups / sizeof *lookups; i++) {
		const char *v;
		size_t n;
		enum aws_ini_found f = aws_ini_get(text, size, lookups[i][0],
						   lookups[i][1], &v, &n);

		if (f != AWS_INI_FOUND)
			continue;
		if (v < text || v + n > text + size || memchr(v, '\n', n) ||
		    (n && (v[0] == ' ' || v[n - 1] == ' ')))
			abort();
	}
	free(text);
	return 0;
}
