/* aws_ini.h: reading the AWS CLI's INI files (~/.aws/credentials and
 * ~/.aws/config) as botocore reads them: "[section]" headers, "key = value"
 * lines, comments from '#' or ';' at a line's start, indented continuation
 * lines (nested settings such as "s3 =") ignored. The files are the user's,
 * but a fuzzer drives this reader like any other parser of outside text. */
#ifndef FC_PATCHER_AWS_INI_H
#define FC_PATCHER_AWS_INI_H

#include <stddef.h>

enum aws_ini_found {
	AWS_INI_NO_SECTION = 0, /* no [section] of that name */
	AWS_INI_NO_KEY,         /* the section, without the key */
	AWS_INI_FOUND,
};

/* Looks up key in [section] of the len bytes at text (no NUL needed). On
 * AWS_INI_FOUND, *val points into text at the value, white space trimmed,
 * and *val_len is its length. When a section or key repeats, the last one
 * wins, as in botocore. */
enum aws_ini_found aws_ini_get(const char *text, size_t len,
			       const char *section, const char *key,
			       const char **val, size_t *val_len);

#endif
